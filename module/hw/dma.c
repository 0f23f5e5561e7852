// SPDX-License-Identifier: GPL-2.0
/*
 * plhw DMA engines: the TX engine fetches descriptor chains from host
 * memory, gathers each frame, hands it to the checksum and TSO engines and
 * the wire, and writes the descriptors back; the RX engine writes a frame
 * arriving from the wire into the buffers the driver posted.
 */
#include <linux/slab.h>
#include <linux/string.h>

#include "nic.h"
#include "plhw_trace.h"

/* Write back the EOP descriptor of a frame: results first, DD last. */
static void plhw_tx_writeback(struct plhw_tx_desc *eop, u64 tstamp, u32 id,
			      u32 nsegs)
{
	eop->tstamp = cpu_to_le64(tstamp);
	eop->frame_id = cpu_to_le32(id);
	eop->nsegs = cpu_to_le16(nsegs);
	/* The driver reads the results once it sees DD. */
	dma_wmb();
	/* one store: the driver polls it with READ_ONCE() */
	WRITE_ONCE(eop->status, cpu_to_le16(PLHW_DESC_DD));
}

/*
 * Gather the frame of descriptors [head, head + n) into txq->buf.
 * Return: its length, or 0 if it does not fit.
 */
static u32 plhw_tx_gather(struct plhw_txq *txq, u32 n)
{
	u32 mask = txq->len - 1, len = 0, i;

	for (i = 0; i < n; i++) {
		const struct plhw_tx_desc *d = &txq->ring[(txq->head + i) & mask];
		u32 blen = le16_to_cpu(d->len);

		if (len + blen > PLHW_TX_BUF)
			return 0;
		memcpy(txq->buf + len, plhw_dma_va(le64_to_cpu(d->addr)), blen);
		len += blen;
	}
	return len;
}

/*
 * Send one gathered frame, from @start on; @first holds its commands.
 * *@tstamp: when its (last segment's) first bit left.
 */
static u32 plhw_tx_frame(struct plhw_port *port, struct plhw_txq *txq,
			 const struct plhw_tx_desc *first, u32 len,
			 u64 *tstamp, u32 *id, u64 start)
{
	u32 cmd = le16_to_cpu(first->cmd);
	int nsegs;

	if (cmd & PLHW_TXD_TSO) {
		nsegs = plhw_tso(port, txq, len, le16_to_cpu(first->mss),
				 first->hdr_len, start, tstamp, id);
		if (nsegs > 0)
			return nsegs;
		txq->stats[PLHW_STAT_TX_DESC_ERR]++;
		return 0;
	}
	if (cmd & PLHW_TXD_CSUM) {
		if (!plhw_csum_insert(txq->buf, len,
				      le16_to_cpu(first->csum_start),
				      le16_to_cpu(first->csum_offset))) {
			txq->stats[PLHW_STAT_TX_DESC_ERR]++;
			return 0;
		}
		txq->stats[PLHW_STAT_TX_CSUM]++;
	}
	*id = plhw_wire_ids(port, 1);
	*tstamp = plhw_wire_send(port, txq, txq->buf, len, start, *id);
	return 1;
}

/*
 * With txq->lock held: start fetching what the doorbells latched since the
 * last fetch, at @at.  One fetch at a time: descriptors and buffers of
 * [fetched, tail) reach the engine dma_ns later.
 */
static void plhw_tx_fetch_start(struct plhw_port *port, struct plhw_txq *txq,
				u64 at)
{
	txq->fetch_tail = txq->tail;
	txq->fetch_done = at + READ_ONCE(port->dma_ns);
	txq->db_at = 0;
	trace_pl_hw_tx_fetch(port->id, txq->index, txq->fetched, txq->fetch_tail,
			     at, txq->fetch_done);
}

/* With txq->lock held: the EOP of the first fetched frame, or NULL. */
static struct plhw_tx_desc *plhw_tx_eop(struct plhw_txq *txq, u32 *n)
{
	u32 mask = txq->len - 1, i;

