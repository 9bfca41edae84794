# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# Sourced by scripts/bench/uml-init for scripts/bench-micro.sh: load
# nblclone.ko and nblclone_bench.ko, which runs every case on load, and
# print its results between markers. Settings (from the host script):
#   BENCH_OBJ     the module build tree
#   MICRO_PARAMS  nblclone_bench.ko parameters, comma-separated

if ! insmod "$BENCH_OBJ/module/nblclone.ko"; then
	echo "NBLC_BENCH_FAIL insmod nblclone.ko"
	return
fi
# For scripts/bench-profile.sh, which names the modules' functions.
echo "NBLC_TEXT nblclone $(cat /sys/module/nblclone/sections/.text)"
echo "NBLC_BENCH_START $(cut -d' ' -f1 /proc/uptime)"
# shellcheck disable=SC2046 # one word per parameter
if ! insmod "$BENCH_OBJ/bench/nblclone_bench.ko" $(echo "$MICRO_PARAMS" | tr , ' '); then
	echo "NBLC_BENCH_FAIL insmod nblclone_bench.ko"
fi
echo "NBLC_BENCH_END $(cut -d' ' -f1 /proc/uptime)"
echo "NBLC_TEXT nblclone_bench $(cat /sys/module/nblclone_bench/sections/.text)"
echo "NBLC_BENCH_RESULTS_BEGIN"
cat /sys/kernel/debug/nblclone_bench/results
echo "NBLC_BENCH_RESULTS_END"
rmmod nblclone_bench || echo "NBLC_BENCH_FAIL rmmod nblclone_bench"
rmmod nblclone || echo "NBLC_BENCH_FAIL rmmod nblclone"
