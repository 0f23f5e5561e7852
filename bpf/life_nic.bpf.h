/* SPDX-License-Identifier: GPL-2.0 */
/*
 * life.bpf.c, part: the NIC and driver points (pktlife.ko's tracepoints).
 * Included by life.bpf.c only, after the parts before it (see there).
 */
#ifndef __PKTLIFE_LIFE_NIC_BPF_H
#define __PKTLIFE_LIFE_NIC_BPF_H

/* --- NIC and driver (pktlife.ko) ---------------------------------------- */

/*
 * A frame left the NIC: its departure, for the TX journey whose completion
 * reports the frame (a TSO skb's frames each have their own).  The RX side
 * has it from the frame's descriptor.
 */
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

/* the NIC's bus id of DEV, a pktlife device: its platform device's */
static __always_inline int port_of(struct net_device *dev)
{
	struct device *parent = BPF_CORE_READ(dev, dev.parent);
	struct platform_device *pdev;

	pdev = (void *)parent - bpf_core_field_offset(struct platform_device, dev);
	return BPF_CORE_READ(pdev, id);
}

/* The NIC had no buffer for a frame: a journey lost before it began. */
static __always_inline int on_rx_missed(__u32 port)
{
	__u8 *state;

	if (!dir_wanted(LIFE_RX))
		return 0;
	/* a port found unwanted by on_rx_skb(): not ours */
	state = bpf_map_lookup_elem(&port_state, &port);
	if (state && *state == PORT_UNWANTED)
		return 0;
	acct_add(LIFE_RX, LA_STARTED, 1);
	acct_add(LIFE_RX, LA_LOST_RING, 1);
	return 0;
}

/*
 * The driver built SKB from frame ID, and handed over what came before:
 * the frame's departure and arrival (its descriptor), when the queue's
 * vector last fired and where, and when this poll began.  They become the
 * item's first group, with the stages wire, irq, napi and drv.
 */
static __always_inline int on_rx_skb(struct net_device *dev,
				     struct sk_buff *skb, __u32 id,
				     __u64 depart, __u64 arrive, __u64 t_irq,
				     __u32 irq_cpu, __u64 t_poll)
{
	__u32 cpu = bpf_get_smp_processor_id(), port;
	__u64 now = bpf_ktime_get_ns(), p;
	struct life_flow flow = {};
	struct life_item *it;
	__u8 *st;

	/* tracepoint arguments may be NULL as far as the verifier knows */
	if (!dev || !skb)
		return 0;
	if (!dev_wanted(dev)) {
		/* for on_rx_missed(): written once per port */
		port = port_of(dev);
		st = bpf_map_lookup_elem(&port_state, &port);
		if (st && *st != PORT_UNWANTED)
			*st = PORT_UNWANTED;
		return 0;
	}

	parse_rx_skb(skb, &flow);
	if (!flow_wanted(&flow)) {
		reject(skb, LIFE_RX, 1);
		return 0;
	}

	/* the poll began before the tracepoint was enabled */
	if (!t_poll)
		t_poll = now;
	/*
	 * The interrupt is the frame's if it came after the frame: one that
	 * came before (the frame arrived while NAPI had the vector masked)
	 * or after this poll began (a busy poll) did not report it.
	 */
	if (t_irq < arrive || t_irq > t_poll)
		t_irq = 0;

	p = depart ? depart : arrive;
	it = item_new((__u64)skb, LIFE_RX, p, p, 1);
	if (!it)
		return 0;
	acct_add(LIFE_RX, LA_STARTED, 1);
	it->flow = flow;
	it->ifindex = BPF_CORE_READ(dev, ifindex);
	it->frame_id = id;
	/* the wire is no CPU's time: the stage is the receiver's */
	if (depart)
		group_stage(it, NULL, 0, LS_RX_WIRE, arrive, cpu);
	else
		acct_add(LIFE_RX, LA_NO_DEPART, 1);
	/* group_stage() never goes back in time: later stages clamp */
	if (t_irq)
		group_stage(it, NULL, 0, LS_RX_IRQ, t_irq, irq_cpu);
	group_stage(it, NULL, 0, LS_RX_NAPI, t_poll, cpu);
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
