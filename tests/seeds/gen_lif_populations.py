#!/usr/bin/env python3
"""Seed 002 ("Weights and Connections"): LIF populations with lowpass synapses.

The seed's code, verbatim below (only indentation restored), is run once; this
script then writes
  * the random draws the seed makes (gains, biases, encoders of both
    populations and the 50x40 weight matrix) beside the model,
    examples/seeds/lif_populations_{a,b,weights}.csv, which the model loads, and
  * the spikes of both populations, tests/data/seeds/lif_populations_spikes_{a,b}.csv
    (columns i,step), which tests/test-seeds.c compares with snnc's.

Run from the repository root:  /usr/bin/python3 tests/seeds/gen_lif_populations.py
"""
import os
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# ---------------------------------------------------------------- seed code
np.random.seed(1) # Set random seed for reproducibility
class LIFCollection:
    def __init__(self, n=1, dim=1, tau_rc=0.02, tau_ref=0.002, v_th=1,
                 max_rates=[200, 400], intercept_range=[-1, 1], t_step=0.001, v_init = 0):
        self.n = n
        # Set neuron parameters
        self.dim = dim # Dimensionality of the input
        self.tau_rc = tau_rc # Membrane time constant
        self.tau_ref = tau_ref # Refractory period
        self.v_th = np.ones(n) * v_th # Threshold voltage for spiking
        self.t_step = t_step # Time step for simulation
        # Initialize state variables
        self.voltage = np.ones(n) * v_init # Initial voltage of neurons
        self.refractory_time = np.zeros(n) # Time remaining in refractory period
        self.output = np.zeros(n) # Output spikes
        # Generate random max rates and intercepts within the given range
        max_rates_tensor = np.random.uniform(max_rates[0], max_rates[1], n)
        intercepts_tensor = np.random.uniform(intercept_range[0], intercept_range[1], n)
        # Calculate gain and bias for each neuron
        self.gain = self.v_th * (1 - 1 / (1 - np.exp((self.tau_ref - 1/max_rates_tensor) / self.tau_rc))) / (intercepts_tensor - 1)
        self.bias = np.expand_dims(self.v_th - self.gain * intercepts_tensor, axis=1)
        # Initialize random encoders
        self.encoders = np.random.randn(n, self.dim)
        self.encoders /= np.linalg.norm(self.encoders, axis=1)[:, np.newaxis]
    def reset(self):
        # Reset the state variables to initial conditions
        self.voltage = np.zeros(self.n)
        self.refractory_time = np.zeros(self.n)
        self.output = np.zeros(self.n)
    def step(self, inputs):
        dt = self.t_step # Time step
        # Update refractory time
        self.refractory_time -= dt
        delta_t = np.clip(dt - self.refractory_time, 0, dt) # ensure between 0 and dt
        # Calculate input current
        I = np.sum(self.bias + inputs * self.encoders * self.gain[:, np.newaxis], axis=1)
        # Update membrane potential
        self.voltage = I + (self.voltage - I) * np.exp(-delta_t / self.tau_rc)
        # Determine which neurons spike
        spike_mask = self.voltage > self.v_th
        self.output[:] = spike_mask / dt # Record spikes in output
        # Calculate the time of the spike
        t_spike = self.tau_rc * np.log((self.voltage[spike_mask] - I[spike_mask]) / (self.v_th[spike_mask] - I[spike_mask])) + dt
        # Reset voltage of spiking neurons
        self.voltage[spike_mask] = 0
        # Set refractory time for spiking neurons
        self.refractory_time[spike_mask] = self.tau_ref + t_spike
        return self.output # Return the output spikes
class SynapseCollection:
    def __init__(self, n=1, tau_s=0.05, t_step=0.001):
        self.n = n
        self.a = np.exp(-t_step / tau_s) # Decay factor for synaptic current
        self.b = 1 - self.a # Scale factor for input current
        self.voltage = np.zeros(n) # Initial voltage of neurons
    def step(self, inputs):
        self.voltage = self.a * self.voltage + self.b * inputs
        return self.voltage
t_step = 0.001
neurons_a = LIFCollection(n=50, tau_rc=0.02, tau_ref=0.002, t_step=t_step)
synapses_a = SynapseCollection(n=neurons_a.n, tau_s=0.1, t_step=t_step)
neurons_b = LIFCollection(n=40, tau_rc=0.02, tau_ref=0.002, t_step=t_step)
synapses_b = SynapseCollection(n=neurons_b.n, tau_s=0.1, t_step=t_step)
weights = np.random.randn(neurons_a.n, neurons_b.n)
outp = []
def step(inp):
    a = neurons_a.step(inp)
    b = synapses_a.step(a)
    bw = b @ weights
    c = neurons_b.step(bw)
    d = synapses_b.step(c)
    return (a, b, bw, c, d)
T = 10
times = np.arange(0, T, t_step)
def inp(t):
    return np.sin(t)
for t in times:
    outp.append(step(inp(t)))
    # (added) the neurons return their own output array, which the next step
    # overwrites in place, so outp holds the last step's spikes only: keep a copy
    outp[-1] = tuple(np.array(x, copy=True) for x in outp[-1])

# ---------------------------------------------------------------- outputs
def write_params(path, pop):
    with open(path, "w") as f:
        f.write("gain,bias,encoder\n")
        for k in range(pop.n):
            f.write("%.17g,%.17g,%.17g\n" % (pop.gain[k], pop.bias[k, 0], pop.encoders[k, 0]))

def write_spikes(path, which):
    with open(path, "w") as f:
        f.write("i,step\n")
        for s, o in enumerate(outp):
            for k in np.flatnonzero(o[which]):
                f.write("%d,%d\n" % (k, s))

ex = os.path.join(ROOT, "examples", "seeds")
data = os.path.join(ROOT, "tests", "data", "seeds")
write_params(os.path.join(ex, "lif_populations_a.csv"), neurons_a)
write_params(os.path.join(ex, "lif_populations_b.csv"), neurons_b)
with open(os.path.join(ex, "lif_populations_weights.csv"), "w") as f:
    f.write("i,j,w\n")          # synapse order of connect(): i major, j minor
    for i in range(neurons_a.n):
        for j in range(neurons_b.n):
            f.write("%d,%d,%.17g\n" % (i, j, weights[i, j]))
write_spikes(os.path.join(data, "lif_populations_spikes_a.csv"), 0)
write_spikes(os.path.join(data, "lif_populations_spikes_b.csv"), 3)
A = np.array([o[0] for o in outp]) > 0
B = np.array([o[3] for o in outp]) > 0
print("steps:", len(times), " spikes A:", A.sum(), " B:", B.sum())
print("B spikes per neuron:", B.sum(axis=0))
