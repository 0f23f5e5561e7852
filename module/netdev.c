// SPDX-License-Identifier: GPL-2.0
/*
 * pktlife netdev: bringing the NIC up and down, the NAPI poll and the ndo
 * ops.  The datapath proper is in rx.c and tx.c, the interrupts in irq.c.
 */
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/workqueue.h>

#include "pktlife.h"
#include "trace.h"

/* A starved queue's retry timer: poll, which refills, again. */
static enum hrtimer_restart pl_rx_retry(struct hrtimer *timer)
{
	struct pl_queue *q = container_of(timer, struct pl_queue, rx_retry);

	napi_schedule(&q->napi);
	return HRTIMER_NORESTART;
}

/*
 * After a poll that completed: with fewer buffers posted than the longest
 * frame takes (the pool had no page for the rest), the NIC may raise no RX
 * event (pl_rx_starved()), so a timer polls again --
 * after 1 ms, then twice as long each time the refill fails again, up to
 * PL_RX_RETRY_MAX_MS, rather than polling without end; frames that come
 * meanwhile are missed (hw_rx_missed), as on a real NIC.
 */
static void pl_rx_retry_later(struct pl_queue *q)
{
	if (!pl_rx_starved(q)) {
		q->rx_retry_ms = 0;
		return;
	}
	q->rx_retry_ms = clamp(q->rx_retry_ms * 2, 1U, PL_RX_RETRY_MAX_MS);
	hrtimer_start(&q->rx_retry, ms_to_ktime(q->rx_retry_ms),
		      HRTIMER_MODE_REL_SOFT);
}

static int pl_poll(struct napi_struct *napi, int budget)
{
	struct pl_queue *q = container_of(napi, struct pl_queue, napi);
	int done = 0, tx_done;

	trace_pl_poll_begin(q->priv->dev, q->index, budget);
	/* the poll's start, for the skbs pl_rx_poll() builds in it */
	if (trace_pl_rx_skb_enabled())
		q->poll_ns = ktime_get_ns();
	tx_done = pl_tx_clean(q, budget);
	if (budget)
		done = pl_rx_poll(q, budget);

	u64_stats_update_begin(&q->rx_stats.syncp);
	u64_stats_inc(&q->rx_stats.c[PL_RX_POLLS]);
	u64_stats_update_end(&q->rx_stats.syncp);
	trace_pl_poll_end(q->priv->dev, q->index, budget, done, tx_done);

	/*
	 * Events that came while the vector was masked are latched by the
	 * NIC and fire as soon as it is unmasked: that is the re-check that
	 * closes the race with napi_complete_done().
	 */
	if (done < budget && napi_complete_done(napi, done)) {
		if (budget)
			pl_rx_retry_later(q);
		/* pairs with pl_adaptive_rx() */
		if (smp_load_acquire(&q->priv->coal.adaptive_rx))
			pl_dim_sample(q);
		pl_writel(q->priv, PLHW_Q(q->index) + PLHW_IRQ_MASK, 0);
	}
	return done;
}

/* Program ethtool -C (or, for RX, DIM's choice) into every queue's vector. */
void pl_write_coalesce(struct pl_priv *priv)
{
	unsigned int qi;

	for (qi = 0; qi < priv->num_queues; qi++) {
		u32 base = PLHW_Q(qi), usecs = priv->coal.rx_usecs;
		u32 frames = priv->coal.rx_frames;

		if (priv->coal.adaptive_rx)
			pl_dim_moderation(&priv->queues[qi], &usecs, &frames);
		pl_writel(priv, base + PLHW_IRQ_RX_USECS, usecs);
		pl_writel(priv, base + PLHW_IRQ_RX_FRAMES, frames);
		pl_writel(priv, base + PLHW_IRQ_TX_USECS, priv->coal.tx_usecs);
		pl_writel(priv, base + PLHW_IRQ_TX_FRAMES, priv->coal.tx_frames);
	}
}

/*
 * Under RTNL: adaptive RX moderation on or off.  Off, no poll may sample
 * any more and no DIM work run, before the static values are written.
 */
