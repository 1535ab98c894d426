/* SPDX-License-Identifier: MIT */
/* This file contains the tests of the model library (models/): every
 * template is instantiated through 'import' and checked against its
 * reference -- a spike time for a constant input in closed form, a PSP or
 * PSC peak computed analytically, a fixed point of the equations, NEST's
 * STDP weight change for one pre-post pair, Tsodyks-Markram's steady-state
 * depression -- with the expected value and its derivation next to each
 * check.  Also: imports (search path, errors located in the imported file,
 * cycles, missing files) and two instances of one template with different
 * parameters side by side. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snn.h"
#include "test-common.h"

#define DT 1e-4      /* the default time step, 0.1 ms */

/* As in Brian2, a spike delivered in the step at time t is added after
 * that step's state update, so the state shows it from t + dt: a spike
 * emitted at 10 ms with a delay of 1 ms acts from 11 ms + dt on. */

/* Load src as if it were a file in the project's root (so that
 * 'import "models/X.snn"' finds the library) and run its run statements. */
static snn_ctx *run_src(const char *src)
{
    snn_ctx *ctx = snn_new();
    char name[4200];
    snprintf(name, sizeof name, "%s/../library_test.snn", SNN_TEST_DIR);
    int rc = snn_load_string(ctx, src, strlen(src), name);
    ck_assert_msg(rc == SNN_OK, "%s", snn_errmsg(ctx));
    rc = snn_run_script(ctx);
    ck_assert_msg(rc == SNN_OK, "%s", snn_errmsg(ctx));
    return ctx;
}

/* The time of spike number k (0-based) of neuron i in monitor mon, or -1. */
static double spike_time(snn_ctx *ctx, const char *mon, int i, int k)
{
    const int32_t *idx;
    const int64_t *steps;
    size_t n;
    ck_assert_int_eq(snn_spikes(ctx, mon, &idx, &steps, &n), SNN_OK);
    for (size_t q = 0; q < n; q++)
        if (idx[q] == i && k-- == 0) return (double)steps[q] * snn_dt(ctx);
    return -1;
}

static size_t spike_count(snn_ctx *ctx, const char *mon)
{
    const int32_t *idx;
    const int64_t *steps;
    size_t n;
    ck_assert_int_eq(snn_spikes(ctx, mon, &idx, &steps, &n), SNN_OK);
    return n;
}

/* The maximum of variable 0 of the (one-neuron) state monitor mon, and when. */
static double trace_max(snn_ctx *ctx, const char *mon, double *when)
{
    const int64_t *steps;
    const double *v;
    const int32_t *idx;
    size_t ns;
    int nidx, nvars;
    ck_assert_int_eq(snn_trace(ctx, mon, &steps, &ns, &v, &idx, &nidx, &nvars), SNN_OK);
    double best = -INFINITY;
    for (size_t s = 0; s < ns; s++)
        if (v[s * (size_t)nidx * (size_t)nvars] > best) {
            best = v[s * (size_t)nidx * (size_t)nvars];
            *when = (double)steps[s] * snn_dt(ctx);
        }
    return best;
}

/* The last recorded value of variable 0 of the state monitor mon. */
static double trace_last(snn_ctx *ctx, const char *mon)
{
    const int64_t *steps;
    const double *v;
    const int32_t *idx;
    size_t ns;
    int nidx, nvars;
    ck_assert_int_eq(snn_trace(ctx, mon, &steps, &ns, &v, &idx, &nidx, &nvars), SNN_OK);
    ck_assert_uint_gt(ns, 0);
    return v[(ns - 1) * (size_t)nidx * (size_t)nvars];
}

/* A spike is detected on the first step whose new state is past the
 * threshold: the recorded time lies within one step before the exact
 * crossing time t_exact (t_exact - dt <= t < t_exact + dt). */
static void check_spike_near(double got, double t_exact, const char *what)
{
    ck_assert_msg(got >= t_exact - DT - 1e-12 && got < t_exact + DT,
                  "%s: spike at %.6g s, the equations cross at %.6g s", what, got, t_exact);
}

/* lif: v = E_L + I (1 - exp(-t/tau_m)) reaches V_th at
 * t = tau_m ln(I / (I - (V_th - E_L))) = 10 ms ln(25/5) = 16.094 ms; the
 * next spike follows t_ref + that time later (the reset is to E_L).  A
 * second instance with tau_m = 20 ms spikes at 32.189 ms: the parameters
 * of two instances coexist. */
