/* SPDX-License-Identifier: MIT */
/* This file contains the threads test: every model below runs on 1, 2, 3
 * and 4 threads, with libtcc's code and with the optimising tier's, and
 * every recorded spike, every recorded value and every variable's final
 * value must be bit-identical to one thread's with libtcc's code.  The
 * runs with "all" split every loop however small (Net.par_min 1), so the
 * small models split too; the others use the default part size.  The
 * same for synapses in delivery order (runtime/net_order.c) against the
 * same models with every synapse in its own order, and the API and C
 * callbacks seeing synapses in their own order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "pool.h"
#include "test-common.h"

typedef struct Case {
    const char *model;      /* under tests/ */
    double      seconds;    /* simulated; 0: the model's own run statements */
} Case;

static const Case cases[] = {
    { "../examples/cuba.snn", 0.1 },         /* recurrent, zero delay */
    { "../examples/cobahh.snn", 0.05 },       /* Hodgkin-Huxley, recurrent */
    { "../examples/stdp_song.snn", 1.0 },    /* Poisson input, STDP on_pre and on_post */
    { "networks/delay_hetero.snn", 0 },      /* heterogeneous delays */
    { "networks/delay_hetero_runs.snn", 0 }, /* lane rings over runs, store, restore */
    { "networks/delay_homog.snn", 0 },       /* homogeneous delay */
    { "networks/gap_summed.snn", 0 },        /* summed variables (one thread) */
    { "networks/on_post_stdp.snn", 0 },      /* on_post (one thread) */
    { "networks/delay_order.snn", 0 },       /* delivery order, several pathways and groups */
    { "networks/delay_homog_unsorted.snn", 0 }, /* targets out of order: lanes, not ranges */
};
#define NCASES ((int)(sizeof cases / sizeof *cases))

/* Everything a run leaves: the records of every monitor and the final
 * values of every variable, as bytes, with a label per piece for messages. */
typedef struct Result {
    unsigned char *bytes;
    size_t         n, cap;
    char         (*label)[96];  /* label of each piece */
    size_t        *start;       /* where each piece starts */
    int            npieces;
} Result;

static void add_piece(Result *r, const char *label, const void *p, size_t size)
{
    if (r->n + size > r->cap) {
        r->cap = (r->n + size) * 2 + 64;
        r->bytes = realloc(r->bytes, r->cap);
        ck_assert_ptr_nonnull(r->bytes);
    }
    r->label = realloc(r->label, sizeof *r->label * (size_t)(r->npieces + 1));
    r->start = realloc(r->start, sizeof *r->start * (size_t)(r->npieces + 2));
    ck_assert(r->label && r->start);
    snprintf(r->label[r->npieces], sizeof *r->label, "%s", label);
    r->start[r->npieces++] = r->n;
    if (size) memcpy(r->bytes + r->n, p, size);
    r->n += size;
    r->start[r->npieces] = r->n;
}

static void collect(Result *r, const Net *net)
{
    char label[96];
    for (int k = 0; k < net->nmonitors; k++) {
        const RtMonitor *m = net->monitors[k];
        snprintf(label, sizeof label, "monitor %s: neurons", m->name);
        add_piece(r, label, m->idx.v, m->idx.n * sizeof *m->idx.v);
        snprintf(label, sizeof label, "monitor %s: spike steps", m->name);
        add_piece(r, label, m->steps.v, m->steps.n * sizeof *m->steps.v);
        snprintf(label, sizeof label, "monitor %s: recorded steps", m->name);
        add_piece(r, label, m->rec_steps.v, m->rec_steps.n * sizeof *m->rec_steps.v);
        snprintf(label, sizeof label, "monitor %s: values", m->name);
        add_piece(r, label, m->data.v, m->data.n * sizeof *m->data.v);
    }
    for (int k = 0; k < net->ngroups; k++) {
        const RtGroup *g = net->groups[k];
        for (int v = 0; v < g->nvars; v++) {
            snprintf(label, sizeof label, "%s.%s", g->name, g->varnames[v]);
            add_piece(r, label, g->arr[v], (size_t)(g->n > 0 ? g->n : 0) * sizeof(double));
        }
    }
}

static void result_free(Result *r)
{
    free(r->bytes);
    free(r->label);
    free(r->start);
    memset(r, 0, sizeof *r);
}

/* Run case c on nthreads threads with the tier native (SNN_NATIVE_OFF or
 * SNN_NATIVE_WAIT), every loop split if all. */
