"""Brian2 reference: Izhikevich (2003) model in Brian2 form, method euler,
4 neurons with different (a, b, c, d): RS, IB, CH, FS.
Run: /usr/bin/python3 tests/brian2/gen_izhikevich.py"""
from _common import *
from brian2 import *

NAME = 'izhikevich'
MODEL = '''
prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1*ms
eqs = """
dv/dt = (0.04/ms/mV)*v**2 + (5/ms)*v + 140*mV/ms - u + I : volt
du/dt = a*(b*v - u) : volt/second
a : 1/second
b : 1/second
c : volt
d : volt/second
I : volt/second
"""
G = NeuronGroup(4, eqs, threshold='v >= 30*mV', reset='v = c; u += d',
                method='euler')
#        RS     IB     CH     FS
G.a = [0.02, 0.02, 0.02, 0.1]/ms
G.b = [0.2, 0.2, 0.2, 0.2]/ms
G.c = [-65, -55, -50, -65]*mV
G.d = [8, 4, 2, 2]*mV/ms
G.I = [10, 10, 10, 10]*mV/ms
G.v = -65*mV
G.u = 'b*v'
mon = StateMonitor(G, ['v', 'u'], record=[0, 1, 2, 3])
spk = SpikeMonitor(G)
run(150*ms)
'''
exec(prep(MODEL))
dt = float(defaultclock.dt_)
i, s = write_spikes(NAME + '_spikes.csv', spk, dt)
write_trace(NAME + '_trace.csv', mon,
            [('v', 0), ('v', 1), ('v', 2), ('v', 3), ('u', 0), ('u', 3)], dt)
c = counts(i, 4)
write_md(NAME, f'''
# {NAME}

Izhikevich (2003) in Brian2 units, method euler, per-neuron a, b, c, d
(regular spiking, intrinsically bursting, chattering, fast spiking).
Brian2 2.5.1, numpy target. Trace: StateMonitor when='start'.
Spike counts per neuron: {c}.

```python
{MODEL.strip()}
```
''')
print(NAME, 'spike counts', c)
