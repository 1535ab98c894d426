#!/usr/bin/env python3
"""How near CUBA 64000's loop is to this machine's limit, and what bounds
its synaptic events per second per core (the table's row of issue 14).

CUBA at 64000 neurons spends most of its loop in the neuron update, which
streams the whole state (2.56 MB of doubles, more than one core's L2) every
step.  This script measures, on one core, in one run, paired and
interleaved, medians (CPU time on every side):
  - snnc's loop on CUBA 64000 with its 5.1x10^6 synapses (as table.py runs
    it), and on the same neurons without synapses and with their rest
    potential below threshold (El = -60 mV), so that none spikes: the update
    and threshold alone, per neuron and step (in the recurrent network some
    36 of the 64000 spike in a step);
  - tests/bench/update_kernel.c, the same update written by hand for four
    layouts of the state (as snnc stores it, flags as bytes, flags as bytes
    with lastspike read only while refractory, and v/ge/gi alone), built with
    the optimising tier's flags.
From these it prints snnc's update against the hand-written one of the same
layout, and the events per second per core each layout would allow at most:
the events of the run over (the measured time outside the update + that
layout's update time), and over that layout's update time alone (the
ceiling if delivering the spikes cost nothing).

Usage: /usr/bin/python3 tests/bench/update_bound.py [--snnc build/snnc] [--pairs 5] [--cc cc]
"""
import argparse, os, statistics, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_models  # noqa: E402
from table import Snnc, StealMeter, interleave, load, med  # noqa: E402

N, DURATION, DT = 64000, 1.0, 1e-4
KERNEL_STEPS, KERNEL_REPEATS = 2000, 3
LAYOUTS = (('snnc', 'as snnc stores it: 5 doubles, lastspike read every step'),
           ('flag8', 'not_refractory as a byte'),
           ('flag8ls', 'not_refractory as a byte, lastspike read only while refractory'),
           ('bare', 'v, ge, gi only (no refractoriness): the floor of 3 doubles'))


def build_kernel(tmp, cc):
    exe = os.path.join(tmp, 'update_kernel')
    subprocess.run([cc, '-O3', '-march=native', '-ffp-contract=off', '-fno-math-errno', '-fno-trapping-math', '-o', exe,
                    os.path.join(HERE, 'update_kernel.c'), '-lm'], check=True)
    return exe


def run_kernel(exe):
    out = subprocess.run([exe, str(N), str(KERNEL_STEPS), str(KERNEL_REPEATS)], capture_output=True, text=True,
                         check=True).stdout
    res = {}
    for line in out.split('\n'):
        if line:
            name, ns, spikes = line.split()
            res[name] = dict(ns=float(ns), spikes=int(spikes))
    if len({res[k]['spikes'] for k in ('snnc', 'flag8', 'flag8ls')}) != 1:
        raise SystemExit(f'update_kernel: the layouts disagree on the spikes: {res}')
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--snnc', default=os.path.join(os.path.dirname(os.path.dirname(HERE)), 'build', 'snnc'))
    ap.add_argument('--pairs', type=int, default=5)
    ap.add_argument('--cc', default='cc')
    a = ap.parse_args()
    steps = round(DURATION / DT)
    print(f'# {load()} (start)', flush=True)
    steal = StealMeter()
    with tempfile.TemporaryDirectory() as tmp:
        sn = Snnc(os.path.abspath(a.snnc), tmp)
        with_syn = os.path.join(tmp, 'cuba64k.snn')
        without = os.path.join(tmp, 'cuba64k0.snn')
        with open(with_syn, 'w') as f:
            f.write(bench_models.snn_cuba(N, duration=DURATION))
        with open(without, 'w') as f:
            quiet = bench_models.snn_cuba(N, p=0.0, duration=DURATION)
            if 'El = -49*mV' not in quiet:
                raise SystemExit('update_bound.py: bench_models.snn_cuba no longer sets El = -49*mV')
            f.write(quiet.replace('El = -49*mV', 'El = -60*mV'))
        for mf in (with_syn, without):
            sn.warm(mf)
        kernel = build_kernel(tmp, a.cc)
        full, bare, kern = interleave(a.pairs, [lambda: sn.run(with_syn), lambda: sn.run(without),
                                                lambda: run_kernel(kernel)])
    upd_ns = statistics.median(r['cpu'] for r in bare) * 1e9 / (N * steps)
    events = statistics.median(r['spikes'] * r['synapses'] / N for r in full)
    cpu_full = med(full, 'cpu')
    rest = cpu_full - upd_ns * N * steps * 1e-9
    print(f'# {a.pairs} interleaved runs of each, medians of CPU time; {steal.since()}; {load()} (end)')
    print(f'snnc, CUBA {N}, {DURATION:g} s, one thread: loop CPU {cpu_full:.3f} s, {events:.4g} synaptic events '
          f'({events / cpu_full:.3g} per CPU second); without synapses {upd_ns:.3f} ns per neuron and step, so '
          f'{rest:.3f} s outside the update (delivery, spike bookkeeping, monitor)')
    print('| update layout | hand-written update, ns per neuron and step (CPU) | snnc / hand-written | '
          'events per CPU second with this update and snnc\'s delivery | events per CPU second at most, '
          'delivery free |')
    print('|---|---|---|---|---|')
    for name, what in LAYOUTS:
        ns = statistics.median(k[name]['ns'] for k in kern)
        ratio = f'{upd_ns / ns:.2f}' if name == 'snnc' else '-'
        update = ns * N * steps * 1e-9
        print(f'| {name}: {what} | {ns:.3f} | {ratio} | {events / (rest + update):.3g} | {events / update:.3g} |')


if __name__ == '__main__':
    main()
