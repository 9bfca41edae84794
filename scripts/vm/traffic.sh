# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the traffic scenarios of the test VM (busybox sh, set -e):
# topology (veth pairs, network namespaces, nblm interfaces), pktgen, the
# capture tool /bin/nblcap, and nblclone's sysfs files.
#
# Busybox limits this works around (BusyBox v1.35 `ip`):
#  - `ip link add X type veth peer name Y` ignores "peer name Y": the peer
#    is always named vethN. veth_add finds the peer through X's iflink and
#    renames it.
#  - `ip link add` takes an unquoted first word that abbreviates a keyword
#    ("a", "d", "l", "n", "t"...) as that keyword; we always say `name X`.
#  - No `ip netns`: a namespace here is the one of a sleeping process made
#    by `unshare -n`, entered with `nsenter -t PID -n`. /sys/class/net shows
#    only the namespace sysfs was mounted in, so counters of other
#    namespaces come from /proc/net/dev, which follows the reader.
#  - No `ip -s link`, no `ip route get`, no gretap/vxlan options (remote,
#    local, id): those need iproute2, which the image may carry at
#    $TR_IPROUTE2 (tr_need_iproute2 says so when it does not).
#  - The shell's printf reports no write error and echo takes a leading
#    -n/-e as options, so sysfs writes go through dd, one write() per value,
#    and its message gives the errno (errno_name).
#
# A scenario calls tr_init first; everything made through these helpers is
# removed by tr_cleanup, which tr_init installs as the EXIT trap, so a
# failing scenario does not leave devices for the next one.

[ -n "${NBLC_SYS:-}" ] || . /scenarios/lib.sh

TR_TMP=/tmp/traffic.$$
TR_IPROUTE2=${TR_IPROUTE2:-/usr/bin/ip}
PG=/proc/net/pktgen
# Addresses of the test topologies, only ever inside the VM's namespaces
# (198.18.0.0/15, set aside for benchmarking, RFC 2544).
TR_NET=198.18.0

# ---------------------------------------------------------------- general

tr_init() {
	mkdir -p $TR_TMP
	: >$TR_TMP/links
	: >$TR_TMP/nss
	: >$TR_TMP/caps
	: >$TR_TMP/nblms
	: >$TR_TMP/daemons
	trap tr_cleanup EXIT
	modprobe veth || fail "modprobe veth"
	modprobe pktgen || fail "modprobe pktgen"
	# Nothing but the frames we send: no IPv6 autoconfiguration, DAD,
	# router or multicast listener traffic on new interfaces.
	sysctl -qw net.ipv6.conf.all.disable_ipv6=1 2>/dev/null || true
	sysctl -qw net.ipv6.conf.default.disable_ipv6=1 2>/dev/null || true
	# veth without NAPI delivers through the per-CPU backlog.
	sysctl -qw net.core.netdev_max_backlog=100000
	tr_log "start"
}

# Best effort, never fails: stop pktgen and captures, delete sessions,
# nblm interfaces, links and namespaces we made.
tr_cleanup() {
	local x
	set +e
	[ -d $TR_TMP ] || return 0
	[ -w $PG/pgctrl ] && echo stop >$PG/pgctrl 2>/dev/null
	for x in $PG/kpktgend_*; do
		[ -e "$x" ] && echo rem_device_all >"$x" 2>/dev/null
	done
	for x in $(cat $TR_TMP/caps); do
		[ -e $TR_TMP/cap.$x.pid ] && kill "$(cat $TR_TMP/cap.$x.pid)" 2>/dev/null
	done
	for x in $(cat $TR_TMP/daemons); do
		kill "$x" 2>/dev/null
	done
	if [ -d $NBLC_SYS/sessions ]; then
		for x in $(ls -A $NBLC_SYS/sessions); do
			echo -n "$x" >$NBLC_SYS/del_session 2>/dev/null
		done
	fi
	for x in $(cat $TR_TMP/nblms); do
		[ -e $NBLC_SYS/del_nblm ] && echo -n "$x" >$NBLC_SYS/del_nblm 2>/dev/null
	done
	for x in $(cat $TR_TMP/links); do
		ip link del dev "$x" 2>/dev/null
	done
	for x in $(cat $TR_TMP/nss); do
		kill "$(cat $TR_TMP/ns.$x)" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf $TR_TMP
	return 0
}

