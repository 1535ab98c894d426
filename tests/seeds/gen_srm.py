#!/usr/bin/env python3
"""Seeds 000 and 001 (the SRM network, and SRM + STDP): reference outputs.

ref_srm.py (beside this script, from the team's srm-stdp reference) is a
numpy re-implementation of neurons.spiking.SRM.check_spikes and
neurons.learning.STDP.weight_change that reproduces the package bit for bit.
This script writes, under tests/data/seeds/:

  srm_network.out, srm_stdp.out, srm_stdp_v05.out
      what the tutorials print (checked here against the text the tutorials
      quote), for tests/test-seeds.c to compare with snnc's output printed
      the same way;
  srm_cases.csv and srm_case<K>_{spiketrain,weights,spikes,final}.csv
      further random networks (more neurons, more steps, both threshold
      rules, with and without learning) and the package's spikes and final
      weights for them.  The test runs examples/seeds/srm_stdp.snn on each,
      with the case's files in place of srm_spiketrain.csv / srm_weights.csv.

Run from the repository root:  /usr/bin/python3 tests/seeds/gen_srm.py
"""
import os
import sys
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import ref_srm  # noqa: E402

DATA = os.path.join(os.path.dirname(HERE), "data", "seeds")

# ------------------------------------------------------------ the tutorials
TUT1 = """Spiketrain:
[[0 0 1 0 0 0 1 1 0 0]
 [1 0 0 0 0 0 1 1 0 0]
 [0 0 0 1 0 0 0 0 1 0]]
"""
TUT2 = """Final Spiketrain:
[[0 0 1 0 0 0 1 1 0 0]
 [1 0 0 0 0 0 1 1 0 0]
 [0 0 0 1 0 0 0 0 1 1]]
Final weights:
[[ 0.          0.          1.28884081]
 [ 0.          0.          1.28063985]
 [ 0.          0.          0.        ]]
"""
TUT2_V05 = """Final Spiketrain:
[[0 0 1 0 0 0 1 1 0 0]
 [1 0 0 0 0 0 1 1 0 0]
 [0 0 0 1 0 0 0 0 1 0]]
Final weights:
[[ 0.          0.          1.18586337]
 [ 0.          0.          1.17766241]
 [ 0.          0.          0.        ]]
"""

# the docs' numpy printed floats this way (numpy >= 1.14 drops the sign space)
np.set_printoptions(legacy="1.13", precision=8)


def printed(title, spiketrain, weights=None):
    s = title + "\n" + str(spiketrain.astype(int)) + "\n"
    if weights is not None:
        s += "Final weights:\n" + str(weights) + "\n"
    return s


st, w, _ = ref_srm.tutorial1("0.4")
assert printed("Spiketrain:", st) == TUT1
st, w, _, _ = ref_srm.tutorial2("0.4")
assert printed("Final Spiketrain:", st, w) == TUT2, printed("Final Spiketrain:", st, w)
st, w, _, _ = ref_srm.tutorial2("0.5")
assert printed("Final Spiketrain:", st, w) == TUT2_V05
for name, text in (("srm_network.out", TUT1), ("srm_stdp.out", TUT2), ("srm_stdp_v05.out", TUT2_V05)):
    with open(os.path.join(DATA, name), "w") as f:
        f.write(text)

# ------------------------------------------------------------ random networks
# (name, neurons, steps, version, learning, window_bug)
CASES = [
    ("1", 5, 60, "0.4", True, True),
    ("2", 6, 99, "0.4", True, True),
    ("3", 5, 60, "0.5", True, True),
    ("4", 7, 99, "0.5", True, True),
    ("5", 6, 80, "0.4", False, True),
    # past the package's simulation window (100 steps): snnc keeps lags
    # 1..99 with eps(lag); the package shifts the kernel by one step there
    # (see README.md), so this case is compared with window_bug=False
    ("6", 5, 160, "0.4", True, False),
]

rng = np.random.RandomState(2015)


def simulate(ext, w, version, learn, window_bug):
    n, T = ext.shape
    model = ref_srm.SRM(neurons=n, threshold=1, t_current=0.3, t_membrane=20, eta_reset=5,
                        version=version, window_bug=window_bug)
    stdp = ref_srm.STDP(eta=0.05, w_in=0.5, w_out=0.5, tau=10.0, window_size=5)
    spikes = ext.copy()
    weights = w.copy()
    for t in range(T):
        model.check_spikes(spikes, weights, t)
        if learn:
            stdp.weight_change(spikes, weights, t)
    return spikes, weights


def run_case(n, T, version, learn, window_bug):
    while True:
        w = np.where(rng.rand(n, n) < 0.4, rng.uniform(0.2, 0.9, (n, n)), 0.0)
        ext = np.zeros((n, T), dtype=bool)
        drivers = rng.rand(n) < 0.5
        drivers[0] = True
        ext[drivers] = rng.rand(drivers.sum(), T) < 0.12
        spikes, weights = simulate(ext, w, version, learn, window_bug)
        generated = (spikes & ~ext).sum()
        # the network must do something, without firing at every step
        if not 8 <= generated <= 0.25 * n * T:
            continue
        # the case past the window must show where the package differs
        if not window_bug and np.array_equal(simulate(ext, w, version, learn, True)[0], spikes):
            continue
        return ext, w, spikes, weights


with open(os.path.join(DATA, "srm_cases.csv"), "w") as idx:
    idx.write("case,neurons,steps,from_below,eta_l\n")
    for name, n, T, version, learn, bug in CASES:
        ext, w0, spikes, w1 = run_case(n, T, version, learn, bug)
        p = os.path.join(DATA, "srm_case%s_" % name)
        with open(p + "spiketrain.csv", "w") as f:
            f.write(",".join("n%d" % k for k in range(n)) + "\n")
            for t in range(T):
                f.write(",".join(str(int(x)) for x in ext[:, t]) + "\n")
        with open(p + "weights.csv", "w") as f:
            f.write("i,j,w\n")
            for i in range(n):
                for j in range(n):
                    f.write("%d,%d,%.17g\n" % (i, j, w0[i, j]))
        with open(p + "spikes.csv", "w") as f:
            f.write("i,step\n")
            for t in range(T):
                for i in np.flatnonzero(spikes[:, t]):
                    f.write("%d,%d\n" % (i, t))
        with open(p + "final.csv", "w") as f:
            f.write("i,j,w\n")
            for i in range(n):
                for j in range(n):
                    f.write("%d,%d,%.17g\n" % (i, j, w1[i, j]))
        idx.write("%s,%d,%d,%s,%s\n" % (name, n, T, "True" if version == "0.5" else "False",
                                        "0.05" if learn else "0"))
        print("case %s: %d neurons, %d steps, v%s, learn=%s: %d spikes (%d generated), %d synapses"
              % (name, n, T, version, learn, spikes.sum(), (spikes & ~ext).sum(), (w0 != 0).sum()))
