"""Brian2 2.5.1 references for snnc's spatialneurons (run with /usr/bin/python3).

Writes tests/data/spatial/<name>.csv: header "step,v_<i>,...", the membrane
potential of the recorded compartments at every step (StateMonitor at
when='start', the value before that step's update), %.17g, and for the
models with a threshold <name>_spikes.csv ("i,step").  Cython target, whose
spatialstateupdate has the operation order of snnc's emitted solver.
The .snn models that must give the same numbers are tests/spatial/<name>.snn.
"""
import os
import sys
import warnings

warnings.filterwarnings('ignore')
from brian2 import *  # noqa

prefs.codegen.target = os.environ.get('BRIAN2_REF_TARGET', 'cython')
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.environ.get('BRIAN2_REF_OUT') or os.path.normpath(os.path.join(HERE, '..', 'data', 'spatial'))
os.makedirs(OUT, exist_ok=True)


def write(name, mon, record):
    steps = np.round(mon.t_ / defaultclock.dt_).astype(int)
    with open(os.path.join(OUT, name + '.csv'), 'w') as f:
        f.write('step,' + ','.join(f'v_{i}' for i in record) + '\n')
        for r, s in enumerate(steps):
            f.write(str(s) + ''.join(',%.17g' % mon.v_[k][r] for k in range(len(record))) + '\n')


def write_spikes(name, sm):
    with open(os.path.join(OUT, name + '_spikes.csv'), 'w') as f:
        f.write('i,step\n')
        for i, t in sorted(zip(sm.i[:], np.round(sm.t_ / defaultclock.dt_).astype(int)), key=lambda p: (p[1], p[0])):
            f.write(f'{i},{t}\n')


def passive_cable():
    """A sealed finite cable, a current step into its first compartment."""
    start_scope()
    defaultclock.dt = 0.01 * ms
    gL = 1e-4 * siemens / cm**2
    EL = -70 * mV
    morpho = Cylinder(diameter=1 * um, length=300 * um, n=200)
    eqs = '''
    Im = gL*(EL - v) : amp/meter**2
    I : amp (point current)
    '''
    neuron = SpatialNeuron(morphology=morpho, model=eqs, Cm=1 * uF / cm**2, Ri=150 * ohm * cm)
    neuron.v = EL
    neuron.I[0] = 0.02 * nA
    record = [0, 50, 199]
    mon = StateMonitor(neuron, 'v', record=record)
    run(5 * ms)
    write('passive_cable', mon, record)


def ball_and_stick():
    """A soma with a dendrite (two sections, the second tapered with
    coordinates) and an axon: the coupling between sections at a branch
    point; current into the dendrite's middle."""
    start_scope()
    defaultclock.dt = 0.025 * ms
    gL = 5e-5 * siemens / cm**2
    EL = -65 * mV
    morpho = Soma(diameter=20 * um)
    morpho.dend = Cylinder(diameter=2 * um, length=200 * um, n=20)
    morpho.dend.tip = Section(diameter=[2, 1.5, 1, 0.5] * um, n=3, x=[0, 10, 20, 30] * um, y=[0, 5, 10, 15] * um)
    morpho.axon = Cylinder(diameter=1 * um, length=500 * um, n=25)
    eqs = '''
    Im = gL*(EL - v) : amp/meter**2
    I : amp (point current)
    '''
    neuron = SpatialNeuron(morphology=morpho, model=eqs, Cm=1 * uF / cm**2, Ri=100 * ohm * cm)
    neuron.v = EL
    neuron.I[10] = 0.05 * nA
    record = [0, 1, 10, 20, 21, 23, 24, 48]
    mon = StateMonitor(neuron, 'v', record=record)
    run(10 * ms)
    write('ball_and_stick', mon, record)


