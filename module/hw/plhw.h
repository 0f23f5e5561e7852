/* SPDX-License-Identifier: GPL-2.0 */
/*
 * plhw: the simulated NIC, as a driver sees it.
 *
 * This header is the whole contract between the driver and the "silicon":
 * a register file, TX and RX descriptor rings in host memory, interrupt
 * vectors and a device to DMA-map memory for.  The driver includes nothing
 * else of module/hw/; the NIC model includes nothing of the driver.
 *
 * Rings: the driver writes descriptors, then the queue's TAIL register (the
 * doorbell).  The NIC consumes descriptors from HEAD up to TAIL and writes
 * results back into them, setting PLHW_DESC_DD last (after a dma_wmb()), so
 * a driver that sees DD and issues dma_rmb() sees the rest.  A ring of N
 * entries holds at most N - 1 descriptors: HEAD == TAIL means empty.
 */
#ifndef _PLHW_H
#define _PLHW_H

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/crc32.h>
#include <linux/if_ether.h>
#include <linux/types.h>

struct device;
struct plhw_port;

/* Registers: 32 bits each, byte offsets. */
#define PLHW_REG_CTRL		0x0000	/* rw, PLHW_CTRL_* */
#define  PLHW_CTRL_ENABLE	BIT(0)	/* port on: the link may come up */
#define  PLHW_CTRL_RXCSUM	BIT(1)	/* RX checksum engine on */
#define PLHW_REG_STATUS		0x0004	/* ro, PLHW_STATUS_* */
#define  PLHW_STATUS_LINK	BIT(0)	/* both ends enabled and cabled */
#define PLHW_REG_CAPS		0x0008	/* ro, PLHW_CAP_* */
#define  PLHW_CAP_SG		BIT(0)	/* frames over several TX descriptors */
#define  PLHW_CAP_CSUM		BIT(1)	/* TX checksum insertion, any protocol */
#define  PLHW_CAP_RXCSUM	BIT(2)	/* RX IPv4/TCP/UDP checksum checking */
#define  PLHW_CAP_TSO		BIT(3)	/* TCP segmentation, IPv4 and IPv6 */
#define  PLHW_CAP_RSS		BIT(4)	/* Toeplitz flow hash of every frame */
#define  PLHW_CAP_L3C		BIT(5)	/* L3 counters (PLHW_REG_L3C) */
#define  PLHW_CAP_RXALL		BIT(6)	/* MAC: KEEP_FCS and SBP */
#define PLHW_REG_NUM_QUEUES	0x000c	/* ro, queue pairs */
#define PLHW_REG_TSO_MAX	0x0010	/* ro, largest TSO frame, bytes */
#define PLHW_REG_MAX_DESCS	0x0014	/* ro, descriptors per TX frame, max */
#define PLHW_REG_CLOCK_LO	0x0018	/* ro, NIC clock (ns); LO latches HI */
#define PLHW_REG_CLOCK_HI	0x001c
#define PLHW_REG_MISC_CAUSE	0x0020	/* ro, read to clear: PLHW_CAUSE_LINK */
#define PLHW_REG_MISC_MASK	0x0024	/* rw, 1 = the link vector is masked */
#define PLHW_REG_TSO_MAX_SEGS	0x0028	/* ro, segments per TSO frame, max */
/* The PHY: speeds as PLHW_SPEED_* bit masks, autonegotiation (phy.c) */
#define PLHW_REG_PHY_SUPPORTED	0x002c	/* ro, speeds the PHY has */
#define PLHW_REG_PHY_CTRL	0x0030	/* rw */
#define  PLHW_PHY_AUTONEG	BIT(31)	/* negotiate; else the forced speed */
#define  PLHW_PHY_ADV		GENMASK(7, 0)	/* speeds advertised */
#define  PLHW_PHY_FORCE		GENMASK(11, 8)	/* forced speed, PLHW_SPEED_* */
#define PLHW_REG_PHY_STATUS	0x0034	/* ro */
#define  PLHW_PHY_LINK		BIT(31)	/* = PLHW_STATUS_LINK */
#define  PLHW_PHY_SPEED		GENMASK(3, 0)	/* with LINK: the speed */
#define  PLHW_PHY_LP_ADV	GENMASK(15, 8)	/* partner's advertised speeds */
#define  PLHW_PHY_STATE		GENMASK(19, 16)	/* PLHW_PHY_STATE_*, no LINK */
/*
 * The MAC (mac.c).  TX: frames shorter than ETH_ZLEN are padded with
 * zeros, and the FCS is appended.  RX, in this order: a frame shorter than
 * ETH_ZLEN + FCS is a runt, one whose FCS is wrong a CRC error: both are
 * dropped and counted unless SBP keeps them (flagged PLHW_RXD_FCSE); then
 * the address filter drops what is not for this port (counted); the FCS is
 * stripped unless KEEP_FCS; then the frame waits in the RX packet buffer
 * (PLHW_REG_MAC_PB_SIZE bytes, shared by the queues) until its queue has
 * buffers posted.  A frame the packet buffer has no room for is missed.
 */
