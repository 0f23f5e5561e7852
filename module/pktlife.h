/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pktlife - a simulated NIC pair for watching the life of a packet.
 *
 * Private header: the contract between the files of the driver.  The
 * driver talks to the NIC only through hw/plhw.h.
 */
#ifndef _PKTLIFE_H
#define _PKTLIFE_H

#include <linux/dim.h>
#include <linux/hrtimer.h>
#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>

#include "compat.h"
#include "hw/plhw.h"

#define PL_DRV_NAME	"pktlife"
#define PL_DRV_VERSION	"0.2.0"

#define PL_MIN_MTU	ETH_MIN_MTU
#define PL_MAX_MTU	9000

#define PL_RING_DEFAULT	256
#define PL_RX_RETRY_MAX_MS	128	/* a starved ring's longest wait */
#define PL_TX_RING_MIN	64
#define PL_RX_RING_MIN	16
#define PL_RING_MAX	4096

/* Frames up to this long are copied into a small skb, the page reused. */
#define PL_COPYBREAK	256

/* RX buffers: one page each, headroom for the stack, skb_shared_info at
 * the end so that napi_build_skb() can wrap it.
 */
#define PL_RX_HEADROOM	(NET_SKB_PAD + NET_IP_ALIGN)
#define PL_RX_BUF_LEN	(SKB_WITH_OVERHEAD(PAGE_SIZE) - PL_RX_HEADROOM)

/* A frame takes its head and every frag: stop while one would not fit. */
#define PL_TX_STOP_THRS	(MAX_SKB_FRAGS + 2)
#define PL_TX_WAKE_THRS	(2 * PL_TX_STOP_THRS)

/*
 * Attributes of IFLA_INFO_DATA.  PL_INFO_PEER has the number and layout of
 * VETH_INFO_PEER (a struct ifinfomsg followed by the peer's IFLA_* attributes)
 * so that iproute2's own veth parser can build our request.
 */
enum {
	PL_INFO_UNSPEC,
	PL_INFO_PEER,
	__PL_INFO_MAX
};

#define PL_INFO_MAX	(__PL_INFO_MAX - 1)

/* Counters, in groups with one writer each (see struct pl_queue). */
enum pl_rx_stat {
	PL_RX_PACKETS,		/* frames given to GRO */
	PL_RX_BYTES,
	PL_RX_CSUM_GOOD,	/* CHECKSUM_UNNECESSARY */
	PL_RX_CSUM_BAD,		/* the NIC found it bad: left to the stack */
	PL_RX_CSUM_NONE,	/* not checked, or RXCSUM off */
	PL_RX_COPYBREAK,	/* copied into a small skb */
	PL_RX_DROP_RUNT,
	PL_RX_DROP_OVERSIZE,	/* longer than MTU + Ethernet + VLAN */
	PL_RX_DROP_DESC_ERR,	/* the NIC flagged the descriptor */
	PL_RX_DROP_NOMEM,	/* no skb */
	PL_RX_DROP_DOWN,	/* in the ring when the device went down */
	PL_RX_ALLOC_FAIL,	/* no page to post */
	PL_RX_POLLS,		/* NAPI polls */
	PL_RX_NUM_STATS
};

enum pl_tx_stat {
	PL_TX_PACKETS,		/* skbs, as the stack sees them */
	PL_TX_BYTES,
	PL_TX_TSO_SKBS,
	PL_TX_CSUM_PARTIAL,	/* checksum left to the NIC */
	PL_TX_DOORBELLS,
	PL_TX_STOPS,		/* queue stopped: ring nearly full */
	PL_TX_BUSY,		/* NETDEV_TX_BUSY: a stop came too late */
	PL_TX_DROP_DMA_ERR,
	PL_TX_NUM_STATS
};

enum pl_txc_stat {
	PL_TXC_COMPLETED,	/* skbs the NIC has sent */
	PL_TXC_WAKES,		/* queue woken by completions */
	PL_TXC_NUM_STATS
};

enum pl_irq_stat {
	PL_IRQ_RX,		/* the vector fired with RX work */
	PL_IRQ_TX,		/* ... with TX completions */
	PL_IRQ_NUM_STATS
};

/* written by NAPI (RX) */
struct pl_rx_stats {
	u64_stats_t c[PL_RX_NUM_STATS];
	struct u64_stats_sync syncp;
};

