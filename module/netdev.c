// SPDX-License-Identifier: GPL-2.0
/*
 * pktlife netdev: the ndo ops and the datapath of one end of a pair.
 *
 * A frame sent on one end is put on the peer's receive ring and the peer's
 * NAPI is scheduled, the way a NIC raises its interrupt once a frame is in
 * host memory.  The peer's poll builds the frame up the stack with
 * eth_type_trans() and GRO.  When the peer's ring is full the sender's TX
 * queue is stopped, and the peer's poll wakes it once it has made room.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include "pktlife.h"

static struct pl_rx_queue *pl_rxq_of(struct net_device *dev)
{
	struct pl_priv *priv = netdev_priv(dev);

	return &priv->rxq;
}

/* Raise the receive "interrupt" of @rxq unless it is masked. */
static void pl_rx_kick(struct pl_rx_queue *rxq)
{
	/* Write the ring before reading notify_masked; pairs with
	 * smp_store_mb() in pl_poll(): either we see the poll's unmask or
	 * the poll's re-check sees our frame.
	 */
	smp_mb();
	if (!READ_ONCE(rxq->notify_masked) && napi_schedule_prep(&rxq->napi)) {
		WRITE_ONCE(rxq->notify_masked, true);
		__napi_schedule(&rxq->napi);
	}
}

/* Called with the TX queue lock held, after a frame filled the peer's ring. */
static void pl_tx_stop(struct pl_tx_queue *plq, struct netdev_queue *txq,
		       struct pl_rx_queue *peer_rxq)
{
	netif_tx_stop_queue(txq);
	/* Publish the stop before re-reading the ring; pairs with smp_mb()
	 * in pl_wake_sender(): either the consumer sees the queue stopped
	 * and wakes it, or we see the room it made.
	 */
	smp_mb__after_atomic();
	if (unlikely(!ptr_ring_full(&peer_rxq->ring))) {
		netif_tx_start_queue(txq);
		return;
	}
	u64_stats_update_begin(&plq->stats.syncp);
	u64_stats_inc(&plq->stats.stops);
	u64_stats_update_end(&plq->stats.syncp);
}

static void pl_tx_drop(struct pl_tx_queue *plq, struct sk_buff *skb,
		       u64_stats_t *counter)
{
	u64_stats_update_begin(&plq->stats.syncp);
	u64_stats_inc(counter);
	u64_stats_update_end(&plq->stats.syncp);
	kfree_skb(skb);
}

static netdev_tx_t pl_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct pl_priv *priv = netdev_priv(dev);
	struct pl_tx_queue *plq = &priv->txq;
	struct pl_rx_queue *peer_rxq;
	struct netdev_queue *txq;
	struct net_device *peer;
	unsigned int len;

	/* The core calls us under rcu_read_lock_bh(); dellink clears the
	 * peer and unregistering waits for a grace period before the peer's
	 * ring is freed.
	 */
	peer = rcu_dereference_bh(priv->peer);
	if (unlikely(!peer || !netif_running(peer))) {
		pl_tx_drop(plq, skb, &plq->stats.drop_no_peer);
		return NETDEV_TX_OK;
	}
	/* Zero-copy pages belong to the sender until it is told they are
	 * done with; copy them before the frame goes into another stack.
	 */
	if (unlikely(skb_orphan_frags(skb, GFP_ATOMIC))) {
		pl_tx_drop(plq, skb, &plq->stats.drop_nomem);
		return NETDEV_TX_OK;
	}

	skb_tx_timestamp(skb);
	len = skb->len;
	skb_scrub_packet(skb, !net_eq(dev_net(dev), dev_net(peer)));
	skb->priority = 0;

	peer_rxq = pl_rxq_of(peer);
	txq = netdev_get_tx_queue(dev, skb_get_queue_mapping(skb));
	if (unlikely(ptr_ring_produce(&peer_rxq->ring, skb))) {
		/* Only reachable if the stop below lost a race with purge. */
		pl_tx_drop(plq, skb, &plq->stats.drop_ring_full);
		return NETDEV_TX_OK;
	}
	/* The skb now belongs to the peer's poll: touch it no more. */

	u64_stats_update_begin(&plq->stats.syncp);
	u64_stats_inc(&plq->stats.packets);
	u64_stats_add(&plq->stats.bytes, len);
	u64_stats_update_end(&plq->stats.syncp);

	if (unlikely(ptr_ring_full(&peer_rxq->ring)))
		pl_tx_stop(plq, txq, peer_rxq);

	pl_rx_kick(peer_rxq);
	return NETDEV_TX_OK;
}

