"""Brian2 reference: a protocol between runs -- the input current changed for
some neurons, v assigned by an expression of v and i, a (constant) parameter
set, synaptic weights assigned by expression and by condition, a monitor
switched off and on, a constant (a Python variable in Brian2) changed between
runs, and store/restore with a different constant after the restore.
Run: /usr/bin/python3 tests/brian2/gen_protocol.py"""
from _common import *
from brian2 import *

NAME = 'protocol'
MODEL = '''
prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1*ms
tau = 10*ms
G = NeuronGroup(5, """dv/dt = (I - v)/tau + g*0.1*mV/ms : volt
                      I : volt
                      g : 1 (constant)""",
                threshold='v > 10*mV', reset='v = 0*mV', method='exact')
H = NeuronGroup(3, 'dv/dt = -v/(5*ms) : volt', threshold='v > 2*mV', reset='v = 0*mV', method='exact')
S = Synapses(G, H, 'w : volt', on_pre='v_post += w')
S.connect()
SM = SpikeMonitor(G)
HM = SpikeMonitor(H)
M = StateMonitor(G, 'v', record=[0, 4])
G.I = 'i*3*mV + 9*mV'
S.w = 'j*0.5*mV + 0.5*mV'
run(20*ms)
G.I[0:2] = 15*mV
G.v = 'v*0.5 + i*mV'
G.g = 'i*0.5'
S.w['i == j'] = 0*mV
M.active = False
run(10*ms)
M.active = True
tau = 5*ms
store('mid')
run(10*ms)
restore('mid')
tau = 20*ms
G.I[3] = 20*mV
run(10*ms)
'''
exec(prep(MODEL))
dt = float(defaultclock.dt_)
i, s = write_spikes(NAME + '_spikes.csv', SM, dt)
hi, hs = write_spikes(NAME + '_target_spikes.csv', HM, dt)
write_trace(NAME + '_trace.csv', M, [('v', 0), ('v', 1)], dt)
write_md(NAME, f"""
# {NAME}

A protocol between runs (Brian2 2.5.1, numpy target): the Brian2 code that ran
is in `tests/brian2/gen_{NAME}.py`; `tests/networks/{NAME}.snn` is the same
script in snnc's language.  Files: `{NAME}_spikes.csv` = spikes of G,
`{NAME}_target_spikes.csv` = spikes of H, `{NAME}_trace.csv` = G.v of neurons
0 and 4 (StateMonitor when='start', switched off during the second run, and
restored with the network to t = 30 ms).  G: {counts(i, 5)} spikes, H:
{counts(hi, 3)}; the monitor holds {len(M.t)} rows.
""")
