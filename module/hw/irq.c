// SPDX-License-Identifier: GPL-2.0
/*
 * plhw: the interrupt vectors of a port, from an event to the CPU.
 *
 * Three layers, as on a PCI NIC with MSI-X:
 *
 * - The NIC's interrupt logic, per vector: RX and TX events, moderation
 *   (rx/tx usecs and frames, a minimum gap between firings), the vector's
 *   own mask which it sets when it fires (auto-mask) and the driver clears
 *   through a register, the cause register (the causes the message
 *   carried: cleared in the logic when it is sent), events latched while
 *   masked.
 * - The MSI-X table entry: a mask bit with its pending bit (the irq_chip's
 *   mask and unmask), and the message's destination CPU (the chip's
 *   affinity, from /proc/irq/N/smp_affinity_list or the driver's hint).
 * - The message: it interrupts the destination CPU, which handles the
 *   vector's Linux IRQ in hard-irq context there: another CPU through an
 *   IPI (an asynchronous SMP call, the nearest thing to a remote APIC
 *   write a module may do), the sending CPU through a self-IPI (a hard
 *   irq_work).  handle_edge_irq() counts it in /proc/interrupts, on that
 *   CPU, and the NAPI its handler schedules runs there.
 *
 * The vectors' Linux IRQs come from one irq_domain of the model (hwirq =
 * port id * PLHW_NUM_VECS + vector), as a PCI MSI domain hands out a
 * device's; the driver finds them with plhw_irq_vector() and requests them
 * like any other.  On PREEMPT_RT the kernel threads their handlers, as it
 * does real NICs'.
 */
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irq_work.h>
#include <linux/irqdomain.h>
#include <linux/smp.h>

#include "nic.h"
#include "plhw_trace.h"

static struct fwnode_handle *plhw_irq_fwnode;
static struct irq_domain *plhw_irq_domain;

/* --- the message ---------------------------------------------------------- */

/* v->msi: a message of the vector is on its way to a CPU */
#define PLHW_MSI_IN_FLIGHT	0

/* The message arrived: this CPU takes the vector's interrupt. */
static void plhw_msi_take(struct plhw_vec *v)
{
	/*
	 * Before handling: an event the handler does not see (its cause
	 * read came first) sends a message of its own.  With release
	 * semantics: the SMP call unlocked its csd before calling us, and a
	 * sender that sees the bit clear must see the csd free too.
	 */
	clear_bit_unlock(PLHW_MSI_IN_FLIGHT, &v->msi);
	generic_handle_irq_safe(v->irq);
}

static void plhw_msi_ipi(void *data)
{
	plhw_msi_take(data);
}

static void plhw_msi_self(struct irq_work *work)
{
	plhw_msi_take(container_of(work, struct plhw_vec, self));
}

/*
 * Send the vector's message to the CPU its affinity names.  One message is
 * in flight at a time: another one meanwhile is the same interrupt, as
 * for an edge-triggered vector.  Any context.
 */
static void plhw_msi_send(struct plhw_vec *v)
{
	/*
	 * Not preemptible from the claim of the bit to the queueing: a
	 * sender preempted in between (a process-context doorbell, or any
	 * engine on PREEMPT_RT) would hold every later message back.
	 */
	unsigned int me = get_cpu(), cpu;

	if (test_and_set_bit_lock(PLHW_MSI_IN_FLIGHT, &v->msi))
		goto out;
	cpu = READ_ONCE(v->cpu);
	if (cpu == me || smp_call_function_single_async(cpu, &v->ipi))
		irq_work_queue(&v->self);	/* here, or the CPU went offline */
out:
	put_cpu();
}

/* --- the NIC's interrupt logic -------------------------------------------- */

/*
 * With v->lock held: fire now, or latch if masked (by the NIC's auto-mask or
 * the MSI-X entry).  True: send the message.
 */
static bool plhw_vec_fire_locked(struct plhw_vec *v)
{
	if (v->masked || v->msix_masked) {
		v->pending = true;
		return false;
	}
	v->masked = true;	/* auto-mask, as MSI-X vectors of NICs do */
	v->pending = false;
	v->fired = true;
	trace_pl_hw_irq(v->port->id, v->index, v->cause, v->rx_events,
			v->tx_events, v->first_ns ? plhw_clock() - v->first_ns : 0);
	/*
	 * Auto-clear, as igb's EIAC: the causes go with the message, for its
	 * handler to read, and events from now on collect anew.  A handler
	 * that reads late (threaded, on PREEMPT_RT) cannot take the causes
	 * of events latched after the message: they fire at unmask with
	 * their own.
	 */
	v->msg_cause |= v->cause;
	v->cause = 0;
	v->first_ns = 0;
	v->rx_events = 0;
	v->tx_events = 0;
	if (v->armed) {
		hrtimer_try_to_cancel(&v->timer);
		v->armed = false;
	}
	return true;
}

