// SPDX-License-Identifier: GPL-2.0
/*
 * iproute2 plugin for "ip link add A type pktlife peer name B [netns N ...]".
 *
 * ip(8) looks for link_<kind>.so in $IP_LIB_DIR (default /usr/lib/ip) and
 * takes <kind>_link_util from it.  pktlife's IFLA_INFO_DATA is laid out as
 * veth's (attribute 1 = struct ifinfomsg + the peer's IFLA_* attributes), so
 * parsing is handed to ip's own veth parser, which ip exports: no iproute2
 * patch, and every option "ip link add" knows works for the peer too.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>

struct nlmsghdr;
struct rtattr;
struct sockaddr_nl;

/* The layout of struct link_util in iproute2's ip/ip_common.h. */
struct link_util {
	struct link_util *next;
	const char *id;
	int maxattr;
	int (*parse_opt)(struct link_util *lu, int argc, char **argv,
			 struct nlmsghdr *n);
	void (*print_opt)(struct link_util *lu, FILE *f, struct rtattr *tb[]);
	void (*print_xstats)(struct link_util *lu, FILE *f, struct rtattr *xs);
	void (*print_help)(struct link_util *lu, int argc, char **argv,
			   FILE *f);
	int (*parse_ifla_xstats)(struct link_util *lu, int argc, char **argv);
	int (*print_ifla_xstats)(struct nlmsghdr *n, void *arg);
};

static struct link_util *veth_util(void)
{
	struct link_util *veth = dlsym(RTLD_DEFAULT, "veth_link_util");

	if (!veth || !veth->parse_opt)
		fprintf(stderr, "pktlife: this ip(8) does not export its veth parser\n");
	return veth;
}

static int pl_parse_opt(struct link_util *lu, int argc, char **argv,
			struct nlmsghdr *n)
{
	struct link_util *veth = veth_util();

	return veth && veth->parse_opt ? veth->parse_opt(lu, argc, argv, n) : -1;
}

static void pl_print_help(struct link_util *lu, int argc, char **argv,
			  FILE *f)
{
	fprintf(f, "Usage: ip link <options> type pktlife [peer <options>]\n"
		"To get <options> type 'ip link add help'\n");
}

struct link_util pktlife_link_util = {
	.id		= "pktlife",
	.parse_opt	= pl_parse_opt,
	.print_help	= pl_print_help,
};
