// SPDX-License-Identifier: GPL-2.0
/*
 * plhw PHY: each port's link modes, autonegotiation and its end of the
 * cable.  The link is up when both ports are enabled, both cable ends are
 * plugged in (the "cable" debugfs knob) and the two PHYs agree on a speed:
 *
 *   both negotiate   the highest speed both advertise (none: no link)
 *   one negotiates   parallel detection: the other's forced speed, if
 *                    this PHY has it
 *   neither does     the same forced speed on both ends, or no link
 *
 * The speed is what the PHYs report (ethtool), and the rate at which the
 * wire carries frames (wire.c), unless its rate_mbit knob sets a slower
 * line.
 */
#include "nic.h"

#define PLHW_PHY_SPEEDS		GENMASK(PLHW_NUM_SPEEDS - 1, 0)

/* The link state of @port, as PLHW_REG_PHY_STATUS reads.  Under RCU. */
static u32 plhw_phy_resolve(struct plhw_port *port, struct plhw_port *peer)
{
	u32 a = READ_ONCE(port->phy_ctrl), b, common, speed;

	if (!peer || READ_ONCE(port->unplugged))
		return FIELD_PREP(PLHW_PHY_STATE, PLHW_PHY_STATE_NO_CABLE);
	if (!(READ_ONCE(port->ctrl) & PLHW_CTRL_ENABLE))
		return FIELD_PREP(PLHW_PHY_STATE, PLHW_PHY_STATE_DISABLED);
	b = READ_ONCE(peer->phy_ctrl);
	if (READ_ONCE(peer->unplugged) ||
	    !(READ_ONCE(peer->ctrl) & PLHW_CTRL_ENABLE))
		return FIELD_PREP(PLHW_PHY_STATE, a & PLHW_PHY_AUTONEG ?
				  PLHW_PHY_STATE_NO_PARTNER :
				  PLHW_PHY_STATE_NO_PARTNER_FORCED);

	if ((a & PLHW_PHY_AUTONEG) && (b & PLHW_PHY_AUTONEG)) {
		common = FIELD_GET(PLHW_PHY_ADV, a) & FIELD_GET(PLHW_PHY_ADV, b);
		if (!common)
			return FIELD_PREP(PLHW_PHY_STATE, PLHW_PHY_STATE_NO_COMMON) |
			       FIELD_PREP(PLHW_PHY_LP_ADV, FIELD_GET(PLHW_PHY_ADV, b));
		return PLHW_PHY_LINK | FIELD_PREP(PLHW_PHY_SPEED, fls(common) - 1) |
		       FIELD_PREP(PLHW_PHY_LP_ADV, FIELD_GET(PLHW_PHY_ADV, b));
	}
	if (a & PLHW_PHY_AUTONEG)
		speed = FIELD_GET(PLHW_PHY_FORCE, b);
	else if (b & PLHW_PHY_AUTONEG)
		speed = FIELD_GET(PLHW_PHY_FORCE, a);
	else if (FIELD_GET(PLHW_PHY_FORCE, a) == FIELD_GET(PLHW_PHY_FORCE, b))
		speed = FIELD_GET(PLHW_PHY_FORCE, a);
	else
		return FIELD_PREP(PLHW_PHY_STATE, PLHW_PHY_STATE_NO_PARTNER_FORCED);
	return PLHW_PHY_LINK | FIELD_PREP(PLHW_PHY_SPEED, speed);
}

u32 plhw_phy_status(struct plhw_port *port)
{
	u32 status;

	rcu_read_lock();
	status = plhw_phy_resolve(port, rcu_dereference(port->peer));
	rcu_read_unlock();
	return status;
}

/* A new PHY control word, as the driver writes it: keep it valid. */
u32 plhw_phy_ctrl(u32 val)
{
	u32 adv = FIELD_GET(PLHW_PHY_ADV, val) & PLHW_PHY_SPEEDS;
	u32 force = FIELD_GET(PLHW_PHY_FORCE, val);

	if (force >= PLHW_NUM_SPEEDS)
		force = PLHW_NUM_SPEEDS - 1;
	return (val & PLHW_PHY_AUTONEG) | FIELD_PREP(PLHW_PHY_ADV, adv) |
	       FIELD_PREP(PLHW_PHY_FORCE, force);
}

/* Out of reset: negotiate, advertising every speed. */
void plhw_phy_init(struct plhw_port *port)
{
	port->phy_ctrl = PLHW_PHY_AUTONEG |
			 FIELD_PREP(PLHW_PHY_ADV, PLHW_PHY_SPEEDS) |
			 FIELD_PREP(PLHW_PHY_FORCE, PLHW_NUM_SPEEDS - 1);
	port->unplugged = false;
}

u32 plhw_phy_supported(void)
{
	return PLHW_PHY_SPEEDS;
}
