# SPDX-License-Identifier: GPL-2.0
#
# Mirror loops stay bounded. The acceptance:
#
#   "Loop: a session whose target is its own source, two sessions mirroring
#   into each other, and a loop through a veth pair (egress to egress, and
#   through the backlog): each frame is mirrored a bounded number of times
#   (state the bound) and nothing storms."
#
#   pktgen -> srca ==veth== srcb        lpa ==veth== lpb   (initial netns)
#
#   A  own source:   "self"  srcb ingress -> srca  (children come back in
#                                                   on srcb via the backlog)
#   B  into each     "ab1"   srcb ingress -> lpa   (arrive on lpb)
#      other:        "ab2"   lpb ingress  -> srca  (would arrive on srcb)
#   C  egress to     "eg1"   srca egress  -> lpa   (lpa's egress hook runs
#      egress:       "eg2"   lpa egress   -> srca   nested in srca's)
#   D  backlog:      "bk"    srca both    -> srcb  (children come back in
#                                                   on srca via the backlog)
#
# The bound: each original is mirrored exactly once per target of the first
# session that sees it, and never again: the module's children carry its
# destructor (veth forwards keep it) and no session sees them (they are not
# even counted in seen), so the second session of B and C mirrors nothing
# and the per-CPU nesting limit (4, drop_nest) is never reached. So with N
# frames sent: the mirroring session counts seen = matched = packets = N,
# the other 0, drop_nest 0 everywhere, each veth end receives exactly the
# originals plus N children, and one second after pktgen stops no counter
# moves (no storm). Without the guard A, B and D would loop through the
# backlog without end and C would nest until drop_nest.
. /scenarios/traffic.sh

N=1000
PG_DELAY=${PG_DELAY_LOOPS:-100000}

load_nblclone
tr_init
# No addresses: the frames (to 02:00:00:00:00:02) are dropped where they
# arrive and nothing answers, so the receive counts are exact.
veth_add srca srcb
veth_add lpa lpb
for d in srca srcb lpa lpb; do
	link_up - $d 1500
done

# The direct loop is refused.
sess_new self
sess_set self source srcb
expect_write_fails $NBLC_SYS/sessions/self/targets +srcb EBUSY
sess_set self targets +srca
expect_write_fails $NBLC_SYS/sessions/self/source srca EBUSY
sess_del self

# counters: the frames each veth end received and what the sessions did.
counters() {
	local s out=
	for d in srca srcb lpa lpb; do
		out="$out $d=$(dev_counter - $d rx_packets)"
	done
	for s in $(ls $NBLC_SYS/sessions); do
		out="$out $s=$(sess_stat $s seen)/$(sess_stat $s packets)"
	done
	echo "$out"
}

# loop CASE XMIT RX-SRCA RX-SRCB RX-LPB: send N frames on srca, then check
# the receive counts (frames more than before) and that nothing moves a
# second later.
loop() {
	local c0 c1 c2 d want
	c0=$(counters)
	pg_send srca $N 100 "xmit_mode $2"
	sleep 0.5
	c1=$(counters)
	sleep 1
	c2=$(counters)
	tr_log "$1: before$c0; after$c1"
	[ "$c1" = "$c2" ] || fail "$1: still moving a second later: $c1 -> $c2"
	for d in srca:$3 srcb:$4 lpb:$5; do
		want=${d#*:}
		d=${d%:*}
		expect_eq "$1: frames received on $d" \
			$(($(counter_in "$c1" $d) - $(counter_in "$c0" $d))) "$want"
	done
}

counter_in() {
	echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# expect_mirrored NAME SEEN PACKETS
expect_mirrored() {
	wait_in_flight "$1"
	expect_stat "$1" seen "$2"
	expect_stat "$1" matched "$2"
	expect_stat "$1" packets "$3"
	expect_stat "$1" drop_nest 0
	expect_no_drops "$1"
}

# A: the target is the source's own veth peer.
sess_mk self srcb ingress srca
loop "A own source" start_xmit 0 $((2 * N)) 0
expect_mirrored self $N $N
sess_del self

# B: two sessions mirroring into each other.
sess_mk ab1 srcb ingress lpa
sess_mk ab2 lpb ingress srca
loop "B into each other" start_xmit 0 $N $N
expect_mirrored ab1 $N $N
expect_mirrored ab2 0 0
sess_del ab1
sess_del ab2

# C: egress to egress, each session's target the other's source.
sess_mk eg1 srca egress lpa
sess_mk eg2 lpa egress srca
loop "C egress to egress" queue_xmit 0 $N $N
expect_mirrored eg1 $N $N
expect_mirrored eg2 0 0
sess_del eg1
sess_del eg2

# D: both directions of srca, mirrored to its own peer: the children come
# back to srca through the backlog.
sess_mk bk srca both srcb
loop "D through the backlog" queue_xmit $N $N 0
expect_mirrored bk $N $N
sess_del bk

tr_cleanup
unload_nblclone
