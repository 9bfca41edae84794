# SPDX-License-Identifier: GPL-2.0
#
# Configuration changes under traffic. The acceptance:
#
#   "Lifecycle under traffic: deleting a target device, deleting the
#   session, and `rmmod` while pktgen runs: no splat (panic_on_warn is on),
#   module removal completes, in-flight count returns to 0."
#
#   pktgen (endless) -> srca ==veth== srcb               | netns col
#                                ingress ^               |
#        session lc1 (share) --+--> t1 ==veth============== t1p  (deleted)
#                              +--> t2 ==veth============== t2p
#                              +--> nblm0                 (deleted)
#        session lc2 (copy)  --+--> t2
#                              +--> t3 ==veth============== t3p  (t3 moved
#                                                         |  into col)
#
# While pktgen sends without end: t1 is deleted (it leaves lc1's targets,
# lc1 keeps mirroring to the rest), t3 moves to netns col (it leaves lc2),
# lc2 is deleted, nblm0 is deleted; then, with traffic paused, lc1's
# in_flight and the pool's outstanding NBLs return to 0. pktgen runs again
# and nblclone is removed under it: rmmod completes (within 60 s) and
# leaves no sysfs directory, slab cache or nblm interface (one is in col).
# Before that, an nblm interface goes with its deleted namespace. Loaded
# again, a session whose source device is deleted under traffic disables
# itself and clears its source. A splat would panic the VM
# (panic_on_warn); a leaked device reference would show as
# "unregister_netdevice: waiting for" and hang the deletion; both fail the
# run.
. /scenarios/traffic.sh

PG_DELAY=${PG_DELAY_LIFECYCLE:-100000}

# grows NAME STAT: the session's counter goes up within 10 s.
grows() {
	local v0
	v0=$(sess_stat "$1" "$2")
	wait_until 100 stat_above "$1" "$2" "$v0" ||
		fail "session $1 $2 stuck at $v0 under traffic"
}

pg_sent_above() {
	[ "$(pg_sent srca)" -gt "$1" ]
}

targets_of() {
	sess_get "$1" targets | tr '\n' ' '
}

load_nblclone
tr_init
ns_new col
topo_source 1500
topo_target t1 col 1500
topo_target t2 col 1500
topo_target t3 col 1500
nblm_add 0 1500
sess_mk lc1 srcb ingress t1 t2 nblm0
sess_new lc2
sess_set lc2 mode copy
sess_set lc2 source srcb
sess_set lc2 targets +t2
sess_set lc2 targets +t3
sess_set lc2 enabled 1

pg_start srca 0 64
grows lc1 packets
grows lc2 packets

# A target device deleted under traffic leaves the session.
link_del t1
expect_eq "lc1 targets after deleting t1" "$(targets_of lc1)" "t2 nblm0 "
[ ! -e $NBLC_SYS/sessions/lc1/target/t1 ] || fail "target/t1 still there"
grows lc1 packets
tr_log "t1 deleted"

# A target leaving the namespace leaves the session.
ip link set dev t3 netns "$(ns_pid col)" || fail "move t3"
grep -vx t3 $TR_TMP/links >$TR_TMP/links.new || true
mv $TR_TMP/links.new $TR_TMP/links
expect_eq "lc2 targets after moving t3" "$(targets_of lc2)" "t2 "
grows lc2 packets
tr_log "t3 moved"

# A session deleted under traffic.
sess_del lc2
grows lc1 packets
tr_log "lc2 deleted"

# An nblm target deleted under traffic.
nblm_del 0
expect_eq "lc1 targets after deleting nblm0" "$(targets_of lc1)" "t2 "
grows lc1 packets
tr_log "nblm0 deleted"

# An nblm interface dies with its namespace, not pushed to the initial one
# (renamed devN) where nothing could delete it. The veth pair gx-gy shows
# when the namespace's devices are gone: gx goes after they would have
# moved.
ns_new gone
TR_WNS=gone
expect_write_ok $NBLC_SYS/new_nblm nblm9
TR_WNS=
mac=$(dev_mac gone nblm9)
[ -n "$mac" ] || fail "no nblm9 in netns gone"
veth_add gx gy gone
ns_del gone
wait_until 100 test ! -e /sys/class/net/gx || fail "netns gone: gx still there"
if grep -qx "$mac" /sys/class/net/*/address; then
	fail "nblm9 of netns gone moved here: $(grep -lx "$mac" /sys/class/net/*/address)"
fi
tr_log "nblm9 went with its namespace"

# Traffic paused: nothing stays in flight.
pg_stop
wait_in_flight lc1
expect_tstat lc1 t2 in_flight 0
wait_until 100 pool_idle || fail "pool: $(cat $NBLC_SYS/pool/outstanding) NBLs outstanding"
# Children sent to t1 and nblm0 as they went were dropped (down, xmit);
# nothing else was: no lost allocation, no MTU, nesting or in-flight cap.
expect_eq "lc1 drops on t2 ($(cd $NBLC_SYS/sessions/lc1/target/t2 && grep . drop_* | tr '\n' ' '))" \
	"$(sess_drops lc1 t2)" 0
for d in nomem mtu nest in_flight; do
	expect_stat lc1 drop_$d 0
done
tr_log "in flight back to 0; lc1 drops: down $(sess_stat lc1 drop_down), xmit $(sess_stat lc1 drop_xmit)"

# rmmod under traffic, with an nblm interface in another namespace. From
# here on every step runs on the traffic's CPU: rmmod and deleting srca
# remove the last netdev hook while pktgen runs.
on_traffic_cpu
TR_WNS=col
expect_write_ok $NBLC_SYS/new_nblm nblm8
TR_WNS=
pg_start srca 0 64
grows lc1 packets
timeout 60 rmmod nblclone || fail "rmmod nblclone under traffic"
[ ! -e $NBLC_SYS ] || fail "$NBLC_SYS still there after rmmod"
nsx col ip link show dev nblm8 >/dev/null 2>&1 && fail "nblm8 outlived rmmod in col"
grep -q '^nbl_' /proc/slabinfo && fail "slab caches left: $(grep '^nbl_' /proc/slabinfo)"
sent=$(pg_sent srca)
wait_until 100 pg_sent_above "$sent" || fail "pktgen stopped with nblclone"
pg_stop
tr_log "rmmod under traffic done"

# The source device deleted under traffic: the session disables itself.
load_nblclone
sess_mk lc3 srcb ingress t2
pg_start srca 0 64
grows lc3 packets
link_del srca
pg_stop
expect_eq "lc3 enabled after its source went" "$(sess_get lc3 enabled)" 0
expect_eq "lc3 source after it went" "$(sess_get lc3 source)" ""
wait_in_flight lc3
sess_del lc3
tr_cleanup
unload_nblclone
