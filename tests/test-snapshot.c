/* SPDX-License-Identifier: MIT */
/* This file contains the tests of snapshots (snn_snapshot_*): a network
 * with everything that has state -- noise, Poisson and generator inputs,
 * refractoriness, homogeneous and per-synapse delays with spikes in flight,
 * plasticity, added spikes still to come, state, spike and rate monitors --
 * is run 50 ms, snapshotted and run 50 ms more (A); restored and run the
 * same 50 ms (B); and restored in a fresh context from bytes and from a file
 * (C).  A, B and C must be equal byte for byte: spikes, every variable of
 * every group, recorded traces.  Also: repeated restores, constants and seed
 * in the snapshot, mismatching networks and damaged data; crafted images
 * (checksum recomputed) with hostile values are refused and change nothing;
 * files that are no snapshot are refused at once.  And the report of NaN or
 * infinite values after a run, or at the step (snn_set_check_finite). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "net.h"
#include "snapshot.h"
#include "snn.h"
#include "test-common.h"
#include "snapshot_model.h"

#define OK(call) ck_assert_msg((call) == SNN_OK, "%s: %s", #call, snn_errmsg(ctx))

static const char rich[] =
    "spikegenerator gen(5, indices=[0, 1, 2, 3, 4, 0, 2], times=[2, 4, 6, 8, 25, 27, 29]*ms, period=30*ms)\n"
    "poissongroup P(40, rates=30*Hz)\n"
    "neurons E[60] {\n"
    "    model {\n"
    "        dv/dt = (-v + ge*10*mV)/(10*ms) + 1.5*mV*xi/sqrt(10*ms) : volt (unless refractory)\n"
    "        dge/dt = -ge/(5*ms) : 1\n"
    "    }\n"
    "    threshold: v > 8*mV\n"
    "    reset: v = 0*mV\n"
    "    refractory: 2*ms\n"
    "    method: euler\n"
    "    init { v = rand()*8*mV }\n"
    "}\n"
    "synapses PE(P -> E) {\n"
    "    model { w : 1 }\n"
    "    on_pre: ge += w\n"
    "    delay: 1.5*ms\n"
    "    connect(p=0.2)\n"
    "    init { w = 0.3 + 0.2*rand() }\n"
    "}\n"
    "synapses EE(E -> E) {\n"
    "    model {\n"
    "        w : 1\n"
    "        dApre/dt = -Apre/(20*ms) : 1 (event-driven)\n"
    "    }\n"
    "    on_pre {\n"
    "        ge += w\n"
    "        Apre += 0.01\n"
    "    }\n"
    "    on_post: w = clip(w + Apre, 0, 1)\n"
    "    delay: (1 + j % 7)*0.5*ms\n"
    "    connect('i != j', p=0.1)\n"
    "    init { w = 0.1 }\n"
    "}\n"
    "synapses GE(gen -> E) { on_pre: ge += 2  connect(j='i*10') }\n"
    "spikemonitor SE(E)\n"
    "spikemonitor SG(gen)\n"
    "statemonitor ME(E.v, E.ge, record=[0, 5])\n"
    "statemonitor MW(EE.w, record=[0, 1, 2])\n"
    "ratemonitor RE(E)\n";

static snn_ctx *rich_ctx(void)
{
    snn_ctx *ctx = snn_new();
    OK(snn_set_seed(ctx, 42));
    OK(snn_load_string(ctx, rich, strlen(rich), "rich.snn"));
    return ctx;
}

/* Everything a run leaves, as one byte string: time, every variable of every
 * object, spikes, traces, rates. */
typedef struct Blob { unsigned char *p; size_t n, cap; } Blob;

static void put(Blob *b, const void *x, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, x, n);
    b->n += n;
}

