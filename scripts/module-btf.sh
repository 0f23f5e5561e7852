#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Give a module built against Debian's headers the BTF kbuild skips there
# ("Skipping BTF generation ... unavailability of vmlinux"): module BTF is
# encoded against the kernel's own, taken from its vmlinux, which
# extract-vmlinux.sh gets out of /boot/vmlinuz-KREL.  tp_btf programs need
# it to attach to the module's tracepoints.
#	module-btf.sh KREL MODULE.ko BUILDDIR
# Without /boot/vmlinuz-KREL (a kernel tree of one's own), nothing is done:
# kbuild made the BTF itself if that tree has a vmlinux.
set -euo pipefail

krel=$1 ko=$2 build=$3
here=$(dirname "$(readlink -f "$0")")
vmlinux=$build/kernel/$krel/vmlinux

image=$("$here/kernels.sh" image "$krel" 2>/dev/null) || exit 0
if readelf -S "$ko" | grep '\.BTF ' >/dev/null; then
	exit 0	# kbuild did it (a tree with a vmlinux)
fi
if [ ! -s "$vmlinux" ] || [ "$image" -nt "$vmlinux" ]; then
	"$here/extract-vmlinux.sh" "$krel" "$build"
fi
# pahole adds the .BTF section to the module in place.
pahole -J --btf_base "$vmlinux" "$ko"
