// SPDX-License-Identifier: GPL-2.0
/*
 * plhw debugfs: the test knobs of each port, root only, under
 * /sys/kernel/debug/pktlife/<port>/ (the port's name is the bus-info that
 * ethtool -i prints):
 *
 *   corrupt     the next N frames sent get a bit flipped after the TX
 *               checksum engine (reads back what is left)
 *   latency_us  one-way latency of the wire this port sends on
 *   rate_mbit   its rate, 0 = unlimited
 */
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/platform_device.h>

#include "nic.h"

static struct dentry *plhw_debugfs_root;

void plhw_debugfs_init(void)
{
	plhw_debugfs_root = debugfs_create_dir("pktlife", NULL);
}

void plhw_debugfs_exit(void)
{
	debugfs_remove_recursive(plhw_debugfs_root);
}

void plhw_debugfs_port_add(struct plhw_port *port)
{
	struct dentry *dir;

	dir = debugfs_create_dir(dev_name(&port->pdev->dev), plhw_debugfs_root);
	debugfs_create_atomic_t("corrupt", 0600, dir, &port->wire.corrupt);
	debugfs_create_u32("latency_us", 0600, dir, &port->wire.latency_us);
	debugfs_create_u32("rate_mbit", 0600, dir, &port->wire.rate_mbit);
	port->debugfs = dir;
}

void plhw_debugfs_port_del(struct plhw_port *port)
{
	debugfs_remove_recursive(port->debugfs);
	port->debugfs = NULL;
}
