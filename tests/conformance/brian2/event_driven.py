#!/usr/bin/python3
"""This file runs the model of Brian2's test_synapses.py::test_event_driven
(pair-based STDP written with event-driven equations, S1, and by hand with
lastupdate, S2) with Brian2 2.5.1 and prints the final weights as the
'column:' lines of tests/conformance/synapses-event_driven.expect:
    /usr/bin/python3 tests/conformance/brian2/event_driven.py
Brian2's test asserts S1.w == S2.w; these are the values both must have."""
import warnings

warnings.filterwarnings("ignore")
from brian2 import *

prefs.codegen.target = "numpy"
defaultclock.dt = 0.1 * ms
pre = NeuronGroup(2, "dv/dt = rate : 1\nrate : Hz", threshold="v>1", reset="v=0")
pre.rate = [1000, 1500] * Hz
post = NeuronGroup(2, "dv/dt = rate : 1\nrate : Hz", threshold="v>1", reset="v=0")
post.rate = [1100, 1400] * Hz
taupre = 20 * ms
taupost = taupre
gmax = 0.01
dApre = 0.01
dApost = -dApre * taupre / taupost * 1.05
dApost *= gmax
dApre *= gmax
S1 = Synapses(pre, post, """w : 1
    dApre/dt = -Apre/taupre : 1 (event-driven)
    dApost/dt = -Apost/taupost : 1 (event-driven)""",
              on_pre="Apre += dApre\nw = clip(w+Apost, 0, gmax)",
              on_post="Apost += dApost\nw = clip(w+Apre, 0, gmax)")
S1.connect(j="i")
S2 = Synapses(pre, post, "w : 1\nApre : 1\nApost : 1\nlastupdate : second",
              on_pre="""Apre=Apre*exp((lastupdate-t)/taupre)+dApre
    Apost=Apost*exp((lastupdate-t)/taupost)
    w = clip(w+Apost, 0, gmax)
    lastupdate = t""",
              on_post="""Apre=Apre*exp((lastupdate-t)/taupre)
    Apost=Apost*exp((lastupdate-t)/taupost) +dApost
    w = clip(w+Apre, 0, gmax)
    lastupdate = t""")
S2.connect(j="i")
S1.w = 0.5 * gmax
S2.w = 0.5 * gmax
run(25 * ms)
assert np.allclose(S1.w[:], S2.w[:])
print("column: S1.state.csv w " + " ".join("%.17g" % x for x in S1.w[:]))
print("column: S2.state.csv w " + " ".join("%.17g" % x for x in S2.w[:]))
