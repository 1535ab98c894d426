/* SPDX-License-Identifier: MIT */
/* This file contains the checks of the seed tutorials as snnc models
 * (examples/seeds/, see its README.md): each model runs through the snnc
 * command (SNNC) and must give what its tutorial prints or what the seed's
 * Python code computes, kept under tests/data/seeds/ (made by the scripts in
 * tests/seeds/):
 *   - seed 000, srm_network.snn: the printed spike train;
 *   - seed 001, srm_stdp.snn: the printed spike train and weights, with the
 *     package's v0.4 threshold and its later "from below" rule, and random
 *     networks against the package's re-implementation (tests/seeds/ref_srm.py),
 *     and the _pre/_post views of subexpressions the model relies on, and
 *     the model's own print statements;
 *   - seed 002, lif_populations.snn: every spike of both populations;
 *   - seed 003, examples/tutorial.snn: Brian2's spikes (tests/data/tutorial/);
 *   - seed 004, lif_two_layer.snn: every spike of both layers, and the
 *     printed layer_spikes[0:200]. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test-common.h"

/* snnc's spike monitor file (i,t in seconds) as (neuron, step). */
static TestSpikes read_snnc_spikes(const char *dir, const char *monitor, double dt)
{
    char path[2100];
    snprintf(path, sizeof path, "%s/%s.csv", dir, monitor);
    return test_read_spikes(path, "i,t", dt);
}

/* Reference spikes under tests/data/seeds (i,step). */
static TestSpikes read_ref_spikes(const char *name)
{
    char rel[256];
    snprintf(rel, sizeof rel, "data/seeds/%s", name);
    return test_read_spikes(test_path(rel), "i,step", 0);
}

/* The same neurons at the same steps, ignoring snnc's spikes from step
 * max_step on (-1: none ignored); frees both lists. */
static void check_spikes(TestSpikes *got, TestSpikes *want, long max_step, const char *what)
{
    test_spikes_sort(got);
    if (max_step >= 0)
        while (got->n > 0 && got->v[got->n - 1].step >= max_step) got->n--;
    test_check_spikes(what, got, want);
    test_spikes_free(got);
    test_spikes_free(want);
}

/* Run "snnc run MODEL -o DIR ARGS..."; fails the test unless it succeeds. */
static void snnc_run(const char *model, const char *dir, const char *fmt, ...)
{
    const char *snnc = getenv("SNNC");
    ck_assert_msg(snnc != NULL, "SNNC is not set (run through meson test)");
    char args[512] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' run '%s' -o '%s' %s", snnc, model, dir, args);
    int status;
    char *out = test_run(cmd, &status);
    ck_assert_msg(status == 0, "%s failed (%d):\n%s", cmd, status, out ? out : "");
    free(out);
}

static void copy_file(const char *from, const char *to)
{
    size_t len;
    char *text = test_read_file(from, &len);
    ck_assert_msg(text != NULL, "cannot read %s", from);
    FILE *f = fopen(to, "wb");
    ck_assert_msg(f != NULL, "cannot write %s", to);
    ck_assert_uint_eq(fwrite(text, 1, len, f), len);
    fclose(f);
    free(text);
}

/* ====================================================================
 * Seeds 000 and 001: the SRM tutorials print numpy arrays
 * ==================================================================== */

typedef struct Buf {
    char s[4096];
    size_t n;
} Buf;

static void put(Buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(b->s + b->n, sizeof b->s - b->n, fmt, ap);
    va_end(ap);
    ck_assert(k >= 0 && b->n + (size_t)k < sizeof b->s);
    b->n += (size_t)k;
}

/* print(spiketrain.astype(int)) for the 3 x 10 spike train of the run in dir. */
static void print_spiketrain(Buf *b, const char *dir)
{
    int m[3][10] = { { 0 } };
    TestSpikes s = read_snnc_spikes(dir, "SM", 1e-3);
    for (size_t k = 0; k < s.n; k++) {
        ck_assert(s.v[k].neuron >= 0 && s.v[k].neuron < 3 && s.v[k].step >= 0 && s.v[k].step < 10);
        m[s.v[k].neuron][s.v[k].step] = 1;
    }
    test_spikes_free(&s);
    for (int i = 0; i < 3; i++) {
        put(b, i == 0 ? "[[" : " [");
        for (int t = 0; t < 10; t++) put(b, t ? " %d" : "%d", m[i][t]);
        put(b, i == 2 ? "]]\n" : "]\n");
    }
}

