"""Brian2 reference: custom events (events=, run_on_event), synapses triggered
by an event (on_event) with a delay, two named pathways in Brian2's dict
spelling (on_pre={'up': ..., 'down': ...}, delay={...}, on_event={...}),
EventMonitor and SpikeMonitor recording variables, and SpikeMonitor(record=
False).count.  Deterministic (numpy target, no randomness).
Run: /usr/bin/python3 tests/brian2/gen_events.py"""
from _common import *
from brian2 import *

NAME = 'events'
MODEL = '''
prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1*ms
G = NeuronGroup(4, """dv/dt = (I - v)/(10*ms) : 1
                      I : 1
                      c : 1
                      above : boolean""",
                threshold='v > 1', reset='v = 0',
                events={'crossing': 'v > 0.6 and not above', 'below': 'v < 0.6 and above'},
                method='exact')
G.run_on_event('crossing', 'above = True\\nc += 1')
G.run_on_event('below', 'above = False')
G.I = [2, 1.5, 1.2, 0.8]
H = NeuronGroup(4, 'x : 1')
S = Synapses(G, H, 'w : 1', on_pre='x_post += w', on_event={'pre': 'crossing'}, delay=0.5*ms)
S.connect(j='i')
S.w = 'i + 1'
P = Synapses(G, H, on_pre={'up': 'x_post += 10', 'down': 'x_post -= 3'},
             delay={'up': 1*ms, 'down': 0.3*ms}, on_event={'up': 'crossing', 'down': 'below'})
P.connect(j='3 - i')
EM = EventMonitor(G, 'crossing', variables=['v', 'c'])
BM = EventMonitor(G, 'below')
SM = SpikeMonitor(G, variables=['v', 'c'])
SC = SpikeMonitor(G, record=False)
M = StateMonitor(H, 'x', record=True)
MG = StateMonitor(G, ['v', 'c'], record=[0, 2])
run(30*ms)
'''
exec(prep(MODEL))
dt = float(defaultclock.dt_)


def write_events(fname, mon, names):
    steps = [int(round(x / dt)) for x in mon.t_[:]]
    with open(os.path.join(OUT, fname), 'w') as f:
        f.write(','.join(['i', 'step'] + names) + '\n')
        cols = [np.asarray(getattr(mon, n)[:], dtype=float) for n in names]
        for k in range(len(steps)):
            f.write(','.join([str(int(mon.i[k])), str(steps[k])] + ['%.17g' % c[k] for c in cols]) + '\n')


write_events(NAME + '_em.csv', EM, ['v', 'c'])
write_events(NAME + '_below.csv', BM, [])
write_events(NAME + '_sm.csv', SM, ['v', 'c'])
with open(os.path.join(OUT, NAME + '_count.csv'), 'w') as f:
    f.write('i,count\n')
    for k, c in enumerate(SC.count[:]):
        f.write(f'{k},{int(c)}\n')
write_trace(NAME + '_trace.csv', M, [('x', k) for k in range(4)], dt)
write_trace(NAME + '_gtrace.csv', MG, [('v', 0), ('v', 1), ('c', 0), ('c', 1)], dt)
write_md(NAME, f"""
# {NAME}

Custom events in Brian2 2.5.1 (numpy target): G has events 'crossing'
(v > 0.6 and not above) and 'below' (v < 0.6 and above), checked after the
thresholds; run_on_event sets 'above' (after the resets).  S (G -> H) is
triggered by 'crossing' with a 0.5 ms delay; P has two pathways written
Brian2's way, on_pre={{'up': ..., 'down': ...}}, delay={{'up': 1*ms, 'down':
0.3*ms}}, on_event={{'up': 'crossing', 'down': 'below'}}.

Files: `{NAME}_em.csv` (EventMonitor of 'crossing' with v and c: i,step,v,c),
`{NAME}_below.csv` (EventMonitor of 'below'), `{NAME}_sm.csv` (SpikeMonitor
with variables v and c), `{NAME}_count.csv` (SpikeMonitor(record=False).count),
`{NAME}_trace.csv` (H.x), `{NAME}_gtrace.csv` (G.v and G.c of neurons 0 and 2).

```python
{MODEL}
```
""")
print('crossing events', len(EM.i), 'below', len(BM.i), 'spikes', len(SM.i), 'count', list(SC.count[:]))
