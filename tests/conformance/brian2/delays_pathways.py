#!/usr/bin/python3
"""This file runs the behavioural form of Brian2's
test_synapses.py::test_delays_pathways (tests/conformance/synapses-delays_pathways_1,2.snn)
and test_delays_pathways_subgroups (synapses-delays_pathways_subgroups.snn),
and test_changed_dt_spikes_in_queue with a named pathway
(synapses-changed_dt_spikes_in_queue_pathway.snn)
with Brian2 2.5.1 and prints the 'column:' lines of their .expect files:
    /usr/bin/python3 tests/conformance/brian2/delays_pathways.py
Brian2's tests assert the delays of the pathways pre1, pre2 and post as
assigned; here every neuron spikes once at t = 0 and each pathway adds its
own amount to v (pre1 1, pre2 100, post -10000), so a trace of v shows when
each pathway arrives."""
import warnings

warnings.filterwarnings("ignore")
from brian2 import *

prefs.codegen.target = "numpy"
defaultclock.dt = 0.1 * ms


def runlength(values):
    """Values as the runner's V*K run-length list."""
    out, k = [], 0
    while k < len(values):
        n = 1
        while k + n < len(values) and values[k + n] == values[k]:
            n += 1
        out.append("%.17g*%d" % (values[k], n) if n > 1 else "%.17g" % values[k])
        k += n
    return " ".join(out)


def case(name, sub, delays):
    start_scope()
    G = NeuronGroup(10, "x : meter\nv : 1", threshold="t < 0.5*dt")
    G.x = "i*mmeter"
    src, tgt = (G[:5], G[5:]) if sub else (G, G)
    S = Synapses(src, tgt, on_pre={"pre1": "v_post += 1", "pre2": "v_post += 100"},
                 on_post="v_pre -= 10000", delay=delays.get("scalar", {}))
    S.connect(j="i")
    velocity = 1 * meter / second
    for path, value in delays.get("array", {}).items():
        getattr(S, path).delay = value
    M = StateMonitor(G, "v", record=True, when="end")
    run(11 * ms)
    print("#", name)
    for k in range(10):
        print("column: M.csv v_%d %s" % (k, runlength(list(M.v[k]))))


case("synapses-delays_pathways_1", False,
     {"array": {"pre1": "i*ms", "pre2": "j*ms", "post": "abs(x_pre - (N_post-j)*mmeter)/velocity"}})
case("synapses-delays_pathways_2", False, {"scalar": {"pre1": 5 * ms, "post": 1 * ms}})
case("synapses-delays_pathways_subgroups", True,
     {"array": {"pre1": "i*ms", "pre2": "j*ms", "post": "abs(x_pre - (N_post-j)*mmeter)/velocity"}})


def changed_dt_pathway():
    """test_changed_dt_spikes_in_queue with the delays j*ms on a named
    pathway (synapses-changed_dt_spikes_in_queue_pathway.snn)."""
    start_scope()
    defaultclock.dt = 0.5 * ms
    G1 = NeuronGroup(1, "v:1", threshold="v>1", reset="v=0")
    G1.v = 1.1
    G2 = NeuronGroup(10, "v:1", threshold="v>1", reset="v=0")
    S = Synapses(G1, G2, on_pre={"up": "v+=1.1"})
    S.connect()
    S.up.delay = "j*ms"
    mon = SpikeMonitor(G2)
    net = Network(G1, G2, S, mon)
    net.run(5 * ms)
    defaultclock.dt = 1 * ms
    net.run(3 * ms)
    defaultclock.dt = 0.1 * ms
    net.run(2 * ms)
    print("# synapses-changed_dt_spikes_in_queue_pathway")
    print("column: mon.csv i %s" % " ".join("%d" % i for i in mon.i))
    print("column: mon.csv t %s" % " ".join("%.17g" % t for t in mon.t_))


changed_dt_pathway()
