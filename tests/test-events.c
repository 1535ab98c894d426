/* SPDX-License-Identifier: MIT */
/* This file checks custom events and what spike monitors record against
 * Brian2 2.5.1 (tests/brian2/gen_events.py, tests/data/brian2/events*):
 * tests/events/events.snn runs through the snnc command and must give the
 * same events and spikes (neurons and steps) as Brian2's EventMonitor and
 * SpikeMonitor, the variables recorded at each within 1e-9 of the column's
 * largest value, Brian2's counts for record=False, a record=[0, 2] subset
 * equal to Brian2's full monitor restricted to those neurons, and the traces
 * of a record=True and a record=range(0, 4, 2) state monitor.  The
 * pathways named in Brian2's dict spelling and triggered by events show in
 * H.x.  Then npy outputs and run.json of the same monitors; poisson(l)
 * and int() against tests/brian2/gen_poisson_int.py; and several clocks
 * against tests/brian2/gen_clocks.py. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snn.h"
#include "test-common.h"

static const double DT = 1e-4;

/* Run snnc with args; returns its output (the test fails on a non-zero
 * exit unless fail is set, then on a zero one). */
static char *snnc(const char *args, bool fail)
{
    const char *exe = getenv("SNNC");
    ck_assert_msg(exe != NULL, "SNNC is not set (run through meson test)");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' %s 2>&1", exe, args);
    int status;
    char *out = test_run(cmd, &status);
    ck_assert_msg(fail ? status != 0 : status == 0, "snnc %s: exit %d\n%s", args, status, out);
    return out;
}

/* The largest absolute value of column c of t (at least 1e-300). */
static double col_scale(const TestTable *t, int c)
{
    double m = 1e-300;
    for (size_t r = 0; r < t->nrows; r++) m = fmax(m, fabs(test_cell(t, r, c)));
    return m;
}

/* snnc's event or spike monitor file got (i,t,vars...) against Brian2's
 * (i,step,vars...); with keep (a neuron mask of 4), Brian2's rows of those
 * neurons only. */
static void check_events(const char *what, const char *got_path, const char *ref, const bool *keep)
{
    TestTable got, want;
    test_read_csv(&got, got_path);
    test_read_csv(&want, test_path(ref));
    int gi = test_column(&got, "i"), gt = test_column(&got, "t");
    ck_assert_msg(gi == 0 && gt == 1, "%s: columns i,t first", what);
    ck_assert_msg(got.ncols == want.ncols, "%s: %d columns, Brian2 %d", what, got.ncols, want.ncols);
    size_t r = 0;
    for (size_t w = 0; w < want.nrows; w++) {
        long i = lround(test_cell(&want, w, 0));
        if (keep && !keep[i]) continue;
        ck_assert_msg(r < got.nrows, "%s: %zu rows, Brian2 has more", what, got.nrows);
        long gi_ = lround(test_cell(&got, r, 0)), gs = lround(test_cell(&got, r, 1) / DT);
        long ws = lround(test_cell(&want, w, 1));
        ck_assert_msg(gi_ == i && gs == ws, "%s row %zu: neuron %ld at step %ld, Brian2 %ld at %ld", what, r, gi_, gs,
                      i, ws);
        for (int c = 2; c < want.ncols; c++) {
            int gc = test_column(&got, want.names[c]);
            ck_assert_msg(gc >= 0, "%s: no column %s", what, want.names[c]);
            double a = test_cell(&got, r, gc), b = test_cell(&want, w, c);
            ck_assert_msg(fabs(a - b) <= 1e-9 * col_scale(&want, c), "%s row %zu: %s = %.17g, Brian2 %.17g", what, r,
                          want.names[c], a, b);
        }
        r++;
    }
    ck_assert_msg(r == got.nrows, "%s: %zu rows, Brian2 %zu", what, got.nrows, r);
    ck_assert_msg(r > 0, "%s: nothing recorded", what);
    test_table_free(&got);
    test_table_free(&want);
}

