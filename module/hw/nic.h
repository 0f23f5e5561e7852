/* SPDX-License-Identifier: GPL-2.0 */
/*
 * plhw internals: the state of the simulated silicon.  Only module/hw/
 * includes this; the driver sees plhw.h.
 *
 * Lock order: txq->lock -> wire->lock -> rxq->lock -> vec->lock, and an
 * IRQ descriptor's lock -> vec->lock (irq.c).  A TX engine (under its txq
 * lock) puts frames on its wire; the wire hands them to the peer's RX
 * engine (under the peer's rxq lock), which raises the peer's vector.
 * Every lock but vec->lock is taken with bottom halves disabled: register
 * writes (doorbells, process or softirq context) take them, and the
 * engines run from soft hrtimers.  vec->lock is raw and taken with interrupts off (irq.c).
 */
#ifndef _PLHW_NIC_H
#define _PLHW_NIC_H

#include <linux/bitfield.h>
#include <linux/hrtimer.h>
#include <linux/if_vlan.h>
#include <linux/io.h>
#include <linux/irq_work.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/smp.h>
#include <linux/spinlock.h>

#include "../compat.h"
#include "plhw.h"

#define PLHW_TSO_MAX		65536	/* largest frame to segment */
#define PLHW_TSO_MAX_SEGS	1024
#define PLHW_TX_BUF		(PLHW_TSO_MAX + 256)	/* gather buffer */
#define PLHW_SEG_BUF		PLHW_TSO_SEG_MAX	/* one TSO segment */
/* room the MAC needs after a frame in a TX buffer: padding and FCS */
#define PLHW_MAC_ROOM		(ETH_ZLEN + ETH_FCS_LEN)
#define PLHW_PB_SIZE		(512 * 1024)	/* RX packet buffer (82599's) */
#define PLHW_PB_MIN		(16 * 1024)	/* ... its smallest (debugfs) */
#define PLHW_TX_MAX_DESCS	32	/* descriptors per TX frame */
#define PLHW_RX_MAX_DESCS	8	/* buffers per RX frame */
#define PLHW_WIRE_MAX_FRAMES	4096	/* frames a delaying wire holds */
#define PLHW_WIRE_MAX_US	USEC_PER_SEC	/* latency, jitter, reorder */
#define PLHW_WIRE_LATENCY_US	1	/* default: cable, PHYs and FEC */
#define PLHW_DMA_NS		1000	/* TX fetch: descriptors, then buffers */
#define PLHW_DMA_MAX_NS		NSEC_PER_MSEC
#define PLHW_WIRE_TRUNC_MAX	128	/* truncate_ppm cuts within the headers */
#define PLHW_PPM_MAX		1000000	/* fault probabilities, 0..1 */

struct platform_device;
struct dentry;

/* One interrupt vector (irq.c). */
struct plhw_vec {
	/*
	 * Protects the fields below up to @timer.  Raw: the moderation timer,
	 * the irq_chip's callbacks and the interrupt handler's cause read
	 * take it in hardirq context, where PREEMPT_RT's sleeping spinlock_t
	 * must not be taken.
	 */
	raw_spinlock_t lock;
	struct plhw_port *port;
	unsigned int index;
	u64 first_ns;			/* first event not yet signalled */
	bool masked;			/* the NIC's mask (auto-set on firing) */
	bool msix_masked;		/* the MSI-X entry's mask bit */
	bool pending;			/* fired while masked */
	bool fired;			/* since its IRQ was requested */
	bool armed;			/* moderation timer running */
	u32 rx_events;			/* since the vector last fired */
	u32 tx_events;
	u32 cause;			/* PLHW_CAUSE_* since it last fired */
	u32 msg_cause;			/* sent: PLHW_IRQ_CAUSE, read-clear */
	/* moderation registers: WRITE_ONCE() without the lock, READ_ONCE() */
	u32 rx_usecs;
	u32 rx_frames;
	u32 tx_usecs;
	u32 tx_frames;
	struct hrtimer timer;
	/* the MSI-X message */
	unsigned int irq;		/* its Linux IRQ */
	unsigned int cpu;		/* where it goes (the IRQ's affinity) */
	unsigned long msi;		/* PLHW_MSI_IN_FLIGHT */
	struct irq_work self;		/* ... to this CPU: a self-IPI */
	call_single_data_t ipi;		/* ... to another CPU: an IPI */
};

