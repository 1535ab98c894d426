# SPDX-License-Identifier: MIT
"""This file contains the tests of snnc's Python API: each call's success
and error paths, views of the live state, snapshots and two networks."""
import os
import signal
import threading

import numpy as np
import pytest

import snnc

TUTORIAL_TEXT = """
c = 100*pF
tau = 10*ms
neurons G[2] {
    model {
        dv/dt = (I - v)/tau : volt
        I : volt
    }
    threshold: v > 10*mV
    reset: v = 0*mV
    init {
        I = [20, 5]*mV
    }
}
spikemonitor SM(G)
statemonitor M(G.v, record=all)
"""


def test_tutorial_counts(examples):
    net = snnc.load(os.path.join(examples, "tutorial.snn"))
    net.run(0.1)
    assert list(net["SM"].count) == [20, 13, 1]


def test_load_with_overrides_and_seed(examples):
    net = snnc.load(os.path.join(examples, "tutorial.snn"), set={"w_gi": "0.5*nS"}, seed=1)
    assert net.const["w_gi"] == pytest.approx(0.5e-9, rel=0, abs=1e-24)
    net.run("100*ms")
    assert net.t == pytest.approx(0.1)
    assert list(net["SM"].count) == [20, 13, 0]


def test_load_errors(examples, tmp_path):
    with pytest.raises(snnc.SnnError) as e:
        snnc.load(os.path.join(examples, "tutorial.snn"), set={"w_gi": "0.5*mV"})
    assert e.value.code == 2 and "w_gi" in str(e.value)
    with pytest.raises(snnc.SnnError) as e:
        snnc.load(tmp_path / "missing.snn")
    assert e.value.code == 6
    bad = tmp_path / "bad.snn"
    bad.write_text("neurons G[3] {\n    model { dv/dt = -v/tau : volt }\n}\n")
    with pytest.raises(snnc.SnnError) as e:
        snnc.load(bad)
    assert (e.value.file, e.value.line, e.value.column) == (str(bad), 2, 24)
    assert "unknown name 'tau'" in e.value.message
    assert str(e.value).startswith("%s:2:24: error: unknown name 'tau'" % bad)


def test_loads_and_syntax_error():
    net = snnc.loads(TUTORIAL_TEXT, name="text.snn")
    net.run("50*ms")
    assert net["SM"].count[0] > 0 and net["SM"].count[1] == 0
    with pytest.raises(snnc.SnnError) as e:
        snnc.loads("neurons G[ {\n", name="broken.snn")
    assert e.value.code == 1 and e.value.file == "broken.snn" and e.value.line == 1


def test_views_are_live_and_writable():
    net = snnc.loads(TUTORIAL_TEXT)
    v = net["G"].v
    assert isinstance(v, np.ndarray) and v.shape == (2,) and v.flags.writeable
    net.run(0.005)
    assert v[0] > 0                        # the same memory, after a run
    v[:] = 0.004
    assert net["G"].v[0] == 0.004
    net.run(0.001)
    assert v[0] != 0.004 and np.shares_memory(v, net["G"].v)
    net["G"].v = "-70*mV"
    assert list(v) == [-0.07, -0.07]
    net["G"].v = [0.001, 0.002]
    assert list(v) == [0.001, 0.002]
    net["G"].I = -0.002
    assert list(net["G"].I) == [-0.002, -0.002]


def test_assignment_errors():
    net = snnc.loads(TUTORIAL_TEXT)
    with pytest.raises(snnc.SnnError) as e:
        net["G"].v = "3*nS"
    assert e.value.code == 2 and e.value.message == "G.v is in volt, but '3*nS' is siemens"
    with pytest.raises(snnc.SnnError):
        net["G"].v = "3*"
    with pytest.raises(snnc.SnnError):
        net["G"].v = [1.0, 2.0, 3.0]
    with pytest.raises(snnc.SnnError) as e:
        net["G"].w = 1.0
    assert e.value.code == 8
    with pytest.raises(AttributeError):
        net["G"].w = "1*mV"
    with pytest.raises(AttributeError):
        net["G"].w


def test_units():
    net = snnc.loads(TUTORIAL_TEXT)
    assert net["G"].units["v"] == "volt"
    assert net["G"].units == {"v": "volt", "I": "volt"}
    assert snnc.evaluate("20*ms", "second") == pytest.approx(0.02)
    with pytest.raises(snnc.SnnError):
        snnc.evaluate("20*ms", "volt")


def test_constants():
    net = snnc.loads(TUTORIAL_TEXT)
    assert net.const["tau"] == pytest.approx(0.01)
    net.const["tau"] = "20*ms"
    assert net.const["tau"] == pytest.approx(0.02)
    net.const["tau"] = 0.005
    assert net.const["tau"] == 0.005
    with pytest.raises(snnc.SnnError) as e:
        net.const["tau"] = "20*mV"
    assert e.value.message == "constant 'tau' is in second, but '20*mV' is volt"
    with pytest.raises(snnc.SnnError) as e:
        net.const["nope"] = 1.0
    assert e.value.code == 8
    with pytest.raises(snnc.SnnError):
        net.const["nope"]


