#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build nblclone.ko against the image of every series (Debian's headers;
# for 7.3 a tree prepared from its source) with W=1 and sparse (C=2); any
# compiler, sparse or modpost warning fails the build.
# Prints `N passed, N failed`, one case per series.
. "$(dirname "$0")/lib/common.sh"

nblc_setup
passed=0
failed=0
for KSERIES in "${NBLC_SERIES[@]}"; do
	kver=$(nblc_image_kver)
	if (nblc_build_modules "$(nblc_image_kbuild "$kver")" \
		"$NBLC_ROOT/build/headers-$KSERIES" C=2 CHECK="$(nblc_sparse)"); then
		echo "  $kver: clean (W=1, C=2)"
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
