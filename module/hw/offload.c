// SPDX-License-Identifier: GPL-2.0
/*
 * plhw offload engines: TX checksum insertion (NETIF_F_HW_CSUM: any
 * protocol, from csum_start to the end), RX checksum checking (IPv4
 * header, TCP and UDP over IPv4 and IPv6), and TCP segmentation as silicon
 * does it: headers replicated, IPv4 id incremented, sequence advanced,
 * FIN/PSH on the last segment only, CWR on the first only, lengths and
 * every checksum recomputed.
 */
#include <linux/if_ether.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>

#include "nic.h"

bool plhw_csum_insert(u8 *frame, u32 len, u32 start, u32 offset)
{
	__wsum csum;

	if (start >= len || start + offset + sizeof(__sum16) > len)
		return false;
	/* The stack left the pseudo-header sum in the checksum field. */
	csum = csum_partial(frame + start, len - start, 0);
	*(__sum16 *)(frame + start + offset) = csum_fold(csum) ?: CSUM_MANGLED_0;
	return true;
}

static u16 plhw_l4_check(const u8 *l4, u32 l4len, u8 proto, bool v6,
			 const void *l3)
{
	u16 status = proto == IPPROTO_TCP ? PLHW_RXD_L4_TCP : PLHW_RXD_L4_UDP;
	__wsum csum;
	__sum16 res;

	if (proto == IPPROTO_TCP) {
		if (l4len < sizeof(struct tcphdr))
			return status;
	} else {
		if (l4len < sizeof(struct udphdr))
			return status;
		/* IPv4 UDP without a checksum: nothing to check */
		if (!v6 && !((const struct udphdr *)l4)->check)
			return status;
	}
	csum = csum_partial(l4, l4len, 0);
	if (v6) {
		const struct ipv6hdr *ip6h = l3;

		res = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, l4len, proto,
				      csum);
	} else {
		const struct iphdr *iph = l3;

		res = csum_tcpudp_magic(iph->saddr, iph->daddr, l4len, proto,
					csum);
	}
	status |= PLHW_RXD_L4CS;
	if (res)
		status |= PLHW_RXD_L4E;
	return status;
}

/* Verify what the frame carries; PLHW_RXD_* for its RX descriptor. */
u16 plhw_csum_check(const u8 *frame, u32 len)
{
	__be16 proto;
	u32 l3 = plhw_l3(frame, len, 1, &proto);

	if (!l3)
		return 0;
	if (proto == htons(ETH_P_IP)) {
		const struct iphdr *iph = (const struct iphdr *)(frame + l3);
		u32 ihl, tot;
		u16 status;

		if (len < l3 + sizeof(*iph) || iph->version != 4 || iph->ihl < 5)
			return 0;
		ihl = iph->ihl * 4;
		tot = ntohs(iph->tot_len);
		if (len < l3 + ihl || tot < ihl || len < l3 + tot)
			return 0;
		status = PLHW_RXD_L3_IPV4 | PLHW_RXD_IPCS;
		if (ip_fast_csum(iph, iph->ihl))
			return status | PLHW_RXD_IPE;
		if (ip_is_fragment(iph))
			return status;
		if (iph->protocol != IPPROTO_TCP && iph->protocol != IPPROTO_UDP)
			return status;
		return status | plhw_l4_check(frame + l3 + ihl, tot - ihl,
					      iph->protocol, false, iph);
	}
	if (proto == htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6h = (const struct ipv6hdr *)(frame + l3);
		u32 plen;

		if (len < l3 + sizeof(*ip6h) || ip6h->version != 6)
			return 0;
		plen = ntohs(ip6h->payload_len);
		if (len < l3 + sizeof(*ip6h) + plen)
			return PLHW_RXD_L3_IPV6;
		/* no extension headers: those frames go unchecked */
		if (ip6h->nexthdr != IPPROTO_TCP && ip6h->nexthdr != IPPROTO_UDP)
			return PLHW_RXD_L3_IPV6;
		return PLHW_RXD_L3_IPV6 |
		       plhw_l4_check(frame + l3 + sizeof(*ip6h), plen,
				     ip6h->nexthdr, true, ip6h);
	}
	return 0;
}