/* written by ndo_start_xmit, under the TX queue lock */
struct pl_tx_stats {
	u64_stats_t c[PL_TX_NUM_STATS];
	struct u64_stats_sync syncp;
};

/* written by NAPI (TX completion) */
struct pl_txc_stats {
	u64_stats_t c[PL_TXC_NUM_STATS];
	struct u64_stats_sync syncp;
};

/* written by the interrupt handler, which the vector's auto-mask
 * serialises with itself
 */
struct pl_irq_stats {
	u64_stats_t c[PL_IRQ_NUM_STATS];
	struct u64_stats_sync syncp;
};

/* A consistent snapshot of a queue's counters, for readers. */
struct pl_queue_counters {
	u64 rx[PL_RX_NUM_STATS];
	u64 tx[PL_TX_NUM_STATS];
	u64 txc[PL_TXC_NUM_STATS];
	u64 irq[PL_IRQ_NUM_STATS];
};

struct pl_rx_buf {
	struct page *page;	/* NULL once given to an skb */
};

struct pl_tx_buf {
	struct sk_buff *skb;	/* on the frame's first buffer */
	dma_addr_t dma;
	u32 len;
	bool is_page;		/* mapped with skb_frag_dma_map() */
	u16 eop;		/* first buffer: index of the frame's last */
	u32 bytes;		/* first buffer: bytes on the wire, for BQL */
	u64 xmit_ns;		/* first buffer: when xmit took it, if traced */
	bool hwtstamp;		/* first buffer: the skb gets a HW TX stamp */
};

/**
 * struct pl_queue - a queue pair and its interrupt vector
 * @napi: cleans TX completions, then receives
 * @priv: the device
 * @index: queue number
 * @rx_ring: RX descriptors, shared with the NIC
 * @rx_bufs: the page behind each RX descriptor
 * @rx_dma: DMA address of @rx_ring
 * @rx_len: RX ring entries
 * @rx_ntc: next RX descriptor to clean (the NIC fills up to its HEAD)
 * @rx_ntu: next RX descriptor to post (the NIC's TAIL)
 * @pp: page_pool of the RX buffers
 * @tx_ring: TX descriptors, shared with the NIC
 * @tx_bufs: what each TX descriptor maps
 * @tx_dma: DMA address of @tx_ring
 * @tx_len: TX ring entries
 * @tx_ntc: next TX descriptor to clean; written by NAPI
 * @tx_ntu: next TX descriptor to use; written under the TX queue lock
 * @tx_unrung: frames queued since the last doorbell; TX queue lock
 * @rx_stats: RX counters
 * @tx_stats: TX counters
 * @txc_stats: TX completion counters
 * @irq_stats: interrupt counters
 */
struct pl_queue {
	struct napi_struct napi;
	struct pl_priv *priv;
	unsigned int index;

	struct plhw_rx_desc *rx_ring;
	struct pl_rx_buf *rx_bufs;
	dma_addr_t rx_dma;
	u32 rx_len;
	u32 rx_ntc;
	u32 rx_ntu;
	struct page_pool *pp;
	/* a starved ring (no page posted) is refilled later, backing off */
	struct hrtimer rx_retry;
	u32 rx_retry_ms;		/* the last wait, 0: not starved */

	struct plhw_tx_desc *tx_ring;
	struct pl_tx_buf *tx_bufs;
	dma_addr_t tx_dma;
	u32 tx_len;
	u32 tx_ntc;
	u32 tx_ntu;
	u32 tx_unrung;

	struct pl_rx_stats rx_stats;
	struct pl_tx_stats tx_stats;
	struct pl_txc_stats txc_stats;
	struct pl_irq_stats irq_stats;
	char irq_name[IFNAMSIZ + 16];	/* "<dev>-rxtx-<n>", /proc/interrupts */

	/*
	 * For pl_rx_skb, while it is enabled: when the vector's handler
	 * last ran and on which CPU (written by the handler, read by the
	 * poll it schedules), and when the current poll began.
	 */
	u64 irq_ns;
	u32 irq_cpu;
	u64 poll_ns;

	/* adaptive RX moderation (dim.c) */
	struct dim dim;
	u16 dim_irqs;			/* interrupts, as DIM counts events */
};

