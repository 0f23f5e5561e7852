/* SPDX-License-Identifier: GPL-2.0 */
/*
 * life: the journey of packets through the stack, per layer.
 *
 * The contract between life.bpf.c and the pktlife tool (stat, hist and
 * trace modes). Like count.h it includes nothing: __u32/__u64 come from
 * vmlinux.h on the BPF side and from <linux/types.h> in user space.
 *
 * A journey is made of points (hooks) and the stages between them: stage S
 * is the time from the point before it to the point that ends it, so the
 * stages of one packet add up to its end-to-end time. What each stage
 * means, hook by hook, is in Documentation/life.rst.
 */
#ifndef __PKTLIFE_LIFE_H
#define __PKTLIFE_LIFE_H

enum life_dir {
	LIFE_RX = 0,
	LIFE_TX = 1,
	LIFE_DIR_MAX,
};

/*
 * How many points the tool hooks (pktlife stat --level): X(ID, NAME, HELP).
 * Each level has the points of the ones before it.
 */
#define LIFE_LEVELS(X)							\
	X(WAITS, waits,							\
	  "the points where packets wait: NIC and driver, GRO, the stack's\n" \
	  "entry, L4 demux and socket queue, the reader, frees; TX all") \
	X(FULL, full, "every point: also IP input (rx.netif, rx.ip)")

enum life_level {
#define LIFE_LEVEL_ENUM(id, name, help)	LL_##id,
	LIFE_LEVELS(LIFE_LEVEL_ENUM)
#undef LIFE_LEVEL_ENUM
	LL_MAX,
};

/*
 * The stages, in journey order: X(ID, DIR, NAME, LEVEL, HELP) for each,
 * the one place a stage is defined. LS_<ID> is its number; "DIR.NAME"
 * (rx.wire) its name in the tool; LEVEL the first level whose hooks end
 * it (below, its time goes to the next stage that ends); HELP what it
 * times in --help (continued lines indented to the help's column).
 */
#define LIFE_STAGES(X)							\
	/* receive: frame departure (peer NIC) ... copied to the reader */ \
	X(RX_WIRE, rx, wire, WAITS,					\
	  "peer NIC departure -> NIC arrival (pktlife devices)")	\
	X(RX_IRQ, rx, irq, WAITS,					\
	  "arrival -> the driver's interrupt handler (moderation)")	\
	X(RX_NAPI, rx, napi, WAITS,					\
	  "handler (or arrival) -> NAPI poll begins")			\
	X(RX_DRV, rx, drv, WAITS, "poll begins -> skb built by the driver") \
	X(RX_GRO, rx, gro, WAITS, "skb built -> GRO done with it")	\
	X(RX_BACKLOG, rx, backlog, WAITS,				\
	  "GRO done -> __netif_receive_skb (the start on other devices)") \
	X(RX_NETIF, rx, netif, FULL, "-> ip_rcv_core / ip6_rcv_core")	\
	X(RX_IP, rx, ip, FULL, "-> ip_local_deliver / ip6_input")	\
	X(RX_LOCAL, rx, local, WAITS,					\
	  "-> ip_protocol_deliver_rcu (and v6): to TCP, UDP, raw...")	\
	X(RX_L4, rx, l4, WAITS, "-> queued on the socket")		\
	X(RX_SOCKQ, rx, sockq, WAITS,					\
	  "-> first byte copied to the reader (UDP: datagram read)")	\
	/* transmit: sendmsg ... the NIC says it is done */		\
	X(TX_SOCK, tx, sock, WAITS,					\
	  "tcp/udp/raw/ping sendmsg -> skb leaves TCP / UDP\n"		\
	  "(raw and ping sockets: -> ip_output, and no tx.l4)")		\
	X(TX_L4, tx, l4, WAITS, "-> ip_output / ip6_output")		\
	X(TX_IP, tx, ip, WAITS, "-> __dev_queue_xmit (qdisc enqueue)")	\
	X(TX_QDISC, tx, qdisc, WAITS, "-> driver called (net_dev_start_xmit)") \
	X(TX_DRV, tx, drv, WAITS,					\
	  "-> descriptors posted (pktlife:pl_tx_posted), or\n"		\
	  "ndo_start_xmit returned (net_dev_xmit) on other devices")	\
	X(TX_NIC, tx, nic, WAITS,					\
	  "-> frame leaves the NIC, per wire frame (pktlife)")		\
	X(TX_COMPL, tx, compl, WAITS,					\
	  "-> completion reaped by the driver, per frame (pktlife)")

