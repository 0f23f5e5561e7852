// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_frames: seeded malformed frames through a pair, for fuzz.sh.
 *
 *   fuzz_frames TX_NETNS TX_IF RX_NETNS RX_IF SEED COUNT MAXLEN [KNOB=VALUE...]
 *
 * Enters RX_NETNS (a path, e.g. /run/netns/NAME) and captures on RX_IF
 * (AF_PACKET, incoming frames only), then enters TX_NETNS and sends COUNT
 * frames from TX_IF with AF_PACKET, 32 at a time, each made
 * from (SEED, its number) alone: runts and short frames, giants, random
 * bytes, IPv4 with truncated headers, wrong total lengths, bad checksums,
 * options and fragments, the same for TCP, UDP and ICMP inside, IPv6 with
 * extension headers, ARP and VLAN-tagged frames.  Most are addressed to
 * RX_IF's MAC, some broadcast, multicast or to another host.  The source
 * MAC carries the frame's number (02:fa:NN:NN:NN:NN), so every frame the
 * receiver gets is matched with the one sent and compared byte by byte.
 *
 * Only the network namespace changes, never the mount namespace (as with
 * "ip netns exec"), so debugfs stays where it was.
 *
 * KNOB=VALUE are written (paths, e.g. debugfs fault knobs) before the first
 * frame and set back to 0 after the last.  Then a sentinel frame (source
 * 02:fb:...) is sent and awaited: with one RX queue, everything before it
 * has been received or dropped by then.
 *
 * The sender's MAC pads a frame shorter than 60 bytes with zeros, as
 * Ethernet MACs do: the receiver gets it padded.  Without knobs a frame
 * longer than MAXLEN (the receiver's largest frame) must be dropped; any
 * other must be received intact, exactly once.
 * With knobs a received frame may also be cut short (a prefix of what was
 * sent) or have one bit flipped (where the receiving MAC keeps frames
 * with a wrong FCS: rx-all), and frames may be missing.  So that every fault has one visible outcome, frames sent with
 * knobs are all deliverable: no giant, no VLAN tag or type, at least 20
 * bytes (a flipped last byte is past the Ethernet header, a cut one is
 * never untagged).  Prints counts as "NAME VALUE" lines; exit 1 if any frame came
 * back changed otherwise, twice, or (without knobs) not at all.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH		32
#define FRAME_MAX	9018
#define SENTINEL_MS	10000
#define QUIET_MS	50	/* a batch's last frame is lost after this */
#define FAULT_MINLEN	20	/* a flipped last byte is past any VLAN header */

static uint64_t seed;
static uint8_t rx_mac[ETH_ALEN];
static unsigned int maxlen;
static bool faults;	/* knobs given: frames for the wire's faults */

/* counts, printed at the end */
static struct {
	unsigned long sent, send_err, giants, deliverable;
	unsigned long rx_marker, rx_other, intact, cut, flipped;
	unsigned long bad, dup, missing, tp_drops;
} c;

static void die(const char *what)
{
	perror(what);
	exit(2);
}

/* splitmix64: a frame is a function of (seed, number) alone */
struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t below(struct rng *r, uint32_t n)
{
	return n ? rnd(r) % n : 0;
}

static bool chance(struct rng *r, unsigned int pct)
{
	return below(r, 100) < pct;
}

static void fill(struct rng *r, uint8_t *p, size_t n)
{
	while (n--)
		*p++ = rnd(r);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static uint16_t csum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (; n > 1; p += 2, n -= 2)
		sum += p[0] << 8 | p[1];
	if (n)
		sum += p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* a checksum that is right, zero, or wrong */
static void put_csum(struct rng *r, uint8_t *p, uint16_t good)
{
	unsigned int k = below(r, 10);

	put16(p, k < 7 ? good : k < 8 ? 0 : good ^ (1 + below(r, 0xffff)));
}

/* TCP, UDP or ICMP(v6) after an IP header; returns its length */
static size_t l4(struct rng *r, uint8_t *p, size_t room, uint8_t proto,
		 uint32_t pseudo)
{
	size_t hl, n;

	switch (proto) {
	case IPPROTO_TCP:
		hl = 20 + 4 * below(r, 11);
		n = hl + below(r, 200);
		if (n > room)
			n = room;
		fill(r, p, n);
		p[12] = (hl / 4) << 4 | (chance(r, 10) ? below(r, 16) : 0);
		if (chance(r, 50))
			put16(p + 2, 1 + below(r, 1024));
		if (n >= 18) {
			p[16] = p[17] = 0;
			put_csum(r, p + 16, csum(p, n, pseudo + n));
		}
		return n;
	case IPPROTO_UDP:
		n = 8 + below(r, 300);
		if (n > room)
			n = room;
		fill(r, p, n);
		if (n >= 8) {
			put16(p + 4, chance(r, 80) ? n : below(r, 0x10000));
			p[6] = p[7] = 0;
			put_csum(r, p + 6, csum(p, n, pseudo + n));
		}
		return n;
	default:
		n = below(r, 100);
		if (n > room)
			n = room;
		fill(r, p, n);
		if (n >= 4 && chance(r, 70)) {
			p[0] = chance(r, 50) ? 8 : 128;	/* echo request */
			p[1] = 0;
			p[2] = p[3] = 0;
			put_csum(r, p + 2, csum(p, n, 0));
		}
		return n;
	}
}

static uint8_t l4_proto(struct rng *r)
{
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP,
					  IPPROTO_ICMP, IPPROTO_GRE, 0, 255 };

	return protos[below(r, sizeof(protos))];
}

static size_t ipv4(struct rng *r, uint8_t *p, size_t room)
{
	size_t ihl = chance(r, 20) ? 6 + below(r, 10) : 5, n, len;
	uint8_t proto = l4_proto(r);
	uint32_t pseudo = 0;

	if (room < 4 * ihl)
		return 0;
	fill(r, p, 4 * ihl);
	p[0] = 0x40 | (chance(r, 3) ? below(r, 16) : ihl);
	if (ihl > 5 && chance(r, 50))
		p[20] = below(r, 2) ? 0x07 : 0x44;	/* record route, tstamp */
	p[6] = p[7] = 0;
	if (chance(r, 15))	/* a fragment: MF, or an offset */
		put16(p + 6, chance(r, 50) ? 0x2000 : below(r, 0x2000));
	p[8] = 1 + below(r, 64);
	p[9] = chance(r, 90) ? proto : rnd(r);
	if (chance(r, 50))
		memcpy(p + 12, "\x0a\x00\x01\x01", 4);
	if (chance(r, 70))
		memcpy(p + 16, "\x0a\x00\x01\x02", 4);
	else if (chance(r, 20))
		memcpy(p + 16, "\xff\xff\xff\xff", 4);
	for (n = 12; n < 20; n += 2)
		pseudo += p[n] << 8 | p[n + 1];
	pseudo += p[9];
	len = 4 * ihl + l4(r, p + 4 * ihl, room - 4 * ihl, p[9], pseudo);
	put16(p + 2, chance(r, 75) ? len : below(r, 0x10000));
	p[10] = p[11] = 0;
	put_csum(r, p + 10, csum(p, 4 * ihl, 0));
	return len;
}

static size_t ipv6(struct rng *r, uint8_t *p, size_t room)
{
	static const uint8_t next[] = { IPPROTO_TCP, IPPROTO_UDP,
					IPPROTO_ICMPV6, 0, 43, 44, 60, 59,
					255 };
	size_t len = 40, n;
	uint32_t pseudo = 0;
	uint8_t *nh = p + 6;
	int ext;

	if (room < 40)
		return 0;
	fill(r, p, 40);
	p[0] = chance(r, 95) ? 0x60 : rnd(r);
	p[7] = 1 + below(r, 255);
	memcpy(p + 24, "\xfd\x00\x00\x01\0\0\0\0\0\0\0\0\0\0\0\x02", 16);
	if (chance(r, 20))	/* all nodes */
		memcpy(p + 24, "\xff\x02\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	*nh = next[below(r, sizeof(next))];
	/* extension headers: hop-by-hop, routing, fragment, dest options */
	for (ext = 0; ext < 4 && len + 8 <= room &&
	     (*nh == 0 || *nh == 43 || *nh == 44 || *nh == 60); ext++) {
		n = *nh == 44 ? 8 : 8 * (1 + below(r, 3));
		if (len + n > room)
			n = 8;
		fill(r, p + len, n);
		if (*nh != 44)
			p[len + 1] = n / 8 - 1;
		nh = p + len;
		*nh = next[below(r, sizeof(next))];
		len += n;
	}
	for (n = 8; n < 40; n += 2)
		pseudo += p[n] << 8 | p[n + 1];
	pseudo += *nh;
	len += l4(r, p + len, room - len, *nh, pseudo);
	put16(p + 4, chance(r, 80) ? len - 40 : below(r, 0x10000));
	return len;
}

static size_t arp(struct rng *r, uint8_t *p, size_t room)
{
	size_t n = chance(r, 80) ? 28 : below(r, 60);

	if (n > room)
		n = room;
	fill(r, p, n);
	if (n >= 8 && chance(r, 80))
		memcpy(p, "\x00\x01\x08\x00\x06\x04\x00", 7);
	return n;
}

/* @p and @f differ in one bit of @len bytes. */
static bool one_bit_flipped(const uint8_t *p, const uint8_t *f, size_t len)
{
	unsigned int bits = 0;
	size_t i;

	for (i = 0; i < len && bits < 2; i++)
		bits += __builtin_popcount(p[i] ^ f[i]);
	return bits == 1;
}

/* Frame number @n; returns its length. */
static size_t make_frame(uint64_t n, uint8_t *f)
{
	struct rng r = { seed * 0x100000001b3ULL ^ n };
	/* with faults: no giant (kinds 0..3) */
	unsigned int kind = faults ? 4 + below(&r, 96) : below(&r, 100);
	unsigned int hdr = ETH_HLEN;
	size_t len = 0, room;
	uint16_t type;

	if (chance(&r, 80))
		memcpy(f, rx_mac, ETH_ALEN);
	else if (chance(&r, 50))
		memset(f, 0xff, ETH_ALEN);
	else if (chance(&r, 50))
		memcpy(f, "\x01\x00\x5e\x00\x00\x01", ETH_ALEN);
	else
		fill(&r, f, ETH_ALEN);
	if (chance(&r, 8) && !faults) {	/* one VLAN tag */
		put16(f + 12, ETH_P_8021Q);
		put16(f + 14, below(&r, 0x10000));
		hdr += 4;
	}
	room = maxlen - hdr;
	if (kind < 4) {		/* a giant */
		room = FRAME_MAX - 4 - hdr;
		type = chance(&r, 50) ? ETH_P_IP : rnd(&r);
		len = maxlen - hdr + 1 + below(&r, room - (maxlen - hdr));
		fill(&r, f + hdr, len);
	} else if (kind < 10) {	/* short: the bare header and a little */
		type = chance(&r, 50) ? ETH_P_IP : rnd(&r);
		len = below(&r, 46);
		fill(&r, f + hdr, len);
	} else if (kind < 20) {	/* random bytes */
		type = rnd(&r);
		len = below(&r, room + 1);
		fill(&r, f + hdr, len);
	} else if (kind < 60) {
		type = ETH_P_IP;
		len = ipv4(&r, f + hdr, room);
	} else if (kind < 90) {
		type = ETH_P_IPV6;
		len = ipv6(&r, f + hdr, room);
	} else {
		type = ETH_P_ARP;
		len = arp(&r, f + hdr, room);
	}
	/* with faults: a frame cut under 20 bytes must not be untagged */
	if (faults && (type == ETH_P_8021Q || type == ETH_P_8021AD))
		type = 0x88b5;	/* local experimental */
	put16(f + hdr - 2, type);
	len += hdr;
	/* cut short somewhere in the headers: a truncated IP/TCP/UDP header */
	if (kind >= 20 && chance(&r, 15) && len > ETH_HLEN + 1)
		len = ETH_HLEN + below(&r, len - ETH_HLEN < 80 ?
					   len - ETH_HLEN : 80);
	if (faults && len < FAULT_MINLEN) {
		fill(&r, f + len, FAULT_MINLEN - len);
		len = FAULT_MINLEN;
	}
	/* the frame's number, last: nothing above may change it */
	f[6] = 0x02;
	f[7] = 0xfa;
	f[8] = n >> 24;
	f[9] = n >> 16;
	f[10] = n >> 8;
	f[11] = n;
	return len;
}

#define SEND_FAILED	0x80	/* in seen[]: never sent */

static uint8_t *seen;	/* times each frame came back */
static uint64_t sentinel_id, sending;	/* frames below sending were sent */
static bool sentinel_seen;

/* One received frame: which was it, and did it come back as sent? */
static void check_frame(const uint8_t *p, size_t len)
{
	static uint8_t f[FRAME_MAX];
	uint64_t n;
	size_t flen;

	if (len < ETH_HLEN || p[6] != 0x02 || (p[7] != 0xfa && p[7] != 0xfb)) {
		c.rx_other++;
		return;
	}
	n = (uint64_t)p[8] << 24 | p[9] << 16 | p[10] << 8 | p[11];
	if (p[7] == 0xfb) {
		if (n == sentinel_id)
			sentinel_seen = true;
		else
			c.rx_other++;
		return;
	}
	c.rx_marker++;
	if (n >= sending || (seen[n] & SEND_FAILED)) {
		fprintf(stderr, "frame %llu was never sent\n", (unsigned long long)n);
		c.bad++;
		return;
	}
	if (seen[n]++) {
		fprintf(stderr, "frame %llu came back twice\n", (unsigned long long)n);
		c.dup++;
		return;
	}
	flen = make_frame(n, f);
	/* as the sender's MAC put it on the wire */
	if (flen < ETH_ZLEN) {
		memset(f + flen, 0, ETH_ZLEN - flen);
		flen = ETH_ZLEN;
	}
	if (len == flen && !memcmp(p, f, len)) {
		c.intact++;
	} else if (faults && len < flen && !memcmp(p, f, len)) {
		c.cut++;
	} else if (faults && len == flen && one_bit_flipped(p, f, len)) {
		c.flipped++;
	} else {
		if (c.bad < 10) {
			size_t i = 0;

			while (i < len && i < flen && p[i] == f[i])
				i++;
			fprintf(stderr, "frame %llu came back changed: %zu bytes, sent %zu, first difference at byte %zu\n",
				(unsigned long long)n, len, flen, i);
		}
		c.bad++;
	}
}

/*
 * A VLAN tag the stack took off the frame (the NIC's rxvlan, or the
 * stack's own untagging) comes as auxiliary data: put it back where it was.
 */
static size_t vlan_restore(struct msghdr *mh, uint8_t *p, size_t len)
{
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		struct tpacket_auxdata *aux = (void *)CMSG_DATA(cm);

		if (cm->cmsg_level != SOL_PACKET || cm->cmsg_type != PACKET_AUXDATA ||
		    !(aux->tp_status & TP_STATUS_VLAN_VALID) || len < 12 ||
		    len + 4 > FRAME_MAX)
			continue;
		memmove(p + 16, p + 12, len - 12);
		put16(p + 12, aux->tp_status & TP_STATUS_VLAN_TPID_VALID ?
			      aux->tp_vlan_tpid : ETH_P_8021Q);
		put16(p + 14, aux->tp_vlan_tci);
		return len + 4;
	}
	return len;
}

/*
 * Receive what is there, waiting up to @ms for the first frame; false if
 * nothing came.
 */
static bool drain(int fd, int ms)
{
	static uint8_t bufs[BATCH][FRAME_MAX + 4];
	static char cbufs[BATCH][CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	int i, n;

	if (poll(&pfd, 1, ms) <= 0)
		return false;
	do {
		for (i = 0; i < BATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = FRAME_MAX;
			memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_control = cbufs[i];
			msgs[i].msg_hdr.msg_controllen = sizeof(cbufs[i]);
		}
		n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
		for (i = 0; i < n; i++)
			check_frame(bufs[i], vlan_restore(&msgs[i].msg_hdr, bufs[i],
							  msgs[i].msg_len));
	} while (n > 0);
	return true;
}

static int packet_socket(const char *ifname, uint16_t proto)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(proto) };
	int fd = socket(AF_PACKET, SOCK_RAW, htons(proto));

	if (fd < 0)
		die("socket(AF_PACKET)");
	sll.sll_ifindex = if_nametoindex(ifname);
	if (!sll.sll_ifindex)
		die(ifname);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind");
	return fd;
}