/* A frame sent whose writeback waits for its last segment to start. */
struct plhw_tx_wb {
	struct plhw_tx_desc *eop;	/* NULL: none waits */
	u64 tstamp;			/* ... until then */
	u32 n;				/* its descriptors */
	u32 id;
	u32 nsegs;
};

/*
 * A TX engine (dma.c).  [head, fetched) is in the engine, [fetched,
 * fetch_tail) on its way (a fetch in flight), [fetch_tail, tail) latched
 * by doorbells, which start the next fetch when the one in flight is done.
 */
struct plhw_txq {
	spinlock_t lock;		/* the TX engine and its registers */
	struct plhw_port *port;
	unsigned int index;
	struct plhw_tx_desc *ring;
	u64 base;
	u32 len;
	u32 head;
	u32 tail;
	u32 fetched;
	u32 fetch_tail;
	u64 fetch_done;			/* when the fetch in flight is done */
	u64 fetched_at;			/* when the last fetch was done */
	u64 db_at;			/* first doorbell not fetched, 0: none */
	struct plhw_tx_wb wb;
	bool enabled;
	u64 stall_until;		/* fault: send nothing until then */
	u8 *buf;			/* the frame being sent */
	u8 *seg;			/* the TSO segment being cut */
	struct hrtimer timer;		/* the engine's next event */
	u64 stats[PLHW_NUM_STATS];	/* its TX counters */
};

/*
 * An RX engine (dma.c).  Frames for its queue wait in the packet buffer
 * (@pb, oldest first) while the ring has no buffers for them; posting
 * buffers (TAIL) starts @timer, which writes them out.
 */
struct plhw_rxq {
	spinlock_t lock;		/* the RX engine and its registers */
	struct plhw_port *port;
	struct plhw_rx_desc *ring;
	u64 base;
	u32 len;
	u32 head;
	u32 tail;
	bool enabled;
	struct list_head pb;		/* struct plhw_frame, by arrival */
	struct hrtimer timer;		/* writes out what waits in @pb */
	u64 stats[PLHW_NUM_STATS];	/* its RX counters */
};

/*
 * What the simulated wire carries beside a frame's bits, for the observer
 * (no real wire does): the sender's id of the frame and when its first bit
 * left.  The receiver's RX engine writes both into the frame's descriptors.
 */
struct plhw_tag {
	u64 depart;			/* the sender's NIC clock */
	u32 id;
};

/* A frame on the wire when the wire delays it, or in the packet buffer. */
struct plhw_frame {
	struct list_head node;
	u64 arrive;			/* NIC clock */
	struct plhw_tag tag;
	u32 len;
	u16 status;			/* packet buffer: PLHW_RXD_FCSE, hash type */
	u32 hash;			/* ... and the RSS hash */
	u8 data[];
};

/*
 * The MAC (mac.c): registers the driver writes and the RX engine reads
 * without a lock, as silicon does (a frame may meet a filter half
 * rewritten), and the counters of what it drops.
 */
struct plhw_mac {
	u32 ctrl;			/* PLHW_REG_MAC_CTRL */
	u32 mc_hash[PLHW_MC_HASH_REGS];
	u32 uc[PLHW_UC_ENTRIES][2];	/* PLHW_REG_UC_HI, _LO */
	atomic_t pb_used;		/* bytes in the packet buffer */
	u32 pb_size;			/* its size (debugfs: rx_pb_kb) */
	unsigned long pb_full;		/* bit 0: the last frame missed */
	atomic64_t crc_errors;
	atomic64_t runts;
	atomic64_t filtered;
	atomic64_t pb_overflows;
};