# A line with the seconds since boot, so the console shows where time goes.
tr_log() {
	echo "NBLC_INFO ${0##*/} $(cut -d' ' -f1 /proc/uptime)s: $*"
}

# wait_until TENTHS CMD...: run CMD every 0.1 s until it succeeds; fail
# after TENTHS tries.
wait_until() {
	local n=$1
	shift
	while ! "$@"; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.1
	done
}

# expect_ge WHAT ACTUAL MIN / expect_le WHAT ACTUAL MAX
expect_ge() {
	[ "$2" -ge "$3" ] || fail "$1: got $2, expected at least $3"
}
expect_le() {
	[ "$2" -le "$3" ] || fail "$1: got $2, expected at most $3"
}

tr_need_iproute2() {
	"$TR_IPROUTE2" -V 2>/dev/null | grep -q iproute2 ||
		fail "needs iproute2 at $TR_IPROUTE2 (busybox ip cannot $*)"
}

# --------------------------------------------------------------- topology

# ns_new NS: a network namespace named NS, with lo up and IPv6 off.
ns_new() {
	local pid self
	unshare -n sleep 1000000 &
	pid=$!
	echo $pid >$TR_TMP/ns.$1
	echo "$1" >>$TR_TMP/nss
	self=$(readlink /proc/self/ns/net)
	wait_until 50 ns_differs $pid "$self" || fail "netns $1 did not appear"
	nsx "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	nsx "$1" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	nsx "$1" sysctl -qw net.core.netdev_max_backlog=100000 2>/dev/null || true
	nsx "$1" ip link set dev lo up
}

ns_differs() {
	[ "$(readlink /proc/$1/ns/net 2>/dev/null)" != "$2" ] &&
		[ -n "$(readlink /proc/$1/ns/net 2>/dev/null)" ]
}

ns_pid() {
	cat $TR_TMP/ns.$1 2>/dev/null || fail "no netns $1"
}

# nsx NS CMD...: run CMD in NS; NS "" or "-" is the initial namespace.
nsx() {
	local ns=$1
	shift
	case "$ns" in
	"" | -) "$@" ;;
	*) nsenter -t "$(ns_pid "$ns")" -n "$@" ;;
	esac
}

# ns_del NS: end the namespace (its devices go with it, asynchronously).
ns_del() {
	kill "$(ns_pid "$1")"
	wait "$(ns_pid "$1")" 2>/dev/null || true
	grep -vx "$1" $TR_TMP/nss >$TR_TMP/nss.new || true
	mv $TR_TMP/nss.new $TR_TMP/nss
}

# veth_add A B [NS_B]: a veth pair A <-> B, A in the initial namespace and
# B moved to NS_B when given; both down.
veth_add() {
	local peer idx d
	ip link add name "$1" type veth || fail "ip link add $1 type veth"
	echo "$1" >>$TR_TMP/links
	idx=$(cat /sys/class/net/"$1"/iflink)
	peer=
	for d in /sys/class/net/*; do
		if [ "$(cat "$d"/ifindex)" = "$idx" ]; then
			peer=${d##*/}
			break
		fi
	done
	[ -n "$peer" ] || fail "no peer for veth $1"
	if [ "$peer" != "$2" ]; then
		ip link set dev "$peer" name "$2" || fail "rename $peer to $2"
	fi
	if [ -n "${3:-}" ]; then
		ip link set dev "$2" netns "$(ns_pid "$3")" || fail "move $2 to $3"
	fi
}

# link_up NS DEV [MTU]
link_up() {
	if [ -n "${3:-}" ]; then
		nsx "$1" ip link set dev "$2" mtu "$3" || fail "mtu $3 on $2"
	fi
	nsx "$1" ip link set dev "$2" up || fail "up $2"
}

# addr_add NS DEV ADDR/LEN
addr_add() {
	nsx "$1" ip addr add "$3" dev "$2" || fail "address $3 on $2"
}

# dev_mac NS DEV
dev_mac() {
	nsx "$1" ip link show dev "$2" | awk '$1 == "link/ether" { print $2 }'
}

# link_del DEV: delete a link of the initial namespace (and its veth peer).
link_del() {
	ip link del dev "$1" || fail "ip link del $1"
	grep -vx "$1" $TR_TMP/links >$TR_TMP/links.new || true
	mv $TR_TMP/links.new $TR_TMP/links
}