def test_build_in_code():
    net = snnc.Network(seed=2)
    net.add_const("tau", "10*ms")
    g = net.add_neurons("G", 10, model="dv/dt = (1.2 - v)/tau : 1", threshold="v > 1", reset="v = 0",
                        refractory="5*ms", method="exact")
    net.add_neurons("H", 2, model="dv/dt = -v/tau : 1", threshold="v > 1", reset="v = 0")
    net.add_synapses("S", "G", "H", model="w : 1", on_pre="v_post += w")
    net.connect("S", "i=0, j=1")
    net.connect("S", "i=1, j=0")
    net.spike_monitor("SM", "G")
    net.state_monitor("M", ["G.v"], record=[0, 3])
    net.rate_monitor("R", "G")
    net.run(0.1)
    assert len(g) == 10
    assert list(net["S"].i) == [0, 1] and list(net["S"].j) == [1, 0]
    assert (net["SM"].count == net["SM"].count[0]).all() and net["SM"].count[0] > 0
    assert net["M"].v.shape == (1000, 2) and list(net["M"].record) == [0, 3]
    assert net["M"].t[1] == pytest.approx(1e-4)
    r = net["R"]
    assert r.t.shape == r.rate.shape == (1000,) and r.rate.max() == pytest.approx(1e4)
    assert "neurons G[10]" in net.source


def test_build_errors():
    net = snnc.Network()
    with pytest.raises(snnc.SnnError) as e:
        net.add_neurons("G", 3, model="dv/dt = -v/tau : volt")
    assert e.value.file == "snn_add_neurons(G)" and "tau" in e.value.message
    net.add_neurons("G", 3, model="dv/dt = -v/(10*ms) : volt")
    with pytest.raises(snnc.SnnError):
        net.add_synapses("S", "G", "X", on_pre="v_post += 1*mV")
    with pytest.raises(snnc.SnnError):
        net.connect("nope", "i=0, j=0")
    with pytest.raises(snnc.SnnError):
        net.spike_monitor("SM", "nope")
    with pytest.raises(snnc.SnnError):
        snnc.Network().run(0.1)              # no model
    with pytest.raises(KeyError):
        net["nope"]


def test_repeated_runs_and_results_views():
    net = snnc.loads(TUTORIAL_TEXT)
    net.run(0.02)
    n1 = net["SM"].num_spikes
    net.run(0.02)
    assert net["SM"].num_spikes > n1 and net.t == pytest.approx(0.04)
    assert net["M"].v.shape == (400, 2)
    net.clear_monitors()
    assert net["SM"].num_spikes == 0 and net["M"].v.shape == (0, 2)


def test_store_restore_and_files(tmp_path):
    net = snnc.loads(TUTORIAL_TEXT)
    net.run(0.01)
    net.store()
    net.run(0.03)
    first = (net["SM"].i.copy(), net["SM"].t.copy(), net["G"].v.copy())
    net.restore()
    assert net.t == pytest.approx(0.01)
    net.run(0.03)
    np.testing.assert_array_equal(first[0], net["SM"].i)
    np.testing.assert_array_equal(first[2], net["G"].v)
    net.save(tmp_path / "snap.bin")
    other = snnc.loads(TUTORIAL_TEXT)
    other.load_snapshot(tmp_path / "snap.bin")
    assert other.t == pytest.approx(0.04)
    np.testing.assert_array_equal(other["G"].v, net["G"].v)
    with pytest.raises(KeyError):
        net.restore("never")
    with pytest.raises(snnc.SnnError):
        net.load_snapshot(tmp_path / "missing.bin")
    (tmp_path / "junk.bin").write_bytes(b"junk")
    with pytest.raises(snnc.SnnError):
        net.load_snapshot(tmp_path / "junk.bin")


def test_restore_random_state():
    # Brian2's test_restore_with_random_state: restore() draws new noise,
    # restore(restore_random_state=True) the same noise again
    net = snnc.loads("neurons group[10] {\n"
                     "    model { dv/dt = -v/(10*ms) + (10*ms)**-0.5*xi : 1 }\n"
                     "    method: euler\n"
                     "    init { v = rand() }\n"
                     "}\n")
    net.store()
    net.run(0.01)
    old_v = net["group"].v.copy()
    net.restore()
    net.run(0.01)
    assert np.var(old_v - net["group"].v) > 0
    net.restore(restore_random_state=True)
    net.run(0.01)
    np.testing.assert_array_equal(old_v, net["group"].v)
    with pytest.raises(KeyError):
        net.restore("never", restore_random_state=True)


def test_two_networks_are_independent():
    a = snnc.loads(TUTORIAL_TEXT)
    b = snnc.loads(TUTORIAL_TEXT)
    b.const["tau"] = "5*ms"
    a.run(0.05)
    b.run(0.02)
    assert a.t == pytest.approx(0.05) and b.t == pytest.approx(0.02)
    assert not np.shares_memory(a["G"].v, b["G"].v)
    ref = snnc.loads(TUTORIAL_TEXT)
    ref.run(0.05)
    np.testing.assert_array_equal(a["SM"].i, ref["SM"].i)
    np.testing.assert_array_equal(a["G"].v, ref["G"].v)


def test_progress_and_stop():
    net = snnc.loads(TUTORIAL_TEXT)
    seen = []
    net.run(0.01, progress=lambda t, f: seen.append(f))
    assert seen and seen[-1] == pytest.approx(1.0)
    net.run(0.1, progress=lambda t, f: f >= 0.5)      # a true result stops
    assert 0.05 < net.t < 0.1 + 1e-9
    with pytest.raises(ZeroDivisionError):
        net.run(0.01, progress=lambda t, f: 1 / 0)


def test_ctrl_c_stops_at_a_step():
    net = snnc.loads(TUTORIAL_TEXT)
    pid = os.getpid()
    timer = threading.Timer(0.2, lambda: os.kill(pid, signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        net.run(10000.0)
    timer.cancel()
    steps = net.t / net.dt
    assert 0 < net.t < 10000.0 and abs(steps - round(steps)) < 1e-6
    net.run(0.001)                           # still usable
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_pandas_optional():
    net = snnc.loads(TUTORIAL_TEXT)
    net.run(0.01)
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError):
            net["SM"].to_pandas()
        return
    assert len(net["M"].to_pandas()) == 200
