// SPDX-License-Identifier: GPL-2.0
/*
 * plhw: the simulated NIC's ports, register file and interrupt vectors.
 *
 * Each port is a platform device (pktlife.N), so that the driver maps
 * memory for it with the DMA API as it would for a PCI function.  Two
 * ports are created together and joined by a cable (wire.c).
 */
#include <linux/dma-mapping.h>
#include <linux/idr.h>
#include <linux/log2.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include "nic.h"

#define CREATE_TRACE_POINTS
#include "plhw_trace.h"

static DEFINE_IDA(plhw_ida);
/* Serialises cabling and uncabling of ports. */
static DEFINE_MUTEX(plhw_cable_lock);

/* --- registers ----------------------------------------------------------- */

bool plhw_link_is_up(struct plhw_port *port)
{
	return plhw_phy_status(port) & PLHW_PHY_LINK;
}

enum plhw_port_field {
	PLHW_PORT_CTRL,
	PLHW_PORT_PHY,
	PLHW_PORT_CABLE,
};

/*
 * Change what the link of @port depends on, and raise the link interrupt
 * of each end whose link came up, went down or changed speed.
 */
static void plhw_port_update(struct plhw_port *port,
			     enum plhw_port_field field, u32 val)
{
	u32 mask = PLHW_PHY_LINK | PLHW_PHY_SPEED;
	struct plhw_port *peer;
	u32 was, peer_was = 0;

	/* one change at a time on a cable: the before and after are ours */
	mutex_lock(&plhw_cable_lock);
	peer = rcu_dereference_protected(port->peer,
					 lockdep_is_held(&plhw_cable_lock));
	was = plhw_phy_status(port);
	if (peer)
		peer_was = plhw_phy_status(peer);
	spin_lock_bh(&port->ctrl_lock);
	switch (field) {
	case PLHW_PORT_CTRL:
		WRITE_ONCE(port->ctrl, val);
		break;
	case PLHW_PORT_PHY:
		WRITE_ONCE(port->phy_ctrl, plhw_phy_ctrl(val));
		break;
	case PLHW_PORT_CABLE:
		WRITE_ONCE(port->unplugged, !val);
		break;
	}
	spin_unlock_bh(&port->ctrl_lock);
	if ((plhw_phy_status(port) ^ was) & mask)
		plhw_link_event(port);
	if (peer && ((plhw_phy_status(peer) ^ peer_was) & mask))
		plhw_link_event(peer);
	mutex_unlock(&plhw_cable_lock);
}

/* The cable knob: plug this end of the cable in, or pull it out. */
void plhw_cable_plug(struct plhw_port *port, bool in)
{
	plhw_port_update(port, PLHW_PORT_CABLE, in);
}

static u64 plhw_stat(struct plhw_port *port, unsigned int n)
{
	u64 sum = 0;
	unsigned int q;

	if (n == PLHW_STAT_WIRE_CORRUPTED)
		return atomic64_read(&port->wire.corrupted);
	if (n == PLHW_STAT_WIRE_DROPPED)
		return atomic64_read(&port->wire.dropped);
	if (n == PLHW_STAT_WIRE_LOST)
		return atomic64_read(&port->wire.lost);
	if (n == PLHW_STAT_WIRE_DUPLICATED)
		return atomic64_read(&port->wire.duplicated);
	if (n == PLHW_STAT_WIRE_REORDERED)
		return atomic64_read(&port->wire.reordered);
	if (n == PLHW_STAT_WIRE_DELAYED)
		return atomic64_read(&port->wire.delayed);
	if (n == PLHW_STAT_TX_STALLS)
		return atomic64_read(&port->wire.stalls);
	if (n == PLHW_STAT_WIRE_TRUNCATED)
		return atomic64_read(&port->wire.truncated);
	if (n == PLHW_STAT_RX_CRC_ERRORS)
		return atomic64_read(&port->mac.crc_errors);
	if (n == PLHW_STAT_RX_RUNTS)
		return atomic64_read(&port->mac.runts);
	if (n == PLHW_STAT_RX_FILTERED)
		return atomic64_read(&port->mac.filtered);
	if (n == PLHW_STAT_RX_PB_OVERFLOWS)
		return atomic64_read(&port->mac.pb_overflows);
	for (q = 0; q < port->num_queues; q++)
		sum += READ_ONCE(port->txq[q].stats[n]) +
		       READ_ONCE(port->rxq[q].stats[n]);
	return sum;
}