# dev_counter NS DEV FIELD: one counter of /proc/net/dev, FIELD one of
# rx_bytes rx_packets rx_errs rx_drop tx_bytes tx_packets tx_errs tx_drop.
dev_counter() {
	local col
	case "$3" in
	rx_bytes) col=1 ;;
	rx_packets) col=2 ;;
	rx_errs) col=3 ;;
	rx_drop) col=4 ;;
	tx_bytes) col=9 ;;
	tx_packets) col=10 ;;
	tx_errs) col=11 ;;
	tx_drop) col=12 ;;
	*) fail "dev_counter: unknown field $3" ;;
	esac
	nsx "$1" cat /proc/net/dev | awk -v d="$2" -v c=$col '
		{ sub(/^ */, ""); i = index($0, ":"); if (i == 0) next
		  if (substr($0, 1, i - 1) != d) next
		  split(substr($0, i + 1), f, " "); print f[c]; found = 1 }
		END { if (!found) exit 1 }' || fail "no device $2 in /proc/net/dev"
}

# snmp_get NS PROTO FIELD: a counter of /proc/net/snmp, e.g. Udp NoPorts.
snmp_get() {
	nsx "$1" cat /proc/net/snmp | awk -v p="$2:" -v f="$3" '
		$1 == p && !hdr { for (i = 2; i <= NF; i++) col[$i] = i; hdr = 1; next }
		$1 == p && hdr { if (f in col) { print $col[f]; ok = 1 } }
		END { if (!ok) exit 1 }' || fail "no $2 $3 in /proc/net/snmp"
}

# nblm_add N [MTU]: create nblmN through the module and bring it up.
nblm_add() {
	sys_write $NBLC_SYS/new_nblm "nblm$1" ||
		fail "new_nblm nblm$1: $TR_ERRNO ($TR_MSG)"
	echo "nblm$1" >>$TR_TMP/nblms
	link_up - "nblm$1" "${2:-}"
}

nblm_del() {
	sys_write $NBLC_SYS/del_nblm "nblm$1" ||
		fail "del_nblm nblm$1: $TR_ERRNO ($TR_MSG)"
}

# ----------------------------------------------------------------- pktgen
#
# One device at a time, on pktgen's thread for CPU 0 (kpktgend_0), so every
# frame is sent, and with veth received through the backlog, on CPU 0.
# Frames are UDP/IPv4 with checksums from $PG_SRC to $PG_DST, port 9 to 9,
# Ethernet destination $PG_DST_MAC; their length is SIZE bytes from the
# MAC header on (no FCS). Defaults: a delay of $PG_DELAY ns between frames.

PG_SRC=$TR_NET.1
PG_DST=$TR_NET.2
PG_DST_MAC=02:00:00:00:00:02
PG_DELAY=${PG_DELAY:-0}

# pgset FILE CMD: one pktgen command, checked.
pgset() {
	echo "$2" >"$1" || fail "pktgen '$2' > $1"
	if [ "${1##*/}" != pgctrl ] && ! grep -q '^Result: OK' "$1"; then
		fail "pktgen '$2': $(grep '^Result' "$1")"
	fi
}

# pg_setup DEV COUNT SIZE [CMD...]: configure DEV on kpktgend_0; CMDs are
# further pktgen commands ("delay 20000", "xmit_mode queue_xmit",
# "udp_dst_max 18", "vlan_id 5"...), applied after the defaults.
pg_setup() {
	local dev=$1 count=$2 size=$3 c
	shift 3
	pgset $PG/kpktgend_0 rem_device_all
	pgset $PG/kpktgend_0 "add_device $dev"
	for c in "count $count" "pkt_size $size" "clone_skb 0" "burst 1" \
		 "delay $PG_DELAY" "dst_mac $PG_DST_MAC" "dst $PG_DST" \
		 "src_min $PG_SRC" "src_max $PG_SRC" "udp_src_min 9" \
		 "udp_src_max 9" "udp_dst_min 9" "udp_dst_max 9" \
		 "flag UDPCSUM" "$@"; do
		pgset $PG/"$dev" "$c"
	done
}

# pg_send DEV COUNT SIZE [CMD...]: send COUNT frames and wait until done;
# fails unless pktgen sent all of them without an error.
pg_send() {
	pg_setup "$@"
	pg_run "$1" "$2"
}

