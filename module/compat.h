/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pktlife compat: the one place where kernel-version differences live.
 *
 * The driver and the NIC model are written against the newest supported
 * kernel (Debian's newest, 7.x); this header gives older ones (6.12, 6.1)
 * the same spelling.  Nothing else in module/ tests LINUX_VERSION_CODE.
 */
#ifndef _PKTLIFE_COMPAT_H
#define _PKTLIFE_COMPAT_H

#include <linux/dim.h>
#include <linux/ethtool.h>
#include <linux/hrtimer.h>
#include <linux/irq.h>
#include <linux/net_tstamp.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <net/netdev_queues.h>
#include <net/rtnetlink.h>

/* page_pool's headers were split in 6.6. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#include <net/page_pool/helpers.h>
#else
#include <net/page_pool.h>
#endif

/* The unaligned accessors moved to linux/ in 6.12. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * An IRQ moves when its affinity is written if its chip can retarget it at
 * any time, as the NIC model's can (irq.c): the default since 6.13, where
 * chips that cannot say IRQCHIP_MOVE_DEFERRED.  Before, an IRQ not marked
 * IRQ_MOVE_PCNTXT moved only at its next interrupt, from an irq_move_irq()
 * in the chip's ack, which an MSI-X table entry has no need of.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
static inline void pl_irq_set_movable(unsigned int irq)
{
	irq_set_status_flags(irq, IRQ_MOVE_PCNTXT);
}
#else
static inline void pl_irq_set_movable(unsigned int irq)
{
}
#endif

/*
 * hrtimer_setup() (6.13) sets the callback with the rest; hrtimer_init()
 * is gone since.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
static inline void hrtimer_setup(struct hrtimer *timer,
				 enum hrtimer_restart (*function)(struct hrtimer *),
				 clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
}
#endif

/*
 * rtnl_link_ops.newlink takes its arguments packed in one structure since
 * 6.15, the peer's netns among them: the core resolves it from the
 * attributes nested in the ops' peer_type.  Before, the driver resolved it
 * itself with rtnl_link_get_net().  pl_newlink() is written once, for the
 * structure; pl_peer_net_get() gives it a reference to the peer's netns
 * either way.
 */
struct rtnl_newlink_params;
int pl_newlink(struct net_device *dev, struct rtnl_newlink_params *params,
	       struct netlink_ext_ack *extack);

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
static inline struct net *pl_peer_net_get(struct rtnl_newlink_params *p,
					  struct nlattr **peer_tb)
{
	return get_net(rtnl_newlink_peer_net(p));
}

#define PL_RTNL_NEWLINK(fn, peer)	.newlink = fn, .peer_type = peer
#else
struct rtnl_newlink_params {
	struct net *src_net;
	struct nlattr **tb;
	struct nlattr **data;
};

static inline struct net *pl_peer_net_get(struct rtnl_newlink_params *p,
					  struct nlattr **peer_tb)
{
	return rtnl_link_get_net(p->src_net, peer_tb);
}

static inline int pl_newlink_compat(struct net *src_net, struct net_device *dev,
				    struct nlattr *tb[], struct nlattr *data[],
				    struct netlink_ext_ack *extack)
{
	struct rtnl_newlink_params p = {
		.src_net = src_net,
		.tb = tb,
		.data = data,
	};

	return pl_newlink(dev, &p, extack);
}

#define PL_RTNL_NEWLINK(fn, peer)	.newlink = fn##_compat
#endif

/*
 * Per-queue statistics over netlink (netdev_stat_ops, 6.9).  Older kernels
 * get the structures the driver fills, with the fields it uses, so that it
 * compiles the same; nothing ever asks for them there.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
static inline void pl_netdev_set_stat_ops(struct net_device *dev,
					  const struct netdev_stat_ops *ops)
{
	dev->stat_ops = ops;
}
#else
struct netdev_queue_stats_rx {
	u64 bytes;
	u64 packets;
	u64 alloc_fail;
	u64 csum_unnecessary;
	u64 csum_none;
	u64 csum_bad;
};

struct netdev_queue_stats_tx {
	u64 bytes;
	u64 packets;
	u64 needs_csum;
	u64 hw_gso_packets;
	u64 stop;
	u64 wake;
};

struct netdev_stat_ops {
	void (*get_queue_stats_rx)(struct net_device *dev, int idx,
				   struct netdev_queue_stats_rx *stats);
	void (*get_queue_stats_tx)(struct net_device *dev, int idx,
				   struct netdev_queue_stats_tx *stats);
	void (*get_base_stats)(struct net_device *dev,
			       struct netdev_queue_stats_rx *rx,
			       struct netdev_queue_stats_tx *tx);
};

static inline void pl_netdev_set_stat_ops(struct net_device *dev,
					  const struct netdev_stat_ops *ops)
{
}
#endif

/*
 * ethtool's get_ts_info takes the kernel's own structure from 6.11 on;
 * the fields the driver sets are the same.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define pl_ts_info kernel_ethtool_ts_info
#else
#define pl_ts_info ethtool_ts_info
#endif

/*
 * Hardware timestamping is configured through ndo_hwtstamp_get/set from
 * 6.6 on (the core turns SIOCGHWTSTAMP/SIOCSHWTSTAMP and netlink into
 * those); before, the driver answers the ioctls itself.  Either way
 * pl_hwtstamp_get() and pl_hwtstamp_set() do the work.
 */
void pl_hwtstamp_get(struct net_device *dev, int *tx_type, int *rx_filter);
int pl_hwtstamp_set(struct net_device *dev, int *tx_type, int *rx_filter,
		    struct netlink_ext_ack *extack);

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
static inline int pl_ndo_hwtstamp_get(struct net_device *dev,
				      struct kernel_hwtstamp_config *cfg)
{
	pl_hwtstamp_get(dev, &cfg->tx_type, &cfg->rx_filter);
	return 0;
}

static inline int pl_ndo_hwtstamp_set(struct net_device *dev,
				      struct kernel_hwtstamp_config *cfg,
				      struct netlink_ext_ack *extack)
{
	return pl_hwtstamp_set(dev, &cfg->tx_type, &cfg->rx_filter, extack);
}

#define PL_NDO_HWTSTAMP					\
	.ndo_hwtstamp_get	= pl_ndo_hwtstamp_get,	\
	.ndo_hwtstamp_set	= pl_ndo_hwtstamp_set
#else
static inline int pl_ndo_eth_ioctl(struct net_device *dev, struct ifreq *ifr,
				   int cmd)
{
	struct hwtstamp_config cfg = {};
	int err;

	switch (cmd) {
	case SIOCGHWTSTAMP:
		pl_hwtstamp_get(dev, &cfg.tx_type, &cfg.rx_filter);
		break;
	case SIOCSHWTSTAMP:
		if (copy_from_user(&cfg, ifr->ifr_data, sizeof(cfg)))
			return -EFAULT;
		if (cfg.flags)
			return -EINVAL;
		err = pl_hwtstamp_set(dev, &cfg.tx_type, &cfg.rx_filter, NULL);
		if (err)
			return err;
		break;
	default:
		return -EOPNOTSUPP;
	}
	return copy_to_user(ifr->ifr_data, &cfg, sizeof(cfg)) ? -EFAULT : 0;
}

#define PL_NDO_HWTSTAMP	.ndo_eth_ioctl = pl_ndo_eth_ioctl
#endif

/*
 * Queues name their NAPI (6.8), for netlink's queue-get and for busy
 * polling by queue; before that nothing needs to know.  Under RTNL.
 */
static inline void pl_queue_set_napi(struct net_device *dev, unsigned int qi,
				     struct napi_struct *napi)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	netif_queue_set_napi(dev, qi, NETDEV_QUEUE_TYPE_RX, napi);
	netif_queue_set_napi(dev, qi, NETDEV_QUEUE_TYPE_TX, napi);
#endif
}

