/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pktlife stat --svg FILE: per-layer latency as a self-contained SVG
 * chart, a waterfall of median stage times per direction with percentile
 * whiskers.
 */
#ifndef __PKTLIFE_SVG_H
#define __PKTLIFE_SVG_H

#include <linux/types.h>

#define SVG_MAX_STAGES	16

/* One stage's figures, in ns. */
struct svg_stage {
	const char *name;	/* "rx.wire", ..., "rx.total" */
	__u64 count;		/* frames measured */
	double p50, p90, p99, max;
};

/* One direction: its stages in order, then its end-to-end total. */
struct svg_dir {
	const char *name;	/* "RX", "TX" */
	__u64 started, completed, ended, dropped;
	int nstages;
	struct svg_stage stage[SVG_MAX_STAGES];
	struct svg_stage total;
};

/*
 * svg_write() - draw the chart into @path
 * @title: first line, e.g. "pktlife stat: pl1 on Linux 6.12.117"
 * @subtitle: second line (duration, what the marks mean)
 *
 * Return: 0, or a negative errno.
 */
int svg_write(const char *path, const char *title, const char *subtitle,
	      const struct svg_dir *dirs, int ndirs);

#endif /* __PKTLIFE_SVG_H */