/* Interrupt moderation out of the box (ethtool -C changes it). */
#define PL_COAL_RX_USECS	8
#define PL_COAL_RX_FRAMES	32
#define PL_COAL_TX_USECS	16
#define PL_COAL_TX_FRAMES	32

/*
 * Interrupt moderation, as ethtool -C sets it; 0 frames: no frame limit.
 * With adaptive_rx, DIM picks each queue's RX values (dim.c) and rx_usecs,
 * rx_frames wait for it to be turned off.
 */
struct pl_coalesce {
	bool adaptive_rx;
	u32 rx_usecs;
	u32 rx_frames;
	u32 tx_usecs;
	u32 tx_frames;
};

/**
 * struct pl_priv - one end of a pair
 * @dev: its net_device
 * @peer: the other end; only for rtnetlink (pairs are created and deleted
 *	together), never for the datapath.  RCU-protected.
 * @hw: the NIC port this end drives
 * @dmadev: the device to DMA-map for
 * @up: the queues and vectors are set up (pl_up() succeeded)
 * @max_descs: descriptors the NIC takes for one TX frame
 * @max_queues: queues the NIC and the net_device have (ethtool -l maximum)
 * @num_queues: queues in use (ethtool -L combined)
 * @rx_ring_size: RX ring entries (ethtool -G)
 * @tx_ring_size: TX ring entries
 * @coal: interrupt moderation of every queue (ethtool -C)
 * @rss_key: the RSS engine's Toeplitz key (ethtool -X hkey)
 * @rss_indir: the RSS indirection table (ethtool -X equal/weight)
 * @reset_work: restarts the device after a TX timeout
 * @tx_timeouts: TX queues the watchdog found stuck
 * @stat_lock: one reader at a time of the NIC's 64-bit counters, whose HI
 *	half is latched by reading LO (ethtool -S and ndo_get_stats64 race)
 * @fail_rx_alloc: test knob (debugfs rx_alloc_fail): RX page allocations
 *	still to fail
 * @fail_ring_alloc: test knob (debugfs ring_alloc_fail): the queue (1..)
 *	at which the next allocation of rings fails, 0 for none
 * @ts_tx: hardware TX timestamps on (SIOCSHWTSTAMP); written under RTNL
 * @ts_rx: hardware RX timestamps on
 * @link_irq_name: the link vector's name in /proc/interrupts
 * @queues: the queues
 */
struct pl_priv {
	struct net_device *dev;
	struct net_device __rcu *peer;
	struct plhw_port *hw;
	struct device *dmadev;
	bool up;
	u32 max_descs;
	u32 max_queues;
	u32 num_queues;
	u32 rx_ring_size;
	u32 tx_ring_size;
	struct pl_coalesce coal;
	u8 rss_key[PLHW_RSS_KEY_LEN];
	u32 rss_indir[PLHW_RSS_INDIR_LEN];
	struct work_struct reset_work;
	atomic64_t tx_timeouts;
	spinlock_t stat_lock;		/* a LO read and its HI latch */
	atomic_t fail_rx_alloc;
	atomic_t fail_ring_alloc;
	bool ts_tx;
	bool ts_rx;
	unsigned long l3c_used;		/* L3 counter rules in use, RTNL */
	/*
	 * Serialises the MAC's filter and CTRL: ndo_set_rx_mode runs under
	 * the address lists' lock, ndo_set_features under RTNL only.
	 */
	spinlock_t mac_lock;
	u32 mac_mode;			/* PLHW_MAC_UPE, _MPE; mac_lock */
	u32 mac_keep;			/* PLHW_MAC_KEEP_FCS, _SBP; mac_lock */
	char link_irq_name[IFNAMSIZ + 16];
	struct pl_queue queues[PLHW_MAX_QUEUES];
};

static inline u32 pl_readl(struct pl_priv *priv, u32 reg)
{
	return plhw_readl(priv->hw, reg);
}

/* Ordered after every descriptor write before it, as writel() is. */
static inline void pl_writel(struct pl_priv *priv, u32 reg, u32 val)
{
	plhw_writel(priv->hw, reg, val);
}

