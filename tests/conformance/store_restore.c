/* SPDX-License-Identifier: MIT */
/* This file contains the Brian2 conformance tests that need a protocol
 * between runs, written with snn.h until the language has one (issue 11):
 * store/restore of the whole network (test_network.py's test_store_restore,
 * _magic, _to_file, _spikequeue, _delays, test_restore_with_random_state,
 * test_spikegenerator.py's test_spikegenerator_restore) and a constant
 * changed between runs (test_multiple_runs_constant_change), and spikes
 * given to a generator between runs (test_spikegenerator_change_spikes,
 * with snn_add_spikes: Brian2's set_spikes replaces the list, whose old
 * spikes are all in the past there, so adding the new ones is the same;
 * test_spikegenerator_multiple_runs: spikes in the past are not added, which
 * Brian2 says with a warning and snn_add_spikes with an error).
 * Each test
 * states the Brian2 test it ports; expected values are the Brian2 test's
 * facts (equal records after a restore, v == 1, [1, 2], ...). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snn.h"
#include "test-common.h"

#define OK(call) ck_assert_msg((call) == SNN_OK, "%s: %s", #call, snn_errmsg(ctx))

static snn_ctx *load(const char *src)
{
    snn_ctx *ctx = snn_new();
    ck_assert_ptr_nonnull(ctx);
    OK(snn_load_string(ctx, src, strlen(src), "conformance.snn"));
    snn_set_native(ctx, SNN_NATIVE_OFF);
    return ctx;
}

/* What the monitors of test_store_restore hold: target's trace and source's
 * spikes, copied. */
typedef struct Record {
    double *v;
    size_t nv;
    int32_t *idx;
    int64_t *steps;
    size_t nspikes;
} Record;

static Record record(snn_ctx *ctx)
{
    Record r = { 0 };
    const int64_t *steps;
    const double *values;
    const int32_t *tidx, *sidx;
    const int64_t *ssteps;
    size_t nsteps;
    int nidx, nvars;
    OK(snn_trace(ctx, "state_mon", &steps, &nsteps, &values, &tidx, &nidx, &nvars));
    r.nv = nsteps * (size_t)nidx * (size_t)nvars;
    r.v = malloc(sizeof *r.v * (r.nv + 1));
    memcpy(r.v, values, sizeof *r.v * r.nv);
    OK(snn_spikes(ctx, "spike_mon", &sidx, &ssteps, &r.nspikes));
    r.idx = malloc(sizeof *r.idx * (r.nspikes + 1));
    r.steps = malloc(sizeof *r.steps * (r.nspikes + 1));
    memcpy(r.idx, sidx, sizeof *r.idx * r.nspikes);
    memcpy(r.steps, ssteps, sizeof *r.steps * r.nspikes);
    return r;
}

static void record_free(Record *r)
{
    free(r->v);
    free(r->idx);
    free(r->steps);
}

/* assert_equal of Brian2's test: the same trace and the same spikes. */
static void check_same(const char *what, const Record *a, const Record *b)
{
    ck_assert_msg(a->nv == b->nv, "%s: trace of %zu values, wanted %zu", what, b->nv, a->nv);
    ck_assert_msg(a->nv > 0 && a->nspikes > 0, "%s: nothing recorded", what);
    for (size_t k = 0; k < a->nv; k++)
        ck_assert_msg(a->v[k] == b->v[k], "%s: trace value %zu is %.17g, wanted %.17g", what, k, b->v[k], a->v[k]);
    ck_assert_msg(a->nspikes == b->nspikes, "%s: %zu spikes, wanted %zu", what, b->nspikes, a->nspikes);
    for (size_t k = 0; k < a->nspikes; k++)
        ck_assert_msg(a->idx[k] == b->idx[k] && a->steps[k] == b->steps[k],
                      "%s: spike %zu is %d@%lld, wanted %d@%lld", what, k, b->idx[k], (long long)b->steps[k],
                      a->idx[k], (long long)a->steps[k]);
}