void pl_adaptive_rx(struct pl_priv *priv, bool on)
{
	unsigned int qi;

	if (on == priv->coal.adaptive_rx)
		return;
	/* on: each queue starts afresh (off, its work was cancelled) */
	if (on && priv->up)
		for (qi = 0; qi < priv->num_queues; qi++)
			pl_dim_init(&priv->queues[qi]);
	/* the DIM state above before a poll sees it on */
	smp_store_release(&priv->coal.adaptive_rx, on);
	/* down, no queue polls and pl_queue_down() stopped DIM's work */
	if (!on && priv->up) {
		/* a poll that saw it on has ended, and with it its sample */
		synchronize_net();
		for (qi = 0; qi < priv->num_queues; qi++)
			pl_dim_stop(&priv->queues[qi]);
	}
}

/*
 * Let a live queue's NAPI run again after napi_disable().  The vector may
 * have fired meanwhile: the NIC masked it, and the handler's
 * napi_schedule() was a no-op.  A poll now completes and unmasks it, and
 * what the NIC latched meanwhile fires then.
 */
static void pl_napi_resume(struct napi_struct *napi)
{
	napi_enable(napi);
	/* from process context: the softirq runs at local_bh_enable() */
	local_bh_disable();
	napi_schedule(napi);
	local_bh_enable();
}

/* Free staged rings [0, @n) that were not installed. */
static void pl_rings_free(struct pl_priv *priv, struct pl_queue *next, u32 n)
{
	u32 live = priv->up ? priv->num_queues : 0;

	while (n--) {
		pl_tx_ring_free(&next[n]);
		/*
		 * The staged page_pool belongs to the queue's NAPI, which may
		 * be running the old rings: a pool goes only while its NAPI
		 * cannot run, so pause it (the device keeps working).
		 */
		if (n < live)
			napi_disable(&priv->queues[n].napi);
		pl_rx_ring_free(&next[n]);
		if (n < live)
			pl_napi_resume(&priv->queues[n].napi);
	}
	kfree(next);
}

/*
 * Ring memory for queues [0, @n) with the given ring sizes, in staging
 * queues: everything a reconfiguration needs is allocated while the device
 * still runs on its old rings, so that an allocation failure changes
 * nothing.  pl_rings_install() hands the memory to the real queues.
 */
static struct pl_queue *pl_rings_alloc(struct pl_priv *priv, u32 n,
				       u32 rx_len, u32 tx_len)
{
	struct pl_queue *next;
	unsigned int qi;
	int err;

	next = kcalloc(n, sizeof(*next), GFP_KERNEL);
	if (!next)
		return ERR_PTR(-ENOMEM);
	for (qi = 0; qi < n; qi++) {
		next[qi].priv = priv;
		next[qi].index = qi;
		/* the ring_alloc_fail test knob (debugfs.c); under RTNL */
		if (unlikely(atomic_read(&priv->fail_ring_alloc) == qi + 1)) {
			atomic_set(&priv->fail_ring_alloc, 0);
			err = -ENOMEM;
			goto err_free_rings;
		}
		err = pl_rx_ring_alloc(&next[qi], &priv->queues[qi].napi, rx_len);
		if (err)
			goto err_free_rings;
		err = pl_tx_ring_alloc(&next[qi], tx_len);
		if (err) {
			pl_rx_ring_free(&next[qi]);
			goto err_free_rings;
		}
	}
	return next;

err_free_rings:
	pl_rings_free(priv, next, qi);
	return ERR_PTR(err);
}

/* Staged rings of pl_rings_alloc() to queues [0, @n), which have none. */
static void pl_rings_install(struct pl_priv *priv, struct pl_queue *next,
			     u32 n)
{
	unsigned int qi;

	for (qi = 0; qi < n; qi++) {
		pl_rx_ring_move(&priv->queues[qi], &next[qi]);
		pl_tx_ring_move(&priv->queues[qi], &next[qi]);
	}
	kfree(next);
}

