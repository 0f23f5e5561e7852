/* SPDX-License-Identifier: GPL-2.0 */
/*
 * life.bpf.c, part: the kernel's receive path.
 * Included by life.bpf.c only, after the parts before it (see there).
 */
#ifndef __PKTLIFE_LIFE_RX_BPF_H
#define __PKTLIFE_LIFE_RX_BPF_H

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
			rx_stage(it, (__u64)skb, LS_RX_GRO, now);
		rx_stage(it, (__u64)skb, LS_RX_BACKLOG, now);
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
		rx_stage(it, (__u64)skb, s, bpf_ktime_get_ns());
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
	rx_stage(it, (__u64)skb, LS_RX_LOCAL, bpf_ktime_get_ns());
	if (bpf_probe_read_kernel(&th, sizeof(th), BPF_CORE_READ(skb, data)))
		return 0;
	len = BPF_CORE_READ(skb, len);
	if (len <= th.doff * 4) {
		if (!(it->flags & LIF_BRANCH)) {
			acct_add(LIFE_RX, LA_ENDED, it->frames);
			hist_cut(it->last, it->frames);
		}
		emit(it, (__u64)skb, LE_ENDED, 0);
		item_end(it, (__u64)skb, LK_SKB_RX);
	}
	return 0;
}

static __always_inline int on_copy_to_user(struct sk_buff *skb)
{
	struct life_item *it = item_get((__u64)skb, LK_SKB_RX);
	__u64 now = bpf_ktime_get_ns();

	if (!it)
		return 0;
	rx_stage(it, (__u64)skb, LS_RX_SOCKQ, now);
	rx_complete(it, (__u64)skb, now);
	return 0;
}

static long merge_cb(__u32 i, void *data)
{
	struct loop_ctx *c = data;
	struct life_item *dst = c->it, *src = c->src;
	struct life_group *from, *to;
	__u32 n = dst->ngroups;

	if (i >= src->ngroups)
		return 1;
	from = group_of(src, c->src_gs, i);
	if (!from)
		return 0;
	to = group_of(dst, c->gs, n < LIFE_MAX_GROUPS ? n : 0);
	if (n < LIFE_MAX_GROUPS && to) {
		*to = *from;
		dst->ngroups = n + 1;
		return 0;
	}
	/* no room: it goes with the last group, times approximate */
	to = group_of(dst, c->gs, LIFE_MAX_GROUPS - 1);
	if (!to)
		return 1;
	to->w += from->w;
	acct_add(LIFE_RX, LA_FOLDED, from->w);
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
	key.addr = to;
	key.kind = LK_SKB_RX;
	key.pad = 0;
	dst = item_get(to, LK_SKB_RX);
	if (!dst) {
		/* TO is not followed: FROM's item carries on under TO */
		bpf_map_update_elem(&items, &key, src, BPF_ANY);
		c.src_gs = src->ngroups > 1 ? groups_get(from) : NULL;
		if (c.src_gs)
			bpf_map_update_elem(&groups, &key, c.src_gs, BPF_ANY);
		item_end(src, from, LK_SKB_RX);
		return 0;
	}
	c.it = dst;
	c.src = src;
	c.first = dst->ngroups;
	c.src_gs = src->ngroups > 1 ? groups_get(from) : NULL;
	c.gs = groups_make(to);
	if (c.gs) {
		bpf_loop(LIFE_MAX_GROUPS, merge_cb, &c, 0);
	} else {
		/* no room for TO's groups: FROM's frames go with its first */
		dst->g0.w += src->frames;
		acct_add(LIFE_RX, LA_FOLDED, src->frames);
		c.first = LIFE_MAX_GROUPS;
	}
	dst->frames += src->frames;
	dst->t_last = max64(dst->t_last, src->t_last);
	item_end(src, from, LK_SKB_RX);
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

	struct life_groups *gs;

	if (!it || !n || it->last == LS_MAX || it->last < LS_RX_LOCAL)
		return 0;	/* not delivered locally yet: a tap's clone */
	if (bpf_map_update_elem(&items, &key, it, BPF_ANY))
		return 0;
	it->flags |= LIF_CLONED;
	gs = it->ngroups > 1 ? groups_get((__u64)skb) : NULL;
	if (gs && bpf_map_update_elem(&groups, &key, gs, BPF_ANY))
		gs = NULL;
	it = bpf_map_lookup_elem(&items, &key);
	if (!it)
		return 0;
	it->flags = (it->flags & ~LIF_CLONED) | LIF_BRANCH;
	if (it->ngroups > 1 && !gs) {
		/* no room for the branch's groups: one group, times approximate */
		it->g0.w = it->frames;
		it->ngroups = 1;
	}
	return 0;
}

#endif /* __PKTLIFE_LIFE_RX_BPF_H */
