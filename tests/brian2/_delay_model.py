"""Shared builder for gen_delay_homog.py / gen_delay_hetero.py."""
from _common import *
from brian2 import *


def make_model(delay_code, post_connect=''):
    return '''
prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1*ms
El = -65*mV
taum = 10*ms
indices = [0, 0, 0, 0, 0, 0, 0, 0, 0,
           1, 1, 1, 1, 1, 1,
           2, 2, 2, 2, 2, 2]
times = [5, 10, 10.5, 11, 11.5, 12, 30, 50, 50.1,
         10, 20, 30, 40, 50, 50.1,
         10, 25, 30, 30.1, 30.2, 60]*ms
inp = SpikeGeneratorGroup(3, indices, times)
G = NeuronGroup(4, 'dv/dt = (El - v)/taum : volt', threshold='v > -55*mV',
                reset='v = -70*mV', method='exact')
G.v = El
''' + delay_code + '''
S.connect()            # all-to-all, 12 synapses (i = source, j = target)
S.w = '(3 + i + j)*mV'
''' + post_connect + '''mon = StateMonitor(G, 'v', record=[0, 1, 2, 3])
spk = SpikeMonitor(G)
inspk = SpikeMonitor(inp)
run(80*ms)
'''


def generate(name, delay_code, description, post_connect=''):
    MODEL = make_model(delay_code, post_connect)
    ns = {}
    exec('from brian2 import *\n' + prep(MODEL), ns)
    dt = float(ns['defaultclock'].dt_)
    i, s = write_spikes(name + '_spikes.csv', ns['spk'], dt)
    ii, si = write_spikes(name + '_input_spikes.csv', ns['inspk'], dt)
    write_trace(name + '_trace.csv', ns['mon'],
                [('v', 0), ('v', 1), ('v', 2), ('v', 3)], dt)
    S = ns['S']
    delays = [float(x) for x in np.atleast_1d(S.delay_[:])]
    c = counts(i, 4)
    ci = counts(ii, 3)
    write_md(name, f'''
# {name}

{description}
`{name}_spikes.csv` = spikes of the LIF group G (i,step);
`{name}_input_spikes.csv` = spikes of the SpikeGeneratorGroup (i,step);
`{name}_trace.csv` = G.v (StateMonitor when='start').
Brian2 2.5.1, numpy target, default schedule. Synapse delays after
construction (s, synapse order i-major): {delays}.
Spike counts: G {c}, generator {ci}.

Brian2 semantics: a source spike in step n is pushed in the `synapses` slot of
step n and on_pre runs in the `synapses` slot of step n + round(delay/dt)
(delay 0: same step, after thresholds, before resets), so a StateMonitor at
'start' shows the jump at step n + round(delay/dt) + 1.

```python
{MODEL.strip()}
```
''')
    print(name, 'spike counts G', c, 'input', ci, 'delays', delays)
