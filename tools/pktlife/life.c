// SPDX-License-Identifier: GPL-2.0
/*
 * pktlife stat | hist | trace: the per-layer life of packets, from the
 * programs of bpf/life.bpf.c.
 *
 * stat and hist read the in-kernel histograms and counters; trace reads
 * one event per sampled journey from the ring buffer. All three share the
 * options, the filters and the way the hooks are chosen and attached.
 */
#define _GNU_SOURCE	/* ppoll() */
#include <argp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "life.h"
#include "life.skel.h"
#include "perfetto.h"
#include "pktlife.h"
#include "prom.h"
#include "svg.h"
#include "trace_helpers.h"

enum life_mode { MODE_STAT, MODE_HIST, MODE_TRACE };

static struct life_env {
	enum life_mode mode;
	const char *ifname;
	unsigned int ifindex;
	int dir;		/* -1 both, else enum life_dir */
	__u8 proto;
	__u8 family;
	bool has_saddr, has_daddr, has_host;
	__u32 saddr[4], daddr[4], host[4];
	__u16 sport, dport, port;
	long interval;		/* stat: seconds between tables */
	long count;		/* stat: tables; trace: journeys */
	long duration;
	long expire;		/* seconds without news: lost */
	bool all_netns;		/* every netns, not only the tool's own */
	__u32 sample;		/* trace: 1 in N */
	int hist_stage;		/* hist: index into the histograms */
	const char *hist_arg;	/* hist: the STAGE given */
	enum life_level level;
	bool json;
	const char *perfetto;	/* trace: timeline file */
	const char *svg;	/* stat: chart file */
	const char *prometheus;	/* stat: [ADDR:]PORT to serve metrics on */
} env = {
	.dir = -1,
	.interval = 1,
	.expire = 10,
	.sample = 1,
	.hist_stage = -1,
	.level = LL_WAITS,
};

static const char *const stage_name[LIFE_HIST_MAX] = {
#define STAGE_NAME(id, dir, name, level, help)	[LS_##id] = #name,
	LIFE_STAGES(STAGE_NAME)
#undef STAGE_NAME
	[LIFE_HIST_TOTAL(LIFE_RX)] = "total",
	[LIFE_HIST_TOTAL(LIFE_TX)] = "total",
};

static const char *const stage_help[LS_MAX] = {
#define STAGE_HELP(id, dir, name, level, help)	[LS_##id] = help,
	LIFE_STAGES(STAGE_HELP)
#undef STAGE_HELP
};

/* the first level that measures each stage */
static const enum life_level stage_level[LS_MAX] = {
#define STAGE_LEVEL(id, dir, name, level, help)	[LS_##id] = LL_##level,
	LIFE_STAGES(STAGE_LEVEL)
#undef STAGE_LEVEL
};

static const char *const level_name[LL_MAX] = {
#define LEVEL_NAME(id, name, help)	[LL_##id] = #name,
	LIFE_LEVELS(LEVEL_NAME)
#undef LEVEL_NAME
};

static const char *const level_help[LL_MAX] = {
#define LEVEL_HELP(id, name, help)	[LL_##id] = help,
	LIFE_LEVELS(LEVEL_HELP)
#undef LEVEL_HELP
};

static const char *const dir_name[LIFE_DIR_MAX] = { "rx", "tx" };

static const char *const acct_name[LA_MAX] = {
#define ACCT_NAME(id, name)	[LA_##id] = #name,
	LIFE_ACCTS(ACCT_NAME)
#undef ACCT_NAME
};

static const char *const end_name[] = {
	[LE_COMPLETED] = "completed",
	[LE_ENDED] = "ended",
	[LE_DROPPED] = "dropped",
};

static int stage_dir(int s)
{
	if (s >= LS_MAX)
		return s - LS_MAX;
	return s >= LS_TX_FIRST ? LIFE_TX : LIFE_RX;
}

static bool stage_measured(int s)
{
	return s >= LS_MAX || stage_level[s] <= env.level;
}

/*
 * What stage S is called at the tool's level, NULL if it is not measured
 * there: its name ("local"), or, when the stages before it are not
 * measured and their time is in it, its span ("netif..local").
 */
static const char *stage_label(int s)
{
	static char label[LIFE_HIST_MAX][32];
	int dir, f;

	if (s < 0 || s >= LIFE_HIST_MAX || !stage_measured(s))
		return NULL;
	if (label[s][0])
		return label[s];
	dir = stage_dir(s);
	f = s;
	while (s < LS_MAX && f > (dir == LIFE_RX ? LS_RX_FIRST : LS_TX_FIRST) &&
	       !stage_measured(f - 1))
		f--;
	if (f == s)
		snprintf(label[s], sizeof(label[s]), "%s", stage_name[s]);
	else
		snprintf(label[s], sizeof(label[s]), "%s..%s", stage_name[f],
			 stage_name[s]);
	return label[s];
}

/*
 * "rx.wire", "rx.netif..local", "tx.total", ... -> histogram index, or
 * -1. A stage is also found by its own name when its label is a span
 * ("rx.local"); -2: a stage the level does not measure.
 */
static int parse_stage(const char *arg)
{
	int s;

	for (s = 0; s < LIFE_HIST_MAX; s++) {
		const char *d = dir_name[stage_dir(s)];
		size_t n = strlen(d);

		if (strncmp(arg, d, n) || arg[n] != '.')
			continue;
		if (!strcmp(arg + n + 1, stage_name[s]))
			return stage_measured(s) ? s : -2;
		if (stage_label(s) && !strcmp(arg + n + 1, stage_label(s)))
			return s;
	}
	return -1;
}

/* --- options --------------------------------------------------------------- */

enum {
	OPT_JSON = 0x100,
	OPT_SADDR,
	OPT_DADDR,
	OPT_HOST,
	OPT_SPORT,
	OPT_DPORT,
	OPT_PORT,
	OPT_EXPIRE,
	OPT_LEVEL,
	OPT_PERFETTO,
	OPT_SVG,
	OPT_PROMETHEUS,
};

static const struct argp_option life_opts[] = {
	{ NULL, 0, NULL, 0, "Filters:", 1 },
	{ "interface", 'i', "IFNAME", 0, "Only packets of IFNAME", 1 },
	{ "all-netns", 'A', NULL, 0, "Packets of every network namespace (default: the tool's own)", 1 },
	{ "direction", 'D', "rx|tx", 0, "Only receive or transmit", 1 },
	{ "protocol", 'p', "tcp|udp|icmp", 0, "Only this IP protocol", 1 },
	{ "ipv4", '4', NULL, 0, "Only IPv4", 1 },
	{ "ipv6", '6', NULL, 0, "Only IPv6", 1 },
	{ "saddr", OPT_SADDR, "ADDR", 0, "Only from source address ADDR", 1 },
	{ "daddr", OPT_DADDR, "ADDR", 0, "Only to destination address ADDR", 1 },
	{ "host", OPT_HOST, "ADDR", 0, "Only from or to ADDR", 1 },
	{ "sport", OPT_SPORT, "PORT", 0, "Only from source port PORT", 1 },
	{ "dport", OPT_DPORT, "PORT", 0, "Only to destination port PORT", 1 },
	{ "port", OPT_PORT, "PORT", 0, "Only from or to PORT", 1 },
	{ NULL, 0, NULL, 0, "Output:", 2 },
	{ "interval", 'I', "SECONDS", 0, "stat: print every SECONDS (default 1)", 2 },
	{ "count", 'c', "N", 0, "stat: stop after N tables; trace: after N journeys", 2 },
	{ "duration", 'd', "SECONDS", 0, "Stop after SECONDS (default: Ctrl-C)", 2 },
	{ "sample", 's', "N", 0, "trace: follow 1 journey in N (default 1)", 2 },
	{ "expire", OPT_EXPIRE, "SECONDS", 0, "Count a journey lost after SECONDS without news (default 10)", 2 },
	{ "level", OPT_LEVEL, "waits|full", 0, "The points hooked (default waits; see LEVELS below)", 2 },
	{ "json", OPT_JSON, NULL, 0, "JSON output", 2 },
	{ "prometheus", OPT_PROMETHEUS, "[ADDR:]PORT", 0, "stat: serve the histograms to Prometheus on http://ADDR:PORT/metrics (ADDR: 127.0.0.1)", 2 },
	{ "svg", OPT_SVG, "FILE", 0, "stat: at the end, draw the stages' latency into FILE (SVG)", 2 },
	{ "perfetto", OPT_PERFETTO, "FILE", 0, "trace: also write the journeys to FILE as a timeline (Chrome trace JSON: ui.perfetto.dev)", 2 },
	{ "verbose", 'v', NULL, 0, "Verbose debug output (libbpf too)", 2 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show the full help", 2 },
	{},
};

static long parse_long(struct argp_state *state, const char *what,
		       const char *arg, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || end == arg || v < min || v > max)
		argp_error(state, "invalid %s '%s'", what, arg);
	return v;
}

static void parse_addr(struct argp_state *state, const char *arg, __u32 *addr,
		       bool *has)
{
	__u8 family = 0;

	memset(addr, 0, 16);
	if (inet_pton(AF_INET, arg, addr) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, arg, addr) == 1)
		family = AF_INET6;
	else
		argp_error(state, "invalid address '%s'", arg);
	if (env.family && env.family != family)
		argp_error(state, "addresses of both IPv4 and IPv6 given");
	env.family = family;
	*has = true;
}