#define PLHW_REG_MAC_CTRL	0x0038	/* rw */
#define  PLHW_MAC_UPE		BIT(0)	/* unicast promiscuous */
#define  PLHW_MAC_MPE		BIT(1)	/* multicast promiscuous */
#define  PLHW_MAC_BAM		BIT(2)	/* broadcast accept */
#define  PLHW_MAC_KEEP_FCS	BIT(3)	/* RX: leave the FCS in the buffer */
#define  PLHW_MAC_SBP		BIT(4)	/* RX: store bad frames (FCS, runts) */
#define PLHW_REG_MAC_PB_SIZE	0x003c	/* ro, RX packet buffer, bytes */
/* rw, the multicast hash filter: bit h of the 256 accepts the multicast
 * addresses whose plhw_mc_hash() is h (bit h % 32 of register h / 32)
 */
#define PLHW_REG_MC_HASH(n)	(0x0040 + 4 * (n))
#define PLHW_MC_HASH_REGS	8

enum plhw_speed {
	PLHW_SPEED_1G,		/* 1000baseT/Full */
	PLHW_SPEED_10G,		/* 10000baseT/Full */
	PLHW_SPEED_25G,		/* 25000baseCR/Full */
	PLHW_SPEED_100G,	/* 100000baseCR4/Full */
	PLHW_NUM_SPEEDS
};

/* The rate of a PLHW_SPEED_*, in Mbit/s: the wire carries frames at it. */
static inline u32 plhw_speed_mbit(enum plhw_speed speed)
{
	switch (speed) {
	case PLHW_SPEED_1G:
		return 1000;
	case PLHW_SPEED_10G:
		return 10000;
	case PLHW_SPEED_25G:
		return 25000;
	default:
		return 100000;
	}
}

/* Why the link is down (PLHW_PHY_STATE). */
enum plhw_phy_state {
	PLHW_PHY_STATE_UP,
	PLHW_PHY_STATE_DISABLED,	/* this port is not enabled */
	PLHW_PHY_STATE_NO_CABLE,	/* this end's cable is out */
	PLHW_PHY_STATE_NO_PARTNER,	/* autoneg: nobody at the other end */
	PLHW_PHY_STATE_NO_PARTNER_FORCED, /* forced: nobody at that speed */
	PLHW_PHY_STATE_NO_COMMON,	/* autoneg: no speed in common */
};

/* The bit of the multicast hash filter that accepts @addr. */
static inline u32 plhw_mc_hash(const u8 *addr)
{
	/* the CRC's top 8 bits, as Ethernet MACs' hash filters take them */
	return ether_crc(ETH_ALEN, addr) >> 24;
}

