// SPDX-License-Identifier: GPL-2.0
/*
 * Run-time probes that let a mode pick its attach method before it loads
 * its real programs, so that a missing feature costs one tiny load instead
 * of a failed load full of libbpf warnings.
 */
#include <errno.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "trace_helpers.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* "return 0": the smallest program the verifier accepts */
static const struct bpf_insn ret0[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

int probe_tracing_allowed(void)
{
	int fd;

	/*
	 * raw_tp is one of the "perfmon" program types: loading it needs
	 * CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN), just like the real
	 * programs, and it needs no attach target, so a failure here is about
	 * privileges (or no BPF at all), not about the kernel's tracepoints.
	 */
	fd = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, NULL, "GPL", ret0,
			   ARRAY_SIZE(ret0), NULL);
	if (fd < 0)
		return fd;	/* libbpf 1.x returns -errno */
	close(fd);
	return 0;
}

bool probe_tp_btf(const char *name)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = BPF_TRACE_RAW_TP);
	int fd, id;

	/* the kernel describes each tracepoint as typedef btf_trace_<name> */
	id = libbpf_find_vmlinux_btf_id(name, BPF_TRACE_RAW_TP);
	if (id <= 0)
		return false;
	opts.attach_btf_id = id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, NULL, "GPL", ret0,
			   ARRAY_SIZE(ret0), &opts);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}
