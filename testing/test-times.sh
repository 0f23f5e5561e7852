#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The seconds each selftest took, per kernel, as the reStructuredText table
# of Documentation/testing.rst ("Time per test"), from the KTAP logs make
# check leaves in build/check (kernel-NAME.log: "ok N selftests: pktlife:
# X.sh # 12s"; "FAIL" where a test failed, "-" where it did not run).
#	test-times.sh [LOGDIR]     (default build/check)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-build/check}
# the columns in kernels.conf's order, the debug tier last
logs=()
for k in $("$top/scripts/kernels.sh" names) debug; do
	[ -e "$dir/kernel-$k.log" ] && logs+=("$dir/kernel-$k.log")
done
[ ${#logs[@]} -gt 0 ] || { echo "test-times.sh: no kernel-*.log in $dir" >&2; exit 1; }

# "kernel test seconds|FAIL|SKIP" lines, then the table
for f in "${logs[@]}"; do
	k=${f##*/kernel-}
	k=${k%.log}
	sed -nE 's/^(not ok|ok) [0-9]+ selftests: pktlife: ([a-z0-9_]+)\.sh(.*)$/\2 \1\3/p' "$f" |
		while read -r t rest; do
			case $rest in
			"not ok"*) v=FAIL ;;
			*SKIP*) v=skip ;;
			*) [[ $rest =~ \#\ ([0-9]+)s ]] && v=${BASH_REMATCH[1]} || v="?" ;;
			esac
			echo "$k $t $v"
		done
done | awk '
{
	k = $1; t = $2; v = $3
	if (!(k in seen)) { seen[k] = 1; ks[++nk] = k }
	if (!(t in tseen)) { tseen[t] = 1; ts[++nt] = t }
	val[k, t] = v
	if (v ~ /^[0-9]+$/) { sum[k] += v; tot[t] += v }
}
END {
	# slowest first, by the sum over the kernels
	for (i = 1; i <= nt; i++)
		for (j = i + 1; j <= nt; j++)
			if (tot[ts[j]] > tot[ts[i]]) { x = ts[i]; ts[i] = ts[j]; ts[j] = x }
	w = 22
	line = sprintf("%" w "s", ""); gsub(/ /, "=", line)
	for (i = 1; i <= nk; i++) line = line "  ========"
	print line
	hdr = sprintf("%-" w "s", "test")
	for (i = 1; i <= nk; i++) hdr = hdr sprintf("  %8s", ks[i])
	print hdr
	print line
	for (i = 1; i <= nt; i++) {
		row = sprintf("%-" w "s", ts[i])
		for (j = 1; j <= nk; j++)
			row = row sprintf("  %8s", ((ks[j], ts[i]) in val) ? val[ks[j], ts[i]] : "-")
		print row
	}
	row = sprintf("%-" w "s", "(sum)")
	for (j = 1; j <= nk; j++) row = row sprintf("  %8d", sum[ks[j]])
	print row
	print line
}'
