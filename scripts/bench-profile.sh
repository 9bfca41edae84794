#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where a benchmark's time goes: a host profile of the UML kernel while it
# runs one case, with nblclone's own functions named.
#
#   scripts/bench-profile.sh [TOOL]     an end-to-end run of TOOL
#                                       (scripts/bench-e2e.sh): nblclone:share
#                                       (default), tc_mirred, nft_netdev_dup,
#                                       nft_ip_dup, clone_floor, none; one
#                                       run of 3 bursts
#                                       of 1,000,000 packets
#   scripts/bench-profile.sh micro:METHOD
#                                       a micro benchmark cell
#                                       (scripts/bench-micro.sh): METHOD
#                                       skb_clone, nbl_share, nbl_own,
#                                       pskb_copy or skb_copy, linear 1500 B,
#                                       fan-out 4, 3 runs of 3,000,000 packets
#   NBLC_E2E_TARGETS=4 NBLC_E2E_SIZES=1500   (end to end, the defaults)
#
# UML runs the kernel as a host process: the host's perf samples it
# (cpu-clock, the only event a VM host may offer), the UML binary carries
# the kernel's symbols, and the modules' are resolved from the addresses
# their .text was loaded at, which the guest prints. End to end, samples
# include pktgen and the stack's work on each packet, as the figures do.
# Writes results/bench-profile-TOOL.txt and prints it.
# shellcheck source=scripts/lib/common.sh
. "$(dirname "$0")/lib/common.sh"
# shellcheck source=scripts/bench/lib.sh
. "$(dirname "$0")/bench/lib.sh"

tool=${1:-nblclone:share}
nblc_setup
command -v perf >/dev/null || die "perf is missing: scripts/setup.sh installs linux-perf"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
obj=$NBLC_ROOT/build/bench-$KSERIES/obj

# The UML kernel's host process: the UML binary that timeout started,
# below process $1.
uml_kernel_pid() {
	local p q

	for p in $(pgrep -x linux); do
		# ps pads a short pid with spaces, which -p refuses.
		q=$(ps -o ppid= -p "$p" | tr -d ' ')
		[ "$(ps -o comm= -p "$q")" = timeout ] || continue
		q=$p
		while [ "$q" -gt 1 ]; do
			q=$(ps -o ppid= -p "$q" | tr -d ' ')
			[ "$q" = "$1" ] && echo "$p" && return
		done
	done
}

case $tool in
micro:*)
	methods=(skb_clone nbl_share nbl_own pskb_copy skb_copy)
	bit=
	for i in "${!methods[@]}"; do
		[ "${methods[$i]}" = "${tool#micro:}" ] && bit=$((1 << i))
	done
	[ -n "$bit" ] || die "no such method: ${tool#micro:}"
	log=$NBLC_ROOT/build/bench-$KSERIES/micro.log
	what="linear 1500 bytes, fan-out 4"
	rm -f "$log"
	# Only the one cell: sizes bit 2 is 1500 B, fanouts bit 2 is 4.
	NBLC_RESULTS=$work/results \
		NBLC_MICRO_PARAMS=runs=3,iters=3000000,warmup=2000,alloc_iters=0,methods=$bit,shapes=1,sizes=4,fanouts=4 \
		"$NBLC_ROOT/scripts/bench-micro.sh" --quick >"$work/bench.out" 2>&1 &
	;;
*)
	log=$NBLC_ROOT/build/bench-$KSERIES/e2e.log
	what="${NBLC_E2E_TARGETS:-4} targets, ${NBLC_E2E_SIZES:-1500} bytes"
	rm -f "$log"
	NBLC_RESULTS=$work/results NBLC_E2E_TOOLS=$tool \
		NBLC_E2E_TARGETS=${NBLC_E2E_TARGETS:-4} \
		NBLC_E2E_SIZES=${NBLC_E2E_SIZES:-1500} NBLC_E2E_REPS=1 \
		NBLC_E2E_BURSTS=3 NBLC_E2E_COUNT=1000000 \
		"$NBLC_ROOT/scripts/bench-e2e.sh" --quick >"$work/bench.out" 2>&1 &
	;;
esac
bench=$!
until grep -aq '_START ' "$log" 2>/dev/null; do
	kill -0 "$bench" 2>/dev/null || { cat "$work/bench.out" >&2; die "the benchmark ended before its runs"; }
	sleep 0.2
done
pid=$(uml_kernel_pid "$bench")
[ -n "$pid" ] || die "no UML kernel process below $bench"
log "profiling UML kernel process $pid ($tool)"
perf record -q -e cpu-clock -F 4999 -p "$pid" -o "$work/perf.data" 2>/dev/null &
perf=$!
# Only the guest's output matters here: the micro report wants every method.
wait "$bench" || true
wait "$perf" || true
grep -aq '^NBLC_BENCH_DONE' "$log" || { cat "$work/bench.out" >&2; die "the benchmark failed; see $log"; }

modules=()
while read -r name addr; do
	modules+=("$name=$addr=$obj/$([ "$name" = nblclone ] && echo module || echo bench)/$name.ko")
done < <(sed -n 's/^NBLC_TEXT \([a-z_]*\) \(0x[0-9a-f]*\).*/\1 \2/p' "$log")
[ ${#modules[@]} -gt 0 ] || die "the guest printed no module address; see $log"
mkdir -p "$BENCH_RESULTS"
out=$BENCH_RESULTS/bench-profile-${tool//:/-}.txt
{
	echo "# scripts/bench-profile.sh $tool: $what, $(date -u '+%Y-%m-%d %H:%M UTC'), $(git -C "$NBLC_ROOT" describe --always --dirty --tags)"
	{ grep -a '^NBLC_E2E_RUN' "$log" || true; } | sed 's/^/# /'
	perf script -i "$work/perf.data" -F ip,sym 2>/dev/null |
		python3 "$BENCH_DIR/profile.py" "${modules[@]}"
} >"$out"
cat "$out"
log "wrote $out"
