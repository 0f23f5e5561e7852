// SPDX-License-Identifier: GPL-2.0
/*
 * L3 offload statistics ("ip stats set dev X l3_stats on"): the NIC's L3
 * counter engine counts the IP packets of a router interface on a pktlife
 * port (the port itself, or an 802.1Q VLAN on it) and of an IPv4 GRE or
 * IPIP tunnel whose underlay netns has pktlife ports; the driver hands the
 * counts to the core's offload xstats as deltas.
 *
 * All of it runs in netdevice notifiers, under RTNL, which therefore
 * protects the list of counted devices (of every netns: a tunnel's
 * underlay may be in another) and every port's rule allocation.
 */
#include <linux/bitfield.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <net/ip_tunnels.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "pktlife.h"

/* A rule of one port's L3 counter engine, counting for one device. */
struct pl_l3s_rule {
	struct list_head node;
	struct pl_priv *priv;
	unsigned int idx;
	u64 last[PLHW_L3C_NUM_STATS];	/* the counters at the last report */
};

/* What a rule matches (PLHW_L3C_* registers), EN aside. */
struct pl_l3s_match {
	u32 ctrl;
	u32 mac_hi;
	u32 mac_lo;
	u32 local;
	u32 remote;
};

/* A device with L3 stats enabled, and the rules counting for it. */
struct pl_l3s {
	struct list_head node;
	struct net_device *dev;
	struct list_head rules;
	struct pl_l3s_match m;		/* what they match */
	bool tunnel;
};

static LIST_HEAD(pl_l3s_list);

static struct pl_l3s *pl_l3s_find(const struct net_device *dev)
{
	struct pl_l3s *s;

	list_for_each_entry(s, &pl_l3s_list, node)
		if (s->dev == dev)
			return s;
	return NULL;
}

/* An IPv4 GRE or IPIP tunnel with both ends set: its IP protocol, or 0. */
static u8 pl_l3s_tunnel_proto(const struct net_device *dev)
{
	const struct ip_tunnel *t;
	const char *kind;

	if (!dev->rtnl_link_ops)
		return 0;
	kind = dev->rtnl_link_ops->kind;
	if (strcmp(kind, "gre") && strcmp(kind, "ipip"))
		return 0;
	t = netdev_priv(dev);
	if (!t->parms.iph.saddr || !t->parms.iph.daddr)
		return 0;	/* a wildcard end: no rule can match it */
	return strcmp(kind, "gre") ? IPPROTO_IPIP : IPPROTO_GRE;
}

/*
 * What rules for @dev match. A router interface: the pktlife port it is
 * or sits on (in *@port). A tunnel: *@port NULL, rules on every pktlife
 * port of its underlay netns. -EOPNOTSUPP: not something pktlife counts.
 */
static int pl_l3s_describe(struct net_device *dev, struct pl_l3s_match *m,
			   struct pl_priv **port)
{
	struct net_device *real = dev;
	const struct ip_tunnel *t;
	u8 proto;

	memset(m, 0, sizeof(*m));
	*port = NULL;
	proto = pl_l3s_tunnel_proto(dev);
	if (proto) {
		t = netdev_priv(dev);
		m->ctrl = PLHW_L3C_TUNNEL | FIELD_PREP(PLHW_L3C_PROTO, proto);
		m->local = be32_to_cpu(t->parms.iph.saddr);
		m->remote = be32_to_cpu(t->parms.iph.daddr);
		return 0;
	}
	if (is_vlan_dev(dev)) {
		if (vlan_dev_vlan_proto(dev) != htons(ETH_P_8021Q))
			return -EOPNOTSUPP;
		real = vlan_dev_real_dev(dev);
		m->ctrl = PLHW_L3C_VLAN |
			  FIELD_PREP(PLHW_L3C_VID, vlan_dev_vlan_id(dev));
	}
	if (!pl_netdev_is_ours(real))
		return -EOPNOTSUPP;
	m->mac_hi = (u32)dev->dev_addr[0] << 8 | dev->dev_addr[1];
	m->mac_lo = (u32)dev->dev_addr[2] << 24 | (u32)dev->dev_addr[3] << 16 |
		    (u32)dev->dev_addr[4] << 8 | dev->dev_addr[5];
	*port = netdev_priv(real);
	return 0;
}

static void pl_l3s_program(struct pl_priv *priv, unsigned int idx,
			   const struct pl_l3s_match *m)
{
	u32 base = PLHW_REG_L3C(idx);

	/* a rule changes while it does not count */
	pl_writel(priv, base + PLHW_L3C_CTRL, 0);
	pl_writel(priv, base + PLHW_L3C_MAC_HI, m->mac_hi);
	pl_writel(priv, base + PLHW_L3C_MAC_LO, m->mac_lo);
	pl_writel(priv, base + PLHW_L3C_LOCAL, m->local);
	pl_writel(priv, base + PLHW_L3C_REMOTE, m->remote);
	/* enabling zeroes the counters */
	pl_writel(priv, base + PLHW_L3C_CTRL, m->ctrl | PLHW_L3C_EN);
}