static error_t life_parse(int key, char *arg, struct argp_state *state)
{
	int i;

	switch (key) {
	case 'i':
		if (!*arg || strlen(arg) >= IF_NAMESIZE)
			argp_error(state, "invalid interface name '%s'", arg);
		env.ifname = arg;
		break;
	case 'D':
		if (!strcmp(arg, "rx"))
			env.dir = LIFE_RX;
		else if (!strcmp(arg, "tx"))
			env.dir = LIFE_TX;
		else
			argp_error(state, "invalid direction '%s' (rx or tx)", arg);
		break;
	case 'p':
		if (!strcmp(arg, "tcp"))
			env.proto = IPPROTO_TCP;
		else if (!strcmp(arg, "udp"))
			env.proto = IPPROTO_UDP;
		else if (!strcmp(arg, "icmp"))
			env.proto = env.family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
		else
			argp_error(state, "invalid protocol '%s' (tcp, udp or icmp)", arg);
		break;
	case '4':
	case '6':
		env.family = key == '4' ? AF_INET : AF_INET6;
		if (env.proto == IPPROTO_ICMP || env.proto == IPPROTO_ICMPV6)
			env.proto = key == '4' ? IPPROTO_ICMP : IPPROTO_ICMPV6;
		break;
	case OPT_SADDR:
		parse_addr(state, arg, env.saddr, &env.has_saddr);
		break;
	case OPT_DADDR:
		parse_addr(state, arg, env.daddr, &env.has_daddr);
		break;
	case OPT_HOST:
		parse_addr(state, arg, env.host, &env.has_host);
		break;
	case OPT_SPORT:
		env.sport = parse_long(state, "port", arg, 1, 65535);
		break;
	case OPT_DPORT:
		env.dport = parse_long(state, "port", arg, 1, 65535);
		break;
	case OPT_PORT:
		env.port = parse_long(state, "port", arg, 1, 65535);
		break;
	case 'I':
		env.interval = parse_long(state, "interval", arg, 1, 3600);
		break;
	case 'c':
		env.count = parse_long(state, "count", arg, 1, 1L << 40);
		break;
	case 'd':
		env.duration = parse_long(state, "duration", arg, 1, 86400L * 365);
		break;
	case 's':
		env.sample = parse_long(state, "sample rate", arg, 1, 1L << 30);
		break;
	case OPT_EXPIRE:
		env.expire = parse_long(state, "expiry", arg, 1, 86400);
		break;
	case 'A':
		env.all_netns = true;
		break;
	case OPT_JSON:
		env.json = true;
		break;
	case OPT_PROMETHEUS:
		env.prometheus = arg;
		break;
	case OPT_SVG:
		if (!*arg)
			argp_error(state, "no FILE for --svg");
		env.svg = arg;
		break;
	case OPT_PERFETTO:
		if (!*arg)
			argp_error(state, "no FILE for --perfetto");
		env.perfetto = arg;
		break;
	case 'v':
		verbose = true;
		break;
	case 'h':
		argp_state_help(state, stderr, ARGP_HELP_STD_HELP);
		break;
	case OPT_LEVEL:
		for (i = 0; i < LL_MAX; i++)
			if (!strcmp(arg, level_name[i]))
				break;
		if (i == LL_MAX)
			argp_error(state, "unknown level '%s' (see LEVELS in --help)",
				   arg);
		env.level = i;
		break;
	case ARGP_KEY_ARG:
		if (env.mode != MODE_HIST || env.hist_arg)
			argp_error(state, "unexpected argument '%s'", arg);
		env.hist_arg = arg;
		break;
	case ARGP_KEY_END:
		if (env.mode == MODE_HIST && !env.hist_arg)
			argp_error(state, "no STAGE given");
		/* once --level is known, wherever it came */
		if (env.hist_arg) {
			env.hist_stage = parse_stage(env.hist_arg);
			if (env.hist_stage == -2)
				argp_error(state, "%s is measured at --level full only",
					   env.hist_arg);
			if (env.hist_stage < 0)
				argp_error(state, "unknown stage '%s' (see pktlife hist --help)",
					   env.hist_arg);
		}
		/* an ifindex names a device in one netns only */
		if (env.all_netns && env.ifname)
			argp_error(state, "-i and -A do not go together");
		if (env.perfetto && env.mode != MODE_TRACE)
			argp_error(state, "--perfetto is for pktlife trace");
		if (env.svg && env.mode != MODE_STAT)
			argp_error(state, "--svg is for pktlife stat");
		if (env.prometheus && env.mode != MODE_STAT)
			argp_error(state, "--prometheus is for pktlife stat");
		/* -p icmp with IPv6 addresses (or -6) given after it */
		if (env.proto == IPPROTO_ICMP && env.family == AF_INET6)
			env.proto = IPPROTO_ICMPV6;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const char stat_doc[] =
"Per-layer latency of received and sent packets, as a table.\n"
"\n"
"Every stage is measured per wire frame, in kernel histograms: nothing is\n"
"sent to user space per packet. The table is cumulative since the start and\n"
"is printed every interval and at the end, with the fate of every journey\n"
"(completed, ended by the stack, dropped, lost by the tool, in flight).\n"
"\n"
"EXAMPLES:\n"
"    pktlife stat                          # everything, every second\n"
"    pktlife stat -i eth0 -p tcp --port 5201 -d 10\n"
"    pktlife stat -D rx -c 5 --json        # 5 tables of receive stages, JSON\n"
"    pktlife stat -d 10 --svg life.svg     # and, at the end, a chart\n"
"    pktlife stat --prometheus 9464 -I 3600  # for Prometheus to scrape\n";

static const char hist_doc[] =
"The histogram of one stage (see STAGES).\n"
"\n"
"EXAMPLES:\n"
"    pktlife hist rx.sockq -d 10           # how long data waits for readers\n"
"    pktlife hist tx.qdisc -i eth0 --json\n";

static const char trace_doc[] =
"One packet's journey per block: each stage with its time and delta.\n"
"\n"
"Journeys come through a BPF ring buffer, one event each, printed when the\n"
"journey ends (read by the user, sent by the NIC, dropped...).\n"
"\n"
"EXAMPLES:\n"
"    pktlife trace -p icmp -c 2            # the next two ICMP journeys\n"
"    pktlife trace -i eth0 -s 100          # one in 100 journeys on eth0\n"
"    pktlife trace -D rx --dport 53 --json\n"
"    pktlife trace --perfetto life.json    # and a timeline for ui.perfetto.dev\n";

/* The STAGES part of --help, from LIFE_STAGES(); malloc()ed, or NULL. */
static char *stages_doc(void)
{
	char *buf = NULL, name[16];
	const char *h, *nl;
	size_t len = 0;
	FILE *f;
	int s;

	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fprintf(f, "\nSTAGES (each is the time from the point before it to the point named):\n");
	for (s = 0; s < LS_MAX; s++) {
		snprintf(name, sizeof(name), "%s.%s", dir_name[stage_dir(s)],
			 stage_name[s]);
		fprintf(f, "  %-10s", name);
		/* a continued line goes to the same column */
		for (h = stage_help[s]; (nl = strchr(h, '\n')); h = nl + 1)
			fprintf(f, "  %.*s\n%12s", (int)(nl - h), h, "");
		fprintf(f, "  %s%s%s%s\n", h, stage_level[s] ? " (--level " : "",
			stage_level[s] ? level_name[stage_level[s]] : "",
			stage_level[s] ? ")" : "");
	}
	fprintf(f, "  rx.total, tx.total: end to end, per frame\n");
	fprintf(f, "\nLEVELS (--level; a stage whose point a level does not hook is in the\n"
		"next one, named for both, e.g. rx.netif..local):\n");
	for (s = 0; s < LL_MAX; s++) {
		fprintf(f, "  %-10s", level_name[s]);
		for (h = level_help[s]; (nl = strchr(h, '\n')); h = nl + 1)
			fprintf(f, "  %.*s\n%12s", (int)(nl - h), h, "");
		fprintf(f, "  %s\n", h);
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static char *help_filter(int key, const char *text, void *input)
{
	if (key != ARGP_KEY_HELP_POST_DOC)
		return (char *)text;
	return stages_doc();
}

/* --- hooks: which programs to load ------------------------------------------ */

static struct btf *vmlinux_btf;

static bool in_vmlinux_btf(const char *func)
{
	if (!vmlinux_btf)
		return false;
	return btf__find_by_name_kind(vmlinux_btf, func, BTF_KIND_FUNC) > 0;
}

/* a function kprobes can attach to: listed in available_filter_functions */
static bool kprobe_ok(const char *func)
{
	static const char *const paths[] = {
		"/sys/kernel/tracing/available_filter_functions",
		"/sys/kernel/debug/tracing/available_filter_functions",
	};
	static char *buf;
	static size_t len;
	char pat[128];
	size_t i;

	if (!buf) {
		for (i = 0; i < ARRAY_SIZE(paths) && !buf; i++) {
			FILE *f = fopen(paths[i], "r");
			size_t cap = 1 << 20, n;

			if (!f)
				continue;
			buf = malloc(cap + 1);
			buf[0] = '\n';
			len = 1;
			while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
				len += n;
				if (len == cap) {
					cap *= 2;
					buf = realloc(buf, cap + 1);
				}
			}
			fclose(f);
			if (buf)
				buf[len] = 0;
		}
		if (!buf)
			return true;	/* cannot tell: let the attach say */
	}
	/* "\nfunc\n" or "\nfunc [module]\n" */
	snprintf(pat, sizeof(pat), "\n%s\n", func);
	if (strstr(buf, pat))
		return true;
	snprintf(pat, sizeof(pat), "\n%s ", func);
	return strstr(buf, pat);
}

static bool module_loaded(void)
{
	return !access("/sys/module/pktlife", F_OK);
}

static bool module_has_btf(void)
{
	return !access("/sys/kernel/btf/pktlife", F_OK);
}

/*
 * Does the loaded pktlife.ko have tracepoint NAME? An older module may
 * lack one of ours: its BTF (else tracefs) says.
 */
static bool module_has_tp(const char *name)
{
	static struct btf *mod_btf;
	static bool tried;
	char buf[128];

	if (!tried && vmlinux_btf) {
		tried = true;
		mod_btf = btf__parse_split("/sys/kernel/btf/pktlife", vmlinux_btf);
		if (!mod_btf)
			mod_btf = NULL;
	}
	if (mod_btf) {
		snprintf(buf, sizeof(buf), "btf_trace_%s", name);
		return btf__find_by_name_kind(mod_btf, buf, BTF_KIND_TYPEDEF) > 0;
	}
	snprintf(buf, sizeof(buf), "/sys/kernel/tracing/events/pktlife/%s", name);
	if (!access("/sys/kernel/tracing/events", F_OK))
		return !access(buf, F_OK);
	snprintf(buf, sizeof(buf), "/sys/kernel/debug/tracing/events/pktlife/%s", name);
	if (!access("/sys/kernel/debug/tracing/events", F_OK))
		return !access(buf, F_OK);
	return true;	/* cannot tell: let the attach say */
}

/*
 * Every hook the BPF object has programs for: X(HOOK, DIRS, LEVEL,
 * INSTEAD, WHAT), with the directions it serves (a program of no wanted
 * direction is not loaded: "-D rx" enters no transmit hook), the first
 * level that hooks it (the level of the stage it ends), the hook it stands
 * in for when the kernel cannot hook that one (NULL: none; loaded only
 * then) and the stages it ends, for "X not measured".
 */
#define RX	(1 << LIFE_RX)
#define TX	(1 << LIFE_TX)
#define LIFE_HOOKS(X)							\
	/* NIC and driver (pktlife.ko) */				\
	X(pl_hw_wire_tx, RX | TX, WAITS, NULL, "rx.wire, tx.nic")	\
	X(pl_hw_rx_write, RX, WAITS, NULL, "rx.wire..rx.drv")		\
	X(pl_hw_irq, RX, WAITS, NULL, "rx.irq")				\
	X(pl_poll_begin, RX, WAITS, NULL, "rx.napi")			\
	X(pl_rx_skb, RX, WAITS, NULL, "rx.wire..rx.drv")		\
	X(pl_rx_gro, RX, WAITS, NULL, "rx.gro")				\
	X(pl_xmit, TX, WAITS, NULL, "tx.nic, tx.compl")			\
	X(pl_tx_posted, TX, WAITS, NULL, "tx.drv")			\
	X(pl_tx_complete, TX, WAITS, NULL, "tx.nic, tx.compl")		\
	/* the core's tracepoints */					\
	X(netif_receive_skb, RX, WAITS, NULL, "rx.backlog")		\
	X(net_dev_queue, TX, WAITS, NULL, "tx.ip")			\
	X(net_dev_start_xmit, TX, WAITS, NULL, "tx.qdisc")		\
	X(net_dev_xmit, TX, WAITS, NULL, "tx.drv")			\
	X(kfree_skb, RX | TX, WAITS, NULL, "drops")			\
	X(consume_skb, RX | TX, WAITS, NULL, "ends")			\
	/* receive */							\
	X(ip_rcv_core, RX, FULL, NULL, "rx.netif")			\
	X(ip6_rcv_core, RX, FULL, NULL, "rx.netif (IPv6)")		\
	X(ip_local_deliver, RX, FULL, NULL, "rx.ip")			\
	X(ip6_input, RX, FULL, NULL, "rx.ip (IPv6)")			\
	X(ip_protocol_deliver_rcu, RX, WAITS, NULL, "rx.local")		\
	X(ip6_protocol_deliver_rcu, RX, WAITS, NULL, "rx.local (IPv6)")	\
	X(tcp_v4_rcv, RX, WAITS, NULL, "rx.local (TCP)")		\
	X(tcp_v6_rcv, RX, WAITS, NULL, "rx.local (TCPv6)")		\
	X(udp_rcv, RX, WAITS, "ip_protocol_deliver_rcu",		\
	  "rx.local (UDP)")						\
	X(udpv6_rcv, RX, WAITS, "ip6_protocol_deliver_rcu",		\
	  "rx.local (UDPv6)")						\
	X(icmp_rcv, RX, WAITS, "ip_protocol_deliver_rcu",		\
	  "rx.local (ICMP)")						\
	X(icmpv6_rcv, RX, WAITS, "ip6_protocol_deliver_rcu",		\
	  "rx.local (ICMPv6)")						\
	X(tcp_queue_rcv, RX, WAITS, NULL, "rx.l4 (TCP)")		\
	X(__udp_enqueue_schedule_skb, RX, WAITS, NULL, "rx.l4 (UDP)")	\
	X(__sock_queue_rcv_skb, RX, WAITS, NULL, "rx.l4 (raw, ping)")	\
	X(skb_copy_datagram_iter, RX, WAITS, NULL, "rx.sockq")		\
	X(skb_copy_and_csum_datagram_msg, RX, WAITS, NULL,		\
	  "rx.sockq (UDP, checksum)")					\
	X(skb_consume_udp, RX, WAITS, NULL, "rx.sockq (UDP)")		\
	X(skb_gro_receive, RX, WAITS, NULL, "GRO attribution")		\
	X(skb_gro_receive_list, RX, WAITS, NULL, "GRO attribution (fraglist)") \
	X(skb_try_coalesce, RX, WAITS, NULL, "TCP coalescing attribution") \
	X(skb_clone, RX, WAITS, NULL, "clones (ping, raw sockets)")	\
	/* transmit */							\
	X(tcp_sendmsg, TX, WAITS, NULL, "tx.sock (TCP)")		\
	X(tcp_sendmsg_locked, TX, WAITS, NULL, "tx.sock (TCP)")		\
	X(tcp_close, TX, WAITS, NULL, "tx.sock (TCP)")			\
	X(__tcp_transmit_skb, TX, WAITS, NULL, "tx.sock (TCP)")		\
	X(__ip_queue_xmit, TX, WAITS, NULL, "tx.sock (TCP)")		\
	X(inet6_csk_xmit, TX, WAITS, NULL, "tx.sock (TCPv6)")		\
	X(udp_sendmsg, TX, WAITS, NULL, "tx.sock (UDP)")		\
	X(udpv6_sendmsg, TX, WAITS, NULL, "tx.sock (UDPv6)")		\
	X(raw_sendmsg, TX, WAITS, NULL, "tx.sock (raw)")		\
	X(rawv6_sendmsg, TX, WAITS, NULL, "tx.sock (raw IPv6)")		\
	X(ping_v4_sendmsg, TX, WAITS, NULL, "tx.sock (ping)")		\
	X(ping_v6_sendmsg, TX, WAITS, NULL, "tx.sock (ping IPv6)")	\
	X(udp_send_skb, TX, WAITS, NULL, "tx.sock (UDP)")		\
	X(udp_v6_send_skb, TX, WAITS, NULL, "tx.sock (UDPv6)")		\
	X(ip_output, TX, WAITS, NULL, "tx.l4")				\
	X(ip6_output, TX, WAITS, NULL, "tx.l4 (IPv6)")

static const struct {
	const char *hook;
	unsigned int dirs;
	enum life_level level;
	const char *instead;
	const char *stages;
} hooks[] = {
#define HOOK_ROW(hook, dirs, level, instead, what)			\
	{ #hook, dirs, LL_##level, instead, what },
	LIFE_HOOKS(HOOK_ROW)
#undef HOOK_ROW
};

#undef RX
#undef TX

static int hook_find(const char *hook)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hooks); i++)
		if (!strcmp(hook, hooks[i].hook))
			return i;
	return -1;
}

static const char *hook_what(const char *hook)
{
	int i = hook_find(hook);

	return i < 0 ? "a stage" : hooks[i].stages;
}

/* Does hook I serve a direction the tool follows, at its level? */
static bool hook_wanted(int i)
{
	if (hooks[i].level > env.level)
		return false;
	return env.dir < 0 || (hooks[i].dirs & (1U << env.dir));
}

#define MAX_MISSING	64
static const char *missing[MAX_MISSING];
static int nmissing;
static const char *attach_tp = "tp_btf", *attach_fn = "fentry";

static void note_missing(const char *hook)
{
	int i;

	for (i = 0; i < nmissing; i++)
		if (!strcmp(missing[i], hook))
			return;
	if (nmissing < MAX_MISSING)
		missing[nmissing++] = hook;
}

/* can function FUNC be hooked, by fentry or (FORCE: only) by kprobe? */
static bool fn_hookable(const char *func, bool force)
{
	return (!force && in_vmlinux_btf(func)) || kprobe_ok(func);
}

/*
 * Each hook has two programs: tb_X/rt_X (tp_btf/raw_tp of tracepoint X),
 * fe_X,fx_X/kp_X,kr_X (fentry, fexit/kprobe, kretprobe of function X).
 * Load the better one the kernel can take; none if X does not exist, or
 * serves no direction the tool follows (LIFE_HOOKS).
 */
static int pick_programs(struct life_bpf *obj, bool *have_module)
{
	bool force = force_raw_tp(), mod = module_loaded();
	bool mod_btf = mod && module_has_btf();
	struct bpf_program *prog;

	*have_module = mod;
	if (force) {
		attach_tp = "raw_tp";
		attach_fn = "kprobe";
	}
	bpf_object__for_each_program(prog, obj->obj) {
		const char *name = bpf_program__name(prog);
		const char *sec = bpf_program__section_name(prog);
		const char *target = strchr(sec, '/') + 1;
		bool is_mod = !strncmp(target, "pl_", 3);
		bool btf_side, load;

		int hook = hook_find(target);

		if (hook < 0) {
			/* a program added without its row in LIFE_HOOKS */
			fprintf(stderr, "pktlife: BUG: %s has no row in LIFE_HOOKS\n",
				target);
			return -EINVAL;
		}
		if (!hook_wanted(hook) ||
		    (hooks[hook].instead && fn_hookable(hooks[hook].instead, force))) {
			bpf_program__set_autoload(prog, false);
			continue;
		}

		if (!strncmp(name, "tb_", 3) || !strncmp(name, "rt_", 3)) {
			bool use_btf;

			btf_side = name[0] == 't';
			/* module tracepoints: typed only with module BTF */
			if (is_mod)
				use_btf = mod_btf && !force;
			else
				use_btf = !force && probe_tp_btf(target);
			load = (!is_mod || mod) && btf_side == use_btf;
			if (is_mod && mod && !module_has_tp(target)) {
				load = false;
				note_missing(target);
			}
			if (!is_mod && !use_btf && !force)
				attach_tp = "tp_btf+raw_tp";
		} else {
			bool fentry = !force && in_vmlinux_btf(target);

			btf_side = name[0] == 'f';
			if (btf_side)
				load = fentry;
			else
				load = !fentry && kprobe_ok(target);
			if (!fentry && !kprobe_ok(target))
				note_missing(target);
			if (!btf_side && load)
				attach_fn = "kprobe";
		}
		bpf_program__set_autoload(prog, load);
	}
	if (mod && !mod_btf)
		attach_tp = "raw_tp (pktlife: no module BTF)";
	return 0;
}

static int life_open(struct life_bpf **objp, bool trace)
{
	struct life_bpf *obj;
	bool have_module;
	__u32 netns = 0;
	int err, i;

	err = tool_prepare(&netns);
	if (err)
		return err;
	vmlinux_btf = btf__load_vmlinux_btf();
	if (!vmlinux_btf && !force_raw_tp()) {
		fprintf(stderr, "pktlife: the kernel has no BTF (/sys/kernel/btf/vmlinux): CO-RE cannot work\n");
		return -ENOENT;
	}

	obj = life_bpf__open();
	if (!obj) {
		err = errno ? -errno : -EINVAL;
		fprintf(stderr, "pktlife: cannot open the BPF object: %s\n",
			strerror(-err));
		return err;
	}
	obj->rodata->targ_ifindex = env.ifindex;
	/* 0: no netns filter */
	obj->rodata->targ_netns = env.all_netns ? 0 : netns;
	obj->rodata->targ_dir = env.dir < 0 ? 0 : env.dir + 1;
	obj->rodata->targ_proto = env.proto;
	obj->rodata->targ_family = env.family;
	obj->rodata->targ_has_saddr = env.has_saddr;
	obj->rodata->targ_has_daddr = env.has_daddr;
	obj->rodata->targ_has_host = env.has_host;
	for (i = 0; i < 4; i++) {
		obj->rodata->targ_saddr[i] = env.saddr[i];
		obj->rodata->targ_daddr[i] = env.daddr[i];
		obj->rodata->targ_host[i] = env.host[i];
	}
	obj->rodata->targ_sport = env.sport;
	obj->rodata->targ_dport = env.dport;
	obj->rodata->targ_port = env.port;
	obj->rodata->trace_sample = trace ? env.sample : 0;
	obj->rodata->bench_empty = bench_empty();
	if (bench_empty())
		fprintf(stderr, "pktlife: PKTLIFE_BENCH_EMPTY: every program returns at once, nothing is measured\n");

	err = pick_programs(obj, &have_module);
	if (err)
		goto err_destroy;
	if (!have_module)
		fprintf(stderr, "pktlife: pktlife.ko is not loaded: the driver and NIC stages are omitted\n");
	for (i = 0; i < nmissing; i++)
		fprintf(stderr, "pktlife: %s %s: %s not measured\n",
			strncmp(missing[i], "pl_", 3) ?
			"the kernel has no" : "pktlife.ko (an older build?) has no tracepoint",
			missing[i], hook_what(missing[i]));

	err = life_bpf__load(obj);
	if (err) {
		fprintf(stderr, "pktlife: cannot load the BPF programs: %s%s\n",
			strerror(-err), verbose ? "" : " (-v tells more)");
		goto err_destroy;
	}
	err = life_bpf__attach(obj);
	if (err) {
		fprintf(stderr, "pktlife: cannot attach the BPF programs: %s%s\n",
			strerror(-err), verbose ? "" : " (-v tells more)");
		goto err_destroy;
	}
	if (verbose)
		fprintf(stderr, "pktlife: attached via %s and %s, netns %u%s, ifindex %u, level %s\n",
			attach_tp, attach_fn, netns,
			env.all_netns ? " (and every other)" : "", env.ifindex,
			level_name[env.level]);
	*objp = obj;
	return 0;

err_destroy:
	life_bpf__destroy(obj);
	return err;
}

/* --- reading the kernel's numbers ---------------------------------------------- */

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static struct life_hist hist[LIFE_HIST_MAX];
static __u64 acct_v[LIFE_DIR_MAX][LA_MAX];
/* what user space itself found: expired and in-flight journeys */
static __u64 user_acct[LIFE_DIR_MAX][LA_MAX];
static __u64 in_flight[LIFE_DIR_MAX];
/* frames on the RX ring not built into skbs yet: started, in flight */
static __u64 pending_frames;
/* per stage, frames of journeys the sweep expired after it */
static __u64 user_cut[LS_MAX];

static int read_hists(struct life_bpf *obj)
{
	int ncpus = libbpf_num_possible_cpus(), cpu, err = 0;
	struct life_hist *percpu;
	__u32 k, s;

	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	for (k = 0; k < LIFE_HIST_MAX; k++) {
		struct life_hist *h = &hist[k];

		err = bpf_map__lookup_elem(obj->maps.hists, &k, sizeof(k), percpu,
					   ncpus * sizeof(*percpu), 0);
		if (err)
			break;
		memset(h, 0, sizeof(*h));
		/* journeys the sweep found lost, after their last stage */
		h->cut = k < LS_MAX ? user_cut[k] : 0;
		for (cpu = 0; cpu < ncpus; cpu++) {
			h->count += percpu[cpu].count;
			h->sum += percpu[cpu].sum;
			h->clamped += percpu[cpu].clamped;
			h->cut += percpu[cpu].cut;
			if (percpu[cpu].max > h->max)
				h->max = percpu[cpu].max;
			for (s = 0; s < LIFE_HIST_SLOTS; s++)
				h->slots[s] += percpu[cpu].slots[s];
		}
	}
	free(percpu);
	return err;
}

static int read_acct(struct life_bpf *obj)
{
	int ncpus = libbpf_num_possible_cpus(), cpu, err = 0;
	__u64 *percpu;
	__u32 k;

	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	for (k = 0; k < LIFE_ACCT_MAX; k++) {
		__u64 sum = 0;

		err = bpf_map__lookup_elem(obj->maps.acct, &k, sizeof(k), percpu,
					   ncpus * sizeof(*percpu), 0);
		if (err)
			break;
		for (cpu = 0; cpu < ncpus; cpu++)
			sum += percpu[cpu];
		acct_v[k / LA_MAX][k % LA_MAX] = sum + user_acct[k / LA_MAX][k % LA_MAX];
	}
	acct_v[LIFE_RX][LA_STARTED] += pending_frames;
	free(percpu);
	return err;
}

/*
 * The frames on an RX ring whose skb is not built yet: an array, read in
 * one call. A slot is free when its tag is 0.
 */
static int sweep_frames(struct life_bpf *obj, bool final, __u64 now,
			__u64 limit)
{
	static struct life_frame frames[LIFE_MAX_FRAMES];
	static __u32 keys[LIFE_MAX_FRAMES];
	struct life_frame empty = {};
	__u32 i, n = LIFE_MAX_FRAMES, out;
	int fd, err;

	fd = bpf_map__fd(obj->maps.frames);
	err = bpf_map_lookup_batch(fd, NULL, &out, keys, frames, &n, NULL);
	if (err && errno != ENOENT)
		return -errno;
	for (i = 0; i < n; i++) {
		if (!frames[i].tag)
			continue;
		if (!final && now > frames[i].t_write &&
		    now - frames[i].t_write > limit) {
			/*
			 * Its skb was never built. Should the NIC write the
			 * slot again at this very moment, this loses that
			 * frame: a slot is reused 16384 frames later, and
			 * this one waited --expire seconds.
			 */
			bpf_map_update_elem(fd, &keys[i], &empty, BPF_EXIST);
			user_acct[LIFE_RX][LA_STARTED]++;
			user_acct[LIFE_RX][LA_LOST_EXPIRED]++;
			continue;
		}
		/* the kernel counts a frame as started when its skb is built */
		pending_frames++;
		in_flight[LIFE_RX]++;
	}
	return 0;
}

/* delete an item, and its groups beyond the first (merged skbs) */
static void item_forget(struct life_bpf *obj, int fd, const struct life_key *key,
			const struct life_item *item)
{
	bpf_map_delete_elem(fd, key);
	if (item->ngroups > 1)
		bpf_map_delete_elem(bpf_map__fd(obj->maps.groups), key);
}

/*
 * Walk the journeys still open: those without news for --expire seconds
 * are lost (their skb was freed where no hook saw it); the others are in
 * flight. With FINAL (the programs are detached), all are in flight.
 */
static int sweep(struct life_bpf *obj, bool final)
{
	__u64 now = now_ns(), limit = env.expire * 1000000000ULL;
	struct life_key key, next, *prev = NULL;
	struct life_item item;
	int fd;

	in_flight[LIFE_RX] = in_flight[LIFE_TX] = 0;
	pending_frames = 0;
	fd = bpf_map__fd(obj->maps.items);
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &item))
			continue;
		if (item.dir >= LIFE_DIR_MAX)
			continue;
		if ((item.dir == LIFE_TX && !(item.flags & LIF_DEV_OK)) ||
		    (item.flags & LIF_BRANCH)) {
			/* not in the accounting: only cleaned up */
			if (!final && now > item.t_last && now - item.t_last > limit)
				item_forget(obj, fd, &key, &item);
			continue;
		}
		if (!final && now > item.t_last && now - item.t_last > limit) {
			item_forget(obj, fd, &key, &item);
			user_acct[item.dir][LA_LOST_EXPIRED] += item.frames;
			if (item.last < LS_MAX)
				user_cut[item.last] += item.frames;
			continue;
		}
		in_flight[item.dir] += item.frames;
	}
	return sweep_frames(obj, final, now, limit);
}

