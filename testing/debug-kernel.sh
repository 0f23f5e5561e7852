#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug-tier kernel: the newest kernel of kernels.conf (trixie-backports'
# 7.3 when written), from Debian's linux-source-X.Y package of exactly the
# version that kernel is, built with the compiler Debian built it with
# (trixie's gcc-14, in scripts/toolchain.sh's root) and a minimal config
# plus KASAN, kmemleak, lockdep, UBSAN, ... (testing/debug-kernel.config),
# cached outside the tree, keyed by a hash of everything that goes into it.
#
#   debug-kernel.sh build      build unless cached; the cache directory is
#                              the last line of stdout (progress on stderr)
#   debug-kernel.sh dir        the cache directory if a complete build
#                              exists, else exit 1
#   debug-kernel.sh key        the cache key
#   debug-kernel.sh packages   the Debian packages a build needs on the
#                              host (the compiler is the toolchain root's)
#
# Environment: PKTLIFE_CACHE (default /var/cache/pktlife: not under /root
# or /tmp, which the VM guest masks with tmpfs); PKTLIFE_NICE=1 builds
# under nice -n 19.
#
# A complete cache directory, debug-kernel-<key>/, holds:
#   src/ obj/             the source and the kbuild output tree (make O=);
#                         "toolchain.sh kmake <dir>/obj M=..." builds a
#                         module, with BTF, against it
#   vmlinux bzImage       the kernel (vmlinux has the PVH note: -kernel)
#   config release        the final .config, "make kernelrelease"
#   lib/modules/<release>/  modules_install's output (modules.builtin for
#                         modprobe); its build link points at ../../../obj
#   build.log             the build's full output
# It appears by rename(2) only once everything above is in place and a
# test module has been built against it, so it is complete or absent.
# The source package's .deb stays in debian-source/ for the next
# build of the same version.
set -euo pipefail

self=$(readlink -f "$0")
here=$(dirname "$self")
top=$(dirname "$here")
fragment=$here/debug-kernel.config
kernels=$top/scripts/kernels.sh
fetch=$top/scripts/debian-fetch.sh
toolchain=$top/scripts/toolchain.sh
root=${PKTLIFE_CACHE:-/var/cache/pktlife}
# not debug-kernel-*: cmd_build removes those as stale builds
srcdir=$root/debian-source
# The kernel whose source this is (a name in kernels.conf).
kernel=newest
# The name Debian's own build of that kernel records in its .config
# (CONFIG_CC_VERSION_TEXT), and one the host lacks: toolchain.sh kmake, and
# so "make module", then build modules against obj/ in the toolchain root.
cc=x86_64-linux-gnu-gcc-14
# depmod (kernels.sh fetch) lives in sbin, which a user's PATH may lack.
PATH=$PATH:/usr/sbin:/sbin

msg() { echo "debug-kernel: $*" >&2; }
die() { msg "$*"; exit 1; }

# What a build runs on the host, as "command-or-file:Debian package"; make,
# gcc-14, bc, flex, bison, pahole, libelf and depmod run in the toolchain
# root, which debootstrap makes.
needs=(
	curl:curl gpgv:gpgv		# debian-fetch.sh
	/usr/share/keyrings/debian-archive-keyring.gpg:debian-archive-keyring
	dpkg-deb:dpkg xz:xz-utils tar:tar	# the source package
	readelf:binutils		# the PVH note, the test module's BTF
	debootstrap:debootstrap		# toolchain.sh build
	unshare:util-linux flock:util-linux sha256sum:coreutils
)

packages() {
	printf '%s\n' "${needs[@]#*:}" | awk '!seen[$0]++'
}