/* Start queue @qi on the rings it was given. */
static int pl_queue_up(struct pl_priv *priv, unsigned int qi)
{
	struct pl_queue *q = &priv->queues[qi];
	int err;

	netif_napi_add(priv->dev, &q->napi, pl_poll);
	pl_dim_init(q);
	hrtimer_setup(&q->rx_retry, pl_rx_retry, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL_SOFT);
	q->rx_retry_ms = 0;
	err = pl_queue_irq_request(q);
	if (err)
		goto err_napi_del;
	pl_tx_ring_start(q);
	pl_rx_ring_start(q);
	napi_enable(&q->napi);
	pl_queue_set_napi(priv->dev, qi, &q->napi);
	pl_writel(priv, PLHW_Q(qi) + PLHW_IRQ_MASK, 0);
	return 0;

err_napi_del:
	netif_napi_del(&q->napi);
	return err;
}

/* Stop queue @qi and free its rings. */
static void pl_queue_down(struct pl_priv *priv, unsigned int qi)
{
	struct pl_queue *q = &priv->queues[qi];

	/* The NIC lets go of the rings first, then of the vector. */
	pl_writel(priv, PLHW_Q(qi) + PLHW_IRQ_MASK, 1);
	pl_writel(priv, PLHW_Q(qi) + PLHW_TXQ_CTRL, 0);
	pl_writel(priv, PLHW_Q(qi) + PLHW_RXQ_CTRL, 0);
	pl_queue_irq_free(q);
	pl_queue_set_napi(priv->dev, qi, NULL);
	napi_disable(&q->napi);
	/* polls re-arm it and schedule DIM's work: none runs now */
	hrtimer_cancel(&q->rx_retry);
	pl_dim_stop(q);
	pl_tx_clean(q, 0);
	pl_tx_drain(q);
	pl_rx_discard(q);
	pl_tx_ring_free(q);
	pl_rx_ring_free(q);
	/* the caller waits for an RCU grace period once for all queues */
	__netif_napi_del(&q->napi);
}

static u32 pl_ctrl(struct net_device *dev)
{
	u32 ctrl = PLHW_CTRL_ENABLE;

	if (dev->features & NETIF_F_RXCSUM)
		ctrl |= PLHW_CTRL_RXCSUM;
	return ctrl;
}

/* The RSS key and indirection table, to the NIC. */
void pl_write_rss(struct pl_priv *priv)
{
	const u8 *k = priv->rss_key;
	unsigned int i;

	/* the register's most significant byte is the key's first */
	for (i = 0; i < PLHW_RSS_KEY_LEN; i += 4)
		pl_writel(priv, PLHW_REG_RSS_KEY(i / 4),
			  (u32)k[i] << 24 | (u32)k[i + 1] << 16 |
			  (u32)k[i + 2] << 8 | k[i + 3]);
	for (i = 0; i < PLHW_RSS_INDIR_LEN; i++)
		pl_writel(priv, PLHW_REG_RSS_INDIR(i), priv->rss_indir[i]);
}

/*
 * Start every queue on the rings it was given, then program what applies
 * to all of them.  On failure no queue runs and none has rings any more.
 */
static int pl_queues_up(struct pl_priv *priv)
{
	unsigned int qi;
	int err = 0;

	for (qi = 0; qi < priv->num_queues; qi++) {
		err = pl_queue_up(priv, qi);
		if (err)
			break;
	}
	if (err) {
		unsigned int left = qi;

		while (qi--)
			pl_queue_down(priv, qi);
		/* before the NAPIs are added again, see pl_queues_down() */
		synchronize_net();
		for (qi = left; qi < priv->num_queues; qi++) {
			pl_tx_ring_free(&priv->queues[qi]);
			pl_rx_ring_free(&priv->queues[qi]);
		}
		return err;
	}
	pl_write_coalesce(priv);
	pl_write_rss(priv);
	WRITE_ONCE(priv->up, true);
	return 0;
}

/* Stop every queue and free its rings; the port and its link stay up. */
static void pl_queues_down(struct pl_priv *priv)
{
	unsigned int qi;

	/* TX completions must not wake what we stop here */
	WRITE_ONCE(priv->up, false);
	for (qi = priv->num_queues; qi--; )
		pl_queue_down(priv, qi);
	/*
	 * Busy-polling readers may still walk the NAPIs deleted above
	 * (RCU): one grace period for all before any is added again.
	 */
	synchronize_net();
}

