// SPDX-License-Identifier: GPL-2.0
/*
 * pktlife stat | hist: the table, the JSON, the histogram and the chart.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "life_int.h"
#include "svg.h"

/* the middle of slot S, in ns */
double slot_mid(__u32 s, double *lo, double *hi)
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

double percentile(const struct life_hist *h, double p)
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
		sum += life.hist[s].sum;
	return sum;
}

static __u64 lost(int dir)
{
	return life.acct[dir][LA_LOST_RING] + life.acct[dir][LA_LOST_MAP] +
	       life.acct[dir][LA_LOST_REUSED] + life.acct[dir][LA_LOST_EXPIRED];
}

/* -v: every counter of the accounting, one line per direction */
void print_acct(FILE *f)
{
	int dir, a;

	for (dir = 0; dir < LIFE_DIR_MAX; dir++) {
		fprintf(f, "pktlife: %s", dir_name[dir]);
		for (a = 0; a < LA_MAX; a++)
			fprintf(f, " %s %llu", acct_name[a],
				(unsigned long long)life.acct[dir][a]);
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
		__u64 v = cut ? life.hist[k].cut : life.hist[k].clamped;

		if (!v || !stage_label(k))
			continue;
		printf("%s %s %llu", n++ ? "," : what, stage_label(k),
		       (unsigned long long)v);
	}
	if (n)
		printf("\n");
}

void print_table(double elapsed, struct drop_row *drops, int ndrops)
{
	char b[5][24];
	int dir, s, i;

	printf("%.1fs", elapsed);
	for (i = 0; i < life.nmissing; i++)
		printf("%s%s", i ? ", " : "  (not measured: ", hook_what(life.missing[i]));
	printf("%s\n", life.nmissing ? ")" : "");
	for (dir = 0; dir < LIFE_DIR_MAX; dir++) {
		int first = dir == LIFE_RX ? LS_RX_FIRST : LS_TX_FIRST;
		int last = dir == LIFE_RX ? LS_RX_LAST : LS_TX_LAST;
		__u64 total = dir_sum(dir);

		if (env.dir >= 0 && env.dir != dir)
			continue;
		printf("%s  started %llu  completed %llu  ended %llu  dropped %llu  lost %llu  in flight %llu\n",
		       dir == LIFE_RX ? "RX" : "TX",
		       (unsigned long long)life.acct[dir][LA_STARTED],
		       (unsigned long long)life.acct[dir][LA_COMPLETED],
		       (unsigned long long)life.acct[dir][LA_ENDED],
		       (unsigned long long)life.acct[dir][LA_DROPPED],
		       (unsigned long long)lost(dir),
		       (unsigned long long)life.in_flight[dir]);
		printf("  %-8s %10s %9s %9s %9s %9s %6s\n", "STAGE", "FRAMES",
		       "P50", "P90", "P99", "MAX", "SHARE");
		for (s = first; s <= last + 1; s++) {
			int k = s <= last ? s : LIFE_HIST_TOTAL(dir);
			const struct life_hist *h = &life.hist[k];

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
		if (lost(dir) || life.acct[dir][LA_TRACE_LOST] || life.acct[dir][LA_FOLDED])
			printf("  lost: ring %llu, map full %llu, skb reused %llu, expired %llu; folded %llu; trace lost %llu\n",
			       (unsigned long long)life.acct[dir][LA_LOST_RING],
			       (unsigned long long)life.acct[dir][LA_LOST_MAP],
			       (unsigned long long)life.acct[dir][LA_LOST_REUSED],
			       (unsigned long long)life.acct[dir][LA_LOST_EXPIRED],
			       (unsigned long long)life.acct[dir][LA_FOLDED],
			       (unsigned long long)life.acct[dir][LA_TRACE_LOST]);
	}
	if (life.prog_misses)
		printf("missed: %llu runs of pktlife's programs skipped by the kernel (a hook reached again while its program ran)\n",
		       (unsigned long long)life.prog_misses);
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
	       elapsed, level_name[env.level], life.attach_tp, life.attach_fn,
	       (unsigned long long)life.prog_misses);
	for (i = 0; i < life.nmissing; i++) {
		printf("%s", i ? "," : "");
		json_str(stdout, life.missing[i]);
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
		       (unsigned long long)life.acct[dir][a]);
	printf("\"lost\":%llu,\"in_flight\":%llu},\"drops\":[",
	       (unsigned long long)lost(dir),
	       (unsigned long long)life.in_flight[dir]);
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

void print_json(double elapsed, bool final, struct drop_row *drops,
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
			json_hist(&life.hist[s]);
			printf(",\"share\":%.4f}",
			       total ? (double)life.hist[s].sum / total : 0.0);
		}
		printf("],\"total\":{");
		json_hist(&life.hist[LIFE_HIST_TOTAL(dir)]);
		printf("},");
		json_acct(dir, drops, ndrops);
		printf("}");
	}
	printf("}\n");
}

void print_hist(double elapsed)
{
	const struct life_hist *h = &life.hist[env.hist_stage];
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

/* --- the chart (stat --svg) ---------------------------------------------------- */

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
int write_svg(double elapsed)
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
		d->started = life.acct[dir][LA_STARTED];
		d->completed = life.acct[dir][LA_COMPLETED];
		d->ended = life.acct[dir][LA_ENDED];
		d->dropped = life.acct[dir][LA_DROPPED];
		for (s = first; s <= last; s++) {
			if (!life.hist[s].count || d->nstages == SVG_MAX_STAGES)
				continue;
			snprintf(names[s], sizeof(names[s]), "%s.%s", dir_name[dir],
				 stage_label(s));
			svg_fill(&d->stage[d->nstages++], names[s], &life.hist[s]);
		}
		s = LIFE_HIST_TOTAL(dir);
		snprintf(names[s], sizeof(names[s]), "%s.total", dir_name[dir]);
		svg_fill(&d->total, names[s], &life.hist[s]);
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
