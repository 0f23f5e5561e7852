// SPDX-License-Identifier: GPL-2.0
/*
 * count: packets and bytes per (ifindex, direction), aggregated in the
 * kernel so that no per-packet event ever reaches user space.
 *
 * RX is taken at net:netif_receive_skb and TX at net:net_dev_xmit: the
 * core's own hooks, so every netdev is covered (pktlife, veth, ...) without
 * relying on driver internals. Each hook exists twice, as tp_btf (typed
 * arguments, cheaper) and as raw_tp (for kernels or setups where tp_btf
 * cannot attach); user space autoloads exactly one of the two.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "count.h"

/* 0 means "any"; set through the skeleton's rodata before load. */
const volatile __u32 targ_ifindex = 0;
/* inode number of the netns to count in (what /proc/self/ns/net shows) */
const volatile __u32 targ_netns = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, COUNT_MAX_ENTRIES);
	__type(key, struct count_key);
	__type(value, struct count_val);
} counts SEC(".maps");

/* packets not counted because the map was full */
__u64 dropped = 0;

static __always_inline bool dev_wanted(struct net_device *dev)
{
	if (targ_ifindex && BPF_CORE_READ(dev, ifindex) != targ_ifindex)
		return false;
	/*
	 * ifindexes are per netns: the same number names another device in
	 * every other netns, so the netns has to match too. Without
	 * CONFIG_NET_NS possible_net_t has no 'net' and there is only one.
	 */
	if (targ_netns && bpf_core_field_exists(dev->nd_net.net) &&
	    BPF_CORE_READ(dev, nd_net.net, ns.inum) != targ_netns)
		return false;
	return true;
}

static __always_inline void count(struct net_device *dev, enum count_dir dir,
				  __u64 len)
{
	struct count_key key = {};
	struct count_val zero = {}, *val;

	if (!dev || !dev_wanted(dev))
		return;

	key.ifindex = BPF_CORE_READ(dev, ifindex);
	key.dir = dir;
	val = bpf_map_lookup_elem(&counts, &key);
	if (!val) {
		/*
		 * BPF_NOEXIST: another CPU may have created the key since the
		 * lookup; its entry is then found by the second lookup.
		 */
		bpf_map_update_elem(&counts, &key, &zero, BPF_NOEXIST);
		val = bpf_map_lookup_elem(&counts, &key);
		if (!val) {
			__sync_fetch_and_add(&dropped, 1);
			return;
		}
	}
	/*
	 * The value is this CPU's own, and both hooks run with bottom halves
	 * disabled, so nothing else on this CPU updates it meanwhile: plain
	 * increments are enough.
	 */
	val->packets++;
	val->bytes += len;
}

/*
 * netif_receive_skb fires after eth_type_trans() has pulled the link-layer
 * header. Add it back, so that the bytes compare with the device's own
 * rx_bytes, which drivers count on the whole frame.
 */
static __always_inline __u64 rx_len(struct sk_buff *skb)
{
	__u64 len = BPF_CORE_READ(skb, len);
	__u16 mac = BPF_CORE_READ(skb, mac_header);
	__u64 head, data;

	if (mac == (__u16)~0U)		/* no link-layer header was set */
		return len;
	head = (__u64)BPF_CORE_READ(skb, head);
	data = (__u64)BPF_CORE_READ(skb, data);
	if (data > head + mac)
		len += data - (head + mac);
	return len;
}

static __always_inline int handle_rx(struct sk_buff *skb)
{
	count(BPF_CORE_READ(skb, dev), COUNT_DIR_RX, rx_len(skb));
	return 0;
}

/*
 * Once the driver accepted the skb it may already be freed (veth hands it
 * to the peer, which may consume it at once): use only the tracepoint's
 * own dev and skb_len arguments, never the skb.
 */
static __always_inline int handle_tx(int rc, struct net_device *dev,
				     unsigned int skb_len)
{
	/* NETDEV_TX_BUSY and the NET_XMIT_* codes mean it was not sent */
	if (rc == NETDEV_TX_OK)
		count(dev, COUNT_DIR_TX, skb_len);
	return 0;
}

SEC("tp_btf/netif_receive_skb")
int BPF_PROG(rx_btf, struct sk_buff *skb)
{
	return handle_rx(skb);
}

SEC("tp_btf/net_dev_xmit")
int BPF_PROG(tx_btf, struct sk_buff *skb, int rc, struct net_device *dev,
	     unsigned int skb_len)
{
	return handle_tx(rc, dev, skb_len);
}

SEC("raw_tp/netif_receive_skb")
int BPF_PROG(rx_raw, struct sk_buff *skb)
{
	return handle_rx(skb);
}

SEC("raw_tp/net_dev_xmit")
int BPF_PROG(tx_raw, struct sk_buff *skb, int rc, struct net_device *dev,
	     unsigned int skb_len)
{
	return handle_tx(rc, dev, skb_len);
}

char LICENSE[] SEC("license") = "GPL";
