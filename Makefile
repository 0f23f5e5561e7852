# SPDX-License-Identifier: GPL-2.0
#
# pktlife: a simulated NIC pair and the tools to watch a packet's life.
#
#   make                 module (for KDIR), BPF objects, the pktlife tool
#   make KDIR=/path      the module for another kernel tree or headers
#   make modules-all     the module for every kernel in kernels.conf
#   make deps            install the Debian packages the project needs, fetch the
#                        kernels apt cannot install and their compiler (scripts/)
#   make check           deps + build for every kernel + all selftests in a VM
#   make check-upstream  deps + the kernel's own drivers/net tests in a VM (KERNEL=name)
#   make check-debug     deps + selftests on a debug build of 6.12 (KASAN, kmemleak, lockdep)
#   make bench           deps + build + benchmarks in a VM per kernel (bench/results/)
#   make demo            deps + build + a VM showing traffic across a pair
#   make vm              an interactive shell in the VM (KERNEL=a name of kernels.conf)
#   make vm-gdb          the VM under gdb, with the journey macros (KERNEL=name|debug)
#   make lint            checkpatch --strict on the kernel sources
#   make install         module (for KDIR), tool, ip plugin, man page (DESTDIR, PREFIX)
#   make install-dkms    the module's source in /usr/src for DKMS, dkms add
#
# module/ (the driver), bpf/ and tools/ (the pktlife command, the ip
# plugin) are what a user builds and installs; testing/ is the developers'
# harness (deps, the check targets, demo, vm, vm-gdb), selftests/ the
# tests, bench/ the benchmarks.  Outputs go to build/ only.  V=1 shows the
# commands.

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
KERNELS = $(shell $(TOP)/scripts/kernels.sh names)
kdir_of = $(shell $(TOP)/scripts/kernels.sh kdir $(1))

# KDIR defaults to the headers of $(KERNEL); it is resolved only when used,
# so that "make deps" works before those headers exist.
KDIR ?= $(call kdir_of,$(KERNEL))
# The module is built in build/<release>/ (a tree of links to module/), so
# that builds for several kernels do not share object files.
krel_of = $(notdir $(patsubst %/,%,$(patsubst %/build,%,$(1))))

.DELETE_ON_ERROR:
.PHONY: all module modules-all tools iproute2 deps check check-upstream check-debug bench demo vm lint clean FORCE
.PHONY: install install-dkms uninstall vm-gdb ynl

all: module tools iproute2

# PL_NOTRACE=1: the module without its tracepoints, in build/notrace/
# (bench/ measures what they cost when nobody listens)
MODBUILD = $(if $(filter 1,$(PL_NOTRACE)),$(BUILD)/notrace,$(BUILD))

# build/<release>/module/pktlife.ko for the kernel at $(1), with the
# compiler that kernel names (scripts/toolchain.sh: a trixie root for a
# kernel built with a gcc bookworm lacks)
define build_module
	$(Q)mkdir -p $(MODBUILD)/$(call krel_of,$(1))
	$(Q)cd $(MODBUILD)/$(call krel_of,$(1)) && \
		cp -rs --remove-destination $(TOP)/Kbuild $(TOP)/module . && \
		find . -xtype l -delete
	$(Q)$(TOP)/scripts/toolchain.sh kmake $(1) M=$(MODBUILD)/$(call krel_of,$(1)) W=1 $(if $(Q),-s) modules \
		2>&1 | grep -v '^Skipping BTF generation' >&2; exit $${PIPESTATUS[0]}
	$(Q)$(TOP)/scripts/module-btf.sh $(call krel_of,$(1)) \
		$(MODBUILD)/$(call krel_of,$(1))/module/pktlife.ko $(BUILD)
	@echo "  MODULE  $(patsubst $(TOP)/%,%,$(MODBUILD))/$(call krel_of,$(1))/module/pktlife.ko"
endef

module:
	$(call build_module,$(KDIR))

modules-all:
	$(Q)for k in $(KERNELS); do \
		$(MAKE) module KDIR=$$($(TOP)/scripts/kernels.sh kdir $$k) || exit 1; \
	done

tools:
	$(Q)$(MAKE) -C $(TOP)/tools/pktlife OUTPUT=$(BUILD)/ $(if $(Q),,V=1)