enum life_stage {
#define LIFE_STAGE_ENUM(id, dir, name, level, help)	LS_##id,
	LIFE_STAGES(LIFE_STAGE_ENUM)
#undef LIFE_STAGE_ENUM
	LS_MAX,
};

#define LS_RX_FIRST	LS_RX_WIRE
#define LS_RX_LAST	LS_RX_SOCKQ
#define LS_TX_FIRST	LS_TX_SOCK
#define LS_TX_LAST	LS_TX_COMPL

/* Histogram slots: LS_MAX stages, then the end-to-end time per direction. */
#define LIFE_HIST_TOTAL(dir)	(LS_MAX + (dir))
#define LIFE_HIST_MAX		(LS_MAX + LIFE_DIR_MAX)

/*
 * Log-linear histogram of nanoseconds: exact below 2^SUB_BITS, then each
 * power of two split into 2^SUB_BITS equal slots, so any value is within
 * 1/32 (3.1 %) of its slot's middle. Up to 2^(LIFE_HIST_MAX_LOG + 1) ns (~4.9 h);
 * longer times land in the last slot.
 */
#define LIFE_HIST_SUB_BITS	4
#define LIFE_HIST_SUB		(1 << LIFE_HIST_SUB_BITS)
#define LIFE_HIST_MAX_LOG	43
#define LIFE_HIST_SLOTS		((LIFE_HIST_MAX_LOG - LIFE_HIST_SUB_BITS + 2) * LIFE_HIST_SUB)

/*
 * Per-CPU; user space adds the CPUs up (max: the largest). Coverage, per
 * stage: clamped counts the frames whose stage ended before it began (an
 * out-of-order stamp: counted as 0 ns), cut the frames whose journey
 * stopped after this stage, the last one they reached (ended, dropped or
 * lost: not completed).
 */
struct life_hist {
	__u64 count;		/* frames */
	__u64 sum;		/* ns */
	__u64 max;		/* ns */
	__u64 clamped;		/* frames */
	__u64 cut;		/* frames */
	__u64 slots[LIFE_HIST_SLOTS];
};

/*
 * Where journeys go, per direction, in frames (a GRO skb of 10 frames that
 * reaches the socket completes 10). Every started journey ends in exactly
 * one of COMPLETED..LOST_EXPIRED, or is still in flight when the tool
 * stops. X(ID, NAME): LA_<ID> is the counter, NAME its name in the tool.
 */
#define LIFE_ACCTS(X)							\
	/* RX: skb built by a pktlife driver or first seen, or frame	\
	 * missed by the NIC; TX: skb first seen (sendmsg, ...) */	\
	X(STARTED, started)						\
	X(COMPLETED, completed)	/* RX: copied to a reader; TX: sent */	\
	/* freed by the stack on purpose before the end (ICMP echo,	\
	 * pure ACK, software GSO, ...) */				\
	X(ENDED, ended)							\
	X(DROPPED, dropped)	/* freed as a drop (skb:kfree_skb) */	\
	/* did not match the filters once headers were seen */		\
	X(FILTERED, filtered)						\
	/* RX: the NIC had no buffer (pl_hw_rx_missed) */		\
	X(LOST_RING, lost_ring)						\
	/* the tool's map was full */					\
	X(LOST_MAP, lost_map)						\
	/* its skb was reused before any end was seen */		\
	X(LOST_REUSED, lost_reused)					\
	/* no news for --expire seconds (user space) */			\
	X(LOST_EXPIRED, lost_expired)					\
	/* merged beyond LIFE_MAX_GROUPS: times approximate */		\
	X(FOLDED, folded)						\
	/* RX: no departure time known: no wire stage */		\
	X(NO_DEPART, no_depart)						\
	/* RX: clones followed to a socket (not STARTED) */		\
	X(BRANCHES, branches)						\
	X(TRACE_LOST, trace_lost) /* trace: ring buffer full */

enum life_acct {
#define LIFE_ACCT_ENUM(id, name)	LA_##id,
	LIFE_ACCTS(LIFE_ACCT_ENUM)
#undef LIFE_ACCT_ENUM
	LA_MAX,
};

#define LIFE_ACCT_IDX(dir, a)	((dir) * LA_MAX + (a))
#define LIFE_ACCT_MAX		(LIFE_DIR_MAX * LA_MAX)

