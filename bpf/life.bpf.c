// SPDX-License-Identifier: GPL-2.0
/*
 * life: follow each packet from hook to hook and add the time between two
 * hooks (a stage) to that stage's histogram, in the kernel.
 *
 * State lives in "items": one per skb and direction, keyed by the skb's
 * address (an identity, read only while the hook owns the skb). On a
 * pktlife device a receive journey begins before there is an skb, when the
 * NIC writes the frame to the RX ring: it is then a "frame", keyed by the
 * NIC's frame id, until the driver builds its skb.
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
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
#include "life.h"

#define AF_INET		2
#define AF_INET6	10
#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86DD
#define IPPROTO_ICMP_	1
#define IPPROTO_TCP_	6
#define IPPROTO_UDP_	17
#define IPPROTO_ICMPV6_	58

/* settings, through the skeleton's rodata */
/*
 * PKTLIFE_BENCH_EMPTY=1 (bench/guest.sh): every program attached as usual
 * returns at once, so that the bench can tell what entering the hooks
 * costs from what their bodies do.  The verifier prunes the test: with 0
 * the programs are what they would be without it.
 */
const volatile __u8 bench_empty = 0;
const volatile __u32 targ_ifindex = 0;
const volatile __u32 targ_netns = 0;
const volatile __u8 targ_dir = 0;	/* 0 both, 1 + enum life_dir */
const volatile __u8 targ_proto = 0;
const volatile __u8 targ_family = 0;
const volatile __u8 targ_has_saddr = 0;
const volatile __u8 targ_has_daddr = 0;
const volatile __u8 targ_has_host = 0;
const volatile __u32 targ_saddr[4] = {};
const volatile __u32 targ_daddr[4] = {};
const volatile __u32 targ_host[4] = {};
const volatile __u16 targ_sport = 0;
const volatile __u16 targ_dport = 0;
const volatile __u16 targ_port = 0;
const volatile __u32 trace_sample = 0;	/* 0: no trace; N: 1 in N */

/*
 * Preallocated: a journey begins on one CPU (the poll's) and often ends on
 * another (the reader's), and on 6.1 the allocator of a map that is not
 * preallocated ran out of elements on the first while the second's cache
 * filled (lost_map under a UDP flood); a preallocated map takes a free
 * element from any CPU, and costs no allocation per skb.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LIFE_MAX_ITEMS);
	__type(key, struct life_key);
	__type(value, struct life_item);
} items SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LIFE_MAX_FRAMES);
	__type(key, __u32);
	__type(value, struct life_frame);
} frames SEC(".maps");

/* departure time per frame id, a cache: losing one only loses a wire stage */
struct depart {
	__u64 t;		/* the NIC's departure timestamp */
	__u32 cpu;		/* where the NIC sent it */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, LIFE_MAX_FRAMES);
	__type(key, __u32);
	__type(value, struct depart);
} departs SEC(".maps");

/* the last 16 interrupts per (port, vector) */
#define IRQ_RING	16
struct irq_ring {
	__u32 gen;
	__u32 pad;
	__u64 t[IRQ_RING];
	__u16 cpu[IRQ_RING];	/* where the NIC fired it */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct irq_ring);
} irqs SEC(".maps");

/* when the current NAPI poll of (device, queue) began */
struct poll_key {
	__u64 dev;
	__u32 queue;
	__u32 pad;
};

struct poll_begin {
	__u64 t;
	__u32 cpu;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct poll_key);
	__type(value, struct poll_begin);
} polls SEC(".maps");

/* per NIC port: 0 not known yet, 1 its device is wanted, 2 it is not */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u8);
} port_state SEC(".maps");

/* the latest sendmsg() calls per TCP socket: (first seq, time) */
#define SEND_LOG	8
struct send_log {
	__u32 n;
	__u32 seq[SEND_LOG];
	__u64 t[SEND_LOG];
};

/* LRU: a socket that goes away unseen only ages out */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct send_log);
} tcp_sends SEC(".maps");

/* a sendmsg() in progress, per thread: when, and on which socket */
struct send_call {
	__u64 t;
	__u64 sk;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct send_call);
} sends SEC(".maps");

/*
 * skbs a filter rejected, so that the next hook does not start them again
 * (and count them twice); an LRU, as forgetting one only costs a recount.
 * An answer holds for one pass of an skb through one direction's path and
 * is forgotten where that pass ends (reject_forget()): the skb's address
 * and its head are soon another packet's, the slab hands back the struct
 * and the head freed last on the CPU, and a late-starting skb (an ICMP
 * reply, a TCP reset, ARP) would be taken for the rejected one. The value
 * is the skb's head: a guard for an skb freed where no hook sees it.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct life_key);
	__type(value, __u64);
} rejected SEC(".maps");

/* what one hook hands to the next on the same CPU */
struct handoff {
	__u64 sk;		/* __tcp_transmit_skb -> __ip_queue_xmit */
	__u64 t_origin;
	__u64 t_tcp;
	__u64 merged_skb;	/* skb_gro_receive -> pl_rx_gro */
	__u64 merged_head;
	__u32 merged_group;
	__u32 pad;
	__u64 arg0, arg1;	/* kprobe -> kretprobe */
	__u32 fn;		/* whose arguments: enum kret_fn */
	__u32 pad2;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct handoff);
} handoffs SEC(".maps");

/* all zeroes, never written: the template of a new item */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct life_item);
} zero_item SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LIFE_HIST_MAX);
	__type(key, __u32);
	__type(value, struct life_hist);
} hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LIFE_ACCT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} acct SEC(".maps");

/* drops per (direction << 31 | reason), in frames */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} events SEC(".maps");

__u64 trace_seq = 0;

/* --- small helpers ---------------------------------------------------- */

static __always_inline struct handoff *handoff(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&handoffs, &zero);
}

static __always_inline void acct_add(__u32 dir, __u32 what, __u64 n)
{
	__u32 idx = LIFE_ACCT_IDX(dir, what);
	__u64 *v;

	if (idx >= LIFE_ACCT_MAX)
		return;
	v = bpf_map_lookup_elem(&acct, &idx);
	if (v)
		*v += n;	/* this CPU's own counter, hooks do not nest */
}

static __always_inline bool dir_wanted(__u32 dir)
{
	return !targ_dir || targ_dir == dir + 1;
}

static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 r, s;

	r = (v > 0xFFFFFFFFULL) << 5; v >>= r;
	s = (v > 0xFFFF) << 4; v >>= s; r |= s;
	s = (v > 0xFF) << 3; v >>= s; r |= s;
	s = (v > 0xF) << 2; v >>= s; r |= s;
	s = (v > 0x3) << 1; v >>= s; r |= s;
	return r | (v >> 1);
}

