"""Brian2 reference: synapses on synapses, Brian2's
examples/frompapers/Stimberg_et_al_2018/example_3_io_synapse.py (modulation
of synaptic release by gliotransmission: an astrocyte's gliotransmitter
reaches a synapse through Synapses(astrocyte, synapses) and a summed
variable), run with the numpy target instead of C++ standalone; the synapse
and fast astrocyte monitors record the last 600 ms only (switched on after
the transient), two slow monitors the whole run every 20 ms.
The snnc model is tests/networks/astro_io_synapse.snn.
Run: /usr/bin/python3 tests/brian2/gen_astro_io_synapse.py"""
from _common import *
from brian2 import *

NAME = 'astro_io_synapse'
MODEL = '''
prefs.codegen.target = 'numpy'
transient = 16.5*second
duration = transient + 600*ms
sim_dt = 1*ms
rho_c = 0.005
Y_T = 500*mmolar
Omega_c = 40/second
U_0__star = 0.6
Omega_f = 3.33/second
Omega_d = 2.0/second
O_G = 1.5/umolar/second
Omega_G = 0.5/(60*second)
O_P = 0.9*umolar/second
K_P = 0.05 * umolar
C_T = 2*umolar
rho_A = 0.18
Omega_C = 6/second
Omega_L = 0.1/second
d_1 = 0.13*umolar
d_2 = 1.05*umolar
O_2 = 0.2/umolar/second
d_3 = 0.9434*umolar
d_5 = 0.08*umolar
O_delta = 0.6*umolar/second
kappa_delta = 1.5* umolar
K_delta = 0.1*umolar
Omega_5P = 0.05/second
K_D = 0.7*umolar
K_3K = 1.0*umolar
O_3K = 4.5*umolar/second
F_ex = 2.0*umolar/second
I_Theta = 0.3*umolar
omega_I = 0.05*umolar
C_Theta = 0.5*umolar
Omega_A = 0.6/second
U_A = 0.6
G_T = 200*mmolar
rho_e = 6.5e-4
Omega_e = 60/second
alpha = 0.0
defaultclock.dt = sim_dt
spikes = [0, 50, 100, 150, 200,
          300, 310, 320, 330, 340, 350, 360, 370, 380, 390, 400]*ms
spikes += transient
source_neurons = SpikeGeneratorGroup(1, np.zeros(len(spikes)), spikes)
target_neurons = NeuronGroup(1, '')
synapses_eqs = """
dY_S/dt = -Omega_c * Y_S        : mmolar (clock-driven)
dGamma_S/dt = O_G * G_A * (1 - Gamma_S) -
              Omega_G * Gamma_S : 1 (clock-driven)
du_S/dt = -Omega_f * u_S        : 1 (clock-driven)
dx_S/dt = Omega_d *(1 - x_S)    : 1 (clock-driven)
r_S                             : 1
G_A                             : mmolar
"""
synapses_action = """
U_0 = (1 - Gamma_S) * U_0__star + alpha * Gamma_S
u_S += U_0 * (1 - u_S)
r_S = u_S * x_S
x_S -= r_S
Y_S += rho_c * Y_T * r_S
"""
synapses = Synapses(source_neurons, target_neurons,
                    model=synapses_eqs, on_pre=synapses_action,
                    method='exact')
synapses.connect(True, n=3)
astro_eqs = """
dI/dt = J_delta - J_3K - J_5P + J_ex                             : mmolar
J_delta = O_delta/(1 + I/kappa_delta) * C**2/(C**2 + K_delta**2) : mmolar/second
J_3K = O_3K * C**4/(C**4 + K_D**4) * I/(I + K_3K)                : mmolar/second
J_5P = Omega_5P*I                                                : mmolar/second
delta_I_bias = I - I_bias          : mmolar
J_ex = -F_ex/2*(1 + tanh((abs(delta_I_bias) - I_Theta)/omega_I)) *
                sign(delta_I_bias) : mmolar/second
I_bias                             : mmolar (constant)
dC/dt = (Omega_C * m_inf**3 * h**3 + Omega_L) * (C_T - (1 + rho_A)*C) -
        O_P * C**2/(C**2 + K_P**2) : mmolar
dh/dt = (h_inf - h)/tau_h : 1
m_inf = I/(I + d_1) * C/(C + d_5)  : 1
h_inf = Q_2/(Q_2 + C)              : 1
tau_h = 1/(O_2 * (Q_2 + C))        : second
Q_2 = d_2 * (I + d_1)/(I + d_3)    : mmolar
dx_A/dt = Omega_A * (1 - x_A)      : 1
dG_A/dt = -Omega_e*G_A             : mmolar
"""
glio_release = """
G_A += rho_e * G_T * U_A * x_A
x_A -= U_A *  x_A
"""
astrocyte = NeuronGroup(2, astro_eqs,
                        threshold='C>C_Theta',
                        refractory='C>C_Theta',
                        reset=glio_release,
                        method='rk4')
astrocyte.x_A = 1.0
astrocyte.h = 0.9
astrocyte.I = 0.4*umolar
astrocyte.I_bias = np.asarray([0.8, 1.25])*umolar
ecs_astro_to_syn = Synapses(astrocyte, synapses,
                            'G_A_post = G_A_pre : mmolar (summed)')
ecs_astro_to_syn.connect(j='i+1')
astro_spk = SpikeMonitor(astrocyte)
syn_mon = StateMonitor(synapses, variables=['u_S', 'x_S', 'r_S', 'Y_S', 'Gamma_S'],
                       record=[0, 1, 2])
ast_mon = StateMonitor(astrocyte, variables=['C', 'I'], record=True)
ast_slow = StateMonitor(astrocyte, variables=['C', 'G_A'], record=True, dt=20*ms)
syn_slow = StateMonitor(synapses, variables=['G_A', 'Gamma_S'], record=[1, 2], dt=20*ms)
syn_mon.active = False
ast_mon.active = False
run(transient)
syn_mon.active = True
ast_mon.active = True
run(600*ms)
'''
exec(prep(MODEL))
dt = float(defaultclock.dt_)
i, s = write_spikes(NAME + '_spikes.csv', astro_spk, dt)
write_trace(NAME + '_syn_trace.csv', syn_mon,
            [(v, k) for k in range(3) for v in ('u_S', 'x_S', 'r_S', 'Y_S', 'Gamma_S')], dt)