static void run_case(const Case *c, int native, int nthreads, bool all, Result *out)
{
    snn_ctx *ctx = snn_new();
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(snn_set_native(ctx, native), SNN_OK);
    ck_assert_int_eq(snn_set_threads(ctx, nthreads), SNN_OK);
    ck_assert_msg(snn_load_file(ctx, test_path(c->model)) == SNN_OK, "%s: %s", c->model, snn_errmsg(ctx));
    ck_assert_msg(snn_build(ctx) == SNN_OK, "%s: %s", c->model, snn_errmsg(ctx));
    if (native == SNN_NATIVE_WAIT) {
        const char *why;
        ck_assert_msg(snn_native_status(ctx, &why) == SNN_NATIVE_INSTALLED, "%s: the optimised code is not "
                      "installed: %s", c->model, why);
    }
    ck_assert_int_eq(ctx->net->nthreads, nthreads);
    if (all) ctx->net->par_min = 1;
    int rc = c->seconds > 0 ? snn_run(ctx, c->seconds) : snn_run_script(ctx);
    ck_assert_msg(rc == SNN_OK, "%s: %s", c->model, snn_errmsg(ctx));
    /* what a run leaves, with every synapse in its own order */
    ck_assert(net_order_undo(ctx->net));
    collect(out, ctx->net);
    snn_free(ctx);
}

/* The synapse objects of ctx's network in delivery order now. */
static int ordered_groups(const snn_ctx *ctx)
{
    int n = 0;
    for (int k = 0; k < ctx->net->ngroups; k++) n += ctx->net->groups[k]->order != NULL;
    return n;
}

/* got must equal want piece by piece, byte by byte. */
static void check_same(const char *what, const Result *want, const Result *got)
{
    ck_assert_msg(got->npieces == want->npieces, "%s: %d pieces, one thread %d", what, got->npieces, want->npieces);
    for (int k = 0; k < want->npieces; k++) {
        size_t a = want->start[k], na = want->start[k + 1] - a, b = got->start[k], nb = got->start[k + 1] - b;
        ck_assert_msg(na == nb, "%s: %s has %zu bytes, one thread %zu", what, want->label[k], nb, na);
        for (size_t q = 0; q < na; q++)
            ck_assert_msg(want->bytes[a + q] == got->bytes[b + q], "%s: %s differs from one thread's at byte %zu of %zu",
                          what, want->label[k], q, na);
    }
}

/* Case _i: one thread with libtcc against 1-4 threads in both tiers. */
START_TEST(same_results_for_any_thread_count)
{
    const Case *c = &cases[_i];
    Result ref = { 0 };
    run_case(c, SNN_NATIVE_OFF, 1, false, &ref);
    ck_assert_msg(ref.n > 0, "%s recorded nothing", c->model);
    bool no_native = getenv("SNN_TEST_NO_NATIVE") != NULL;   /* valgrind: see test-networks.c */
    for (int tier = 0; tier < 2; tier++) {
        if (tier && no_native) {
            printf("# skipped: %s with the optimised code (SNN_TEST_NO_NATIVE is set)\n", c->model);
            continue;
        }
        for (int t = 1; t <= 4; t++)
            for (int all = 0; all < 2; all++) {
                if (t == 1 && (all || !tier)) continue;
                /* under valgrind (which runs threads one at a time, slowly)
                 * only 2 and 4 threads with every loop split */
                if (no_native && (t % 2 || !all)) continue;
                Result got = { 0 };
                run_case(c, tier ? SNN_NATIVE_WAIT : SNN_NATIVE_OFF, t, all, &got);
                char what[256];
                snprintf(what, sizeof what, "%s, %s, %d thread(s)%s", c->model, tier ? "native" : "libtcc", t,
                         all ? ", every loop split" : "");
                check_same(what, &ref, &got);
                result_free(&got);
            }
    }
    result_free(&ref);
}
END_TEST

/* Models with heterogeneous delays give the same results with their
 * synapses in delivery order (the default, on 1-3 threads and both
 * tiers) as with every synapse in its own order (SNN_NO_DELIVERY_ORDER). */
static const Case ordered_cases[] = {
    { "networks/delay_order.snn", 0 },
    { "networks/delay_hetero_runs.snn", 0 },
    { "networks/delay_hetero.snn", 0 },
};

/* c on 1-3 threads (every split taken) and both tiers must give ref;
 * how says what differs from ref's run. */
