// SPDX-License-Identifier: GPL-2.0
/*
 * pktlife link settings: ethtool's speed, autonegotiation and link modes
 * (ethtool DEV, ethtool -s), and why a link is down (ethtool's "Link
 * detected: no (...)"), from the NIC's PHY registers.
 */
#include <linux/bitfield.h>
#include <linux/ethtool.h>
#include <linux/linkmode.h>
#include <linux/netdevice.h>

#include "pktlife.h"

/* The link mode of each PLHW_SPEED_* (its speed: plhw_speed_mbit()). */
static const struct {
	enum ethtool_link_mode_bit_indices mode;
} pl_speeds[PLHW_NUM_SPEEDS] = {
	[PLHW_SPEED_1G]		= { ETHTOOL_LINK_MODE_1000baseT_Full_BIT },
	[PLHW_SPEED_10G]	= { ETHTOOL_LINK_MODE_10000baseT_Full_BIT },
	[PLHW_SPEED_25G]	= { ETHTOOL_LINK_MODE_25000baseCR_Full_BIT },
	[PLHW_SPEED_100G]	= { ETHTOOL_LINK_MODE_100000baseCR4_Full_BIT },
};

/* Link modes of the PLHW_SPEED_* bits in @speeds into @modes. */
static void pl_modes_of(unsigned long *modes, u32 speeds)
{
	unsigned int i;

	for (i = 0; i < PLHW_NUM_SPEEDS; i++)
		if (speeds & BIT(i))
			__set_bit(pl_speeds[i].mode, modes);
}

int pl_get_link_ksettings(struct net_device *dev,
			  struct ethtool_link_ksettings *cmd)
{
	struct pl_priv *priv = netdev_priv(dev);
	u32 supported = pl_readl(priv, PLHW_REG_PHY_SUPPORTED);
	u32 ctrl = pl_readl(priv, PLHW_REG_PHY_CTRL);
	u32 status = pl_readl(priv, PLHW_REG_PHY_STATUS);
	u32 lp = FIELD_GET(PLHW_PHY_LP_ADV, status);

	ethtool_link_ksettings_zero_link_mode(cmd, supported);
	ethtool_link_ksettings_zero_link_mode(cmd, advertising);
	ethtool_link_ksettings_zero_link_mode(cmd, lp_advertising);
	pl_modes_of(cmd->link_modes.supported, supported);
	linkmode_set_bit(ETHTOOL_LINK_MODE_Autoneg_BIT, cmd->link_modes.supported);
	/* what is advertised when negotiating, kept while forced */
	pl_modes_of(cmd->link_modes.advertising, FIELD_GET(PLHW_PHY_ADV, ctrl));
	if (ctrl & PLHW_PHY_AUTONEG)
		linkmode_set_bit(ETHTOOL_LINK_MODE_Autoneg_BIT,
				 cmd->link_modes.advertising);
	if (lp) {
		pl_modes_of(cmd->link_modes.lp_advertising, lp);
		linkmode_set_bit(ETHTOOL_LINK_MODE_Autoneg_BIT,
				 cmd->link_modes.lp_advertising);
	}
	cmd->base.autoneg = ctrl & PLHW_PHY_AUTONEG ? AUTONEG_ENABLE :
						      AUTONEG_DISABLE;
	cmd->base.port = PORT_OTHER;
	if (netif_running(dev) && (status & PLHW_PHY_LINK)) {
		cmd->base.speed = plhw_speed_mbit(FIELD_GET(PLHW_PHY_SPEED, status));
		cmd->base.duplex = DUPLEX_FULL;
	} else {
		cmd->base.speed = SPEED_UNKNOWN;
		cmd->base.duplex = DUPLEX_UNKNOWN;
	}
	return 0;
}

/*
 * Autoneg on: advertise the given modes (a subset of ours, not empty).
 * Off: force a speed the PHY has, full duplex.  The PHY renegotiates and
 * the link interrupt tells of the outcome.
 */
int pl_set_link_ksettings(struct net_device *dev,
			  const struct ethtool_link_ksettings *cmd)
{
	struct pl_priv *priv = netdev_priv(dev);
	u32 supported = pl_readl(priv, PLHW_REG_PHY_SUPPORTED);
	u32 ctrl = pl_readl(priv, PLHW_REG_PHY_CTRL);
	__ETHTOOL_DECLARE_LINK_MODE_MASK(ours);
	__ETHTOOL_DECLARE_LINK_MODE_MASK(rest);
	u32 adv = 0, i;

	if (cmd->base.autoneg == AUTONEG_ENABLE) {
		linkmode_zero(ours);
		pl_modes_of(ours, supported);
		linkmode_set_bit(ETHTOOL_LINK_MODE_Autoneg_BIT, ours);
		linkmode_andnot(rest, cmd->link_modes.advertising, ours);
		if (!linkmode_empty(rest))
			return -EINVAL;
		for (i = 0; i < PLHW_NUM_SPEEDS; i++)
			if (test_bit(pl_speeds[i].mode, cmd->link_modes.advertising))
				adv |= BIT(i);
		if (!adv)
			return -EINVAL;
		ctrl = PLHW_PHY_AUTONEG | FIELD_PREP(PLHW_PHY_ADV, adv) |
		       (ctrl & PLHW_PHY_FORCE);
	} else {
		if (cmd->base.duplex != DUPLEX_FULL &&
		    cmd->base.duplex != DUPLEX_UNKNOWN)
			return -EINVAL;
		for (i = 0; i < PLHW_NUM_SPEEDS; i++)
			if ((supported & BIT(i)) &&
			    plhw_speed_mbit(i) == cmd->base.speed)
				break;
		if (i == PLHW_NUM_SPEEDS)
			return -EINVAL;
		ctrl = (ctrl & PLHW_PHY_ADV) | FIELD_PREP(PLHW_PHY_FORCE, i);
	}
	pl_writel(priv, PLHW_REG_PHY_CTRL, ctrl);
	return 0;
}

/* Why the link is down, as the PHY says. */
int pl_get_link_ext_state(struct net_device *dev,
			  struct ethtool_link_ext_state_info *info)
{
	struct pl_priv *priv = netdev_priv(dev);
	u32 status = pl_readl(priv, PLHW_REG_PHY_STATUS);

	if (status & PLHW_PHY_LINK)
		return -ENODATA;
	switch (FIELD_GET(PLHW_PHY_STATE, status)) {
	case PLHW_PHY_STATE_NO_CABLE:
		info->link_ext_state = ETHTOOL_LINK_EXT_STATE_NO_CABLE;
		return 0;
	case PLHW_PHY_STATE_NO_PARTNER:
		info->link_ext_state = ETHTOOL_LINK_EXT_STATE_AUTONEG;
		info->autoneg = ETHTOOL_LINK_EXT_SUBSTATE_AN_NO_PARTNER_DETECTED;
		return 0;
	case PLHW_PHY_STATE_NO_PARTNER_FORCED:
		info->link_ext_state = ETHTOOL_LINK_EXT_STATE_AUTONEG;
		info->autoneg =
			ETHTOOL_LINK_EXT_SUBSTATE_AN_NO_PARTNER_DETECTED_FORCE_MODE;
		return 0;
	case PLHW_PHY_STATE_NO_COMMON:
		info->link_ext_state = ETHTOOL_LINK_EXT_STATE_AUTONEG;
		info->autoneg = ETHTOOL_LINK_EXT_SUBSTATE_AN_NO_HCD;
		return 0;
	default:
		return -ENODATA;
	}
}