/* rw, the RSS engine's Toeplitz key: bytes 4n..4n+3, the first the MSB */
#define PLHW_REG_RSS_KEY(n)	(0x0080 + 4 * (n))
#define PLHW_RSS_KEY_LEN	40
/* Port counters, 64 bits as two registers: reading LO latches HI. */
#define PLHW_REG_STAT_LO(n)	(0x0100 + 8 * (n))
#define PLHW_REG_STAT_HI(n)	(0x0104 + 8 * (n))

enum plhw_stat {
	PLHW_STAT_TX_FRAMES,	/* frames put on the wire, after TSO */
	PLHW_STAT_TX_BYTES,
	PLHW_STAT_TX_TSO_SEGS,	/* frames the TSO engine cut */
	PLHW_STAT_TX_CSUM,	/* checksums the TX engine inserted */
	PLHW_STAT_TX_LINK_DOWN,	/* frames sent while the link was down */
	PLHW_STAT_TX_DESC_ERR,	/* malformed TX descriptor chains */
	PLHW_STAT_RX_FRAMES,	/* frames written to the RX ring */
	PLHW_STAT_RX_BYTES,
	PLHW_STAT_RX_MISSED,	/* frames lost: the packet buffer was full
				 * (the ring had no buffers), or queue off
				 */
	PLHW_STAT_RX_CSUM_GOOD,
	PLHW_STAT_RX_CSUM_BAD,
	PLHW_STAT_RX_CSUM_NONE,
	PLHW_STAT_WIRE_CORRUPTED, /* frames this port sent corrupted (test knob) */
	PLHW_STAT_WIRE_DROPPED,	/* frames the wire could not hold */
	PLHW_STAT_WIRE_LOST,	/* fault knobs: frames lost on the wire */
	PLHW_STAT_WIRE_DUPLICATED, /* ... delivered twice */
	PLHW_STAT_WIRE_REORDERED, /* ... held back for others to overtake */
	PLHW_STAT_WIRE_DELAYED,	/* ... arriving later than the latency */
	PLHW_STAT_TX_STALLS,	/* TX engine stalls (stall_ms knob) */
	PLHW_STAT_WIRE_TRUNCATED, /* ... cut short */
	PLHW_STAT_RX_CRC_ERRORS, /* MAC: frames with a wrong FCS */
	PLHW_STAT_RX_RUNTS,	/* MAC: frames under ETH_ZLEN + FCS bytes */
	PLHW_STAT_RX_FILTERED,	/* MAC: not for this port's addresses */
	PLHW_STAT_RX_PB_OVERFLOWS, /* runs of frames missed: buffer full */
	PLHW_NUM_STATS
};

/*
 * rw, the unicast perfect filter: PLHW_UC_ENTRIES addresses the MAC
 * accepts.  Write LO, then HI with VALID.
 */
#define PLHW_REG_UC_HI(n)	(0x0200 + 8 * (n))
#define  PLHW_UC_VALID		BIT(31)
#define  PLHW_UC_MAC_HI		GENMASK(15, 0)	/* bytes 0-1, byte 0 the MSB */
#define PLHW_REG_UC_LO(n)	(0x0204 + 8 * (n))	/* bytes 2-5, byte 2 the MSB */
#define PLHW_UC_ENTRIES		16

/* rw, the RSS indirection table: entry n < 128 is the RX queue of the hashes
 * whose low 7 bits are n (a queue the port does not have: queue 0)
 */
#define PLHW_REG_RSS_INDIR(n)	(0x0400 + 4 * (n))
#define PLHW_RSS_INDIR_LEN	128

/*
 * L3 counters: PLHW_L3C_RULES rules, each counting the IP packets of one
 * router interface or one IP tunnel that cross this port, in and out.
 * A router interface is a MAC address, untagged or on one VLAN: RX counts
 * the IPv4/IPv6 frames sent to it, TX those it sends.  A tunnel is a pair
 * of IPv4 addresses and the IP protocol that carries it (GRE, IPIP): TX
 * counts LOCAL -> REMOTE, RX REMOTE -> LOCAL.  Bytes are those of the IP
 * packet (the outer one for tunnels).  Change a rule with PLHW_L3C_EN
 * clear; writing CTRL with EN set zeroes its counters.
 */
