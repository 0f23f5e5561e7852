/* SPDX-License-Identifier: GPL-2.0 */
/*
 * plhw tracepoints: what the simulated silicon does, on its own clock
 * (CLOCK_MONOTONIC ns).  A port is named by its id (bus-info pktlife.<id>);
 * a frame by the sending port's frame id, which the receiving port writes
 * into its RX descriptor.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM pktlife

#if !defined(_PLHW_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _PLHW_TRACE_H

#include <linux/tracepoint.h>

/*
 * A TX engine fetches descriptors [from, to) (and their buffers): the
 * doorbells latched them, the fetch starts at start_ns and is done, the
 * frames in the engine, at done_ns.
 */
TRACE_EVENT(pl_hw_tx_fetch,
	TP_PROTO(int port, u16 queue, u32 from, u32 to, u64 start_ns,
		 u64 done_ns),
	TP_ARGS(port, queue, from, to, start_ns, done_ns),
	TP_STRUCT__entry(
		__field(int, port)
		__field(u16, queue)
		__field(u32, from)
		__field(u32, to)
		__field(u64, start_ns)
		__field(u64, done_ns)
	),
	TP_fast_assign(
		__entry->port = port;
		__entry->queue = queue;
		__entry->from = from;
		__entry->to = to;
		__entry->start_ns = start_ns;
		__entry->done_ns = done_ns;
	),
	TP_printk("port=%d queue=%u from=%u to=%u start=%llu done=%llu",
		  __entry->port, __entry->queue, __entry->from, __entry->to,
		  __entry->start_ns, __entry->done_ns)
);

/* A frame leaves a port: after the TSO engine, one event per segment. */
TRACE_EVENT(pl_hw_wire_tx,
	TP_PROTO(int port, u16 queue, u32 frame_id, u32 len, u64 depart_ns,
		 u64 arrive_ns),
	TP_ARGS(port, queue, frame_id, len, depart_ns, arrive_ns),
	TP_STRUCT__entry(
		__field(int, port)
		__field(u16, queue)
		__field(u32, frame_id)
		__field(u32, len)
		__field(u64, depart_ns)
		__field(u64, arrive_ns)
	),
	TP_fast_assign(
		__entry->port = port;
		__entry->queue = queue;
		__entry->frame_id = frame_id;
		__entry->len = len;
		__entry->depart_ns = depart_ns;
		__entry->arrive_ns = arrive_ns;
	),
	TP_printk("port=%d queue=%u frame=%#x len=%u depart=%llu arrive=%llu",
		  __entry->port, __entry->queue, __entry->frame_id,
		  __entry->len, __entry->depart_ns, __entry->arrive_ns)
);

/*
 * A frame is written to a port's RX ring, fired before the descriptors
 * are handed over, so before the driver's pl_rx_skb for the same frame.
 * @depart_ns: the wire's sideband, as the descriptor carries it.
 */
TRACE_EVENT(pl_hw_rx_write,
	TP_PROTO(int port, u16 queue, u32 frame_id, u32 len, u64 arrive_ns,
		 u64 depart_ns, u32 nbufs, u16 status),
	TP_ARGS(port, queue, frame_id, len, arrive_ns, depart_ns, nbufs,
		status),
	TP_STRUCT__entry(
		__field(int, port)
		__field(u16, queue)
		__field(u32, frame_id)
		__field(u32, len)
		__field(u64, arrive_ns)
		__field(u64, depart_ns)
		__field(u32, nbufs)
		__field(u16, status)
	),
	TP_fast_assign(
		__entry->port = port;
		__entry->queue = queue;
		__entry->frame_id = frame_id;
		__entry->len = len;
		__entry->arrive_ns = arrive_ns;
		__entry->depart_ns = depart_ns;
		__entry->nbufs = nbufs;
		__entry->status = status;
	),
	TP_printk("port=%d queue=%u frame=%#x len=%u arrive=%llu depart=%llu bufs=%u status=%#x",
		  __entry->port, __entry->queue, __entry->frame_id,
		  __entry->len, __entry->arrive_ns, __entry->depart_ns,
		  __entry->nbufs, __entry->status)
);

/*
 * A frame the RX engine accepted is missed: its queue had no buffer for
 * it and the packet buffer no room, or the queue was off or reset.
 */
TRACE_EVENT(pl_hw_rx_missed,
	TP_PROTO(int port, u16 queue, u32 frame_id, u32 len, u64 arrive_ns),
	TP_ARGS(port, queue, frame_id, len, arrive_ns),
	TP_STRUCT__entry(
		__field(int, port)
		__field(u16, queue)
		__field(u32, frame_id)
		__field(u32, len)
		__field(u64, arrive_ns)
	),
	TP_fast_assign(
		__entry->port = port;
		__entry->queue = queue;
		__entry->frame_id = frame_id;
		__entry->len = len;
		__entry->arrive_ns = arrive_ns;
	),
	TP_printk("port=%d queue=%u frame=%#x len=%u arrive=%llu",
		  __entry->port, __entry->queue, __entry->frame_id,
		  __entry->len, __entry->arrive_ns)
);

/*
 * The MAC drops a frame that arrived (enum plhw_mac_drop): a runt (under
 * ETH_ZLEN + FCS bytes), a CRC error, or not for this port's addresses.
 */
TRACE_DEFINE_ENUM(PLHW_MAC_DROP_RUNT);
TRACE_DEFINE_ENUM(PLHW_MAC_DROP_FCS);
TRACE_DEFINE_ENUM(PLHW_MAC_DROP_FILTER);

TRACE_EVENT(pl_hw_mac_drop,
	TP_PROTO(int port, u32 frame_id, u32 len, enum plhw_mac_drop why),
	TP_ARGS(port, frame_id, len, why),
	TP_STRUCT__entry(
		__field(int, port)
		__field(u32, frame_id)
		__field(u32, len)
		__field(u8, why)
	),
	TP_fast_assign(
		__entry->port = port;
		__entry->frame_id = frame_id;
		__entry->len = len;
		__entry->why = why;
	),
	TP_printk("port=%d frame=%#x len=%u why=%s",
		  __entry->port, __entry->frame_id, __entry->len,
		  __print_symbolic(__entry->why,
				   { PLHW_MAC_DROP_RUNT, "runt" },
				   { PLHW_MAC_DROP_FCS, "fcs" },
				   { PLHW_MAC_DROP_FILTER, "filter" }))
);

/* A vector fires: @held_ns after the first event it covers. */
TRACE_EVENT(pl_hw_irq,
	TP_PROTO(int port, u16 vec, u32 cause, u32 rx_events, u32 tx_events,
		 u64 held_ns),
	TP_ARGS(port, vec, cause, rx_events, tx_events, held_ns),
	TP_STRUCT__entry(
		__field(int, port)
		__field(u16, vec)
		__field(u32, cause)
		__field(u32, rx_events)
		__field(u32, tx_events)
		__field(u64, held_ns)
	),
	TP_fast_assign(
		__entry->port = port;
		__entry->vec = vec;
		__entry->cause = cause;
		__entry->rx_events = rx_events;
		__entry->tx_events = tx_events;
		__entry->held_ns = held_ns;
	),
	TP_printk("port=%d vec=%u cause=%#x rx=%u tx=%u held=%llu",
		  __entry->port, __entry->vec, __entry->cause,
		  __entry->rx_events, __entry->tx_events, __entry->held_ns)
);

#endif /* _PLHW_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE plhw_trace
#include <trace/define_trace.h>
