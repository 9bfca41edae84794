# SPDX-License-Identifier: GPL-2.0
#
# nblctl (scripts/nblctl, /bin/nblctl here) does what the sysfs files do and
# says why when the module refuses: it makes nblm sinks and a session that
# mirrors srcb's ingress to them, pktgen sends frames through it, and
# `stats -j` agrees with the sysfs counters number for number; `show` and
# `show -j` say the configuration. Bad commands fail with the right exit
# status and sentence, a `session add` that fails half-way leaves no
# session behind, and nblctl deletes everything again.
#
#   pktgen -> srca ==veth==> srcb (ingress hook) --> nblm0
#                                                `-> nblm1
. /scenarios/lib.sh
. /scenarios/traffic.sh

N=300
SIZE=200
SNAP=128
S=$NBLC_SYS/sessions/m1
TX_KEYS="packets bytes bytes_copied drop_nomem drop_mtu drop_down drop_nest drop_in_flight drop_xmit"

# run ARGS...: nblctl ARGS, its exit status in RC, stdout and stderr in OUT.
run() {
	RC=0
	OUT=$(nblctl "$@" 2>&1) || RC=$?
}

# ok ARGS...: nblctl ARGS must succeed.
ok() {
	run "$@"
	[ "$RC" = 0 ] || fail "nblctl $*: exit $RC: $OUT"
}

# bad STATUS TEXT ARGS...: nblctl ARGS must exit with STATUS and say TEXT.
bad() {
	want=$1 text=$2
	shift 2
	run "$@"
	[ "$RC" = "$want" ] || fail "nblctl $*: exit $RC, expected $want: $OUT"
	case $OUT in
	*"$text"*) ;;
	*) fail "nblctl $*: said '$OUT', expected '$text'" ;;
	esac
}

# no_session NAME: a failed `session add NAME` left nothing behind.
no_session() {
	[ ! -e "$NBLC_SYS/sessions/$1" ] || fail "session $1 left behind: $(config_snapshot)"
}

# jnum LINE KEY: the number KEY of a one-object JSON line.
jnum() {
	printf '%s\n' "$1" | sed -n "s/.*\"$2\":\(-\{0,1\}[0-9]*\).*/\1/p"
}

load_nblclone
tr_init
topo_source 1500

# --------------------------------------------------------- make and show
ok nblm add nblm0 up
echo nblm0 >>$TR_TMP/nblms
ok nblm add nblm1 up
echo nblm1 >>$TR_TMP/nblms
for d in nblm0 nblm1; do
	[ -e /sys/class/net/$d ] || fail "no $d after nblctl nblm add"
	[ $(($(cat /sys/class/net/$d/flags) & 1)) = 1 ] || fail "$d is not up"
done

ok session add m1 dev srcb direction ingress targets nblm0,nblm1 mode share \
	snaplen $SNAP filter "proto 17 port 9" sample 1 max_in_flight 512
expect_eq source "$(cat $S/source)" srcb
expect_eq direction "$(cat $S/direction)" ingress
expect_eq targets "$(cat $S/targets | tr '\n' ' ')" "nblm0 nblm1 "
expect_eq mode "$(cat $S/mode)" share
expect_eq snaplen "$(cat $S/snaplen)" $SNAP
expect_eq filter "$(cat $S/filter)" "proto 17 port 9"
expect_eq sample "$(cat $S/sample)" 1
expect_eq max_in_flight "$(cat $S/max_in_flight)" 512
expect_eq enabled "$(cat $S/enabled)" 1

ok show
expect_eq "show header" "$(echo "$OUT" | head -n 1 | tr -s ' ')" \
	"NAME STATE SOURCE DIRECTION MODE SNAPLEN SAMPLE MAX_IN_FLIGHT TARGETS FILTER"
expect_eq "show m1" "$(echo "$OUT" | awk '$1 == "m1" { $1 = $1; print }')" \
	"m1 enabled srcb ingress share $SNAP 1 512 nblm0,nblm1 proto 17 port 9"
