/* SPDX-License-Identifier: GPL-2.0 */
/*
 * life.bpf.c, part: the device, netns and flow filters, and the header
 * parsing they need.
 * Included by life.bpf.c only, after the parts before it (see there).
 */
#ifndef __PKTLIFE_LIFE_FILTER_BPF_H
#define __PKTLIFE_LIFE_FILTER_BPF_H

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

#endif /* __PKTLIFE_LIFE_FILTER_BPF_H */
