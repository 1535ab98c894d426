#!/usr/bin/env python3
"""The full-length benchmark checks against Brian2: examples/cuba.snn,
coba.snn and cobahh.snn (4000 neurons, 1 s) and stdp_song.snn (100 s), each
for seeds 1..6, compared with Brian2's seeds 1..6 (tests/data/brian2/
benchmarks.json): mean firing rates within 5%, and for STDP the fractions of
weights below 5% and above 95% of gmax within 3 percentage points.  The test
suite holds shorter versions (tests/test-benchmarks.c).

Usage: /usr/bin/python3 tests/bench/rates.py [--snnc build/snnc] [--models cuba,coba,cobahh,stdp]
"""
import argparse, csv, json, os, re, statistics, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MODELS = {'cuba': ('cuba.snn', 'rate_hz'), 'coba': ('coba.snn', 'rate_hz'),
          'cobahh': ('cobahh.snn', 'rate_hz'), 'stdp': ('stdp_song.snn', None)}


def run(snnc, model, seed, out):
    p = subprocess.run([snnc, 'run', os.path.join(ROOT, 'examples', model), '-o', out, '--seed', str(seed),
                        '--native=wait', '--save-state'], capture_output=True, text=True)
    if p.returncode:
        sys.exit(p.stderr)
    return p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--snnc', default=os.path.join(ROOT, 'build', 'snnc'))
    ap.add_argument('--models', default='cuba,coba,cobahh,stdp')
    a = ap.parse_args()
    ref = json.load(open(os.path.join(ROOT, 'tests', 'data', 'brian2', 'benchmarks.json')))
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for name in a.models.split(','):
            model, key = MODELS[name]
            if key:
                rates = [float(re.search(r'mean rate ([0-9.e+-]+) Hz', run(a.snnc, model, s, tmp)).group(1))
                         for s in range(1, 7)]
                mean, b = statistics.mean(rates), ref[name]['mean'][key]
                good = abs(mean / b - 1) <= 0.05
                ok &= good
                print(f'{name:7s} snnc {mean:7.3f} Hz (seeds 1-6: {", ".join(f"{r:.2f}" for r in rates)})  '
                      f'Brian2 {b:7.3f} Hz  {100 * (mean / b - 1):+5.1f}%  {"ok" if good else "FAIL"}')
            else:
                lo, hi = [], []
                for s in range(1, 7):
                    run(a.snnc, model, s, tmp)
                    w = [float(r['w']) / 0.01 for r in csv.DictReader(open(os.path.join(tmp, 'S.state.csv')))]
                    lo.append(sum(x < 0.05 for x in w) / len(w))
                    hi.append(sum(x > 0.95 for x in w) / len(w))
                bl, bh = ref['stdp']['mean']['frac_below_0.05'], ref['stdp']['mean']['frac_above_0.95']
                good = abs(statistics.mean(lo) - bl) <= 0.03 and abs(statistics.mean(hi) - bh) <= 0.03
                ok &= good
                print(f'stdp    w < 5% gmax: snnc {statistics.mean(lo):.3f}, Brian2 {bl:.3f};  '
                      f'w > 95% gmax: snnc {statistics.mean(hi):.3f}, Brian2 {bh:.3f}  {"ok" if good else "FAIL"}')
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