/* Bring the port up on the rings its queues were given; on failure the
 * queues have no rings any more.
 */
static int pl_up(struct pl_priv *priv)
{
	unsigned int qi;
	int err;

	err = pl_link_irq_request(priv);
	if (err)
		goto err_free_rings;
	err = pl_queues_up(priv);
	if (err)
		goto err_free_irq;
	/* the rest of the filter: the core's ndo_set_rx_mode after open */
	pl_mac_write_addr(priv);
	pl_writel(priv, PLHW_REG_CTRL, pl_ctrl(priv->dev));
	/*
	 * The carrier first, then unmask: a link change after the read is
	 * latched and fires at the unmask, and its handler, on the CPU the
	 * link IRQ names, reads STATUS again.  The other way round, our
	 * carrier_on() could land after that handler's carrier_off().
	 */
	if (pl_readl(priv, PLHW_REG_STATUS) & PLHW_STATUS_LINK)
		netif_carrier_on(priv->dev);
	pl_writel(priv, PLHW_REG_MISC_MASK, 0);
	netif_tx_start_all_queues(priv->dev);
	return 0;

err_free_irq:
	pl_link_irq_free(priv);
	return err;
err_free_rings:
	for (qi = 0; qi < priv->num_queues; qi++) {
		pl_tx_ring_free(&priv->queues[qi]);
		pl_rx_ring_free(&priv->queues[qi]);
	}
	return err;
}

static void pl_down(struct pl_priv *priv)
{
	netif_tx_disable(priv->dev);
	pl_writel(priv, PLHW_REG_MISC_MASK, 1);
	pl_writel(priv, PLHW_REG_CTRL, 0);
	pl_link_irq_free(priv);
	netif_carrier_off(priv->dev);
	/* not up: a reconfiguration failed to bring the queues back */
	if (priv->up)
		pl_queues_down(priv);
	/* ... and left the device detached: it may be opened again */
	if (!netif_device_present(priv->dev))
		netif_device_attach(priv->dev);
}

/* Allocate the rings of the current configuration and come up on them. */
static int pl_open_rings(struct pl_priv *priv)
{
	struct pl_queue *next;

	next = pl_rings_alloc(priv, priv->num_queues, priv->rx_ring_size,
			      priv->tx_ring_size);
	if (IS_ERR(next))
		return PTR_ERR(next);
	pl_rings_install(priv, next, priv->num_queues);
	return pl_up(priv);
}

static int pl_open(struct net_device *dev)
{
	return pl_open_rings(netdev_priv(dev));
}

static int pl_stop(struct net_device *dev)
{
	pl_down(netdev_priv(dev));
	return 0;
}

/*
 * A new queue count: the stack's queues, and an indirection table that
 * the user did not set spreads over the new count (ethtool refuses counts
 * that a table the user set points beyond).  Decreasing cannot fail.
 */
static int pl_set_num_queues(struct pl_priv *priv, u32 n)
{
	unsigned int i;
	int err;

	err = netif_set_real_num_queues(priv->dev, n, n);
	if (err)
		return err;
	priv->num_queues = n;
	if (!netif_is_rxfh_configured(priv->dev))
		for (i = 0; i < PLHW_RSS_INDIR_LEN; i++)
			priv->rss_indir[i] = ethtool_rxfh_indir_default(i, n);
	return 0;
}

/**
 * pl_reconfigure() - new queue count or ring sizes, while up or down
 * @priv: the device
 * @num_queues: queues (ethtool -L combined)
 * @rx_ring_size: RX ring entries (ethtool -G)
 * @tx_ring_size: TX ring entries
 *
 * While the device is up, the new rings are allocated first, while it
 * still runs on the old ones: if that fails nothing changes.  Then the
 * queues stop (the port and its link stay up: frames arriving meanwhile
 * are missed, as on a real NIC), take the new rings and start again; the
 * old rings are freed as they stop.  The stack's own queue objects are
 * sized only while the queues are stopped (so that it never picks one not
 * up yet); if that fails the device comes back with its old configuration.
 *
 * Return: 0 or the -errno of the failed step.
 */
