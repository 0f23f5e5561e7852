#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make vm-gdb: the VM with QEMU's gdb stub, a pktlife pair carrying traffic
# (testing/gdb/guest.sh), and gdb attached to it with the journey macros
# (testing/gdb/pktlife.py) and the symbols loaded.
#
#   testing/gdb/vm-gdb.sh [--kernel 6.12|6.1|debug] [--batch JOURNEY]
#
# Interactive (the default): at the (gdb) prompt, e.g.
#   break_journey_of_a_packet_in
#   continue                      # stops in pl_queue_irq; continue again...
# and quit when done (the VM is then stopped).  The debug kernel's vmlinux
# has symbols (and gdb sees types and source lines of the kernel too); the
# release kernels' do not, so their functions are found by address.
#
# --batch JOURNEY (in, out, tso, gro): walk that journey once in order
# without stopping (pl-journey-auto on), print the steps, and exit 0 if
# all were reached, in order.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
kernel=6.12 batch=
port=${PKTLIFE_GDB_PORT:-12345}
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--batch) batch=$2; shift 2 ;;
	*) echo "usage: $0 [--kernel 6.12|6.1|debug] [--batch in|out|tso|gro]" >&2; exit 2 ;;
	esac
done
case $batch in
"") ;;
in | out) journey=packet_$batch ;;
tso) journey=tso_send ;;
gro) journey=gro_merge ;;
*) echo "vm-gdb: no journey '$batch' (in, out, tso, gro)" >&2; exit 2 ;;
esac
command -v gdb >/dev/null || { echo "vm-gdb: gdb is not installed (make deps)" >&2; exit 2; }

dir=$top/build/gdb
rm -rf "$dir"
mkdir -p "$dir"
vmlinux=()
if [ "$kernel" = debug ]; then
	kbase=$("$top/testing/debug-kernel.sh" dir) || { echo "vm-gdb: no debug kernel (make check-debug)" >&2; exit 2; }
	# its sources: built in a temporary directory, renamed when complete
	vmlinux=(-ex "file $kbase/vmlinux"
		 -ex "set substitute-path $(dirname "$kbase")/.$(basename "$kbase").tmp $kbase")
fi

"$top/testing/vm/run" --kernel "$kernel" --gdb "$port" --timeout 3600 -- \
	"$top/testing/gdb/guest.sh" "$dir" >"$dir/vm.log" 2>&1 &
vm=$!
stop_vm()
{
	touch "$dir/stop"
	wait "$vm"
}
trap stop_vm EXIT
for ((i = 0; i < 600; i++)); do
	[ -e "$dir/ready" ] && break
	kill -0 "$vm" 2>/dev/null || { cat "$dir/vm.log"; echo "vm-gdb: the VM stopped" >&2; exit 1; }
	sleep 0.5
done
[ -e "$dir/ready" ] || { cat "$dir/vm.log"; echo "vm-gdb: the VM never got ready" >&2; exit 1; }
# traffic from now on: the journeys' breakpoints have packets to stop
touch "$dir/go"

gdb_args=(-q -nx -ex "set confirm off" -ex "set pagination off" "${vmlinux[@]}"
	  -x "$top/testing/gdb/pktlife.py" -ex "target remote 127.0.0.1:$port"
	  -ex "pl-symbols $dir")
if [ -z "$batch" ]; then
	echo "# vm-gdb: kernel $(cat "$dir/release"), a pair left/pl0 10.0.0.1 - right/pl1 10.0.0.2,"
	echo "# ping and TCP from left to right in a loop. Try: break_journey_of_a_packet_in, continue"
	gdb "${gdb_args[@]}"
	exit 0
fi
# (a journey that never completes must not hang: 5 minutes)
timeout -s INT -k 10 300 gdb -batch "${gdb_args[@]}" -ex "pl-journey-auto on" \
	-ex "break_journey_of_a_$journey" -ex continue -ex "pl-journey-clear" -ex detach \
	2>&1 | tee "$dir/gdb.log"
grep -q "^journey $batch complete" "$dir/gdb.log"
