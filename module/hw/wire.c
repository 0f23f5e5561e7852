// SPDX-License-Identifier: GPL-2.0
/*
 * plhw wire: one direction of the cable between two ports.  It has a rate
 * (frames leave one after another, each taking its bits' time) and a
 * one-way latency; both default to none, and then a frame reaches the peer
 * in the sender's context.  Otherwise it waits on the wire, by arrival
 * time, for a soft hrtimer.  Every frame gets the time it left (TX
 * writeback) and the time it arrived (RX descriptor), on the one clock of
 * the pair.
 *
 * Faults, for tests and for studying the stack under stress (debugfs
 * knobs, each counted where it acts): frames lost, corrupted (a bit of
 * the last byte flipped, after the checksum engines), cut short (to
 * 1..PLHW_WIRE_TRUNC_MAX bytes: a runt, or headers that end early; the
 * sender counts the whole frame, the receiver what arrives), duplicated,
 * held back for reorder_us so that later frames overtake them, and
 * delayed by up to jitter_us more than the latency without leaving their
 * order.
 */
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
			plhw_rx_frame(peer, f->data, f->len, f->arrive, f->id);
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
			   u64 arrive, u32 id)
{
	struct plhw_frame *f, *pos;

	if (wire->nr_frames >= PLHW_WIRE_MAX_FRAMES)
		return false;
	f = kmalloc(struct_size(f, data, len), GFP_ATOMIC);
	if (!f)
		return false;
	f->arrive = arrive;
	f->id = id;
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

	return plhw_wire_id(((u32)port->id << 24) | (last & 0xffffff), 1 - n);
}

/**
 * plhw_wire_send() - put a frame on the wire of @port
 * @port: the sending port
 * @txq: the TX queue sending it, locked (its counters)
 * @data: the frame; the wire may change it (corruption knob)
 * @len: its length
 * @tstamp: set to the time the frame left
 * @id: the frame's id (plhw_wire_ids()), which the peer's RX descriptor
 *	carries
 */
void plhw_wire_send(struct plhw_port *port, struct plhw_txq *txq, u8 *data,
		    u32 len, u64 *tstamp, u32 id)
{
	u32 latency_us = READ_ONCE(port->wire.latency_us);
	u32 jitter_us = READ_ONCE(port->wire.jitter_us);
	u32 rate = READ_ONCE(port->wire.rate_mbit);
	u64 now = plhw_clock(), depart, arrive;
	struct plhw_wire *wire = &port->wire;
	struct plhw_port *peer;
	bool reordered = false;
	unsigned int copies;

	*tstamp = now;

	rcu_read_lock();
	peer = rcu_dereference(port->peer);
	if (!peer || !plhw_link_is_up(port)) {
		txq->stats[PLHW_STAT_TX_LINK_DOWN]++;
		goto out_unlock_rcu;
	}

	/* after the checksum engines: the receiver must notice */
	if (atomic_add_unless(&wire->corrupt, -1, 0) ||
	    plhw_fault(READ_ONCE(wire->corrupt_ppm))) {
		data[len - 1] ^= BIT(get_random_u32_below(8));
		atomic64_inc(&wire->corrupted);
	}
	txq->stats[PLHW_STAT_TX_FRAMES]++;
	txq->stats[PLHW_STAT_TX_BYTES] += len;
	plhw_l3c_count(port, data, len, true);
	if (len > 1 && plhw_fault(READ_ONCE(wire->truncate_ppm))) {
		len = 1 + get_random_u32_below(min(len - 1, PLHW_WIRE_TRUNC_MAX));
		atomic64_inc(&wire->truncated);
	}

	spin_lock_bh(&wire->lock);
	depart = now;
	if (rate) {
		depart = max(now, wire->free_at) +
			 div_u64((u64)(len + PLHW_WIRE_OVERHEAD) * 8 * 1000, rate);
		wire->free_at = depart;
	}
	*tstamp = depart;
	arrive = depart + (u64)latency_us * NSEC_PER_USEC;
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
	trace_pl_hw_wire_tx(port->id, txq->index, id, len, depart, arrive);

	if (plhw_fault(READ_ONCE(wire->drop_ppm))) {
		atomic64_inc(&wire->lost);
		goto out_unlock_wire;
	}
	if (reordered)
		atomic64_inc(&wire->reordered);
	else if (arrive > depart + (u64)latency_us * NSEC_PER_USEC)
		atomic64_inc(&wire->delayed);
	copies = plhw_fault(READ_ONCE(wire->dup_ppm)) ? 2 : 1;
	if (copies == 2)
		atomic64_inc(&wire->duplicated);
	while (copies--) {
		if (arrive <= now && list_empty(&wire->frames))
			plhw_rx_frame(peer, data, len, arrive, id);
		else if (!plhw_wire_hold(wire, data, len, arrive, id))
			/* a wire that holds too much loses frames */
			atomic64_inc(&wire->dropped);
	}
out_unlock_wire:
	spin_unlock_bh(&wire->lock);
out_unlock_rcu:
	rcu_read_unlock();
}
