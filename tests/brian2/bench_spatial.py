"""Loop time of a 1000-compartment Hodgkin-Huxley axon (Rallpack 3's
channels, dt = 0.01 ms, 100 ms, exponential Euler) in snnc and in Brian2
2.5.1's cython and cpp_standalone targets, in the same run.

    /usr/bin/python3 tests/brian2/bench_spatial.py build/snnc

Wall and CPU time of the loop, since on a shared machine only CPU time
compares: snnc's wall time is 'simulation' of `snnc run --timing
--native=wait` and its CPU time that of a 100 ms run less a 0.1 ms run;
Brian2 cython's is run() after a first short run that compiled the code;
cpp_standalone reports only its binary's std::clock() of the run
(device._last_run_time, a CPU time without compiling and loading).
"""
import os
import re
import resource
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
    t0, c0 = time.perf_counter(), time.process_time()
    run(100 * ms)
    return time.perf_counter() - t0, time.process_time() - c0


def snnc_run(snnc, path, d):
    """Wall time of the loop (snnc --timing) and the CPU time of the run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([snnc, 'run', path, '-o', d, '--timing', '--native=wait'], capture_output=True, text=True,
                         check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    m = re.search(r'simulation ([0-9.]+) ms', out.stdout + out.stderr)
    return float(m.group(1)) / 1e3, cpu


def snnc_axon(snnc):
    """The loop's wall time, and its CPU time: that of a 100 ms run less
    that of a 0.1 ms run (both with the compiled code already cached)."""
    with open(MODEL) as f:
        text = f.read()
    text = text.replace('dt = 1*us', 'dt = 0.01*ms')
    text = re.sub(r'^statemonitor.*$', '', text, flags=re.M)
    d = tempfile.mkdtemp()
    paths = []
    for name, dur in (('long', '100*ms'), ('short', '0.1*ms')):
        paths.append(os.path.join(d, name + '.snn'))
        with open(paths[-1], 'w') as f:
            f.write(text.replace('run 250.001*ms', 'run ' + dur))
    snnc_run(snnc, paths[1], d)                 # compile and cache the native code
    wall, cpu_long = snnc_run(snnc, paths[0], d)
    _, cpu_short = snnc_run(snnc, paths[1], d)
    return wall, cpu_long - cpu_short


if __name__ == '__main__':
    snnc = sys.argv[1] if len(sys.argv) > 1 else 'snnc'
    wall, cpu = snnc_axon(snnc)
    print(f'snnc (native tier):      loop {wall:.3f} s wall, {cpu:.3f} s CPU')
    wall, cpu = brian2_axon('cython')
    print(f'Brian2 cython:           loop {wall:.3f} s wall, {cpu:.3f} s CPU')
    cpu, total = brian2_axon('standalone')
    print(f'Brian2 cpp_standalone:   loop {cpu:.3f} s CPU (std::clock of the binary; compiling: {total:.1f} s)')
