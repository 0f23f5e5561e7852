// SPDX-License-Identifier: GPL-2.0
/*
 * pktlife stat | hist | trace: reading the kernel's numbers -- the
 * histograms, the accounting, the journeys still open, the drop reasons,
 * the programs' misses.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "life_int.h"

/* what the tool learnt (life_int.h): no initialiser, all zero, in .bss */
struct life_state life;

__u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int read_hists(struct life_bpf *obj)
{
	int ncpus = libbpf_num_possible_cpus(), cpu, err = 0;
	struct life_hist *percpu;
	__u32 k, s;

	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	for (k = 0; k < LIFE_HIST_MAX; k++) {
		struct life_hist *h = &life.hist[k];

		err = bpf_map__lookup_elem(obj->maps.hists, &k, sizeof(k), percpu,
					   ncpus * sizeof(*percpu), 0);
		if (err)
			break;
		memset(h, 0, sizeof(*h));
		/* journeys the sweep found lost, after their last stage */
		h->cut = k < LS_MAX ? life.user_cut[k] : 0;
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

int read_acct(struct life_bpf *obj)
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
		life.acct[k / LA_MAX][k % LA_MAX] = sum +
			life.user_acct[k / LA_MAX][k % LA_MAX];
	}
	free(percpu);
	return err;
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
int sweep(struct life_bpf *obj, bool final)
{
	__u64 now = now_ns(), limit = env.expire * 1000000000ULL;
	struct life_key key, next, *prev = NULL;
	struct life_item item;
	int fd;

	life.in_flight[LIFE_RX] = life.in_flight[LIFE_TX] = 0;
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
			life.user_acct[item.dir][LA_LOST_EXPIRED] += item.frames;
			if (item.last < LS_MAX)
				life.user_cut[item.last] += item.frames;
			continue;
		}
		life.in_flight[item.dir] += item.frames;
	}
	return 0;
}

/* --- drop reasons, named from the kernel's own enum ------------------------------ */

const char *drop_reason_name(__u32 code, char *buf, size_t len)
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

int read_drops(struct life_bpf *obj, struct drop_row *rows, int max)
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

/*
 * Runs of our programs the kernel skipped: a hook reached on a CPU where
 * the same program is already running (an interrupt or softirq taken
 * under it) does not run it again, and counts it in the program's
 * recursion_misses (fentry, fexit, tp_btf, raw_tp).  The point is not
 * taken: its stage falls into the next, or the journey never starts or
 * ends.  Summed over every program loaded.
 */
void read_misses(struct life_bpf *obj)
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
	life.prog_misses = sum;
}