/* print(weights) for the 3 x 3 matrix in S.state.csv, as numpy printed it
 * in the tutorial (legacy 1.13 style, 8 digits, trailing zeros blank). */
static void print_weights(Buf *b, const char *dir)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/S.state.csv", dir);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "snnc wrote no %s", path);
    char line[256];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    ck_assert_str_eq(line, "i,j,w\n");
    double w[3][3] = { { 0 } };
    int i, j, n = 0;
    double x;
    while (fscanf(f, "%d,%d,%lf", &i, &j, &x) == 3) {
        ck_assert(i >= 0 && i < 3 && j >= 0 && j < 3);
        w[i][j] = x;
        n++;
    }
    fclose(f);
    ck_assert_int_eq(n, 9);
    for (i = 0; i < 3; i++) {
        put(b, i == 0 ? "[[" : " [");
        for (j = 0; j < 3; j++) {
            char num[64];
            snprintf(num, sizeof num, "%.8f", fabs(w[i][j]));
            for (char *p = num + strlen(num) - 1; *p == '0'; p--) *p = ' ';
            put(b, "%s%c%s", j ? " " : "", w[i][j] < 0 ? '-' : ' ', num);
        }
        put(b, i == 2 ? "]]\n" : "]\n");
    }
}

static void check_printed(const Buf *b, const char *ref)
{
    char rel[256];
    snprintf(rel, sizeof rel, "data/seeds/%s", ref);
    char *want = test_read_file(test_path(rel), NULL);
    ck_assert_msg(want != NULL, "missing %s", rel);
    ck_assert_msg(!strcmp(b->s, want), "the tutorial prints\n%s\nsnnc gives\n%s", want, b->s);
    free(want);
}

START_TEST(srm_network)
{
    char *dir = test_tmpdir();
    snnc_run(test_path("../examples/seeds/srm_network.snn"), dir, "");
    Buf b = { .n = 0 };
    put(&b, "Spiketrain:\n");
    print_spiketrain(&b, dir);
    check_printed(&b, "srm_network.out");
    test_remove_tmpdir(dir);
}
END_TEST

/* _i = 0: the package's v0.4 (the tutorial's numbers); 1: its later rule,
 * the threshold crossed from below. */
START_TEST(srm_stdp)
{
    char *dir = test_tmpdir();
    snnc_run(test_path("../examples/seeds/srm_stdp.snn"), dir, "--save-state%s",
             _i ? " --set from_below=True" : "");
    Buf b = { .n = 0 };
    put(&b, "Final Spiketrain:\n");
    print_spiketrain(&b, dir);
    put(&b, "Final weights:\n");
    print_weights(&b, dir);
    check_printed(&b, _i ? "srm_stdp_v05.out" : "srm_stdp.out");
    test_remove_tmpdir(dir);
}
END_TEST

/* The model's own print statements: 'snnc run' shows what the tutorial
 * prints, the spike train as numpy printed it and the final weights S.w
 * (numpy's printing of today, one row of synapses). */
START_TEST(srm_stdp_prints)
{
    const char *snnc = getenv("SNNC");
    ck_assert_msg(snnc != NULL, "SNNC is not set (run through meson test)");
    char *dir = test_tmpdir(), cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' run '%s' -o '%s' 2>/dev/null", snnc,
             test_path("../examples/seeds/srm_stdp.snn"), dir);
    int status;
    char *out = test_run(cmd, &status);
    ck_assert_msg(status == 0 && out, "%s failed (%d)", cmd, status);
    char *want = test_read_file(test_path("data/seeds/srm_stdp.out"), NULL);
    ck_assert_ptr_nonnull(want);
    /* the spike train, word for word */
    char *cut = strstr(want, "Final weights:\n");
    ck_assert_ptr_nonnull(cut);
    cut[strlen("Final weights:\n")] = 0;
    ck_assert_msg(!strncmp(out, want, strlen(want)), "the tutorial prints\n%s\nsnnc prints\n%s", want, out);
    const char *weights = "[0.         0.         1.28884081 0.         0.         1.28063985\n"
                          " 0.         0.         0.        ]\n";
    ck_assert_msg(!strncmp(out + strlen(want), weights, strlen(weights)), "snnc prints\n%s", out);
    ck_assert_ptr_nonnull(strstr(out, "simulated 0.01 s"));
    free(want);
    free(out);
    test_remove_tmpdir(dir);
}
END_TEST

/* Random networks (tests/data/seeds/srm_cases.csv): srm_stdp.snn with the
 * case's spike train and weights in place of the tutorial's must give the
 * package's spikes exactly and its final weights to 1e-12. */
