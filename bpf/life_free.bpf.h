/* SPDX-License-Identifier: GPL-2.0 */
/*
 * life.bpf.c, part: skbs freed before their journey's end.
 * Included by life.bpf.c only, after the parts before it (see there).
 */
#ifndef __PKTLIFE_LIFE_FREE_BPF_H
#define __PKTLIFE_LIFE_FREE_BPF_H

/* --- skbs freed before the end -------------------------------------------- */

static __always_inline void end_early(struct sk_buff *skb, __u32 kind,
				      __u32 what, __u32 reason)
{
	struct life_item *it;
	__u64 *v, zero = 0;
	__u32 key;

	/*
	 * Every skb of the system is freed here: with -D, the other
	 * direction has neither items nor filter answers to look up.
	 */
	if (!dir_wanted(kind))
		return;
	it = item_get((__u64)skb, kind);
	reject_forget((__u64)skb, kind);
	if (!it)
		return;
	if (item_counted(it) && !(it->flags & LIF_BRANCH)) {
		acct_add(kind, what, it->frames);
		hist_cut(it->last, it->frames);
		if (what == LA_DROPPED) {
			key = kind << 31 | (reason & 0x7fffffff);
			v = bpf_map_lookup_elem(&drops, &key);
			if (!v) {
				/* a nested hook may create it meanwhile */
				bpf_map_update_elem(&drops, &key, &zero,
						    BPF_NOEXIST);
				v = bpf_map_lookup_elem(&drops, &key);
			}
			if (v)
				pcpu_add(v, it->frames);
		}
		emit(it, (__u64)skb, what == LA_DROPPED ? LE_DROPPED : LE_ENDED,
		     reason);
	}
	item_end(it, (__u64)skb, kind);
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

#endif /* __PKTLIFE_LIFE_FREE_BPF_H */