static void plhw_txq_enable(struct plhw_txq *txq, bool on)
{
	spin_lock_bh(&txq->lock);
	txq->enabled = on && txq->len;
	txq->head = 0;
	txq->tail = 0;
	txq->fetched = 0;
	txq->fetch_tail = 0;
	txq->db_at = 0;
	txq->wb.eop = NULL;
	txq->stall_until = 0;	/* a reset ends a stall */
	txq->ring = txq->enabled ? plhw_dma_va(txq->base) : NULL;
	spin_unlock_bh(&txq->lock);
	if (!on)
		hrtimer_cancel(&txq->timer);
}

static void plhw_rxq_enable(struct plhw_port *port, struct plhw_rxq *rxq,
			    bool on)
{
	spin_lock_bh(&rxq->lock);
	plhw_rxq_flush(port, rxq);
	rxq->enabled = on && rxq->len;
	rxq->head = 0;
	rxq->tail = 0;
	rxq->ring = rxq->enabled ? plhw_dma_va(rxq->base) : NULL;
	spin_unlock_bh(&rxq->lock);
	if (!on)
		hrtimer_cancel(&rxq->timer);
}

static u32 plhw_ring_len(u32 val)
{
	return is_power_of_2(val) && val >= 2 ? val : 0;
}

static u32 plhw_read_queue(struct plhw_port *port, unsigned int q, u32 reg)
{
	struct plhw_txq *txq = &port->txq[q];
	struct plhw_rxq *rxq = &port->rxq[q];
	struct plhw_vec *v = &port->vec[q];
	unsigned long flags;
	u32 val;

	switch (reg) {
	case PLHW_TXQ_BASE_LO:
		return lower_32_bits(txq->base);
	case PLHW_TXQ_BASE_HI:
		return upper_32_bits(txq->base);
	case PLHW_RXQ_BASE_LO:
		return lower_32_bits(rxq->base);
	case PLHW_RXQ_BASE_HI:
		return upper_32_bits(rxq->base);
	case PLHW_TXQ_LEN:
		return txq->len;
	case PLHW_TXQ_HEAD:
		return READ_ONCE(txq->head);
	case PLHW_TXQ_TAIL:
		return READ_ONCE(txq->tail);
	case PLHW_TXQ_CTRL:
		return txq->enabled ? PLHW_QCTRL_ENABLE : 0;
	case PLHW_RXQ_LEN:
		return rxq->len;
	case PLHW_RXQ_HEAD:
		return READ_ONCE(rxq->head);
	case PLHW_RXQ_TAIL:
		return READ_ONCE(rxq->tail);
	case PLHW_RXQ_CTRL:
		return rxq->enabled ? PLHW_QCTRL_ENABLE : 0;
	case PLHW_IRQ_MASK:
		return READ_ONCE(v->masked);
	case PLHW_IRQ_RX_USECS:
		return READ_ONCE(v->rx_usecs);
	case PLHW_IRQ_RX_FRAMES:
		return READ_ONCE(v->rx_frames);
	case PLHW_IRQ_TX_USECS:
		return READ_ONCE(v->tx_usecs);
	case PLHW_IRQ_TX_FRAMES:
		return READ_ONCE(v->tx_frames);
	case PLHW_IRQ_CAUSE:
		/* read by the interrupt handler, in hardirq context too */
		raw_spin_lock_irqsave(&v->lock, flags);
		val = v->msg_cause;
		v->msg_cause = 0;
		raw_spin_unlock_irqrestore(&v->lock, flags);
		return val;
	}
	return 0;
}