/* A state monitor's CSV (t,<var>_<i>,...) against Brian2's trace. */
static void check_trace(const char *what, const char *got_path, const char *ref)
{
    TestTable got, want;
    test_read_csv(&got, got_path);
    test_read_csv(&want, test_path(ref));
    ck_assert_msg(got.nrows == want.nrows, "%s: %zu rows, Brian2 %zu", what, got.nrows, want.nrows);
    ck_assert_msg(got.ncols == want.ncols, "%s: %d columns, Brian2 %d", what, got.ncols, want.ncols);
    for (size_t r = 0; r < want.nrows; r++)
        ck_assert_msg(lround(test_cell(&got, r, 0) / DT) == lround(test_cell(&want, r, 0)),
                      "%s row %zu: recorded at t = %.17g, Brian2 at step %g", what, r, test_cell(&got, r, 0),
                      test_cell(&want, r, 0));
    for (int c = 1; c < want.ncols; c++) {
        int gc = test_column(&got, want.names[c]);
        ck_assert_msg(gc >= 0, "%s: no column %s", what, want.names[c]);
        double scale = col_scale(&want, c);
        for (size_t r = 0; r < want.nrows; r++) {
            double a = test_cell(&got, r, gc), b = test_cell(&want, r, c);
            ck_assert_msg(fabs(a - b) <= 1e-9 * scale, "%s step %zu: %s = %.17g, Brian2 %.17g", what, r,
                          want.names[c], a, b);
        }
    }
    test_table_free(&got);
    test_table_free(&want);
}

START_TEST(events_as_brian2)
{
    char *dir = test_tmpdir();
    char args[2048];
    snprintf(args, sizeof args, "run '%s' -o '%s' --native=off", test_path("events/events.snn"), dir);
    char *out = snnc(args, false);
    ck_assert_msg(strstr(out, "EM: 10 'crossing' events from G (per neuron: 4 3 2 1)"), "summary:\n%s", out);
    free(out);
    char path[1024];
    static const bool keep02[4] = { true, false, true, false };
    snprintf(path, sizeof path, "%s/EM.csv", dir);
    check_events("EM", path, "data/brian2/events_em.csv", NULL);
    snprintf(path, sizeof path, "%s/BM.csv", dir);
    check_events("BM", path, "data/brian2/events_below.csv", NULL);
    snprintf(path, sizeof path, "%s/SM.csv", dir);
    check_events("SM", path, "data/brian2/events_sm.csv", NULL);
    snprintf(path, sizeof path, "%s/M.csv", dir);
    check_trace("M", path, "data/brian2/events_trace.csv");
    snprintf(path, sizeof path, "%s/MG.csv", dir);
    check_trace("MG", path, "data/brian2/events_gtrace.csv");
    /* SS records v only, of neurons 0 and 2: Brian2's SM without c */
    TestTable ss, want;
    snprintf(path, sizeof path, "%s/SS.csv", dir);
    test_read_csv(&ss, path);
    test_read_csv(&want, test_path("data/brian2/events_sm.csv"));
    ck_assert_int_eq(ss.ncols, 3);
    size_t r = 0;
    for (size_t w = 0; w < want.nrows; w++) {
        long i = lround(test_cell(&want, w, 0));
        if (!keep02[i]) continue;
        ck_assert_msg(r < ss.nrows && lround(test_cell(&ss, r, 0)) == i &&
                      lround(test_cell(&ss, r, 1) / DT) == lround(test_cell(&want, w, 1)) &&
                      fabs(test_cell(&ss, r, 2) - test_cell(&want, w, 2)) < 1e-9,
                      "SS row %zu differs from Brian2's row %zu", r, w);
        r++;
    }
    ck_assert_msg(r == ss.nrows && r == 5, "SS: %zu rows, Brian2 %zu of neurons 0 and 2", ss.nrows, r);
    test_table_free(&ss);
    test_table_free(&want);
    /* record=False: the counts */
    TestTable sc, wc;
    snprintf(path, sizeof path, "%s/SC.csv", dir);
    test_read_csv(&sc, path);
    test_read_csv(&wc, test_path("data/brian2/events_count.csv"));
    ck_assert_msg(sc.nrows == wc.nrows && test_column(&sc, "count") == 1, "SC: %zu rows of i,count", sc.nrows);
    for (size_t q = 0; q < wc.nrows; q++)
        ck_assert_msg(test_cell(&sc, q, 0) == test_cell(&wc, q, 0) && test_cell(&sc, q, 1) == test_cell(&wc, q, 1),
                      "SC: neuron %zu has %g spikes, Brian2 %g", q, test_cell(&sc, q, 1), test_cell(&wc, q, 1));
    test_table_free(&sc);
    test_table_free(&wc);
    test_remove_tmpdir(dir);
}
END_TEST