	for (*n = 0, i = txq->head; i != txq->fetched; i = (i + 1) & mask) {
		++*n;
		if (le16_to_cpu(txq->ring[i].cmd) & PLHW_TXD_EOP)
			return &txq->ring[i];
	}
	return NULL;
}

/*
 * With txq->lock held: send the first fetched frame, of @n descriptors
 * ending in @eop, starting at @start, and write it back, or leave the
 * writeback for when its last segment has started (txq->wb).
 */
static void plhw_tx_one(struct plhw_port *port, struct plhw_txq *txq,
			struct plhw_tx_desc *eop, u32 n, u64 start)
{
	const struct plhw_tx_desc *first = &txq->ring[txq->head];
	u32 len, nsegs = 0, id = 0;
	u64 tstamp = start;

	if (n > PLHW_TX_MAX_DESCS) {
		/* a chain longer than the NIC takes: drop the frame */
		txq->stats[PLHW_STAT_TX_DESC_ERR]++;
	} else {
		len = plhw_tx_gather(txq, n);
		if (len)
			nsegs = plhw_tx_frame(port, txq, first, len, &tstamp,
					      &id, start);
		else
			txq->stats[PLHW_STAT_TX_DESC_ERR]++;
	}
	txq->wb = (struct plhw_tx_wb){ .eop = eop, .n = n, .tstamp = tstamp,
				       .id = id, .nsegs = nsegs };
}

/* With txq->lock held: the writeback of txq->wb, and the ring moves on. */
static void plhw_tx_done(struct plhw_txq *txq)
{
	plhw_tx_writeback(txq->wb.eop, txq->wb.tstamp, txq->wb.id,
			  txq->wb.nsegs);
	WRITE_ONCE(txq->head, (txq->head + txq->wb.n) & (txq->len - 1));
	txq->wb.eop = NULL;
}

/**
 * plhw_txq_run() - the TX engine: do what is due by now
 * @port: the port
 * @txq: its TX queue, locked
 *
 * The engine's events, in the order of their times: a fetch completes
 * (the frames it brought are ready), a ready frame starts on the wire
 * once the wire is free (and no stall holds the engine), a frame is
 * written back once its last segment has started.  The engine runs from
 * its soft hrtimer, which fires late under load (and by tens of
 * microseconds under an emulator); it then catches up, giving every event
 * the time it was due, so the timestamps are those of a NIC that never
 * waits for a CPU.  Nothing is stamped later than the moment it is
 * written: what is due later re-arms the timer.
 */
void plhw_txq_run(struct plhw_port *port, struct plhw_txq *txq)
{
	u64 now = plhw_clock(), next = 0;

	while (txq->enabled) {
		u64 t_fetch = U64_MAX, t_frame = U64_MAX;
		struct plhw_tx_desc *eop;
		u32 n;

		if (txq->wb.eop) {
			if (txq->wb.tstamp > now) {
				next = txq->wb.tstamp;
				break;
			}
			plhw_tx_done(txq);
			/* one TX event per frame written back, as RX */
			plhw_vec_event(port, txq->index, false);
			continue;
		}
		if (txq->fetch_tail != txq->fetched)
			t_fetch = txq->fetch_done;
		eop = plhw_tx_eop(txq, &n);
		if (eop)
			t_frame = max3(txq->fetched_at,
				       READ_ONCE(port->wire.free_at),
				       txq->stall_until);
		if (t_fetch == U64_MAX && t_frame == U64_MAX)
			break;
		if (min(t_fetch, t_frame) > now) {
			next = min(t_fetch, t_frame);
			break;
		}
		if (t_fetch <= t_frame) {
			txq->fetched = txq->fetch_tail;
			txq->fetched_at = t_fetch;
			if (txq->db_at)
				plhw_tx_fetch_start(port, txq,
						    max(t_fetch, txq->db_at));
			continue;
		}
		plhw_tx_one(port, txq, eop, n, t_frame);
	}
	if (next)
		hrtimer_start(&txq->timer, ns_to_ktime(next),
			      HRTIMER_MODE_ABS_SOFT);
}

