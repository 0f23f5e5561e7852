// SPDX-License-Identifier: GPL-2.0
/*
 * pktlife TX: ndo_start_xmit() and the TX completion half of the NAPI poll.
 *
 * A frame's head and frags are mapped onto consecutive descriptors; the
 * first carries the offload commands (checksum from csum_start, or TSO
 * with the MSS and header length), the last the EOP bit.  BQL is told of
 * every frame and the doorbell rung once per xmit_more batch.  The queue
 * stops while a frame with every frag might not fit, and the completion
 * path wakes it.
 */
#include <linux/dma-mapping.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/ipv6.h>

#include "pktlife.h"
#include "trace.h"

int pl_tx_ring_alloc(struct pl_queue *q, u32 len)
{
	struct pl_priv *priv = q->priv;

	q->tx_bufs = kcalloc(len, sizeof(*q->tx_bufs), GFP_KERNEL);
	if (!q->tx_bufs)
		return -ENOMEM;
	q->tx_ring = dma_alloc_coherent(priv->dmadev, len * sizeof(*q->tx_ring),
					&q->tx_dma, GFP_KERNEL);
	if (!q->tx_ring) {
		kfree(q->tx_bufs);
		q->tx_bufs = NULL;
		return -ENOMEM;
	}
	q->tx_len = len;
	q->tx_ntc = 0;
	q->tx_ntu = 0;
	q->tx_unrung = 0;
	return 0;
}

/* Give the ring memory of staging queue @src to @dst, which has none. */
void pl_tx_ring_move(struct pl_queue *dst, struct pl_queue *src)
{
	dst->tx_ring = src->tx_ring;
	dst->tx_bufs = src->tx_bufs;
	dst->tx_dma = src->tx_dma;
	dst->tx_len = src->tx_len;
	dst->tx_ntc = 0;
	dst->tx_ntu = 0;
	dst->tx_unrung = 0;
	src->tx_ring = NULL;
	src->tx_bufs = NULL;
	src->tx_len = 0;
}

void pl_tx_ring_free(struct pl_queue *q)
{
	struct pl_priv *priv = q->priv;

	dma_free_coherent(priv->dmadev, q->tx_len * sizeof(*q->tx_ring),
			  q->tx_ring, q->tx_dma);
	q->tx_ring = NULL;
	kfree(q->tx_bufs);
	q->tx_bufs = NULL;
	q->tx_len = 0;
}

void pl_tx_ring_start(struct pl_queue *q)
{
	struct pl_priv *priv = q->priv;
	u32 base = PLHW_Q(q->index);

	pl_writel(priv, base + PLHW_TXQ_BASE_LO, lower_32_bits(q->tx_dma));
	pl_writel(priv, base + PLHW_TXQ_BASE_HI, upper_32_bits(q->tx_dma));
	pl_writel(priv, base + PLHW_TXQ_LEN, q->tx_len);
	pl_writel(priv, base + PLHW_TXQ_CTRL, PLHW_QCTRL_ENABLE);
	netdev_tx_reset_queue(netdev_get_tx_queue(priv->dev, q->index));
}

/* Free descriptors; the xmit path reads tx_ntc, which NAPI writes. */
static u32 pl_tx_free(const struct pl_queue *q)
{
	return (READ_ONCE(q->tx_ntc) - q->tx_ntu - 1) & (q->tx_len - 1);
}

static void pl_tx_unmap(struct pl_queue *q, struct pl_tx_buf *buf)
{
	struct device *dmadev = q->priv->dmadev;

	if (!buf->len)
		return;
	if (buf->is_page)
		dma_unmap_page(dmadev, buf->dma, buf->len, DMA_TO_DEVICE);
	else
		dma_unmap_single(dmadev, buf->dma, buf->len, DMA_TO_DEVICE);
	buf->len = 0;
}

static void pl_tx_desc(struct plhw_tx_desc *d, struct pl_tx_buf *buf,
		       dma_addr_t dma, u32 len, bool is_page)
{
	buf->dma = dma;
	buf->len = len;
	buf->is_page = is_page;
	d->addr = cpu_to_le64(dma);
	d->len = cpu_to_le16(len);
	d->cmd = 0;
	d->status = 0;
}

