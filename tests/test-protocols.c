/* SPDX-License-Identifier: MIT */
/* Tests of the script between runs through the public API and the CLI:
 * 'snnc run --sweep' (one process and two) against Brian2's store/restore
 * loop, snn_store / snn_restore / snn_set_active / snn_set_const_expr and
 * their errors. */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snn.h"
#include "test-common.h"

/* The sweep over tau of tests/networks/sweep.snn, each value's spikes
 * against Brian2's loop (tests/brian2/gen_sweep.py). */
START_TEST(sweep_matches_brian2)
{
    static const char *const values[] = { "5ms", "10ms", "20ms" };
    char *dir = test_tmpdir(), cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' run '%s' --quiet --native=off --sweep tau=5*ms,10*ms,20*ms --jobs %d -o '%s'",
             getenv("SNNC"), test_path("networks/sweep.snn"), _i + 1, dir);
    int status;
    char *out = test_run(cmd, &status);
    ck_assert_msg(status == 0, "%s: %s", cmd, out);
    for (int k = 0; k < 3; k++) {
        char path[4096], ref[256], what[64];
        snprintf(path, sizeof path, "%s/tau=%s/SM.csv", dir, values[k]);
        snprintf(ref, sizeof ref, "data/brian2/sweep_%d_spikes.csv", k);
        snprintf(what, sizeof what, "tau=%s (jobs %d)", values[k], _i + 1);
        TestSpikes got = test_read_spikes(path, "i,t", 1e-4), want = test_read_spikes(test_path(ref), "i,step", 0);
        ck_assert_msg(want.n > 0, "%s: no reference spikes", what);
        test_check_spikes(what, &got, &want);
        test_spikes_free(&got);
        test_spikes_free(&want);
    }
    char list[4096];
    snprintf(list, sizeof list, "%s/sweep.csv", dir);
    char *text = test_read_file(list, NULL);
    ck_assert_str_eq(text, "k,tau,dir\n0,5*ms,tau=5ms\n1,10*ms,tau=10ms\n2,20*ms,tau=20ms\n");
    free(text);
    free(out);
    test_remove_tmpdir(dir);
}
END_TEST

/* A sweep value with the wrong unit stops with the unit named, exit 1. */
START_TEST(sweep_wrong_unit)
{
    char *dir = test_tmpdir(), cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' run '%s' --quiet --native=off --sweep tau=5*mV -o '%s' 2>&1", getenv("SNNC"),
             test_path("networks/sweep.snn"), dir);
    int status;
    char *out = test_run(cmd, &status);
    ck_assert_msg(status == 1, "exit %d: %s", status, out);
    ck_assert_msg(strstr(out, "tau=5*mV: 'tau' has unit second, but the value has unit volt"), "%s", out);
    free(out);
    test_remove_tmpdir(dir);
}
END_TEST

static const char model[] =
    "tau = 10*ms\n"
    "neurons G[2] { model { dv/dt = (1.5*mV/ms) - v/tau : volt }  threshold: v > 10*mV  reset: v = 0*mV  method: exact }\n"
    "spikemonitor SM(G)\n";

static size_t spike_count(snn_ctx *ctx)
{
    size_t n = 0;
    ck_assert_int_eq(snn_spikes(ctx, "SM", NULL, NULL, &n), SNN_OK);
    return n;
}

/* snn_store and snn_restore go back to the stored time and spikes, keep
 * the constants; snn_set_active(SM, 0) stops the recording. */