static void check_tiers_and_threads(const Case *c, const char *how, const Result *ref)
{
    bool no_native = getenv("SNN_TEST_NO_NATIVE") != NULL;
    for (int tier = 0; tier < 2 - no_native; tier++)
        for (int t = 1; t <= 3; t++) {
            Result got = { 0 };
            run_case(c, tier ? SNN_NATIVE_WAIT : SNN_NATIVE_OFF, t, t > 1, &got);
            char what[256];
            snprintf(what, sizeof what, "%s %s, %s, %d thread(s)", c->model, how, tier ? "native" : "libtcc", t);
            check_same(what, ref, &got);
            result_free(&got);
        }
}

START_TEST(delivery_order_gives_the_own_order_results)
{
    const Case *c = &ordered_cases[_i];
    Result ref = { 0 };
    setenv("SNN_NO_DELIVERY_ORDER", "1", 1);
    run_case(c, SNN_NATIVE_OFF, 1, false, &ref);
    unsetenv("SNN_NO_DELIVERY_ORDER");
    /* the delivery order is made as the network is built */
    snn_ctx *ctx = snn_new();
    ck_assert_int_eq(snn_set_native(ctx, SNN_NATIVE_OFF), SNN_OK);
    ck_assert_msg(snn_load_file(ctx, test_path(c->model)) == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_int_eq(snn_build(ctx), SNN_OK);
    ck_assert_msg(ordered_groups(ctx) > 0, "%s: no synapses in delivery order", c->model);
    snn_free(ctx);
    check_tiers_and_threads(c, "in delivery order", &ref);
    result_free(&ref);
}
END_TEST

/* The update and threshold in one pass (update_thresh) give what the two
 * passes give, on 1-3 threads and both tiers: random numbers in the
 * update and the threshold, refractory conditions, state monitors. */
static const Case fused_cases[] = {
    { "networks/noisy_threshold.snn", 0 },
    { "../examples/cuba.snn", 0.03 },      /* (the thread-count cases run them longer) */
    { "../examples/cobahh.snn", 0.02 },
};

/* How many groups of model, built, have an update_thresh. */
static int fused_groups(const char *model)
{
    snn_ctx *ctx = snn_new();
    ck_assert_int_eq(snn_set_native(ctx, SNN_NATIVE_OFF), SNN_OK);
    ck_assert_msg(snn_load_file(ctx, test_path(model)) == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_int_eq(snn_build(ctx), SNN_OK);
    int n = 0;
    for (int k = 0; k < ctx->net->ngroups; k++) n += ctx->net->groups[k]->update_thresh != NULL;
    snn_free(ctx);
    return n;
}

START_TEST(fused_update_thresh_gives_the_two_passes_results)
{
    const Case *c = &fused_cases[_i];
    Result ref = { 0 };
    setenv("SNN_NO_FUSED_UPDATE", "1", 1);
    run_case(c, SNN_NATIVE_OFF, 1, false, &ref);
    ck_assert_int_eq(fused_groups(c->model), 0);
    unsetenv("SNN_NO_FUSED_UPDATE");
    ck_assert_msg(fused_groups(c->model) > 0, "%s: no update_thresh", c->model);
    check_tiers_and_threads(c, "in one pass", &ref);
    result_free(&ref);
}
END_TEST

static int count_calls(snn_ctx *ctx, void *ud)
{
    (void)ctx, (void)ud;
    return 0;
}

/* snn_var and snn_synapses give arrays in the synapses' own order, and
 * those stay so (a program may read them after later runs); a C callback
 * keeps every synapse in its own order; summed variables are not put in
 * delivery order. */
START_TEST(api_callbacks_and_summed_see_the_own_order)
{
    const Case c = { "networks/delay_order.snn", 0.02 };
    Result ref = { 0 };
    setenv("SNN_NO_DELIVERY_ORDER", "1", 1);
    run_case(&c, SNN_NATIVE_OFF, 1, false, &ref);
    unsetenv("SNN_NO_DELIVERY_ORDER");
    snn_ctx *ctx = snn_new();
    ck_assert_int_eq(snn_set_native(ctx, SNN_NATIVE_OFF), SNN_OK);
    ck_assert_msg(snn_load_file(ctx, test_path(c.model)) == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_int_eq(snn_build(ctx), SNN_OK);
    int before = ordered_groups(ctx);
    ck_assert_int_eq(before, 4);
    ck_assert_int_eq(snn_run(ctx, 0.01), SNN_OK);
    size_t n;
    const double *w = snn_var(ctx, "EI", "w", &n);
    const int32_t *pre, *post;
    ck_assert_int_eq(snn_synapses(ctx, "EE", &pre, &post, &n), SNN_OK);
    ck_assert_int_eq(ordered_groups(ctx), 2);     /* those two only */
    ck_assert_int_eq(snn_synapses(ctx, "IE", NULL, NULL, &n), SNN_OK);
    ck_assert_int_eq(ordered_groups(ctx), 2);     /* a count needs no order */
    ck_assert_int_eq(snn_run(ctx, 0.01), SNN_OK);
    /* EE and EI were given out: the other two are in delivery order again */
    ck_assert_int_eq(ordered_groups(ctx), 2);
    RtGroup *ei = net_find_group(ctx->net, "EI"), *ee = net_find_group(ctx->net, "EE");
    ck_assert(ei->order == NULL && ee->order == NULL);
    ck_assert(w == ei->arr[net_var_index(ei, "w")] && pre == ee->pre.v && post == ee->post.v);
    Result got = { 0 };
    ck_assert(net_order_undo(ctx->net));
    collect(&got, ctx->net);
    check_same("delay_order.snn, arrays given out between runs", &ref, &got);
    result_free(&got);
    snn_free(ctx);
    /* the queued runs carry their splits by thread: a new thread count
     * between runs keeps the results */
    ctx = snn_new();
    ck_assert_int_eq(snn_set_native(ctx, SNN_NATIVE_OFF), SNN_OK);
    ck_assert_int_eq(snn_set_threads(ctx, 2), SNN_OK);
    ck_assert_msg(snn_load_file(ctx, test_path(c.model)) == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_int_eq(snn_build(ctx), SNN_OK);
    ctx->net->par_min = 1;
    ck_assert_int_eq(snn_run(ctx, 0.01), SNN_OK);
    ck_assert_int_eq(snn_set_threads(ctx, 3), SNN_OK);
    ck_assert_int_eq(snn_run(ctx, 0.005), SNN_OK);
    ck_assert_int_eq(ordered_groups(ctx), 4);
    ck_assert_int_eq(snn_set_threads(ctx, 1), SNN_OK);
    ck_assert_int_eq(snn_run(ctx, 0.005), SNN_OK);
    ck_assert(net_order_undo(ctx->net));
    collect(&got, ctx->net);
    check_same("delay_order.snn, 2, 3, then 1 thread", &ref, &got);
    result_free(&got);
    result_free(&ref);
    snn_free(ctx);
    /* a callback may read any synapse by number during a run */
    ctx = snn_new();
    ck_assert_int_eq(snn_set_native(ctx, SNN_NATIVE_OFF), SNN_OK);
    ck_assert_msg(snn_load_file(ctx, test_path(c.model)) == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_int_eq(snn_build(ctx), SNN_OK);
    ck_assert_int_eq(ordered_groups(ctx), 4);
    ck_assert_int_eq(snn_add_callback(ctx, SNN_SLOT_END, 100, count_calls, NULL), SNN_OK);
    ck_assert_int_eq(ordered_groups(ctx), 0);
    ck_assert_int_eq(snn_run(ctx, 0.01), SNN_OK);
    ck_assert_int_eq(ordered_groups(ctx), 0);
    snn_free(ctx);
    /* summed variables add in the synapses' own order */
    ctx = snn_new();
    ck_assert_msg(snn_load_file(ctx, test_path("networks/delay_summed.snn")) == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_int_eq(snn_build(ctx), SNN_OK);
    ck_assert_int_eq(ordered_groups(ctx), 0);
    snn_free(ctx);
}
END_TEST

/* A bad thread count is refused, and changing the count between two runs
 * keeps the results the same too. */
START_TEST(thread_count_checked_and_changeable)
{
    snn_ctx *ctx = snn_new();
    ck_assert_int_eq(snn_set_threads(ctx, 0), SNN_EMISUSE);
    ck_assert_msg(strstr(snn_errmsg(ctx), "1 to 64"), "%s", snn_errmsg(ctx));
    ck_assert_int_eq(snn_set_threads(ctx, 65), SNN_EMISUSE);
    ck_assert_msg(snn_load_file(ctx, test_path("../examples/cuba.snn")) == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_int_eq(snn_set_native(ctx, SNN_NATIVE_OFF), SNN_OK);
    ck_assert_int_eq(snn_build(ctx), SNN_OK);
    ctx->net->par_min = 1;
    for (int k = 0; k < 4; k++) {
        ck_assert_int_eq(snn_set_threads(ctx, 1 + (k * 3) % 4), SNN_OK);
        ck_assert_int_eq(ctx->net->nthreads, 1 + (k * 3) % 4);
        ck_assert_int_eq(snn_run(ctx, 0.05), SNN_OK);
    }
    Result got = { 0 }, want = { 0 };
    collect(&got, ctx->net);
    snn_free(ctx);
    const Case whole = { "../examples/cuba.snn", 0.2 };
    run_case(&whole, SNN_NATIVE_OFF, 1, false, &want);
    check_same("cuba, threads changed between runs", &want, &got);
    result_free(&got);
    result_free(&want);
}
END_TEST

/* A context with model (under tests/) built for libtcc's code on threads. */
static snn_ctx *built_on_threads(const char *model, int threads)
{
    snn_ctx *ctx = snn_new();
    ck_assert_int_eq(snn_set_native(ctx, SNN_NATIVE_OFF), SNN_OK);
    ck_assert_int_eq(snn_set_threads(ctx, threads), SNN_OK);
    ck_assert_msg(snn_load_file(ctx, test_path(model)) == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_int_eq(snn_build(ctx), SNN_OK);
    return ctx;
}

/* The pool shares at most two jobs a step with its workers on CUBA at two
 * threads and the default part size: the update and threshold run as one
 * split (par_update_thresh) and spike delivery is the other; the rest is
 * too small to split.  More would mean a phase went back to a job of its
 * own; none would mean nothing runs on the workers. */
START_TEST(few_dispatches_per_step)
{
    snn_ctx *ctx = built_on_threads("../examples/cuba.snn", 2);
    int64_t step0 = ctx->net->step;
    uint64_t d0 = pool_dispatches(ctx->net->pool);
    ck_assert_int_eq(snn_run(ctx, 0.1), SNN_OK);
    double steps = (double)(ctx->net->step - step0), per = (double)(pool_dispatches(ctx->net->pool) - d0) / steps;
    printf("# cuba.snn, 2 threads: %.3f dispatches per step over %.0f steps\n", per, steps);
    ck_assert_msg(per >= 1.0 && per <= 2.0, "%.3f dispatches per step, want 1 to 2", per);
    snn_free(ctx);
}
END_TEST

/* On threads, an on_pre whose synapses reach ascending targets from each
 * source (connect() with p: CUBA) is split by ranges of its own ids, with
 * the places of each thread's targets found once for the thread count;
 * one whose targets come out of order is split through lists of ids
 * (lanes).  Both give one thread's results (same_results_for_any_thread_count). */
START_TEST(delivery_by_ranges_where_targets_ascend)
{
    snn_ctx *ctx = built_on_threads("../examples/cuba.snn", 2);
    ck_assert_int_eq(snn_run(ctx, 0.02), SNN_OK);
    RtGroup *ce = net_find_group(ctx->net, "Ce");
    ck_assert_ptr_nonnull(ce);
    ck_assert_int_eq(ce->pre_ranges, 1);
    ck_assert_int_eq(ce->pre_split_parts, 2);
    ck_assert_ptr_null(ce->lanes);
    ck_assert_int_eq(snn_set_threads(ctx, 3), SNN_OK);
    ck_assert_int_eq(snn_run(ctx, 0.02), SNN_OK);
    ck_assert_int_eq(ce->pre_split_parts, 3);
    snn_free(ctx);
    ctx = built_on_threads("networks/delay_homog_unsorted.snn", 2);
    ctx->net->par_min = 1;
    ck_assert_int_eq(snn_run(ctx, 0.02), SNN_OK);
    RtGroup *s = net_find_group(ctx->net, "S");
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(s->pre_ranges, -1);
    ck_assert_ptr_nonnull(s->lanes);
    snn_free(ctx);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("threads");
    TCase *tc = tcase_create("identical");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, same_results_for_any_thread_count, 0, NCASES);
    tcase_add_test(tc, thread_count_checked_and_changeable);
    tcase_add_test(tc, few_dispatches_per_step);
    tcase_add_test(tc, delivery_by_ranges_where_targets_ascend);
    tcase_add_loop_test(tc, delivery_order_gives_the_own_order_results, 0,
                        (int)(sizeof ordered_cases / sizeof *ordered_cases));
    tcase_add_test(tc, api_callbacks_and_summed_see_the_own_order);
    tcase_add_loop_test(tc, fused_update_thresh_gives_the_two_passes_results, 0,
                        (int)(sizeof fused_cases / sizeof *fused_cases));
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