static inline u64 pl_read_hw_stat(struct pl_priv *priv, unsigned int n)
{
	unsigned long flags;
	u32 lo, hi;

	/*
	 * Reading LO latches HI: another reader between the two would
	 * latch its own HI, a carry apart.  Any context may ask for stats.
	 */
	spin_lock_irqsave(&priv->stat_lock, flags);
	lo = pl_readl(priv, PLHW_REG_STAT_LO(n));
	hi = pl_readl(priv, PLHW_REG_STAT_HI(n));
	spin_unlock_irqrestore(&priv->stat_lock, flags);
	return (u64)hi << 32 | lo;
}

/* debugfs.c */
void pl_debugfs_add(struct pl_priv *priv);

/* link.c */
int pl_link_register(void);
void pl_link_unregister(void);

/* irq.c */
int pl_queue_irq_request(struct pl_queue *q);
void pl_queue_irq_free(struct pl_queue *q);
int pl_link_irq_request(struct pl_priv *priv);
void pl_link_irq_free(struct pl_priv *priv);

/* netdev.c */
void pl_netdev_setup(struct net_device *dev);
bool pl_netdev_is_ours(const struct net_device *dev);
void pl_queue_counters(struct pl_queue *q, struct pl_queue_counters *c);
int pl_reconfigure(struct pl_priv *priv, u32 num_queues, u32 rx_ring_size,
		   u32 tx_ring_size);
void pl_write_coalesce(struct pl_priv *priv);
void pl_adaptive_rx(struct pl_priv *priv, bool on);

/* dim.c */
void pl_dim_init(struct pl_queue *q);
void pl_dim_stop(struct pl_queue *q);
void pl_dim_moderation(const struct pl_queue *q, u32 *usecs, u32 *frames);
void pl_dim_sample(struct pl_queue *q);
void pl_dim_work(struct work_struct *work);
void pl_write_rss(struct pl_priv *priv);

/* mac.c */
void pl_set_rx_mode(struct net_device *dev);
void pl_mac_set_features(struct pl_priv *priv, netdev_features_t features);
void pl_mac_write_addr(struct pl_priv *priv);
int pl_set_mac_address(struct net_device *dev, void *p);

/* l3stats.c */
int pl_l3stats_init(void);
void pl_l3stats_exit(void);

/* rx.c */
int pl_rx_ring_alloc(struct pl_queue *q, struct napi_struct *napi, u32 len);
void pl_rx_ring_move(struct pl_queue *dst, struct pl_queue *src);
void pl_rx_ring_free(struct pl_queue *q);
void pl_rx_ring_start(struct pl_queue *q);
int pl_rx_poll(struct pl_queue *q, int budget);
bool pl_rx_starved(const struct pl_queue *q);
void pl_rx_discard(struct pl_queue *q);

/* tx.c */
int pl_tx_ring_alloc(struct pl_queue *q, u32 len);
void pl_tx_ring_move(struct pl_queue *dst, struct pl_queue *src);
void pl_tx_ring_free(struct pl_queue *q);
void pl_tx_ring_start(struct pl_queue *q);
int pl_tx_clean(struct pl_queue *q, int budget);
void pl_tx_drain(struct pl_queue *q);
netdev_tx_t pl_start_xmit(struct sk_buff *skb, struct net_device *dev);
netdev_features_t pl_features_check(struct sk_buff *skb,
				    struct net_device *dev,
				    netdev_features_t features);

/* phy.c */
int pl_get_link_ksettings(struct net_device *dev,
			  struct ethtool_link_ksettings *cmd);
int pl_set_link_ksettings(struct net_device *dev,
			  const struct ethtool_link_ksettings *cmd);
int pl_get_link_ext_state(struct net_device *dev,
			  struct ethtool_link_ext_state_info *info);

/* tstamp.c */
int pl_get_ts_info(struct net_device *dev, struct pl_ts_info *info);
/* pl_hwtstamp_get(), pl_hwtstamp_set(): in compat.h, which wraps them */
void pl_rx_hwtstamp(struct pl_queue *q, struct sk_buff *skb, u64 tstamp);
bool pl_tx_hwtstamp_request(struct pl_queue *q, struct sk_buff *skb);
void pl_tx_hwtstamp_complete(struct sk_buff *skb, u64 tstamp);

/* ethtool.c */
extern const struct ethtool_ops pl_ethtool_ops;

#endif /* _PKTLIFE_H */
