/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pktlife compat: the one place where kernel-version differences live.
 *
 * The driver is written against the newest supported kernel (6.12); this
 * header gives older ones (6.1) the same spelling.  Nothing else in the
 * driver tests LINUX_VERSION_CODE.
 */
#ifndef _PKTLIFE_COMPAT_H
#define _PKTLIFE_COMPAT_H

#include <linux/ethtool.h>
#include <linux/version.h>
#include <net/netdev_queues.h>

/* page_pool's headers were split in 6.6. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#include <net/page_pool/helpers.h>
#else
#include <net/page_pool.h>
#endif

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

#endif /* _PKTLIFE_COMPAT_H */
