# SPDX-License-Identifier: GPL-2.0
#
# Remote targets: tunnels to a collector. The acceptance:
#
#   "Remote: a gretap (or vxlan) target delivers mirrored frames to a
#   collector namespace (pack the image's `gre`, `ip_gre`, `ip_tunnel`,
#   `vxlan`, `udp_tunnel` modules), and the original flow's route and PMTU
#   are untouched."
#
#   initial netns                                | netns far
#   ping, pktgen -> srca 198.18.1.1/24 mtu 9000 ==veth== srcb 198.18.1.2
#                     ^ egress: session "rem"    |
#                     |  +--> gt0 gretap .2.1 -> .2.2 -+
#                     |  +--> vx0 vxlan 42 .2.1 -> .2.2:4789
#                     |                         |      |
#   und 198.18.2.1/24 mtu 1500 ==veth=================== undp 198.18.2.2 (netns col)
#                                               |   gt1 gretap, vx1 vxlan
#                                               |   [nblcap] on each
#
# The original flow is routed (ping from the initial namespace to srcb), so
# its packets carry the route's dst when the egress hook sees them. The
# tunnels' underlay has a smaller MTU (1500) than the route (9000): a
# mirrored child that kept the original's dst would have ip_tunnel_xmit()
# lower that route's PMTU (tnl_update_pmtu() updates the inner packet's
# dst on every gretap transmission) and `ip route get 198.18.1.2` would show
# an "mtu" exception. Checks: 20 pings all answered; each collector device
# gets exactly the 20 echo requests; the route to srcb reads the same before
# and after, without an mtu; then 1,000 pktgen frames (1000 bytes) are
# mirrored to both tunnels and decapsulated byte-identical at the collector,
# while srcb still receives all of them.
#
# Busybox ip cannot give gretap or vxlan their addresses, nor show a route
# lookup: this needs iproute2's ip in the image ($TR_IPROUTE2).
. /scenarios/traffic.sh

tr_need_iproute2 "configure gretap/vxlan endpoints or show route lookups"
IPR=$TR_IPROUTE2
PG_DELAY=${PG_DELAY_REMOTE:-100000}

load_nblclone
tr_init
for m in ip_gre vxlan; do
	modprobe $m || fail "modprobe $m"
done
ns_new far
ns_new col
# The fallback devices ip_gre makes in each namespace stay down and quiet.

# The original flow.
veth_add srca srcb far
link_up - srca 9000
link_up far srcb 9000
addr_add - srca 198.18.1.1/24
addr_add far srcb 198.18.1.2/24
# The underlay to the collector.
veth_add und undp col
link_up - und 1500
link_up col undp 1500
addr_add - und 198.18.2.1/24
addr_add col undp 198.18.2.2/24
$IPR link add gt0 type gretap local 198.18.2.1 remote 198.18.2.2 ||
	fail "gretap gt0"
echo gt0 >>$TR_TMP/links
$IPR link add vx0 type vxlan id 42 local 198.18.2.1 remote 198.18.2.2 \
	dstport 4789 dev und || fail "vxlan vx0"
echo vx0 >>$TR_TMP/links
nsx col $IPR link add gt1 type gretap local 198.18.2.2 remote 198.18.2.1 ||
	fail "gretap gt1"
nsx col $IPR link add vx1 type vxlan id 42 local 198.18.2.2 remote 198.18.2.1 \
	dstport 4789 dev undp || fail "vxlan vx1"
for d in gt0 vx0; do
	link_up - $d
done
for d in gt1 vx1; do
	link_up col $d
done
# Resolve the underlay's and the flow's neighbours first.
ping -c 1 -W 5 198.18.2.2 >/dev/null || fail "underlay ping"
ping -c 1 -W 5 198.18.1.2 >/dev/null || fail "flow ping"

route_before=$($IPR route get 198.18.1.2)
tr_log "route before: $route_before"
case "$route_before" in
*"dev srca"*) ;;
*) fail "route to srcb not via srca: $route_before" ;;
esac

sess_mk rem srca egress gt0 vx0
sess_set rem filter "proto 1"

# The routed flow: 20 echo requests leave srca and are mirrored.
cap_start gt col gt1 -d in
cap_start vx col vx1 -d in
out=$(ping -c 20 -i 0.1 -W 5 198.18.1.2) || fail "ping: $out"
case "$out" in
*"20 packets transmitted, 20 packets received"*) ;;
*) fail "ping lost packets: $out" ;;
esac
cap_wait gt
cap_wait vx
wait_in_flight rem
for c in gt vx; do
	expect_eq "$c frames ($(cap_line $c))" "$(cap_get $c frames)" 20
	expect_eq "$c drops" "$(cap_get $c drops)" 0
	# 56 bytes of data, 8 of ICMP, 20 of IP, 14 of Ethernet.
	expect_eq "$c frame length" "$(cap_get $c maxlen)" 98
	expect_eq "$c frame length" "$(cap_get $c minlen)" 98
done
expect_eq "gretap and vxlan copies" "$(cap_get gt hash)" "$(cap_get vx hash)"
expect_stat rem matched 20
expect_stat rem packets 40
expect_no_drops rem gt0 vx0

route_after=$($IPR route get 198.18.1.2)
tr_log "route after: $route_after"
case "$route_after" in
*mtu*) fail "the original route got a PMTU: $route_after" ;;
esac
expect_eq "route to srcb" "$route_after" "$route_before"

# Bulk: pktgen frames, byte-identical at the collector.
sess_set rem filter "proto 17"
sess_set rem reset 1
PG_SRC=198.18.1.1
PG_DST=198.18.1.2
PG_DST_MAC=$(dev_mac far srcb)
pg_setup srca 1000 1000 "xmit_mode queue_xmit"
cap_start orig far srcb -d in
cap_start gt col gt1 -d in
cap_start vx col vx1 -d in
pg_run srca 1000
for c in orig gt vx; do
	cap_wait $c
done
wait_in_flight rem
cap_expect orig 1000 1000
cap_expect gt 1000 1000 "$(cap_get orig hash)"
cap_expect vx 1000 1000 "$(cap_get orig hash)"
expect_stat rem matched 1000
expect_stat rem packets 2000
expect_no_drops rem gt0 vx0
expect_eq "route to srcb after bulk" "$($IPR route get 198.18.1.2)" "$route_before"

sess_del rem
tr_cleanup
unload_nblclone
