# SPDX-License-Identifier: GPL-2.0
#
# The module loads, shows its sysfs tree and pool cache, and unloads with
# nothing left behind, several times in a row.
. /scenarios/lib.sh

for i in 1 2 3; do
	load_nblclone
	for f in allocated freed outstanding clones failures misuse ctx_allocs \
		 bytes_copied fallback_frag_list fallback_frags fallback_unreadable \
		 fallback_zerocopy page_refs; do
		expect_eq "pool/$f after load $i" "$(cat $NBLC_SYS/pool/$f)" 0
	done
	grep -q '^nbl_nblclone ' /proc/slabinfo || fail "no nbl_nblclone slab cache"
	# The fault sites are there for the reliability scenarios.
	[ -e /sys/kernel/debug/nblclone/fail_nth ] || fail "no debugfs fail_nth"
	# Read-only files refuse writes.
	if { echo 1 >$NBLC_SYS/pool/allocated; } 2>/dev/null; then
		fail "pool/allocated accepted a write"
	fi
	unload_nblclone
done

# A module parameter out of range is refused with a clear message.
if modprobe nblclone owner_bits=99 2>/dev/null; then
	fail "owner_bits=99 accepted"
fi
dmesg | grep -q 'owner_bits=99: must be 6 to 20' || fail "no message for owner_bits=99"
lsmod | grep -q '^nblclone ' && fail "nblclone loaded after a refused parameter"
true