static Blob state_of(snn_ctx *ctx)
{
    Blob b = { 0 };
    double t = snn_time(ctx);
    put(&b, &t, sizeof t);
    static const char *const groups[] = { "gen", "P", "E", "PE", "EE", "GE" };
    for (int g = 0; g < 6; g++) {
        const char *name;
        for (int k = 0; (name = snn_var_name(ctx, groups[g], k)); k++) {
            size_t n;
            double *v = snn_var(ctx, groups[g], name, &n);
            ck_assert_ptr_nonnull(v);
            put(&b, name, strlen(name));
            put(&b, v, n * sizeof *v);
        }
    }
    static const char *const spikemons[] = { "SE", "SG" };
    for (int m = 0; m < 2; m++) {
        const int32_t *i;
        const int64_t *s;
        size_t n;
        ck_assert_int_eq(snn_spikes(ctx, spikemons[m], &i, &s, &n), SNN_OK);
        put(&b, &n, sizeof n);
        put(&b, i, n * sizeof *i);
        put(&b, s, n * sizeof *s);
    }
    static const char *const statemons[] = { "ME", "MW" };
    for (int m = 0; m < 2; m++) {
        const int64_t *st;
        size_t ns;
        const double *v;
        int nidx, nvars;
        ck_assert_int_eq(snn_trace(ctx, statemons[m], &st, &ns, &v, NULL, &nidx, &nvars), SNN_OK);
        put(&b, &ns, sizeof ns);
        put(&b, st, ns * sizeof *st);
        put(&b, v, ns * (size_t)nidx * (size_t)nvars * sizeof *v);
    }
    return b;
}

static void same_blob(Blob a, Blob b, const char *what)
{
    ck_assert_msg(a.n == b.n, "%s: %zu bytes vs %zu", what, a.n, b.n);
    size_t k = 0;
    while (k < a.n && a.p[k] == b.p[k]) k++;
    ck_assert_msg(k == a.n, "%s: first difference at byte %zu of %zu", what, k, a.n);
}

/* Add spikes to come at 70 ms and 90 ms (they are in the snapshot). */
static void add_future_spikes(snn_ctx *ctx)
{
    int32_t idx[3] = { 3, 4, 3 };
    double t[3] = { 0.07, 0.07, 0.09 };
    OK(snn_add_spikes(ctx, "E", idx, t, 3));
}

START_TEST(roundtrip_bit_identical)
{
    snn_ctx *ctx = rich_ctx();
    OK(snn_run(ctx, 0.05));
    add_future_spikes(ctx);
    snn_snapshot *snap;
    OK(snn_snapshot_take(ctx, &snap));
    char *dir = test_tmpdir();
    char path[600];
    snprintf(path, sizeof path, "%s/at50.snap", dir);
    OK(snn_snapshot_save(ctx, path));
    size_t size;
    const void *data = snn_snapshot_data(snap, &size);
    ck_assert_ptr_nonnull(data);
    ck_assert_uint_gt(size, 1000);
    OK(snn_run(ctx, 0.05));
    Blob A = state_of(ctx);
    size_t nspikes;
    OK(snn_spikes(ctx, "SE", NULL, NULL, &nspikes));
    ck_assert_uint_gt(nspikes, 50);            /* a busy network */

    /* B: the same context, restored */
    OK(snn_snapshot_restore(ctx, snap));
    ck_assert_double_eq_tol(snn_time(ctx), 0.05, 1e-12);
    OK(snn_run(ctx, 0.05));
    Blob B = state_of(ctx);
    same_blob(A, B, "restored in the same context");

    /* C: a fresh context with the same model, from the bytes */
    snn_ctx *fresh = rich_ctx();
    snn_snapshot *copy;
    ck_assert_int_eq(snn_snapshot_from_data(data, size, &copy), SNN_OK);
    ck_assert_int_eq(snn_snapshot_restore(fresh, copy), SNN_OK);
    ck_assert_int_eq(snn_run(fresh, 0.05), SNN_OK);
    Blob C = state_of(fresh);
    same_blob(A, C, "restored from bytes in a fresh context");
    snn_free(fresh);
    snn_snapshot_free(copy);

    /* a fresh context with another seed made other random connections: the
     * snapshot does not fit */
    fresh = snn_new();
    ck_assert_int_eq(snn_set_seed(fresh, 7), SNN_OK);
    ck_assert_int_eq(snn_load_string(fresh, rich, strlen(rich), "rich.snn"), SNN_OK);
    ck_assert_int_eq(snn_snapshot_load(fresh, path), SNN_EMISUSE);
    ck_assert_msg(strstr(snn_errmsg(fresh), "'EE'") != NULL, "%s", snn_errmsg(fresh));
    snn_free(fresh);

    /* D: a fresh context, from the file */
    fresh = rich_ctx();
    ck_assert_int_eq(snn_snapshot_load(fresh, path), SNN_OK);
    ck_assert_int_eq(snn_run(fresh, 0.05), SNN_OK);
    Blob D = state_of(fresh);
    same_blob(A, D, "restored from a file in a fresh context");
    snn_free(fresh);

    /* without the restore, the continuation differs (the test can see it) */
    fresh = rich_ctx();
    ck_assert_int_eq(snn_run(fresh, 0.05), SNN_OK);
    Blob E = state_of(fresh);
    ck_assert(E.n != A.n || memcmp(E.p, A.p, A.n));
    free(E.p);
    snn_free(fresh);

    free(A.p);
    free(B.p);
    free(C.p);
    free(D.p);
    snn_snapshot_free(snap);
    snn_free(ctx);
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(path), 0);
    free(dir);
}
END_TEST

