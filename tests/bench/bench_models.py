"""The benchmark models, shared by the scripts of tests/bench: CUBA at any
size as a .snn text for snnc, and the Brian2 2.5.1 networks (CUBA, COBAHH,
STDP, from Brian2's examples CUBA.py, COBAHH.py and synapses/STDP.py) built
as C++ standalone projects whose main also writes the simulation loop's wall
time (std::chrono) beside Brian2's own loop figure (std::clock(), CPU time).

As a program (run with /usr/bin/python3, which has Brian2):
  bench_models.py MODEL OUTDIR [N] [DURATION_S] [--target cpp_standalone|cython]
builds (standalone: writes OUTDIR with its binary, prints BUILD seconds) or
runs (cython: prints LOOP wall and CPU seconds and SPIKES) MODEL in cuba,
cobahh, stdp.
"""
import os
import sys
import time

SNN_CUBA = '''
taum = 20*ms
taue = 5*ms
taui = 10*ms
Vt = -50*mV
Vr = -60*mV
El = -49*mV
we = (60*0.27/10)*mV
wi = (-20*4.5/10)*mV
Ne = {ne}
neurons P[{n}] {{
    model {{
        dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
        dge/dt = -ge/taue : volt
        dgi/dt = -gi/taui : volt
    }}
    threshold: v>Vt
    reset: v = Vr
    refractory: 5*ms
    method: exact
    init {{ v = Vr + rand() * (Vt - Vr) }}
}}
synapses Ce(P -> P) {{ on_pre: ge += we   connect('i<Ne', p={p}) }}
synapses Ci(P -> P) {{ on_pre: gi += wi   connect('i>=Ne', p={p}) }}
spikemonitor s_mon(P)
run {duration}*second
'''


def snn_cuba(n, p=None, duration=1.0):
    """CUBA with n neurons (80% excitatory), p = 80/n unless given."""
    return SNN_CUBA.format(n=n, ne=int(0.8 * n), p=80.0 / n if p is None else p, duration=duration)


def brian_cuba(b, n, p=None):
    """Brian2's examples/CUBA.py at n neurons (p = 80/n: 80 synapses each)."""
    p = 80.0 / n if p is None else p
    ms, mV = b.ms, b.mV
    taum, taue, taui = 20*ms, 5*ms, 10*ms
    Vt, Vr, El = -50*mV, -60*mV, -49*mV
    eqs = '''
    dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
    dge/dt = -ge/taue : volt
    dgi/dt = -gi/taui : volt
    '''
    P = b.NeuronGroup(n, eqs, threshold='v>Vt', reset='v = Vr', refractory=5*ms, method='exact',
                      namespace=dict(taum=taum, taue=taue, taui=taui, Vt=Vt, Vr=Vr, El=El))
    P.v = 'Vr + rand() * (Vt - Vr)'
    P.ge = 0*mV
    P.gi = 0*mV
    we, wi = (60*0.27/10)*mV, (-20*4.5/10)*mV
    Ce = b.Synapses(P, P, on_pre='ge += we', namespace=dict(we=we))
    Ci = b.Synapses(P, P, on_pre='gi += wi', namespace=dict(wi=wi))
    Ce.connect('i<%d' % int(0.8*n), p=p)
    Ci.connect('i>=%d' % int(0.8*n), p=p)
    return [P, Ce, Ci, b.SpikeMonitor(P)]