static void plhw_write_queue(struct plhw_port *port, unsigned int q,
			     u32 reg, u32 val)
{
	struct plhw_txq *txq = &port->txq[q];
	struct plhw_rxq *rxq = &port->rxq[q];
	struct plhw_vec *v = &port->vec[q];

	switch (reg) {
	case PLHW_TXQ_BASE_LO:
		txq->base = (txq->base & ~0xffffffffULL) | val;
		break;
	case PLHW_TXQ_BASE_HI:
		txq->base = (txq->base & 0xffffffffULL) | ((u64)val << 32);
		break;
	case PLHW_TXQ_LEN:
		txq->len = plhw_ring_len(val);
		break;
	case PLHW_TXQ_TAIL:
		/* the doorbell: latched; the engine runs on its own */
		spin_lock_bh(&txq->lock);
		if (txq->enabled)
			plhw_txq_doorbell(port, txq, val);
		spin_unlock_bh(&txq->lock);
		break;
	case PLHW_TXQ_CTRL:
		plhw_txq_enable(txq, val & PLHW_QCTRL_ENABLE);
		break;
	case PLHW_RXQ_BASE_LO:
		rxq->base = (rxq->base & ~0xffffffffULL) | val;
		break;
	case PLHW_RXQ_BASE_HI:
		rxq->base = (rxq->base & 0xffffffffULL) | ((u64)val << 32);
		break;
	case PLHW_RXQ_LEN:
		rxq->len = plhw_ring_len(val);
		break;
	case PLHW_RXQ_TAIL:
		spin_lock_bh(&rxq->lock);
		if (rxq->enabled)
			plhw_rxq_doorbell(port, rxq, val);
		spin_unlock_bh(&rxq->lock);
		break;
	case PLHW_RXQ_CTRL:
		plhw_rxq_enable(port, rxq, val & PLHW_QCTRL_ENABLE);
		break;
	case PLHW_IRQ_MASK:
		plhw_vec_unmask(v, !val);
		break;
	/*
	 * Moderation: written without the vector's lock (a driver may change
	 * it while events come), read once where the vector decides
	 * (plhw_vec_deadline()).
	 */
	case PLHW_IRQ_RX_USECS:
		WRITE_ONCE(v->rx_usecs, min(val, (u32)PLHW_MAX_IRQ_USECS));
		break;
	case PLHW_IRQ_RX_FRAMES:
		WRITE_ONCE(v->rx_frames, min(val, (u32)PLHW_MAX_IRQ_FRAMES));
		break;
	case PLHW_IRQ_TX_USECS:
		WRITE_ONCE(v->tx_usecs, min(val, (u32)PLHW_MAX_IRQ_USECS));
		break;
	case PLHW_IRQ_TX_FRAMES:
		WRITE_ONCE(v->tx_frames, min(val, (u32)PLHW_MAX_IRQ_FRAMES));
		break;
	}
}