/*
 * With v->lock held: when the events counted since the vector last fired
 * may fire it, 0 for at once (or for none counted: the link vector).  A
 * direction with USECS 0, or whose FRAMES count was reached, fires at
 * once; one with USECS waits USECS from the first event.  That event came
 * after the last firing, so events latched while NAPI kept the vector
 * masked wait too: the vector fires at most once per USECS, however soon
 * NAPI unmasks it (the throttle of real NICs).  The earliest direction
 * decides.
 */
static u64 plhw_vec_deadline(const struct plhw_vec *v)
{
	u64 at = U64_MAX, from = v->first_ns;
	unsigned int d;

	for (d = 0; d < 2; d++) {
		u32 events = d ? v->tx_events : v->rx_events;
		/* the registers' writes take no lock: read once */
		u32 usecs = d ? READ_ONCE(v->tx_usecs) : READ_ONCE(v->rx_usecs);
		u32 frames = d ? READ_ONCE(v->tx_frames) : READ_ONCE(v->rx_frames);

		if (!events)
			continue;
		if (!usecs || (frames && events >= frames))
			return 0;
		at = min(at, from + (u64)usecs * NSEC_PER_USEC);
	}
	return at == U64_MAX ? 0 : at;
}

/*
 * With v->lock held, the vector unmasked and events counted: fire now
 * (true: send the message) or arm the moderation timer for the deadline.
 */
static bool plhw_vec_moderate_locked(struct plhw_vec *v)
{
	u64 at = plhw_vec_deadline(v);

	if (at <= plhw_clock())
		return plhw_vec_fire_locked(v);
	/*
	 * Armed for the other direction's later deadline (tx-usecs 10000
	 * while an RX event has rx-usecs 500): the earlier one wins.
	 */
	if (!v->armed ||
	    at < ktime_to_ns(hrtimer_get_expires(&v->timer))) {
		v->armed = true;
		hrtimer_start(&v->timer, ns_to_ktime(at), HRTIMER_MODE_ABS_HARD);
	}
	return false;
}

/*
 * The moderation timer is a hard hrtimer: it expires in hardirq context,
 * like the timer of a real NIC raising MSI-X, so the interrupt comes when
 * rx-usecs says and not when softirq processing gets to it (under load a
 * soft hrtimer ran hundreds of microseconds late).
 */
static enum hrtimer_restart plhw_vec_timer(struct hrtimer *timer)
{
	struct plhw_vec *v = container_of(timer, struct plhw_vec, timer);
	unsigned long flags;
	bool fire = false;

	raw_spin_lock_irqsave(&v->lock, flags);
	/*
	 * Not armed: an event past the deadline fired the vector while we
	 * waited for the lock (its hrtimer_try_to_cancel() found us running);
	 * firing again would latch a pending bit with no event behind it.
	 */
	if (v->armed) {
		v->armed = false;
		fire = plhw_vec_fire_locked(v);
	}
	raw_spin_unlock_irqrestore(&v->lock, flags);

	if (fire)
		plhw_msi_send(v);
	return HRTIMER_NORESTART;
}

/**
 * plhw_vec_event() - an RX or TX event for vector @vec of @port
 * @port: the port
 * @vec: the vector
 * @rx: RX (frame written) or TX (descriptors written back) event
 *
 * Interrupt moderation: with usecs 0 every event fires the vector at once;
 * otherwise the first event starts a usecs timer and the vector fires when
 * it expires or, if frames is not 0, when that many events have come.
 * With both directions counted, the earlier deadline wins.  Events while
 * it is masked are latched, and moderated at unmask.
 */
void plhw_vec_event(struct plhw_port *port, unsigned int vec, bool rx)
{
	struct plhw_vec *v = &port->vec[vec];
	unsigned long flags;
	bool fire = false;

	raw_spin_lock_irqsave(&v->lock, flags);
	if (!v->first_ns)
		v->first_ns = plhw_clock();
	if (rx) {
		v->cause |= PLHW_CAUSE_RX;
		v->rx_events++;
	} else {
		v->cause |= PLHW_CAUSE_TX;
		v->tx_events++;
	}
	if (v->masked)
		v->pending = true;
	else
		fire = plhw_vec_moderate_locked(v);
	raw_spin_unlock_irqrestore(&v->lock, flags);

	if (fire)
		plhw_msi_send(v);
}

