#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug-tier kernel: Debian's linux-source-6.12 built with a minimal
# config plus KASAN, kmemleak, lockdep, UBSAN, ... (tools/debug-kernel.config),
# cached outside the tree, keyed by a hash of everything that goes into it.
#
#   debug-kernel.sh build      build unless cached; the cache directory is
#                              the last line of stdout (progress on stderr)
#   debug-kernel.sh dir        the cache directory if a complete build
#                              exists, else exit 1
#   debug-kernel.sh key        the cache key
#   debug-kernel.sh packages   the Debian packages a build needs
#
# Environment: PKTLIFE_CACHE (default /var/cache/pktlife: not under /root
# or /tmp, which the VM guest masks with tmpfs); PKTLIFE_NICE=1 builds
# under nice -n 19.
#
# A complete cache directory, debug-kernel-<key>/, holds:
#   src/ obj/             the source and the kbuild output tree (make O=);
#                         "make -C <dir>/obj M=..." builds a module, with
#                         BTF, against it
#   vmlinux bzImage       the kernel (vmlinux has the PVH note: -kernel)
#   config release        the final .config, "make kernelrelease"
#   lib/modules/<release>/  modules_install's output (modules.builtin for
#                         modprobe); its build link points at ../../../obj
#   build.log             the build's full output
# It appears by rename(2) only once everything above is in place and a
# test module has been built against it, so it is complete or absent.
set -euo pipefail

self=$(readlink -f "$0")
here=$(dirname "$self")
fragment=$here/debug-kernel.config
srcpkg=linux-source-6.12
tarball=/usr/src/$srcpkg.tar.xz
root=${PKTLIFE_CACHE:-/var/cache/pktlife}
# depmod (modules_install) lives in sbin, which a user's PATH may lack.
PATH=$PATH:/usr/sbin:/sbin

msg() { echo "debug-kernel: $*" >&2; }
die() { msg "$*"; exit 1; }

# What a build runs, as "command-or-file:Debian package". libssl-dev is not
# here: with no module signing and no trusted keyring nothing links it.
needs=(
	make:make gcc:gcc ld:binutils readelf:binutils
	bc:bc flex:flex bison:bison
	pahole:dwarves			# BTF for vmlinux and modules
	/usr/include/gelf.h:libelf-dev	# objtool, resolve_btfids
	xz:xz-utils tar:tar
	depmod:kmod			# modules_install
	flock:util-linux sha256sum:coreutils
)

packages() {
	printf '%s\n' "$srcpkg" "${needs[@]#*:}" | awk '!seen[$0]++'
}