/* The spikes in flight matter: a snapshot taken while delayed spikes are
 * queued and restored gives the same as running through. */
START_TEST(one_run_equals_two_halves)
{
    snn_ctx *ctx = rich_ctx();
    add_future_spikes(ctx);
    OK(snn_run(ctx, 0.1));
    Blob whole = state_of(ctx);
    snn_free(ctx);
    ctx = rich_ctx();
    add_future_spikes(ctx);
    OK(snn_run(ctx, 0.0503));
    snn_snapshot *s;
    OK(snn_snapshot_take(ctx, &s));
    snn_free(ctx);
    ctx = rich_ctx();
    OK(snn_snapshot_restore(ctx, s));
    OK(snn_run(ctx, 0.0497));
    Blob halves = state_of(ctx);
    same_blob(whole, halves, "two halves through a snapshot");
    free(whole.p);
    free(halves.p);
    snn_snapshot_free(s);
    snn_free(ctx);
}
END_TEST

/* A sweep: restore the start, set a constant, run; each run is independent
 * of the ones before. */
START_TEST(restore_many_times)
{
    snn_ctx *ctx = snn_new();
    OK(snn_load_file(ctx, test_path("../examples/tutorial.snn")));
    snn_snapshot *start;
    OK(snn_snapshot_take(ctx, &start));
    size_t counts[3];
    const double w[3] = { 0, 0.5e-9, 0 };
    for (int k = 0; k < 3; k++) {
        OK(snn_snapshot_restore(ctx, start));
        ck_assert(snn_time(ctx) == 0);
        OK(snn_set_const(ctx, "w_gi", w[k]));
        OK(snn_run(ctx, 0.1));
        OK(snn_spikes(ctx, "SM", NULL, NULL, &counts[k]));
    }
    ck_assert_uint_eq(counts[0], 34);
    ck_assert_uint_eq(counts[1], 33);
    ck_assert_uint_eq(counts[2], 34);
    /* the snapshot holds the constants: restoring undoes snn_set_const */
    OK(snn_set_const(ctx, "w_gi", 1e-9));
    OK(snn_snapshot_restore(ctx, start));
    double x;
    OK(snn_get_const(ctx, "w_gi", &x));
    ck_assert(x == 0);
    snn_snapshot_free(start);
    snn_free(ctx);
}
END_TEST

/* A snapshot only fits a network with the same objects; a mismatch changes
 * nothing. */
START_TEST(mismatch)
{
    snn_ctx *ctx = snn_new();
    OK(snn_load_file(ctx, test_path("../examples/tutorial.snn")));
    OK(snn_run(ctx, 0.02));
    snn_snapshot *s;
    OK(snn_snapshot_take(ctx, &s));
    /* another model */
    snn_ctx *other = snn_new();
    const char *m = "neurons G[4] { model { dv/dt = -v/(10*ms) : volt } }\n";
    ck_assert_int_eq(snn_load_string(other, m, strlen(m), "other.snn"), SNN_OK);
    ck_assert_int_eq(snn_run(other, 0.01), SNN_OK);
    ck_assert_int_eq(snn_snapshot_restore(other, s), SNN_EMISUSE);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(other), "snapshot"));
    ck_assert_double_eq_tol(snn_time(other), 0.01, 1e-12);
    snn_free(other);
    /* the same model plus a group added after the snapshot */
    OK(snn_add_neurons(ctx, "H", 1, "dv/dt = -v/(10*ms) : volt", NULL, NULL, NULL, NULL));
    OK(snn_run(ctx, 0.01));
    ck_assert_int_eq(snn_snapshot_restore(ctx, s), SNN_EMISUSE);
    ck_assert_double_eq_tol(snn_time(ctx), 0.03, 1e-12);
    /* another dt */
    other = snn_new();
    const char *src = "dt = 0.05*ms\n";
    char *tut = test_read_file(test_path("../examples/tutorial.snn"), NULL);
    size_t n = strlen(src) + strlen(tut);
    char *both = malloc(n + 1);
    strcpy(both, src);
    strcat(both, tut);
    ck_assert_int_eq(snn_load_string(other, both, n, "dt.snn"), SNN_OK);
    ck_assert_int_eq(snn_snapshot_restore(other, s), SNN_EMISUSE);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(other), "time step"));
    free(both);
    free(tut);
    snn_free(other);
    snn_snapshot_free(s);
    snn_free(ctx);
}
END_TEST

