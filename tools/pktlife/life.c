// SPDX-License-Identifier: GPL-2.0
/*
 * pktlife stat | hist | trace: the per-layer life of packets, from the
 * programs of bpf/life.bpf.c.
 *
 * stat and hist read the in-kernel histograms and counters; trace reads
 * one event per sampled journey from the ring buffer. All three share the
 * options, the filters and the way the hooks are chosen and attached.
 *
 * This file: the tables of life.h by name, the options, and each mode's
 * loop. The rest: life_hooks.c (which programs, loading), life_maps.c
 * (reading the maps), life_out.c (printing), prom.c (the Prometheus
 * text); life_int.h says what they share.
 */
#define _GNU_SOURCE	/* ppoll() */
#include <argp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "life_int.h"
#include "perfetto.h"
#include "prom.h"
#include "trace_helpers.h"

struct life_env env = {
	.dir = -1,
	.interval = 1,
	.expire = 10,
	.sample = 1,
	.hist_stage = -1,
	.level = LL_WAITS,
};

const char *const stage_name[LIFE_HIST_MAX] = {
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

const char *const level_name[LL_MAX] = {
#define LEVEL_NAME(id, name, help)	[LL_##id] = #name,
	LIFE_LEVELS(LEVEL_NAME)
#undef LEVEL_NAME
};

static const char *const level_help[LL_MAX] = {
#define LEVEL_HELP(id, name, help)	[LL_##id] = help,
	LIFE_LEVELS(LEVEL_HELP)
#undef LEVEL_HELP
};

const char *const dir_name[LIFE_DIR_MAX] = { "rx", "tx" };

const char *const acct_name[LA_MAX] = {
#define ACCT_NAME(id, name)	[LA_##id] = #name,
	LIFE_ACCTS(ACCT_NAME)
#undef ACCT_NAME
};

const char *const end_name[] = {
	[LE_COMPLETED] = "completed",
	[LE_ENDED] = "ended",
	[LE_DROPPED] = "dropped",
};

int stage_dir(int s)
{
	if (s >= LS_MAX)
		return s - LS_MAX;
	return s >= LS_TX_FIRST ? LIFE_TX : LIFE_RX;
}

bool stage_measured(int s)
{
	return s >= LS_MAX || stage_level[s] <= env.level;
}

/*
 * What stage S is called at the tool's level, NULL if it is not measured
 * there: its name ("local"), or, when the stages before it are not
 * measured and their time is in it, its span ("netif..local").
 */
const char *stage_label(int s)
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
	if (env.count && life.journeys >= env.count)
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
	if (++life.journeys >= env.count && env.count)
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
	if (life.prog_misses)
		fprintf(stderr, "pktlife: %llu runs of pktlife's programs skipped by the kernel (a hook reached again while its program ran)\n",
			(unsigned long long)life.prog_misses);
	if (life.acct[LIFE_RX][LA_TRACE_LOST] + life.acct[LIFE_TX][LA_TRACE_LOST])
		fprintf(stderr, "pktlife: %llu journeys not shown (ring buffer full)\n",
			(unsigned long long)(life.acct[LIFE_RX][LA_TRACE_LOST] +
					     life.acct[LIFE_TX][LA_TRACE_LOST]));
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
				life.journeys, env.perfetto);
		}
	}
	return err;
}

int cmd_trace(int argc, char **argv)
{
	return life_main(MODE_TRACE, trace_doc, NULL, run_trace, argc, argv);
}
