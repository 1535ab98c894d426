# SPDX-License-Identifier: MIT
"""This file contains an f-I curve: the firing rate of a leaky
integrate-and-fire neuron for 100 input currents, in one process.  The
network is compiled once; each value is a restore of the initial state and
a change of a constant, no recompiling.  Run: python3 examples/python/fi_curve.py"""
import time

import numpy as np

import snnc

net = snnc.Network()
net.add_const("tau", "10*ms")
net.add_const("R", "100*Mohm")
net.add_const("I0", "0*nA")
net.add_neurons("G", 1, model="dv/dt = (-(v + 70*mV) + R*I0)/tau : volt",
                threshold="v > -50*mV", reset="v = -70*mV", refractory="2*ms", method="exact")
net.set_item("G", "init", "v = -70*mV")
net.spike_monitor("SM", "G")
net.build()
net.store()

currents = np.linspace(0, 1e-9, 100)          # 0 .. 1 nA
rates = np.empty_like(currents)
t0 = time.perf_counter()
for k, current in enumerate(currents):
    net.restore()
    net.const["I0"] = current
    net.run(1.0)
    rates[k] = net["SM"].num_spikes / 1.0
per_run = (time.perf_counter() - t0) / len(currents)

print("rheobase about %.3f nA" % (currents[np.argmax(rates > 0)] * 1e9))
for k in range(0, 100, 11):
    print("I = %.3f nA  rate = %5.1f Hz" % (currents[k] * 1e9, rates[k]))
print("%.2f ms per run of 1 s (10,000 steps)" % (per_run * 1e3))
