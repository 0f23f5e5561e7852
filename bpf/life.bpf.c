// SPDX-License-Identifier: GPL-2.0
/*
 * life: follow each packet from hook to hook and add the time between two
 * hooks (a stage) to that stage's histogram, in the kernel.
 *
 * State lives in "items": one per skb and direction, keyed by the skb's
 * address (an identity, read only while the hook owns the skb). On a
 * pktlife device a receive journey begins when the frame left the peer:
 * the driver's pl_rx_skb hands over its departure and arrival (from the RX
 * descriptor), the interrupt and the poll's start, with the skb.
 *
 * Receive stages are added to the histograms as they end, one count per
 * wire frame: a GRO skb keeps one group of times per merged frame, so the
 * stages after GRO are timed from each frame's own times. Transmit stages
 * are added when the NIC (or, on other devices, the driver) is done with
 * the skb, once per wire frame it became, so the stages before TSO count
 * as many times as there are frames after it.
 *
 * Every hook exists as fentry/fexit or tp_btf, and as kprobe/kretprobe or
 * raw_tp; user space loads one of the two per hook (life.c). Documented
 * stage by stage in Documentation/life.rst.
 *
 * The parts, each using those before it: life_maps.bpf.h (settings and
 * maps), life_hist.bpf.h (counters, histograms, frame slots),
 * life_filter.bpf.h (filters, header parsing), life_item.bpf.h (per-skb
 * items), life_nic.bpf.h (NIC and driver), life_rx.bpf.h and
 * life_tx.bpf.h (the kernel's paths), life_free.bpf.h (early ends); here,
 * the programs.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
#include "life.h"

#include "life_maps.bpf.h"
#include "life_hist.bpf.h"
#include "life_filter.bpf.h"
#include "life_item.bpf.h"
#include "life_nic.bpf.h"
#include "life_rx.bpf.h"
#include "life_tx.bpf.h"
#include "life_free.bpf.h"

/* --- the hooks, twice each ------------------------------------------------ */

/*
 * TP(name, args...) / FN(func, args...): a tp_btf and a raw_tp program, or
 * an fentry and a kprobe program, with the same body. User space loads one
 * of each pair (life.c: pick_programs(), by its LIFE_HOOKS row).
 */
