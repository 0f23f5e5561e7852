// SPDX-License-Identifier: GPL-2.0
/*
 * plhw wire: one direction of the cable between two ports.  It has a rate
 * (frames leave one after another, each taking its bits' time) and a
 * one-way latency; both default to none, and then a frame reaches the peer
 * in the sender's context.  Otherwise it waits on the wire, in order, for
 * a soft hrtimer.  Every frame gets the time it left (TX writeback) and
 * the time it arrived (RX descriptor), on the one clock of the pair.
 */
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
	enum hrtimer_restart ret = HRTIMER_NORESTART;
	u64 now = plhw_clock();
	struct plhw_port *peer;
	struct plhw_frame *f;

	spin_lock_bh(&wire->lock);
	rcu_read_lock();
	peer = rcu_dereference(port->peer);
	while ((f = list_first_entry_or_null(&wire->frames, struct plhw_frame,
					     node))) {
		if (f->arrive > now) {
			hrtimer_set_expires(timer, ns_to_ktime(f->arrive));
			ret = HRTIMER_RESTART;
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
	return ret;
}

void plhw_wire_init(struct plhw_wire *wire)
{
	spin_lock_init(&wire->lock);
	INIT_LIST_HEAD(&wire->frames);
	hrtimer_init(&wire->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
	wire->timer.function = plhw_wire_timer;
	atomic_set(&wire->corrupt, 0);
	atomic_set(&wire->next_id, 0);
	atomic64_set(&wire->corrupted, 0);
	atomic64_set(&wire->dropped, 0);
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
 * plhw_wire_send() - put a frame on the wire of @port
 * @port: the sending port
 * @txq: the TX queue sending it, locked (its counters)
 * @data: the frame; the wire may change it (corruption knob)
 * @len: its length
 * @tstamp: set to the time the frame left
 * @id: set to the frame's id, which the peer's RX descriptor carries
 */
void plhw_wire_send(struct plhw_port *port, struct plhw_txq *txq, u8 *data,
		    u32 len, u64 *tstamp, u32 *id)
{
	u32 latency_us = READ_ONCE(port->wire.latency_us);
	u32 rate = READ_ONCE(port->wire.rate_mbit);
	struct plhw_wire *wire = &port->wire;
	u64 now = plhw_clock(), depart, arrive;
	struct plhw_port *peer;
	struct plhw_frame *f;

	/* the port in the top byte: ids are unique across ports */
	*id = ((u32)port->id << 24) |
	      ((u32)atomic_inc_return(&wire->next_id) & 0xffffff);
	*tstamp = now;

	rcu_read_lock();
	peer = rcu_dereference(port->peer);
	if (!peer || !plhw_link_is_up(port)) {
		txq->stats[PLHW_STAT_TX_LINK_DOWN]++;
		goto out_unlock_rcu;
	}

	/* after the checksum engines: the receiver must notice */
	if (atomic_add_unless(&wire->corrupt, -1, 0)) {
		data[len - 1] ^= 0x01;
		atomic64_inc(&wire->corrupted);
	}
	txq->stats[PLHW_STAT_TX_FRAMES]++;
	txq->stats[PLHW_STAT_TX_BYTES] += len;

	spin_lock_bh(&wire->lock);
	depart = now;
	if (rate) {
		depart = max(now, wire->free_at) +
			 div_u64((u64)(len + PLHW_WIRE_OVERHEAD) * 8 * 1000, rate);
		wire->free_at = depart;
	}
	*tstamp = depart;
	arrive = depart + (u64)latency_us * NSEC_PER_USEC;
	trace_pl_hw_wire_tx(port->id, txq->index, *id, len, depart, arrive);

	if (arrive <= now && list_empty(&wire->frames)) {
		plhw_rx_frame(peer, data, len, arrive, *id);
	} else {
		f = NULL;
		if (wire->nr_frames < PLHW_WIRE_MAX_FRAMES)
			f = kmalloc(struct_size(f, data, len), GFP_ATOMIC);
		if (f) {
			f->arrive = arrive;
			f->id = *id;
			f->len = len;
			memcpy(f->data, data, len);
			if (list_empty(&wire->frames))
				hrtimer_start(&wire->timer, ns_to_ktime(arrive),
					      HRTIMER_MODE_ABS_SOFT);
			list_add_tail(&f->node, &wire->frames);
			wire->nr_frames++;
		} else {
			/* a wire that holds too much loses frames */
			atomic64_inc(&wire->dropped);
		}
	}
	spin_unlock_bh(&wire->lock);
out_unlock_rcu:
	rcu_read_unlock();
}
