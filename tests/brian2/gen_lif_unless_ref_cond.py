"""Brian2 reference: LIF with one (unless refractory) variable (v) and one
ordinary variable (x), with a *conditional* (boolean-expression) refractory
period refractory='x > 0.5', method euler.
Run: /usr/bin/python3 tests/brian2/gen_lif_unless_ref_cond.py"""
from _common import *
from brian2 import *

NAME = 'lif_unless_ref_cond'
MODEL = '''
prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1*ms
El = -65*mV
taum = 10*ms
eqs = """
dv/dt = (El - v + I)/taum : volt (unless refractory)
dx/dt = -x/taux : 1
I : volt
taux : second
"""
G = NeuronGroup(3, eqs, threshold='v > -50*mV', reset='v = -60*mV; x = 1',
                refractory='x > 0.5', method='euler')
G.v = El
G.x = 0
G.I = [20, 30, 40]*mV
G.taux = [2, 4, 8]*ms
mon = StateMonitor(G, ['v', 'x'], record=[0, 1, 2])
spk = SpikeMonitor(G)
run(150*ms)
'''
exec(prep(MODEL))
dt = float(defaultclock.dt_)
i, s = write_spikes(NAME + '_spikes.csv', spk, dt)
write_trace(NAME + '_trace.csv', mon,
            [('v', 0), ('v', 1), ('v', 2), ('x', 0), ('x', 1), ('x', 2)], dt)
c = counts(i, 3)
write_md(NAME, f'''
# {NAME}

LIF whose v is `(unless refractory)` while x is an ordinary ODE that keeps
integrating during refractoriness; refractoriness is the boolean expression
`x > 0.5` (Brian2 accepts it). Brian2 2.5.1 turns a boolean refractory
condition into, at the start of every state update,
`not_refractory = not_refractory or not (x > 0.5)` (x before the update), i.e.
the condition only decides when refractoriness *ends*; the thresholder sets
not_refractory = False at a spike and the threshold is `(v > -50*mV) and
not_refractory`. With reset x = 1 the refractory period is the number of
steps until x (euler-decayed) drops to <= 0.5. Numpy target. Trace:
StateMonitor when='start'. Spike counts per neuron: {c}.

Note: the literal `refractory='v > -50*mV'` is also accepted, but with the
reset `v = -60*mV` it gives no refractoriness at all (the condition is false
right after the reset), so x is used here.

```python
{MODEL.strip()}
```
''')
print(NAME, 'spike counts', c)
