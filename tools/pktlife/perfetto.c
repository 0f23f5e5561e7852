// SPDX-License-Identifier: GPL-2.0
/*
 * pktlife trace --perfetto FILE: the Chrome trace-event JSON format
 * (https://docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU),
 * which ui.perfetto.dev and chrome://tracing open.
 *
 * Layout:
 *   process  one per direction and interface: "RX pl1", "TX pl0"
 *   thread   one per stage (layer), in the journey's order: "rx.wire" ...
 *   slice    one per stage of a journey ("ph":"X"), from the end of the
 *            stage before it to its own end, so that a journey's slices
 *            tile its life; args: journey number, flow, frame id, number
 *            of wire frames (a TSO send's segments, the frames GRO
 *            merged), the CPU of the point that ended it, how it ended
 *   flow     arrows ("ph":"s"/"t"/"f", id = journey number) from each
 *            slice of a journey to the next
 * Times are the kernel's CLOCK_MONOTONIC in microseconds, with the
 * nanoseconds as decimals.
 */
#include <errno.h>
#include <linux/types.h>
#include <stdio.h>
#include <string.h>

#include "life.h"
#include "perfetto.h"
#include "pktlife.h"

#define PF_MAX_PROCS	64

static FILE *pf;
static const char *const *pf_stage_name;
static unsigned long pf_journeys;
static struct {
	int dir;
	char ifname[32];
} pf_procs[PF_MAX_PROCS];
static int pf_nprocs;

int perfetto_open(const char *path, const char *const *stage_name)
{
	pf = fopen(path, "w");
	if (!pf)
		return -errno;
	pf_stage_name = stage_name;
	fprintf(pf, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n"
		"{\"ph\":\"M\",\"pid\":0,\"name\":\"process_name\",\"args\":{\"name\":\"pktlife\"}}");
	return 0;
}

/* ns as microseconds with three decimals, the format's unit */
static void pf_us(const char *key, __u64 ns)
{
	fprintf(pf, ",\"%s\":%llu.%03llu", key, (unsigned long long)(ns / 1000),
		(unsigned long long)(ns % 1000));
}

/* The process of a direction and interface: named on first use. */
static int pf_pid(int dir, const char *ifname)
{
	char name[48];
	int i, s, first, last;

	for (i = 0; i < pf_nprocs; i++)
		if (pf_procs[i].dir == dir && !strcmp(pf_procs[i].ifname, ifname))
			return i + 1;
	if (pf_nprocs == PF_MAX_PROCS)
		return PF_MAX_PROCS;	/* the rest share the last */
	i = pf_nprocs++;
	pf_procs[i].dir = dir;
	snprintf(pf_procs[i].ifname, sizeof(pf_procs[i].ifname), "%s", ifname);
	snprintf(name, sizeof(name), "%s %s", dir == LIFE_RX ? "RX" : "TX", ifname);
	fprintf(pf, ",\n{\"ph\":\"M\",\"pid\":%d,\"name\":\"process_name\",\"args\":{\"name\":", i + 1);
	json_str(pf, name);
	fprintf(pf, "}}");
	fprintf(pf, ",\n{\"ph\":\"M\",\"pid\":%d,\"name\":\"process_sort_index\",\"args\":{\"sort_index\":%d}}",
		i + 1, 2 * i + (dir == LIFE_TX));
	first = dir == LIFE_RX ? LS_RX_FIRST : LS_TX_FIRST;
	last = dir == LIFE_RX ? LS_RX_LAST : LS_TX_LAST;
	for (s = first; s <= last; s++) {
		if (!pf_stage_name[s])
			continue;	/* not measured at the tool's level */
		fprintf(pf, ",\n{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"name\":\"thread_name\",\"args\":{\"name\":\"%s.%s\"}}",
			i + 1, s + 1, dir == LIFE_RX ? "rx" : "tx", pf_stage_name[s]);
		fprintf(pf, ",\n{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":%d}}",
			i + 1, s + 1, s);
	}
	return i + 1;
}

void perfetto_journey(const struct perfetto_journey *j)
{
	const struct life_event *e = j->e;
	int first = e->dir == LIFE_RX ? LS_RX_FIRST : LS_TX_FIRST;
	int last = e->dir == LIFE_RX ? LS_RX_LAST : LS_TX_LAST;
	const char *d = e->dir == LIFE_RX ? "rx" : "tx";
	int pid, s, n = 0, nstages = 0;
	__u64 prev = e->t0;

	if (!pf)
		return;
	pid = pf_pid(e->dir, j->ifname);
	pf_journeys++;	/* the journey's number, from 1 */
	for (s = first; s <= last; s++)
		nstages += e->ts[s] && pf_stage_name[s];
	for (s = first; s <= last; s++) {
		if (!e->ts[s] || !pf_stage_name[s])
			continue;
		/* the slice: from the stage before to this one's end */
		fprintf(pf, ",\n{\"ph\":\"X\",\"pid\":%d,\"tid\":%d,\"name\":\"%s.%s\",\"cat\":\"%s\"",
			pid, s + 1, d, pf_stage_name[s], d);
		pf_us("ts", prev);
		pf_us("dur", e->ts[s] > prev ? e->ts[s] - prev : (__u64)0);
		fprintf(pf, ",\"args\":{\"journey\":%lu,\"flow\":", pf_journeys);
		json_str(pf, j->flow);
		fprintf(pf, ",\"frame\":\"%#x\",\"frames\":%u,\"cpu\":%u,\"end\":",
			e->frame_id, e->frames, e->cpu[s]);
		json_str(pf, j->end);
		fprintf(pf, "}}");
		/* the arrow: leaves this slice, enters the next */
		if (nstages > 1) {
			fprintf(pf, ",\n{\"ph\":\"%s\",\"id\":%lu,\"pid\":%d,\"tid\":%d,\"name\":\"journey\",\"cat\":\"journey\",\"bp\":\"e\"",
				!n ? "s" : n == nstages - 1 ? "f" : "t",
				pf_journeys, pid, s + 1);
			pf_us("ts", prev);
			fprintf(pf, "}");
		}
		n++;
		prev = e->ts[s];
	}
}

int perfetto_close(void)
{
	int err = 0;

	if (!pf)
		return 0;
	fprintf(pf, "\n]}\n");
	if (ferror(pf))
		err = -EIO;
	if (fclose(pf) && !err)
		err = -errno;
	pf = NULL;
	return err;
}