expect_eq "show lines" "$(echo "$OUT" | wc -l)" 2
ok show -j
expect_eq "show -j" "$OUT" \
	'[{"name":"m1","enabled":true,"source":"srcb","direction":"ingress","targets":["nblm0","nblm1"],"mode":"share","snaplen":128,"filter":"proto 17 port 9","sample":1,"max_in_flight":512}]'
ok -j show m1
expect_eq "-j show m1" "$OUT" \
	'[{"name":"m1","enabled":true,"source":"srcb","direction":"ingress","targets":["nblm0","nblm1"],"mode":"share","snaplen":128,"filter":"proto 17 port 9","sample":1,"max_in_flight":512}]'

# --------------------------------------------------------------- traffic
nblm0_tx=$(dev_counter - nblm0 tx_packets)
pg_send srca $N $SIZE
wait_in_flight m1
expect_stat m1 seen $N
expect_stat m1 matched $N
expect_stat m1 packets $((2 * N))
expect_stat m1 bytes $((2 * N * SNAP))
expect_tstat m1 nblm0 packets $N
expect_tstat m1 nblm1 bytes $((N * SNAP))
expect_no_drops m1 nblm0 nblm1
expect_eq "nblm0 tx_packets" $(($(dev_counter - nblm0 tx_packets) - nblm0_tx)) $N

# stats -j: one line, and every number is the sysfs file's.
ok stats -j m1
J=$OUT
expect_eq "stats -j lines" "$(echo "$J" | wc -l)" 1
case $J in
'[{"name":"m1",'*']}]') ;;
*) fail "stats -j: not one session array: $J" ;;
esac
line=$(echo "$J" | tr '{' '\n' | grep '^"name":"m1",') || fail "stats -j: no m1: $J"
for k in seen filtered_out sampled_out matched completions in_flight \
	 latency_max_ns $TX_KEYS; do
	expect_eq "stats -j m1 $k" "$(jnum "$line" $k)" "$(sess_stat m1 $k)"
done
expect_eq "stats -j latency_hist" \
	"$(echo "$line" | sed -n 's/.*"latency_hist":\[\([0-9,]*\)\].*/\1/p')" \
	"$(sess_stat m1 latency_hist | tr ' ' ,)"
for t in nblm0 nblm1; do
	line=$(echo "$J" | tr '{' '\n' | grep "^\"name\":\"$t\",") ||
		fail "stats -j: no target $t: $J"
	for k in $TX_KEYS in_flight; do
		expect_eq "stats -j $t $k" "$(jnum "$line" $k)" "$(tgt_stat m1 $t $k)"
	done
done
expect_eq "stats -j targets" "$(echo "$J" | tr '{' '\n' | grep -c '^"name":"nblm')" 2

# The human table: a session line, a target row each, the total row.
ok stats m1
expect_eq "stats m1 line" "$(echo "$OUT" | head -n 1)" \
	"session m1: seen $N filtered_out 0 sampled_out 0 matched $N completions $N in_flight 0 latency_max_ns $(sess_stat m1 latency_max_ns)"
expect_eq "stats nblm0 row" "$(echo "$OUT" | awk '$1 == "nblm0" { $1 = $1; print }')" \
	"nblm0 $N $((N * SNAP)) 0 0 0 0 0 0 0 0"
expect_eq "stats total row" "$(echo "$OUT" | awk '$1 == "total" { $1 = $1; print }')" \
	"total $((2 * N)) $((2 * N * SNAP)) 0 0 0 0 0 0 0 0"
ok stats -j --watch 0.1 --count 3 m1
expect_eq "stats --watch --count 3 lines" "$(echo "$OUT" | wc -l)" 3
expect_eq "stats --watch snapshots" "$(echo "$OUT" | sort -u)" "$J"
ok stats -j
expect_eq "stats -j (all sessions)" "$OUT" "$J"