/**
 * plhw_txq_doorbell() - the driver wrote TAIL: latch it
 * @port: the port
 * @txq: its TX queue, locked
 * @tail: the value written
 *
 * The engine starts fetching now if it is idle; else the fetch in flight
 * is followed by one for the new descriptors.  Its timer does the rest.
 */
void plhw_txq_doorbell(struct plhw_port *port, struct plhw_txq *txq, u32 tail)
{
	u64 now = plhw_clock();

	txq->tail = tail & (txq->len - 1);
	if (txq->tail == txq->fetch_tail)
		return;
	if (txq->fetch_tail != txq->fetched) {
		if (!txq->db_at)
			txq->db_at = now;
		return;
	}
	plhw_tx_fetch_start(port, txq, now);
	/* started, not restarted, if already due sooner */
	if (!hrtimer_is_queued(&txq->timer) ||
	    ktime_after(hrtimer_get_expires(&txq->timer),
			ns_to_ktime(txq->fetch_done)))
		hrtimer_start(&txq->timer, ns_to_ktime(txq->fetch_done),
			      HRTIMER_MODE_ABS_SOFT);
}

/**
 * plhw_tx_stall() - stop every TX engine of @port from fetching for @ms
 * @port: the port
 * @ms: how long (0 ends a stall); a queue reset (disable) ends it early
 *
 * A fault knob: the driver's TX rings fill, its queues stop and, for a
 * stall longer than the TX watchdog, ndo_tx_timeout() must recover.
 */
void plhw_tx_stall(struct plhw_port *port, u32 ms)
{
	u64 until = ms ? plhw_clock() + (u64)ms * NSEC_PER_MSEC : 0;
	unsigned int q;

	if (ms)
		atomic64_inc(&port->wire.stalls);
	for (q = 0; q < port->num_queues; q++) {
		struct plhw_txq *txq = &port->txq[q];

		spin_lock_bh(&txq->lock);
		txq->stall_until = until;
		/* a stall ended early: what waited goes now */
		if (!ms)
			plhw_txq_run(port, txq);
		spin_unlock_bh(&txq->lock);
	}
}

/* Something the engine waits for is due: a fetch, the wire, a stall. */
enum hrtimer_restart plhw_txq_timer(struct hrtimer *timer)
{
	struct plhw_txq *txq = container_of(timer, struct plhw_txq, timer);

	spin_lock_bh(&txq->lock);
	plhw_txq_run(txq->port, txq);
	spin_unlock_bh(&txq->lock);
	return HRTIMER_NORESTART;
}

/*
 * How many posted buffers, from head, a frame of @len bytes needs; 0 if
 * fewer are posted.  *@fits is false if even PLHW_RX_MAX_DESCS are short.
 */
static u32 plhw_rx_buffers(struct plhw_rxq *rxq, u32 len, bool *fits)
{
	u32 mask = rxq->len - 1, room = 0, n;

	*fits = true;
	for (n = 0; n < PLHW_RX_MAX_DESCS; n++) {
		u32 i = (rxq->head + n) & mask;

		if (i == rxq->tail)
			return 0;
		room += le16_to_cpu(rxq->ring[i].buf_len);
		if (room >= len)
			return n + 1;
	}
	*fits = false;
	return n;
}

/*
 * With rxq->lock held: write a frame into @rxq's ring; false, and nothing
 * written, if the buffers it needs are not posted.  @flags: PLHW_RXD_FCSE
 * and the hash type, for the status.
 */
