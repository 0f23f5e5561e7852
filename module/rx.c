// SPDX-License-Identifier: GPL-2.0
/*
 * pktlife RX: the receive ring, its page_pool buffers and the receive half
 * of the NAPI poll.
 *
 * Every RX descriptor points at one page_pool page (PL_RX_HEADROOM, then
 * PL_RX_BUF_LEN bytes for the NIC, then room for skb_shared_info).  The
 * NIC fills buffers from its HEAD, a frame over several buffers when it is
 * longer than one; pl_rx_poll() wraps the first in an skb with
 * napi_build_skb() and adds the others as frags, or copies a short frame
 * and keeps its page, then gives the skb to GRO and posts buffers again.
 */
#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/skbuff.h>

#include "pktlife.h"
#include "trace.h"

/*
 * Ring memory for queue @q (which may be a staging copy, see
 * pl_rings_alloc()); the page_pool belongs to @napi, the NAPI of the
 * queue that will use it.
 */
int pl_rx_ring_alloc(struct pl_queue *q, struct napi_struct *napi, u32 len)
{
	struct pl_priv *priv = q->priv;
	struct page_pool_params pp = {
		.flags		= PP_FLAG_DMA_MAP | PP_FLAG_DMA_SYNC_DEV,
		.order		= 0,
		.pool_size	= len,
		.nid		= dev_to_node(priv->dmadev),
		.dev		= priv->dmadev,
		.dma_dir	= DMA_FROM_DEVICE,
		.offset		= PL_RX_HEADROOM,
		.max_len	= PL_RX_BUF_LEN,
	};
	int err;

	pl_pp_params_owner(&pp, napi, priv->dev, q->index);
	q->pp = page_pool_create(&pp);
	if (IS_ERR(q->pp)) {
		err = PTR_ERR(q->pp);
		q->pp = NULL;
		return err;
	}
	q->rx_bufs = kcalloc(len, sizeof(*q->rx_bufs), GFP_KERNEL);
	if (!q->rx_bufs) {
		err = -ENOMEM;
		goto err_destroy_pool;
	}
	q->rx_ring = dma_alloc_coherent(priv->dmadev, len * sizeof(*q->rx_ring),
					&q->rx_dma, GFP_KERNEL);
	if (!q->rx_ring) {
		err = -ENOMEM;
		goto err_free_bufs;
	}
	q->rx_len = len;
	q->rx_ntc = 0;
	q->rx_ntu = 0;
	return 0;

err_free_bufs:
	kfree(q->rx_bufs);
	q->rx_bufs = NULL;
err_destroy_pool:
	page_pool_destroy(q->pp);
	q->pp = NULL;
	return err;
}

/* Give the ring memory of staging queue @src to @dst, which has none. */
void pl_rx_ring_move(struct pl_queue *dst, struct pl_queue *src)
{
	dst->rx_ring = src->rx_ring;
	dst->rx_bufs = src->rx_bufs;
	dst->rx_dma = src->rx_dma;
	dst->rx_len = src->rx_len;
	dst->rx_ntc = 0;
	dst->rx_ntu = 0;
	dst->pp = src->pp;
	src->rx_ring = NULL;
	src->rx_bufs = NULL;
	src->pp = NULL;
	src->rx_len = 0;
}

/* The NIC no longer touches the ring: give every page back. */
void pl_rx_ring_free(struct pl_queue *q)
{
	struct pl_priv *priv = q->priv;
	u32 i;

	for (i = 0; i < q->rx_len; i++) {
		if (q->rx_bufs[i].page)
			page_pool_put_full_page(q->pp, q->rx_bufs[i].page, false);
		q->rx_bufs[i].page = NULL;
	}
	dma_free_coherent(priv->dmadev, q->rx_len * sizeof(*q->rx_ring),
			  q->rx_ring, q->rx_dma);
	q->rx_ring = NULL;
	kfree(q->rx_bufs);
	q->rx_bufs = NULL;
	/* Pages still in skbs come back to the pool, which lives until then. */
	page_pool_destroy(q->pp);
	q->pp = NULL;
	q->rx_len = 0;
}

