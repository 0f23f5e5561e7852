// SPDX-License-Identifier: GPL-2.0
/*
 * plhw MAC: what stands between the engines and the wire.
 *
 * TX: a frame shorter than ETH_ZLEN is padded with zeros and every frame
 * gets its FCS (the CRC-32 of IEEE 802.3), after the checksum and TSO
 * engines and before the wire, whose faults it therefore catches.
 *
 * RX: the frame's last bit has arrived; in the order a MAC checks:
 *   - a frame under ETH_ZLEN + FCS bytes is a runt (RMON's undersize and
 *     fragments), one of full length with a wrong FCS a CRC error
 *     (aFrameCheckSequenceErrors); both are counted, and dropped unless
 *     the driver set SBP (store bad packets: rx-all), which hands them up
 *     flagged PLHW_RXD_FCSE; one too short to hold the addresses and an
 *     FCS is dropped even so;
 *   - the address filter: broadcast (BAM), unicast to one of the perfect
 *     filter's addresses, multicast whose hash bit is set (an imperfect
 *     filter: the stack drops what slips through), or anything in
 *     promiscuous mode (UPE, MPE); what it rejects is counted;
 *   - the FCS is stripped unless KEEP_FCS (rx-fcs);
 *   - the RX engine (dma.c) writes the frame to the ring its RSS hash
 *     picks, or keeps it in the packet buffer until that ring has buffers.
 */
#include <linux/etherdevice.h>

#include "nic.h"
#include "plhw_trace.h"

void plhw_mac_init(struct plhw_port *port)
{
	struct plhw_mac *mac = &port->mac;

	/* no address, no mode: the MAC accepts nothing until told */
	mac->pb_size = PLHW_PB_SIZE;
	atomic_set(&mac->pb_used, 0);
	atomic64_set(&mac->crc_errors, 0);
	atomic64_set(&mac->runts, 0);
	atomic64_set(&mac->filtered, 0);
	atomic64_set(&mac->pb_overflows, 0);
}

/* The FCS of @len bytes, as it goes on the wire (least significant first). */
static u32 plhw_fcs(const u8 *data, u32 len)
{
	return ~crc32_le(~0, data, len);
}

/**
 * plhw_mac_tx() - pad a frame and append its FCS
 * @data: the frame, with PLHW_MAC_ROOM bytes of room after it
 * @len: its length
 *
 * Return: its length on the wire, padding and FCS included.
 */
u32 plhw_mac_tx(u8 *data, u32 len)
{
	if (len < ETH_ZLEN) {
		memset(data + len, 0, ETH_ZLEN - len);
		len = ETH_ZLEN;
	}
	put_unaligned_le32(plhw_fcs(data, len), data + len);
	return len + ETH_FCS_LEN;
}

/* The perfect filter holds @dst in a valid entry. */
static bool plhw_mac_uc_match(const struct plhw_mac *mac, const u8 *dst)
{
	u32 hi = PLHW_UC_VALID | dst[0] << 8 | dst[1];
	u32 lo = get_unaligned_be32(dst + 2);
	unsigned int i;

	for (i = 0; i < PLHW_UC_ENTRIES; i++)
		if (READ_ONCE(mac->uc[i][0]) == hi &&
		    READ_ONCE(mac->uc[i][1]) == lo)
			return true;
	return false;
}

static bool plhw_mac_accepts(const struct plhw_mac *mac, u32 ctrl,
			     const u8 *dst)
{
	u32 h;

	if (is_broadcast_ether_addr(dst))
		return ctrl & PLHW_MAC_BAM;
	if (is_multicast_ether_addr(dst)) {
		h = plhw_mc_hash(dst);
		return (ctrl & PLHW_MAC_MPE) ||
		       (READ_ONCE(mac->mc_hash[h / 32]) & BIT(h % 32));
	}
	return (ctrl & PLHW_MAC_UPE) || plhw_mac_uc_match(mac, dst);
}

/**
 * plhw_mac_rx() - a frame's last bit has reached @port's MAC
 * @port: the receiving port
 * @data: the frame as the wire delivered it, FCS included
 * @len: its length
 * @tstamp: when it arrived, NIC clock
 * @tag: the sender's frame id and departure
 */