static __always_inline __u32 hist_slot(__u64 v)
{
	__u32 e;

	if (v < LIFE_HIST_SUB)
		return v;
	e = log2_u64(v);
	if (e > LIFE_HIST_MAX_LOG)
		return LIFE_HIST_SLOTS - 1;
	return (e - LIFE_HIST_SUB_BITS + 1) * LIFE_HIST_SUB +
	       ((v >> (e - LIFE_HIST_SUB_BITS)) & (LIFE_HIST_SUB - 1));
}

static __always_inline void hist_add(__u32 idx, __u64 v, __u32 w)
{
	struct life_hist *h;
	__u64 slot;

	if (!w)
		return;
	h = bpf_map_lookup_elem(&hists, &idx);
	if (!h)
		return;
	slot = hist_slot(v);
	/* a 64-bit test next to the access: 6.1's verifier needs both */
	asm volatile("" : "+r"(slot));
	if (slot >= LIFE_HIST_SLOTS)
		return;
	/* per CPU, and hooks do not nest on one CPU: no atomics */
	h->count += w;
	h->sum += v * w;
	if (v > h->max)
		h->max = v;
	h->slots[slot] += w;
}

/*
 * An index the caller has checked, masked where clang cannot see that the
 * mask changes nothing: the verifier needs it next to the access.
 */
static __always_inline __u32 bound_group(__u32 i)
{
	asm volatile("" : "+r"(i));
	return i & (LIFE_MAX_GROUPS - 1);
}

static __always_inline __u64 max64(__u64 a, __u64 b)
{
	return a > b ? a : b;
}

/* --- filters ------------------------------------------------------------ */

static __always_inline bool dev_wanted(struct net_device *dev)
{
	if (!dev)
		return false;
	if (targ_ifindex && BPF_CORE_READ(dev, ifindex) != targ_ifindex)
		return false;
	/* ifindexes are per netns: see count.bpf.c */
	if (targ_netns && bpf_core_field_exists(dev->nd_net.net) &&
	    BPF_CORE_READ(dev, nd_net.net, ns.inum) != targ_netns)
		return false;
	return true;
}

static __always_inline bool sk_netns_wanted(struct sock *sk)
{
	if (!sk || !targ_netns || !bpf_core_field_exists(sk->__sk_common.skc_net.net))
		return true;
	return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum) == targ_netns;
}

static __always_inline bool addr_eq(const __u32 *a, const volatile __u32 *b,
				    __u8 family)
{
	if (family == AF_INET)
		return a[0] == b[0];
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}

static __always_inline bool flow_wanted(const struct life_flow *f)
{
	if (targ_proto && f->proto != targ_proto)
		return false;
	if (targ_family && f->family != targ_family)
		return false;
	if (targ_has_saddr && !addr_eq(f->saddr, targ_saddr, f->family))
		return false;
	if (targ_has_daddr && !addr_eq(f->daddr, targ_daddr, f->family))
		return false;
	if (targ_has_host && !addr_eq(f->saddr, targ_host, f->family) &&
	    !addr_eq(f->daddr, targ_host, f->family))
		return false;
	if (targ_sport && f->sport != targ_sport)
		return false;
	if (targ_dport && f->dport != targ_dport)
		return false;
	if (targ_port && f->sport != targ_port && f->dport != targ_port)
		return false;
	return true;
}

/* Headers from NH (the network header) on; ETHERTYPE in host order. */
static __always_inline void parse_l3(void *nh, __u16 ethertype,
				     struct life_flow *f)
{
	__u16 ports[2];
	void *l4;

	f->ethertype = ethertype;
	if (ethertype == ETH_P_IP) {
		struct iphdr iph;

		if (bpf_probe_read_kernel(&iph, sizeof(iph), nh))
			return;
		f->family = AF_INET;
		f->proto = iph.protocol;
		f->saddr[0] = iph.saddr;
		f->daddr[0] = iph.daddr;
		/* a later fragment has no ports */
		if (bpf_ntohs(iph.frag_off) & 0x1fff)
			return;
		l4 = nh + iph.ihl * 4;
	} else if (ethertype == ETH_P_IPV6) {
		struct ipv6hdr ip6;

		if (bpf_probe_read_kernel(&ip6, sizeof(ip6), nh))
			return;
		f->family = AF_INET6;
		f->proto = ip6.nexthdr;
		__builtin_memcpy(f->saddr, &ip6.saddr, 16);
		__builtin_memcpy(f->daddr, &ip6.daddr, 16);
		l4 = nh + sizeof(ip6);
	} else {
		return;
	}
	if (f->proto != IPPROTO_TCP_ && f->proto != IPPROTO_UDP_)
		return;
	if (bpf_probe_read_kernel(ports, sizeof(ports), l4))
		return;
	f->sport = bpf_ntohs(ports[0]);
	f->dport = bpf_ntohs(ports[1]);
}

/* An skb whose skb->data is at the network header (after eth_type_trans). */
static __always_inline void parse_rx_skb(struct sk_buff *skb,
					 struct life_flow *f)
{
	parse_l3(BPF_CORE_READ(skb, data),
		 bpf_ntohs(BPF_CORE_READ(skb, protocol)), f);
}

/* An skb with its network header set (transmit side). */
static __always_inline void parse_tx_skb(struct sk_buff *skb,
					 struct life_flow *f)
{
	__u16 nh = BPF_CORE_READ(skb, network_header);

	if (nh == (__u16)~0U)
		return;
	parse_l3(BPF_CORE_READ(skb, head) + nh,
		 bpf_ntohs(BPF_CORE_READ(skb, protocol)), f);
}

/* A connected socket's own addresses and ports. */
static __always_inline void parse_sk(struct sock *sk, struct life_flow *f)
{
	struct sock_common *c = &sk->__sk_common;

	f->proto = BPF_CORE_READ(sk, sk_protocol);
	f->family = BPF_CORE_READ(c, skc_family);
	if (f->family == AF_INET) {
		f->ethertype = ETH_P_IP;
		f->saddr[0] = BPF_CORE_READ(c, skc_rcv_saddr);
		f->daddr[0] = BPF_CORE_READ(c, skc_daddr);
	} else if (f->family == AF_INET6) {
		f->ethertype = ETH_P_IPV6;
		BPF_CORE_READ_INTO(&f->saddr, c, skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&f->daddr, c, skc_v6_daddr);
	}
	f->sport = BPF_CORE_READ(c, skc_num);
	f->dport = bpf_ntohs(BPF_CORE_READ(c, skc_dport));
	/* an IPv6 socket talking to an IPv4 peer sends IPv4 packets */
	if (f->family == AF_INET6 && !f->daddr[0] && !f->daddr[1] &&
	    f->daddr[2] == bpf_htonl(0xffff)) {
		f->family = AF_INET;
		f->ethertype = ETH_P_IP;
		f->saddr[0] = f->saddr[3];
		f->daddr[0] = f->daddr[3];
		f->saddr[1] = f->saddr[2] = f->saddr[3] = 0;
		f->daddr[1] = f->daddr[2] = f->daddr[3] = 0;
	}
}

