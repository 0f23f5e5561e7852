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
 *   jitter_us   each frame up to this much later still, in order
 *   drop_ppm    faults, in frames per million: lost on the wire,
 *   corrupt_ppm   a bit of the last byte flipped,
 *   dup_ppm       delivered twice,
 *   reorder_ppm   held back reorder_us, for later frames to overtake
 *   reorder_us
 *   stall_ms    (write) the TX engines fetch nothing for N ms
 *   cable       1: this end of the cable is plugged in; 0: pulled out
 *
 * Each fault is counted in the port's hw_wire_* / hw_tx_stalls counters.
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

/* Writing N to stall_ms stalls the port's TX engines for N ms. */
static int plhw_stall_set(void *data, u64 val)
{
	if (val > U32_MAX)
		return -ERANGE;
	plhw_tx_stall(data, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(plhw_stall_fops, NULL, plhw_stall_set, "%llu\n");

/* cable: 1 this end of the cable is plugged in, 0 it is pulled out */
static int plhw_cable_get(void *data, u64 *val)
{
	struct plhw_port *port = data;

	*val = !READ_ONCE(port->unplugged);
	return 0;
}

static int plhw_cable_set(void *data, u64 val)
{
	if (val > 1)
		return -EINVAL;
	plhw_cable_plug(data, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(plhw_cable_fops, plhw_cable_get, plhw_cable_set,
			 "%llu\n");

void plhw_debugfs_port_add(struct plhw_port *port)
{
	struct dentry *dir;

	dir = debugfs_create_dir(dev_name(&port->pdev->dev), plhw_debugfs_root);
	debugfs_create_atomic_t("corrupt", 0600, dir, &port->wire.corrupt);
	debugfs_create_u32("latency_us", 0600, dir, &port->wire.latency_us);
	debugfs_create_u32("rate_mbit", 0600, dir, &port->wire.rate_mbit);
	debugfs_create_u32("jitter_us", 0600, dir, &port->wire.jitter_us);
	debugfs_create_u32("drop_ppm", 0600, dir, &port->wire.drop_ppm);
	debugfs_create_u32("corrupt_ppm", 0600, dir, &port->wire.corrupt_ppm);
	debugfs_create_u32("dup_ppm", 0600, dir, &port->wire.dup_ppm);
	debugfs_create_u32("reorder_ppm", 0600, dir, &port->wire.reorder_ppm);
	debugfs_create_u32("reorder_us", 0600, dir, &port->wire.reorder_us);
	debugfs_create_file_unsafe("stall_ms", 0200, dir, port, &plhw_stall_fops);
	debugfs_create_file_unsafe("cable", 0600, dir, port, &plhw_cable_fops);
	port->debugfs = dir;
}

void plhw_debugfs_port_del(struct plhw_port *port)
{
	debugfs_remove_recursive(port->debugfs);
	port->debugfs = NULL;
}
