"""Brian2 reference: gap junctions through a (summed) variable
(examples/synapses/gapjunctions.py), shortened to 200 ms.
Run: /usr/bin/python3 tests/brian2/gen_gap_summed.py"""
from _common import *
from brian2 import *

NAME = 'gap_summed'
MODEL = '''
prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1*ms
n = 10
v0 = 1.05
tau = 10*ms
eqs = """
dv/dt = (v0 - v + Igap) / tau : 1
Igap : 1 # gap junction current
"""
neurons = NeuronGroup(n, eqs, threshold='v > 1', reset='v = 0',
                      method='exact')
neurons.v = 'i * 1.0 / (n-1)'
trace = StateMonitor(neurons, ['v', 'Igap'], record=[0, 5, 9])
spk = SpikeMonitor(neurons)
S = Synapses(neurons, neurons, """
             w : 1 # gap junction conductance
             Igap_post = w * (v_pre - v_post) : 1 (summed)
             """)
S.connect()
S.w = .02
run(200*ms)
'''
exec(prep(MODEL))
dt = float(defaultclock.dt_)
i, s = write_spikes(NAME + '_spikes.csv', spk, dt)
write_trace(NAME + '_trace.csv', trace,
            [('v', 0), ('v', 1), ('v', 2), ('Igap', 0), ('Igap', 1), ('Igap', 2)], dt)
c = counts(i, 10)
write_md(NAME, f'''
# {NAME}

Brian2's examples/synapses/gapjunctions.py (10 neurons, all-to-all including
self-connections i == j, whose terms are 0), run for 200 ms instead of 500 ms.
The summed-variable updater runs in the `groups` slot just before the
neurons' state updater (order = group.order - 1), so Igap is computed from the
v at the start of the step and held constant over the step. Brian2 2.5.1,
numpy target. Trace (v and Igap of neurons 0, 5, 9): StateMonitor
when='start', i.e. Igap shown at step n is the value computed in step n-1
(step 0: the initial 0). Spike counts per neuron: {c}.

```python
{MODEL.strip()}
```
''')
print(NAME, 'spike counts', c)