START_TEST(srm_random)
{
    FILE *idx = fopen(test_path("data/seeds/srm_cases.csv"), "r");
    ck_assert_ptr_nonnull(idx);
    char line[256];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, idx));
    int ncases = 0;
    char name[32], from_below[16], eta[32];
    int n, steps;
    while (fscanf(idx, " %31[^,],%d,%d,%15[^,],%31s", name, &n, &steps, from_below, eta) == 5) {
        char *dir = test_tmpdir();
        char to[1024], rel[256];
        snprintf(to, sizeof to, "%s/srm_stdp.snn", dir);
        copy_file(test_path("../examples/seeds/srm_stdp.snn"), to);
        snprintf(to, sizeof to, "%s/srm_spiketrain.csv", dir);
        snprintf(rel, sizeof rel, "data/seeds/srm_case%s_spiketrain.csv", name);
        copy_file(test_path(rel), to);
        snprintf(to, sizeof to, "%s/srm_weights.csv", dir);
        snprintf(rel, sizeof rel, "data/seeds/srm_case%s_weights.csv", name);
        copy_file(test_path(rel), to);
        char model[1024], out[1024];
        snprintf(model, sizeof model, "%s/srm_stdp.snn", dir);
        snprintf(out, sizeof out, "%s/out", dir);
        snnc_run(model, out, "--save-state --set n_neurons=%d --set steps=%d --set from_below=%s --set eta_l=%s", n,
                 steps, from_below, eta);

        char what[64], ref[64];
        snprintf(what, sizeof what, "SRM case %s", name);
        snprintf(ref, sizeof ref, "srm_case%s_spikes.csv", name);
        TestSpikes got = read_snnc_spikes(out, "SM", 1e-3), want = read_ref_spikes(ref);
        check_spikes(&got, &want, -1, what);

        char path[1100];
        snprintf(path, sizeof path, "%s/S.state.csv", out);
        snprintf(rel, sizeof rel, "data/seeds/srm_case%s_final.csv", name);
        FILE *g = fopen(path, "r"), *w = fopen(test_path(rel), "r");
        ck_assert_ptr_nonnull(g);
        ck_assert_ptr_nonnull(w);
        ck_assert_ptr_nonnull(fgets(line, sizeof line, g));
        ck_assert_ptr_nonnull(fgets(line, sizeof line, w));
        int gi, gj, wi, wj, rows = 0;
        double gw, ww;
        while (fscanf(w, "%d,%d,%lf", &wi, &wj, &ww) == 3) {
            ck_assert_int_eq(fscanf(g, "%d,%d,%lf", &gi, &gj, &gw), 3);
            ck_assert_msg(gi == wi && gj == wj, "%s: synapse %d is %d->%d, the package's %d->%d", what, rows, gi, gj,
                          wi, wj);
            ck_assert_msg(fabs(gw - ww) <= 1e-12, "%s: w[%d,%d] = %.17g, the package %.17g", what, wi, wj, gw, ww);
            rows++;
        }
        ck_assert_int_eq(rows, n * n);
        fclose(g);
        fclose(w);
        test_remove_tmpdir(dir);
        ncases++;
    }
    fclose(idx);
    ck_assert_int_ge(ncases, 6);
}
END_TEST

/* The SRM models sum w*eps_pre, a subexpression of the source group read
 * through _pre: its variables, nested subexpressions, i and N must be the
 * source's (and, through _post, the target's). */
