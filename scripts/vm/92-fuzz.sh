# SPDX-License-Identifier: GPL-2.0
#
# sysfs fuzzing under traffic. The acceptance (issue 5, point 3):
#
#   "a script writes at least 10,000 random and hostile values (random
#   bytes, huge numbers, negative numbers, overlong strings, embedded NULs
#   and newlines, concurrent writers) to every writable file while traffic
#   is mirrored: no oops/WARN, the configuration is exactly what the
#   accepted writes made it, the counters still add up (with concurrent
#   writers, assert invariants rather than one exact outcome)."
#
#   pktgen (endless, paced) -> srca ==veth== srcb 198.18.0.2  | netns col
#                                  ingress ^                  |
#     session "keep" (never fuzzed) --+--> t1 ==veth========== t1p
#                                     +--> t2 ==veth========== t2p
#     session "pin" (never fuzzed): pin0 (a quiet dummy), both directions
#     sessions fz f1 f2 f3 and any the fuzz creates: whatever it writes,
#     over srca srcb t1 t2 lo d0 d1 (dummies) and nblm0..nblm5, nblm255
#
# keep and pin stay enabled throughout so that no write of the fuzz
# registers the first or removes the last netdev ingress or egress hook:
# that flips static keys (jump labels) on the packet path, and QEMU TCG
# before 8.1 (Debian 12 has 7.2) can then crash the guest with "Oops: int3"
# whatever module registered the hook (see the set-up below).
#
# The values come from one awk program, in bulk (a shell loop per value is
# too slow under TCG): for a file drawn at random among every writable one
# (new_session, del_session, new_nblm, del_nblm, and source, direction,
# targets, mode, filter, enabled, reset, snaplen, sample, max_in_flight of
# sessions fz f1 f2 f3), a valid value (often with a trailing newline), a
# near miss (a wrong case, a sign, a space, a name too long, out of range by
# one, a Latin-1 letter), a huge or negative number, an overlong string (up
# to 10,000 bytes), a valid value with a NUL, newline or other control
# character in it, random bytes from /dev/urandom, or random printable text.
# The shell's builtin echo -ne writes each value in one write() (dd, a
# fork and exec a value, would take 150 ms each); a session file of a
# session that does not exist is preceded by a new_session for it.
#
# Phase 1, one writer, $FZ_WRITES writes at least, with traffic mirrored:
# every accepted write is logged; a model (awk) replays the log from the
# empty configuration the module was loaded with, following the ABI
# (Documentation/ABI/testing/sysfs-kernel-nblclone), and what it predicts
# must equal the configuration read back (config_snapshot's format, but
# listed with find | sort, as ls hides names that start with a dot and
# prints other bytes as '?', and read with builtins; compared byte for
# byte). Every refusal is one of the errnos the ABI names (EINVAL, ENODEV,
# EEXIST, EBUSY, ENOSPC, ENOENT).
#
# Phase 2, $FZ_WRITERS writers at once, $FZ_CONC_WRITES values each, with
# traffic: invariants only. After each phase every session reads back
# valid: each value in its domain, enabled only with a source, the source
# not a target, targets distinct, existing devices, at most 16, target/
# holding exactly them; each value written back is accepted and changes
# nothing.
#
# After each phase, with traffic stopped and nothing in flight (in_flight 0
# everywhere, pool outstanding 0): seen = filtered_out + sampled_out +
# matched for every session; "keep" (2 targets throughout) has
# packets + drops = 2 x matched and completions = matched; then every
# session's counters are reset and $FZ_BURST frames sent with the
# configuration the fuzz left: for every session, with T its targets,
# packets + drops = T x matched, each target packets + drops = matched,
# completions = matched (0 without targets), seen = filtered_out +
# sampled_out + matched; keep matched every frame; UDP delivered them all
# with no receive or checksum error. No kernel pointer shows in dmesg.
#
# Session names: the ABI allows [A-Za-z0-9_.-]. A name the module accepts
# outside that set is counted and, unless FZ_ABI_NAMES=warn, fails the
# scenario at the end (after every other check).
. /scenarios/traffic.sh

FZ_WRITES=${FZ_WRITES:-10000}
FZ_WRITERS=${FZ_WRITERS:-3}
FZ_CONC_WRITES=${FZ_CONC_WRITES:-1500}
FZ_BURST=${FZ_BURST:-300}
FZ_ABI_NAMES=${FZ_ABI_NAMES:-fail}
PG_DELAY=${PG_DELAY_FUZZ:-1000000}
S=$NBLC_SYS
TAB=$(printf '\t')
FZ_NL='
'
FZ_IFS=$IFS

# The session directories, one a line, in byte order: globs would miss the
# names that start with a dot, ls would print other bytes as '?'.
fz_sessions() {
	FZ_SESS=$(find $S/sessions -mindepth 1 -maxdepth 1 -type d | sort)
}

now() {
	cut -d' ' -f1 /proc/uptime
}

# ------------------------------------------------------------- the values

# fz_gen SEED COUNT OUT: COUNT records "KEY<TAB>VALUE", VALUE in echo -e
# form (printable ASCII but \ as itself, every other byte \0NNN, a leading
# - as \0055 so echo cannot take it for an option).
fz_gen() {
	head -c 65536 /dev/urandom | od -An -v -tu1 >$TR_TMP/bytes
	awk -v seed="$1" -v n="$2" -v bytes=$TR_TMP/bytes -f $TR_TMP/gen.awk >"$3" ||
		fail "value generator"
}

