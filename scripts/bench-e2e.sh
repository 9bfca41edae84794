#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The end-to-end benchmark: pktgen drives a source device in UML and each
# packet is mirrored to 1, 2, 4 or 8 dummy targets by nblclone (each mode),
# by tc (matchall, one `action mirred egress mirror dev X` per target), by
# nftables `dup to` in the netdev family and in the ip family; plus no
# mirroring, and the floor: the same fan-out at the same hook with nothing
# tracked (bench/nblclone_floor.c), which shows what nblclone's tracking
# costs. All in one boot, runs interleaved (scripts/bench/e2e-guest.sh).
#
#   scripts/bench-e2e.sh              all tools and modes, 64, 1500 and 9000
#                                     bytes, 1/2/4/8 targets, 7 runs of
#                                     5 bursts of 20,000 packets
#   scripts/bench-e2e.sh --quick      nblclone share mode and the peers, 1
#                                     and 4 targets, 5 runs of 3 bursts
#
# A run's figure is its fastest burst (the UML CPU shares the host's with
# other work: a burst during which the host ran something else is slower);
# the tables give the median over the runs.
#   KSERIES=6.1 scripts/bench-e2e.sh
#
# The UML kernel (scripts/bench/uml-bench.kunitconfig, no debug options) is
# booted with the host's root read-only, so the host's ip, tc and nft run in
# it. Writes results/bench-e2e-runs.csv (every run), bench-e2e.csv (medians:
# packets/s and ns per packet of the source path), bench-e2e.md (tables, the
# issue's acceptance ratios, the machine, its load, the config hash) and
# bench-e2e.png; prints the tables.
# shellcheck source=scripts/lib/common.sh
. "$(dirname "$0")/lib/common.sh"
# shellcheck source=scripts/bench/lib.sh
. "$(dirname "$0")/bench/lib.sh"

bench_args "$@"

peers="tc_mirred nft_netdev_dup nft_ip_dup clone_floor"
if [ $quick = 1 ]; then
	tools="none nblclone:share $peers"
	targets="1 4"
	count=20000
	reps=5
	bursts=3
	timeout_s=900
else
	tools="none nblclone:share nblclone:own nblclone:pskb_copy nblclone:copy $peers"
	targets="1 2 4 8"
	count=20000
	reps=7
	bursts=5
	timeout_s=7200
fi
tools=${NBLC_E2E_TOOLS:-$tools}
targets=${NBLC_E2E_TARGETS:-$targets}
count=${NBLC_E2E_COUNT:-$count}
sizes=${NBLC_E2E_SIZES:-64 1500 9000}
reps=${NBLC_E2E_REPS:-$reps}
bursts=${NBLC_E2E_BURSTS:-$bursts}

start=$SECONDS
nblc_setup
bench_uml
bench_modules
mkdir -p "$bench_work" "$BENCH_RESULTS"
log=$bench_work/e2e.log
cat >"$bench_work/e2e.env" <<EOF
BENCH_MODE=e2e
BENCH_DIR=$BENCH_DIR
BENCH_OBJ=$bench_work/obj
E2E_TOOLS="$tools"
E2E_SIZES="$sizes"
E2E_TARGETS="$targets"
E2E_REPS=$reps
E2E_COUNT=$count
E2E_BURSTS=$bursts
EOF

load_before=$(bench_loadavg)
bench_boot "$log" "$bench_work/e2e.env" "$timeout_s"
load_after=$(bench_loadavg)

out=$BENCH_RESULTS
{
	echo "tool,mode,bytes,targets,rep,usec,packets,mirrored,expected,burst_usecs"
	sed -n 's/^NBLC_E2E_RUN //p' "$log" | tr ' ' ,
} >"$out/bench-e2e-runs.csv"
[ "$(wc -l <"$out/bench-e2e-runs.csv")" -gt 1 ] || die "no runs; see $log"

bench_meta "scripts/bench-e2e.sh${1:+ $1} (tools: $tools; bytes: $sizes; targets: $targets; $reps runs of $bursts bursts of $count packets)" \
	"$load_before" "$load_after" "$((SECONDS - start))" >"$out/bench-e2e.meta"
grep -a '^NBLC_E2E_SESSION' "$log" |
	sed 's/^NBLC_E2E_SESSION \([^ ]*\) /nblclone \1 session, drops: /' >>"$out/bench-e2e.meta" || true

python3 "$BENCH_DIR/report.py" e2e "$out"
gnuplot -e "dir='$out'; sizes='$sizes'" "$BENCH_DIR/e2e.gp"
log "wrote $out/bench-e2e.{csv,md} and $out/bench-e2e.png"
