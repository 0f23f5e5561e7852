// SPDX-License-Identifier: GPL-2.0
/*
 * pktlife interrupts: the handlers of a port's vectors and their Linux
 * IRQs, requested and freed as a PCI driver does its MSI-X vectors'.
 */
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/netdevice.h>

#include "pktlife.h"
#include "trace.h"

/* A queue's vector fired: the NIC masked it until we unmask it. */
static irqreturn_t pl_queue_irq(int irq, void *data)
{
	struct pl_queue *q = data;
	u32 cause;

	cause = pl_readl(q->priv, PLHW_Q(q->index) + PLHW_IRQ_CAUSE);
	u64_stats_update_begin(&q->irq_stats.syncp);
	if (cause & PLHW_CAUSE_RX)
		u64_stats_inc(&q->irq_stats.c[PL_IRQ_RX]);
	if (cause & PLHW_CAUSE_TX)
		u64_stats_inc(&q->irq_stats.c[PL_IRQ_TX]);
	u64_stats_update_end(&q->irq_stats.syncp);
	/* DIM's events; read by the NAPI poll this schedules */
	WRITE_ONCE(q->dim_irqs, q->dim_irqs + 1);
	/*
	 * Read by that poll too, which may run on another CPU (threaded
	 * NAPI) or be a busy poll already running: one store each, no
	 * ordering between them needed (a time and its CPU a poll apart
	 * only mislabel one interrupt's CPU).
	 */
	if (trace_pl_rx_skb_enabled()) {
		WRITE_ONCE(q->irq_ns, ktime_get_ns());
		WRITE_ONCE(q->irq_cpu, smp_processor_id());
	}
	napi_schedule(&q->napi);
	return IRQ_HANDLED;
}

/* The link vector: carrier follows the NIC's link status. */
static irqreturn_t pl_link_irq(int irq, void *data)
{
	struct pl_priv *priv = data;

	pl_readl(priv, PLHW_REG_MISC_CAUSE);
	if (pl_readl(priv, PLHW_REG_STATUS) & PLHW_STATUS_LINK)
		netif_carrier_on(priv->dev);
	else
		netif_carrier_off(priv->dev);
	pl_writel(priv, PLHW_REG_MISC_MASK, 0);
	return IRQ_HANDLED;
}

/*
 * Request vector @vec as @name.  A queue's vector is aimed at the queue's
 * CPU, spread over the CPUs as real drivers do (the hint irqbalance reads),
 * unless someone aimed it already (/proc/irq/N/smp_affinity): that choice
 * survives the device going down and up, as it does on a PCI NIC.
 */
static int pl_request_irq(struct pl_priv *priv, unsigned int vec,
			  irq_handler_t handler, const char *name, void *data,
			  const struct cpumask *hint)
{
	int irq = plhw_irq_vector(priv->hw, vec);
	int err;

	if (irq < 0)
		return irq;
	err = request_irq(irq, handler, 0, name, data);
	if (err)
		return err;
	if (!hint)
		return 0;
	if (irqd_affinity_was_set(irq_get_irq_data(irq)))
		irq_update_affinity_hint(irq, hint);
	else
		irq_set_affinity_and_hint(irq, hint);
	return 0;
}

static void pl_free_irq(struct pl_priv *priv, unsigned int vec, void *data)
{
	int irq = plhw_irq_vector(priv->hw, vec);

	irq_update_affinity_hint(irq, NULL);
	free_irq(irq, data);
}

/* Queue @q's vector, as <dev>-rxtx-<queue>, aimed at the queue's CPU. */
int pl_queue_irq_request(struct pl_queue *q)
{
	struct pl_priv *priv = q->priv;

	snprintf(q->irq_name, sizeof(q->irq_name), "%s-rxtx-%u",
		 priv->dev->name, q->index);
	return pl_request_irq(priv, q->index, pl_queue_irq, q->irq_name, q,
			      cpumask_of(cpumask_local_spread(q->index,
							      NUMA_NO_NODE)));
}

void pl_queue_irq_free(struct pl_queue *q)
{
	pl_free_irq(q->priv, q->index, q);
}

/* The link vector, as <dev>-link, wherever the kernel aims it. */
int pl_link_irq_request(struct pl_priv *priv)
{
	snprintf(priv->link_irq_name, sizeof(priv->link_irq_name), "%s-link",
		 priv->dev->name);
	return pl_request_irq(priv, PLHW_VEC_MISC, pl_link_irq,
			      priv->link_irq_name, priv, NULL);
}

void pl_link_irq_free(struct pl_priv *priv)
{
	pl_free_irq(priv, PLHW_VEC_MISC, priv);
}
