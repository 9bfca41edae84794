# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# Sourced by scripts/bench/uml-init for scripts/bench-e2e.sh (busybox sh, in
# UML, on the host's read-only root, whose ip, tc and nft it runs).
#
# pktgen injects packets into a dummy source device (xmit_mode
# netif_receive, flag !SHARED: a new skb per packet, as a NIC would hand
# over, and every ingress hook sees it). Each tool gets a source of its own,
# configured once per target count, so switching tools between runs only
# switches pktgen's device; nft's ip-family chain sees every IPv4 packet,
# so its table is loaded only around its own runs. The targets t0..t7 are
# dummies too. All devices have MTU 9000; the IPv4 destination is a
# blackhole route, so every source packet ends in the same cheap drop.
#
# Settings (from the host script):
#   BENCH_OBJ    the module build tree
#   E2E_TOOLS    none nblclone:MODE tc_mirred nft_netdev_dup nft_ip_dup
#                clone_floor (nblclone_floor.ko: the same fan-out with
#                nothing tracked)
#   E2E_SIZES    pktgen pkt_size values (frame bytes)
#   E2E_TARGETS  target counts, at most 8
#   E2E_REPS     runs of each tool and case; the tool order rotates
#   E2E_BURSTS   pktgen bursts per run: a run's figure is its fastest, so
#                that time the host gave other processes (the CPU is
#                shared) does not count
#   E2E_COUNT    packets per burst
#
# Prints one line per run (mirrored: frames the targets sent during all
# bursts; expected: packets x bursts x targets; usecs: every burst's):
#   NBLC_E2E_RUN tool mode bytes targets rep usec packets mirrored expected usecs

IP=/usr/sbin/ip
TC=/usr/sbin/tc
NFT=/usr/sbin/nft
NBLC=/sys/kernel/nblclone
PG=/proc/net/pktgen
MAX_TARGETS=8

e2e_fail() {
	echo "NBLC_BENCH_FAIL $*"
}

# The source device of a tool.
e2e_src() {
	case $1 in
	none) echo s_none ;;
	nblclone:*) echo "s_${1#nblclone:}" ;;
	tc_mirred) echo s_tc ;;
	nft_netdev_dup) echo s_nftn ;;
	nft_ip_dup) echo s_nfti ;;
	clone_floor) echo s_floor ;;
	esac
}

e2e_setup() {
	local tool i=0 n=0 mode s

	insmod "$BENCH_OBJ/module/nblclone.ko" || return 1
	# For scripts/bench-profile.sh, which names the module's functions.
	echo "NBLC_TEXT nblclone $(cat /sys/module/nblclone/sections/.text)"
	echo 1 >/proc/sys/net/ipv4/ip_forward
	# No IPv6 on the devices: nothing but the mirrored frames on the targets.
	echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6
	echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6
	# One exec of ip for everything: each exec costs a lot in UML.
	: >/tmp/setup.ip
	while [ $i -lt $MAX_TARGETS ]; do
		echo "link add t$i mtu 9000 type dummy" >>/tmp/setup.ip
		echo "link set t$i up" >>/tmp/setup.ip
		echo "addr add 10.1.$i.1/24 dev t$i" >>/tmp/setup.ip
		i=$((i + 1))
	done
	for tool in $E2E_TOOLS; do
		s=$(e2e_src "$tool")
		n=$((n + 1))
		echo "link add $s mtu 9000 type dummy" >>/tmp/setup.ip
		echo "link set $s up" >>/tmp/setup.ip
		echo "addr add 10.9.$n.1/24 dev $s" >>/tmp/setup.ip
	done
	echo "route add blackhole 198.19.0.0/16" >>/tmp/setup.ip
	$IP -batch /tmp/setup.ip || return 1

	for tool in $E2E_TOOLS; do
		case $tool in
		nblclone:*)
			mode=${tool#nblclone:}
			s=$NBLC/sessions/nb_$mode
			echo "nb_$mode" >$NBLC/new_session &&
				echo "s_$mode" >"$s/source" &&
				echo "$mode" >"$s/mode" || return 1
			;;
		tc_mirred)
			$TC qdisc add dev s_tc ingress || return 1
			;;
		clone_floor)
			insmod "$BENCH_OBJ/bench/nblclone_floor.ko" src=s_floor \
				targets=t0,t1,t2,t3,t4,t5,t6,t7 || return 1
			echo "NBLC_TEXT nblclone_floor $(cat /sys/module/nblclone_floor/sections/.text)"
			;;
		esac
	done
	[ -d $PG ] || return 1
}

# Point every tool at targets t0..t(N-1).
e2e_configure() {
	local n=$1 tool mode s t i actions

	for tool in $E2E_TOOLS; do
		case $tool in
		nblclone:*)
			mode=${tool#nblclone:}
			s=$NBLC/sessions/nb_$mode
			echo 0 >"$s/enabled"
			for t in $(cat "$s/targets"); do
				echo "-$t" >"$s/targets"
			done
			i=0
			while [ $i -lt "$n" ]; do
				echo "+t$i" >"$s/targets" || return 1
				i=$((i + 1))
			done
			echo 1 >"$s/enabled" || return 1
			;;
		tc_mirred)
			actions=
			i=0
			while [ $i -lt "$n" ]; do
				actions="$actions action mirred egress mirror dev t$i"
				i=$((i + 1))
			done
			# matchall cannot replace its filter: delete it first.
			$TC filter del dev s_tc ingress pref 1 2>/dev/null
			# shellcheck disable=SC2086 # one word per argument
			$TC filter add dev s_tc ingress pref 1 handle 1 \
				matchall $actions || return 1
			;;
		nft_netdev_dup)
			{
				echo "table netdev bench_dup"
				echo "delete table netdev bench_dup"
				echo "table netdev bench_dup {"
				echo "  chain ingress {"
				echo "    type filter hook ingress device \"s_nftn\" priority 0; policy accept;"
				i=0
				while [ $i -lt "$n" ]; do
					echo "    dup to \"t$i\""
					i=$((i + 1))
				done
				echo "  }"
				echo "}"
			} >/tmp/nftn.nft
			$NFT -f /tmp/nftn.nft || return 1
			;;
		clone_floor)
			echo "$n" >/sys/module/nblclone_floor/parameters/fanout || return 1
			;;
		nft_ip_dup)
			{
				echo "table ip bench_dup {"
				echo "  chain pre {"
				echo "    type filter hook prerouting priority 0; policy accept;"
				i=0
				while [ $i -lt "$n" ]; do
					echo "    dup to 10.1.$i.2 device \"t$i\""
					i=$((i + 1))
				done
				echo "  }"
				echo "}"
			} >/tmp/nfti.nft
			;;
		esac
	done
}