/* Restart the peer's TX queue once our ring has room again. */
static void pl_wake_sender(struct pl_rx_queue *rxq)
{
	struct pl_priv *priv = netdev_priv(rxq->dev);
	struct netdev_queue *txq;
	struct net_device *peer;

	rcu_read_lock();
	peer = rcu_dereference(priv->peer);
	if (peer) {
		txq = netdev_get_tx_queue(peer, 0);
		/* Consume before reading the queue state; pairs with
		 * smp_mb__after_atomic() in pl_tx_stop().
		 */
		smp_mb();
		if (netif_tx_queue_stopped(txq) && !ptr_ring_full(&rxq->ring)) {
			netif_tx_wake_queue(txq);
			u64_stats_update_begin(&rxq->stats.syncp);
			u64_stats_inc(&rxq->stats.peer_wakes);
			u64_stats_update_end(&rxq->stats.syncp);
		}
	}
	rcu_read_unlock();
}

static int pl_poll(struct napi_struct *napi, int budget)
{
	struct pl_rx_queue *rxq = container_of(napi, struct pl_rx_queue, napi);
	unsigned int runt = 0, oversize = 0, packets = 0;
	struct pl_rx_stats *rs = &rxq->stats;
	struct net_device *dev = rxq->dev;
	unsigned int max_len;
	u64 bytes = 0;
	int done = 0;

	/* A frame may carry one VLAN tag on top of the MTU. */
	max_len = READ_ONCE(dev->mtu) + ETH_HLEN + VLAN_HLEN;

	while (done < budget) {
		struct sk_buff *skb = __ptr_ring_consume(&rxq->ring);
		unsigned int len;

		if (!skb)
			break;
		done++;
		len = skb->len;
		if (unlikely(len < ETH_HLEN)) {
			runt++;
			kfree_skb(skb);
			continue;
		}
		if (unlikely(len > max_len && !skb_is_gso(skb))) {
			oversize++;
			kfree_skb(skb);
			continue;
		}
		skb->protocol = eth_type_trans(skb, dev);
		skb_record_rx_queue(skb, 0);
		napi_gro_receive(napi, skb);
		packets++;
		bytes += len;
	}

	u64_stats_update_begin(&rs->syncp);
	u64_stats_add(&rs->packets, packets);
	u64_stats_add(&rs->bytes, bytes);
	u64_stats_add(&rs->drop_runt, runt);
	u64_stats_add(&rs->drop_oversize, oversize);
	u64_stats_inc(&rs->polls);
	u64_stats_update_end(&rs->syncp);

	if (done)
		pl_wake_sender(rxq);

	if (done < budget && napi_complete_done(napi, done)) {
		/* Unmask before re-checking the ring; pairs with smp_mb() in
		 * pl_rx_kick(), so a frame produced meanwhile is not stranded.
		 */
		smp_store_mb(rxq->notify_masked, false);
		if (unlikely(!__ptr_ring_empty(&rxq->ring)) &&
		    napi_schedule_prep(napi)) {
			WRITE_ONCE(rxq->notify_masked, true);
			__napi_schedule(napi);
		}
	}
	return done;
}

/* Drop what the ring holds; the NAPI is disabled, so we are its consumer. */
static void pl_rx_purge(struct pl_rx_queue *rxq)
{
	struct sk_buff *skb;
	u64 n = 0;

	while ((skb = __ptr_ring_consume(&rxq->ring))) {
		kfree_skb(skb);
		n++;
	}
	u64_stats_update_begin(&rxq->stats.syncp);
	u64_stats_add(&rxq->stats.drop_down, n);
	u64_stats_update_end(&rxq->stats.syncp);
}

static int pl_open(struct net_device *dev)
{
	struct pl_priv *priv = netdev_priv(dev);
	struct net_device *peer;

	/* A poll cut short by napi_disable() may have left it masked. */
	WRITE_ONCE(priv->rxq.notify_masked, false);
	napi_enable(&priv->rxq.napi);
	netif_tx_start_all_queues(dev);

	peer = rtnl_dereference(priv->peer);
	if (peer && netif_running(peer)) {
		netif_carrier_on(dev);
		netif_carrier_on(peer);
	}
	/* The peer may have stopped on our ring while we were down. */
	pl_wake_sender(&priv->rxq);
	return 0;
}

