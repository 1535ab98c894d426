"""Brian2 reference: the CUBA benchmark written with subgroups, Pe = P[:3200]
and Pi = P[3200:], with deterministic initial values and connections
(conditions on the subgroups' own i and j), so that spikes must agree step for
step.  Run: /usr/bin/python3 tests/brian2/gen_subgroup_cuba.py"""
from _common import *
from brian2 import *

NAME = 'subgroup_cuba'
MODEL = '''
prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1*ms
taum = 20*ms
taue = 5*ms
taui = 10*ms
Vt = -50*mV
Vr = -60*mV
El = -49*mV
we = (60*0.27/10)*mV
wi = (-20*4.5/10)*mV
eqs = """
dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt
"""
P = NeuronGroup(4000, eqs, threshold='v>Vt', reset='v = Vr', refractory=5*ms,
                method='euler', name='P')
P.v = 'Vr + (i % 97)*(0.1*mV)'
Pe = P[:3200]
Pi = P[3200:]
Ce = Synapses(Pe, P, on_pre='ge += we', name='Ce')
Ci = Synapses(Pi, P, on_pre='gi += wi', name='Ci')
Ce.connect('(7*i + 3*j) % 50 == 0')
Ci.connect('(i + 2*j) % 50 == 3')
SM = SpikeMonitor(P, name='SM')
SMi = SpikeMonitor(Pi, name='SMi')
Re = PopulationRateMonitor(Pe, name='Re')
M = StateMonitor(Pi, 'v', record=[0, 5, 799], name='M')
run(100*ms)
'''
exec(prep(MODEL))
dt = float(defaultclock.dt_)
i, s = write_spikes(NAME + '_spikes.csv', SM, dt)
ii, si = write_spikes(NAME + '_inh_spikes.csv', SMi, dt)
write_trace(NAME + '_trace.csv', M, [('v', 0), ('v', 1), ('v', 2)], dt)
with open(os.path.join(OUT, NAME + '_rate.csv'), 'w') as f:
    f.write('step,rate\n')
    for t, r in zip(Re.t_[:], Re.rate_[:]):
        f.write('%d,%.17g\n' % (int(round(t / dt)), float(r)))
write_md(NAME, f'''
# {NAME}

Brian2's CUBA benchmark (4000 neurons) written with subgroups: excitatory
synapses from `Pe = P[:3200]`, inhibitory from `Pi = P[3200:]`, each onto all
of P, with connection conditions on the subgroups' own indices (`i` of Pi runs
from 0 to 799), deterministic initial values and the euler method, 100 ms.
`SM` records all of P, `SMi` the subgroup Pi (indices relative to its start,
3200), `Re` the population rate of Pe (spikes of Pe / 3200 / dt) and `M` the v
of Pi's neurons 0, 5 and 799 (P's 3200, 3205, 3999).  Brian2 2.5.1, numpy
target.  Spikes: {len(i)} in P, {len(ii)} in Pi; synapses: {len(Ce)} excitatory,
{len(Ci)} inhibitory.

```python
{MODEL.strip()}
```
''')
print(NAME, len(i), 'spikes', len(ii), 'in Pi', len(Ce), len(Ci), 'synapses')