write_trace(NAME + '_astro_trace.csv', ast_mon, [(v, k) for k in range(2) for v in ('C', 'I')], dt)
write_trace(NAME + '_astro_slow.csv', ast_slow, [(v, k) for k in range(2) for v in ('C', 'G_A')], dt)
write_trace(NAME + '_syn_slow.csv', syn_slow, [(v, k) for k in range(2) for v in ('G_A', 'Gamma_S')], dt)
write_md(NAME, f'''
# {NAME}

Synapses on synapses: Brian2's
examples/frompapers/Stimberg_et_al_2018/example_3_io_synapse.py (Stimberg et
al. 2018, figure 3: modulation of synaptic release by gliotransmission). One
spike source makes three synapses onto a dummy target (`connect(True, n=3)`);
two astrocytes (rk4, threshold and refractoriness on their Ca2+) release
gliotransmitter G_A, which reaches the second and third synapse through
`Synapses(astrocyte, synapses, 'G_A_post = G_A_pre : mmolar (summed)')`,
`connect(j='i+1')`, and raises their presynaptic receptor activation
Gamma_S (which lowers the release probability). Brian2 2.5.1, numpy target
(the example uses C++ standalone), dt = 1 ms, 17.1 s. The state monitors
`syn_mon` (synapses 0-2: u_S, x_S, r_S, Y_S, Gamma_S) and `ast_mon`
(astrocytes: C, I) are switched on after the 16.5 s transient and record
the last 600 ms (when='start', every step); `ast_slow` (astrocytes: C, G_A)
and `syn_slow` (synapses 1 and 2: G_A, the summed gliotransmitter, and
Gamma_S) record the whole run every 20 ms (G_A decays to subnormal numbers
between releases, so it is compared where it is large). Astrocyte spikes (gliotransmitter
releases): i = {list(i)}, steps = {list(s)}.

```python
{MODEL.strip()}
```
''')
print(NAME, 'astrocyte spikes', list(zip(i, s)))