START_TEST(subexpr_views)
{
    static const char model[] =
        "neurons G[3] {\n"
        "    model {\n"
        "        v : 1\n"
        "        u = v + i : 1\n"
        "        q = 2*u + N : 1\n"
        "        acc : 1\n"
        "    }\n"
        "    init { v = i*10 }\n"
        "}\n"
        "synapses S(G -> G) {\n"
        "    model { acc_post = q_pre*1000 + q_post : 1 (summed) }\n"
        "    connect(i=[0, 1, 2], j=[1, 2, 2])\n"
        "}\n"
        "statemonitor M(G.acc, record=all)\n"
        "run 0.2*ms\n";
    char *dir = test_tmpdir();
    char path[1200], out[1100];
    snprintf(path, sizeof path, "%s/views.snn", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(model, f);
    fclose(f);
    snnc_run(path, out, "");
    snprintf(path, sizeof path, "%s/M.csv", out);
    char *text = test_read_file(path, NULL);
    ck_assert_ptr_nonnull(text);
    /* q = 2*(10*i + i) + 3 = 3, 25, 47; acc_1 = 1000*q_0 + q_1,
     * acc_2 = 1000*q_1 + q_2 + 1000*q_2 + q_2 */
    ck_assert_msg(strstr(text, "\n0.0001,0,3025,72094\n") != NULL, "M.csv:\n%s", text);
    free(text);
    test_remove_tmpdir(dir);
}
END_TEST

/* ====================================================================
 * Seed 002: LIF populations with lowpass synapses
 * ==================================================================== */

START_TEST(lif_populations)
{
    char *dir = test_tmpdir();
    snnc_run(test_path("../examples/seeds/lif_populations.snn"), dir, "");
    TestSpikes got = read_snnc_spikes(dir, "SA", 1e-3), want = read_ref_spikes("lif_populations_spikes_a.csv");
    check_spikes(&got, &want, -1, "population A (50 neurons)");
    got = read_snnc_spikes(dir, "SB", 1e-3);
    want = read_ref_spikes("lif_populations_spikes_b.csv");
    check_spikes(&got, &want, -1, "population B (40 neurons)");
    test_remove_tmpdir(dir);
}
END_TEST

/* ====================================================================
 * Seed 003: the conductance-based LIF tutorial (Brian2's spikes)
 * ==================================================================== */

START_TEST(coba_tutorial)
{
    char *dir = test_tmpdir();
    snnc_run(test_path("../examples/tutorial.snn"), dir, _i ? "--set w_gi=0.5*nS" : "");
    const char *ref = _i ? "data/tutorial/seed_spikes_wgi0p5.csv" : "data/tutorial/seed_spikes_wgi0.csv";
    TestSpikes want = test_read_spikes(test_path(ref), "neuron,step,t_ms", 0);
    TestSpikes got = read_snnc_spikes(dir, "SM", 1e-4);
    check_spikes(&got, &want, -1, _i ? "tutorial, w_gi = 0.5 nS" : "tutorial, w_gi = 0");
    test_remove_tmpdir(dir);
}
END_TEST

/* ====================================================================
 * Seed 004: the two-layer feed-forward LIF network
 * ==================================================================== */

START_TEST(lif_two_layer)
{
    char *dir = test_tmpdir();
    snnc_run(test_path("../examples/seeds/lif_two_layer.snn"), dir, "");
    const double dt = 0.125e-3;
    /* layer 0 runs 4000 steps in the notebook; snnc's run is one step longer
     * for layer 1, whose input has 4001 entries */
    TestSpikes got = read_snnc_spikes(dir, "SM0", dt), want = read_ref_spikes("lif_two_layer_spikes_0.csv");
    long count[200] = { 0 };
    for (size_t k = 0; k < got.n; k++)
        if (got.v[k].step < 199) count[got.v[k].step + 1]++;
    check_spikes(&got, &want, 4000, "layer 0 (100 neurons)");
    got = read_snnc_spikes(dir, "SM1", dt);
    want = read_ref_spikes("lif_two_layer_spikes_1.csv");
    check_spikes(&got, &want, -1, "layer 1");

    /* print(layer_spikes[0:200]): entry 0 is the initial state, entry k + 1
     * layer 0's spikes at step k */
    char *text = test_read_file(test_path("data/seeds/lif_two_layer_layer_spikes.txt"), NULL);
    ck_assert_ptr_nonnull(text);
    int n = 0;
    for (char *p = text; *p;) {
        if (*p == '[' || *p == ']' || *p == ' ' || *p == '\n') {
            p++;
            continue;
        }
        char *end;
        double x = strtod(p, &end);
        ck_assert_msg(end != p, "bad number in layer_spikes: %.10s", p);
        ck_assert_int_lt(n, 200);
        ck_assert_msg(x == (double)count[n], "layer_spikes[%d]: the notebook prints %g, snnc %ld", n, x, count[n]);
        n++;
        p = end;
    }
    ck_assert_int_eq(n, 200);
    free(text);
    test_remove_tmpdir(dir);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("seeds");
    TCase *tc = tcase_create("seeds");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, srm_network);
    tcase_add_loop_test(tc, srm_stdp, 0, 2);
    tcase_add_test(tc, srm_stdp_prints);
    tcase_add_test(tc, srm_random);
    tcase_add_test(tc, subexpr_views);
    tcase_add_test(tc, lif_populations);
    tcase_add_loop_test(tc, coba_tutorial, 0, 2);
    tcase_add_test(tc, lif_two_layer);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
