/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the modes of pktlife share: defined in pktlife.c, used by the
 * modes that live in their own file (life.c).
 */
#ifndef __PKTLIFE_TOOL_H
#define __PKTLIFE_TOOL_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* -v: debug output, libbpf's too */
extern bool verbose;
/* set by SIGINT, SIGTERM and SIGALRM */
extern volatile sig_atomic_t exiting;

/* Handle the signals above; they stay blocked but in wait_for_exit(). */
int setup_signals(sigset_t *oldmask);
void wait_for_exit(const sigset_t *oldmask);
/* The inode number of our netns, as the kernel's ns.inum has it. */
int self_netns(__u32 *inum);
/*
 * Before loading anything: NETNS := ours, and may we trace? Prints why
 * not ("needs root", ...) and returns -errno.
 */
int tool_prepare(__u32 *netns);
/* S as a JSON string. */
void json_str(FILE *f, const char *s);
/* NS as "950ns", "12.3us", "4.56ms", "1.20s", in BUF */
const char *fmt_ns(double ns, char *buf, size_t len);
/* PKTLIFE_FORCE_RAW_TP=1: raw_tp/kprobe even where tp_btf/fentry work */
bool force_raw_tp(void);
bool bench_empty(void);

/* the modes of life.c */
int cmd_stat(int argc, char **argv);
int cmd_hist(int argc, char **argv);
int cmd_trace(int argc, char **argv);

#endif /* __PKTLIFE_TOOL_H */
