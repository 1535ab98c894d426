# SPDX-License-Identifier: MIT
"""This file contains the tutorial model run from Python: examples/tutorial.snn
with its two plots (spike raster, membrane potentials) in matplotlib, if
matplotlib is installed.  Run: python3 examples/python/tutorial.py [OUT.png]"""
import os
import sys

import snnc

here = os.path.dirname(os.path.abspath(__file__))
net = snnc.load(os.path.join(here, "..", "tutorial.snn"), set={"w_gi": "0.5*nS"})
net.run("100*ms")
sm, m = net["SM"], net["M"]
print("spikes per neuron:", *sm.count)

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib is not installed: no plots")
    sys.exit(0)

fig, (ax1, ax2) = plt.subplots(2, 1, sharex=True, figsize=(7, 5))
ax1.plot(sm.t * 1e3, sm.i, "|k", markersize=12)
ax1.set_ylabel("neuron")
ax1.set_yticks(range(len(sm.count)))
for k in range(m.v.shape[1]):
    ax2.plot(m.t * 1e3, m.v[:, k] * 1e3, label="neuron %d" % m.record[k])
ax2.set_xlabel("time (ms)")
ax2.set_ylabel("v (mV)")
ax2.legend()
out = sys.argv[1] if len(sys.argv) > 1 else "tutorial.png"
fig.savefig(out, dpi=100)
print("wrote", out)