/*
 * page_pool_params learnt its NAPI (direct recycling from the NAPI that
 * owns the pool, 6.x) and its netdev and queue (netlink introspection,
 * 6.8).  Without them the pool works the same, only less visibly.
 */
static inline void pl_pp_params_owner(struct page_pool_params *pp,
				      struct napi_struct *napi,
				      struct net_device *dev, u32 queue)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	pp->napi = napi;
	pp->netdev = dev;
	pp->queue_idx = queue;
#endif
}

/*
 * __netif_txq_completed_wake() (after 6.1) reports completions to BQL and
 * wakes the queue with the barrier that pairs with netif_txq_try_stop().
 * 6.1 has that barrier in __netif_txq_maybe_wake() instead.
 */
#ifndef __netif_txq_completed_wake
#define __netif_txq_completed_wake(txq, pkts, bytes, get_desc, start_thrs, \
				   down_cond)				\
	({								\
		netdev_tx_completed_queue(txq, pkts, bytes);		\
		(pkts) ? __netif_txq_maybe_wake(txq, get_desc, start_thrs, \
						down_cond) : -1;	\
	})
#endif

/*
 * The RX ring count has an ethtool op of its own since 6.19; before, the
 * core asked get_rxnfc() for ETHTOOL_GRXRINGS (and 7.x no longer does).
 */