START_TEST(damaged_and_misuse)
{
    snn_ctx *ctx = snn_new();
    snn_snapshot *s = NULL;
    ck_assert_int_eq(snn_snapshot_take(ctx, &s), SNN_EMISUSE);      /* no model */
    ck_assert_ptr_null(s);
    OK(snn_load_file(ctx, test_path("../examples/tutorial.snn")));
    OK(snn_run(ctx, 0.01));
    OK(snn_snapshot_take(ctx, &s));
    size_t size;
    const unsigned char *p = snn_snapshot_data(s, &size);
    unsigned char *bad = malloc(size);
    snn_snapshot *t;
    /* every kind of damage is found */
    memcpy(bad, p, size);
    bad[size / 2] ^= 0x40;
    ck_assert_int_eq(snn_snapshot_from_data(bad, size, &t), SNN_EIO);
    ck_assert_ptr_null(t);
    ck_assert_int_eq(snn_snapshot_from_data(p, size - 1, &t), SNN_EIO);
    ck_assert_int_eq(snn_snapshot_from_data(p, 10, &t), SNN_EIO);
    memcpy(bad, p, size);
    bad[0] = 'X';
    ck_assert_int_eq(snn_snapshot_from_data(bad, size, &t), SNN_EIO);
    memcpy(bad, p, size);
    bad[12] = 9;                                   /* format version */
    ck_assert_int_eq(snn_snapshot_from_data(bad, size, &t), SNN_EIO);
    ck_assert_int_eq(snn_snapshot_from_data(NULL, size, &t), SNN_EMISUSE);
    ck_assert_int_eq(snn_snapshot_from_data(p, size, NULL), SNN_EMISUSE);
    /* files */
    char *dir = test_tmpdir();
    char path[600];
    snprintf(path, sizeof path, "%s/s.snap", dir);
    OK(snn_snapshot_save(ctx, path));
    FILE *f = fopen(path, "r+b");
    fseek(f, (long)size / 3, SEEK_SET);
    fputc(0x55 ^ p[size / 3], f);
    fclose(f);
    ck_assert_int_eq(snn_snapshot_load(ctx, path), SNN_EIO);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "damaged"));
    ck_assert_int_eq(snn_snapshot_load(ctx, test_path("../examples/tutorial.snn")), SNN_EIO);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "not an snnc snapshot"));
    snprintf(path, sizeof path, "%s/missing.snap", dir);
    ck_assert_int_eq(snn_snapshot_load(ctx, path), SNN_EIO);
    snprintf(path, sizeof path, "%s/no/such/dir/s.snap", dir);
    ck_assert_int_eq(snn_snapshot_save(ctx, path), SNN_EIO);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "cannot write"));
    /* NULL arguments */
    ck_assert_int_eq(snn_snapshot_take(ctx, NULL), SNN_EMISUSE);
    ck_assert_int_eq(snn_snapshot_take(NULL, &t), SNN_EMISUSE);
    ck_assert_int_eq(snn_snapshot_restore(ctx, NULL), SNN_EMISUSE);
    ck_assert_int_eq(snn_snapshot_restore(NULL, s), SNN_EMISUSE);
    ck_assert_int_eq(snn_snapshot_save(ctx, NULL), SNN_EMISUSE);
    ck_assert_int_eq(snn_snapshot_save(NULL, path), SNN_EMISUSE);
    ck_assert_int_eq(snn_snapshot_load(ctx, NULL), SNN_EMISUSE);
    ck_assert_int_eq(snn_snapshot_load(NULL, path), SNN_EMISUSE);
    ck_assert_ptr_null(snn_snapshot_data(NULL, &size));
    ck_assert_uint_eq(size, 0);
    snn_snapshot_free(NULL);
    /* the state is untouched by all of it */
    ck_assert_double_eq_tol(snn_time(ctx), 0.01, 1e-12);
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(path), 0);
    free(dir);
    free(bad);
    snn_snapshot_free(s);
    snn_free(ctx);
}
END_TEST