/* One direction of the cable: what its port sends. */
struct plhw_wire {
	spinlock_t lock;		/* protects frames, free_at */
	struct list_head frames;	/* in flight, by arrival */
	u32 nr_frames;
	struct hrtimer timer;		/* delivers the first of frames */
	u64 free_at;			/* the wire is busy until then (rate) */
	u64 last_arrive;		/* of the last frame sent in order */
	u32 latency_us;			/* debugfs knobs */
	u32 rate_mbit;			/* 0: the link's speed */
	u32 jitter_us;			/* extra delay, 0..jitter_us, in order */
	u32 drop_ppm;			/* fault probabilities, per million */
	u32 corrupt_ppm;
	u32 dup_ppm;
	u32 reorder_ppm;
	u32 truncate_ppm;
	u32 reorder_us;			/* how long a reordered frame is held */
	atomic_t corrupt;		/* frames still to corrupt */
	atomic_t next_id;
	atomic64_t corrupted;		/* fault counters: what was done */
	atomic64_t dropped;		/* frames the wire could not hold */
	atomic64_t lost;		/* dropped by drop_ppm */
	atomic64_t duplicated;
	atomic64_t reordered;
	atomic64_t delayed;		/* arrived after more than latency_us */
	atomic64_t truncated;		/* cut short by truncate_ppm */
	atomic64_t stalls;		/* TX engine stalls (stall_ms) */
};

/* One rule of the L3 counter engine (l3c.c). */
struct plhw_l3c {
	u32 ctrl;			/* PLHW_L3C_CTRL; EN published last */
	u32 mac_hi;
	u32 mac_lo;
	u32 local;
	u32 remote;
	u32 stat_hi[PLHW_L3C_NUM_STATS]; /* latched by reading STAT_LO */
	atomic64_t stats[PLHW_L3C_NUM_STATS];
};

struct plhw_port {
	struct platform_device *pdev;
	int id;
	struct plhw_port __rcu *peer;	/* the other end of the cable */
	spinlock_t ctrl_lock;		/* protects ctrl, phy_ctrl, unplugged */
	u32 ctrl;
	u32 phy_ctrl;			/* PLHW_REG_PHY_CTRL */
	bool unplugged;			/* this end of the cable is out */
	u32 num_queues;
	u32 clock_hi;			/* latched by reading CLOCK_LO */
	u32 stat_hi[PLHW_NUM_STATS];	/* latched by reading STAT_LO */
	struct plhw_txq txq[PLHW_MAX_QUEUES];
	struct plhw_rxq rxq[PLHW_MAX_QUEUES];
	struct plhw_vec vec[PLHW_NUM_VECS];
	struct plhw_wire wire;
	struct plhw_mac mac;
	u8 rss_key[PLHW_RSS_KEY_LEN];	/* written by the driver, read by RX */
	u8 rss_indir[PLHW_RSS_INDIR_LEN]; /* ... the same */
	struct plhw_l3c l3c[PLHW_L3C_RULES];
	unsigned long l3c_on;		/* rules with EN: none, no parsing */
	u32 dma_ns;			/* TX fetch latency (debugfs) */
	struct dentry *debugfs;
};

/* The clock of every port: the frames' timestamps, the wire's schedule. */
static inline u64 plhw_clock(void)
{
	return ktime_get_ns();
}

/*
 * The ports DMA through dma-direct (a platform device, no IOMMU): a DMA
 * address is the physical address, which the "silicon" reaches through
 * the kernel's direct map.
 */
static inline void *plhw_dma_va(u64 addr)
{
	return phys_to_virt((phys_addr_t)addr);
}

/**
 * plhw_l3() - where the parser finds a frame's L3 header
 * @frame: the frame, from its Ethernet header
 * @len: its length
 * @max_tags: VLAN tags (802.1Q or 802.1ad) the engine looks behind
 * @proto: set to the ethertype of what follows the last tag skipped
 *
 * The engines share the MAC's parser but not its depth: the checksum and
 * TSO engines look behind one tag, the RSS engine behind two (QinQ), as
 * NICs commonly do.
 *
 * Return: the L3 offset, 0 if the frame ends inside a header.
 */
static inline u32 plhw_l3(const u8 *frame, u32 len, unsigned int max_tags,
			  __be16 *proto)
{
	const struct vlan_hdr *vh;
	u32 off = ETH_HLEN;

	if (len < ETH_HLEN)
		return 0;
	*proto = ((const struct ethhdr *)frame)->h_proto;
	while (max_tags-- && (*proto == htons(ETH_P_8021Q) ||
			      *proto == htons(ETH_P_8021AD))) {
		if (len < off + VLAN_HLEN)
			return 0;
		vh = (const struct vlan_hdr *)(frame + off);
		*proto = vh->h_vlan_encapsulated_proto;
		off += VLAN_HLEN;
	}
	return off;
}

