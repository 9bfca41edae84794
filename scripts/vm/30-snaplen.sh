# SPDX-License-Identifier: GPL-2.0
#
# Truncated mirrors. The acceptance:
#
#   "`snaplen 128`: targets receive 128-byte frames; the originals are
#   untouched."
#
#   pktgen -> srca ==veth== srcb 198.18.0.2 (UDP delivery)   | netns col
#               egress ^      ^ ingress                       |
#               session "snap", snaplen 128                   |
#                 +--> t1 ==veth================================ t1p [nblcap]
#                 +--> nblm0 [nblcap]                         |
#
# For both directions and frames of 64 (shorter than snaplen), 128
# (exactly snaplen), 1500 and 9000 bytes, 1,000 each: every target counts
# 1,000 frames of min(size, 128) bytes, the untruncated ones with the
# originals' hash; the session's and targets' bytes are 1,000 x min(size,
# 128) per target, no drops. Originals untouched: srcb's stack gets all
# 1,000 datagrams with valid IP and UDP checksums (pktgen's checksum covers
# the whole payload, so any byte changed or cut would show) and, at egress,
# srcb's capture has the full size. (nblcap hashes whole frames, so the
# truncated children's 128 bytes are checked by length, not by content.)
. /scenarios/traffic.sh

N=1000
PG_DELAY=${PG_DELAY_SNAP:-100000}

load_nblclone
tr_init
ns_new col
topo_source 9000
topo_target t1 col 9000
nblm_add 0 9000

sess_new snap
sess_set snap targets +t1
sess_set snap targets +nblm0
sess_set snap snaplen 128
expect_eq "snaplen" "$(sess_get snap snaplen)" 128

for dir in ingress egress; do
	sess_set snap enabled 0
	if [ $dir = ingress ]; then
		sess_set snap source srcb
		xmit=start_xmit
	else
		sess_set snap source srca
		xmit=queue_xmit
	fi
	sess_set snap direction $dir
	sess_set snap enabled 1
	for size in 64 128 1500 9000; do
		snap=$size
		[ $size -le 128 ] || snap=128
		sess_set snap reset 1
		mark=$(udp_mark)
		pg_setup srca $N $size "xmit_mode $xmit"
		cap_start orig - srcb -d in
		cap_start t1 col t1p -d in
		cap_start nblm - nblm0
		pg_run srca $N
		for c in orig t1 nblm; do
			cap_wait $c
		done
		wait_in_flight snap
		cap_expect orig $N $size
		hash=
		[ $size != $snap ] || hash=$(cap_get orig hash)
		cap_expect t1 $N $snap $hash
		cap_expect nblm $N $snap $hash
		expect_udp_delivered "$mark" $N
		expect_stat snap matched $N
		expect_stat snap packets $((2 * N))
		expect_stat snap bytes $((2 * N * snap))
		expect_stat snap bytes_copied 0
		expect_tstat snap t1 bytes $((N * snap))
		expect_tstat snap nblm0 bytes $((N * snap))
		expect_no_drops snap t1 nblm0
	done
	tr_log "$dir done"
done

# Back to whole frames.
sess_set snap snaplen 0
sess_set snap reset 1
pg_setup srca $N 1500 "xmit_mode queue_xmit"
cap_start orig - srcb -d in
cap_start t1 col t1p -d in
pg_run srca $N
cap_wait orig
cap_wait t1
cap_expect t1 $N 1500 "$(cap_get orig hash)"

sess_del snap
tr_cleanup
unload_nblclone
