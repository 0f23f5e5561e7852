// SPDX-License-Identifier: GPL-2.0
/*
 * pktlife - follow packets through pktlife devices and the kernel's network
 * stack with eBPF.
 *
 * One binary, one mode per job ("pktlife MODE [OPTION...]"), each mode
 * with its own argp parser, its own BPF skeleton and its own run function.
 * To add a mode: write bpf/X.bpf.c and bpf/X.h, add X to BPF_APPS in
 * tools/pktlife/Makefile, a cmd_X() here and a line in modes[] and in
 * top_doc.
 */
#include <argp.h>
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "count.h"
#include "count.skel.h"
#include "trace_helpers.h"
#include "pktlife.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* the driver's PL_DRV_VERSION, from tools/pktlife/Makefile */
#ifndef PKTLIFE_VERSION
#error "PKTLIFE_VERSION is not set: build with make"
#endif

const char *argp_program_version = "pktlife " PKTLIFE_VERSION;

/* set by -v of any mode; read by the libbpf print callback */
bool verbose;

volatile sig_atomic_t exiting;

static void sig_handler(int sig)
{
	(void)sig;
	exiting = 1;
}

static int libbpf_print_fn(enum libbpf_print_level level, const char *format,
			   va_list args)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, format, args);
}

/*
 * Install handlers for SIGINT, SIGTERM and SIGALRM (the -d timer) and keep
 * them blocked except inside wait_for_exit(): a signal that arrives between
 * the test of 'exiting' and the wait would otherwise be lost and the wait
 * would never end.
 */
int setup_signals(sigset_t *oldmask)
{
	struct sigaction sa = { .sa_handler = sig_handler };
	static const int sigs[] = { SIGINT, SIGTERM, SIGALRM };
	sigset_t mask;
	size_t i;

	sigemptyset(&mask);
	for (i = 0; i < ARRAY_SIZE(sigs); i++) {
		sigaddset(&mask, sigs[i]);
		if (sigaction(sigs[i], &sa, NULL))
			return -errno;
	}
	if (sigprocmask(SIG_BLOCK, &mask, oldmask))
		return -errno;
	return 0;
}

void wait_for_exit(const sigset_t *oldmask)
{
	while (!exiting)
		sigsuspend(oldmask);
}

/* The inode number of our netns, as the kernel's ns.inum has it. */
int self_netns(__u32 *inum)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st))
		return -errno;
	*inum = st.st_ino;
	return 0;
}

int tool_prepare(__u32 *netns)
{
	int err;

	err = self_netns(netns);
	if (err) {
		fprintf(stderr, "pktlife: cannot read /proc/self/ns/net: %s\n",
			strerror(-err));
		return err;
	}
	err = probe_tracing_allowed();
	if (err == -EPERM || err == -EACCES) {
		fprintf(stderr, "pktlife: needs root (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)\n");
		return err;
	}
	if (err)
		fprintf(stderr, "pktlife: cannot load BPF programs: %s\n",
			strerror(-err));
	return err;
}

/* Print S as a JSON string: device names may hold '"' and '\'. */
void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

const char *fmt_ns(double ns, char *buf, size_t len)
{
	if (ns < 1000)
		snprintf(buf, len, "%.0fns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.1fus", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, len, "%.2fms", ns / 1e6);
	else
		snprintf(buf, len, "%.2fs", ns / 1e9);
	return buf;
}

/* --- count ------------------------------------------------------------ */

static struct count_env {
	const char *ifname;
	unsigned int ifindex;
	long duration;
	bool json;
} count_env;

enum {
	OPT_JSON = 0x100,	/* long-only options */
};

static const char count_doc[] =
"Count packets and bytes per interface and direction.\n"
"\n"
"RX is counted at the net:netif_receive_skb tracepoint, TX at net:net_dev_xmit\n"
"(successful transmits only), in kernel maps: nothing is sent to user space\n"
"per packet. Only devices of the current network namespace are counted.\n"
"Prints a table (or JSON) when the duration ends or on Ctrl-C.\n"
"\n"
"EXAMPLES:\n"
"    pktlife count                 # every device, until Ctrl-C\n"
"    pktlife count -i eth0         # eth0 only\n"
"    pktlife count -i eth0 -d 10   # eth0 only, for 10 seconds\n"
"    pktlife count -d 5 --json     # JSON output after 5 seconds\n";

