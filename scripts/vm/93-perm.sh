# SPDX-License-Identifier: GPL-2.0
#
# Permissions and isolation. The acceptance (issue 5, point 6):
#
#   "every sysfs file is root-only writable (0644 or 0200, no world write);
#   a session in one network namespace cannot name a device of another; no
#   kernel pointer is printed unhashed."
#
#   initial netns                                    | netns col
#   srca ==veth== srcb                               |
#     session "perm": srcb ingress -> nblm0          |
#   pktgen -> t1 ==veth============================= t1p    session "cs"
#             t2 ==veth============================= t2p <-- (made from col:
#   nblm0                                            |  nblm7 t1p ingress -> t2p)
#   nblm7 (same name, another namespace)             |
#
# Modes: every file under /sys/kernel/nblclone (with a session, a target
# and nblm interfaces in place) and the module's parameter are owned by
# root:root and 0644, 0444 or 0200 (so no group or world write); the
# writable ones are exactly the ABI's: the four control files, and source,
# direction, targets, mode, filter, enabled, reset, snaplen, sample and
# max_in_flight of a session. The module's debugfs files are 0600 or 0400.
#
# CAP_NET_ADMIN: from a user namespace (unshare -r, root mapped to root, so
# file permissions pass), every writable file refuses a valid value with
# EPERM and the configuration does not change; reading still works. From a
# user and network namespace of its own, the writer has CAP_NET_ADMIN
# there: it may create a session (which goes with its namespace), but any
# write to, or about, a session of the initial namespace is EXDEV, and it
# cannot name the initial namespace's devices (ENODEV).
#
# Namespaces: perm (initial) cannot take t1p or t2p (col) as source or
# target: ENODEV. cs (made from col) takes t1p and t2p, cannot take srcb,
# t1 or nblm0: ENODEV. Each namespace's writes to the other's session (and
# del_session) are EXDEV. nblm7 made from col lives in col; the initial
# namespace cannot delete it (ENODEV) and makes its own nblm7. Frames into
# t1p are mirrored by cs to t2p (arriving on t2) and perm sees none of
# them. When col goes, cs and col's nblm7 go with it, and perm keeps its
# target.
#
# Pointers: no file under /sys/kernel/nblclone or its debugfs directory,
# and nothing in dmesg (after refused writes, namespace teardown, unload
# and load), shows a kernel address (ffff and 12 more hex digits; a
# hashed %p prints 00000000 and 8 digits).
. /scenarios/traffic.sh

S=$NBLC_SYS
DBG=/sys/kernel/debug/nblclone
N=${PERM_FRAMES:-500}
PG_DELAY=${PG_DELAY_PERM:-100000}
CTL_FILES="new_session del_session new_nblm del_nblm"
SESS_FILES="source direction targets mode filter enabled reset snaplen sample max_in_flight"

load_nblclone
tr_init
ns_new col
topo_source 1500
topo_target t1 col 1500
topo_target t2 col 1500
nblm_add 0 1500
sess_mk perm srcb ingress nblm0
sess_set perm filter "proto 17 port 9"
dmesg -c >/dev/null

# ------------------------------------------------------------------ modes

find $S /sys/module/nblclone/parameters -type f -exec stat -c '%a %u %g %n' {} + \
	>$TR_TMP/modes || fail "stat"
