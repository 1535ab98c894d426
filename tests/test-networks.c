/* SPDX-License-Identifier: MIT */
/* This file contains the deterministic network checks against Brian2 2.5.1:
 * each tests/networks/X.snn is the Brian2 script of tests/data/brian2/X.md,
 * and must give the same spikes (same neurons, same steps) and the same
 * traces within a relative tolerance of 1e-9 (of the column's largest value):
 * homogeneous and heterogeneous delays, a spike generator, on_post with
 * event-driven STDP traces, summed variables (gap junctions), timedarrays,
 * run_regularly, rate monitors, a state monitor with its own dt at 'end',
 * subgroups (synapses, monitors, init and run_regularly of P[a:b]), linked
 * variables and synapses on synapses (an astrocyte-modulated synapse). */
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
    Check traces[4];
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
    { "protocol", { { "SM", "protocol_spikes.csv" }, { "HM", "protocol_target_spikes.csv" } },
      { { "M", "protocol_trace.csv" } } },
    { "restore_loop", { { "SM", "sweep_2_spikes.csv" } }, { { 0 } } },
    { "protocol_inputs", { { "spk", "protocol_inputs_spikes.csv" }, { "gspk", "protocol_inputs_target_spikes.csv" } },
      { { "mon", "protocol_inputs_trace.csv" } } },
    { "subgroup_cuba", { { "SM", "subgroup_cuba_spikes.csv" }, { "SMi", "subgroup_cuba_inh_spikes.csv" } },
      { { "M", "subgroup_cuba_trace.csv" }, { "Re", "subgroup_cuba_rate.csv" } } },
    { "subgroup_features", { { "SM", "subgroup_features_spikes.csv" }, { "SMb", "subgroup_features_b_spikes.csv" } },
      { { "M", "subgroup_features_trace.csv" }, { "Rb", "subgroup_features_rate.csv" } } },
    { "astro_io_synapse", { { "astro_spk", "astro_io_synapse_spikes.csv" } },
      { { "syn_mon", "astro_io_synapse_syn_trace.csv" }, { "ast_mon", "astro_io_synapse_astro_trace.csv" },
        { "ast_slow", "astro_io_synapse_astro_slow.csv" }, { "syn_slow", "astro_io_synapse_syn_slow.csv" } } },
    { "synsyn_features", { { "spk", "synsyn_features_spikes.csv" } },
      { { "vmon", "synsyn_features_v_trace.csv" }, { "wmon", "synsyn_features_w_trace.csv" },
        { "cmon", "synsyn_features_c_trace.csv" } } },
};

/* The spike monitor c->monitor against Brian2's "i,step" file. */
static void check_spikes(snn_ctx *ctx, const char *model, const Check *c)
{
    const int32_t *idx;
    const int64_t *steps;
    size_t n;
    ck_assert_msg(snn_spikes(ctx, c->monitor, &idx, &steps, &n) == SNN_OK, "%s: %s", model, snn_errmsg(ctx));
    char rel[256], what[256];
    snprintf(rel, sizeof rel, "data/brian2/%s", c->ref);
    snprintf(what, sizeof what, "%s/%s", model, c->monitor);
    test_check_recorded(what, idx, steps, n, test_path(rel), "i,step");
}

/* The state or rate monitor c->monitor, written to dir, against Brian2's
 * trace: the same rows, every Brian2 column present, values within 1e-9 of
 * the column's largest value. */
static void check_trace(const char *dir, const char *model, const Check *c)
{
    char path[512], rel[256];
    snprintf(path, sizeof path, "%s/%s.csv", dir, c->monitor);
    snprintf(rel, sizeof rel, "data/brian2/%s", c->ref);
    TestTable got, want;
    test_read_csv(&got, path);
    test_read_csv(&want, test_path(rel));
    ck_assert_msg(got.nrows == want.nrows, "%s/%s: %zu rows, Brian2 %zu", model, c->monitor, got.nrows, want.nrows);
    for (int k = 1; k < want.ncols; k++) {
        int m = test_column(&got, want.names[k]);
        ck_assert_msg(m > 0, "%s/%s: snnc has no column %s", model, c->monitor, want.names[k]);
        double scale = 0;
        for (size_t r = 0; r < want.nrows; r++) scale = fmax(scale, fabs(test_cell(&want, r, k)));
        for (size_t r = 0; r < want.nrows; r++) {
            double d = fabs(test_cell(&got, r, m) - test_cell(&want, r, k)) / (scale > 0 ? scale : 1);
            ck_assert_msg(d <= 1e-9, "%s/%s %s step %zu: snnc %.17g, Brian2 %.17g", model, c->monitor, want.names[k],
                          r, test_cell(&got, r, m), test_cell(&want, r, k));
        }
    }
    test_table_free(&got);
    test_table_free(&want);
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
    for (int k = 0; k < 4 && c->traces[k].monitor; k++) check_trace(dir, c->model, &c->traces[k]);
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
