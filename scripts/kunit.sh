#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run nblclone's KUnit suites in UML.
#
#   scripts/kunit.sh [SUITE_GLOB]        e.g. scripts/kunit.sh 'nblclone_pool'
#   KSERIES=6.1 scripts/kunit.sh         the same on the 6.1 series
#
# Builds (or reuses, from ~/.cache/nblclone) a UML kernel with KUnit and the
# debug options of kunit/.kunitconfig, builds nblclone.ko and the test
# modules against it, boots it on a private hostfs root, and loads them.
# Fails on any failed or crashed case, missing suite, KASAN, lockdep, WARN
# or BUG report, or kmemleak finding. The last line is `N passed, N failed`.
. "$(dirname "$0")/lib/common.sh"

filter=${1:-}
timeout_s=${NBLC_KUNIT_TIMEOUT:-900}
case " ${NBLC_UML_SMP_SERIES[*]} " in
*" $KSERIES "*) cpus=2 ;;
*) cpus=1 ;;
esac
work=$NBLC_ROOT/build/kunit-$KSERIES
log=$work/uml.log

# Kernel messages that mean a test run is not clean, whatever KTAP says.
splat_re='BUG:|WARNING:|Oops|Kernel panic|KASAN|UBSAN|kernel BUG|'
splat_re+='possible recursive locking|possible circular locking|'
splat_re+='inconsistent lock state|suspicious RCU usage|lock held when returning|'
splat_re+='sleeping function called from invalid context|refcount_t:|'
splat_re+='list_add corruption|list_del corruption|leaked reference|'
splat_re+='Segfault with no mm|RCU Stall|rcu_sched self-detected stall'

# The number of CPUs in a list of /sys/devices/system/cpu/online ("0-1,3").
nblc_cpu_count() {
	local r n=0 IFS=,

	for r in $1; do
		case "$r" in
		*-*) n=$((n + ${r#*-} - ${r%-*} + 1)) ;;
		[0-9]*) n=$((n + 1)) ;;
		esac
	done
	echo $n
}

# The suites the sources define, narrowed by the glob's suite part.
expected_suites() {
	local s

	grep -ho '\.name = "nblclone_[a-z0-9_]*"' "$NBLC_ROOT"/kunit/*.c |
		cut -d'"' -f2 | sort -u | while read -r s; do
		# shellcheck disable=SC2053
		[[ -z "$filter" || "$s" == ${filter%%.*} ]] && echo "$s"
	done
}

make_root() {
	local root=$work/root

	rm -rf "$root"
	mkdir -p "$root"/{bin,proc,sys,dev,tmp,modules}
	cp /bin/busybox "$root/bin/"
	cp "$NBLC_ROOT/scripts/uml/kunit-init" "$root/init"
	cp "$work/obj/module/nblclone.ko" "$work"/obj/kunit/*.ko "$root/modules/"
}

boot_uml() {
	local args=(mem=512M rootfstype=hostfs "rootflags=$work/root" rw
		    init=/init con=null con0=fd:0,fd:1
		    panic_on_warn=1 oops=panic)

	[ -n "$filter" ] && args+=("kunit.filter_glob=$filter")
	# SMP needs the seccomp userspace: the ptrace one refuses it.
	[ "$cpus" -gt 1 ] && args+=("ncpus=$cpus" seccomp=on)
	log "booting UML ($KSERIES, $cpus CPU$([ "$cpus" -gt 1 ] && echo s))"
	timeout "$timeout_s" "$uml/linux" "${args[@]}" </dev/null >"$log" 2>&1 || true
	# The console ends user-space lines in CR LF.
	sed -i 's/\r$//' "$log"
}

# Parse each test module's KTAP with the kernel's own parser. Prints the
# parser's output; returns non-zero if any module's KTAP did not pass.
parse_ktap() {
	local ko rc=0

	rm -f "$work"/*.json "$work"/*.parse
	for ko in "$work"/obj/kunit/*.ko; do
		ko=${ko##*/}
		sed -n "/^NBLC_KTAP_BEGIN $ko\$/,/^NBLC_KTAP_END $ko\$/p" "$log" |
			"$src/tools/testing/kunit/kunit.py" parse \
				--json="$work/${ko%.ko}.json" >"$work/${ko%.ko}.parse" 2>&1 ||
			rc=1
		cat "$work/${ko%.ko}.parse"
	done
	return $rc
}

nblc_setup
configs=("$NBLC_ROOT/kunit/.kunitconfig")
[ -e "$NBLC_ROOT/kunit/uml-$KSERIES.kunitconfig" ] &&
	configs+=("$NBLC_ROOT/kunit/uml-$KSERIES.kunitconfig")
uml=$(nblc_uml_build "kunit-$KSERIES" "${configs[@]}")
src=$(nblc_source_tree)
mkdir -p "$work"
nblc_build_modules "$uml" "$work/obj" ARCH=um
make_root
boot_uml

problems=()
parse_ok=1
parse_ktap || parse_ok=0

echo "KUnit $KSERIES results:"
passed=0 failed=0 skipped=0
while read -r line; do
	case "$line" in
	TOTAL\ *) read -r _ passed failed skipped <<<"$line" ;;
	SUITES_MISSING\ *) problems+=("suites missing: ${line#* }") ;;
	*) echo "  $line" ;;
	esac
done < <("$NBLC_ROOT/scripts/lib/ktap_results.py" "$(expected_suites)" "$work"/*.json)
# A parse failure that no counted case explains: a crash, or no KTAP at all.
[ "$parse_ok" = 0 ] && [ "$failed" -eq 0 ] &&
	problems+=("kunit.py parse failed with no failed case (crash?)")

# Reports from the moment our first module loads are ours. Before that they
# are the UML kernel's own: 6.1's UML walks the VMA tree without RCU at the
# first fork (force_flush_all(), "suspicious RCU usage"). Shown, not counted.
boot_splats=$(sed -n '1,/^NBLC_LOAD /p' "$log" | grep -aE "$splat_re" || true)
[ -n "$boot_splats" ] && echo "note: kernel reports at boot, before nblclone loaded:
$boot_splats"
sed -n '/^NBLC_LOAD /,$p' "$log" | grep -aE "$splat_re" >"$work/splats" &&
	problems+=("kernel reports:
$(head -n 20 "$work/splats")")
grep -a '^NBLC_FAIL' "$log" && problems+=("$(grep -a '^NBLC_FAIL' "$log")")
leaks=$(sed -n '/^NBLC_KMEMLEAK_BEGIN/,/^NBLC_KMEMLEAK_END/p' "$log" | sed '1d;$d')
[ -n "$leaks" ] && problems+=("kmemleak:
$(echo "$leaks" | head -n 30)")
grep -aq '^NBLC_DONE' "$log" || problems+=("UML did not finish (crash or timeout); see $log")
online=$(sed -n 's/^NBLC_CPUS_ONLINE //p' "$log")
echo "CPUs online: ${online:-unknown} (expected $cpus)"
[ "$(nblc_cpu_count "$online")" = "$cpus" ] ||
	problems+=("$cpus CPUs expected online, the guest had '${online:-none}'")

for p in "${problems[@]}"; do
	echo "FAIL: $p"
done
[ "$skipped" -gt 0 ] && echo "($skipped skipped)"
# Every problem outside KTAP counts as one failure, so 0 failed means clean.
failed=$((failed + ${#problems[@]}))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
