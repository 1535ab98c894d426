#!/usr/bin/env python3
"""The performance table of issue 14 in one run: snnc against Brian2 2.5.1 on
this machine, with paired, interleaved runs (the order alternates pair by
pair) and medians.

Rows: CUBA 4000 neurons 1 s, COBAHH 4000 1 s and STDP (Song et al.) 100 s,
simulation loop against Brian2's C++ standalone mode (and Brian2's cython
runtime where it is a usual choice: CUBA, COBAHH); synaptic events per second
per core at CUBA 64000; bytes per static synapse; 2 threads against 1, with
the ceiling the machine gives two threads in the same pairs (two one-thread
runs at once against one alone: a virtual machine's two cores may share one
of the host's) and the time a write on one core takes to reach the other
(tests/bench/core_probe.c, which two threads of one run depend on); the
Potjans-Diesmann microcircuit (examples/microcircuit.snn, full scale: about
77,000 neurons and 3x10^8 synapses, some 12 GB) on 1 and 2 threads: its
real-time factor (loop wall time / simulated time, and the same with CPU
time), peak RSS and the per-population rates.

Clocks: Brian2 standalone's own loop figure (results/last_run_info.txt) is
std::clock(), CPU time, without OpenMP here; snnc's is the process's CPU time
while simulating (--timing).  Both are also timed by the wall clock (snnc's
--timing; a std::chrono timer the script inserts around Brian2's run), and
each is compared with its own kind only.  snnc runs with the optimising tier
loaded from a warm cache (--native=wait; the cache, private to this run, is
filled by one unmeasured run first), so no compiler runs while measuring.
Peak memory (RSS) is that of the simulating process, from wait4(), outside
it.  Brian2's standalone project is built once per model (not timed here;
its binary is what runs).  The machine's load is printed before and after,
and the CPU time the host took from this virtual machine (steal) per row.

Usage: /usr/bin/python3 tests/bench/table.py [--snnc build/snnc] [--pairs 5] [--quick] [--no-cython]
                                            [--pd14 SECONDS | --no-pd14]
  --quick: 2 pairs and shorter simulations (CUBA/COBAHH 0.2 s, STDP 5 s, 64k 0.2 s), for trying it out.
  --pd14: the microcircuit's recorded time after 0.1 s unrecorded (default 0.4 s; one run per thread
          count: each builds 3x10^8 synapses).
"""
import argparse, glob, os, re, shutil, statistics, subprocess, sys, tempfile, threading, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import bench_models  # noqa: E402

PY = '/usr/bin/python3'


def rss_child(cmd, cwd=None, env=None):
    """Run cmd; (stdout, stderr, peak RSS MiB), RSS from wait4 of the child itself."""
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = p.stdout.read(), p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    rc = os.waitstatus_to_exitcode(status)
    p.returncode = rc
    if rc:
        sys.exit(f'{" ".join(cmd)} failed ({rc}):\n{err[-3000:]}')
    return out, err, ru.ru_maxrss / 1024.0


class Snnc:
    def __init__(self, exe, tmp):
        self.exe, self.tmp = exe, tmp
        self.env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, 'cache'))

    def run(self, model, threads=1, extra=(), out='out'):
        out, err, rss = rss_child([self.exe, 'run', model, '-o', os.path.join(self.tmp, out), '--timing', '-v',
                                   '--quiet', '--native=wait', '--threads', str(threads), '--seed', '1'] + list(extra),
                                  env=self.env)
        if 'native code: the optimised code runs from step 0, loaded from the cache' not in err:
            m = re.search(r'native code: .*', err)
            raise SystemExit(f'snnc did not load the optimised code from the warm cache: {m.group(0) if m else err}')
        r = dict(wall=float(re.search(r'simulation ([0-9.]+) ms', err).group(1)) / 1e3,
                 cpu=float(re.search(r'CPU time while simulating ([0-9.]+) ms', err).group(1)) / 1e3, rss=rss)
        m = re.search(r'(\d+) spikes from P', out)
        r['spikes'] = int(m.group(1)) if m else None
        r['synapses'] = sum(int(x) for x in re.findall(r'^\w+: (\d+) synapses', out + err, re.M))
        return r

    def warm(self, model):
        """One unmeasured run that puts the optimised code of model in the cache."""
        subprocess.run([self.exe, 'run', model, '-o', os.path.join(self.tmp, 'out'), '--quiet', '--native=wait'],
                       env=self.env, capture_output=True, check=True)


