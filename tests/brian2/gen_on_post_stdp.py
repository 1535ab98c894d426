"""Brian2 reference: STDP with event-driven traces (examples/synapses/STDP.py
rule), SpikeGeneratorGroup pre -> 2 post neurons driven by a constant input.
Pre neuron 2 is made to spike in the *same step* as post neuron 0 (found by
iterating the run to a fixed point), to pin down the on_pre-before-on_post
order within a step.
Run: /usr/bin/python3 tests/brian2/gen_on_post_stdp.py"""
from _common import *
from brian2 import *
import brian2

NAME = 'on_post_stdp'
MODEL = '''
prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1*ms
taum = 10*ms
taupre = 20*ms
taupost = taupre
Ee = 0*mV
vt = -54*mV
vr = -60*mV
El = -74*mV
taue = 5*ms
gmax = .05
dApre = .05
dApost = -dApre * taupre / taupost * 1.05
dApost *= gmax
dApre *= gmax
eqs_neurons = """
dv/dt = (ge * (Ee-v) + El - v + I) / taum : volt
dge/dt = -ge / taue : 1
I : volt
"""
pre = SpikeGeneratorGroup(3, pre_indices, pre_times)
post = NeuronGroup(2, eqs_neurons, threshold='v>vt', reset='v = vr',
                   method='euler')
post.v = El
post.I = [25, 30]*mV
S = Synapses(pre, post,
             """w : 1
                dApre/dt = -Apre / taupre : 1 (event-driven)
                dApost/dt = -Apost / taupost : 1 (event-driven)""",
             on_pre="""ge += w
                    Apre += dApre
                    w = clip(w + Apost, 0, gmax)""",
             on_post="""Apost += dApost
                     w = clip(w + Apre, 0, gmax)""",
             )
S.connect()   # 6 synapses, index k = 2*i + j (i = pre, j = post)
S.w = '(0.2 + 0.1*i + 0.3*j)*gmax'
mon = StateMonitor(S, ['w', 'Apre', 'Apost'], record=range(6))
vmon = StateMonitor(post, 'v', record=[0, 1])
spk = SpikeMonitor(post)
prespk = SpikeMonitor(pre)
run(100*ms)
'''

# pre spike trains (steps of 0.1 ms): neuron 0 regular, neuron 1 "random"
# (fixed seed), neuron 2 = post neuron 0's spike steps (same step), plus
# a few spikes 1-2 ms before/after.
rng = np.random.RandomState(3)
steps0 = list(range(30, 1000, 70))
steps1 = sorted(rng.choice(np.arange(5, 995), 12, replace=False).tolist())


def run_once(post0_steps):
    steps2 = sorted(set(post0_steps) | {150, 985})
    idx = [0]*len(steps0) + [1]*len(steps1) + [2]*len(steps2)
    st = steps0 + steps1 + steps2
    ns = {'pre_indices': idx, 'pre_times': np.array(st) * 0.1e-3 * brian2.second}
    brian2.start_scope()
    exec('from brian2 import *\n' + prep(MODEL), ns)
    ns['_steps2'] = steps2
    return ns


post0 = []
for it in range(20):
    ns = run_once(post0)
    dt = float(ns['defaultclock'].dt_)
    si = np.asarray(ns['spk'].i[:]); st = np.asarray(ns['spk'].t_[:])
    new = sorted(int(round(t/dt)) for t, k in zip(st, si) if k == 0)
    if new == post0:
        break
    post0 = new
else:
    raise SystemExit('no fixed point')
print('fixed point after', it, 'iterations; post0 steps', post0)

i, s = write_spikes(NAME + '_spikes.csv', ns['spk'], dt)
ii, si_ = write_spikes(NAME + '_input_spikes.csv', ns['prespk'], dt)
cols = [('w', k) for k in range(6)] + [('Apre', 0), ('Apost', 0), ('Apre', 4), ('Apost', 4)]
write_trace(NAME + '_trace.csv', ns['mon'], cols, dt)
write_trace(NAME + '_v_trace.csv', ns['vmon'], [('v', 0), ('v', 1)], dt)
S = ns['S']
final_w = ['%.17g' % x for x in S.w[:]]
c = counts(i, 2); ci = counts(ii, 3)
write_md(NAME, f'''
# {NAME}

STDP rule of Brian2's examples/synapses/STDP.py (event-driven Apre/Apost,
on_pre and on_post; gmax = 0.05, dApre = 0.05*gmax) from a
SpikeGeneratorGroup (3 neurons) onto 2 post neurons with a constant drive I.
Pre neuron 2 spikes exactly in the steps where post neuron 0 spikes (and at
steps 150, 985), so pre and post spikes coincide in one step: Brian2 runs the
pre pathway (order -1) before the post pathway (order +1) in the `synapses`
slot. Brian2 2.5.1, numpy target.

Files: `{NAME}_spikes.csv` post spikes; `{NAME}_input_spikes.csv` pre spikes;
`{NAME}_trace.csv` S.w for synapses 0-5 plus Apre/Apost of synapses 0 and 4
(StateMonitor on S, when='start'; Apre/Apost are event-driven, so the stored
value is the one at the synapse's last update); `{NAME}_v_trace.csv` post.v.
Synapse k = 2*i + j (i pre, j post).

Pre spike steps: neuron 0 {steps0}; neuron 1 {steps1};
neuron 2 {ns['_steps2']} (times = step*0.1 ms).
Spike counts: post {c}, pre {ci}. Final S.w: {final_w}.

`ge += w` in on_pre is the postsynaptic ge (unsuffixed names in synaptic code
resolve to the synapse, then to the post group).

```python
pre_steps = [{steps0}, {steps1}, {ns['_steps2']}]
pre_indices = [k for k in range(3) for _ in pre_steps[k]]
pre_times = array([s for k in range(3) for s in pre_steps[k]])*0.1*ms
{MODEL.strip()}
```
''')
print(NAME, 'spike counts post', c, 'pre', ci)
