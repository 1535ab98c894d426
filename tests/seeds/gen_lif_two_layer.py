#!/usr/bin/env python3
"""Seed 004 ("SNN_0"): a two-layer feed-forward network of LIF neurons.

The seed is a notebook; its code is below as the notebook has it (the
LIFNeuron class, create_neurons, the stimulus loop and the layer sum), with
two changes: the offsets come from random.Random(SEED) instead of the
unseeded random module, and layer 1's neuron is made with LIFNeuron (the
notebook's 'Neuron(debug=False)' names a class it never defines).  The
"Save state" lines at the end of spike_generator are missing from the
extracted notebook text; they are restored from the notebook's own source
(they are what makes neurons[1][0].time 4002 long, as the notebook prints).

Writes
  examples/seeds/lif_two_layer_offsets.csv   the 100 stimulus offsets (steps)
  tests/data/seeds/lif_two_layer_spikes_0.csv spikes of layer 0 (i,step)
  tests/data/seeds/lif_two_layer_spikes_1.csv spikes of layer 1's neuron (i,step)
  tests/data/seeds/lif_two_layer_layer_spikes.txt  print(layer_spikes[0:200])

Run from the repository root:  /usr/bin/python3 tests/seeds/gen_lif_two_layer.py
"""
import os
import random
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEED = 4
rnd = random.Random(SEED)

# ---------------------------------------------------------------- seed code
T = 50  # total time to sumulate (msec)
dt = 0.0125  # Simulation timestep
time = int(T / dt)
inpt = 1.0  # Neuron input voltage
neuron_input=np.full((time),inpt)
num_layers = 2
num_neurons = 100


class LIFNeuron():
    def __init__(self, debug=True):
        # Simulation config (may not all be needed!!)
        self.dt       = 0.125       # simulation time step
        self.t_rest   = 0           # initial refractory time

        #LIF Properties
        self.Vm       = np.array([0])    # Neuron potential (mV)
        self.time     = np.array([0])    # Time duration for the neuron (needed?)
        self.spikes   = np.array([0])    # Output (spikes) for the neuron

        #self.output   = 0                # Neuron output
        self.t        = 0                # Neuron time step
        self.Rm       = 1                # Resistance (kOhm)
        self.Cm       = 10               # Capacitance (uF)
        self.tau_m    = self.Rm * self.Cm  # Time constant
        self.tau_ref  = 4                # refractory period (ms)
        self.Vth      = 0.75             # = 1  #spike threshold
        self.V_spike  = 1                # spike delta (V)
        self.type     = 'Leaky Integrate and Fire'
        self.debug    = debug
        if self.debug:
            print ('LIFNeuron(): Created {} neuron starting at time {}'.format(self.type, self.t))

    def spike_generator(self, neuron_input):
        # Create local arrays for this run
        duration = len(neuron_input)
        Vm = np.zeros(duration)  #len(time)) # potential (V) trace over time
        time = np.arange(self.t, self.t+duration)
        spikes = np.zeros(duration)  #len(time))

        # Seed the new array with previous value of last run
        Vm[-1] = self.Vm[-1]

        for i in range(duration):
            if self.t > self.t_rest:
                Vm[i]=Vm[i-1] + (-Vm[i-1] + neuron_input[i-1]*self.Rm) / self.tau_m * self.dt

                if Vm[i] >= self.Vth:
                    spikes[i] += self.V_spike
                    self.t_rest = self.t + self.tau_ref

            self.t += self.dt

        # Save state
        self.Vm = np.append(self.Vm, Vm)
        self.spikes = np.append(self.spikes, spikes)
        self.time = np.append(self.time, time)


def create_neurons(num_layers, num_neurons, debug=True):
    neurons = []
    for layer in range(num_layers):
        neuron_layer = []
        for count in range(num_neurons):
            neuron_layer.append(LIFNeuron(debug=debug))
        neurons.append(neuron_layer)
    return neurons


neurons = create_neurons(num_layers, num_neurons, debug=False)
offsets = []
stimulus_len = len(neuron_input)
layer = 0
for neuron in range(num_neurons):
    offset = rnd.randint(0,100)  # Simulates stimulus starting at different times
    offsets.append(offset)
    stimulus = np.zeros_like(neuron_input)
    stimulus[offset:stimulus_len] = neuron_input[0:stimulus_len - offset]
    neurons[layer][neuron].spike_generator(stimulus)

layer = 0
layer_spikes = np.zeros_like(neurons[layer][0].spikes)
for i in range(num_neurons):
    layer_spikes += neurons[layer][i].spikes

neurons[1][0] = LIFNeuron(debug=False)   # the notebook: Neuron(debug=False)
neurons[1][0].spike_generator(layer_spikes)
print('Rendering neurons[1][0] over the time period {}:{}'.format(0, len(neurons[1][0].time)))

# ---------------------------------------------------------------- outputs
# a neuron's arrays start with the initial state [0]: entry k + 1 is step k
ex = os.path.join(ROOT, "examples", "seeds")
data = os.path.join(ROOT, "tests", "data", "seeds")
with open(os.path.join(ex, "lif_two_layer_offsets.csv"), "w") as f:
    f.write("offset\n")
    for o in offsets:
        f.write("%d\n" % o)
with open(os.path.join(data, "lif_two_layer_spikes_0.csv"), "w") as f:
    f.write("i,step\n")
    for k in range(time):
        for n in range(num_neurons):
            if neurons[0][n].spikes[k + 1]:
                f.write("%d,%d\n" % (n, k))
s1 = neurons[1][0].spikes[1:]
with open(os.path.join(data, "lif_two_layer_spikes_1.csv"), "w") as f:
    f.write("i,step\n")
    for k in np.flatnonzero(s1):
        f.write("0,%d\n" % k)
with open(os.path.join(data, "lif_two_layer_layer_spikes.txt"), "w") as f:
    f.write(str(layer_spikes[0:200]) + "\n")
print("layer 0: %d spikes, layer 1: %d spikes in %d steps" % (layer_spikes.sum(), s1.sum(), len(s1)))
print(layer_spikes[0:200])
