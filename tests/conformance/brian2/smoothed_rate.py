#!/usr/bin/python3
"""This file runs the model of Brian2's
test_monitor.py::test_rate_monitor_smoothed_rate (one spike at 1 ms, dt 0.1
ms, 3 ms) with Brian2 2.5.1 and prints the smoothed rates as the 'column:'
lines of tests/conformance/monitor-rate_monitor_smoothed_rate.expect:
    /usr/bin/python3 tests/conformance/brian2/smoothed_rate.py"""
import warnings

warnings.filterwarnings("ignore")
from brian2 import *

prefs.codegen.target = "numpy"
defaultclock.dt = 0.1 * ms
G = SpikeGeneratorGroup(1, [0], [1] * ms)
r_mon = PopulationRateMonitor(G)
run(3 * ms)
dt = defaultclock.dt
cases = [("R_flat1", dict(window="flat", width=dt)),
         ("R_flat5", dict(window="flat", width=5 * dt)),
         ("R_flat54", dict(window="flat", width=5.4 * dt)),
         ("R_gauss", dict(window="gaussian", width=5 * dt)),
         ("R_list", dict(window=np.ones(5))),
         ("R_default", dict(width=5 * dt))]
for name, args in cases:
    print(f"column: {name}.csv rate", " ".join(repr(float(x)) for x in r_mon.rate_))
    print(f"column: {name}.csv smooth_rate", " ".join(repr(float(x)) for x in r_mon.smooth_rate(**args) / Hz))