u32 plhw_readl(struct plhw_port *hw, u32 reg)
{
	unsigned long flags;
	u64 now;
	u32 val;

	if (reg >= PLHW_Q(0)) {
		unsigned int q = (reg - PLHW_Q(0)) / 0x100;

		if (q >= hw->num_queues)
			return 0;
		return plhw_read_queue(hw, q, reg & 0xff);
	}
	if (reg >= PLHW_REG_STAT_LO(0) && reg < PLHW_REG_STAT_LO(PLHW_NUM_STATS)) {
		unsigned int n = (reg - PLHW_REG_STAT_LO(0)) / 8;
		u64 stat;

		if (reg & 4)
			return READ_ONCE(hw->stat_hi[n]);
		stat = plhw_stat(hw, n);
		WRITE_ONCE(hw->stat_hi[n], upper_32_bits(stat));
		return lower_32_bits(stat);
	}

	if (reg >= PLHW_REG_RSS_KEY(0) &&
	    reg < PLHW_REG_RSS_KEY(PLHW_RSS_KEY_LEN / 4)) {
		const u8 *k = &hw->rss_key[reg - PLHW_REG_RSS_KEY(0)];

		return (u32)READ_ONCE(k[0]) << 24 | (u32)READ_ONCE(k[1]) << 16 |
		       (u32)READ_ONCE(k[2]) << 8 | READ_ONCE(k[3]);
	}
	if (reg >= PLHW_REG_RSS_INDIR(0) &&
	    reg < PLHW_REG_RSS_INDIR(PLHW_RSS_INDIR_LEN))
		return READ_ONCE(hw->rss_indir[(reg - PLHW_REG_RSS_INDIR(0)) / 4]);
	if (plhw_mac_reg(reg))
		return plhw_mac_read(hw, reg);
	if (reg >= PLHW_REG_L3C(0) && reg < PLHW_REG_L3C(PLHW_L3C_RULES))
		return plhw_l3c_read(hw, (reg - PLHW_REG_L3C(0)) / 0x40,
				     (reg - PLHW_REG_L3C(0)) % 0x40);

	switch (reg) {
	case PLHW_REG_CTRL:
		return READ_ONCE(hw->ctrl);
	case PLHW_REG_STATUS:
		return plhw_link_is_up(hw) ? PLHW_STATUS_LINK : 0;
	case PLHW_REG_CAPS:
		return PLHW_CAP_SG | PLHW_CAP_CSUM | PLHW_CAP_RXCSUM |
		       PLHW_CAP_TSO | PLHW_CAP_RSS | PLHW_CAP_L3C |
		       PLHW_CAP_RXALL;
	case PLHW_REG_NUM_QUEUES:
		return hw->num_queues;
	case PLHW_REG_TSO_MAX:
		return PLHW_TSO_MAX;
	case PLHW_REG_MAX_DESCS:
		return PLHW_TX_MAX_DESCS;
	case PLHW_REG_TSO_MAX_SEGS:
		return PLHW_TSO_MAX_SEGS;
	case PLHW_REG_PHY_SUPPORTED:
		return plhw_phy_supported();
	case PLHW_REG_PHY_CTRL:
		return READ_ONCE(hw->phy_ctrl);
	case PLHW_REG_PHY_STATUS:
		return plhw_phy_status(hw);
	case PLHW_REG_MISC_MASK:
		return READ_ONCE(hw->vec[PLHW_VEC_MISC].masked);
	case PLHW_REG_CLOCK_LO:
		now = plhw_clock();
		WRITE_ONCE(hw->clock_hi, upper_32_bits(now));
		return lower_32_bits(now);
	case PLHW_REG_CLOCK_HI:
		return READ_ONCE(hw->clock_hi);
	case PLHW_REG_MISC_CAUSE:
		raw_spin_lock_irqsave(&hw->vec[PLHW_VEC_MISC].lock, flags);
		val = hw->vec[PLHW_VEC_MISC].msg_cause;
		hw->vec[PLHW_VEC_MISC].msg_cause = 0;
		raw_spin_unlock_irqrestore(&hw->vec[PLHW_VEC_MISC].lock, flags);
		return val;
	default:
		return 0;
	}
}