class Standalone:
    """A Brian2 C++ standalone project, built once, run many times."""
    def __init__(self, tmp, model, n, duration):
        self.dir = os.path.join(tmp, f'brian_{model}_{n}_{duration}')
        shutil.rmtree(self.dir, ignore_errors=True)
        t0 = time.perf_counter()
        p = subprocess.run([PY, os.path.join(HERE, 'bench_models.py'), model, self.dir, str(n) if n else '-',
                            str(duration)], capture_output=True, text=True)
        if p.returncode:
            raise SystemExit('Brian2 standalone build failed:\n' + p.stderr[-3000:])
        self.build = time.perf_counter() - t0

    def run(self):
        out, err, rss = rss_child(['./main'], cwd=self.dir)
        res = os.path.join(self.dir, 'results')
        with open(os.path.join(res, 'last_run_info.txt')) as f:
            cpu = float(f.read().split()[0])
        with open(os.path.join(res, 'bench_loop_wall.txt')) as f:
            wall = float(f.read())

        def count(pattern):
            return sum(os.path.getsize(f) // 4 for f in glob.glob(os.path.join(res, pattern)))
        return dict(wall=wall, cpu=cpu, rss=rss, spikes=count('_dynamic_array_spikemonitor_i_*'),
                    synapses=count('_dynamic_array_synapses*__synaptic_pre_*'))


def cython_run(tmp, model, n, duration):
    out, err, rss = rss_child([PY, os.path.join(HERE, 'bench_models.py'), model, os.path.join(tmp, 'cy'),
                               str(n) if n else '-', str(duration), '--target=cython'])
    w, c = (float(x) for x in re.search(r'LOOP ([0-9.e-]+) ([0-9.e-]+)', out).groups())
    return dict(wall=w, cpu=c, rss=rss)


def med(runs, key):
    return statistics.median(r[key] for r in runs)


def pair_ratio(a, b, key):
    """Median over pairs of a[k][key] / b[k][key]."""
    return statistics.median(x[key] / y[key] for x, y in zip(a, b))


def interleave(pairs, fns):
    """Run each of fns once per pair, the order rotating pair by pair; the results per fn."""
    res = [[] for _ in fns]
    for k in range(pairs):
        for q in range(len(fns)):
            j = (q + k) % len(fns)
            res[j].append(fns[j]())
    return res


def at_once(fns):
    """Run fns at the same time, each from a thread of its own; their results."""
    res = [None] * len(fns)
    def one(k):
        res[k] = fns[k]()
    ts = [threading.Thread(target=one, args=(k,)) for k in range(len(fns))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if None in res:
        raise SystemExit('a run started at the same time as another failed')
    return res


# Potjans & Diesmann (2014), Fig. 6 / NEST's example output (spikes/s)
PD14_PUBLISHED = dict(L23E=0.943, L23I=3.026, L4E=4.368, L4I=5.882, L5E=7.733, L5I=8.664, L6E=1.096, L6I=7.851)


def pd14_rows(sn, t_sim):
    """The microcircuit at full scale, 0.1 s unrecorded then t_sim recorded, on 1 and 2 threads, with
    the optimised code from a warm cache (filled by a 2 ms run first)."""
    model = os.path.join(ROOT, 'examples', 'microcircuit.snn')
    env = dict(sn.env, SNNC_PATH=ROOT)
    out_dir = os.path.join(sn.tmp, 'pd14')

    def run(threads, presim, sim, native):
        return rss_child([sn.exe, 'run', model, '-o', out_dir, '--timing', '-v', '--quiet', f'--native={native}',
                          '--threads', str(threads), '--seed', '1', '--set', f't_presim={presim}',
                          '--set', f't_sim={sim}'], env=env)
    run(1, '1*ms', '1*ms', 'wait')
    rows = []
    for threads in (1, 2):
        out, err, rss = run(threads, '100*ms', f'{t_sim}*second', 'wait')
        if 'loaded from the cache' not in err:
            raise SystemExit('the microcircuit did not run the optimised code from the warm cache')
        wall = float(re.search(r'simulation ([0-9.]+) ms', err).group(1)) / 1e3
        cpu = float(re.search(r'CPU time while simulating ([0-9.]+) ms', err).group(1)) / 1e3
        sim = 0.1 + t_sim
        rates = [f'{pop} {float(r):.2f} ({PD14_PUBLISHED[pop]})'
                 for pop, r in re.findall(r'spikes from (\w+) \(mean rate ([0-9.e+-]+) Hz\)', out)
                 if pop in PD14_PUBLISHED]
        print(f'PD14 microcircuit, {threads} thread(s), {sim:g} s simulated ({t_sim:g} s recorded): loop wall '
              f'{wall:.1f} s, CPU {cpu:.1f} s, peak RSS {rss / 1024:.2f} GiB; rates in spikes/s (published): '
              f'{", ".join(rates) or "?"}', flush=True)
        rows.append(f'| PD14 microcircuit, real-time factor, {threads} thread(s) | wall {wall / sim:.1f}, '
                    f'CPU {cpu / sim:.1f}; peak RSS {rss / 1024:.2f} GiB |')
    return rows


def build_core_probe(tmp):
    """tests/bench/core_probe.c, built with the system compiler; its path."""
    exe = os.path.join(tmp, 'core_probe')
    subprocess.run(['cc', '-O2', '-pthread', '-o', exe, os.path.join(HERE, 'core_probe.c')], check=True)
    return exe


def core_probe(exe):
    """What the two cores give two threads of one process now: the time a write on one takes to be
    seen on the other (ns), and each core's speed alone (ns per link of a dependent chain)."""
    handoff, c0, c1 = (float(x) for x in subprocess.run([exe], capture_output=True, text=True,
                                                         check=True).stdout.split())
    return dict(handoff=handoff, slower=max(c0, c1) / min(c0, c1))


def load():
    l1, l5, l15 = os.getloadavg()
    return f'load average {l1:.2f} {l5:.2f} {l15:.2f} on {os.cpu_count()} cores'


def steal_seconds():
    """CPU time the host has taken from this (virtual) machine's cores since
    boot: the steal column of /proc/stat, in seconds (0 where there is none)."""
    try:
        fields = open('/proc/stat').readline().split()
        return int(fields[8]) / os.sysconf('SC_CLK_TCK')
    except (OSError, IndexError, ValueError):
        return 0.0


class StealMeter:
    """The host's steal during each row: a virtual machine's cores can be
    taken by its host, which slows both sides of a pair (more so runs on 2
    threads); the table says how much it was."""
    def __init__(self):
        self.last = steal_seconds()

    def since(self):
        now = steal_seconds()
        took, self.last = now - self.last, now
        return f'host steal during the row {took:.1f} s of CPU'


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--snnc', default=os.path.join(ROOT, 'build', 'snnc'))
    ap.add_argument('--pairs', type=int, default=5)
    ap.add_argument('--quick', action='store_true')
    ap.add_argument('--no-cython', action='store_true')
    ap.add_argument('--pd14', type=float, default=0.4)
    ap.add_argument('--no-pd14', action='store_true')
    a = ap.parse_args()
    pairs = 2 if a.quick and a.pairs == 5 else a.pairs
    d1, dstdp, d64 = (0.2, 5.0, 0.2) if a.quick else (1.0, 100.0, 1.0)
    cpu = open('/proc/cpuinfo').read()
    m = re.search(r'model name\s*:\s*(.*)', cpu)
    print(f'# machine: {m.group(1) if m else "?"}; {load()} (start); host steal since boot {steal_seconds():.0f} s')
    print(f'# {pairs} pairs per row, interleaved, medians; snnc {a.snnc} with the optimised code from a warm cache; '
          f'Brian2 2.5.1 cpp_standalone (no OpenMP), built once per model' +
          ('' if a.no_cython else ', and cython'))
    rows = []
    steal = StealMeter()
    with tempfile.TemporaryDirectory() as tmp:
        sn = Snnc(a.snnc, tmp)

        def model_file(name, text):
            path = os.path.join(tmp, name)
            with open(path, 'w') as f:
                f.write(text)
            return path
        cuba4k = model_file('cuba4k.snn', bench_models.snn_cuba(4000, duration=d1))
        cuba64k = model_file('cuba64k.snn', bench_models.snn_cuba(64000, duration=d64))
        cuba64k0 = model_file('cuba64k0.snn', bench_models.snn_cuba(64000, p=0.0, duration=min(d64, 0.01)))
        cobahh = model_file('cobahh.snn', open(os.path.join(ROOT, 'examples', 'cobahh.snn')).read()
                            .replace('run 1*second', f'run {d1}*second'))
        stdp = model_file('stdp.snn', open(os.path.join(ROOT, 'examples', 'stdp_song.snn')).read()
                          .replace('run 100*second', f'run {dstdp}*second'))
        for mf in (cuba4k, cuba64k, cuba64k0, cobahh, stdp):
            sn.warm(mf)
        steal.since()

        def loop_row(label, snn_model, brian_model, n, dur, cython):
            sa = Standalone(tmp, brian_model, n, dur)
            fns = [lambda: sn.run(snn_model), sa.run]
            if cython and not a.no_cython:
                fns.append(lambda: cython_run(tmp, brian_model, n, dur))
            res = interleave(pairs, fns)
            s, b = res[0], res[1]
            print(f'{label}: snnc loop wall {med(s, "wall"):.4f} s, CPU {med(s, "cpu"):.4f} s, RSS {med(s, "rss"):.1f} '
                  f'MiB | Brian2 standalone wall {med(b, "wall"):.4f} s, CPU {med(b, "cpu"):.4f} s, RSS '
                  f'{med(b, "rss"):.1f} MiB (built in {sa.build:.1f} s); {steal.since()}', flush=True)
            line = (f'| {label}, loop vs Brian2 standalone | wall {pair_ratio(s, b, "wall"):.2f}x, '
                    f'CPU {pair_ratio(s, b, "cpu"):.2f}x of its time |')
            if len(res) > 2:
                c = res[2]
                print(f'{label}: Brian2 cython loop wall {med(c, "wall"):.4f} s, CPU {med(c, "cpu"):.4f} s', flush=True)
                line += f' vs cython: wall {pair_ratio(s, c, "wall"):.2f}x, CPU {pair_ratio(s, c, "cpu"):.2f}x |'
            rows.append(line)
            return s, b

        loop_row(f'CUBA 4000, {d1:g} s', cuba4k, 'cuba', 4000, d1, True)
        loop_row(f'COBAHH 4000, {d1:g} s', cobahh, 'cobahh', 4000, d1, True)
        loop_row(f'STDP (Song et al.), {dstdp:g} s', stdp, 'stdp', None, dstdp, False)
        s64, b64 = loop_row(f'CUBA 64000, {d64:g} s', cuba64k, 'cuba', 64000, d64, False)

        def events_per_cpu(r, n):
            return r['spikes'] * (r['synapses'] / n) / r['cpu']
        es = statistics.median(events_per_cpu(r, 64000) for r in s64)
        eb = statistics.median(events_per_cpu(r, 64000) for r in b64)
        rows.append(f'| synaptic events per second per core (CPU time), CUBA 64000 | snnc {es:.3g}, '
                    f'Brian2 standalone {eb:.3g} |')

        # bytes per static synapse: RSS with and without CUBA 64000's synapses
        with_syn = [sn.run(cuba64k) for _ in range(2)]
        without = [sn.run(cuba64k0) for _ in range(2)]
        nsyn = with_syn[0]['synapses']
        per = (med(with_syn, 'rss') - med(without, 'rss')) * 1024 * 1024 / nsyn
        rows.append(f'| bytes per static synapse (peak RSS with {nsyn} synapses minus without, CUBA 64000) | '
                    f'{per:.1f} |')

        # 2 threads against 1, same results
        steal.since()
        # The ceiling the machine gives 2 threads, measured in the same pairs: two one-thread runs started
        # together against one alone.  On two cores of their own each takes as long as alone (ceiling
        # 2x); where the host runs this machine's two cores on one of its own (both threads of one core,
        # or shares), each takes longer, up to twice as long (ceiling 1x).
        def two_at_once(mf):
            a, b = at_once([lambda: sn.run(mf, 1, out='out-a'), lambda: sn.run(mf, 1, out='out-b')])
            return dict(wall=(a['wall'] + b['wall']) / 2, cpu=(a['cpu'] + b['cpu']) / 2)
        # Two one-thread runs share nothing, so the ceiling misses what the host does to threads that
        # hand work to each other (on 4 December the pool's workers took a job 130-150 ns after it was
        # published in some spells and 520-700 ns in others, minutes long, with the worker's parts 15%
        # slower than the caller's): in the same pairs, core_probe.c measures the handoff between the
        # two cores and how much slower one core is than the other alone.
        probe = build_core_probe(tmp)
        for label, mf in ((f'CUBA 64000, {d64:g} s', cuba64k), (f'COBAHH 4000, {d1:g} s', cobahh)):
            one, two, both, cores = interleave(pairs, [lambda: sn.run(mf, 1), lambda: sn.run(mf, 2),
                                                       lambda: two_at_once(mf), lambda: core_probe(probe)])
            ceiling = 2 * pair_ratio(one, both, 'wall')
            hand = sorted(c['handoff'] for c in cores)
            # the same seed must give the same spikes on any number of threads
            counts = {r['spikes'] for r in one + two}
            if len(counts) != 1 or None in counts:
                raise SystemExit(f'{label}: 1 and 2 threads gave different spike counts: {sorted(counts, key=str)}')
            sp = pair_ratio(one, two, 'wall')
            eff = pair_ratio(one, two, 'cpu')
            print(f'{label}: 1 thread wall {med(one, "wall"):.4f} s CPU {med(one, "cpu"):.4f} s | 2 threads wall '
                  f'{med(two, "wall"):.4f} s CPU {med(two, "cpu"):.4f} s | two 1-thread runs at once, wall of each '
                  f'{med(both, "wall"):.4f} s | core-to-core handoff {med(cores, "handoff"):.0f} ns (pairs '
                  f'{hand[0]:.0f}-{hand[-1]:.0f}), the slower core alone {med(cores, "slower"):.2f}x the other\'s time; '
                  f'{steal.since()}', flush=True)
            rows.append(f'| 2 threads vs 1, {label} | speed-up {sp:.2f}x (wall of 1 thread / wall of 2); CPU time '
                        f'of 1 thread / of 2: {eff:.2f}; the machine\'s ceiling in the same pairs {ceiling:.2f}x '
                        f'(2 x wall of one run alone / of each of two at once); core-to-core handoff '
                        f'{med(cores, "handoff"):.0f} ns |')
        if not a.no_pd14:
            steal.since()
            rows += pd14_rows(sn, a.pd14)
            print(f'# PD14 rows: {steal.since()}', flush=True)
    print(f'# {load()} (end)')
    print('| measure | measured (ratios: snnc time / Brian2 time, median of the pairs) |')
    print('|---|---|')
    for r in rows:
        print(r)


if __name__ == '__main__':
    main()
