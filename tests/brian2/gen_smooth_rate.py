"""Reference numbers for snnc's smoothed population rates (cli/smooth.c):
Brian2's PopulationRateMonitor.smooth_rate with its 'gaussian' and 'flat'
windows at several widths, on the population rate of 20 Poisson neurons
at 40 Hz recorded for 60 ms at dt = 0.1 ms (numpy code generation, seed 7).

Usage: /usr/bin/python3 tests/brian2/gen_smooth_rate.py
Writes tests/data/smooth/smooth_rate.csv: columns t, rate, then one column
per window named 'gaussian:<width in s>' or 'flat:<width in s>'; and
tests/data/smooth/windows.csv: for each column of smooth_rate.csv (by its
number), dt and the number of values of the window Brian2's rules give.
"""
import os

import numpy as np
from brian2 import (Network, PoissonGroup, PopulationRateMonitor, defaultclock, ms, Hz, prefs, seed)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data', 'smooth')
# widths in ms: round numbers, half steps (2*width/dt = x.5, rounded to
# even), widths below one step, and a flat width that is an even number of steps
WINDOWS = [('gaussian', 5.0), ('gaussian', 1.0), ('gaussian', 0.25), ('gaussian', 0.35),
           ('gaussian', 0.04), ('gaussian', 2.5), ('flat', 10.0), ('flat', 2.35), ('flat', 0.1),
           ('flat', 0.05), ('flat', 0.4), ('flat', 3.0)]


def main():
    prefs.codegen.target = 'numpy'
    defaultclock.dt = 0.1 * ms
    seed(7)
    P = PoissonGroup(20, rates=40 * Hz)
    R = PopulationRateMonitor(P)
    net = Network(P, R)
    net.run(60 * ms)
    t = np.asarray(R.t / ms) * 1e-3
    cols = [t, np.asarray(R.rate / Hz)]
    names = ['t', 'rate']
    sizes = []
    for kind, width in WINDOWS:
        sm = R.smooth_rate(window=kind, width=width * ms)
        cols.append(np.asarray(sm / Hz))
        names.append('%s:%r' % (kind, width * 1e-3))
        if kind == 'gaussian':
            sizes.append(2 * int(np.round(2 * width * ms / defaultclock.dt)) + 1)
        else:
            sizes.append(int(width * ms / 2 / defaultclock.dt) * 2 + 1)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'smooth_rate.csv'), 'w') as f:
        f.write(','.join(names) + '\n')
        for row in zip(*cols):
            f.write(','.join('%.17g' % v for v in row) + '\n')
    with open(os.path.join(OUT, 'windows.csv'), 'w') as f:
        f.write('column,dt,size\n')
        for k, n in enumerate(sizes):
            f.write('%d,%r,%d\n' % (k + 2, float(defaultclock.dt), n))


if __name__ == '__main__':
    main()
