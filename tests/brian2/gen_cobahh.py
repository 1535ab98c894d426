"""Brian2 reference: the COBAHH example neuron (examples/COBAHH.py) without
synapses, with a constant input current I and ge/gi decaying from nonzero
initial values; method exponential_euler.
Run: /usr/bin/python3 tests/brian2/gen_cobahh.py"""
from _common import *
from brian2 import *

NAME = 'cobahh'
MODEL = '''
prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1*ms
# Parameters (as in examples/COBAHH.py)
area = 20000*umetre**2
Cm = (1*ufarad*cm**-2) * area
gl = (5e-5*siemens*cm**-2) * area
El = -60*mV
EK = -90*mV
ENa = 50*mV
g_na = (100*msiemens*cm**-2) * area
g_kd = (30*msiemens*cm**-2) * area
VT = -63*mV
taue = 5*ms
taui = 10*ms
Ee = 0*mV
Ei = -80*mV
eqs = Equations("""
dv/dt = (gl*(El-v)+ge*(Ee-v)+gi*(Ei-v)-
         g_na*(m*m*m)*h*(v-ENa)-
         g_kd*(n*n*n*n)*(v-EK) + I)/Cm : volt
dm/dt = alpha_m*(1-m)-beta_m*m : 1
dn/dt = alpha_n*(1-n)-beta_n*n : 1
dh/dt = alpha_h*(1-h)-beta_h*h : 1
dge/dt = -ge*(1./taue) : siemens
dgi/dt = -gi*(1./taui) : siemens
alpha_m = 0.32*(mV**-1)*4*mV/exprel((13*mV-v+VT)/(4*mV))/ms : Hz
beta_m = 0.28*(mV**-1)*5*mV/exprel((v-VT-40*mV)/(5*mV))/ms : Hz
alpha_h = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
beta_h = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
alpha_n = 0.032*(mV**-1)*5*mV/exprel((15*mV-v+VT)/(5*mV))/ms : Hz
beta_n = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
I : amp
""")
P = NeuronGroup(4, model=eqs, threshold='v>-20*mV', refractory=3*ms,
                method='exponential_euler')
# m, n, h start at 0 (Brian2's default, as in the example)
P.v = El
P.I = [0, 0.2, 0.5, 1.0]*nA
P.ge = [40, 0, 20, 10]*nS
P.gi = [0, 200, 50, 100]*nS
mon = StateMonitor(P, ['v', 'm', 'n', 'h', 'ge', 'gi'], record=[0, 1, 2, 3])
spk = SpikeMonitor(P)
run(100*ms)
'''
exec(prep(MODEL))
dt = float(defaultclock.dt_)
i, s = write_spikes(NAME + '_spikes.csv', spk, dt)
write_trace(NAME + '_trace.csv', mon,
            [('v', 0), ('v', 1), ('v', 2), ('v', 3),
             ('m', 3), ('n', 3), ('h', 3), ('ge', 3), ('gi', 3)], dt)
c = counts(i, 4)
write_md(NAME, f'''
# {NAME}

COBAHH example neuron (Brian2 examples/COBAHH.py) without synapses, plus a
constant current `I : amp`; ge/gi decay from nonzero initial values. No reset:
threshold `v>-20*mV` with refractory 3 ms (only blocks re-detection; no
`(unless refractory)` variable). Brian2 2.5.1, numpy target. Trace:
StateMonitor when='start'. Spike counts per neuron: {c}.

```python
{MODEL.strip()}
```
''')
print(NAME, 'spike counts', c)
