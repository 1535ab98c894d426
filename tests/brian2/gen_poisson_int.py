"""Brian2 reference: poisson(l) in expressions (mean and variance of the draws
for several l, seeds 1..4) and int() (truncation toward zero).
Run: /usr/bin/python3 tests/brian2/gen_poisson_int.py"""
from _common import *
from brian2 import *

NAME = 'poisson_int'
LAMBDAS = [0.5, 3.5, 25.0, 200.0]
N = 20000
rows = []
for seed_ in (1, 2, 3, 4):
    prefs.codegen.target = 'numpy'
    seed(seed_)
    G = NeuronGroup(N * len(LAMBDAS), '''l : 1
                                          n : integer''')
    G.l = np.repeat(LAMBDAS, N)
    G.n = 'poisson(l)'
    draws = np.asarray(G.n[:], dtype=float)
    for q, lam in enumerate(LAMBDAS):
        sample = draws[q * N:(q + 1) * N]
        rows.append((seed_, lam, sample.mean(), sample.var()))
    del draws, sample
with open(os.path.join(OUT, NAME + '_stats.csv'), 'w') as f:
    f.write('seed,l,mean,var\n')
    for r in rows:
        f.write('%d,%.17g,%.17g,%.17g\n' % r)
X = [-2.7, -2.5, -0.5, -0.0, 0.5, 2.5, 2.7, -3.0, 3.0, 1e9 + 0.5]
H = NeuronGroup(len(X), '''x : 1
                           k : integer''')
H.x = X
H.k = 'int(x)'
with open(os.path.join(OUT, NAME + '_int.csv'), 'w') as f:
    f.write('x,k\n')
    for a, b in zip(H.x[:], H.k[:]):
        f.write('%.17g,%d\n' % (a, b))
write_md(NAME, f"""
# {NAME}

poisson(l) drawn by Brian2 2.5.1 (numpy target) for {N} neurons at each l in
{LAMBDAS}, seeds 1..4: `{NAME}_stats.csv` holds the mean and variance of each
sample.  `{NAME}_int.csv`: Brian2's int(x) of a few x (truncation toward 0).

```python
G = NeuronGroup({N * len(LAMBDAS)}, '''l : 1
                                   n : integer''')
G.l = np.repeat({LAMBDAS}, {N})
G.n = 'poisson(l)'
H.x = {X}
H.k = 'int(x)'
```
""")
