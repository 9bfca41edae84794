#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Top functions of a host profile of UML, the modules' named.

  perf script -F ip,sym | profile.py NAME=TEXT_ADDR=KO ...

TEXT_ADDR is where module NAME's .text was loaded, KO its file. Samples in
a module's .text are named from the module's symbol table. Prints each
function's share of the samples, the largest first, down to 0.3%, and each
module's total.
"""

import bisect
import collections
import subprocess
import sys


class Module:
    """A loaded module's .text: where it is, and its functions."""

    def __init__(self, arg):
        self.name, addr, ko = arg.split("=", 2)
        self.text = int(addr, 16)
        out = subprocess.run(["nm", "-n", "-S", "--defined-only", ko],
                             capture_output=True, text=True,
                             check=True).stdout
        syms = []
        for line in out.splitlines():
            f = line.split()
            if len(f) == 4 and f[2] in "tT":
                syms.append((int(f[0], 16), int(f[1], 16), f[3]))
        self.offs = [s[0] for s in syms]
        self.names = [s[2] for s in syms]
        self.size = max(off + sz for off, sz, _ in syms)
        self.samples = 0

    def name_of(self, ip):
        """The function at @ip, or None when it is not in this .text."""
        if not self.text <= ip < self.text + self.size:
            return None
        i = bisect.bisect_right(self.offs, ip - self.text) - 1
        self.samples += 1
        return f"[{self.name}] {self.names[i] if i >= 0 else '?'}"


def main():
    modules = [Module(a) for a in sys.argv[1:]]
    counts = collections.Counter()
    total = 0
    for line in sys.stdin:
        f = line.split(None, 1)
        if not f:
            continue
        ip = int(f[0], 16)
        sym = f[1].strip() if len(f) > 1 else "[unknown]"
        for m in modules:
            sym = m.name_of(ip) or sym
        total += 1
        counts[sym] += 1
    if not total:
        sys.exit("no samples")
    shares = ", ".join(f"{m.name}.ko {100 * m.samples / total:.1f}%"
                       for m in modules)
    print(f"# {total} samples; {shares}")
    for sym, n in counts.most_common():
        share = 100 * n / total
        if share < 0.3:
            break
        print(f"{share:5.1f}%  {sym}")


if __name__ == "__main__":
    main()
