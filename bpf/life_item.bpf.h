/* SPDX-License-Identifier: GPL-2.0 */
/*
 * life.bpf.c, part: the per-skb items: created, staged, merged, completed,
 * traced.
 * Included by life.bpf.c only, after the parts before it (see there).
 */
#ifndef __PKTLIFE_LIFE_ITEM_BPF_H
#define __PKTLIFE_LIFE_ITEM_BPF_H

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
	long err;

	zero = bpf_map_lookup_elem(&zero_item, &z);
	if (!zero)
		return NULL;
	/* the common case, a new address, in one map operation */
	err = bpf_map_update_elem(&items, &key, zero, BPF_NOEXIST);
	if (err) {
		it = bpf_map_lookup_elem(&items, &key);
		if (it && item_counted(it)) {
			acct_add(dir, LA_LOST_REUSED, it->frames);
			hist_cut(it->last, it->frames);
		}
		if (it)
			err = bpf_map_update_elem(&items, &key, zero, BPF_ANY);
	}
	if (err) {
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
	hist_span(s, g->t_prev, now, g->w);
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
	/* one group, most skbs but GRO's: no loop to set up */
	if (it->ngroups == 1)
		group_stage(it, 0, s, now, c.cpu);
	else
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
	hist_span(LIFE_HIST_TOTAL(LIFE_RX), g->t0, c->now, g->w);
	return 0;
}

/* RX: the journey reached the reader; the end-to-end time per group. */
static __always_inline void rx_complete(struct life_item *it, __u64 skb,
					__u64 now)
{
	struct loop_ctx c = { .it = it, .now = now };

	if (it->ngroups == 1)
		total_cb(0, &c);
	else
		bpf_loop(LIFE_MAX_GROUPS, total_cb, &c, 0);
	if (it->flags & LIF_BRANCH)
		acct_add(LIFE_RX, LA_BRANCHES, it->frames);
	else
		acct_add(LIFE_RX, LA_COMPLETED, it->frames);
	emit(it, skb, LE_COMPLETED, 0);
	item_del(skb, LK_SKB_RX);
}

#endif /* __PKTLIFE_LIFE_ITEM_BPF_H */
