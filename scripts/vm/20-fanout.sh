# SPDX-License-Identifier: GPL-2.0
#
# Fan-out exactness, ingress and egress. The acceptance:
#
#   "Fan-out exactness, ingress and egress (for egress use pktgen
#   `xmit_mode queue_xmit`; the default `start_xmit` and
#   `PACKET_QDISC_BYPASS` skip the egress hook): 10,000 frames of each size
#   64, 1500, 9000 (jumbo MTU), paced, with `netdev_max_backlog` raised,
#   sent into a veth source, mirrored to 3 targets (veth peers in another
#   netns, and one `nblm`): every target receives exactly 10,000 frames with
#   its drop counters at 0, byte-identical to the originals (a hash of
#   frames captured by a small static capture tool packed into the
#   initramfs), and the source path still delivers all originals. Session
#   stats agree to the packet; `bytes_copied` is 0 in `share` mode."
#
#   pktgen (kpktgend_0, CPU 0)            initial netns     | netns col
#     |                                                     |
#   srca ==veth== srcb 198.18.0.2 -> UDP, no socket: NoPorts|
#     egress ^       ^ ingress                              |
#     session "fan" (one direction per run), share mode     |
#       +--> t1 ==veth===================================== t1p  [nblcap]
#       +--> t2 ==veth===================================== t2p  [nblcap]
#       +--> nblm0                             [nblcap]     |
#   originals: [nblcap] on srcb (ingress) before the hook; delivery after
#   it is the UDP count (pktgen's UDP checksum covers every byte).
#
# For each direction and size: every target counts exactly 10,000 frames of
# that size with the originals' hash, no capture drops; the session counts
# seen = matched = 10,000, packets = 30,000, bytes = 30,000 x size, no
# drops, bytes_copied 0, in_flight back to 0, completions = 10,000; each
# target 10,000 packets and 10,000 x size bytes; srcb's stack receives all
# 10,000 datagrams intact. Ingress frames go out on srca with start_xmit
# and are mirrored as srcb receives them; egress frames go out on srca with
# queue_xmit and are mirrored before srca's taps see them.
. /scenarios/traffic.sh

N=${FANOUT_FRAMES:-10000}
# Paced: at most 10,000 frames a second (pktgen sleeps between them), in
# bursts of 1,000 whose 3,000 children stay below the default in-flight cap
# however slowly a loaded host drains them.
PG_DELAY=${PG_DELAY_FANOUT:-100000}
BURST=${FANOUT_BURST:-1000}
# The gap between two bursts must not end a capture.
CAP_IDLE_MS=5000

load_nblclone
tr_init
ns_new col
topo_source 9000
topo_target t1 col 9000
topo_target t2 col 9000
nblm_add 0 9000

sess_new fan
expect_eq "default mode" "$(sess_get fan mode)" share
for t in t1 t2 nblm0; do
	sess_set fan targets "+$t"
done

for dir in ingress egress; do
	sess_set fan enabled 0
	if [ $dir = ingress ]; then
		src=srcb
		xmit=start_xmit
	else
		src=srca
		xmit=queue_xmit
	fi
	sess_set fan source $src
	sess_set fan direction $dir
	sess_set fan enabled 1
	for size in 64 1500 9000; do
		sess_set fan reset 1
		pool0=$(cat $NBLC_SYS/pool/bytes_copied)
		tx1=$(dev_counter - t1 tx_packets)
		txm=$(dev_counter - nblm0 tx_packets)
		mark=$(udp_mark)
		# 9000-byte frames at a third of the rate: what TCG drains.
		pg_setup srca $BURST $size "xmit_mode $xmit" \
			"delay $((PG_DELAY * (size > 1500 ? 3 : 1)))"
		cap_start orig - srcb -d in
		cap_start t1 col t1p -d in
		cap_start t2 col t2p -d in
		cap_start nblm - nblm0
		pg_run_paced srca $N $BURST fan
		for c in orig t1 t2 nblm; do
			cap_wait $c
		done
		tr_log "$dir $size: orig $(cap_line orig)"
		wait_in_flight fan

		# The module's counters first: a short capture then says
		# whether frames were lost before or after the targets.
		expect_stat fan seen $N
		expect_stat fan filtered_out 0
		expect_stat fan sampled_out 0
		expect_stat fan matched $N
		expect_stat fan packets $((3 * N))
		expect_stat fan bytes $((3 * N * size))
		expect_stat fan bytes_copied 0
		expect_stat fan completions $N
		expect_no_drops fan t1 t2 nblm0

		hash=$(cap_get orig hash)
		cap_expect orig $N $size
		for c in t1 t2 nblm; do
			cap_expect $c $N $size "$hash"
		done
		expect_udp_delivered "$mark" $N
		for t in t1 t2 nblm0; do
			expect_tstat fan $t packets $N
			expect_tstat fan $t bytes $((N * size))
			expect_tstat fan $t bytes_copied 0
			expect_tstat fan $t in_flight 0
		done
		expect_eq "pool bytes_copied" "$(cat $NBLC_SYS/pool/bytes_copied)" "$pool0"
		expect_eq "t1 tx_packets" $(($(dev_counter - t1 tx_packets) - tx1)) $N
		expect_eq "nblm0 tx_packets" $(($(dev_counter - nblm0 tx_packets) - txm)) $N
	done
done

# The other modes send the same bytes (fewer frames: the counts are above).
sess_set fan enabled 0
sess_set fan source srcb
sess_set fan direction ingress
sess_set fan enabled 1
for mode in own pskb_copy copy; do
	sess_set fan mode $mode
	sess_set fan reset 1
	pg_setup srca 1000 1500
	cap_start orig - srcb -d in
	cap_start t1 col t1p -d in
	cap_start nblm - nblm0
	pg_run srca 1000
	for c in orig t1 nblm; do
		cap_wait $c
	done
	wait_in_flight fan
	for c in t1 nblm; do
		cap_expect $c 1000 1500 "$(cap_get orig hash)"
	done
	expect_stat fan packets 3000
	expect_no_drops fan t1 t2 nblm0
	tr_log "mode $mode: bytes_copied $(sess_stat fan bytes_copied)"
done

sess_del fan
tr_cleanup
unload_nblclone