/* A small network with per-synapse delays and spikes in flight. */
static const char small[] = SNAPSHOT_SMALL_MODEL;

/* What a refused restore must leave alone: time, variables, recordings. */
static Blob small_state(snn_ctx *ctx)
{
    Blob b = { 0 };
    double t = snn_time(ctx);
    put(&b, &t, sizeof t);
    size_t n;
    double *v = snn_var(ctx, "G", "v", &n);
    put(&b, v, n * sizeof *v);
    v = snn_var(ctx, "S", "w", &n);
    put(&b, v, n * sizeof *v);
    const int32_t *i;
    const int64_t *st;
    OK(snn_spikes(ctx, "SM", &i, &st, &n));
    put(&b, &n, sizeof n);
    put(&b, i, n * sizeof *i);
    put(&b, st, n * sizeof *st);
    return b;
}

/* Every 4 bytes of the payload in turn set to a hostile value, the checksum
 * recomputed: each image is refused with the network unchanged, or accepted
 * and runs.  The bad delays and synapse ids are found by name. */
START_TEST(crafted_images)
{
    static const int32_t values[] = { -1000000, 100000000, -1, 0x7fffffff };
    snn_ctx *ctx = snn_new();
    OK(snn_set_native(ctx, SNN_NATIVE_OFF));
    OK(snn_load_string(ctx, small, strlen(small), "small.snn"));
    OK(snn_run_steps(ctx, 25));
    snn_snapshot *s;
    OK(snn_snapshot_take(ctx, &s));
    size_t n;
    const unsigned char *orig = snn_snapshot_data(s, &n);
    unsigned char *img = malloc(n);
    Blob before = small_state(ctx);
    bool bad_delay = false, bad_synapse = false;
    int refused = 0;
    for (size_t v = 0; v < sizeof values / sizeof *values; v++)
        for (size_t pos = 24; pos + 4 <= n - 8; pos++) {
            memcpy(img, orig, n);
            memcpy(img + pos, &values[v], 4);
            uint64_t sum = snn_fnv1a(SNN_FNV1A_BASIS, img + SNAPSHOT_HEADER, n - SNAPSHOT_HEADER - 8);
            memcpy(img + n - 8, &sum, 8);
            snn_snapshot *m;
            ck_assert_int_eq(snn_snapshot_from_data(img, n, &m), SNN_OK);
            int rc = snn_snapshot_restore(ctx, m);
            snn_snapshot_free(m);
            if (rc == SNN_OK) {
                ck_assert_int_eq(snn_run_steps(ctx, 30), SNN_OK);
                OK(snn_snapshot_restore(ctx, s));
                continue;
            }
            refused++;
            ck_assert_msg(rc == SNN_EMISUSE || rc == SNN_EIO, "rc %d at %zu", rc, pos);
            const char *msg = snn_errmsg(ctx);
            if (strstr(msg, "has a delay of -1000000 steps (0 to 12)")) bad_delay = true;
            if (strstr(msg, "the spike queue of 'S' holds synapse 100000000 ('S' has 12 synapses)")) bad_synapse = true;
            Blob after = small_state(ctx);
            same_blob(before, after, "a refused snapshot");
            free(after.p);
        }
    ck_assert(bad_delay);
    ck_assert(bad_synapse);
    ck_assert_int_gt(refused, 100);
    free(before.p);
    free(img);
    snn_snapshot_free(s);
    snn_free(ctx);
}
END_TEST

/* Files: a device and a file longer than its header says are refused
 * without reading them whole. */
