/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pktlife driver tracepoints: what only the driver knows of a packet.
 *
 * They add to the core's own events (napi:napi_poll, net:net_dev_xmit,
 * net:netif_receive_skb, ...), carrying what joins them: the skb's address
 * where there is an skb (as an identity, never to be dereferenced later)
 * and the NIC's frame id, which stays the same from the sender's TX
 * descriptor to the receiver's RX descriptor.  The NIC model's own events
 * are in hw/trace.h.  Times are CLOCK_MONOTONIC ns, the NIC's clock.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM pktlife

#if !defined(_PKTLIFE_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _PKTLIFE_TRACE_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/tracepoint.h>

TRACE_EVENT(pl_poll_begin,
	TP_PROTO(const struct net_device *dev, u16 queue, int budget),
	TP_ARGS(dev, queue, budget),
	TP_STRUCT__entry(
		__field(int, ifindex)
		__field(u16, queue)
		__field(int, budget)
	),
	TP_fast_assign(
		__entry->ifindex = dev->ifindex;
		__entry->queue = queue;
		__entry->budget = budget;
	),
	TP_printk("ifindex=%d queue=%u budget=%d",
		  __entry->ifindex, __entry->queue, __entry->budget)
);

TRACE_EVENT(pl_poll_end,
	TP_PROTO(const struct net_device *dev, u16 queue, int budget,
		 int rx_done, int tx_done),
	TP_ARGS(dev, queue, budget, rx_done, tx_done),
	TP_STRUCT__entry(
		__field(int, ifindex)
		__field(u16, queue)
		__field(int, budget)
		__field(int, rx_done)
		__field(int, tx_done)
	),
	TP_fast_assign(
		__entry->ifindex = dev->ifindex;
		__entry->queue = queue;
		__entry->budget = budget;
		__entry->rx_done = rx_done;
		__entry->tx_done = tx_done;
	),
	TP_printk("ifindex=%d queue=%u budget=%d rx=%d tx=%d",
		  __entry->ifindex, __entry->queue, __entry->budget,
		  __entry->rx_done, __entry->tx_done)
);

/*
 * Adaptive RX moderation (dim.c): DIM chose profile @profile of its table
 * for a queue, and the driver programs its usecs and frames.
 */
TRACE_EVENT(pl_dim,
	TP_PROTO(const struct net_device *dev, u16 queue, u8 profile,
		 u32 usecs, u32 frames),
	TP_ARGS(dev, queue, profile, usecs, frames),
	TP_STRUCT__entry(
		__field(int, ifindex)
		__field(u16, queue)
		__field(u8, profile)
		__field(u32, usecs)
		__field(u32, frames)
	),
	TP_fast_assign(
		__entry->ifindex = dev->ifindex;
		__entry->queue = queue;
		__entry->profile = profile;
		__entry->usecs = usecs;
		__entry->frames = frames;
	),
	TP_printk("ifindex=%d queue=%u profile=%u usecs=%u frames=%u",
		  __entry->ifindex, __entry->queue, __entry->profile,
		  __entry->usecs, __entry->frames)
);

/*
 * An skb built from the RX ring, before GRO, with what came before it: the
 * frame's departure from the peer and arrival (its descriptor), when the
 * queue's vector last fired and on which CPU, and when this poll began.
 * @irq_ns may be older than the frame (it came while NAPI had the vector
 * masked, or the poll was not started by an interrupt); 0: none seen since
 * the event was enabled.  The driver reads the clock for @irq_ns and
 * @poll_ns only while this event is enabled.
 */
TRACE_EVENT(pl_rx_skb,
	TP_PROTO(const struct net_device *dev, const struct sk_buff *skb,
		 u16 queue, u32 frame_id, u64 depart_ns, u64 arrive_ns,
		 u64 irq_ns, u32 irq_cpu, u64 poll_ns, u32 nbufs, bool copied),
	TP_ARGS(dev, skb, queue, frame_id, depart_ns, arrive_ns, irq_ns,
		irq_cpu, poll_ns, nbufs, copied),
	TP_STRUCT__entry(
		__field(const void *, skbaddr)
		__field(int, ifindex)
		__field(u16, queue)
		__field(u32, len)
		__field(u32, frame_id)
		__field(u64, depart_ns)
		__field(u64, arrive_ns)
		__field(u64, irq_ns)
		__field(u32, irq_cpu)
		__field(u64, poll_ns)
		__field(u32, nbufs)
		__field(u8, ip_summed)
		__field(bool, copied)
		__field(u32, hash)
		__field(bool, l4_hash)
	),
	TP_fast_assign(
		__entry->skbaddr = skb;
		__entry->ifindex = dev->ifindex;
		__entry->queue = queue;
		__entry->len = skb->len;
		__entry->frame_id = frame_id;
		__entry->depart_ns = depart_ns;
		__entry->arrive_ns = arrive_ns;
		__entry->irq_ns = irq_ns;
		__entry->irq_cpu = irq_cpu;
		__entry->poll_ns = poll_ns;
		__entry->nbufs = nbufs;
		__entry->ip_summed = skb->ip_summed;
		__entry->copied = copied;
		__entry->hash = skb->hash;
		__entry->l4_hash = skb->l4_hash;
	),
	TP_printk("skbaddr=%p ifindex=%d queue=%u len=%u frame=%#x depart=%llu arrive=%llu irq=%llu irq_cpu=%u poll=%llu bufs=%u ip_summed=%u copied=%d hash=%#x l4_hash=%d",
		  __entry->skbaddr, __entry->ifindex, __entry->queue,
		  __entry->len, __entry->frame_id, __entry->depart_ns,
		  __entry->arrive_ns, __entry->irq_ns, __entry->irq_cpu,
		  __entry->poll_ns, __entry->nbufs, __entry->ip_summed,
		  __entry->copied, __entry->hash, __entry->l4_hash)
);

