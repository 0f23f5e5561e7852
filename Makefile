# SPDX-License-Identifier: GPL-2.0
#
# pktlife: a simulated NIC pair and the tools to watch a packet's life.
#
#   make                 module (for KDIR), BPF objects, the pktlife tool
#   make KDIR=/path      the module for another kernel tree or headers
#   make modules-all     the module for every kernel in kernels.conf
#   make deps            install the Debian packages the project needs
#   make check           deps + build for every kernel + all selftests in a VM
#   make check-upstream  deps + the kernel's own drivers/net tests in a VM (KERNEL=6.1|6.12)
#   make check-debug     deps + selftests on a debug build of 6.12 (KASAN, kmemleak, lockdep)
#   make bench           deps + build + benchmarks in a VM per kernel (bench/results/)
#   make demo            deps + build + a VM showing traffic across a pair
#   make vm              an interactive shell in the VM (KERNEL=6.1|6.12)
#   make lint            checkpatch --strict on the kernel sources
#
# Outputs go to build/ only.  V=1 shows the commands.

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
SHELL := /bin/bash
BUILD := $(TOP)/build

ifeq ($(V),1)
Q :=
else
Q := @
MAKEFLAGS += --no-print-directory
endif

# The kernel the VM and the default build use.
KERNEL ?= 6.12
KERNELS = $(shell $(TOP)/tools/kernels.sh names)
kdir_of = $(shell $(TOP)/tools/kernels.sh kdir $(1))

# KDIR defaults to the headers of $(KERNEL); it is resolved only when used,
# so that "make deps" works before those headers exist.
KDIR ?= $(call kdir_of,$(KERNEL))
# The module is built in build/<release>/ (a tree of links to module/), so
# that builds for several kernels do not share object files.
krel_of = $(notdir $(patsubst %/,%,$(patsubst %/build,%,$(1))))

.DELETE_ON_ERROR:
.PHONY: all module modules-all tools iproute2 deps check check-upstream check-debug bench demo vm lint clean FORCE

all: module tools iproute2

# PL_NOTRACE=1: the module without its tracepoints, in build/notrace/
# (bench/ measures what they cost when nobody listens)
MODBUILD = $(if $(filter 1,$(PL_NOTRACE)),$(BUILD)/notrace,$(BUILD))

# build/<release>/module/pktlife.ko for the kernel at $(1)
define build_module
	$(Q)mkdir -p $(MODBUILD)/$(call krel_of,$(1))
	$(Q)cd $(MODBUILD)/$(call krel_of,$(1)) && \
		cp -rs --remove-destination $(TOP)/Kbuild $(TOP)/module . && \
		find . -xtype l -delete
	$(Q)$(MAKE) -C $(1) M=$(MODBUILD)/$(call krel_of,$(1)) W=1 $(if $(Q),-s) modules \
		2>&1 | grep -v '^Skipping BTF generation' >&2; exit $${PIPESTATUS[0]}
	$(Q)$(TOP)/tools/module-btf.sh $(call krel_of,$(1)) \
		$(MODBUILD)/$(call krel_of,$(1))/module/pktlife.ko $(BUILD)
	@echo "  MODULE  $(patsubst $(TOP)/%,%,$(MODBUILD))/$(call krel_of,$(1))/module/pktlife.ko"
endef

module:
	$(call build_module,$(KDIR))

modules-all:
	$(Q)for k in $(KERNELS); do \
		$(MAKE) module KDIR=$$($(TOP)/tools/kernels.sh kdir $$k) || exit 1; \
	done

tools:
	$(Q)$(MAKE) -C $(TOP)/tools OUTPUT=$(BUILD)/ $(if $(Q),,V=1)

# "ip link add ... type pktlife peer ..." (IP_LIB_DIR=build/ip, or installed
# in /usr/lib/ip)
iproute2: $(BUILD)/ip/link_pktlife.so

$(BUILD)/ip/link_pktlife.so: $(TOP)/tools/ip/link_pktlife.c
	$(Q)mkdir -p $(@D)
	@echo "  CC      $(@:$(TOP)/%=%)"
	$(Q)$(CC) -O2 -Wall -Wextra -Wno-unused-parameter -shared -fPIC -o $@ $<

deps:
	$(Q)$(TOP)/tools/deps.sh

# The kernel's own checkpatch, from Debian's linux-source tarball.
CHECKPATCH := $(BUILD)/kernel-scripts/scripts/checkpatch.pl

$(CHECKPATCH):
	$(Q)$(TOP)/tools/kernel-script.sh $(BUILD)/kernel-scripts \
		scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch

CHECKPATCH_FLAGS := --no-tree --strict --terse --show-types \
	--ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES

KSRC := $(wildcard $(TOP)/module/*.[ch] $(TOP)/module/*/*.[ch])
KSRC_TRACE := $(filter %trace.h,$(KSRC))

# compat.h is the one place allowed to test kernel versions, and it mirrors
# the kernel's own multi-use macros; TRACE_EVENT() has a layout of its own.
lint: $(CHECKPATCH)
	$(Q)$(CHECKPATCH) $(CHECKPATCH_FLAGS) \
		-f $(filter-out %/compat.h $(KSRC_TRACE),$(KSRC))
	$(Q)$(CHECKPATCH) $(CHECKPATCH_FLAGS) \
		--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON,MACRO_ARG_REUSE \
		-f $(TOP)/module/compat.h
	$(Q)$(CHECKPATCH) $(CHECKPATCH_FLAGS) \
		--ignore PARENTHESIS_ALIGNMENT,OPEN_ENDED_LINE -f $(KSRC_TRACE)

check: deps
	$(Q)$(TOP)/tools/check.sh

# tools/testing/selftests/drivers/net{,/hw} of the 6.12 source tarball,
# against a pktlife pair (Documentation/upstream-tests.rst)
check-upstream: deps
	$(Q)$(TOP)/tools/check-upstream.sh --kernel $(KERNEL)

# a 6.12 with KASAN, kmemleak, lockdep, UBSAN, built once and cached in
# /var/cache/pktlife (tools/debug-kernel.sh; Documentation/testing.rst)
check-debug: deps
	$(Q)$(TOP)/tools/check-debug.sh

# pktlife against veth and bpftrace, side by side (Documentation/performance.rst)
bench: deps
	$(Q)$(TOP)/bench/bench.sh

demo: deps all
	$(Q)$(TOP)/tools/vm/run --kernel $(KERNEL) -- $(TOP)/tools/demo.sh

vm: all
	$(Q)$(TOP)/tools/vm/run --kernel $(KERNEL) --interactive

clean:
	$(Q)rm -rf $(BUILD)