/* The same monitors as npy arrays, and how run.json describes them. */
START_TEST(events_npy_and_run_json)
{
    char *dir = test_tmpdir();
    char args[2048];
    snprintf(args, sizeof args, "run '%s' -o '%s' --native=off --format npy", test_path("events/events.snn"), dir);
    free(snnc(args, false));
    char path[1024];
    size_t len;
    snprintf(path, sizeof path, "%s/run.json", dir);
    char *json = test_read_file(path, &len);
    const char *em = strstr(json, "{\"name\": \"EM\"");
    ck_assert_msg(em && strstr(em, "\"event\": \"crossing\", \"variables\": [\"i\", \"t\", \"v\", \"c\"], "
                                   "\"units\": [\"1\", \"second\", \"1\", \"1\"]"), "run.json:\n%s", json);
    ck_assert_msg(strstr(em, "\"files\": [\"EM.i.npy\", \"EM.t.npy\", \"EM.v.npy\", \"EM.c.npy\"], "
                             "\"shapes\": [[10], [10], [10], [10]]"), "run.json:\n%s", json);
    const char *sc = strstr(json, "{\"name\": \"SC\"");
    ck_assert_msg(sc && strstr(sc, "\"variables\": [\"i\", \"count\"]"), "run.json:\n%s", json);
    free(json);
    /* EM.v.npy: the header, then Brian2's values of v */
    snprintf(path, sizeof path, "%s/EM.v.npy", dir);
    unsigned char *npy = (unsigned char *)test_read_file(path, &len);
    ck_assert_msg(len >= 64 + 10 * 8 && npy[0] == 0x93, "EM.v.npy: %zu bytes", len);
    size_t hlen = (size_t)npy[8] | (size_t)npy[9] << 8;
    ck_assert_msg(10 + hlen + 80 == len, "EM.v.npy: %zu bytes, header %zu", len, hlen);
    TestTable want;
    test_read_csv(&want, test_path("data/brian2/events_em.csv"));
    for (size_t r = 0; r < want.nrows; r++) {
        double v;
        memcpy(&v, npy + 10 + hlen + 8 * r, sizeof v);
        ck_assert_msg(fabs(v - test_cell(&want, r, 2)) < 1e-9, "EM.v.npy[%zu] = %.17g, Brian2 %.17g", r, v,
                      test_cell(&want, r, 2));
    }
    test_table_free(&want);
    free(npy);
    snprintf(path, sizeof path, "%s/SC.count.npy", dir);
    npy = (unsigned char *)test_read_file(path, &len);
    hlen = (size_t)npy[8] | (size_t)npy[9] << 8;
    ck_assert_msg(strstr((char *)npy + 10, "'<i8'") && 10 + hlen + 4 * 8 == len, "SC.count.npy: %zu bytes", len);
    int64_t c[4];
    memcpy(c, npy + 10 + hlen, sizeof c);
    ck_assert_msg(c[0] == 4 && c[1] == 2 && c[2] == 1 && c[3] == 0, "SC.count.npy: %lld %lld %lld %lld",
                  (long long)c[0], (long long)c[1], (long long)c[2], (long long)c[3]);
    free(npy);
    test_remove_tmpdir(dir);
}
END_TEST

