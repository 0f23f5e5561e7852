// SPDX-License-Identifier: GPL-2.0
/*
 * pktlife link: pairs created and deleted through rtnetlink, like veth.
 * Each end drives its own NIC port; the two ports are cabled together.
 *
 *	ip link add a type pktlife peer name b
 *
 * The peer's attributes travel in IFLA_INFO_DATA as PL_INFO_PEER: a struct
 * ifinfomsg followed by the peer's own IFLA_* attributes.  Deleting either
 * end deletes both.
 */
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <net/rtnetlink.h>

#include "pktlife.h"

static struct rtnl_link_ops pl_link_ops;

static const struct nla_policy pl_policy[PL_INFO_MAX + 1] = {
	[PL_INFO_PEER]	= { .len = sizeof(struct ifinfomsg) },
};

static int pl_validate(struct nlattr *tb[], struct nlattr *data[],
		       struct netlink_ext_ack *extack)
{
	if (tb[IFLA_ADDRESS]) {
		if (nla_len(tb[IFLA_ADDRESS]) != ETH_ALEN) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "MAC address must be 6 bytes");
			return -EINVAL;
		}
		if (!is_valid_ether_addr(nla_data(tb[IFLA_ADDRESS]))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "MAC address is not a valid unicast address");
			return -EADDRNOTAVAIL;
		}
	}
	return 0;
}

/*
 * Register @dev as the driver of NIC port @hw.  From its ndo_init on, the
 * net_device owns the port (its destructor destroys it, even when
 * registering fails later); if registering fails before, we destroy it.
 */
static int pl_register(struct net_device *dev, struct plhw_port *hw)
{
	struct pl_priv *priv = netdev_priv(dev);
	int err;

	priv->hw = hw;
	priv->dmadev = plhw_dma_dev(hw);
	SET_NETDEV_DEV(dev, priv->dmadev);
	err = register_netdevice(dev);
	if (err && priv->hw) {
		plhw_port_destroy(priv->hw);
		priv->hw = NULL;
	}
	return err;
}

/* Create and register the peer described by @tbp in @net, its netns. */
static struct net_device *pl_create_peer(struct net *net,
					 struct ifinfomsg *ifmp,
					 struct nlattr **tbp,
					 struct plhw_port *hw,
					 struct netlink_ext_ack *extack)
{
	unsigned char name_assign_type;
	struct net_device *peer;
	char ifname[IFNAMSIZ];
	int err;

	if (ifmp && tbp[IFLA_IFNAME]) {
		nla_strscpy(ifname, tbp[IFLA_IFNAME], IFNAMSIZ);
		name_assign_type = NET_NAME_USER;
	} else {
		snprintf(ifname, IFNAMSIZ, "pl%%d");
		name_assign_type = NET_NAME_ENUM;
	}

	peer = rtnl_create_link(net, ifname, name_assign_type, &pl_link_ops,
				tbp, extack);
	if (IS_ERR(peer)) {
		plhw_port_destroy(hw);
		return peer;
	}

	if (!ifmp || !tbp[IFLA_ADDRESS])
		eth_hw_addr_random(peer);
	if (ifmp && ifmp->ifi_index)
		peer->ifindex = ifmp->ifi_index;

	err = pl_register(peer, hw);
	if (err) {
		free_netdev(peer);
		return ERR_PTR(err);
	}
	netif_carrier_off(peer);

	err = rtnl_configure_link(peer, ifmp, 0, NULL);
	if (err) {
		unregister_netdevice(peer);
		return ERR_PTR(err);
	}
	return peer;
}

int pl_newlink(struct net_device *dev, struct rtnl_newlink_params *params,
	       struct netlink_ext_ack *extack)
{
	struct nlattr *peer_tb[IFLA_MAX + 1], **tbp = params->tb;
	struct nlattr **data = params->data, **tb = params->tb;
	struct plhw_port *hw_dev, *hw_peer;
	struct ifinfomsg *ifmp = NULL;
	struct net_device *peer;
	struct net *peer_net;
	struct pl_priv *priv;
	int err;