/* nic.c */
/* irq.c: the vectors */
int plhw_irq_init(void);
void plhw_irq_exit(void);
int plhw_vecs_init(struct plhw_port *port);
void plhw_vecs_destroy(struct plhw_port *port);
void plhw_vec_event(struct plhw_port *port, unsigned int vec, bool rx);
void plhw_vec_unmask(struct plhw_vec *v, bool unmask);
void plhw_link_event(struct plhw_port *port);
bool plhw_link_is_up(struct plhw_port *port);

/* rss.c: the RSS engine */
u32 plhw_rss_hash(struct plhw_port *port, const u8 *frame, u32 len,
		  u16 *type);
unsigned int plhw_rss_queue(struct plhw_port *port, u32 hash, u16 type);

/* dma.c: the TX and RX engines */
void plhw_txq_run(struct plhw_port *port, struct plhw_txq *txq);
void plhw_txq_doorbell(struct plhw_port *port, struct plhw_txq *txq, u32 tail);
enum hrtimer_restart plhw_txq_timer(struct hrtimer *timer);
void plhw_rx_frame(struct plhw_port *port, const u8 *data, u32 len,
		   u64 tstamp, const struct plhw_tag *tag, u16 status);
enum hrtimer_restart plhw_rxq_timer(struct hrtimer *timer);
void plhw_rxq_doorbell(struct plhw_port *port, struct plhw_rxq *rxq, u32 tail);
void plhw_rxq_flush(struct plhw_port *port, struct plhw_rxq *rxq);

/* mac.c: the MAC */
enum plhw_mac_drop {
	PLHW_MAC_DROP_RUNT,
	PLHW_MAC_DROP_FCS,
	PLHW_MAC_DROP_FILTER,
};

void plhw_mac_init(struct plhw_port *port);
u32 plhw_mac_tx(u8 *data, u32 len);
void plhw_mac_rx(struct plhw_port *port, const u8 *data, u32 len, u64 tstamp,
		 const struct plhw_tag *tag);
u32 plhw_mac_read(struct plhw_port *port, u32 reg);
void plhw_mac_write(struct plhw_port *port, u32 reg, u32 val);
bool plhw_mac_reg(u32 reg);

/* l3c.c: the L3 counter engine */
void plhw_l3c_count(struct plhw_port *port, const u8 *frame, u32 len,
		    bool tx);
u32 plhw_l3c_read(struct plhw_port *port, unsigned int n, u32 reg);
void plhw_l3c_write(struct plhw_port *port, unsigned int n, u32 reg, u32 val);

/* offload.c: the checksum and TSO engines */
bool plhw_csum_insert(u8 *frame, u32 len, u32 start, u32 offset);
u16 plhw_csum_check(const u8 *frame, u32 len);
int plhw_tso(struct plhw_port *port, struct plhw_txq *txq, u32 len,
	     u32 mss, u32 hdr_len, u64 start, u64 *tstamp, u32 *first_id);

void plhw_tx_stall(struct plhw_port *port, u32 ms);

/* phy.c */
u32 plhw_phy_status(struct plhw_port *port);
u32 plhw_phy_ctrl(u32 val);
void plhw_phy_init(struct plhw_port *port);
u32 plhw_phy_supported(void);

/* nic.c */
void plhw_cable_plug(struct plhw_port *port, bool in);

/* wire.c */
void plhw_wire_init(struct plhw_wire *wire);
void plhw_wire_stop(struct plhw_wire *wire);
u32 plhw_wire_ids(struct plhw_port *port, u32 n);
u64 plhw_wire_send(struct plhw_port *port, struct plhw_txq *txq, u8 *data,
		   u32 len, u64 start, u32 id);

/* The id @i frames after @id: the port byte stays, the count wraps. */
static inline u32 plhw_wire_id(u32 id, u32 i)
{
	return (id & PLHW_FRAME_ID_PORT) | ((id + i) & PLHW_FRAME_ID_SEQ);
}

/* debugfs.c */
void plhw_debugfs_init(void);
void plhw_debugfs_exit(void);
void plhw_debugfs_port_add(struct plhw_port *port);
void plhw_debugfs_port_del(struct plhw_port *port);

#endif /* _PLHW_NIC_H */