START_TEST(store_restore_active_api)
{
    snn_ctx *ctx = snn_new();
    ck_assert_int_eq(snn_load_string(ctx, model, sizeof model - 1, "m"), SNN_OK);
    ck_assert_int_eq(snn_run(ctx, 0.02), SNN_OK);
    size_t at20 = spike_count(ctx);
    ck_assert_uint_gt(at20, 0);
    ck_assert_int_eq(snn_store(ctx, NULL), SNN_OK);
    ck_assert_int_eq(snn_run(ctx, 0.02), SNN_OK);
    size_t at40 = spike_count(ctx);
    ck_assert_uint_gt(at40, at20);
    ck_assert_int_eq(snn_set_const_expr(ctx, "tau=5*ms"), SNN_OK);
    ck_assert_int_eq(snn_restore(ctx, "default"), SNN_OK);
    ck_assert_double_eq_tol(snn_time(ctx), 0.02, 1e-12);
    ck_assert_uint_eq(spike_count(ctx), at20);
    double tau;
    ck_assert_int_eq(snn_get_const(ctx, "tau", &tau), SNN_OK);
    ck_assert_double_eq(tau, 5e-3);
    ck_assert_int_eq(snn_set_active(ctx, "SM", 0), SNN_OK);
    ck_assert_int_eq(snn_run(ctx, 0.02), SNN_OK);
    ck_assert_uint_eq(spike_count(ctx), at20);
    ck_assert_int_eq(snn_set_active(ctx, "SM", 1), SNN_OK);
    ck_assert_int_eq(snn_set_active(ctx, "nothing", 1), SNN_ENOTFOUND);
    ck_assert_int_eq(snn_restore(ctx, "never"), SNN_ENOTFOUND);
    ck_assert_int_eq(snn_set_const_expr(ctx, "tau=5*mV"), SNN_EUNITS);
    ck_assert_int_eq(snn_set_const_expr(ctx, "nope=5*ms"), SNN_ENOTFOUND);
    snn_free(ctx);
}
END_TEST

/* rand() in assignments between runs: uniform draws of the model's
 * generator, different for each statement, the same for the same seed. */
static const char random_model[] =
    "neurons G[20000] { model { v : volt\n u : volt } }\n"
    "run 1*ms\n"
    "G.v = 'rand()*mV'\n"
    "G.u = 'rand()*mV'\n";

