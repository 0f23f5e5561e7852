// SPDX-License-Identifier: GPL-2.0
/*
 * pktlife - a simulated NIC pair for watching the life of a packet.
 */
#include <linux/module.h>
#include <net/rtnetlink.h>

#include "pktlife.h"

static int __init pl_module_init(void)
{
	return pl_link_register();
}

static void __exit pl_module_exit(void)
{
	pl_link_unregister();
}

module_init(pl_module_init);
module_exit(pl_module_exit);

MODULE_DESCRIPTION("pktlife: a simulated NIC pair for watching the life of a packet");
MODULE_AUTHOR("The pktlife developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(PL_DRV_VERSION);
MODULE_ALIAS_RTNL_LINK(PL_DRV_NAME);