# pg_run DEV COUNT: start what pg_setup configured, wait, check. Captures
# are best started between the two: their idle clock runs from the start.
pg_run() {
	# In a child with no children of its own: a SIGCHLD to a shell that
	# waits in this write would stop pktgen early.
	sh -c "echo start >$PG/pgctrl" || fail "pktgen start"
	pg_check "$1" "$2"
}

# pg_run_paced DEV COUNT BURST SESSION: COUNT frames as runs of BURST (what
# pg_setup configured), each started once SESSION has no child in flight. A
# loaded TCG host can hold children in veth backlogs for seconds: paced by
# completions, at most BURST x targets are ever in flight.
pg_run_paced() {
	local dev=$1 left=$2 burst=$3 sess=$4

	[ $((left % burst)) = 0 ] || fail "pg_run_paced: $left frames, bursts of $burst"
	while [ "$left" -gt 0 ]; do
		pg_run "$dev" "$burst"
		wait_in_flight "$sess"
		left=$((left - burst))
	done
}

# pg_check DEV COUNT: pktgen's result for DEV says COUNT frames, 0 errors.
pg_check() {
	local sent errs
	sent=$(pg_sent "$1")
	errs=$(sed -n 's/.*pkts-sofar:.*errors: *\([0-9]*\).*/\1/p' $PG/"$1")
	[ "$sent" = "$2" ] && [ "$errs" = 0 ] ||
		fail "pktgen on $1: sent $sent of $2, $errs errors: $(grep -A3 '^Result' $PG/"$1" | tr '\n' ' ')"
}

pg_sent() {
	sed -n 's/.*pkts-sofar: *\([0-9]*\).*/\1/p' $PG/"$1"
}

# pg_start DEV COUNT SIZE [CMD...]: the same in the background (COUNT 0
# runs until pg_stop); pg_wait waits for the end, pg_stop ends it.
pg_start() {
	pg_setup "$@"
	sh -c "echo start >$PG/pgctrl" &
	echo $! >$TR_TMP/pg.pid
	wait_until 50 pg_running "$1" || fail "pktgen did not start on $1"
}

# tr_daemon CMD...: CMD in the background until tr_cleanup, its output
# to /dev/null: a scenario's output is read to its end, which a daemon
# holding it open would never reach.
tr_daemon() {
	"$@" </dev/null >/dev/null 2>&1 &
	echo $! >>$TR_TMP/daemons
}

# on_traffic_cpu: from here on this shell and what it starts run on CPU 0,
# the CPU of kpktgend_0. A scenario calls it before it registers the first
# netdev hook or removes the last one under traffic (rmmod, deleting a
# session's source device): that flips the static keys (jump labels) of
# the packet path, and QEMU 7.2's multi-threaded TCG (NBLC_TCG_OPTS=
# thread=multi; vm-test.sh runs one thread by default) can keep a stale
# int3 in its translation for a vCPU that runs the patched code while
# another vCPU patches it. The kprobes int3 handler then finds no int3 in
# memory, backs the vCPU up over it, and the vCPU takes the stale int3
# again, without end: seen as a soft lockup of kpktgend_0 at a jump label
# in __netif_receive_skb_core, one softirq lasting minutes, in 60-lifecycle
# on 6.1. Fixed by QEMU commit deba78709a ("accel/tcg: Always lock pages
# before translation"). Patched from the vCPU that runs it, code is never
# stale.
on_traffic_cpu() {
	taskset -p 1 $$ >/dev/null || fail "taskset"
}

pg_running() {
	grep -q "^Running: .*$1" $PG/kpktgend_0
}

pg_wait() {
	wait "$(cat $TR_TMP/pg.pid)" || fail "pktgen start failed"
}

pg_stop() {
	echo stop >$PG/pgctrl || fail "pktgen stop"
	wait "$(cat $TR_TMP/pg.pid)" || true
}