void plhw_writel(struct plhw_port *hw, u32 reg, u32 val)
{
	if (reg >= PLHW_Q(0)) {
		unsigned int q = (reg - PLHW_Q(0)) / 0x100;

		if (q < hw->num_queues)
			plhw_write_queue(hw, q, reg & 0xff, val);
		return;
	}
	if (reg >= PLHW_REG_RSS_KEY(0) &&
	    reg < PLHW_REG_RSS_KEY(PLHW_RSS_KEY_LEN / 4)) {
		unsigned int i = reg - PLHW_REG_RSS_KEY(0), b;

		/*
		 * The RX engine may hash with a key half old, half new while
		 * the driver rewrites it, as real NICs do: no lock.
		 */
		for (b = 0; b < 4; b++)
			WRITE_ONCE(hw->rss_key[i + b], val >> (24 - 8 * b));
		return;
	}
	if (reg >= PLHW_REG_RSS_INDIR(0) &&
	    reg < PLHW_REG_RSS_INDIR(PLHW_RSS_INDIR_LEN)) {
		WRITE_ONCE(hw->rss_indir[(reg - PLHW_REG_RSS_INDIR(0)) / 4],
			   min_t(u32, val, PLHW_MAX_QUEUES - 1));
		return;
	}
	if (plhw_mac_reg(reg)) {
		plhw_mac_write(hw, reg, val);
		return;
	}
	if (reg >= PLHW_REG_L3C(0) && reg < PLHW_REG_L3C(PLHW_L3C_RULES)) {
		plhw_l3c_write(hw, (reg - PLHW_REG_L3C(0)) / 0x40,
			       (reg - PLHW_REG_L3C(0)) % 0x40, val);
		return;
	}
	if (reg == PLHW_REG_CTRL)
		plhw_port_update(hw, PLHW_PORT_CTRL, val);
	else if (reg == PLHW_REG_PHY_CTRL)
		plhw_port_update(hw, PLHW_PORT_PHY, val);
	else if (reg == PLHW_REG_MISC_MASK)
		plhw_vec_unmask(&hw->vec[PLHW_VEC_MISC], !val);
}

struct device *plhw_dma_dev(struct plhw_port *hw)
{
	return &hw->pdev->dev;
}

const char *plhw_name(struct plhw_port *hw)
{
	return dev_name(&hw->pdev->dev);
}

struct dentry *plhw_debugfs_dir(struct plhw_port *hw)
{
	return hw->debugfs;
}

/* --- ports and pairs ----------------------------------------------------- */

static void plhw_port_free(struct plhw_port *port)
{
	unsigned int q;

	for (q = 0; q < PLHW_MAX_QUEUES; q++) {
		kfree(port->txq[q].seg);
		kvfree(port->txq[q].buf);
	}
	ida_free(&plhw_ida, port->id);
	kfree(port);
}

/* Reverses plhw_port_alloc(). */
static void plhw_port_release(struct plhw_port *port)
{
	plhw_vecs_destroy(port);
	plhw_port_free(port);
}

static struct plhw_port *plhw_port_alloc(void)
{
	struct plhw_port *port;
	unsigned int q;
	int err;

	port = kzalloc(sizeof(*port), GFP_KERNEL);
	if (!port)
		return ERR_PTR(-ENOMEM);
	port->id = ida_alloc(&plhw_ida, GFP_KERNEL);
	if (port->id < 0) {
		err = port->id;
		kfree(port);
		return ERR_PTR(err);
	}
	port->num_queues = PLHW_MAX_QUEUES;
	port->dma_ns = PLHW_DMA_NS;
	spin_lock_init(&port->ctrl_lock);
	plhw_phy_init(port);
	plhw_mac_init(port);
	for (q = 0; q < PLHW_MAX_QUEUES; q++) {
		struct plhw_txq *txq = &port->txq[q];
		struct plhw_rxq *rxq = &port->rxq[q];

		spin_lock_init(&txq->lock);
		txq->port = port;
		txq->index = q;
		hrtimer_setup(&txq->timer, plhw_txq_timer, CLOCK_MONOTONIC,
			      HRTIMER_MODE_ABS_SOFT);
		spin_lock_init(&rxq->lock);
		rxq->port = port;
		INIT_LIST_HEAD(&rxq->pb);
		hrtimer_setup(&rxq->timer, plhw_rxq_timer, CLOCK_MONOTONIC,
			      HRTIMER_MODE_ABS_SOFT);
		if (q >= port->num_queues)
			continue;
		/* room for the MAC's padding and FCS after the frame */
		txq->buf = kvmalloc(PLHW_TX_BUF + PLHW_MAC_ROOM, GFP_KERNEL);
		txq->seg = kmalloc(PLHW_SEG_BUF + PLHW_MAC_ROOM, GFP_KERNEL);
		if (!txq->buf || !txq->seg) {
			plhw_port_free(port);
			return ERR_PTR(-ENOMEM);
		}
	}
	err = plhw_vecs_init(port);
	if (err) {
		plhw_port_free(port);
		return ERR_PTR(err);
	}
	plhw_wire_init(&port->wire);
	return port;
}

