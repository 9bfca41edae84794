# SPDX-License-Identifier: GPL-2.0
#
# The kernel series nblclone is tested on, sourced by scripts/setup.sh and
# scripts/lib/common.sh. 6.1 and 6.12 are Debian 12's own packages; 7.3
# comes from trixie-backports, which Debian 12 cannot install, so setup.sh
# downloads and unpacks it into the cache (NBLC_K73_DIR).

NBLC_SERIES=(7.3 6.12 6.1)

# The series whose UML has SMP (6.1's and 6.12's have not): their KUnit
# suites run on two CPUs.
NBLC_UML_SMP_SERIES=(7.3)

# What make check runs of the VM scenarios (its hour on two cores does not
# hold them all on every series; README, Tests): the first series all of
# them; the others all but NBLC_VM_CONFIG_ONLY, which drive the module's
# configuration interface, its sysfs parser and nblctl, code that is the
# same on every kernel; the series of NBLC_VM_SMOKE_SERIES only the smoke
# set. scripts/vm-test.sh alone runs every scenario on any series.
NBLC_VM_CONFIG_ONLY=(80-bad-config 90-nblctl 92-fuzz)
NBLC_VM_SMOKE_SERIES=(6.1)
NBLC_VM_SMOKE=(10-load-unload 15-mirror-basic 20-fanout 35-tcp-copied 50-remote
	       60-lifecycle 85-faults)

NBLC_CACHE=${NBLC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nblclone}

NBLC_K73_VERSION=7.3.4-1~bpo13+1
NBLC_K73_ABI=7.3.4+deb13-amd64
NBLC_K73_DEBS=(linux-source-7.3 "linux-binary-$NBLC_K73_ABI"
	       "linux-modules-$NBLC_K73_ABI" "linux-headers-$NBLC_K73_ABI")
NBLC_K73_DIR=$NBLC_CACHE/debs/linux-$(echo "$NBLC_K73_VERSION" | tr '~+:' '___')
# What dpkg-deb unpacked: usr/src/, usr/lib/modules/ABI/.
NBLC_K73_ROOT=$NBLC_K73_DIR/root

# Sparse for 7.3 (setup.sh builds it from Debian's source package).
NBLC_SPARSE_VERSION=0.6.5~rc1-2
NBLC_SPARSE_DIR=$NBLC_CACHE/tools/sparse-$(echo "$NBLC_SPARSE_VERSION" | tr '~+:' '___')
NBLC_SPARSE=$NBLC_SPARSE_DIR/sparse