fz_gen_awk() {
	cat >$TR_TMP/gen.awk <<'EOF'
function rnd(k) { return int(rand() * k) }
function pick(list,   a, k) { k = split(list, a, " "); return a[rnd(k) + 1] }
function num(lo, hi) { return lo + rnd(hi - lo + 1) }
function byte() { if (!np) return rnd(256); bp = (bp + 1) % np; return pool[bp] }
function esc1(b) {
	return (b >= 32 && b <= 126 && b != 92) ? sprintf("%c", b) : sprintf("\\0%03o", b)
}
function rep(s, k,   o) {
	o = ""
	for (; k > 0; k = int(k / 2)) { if (k % 2) o = o s; s = s s }
	return o
}
function randbytes(len,   o) { o = ""; while (len-- > 0) o = o esc1(byte()); return o }
function randprint(len,   o, c) {
	o = ""
	while (len-- > 0) { c = 32 + rnd(95); if (c == 92) c = 47; o = o sprintf("%c", c) }
	return o
}
function randname(len,   o) {
	o = ""
	while (len-- > 0) o = o substr(NAMECH, 1 + rnd(length(NAMECH)), 1)
	return o
}
function sname() { return pick("f1 f2 f3 fz") }
function dev() { return pick(DEVS) }
function nblm() { return rnd(20) ? "nblm" rnd(6) : "nblm255" }
function sep(   r) { r = rnd(8); return r < 5 ? " " : r < 7 ? TAB : "  " }
function filt(   keys, k, i, j, t, out, v) {
	if (!rnd(4))
		return pick("any any any " TAB "any any" TAB)
	k = split("ethertype proto port vlan", keys, " ")
	for (i = k; i > 1; i--) { j = 1 + rnd(i); t = keys[i]; keys[i] = keys[j]; keys[j] = t }
	out = ""
	for (i = 1; i <= k; i++) {
		if (rnd(2) && !(i == k && out == ""))
			continue
		if (keys[i] == "ethertype") {
			v = sprintf(pick("0x%04x 0x%x 0X%X %d %d"),
				rnd(3) ? pick("2048 34525 2054 33024") : num(1536, 65535))
		} else if (keys[i] == "proto") {
			v = rnd(4) ? pick("17 6 1 132") : num(0, 255)
			if (!rnd(5)) v = sprintf("0x%x", v)
		} else if (keys[i] == "port") {
			v = rnd(3) ? pick("9 80 443 53") : num(1, 65535)
		} else {
			v = num(0, 4095)
		}
		if (!rnd(8)) v = "00" v
		out = out (out == "" ? "" : sep()) keys[i] " " v
	}
	if (!rnd(8)) out = " " out
	if (!rnd(8)) out = out sep()
	return out
}
function valid(f,   r, s) {
	if (f == "new_session") {
		if (rnd(8)) return sname()
		s = randname(1 + rnd(15)); names[nn++] = s; return s
	}
	if (f == "del_session") {
		r = rnd(10)
		if (r < 6) return sname()
		if (nn && r < 9) return names[rnd(nn)]
		return randname(1 + rnd(15))
	}
	if (f == "new_nblm" || f == "del_nblm") return nblm()
	if (f == "source") return rnd(5) ? dev() : "none"
	if (f == "targets") return (rnd(3) ? "+" : "-") dev()
	if (f == "direction") return pick("ingress egress both")
	if (f == "mode") return pick("share own pskb_copy copy")
	if (f == "filter") return filt()
	if (f == "enabled") return rnd(5) ? "1" : "0"
	if (f == "reset") return "1"
	if (f == "snaplen") return rnd(3) ? num(14, 65535) : "0"
	if (f == "sample") return rnd(5) ? num(1, 4) : num(1, 1000000)
	return rnd(4) ? num(64, 1048576) : num(1, 63)
}
function near(f,   k, a) {
	k = split(NEAR[f], a, " ")
	return a[1 + rnd(k)]
}
function embed(f,   v, p, ins) {
	v = valid(f)
	ins = pick(NUL " " NL " " NL " \\0015 \\0033 \\0177 \\0377 " NUL)
	if (rnd(4) == 0) return v NL NL
	if (index(v, "\\") || rnd(3) == 0) return rnd(2) ? ins v : v ins
	p = 1 + rnd(length(v))
	return substr(v, 1, p - 1) ins substr(v, p)
}
function value(f,   r, v, len) {
	r = rand()
	if (r < 0.40) {
		v = valid(f)
		if (!rnd(6)) v = v NL
		return v
	}
	if (r < 0.55) return near(f)
	if (r < 0.63) return pick(NUMBERS)
	if (r < 0.70) {
		len = pick("16 100 127 128 129 200 1000 4095 4096 4097 6000 10000")
		v = rnd(2) ? valid(f) : ""
		return v rep(pick("a 0 9 x . +"), len - length(v))
	}
	if (r < 0.82) return embed(f)
	if (r < 0.95) return randbytes(rnd(10) ? 1 + rnd(24) : 100 + rnd(200))
	return randprint(1 + rnd(40))
}
BEGIN {
	srand(seed)
	NL = "\\0012"; NUL = "\\0000"; TAB = "\\0011"
	NAMECH = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-"
	DEVS = "srca srcb t1 t2 lo d0 d1 nblm0 nblm1 nblm2 nblm3 nblm4 nblm5"
	while ((getline line < bytes) > 0) {
		k = split(line, a, " ")
		for (i = 1; i <= k; i++) pool[np++] = a[i] + 0
	}
	NUMBERS = "99999999999999999999 18446744073709551615 18446744073709551616 " \
		"4294967295 4294967296 2147483648 -1 -0 -2147483648 " \
		"-9223372036854775808 0 00000000000000000000000001 1.5 0x7fffffff " \
		"0xffffffffffffffff 1e9 NaN inf -inf 0b101 0o17 +0 ++1 --1"
	NEAR["new_session"] = ". .. a/b a" TAB "b a\\0040b 0123456789abcdef f1/ ./f1 " \
		"f\\0351 caf\\0351 \\0351t\\0351 \\0377 f1\\0000 f1" NL NL " -f1 fz\\0015 *"
	NEAR["del_session"] = ". .. keep/.. ../keep f1/ \\0351 f1" TAB " nosuch" NL " f1\\0000"
	NEAR["new_nblm"] = "nblm256 nblm-1 nblm nblm007 nblm00 nblm0x1 nblm+1 NBLM1 nblm1x " \
		"eth0 nblm4294967296 nblm" TAB "1 nblm\\00401 lo t1"
	NEAR["del_nblm"] = NEAR["new_nblm"] " srcb nblm9 nblm200"
	NEAR["source"] = "srcb\\0040 \\0040srcb SRCB t1p t2p nosuch none" TAB " None NONE " \
		"srcb" NL NL " abcdefghijklmnop ../srcb * - +srcb lo\\0000"
	NEAR["targets"] = "t1 + - ++t1 +\\0040t1 +t1\\0040 *t1 -nosuch +t1p +nosuch " \
		"+srcb\\0000 +abcdefghijklmnop +t1,t2 +t1" TAB "t2 --t1 +-t1 -+t1"
	NEAR["direction"] = "Ingress in ingress\\0040egress both" NL NL " 0 1 3 INGRESS egres bothh"
	NEAR["mode"] = "SHARE own\\0040 zerocopy copy\\0000 pskb-copy pskb_copy_ shareown 0 1"
	NEAR["filter"] = "port\\00400 port\\004065536 proto\\0040256 ethertype\\00400x5ff " \
		"vlan\\00404096 port\\004080\\0040port\\004081 any\\0040port\\00409 port " \
		"port\\00400x port\\0040-1 port\\0040+1 port\\00401e3 bogus\\00401 any\\0040any " \
		"port\\00400x0x50 port\\004080, ethertype\\0040-0x800 vlan\\00401.5 " \
		"port\\004008 ethertype\\00400X800 port\\0040" TAB "80 proto"
	NEAR["enabled"] = "2 yes true on y Y 01 -1 1\\0040 \\00401 10 0x1 off"
	NEAR["reset"] = "0 2 11 yes 01 1\\0040 +1 y"
	NEAR["snaplen"] = "13 1 65536 0x80 1e3 +7 \\00407 7\\0040 -0 00 4294967296 010 0x0"
	NEAR["sample"] = "0 1000001 +7 0x10 -1 1e6 00 4294967297 07 \\00401"
	NEAR["max_in_flight"] = "0 1048577 +64 0x100 -1 1e6 4294967296 0064"
	FILES = "new_session new_session del_session new_nblm del_nblm S:source " \
		"S:source S:direction S:targets S:targets S:targets S:mode S:filter " \
		"S:filter S:enabled S:enabled S:reset S:snaplen S:sample S:max_in_flight"
	for (i = 0; i < n; i++) {
		f = pick(FILES)
		key = f
		if (f ~ /^S:/) {
			f = substr(f, 3)
			key = "S/" sname() "/" f
		}
		v = value(f)
		if (substr(v, 1, 1) == "-") v = "\\0055" substr(v, 2)
		printf "%s\t%s\n", key, v
	}
}
EOF
}

