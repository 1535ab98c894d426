#!/usr/bin/python3
"""This file runs Brian2's test_monitor.py::test_event_monitor_no_record with
variables='rate' (tests/conformance/monitor-event_monitor_no_record_variables.snn)
with Brian2 2.5.1 and prints the 'column:' lines of its .expect file: with
record=False Brian2 records the values of rate at each event but not i and t
(snnc writes them to NAME.values.csv):
    /usr/bin/python3 tests/conformance/brian2/event_monitor_no_record.py"""
import warnings

warnings.filterwarnings("ignore")
from brian2 import *

prefs.codegen.target = "numpy"
defaultclock.dt = 0.1 * ms

G = NeuronGroup(3, """dv/dt = rate : 1
                      rate : Hz""", events={"my_event": "v>1"}, threshold="v>1", reset="v=0")
G.rate = [101, 0, 1001] * Hz
event_mon2 = EventMonitor(G, "my_event", variables="rate", record=False)
spike_mon2 = SpikeMonitor(G, variables="rate", record=False)
run(10 * ms)
for name, mon in (("event_mon2", event_mon2), ("spike_mon2", spike_mon2)):
    assert not hasattr(mon, "t") or len(mon.variables["t"].get_value()) == 0
    print("file-rows: %s.values.csv %d" % (name, len(mon.rate) + 1))
    print("column: %s.values.csv rate %s" % (name, " ".join("%.17g" % x for x in mon.rate_)))
