"""Brian2 reference: objects on clocks of their own (dt=), scheduled by
Brian2's Network among several clocks: a slow group (dt=0.5 ms) with
refractoriness driving a group on the default clock (0.1 ms) through
synapses with a delay (a pathway runs on its source's clock, and its delay
is rounded to that clock's steps), synapses with dt=0.2 ms (whose pathway
still runs on its source's clock), state monitors on their source's clock
and one with its own dt, spike monitors on the source's clock.
Run: /usr/bin/python3 tests/brian2/gen_clocks.py"""
from _common import *
from brian2 import *

NAME = 'clocks'
MODEL = '''
prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1*ms
G = NeuronGroup(3, """dv/dt = (I - v)/(10*ms) : 1 (unless refractory)
                      I : 1""",
                threshold='v > 1', reset='v = 0', refractory=2*ms, method='exact', dt=0.5*ms)
G.I = [1.5, 2.2, 3.1]
H = NeuronGroup(3, 'dv/dt = -v/(5*ms) : 1', threshold='v > 0.5', reset='v = 0', method='euler')
S = Synapses(G, H, on_pre='v_post += 0.6', delay=1*ms)
S.connect(j='i')
S2 = Synapses(H, G, on_pre='v_post += 0.2', dt=0.2*ms)
S2.connect(j='i')
MG = StateMonitor(G, 'v', record=True)
MH = StateMonitor(H, 'v', record=True)
MH2 = StateMonitor(H, 'v', record=[0], dt=0.3*ms)
SG = SpikeMonitor(G)
SH = SpikeMonitor(H)
run(40*ms)
'''
exec(prep(MODEL))
dt = float(defaultclock.dt_)
write_spikes(NAME + '_g_spikes.csv', SG, dt)
write_spikes(NAME + '_h_spikes.csv', SH, dt)
write_trace(NAME + '_g_trace.csv', MG, [('v', k) for k in range(3)], dt)
write_trace(NAME + '_h_trace.csv', MH, [('v', k) for k in range(3)], dt)
write_trace(NAME + '_h2_trace.csv', MH2, [('v', 0)], dt)
write_md(NAME, f"""
# {NAME}

Several clocks in Brian2 2.5.1 (numpy target): G on dt=0.5 ms, H on the
default 0.1 ms, S (G -> H, delay 1 ms: its pathway runs on G's clock), S2
(H -> G) with dt=0.2 ms (its pathway runs on H's clock).  Steps in the files are of 0.1 ms.  `{NAME}_g_spikes.csv`,
`{NAME}_h_spikes.csv`: the spike monitors (each on its source's clock);
`{NAME}_g_trace.csv` (every 0.5 ms), `{NAME}_h_trace.csv` (every 0.1 ms),
`{NAME}_h2_trace.csv` (H.v[0] with its own dt=0.3 ms).

```python
{MODEL}
```
""")
print(len(SG.i), 'G spikes', len(SH.i), 'H spikes', len(MG.t), len(MH2.t))
