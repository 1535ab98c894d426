/* SPDX-License-Identifier: MIT */
/* This file contains end-to-end checks of the equation language that need
 * no reference data: properties of random (constant over dt) and (shared)
 * values, integer and boolean variables, user functions with units,
 * Brian2's library functions (expm1, log1p, timestep), initial-value lists
 * with units applied in Python's order, and subexpressions read by resets
 * and initial values after a variable changed.  (The agreement with Brian2's
 * numbers is in test-brian2-neurons.c.) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snn.h"
#include "test-common.h"

static snn_ctx *load(const char *src)
{
    snn_ctx *ctx = snn_new();
    int rc = snn_load_string(ctx, src, strlen(src), "eq.snn");
    ck_assert_msg(rc == SNN_OK, "%s", snn_errmsg(ctx));
    return ctx;
}

static snn_ctx *run(const char *src)
{
    snn_ctx *ctx = load(src);
    int rc = snn_run_script(ctx);
    ck_assert_msg(rc == SNN_OK, "%s", snn_errmsg(ctx));
    return ctx;
}

/* Value of recorded variable var (index within the monitor) of recorded
 * element r at row s. */
typedef struct Trace {
    const int64_t *steps;
    size_t         nsteps;
    const double  *v;
    const int32_t *idx;
    int            nidx, nvars;
} Trace;

static Trace trace(snn_ctx *ctx, const char *mon)
{
    Trace t;
    ck_assert_int_eq(snn_trace(ctx, mon, &t.steps, &t.nsteps, &t.v, &t.idx, &t.nidx, &t.nvars), SNN_OK);
    return t;
}

static double at(const Trace *t, size_t s, int r, int var) { return t->v[(s * (size_t)t->nidx + (size_t)r) * (size_t)t->nvars + (size_t)var]; }

/* A (constant over dt) random input is drawn once per step, before the
 * monitors: with Euler, v(t+dt) - v(t) = dt*noise(t) exactly as recorded,
 * and a shared one is the same for every neuron while a plain one is not. */
START_TEST(constant_over_dt_random)
{
    snn_ctx *ctx = run("neurons G[3] {\n"
                       "    model {\n"
                       "        dv/dt = (noise + common)/ms : 1\n"
                       "        noise = randn() : 1 (constant over dt)\n"
                       "        common = rand() : 1 (constant over dt, shared)\n"
                       "    }\n"
                       "    method: rk4\n"
                       "}\n"
                       "statemonitor M(G.v, G.noise, G.common, record=all)\n"
                       "run 5*ms\n");
    Trace t = trace(ctx, "M");
    ck_assert_uint_eq(t.nsteps, 50);
    int differ = 0;
    for (size_t s = 0; s + 1 < t.nsteps; s++) {
        for (int r = 0; r < 3; r++) {
            double dv = at(&t, s + 1, r, 0) - at(&t, s, r, 0);
            double want = 0.1 * (at(&t, s, r, 1) + at(&t, s, r, 2));
            ck_assert_msg(fabs(dv - want) <= 1e-12 * (1 + fabs(want)), "step %zu neuron %d: dv %g, dt*input %g", s,
                          r, dv, want);
            ck_assert(at(&t, s, r, 2) == at(&t, s, 0, 2));
            ck_assert(at(&t, s, r, 2) >= 0 && at(&t, s, r, 2) < 1);
        }
        differ += at(&t, s, 0, 1) != at(&t, s, 1, 1);
        ck_assert(s == 0 || at(&t, s, 0, 2) != at(&t, s - 1, 0, 2));
    }
    ck_assert_int_eq(differ, (int)t.nsteps - 1);
    snn_free(ctx);
}
END_TEST

/* The (constant over dt) block draws other numbers than the state
 * update's xi of the same step and neuron. */
START_TEST(constant_over_dt_independent_of_xi)
{
    snn_ctx *ctx = run("neurons G[1] {\n"
                       "    model {\n"
                       "        dv/dt = xi*sqrt(ms)/ms : 1\n"
                       "        dw/dt = noise/ms : 1\n"
                       "        noise = randn() : 1 (constant over dt)\n"
                       "    }\n"
                       "    method: euler\n"
                       "}\n"
                       "run 1*ms\n");
    double v = snn_var(ctx, "G", "v", NULL)[0], w = snn_var(ctx, "G", "w", NULL)[0];
    /* the same draws would make v = sqrt(10)*w exactly */
    ck_assert_msg(fabs(v - sqrt(10.0) * w) > 1e-6, "v %g, w %g", v, w);
    snn_free(ctx);
}
END_TEST