/**
 * plhw_tso() - cut the frame in txq->buf into segments and send them
 * @port: the port
 * @txq: the TX queue, locked
 * @len: frame length
 * @mss: payload bytes per segment
 * @hdr_len: Ethernet + IP + TCP header length, as the driver said
 * @start: when the engine may start the first segment
 * @tstamp: when the last segment started (its first bit left)
 * @first_id: the first segment's frame id
 *
 * Return: segments sent, or -EINVAL for a frame the engine cannot cut.
 */
int plhw_tso(struct plhw_port *port, struct plhw_txq *txq, u32 len,
	     u32 mss, u32 hdr_len, u64 start, u64 *tstamp, u32 *first_id)
{
	u8 *frame = txq->buf, *seg = txq->seg;
	u32 l3, l4, payload, off, seq0, i, nsegs;
	struct tcphdr *th;
	bool v6 = false;
	__be16 proto;
	u16 id0 = 0;

	l3 = plhw_l3(frame, len, 1, &proto);
	if (!l3 || !mss || hdr_len > len || hdr_len + mss > PLHW_SEG_BUF)
		return -EINVAL;
	if (proto == htons(ETH_P_IP)) {
		const struct iphdr *iph = (const struct iphdr *)(frame + l3);

		if (len < l3 + sizeof(*iph) || iph->protocol != IPPROTO_TCP)
			return -EINVAL;
		l4 = l3 + iph->ihl * 4;
		id0 = ntohs(iph->id);
	} else if (proto == htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6h = (const struct ipv6hdr *)(frame + l3);

		if (len < l3 + sizeof(*ip6h) || ip6h->nexthdr != IPPROTO_TCP)
			return -EINVAL;
		l4 = l3 + sizeof(*ip6h);
		v6 = true;
	} else {
		return -EINVAL;
	}
	if (len < l4 + sizeof(*th))
		return -EINVAL;
	th = (struct tcphdr *)(frame + l4);
	if (l4 + th->doff * 4 != hdr_len)
		return -EINVAL;

	payload = len - hdr_len;
	nsegs = max_t(u32, DIV_ROUND_UP(payload, mss), 1);
	if (nsegs > PLHW_TSO_MAX_SEGS)
		return -EINVAL;
	seq0 = ntohl(th->seq);
	*first_id = plhw_wire_ids(port, nsegs);
	for (i = 0, off = 0; i < nsegs; i++, off += mss) {
		u32 plen = min(mss, payload - off);
		u32 seg_len = hdr_len + plen;
		struct tcphdr *sth = (struct tcphdr *)(seg + l4);
		__wsum csum;

		memcpy(seg, frame, hdr_len);
		memcpy(seg + hdr_len, frame + hdr_len + off, plen);

		if (v6) {
			struct ipv6hdr *ip6h = (struct ipv6hdr *)(seg + l3);

			ip6h->payload_len = htons(seg_len - l3 - sizeof(*ip6h));
		} else {
			struct iphdr *iph = (struct iphdr *)(seg + l3);

			iph->tot_len = htons(seg_len - l3);
			iph->id = htons(id0 + i);
			iph->check = 0;
			iph->check = ip_fast_csum(iph, iph->ihl);
		}

		sth->seq = htonl(seq0 + off);
		if (i != nsegs - 1) {
			sth->fin = 0;
			sth->psh = 0;
		}
		if (i)
			sth->cwr = 0;
		sth->check = 0;
		csum = csum_partial(sth, seg_len - l4, 0);
		if (v6) {
			struct ipv6hdr *ip6h = (struct ipv6hdr *)(seg + l3);

			sth->check = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr,
						     seg_len - l4, IPPROTO_TCP,
						     csum);
		} else {
			struct iphdr *iph = (struct iphdr *)(seg + l3);

			sth->check = csum_tcpudp_magic(iph->saddr, iph->daddr,
						       seg_len - l4,
						       IPPROTO_TCP, csum);
		}

		/* back to back: each as soon as the one before has left */
		*tstamp = plhw_wire_send(port, txq, seg, seg_len, start,
					 plhw_wire_id(*first_id, i));
	}
	txq->stats[PLHW_STAT_TX_TSO_SEGS] += nsegs;
	return nsegs;
}
