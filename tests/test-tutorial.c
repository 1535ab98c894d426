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

static int cmp_spike(const void *a, const void *b)
{
    const long *x = a, *y = b;
    return x[1] != y[1] ? (x[1] < y[1] ? -1 : 1) : (x[0] > y[0]) - (x[0] < y[0]);
}

/* Brian2's file lists spikes by neuron; snnc records them in time order.
 * Both are sorted by (step, neuron) and must be equal. */
static void check_spikes(snn_ctx *ctx, const char *ref)
{
    const int32_t *idx;
    const int64_t *steps;
    size_t n;
    ck_assert_int_eq(snn_spikes(ctx, "SM", &idx, &steps, &n), SNN_OK);
    FILE *f = fopen(test_path(ref), "r");
    ck_assert_ptr_nonnull(f);
    char line[256];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));     /* header */
    long want[256][2], got[256][2];
    size_t k = 0;
    int neuron;
    long step;
    double tms;
    while (k < 256 && fscanf(f, "%d,%ld,%lf", &neuron, &step, &tms) == 3) {
        want[k][0] = neuron;
        want[k][1] = step;
        k++;
    }
    fclose(f);
    ck_assert_msg(k == n, "Brian2 has %zu spikes, snnc %zu", k, n);
    for (size_t q = 0; q < n; q++) {
        got[q][0] = idx[q];
        got[q][1] = (long)steps[q];
        ck_assert_msg(q == 0 || steps[q] >= steps[q - 1], "spikes are not in time order");
    }
    qsort(want, k, sizeof want[0], cmp_spike);
    qsort(got, n, sizeof got[0], cmp_spike);
    for (size_t q = 0; q < n; q++)
        ck_assert_msg(want[q][0] == got[q][0] && want[q][1] == got[q][1],
                      "spike %zu: Brian2 neuron %ld step %ld, snnc neuron %ld step %ld", q, want[q][0], want[q][1],
                      got[q][0], got[q][1]);
}

/* Compare the written M.csv with Brian2's 6-significant-digit trace. */
static void check_trace(snn_ctx *ctx, const char *ref)
{
    char *dir = test_tmpdir();
    ck_assert_int_eq(snn_write_outputs(ctx, dir), SNN_OK);
    char path[512];
    snprintf(path, sizeof path, "%s/M.csv", dir);
    FILE *got = fopen(path, "r"), *want = fopen(test_path(ref), "r");
    ck_assert_ptr_nonnull(got);
    ck_assert_ptr_nonnull(want);
    char a[512], b[512];
    ck_assert_ptr_nonnull(fgets(a, sizeof a, got));
    ck_assert_str_eq(a, "t,v_0,v_1,v_2\n");
    ck_assert_ptr_nonnull(fgets(b, sizeof b, want));
    int rows = 0;
    while (fgets(b, sizeof b, want)) {
        ck_assert_ptr_nonnull(fgets(a, sizeof a, got));
        double t, v[3], tr, vr[3];
        ck_assert_int_eq(sscanf(a, "%lf,%lf,%lf,%lf", &t, &v[0], &v[1], &v[2]), 4);
        ck_assert_int_eq(sscanf(b, "%lf,%lf,%lf,%lf", &tr, &vr[0], &vr[1], &vr[2]), 4);
        ck_assert_double_eq_tol(t * 1e3, tr, 1e-9);
        for (int k = 0; k < 3; k++) {
            char s[64];
            snprintf(s, sizeof s, "%.6g", v[k] * 1e3);
            ck_assert_msg(atof(s) == vr[k], "t=%g ms v_%d: snnc %s mV, Brian2 %.6g mV", tr, k, s, vr[k]);
        }
        rows++;
    }
    ck_assert_int_eq(rows, 1000);
    fclose(got);
    fclose(want);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
    free(dir);
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