netdev_features_t pl_features_check(struct sk_buff *skb,
				    struct net_device *dev,
				    netdev_features_t features)
{
	/* The TSO engine cuts plain TCP over IPv4/IPv6, headers in one
	 * descriptor's reach; anything else is segmented by the stack.
	 */
	struct pl_priv *priv = netdev_priv(dev);

	/* The core leaves this to a driver with its own features_check:
	 * the TSO engine takes at most one VLAN tag, so a frame with two
	 * (QinQ) is segmented by the stack.
	 */
	features = vlan_features_check(skb, features);
	if (skb_is_gso(skb)) {
		u32 hdr_len = skb_tcp_all_headers(skb);

		if (skb->encapsulation || hdr_len > 255 ||
		    hdr_len > skb_headlen(skb) ||
		    hdr_len + skb_shinfo(skb)->gso_size > PLHW_TSO_SEG_MAX ||
		    ((skb_shinfo(skb)->gso_type & SKB_GSO_TCPV6) &&
		     ipv6_hdr(skb)->nexthdr != IPPROTO_TCP))
			features &= ~NETIF_F_GSO_MASK;
	}
	/* more buffers than the NIC takes: the stack linearizes the frame */
	if (skb_shinfo(skb)->nr_frags + 1 > priv->max_descs)
		features &= ~NETIF_F_SG;
	return features;
}

/* Under the TX queue lock: tell the NIC of everything queued so far. */
static void pl_tx_ring_doorbell(struct pl_queue *q)
{
	trace_pl_tx_doorbell(q->priv->dev, q->index, q->tx_ntu, q->tx_unrung);
	q->tx_unrung = 0;
	pl_writel(q->priv, PLHW_Q(q->index) + PLHW_TXQ_TAIL, q->tx_ntu);
}

/*
 * No room for the frame: the stop at the end of pl_start_xmit() should
 * have prevented this.  Frames of an xmit_more batch may wait for this
 * one's doorbell: ring it, or they stay unsent (and the queue stopped)
 * until the watchdog resets the NIC.
 */
static netdev_tx_t pl_tx_busy(struct pl_queue *q, struct netdev_queue *txq)
{
	netif_tx_stop_queue(txq);
	u64_stats_update_begin(&q->tx_stats.syncp);
	u64_stats_inc(&q->tx_stats.c[PL_TX_BUSY]);
	u64_stats_update_end(&q->tx_stats.syncp);
	if (q->tx_unrung)
		pl_tx_ring_doorbell(q);
	return NETDEV_TX_BUSY;
}

/*
 * Map @skb's head and frags for DMA into descriptors from tx_ntu on, one
 * each.  Return: the index of the last, or -ENOMEM with none left mapped.
 */
static int pl_tx_map(struct pl_queue *q, struct sk_buff *skb)
{
	struct device *dmadev = q->priv->dmadev;
	u32 nr_frags = skb_shinfo(skb)->nr_frags, mask = q->tx_len - 1;
	u32 first = q->tx_ntu, i = first, f;
	dma_addr_t dma;

	dma = dma_map_single(dmadev, skb->data, skb_headlen(skb),
			     DMA_TO_DEVICE);
	if (dma_mapping_error(dmadev, dma))
		return -ENOMEM;
	pl_tx_desc(&q->tx_ring[first], &q->tx_bufs[first], dma,
		   skb_headlen(skb), false);

	for (f = 0; f < nr_frags; f++) {
		const skb_frag_t *frag = &skb_shinfo(skb)->frags[f];

		i = (i + 1) & mask;
		dma = skb_frag_dma_map(dmadev, frag, 0, skb_frag_size(frag),
				       DMA_TO_DEVICE);
		if (dma_mapping_error(dmadev, dma))
			goto err_unmap;
		pl_tx_desc(&q->tx_ring[i], &q->tx_bufs[i], dma,
			   skb_frag_size(frag), true);
	}
	return i;

err_unmap:
	while (i != first) {
		pl_tx_unmap(q, &q->tx_bufs[i]);
		i = (i - 1) & mask;
	}
	pl_tx_unmap(q, &q->tx_bufs[first]);
	return -ENOMEM;
}

