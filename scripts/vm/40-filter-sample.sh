# SPDX-License-Identifier: GPL-2.0
#
# Filter and sample. The acceptance:
#
#   "Filter and sample: only matching frames are mirrored; 1-in-10 sampling
#   (every 10th frame per CPU, sender pinned to one CPU) mirrors 1,000 of
#   10,000."
#
#   pktgen (kpktgend_0: CPU 0) -> srca ==veth== srcb   | netns col
#                                   ingress ^          |
#                                session "flt"         |
#                                  +--> t1 ==veth======== t1p [nblcap]
#                                  +--> nblm0 [nblcap] |
#
# The frames of a "mixed" run cycle in step through 10 UDP destination ports
# (10..19) and 10 sizes (100..109 bytes), so a port always comes with the
# same size: a filter on one port, or every 10th frame, mirrors frames of
# one size only (minlen = maxlen at the targets), where a wrong filter or a
# random 1-in-10 would mix sizes. veth hands every frame to the backlog of
# the sending CPU, so all are seen on CPU 0.
#
# Checks: filter "port 12" mirrors exactly 1,000 of 10,000 (filtered_out
# 9,000); sample 10 mirrors exactly 1,000 (sampled_out 9,000); both
# together 100. A run of port-12-only frames is mirrored whole with the
# originals' hash; port 13 only: nothing. ethertype, proto and vlan terms
# pass or stop what they should; the filter reads back in ABI order.
. /scenarios/traffic.sh

PG_DELAY=${PG_DELAY_FILTER:-100000}
MIXED="udp_dst_min 10|udp_dst_max 20|min_pkt_size 100|max_pkt_size 109"

load_nblclone
tr_init
ns_new col
topo_source 1500
topo_target t1 col 1500
nblm_add 0 1500
sess_mk flt srcb ingress t1 nblm0

# run N EXPECT_MIRRORED [PKTGEN-CMD...]: send N frames (with the pktgen
# commands given, "|"-separated in one word), capture at the targets and
# the source, and check that each target got EXPECT_MIRRORED frames and the
# session's counters agree: seen = N = filtered_out + sampled_out + matched.
run() {
	local n=$1 want=$2 cmds=${3:-}
	local IFS='|'
	set -- $cmds
	IFS=' 	
'
	sess_set flt reset 1
	pg_setup srca "$n" 100 "$@"
	cap_start orig - srcb -d in
	cap_start t1 col t1p -d in
	cap_start nblm - nblm0
	pg_run srca "$n"
	for c in orig t1 nblm; do
		cap_wait $c
	done
	wait_in_flight flt
	expect_eq "source frames" "$(cap_get orig frames)" "$n"
	for c in t1 nblm; do
		expect_eq "$c frames ($(sess_get flt filter), sample $(sess_get flt sample))" \
			"$(cap_get $c frames)" "$want"
		expect_eq "$c drops" "$(cap_get $c drops)" 0
	done
	expect_eq "t1 and nblm0 hashes (t1: $(cap_line t1); nblm0: $(cap_line nblm))" \
		"$(cap_get t1 hash)" "$(cap_get nblm hash)"
	expect_stat flt seen "$n"
	expect_stat flt matched "$want"
	expect_stat flt packets $((2 * want))
	expect_eq "seen = filtered_out + sampled_out + matched" \
		$(($(sess_stat flt filtered_out) + $(sess_stat flt sampled_out) + want)) "$n"
	expect_no_drops flt t1 nblm0
}

# one_size CAP: all of CAP's frames have one length; prints it.
one_size() {
	[ "$(cap_get "$1" minlen)" = "$(cap_get "$1" maxlen)" ] ||
		fail "$1: frames of several sizes: $(cap_line "$1")"
	cap_get "$1" minlen
}

# The filter reads back in ABI order, whatever the written order.
sess_set flt filter "port 12 proto 17 ethertype 0x800"
expect_eq "filter read back" "$(sess_get flt filter)" "ethertype 0x0800 proto 17 port 12"
sess_set flt filter any
expect_eq "filter any" "$(sess_get flt filter)" any

# Mixed traffic: a port filter.
sess_set flt filter "port 12"
run 10000 1000 "$MIXED"
expect_stat flt filtered_out 9000
expect_stat flt sampled_out 0
len=$(one_size t1)
expect_eq "nblm0 size" "$(one_size nblm)" "$len"
tr_log "port 12 frames are $len bytes"

# Mixed traffic: every 10th frame.
sess_set flt filter any
sess_set flt sample 10
run 10000 1000 "$MIXED"
expect_stat flt filtered_out 0
expect_stat flt sampled_out 9000
len=$(one_size t1)
expect_eq "nblm0 size" "$(one_size nblm)" "$len"

# Both: every 10th of the port-12 frames.
sess_set flt filter "port 12"
run 10000 100 "$MIXED"
expect_stat flt filtered_out 9000
expect_stat flt sampled_out 900
sess_set flt sample 1

# Matching frames are mirrored byte for byte, others not at all.
sess_set flt filter "ethertype 0x0800 proto 17 port 12"
run 1000 1000 "udp_dst_min 12|udp_dst_max 12"
expect_eq "port 12 mirrors' hash" "$(cap_get t1 hash)" "$(cap_get orig hash)"
run 1000 0 "udp_dst_min 13|udp_dst_max 13"
expect_stat flt filtered_out 1000
sess_set flt filter "port 9"
run 1000 1000
expect_eq "port 9 mirrors' hash" "$(cap_get t1 hash)" "$(cap_get orig hash)"
sess_set flt filter "proto 6"
run 1000 0
sess_set flt filter "ethertype 0x86dd"
run 1000 0

# VLAN: the first in-band 802.1Q tag (veth's receive path makes it the
# accelerated tag before the hook).
sess_set flt filter "vlan 5"
run 1000 1000 "vlan_id 5"
expect_eq "vlan 5 mirrors' hash" "$(cap_get t1 hash)" "$(cap_get orig hash)"
expect_eq "vlan 5 mirrors' length" "$(one_size t1)" 100
run 1000 0 "vlan_id 6"
run 1000 0
sess_set flt filter "vlan 5 ethertype 0x0800 port 9"
run 1000 1000 "vlan_id 5"
sess_set flt filter any
run 1000 1000 "vlan_id 5"

sess_del flt
tr_cleanup
unload_nblclone