START_TEST(lif_constant_input)
{
    snn_ctx *ctx = run_src("import \"models/lif.snn\"\n"
                           "neurons A[1] = lif(I=25*mV)\n"
                           "neurons B[1] = lif(I=25*mV, tau_m=20*ms)\n"
                           "spikemonitor SA(A)\nspikemonitor SB(B)\nrun 100*ms\n");
    double t1 = 0.010 * log(5.0);
    check_spike_near(spike_time(ctx, "SA", 0, 0), t1, "lif, tau_m = 10 ms");
    check_spike_near(spike_time(ctx, "SB", 0, 0), 2 * t1, "lif, tau_m = 20 ms");
    double isi = spike_time(ctx, "SA", 0, 1) - spike_time(ctx, "SA", 0, 0);
    ck_assert_msg(fabs(isi - (0.002 + t1)) <= 2 * DT, "lif: interval %.6g s, expected t_ref + %.6g s", isi, t1);
    double c;
    ck_assert_int_eq(snn_get_const(ctx, "B__tau_m", &c), SNN_OK);
    ck_assert_double_eq_tol(c, 0.020, 1e-15);
    snn_free(ctx);
}
END_TEST

/* iaf_psc_exp, constant current: V - E_L = I_e tau_m/C_m (1 - exp(-t/tau_m)),
 * with I_e = 500 pA: 20 mV (1 - exp(-t/10 ms)) = 15 mV at
 * t = 10 ms ln 4 = 13.863 ms. */
START_TEST(iaf_psc_exp_spike_time)
{
    snn_ctx *ctx = run_src("import \"models/iaf_psc_exp.snn\"\n"
                           "neurons G[1] = iaf_psc_exp(I_e=500*pA)\nspikemonitor SM(G)\nrun 50*ms\n");
    check_spike_near(spike_time(ctx, "SM", 0, 0), 0.010 * log(4.0), "iaf_psc_exp");
    snn_free(ctx);
}
END_TEST

/* iaf_psc_exp's PSP through a static_synapse: a spike at 10 ms of weight
 * w = 100 pA with delay 1 ms.  With a = tau_m tau_s/(tau_m - tau_s) = 2.5 ms,
 * V - E_L = (w/C_m) a (exp(-t/tau_m) - exp(-t/tau_s)) for t after 11 ms + dt; its
 * maximum is at t* = a ln(tau_m/tau_s) = 2.5 ms ln 5 = 4.0236 ms, where it is
 * 0.4 mV/ms * 2.5 ms * (exp(-0.40236) - exp(-2.01180)) = 0.53499 mV.  Before
 * the delay has passed V stays at E_L exactly. */
START_TEST(iaf_psc_exp_psp_static_synapse)
{
    snn_ctx *ctx = run_src("import \"models/iaf_psc_exp.snn\"\nimport \"models/static_synapse.snn\"\n"
                           "spikegenerator P(1, indices=[0], times=[10]*ms)\n"
                           "neurons G[1] = iaf_psc_exp()\n"
                           "synapses S(P -> G) = static_synapse(weight=100) {\n"
                           "    on_pre: I_syn_ex_post += w*pA\n    connect()\n}\n"
                           "statemonitor M(G.V_m, record=[0])\nrun 30*ms\n");
    double a = 2.5e-3, tstar = a * log(5.0);
    double peak = 0.4 * 2.5 * (exp(-tstar / 0.010) - exp(-tstar / 0.002)) * 1e-3;
    double when, vmax = trace_max(ctx, "M", &when) + 0.070;
    ck_assert_msg(fabs(vmax - peak) < 2e-6, "PSP peak %.7g V, expected %.7g V", vmax, peak);
    ck_assert_msg(fabs(when - (0.011 + DT + tstar)) <= DT, "PSP peak at %.6g s, expected %.6g s", when,
                  0.011 + DT + tstar);
    const int64_t *steps;
    const double *v;
    const int32_t *idx;
    size_t ns;
    int nidx, nvars;
    snn_trace(ctx, "M", &steps, &ns, &v, &idx, &nidx, &nvars);
    for (size_t s = 0; s < ns && steps[s] <= 109; s++) ck_assert_double_eq(v[s], -0.070);
    snn_free(ctx);
}
END_TEST

