#!/usr/bin/env python3
"""Time from 'import snnc' to the first simulated step of CUBA (4000 neurons,
examples/CUBA.py's network) in a fresh interpreter, against Brian2 2.5.1 in
the same invocation: the time from 'import brian2' to the end of a run of one
step with the cython target (warm: its extension cache filled by a first,
untimed run) and with C++ standalone (code generation, compiling, running).
Paired and interleaved, medians of --repeats (wall clock on both sides).
Then the per-run time of examples/python/fi_curve.py's 100-value sweep.

Usage: /usr/bin/python3 tests/bench/python_startup.py [--build build] [--repeats 3]
"""
import argparse, os, re, statistics, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from cuba_vs_brian2 import SNN_MODEL  # noqa: E402

SNNC_SCRIPT = r'''
import sys, time
t0 = time.perf_counter()
import snnc
net = snnc.loads(open(sys.argv[1]).read())
net.run(1e-4)
print("FIRST", time.perf_counter() - t0)
'''

BRIAN_SCRIPT = r'''
import sys, time
t0 = time.perf_counter()
from brian2 import *
target, outdir = sys.argv[1], sys.argv[2]
if target == 'standalone':
    set_device('cpp_standalone', directory=outdir)
else:
    prefs.codegen.target = 'cython'
n = 4000
taum = 20*ms; taue = 5*ms; taui = 10*ms; Vt = -50*mV; Vr = -60*mV; El = -49*mV
eqs = """
dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt
"""
P = NeuronGroup(n, eqs, threshold='v>Vt', reset='v = Vr', refractory=5*ms, method='exact')
P.v = 'Vr + rand() * (Vt - Vr)'
we = (60*0.27/10)*mV; wi = (-20*4.5/10)*mV
Ce = Synapses(P, P, on_pre='ge += we'); Ci = Synapses(P, P, on_pre='gi += wi')
Ce.connect('i<3200', p=0.02); Ci.connect('i>=3200', p=0.02)
s_mon = SpikeMonitor(P)
run(defaultclock.dt)
print("FIRST", time.perf_counter() - t0)
'''


def timed(cmd, env=None):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    m = re.search(r"FIRST ([0-9.]+)", p.stdout)
    if p.returncode or not m:
        sys.exit("failed: %s\n%s%s" % (" ".join(cmd), p.stdout, p.stderr))
    return float(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    env = dict(os.environ, SNNC_LIBRARY=os.path.join(a.build, "libsnn.so"),
               PYTHONPATH=os.path.join(ROOT, "python"))
    tmp = tempfile.mkdtemp(prefix="snnc-pystart-")
    model = os.path.join(tmp, "cuba.snn")
    with open(model, "w") as f:
        f.write(SNN_MODEL.format(n=4000, ne=3200, p=0.02).replace("run 1*second", ""))
    py = "/usr/bin/python3"
    with open(os.path.join(tmp, "s.py"), "w") as f:
        f.write(SNNC_SCRIPT)
    with open(os.path.join(tmp, "b.py"), "w") as f:
        f.write(BRIAN_SCRIPT)
    timed([py, os.path.join(tmp, "b.py"), "cython", tmp])     # fill cython's cache (untimed)
    res = {"snnc": [], "cython": [], "standalone": []}
    for r in range(a.repeats):
        res["snnc"].append(timed([py, os.path.join(tmp, "s.py"), model], env))
        res["cython"].append(timed([py, os.path.join(tmp, "b.py"), "cython", tmp]))
        res["standalone"].append(timed([py, os.path.join(tmp, "b.py"), "standalone", os.path.join(tmp, "sa%d" % r)]))
    load = os.getloadavg()
    print("CUBA 4000, from import to the first simulated step (wall, medians of %d, load %.2f %.2f %.2f):"
          % (a.repeats, *load))
    s = statistics.median(res["snnc"])
    for k in res:
        m = statistics.median(res[k])
        print("  %-22s %9.3f s   %8.0fx snnc's" % ({"snnc": "snnc (import snnc)", "cython": "Brian2 cython (warm)",
                                                    "standalone": "Brian2 cpp_standalone"}[k], m, m / s))
    p = subprocess.run([py, os.path.join(ROOT, "examples", "python", "fi_curve.py")], capture_output=True,
                       text=True, env=env, cwd=ROOT)
    m = re.search(r"([0-9.]+) ms per run", p.stdout)
    print("f-I sweep, 100 values in one interpreter: %s ms per run of 1 s" % (m.group(1) if m else "?"))


if __name__ == "__main__":
    main()
