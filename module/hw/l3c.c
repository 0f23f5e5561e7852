// SPDX-License-Identifier: GPL-2.0
/*
 * plhw L3 counter engine: per-rule packet and byte counters for the IP
 * traffic of a router interface (a MAC address, untagged or on one VLAN)
 * or of an IP tunnel (a pair of IPv4 addresses and the tunnel's IP
 * protocol), as switch ASICs keep per router interface and NICs per
 * offloaded tunnel.  The TX engine counts what it puts on the wire, the
 * RX engine what it writes to the ring: a frame the port misses is not
 * counted.
 */
#include <linux/bitops.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>

#include "nic.h"

/* What the rules look at in a frame. */
struct plhw_l3c_frame {
	u32 dst_hi, dst_lo;		/* MACs, as PLHW_L3C_MAC_HI/LO hold them */
	u32 src_hi, src_lo;
	bool tagged;
	u16 vid;
	u8 proto;			/* IPv4: the IP protocol */
	u32 saddr, daddr;		/* IPv4, host order */
	u32 bytes;			/* the IP packet */
};

static void plhw_l3c_mac(const u8 *mac, u32 *hi, u32 *lo)
{
	*hi = (u32)mac[0] << 8 | mac[1];
	*lo = (u32)mac[2] << 24 | (u32)mac[3] << 16 | (u32)mac[4] << 8 | mac[5];
}

/* An IPv4 or IPv6 frame, behind at most one 802.1Q tag: false if not. */
static bool plhw_l3c_parse(const u8 *frame, u32 len, struct plhw_l3c_frame *f)
{
	const struct ethhdr *eth = (const struct ethhdr *)frame;
	u32 off = ETH_HLEN, iplen;
	__be16 type;

	if (len < ETH_HLEN)
		return false;
	type = eth->h_proto;
	f->tagged = type == htons(ETH_P_8021Q);
	if (f->tagged) {
		const struct vlan_hdr *vh = (const struct vlan_hdr *)(eth + 1);

		if (len < VLAN_ETH_HLEN)
			return false;
		f->vid = ntohs(vh->h_vlan_TCI) & VLAN_VID_MASK;
		type = vh->h_vlan_encapsulated_proto;
		off = VLAN_ETH_HLEN;
	}
	if (type == htons(ETH_P_IP)) {
		const struct iphdr *iph = (const struct iphdr *)(frame + off);

		if (len < off + sizeof(*iph))
			return false;
		iplen = ntohs(iph->tot_len);
		f->proto = iph->protocol;
		f->saddr = ntohl(iph->saddr);
		f->daddr = ntohl(iph->daddr);
	} else if (type == htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6h = (const struct ipv6hdr *)(frame + off);

		if (len < off + sizeof(*ip6h))
			return false;
		iplen = sizeof(*ip6h) + ntohs(ip6h->payload_len);
		f->proto = 0;	/* no IPv6 tunnels: match no tunnel rule */
	} else {
		return false;
	}
	/* a short frame's Ethernet padding is not part of the packet */
	f->bytes = min(iplen, len - off);
	plhw_l3c_mac(eth->h_dest, &f->dst_hi, &f->dst_lo);
	plhw_l3c_mac(eth->h_source, &f->src_hi, &f->src_lo);
	return true;
}

static bool plhw_l3c_match(const struct plhw_l3c *r, u32 ctrl,
			   const struct plhw_l3c_frame *f, bool tx)
{
	if (ctrl & PLHW_L3C_TUNNEL) {
		u32 local = READ_ONCE(r->local), remote = READ_ONCE(r->remote);

		if (!f->proto || f->proto != FIELD_GET(PLHW_L3C_PROTO, ctrl))
			return false;
		return tx ? f->saddr == local && f->daddr == remote :
			    f->saddr == remote && f->daddr == local;
	}
	if (ctrl & PLHW_L3C_VLAN) {
		if (!f->tagged || f->vid != FIELD_GET(PLHW_L3C_VID, ctrl))
			return false;
	} else if (f->tagged) {
		return false;
	}
	if (tx)
		return f->src_hi == READ_ONCE(r->mac_hi) &&
		       f->src_lo == READ_ONCE(r->mac_lo);
	return f->dst_hi == READ_ONCE(r->mac_hi) &&
	       f->dst_lo == READ_ONCE(r->mac_lo);
}

