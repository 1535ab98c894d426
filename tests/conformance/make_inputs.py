#!/usr/bin/env python3
"""This file writes the spike lists some conformance cases read, with the
same floating-point times as the Brian2 tests build with numpy (k*dt in
seconds), into the directory of this script: a case's 'setup: python3
make_inputs.py NAME' writes NAME.csv in its work directory."""
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))


def write(name, rows):
    if name[:-4] not in sys.argv[1:]:
        return
    with open(os.path.join(here, name), "w") as f:
        f.write("i,t\n" + "".join("%d,%r\n" % (i, t) for i, t in rows))


dt = 0.1e-3
# test_spikegenerator_rounding: np.linspace(0, 0.1, 100, endpoint=False)*ms
write("rounding_100.csv", [(k, k * (0.1 / 100) * 1e-3) for k in range(100)])
# test_spikegenerator_rounding: np.arange(10000)*dt
write("rounding_10000.csv", [(0, k * dt) for k in range(10000)])
# test_spikegenerator_rounding_long: np.arange(1000000)*dt
write("rounding_long.csv", [(0, k * dt) for k in range(1000000)])
# test_spikegenerator_rounding_period: np.arange(100)*dt, period 100*dt
write("rounding_period.csv", [(0, k * dt) for k in range(100)])