# Frames sent by targets t0..t(N-1) so far.
e2e_tx_sum() {
	local n=$1 i=0 sum=0 v

	while [ $i -lt "$n" ]; do
		read -r v </sys/class/net/t$i/statistics/tx_packets
		sum=$((sum + v))
		i=$((i + 1))
	done
	echo $sum
}

# Point pktgen at device $1, frames of $2 bytes, E2E_COUNT per burst.
e2e_pktgen_setup() {
	local dev=$1 size=$2 p=$PG/$1 mac c

	echo "rem_device_all" >$PG/kpktgend_0
	echo "add_device $dev" >$PG/kpktgend_0 || return 1
	read -r mac </sys/class/net/"$dev"/address
	for c in "xmit_mode netif_receive" "flag !SHARED" "count $E2E_COUNT" \
		"pkt_size $size" "delay 0" "dst 198.19.0.1" \
		"src_min 198.18.0.2" "src_max 198.18.0.2" "dst_mac $mac"; do
		echo "$c" >"$p" || return 1
	done
}

# One burst of the device set up; prints its elapsed usec.
e2e_burst() {
	echo start >$PG/pgctrl
	sed -n "s/^Result: OK: \([0-9]*\)(.* usec, $E2E_COUNT .*/\1/p" "$PG/$1"
}

# A run: E2E_BURSTS bursts of one tool; its figure is its fastest burst.
e2e_run() {
	local tool=$1 size=$2 n=$3 rep=$4 mode=- dev t0 t1 b u best= all=

	case $tool in
	none) n=0 ;;
	nblclone:*) mode=${tool#nblclone:} ;;
	tc_mirred) mode=mirror ;;
	clone_floor) ;;
	*) mode=dup ;;
	esac
	dev=$(e2e_src "$tool")
	e2e_pktgen_setup "$dev" "$size" || { e2e_fail "pktgen setup $dev"; return; }
	if [ "$tool" = nft_ip_dup ]; then
		$NFT -f /tmp/nfti.nft || e2e_fail "nft -f nfti.nft"
	fi
	t0=$(e2e_tx_sum "$n")
	b=0
	while [ $b -lt "$E2E_BURSTS" ]; do
		u=$(e2e_burst "$dev")
		[ -n "$u" ] || { e2e_fail "pktgen $tool $size $n"; break; }
		all=${all:+$all:}$u
		[ -z "$best" ] || [ "$u" -lt "$best" ] && best=$u
		b=$((b + 1))
	done
	t1=$(e2e_tx_sum "$n")
	if [ "$tool" = nft_ip_dup ]; then
		$NFT delete table ip bench_dup || e2e_fail "nft delete table"
	fi
	[ -n "$best" ] || return
	echo "NBLC_E2E_RUN ${tool%%:*} $mode $size $n $rep $best $E2E_COUNT" \
		"$((t1 - t0)) $((E2E_COUNT * E2E_BURSTS * n)) $all"
}

e2e_main() {
	local rep=1 n size k tool ntools i s line f

	if ! e2e_setup; then
		e2e_fail "setup"
		return
	fi
	ntools=$(echo $E2E_TOOLS | wc -w)
	echo "NBLC_E2E_START $(cut -d' ' -f1 /proc/uptime)"
	while [ $rep -le "$E2E_REPS" ]; do
		for n in $E2E_TARGETS; do
			if ! e2e_configure "$n"; then
				e2e_fail "configure $n targets"
				return
			fi
			k=0
			for size in $E2E_SIZES; do
				# Rotate the order: no tool always runs first.
				i=0
				for tool in $E2E_TOOLS $E2E_TOOLS; do
					i=$((i + 1))
					[ $i -gt $(((rep + k) % ntools)) ] || continue
					[ $i -le $(((rep + k) % ntools + ntools)) ] || break
					e2e_run "$tool" "$size" "$n" "$rep"
				done
				k=$((k + 1))
			done
		done
		echo "NBLC_E2E_REP $rep $(cut -d' ' -f1 /proc/uptime)"
		rep=$((rep + 1))
	done
	for tool in $E2E_TOOLS; do
		case $tool in
		nblclone:*)
			s=$NBLC/sessions/nb_${tool#nblclone:}
			line=
			for f in "$s"/stats/drop_*; do
				line="$line ${f##*/}=$(cat "$f")"
			done
			echo "NBLC_E2E_SESSION ${tool#nblclone:}$line"
			echo "nb_${tool#nblclone:}" >$NBLC/del_session
			;;
		esac
	done
	echo "NBLC_E2E_END $(cut -d' ' -f1 /proc/uptime)"
}

e2e_main
