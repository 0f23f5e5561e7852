/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pktlife trace --perfetto FILE: traced journeys as a timeline in the
 * Chrome trace-event JSON format, which ui.perfetto.dev and
 * chrome://tracing open.
 */
#ifndef __PKTLIFE_PERFETTO_H
#define __PKTLIFE_PERFETTO_H

#include <linux/types.h>

struct life_event;

/* What the writer needs of a journey beyond the event itself. */
struct perfetto_journey {
	const struct life_event *e;
	const char *ifname;
	const char *flow;	/* "TCP 10.0.0.1:5201 -> ..." */
	const char *end;	/* "completed", "dropped: NO_SOCKET", ... */
};

/*
 * perfetto_open() - start the timeline in @path
 * @stage_name: the stages' names, indexed by enum life_stage; NULL for a
 *	stage the tool's level does not measure (no track)
 *
 * Return: 0, or a negative errno (the file could not be created).
 */
int perfetto_open(const char *path, const char *const *stage_name);

/* One journey: a slice per stage on its layer's track, and flow arrows. */
void perfetto_journey(const struct perfetto_journey *j);

/* Finish the file. Return: 0, or a negative errno (a write failed). */
int perfetto_close(void);

#endif /* __PKTLIFE_PERFETTO_H */
