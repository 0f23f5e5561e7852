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

/* SKB's groups beyond the first (RX items of merged skbs), or NULL */
static __always_inline struct life_groups *groups_get(__u64 skb)
{
	struct life_key key = { .addr = skb, .kind = LK_SKB_RX };

	return bpf_map_lookup_elem(&groups, &key);
}

/* ... made if it has none yet; NULL: no room */
static __always_inline struct life_groups *groups_make(__u64 skb)
{
	struct life_key key = { .addr = skb, .kind = LK_SKB_RX };
	struct life_groups *gs = bpf_map_lookup_elem(&groups, &key), *zero;
	__u32 z = 0;

	if (gs)
		return gs;
	zero = bpf_map_lookup_elem(&zero_groups, &z);
	if (!zero)
		return NULL;
	bpf_map_update_elem(&groups, &key, zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&groups, &key);
}

static __always_inline void groups_del(__u64 skb)
{
	struct life_key key = { .addr = skb, .kind = LK_SKB_RX };

	bpf_map_delete_elem(&groups, &key);
}

/* The journey of IT (SKB's, of KIND) is over: its item and groups go. */
static __always_inline void item_end(struct life_item *it, __u64 skb,
				     __u32 kind)
{
	if (it->ngroups > 1)
		groups_del(skb);
	item_del(skb, kind);
}

/* group I of IT, GS its other groups (NULL if it has one): NULL if none */
static __always_inline struct life_group *
group_of(struct life_item *it, struct life_groups *gs, __u32 i)
{
	if (i == 0)
		return &it->g0;
	if (!gs || i >= LIFE_MAX_GROUPS)
		return NULL;
	return &gs->g[bound_group(i)];
}

/* a filter said no to SKB: remember it, count it once */
/* No later hook of KIND's path starts a journey for SKB. */
static __always_inline void no_journey(struct sk_buff *skb, __u32 kind)
{
	struct life_key key = { .addr = (__u64)skb, .kind = kind };
	__u64 head = (__u64)BPF_CORE_READ(skb, head);

	/* the entry first: a reader that sees the flag finds it */
	bpf_map_update_elem(&rejected, &key, &head, BPF_ANY);
	if (!rejected_any)
		rejected_any = 1;
}

static __always_inline void reject(struct sk_buff *skb, __u32 kind, __u32 w)
{
	no_journey(skb, kind);
	acct_add(kind, LA_FILTERED, w);
}

static __always_inline bool was_rejected(struct sk_buff *skb, __u32 kind)
{
	struct life_key key = { .addr = (__u64)skb, .kind = kind };
	__u64 *head;

	if (!rejected_any)
		return false;
	head = bpf_map_lookup_elem(&rejected, &key);
	return head && *head == (__u64)BPF_CORE_READ(skb, head);
}

/* SKB's pass through KIND's path is over: a filter's answer ends with it */
static __always_inline void reject_forget(__u64 skb, __u32 kind)
{
	struct life_key key = { .addr = skb, .kind = kind };

	if (!rejected_any)
		return;
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
		if (it && it->ngroups > 1)
			groups_del(skb);
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
	it->g0.t0 = t0;
	it->g0.t_prev = t;
	it->g0.w = w;
	if (trace_sample &&
	    __sync_fetch_and_add(&trace_seq, 1) % trace_sample == 0)
		it->flags |= LIF_TRACED;
	return it;
}

/* RX: stage S ends now for group GI of IT (GS: its other groups) only. */
static __always_inline void group_stage(struct life_item *it,
					struct life_groups *gs, __u32 gi,
					__u32 s, __u64 now, __u32 cpu)
{
	struct life_group *g = group_of(it, gs, gi);

	if (!g)
		return;
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
	struct life_groups *gs;		/* it's other groups */
	struct life_item *src;
	struct life_groups *src_gs;
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
	group_stage(c->it, c->gs, i, c->s, c->now, c->cpu);
	return 0;
}

/*
 * RX: stage S ends now for every group of IT, SKB's item (each from its
 * own last time).
 */
static __always_inline void rx_stage(struct life_item *it, __u64 skb, __u32 s,
				     __u64 now)
{
	struct loop_ctx c = {
		.it = it, .s = s, .now = now, .cpu = bpf_get_smp_processor_id(),
	};

	if (it->last != LS_MAX && s <= it->last)
		return;		/* a point seen twice, or out of order */
	/* one group, most skbs but GRO's: no loop to set up */
	if (it->ngroups == 1) {
		group_stage(it, NULL, 0, s, now, c.cpu);
	} else {
		c.gs = groups_get(skb);
		bpf_loop(LIFE_MAX_GROUPS, stage_cb, &c, 0);
	}
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
	e->t0 = it->g0.t0;
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

	if (i >= c->it->ngroups)
		return 1;
	g = group_of(c->it, c->gs, i);
	if (g)
		hist_span(LIFE_HIST_TOTAL(LIFE_RX), g->t0, c->now, g->w);
	return 0;
}

/* RX: the journey reached the reader; the end-to-end time per group. */
static __always_inline void rx_complete(struct life_item *it, __u64 skb,
					__u64 now)
{
	struct loop_ctx c = { .it = it, .now = now };

	if (it->ngroups == 1) {
		total_cb(0, &c);
	} else {
		c.gs = groups_get(skb);
		bpf_loop(LIFE_MAX_GROUPS, total_cb, &c, 0);
	}
	if (it->flags & LIF_BRANCH)
		acct_add(LIFE_RX, LA_BRANCHES, it->frames);
	else
		acct_add(LIFE_RX, LA_COMPLETED, it->frames);
	emit(it, skb, LE_COMPLETED, 0);
	item_end(it, skb, LK_SKB_RX);
}

#endif /* __PKTLIFE_LIFE_ITEM_BPF_H */
