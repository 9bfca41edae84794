# SPDX-License-Identifier: GPL-2.0
#
# `make demo`, inside the test VM: live traffic on a source, mirrored to
# three targets by one session, first with clones (share), then with full
# copies (copy), after a run without mirroring. Prints one NBLC_DEMO line
# per row of the table that scripts/demo.sh shows.
#
#   pktgen (queue_xmit) -> dummy0 --egress hook--> nblm0, nblm1, nblm2
#
# ns/frame is pktgen's wall time per frame on the source: under TCG it is
# emulated time, to compare the modes with each other, not a benchmark.
. /scenarios/lib.sh

N=${DEMO_FRAMES:-20000}
SIZE=${DEMO_SIZE:-1500}
S=$NBLC_SYS/sessions/demo
PG=/proc/net/pktgen

tx() { cat /sys/class/net/"$1"/statistics/tx_packets; }

load_nblclone
modprobe dummy numdummies=1
modprobe pktgen
sysctl -qw net.ipv6.conf.all.disable_ipv6=1
sysctl -qw net.ipv6.conf.default.disable_ipv6=1
ip link set dummy0 up
for i in 0 1 2; do
	echo nblm$i >$NBLC_SYS/new_nblm
	ip link set nblm$i up
done
echo demo >$NBLC_SYS/new_session
echo dummy0 >$S/source
echo egress >$S/direction
for i in 0 1 2; do echo +nblm$i >$S/targets; done

echo "add_device dummy0" >$PG/kpktgend_0
for c in "count $N" "pkt_size $SIZE" "dst 198.18.0.2" "xmit_mode queue_xmit"; do
	echo "$c" >$PG/dummy0
done

# run MODE: one pktgen run; mirrored by the session unless MODE is none.
run() {
	local before0 before1 before2 pps

	before0=$(tx nblm0) before1=$(tx nblm1) before2=$(tx nblm2)
	if [ "$1" = none ]; then
		echo 0 >$S/enabled
	else
		echo 0 >$S/enabled
		echo "$1" >$S/mode
		echo 1 >$S/reset
		echo 1 >$S/enabled
	fi
	sh -c "echo start >$PG/pgctrl"
	pps=$(sed -n 's/.* \([0-9]*\)pps .*/\1/p' $PG/dummy0)
	[ -n "$pps" ] && [ "$pps" -gt 0 ] || fail "no pktgen result"
	if [ "$1" = none ]; then
		copied=-
	else
		copied=$(cat $S/stats/bytes_copied)
		expect_eq "$1 in_flight" "$(cat $S/stats/in_flight)" 0
	fi
	echo "NBLC_DEMO $1 $N $(($(tx nblm0) - before0)) $(($(tx nblm1) - before1))" \
	     "$(($(tx nblm2) - before2)) $copied $((1000000000 / pps))"
}

run none
run share
run copy

echo demo >$NBLC_SYS/del_session
for i in 0 1 2; do echo nblm$i >$NBLC_SYS/del_nblm; done
echo rem_device_all >$PG/kpktgend_0
rmmod pktgen
rmmod dummy
unload_nblclone
