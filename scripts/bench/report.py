#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tables, ratios, acceptance checks and plot data for nblclone's benchmarks.

  report.py micro DIR   reads DIR/bench-micro{,-allocs,-sites}.csv and
                        bench-micro.meta; writes DIR/bench-micro.md and
                        DIR/plot/micro-*.dat
  report.py e2e DIR     reads DIR/bench-e2e-runs.csv and bench-e2e.meta;
                        writes DIR/bench-e2e.csv, DIR/bench-e2e.md and
                        DIR/plot/e2e-*.dat

Prints the Markdown it writes. Every figure comes from the CSV files.
"""

import csv
import math
import os
import statistics
import sys

METHODS = ['skb_clone', 'nbl_share', 'nbl_own', 'pskb_copy', 'skb_copy']
SHAPES = ['linear', 'paged', 'gso']

# The goals of issue 7, as (description, value, op, bound).
MICRO_GEOMEAN_MAX = 1.15
MICRO_CELL_MAX = 1.3
MICRO_GSO_OVER_64_MAX = 1.25
MICRO_COPY9000_MIN = 9.0
MICRO_COPYGSO_MIN = 60.0
MICRO_PSKBGSO_MIN = 3.0
E2E_VS = [('tc_mirred', 'mirror', 1.0), ('nft_netdev_dup', 'dup', 1.3),
          ('nft_ip_dup', 'dup', 2.0)]
E2E_TOOLS = [('none', '-'), ('nblclone', 'share'), ('nblclone', 'own'),
             ('nblclone', 'pskb_copy'), ('nblclone', 'copy'),
             ('tc_mirred', 'mirror'), ('nft_netdev_dup', 'dup'),
             ('nft_ip_dup', 'dup'), ('clone_floor', '-')]
# Not one of the tools: in the tables, not in bench-e2e.csv.
E2E_FLOOR = ('clone_floor', '-')


def read_csv(path):
    with open(path, newline='') as f:
        return list(csv.DictReader(f))


def read_meta(path):
    try:
        with open(path) as f:
            return [line.rstrip('\n') for line in f if line.strip()]
    except FileNotFoundError:
        return []


def geomean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values))


def verdict(ok):
    return 'met' if ok else '**missed**'


def fmt_ns(v):
    return f'{v:.0f}' if v >= 100 else f'{v:.1f}'


class Micro:
    def __init__(self, out):
        self.out = out
        self.cell = {}
        for r in read_csv(os.path.join(out, 'bench-micro.csv')):
            key = (r['method'], r['shape'], int(r['bytes']), int(r['fanout']))
            self.cell[key] = (float(r['ns_median']), float(r['ns_min']),
                              float(r['ns_max']))
            self.runs, self.iters = r['runs'], r['iters']
        self.cases = sorted({(k[1], k[2]) for k in self.cell},
                            key=lambda c: (SHAPES.index(c[0]), c[1]))
        self.fanouts = sorted({k[3] for k in self.cell})
        self.methods = [m for m in METHODS
                        if any(k[0] == m for k in self.cell)]

    def med(self, m, shape, size, f):
        c = self.cell.get((m, shape, size, f))
        return c[0] if c else None

    def tables(self, md):
        for f in self.fanouts:
            md.append(f'### Fan-out {f}: ns per mirrored packet '
                      f'(all {f} children), median (min-max) of '
                      f'{self.runs} runs')
            md.append('')
            md.append('| shape | bytes | ' + ' | '.join(self.methods) +
                      ' | nbl_share / skb_clone |')
            md.append('|---|---:|' + '---:|' * (len(self.methods) + 1))
            for shape, size in self.cases:
                row = [shape, str(size)]
                for m in self.methods:
                    c = self.cell.get((m, shape, size, f))
                    row.append(f'{fmt_ns(c[0])} ({fmt_ns(c[1])}-{fmt_ns(c[2])})'
                               if c else '-')
                s = self.med('nbl_share', shape, size, f)
                k = self.med('skb_clone', shape, size, f)
                row.append(f'{s / k:.2f}' if s and k else '-')
                md.append('| ' + ' | '.join(row) + ' |')
            md.append('')

    def acceptance(self, md):
        ratios = []
        for (m, shape, size, f), c in self.cell.items():
            if m != 'nbl_share':
                continue
            k = self.med('skb_clone', shape, size, f)
            if k:
                ratios.append((c[0] / k, shape, size, f))
        md.append('### The goals of issue 7')
        md.append('')
        md.append('| goal | measured | bound | |')
        md.append('|---|---:|---:|---|')
        if ratios:
            g = geomean([r[0] for r in ratios])
            worst = max(ratios)
            md.append(f'| nbl_share / skb_clone, geometric mean over '
                      f'{len(ratios)} cells | {g:.3f} | <= {MICRO_GEOMEAN_MAX} '
                      f'| {verdict(g <= MICRO_GEOMEAN_MAX)} |')
            md.append(f'| nbl_share / skb_clone, largest cell ({worst[1]} '
                      f'{worst[2]} B, fan-out {worst[3]}) | {worst[0]:.3f} | '
                      f'<= {MICRO_CELL_MAX} | '
                      f'{verdict(worst[0] <= MICRO_CELL_MAX)} |')

        def goal(desc, num, den, op, bound):
            if not num or not den:
                md.append(f'| {desc} | not measured | {op} {bound} | |')
                return
            v = num / den
            ok = v <= bound if op == '<=' else v >= bound
            md.append(f'| {desc} | {v:.2f} | {op} {bound} | {verdict(ok)} |')

        share = self.med
        goal('fan-out 4: nbl_share at 64 KB GSO / at 64 B linear',
             share('nbl_share', 'gso', 65536, 4),
             share('nbl_share', 'linear', 64, 4), '<=', MICRO_GSO_OVER_64_MAX)
        for shape in ('linear', 'paged'):
            goal(f'fan-out 4, 9000 B {shape}: skb_copy / nbl_share',
                 share('skb_copy', shape, 9000, 4),
                 share('nbl_share', shape, 9000, 4), '>=', MICRO_COPY9000_MIN)
        goal('fan-out 4, 64 KB GSO: skb_copy / nbl_share',
             share('skb_copy', 'gso', 65536, 4),
             share('nbl_share', 'gso', 65536, 4), '>=', MICRO_COPYGSO_MIN)
        goal('fan-out 4, 64 KB GSO: pskb_copy / nbl_share',
             share('pskb_copy', 'gso', 65536, 4),
             share('nbl_share', 'gso', 65536, 4), '>=', MICRO_PSKBGSO_MIN)
        md.append('')
        if ratios:
            # The same ratio run by run: a run measures every method in
            # turn, so the host's changing speed cancels out.
            per_run = {}
            for r in read_csv(os.path.join(self.out,
                                           'bench-micro-runs.csv')):
                key = (r['shape'], int(r['bytes']), int(r['fanout']),
                       r['run'])
                per_run.setdefault(key, {})[r['method']] = \
                    float(r['ns_batch_median'])
            run_ratio = {}
            for (shape, size, f, _), v in per_run.items():
                if 'nbl_share' in v and 'skb_clone' in v:
                    run_ratio.setdefault((shape, size, f), []).append(
                        v['nbl_share'] / v['skb_clone'])
            by = {(r[1], r[2], r[3]): r[0] for r in ratios}
            md.append('nbl_share / skb_clone by cell: the ratio of the '
                      'medians (as the goals use it), then in brackets the '
                      'median of the per-run ratios (each run measures all '
                      'methods in turn, so it is immune to the host\'s speed '
                      'changing between runs):')
            md.append('')
            md.append('| shape | bytes | ' +
                      ' | '.join(f'fan-out {f}' for f in self.fanouts) + ' |')
            md.append('|---|---:|' + '---:|' * len(self.fanouts))
            for shape, size in self.cases:
                cells = []
                for f in self.fanouts:
                    if (shape, size, f) not in by:
                        cells.append('-')
                        continue
                    c = f'{by[(shape, size, f)]:.2f}'
                    rr = run_ratio.get((shape, size, f))
                    if rr:
                        c += f' [{statistics.median(rr):.2f}]'
                    cells.append(c)
                md.append(f'| {shape} | {size} | ' + ' | '.join(cells) + ' |')
            md.append('')
            all_rr = [statistics.median(v) for v in run_ratio.values()]
            if all_rr:
                md.append('Geometric mean of the per-run-ratio medians: '
                          f'{geomean(all_rr):.3f}; largest: '
                          f'{max(all_rr):.3f}.')
                md.append('')

    def allocs(self, md):
        path = os.path.join(self.out, 'bench-micro-allocs.csv')
        if not os.path.exists(path):
            return
        rows = read_csv(path)
        if not rows:
            md.append('Allocations were not counted (no kmem tracepoints).')
            md.append('')
            return
        a = {(r['method'], r['shape'], int(r['bytes']), int(r['fanout'])):
             (float(r['slab_allocs']), float(r['kmallocs']), float(r['nbls']))
             for r in rows}
        for f in [f for f in (1, 4) if f in self.fanouts]:
            md.append(f'### Allocations per mirrored packet, fan-out {f}: '
                      'slab objects + kmalloc() (of which NBLs)')
            md.append('')
            md.append('| shape | bytes | ' + ' | '.join(self.methods) + ' |')
            md.append('|---|---:|' + '---:|' * len(self.methods))
            for shape, size in self.cases:
                row = [shape, str(size)]
                for m in self.methods:
                    v = a.get((m, shape, size, f))
                    row.append(f'{v[0]:g} + {v[1]:g} ({v[2]:g})' if v else '-')
                md.append('| ' + ' | '.join(row) + ' |')
            md.append('')
        sites = read_csv(os.path.join(self.out, 'bench-micro-sites.csv'))
        pick = [(s, b) for s, b in (('linear', 1500), ('gso', 65536))
                if (s, b) in self.cases]
        if sites and pick:
            md.append('### Where they come from (fan-out 1, allocations per '
                      'packet by call site)')
            md.append('')
            md.append('| method | shape | bytes | call sites |')
            md.append('|---|---|---:|---|')
            for shape, size in pick:
                for m in self.methods:
                    s = [f'{r["call_site"]} {float(r["allocs"]):g}'
                         for r in sites if r['method'] == m and
                         r['shape'] == shape and int(r['bytes']) == size and
                         r['fanout'] == '1']
                    md.append(f'| {m} | {shape} | {size} | '
                              f'{", ".join(s) or "-"} |')
            md.append('')

    def plot_data(self):
        d = os.path.join(self.out, 'plot')
        os.makedirs(d, exist_ok=True)

        def row(x, shape, size, f):
            vals = []
            for m in METHODS:
                c = self.cell.get((m, shape, size, f))
                vals += [f'{v:.1f}' for v in c] if c else ['NaN'] * 3
            return f'{x} ' + ' '.join(vals)

        f = 4 if 4 in self.fanouts else self.fanouts[-1]
        for shape in ('linear', 'paged'):
            lines = [row(size, s, size, f) for s, size in self.cases
                     if s == shape or (shape == 'paged' and s == 'gso')]
            with open(os.path.join(d, f'micro-size-{shape}.dat'), 'w') as fp:
                fp.write(f'# fan-out {f}: bytes, then median min max per '
                         f'method: {" ".join(METHODS)}\n')
                fp.write('\n'.join(lines) + '\n')
        for shape, size in (('linear', 64), ('linear', 1500), ('paged', 9000),
                            ('gso', 65536)):
            lines = [row(fo, shape, size, fo) for fo in self.fanouts]
            with open(os.path.join(d, f'micro-fanout-{shape}-{size}.dat'),
                      'w') as fp:
                fp.write(f'# {shape} {size} B: fan-out, then median min max '
                         f'per method: {" ".join(METHODS)}\n')
                fp.write('\n'.join(lines) + '\n')

    def report(self):
        md = ['# Micro benchmark: ns per mirrored packet', '']
        md += [f'- {line}' for line in
               read_meta(os.path.join(self.out, 'bench-micro.meta'))]
        md += ['',
               'Each cell: one parent packet, `fan-out` children made and '
               'freed with consume_skb() as a target would. The nbl_* rows '
               'run the shim\'s data path as the mirror does (parent NBL '
               'borrowing the packet, context, completion callbacks, '
               'destructors). A run times its packets in batches of about '
               '20 us with BHs off; its figure is the median over its '
               'batches, so host preemption of UML does not count; the '
               'table gives the median, min and max over the runs. '
               'Shapes: linear = the whole frame in a kmalloc\'d head; '
               'paged = 42 bytes of headers in the head, the rest in '
               'pages; gso = 64 KB TCP GSO, 66 bytes of headers, 16 '
               'page frags.', '']
        self.tables(md)
        self.acceptance(md)
        self.allocs(md)
        self.plot_data()
        md += ['Plots: `bench-micro-size.png` (ns per packet against size, '
               'fan-out 4, log scales), `bench-micro-fanout.png` (against '
               'fan-out).', '']
        text = '\n'.join(md)
        with open(os.path.join(self.out, 'bench-micro.md'), 'w') as f:
            f.write(text)
        print(text)


def e2e_floor(med, sizes, targets):
    """What tracking costs: nblclone share and tc against the floor."""
    if not any(k[:2] == E2E_FLOOR for k in med):
        return []
    md = ['### Against the floor: the same fan-out with nothing tracked', '',
          '`clone_floor` (bench/nblclone_floor.c) sends an `skb_clone()` of '
          'each packet to each target from a netdev ingress hook, prepared '
          'as nblclone prepares a child, and tracks nothing: no parent, no '
          'completion, no statistics. nblclone minus the floor is what '
          'nblclone adds to the same fan-out per source packet: its '
          'session\'s filter and counters, the parent NBL and each child\'s '
          'completion. tc minus the floor is what tc\'s classifier and '
          'actions add: the most nblclone can add and still keep up with tc.', '',
          '| bytes | targets | floor ns | nblclone share ns | share - floor '
          '| tc mirred ns | tc - floor |',
          '|---:|---:|---:|---:|---:|---:|---:|']
    for size in sizes:
        for n in targets:
            f = med.get(E2E_FLOOR + (size, n))
            s = med.get(('nblclone', 'share', size, n))
            t = med.get(('tc_mirred', 'mirror', size, n))
            if not f or not s or not t:
                continue
            md.append(f'| {size} | {n} | {f[1]:.0f} | {s[1]:.0f} | '
                      f'{s[1] - f[1]:+.0f} | {t[1]:.0f} | {t[1] - f[1]:+.0f} |')
    return md + ['']


def e2e(out):
    runs = read_csv(os.path.join(out, 'bench-e2e-runs.csv'))
    groups = {}
    for r in runs:
        key = (r['tool'], r['mode'], int(r['bytes']), int(r['targets']))
        usec, pkts = int(r['usec']), int(r['packets'])
        g = groups.setdefault(key, {'pps': [], 'ns': [], 'bad': 0})
        g['pps'].append(pkts * 1e6 / usec)
        g['ns'].append(usec * 1e3 / pkts)
        if r['mirrored'] != r['expected']:
            g['bad'] += 1
    med = {k: (statistics.median(g['pps']), statistics.median(g['ns']),
               min(g['pps']), max(g['pps']), len(g['pps']), g['bad'])
           for k, g in groups.items()}
    with open(os.path.join(out, 'bench-e2e.csv'), 'w') as f:
        f.write('tool,mode,bytes,targets,pps,ns_per_pkt\n')
        for (tool, mode, size, n), v in sorted(
                med.items(), key=lambda kv: (kv[0][2], kv[0][3],
                                             E2E_TOOLS.index(kv[0][:2]))):
            if (tool, mode) == E2E_FLOOR:
                continue
            f.write(f'{tool},{mode},{size},{n},{v[0]:.0f},{v[1]:.1f}\n')

    sizes = sorted({k[2] for k in med})
    targets = sorted({k[3] for k in med if k[3]})
    reps = max(v[4] for k, v in med.items() if k[0] != 'none')
    none_reps = max([v[4] for k, v in med.items() if k[0] == 'none'] or [0])
    md = ['# End-to-end benchmark: pktgen into a source, mirrored to N '
          'dummy targets', '']
    md += [f'- {line}' for line in
           read_meta(os.path.join(out, 'bench-e2e.meta'))]
    md += ['',
           'pktgen (`xmit_mode netif_receive`, `flag !SHARED`: a new skb per '
           'packet) injects frames into a dummy source; each tool mirrors '
           'them from the source\'s ingress to targets t0..tN-1 (dummies, '
           'MTU 9000). ns/packet is the source path: pktgen\'s elapsed time '
           'over its packets, everything the hooks do included. A run is '
           'a few pktgen bursts of one tool; its figure is its fastest '
           'burst, since the single UML CPU shares the host\'s with other '
           'work. Each cell: median of '
           f'{reps} runs, Mpps and ns/packet, and the range of the runs\' '
           'Mpps; runs of all tools interleaved in one boot. `none`: no '
           f'mirroring (targets 0; measured with every target count: '
           f'{none_reps} runs, the same figure in every column).', '']
    for size in sizes:
        md.append(f'### {size}-byte frames')
        md.append('')
        md.append('| tool | mode | ' +
                  ' | '.join(f'{n} target{"s" if n > 1 else ""}'
                             for n in targets) + ' |')
        md.append('|---|---|' + '---:|' * len(targets))
        for tool, mode in E2E_TOOLS:
            cells = []
            for n in targets:
                v = med.get((tool, mode, size, 0 if tool == 'none' else n))
                if not v:
                    cells.append('-')
                    continue
                c = (f'{v[0] / 1e6:.2f} Mpps, {v[1]:.0f} ns '
                     f'({v[2] / 1e6:.2f}-{v[3] / 1e6:.2f})')
                if v[5]:
                    c += f' **{v[5]} runs short**'
                cells.append(c)
            if any(c != '-' for c in cells):
                md.append(f'| {tool} | {mode} | ' + ' | '.join(cells) + ' |')
        md.append('')

    md.append('### The goals of issue 7 (4 targets, packet rates)')
    md.append('')
    md.append('| bytes | nblclone share vs | ratio | bound | |')
    md.append('|---:|---|---:|---:|---|')
    for size in (1500, 9000):
        s = med.get(('nblclone', 'share', size, 4))
        for tool, mode, bound in E2E_VS:
            p = med.get((tool, mode, size, 4))
            if not s or not p:
                md.append(f'| {size} | {tool} | not measured | >= {bound} | |')
                continue
            r = s[0] / p[0]
            md.append(f'| {size} | {tool} ({s[0] / 1e6:.2f} vs '
                      f'{p[0] / 1e6:.2f} Mpps) | {r:.2f} | >= {bound} | '
                      f'{verdict(r >= bound)} |')
    md.append('')
    md += e2e_floor(med, sizes, targets)
    short = sum(v[5] for v in med.values())
    md.append('Every run was checked: the targets together sent packets x '
              'targets frames. ' +
              (f'**{short} runs were short.**' if short else
               'None was short.'))
    md.append('')

    d = os.path.join(out, 'plot')
    os.makedirs(d, exist_ok=True)
    for size in sizes:
        with open(os.path.join(d, f'e2e-{size}.dat'), 'w') as fp:
            fp.write('# targets, then ns/packet median per tool: ' +
                     ' '.join(f'{t}:{m}' for t, m in E2E_TOOLS) + '\n')
            for n in targets:
                vals = []
                for tool, mode in E2E_TOOLS:
                    v = med.get((tool, mode, size, 0 if tool == 'none' else n))
                    vals.append(f'{v[1]:.1f}' if v else 'NaN')
                fp.write(f'{n} ' + ' '.join(vals) + '\n')
    md += ['Plot: `bench-e2e.png` (ns per packet against targets, per frame '
           'size).', '']
    text = '\n'.join(md)
    with open(os.path.join(out, 'bench-e2e.md'), 'w') as f:
        f.write(text)
    print(text)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ('micro', 'e2e'):
        sys.exit(f'usage: {sys.argv[0]} micro|e2e DIR')
    if sys.argv[1] == 'micro':
        Micro(sys.argv[2]).report()
    else:
        e2e(sys.argv[2])


if __name__ == '__main__':
    main()
