"""Brian2 reference: AdEx (Brette & Gerstner 2005, examples/frompapers/
Brette_Gerstner_2005.py), method euler, 3 neurons with different I.
Run: /usr/bin/python3 tests/brian2/gen_adex.py"""
from _common import *
from brian2 import *

NAME = 'adex'
MODEL = '''
prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1*ms
C = 281 * pF
gL = 30 * nS
taum = C / gL
EL = -70.6 * mV
VT = -50.4 * mV
DeltaT = 2 * mV
Vcut = VT + 5 * DeltaT
tauw, a, b, Vr = 144*ms, 4*nS, 0.0805*nA, -70.6*mV  # regular spiking
eqs = """
dvm/dt = (gL*(EL - vm) + gL*DeltaT*exp((vm - VT)/DeltaT) + I - w)/C : volt
dw/dt = (a*(vm - EL) - w)/tauw : amp
I : amp
"""
neuron = NeuronGroup(3, model=eqs, threshold='vm>Vcut',
                     reset="vm=Vr; w+=b", method='euler')
neuron.vm = EL
neuron.I = [0.7, 1.0, 2.0]*nA
mon = StateMonitor(neuron, ['vm', 'w'], record=[0, 1, 2])
spk = SpikeMonitor(neuron)
run(150*ms)
'''
exec(prep(MODEL))
dt = float(defaultclock.dt_)
i, s = write_spikes(NAME + '_spikes.csv', spk, dt)
write_trace(NAME + '_trace.csv', mon,
            [('vm', 0), ('vm', 1), ('vm', 2), ('w', 0), ('w', 1), ('w', 2)], dt)
c = counts(i, 3)
write_md(NAME, f'''
# {NAME}

AdEx (Brette & Gerstner 2005), parameters of Brian2's
examples/frompapers/Brette_Gerstner_2005.py (regular spiking), method euler,
no refractoriness. Brian2 2.5.1, numpy target. Trace: StateMonitor
when='start'. Spike counts per neuron: {c}.

```python
{MODEL.strip()}
```
''')
print(NAME, 'spike counts', c)
