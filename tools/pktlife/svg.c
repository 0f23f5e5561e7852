// SPDX-License-Identifier: GPL-2.0
/*
 * pktlife stat --svg FILE: the per-layer latency as one self-contained SVG
 * (no script, no external font or style), readable in any browser and by
 * rsvg-convert.
 *
 * One panel per direction.  Each stage is a row: its bar starts where the
 * medians of the stages before it end and is as long as its own median
 * (p50), so the bars form a waterfall whose end is the sum of the medians;
 * a whisker runs on from the bar's end to where the stage's p99 would end,
 * with a tick at its p90.  The last row is the end-to-end total, from 0:
 * its median and whiskers (that median is not the sum of the stages'
 * medians).  Each panel has its own linear time axis, with ticks at 1, 2
 * or 5 times a power of ten.  Every bar carries its figures as data-*
 * attributes, for tests and for scripts that read the chart.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pktlife.h"
#include "svg.h"

#define W		960	/* the picture's width */
#define LABEL_W		110	/* stage names */
#define PLOT_X		120	/* where the time axis starts */
#define PLOT_W		560
#define ROW_H		24
#define BAR_H		14
#define FONT		"font-family=\"DejaVu Sans, Verdana, sans-serif\""

static FILE *f;

/* S as SVG text: the XML specials escaped */
static void text(const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* a tick step of 1, 2 or 5 times a power of ten, for about 6 ticks */
static double tick_step(double span)
{
	double raw = span / 6, p = pow(10, floor(log10(raw)));

	if (raw <= p)
		return p;
	if (raw <= 2 * p)
		return 2 * p;
	if (raw <= 5 * p)
		return 5 * p;
	return 10 * p;
}

/* stages by layer: NIC, driver, stack, socket; the total apart */
static const char *stage_color(const char *name)
{
	static const struct {
		const char *stage, *color;
	} colors[] = {
		{ "wire", "#7f7f7f" }, { "nic", "#7f7f7f" }, { "compl", "#7f7f7f" },
		{ "irq", "#d62728" }, { "napi", "#ff7f0e" }, { "drv", "#ff7f0e" },
		{ "gro", "#bcbd22" }, { "backlog", "#bcbd22" }, { "qdisc", "#bcbd22" },
		{ "netif", "#2ca02c" }, { "ip", "#2ca02c" }, { "local", "#2ca02c" },
		{ "l4", "#1f77b4" }, { "sock", "#9467bd" }, { "sockq", "#9467bd" },
	};
	const char *dot = strchr(name, '.');
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(colors); i++)
		if (!strcmp(colors[i].stage, dot ? dot + 1 : name))
			return colors[i].color;
	return "#17becf";
}

static void row(const struct svg_stage *st, double start, double scale,
		int y, const char *color)
{
	double x0 = PLOT_X + start * scale, x50 = x0 + st->p50 * scale;
	double x90 = x0 + st->p90 * scale, x99 = x0 + st->p99 * scale;
	char b[3][24];

	fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\" %s>",
		LABEL_W, y + BAR_H - 2, FONT);
	text(st->name);
	fprintf(f, "</text>\n");
	fprintf(f, "<rect class=\"stage\" data-stage=\"%s\" data-count=\"%llu\" data-start-ns=\"%.0f\" data-p50-ns=\"%.0f\" data-p90-ns=\"%.0f\" data-p99-ns=\"%.0f\" data-max-ns=\"%.0f\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
		st->name, (unsigned long long)st->count, start, st->p50, st->p90,
		st->p99, st->max, x0, y, x50 - x0 < 1 ? 1 : x50 - x0, BAR_H, color);
	/* whisker: p50 -> p99, a tick at p90, a cap at p99 */
	fprintf(f, "<path d=\"M%.1f %d H%.1f M%.1f %d V%d M%.1f %d V%d\" stroke=\"#333\" stroke-width=\"1\" fill=\"none\"/>\n",
		x50, y + BAR_H / 2, x99, x90, y + 3, y + BAR_H - 3, x99, y + 1,
		y + BAR_H - 1);
	fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\" %s>p50 %s  p90 %s  p99 %s  (%llu)</text>\n",
		PLOT_X + PLOT_W + 12, y + BAR_H - 2, FONT,
		fmt_ns(st->p50, b[0], sizeof(b[0])), fmt_ns(st->p90, b[1], sizeof(b[1])),
		fmt_ns(st->p99, b[2], sizeof(b[2])), (unsigned long long)st->count);
}

/* one direction's panel from @y; returns the y after it */
static int panel(const struct svg_dir *d, int y)
{
	double end = d->total.p99, start = 0, scale, step, t;
	char b[24];
	int i, rows = d->nstages + 1, h;

	for (i = 0; i < d->nstages; i++) {
		if (start + d->stage[i].p99 > end)
			end = start + d->stage[i].p99;
		start += d->stage[i].p50;
	}
	if (start > end)
		end = start;
	if (end <= 0)
		end = 1000;
	step = tick_step(end);
	end = ceil(end / step) * step;
	scale = PLOT_W / end;
	h = rows * ROW_H + 40;

	fprintf(f, "<g class=\"panel\" data-dir=\"%s\">\n", d->name);
	fprintf(f, "<text x=\"10\" y=\"%d\" font-size=\"14\" font-weight=\"bold\" %s>", y + 14, FONT);
	text(d->name);
	fprintf(f, ": %llu started, %llu completed, %llu ended, %llu dropped</text>\n",
		(unsigned long long)d->started, (unsigned long long)d->completed,
		(unsigned long long)d->ended, (unsigned long long)d->dropped);
	y += 24;
	/* the axis: grid lines and their times */
	for (t = 0; t <= end + step / 2; t += step) {
		double x = PLOT_X + t * scale;

		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n",
			x, y, x, y + rows * ROW_H);
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\" fill=\"#555\" %s>%s</text>\n",
			x, y + rows * ROW_H + 12, FONT, fmt_ns(t, b, sizeof(b)));
	}
	for (i = 0, start = 0; i < d->nstages; i++) {
		row(&d->stage[i], start, scale, y + i * ROW_H + 4,
		    stage_color(d->stage[i].name));
		start += d->stage[i].p50;
	}
	row(&d->total, 0, scale, y + d->nstages * ROW_H + 4, "#444");
	fprintf(f, "</g>\n");
	return y + h - 24 + 8;
}

int svg_write(const char *path, const char *title, const char *subtitle,
	      const struct svg_dir *dirs, int ndirs)
{
	int i, y, height = 70;
	int err = 0;

	for (i = 0; i < ndirs; i++)
		height += (dirs[i].nstages + 1) * ROW_H + 48;
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n",
		W, height, W, height);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	fprintf(f, "<title>");
	text(title);
	fprintf(f, "</title>\n<text x=\"10\" y=\"24\" font-size=\"17\" font-weight=\"bold\" %s>", FONT);
	text(title);
	fprintf(f, "</text>\n<text x=\"10\" y=\"44\" font-size=\"11\" fill=\"#555\" %s>", FONT);
	text(subtitle);
	fprintf(f, "</text>\n");
	y = 60;
	for (i = 0; i < ndirs; i++)
		y = panel(&dirs[i], y);
	fprintf(f, "</svg>\n");
	if (ferror(f))
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	f = NULL;
	return err;
}
