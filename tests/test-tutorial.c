/* SPDX-License-Identifier: MIT */
/* This file contains the numerical check of the foundation against Brian2:
 * the seed-003 tutorial network (examples/tutorial.snn) must give exactly the
 * spikes Brian2 2.5.1 gave (same neurons, same steps) with w_gi = 0 and
 * w_gi = 0.5 nS, and v traces equal to Brian2's within its printed precision
 * (6 significant digits).  Reference data: tests/data/tutorial/. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snn.h"
#include "test-common.h"

static snn_ctx *run_tutorial(const char *override)
{
    snn_ctx *ctx = snn_new();
    if (override) ck_assert_int_eq(snn_set_override(ctx, override), SNN_OK);
    int rc = snn_load_file(ctx, test_path("../examples/tutorial.snn"));
    ck_assert_msg(rc == SNN_OK, "%s", snn_errmsg(ctx));
    rc = snn_run_script(ctx);
    ck_assert_msg(rc == SNN_OK, "%s", snn_errmsg(ctx));
    return ctx;
}

/* Brian2's file lists spikes by neuron; snnc records them in time order.
 * Sorted by (step, neuron), both must be equal. */
static void check_spikes(snn_ctx *ctx, const char *ref)
{
    const int32_t *idx;
    const int64_t *steps;
    size_t n;
    ck_assert_int_eq(snn_spikes(ctx, "SM", &idx, &steps, &n), SNN_OK);
    test_check_recorded(ref, idx, steps, n, test_path(ref), "neuron,step,t_ms");
}

/* Compare the written M.csv with Brian2's 6-significant-digit trace (in ms
 * and mV), row by row. */
static void check_trace(snn_ctx *ctx, const char *ref)
{
    char *dir = test_tmpdir();
    ck_assert_int_eq(snn_write_outputs(ctx, dir), SNN_OK);
    char path[512];
    snprintf(path, sizeof path, "%s/M.csv", dir);
    TestTable got, want;
    test_read_csv(&got, path);
    test_read_csv(&want, test_path(ref));
    static const char *const names[] = { "t", "v_0", "v_1", "v_2" };
    ck_assert_int_eq(got.ncols, 4);
    for (int k = 0; k < 4; k++) ck_assert_str_eq(got.names[k], names[k]);
    ck_assert_int_eq(want.ncols, 4);
    ck_assert_uint_eq(want.nrows, 1000);
    ck_assert_uint_ge(got.nrows, want.nrows);
    for (size_t r = 0; r < want.nrows; r++) {
        double tr = test_cell(&want, r, 0);
        ck_assert_double_eq_tol(test_cell(&got, r, 0) * 1e3, tr, 1e-9);
        for (int k = 0; k < 3; k++) {
            char s[64];
            snprintf(s, sizeof s, "%.6g", test_cell(&got, r, 1 + k) * 1e3);
            double vr = test_cell(&want, r, 1 + k);
            ck_assert_msg(atof(s) == vr, "t=%g ms v_%d: snnc %s mV, Brian2 %.6g mV", tr, k, s, vr);
        }
    }
    test_table_free(&got);
    test_table_free(&want);
    test_remove_tmpdir(dir);
}

START_TEST(tutorial_wgi0)
{
    snn_ctx *ctx = run_tutorial(NULL);
    check_spikes(ctx, "data/tutorial/seed_spikes_wgi0.csv");
    check_trace(ctx, "data/tutorial/seed_v_wgi0.csv");
    snn_free(ctx);
}
END_TEST

START_TEST(tutorial_wgi0p5)
{
    snn_ctx *ctx = run_tutorial("w_gi=0.5*nS");
    check_spikes(ctx, "data/tutorial/seed_spikes_wgi0p5.csv");
    check_trace(ctx, "data/tutorial/seed_v_wgi0p5.csv");
    snn_free(ctx);
}
END_TEST

/* Two runs of 50 ms continue in time and equal one run of 100 ms. */
START_TEST(tutorial_split_run)
{
    snn_ctx *one = run_tutorial(NULL);
    snn_ctx *two = snn_new();
    ck_assert_int_eq(snn_load_file(two, test_path("../examples/tutorial.snn")), SNN_OK);
    ck_assert_int_eq(snn_run(two, 0.05), SNN_OK);
    ck_assert_double_eq_tol(snn_time(two), 0.05, 1e-12);
    ck_assert_int_eq(snn_run(two, 0.05), SNN_OK);
    size_t n1, n2;
    const int32_t *i1, *i2;
    const int64_t *s1, *s2;
    snn_spikes(one, "SM", &i1, &s1, &n1);
    snn_spikes(two, "SM", &i2, &s2, &n2);
    ck_assert_uint_eq(n1, n2);
    ck_assert(!memcmp(i1, i2, n1 * sizeof *i1) && !memcmp(s1, s2, n1 * sizeof *s1));
    size_t nv;
    double *v1 = snn_var(one, "G", "v", &nv), *v2 = snn_var(two, "G", "v", NULL);
    ck_assert(!memcmp(v1, v2, nv * sizeof *v1));
    snn_free(one);
    snn_free(two);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("tutorial");
    TCase *tc = tcase_create("brian2");
    tcase_add_test(tc, tutorial_wgi0);
    tcase_add_test(tc, tutorial_wgi0p5);
    tcase_add_test(tc, tutorial_split_run);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