/*
 * What @skb asks of the NIC's offload engines, in its first descriptor
 * @fd: TSO (which implies the checksum) or a checksum.  Return: the
 * command bits; *@bytes the bytes on the wire BQL counts (each TSO segment
 * carries the headers again).
 */
static u16 pl_tx_offload(struct plhw_tx_desc *fd, struct sk_buff *skb,
			 u32 *bytes)
{
	*bytes = skb->len;
	if (skb_is_gso(skb)) {
		u32 hdr_len = skb_tcp_all_headers(skb);

		fd->mss = cpu_to_le16(skb_shinfo(skb)->gso_size);
		fd->hdr_len = hdr_len;
		*bytes += (skb_shinfo(skb)->gso_segs - 1) * hdr_len;
		return PLHW_TXD_TSO | PLHW_TXD_CSUM;
	}
	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		fd->csum_start = cpu_to_le16(skb_checksum_start_offset(skb));
		fd->csum_offset = cpu_to_le16(skb->csum_offset);
		return PLHW_TXD_CSUM;
	}
	return 0;
}

/*
 * Count the frame posted, stop the queue if the next one may not fit, and
 * tell BQL.  Return: whether to ring the doorbell now (no more coming, or
 * the queue stopped: a stopped queue rings too, nothing else would send
 * what waits).
 */
static bool pl_tx_account(struct pl_queue *q, struct netdev_queue *txq,
			  u32 len, u32 bytes, u16 cmd)
{
	bool ring;

	u64_stats_update_begin(&q->tx_stats.syncp);
	u64_stats_inc(&q->tx_stats.c[PL_TX_PACKETS]);
	u64_stats_add(&q->tx_stats.c[PL_TX_BYTES], len);
	if (cmd & PLHW_TXD_TSO)
		u64_stats_inc(&q->tx_stats.c[PL_TX_TSO_SKBS]);
	else if (cmd & PLHW_TXD_CSUM)
		u64_stats_inc(&q->tx_stats.c[PL_TX_CSUM_PARTIAL]);
	if (!netif_txq_maybe_stop(txq, pl_tx_free(q), PL_TX_STOP_THRS,
				  PL_TX_WAKE_THRS))
		u64_stats_inc(&q->tx_stats.c[PL_TX_STOPS]);
	q->tx_unrung++;
	ring = __netdev_tx_sent_queue(txq, bytes, netdev_xmit_more());
	if (ring)
		u64_stats_inc(&q->tx_stats.c[PL_TX_DOORBELLS]);
	u64_stats_update_end(&q->tx_stats.syncp);
	return ring;
}

netdev_tx_t pl_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct pl_priv *priv = netdev_priv(dev);
	struct pl_queue *q = &priv->queues[skb_get_queue_mapping(skb)];
	struct netdev_queue *txq = netdev_get_tx_queue(dev, q->index);
	u32 nr_frags = skb_shinfo(skb)->nr_frags, mask = q->tx_len - 1;
	u32 first = q->tx_ntu, len = skb->len, bytes;
	struct plhw_tx_desc *fd = &q->tx_ring[first];
	struct pl_tx_buf *fb = &q->tx_bufs[first];
	bool ring;
	int last;
	u16 cmd;

	trace_pl_xmit(dev, skb, q->index, nr_frags + 1);
	if (unlikely(pl_tx_free(q) < nr_frags + 1))
		return pl_tx_busy(q, txq);
	last = pl_tx_map(q, skb);
	if (last < 0)
		goto err_drop;
	cmd = pl_tx_offload(fd, skb, &bytes);
	fd->cmd = cpu_to_le16(cmd);
	q->tx_ring[last].cmd |= cpu_to_le16(PLHW_TXD_EOP);
	fb->skb = skb;
	fb->eop = last;
	fb->bytes = bytes;
	fb->xmit_ns = trace_pl_tx_complete_enabled() ? ktime_get_ns() : 0;
	fb->hwtstamp = pl_tx_hwtstamp_request(q, skb);

	skb_tx_timestamp(skb);
	/* Publish the buffers before the index that covers them; pairs
	 * with smp_rmb() in pl_tx_clean().  Once the doorbell rings, NAPI
	 * may complete and free the skb.
	 */
	smp_wmb();
	WRITE_ONCE(q->tx_ntu, (last + 1) & mask);
	ring = pl_tx_account(q, txq, len, bytes, cmd);
	/* Before the doorbell: after it the NIC may send and NAPI free it. */
	trace_pl_tx_posted(dev, skb, q->index, first,
			   ((last - first) & mask) + 1, ring);
	if (ring)
		pl_tx_ring_doorbell(q);
	return NETDEV_TX_OK;