/* The wire frames an skb is or becomes: gso_segs, at least 1. */
static __always_inline __u32 skb_frames(struct sk_buff *skb)
{
	struct skb_shared_info *shinfo;
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u32 end = BPF_CORE_READ(skb, end);
	__u16 segs;

	/* skb_shinfo(): at skb->end, an offset on 64-bit kernels */
	shinfo = (struct skb_shared_info *)(head + end);
	segs = BPF_CORE_READ(shinfo, gso_segs);
	return segs ? segs : 1;
}

/* --- items -------------------------------------------------------------- */

static __always_inline struct life_item *item_get(__u64 skb, __u32 kind)
{
	struct life_key key = { .addr = skb, .kind = kind };

	return bpf_map_lookup_elem(&items, &key);
}

static __always_inline void item_del(__u64 skb, __u32 kind)
{
	struct life_key key = { .addr = skb, .kind = kind };

	bpf_map_delete_elem(&items, &key);
}

/* a filter said no to SKB: remember it, count it once */
/* No later hook of KIND's path starts a journey for SKB. */
static __always_inline void no_journey(struct sk_buff *skb, __u32 kind)
{
	struct life_key key = { .addr = (__u64)skb, .kind = kind };
	__u64 head = (__u64)BPF_CORE_READ(skb, head);

	bpf_map_update_elem(&rejected, &key, &head, BPF_ANY);
}

static __always_inline void reject(struct sk_buff *skb, __u32 kind, __u32 w)
{
	no_journey(skb, kind);
	acct_add(kind, LA_FILTERED, w);
}

static __always_inline bool was_rejected(struct sk_buff *skb, __u32 kind)
{
	struct life_key key = { .addr = (__u64)skb, .kind = kind };
	__u64 *head = bpf_map_lookup_elem(&rejected, &key);

	return head && *head == (__u64)BPF_CORE_READ(skb, head);
}

/* SKB's pass through KIND's path is over: a filter's answer ends with it */
static __always_inline void reject_forget(__u64 skb, __u32 kind)
{
	struct life_key key = { .addr = skb, .kind = kind };

	/* a lookup takes no lock, a delete does: most skbs were not rejected */
	if (bpf_map_lookup_elem(&rejected, &key))
		bpf_map_delete_elem(&rejected, &key);
}

/* in the accounting: started, and not a clone's branch */
static __always_inline bool item_counted(const struct life_item *it)
{
	if (it->flags & LIF_BRANCH)
		return false;
	return it->dir == LIFE_RX || (it->flags & LIF_DEV_OK);
}

/*
 * A new item for SKB in DIR, empty but for its first group, which begins
 * at T0 and has reached T. An old item under the same address belonged to
 * an skb that was freed where no hook saw it: counted as reused.
 */
static __always_inline struct life_item *
item_new(__u64 skb, __u32 dir, __u64 t0, __u64 t, __u32 w)
{
	struct life_key key = { .addr = skb, .kind = dir };
	struct life_item *it, *zero;
	__u32 z = 0;

	it = bpf_map_lookup_elem(&items, &key);
	if (it && item_counted(it))
		acct_add(dir, LA_LOST_REUSED, it->frames);
	zero = bpf_map_lookup_elem(&zero_item, &z);
	if (!zero)
		return NULL;
	if (bpf_map_update_elem(&items, &key, zero, BPF_ANY)) {
		/*
		 * No room: started and lost, once -- the next hook must not
		 * start it again.
		 */
		acct_add(dir, LA_STARTED, w);
		acct_add(dir, LA_LOST_MAP, w);
		no_journey((struct sk_buff *)skb, dir);
		return NULL;
	}
	it = bpf_map_lookup_elem(&items, &key);
	if (!it)
		return NULL;
	it->dir = dir;
	it->last = LS_MAX;
	it->ngroups = 1;
	it->frames = w;
	it->t_last = t;
	it->g[0].t0 = t0;
	it->g[0].t_prev = t;
	it->g[0].w = w;
	if (trace_sample &&
	    __sync_fetch_and_add(&trace_seq, 1) % trace_sample == 0)
		it->flags |= LIF_TRACED;
	return it;
}

/* RX: stage S ends now for group GI only. */
static __always_inline void group_stage(struct life_item *it, __u32 gi,
					__u32 s, __u64 now, __u32 cpu)
{
	struct life_group *g;

	if (gi >= LIFE_MAX_GROUPS)
		return;
	g = &it->g[bound_group(gi)];
	hist_add(s, now > g->t_prev ? now - g->t_prev : 0, g->w);
	g->t_prev = max64(g->t_prev, now);
	if (gi == 0 && s < LS_MAX) {
		it->ts[s] = g->t_prev;
		it->cpu[s] = cpu;
	}
	it->t_last = now;
}

/*
 * Loops over groups and frames go through bpf_loop(): its callback is
 * verified once, where an open-coded loop would be verified once per
 * iteration and path.
 */
struct loop_ctx {
	struct life_item *it;
	struct life_item *src;
	__u64 now;
	__u64 prev;
	__u64 last_depart;
	__u32 s;
	__u32 first;
	__u32 nframes;
	__u32 cpu;
};

static long stage_cb(__u32 i, void *data)
{
	struct loop_ctx *c = data;

	if (i >= c->it->ngroups)
		return 1;
	group_stage(c->it, i, c->s, c->now, c->cpu);
	return 0;
}

/* RX: stage S ends now for every group (each from its own last time). */
static __always_inline void rx_stage(struct life_item *it, __u32 s, __u64 now)
{
	struct loop_ctx c = {
		.it = it, .s = s, .now = now, .cpu = bpf_get_smp_processor_id(),
	};

	if (it->last != LS_MAX && s <= it->last)
		return;		/* a point seen twice, or out of order */
	bpf_loop(LIFE_MAX_GROUPS, stage_cb, &c, 0);
	it->last = s;
}

static __always_inline void emit(struct life_item *it, __u64 skb, __u32 end,
				 __u32 reason)
{
	struct life_event *e;
	__u32 i;

	if (!(it->flags & LIF_TRACED))
		return;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		acct_add(it->dir, LA_TRACE_LOST, 1);
		return;
	}
	for (i = 0; i < LS_MAX; i++) {
		e->ts[i] = it->ts[i];
		e->cpu[i] = it->cpu[i];
	}
	e->t0 = it->g[0].t0;
	e->flow = it->flow;
	e->skb = skb;
	e->ifindex = it->ifindex;
	e->frame_id = it->frame_id;
	e->frames = it->frames;
	e->reason = reason;
	e->dir = it->dir;
	e->end = end;
	e->flags = it->flags;
	__builtin_memset(e->pad, 0, sizeof(e->pad));
	__builtin_memset(e->pad2, 0, sizeof(e->pad2));
	bpf_ringbuf_submit(e, 0);
}

