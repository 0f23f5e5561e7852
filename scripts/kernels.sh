#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Resolve the kernels listed in kernels.conf.
#   kernels.sh names            -> one name per line
#   kernels.sh packages         -> every image and headers metapackage
#   kernels.sh release NAME     -> installed release of NAME, e.g. 6.12.117+deb12-amd64
#   kernels.sh kdir NAME        -> its headers directory (a KDIR for kbuild)
set -euo pipefail

conf=$(dirname "$(readlink -f "$0")")/../kernels.conf

entries() { grep -Ev '^[[:space:]]*(#|$)' "$conf"; }

field() { # NAME COLUMN
	entries | awk -v n="$1" -v c="$2" '$1 == n { print $c; found = 1 } END { exit !found }' ||
		{ echo "kernels.sh: unknown kernel '$1' (see kernels.conf)" >&2; exit 1; }
}

release() {
	local meta dep
	meta=$(field "$1" 2)
	# The metapackage depends on exactly one versioned image package,
	# e.g. linux-image-6.1.0-56-amd64 (= 6.1.158-1).
	dep=$(dpkg-query -W -f='${Depends}' "$meta" 2>/dev/null | tr ',' '\n' |
		sed -n 's/^ *linux-image-\([0-9][^ ]*\).*/\1/p' | head -n1) || true
	if [ -z "$dep" ]; then
		echo "kernels.sh: $meta is not installed (run 'make deps')" >&2
		exit 1
	fi
	echo "$dep"
}

case "${1:-}" in
names) entries | awk '{ print $1 }' ;;
packages) entries | awk '{ print $2; print $3 }' ;;
release) release "$2" ;;
kdir) echo "/lib/modules/$(release "$2")/build" ;;
*) echo "usage: $0 names|packages|release NAME|kdir NAME" >&2; exit 2 ;;
esac