# ------------------------------------------------ refused and bad commands
before=$(config_snapshot)
bad 1 "session m1 already exists" session add m1 dev srca targets nblm1
expect_eq "config after a duplicate session add" "$(config_snapshot)" "$before"
bad 1 "no device nosuch in this network namespace" \
	session add m2 dev nosuch targets nblm0
case $OUT in *"session m2 not created (removed again)"*) ;;
*) fail "session add m2: no word of the removal: $OUT" ;;
esac
no_session m2
bad 1 "invalid mode 'turbo': expected share, own, pskb_copy or copy" \
	session add m3 dev srcb targets nblm0 mode turbo
no_session m3
bad 1 "no device nosuch in this network namespace" \
	session add m4 dev srcb targets nblm0,nosuch
no_session m4
bad 1 "srcb is the source of session m5: it cannot be a target too" \
	session add m5 dev srcb targets srcb
no_session m5
bad 1 "invalid filter 'port 0': expected any, or the terms" \
	session add m6 dev srcb targets nblm0 filter "port 0"
no_session m6
bad 1 "invalid snaplen '5': expected 0 (whole frames), or 14 to 65535" \
	session add m7 dev srcb targets nblm0 snaplen 5
no_session m7
bad 1 "invalid direction 'sideways': expected ingress, egress or both" \
	session add m7 dev srcb targets nblm0 direction sideways
no_session m7
bad 1 "invalid session name 'a/b': expected 1 to 15 characters" \
	session add a/b dev srcb targets nblm0
bad 1 "invalid session name 'abcdefghijklmnop'" \
	session add abcdefghijklmnop dev srcb targets nblm0
expect_eq "config after failed session adds" "$(config_snapshot)" "$before"

# Usage errors: exit 2 and the usage, nothing touched.
bad 2 "targets DEV[,DEV...] is missing" session add m8 dev srcb
bad 2 "dev SRC is missing" session add m8 targets nblm0
bad 2 "mode needs a value" session add m8 dev srcb targets nblm0 mode
bad 2 "unknown argument 'colour'" session add m8 dev srcb targets nblm0 colour red
bad 2 "mode given twice" session add m8 dev srcb targets nblm0 mode own mode copy
bad 2 "Usage: nblctl" session add
bad 2 "a command is missing" session
bad 2 "unknown OBJECT 'frob'" frob
bad 2 "an OBJECT is missing"
bad 2 "expected add|del SESSION DEV" target add m1
bad 2 "unknown KEY 'colour'" session set m1 colour red
bad 2 "empty value for mode" session set m1 mode ""
no_session m8
expect_eq "config after usage errors" "$(config_snapshot)" "$before"
ok help
case $OUT in "Usage: nblctl"*) ;; *) fail "help: $OUT" ;; esac

# Refused writes to a live session change nothing.
bad 1 "nblm0 is already a target of session m1" target add m1 nblm0
bad 1 "no device nosuch in this network namespace" target add m1 nosuch
bad 1 "nosuch is not a target of session m1" target del m1 nosuch
bad 1 "srcb is the source of session m1: it cannot be a target too" target add m1 srcb
bad 1 "session m1 is enabled: disable it before changing its source" \
	session set m1 source srca
bad 1 "invalid sample '0': expected 1 to 1000000" session set m1 sample 0
bad 1 "invalid max_in_flight '2000000': expected 1 to 1048576" \
	session set m1 max_in_flight 2000000
bad 1 "invalid enabled 'yes': expected 0 or 1" session set m1 enabled yes
bad 1 "session nosuch does not exist" session del nosuch
bad 1 "session nosuch does not exist" target add nosuch nblm0
bad 1 "session nosuch does not exist" show nosuch
bad 1 "session nosuch does not exist" stats nosuch
bad 1 "a device named nblm0 already exists in this network namespace" nblm add nblm0
bad 1 "invalid nblm interface name 'foo': expected nblmN, N from 0 to 255" nblm add foo
bad 1 "no nblm interface nblm9 in this network namespace" nblm del nblm9
bad 1 "invalid nblm interface name 'srca'" nblm del srca
expect_eq "config after refused writes" "$(config_snapshot)" "$before"