#define PLHW_L3C_RULES		16
#define PLHW_REG_L3C(n)		(0x0600 + 0x40 * (n))
#define PLHW_L3C_CTRL		0x00	/* rw */
#define  PLHW_L3C_EN		BIT(31)	/* the rule counts */
#define  PLHW_L3C_TUNNEL	BIT(30)	/* a tunnel; else a MAC (+ VLAN) */
#define  PLHW_L3C_VLAN		BIT(29)	/* MAC: tagged PLHW_L3C_VID only */
#define  PLHW_L3C_PROTO		GENMASK(23, 16)	/* tunnel: IP protocol */
#define  PLHW_L3C_VID		GENMASK(11, 0)
#define PLHW_L3C_MAC_HI		0x04	/* rw, MAC bytes 0-1 (bits 15:8, 7:0) */
#define PLHW_L3C_MAC_LO		0x08	/* rw, MAC bytes 2-5, byte 2 the MSB */
#define PLHW_L3C_LOCAL		0x0c	/* rw, tunnel: IPv4, first byte the MSB */
#define PLHW_L3C_REMOTE		0x10	/* rw */
#define PLHW_L3C_STAT_LO(n)	(0x20 + 8 * (n))	/* ro, reading LO latches HI */
#define PLHW_L3C_STAT_HI(n)	(0x24 + 8 * (n))

enum plhw_l3c_stat {
	PLHW_L3C_RX_PACKETS,
	PLHW_L3C_RX_BYTES,
	PLHW_L3C_TX_PACKETS,
	PLHW_L3C_TX_BYTES,
	PLHW_L3C_NUM_STATS
};

/* Queue q's registers: PLHW_Q(q) + PLHW_*Q_*. */
#define PLHW_Q(q)		(0x1000 + 0x100 * (q))
#define PLHW_TXQ_BASE_LO	0x00	/* rw, DMA address of the ring */
#define PLHW_TXQ_BASE_HI	0x04
#define PLHW_TXQ_LEN		0x08	/* rw, entries: power of two */
#define PLHW_TXQ_HEAD		0x0c	/* ro, next descriptor to fetch */
#define PLHW_TXQ_TAIL		0x10	/* rw, doorbell */
#define PLHW_TXQ_CTRL		0x14	/* rw, PLHW_QCTRL_* */
#define PLHW_RXQ_BASE_LO	0x20
#define PLHW_RXQ_BASE_HI	0x24
#define PLHW_RXQ_LEN		0x28
#define PLHW_RXQ_HEAD		0x2c	/* ro, next buffer to fill */
#define PLHW_RXQ_TAIL		0x30	/* rw, buffers posted up to here */
#define PLHW_RXQ_CTRL		0x34
#define  PLHW_QCTRL_ENABLE	BIT(0)	/* enabling resets HEAD and TAIL to 0 */
#define PLHW_IRQ_MASK		0x40	/* rw, 1 = masked */
#define PLHW_IRQ_RX_USECS	0x44	/* rw, moderation: hold RX events (0: never) */
#define PLHW_IRQ_RX_FRAMES	0x48	/* ... or until this many (0: no limit) */
#define PLHW_IRQ_TX_USECS	0x4c
#define PLHW_IRQ_TX_FRAMES	0x50
#define PLHW_IRQ_CAUSE		0x54	/* ro, read to clear: why it fired */
#define  PLHW_CAUSE_RX		BIT(0)	/* frames written to the RX ring */
#define  PLHW_CAUSE_TX		BIT(1)	/* TX descriptors written back */
#define  PLHW_CAUSE_LINK	BIT(2)	/* PLHW_STATUS_LINK changed */

