#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Extract the uncompressed vmlinux (which keeps its .BTF section) of an
# installed or fetched Debian kernel (scripts/kernels.sh image):
#
#   extract-vmlinux.sh KREL OUTDIR   -> OUTDIR/kernel/KREL/vmlinux
#
# e.g. extract-vmlinux.sh 6.12.117+deb12-amd64 build/. The BPF build takes
# vmlinux.h from it; the module build can take it as pahole's base BTF.
#
# The work is done by the kernel's own scripts/extract-vmlinux, taken from
# Debian's linux-source tarball by kernel-script.sh and cached in
# OUTDIR/kernel-scripts (it handles the images of every version): kernel
# scripts are never copied into this repository.
set -euo pipefail

if [ $# -ne 2 ] || [ -z "$1" ]; then
	echo "usage: $0 KREL OUTDIR" >&2
	exit 2
fi
krel=$1
outdir=${2%/}

here=$(dirname "$(readlink -f "$0")")
image=$("$here/kernels.sh" image "$krel")
script=$outdir/kernel-scripts/scripts/extract-vmlinux
"$here/kernel-script.sh" "$outdir/kernel-scripts" scripts/extract-vmlinux

dest=$outdir/kernel/$krel/vmlinux
mkdir -p "$(dirname "$dest")"
# Through a temporary file so that an interrupted run leaves no truncated
# vmlinux behind that a later run would take for a finished one.
tmp=$(mktemp "$dest.XXXXXX")
trap 'rm -f "$tmp"' EXIT
"$script" "$image" >"$tmp"
# not grep -q: it would close the pipe early and pipefail would see readelf die
readelf -S "$tmp" | grep '\.BTF ' >/dev/null ||
	{ echo "$0: $image has no BTF (CONFIG_DEBUG_INFO_BTF)" >&2; exit 1; }
chmod 0644 "$tmp"
mv -f "$tmp" "$dest"
trap - EXIT
