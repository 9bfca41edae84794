# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the scripts in scripts/: where things are, which kernel series
# is under test, and how to build the UML kernel and the modules.
#
# Environment:
#   KSERIES     7.3, 6.12 (default) or 6.1: the Debian kernel series under test
#   NBLC_CACHE  where expensive builds live (default ~/.cache/nblclone)
#   NBLC_JOBS   make -j (default: nproc)

set -euo pipefail

NBLC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$NBLC_ROOT/scripts/lib/series.sh"
NBLC_JOBS=${NBLC_JOBS:-$(nproc)}
KSERIES=${KSERIES:-6.12}

case " ${NBLC_SERIES[*]} " in
*" $KSERIES "*) ;;
*)
	echo "KSERIES must be one of ${NBLC_SERIES[*]}, not '$KSERIES'" >&2
	exit 2
	;;
esac

log() { printf '[%s] %s\n' "${0##*/}" "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

nblc_setup() {
	"$NBLC_ROOT/scripts/setup.sh" || die "scripts/setup.sh failed"
}

# Version of Debian's linux-source-$KSERIES package, e.g. 6.12.117-1~deb12u1.
nblc_source_version() {
	case "$KSERIES" in
	7.3) echo "$NBLC_K73_VERSION" ;;
	*) dpkg-query -W -f='${Version}' "linux-source-$KSERIES" ;;
	esac
}

nblc_source_tarball() {
	case "$KSERIES" in
	7.3) echo "$NBLC_K73_ROOT/usr/src/linux-source-7.3.tar.xz" ;;
	*) echo "/usr/src/linux-source-$KSERIES.tar.xz" ;;
	esac
}

# The newest installed Debian image/headers ABI of the series, e.g.
# 6.12.117+deb12-amd64 or 6.1.0-56-amd64.
nblc_image_kver() {
	local pat kv

	case "$KSERIES" in
	7.3)
		[ -e "$NBLC_K73_ROOT/usr/lib/modules/$NBLC_K73_ABI/vmlinuz" ] ||
			die "no Linux 7.3 image in $NBLC_K73_ROOT (run scripts/setup.sh)"
		echo "$NBLC_K73_ABI"
		return
		;;
	6.12) pat='^6\.12\.[0-9]+\+deb12-amd64$' ;;
	6.1) pat='^6\.1\.0-[0-9]+-amd64$' ;;
	esac
	kv=$(ls /lib/modules 2>/dev/null | grep -E "$pat" | sort -V | tail -n 1)
	[ -n "$kv" ] || die "no Debian $KSERIES image in /lib/modules (run scripts/setup.sh)"
	[ -d "/lib/modules/$kv/build" ] || die "no headers for $kv (run scripts/setup.sh)"
	echo "$kv"
}

# The patches of scripts/uml/patches/ whose `Series:` line names $KSERIES.
nblc_source_patches() {
	local p

	for p in "$NBLC_ROOT"/scripts/uml/patches/*.patch; do
		[ -e "$p" ] || continue
		if grep -qE "^Series:(.* )?$KSERIES( |\$)" "$p"; then
			echo "$p"
		fi
	done
}

# Unpack linux-source-$KSERIES once into the cache, with the series'
# patches applied (their hash is in the name); prints the tree's path.
nblc_source_tree() {
	local ver dir tmp patches p

	ver=$(nblc_source_version | tr '~+:' '___')
	patches=$(nblc_source_patches)
	dir=$NBLC_CACHE/src/linux-$ver
	[ -z "$patches" ] || dir+=-p$(cat $patches | sha256sum | cut -c1-8)
	if [ ! -e "$dir/.nblc-unpacked" ]; then
		log "unpacking linux-source-$KSERIES $ver"
		mkdir -p "$NBLC_CACHE/src"
		tmp=$(mktemp -d "$NBLC_CACHE/src/.unpack.XXXXXX")
		tar -C "$tmp" -xf "$(nblc_source_tarball)"
		for p in $patches; do
			log "applying ${p##*/}"
			patch -d "$tmp/linux-source-$KSERIES" -p1 --batch --forward \
				--no-backup-if-mismatch -s <"$p" ||
				die "${p##*/} does not apply to linux-source-$KSERIES $ver"
		done
		rm -rf "$dir"
		mv "$tmp/linux-source-$KSERIES" "$dir"
		rmdir "$tmp"
		touch "$dir/.nblc-unpacked"
	fi
	echo "$dir"
}

# A new config for the same source: start from the previous build of it,
# which Kbuild brings up to date incrementally, and drop the old one.
nblc_uml_seed() {
	local dir=$1 prefix=$2 prev

	prev=$(ls -dt "$prefix"* 2>/dev/null | grep -vxF "$dir" | head -n 1)
	[ -n "$prev" ] && [ -e "$prev/.nblc-built" ] || return 0
	log "seeding from $prev"
	cp -a "$prev/." "$dir/"
	rm -f "$dir/.nblc-built"
	rm -rf "$prev"
}

