#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the VM scenarios of scripts/vm/ on a Debian kernel under QEMU.
#
#   scripts/vm-test.sh                   all scenarios, 6.12 series
#   KSERIES=6.1 scripts/vm-test.sh       the same on the 6.1 series
#   scripts/vm-test.sh --shell           boot to a shell instead
#   scripts/vm-test.sh --demo            run scripts/vm/demo.sh (make demo)
#   scripts/vm-test.sh FILE...           only these scenario files (any path)
#
# Builds nblclone.ko with DKMS against the image's headers and the capture
# tool scripts/vm/nblcap.c (static, for /bin/nblcap), packs an initramfs
# (busybox-static, the module and the image's own helper modules in a
# depmod'ed tree, scripts/nblctl at /bin/nblctl, the scenarios), and boots
# the image with TCG on 2 vCPUs,
# panic_on_warn and slab debugging. The guest prints a success token only
# when every scenario passed and the module came out with nothing left.
# The last line is `N passed, N failed`.
#
# Environment: NBLC_VM_WORK (the work tree, default build/vm-SERIES),
# NBLC_ACCEL=kvm to try KVM (stock kernels fail on a software
# KVM), NBLC_TCG_OPTS (QEMU's TCG options, default thread=single; see
# boot_vm), NBLC_VM_TIMEOUT (seconds, default 2400), NBLC_VM_MEM (MiB, 1024).
. "$(dirname "$0")/lib/common.sh"

# The image's modules that the scenarios use; their dependencies come along.
# One that a series lacks is skipped with a note, a built-in one needs nothing.
HELPER_KMODS=(dummy veth pktgen gre ip_gre ip_tunnel vxlan udp_tunnel
	      ip6_udp_tunnel 8021q sch_netem ifb)

# QEMU's TCG options: see boot_vm.
tcg_opts=${NBLC_TCG_OPTS:-thread=single}
shell=0
demo=0
only=()
case "${1:-}" in
--shell) shell=1 ;;
--demo) demo=1 ;;
"") ;;
-*) die "usage: ${0##*/} [--shell | --demo | SCENARIO...]" ;;
*)
	for f in "$@"; do
		[ -f "$f" ] || die "no scenario file $f"
		only+=("$(realpath "$f")")
	done
	;;
esac

# Runs of chosen scenarios get their own tree: they can go beside a full one.
work=${NBLC_VM_WORK:-$NBLC_ROOT/build/vm-$KSERIES${only:+-only}}
log=$work/console.log

# Copy one module file of the image into the staging tree, uncompressed.
stage_kmod_file() {
	local f=$1 rel

	rel=${f#"$modroot"/lib/modules/$kver/}
	rel=${rel%.xz}
	mkdir -p "$root/lib/modules/$kver/$(dirname "$rel")"
	case "$f" in
	*.xz) xz -dc "$f" >"$root/lib/modules/$kver/$rel" ;;
	*) cp "$f" "$root/lib/modules/$kver/$rel" ;;
	esac
}

stage_modules() {
	local m f deps dst=$root/lib/modules/$kver

	# An unpacked image (7.3) comes without depmod's files.
	[ -e "$modroot/lib/modules/$kver/modules.dep" ] ||
		depmod ${modroot:+-b "$modroot"} "$kver"
	for m in "${HELPER_KMODS[@]}"; do
		if ! deps=$(modprobe ${modroot:+-d "$modroot"} -S "$kver" \
			    --show-depends "$m" 2>/dev/null); then
			log "note: $kver has no module $m; skipped"
			continue
		fi
		# `builtin M` lines: in the image already, modules.builtin tells.
		for f in $(awk '$1 == "insmod" { print $2 }' <<<"$deps"); do
			stage_kmod_file "$f"
		done
	done
	dkms_install
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		[ ! -e "$modroot/lib/modules/$kver/$f" ] ||
			cp "$modroot/lib/modules/$kver/$f" "$dst/"
	done
	depmod -b "$root" "$kver"
	# Debian's default of one dummy0 per load gets in the scenarios' way.
	mkdir -p "$root/etc/modprobe.d"
	echo "options dummy numdummies=0" >"$root/etc/modprobe.d/dummy.conf"
	# Nor ifb0/ifb1 (systemd's modprobe.d says the same on the host).
	echo "options ifb numifbs=0" >"$root/etc/modprobe.d/ifb.conf"
}

