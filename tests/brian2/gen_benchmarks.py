"""Brian2 benchmark statistics for snnc: mean firing rates of Brian2's CUBA,
COBA and COBAHH examples (4000 neurons, 1 s) and the final weight
distribution of the STDP example (Song, Miller & Abbott 2000), seeds 1..6.

Usage: /usr/bin/python3 tests/brian2/gen_benchmarks.py MODEL [SEEDS...] [--duration-stdp S]
  MODEL in cuba, coba, cobahh, stdp (seeds default 1..6; STDP runs 100 s as
  in the example). `gen_benchmarks.py summarize` only recomputes mean/std. Results are merged into
  tests/data/brian2/benchmarks.json (one entry per model).
Code-generation target: cython (runtime); seed(k) is called right before each
network is built (start_scope() first), as in the examples.
The models are copied from /usr/share/doc/python-brian-doc/examples
(CUBA.py, COBAHH.py, frompapers/Stimberg_et_al_2018/example_1_COBA.py,
synapses/STDP.py) with plotting removed and SpikeMonitors added.
"""
import json
import os
import sys
import time

from _common import OUT
from brian2 import *
import numpy as np

prefs.codegen.target = 'cython'
defaultclock.dt = 0.1*ms


def cuba(k):
    start_scope()
    seed(k)
    taum = 20*ms
    taue = 5*ms
    taui = 10*ms
    Vt = -50*mV
    Vr = -60*mV
    El = -49*mV
    eqs = '''
    dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
    dge/dt = -ge/taue : volt
    dgi/dt = -gi/taui : volt
    '''
    P = NeuronGroup(4000, eqs, threshold='v>Vt', reset='v = Vr', refractory=5*ms,
                    method='exact')
    P.v = 'Vr + rand() * (Vt - Vr)'
    P.ge = 0*mV
    P.gi = 0*mV
    we = (60*0.27/10)*mV  # excitatory synaptic weight (voltage)
    wi = (-20*4.5/10)*mV  # inhibitory synaptic weight
    Ce = Synapses(P, P, on_pre='ge += we')
    Ci = Synapses(P, P, on_pre='gi += wi')
    Ce.connect('i<3200', p=0.02)
    Ci.connect('i>=3200', p=0.02)
    s_mon = SpikeMonitor(P)
    t0 = time.time()
    run(1 * second)
    return {'rate_hz': s_mon.num_spikes / 4000 / 1.0,
            'n_spikes': int(s_mon.num_spikes),
            'n_synapses': int(len(Ce) + len(Ci)),
            'run_s': time.time() - t0}


def coba(k):
    # Stimberg et al. 2018, example_1_COBA.py (the COBA network of Brian2's
    # examples): 3200 exc + 800 inh conductance-based LIF, Tsodyks-Markram STP.
    start_scope()
    seed(k)
    duration = 1.0*second
    N_e = 3200
    N_i = 800
    E_l = -60*mV
    g_l = 9.99*nS
    E_e = 0*mV
    E_i = -80*mV
    C_m = 198*pF
    tau_e = 5*ms
    tau_i = 10*ms
    tau_r = 5*ms
    I_ex = 150*pA
    V_th = -50*mV
    V_r = E_l
    w_e = 0.05*nS
    w_i = 1.0*nS
    U_0 = 0.6
    Omega_d = 2.0/second
    Omega_f = 3.33/second
    neuron_eqs = '''
    dv/dt = (g_l*(E_l-v) + g_e*(E_e-v) + g_i*(E_i-v) +
             I_ex)/C_m    : volt (unless refractory)
    dg_e/dt = -g_e/tau_e  : siemens  # post-synaptic exc. conductance
    dg_i/dt = -g_i/tau_i  : siemens  # post-synaptic inh. conductance
    '''
    neurons = NeuronGroup(N_e + N_i, model=neuron_eqs,
                          threshold='v>V_th', reset='v=V_r',
                          refractory='tau_r', method='euler')
    neurons.v = 'E_l + rand()*(V_th-E_l)'
    neurons.g_e = 'rand()*w_e'
    neurons.g_i = 'rand()*w_i'
    exc_neurons = neurons[:N_e]
    inh_neurons = neurons[N_e:]
    synapses_eqs = '''
    du_S/dt = -Omega_f * u_S     : 1 (event-driven)
    dx_S/dt = Omega_d *(1 - x_S) : 1 (event-driven)
    '''
    synapses_action = '''
    u_S += U_0 * (1 - u_S)
    r_S = u_S * x_S
    x_S -= r_S
    '''
    exc_syn = Synapses(exc_neurons, neurons, model=synapses_eqs,
                       on_pre=synapses_action+'g_e_post += w_e*r_S')
    inh_syn = Synapses(inh_neurons, neurons, model=synapses_eqs,
                       on_pre=synapses_action+'g_i_post += w_i*r_S')
    exc_syn.connect(p=0.05)
    inh_syn.connect(p=0.2)
    exc_syn.x_S = 1
    inh_syn.x_S = 1
    s_mon = SpikeMonitor(neurons)
    t0 = time.time()
    run(duration)
    n = N_e + N_i
    i = np.asarray(s_mon.i[:])
    return {'rate_hz': s_mon.num_spikes / n / 1.0,
            'rate_exc_hz': float(np.sum(i < N_e)) / N_e,
            'rate_inh_hz': float(np.sum(i >= N_e)) / N_i,
            'n_spikes': int(s_mon.num_spikes),
            'n_synapses': int(len(exc_syn) + len(inh_syn)),
            'run_s': time.time() - t0}


