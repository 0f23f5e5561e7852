// SPDX-License-Identifier: GPL-2.0
/*
 * plhw wire: one direction of the cable between two ports.  It has a rate
 * (frames leave one after another, each taking its bits' time: the frame
 * padded to ETH_ZLEN, its FCS, preamble, start delimiter and inter-frame
 * gap) and a one-way latency.  A frame's first bit leaves when the TX
 * engine starts it and the wire is free (its TX timestamp); its last bit
 * reaches the peer's MAC its bits' time plus the latency later (its RX
 * timestamp), when the peer's RX engine writes it to the host: at once if
 * that time has come (the engine ran late), else from a soft hrtimer that
 * delivers the frames on the wire by arrival time.  Both times are on the
 * one clock of the pair.
 *
 * The sending MAC (mac.c) pads the frame and appends its FCS before the
 * wire takes it; the receiving MAC checks what arrives.
 *
 * Faults, for tests and for studying the stack under stress (debugfs
 * knobs, each counted where it acts): frames lost, corrupted (a bit of
 * the frame's last byte flipped, after the checksum engines and the FCS:
 * a CRC error), cut short (to 1..PLHW_WIRE_TRUNC_MAX bytes with what
 * remains of the FCS: a runt or a CRC error; the sender counts the whole
 * frame, the receiver what arrives), duplicated,
 * held back for reorder_us so that later frames overtake them, and
 * delayed by up to jitter_us more than the latency without leaving their
 * order.
 */
#include <linux/if_ether.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "nic.h"
#include "plhw_trace.h"

/* Preamble, start delimiter, FCS and inter-frame gap: bytes on the wire
 * that the frame in memory does not have.
 */
#define PLHW_WIRE_OVERHEAD	(8 + 4 + 12)

static enum hrtimer_restart plhw_wire_timer(struct hrtimer *timer)
{
	struct plhw_wire *wire = container_of(timer, struct plhw_wire, timer);
	struct plhw_port *port = container_of(wire, struct plhw_port, wire);
	u64 now = plhw_clock();
	struct plhw_port *peer;
	struct plhw_frame *f;

	spin_lock_bh(&wire->lock);
	rcu_read_lock();
	peer = rcu_dereference(port->peer);
	while ((f = list_first_entry_or_null(&wire->frames, struct plhw_frame,
					     node))) {
		if (f->arrive > now) {
			/* started, not restarted: the sender may start it too */
			hrtimer_start(timer, ns_to_ktime(f->arrive),
				      HRTIMER_MODE_ABS_SOFT);
			break;
		}
		list_del(&f->node);
		wire->nr_frames--;
		if (peer)
			plhw_mac_rx(peer, f->data, f->len, f->arrive, &f->tag);
		kfree(f);
	}
	rcu_read_unlock();
	spin_unlock_bh(&wire->lock);
	return HRTIMER_NORESTART;
}

void plhw_wire_init(struct plhw_wire *wire)
{
	spin_lock_init(&wire->lock);
	INIT_LIST_HEAD(&wire->frames);
	wire->latency_us = PLHW_WIRE_LATENCY_US;
	hrtimer_setup(&wire->timer, plhw_wire_timer, CLOCK_MONOTONIC,
		      HRTIMER_MODE_ABS_SOFT);
	atomic_set(&wire->corrupt, 0);
	atomic_set(&wire->next_id, 0);
	atomic64_set(&wire->corrupted, 0);
	atomic64_set(&wire->dropped, 0);
	atomic64_set(&wire->lost, 0);
	atomic64_set(&wire->duplicated, 0);
	atomic64_set(&wire->reordered, 0);
	atomic64_set(&wire->delayed, 0);
	atomic64_set(&wire->stalls, 0);
	atomic64_set(&wire->truncated, 0);
}

/* True with probability @ppm per million. */
static bool plhw_fault(u32 ppm)
{
	return ppm && get_random_u32_below(1000000) < ppm;
}