/* A shared parameter set from rand() in init has one value for the group. */
START_TEST(shared_init_is_one_value)
{
    snn_ctx *ctx = run("neurons G[4] {\n"
                       "    model {\n"
                       "        x : 1 (shared)\n"
                       "        y : 1\n"
                       "        z = 2*x : 1 (shared)\n"
                       "    }\n"
                       "    init {\n"
                       "        x = rand()\n"
                       "        y = rand()\n"
                       "    }\n"
                       "}\n"
                       "statemonitor M(G.x, G.y, G.z, record=all)\n"
                       "run 0.2*ms\n");
    size_t n;
    double *x = snn_var(ctx, "G", "x", &n), *y = snn_var(ctx, "G", "y", NULL);
    ck_assert_uint_eq(n, 4);
    for (int k = 1; k < 4; k++) ck_assert(x[k] == x[0]);
    ck_assert(y[1] != y[0] || y[2] != y[0]);
    Trace t = trace(ctx, "M");
    for (int r = 0; r < 4; r++) ck_assert(at(&t, 1, r, 2) == 2 * x[0]);
    snn_free(ctx);
}
END_TEST

/* Integer variables truncate what is assigned (Brian2's int()), booleans
 * store 0 or 1; both in init, resets and in expressions. */
START_TEST(integer_and_boolean)
{
    snn_ctx *ctx = run("neurons G[3] {\n"
                       "    model {\n"
                       "        dv/dt = 1/ms : 1\n"
                       "        n : integer\n"
                       "        b : boolean\n"
                       "        half = n/2 : 1\n"
                       "    }\n"
                       "    threshold: v > 1.05\n"
                       "    reset: v = 0; n += 1; b = n % 2 == 1 and not b; n = n*1.9\n"
                       "    init {\n"
                       "        n = 2.7*(i + 1)\n"
                       "        b = i\n"
                       "    }\n"
                       "}\n"
                       "run 1.15*ms\n");
    double *n = snn_var(ctx, "G", "n", NULL), *b = snn_var(ctx, "G", "b", NULL);
    /* init: int(2.7), int(5.4), int(8.1); b = 0, 1, 1 -- then one reset at
     * 1.1 ms: n = int((n + 1)*1.9), b = (n+1 odd) and not b */
    ck_assert_double_eq(n[0], 5);      /* (2+1)*1.9 = 5.7 */
    ck_assert_double_eq(n[1], 11);     /* (5+1)*1.9 = 11.4 */
    ck_assert_double_eq(n[2], 17);     /* (8+1)*1.9 = 17.1 */
    ck_assert_double_eq(b[0], 1);
    ck_assert_double_eq(b[1], 0);
    ck_assert_double_eq(b[2], 0);
    snn_free(ctx);
}
END_TEST

/* User functions: dimensionless parameters, parameters with units, calls of
 * other functions; the library functions expm1, log1p and timestep. */
START_TEST(user_and_library_functions)
{
    snn_ctx *ctx = run("sigmoid(x) = 1/(1 + exp(-x))\n"
                       "current(v : volt, g : siemens, E : volt) = g*(E - v)\n"
                       "gate(v : volt, vh : volt, k : mV) = sigmoid((v - vh)/k)\n"
                       "neurons G[2] {\n"
                       "    model {\n"
                       "        dv/dt = (current(v, 10*nS, -70*mV) + I*gate(v, -60*mV, 4*mV))/(200*pF) : volt\n"
                       "        I : amp\n"
                       "        a : 1\n"
                       "        b : 1\n"
                       "        c : 1\n"
                       "    }\n"
                       "    method: euler\n"
                       "    init {\n"
                       "        v = -70*mV\n"
                       "        I = [0.1, 0.3]*nA\n"
                       "        a = expm1(1e-10*(i + 1))\n"
                       "        b = log1p(-0.5)\n"
                       "        c = timestep(0.35*ms, dt)\n"
                       "    }\n"
                       "}\n"
                       "run 5*ms\n");
    double *v = snn_var(ctx, "G", "v", NULL), *a = snn_var(ctx, "G", "a", NULL);
    ck_assert_double_eq(a[0], expm1(1e-10));
    ck_assert_double_eq(a[1], expm1(2e-10));
    ck_assert_double_eq(snn_var(ctx, "G", "b", NULL)[0], log1p(-0.5));
    ck_assert_double_eq(snn_var(ctx, "G", "c", NULL)[0], 3);
    /* the same Euler steps in C */
    for (int k = 0; k < 2; k++) {
        double x = -0.07, I = k ? 0.3e-9 : 0.1e-9;
        for (int s = 0; s < 50; s++) {
            double g = 1 / (1 + exp(-((x - -0.06) / 0.004)));
            x = x + 1e-4 * ((10e-9 * (-0.07 - x) + I * g) / 200e-12);
        }
        ck_assert_msg(fabs(v[k] - x) <= 1e-12 * fabs(x), "v[%d] = %.17g, expected %.17g", k, v[k], x);
    }
    snn_free(ctx);
}
END_TEST

