// SPDX-License-Identifier: GPL-2.0
/*
 * plhw DMA engines: the TX engine fetches descriptor chains from host
 * memory, gathers each frame, hands it to the checksum and TSO engines and
 * the wire, and writes the descriptors back; the RX engine writes a frame
 * arriving from the wire into the buffers the driver posted.
 */
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

/* Send one gathered frame; @first holds its commands. */
static u32 plhw_tx_frame(struct plhw_port *port, struct plhw_txq *txq,
			 const struct plhw_tx_desc *first, u32 len,
			 u64 *tstamp, u32 *id)
{
	u32 cmd = le16_to_cpu(first->cmd);
	int nsegs;

	if (cmd & PLHW_TXD_TSO) {
		nsegs = plhw_tso(port, txq, len, le16_to_cpu(first->mss),
				 first->hdr_len, tstamp, id);
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
	plhw_wire_send(port, txq, txq->buf, len, tstamp, *id);
	return 1;
}

/**
 * plhw_txq_run() - send what the driver queued, as far as the wire allows
 * @port: the port
 * @txq: its TX queue, locked
 */
void plhw_txq_run(struct plhw_port *port, struct plhw_txq *txq)
{
	u32 mask = txq->len - 1;
	bool sent = false;

	while (txq->enabled && txq->head != txq->tail) {
		const struct plhw_tx_desc *first = &txq->ring[txq->head];
		struct plhw_tx_desc *eop = NULL;
		u32 n, len, nsegs = 0, id = 0;
		u64 tstamp = 0, free_at;

		/* A stalled engine fetches nothing until the stall ends. */
		if (txq->stall_until > plhw_clock()) {
			hrtimer_start(&txq->timer, ns_to_ktime(txq->stall_until),
				      HRTIMER_MODE_ABS_SOFT);
			break;
		}

		/* Find the frame's EOP; a chain still open waits for more. */
		for (n = 0; ; n++) {
			u32 i = (txq->head + n) & mask;

			if (i == txq->tail)
				break;
			if (le16_to_cpu(txq->ring[i].cmd) & PLHW_TXD_EOP) {
				eop = &txq->ring[i];
				n++;
				break;
			}
		}
		if (!eop)
			break;

		/* A rate-limited wire takes a frame only once it is free. */
		free_at = READ_ONCE(port->wire.free_at);
		if (READ_ONCE(port->wire.rate_mbit) && free_at > plhw_clock()) {
			hrtimer_start(&txq->timer, ns_to_ktime(free_at),
				      HRTIMER_MODE_ABS_SOFT);
			break;
		}

		if (n > PLHW_TX_MAX_DESCS) {
			/* a chain longer than the NIC takes: drop the frame */
			txq->stats[PLHW_STAT_TX_DESC_ERR]++;
		} else {
			len = plhw_tx_gather(txq, n);
			if (len)
				nsegs = plhw_tx_frame(port, txq, first, len,
						      &tstamp, &id);
			else
				txq->stats[PLHW_STAT_TX_DESC_ERR]++;
		}
		plhw_tx_writeback(eop, tstamp, id, nsegs);
		WRITE_ONCE(txq->head, (txq->head + n) & mask);
		sent = true;
	}
	if (sent)
		plhw_vec_event(port, txq->index, false);
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
		spin_unlock_bh(&txq->lock);
	}
}

/* The wire is free again, or a stall is over: resume the engine. */
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

/**
 * plhw_rx_frame() - a frame arrives from the wire at @port
 * @port: the receiving port
 * @data: the frame
 * @len: its length
 * @tstamp: when it arrived, NIC clock
 * @id: the sender's frame id
 */
void plhw_rx_frame(struct plhw_port *port, const u8 *data, u32 len,
		   u64 tstamp, u32 id)
{
	struct plhw_rxq *rxq;
	u32 mask, n, i, off = 0, hash;
	unsigned int q;
	u16 csum = 0, htype;
	bool fits;

	/* the RSS engine picks the queue */
	hash = plhw_rss_hash(port, data, len, &htype);
	q = plhw_rss_queue(port, hash, htype);
	rxq = &port->rxq[q];

	spin_lock_bh(&rxq->lock);
	if (!rxq->enabled || !(READ_ONCE(port->ctrl) & PLHW_CTRL_ENABLE)) {
		rxq->stats[PLHW_STAT_RX_MISSED]++;
		trace_pl_hw_rx_write(port->id, q, id, len, tstamp, 0, 0);
		goto out_unlock;
	}
	n = plhw_rx_buffers(rxq, len, &fits);
	if (!n) {
		rxq->stats[PLHW_STAT_RX_MISSED]++;
		trace_pl_hw_rx_write(port->id, q, id, len, tstamp, 0, 0);
		goto out_unlock;
	}
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
	trace_pl_hw_rx_write(port->id, q, id, len, tstamp, n,
			     csum | htype | PLHW_DESC_DD | PLHW_DESC_EOP |
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
		d->frame_id = cpu_to_le32(id);
		if (i == n - 1) {
			status |= PLHW_DESC_EOP | csum | htype;
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
	spin_unlock_bh(&rxq->lock);

	plhw_vec_event(port, q, true);
	return;

out_unlock:
	spin_unlock_bh(&rxq->lock);
}
