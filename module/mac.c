// SPDX-License-Identifier: GPL-2.0
/*
 * pktlife MAC: the receive filter and what the MAC keeps of a frame.
 *
 * The port's own address and up to PLHW_UC_ENTRIES - 1 secondary unicast
 * addresses (macvlan, a bond's) go into the NIC's perfect filter
 * (IFF_UNICAST_FLT); more turn on unicast promiscuous mode, as real
 * drivers do.  Multicast addresses set bits of the 256-bit hash filter,
 * which lets some others through: the stack drops those.  IFF_PROMISC and
 * IFF_ALLMULTI map to the MAC's UPE and MPE; broadcast is always taken.
 * rx-fcs (NETIF_F_RXFCS) leaves the FCS at the end of each frame, rx-all
 * (NETIF_F_RXALL) hands up runts and frames with a wrong FCS too.
 */
#include <linux/bitfield.h>
#include <linux/etherdevice.h>
#include <linux/netdevice.h>

#include "pktlife.h"

/*
 * With mac_lock held: the MAC's CTRL from the filter's mode and the
 * features' bits.  Both are kept here, not read from dev->features: the
 * core sets those only after ndo_set_features() returns, and an rx_mode
 * update in between would write the old bits back.
 */
static void pl_mac_write_ctrl(struct pl_priv *priv)
{
	lockdep_assert_held(&priv->mac_lock);
	pl_writel(priv, PLHW_REG_MAC_CTRL,
		  priv->mac_mode | priv->mac_keep | PLHW_MAC_BAM);
}

/* With mac_lock held: entry @n of the perfect filter holds @addr (or none). */
static void pl_mac_write_uc(struct pl_priv *priv, unsigned int n,
			    const u8 *addr)
{
	u32 hi, lo;

	lockdep_assert_held(&priv->mac_lock);
	if (!addr) {
		pl_writel(priv, PLHW_REG_UC_HI(n), 0);
		return;
	}
	hi = PLHW_UC_VALID | FIELD_PREP(PLHW_UC_MAC_HI, addr[0] << 8 | addr[1]);
	lo = get_unaligned_be32(addr + 2);
	/* already there: rewriting would drop its frames for a moment */
	if (pl_readl(priv, PLHW_REG_UC_HI(n)) == hi &&
	    pl_readl(priv, PLHW_REG_UC_LO(n)) == lo)
		return;
	/* invalid while half written: LO, then HI with VALID */
	pl_writel(priv, PLHW_REG_UC_HI(n), 0);
	pl_writel(priv, PLHW_REG_UC_LO(n), lo);
	pl_writel(priv, PLHW_REG_UC_HI(n), hi);
}

/**
 * pl_set_rx_mode() - program the receive filter (ndo_set_rx_mode)
 * @dev: the device
 *
 * Called with the device's address lists locked, in atomic context.
 */
void pl_set_rx_mode(struct net_device *dev)
{
	struct pl_priv *priv = netdev_priv(dev);
	u32 hash[PLHW_MC_HASH_REGS] = {};
	struct netdev_hw_addr *ha;
	unsigned int n = 1, i;
	u32 mode = 0;

	if (dev->flags & IFF_PROMISC)
		mode |= PLHW_MAC_UPE | PLHW_MAC_MPE;
	if (dev->flags & IFF_ALLMULTI)
		mode |= PLHW_MAC_MPE;
	/* entry 0 is the port's own address; the rest do not fit: promisc */
	if (netdev_uc_count(dev) > PLHW_UC_ENTRIES - 1)
		mode |= PLHW_MAC_UPE;
	netdev_for_each_mc_addr(ha, dev) {
		u32 h = plhw_mc_hash(ha->addr);

		hash[h / 32] |= BIT(h % 32);
	}

	/* the filter and CTRL change together (pl_set_features too) */
	spin_lock_bh(&priv->mac_lock);
	priv->mac_mode = mode;
	if (!(mode & PLHW_MAC_UPE))
		netdev_for_each_uc_addr(ha, dev)
			pl_mac_write_uc(priv, n++, ha->addr);
	for (; n < PLHW_UC_ENTRIES; n++)
		pl_mac_write_uc(priv, n, NULL);
	for (i = 0; i < PLHW_MC_HASH_REGS; i++)
		pl_writel(priv, PLHW_REG_MC_HASH(i), hash[i]);
	pl_mac_write_ctrl(priv);
	spin_unlock_bh(&priv->mac_lock);
}

/**
 * pl_mac_set_features() - rx-fcs and rx-all, from ndo_set_features
 * @priv: the port
 * @features: the features about to be the device's
 */
void pl_mac_set_features(struct pl_priv *priv, netdev_features_t features)
{
	u32 keep = 0;

	if (features & NETIF_F_RXFCS)
		keep |= PLHW_MAC_KEEP_FCS;
	if (features & NETIF_F_RXALL)
		keep |= PLHW_MAC_SBP;
	spin_lock_bh(&priv->mac_lock);
	priv->mac_keep = keep;
	pl_mac_write_ctrl(priv);
	spin_unlock_bh(&priv->mac_lock);
}

/**
 * pl_mac_write_addr() - the port's own address into the perfect filter
 * @priv: the port
 *
 * At open, and when the address changes (IFF_LIVE_ADDR_CHANGE: while up).
 */
void pl_mac_write_addr(struct pl_priv *priv)
{
	spin_lock_bh(&priv->mac_lock);
	pl_mac_write_uc(priv, 0, priv->dev->dev_addr);
	spin_unlock_bh(&priv->mac_lock);
}

/* ndo_set_mac_address */
int pl_set_mac_address(struct net_device *dev, void *p)
{
	int err = eth_mac_addr(dev, p);

	if (!err)
		pl_mac_write_addr(netdev_priv(dev));
	return err;
}