int pl_reconfigure(struct pl_priv *priv, u32 num_queues, u32 rx_ring_size,
		   u32 tx_ring_size)
{
	u32 old_n = priv->num_queues, old_rx = priv->rx_ring_size;
	u32 old_tx = priv->tx_ring_size;
	struct net_device *dev = priv->dev;
	struct pl_queue *next;
	int err;

	if (!netif_running(dev)) {
		err = pl_set_num_queues(priv, num_queues);
		if (err)
			return err;
		priv->rx_ring_size = rx_ring_size;
		priv->tx_ring_size = tx_ring_size;
		return 0;
	}

	next = pl_rings_alloc(priv, num_queues, rx_ring_size, tx_ring_size);
	if (IS_ERR(next))
		return PTR_ERR(next);
	/* TX completions must not wake the queues stopped here */
	WRITE_ONCE(priv->up, false);
	/* the watchdog leaves the stopped queues alone while detached */
	netif_device_detach(dev);
	/* and no xmit is still running: it takes each queue's lock */
	netif_tx_disable(dev);
	pl_queues_down(priv);
	err = pl_set_num_queues(priv, num_queues);
	if (err) {
		pl_rings_free(priv, next, num_queues);
		goto err_restart_old;
	}
	priv->rx_ring_size = rx_ring_size;
	priv->tx_ring_size = tx_ring_size;
	pl_rings_install(priv, next, num_queues);
	err = pl_queues_up(priv);
	if (!err)
		goto out_attach;
	/* pl_queues_up() freed the new rings: back to what worked */
	if (pl_set_num_queues(priv, old_n))
		netdev_err(dev, "cannot restore %u queues\n", old_n);
err_restart_old:
	priv->rx_ring_size = old_rx;
	priv->tx_ring_size = old_tx;
	next = pl_rings_alloc(priv, priv->num_queues, old_rx, old_tx);
	if (IS_ERR(next)) {
		/* detached, not up: pl_down() knows; closing and opening
		 * the device tries again
		 */
		netdev_err(dev, "cannot restart after a failed reconfiguration\n");
		return err;
	}
	pl_rings_install(priv, next, priv->num_queues);
	if (pl_queues_up(priv)) {
		netdev_err(dev, "cannot restart after a failed reconfiguration\n");
		return err;
	}
out_attach:
	/* wakes every TX queue */
	netif_device_attach(dev);
	return err;
}

/*
 * The TX watchdog found queue @txqueue stopped and not moving (the NIC
 * stopped fetching, see the stall_ms knob).  Reset the device in process
 * context, as real drivers do: the restart reprograms every queue.
 */
static void pl_tx_timeout(struct net_device *dev, unsigned int txqueue)
{
	struct pl_priv *priv = netdev_priv(dev);

	atomic64_inc(&priv->tx_timeouts);
	schedule_work(&priv->reset_work);
}

static void pl_reset_work(struct work_struct *work)
{
	struct pl_priv *priv = container_of(work, struct pl_priv, reset_work);
	int err;

	rtnl_lock();
	/* closed meanwhile: opening starts from a reset NIC anyway */
	if (netif_running(priv->dev)) {
		err = pl_reconfigure(priv, priv->num_queues, priv->rx_ring_size,
				     priv->tx_ring_size);
		if (err)
			netdev_err(priv->dev, "reset after TX timeout failed: %d\n",
				   err);
	}
	rtnl_unlock();
}

static int pl_set_features(struct net_device *dev, netdev_features_t features)
{
	struct pl_priv *priv = netdev_priv(dev);

	if (((dev->features ^ features) & NETIF_F_RXCSUM) && netif_running(dev)) {
		u32 ctrl = pl_readl(priv, PLHW_REG_CTRL) & ~PLHW_CTRL_RXCSUM;

		if (features & NETIF_F_RXCSUM)
			ctrl |= PLHW_CTRL_RXCSUM;
		pl_writel(priv, PLHW_REG_CTRL, ctrl);
	}
	if ((dev->features ^ features) & (NETIF_F_RXFCS | NETIF_F_RXALL))
		pl_mac_set_features(priv, features);
	return 0;
}

