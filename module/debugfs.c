// SPDX-License-Identifier: GPL-2.0
/*
 * pktlife debugfs: the driver's own test knobs, root only, beside the NIC
 * port's in /sys/kernel/debug/pktlife/<port>/ (as netdevsim keeps its
 * knobs), for the paths that only an allocation failure takes:
 *
 *   rx_alloc_fail    the next N RX page allocations fail (counted in
 *                    rxN_alloc_fail); reads back what is left, 0..INT_MAX
 *   ring_alloc_fail  N: the next allocation of rings (ethtool -L/-G, ip
 *                    link set up) fails at its Nth queue, with ENOMEM,
 *                    having allocated the N - 1 before it, and changes
 *                    nothing; reads back 0 once it did, 0..PLHW_MAX_QUEUES
 *
 * A value out of range is refused with EINVAL and changes nothing.
 */
#include <linux/debugfs.h>

#include "pktlife.h"

/* failures still to come; never negative, or every allocation would fail */
static int pl_fail_get(void *data, u64 *val)
{
	*val = atomic_read(data);
	return 0;
}

static int pl_fail_set(void *data, u64 val)
{
	if (val > INT_MAX)
		return -EINVAL;
	atomic_set(data, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(pl_fail_fops, pl_fail_get, pl_fail_set, "%llu\n");

static int pl_fail_at_set(void *data, u64 val)
{
	if (val > PLHW_MAX_QUEUES)
		return -EINVAL;
	atomic_set(data, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(pl_fail_at_fops, pl_fail_get, pl_fail_at_set,
			 "%llu\n");

/* The port's directory goes with the port, after the net_device. */
void pl_debugfs_add(struct pl_priv *priv)
{
	struct dentry *dir = plhw_debugfs_dir(priv->hw);

	debugfs_create_file_unsafe("rx_alloc_fail", 0600, dir,
				   &priv->fail_rx_alloc, &pl_fail_fops);
	debugfs_create_file_unsafe("ring_alloc_fail", 0600, dir,
				   &priv->fail_ring_alloc, &pl_fail_at_fops);
}
