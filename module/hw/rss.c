// SPDX-License-Identifier: GPL-2.0
/*
 * plhw RSS engine: the Toeplitz hash of every received frame, over its IP
 * addresses and, for TCP and UDP (not IPv4 fragments), its ports, as the
 * RSS specification defines it; the RX engine writes it to the frame's
 * descriptors.  The parser looks behind up to two VLAN tags (802.1Q, or
 * QinQ's 802.1ad and 802.1Q), so VLAN traffic spreads over the queues too.
 * Other frames get no hash.
 */
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/string.h>
#include <net/ip.h>

#include "nic.h"
#include "toeplitz.h"

#define PLHW_RSS_VLAN_TAGS	2	/* the parser's depth for RSS */

/**
 * plhw_rss_hash() - the RSS hash of a frame
 * @port: the receiving port, whose key is used
 * @frame: the frame, from its Ethernet header
 * @len: its length
 * @type: set to PLHW_RXD_HASH_L4, PLHW_RXD_HASH_L3 or 0 (no hash)
 *
 * Return: the hash, 0 with @type 0.
 */
u32 plhw_rss_hash(struct plhw_port *port, const u8 *frame, u32 len,
		  u16 *type)
{
	u8 key[PLHW_RSS_KEY_LEN], in[36];
	u32 l3, alen, l4;
	unsigned int i;
	__be16 l3proto;
	u8 proto;

	*type = 0;
	l3 = plhw_l3(frame, len, PLHW_RSS_VLAN_TAGS, &l3proto);
	if (!l3)
		return 0;
	if (l3proto == htons(ETH_P_IP)) {
		const struct iphdr *iph = (const struct iphdr *)(frame + l3);

		if (len < l3 + sizeof(*iph) || iph->version != 4 || iph->ihl < 5)
			return 0;
		alen = 4;
		memcpy(in, &iph->saddr, alen);
		memcpy(in + alen, &iph->daddr, alen);
		proto = ip_is_fragment(iph) ? 0 : iph->protocol;
		l4 = l3 + iph->ihl * 4;
	} else if (l3proto == htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6h = (const struct ipv6hdr *)(frame + l3);

		if (len < l3 + sizeof(*ip6h) || ip6h->version != 6)
			return 0;
		alen = 16;
		memcpy(in, &ip6h->saddr, alen);
		memcpy(in + alen, &ip6h->daddr, alen);
		/* no extension headers: the ports are right after the header */
		proto = ip6h->nexthdr;
		l4 = l3 + sizeof(*ip6h);
	} else {
		return 0;
	}
	for (i = 0; i < sizeof(key); i++)
		key[i] = READ_ONCE(port->rss_key[i]);
	if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP) && len >= l4 + 4) {
		/* source port, destination port: the first 4 bytes of both */
		memcpy(in + 2 * alen, frame + l4, 4);
		*type = PLHW_RXD_HASH_L4;
		return plhw_toeplitz(key, sizeof(key), in, 2 * alen + 4);
	}
	*type = PLHW_RXD_HASH_L3;
	return plhw_toeplitz(key, sizeof(key), in, 2 * alen);
}

/**
 * plhw_rss_queue() - the RX queue of a frame
 * @port: the receiving port
 * @hash: its hash
 * @type: its hash type (0: no hash)
 *
 * Return: the queue the indirection table names for the hash's low 7 bits;
 * queue 0 for frames without a hash or a queue the port does not have.
 */
unsigned int plhw_rss_queue(struct plhw_port *port, u32 hash, u16 type)
{
	unsigned int q;

	if (!type)
		return 0;
	q = READ_ONCE(port->rss_indir[hash % PLHW_RSS_INDIR_LEN]);
	return q < port->num_queues ? q : 0;
}
