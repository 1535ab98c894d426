"""Brian2 references for the equation-language features (small models, one
per feature group); the snnc versions are tests/features/<name>.snn and
tests/test-brian2-neurons.c compares them.
Run: /usr/bin/python3 tests/brian2/gen_features.py"""
from _common import *
from brian2 import *

MODELS = {}

# Subexpressions used by other equations, the threshold, the reset (after
# the reset changed v) and a monitor; an equation over two lines; units
# after ':' (Brian2 wants base units there; snnc takes any); integer and boolean variables; i.
MODELS['feat_subexpr'] = ('''
prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1*ms
tau = 10*ms
Rm = 10*Mohm
eqs = """
dv/dt = (vrest - v +
         Rm*Itot)/tau : volt
Itot = I + Ia : amp
Ia = 0.5*nA/(1 + exp(-(v/mV + 55))) : amp
vrest = -65*mV : volt
vt = -50*mV + 2*mV*i : volt
I : amp
cnt : integer
big : boolean
"""
G = NeuronGroup(3, eqs, threshold='v > vt',
                reset='v = vrest - 5*mV; cnt += 1; big = Itot > 1.7*nA',
                method='euler')
G.v = -65*mV
G.I = [1.6, 1.8, 2.5]*nA
mon = StateMonitor(G, ['v', 'Itot', 'cnt', 'big'], record=True)
spk = SpikeMonitor(G)
run(60*ms)
''', [('v', 0), ('v', 1), ('v', 2), ('Itot', 0), ('Itot', 1), ('Itot', 2), ('cnt', 2), ('big', 0), ('big', 2)], 3)

# A (constant over dt) input computed once per step (rk4 would otherwise
# evaluate it at t + dt/2), shared variables, per-neuron refractory
# periods given as an expression, lastspike and not_refractory in
# equations and subexpressions.
MODELS['feat_const_over_dt'] = ('''
prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1*ms
El = -65*mV
R = 10*Mohm
tau = 10*ms
eqs = """
dv/dt = (El - v + R*Iin)/tau : volt (unless refractory)
Iin = Iamp*int(t > 5*ms) + 0.5*nA*sin(2*pi*t/(3*ms)) : amp (constant over dt)
Iamp : amp (shared)
gain = 2*Iamp/nA : 1 (shared)
dx/dt = (gain*int(not_refractory) - x)/(5*ms) : 1
since = t - lastspike : second
tref : second
"""
G = NeuronGroup(3, eqs, threshold='v > -50*mV', reset='v = El',
                refractory='tref + 0.5*ms', method='rk4')
G.v = El
G.Iamp = 2.2*nA
G.tref = [1, 3, 5]*ms
mon = StateMonitor(G, ['v', 'x', 'Iin', 'since'], record=True)
spk = SpikeMonitor(G)
run(60*ms)
''', [('v', 0), ('v', 1), ('v', 2), ('x', 0), ('x', 2), ('Iin', 0), ('since', 0), ('since', 2)], 3)

# Every built-in function and operator, with their unit rules.
MODELS['feat_functions'] = ('''
prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1*ms
eqs = """
dv/dt = (f*mV - v)/(5*ms) : volt
u = 2*sin(2*pi*t/(20*ms) + 0.1) + 0.3*i : 1
f = (sqrt(abs(u)) + exp(-u**2) + log(1 + u**2) + log10(2.5 + u) + cos(u) + tan(u/10)
     + sinh(u/4) + cosh(u/4) + tanh(u) + arcsin(u/5) + arccos(u/5) + arctan(u)
     + sign(u) + floor(u) + ceil(u) + clip(u, -1, 1) + int(u*3) + u % 0.7 + u // 0.3
     + expm1(u/4) + log1p(u**2) + exprel(u) + int(u > 0.5 and u < 2 or not u > -1)) : 1
q = clip(v, -2*mV, 3*mV) + abs(v)*0.5 + sqrt(a2) * 1*volt/metre + floor(v*100)/100 : volt
a2 : metre**2
"""
G = NeuronGroup(4, eqs, threshold='v > 1*volt', method='euler')
G.a2 = [1, 4, 9, 16]*mmetre**2
mon = StateMonitor(G, ['v', 'f', 'q'], record=True)
spk = SpikeMonitor(G)
run(40*ms)
''', [('v', 0), ('v', 1), ('v', 2), ('v', 3), ('f', 0), ('f', 3), ('q', 1), ('q', 3)], 4)

for NAME, (MODEL, cols, n) in MODELS.items():
    exec(prep(MODEL))
    dt = float(defaultclock.dt_)
    i, s = write_spikes(NAME + '_spikes.csv', spk, dt)
    write_trace(NAME + '_trace.csv', mon, cols, dt)
    c = counts(i, n)
    write_md(NAME, f'''
# {NAME}

Brian2 2.5.1, numpy target. Trace: StateMonitor when='start'. Spike counts
per neuron: {c}. The snnc model is tests/features/{NAME}.snn.

```python
{MODEL.strip()}
```
''')
    print(NAME, 'spike counts', c)
    start_scope()