START_TEST(files_that_are_no_snapshot)
{
    snn_ctx *ctx = snn_new();
    OK(snn_load_string(ctx, small, strlen(small), "small.snn"));
    OK(snn_run_steps(ctx, 5));
    ck_assert_int_eq(snn_snapshot_load(ctx, "/dev/zero"), SNN_EIO);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "/dev/zero: not a regular file"));
    char *dir = test_tmpdir();
    char path[600];
    snprintf(path, sizeof path, "%s/long.snap", dir);
    OK(snn_snapshot_save(ctx, path));
    FILE *f = fopen(path, "ab");
    for (int k = 0; k < 100000; k++) fputc(0, f);
    fclose(f);
    ck_assert_int_eq(snn_snapshot_load(ctx, path), SNN_EIO);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "truncated or has extra bytes"));
    snprintf(path, sizeof path, "%s/empty.snap", dir);
    fclose(fopen(path, "wb"));
    ck_assert_int_eq(snn_snapshot_load(ctx, path), SNN_EIO);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "not an snnc snapshot"));
    ck_assert_double_eq_tol(snn_time(ctx), 5 * snn_dt(ctx), 1e-15);
    test_remove_tmpdir(dir);
    snn_free(ctx);
}
END_TEST

static const char diverging[] =
    "neurons G[2] {\n"
    "    model { dv/dt = v*v/ms : 1 }\n"
    "    method: euler\n"
    "    init { v = 1 + i }\n"
    "}\n"
    "statemonitor M(G.v, record=all)\n";

static void collect(void *ud, const char *text)
{
    Blob *b = ud;
    put(b, text, strlen(text) + 1);
    b->n--;
}

/* A diverging variable: a warning after the run, or with the check of every
 * step an error at the step that made it infinite. */
START_TEST(nonfinite_values)
{
    snn_ctx *ctx = snn_new();
    Blob said = { 0 };
    snn_set_error_cb(ctx, collect, &said);
    OK(snn_load_string(ctx, diverging, strlen(diverging), "div.snn"));
    OK(snn_run(ctx, 0.005));
    ck_assert_ptr_nonnull(said.p);
    ck_assert_msg(strstr((char *)said.p, "warning: G.v is not finite (inf) for neuron 1 from t = 1.6 ms (recorded by M); "
                         "2 of 2 neurons\n") != NULL, "%s", said.p);
    snn_free(ctx);
    said.n = 0;

    ctx = snn_new();
    snn_set_error_cb(ctx, collect, &said);
    OK(snn_load_string(ctx, diverging, strlen(diverging), "div.snn"));
    OK(snn_set_check_finite(ctx, 1));
    ck_assert_int_eq(snn_run(ctx, 0.005), SNN_ENOTFINITE);
    ck_assert_double_eq_tol(snn_time(ctx), 0.0016, 1e-12);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "G.v is not finite (inf) for neuron 1 at t = 1.6 ms, where the run "
                                 "stopped (values checked every step); 1 of 2 neurons"));
    /* a rebuild keeps the check; switched off, the run goes on with a warning */
    OK(snn_add_neurons(ctx, "H", 1, "dv/dt = -v/(10*ms) : 1", NULL, NULL, NULL, NULL));
    ck_assert_int_eq(snn_run(ctx, 0.001), SNN_ENOTFINITE);
    ck_assert_double_eq_tol(snn_time(ctx), 0.0017, 1e-12);
    OK(snn_set_check_finite(ctx, 0));
    said.n = 0;
    OK(snn_run(ctx, 0.001));
    ck_assert_double_eq_tol(snn_time(ctx), 0.0027, 1e-12);
    ck_assert_ptr_nonnull(strstr((char *)said.p, "warning: G.v is not finite"));
    ck_assert_int_eq(snn_set_check_finite(NULL, 1), SNN_EMISUSE);
    snn_free(ctx);
    free(said.p);
}
END_TEST

/* An image of format version 2 (before the random state's restore epoch,
 * the last two u64 of the payload): v3 without them, with its length and
 * checksum (64-bit FNV-1a) made again. */
static unsigned char *as_version_2(const unsigned char *p, size_t size, size_t *out)
{
    size_t header = 24, len = size - header - 8 - 16;
    unsigned char *q = malloc(header + len + 8);
    memcpy(q, p, header + len);
    uint32_t version = 2;
    uint64_t n = len;
    memcpy(q + 12, &version, 4);
    memcpy(q + 16, &n, 8);
    uint64_t h = snn_fnv1a(SNN_FNV1A_BASIS, q + header, len);
    memcpy(q + header + len, &h, 8);
    *out = header + len + 8;
    return q;
}

