#!/usr/bin/env python3
"""Time from starting snnc to the first simulated step (parse, check, emit,
JIT) for the tutorial model, against Brian2's C++ standalone mode, which must
generate and compile C++ before its first step.  Both are measured in the
same run; the ratio of the medians is printed.

Usage: /usr/bin/python3 tests/bench/startup.py [--snnc build/snnc] [--runs 21] [--brian-runs 3]
Brian2 comes from Debian's python3-brian; without it only snnc is measured.
"""
import argparse, os, re, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

BRIAN_MODEL = r'''
import sys, time
t0 = time.perf_counter()
from brian2 import *
t_import = time.perf_counter() - t0
set_device('cpp_standalone', build_on_run=False)
c = 100*pF; vl = -70*mV; gl = 5*nS; ge_tau = 20*ms; ve = 0*mV
gi_tau = 100*ms; vi = -80*mV; w_ge = 1.0*nS; w_gi = 0.0*nS
eqs = """
dv/dt = -(gl * (v - vl) + ge * (v - ve) + gi * (v - vi) - I)/c : volt
dge/dt = -ge / ge_tau : siemens
dgi/dt = -gi / gi_tau : siemens
I : amp
"""
G = NeuronGroup(3, eqs, threshold='v > -40*mV', reset='v = vl', method='euler')
G.I = [0.7, 0.5, 0]*nA
G.v = -70*mV
Se = Synapses(G, G, on_pre='ge_post += w_ge'); Se.connect(i=0, j=2)
Si = Synapses(G, G, on_pre='gi_post += w_gi'); Si.connect(i=1, j=2)
M = StateMonitor(G, 'v', record=True); SM = SpikeMonitor(G)
run(100*ms)
t1 = time.perf_counter()
device.build(directory=sys.argv[1], compile=True, run=False)
t2 = time.perf_counter()
print('BRIAN', t_import, t2 - t1, t2 - t0)
'''


def snnc_once(snnc, model, outdir):
    t0 = time.perf_counter()
    p = subprocess.run([snnc, 'run', model, '-o', outdir, '--timing'], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode:
        sys.exit('snnc failed:\n' + p.stderr)
    m = re.search(r'start to first step ([0-9.]+) ms', p.stderr)
    return float(m.group(1)) / 1e3, wall


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--snnc', default=os.path.join(ROOT, 'build', 'snnc'))
    ap.add_argument('--runs', type=int, default=21)
    ap.add_argument('--brian-runs', type=int, default=3)
    a = ap.parse_args()
    model = os.path.join(ROOT, 'examples', 'tutorial.snn')
    with tempfile.TemporaryDirectory() as tmp:
        first, wall = zip(*[snnc_once(a.snnc, model, tmp) for _ in range(a.runs)])
        f_med, w_med = statistics.median(first), statistics.median(wall)
        print(f'snnc   start to first step: median {f_med*1e3:.2f} ms '
              f'(min {min(first)*1e3:.2f}, max {max(first)*1e3:.2f}, {a.runs} runs)')
        print(f'snnc   whole process (100 ms simulated, outputs written): median {w_med*1e3:.2f} ms')
        script = os.path.join(tmp, 'brian_tutorial.py')
        with open(script, 'w') as f:
            f.write(BRIAN_MODEL)
        builds = []
        for k in range(a.brian_runs):
            out = os.path.join(tmp, f'standalone{k}')
            p = subprocess.run(['/usr/bin/python3', script, out], capture_output=True, text=True)
            m = re.search(r'BRIAN ([0-9.e-]+) ([0-9.e-]+) ([0-9.e-]+)', p.stdout)
            if not m:
                print('brian2 standalone not measured:', (p.stderr or p.stdout).strip().splitlines()[-1:])
                return
            builds.append((float(m.group(2)), float(m.group(3))))
        b_med = statistics.median(b for b, _ in builds)
        t_med = statistics.median(t for _, t in builds)
        print(f'brian2 standalone code generation + compile: median {b_med:.2f} s '
              f'(whole script to first step {t_med:.2f} s, {a.brian_runs} runs)')
        print(f'ratio  brian2 / snnc time to first step: {t_med / f_med:.0f}x '
              f'(build only: {b_med / f_med:.0f}x)')


if __name__ == '__main__':
    main()
