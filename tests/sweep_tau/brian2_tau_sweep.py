"""Brian2 reference for tau_sweep.snn: the store/restore loop of Brian2's
"multiple runs" tutorial, for tau in values: restore(); run(); collect.
100 LIF neurons, each driven by its own Poisson input (100 sources at 10 Hz,
weight 0.1), tau over 8 values, 1 s per value from the stored start; the
population rate per value, over 5 seeds.  Writes brian2_rates.csv here.
Run: /usr/bin/python3 tests/sweep_tau/brian2_tau_sweep.py"""
import os
import warnings

warnings.filterwarnings('ignore')
from brian2 import *

prefs.codegen.target = 'numpy'
HERE = os.path.dirname(os.path.abspath(__file__))
TAUS = [6, 8, 10, 12, 14, 16, 18, 20]
SEEDS = [1, 2, 3, 4, 5]

rows = []
for s in SEEDS:
    start_scope()
    seed(s)
    defaultclock.dt = 0.1*ms
    tau = 10*ms
    G = NeuronGroup(100, 'dv/dt = -v/tau : 1', threshold='v > 1', reset='v = 0', method='exact')
    PI = PoissonInput(G, 'v', N=100, rate=10*Hz, weight=0.1)
    M = SpikeMonitor(G)
    store()
    for t_ms in TAUS:
        restore()
        tau = t_ms*ms
        run(1*second)
        rows.append((s, t_ms, M.num_spikes))
        print(s, t_ms, M.num_spikes, flush=True)

with open(os.path.join(HERE, 'brian2_rates.csv'), 'w') as f:
    f.write('# Brian2 2.5.1 (numpy), brian2_tau_sweep.py: spikes of 100 neurons in 1 s\n')
    f.write('seed,tau_ms,spikes\n')
    for r in rows:
        f.write('%d,%d,%d\n' % r)