static void pl_stats_read(const struct u64_stats_sync *syncp,
			  const u64_stats_t *c, unsigned int n, u64 *out)
{
	unsigned int start, i;

	do {
		start = u64_stats_fetch_begin(syncp);
		for (i = 0; i < n; i++)
			out[i] = u64_stats_read(&c[i]);
	} while (u64_stats_fetch_retry(syncp, start));
}

void pl_queue_counters(struct pl_queue *q, struct pl_queue_counters *c)
{
	pl_stats_read(&q->rx_stats.syncp, q->rx_stats.c, PL_RX_NUM_STATS, c->rx);
	pl_stats_read(&q->tx_stats.syncp, q->tx_stats.c, PL_TX_NUM_STATS, c->tx);
	pl_stats_read(&q->txc_stats.syncp, q->txc_stats.c, PL_TXC_NUM_STATS,
		      c->txc);
	pl_stats_read(&q->irq_stats.syncp, q->irq_stats.c, PL_IRQ_NUM_STATS,
		      c->irq);
}

static void pl_get_stats64(struct net_device *dev,
			   struct rtnl_link_stats64 *stats)
{
	struct pl_priv *priv = netdev_priv(dev);
	unsigned int qi;

	for (qi = 0; qi < PLHW_MAX_QUEUES; qi++) {
		struct pl_queue_counters c;

		pl_queue_counters(&priv->queues[qi], &c);
		stats->rx_packets += c.rx[PL_RX_PACKETS];
		stats->rx_bytes += c.rx[PL_RX_BYTES];
		stats->rx_length_errors += c.rx[PL_RX_DROP_RUNT] +
					   c.rx[PL_RX_DROP_OVERSIZE];
		stats->rx_length_errors += c.rx[PL_RX_DROP_DESC_ERR];
		stats->rx_dropped += c.rx[PL_RX_DROP_NOMEM] +
				     c.rx[PL_RX_DROP_DOWN];
		stats->tx_packets += c.tx[PL_TX_PACKETS];
		stats->tx_bytes += c.tx[PL_TX_BYTES];
		stats->tx_dropped += c.tx[PL_TX_DROP_DMA_ERR];
	}
	/* the MAC's: runts, CRC errors; missed frames and overflows of its
	 * RX packet buffer
	 */
	stats->rx_length_errors += pl_read_hw_stat(priv, PLHW_STAT_RX_RUNTS);
	stats->rx_crc_errors = pl_read_hw_stat(priv, PLHW_STAT_RX_CRC_ERRORS);
	stats->rx_errors = stats->rx_length_errors + stats->rx_crc_errors;
	stats->rx_missed_errors = pl_read_hw_stat(priv, PLHW_STAT_RX_MISSED);
	stats->rx_fifo_errors = pl_read_hw_stat(priv, PLHW_STAT_RX_PB_OVERFLOWS);
}

/*
 * Per-queue statistics (netlink qstats).  A queue's counters live as long
 * as the device, so a queue that ethtool -L took away keeps them, and they
 * are reported in the base: base plus live queues is exactly the
 * ndo_get_stats64 total.  Only the fields we count are written: the core
 * reports the others as not collected.
 */
static void pl_qstats_rx_zero(struct netdev_queue_stats_rx *rx)
{
	rx->packets = 0;
	rx->bytes = 0;
	rx->alloc_fail = 0;
	rx->csum_unnecessary = 0;
	rx->csum_none = 0;
	rx->csum_bad = 0;
}

static void pl_qstats_tx_zero(struct netdev_queue_stats_tx *tx)
{
	tx->packets = 0;
	tx->bytes = 0;
	tx->needs_csum = 0;
	tx->hw_gso_packets = 0;
	tx->stop = 0;
	tx->wake = 0;
}

