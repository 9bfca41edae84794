# SPDX-License-Identifier: GPL-2.0
#
# What mirroring a real TCP flow copies. The issue:
#
#   "Decide what bytes_copied means [...] make the code and the ABI say the
#   same, and test it with a real TCP flow, not only pktgen frames."
#
#   httpd 198.18.3.1 tcpa ==veth== tcpb 198.18.3.2 <- wget     | netns srv
#          egress ^                                             |
#          session "tcp" --> t1 ==veth========================== t1p  (col)
#
# A local socket's segments: TSO super-packets, CHECKSUM_PARTIAL, the
# headers (with TCP timestamps) in a kmalloc'd head and the payload in page
# frags. A 4 MiB file goes over one connection (busybox httpd to wget; its
# nc drops the end of a transfer), mirrored at tcpa's egress, twice: in
# share mode with snaplen 128 (a GSO packet cut by snaplen gets
# descriptors of its own, and a copy of its headers), then in own mode,
# whole. Either way bytes_copied is 0: payload bytes only, and a child's
# copy of the headers is none. Every child reaches t1 (no drops, in flight
# back to 0), and the file arrives whole.
. /scenarios/traffic.sh

BYTES=$((4 * 1024 * 1024))
WWW=$TR_TMP/www

# transfer: srv fetches the file from tcpa over one TCP connection; it
# must arrive whole.
transfer() {
	local got

	got=$(nsx srv timeout 60 wget -q -O - http://198.18.3.1:8080/f | wc -c)
	expect_eq "bytes received over TCP" "$got" $BYTES
}

# expect_mirrored: the session mirrored the flow to t1 with nothing
# copied and nothing dropped.
expect_mirrored() {
	wait_in_flight tcp
	[ "$(sess_stat tcp packets)" -gt 0 ] || fail "session tcp mirrored nothing"
	expect_stat tcp packets "$(sess_stat tcp matched)"
	expect_stat tcp bytes_copied 0
	expect_tstat tcp t1 bytes_copied 0
	expect_tstat tcp t1 in_flight 0
	expect_no_drops tcp t1
}

load_nblclone
tr_init
ns_new srv
ns_new col
veth_add tcpa tcpb srv
link_up - tcpa 1500
link_up srv tcpb 1500
addr_add - tcpa 198.18.3.1/24
addr_add srv tcpb 198.18.3.2/24
topo_target t1 col 1500
mkdir -p $WWW
dd if=/dev/zero of=$WWW/f bs=65536 count=$((BYTES / 65536)) 2>/dev/null
tr_daemon httpd -f -p 198.18.3.1:8080 -h $WWW

sess_mk tcp tcpa egress t1
sess_set tcp snaplen 128
transfer
expect_mirrored
tr_log "share, snaplen 128: $(sess_stat tcp packets) children, bytes $(sess_stat tcp bytes)"

sess_set tcp enabled 0
sess_set tcp snaplen 0
sess_set tcp mode own
sess_set tcp reset 1
sess_set tcp enabled 1
transfer
expect_mirrored
tr_log "own: $(sess_stat tcp packets) children, bytes $(sess_stat tcp bytes)"

sess_del tcp
tr_cleanup
unload_nblclone