static long total_cb(__u32 i, void *data)
{
	struct loop_ctx *c = data;
	struct life_group *g;

	if (i >= c->it->ngroups || i >= LIFE_MAX_GROUPS)
		return 1;
	g = &c->it->g[bound_group(i)];
	hist_add(LIFE_HIST_TOTAL(LIFE_RX), c->now > g->t0 ? c->now - g->t0 : 0,
		 g->w);
	return 0;
}

/* RX: the journey reached the reader; the end-to-end time per group. */
static __always_inline void rx_complete(struct life_item *it, __u64 skb,
					__u64 now)
{
	struct loop_ctx c = { .it = it, .now = now };

	bpf_loop(LIFE_MAX_GROUPS, total_cb, &c, 0);
	if (it->flags & LIF_BRANCH)
		acct_add(LIFE_RX, LA_BRANCHES, it->frames);
	else
		acct_add(LIFE_RX, LA_COMPLETED, it->frames);
	emit(it, skb, LE_COMPLETED, 0);
	item_del(skb, LK_SKB_RX);
}

/* --- NIC and driver (pktlife.ko) ---------------------------------------- */

static __always_inline int on_wire_tx(__u32 frame_id, __u64 depart)
{
	struct depart d = { .t = depart, .cpu = bpf_get_smp_processor_id() };

	bpf_map_update_elem(&departs, &frame_id, &d, BPF_ANY);
	return 0;
}

static __always_inline int on_rx_write(__u32 port, __u16 queue, __u32 id,
				       __u64 arrive, __u32 nbufs)
{
	struct life_frame f = {};
	struct irq_ring *r;
	__u32 key = port << 8 | queue;
	struct depart *depart;
	__u8 *state;

	if (!dir_wanted(LIFE_RX))
		return 0;
	state = bpf_map_lookup_elem(&port_state, &port);
	if (state && *state == 2)
		return 0;
	if (!nbufs) {
		acct_add(LIFE_RX, LA_STARTED, 1);
		acct_add(LIFE_RX, LA_LOST_RING, 1);
		return 0;
	}
	f.t_write = bpf_ktime_get_ns();
	f.cpu = bpf_get_smp_processor_id();
	f.arrive = arrive;
	depart = bpf_map_lookup_elem(&departs, &id);
	if (depart)
		f.depart = depart->t;
	r = bpf_map_lookup_elem(&irqs, &key);
	if (r)
		f.irq_gen = r->gen;
	f.port = port;
	f.queue = queue;
	if (bpf_map_update_elem(&frames, &id, &f, BPF_ANY)) {
		acct_add(LIFE_RX, LA_STARTED, 1);
		acct_add(LIFE_RX, LA_LOST_MAP, 1);
	}
	return 0;
}

static __always_inline int on_hw_irq(__u32 port, __u16 vec)
{
	struct irq_ring *r, zero = {};
	__u32 key = port << 8 | vec, gen;

	r = bpf_map_lookup_elem(&irqs, &key);
	if (!r) {
		bpf_map_update_elem(&irqs, &key, &zero, BPF_NOEXIST);
		r = bpf_map_lookup_elem(&irqs, &key);
		if (!r)
			return 0;
	}
	/*
	 * One vector fires on one CPU at a time (it masks itself until the
	 * driver's NAPI unmasks it): no two writers race here.
	 */
	gen = r->gen + 1;
	r->t[gen & (IRQ_RING - 1)] = bpf_ktime_get_ns();
	r->cpu[gen & (IRQ_RING - 1)] = bpf_get_smp_processor_id();
	r->gen = gen;
	return 0;
}

static __always_inline int on_poll_begin(struct net_device *dev, __u16 queue)
{
	struct poll_key key = { .dev = (__u64)dev, .queue = queue };
	struct poll_begin b = {
		.t = bpf_ktime_get_ns(), .cpu = bpf_get_smp_processor_id(),
	};

	bpf_map_update_elem(&polls, &key, &b, BPF_ANY);
	return 0;
}

/*
 * The driver built SKB from frame ID: the frame's journey so far becomes
 * the item's first group, with the stages wire, irq, napi and drv.
 */
static __always_inline int on_rx_skb(struct net_device *dev,
				     struct sk_buff *skb, __u16 queue,
				     __u32 id)
{
	__u64 now = bpf_ktime_get_ns(), p, t_irq = 0, t_poll = 0;
	__u32 cpu = bpf_get_smp_processor_id(), irq_cpu = 0, poll_cpu = cpu;
	struct life_flow flow = {};
	struct poll_begin *pb;
	struct life_frame *f;
	struct life_item *it;
	struct irq_ring *r;
	struct poll_key pkey;
	__u32 key, gen;
	__u8 st;

	/* tracepoint arguments may be NULL as far as the verifier knows */
	if (!dev || !skb)
		return 0;
	f = bpf_map_lookup_elem(&frames, &id);
	if (!f) {
		/* written to the ring before we attached: netif starts it */
		if (dir_wanted(LIFE_RX) && dev_wanted(dev))
			acct_add(LIFE_RX, LA_NO_FRAME, 1);
		return 0;
	}
	if (!dev_wanted(dev)) {
		st = 2;
		bpf_map_update_elem(&port_state, &f->port, &st, BPF_ANY);
		bpf_map_delete_elem(&frames, &id);
		return 0;
	}
	st = 1;
	bpf_map_update_elem(&port_state, &f->port, &st, BPF_ANY);

	parse_rx_skb(skb, &flow);
	if (!flow_wanted(&flow)) {
		reject(skb, LIFE_RX, 1);
		bpf_map_delete_elem(&frames, &id);
		return 0;
	}

	/* the first interrupt of this vector after the write, if any */
	key = f->port << 8 | f->queue;
	r = bpf_map_lookup_elem(&irqs, &key);
	if (r) {
		gen = r->gen;
		if (gen != f->irq_gen && gen - (f->irq_gen + 1) < IRQ_RING) {
			t_irq = r->t[(f->irq_gen + 1) & (IRQ_RING - 1)];
			irq_cpu = r->cpu[(f->irq_gen + 1) & (IRQ_RING - 1)];
		}
	}
	pkey.dev = (__u64)dev;
	pkey.queue = queue;
	pkey.pad = 0;
	pb = bpf_map_lookup_elem(&polls, &pkey);
	t_poll = now;
	if (pb) {
		t_poll = pb->t;
		poll_cpu = pb->cpu;
	}
	/* an interrupt after this poll began did not start it */
	if (t_irq > t_poll)
		t_irq = 0;

	p = f->depart ? f->depart : f->arrive;
	it = item_new((__u64)skb, LIFE_RX, p, p, 1);
	if (!it) {
		bpf_map_delete_elem(&frames, &id);
		return 0;
	}
	acct_add(LIFE_RX, LA_STARTED, 1);
	it->flow = flow;
	it->ifindex = BPF_CORE_READ(dev, ifindex);
	it->frame_id = id;
	if (f->depart)
		group_stage(it, 0, LS_RX_WIRE, f->arrive, f->cpu);
	else
		acct_add(LIFE_RX, LA_NO_DEPART, 1);
	/* group_stage() never goes back in time: later stages clamp */
	if (t_irq)
		group_stage(it, 0, LS_RX_IRQ, t_irq, irq_cpu);
	group_stage(it, 0, LS_RX_NAPI, t_poll, poll_cpu);
	group_stage(it, 0, LS_RX_DRV, now, cpu);
	it->last = LS_RX_DRV;
	bpf_map_delete_elem(&frames, &id);
	return 0;
}

