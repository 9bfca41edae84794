# SPDX-License-Identifier: GPL-2.0
#
# Malformed configuration is refused and changes nothing. The acceptance:
#
#   "Bad configuration: at least 25 malformed writes (unknown device, bad
#   mode, overlong names, duplicate session, out-of-range numbers, garbage
#   bytes) each fail with a clear errno and leave the configuration
#   unchanged."
#
#   srca ==veth== srcb     t1 ==veth== t1p (netns col)     nblm0
#   gre1 (layer-3 GRE: no Ethernet header)    d0..d16 (dummy)
#   sessions: good (srcb -> t1, enabled), cold (srca -> t1, disabled),
#             nosrc (nothing), full (srcb -> d0..d15)
#
# Each write below goes in one write() (dd) and must fail with the errno the
# ABI (Documentation/ABI/testing/sysfs-kernel-nblclone) gives; before and
# after it, the whole configuration (the sessions, every readable setting,
# the target directories, the nblm interfaces) must read the same
# (expect_write_fails). Where the ABI names no errno for a case, the
# expectation is EINVAL for a malformed value and ENODEV for a device name
# that cannot exist. Sysfs itself answers EACCES for read-only files; past
# a page it hands the store the first page only (kernfs has no
# atomic_write_len for sysfs), which the module refuses as malformed.
. /scenarios/traffic.sh

load_nblclone
tr_init
modprobe ip_gre || fail "modprobe ip_gre"
modprobe dummy numdummies=0 || fail "modprobe dummy"
ns_new col
veth_add srca srcb
link_up - srca
link_up - srcb
topo_target t1 col 1500
veth_add t2 t2q
nblm_add 0
# busybox makes layer-3 GRE through the old ioctl.
ip tunnel add gre1 mode gre local 198.18.3.1 remote 198.18.3.2 ||
	fail "ip tunnel add gre1"
echo gre1 >>$TR_TMP/links
i=0
while [ $i -le 16 ]; do
	ip link add name d$i type dummy || fail "dummy d$i"
	echo d$i >>$TR_TMP/links
	i=$((i + 1))
done

sess_mk good srcb ingress t1
sess_new cold
sess_set cold source srca
sess_set cold targets +t1
sess_new nosrc
sess_new full
sess_set full source srcb
i=0
while [ $i -lt 16 ]; do
	sess_set full targets +d$i
	i=$((i + 1))
done

S=$NBLC_SYS
C=$S/sessions/cold
TR_REFUSED=0

# expect_logged FILE VALUE ERRNO: expect_write_fails, and the kernel log
# says why: what FILE expects for EINVAL, else FILE and ERRNO.
expect_logged() {
	local want="${1##*/}: refused: -$3"

	[ "$3" != EINVAL ] || want="${1##*/}: expected "
	dmesg -c >/dev/null
	expect_write_fails "$@"
	dmesg | grep -q "$want" ||
		fail "no log line '$want' for '$2' > ${1#$NBLC_SYS/}: $(dmesg | tail -n 2)"
}

# A refused write logs why, whatever the errno. Nothing was refused before:
# these few stay below the log's rate limit (ten lines in five seconds).
expect_logged $C/snaplen 13 EINVAL
expect_logged $S/new_session good EEXIST
expect_logged $S/del_session nosuch ENOENT
expect_logged $S/del_nblm nblm7 ENODEV
expect_logged $C/source t1 EBUSY
expect_logged $S/sessions/full/enabled 2 EINVAL
TR_WNS=col
expect_logged $S/del_session good EXDEV
expect_logged $S/sessions/good/mode copy EXDEV
TR_WNS=

# Session names.
expect_write_fails $S/new_session '\n' EINVAL
expect_write_fails $S/new_session . EINVAL
expect_write_fails $S/new_session .. EINVAL
expect_write_fails $S/new_session 0123456789abcdef EINVAL
expect_write_fails $S/new_session bad/name EINVAL
expect_write_fails $S/new_session 'a b' EINVAL
expect_write_fails $S/new_session good EEXIST
expect_write_fails $S/new_session 'good\n' EEXIST
expect_write_fails $S/new_session '\0377\0376\0001' EINVAL
expect_write_fails $S/new_session 'ab\0000cd' EINVAL
expect_write_fails $S/new_session '\0351t\0351' EINVAL
long=$(head -c 5000 /dev/zero | tr '\0' a)
expect_write_fails $S/new_session "$long" EINVAL
expect_write_fails $S/new_session "$(head -c 200 /dev/zero | tr '\0' a)" EINVAL
expect_write_fails $S/del_session nosuch ENOENT
expect_write_fails $S/del_session ../good EINVAL

# nblm interfaces.
expect_write_fails $S/new_nblm nblm256 EINVAL
expect_write_fails $S/new_nblm nblm0 EEXIST
expect_write_fails $S/new_nblm eth0 EINVAL
expect_write_fails $S/new_nblm nblm-1 EINVAL
expect_write_fails $S/new_nblm nblm EINVAL
expect_write_fails $S/new_nblm nblm+5 EINVAL
expect_write_fails $S/new_nblm 'nblm 5' EINVAL
expect_write_fails $S/del_nblm nblm7 ENODEV
expect_write_fails $S/del_nblm t1 EINVAL

# Sources (of the disabled session).
expect_write_fails $C/source nosuchdev ENODEV
expect_write_fails $C/source abcdefghijklmnopq ENODEV
expect_write_fails $C/source t1 EBUSY
expect_write_fails $C/source gre1 EINVAL
expect_write_fails $C/source '\0377' ENODEV