static void pl_qstats_rx_add(struct pl_queue *q, struct netdev_queue_stats_rx *rx)
{
	struct pl_queue_counters c;

	pl_queue_counters(q, &c);
	rx->packets += c.rx[PL_RX_PACKETS];
	rx->bytes += c.rx[PL_RX_BYTES];
	rx->alloc_fail += c.rx[PL_RX_ALLOC_FAIL] + c.rx[PL_RX_DROP_NOMEM];
	rx->csum_unnecessary += c.rx[PL_RX_CSUM_GOOD];
	rx->csum_none += c.rx[PL_RX_CSUM_NONE];
	rx->csum_bad += c.rx[PL_RX_CSUM_BAD];
}

static void pl_qstats_tx_add(struct pl_queue *q, struct netdev_queue_stats_tx *tx)
{
	struct pl_queue_counters c;

	pl_queue_counters(q, &c);
	tx->packets += c.tx[PL_TX_PACKETS];
	tx->bytes += c.tx[PL_TX_BYTES];
	tx->needs_csum += c.tx[PL_TX_CSUM_PARTIAL];
	tx->hw_gso_packets += c.tx[PL_TX_TSO_SKBS];
	tx->stop += c.tx[PL_TX_STOPS];
	tx->wake += c.txc[PL_TXC_WAKES];
}

static void pl_get_queue_stats_rx(struct net_device *dev, int idx,
				  struct netdev_queue_stats_rx *rx)
{
	struct pl_priv *priv = netdev_priv(dev);

	pl_qstats_rx_zero(rx);
	pl_qstats_rx_add(&priv->queues[idx], rx);
}

static void pl_get_queue_stats_tx(struct net_device *dev, int idx,
				  struct netdev_queue_stats_tx *tx)
{
	struct pl_priv *priv = netdev_priv(dev);

	pl_qstats_tx_zero(tx);
	pl_qstats_tx_add(&priv->queues[idx], tx);
}

/* Under RTNL, as ethtool -L is: the queue count does not change here. */
static void pl_get_base_stats(struct net_device *dev,
			      struct netdev_queue_stats_rx *rx,
			      struct netdev_queue_stats_tx *tx)
{
	struct pl_priv *priv = netdev_priv(dev);
	unsigned int qi;

	pl_qstats_rx_zero(rx);
	pl_qstats_tx_zero(tx);
	for (qi = priv->num_queues; qi < PLHW_MAX_QUEUES; qi++) {
		pl_qstats_rx_add(&priv->queues[qi], rx);
		pl_qstats_tx_add(&priv->queues[qi], tx);
	}
}

static const struct netdev_stat_ops pl_stat_ops = {
	.get_queue_stats_rx	= pl_get_queue_stats_rx,
	.get_queue_stats_tx	= pl_get_queue_stats_tx,
	.get_base_stats		= pl_get_base_stats,
};

static int pl_get_iflink(const struct net_device *dev)
{
	struct pl_priv *priv = netdev_priv(dev);
	struct net_device *peer;
	int iflink;

	rcu_read_lock();
	peer = rcu_dereference(priv->peer);
	iflink = peer ? READ_ONCE(peer->ifindex) : 0;
	rcu_read_unlock();
	return iflink;
}