def hh_axon():
    """A Hodgkin-Huxley axon (Rallpack 3's channels) of 100 compartments,
    exponential Euler for the gates, a spike threshold at its far end."""
    start_scope()
    defaultclock.dt = 0.01 * ms
    morpho = Cylinder(diameter=1 * um, length=1 * mm, n=100)
    gl = 1.0 / (40000 * ohm * cm**2)
    El = -65 * mV
    ENa = 50 * mV
    EK = -77 * mV
    gNa = 120 * msiemens / cm**2
    gK = 36 * msiemens / cm**2
    eqs = '''
    Im = gl * (El-v) + gNa * m**3 * h * (ENa-v) + gK * n**4 * (EK-v) : amp/meter**2
    dm/dt = alpham * (1-m) - betam * m : 1
    dn/dt = alphan * (1-n) - betan * n : 1
    dh/dt = alphah * (1-h) - betah * h : 1
    v_shifted = v - El : volt
    alpham = (0.1/mV) * (-v_shifted+25*mV) / (exp((-v_shifted+25*mV) / (10*mV)) - 1)/ms : Hz
    betam = 4 * exp(-v_shifted/(18*mV))/ms : Hz
    alphah = 0.07 * exp(-v_shifted/(20*mV))/ms : Hz
    betah = 1/(exp((-v_shifted+30*mV) / (10*mV)) + 1)/ms : Hz
    alphan = (0.01/mV) * (-v_shifted+10*mV) / (exp((-v_shifted+10*mV) / (10*mV)) - 1)/ms : Hz
    betan = 0.125*exp(-v_shifted/(80*mV))/ms : Hz
    I : amp (point current, constant)
    '''
    axon = SpatialNeuron(morphology=morpho, model=eqs, Cm=1 * uF / cm**2, Ri=100 * ohm * cm,
                         method='exponential_euler', threshold='v > 0*mV', threshold_location=99,
                         refractory='v > -40*mV')
    axon.v = El
    axon.m = 0.0529324852572
    axon.n = 0.317676914061
    axon.h = 0.596120753508
    axon.I[0] = 0.2 * nA
    record = [0, 25, 50, 99]
    mon = StateMonitor(axon, 'v', record=record)
    sm = SpikeMonitor(axon)
    run(20 * ms)
    write('hh_axon', mon, record)
    write_spikes('hh_axon', sm)


def hh_axon_velocity():
    """examples/compartmental/hh_axon.snn: the time the spike passes each of
    500 compartments (the propagation velocity)."""
    start_scope()
    defaultclock.dt = 0.01 * ms
    morpho = Cylinder(diameter=2 * um, length=5 * mm, n=500)
    gl = 1.0 / (40000 * ohm * cm**2)
    El = -65 * mV
    ENa = 50 * mV
    EK = -77 * mV
    gNa = 120 * msiemens / cm**2
    gK = 36 * msiemens / cm**2
    eqs = '''
    Im = gl*(El - v) + gNa*m**3*h*(ENa - v) + gK*n**4*(EK - v) : amp/meter**2
    I : amp (point current)
    dm/dt = alpham*(1 - m) - betam*m : 1
    dn/dt = alphan*(1 - n) - betan*n : 1
    dh/dt = alphah*(1 - h) - betah*h : 1
    v_shifted = v - El : volt
    alpham = (0.1/mV)*(-v_shifted + 25*mV)/(exp((-v_shifted + 25*mV)/(10*mV)) - 1)/ms : Hz
    betam = 4*exp(-v_shifted/(18*mV))/ms : Hz
    alphah = 0.07*exp(-v_shifted/(20*mV))/ms : Hz
    betah = 1/(exp((-v_shifted + 30*mV)/(10*mV)) + 1)/ms : Hz
    alphan = (0.01/mV)*(-v_shifted + 10*mV)/(exp((-v_shifted + 10*mV)/(10*mV)) - 1)/ms : Hz
    betan = 0.125*exp(-v_shifted/(80*mV))/ms : Hz
    '''
    axon = SpatialNeuron(morphology=morpho, model=eqs, Cm=1 * uF / cm**2, Ri=100 * ohm * cm,
                         method='exponential_euler', threshold='v > 0*mV', refractory='v > -40*mV')
    axon.v = El
    axon.m = 0.0529324852572
    axon.n = 0.317676914061
    axon.h = 0.596120753508
    sm = SpikeMonitor(axon)
    # snnc's model gives the pulse as a timedarray (Brian2 2.5.1's cython
    # spatial updater fails to compile one): the same current at each step
    run(1 * ms)
    axon.I[0] = 1 * nA
    run(1 * ms)
    axon.I[0] = 0 * nA
    run(13 * ms)
    write_spikes('hh_axon_velocity', sm)


