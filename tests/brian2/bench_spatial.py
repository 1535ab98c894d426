"""Loop time of a 1000-compartment Hodgkin-Huxley axon (Rallpack 3's
channels, dt = 0.01 ms, 100 ms, exponential Euler) in snnc and in Brian2
2.5.1's cython and cpp_standalone targets, in the same run.

    /usr/bin/python3 tests/brian2/bench_spatial.py build/snnc

snnc's figure is 'simulation' of `snnc run --timing --native=wait` (the
optimising tier compiled before the first step; its compile time is
printed apart); Brian2's is the time of run() after a first short run that
compiled the code (cython), and the standalone binary's own measure of its
run (device._last_run_time, which excludes compiling and loading).
"""
import os
import re
import subprocess
import sys
import tempfile
import time
import warnings

warnings.filterwarnings('ignore')
HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(HERE, '..', 'spatial', 'rallpack3.snn')

EQS = '''
Im = gl * (El-v) + gNa * m**3 * h * (ENa-v) + gK * n**4 * (EK-v) : amp/meter**2
dm/dt = alpham * (1-m) - betam * m : 1
dn/dt = alphan * (1-n) - betan * n : 1
dh/dt = alphah * (1-h) - betah * h : 1
v_shifted = v - El : volt
alpham = (0.1/mV) * (-v_shifted+25*mV) / (exp((-v_shifted+25*mV) / (10*mV)) - 1)/ms : Hz
betam = 4 * exp(-v_shifted/(18*mV))/ms : Hz
alphah = 0.07 * exp(-v_shifted/(20*mV))/ms : Hz
betah = 1/(exp((-v_shifted+30*mV) / (10*mV)) + 1)/ms : Hz
alphan = (0.01/mV) * (-v_shifted+10*mV) / (exp((-v_shifted+10*mV) / (10*mV)) - 1)/ms : Hz
betan = 0.125*exp(-v_shifted/(80*mV))/ms : Hz
I : amp (point current, constant)
'''


def brian2_axon(target):
    from brian2 import (Cylinder, SpatialNeuron, defaultclock, ms, mV, msiemens, nA, ohm, cm, uF, um, mm,
                        prefs, run, set_device, start_scope)
    start_scope()
    if target == 'standalone':
        outdir = tempfile.mkdtemp()
        set_device('cpp_standalone', directory=outdir, build_on_run=False)
        prefs.devices.cpp_standalone.openmp_threads = 0
    else:
        prefs.codegen.target = target
    defaultclock.dt = 0.01 * ms
    ns = dict(gl=1.0 / (40000 * ohm * cm**2), El=-65 * mV, ENa=50 * mV, EK=-77 * mV,
              gNa=120 * msiemens / cm**2, gK=36 * msiemens / cm**2)
    axon = SpatialNeuron(morphology=Cylinder(diameter=1 * um, length=1 * mm, n=1000), model=EQS, namespace=ns,
                         Cm=1 * uF / cm**2, Ri=100 * ohm * cm, method='exponential_euler')
    axon.v = ns['El']
    axon.m, axon.n, axon.h = 0.0529324852572, 0.317676914061, 0.596120753508
    axon.I[0] = 0.1 * nA
    if target == 'standalone':
        from brian2.devices.device import get_device
        run(100 * ms)
        dev = get_device()
        t0 = time.perf_counter()
        dev.build(directory=outdir, run=False, compile=True)
        t1 = time.perf_counter()
        dev.run(dev.project_dir, False, [])
        t2 = time.perf_counter()
        loop = getattr(dev, '_last_run_time', None) or (t2 - t1)
        print(f'  (standalone binary: wall time of its whole run {t2 - t1:.3f} s)')
        set_device('runtime')
        return loop, t1 - t0
        return loop, total
    run(0.1 * ms)      # compile
    t0 = time.perf_counter()
    run(100 * ms)
    return time.perf_counter() - t0, None


def snnc_axon(snnc):
    with open(MODEL) as f:
        text = f.read()
    text = text.replace('dt = 1*us', 'dt = 0.01*ms').replace('run 250.001*ms', 'run 100*ms')
    text = re.sub(r'^statemonitor.*$', '', text, flags=re.M)
    d = tempfile.mkdtemp()
    path = os.path.join(d, 'axon.snn')
    with open(path, 'w') as f:
        f.write(text)
    out = subprocess.run([snnc, 'run', path, '-o', d, '--timing', '--native=wait'], capture_output=True, text=True,
                         check=True)
    m = re.search(r'simulation ([0-9.]+) ms', out.stdout + out.stderr)
    s = re.search(r'start to first step ([0-9.]+) ms', out.stdout + out.stderr)
    return float(m.group(1)) / 1e3, float(s.group(1)) / 1e3


if __name__ == '__main__':
    snnc = sys.argv[1] if len(sys.argv) > 1 else 'snnc'
    loop, start = snnc_axon(snnc)
    print(f'snnc (native tier):      loop {loop:.3f} s  (start-up incl. cc: {start:.2f} s)')
    loop, _ = brian2_axon('cython')
    print(f'Brian2 cython:           loop {loop:.3f} s')
    loop, total = brian2_axon('standalone')
    print(f'Brian2 cpp_standalone:   loop {loop:.3f} s  (compiling: {total:.1f} s)')