check_deps() {
	local n what missing=()
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

# FIELD (version, suite) of the kernel the source must match, as
# scripts/kernels.sh recorded it when it fetched that kernel; fails when
# it has not.
kernel_field() # FIELD
{
	local rel
	rel=$("$kernels" release "$kernel" 2>/dev/null) || return 1
	cat "$root/kernels/$rel/$1" 2>/dev/null
}

# 7.3.4-1~bpo13+1 -> linux-source-7.3
source_package() # VERSION
{
	local up=${1%%-*}
	echo "linux-source-${up%.*}"
}

# The toolchain root's version of PACKAGE, from its dpkg database: exact,
# and readable without entering the root.
chroot_version() # PACKAGE
{
	local r
	r=$("$toolchain" dir 2>/dev/null) || { echo none; return; }
	dpkg-query --admindir="$r/var/lib/dpkg" -W -f='${Version}\n' "$1" 2>/dev/null || echo none
}

# Everything that changes the result: the config, this script, the
# source (its package and version: Debian never reuses one), the compiler
# and pahole (which writes the BTF), each as the toolchain root has it.
key() {
	local ver
	ver=$(kernel_field version) || ver=none
	{
		echo "fragment"; cat "$fragment"
		echo "script"; cat "$self"
		echo "source"; echo "$(source_package "$ver") $ver $(kernel_field suite || echo none)"
		echo "gcc"; echo "$cc $(chroot_version gcc-14)"
		echo "pahole"; chroot_version dwarves
	} | sha256sum | cut -c1-16
}

complete() {
	[ -d "$1" ] && [ -s "$1/vmlinux" ] && [ -s "$1/release" ] &&
		[ -d "$1/lib/modules/$(cat "$1/release")" ]
}

# The PVH entry point (XEN_ELFNOTE_PHYS32_ENTRY) is what lets QEMU boot
# the vmlinux itself; same test as testing/vm/run's.
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

# The linux-source-X.Y .deb of the kernel's version, checked the way apt
# checks it (InRelease's signature, the amd64 index's SHA256, the .deb's),
# into $srcdir unless already there; prints its path.  The binary package,
# not the source package "linux": both chain from InRelease, but the
# archive this was written against serves no source files of linux, and
# the .deb's tarball has Debian's patches applied already.  The amd64
# index lists the arch:all package too (binary-all may not match Release).
fetch_source() {
	local ver suite pkg idx have
	ver=$(kernel_field version) || die "kernel $kernel not fetched (scripts/kernels.sh fetch)"
	suite=$(kernel_field suite) || die "kernel $kernel has no suite recorded"
	pkg=$(source_package "$ver")
	mkdir -p "$srcdir"
	idx=$srcdir/.index-$suite
	"$fetch" index "$suite" "$idx" 2>/dev/null || die "cannot read $suite's package index"
	# "field" gives the newest stanza: it must be the kernel's own version
	have=$("$fetch" field "$idx" "$pkg" Version) || die "$suite has no $pkg"
	[ "$have" = "$ver" ] ||
		die "$suite's $pkg is $have, kernel $kernel is $ver (scripts/kernels.sh fetch)"
	msg "$pkg $ver from $suite"
	"$fetch" deb "$idx" "$pkg" "$srcdir"
}

# The one change made to Debian's source.  The PVH entry (the VM boots the
# vmlinux through it) runs xen_prepare_pvh() at the kernel's virtual
# addresses before KASAN has a shadow, so a call into instrumented code
# faults at once: a triple fault, QEMU exits without a word (seen with
# 7.3 and gcc-14).  cpuid_base_hypervisor() asks for __builtin_memcmp() to avoid
# just that, but in an __init (cold, so optimised for size) function gcc
# still calls memcmp(); -minline-all-stringops makes it inline the compare
# ("repz cmpsb").  build_into checks the result.
pvh_no_early_calls() # SRC
{
	printf '%s\n' '' '# testing/debug-kernel.sh: no memcmp() call before KASAN is set up' \
		'CFLAGS_enlighten.o += -minline-all-stringops' >>"$1/arch/x86/platform/pvh/Makefile"
}

# Build the kernel into $1 (a fresh directory) from the source .deb $2;
# $1/build.log gets make's output.  Every make runs in the toolchain root,
# which sees the cache at its own path (hence pwd -P: a symlinked
# PKTLIFE_CACHE is bound at its target).
build_into() {
	local out deb=$2 log rel t0=$SECONDS pkg
	local nice=()
	out=$(cd "$1" && pwd -P)
	log=$out/build.log
	pkg=$(dpkg-deb -f "$deb" Package)
	case "${PKTLIFE_NICE:-}" in '' | 0) ;; *) nice=(nice -n 19) ;; esac
	# The source tree stays: obj/Makefile includes it, and module builds
	# against obj/ read its Makefiles, scripts and headers.
	msg "extracting $pkg.tar.xz from $(basename "$deb")"
	mkdir "$out/src" "$out/obj"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$pkg.tar.xz" |
		"${nice[@]}" tar -xJ -C "$out/src" --strip-components=1
	pvh_no_early_calls "$out/src"
	kmake() {
		"${nice[@]}" "$toolchain" run make -C "$out/src" O="$out/obj" CC="$cc" "$@" >>"$log" 2>&1 || {
			msg "make $* failed; the end of $log:"
			tail -n 40 "$log" >&2
			return 1
		}
	}
	msg "configuring (allnoconfig + $(basename "$fragment"))"
	# ARCH=x86_64: a plain allnoconfig on x86 is a 32-bit kernel.
	kmake ARCH=x86_64 allnoconfig
	# a shell script that runs no make with -m: the host's shell will do
	"$out/src/scripts/kconfig/merge_config.sh" -m -O "$out/obj" \
		"$out/obj/.config" "$fragment" >>"$log" 2>&1
	kmake olddefconfig
	verify_config "$out/obj/.config"
	msg "building with $cc, make -j$(nproc)${nice:+ under nice}, see $log"
	kmake -j"$(nproc)" all
	rel=$("$toolchain" run make -s --no-print-directory -C "$out/src" O="$out/obj" CC="$cc" kernelrelease)
	msg "installing lib/modules/$rel"
	kmake INSTALL_MOD_PATH="$out" modules_install
	[ -d "$out/lib/modules/$rel" ] || die "modules_install made no lib/modules/$rel"

	# Make the tree relocatable, since it is about to be renamed: kbuild
	# wrote absolute paths to the source into obj/Makefile and obj/source,
	# and to obj/ into the build link. Relative ones survive the rename.
	# obj/Makefile must also say where the output is (as kbuild's own has
	# since 6.13), or "make -C obj M=..." takes src/ for it.
	# shellcheck disable=SC2016 # $(CURDIR) is make's, expanded by make
	printf '%s\n' '# testing/debug-kernel.sh: kbuild'"'"'s, with paths that survive a rename' \
		'export KBUILD_OUTPUT = $(CURDIR)' 'include ../src/Makefile' >"$out/obj/Makefile"
	ln -sfn ../src "$out/obj/source"
	ln -sfn ../../../obj "$out/lib/modules/$rel/build"

	# (not "readelf | grep -q": under pipefail, readelf killed by the
	# early exit of grep would make the match look like none)
	local relocs
	relocs=$(readelf -rW "$out/obj/arch/x86/platform/pvh/enlighten.o") ||
		die "cannot read the relocations of the PVH entry code"
	grep -qw memcmp <<<"$relocs" &&
		die "the PVH entry code still calls memcmp(): KASAN would fault before its shadow exists"

	# Links, not copies: same filesystem, no extra space.
	ln "$out/obj/vmlinux" "$out/vmlinux"
	ln "$out/obj/arch/x86/boot/bzImage" "$out/bzImage"
	cp "$out/obj/.config" "$out/config"
	has_pvh_note "$out/vmlinux" || die "vmlinux has no PVH entry note (CONFIG_PVH?)"

	# The tree exists to build pktlife.ko against: prove that it does,
	# module BTF included, before calling the build complete.  Through
	# toolchain.sh kmake, as "make module" goes: it must find the
	# compiler this .config names (the root's) by itself.
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
	"${nice[@]}" "$toolchain" kmake "$out/obj" M="$t" modules >>"$log" 2>&1 ||
		{ tail -n 20 "$log" >&2; die "a module does not build against obj/"; }
	grep -q '\.BTF' <<<"$(readelf -S "$t/t.ko")" ||
		die "a module built against obj/ has no .BTF section"
	rm -rf "$t"

	echo "$rel" >"$out/release"
	msg "built $rel in $(( (SECONDS - t0) / 60 )) min $(( (SECONDS - t0) % 60 )) s"
}

cmd_build() {
	local k dir tmp deb
	check_deps
	# The compiler (cached) and the version to build: both are in the key.
	"$toolchain" build >/dev/null || die "no toolchain root (scripts/toolchain.sh build)"
	kernel_field version >/dev/null || "$kernels" fetch ||
		die "cannot fetch kernel $kernel (scripts/kernels.sh fetch)"
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
	deb=$(fetch_source)
	build_into "$tmp" "$deb"
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
	# and so are other versions' source packages
	find "$srcdir" -maxdepth 1 -name '*.deb' ! -name "$(basename "$deb")" -delete
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
