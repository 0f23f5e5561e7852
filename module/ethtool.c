// SPDX-License-Identifier: GPL-2.0
/*
 * pktlife ethtool: driver info (-i), counters (-S), ring sizes (-g/-G).
 */
#include <linux/ethtool.h>
#include <linux/log2.h>
#include <linux/stringify.h>
#include <linux/netdevice.h>

#include "pktlife.h"

/* ethtool -S: per queue (rx0_packets, ...), then the NIC's own counters. */
static const char * const pl_rx_names[PL_RX_NUM_STATS] = {
	[PL_RX_PACKETS]		= "packets",
	[PL_RX_BYTES]		= "bytes",
	[PL_RX_CSUM_GOOD]	= "csum_good",
	[PL_RX_CSUM_BAD]	= "csum_bad",
	[PL_RX_CSUM_NONE]	= "csum_none",
	[PL_RX_COPYBREAK]	= "copybreak",
	[PL_RX_DROP_RUNT]	= "drop_runt",
	[PL_RX_DROP_OVERSIZE]	= "drop_oversize",
	[PL_RX_DROP_DESC_ERR]	= "drop_desc_err",
	[PL_RX_DROP_NOMEM]	= "drop_nomem",
	[PL_RX_DROP_DOWN]	= "drop_down",
	[PL_RX_ALLOC_FAIL]	= "alloc_fail",
	[PL_RX_POLLS]		= "polls",
};

static const char * const pl_tx_names[PL_TX_NUM_STATS] = {
	[PL_TX_PACKETS]		= "packets",
	[PL_TX_BYTES]		= "bytes",
	[PL_TX_TSO_SKBS]	= "tso_skbs",
	[PL_TX_CSUM_PARTIAL]	= "csum_partial",
	[PL_TX_DOORBELLS]	= "doorbells",
	[PL_TX_STOPS]		= "stops",
	[PL_TX_BUSY]		= "busy",
	[PL_TX_DROP_DMA_ERR]	= "drop_dma_err",
};

static const char * const pl_txc_names[PL_TXC_NUM_STATS] = {
	[PL_TXC_COMPLETED]	= "completed",
	[PL_TXC_WAKES]		= "wakes",
};

static const char * const pl_hw_names[PLHW_NUM_STATS] = {
	[PLHW_STAT_TX_FRAMES]		= "hw_tx_frames",
	[PLHW_STAT_TX_BYTES]		= "hw_tx_bytes",
	[PLHW_STAT_TX_TSO_SEGS]		= "hw_tx_tso_segs",
	[PLHW_STAT_TX_CSUM]		= "hw_tx_csum",
	[PLHW_STAT_TX_LINK_DOWN]	= "hw_tx_link_down",
	[PLHW_STAT_TX_DESC_ERR]		= "hw_tx_desc_err",
	[PLHW_STAT_RX_FRAMES]		= "hw_rx_frames",
	[PLHW_STAT_RX_BYTES]		= "hw_rx_bytes",
	[PLHW_STAT_RX_MISSED]		= "hw_rx_missed",
	[PLHW_STAT_RX_CSUM_GOOD]	= "hw_rx_csum_good",
	[PLHW_STAT_RX_CSUM_BAD]		= "hw_rx_csum_bad",
	[PLHW_STAT_RX_CSUM_NONE]	= "hw_rx_csum_none",
	[PLHW_STAT_WIRE_CORRUPTED]	= "hw_wire_corrupted",
	[PLHW_STAT_WIRE_DROPPED]	= "hw_wire_dropped",
	[PLHW_STAT_WIRE_LOST]		= "hw_wire_lost",
	[PLHW_STAT_WIRE_DUPLICATED]	= "hw_wire_duplicated",
	[PLHW_STAT_WIRE_REORDERED]	= "hw_wire_reordered",
	[PLHW_STAT_WIRE_DELAYED]	= "hw_wire_delayed",
	[PLHW_STAT_TX_STALLS]		= "hw_tx_stalls",
	[PLHW_STAT_WIRE_TRUNCATED]	= "hw_wire_truncated",
	[PLHW_STAT_RX_CRC_ERRORS]	= "hw_rx_crc_errors",
	[PLHW_STAT_RX_RUNTS]		= "hw_rx_runts",
	[PLHW_STAT_RX_FILTERED]		= "hw_rx_filtered",
	[PLHW_STAT_RX_PB_OVERFLOWS]	= "hw_rx_pb_overflows",
};