/* A page for the ring; the rx_alloc_fail knob (debugfs.c) fails the next N. */
static struct page *pl_rx_page_alloc(struct pl_queue *q)
{
	if (unlikely(atomic_add_unless(&q->priv->fail_rx_alloc, -1, 0)))
		return NULL;
	return page_pool_dev_alloc_pages(q->pp);
}

/* Post every free buffer, allocating pages where they were given away. */
static void pl_rx_refill(struct pl_queue *q)
{
	struct pl_priv *priv = q->priv;
	u32 mask = q->rx_len - 1;
	u32 ntu = q->rx_ntu;
	u32 failed = 0;

	while (((ntu + 1) & mask) != q->rx_ntc) {
		struct plhw_rx_desc *d = &q->rx_ring[ntu];
		struct pl_rx_buf *buf = &q->rx_bufs[ntu];
		dma_addr_t dma;

		if (!buf->page) {
			buf->page = pl_rx_page_alloc(q);
			if (!buf->page) {
				failed++;
				break;
			}
			/* the pool synced it for the device */
			dma = page_pool_get_dma_addr(buf->page);
		} else {
			/* a page we kept: the CPU read it, hand it back */
			dma = page_pool_get_dma_addr(buf->page);
			dma_sync_single_range_for_device(priv->dmadev, dma,
							 PL_RX_HEADROOM,
							 PL_RX_BUF_LEN,
							 DMA_FROM_DEVICE);
		}
		d->addr = cpu_to_le64(dma + PL_RX_HEADROOM);
		d->buf_len = cpu_to_le16(PL_RX_BUF_LEN);
		d->len = 0;
		d->status = 0;
		ntu = (ntu + 1) & mask;
	}
	if (failed) {
		u64_stats_update_begin(&q->rx_stats.syncp);
		u64_stats_add(&q->rx_stats.c[PL_RX_ALLOC_FAIL], failed);
		u64_stats_update_end(&q->rx_stats.syncp);
	}
	if (ntu != q->rx_ntu) {
		q->rx_ntu = ntu;
		pl_writel(priv, PLHW_Q(q->index) + PLHW_RXQ_TAIL, ntu);
	}
}

/* Program the ring into the NIC and post the first buffers. */
void pl_rx_ring_start(struct pl_queue *q)
{
	struct pl_priv *priv = q->priv;
	u32 base = PLHW_Q(q->index);

	pl_writel(priv, base + PLHW_RXQ_BASE_LO, lower_32_bits(q->rx_dma));
	pl_writel(priv, base + PLHW_RXQ_BASE_HI, upper_32_bits(q->rx_dma));
	pl_writel(priv, base + PLHW_RXQ_LEN, q->rx_len);
	pl_writel(priv, base + PLHW_RXQ_CTRL, PLHW_QCTRL_ENABLE);
	pl_rx_refill(q);
}

static u16 pl_rx_status(const struct plhw_rx_desc *d)
{
	return le16_to_cpu(READ_ONCE(d->status));
}

/* Buffers posted to the NIC and not cleaned yet: [rx_ntc, rx_ntu). */
static u32 pl_rx_posted(const struct pl_queue *q)
{
	return (q->rx_ntu - q->rx_ntc) & (q->rx_len - 1);
}

/*
 * The number of descriptors of the frame starting at @i, or 0 if the NIC
 * has not finished writing it.  Only posted descriptors are looked at:
 * the others hold what the NIC wrote in them last time round.
 */
static u32 pl_rx_frame_descs(struct pl_queue *q, u32 i)
{
	u32 mask = q->rx_len - 1, posted = pl_rx_posted(q), n;

	for (n = 1; n <= posted; n++) {
		u16 status = pl_rx_status(&q->rx_ring[(i + n - 1) & mask]);

		if (!(status & PLHW_DESC_DD))
			return 0;
		if (status & PLHW_DESC_EOP)
			return n;
	}
	return 0;
}

/* The RSS engine's hash, of the kind the NIC says, if the stack wants it. */
static void pl_rx_hash(struct pl_queue *q, struct sk_buff *skb, u16 status,
		       const struct plhw_rx_desc *eop)
{
	if (!(q->priv->dev->features & NETIF_F_RXHASH))
		return;
	if (status & PLHW_RXD_HASH_L4)
		skb_set_hash(skb, le32_to_cpu(eop->hash), PKT_HASH_TYPE_L4);
	else if (status & PLHW_RXD_HASH_L3)
		skb_set_hash(skb, le32_to_cpu(eop->hash), PKT_HASH_TYPE_L3);
}

