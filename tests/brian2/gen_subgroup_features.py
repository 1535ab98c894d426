"""Brian2 reference: what subgroups and linked variables do besides
connecting: initial values and run_regularly of a subgroup (its own i and N),
synapses between two subgroups of one group (relative i and j, N_pre, a
summed variable onto a subgroup, a delay), spike and rate monitors of a
subgroup, and linked variables (to a subgroup's variable, and to a group's
with an index map).  Run: /usr/bin/python3 tests/brian2/gen_subgroup_features.py"""
from _common import *
from brian2 import *

NAME = 'subgroup_features'
MODEL = '''
prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1*ms
G = NeuronGroup(10, """dv/dt = (I + Isyn - v)/(10*ms) : 1
                       I : 1
                       Isyn : 1""",
                threshold='v > 1', reset='v = 0', method='euler', name='G')
Pa = G[0:4]
Pb = G[4:10]
Pa.I = '1.5 + 0.1*i'
Pb.I = [1.2, 1.3, 1.4, 0.5, 0.6, 0.7]
Pb.run_regularly('v += 0.01*i + 0.001*N', dt=1*ms, when='end', name='Pb_rr')
S = Synapses(Pa, Pb, """w : 1
                        Isyn_post = w*v_pre : 1 (summed)""",
             on_pre='v_post += 0.02*N_pre', name='S')
S.connect('j == i or j == i + 2')
S.w = 'i*0.1 + j*0.01'
S2 = Synapses(G[8:10], Pa, on_pre='v_post += 0.05*(j + 1)', delay=2*ms, name='S2')
S2.connect()
H = NeuronGroup(4, """dx/dt = (y + z - x)/(5*ms) : 1
                      y : 1 (linked)
                      z : 1 (linked)""", method='euler', name='H')
H.y = linked_var(G.v, index=[1, 3, 5, 7])
H.z = linked_var(Pa.v)
SM = SpikeMonitor(G, name='SM')
SMb = SpikeMonitor(Pb, name='SMb')
Rb = PopulationRateMonitor(Pb, name='Rb')
M = StateMonitor(H, ['x', 'y', 'z'], record=True, name='M')
run(60*ms)
'''
exec(prep(MODEL))
dt = float(defaultclock.dt_)
i, s = write_spikes(NAME + '_spikes.csv', SM, dt)
ib, sb = write_spikes(NAME + '_b_spikes.csv', SMb, dt)
write_trace(NAME + '_trace.csv', M, [(v, k) for v in ('x', 'y', 'z') for k in range(4)], dt)
with open(os.path.join(OUT, NAME + '_rate.csv'), 'w') as f:
    f.write('step,rate\n')
    for t, r in zip(Rb.t_[:], Rb.rate_[:]):
        f.write('%d,%.17g\n' % (int(round(t / dt)), float(r)))
c = counts(i, 10)
write_md(NAME, f'''
# {NAME}

Subgroups and linked variables beyond connections: `Pa = G[0:4]` and
`Pb = G[4:10]` get initial values of their own (an expression of the
subgroup's i, a list of 6 values); Pb runs a run_regularly (at the end of the step) with its own i and
N (6); synapses Pa -> Pb connect on relative i and j, deliver 0.02*N_pre (N_pre
= 4) and sum w*v_pre onto Pb's Isyn (the summed updater zeroes only Pb's
part); `G[8:10] -> Pa` with a 2 ms delay; H's y is linked to G.v at
index [1, 3, 5, 7] and z to Pa.v (H's neuron k reads G's neuron k).  SM
records G, SMb the subgroup Pb (indices 0 to 5), Rb Pb's rate and M H's x, y
and z.  Brian2 2.5.1, numpy target, 60 ms.  Spike counts of G: {c}; of Pb:
{counts(ib, 6)}.

```python
{MODEL.strip()}
```
''')
print(NAME, 'spike counts', c, counts(ib, 6))