#define PL_QUEUE_STATS	(PL_RX_NUM_STATS + PL_TX_NUM_STATS + \
			 PL_TXC_NUM_STATS + PL_IRQ_NUM_STATS)

static void pl_get_drvinfo(struct net_device *dev,
			   struct ethtool_drvinfo *info)
{
	struct pl_priv *priv = netdev_priv(dev);

	strscpy(info->driver, PL_DRV_NAME, sizeof(info->driver));
	strscpy(info->version, PL_DRV_VERSION, sizeof(info->version));
	strscpy(info->bus_info, plhw_name(priv->hw), sizeof(info->bus_info));
}

static int pl_get_sset_count(struct net_device *dev, int sset)
{
	struct pl_priv *priv = netdev_priv(dev);

	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return priv->num_queues * PL_QUEUE_STATS + PLHW_NUM_STATS + 1;
}

static void pl_strings(u8 **data, const char *dir, unsigned int q,
		       const char * const *names, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		ethtool_sprintf(data, "%s%u_%s", dir, q, names[i]);
}

static void pl_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	struct pl_priv *priv = netdev_priv(dev);
	unsigned int q, i;

	if (sset != ETH_SS_STATS)
		return;
	for (q = 0; q < priv->num_queues; q++) {
		pl_strings(&data, "rx", q, pl_rx_names, ARRAY_SIZE(pl_rx_names));
		pl_strings(&data, "tx", q, pl_tx_names, ARRAY_SIZE(pl_tx_names));
		pl_strings(&data, "tx", q, pl_txc_names, ARRAY_SIZE(pl_txc_names));
		/* in the order of enum pl_irq_stat */
		ethtool_sprintf(&data, "rx%u_irqs", q);
		ethtool_sprintf(&data, "tx%u_irqs", q);
	}
	for (i = 0; i < PLHW_NUM_STATS; i++)
		ethtool_puts(&data, pl_hw_names[i]);
	ethtool_puts(&data, "tx_timeouts");
}

static void pl_get_ethtool_stats(struct net_device *dev,
				 struct ethtool_stats *stats, u64 *data)
{
	struct pl_priv *priv = netdev_priv(dev);
	unsigned int q, i;

	for (q = 0; q < priv->num_queues; q++) {
		struct pl_queue_counters c;

		pl_queue_counters(&priv->queues[q], &c);
		memcpy(data, c.rx, sizeof(c.rx));
		data += PL_RX_NUM_STATS;
		memcpy(data, c.tx, sizeof(c.tx));
		data += PL_TX_NUM_STATS;
		memcpy(data, c.txc, sizeof(c.txc));
		data += PL_TXC_NUM_STATS;
		memcpy(data, c.irq, sizeof(c.irq));
		data += PL_IRQ_NUM_STATS;
	}
	for (i = 0; i < PLHW_NUM_STATS; i++)
		*data++ = pl_read_hw_stat(priv, i);
	*data++ = atomic64_read(&priv->tx_timeouts);
}

static void pl_get_ringparam(struct net_device *dev,
			     struct ethtool_ringparam *ring,
			     struct kernel_ethtool_ringparam *kring,
			     struct netlink_ext_ack *extack)
{
	struct pl_priv *priv = netdev_priv(dev);

	ring->rx_max_pending = PL_RING_MAX;
	ring->tx_max_pending = PL_RING_MAX;
	ring->rx_pending = priv->rx_ring_size;
	ring->tx_pending = priv->tx_ring_size;
}

static int pl_set_ringparam(struct net_device *dev,
			    struct ethtool_ringparam *ring,
			    struct kernel_ethtool_ringparam *kring,
			    struct netlink_ext_ack *extack)
{
	struct pl_priv *priv = netdev_priv(dev);

