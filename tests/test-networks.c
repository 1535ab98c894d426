/* SPDX-License-Identifier: MIT */
/* This file contains the deterministic network checks against Brian2 2.5.1:
 * each tests/networks/X.snn is the Brian2 script of tests/data/brian2/X.md,
 * and must give the same spikes (same neurons, same steps) and the same
 * traces within a relative tolerance of 1e-9 (of the column's largest value):
 * homogeneous and heterogeneous delays, a spike generator, on_post with
 * event-driven STDP traces, summed variables (gap junctions), timedarrays,
 * run_regularly, rate monitors, a state monitor with its own dt at 'end'. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snn.h"
#include "test-common.h"

typedef struct Check {
    const char *monitor, *ref;
} Check;

typedef struct Case {
    const char *model;
    Check spikes[2];
    Check traces[2];
} Case;

static const Case cases[] = {
    { "gap_summed", { { "spk", "gap_summed_spikes.csv" } }, { { "trace", "gap_summed_trace.csv" } } },
    { "delay_homog", { { "spk", "delay_homog_spikes.csv" }, { "inspk", "delay_homog_input_spikes.csv" } },
      { { "mon", "delay_homog_trace.csv" } } },
    { "delay_hetero", { { "spk", "delay_hetero_spikes.csv" }, { "inspk", "delay_hetero_input_spikes.csv" } },
      { { "mon", "delay_hetero_trace.csv" } } },
    { "spikegen", { { "spk", "spikegen_spikes.csv" }, { "gspk", "spikegen_target_spikes.csv" } },
      { { "mon", "spikegen_trace.csv" } } },
    { "on_post_stdp", { { "spk", "on_post_stdp_spikes.csv" }, { "prespk", "on_post_stdp_input_spikes.csv" } },
      { { "mon", "on_post_stdp_trace.csv" }, { "vmon", "on_post_stdp_v_trace.csv" } } },
    { "inputs_sched", { { "SM", "inputs_sched_spikes.csv" } },
      { { "M", "inputs_sched_trace.csv" }, { "R", "inputs_sched_rate.csv" } } },
};

static int cmp_pair(const void *a, const void *b)
{
    const long *x = a, *y = b;
    return x[1] != y[1] ? (x[1] < y[1] ? -1 : 1) : (x[0] > y[0]) - (x[0] < y[0]);
}

static void check_spikes(snn_ctx *ctx, const char *model, const Check *c)
{
    const int32_t *idx;
    const int64_t *steps;
    size_t n;
    ck_assert_msg(snn_spikes(ctx, c->monitor, &idx, &steps, &n) == SNN_OK, "%s: %s", model, snn_errmsg(ctx));
    char rel[256];
    snprintf(rel, sizeof rel, "data/brian2/%s", c->ref);
    FILE *f = fopen(test_path(rel), "r");
    ck_assert_msg(f != NULL, "missing %s", rel);
    char line[256];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    size_t cap = 64, k = 0;
    long (*want)[2] = malloc(sizeof *want * cap);
    long i, s;
    while (fscanf(f, "%ld,%ld", &i, &s) == 2) {
        if (k == cap) want = realloc(want, sizeof *want * (cap *= 2));
        want[k][0] = i;
        want[k][1] = s;
        k++;
    }
    fclose(f);
    ck_assert_msg(k == n, "%s/%s: Brian2 has %zu spikes, snnc %zu", model, c->monitor, k, n);
    long (*got)[2] = malloc(sizeof *got * (n + 1));
    for (size_t q = 0; q < n; q++) {
        got[q][0] = idx[q];
        got[q][1] = (long)steps[q];
    }
    qsort(want, k, sizeof *want, cmp_pair);
    qsort(got, n, sizeof *got, cmp_pair);
    for (size_t q = 0; q < n; q++)
        ck_assert_msg(want[q][0] == got[q][0] && want[q][1] == got[q][1],
                      "%s/%s spike %zu: Brian2 (%ld, step %ld), snnc (%ld, step %ld)", model, c->monitor, q,
                      want[q][0], want[q][1], got[q][0], got[q][1]);
    free(want);
    free(got);
}

/* Split a CSV line in place into at most max fields. */
static int split(char *line, char **f, int max)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = 0;
    for (char *p = strtok(line, ","); p && n < max; p = strtok(NULL, ",")) f[n++] = p;
    return n;
}