# ---------------------------------------------------------------- capture
#
# cap_start NAME NS DEV [NBLCAP-ARGS...]: nblcap on DEV in NS (- for the
# initial one) in the background, returning once its socket is bound. It
# ends after $CAP_IDLE_MS ms without a frame unless NBLCAP-ARGS say
# otherwise. It counts IPv4 frames only (-e 0x0800): every scenario's own
# flows are IPv4, and the ARP the stack sends when a neighbour entry goes
# stale must not count (NBLCAP-ARGS -e all counts everything). cap_wait NAME waits for its line; cap_get NAME FIELD reads
# frames, bytes, hash, drops, minlen or maxlen of it.

CAP_IDLE_MS=${CAP_IDLE_MS:-2000}

cap_start() {
	local name=$1 ns=$2 dev=$3
	shift 3
	rm -f $TR_TMP/cap.$name.ready $TR_TMP/cap.$name.out
	nsx "$ns" nblcap -i "$dev" -w $CAP_IDLE_MS -e 0x0800 -r $TR_TMP/cap.$name.ready "$@" \
		>$TR_TMP/cap.$name.out 2>$TR_TMP/cap.$name.err &
	echo $! >$TR_TMP/cap.$name.pid
	echo "$name" >>$TR_TMP/caps
	wait_until 100 test -e $TR_TMP/cap.$name.ready ||
		fail "nblcap on $dev not ready: $(cat $TR_TMP/cap.$name.err)"
}

cap_wait() {
	local f=$TR_TMP/cap.$1.out
	wait "$(cat $TR_TMP/cap.$1.pid)" || fail "nblcap $1: $(cat $TR_TMP/cap.$1.err)"
	grep -q '^frames=' $f || fail "nblcap $1 printed no result: $(cat $TR_TMP/cap.$1.err)"
}

cap_get() {
	awk -v k="$2" '{ for (i = 1; i <= NF; i++) {
		split($i, kv, "="); if (kv[1] == k) print kv[2] } }' $TR_TMP/cap.$1.out
}

cap_line() {
	cat $TR_TMP/cap.$1.out
}

# cap_expect NAME FRAMES LEN [HASH]: NAME counted FRAMES frames, all LEN
# bytes long, none dropped, and (when given) with that hash.
cap_expect() {
	expect_eq "capture $1 frames ($(cap_line "$1"))" "$(cap_get "$1" frames)" "$2"
	expect_eq "capture $1 drops" "$(cap_get "$1" drops)" 0
	if [ "$2" != 0 ]; then
		expect_eq "capture $1 minlen" "$(cap_get "$1" minlen)" "$3"
		expect_eq "capture $1 maxlen" "$(cap_get "$1" maxlen)" "$3"
		expect_eq "capture $1 bytes" "$(cap_get "$1" bytes)" $(($2 * $3))
	fi
	if [ -n "${4:-}" ]; then
		expect_eq "capture $1 hash" "$(cap_get "$1" hash)" "$4"
	fi
}

# ------------------------------------------------------------------ sysfs

# errno_name MESSAGE: the errno whose strerror() text MESSAGE contains.
errno_name() {
	case "$1" in
	*"Operation not permitted"*) echo EPERM ;;
	*"No such file or directory"* | *"nonexistent directory"*) echo ENOENT ;;
	*"Input/output error"*) echo EIO ;;
	*"No such device or address"*) echo ENXIO ;;
	*"Argument list too long"*) echo E2BIG ;;
	*"Bad address"*) echo EFAULT ;;
	*"Resource temporarily unavailable"*) echo EAGAIN ;;
	*"Cannot allocate memory"* | *"Out of memory"*) echo ENOMEM ;;
	*"Permission denied"*) echo EACCES ;;
	*"Device or resource busy"*) echo EBUSY ;;
	*"File exists"*) echo EEXIST ;;
	*"Invalid cross-device link"*) echo EXDEV ;;
	*"No such device"*) echo ENODEV ;;
	*"Invalid argument"*) echo EINVAL ;;
	*"No space left on device"*) echo ENOSPC ;;
	*"Numerical result out of range"*) echo ERANGE ;;
	*"File name too long"*) echo ENAMETOOLONG ;;
	*"Operation not supported"* | *"Not supported"*) echo EOPNOTSUPP ;;
	*"Value too large"*) echo EOVERFLOW ;;
	*"Read-only file system"*) echo EROFS ;;
	*) echo "UNKNOWN($1)" ;;
	esac
}