static int pl_l3s_rule_add(struct pl_l3s *s, struct pl_priv *priv,
			   const struct pl_l3s_match *m)
{
	struct pl_l3s_rule *r;
	unsigned int idx;

	if (!(pl_readl(priv, PLHW_REG_CAPS) & PLHW_CAP_L3C))
		return -EOPNOTSUPP;
	idx = find_first_zero_bit(&priv->l3c_used, PLHW_L3C_RULES);
	if (idx >= PLHW_L3C_RULES)
		return -ENOSPC;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->priv = priv;
	r->idx = idx;
	__set_bit(idx, &priv->l3c_used);
	pl_l3s_program(priv, idx, m);
	list_add_tail(&r->node, &s->rules);
	return 0;
}

/*
 * What @r counted since it last reported, added to @d.  Under RTNL, as is
 * every reader of the rules: nothing reads LO (which latches HI) between.
 */
static void pl_l3s_rule_delta(struct pl_l3s_rule *r,
			      struct rtnl_hw_stats64 *d)
{
	u64 now[PLHW_L3C_NUM_STATS];
	unsigned int n;

	for (n = 0; n < PLHW_L3C_NUM_STATS; n++) {
		u32 base = PLHW_REG_L3C(r->idx);
		u32 lo = pl_readl(r->priv, base + PLHW_L3C_STAT_LO(n));

		now[n] = (u64)pl_readl(r->priv, base + PLHW_L3C_STAT_HI(n)) << 32 |
			 lo;
	}
	d->rx_packets += now[PLHW_L3C_RX_PACKETS] - r->last[PLHW_L3C_RX_PACKETS];
	d->rx_bytes += now[PLHW_L3C_RX_BYTES] - r->last[PLHW_L3C_RX_BYTES];
	d->tx_packets += now[PLHW_L3C_TX_PACKETS] - r->last[PLHW_L3C_TX_PACKETS];
	d->tx_bytes += now[PLHW_L3C_TX_BYTES] - r->last[PLHW_L3C_TX_BYTES];
	memcpy(r->last, now, sizeof(now));
}

static void pl_l3s_rule_del(struct pl_l3s_rule *r)
{
	pl_writel(r->priv, PLHW_REG_L3C(r->idx) + PLHW_L3C_CTRL, 0);
	__clear_bit(r->idx, &r->priv->l3c_used);
	list_del(&r->node);
	kfree(r);
}

/* What the rules counted and nobody asked for yet: into the core's total. */
static void pl_l3s_push(struct pl_l3s *s, struct pl_l3s_rule *only)
{
	struct rtnl_hw_stats64 d = {};
	struct pl_l3s_rule *r;

	list_for_each_entry(r, &s->rules, node)
		if (!only || r == only)
			pl_l3s_rule_delta(r, &d);
	netdev_offload_xstats_push_delta(s->dev, NETDEV_OFFLOAD_XSTATS_TYPE_L3,
					 &d);
}

static void pl_l3s_free(struct pl_l3s *s)
{
	struct pl_l3s_rule *r, *tmp;

	list_for_each_entry_safe(r, tmp, &s->rules, node)
		pl_l3s_rule_del(r);
	list_del(&s->node);
	kfree(s);
}

static int pl_l3s_enable(struct net_device *dev,
			 struct netlink_ext_ack *extack)
{
	struct pl_l3s_match m;
	struct net_device *d;
	struct pl_priv *port;
	struct pl_l3s *s;
	int err;

	if (pl_l3s_describe(dev, &m, &port))
		return 0;	/* not ours to count */
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->dev = dev;
	s->m = m;
	INIT_LIST_HEAD(&s->rules);
	list_add_tail(&s->node, &pl_l3s_list);
	if (port) {
		err = pl_l3s_rule_add(s, port, &m);
		if (err)
			goto err_free;
		return 0;
	}
	s->tunnel = true;
	for_each_netdev(((struct ip_tunnel *)netdev_priv(dev))->net, d) {
		if (!pl_netdev_is_ours(d))
			continue;
		err = pl_l3s_rule_add(s, netdev_priv(d), &m);
		if (err)
			goto err_free;
	}
	if (list_empty(&s->rules))
		pl_l3s_free(s);	/* no pktlife port carries it */
	return 0;

err_free:
	pl_l3s_free(s);
	if (err == -ENOSPC)
		NL_SET_ERR_MSG_MOD(extack, "no free L3 counter on the NIC");
	return err;
}

/* @s->dev's address or a tunnel's ends may have changed: follow them. */
static void pl_l3s_update(struct pl_l3s *s)
{
	struct pl_l3s_match m;
	struct pl_l3s_rule *r;
	struct pl_priv *port;

	if (pl_l3s_describe(s->dev, &m, &port)) {
		/* no longer countable (a tunnel lost an end): match nothing */
		memset(&m, 0, sizeof(m));
		m.ctrl = PLHW_L3C_TUNNEL;
	}
	if (!memcmp(&m, &s->m, sizeof(m)))
		return;
	/* what the old rules counted stays counted */
	pl_l3s_push(s, NULL);
	s->m = m;
	list_for_each_entry(r, &s->rules, node) {
		pl_l3s_program(r->priv, r->idx, &m);
		memset(r->last, 0, sizeof(r->last));
	}
}