def cobahh(k):
    start_scope()
    seed(k)
    area = 20000*umetre**2
    Cm = (1*ufarad*cm**-2) * area
    gl = (5e-5*siemens*cm**-2) * area
    El = -60*mV
    EK = -90*mV
    ENa = 50*mV
    g_na = (100*msiemens*cm**-2) * area
    g_kd = (30*msiemens*cm**-2) * area
    VT = -63*mV
    taue = 5*ms
    taui = 10*ms
    Ee = 0*mV
    Ei = -80*mV
    we = 6*nS  # excitatory synaptic weight
    wi = 67*nS  # inhibitory synaptic weight
    eqs = Equations('''
    dv/dt = (gl*(El-v)+ge*(Ee-v)+gi*(Ei-v)-
             g_na*(m*m*m)*h*(v-ENa)-
             g_kd*(n*n*n*n)*(v-EK))/Cm : volt
    dm/dt = alpha_m*(1-m)-beta_m*m : 1
    dn/dt = alpha_n*(1-n)-beta_n*n : 1
    dh/dt = alpha_h*(1-h)-beta_h*h : 1
    dge/dt = -ge*(1./taue) : siemens
    dgi/dt = -gi*(1./taui) : siemens
    alpha_m = 0.32*(mV**-1)*4*mV/exprel((13*mV-v+VT)/(4*mV))/ms : Hz
    beta_m = 0.28*(mV**-1)*5*mV/exprel((v-VT-40*mV)/(5*mV))/ms : Hz
    alpha_h = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
    beta_h = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
    alpha_n = 0.032*(mV**-1)*5*mV/exprel((15*mV-v+VT)/(5*mV))/ms : Hz
    beta_n = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
    ''')
    P = NeuronGroup(4000, model=eqs, threshold='v>-20*mV', refractory=3*ms,
                    method='exponential_euler')
    Pe = P[:3200]
    Pi = P[3200:]
    Ce = Synapses(Pe, P, on_pre='ge+=we')
    Ci = Synapses(Pi, P, on_pre='gi+=wi')
    Ce.connect(p=0.02)
    Ci.connect(p=0.02)
    P.v = 'El + (randn() * 5 - 5)*mV'
    P.ge = '(randn() * 1.5 + 4) * 10.*nS'
    P.gi = '(randn() * 12 + 20) * 10.*nS'
    s_mon = SpikeMonitor(P)
    t0 = time.time()
    run(1 * second)
    return {'rate_hz': s_mon.num_spikes / 4000 / 1.0,
            'n_spikes': int(s_mon.num_spikes),
            'n_synapses': int(len(Ce) + len(Ci)),
            'run_s': time.time() - t0}


STDP_DURATION = 100*second