# "ip link add ... type pktlife peer ..." (IP_LIB_DIR=build/ip, or installed
# in /usr/lib/ip)
iproute2: $(BUILD)/ip/link_pktlife.so

$(BUILD)/ip/link_pktlife.so: $(TOP)/tools/ip/link_pktlife.c
	$(Q)mkdir -p $(@D)
	@echo "  CC      $(@:$(TOP)/%=%)"
	$(Q)$(CC) -O2 -Wall -Wextra -Wno-unused-parameter -shared -fPIC -o $@ $<

deps:
	$(Q)$(TOP)/testing/deps.sh

# The kernel's own checkpatch, from Debian's linux-source tarball.
CHECKPATCH := $(BUILD)/kernel-scripts/scripts/checkpatch.pl

$(CHECKPATCH):
	$(Q)$(TOP)/scripts/kernel-script.sh $(BUILD)/kernel-scripts \
		scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch

# The kernel's YNL CLI and netdev spec, for qstats.sh and stress_reconfig.sh
# (make check runs this)
YNL_CLI := $(BUILD)/kernel-scripts/tools/net/ynl/cli.py

ynl: $(YNL_CLI)

$(YNL_CLI):
	$(Q)$(TOP)/scripts/kernel-script.sh $(BUILD)/kernel-scripts tools/net/ynl \
		Documentation/netlink/specs/netdev.yaml \
		Documentation/netlink/genetlink.yaml \
		Documentation/netlink/genetlink-legacy.yaml

CHECKPATCH_FLAGS := --no-tree --strict --terse --show-types \
	--ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES

KSRC := $(wildcard $(TOP)/module/*.[ch] $(TOP)/module/*/*.[ch])
KSRC_TRACE := $(filter %trace.h,$(KSRC))

# compat.h is the one place allowed to test kernel versions, and it mirrors
# the kernel's own multi-use macros (one spelling for every kernel, so an
# argument only the newest uses goes unused on the others); TRACE_EVENT()
# has a layout of its own.
lint: $(CHECKPATCH)
	$(Q)$(CHECKPATCH) $(CHECKPATCH_FLAGS) \
		-f $(filter-out %/compat.h $(KSRC_TRACE),$(KSRC))
	$(Q)$(CHECKPATCH) $(CHECKPATCH_FLAGS) \
		--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON,MACRO_ARG_REUSE,MACRO_ARG_UNUSED \
		-f $(TOP)/module/compat.h
	$(Q)$(CHECKPATCH) $(CHECKPATCH_FLAGS) \
		--ignore PARENTHESIS_ALIGNMENT,OPEN_ENDED_LINE -f $(KSRC_TRACE)

check: deps
	$(Q)$(TOP)/testing/check.sh

# tools/testing/selftests/drivers/net{,/hw} of the 6.12 source tarball,
# against a pktlife pair (Documentation/upstream-tests.rst)
check-upstream: deps
	$(Q)$(TOP)/testing/check-upstream.sh --kernel $(KERNEL)

# a 6.12 with KASAN, kmemleak, lockdep, UBSAN, built once and cached in
# /var/cache/pktlife (testing/debug-kernel.sh; Documentation/testing.rst)
check-debug: deps
	$(Q)$(TOP)/testing/check-debug.sh

# pktlife against veth and bpftrace, side by side (Documentation/performance.rst)
bench: deps
	$(Q)$(TOP)/bench/bench.sh

demo: deps all
	$(Q)$(TOP)/testing/vm/run --kernel $(KERNEL) -- $(TOP)/testing/demo.sh
	@echo
	@echo "The pictures, on this host:"
	@echo "  $(BUILD)/demo/life.svg    pktlife stat --svg: per-layer latency (open in a browser)"
	@echo "  $(BUILD)/demo/life.json   pktlife trace --perfetto: the ping's journeys (https://ui.perfetto.dev)"
	@echo "  $(BUILD)/demo/metrics.txt pktlife stat --prometheus: one scrape of /metrics (the text Prometheus reads)"

vm: all
	$(Q)$(TOP)/testing/vm/run --kernel $(KERNEL) --interactive