	if (ring->rx_mini_pending || ring->rx_jumbo_pending) {
		NL_SET_ERR_MSG_MOD(extack, "no mini or jumbo rings");
		return -EINVAL;
	}
	if (!is_power_of_2(ring->rx_pending) ||
	    !is_power_of_2(ring->tx_pending)) {
		NL_SET_ERR_MSG_MOD(extack, "ring sizes must be powers of two");
		return -EINVAL;
	}
	if (ring->rx_pending < PL_RX_RING_MIN) {
		NL_SET_ERR_MSG_MOD(extack, "RX ring needs at least "
				   __stringify(PL_RX_RING_MIN) " entries");
		return -EINVAL;
	}
	if (ring->tx_pending < PL_TX_RING_MIN) {
		NL_SET_ERR_MSG_MOD(extack, "TX ring needs at least "
				   __stringify(PL_TX_RING_MIN) " entries");
		return -EINVAL;
	}
	if (ring->rx_pending == priv->rx_ring_size &&
	    ring->tx_pending == priv->tx_ring_size)
		return 0;
	return pl_reconfigure(priv, priv->num_queues, ring->rx_pending,
			      ring->tx_pending);
}

/* Combined channels only: each queue pair has its vector and NAPI. */
static void pl_get_channels(struct net_device *dev, struct ethtool_channels *ch)
{
	struct pl_priv *priv = netdev_priv(dev);

	ch->max_combined = priv->max_queues;
	ch->combined_count = priv->num_queues;
}

/*
 * The core has checked the counts against the maxima above (so no
 * separate RX or TX channels) and against an indirection table the user
 * set.
 */
static int pl_set_channels(struct net_device *dev, struct ethtool_channels *ch)
{
	struct pl_priv *priv = netdev_priv(dev);

	if (ch->combined_count == priv->num_queues)
		return 0;
	return pl_reconfigure(priv, ch->combined_count, priv->rx_ring_size,
			      priv->tx_ring_size);
}

/* Interrupt moderation: the NIC holds a vector's RX (TX) events until
 * usecs have passed since the first or frames have gathered.  With
 * adaptive-rx, DIM picks each queue's RX values (dim.c).
 */
static int pl_get_coalesce(struct net_device *dev,
			   struct ethtool_coalesce *ec,
			   struct kernel_ethtool_coalesce *kec,
			   struct netlink_ext_ack *extack)
{
	struct pl_priv *priv = netdev_priv(dev);

	ec->use_adaptive_rx_coalesce = priv->coal.adaptive_rx;
	ec->rx_coalesce_usecs = priv->coal.rx_usecs;
	ec->rx_max_coalesced_frames = priv->coal.rx_frames;
	ec->tx_coalesce_usecs = priv->coal.tx_usecs;
	ec->tx_max_coalesced_frames = priv->coal.tx_frames;
	return 0;
}

static int pl_set_coalesce(struct net_device *dev,
			   struct ethtool_coalesce *ec,
			   struct kernel_ethtool_coalesce *kec,
			   struct netlink_ext_ack *extack)
{
	struct pl_priv *priv = netdev_priv(dev);
	struct pl_coalesce coal = {
		.adaptive_rx = ec->use_adaptive_rx_coalesce,
		.rx_usecs = ec->rx_coalesce_usecs,
		.rx_frames = ec->rx_max_coalesced_frames,
		.tx_usecs = ec->tx_coalesce_usecs,
		.tx_frames = ec->tx_max_coalesced_frames,
	};

	if (coal.rx_usecs > PLHW_MAX_IRQ_USECS ||
	    coal.tx_usecs > PLHW_MAX_IRQ_USECS) {
		NL_SET_ERR_MSG_MOD(extack, "usecs above "
				   __stringify(PLHW_MAX_IRQ_USECS));
		return -ERANGE;
	}
	if (coal.rx_frames > PLHW_MAX_IRQ_FRAMES ||
	    coal.tx_frames > PLHW_MAX_IRQ_FRAMES) {
		NL_SET_ERR_MSG_MOD(extack, "frames above "
				   __stringify(PLHW_MAX_IRQ_FRAMES));
		return -ERANGE;
	}
	/* what DIM sets is not the user's: say so, rather than ignore it */
	if (coal.adaptive_rx && priv->coal.adaptive_rx &&
	    (coal.rx_usecs != priv->coal.rx_usecs ||
	     coal.rx_frames != priv->coal.rx_frames)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "adaptive-rx picks rx-usecs and rx-frames: turn it off to set them");
		return -EINVAL;
	}
	pl_adaptive_rx(priv, coal.adaptive_rx);
	priv->coal = coal;
	if (netif_running(dev))
		pl_write_coalesce(priv);
	return 0;
}