static void pl_rx_csum(struct pl_queue *q, struct sk_buff *skb, u16 status,
		       u64 *good, u64 *bad, u64 *none)
{
	skb_checksum_none_assert(skb);
	if (!(status & (PLHW_RXD_IPCS | PLHW_RXD_L4CS))) {
		(*none)++;
		return;
	}
	if (status & (PLHW_RXD_IPE | PLHW_RXD_L4E)) {
		/* let the stack find it bad and count it */
		(*bad)++;
		return;
	}
	if (!(status & PLHW_RXD_L4CS) ||
	    !(q->priv->dev->features & NETIF_F_RXCSUM)) {
		(*none)++;
		return;
	}
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	(*good)++;
}

/* Wrap the frame's buffers in an skb; NULL if there is no memory. */
static struct sk_buff *pl_rx_build(struct pl_queue *q, u32 i, u32 n, u32 len,
				   bool *copied)
{
	struct pl_priv *priv = q->priv;
	u32 mask = q->rx_len - 1, k;
	struct sk_buff *skb;

	for (k = 0; k < n; k++) {
		u32 j = (i + k) & mask;

		dma_sync_single_range_for_cpu(priv->dmadev,
					      page_pool_get_dma_addr(q->rx_bufs[j].page),
					      PL_RX_HEADROOM,
					      le16_to_cpu(q->rx_ring[j].len),
					      DMA_FROM_DEVICE);
	}

	*copied = n == 1 && len <= PL_COPYBREAK;
	if (*copied) {
		skb = napi_alloc_skb(&q->napi, len);
		if (skb)
			skb_put_data(skb, page_address(q->rx_bufs[i].page) +
				     PL_RX_HEADROOM, len);
		return skb;
	}

	skb = napi_build_skb(page_address(q->rx_bufs[i].page), PAGE_SIZE);
	if (!skb)
		return NULL;
	skb_reserve(skb, PL_RX_HEADROOM);
	__skb_put(skb, le16_to_cpu(q->rx_ring[i].len));
	skb_mark_for_recycle(skb);
	q->rx_bufs[i].page = NULL;
	for (k = 1; k < n; k++) {
		u32 j = (i + k) & mask;

		skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags,
				q->rx_bufs[j].page, PL_RX_HEADROOM,
				le16_to_cpu(q->rx_ring[j].len), PAGE_SIZE);
		q->rx_bufs[j].page = NULL;
	}
	return skb;
}

/*
 * The buffers the longest frame the NIC can receive takes: PL_MAX_MTU
 * (whatever our MTU: the peer's may be larger), two VLAN tags, the FCS.
 */
#define PL_RX_FRAME_BUFS \
	DIV_ROUND_UP(PL_MAX_MTU + ETH_HLEN + 2 * VLAN_HLEN + ETH_FCS_LEN, \
		     PL_RX_BUF_LEN)

/*
 * Fewer buffers posted than the longest frame takes: the NIC holds such a
 * frame in its packet buffer until the rest are posted, raising no RX
 * event meanwhile (nor for the frames behind it), so nothing but the
 * driver can get the queue going again.
 */
bool pl_rx_starved(const struct pl_queue *q)
{
	return pl_rx_posted(q) < PL_RX_FRAME_BUFS;
}

/* The NIC let go of the ring: count the frames it wrote that we never took. */
void pl_rx_discard(struct pl_queue *q)
{
	u32 n = 0, k;

	while ((k = pl_rx_frame_descs(q, q->rx_ntc))) {
		q->rx_ntc = (q->rx_ntc + k) & (q->rx_len - 1);
		n++;
	}
	u64_stats_update_begin(&q->rx_stats.syncp);
	u64_stats_add(&q->rx_stats.c[PL_RX_DROP_DOWN], n);
	u64_stats_update_end(&q->rx_stats.syncp);
}