/* Read a whole CSV: header names and a row-major table of values. */
static double *read_csv(const char *path, char names[][32], int *ncol, int *nrow)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char line[8192];
    char *fld[64];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    *ncol = split(line, fld, 64);
    for (int k = 0; k < *ncol; k++) snprintf(names[k], 32, "%s", fld[k]);
    size_t cap = 1024, n = 0;
    double *v = malloc(sizeof *v * cap * (size_t)*ncol);
    while (fgets(line, sizeof line, f)) {
        ck_assert_int_eq(split(line, fld, 64), *ncol);
        if (n == cap) v = realloc(v, sizeof *v * (cap *= 2) * (size_t)*ncol);
        for (int k = 0; k < *ncol; k++) v[n * (size_t)*ncol + (size_t)k] = strtod(fld[k], NULL);
        n++;
    }
    fclose(f);
    *nrow = (int)n;
    return v;
}

static void check_trace(const char *dir, const char *model, const Check *c)
{
    char path[512], rel[256];
    snprintf(path, sizeof path, "%s/%s.csv", dir, c->monitor);
    snprintf(rel, sizeof rel, "data/brian2/%s", c->ref);
    char gn[64][32], wn[64][32];
    int gc, gr, wc, wr;
    double *got = read_csv(path, gn, &gc, &gr);
    double *want = read_csv(test_path(rel), wn, &wc, &wr);
    ck_assert_msg(gr == wr, "%s/%s: %d rows, Brian2 %d", model, c->monitor, gr, wr);
    double worst = 0;
    for (int k = 1; k < wc; k++) {
        int m = -1;
        for (int q = 1; q < gc; q++)
            if (!strcmp(gn[q], wn[k])) m = q;
        ck_assert_msg(m > 0, "%s/%s: snnc has no column %s", model, c->monitor, wn[k]);
        double scale = 0;
        for (int r = 0; r < wr; r++) scale = fmax(scale, fabs(want[r * wc + k]));
        for (int r = 0; r < wr; r++) {
            double d = fabs(got[r * gc + m] - want[r * wc + k]) / (scale > 0 ? scale : 1);
            worst = fmax(worst, d);
            ck_assert_msg(d <= 1e-9, "%s/%s %s step %d: snnc %.17g, Brian2 %.17g", model, c->monitor, wn[k], r,
                          got[r * gc + m], want[r * wc + k]);
        }
    }
    free(got);
    free(want);
}

/* Each case runs twice: with the libtcc code, and with the optimising tier
 * (the system compiler's code, installed before the first step, which the
 * test checks), which must give the same numbers. */
#define NCASES ((int)(sizeof cases / sizeof *cases))

START_TEST(network_case)
{
    const Case *c = &cases[_i % NCASES];
    int native = _i >= NCASES;
    /* valgrind does not know every instruction of -march=native code */
    if (native && getenv("SNN_TEST_NO_NATIVE")) {
        printf("# skipped: %s with the optimised code (SNN_TEST_NO_NATIVE is set)\n", c->model);
        fflush(stdout);
        return;
    }
    char rel[256];
    snprintf(rel, sizeof rel, "networks/%s.snn", c->model);
    snn_ctx *ctx = snn_new();
    if (native) ck_assert_int_eq(snn_set_native(ctx, SNN_NATIVE_WAIT), SNN_OK);
    ck_assert_msg(snn_load_file(ctx, test_path(rel)) == SNN_OK, "%s", snn_errmsg(ctx));
    if (native) {
        const char *why;
        ck_assert_msg(snn_build(ctx) == SNN_OK, "%s", snn_errmsg(ctx));
        ck_assert_msg(snn_native_status(ctx, &why) == SNN_NATIVE_INSTALLED, "%s: the optimised code is not "
                      "installed: %s", c->model, why);
    }
    ck_assert_msg(snn_run_script(ctx) == SNN_OK, "%s", snn_errmsg(ctx));
    for (int k = 0; k < 2 && c->spikes[k].monitor; k++) check_spikes(ctx, c->model, &c->spikes[k]);
    char *dir = test_tmpdir();
    ck_assert_int_eq(snn_write_outputs(ctx, dir), SNN_OK);
    for (int k = 0; k < 2 && c->traces[k].monitor; k++) check_trace(dir, c->model, &c->traces[k]);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
    free(dir);
    snn_free(ctx);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("networks");
    TCase *tc = tcase_create("brian2");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, network_case, 0, 2 * NCASES);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