/*
 * What GRO did with it: the skb may be merged or freed by now, so only its
 * address is passed, as a number -- a key to match pl_rx_skb with, which
 * a BTF-typed consumer (tp_btf, bpftrace's args) cannot follow into freed
 * memory.
 */
TRACE_EVENT(pl_rx_gro,
	TP_PROTO(const struct net_device *dev, unsigned long skbaddr, u16 queue,
		 int result),
	TP_ARGS(dev, skbaddr, queue, result),
	TP_STRUCT__entry(
		__field(const void *, skbaddr)
		__field(int, ifindex)
		__field(u16, queue)
		__field(int, result)
	),
	TP_fast_assign(
		__entry->skbaddr = (const void *)skbaddr;
		__entry->ifindex = dev->ifindex;
		__entry->queue = queue;
		__entry->result = result;
	),
	TP_printk("skbaddr=%p ifindex=%d queue=%u result=%d",
		  __entry->skbaddr, __entry->ifindex, __entry->queue,
		  __entry->result)
);

TRACE_EVENT(pl_xmit,
	TP_PROTO(const struct net_device *dev, const struct sk_buff *skb,
		 u16 queue, u32 descs),
	TP_ARGS(dev, skb, queue, descs),
	TP_STRUCT__entry(
		__field(const void *, skbaddr)
		__field(int, ifindex)
		__field(u16, queue)
		__field(u32, len)
		__field(u16, gso_size)
		__field(u16, gso_segs)
		__field(u8, ip_summed)
		__field(u32, descs)
	),
	TP_fast_assign(
		__entry->skbaddr = skb;
		__entry->ifindex = dev->ifindex;
		__entry->queue = queue;
		__entry->len = skb->len;
		__entry->gso_size = skb_shinfo(skb)->gso_size;
		__entry->gso_segs = skb_shinfo(skb)->gso_segs;
		__entry->ip_summed = skb->ip_summed;
		__entry->descs = descs;
	),
	TP_printk("skbaddr=%p ifindex=%d queue=%u len=%u gso_size=%u gso_segs=%u ip_summed=%u descs=%u",
		  __entry->skbaddr, __entry->ifindex, __entry->queue,
		  __entry->len, __entry->gso_size, __entry->gso_segs,
		  __entry->ip_summed, __entry->descs)
);

/*
 * The skb's @descs descriptors from @first on are posted; @doorbell: it
 * rings the doorbell (for itself and the frames batched before it), else
 * xmit_more said more is coming and it waits for a later one.
 */
TRACE_EVENT(pl_tx_posted,
	TP_PROTO(const struct net_device *dev, const struct sk_buff *skb,
		 u16 queue, u32 first, u32 descs, bool doorbell),
	TP_ARGS(dev, skb, queue, first, descs, doorbell),
	TP_STRUCT__entry(
		__field(const void *, skbaddr)
		__field(int, ifindex)
		__field(u16, queue)
		__field(u32, first)
		__field(u32, descs)
		__field(bool, doorbell)
	),
	TP_fast_assign(
		__entry->skbaddr = skb;
		__entry->ifindex = dev->ifindex;
		__entry->queue = queue;
		__entry->first = first;
		__entry->descs = descs;
		__entry->doorbell = doorbell;
	),
	TP_printk("skbaddr=%p ifindex=%d queue=%u first=%u descs=%u doorbell=%d",
		  __entry->skbaddr, __entry->ifindex, __entry->queue,
		  __entry->first, __entry->descs, __entry->doorbell)
);

/* The doorbell rang for @batch frames queued since the last one. */
TRACE_EVENT(pl_tx_doorbell,
	TP_PROTO(const struct net_device *dev, u16 queue, u32 tail, u32 batch),
	TP_ARGS(dev, queue, tail, batch),
	TP_STRUCT__entry(
		__field(int, ifindex)
		__field(u16, queue)
		__field(u32, tail)
		__field(u32, batch)
	),
	TP_fast_assign(
		__entry->ifindex = dev->ifindex;
		__entry->queue = queue;
		__entry->tail = tail;
		__entry->batch = batch;
	),
	TP_printk("ifindex=%d queue=%u tail=%u batch=%u",
		  __entry->ifindex, __entry->queue, __entry->tail,
		  __entry->batch)
);

/* The NIC sent the skb as @nsegs wire frames from @frame_id on. */
TRACE_EVENT(pl_tx_complete,
	TP_PROTO(const struct net_device *dev, const struct sk_buff *skb,
		 u16 queue, u32 frame_id, u32 nsegs, u64 depart_ns,
		 u64 xmit_ns),
	TP_ARGS(dev, skb, queue, frame_id, nsegs, depart_ns, xmit_ns),
	TP_STRUCT__entry(
		__field(const void *, skbaddr)
		__field(int, ifindex)
		__field(u16, queue)
		__field(u32, frame_id)
		__field(u32, nsegs)
		__field(u64, depart_ns)
		__field(u64, xmit_ns)
	),
	TP_fast_assign(
		__entry->skbaddr = skb;
		__entry->ifindex = dev->ifindex;
		__entry->queue = queue;
		__entry->frame_id = frame_id;
		__entry->nsegs = nsegs;
		__entry->depart_ns = depart_ns;
		__entry->xmit_ns = xmit_ns;
	),
	TP_printk("skbaddr=%p ifindex=%d queue=%u frame=%#x nsegs=%u depart=%llu xmit=%llu",
		  __entry->skbaddr, __entry->ifindex, __entry->queue,
		  __entry->frame_id, __entry->nsegs, __entry->depart_ns,
		  __entry->xmit_ns)
);

#endif /* _PKTLIFE_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