/*
 * With wire->lock held: put a copy of the frame on the wire, by arrival
 * time (after frames arriving at the same time).  False if the wire holds
 * too much, or no memory: the frame is lost.
 */
static bool plhw_wire_hold(struct plhw_wire *wire, const u8 *data, u32 len,
			   u64 arrive, const struct plhw_tag *tag)
{
	struct plhw_frame *f, *pos;

	if (wire->nr_frames >= PLHW_WIRE_MAX_FRAMES)
		return false;
	f = kmalloc(struct_size(f, data, len), GFP_ATOMIC);
	if (!f)
		return false;
	f->arrive = arrive;
	f->tag = *tag;
	f->len = len;
	memcpy(f->data, data, len);
	/* nearly always at the tail: only reordered frames arrive late */
	list_for_each_entry_reverse(pos, &wire->frames, node)
		if (pos->arrive <= arrive)
			break;
	list_add(&f->node, &pos->node);
	wire->nr_frames++;
	/* the first to arrive: the timer must fire for it */
	if (wire->frames.next == &f->node)
		hrtimer_start(&wire->timer, ns_to_ktime(arrive),
			      HRTIMER_MODE_ABS_SOFT);
	return true;
}

/* Frames still on the wire are lost, as when a cable is pulled. */
void plhw_wire_stop(struct plhw_wire *wire)
{
	struct plhw_frame *f, *tmp;

	hrtimer_cancel(&wire->timer);
	spin_lock_bh(&wire->lock);
	list_for_each_entry_safe(f, tmp, &wire->frames, node) {
		list_del(&f->node);
		kfree(f);
	}
	wire->nr_frames = 0;
	spin_unlock_bh(&wire->lock);
}

/**
 * plhw_wire_ids() - reserve @n consecutive frame ids on the wire of @port
 * @port: the sending port
 * @n: how many (the segments of one TSO frame)
 *
 * The port is in the top byte, so ids are unique across ports; the low 24
 * bits count, wrapping.  A TSO frame's segments get consecutive ids even
 * while other queues of the port send, so a collector can name them all
 * from the first id and the count (plhw_wire_id()).
 *
 * Return: the first id.
 */
u32 plhw_wire_ids(struct plhw_port *port, u32 n)
{
	u32 last = atomic_add_return(n, &port->wire.next_id);

	return plhw_wire_id(FIELD_PREP(PLHW_FRAME_ID_PORT, port->id) |
			    FIELD_GET(PLHW_FRAME_ID_SEQ, last), 1 - n);
}

/* How long @len bytes of frame take on a wire of @rate Mbit/s, in ns. */
static u64 plhw_wire_ns(u32 len, u32 rate)
{
	return div_u64((u64)(max_t(u32, len, ETH_ZLEN) + PLHW_WIRE_OVERHEAD) *
		       8 * 1000, rate);
}

/**
 * plhw_wire_send() - put a frame on the wire of @port
 * @port: the sending port
 * @txq: the TX queue sending it, locked (its counters)
 * @data: the frame, with PLHW_MAC_ROOM bytes of room after it for the
 *	MAC's padding and FCS; the wire may change it (corruption knob)
 * @len: its length
 * @start: the earliest its first bit may leave: the wire may be busy
 *	until later with a frame of another queue
 * @id: the frame's id (plhw_wire_ids()), which the peer's RX descriptor
 *	carries
 *
 * The frame's last bit arrives its time on the wire (rate) and the
 * latency after its first bit left: then the peer's MAC has it, and its
 * RX engine writes it to the host.
 *
 * Return: when its first bit left (the TX timestamp).
 */