static bool plhw_rxq_write(struct plhw_port *port, struct plhw_rxq *rxq,
			   unsigned int q, const u8 *data, u32 len, u64 tstamp,
			   const struct plhw_tag *tag, u32 hash, u16 flags)
{
	u32 mask, n, i, off = 0;
	u16 csum = 0;
	bool fits;

	n = plhw_rx_buffers(rxq, len, &fits);
	if (!n)
		return false;
	if (READ_ONCE(port->ctrl) & PLHW_CTRL_RXCSUM)
		csum = plhw_csum_check(data, len);
	if (!(csum & (PLHW_RXD_IPCS | PLHW_RXD_L4CS)))
		rxq->stats[PLHW_STAT_RX_CSUM_NONE]++;
	else if (csum & (PLHW_RXD_IPE | PLHW_RXD_L4E))
		rxq->stats[PLHW_STAT_RX_CSUM_BAD]++;
	else if (csum & PLHW_RXD_L4CS)
		rxq->stats[PLHW_STAT_RX_CSUM_GOOD]++;
	else
		rxq->stats[PLHW_STAT_RX_CSUM_NONE]++;

	/*
	 * Before the first DD is written: the driver may build the skb on
	 * another CPU as soon as it sees DD, and a collector joining this
	 * event with pl_rx_skb must have seen this one first.
	 */
	trace_pl_hw_rx_write(port->id, q, tag->id, len, tstamp, tag->depart, n,
			     csum | flags | PLHW_DESC_DD | PLHW_DESC_EOP |
			     (fits ? 0 : PLHW_DESC_ERR));
	mask = rxq->len - 1;
	for (i = 0; i < n; i++) {
		struct plhw_rx_desc *d = &rxq->ring[(rxq->head + i) & mask];
		u32 blen = min_t(u32, le16_to_cpu(d->buf_len), len - off);
		u16 status = PLHW_DESC_DD;

		memcpy(plhw_dma_va(le64_to_cpu(d->addr)), data + off, blen);
		off += blen;
		d->len = cpu_to_le16(blen);
		d->tstamp = cpu_to_le64(tstamp);
		d->hash = cpu_to_le32(hash);
		d->frame_id = cpu_to_le32(tag->id);
		d->depart = cpu_to_le64(tag->depart);
		if (i == n - 1) {
			status |= PLHW_DESC_EOP | csum | flags;
			if (!fits)
				status |= PLHW_DESC_ERR;
		}
		/* The driver reads the rest once it sees DD. */
		dma_wmb();
		/* one store: the driver polls it with READ_ONCE() */
		WRITE_ONCE(d->status, cpu_to_le16(status));
	}
	WRITE_ONCE(rxq->head, (rxq->head + n) & mask);
	rxq->stats[PLHW_STAT_RX_FRAMES]++;
	rxq->stats[PLHW_STAT_RX_BYTES] += len;
	plhw_l3c_count(port, data, len, false);
	return true;
}

/* With rxq->lock held: a frame lost, the packet buffer full or no queue. */
static void plhw_rxq_missed(struct plhw_port *port, struct plhw_rxq *rxq,
			    unsigned int q, u32 len, u64 tstamp, u32 id)
{
	rxq->stats[PLHW_STAT_RX_MISSED]++;
	trace_pl_hw_rx_missed(port->id, q, id, len, tstamp);
}

/*
 * With rxq->lock held: keep a frame in the packet buffer until @rxq has
 * buffers for it.  False if the buffer has no room: the frame is missed,
 * and the first of a run of misses counts an overflow.
 */
static bool plhw_pb_hold(struct plhw_port *port, struct plhw_rxq *rxq,
			 const u8 *data, u32 len, u64 tstamp,
			 const struct plhw_tag *tag, u32 hash, u16 flags)
{
	struct plhw_mac *mac = &port->mac;
	struct plhw_frame *f;

	if (atomic_add_return(len, &mac->pb_used) > READ_ONCE(mac->pb_size))
		goto err_full;
	f = kmalloc(struct_size(f, data, len), GFP_ATOMIC);
	if (!f)
		goto err_full;
	f->arrive = tstamp;
	f->tag = *tag;
	f->len = len;
	f->hash = hash;
	f->status = flags;
	memcpy(f->data, data, len);
	list_add_tail(&f->node, &rxq->pb);
	if (test_bit(0, &mac->pb_full))
		clear_bit(0, &mac->pb_full);
	return true;

err_full:
	atomic_sub(len, &mac->pb_used);
	if (!test_and_set_bit(0, &mac->pb_full))
		atomic64_inc(&mac->pb_overflows);
	return false;
}

