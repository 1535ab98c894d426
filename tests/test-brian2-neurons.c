/* SPDX-License-Identifier: MIT */
/* This file contains the agreement tests of the equation language with
 * Brian2 2.5.1: five neuron models under models/ and three feature models
 * under tests/features/ are run through snn.h and compared with traces and
 * spikes made by the real Brian2 (numpy target; tests/data/brian2/<name>.md
 * gives each Brian2 script, tests/brian2/gen_*.py the generators).  Spikes
 * must be the same neurons at the same steps; every recorded value is
 * compared step by step.
 *
 * Tolerances.  snnc's integrators build their own expression trees, while
 * Brian2 prints SymPy's canonical form (it reorders sums and products, e.g.
 * Euler's 'dt*(I + 140*mV/ms - u + 5*v/ms + 0.04*v**2/(mV*ms)) + v'), so
 * unless the order of operations happens to be the same the two differ by
 * rounding, which the spike upstroke then amplifies.  Two criteria:
 *  - SAME_ORDER: |snnc - brian2| <= 1e-9 * max(|snnc|, |brian2|) at every
 *    step (the bound of the issue for identical operation order);
 *  - SCALED: |snnc - brian2| <= 1e-9 * (largest |value| of that column in
 *    Brian2's trace), for models whose operation order differs and whose
 *    traces cross zero or spike.
 * Measured maxima (pointwise relative / relative to the column's maximum),
 * and for comparison Brian2's own numpy target against its cython target
 * (BRIAN2_REF_TARGET=cython, see tests/brian2/_common.py):
 *   lif_exact_ref        0 / 0 (bit-identical)
 *   lif_unless_ref_cond  1.4e-16 / 1.1e-16
 *   adex                 1.7e-14 / 9.9e-15    (Brian2 numpy vs cython: 4.3e-15 / 2.5e-15)
 *   izhikevich           1.9e-09 / 4.9e-11    (Brian2 numpy vs cython: 5.4e-08 / 1.4e-09)
 *   cobahh               4.9e-09 / 7.1e-12    (Brian2 numpy vs cython: 5.0e-09 / 5.9e-12)
 *   feat_expeuler_cond_linear  1.5e-10 / 3.3e-12
 * The largest pointwise differences are at zero crossings of v; snnc is
 * closer to Brian2's numpy target than Brian2's cython target is. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snn.h"
#include "test-common.h"

enum { SAME_ORDER, SCALED };

static snn_ctx *run_model(const char *rel)
{
    snn_ctx *ctx = snn_new();
    int rc = snn_load_file(ctx, test_path(rel));
    ck_assert_msg(rc == SNN_OK, "%s", snn_errmsg(ctx));
    rc = snn_run_script(ctx);
    ck_assert_msg(rc == SNN_OK, "%s", snn_errmsg(ctx));
    return ctx;
}

/* Brian2's "i,step" file against the spike monitor SM, both sorted by
 * (step, neuron). */
static void check_spikes(snn_ctx *ctx, const char *ref)
{
    const int32_t *idx;
    const int64_t *steps;
    size_t n;
    ck_assert_int_eq(snn_spikes(ctx, "SM", &idx, &steps, &n), SNN_OK);
    test_check_recorded(ref, idx, steps, n, test_path(ref), "i,step");
}

/* Compare the state monitor M (written to CSV) with Brian2's trace: same
 * steps, every Brian2 column present, values within the tolerance. */
static void check_trace(snn_ctx *ctx, const char *ref, int criterion)
{
    char *dir = test_tmpdir();
    ck_assert_int_eq(snn_write_outputs(ctx, dir), SNN_OK);
    char path[600];
    snprintf(path, sizeof path, "%s/M.csv", dir);
    TestTable got, want;
    test_read_csv(&got, path);
    test_read_csv(&want, test_path(ref));
    ck_assert_str_eq(got.names[0], "t");
    ck_assert_str_eq(want.names[0], "step");
    ck_assert_uint_eq(got.nrows, want.nrows);
    double dt = snn_dt(ctx);
    for (size_t r = 0; r < want.nrows; r++)
        ck_assert_msg(fabs(test_cell(&got, r, 0) - test_cell(&want, r, 0) * dt) <= 1e-12,
                      "%s: row %zu is t = %g, Brian2's step %g", ref, r, test_cell(&got, r, 0), test_cell(&want, r, 0));
    for (int c = 1; c < want.ncols; c++) {
        int gc = test_column(&got, want.names[c]);
        ck_assert_msg(gc > 0, "%s: snnc recorded no column %s", ref, want.names[c]);
        double scale = 0;
        for (size_t r = 0; r < want.nrows; r++) scale = fmax(scale, fabs(test_cell(&want, r, c)));
        for (size_t r = 0; r < want.nrows; r++) {
            double a = test_cell(&got, r, gc), b = test_cell(&want, r, c);
            double bound = criterion == SAME_ORDER ? 1e-9 * fmax(fabs(a), fabs(b)) : 1e-9 * scale;
            ck_assert_msg(fabs(a - b) <= bound, "%s: step %d %s: snnc %.17g, Brian2 %.17g (difference %.3g, "
                          "allowed %.3g)", ref, (int)test_cell(&want, r, 0), want.names[c], a, b, fabs(a - b), bound);
        }
    }
    test_table_free(&got);
    test_table_free(&want);
    test_remove_tmpdir(dir);
}

