"""Brian2 reference: SpikeGeneratorGroup (several neurons spiking in the same
step, a few times off the dt grid) driving a LIF group through on_pre.
Run: /usr/bin/python3 tests/brian2/gen_spikegen.py"""
from _common import *
from brian2 import *

NAME = 'spikegen'
MODEL = '''
prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1*ms
indices = [0, 1, 2, 3, 4,  0, 2, 4,  1, 3,  0, 1, 2,  4,    3,     0,    2,    1,  0, 1, 2, 3, 4]
times = [2, 2, 2, 2, 2,  5, 5, 5,  7.5, 7.5,  10, 10, 10,  12.35, 12.349, 15.05, 15.04, 20.0999,
         30, 30, 30, 30, 30]*ms
inp = SpikeGeneratorGroup(5, indices, times)
G = NeuronGroup(2, 'dv/dt = (-70*mV - v)/(10*ms) : volt',
                threshold='v > -60*mV', reset='v = -75*mV', method='exact')
G.v = -70*mV
S = Synapses(inp, G, 'w : volt', on_pre='v_post += w')
S.connect()   # 10 synapses, k = 2*i + j
S.w = '(1 + i)*(1 + j)*mV'
mon = StateMonitor(G, 'v', record=[0, 1])
spk = SpikeMonitor(inp)
gspk = SpikeMonitor(G)
run(40*ms)
'''
exec(prep(MODEL))
dt = float(defaultclock.dt_)
i, s = write_spikes(NAME + '_spikes.csv', spk, dt)
gi, gs = write_spikes(NAME + '_target_spikes.csv', gspk, dt)
write_trace(NAME + '_trace.csv', mon, [('v', 0), ('v', 1)], dt)
c = counts(i, 5); gc = counts(gi, 2)
rows = ' '.join(f'({a},{b})' for a, b in zip(i, s))
write_md(NAME, f'''
# {NAME}

SpikeGeneratorGroup of 5 neurons, several neurons spiking in the same step,
feeding a 2-neuron LIF group via on_pre 'v_post += w' (no delay). Brian2 2.5.1,
numpy target. Files: `{NAME}_spikes.csv` = generator spikes (i,step),
`{NAME}_target_spikes.csv` = spikes of G, `{NAME}_trace.csv` = G.v
(StateMonitor when='start').

A few times are off the 0.1 ms grid (12.35, 12.349, 15.05, 15.04, 20.0999 ms):
Brian2 puts a generator spike at time t into step
`int((t + 1e-3*dt)/dt)` (floor after a tiny forward shift; see
brian2/input/spikegeneratorgroup.py before_run), and two spikes of the same
neuron in one step are an error. Within a step the generator emits its spikes
in the order of (exact time, index) (the spike list is lexsorted by time, then
index), which is the order SpikeMonitor stores and this CSV keeps: at step
150 neuron 2 (15.04 ms) comes before neuron 0 (15.05 ms). 20.0999 ms lands in
step 201 only because of the 1e-3*dt shift (float64: (0.0200999 + 1e-7)/1e-4).
Resulting (i,step): {rows}.
Spike counts: generator {c}, G {gc}.

```python
{MODEL.strip()}
```
''')
print(NAME, 'spike counts gen', c, 'G', gc)
print(rows)