# sys_write FILE VALUE: write VALUE, expanded by printf %b (so \n, \t and
# \0NNN octal bytes can be said), to FILE in one write(), from the network
# namespace $TR_WNS (default: the initial one). Returns 0 on success;
# otherwise 1 with TR_ERRNO the errno name and TR_MSG the message.
sys_write() {
	printf '%b' "$2" >$TR_TMP/wval
	TR_ERRNO=
	if TR_MSG=$(nsx "${TR_WNS:--}" dd if=$TR_TMP/wval of="$1" bs=1M 2>&1); then
		return 0
	fi
	TR_MSG=$(echo "$TR_MSG" | grep -v 'records\|bytes' | head -n 1)
	TR_ERRNO=$(errno_name "$TR_MSG")
	return 1
}

# expect_write_ok FILE VALUE
expect_write_ok() {
	sys_write "$1" "$2" || fail "write '$2' > $1: $TR_ERRNO ($TR_MSG)"
}

# config_snapshot: everything configured, as text: the sessions, each one's
# readable configuration files and targets, and the nblm interfaces.
config_snapshot() {
	local s f
	for s in $(ls -A $NBLC_SYS/sessions); do
		echo "session $s"
		for f in source direction targets mode snaplen filter sample \
			 max_in_flight enabled; do
			[ -r $NBLC_SYS/sessions/$s/$f ] &&
				echo "$f=$(cat $NBLC_SYS/sessions/$s/$f)"
		done
		echo "target dirs: $(ls -A $NBLC_SYS/sessions/$s/target 2>/dev/null | tr '\n' ' ')"
	done
	echo "nblm: $(ls /sys/class/net | grep '^nblm' | tr '\n' ' ')"
}

# expect_write_fails FILE VALUE ERRNO: the write is refused with ERRNO
# (EINVAL, ENODEV... see errno_name) and the configuration is unchanged.
expect_write_fails() {
	local before after
	before=$(config_snapshot)
	if sys_write "$1" "$2"; then
		fail "write '$2' > ${1#$NBLC_SYS/} succeeded, expected $3"
	fi
	[ "$TR_ERRNO" = "$3" ] ||
		fail "write '$2' > ${1#$NBLC_SYS/}: got $TR_ERRNO ($TR_MSG), expected $3"
	after=$(config_snapshot)
	[ "$before" = "$after" ] ||
		fail "refused write '$2' > ${1#$NBLC_SYS/} changed the configuration:
$before
---
$after"
	TR_REFUSED=$((${TR_REFUSED:-0} + 1))
}

# sess_new NAME / sess_del NAME
sess_new() {
	expect_write_ok $NBLC_SYS/new_session "$1"
	[ -d $NBLC_SYS/sessions/"$1" ] || fail "no sessions/$1 after new_session"
}

sess_del() {
	expect_write_ok $NBLC_SYS/del_session "$1"
	[ ! -e $NBLC_SYS/sessions/"$1" ] || fail "sessions/$1 still there after del_session"
}

# sess_set NAME FILE VALUE: a write that must succeed.
sess_set() {
	expect_write_ok $NBLC_SYS/sessions/"$1"/"$2" "$3"
}

sess_get() {
	cat $NBLC_SYS/sessions/"$1"/"$2" || fail "read sessions/$1/$2"
}

# sess_stat NAME STAT / tgt_stat NAME DEV STAT
sess_stat() {
	cat $NBLC_SYS/sessions/"$1"/stats/"$2" || fail "read sessions/$1/stats/$2"
}

tgt_stat() {
	cat $NBLC_SYS/sessions/"$1"/target/"$2"/"$3" ||
		fail "read sessions/$1/target/$2/$3"
}

# sess_mk NAME SOURCE DIRECTION TARGET...: a session mirroring SOURCE's
# DIRECTION packets to the TARGETs, enabled.
sess_mk() {
	local name=$1 src=$2 dir=$3 t
	shift 3
	sess_new "$name"
	sess_set "$name" source "$src"
	sess_set "$name" direction "$dir"
	for t in "$@"; do
		sess_set "$name" targets "+$t"
	done
	sess_set "$name" enabled 1
}

# wait_in_flight NAME: the session's in_flight drops to 0 (within 10 s).
wait_in_flight() {
	wait_until 100 sess_idle "$1" ||
		fail "session $1: in_flight still $(sess_stat "$1" in_flight)"
}