/* A pktlife port goes away: what its rules counted stays counted. */
static void pl_l3s_port_gone(struct pl_priv *priv)
{
	struct pl_l3s_rule *r, *rtmp;
	struct pl_l3s *s;

	list_for_each_entry(s, &pl_l3s_list, node) {
		list_for_each_entry_safe(r, rtmp, &s->rules, node) {
			if (r->priv != priv)
				continue;
			pl_l3s_push(s, r);
			pl_l3s_rule_del(r);
		}
	}
}

/* A pktlife port appears in a netns: it counts the tunnels over it. */
static void pl_l3s_port_new(struct net_device *dev)
{
	struct pl_l3s *s;

	list_for_each_entry(s, &pl_l3s_list, node) {
		if (!s->tunnel ||
		    !net_eq(((struct ip_tunnel *)netdev_priv(s->dev))->net,
			    dev_net(dev)))
			continue;
		if (pl_l3s_rule_add(s, netdev_priv(dev), &s->m))
			netdev_warn(dev, "no free L3 counter for %s\n",
				    s->dev->name);
	}
}

static int pl_l3s_event(struct notifier_block *nb, unsigned long event,
			void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct netdev_notifier_offload_xstats_info *info;
	struct rtnl_hw_stats64 d = {};
	struct pl_l3s_rule *r;
	struct pl_l3s *s;
	int err;

	switch (event) {
	case NETDEV_OFFLOAD_XSTATS_ENABLE:
	case NETDEV_OFFLOAD_XSTATS_DISABLE:
	case NETDEV_OFFLOAD_XSTATS_REPORT_USED:
	case NETDEV_OFFLOAD_XSTATS_REPORT_DELTA:
		info = ptr;
		if (info->type != NETDEV_OFFLOAD_XSTATS_TYPE_L3)
			return NOTIFY_DONE;
		break;
	case NETDEV_REGISTER:
		if (pl_netdev_is_ours(dev))
			pl_l3s_port_new(dev);
		return NOTIFY_DONE;
	case NETDEV_UNREGISTER:
		if (pl_netdev_is_ours(dev))
			pl_l3s_port_gone(netdev_priv(dev));
		return NOTIFY_DONE;
	case NETDEV_CHANGEADDR:
	case NETDEV_CHANGE:
		s = pl_l3s_find(dev);
		if (s)
			pl_l3s_update(s);
		return NOTIFY_DONE;
	default:
		return NOTIFY_DONE;
	}

	s = pl_l3s_find(dev);
	switch (event) {
	case NETDEV_OFFLOAD_XSTATS_ENABLE:
		if (s)
			return NOTIFY_DONE;
		err = pl_l3s_enable(dev, info->info.extack);
		return notifier_from_errno(err);
	case NETDEV_OFFLOAD_XSTATS_DISABLE:
		if (s)
			pl_l3s_free(s);
		return NOTIFY_DONE;
	case NETDEV_OFFLOAD_XSTATS_REPORT_USED:
		if (s && !list_empty(&s->rules))
			netdev_offload_xstats_report_used(info->report_used);
		return NOTIFY_DONE;
	case NETDEV_OFFLOAD_XSTATS_REPORT_DELTA:
		if (!s || list_empty(&s->rules))
			return NOTIFY_DONE;
		list_for_each_entry(r, &s->rules, node)
			pl_l3s_rule_delta(r, &d);
		netdev_offload_xstats_report_delta(info->report_delta, &d);
		return NOTIFY_DONE;
	}
	return NOTIFY_DONE;
}

/*
 * The core asks a device's own netns for L3 stats (the per-netns notifier
 * chain only): a notifier in every netns.
 */
struct pl_l3s_net {
	struct notifier_block nb;
};

static unsigned int pl_l3s_net_id;

static int __net_init pl_l3s_net_init(struct net *net)
{
	struct pl_l3s_net *pn = net_generic(net, pl_l3s_net_id);

	pn->nb.notifier_call = pl_l3s_event;
	return register_netdevice_notifier_net(net, &pn->nb);
}

static void __net_exit pl_l3s_net_exit(struct net *net)
{
	struct pl_l3s_net *pn = net_generic(net, pl_l3s_net_id);

	unregister_netdevice_notifier_net(net, &pn->nb);
}

static struct pernet_operations pl_l3s_net_ops = {
	.init = pl_l3s_net_init,
	.exit = pl_l3s_net_exit,
	.id = &pl_l3s_net_id,
	.size = sizeof(struct pl_l3s_net),
};

int pl_l3stats_init(void)
{
	return register_pernet_subsys(&pl_l3s_net_ops);
}

/* After the last pktlife port is gone: tunnels may still be listed. */
void pl_l3stats_exit(void)
{
	struct pl_l3s *s, *tmp;

	unregister_pernet_subsys(&pl_l3s_net_ops);
	rtnl_lock();
	list_for_each_entry_safe(s, tmp, &pl_l3s_list, node)
		pl_l3s_free(s);
	rtnl_unlock();
}