# --------------------------------------------------------------- writing

# fz_write FILE VALUE KEY: write VALUE (echo -e form) in one write(); an
# accepted one is logged on fd 4 as "KEY<TAB>VALUE". Counts in FZ_TRIED,
# FZ_OK, FZ_NOOPEN (the file could not be opened: no write() was made);
# refusals by errno in FZ_E_<ERRNO>. Returns 0 if accepted.
fz_write() {
	local msg e
	if echo -ne "$2" 2>"$FZ_ERRF" >"$1"; then
		FZ_TRIED=$((FZ_TRIED + 1))
		FZ_OK=$((FZ_OK + 1))
		printf '%s\t%s\n' "$3" "$2" >&4
		return 0
	fi
	IFS= read -r msg <"$FZ_ERRF" || true
	case "$msg" in
	*"can't create"* | *"can't open"*)
		FZ_NOOPEN=$((FZ_NOOPEN + 1))
		return 1
		;;
	esac
	FZ_TRIED=$((FZ_TRIED + 1))
	# errno_name without its fork: only the errnos the ABI gives here.
	case "$msg" in
	*"No such device or address"*) e=OTHER ;;
	*"Invalid argument"*) e=EINVAL ;;
	*"No such device"*) e=ENODEV ;;
	*"File exists"*) e=EEXIST ;;
	*"Device or resource busy"*) e=EBUSY ;;
	*"No space left on device"*) e=ENOSPC ;;
	*"No such file or directory"*) e=ENOENT ;;
	*) e=OTHER ;;
	esac
	[ $e != OTHER ] || printf '%s\t%s\t%s\n' "$3" "$2" "$msg" >>"$FZ_BAD"
	eval "FZ_E_$e=\$((\${FZ_E_$e:-0} + 1))"
	return 1
}