/* The link vector: the PHY's link changed. */
void plhw_link_event(struct plhw_port *port)
{
	struct plhw_vec *v = &port->vec[PLHW_VEC_MISC];
	unsigned long flags;
	bool fire;

	raw_spin_lock_irqsave(&v->lock, flags);
	v->cause |= PLHW_CAUSE_LINK;
	fire = plhw_vec_fire_locked(v);
	raw_spin_unlock_irqrestore(&v->lock, flags);

	if (fire)
		plhw_msi_send(v);
}

/* The vector's mask register: the driver re-enables it (or masks it). */
void plhw_vec_unmask(struct plhw_vec *v, bool unmask)
{
	unsigned long flags;
	bool fire = false;

	/* irqsave: the handler writes this register, in hardirq context too */
	raw_spin_lock_irqsave(&v->lock, flags);
	v->masked = !unmask;
	/* what was latched meanwhile fires now, or when moderation says */
	if (unmask && v->pending)
		fire = plhw_vec_moderate_locked(v);
	raw_spin_unlock_irqrestore(&v->lock, flags);

	if (fire)
		plhw_msi_send(v);
}

/* --- the MSI-X table entry: the irq_chip ---------------------------------- */

/*
 * The chip's callbacks run under the IRQ descriptor's raw lock, interrupts
 * off: v->lock (raw) nests inside it, never the other way round.
 */

/* Masked: messages wait, latched in the pending bit. */
static void plhw_msix_mask(struct irq_data *d)
{
	struct plhw_vec *v = irq_data_get_irq_chip_data(d);

	raw_spin_lock(&v->lock);
	v->msix_masked = true;
	raw_spin_unlock(&v->lock);
}

/* Unmasked: a pending message goes now (or when moderation says). */
static void plhw_msix_unmask(struct irq_data *d)
{
	struct plhw_vec *v = irq_data_get_irq_chip_data(d);
	bool fire = false;

	raw_spin_lock(&v->lock);
	v->msix_masked = false;
	if (v->pending && !v->masked)
		fire = plhw_vec_moderate_locked(v);
	raw_spin_unlock(&v->lock);
	if (fire)
		plhw_msi_send(v);
}

/*
 * A driver requested the vector: it starts with the NIC's mask set (the
 * driver clears it when ready) and nothing latched from before.
 */
static unsigned int plhw_msix_startup(struct irq_data *d)
{
	struct plhw_vec *v = irq_data_get_irq_chip_data(d);

	raw_spin_lock(&v->lock);
	v->masked = true;
	v->pending = false;
	v->fired = false;
	v->cause = 0;
	v->msg_cause = 0;
	v->first_ns = 0;
	v->rx_events = 0;
	v->tx_events = 0;
	raw_spin_unlock(&v->lock);
	plhw_msix_unmask(d);
	return 0;
}

/* An edge has nothing to acknowledge; handle_edge_irq() calls this. */
static void plhw_msix_ack(struct irq_data *d)
{
}

/* The message's address: the next one goes to the first CPU of @mask. */
static int plhw_msix_set_affinity(struct irq_data *d,
				  const struct cpumask *mask, bool force)
{
	struct plhw_vec *v = irq_data_get_irq_chip_data(d);
	unsigned int cpu;

	cpu = force ? cpumask_first(mask) :
		      cpumask_first_and(mask, cpu_online_mask);
	if (cpu >= nr_cpu_ids)
		return -EINVAL;
	WRITE_ONCE(v->cpu, cpu);
	irq_data_update_effective_affinity(d, cpumask_of(cpu));
	return IRQ_SET_MASK_OK;
}

/*
 * The core resends an interrupt it could not handle (a disabled IRQ).  One
 * from before the IRQ was last requested (a message that came after
 * free_irq()) is not resent to the new owner: nothing fired since.
 */
static int plhw_msix_retrigger(struct irq_data *d)
{
	struct plhw_vec *v = irq_data_get_irq_chip_data(d);
	bool fired;

	raw_spin_lock(&v->lock);
	fired = v->fired;
	raw_spin_unlock(&v->lock);
	if (fired)
		plhw_msi_send(v);
	return 1;
}