static int pl_stop(struct net_device *dev)
{
	struct pl_priv *priv = netdev_priv(dev);
	struct net_device *peer;

	peer = rtnl_dereference(priv->peer);
	netif_carrier_off(dev);
	if (peer)
		netif_carrier_off(peer);

	napi_disable(&priv->rxq.napi);
	pl_rx_purge(&priv->rxq);
	return 0;
}

static void pl_skb_free(void *ptr)
{
	kfree_skb(ptr);
}

static int pl_init(struct net_device *dev)
{
	struct pl_priv *priv = netdev_priv(dev);
	int err;

	err = ptr_ring_init(&priv->rxq.ring, PL_RING_SIZE, GFP_KERNEL);
	if (err)
		return err;
	priv->rxq.dev = dev;
	u64_stats_init(&priv->rxq.stats.syncp);
	u64_stats_init(&priv->txq.stats.syncp);
	netif_napi_add(dev, &priv->rxq.napi, pl_poll);
	return 0;
}

static void pl_uninit(struct net_device *dev)
{
	struct pl_priv *priv = netdev_priv(dev);

	/* Unregistering waited for a grace period after dellink cleared the
	 * peer pointers: no sender can reach this ring any more.
	 */
	netif_napi_del(&priv->rxq.napi);
	ptr_ring_cleanup(&priv->rxq.ring, pl_skb_free);
}

void pl_rx_stats_read(const struct pl_rx_queue *rxq, struct pl_rx_counters *c)
{
	const struct pl_rx_stats *rs = &rxq->stats;
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&rs->syncp);
		c->packets = u64_stats_read(&rs->packets);
		c->bytes = u64_stats_read(&rs->bytes);
		c->drop_runt = u64_stats_read(&rs->drop_runt);
		c->drop_oversize = u64_stats_read(&rs->drop_oversize);
		c->drop_down = u64_stats_read(&rs->drop_down);
		c->polls = u64_stats_read(&rs->polls);
		c->peer_wakes = u64_stats_read(&rs->peer_wakes);
	} while (u64_stats_fetch_retry(&rs->syncp, start));
}

void pl_tx_stats_read(const struct pl_tx_queue *plq, struct pl_tx_counters *c)
{
	const struct pl_tx_stats *ts = &plq->stats;
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&ts->syncp);
		c->packets = u64_stats_read(&ts->packets);
		c->bytes = u64_stats_read(&ts->bytes);
		c->drop_no_peer = u64_stats_read(&ts->drop_no_peer);
		c->drop_ring_full = u64_stats_read(&ts->drop_ring_full);
		c->drop_nomem = u64_stats_read(&ts->drop_nomem);
		c->stops = u64_stats_read(&ts->stops);
	} while (u64_stats_fetch_retry(&ts->syncp, start));
}

static void pl_get_stats64(struct net_device *dev,
			   struct rtnl_link_stats64 *stats)
{
	struct pl_priv *priv = netdev_priv(dev);
	struct pl_rx_counters rx;
	struct pl_tx_counters tx;

	pl_rx_stats_read(&priv->rxq, &rx);
	pl_tx_stats_read(&priv->txq, &tx);

	stats->rx_packets = rx.packets;
	stats->rx_bytes = rx.bytes;
	stats->rx_length_errors = rx.drop_runt + rx.drop_oversize;
	stats->rx_errors = stats->rx_length_errors;
	stats->rx_dropped = rx.drop_down;
	stats->tx_packets = tx.packets;
	stats->tx_bytes = tx.bytes;
	stats->tx_dropped = tx.drop_no_peer + tx.drop_ring_full + tx.drop_nomem;
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

static const struct net_device_ops pl_netdev_ops = {
	.ndo_init		= pl_init,
	.ndo_uninit		= pl_uninit,
	.ndo_open		= pl_open,
	.ndo_stop		= pl_stop,
	.ndo_start_xmit		= pl_start_xmit,
	.ndo_get_stats64	= pl_get_stats64,
	.ndo_get_iflink		= pl_get_iflink,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
};

void pl_netdev_setup(struct net_device *dev)
{
	ether_setup(dev);

	/* The skb itself crosses to the peer: it cannot be sent twice. */
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE;

	dev->netdev_ops = &pl_netdev_ops;
	dev->ethtool_ops = &pl_ethtool_ops;
	dev->needs_free_netdev = true;

	/* Paged frames cross intact.  No checksum or segmentation offload
	 * yet: the stack finishes every frame before it reaches us.
	 */
	dev->hw_features = NETIF_F_SG | NETIF_F_HIGHDMA;
	dev->features = dev->hw_features;

	dev->min_mtu = PL_MIN_MTU;
	dev->max_mtu = PL_MAX_MTU;
}