# Targets.
expect_write_fails $C/targets +nosuch ENODEV
expect_write_fails $C/targets +t1 EEXIST
expect_write_fails $C/targets +srca EBUSY
expect_write_fails $C/targets -t2 ENODEV
expect_write_fails $C/targets t2 EINVAL
expect_write_fails $C/targets + EINVAL
expect_write_fails $C/targets +gre1 EINVAL
expect_write_fails $S/sessions/full/targets +d16 ENOSPC

# Words.
expect_write_fails $C/direction sideways EINVAL
expect_write_fails $C/direction Ingress EINVAL
expect_write_fails $C/mode zerocopy EINVAL
expect_write_fails $C/mode 'share own' EINVAL

# Numbers.
expect_write_fails $C/snaplen 65536 EINVAL
expect_write_fails $C/snaplen -1 EINVAL
expect_write_fails $C/snaplen 12abc EINVAL
expect_write_fails $C/snaplen 99999999999999999999 EINVAL
expect_write_fails $C/sample 0 EINVAL
expect_write_fails $C/sample 1000001 EINVAL
expect_write_fails $C/max_in_flight 0 EINVAL
expect_write_fails $C/max_in_flight 1048577 EINVAL
expect_write_fails $C/sample +7 EINVAL
expect_write_fails $C/sample ' 7' EINVAL
expect_write_fails $C/snaplen 0x80 EINVAL

# Filters.
expect_write_fails $C/filter 'port 0' EINVAL
expect_write_fails $C/filter 'port 65536' EINVAL
expect_write_fails $C/filter 'ethertype 0x5ff' EINVAL
expect_write_fails $C/filter 'vlan 4096' EINVAL
expect_write_fails $C/filter 'proto 256' EINVAL
expect_write_fails $C/filter 'port 80 port 81' EINVAL
expect_write_fails $C/filter 'bogus 1' EINVAL
expect_write_fails $C/filter port EINVAL
expect_write_fails $C/filter 'any port 9' EINVAL
expect_write_fails $C/filter 'port 0x' EINVAL
expect_write_fails $C/filter 'port 0x0x50' EINVAL
expect_write_fails $C/filter 'port -80' EINVAL

# Switches.
expect_write_fails $C/enabled 2 EINVAL
expect_write_fails $C/enabled yes EINVAL
expect_write_fails $S/sessions/nosrc/enabled 1 ENODEV
expect_write_fails $C/reset 2 EINVAL

# Read-only files.
expect_write_fails $S/sessions/good/stats/seen 0 EACCES
expect_write_fails $S/pool/allocated 0 EACCES

# From another network namespace: a session belongs to its own.
TR_WNS=col
expect_write_fails $S/sessions/good/targets +t1p EXDEV
expect_write_fails $S/del_session good EXDEV
expect_write_fails $S/sessions/good/mode copy EXDEV
TR_WNS=

# Past 64 sessions.
n=$(ls $S/sessions | wc -l)
i=0
while [ $n -lt 64 ]; do
	sess_new x$i
	i=$((i + 1))
	n=$((n + 1))
done
expect_write_fails $S/new_session one-too-many ENOSPC
i=0
while [ -e $S/sessions/x$i ]; do
	sess_del x$i
	i=$((i + 1))
done

tr_log "$TR_REFUSED writes refused"
expect_ge "refused writes" $TR_REFUSED 25

# What was configured still reads as it was set.
expect_eq "good source" "$(sess_get good source)" srcb
expect_eq "good targets" "$(sess_get good targets)" t1
expect_eq "good enabled" "$(sess_get good enabled)" 1
expect_eq "cold source" "$(sess_get cold source)" srca
expect_eq "cold snaplen" "$(sess_get cold snaplen)" 0
expect_eq "cold sample" "$(sess_get cold sample)" 1
expect_eq "cold max_in_flight" "$(sess_get cold max_in_flight)" 4096
expect_eq "cold filter" "$(sess_get cold filter)" any
expect_eq "cold mode" "$(sess_get cold mode)" share
expect_eq "cold direction" "$(sess_get cold direction)" ingress
expect_eq "full targets" "$(sess_get full targets | wc -l)" 16

# Numbers are decimal, or hex with 0x where the ABI says so: never octal.
sess_set cold filter 'port 010 ethertype 0x0800'
expect_eq "cold filter" "$(sess_get cold filter)" "ethertype 0x0800 port 10"
sess_set cold filter 'port 08'
expect_eq "cold filter" "$(sess_get cold filter)" "port 8"
sess_set cold filter any

# A renamed target or source keeps its place under its new name; the old
# name is free for another device, which can be added as a target too.
ip link set dev d0 name d0new || fail "rename d0"
grep -vx d0 $TR_TMP/links >$TR_TMP/links.new || true
echo d0new >>$TR_TMP/links.new
mv $TR_TMP/links.new $TR_TMP/links
sess_get full targets | grep -qx d0new || fail "full targets after rename: $(sess_get full targets)"
[ -d $S/sessions/full/target/d0new ] || fail "no target/d0new after rename"
[ ! -e $S/sessions/full/target/d0 ] || fail "target/d0 still there after rename"
ip link add name d0 type dummy || fail "dummy d0"
echo d0 >>$TR_TMP/links
sess_set full targets -d15
sess_set full targets +d0
sess_set full targets -d0new
expect_eq "full targets" "$(sess_get full targets | wc -l)" 15
ip link set dev srca down || fail "down srca"
ip link set dev srca name srcx || fail "rename srca"
expect_eq "cold source after rename" "$(sess_get cold source)" srcx
ip link set dev srcx name srca || fail "rename srcx"
expect_eq "cold source renamed back" "$(sess_get cold source)" srca

tr_cleanup
unload_nblclone