/* The register blocks, in address order, do not overlap. */
static_assert(PLHW_REG_MAC_CTRL > PLHW_REG_PHY_STATUS);
static_assert(PLHW_REG_MC_HASH(0) > PLHW_REG_MAC_PB_SIZE);
static_assert(PLHW_REG_RSS_KEY(0) >= PLHW_REG_MC_HASH(PLHW_MC_HASH_REGS));
static_assert(PLHW_REG_RSS_KEY(PLHW_RSS_KEY_LEN / 4) <= PLHW_REG_STAT_LO(0));
static_assert(PLHW_REG_STAT_LO(PLHW_NUM_STATS) <= PLHW_REG_UC_HI(0));
static_assert(PLHW_REG_UC_HI(PLHW_UC_ENTRIES) <= PLHW_REG_RSS_INDIR(0));
static_assert(PLHW_REG_RSS_INDIR(PLHW_RSS_INDIR_LEN) <= PLHW_REG_L3C(0));
static_assert(PLHW_REG_L3C(PLHW_L3C_RULES) <= PLHW_Q(0));
static_assert(PLHW_L3C_STAT_HI(PLHW_L3C_NUM_STATS - 1) < 0x40);
static_assert(PLHW_Q(1) - PLHW_Q(0) > PLHW_IRQ_CAUSE);

#define PLHW_MAX_QUEUES		8
#define PLHW_TSO_SEG_MAX	16384	/* TSO: headers + MSS of one segment */
#define PLHW_MAX_IRQ_USECS	10000
#define PLHW_MAX_IRQ_FRAMES	1024

/*
 * Interrupt vectors: one per queue pair (RX and TX events), then one for
 * link changes.  A vector masks itself when it fires (MSI-X auto-mask);
 * events while it is masked are latched and fire on unmask.
 */
#define PLHW_VEC_MISC		PLHW_MAX_QUEUES
#define PLHW_NUM_VECS		(PLHW_MAX_QUEUES + 1)

/* Bits of the descriptors' status, written by the NIC. */
#define PLHW_DESC_DD		BIT(0)	/* descriptor done */
#define PLHW_DESC_EOP		BIT(1)	/* RX: last buffer of the frame */
#define PLHW_DESC_ERR		BIT(2)	/* RX: frame too long for the chain */
#define PLHW_RXD_FCSE		BIT(3)	/* RX: a runt or wrong FCS, kept (SBP) */
#define PLHW_RXD_L3_IPV4	BIT(4)
#define PLHW_RXD_L3_IPV6	BIT(5)
#define PLHW_RXD_L4_TCP		BIT(6)
#define PLHW_RXD_L4_UDP		BIT(7)
#define PLHW_RXD_IPCS		BIT(8)	/* IPv4 header checksum checked */
#define PLHW_RXD_IPE		BIT(9)	/* ... and wrong */
#define PLHW_RXD_L4CS		BIT(10)	/* TCP/UDP checksum checked */
#define PLHW_RXD_L4E		BIT(11)	/* ... and wrong */
#define PLHW_RXD_HASH_L3	BIT(12)	/* @hash: over the IP addresses */
#define PLHW_RXD_HASH_L4	BIT(13)	/* ... and the TCP/UDP ports */

/* TX descriptor commands, written by the driver. */
#define PLHW_TXD_EOP		BIT(0)	/* last descriptor of the frame */
#define PLHW_TXD_CSUM		BIT(1)	/* insert a checksum (csum_start/offset) */
#define PLHW_TXD_TSO		BIT(2)	/* segment (mss, hdr_len); implies CSUM */

/*
 * Frame ids (TX and RX descriptors, the pl_hw_* tracepoints): the sending
 * port's id in the top byte, that port's count of frames put on its wire
 * below, wrapping; a TSO frame's segments have consecutive ids.  The
 * collector (bpf/life.bpf.c) names a TSO frame's segments from the first.
 */
#define PLHW_FRAME_ID_PORT	GENMASK(31, 24)
#define PLHW_FRAME_ID_SEQ	GENMASK(23, 0)

