/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run-time probes shared by the pktlife modes, in the spirit of bcc's
 * libbpf-tools trace helpers.
 */
#ifndef __PKTLIFE_TRACE_HELPERS_H
#define __PKTLIFE_TRACE_HELPERS_H

#include <stdbool.h>

/* 0 if this process may load tracing programs, else a negative errno. */
int probe_tracing_allowed(void);

/* true if a tp_btf program can be loaded for tracepoint NAME. */
bool probe_tp_btf(const char *name);

#endif /* __PKTLIFE_TRACE_HELPERS_H */
