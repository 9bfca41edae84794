# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the VM init and by every scenario (busybox sh, set -e).

NBLC_SYS=/sys/kernel/nblclone

fail() {
	echo "NBLC_FAIL ${0##*/}: $*"
	exit 1
}

# expect_eq WHAT ACTUAL EXPECTED
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
}

load_nblclone() {
	modprobe nblclone || fail "modprobe nblclone"
	[ -d $NBLC_SYS ] || fail "no $NBLC_SYS after insmod"
}

# Remove nblclone, but only once its objects are all back: a module that
# unloads with NBLs outstanding has leaked them.
unload_nblclone() {
	out=$(cat $NBLC_SYS/pool/outstanding)
	[ "$out" = 0 ] || fail "$out NBLs outstanding before rmmod"
	rmmod nblclone || fail "rmmod nblclone"
	[ ! -e $NBLC_SYS ] || fail "$NBLC_SYS still there after rmmod"
	if grep -q '^nbl_' /proc/slabinfo; then
		fail "slab caches left after rmmod: $(grep '^nbl_' /proc/slabinfo)"
	fi
}