# pool_idle: no NBL of the module's pool is outstanding, and none holds a
# page reference.
pool_idle() {
	[ "$(cat $NBLC_SYS/pool/outstanding)" = 0 ] &&
		[ "$(cat $NBLC_SYS/pool/page_refs)" = 0 ]
}

sess_idle() {
	[ "$(sess_stat "$1" in_flight)" = 0 ]
}

# stat_is NAME STAT VALUE / stat_above NAME STAT VALUE: for wait_until.
stat_is() {
	[ "$(sess_stat "$1" "$2")" = "$3" ]
}

stat_above() {
	[ "$(sess_stat "$1" "$2")" -gt "$3" ]
}

# no_pointer WHAT: no kernel address (ffff and 12 hex digits; %p hashes
# them to something else) on stdin, which is WHAT.
no_pointer() {
	local p
	p=$(grep -oE 'ffff[0-9a-f]{12}' | grep -vx ffffffffffffffff | head -n 1) || true
	[ -z "$p" ] || fail "a kernel pointer in $1: $p"
}

# sess_drops NAME [DEV]: the sum of the session's (or one target's) drops.
sess_drops() {
	local v d=$NBLC_SYS/sessions/$1/stats
	[ -z "${2:-}" ] || d=$NBLC_SYS/sessions/$1/target/$2
	v=$(cd "$d" && cat drop_nomem drop_mtu drop_down drop_nest \
		drop_in_flight drop_xmit) || fail "read drops of $d"
	echo "$v" | awk '{ s += $1 } END { print s }'
}

# sess_stats_line NAME: all counters on one line, for failure messages.
sess_stats_line() {
	local f out=
	for f in $NBLC_SYS/sessions/"$1"/stats/*; do
		[ "${f##*/}" = latency_hist ] && continue
		out="$out ${f##*/}=$(cat "$f")"
	done
	echo "$out"
}

# expect_stat NAME STAT VALUE / expect_tstat NAME DEV STAT VALUE
expect_stat() {
	local v
	v=$(sess_stat "$1" "$2")
	[ "$v" = "$3" ] ||
		fail "session $1 stats/$2: got $v, expected $3 (stats:$(sess_stats_line "$1"))"
}

expect_tstat() {
	local v
	v=$(tgt_stat "$1" "$2" "$3")
	[ "$v" = "$4" ] || fail "session $1 target/$2/$3: got $v, expected $4"
}

# expect_no_drops NAME [DEV...]: the session's and these targets' drop
# counters are all 0.
expect_no_drops() {
	local s=$1 d
	shift
	expect_eq "session $s drops (stats:$(sess_stats_line "$s"))" "$(sess_drops "$s")" 0
	for d in "$@"; do
		expect_eq "session $s target $d drops" "$(sess_drops "$s" "$d")" 0
	done
}

# ------------------------------------------------------- common topologies

# topo_source MTU: srca <-> srcb in the initial namespace, both up with
# MTU, srcb with $PG_DST/24 so that pktgen's UDP frames to it are delivered
# locally (counted as Udp NoPorts: no socket listens). PG_DST_MAC becomes
# srcb's address.
topo_source() {
	veth_add srca srcb
	link_up - srca "$1"
	link_up - srcb "$1"
	addr_add - srcb $PG_DST/24
	PG_DST_MAC=$(dev_mac - srcb)
}

# topo_target DEV NS MTU: a veth target DEV in the initial namespace whose
# peer DEVp is in NS, both up with MTU.
topo_target() {
	veth_add "$1" "$1p" "$2"
	link_up - "$1" "$3"
	link_up "$2" "$1p" "$3"
}

# udp_mark: a reading of the initial namespace's UDP counters, for
# expect_udp_delivered.
udp_mark() {
	echo "$(snmp_get - Udp NoPorts) $(snmp_get - Udp InErrors) $(snmp_get - Udp InCsumErrors)"
}

# expect_udp_delivered MARK N: N datagrams delivered since udp_mark gave
# MARK, with no receive or checksum error: originals arrive intact.
expect_udp_delivered() {
	local now
	now=$(udp_mark)
	set -- $1 $now "$2"
	expect_eq "UDP datagrams delivered to srcb" $(($4 - $1)) "$7"
	expect_eq "UDP receive errors" $(($5 - $2)) 0
	expect_eq "UDP checksum errors" $(($6 - $3)) 0
}