# Build (or reuse) a UML kernel for kunitconfig fragments. The build
# directory is keyed by source version and config hash, so a changed config
# gets a fresh tree and an unchanged one costs nothing. Prints its path.
#   nblc_uml_build TAG KUNITCONFIG...
nblc_uml_build() {
	local tag=$1 src ver hash dir f configs=()

	shift
	for f in "$@"; do
		configs+=("--kunitconfig=$(realpath "$f")")
	done
	src=$(nblc_source_tree)
	ver=${src##*/linux-}
	hash=$(cat "$@" | sha256sum | cut -c1-12)
	dir=$NBLC_CACHE/uml-$tag-$ver-$hash
	mkdir -p "$dir"
	(
		flock 9
		if [ ! -e "$dir/.nblc-built" ]; then
			nblc_uml_seed "$dir" "$NBLC_CACHE/uml-$tag-$ver-"
			log "building UML $ver ($tag, config $hash) in $dir"
			"$src/tools/testing/kunit/kunit.py" build --arch=um \
				--jobs="$NBLC_JOBS" --build_dir="$dir" \
				"${configs[@]}" >"$dir/build.log" 2>&1 ||
				{ tail -n 40 "$dir/build.log" >&2; exit 1; }
			touch "$dir/.nblc-built"
		fi
	) 9>"$dir/.lock" || die "UML build failed, see $dir/build.log"
	echo "$dir"
}

# Build the project's modules against a kernel tree in a private copy of the
# sources, so builds for different kernels never share objects. Fails on
# any compiler or modpost warning (W=1).
#   nblc_build_modules KDIR OUTDIR [make args...]
nblc_build_modules() {
	local kdir=$1 out=$2

	shift 2
	rm -rf "$out"
	mkdir -p "$out"
	cp -a "$NBLC_ROOT/Kbuild" "$NBLC_ROOT/module" "$NBLC_ROOT/kunit" "$out/"
	if ! make -C "$kdir" M="$out" W=1 -j"$NBLC_JOBS" "$@" modules \
		>"$out/build.log" 2>&1; then
		cat "$out/build.log" >&2
		die "module build against $kdir failed"
	fi
	# A checker the tree finds too old is skipped with a make $(warning).
	if grep -qiE 'warning:|error:|is not available or not up to date' "$out/build.log"; then
		grep -iE -A3 'warning:|error:|is not available or not up to date' \
			"$out/build.log" >&2
		die "module build against $kdir has warnings"
	fi
}

# The sparse that the series' tree accepts: Debian 12's for its own
# series, the one setup.sh builds for 7.3.
nblc_sparse() {
	case "$KSERIES" in
	7.3) echo "$NBLC_SPARSE" ;;
	*) echo sparse ;;
	esac
}

# Where the series' image keeps its files: the root of /lib/modules/KVER
# and the kernel. Debian 12's own series are installed; 7.3 is unpacked.
nblc_image_modroot() {
	case "$KSERIES" in
	7.3) echo "$NBLC_K73_ROOT/usr" ;;
	*) echo "" ;;
	esac
}

nblc_image_vmlinuz() {
	case "$KSERIES" in
	7.3) echo "$NBLC_K73_ROOT/usr/lib/modules/$1/vmlinuz" ;;
	*) echo "/boot/vmlinuz-$1" ;;
	esac
}

# The tree out-of-tree modules build against for the series' image. For
# 6.1 and 6.12 it is Debian's headers package. 7.3's headers need trixie's
# kbuild binaries, which Debian 12's libc cannot run, so the tree is
# prepared here from linux-source-7.3 with the image's .config and
# release (what vermagic checks: Debian's 7.3 has no MODVERSIONS) and the
# headers' Module.symvers. Cached by config hash; prints its path.
nblc_image_kbuild() {
	local kver=$1 hdr src dir

	case "$KSERIES" in
	7.3) ;;
	*)
		echo "/lib/modules/$kver/build"
		return
		;;
	esac
	hdr=$NBLC_K73_ROOT/usr/src/linux-headers-$kver
	src=$(nblc_source_tree)
	dir=$NBLC_CACHE/kbuild-$kver-$(cat "$hdr/.config" | sha256sum | cut -c1-12)
	mkdir -p "$dir"
	(
		flock 9
		if [ ! -e "$dir/.nblc-built" ]; then
			log "preparing a module build tree for $kver in $dir"
			cp "$hdr/.config" "$dir/.config"
			{
				make -C "$src" O="$dir" olddefconfig &&
					make -C "$src" O="$dir" KERNELRELEASE="$kver" \
						-j"$NBLC_JOBS" modules_prepare
			} >"$dir/build.log" 2>&1 || { tail -n 40 "$dir/build.log" >&2; exit 1; }
			cp "$hdr/Module.symvers" "$dir/"
			touch "$dir/.nblc-built"
		fi
	) 9>"$dir/.lock" || die "preparing $dir failed, see $dir/build.log"
	echo "$dir"
}