static const char store_model[] =
    "neurons source[10] {\n"
    "    model {\n"
    "        dv/dt = rates : 1\n"
    "        rates : Hz\n"
    "    }\n"
    "    threshold: v>1\n"
    "    reset: v=0\n"
    "    init { rates = i*100*Hz }\n"
    "}\n"
    "neurons target[10] { model { v:1 } }\n"
    "synapses synapses(source -> target) {\n"
    "    model { w:1 }\n"
    "    on_pre: v+=w\n"
    "    delay: i*ms\n"
    "    init { w = i*1.0 }\n"
    "    connect(j='i')\n"
    "}\n"
    "statemonitor state_mon(target.v, record=all)\n"
    "spikemonitor spike_mon(source)\n";

/* test_store_restore and test_store_restore_magic: store at 0 and at 10 ms;
 * after restoring either and running to 20 ms the monitors hold the same as
 * the first 20 ms; time goes back to the stored time. */
START_TEST(store_restore)
{
    snn_ctx *ctx = load(store_model);
    snn_snapshot *first, *second;
    OK(snn_snapshot_take(ctx, &first));
    OK(snn_run(ctx, 10e-3));
    OK(snn_snapshot_take(ctx, &second));
    OK(snn_run(ctx, 10e-3));
    Record a = record(ctx);
    OK(snn_snapshot_restore(ctx, first));
    ck_assert_msg(snn_time(ctx) == 0, "t is %g after restoring the first store, wanted 0", snn_time(ctx));
    OK(snn_run(ctx, 20e-3));
    Record b = record(ctx);
    check_same("restore() and run 20 ms", &a, &b);
    for (int repeat = 0; repeat < 2; repeat++) {
        OK(snn_snapshot_restore(ctx, second));
        ck_assert_msg(fabs(snn_time(ctx) - 10e-3) < 1e-12, "t is %g after restoring 'second', wanted 0.01", snn_time(ctx));
        OK(snn_run(ctx, 10e-3));
        Record c = record(ctx);
        check_same("restore('second') and run 10 ms", &a, &c);
        record_free(&c);
    }
    record_free(&a);
    record_free(&b);
    snn_snapshot_free(first);
    snn_snapshot_free(second);
    snn_free(ctx);
}
END_TEST

/* test_store_restore_to_file: the same through files (one file per stored
 * state; Brian2 keeps both names in one file). */
START_TEST(store_restore_to_file)
{
    char *dir = test_tmpdir();
    char first[4096], second[4096];
    snprintf(first, sizeof first, "%s/default.snap", dir);
    snprintf(second, sizeof second, "%s/second.snap", dir);
    snn_ctx *ctx = load(store_model);
    OK(snn_snapshot_save(ctx, first));
    OK(snn_run(ctx, 10e-3));
    OK(snn_snapshot_save(ctx, second));
    OK(snn_run(ctx, 10e-3));
    Record a = record(ctx);
    OK(snn_snapshot_load(ctx, first));
    ck_assert_msg(snn_time(ctx) == 0, "t is %g after loading the first file, wanted 0", snn_time(ctx));
    OK(snn_run(ctx, 20e-3));
    Record b = record(ctx);
    check_same("restore(filename) and run 20 ms", &a, &b);
    OK(snn_snapshot_load(ctx, second));
    ck_assert_msg(fabs(snn_time(ctx) - 10e-3) < 1e-12, "t is %g after loading 'second', wanted 0.01", snn_time(ctx));
    OK(snn_run(ctx, 10e-3));
    Record c = record(ctx);
    check_same("restore('second', filename) and run 10 ms", &a, &c);
    record_free(&a);
    record_free(&b);
    record_free(&c);
    snn_free(ctx);
    test_remove_tmpdir(dir);
}
END_TEST

static double value_of(snn_ctx *ctx, const char *group, const char *var)
{
    double v = NAN;
    OK(snn_get_var(ctx, group, var, &v, 1));
    return v;
}

/* test_store_restore_spikequeue: a spike in flight (delay 2 steps, one step
 * run) is stored with the network and delivered after every restore. */