/* [a, b]*mV/ms is ([a, b]*mV)/ms as in Python (Brian2 gets 0.2/0.001 =
 * 200.00000000000003, not 0.2*(1/0.001) = 200). */
START_TEST(list_units_in_python_order)
{
    snn_ctx *ctx = run("neurons G[2] {\n"
                       "    model {\n"
                       "        a : 1/second\n"
                       "        d : volt/second\n"
                       "        m : 1\n"
                       "    }\n"
                       "    init {\n"
                       "        a = [0.2, 0.02]/ms\n"
                       "        d = [8, 2]*mV/ms\n"
                       "        m = N + dt/ms + 10*i\n"
                       "    }\n"
                       "}\n"
                       "run 0*ms\n");
    double *a = snn_var(ctx, "G", "a", NULL), *d = snn_var(ctx, "G", "d", NULL);
    volatile double ms = 0.001, mV = 0.001, x = 0.2, y = 0.02, p = 8, q = 2;
    ck_assert(a[0] == x / ms && a[1] == y / ms);
    ck_assert(d[0] == p * mV / ms && d[1] == q * mV / ms);
    double *m = snn_var(ctx, "G", "m", NULL);    /* N, dt and i */
    ck_assert_double_eq_tol(m[0], 2.1, 1e-12);
    ck_assert_double_eq_tol(m[1], 12.1, 1e-12);
    snn_free(ctx);
}
END_TEST

/* A subexpression read by a reset or an initial value sees the variables
 * as the statements before it left them (Brian2 recomputes it). */
START_TEST(subexpressions_follow_statements)
{
    snn_ctx *ctx = run("neurons G[1] {\n"
                       "    model {\n"
                       "        dv/dt = 1/ms : 1\n"
                       "        s = 10*v + 1 : 1\n"
                       "        w : 1\n"
                       "        u : 1\n"
                       "    }\n"
                       "    threshold: s > 11.5\n"
                       "    reset: v = 0.5; w = s\n"
                       "    init {\n"
                       "        v = 0.1\n"
                       "        u = s\n"
                       "    }\n"
                       "}\n"
                       "run 1*ms\n");
    ck_assert_double_eq_tol(snn_var(ctx, "G", "u", NULL)[0], 2.0, 1e-12);
    ck_assert_double_eq_tol(snn_var(ctx, "G", "w", NULL)[0], 6.0, 1e-12);
    snn_free(ctx);
}
END_TEST

/* snnc check and snnc emit on the models of this work. */
START_TEST(cli_check_and_emit)
{
    const char *snnc = getenv("SNNC");
    if (!snnc) return;
    static const char *const models[] = { "lif_exact_ref", "cobahh_neuron", "adex", "izhikevich",
                                          "lif_unless_refractory" };
    for (size_t k = 0; k < sizeof models / sizeof *models; k++) {
        char cmd[1024];
        int st;
        snprintf(cmd, sizeof cmd, "'%s' check '%s/../models/%s.snn'", snnc, SNN_TEST_DIR, models[k]);
        char *out = test_run(cmd, &st);
        ck_assert_msg(st == 0, "%s: %s", cmd, out);
        free(out);
        snprintf(cmd, sizeof cmd, "'%s' emit '%s/../models/%s.snn'", snnc, SNN_TEST_DIR, models[k]);
        out = test_run(cmd, &st);
        ck_assert_msg(st == 0 && strstr(out, "_update(const snn_args *_a)"), "%s: %s", cmd, out);
        free(out);
    }
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("equations");
    TCase *tc = tcase_create("features");
    tcase_add_test(tc, constant_over_dt_random);
    tcase_add_test(tc, constant_over_dt_independent_of_xi);
    tcase_add_test(tc, shared_init_is_one_value);
    tcase_add_test(tc, integer_and_boolean);
    tcase_add_test(tc, user_and_library_functions);
    tcase_add_test(tc, list_units_in_python_order);
    tcase_add_test(tc, subexpressions_follow_statements);
    tcase_add_test(tc, cli_check_and_emit);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