static __always_inline int on_rx_gro(__u64 skb, int result)
{
	__u64 now = bpf_ktime_get_ns();
	struct life_item *it;
	struct handoff *h;

	if (result == GRO_MERGED || result == GRO_MERGED_FREE) {
		/* it never reaches netif_receive_skb on its own */
		reject_forget((__u64)skb, LK_SKB_RX);
		/* skb_gro_receive() said where it went */
		h = handoff();
		if (!h || h->merged_skb != (__u64)skb)
			return 0;
		h->merged_skb = 0;
		it = item_get(h->merged_head, LK_SKB_RX);
		if (it)
			group_stage(it, h->merged_group, LS_RX_GRO, now,
				    bpf_get_smp_processor_id());
		return 0;
	}
	it = item_get((__u64)skb, LK_SKB_RX);
	if (it)
		rx_stage(it, LS_RX_GRO, now);
	return 0;
}

/* --- the kernel's receive path -------------------------------------------- */

/*
 * __netif_receive_skb_core(): GRO let go of it, or, on any other device,
 * the stack's first sight of it.
 */
static __always_inline int on_netif_receive(struct sk_buff *skb)
{
	__u64 now = bpf_ktime_get_ns();
	struct life_flow flow = {};
	struct net_device *dev;
	struct life_item *it;
	__u32 w;

	/* tracepoint arguments may be NULL as far as the verifier knows */
	if (!skb)
		return 0;
	it = item_get((__u64)skb, LK_SKB_RX);
	if (it) {
		/*
		 * Still inside napi_gro_receive(): GRO handed it over at once
		 * (a full gro_normal batch), so GRO ended here too.
		 */
		if (it->last == LS_RX_DRV)
			rx_stage(it, LS_RX_GRO, now);
		rx_stage(it, LS_RX_BACKLOG, now);
		return 0;
	}
	if (!dir_wanted(LIFE_RX) || was_rejected(skb, LIFE_RX))
		return 0;
	dev = BPF_CORE_READ(skb, dev);
	if (!dev_wanted(dev))
		return 0;
	w = skb_frames(skb);
	parse_rx_skb(skb, &flow);
	if (!flow_wanted(&flow)) {
		reject(skb, LIFE_RX, w);
		return 0;
	}
	it = item_new((__u64)skb, LIFE_RX, now, now, w);
	if (!it)
		return 0;
	acct_add(LIFE_RX, LA_STARTED, w);
	it->flow = flow;
	it->ifindex = BPF_CORE_READ(dev, ifindex);
	it->last = LS_RX_BACKLOG;
	return 0;
}

static __always_inline int rx_point(struct sk_buff *skb, __u32 s)
{
	struct life_item *it = item_get((__u64)skb, LK_SKB_RX);

	if (it)
		rx_stage(it, s, bpf_ktime_get_ns());
	else if (s == LS_RX_LOCAL)
		/*
		 * Delivered: only a tunnel's inner packet comes back to
		 * netif_receive_skb, with headers of its own. Sockets free
		 * what they read where no hook sees it.
		 */
		reject_forget((__u64)skb, LK_SKB_RX);
	return 0;
}

/*
 * TCP: a segment without payload (a pure ACK, SYN, FIN...) never reaches a
 * reader: its journey ends in the TCP input code.
 */
static __always_inline int on_tcp_rcv(struct sk_buff *skb)
{
	struct life_item *it = item_get((__u64)skb, LK_SKB_RX);
	struct tcphdr th;
	__u32 len;

	/* function arguments are never NULL here, but the verifier asks */
	if (!skb)
		return 0;
	if (!it) {
		reject_forget((__u64)skb, LK_SKB_RX);
		return 0;
	}
	rx_stage(it, LS_RX_LOCAL, bpf_ktime_get_ns());
	if (bpf_probe_read_kernel(&th, sizeof(th), BPF_CORE_READ(skb, data)))
		return 0;
	len = BPF_CORE_READ(skb, len);
	if (len <= th.doff * 4) {
		if (!(it->flags & LIF_BRANCH))
			acct_add(LIFE_RX, LA_ENDED, it->frames);
		emit(it, (__u64)skb, LE_ENDED, 0);
		item_del((__u64)skb, LK_SKB_RX);
	}
	return 0;
}

static __always_inline int on_copy_to_user(struct sk_buff *skb)
{
	struct life_item *it = item_get((__u64)skb, LK_SKB_RX);
	__u64 now = bpf_ktime_get_ns();

	if (!it)
		return 0;
	rx_stage(it, LS_RX_SOCKQ, now);
	rx_complete(it, (__u64)skb, now);
	return 0;
}

static long merge_cb(__u32 i, void *data)
{
	struct loop_ctx *c = data;
	struct life_item *dst = c->it, *src = c->src;
	__u32 n = dst->ngroups;

	if (i >= src->ngroups || i >= LIFE_MAX_GROUPS)
		return 1;
	if (n < LIFE_MAX_GROUPS) {
		dst->g[bound_group(n)] = src->g[bound_group(i)];
		dst->ngroups = n + 1;
		return 0;
	}
	/* no room: it goes with the last group, times approximate */
	dst->g[LIFE_MAX_GROUPS - 1].w += src->g[bound_group(i)].w;
	acct_add(LIFE_RX, LA_FOLDED, src->g[bound_group(i)].w);
	c->first = LIFE_MAX_GROUPS - 1;
	return 0;
}

/*
 * FROM was merged into TO (GRO, or TCP coalescing in a queue): its groups
 * go with it. Returns the index of FROM's first group in TO.
 */
