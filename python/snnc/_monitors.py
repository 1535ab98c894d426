# SPDX-License-Identifier: MIT
"""This file contains the monitors' results of a snnc network as numpy
arrays: spike and state monitors are views of the engine's memory (valid
until the next run or change of the model), rate monitors are read from
the CSV file the engine writes."""
import csv
import ctypes
import os
import tempfile

import numpy as np

from ._lib import lib


def _b(s):
    return str(s).encode("utf-8")


def _view(ptr, shape, ctype):
    from ._network import _view as v
    return v(ptr, shape, ctype, None)


def _pandas():
    try:
        import pandas
        return pandas
    except ImportError:
        raise ImportError("to_pandas() needs pandas") from None


class SpikeMonitor:
    """net["SM"]: .i (neuron indices), .t (seconds), .steps, .count (spikes
    per neuron)."""

    def __init__(self, net, name):
        self._net, self.name = net, name

    @classmethod
    def probe(cls, net, name):
        ok = lib.snn_spikes(net._ctx, _b(name), None, None, None) == 0
        return cls(net, name) if ok else None

    def _get(self):
        idx, steps = ctypes.POINTER(ctypes.c_int32)(), ctypes.POINTER(ctypes.c_int64)()
        n = ctypes.c_size_t()
        self._net._check(lib.snn_spikes(self._net._ctx, _b(self.name), ctypes.byref(idx), ctypes.byref(steps),
                                        ctypes.byref(n)))
        return _view(idx, (n.value,), ctypes.c_int32), _view(steps, (n.value,), ctypes.c_int64)

    @property
    def i(self):
        return self._get()[0]

    @property
    def steps(self):
        return self._get()[1]

    @property
    def t(self):
        return self._get()[1] * self._net.dt

    @property
    def num_spikes(self):
        return int(self._get()[0].size)

    @property
    def count(self):
        """Spikes per neuron of the monitored group."""
        i = self._get()[0]
        src = self._source()
        n = len(self._net[src]) if src else (int(i.max()) + 1 if i.size else 0)
        return np.bincount(i, minlength=n)

    def _source(self):
        import re
        m = re.search(r"spikemonitor\s+%s\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)" % re.escape(self.name),
                      self._net.source or "")
        return m.group(1) if m else None

    def spike_trains(self):
        """{neuron: spike times in seconds}."""
        i, t = self.i, self.t
        return {k: t[i == k] for k in range(len(self.count))}

    def to_pandas(self):
        return _pandas().DataFrame({"i": self.i, "t": self.t})


class StateMonitor:
    """net["M"]: .t (seconds), .v (2-D, steps x recorded indices), .record
    (the indices).  The values are views of the engine's record."""

    def __init__(self, net, name):
        self._net, self.name = net, name

    @classmethod
    def probe(cls, net, name):
        ok = lib.snn_trace(net._ctx, _b(name), None, None, None, None, None, None) == 0
        return cls(net, name) if ok else None

    def _get(self):
        steps, values = ctypes.POINTER(ctypes.c_int64)(), ctypes.POINTER(ctypes.c_double)()
        idx = ctypes.POINTER(ctypes.c_int32)()
        ns, nidx, nvars = ctypes.c_size_t(), ctypes.c_int(), ctypes.c_int()
        self._net._check(lib.snn_trace(self._net._ctx, _b(self.name), ctypes.byref(steps), ctypes.byref(ns),
                                       ctypes.byref(values), ctypes.byref(idx), ctypes.byref(nidx),
                                       ctypes.byref(nvars)))
        vals = _view(values, (ns.value, nidx.value, nvars.value), ctypes.c_double)
        return (_view(steps, (ns.value,), ctypes.c_int64), vals, _view(idx, (nidx.value,), ctypes.c_int32))

    @property
    def variables(self):
        out, k = [], 0
        while True:
            v = lib.snn_trace_var(self._net._ctx, _b(self.name), k)
            if v is None:
                return out
            out.append(v.decode())
            k += 1

    @property
    def t(self):
        return self._get()[0] * self._net.dt

    @property
    def steps(self):
        return self._get()[0]

    @property
    def record(self):
        return self._get()[2]

    def __getattr__(self, var):
        if var.startswith("_"):
            raise AttributeError(var)
        names = self.variables
        if var not in names:
            raise AttributeError("monitor '%s' records no variable '%s' (it records %s)"
                                 % (self.name, var, ", ".join(names)))
        return self._get()[1][:, :, names.index(var)]

    def to_pandas(self):
        steps, vals, idx = self._get()
        pd = _pandas()
        cols = {"t": np.repeat(steps * self._net.dt, idx.size), "i": np.tile(idx, steps.size)}
        for k, v in enumerate(self.variables):
            cols[v] = vals[:, :, k].ravel()
        return pd.DataFrame(cols)


class RateMonitor:
    """net["R"]: .t (seconds) and .rate (hertz) of a population rate
    monitor (copies, read from the engine's CSV output)."""

    def __init__(self, net, name, t, rate):
        self._net, self.name, self.t, self.rate = net, name, t, rate

    @classmethod
    def probe(cls, net, name):
        if not any(n == name for n in net.monitors):
            return None
        with tempfile.TemporaryDirectory(prefix="snnc-") as d:
            if lib.snn_write_outputs(net._ctx, _b(d)):
                return None
            path = os.path.join(d, name + ".csv")
            with open(path, newline="") as f:
                rows = list(csv.reader(f))
        if not rows or [c.strip() for c in rows[0]][:2] != ["t", "rate"]:
            return None
        data = np.array([[float(x) for x in r[:2]] for r in rows[1:]], dtype=np.float64).reshape(-1, 2)
        return cls(net, name, data[:, 0], data[:, 1])

    def to_pandas(self):
        return _pandas().DataFrame({"t": self.t, "rate": self.rate})
