#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""This file compares snnc's tuning curve with Brian2's (brian2_rates.csv,
written by brian2_tau_sweep.py): the store/restore loop over tau in the
file (tau_sweep.snn, spike counts printed after each run) and the same
model run with 'snnc run --sweep tau=...' (tau_sweep_model.snn) must give
the same counts for each seed, and the mean count over the 5 seeds of each
tau must be within 5% of Brian2's mean over its 5 seeds.  Prints TAP and a
table of the figures.
usage: compare.py SNNC DIR"""
import csv
import os
import re
import subprocess
import sys
import tempfile

SNNC, HERE = sys.argv[1], sys.argv[2]
TAUS = [6, 8, 10, 12, 14, 16, 18, 20]
SEEDS = [1, 2, 3, 4, 5]


def brian2_counts():
    out = {}
    with open(os.path.join(HERE, 'brian2_rates.csv')) as f:
        for row in csv.DictReader(line for line in f if not line.startswith('#')):
            out[(int(row['seed']), int(row['tau_ms']))] = int(row['spikes'])
    return out


def file_counts(seed, work):
    """Counts per tau of the loop in the file: the sum of each printed G.n."""
    p = subprocess.run([SNNC, 'run', os.path.join(HERE, 'tau_sweep.snn'), '-o', os.path.join(work, 'f%d' % seed),
                        '--native=off', '--quiet', '--seed', str(seed)], capture_output=True, text=True, timeout=300)
    if p.returncode:
        raise RuntimeError('tau_sweep.snn: exit %d: %s' % (p.returncode, p.stderr))
    counts = {}
    for block in re.split(r'^tau = ', p.stdout, flags=re.M)[1:]:
        head, _, body = block.partition('\n')
        tau = int(head.split()[0])
        array = body[body.index('['):body.index(']')]
        counts[tau] = int(round(sum(float(x) for x in re.findall(r'\d+\.?\d*', array))))
    return counts


def sweep_counts(seed, work):
    """Counts per tau of --sweep: the rows of each value's M.csv."""
    out = os.path.join(work, 's%d' % seed)
    values = ','.join('%d*ms' % t for t in TAUS)
    p = subprocess.run([SNNC, 'run', os.path.join(HERE, 'tau_sweep_model.snn'), '-o', out, '--native=off', '--quiet',
                        '--seed', str(seed), '--sweep', 'tau=' + values], capture_output=True, text=True, timeout=300)
    if p.returncode:
        raise RuntimeError('--sweep: exit %d: %s' % (p.returncode, p.stderr))
    counts = {}
    for t in TAUS:
        with open(os.path.join(out, 'tau=%dms' % t, 'M.csv')) as f:
            counts[t] = sum(1 for _ in f) - 1
    return counts


def main():
    b2 = brian2_counts()
    tests = []
    with tempfile.TemporaryDirectory(prefix='snnc-tau-sweep-') as work:
        f = {s: file_counts(s, work) for s in SEEDS}
        w = {s: sweep_counts(s, work) for s in SEEDS}
    for s in SEEDS:
        tests.append((f[s] == w[s], 'seed %d: the loop in the file and --sweep give the same counts' % s,
                      '%s vs %s' % (f[s], w[s])))
    print('# tau   Brian2 mean   snnc mean   difference   (spikes of 100 neurons in 1 s, 5 seeds each)')
    for t in TAUS:
        mb = sum(b2[(s, t)] for s in SEEDS) / len(SEEDS)
        ms = sum(f[s][t] for s in SEEDS) / len(SEEDS)
        d = (ms - mb) / mb
        print('# %2d ms  %10.1f  %10.1f  %+9.2f%%' % (t, mb, ms, 100 * d))
        tests.append((abs(d) <= 0.05, 'tau = %d ms: the mean count is within 5%% of Brian2\'s' % t,
                      'snnc %.1f, Brian2 %.1f' % (ms, mb)))
    print('1..%d' % len(tests))
    for k, (ok, name, detail) in enumerate(tests, 1):
        print('%s %d - %s' % ('ok' if ok else 'not ok', k, name))
        if not ok: print('#   ' + detail)


main()