# fz_run GEN: every record of GEN, in order.
fz_run() {
	local rec key val sess file
	while IFS= read -r rec; do
		key=${rec%%"$TAB"*}
		val=${rec#*"$TAB"}
		case $key in
		S/*)
			sess=${key#S/}
			file=${sess#*/}
			sess=${sess%%/*}
			[ -d $S/sessions/"$sess" ] ||
				fz_write $S/new_session "$sess" new_session || true
			fz_write $S/sessions/"$sess"/"$file" "$val" "$key" || true
			;;
		*)
			fz_write $S/"$key" "$val" "$key" || true
			;;
		esac
	done <"$1"
}

fz_counts() {
	local e out="tried $FZ_TRIED, accepted $FZ_OK, no such file $FZ_NOOPEN; refused:"
	for e in EINVAL ENODEV EEXIST EBUSY ENOSPC ENOENT OTHER; do
		eval "out=\"\$out $e \${FZ_E_$e:-0}\""
	done
	echo "$out"
}

# fz_must FILE VALUE KEY: a set-up write, logged, that must be accepted.
fz_must() {
	fz_write "$@" || fail "set-up write '$2' > $1: $(cat "$FZ_ERRF")"
}

# ------------------------------------------------- the model and snapshots

# The configuration as config_snapshot prints it, but robust to any byte in
# a session name (globs, not ls; builtin reads, not a cat per file).
fz_cat() {
	local l first=1
	FZ_V=
	while IFS= read -r l || [ -n "$l" ]; do
		if [ $first = 1 ]; then
			FZ_V=$l
			first=0
		else
			FZ_V="$FZ_V
$l"
		fi
	done <"$1"
}

fz_snapshot() {
	local d f t out
	fz_sessions
	IFS=$FZ_NL
	for d in $FZ_SESS; do
		IFS=$FZ_IFS
		echo "session ${d##*/}"
		for f in source direction targets mode snaplen filter sample \
			 max_in_flight enabled; do
			fz_cat "$d/$f"
			echo "$f=$FZ_V"
		done
		out=
		for t in "$d"/target/*; do
			[ -d "$t" ] && out="$out${t##*/} "
		done
		echo "target dirs: $out"
	done
	IFS=$FZ_IFS
	out=
	for t in /sys/class/net/nblm*; do
		[ -e "$t" ] && out="$out${t##*/} "
	done
	echo "nblm: $out"
}

# Bytes to text: printable ASCII as itself, a newline as one, any other
# byte (and \) as \0NNN, which is what the model prints.
fz_escape() {
	od -An -v -tu1 | awk '
		{ for (i = 1; i <= NF; i++) {
			b = $i + 0
			if (b == 10) { print line; line = ""; continue }
			line = line ((b >= 32 && b <= 126 && b != 92) ? sprintf("%c", b) : sprintf("\\0%03o", b))
		} }
		END { if (line != "") print line }'
}