static void write_knobs(char **knobs, int n, bool zero)
{
	int i;

	for (i = 0; i < n; i++) {
		char *eq = strchr(knobs[i], '=');
		FILE *f;

		if (!eq)
			die(knobs[i]);
		*eq = 0;
		f = fopen(knobs[i], "w");
		if (!f || fprintf(f, "%s\n", zero ? "0" : eq + 1) < 0 || fclose(f))
			die(knobs[i]);
		*eq = '=';
	}
}

static void enter_netns(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0 || setns(fd, CLONE_NEWNET))
		die(path);
	close(fd);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	static uint8_t frames[BATCH][FRAME_MAX];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct tpacket_stats st;
	socklen_t sl = sizeof(st);
	int rx, tx, one = 1, size = 64 << 20, i, k, retries;
	uint64_t count, n, deadline;
	struct ifreq ifr = { 0 };

	if (argc < 8) {
		fprintf(stderr, "usage: %s TX_NETNS TX_IF RX_NETNS RX_IF SEED COUNT MAXLEN [KNOB=VALUE...]\n",
			argv[0]);
		return 2;
	}
	seed = strtoull(argv[5], NULL, 0);
	count = strtoull(argv[6], NULL, 0);
	maxlen = strtoul(argv[7], NULL, 0);
	faults = argc > 8;
	if (maxlen < 64 || maxlen > FRAME_MAX - 4 || count >= 1ULL << 32)
		return 2;
	seen = calloc(count, 1);
	if (!seen)
		die("calloc");

	enter_netns(argv[3]);
	rx = packet_socket(argv[4], ETH_P_ALL);
	if (setsockopt(rx, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)))
		die("PACKET_IGNORE_OUTGOING");
	if (setsockopt(rx, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)))
		die("PACKET_AUXDATA");
	if (setsockopt(rx, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		die("SO_RCVBUFFORCE");
	strncpy(ifr.ifr_name, argv[4], IFNAMSIZ - 1);
	if (ioctl(rx, SIOCGIFHWADDR, &ifr))
		die("SIOCGIFHWADDR");
	memcpy(rx_mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);

	enter_netns(argv[1]);
	/* protocol 0: this socket sends only */
	tx = packet_socket(argv[2], 0);

	write_knobs(argv + 8, argc - 8, false);
	for (n = 0; n < count; n += k) {
		long long last = -1;	/* the batch's last deliverable frame */

		for (k = 0; k < BATCH && n + k < count; k++) {
			iov[k].iov_base = frames[k];
			iov[k].iov_len = make_frame(n + k, frames[k]);
			memset(&msgs[k].msg_hdr, 0, sizeof(msgs[k].msg_hdr));
			msgs[k].msg_hdr.msg_iov = &iov[k];
			msgs[k].msg_hdr.msg_iovlen = 1;
		}
		sending = n + k;
		/*
		 * A failure is the first frame not sent: count it, go on.
		 * ENOBUFS may be a full queue (try again, a little later) or
		 * a frame the device dropped (give up on it).
		 */
		for (i = 0, retries = 0; i < k;) {
			int m = sendmmsg(tx, msgs + i, k - i, 0);

			if (m < 0) {
				if ((errno == ENOBUFS || errno == EAGAIN) &&
				    ++retries < 100) {
					drain(rx, 1);
					continue;
				}
				retries = 0;
				c.send_err++;
				seen[n + i] = SEND_FAILED;
				m = 1;
			} else {
				for (int j = i; j < i + m; j++) {
					size_t len = iov[j].iov_len;

					if (len > maxlen) {
						c.giants++;
					} else {
						c.deliverable++;
						last = n + j;
					}
				}
			}
			i += m;
		}
		c.sent = n + k;
		/*
		 * The batch is received before the next is sent: its last
		 * deliverable frame has come, or nothing came for QUIET_MS
		 * (a fault lost it).  The NIC's engines run on their own
		 * timers, so a send returns with frames still in flight;
		 * without this wait a sender on a busy machine outruns the
		 * receiver and plb's ring overflows (hw_rx_missed).
		 */
		while (last >= 0 && !seen[last] && drain(rx, QUIET_MS))
			;
		drain(rx, 0);
	}
	write_knobs(argv + 8, argc - 8, true);

	/* the sentinel: a plain frame to RX_IF, after everything else */
	sentinel_id = seed & 0xffffffff;
	memcpy(frames[0], rx_mac, ETH_ALEN);
	memcpy(frames[0] + 6, "\x02\xfb", 2);
	frames[0][8] = sentinel_id >> 24;
	frames[0][9] = sentinel_id >> 16;
	frames[0][10] = sentinel_id >> 8;
	frames[0][11] = sentinel_id;
	put16(frames[0] + 12, 0x88b5);	/* local experimental */
	memset(frames[0] + ETH_HLEN, 0, 46);
	if (send(tx, frames[0], 60, 0) != 60)
		die("send sentinel");
	deadline = now_ms() + SENTINEL_MS;
	while (!sentinel_seen && now_ms() < deadline)
		drain(rx, 100);
	drain(rx, 0);
	if (getsockopt(rx, SOL_PACKET, PACKET_STATISTICS, &st, &sl))
		die("PACKET_STATISTICS");
	c.tp_drops = st.tp_drops;

	for (n = 0; n < c.sent; n++) {
		size_t len = make_frame(n, frames[0]);

		if (seen[n] || len > maxlen)
			continue;
		if (!faults && c.missing < 10)
			fprintf(stderr, "frame %llu never came back: %zu bytes, type %02x%02x\n",
				(unsigned long long)n, len, frames[0][12],
				frames[0][13]);
		c.missing++;
	}
	printf("sent %lu\nsend_err %lu\ngiants %lu\ndeliverable %lu\n"
	       "rx_marker %lu\nrx_other %lu\nintact %lu\ncut %lu\nflipped %lu\n"
	       "bad %lu\ndup %lu\nmissing %lu\ntp_drops %lu\nsentinel %d\n",
	       c.sent - c.send_err, c.send_err, c.giants, c.deliverable,
	       c.rx_marker, c.rx_other, c.intact, c.cut, c.flipped, c.bad,
	       c.dup, c.missing, c.tp_drops, sentinel_seen);
	return c.bad || c.dup || !sentinel_seen || (!faults && c.missing);
}