/* iaf_psc_alpha: a spike of weight w gives I(t) = w e (t/tau_s) exp(-t/tau_s),
 * whose maximum is w = 100 pA at t = tau_s = 2 ms after the arrival (11 ms + dt). */
START_TEST(iaf_psc_alpha_psc_peak)
{
    snn_ctx *ctx = run_src("import \"models/iaf_psc_alpha.snn\"\nimport \"models/static_synapse.snn\"\n"
                           "spikegenerator P(1, indices=[0], times=[10]*ms)\n"
                           "neurons G[1] = iaf_psc_alpha()\n"
                           "synapses S(P -> G) = static_synapse(weight=100) {\n"
                           "    on_pre: x_ex_post += w*pA\n    connect()\n}\n"
                           "statemonitor M(G.I_ex, record=[0])\nrun 30*ms\n");
    double when, imax = trace_max(ctx, "M", &when);
    ck_assert_msg(fabs(imax - 100e-12) < 1e-16, "PSC peak %.9g A, expected 1e-10 A", imax);
    ck_assert_msg(fabs(when - (0.013 + DT)) <= DT / 2, "PSC peak at %.6g s, expected 0.0131 s", when);
    snn_free(ctx);
}
END_TEST

/* iaf_cond_exp, constant current: tau = C_m/g_L = 250 pF/16.6667 nS = 15 ms
 * and V_inf = E_L + I_e/g_L = -70 mV + 500 pA/16.6667 nS = -40 mV, so V
 * reaches V_th = -55 mV at t = tau ln(30/15) = 10.397 ms. */
START_TEST(iaf_cond_exp_spike_time)
{
    snn_ctx *ctx = run_src("import \"models/iaf_cond_exp.snn\"\n"
                           "neurons G[1] = iaf_cond_exp(I_e=500*pA)\nspikemonitor SM(G)\nrun 50*ms\n");
    double tau = 250e-12 / 16.6667e-9, vinf = 500e-12 / 16.6667e-9;
    check_spike_near(spike_time(ctx, "SM", 0, 0), tau * log(vinf / (vinf - 0.015)), "iaf_cond_exp");
    snn_free(ctx);
}
END_TEST

/* iaf_cond_alpha: a spike of weight 10 nS gives g(t) = w e (t/tau_s)
 * exp(-t/tau_s), at most 10 nS at tau_syn_ex = 0.2 ms after the arrival (11 ms + dt)
 * (dt = 0.01 ms here; RK4). */
START_TEST(iaf_cond_alpha_conductance_peak)
{
    snn_ctx *ctx = run_src("import \"models/iaf_cond_alpha.snn\"\nimport \"models/static_synapse.snn\"\n"
                           "dt = 0.01*ms\n"
                           "spikegenerator P(1, indices=[0], times=[10]*ms)\n"
                           "neurons G[1] = iaf_cond_alpha()\n"
                           "synapses S(P -> G) = static_synapse(weight=10) {\n"
                           "    on_pre: x_ex_post += w*nS\n    connect()\n}\n"
                           "statemonitor M(G.g_ex, record=[0])\nrun 15*ms\n");
    double when, gmax = trace_max(ctx, "M", &when);
    ck_assert_msg(fabs(gmax - 10e-9) < 1e-13, "conductance peak %.9g S, expected 1e-8 S", gmax);
    ck_assert_msg(fabs(when - (0.0112 + 1e-5)) <= 1e-5 / 2, "peak at %.7g s, expected 0.01121 s", when);
    snn_free(ctx);
}
END_TEST

/* aeif_cond_exp below rheobase settles where dV/dt = dw/dt = 0:
 * w = a (V - E_L) and -(g_L + a)(V - E_L) + g_L Delta_T exp((V - V_th)/Delta_T)
 * + I_e = 0, solved here by bisection between E_L and V_th for I_e = 100 pA. */