/* Write text to dir/name and return the path (static buffer). */
static const char *model_file(const char *dir, const char *name, const char *text)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* The rows of column col of CSV file dir/file where column 0 (i) is i. */
static int column_of(const char *dir, const char *file, long i, int col, double *out, int max)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    TestTable t;
    test_read_csv(&t, path);
    int n = 0;
    for (size_t r = 0; r < t.nrows; r++)
        if (lround(test_cell(&t, r, 0)) == i) {
            ck_assert_msg(n < max, "%s: more than %d rows of neuron %ld", file, max, i);
            out[n++] = test_cell(&t, r, col);
        }
    test_table_free(&t);
    return n;
}

#define RATE_GROUP(extra) \
    "neurons G[3] {\n    model {\n        dv/dt = rate : 1\n        rate : Hz\n        prev_spikes : integer\n    }\n" \
    extra "    init { rate = [101, 0, 1001]*Hz }\n}\n"

/* Brian2's own tests (brian2/tests/test_monitor.py and test_neurongroup.py,
 * upstream), their expected values carried over: test_spike_monitor_variables,
 * test_event_monitor, test_event_monitor_no_record (the counts),
 * test_custom_events and test_custom_events_schedule. */
START_TEST(brian2_upstream_event_tests)
{
    char *dir = test_tmpdir();
    char args[2048], out[1024];
    double v[16];
    /* test_spike_monitor_variables: prev_spikes as each monitor sees it */
    const char *m = model_file(dir, "vars.snn", RATE_GROUP("    threshold: v > 1\n    reset: v = 0; prev_spikes += 1\n")
                               "spikemonitor mon1(G, variables=[prev_spikes])\n"
                               "spikemonitor mon2(G, variables=[prev_spikes], when=after_resets)\nrun 10*ms\n");
    snprintf(out, sizeof out, "%s/vars", dir);
    snprintf(args, sizeof args, "run '%s' -o '%s' --native=off", m, out);
    free(snnc(args, false));
    ck_assert_int_eq(column_of(out, "mon1.csv", 0, 2, v, 16), 1);
    ck_assert_double_eq(v[0], 0);
    ck_assert_int_eq(column_of(out, "mon1.csv", 1, 2, v, 16), 0);
    ck_assert_int_eq(column_of(out, "mon1.csv", 2, 2, v, 16), 10);
    for (int k = 0; k < 10; k++) ck_assert_double_eq(v[k], k);
    ck_assert_int_eq(column_of(out, "mon2.csv", 0, 2, v, 16), 1);
    ck_assert_double_eq(v[0], 1);
    ck_assert_int_eq(column_of(out, "mon2.csv", 2, 2, v, 16), 10);
    for (int k = 0; k < 10; k++) ck_assert_double_eq(v[k], k + 1);
    /* test_event_monitor: the event times, and the counts */
    m = model_file(dir, "ev.snn", RATE_GROUP("    events { my_event: v > 1 }\n    run_on_event(my_event) { v = 0 }\n")
                   "eventmonitor mon(G, my_event)\nrun 10*ms\n");
    snprintf(out, sizeof out, "%s/ev", dir);
    snprintf(args, sizeof args, "run '%s' -o '%s' --native=off", m, out);
    char *text = snnc(args, false);
    ck_assert_msg(strstr(text, "mon: 11 'my_event' events from G (per neuron: 1 0 10)"), "%s", text);
    free(text);
    ck_assert_int_eq(column_of(out, "mon.csv", 0, 1, v, 16), 1);
    ck_assert_msg(fabs(v[0] - 9.9e-3) < 1e-12, "event of neuron 0 at %g s, Brian2 9.9 ms", v[0]);
    ck_assert_int_eq(column_of(out, "mon.csv", 1, 1, v, 16), 0);
    ck_assert_int_eq(column_of(out, "mon.csv", 2, 1, v, 16), 10);
    for (int k = 0; k < 10; k++)
        ck_assert_msg(fabs(v[k] - (k + 0.9) * 1e-3) < 1e-12, "event %d of neuron 2 at %g s, Brian2 %g ms", k, v[k],
                      k + 0.9);
    /* test_event_monitor_no_record: counts only */
    m = model_file(dir, "norec.snn", RATE_GROUP("    events { my_event: v > 1 }\n    threshold: v > 1\n    reset: v = 0\n")
                   "eventmonitor event_mon(G, my_event, record=False)\nspikemonitor spike_mon(G, record=False)\n"
                   "run 10*ms\n");
    snprintf(out, sizeof out, "%s/norec", dir);
    snprintf(args, sizeof args, "run '%s' -o '%s' --native=off", m, out);
    free(snnc(args, false));
    static const double counts[3] = { 1, 0, 10 };
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(column_of(out, "event_mon.csv", i, 1, v, 16), 1);
        ck_assert_double_eq(v[0], counts[i]);
        ck_assert_int_eq(column_of(out, "spike_mon.csv", i, 1, v, 16), 1);
        ck_assert_double_eq(v[0], counts[i]);
    }
    /* test_custom_events: run_on_event sets the time of each event */
    m = model_file(dir, "times.snn", "neurons G[2] {\n    model {\n        event_time1 : second\n"
                   "        event_time2 : second\n    }\n"
                   "    events: {'event1': 't>=i*ms and t<i*ms+dt', 'event2': 't>=(i+1)*ms and t<(i+1)*ms+dt'}\n"
                   "    run_on_event('event1', 'event_time1 = t')\n    run_on_event('event2', 'event_time2 = t')\n}\n"
                   "run 2.1*ms\n");
    snprintf(out, sizeof out, "%s/times", dir);
    snprintf(args, sizeof args, "run '%s' -o '%s' --native=off --save-state", m, out);
    free(snnc(args, false));
    TestTable st;
    snprintf(args, sizeof args, "%s/G.state.csv", out);
    test_read_csv(&st, args);
    ck_assert_int_eq(st.nrows, 2);
    for (int i = 0; i < 2; i++) {
        double t1 = test_cell(&st, (size_t)i, test_column(&st, "event_time1"));
        double t2 = test_cell(&st, (size_t)i, test_column(&st, "event_time2"));
        ck_assert_msg(fabs(t1 - i * 1e-3) < 1e-12 && fabs(t2 - (i + 1) * 1e-3) < 1e-12,
                      "neuron %d: event times %g and %g s, Brian2 %d and %d ms", i, t1, t2, i, i + 1);
    }
    test_table_free(&st);
    /* test_custom_events_schedule: event1 checked after the resets, where
     * event2's code (in the resets) has set x */
    m = model_file(dir, "sched.snn", "neurons G[2] {\n    model {\n        x : 1\n        event_time : second\n    }\n"
                   "    events { event1: x > 0;  event2: 't>=(i+1)*ms and t<(i+1)*ms+dt' }\n"
                   "    set_event_schedule(event1, when=after_resets)\n"
                   "    run_on_event(event2, when=resets) { x = 1 }\n"
                   "    run_on_event(event1, when=after_resets, order=1) {\n        event_time = t\n        x = 0\n    }\n"
                   "}\nrun 2.1*ms\n");
    snprintf(out, sizeof out, "%s/sched", dir);
    snprintf(args, sizeof args, "run '%s' -o '%s' --native=off --save-state", m, out);
    free(snnc(args, false));
    snprintf(args, sizeof args, "%s/G.state.csv", out);
    test_read_csv(&st, args);
    for (int i = 0; i < 2; i++) {
        double t = test_cell(&st, (size_t)i, test_column(&st, "event_time"));
        ck_assert_msg(fabs(t - (i + 1) * 1e-3) < 1e-12, "neuron %d: event1 at %g s, Brian2 %d ms", i, t, i + 1);
    }
    test_table_free(&st);
    test_remove_tmpdir(dir);
}
END_TEST