static const struct argp_option count_opts[] = {
	{ "interface", 'i', "IFNAME", 0, "Count only on IFNAME", 0 },
	{ "duration", 'd', "SECONDS", 0, "Stop after SECONDS (default: Ctrl-C)", 0 },
	{ "json", OPT_JSON, NULL, 0, "Print the result as JSON", 0 },
	{ "verbose", 'v', NULL, 0, "Verbose debug output (libbpf too)", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show the full help", 0 },
	{},
};

static error_t count_parse(int key, char *arg, struct argp_state *state)
{
	struct count_env *env = state->input;
	char *end;

	switch (key) {
	case 'i':
		if (!*arg || strlen(arg) >= IF_NAMESIZE)
			argp_error(state, "invalid interface name '%s'", arg);
		env->ifname = arg;
		break;
	case 'd':
		errno = 0;
		env->duration = strtol(arg, &end, 10);
		if (errno || *end || end == arg || env->duration <= 0 ||
		    env->duration > 86400 * 365)
			argp_error(state, "invalid duration '%s'", arg);
		break;
	case OPT_JSON:
		env->json = true;
		break;
	case 'v':
		verbose = true;
		break;
	case 'h':
		argp_state_help(state, stderr, ARGP_HELP_STD_HELP);
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp count_argp = {
	.options = count_opts,
	.parser = count_parse,
	.doc = count_doc,
};

struct count_row {
	struct count_key key;
	struct count_val val;
};

static int count_row_cmp(const void *a, const void *b)
{
	const struct count_key *x = &((const struct count_row *)a)->key;
	const struct count_key *y = &((const struct count_row *)b)->key;

	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	return (int)x->dir - (int)y->dir;
}

/*
 * Sum the per-CPU values of every key into ROWS. With -i both directions of
 * that device are always there, zero or not, so scripts find their rows.
 */
static int count_collect(struct bpf_map *map, struct count_row **rowsp,
			 size_t *nrowsp)
{
	struct count_key key, *prev = NULL;
	struct count_row *rows = NULL;
	struct count_val *percpu;
	size_t nrows = 0, cap = COUNT_MAX_ENTRIES + COUNT_DIR_MAX;
	int ncpus, cpu, err = 0;
	__u32 dir;

	ncpus = libbpf_num_possible_cpus();
	if (ncpus < 0)
		return ncpus;
	percpu = calloc(ncpus, sizeof(*percpu));
	rows = calloc(cap, sizeof(*rows));
	if (!percpu || !rows) {
		err = -ENOMEM;
		goto out;
	}

	while (nrows < COUNT_MAX_ENTRIES &&
	       !bpf_map__get_next_key(map, prev, &key, sizeof(key))) {
		struct count_row *row = &rows[nrows];

		prev = &row->key;
		row->key = key;
		err = bpf_map__lookup_elem(map, &key, sizeof(key), percpu,
					   ncpus * sizeof(*percpu), 0);
		if (err) {
			if (err == -ENOENT)	/* cannot happen once detached */
				continue;
			goto out;
		}
		for (cpu = 0; cpu < ncpus; cpu++) {
			row->val.packets += percpu[cpu].packets;
			row->val.bytes += percpu[cpu].bytes;
		}
		nrows++;
	}
	err = 0;

	if (count_env.ifindex) {
		for (dir = 0; dir < COUNT_DIR_MAX; dir++) {
			size_t i;

			for (i = 0; i < nrows; i++)
				if (rows[i].key.ifindex == count_env.ifindex &&
				    rows[i].key.dir == dir)
					break;
			if (i == nrows) {
				rows[nrows].key.ifindex = count_env.ifindex;
				rows[nrows].key.dir = dir;
				nrows++;
			}
		}
	}
	qsort(rows, nrows, sizeof(*rows), count_row_cmp);
out:
	free(percpu);
	if (err) {
		free(rows);
		return err;
	}
	*rowsp = rows;
	*nrowsp = nrows;
	return 0;
}

static const char *const count_dir_name[COUNT_DIR_MAX] = {
	[COUNT_DIR_RX] = "RX",
	[COUNT_DIR_TX] = "TX",
};

static const char *const count_dir_json[COUNT_DIR_MAX] = {
	[COUNT_DIR_RX] = "rx",
	[COUNT_DIR_TX] = "tx",
};

static void count_print(const struct count_row *rows, size_t nrows,
			const char *attach, __u32 netns, __u64 dropped)
{
	char name[IF_NAMESIZE];
	size_t i;

	if (!count_env.json) {
		printf("%-16s %-3s %12s %16s\n", "IFACE", "DIR", "PACKETS", "BYTES");
		for (i = 0; i < nrows; i++) {
			const struct count_row *r = &rows[i];

			/* a device removed meanwhile has no name any more */
			if (!if_indextoname(r->key.ifindex, name))
				snprintf(name, sizeof(name), "#%u", r->key.ifindex);
			printf("%-16s %-3s %12llu %16llu\n", name,
			       count_dir_name[r->key.dir],
			       (unsigned long long)r->val.packets,
			       (unsigned long long)r->val.bytes);
		}
		if (dropped)
			fprintf(stderr, "pktlife: %llu packets not counted (map full)\n",
				(unsigned long long)dropped);
		return;
	}

	printf("{\"mode\":\"count\",\"attach\":\"%s\",\"netns\":%u,\"dropped\":%llu,\"counters\":[",
	       attach, netns, (unsigned long long)dropped);
	for (i = 0; i < nrows; i++) {
		const struct count_row *r = &rows[i];

		printf("%s{\"ifindex\":%u,\"ifname\":", i ? "," : "",
		       r->key.ifindex);
		if (if_indextoname(r->key.ifindex, name))
			json_str(stdout, name);
		else
			printf("null");
		printf(",\"dir\":\"%s\",\"packets\":%llu,\"bytes\":%llu}",
		       count_dir_json[r->key.dir],
		       (unsigned long long)r->val.packets,
		       (unsigned long long)r->val.bytes);
	}
	printf("]}\n");
}

/*
 * Open, load and attach the count programs, the tp_btf pair if USE_BTF,
 * else the raw_tp pair. The skeleton carries both; the unused pair is not
 * even loaded, so a kernel without tp_btf never sees it.
 */
static int count_start(struct count_bpf **objp, bool use_btf, __u32 netns)
{
	struct count_bpf *obj;
	int err;

	obj = count_bpf__open();
	if (!obj)
		return errno ? -errno : -EINVAL;

	obj->rodata->targ_ifindex = count_env.ifindex;
	obj->rodata->targ_netns = netns;

	bpf_program__set_autoload(obj->progs.rx_btf, use_btf);
	bpf_program__set_autoload(obj->progs.tx_btf, use_btf);
	bpf_program__set_autoload(obj->progs.rx_raw, !use_btf);
	bpf_program__set_autoload(obj->progs.tx_raw, !use_btf);

	err = count_bpf__load(obj);
	if (!err)
		err = count_bpf__attach(obj);
	if (err) {
		count_bpf__destroy(obj);
		return err;
	}
	*objp = obj;
	return 0;
}

/*
 * PKTLIFE_FORCE_RAW_TP=1 takes the raw_tp path even where tp_btf works,
 * so that the selftests cover the fallback on every kernel.
 */
static bool env_set(const char *name)
{
	const char *s = getenv(name);

	return s && *s && strcmp(s, "0");
}

bool force_raw_tp(void)
{
	return env_set("PKTLIFE_FORCE_RAW_TP");
}

/*
 * PKTLIFE_BENCH_EMPTY=1 attaches every program of stat, hist and trace
 * with its body skipped: what entering the hooks costs (bench/guest.sh).
 */
bool bench_empty(void)
{
	return env_set("PKTLIFE_BENCH_EMPTY");
}

static int cmd_count(int argc, char **argv)
{
	struct count_bpf *obj = NULL;
	struct count_row *rows = NULL;
	size_t nrows = 0;
	sigset_t oldmask;
	const char *attach;
	bool use_btf;
	__u32 netns = 0;
	int err;

	err = argp_parse(&count_argp, argc, argv, 0, NULL, &count_env);
	if (err)
		return err;

	if (count_env.ifname) {
		count_env.ifindex = if_nametoindex(count_env.ifname);
		if (!count_env.ifindex) {
			err = errno ? -errno : -ENODEV;
			fprintf(stderr, "pktlife: unknown interface '%s'\n",
				count_env.ifname);
			goto cleanup;
		}
	}

	err = tool_prepare(&netns);
	if (err)
		goto cleanup;

	err = setup_signals(&oldmask);
	if (err) {
		fprintf(stderr, "pktlife: cannot set up signals: %s\n",
			strerror(-err));
		goto cleanup;
	}

	use_btf = !force_raw_tp() && probe_tp_btf("netif_receive_skb") &&
		  probe_tp_btf("net_dev_xmit");
	err = count_start(&obj, use_btf, netns);
	if (err && use_btf) {
		/*
		 * The probe passed but the real thing did not: raw_tp still
		 * may. Say so, as libbpf has already printed its warnings.
		 */
		fprintf(stderr, "pktlife: tp_btf failed (%s), trying raw_tp\n",
			strerror(-err));
		use_btf = false;
		err = count_start(&obj, use_btf, netns);
	}
	if (err) {
		fprintf(stderr, "pktlife: cannot attach the count programs: %s\n",
			strerror(-err));
		goto cleanup;
	}
	attach = use_btf ? "tp_btf" : "raw_tp";
	if (verbose)
		fprintf(stderr, "pktlife: attached via %s, netns %u, ifindex %u\n",
			attach, netns, count_env.ifindex);

	if (count_env.duration)
		alarm(count_env.duration);
	fprintf(stderr, "pktlife: counting, Ctrl-C to stop\n");
	wait_for_exit(&oldmask);

	/* stop counting first, so the result is one consistent snapshot */
	count_bpf__detach(obj);

	err = count_collect(obj->maps.counts, &rows, &nrows);
	if (err) {
		fprintf(stderr, "pktlife: cannot read the counters: %s\n",
			strerror(-err));
		goto cleanup;
	}
	count_print(rows, nrows, attach, netns, obj->bss->dropped);
	if (fflush(stdout))
		err = -errno;

cleanup:
	free(rows);
	count_bpf__destroy(obj);
	return err < 0 ? -err : err;
}

/* --- mode dispatch ------------------------------------------------------ */

struct mode {
	const char *name;
	int (*run)(int argc, char **argv);
};

static const struct mode modes[] = {
	{ "count", cmd_count },
	{ "stat", cmd_stat },
	{ "hist", cmd_hist },
	{ "trace", cmd_trace },
};

static const char top_doc[] =
"Follow packets through pktlife devices and the kernel's network stack.\n"
"\n"
"MODES:\n"
"  count    count packets and bytes per interface and direction\n"
"  stat     per-layer latency of received and sent packets, as a table\n"
"  hist     the latency histogram of one stage\n"
"  trace    one packet's journey per block, stage by stage\n"
"\n"
"Run 'pktlife MODE --help' for the options of a mode.\n"
"\n"
"EXAMPLES:\n"
"    pktlife count                 # count on every device until Ctrl-C\n"
"    pktlife count -i eth0 -d 10   # count on eth0 for 10 seconds\n"
"    pktlife stat -i eth0 -d 10    # per-layer latency on eth0 for 10 s\n"
"    pktlife trace -p icmp -c 1    # the journey of the next ICMP packet\n"
"    pktlife count --help          # the options of count\n"
"\vpktlife needs root (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN).";

struct top_args {
	const struct mode *mode;
	int argc;
	char **argv;
};

static const struct argp_option top_opts[] = {
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show the full help", 0 },
	{},
};

static error_t top_parse(int key, char *arg, struct argp_state *state)
{
	struct top_args *args = state->input;
	size_t i;

	switch (key) {
	case 'h':
		argp_state_help(state, stderr, ARGP_HELP_STD_HELP);
		break;
	case ARGP_KEY_ARG:
		for (i = 0; i < ARRAY_SIZE(modes); i++)
			if (!strcmp(arg, modes[i].name))
				args->mode = &modes[i];
		if (!args->mode)
			argp_error(state, "unknown mode '%s'", arg);
		/*
		 * MODE and everything after it belong to the mode's own
		 * parser: hand them over and stop parsing here (ARGP_IN_ORDER
		 * makes sure no option after MODE was looked at yet).
		 */
		args->argc = state->argc - state->next + 1;
		args->argv = &state->argv[state->next - 1];
		state->next = state->argc;
		break;
	case ARGP_KEY_END:
		if (!args->mode)
			argp_error(state, "no MODE given");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp top_argp = {
	.options = top_opts,
	.parser = top_parse,
	.args_doc = "MODE [OPTION...]",
	.doc = top_doc,
};

int main(int argc, char **argv)
{
	struct top_args args = {};
	char name[64];
	int err;

	err = argp_parse(&top_argp, argc, argv, ARGP_IN_ORDER, NULL, &args);
	if (err)
		return err;

	libbpf_set_print(libbpf_print_fn);

	/* so that the mode's usage and errors say "pktlife count: ..." */
	snprintf(name, sizeof(name), "pktlife %s", args.mode->name);
	args.argv[0] = name;
	return args.mode->run(args.argc, args.argv);
}
