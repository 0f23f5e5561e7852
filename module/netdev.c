// SPDX-License-Identifier: GPL-2.0
/*
 * pktlife netdev: bringing the NIC up and down, its interrupts, the NAPI
 * poll and the ndo ops.  The datapath proper is in rx.c and tx.c.
 */
#include <linux/etherdevice.h>
#include <linux/netdevice.h>

#include "pktlife.h"
#include "trace.h"

/* A queue's vector fired: the NIC masked it until we unmask it. */
static void pl_queue_irq(void *data)
{
	struct pl_queue *q = data;
	u32 cause;

	cause = pl_readl(q->priv, PLHW_Q(q->index) + PLHW_IRQ_CAUSE);
	u64_stats_update_begin(&q->irq_stats.syncp);
	if (cause & PLHW_CAUSE_RX)
		u64_stats_inc(&q->irq_stats.c[PL_IRQ_RX]);
	if (cause & PLHW_CAUSE_TX)
		u64_stats_inc(&q->irq_stats.c[PL_IRQ_TX]);
	u64_stats_update_end(&q->irq_stats.syncp);
	napi_schedule(&q->napi);
}

/* The link vector: carrier follows the NIC's link status. */
static void pl_link_irq(void *data)
{
	struct pl_priv *priv = data;

	pl_readl(priv, PLHW_REG_MISC_CAUSE);
	if (pl_readl(priv, PLHW_REG_STATUS) & PLHW_STATUS_LINK)
		netif_carrier_on(priv->dev);
	else
		netif_carrier_off(priv->dev);
	pl_writel(priv, PLHW_REG_MISC_MASK, 0);
}

static int pl_poll(struct napi_struct *napi, int budget)
{
	struct pl_queue *q = container_of(napi, struct pl_queue, napi);
	int done = 0, tx_done;

	trace_pl_poll_begin(q->priv->dev, q->index, budget);
	tx_done = pl_tx_clean(q, budget);
	if (budget) {
		done = pl_rx_poll(q, budget);
		/* Nothing posted, so no RX event will come: poll again. */
		if (pl_rx_starved(q))
			done = budget;
	}

	u64_stats_update_begin(&q->rx_stats.syncp);
	u64_stats_inc(&q->rx_stats.c[PL_RX_POLLS]);
	u64_stats_update_end(&q->rx_stats.syncp);
	trace_pl_poll_end(q->priv->dev, q->index, budget, done, tx_done);

	/*
	 * Events that came while the vector was masked are latched by the
	 * NIC and fire as soon as it is unmasked: that is the re-check that
	 * closes the race with napi_complete_done().
	 */
	if (done < budget && napi_complete_done(napi, done))
		pl_writel(q->priv, PLHW_Q(q->index) + PLHW_IRQ_MASK, 0);
	return done;
}

/* Program ethtool -C into every queue's vector. */
void pl_write_coalesce(struct pl_priv *priv)
{
	unsigned int qi;

	for (qi = 0; qi < priv->num_queues; qi++) {
		u32 base = PLHW_Q(qi);

		pl_writel(priv, base + PLHW_IRQ_RX_USECS, priv->coal.rx_usecs);
		pl_writel(priv, base + PLHW_IRQ_RX_FRAMES, priv->coal.rx_frames);
		pl_writel(priv, base + PLHW_IRQ_TX_USECS, priv->coal.tx_usecs);
		pl_writel(priv, base + PLHW_IRQ_TX_FRAMES, priv->coal.tx_frames);
	}
}

static int pl_queue_up(struct pl_priv *priv, unsigned int qi)
{
	struct pl_queue *q = &priv->queues[qi];
	int err;

	netif_napi_add(priv->dev, &q->napi, pl_poll);
	err = pl_rx_ring_alloc(q, priv->rx_ring_size);
	if (err)
		goto err_napi_del;
	err = pl_tx_ring_alloc(q, priv->tx_ring_size);
	if (err)
		goto err_free_rx;
	err = plhw_request_irq(priv->hw, qi, pl_queue_irq, q);
	if (err)
		goto err_free_tx;
	pl_tx_ring_start(q);
	pl_rx_ring_start(q);
	napi_enable(&q->napi);
	pl_writel(priv, PLHW_Q(qi) + PLHW_IRQ_MASK, 0);
	return 0;

err_free_tx:
	pl_tx_ring_free(q);
err_free_rx:
	pl_rx_ring_free(q);
err_napi_del:
	netif_napi_del(&q->napi);
	return err;
}