/* What a filter or a trace shows of a packet; addresses in network order. */
struct life_flow {
	__u32 saddr[4];
	__u32 daddr[4];
	__u16 sport;		/* host order */
	__u16 dport;
	__u8 family;		/* AF_INET, AF_INET6, 0: not IP */
	__u8 proto;		/* IPPROTO_* */
	__u16 ethertype;	/* host order */
};

/*
 * A GRO skb carries many frames, a coalesced TCP skb many skbs: each keeps
 * its own times in a group until the journey ends.
 */
#define LIFE_MAX_GROUPS		64	/* a power of 2 */

struct life_group {
	__u64 t_prev;		/* when its last stage ended */
	__u64 t0;		/* when its journey began */
	__u32 w;		/* frames */
	__u32 pad;
};

/* Item keys: an skb (per direction), or a NIC frame before its skb. */
enum life_kind {
	LK_SKB_RX = 0,
	LK_SKB_TX = 1,
};

struct life_key {
	__u64 addr;		/* skb address: identity only */
	__u32 kind;		/* enum life_kind */
	__u32 pad;
};

#define LIFE_MAX_ITEMS		16384
#define LIFE_MAX_FRAMES		16384

/* item flags */
#define LIF_TRACED	0x01	/* sampled for trace mode */
#define LIF_PLDEV	0x02	/* TX: a pktlife device; ends at pl_tx_complete */
#define LIF_DEV_OK	0x04	/* TX: device known and wanted */
#define LIF_BRANCH	0x08	/* RX: a clone's journey */
#define LIF_CLONED	0x10	/* RX: a clone of it went on as a branch */

struct life_item {
	__u64 ts[LS_MAX];	/* when each stage ended (group 0), 0: not */
	__u64 t_last;		/* last news of it, for expiry */
	struct life_flow flow;
	__u32 ifindex;
	__u32 frame_id;		/* RX: its (first) NIC frame id, or 0 */
	__u32 ngroups;
	__u32 frames;		/* sum of the groups' w */
	__u32 gso_segs;		/* TX: frames it becomes */
	__u8 dir;
	__u8 last;		/* last stage ended; LS_MAX: none yet */
	__u8 flags;
	__u8 pad;
	__u16 cpu[LS_MAX];	/* the CPU of the point that ended each */
	/*
	 * The first group. An item of more groups (merged skbs) keeps the
	 * others in a struct life_groups under its own key: a new item
	 * stays small, its map update copies no room for 63 more.
	 */
	struct life_group g0;
};

/* groups 1 .. ngroups - 1 of an item (g[0] unused: the item's g0) */
struct life_groups {
	struct life_group g[LIFE_MAX_GROUPS];
};

/*
 * A NIC frame's id (the RX descriptor's and pl_hw_wire_tx's), and its slot
 * in the departures array (LIFE_FRAME_SLOT()).
 */
#define LIFE_FRAME_PORT(id)	((id) >> 24)	/* the sender's port */
#define LIFE_FRAME_SEQ(id)	((id) & 0xffffff)	/* its count, wrapping */
/*
 * Consecutive frames of one port take consecutive slots; each port starts
 * a third of the array further, so that a request and its answer (the
 * same count on two ports) do not take the same slot.
 */
#define LIFE_FRAME_SLOT(id)						\
	((LIFE_FRAME_SEQ(id) + LIFE_FRAME_PORT(id) * 5461) & (LIFE_MAX_FRAMES - 1))

/* How a traced journey ended. */
enum life_end {
	LE_COMPLETED = 0,
	LE_ENDED,
	LE_DROPPED,
};

/* trace mode: one per journey, through the ring buffer */
struct life_event {
	__u64 ts[LS_MAX];	/* 0: stage not on this journey */
	__u64 t0;		/* journey start (group 0) */
	struct life_flow flow;
	__u64 skb;		/* the skb's address when it ended */
	__u32 ifindex;
	__u32 frame_id;
	__u32 frames;
	__u32 reason;		/* LE_DROPPED: enum skb_drop_reason */
	__u8 dir;
	__u8 end;		/* enum life_end */
	__u8 flags;
	__u8 pad[5];
	__u16 cpu[LS_MAX];	/* the CPU of the point that ended each stage */
	__u8 pad2[8 - (LS_MAX * 2) % 8];
};

#endif /* __PKTLIFE_LIFE_H */