/* A queue's moderation as programmed: DIM's RX values under adaptive-rx. */
static int pl_get_per_queue_coalesce(struct net_device *dev, u32 queue,
				     struct ethtool_coalesce *ec)
{
	struct pl_priv *priv = netdev_priv(dev);
	u32 base = PLHW_Q(queue);

	if (queue >= priv->num_queues)
		return -EINVAL;
	ec->use_adaptive_rx_coalesce = priv->coal.adaptive_rx;
	if (!priv->up) {
		ec->rx_coalesce_usecs = priv->coal.rx_usecs;
		ec->rx_max_coalesced_frames = priv->coal.rx_frames;
	} else {
		ec->rx_coalesce_usecs = pl_readl(priv, base + PLHW_IRQ_RX_USECS);
		ec->rx_max_coalesced_frames = pl_readl(priv, base +
						       PLHW_IRQ_RX_FRAMES);
	}
	ec->tx_coalesce_usecs = priv->coal.tx_usecs;
	ec->tx_max_coalesced_frames = priv->coal.tx_frames;
	return 0;
}

/* ethtool -x/-X need the number of RX rings: the indirection table's range */
u32 pl_get_rx_ring_count(struct net_device *dev)
{
	struct pl_priv *priv = netdev_priv(dev);

	return priv->num_queues;
}

static u32 pl_get_rxfh_key_size(struct net_device *dev)
{
	return PLHW_RSS_KEY_LEN;
}

static u32 pl_get_rxfh_indir_size(struct net_device *dev)
{
	return PLHW_RSS_INDIR_LEN;
}

int pl_rxfh_get(struct net_device *dev, u32 *indir, u8 *key, u8 *hfunc)
{
	struct pl_priv *priv = netdev_priv(dev);

	if (hfunc)
		*hfunc = ETH_RSS_HASH_TOP;
	if (key)
		memcpy(key, priv->rss_key, sizeof(priv->rss_key));
	if (indir)
		memcpy(indir, priv->rss_indir, sizeof(priv->rss_indir));
	return 0;
}

/* The core has checked the table's entries against the RX ring count. */
int pl_rxfh_set(struct net_device *dev, const u32 *indir, const u8 *key,
		u8 hfunc, struct netlink_ext_ack *extack)
{
	struct pl_priv *priv = netdev_priv(dev);

	if (hfunc != ETH_RSS_HASH_NO_CHANGE && hfunc != ETH_RSS_HASH_TOP) {
		NL_SET_ERR_MSG_MOD(extack, "the NIC hashes with Toeplitz only");
		return -EOPNOTSUPP;
	}
	if (key)
		memcpy(priv->rss_key, key, sizeof(priv->rss_key));
	if (indir)
		memcpy(priv->rss_indir, indir, sizeof(priv->rss_indir));
	if (netif_running(dev))
		pl_write_rss(priv);
	return 0;
}

const struct ethtool_ops pl_ethtool_ops = {
	.supported_coalesce_params = ETHTOOL_COALESCE_USECS |
				     ETHTOOL_COALESCE_MAX_FRAMES |
				     ETHTOOL_COALESCE_USE_ADAPTIVE_RX,
	.get_drvinfo		= pl_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_link_ksettings	= pl_get_link_ksettings,
	.set_link_ksettings	= pl_set_link_ksettings,
	.get_link_ext_state	= pl_get_link_ext_state,
	.get_sset_count		= pl_get_sset_count,
	.get_strings		= pl_get_strings,
	.get_ethtool_stats	= pl_get_ethtool_stats,
	.get_ringparam		= pl_get_ringparam,
	.set_ringparam		= pl_set_ringparam,
	.get_ts_info		= pl_get_ts_info,
	.get_channels		= pl_get_channels,
	.set_channels		= pl_set_channels,
	.get_coalesce		= pl_get_coalesce,
	.set_coalesce		= pl_set_coalesce,
	.get_per_queue_coalesce	= pl_get_per_queue_coalesce,
	PL_ETHTOOL_RX_RING_COUNT,
	.get_rxfh_key_size	= pl_get_rxfh_key_size,
	.get_rxfh_indir_size	= pl_get_rxfh_indir_size,
	.get_rxfh		= pl_get_rxfh,
	.set_rxfh		= pl_set_rxfh,
};