/* A snapshot holds what spike and event monitors recorded, their values
 * and counts: run 15 ms, snapshot (through its bytes), run 15 ms; restore
 * and run the 15 ms again; both give the files of an uninterrupted run. */
START_TEST(monitors_in_snapshots)
{
    char *dir = test_tmpdir();
    char a[1024], b[1024], c[1024];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    snprintf(c, sizeof c, "%s/c", dir);
    snn_ctx *ctx = snn_new();
    ck_assert_msg(snn_load_file(ctx, test_path("events/events.snn")) == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_msg(snn_run(ctx, 0.03) == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_int_eq(snn_write_outputs(ctx, a), SNN_OK);
    snn_free(ctx);
    ctx = snn_new();
    ck_assert_int_eq(snn_load_file(ctx, test_path("events/events.snn")), SNN_OK);
    ck_assert_int_eq(snn_run(ctx, 0.015), SNN_OK);
    snn_snapshot *snap, *copy;
    size_t size;
    ck_assert_int_eq(snn_snapshot_take(ctx, &snap), SNN_OK);
    const void *bytes = snn_snapshot_data(snap, &size);
    ck_assert_int_eq(snn_snapshot_from_data(bytes, size, &copy), SNN_OK);
    ck_assert_int_eq(snn_run(ctx, 0.015), SNN_OK);
    ck_assert_int_eq(snn_write_outputs(ctx, b), SNN_OK);
    ck_assert_msg(snn_snapshot_restore(ctx, copy) == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_int_eq(snn_run(ctx, 0.015), SNN_OK);
    ck_assert_int_eq(snn_write_outputs(ctx, c), SNN_OK);
    snn_snapshot_free(snap);
    snn_snapshot_free(copy);
    snn_free(ctx);
    static const char *const files[] = { "EM.csv", "BM.csv", "SM.csv", "SC.csv", "SS.csv", "M.csv", "MG.csv" };
    for (size_t k = 0; k < sizeof files / sizeof *files; k++) {
        char pa[1200], pb[1200], pc[1200];
        size_t na, nb, nc;
        snprintf(pa, sizeof pa, "%s/%s", a, files[k]);
        snprintf(pb, sizeof pb, "%s/%s", b, files[k]);
        snprintf(pc, sizeof pc, "%s/%s", c, files[k]);
        char *fa = test_read_file(pa, &na), *fb = test_read_file(pb, &nb), *fc = test_read_file(pc, &nc);
        ck_assert_msg(na == nb && !memcmp(fa, fb, na), "%s: the run with a snapshot differs", files[k]);
        ck_assert_msg(na == nc && !memcmp(fa, fc, na), "%s: the run after restoring differs", files[k]);
        free(fa);
        free(fb);
        free(fc);
    }
    test_remove_tmpdir(dir);
}
END_TEST

/* Objects on clocks of their own (dt:), against tests/brian2/gen_clocks.py:
 * a group on 0.5 ms, pathways on their source's clock (delays in its
 * steps, also for synapses with a dt of their own), monitors on their
 * source's clock or their own dt. */
START_TEST(clocks_as_brian2)
{
    char *dir = test_tmpdir();
    char args[2048], path[1024];
    snprintf(args, sizeof args, "run '%s' -o '%s' --native=off", test_path("events/clocks.snn"), dir);
    free(snnc(args, false));
    static const char *const mons[][2] = { { "SG", "g_spikes" }, { "SH", "h_spikes" } };
    static const char *const traces[][2] = { { "MG", "g_trace" }, { "MH", "h_trace" }, { "MH2", "h2_trace" } };
    char ref[256];
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/%s.csv", dir, mons[k][0]);
        snprintf(ref, sizeof ref, "data/brian2/clocks_%s.csv", mons[k][1]);
        check_events(mons[k][0], path, ref, NULL);
    }
    for (int k = 0; k < 3; k++) {
        snprintf(path, sizeof path, "%s/%s.csv", dir, traces[k][0]);
        snprintf(ref, sizeof ref, "data/brian2/clocks_%s.csv", traces[k][1]);
        check_trace(traces[k][0], path, ref);
    }
    /* a clock that is not a whole multiple of the model's step is refused */
    snprintf(path, sizeof path, "%s/bad.snn", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("neurons G[1] {\n    model { dv/dt = -v/(10*ms) : 1 }\n    dt: 0.25*ms\n}\nrun 1*ms\n", f);
    fclose(f);
    snprintf(args, sizeof args, "check '%s'", path);
    char *out = snnc(args, true);
    ck_assert_msg(strstr(out, "bad.snn:3:9: error: the dt of G (0.00025 s) must be a whole multiple of the model's "
                              "time step dt = 0.0001 s"), "%s", out);
    free(out);
    test_remove_tmpdir(dir);
}
END_TEST

/* poisson(l) over seeds 1..4: each sample's mean and variance within 5% of
 * Brian2's (the mean of its four seeds); int(x) exactly Brian2's. */
START_TEST(poisson_and_int_as_brian2)
{
    TestTable ref;
    test_read_csv(&ref, test_path("data/brian2/poisson_int_stats.csv"));
    static const double lambdas[4] = { 0.5, 3.5, 25, 200 };
    double bmean[4] = { 0 }, bvar[4] = { 0 };
    for (size_t r = 0; r < ref.nrows; r++)
        for (int q = 0; q < 4; q++)
            if (test_cell(&ref, r, 1) == lambdas[q]) {
                bmean[q] += test_cell(&ref, r, 2) / 4;
                bvar[q] += test_cell(&ref, r, 3) / 4;
            }
    test_table_free(&ref);
    for (int seed = 1; seed <= 4; seed++) {
        char *dir = test_tmpdir();
        char args[2048], path[1024];
        snprintf(args, sizeof args, "run '%s' -o '%s' --native=off --save-state --seed %d",
                 test_path("events/poisson_int.snn"), dir, seed);
        free(snnc(args, false));
        TestTable st;
        snprintf(path, sizeof path, "%s/G.state.csv", dir);
        test_read_csv(&st, path);
        for (int q = 0; q < 4; q++) {
            double sum = 0, sq = 0, n = 0;
            for (size_t r = 0; r < st.nrows; r++) {
                if (test_cell(&st, r, 0) != lambdas[q]) continue;
                double x = test_cell(&st, r, 1);
                ck_assert_msg(x == floor(x) && x >= 0, "poisson(%g) gave %g", lambdas[q], x);
                sum += x;
                sq += x * x;
                n++;
            }
            double mean = sum / n, var = sq / n - mean * mean;
            ck_assert_msg(n == 20000, "%g draws of poisson(%g)", n, lambdas[q]);
            ck_assert_msg(fabs(mean - bmean[q]) < 0.05 * bmean[q] && fabs(var - bvar[q]) < 0.05 * bvar[q],
                          "seed %d: poisson(%g) has mean %g and variance %g, Brian2 %g and %g", seed, lambdas[q],
                          mean, var, bmean[q], bvar[q]);
        }
        test_table_free(&st);
        if (seed == 1) {
            TestTable h, want;
            snprintf(path, sizeof path, "%s/H.state.csv", dir);
            test_read_csv(&h, path);
            test_read_csv(&want, test_path("data/brian2/poisson_int_int.csv"));
            ck_assert_int_eq(h.nrows, want.nrows);
            for (size_t r = 0; r < want.nrows; r++)
                ck_assert_msg(test_cell(&h, r, 1) == test_cell(&want, r, 1), "int(%.17g) = %.17g, Brian2 %.17g",
                              test_cell(&want, r, 0), test_cell(&h, r, 1), test_cell(&want, r, 1));
            test_table_free(&h);
            test_table_free(&want);
        }
        test_remove_tmpdir(dir);
    }
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("events");
    TCase *tc = tcase_create("events");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, events_as_brian2);
    tcase_add_test(tc, events_npy_and_run_json);
    tcase_add_test(tc, poisson_and_int_as_brian2);
    tcase_add_test(tc, clocks_as_brian2);
    tcase_add_test(tc, monitors_in_snapshots);
    tcase_add_test(tc, brian2_upstream_event_tests);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