err_drop:
	u64_stats_update_begin(&q->tx_stats.syncp);
	u64_stats_inc(&q->tx_stats.c[PL_TX_DROP_DMA_ERR]);
	u64_stats_update_end(&q->tx_stats.syncp);
	dev_kfree_skb_any(skb);
	/* frames batched before this one still need their doorbell */
	if (!netdev_xmit_more())
		pl_tx_ring_doorbell(q);
	return NETDEV_TX_OK;
}

/**
 * pl_tx_clean() - reclaim what the NIC has sent
 * @q: the queue
 * @budget: NAPI budget (0 from netpoll); TX work is not counted against it
 *
 * Return: skbs completed.
 */
int pl_tx_clean(struct pl_queue *q, int budget)
{
	struct netdev_queue *txq = netdev_get_tx_queue(q->priv->dev, q->index);
	u32 mask = q->tx_len - 1, ntc = q->tx_ntc, ntu = READ_ONCE(q->tx_ntu);
	unsigned int pkts = 0, bytes = 0;

	/* Read the buffers only after the index; pairs with smp_wmb() in
	 * pl_start_xmit().
	 */
	smp_rmb();
	while (ntc != ntu) {
		struct pl_tx_buf *first = &q->tx_bufs[ntc];
		u32 eop = first->eop, i;

		if (!(le16_to_cpu(READ_ONCE(q->tx_ring[eop].status)) & PLHW_DESC_DD))
			break;
		/* Read the writeback only after seeing DD. */
		dma_rmb();
		for (i = ntc; ; i = (i + 1) & mask) {
			pl_tx_unmap(q, &q->tx_bufs[i]);
			if (i == eop)
				break;
		}
		pkts++;
		bytes += first->bytes;
		trace_pl_tx_complete(q->priv->dev, first->skb, q->index,
				     le32_to_cpu(q->tx_ring[eop].frame_id),
				     le16_to_cpu(q->tx_ring[eop].nsegs),
				     le64_to_cpu(q->tx_ring[eop].tstamp),
				     first->xmit_ns);
		if (unlikely(first->hwtstamp))
			pl_tx_hwtstamp_complete(first->skb,
						le64_to_cpu(q->tx_ring[eop].tstamp));
		napi_consume_skb(first->skb, budget);
		first->skb = NULL;
		ntc = (eop + 1) & mask;
	}
	/* The xmit path reads it to count free descriptors. */
	WRITE_ONCE(q->tx_ntc, ntc);

	if (!__netif_txq_completed_wake(txq, pkts, bytes, pl_tx_free(q),
					PL_TX_WAKE_THRS,
					!READ_ONCE(q->priv->up))) {
		u64_stats_update_begin(&q->txc_stats.syncp);
		u64_stats_inc(&q->txc_stats.c[PL_TXC_WAKES]);
		u64_stats_update_end(&q->txc_stats.syncp);
	}
	if (pkts) {
		u64_stats_update_begin(&q->txc_stats.syncp);
		u64_stats_add(&q->txc_stats.c[PL_TXC_COMPLETED], pkts);
		u64_stats_update_end(&q->txc_stats.syncp);
	}
	return pkts;
}

/* The NIC's queue is off: free what it never sent. */
void pl_tx_drain(struct pl_queue *q)
{
	u32 mask = q->tx_len - 1, i;

	for (i = q->tx_ntc; i != q->tx_ntu; i = (i + 1) & mask) {
		struct pl_tx_buf *buf = &q->tx_bufs[i];

		pl_tx_unmap(q, buf);
		if (buf->skb) {
			dev_kfree_skb_any(buf->skb);
			buf->skb = NULL;
		}
	}
	q->tx_ntc = q->tx_ntu;
	netdev_tx_reset_queue(netdev_get_tx_queue(q->priv->dev, q->index));
}
