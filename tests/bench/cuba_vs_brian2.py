#!/usr/bin/env python3
"""CUBA (Brian2's examples/CUBA.py, about 80 synapses per neuron, 1 s) at
N = 4000, 16000 and 64000 neurons, in snnc and in Brian2's C++ standalone
mode, in the same invocation.  For each it prints the whole-process time, the
time before the first step, the simulation-loop wall time and the peak memory
(resident set) of the process that simulates, and the ratios Brian2/snnc.
Runs are repeated (--repeats, default 3) and medians are printed.

Usage: /usr/bin/python3 tests/bench/cuba_vs_brian2.py [--snnc build/snnc] [--sizes 4000,16000,64000]
       [--repeats 3] [--snnc-args=--native]
"""
import argparse, os, re, shutil, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

sys.path.insert(0, HERE)
import bench_models  # noqa: E402  (the CUBA models, shared with table.py)


def maxrss_of(cmd, cwd=None):
    """Run cmd and return (wall, rc, stdout, stderr, peak RSS MiB) using wait4."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = p.stdout.read(), p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return wall, p.returncode, out, err, ru.ru_maxrss / 1024.0


def snnc_once(snnc, n, tmp, extra):
    model = os.path.join(tmp, f'cuba{n}.snn')
    with open(model, 'w') as f:
        f.write(bench_models.snn_cuba(n))
    wall, rc, out, err, rss = maxrss_of([snnc, 'run', model, '-o', os.path.join(tmp, 'out'), '--timing'] + extra)
    if rc:
        sys.exit('snnc failed:\n' + err)
    first = float(re.search(r'start to first step ([0-9.]+) ms', err).group(1)) / 1e3
    loop = float(re.search(r'simulation ([0-9.]+) ms', err).group(1)) / 1e3
    rate = re.search(r'mean rate ([0-9.]+) Hz', out).group(1)
    return dict(wall=wall, first=first, loop=loop, rss=rss, rate=float(rate))


def brian_once(n, tmp):
    outdir = os.path.join(tmp, f'standalone{n}')
    shutil.rmtree(outdir, ignore_errors=True)
    t0 = time.perf_counter()
    p = subprocess.run(['/usr/bin/python3', os.path.join(HERE, 'bench_models.py'), 'cuba', outdir, str(n)],
                       capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError(p.stderr.strip().splitlines()[-1] if p.stderr else 'brian2 failed')
    build = time.perf_counter() - t0
    wall, rc, out, err, rss = maxrss_of(['./main'], cwd=outdir)
    if rc:
        raise RuntimeError('standalone main failed: ' + err)
    # the loop's wall time (bench_models inserts a timer; Brian2's own
    # last_run_info.txt figure is CPU time)
    with open(os.path.join(outdir, 'results', 'bench_loop_wall.txt')) as f:
        loop = float(f.read())
    # time before the first step: the script up to a built binary, plus the
    # binary's own set-up (its whole run minus the loop)
    first = build + (wall - loop)
    return dict(wall=build + wall, first=first, loop=loop, rss=rss)


def med(runs, key):
    return statistics.median(r[key] for r in runs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--snnc', default=os.path.join(ROOT, 'build', 'snnc'))
    ap.add_argument('--sizes', default='4000,16000,64000')
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--snnc-args', default='')
    a = ap.parse_args()
    extra = a.snnc_args.split() if a.snnc_args else []
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(x) for x in a.sizes.split(',')]:
            s = [snnc_once(a.snnc, n, tmp, extra) for _ in range(a.repeats)]
            try:
                b = [brian_once(n, tmp) for _ in range(a.repeats)]
            except RuntimeError as e:
                print(f'N={n}: brian2 standalone not measured: {e}')
                b = None
            rows.append((n, s, b))
            print(f'N={n:6d} snnc:   whole {med(s, "wall"):7.3f} s  before first step {med(s, "first"):7.3f} s  '
                  f'loop {med(s, "loop"):7.3f} s  peak RSS {med(s, "rss"):7.1f} MiB  rate {med(s, "rate"):.2f} Hz',
                  flush=True)
            if b:
                print(f'N={n:6d} brian2: whole {med(b, "wall"):7.3f} s  before first step {med(b, "first"):7.3f} s  '
                      f'loop {med(b, "loop"):7.3f} s  peak RSS {med(b, "rss"):7.1f} MiB', flush=True)
                print(f'N={n:6d} ratio brian2/snnc: whole {med(b, "wall") / med(s, "wall"):6.1f}x  '
                      f'before first step {med(b, "first") / med(s, "first"):7.1f}x  '
                      f'loop {med(b, "loop") / med(s, "loop"):5.2f}x  memory {med(b, "rss") / med(s, "rss"):5.2f}x',
                      flush=True)


if __name__ == '__main__':
    main()