START_TEST(aeif_cond_exp_fixed_point)
{
    snn_ctx *ctx = run_src("import \"models/aeif_cond_exp.snn\"\n"
                           "neurons G[1] = aeif_cond_exp(I_e=100*pA)\nspikemonitor SM(G)\n"
                           "statemonitor M(G.V_m, record=[0])\nstatemonitor W(G.w, record=[0])\nrun 3*second\n");
    double gL = 30e-9, a = 4e-9, EL = -70.6e-3, DT_ = 2e-3, VT = -50.4e-3, I = 100e-12;
    double lo = EL, hi = VT;
    for (int k = 0; k < 200; k++) {
        double v = 0.5 * (lo + hi);
        double f = -(gL + a) * (v - EL) + gL * DT_ * exp((v - VT) / DT_) + I;
        if (f > 0) lo = v;
        else hi = v;
    }
    ck_assert_uint_eq(spike_count(ctx, "SM"), 0);
    ck_assert_msg(fabs(trace_last(ctx, "M") - lo) < 1e-6, "V = %.7g V, fixed point %.7g V", trace_last(ctx, "M"), lo);
    ck_assert_msg(fabs(trace_last(ctx, "W") - a * (lo - EL)) < 1e-13, "w = %.7g A, fixed point %.7g A",
                  trace_last(ctx, "W"), a * (lo - EL));
    snn_free(ctx);
}
END_TEST

/* hh_psc_alpha: with I_e = 0 the neuron rests at -65 mV (E_L = -54.402 mV is
 * chosen so, and m, h, n start at their values there); with I_e = 1000 pA
 * (10 uA/cm^2 for C_m = 100 pF at 1 uF/cm^2) it fires tonically, at the
 * classical squid-axon rate of about 68 Hz (Hodgkin-Huxley at 6.3 C). */
START_TEST(hh_psc_alpha_rest_and_rate)
{
    snn_ctx *ctx = run_src("import \"models/hh_psc_alpha.snn\"\ndt = 0.01*ms\n"
                           "neurons R[1] = hh_psc_alpha()\nneurons F[1] = hh_psc_alpha(I_e=1000*pA)\n"
                           "spikemonitor SR(R)\nspikemonitor SF(F)\nstatemonitor M(R.V_m, record=[0])\n"
                           "run 1*second\n");
    ck_assert_uint_eq(spike_count(ctx, "SR"), 0);
    ck_assert_msg(fabs(trace_last(ctx, "M") + 0.065) < 1e-5, "rest at %.7g V", trace_last(ctx, "M"));
    size_t n = spike_count(ctx, "SF");
    ck_assert_msg(n >= 64 && n <= 72, "%zu spikes in 1 s at 10 uA/cm^2", n);
    snn_free(ctx);
}
END_TEST

/* izhikevich_neuron with the regular-spiking parameters and I = 10 mV/ms
 * spikes exactly as models/izhikevich.snn's neuron 0, the model checked
 * against Brian2 in test-brian2-neurons. */
START_TEST(izhikevich_matches_brian2_model)
{
    snn_ctx *ctx = run_src("import \"models/izhikevich_neuron.snn\"\n"
                           "neurons G[1] = izhikevich_neuron(I_e=10*mV/ms)\nspikemonitor SM(G)\nrun 150*ms\n");
    snn_ctx *ref = snn_new();
    ck_assert_int_eq(snn_load_file(ref, test_path("../models/izhikevich.snn")), SNN_OK);
    ck_assert_int_eq(snn_run_script(ref), SNN_OK);
    int n = 0;
    for (int k = 0; spike_time(ref, "SM", 0, k) >= 0; k++, n++)
        ck_assert_double_eq(spike_time(ctx, "SM", 0, k), spike_time(ref, "SM", 0, k));
    ck_assert_int_gt(n, 3);
    ck_assert_double_eq(spike_time(ctx, "SM", 0, n), -1);
    snn_free(ref);
    snn_free(ctx);
}
END_TEST

/* mat2_psc_exp, I_e = 500 pA: V - E_L = 25 mV (1 - exp(-t/5 ms)) (R = 50 MOhm,
 * no reset) reaches omega = 19 mV at t1 = 5 ms ln(25/6) = 7.1355 ms.  After
 * the spike at time s1 the threshold is 19 mV + 37 mV exp(-(t-s1)/10 ms)
 * + 2 mV exp(-(t-s1)/200 ms); the second spike is where V - E_L meets it
 * (found here on the grid of steps), at least t_ref after s1. */