/* --- drop reasons, named from the kernel's own enum ------------------------------ */

static const char *drop_reason_name(__u32 code, char *buf, size_t len)
{
	const struct btf_type *t;
	const struct btf_enum *e;
	int id, i;

	if (vmlinux_btf) {
		id = btf__find_by_name_kind(vmlinux_btf, "skb_drop_reason",
					    BTF_KIND_ENUM);
		if (id > 0) {
			t = btf__type_by_id(vmlinux_btf, id);
			e = btf_enum(t);
			for (i = 0; i < btf_vlen(t); i++, e++) {
				const char *n = btf__name_by_offset(vmlinux_btf, e->name_off);

				if ((__u32)e->val != code)
					continue;
				if (!strncmp(n, "SKB_DROP_REASON_", 16))
					n += 16;
				snprintf(buf, len, "%s", n);
				return buf;
			}
		}
	}
	snprintf(buf, len, "%u", code);
	return buf;
}

struct drop_row {
	__u32 dir, reason;
	__u64 frames;
};

static int read_drops(struct life_bpf *obj, struct drop_row *rows, int max)
{
	int ncpus = libbpf_num_possible_cpus(), fd, cpu, n = 0;
	__u32 keys[256], *prev = NULL;
	__u64 *percpu;

	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu)
		return 0;
	fd = bpf_map__fd(obj->maps.drops);
	while (n < max && n < (int)ARRAY_SIZE(keys) &&
	       !bpf_map_get_next_key(fd, prev, &keys[n])) {
		prev = &keys[n];
		rows[n].dir = keys[n] >> 31;
		rows[n].reason = keys[n] & 0x7fffffff;
		rows[n].frames = 0;
		if (!bpf_map_lookup_elem(fd, &keys[n], percpu))
			for (cpu = 0; cpu < ncpus; cpu++)
				rows[n].frames += percpu[cpu];
		n++;
	}
	free(percpu);
	return n;
}

