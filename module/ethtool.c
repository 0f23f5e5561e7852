// SPDX-License-Identifier: GPL-2.0
/*
 * pktlife ethtool: driver info and per-queue counters (ethtool -i, -S).
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>

#include "pktlife.h"

struct pl_stat_desc {
	const char *name;
	size_t offset;
};

#define PL_RX_STAT(f)	{ #f, offsetof(struct pl_rx_counters, f) }
#define PL_TX_STAT(f)	{ #f, offsetof(struct pl_tx_counters, f) }

static const struct pl_stat_desc pl_rx_stats_desc[] = {
	PL_RX_STAT(packets),
	PL_RX_STAT(bytes),
	PL_RX_STAT(polls),
	PL_RX_STAT(drop_runt),
	PL_RX_STAT(drop_oversize),
	PL_RX_STAT(drop_down),
	PL_RX_STAT(peer_wakes),
};

static const struct pl_stat_desc pl_tx_stats_desc[] = {
	PL_TX_STAT(packets),
	PL_TX_STAT(bytes),
	PL_TX_STAT(stops),
	PL_TX_STAT(drop_no_peer),
	PL_TX_STAT(drop_ring_full),
	PL_TX_STAT(drop_nomem),
};

#define PL_NUM_RX_STATS	ARRAY_SIZE(pl_rx_stats_desc)
#define PL_NUM_TX_STATS	ARRAY_SIZE(pl_tx_stats_desc)

static void pl_get_drvinfo(struct net_device *dev,
			   struct ethtool_drvinfo *info)
{
	strscpy(info->driver, PL_DRV_NAME, sizeof(info->driver));
	strscpy(info->version, PL_DRV_VERSION, sizeof(info->version));
}

static int pl_get_sset_count(struct net_device *dev, int sset)
{
	switch (sset) {
	case ETH_SS_STATS:
		return PL_NUM_RX_STATS + PL_NUM_TX_STATS;
	default:
		return -EOPNOTSUPP;
	}
}

static void pl_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	unsigned int i;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < PL_NUM_RX_STATS; i++)
		ethtool_sprintf(&data, "rx0_%s", pl_rx_stats_desc[i].name);
	for (i = 0; i < PL_NUM_TX_STATS; i++)
		ethtool_sprintf(&data, "tx0_%s", pl_tx_stats_desc[i].name);
}

static void pl_get_ethtool_stats(struct net_device *dev,
				 struct ethtool_stats *stats, u64 *data)
{
	struct pl_priv *priv = netdev_priv(dev);
	struct pl_rx_counters rx;
	struct pl_tx_counters tx;
	unsigned int i;

	pl_rx_stats_read(&priv->rxq, &rx);
	pl_tx_stats_read(&priv->txq, &tx);

	for (i = 0; i < PL_NUM_RX_STATS; i++)
		*data++ = *(u64 *)((u8 *)&rx + pl_rx_stats_desc[i].offset);
	for (i = 0; i < PL_NUM_TX_STATS; i++)
		*data++ = *(u64 *)((u8 *)&tx + pl_tx_stats_desc[i].offset);
}

const struct ethtool_ops pl_ethtool_ops = {
	.get_drvinfo		= pl_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_sset_count		= pl_get_sset_count,
	.get_strings		= pl_get_strings,
	.get_ethtool_stats	= pl_get_ethtool_stats,
};
