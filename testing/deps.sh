#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install every Debian package pktlife needs to build, test and demo, and
# nothing when all are present (a dpkg query, well under a second).
set -euo pipefail

top=$(dirname "$(readlink -f "$0")")/..

pkgs=(
	# build: module, BPF, tools
	gcc make libc6-dev libelf-dev zlib1g-dev pkg-config sparse
	clang llvm libbpf-dev bpftool dwarves xz-utils
	# the kernel source tarball: checkpatch.pl, extract-vmlinux
	linux-source-6.12
	# the VM and what runs in it (the guest uses the host's userspace)
	qemu-system-x86 busybox-static kmod cpio
	iproute2 ethtool iperf3 tcpdump iputils-ping socat python3 procps jq util-linux
	# make check-upstream: the kernel's YNL library, net/forwarding/lib.sh's
	# packet generator (mausezahn); fetching and checking trixie's ethtool
	# (scripts/fetch-ethtool.sh)
	python3-yaml netsniff-ng curl gpgv debian-archive-keyring
	# selftests/life_svg.sh: pktlife stat --svg rendered to PNG
	librsvg2-bin
	# make install-dkms, testing/check-install.sh: DKMS, the man page
	dkms man-db openssl
	# make vm-gdb: the debugger (testing/gdb/)
	gdb
	# bench/: the bpftrace competitor (bench/stages.bt)
	bpftrace
	# make check-debug: what building a kernel needs beyond the above
	# (testing/debug-kernel.sh packages)
	bc flex bison
	# kernels of a newer Debian release: their packages are fetched and
	# checked (scripts/kernels.sh), their compiler is a trixie root's
	# (scripts/toolchain.sh)
	debootstrap dpkg-dev
)
# the kernels themselves, through their metapackages
mapfile -t -O "${#pkgs[@]}" pkgs < <("$top/scripts/kernels.sh" packages)

missing=()
for p in "${pkgs[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: run as root (or install the packages above)" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The kernels apt cannot install (kernels.conf's other suites): the
# newest of each is resolved now, and fetched once (a few seconds when
# nothing is new); then the compiler they need, once.
"$top/scripts/kernels.sh" fetch
for k in $("$top/scripts/kernels.sh" names); do
	if "$top/scripts/toolchain.sh" needed "$("$top/scripts/kernels.sh" kdir "$k")"; then
		"$top/scripts/toolchain.sh" build >/dev/null
		break
	fi
done
