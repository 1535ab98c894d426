"""Brian2 reference for tests/conformance/synapses-transmission_scalar_delay_different_clocks_binned:
a generator with dt=0.5*ms bins spikes at 0.3 and 1.2 ms in its own steps.
Run: /usr/bin/python3 tests/conformance/brian2/different_clocks_binned.py"""
from brian2 import *
prefs.codegen.target = 'numpy'
inp = SpikeGeneratorGroup(2, [0, 1], [0.3, 1.2]*ms, dt=0.5*ms)
target = NeuronGroup(2, 'v:1', dt=0.1*ms)
S = Synapses(inp, target, on_pre='v+=1')
S.connect(j='i')
mon = StateMonitor(target, 'v', record=True, when='end')
sm = SpikeMonitor(inp)
run(2*ms)
print(list(mon.v[0]), list(mon.v[1]))
print(list(sm.t/ms))