static const struct irq_chip plhw_msix_chip = {
	.name			= "pktlife-msix",
	.irq_startup		= plhw_msix_startup,
	.irq_shutdown		= plhw_msix_mask,
	.irq_ack		= plhw_msix_ack,
	.irq_mask		= plhw_msix_mask,
	.irq_unmask		= plhw_msix_unmask,
	.irq_set_affinity	= plhw_msix_set_affinity,
	.irq_retrigger		= plhw_msix_retrigger,
	.flags			= IRQCHIP_SKIP_SET_WAKE,
};

/* --- a port's vectors ------------------------------------------------------ */

/**
 * plhw_irq_vector() - the Linux IRQ of vector @vec of @hw
 * @hw: the port
 * @vec: the vector
 *
 * What pci_irq_vector() is for a PCI function.
 *
 * Return: the IRQ number, or -EINVAL.
 */
int plhw_irq_vector(struct plhw_port *hw, unsigned int vec)
{
	if (vec >= PLHW_NUM_VECS)
		return -EINVAL;
	return hw->vec[vec].irq;
}

/* Reverses plhw_vecs_init() for vectors [0, @n). */
static void plhw_vecs_unmap(struct plhw_port *port, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		irq_dispose_mapping(port->vec[i].irq);
}

/**
 * plhw_vecs_init() - the vectors of a new port, each with a Linux IRQ
 * @port: the port
 *
 * Each starts masked (NIC and MSI-X) and aimed at the first online CPU.
 *
 * Return: 0 or -errno.
 */
int plhw_vecs_init(struct plhw_port *port)
{
	unsigned int i;

	for (i = 0; i < PLHW_NUM_VECS; i++) {
		struct plhw_vec *v = &port->vec[i];
		unsigned int irq;

		raw_spin_lock_init(&v->lock);
		v->port = port;
		v->index = i;
		hrtimer_setup(&v->timer, plhw_vec_timer, CLOCK_MONOTONIC,
			      HRTIMER_MODE_ABS_HARD);
		v->masked = true;
		v->msix_masked = true;
		v->cpu = cpumask_first(cpu_online_mask);
		v->self = IRQ_WORK_INIT_HARD(plhw_msi_self);
		INIT_CSD(&v->ipi, plhw_msi_ipi, v);
		irq = irq_create_mapping(plhw_irq_domain,
					 port->id * PLHW_NUM_VECS + i);
		if (!irq) {
			plhw_vecs_unmap(port, i);
			return -ENOSPC;
		}
		irq_set_chip_data(irq, v);
		irq_set_chip_and_handler_name(irq, &plhw_msix_chip,
					      handle_edge_irq, "edge");
		pl_irq_set_movable(irq);
		v->irq = irq;
	}
	return 0;
}

/**
 * plhw_vecs_destroy() - the vectors of a port going away
 * @port: the port; its driver has freed its IRQs and its engines stopped
 *
 * On return no message of the port is in flight and its IRQs are gone.
 */
void plhw_vecs_destroy(struct plhw_port *port)
{
	unsigned int i;

	for (i = 0; i < PLHW_NUM_VECS; i++) {
		struct plhw_vec *v = &port->vec[i];

		raw_spin_lock_irq(&v->lock);
		v->masked = true;
		v->msix_masked = true;
		raw_spin_unlock_irq(&v->lock);
		hrtimer_cancel(&v->timer);
	}
	for (i = 0; i < PLHW_NUM_VECS; i++) {
		/* an IPI on its way: the other CPU takes it soon */
		while (test_bit(PLHW_MSI_IN_FLIGHT, &port->vec[i].msi))
			usleep_range(10, 100);
		irq_work_sync(&port->vec[i].self);
	}
	/*
	 * A message taken cleared its bit, then handled the IRQ with
	 * interrupts off: a grace period waits for that to end.
	 */
	synchronize_rcu();
	plhw_vecs_unmap(port, PLHW_NUM_VECS);
}

/* Nothing to map: plhw_vecs_init() sets chip and handler itself. */
static const struct irq_domain_ops plhw_irq_domain_ops = {
};

int plhw_irq_init(void)
{
	plhw_irq_fwnode = irq_domain_alloc_named_fwnode("pktlife-msix");
	if (!plhw_irq_fwnode)
		return -ENOMEM;
	plhw_irq_domain = irq_domain_create_tree(plhw_irq_fwnode,
						 &plhw_irq_domain_ops, NULL);
	if (!plhw_irq_domain) {
		irq_domain_free_fwnode(plhw_irq_fwnode);
		return -ENOMEM;
	}
	return 0;
}

void plhw_irq_exit(void)
{
	irq_domain_remove(plhw_irq_domain);
	irq_domain_free_fwnode(plhw_irq_fwnode);
}
