#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""This file checks that the optimising tier's compiler vectorises the loops
that make snnc fast, on this processor: a loop calling each function of the
math library (runtime/snnmath.h), the fused update and threshold of CUBA,
COBAHH and the STDP example's neurons, and the STDP example's Poisson
group's threshold (its draws), as `snnc emit` gives them followed by
runtime/rng.c (as the tier compiles them), with the tier's flags (read from
runtime/jit.c's native_flags) and gcc's -fopt-info-vec.  A flag or a form
of the math that leaves one of them scalar costs 2-4x with the same
results, which no other test sees (-ftrapping-math kept CUBA's update
scalar; a test of a clamped value kept every loop calling exprel scalar on
AVX2; a conversion of a 64-bit integer to double, which AVX2 lacks, kept
every loop that draws scalar).  Prints TAP; skipped (exit 77) where the
compiler is not gcc or the processor has no AVX2.

usage: test-vectorise.py SNNC SOURCE_ROOT
"""
import os
import re
import subprocess
import sys
import tempfile

MATH = ('_snn_exp', '_snn_expm1', '_snn_exprel', '_snn_log', '_snn_log1p', '_snn_tanh')
# (example, function of its generated code whose loop must vectorise)
MODELS = (('cuba.snn', 'snn_P_update_thresh'), ('cobahh.snn', 'snn_P_update_thresh'),
          ('stdp_song.snn', 'snn_neurons_update_thresh'), ('stdp_song.snn', 'snn_poisson__input_thresh'))


def native_flags(root):
    """The optimising tier's flags, without those of a shared object."""
    text = open(os.path.join(root, 'runtime', 'jit.c')).read()
    m = re.search(r'native_flags\[\]\s*=\s*\{(.*?)\};', text, re.S)
    if not m:
        raise SystemExit('Bail out! runtime/jit.c has no native_flags initializer')
    flags = re.findall(r'"([^"]*)"', m.group(1))
    return [f for f in flags if f not in ('-fPIC', '-shared', '-w')]


def vectorised_lines(cc, flags, src, tmp):
    """The lines of src (C without #line) where gcc reports a vectorised loop."""
    path = os.path.join(tmp, 'unit.c')
    with open(path, 'w') as f:
        f.write(src)
    r = subprocess.run(cc + flags + ['-fopt-info-vec-optimized', '-c', path, '-o', os.path.join(tmp, 'unit.o')],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f'Bail out! cc failed: {r.stderr[:2000]}')
    return {int(m.group(1)) for m in re.finditer(r'unit\.c:(\d+):\d+: optimized: loop vectorized', r.stderr)}


def function_span(src, name):
    """The first and last line (1-based) of function name in src."""
    lines = src.split('\n')
    start = next((i for i, l in enumerate(lines) if re.match(rf'snn_i32 {re.escape(name)}\(', l)), None)
    if start is None:
        return None
    end = next(i for i in range(start + 1, len(lines)) if lines[i] == '}')
    return start + 1, end + 1


def main():
    snnc, root = sys.argv[1], sys.argv[2]
    cc = os.environ.get('CC', 'cc').split()
    version = subprocess.run(cc + ['--version'], capture_output=True, text=True).stdout
    cpu = open('/proc/cpuinfo').read() if os.path.exists('/proc/cpuinfo') else ''
    if 'gcc' not in version.lower() and 'free software foundation' not in version.lower():
        print('1..0 # SKIP the C compiler is not gcc (the test reads gcc\'s -fopt-info)')
        sys.exit(77)
    if not re.search(r'^flags\s*:.*\bavx2\b', cpu, re.M):
        print('1..0 # SKIP the processor has no AVX2')
        sys.exit(77)
    flags = native_flags(root)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        rt = os.path.abspath(os.path.join(root, 'runtime'))
        for fn in MATH:
            src = (f'#include "{rt}/abi.h"\n#include "{rt}/snnmath.h"\n'
                   f'void f(double *restrict y, const double *restrict x, int n)\n'
                   f'{{ for (int i = 0; i < n; i++) y[i] = {fn}(x[i]); }}\n')
            results.append((f'a loop calling {fn} vectorises', 4 in vectorised_lines(cc, flags, src, tmp)))
        rng = open(os.path.join(rt, 'rng.c')).read().replace('#include "abi.h"', '')
        for model, name in MODELS:
            r = subprocess.run([snnc, 'emit', os.path.join(root, 'examples', model)], capture_output=True, text=True)
            if r.returncode != 0:
                raise SystemExit(f'Bail out! snnc emit {model}: {r.stderr[:2000]}')
            src = '\n'.join(l for l in r.stdout.split('\n') if not l.startswith('#line')) + '\n' + rng
            span = function_span(src, name)
            ok = span is not None and any(span[0] <= l <= span[1] for l in vectorised_lines(cc, flags, src, tmp))
            results.append((f'{model}: {name} vectorises', ok))
    print(f'1..{len(results)}')
    for k, (what, ok) in enumerate(results, 1):
        print(f'{"ok" if ok else "not ok"} {k} - {what}')
    sys.exit(0 if all(ok for _, ok in results) else 1)


if __name__ == '__main__':
    main()
