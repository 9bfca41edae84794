# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Sourced by scripts/bench-micro.sh and scripts/bench-e2e.sh, after
# scripts/lib/common.sh: the benchmark UML kernel, the modules built
# against it, booting it on the host's root, and what is recorded with the
# results.
#
# Environment:
#   NBLC_RESULTS   where results go (default: results/ in the checkout)
#   NBLC_BENCH_REV build nblclone.ko from module/ at this git revision
#                  (default: module/ as it is in the working tree)

BENCH_DIR=$NBLC_ROOT/scripts/bench
BENCH_RESULTS=${NBLC_RESULTS:-$NBLC_ROOT/results}
bench_work=$NBLC_ROOT/build/bench-$KSERIES

# The scripts' one option: sets quick to 1 for --quick, 0 without.
bench_args() {
	quick=0
	case "${1:-}" in
	--quick) quick=1 ;;
	"") ;;
	*)
		echo "usage: $0 [--quick]" >&2
		exit 2
		;;
	esac
}

# The machine's cores are shared: builds run at a lower priority.
# Sets bench_uml_dir and bench_cfg_hash (the hash in the build's name).
bench_uml() {
	bench_uml_dir=$(renice -n 10 -p "$BASHPID" >/dev/null &&
		nblc_uml_build "bench-$KSERIES" "$BENCH_DIR/uml-bench.kunitconfig")
	bench_cfg_hash=${bench_uml_dir##*-}
}

# nblclone.ko and nblclone_bench.ko against the benchmark kernel, W=1, in a
# private copy of the sources (no objects of other builds come along).
bench_modules() {
	local obj=$bench_work/obj

	rm -rf "$obj"
	mkdir -p "$obj/module" "$obj/bench"
	cp "$NBLC_ROOT/Kbuild" "$obj/"
	if [ -n "${NBLC_BENCH_REV:-}" ]; then
		git -C "$NBLC_ROOT" archive "$NBLC_BENCH_REV" module |
			tar -x -C "$obj" || die "no module/ at $NBLC_BENCH_REV"
		rm -f "$obj"/module/*.mod.c
		bench_src="module/ at $(git -C "$NBLC_ROOT" describe --always --tags "$NBLC_BENCH_REV")"
	else
		cp "$NBLC_ROOT"/module/Kbuild "$NBLC_ROOT"/module/compat.mk \
			"$NBLC_ROOT"/module/*.h "$obj/module/"
		find "$NBLC_ROOT/module" -maxdepth 1 -name '*.c' ! -name '*.mod.c' \
			-exec cp {} "$obj/module/" \;
		bench_src="module/ of the working tree, $(git -C "$NBLC_ROOT" describe --always --dirty --tags)"
	fi
	cp "$NBLC_ROOT"/bench/Kbuild "$NBLC_ROOT"/bench/*.c "$obj/bench/"
	# module/Kbuild asks git for the version; the copy is not a checkout.
	git -C "$NBLC_ROOT" describe --always --dirty --tags 2>/dev/null |
		head -n 1 >"$obj/module/VERSION" || true
	if ! nice -n 10 make -C "$bench_uml_dir" ARCH=um M="$obj" W=1 NBLC_BENCH=1 \
		-j"$NBLC_JOBS" modules >"$obj/build.log" 2>&1; then
		cat "$obj/build.log" >&2
		die "module build against $bench_uml_dir failed"
	fi
	if grep -qiE 'warning:|error:' "$obj/build.log"; then
		grep -iE -A3 'warning:|error:' "$obj/build.log" >&2
		die "module build against $bench_uml_dir has warnings"
	fi
}

# Boot the benchmark kernel on the host's root, read-only, with the
# settings file $2 (a path the guest sees, as everything on the host).
#   bench_boot LOG ENV_FILE TIMEOUT_S
bench_boot() {
	local log=$1 env=$2 timeout_s=$3

	log "booting UML ($KSERIES, config $bench_cfg_hash)"
	timeout "$timeout_s" "$bench_uml_dir/linux" mem=1G rootfstype=hostfs \
		rootflags=/ ro init="$BENCH_DIR/uml-init" con=null con0=fd:0,fd:1 \
		BENCH_ENV="$env" </dev/null >"$log" 2>&1 || true
	# The console ends user-space lines in CR LF.
	sed -i 's/\r$//' "$log"
	grep -a '^NBLC_BENCH_FAIL' "$log" >&2 && die "the guest failed; see $log"
	grep -aq '^NBLC_BENCH_DONE' "$log" ||
		die "UML did not finish (crash or timeout after ${timeout_s}s); see $log"
}

bench_loadavg() {
	cut -d' ' -f1-3 /proc/loadavg
}

# What produced the results: printed as key: value lines.
#   bench_meta COMMAND LOAD_BEFORE LOAD_AFTER SECONDS
bench_meta() {
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "command: $1"
	echo "host: $(uname -n), $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), Linux $(uname -r)"
	echo "host load average (1, 5, 15 min) before: $2"
	echo "host load average (1, 5, 15 min) after: $3"
	echo "UML kernel: $(nblc_source_version) (linux-source-$KSERIES), config hash $bench_cfg_hash ($bench_uml_dir)"
	echo "nblclone: $bench_src (default build: fault injection compiled in, as DKMS builds it)"
	echo "wall time: $4 s"
}