fz_model_awk() {
	cat >$TR_TMP/model.awk <<'EOF'
# The configuration the accepted writes of the log make, from nothing.
function canon(v,   o, i, c, d) {
	o = ""
	for (i = 1; i <= length(v); i++) {
		c = substr(v, i, 1)
		if (c == "\\" && substr(v, i + 1, 1) == "0" && substr(v, i + 2, 3) ~ /^[0-7][0-7][0-7]$/) {
			d = substr(v, i + 2, 3)
			d = (substr(d, 1, 1) * 64) + (substr(d, 2, 1) * 8) + substr(d, 3, 1)
			o = o ((d >= 32 && d <= 126 && d != 92) ? sprintf("%c", d) : sprintf("\\0%03o", d))
			i += 4
		} else {
			o = o c
		}
	}
	return o
}
# Bytes, for sorting as the kernel's and ls's strcmp() do.
function raw(v,   o, i, d) {
	o = ""
	for (i = 1; i <= length(v); i++) {
		if (substr(v, i, 2) == "\\0") {
			d = substr(v, i + 2, 3)
			o = o sprintf("%c", (substr(d, 1, 1) * 64) + (substr(d, 2, 1) * 8) + substr(d, 3, 1))
			i += 4
		} else {
			o = o substr(v, i, 1)
		}
	}
	return o
}
function hexval(s,   i, v) {
	s = tolower(s); v = 0
	for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v
}
# Decimal, never octal (awk would take a leading 0 for octal).
function dec(s) { sub(/^0+/, "", s); return s == "" ? 0 : s + 0 }
function fnum(s) { return (s ~ /^0[xX]/) ? hexval(substr(s, 3)) : dec(s) }
# nblc_filter_parse() then nblc_filter_format().
function fcanon(v,   t, k, i, val, out) {
	gsub(/\\0011/, "\t", v)
	for (;;) {
		if (v ~ /^[ \t]/) v = substr(v, 2)
		else if (substr(v, 1, 5) == "\\0240") v = substr(v, 6)
		else break
	}
	for (;;) {
		if (v ~ /[ \t]$/) v = substr(v, 1, length(v) - 1)
		else if (length(v) >= 5 && substr(v, length(v) - 4) == "\\0240") v = substr(v, 1, length(v) - 5)
		else break
	}
	if (v == "any") return "any"
	k = split(v, t, /[ \t]+/)
	delete val
	for (i = 1; i < k; i += 2) val[t[i]] = fnum(t[i + 1])
	out = ""
	if ("ethertype" in val) out = sprintf("ethertype 0x%04x", val["ethertype"])
	if ("proto" in val) out = out (out == "" ? "" : " ") "proto " val["proto"]
	if ("port" in val) out = out (out == "" ? "" : " ") "port " val["port"]
	if ("vlan" in val) out = out (out == "" ? "" : " ") "vlan " val["vlan"]
	if (out == "" || k % 2) return "MODEL-CANNOT-PARSE(" v ")"
	return out
}
function lst_del(l, x,   a, k, i, o) {
	k = split(l, a, "\n"); o = ""
	for (i = 1; i <= k; i++) if (a[i] != x) o = o (o == "" ? "" : "\n") a[i]
	return o
}
function sorted(l, sepa,   a, k, i, j, t, o) {
	k = split(l, a, "\n")
	for (i = 2; i <= k; i++)
		for (j = i; j > 1 && (raw(a[j]) "") < (raw(a[j - 1]) ""); j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	o = ""
	for (i = 1; i <= k; i++) o = o a[i] sepa
	return o
}
{
	key = $0; sub(/\t.*/, "", key)
	v = $0; sub(/^[^\t]*\t/, "", v)
	v = canon(v)
	if (substr(v, length(v) - 4) == "\\0012") v = substr(v, 1, length(v) - 5)
	if (v == "") next
	if (key == "new_session") {
		if (v !~ /^[A-Za-z0-9_.-]+$/) print v >badnames
		sess[v] = 1; src[v] = ""; dir[v] = "ingress"; tg[v] = ""; mode[v] = "share"
		snap[v] = 0; filt[v] = "any"; samp[v] = 1; mif[v] = 4096; en[v] = 0
	} else if (key == "del_session") {
		delete sess[v]
	} else if (key == "new_nblm") {
		nblm[v] = 1
	} else if (key == "del_nblm") {
		delete nblm[v]
		for (s in sess) {
			if (src[s] == v) { src[s] = ""; en[s] = 0 }
			tg[s] = lst_del(tg[s], v)
		}
	} else if (key ~ /^S\//) {
		s = substr(key, 3); f = s; sub(/\/.*/, "", s); sub(/^[^\/]*\//, "", f)
		if (!(s in sess)) { print "MODEL: write to missing session " s; next }
		if (f == "source") src[s] = (v == "none") ? "" : v
		else if (f == "direction") dir[s] = v
		else if (f == "targets") {
			if (substr(v, 1, 1) == "+") tg[s] = tg[s] (tg[s] == "" ? "" : "\n") substr(v, 2)
			else tg[s] = lst_del(tg[s], substr(v, 2))
		} else if (f == "mode") mode[s] = v
		else if (f == "filter") filt[s] = fcanon(v)
		else if (f == "enabled") en[s] = dec(v)
		else if (f == "snaplen") snap[s] = dec(v)
		else if (f == "sample") samp[s] = dec(v)
		else if (f == "max_in_flight") mif[s] = dec(v)
	}
}
END {
	names = ""
	for (s in sess) names = names (names == "" ? "" : "\n") s
	k = split(sorted(names, "\n"), order, "\n")
	for (i = 1; i <= k; i++) {
		s = order[i]
		if (s == "") continue
		print "session " s
		print "source=" src[s]
		print "direction=" dir[s]
		print "targets=" tg[s]
		print "mode=" mode[s]
		print "snaplen=" snap[s]
		print "filter=" filt[s]
		print "sample=" samp[s]
		print "max_in_flight=" mif[s]
		print "enabled=" en[s]
		print "target dirs: " (tg[s] == "" ? "" : sorted(tg[s], " "))
	}
	l = ""
	for (x in nblm) l = l (l == "" ? "" : "\n") x
	print "nblm: " (l == "" ? "" : sorted(l, " "))
}
EOF
}

# ---------------------------------------------------------------- checks

fz_rd() {
	IFS= read -r FZ_V <"$1" || fail "read ${1#$S/}"
}

fz_sessions_idle() {
	local d
	fz_sessions
	IFS=$FZ_NL
	for d in $FZ_SESS; do
		IFS=$FZ_IFS
		IFS= read -r FZ_V <"$d/stats/in_flight" || return 1
		[ "$FZ_V" = 0 ] || return 1
	done
	IFS=$FZ_IFS
}

# Traffic stopped: nothing in flight anywhere, and no counter moving.
fz_quiesce() {
	local a b n=20
	wait_until 100 fz_sessions_idle || fail "sessions still have children in flight"
	wait_until 100 pool_idle || fail "pool: $(cat $S/pool/outstanding) NBLs outstanding"
	a=$(fz_seen_all)
	while :; do
		sleep 0.3
		b=$(fz_seen_all)
		[ "$a" != "$b" ] || break
		a=$b
		n=$((n - 1))
		[ $n -gt 0 ] || fail "counters still moving with traffic stopped"
	done
	fz_sessions_idle || fail "in flight again"
}

fz_seen_all() {
	local d
	fz_sessions
	IFS=$FZ_NL
	for d in $FZ_SESS; do
		IFS=$FZ_IFS
		fz_rd "$d/stats/seen"
		printf '%s ' "$FZ_V"
		fz_rd "$d/stats/packets"
		printf '%s ' "$FZ_V"
	done
	IFS=$FZ_IFS
}

# fz_stats DIR: the counters of a session (or of target/DEV) in FZ_SEEN,
# FZ_FILT, FZ_SAMP, FZ_MATCHED, FZ_COMPL, FZ_PKTS, FZ_DROPS, FZ_NEST,
# FZ_INFL; the session ones are left alone for a target.
fz_stats() {
	local f
	if [ -e "$1/seen" ]; then
		fz_rd "$1/seen"; FZ_SEEN=$FZ_V
		fz_rd "$1/filtered_out"; FZ_FILT=$FZ_V
		fz_rd "$1/sampled_out"; FZ_SAMP=$FZ_V
		fz_rd "$1/matched"; FZ_MATCHED=$FZ_V
		fz_rd "$1/completions"; FZ_COMPL=$FZ_V
	fi
	fz_rd "$1/packets"; FZ_PKTS=$FZ_V
	FZ_DROPS=0
	for f in drop_nomem drop_mtu drop_down drop_nest drop_in_flight drop_xmit; do
		fz_rd "$1/$f"
		FZ_DROPS=$((FZ_DROPS + FZ_V))
	done
	fz_rd "$1/drop_nest"; FZ_NEST=$FZ_V
	fz_rd "$1/in_flight"; FZ_INFL=$FZ_V
}

# Quiescent: what holds however the configuration changed under traffic.
fz_check_counters() {
	local d t name
	fz_sessions
	IFS=$FZ_NL
	for d in $FZ_SESS; do
		IFS=$FZ_IFS
		name=${d##*/}
		fz_stats "$d/stats"
		[ "$FZ_SEEN" = $((FZ_FILT + FZ_SAMP + FZ_MATCHED)) ] ||
			fail "$1: session $name: seen $FZ_SEEN != filtered_out $FZ_FILT + sampled_out $FZ_SAMP + matched $FZ_MATCHED"
		[ "$FZ_COMPL" -le "$FZ_MATCHED" ] ||
			fail "$1: session $name: completions $FZ_COMPL > matched $FZ_MATCHED"
		[ $((FZ_PKTS + FZ_DROPS)) -le $((16 * FZ_MATCHED)) ] ||
			fail "$1: session $name: packets $FZ_PKTS + drops $FZ_DROPS > 16 x matched $FZ_MATCHED"
		[ "$FZ_INFL" = 0 ] || fail "$1: session $name: in_flight $FZ_INFL"
		for t in "$d"/target/*; do
			[ -d "$t" ] || continue
			fz_rd "$t/in_flight"
			[ "$FZ_V" = 0 ] || fail "$1: session $name target ${t##*/}: in_flight $FZ_V"
		done
	done
	IFS=$FZ_IFS
	# "keep" was never fuzzed: t1 and t2 throughout, every frame matched.
	fz_stats $S/sessions/keep/stats
	[ $((FZ_PKTS + FZ_DROPS)) = $((2 * FZ_MATCHED)) ] ||
		fail "$1: keep: packets $FZ_PKTS + drops $FZ_DROPS != 2 x matched $FZ_MATCHED"
	[ "$FZ_SEEN" = "$FZ_MATCHED" ] || fail "$1: keep: seen $FZ_SEEN, matched $FZ_MATCHED"
	if [ "$(cat $S/pool/failures)" = 0 ]; then
		[ "$FZ_COMPL" = "$FZ_MATCHED" ] ||
			fail "$1: keep: completions $FZ_COMPL, matched $FZ_MATCHED"
	fi
	for t in t1 t2; do
		fz_stats $S/sessions/keep/target/$t
		[ $((FZ_PKTS + FZ_DROPS)) = "$FZ_MATCHED" ] ||
			fail "$1: keep target $t: packets $FZ_PKTS + drops $FZ_DROPS != matched $FZ_MATCHED"
	done
	fz_sessions
	tr_log "$1: keep matched $FZ_MATCHED; counters add up in $(printf '%s\n' "$FZ_SESS" | grep -c .) sessions"
}

# fz_in WORD LIST...: WORD is one of LIST.
fz_in() {
	local w=$1 x
	shift
	for x in "$@"; do
		[ "$w" = "$x" ] && return 0
	done
	return 1
}

# fz_range NAME VALUE MIN MAX: a decimal in [MIN, MAX].
fz_range() {
	case "$2" in
	"" | *[!0-9]*) fail "$1 '$2' is not a number" ;;
	esac
	[ "$2" -ge "$3" ] && [ "$2" -le "$4" ] || fail "$1 $2 not in [$3, $4]"
}

# Every session reads back valid, and takes back what it reads.
fz_check_valid() {
	local d name src dir mode snap filt samp mif en t seen n ndirs f v
	fz_sessions
	IFS=$FZ_NL
	for d in $FZ_SESS; do
		IFS=$FZ_IFS
		name=${d##*/}
		fz_cat "$d/source"; src=$FZ_V
		fz_cat "$d/direction"; dir=$FZ_V
		fz_cat "$d/mode"; mode=$FZ_V
		fz_cat "$d/snaplen"; snap=$FZ_V
		fz_cat "$d/filter"; filt=$FZ_V
		fz_cat "$d/sample"; samp=$FZ_V
		fz_cat "$d/max_in_flight"; mif=$FZ_V
		fz_cat "$d/enabled"; en=$FZ_V
		fz_in "$dir" ingress egress both || fail "$name: direction '$dir'"
		fz_in "$mode" share own pskb_copy copy || fail "$name: mode '$mode'"
		[ "$snap" = 0 ] || fz_range "$name: snaplen" "$snap" 14 65535
		fz_range "$name: sample" "$samp" 1 1000000
		fz_range "$name: max_in_flight" "$mif" 1 1048576
		fz_in "$en" 0 1 || fail "$name: enabled '$en'"
		[ -z "$src" ] || [ -e /sys/class/net/"$src" ] || fail "$name: source $src does not exist"
		[ "$en" = 0 ] || [ -n "$src" ] || fail "$name: enabled without a source"
		seen=" "
		n=0
		while IFS= read -r t; do
			[ -e /sys/class/net/"$t" ] || fail "$name: target $t does not exist"
			[ "$t" != "$src" ] || fail "$name: its source $t is a target"
			case "$seen" in
			*" $t "*) fail "$name: target $t twice" ;;
			esac
			seen="$seen$t "
			[ -d "$d/target/$t" ] || fail "$name: no target/$t"
			n=$((n + 1))
		done <"$d/targets"
		[ $n -le 16 ] || fail "$name: $n targets"
		ndirs=0
		for t in "$d"/target/*; do
			[ -d "$t" ] && ndirs=$((ndirs + 1))
		done
		[ $ndirs = $n ] || fail "$name: $ndirs target directories for $n targets"
		# What reads back is taken back, and changes nothing.
		for f in direction mode filter snaplen sample max_in_flight enabled source; do
			fz_cat "$d/$f"
			v=$FZ_V
			if [ $f = source ]; then
				[ "$en" = 0 ] || continue
				[ -n "$v" ] || v=none
			fi
			echo -n "$v" 2>"$FZ_ERRF" >"$d/$f" ||
				fail "$name: '$v' read from $f is refused: $(cat "$FZ_ERRF")"
			fz_cat "$d/$f"
			[ "$FZ_V" = "$v" ] || [ $f = source ] ||
				fail "$name: $f read '$v', written back reads '$FZ_V'"
		done
		fz_cat "$d/source"
		[ "$FZ_V" = "$src" ] || fail "$name: source '$src' written back reads '$FZ_V'"
	done
	IFS=$FZ_IFS
}

# With the configuration the fuzz left, fixed: reset, send $FZ_BURST frames,
# and every session's counters add up exactly.
fz_burst() {
	local d t name nt mark now f0 m
	fz_sessions
	IFS=$FZ_NL
	for d in $FZ_SESS; do
		IFS=$FZ_IFS
		echo -n 1 2>"$FZ_ERRF" >"$d/reset" || fail "reset ${d##*/}: $(cat "$FZ_ERRF")"
	done
	IFS=$FZ_IFS
	f0=$(cat $S/pool/failures)
	mark=$(udp_mark)
	pg_send srca "$FZ_BURST" 64
	fz_quiesce
	fz_sessions
	IFS=$FZ_NL
	for d in $FZ_SESS; do
		IFS=$FZ_IFS
		name=${d##*/}
		nt=0
		for t in "$d"/target/*; do
			[ -d "$t" ] || continue
			nt=$((nt + 1))
		done
		fz_stats "$d/stats"
		[ "$FZ_SEEN" = $((FZ_FILT + FZ_SAMP + FZ_MATCHED)) ] ||
			fail "$1 burst: session $name: seen $FZ_SEEN != $FZ_FILT + $FZ_SAMP + $FZ_MATCHED"
		[ $((FZ_PKTS + FZ_DROPS)) = $((nt * FZ_MATCHED)) ] ||
			fail "$1 burst: session $name: packets $FZ_PKTS + drops $FZ_DROPS != $nt targets x matched $FZ_MATCHED"
		# A parent completes once; none is made without targets, or past
		# the nesting limit (all its T children drop_nest).
		if [ $nt = 0 ]; then
			[ "$FZ_COMPL" = 0 ] || fail "$1 burst: session $name: $FZ_COMPL completions without targets"
		elif [ "$(cat $S/pool/failures)" = "$f0" ]; then
			[ $((FZ_NEST % nt)) = 0 ] &&
				[ $((FZ_COMPL + FZ_NEST / nt)) = "$FZ_MATCHED" ] ||
				fail "$1 burst: session $name: completions $FZ_COMPL, drop_nest $FZ_NEST, matched $FZ_MATCHED"
		fi
		for t in "$d"/target/*; do
			[ -d "$t" ] || continue
			m=$FZ_MATCHED
			fz_stats "$t"
			[ $((FZ_PKTS + FZ_DROPS)) = "$m" ] ||
				fail "$1 burst: session $name target ${t##*/}: packets $FZ_PKTS + drops $FZ_DROPS != matched $m"
			FZ_MATCHED=$m
		done
	done
	IFS=$FZ_IFS
	fz_rd $S/sessions/keep/stats/matched
	[ "$FZ_V" = "$FZ_BURST" ] || fail "$1 burst: keep matched $FZ_V of $FZ_BURST"
	now=$(udp_mark)
	set -- "$1" $mark $now
	[ $(($5 - $2)) -ge "$FZ_BURST" ] || fail "burst: $(($5 - $2)) of $FZ_BURST datagrams delivered"
	[ $(($6 - $3)) = 0 ] && [ $(($7 - $4)) = 0 ] || fail "burst: UDP receive or checksum errors"
	tr_log "$1 burst: $FZ_BURST frames, counters exact in every session"
}

