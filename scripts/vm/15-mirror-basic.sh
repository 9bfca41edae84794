# SPDX-License-Identifier: GPL-2.0
#
# The shortest path through the mirror: pktgen sends 1000 frames through
# dummy0's egress hook (queue_xmit), one session mirrors them in share mode
# to an nblm interface and to dummy1. Every target gets every frame, the
# session's counters agree, nothing was copied, nothing stays in flight.
#
#   pktgen -> dummy0 (egress hook) --> nblm0
#                                  `-> dummy1
. /scenarios/lib.sh

S=$NBLC_SYS/sessions/s1
N=1000

load_nblclone
modprobe dummy numdummies=2
echo nblm0 >$NBLC_SYS/new_nblm
for d in dummy0 dummy1 nblm0; do ip link set $d up; done
echo s1 >$NBLC_SYS/new_session
echo dummy0 >$S/source
echo egress >$S/direction
echo +nblm0 >$S/targets
echo +dummy1 >$S/targets
echo 1 >$S/enabled
expect_eq targets "$(cat $S/targets | tr '\n' ' ')" "nblm0 dummy1 "

# The stack's own packets (IPv6 DAD, MLD) count too: compare deltas.
tx() { cat /sys/class/net/$1/statistics/tx_packets; }
nblm0_tx=$(tx nblm0)
dummy1_tx=$(tx dummy1)
modprobe pktgen
echo "add_device dummy0" >/proc/net/pktgen/kpktgend_0
P=/proc/net/pktgen/dummy0
for c in "count $N" "pkt_size 1000" "dst 10.0.0.1" "xmit_mode queue_xmit"; do
	echo "$c" >$P
done
echo start >/proc/net/pktgen/pgctrl

expect_eq matched "$(cat $S/stats/matched)" $N
expect_eq packets "$(cat $S/stats/packets)" $((2 * N))
expect_eq completions "$(cat $S/stats/completions)" $N
expect_eq in_flight "$(cat $S/stats/in_flight)" 0
expect_eq bytes_copied "$(cat $S/stats/bytes_copied)" 0
expect_eq nblm0.packets "$(cat $S/target/nblm0/packets)" $N
expect_eq nblm0.tx_packets $(($(tx nblm0) - nblm0_tx)) $N
expect_eq dummy1.tx_packets $(($(tx dummy1) - dummy1_tx)) $N

echo s1 >$NBLC_SYS/del_session
echo nblm0 >$NBLC_SYS/del_nblm
[ ! -e /sys/class/net/nblm0 ] || fail "nblm0 still there"
rmmod pktgen
rmmod dummy
unload_nblclone
