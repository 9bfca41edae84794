#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Top functions of a host profile of UML, nblclone.ko's named.

  perf script -F ip,sym | profile.py TEXT_ADDR NBLCLONE_KO

TEXT_ADDR is where the module's .text was loaded. Samples perf could not
name that fall in the module's .text are named from the module's symbol
table. Prints each function's share of the samples, the largest first,
down to 0.3%, and the module's total.
"""

import bisect
import collections
import subprocess
import sys


def module_symbols(ko):
    """(offsets, names, size) of the functions in the module's .text."""
    out = subprocess.run(["nm", "-n", "-S", "--defined-only", ko],
                         capture_output=True, text=True, check=True).stdout
    syms = []
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4 and f[2] in "tT":
            syms.append((int(f[0], 16), int(f[1], 16), f[3]))
    size = max(off + sz for off, sz, _ in syms)
    return [s[0] for s in syms], [s[2] for s in syms], size


def main():
    text = int(sys.argv[1], 16)
    offs, names, size = module_symbols(sys.argv[2])
    counts = collections.Counter()
    total = in_module = 0
    for line in sys.stdin:
        f = line.split(None, 1)
        if not f:
            continue
        ip = int(f[0], 16)
        sym = f[1].strip() if len(f) > 1 else "[unknown]"
        total += 1
        if text <= ip < text + size:
            i = bisect.bisect_right(offs, ip - text) - 1
            sym = "[nblclone] " + (names[i] if i >= 0 else "?")
            in_module += 1
        counts[sym] += 1
    if not total:
        sys.exit("no samples")
    print(f"# {total} samples; nblclone.ko: {100 * in_module / total:.1f}%")
    for sym, n in counts.most_common():
        share = 100 * n / total
        if share < 0.3:
            break
        print(f"{share:5.1f}%  {sym}")


if __name__ == "__main__":
    main()
