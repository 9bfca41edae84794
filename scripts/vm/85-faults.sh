# SPDX-License-Identifier: GPL-2.0
#
# Fault injection under traffic. The acceptance (issue 5, point 2):
#
#   "every allocation and every transmit on the clone and mirror paths can
#   be made to fail. [...] a KUnit suite and a VM scenario drive it: the
#   failure is counted, the original packet is untouched, the parent still
#   completes exactly once, nothing leaks."
#
#   pktgen (kpktgend_0, endless, paced)          initial netns   | netns col
#     |                                                          |
#   srca ==veth== srcb 198.18.0.2 -> UDP, no socket: NoPorts     |
#                  ^ ingress                                     |
#     session "flt" (share, then own) --+--> t1 ==veth========== t1p
#                                       +--> t2 ==veth========== t2p
#                                       +--> nblm0               |
#
# For each mode (share, own) and each fault site of
# /sys/kernel/debug/nblclone (nbl_alloc, skb_alloc, owner, ctx_alloc, xmit):
# counters reset with traffic stopped; pktgen starts without end; once
# frames are mirrored the site's `interval` is set to $FLT_INTERVAL (every
# 7th call there fails); after $FLT_FRAMES more frames are matched it is
# set back to 0 and traffic stops. Then, with T = 3 targets, S the frames
# pktgen sent, I the growth of the site's `injected`, F the growth of the
# pool's `failures` (one per nbl_wrap() or nbl_clone() that failed):
#
#   seen = matched = S; every frame reached srcb's stack intact (UDP
#   NoPorts grew by S, no UDP receive or checksum error);
#   per target: packets + drops (all causes) = matched;
#   session: packets + drops = T x matched;
#   in_flight 0 (session and targets), pool outstanding back to 0;
#   no drop_mtu, drop_down or drop_nest.
#
# The traffic is endless: a loaded host that drains children slowly can
# reach the session's in-flight cap. Such a child (drop_in_flight, D) is
# refused before anything is allocated for it, so it takes no part in what
# follows but the sums: it is a drop like any other.
#
#   Allocation sites (nbl_alloc, skb_alloc, owner): each injected failure
#   fails exactly one nbl_wrap() (a parent) or one child (nbl_clone(), or
#   nbl_clone_share() in share mode), so I = F > 0, drop_xmit = 0, and the
#   only other drops are drop_nomem. A parent that could not be made drops
#   all T children (drop_nomem + T) and never completes; a child that
#   could not be made drops one (drop_nomem + 1) and its parent still
#   completes. With P failed parents and C failed
#   children, F = P + C and drop_nomem = T P + C, so
#       P = (drop_nomem - F) / (T - 1)        (T = 3: an exact division)
#       completions + P = matched             (each parent completes once)
#   skb_alloc and owner are only called for children: P = 0. In own mode
#   nbl_alloc is called for the parent and then each child, 4 calls a
#   frame: with an interval of 7 both P > 0 and C > 0. A shared child has
#   no NBL of its own: in share mode only parents fail there, P > 0, C = 0.
#
#   xmit: each injected failure drops one child as drop_xmit just before
#   dev_queue_xmit(): drop_xmit = I > 0, drop_nomem = 0, F = 0,
#   completions = matched.
#
#   ctx_alloc: a parent's timestamp lives in the context area the pool
#   pre-allocates with every NBL (ctx_size 8), and children get no context,
#   so the mirror path never calls nbl_context_alloc()'s allocation: I = 0,
#   no drops, completions = matched. (The KUnit suite covers the site.)
#
# The per-site injected counts are printed (tr_log).
. /scenarios/traffic.sh

DBG=/sys/kernel/debug/nblclone
FLT_SITES="nbl_alloc skb_alloc owner ctx_alloc xmit"
FLT_INTERVAL=${FLT_INTERVAL:-7}
FLT_FRAMES=${FLT_FRAMES:-1000}
FLT_SIZE=${FLT_SIZE:-64}
T=3
# Paced: at most 5,000 frames a second.
PG_DELAY=${PG_DELAY_FAULTS:-200000}

# No fault may outlive the scenario: later ones load the same module.
flt_cleanup() {
	local s

	for s in $FLT_SITES; do
		[ -w $DBG/$s/interval ] && echo 0 >$DBG/$s/interval
	done
	[ -w $DBG/fail_nth ] && echo 0 >$DBG/fail_nth
	tr_cleanup
}

dbg_get() {
	cat $DBG/"$1" || fail "read $DBG/$1"
}

pool_get() {
	cat $NBLC_SYS/pool/"$1" || fail "read pool/$1"
}

