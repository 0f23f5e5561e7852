// SPDX-License-Identifier: GPL-2.0
/*
 * pktlife - a simulated NIC pair for watching the life of a packet.
 */
#include <linux/module.h>
#include <net/rtnetlink.h>

#include "pktlife.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

static int __init pl_module_init(void)
{
	int err;

	err = plhw_init();
	if (err)
		return err;
	err = pl_l3stats_init();
	if (err)
		goto err_plhw_exit;
	err = pl_link_register();
	if (err)
		goto err_l3stats_exit;
	return 0;

err_l3stats_exit:
	pl_l3stats_exit();
err_plhw_exit:
	plhw_exit();
	return err;
}

static void __exit pl_module_exit(void)
{
	pl_link_unregister();
	pl_l3stats_exit();
	plhw_exit();
}

module_init(pl_module_init);
module_exit(pl_module_exit);

MODULE_DESCRIPTION("pktlife: a simulated NIC pair for watching the life of a packet");
MODULE_AUTHOR("The pktlife developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(PL_DRV_VERSION);
MODULE_ALIAS_RTNL_LINK(PL_DRV_NAME);