static int pl_init(struct net_device *dev)
{
	struct pl_priv *priv = netdev_priv(dev);
	unsigned int qi;
	int err;

	for (qi = 0; qi < PLHW_MAX_QUEUES; qi++) {
		struct pl_queue *q = &priv->queues[qi];

		q->priv = priv;
		q->index = qi;
		u64_stats_init(&q->rx_stats.syncp);
		u64_stats_init(&q->tx_stats.syncp);
		u64_stats_init(&q->txc_stats.syncp);
		u64_stats_init(&q->irq_stats.syncp);
	}
	pl_debugfs_add(priv);
	/* one queue to start with, like veth; ethtool -L adds more */
	priv->max_queues = min3(pl_readl(priv, PLHW_REG_NUM_QUEUES),
				dev->num_tx_queues, dev->num_rx_queues);
	priv->num_queues = 1;
	err = netif_set_real_num_queues(dev, 1, 1);
	if (err)
		return err;
	/* the kernel's key, random per boot, and an even spread: defaults */
	netdev_rss_key_fill(priv->rss_key, sizeof(priv->rss_key));
	for (qi = 0; qi < PLHW_RSS_INDIR_LEN; qi++)
		priv->rss_indir[qi] = ethtool_rxfh_indir_default(qi,
								 priv->num_queues);
	priv->rx_ring_size = PL_RING_DEFAULT;
	priv->tx_ring_size = PL_RING_DEFAULT;
	/*
	 * Moderation as NICs ship it: adaptive RX (DIM, from 8 us), its
	 * static fallback, and TX completions gathered for 16 us or 32
	 * frames (mlx5's defaults)
	 */
	priv->coal = (struct pl_coalesce){
		.adaptive_rx = true,
		.rx_usecs = PL_COAL_RX_USECS,
		.rx_frames = PL_COAL_RX_FRAMES,
		.tx_usecs = PL_COAL_TX_USECS,
		.tx_frames = PL_COAL_TX_FRAMES,
	};
	priv->max_descs = pl_readl(priv, PLHW_REG_MAX_DESCS);
	netif_set_tso_max_size(dev, pl_readl(priv, PLHW_REG_TSO_MAX));
	netif_set_tso_max_segs(dev, pl_readl(priv, PLHW_REG_TSO_MAX_SEGS));
	return 0;
}

static const struct net_device_ops pl_netdev_ops = {
	.ndo_init		= pl_init,
	.ndo_open		= pl_open,
	.ndo_stop		= pl_stop,
	.ndo_start_xmit		= pl_start_xmit,
	.ndo_tx_timeout		= pl_tx_timeout,
	.ndo_features_check	= pl_features_check,
	.ndo_set_features	= pl_set_features,
	.ndo_get_stats64	= pl_get_stats64,
	.ndo_get_iflink		= pl_get_iflink,
	.ndo_set_mac_address	= pl_set_mac_address,
	.ndo_set_rx_mode	= pl_set_rx_mode,
	PL_NDO_HWTSTAMP,
	.ndo_validate_addr	= eth_validate_addr,
};

bool pl_netdev_is_ours(const struct net_device *dev)
{
	return dev->netdev_ops == &pl_netdev_ops;
}

/* The NIC port goes with the net_device, once nothing uses either. */
static void pl_destructor(struct net_device *dev)
{
	struct pl_priv *priv = netdev_priv(dev);

	/* unregistered: a reset still queued finds the device closed */
	cancel_work_sync(&priv->reset_work);
	plhw_port_destroy(priv->hw);
	priv->hw = NULL;
}

void pl_netdev_setup(struct net_device *dev)
{
	struct pl_priv *priv = netdev_priv(dev);

	ether_setup(dev);
	priv->dev = dev;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE | IFF_UNICAST_FLT;
	/*
	 * netpoll transmits with interrupts off, and the doorbell runs the
	 * NIC's engines under spin_lock_bh(): no netconsole on this port.
	 */
	dev->priv_flags |= IFF_DISABLE_NETPOLL;
	spin_lock_init(&priv->stat_lock);
	spin_lock_init(&priv->mac_lock);

	dev->netdev_ops = &pl_netdev_ops;
	dev->ethtool_ops = &pl_ethtool_ops;
	pl_netdev_set_stat_ops(dev, &pl_stat_ops);
	dev->needs_free_netdev = true;
	/* a queue stopped this long with nothing sent: ndo_tx_timeout() */
	dev->watchdog_timeo = 3 * HZ;
	INIT_WORK(&priv->reset_work, pl_reset_work);
	dev->priv_destructor = pl_destructor;

	dev->hw_features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM |
			   NETIF_F_TSO | NETIF_F_TSO6 | NETIF_F_TSO_ECN |
			   NETIF_F_HIGHDMA | NETIF_F_RXHASH;
	dev->features = dev->hw_features;
	dev->vlan_features = dev->hw_features;
	/* the MAC's: off until asked for, as on any NIC */
	dev->hw_features |= NETIF_F_RXFCS | NETIF_F_RXALL;

	dev->min_mtu = PL_MIN_MTU;
	dev->max_mtu = PL_MAX_MTU;
}