static __always_inline __u32 merge_into(__u64 to, __u64 from)
{
	struct life_item *dst, *src;
	struct loop_ctx c = {};
	struct life_key key;

	src = item_get(from, LK_SKB_RX);
	if (!src)
		return LIFE_MAX_GROUPS;
	dst = item_get(to, LK_SKB_RX);
	if (!dst) {
		/* TO is not followed: FROM's item carries on under TO */
		key.addr = to;
		key.kind = LK_SKB_RX;
		key.pad = 0;
		bpf_map_update_elem(&items, &key, src, BPF_ANY);
		item_del(from, LK_SKB_RX);
		return 0;
	}
	c.it = dst;
	c.src = src;
	c.first = dst->ngroups;
	bpf_loop(LIFE_MAX_GROUPS, merge_cb, &c, 0);
	dst->frames += src->frames;
	dst->t_last = max64(dst->t_last, src->t_last);
	item_del(from, LK_SKB_RX);
	return c.first;
}

static __always_inline int on_gro_merged(struct sk_buff *p, struct sk_buff *skb)
{
	struct handoff *h = handoff();
	__u32 gi;

	gi = merge_into((__u64)p, (__u64)skb);
	if (h && gi < LIFE_MAX_GROUPS) {
		h->merged_skb = (__u64)skb;
		h->merged_head = (__u64)p;
		h->merged_group = gi;
	}
	return 0;
}

/*
 * A clone of an skb delivered locally (raw and ping sockets, multicast)
 * goes on to a socket of its own: follow it as a branch of the journey.
 * Clones made earlier (taps such as AF_PACKET) are not followed.
 */
static __always_inline int on_clone(struct sk_buff *skb, struct sk_buff *n)
{
	struct life_item *it = item_get((__u64)skb, LK_SKB_RX);
	struct life_key key = { .addr = (__u64)n, .kind = LK_SKB_RX };

	if (!it || !n || it->last == LS_MAX || it->last < LS_RX_LOCAL)
		return 0;	/* not delivered locally yet: a tap's clone */
	if (bpf_map_update_elem(&items, &key, it, BPF_ANY))
		return 0;
	it->flags |= LIF_CLONED;
	it = bpf_map_lookup_elem(&items, &key);
	if (it)
		it->flags = (it->flags & ~LIF_CLONED) | LIF_BRANCH;
	return 0;
}

/* --- the kernel's transmit path ------------------------------------------ */

static __always_inline int on_sendmsg(struct sock *sk)
{
	struct send_call c = { .t = bpf_ktime_get_ns(), .sk = (__u64)sk };
	__u64 key = bpf_get_current_pid_tgid();

	bpf_map_update_elem(&sends, &key, &c, BPF_ANY);
	return 0;
}

/*
 * When this thread's sendmsg() on SK began, or 0. A softirq that
 * interrupted the thread sends for other sockets: they do not match.
 */
static __always_inline __u64 sendmsg_time(struct sock *sk)
{
	__u64 key = bpf_get_current_pid_tgid();
	struct send_call *c = bpf_map_lookup_elem(&sends, &key);

	return c && c->sk == (__u64)sk ? c->t : 0;
}

static __always_inline struct life_item *
tx_new(__u64 skb, struct sock *sk, __u64 t0, __u64 t, __u32 last)
{
	struct life_item *it;

	if (!dir_wanted(LIFE_TX) || !sk_netns_wanted(sk))
		return NULL;
	it = item_new(skb, LIFE_TX, t0, t, 1);
	if (!it)
		return NULL;
	/*
	 * Begun at a sendmsg() (T0 before T): the stage LAST ended at T.
	 * Else the journey starts here: no stage ends at its first point.
	 */
	it->last = last;
	if (t0 != t && last < LS_MAX) {
		it->ts[last] = t;
		it->cpu[last] = bpf_get_smp_processor_id();
	}
	/* without an interface filter the netns check was all: counted now */
	if (!targ_ifindex && sk) {
		it->flags |= LIF_DEV_OK;
		acct_add(LIFE_TX, LA_STARTED, 1);
	}
	return it;
}

/*
 * The flow filters, for a packet of the direction and, by its socket, the
 * netns the tool follows: another netns's packets (all, with -D rx) are
 * not ours to count as filtered, as on RX, where the device is checked
 * before the flow.
 */
static __always_inline bool tx_flow_wanted(struct life_flow *flow,
					   struct sk_buff *skb, struct sock *sk)
{
	if (!dir_wanted(LIFE_TX) || !sk_netns_wanted(sk))
		return false;
	if (flow_wanted(flow))
		return true;
	reject(skb, LIFE_TX, 1);
	return false;
}

/*
 * tcp_sendmsg_locked(), the socket locked: the data it queues begins at
 * write_seq. Its origin is the tcp_sendmsg() call that took the lock (or
 * now, for kernel users such as TLS that call it directly).
 */
static __always_inline int on_tcp_sendmsg_locked(struct sock *sk)
{
	struct tcp_sock *tp = (struct tcp_sock *)sk;
	__u64 key = (__u64)sk, now = sendmsg_time(sk);
	struct send_log *l, zero = {};
	__u32 i;

	if (!now)
		now = bpf_ktime_get_ns();
	l = bpf_map_lookup_elem(&tcp_sends, &key);
	if (!l) {
		bpf_map_update_elem(&tcp_sends, &key, &zero, BPF_NOEXIST);
		l = bpf_map_lookup_elem(&tcp_sends, &key);
		if (!l)
			return 0;
	}
	/* the socket lock makes this the only writer of its log */
	i = l->n++ & (SEND_LOG - 1);
	l->seq[i] = BPF_CORE_READ(tp, write_seq);
	l->t[i] = now;
	return 0;
}

static __always_inline int on_tcp_close(struct sock *sk)
{
	__u64 key = (__u64)sk;

	bpf_map_delete_elem(&tcp_sends, &key);
	return 0;
}

/*
 * New data leaves TCP: find the sendmsg() that wrote its first byte, the
 * latest one that began at or before it. Retransmissions and segments
 * without data start their journey here, with no sock stage.
 */
static __always_inline int on_tcp_transmit(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_skb_cb *cb = (struct tcp_skb_cb *)&skb->cb;
	__u64 key = (__u64)sk, now = bpf_ktime_get_ns(), t0 = 0;
	struct tcp_sock *tp = (struct tcp_sock *)sk;
	__u32 seq, end_seq, snd_nxt, i, best = ~0U;
	struct handoff *h = handoff();
	struct send_log *l;

	if (!h)
		return 0;
	h->sk = (__u64)sk;
	h->t_tcp = now;
	h->t_origin = 0;
	seq = BPF_CORE_READ(cb, seq);
	end_seq = BPF_CORE_READ(cb, end_seq);
	snd_nxt = BPF_CORE_READ(tp, snd_nxt);
	if (end_seq == seq || (__s32)(seq - snd_nxt) < 0)
		return 0;
	l = bpf_map_lookup_elem(&tcp_sends, &key);
	if (!l)
		return 0;
	for (i = 0; i < SEND_LOG; i++) {
		__u32 d = seq - l->seq[i];

		if (!l->t[i] || (__s32)d < 0)
			continue;
		if (d < best) {
			best = d;
			t0 = l->t[i];
		}
	}
	h->t_origin = t0;
	return 0;
}