/**
 * plhw_rx_frame() - the MAC hands the RX engine a frame it accepted
 * @port: the receiving port
 * @data: the frame
 * @len: its length
 * @tstamp: when it arrived, NIC clock
 * @tag: the sender's frame id and departure
 * @status: PLHW_RXD_FCSE or 0
 *
 * The RSS engine picks the queue.  The frame is written to its ring at
 * once if the ring has buffers and no earlier frame waits for them, else
 * it waits in the packet buffer.
 */
void plhw_rx_frame(struct plhw_port *port, const u8 *data, u32 len,
		   u64 tstamp, const struct plhw_tag *tag, u16 status)
{
	struct plhw_rxq *rxq;
	unsigned int q;
	u16 htype;
	u32 hash;

	hash = plhw_rss_hash(port, data, len, &htype);
	q = plhw_rss_queue(port, hash, htype);
	rxq = &port->rxq[q];

	spin_lock_bh(&rxq->lock);
	if (!rxq->enabled || !(READ_ONCE(port->ctrl) & PLHW_CTRL_ENABLE)) {
		plhw_rxq_missed(port, rxq, q, len, tstamp, tag->id);
		goto out_unlock;
	}
	/* frames leave the packet buffer in the order they came */
	if (list_empty(&rxq->pb) &&
	    plhw_rxq_write(port, rxq, q, data, len, tstamp, tag, hash,
			   htype | status)) {
		if (test_bit(0, &port->mac.pb_full))
			clear_bit(0, &port->mac.pb_full);
		spin_unlock_bh(&rxq->lock);
		plhw_vec_event(port, q, true);
		return;
	}
	if (!plhw_pb_hold(port, rxq, data, len, tstamp, tag, hash,
			  htype | status))
		plhw_rxq_missed(port, rxq, q, len, tstamp, tag->id);
out_unlock:
	spin_unlock_bh(&rxq->lock);
}

/* Buffers were posted: write out what waits for them in the packet buffer. */
enum hrtimer_restart plhw_rxq_timer(struct hrtimer *timer)
{
	struct plhw_rxq *rxq = container_of(timer, struct plhw_rxq, timer);
	struct plhw_port *port = rxq->port;
	unsigned int q = rxq - port->rxq, n = 0;
	struct plhw_frame *f;

	spin_lock_bh(&rxq->lock);
	while (rxq->enabled &&
	       (f = list_first_entry_or_null(&rxq->pb, struct plhw_frame,
					     node))) {
		if (!plhw_rxq_write(port, rxq, q, f->data, f->len, f->arrive,
				    &f->tag, f->hash, f->status))
			break;
		list_del(&f->node);
		atomic_sub(f->len, &port->mac.pb_used);
		kfree(f);
		n++;
	}
	spin_unlock_bh(&rxq->lock);
	while (n--)
		plhw_vec_event(port, q, true);
	return HRTIMER_NORESTART;
}

/*
 * With rxq->lock held: the driver posted buffers up to @tail.  Frames that
 * wait for them are written dma_ns later, by the engine's timer.
 */
void plhw_rxq_doorbell(struct plhw_port *port, struct plhw_rxq *rxq, u32 tail)
{
	rxq->tail = tail & (rxq->len - 1);
	if (!list_empty(&rxq->pb) && !hrtimer_is_queued(&rxq->timer))
		hrtimer_start(&rxq->timer,
			      ns_to_ktime(plhw_clock() +
					  READ_ONCE(port->dma_ns)),
			      HRTIMER_MODE_ABS_SOFT);
}

/*
 * With rxq->lock held: the queue is reset; what waits in the packet buffer
 * for it is lost, and counted as missed.
 */
void plhw_rxq_flush(struct plhw_port *port, struct plhw_rxq *rxq)
{
	unsigned int q = rxq - port->rxq;
	struct plhw_frame *f, *tmp;

	list_for_each_entry_safe(f, tmp, &rxq->pb, node) {
		plhw_rxq_missed(port, rxq, q, f->len, f->arrive, f->tag.id);
		list_del(&f->node);
		atomic_sub(f->len, &port->mac.pb_used);
		kfree(f);
	}
}
