"""Brian2 reference: LIF, method exact, refractory 5 ms, (unless refractory).
Run: /usr/bin/python3 tests/brian2/gen_lif_exact_ref.py"""
from _common import *
from brian2 import *

NAME = 'lif_exact_ref'
MODEL = '''
prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1*ms
El = -65*mV
taum = 10*ms
eqs = """
dv/dt = (El - v + I)/taum : volt (unless refractory)
I : volt
"""
G = NeuronGroup(3, eqs, threshold='v > -50*mV', reset='v = -60*mV',
                refractory=5*ms, method='exact')
G.v = El
G.I = [18, 25, 40]*mV
mon = StateMonitor(G, 'v', record=[0, 1, 2])
spk = SpikeMonitor(G)
run(200*ms)
'''
exec(prep(MODEL))
dt = float(defaultclock.dt_)
i, s = write_spikes(NAME + '_spikes.csv', spk, dt)
write_trace(NAME + '_trace.csv', mon, [('v', 0), ('v', 1), ('v', 2)], dt)
c = counts(i, 3)
write_md(NAME, f'''
# {NAME}

Brian2 2.5.1, numpy target, default schedule. Trace: StateMonitor when='start'
(value before the step's update). Spike counts per neuron: {c}.

```python
{MODEL.strip()}
```
''')
print(NAME, 'spike counts', c)
