"""Brian2 reference: a spike generator's set_spikes between runs (spikes in
the past are left out, a period), synapses and a neuron group switched off
and on, v changed with += and by a condition written with G.v.
Run: /usr/bin/python3 tests/brian2/gen_protocol_inputs.py"""
from _common import *
from brian2 import *

NAME = 'protocol_inputs'
MODEL = '''
prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1*ms
inp = SpikeGeneratorGroup(3, [0, 1, 2, 0], [2, 4, 6, 12]*ms)
G = NeuronGroup(2, 'dv/dt = (-70*mV - v)/(10*ms) : volt', threshold='v > -60*mV', reset='v = -75*mV',
                method='exact')
G.v = -70*mV
S = Synapses(inp, G, 'w : volt', on_pre='v_post += w')
S.connect()
S.w = '(4 + 2*i + 3*j)*mV'
spk = SpikeMonitor(inp)
gspk = SpikeMonitor(G)
mon = StateMonitor(G, 'v', record=[0, 1])
run(10*ms)
inp.set_spikes([2, 1, 0, 2], [5, 11, 13, 14]*ms)
S.active = False
run(5*ms)
S.active = True
G.v += 2*mV
G.v[G.v > -69*mV] = -72*mV
run(5*ms)
inp.set_spikes([0, 1, 2], [1, 2, 3]*ms, period=4*ms)
G.active = False
run(6*ms)
G.active = True
run(10*ms)
'''
exec(prep(MODEL))
dt = float(defaultclock.dt_)
i, s = write_spikes(NAME + '_spikes.csv', spk, dt)
gi, gs = write_spikes(NAME + '_target_spikes.csv', gspk, dt)
write_trace(NAME + '_trace.csv', mon, [('v', 0), ('v', 1)], dt)
write_md(NAME, f"""
# {NAME}

A spike generator's set_spikes between runs (spikes before the current time
left out, then a period), synapses and the target group switched off and
on, G.v changed with += and where G.v > -69 mV (Brian2 2.5.1, numpy target;
the code is `tests/brian2/gen_{NAME}.py`, the .snn `tests/networks/{NAME}.snn`).
Generator spikes per neuron {counts(i, 3)}, G {counts(gi, 2)}.
""")
