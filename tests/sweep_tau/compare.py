#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""This file compares snnc's tuning curve with Brian2's (brian2_rates.csv,
written by brian2_tau_sweep.py): the store/restore loop over tau in the
file (tau_sweep.snn, spike counts printed after each run), and the same
model run with 'snnc run --sweep tau=...' (tau_sweep_model.snn).  As in
Brian2, a plain restore leaves the random state alone, so each run of the
loop has its own Poisson input: its mean count over the 5 seeds of each tau
must be within 5% of Brian2's mean over its 5 seeds, and its counts must
not be those of --sweep (whose values all start from the built state's
random numbers).  The same loop with restore(restore_random_state=True)
(written from tau_sweep.snn) repeats the stored random state each time, so
it must give exactly the counts of --sweep for each seed.  Prints TAP and
a table of the figures.
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


def random_state_loop(work):
    """tau_sweep.snn with each plain 'restore' restoring the random state."""
    with open(os.path.join(HERE, 'tau_sweep.snn')) as f:
        text = f.read()
    lines = text.split('\n')
    n = sum(1 for line in lines if line == 'restore')
    if n != len(TAUS):
        raise RuntimeError('tau_sweep.snn has %d restores, expected %d' % (n, len(TAUS)))
    path = os.path.join(work, 'tau_sweep_random_state.snn')
    with open(path, 'w') as f:
        f.write('\n'.join('restore(restore_random_state=True)' if line == 'restore' else line for line in lines))
    return path


def file_counts(seed, work, model, tag):
    """Counts per tau of the loop in a file: the sum of each printed G.n."""
    p = subprocess.run([SNNC, 'run', model, '-o', os.path.join(work, '%s%d' % (tag, seed)),
                        '--native=off', '--quiet', '--seed', str(seed)], capture_output=True, text=True, timeout=300)
    if p.returncode:
        raise RuntimeError('%s: exit %d: %s' % (model, p.returncode, p.stderr))
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
        f = {s: file_counts(s, work, os.path.join(HERE, 'tau_sweep.snn'), 'f') for s in SEEDS}
        rs = random_state_loop(work)
        r = {s: file_counts(s, work, rs, 'r') for s in SEEDS}
        w = {s: sweep_counts(s, work) for s in SEEDS}
    for s in SEEDS:
        tests.append((r[s] == w[s], 'seed %d: the loop with restore_random_state=True and --sweep give the same counts'
                      % s, '%s vs %s' % (r[s], w[s])))
    for s in SEEDS:
        same = [t for t in TAUS if f[s][t] == w[s][t]]
        tests.append((len(same) < len(TAUS) // 2, 'seed %d: after a plain restore the Poisson input is new '
                      '(counts differ from --sweep for most tau)' % s, 'equal for tau %s' % same))
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
