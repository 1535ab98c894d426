/* SPDX-License-Identifier: MIT */
/* This file contains Brian2's own tests of subgroups (test_subgroup.py) and
 * linked variables (test_neurongroup.py's test_linked_*), ported to .snn
 * models run through snn.h: each test's network written in snnc's language,
 * and Brian2's expected values (facts of the tests) checked exactly.  Also
 * a Poisson input onto a subgroup, and heterogeneous delays and on_post
 * from subgroups. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snn.h"
#include "test-common.h"

/* The model text, loaded and run (its run statements); fails the test on
 * an error. */
static snn_ctx *run_model(const char *text)
{
    snn_ctx *ctx = snn_new();
    ck_assert_ptr_nonnull(ctx);
    ck_assert_msg(snn_load_string(ctx, text, strlen(text), "model.snn") == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_msg(snn_run_script(ctx) == SNN_OK, "%s", snn_errmsg(ctx));
    return ctx;
}

/* Variable group.var must be exactly want[0..n). */
static void check_var(snn_ctx *ctx, const char *group, const char *var, const double *want, size_t n)
{
    double got[64];
    ck_assert_int_eq(snn_group_size(ctx, group), (int64_t)n);
    ck_assert_msg(snn_get_var(ctx, group, var, got, n) == SNN_OK, "%s", snn_errmsg(ctx));
    for (size_t k = 0; k < n; k++)
        ck_assert_msg(fabs(got[k] - want[k]) <= 1e-12 * fmax(1, fabs(want[k])), "%s.%s[%zu] = %.17g, expected %.17g",
                      group, var, k, got[k], want[k]);
}

/* Spike monitor mon must hold exactly the spikes (idx[k], step[k]). */
static void check_spikes(snn_ctx *ctx, const char *mon, const int32_t *idx, const int64_t *step, size_t n)
{
    const int32_t *i;
    const int64_t *s;
    size_t got;
    ck_assert_msg(snn_spikes(ctx, mon, &i, &s, &got) == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_msg(got == n, "%s: %zu spikes, expected %zu", mon, got, n);
    for (size_t k = 0; k < n; k++)
        ck_assert_msg(i[k] == idx[k] && s[k] == step[k], "%s spike %zu: (%d, %lld), expected (%d, %lld)", mon, k, i[k],
                      (long long)s[k], idx[k], (long long)step[k]);
}

/* The synapses of S must be exactly the pairs (i[k], j[k]), relative to
 * their subgroups. */
static void check_pairs(snn_ctx *ctx, const char *S, const int32_t *i, const int32_t *j, size_t n)
{
    const int32_t *pre, *post;
    size_t got;
    ck_assert_msg(snn_synapses(ctx, S, &pre, &post, &got) == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_msg(got == n, "%s: %zu synapses, expected %zu", S, got, n);
    for (size_t k = 0; k < n; k++)
        ck_assert_msg(pre[k] == i[k] && post[k] == j[k], "%s synapse %zu: %d -> %d, expected %d -> %d", S, k, pre[k],
                      post[k], i[k], j[k]);
}

static size_t nsyn(snn_ctx *ctx, const char *S)
{
    const int32_t *pre, *post;
    size_t n;
    ck_assert_msg(snn_synapses(ctx, S, &pre, &post, &n) == SNN_OK, "%s", snn_errmsg(ctx));
    return n;
}

/* test_state_variables_simple: initial values of a subgroup, with its own i. */
START_TEST(state_variables_simple)
{
    snn_ctx *ctx = run_model("neurons G[10] { model {\n a : 1\n b : 1\n c : 1\n } }\n"
                             "subgroup SG = G[3:7] { init {\n a = 1 + (i == 0)\n b = i\n c = [3, 4, 5, 6]\n } }\n"
                             "subgroup SG2 = SG[2:4] { init { b = 2*i + 6 } }\n"
                             "run 0*ms\n");
    check_var(ctx, "G", "a", (double[]){ 0, 0, 0, 2, 1, 1, 1, 0, 0, 0 }, 10);
    check_var(ctx, "G", "b", (double[]){ 0, 0, 0, 0, 1, 6, 8, 0, 0, 0 }, 10);
    check_var(ctx, "G", "c", (double[]){ 0, 0, 0, 3, 4, 5, 6, 0, 0, 0 }, 10);
    snn_free(ctx);
}
END_TEST

/* test_state_monitor: a state monitor of G[5:] records neurons 5.. as 0.. */
START_TEST(state_monitor)
{
    snn_ctx *ctx = run_model("neurons G[10] { model { v : volt }  init { v = i*volt } }\n"
                             "subgroup SG = G[5:]\n"
                             "statemonitor mon_all(SG.v, record=all)\n"
                             "statemonitor mon_0(SG.v, record=[0])\n"
                             "run 0.1*ms\n");
    const int64_t *steps;
    const double *v;
    const int32_t *idx;
    size_t ns;
    int nidx, nvars;
    ck_assert_int_eq(snn_trace(ctx, "mon_all", &steps, &ns, &v, &idx, &nidx, &nvars), SNN_OK);
    ck_assert(ns == 1 && nidx == 5 && nvars == 1);
    for (int k = 0; k < 5; k++) ck_assert(idx[k] == k && v[k] == 5 + k);
    ck_assert_int_eq(snn_trace(ctx, "mon_0", &steps, &ns, &v, &idx, &nidx, &nvars), SNN_OK);
    ck_assert(ns == 1 && nidx == 1 && idx[0] == 0 && v[0] == 5);
    snn_free(ctx);
}
END_TEST

/* test_synapse_creation: i and j are relative to the subgroups. */
START_TEST(synapse_creation)
{
    snn_ctx *ctx = run_model("neurons G1[10] { model { v : 1 } }\nneurons G2[20] { model { v : 1 } }\n"
                             "subgroup SG1 = G1[:5]\nsubgroup SG2 = G2[10:]\n"
                             "synapses S(SG1 -> SG2) { connect(i=2, j=2)  connect('i==2 and j==5') }\n"
                             "run 0*ms\n");
    check_pairs(ctx, "S", (int32_t[]){ 2, 2 }, (int32_t[]){ 2, 5 }, 2);
    snn_free(ctx);
}
END_TEST

/* test_synapse_creation_state_vars and _generator: conditions and
 * generators on the _pre/_post variables of subgroups, and N_post. */
START_TEST(synapse_creation_conditions)
{
    snn_ctx *ctx = run_model("neurons G1[10] { model { v : 1 }  init { v = i } }\n"
                             "neurons G2[20] { model { v : 1 }  init { v = 10 + i } }\n"
                             "subgroup SG1 = G1[:5]\nsubgroup SG2 = G2[10:]\n"
                             "synapses S(SG1 -> SG2) { connect(j='i*2 + k for k in range(2)') }\n"
                             "synapses S2(SG1 -> SG2) { connect('v_pre > 2') }\n"
                             "synapses S3(SG1 -> SG2) { connect('v_post < 25') }\n"
                             "synapses S4(SG2 -> SG1) { connect('v_post > 2') }\n"
                             "synapses S5(SG2 -> SG1) { connect('v_pre < 25') }\n"
                             "synapses T2(SG1 -> SG2) { connect(j='k for k in range(N_post) if v_pre > 2') }\n"
                             "synapses T3(SG1 -> SG2) { connect(j='k for k in range(N_post) if v_post < 25') }\n"
                             "synapses T4(SG2 -> SG1) { connect(j='k for k in range(N_post) if v_post > 2') }\n"
                             "synapses T5(SG2 -> SG1) { connect(j='k for k in range(N_post) if v_pre < 25') }\n"
                             "run 0*ms\n");
    int32_t i[10], j[10];
    for (int k = 0; k < 10; k++) i[k] = k / 2, j[k] = k;
    check_pairs(ctx, "S", i, j, 10);
    ck_assert_uint_eq(nsyn(ctx, "S2"), 2 * 10);
    ck_assert_uint_eq(nsyn(ctx, "S3"), 5 * 5);
    ck_assert_uint_eq(nsyn(ctx, "S4"), 2 * 10);
    ck_assert_uint_eq(nsyn(ctx, "S5"), 5 * 5);
    ck_assert_uint_eq(nsyn(ctx, "T2"), 2 * 10);
    ck_assert_uint_eq(nsyn(ctx, "T3"), 5 * 5);
    ck_assert_uint_eq(nsyn(ctx, "T4"), 2 * 10);
    ck_assert_uint_eq(nsyn(ctx, "T5"), 5 * 5);
    snn_free(ctx);
}
END_TEST

/* test_synapse_creation_generator_multiple_synapses, _complex_ranges and
 * _random: n=, ranges and sample() of i, j, N_post and the subgroups'
 * variables. */
START_TEST(synapse_creation_generators)
{
    snn_ctx *ctx = run_model("neurons G1[10] { model { v : 1 }  init { v = i } }\n"
                             "neurons G2[20] { model { v : 1 }  init { v = 10 + i } }\n"
                             "subgroup SG1 = G1[:5]\nsubgroup SG2 = G2[10:]\n"
                             "synapses S1(SG1 -> SG2) { connect(j='k for k in range(N_post)', n='i') }\n"
                             "synapses S2(SG1 -> SG2) { connect(j='k for k in range(N_post)', n='j') }\n"
                             "synapses S3(SG2 -> SG1) { connect(j='k for k in range(N_post)', n='i') }\n"
                             "synapses S4(SG2 -> SG1) { connect(j='k for k in range(N_post)', n='j') }\n"
                             "synapses S5(SG1 -> SG2) { connect(j='k for k in range(N_post)', n='i+j') }\n"
                             "synapses S6(SG2 -> SG1) { connect(j='k for k in range(N_post)', n='i+j') }\n"
                             "synapses S7(SG1 -> SG2) { connect(j='k for k in range(N_post)', n='int(v_pre>2)*2') }\n"
                             "synapses S8(SG2 -> SG1) { connect(j='k for k in range(N_post)', n='int(v_post>2)*2') }\n"
                             "synapses S9(SG1 -> SG2) { connect(j='k for k in range(N_post)', n='int(v_post>22)*2') }\n"
                             "synapses S10(SG2 -> SG1) { connect(j='k for k in range(N_post)', n='int(v_pre>22)*2') }\n"
                             "synapses C1(SG1 -> SG2) { connect(j='i+k for k in range(N_post-i)') }\n"
                             "synapses C2(SG1 -> SG2) { connect(j='k for k in range(N_post * int(v_pre > 2))') }\n"
                             "synapses C3(SG2 -> SG1) { connect(j='k for k in range(N_post * int(v_pre > 22))') }\n"
                             "synapses R2(SG1 -> SG2) { connect(j='k for k in sample(N_post, p=1.0*int(v_pre > 2))') }\n"
                             "synapses R3(SG2 -> SG1) { connect(j='k for k in sample(N_post, p=1.0*int(v_pre > 22))') }\n"
                             "run 0*ms\n");
    /* the counts Brian2's assertions imply (e.g. S5: sum of i + j over 5 x 10) */
    static const struct { const char *syn; size_t n; } want[] = {
        { "S1", 100 }, { "S2", 225 }, { "S3", 225 }, { "S4", 100 }, { "S5", 325 }, { "S6", 325 }, { "S7", 40 },
        { "S8", 40 }, { "S9", 70 }, { "S10", 70 }, { "C1", 40 }, { "C2", 20 }, { "C3", 35 }, { "R2", 20 },
        { "R3", 35 } };
    for (size_t k = 0; k < sizeof want / sizeof *want; k++)
        ck_assert_msg(nsyn(ctx, want[k].syn) == want[k].n, "%s: %zu synapses, expected %zu", want[k].syn,
                      nsyn(ctx, want[k].syn), want[k].n);
    /* S1: source i connects to every j, i times; C1: source i to j >= i */
    int32_t i[100], j[100];
    size_t n = 0;
    for (int a = 0; a < 5; a++)
        for (int b = 0; b < 10; b++)
            for (int r = 0; r < a; r++) i[n] = a, j[n++] = b;
    check_pairs(ctx, "S1", i, j, n);
    n = 0;
    for (int a = 0; a < 5; a++)
        for (int b = a; b < 10; b++) i[n] = a, j[n++] = b;
    check_pairs(ctx, "C1", i, j, n);
    snn_free(ctx);
}
END_TEST

/* test_subgroup_summed_variable: only the target subgroup's neurons are
 * summed into (and zeroed). */
START_TEST(subgroup_summed_variable)
{
    snn_ctx *ctx = run_model("neurons source[1] { model { x : 1 } }\n"
                             "neurons target[5] { model { Iin : 1 }  init { Iin = 10 } }\n"
                             "synapses syn1(source -> target[1:2]) { model { Iin_post = 5 : 1 (summed) }  connect() }\n"
                             "synapses syn2(source -> target[3:]) { model { Iin_post = 1 : 1 (summed) }  connect() }\n"
                             "run 0.2*ms\n");
    check_var(ctx, "target", "Iin", (double[]){ 10, 5, 10, 1, 1 }, 5);
    snn_free(ctx);
}
END_TEST

/* test_synaptic_propagation, test_no_reference_4: spikes of G1[1:6] reach
 * G2[10:] by relative index. */
START_TEST(synaptic_propagation)
{
    snn_ctx *ctx = run_model("neurons G1[10] { model { v : 1 }  threshold: v > 1  reset: v = 0\n"
                             "  init { v = 1.1*(i % 2 == 1) } }\n"
                             "neurons G2[20] { model { v : 1 } }\n"
                             "synapses S(G1[1:6] -> G2[10:]) { on_pre: v += 1  connect('i == j') }\n"
                             "run 0.1*ms\n");
    double want[20] = { 0 };
    want[10] = want[12] = want[14] = 1;
    check_var(ctx, "G2", "v", want, 20);
    snn_free(ctx);
}
END_TEST

/* test_synaptic_propagation_2 (github issue #461): a one-neuron subgroup at
 * the end of its group. */
START_TEST(synaptic_propagation_2)
{
    snn_ctx *ctx = run_model("neurons source[100] { model { x : 1 }  threshold: True }\n"
                             "neurons target[1] { model { v : 1 } }\n"
                             "subgroup sub_source = source[99:]\n"
                             "synapses syn(sub_source -> target) { on_pre: v += 1  connect() }\n"
                             "run 0.1*ms\n");
    check_var(ctx, "target", "v", (double[]){ 1 }, 1);
    snn_free(ctx);
}
END_TEST

/* test_run_regularly (github issue #922): run_regularly of subgroups. */
START_TEST(run_regularly)
{
    snn_ctx *ctx = run_model("neurons group[10] { model { v : integer }  run_regularly(dt=0.1*ms) { v += 16 } }\n"
                             "subgroup a = group[:2] { run_regularly(dt=0.1*ms) { v += 8 } }\n"
                             "subgroup b = group[2:4] { run_regularly(dt=0.1*ms) { v += 4 } }\n"
                             "subgroup c = group[4:6] { run_regularly(dt=0.1*ms) { v += 2 } }\n"
                             "subgroup d = group[6:8] { run_regularly(dt=0.1*ms) { v += 1 } }\n"
                             "run 0.1*ms\n");
    check_var(ctx, "group", "v", (double[]){ 24, 24, 20, 20, 18, 18, 17, 17, 16, 16 }, 10);
    snn_free(ctx);
}
END_TEST

/* test_spike_monitor, test_no_reference_2: spike and rate monitors of
 * subgroups count from the subgroup's start and divide by its size. */
START_TEST(spike_and_rate_monitors)
{
    snn_ctx *ctx = run_model("neurons G[10] { model { v : 1 }  threshold: v > 1  reset: v = 0\n"
                             "  init { v = 1.1*(i == 0 or i == 2 or i == 5) } }\n"
                             "spikemonitor s_mon(G)\nspikemonitor sub_s_mon(G[3:])\nspikemonitor sub_s_mon2(G[:3])\n"
                             "neurons H[2] { model { v : 1 }  threshold: v > 1  reset: v = 0  init { v = [0, 1.1] } }\n"
                             "statemonitor state_mon(H[:1].v, record=all)\nspikemonitor spike_mon(H[1:])\n"
                             "ratemonitor rate_mon(H[:2])\nratemonitor rate_one(H[1])\n"
                             "run 0.2*ms\n");
    check_spikes(ctx, "s_mon", (int32_t[]){ 0, 2, 5 }, (int64_t[]){ 0, 0, 0 }, 3);
    check_spikes(ctx, "sub_s_mon", (int32_t[]){ 2 }, (int64_t[]){ 0 }, 1);
    check_spikes(ctx, "sub_s_mon2", (int32_t[]){ 0, 2 }, (int64_t[]){ 0, 0 }, 2);
    check_spikes(ctx, "spike_mon", (int32_t[]){ 0 }, (int64_t[]){ 0 }, 1);
    const int64_t *steps;
    const double *v;
    const int32_t *idx;
    size_t ns;
    int nidx, nvars;
    ck_assert_int_eq(snn_trace(ctx, "state_mon", &steps, &ns, &v, &idx, &nidx, &nvars), SNN_OK);
    ck_assert(ns == 2 && nidx == 1 && v[0] == 0 && v[1] == 0);
    char *dir = test_tmpdir();
    ck_assert_int_eq(snn_write_outputs(ctx, dir), SNN_OK);
    char path[512];
    TestTable t;
    snprintf(path, sizeof path, "%s/rate_mon.csv", dir);
    test_read_csv(&t, path);
    ck_assert(t.nrows == 2 && test_cell(&t, 0, 1) == 0.5 / 1e-4 && test_cell(&t, 1, 1) == 0);
    test_table_free(&t);
    snprintf(path, sizeof path, "%s/rate_one.csv", dir);
    test_read_csv(&t, path);
    ck_assert(t.nrows == 2 && test_cell(&t, 0, 1) == 1 / 1e-4 && test_cell(&t, 1, 1) == 0);
    test_table_free(&t);
    test_remove_tmpdir(dir);
    snn_free(ctx);
}
END_TEST

/* test_no_reference_3: synapses between two subgroups of one group. */
START_TEST(no_reference_3)
{
    snn_ctx *ctx = run_model("neurons G[2] { model { v : 1 }  threshold: v > 1  reset: v = 0  init { v = [1.1, 0] } }\n"
                             "synapses S(G[:1] -> G[1:]) { on_pre: v += 1  connect() }\n"
                             "run 0.1*ms\n");
    check_var(ctx, "G", "v", (double[]){ 0, 1 }, 2);
    snn_free(ctx);
}
END_TEST

/* test_recursive_subgroup, test_alternative_indexing: a subgroup of a
 * subgroup, negative starts, a single index. */
START_TEST(recursive_and_alternative_indexing)
{
    snn_ctx *ctx = run_model("neurons G[10] { model { v : integer }  init { v = i } }\n"
                             "subgroup SG = G[3:8]\n"
                             "statemonitor M2(SG[2:4].v, record=all)\n"
                             "statemonitor M3(G[-3:].v, record=all)\n"
                             "statemonitor M4(G[3].v, record=all)\n"
                             "run 0.1*ms\n");
    static const struct { const char *mon; int n; double first; } want[] = { { "M2", 2, 5 }, { "M3", 3, 7 },
                                                                            { "M4", 1, 3 } };
    for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
        const int64_t *steps;
        const double *v;
        const int32_t *idx;
        size_t ns;
        int nidx, nvars;
        ck_assert_int_eq(snn_trace(ctx, want[k].mon, &steps, &ns, &v, &idx, &nidx, &nvars), SNN_OK);
        ck_assert_int_eq(nidx, want[k].n);
        for (int r = 0; r < nidx; r++) ck_assert_msg(v[r] == want[k].first + r, "%s[%d] = %g", want[k].mon, r, v[r]);
    }
    snn_free(ctx);
}
END_TEST

/* A Poisson input onto a subgroup reaches its neurons only. */
START_TEST(poissoninput_subgroup)
{
    snn_ctx *ctx = run_model("neurons G[20] { model { v : 1 } }\n"
                             "poissoninput PI(G[5:15].v, N=100, rate=50*Hz, weight=1)\n"
                             "run 100*ms\n");
    double v[20];
    ck_assert_int_eq(snn_get_var(ctx, "G", "v", v, 20), SNN_OK);
    double sum = 0;
    for (int k = 0; k < 20; k++) {
        if (k < 5 || k >= 15) ck_assert_msg(v[k] == 0, "neuron %d outside the subgroup got %g", k, v[k]);
        else sum += v[k];
    }
    /* 10 neurons x 1000 steps x 100 inputs x 50 Hz x 0.1 ms = 5000 events:
     * a Poisson count, within 5 standard deviations */
    ck_assert_msg(fabs(sum - 5000) < 5 * sqrt(5000), "%g events, expected about 5000", sum);
    snn_free(ctx);
}
END_TEST

/* Heterogeneous delays and on_post between subgroups: spikes of G[2:4]
 * arrive delay steps later at H[1:3] by relative index, and H[1:3]'s
 * spikes run on_post. */
START_TEST(delays_and_on_post)
{
    snn_ctx *ctx = run_model("neurons G[5] { model { v : 1 }  threshold: v > 1  reset: v = -100\n"
                             "  init { v = 2*(i >= 2) } }\n"
                             "neurons H[4] { model { dv/dt = 0.5/ms : 1 }  threshold: v > 1.02  reset: v = -100 }\n"
                             "synapses S(G[2:4] -> H[1:3]) {\n model { w : 1 }\n on_pre: w += 1\n"
                             " on_post: w += 10*(j + 1)\n delay: (1 + i)*0.5*ms\n connect('i == j') }\n"
                             "statemonitor M(S.w, record=all, when=end)\n"
                             "spikemonitor SH(H)\n"
                             "run 5*ms\n");
    /* G's neurons 2 and 3 spike at step 0: delays 5 and 10 steps */
    const int64_t *steps;
    const double *w;
    const int32_t *idx;
    size_t ns;
    int nidx, nvars;
    ck_assert_int_eq(snn_trace(ctx, "M", &steps, &ns, &w, &idx, &nidx, &nvars), SNN_OK);
    ck_assert(nidx == 2 && ns == 50);
    /* H's neurons all spike at step 20 (v = 0.05*21 > 1.02): on_post of both
     * synapses (j = 0, 1) at step 20 */
    for (size_t s = 0; s < ns; s++) {
        double w0 = (s >= 5) + (s >= 20) * 10, w1 = (s >= 10) + (s >= 20) * 20;
        ck_assert_msg(w[2 * s] == w0 && w[2 * s + 1] == w1, "step %zu: w = %g, %g, expected %g, %g", s, w[2 * s],
                      w[2 * s + 1], w0, w1);
    }
    snn_free(ctx);
}
END_TEST

/* Synapses between subgroups built through snn.h, and a subgroup monitor. */
START_TEST(api_subgroups)
{
    snn_ctx *ctx = snn_new();
    ck_assert_int_eq(snn_add_neurons(ctx, "P", 6, "v : 1", "v > 1", "v = 0", NULL, NULL), SNN_OK);
    ck_assert_int_eq(snn_add_synapses(ctx, "S", "P[0:2]", "P[-3:]", NULL, "v_post += 0.5", NULL, "j='i + 1'"), SNN_OK);
    ck_assert_int_eq(snn_add_synapses(ctx, "bad", "P[0:2", "P", NULL, NULL, NULL, NULL), SNN_EMISUSE);
    ck_assert_int_eq(snn_add_monitor(ctx, "spikemonitor", "SM", "P[3:]"), SNN_OK);
    ck_assert_int_eq(snn_build(ctx), SNN_OK);
    check_pairs(ctx, "S", (int32_t[]){ 0, 1 }, (int32_t[]){ 1, 2 }, 2);
    double v[6] = { 2, 2, 0, 0, 0, 0 };
    ck_assert_int_eq(snn_set_var(ctx, "P", "v", v, 6), SNN_OK);
    ck_assert_int_eq(snn_run_steps(ctx, 1), SNN_OK);
    check_var(ctx, "P", "v", (double[]){ 0, 0, 0, 0, 0.5, 0.5 }, 6);
    ck_assert_int_eq(snn_set_var(ctx, "P", "v", (double[]){ 0, 0, 0, 0, 2, 2 }, 6), SNN_OK);
    ck_assert_int_eq(snn_run_steps(ctx, 1), SNN_OK);
    check_spikes(ctx, "SM", (int32_t[]){ 1, 2 }, (int64_t[]){ 1, 1 }, 2);
    /* spikes added from outside: the subgroup's monitor sees P's neuron 5 */
    double t = snn_time(ctx);
    ck_assert_int_eq(snn_add_spikes(ctx, "P", (int32_t[]){ 0, 5 }, (double[]){ t, t }, 2), SNN_OK);
    ck_assert_int_eq(snn_run_steps(ctx, 1), SNN_OK);
    check_spikes(ctx, "SM", (int32_t[]){ 1, 2, 2 }, (int64_t[]){ 1, 1, 2 }, 3);
    snn_free(ctx);
}
END_TEST

/* test_subexpression_references and _no_references: subexpressions of
 * the source and target read the subgroups' neurons. */
START_TEST(subexpression_references)
{
    snn_ctx *ctx = run_model("neurons G[10] { model {\n v : 1\n v2 = 2*v : 1\n }  init { v = i } }\n"
                             "subgroup SG1 = G[:5]\nsubgroup SG2 = G[5:]\n"
                             "synapses S1(SG1 -> SG2) { model {\n w : 1\n u = v2_post + 1 : 1\n x = v2_pre + 1 : 1\n }\n"
                             "  connect('i == (5 - 1 - j)') }\n"
                             "synapses S2(G -> G[5:]) { model {\n w : 1\n u = v2_post + 1 : 1\n x = v2_pre + 1 : 1\n }\n"
                             "  connect('i == (5 - 1 - j)') }\n"
                             "synapses S3(G[:5] -> G) { model {\n w : 1\n u = v2_post + 1 : 1\n x = v2_pre + 1 : 1\n }\n"
                             "  connect('i == (10 - 1 - j)') }\n"
                             "statemonitor M1(S1.u, S1.x, record=all)\nstatemonitor M2(S2.u, S2.x, record=all)\n"
                             "statemonitor M3(S3.u, S3.x, record=all)\n"
                             "run 0.1*ms\n");
    static const char *const syn[] = { "S1", "S2", "S3" }, *const mon[] = { "M1", "M2", "M3" };
    for (int s = 0; s < 3; s++) {
        int32_t i[5], j[5];
        for (int k = 0; k < 5; k++) i[k] = k, j[k] = s == 2 ? 9 - k : 4 - k;
        check_pairs(ctx, syn[s], i, j, 5);
        const int64_t *steps;
        const double *v;
        const int32_t *idx;
        size_t ns;
        int nidx, nvars;
        ck_assert_int_eq(snn_trace(ctx, mon[s], &steps, &ns, &v, &idx, &nidx, &nvars), SNN_OK);
        ck_assert(ns == 1 && nidx == 5 && nvars == 2);
        for (int k = 0; k < 5; k++) {
            /* u = 2*v_post + 1 with v_post = 9 - k; x = 2*v_pre + 1 with v_pre = k */
            ck_assert_msg(v[2 * k] == 2 * (9 - k) + 1, "%s.u[%d] = %g", syn[s], k, v[2 * k]);
            ck_assert_msg(v[2 * k + 1] == 2 * k + 1, "%s.x[%d] = %g", syn[s], k, v[2 * k + 1]);
        }
    }
    snn_free(ctx);
}
END_TEST

/* A snapshot of a network with subgroups (delay queues of relative
 * indices, subgroup monitors, linked variables) restores to the same
 * continuation. */
START_TEST(snapshot_roundtrip)
{
    snn_ctx *ctx = snn_new();
    ck_assert_msg(snn_load_file(ctx, test_path("networks/subgroup_features.snn")) == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_int_eq(snn_run(ctx, 0.02), SNN_OK);
    snn_snapshot *snap;
    ck_assert_int_eq(snn_snapshot_take(ctx, &snap), SNN_OK);
    ck_assert_int_eq(snn_run(ctx, 0.02), SNN_OK);
    const int32_t *idx;
    const int64_t *steps;
    size_t n;
    ck_assert_int_eq(snn_spikes(ctx, "SMb", &idx, &steps, &n), SNN_OK);
    int32_t *i1 = malloc(sizeof *i1 * (n + 1));
    int64_t *s1 = malloc(sizeof *s1 * (n + 1));
    memcpy(i1, idx, sizeof *i1 * n);
    memcpy(s1, steps, sizeof *s1 * n);
    double x1[4];
    ck_assert_int_eq(snn_get_var(ctx, "H", "y", x1, 4), SNN_OK);
    ck_assert_int_eq(snn_snapshot_restore(ctx, snap), SNN_OK);
    ck_assert_int_eq(snn_run(ctx, 0.02), SNN_OK);
    check_spikes(ctx, "SMb", i1, s1, n);
    check_var(ctx, "H", "y", x1, 4);
    free(i1);
    free(s1);
    snn_snapshot_free(snap);
    snn_free(ctx);
}
END_TEST

/* ---- linked variables (test_neurongroup.py) ---- */

/* test_linked_variable_correct: a linked variable follows its source. */
START_TEST(linked_variable_correct)
{
    snn_ctx *ctx = run_model("tau = 10*ms\n"
                             "neurons G1[10] { model { dv/dt = -v/tau : volt }  init { v = i*20*mV/9 } }\n"
                             "neurons G2[10] { model { v : volt (linked) }  link: v = G1.v }\n"
                             "statemonitor mon1(G1.v, record=all)\nstatemonitor mon2(G2.v, record=all)\n"
                             "run 10*ms\n");
    const int64_t *s1, *s2;
    const double *v1, *v2;
    const int32_t *idx;
    size_t n1, n2;
    int nidx, nvars;
    ck_assert_int_eq(snn_trace(ctx, "mon1", &s1, &n1, &v1, &idx, &nidx, &nvars), SNN_OK);
    ck_assert_int_eq(snn_trace(ctx, "mon2", &s2, &n2, &v2, &idx, &nidx, &nvars), SNN_OK);
    ck_assert(n1 == 100 && n2 == 100);
    ck_assert(!memcmp(v1, v2, sizeof *v1 * 100 * 10));
    ck_assert(v1[99 * 10 + 9] > 0.007 && v1[99 * 10 + 9] < 0.0075);   /* 20 mV * exp(-0.99) */
    snn_free(ctx);
}
END_TEST

/* test_linked_variable_indexed, _repeat, _subgroup, _subgroup2, the double
 * and triple links: index maps, composed through links of links. */
START_TEST(linked_variable_indexed)
{
    snn_ctx *ctx = run_model("neurons G[10] { model {\n x : 1\n y : 1 (linked)\n }\n"
                             "  init { x = i*0.1 }\n  link(y, G.x, index=9 - i) }\n"
                             "neurons W[5] { model { w : 1 }  init { w = i*0.1 } }\n"
                             "neurons R[10] { model { v : 1 (linked) }  link(v, W.w, index=i // 2) }\n"
                             "neurons G3[5] { model { y : 1 (linked) }  link: y = G[3:8].x }\n"
                             "neurons G4[10] { model { y : 1 (linked) }  link(y, G[3:8].x, index=[0, 0, 1, 1, 2, 2, 3, 3, 4, 4]) }\n"
                             "neurons D2[10] { model { z : 1 (linked) }  link(z, R.v, index=9 - i) }\n"
                             "neurons A[2] { model { a : 1 }  init { a = i*0.1 } }\n"
                             "neurons B[4] { model { b : 1 (linked) }  link(b, A.a, index=i // 2) }\n"
                             "neurons C[4] { model { c : 1 (linked) }  link(c, B.b, index=3 - i) }\n"
                             "neurons E[8] { model { d : 1 (linked) }  link(d, C.c, index=i // 2) }\n"
                             "run 0*ms\n");
    double want[10];
    for (int k = 0; k < 10; k++) want[k] = (9 - k) * 0.1;
    check_var(ctx, "G", "y", want, 10);
    for (int k = 0; k < 10; k++) want[k] = (k / 2) * 0.1;
    check_var(ctx, "R", "v", want, 10);
    for (int k = 0; k < 5; k++) want[k] = (k + 3) * 0.1;
    check_var(ctx, "G3", "y", want, 5);
    for (int k = 0; k < 10; k++) want[k] = (k / 2 + 3) * 0.1;
    check_var(ctx, "G4", "y", want, 10);
    for (int k = 0; k < 10; k++) want[k] = ((9 - k) / 2) * 0.1;
    check_var(ctx, "D2", "z", want, 10);
    check_var(ctx, "E", "d", (double[]){ 0.1, 0.1, 0.1, 0.1, 0, 0, 0, 0 }, 8);
    snn_free(ctx);
}
END_TEST

/* test_linked_variable_scalar: a source of one neuron is read by all. */
START_TEST(linked_variable_scalar)
{
    snn_ctx *ctx = run_model("neurons G1[1] { model { dx/dt = -x/(10*ms) : 1 }  init { x = 1 } }\n"
                             "neurons G2[10] { model {\n dy/dt = (-y + x)/(20*ms) : 1\n x : 1 (linked)\n }\n"
                             "  link: x = G1.x }\n"
                             "run 0.1*ms\n");
    double x[10];
    ck_assert_int_eq(snn_get_var(ctx, "G2", "x", x, 10), SNN_OK);
    for (int k = 0; k < 10; k++) ck_assert(x[k] == x[0] && x[0] < 1 && x[0] > 0.98);
    snn_free(ctx);
}
END_TEST

/* test_linked_var_in_reset: a reset writes through the link. */
START_TEST(linked_var_in_reset)
{
    snn_ctx *ctx = run_model("neurons G1[3] { model { x : 1 } }\n"
                             "neurons G2[3] { model {\n x_linked : 1 (linked)\n y : 1\n }\n"
                             "  threshold: y > 1\n  reset: y = 0; x_linked += 1\n"
                             "  link: x_linked = G1.x\n  init { y = [0, 1.1, 0] } }\n"
                             "run 0.3*ms\n");
    check_var(ctx, "G1", "x", (double[]){ 0, 1, 0 }, 3);
    double one = 1;
    ck_assert_int_eq(snn_set_var(ctx, "G2", "x_linked", &one, 1), SNN_EMISUSE);
    /* set through the API, the source shows at once in the linked variable */
    ck_assert_int_eq(snn_set_var(ctx, "G1", "x", (double[]){ 3, 4, 5 }, 3), SNN_OK);
    check_var(ctx, "G2", "x_linked", (double[]){ 3, 4, 5 }, 3);
    snn_free(ctx);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("subgroups");
    TCase *tc = tcase_create("brian2_test_subgroup");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, state_variables_simple);
    tcase_add_test(tc, state_monitor);
    tcase_add_test(tc, synapse_creation);
    tcase_add_test(tc, synapse_creation_conditions);
    tcase_add_test(tc, synapse_creation_generators);
    tcase_add_test(tc, subgroup_summed_variable);
    tcase_add_test(tc, synaptic_propagation);
    tcase_add_test(tc, synaptic_propagation_2);
    tcase_add_test(tc, run_regularly);
    tcase_add_test(tc, spike_and_rate_monitors);
    tcase_add_test(tc, no_reference_3);
    tcase_add_test(tc, recursive_and_alternative_indexing);
    tcase_add_test(tc, poissoninput_subgroup);
    tcase_add_test(tc, delays_and_on_post);
    tcase_add_test(tc, api_subgroups);
    tcase_add_test(tc, snapshot_roundtrip);
    tcase_add_test(tc, subexpression_references);
    suite_add_tcase(s, tc);
    tc = tcase_create("brian2_test_linked");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, linked_variable_correct);
    tcase_add_test(tc, linked_variable_indexed);
    tcase_add_test(tc, linked_variable_scalar);
    tcase_add_test(tc, linked_var_in_reset);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