nfiles=$(wc -l <$TR_TMP/modes)
expect_ge "files under $S" "$nfiles" 50
awk -v ctl="$CTL_FILES" -v sess="$SESS_FILES" '
	BEGIN { n = split(ctl " " sess, w, " "); for (i = 1; i <= n; i++) ok[w[i]] = 1 }
	{ f = $4; sub(/.*\//, "", f) }
	$2 != 0 || $3 != 0 { print "not root:root: " $0; next }
	$1 != "644" && $1 != "444" && $1 != "200" { print "mode " $1 ": " $4; next }
	$1 != "444" && !ok[f] { print "writable, not in the ABI: " $4; next }
	$1 == "444" && ok[f] && $4 !~ /\/(stats|target)\// { print "read-only, the ABI says writable: " $4 }
	' $TR_TMP/modes >$TR_TMP/badmodes
[ ! -s $TR_TMP/badmodes ] || fail "$(head -n 5 $TR_TMP/badmodes)"
for f in $CTL_FILES; do
	expect_eq "mode of $f" "$(stat -c %a $S/$f)" 200
done
for f in $SESS_FILES; do
	m=644
	[ $f != reset ] || m=200
	expect_eq "mode of sessions/perm/$f" "$(stat -c %a $S/sessions/perm/$f)" $m
done
find $S -type d -exec stat -c '%a %u %n' {} + >$TR_TMP/dirs || fail "stat dirs"
awk '$1 != "755" || $2 != 0 { print }' $TR_TMP/dirs >$TR_TMP/baddirs
[ ! -s $TR_TMP/baddirs ] || fail "directories: $(head -n 3 $TR_TMP/baddirs)"
find $DBG -type f -exec stat -c '%a %u %n' {} + >$TR_TMP/dbg || fail "stat debugfs"
awk '($1 != "600" && $1 != "400") || $2 != 0 { print }' $TR_TMP/dbg >$TR_TMP/baddbg
[ ! -s $TR_TMP/baddbg ] || fail "debugfs: $(head -n 3 $TR_TMP/baddbg)"
tr_log "modes: $nfiles files and $(wc -l <$TR_TMP/dirs) directories root-only writable, $(wc -l <$TR_TMP/dbg) debugfs files root-only"

# ---------------------------------------------------------- CAP_NET_ADMIN

# One valid value per writable file, each of which the initial namespace
# with CAP_NET_ADMIN would accept.
cat >$TR_TMP/writes <<EOF
$S/new_session	x1
$S/del_session	perm
$S/new_nblm	nblm9
$S/del_nblm	nblm0
$S/sessions/perm/source	none
$S/sessions/perm/direction	egress
$S/sessions/perm/targets	+t2
$S/sessions/perm/mode	copy
$S/sessions/perm/filter	any
$S/sessions/perm/enabled	0
$S/sessions/perm/reset	1
$S/sessions/perm/snaplen	100
$S/sessions/perm/sample	2
$S/sessions/perm/max_in_flight	10
EOF
cat >$TR_TMP/try.sh <<'EOF'
# try.sh LIST: each "FILE<TAB>VALUE" written once; prints FILE and the
# outcome: ok, or the error.
tab=$(printf '\t')
while IFS= read -r l; do
	f=${l%%"$tab"*}
	v=${l#*"$tab"}
	if echo -n "$v" 2>/tmp/try.err >"$f"; then
		echo "$f ok"
	else
		echo "$f $(cat /tmp/try.err)"
	fi
done <"$1"
EOF
before=$(config_snapshot)
logged=$(dmesg | grep -c ': refused: -EPERM$' || true)
unshare -r sh $TR_TMP/try.sh $TR_TMP/writes >$TR_TMP/userns ||
	fail "unshare -r: $(cat $TR_TMP/userns)"
expect_eq "writes tried in a user namespace" "$(wc -l <$TR_TMP/userns)" 14
if grep -v 'Operation not permitted' $TR_TMP/userns >$TR_TMP/bad; then
	fail "without CAP_NET_ADMIN: $(head -n 3 $TR_TMP/bad)"
fi
expect_eq "configuration after writes without CAP_NET_ADMIN" "$(config_snapshot)" "$before"
# Logged too, up to the rate limit (ten lines in five seconds).
expect_ge "log lines 'refused: -EPERM'" "$(dmesg | grep -c ': refused: -EPERM$' || true)" \
	$((logged + 1))
expect_eq "reading in a user namespace" \
	"$(unshare -r cat $S/sessions/perm/filter)" "proto 17 port 9"
tr_log "no CAP_NET_ADMIN: 14 writes, all EPERM, nothing changed"

# In a user and network namespace of its own it has CAP_NET_ADMIN there.
printf '%s\t%s\n' $S/sessions/perm/mode copy $S/sessions/perm/targets -nblm0 \
	$S/sessions/perm/reset 1 $S/del_session perm $S/new_session uns1 \
	$S/sessions/uns1/source srcb $S/sessions/uns1/targets +nblm0 \
	$S/sessions/uns1/targets +lo $S/sessions/uns1/source lo >$TR_TMP/own.list
cat >$TR_TMP/own.sh <<EOF
sh $TR_TMP/try.sh $TR_TMP/own.list
ls $S/sessions | tr '\n' ' '
echo
EOF
unshare -r -n sh $TR_TMP/own.sh >$TR_TMP/own || fail "unshare -r -n: $(cat $TR_TMP/own)"
tr_log "own user and network namespace: $(tr '\n' '|' <$TR_TMP/own)"
own_line() {
	sed -n "$1p" $TR_TMP/own
}
for i in 1 2 3 4; do
	case "$(own_line $i)" in
	*"Invalid cross-device link"*) ;;
	*) fail "from another namespace, expected EXDEV: $(own_line $i)" ;;
	esac
done
expect_eq "new_session in its own namespace" "$(own_line 5)" "$S/new_session ok"
for i in 6 7; do
	case "$(own_line $i)" in
	*"No such device"*) ;;
	*) fail "a device of the initial namespace, expected ENODEV: $(own_line $i)" ;;
	esac
