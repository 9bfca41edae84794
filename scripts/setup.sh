#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything nblclone needs on a Debian 12 machine. Idempotent: a
# second run with everything present does no network access and takes about
# a second. Other scripts call it through scripts/lib/common.sh.
set -euo pipefail

# Metapackages, so the newest ABI of each series is what we get.
PKGS=(
	# build
	build-essential flex bison bc libelf-dev libssl-dev pahole kmod
	cpio xz-utils python3 git
	# the VM's static capture tool (scripts/vm/nblcap.c)
	gcc libc6-dev
	# kernel trees: source for UML, headers and image for the test VM
	linux-source-6.12 linux-headers-6.12-amd64 linux-image-6.12-amd64
	linux-source-6.1 linux-headers-amd64 linux-image-amd64
	# test VM, UML userland, tooling
	qemu-system-x86 busybox-static iproute2 nftables
	sparse gnuplot-nox dkms linux-perf
)

# Linux 7.3: see scripts/lib/series.sh.
. "$(dirname "$0")/lib/series.sh"

install_apt() {
	local p missing=()

	for p in "${PKGS[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0

	if [ "$(id -u)" != 0 ]; then
		echo "setup.sh: missing packages: ${missing[*]}; run as root" >&2
		exit 1
	fi

	echo "setup.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# The images are only booted by QEMU; skip building host initramfs for them.
	export INITRD=No
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# apt_private DIR LINE...: an apt state of our own in DIR over the archive
# this machine uses, one sources line per LINE ("deb trixie"), so the
# system's configuration is not touched; sets APT_OPTS for apt-get.
apt_private() {
	local dir=$1 uri line
	local keyring=/usr/share/keyrings/debian-archive-keyring.gpg

	shift
	uri=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
	uri=${uri:-http://deb.debian.org/debian}
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	for line in "$@"; do
		echo "${line%% *} [signed-by=$keyring] $uri ${line#* } main"
	done >"$dir/sources.list"
	APT_OPTS=(-o Dir::Etc::sourcelist="$dir/sources.list" -o Dir::Etc::sourceparts=-
		  -o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache"
		  -o Debug::NoLocking=1)
	apt-get "${APT_OPTS[@]}" -q update >"$dir/apt.log" 2>&1 ||
		{ cat "$dir/apt.log" >&2; echo "setup.sh: apt-get update ($*) failed" >&2; exit 1; }
}

# Linux 7.3's packages, downloaded and unpacked into NBLC_K73_ROOT.
fetch_k73() {
	local p tmp=$NBLC_K73_DIR.tmp

	[ -e "$NBLC_K73_DIR/.nblc-unpacked" ] && return 0
	echo "setup.sh: fetching Linux $NBLC_K73_VERSION from trixie-backports"
	rm -rf "$NBLC_K73_DIR" "$tmp"
	mkdir -p "$tmp/root"
	apt_private "$tmp/apt" "deb trixie" "deb trixie-backports"
	(
		cd "$tmp"
		for p in "${NBLC_K73_DEBS[@]}"; do
			apt-get "${APT_OPTS[@]}" -q download "$p=$NBLC_K73_VERSION" >>apt.log 2>&1 ||
				{ cat apt.log >&2; echo "setup.sh: cannot download $p" >&2; exit 1; }
		done
		for p in *.deb; do
			dpkg-deb -x "$p" root
		done
		rm -f ./*.deb
	) || exit 1
	rm -rf "$tmp/apt"
	mv "$tmp" "$NBLC_K73_DIR"
	touch "$NBLC_K73_DIR/.nblc-unpacked"
}

# Sparse for 7.3, whose headers use __typeof_unqual__: Debian 12's 0.6.4
# does not know it, and 7.3's Makefile then skips C=2 with a warning.
# Built from Debian's source package with this machine's gcc.
fetch_sparse() {
	local tmp=$NBLC_SPARSE_DIR.tmp

	[ -x "$NBLC_SPARSE" ] && return 0
	echo "setup.sh: building sparse $NBLC_SPARSE_VERSION from Debian's source"
	rm -rf "$NBLC_SPARSE_DIR" "$tmp"
	mkdir -p "$tmp"
	apt_private "$tmp/apt" "deb-src unstable"
	(
		cd "$tmp"
		apt-get "${APT_OPTS[@]}" -q source --download-only \
			"sparse=$NBLC_SPARSE_VERSION" >>apt.log 2>&1 ||
			{ cat apt.log >&2; echo "setup.sh: cannot download sparse" >&2; exit 1; }
		tar -xzf sparse_*.orig.tar.gz
		make -C sparse-*/ -j"$(nproc)" sparse >make.log 2>&1 ||
			{ tail -n 20 make.log >&2; echo "setup.sh: sparse build failed" >&2; exit 1; }
		cp sparse-*/sparse sparse
		rm -rf apt sparse-*/ ./*.tar.* ./*.dsc
	) || exit 1
	mv "$tmp" "$NBLC_SPARSE_DIR"
}

install_apt
fetch_k73
fetch_sparse