# A kernel address printed as it is (%px, %lx): ffff and 12 more hex
# digits; all 16 f is a mask or -1, and %p prints a hash (00000000....).
# Every session and nblm interface goes, whatever its name (printf: echo
# would take a name such as -n for an option).
fz_clear() {
	local d n
	fz_sessions
	IFS=$FZ_NL
	for d in $FZ_SESS; do
		IFS=$FZ_IFS
		printf '%s' "${d##*/}" >$S/del_session
	done
	IFS=$FZ_IFS
	for n in /sys/class/net/nblm*; do
		if [ -e "$n" ]; then
			printf '%s' "${n##*/}" >$S/del_nblm
		fi
	done
}

# On the way out, also after a failure: later scenarios load the same
# module, and traffic stops first (see pin).
fz_cleanup() {
	set +e
	exec 4>&-
	[ -w $PG/pgctrl ] && echo stop >$PG/pgctrl
	[ -d $S/sessions ] && fz_clear
	tr_cleanup
}

# ------------------------------------------------------------------- main

# The model starts from nothing: a freshly loaded module.
if lsmod | grep -q '^nblclone '; then
	unload_nblclone
fi
load_nblclone
tr_init
trap fz_cleanup EXIT
fz_gen_awk
fz_model_awk
modprobe dummy numdummies=0 || fail "modprobe dummy"
ns_new col
topo_source 1500
topo_target t1 col 1500
topo_target t2 col 1500
for d in d0 d1 pin0; do
	ip link add name $d type dummy || fail "dummy $d"
	echo $d >>$TR_TMP/links
	link_up - $d
