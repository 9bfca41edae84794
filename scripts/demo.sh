#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: the main job, end to end. Installs what it needs, builds
# nblclone, boots the test VM (Debian's kernel under QEMU), sends live
# traffic (pktgen) through a source device whose packets one session
# mirrors to three nblm interfaces: without mirroring, with clones (share)
# and with full copies (copy). Prints what each target saw, the payload
# bytes copied and pktgen's time per frame for each mode.
#
# Environment: KSERIES (6.12 or 6.1), DEMO_FRAMES (default 20000),
# DEMO_SIZE (frame bytes, default 1500).
. "$(dirname "$0")/lib/common.sh"

nblc_setup
kver=$(nblc_image_kver)
log=$NBLC_ROOT/build/vm-$KSERIES/console.log

"$NBLC_ROOT/scripts/vm-test.sh" --demo || {
	echo "demo failed; the VM's console is in $log" >&2
	exit 1
}

echo
echo "nblclone demo on $kver (QEMU TCG, 2 vCPUs): $(grep -a -m1 '^NBLC_DEMO' "$log" |
	awk '{ print $3 }') frames of ${DEMO_SIZE:-1500} bytes through dummy0's egress hook"
echo
awk '/^NBLC_DEMO/ {
	if (!hdr++) {
		printf "%-8s %8s %8s %8s %8s %14s %10s\n", "mode", "frames", "nblm0",
		       "nblm1", "nblm2", "bytes_copied", "ns/frame"
	}
	printf "%-8s %8s %8s %8s %8s %14s %10s\n", $2, $3, $4, $5, $6, $7, $8
}' "$log"
echo
echo "share: every target gets every frame, no payload byte copied (skb_clone)."
echo "copy:  the same frames, each one copied per target (skb_copy)."
echo "ns/frame is emulated (TCG) time on the source path: compare the rows,"
echo "not with real hardware; scripts/bench-*.sh measure in UML."