	if (data && data[PL_INFO_PEER]) {
		struct nlattr *nla_peer = data[PL_INFO_PEER];

		ifmp = nla_data(nla_peer);
		err = rtnl_nla_parse_ifinfomsg(peer_tb, nla_peer, extack);
		if (err < 0)
			return err;
		err = pl_validate(peer_tb, NULL, extack);
		if (err < 0)
			return err;
		tbp = peer_tb;
	}

	peer_net = pl_peer_net_get(params, tbp);
	if (IS_ERR(peer_net))
		return PTR_ERR(peer_net);

	/* Two NIC ports, cabled: one for each end. */
	err = plhw_pair_create(&hw_dev, &hw_peer);
	if (err)
		goto out_put_net;

	/* The peer first, as veth does: if it fails, nothing is left. */
	peer = pl_create_peer(peer_net, ifmp, tbp, hw_peer, extack);
	if (IS_ERR(peer)) {
		plhw_port_destroy(hw_dev);
		err = PTR_ERR(peer);
		goto out_put_net;
	}

	if (!tb[IFLA_ADDRESS])
		eth_hw_addr_random(dev);
	if (tb[IFLA_IFNAME])
		nla_strscpy(dev->name, tb[IFLA_IFNAME], IFNAMSIZ);
	else
		snprintf(dev->name, IFNAMSIZ, "pl%%d");

	err = pl_register(dev, hw_dev);
	if (err < 0)
		goto err_unregister_peer;
	netif_carrier_off(dev);

	/* Both are registered and down: tie them together. */
	priv = netdev_priv(dev);
	rcu_assign_pointer(priv->peer, peer);
	priv = netdev_priv(peer);
	rcu_assign_pointer(priv->peer, dev);
	put_net(peer_net);
	return 0;

err_unregister_peer:
	unregister_netdevice(peer);
out_put_net:
	put_net(peer_net);
	return err;
}

static void pl_dellink(struct net_device *dev, struct list_head *head)
{
	struct pl_priv *priv = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(priv->peer);

	/* dellink may run from default_device_exit_batch() before an RCU
	 * grace period; unregistering both ends waits for one before either
	 * is freed, so senders that still see the old pointer are safe.
	 */
	RCU_INIT_POINTER(priv->peer, NULL);
	unregister_netdevice_queue(dev, head);

	if (peer) {
		priv = netdev_priv(peer);
		RCU_INIT_POINTER(priv->peer, NULL);
		unregister_netdevice_queue(peer, head);
	}
}

static struct net *pl_get_link_net(const struct net_device *dev)
{
	struct pl_priv *priv = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(priv->peer);

	return peer ? dev_net(peer) : dev_net(dev);
}

/* Every queue the NIC has; ethtool -L decides how many are in use. */
static unsigned int pl_get_num_queues(void)
{
	return PLHW_MAX_QUEUES;
}

static struct rtnl_link_ops pl_link_ops = {
	.kind		= PL_DRV_NAME,
	.priv_size	= sizeof(struct pl_priv),
	.setup		= pl_netdev_setup,
	.validate	= pl_validate,
	PL_RTNL_NEWLINK(pl_newlink, PL_INFO_PEER),
	.dellink	= pl_dellink,
	.policy		= pl_policy,
	.maxtype	= PL_INFO_MAX,
	.get_link_net	= pl_get_link_net,
	.get_num_tx_queues = pl_get_num_queues,
	.get_num_rx_queues = pl_get_num_queues,
};

int pl_link_register(void)
{
	return rtnl_link_register(&pl_link_ops);
}

/* Deletes every pair that still exists. */
void pl_link_unregister(void)
{
	rtnl_link_unregister(&pl_link_ops);
}