START_TEST(store_restore_spikequeue)
{
    snn_ctx *ctx = load("spikegenerator source(1, indices=[0], times=[0]*ms)\n"
                        "neurons target[1] { model { v : 1 } }\n"
                        "synapses conn(source -> target) {\n"
                        "    on_pre: v += 1\n"
                        "    delay: 2*0.1*ms\n"
                        "    connect()\n"
                        "}\n");
    OK(snn_run_steps(ctx, 1));
    snn_snapshot *snap;
    OK(snn_snapshot_take(ctx, &snap));
    OK(snn_run_steps(ctx, 2));
    ck_assert_msg(value_of(ctx, "target", "v") == 1, "v is %g, wanted 1", value_of(ctx, "target", "v"));
    for (int repeat = 0; repeat < 2; repeat++) {
        OK(snn_snapshot_restore(ctx, snap));
        ck_assert_msg(value_of(ctx, "target", "v") == 0, "v is %g right after restore, wanted 0", value_of(ctx, "target", "v"));
        OK(snn_run_steps(ctx, 2));
        ck_assert_msg(value_of(ctx, "target", "v") == 1, "v is %g after restore %d, wanted 1", value_of(ctx, "target", "v"), repeat);
    }
    snn_snapshot_free(snap);
    snn_free(ctx);
}
END_TEST

/* test_spikegenerator_restore: a generator's spikes come again after a
 * restore to the start, and the monitor holds them once. */
START_TEST(spikegenerator_restore)
{
    snn_ctx *ctx = load("spikegenerator gen(1, indices=[0, 0, 0], times=[0, 1, 2]*ms)\n"
                        "spikemonitor mon(gen)\n");
    snn_snapshot *snap;
    OK(snn_snapshot_take(ctx, &snap));
    for (int repeat = 0; repeat < 2; repeat++) {
        if (repeat) OK(snn_snapshot_restore(ctx, snap));
        OK(snn_run(ctx, 3e-3));
        const int32_t *idx;
        const int64_t *steps;
        size_t n;
        OK(snn_spikes(ctx, "mon", &idx, &steps, &n));
        ck_assert_msg(n == 3, "run %d: %zu spikes, wanted 3", repeat, n);
        for (size_t k = 0; k < 3; k++)
            ck_assert_msg(idx[k] == 0 && steps[k] == (int64_t)(10 * k), "run %d: spike %zu is %d@%lld, wanted 0@%zu",
                          repeat, k, idx[k], (long long)steps[k], 10 * k);
    }
    snn_snapshot_free(snap);
    snn_free(ctx);
}
END_TEST

/* test_restore_with_random_state: after snn_restore (Brian2's restore())
 * the noise is new, so v ends elsewhere; after snn_restore_random_state
 * (restore(restore_random_state=True)) it repeats the noise of the run
 * after the store, so v ends exactly as after the first run. */
START_TEST(restore_with_random_state)
{
    snn_ctx *ctx = load("neurons group[10] {\n"
                        "    model { dv/dt = -v/(10*ms) + (10*ms)**-0.5*xi : 1 }\n"
                        "    method: euler\n"
                        "    init { v = rand() }\n"
                        "}\n"
                        "statemonitor mon(group.v, record=all)\n");
    OK(snn_store(ctx, NULL));
    OK(snn_run(ctx, 10e-3));
    double old_v[10], new_v[10], again_v[10];
    OK(snn_get_var(ctx, "group", "v", old_v, 10));
    OK(snn_restore(ctx, NULL));
    OK(snn_run(ctx, 10e-3));
    OK(snn_get_var(ctx, "group", "v", new_v, 10));
    /* Brian2: assert np.var(old_v - group.v) > 0 */
    double mean = 0, var = 0;
    for (int k = 0; k < 10; k++) mean += (old_v[k] - new_v[k]) / 10;
    for (int k = 0; k < 10; k++) var += (old_v[k] - new_v[k] - mean) * (old_v[k] - new_v[k] - mean) / 10;
    ck_assert_msg(var > 0, "v after restore() is v after the first run: the noise repeated");
    OK(snn_restore_random_state(ctx, NULL));
    OK(snn_run(ctx, 10e-3));
    OK(snn_get_var(ctx, "group", "v", again_v, 10));
    int differ = 0;
    for (int k = 0; k < 10; k++) {
        ck_assert_msg(old_v[k] == again_v[k], "v[%d] is %.17g after restore_random_state, wanted %.17g", k, again_v[k],
                      old_v[k]);
        differ += k && old_v[k] != old_v[0];
    }
    ck_assert_msg(differ, "the noise left every neuron at the same value");
    snn_free(ctx);
}
END_TEST