START_TEST(mat2_psc_exp_adaptive_threshold)
{
    snn_ctx *ctx = run_src("import \"models/mat2_psc_exp.snn\"\n"
                           "neurons G[1] = mat2_psc_exp(I_e=500*pA)\nspikemonitor SM(G)\nrun 200*ms\n");
    double s1 = spike_time(ctx, "SM", 0, 0);
    check_spike_near(s1, 0.005 * log(25.0 / 6.0), "mat2_psc_exp, first spike");
    double t2 = -1;
    for (double t = s1 + 0.002; t < 0.2 && t2 < 0; t += 1e-6) {
        double v = 0.025 * (1 - exp(-t / 0.005));
        if (v >= 0.019 + 0.037 * exp(-(t - s1) / 0.010) + 0.002 * exp(-(t - s1) / 0.200)) t2 = t;
    }
    ck_assert_double_gt(t2, 0);
    check_spike_near(spike_time(ctx, "SM", 0, 1), t2, "mat2_psc_exp, second spike");
    snn_free(ctx);
}
END_TEST

/* stdp_synapse, NEST's rule with the defaults (lambda = 0.01, alpha = 1,
 * mu_plus = mu_minus = 1, tau = 20 ms, Wmax = 100), w = 50 (x = 0.5):
 * pre at 10 ms, post at 20 ms: x += 0.01 (1 - 0.5) exp(-10/20) -> w = 50.30327;
 * post at 10 ms, pre at 20 ms: x -= 0.01 * 0.5 exp(-10/20) -> w = 49.69673. */
