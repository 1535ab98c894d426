"""Brian2 reference: the store/restore loop over a parameter, as Brian2 scripts
write it (for tau in values: restore(); run(); collect), that
'snnc run tests/networks/sweep.snn --sweep tau=5*ms,10*ms,20*ms' runs.
Run: /usr/bin/python3 tests/brian2/gen_sweep.py"""
from _common import *
from brian2 import *

NAME = 'sweep'
MODEL = '''
prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1*ms
tau = 10*ms
G = NeuronGroup(3, """dv/dt = (I - v)/tau : volt
                      I : volt""", threshold='v > 10*mV', reset='v = 0*mV', method='exact')
SM = SpikeMonitor(G)
G.I = 'i*5*mV + 11*mV'
store()
results = []
for k, tau in enumerate([5*ms, 10*ms, 20*ms]):
    restore()
    run(50*ms)
    results.append(write_spikes(f'{NAME}_{k}_spikes.csv', SM, float(defaultclock.dt_)))
'''
exec(prep(MODEL))
write_md(NAME, f"""
# {NAME}

Brian2's store/restore loop over tau = 5, 10, 20 ms (Brian2 2.5.1, numpy
target; the code is `tests/brian2/gen_{NAME}.py`): 3 LIF neurons, 50 ms per
value, each from the stored start.  `{NAME}_K_spikes.csv` holds the spikes of
value K; per neuron: {[counts(r[0], 3) for r in results]}.
""")
