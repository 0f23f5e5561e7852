/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pktlife stat | hist | trace: what the files of the tool's life modes
 * share (life.c: options and the modes' loops; life_hooks.c: which
 * programs to load; life_maps.c: reading the kernel's numbers;
 * life_out.c: tables, JSON, histogram, chart; prom.c: the Prometheus
 * text). The contract with the BPF side is life.h.
 */
#ifndef __PKTLIFE_LIFE_INT_H
#define __PKTLIFE_LIFE_INT_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>
#include "life.h"
#include "life.skel.h"
#include "pktlife.h"

enum life_mode { MODE_STAT, MODE_HIST, MODE_TRACE };

/* the options, set once by life.c's parser */
struct life_env {
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
};

extern struct life_env env;

/*
 * What the tool learnt while it ran, for the output to print: the maps,
 * summed over the CPUs (life_maps.c), what loading found (life_hooks.c),
 * the journeys shown (life.c). One instance, like env, but without an
 * initialiser: all zero at start, it stays in .bss (hist is over 100 KiB).
 */
#define MAX_MISSING	64
struct life_state {
	struct life_hist hist[LIFE_HIST_MAX];	/* per stage, then the totals */
	__u64 acct[LIFE_DIR_MAX][LA_MAX];	/* the acct map + user_acct */
	__u64 user_acct[LIFE_DIR_MAX][LA_MAX];	/* fates the sweep found */
	__u64 user_cut[LS_MAX];		/* per stage, frames expired after it */
	__u64 in_flight[LIFE_DIR_MAX];	/* frames of journeys still open */
	__u64 prog_misses;		/* program runs the kernel skipped */
	const char *missing[MAX_MISSING];	/* hooks the kernel lacks */
	int nmissing;			/* entries in missing[] */
	const char *attach_tp, *attach_fn;	/* how they were attached */
	long journeys;			/* trace: journeys shown */
};

extern struct life_state life;

/* life.c: the tables of life.h, and what a stage is called at env.level */
extern const char *const stage_name[LIFE_HIST_MAX];
extern const char *const dir_name[LIFE_DIR_MAX];
extern const char *const acct_name[LA_MAX];
extern const char *const end_name[3];
extern const char *const level_name[LL_MAX];
int stage_dir(int s);
bool stage_measured(int s);
const char *stage_label(int s);

/* life_hooks.c: the programs to load, loaded and attached */
extern struct btf *vmlinux_btf;
const char *hook_what(const char *hook);
int life_open(struct life_bpf **objp, bool trace);

/* life_maps.c: the kernel's numbers, summed over the CPUs */
struct drop_row {
	__u32 dir, reason;
	__u64 frames;
};

__u64 now_ns(void);
int read_hists(struct life_bpf *obj);
int read_acct(struct life_bpf *obj);
int sweep(struct life_bpf *obj, bool final);
int read_drops(struct life_bpf *obj, struct drop_row *rows, int max);
void read_misses(struct life_bpf *obj);
const char *drop_reason_name(__u32 code, char *buf, size_t len);

/* life_out.c */
double slot_mid(__u32 s, double *lo, double *hi);
double percentile(const struct life_hist *h, double p);
void print_acct(FILE *f);
void print_table(double elapsed, struct drop_row *drops, int ndrops);
void print_json(double elapsed, bool final, struct drop_row *drops,
		int ndrops);
void print_hist(double elapsed);
int write_svg(double elapsed);

/* prom.c: the metrics of PROM_OBJ's maps, for prom_serve() */
extern struct life_bpf *prom_obj;
void prom_metrics(FILE *f);

#endif /* __PKTLIFE_LIFE_INT_H */
