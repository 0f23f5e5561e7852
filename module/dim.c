// SPDX-License-Identifier: GPL-2.0
/*
 * pktlife adaptive RX interrupt moderation (ethtool -C adaptive-rx on), with
 * the kernel's DIM library, as mlx5, ice and bnxt use it.  Each queue's
 * NAPI poll, when it completes, hands DIM a sample: the queue's interrupts,
 * frames and bytes so far.  Every DIM_NEVENTS interrupts DIM compares the
 * rates with its last measurement and steps along its table of profiles
 * (rx-usecs, rx-frames); a work item then writes the profile it chose into
 * the queue's vector.  The NIC counts its usecs from the first event (its
 * moderation is EQE-based, in DIM's words), so the profiles are DIM's EQE
 * ones: 1, 8, 64, 128 and 256 us.
 */
#include <linux/dim.h>

#include "pktlife.h"
#include "trace.h"

/* The profile a queue starts at: net_dim's default, 8 us. */
#define PL_DIM_START_PROFILE	1

/* With the queue's NAPI disabled or not yet running. */
void pl_dim_init(struct pl_queue *q)
{
	memset(&q->dim, 0, sizeof(q->dim));
	q->dim.mode = DIM_CQ_PERIOD_MODE_START_FROM_EQE;
	q->dim.profile_ix = PL_DIM_START_PROFILE;
	INIT_WORK(&q->dim.work, pl_dim_work);
}

/* The queue's NAPI is disabled: no sample schedules the work again. */
void pl_dim_stop(struct pl_queue *q)
{
	cancel_work_sync(&q->dim.work);
}

/* The RX moderation DIM chose for @q, within what the NIC takes. */
void pl_dim_moderation(const struct pl_queue *q, u32 *usecs, u32 *frames)
{
	struct dim_cq_moder m = net_dim_get_rx_moderation(q->dim.mode,
							  q->dim.profile_ix);

	*usecs = min_t(u32, m.usec, PLHW_MAX_IRQ_USECS);
	*frames = min_t(u32, m.pkts, PLHW_MAX_IRQ_FRAMES);
}

/* In the NAPI poll that completes: what the queue did since the last. */
void pl_dim_sample(struct pl_queue *q)
{
	struct dim_sample sample;

	dim_update_sample(READ_ONCE(q->dim_irqs),
			  u64_stats_read(&q->rx_stats.c[PL_RX_PACKETS]),
			  u64_stats_read(&q->rx_stats.c[PL_RX_BYTES]), &sample);
	pl_net_dim(&q->dim, &sample);
}

/* DIM chose a profile: program it, and let DIM measure again. */
void pl_dim_work(struct work_struct *work)
{
	struct dim *dim = container_of(work, struct dim, work);
	struct pl_queue *q = container_of(dim, struct pl_queue, dim);
	u32 usecs, frames;

	pl_dim_moderation(q, &usecs, &frames);
	trace_pl_dim(q->priv->dev, q->index, dim->profile_ix, usecs, frames);
	pl_writel(q->priv, PLHW_Q(q->index) + PLHW_IRQ_RX_USECS, usecs);
	pl_writel(q->priv, PLHW_Q(q->index) + PLHW_IRQ_RX_FRAMES, frames);
	dim->state = DIM_START_MEASURE;
}
