#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make style`: checkpatch --strict and kernel-doc over every C file of the
# project, with the tools of Debian's 6.12 kernel source. Prints
# `N passed, N failed`, one case per file and tool.
. "$(dirname "$0")/lib/common.sh"

nblc_setup
KSERIES=6.12
src=$(nblc_source_tree)
cd "$NBLC_ROOT"
mapfile -t files < <(git ls-files -co --exclude-standard -- '*.c' '*.h')

passed=0
failed=0
check() {
	local what=$1 out

	shift
	if out=$("$@" 2>&1) && [ -z "$(echo "$out" | grep -E '^(ERROR|WARNING|CHECK)|warning:|error:')" ]; then
		passed=$((passed + 1))
	else
		echo "FAIL: $what"
		echo "$out" | grep -E -A3 '^(ERROR|WARNING|CHECK)|warning:|error:'
		failed=$((failed + 1))
	fi
}

for f in "${files[@]}"; do
	check "checkpatch $f" perl "$src/scripts/checkpatch.pl" --no-tree --strict \
		--quiet --show-types -f "$f"
	check "kernel-doc $f" perl "$src/scripts/kernel-doc" -none -Wall "$f"
done
echo "style: ${#files[@]} files"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