/* --- printing ------------------------------------------------------------------ */

/* the middle of slot S, in ns */
static double slot_mid(__u32 s, double *lo, double *hi)
{
	double l, w;
	__u32 e;

	if (s < LIFE_HIST_SUB) {
		l = s;
		w = 1;
	} else {
		e = s / LIFE_HIST_SUB + LIFE_HIST_SUB_BITS - 1;
		w = (double)(1ULL << (e - LIFE_HIST_SUB_BITS));
		l = (double)(1ULL << e) + (s % LIFE_HIST_SUB) * w;
	}
	if (lo)
		*lo = l;
	if (hi)
		*hi = l + w;
	return s < LIFE_HIST_SUB ? l : l + w / 2;
}

static double percentile(const struct life_hist *h, double p)
{
	__u64 want, seen = 0;
	__u32 s;

	if (!h->count)
		return 0;
	want = (__u64)(p * h->count + 0.5);
	if (want < 1)
		want = 1;
	for (s = 0; s < LIFE_HIST_SLOTS; s++) {
		seen += h->slots[s];
		if (seen >= want) {
			double v = slot_mid(s, NULL, NULL);

			return v > h->max ? h->max : v;
		}
	}
	return h->max;
}

static __u64 dir_sum(int dir)
{
	int s, first = dir == LIFE_RX ? LS_RX_FIRST : LS_TX_FIRST;
	int last = dir == LIFE_RX ? LS_RX_LAST : LS_TX_LAST;
	__u64 sum = 0;

	for (s = first; s <= last; s++)
		sum += hist[s].sum;
	return sum;
}

