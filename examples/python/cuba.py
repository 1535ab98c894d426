# SPDX-License-Identifier: MIT
"""This file contains the CUBA network (examples/cuba.snn, 4000 neurons)
analysed with numpy: firing rates, the coefficient of variation of the
interspike intervals, and the time from 'import snnc' to the first step.
Run: python3 examples/python/cuba.py"""
import os
import time

t_import = time.perf_counter()
import snnc  # noqa: E402
import numpy as np  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
net = snnc.load(os.path.join(here, "..", "cuba.snn"), seed=1)
net.run(net.dt)                              # load, build and one step
t_first = time.perf_counter() - t_import
net.run("1*second")

sm = net["s_mon"]
i, t = sm.i, sm.t
n = len(net["P"])
rates = np.bincount(i, minlength=n) / net.t
order = np.lexsort((t, i))                   # spikes by neuron, then time
i_s, t_s = i[order], t[order]
isi = np.diff(t_s)
same = i_s[1:] == i_s[:-1]
cvs = []
starts = np.flatnonzero(np.r_[True, ~same])
for a, b in zip(starts, np.r_[starts[1:], len(i_s)]):
    d = isi[a:b - 1]
    if d.size >= 2:
        cvs.append(d.std() / d.mean())
print("import to first step: %.1f ms" % (t_first * 1e3))
print("%d spikes, mean rate %.2f Hz (median %.2f Hz)" % (i.size, rates.mean(), np.median(rates)))
print("ISI CV: mean %.3f over %d neurons with >= 3 spikes" % (np.mean(cvs), len(cvs)))