/**
 * struct plhw_tx_desc - one buffer of a frame to send
 * @addr: DMA address of the buffer
 * @tstamp: written back on the EOP descriptor: when the frame (its last
 *	segment) left, NIC clock
 * @len: buffer length
 * @cmd: PLHW_TXD_*, taken from the frame's first descriptor (EOP: its last)
 * @csum_start: CSUM: where checksumming starts, from the frame start
 * @csum_offset: CSUM: where the checksum goes, from @csum_start
 * @mss: TSO: payload bytes per segment
 * @hdr_len: TSO: Ethernet + IP + TCP header bytes
 * @status: PLHW_DESC_DD, written back on the EOP descriptor
 * @frame_id: written back on the EOP descriptor: the NIC's id of the
 *	(first) wire frame, which the peer reports in its RX descriptor
 * @nsegs: written back on the EOP descriptor: wire frames sent
 */
struct plhw_tx_desc {
	__le64 addr;
	__le64 tstamp;
	__le16 len;
	__le16 cmd;
	__le16 csum_start;
	__le16 csum_offset;
	__le16 mss;
	u8 hdr_len;
	u8 rsvd0;
	__le16 status;
	__le16 nsegs;
	__le32 frame_id;
	__le32 rsvd1[7];
};

static_assert(sizeof(struct plhw_tx_desc) == 64);

/**
 * struct plhw_rx_desc - one receive buffer
 * @addr: DMA address of the buffer, written by the driver
 * @tstamp: when the frame arrived, NIC clock (on every buffer of a frame)
 * @buf_len: buffer size, written by the driver
 * @len: bytes written into this buffer
 * @status: PLHW_DESC_* and PLHW_RXD_* (checksum results on the EOP buffer)
 * @hash: Toeplitz hash of the frame (PLHW_RXD_HASH_* say over what), on
 *	every buffer of the frame
 * @frame_id: the sender's id of the frame
 * @depart: when the frame's first bit left the sender, the sender's NIC
 *	clock (the same clock as @tstamp), 0: unknown
 *
 * @frame_id and @depart are the simulated wire's sideband, written on every
 * buffer of a frame: no real NIC knows what another one sent.  They let an
 * observer time the wire, and join a frame's two ends, without a map.
 */
struct plhw_rx_desc {
	__le64 addr;
	__le64 tstamp;
	__le16 buf_len;
	__le16 len;
	__le16 status;
	__le16 rsvd0;
	__le32 hash;
	__le32 frame_id;
	__le64 depart;
	__le32 rsvd1[6];
};

static_assert(sizeof(struct plhw_rx_desc) == 64);
static_assert(offsetof(struct plhw_rx_desc, depart) % 8 == 0);

/* Register access: what readl()/writel() on a BAR would be. */
u32 plhw_readl(struct plhw_port *hw, u32 reg);
void plhw_writel(struct plhw_port *hw, u32 reg, u32 val);

/* The device to DMA-map for, and the port's name (its bus address). */
struct device *plhw_dma_dev(struct plhw_port *hw);
const char *plhw_name(struct plhw_port *hw);

/*
 * The port's debugfs directory (pktlife/<name>/), where its driver may put
 * test knobs of its own, as netdevsim does; removed with the port.
 */
struct dentry *plhw_debugfs_dir(struct plhw_port *hw);

/*
 * MSI-X: the Linux IRQ of a vector, to request_irq() (pci_irq_vector()).
 * A vector starts masked by the NIC (its IRQ_MASK register) whenever its
 * IRQ is requested.
 */
int plhw_irq_vector(struct plhw_port *hw, unsigned int vec);

/* The "bus": two ports joined by a cable, as one pair. */
int plhw_pair_create(struct plhw_port **a, struct plhw_port **b);
void plhw_port_destroy(struct plhw_port *hw);

int plhw_init(void);
void plhw_exit(void);

#endif /* _PLHW_H */
