/* SPDX-License-Identifier: MIT */
/* This file contains the synapse storage test: a static synapse group built
 * by connect() keeps no more than its source and target index (8 bytes a
 * synapse, no growth slack, no sorted-id list, no index by target unless
 * on_post needs it), and spikes delivered from its CSR ranges give, on both
 * tiers, bit-identical results to delivery through an explicit id list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "test-common.h"

/* Every recorded spike and value and every final variable, as one byte
 * string (the order is the network's, the same for the same model). */
typedef struct Bytes { unsigned char *v; size_t n; } Bytes;

static void put(Bytes *b, const void *p, size_t size)
{
    b->v = realloc(b->v, b->n + size + 1);
    ck_assert_ptr_nonnull(b->v);
    if (size) memcpy(b->v + b->n, p, size);
    b->n += size;
}

static void collect(Bytes *b, const Net *net)
{
    for (int k = 0; k < net->nmonitors; k++) {
        const RtMonitor *m = net->monitors[k];
        put(b, m->idx.v, m->idx.n * sizeof *m->idx.v);
        put(b, m->steps.v, m->steps.n * sizeof *m->steps.v);
        put(b, m->data.v, m->data.n * sizeof *m->data.v);
    }
    for (int k = 0; k < net->ngroups; k++) {
        const RtGroup *g = net->groups[k];
        for (int v = 0; v < g->nvars; v++) put(b, g->arr[v], (size_t)(g->n > 0 ? g->n : 0) * sizeof(double));
    }
}

static snn_ctx *built(const char *model, int native)
{
    snn_ctx *ctx = snn_new();
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(snn_set_native(ctx, native), SNN_OK);
    ck_assert_msg(snn_load_file(ctx, test_path(model)) == SNN_OK, "%s: %s", model, snn_errmsg(ctx));
    ck_assert_msg(snn_build(ctx) == SNN_OK, "%s: %s", model, snn_errmsg(ctx));
    if (native == SNN_NATIVE_WAIT) {
        const char *why;
        ck_assert_msg(snn_native_status(ctx, &why) == SNN_NATIVE_INSTALLED, "%s: %s", model, why);
    }
    return ctx;
}

/* The bytes each synapse of s holds in connectivity arrays (allocated
 * capacity, not just the used part). */
static double bytes_per_synapse(const RtGroup *s)
{
    size_t b = sizeof(int32_t) * (s->pre.cap + s->post.cap);
    if (s->pre_syn) b += sizeof(int32_t) * (size_t)s->n;
    if (s->post_syn) b += sizeof(int32_t) * (size_t)s->n;
    if (s->syn_delay) b += sizeof(int32_t) * (size_t)s->n;
    return (double)b / (double)s->n;
}

/* CUBA's two static synapse groups: 8 bytes a synapse, before and after a
 * run (nothing grows while it runs). */
START_TEST(static_synapses_take_8_bytes)
{
    snn_ctx *ctx = built("../examples/cuba.snn", SNN_NATIVE_OFF);
    for (int pass = 0; pass < 2; pass++) {
        int nsyn = 0;
        for (int k = 0; k < ctx->net->ngroups; k++) {
            const RtGroup *s = ctx->net->groups[k];
            if (s->kind != RG_SYNAPSES) continue;
            nsyn++;
            ck_assert_int_gt(s->n, 1000);
            ck_assert_int_eq(s->nvars, 0);
            ck_assert_ptr_null(s->pre_syn);      /* stored source by source */
            ck_assert_ptr_null(s->post_start);   /* no on_post */
            ck_assert_uint_eq(s->pre.cap, s->pre.n);
            ck_assert_msg(bytes_per_synapse(s) == 8.0, "%s: %g bytes a synapse", s->name, bytes_per_synapse(s));
        }
        ck_assert_int_eq(nsyn, 2);
        if (!pass) ck_assert_int_eq(snn_run(ctx, 0.05), SNN_OK);
    }
    snn_free(ctx);
}
END_TEST

/* Give every on_pre pathway of the network an explicit id list (the
 * identity), so that its spikes go through the list form of delivery. */
static void force_id_lists(Net *net)
{
    for (int k = 0; k < net->ngroups; k++) {
        RtGroup *s = net->groups[k];
        if (s->kind != RG_SYNAPSES || s->pre_syn) continue;
        s->pre_syn = malloc(sizeof *s->pre_syn * (size_t)(s->n > 0 ? s->n : 1));
        ck_assert_ptr_nonnull(s->pre_syn);
        for (int64_t q = 0; q < s->n; q++) s->pre_syn[q] = (int32_t)q;
    }
}

static const char *const models[] = {
    "../examples/cuba.snn",            /* two on_pre pathways, zero delay */
    "../examples/stdp_song.snn",       /* on_pre and on_post */
    "networks/delay_hetero.snn",       /* heterogeneous delays */
    "networks/delay_homog.snn",        /* homogeneous delay */
};
#define NMODELS ((int)(sizeof models / sizeof *models))

/* Model _i on both tiers: delivery from CSR ranges equals delivery from id
 * lists, byte for byte. */
START_TEST(ranges_deliver_as_lists)
{
    bool no_native = getenv("SNN_TEST_NO_NATIVE") != NULL;   /* valgrind: see test-networks.c */
    for (int tier = 0; tier < (no_native ? 1 : 2); tier++) {
        int native = tier ? SNN_NATIVE_WAIT : SNN_NATIVE_OFF;
        Bytes want = { 0 }, got = { 0 };
        for (int lists = 0; lists < 2; lists++) {
            snn_ctx *ctx = built(models[_i], native);
            if (lists) force_id_lists(ctx->net);
            double secs = strstr(models[_i], "stdp") ? 1.0 : strstr(models[_i], "cuba") ? 0.1 : 0;
            int rc = secs > 0 ? snn_run(ctx, secs) : snn_run_script(ctx);
            ck_assert_msg(rc == SNN_OK, "%s: %s", models[_i], snn_errmsg(ctx));
            collect(lists ? &got : &want, ctx->net);
            snn_free(ctx);
        }
        ck_assert_msg(want.n > 0, "%s recorded nothing", models[_i]);
        ck_assert_uint_eq(got.n, want.n);
        ck_assert_msg(!memcmp(got.v, want.v, want.n), "%s (%s): ranges and lists differ", models[_i],
                      tier ? "native" : "libtcc");
        free(want.v);
        free(got.v);
    }
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("synstore");
    TCase *tc = tcase_create("storage");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, static_synapses_take_8_bytes);
    tcase_add_loop_test(tc, ranges_deliver_as_lists, 0, NMODELS);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
