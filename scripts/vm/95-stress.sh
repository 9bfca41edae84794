# SPDX-License-Identifier: GPL-2.0
#
# Stress under traffic on both CPUs, the short run of make check. The
# acceptance (issue 5):
#
#   "`make check` runs all of the above (a shorter stress, at least 30 s,
#   inside `make check`; the full one as `scripts/stress.sh`)"
#
# At least $STRESS_SECONDS (30) s and $STRESS_CYCLES (2) rmmod/insmod
# cycles of what scripts/vm/stress-lib.sh describes: sessions, targets and
# target devices added and removed under traffic from kpktgend_0 (CPU 0)
# and kpktgend_1 (CPU 1), exact conservation at every quiescent point,
# rmmod under traffic with nothing left behind. scripts/stress.sh runs the
# same for longer (at least 2 minutes and 20 cycles).
STRESS_SECONDS=${STRESS_SECONDS:-30}
STRESS_CYCLES=${STRESS_CYCLES:-2}
. /scenarios/stress-lib.sh
stress_main