def ball_and_stick_synapses():
    """examples/compartmental/ball_and_stick.snn: an HH soma, synapses onto
    the dendrite's tip from a spike generator; v at five compartments and the
    soma's spikes."""
    start_scope()
    defaultclock.dt = 0.01 * ms
    gL = 1e-4 * siemens / cm**2
    EL = -65 * mV
    ENa = 50 * mV
    EK = -77 * mV
    gNa_soma = 120 * msiemens / cm**2
    gK_soma = 36 * msiemens / cm**2
    Es = 0 * mV
    taus = 2 * ms
    w = 3 * nS
    morpho = Soma(diameter=25 * um)
    morpho.dend = Cylinder(diameter=2 * um, length=300 * um, n=30)
    morpho.axon = Cylinder(diameter=1 * um, length=100 * um, n=10)
    eqs = '''
    Im = gL*(EL - v) + gNa*m**3*h*(ENa - v) + gK*n**4*(EK - v) : amp/meter**2
    Is = gs*(Es - v) : amp (point current)
    dgs/dt = -gs/taus : siemens
    dm/dt = alpham*(1 - m) - betam*m : 1
    dn/dt = alphan*(1 - n) - betan*n : 1
    dh/dt = alphah*(1 - h) - betah*h : 1
    alpham = (0.1/mV)*10*mV/exprel((-v + EL + 25*mV)/(10*mV))/ms : Hz
    betam = 4*exp((-v + EL)/(18*mV))/ms : Hz
    alphah = 0.07*exp((-v + EL)/(20*mV))/ms : Hz
    betah = 1/(exp((-v + EL + 30*mV)/(10*mV)) + 1)/ms : Hz
    alphan = (0.01/mV)*10*mV/exprel((-v + EL + 10*mV)/(10*mV))/ms : Hz
    betan = 0.125*exp((-v + EL)/(80*mV))/ms : Hz
    gNa : siemens/meter**2 (constant)
    gK : siemens/meter**2 (constant)
    '''
    cell = SpatialNeuron(morphology=morpho, model=eqs, Cm=1 * uF / cm**2, Ri=100 * ohm * cm,
                         method='exponential_euler', threshold='v > -20*mV', threshold_location=0,
                         refractory='v > -40*mV')
    cell.v = EL
    cell.m = 0.0529
    cell.n = 0.3177
    cell.h = 0.5961
    cell.gNa[0] = gNa_soma      # (snnc: gNa = gNa_soma*(i == 0))
    cell.gK[0] = gK_soma
    inp = SpikeGeneratorGroup(1, [0] * 9, [5, 6, 7, 25, 26, 27, 28, 29, 30] * ms)
    S = Synapses(inp, cell, on_pre='gs_post += w')
    S.connect(i=0, j=30)
    record = [0, 10, 20, 30, 40]
    mon = StateMonitor(cell, 'v', record=record)
    sm = SpikeMonitor(cell)
    run(50 * ms)
    write('ball_and_stick_synapses', mon, record)
    write_spikes('ball_and_stick_synapses', sm)


def swc_cell():
    """tests/data/spatial/cell.swc (three-point soma, branches): the
    geometry of every compartment, and a passive response to current into a
    dendrite's tip."""
    start_scope()
    defaultclock.dt = 0.01 * ms
    morpho = Morphology.from_swc_file(os.path.join(OUT, 'cell.swc'))
    gL = 1e-4 * siemens / cm**2
    EL = -70 * mV
    eqs = '''
    Im = gL*(EL - v) : amp/meter**2
    I : amp (point current)
    '''
    neuron = SpatialNeuron(morphology=morpho, model=eqs, Cm=1 * uF / cm**2, Ri=100 * ohm * cm)
    names = ['area', 'length', 'distance', 'diameter', 'r_length_1', 'r_length_2', 'x', 'y', 'z']
    with open(os.path.join(OUT, 'swc_cell_geometry.csv'), 'w') as f:
        f.write(','.join(names) + '\n')
        for k in range(len(neuron)):
            f.write(','.join('%.17g' % getattr(neuron, n + '_')[k] for n in names) + '\n')
    neuron.v = EL
    neuron.I[11] = 0.01 * nA
    record = [0, 4, 11, 15]
    mon = StateMonitor(neuron, 'v', record=record)
    run(5 * ms)
    write('swc_cell', mon, record)