static double stdp_after(double t_pre, double t_post)
{
    char src[1200];
    snprintf(src, sizeof src,
             "import \"models/iaf_psc_exp.snn\"\nimport \"models/stdp_synapse.snn\"\n"
             "spikegenerator P(1, indices=[0], times=[%g]*ms)\n"
             "neurons G[1] = iaf_psc_exp()\n"
             "synapses S(P -> G) = stdp_synapse(weight=50, syn_delay=0*ms) {\n"
             "    on_pre: I_syn_ex_post += 0*w*pA\n    connect()\n}\n", t_pre);
    snn_ctx *ctx = snn_new();
    char name[4200];
    snprintf(name, sizeof name, "%s/../library_test.snn", SNN_TEST_DIR);
    ck_assert_msg(snn_load_string(ctx, src, strlen(src), name) == SNN_OK, "%s", snn_errmsg(ctx));
    int32_t i = 0;
    double t = t_post * 1e-3;
    ck_assert_msg(snn_add_spikes(ctx, "G", &i, &t, 1) == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_msg(snn_run(ctx, 0.030) == SNN_OK, "%s", snn_errmsg(ctx));
    double w;
    ck_assert_int_eq(snn_get_var(ctx, "S", "w", &w, 1), SNN_OK);
    snn_free(ctx);
    return w;
}

START_TEST(stdp_synapse_pair)
{
    double dx = 0.01 * 0.5 * exp(-0.5);
    double w = stdp_after(10, 20);
    ck_assert_msg(fabs(w - 100 * (0.5 + dx)) < 1e-9, "pre-post: w = %.9g, expected %.9g", w, 100 * (0.5 + dx));
    w = stdp_after(20, 10);
    ck_assert_msg(fabs(w - 100 * (0.5 - dx)) < 1e-9, "post-pre: w = %.9g, expected %.9g", w, 100 * (0.5 - dx));
}
END_TEST

/* tsodyks_synapse, depression only (U = 0.5, tau_rec = 800 ms) at 20 Hz:
 * with E = exp(-T/tau_rec), T = 50 ms, the resources before each spike
 * follow x' = 1 - (1 - (1 - U) x) E, whose fixed point is
 * x* = (1 - E)/(1 - (1 - U) E) = 0.114252; the released fraction is
 * r = U x* = 0.057126 (Tsodyks & Markram 1997). */
START_TEST(tsodyks_synapse_steady_state)
{
    snn_ctx *ctx = run_src("import \"models/iaf_psc_exp.snn\"\nimport \"models/tsodyks_synapse.snn\"\n"
                           "spikegenerator P(1, indices=[0], times=[1]*ms, period=50*ms)\n"
                           "neurons G[1] = iaf_psc_exp()\n"
                           "synapses S(P -> G) = tsodyks_synapse(weight=100) {\n"
                           "    on_pre: I_syn_ex_post += w*r*pA\n    connect()\n}\n"
                           "run 2*second\n");
    double E = exp(-0.050 / 0.800), x = (1 - E) / (1 - 0.5 * E), r;
    ck_assert_int_eq(snn_get_var(ctx, "S", "r", &r, 1), SNN_OK);
    ck_assert_msg(fabs(r - 0.5 * x) < 1e-9, "r = %.9g, expected %.9g", r, 0.5 * x);
    snn_free(ctx);
}
END_TEST

/* gif_cond_exp with lambda_0 = 0 never fires, and its membrane is the
 * passive one: with I_e = 40 pA, tau = C_m/g_L = 80 pF/4 nS = 20 ms and
 * V = E_L + I_e/g_L (1 - exp(-t/tau)) = -70 mV + 10 mV (1 - exp(-t/20 ms)),
 * -63.679 mV at t = 20 ms (RK4 at dt = 0.1 ms: error far below 1 nV). */
START_TEST(gif_cond_exp_passive)
{
    snn_ctx *ctx = run_src("import \"models/gif_cond_exp.snn\"\n"
                           "neurons G[1] = gif_cond_exp(I_e=40*pA, lambda_0=0/second)\nspikemonitor SM(G)\n"
                           "statemonitor M(G.V_m, record=[0])\nrun 20*ms\n");
    ck_assert_uint_eq(spike_count(ctx, "SM"), 0);
    const int64_t *steps;
    const double *v;
    const int32_t *idx;
    size_t ns;
    int nidx, nvars;
    ck_assert_int_eq(snn_trace(ctx, "M", &steps, &ns, &v, &idx, &nidx, &nvars), SNN_OK);
    for (size_t s = 0; s < ns; s++) {
        double t = (double)steps[s] * DT, want = -0.070 + 0.010 * (1 - exp(-t / 0.020));
        ck_assert_msg(fabs(v[s] - want) < 1e-9, "V(%g s) = %.9g V, expected %.9g V", t, v[s], want);
    }
    snn_free(ctx);
}
END_TEST

/* gif_cond_exp with lambda_0 = 1e12/s and Delta_V = 1 uV fires in the step
 * V crosses V_T (below it by 30 uV the chance per step is 1e8 e^-30 < 1e-4).
 * V_T_star = -60 mV, I_e = 80 pA: V = -70 mV + 20 mV (1 - exp(-t/20 ms))
 * crosses at t1 = 20 ms ln 2 = 13.863 ms.  Then V = V_reset = -70 mV for
 * t_ref = 4 ms, after which V = -50 mV - 20 mV exp(-(t - s1 - t_ref)/20 ms),
 * and the threshold jumped by q_sfa_1 = 5 mV: V_T = -60 mV + 5 mV
 * exp(-(t - s1)/10 ms); the second spike is where they meet. */
START_TEST(gif_cond_exp_deterministic_threshold)
{
    snn_ctx *ctx = run_src("import \"models/gif_cond_exp.snn\"\n"
                           "neurons G[1] = gif_cond_exp(I_e=80*pA, lambda_0=1e12/second, Delta_V=0.001*mV, "
                           "V_T_star=-60*mV, V_reset=-70*mV, q_sfa_1=5*mV)\nspikemonitor SM(G)\nrun 60*ms\n");
    double s1 = spike_time(ctx, "SM", 0, 0);
    check_spike_near(s1, 0.020 * log(2.0), "gif_cond_exp, first spike");
    double t2 = -1;
    for (double t = s1 + 0.004; t < 0.06 && t2 < 0; t += 1e-7)
        if (-0.050 - 0.020 * exp(-(t - s1 - 0.004) / 0.020) >= -0.060 + 0.005 * exp(-(t - s1) / 0.010)) t2 = t;
    ck_assert_double_gt(t2, 0);
    check_spike_near(spike_time(ctx, "SM", 0, 1), t2, "gif_cond_exp, second spike");
    snn_free(ctx);
}
END_TEST

/* gif_cond_exp's escape rate: with I_e = 60 pA the membrane settles at
 * E_L + I_e/g_L = -55 mV = V_reset and stays there through spikes, so
 * lambda = 1000/s exp((-55 mV + 35 mV)/5 mV) = 18.316/s is constant and each
 * step outside the t_ref = 4 ms (40 steps) after a spike fires with
 * p = 1 - exp(-lambda dt).  The intervals are 40 + geometric(p) steps: mean
 * mu = (40 + 1/p) dt, variance sigma^2 = (1 - p)/p^2 dt^2, so N neurons in a
 * window T of the stationary process fire N T/mu spikes with standard
 * deviation sqrt(N T sigma^2/mu^3).  1000 neurons in [1 s, 3 s], three
 * seeds: each count within 5 standard deviations plus one step's bias in the
 * refractory count (dt/mu) of the expectation. */
START_TEST(gif_cond_exp_escape_rate)
{
    const char *src = "import \"models/gif_cond_exp.snn\"\n"
                      "neurons G[1000] = gif_cond_exp(I_e=60*pA, lambda_0=1000/second, Delta_V=5*mV)\n"
                      "spikemonitor SM(G)\nrun 3*second\n";
    double lambda = 1000 * exp(-20.0 / 5.0), p = -expm1(-lambda * DT);
    double mu = (40 + 1 / p) * DT, var = (1 - p) / (p * p) * DT * DT;
    double want = 1000 * 2.0 / mu, sd = sqrt(1000 * 2.0 * var / (mu * mu * mu));
    for (unsigned seed = 1; seed <= 3; seed++) {
        snn_ctx *ctx = snn_new();
        char name[4200];
        snprintf(name, sizeof name, "%s/../library_test.snn", SNN_TEST_DIR);
        ck_assert_msg(snn_load_string(ctx, src, strlen(src), name) == SNN_OK, "%s", snn_errmsg(ctx));
        ck_assert_int_eq(snn_set_seed(ctx, seed), SNN_OK);
        ck_assert_msg(snn_run_script(ctx) == SNN_OK, "%s", snn_errmsg(ctx));
        const int32_t *idx;
        const int64_t *steps;
        size_t n, count = 0;
        ck_assert_int_eq(snn_spikes(ctx, "SM", &idx, &steps, &n), SNN_OK);
        for (size_t q = 0; q < n; q++) count += steps[q] >= 10000;
        ck_assert_msg(fabs((double)count - want) <= 5 * sd + want * DT / mu,
                      "seed %u: %zu spikes, expected %.1f +- %.1f", seed, count, want, sd);
        snn_free(ctx);
    }
}
END_TEST

/* {====================================================================
 * Imports
 * ===================================================================== */

/* Write text to dir/name. */
static void put_file(const char *dir, const char *name, const char *text)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* The message of loading dir/name (which must fail). */
static char *load_error(const char *dir, const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snn_ctx *ctx = snn_new();
    ck_assert_int_ne(snn_load_file(ctx, path), SNN_OK);
    char *msg = strdup(snn_errmsg(ctx));
    snn_free(ctx);
    return msg;
}

/* An error inside an imported file is located in that file; an import
 * cycle and a missing file are errors that say so. */
START_TEST(import_errors)
{
    char *dir = test_tmpdir();
    char sub[4200];
    snprintf(sub, sizeof sub, "%s/lib", dir);
    ck_assert_int_eq(mkdir(sub, 0777), 0);
    put_file(dir, "lib/bad.snn", "template neurons bad(tau=1*ms) {\n  model {\n    dv/dt = -v/taux : volt\n  }\n}\n");
    put_file(dir, "main.snn", "import \"lib/bad.snn\"\nneurons A[2] = bad()\nrun 1*ms\n");
    char *msg = load_error(dir, "main.snn");
    char want[4400];
    snprintf(want, sizeof want, "%s/lib/bad.snn:3:16: error: unknown name 'taux'", dir);
    ck_assert_msg(!strncmp(msg, want, strlen(want)), "message: %s", msg);
    free(msg);
    put_file(dir, "a.snn", "import \"b.snn\"\nrun 1*ms\n");
    put_file(dir, "b.snn", "import \"a.snn\"\n");
    msg = load_error(dir, "a.snn");
    snprintf(want, sizeof want, "%s/b.snn:1:8: error: import cycle:", dir);
    ck_assert_msg(!strncmp(msg, want, strlen(want)), "message: %s", msg);
    free(msg);
    put_file(dir, "m.snn", "# a model\nimport \"nowhere/x.snn\"\nrun 1*ms\n");
    msg = load_error(dir, "m.snn");
    snprintf(want, sizeof want, "%s/m.snn:2:8: error: cannot find the imported file 'nowhere/x.snn' (searched: "
             "%s/nowhere/x.snn", dir, dir);
    ck_assert_msg(!strncmp(msg, want, strlen(want)), "message: %s", msg);
    ck_assert_msg(strstr(msg, "share/snnc/nowhere/x.snn") != NULL, "message: %s", msg);
    free(msg);
    test_remove_tmpdir(dir);
}
END_TEST

/* SNNC_PATH is searched after the importing file's directory, and a file
 * imported twice (directly and through another) is read once. */
START_TEST(import_search_path)
{
    char *dir = test_tmpdir();
    put_file(dir, "twice.snn", "import \"models/lif.snn\"\nimport \"models/lif.snn\"\n"
             "neurons G[1] = lif(I=25*mV)\nspikemonitor SM(G)\nrun 20*ms\n");
    char root[4200], path[4300];
    snprintf(root, sizeof root, "/nonexistent:%s/..", SNN_TEST_DIR);
    setenv("SNNC_PATH", root, 1);
    snprintf(path, sizeof path, "%s/twice.snn", dir);
    snn_ctx *ctx = snn_new();
    int rc = snn_load_file(ctx, path);
    unsetenv("SNNC_PATH");
    ck_assert_msg(rc == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_int_eq(snn_run_script(ctx), SNN_OK);
    ck_assert_uint_eq(spike_count(ctx, "SM"), 1);
    snn_free(ctx);
    test_remove_tmpdir(dir);
}
END_TEST

/* examples/library_network.snn, built only from library models, runs: both
 * populations fire at a cortical rate, STDP moved the excitatory weights
 * within [0, Wmax] and the static weights stayed as given. */
START_TEST(example_library_network)
{
    char root[4200];
    snprintf(root, sizeof root, "%s/..", SNN_TEST_DIR);
    setenv("SNNC_PATH", root, 1);
    snn_ctx *ctx = snn_new();
    int rc = snn_load_file(ctx, test_path("../examples/library_network.snn"));
    unsetenv("SNNC_PATH");
    ck_assert_msg(rc == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_int_eq(snn_set_seed(ctx, 1), SNN_OK);
    ck_assert_msg(snn_run_script(ctx) == SNN_OK, "%s", snn_errmsg(ctx));
    double re = (double)spike_count(ctx, "SE") / 400, ri = (double)spike_count(ctx, "SI") / 100;
    ck_assert_msg(re > 5 && re < 100 && ri > 5 && ri < 100, "rates %g Hz (E), %g Hz (I)", re, ri);
    size_t n;
    double *w = snn_var(ctx, "EE", "w", &n), lo = 1e9, hi = -1e9;
    ck_assert_ptr_nonnull(w);
    for (size_t k = 0; k < n; k++) lo = fmin(lo, w[k]), hi = fmax(hi, w[k]);
    ck_assert_msg(lo >= 0 && hi <= 40 && hi - lo > 1, "STDP weights in [%g, %g]", lo, hi);
    double *wi = snn_var(ctx, "IE", "w", &n);
    for (size_t k = 0; k < n; k++) ck_assert_double_eq(wi[k], -100);
    snn_free(ctx);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("library");
    TCase *tc = tcase_create("models");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, lif_constant_input);
    tcase_add_test(tc, iaf_psc_exp_spike_time);
    tcase_add_test(tc, iaf_psc_exp_psp_static_synapse);
    tcase_add_test(tc, iaf_psc_alpha_psc_peak);
    tcase_add_test(tc, iaf_cond_exp_spike_time);
    tcase_add_test(tc, iaf_cond_alpha_conductance_peak);
    tcase_add_test(tc, aeif_cond_exp_fixed_point);
    tcase_add_test(tc, hh_psc_alpha_rest_and_rate);
    tcase_add_test(tc, izhikevich_matches_brian2_model);
    tcase_add_test(tc, mat2_psc_exp_adaptive_threshold);
    tcase_add_test(tc, stdp_synapse_pair);
    tcase_add_test(tc, tsodyks_synapse_steady_state);
    tcase_add_test(tc, gif_cond_exp_passive);
    tcase_add_test(tc, gif_cond_exp_deterministic_threshold);
    tcase_add_test(tc, gif_cond_exp_escape_rate);
    tcase_add_test(tc, import_errors);
    tcase_add_test(tc, import_search_path);
    tcase_add_test(tc, example_library_network);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