def stdp(k):
    start_scope()
    seed(k)
    N = 1000
    taum = 10*ms
    taupre = 20*ms
    taupost = taupre
    Ee = 0*mV
    vt = -54*mV
    vr = -60*mV
    El = -74*mV
    taue = 5*ms
    F = 15*Hz
    gmax = .01
    dApre = .01
    dApost = -dApre * taupre / taupost * 1.05
    dApost *= gmax
    dApre *= gmax
    eqs_neurons = '''
    dv/dt = (ge * (Ee-v) + El - v) / taum : volt
    dge/dt = -ge / taue : 1
    '''
    poisson_input = PoissonGroup(N, rates=F)
    neurons = NeuronGroup(1, eqs_neurons, threshold='v>vt', reset='v = vr',
                          method='euler')
    S = Synapses(poisson_input, neurons,
                 '''w : 1
                    dApre/dt = -Apre / taupre : 1 (event-driven)
                    dApost/dt = -Apost / taupost : 1 (event-driven)''',
                 on_pre='''ge += w
                        Apre += dApre
                        w = clip(w + Apost, 0, gmax)''',
                 on_post='''Apost += dApost
                         w = clip(w + Apre, 0, gmax)''',
                 )
    S.connect()
    S.w = 'rand() * gmax'
    post_mon = SpikeMonitor(neurons)
    t0 = time.time()
    run(STDP_DURATION)
    wn = np.asarray(S.w[:]) / gmax
    return {'frac_below_0.05': float(np.mean(wn < 0.05)),
            'frac_above_0.95': float(np.mean(wn > 0.95)),
            'mean_w_over_gmax': float(np.mean(wn)),
            'post_rate_hz': post_mon.num_spikes / float(STDP_DURATION),
            'duration_s': float(STDP_DURATION),
            'run_s': time.time() - t0}


MODELS = {'cuba': cuba, 'coba': coba, 'cobahh': cobahh, 'stdp': stdp}
SOURCES = {
    'cuba': 'examples/CUBA.py',
    'coba': 'examples/frompapers/Stimberg_et_al_2018/example_1_COBA.py (seed(11922) replaced by seed(k))',
    'cobahh': 'examples/COBAHH.py',
    'stdp': 'examples/synapses/STDP.py',
}

def summarize(entry):
    """mean and sample std (ddof=1) over all seeds stored so far; timing
    fields (*_s) and n_synapses are left out."""
    per = list(entry['per_seed'].values())
    keys = [x for x in per[0] if not x.endswith('_s') and x != 'n_synapses']
    entry['mean'] = {x: float(np.mean([v[x] for v in per])) for x in keys}
    entry['std'] = {x: float(np.std([v[x] for v in per], ddof=1)) if len(per) > 1 else 0.0
                    for x in keys}
    entry['seeds'] = sorted(int(s) for s in entry['per_seed'])
    entry['note'] = ('run_s = wall time of run() (the first seed of a process includes '
                     'Cython compilation); wall_s = build + run')


if __name__ == '__main__':
    args = sys.argv[1:]
    if args == ['summarize']:   # recompute mean/std of the stored results only
        fn = os.path.join(OUT, 'benchmarks.json')
        res = json.load(open(fn))
        for e in res.values():
            summarize(e)
        with open(fn, 'w') as f:
            json.dump(res, f, indent=1, sort_keys=True)
        sys.exit(0)
    if '--duration-stdp' in args:
        p = args.index('--duration-stdp')
        STDP_DURATION = float(args[p + 1])*second
        del args[p:p + 2]
    name = args[0]
    seeds = [int(x) for x in args[1:]] or [1, 2, 3, 4, 5, 6]
    fn = os.path.join(OUT, 'benchmarks.json')
    res = json.load(open(fn)) if os.path.exists(fn) else {}
    entry = res.get(name, {})
    entry['source'] = SOURCES[name]
    entry['target'] = 'cython'
    entry['brian2'] = '2.5.1'
    entry.setdefault('per_seed', {})
    for k in seeds:
        t0 = time.time()
        r = MODELS[name](k)
        r['wall_s'] = time.time() - t0
        entry['per_seed'][str(k)] = r
        print(name, k, r, flush=True)
        summarize(entry)
        res[name] = entry
        with open(fn, 'w') as f:
            json.dump(res, f, indent=1, sort_keys=True)
