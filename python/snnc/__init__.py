# SPDX-License-Identifier: MIT
"""snnc from Python: load .snn models or build them in code, run them with
libsnn, and read state and results as numpy arrays over the engine's
memory.

    import snnc
    net = snnc.load("examples/tutorial.snn", set={"w_gi": "0.5*nS"}, seed=1)
    net.run("100*ms")
    print(net["SM"].count, net["M"].v.shape)
"""
from ._lib import lib as _lib, path as library_path
from ._network import Network, SnnError, load, loads, evaluate, Group, Constants
from ._monitors import SpikeMonitor, StateMonitor, RateMonitor

__version__ = _lib.snn_version().decode()
__all__ = ["Network", "SnnError", "load", "loads", "evaluate", "Group", "Constants", "SpikeMonitor",
           "StateMonitor", "RateMonitor", "library_path"]
