#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where the end-to-end benchmark's time goes: a host profile of the UML
# kernel while pktgen drives one tool (scripts/bench-e2e.sh, one run of
# long bursts), with nblclone's own functions named.
#
#   scripts/bench-profile.sh [TOOL]      nblclone:share (default), tc_mirred,
#                                        nft_netdev_dup, nft_ip_dup, none
#   NBLC_E2E_TARGETS=4 NBLC_E2E_SIZES=1500   (the defaults)
#
# UML runs the kernel as a host process: the host's perf samples it
# (cpu-clock, the only event a VM host may offer), the UML binary carries
# the kernel's symbols, and nblclone.ko's are resolved from the address its
# .text was loaded at, which the guest prints. Samples include pktgen and
# the stack's own work on each packet, as the benchmark's figures do.
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
log=$NBLC_ROOT/build/bench-$KSERIES/e2e.log
rm -f "$log"

# The UML kernel's host process: the UML binary that timeout started,
# below the benchmark started here.
uml_kernel_pid() {
	local p q

	for p in $(pgrep -x linux); do
		[ "$(ps -o comm= -p "$(ps -o ppid= -p "$p")")" = timeout ] || continue
		q=$p
		while [ "$q" -gt 1 ]; do
			q=$(ps -o ppid= -p "$q" | tr -d ' ')
			[ "$q" = "$1" ] && echo "$p" && return
		done
	done
}

NBLC_RESULTS=$work/results NBLC_E2E_TOOLS=$tool \
	NBLC_E2E_TARGETS=${NBLC_E2E_TARGETS:-4} \
	NBLC_E2E_SIZES=${NBLC_E2E_SIZES:-1500} NBLC_E2E_REPS=1 \
	NBLC_E2E_BURSTS=3 NBLC_E2E_COUNT=${NBLC_PROFILE_COUNT:-1000000} \
	"$NBLC_ROOT/scripts/bench-e2e.sh" --quick >"$work/e2e.out" 2>&1 &
bench=$!
until grep -aq '^NBLC_E2E_START' "$log" 2>/dev/null; do
	kill -0 "$bench" 2>/dev/null || { cat "$work/e2e.out" >&2; die "the benchmark ended before its runs"; }
	sleep 0.2
done
pid=$(uml_kernel_pid "$bench")
[ -n "$pid" ] || die "no UML kernel process below $bench"
log "profiling UML kernel process $pid ($tool)"
perf record -q -e cpu-clock -F 4999 -p "$pid" -o "$work/perf.data" 2>/dev/null &
perf=$!
wait "$bench" || { cat "$work/e2e.out" >&2; die "the benchmark failed"; }
wait "$perf" || true

text=$(sed -n 's/^NBLC_E2E_TEXT \(0x[0-9a-f]*\).*/\1/p' "$log" | head -1)
[ -n "$text" ] || die "the guest printed no module address; see $log"
mkdir -p "$BENCH_RESULTS"
out=$BENCH_RESULTS/bench-profile-${tool//:/-}.txt
{
	echo "# scripts/bench-profile.sh $tool: ${NBLC_E2E_TARGETS:-4} targets, ${NBLC_E2E_SIZES:-1500} bytes, $(date -u '+%Y-%m-%d %H:%M UTC')"
	grep -a '^NBLC_E2E_RUN' "$log" | sed 's/^/# /'
	perf script -i "$work/perf.data" -F ip,sym 2>/dev/null |
		python3 "$BENCH_DIR/profile.py" "$text" \
			"$NBLC_ROOT/build/bench-$KSERIES/obj/module/nblclone.ko"
} >"$out"
cat "$out"
log "wrote $out"