/**
 * pl_rx_poll() - receive up to @budget frames
 * @q: the queue
 * @budget: NAPI budget, > 0
 *
 * Return: frames taken off the ring.
 */
int pl_rx_poll(struct pl_queue *q, int budget)
{
	u64 good = 0, bad = 0, none = 0, copies = 0, runt = 0, oversize = 0;
	u64 desc_err = 0, nomem = 0, packets = 0, bytes = 0;
	struct net_device *dev = q->priv->dev;
	u32 mask = q->rx_len - 1;
	u32 max_len;
	int done = 0;

	/* A frame may carry one VLAN tag on top of the MTU. */
	max_len = READ_ONCE(dev->mtu) + ETH_HLEN + VLAN_HLEN;
	/* rx-fcs: the MAC left the FCS at the end */
	if (dev->features & NETIF_F_RXFCS)
		max_len += ETH_FCS_LEN;

	while (done < budget) {
		u32 i = q->rx_ntc, n, k, len = 0;
		struct sk_buff *skb;
		gro_result_t gro;
		bool copied;
		u16 status;

		n = pl_rx_frame_descs(q, i);
		if (!n)
			break;
		/* Read the descriptors only after seeing DD on all of them. */
		dma_rmb();
		for (k = 0; k < n; k++)
			len += le16_to_cpu(q->rx_ring[(i + k) & mask].len);
		status = pl_rx_status(&q->rx_ring[(i + n - 1) & mask]);
		done++;

		/* Dropped frames leave their pages in place, to be reposted. */
		if (unlikely(status & PLHW_DESC_ERR)) {
			desc_err++;
			goto next;
		}
		if (unlikely(len < ETH_HLEN)) {
			runt++;
			goto next;
		}
		if (unlikely(len > max_len)) {
			oversize++;
			goto next;
		}
		skb = pl_rx_build(q, i, n, len, &copied);
		if (unlikely(!skb)) {
			nomem++;
			goto next;
		}
		copies += copied;
		skb->protocol = eth_type_trans(skb, dev);
		pl_rx_csum(q, skb, status, &good, &bad, &none);
		pl_rx_hash(q, skb, status, &q->rx_ring[(i + n - 1) & mask]);
		skb_record_rx_queue(skb, q->index);
		pl_rx_hwtstamp(q, skb, le64_to_cpu(q->rx_ring[i].tstamp));
		trace_pl_rx_skb(dev, skb, q->index,
				le32_to_cpu(q->rx_ring[i].frame_id),
				le64_to_cpu(q->rx_ring[i].depart),
				le64_to_cpu(q->rx_ring[i].tstamp),
				READ_ONCE(q->irq_ns), READ_ONCE(q->irq_cpu),
				q->poll_ns, n, copied);
		gro = napi_gro_receive(&q->napi, skb);
		trace_pl_rx_gro(dev, (unsigned long)skb, q->index, gro);
		packets++;
		bytes += len;
next:
		q->rx_ntc = (i + n) & mask;
	}

	if (done || pl_rx_starved(q))
		pl_rx_refill(q);

	u64_stats_update_begin(&q->rx_stats.syncp);
	u64_stats_add(&q->rx_stats.c[PL_RX_PACKETS], packets);
	u64_stats_add(&q->rx_stats.c[PL_RX_BYTES], bytes);
	u64_stats_add(&q->rx_stats.c[PL_RX_CSUM_GOOD], good);
	u64_stats_add(&q->rx_stats.c[PL_RX_CSUM_BAD], bad);
	u64_stats_add(&q->rx_stats.c[PL_RX_CSUM_NONE], none);
	u64_stats_add(&q->rx_stats.c[PL_RX_COPYBREAK], copies);
	u64_stats_add(&q->rx_stats.c[PL_RX_DROP_RUNT], runt);
	u64_stats_add(&q->rx_stats.c[PL_RX_DROP_OVERSIZE], oversize);
	u64_stats_add(&q->rx_stats.c[PL_RX_DROP_DESC_ERR], desc_err);
	u64_stats_add(&q->rx_stats.c[PL_RX_DROP_NOMEM], nomem);
	u64_stats_update_end(&q->rx_stats.syncp);
	return done;
}
