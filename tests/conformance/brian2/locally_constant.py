#!/usr/bin/python3
"""This file runs the model of
tests/conformance/stateupdaters-locally_constant_check_values.snn (the exact
method with a TimedArray of t constant over each step, as Brian2's
test_stateupdaters.py::test_locally_constant_check accepts it) with Brian2
2.5.1 and prints the 'column:' line of its .expect:
    /usr/bin/python3 tests/conformance/brian2/locally_constant.py"""
import warnings

warnings.filterwarnings("ignore")
from brian2 import *

prefs.codegen.target = "numpy"
defaultclock.dt = 0.1 * ms
ta = TimedArray([1000, 3000, -2000, 5000], dt=0.2 * ms)
G = NeuronGroup(1, "dv/dt = -v/(10*ms) + ta(t)*Hz : 1", method="exact")
M = StateMonitor(G, "v", record=0)
run(1 * ms)
print("column: M.csv v_0", " ".join(repr(float(x)) for x in M.v[0]))