done
FZ_ERRF=$TR_TMP/err
FZ_BAD=$TR_TMP/bad
: >"$FZ_BAD"
exec 4>$TR_TMP/accepted
FZ_TRIED=0
FZ_OK=0
FZ_NOOPEN=0

# The starting configuration, written and logged as the fuzz's writes are.
fz_must $S/new_nblm nblm0 new_nblm
echo nblm0 >>$TR_TMP/nblms
link_up - nblm0
fz_must $S/new_session keep new_session
fz_must $S/sessions/keep/source srcb S/keep/source
fz_must $S/sessions/keep/targets +t1 S/keep/targets
fz_must $S/sessions/keep/targets +t2 S/keep/targets
fz_must $S/sessions/keep/enabled 1 S/keep/enabled
# Holds the netdev ingress and egress hooks' static keys up for the whole
# scenario: QEMU TCG before 8.1 can run a stale int3 from a jump label
# being patched while another vCPU runs (and retranslates) that code, an
# "Oops: int3" in __dev_queue_xmit or __netif_receive_skb_core that tc
# clsact add/del under traffic reproduces without nblclone (QEMU commit
# deba78709a, "accel/tcg: Always lock pages before translation"). Keep
# holds ingress; pin holds both on a dummy no frame crosses.
fz_must $S/new_session pin new_session
fz_must $S/sessions/pin/source pin0 S/pin/source
fz_must $S/sessions/pin/direction both S/pin/direction
fz_must $S/sessions/pin/enabled 1 S/pin/enabled
fz_must $S/new_session fz new_session
fz_must $S/sessions/fz/source srcb S/fz/source
fz_must $S/sessions/fz/targets +nblm0 S/fz/targets
fz_must $S/sessions/fz/enabled 1 S/fz/enabled
FZ_TRIED=0
FZ_OK=0