void plhw_mac_rx(struct plhw_port *port, const u8 *data, u32 len, u64 tstamp,
		 const struct plhw_tag *tag)
{
	struct plhw_mac *mac = &port->mac;
	u32 ctrl = READ_ONCE(mac->ctrl);
	u16 status = 0;

	if (len < ETH_ZLEN + ETH_FCS_LEN) {
		atomic64_inc(&mac->runts);
		if (!(ctrl & PLHW_MAC_SBP) || len < ETH_HLEN + ETH_FCS_LEN) {
			trace_pl_hw_mac_drop(port->id, tag->id, len, PLHW_MAC_DROP_RUNT);
			return;
		}
		if (get_unaligned_le32(data + len - ETH_FCS_LEN) !=
		    plhw_fcs(data, len - ETH_FCS_LEN))
			status = PLHW_RXD_FCSE;
	} else if (get_unaligned_le32(data + len - ETH_FCS_LEN) !=
		   plhw_fcs(data, len - ETH_FCS_LEN)) {
		atomic64_inc(&mac->crc_errors);
		if (!(ctrl & PLHW_MAC_SBP)) {
			trace_pl_hw_mac_drop(port->id, tag->id, len, PLHW_MAC_DROP_FCS);
			return;
		}
		status = PLHW_RXD_FCSE;
	}
	if (!plhw_mac_accepts(mac, ctrl, data)) {
		atomic64_inc(&mac->filtered);
		trace_pl_hw_mac_drop(port->id, tag->id, len, PLHW_MAC_DROP_FILTER);
		return;
	}
	if (!(ctrl & PLHW_MAC_KEEP_FCS))
		len -= ETH_FCS_LEN;
	plhw_rx_frame(port, data, len, tstamp, tag, status);
}

/* --- registers ----------------------------------------------------------- */

bool plhw_mac_reg(u32 reg)
{
	return reg == PLHW_REG_MAC_CTRL || reg == PLHW_REG_MAC_PB_SIZE ||
	       (reg >= PLHW_REG_MC_HASH(0) &&
		reg < PLHW_REG_MC_HASH(PLHW_MC_HASH_REGS)) ||
	       (reg >= PLHW_REG_UC_HI(0) && reg < PLHW_REG_UC_HI(PLHW_UC_ENTRIES));
}

/* The register @reg of the filter, or NULL if it is read-only. */
static u32 *plhw_mac_field(struct plhw_mac *mac, u32 reg)
{
	if (reg == PLHW_REG_MAC_CTRL)
		return &mac->ctrl;
	if (reg >= PLHW_REG_MC_HASH(0) &&
	    reg < PLHW_REG_MC_HASH(PLHW_MC_HASH_REGS))
		return &mac->mc_hash[(reg - PLHW_REG_MC_HASH(0)) / 4];
	if (reg >= PLHW_REG_UC_HI(0) && reg < PLHW_REG_UC_HI(PLHW_UC_ENTRIES))
		return &mac->uc[(reg - PLHW_REG_UC_HI(0)) / 8][reg % 8 / 4];
	return NULL;
}

u32 plhw_mac_read(struct plhw_port *port, u32 reg)
{
	u32 *field = plhw_mac_field(&port->mac, reg);

	if (reg == PLHW_REG_MAC_PB_SIZE)
		return READ_ONCE(port->mac.pb_size);
	return field ? READ_ONCE(*field) : 0;
}

void plhw_mac_write(struct plhw_port *port, u32 reg, u32 val)
{
	u32 *field = plhw_mac_field(&port->mac, reg);

	if (reg == PLHW_REG_MAC_CTRL)
		val &= PLHW_MAC_UPE | PLHW_MAC_MPE | PLHW_MAC_BAM |
		       PLHW_MAC_KEEP_FCS | PLHW_MAC_SBP;
	else if (reg >= PLHW_REG_UC_HI(0) && !(reg % 8))
		val &= PLHW_UC_VALID | PLHW_UC_MAC_HI;
	if (field)
		WRITE_ONCE(*field, val);
}