static void check_model(const char *model, const char *ref, int criterion, const char *method)
{
    snn_ctx *ctx = run_model(model);
    char path[256];
    snprintf(path, sizeof path, "data/brian2/%s_spikes.csv", ref);
    check_spikes(ctx, path);
    snprintf(path, sizeof path, "data/brian2/%s_trace.csv", ref);
    check_trace(ctx, path, criterion);
    ck_assert_msg(strstr(snn_methods(ctx), method) != NULL, "%s: methods used: %s", model, snn_methods(ctx));
    snn_free(ctx);
}

/* LIF, exact integration, refractory 5 ms, v '(unless refractory)'. */
START_TEST(lif_exact_refractory)
{
    check_model("../models/lif_exact_ref.snn", "lif_exact_ref", SAME_ORDER, ": exact");
}
END_TEST

/* COBAHH's Hodgkin-Huxley neuron with exponential Euler (exprel, six
 * subexpressions, an equation over three lines). */
START_TEST(cobahh_exponential_euler)
{
    check_model("../models/cobahh_neuron.snn", "cobahh", SCALED, ": exponential_euler");
}
END_TEST

/* AdEx with Euler, reset 'vm = Vr; w += b'. */
START_TEST(adex_euler)
{
    check_model("../models/adex.snn", "adex", SAME_ORDER, ": euler");
}
END_TEST

/* Izhikevich with Euler, per-neuron parameters, u initialised to b*v. */
START_TEST(izhikevich_euler)
{
    check_model("../models/izhikevich.snn", "izhikevich", SCALED, ": euler");
}
END_TEST

/* LIF with an '(unless refractory)' v next to a free-running x, and the
 * refractoriness given as the condition 'x > 0.5'. */
START_TEST(lif_unless_refractory_condition)
{
    check_model("../models/lif_unless_refractory.snn", "lif_unless_ref_cond", SAME_ORDER, ": euler");
}
END_TEST

/* ---- features of the equation language (tests/features/, made with
 * tests/brian2/gen_features.py); measured maxima, pointwise / scaled:
 *   feat_subexpr        6.1e-16 / 5.4e-16
 *   feat_const_over_dt  1.3 (Iin at the zeros of a sine) / 4.8e-15
 *   feat_functions      1.6e-12 / 8.4e-16 ---- */

/* Subexpressions in other equations, the threshold, the reset (recomputed
 * after 'v = ...') and a monitor; integer and boolean variables; an
 * equation over two lines; mV / nA / pA after ':'; a user function. */
START_TEST(feature_subexpressions)
{
    check_model("features/feat_subexpr.snn", "feat_subexpr", SAME_ORDER, ": euler");
}
END_TEST

/* (constant over dt) with rk4, (shared), refractory as a per-neuron
 * expression, lastspike and not_refractory in equations. */
START_TEST(feature_constant_over_dt)
{
    check_model("features/feat_const_over_dt.snn", "feat_const_over_dt", SCALED, ": rk4");
}
END_TEST

/* Exponential Euler on conditionally linear equations (Wang-Buzsaki, whose
 * gating m is a subexpression of v, and a tanh(u) coefficient). */
START_TEST(feature_expeuler_conditionally_linear)
{
    check_model("features/feat_expeuler_cond_linear.snn", "feat_expeuler_cond_linear", SCALED,
                ": exponential_euler");
}
END_TEST

/* Every built-in function and operator. */
START_TEST(feature_functions)
{
    check_model("features/feat_functions.snn", "feat_functions", SCALED, ": euler");
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("brian2-neurons");
    TCase *tc = tcase_create("models");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, lif_exact_refractory);
    tcase_add_test(tc, cobahh_exponential_euler);
    tcase_add_test(tc, adex_euler);
    tcase_add_test(tc, feature_expeuler_conditionally_linear);
    tcase_add_test(tc, izhikevich_euler);
    tcase_add_test(tc, lif_unless_refractory_condition);
    tcase_add_test(tc, feature_subexpressions);
    tcase_add_test(tc, feature_constant_over_dt);
    tcase_add_test(tc, feature_functions);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