/*
 * Runs of our programs the kernel skipped: a hook reached on a CPU where
 * the same program is already running (an interrupt or softirq taken
 * under it) does not run it again, and counts it in the program's
 * recursion_misses (fentry, fexit, tp_btf, raw_tp).  The point is not
 * taken: its stage falls into the next, or the journey never starts or
 * ends.  Summed over every program loaded.
 */
static __u64 prog_misses;

static void read_misses(struct life_bpf *obj)
{
	struct bpf_program *prog;
	__u64 sum = 0;

	bpf_object__for_each_program(prog, obj->obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
			continue;
		sum += info.recursion_misses;
	}
	prog_misses = sum;
}

static __u64 lost(int dir)
{
	return acct_v[dir][LA_LOST_RING] + acct_v[dir][LA_LOST_MAP] +
	       acct_v[dir][LA_LOST_REUSED] + acct_v[dir][LA_LOST_EXPIRED];
}

/* -v: every counter of the accounting, one line per direction */
static void print_acct(FILE *f)
{
	int dir, a;

	for (dir = 0; dir < LIFE_DIR_MAX; dir++) {
		fprintf(f, "pktlife: %s", dir_name[dir]);
		for (a = 0; a < LA_MAX; a++)
			fprintf(f, " %s %llu", acct_name[a],
				(unsigned long long)acct_v[dir][a]);
		fprintf(f, "\n");
	}
}

/*
 * The coverage of DIR's stages, when any is short of whole: "  WHAT: STAGE
 * N, ..." for the frames clamped (CUT false) or cut after each stage.
 */
static void print_coverage(int dir, bool cut, const char *what)
{
	int first = dir == LIFE_RX ? LS_RX_FIRST : LS_TX_FIRST;
	int last = dir == LIFE_RX ? LS_RX_LAST : LS_TX_LAST;
	int s, n = 0;

	for (s = first; s <= last + 1; s++) {
		int k = s <= last ? s : LIFE_HIST_TOTAL(dir);
		__u64 v = cut ? hist[k].cut : hist[k].clamped;

		if (!v || !stage_label(k))
			continue;
		printf("%s %s %llu", n++ ? "," : what, stage_label(k),
		       (unsigned long long)v);
	}
	if (n)
		printf("\n");
}

static void print_table(double elapsed, struct drop_row *drops, int ndrops)
{
	char b[5][24];
	int dir, s, i;

	printf("%.1fs", elapsed);
	for (i = 0; i < nmissing; i++)
		printf("%s%s", i ? ", " : "  (not measured: ", hook_what(missing[i]));
	printf("%s\n", nmissing ? ")" : "");
	for (dir = 0; dir < LIFE_DIR_MAX; dir++) {
		int first = dir == LIFE_RX ? LS_RX_FIRST : LS_TX_FIRST;
		int last = dir == LIFE_RX ? LS_RX_LAST : LS_TX_LAST;
		__u64 total = dir_sum(dir);

		if (env.dir >= 0 && env.dir != dir)
			continue;
		printf("%s  started %llu  completed %llu  ended %llu  dropped %llu  lost %llu  in flight %llu\n",
		       dir == LIFE_RX ? "RX" : "TX",
		       (unsigned long long)acct_v[dir][LA_STARTED],
		       (unsigned long long)acct_v[dir][LA_COMPLETED],
		       (unsigned long long)acct_v[dir][LA_ENDED],
		       (unsigned long long)acct_v[dir][LA_DROPPED],
		       (unsigned long long)lost(dir),
		       (unsigned long long)in_flight[dir]);
		printf("  %-8s %10s %9s %9s %9s %9s %6s\n", "STAGE", "FRAMES",
		       "P50", "P90", "P99", "MAX", "SHARE");
		for (s = first; s <= last + 1; s++) {
			int k = s <= last ? s : LIFE_HIST_TOTAL(dir);
			const struct life_hist *h = &hist[k];

			if (!h->count && k != LIFE_HIST_TOTAL(dir))
				continue;
			printf("  %-8s %10llu %9s %9s %9s %9s", stage_label(k),
			       (unsigned long long)h->count,
			       fmt_ns(percentile(h, 0.5), b[0], sizeof(b[0])),
			       fmt_ns(percentile(h, 0.9), b[1], sizeof(b[1])),
			       fmt_ns(percentile(h, 0.99), b[2], sizeof(b[2])),
			       fmt_ns(h->max, b[3], sizeof(b[3])));
			if (s <= last)
				printf(" %5.1f%%", total ? 100.0 * h->sum / total : 0);
			printf("\n");
		}
		print_coverage(dir, false, "  clamped (stamps out of order, counted 0 ns):");
		print_coverage(dir, true, "  cut after (ended, dropped or lost there):");
		for (i = 0; i < ndrops; i++)
			if (drops[i].dir == (__u32)dir)
				printf("  dropped %llu: %s\n",
				       (unsigned long long)drops[i].frames,
				       drop_reason_name(drops[i].reason, b[4], sizeof(b[4])));
		if (lost(dir) || acct_v[dir][LA_TRACE_LOST] || acct_v[dir][LA_FOLDED])
			printf("  lost: ring %llu, map full %llu, skb reused %llu, expired %llu; folded %llu; trace lost %llu\n",
			       (unsigned long long)acct_v[dir][LA_LOST_RING],
			       (unsigned long long)acct_v[dir][LA_LOST_MAP],
			       (unsigned long long)acct_v[dir][LA_LOST_REUSED],
			       (unsigned long long)acct_v[dir][LA_LOST_EXPIRED],
			       (unsigned long long)acct_v[dir][LA_FOLDED],
			       (unsigned long long)acct_v[dir][LA_TRACE_LOST]);
	}
	if (prog_misses)
		printf("missed: %llu runs of pktlife's programs skipped by the kernel (a hook reached again while its program ran)\n",
		       (unsigned long long)prog_misses);
	printf("\n");
}