seed=${FZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
tr_log "seed $seed (FZ_SEED=$seed repeats the choices; the random bytes come from /dev/urandom)"

# Phase 1: one writer, every accepted write logged.
pg_start srca 0 64
t0=$(now)
i=0
while [ $FZ_TRIED -lt "$FZ_WRITES" ]; do
	fz_gen $((seed + i)) $((FZ_WRITES - FZ_TRIED + 100)) $TR_TMP/gen.$i
	fz_run $TR_TMP/gen.$i
	i=$((i + 1))
done
t1=$(now)
pg_stop
tr_log "phase 1, one writer, $t0 s to $t1 s: $(fz_counts)"
P1_TRIED=$FZ_TRIED
P1_OK=$FZ_OK
[ ! -s "$FZ_BAD" ] || fail "refusals with an errno the ABI does not give: $(head -n 5 "$FZ_BAD")"
fz_quiesce

fz_snapshot | fz_escape >$TR_TMP/actual
awk -v badnames=$TR_TMP/badnames -f $TR_TMP/model.awk $TR_TMP/accepted \
	>$TR_TMP/expected || fail "model"
if ! cmp -s $TR_TMP/expected $TR_TMP/actual; then
	echo "expected (model) vs actual:"
	diff -u $TR_TMP/expected $TR_TMP/actual | head -n 60
	fail "the configuration is not what the $P1_OK accepted writes made it"
fi
# Where cat can read it (no byte outside ASCII), config_snapshot
# (traffic.sh) agrees.
if ! grep -q -e '\\' $TR_TMP/actual; then
	config_snapshot | fz_escape >$TR_TMP/config_snapshot
	cmp -s $TR_TMP/config_snapshot $TR_TMP/actual ||
		fail "config_snapshot and this scenario's snapshot differ"
fi
tr_log "phase 1: the configuration is what the accepted writes made it: $(grep -c '^session ' $TR_TMP/actual) sessions, $(grep '^nblm:' $TR_TMP/actual)"
fz_check_counters "phase 1"
fz_check_valid
fz_burst "phase 1"
dmesg | no_pointer dmesg

# Phase 2: writers at once, invariants only.
FZ_E_EINVAL=0 FZ_E_ENODEV=0 FZ_E_EEXIST=0 FZ_E_EBUSY=0 FZ_E_ENOSPC=0 FZ_E_ENOENT=0 FZ_E_OTHER=0
pids=
w=1
while [ $w -le "$FZ_WRITERS" ]; do
	fz_gen $((seed + 1000 + w)) "$FZ_CONC_WRITES" $TR_TMP/conc.$w
	w=$((w + 1))
done
pg_start srca 0 64
t0=$(now)
w=1
while [ $w -le "$FZ_WRITERS" ]; do
	(
		FZ_TRIED=0 FZ_OK=0 FZ_NOOPEN=0
		FZ_ERRF=$TR_TMP/err.$w
		exec 4>/dev/null
		fz_run $TR_TMP/conc.$w
		fz_counts >$TR_TMP/res.$w
	) &
	pids="$pids $!"
	w=$((w + 1))
done
for p in $pids; do
	wait "$p" || fail "a writer failed"
done
t1=$(now)
pg_stop
P2_TRIED=0
P2_OK=0
w=1
while [ $w -le "$FZ_WRITERS" ]; do
	[ -s $TR_TMP/res.$w ] || fail "writer $w did not finish"
	tr_log "phase 2, writer $w: $(cat $TR_TMP/res.$w)"
	set -- $(cat $TR_TMP/res.$w)
	P2_TRIED=$((P2_TRIED + ${2%,}))
	P2_OK=$((P2_OK + ${4%,}))
	w=$((w + 1))
done
tr_log "phase 2, $FZ_WRITERS writers, $t0 s to $t1 s: tried $P2_TRIED, accepted $P2_OK"
[ ! -s "$FZ_BAD" ] || fail "refusals with an errno the ABI does not give: $(head -n 5 "$FZ_BAD")"
fz_quiesce
fz_check_counters "phase 2"
fz_check_valid
fz_burst "phase 2"
dmesg | no_pointer dmesg
fz_sessions
IFS=$FZ_NL
for d in $FZ_SESS; do
	IFS=$FZ_IFS
	case "${d##*/}" in
	*[!A-Za-z0-9_.-]*) printf '%s\n' "${d##*/}" | fz_escape >>$TR_TMP/badnames ;;
	esac
done
IFS=$FZ_IFS

tr_log "writes: tried $((P1_TRIED + P2_TRIED)), accepted $((P1_OK + P2_OK)) (one writer: $P1_TRIED / $P1_OK; $FZ_WRITERS at once: $P2_TRIED / $P2_OK)"

nbad=0
if [ -e $TR_TMP/badnames ]; then
	nbad=$(sort -u $TR_TMP/badnames | wc -l)
	badex=$(sort -u $TR_TMP/badnames | head -n 4 | tr '\n' ' ')
fi

# Everything goes, whatever its name.
exec 4>&-
fz_clear
fz_sessions
[ -z "$FZ_SESS" ] || fail "sessions left after del_session: $(printf '%s\n' "$FZ_SESS" | fz_escape)"
for n in /sys/class/net/nblm*; do
	[ ! -e "$n" ] || fail "nblm interface ${n##*/} left after del_nblm"
done
tr_cleanup
trap - EXIT
unload_nblclone

if [ "$nbad" != 0 ]; then
	msg="ABI: new_session accepted $nbad names outside [A-Za-z0-9_.-] (as \\0NNN octal): $badex"
	[ "$FZ_ABI_NAMES" = warn ] || fail "$msg"
	tr_log "WARNING $msg"
fi