u64 plhw_wire_send(struct plhw_port *port, struct plhw_txq *txq, u8 *data,
		   u32 len, u64 start, u32 id)
{
	u32 latency_us = READ_ONCE(port->wire.latency_us);
	u32 jitter_us = READ_ONCE(port->wire.jitter_us);
	u32 rate = READ_ONCE(port->wire.rate_mbit), status;
	struct plhw_wire *wire = &port->wire;
	u64 now = plhw_clock(), depart, arrive, bits_ns;
	struct plhw_tag tag = { .id = id };
	struct plhw_port *peer;
	u32 wlen, flen;
	bool reordered = false;
	unsigned int copies;

	depart = start;
	rcu_read_lock();
	peer = rcu_dereference(port->peer);
	status = plhw_phy_status(port);
	if (!peer || !(status & PLHW_PHY_LINK)) {
		txq->stats[PLHW_STAT_TX_LINK_DOWN]++;
		goto out_unlock_rcu;
	}
	/* the link's speed, unless the knob sets a slower line */
	if (!rate)
		rate = plhw_speed_mbit(FIELD_GET(PLHW_PHY_SPEED, status));

	plhw_l3c_count(port, data, len, true);
	/* the MAC pads the frame and appends its FCS */
	wlen = plhw_mac_tx(data, len);
	flen = wlen - ETH_FCS_LEN;
	/* on the wire, after the MAC: the receiver's MAC must notice */
	if (atomic_add_unless(&wire->corrupt, -1, 0) ||
	    plhw_fault(READ_ONCE(wire->corrupt_ppm))) {
		data[len - 1] ^= BIT(get_random_u32_below(8));
		atomic64_inc(&wire->corrupted);
	}
	/* the whole frame is sent; what arrives of it may be cut short */
	bits_ns = plhw_wire_ns(len, rate);
	if (plhw_fault(READ_ONCE(wire->truncate_ppm))) {
		wlen = 1 + get_random_u32_below(min(wlen - 1,
						    (u32)PLHW_WIRE_TRUNC_MAX));
		atomic64_inc(&wire->truncated);
	}
	/* after the faults: a frame counted has met the knobs */
	txq->stats[PLHW_STAT_TX_FRAMES]++;
	txq->stats[PLHW_STAT_TX_BYTES] += flen;

	spin_lock_bh(&wire->lock);
	depart = max(start, wire->free_at);
	wire->free_at = depart + bits_ns;
	arrive = depart + bits_ns + (u64)latency_us * NSEC_PER_USEC;
	if (jitter_us)
		arrive += get_random_u32_below(jitter_us + 1) * NSEC_PER_USEC;
	if (plhw_fault(READ_ONCE(wire->reorder_ppm))) {
		/* held back: later frames overtake it */
		arrive += (u64)READ_ONCE(wire->reorder_us) * NSEC_PER_USEC;
		reordered = true;
	} else {
		/* jitter delays, but frames keep their order */
		arrive = max(arrive, wire->last_arrive);
		wire->last_arrive = arrive;
	}
	trace_pl_hw_wire_tx(port->id, txq->index, id, flen, depart, arrive);
	tag.depart = depart;

	if (plhw_fault(READ_ONCE(wire->drop_ppm))) {
		atomic64_inc(&wire->lost);
		goto out_unlock_wire;
	}
	if (reordered)
		atomic64_inc(&wire->reordered);
	else if (arrive > depart + bits_ns + (u64)latency_us * NSEC_PER_USEC)
		atomic64_inc(&wire->delayed);
	copies = plhw_fault(READ_ONCE(wire->dup_ppm)) ? 2 : 1;
	if (copies == 2)
		atomic64_inc(&wire->duplicated);
	while (copies--) {
		if (arrive <= now && list_empty(&wire->frames))
			plhw_mac_rx(peer, data, wlen, arrive, &tag);
		else if (!plhw_wire_hold(wire, data, wlen, arrive, &tag))
			/* a wire that holds too much loses frames */
			atomic64_inc(&wire->dropped);
	}
out_unlock_wire:
	spin_unlock_bh(&wire->lock);
out_unlock_rcu:
	rcu_read_unlock();
	return depart;
}
