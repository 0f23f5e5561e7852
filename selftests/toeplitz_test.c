// SPDX-License-Identifier: GPL-2.0
/*
 * The NIC model's Toeplitz hash (module/hw/toeplitz.h, built here as is)
 * against the verification vectors of the RSS specification ("Verifying
 * the RSS Hash Calculation", Microsoft), which NIC vendors test against:
 * IPv4 and IPv6, over the addresses only and with the TCP ports. KTAP.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef uint8_t u8;
typedef uint32_t u32;
#include "toeplitz.h"

static const u8 key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

static const struct vector {
	int family;
	const char *dst, *src;
	uint16_t dport, sport;
	u32 l3, l4;
} vectors[] = {
	{ AF_INET, "161.142.100.80", "66.9.149.187", 1766, 2794, 0x323e8fc2, 0x51ccc178 },
	{ AF_INET, "65.69.140.83", "199.92.111.2", 4739, 14230, 0xd718262a, 0xc626b0ea },
	{ AF_INET, "12.22.207.184", "24.19.198.95", 38024, 12898, 0xd2d0a5de, 0x5c2b394a },
	{ AF_INET, "209.142.163.6", "38.27.205.30", 2217, 48228, 0x82989176, 0xafc7327f },
	{ AF_INET, "202.188.127.2", "153.39.163.191", 1303, 44251, 0x5d1809c5, 0x10e828a2 },
	{ AF_INET6, "3ffe:2501:200:3::1", "3ffe:2501:200:1fff::7", 1766, 2794,
	  0x2cc18cd5, 0x40207d3d },
	{ AF_INET6, "ff02::1", "3ffe:501:8::260:97ff:fe40:efab", 4739, 14230,
	  0x0f0c461c, 0xdde51bbf },
	{ AF_INET6, "fe80::200:f8ff:fe21:67cf", "3ffe:1900:4545:3:200:f8ff:fe21:67cf",
	  38024, 44251, 0x4b61e985, 0x02d1feef },
};

int main(void)
{
	unsigned int i, n = sizeof(vectors) / sizeof(vectors[0]), fails = 0;

	printf("TAP version 13\n1..%u\n", 2 * n);
	for (i = 0; i < n; i++) {
		const struct vector *v = &vectors[i];
		unsigned int alen = v->family == AF_INET ? 4 : 16;
		uint16_t sport = htons(v->sport), dport = htons(v->dport);
		u8 in[36];
		u32 l3, l4;

		/* source address, destination address, source port, dest. port */
		if (inet_pton(v->family, v->src, in) != 1 ||
		    inet_pton(v->family, v->dst, in + alen) != 1) {
			printf("Bail out! bad address in vector %u\n", i);
			return 1;
		}
		memcpy(in + 2 * alen, &sport, 2);
		memcpy(in + 2 * alen + 2, &dport, 2);
		l3 = plhw_toeplitz(key, sizeof(key), in, 2 * alen);
		l4 = plhw_toeplitz(key, sizeof(key), in, 2 * alen + 4);
		fails += l3 != v->l3;
		printf("%sok %u %s %s -> %s: %#010x\n", l3 == v->l3 ? "" : "not ",
		       2 * i + 1, v->family == AF_INET ? "IPv4" : "IPv6", v->src,
		       v->dst, l3);
		if (l3 != v->l3)
			printf("# want %#010x\n", v->l3);
		fails += l4 != v->l4;
		printf("%sok %u %s+TCP %s:%u -> %s:%u: %#010x\n",
		       l4 == v->l4 ? "" : "not ", 2 * i + 2,
		       v->family == AF_INET ? "IPv4" : "IPv6", v->src, v->sport,
		       v->dst, v->dport, l4);
		if (l4 != v->l4)
			printf("# want %#010x\n", v->l4);
	}
	printf("# Totals: pass:%u fail:%u skip:0\n", 2 * n - fails, fails);
	return fails ? 1 : 0;
}