static void json_hist(const struct life_hist *h)
{
	printf("\"count\":%llu,\"sum_ns\":%llu,\"p50_ns\":%.0f,\"p90_ns\":%.0f,\"p99_ns\":%.0f,\"max_ns\":%llu,\"clamped\":%llu,\"cut\":%llu",
	       (unsigned long long)h->count, (unsigned long long)h->sum,
	       percentile(h, 0.5), percentile(h, 0.9), percentile(h, 0.99),
	       (unsigned long long)h->max, (unsigned long long)h->clamped,
	       (unsigned long long)h->cut);
}


static void json_common(double elapsed)
{
	int i;

	printf("\"elapsed_s\":%.3f,\"level\":\"%s\",\"attach\":{\"tp\":\"%s\",\"fn\":\"%s\"},\"prog_misses\":%llu,\"missing\":[",
	       elapsed, level_name[env.level], attach_tp, attach_fn,
	       (unsigned long long)prog_misses);
	for (i = 0; i < nmissing; i++) {
		printf("%s", i ? "," : "");
		json_str(stdout, missing[i]);
	}
	printf("]");
}

static void json_acct(int dir, struct drop_row *drops, int ndrops)
{
	char b[64];
	int a, i, n = 0;

	printf("\"acct\":{");
	for (a = 0; a < LA_MAX; a++)
		printf("\"%s\":%llu,", acct_name[a],
		       (unsigned long long)acct_v[dir][a]);
	printf("\"lost\":%llu,\"in_flight\":%llu},\"drops\":[",
	       (unsigned long long)lost(dir),
	       (unsigned long long)in_flight[dir]);
	for (i = 0; i < ndrops; i++) {
		if (drops[i].dir != (__u32)dir)
			continue;
		printf("%s{\"reason\":", n++ ? "," : "");
		json_str(stdout, drop_reason_name(drops[i].reason, b, sizeof(b)));
		printf(",\"code\":%u,\"frames\":%llu}", drops[i].reason,
		       (unsigned long long)drops[i].frames);
	}
	printf("]");
}

static void print_json(double elapsed, bool final, struct drop_row *drops,
		       int ndrops)
{
	int dir, s, n;

	printf("{\"mode\":\"stat\",\"final\":%s,", final ? "true" : "false");
	json_common(elapsed);
	for (dir = 0; dir < LIFE_DIR_MAX; dir++) {
		int first = dir == LIFE_RX ? LS_RX_FIRST : LS_TX_FIRST;
		int last = dir == LIFE_RX ? LS_RX_LAST : LS_TX_LAST;
		__u64 total = dir_sum(dir);

		printf(",\"%s\":{\"stages\":[", dir_name[dir]);
		for (s = first, n = 0; s <= last; s++) {
			if (!stage_measured(s))
				continue;
			printf("%s{\"stage\":\"%s\",", n++ ? "," : "", stage_label(s));
			json_hist(&hist[s]);
			printf(",\"share\":%.4f}",
			       total ? (double)hist[s].sum / total : 0.0);
		}
		printf("],\"total\":{");
		json_hist(&hist[LIFE_HIST_TOTAL(dir)]);
		printf("},");
		json_acct(dir, drops, ndrops);
		printf("}");
	}
	printf("}\n");
}

static void print_hist(double elapsed)
{
	const struct life_hist *h = &hist[env.hist_stage];
	__u64 top = 0;
	double lo, hi;
	char b[2][24];
	int s, first = -1, last = -1, n = 0, bar;

	for (s = 0; s < LIFE_HIST_SLOTS; s++) {
		if (!h->slots[s])
			continue;
		if (first < 0)
			first = s;
		last = s;
		if (h->slots[s] > top)
			top = h->slots[s];
	}
	if (env.json) {
		printf("{\"mode\":\"hist\",\"stage\":\"%s.%s\",",
		       dir_name[stage_dir(env.hist_stage)], stage_label(env.hist_stage));
		json_common(elapsed);
		printf(",");
		json_hist(h);
		printf(",\"buckets\":[");
		for (s = first; first >= 0 && s <= last; s++) {
			if (!h->slots[s])
				continue;
			slot_mid(s, &lo, &hi);
			printf("%s{\"lo_ns\":%.0f,\"hi_ns\":%.0f,\"count\":%llu}",
			       n++ ? "," : "", lo, hi,
			       (unsigned long long)h->slots[s]);
		}
		printf("]}\n");
		return;
	}
	printf("%s.%s: %llu frames, p50 %s, max %s\n",
	       dir_name[stage_dir(env.hist_stage)], stage_label(env.hist_stage),
	       (unsigned long long)h->count,
	       fmt_ns(percentile(h, 0.5), b[0], sizeof(b[0])),
	       fmt_ns(h->max, b[1], sizeof(b[1])));
	printf("%21s : %-10s |%-40s|\n", "ns", "count", "distribution");
	for (s = first; first >= 0 && s <= last; s++) {
		if (!h->slots[s])
			continue;
		slot_mid(s, &lo, &hi);
		bar = (int)(40 * h->slots[s] / top);
		printf("%10.0f -> %-8.0f : %-10llu |%.*s%*s|\n", lo, hi - 1,
		       (unsigned long long)h->slots[s], bar,
		       "****************************************", 40 - bar, "");
	}
}

/* --- stat and hist ------------------------------------------------------------------ */

static void svg_fill(struct svg_stage *st, const char *name, const struct life_hist *h)
{
	st->name = name;
	st->count = h->count;
	st->p50 = percentile(h, 0.5);
	st->p90 = percentile(h, 0.9);
	st->p99 = percentile(h, 0.99);
	st->max = h->max;
}

/* --svg: the final table as a chart */
static int write_svg(double elapsed)
{
	static char names[LIFE_HIST_MAX][24];
	struct svg_dir dirs[LIFE_DIR_MAX] = {};
	char title[192], sub[256], host[64] = "";
	struct utsname u;
	int dir, s, n = 0, err;

	for (dir = 0; dir < LIFE_DIR_MAX; dir++) {
		int first = dir == LIFE_RX ? LS_RX_FIRST : LS_TX_FIRST;
		int last = dir == LIFE_RX ? LS_RX_LAST : LS_TX_LAST;
		struct svg_dir *d = &dirs[n];

		if (env.dir >= 0 && env.dir != dir)
			continue;
		d->name = dir == LIFE_RX ? "RX" : "TX";
		d->started = acct_v[dir][LA_STARTED];
		d->completed = acct_v[dir][LA_COMPLETED];
		d->ended = acct_v[dir][LA_ENDED];
		d->dropped = acct_v[dir][LA_DROPPED];
		for (s = first; s <= last; s++) {
			if (!hist[s].count || d->nstages == SVG_MAX_STAGES)
				continue;
			snprintf(names[s], sizeof(names[s]), "%s.%s", dir_name[dir],
				 stage_label(s));
			svg_fill(&d->stage[d->nstages++], names[s], &hist[s]);
		}
		s = LIFE_HIST_TOTAL(dir);
		snprintf(names[s], sizeof(names[s]), "%s.total", dir_name[dir]);
		svg_fill(&d->total, names[s], &hist[s]);
		n++;
	}
	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "?");
	gethostname(host, sizeof(host) - 1);
	snprintf(title, sizeof(title), "pktlife stat: %s, Linux %s (%s)",
		 env.ifname ?: env.all_netns ? "every device, every netns" :
		 "every device", u.release, host);
	snprintf(sub, sizeof(sub),
		 "%.1f s. Bars: each stage's median (p50), after the medians of the stages before it; whiskers to p90 (tick) and p99; last row: end to end.",
		 elapsed);
	err = svg_write(env.svg, title, sub, dirs, n);
	if (err)
		fprintf(stderr, "pktlife: cannot write %s: %s\n", env.svg, strerror(-err));
	else
		fprintf(stderr, "pktlife: chart in %s\n", env.svg);
	return err;
}

static int report(struct life_bpf *obj, double elapsed, bool final)
{
	struct drop_row drops[256];
	int err, ndrops;

	err = sweep(obj, final);
	if (!err)
		err = read_hists(obj);
	if (!err)
		err = read_acct(obj);
	read_misses(obj);
	if (err) {
		fprintf(stderr, "pktlife: cannot read the maps: %s\n",
			strerror(-err));
		return err;
	}
	ndrops = read_drops(obj, drops, ARRAY_SIZE(drops));
	if (env.mode == MODE_HIST) {
		if (final)
			print_hist(elapsed);
	} else if (env.json) {
		print_json(elapsed, final, drops, ndrops);
	} else {
		print_table(elapsed, drops, ndrops);
	}
	fflush(stdout);
	if (final && env.svg)
		return write_svg(elapsed);
	return 0;
}