# the VM with QEMU's gdb stub, gdb attached, break_journey_of_a_packet_in
# and the others defined (testing/gdb/; Documentation/gdb.rst)
# (KERNEL=debug: the module make check-debug built against it)
vm-gdb: $(if $(filter debug,$(KERNEL)),tools iproute2,all)
	$(Q)$(TOP)/testing/gdb/vm-gdb.sh --kernel $(KERNEL)

# Installing on a host (Documentation/install.rst).  The module goes where
# the kernel's own packages leave room for out-of-tree ones (updates/, ahead
# of the kernel's own), for the kernel of KDIR.
PREFIX ?= /usr
DESTDIR ?=
# The one version of driver, tool, DKMS package and man page.
PL_VERSION := $(shell sed -n 's/^\#define PL_DRV_VERSION[[:space:]]*"\(.*\)"/\1/p' $(TOP)/module/pktlife.h)
KREL = $(call krel_of,$(KDIR))

install: all
	$(Q)install -D -m 0644 $(BUILD)/$(KREL)/module/pktlife.ko \
		$(DESTDIR)/lib/modules/$(KREL)/updates/pktlife.ko
	$(Q)if [ -z "$(DESTDIR)" ]; then depmod -a $(KREL); fi
	$(Q)install -D -m 0755 $(BUILD)/tools/pktlife $(DESTDIR)$(PREFIX)/sbin/pktlife
	$(Q)install -D -m 0644 $(BUILD)/ip/link_pktlife.so $(DESTDIR)$(PREFIX)/lib/ip/link_pktlife.so
	$(Q)mkdir -p $(DESTDIR)$(PREFIX)/share/man/man8
	$(Q)sed 's/@PL_VERSION@/$(PL_VERSION)/' $(TOP)/Documentation/pktlife.8 \
		>$(DESTDIR)$(PREFIX)/share/man/man8/pktlife.8
	$(Q)gzip -9nf $(DESTDIR)$(PREFIX)/share/man/man8/pktlife.8
	@echo "  INSTALL pktlife.ko ($(KREL)), $(PREFIX)/sbin/pktlife, $(PREFIX)/lib/ip/link_pktlife.so, pktlife(8)"

# the module's source as DKMS wants it: /usr/src/pktlife-VERSION/, with
# dkms.conf; "dkms add" unless DESTDIR is set (then dkms --sourcetree)
DKMS_SRC = $(DESTDIR)/usr/src/pktlife-$(PL_VERSION)

install-dkms:
	$(Q)rm -rf $(DKMS_SRC)
	$(Q)mkdir -p $(DKMS_SRC)
	$(Q)sed 's/@PL_VERSION@/$(PL_VERSION)/' $(TOP)/dkms.conf >$(DKMS_SRC)/dkms.conf
	$(Q)install -m 0644 $(TOP)/Kbuild $(DKMS_SRC)/Kbuild
	$(Q)cd $(TOP) && find module -name '*.[ch]' -o -name Kbuild | \
		while read -r f; do install -D -m 0644 "$$f" "$(DKMS_SRC)/$$f"; done
	$(Q)if [ -z "$(DESTDIR)" ]; then dkms add pktlife/$(PL_VERSION); fi
	@echo "  INSTALL $(DKMS_SRC) (dkms build pktlife/$(PL_VERSION) -k RELEASE)"

uninstall:
	$(Q)rm -f $(DESTDIR)/lib/modules/$(KREL)/updates/pktlife.ko \
		$(DESTDIR)$(PREFIX)/sbin/pktlife $(DESTDIR)$(PREFIX)/lib/ip/link_pktlife.so \
		$(DESTDIR)$(PREFIX)/share/man/man8/pktlife.8.gz
	$(Q)if [ -z "$(DESTDIR)" ]; then depmod -a $(KREL); fi
	$(Q)if [ -z "$(DESTDIR)" ] && dkms status pktlife/$(PL_VERSION) 2>/dev/null | grep -q .; then \
		dkms remove pktlife/$(PL_VERSION) --all; fi
	$(Q)rm -rf $(DESTDIR)/usr/src/pktlife-$(PL_VERSION)

clean:
	$(Q)rm -rf $(BUILD)