# nblclone.ko as DKMS builds it for a user, against the image's headers.
# Debian 12's dkms (3.0.10) takes --dkmstree, --sourcetree and --installtree,
# so all of its state is private to $work, made afresh each run (nothing in
# /var/lib/dkms or /usr/src: re-runs and both series in parallel cannot
# meet), and `dkms install` writes straight into the staging tree, which
# stage_modules depmods. DKMS signs with its own key (MOK): a private one
# here, which the VM's kernel does not know and so treats as unsigned. The
# build is W=1 (dkms.conf); like nblc_build_modules, a warning fails it.
dkms_dir=$work/dkms
dkms_run() {
	mok_signing_key=$dkms_dir/mok.key mok_certificate=$dkms_dir/mok.pub \
		dkms "$@" -k "$kver" --kernelsourcedir "$kbuild" \
		--dkmstree "$dkms_dir/tree" --sourcetree "$dkms_dir/src" \
		--installtree "$root/lib/modules" >>"$dkms_dir/dkms.log" 2>&1
}

dkms_build() {
	local mlog

	dkms_ver=$(make -s -C "$NBLC_ROOT" version)
	rm -rf "$work/obj" "$dkms_dir/tree" "$dkms_dir/src" "$dkms_dir/dkms.log"
	mkdir -p "$dkms_dir/tree" "$dkms_dir/src"
	make -s -C "$NBLC_ROOT" dkms-src NBLC_VERSION="$dkms_ver" \
		DKMS_SRC="$dkms_dir/src/nblclone-$dkms_ver" || die "dkms-src failed"
	if ! dkms_run build "nblclone/$dkms_ver" -j "$NBLC_JOBS"; then
		cat "$dkms_dir/dkms.log" >&2
		cat "$dkms_dir/tree/nblclone/$dkms_ver/build/make.log" >&2 || true
		die "DKMS build of nblclone/$dkms_ver for $kver failed"
	fi
	mlog=$(echo "$dkms_dir/tree/nblclone/$dkms_ver/$kver"/*/log/make.log)
	[ -f "$mlog" ] || die "DKMS left no make.log for $kver"
	if grep -qiE 'warning:|error:' "$mlog"; then
		grep -iE -A3 'warning:|error:' "$mlog" >&2
		die "module build against $kver has warnings (DKMS, $mlog)"
	fi
}

# Into $root/lib/modules/$kver/updates/dkms; depmod is stage_modules'. DKMS
# compresses as the host's modules are; busybox modprobe wants them plain.
dkms_install() {
	local f

	dkms_run install "nblclone/$dkms_ver" --no-depmod ||
		{ cat "$dkms_dir/dkms.log" >&2; die "DKMS install into $root failed"; }
	for f in "$root/lib/modules/$kver/updates/dkms"/nblclone.ko.*; do
		case "$f" in
		*.xz) xz -d "$f" ;;
		*.gz) gzip -d "$f" ;;
		*.zst) zstd -q -d --rm "$f" ;;
		esac
	done
	[ -f "$root/lib/modules/$kver/updates/dkms/nblclone.ko" ] ||
		die "no nblclone.ko from DKMS in $root"
}

# The capture tool of the scenarios, static so it needs nothing in the VM.
build_nblcap() {
	gcc -static -O2 -Wall -Wextra -Werror -o "$work/nblcap" \
		"$NBLC_ROOT/scripts/vm/nblcap.c" || die "nblcap build failed"
}

# The host's iproute2 `ip` and `tc` at /usr/bin, with the libraries they
# load: busybox's ip cannot make tunnels or show statistics. Not on PATH,
# so busybox stays the default; scenarios ask for /usr/bin/ip.
stage_iproute2() {
	local bin lib

	mkdir -p "$root/usr/bin"
	for bin in /bin/ip /sbin/tc; do
		cp "$bin" "$root/usr/bin/"
		for lib in $(ldd "$bin" | awk '$2 == "=>" { print $3 } $1 ~ /^\// { print $1 }'); do
			mkdir -p "$root$(dirname "$lib")"
			cp -L "$lib" "$root$lib"
		done
	done
}

make_initramfs() {
	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,etc,scenarios}
	cp /bin/busybox "$root/bin/"
	install -m 755 "$work/nblcap" "$root/bin/nblcap"
	install -m 755 "$NBLC_ROOT/scripts/nblctl" "$root/bin/nblctl"
	stage_iproute2
	install -m 755 "$NBLC_ROOT/scripts/vm/init" "$root/init"
	cp "$NBLC_ROOT"/scripts/vm/*.sh "$root/scenarios/"
	if [ $demo = 1 ]; then
		rm "$root"/scenarios/[0-9]*.sh
		mv "$root/scenarios/demo.sh" "$root/scenarios/50-demo.sh"
	elif [ ${#only[@]} -gt 0 ]; then
		rm "$root"/scenarios/[0-9]*.sh
		cp "${only[@]}" "$root/scenarios/"
	fi
	stage_modules
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initramfs.gz"
}

boot_vm() {
	# QEMU 7.2's multi-threaded TCG can run a stale translation of code
	# that another vCPU patches: a static key flipped under it shows as
	# "Oops: int3" (fixed upstream by QEMU deba78709a), and the kernel
	# flips keys on its own, at boot too (seen: enqueue_timer, from
	# crng_reseed, before any module was loaded). One thread runs both
	# vCPUs in turn instead: the guest still has two CPUs whose work
	# interleaves, no translation races a write, and the scenarios take
	# about as long (20-fanout 144 s against 120, 95-stress 37 against
	# 39, on a loaded host). Parallel runs on two real CPUs are UML 7.3's.
	local accel=(-accel "tcg,$tcg_opts" -cpu max)
	local append="console=ttyS0 panic=-1 panic_on_warn=1 oops=panic"

	append+=" slab_nomerge slub_debug=FZPU page_poison=1 loglevel=5"
	# With NBLC_TCG_OPTS=thread=multi: the TSC's is the key that every
	# boot flips with both vCPUs running (sched_clock marked stable at
	# late init, unstable later by the clocksource watchdog): no TSC.
	append+=" tsc=unstable"
	[ "${NBLC_ACCEL:-tcg}" = kvm ] && accel=(-enable-kvm -cpu max)
	[ $shell = 1 ] && append+=" nblc.shell"

	local qemu=(qemu-system-x86_64 "${accel[@]}" -smp 2 -m "${NBLC_VM_MEM:-1024}"
		    -nographic -no-reboot -net none
		    -kernel "$(nblc_image_vmlinuz "$kver")" -initrd "$work/initramfs.gz"
		    -append "$append")
	if [ $shell = 1 ]; then
		exec "${qemu[@]}"
	fi
	log "booting $kver (TCG $tcg_opts, 2 vCPUs)"
	# QEMU in the foreground of its own timeout, so it cannot outlive us.
	timeout --foreground "${NBLC_VM_TIMEOUT:-2400}" "${qemu[@]}" \
		</dev/null >"$log" 2>&1 || true
	# The console ends user-space lines in CR LF.
	sed -i 's/\r$//' "$log"
}

nblc_setup
kver=$(nblc_image_kver)
modroot=$(nblc_image_modroot)
kbuild=$(nblc_image_kbuild "$kver")
root=$work/root
mkdir -p "$work"
dkms_build
build_nblcap
make_initramfs
boot_vm

splat_re='WARNING:|BUG:|Oops|Kernel panic|general protection|Call Trace|'
splat_re+='refcount_t:|list_add corruption|list_del corruption|unregister_netdevice: waiting'
# What matches but is no report of a kernel bug: pktgen's pr_warn() when
# the device it sends on is deleted under it, as 60-lifecycle does.
benign_re='pktgen: WARNING: trying to remove a running interface'

echo "VM $kver scenarios:"
awk '/^NBLC_SCENARIO / { printf "  %-28s %s %6s\n", $2, $3, $4 }' "$log"
awk '/^NBLC_FAIL/' "$log"
passed=$(grep -ac '^NBLC_SCENARIO .* PASS' "$log" || true)
failed=$(grep -ac '^NBLC_SCENARIO .* FAIL' "$log" || true)
expected=$(find "$NBLC_ROOT/scripts/vm" -maxdepth 1 -name '[0-9]*.sh' | wc -l)
[ $demo = 0 ] || expected=1
[ ${#only[@]} -eq 0 ] || expected=${#only[@]}

problems=()
[ $((passed + failed)) -eq "$expected" ] ||
	problems+=("$((expected - passed - failed)) of $expected scenarios did not report")
if grep -aE "$splat_re" "$log" | grep -avE "$benign_re" >"$work/splats"; then
	problems+=("kernel reports:
$(head -n 20 "$work/splats")")
fi
grep -aq '^NBLC_VM_RESULT=PASS' "$log" ||
	problems+=("no success token; see $log")

for p in "${problems[@]}"; do
	echo "FAIL: $p"
done
failed=$((failed + ${#problems[@]}))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