static int resolve_ifname(void)
{
	if (!env.ifname)
		return 0;
	env.ifindex = if_nametoindex(env.ifname);
	if (!env.ifindex) {
		fprintf(stderr, "pktlife: unknown interface '%s'\n", env.ifname);
		return -ENODEV;
	}
	return 0;
}

/* The signals that end a run: Ctrl-C, kill, and the -d alarm. */
static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGALRM);
}

/*
 * What every mode does before it follows packets: find the interface, take
 * the stop signals (blocked, to be waited for; trace mode polls a ring
 * buffer, which must be woken by them, so unblocks them again), load and
 * attach the collector.
 */
static int life_start(struct life_bpf **objp, bool trace)
{
	sigset_t oldmask, stop;
	int err;

	err = resolve_ifname();
	if (err)
		return err;
	err = setup_signals(&oldmask);
	if (err) {
		fprintf(stderr, "pktlife: cannot set up signals: %s\n",
			strerror(-err));
		return err;
	}
	if (trace) {
		stop_signals(&stop);
		sigprocmask(SIG_UNBLOCK, &stop, NULL);
	}
	return life_open(objp, trace);
}

/*
 * --prometheus: the histograms in the text exposition format, cumulative
 * buckets at powers of two from 1 us to 17 s (each bound a boundary of the
 * kernel histogram's slots, so the counts are exact), labelled by
 * direction, stage and interface; the journeys' fates as counters.
 */
#define PROM_LE_MIN_LOG	10
#define PROM_LE_MAX_LOG	34

static struct life_bpf *prom_obj;

/* NAME{direction=..,stage=..,interface=..[,le=LE]} */
static void prom_series(FILE *f, const char *name, int dir, const char *stage,
			const char *le)
{
	fprintf(f, "%s{direction=\"%s\",stage=\"%s\",interface=", name,
		dir_name[dir], stage);
	json_str(f, env.ifname ?: "");
	if (le)
		fprintf(f, ",le=\"%s\"", le);
	fprintf(f, "}");
}

static void prom_metrics(FILE *f)
{
	int dir, s, a, k;
	char le[24];

	if (read_hists(prom_obj) || read_acct(prom_obj))
		return;
	read_misses(prom_obj);
	fprintf(f, "# HELP pktlife_stage_seconds Time a wire frame spent in a stage, from the point before it to the point that ends it.\n"
		"# TYPE pktlife_stage_seconds histogram\n");
	for (dir = 0; dir < LIFE_DIR_MAX; dir++) {
		int first = dir == LIFE_RX ? LS_RX_FIRST : LS_TX_FIRST;
		int last = dir == LIFE_RX ? LS_RX_LAST : LS_TX_LAST;

		for (s = first; s <= last + 1; s++) {
			int h = s <= last ? s : LIFE_HIST_TOTAL(dir);
			const struct life_hist *hi = &hist[h];
			const char *name = stage_label(h);
			__u64 cum = 0;
			__u32 slot = 0;

			if (!name)
				continue;

			for (k = PROM_LE_MIN_LOG; k <= PROM_LE_MAX_LOG; k++) {
				double bound = (double)(1ULL << k);
				double lo, hi_edge;

				for (; slot < LIFE_HIST_SLOTS; slot++) {
					slot_mid(slot, &lo, &hi_edge);
					if (hi_edge > bound)
						break;
					cum += hi->slots[slot];
				}
				snprintf(le, sizeof(le), "%.9g", bound / 1e9);
				prom_series(f, "pktlife_stage_seconds_bucket", dir,
					    name, le);
				fprintf(f, " %llu\n", (unsigned long long)cum);
			}
			prom_series(f, "pktlife_stage_seconds_bucket", dir, name, "+Inf");
			fprintf(f, " %llu\n", (unsigned long long)hi->count);
			prom_series(f, "pktlife_stage_seconds_sum", dir, name, NULL);
			fprintf(f, " %.9f\n", hi->sum / 1e9);
			prom_series(f, "pktlife_stage_seconds_count", dir, name, NULL);
			fprintf(f, " %llu\n", (unsigned long long)hi->count);
		}
	}
	for (a = 0; a < 2; a++) {
		fprintf(f, a ? "# HELP pktlife_stage_cut_frames_total Frames whose journey stopped after this stage: ended, dropped or lost there.\n"
			"# TYPE pktlife_stage_cut_frames_total counter\n" :
			"# HELP pktlife_stage_clamped_frames_total Frames whose stage ended before it began (stamps out of order), counted as 0 s.\n"
			"# TYPE pktlife_stage_clamped_frames_total counter\n");
		for (dir = 0; dir < LIFE_DIR_MAX; dir++) {
			int first = dir == LIFE_RX ? LS_RX_FIRST : LS_TX_FIRST;
			int last = dir == LIFE_RX ? LS_RX_LAST : LS_TX_LAST;

			for (s = first; s <= last + 1; s++) {
				int h = s <= last ? s : LIFE_HIST_TOTAL(dir);

				if (!stage_label(h))
					continue;
				prom_series(f, a ? "pktlife_stage_cut_frames_total" :
					    "pktlife_stage_clamped_frames_total",
					    dir, stage_label(h), NULL);
				fprintf(f, " %llu\n", (unsigned long long)
					(a ? hist[h].cut : hist[h].clamped));
			}
		}
	}
	fprintf(f, "# HELP pktlife_frames_total Wire frames by what happened to their journey (see pktlife stat --help).\n"
		"# TYPE pktlife_frames_total counter\n");
	for (dir = 0; dir < LIFE_DIR_MAX; dir++)
		for (a = 0; a < LA_MAX; a++) {
			fprintf(f, "pktlife_frames_total{direction=\"%s\",fate=\"%s\",interface=",
				dir_name[dir], acct_name[a]);
			json_str(f, env.ifname ?: "");
			fprintf(f, "} %llu\n", (unsigned long long)acct_v[dir][a]);
		}
	fprintf(f, "# HELP pktlife_bpf_missed_total Runs of pktlife's programs the kernel skipped: a hook reached again while its program ran on that CPU.\n"
		"# TYPE pktlife_bpf_missed_total counter\n"
		"pktlife_bpf_missed_total{interface=");
	json_str(f, env.ifname ?: "");
	fprintf(f, "} %llu\n", (unsigned long long)prog_misses);
}

/* Until the next table: serve scrapes, or wait for a stop signal. */
static bool stat_wait(int prom_fd, const sigset_t *wait, __u64 until)
{
	sigset_t open;

	if (prom_fd < 0) {
		__u64 now = now_ns();
		struct timespec ts = {};

		if (until > now) {
			ts.tv_sec = (until - now) / 1000000000ULL;
			ts.tv_nsec = (until - now) % 1000000000ULL;
		}
		/* the signals are blocked: take one here, or time out */
		return sigtimedwait(wait, NULL, &ts) > 0;
	}
	/* ppoll() lets the stop signals in: their handler sets exiting */
	sigprocmask(SIG_BLOCK, NULL, &open);
	sigdelset(&open, SIGINT);
	sigdelset(&open, SIGTERM);
	sigdelset(&open, SIGALRM);
	while (!exiting) {
		struct pollfd p = { .fd = prom_fd, .events = POLLIN };
		__u64 now = now_ns();
		struct timespec ts;

		if (now >= until)
			return false;
		ts.tv_sec = (until - now) / 1000000000ULL;
		ts.tv_nsec = (until - now) % 1000000000ULL;
		if (ppoll(&p, 1, &ts, &open) > 0)
			prom_serve(prom_fd, prom_metrics);
	}
	return true;
}

static int run_stat(void)
{
	struct life_bpf *obj = NULL;
	int err, prom_fd = -1;
	__u64 start, next;
	long tables = 0;
	sigset_t wait;

	err = life_start(&obj, false);
	if (err)
		return err;

	if (env.prometheus) {
		char where[96];

		prom_fd = prom_listen(env.prometheus, where, sizeof(where));
		if (prom_fd < 0) {
			err = prom_fd;
			fprintf(stderr, "pktlife: cannot serve metrics on '%s': %s\n",
				env.prometheus, err == -EINVAL ?
				"not [ADDR:]PORT" : strerror(-err));
			goto cleanup;
		}
		prom_obj = obj;
		fprintf(stderr, "pktlife: serving metrics on %s\n", where);
	}
	start = now_ns();
	next = start;
	if (env.duration)
		alarm(env.duration);
	fprintf(stderr, "pktlife: following packets, Ctrl-C to stop\n");
	stop_signals(&wait);
	while (!exiting) {
		next += env.interval * 1000000000ULL;
		if (stat_wait(prom_fd, &wait, next))
			break;
		if (env.mode == MODE_STAT) {
			/* with -c N, the last of the N tables is the final one */
			if (env.count && ++tables >= env.count)
				break;
			err = report(obj, (now_ns() - start) / 1e9, false);
			if (err)
				goto cleanup;
		} else {
			sweep(obj, false);	/* expire old journeys */
		}
	}
	/* one consistent final picture: nothing moves once detached */
	life_bpf__detach(obj);
	err = report(obj, (now_ns() - start) / 1e9, true);
cleanup:
	if (prom_fd >= 0)
		close(prom_fd);
	life_bpf__destroy(obj);
	btf__free(vmlinux_btf);
	return err;
}

