// SPDX-License-Identifier: GPL-2.0
/*
 * pktlife stat | hist | trace: which programs of life.bpf.c to load
 * (LIFE_HOOKS, the kernel's and the module's probes), and loading them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "life_int.h"
#include "trace_helpers.h"

struct btf *vmlinux_btf;

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
	X(pl_hw_wire_tx, TX, WAITS, NULL, "tx.nic")			\
	X(pl_hw_rx_missed, RX, WAITS, NULL, "lost_ring")		\
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

const char *hook_what(const char *hook)
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

static void note_missing(const char *hook)
{
	int i;

	for (i = 0; i < life.nmissing; i++)
		if (!strcmp(life.missing[i], hook))
			return;
	if (life.nmissing < MAX_MISSING)
		life.missing[life.nmissing++] = hook;
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
	/* life has no initialiser (life_int.h): the defaults are set here */
	life.attach_tp = force ? "raw_tp" : "tp_btf";
	life.attach_fn = force ? "kprobe" : "fentry";
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
				life.attach_tp = "tp_btf+raw_tp";
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
				life.attach_fn = "kprobe";
		}
		bpf_program__set_autoload(prog, load);
	}
	if (mod && !mod_btf)
		life.attach_tp = "raw_tp (pktlife: no module BTF)";
	return 0;
}

int life_open(struct life_bpf **objp, bool trace)
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
	for (i = 0; i < life.nmissing; i++)
		fprintf(stderr, "pktlife: %s %s: %s not measured\n",
			strncmp(life.missing[i], "pl_", 3) ?
			"the kernel has no" : "pktlife.ko (an older build?) has no tracepoint",
			life.missing[i], hook_what(life.missing[i]));

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
			life.attach_tp, life.attach_fn, netns,
			env.all_netns ? " (and every other)" : "", env.ifindex,
			level_name[env.level]);
	*objp = obj;
	return 0;

err_destroy:
	life_bpf__destroy(obj);
	return err;
}
