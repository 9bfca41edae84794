#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: the KUnit suites in UML and the VM scenarios under QEMU, on
# every kernel series (scripts/lib/series.sh). Every step runs even when an
# earlier one failed; the last line adds them up as `N passed, N failed`.
. "$(dirname "$0")/lib/common.sh"

nblc_setup

total_pass=0
total_fail=0
summary=()

# run_step NAME COMMAND...: run one step, take its `N passed, N failed`
# and its wall time.
run_step() {
	local name=$1 out rc line p f t0

	shift
	echo "=== $name"
	t0=$SECONDS
	out=$(mktemp)
	set +e
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	set -e
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
	rm -f "$out"
	if [ -n "$line" ]; then
		p=${line%% passed*}
		f=${line#*passed, }
		f=${f%% failed}
	else
		p=0
		f=0
	fi
	# A step that failed without saying so still counts as a failure.
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	summary+=("$(printf '%-16s %4d passed, %d failed %6ds' "$name" "$p" "$f" \
		$((SECONDS - t0)))")
}

# The VM scenario files a series runs (scripts/lib/series.sh); none for
# the first series, which runs them all.
vm_scenarios() {
	local f n

	case " ${NBLC_VM_SMOKE_SERIES[*]} " in
	*" $1 "*)
		for n in "${NBLC_VM_SMOKE[@]}"; do
			echo "$NBLC_ROOT/scripts/vm/$n.sh"
		done
		return
		;;
	esac
	[ "$1" = "${NBLC_SERIES[0]}" ] && return
	for f in "$NBLC_ROOT"/scripts/vm/[0-9]*.sh; do
		n=$(basename "$f" .sh)
		case " ${NBLC_VM_CONFIG_ONLY[*]} " in
		*" $n "*) ;;
		*) echo "$f" ;;
		esac
	done
}

echo "=== plan"
for series in "${NBLC_SERIES[@]}"; do
	vm=$(vm_scenarios "$series" | xargs -r -n 1 basename -s .sh | xargs)
	echo "$series: module build, every KUnit suite, VM scenarios: ${vm:-all}"
done

run_step "build" "$NBLC_ROOT/scripts/build.sh"
run_step "style" "$NBLC_ROOT/scripts/style.sh"
for series in "${NBLC_SERIES[@]}"; do
	run_step "kunit $series" env KSERIES=$series "$NBLC_ROOT/scripts/kunit.sh"
	# shellcheck disable=SC2046
	run_step "vm $series" env KSERIES=$series "$NBLC_ROOT/scripts/vm-test.sh" \
		$(vm_scenarios "$series")
done

echo "=== summary"
printf '%s\n' "${summary[@]}"
echo "wall time: $((SECONDS / 60)) min $((SECONDS % 60)) s"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
