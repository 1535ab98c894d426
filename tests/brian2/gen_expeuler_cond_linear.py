"""Brian2 reference: exponential Euler on conditionally linear equations,
whose coefficients depend on the variable itself: the Wang-Buzsaki neuron
(examples/frompapers/Wang_Buszaki_1996.py: m is a subexpression of v) with
three currents, and du/dt = -(u - 1)*(1 + 0.5*tanh(u))/tau.
Run: /usr/bin/python3 tests/brian2/gen_expeuler_cond_linear.py"""
from _common import *
from brian2 import *

NAME = 'feat_expeuler_cond_linear'
MODEL = '''
prefs.codegen.target = 'numpy'
defaultclock.dt = 0.05*ms
Cm = 1*uF
gL = 0.1*msiemens
EL = -65*mV
ENa = 55*mV
EK = -90*mV
gNa = 35*msiemens
gK = 9*msiemens
tau = 10*ms
eqs = """
dv/dt = (-gNa*m**3*h*(v-ENa)-gK*n**4*(v-EK)-gL*(v-EL)+Iapp)/Cm : volt
m = alpha_m/(alpha_m+beta_m) : 1
alpha_m = 0.1/mV*10*mV/exprel(-(v+35*mV)/(10*mV))/ms : Hz
beta_m = 4*exp(-(v+60*mV)/(18*mV))/ms : Hz
dh/dt = 5*(alpha_h*(1-h)-beta_h*h) : 1
alpha_h = 0.07*exp(-(v+58*mV)/(20*mV))/ms : Hz
beta_h = 1./(exp(-0.1/mV*(v+28*mV))+1)/ms : Hz
dn/dt = 5*(alpha_n*(1-n)-beta_n*n) : 1
alpha_n = 0.01/mV*10*mV/exprel(-(v+34*mV)/(10*mV))/ms : Hz
beta_n = 0.125*exp(-(v+44*mV)/(80*mV))/ms : Hz
du/dt = -(u - 1)*(1 + 0.5*tanh(u))/tau : 1
Iapp : amp
"""
neuron = NeuronGroup(3, eqs, threshold='v > -20*mV', refractory=3*ms,
                     method='exponential_euler')
neuron.v = -70*mV
neuron.h = 1
neuron.u = [-2, 0, 3]
neuron.Iapp = [0.5, 1, 2]*uA
mon = StateMonitor(neuron, ['v', 'h', 'n', 'u'], record=[0, 1, 2])
spk = SpikeMonitor(neuron)
run(50*ms)
'''
exec(prep(MODEL))
dt = float(defaultclock.dt_)
i, s = write_spikes(NAME + '_spikes.csv', spk, dt)
write_trace(NAME + '_trace.csv', mon,
            [('v', 0), ('v', 1), ('v', 2), ('h', 2), ('n', 2), ('u', 0), ('u', 1), ('u', 2)], dt)
c = counts(i, 3)
write_md(NAME, f'''
# {NAME}

Exponential Euler on conditionally linear equations (the coefficient of the
variable depends on the variable): the Wang-Buzsaki neuron of Brian2's
examples/frompapers/Wang_Buszaki_1996.py (m is a subexpression of v) with
three currents, threshold `v > -20*mV` with refractory 3 ms (no reset), and
`du/dt = -(u - 1)*(1 + 0.5*tanh(u))/tau`. Brian2 2.5.1, numpy target. Trace:
StateMonitor when='start'. Spike counts per neuron: {c}.

```python
{MODEL.strip()}
```
''')
print(NAME, 'spike counts', c)