# A session without a source cannot be enabled.
echo m9 >$NBLC_SYS/new_session
bad 1 "session m9 has no source: set one before enabling it" session enable m9
ok session del m9
no_session m9

# Another namespace: the session is not its to change (EXDEV).
ns_new other
RC=0
OUT=$(nsx other nblctl session set m1 mode own 2>&1) || RC=$?
expect_eq "EXDEV exit" $RC 1
expect_eq "EXDEV message" "$OUT" "nblctl: session m1 belongs to another network namespace"
RC=0
OUT=$(nsx other nblctl session del m1 2>&1) || RC=$?
expect_eq "EXDEV del exit" $RC 1
expect_eq "EXDEV del message" "$OUT" "nblctl: session m1 belongs to another network namespace"
# Root of a user namespace of its own has no CAP_NET_ADMIN for the
# initial namespace: EPERM.
RC=0
OUT=$(unshare -r nblctl session set m1 mode own 2>&1) || RC=$?
expect_eq "EPERM exit" $RC 1
expect_eq "EPERM message" "$OUT" \
	"nblctl: permission denied: configuring nblclone needs CAP_NET_ADMIN in this network namespace"
expect_eq "config after other writers" "$(config_snapshot)" "$before"

# 16 targets at most: the 17th fails, and the session goes again.
i=2
while [ $i -le 16 ]; do
	ok nblm add nblm$i
	echo nblm$i >>$TR_TMP/nblms
	i=$((i + 1))
done
bad 1 "session m10 has 16 targets, the most it can have" session add m10 dev srcb \
	targets nblm0,nblm1,nblm2,nblm3,nblm4,nblm5,nblm6,nblm7,nblm8,nblm9,nblm10,nblm11,nblm12,nblm13,nblm14,nblm15,nblm16
no_session m10
i=2
while [ $i -le 16 ]; do
	ok nblm del nblm$i
	i=$((i + 1))
done

# 64 sessions at most: a 65th is refused, and no session is deleted.
i=1
while [ $i -le 63 ]; do
	echo f$i >$NBLC_SYS/new_session
	i=$((i + 1))
done
bad 1 "cannot create session m11: nblclone has 64 sessions, the most it can have" \
	session add m11 dev srcb targets nblm0
expect_eq "sessions after the 65th" "$(ls $NBLC_SYS/sessions | wc -l)" 64
i=1
while [ $i -le 63 ]; do
	ok session del f$i
	i=$((i + 1))
done
expect_eq "config after 64 sessions" "$(config_snapshot)" "$before"

# -------------------------------------------------- change, then delete
ok session disable m1
expect_eq "enabled after disable" "$(cat $S/enabled)" 0
ok session set m1 source srca
ok session set m1 direction both
ok target del m1 nblm1
ok session set m1 filter any
ok session enable m1
ok show -j m1
expect_eq "show -j after changes" "$OUT" \
	'[{"name":"m1","enabled":true,"source":"srca","direction":"both","targets":["nblm0"],"mode":"share","snaplen":128,"filter":"any","sample":1,"max_in_flight":512}]'
ok session reset m1
expect_stat m1 matched 0
expect_tstat m1 nblm0 packets 0

ok session del m1
no_session m1
ok show
expect_eq "show without sessions" "$OUT" ""
ok show -j
expect_eq "show -j without sessions" "$OUT" "[]"
ok stats -j
expect_eq "stats -j without sessions" "$OUT" "[]"
ok nblm del nblm0
ok nblm del nblm1
[ ! -e /sys/class/net/nblm0 ] || fail "nblm0 still there"
[ ! -e /sys/class/net/nblm1 ] || fail "nblm1 still there"

tr_cleanup
unload_nblclone
bad 1 "nblclone is not loaded (/sys/kernel/nblclone does not exist)" show
bad 1 "nblclone is not loaded" session add m1 dev srcb targets nblm0