static __always_inline int on_ip_queue_xmit(struct sock *sk, struct sk_buff *skb)
{
	struct handoff *h = handoff();
	struct life_flow flow = {};
	struct life_item *it;
	__u64 now = bpf_ktime_get_ns(), t0;

	if (!h || h->sk != (__u64)sk)
		return 0;
	h->sk = 0;
	parse_sk(sk, &flow);
	if (!tx_flow_wanted(&flow, skb, sk))
		return 0;
	t0 = h->t_origin;
	if (t0) {
		it = tx_new((__u64)skb, sk, t0, h->t_tcp, LS_TX_SOCK);
	} else {
		it = tx_new((__u64)skb, sk, now, now, LS_MAX);
	}
	if (it)
		it->flow = flow;
	return 0;
}

static __always_inline int on_sendmsg_ret(void)
{
	__u64 key = bpf_get_current_pid_tgid();

	bpf_map_delete_elem(&sends, &key);
	return 0;
}

static __always_inline int on_udp_send_skb(struct sk_buff *skb,
					   struct life_flow *flow)
{
	struct sock *sk = BPF_CORE_READ(skb, sk);
	__u64 now = bpf_ktime_get_ns(), t0;
	struct life_item *it;

	if (!tx_flow_wanted(flow, skb, sk))
		return 0;
	t0 = sendmsg_time(sk);
	if (t0)
		it = tx_new((__u64)skb, sk, t0, now, LS_TX_SOCK);
	else
		it = tx_new((__u64)skb, sk, now, now, LS_MAX);
	if (it)
		it->flow = *flow;
	return 0;
}

static __always_inline int on_udp4_send_skb(struct sk_buff *skb,
					    struct flowi4 *fl4)
{
	struct life_flow flow = {
		.family = AF_INET,
		.proto = IPPROTO_UDP_,
		.ethertype = ETH_P_IP,
	};

	flow.saddr[0] = BPF_CORE_READ(fl4, saddr);
	flow.daddr[0] = BPF_CORE_READ(fl4, daddr);
	flow.sport = bpf_ntohs(BPF_CORE_READ(fl4, uli.ports.sport));
	flow.dport = bpf_ntohs(BPF_CORE_READ(fl4, uli.ports.dport));
	return on_udp_send_skb(skb, &flow);
}

static __always_inline int on_udp6_send_skb(struct sk_buff *skb,
					    struct flowi6 *fl6)
{
	struct life_flow flow = {
		.family = AF_INET6,
		.proto = IPPROTO_UDP_,
		.ethertype = ETH_P_IPV6,
	};

	BPF_CORE_READ_INTO(&flow.saddr, fl6, saddr);
	BPF_CORE_READ_INTO(&flow.daddr, fl6, daddr);
	flow.sport = bpf_ntohs(BPF_CORE_READ(fl6, uli.ports.sport));
	flow.dport = bpf_ntohs(BPF_CORE_READ(fl6, uli.ports.dport));
	return on_udp_send_skb(skb, &flow);
}

/* A transmit point: stage S ends; an skb not seen before starts here. */
static __always_inline struct life_item *tx_point(struct sk_buff *skb,
						  __u32 s, bool parse)
{
	struct life_item *it = item_get((__u64)skb, LK_SKB_TX);
	__u64 now = bpf_ktime_get_ns(), t0;
	struct life_flow flow = {};
	struct sock *sk;

	if (it) {
		if (it->last == LS_MAX || s > it->last) {
			it->ts[s] = now;
			it->cpu[s] = bpf_get_smp_processor_id();
			it->last = s;
		}
		it->t_last = now;
		return it;
	}
	if (!parse || was_rejected(skb, LIFE_TX))
		return NULL;
	parse_tx_skb(skb, &flow);
	sk = BPF_CORE_READ(skb, sk);
	if (!tx_flow_wanted(&flow, skb, sk))
		return NULL;
	/*
	 * Raw and ping sockets have no hook of their own between sendmsg()
	 * and ip_output(): for them the sock stage ends here.
	 */
	t0 = s == LS_TX_L4 ? sendmsg_time(sk) : 0;
	it = tx_new((__u64)skb, sk, t0 ? t0 : now, now, s);
	if (!it)
		return NULL;
	it->flow = flow;
	if (t0) {
		/* the sock stage ended here; tx.l4 does not exist for them */
		it->ts[LS_TX_SOCK] = now;
		it->cpu[LS_TX_SOCK] = bpf_get_smp_processor_id();
		it->ts[LS_TX_L4] = 0;
	}
	return it;
}

/* __dev_queue_xmit(): the device is known, the interface filter applies. */
static __always_inline int on_dev_queue(struct sk_buff *skb)
{
	struct net_device *dev;
	struct life_item *it;

	/* tracepoint arguments may be NULL as far as the verifier knows */
	if (!skb)
		return 0;
	dev = BPF_CORE_READ(skb, dev);
	it = tx_point(skb, LS_TX_IP, true);
	if (!it || (it->flags & LIF_DEV_OK))
		return 0;
	if (!dev_wanted(dev)) {
		/* another device or netns: not ours, not counted */
		struct life_key key = { .addr = (__u64)skb, .kind = LK_SKB_TX };
		__u64 head = (__u64)BPF_CORE_READ(skb, head);

		bpf_map_update_elem(&rejected, &key, &head, BPF_ANY);
		item_del((__u64)skb, LK_SKB_TX);
		return 0;
	}
	it->flags |= LIF_DEV_OK;
	it->ifindex = BPF_CORE_READ(dev, ifindex);
	acct_add(LIFE_TX, LA_STARTED, 1);
	return 0;
}

static __always_inline int on_start_xmit(struct sk_buff *skb,
					 struct net_device *dev)
{
	struct life_item *it;

	/* tracepoint arguments may be NULL as far as the verifier knows */
	if (!skb || !dev)
		return 0;
	it = tx_point(skb, LS_TX_QDISC, true);
	if (!it)
		return 0;
	if (!(it->flags & LIF_DEV_OK)) {
		/* started after the qdisc (software GSO segments, ...) */
		if (!dev_wanted(dev)) {
			item_del((__u64)skb, LK_SKB_TX);
			return 0;
		}
		it->flags |= LIF_DEV_OK;
		acct_add(LIFE_TX, LA_STARTED, 1);
	}
	it->ifindex = BPF_CORE_READ(dev, ifindex);
	it->gso_segs = skb_frames(skb);
	return 0;
}