/* Images keep the random state: one taken before any restore repeats the
 * run after it, also after plain restores (snn_restore, which draw new
 * numbers) moved the network to other random numbers; and an image of the
 * format before the random state (version 2) still loads, as that of a
 * network that was never restored. */
START_TEST(random_state_in_images)
{
    snn_ctx *ctx = rich_ctx();
    OK(snn_run(ctx, 0.01));
    snn_snapshot *s, *old;
    OK(snn_snapshot_take(ctx, &s));
    size_t size, nold;
    const unsigned char *p = snn_snapshot_data(s, &size);
    uint32_t version;
    memcpy(&version, p + 12, 4);
    ck_assert_uint_eq(version, 3);
    unsigned char *v2 = as_version_2(p, size, &nold);
    OK(snn_snapshot_from_data(v2, nold, &old));
    OK(snn_store(ctx, "at10"));
    OK(snn_run(ctx, 0.02));
    Blob A = state_of(ctx);
    /* a plain restore: new numbers (the Poisson group P draws each step) */
    OK(snn_restore(ctx, "at10"));
    OK(snn_run(ctx, 0.02));
    Blob B = state_of(ctx);
    ck_assert_msg(A.n != B.n || memcmp(A.p, B.p, A.n), "the run after snn_restore repeated the random numbers");
    OK(snn_snapshot_restore(ctx, s));
    OK(snn_run(ctx, 0.02));
    Blob C = state_of(ctx);
    same_blob(A, C, "the image of version 3 after a plain restore");
    OK(snn_restore(ctx, "at10"));
    OK(snn_snapshot_restore(ctx, old));
    OK(snn_run(ctx, 0.02));
    Blob D = state_of(ctx);
    same_blob(A, D, "the image of version 2 after a plain restore");
    OK(snn_restore_random_state(ctx, "at10"));
    OK(snn_run(ctx, 0.02));
    Blob E = state_of(ctx);
    same_blob(A, E, "snn_restore_random_state");
    free(A.p), free(B.p), free(C.p), free(D.p), free(E.p);
    free(v2);
    snn_snapshot_free(s);
    snn_snapshot_free(old);
    snn_free(ctx);
}
END_TEST

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The seed of the draws: epoch 0 is the network's seed itself (models
 * without a restore keep their numbers), and each epoch draws other
 * numbers (4096 epochs of a few seeds, small and large: the first block of
 * one stream, step, index and site differs in every epoch). */
void snn_philox_block(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site, uint32_t out[4]);
START_TEST(restore_epochs_draw_other_numbers)
{
    static const uint64_t seeds[] = { 0, 1, 42, 0xffffffffull, (1ull << 40) + 7, UINT64_MAX };
    enum { NEPOCH = 4096 };
    uint64_t *first = malloc(sizeof *first * NEPOCH);
    for (size_t k = 0; k < sizeof seeds / sizeof *seeds; k++) {
        Net net = { 0 };
        net.seed = seeds[k];
        ck_assert(net_draw_seed(&net) == seeds[k]);
        for (uint64_t e = 0; e < NEPOCH; e++) {
            net.rng_epoch = e;
            uint32_t b[4];
            snn_philox_block(net_draw_seed(&net), 3, 100, 5, 2, b);
            first[e] = (uint64_t)b[0] << 32 | b[1];
        }
        qsort(first, NEPOCH, sizeof *first, cmp_u64);
        for (int e = 1; e < NEPOCH; e++)
            ck_assert_msg(first[e] != first[e - 1], "seed %llu: two epochs draw the same numbers",
                          (unsigned long long)seeds[k]);
    }
    free(first);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("snapshot");
    TCase *tc = tcase_create("snapshot");
    tcase_add_test(tc, roundtrip_bit_identical);
    tcase_add_test(tc, one_run_equals_two_halves);
    tcase_add_test(tc, restore_many_times);
    tcase_add_test(tc, mismatch);
    tcase_add_test(tc, damaged_and_misuse);
    tcase_add_test(tc, crafted_images);
    tcase_add_test(tc, files_that_are_no_snapshot);
    tcase_add_test(tc, nonfinite_values);
    tcase_add_test(tc, random_state_in_images);
    tcase_add_test(tc, restore_epochs_draw_other_numbers);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