/* test_store_restore_delays: per-synapse delays set to 0 after the store
 * come back with the restore. */
START_TEST(store_restore_delays)
{
    snn_ctx *ctx = load("neurons group[5] {\n"
                        "    model { v:1 }\n"
                        "    threshold: False\n"
                        "}\n"
                        "synapses syn(group -> group) {\n"
                        "    on_pre: v+=1\n"
                        "    delay: (i*5 + j)*0.1*ms\n"
                        "    connect()\n"
                        "}\n");
    OK(snn_build(ctx));
    snn_snapshot *snap;
    OK(snn_snapshot_take(ctx, &snap));
    double zeros[25] = { 0 }, delay[25];
    OK(snn_set_var(ctx, "syn", "delay", zeros, 25));
    OK(snn_get_var(ctx, "syn", "delay", delay, 25));
    ck_assert_msg(delay[24] == 0, "delay[24] is %g after setting 0", delay[24]);
    OK(snn_snapshot_restore(ctx, snap));
    OK(snn_get_var(ctx, "syn", "delay", delay, 25));
    for (int k = 0; k < 25; k++)
        ck_assert_msg(fabs(delay[k] - k * 1e-4) <= 1e-9 + 1e-7 * k * 1e-4, "delay[%d] is %g, wanted %g", k, delay[k], k * 1e-4);
    snn_snapshot_free(snap);
    snn_free(ctx);
}
END_TEST

/* test_multiple_runs_constant_change: a constant changed between two runs
 * is used from the second run on. */
START_TEST(multiple_runs_constant_change)
{
    snn_ctx *ctx = load("const_v = 1\n"
                        "neurons group[1] { model { v = const_v : 1 } }\n"
                        "statemonitor mon(group.v, record=[0])\n");
    OK(snn_run_steps(ctx, 1));
    OK(snn_set_const(ctx, "const_v", 2));
    OK(snn_run_steps(ctx, 1));
    const int64_t *steps;
    const double *values;
    const int32_t *idx;
    size_t nsteps;
    int nidx, nvars;
    OK(snn_trace(ctx, "mon", &steps, &nsteps, &values, &idx, &nidx, &nvars));
    ck_assert_msg(nsteps == 2 && nidx == 1 && nvars == 1, "%zu steps x %d x %d recorded, wanted 2 x 1 x 1", nsteps, nidx, nvars);
    ck_assert_msg(values[0] == 1 && values[1] == 2, "mon.v[0] is [%g, %g], wanted [1, 2]", values[0], values[1]);
    snn_free(ctx);
}
END_TEST

/* The spikes of a monitor between steps lo and hi as "i@step" words, sorted
 * by step, then neuron. */
static int cmp_spike(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    return x[0] != y[0] ? (x[0] > y[0]) - (x[0] < y[0]) : (x[1] > y[1]) - (x[1] < y[1]);
}

static void check_window(snn_ctx *ctx, int64_t lo, int64_t hi, const int *want_i, const double *want_t_ms, size_t nwant)
{
    const int32_t *idx;
    const int64_t *steps;
    size_t n, m = 0;
    OK(snn_spikes(ctx, "s_mon", &idx, &steps, &n));
    int64_t *got = malloc(sizeof *got * 2 * (n + 1)), *want = malloc(sizeof *want * 2 * (nwant + 1));
    for (size_t k = 0; k < n; k++)
        if (steps[k] >= lo && steps[k] < hi) {
            got[2 * m] = steps[k];
            got[2 * m++ + 1] = idx[k];
        }
    for (size_t k = 0; k < nwant; k++) {
        want[2 * k] = (int64_t)floor(want_t_ms[k] * 10 + 1e-3);   /* Brian2's timestep(t, 0.1 ms) */
        want[2 * k + 1] = want_i[k];
    }
    qsort(got, m, 2 * sizeof *got, cmp_spike);
    qsort(want, nwant, 2 * sizeof *want, cmp_spike);
    ck_assert_msg(m == nwant, "steps %lld..%lld: %zu spikes, wanted %zu", (long long)lo, (long long)hi, m, nwant);
    for (size_t k = 0; k < m; k++)
        ck_assert_msg(got[2 * k] == want[2 * k] && got[2 * k + 1] == want[2 * k + 1], "spike %zu is %lld@%lld, wanted %lld@%lld",
                      k, (long long)got[2 * k + 1], (long long)got[2 * k], (long long)want[2 * k + 1], (long long)want[2 * k]);
    free(got);
    free(want);
}

