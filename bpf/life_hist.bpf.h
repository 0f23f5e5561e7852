/* SPDX-License-Identifier: GPL-2.0 */
/*
 * life.bpf.c, part: per-CPU counters, histograms, frame slots, the handoff
 * between hooks.
 * Included by life.bpf.c only, after the parts before it (see there).
 */
#ifndef __PKTLIFE_LIFE_HIST_BPF_H
#define __PKTLIFE_LIFE_HIST_BPF_H

/* --- small helpers ---------------------------------------------------- */

/*
 * The counters are per CPU, but hooks on one CPU do nest: a hook in
 * process context (sendmsg, ip_output, the copy to the reader, a free)
 * can be interrupted by a softirq whose hooks add to the same counter,
 * and a plain "+=" would then lose one of the two. A locked add costs
 * little on a cache line that is this CPU's own.
 */
static __always_inline void pcpu_add(__u64 *p, __u64 n)
{
	__sync_fetch_and_add(p, n);
}

/*
 * *P = max(*P, V) against the same nesting: a few tries, each losing only
 * to a writer of a larger value, are enough (nesting is one level deep
 * per context).
 */
static __always_inline void pcpu_max(__u64 *p, __u64 v)
{
	__u64 old;
	int i;

	for (i = 0; i < 4; i++) {
		old = *(volatile __u64 *)p;
		if (v <= old ||
		    __sync_val_compare_and_swap(p, old, v) == old)
			return;
	}
}

#define barrier()	asm volatile("" ::: "memory")

/* a slot of departs, by frame id (NULL: never, for the verifier) */
static __always_inline void *slot_of(void *map, __u32 id)
{
	__u32 i = LIFE_FRAME_SLOT(id);

	return bpf_map_lookup_elem(map, &i);
}

/* before writing a slot's values: no reader takes them meanwhile */
static __always_inline void slot_open(__u64 *tag)
{
	*(volatile __u64 *)tag = 0;
	barrier();
}

/* after: the values are frame ID's */
static __always_inline void slot_close(__u64 *tag, __u32 id)
{
	barrier();
	*(volatile __u64 *)tag = (__u64)id + 1;
}

/* Does the slot hold frame ID? Call before copying, and after (valid). */
static __always_inline bool slot_holds(__u64 *tag, __u32 id)
{
	barrier();
	return *(volatile __u64 *)tag == (__u64)id + 1;
}

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
		pcpu_add(v, n);
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
	pcpu_add(&h->count, w);
	pcpu_add(&h->sum, v * w);
	pcpu_max(&h->max, v);
	pcpu_add(&h->slots[slot], w);
}

/*
 * Stage IDX of W frames ran FROM .. TO: its time, or 0 and counted as
 * clamped when TO is before FROM (a stamp out of order).
 */
static __always_inline void hist_span(__u32 idx, __u64 from, __u64 to, __u32 w)
{
	struct life_hist *h;

	if (to >= from) {
		hist_add(idx, to - from, w);
		return;
	}
	hist_add(idx, 0, w);
	h = bpf_map_lookup_elem(&hists, &idx);
	if (h)
		pcpu_add(&h->clamped, w);
}

/* W frames' journey stopped after stage S (not completed) */
static __always_inline void hist_cut(__u32 s, __u32 w)
{
	struct life_hist *h;

	if (s >= LS_MAX)
		return;		/* no stage ended yet */
	h = bpf_map_lookup_elem(&hists, &s);
	if (h)
		pcpu_add(&h->cut, w);
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

#endif /* __PKTLIFE_LIFE_HIST_BPF_H */