#define TP(name, body, ...)						\
SEC("tp_btf/" #name)							\
int BPF_PROG(tb_##name, __VA_ARGS__) { return bench_empty ? 0 : body; }	\
SEC("raw_tp/" #name)							\
int BPF_PROG(rt_##name, __VA_ARGS__) { return bench_empty ? 0 : body; }

#define FN(func, body, ...)						\
SEC("fentry/" #func)							\
int BPF_PROG(fe_##func, __VA_ARGS__) { return bench_empty ? 0 : body; }	\
SEC("kprobe/" #func)							\
int BPF_KPROBE(kp_##func, __VA_ARGS__) { return bench_empty ? 0 : body; }

/* NIC and driver */
TP(pl_hw_wire_tx, on_wire_tx(frame_id, depart),
   int port, u16 queue, u32 frame_id, u32 len, u64 depart, u64 arrive)
TP(pl_hw_rx_missed, on_rx_missed(port), int port)
TP(pl_rx_skb,
   on_rx_skb(dev, skb, frame_id, depart, arrive, irq, irq_cpu, poll),
   struct net_device *dev, struct sk_buff *skb, u16 queue, u32 frame_id,
   u64 depart, u64 arrive, u64 irq, u32 irq_cpu, u64 poll)
TP(pl_rx_gro, on_rx_gro(skb, result),
   struct net_device *dev, unsigned long skb, u16 queue, int result)
TP(pl_xmit, on_pl_xmit(skb), struct net_device *dev, struct sk_buff *skb)
TP(pl_tx_posted, on_tx_posted(skb), struct net_device *dev, struct sk_buff *skb)
TP(pl_tx_complete, on_tx_complete(skb, frame_id, nsegs, depart),
   struct net_device *dev, struct sk_buff *skb, u16 queue, u32 frame_id,
   u32 nsegs, u64 depart)

/* the core's tracepoints */
TP(netif_receive_skb, on_netif_receive(skb), struct sk_buff *skb)
TP(net_dev_queue, on_dev_queue(skb), struct sk_buff *skb)
TP(net_dev_start_xmit, on_start_xmit(skb, dev), struct sk_buff *skb,
   struct net_device *dev)
TP(net_dev_xmit, on_dev_xmit(skb, rc), struct sk_buff *skb, int rc)
TP(kfree_skb, on_kfree_skb(skb, reason), struct sk_buff *skb, void *location,
   int reason)
TP(consume_skb, on_consume_skb(skb), struct sk_buff *skb)

/* receive */
FN(ip_rcv_core, rx_point(skb, LS_RX_NETIF), struct sk_buff *skb)
FN(ip6_rcv_core, rx_point(skb, LS_RX_NETIF), struct sk_buff *skb)
FN(ip_local_deliver, rx_point(skb, LS_RX_IP), struct sk_buff *skb)
FN(ip6_input, rx_point(skb, LS_RX_IP), struct sk_buff *skb)
FN(ip_protocol_deliver_rcu, rx_point(skb, LS_RX_LOCAL), struct net *net,
   struct sk_buff *skb)
FN(ip6_protocol_deliver_rcu, rx_point(skb, LS_RX_LOCAL), struct net *net,
   struct sk_buff *skb)
FN(tcp_v4_rcv, on_tcp_rcv(skb), struct sk_buff *skb)
FN(tcp_v6_rcv, on_tcp_rcv(skb), struct sk_buff *skb)
FN(udp_rcv, rx_point(skb, LS_RX_LOCAL), struct sk_buff *skb)
FN(udpv6_rcv, rx_point(skb, LS_RX_LOCAL), struct sk_buff *skb)
FN(icmp_rcv, rx_point(skb, LS_RX_LOCAL), struct sk_buff *skb)
FN(icmpv6_rcv, rx_point(skb, LS_RX_LOCAL), struct sk_buff *skb)
FN(tcp_queue_rcv, rx_point(skb, LS_RX_L4), struct sock *sk,
   struct sk_buff *skb)
FN(__udp_enqueue_schedule_skb, rx_point(skb, LS_RX_L4), struct sock *sk,
   struct sk_buff *skb)
FN(__sock_queue_rcv_skb, rx_point(skb, LS_RX_L4), struct sock *sk,
   struct sk_buff *skb)
FN(skb_copy_datagram_iter, on_copy_to_user(skb), struct sk_buff *skb)
FN(skb_copy_and_csum_datagram_msg, on_copy_to_user(skb), struct sk_buff *skb)
/* UDP copies a linear, verified datagram inline: it is consumed right after */
FN(skb_consume_udp, on_copy_to_user(skb), struct sock *sk, struct sk_buff *skb)

/* transmit */
FN(tcp_sendmsg, on_sendmsg(sk), struct sock *sk)
FN(tcp_sendmsg_locked, on_tcp_sendmsg_locked(sk), struct sock *sk)
FN(tcp_close, on_tcp_close(sk), struct sock *sk)
FN(__tcp_transmit_skb, on_tcp_transmit(sk, skb), struct sock *sk,
   struct sk_buff *skb)
FN(__ip_queue_xmit, on_ip_queue_xmit(sk, skb), struct sock *sk,
   struct sk_buff *skb)
FN(inet6_csk_xmit, on_ip_queue_xmit(sk, skb), struct sock *sk,
   struct sk_buff *skb)
FN(udp_sendmsg, on_sendmsg(sk), struct sock *sk)
FN(udpv6_sendmsg, on_sendmsg(sk), struct sock *sk)
FN(raw_sendmsg, on_sendmsg(sk), struct sock *sk)
FN(rawv6_sendmsg, on_sendmsg(sk), struct sock *sk)
FN(ping_v4_sendmsg, on_sendmsg(sk), struct sock *sk)
FN(ping_v6_sendmsg, on_sendmsg(sk), struct sock *sk)
FN(udp_send_skb, on_udp4_send_skb(skb, fl4), struct sk_buff *skb,
   struct flowi4 *fl4)
FN(udp_v6_send_skb, on_udp6_send_skb(skb, fl6), struct sk_buff *skb,
   struct flowi6 *fl6)
FN(ip_output, (tx_point(skb, LS_TX_L4, true), 0), struct net *net,
   struct sock *sk, struct sk_buff *skb)
FN(ip6_output, (tx_point(skb, LS_TX_L4, true), 0), struct net *net,
   struct sock *sk, struct sk_buff *skb)

/* the sendmsg() returned: its time is no longer an origin */
#define SENDMSG_RET(func)						\
SEC("fexit/" #func)							\
int BPF_PROG(fx_##func) { return bench_empty ? 0 : on_sendmsg_ret(); }	\
SEC("kretprobe/" #func)							\
int BPF_KRETPROBE(kr_##func) { return bench_empty ? 0 : on_sendmsg_ret(); }

SENDMSG_RET(tcp_sendmsg)
SENDMSG_RET(udp_sendmsg)
SENDMSG_RET(udpv6_sendmsg)
SENDMSG_RET(raw_sendmsg)
SENDMSG_RET(rawv6_sendmsg)
SENDMSG_RET(ping_v4_sendmsg)
SENDMSG_RET(ping_v6_sendmsg)

/*
 * Merges and clones need the result: fexit, or a kprobe that keeps the
 * arguments for the kretprobe, per CPU. skb_clone() and
 * skb_try_coalesce() can also run in process context, where a softirq on
 * the same CPU may interrupt between the two and stash its own: the
 * kretprobe then finds another function's arguments, or none, and the
 * merge or clone is missed (never misfiled: each stash says whose it is).
 * A softirq calling the same function in between is not told apart.
 */
SEC("fexit/skb_gro_receive")
int BPF_PROG(fx_skb_gro_receive, struct sk_buff *p, struct sk_buff *skb, int ret)
{
	return ret || bench_empty ? 0 : on_gro_merged(p, skb);
}

SEC("fexit/skb_gro_receive_list")
int BPF_PROG(fx_skb_gro_receive_list, struct sk_buff *p, struct sk_buff *skb,
	     int ret)
{
	return ret || bench_empty ? 0 : on_gro_merged(p, skb);
}

SEC("fexit/skb_try_coalesce")
int BPF_PROG(fx_skb_try_coalesce, struct sk_buff *to, struct sk_buff *from,
	     bool *fragstolen, int *delta, bool ret)
{
	if (ret && !bench_empty)
		merge_into((__u64)to, (__u64)from);
	return 0;
}

SEC("fexit/skb_clone")
int BPF_PROG(fx_skb_clone, struct sk_buff *skb, gfp_t gfp, struct sk_buff *n)
{
	return bench_empty ? 0 : on_clone(skb, n);
}

static __always_inline int stash(__u32 fn, __u64 a, __u64 b)
{
	struct handoff *h = handoff();

	if (h) {
		h->fn = fn;
		h->arg0 = a;
		h->arg1 = b;
	}
	return 0;
}

/* the arguments, if the last kprobe on this CPU was this function's */
static __always_inline bool unstash(__u32 fn, __u64 *a, __u64 *b)
{
	struct handoff *h = handoff();

	if (!h || !h->arg0 || h->fn != fn)
		return false;
	*a = h->arg0;
	*b = h->arg1;
	h->arg0 = 0;
	return true;
}

enum kret_fn { KF_GRO = 1, KF_GRO_LIST, KF_COALESCE, KF_CLONE };

#define KRET(func, fn, onret)						\
SEC("kprobe/" #func)							\
int BPF_KPROBE(kp_##func, void *a, void *b)				\
{ return bench_empty ? 0 : stash(fn, (__u64)a, (__u64)b); }		\
SEC("kretprobe/" #func)							\
int BPF_KRETPROBE(kr_##func, long ret)					\
{									\
	__u64 a, b;							\
									\
	if (!bench_empty && unstash(fn, &a, &b))			\
		onret;							\
	return 0;							\
}

KRET(skb_gro_receive, KF_GRO,
     if (!(int)ret) on_gro_merged((void *)a, (void *)b))
KRET(skb_gro_receive_list, KF_GRO_LIST,
     if (!(int)ret) on_gro_merged((void *)a, (void *)b))
KRET(skb_try_coalesce, KF_COALESCE, if ((bool)ret) merge_into(a, b))
KRET(skb_clone, KF_CLONE, on_clone((void *)a, (void *)ret))

char LICENSE[] SEC("license") = "GPL";
