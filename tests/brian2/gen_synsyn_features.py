"""Brian2 reference: synapses on synapses, the constructs one by one in a
small deterministic network: on_pre of synapses onto synapses changing the
target synapse's weight through its own name and reading i_post / j_post;
synapses from synapses with on_post (triggered by the target's spikes)
writing w_pre with i_pre / j_pre; a summed variable into the source
synapses (g_pre); connect conditions on j_post and j expressions of j_pre;
assignments between runs through _post; state monitors of the inner and
outer synapses. The snnc model is tests/networks/synsyn_features.snn.
Run: /usr/bin/python3 tests/brian2/gen_synsyn_features.py"""
from _common import *
from brian2 import *

NAME = 'synsyn_features'
MODEL = '''
prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1*ms
P = SpikeGeneratorGroup(3, [0, 1, 2, 1, 0, 2], [1, 2, 3, 4, 6, 12]*ms, name='P')
G = NeuronGroup(4, """dv/dt = (I - v)/(5*ms) : 1
                      I : 1""", threshold='v > 0.5', reset='v = 0', method='exact', name='G')
G.I = '0.45 + 0.04*i'
conn = Synapses(G, G, """w : 1
                         g : 1""", on_pre='v_post += w*(1 + g)', name='conn')
conn.connect('i != j')
conn.w = '0.02*i + 0.01*j'
mod = Synapses(P, conn, 'c : 1', on_pre="""w += 0.05*(1 + i_post)
                                           c += 1""", name='mod')
mod.connect('j_post == i')
back = Synapses(conn, P, on_post='w_pre -= 0.002*(1 + j_pre)', name='back')
back.connect(j='j_pre % 3')
sumg = Synapses(conn, G, 'g_pre = 0.5*v_post : 1 (summed)', name='sumg')
sumg.connect(j='j_pre')
spk = SpikeMonitor(G, name='spk')
vmon = StateMonitor(G, 'v', record=True, name='vmon')
wmon = StateMonitor(conn, ['w', 'g'], record=[0, 4, 7, 11], name='wmon')
cmon = StateMonitor(mod, 'c', record=[0, 3, 5], name='cmon')
run(10*ms)
mod.c = 'c + 10*i_post + w_post'
conn.w['j == 0'] = 0.3
run(10*ms)
'''
exec(prep(MODEL))
dt = float(defaultclock.dt_)
i, s = write_spikes(NAME + '_spikes.csv', spk, dt)
write_trace(NAME + '_v_trace.csv', vmon, [('v', k) for k in range(4)], dt)
write_trace(NAME + '_w_trace.csv', wmon, [(v, k) for k in range(4) for v in ('w', 'g')], dt)
write_trace(NAME + '_c_trace.csv', cmon, [('c', k) for k in range(3)], dt)
write_md(NAME, f'''
# {NAME}

Synapses on synapses, construct by construct, in a small deterministic
network (20 ms at dt = 0.1 ms, Brian2 2.5.1, numpy target): `mod` (a spike
generator onto the synapses `conn`) raises the target synapse's `w` (its own
name, Brian2's unsuffixed target variable) by an amount of `i_post`;
`back` (from `conn` onto the generator) runs `on_post` at the generator's
spikes and lowers `w_pre` by an amount of `j_pre`; `sumg` (from `conn` onto
G) sums `0.5*v_post` into each source synapse's `g` (`g_pre`), which
`conn`'s on_pre uses. Between the two runs `mod.c = 'c + 10*i_post +
w_post'` and `conn.w['j == 0'] = 0.3`. Objects are named as in the snnc model,
so that the schedule's name order is the same. Monitors: spikes of G, v of G,
w and g of synapses 0, 4, 7, 11 of conn, c of synapses 0, 3, 5 of mod
(when='start'). Spike counts of G: {counts(i, 4)}.

```python
{MODEL.strip()}
```
''')
print(NAME, 'spike counts', counts(i, 4))