# run_site MODE SITE: one run as the comment at the top says.
run_site() {
	local mode=$1 site=$2 inj0 fail0 mark m0 sent inj f seen matched
	local packets drops capped nomem xmit compl p c t tp td d

	sess_set flt mode "$mode"
	sess_set flt reset 1
	wait_until 100 pool_idle || fail "pool: $(pool_get outstanding) NBLs outstanding before $site"
	inj0=$(dbg_get $site/injected)
	fail0=$(pool_get failures)
	mark=$(udp_mark)

	pg_start srca 0 $FLT_SIZE
	wait_until 100 stat_above flt matched 0 || fail "$mode $site: nothing mirrored"
	echo $FLT_INTERVAL >$DBG/$site/interval || fail "set $site/interval"
	m0=$(sess_stat flt matched)
	wait_until 900 stat_above flt matched $((m0 + FLT_FRAMES)) ||
		fail "$mode $site: matched stuck at $(sess_stat flt matched) (from $m0)"
	echo 0 >$DBG/$site/interval || fail "clear $site/interval"
	pg_stop
	sent=$(pg_sent srca)
	pg_check srca "$sent"
	wait_until 100 stat_is flt seen "$sent" ||
		fail "$mode $site: seen $(sess_stat flt seen) of $sent frames sent"
	wait_in_flight flt
	wait_until 100 pool_idle || fail "$mode $site: pool outstanding $(pool_get outstanding)"

	inj=$(($(dbg_get $site/injected) - inj0))
	f=$(($(pool_get failures) - fail0))
	tr_log "$mode $site: injected $inj, pool failures $f, frames $sent, stats:$(sess_stats_line flt)"

	# Every frame was caught, mirrored or counted, and delivered intact.
	expect_udp_delivered "$mark" "$sent"
	expect_stat flt seen "$sent"
	expect_stat flt filtered_out 0
	expect_stat flt sampled_out 0
	expect_stat flt matched "$sent"
	expect_stat flt in_flight 0
	matched=$sent

	# Conservation, per target and for the session.
	for t in t1 t2 nblm0; do
		tp=$(tgt_stat flt $t packets)
		td=$(sess_drops flt $t)
		expect_eq "$mode $site: target $t packets $tp + drops $td" $((tp + td)) "$matched"
		expect_tstat flt $t in_flight 0
	done
	packets=$(sess_stat flt packets)
	drops=$(sess_drops flt)
	expect_eq "$mode $site: session packets $packets + drops $drops" \
		$((packets + drops)) $((T * matched))
	for d in mtu down nest; do
		expect_stat flt drop_$d 0
	done

	capped=$(sess_stat flt drop_in_flight)
	nomem=$(sess_stat flt drop_nomem)
	xmit=$(sess_stat flt drop_xmit)
	compl=$(sess_stat flt completions)
	case $site in
	nbl_alloc | skb_alloc | owner)
		expect_ge "$mode $site: injected" "$inj" 1
		expect_eq "$mode $site: pool failures (one per injected fault)" "$f" "$inj"
		expect_eq "$mode $site: drop_xmit" "$xmit" 0
		expect_eq "$mode $site: drop_nomem + drop_in_flight + packets" \
			$((nomem + capped + packets)) $((T * matched))
		[ $(((nomem - f) % (T - 1))) = 0 ] && [ "$nomem" -ge "$f" ] ||
			fail "$mode $site: drop_nomem $nomem and failures $f: not T P + C and P + C"
		p=$(((nomem - f) / (T - 1)))
		c=$((f - p))
		expect_eq "$mode $site: completions $compl + failed parents $p" \
			$((compl + p)) "$matched"
		if [ $site = nbl_alloc ] && [ "$mode" = share ]; then
			expect_ge "$mode $site: failed parents" "$p" 1
			expect_eq "$mode $site: failed children (no NBL)" "$c" 0
		elif [ $site = nbl_alloc ]; then
			expect_ge "$mode $site: failed parents" "$p" 1
			expect_ge "$mode $site: failed children" "$c" 1
		else
			expect_eq "$mode $site: failed parents" "$p" 0
		fi
		tr_log "$mode $site: $p parents and $c children failed"
		;;
	xmit)
		expect_ge "$mode $site: injected" "$inj" 1
		expect_eq "$mode $site: drop_xmit" "$xmit" "$inj"
		expect_eq "$mode $site: drop_nomem" "$nomem" 0
		expect_eq "$mode $site: pool failures" "$f" 0
		expect_eq "$mode $site: completions" "$compl" "$matched"
		;;
	ctx_alloc)
		expect_eq "$mode $site: injected (not on the mirror path)" "$inj" 0
		expect_eq "$mode $site: drops (in-flight cap only)" "$drops" "$capped"
		expect_eq "$mode $site: pool failures" "$f" 0
		expect_eq "$mode $site: completions" "$compl" "$matched"
		;;
	esac
	echo "$mode $site $inj" >>$TR_TMP/injected
}

load_nblclone
tr_init
trap flt_cleanup EXIT
[ -d $DBG ] || fail "no $DBG: nblclone built without NBLC_FAULT_INJECTION"
for s in $FLT_SITES; do
	[ -w $DBG/$s/interval ] && [ -r $DBG/$s/injected ] || fail "no fault site $s"
	expect_eq "$s interval at the start" "$(dbg_get $s/interval)" 0
done
: >$TR_TMP/injected

ns_new col
topo_source 1500
topo_target t1 col 1500
topo_target t2 col 1500
nblm_add 0 1500
sess_mk flt srcb ingress t1 t2 nblm0

for mode in share own; do
	for site in $FLT_SITES; do
		run_site $mode $site
	done
done

tr_log "faults injected per site: $(awk '{ n[$2] += $3 } END {
	for (s in n) printf "%s=%d ", s, n[s] }' $TR_TMP/injected)"
tr_log "per mode and site: $(awk '{ printf "%s/%s=%d ", $1, $2, $3 }' $TR_TMP/injected)"

sess_del flt
flt_cleanup
trap - EXIT
unload_nblclone