static snn_ctx *random_run(uint64_t seed)
{
    snn_ctx *ctx = snn_new();
    ck_assert_int_eq(snn_set_seed(ctx, seed), SNN_OK);
    ck_assert_msg(snn_load_string(ctx, random_model, sizeof random_model - 1, "m") == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_msg(snn_run_script(ctx) == SNN_OK, "%s", snn_errmsg(ctx));
    return ctx;
}

START_TEST(assignment_random_numbers)
{
    snn_ctx *ctx = random_run(7), *again = random_run(7), *other = random_run(8);
    size_t n;
    const double *v = snn_var(ctx, "G", "v", &n), *u = snn_var(ctx, "G", "u", NULL);
    const double *v2 = snn_var(again, "G", "v", NULL), *v3 = snn_var(other, "G", "v", NULL);
    ck_assert_uint_eq(n, 20000);
    double mean_u = 0, mean_v = 0;
    size_t same = 0, repeated = 0, other_same = 0;
    for (size_t k = 0; k < n; k++) {
        ck_assert_msg(u[k] >= 0 && u[k] < 1e-3 && v[k] >= 0 && v[k] < 1e-3, "value %zu outside [0, 1 mV)", k);
        mean_u += u[k] / (double)n;
        mean_v += v[k] / (double)n;
        same += u[k] == v[k];
        repeated += v2[k] == v[k];
        other_same += v3[k] == v[k];
    }
    /* the standard error of a mean of 20000 uniform draws is 0.2 % of 1 mV */
    ck_assert_msg(mean_u > 0.49e-3 && mean_u < 0.51e-3, "mean of u %g", mean_u);
    ck_assert_msg(mean_v > 0.49e-3 && mean_v < 0.51e-3, "mean of v %g", mean_v);
    ck_assert_msg(same == 0, "%zu values of u equal those of v", same);
    ck_assert_msg(repeated == n, "only %zu of %zu values repeat with the same seed", repeated, n);
    ck_assert_msg(other_same == 0, "%zu values are the same with another seed", other_same);
    snn_free(ctx);
    snn_free(again);
    snn_free(other);
}
END_TEST

/* A Poisson input switched off adds nothing to its target; on again, it
 * adds again (Brian2's PoissonInput.active). */
START_TEST(poisson_input_active)
{
    static const char text[] =
        "neurons G[50] { model { v : volt } }\n"
        "poissoninput PI(G.v, N=100, rate=50*Hz, weight=1*mV)\n"
        "run 10*ms\n"
        "PI.active = False\n"
        "store\n"
        "run 10*ms\n";
    snn_ctx *ctx = snn_new();
    ck_assert_msg(snn_load_string(ctx, text, sizeof text - 1, "m") == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_msg(snn_run_script(ctx) == SNN_OK, "%s", snn_errmsg(ctx));
    size_t n;
    double before[50], *v = snn_var(ctx, "G", "v", &n), sum = 0;
    ck_assert_uint_eq(n, 50);
    /* 100 inputs at 50 Hz for 10 ms: 50 events of 1 mV per neuron on average */
    for (size_t k = 0; k < n; k++) sum += v[k];
    ck_assert_msg(sum / 50 > 0.040 && sum / 50 < 0.060, "mean v %g after the first run", sum / 50);
    ck_assert_int_eq(snn_restore(ctx, NULL), SNN_OK);
    memcpy(before, v, sizeof before);
    ck_assert_int_eq(snn_run(ctx, 0.01), SNN_OK);
    for (size_t k = 0; k < n; k++) ck_assert_msg(v[k] == before[k], "neuron %zu changed while PI was off", k);
    ck_assert_int_eq(snn_set_active(ctx, "PI", 1), SNN_OK);
    ck_assert_int_eq(snn_run(ctx, 0.01), SNN_OK);
    double after = 0;
    for (size_t k = 0; k < n; k++) after += v[k] - before[k];
    ck_assert_msg(after / 50 > 0.040 && after / 50 < 0.060, "mean increase %g with PI on again", after / 50);
    snn_free(ctx);
}
END_TEST

/* A synapse index that does not exist is an error at the statement (the
 * synapses are counted only once connected), not a silent no-op. */
START_TEST(synapse_index_out_of_range)
{
    static const char text[] =
        "neurons G[4] { model { v : volt } }\n"
        "synapses S(G -> G) { model { w : volt }  connect(j='i') }\n"
        "run 1*ms\n"
        "S.w[3] = 1*mV\n"
        "S.w[[0, 7]] = 5*mV\n";
    snn_ctx *ctx = snn_new();
    ck_assert_msg(snn_load_string(ctx, text, sizeof text - 1, "m") == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_int_eq(snn_run_script(ctx), SNN_ESEMA);
    ck_assert_msg(strstr(snn_errmsg(ctx), "m:5:1: error: S has no synapse 7: it has 4 (indices 0 to 3)"), "%s",
                  snn_errmsg(ctx));
    const double *w = snn_var(ctx, "S", "w", NULL);
    ck_assert(w[3] == 1e-3 && w[0] == 0);
    snn_free(ctx);
    /* a list for a slice longer than the synapses */
    static const char text2[] =
        "neurons G[4] { model { v : volt } }\n"
        "synapses S(G -> G) { model { w : volt }  connect(j='i') }\n"
        "run 1*ms\n"
        "S.w[2:5] = [1, 2, 3]*mV\n";
    ctx = snn_new();
    ck_assert_msg(snn_load_string(ctx, text2, sizeof text2 - 1, "m") == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_int_eq(snn_run_script(ctx), SNN_ESEMA);
    ck_assert_msg(strstr(snn_errmsg(ctx), "m:4:1: error: S has no synapse 4"), "%s", snn_errmsg(ctx));
    snn_free(ctx);
}
END_TEST

/* The random numbers of one trial of restore_random_state's model:
 * noise (X.v), rand() assigned between runs (X.u), a Poisson input (G.v)
 * and a Poisson group's spikes (SP); from the network now, or from what was
 * stored under name. */
typedef struct Trial {
    double v[20], u[20], g[20];
    int64_t spikes;
    int64_t step_sum;
} Trial;

static Trial trial_now(snn_ctx *ctx)
{
    Trial t;
    memcpy(t.v, snn_var(ctx, "X", "v", NULL), sizeof t.v);
    memcpy(t.u, snn_var(ctx, "X", "u", NULL), sizeof t.u);
    memcpy(t.g, snn_var(ctx, "G", "v", NULL), sizeof t.g);
    const int32_t *idx;
    const int64_t *steps;
    size_t n;
    ck_assert_msg(snn_spikes(ctx, "SP", &idx, &steps, &n) == SNN_OK, "%s", snn_errmsg(ctx));
    t.spikes = (int64_t)n;
    t.step_sum = 0;
    for (size_t k = 0; k < n; k++) t.step_sum += steps[k] * 31 + idx[k];
    return t;
}

static Trial trial_stored(snn_ctx *ctx, const char *name)
{
    ck_assert_msg(snn_restore_random_state(ctx, name) == SNN_OK, "%s", snn_errmsg(ctx));
    return trial_now(ctx);
}

/* Whether two trials drew the same numbers, bit for bit (u too if with_u). */
static bool identical(const Trial *a, const Trial *b, bool with_u)
{
    return !memcmp(a->v, b->v, sizeof a->v) && (!with_u || !memcmp(a->u, b->u, sizeof a->u)) &&
           !memcmp(a->g, b->g, sizeof a->g) && a->spikes == b->spikes && a->step_sum == b->step_sum;
}

/* What of trial a repeats b: none of the continuous values (v, u) may,
 * and the counts (G.v is a whole number of 1 mV events, and the Poisson
 * group's spikes) may not all be equal; NULL if nothing repeats. */
static const char *repeated(const Trial *a, const Trial *b)
{
    for (int k = 0; k < 20; k++) {
        if (a->v[k] == b->v[k]) return "the noise";
        if (a->u[k] == b->u[k]) return "rand() between runs";
    }
    if (!memcmp(a->g, b->g, sizeof a->g)) return "the Poisson input";
    if (a->spikes == b->spikes && a->step_sum == b->step_sum) return "the Poisson group";
    return NULL;
}

#define RANDOM_MODEL                                                    \
    "neurons X[20] {\n"                                                 \
    "    model { dv/dt = -v/(10*ms) + (10*ms)**-0.5*xi : 1\n u : 1 }\n"  \
    "    method: euler\n"                                               \
    "}\n"                                                               \
    "neurons G[20] { model { v : volt } }\n"                            \
    "poissoninput PI(G.v, N=100, rate=50*Hz, weight=1*mV)\n"            \
    "poissongroup P(20, rates=200*Hz)\n"                                \
    "spikemonitor SP(P)\n"

/* Brian2's restore() leaves the random state alone, so each trial of a
 * loop of restore and run draws new numbers; restore(restore_random_state=
 * True) sets the stored random state back, so the trial after it repeats
 * the one after the store bit for bit.  A plain restore after that one
 * continues from the random state the repeated trial left, as Brian2's
 * generator does: it draws the second trial's numbers again.  Here the
 * loop is in the file; each trial's X.u = rand() is another statement,
 * which draws other numbers (each statement has its own draws), so u is
 * compared only for being new. */
START_TEST(restore_random_state_in_file)
{
    static const char text[] = RANDOM_MODEL
        "store\n"
        "X.u = rand()\nrun 5*ms\nstore t1\n"
        "restore\n"
        "X.u = rand()\nrun 5*ms\nstore t2\n"
        "restore(restore_random_state=True)\n"
        "X.u = rand()\nrun 5*ms\nstore t3\n"
        "restore()\n"
        "X.u = rand()\nrun 5*ms\nstore t4\n";
    snn_ctx *ctx = snn_new();
    snn_set_native(ctx, SNN_NATIVE_OFF);
    ck_assert_msg(snn_load_string(ctx, text, sizeof text - 1, "m") == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_msg(snn_run_script(ctx) == SNN_OK, "%s", snn_errmsg(ctx));
    Trial t1 = trial_stored(ctx, "t1"), t2 = trial_stored(ctx, "t2"), t3 = trial_stored(ctx, "t3"),
          t4 = trial_stored(ctx, "t4");
    ck_assert_msg(t1.spikes > 0, "the Poisson group did not spike");
    const char *r = repeated(&t2, &t1);
    ck_assert_msg(!r, "after a plain restore %s repeats the first trial", r);
    ck_assert_msg(identical(&t1, &t3, false), "restore_random_state: the numbers of the first trial do not repeat");
    ck_assert_msg(identical(&t2, &t4, false),
                  "the trial after restore() does not continue as after the first restore()");
    ck_assert_int_eq(snn_restore_random_state(ctx, "never"), SNN_ENOTFOUND);
    snn_free(ctx);
}
END_TEST

/* The same through the C API, running the model's script (X.u = rand();
 * run) again after each restore, as a sweep does: snn_restore draws new
 * numbers, also in the assignment; snn_restore_random_state repeats all of
 * them bit for bit. */
START_TEST(restore_random_state_api)
{
    static const char text[] = RANDOM_MODEL "X.u = rand()\nrun 5*ms\n";
    snn_ctx *ctx = snn_new();
    snn_set_native(ctx, SNN_NATIVE_OFF);
    ck_assert_msg(snn_load_string(ctx, text, sizeof text - 1, "m") == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_int_eq(snn_store(ctx, "start"), SNN_OK);
    Trial t[4];
    for (int k = 0; k < 4; k++) {
        if (k == 1 || k == 3) ck_assert_int_eq(snn_restore(ctx, "start"), SNN_OK);
        if (k == 2) ck_assert_int_eq(snn_restore_random_state(ctx, "start"), SNN_OK);
        ck_assert_msg(snn_run_script(ctx) == SNN_OK, "%s", snn_errmsg(ctx));
        t[k] = trial_now(ctx);
    }
    const char *r = repeated(&t[1], &t[0]);
    ck_assert_msg(!r, "after snn_restore %s repeats the first trial", r);
    ck_assert_msg(identical(&t[0], &t[2], true), "snn_restore_random_state: the first trial's numbers do not repeat");
    ck_assert_msg(identical(&t[1], &t[3], true), "the trial after snn_restore does not continue as the second");
    snn_free(ctx);
}
END_TEST

/* restore(...) options are Brian2's; anything else is a located error. */
START_TEST(restore_call_errors)
{
    static const struct { const char *line, *msg; } cases[] = {
        { "restore(restore_random_state=Yes)", "m:3:30: error: restore_random_state is True or False, not 'Yes'" },
        { "restore(random_state=True)", "m:3:9: error: restore(...) has no option 'random_state' (it takes name, "
                                        "filename and restore_random_state)" },
        { "store(restore_random_state=True)", "m:3:7: error: store(...) has no option 'restore_random_state'" },
        { "restore('default', 'f', True)", "m:3:25: error: restore(...) takes at most two arguments by position" },
        { "restore(first)", "m:3:9: error: the name of restore(...) is a non-empty string" },
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        char text[512];
        snprintf(text, sizeof text, "neurons G[2] { model { v : 1 } }\nstore()\n%s\nrun 1*ms\n", cases[c].line);
        snn_ctx *ctx = snn_new();
        int rc = snn_load_string(ctx, text, strlen(text), "m");
        ck_assert_msg(rc != SNN_OK && strstr(snn_errmsg(ctx), cases[c].msg), "%s: %s", cases[c].line, snn_errmsg(ctx));
        snn_free(ctx);
    }
    /* a function may still be called restore, and the word forms stay */
    static const char ok[] = "restore(x) = 2*x\nneurons G[2] { model { v : 1 } init { v = restore(1) } }\n"
                             "store first\nrun 1*ms\nrestore first\nrestore('first', restore_random_state=False)\n"
                             "restore(name='first', restore_random_state=True)\nrun 1*ms\n";
    snn_ctx *ctx = snn_new();
    ck_assert_msg(snn_load_string(ctx, ok, sizeof ok - 1, "m") == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_msg(snn_run_script(ctx) == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert(snn_var(ctx, "G", "v", NULL)[0] == 2);
    snn_free(ctx);
}
END_TEST

/* --sweep runs each value as the separate simulation 'snnc run --set'
 * runs, also when the script restores (and so draws new numbers) itself:
 * the same spikes, byte for byte (one process and two). */
START_TEST(sweep_with_restore_equals_set)
{
    char *dir = test_tmpdir(), cmd[4096];
    const char *model_path = test_path("networks/sweep_restore_noise.snn");
    snprintf(cmd, sizeof cmd, "'%s' run '%s' --quiet --native=off --sweep tau=5*ms,10*ms,20*ms --jobs %d -o '%s/sweep'",
             getenv("SNNC"), model_path, _i + 1, dir);
    int status;
    char *out = test_run(cmd, &status);
    ck_assert_msg(status == 0, "%s: %s", cmd, out);
    free(out);
    static const char *const values[] = { "5ms", "10ms", "20ms" };
    for (int k = 0; k < 3; k++) {
        snprintf(cmd, sizeof cmd, "'%s' run '%s' --quiet --native=off --set tau=%.*s*ms -o '%s/set%d'", getenv("SNNC"),
                 model_path, (int)strlen(values[k]) - 2, values[k], dir, k);
        out = test_run(cmd, &status);
        ck_assert_msg(status == 0, "%s: %s", cmd, out);
        free(out);
        char a[4096], b[4096];
        snprintf(a, sizeof a, "%s/sweep/tau=%s/M.csv", dir, values[k]);
        snprintf(b, sizeof b, "%s/set%d/M.csv", dir, k);
        size_t na, nb;
        char *ta = test_read_file(a, &na), *tb = test_read_file(b, &nb);
        ck_assert_msg(ta && tb && na > 100, "%s or %s missing or without spikes", a, b);
        ck_assert_msg(na == nb && !memcmp(ta, tb, na), "tau=%s: --sweep and --set give other spikes", values[k]);
        free(ta);
        free(tb);
    }
    test_remove_tmpdir(dir);
}
END_TEST

/* Restores from a file, in Brian2's spelling: restore(name, filename=...)
 * draws new numbers, with restore_random_state=True the stored ones. */
START_TEST(restore_random_state_from_file)
{
    char *dir = test_tmpdir(), text[2048];
    snprintf(text, sizeof text,
             "neurons X[20] {\n"
             "    model { dv/dt = -v/(10*ms) + (10*ms)**-0.5*xi : 1 }\n"
             "    method: euler\n"
             "}\n"
             "store('s', '%s/state.bin')\nrun 5*ms\nstore t1\n"
             "restore('s', filename='%s/state.bin')\nrun 5*ms\nstore t2\n"
             "restore('s', filename='%s/state.bin', restore_random_state=True)\nrun 5*ms\n",
             dir, dir, dir);
    snn_ctx *ctx = snn_new();
    snn_set_native(ctx, SNN_NATIVE_OFF);
    ck_assert_msg(snn_load_string(ctx, text, strlen(text), "m") == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_msg(snn_run_script(ctx) == SNN_OK, "%s", snn_errmsg(ctx));
    double v3[20], v1[20], v2[20];
    memcpy(v3, snn_var(ctx, "X", "v", NULL), sizeof v3);
    ck_assert_int_eq(snn_restore(ctx, "t1"), SNN_OK);
    memcpy(v1, snn_var(ctx, "X", "v", NULL), sizeof v1);
    ck_assert_int_eq(snn_restore(ctx, "t2"), SNN_OK);
    memcpy(v2, snn_var(ctx, "X", "v", NULL), sizeof v2);
    for (int k = 0; k < 20; k++) {
        ck_assert_msg(v2[k] != v1[k], "v[%d] repeats after a plain restore from the file", k);
        ck_assert_msg(v3[k] == v1[k], "v[%d] is %.17g after restore_random_state from the file, wanted %.17g", k, v3[k],
                      v1[k]);
    }
    snn_free(ctx);
    test_remove_tmpdir(dir);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("protocols");
    TCase *tc = tcase_create("protocols");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, sweep_matches_brian2, 0, 2);
    tcase_add_test(tc, sweep_wrong_unit);
    tcase_add_test(tc, store_restore_active_api);
    tcase_add_test(tc, assignment_random_numbers);
    tcase_add_test(tc, poisson_input_active);
    tcase_add_test(tc, synapse_index_out_of_range);
    tcase_add_test(tc, restore_random_state_in_file);
    tcase_add_test(tc, restore_random_state_api);
    tcase_add_loop_test(tc, sweep_with_restore_equals_set, 0, 2);
    tcase_add_test(tc, restore_random_state_from_file);
    tcase_add_test(tc, restore_call_errors);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