/* TX: frame I of the skb, from its own departure (the NIC's timestamp) */
static long frame_cb(__u32 i, void *data)
{
	struct loop_ctx *c = data;
	/* the port is in the top byte: only the sequence wraps */
	__u32 id = (c->first & 0xff000000) | ((c->first + i) & 0xffffff);
	struct depart *d;
	__u64 dep;

	d = bpf_map_lookup_elem(&departs, &id);
	dep = max64(d ? d->t : c->last_depart, c->prev);
	hist_add(LS_TX_NIC, dep - c->prev, 1);
	hist_add(LS_TX_COMPL, c->now > dep ? c->now - dep : 0, 1);
	if (i == 0) {
		c->it->ts[LS_TX_NIC] = dep;
		c->it->cpu[LS_TX_NIC] = d ? d->cpu : c->cpu;
		c->it->ts[LS_TX_COMPL] = max64(c->now, dep);
		c->it->cpu[LS_TX_COMPL] = c->cpu;
	}
	return 0;
}

/*
 * The journey is over: add each stage once per wire frame. On a pktlife
 * device the last two stages are per frame, from each frame's departure.
 */
static __always_inline void tx_finish(struct life_item *it, __u64 skb,
				      __u64 now, __u32 nframes, __u32 first_id,
				      __u64 last_depart)
{
	__u64 prev = it->g[0].t0, t;
	__u32 s;

	it->frames = nframes;
	it->frame_id = first_id;
	for (s = LS_TX_FIRST; s <= LS_TX_DRV; s++) {
		t = it->ts[s];
		if (!t)
			continue;
		hist_add(s, t > prev ? t - prev : 0, nframes);
		prev = max64(prev, t);
		it->ts[s] = prev;
	}
	if (it->flags & LIF_PLDEV) {
		struct loop_ctx c = {
			.it = it,
			.now = now,
			.prev = prev,
			.last_depart = last_depart,
			.first = first_id,
			.nframes = nframes,
			.cpu = bpf_get_smp_processor_id(),
		};

		bpf_loop(nframes < 65536 ? nframes : 65536, frame_cb, &c, 0);
	}
	hist_add(LIFE_HIST_TOTAL(LIFE_TX),
		 now > it->g[0].t0 ? now - it->g[0].t0 : 0, nframes);
	acct_add(LIFE_TX, LA_STARTED, nframes - 1);	/* counted as 1 so far */
	acct_add(LIFE_TX, LA_COMPLETED, nframes);
	emit(it, skb, LE_COMPLETED, 0);
	item_del(skb, LK_SKB_TX);
}

/* ndo_start_xmit() of a pktlife device: its journey ends at completion */
static __always_inline int on_pl_xmit(struct sk_buff *skb)
{
	struct life_item *it = item_get((__u64)skb, LK_SKB_TX);

	if (it)
		it->flags |= LIF_PLDEV;
	return 0;
}

static __always_inline int on_tx_posted(struct sk_buff *skb)
{
	tx_point(skb, LS_TX_DRV, false);
	return 0;
}

static __always_inline int on_dev_xmit(struct sk_buff *skb, int rc)
{
	struct life_item *it = item_get((__u64)skb, LK_SKB_TX);
	__u64 now = bpf_ktime_get_ns();

	/* busy: requeued, the driver will see it again */
	if (rc != 0)
		return 0;
	/* the driver has it: no transmit hook starts it any more */
	reject_forget((__u64)skb, LK_SKB_TX);
	if (!it || (it->flags & LIF_PLDEV))
		return 0;
	if (!(it->flags & LIF_DEV_OK)) {
		item_del((__u64)skb, LK_SKB_TX);
		return 0;
	}
	if (it->last == LS_MAX || it->last < LS_TX_DRV) {
		it->ts[LS_TX_DRV] = now;
		it->cpu[LS_TX_DRV] = bpf_get_smp_processor_id();
	}
	tx_finish(it, (__u64)skb, now, it->gso_segs ? it->gso_segs : 1, 0, 0);
	return 0;
}

static __always_inline int on_tx_complete(struct sk_buff *skb, __u32 id,
					  __u32 nsegs, __u64 depart)
{
	struct life_item *it = item_get((__u64)skb, LK_SKB_TX);

	if (!it)
		return 0;
	if (!(it->flags & LIF_DEV_OK)) {
		item_del((__u64)skb, LK_SKB_TX);
		return 0;
	}
	tx_finish(it, (__u64)skb, bpf_ktime_get_ns(), nsegs ? nsegs : 1, id,
		  depart);
	return 0;
}

/* --- skbs freed before the end -------------------------------------------- */

static __always_inline void end_early(struct sk_buff *skb, __u32 kind,
				      __u32 what, __u32 reason)
{
	struct life_item *it = item_get((__u64)skb, kind);
	__u32 key;
	__u64 *v, one;

	reject_forget((__u64)skb, kind);
	if (!it)
		return;
	if (item_counted(it) && !(it->flags & LIF_BRANCH)) {
		acct_add(kind, what, it->frames);
		if (what == LA_DROPPED) {
			key = kind << 31 | (reason & 0x7fffffff);
			v = bpf_map_lookup_elem(&drops, &key);
			if (v) {
				*v += it->frames;
			} else {
				one = it->frames;
				bpf_map_update_elem(&drops, &key, &one, BPF_ANY);
			}
		}
		emit(it, (__u64)skb, what == LA_DROPPED ? LE_DROPPED : LE_ENDED,
		     reason);
	}
	item_del((__u64)skb, kind);
}

static __always_inline int on_kfree_skb(struct sk_buff *skb, __u32 reason)
{
	end_early(skb, LK_SKB_RX, LA_DROPPED, reason);
	end_early(skb, LK_SKB_TX, LA_DROPPED, reason);
	return 0;
}

static __always_inline int on_consume_skb(struct sk_buff *skb)
{
	end_early(skb, LK_SKB_RX, LA_ENDED, 0);
	end_early(skb, LK_SKB_TX, LA_ENDED, 0);
	return 0;
}

/* --- the hooks, twice each ------------------------------------------------ */

/*
 * TP(name, args...) / FN(func, args...): a tp_btf and a raw_tp program, or
 * an fentry and a kprobe program, with the same body. User space loads one
 * of each pair (life.c: life_pick_programs()).
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
TP(pl_hw_rx_write, on_rx_write(port, queue, frame_id, arrive, nbufs),
   int port, u16 queue, u32 frame_id, u32 len, u64 arrive, u32 nbufs)
TP(pl_hw_irq, on_hw_irq(port, vec), int port, u16 vec)
TP(pl_poll_begin, on_poll_begin(dev, queue), struct net_device *dev, u16 queue)
TP(pl_rx_skb, on_rx_skb(dev, skb, queue, frame_id),
   struct net_device *dev, struct sk_buff *skb, u16 queue, u32 frame_id)
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