static int plhw_port_plug(struct plhw_port *port)
{
	struct platform_device *pdev;
	int err;

	pdev = platform_device_register_simple("pktlife", port->id, NULL, 0);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	err = dma_coerce_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (err) {
		platform_device_unregister(pdev);
		return err;
	}
	port->pdev = pdev;
	plhw_debugfs_port_add(port);
	return 0;
}

/**
 * plhw_pair_create() - two new ports, cabled to each other
 * @a: the first port
 * @b: the second port
 *
 * Return: 0 or -errno.
 */
int plhw_pair_create(struct plhw_port **a, struct plhw_port **b)
{
	struct plhw_port *pa, *pb;
	int err;

	pa = plhw_port_alloc();
	if (IS_ERR(pa))
		return PTR_ERR(pa);
	pb = plhw_port_alloc();
	if (IS_ERR(pb)) {
		err = PTR_ERR(pb);
		goto err_free_a;
	}
	err = plhw_port_plug(pa);
	if (err)
		goto err_free_b;
	err = plhw_port_plug(pb);
	if (err)
		goto err_unplug_a;

	mutex_lock(&plhw_cable_lock);
	rcu_assign_pointer(pa->peer, pb);
	rcu_assign_pointer(pb->peer, pa);
	mutex_unlock(&plhw_cable_lock);
	*a = pa;
	*b = pb;
	return 0;

err_unplug_a:
	plhw_debugfs_port_del(pa);
	platform_device_unregister(pa->pdev);
err_free_b:
	plhw_port_release(pb);
err_free_a:
	plhw_port_release(pa);
	return err;
}

/**
 * plhw_port_destroy() - unplug a port and free it
 * @hw: the port; its driver has disabled its queues and freed its vectors
 *
 * The other end of the cable sees its link go down.
 */
void plhw_port_destroy(struct plhw_port *hw)
{
	struct plhw_port *peer;
	unsigned int q;

	mutex_lock(&plhw_cable_lock);
	peer = rcu_dereference_protected(hw->peer,
					 lockdep_is_held(&plhw_cable_lock));
	RCU_INIT_POINTER(hw->peer, NULL);
	if (peer)
		RCU_INIT_POINTER(peer->peer, NULL);
	mutex_unlock(&plhw_cable_lock);
	/* The engines of both ends run with BHs off: after this, none of
	 * them reaches through the cable any more.
	 */
	synchronize_rcu();
	if (peer && (READ_ONCE(peer->ctrl) & PLHW_CTRL_ENABLE))
		plhw_link_event(peer);

	for (q = 0; q < PLHW_MAX_QUEUES; q++) {
		plhw_txq_enable(&hw->txq[q], false);
		plhw_rxq_enable(hw, &hw->rxq[q], false);
	}
	plhw_wire_stop(&hw->wire);
	plhw_debugfs_port_del(hw);
	platform_device_unregister(hw->pdev);
	plhw_port_release(hw);
}

int plhw_init(void)
{
	int err;

	err = plhw_irq_init();
	if (err)
		return err;
	plhw_debugfs_init();
	return 0;
}

void plhw_exit(void)
{
	plhw_debugfs_exit();
	plhw_irq_exit();
}
