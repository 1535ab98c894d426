"""Brian2 figures for the short versions of the benchmark checks that the
test suite runs (tests/test-benchmarks.c): COBAHH for 200 ms and the STDP
example for 10 s, seeds 1..6, with the models of gen_benchmarks.py.

Usage: /usr/bin/python3 tests/brian2/gen_short.py [--cobahh-only]
Writes tests/data/brian2/benchmarks_short.json.
"""
import json
import os

import gen_benchmarks as gb
from brian2 import second, run as brian_run

OUT_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data', 'brian2', 'benchmarks_short.json')


def main():
    out = {}
    if os.path.exists(OUT_FILE) and '--cobahh-only' in os.sys.argv:
        with open(OUT_FILE) as f:
            out = json.load(f)
    gb.run = lambda d, *a, **kw: brian_run(0.2 * second, level=1)
    rates = [gb.cobahh(k)['rate_hz'] * 1.0 / 0.2 for k in range(1, 7)]
    out['cobahh_0.2s'] = {'rate_hz_per_seed': rates, 'mean': sum(rates) / 6}
    if '--cobahh-only' not in os.sys.argv:
        gb.STDP_DURATION = 10 * second
        gb.run = brian_run
        res = [gb.stdp(k) for k in range(1, 7)]
        out['stdp_10s'] = {'per_seed': res,
                           'mean_frac_low': sum(r['frac_below_0.05'] for r in res) / 6,
                           'mean_frac_high': sum(r['frac_above_0.95'] for r in res) / 6}
    with open(OUT_FILE, 'w') as f:
        json.dump(out, f, indent=1)
    print(json.dumps(out, indent=1))


if __name__ == '__main__':
    main()
