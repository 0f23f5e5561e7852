#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Take files from the kernel's own source (Debian's linux-source tarball),
# at run time and never into the repo:
#	kernel-script.sh OUTDIR scripts/checkpatch.pl scripts/spelling.txt ...
# OUTDIR/<path> is created for each; files already there are kept.
set -euo pipefail

out=$1
shift
tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -n1)
[ -n "$tarball" ] || { echo "kernel-script.sh: linux-source-6.12 not installed (make deps)" >&2; exit 1; }

want=()
for f in "$@"; do
	[ -e "$out/$f" ] || want+=("linux-source-6.12/$f")
done
[ ${#want[@]} -eq 0 ] && exit 0
mkdir -p "$out"
tar -xf "$tarball" -C "$out" --strip-components=1 "${want[@]}"