def sections():
    """tests/spatial/sections.snn: synapses onto the compartment at 150 um
    along the dendrite (Brian2's morpho.dend[150*um]), v of the subtree
    below the dendrite (neuron.dend.L), and the indices that addressing by
    section gives (sections_index.csv: "address,start,stop", Brian2's
    SubMorphology indices and SpatialSubgroup start and stop)."""
    start_scope()
    defaultclock.dt = 0.01 * ms
    gL = 1e-4 * siemens / cm**2
    EL = -65 * mV
    Es = 0 * mV
    taus = 2 * ms
    w = 3 * nS
    morpho = Soma(diameter=25 * um)
    morpho.dend = Cylinder(diameter=2 * um, length=300 * um, n=30)
    morpho.dend.L = Cylinder(diameter=1 * um, length=100 * um, n=8)
    morpho.axon = Cylinder(diameter=1 * um, length=100 * um, n=10)
    eqs = """
    Im = gL*(EL - v) : amp/meter**2
    Is = gs*(Es - v) : amp (point current)
    dgs/dt = -gs/taus : siemens
    """
    neuron = SpatialNeuron(morphology=morpho, model=eqs, Cm=1 * uF / cm**2, Ri=100 * ohm * cm)
    neuron.v = EL
    rows = []
    for q in ['0*um', '5*um', '10*um', '50*um', '55*um', '149.99*um', '150*um']:
        k = int(morpho.dend[eval(q)].indices[:][0])
        rows.append((f'cell.dend[{q}]', k, k + 1))
    k = int(morpho.dend.L[30 * um].indices[:][0])
    rows.append(('cell.dend.L[30*um]', k, k + 1))
    k = int(morpho.axon[0 * um].indices[:][0])
    rows.append(('cell.axon[0*um]', k, k + 1))
    for name, sub in [('cell.dend', neuron.dend), ('cell.dend.L', neuron.dend.L), ('cell.axon', neuron.axon),
                      ('cell.dend[10*um:50*um]', neuron.dend[10 * um:50 * um]), ('cell.dend[3:5]', neuron.dend[3:5]),
                      ]:
        rows.append((name, int(sub.start), int(sub.stop)))
    for name, sub in [('cell.dend[:20*um]', morpho.dend[:20 * um]), ('cell.axon[95*um:]', morpho.axon[95 * um:])]:
        k = sub.indices[:]
        rows.append((name, int(k[0]), int(k[-1]) + 1))
    with open(os.path.join(OUT, 'sections_index.csv'), 'w') as f:
        f.write('address,start,stop\n')
        for r in rows:
            f.write('%s,%d,%d\n' % r)
    inp = SpikeGeneratorGroup(1, [0, 0], [5, 6] * ms)
    S = Synapses(inp, neuron[morpho.dend[150 * um]], on_pre='gs_post += w')
    S.connect(i=0, j=0)
    record = list(range(neuron.dend.L.start, neuron.dend.L.stop))
    mon = StateMonitor(neuron, 'v', record=record)
    mon2 = StateMonitor(neuron, 'v', record=[morpho.dend[150 * um].indices[:][0]])
    run(10 * ms)
    write('sections', mon, record)
    write('sections_synapse', mon2, [int(morpho.dend[150 * um].indices[:][0])])


if __name__ == '__main__':
    for name in sys.argv[1:] or ['passive_cable', 'ball_and_stick', 'hh_axon', 'hh_axon_velocity', 'swc_cell',
                                      'ball_and_stick_synapses', 'sections']:
        globals()[name]()
