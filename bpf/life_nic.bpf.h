/* SPDX-License-Identifier: GPL-2.0 */
/*
 * life.bpf.c, part: the NIC and driver points (pktlife.ko's tracepoints).
 * Included by life.bpf.c only, after the parts before it (see there).
 */
#ifndef __PKTLIFE_LIFE_NIC_BPF_H
#define __PKTLIFE_LIFE_NIC_BPF_H

/* --- NIC and driver (pktlife.ko) ---------------------------------------- */

static __always_inline int on_wire_tx(__u32 frame_id, __u64 depart)
{
	struct depart *d = slot_of(&departs, frame_id);

	if (!d)
		return 0;
	slot_open(&d->tag);
	d->t = depart;
	d->cpu = bpf_get_smp_processor_id();
	slot_close(&d->tag, frame_id);
	return 0;
}

/* frame ID's departure time and CPU, if still known */
static __always_inline bool depart_of(__u32 id, __u64 *t, __u32 *cpu)
{
	struct depart *d = slot_of(&departs, id);

	if (!d || !slot_holds(&d->tag, id))
		return false;
	*t = d->t;
	*cpu = d->cpu;
	return slot_holds(&d->tag, id);
}

static __always_inline int on_rx_write(__u32 port, __u16 queue, __u32 id,
				       __u64 arrive, __u32 nbufs)
{
	__u32 key = port << 8 | queue, cpu;
	struct life_frame *f;
	struct irq_ring *r;
	__u64 depart;
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
	f = slot_of(&frames, id);
	if (!f)
		return 0;
	if (f->tag) {
		/* its slot came round before its skb was built: lost */
		acct_add(LIFE_RX, LA_STARTED, 1);
		acct_add(LIFE_RX, LA_LOST_MAP, 1);
	}
	slot_open(&f->tag);
	f->t_write = bpf_ktime_get_ns();
	f->cpu = bpf_get_smp_processor_id();
	f->arrive = arrive;
	f->depart = depart_of(id, &depart, &cpu) ? depart : 0;
	r = bpf_map_lookup_elem(&irqs, &key);
	f->irq_gen = r ? r->gen : 0;
	f->port = port;
	f->queue = queue;
	slot_close(&f->tag, id);
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
	struct poll_begin *b, zero = {};

	b = bpf_map_lookup_elem(&polls, &key);
	if (!b) {
		bpf_map_update_elem(&polls, &key, &zero, BPF_NOEXIST);
		b = bpf_map_lookup_elem(&polls, &key);
		if (!b)
			return 0;
	}
	/*
	 * In place: one NAPI instance polls a queue at a time, so it is the
	 * only writer, and its pl_rx_skb events, the readers, follow on the
	 * same CPU.
	 */
	b->t = bpf_ktime_get_ns();
	b->cpu = bpf_get_smp_processor_id();
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
	struct life_frame *slot, fr, *f = &fr;
	struct life_item *it;
	struct irq_ring *r;
	struct poll_key pkey;
	__u32 key, gen;
	__u8 *st;

	/* tracepoint arguments may be NULL as far as the verifier knows */
	if (!dev || !skb)
		return 0;
	slot = slot_of(&frames, id);
	if (!slot)
		return 0;
	if (slot_holds(&slot->tag, id)) {
		fr = *slot;
		if (slot_holds(&slot->tag, id))
			/* taken: the slot is free for the next frame */
			slot->tag = 0;
		else
			slot = NULL;
	} else {
		slot = NULL;
	}
	if (!slot) {
		/* written to the ring before we attached: netif starts it */
		if (dir_wanted(LIFE_RX) && dev_wanted(dev))
			acct_add(LIFE_RX, LA_NO_FRAME, 1);
		return 0;
	}
	/* the port's state, written when it changes (the first time) */
	st = bpf_map_lookup_elem(&port_state, &f->port);
	if (!dev_wanted(dev)) {
		if (st && *st != 2)
			*st = 2;
		return 0;
	}
	if (st && *st != 1)
		*st = 1;

	parse_rx_skb(skb, &flow);
	if (!flow_wanted(&flow)) {
		reject(skb, LIFE_RX, 1);
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
	if (!it)
		return 0;
	acct_add(LIFE_RX, LA_STARTED, 1);
	it->flow = flow;
	it->ifindex = BPF_CORE_READ(dev, ifindex);
	it->frame_id = id;
	if (f->depart)
		group_stage(it, NULL, 0, LS_RX_WIRE, f->arrive, f->cpu);
	else
		acct_add(LIFE_RX, LA_NO_DEPART, 1);
	/* group_stage() never goes back in time: later stages clamp */
	if (t_irq)
		group_stage(it, NULL, 0, LS_RX_IRQ, t_irq, irq_cpu);
	group_stage(it, NULL, 0, LS_RX_NAPI, t_poll, poll_cpu);
	group_stage(it, NULL, 0, LS_RX_DRV, now, cpu);
	it->last = LS_RX_DRV;
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
			group_stage(it, groups_get(h->merged_head),
				    h->merged_group, LS_RX_GRO, now,
				    bpf_get_smp_processor_id());
		return 0;
	}
	it = item_get((__u64)skb, LK_SKB_RX);
	if (it)
		rx_stage(it, skb, LS_RX_GRO, now);
	return 0;
}

#endif /* __PKTLIFE_LIFE_NIC_BPF_H */
