#!/usr/bin/python3
"""This file runs the behavioural form of Brian2's test_synapses.py::test_clocks
(tests/conformance/synapses-clocks.snn) with Brian2 2.5.1 and prints the
'column:' lines of tests/conformance/synapses-clocks.expect:
    /usr/bin/python3 tests/conformance/brian2/clocks.py
Brian2's test asserts that the pre pathway runs on the source's clock
(0.05 ms), the post pathway on the target's (0.1 ms) and the synapses' own
state update on theirs (0.2 ms); here each pathway counts its runs and a
clock-driven dc/dt = c/ms (euler) shows the synapses' step."""
import warnings

warnings.filterwarnings("ignore")
from brian2 import *

prefs.codegen.target = "numpy"
source = NeuronGroup(1, "v:1", dt=0.05 * ms, threshold="True")
target = NeuronGroup(1, "v:1", dt=0.1 * ms, threshold="True")
synapse = Synapses(source, target, """npre : 1
                   npost : 1
                   dc/dt = c/ms : 1 (clock-driven)""",
                   on_pre="npre += 1", on_post="npost += 1", dt=0.2 * ms, method="euler")
synapse.connect()
synapse.c = 1
assert synapse.pre.clock is source.clock and synapse.post.clock is target.clock
run(1 * ms)
print("column: synapse.state.csv npre %.17g" % synapse.npre[0])
print("column: synapse.state.csv npost %.17g" % synapse.npost[0])
print("column: synapse.state.csv c %.17g" % synapse.c[0])
