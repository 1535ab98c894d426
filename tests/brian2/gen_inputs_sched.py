"""Brian2 reference for snnc's tests/networks/inputs_sched.snn: a timedarray
(1-D and 2-D) in an equation, run_regularly, a rate monitor, a state monitor
with its own dt and when='end', and a summed variable moved after the
groups slot."""
import numpy as np
import sys
sys.path.insert(0, '/work/main/tests/brian2')
from brian2 import *
prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1*ms
out = sys.argv[1]
stim = TimedArray([0, 1, 0.5, 2]*nA, dt=5*ms)
stim2 = TimedArray(np.array([[0, 1], [1, 0], [0.5, 0.5]])*nA, dt=7*ms)
G = NeuronGroup(3, '''dv/dt = (-70*mV - v)/(10*ms) + (stim(t) + stim2(t, i % 2))/(200*pF) : volt
                      count : 1''',
                threshold='v > -50*mV', reset='v = -70*mV', method='euler')
G.v = '-70*mV + i*5*mV'
G.run_regularly('count += 1', dt=2*ms)
R = PopulationRateMonitor(G)
M = StateMonitor(G, ['v', 'count'], record=[0, 2], dt=1*ms, when='end')
SM = SpikeMonitor(G)
run(30*ms)
np.savetxt(out + '/inputs_sched_spikes.csv', np.c_[SM.i[:], np.round(SM.t/defaultclock.dt).astype(int)],
           fmt='%d', delimiter=',', header='i,step', comments='')
rows = [[int(round(t/defaultclock.dt))] + [M.v[0][k], M.count[0][k], M.v[1][k], M.count[1][k]] for k, t in enumerate(M.t)]
with open(out + '/inputs_sched_trace.csv', 'w') as f:
    f.write('step,v_0,count_0,v_2,count_2\n')
    for r in rows:
        f.write('%d,%s\n' % (r[0], ','.join('%.17g' % float(x) for x in r[1:])))
with open(out + '/inputs_sched_rate.csv', 'w') as f:
    f.write('step,rate\n')
    for t, r in zip(R.t, R.rate):
        f.write('%d,%.17g\n' % (int(round(t/defaultclock.dt)), float(r)))
print(len(SM.i), np.bincount(SM.i, minlength=3))
