# SPDX-License-Identifier: GPL-2.0
#
# The module loads, shows its sysfs tree and pool cache, and unloads with
# nothing left behind, several times in a row.
. /scenarios/lib.sh

for i in 1 2 3; do
	load_nblclone
	for f in allocated freed outstanding clones failures; do
		expect_eq "pool/$f after load $i" "$(cat $NBLC_SYS/pool/$f)" 0
	done
	grep -q '^nbl_nblclone ' /proc/slabinfo || fail "no nbl_nblclone slab cache"
	# Read-only files refuse writes.
	if { echo 1 >$NBLC_SYS/pool/allocated; } 2>/dev/null; then
		fail "pool/allocated accepted a write"
	fi
	unload_nblclone
done