/* Parse the options of MODE (its DOC, ARGS_DOC for its arguments), run it. */
static int life_main(enum life_mode mode, const char *doc, const char *args_doc,
		     int (*run)(void), int argc, char **argv)
{
	const struct argp argp = {
		.options = life_opts,
		.parser = life_parse,
		.args_doc = args_doc,
		.doc = doc,
		.help_filter = help_filter,
	};
	int err;

	env.mode = mode;
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	err = run();
	return err < 0 ? -err : err;
}

int cmd_stat(int argc, char **argv)
{
	return life_main(MODE_STAT, stat_doc, NULL, run_stat, argc, argv);
}

int cmd_hist(int argc, char **argv)
{
	return life_main(MODE_HIST, hist_doc, "STAGE", run_stat, argc, argv);
}

/* --- trace ----------------------------------------------------------------------------- */

static long journeys;

static void flow_str(const struct life_flow *f, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	const char *proto;

	if (!f->family) {
		snprintf(buf, len, "ethertype 0x%04x", f->ethertype);
		return;
	}
	inet_ntop(f->family, f->saddr, s, sizeof(s));
	inet_ntop(f->family, f->daddr, d, sizeof(d));
	switch (f->proto) {
	case IPPROTO_TCP: proto = "TCP"; break;
	case IPPROTO_UDP: proto = "UDP"; break;
	case IPPROTO_ICMP: proto = "ICMP"; break;
	case IPPROTO_ICMPV6: proto = "ICMPv6"; break;
	default: proto = NULL;
	}
	if (f->proto == IPPROTO_TCP || f->proto == IPPROTO_UDP)
		snprintf(buf, len, f->family == AF_INET6 ? "%s [%s]:%u -> [%s]:%u" :
			 "%s %s:%u -> %s:%u", proto, s, f->sport, d, f->dport);
	else if (proto)
		snprintf(buf, len, "%s %s -> %s", proto, s, d);
	else
		snprintf(buf, len, "proto %u %s -> %s", f->proto, s, d);
}

static int on_event(void *ctx, void *data, size_t size)
{
	const struct life_event *e = data;
	int first = e->dir == LIFE_RX ? LS_RX_FIRST : LS_TX_FIRST;
	int last = e->dir == LIFE_RX ? LS_RX_LAST : LS_TX_LAST;
	char ifname[IF_NAMESIZE], fl[128], b[3][24], rb[64];
	__u64 prev = e->t0, end = e->t0;
	int s, n = 0;

	(void)ctx;
	if (size < sizeof(*e) || e->dir >= LIFE_DIR_MAX)
		return 0;
	if (env.count && journeys >= env.count)
		return 0;	/* -c: enough shown, the rest is not wanted */
	if (!if_indextoname(e->ifindex, ifname))
		snprintf(ifname, sizeof(ifname), "#%u", e->ifindex);
	flow_str(&e->flow, fl, sizeof(fl));
	for (s = first; s <= last; s++)
		if (e->ts[s])
			end = e->ts[s];

	if (env.json) {
		printf("{\"mode\":\"trace\",\"dir\":\"%s\",\"ifindex\":%u,\"ifname\":",
		       dir_name[e->dir], e->ifindex);
		json_str(stdout, ifname);
		printf(",\"flow\":");
		json_str(stdout, fl);
		printf(",\"proto\":%u,\"sport\":%u,\"dport\":%u,\"frame\":%u,\"frames\":%u,\"end\":\"%s\",\"clone\":%s,\"cloned\":%s,\"skb\":\"0x%llx\",",
		       e->flow.proto, e->flow.sport, e->flow.dport, e->frame_id,
		       e->frames, end_name[e->end < 3 ? e->end : 0],
		       e->flags & LIF_BRANCH ? "true" : "false",
		       e->flags & LIF_CLONED ? "true" : "false",
		       (unsigned long long)e->skb);
		if (e->end == LE_DROPPED) {
			printf("\"reason\":");
			json_str(stdout, drop_reason_name(e->reason, rb, sizeof(rb)));
			printf(",");
		}
		printf("\"t0_ns\":%llu,\"stages\":[", (unsigned long long)e->t0);
		for (s = first; s <= last; s++) {
			if (!e->ts[s])
				continue;
			printf("%s{\"stage\":\"%s\",\"t_ns\":%llu,\"delta_ns\":%llu,\"cpu\":%u}",
			       n++ ? "," : "", stage_label(s),
			       (unsigned long long)e->ts[s],
			       (unsigned long long)(e->ts[s] - prev), e->cpu[s]);
			prev = e->ts[s];
		}
		printf("],\"total_ns\":%llu}\n", (unsigned long long)(end - e->t0));
	} else {
		printf("%s %s %s  frame %#x x%u  %s%s%s%s%s\n",
		       e->dir == LIFE_RX ? "RX" : "TX", ifname, fl, e->frame_id,
		       e->frames, end_name[e->end < 3 ? e->end : 0],
		       e->end == LE_DROPPED ? ": " : "",
		       e->end == LE_DROPPED ?
		       drop_reason_name(e->reason, rb, sizeof(rb)) : "",
		       e->flags & LIF_CLONED ? " (a clone went on to a socket)" : "",
		       e->flags & LIF_BRANCH ? " (clone)" : "");
		printf("  %-8s %12s %12s %4s\n", "STAGE", "AT", "DELTA", "CPU");
		for (s = first; s <= last; s++) {
			if (!e->ts[s])
				continue;
			printf("  %-8s %12s %12s %4u\n", stage_label(s),
			       fmt_ns(e->ts[s] - e->t0, b[0], sizeof(b[0])),
			       fmt_ns(e->ts[s] - prev, b[1], sizeof(b[1])),
			       e->cpu[s]);
			prev = e->ts[s];
		}
		printf("  %-8s %12s %12s\n\n", "total", "",
		       fmt_ns(end - e->t0, b[2], sizeof(b[2])));
	}
	fflush(stdout);
	if (env.perfetto) {
		char endb[96];
		struct perfetto_journey j = {
			.e = e, .ifname = ifname, .flow = fl, .end = endb,
		};

		snprintf(endb, sizeof(endb), "%s%s%s%s", end_name[e->end < 3 ? e->end : 0],
			 e->end == LE_DROPPED ? ": " : "",
			 e->end == LE_DROPPED ? drop_reason_name(e->reason, rb, sizeof(rb)) : "",
			 e->flags & LIF_BRANCH ? " (clone)" : "");
		perfetto_journey(&j);
	}
	if (++journeys >= env.count && env.count)
		exiting = 1;
	return 0;
}

static int run_trace(void)
{
	struct ring_buffer *rb = NULL;
	struct life_bpf *obj = NULL;
	__u64 last_sweep = 0;
	int err, s;

	if (env.perfetto) {
		static const char *labels[LIFE_HIST_MAX];

		for (s = 0; s < LIFE_HIST_MAX; s++)
			labels[s] = stage_label(s);
		err = perfetto_open(env.perfetto, labels);
		if (err) {
			fprintf(stderr, "pktlife: cannot create %s: %s\n", env.perfetto,
				strerror(-err));
			return err;
		}
	}
	err = life_start(&obj, true);
	if (err)
		goto cleanup;
	rb = ring_buffer__new(bpf_map__fd(obj->maps.events), on_event, NULL, NULL);
	if (!rb) {
		err = -errno;
		fprintf(stderr, "pktlife: cannot create the ring buffer: %s\n",
			strerror(-err));
		goto cleanup;
	}
	if (env.duration)
		alarm(env.duration);
	fprintf(stderr, "pktlife: tracing, Ctrl-C to stop\n");
	while (!exiting) {
		err = ring_buffer__poll(rb, 200);
		if (err == -EINTR) {
			err = 0;
			continue;
		}
		if (err < 0) {
			fprintf(stderr, "pktlife: ring buffer: %s\n", strerror(-err));
			goto cleanup;
		}
		err = 0;
		if (now_ns() - last_sweep > 1000000000ULL) {
			sweep(obj, false);
			last_sweep = now_ns();
		}
	}
	life_bpf__detach(obj);
	/* what was submitted before the detach */
	ring_buffer__consume(rb);
	/*
	 * The last sweep may be a second old: a frame it found on the ring
	 * has an skb by now. Count what is open once nothing moves.
	 */
	sweep(obj, true);
	read_acct(obj);
	read_misses(obj);
	if (verbose)
		print_acct(stderr);
	if (prog_misses)
		fprintf(stderr, "pktlife: %llu runs of pktlife's programs skipped by the kernel (a hook reached again while its program ran)\n",
			(unsigned long long)prog_misses);
	if (acct_v[LIFE_RX][LA_TRACE_LOST] + acct_v[LIFE_TX][LA_TRACE_LOST])
		fprintf(stderr, "pktlife: %llu journeys not shown (ring buffer full)\n",
			(unsigned long long)(acct_v[LIFE_RX][LA_TRACE_LOST] +
					     acct_v[LIFE_TX][LA_TRACE_LOST]));
cleanup:
	ring_buffer__free(rb);
	life_bpf__destroy(obj);
	btf__free(vmlinux_btf);
	if (env.perfetto) {
		int perr = perfetto_close();

		if (perr) {
			fprintf(stderr, "pktlife: writing %s: %s\n", env.perfetto,
				strerror(-perr));
			err = err ?: perr;
		} else if (!err) {
			fprintf(stderr, "pktlife: %ld journeys in %s (open it in ui.perfetto.dev)\n",
				journeys, env.perfetto);
		}
	}
	return err;
}

int cmd_trace(int argc, char **argv)
{
	return life_main(MODE_TRACE, trace_doc, NULL, run_trace, argc, argv);
}