/* test_spikegenerator_change_spikes: three runs of 5 ms, with new spikes
 * for the second and third given between the runs. */
START_TEST(spikegenerator_change_spikes)
{
    snn_ctx *ctx = load("spikegenerator SG(5, indices=[3, 2, 1, 1, 2, 3, 3, 2, 1], times=[1, 4, 4, 3, 2, 4, 2, 3, 2]*ms)\n"
                        "spikemonitor s_mon(SG)\n");
    static const int i1[] = { 3, 2, 1, 1, 2, 3, 3, 2, 1 };
    static const double t1[] = { 1, 4, 4, 3, 2, 4, 2, 3, 2 };
    static const int i2[] = { 3, 2, 1, 1, 2, 3, 3, 2, 1, 3, 3, 3, 1, 2 };
    static const double t2[] = { 6, 9, 9, 8, 7, 9, 7, 8, 7, 9.5, 9.7, 9.8, 9.5, 9.7 };
    static const int i3[] = { 4, 1, 0 };
    static const double t3[] = { 11, 13, 14 };
    int32_t idx[14];
    double times[14];
    OK(snn_run(ctx, 5e-3));
    for (int k = 0; k < 14; k++) {
        idx[k] = i2[k];
        times[k] = t2[k] * 1e-3;
    }
    OK(snn_add_spikes(ctx, "SG", idx, times, 14));
    OK(snn_run(ctx, 5e-3));
    for (int k = 0; k < 3; k++) {
        idx[k] = i3[k];
        times[k] = t3[k] * 1e-3;
    }
    OK(snn_add_spikes(ctx, "SG", idx, times, 3));
    OK(snn_run(ctx, 5e-3));
    check_window(ctx, 0, 50, i1, t1, 9);
    check_window(ctx, 50, 100, i2, t2, 14);
    check_window(ctx, 100, 150, i3, t3, 3);
    snn_free(ctx);
}
END_TEST

/* test_spikegenerator_multiple_runs: giving the first run's spike times
 * again after it adds nothing: 5 spikes in all. */
START_TEST(spikegenerator_multiple_runs)
{
    snn_ctx *ctx = load("spikegenerator spike_gen(1, indices=[0, 0, 0, 0, 0], times=[0, 1, 2, 3, 4]*ms)\n"
                        "spikemonitor spike_mon(spike_gen)\n");
    OK(snn_run(ctx, 5e-3));
    int32_t idx[5] = { 0 };
    double times[5] = { 0, 1e-3, 2e-3, 3e-3, 4e-3 };
    int rc = snn_add_spikes(ctx, "spike_gen", idx, times, 5);
    ck_assert_msg(rc != SNN_OK && strstr(snn_errmsg(ctx), "in the past"), "adding past spikes gave %d '%s', wanted an error",
                  rc, snn_errmsg(ctx));
    OK(snn_run(ctx, 5e-3));
    const int32_t *sidx;
    const int64_t *steps;
    size_t n;
    OK(snn_spikes(ctx, "spike_mon", &sidx, &steps, &n));
    ck_assert_msg(n == 5, "%zu spikes, wanted 5", n);
    snn_free(ctx);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("conformance-protocols");
    TCase *tc = tcase_create("store_restore");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, store_restore);
    tcase_add_test(tc, store_restore_to_file);
    tcase_add_test(tc, store_restore_spikequeue);
    tcase_add_test(tc, spikegenerator_restore);
    tcase_add_test(tc, restore_with_random_state);
    tcase_add_test(tc, store_restore_delays);
    tcase_add_test(tc, multiple_runs_constant_change);
    tcase_add_test(tc, spikegenerator_change_spikes);
    tcase_add_test(tc, spikegenerator_multiple_runs);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