done
expect_eq "its own lo as a target" "$(own_line 8)" "$S/sessions/uns1/targets ok"
case "$(own_line 9)" in
*"Device or resource busy"*) ;;
*) fail "its target as source, expected EBUSY: $(own_line 9)" ;;
esac
case " $(own_line 10)" in
*" uns1 "*) ;;
*) fail "uns1 not listed while its namespace lived: $(own_line 10)" ;;
esac
wait_until 100 test ! -e $S/sessions/uns1 || fail "uns1 outlived its namespace"
expect_eq "configuration after the foreign namespace" "$(config_snapshot)" "$before"

# ------------------------------------------------------------- namespaces

expect_write_fails $S/sessions/perm/targets +t1p ENODEV
expect_write_fails $S/sessions/perm/targets +t2p ENODEV
sess_set perm enabled 0
expect_write_fails $S/sessions/perm/source t1p ENODEV
sess_set perm enabled 1

TR_WNS=col
sess_new cs
sess_set cs source t1p
sess_set cs targets +t2p
expect_write_fails $S/sessions/cs/targets +t1 ENODEV
expect_write_fails $S/sessions/cs/targets +srcb ENODEV
expect_write_fails $S/sessions/cs/targets +nblm0 ENODEV
sess_set cs enabled 0
expect_write_fails $S/sessions/cs/source srcb ENODEV
sess_set cs enabled 1
expect_write_fails $S/sessions/perm/mode copy EXDEV
expect_write_fails $S/sessions/perm/targets -nblm0 EXDEV
expect_write_fails $S/sessions/perm/enabled 0 EXDEV
expect_write_fails $S/del_session perm EXDEV
expect_write_ok $S/new_nblm nblm7
TR_WNS=
expect_write_fails $S/sessions/cs/mode copy EXDEV
expect_write_fails $S/sessions/cs/targets -t2p EXDEV
expect_write_fails $S/sessions/cs/reset 1 EXDEV
expect_write_fails $S/del_session cs EXDEV
expect_write_fails $S/del_nblm nblm7 ENODEV
[ ! -e /sys/class/net/nblm7 ] || fail "col's nblm7 shows in the initial namespace"
nsx col grep -q 'nblm7:' /proc/net/dev || fail "no nblm7 in col"
nblm_add 7
nsx col grep -q 'nblm7:' /proc/net/dev || fail "col's nblm7 went with the initial one's"
tr_log "namespaces: $TR_REFUSED writes refused as they should be"

# Frames into col: cs mirrors them there, perm sees none.
sess_set perm reset 1
PG_DST_MAC=$(dev_mac col t1p)
rx2=$(dev_counter - t2 rx_packets)
pg_send t1 $N 64
wait_until 100 stat_is cs matched $N || fail "cs matched $(sess_stat cs matched) of $N"
wait_in_flight cs
expect_stat cs seen $N
expect_stat cs packets $N
expect_stat cs completions $N
expect_tstat cs t2p packets $N
expect_no_drops cs t2p
expect_stat perm seen 0
expect_eq "frames arriving on t2" $(($(dev_counter - t2 rx_packets) - rx2)) $N

# The namespace goes, its session with it; perm keeps its own target.
ns_del col
wait_until 100 test ! -e $S/sessions/cs || fail "cs outlived its namespace"
# col's nblm7 goes with col, not pushed here renamed devN (nblm7 is
# taken): once t1, the veth peer of col's t1p, is gone, col's devices are.
wait_until 100 test ! -e /sys/class/net/t1 || fail "t1 outlived col's t1p"
devs=$(ls /sys/class/net | tr '\n' ' ')
tr_log "devices after col went: $devs"
case " $devs" in
*" dev"[0-9]*) fail "a device of col came here: $devs" ;;
esac
expect_eq "perm targets after col went" "$(sess_get perm targets)" nblm0
tr_log "col gone, and cs with it"

# --------------------------------------------------------------- pointers

grep -rh . $S $DBG 2>/dev/null | no_pointer "/sys/kernel/nblclone or debugfs"
sess_del perm
tr_cleanup
unload_nblclone
load_nblclone
unload_nblclone
dmesg | no_pointer dmesg
tr_log "no kernel pointer in $(dmesg | grep -c .) lines of dmesg"
