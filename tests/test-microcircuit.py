#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# This file contains the test of examples/microcircuit.snn, the Potjans &
# Diesmann (2014) cortical microcircuit, scaled as NEST's example scales it
# by default (N_scale = K_scale = 0.1: 7,717 neurons, 3x10^6 synapses, DC
# compensation from the full model's rates), for 0.5 s unrecorded and 1 s
# recorded, with two seeds.  It checks:
#  - the synapse count of every projection against NEST's formula,
#    round(log(1 - p)/log((N_pre*N_post - 1)/(N_pre*N_post)) * N_scale *
#    K_scale) of the full sizes, computed here from the published table
#    (so the example's 56 expressions and connect(total=) are exact);
#  - the population sizes, round(N_full * N_scale);
#  - an asynchronous irregular state: every population's mean rate between
#    0.1 and 30 spikes/s (a silent network, or one in runaway or
#    synchronous bursting, leaves that range);
#  - each rate within a factor of 3 of NEST's full-scale rate (the scaled
#    model reproduces the full one's rates only roughly: the DC replaces
#    the fluctuations of the missing synapses);
#  - the orderings of the published rates that hold with wide margins:
#    inhibitory above excitatory in L2/3, L4 and L6 (published ratios 3.2,
#    1.35 and 7.2); among the excitatory populations L2/3 and L6 below L4,
#    and L4 below L5 (0.94 and 1.1 against 4.4, 4.4 against 7.7).  Orders
#    closer than that (L5I against L5E, 8.7 against 7.7; L6I against L5E)
#    are not checked.
# Usage: test-microcircuit.py SNNC SOURCE_ROOT
import csv
import math
import os
import re
import subprocess
import sys
import tempfile

POPS = ['L23E', 'L23I', 'L4E', 'L4I', 'L5E', 'L5I', 'L6E', 'L6I']
N_FULL = [20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948]
# connection probabilities, [target][source] (NEST's network_params.py)
P = [[0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0., 0.0076, 0.],
     [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0., 0.0042, 0.],
     [0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.],
     [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0., 0.1057, 0.],
     [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.],
     [0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.],
     [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
     [0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443]]
# NEST's full_mean_rates (spikes/s)
PUBLISHED = dict(zip(POPS, [0.943, 3.026, 4.368, 5.882, 7.733, 8.664, 1.096, 7.851]))
SCALE = 0.1
T_RECORDED = 1.0   # seconds: the example's t_sim
ORDERS = [('L23E', 'L23I'), ('L4E', 'L4I'), ('L6E', 'L6I'),
          ('L23E', 'L4E'), ('L6E', 'L4E'), ('L4E', 'L5E')]

failures = []


def check(ok, what):
    print(('ok     ' if ok else 'FAILED ') + what)
    if not ok:
        failures.append(what)


def expected_synapses():
    out = {}
    for t in range(8):
        for s in range(8):
            if P[t][s] == 0:
                continue
            prod = float(N_FULL[s] * N_FULL[t])
            k = math.log(1 - P[t][s]) / math.log((prod - 1) / prod)
            out[POPS[s] + '_' + POPS[t]] = math.floor(k * SCALE * SCALE + 0.5)
    return out


def run(snnc, root, seed, outdir):
    env = dict(os.environ, SNNC_PATH=root)
    cmd = [snnc, 'run', os.path.join(root, 'examples', 'microcircuit.snn'), '-o', outdir, '--quiet',
           '--seed', str(seed), '--set', 'N_scale=%g' % SCALE, '--set', 'K_scale=%g' % SCALE]
    r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
    if r.returncode != 0:
        print(r.stdout)
        check(False, 'snnc run exits with 0 (got %d)' % r.returncode)
        sys.exit(1)
    return r.stdout


def rates(outdir):
    out = {}
    for k, pop in enumerate(POPS):
        with open(os.path.join(outdir, pop + '_spikes.csv')) as f:
            rows = list(csv.reader(f))
        check(rows[0] == ['i', 'count'], '%s_spikes.csv has the columns i,count' % pop)
        n = len(rows) - 1
        check(n == math.floor(N_FULL[k] * SCALE + 0.5), '%s has round(N_full*N_scale) = %d neurons' % (pop, n))
        out[pop] = sum(int(r[1]) for r in rows[1:]) / (n * T_RECORDED)
    return out


def main():
    snnc, root = sys.argv[1], sys.argv[2]
    want = expected_synapses()
    for seed in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            text = run(snnc, root, seed, tmp)
            got = {m.group(1): int(m.group(2)) for m in re.finditer(r'^(\w+): (\d+) synapses ', text, re.M)}
            if seed == 1:
                check(set(got) == set(want), 'the 56 projections with p > 0, and only those')
                bad = [(k, got.get(k), v) for k, v in want.items() if got.get(k) != v]
                check(not bad, 'every projection has NEST\'s synapse count (differences: %s)' % bad[:5])
            r = rates(tmp)
            print('seed %d rates (1/s): %s' % (seed, ', '.join('%s %.3f' % (p, r[p]) for p in POPS)))
            for p in POPS:
                check(0.1 <= r[p] <= 30, 'seed %d: %s rate %.3f in [0.1, 30]' % (seed, p, r[p]))
                ratio = r[p] / PUBLISHED[p]
                check(1 / 3 <= ratio <= 3, 'seed %d: %s rate %.3f within a factor 3 of the published %.3f'
                      % (seed, p, r[p], PUBLISHED[p]))
            for lo, hi in ORDERS:
                check(r[lo] < r[hi], 'seed %d: %s (%.3f) below %s (%.3f)' % (seed, lo, r[lo], hi, r[hi]))
    if failures:
        print('%d check(s) failed' % len(failures))
        sys.exit(1)


main()