check_deps() {
	local n what missing=()
	[ -r "$tarball" ] || missing+=("$srcpkg")
	for n in "${needs[@]}"; do
		what=${n%%:*}
		if [[ $what == /* ]]; then
			[ -e "$what" ] && continue
		else
			command -v "$what" >/dev/null && continue
		fi
		msg "$what not found (Debian package ${n#*:})"
		missing+=("${n#*:}")
	done
	[ ${#missing[@]} -eq 0 ] ||
		die "missing packages: apt-get install $(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++' | tr '\n' ' ')"
}

# Everything that changes the result: the config, this script, the
# source, the compiler and pahole (which writes the BTF). The tarball's
# size and mtime catch a tarball replaced by hand, the package version an
# upgrade that kept both.
key() {
	{
		echo "fragment"; cat "$fragment"
		echo "script"; cat "$self"
		echo "source"; stat -L -c '%s %Y' "$tarball" 2>/dev/null || echo none
		dpkg-query -W -f='${Version}\n' "$srcpkg" 2>/dev/null || echo none
		# sed, not head: head would leave gcc a SIGPIPE under pipefail
		echo "gcc"; { gcc --version 2>/dev/null || echo none; } | sed -n 1p
		echo "pahole"; pahole --version 2>/dev/null || echo none
	} | sha256sum | cut -c1-16
}

complete() {
	[ -d "$1" ] && [ -s "$1/vmlinux" ] && [ -s "$1/release" ] &&
		[ -d "$1/lib/modules/$(cat "$1/release")" ]
}

# The PVH entry point (XEN_ELFNOTE_PHYS32_ENTRY) is what lets QEMU boot
# the vmlinux itself; same test as tools/vm/run's.
has_pvh_note() {
	local notes
	notes=$(readelf -n "$1" 2>/dev/null) || return 1
	grep -Eq '^[[:space:]]*Xen[[:space:]]+0x[0-9a-f]+[[:space:]]+(Unknown note type: \(0x00000012\)|XEN_ELFNOTE_PHYS32_ENTRY)' <<<"$notes"
}

# olddefconfig drops a symbol whose dependencies are unmet without a word:
# every value the fragment sets must be in the final .config as it is.
verify_config() {
	local cfg=$1 line sym bad=0
	while IFS= read -r line; do
		grep -qxF -- "$line" "$cfg" && continue
		sym=${line%%=*}
		msg "dropped: $line (final: $(grep -E "^(# )?${sym}[= ]" "$cfg" || echo absent))"
		bad=1
	done < <(grep -E '^CONFIG_[A-Za-z0-9_]+=' "$fragment")
	# Something still selecting an option the fragment turns off only
	# costs build time: say so, do not fail.
	while read -r _ sym _; do
		if grep -q "^$sym=" "$cfg"; then
			msg "note: $sym is set although the fragment turns it off (selected)"
		fi
	done < <(grep -E '^# CONFIG_[A-Za-z0-9_]+ is not set' "$fragment")
	[ $bad = 0 ] || die "the final .config lacks the values above: fix $fragment"
}

# Build the kernel into $1 (a fresh directory); $1/build.log gets make's
# output.
build_into() {
	local out=$1 log=$1/build.log rel t0=$SECONDS
	local nice=()
	case "${PKTLIFE_NICE:-}" in '' | 0) ;; *) nice=(nice -n 19) ;; esac
	# The source tree stays: obj/Makefile includes it, and module builds
	# against obj/ read its Makefiles, scripts and headers.
	msg "extracting $tarball"
	mkdir "$out/src" "$out/obj"
	"${nice[@]}" tar -xf "$tarball" -C "$out/src" --strip-components=1
	kmake() {
		"${nice[@]}" make -C "$out/src" O="$out/obj" "$@" >>"$log" 2>&1 || {
			msg "make $* failed; the end of $log:"
			tail -n 40 "$log" >&2
			return 1
		}
	}
	msg "configuring (allnoconfig + $(basename "$fragment"))"
	# ARCH=x86_64: a plain allnoconfig on x86 is a 32-bit kernel.
	kmake ARCH=x86_64 allnoconfig
	"$out/src/scripts/kconfig/merge_config.sh" -m -O "$out/obj" \
		"$out/obj/.config" "$fragment" >>"$log" 2>&1
	kmake olddefconfig
	verify_config "$out/obj/.config"
	msg "building with make -j$(nproc)${nice:+ under nice}, see $log"
	kmake -j"$(nproc)" all
	rel=$(make -s --no-print-directory -C "$out/src" O="$out/obj" kernelrelease)
	msg "installing lib/modules/$rel"
	kmake INSTALL_MOD_PATH="$out" modules_install
	[ -d "$out/lib/modules/$rel" ] || die "modules_install made no lib/modules/$rel"

	# Make the tree relocatable, since it is about to be renamed: kbuild
	# wrote absolute paths to the source into obj/Makefile and obj/source,
	# and to obj/ into the build link. Relative ones survive the rename.
	echo "include ../src/Makefile" >"$out/obj/Makefile"
	ln -sfn ../src "$out/obj/source"
	ln -sfn ../../../obj "$out/lib/modules/$rel/build"

	# Links, not copies: same filesystem, no extra space.
	ln "$out/obj/vmlinux" "$out/vmlinux"
	ln "$out/obj/arch/x86/boot/bzImage" "$out/bzImage"
	cp "$out/obj/.config" "$out/config"
	has_pvh_note "$out/vmlinux" || die "vmlinux has no PVH entry note (CONFIG_PVH?)"

	# The tree exists to build pktlife.ko against: prove that it does,
	# module BTF included, before calling the build complete.
	msg "building a test module against obj/"
	local t=$out/.modtest
	mkdir "$t"
	printf '%s\n' '#include <linux/module.h>' \
		'static int __init t_init(void) { return 0; }' \
		'static void __exit t_exit(void) { }' \
		'module_init(t_init);' 'module_exit(t_exit);' \
		'MODULE_DESCRIPTION("debug-kernel.sh self-test");' \
		'MODULE_LICENSE("GPL");' >"$t/t.c"
	echo 'obj-m := t.o' >"$t/Kbuild"
	make -C "$out/obj" M="$t" modules >>"$log" 2>&1 ||
		{ tail -n 20 "$log" >&2; die "a module does not build against obj/"; }
	grep -q '\.BTF' <<<"$(readelf -S "$t/t.ko")" ||
		die "a module built against obj/ has no .BTF section"
	rm -rf "$t"

	echo "$rel" >"$out/release"
	msg "built $rel in $(( (SECONDS - t0) / 60 )) min $(( (SECONDS - t0) % 60 )) s"
}

cmd_build() {
	local k dir tmp
	check_deps
	k=$(key)
	dir=$root/debug-kernel-$k
	if complete "$dir"; then
		echo "$dir"
		return
	fi
	mkdir -p "$root" || die "cannot create $root (set PKTLIFE_CACHE?)"
	exec 9>>"$root/.debug-kernel.lock"
	if ! flock -n 9; then
		msg "another build is running; waiting for it"
		flock 9
	fi
	# It may have been building this very kernel.
	if complete "$dir"; then
		echo "$dir"
		return
	fi
	# Whatever is left of builds that died: nobody else builds while we
	# hold the lock. An incomplete $dir is not something rename makes, but
	# must not stop ours.
	rm -rf "$root"/.debug-kernel-*.tmp "$dir"
	tmp=$root/.debug-kernel-$k.tmp
	mkdir "$tmp"
	# On failure keep the log (the tree is gigabytes), lose the tree.
	trap 'cp -f "$tmp/build.log" "$root/debug-kernel.failed.log" 2>/dev/null &&
		msg "failed; the log is $root/debug-kernel.failed.log"; rm -rf "$tmp"' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	build_into "$tmp"
	# rename(2) within one filesystem: the complete tree appears at once.
	mv -T "$tmp" "$dir"
	trap - EXIT INT TERM
	rm -f "$root/debug-kernel.failed.log"
	# Builds for other keys are stale now (another config, compiler, ...).
	local d
	for d in "$root"/debug-kernel-*; do
		if [ ! -d "$d" ] || [ "$d" = "$dir" ]; then
			continue
		fi
		msg "removing the stale $d"
		rm -rf "$d"
	done
	echo "$dir"
}

cmd_dir() {
	local dir
	dir=$root/debug-kernel-$(key)
	complete "$dir" || die "no complete debug kernel at $dir (run $0 build)"
	echo "$dir"
}

case "${1:-}" in
build) cmd_build ;;
dir) cmd_dir ;;
key) key ;;
packages) packages ;;
*) echo "usage: $0 build|dir|key|packages" >&2; exit 2 ;;
esac