def brian_cobahh(b, n=4000):
    """Brian2's examples/COBAHH.py (n neurons, 80% excitatory, p = 0.02)."""
    um, cm, ufarad, siemens, msiemens = b.umetre, b.cm, b.ufarad, b.siemens, b.msiemens
    ms, mV, nS = b.ms, b.mV, b.nS
    area = 20000*um**2
    ns = dict(Cm=(1*ufarad*cm**-2) * area, gl=(5e-5*siemens*cm**-2) * area, El=-60*mV, EK=-90*mV, ENa=50*mV,
              g_na=(100*msiemens*cm**-2) * area, g_kd=(30*msiemens*cm**-2) * area, VT=-63*mV,
              taue=5*ms, taui=10*ms, Ee=0*mV, Ei=-80*mV, we=6*nS, wi=67*nS)
    eqs = b.Equations('''
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
    P = b.NeuronGroup(n, model=eqs, threshold='v>-20*mV', refractory=3*ms, method='exponential_euler',
                      namespace=ns)
    ne = int(0.8 * n)
    Ce = b.Synapses(P[:ne], P, on_pre='ge+=we', namespace=ns)
    Ci = b.Synapses(P[ne:], P, on_pre='gi+=wi', namespace=ns)
    Ce.connect(p=0.02)
    Ci.connect(p=0.02)
    P.v = 'El + (randn() * 5 - 5)*mV'
    P.ge = '(randn() * 1.5 + 4) * 10.*nS'
    P.gi = '(randn() * 12 + 20) * 10.*nS'
    return [P, Ce, Ci, b.SpikeMonitor(P), b.StateMonitor(P, 'v', record=[1, 10, 100])]


def brian_stdp(b, n=1000):
    """Brian2's examples/synapses/STDP.py (Song, Miller & Abbott 2000)."""
    ms, mV, Hz = b.ms, b.mV, b.Hz
    gmax = .01
    dApre = .01
    ns = dict(taum=10*ms, taupre=20*ms, taupost=20*ms, Ee=0*mV, vt=-54*mV, vr=-60*mV, El=-74*mV, taue=5*ms,
              gmax=gmax, dApre=dApre * gmax, dApost=-dApre * 1.05 * gmax)
    poisson_input = b.PoissonGroup(n, rates=15*Hz)
    neurons = b.NeuronGroup(1, '''dv/dt = (ge * (Ee-v) + El - v) / taum : volt
                                  dge/dt = -ge / taue : 1''',
                            threshold='v>vt', reset='v = vr', method='euler', namespace=ns)
    S = b.Synapses(poisson_input, neurons,
                   '''w : 1
                      dApre/dt = -Apre / taupre : 1 (event-driven)
                      dApost/dt = -Apost / taupost : 1 (event-driven)''',
                   on_pre='''ge += w
                          Apre += dApre
                          w = clip(w + Apost, 0, gmax)''',
                   on_post='''Apost += dApost
                           w = clip(w + Apre, 0, gmax)''', namespace=ns)
    S.connect()
    S.w = 'rand() * gmax'
    return [poisson_input, neurons, S, b.StateMonitor(S, 'w', record=[0, 1]), b.SpikeMonitor(poisson_input)]


BRIAN_MODELS = {'cuba': brian_cuba, 'cobahh': brian_cobahh, 'stdp': brian_stdp}

# C++ inserted around the run in a standalone main: the loop's wall time
WALL_BEFORE = 'auto _bench_t0 = std::chrono::steady_clock::now();'
WALL_AFTER = ('{ double _w = std::chrono::duration<double>(std::chrono::steady_clock::now() - _bench_t0).count();'
              ' FILE *_f = fopen("results/bench_loop_wall.txt", "w"); if (_f) { fprintf(_f, "%.9f\\n", _w);'
              ' fclose(_f); } }')


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--target')]
    target = 'cpp_standalone'
    for a in sys.argv[1:]:
        if a.startswith('--target='):
            target = a.split('=', 1)[1]
    model, outdir = args[0], args[1]
    size = int(args[2]) if len(args) > 2 and args[2] != '-' else None
    duration = float(args[3]) if len(args) > 3 else 1.0
    t0 = time.perf_counter()
    import brian2 as b
    if target == 'cpp_standalone':
        b.set_device('cpp_standalone', build_on_run=False, directory=outdir)
        b.prefs.devices.cpp_standalone.openmp_threads = 0
        b.device.headers.append('<chrono>')
    else:
        b.prefs.codegen.target = 'cython'
        b.prefs.codegen.runtime.cython.cache_dir = os.path.join(outdir, 'cython_cache')
    b.defaultclock.dt = 0.1 * b.ms
    b.seed(1)
    objs = BRIAN_MODELS[model](b, size) if size else BRIAN_MODELS[model](b)
    net = b.Network(*objs)
    if target == 'cpp_standalone':
        b.device.insert_code('main', WALL_BEFORE)
        net.run(duration * b.second)
        b.device.insert_code('main', WALL_AFTER)
        b.device.build(directory=outdir, compile=True, run=False)
        print('BUILD', time.perf_counter() - t0)
    else:
        net.run(1 * b.ms)    # compile the Cython code first: not part of the loop
        w0, c0 = time.perf_counter(), time.process_time()
        net.run(duration * b.second)
        print('LOOP', time.perf_counter() - w0, time.process_time() - c0)
        mon = [o for o in objs if isinstance(o, b.SpikeMonitor)][0]
        print('SPIKES', int(mon.num_spikes))


if __name__ == '__main__':
    main()
