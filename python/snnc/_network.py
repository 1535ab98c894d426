# SPDX-License-Identifier: MIT
"""This file contains the Network class of snnc's Python interface: one
libsnn context, with its groups' state and its monitors' results as numpy
arrays over the engine's memory."""
import ctypes
import os
import re
import signal
import threading

import numpy as np

from ._lib import lib, CALLBACK

SLOT_END = 5
SNN_ESTOPPED = 9


def _b(s):
    return None if s is None else str(s).encode("utf-8")


def _s(b):
    return None if b is None else b.decode("utf-8", "replace")


class SnnError(Exception):
    """An error of libsnn: code, and the first diagnostic's file, line,
    column and message (all diagnostics in .diagnostics); str() is the text
    snnc prints."""

    def __init__(self, code, text, diagnostics):
        super().__init__(text)
        self.code = code
        self.text = text
        self.diagnostics = diagnostics
        first = diagnostics[0] if diagnostics else (None, 0, 0, text.strip())
        self.file, self.line, self.column, self.message = first


def _error(ctx, code):
    diags = []
    for k in range(lib.snn_diag_count(ctx)):
        f, m = ctypes.c_char_p(), ctypes.c_char_p()
        ln, col = ctypes.c_int(), ctypes.c_int()
        if lib.snn_diag_get(ctx, k, ctypes.byref(f), ctypes.byref(ln), ctypes.byref(col), ctypes.byref(m)) == 0:
            diags.append((_s(f.value), ln.value, col.value, _s(m.value)))
    text = _s(lib.snn_errmsg(ctx)) or "snnc error %d" % code
    return SnnError(code, text, diags)


def _brian2():
    try:
        import brian2
        return brian2
    except ImportError:
        return None


def _value_text(value):
    """A number, a unit string ("-70*mV") or a Brian2 quantity as .snn text."""
    if isinstance(value, str):
        return value
    if hasattr(value, "dim"):
        b2 = _brian2()
        if b2 is not None:
            unit = b2.get_unit(value.dim)
            return "(%r)*(%s)" % (float(np.asarray(value / unit)), repr(unit))
    return repr(float(value))


def _mismatch(ctx, rc, text, what, unit):
    """The error of a value text whose dimension is not unit's."""
    e = _error(ctx, rc)
    m = re.search(r"'snnc_value' is ([^)]*?)(?:,|\))", e.message or "")
    if rc != 2 or not m:
        return e
    msg = "%s is in %s, but '%s' is %s" % (what, unit, text, m.group(1))
    return SnnError(rc, "error: " + msg, [(None, 0, 0, msg)])


def evaluate(text, unit=None, what="the value"):
    """The SI value of an expression of numbers and units ("20*ms"); with
    unit (Brian2's words, "volt", "1") its dimension is checked, by libsnn,
    and a mismatch raises SnnError."""
    ctx = lib.snn_new()
    try:
        rc = lib.snn_add_const(ctx, b"snnc_value", _b(text))
        if rc:
            raise _error(ctx, rc)
        if unit is not None:
            check = "snnc_value + 1" if unit == "1" else "snnc_value + 1*(%s)" % unit.replace("^", "**")
            rc = lib.snn_add_const(ctx, b"snnc_check", _b(check))
        if rc:
            raise _mismatch(ctx, rc, text, what, unit)
        v = ctypes.c_double()
        rc = lib.snn_get_const(ctx, b"snnc_value", ctypes.byref(v))
        if rc:
            raise _error(ctx, rc)
        return v.value
    finally:
        lib.snn_free(ctx)


def _view(ptr, shape, ctype, owner):
    """A numpy array over memory the engine owns (no copy); empty if NULL."""
    n = int(np.prod(shape)) if len(shape) else 1
    if not ptr or n == 0:
        return np.zeros(shape, dtype=_DTYPES[ctype])
    a = np.ctypeslib.as_array(ctypes.cast(ptr, ctypes.POINTER(ctype)), shape=tuple(shape))
    return a


