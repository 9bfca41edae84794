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

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

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
