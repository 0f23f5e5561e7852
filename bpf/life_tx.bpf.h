/* SPDX-License-Identifier: GPL-2.0 */
/*
 * life.bpf.c, part: the kernel's transmit path.
 * Included by life.bpf.c only, after the parts before it (see there).
 */
#ifndef __PKTLIFE_LIFE_TX_BPF_H
#define __PKTLIFE_LIFE_TX_BPF_H

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
	__u32 id = (c->first & ~0xffffffU) | LIFE_FRAME_SEQ(c->first + i);
	__u32 cpu = c->cpu;
	__u64 dep;

	if (!depart_of(id, &dep, &cpu)) {
		dep = c->last_depart;
		cpu = c->cpu;
	}
	hist_span(LS_TX_NIC, c->prev, dep, 1);
	dep = max64(dep, c->prev);
	hist_span(LS_TX_COMPL, dep, c->now, 1);
	if (i == 0) {
		c->it->ts[LS_TX_NIC] = dep;
		c->it->cpu[LS_TX_NIC] = cpu;
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
	__u64 prev = it->g0.t0, t;
	__u32 s;

	it->frames = nframes;
	it->frame_id = first_id;
	for (s = LS_TX_FIRST; s <= LS_TX_DRV; s++) {
		t = it->ts[s];
		if (!t)
			continue;
		hist_span(s, prev, t, nframes);
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
	hist_span(LIFE_HIST_TOTAL(LIFE_TX), it->g0.t0, now, nframes);
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

#endif /* __PKTLIFE_LIFE_TX_BPF_H */