_DTYPES = {ctypes.c_double: np.float64, ctypes.c_int32: np.int32, ctypes.c_int64: np.int64}


class Units(dict):
    """The unit of each variable of a group, in Brian2's words."""


class Group:
    """A neuron group or synapses object: net["G"].v is a writable numpy
    view of the live state; assigning numbers, unit strings or arrays sets
    it (unit checked)."""

    def __init__(self, net, name):
        object.__setattr__(self, "_net", net)
        object.__setattr__(self, "name", name)

    @property
    def variables(self):
        out, k = [], 0
        while True:
            v = lib.snn_var_name(self._net._ctx, _b(self.name), k)
            if v is None:
                return out
            out.append(_s(v))
            k += 1

    @property
    def units(self):
        return Units({v: _s(lib.snn_var_unit(self._net._ctx, _b(self.name), _b(v))) for v in self.variables})

    def __len__(self):
        return int(lib.snn_group_size(self._net._ctx, _b(self.name)))

    @property
    def i(self):
        return self._pre_post()[0]

    @property
    def j(self):
        return self._pre_post()[1]

    def _pre_post(self):
        pre, post = ctypes.POINTER(ctypes.c_int32)(), ctypes.POINTER(ctypes.c_int32)()
        n = ctypes.c_size_t()
        self._net._check(lib.snn_synapses(self._net._ctx, _b(self.name), ctypes.byref(pre), ctypes.byref(post),
                                          ctypes.byref(n)))
        return _view(pre, (n.value,), ctypes.c_int32, self), _view(post, (n.value,), ctypes.c_int32, self)

    def get(self, var, quantity=False):
        """Variable var: a numpy view, or a Brian2 quantity (a copy) if asked."""
        net = self._net
        n = ctypes.c_size_t()
        p = lib.snn_var(net._ctx, _b(self.name), _b(var), ctypes.byref(n))
        if not p:
            rc = lib.snn_build(net._ctx)
            if rc:
                raise net._err(rc)
            raise AttributeError("'%s' has no variable '%s'" % (self.name, var))
        a = _view(p, (n.value,), ctypes.c_double, self)
        if quantity:
            return _quantity(a, self.units.get(var))
        return a

    def set(self, var, value):
        """Set variable var: a number, a unit string, a Brian2 quantity, or
        one value per element."""
        net = self._net
        if isinstance(value, str) or hasattr(value, "dim"):
            unit = _s(lib.snn_var_unit(net._ctx, _b(self.name), _b(var)))
            if unit is None:
                raise AttributeError("'%s' has no variable '%s'" % (self.name, var))
            if hasattr(value, "dim") and np.ndim(value):
                b2 = _brian2()
                value = np.asarray(value / b2.get_unit(value.dim)) * evaluate(_value_text(1 * b2.get_unit(value.dim)),
                                                                             unit)
            else:
                value = evaluate(_value_text(value), unit, "%s.%s" % (self.name, var))
        arr = np.ascontiguousarray(np.asarray(value, dtype=np.float64).ravel())
        net._check(lib.snn_set_var(net._ctx, _b(self.name), _b(var),
                                   arr.ctypes.data_as(ctypes.POINTER(ctypes.c_double)), arr.size))

    def __getattr__(self, var):
        if var.startswith("__"):
            raise AttributeError(var)
        return self.get(var)

    def __setattr__(self, var, value):
        self.set(var, value)

    def add_spikes(self, indices, times):
        """Make neurons indices[k] spike at times[k] (seconds)."""
        idx = np.ascontiguousarray(indices, dtype=np.int32)
        t = np.ascontiguousarray(times, dtype=np.float64)
        if idx.shape != t.shape:
            raise ValueError("add_spikes: indices and times differ in length")
        self._net._check(lib.snn_add_spikes(self._net._ctx, _b(self.name),
                                            idx.ctypes.data_as(ctypes.POINTER(ctypes.c_int32)),
                                            t.ctypes.data_as(ctypes.POINTER(ctypes.c_double)), idx.size))