/**
 * plhw_l3c_count() - count a frame in the rules it matches
 * @port: the port it crosses
 * @frame: the frame
 * @len: its length
 * @tx: sent by @port; else received
 */
void plhw_l3c_count(struct plhw_port *port, const u8 *frame, u32 len, bool tx)
{
	unsigned long on = READ_ONCE(port->l3c_on);
	struct plhw_l3c_frame f;
	unsigned int n;

	if (!on || !plhw_l3c_parse(frame, len, &f))
		return;
	for_each_set_bit(n, &on, PLHW_L3C_RULES) {
		struct plhw_l3c *r = &port->l3c[n];
		/* pairs with the release in plhw_l3c_write(): fields, then EN */
		u32 ctrl = smp_load_acquire(&r->ctrl);

		if (!(ctrl & PLHW_L3C_EN) || !plhw_l3c_match(r, ctrl, &f, tx))
			continue;
		atomic64_inc(&r->stats[tx ? PLHW_L3C_TX_PACKETS :
					  PLHW_L3C_RX_PACKETS]);
		atomic64_add(f.bytes, &r->stats[tx ? PLHW_L3C_TX_BYTES :
						   PLHW_L3C_RX_BYTES]);
	}
}

/* A register of rule @n, @reg its offset in PLHW_REG_L3C(n). */
u32 plhw_l3c_read(struct plhw_port *port, unsigned int n, u32 reg)
{
	struct plhw_l3c *r = &port->l3c[n];
	u64 v;

	if (reg >= PLHW_L3C_STAT_LO(0) &&
	    reg < PLHW_L3C_STAT_LO(PLHW_L3C_NUM_STATS)) {
		unsigned int s = (reg - PLHW_L3C_STAT_LO(0)) / 8;

		if (reg & 4)
			return READ_ONCE(r->stat_hi[s]);
		v = atomic64_read(&r->stats[s]);
		WRITE_ONCE(r->stat_hi[s], upper_32_bits(v));
		return lower_32_bits(v);
	}
	switch (reg) {
	case PLHW_L3C_CTRL:
		return READ_ONCE(r->ctrl);
	case PLHW_L3C_MAC_HI:
		return READ_ONCE(r->mac_hi);
	case PLHW_L3C_MAC_LO:
		return READ_ONCE(r->mac_lo);
	case PLHW_L3C_LOCAL:
		return READ_ONCE(r->local);
	case PLHW_L3C_REMOTE:
		return READ_ONCE(r->remote);
	default:
		return 0;
	}
}

void plhw_l3c_write(struct plhw_port *port, unsigned int n, u32 reg, u32 val)
{
	struct plhw_l3c *r = &port->l3c[n];
	unsigned int s;

	switch (reg) {
	case PLHW_L3C_CTRL:
		if (!(val & PLHW_L3C_EN)) {
			clear_bit(n, &port->l3c_on);
			WRITE_ONCE(r->ctrl, val);
			return;
		}
		for (s = 0; s < PLHW_L3C_NUM_STATS; s++)
			atomic64_set(&r->stats[s], 0);
		/* the match fields and zeroed counters before EN */
		smp_store_release(&r->ctrl, val);
		set_bit(n, &port->l3c_on);
		return;
	case PLHW_L3C_MAC_HI:
		WRITE_ONCE(r->mac_hi, val & 0xffff);
		return;
	case PLHW_L3C_MAC_LO:
		WRITE_ONCE(r->mac_lo, val);
		return;
	case PLHW_L3C_LOCAL:
		WRITE_ONCE(r->local, val);
		return;
	case PLHW_L3C_REMOTE:
		WRITE_ONCE(r->remote, val);
		return;
	}
}