u32 pl_get_rx_ring_count(struct net_device *dev);

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 19, 0)
#define PL_ETHTOOL_RX_RING_COUNT	.get_rx_ring_count = pl_get_rx_ring_count
#else
static inline int pl_get_rxnfc(struct net_device *dev,
			       struct ethtool_rxnfc *info, u32 *rule_locs)
{
	if (info->cmd != ETHTOOL_GRXRINGS)
		return -EOPNOTSUPP;
	info->data = pl_get_rx_ring_count(dev);
	return 0;
}

#define PL_ETHTOOL_RX_RING_COUNT	.get_rxnfc = pl_get_rxnfc
#endif

/* ethtool_puts() came in 6.8. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 8, 0)
static inline void ethtool_puts(u8 **data, const char *str)
{
	strscpy((char *)*data, str, ETH_GSTRING_LEN);
	*data += ETH_GSTRING_LEN;
}
#endif

/*
 * get_rxfh()/set_rxfh() take one struct ethtool_rxfh_param since 6.8
 * (with RSS contexts, which pktlife does not have); before, the table, the
 * key and the function were separate arguments.  Both call the driver's
 * pl_rxfh_get()/pl_rxfh_set() (ethtool.c).
 */
int pl_rxfh_get(struct net_device *dev, u32 *indir, u8 *key, u8 *hfunc);
int pl_rxfh_set(struct net_device *dev, const u32 *indir, const u8 *key,
		u8 hfunc, struct netlink_ext_ack *extack);

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
static inline int pl_get_rxfh(struct net_device *dev,
			      struct ethtool_rxfh_param *p)
{
	return pl_rxfh_get(dev, p->indir, p->key, &p->hfunc);
}

static inline int pl_set_rxfh(struct net_device *dev,
			      struct ethtool_rxfh_param *p,
			      struct netlink_ext_ack *extack)
{
	if (p->rss_context || p->rss_delete) {
		NL_SET_ERR_MSG_MOD(extack, "no RSS contexts");
		return -EOPNOTSUPP;
	}
	return pl_rxfh_set(dev, p->indir, p->key, p->hfunc, extack);
}
#else
static inline int pl_get_rxfh(struct net_device *dev, u32 *indir, u8 *key,
			      u8 *hfunc)
{
	return pl_rxfh_get(dev, indir, key, hfunc);
}

static inline int pl_set_rxfh(struct net_device *dev, const u32 *indir,
			      const u8 *key, const u8 hfunc)
{
	return pl_rxfh_set(dev, indir, key, hfunc, NULL);
}
#endif

/* net_dim() takes its sample by reference since 6.14. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 14, 0)
static inline void pl_net_dim(struct dim *dim, const struct dim_sample *sample)
{
	net_dim(dim, *sample);
}
#else
static inline void pl_net_dim(struct dim *dim, const struct dim_sample *sample)
{
	net_dim(dim, sample);
}
#endif

#endif /* _PKTLIFE_COMPAT_H */
