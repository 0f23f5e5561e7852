/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pktlife - a simulated NIC pair for watching the life of a packet.
 *
 * Private header: the contract between the files of the driver.
 */
#ifndef _PKTLIFE_H
#define _PKTLIFE_H

#include <linux/netdevice.h>
#include <linux/ptr_ring.h>
#include <linux/u64_stats_sync.h>

#include "compat.h"

#define PL_DRV_NAME	"pktlife"
#define PL_DRV_VERSION	"0.1.0"

#define PL_MIN_MTU	ETH_MIN_MTU
#define PL_MAX_MTU	9000
/* Frames the receiving end holds before the sender's queue is stopped. */
#define PL_RING_SIZE	256

/*
 * Attributes of IFLA_INFO_DATA.  PL_INFO_PEER has the number and layout of
 * VETH_INFO_PEER (a struct ifinfomsg followed by the peer's IFLA_* attributes)
 * so that iproute2's own veth parser can build our request.
 */
enum {
	PL_INFO_UNSPEC,
	PL_INFO_PEER,
	__PL_INFO_MAX
};

#define PL_INFO_MAX	(__PL_INFO_MAX - 1)

struct pl_rx_stats {
	u64_stats_t packets;
	u64_stats_t bytes;
	u64_stats_t drop_runt;
	u64_stats_t drop_oversize;
	u64_stats_t drop_down;
	u64_stats_t polls;
	u64_stats_t peer_wakes;
	struct u64_stats_sync syncp;
};

struct pl_tx_stats {
	u64_stats_t packets;
	u64_stats_t bytes;
	u64_stats_t drop_no_peer;
	u64_stats_t drop_ring_full;
	u64_stats_t drop_nomem;
	u64_stats_t stops;
	struct u64_stats_sync syncp;
};

/* Consistent snapshots of the counters above, for readers. */
struct pl_rx_counters {
	u64 packets;
	u64 bytes;
	u64 drop_runt;
	u64 drop_oversize;
	u64 drop_down;
	u64 polls;
	u64 peer_wakes;
};

struct pl_tx_counters {
	u64 packets;
	u64 bytes;
	u64 drop_no_peer;
	u64 drop_ring_full;
	u64 drop_nomem;
	u64 stops;
};

/**
 * struct pl_rx_queue - where the peer's frames wait for our NAPI poll
 * @napi: polls @ring
 * @ring: frames sent by the peer, produced under the peer's TX queue lock
 *	and consumed only by @napi (and by pl_rx_purge() while @napi is off)
 * @notify_masked: the "interrupt" is masked because @napi is scheduled;
 *	the peer skips napi scheduling while it is set
 * @dev: the device this queue belongs to
 * @stats: written by @napi only
 */
struct pl_rx_queue {
	struct napi_struct napi;
	struct ptr_ring ring;
	bool notify_masked;
	struct net_device *dev;
	struct pl_rx_stats stats;
};

struct pl_tx_queue {
	struct pl_tx_stats stats;	/* written under the TX queue lock */
};

/**
 * struct pl_priv - one end of a pair
 * @peer: the other end; RCU-protected as it goes away first on dellink
 * @rxq: receive queue
 * @txq: transmit queue state
 */
struct pl_priv {
	struct net_device __rcu *peer;
	struct pl_rx_queue rxq;
	struct pl_tx_queue txq;
};

/* link.c */
int pl_link_register(void);
void pl_link_unregister(void);

/* netdev.c */
void pl_netdev_setup(struct net_device *dev);
void pl_rx_stats_read(const struct pl_rx_queue *rxq, struct pl_rx_counters *c);
void pl_tx_stats_read(const struct pl_tx_queue *plq, struct pl_tx_counters *c);

/* ethtool.c */
extern const struct ethtool_ops pl_ethtool_ops;

#endif /* _PKTLIFE_H */
