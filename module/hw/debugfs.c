// SPDX-License-Identifier: GPL-2.0
/*
 * plhw debugfs: the test knobs of each port, root only, under
 * /sys/kernel/debug/pktlife/<port>/ (the port's name is the bus-info that
 * ethtool -i prints):
 *
 *   corrupt     the next N frames sent get a bit flipped after the TX
 *               checksum engine (reads back what is left), 0..INT_MAX
 *   latency_us  one-way latency of the wire this port sends on, <= 1 s
 *               (1 by default)
 *   rate_mbit   its rate, 0 = the link's speed (the default), <= U32_MAX
 *   jitter_us   each frame up to this much later still, in order, <= 1 s
 *   drop_ppm    faults, in frames per million (0..1000000): lost on the
 *                 wire,
 *   corrupt_ppm   a bit of the last byte flipped,
 *   dup_ppm       delivered twice,
 *   reorder_ppm   held back reorder_us (<= 1 s), for later frames to
 *                 overtake,
 *   truncate_ppm  cut short, to a runt or inside its headers
 *   reorder_us
 *   stall_ms    (write) the TX engines send nothing for N ms
 *   dma_ns      how long a TX engine's fetch of descriptors and buffers
 *               takes (doorbell to frame in the engine), <= 1 ms
 *   cable       1: this end of the cable is plugged in; 0: pulled out
 *   rx_pb_bytes the size of the RX packet buffer (where frames wait for
 *               RX buffers), PLHW_PB_MIN..PLHW_PB_SIZE (the default): a
 *               smaller one overflows sooner
 *
 * Each fault is counted in the port's hw_wire_* / hw_tx_stalls counters.
 * A value out of range is refused with EINVAL and changes nothing.
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

/* The knobs the wire reads with READ_ONCE(), each with its range. */
static int plhw_u32_get(void *data, u64 *val)
{
	*val = READ_ONCE(*(u32 *)data);
	return 0;
}

static int plhw_u32_set(u32 *knob, u64 val, u32 max)
{
	if (val > max)
		return -EINVAL;
	WRITE_ONCE(*knob, val);
	return 0;
}

static int plhw_ppm_set(void *data, u64 val)
{
	return plhw_u32_set(data, val, PLHW_PPM_MAX);
}
DEFINE_DEBUGFS_ATTRIBUTE(plhw_ppm_fops, plhw_u32_get, plhw_ppm_set, "%llu\n");

static int plhw_usecs_set(void *data, u64 val)
{
	return plhw_u32_set(data, val, PLHW_WIRE_MAX_US);
}
DEFINE_DEBUGFS_ATTRIBUTE(plhw_usecs_fops, plhw_u32_get, plhw_usecs_set,
			 "%llu\n");

static int plhw_rate_set(void *data, u64 val)
{
	return plhw_u32_set(data, val, U32_MAX);
}
DEFINE_DEBUGFS_ATTRIBUTE(plhw_rate_fops, plhw_u32_get, plhw_rate_set, "%llu\n");

static int plhw_dma_ns_set(void *data, u64 val)
{
	return plhw_u32_set(data, val, PLHW_DMA_MAX_NS);
}
DEFINE_DEBUGFS_ATTRIBUTE(plhw_dma_ns_fops, plhw_u32_get, plhw_dma_ns_set,
			 "%llu\n");

/* frames already waiting stay: a buffer made smaller takes no new one */
static int plhw_pb_size_set(void *data, u64 val)
{
	if (val < PLHW_PB_MIN)
		return -EINVAL;
	return plhw_u32_set(data, val, PLHW_PB_SIZE);
}
DEFINE_DEBUGFS_ATTRIBUTE(plhw_pb_size_fops, plhw_u32_get, plhw_pb_size_set,
			 "%llu\n");

/* corrupt: frames still to corrupt; never negative, or all would be */
static int plhw_corrupt_get(void *data, u64 *val)
{
	*val = atomic_read(data);
	return 0;
}

static int plhw_corrupt_set(void *data, u64 val)
{
	if (val > INT_MAX)
		return -EINVAL;
	atomic_set(data, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(plhw_corrupt_fops, plhw_corrupt_get, plhw_corrupt_set,
			 "%llu\n");

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

/* The wire's knobs, each a field of struct plhw_wire. */
static const struct plhw_knob {
	const char *name;
	size_t off;
	const struct file_operations *fops;
} plhw_knobs[] = {
#define PLHW_KNOB(f, fops) { #f, offsetof(struct plhw_wire, f), &(fops) }
	PLHW_KNOB(corrupt, plhw_corrupt_fops),
	PLHW_KNOB(latency_us, plhw_usecs_fops),
	PLHW_KNOB(rate_mbit, plhw_rate_fops),
	PLHW_KNOB(jitter_us, plhw_usecs_fops),
	PLHW_KNOB(drop_ppm, plhw_ppm_fops),
	PLHW_KNOB(corrupt_ppm, plhw_ppm_fops),
	PLHW_KNOB(dup_ppm, plhw_ppm_fops),
	PLHW_KNOB(reorder_ppm, plhw_ppm_fops),
	PLHW_KNOB(truncate_ppm, plhw_ppm_fops),
	PLHW_KNOB(reorder_us, plhw_usecs_fops),
#undef PLHW_KNOB
};

void plhw_debugfs_port_add(struct plhw_port *port)
{
	const struct plhw_knob *k;
	struct dentry *dir;

	dir = debugfs_create_dir(dev_name(&port->pdev->dev), plhw_debugfs_root);
	for (k = plhw_knobs; k < plhw_knobs + ARRAY_SIZE(plhw_knobs); k++)
		debugfs_create_file_unsafe(k->name, 0600, dir,
					   (void *)&port->wire + k->off, k->fops);
	debugfs_create_file_unsafe("stall_ms", 0200, dir, port, &plhw_stall_fops);
	debugfs_create_file_unsafe("cable", 0600, dir, port, &plhw_cable_fops);
	debugfs_create_file_unsafe("dma_ns", 0600, dir, &port->dma_ns,
				   &plhw_dma_ns_fops);
	debugfs_create_file_unsafe("rx_pb_bytes", 0600, dir, &port->mac.pb_size,
				   &plhw_pb_size_fops);
	port->debugfs = dir;
}

void plhw_debugfs_port_del(struct plhw_port *port)
{
	debugfs_remove_recursive(port->debugfs);
	port->debugfs = NULL;
}
