#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The micro benchmark: ns per mirrored packet for raw skb_clone, the NBL
# shim's share and own clones, pskb_copy and skb_copy, by packet shape, size
# and fan-out, and the allocations per packet (nblclone_bench.ko, see
# bench/nblclone_bench.c).
#
#   scripts/bench-micro.sh            7 runs of 100,000 packets per cell
#   scripts/bench-micro.sh --quick    5 runs of 10,000 packets per cell
#   KSERIES=6.1 scripts/bench-micro.sh
#
# Builds (or reuses, from ~/.cache/nblclone) a UML kernel without any debug
# option (scripts/bench/uml-bench.kunitconfig), where kernel code runs at
# native speed on one CPU; builds nblclone.ko and nblclone_bench.ko against
# it, boots it and loads them. Writes results/bench-micro.csv (ns per packet:
# median, min and max over the runs), bench-micro-runs.csv (every run),
# bench-micro-allocs.csv and bench-micro-sites.csv (allocations per packet,
# and by call site), bench-micro.md (tables, ratios, the issue's acceptance
# goals, the machine, its load and the kernel's config hash) and two plots,
# bench-micro-size.png and bench-micro-fanout.png; prints the tables.
# shellcheck source=scripts/lib/common.sh
. "$(dirname "$0")/lib/common.sh"
# shellcheck source=scripts/bench/lib.sh
. "$(dirname "$0")/bench/lib.sh"

bench_args "$@"

if [ $quick = 1 ]; then
	params=runs=5,iters=10000,warmup=1000,alloc_iters=200
	timeout_s=900
else
	params=runs=7,iters=100000,warmup=2000,alloc_iters=1000
	timeout_s=5400
fi
params=${NBLC_MICRO_PARAMS:-$params}

start=$SECONDS
nblc_setup
bench_uml
bench_modules
mkdir -p "$bench_work" "$BENCH_RESULTS"
log=$bench_work/micro.log
cat >"$bench_work/micro.env" <<EOF
BENCH_MODE=micro
BENCH_DIR=$BENCH_DIR
BENCH_OBJ=$bench_work/obj
MICRO_PARAMS=$params
EOF

load_before=$(bench_loadavg)
bench_boot "$log" "$bench_work/micro.env" "$timeout_s"
load_after=$(bench_loadavg)

out=$BENCH_RESULTS
sed -n '/^NBLC_BENCH_RESULTS_BEGIN$/,/^NBLC_BENCH_RESULTS_END$/p' "$log" |
	sed '1d;$d' >"$bench_work/micro.raw"
grep -q '^status,ok$' "$bench_work/micro.raw" || {
	grep -E '^(error|status),' "$bench_work/micro.raw" >&2 || true
	die "the benchmark did not finish cleanly; see $log"
}
{
	echo "method,shape,bytes,fanout,ns_median,ns_min,ns_max,runs,iters"
	sed -n 's/^csv,//p' "$bench_work/micro.raw"
} >"$out/bench-micro.csv"
{
	echo "method,shape,bytes,fanout,run,ns_batch_median,ns_mean,batches,batch_iters"
	sed -n 's/^run,//p' "$bench_work/micro.raw"
} >"$out/bench-micro-runs.csv"
{
	echo "method,shape,bytes,fanout,slab_allocs,kmallocs,nbls"
	sed -n 's/^alloc,//p' "$bench_work/micro.raw"
} >"$out/bench-micro-allocs.csv"
{
	echo "method,shape,bytes,fanout,call_site,allocs"
	sed -n 's/^site,//p' "$bench_work/micro.raw"
} >"$out/bench-micro-sites.csv"

bench_meta "scripts/bench-micro.sh${1:+ $1} (nblclone_bench.ko $params)" \
	"$load_before" "$load_after" "$((SECONDS - start))" >"$out/bench-micro.meta"
grep '^info,' "$bench_work/micro.raw" | sed 's/^info,\([^,]*\),/guest \1: /' \
	>>"$out/bench-micro.meta"

python3 "$BENCH_DIR/report.py" micro "$out"
gnuplot -e "dir='$out'" "$BENCH_DIR/micro.gp"
log "wrote $out/bench-micro.{csv,md} and $out/bench-micro-{size,fanout}.png"
