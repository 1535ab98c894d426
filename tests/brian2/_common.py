"""Shared helpers for the Brian2 reference generators (run with /usr/bin/python3).

Output conventions (tests/data/brian2/):
  <name>_spikes.csv : header "i,step", one row per spike, time order (within a
                      step in ascending index, as Brian2's SpikeMonitor stores it);
                      step = int(round(t/dt)).
  <name>_trace.csv  : header "step,<var>_<index>,...", SI values printed with %.17g,
                      StateMonitor at its default when='start' (value *before* the
                      update of that step), every step.
"""
import os
import warnings

warnings.filterwarnings('ignore')

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.environ.get('BRIAN2_REF_OUT') or os.path.normpath(os.path.join(HERE, '..', 'data', 'brian2'))
os.makedirs(OUT, exist_ok=True)


def write_spikes(path_name, spikemon, dt):
    """Write a SpikeMonitor as i,step (time order, stable within a step)."""
    i = np.asarray(spikemon.i[:], dtype=int)
    t = np.asarray(spikemon.t_[:], dtype=float)
    steps = np.array([int(round(x / dt)) for x in t], dtype=int)
    order = np.argsort(steps, kind='stable')
    fn = os.path.join(OUT, path_name)
    with open(fn, 'w') as f:
        f.write('i,step\n')
        for k in order:
            f.write(f'{i[k]},{steps[k]}\n')
    return i, steps


def write_trace(path_name, statemon, columns, dt):
    """columns: list of (varname, position_in_record) -> header <var>_<index>.

    position_in_record is the row of statemon.<var> (i.e. the k-th recorded
    index); the header uses the real neuron/synapse index.
    """
    t = np.asarray(statemon.t_[:], dtype=float)
    steps = [int(round(x / dt)) for x in t]
    rec = np.asarray(statemon.record, dtype=int)
    header = ['step']
    data = []
    for var, k in columns:
        header.append(f'{var}_{rec[k]}')
        data.append(np.asarray(getattr(statemon, var + '_')[k], dtype=float))
    fn = os.path.join(OUT, path_name)
    with open(fn, 'w') as f:
        f.write(','.join(header) + '\n')
        for r, s in enumerate(steps):
            f.write(str(s) + ',' + ','.join('%.17g' % d[r] for d in data) + '\n')


def counts(i, n):
    return [int(np.sum(i == k)) for k in range(n)]


def write_md(name, text):
    with open(os.path.join(OUT, name + '.md'), 'w') as f:
        f.write(text.strip() + '\n')


def prep(model):
    """Model code to exec. BRIAN2_REF_TARGET=cython (with BRIAN2_REF_OUT=<dir>)
    re-runs a generator with another code-generation target, for cross-checks."""
    tgt = os.environ.get('BRIAN2_REF_TARGET')
    if tgt:
        model = model.replace("prefs.codegen.target = 'numpy'",
                              f"prefs.codegen.target = '{tgt}'")
    return model