static void pl_queue_down(struct pl_priv *priv, unsigned int qi)
{
	struct pl_queue *q = &priv->queues[qi];

	/* The NIC lets go of the rings first, then of the vector. */
	pl_writel(priv, PLHW_Q(qi) + PLHW_IRQ_MASK, 1);
	pl_writel(priv, PLHW_Q(qi) + PLHW_TXQ_CTRL, 0);
	pl_writel(priv, PLHW_Q(qi) + PLHW_RXQ_CTRL, 0);
	plhw_free_irq(priv->hw, qi);
	napi_disable(&q->napi);
	pl_tx_clean(q, 0);
	pl_tx_drain(q);
	pl_rx_discard(q);
	pl_tx_ring_free(q);
	pl_rx_ring_free(q);
	netif_napi_del(&q->napi);
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

static int pl_up(struct pl_priv *priv)
{
	unsigned int qi;
	int err;

	err = plhw_request_irq(priv->hw, PLHW_VEC_MISC, pl_link_irq, priv);
	if (err)
		return err;
	for (qi = 0; qi < priv->num_queues; qi++) {
		err = pl_queue_up(priv, qi);
		if (err)
			goto err_queues_down;
	}
	WRITE_ONCE(priv->up, true);
	pl_write_coalesce(priv);
	pl_write_rss(priv);
	pl_writel(priv, PLHW_REG_CTRL, pl_ctrl(priv->dev));
	/* a link change latched while masked fires now */
	pl_writel(priv, PLHW_REG_MISC_MASK, 0);
	if (pl_readl(priv, PLHW_REG_STATUS) & PLHW_STATUS_LINK)
		netif_carrier_on(priv->dev);
	netif_tx_start_all_queues(priv->dev);
	return 0;

err_queues_down:
	while (qi--)
		pl_queue_down(priv, qi);
	plhw_free_irq(priv->hw, PLHW_VEC_MISC);
	return err;
}

static void pl_down(struct pl_priv *priv)
{
	unsigned int qi;

	/* not up: a reconfiguration failed to bring it back */
	if (!priv->up)
		return;
	/* TX completions must not wake what we stop here */
	WRITE_ONCE(priv->up, false);
	netif_tx_disable(priv->dev);
	pl_writel(priv, PLHW_REG_MISC_MASK, 1);
	pl_writel(priv, PLHW_REG_CTRL, 0);
	plhw_free_irq(priv->hw, PLHW_VEC_MISC);
	netif_carrier_off(priv->dev);
	for (qi = priv->num_queues; qi--; )
		pl_queue_down(priv, qi);
}

static int pl_open(struct net_device *dev)
{
	return pl_up(netdev_priv(dev));
}

static int pl_stop(struct net_device *dev)
{
	pl_down(netdev_priv(dev));
	return 0;
}

/**
 * pl_reconfigure() - new ring sizes, restarting the device if it is up
 * @priv: the device
 * @rx_ring_size: RX ring entries
 * @tx_ring_size: TX ring entries
 *
 * If the device cannot come up with the new sizes it comes back with the
 * old ones.  Return: 0 or the -errno of the failed attempt.
 */
int pl_reconfigure(struct pl_priv *priv, u32 rx_ring_size, u32 tx_ring_size)
{
	u32 old_rx = priv->rx_ring_size, old_tx = priv->tx_ring_size;
	bool running = netif_running(priv->dev);
	int err;

	if (running)
		pl_down(priv);
	priv->rx_ring_size = rx_ring_size;
	priv->tx_ring_size = tx_ring_size;
	if (!running)
		return 0;
	err = pl_up(priv);
	if (err) {
		priv->rx_ring_size = old_rx;
		priv->tx_ring_size = old_tx;
		/* if even that fails, pl_down() knows there is nothing up */
		if (pl_up(priv))
			netdev_err(priv->dev, "cannot restart after a failed reconfiguration\n");
	}
	return err;
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
	stats->rx_errors = stats->rx_length_errors;
	stats->rx_missed_errors = pl_read_hw_stat(priv, PLHW_STAT_RX_MISSED);
}

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

	for (qi = 0; qi < PLHW_MAX_QUEUES; qi++) {
		struct pl_queue *q = &priv->queues[qi];

		q->priv = priv;
		q->index = qi;
		u64_stats_init(&q->rx_stats.syncp);
		u64_stats_init(&q->tx_stats.syncp);
		u64_stats_init(&q->txc_stats.syncp);
		u64_stats_init(&q->irq_stats.syncp);
	}
	priv->num_queues = 1;
	/* the kernel's key, random per boot, and an even spread: defaults */
	netdev_rss_key_fill(priv->rss_key, sizeof(priv->rss_key));
	for (qi = 0; qi < PLHW_RSS_INDIR_LEN; qi++)
		priv->rss_indir[qi] = ethtool_rxfh_indir_default(qi,
								 priv->num_queues);
	priv->rx_ring_size = PL_RING_DEFAULT;
	priv->tx_ring_size = PL_RING_DEFAULT;
	/* zero: no moderation, an interrupt for every event */
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
	.ndo_features_check	= pl_features_check,
	.ndo_set_features	= pl_set_features,
	.ndo_get_stats64	= pl_get_stats64,
	.ndo_get_iflink		= pl_get_iflink,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
};

/* The NIC port goes with the net_device, once nothing uses either. */
static void pl_destructor(struct net_device *dev)
{
	struct pl_priv *priv = netdev_priv(dev);

	plhw_port_destroy(priv->hw);
	priv->hw = NULL;
}

void pl_netdev_setup(struct net_device *dev)
{
	struct pl_priv *priv = netdev_priv(dev);

	ether_setup(dev);
	priv->dev = dev;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE;

	dev->netdev_ops = &pl_netdev_ops;
	dev->ethtool_ops = &pl_ethtool_ops;
	dev->needs_free_netdev = true;
	dev->priv_destructor = pl_destructor;

	dev->hw_features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM |
			   NETIF_F_TSO | NETIF_F_TSO6 | NETIF_F_TSO_ECN |
			   NETIF_F_HIGHDMA | NETIF_F_RXHASH;
	dev->features = dev->hw_features;
	dev->vlan_features = dev->hw_features;

	dev->min_mtu = PL_MIN_MTU;
	dev->max_mtu = PL_MAX_MTU;
}