def _quantity(a, unit):
    b2 = _brian2()
    if b2 is None:
        raise ImportError("quantity=True needs brian2")
    u = 1 if unit in (None, "1") else eval(unit.replace("^", "**"), {k: getattr(b2, k) for k in dir(b2)})
    return np.array(a) * u


from ._monitors import SpikeMonitor, StateMonitor, RateMonitor  # noqa: E402


class Constants:
    """net.const["tau"] reads a constant (SI); assignment of a number, a
    unit string or a Brian2 quantity changes it without recompiling (a
    string's dimension is checked against the model's)."""

    def __init__(self, net):
        self._net = net

    def __getitem__(self, name):
        v = ctypes.c_double()
        self._net._check(lib.snn_get_const(self._net._ctx, _b(name), ctypes.byref(v)))
        return v.value

    def __setitem__(self, name, value):
        net = self._net
        if isinstance(value, str) or hasattr(value, "dim"):
            value = net._evaluate_like(_value_text(value), name)
        net._check(lib.snn_set_const(net._ctx, _b(name), float(value)))


class Network:
    """One snnc network (a libsnn context)."""

    def __init__(self, seed=None):
        self._ctx = lib.snn_new()
        if not self._ctx:
            raise MemoryError("snn_new")
        self.const = Constants(self)
        if seed is not None:
            self._check(lib.snn_set_seed(self._ctx, int(seed)))

    def close(self):
        """Free the engine's memory; views taken before become invalid."""
        if getattr(self, "_ctx", None):
            lib.snn_free(self._ctx)
            self._ctx = None

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()

    def _err(self, rc):
        return _error(self._ctx, rc)

    def _check(self, rc):
        if rc:
            raise _error(self._ctx, rc)

    # ---- the model -------------------------------------------------------
    def add_const(self, name, expr):
        self._check(lib.snn_add_const(self._ctx, _b(name), _b(_value_text(expr))))

    def add_neurons(self, name, n, model, threshold=None, reset=None, refractory=None, method=None):
        """A neuron group, with Brian2's equation strings."""
        self._check(lib.snn_add_neurons(self._ctx, _b(name), int(n), _b(model), _b(threshold), _b(reset),
                                        _b(_value_text(refractory) if refractory is not None else None),
                                        _b(method)))
        return Group(self, name)

    def add_synapses(self, name, source, target, model=None, on_pre=None, on_post=None, connect=None):
        """Synapses from group source to group target; connect as the
        arguments of connect(...) ("i=0, j=2", "p=0.1")."""
        self._check(lib.snn_add_synapses(self._ctx, _b(name), _b(source), _b(target), _b(model), _b(on_pre),
                                         _b(on_post), _b(connect)))
        return Group(self, name)

    def connect(self, synapses, args):
        """Another connect(args) rule for synapses added in code."""
        self._check(lib.snn_add_item(self._ctx, _b(synapses), b"connect", _b(args)))

    def set_item(self, obj, key, text):
        """Set item key (init, delay, method, ...) of an object added in code."""
        self._check(lib.snn_set_item(self._ctx, _b(obj), _b(key), _b(text)))

    def add_item(self, obj, key, text):
        self._check(lib.snn_add_item(self._ctx, _b(obj), _b(key), _b(text)))

    def spike_monitor(self, name, source):
        self._check(lib.snn_add_monitor(self._ctx, b"spikemonitor", _b(name), _b(source)))

    def state_monitor(self, name, variables, record="all"):
        """Record variables ("G.v" or ["G.v", "G.ge"]) of record (all or a list)."""
        if not isinstance(variables, str):
            variables = ", ".join(variables)
        rec = record if isinstance(record, str) else "[" + ", ".join(str(int(k)) for k in record) + "]"
        self._check(lib.snn_add_monitor(self._ctx, b"statemonitor", _b(name), _b("%s, record=%s" % (variables, rec))))

    def rate_monitor(self, name, source):
        self._check(lib.snn_add_monitor(self._ctx, b"ratemonitor", _b(name), _b(source)))

    def add_input(self, kind, name, args):
        """An input object: kind poissongroup, poissoninput, spikegenerator, ..."""
        self._check(lib.snn_add_input(self._ctx, _b(kind), _b(name), _b(args)))

    @property
    def source(self):
        return _s(lib.snn_model_source(self._ctx))

    @property
    def generated_code(self):
        return _s(lib.snn_generated_code(self._ctx))

    @property
    def methods(self):
        return _s(lib.snn_methods(self._ctx))

    def _evaluate_like(self, text, name):
        """The value of text, checked to have constant name's dimension, in
        a scratch context holding this model."""
        src = self.source or ""
        ctx = lib.snn_new()
        try:
            rc = lib.snn_load_string(ctx, _b(src), len(_b(src)), b"model")
            if rc == 0:
                rc = lib.snn_add_const(ctx, b"snnc_value", _b(text))
            if rc:
                raise _error(ctx, rc)
            rc = lib.snn_add_const(ctx, b"snnc_check", _b("snnc_value + %s" % name))
            if rc:
                unit = re.search(r"'%s' is ([^)]*?)\)" % re.escape(name), _s(lib.snn_errmsg(ctx)) or "")
                raise _mismatch(ctx, rc, text, "constant '%s'" % name, unit.group(1) if unit else "another unit")
            v = ctypes.c_double()
            self._check(lib.snn_get_const(ctx, b"snnc_value", ctypes.byref(v)))
            return v.value
        finally:
            lib.snn_free(ctx)

    # ---- running ---------------------------------------------------------
    def build(self):
        self._check(lib.snn_build(self._ctx))

    @property
    def t(self):
        return lib.snn_time(self._ctx)

    @property
    def dt(self):
        return lib.snn_dt(self._ctx)

    def run(self, duration=None, progress=None, report_every=None):
        """Simulate duration (seconds, or a string such as "100*ms"); None
        runs the model's 'run' statements.  progress(t, fraction) is called
        every report_every steps (default: about 100 calls).  Ctrl-C stops
        the run after a whole step and raises KeyboardInterrupt."""
        self.build()
        if duration is None:
            nsteps = lib.snn_script_steps(self._ctx)
        else:
            secs = evaluate(_value_text(duration), "second", "a duration") if isinstance(duration, str) or hasattr(duration, "dim") \
                else float(duration)
            nsteps = int(round(secs / self.dt)) if self.dt > 0 else 0
        every = int(report_every) if report_every else max(1, nsteps // 100 if progress else 1000)
        start_t = self.t
        state = {"stop": False, "error": None}

        def on_step(ctx, ud):
            try:
                if progress is not None:
                    now = self.t + self.dt           # the end of this step
                    done = (now - start_t) / (nsteps * self.dt) if nsteps else 1.0
                    state["last"] = done
                    if progress(now, min(done, 1.0)):
                        state["stop"] = True
            except BaseException as e:       # carried out of the run
                state["error"] = e
                return 1
            return 1 if state["stop"] else 0

        cb = CALLBACK(on_step)
        self._check(lib.snn_add_callback(self._ctx, SLOT_END, every, cb, None))
        main = threading.current_thread() is threading.main_thread()
        old = None
        if main:
            def on_sigint(signum, frame):
                state["stop"] = True
                state["error"] = KeyboardInterrupt()
            old = signal.signal(signal.SIGINT, on_sigint)
        try:
            if duration is None:
                rc = lib.snn_run_script(self._ctx)
            else:
                rc = lib.snn_run(self._ctx, secs)
        finally:
            if main:
                signal.signal(signal.SIGINT, old)
            lib.snn_clear_callbacks(self._ctx)
        if rc and rc != SNN_ESTOPPED:
            raise self._err(rc)
        if state["error"] is not None:
            raise state["error"]
        if progress is not None and not state["stop"] and state.get("last", 0) < 1 - 1e-9:
            progress(self.t, 1.0)
        return self

    def stop(self):
        """Ask the current run to stop at the next step."""
        lib.snn_request_stop(self._ctx)

    def set_native(self, mode):
        modes = {"off": 0, "background": 1, "wait": 2}
        self._check(lib.snn_set_native(self._ctx, modes[mode] if isinstance(mode, str) else int(mode)))

    def set_seed(self, seed):
        self._check(lib.snn_set_seed(self._ctx, int(seed)))

    def timings(self):
        v = [ctypes.c_double() for _ in range(4)]
        lib.snn_timings(self._ctx, *[ctypes.byref(x) for x in v])
        return dict(zip(("parse", "emit", "jit", "sim"), (x.value for x in v)))

    def summary(self):
        return _s(lib.snn_summary(self._ctx))

    def clear_monitors(self):
        self._check(lib.snn_clear_monitors(self._ctx))

    # ---- snapshots -------------------------------------------------------
    def store(self, name="default"):
        """Brian2's store(name): keep the whole state in memory under name
        (constants are not part of it, as Brian2's Python variables are not)."""
        self._check(lib.snn_store(self._ctx, _b(name)))

    def restore(self, name="default", restore_random_state=False):
        """Brian2's restore(name, restore_random_state=False): back to the
        state stored under name.  As in Brian2 the random numbers after it
        are new ones; with restore_random_state=True the run after it draws
        those of the run after the store again, bit for bit."""
        f = lib.snn_restore_random_state if restore_random_state else lib.snn_restore
        rc = f(self._ctx, _b(name))
        if rc == 8:   # SNN_ENOTFOUND
            raise KeyError("no state stored as '%s'" % name)
        self._check(rc)

    def save(self, path):
        """Write a snapshot of the state to the file path."""
        self._check(lib.snn_snapshot_save(self._ctx, _b(os.fspath(path))))

    def load_snapshot(self, path):
        self._check(lib.snn_snapshot_load(self._ctx, _b(os.fspath(path))))

    def write_outputs(self, directory):
        """Write what 'snnc run' writes (CSV files, run.json) to directory."""
        self._check(lib.snn_write_run(self._ctx, _b(os.fspath(directory)), None, 0))

    # ---- objects ---------------------------------------------------------
    @property
    def monitors(self):
        return [_s(lib.snn_monitor_name(self._ctx, k)) for k in range(lib.snn_monitor_count(self._ctx))]

    def __getitem__(self, name):
        if name in self.monitors:
            for kind in (SpikeMonitor, StateMonitor, RateMonitor):
                m = kind.probe(self, name)
                if m is not None:
                    return m
        if lib.snn_group_size(self._ctx, _b(name)) >= 0:
            return Group(self, name)
        rc = lib.snn_build(self._ctx)
        if rc:
            raise self._err(rc)
        raise KeyError("no group, synapses or monitor named '%s'" % name)

    def __contains__(self, name):
        return name in self.monitors or lib.snn_group_size(self._ctx, _b(name)) >= 0


def load(path, set=None, seed=None):
    """Load a .snn file: set overrides constants ({"w_gi": "0.5*nS"}),
    seed seeds the random numbers."""
    net = Network(seed=seed)
    later = _overrides(net, set)
    net._check(lib.snn_load_file(net._ctx, _b(os.fspath(path))))
    for k, v in later:
        net.const[k] = v
    return net


def loads(text, set=None, seed=None, name="model"):
    """Load .snn text; name names it in diagnostics."""
    net = Network(seed=seed)
    later = _overrides(net, set)
    raw = _b(text)
    net._check(lib.snn_load_string(net._ctx, raw, len(raw), _b(name)))
    for k, v in later:
        net.const[k] = v
    return net


def _overrides(net, values):
    """Strings go in as overrides before loading (as snnc --set); numbers
    are set after loading."""
    later = []
    for k, v in (values or {}).items():
        if isinstance(v, str) or hasattr(v, "dim"):
            net._check(lib.snn_set_override(net._ctx, _b("%s=%s" % (k, _value_text(v)))))
        else:
            later.append((k, v))
    return later
