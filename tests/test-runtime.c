/* SPDX-License-Identifier: MIT */
/* This file contains the unit tests of the runtime without the compiler:
 * net.c driven by block functions written here in C (schedule order, CSR
 * indices of synapses, delayed delivery through the ring buffer, state and
 * spike monitors, user operations, heterogeneous delays, out of memory in
 * the run loop reported and leaving whole records), output.c (CSV format
 * and atomic writes), rng.c (determinism and distribution of the
 * counter-based random numbers, Brian2's timestep rounding), and hash.h
 * (FNV-1a). */
#include <Random123/philox.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abi.h"
#include "hash.h"
#include "net.h"
#include "output.h"
#include "test-common.h"

/* ------------------------------------------------------------------------ */
/* Hand-written blocks                                                      */
/* ------------------------------------------------------------------------ */

/* update: v += 1 per step (var 0) */
static snn_i32 blk_count(const snn_args *a)
{
    for (snn_i32 i = 0; i < a->n; i++) a->v[0][i] += 1;
    return 0;
}

/* threshold: v >= limit (var 1), in index order */
static snn_i32 blk_thresh(const snn_args *a)
{
    snn_i32 n = 0;
    for (snn_i32 i = 0; i < a->n; i++)
        if (a->v[0][i] >= a->v[1][i]) a->out[n++] = i;
    return n;
}

/* threshold: the neurons whose var 0 equals the step number (a schedule) */
static snn_i32 blk_thresh_sched(const snn_args *a)
{
    snn_i32 n = 0;
    for (snn_i32 i = 0; i < a->n; i++)
        if (a->v[0][i] == (double)a->step) a->out[n++] = i;
    return n;
}

static snn_i32 blk_reset(const snn_args *a)
{
    for (snn_i32 k = 0; k < a->nidx; k++) a->v[0][a->idx[k]] = 0;
    return 0;
}

static snn_i32 blk_init(const snn_args *a)
{
    for (snn_i32 i = 0; i < a->n; i++) a->v[1][i] = 3 + i;
    return 0;
}

/* pathway log: (step, synapse, pre, post) of every delivery */
static struct { int64_t step; int32_t syn, pre, post; } log_v[1024];
static int log_n;

/* A pathway's synapses, as generated code reads them (abi.h): the list
 * idx, or (idx NULL) the ids lo .. hi-1, or runs of positions in either;
 * into ids[0..), at most cap; returns how many. */
static snn_i32 path_ids(const snn_args *a, snn_i32 *ids, snn_i32 cap)
{
    snn_i32 n = 0, nruns = a->runs ? a->nruns : 1;
    for (snn_i32 r = 0; r < nruns; r++) {
        snn_i32 lo = a->runs ? a->runs[r * a->run_stride] : a->idx ? 0 : a->lo;
        snn_i32 hi = a->runs ? a->runs[r * a->run_stride + 1] : a->idx ? a->nidx : a->hi;
        for (snn_i32 k = lo; k < hi && n < cap; k++) ids[n++] = a->idx ? a->idx[k] : k;
    }
    return n;
}

static snn_i32 blk_on_pre(const snn_args *a)
{
    snn_i32 ids[1024], n = path_ids(a, ids, 1024);
    for (snn_i32 k = 0; k < n && log_n < 1024; k++) {
        snn_i32 s = ids[k];
        log_v[log_n].step = a->step;
        log_v[log_n].syn = s;
        log_v[log_n].pre = a->syn_pre[s];
        log_v[log_n].post = a->syn_post[s];
        log_n++;
        a->post[0][a->syn_post[s]] += a->v[0][s];     /* v_post += w */
    }
    return 0;
}

static snn_i32 blk_on_post(const snn_args *a)
{
    snn_i32 ids[1024], n = path_ids(a, ids, 1024);
    for (snn_i32 k = 0; k < n; k++) a->v[0][ids[k]] += 100;   /* w += 100 */
    return 0;
}

static char *names1[] = { "v" };
static char *names2[] = { "v", "limit" };
static char *wname[] = { "w" };

static void setup(void) { log_n = 0; }

/* A group whose neurons count up and spike at their limit (3, 4, 5, ...). */
static RtGroup *counting_group(Net *net, const char *name, int n)
{
    RtGroup *g = net_add_group(net, name, RG_NEURONS, n, 2, names2, NULL);
    ck_assert_ptr_nonnull(g);
    g->update = blk_count;
    g->thresh = blk_thresh;
    g->reset = blk_reset;
    g->init = blk_init;
    return g;
}

START_TEST(groups_and_monitors)
{
    Net *net = net_new(1e-3, 0);
    RtGroup *g = counting_group(net, "G", 3);
    ck_assert_ptr_eq(net_find_group(net, "G"), g);
    ck_assert_ptr_null(net_find_group(net, "H"));
    ck_assert_int_eq(g->n, 3);
    ck_assert_int_eq(g->nvars, 2);
    ck_assert_str_eq(g->varnames[1], "limit");
    RtMonitor *sm = net_add_monitor(net, "SM", RM_SPIKE, g);
    RtMonitor *st = net_add_monitor(net, "M", RM_STATE, g);
    ck_assert_ptr_eq(net_find_monitor(net, "M"), st);
    ck_assert_ptr_null(net_find_monitor(net, "X"));
    st->nvars = 1;
    st->vars = calloc(1, sizeof *st->vars);
    st->varnames = calloc(1, sizeof *st->varnames);
    st->varnames[0] = strdup("v");
    st->nrec = 2;
    st->rec = calloc(2, sizeof *st->rec);
    st->rec[0] = 0;
    st->rec[1] = 2;
    ck_assert_int_eq(net_init(net), 0);
    ck_assert_double_eq(g->arr[1][2], 5);           /* init ran */
    ck_assert_int_eq(net_run(net, 12), 0);
    ck_assert_int_eq(net->step, 12);
    /* neuron 0 spikes at steps 2, 5, 8, 11 (v reaches 3 after the update of
     * step 2, then reset); neuron 1 at 3, 7, 11; neuron 2 at 4, 9 */
    int32_t want_i[] = { 0, 1, 2, 0, 1, 0, 2, 0, 1 };
    int64_t want_s[] = { 2, 3, 4, 5, 7, 8, 9, 11, 11 };
    ck_assert_uint_eq(sm->idx.n, 9);
    ck_assert_uint_eq(sm->steps.n, 9);
    for (int k = 0; k < 9; k++) {
        ck_assert_int_eq(sm->idx.v[k], want_i[k]);
        ck_assert_int_eq(sm->steps.v[k], want_s[k]);
    }
    /* the state monitor records at the start of each step, before the update */
    ck_assert_uint_eq(st->rec_steps.n, 12);
    ck_assert_uint_eq(st->data.n, 24);
    ck_assert_int_eq(st->rec_steps.v[0], 0);
    ck_assert_double_eq(st->data.v[0], 0);           /* step 0, neuron 0: initial value */
    ck_assert_double_eq(st->data.v[1], 0);           /* step 0, neuron 2 */
    ck_assert_double_eq(st->data.v[2 * 2 + 0], 2);   /* step 2, neuron 0: two updates */
    ck_assert_double_eq(st->data.v[3 * 2 + 0], 0);   /* step 3: reset after the spike at 2 */
    ck_assert_double_eq(st->data.v[4 * 2 + 1], 4);   /* step 4, neuron 2 */
    ck_assert_double_eq(st->data.v[5 * 2 + 1], 0);
    /* a second run continues in time */
    ck_assert_int_eq(net_run(net, 3), 0);
    ck_assert_int_eq(net->step, 15);
    ck_assert_uint_eq(st->rec_steps.n, 15);
    ck_assert_int_eq(st->rec_steps.v[14], 14);
    net_free(net);
    net_free(NULL);
}
END_TEST

/* A spike monitor that keeps indices adds its counts up when they are
 * read (net_spike_counts), as many times as they are read, and one that
 * keeps counts only (record=False) counts as spikes come; undoing a
 * step's recording (spike injection) takes it off both, whether it was
 * added up yet or not. */
START_TEST(spike_counts_follow_the_indices)
{
    Net *net = net_new(1e-3, 0);
    RtGroup *g = counting_group(net, "G", 3);
    RtMonitor *kept = net_add_monitor(net, "SM", RM_SPIKE, g), *only = net_add_monitor(net, "SC", RM_SPIKE, g);
    kept->count = calloc(3, sizeof *kept->count);
    only->count = calloc(3, sizeof *only->count);
    only->record_none = true;
    ck_assert_int_eq(net_init(net), 0);
    ck_assert_int_eq(net_run(net, 12), 0);
    /* spikes: neuron 0 at steps 2, 5, 8, 11; 1 at 3, 7, 11; 2 at 4, 9 */
    const int64_t want[3] = { 4, 3, 2 }, undone[3] = { 3, 2, 2 };
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < 3; i++) {
            ck_assert_int_eq(net_spike_counts(kept)[i], want[i]);
            ck_assert_int_eq(net_spike_counts(only)[i], want[i]);
        }
    ck_assert_uint_eq(only->idx.n, 0);
    int32_t last[2] = { 0, 1 };
    net_unrecord_spikes(kept, last, 2, 11);
    net_unrecord_spikes(only, last, 2, 11);
    ck_assert_uint_eq(kept->idx.n, 7);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(net_spike_counts(kept)[i], undone[i]);
        ck_assert_int_eq(net_spike_counts(only)[i], undone[i]);
    }
    /* recorded again, and undone before being added up */
    ck_assert(net_record_spikes(kept, last, 2, 11));
    net_unrecord_spikes(kept, last, 2, 11);
    for (int i = 0; i < 3; i++) ck_assert_int_eq(net_spike_counts(kept)[i], undone[i]);
    net_free(net);
}
END_TEST

START_TEST(init_values)
{
    Net *net = net_new(1e-4, 0);
    const double init[2] = { -1e4, 1.0 };
    RtGroup *g = net_add_group(net, "G", RG_NEURONS, 4, 2, names2, init);
    for (int q = 0; q < 4; q++) {
        ck_assert_double_eq(g->arr[0][q], -1e4);
        ck_assert_double_eq(g->arr[1][q], 1.0);
    }
    /* a group of size 0 is allowed and never updated */
    RtGroup *e = net_add_group(net, "E", RG_NEURONS, 0, 1, names1, NULL);
    ck_assert_ptr_nonnull(e);
    e->update = blk_count;
    ck_assert_int_eq(net_run(net, 2), 0);
    net_free(net);
}
END_TEST

/* Synapses 0..3 from a 3-neuron source to a 2-neuron target. */
static RtGroup *make_synapses(Net *net, RtGroup *src, RtGroup *tgt, const int *pre, const int *post, int n, int delay)
{
    RtGroup *s = net_add_group(net, "S", RG_SYNAPSES, 0, 1, wname, NULL);
    ck_assert_ptr_nonnull(s);
    s->src = src;
    s->tgt = tgt;
    s->delay_steps = delay;
    for (int k = 0; k < n; k++) {
        ck_assert(i32vec_push(&s->pre, pre[k]));
        ck_assert(i32vec_push(&s->post, post[k]));
    }
    ck_assert(net_finish_synapses(s));
    return s;
}

START_TEST(csr_indices)
{
    Net *net = net_new(1e-4, 0);
    RtGroup *a = net_add_group(net, "A", RG_NEURONS, 3, 1, names1, NULL);
    RtGroup *b = net_add_group(net, "B", RG_NEURONS, 2, 1, names1, NULL);
    const int pre[] = { 2, 0, 2, 1 }, post[] = { 0, 1, 1, 0 };
    RtGroup *s = make_synapses(net, a, b, pre, post, 4, 0);
    ck_assert_int_eq(s->n, 4);
    /* by source: neuron 0 -> {1}, 1 -> {3}, 2 -> {0, 2} */
    const int32_t ps[] = { 0, 1, 2, 4 }, py[] = { 1, 3, 0, 2 };
    for (int k = 0; k < 4; k++) ck_assert_int_eq(s->pre_start[k], ps[k]);
    for (int k = 0; k < 4; k++) ck_assert_int_eq(s->pre_syn[k], py[k]);
    /* by target: neuron 0 -> {0, 3}, 1 -> {1, 2} */
    const int32_t qs[] = { 0, 2, 4 }, qy[] = { 0, 3, 1, 2 };
    ck_assert_ptr_null(s->post_start);   /* made when first needed */
    ck_assert(net_post_index(s));
    for (int k = 0; k < 3; k++) ck_assert_int_eq(s->post_start[k], qs[k]);
    for (int k = 0; k < 4; k++) ck_assert_int_eq(s->post_syn[k], qy[k]);
    /* the synapse arrays exist, with default values */
    ck_assert_double_eq(s->arr[0][3], 0);
    net_free(net);
}
END_TEST

START_TEST(csr_empty)
{
    Net *net = net_new(1e-4, 0);
    RtGroup *a = net_add_group(net, "A", RG_NEURONS, 3, 1, names1, NULL);
    RtGroup *s = make_synapses(net, a, a, NULL, NULL, 0, 0);
    ck_assert_int_eq(s->n, 0);
    for (int k = 0; k < 4; k++) ck_assert_int_eq(s->pre_start[k], 0);
    s->on_pre = blk_on_pre;
    a->thresh = blk_thresh_sched;       /* v == step: neuron 0 at step 0 */
    ck_assert_int_eq(net_run(net, 3), 0);
    ck_assert_int_eq(log_n, 0);
    net_free(net);
}
END_TEST

/* A source A of 3 neurons whose neuron 0 spikes at step 1 and neurons 1 and
 * 2 at step 4, and a silent target B of 2 neurons (in *target). */
static RtGroup *scheduled_source(Net *net, RtGroup **target)
{
    RtGroup *a = net_add_group(net, "A", RG_NEURONS, 3, 1, names1, NULL);
    *target = net_add_group(net, "B", RG_NEURONS, 2, 1, names1, NULL);
    ck_assert(a && *target);
    a->thresh = blk_thresh_sched;
    a->arr[0][0] = 1;
    a->arr[0][1] = 4;
    a->arr[0][2] = 4;
    return a;
}

/* Spikes of the source at steps given by its v reach on_pre exactly
 * delay_steps later, expanded to every synapse of the spiking neuron. */
static void check_delay(int delay)
{
    log_n = 0;
    Net *net = net_new(1e-4, 0);
    RtGroup *b, *a = scheduled_source(net, &b);
    const int pre[] = { 2, 0, 2, 1 }, post[] = { 0, 1, 1, 0 };
    RtGroup *s = make_synapses(net, a, b, pre, post, 4, delay);
    s->on_pre = blk_on_pre;
    for (int k = 0; k < 4; k++) s->arr[0][k] = k + 1;       /* w */
    ck_assert_int_eq(net_run(net, 4 + delay), 0);
    /* not yet delivered: the spikes of step 4 need delay more steps */
    ck_assert_int_eq(log_n, 1);
    ck_assert_int_eq(net_run(net, 1), 0);
    ck_assert_int_eq(log_n, 4);
    ck_assert_int_eq(log_v[0].step, 1 + delay);
    ck_assert_int_eq(log_v[0].syn, 1);
    ck_assert_int_eq(log_v[0].pre, 0);
    ck_assert_int_eq(log_v[0].post, 1);
    /* step 4: neuron 1 (synapse 3) then neuron 2 (synapses 0 and 2), in
     * spike order then CSR order */
    for (int k = 1; k < 4; k++) ck_assert_int_eq(log_v[k].step, 4 + delay);
    ck_assert_int_eq(log_v[1].syn, 3);
    ck_assert_int_eq(log_v[2].syn, 0);
    ck_assert_int_eq(log_v[3].syn, 2);
    /* v_post += w: B0 got w3 + w0 = 4 + 1, B1 got w1 + w2 = 2 + 3 */
    ck_assert_double_eq(b->arr[0][0], 5);
    ck_assert_double_eq(b->arr[0][1], 5);
    /* nothing more arrives later */
    ck_assert_int_eq(net_run(net, delay + 3), 0);
    ck_assert_int_eq(log_n, 4);
    net_free(net);
}

START_TEST(delay_delivery)
{
    check_delay(0);
    check_delay(1);
    check_delay(3);
    check_delay(10);
}
END_TEST

/* on_post runs in the step of the target spike, after on_pre. */
START_TEST(on_post_pathway)
{
    Net *net = net_new(1e-4, 0);
    RtGroup *a = net_add_group(net, "A", RG_NEURONS, 3, 1, names1, NULL);
    RtGroup *b = net_add_group(net, "B", RG_NEURONS, 2, 1, names1, NULL);
    b->thresh = blk_thresh_sched;
    b->arr[0][0] = 2;           /* target 0 spikes at step 2 */
    b->arr[0][1] = -1;
    a->arr[0][0] = a->arr[0][1] = a->arr[0][2] = -1;
    const int pre[] = { 2, 0, 2, 1 }, post[] = { 0, 1, 1, 0 };
    RtGroup *s = make_synapses(net, a, b, pre, post, 4, 0);
    s->on_post = blk_on_post;
    ck_assert_int_eq(net_run(net, 5), 0);
    /* synapses onto target 0 are 0 and 3 */
    ck_assert_double_eq(s->arr[0][0], 100);
    ck_assert_double_eq(s->arr[0][1], 0);
    ck_assert_double_eq(s->arr[0][2], 0);
    ck_assert_double_eq(s->arr[0][3], 100);
    net_free(net);
}
END_TEST

/* Synapses stored source by source (as connect() makes them) keep no
 * sorted-id list: a spike reaches the range of its CSR index directly, in
 * the same order; the index by target is made when on_post first needs it,
 * and is a range as well when the synapses are in target order too. */
START_TEST(csr_in_source_order)
{
    log_n = 0;
    Net *net = net_new(1e-4, 0);
    RtGroup *b, *a = scheduled_source(net, &b);
    b->thresh = blk_thresh_sched;
    b->arr[0][0] = 2;           /* target 0: 3 with synapse 0's w at step 1, so it spikes at step 3 */
    b->arr[0][1] = -1;
    const int pre[] = { 0, 1, 2, 2 }, post[] = { 0, 0, 0, 1 };
    RtGroup *s = make_synapses(net, a, b, pre, post, 4, 0);
    ck_assert_ptr_null(s->pre_syn);
    const int32_t ps[] = { 0, 1, 2, 4 };
    for (int k = 0; k < 4; k++) ck_assert_int_eq(s->pre_start[k], ps[k]);
    s->on_pre = blk_on_pre;
    s->on_post = blk_on_post;
    for (int k = 0; k < 4; k++) s->arr[0][k] = k + 1;       /* w */
    ck_assert_int_eq(net_run(net, 2), 0);
    ck_assert_ptr_null(s->post_start);      /* no target spike yet: not made */
    ck_assert_int_eq(net_run(net, 3), 0);
    ck_assert_ptr_nonnull(s->post_start);
    ck_assert_ptr_null(s->post_syn);
    /* step 1: neuron 0's synapse 0; step 4: neuron 1's synapse 1, then
     * neuron 2's synapses 2 and 3 */
    ck_assert_int_eq(log_n, 4);
    const int64_t steps[] = { 1, 4, 4, 4 };
    for (int k = 0; k < 4; k++) {
        ck_assert_int_eq(log_v[k].step, steps[k]);
        ck_assert_int_eq(log_v[k].syn, k);
        ck_assert_int_eq(log_v[k].pre, pre[k]);
        ck_assert_int_eq(log_v[k].post, post[k]);
    }
    /* the target's spike at step 3 reached its synapses 0, 1 and 2 (w +=
     * 100, before the spikes of step 4 carried them) */
    ck_assert_double_eq(s->arr[0][0], 101);
    ck_assert_double_eq(s->arr[0][1], 102);
    ck_assert_double_eq(s->arr[0][2], 103);
    ck_assert_double_eq(s->arr[0][3], 4);
    ck_assert_double_eq(b->arr[0][0], 2 + 1 + 102 + 103);  /* its own v (2) + w0 + w1 + w2 */
    ck_assert_double_eq(b->arr[0][1], -1 + 4);
    net_free(net);
}
END_TEST

static int op_calls[SLOT_COUNT];
static int64_t op_steps[64];
static int nop_steps;

static int op_count(void *ud, Net *net)
{
    int slot = (int)(intptr_t)ud;
    op_calls[slot]++;
    if (slot == SLOT_END && nop_steps < 64) op_steps[nop_steps++] = net->step;
    return 0;
}

static int op_stop(void *ud, Net *net)
{
    (void)ud;
    return net->step == 4;
}

START_TEST(user_operations)
{
    memset(op_calls, 0, sizeof op_calls);
    nop_steps = 0;
    Net *net = net_new(1e-4, 0);
    counting_group(net, "G", 2);
    ck_assert(net_add_op(net, SLOT_END, 3, op_count, (void *)(intptr_t)SLOT_END));
    ck_assert(net_add_op(net, SLOT_START, 1, op_count, (void *)(intptr_t)SLOT_START));
    ck_assert(!net_add_op(net, SLOT_COUNT, 1, op_count, NULL));
    ck_assert(!net_add_op(net, SLOT_END, 0, op_count, NULL));
    ck_assert(!net_add_op(net, SLOT_END, 1, NULL, NULL));
    ck_assert_int_eq(net_run(net, 10), 0);
    ck_assert_int_eq(op_calls[SLOT_START], 10);
    ck_assert_int_eq(op_calls[SLOT_END], 4);        /* steps 0, 3, 6, 9 */
    ck_assert_int_eq(op_steps[1], 3);
    ck_assert_int_eq(op_steps[3], 9);
    /* an operation that returns non-zero ends the run after that step */
    ck_assert(net_add_op(net, SLOT_GROUPS, 1, op_stop, NULL));
    net->step = 0;
    ck_assert_int_eq(net_run(net, 100), 0);
    ck_assert_int_eq(net->step, 5);
    net_free(net);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Heterogeneous delays and out of memory in the run loop                   */
/* ------------------------------------------------------------------------ */

static char *wdname[] = { "w", "delay" };

/* Synapses named name with per-synapse delays given in steps (the 'delay'
 * variable, in seconds, is converted by net_init). */
static RtGroup *delayed_synapses(Net *net, const char *name, RtGroup *src, RtGroup *tgt, const int *pre,
                                 const int *post, const int *delay, int n)
{
    RtGroup *s = net_add_group(net, name, RG_SYNAPSES, 0, 2, wdname, NULL);
    ck_assert_ptr_nonnull(s);
    s->src = src;
    s->tgt = tgt;
    s->delay_var = 1;
    for (int k = 0; k < n; k++) {
        ck_assert(i32vec_push(&s->pre, pre[k]));
        ck_assert(i32vec_push(&s->post, post[k]));
    }
    ck_assert(net_finish_synapses(s));
    for (int k = 0; k < n; k++) s->arr[1][k] = delay[k] * net->dt;
    return s;
}

/* The scheduled source's spikes reach on_pre of synapses name, 0..3 with
 * delays of 0, 2, 1 and 1 steps. */
static Net *hetero_net(const char *name)
{
    Net *net = net_new(1e-4, 0);
    RtGroup *b, *a = scheduled_source(net, &b);
    const int pre[] = { 2, 0, 2, 1 }, post[] = { 0, 1, 1, 0 }, delay[] = { 0, 2, 1, 1 };
    RtGroup *s = delayed_synapses(net, name, a, b, pre, post, delay, 4);
    s->on_pre = blk_on_pre;
    ck_assert_int_eq(net_init(net), 0);
    ck_assert_int_eq(s->delay_steps, 2);
    return net;
}

/* A per-synapse delay that is NaN, infinite, negative or longer than a ring
 * may be is refused by net_init_group (-2), naming the synapse; nothing is
 * left half-made. */
START_TEST(heterogeneous_delays_refused)
{
    const double bad[] = { NAN, INFINITY, -1e-4, 1e9 };
    for (int c = 0; c < 4; c++) {
        Net *net = net_new(1e-4, 0);
        RtGroup *b, *a = scheduled_source(net, &b);
        const int pre[] = { 2, 0 }, post[] = { 0, 1 }, delay[] = { 1, 1 };
        RtGroup *s = delayed_synapses(net, "S", a, b, pre, post, delay, 2);
        s->arr[1][1] = bad[c];
        ck_assert_int_eq(net_init_group(net, a), 0);
        ck_assert_int_eq(net_init_group(net, s), -2);
        ck_assert_msg(strstr(net->fail, "synapse 1 (0 -> 1) has the delay"), "%s", net->fail);
        ck_assert_ptr_null(s->syn_delay);
        net_free(net);
    }
}
END_TEST

/* Each synapse's spike arrives after its own delay; ids due in one step come
 * in spike order, then CSR order. */
START_TEST(heterogeneous_delays)
{
    Net *net = hetero_net("S");
    ck_assert_int_eq(net_run(net, 10), 0);
    /* step 1: neuron 0's synapse 1 (delay 2) arrives at 3; step 4: neuron 1's
     * synapse 3 (delay 1), neuron 2's synapses 0 (delay 0) and 2 (delay 1) */
    const int64_t want_step[] = { 3, 4, 5, 5 };
    const int32_t want_syn[] = { 1, 0, 3, 2 };
    ck_assert_int_eq(log_n, 4);
    for (int k = 0; k < 4; k++) {
        ck_assert_int_eq(log_v[k].step, want_step[k]);
        ck_assert_int_eq(log_v[k].syn, want_syn[k]);
    }
    net_free(net);
}
END_TEST

/* An allocator for the growable arrays that fails once alloc_budget
 * allocations have been made. */
static long alloc_budget;

static void *budget_realloc(void *p, size_t size)
{
    if (alloc_budget <= 0) return NULL;
    alloc_budget--;
    return realloc(p, size);
}

static void oom_setup(void)
{
    log_n = 0;
    net_vec_realloc = realloc;
}

static void oom_teardown(void) { net_vec_realloc = realloc; }

/* From now on the run loop's arrays may grow budget more times. */
static void limit_allocations(long budget)
{
    alloc_budget = budget;
    net_vec_realloc = budget_realloc;
}

/* Every monitor holds whole records: as many steps as spike indices, and
 * nvars*nrec values (rate: one) per recorded step. */
static void check_monitors_whole(const Net *net)
{
    for (int k = 0; k < net->nmonitors; k++) {
        const RtMonitor *m = net->monitors[k];
        if (m->kind == RM_SPIKE)
            ck_assert_msg(m->idx.n == m->steps.n, "%s: %zu indices, %zu steps", m->name, m->idx.n, m->steps.n);
        else
            ck_assert_msg(m->data.n == m->rec_steps.n * (m->kind == RM_RATE ? 1 : (size_t)(m->nvars * m->nrec)),
                          "%s: %zu values for %zu steps", m->name, m->data.n, m->rec_steps.n);
    }
}

/* A state monitor of var 0 of neurons 0 .. nrec-1 of g. */
static RtMonitor *state_monitor(Net *net, const char *name, RtGroup *g, int nrec)
{
    RtMonitor *m = net_add_monitor(net, name, RM_STATE, g);
    ck_assert_ptr_nonnull(m);
    m->nvars = 1;
    m->vars = calloc(1, sizeof *m->vars);
    m->varnames = calloc(1, sizeof *m->varnames);
    m->varnames[0] = strdup("v");
    m->nrec = nrec;
    m->rec = calloc((size_t)nrec, sizeof *m->rec);
    for (int r = 0; r < nrec; r++) m->rec[r] = r;
    return m;
}

START_TEST(oom_spike_monitor)
{
    /* the first spike (step 2) cannot be recorded: neither indices nor steps
     * are, whichever of the two fails */
    for (long budget = 0; budget < 2; budget++) {
        Net *net = net_new(1e-3, 0);
        RtGroup *g = counting_group(net, "G", 3);
        RtMonitor *sm = net_add_monitor(net, "SM", RM_SPIKE, g);
        ck_assert_int_eq(net_init(net), 0);
        limit_allocations(budget);
        ck_assert_int_eq(net_run(net, 12), -1);
        net_vec_realloc = realloc;
        ck_assert_str_eq(net->fail, "spike monitor SM");
        ck_assert_int_eq(net->step, 2);
        ck_assert_uint_eq(sm->idx.n, 0);
        ck_assert_uint_eq(sm->steps.n, 0);
        net_free(net);
    }
}
END_TEST

START_TEST(oom_state_monitor)
{
    Net *net = net_new(1e-3, 0);
    RtGroup *g = counting_group(net, "G", 3);
    RtMonitor *m = state_monitor(net, "M", g, 2);
    ck_assert_int_eq(net_init(net), 0);
    /* the values have room, their step has not: nothing is recorded */
    limit_allocations(1);
    ck_assert_int_eq(net_run(net, 5), -1);
    ck_assert_str_eq(net->fail, "state monitor M");
    ck_assert_int_eq(net->step, 0);
    ck_assert_uint_eq(m->rec_steps.n, 0);
    ck_assert_uint_eq(m->data.n, 0);
    /* with memory the run goes on and a later run clears the failure */
    net_vec_realloc = realloc;
    ck_assert_int_eq(net_run(net, 10), 0);
    ck_assert_str_eq(net->fail, "");
    ck_assert_uint_eq(m->rec_steps.n, 10);
    /* growth in the middle of a run: the steps fill 64 entries first */
    limit_allocations(0);
    ck_assert_int_eq(net_run(net, 100), -1);
    ck_assert_str_eq(net->fail, "state monitor M");
    ck_assert_int_eq(net->step, 64);
    ck_assert_uint_eq(m->rec_steps.n, 64);
    ck_assert_uint_eq(m->data.n, 128);
    ck_assert_int_eq(m->rec_steps.v[63], 63);
    net_free(net);
}
END_TEST

/* A failed delivery delivers nothing, and the step fails. */
START_TEST(oom_delivery)
{
    for (long budget = 0; budget < 2; budget++) {
        log_n = 0;
        Net *net = net_new(1e-4, 0);
        RtGroup *b, *a = scheduled_source(net, &b);
        const int pre[] = { 2, 0, 2, 1 }, post[] = { 0, 1, 1, 0 };
        RtGroup *s = make_synapses(net, a, b, pre, post, 4, 0);
        s->on_pre = blk_on_pre;
        ck_assert_int_eq(net_init(net), 0);
        limit_allocations(budget);
        ck_assert_int_eq(net_run(net, 10), -1);
        net_vec_realloc = realloc;
        ck_assert_str_eq(net->fail, "spike delivery of S");
        /* budget 0: the spike of step 1 cannot be queued; budget 1: it is
         * delivered straight from the CSR range, but the two spikes of step
         * 4 need room for the list of their ranges */
        ck_assert_int_eq(net->step, budget ? 4 : 1);
        ck_assert_int_eq(log_n, budget ? 1 : 0);
        net_free(net);
    }
    /* heterogeneous delays queue synapse ids, which need room as well */
    log_n = 0;
    Net *net = hetero_net("H");
    limit_allocations(0);
    ck_assert_int_eq(net_run(net, 10), -1);
    ck_assert_str_eq(net->fail, "spike delivery of H");
    ck_assert_int_eq(net->step, 1);
    ck_assert_int_eq(log_n, 0);
    net_free(net);
}
END_TEST

/* A network with every object that grows arrays while it runs: spike, state
 * and rate monitors, on_pre with a homogeneous delay and with heterogeneous
 * delays, on_post, and a named pathway. */
static Net *busy_net(void)
{
    Net *net = net_new(1e-4, 0);
    RtGroup *g = counting_group(net, "G", 3);
    RtGroup *b = net_add_group(net, "B", RG_NEURONS, 2, 1, names1, NULL);
    b->thresh = blk_thresh_sched;       /* both target neurons spike at step 0 */
    const int pre[] = { 2, 0, 2, 1 }, post[] = { 0, 1, 1, 0 }, delay[] = { 0, 2, 1, 1 };
    RtGroup *s = make_synapses(net, g, b, pre, post, 4, 1);
    s->on_pre = blk_on_pre;
    s->on_post = blk_on_post;
    s->paths = calloc(1, sizeof *s->paths);
    s->npaths = 1;
    s->paths[0].name = strdup("p");
    s->paths[0].delay_steps = 2;
    s->paths[0].queue = calloc(3, sizeof *s->paths[0].queue);
    s->paths[0].when = WHEN(SLOT_SYNAPSES, 0);
    s->paths[0].fn = blk_on_pre;
    RtGroup *h = delayed_synapses(net, "H", g, b, pre, post, delay, 4);
    h->on_pre = blk_on_pre;
    net_add_monitor(net, "SM", RM_SPIKE, g);
    state_monitor(net, "M", g, 3);
    net_add_monitor(net, "R", RM_RATE, g);
    ck_assert_int_eq(net_init(net), 0);
    return net;
}

/* The first n bytes of a and b are equal (either may be NULL when n is 0). */
static bool same_start(const void *a, const void *b, size_t n) { return n == 0 || !memcmp(a, b, n); }

/* Let the k-th growth of an array fail, for every k up to a run that needs
 * no more: each failure is reported and names its object, the monitors hold
 * whole records that equal the start of a run with memory, and the pathway
 * code ran exactly as in that run up to the failure. */
START_TEST(oom_every_allocation)
{
    enum { STEPS = 40 };
    Net *ref = busy_net();
    ck_assert_int_eq(net_run(ref, STEPS), 0);
    int ref_log = log_n;
    ck_assert_int_gt(ref_log, 20);
    static const char *const objects[] = { "spike monitor SM", "state monitor M", "rate monitor R",
                                           "spike delivery of S", "spike delivery of H",
                                           "on_post delivery of S", "spike delivery of S (pathway p)" };
    enum { NOBJ = sizeof objects / sizeof *objects };
    int seen[NOBJ] = { 0 };
    long budget = 0;
    for (;; budget++) {
        ck_assert_int_lt(budget, 1000);
        log_n = 0;
        Net *net = busy_net();
        limit_allocations(budget);
        int rc = net_run(net, STEPS);
        net_vec_realloc = realloc;
        check_monitors_whole(net);
        for (int k = 0; k < net->nmonitors; k++) {
            const RtMonitor *m = net->monitors[k], *r = ref->monitors[k];
            ck_assert(m->idx.n <= r->idx.n && m->rec_steps.n <= r->rec_steps.n);
            ck_assert(same_start(m->idx.v, r->idx.v, m->idx.n * sizeof *m->idx.v));
            ck_assert(same_start(m->steps.v, r->steps.v, m->steps.n * sizeof *m->steps.v));
            ck_assert(same_start(m->rec_steps.v, r->rec_steps.v, m->rec_steps.n * sizeof *m->rec_steps.v));
            ck_assert(same_start(m->data.v, r->data.v, m->data.n * sizeof *m->data.v));
        }
        ck_assert_int_le(log_n, ref_log);
        if (rc == 0) {
            ck_assert_str_eq(net->fail, "");
            ck_assert_int_eq(log_n, ref_log);
            net_free(net);
            break;
        }
        ck_assert_int_eq(rc, -1);
        int which = -1;
        for (int k = 0; k < NOBJ; k++)
            if (!strcmp(net->fail, objects[k])) which = k;
        ck_assert_msg(which >= 0, "budget %ld: unexpected failure '%s'", budget, net->fail);
        seen[which]++;
        net_free(net);
    }
    for (int k = 0; k < NOBJ; k++) ck_assert_msg(seen[k] > 0, "no failure of %s", objects[k]);
    net_free(ref);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Output                                                                   */
/* ------------------------------------------------------------------------ */

static char tmpdir[64];

static void out_setup(void)
{
    strcpy(tmpdir, "/tmp/snn-rt-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void out_teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd)) { }
}

/* Names in dir, sorted, joined by spaces. */
static char *listing(const char *dir)
{
    static char buf[1024];
    char *names[64];
    int n = 0;
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    while ((e = readdir(d)) && n < 64)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
    closedir(d);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (strcmp(names[i], names[j]) > 0) {
                char *t = names[i];
                names[i] = names[j];
                names[j] = t;
            }
    buf[0] = 0;
    for (int i = 0; i < n; i++) {
        if (i) strcat(buf, " ");
        strcat(buf, names[i]);
        free(names[i]);
    }
    return buf;
}

/* A net with a spike monitor SM and a state monitor M of v, with odd values. */
static Net *recorded_net(void)
{
    Net *net = net_new(1e-4, 0);
    RtGroup *g = counting_group(net, "G", 3);
    net_add_monitor(net, "SM", RM_SPIKE, g);
    RtMonitor *st = net_add_monitor(net, "M", RM_STATE, g);
    st->nvars = 2;
    st->vars = calloc(2, sizeof *st->vars);
    st->vars[0] = 0;
    st->vars[1] = 1;
    st->varnames = calloc(2, sizeof *st->varnames);
    st->varnames[0] = strdup("v");
    st->varnames[1] = strdup("limit");
    st->nrec = 2;
    st->rec = calloc(2, sizeof *st->rec);
    st->rec[0] = 1;
    st->rec[1] = 2;
    net_init(net);
    g->arr[1][1] = 0.1 + 0.2;      /* a value that needs 17 digits */
    ck_assert_int_eq(net_run(net, 6), 0);
    return net;
}

START_TEST(csv_format)
{
    Net *net = recorded_net();
    char dir[128], err[512] = "";
    snprintf(dir, sizeof dir, "%s/a/b", tmpdir);      /* created as needed */
    ck_assert_msg(output_write_all(net, dir, err, sizeof err) == 0, "%s", err);
    ck_assert_str_eq(listing(dir), "M.csv SM.csv");
    char path[256];
    snprintf(path, sizeof path, "%s/SM.csv", dir);
    char *sm = test_read_file(path, NULL);
    ck_assert_ptr_nonnull(sm);
    /* neuron 1 (limit 0.3) spikes every step from step 0; neuron 0 at 2, 5;
     * neuron 2 at 4 -- written in time order as i,t (seconds, %.17g) */
    char want[1024];
    snprintf(want, sizeof want, "i,t\n1,0\n1,%.17g\n0,%.17g\n1,%.17g\n1,%.17g\n1,%.17g\n2,%.17g\n0,%.17g\n1,%.17g\n",
             1e-4, 2 * 1e-4, 2 * 1e-4, 3 * 1e-4, 4 * 1e-4, 4 * 1e-4, 5 * 1e-4, 5 * 1e-4);
    ck_assert_str_eq(sm, want);
    free(sm);
    snprintf(path, sizeof path, "%s/M.csv", dir);
    char *m = test_read_file(path, NULL);
    ck_assert_ptr_nonnull(m);
    char *line = strtok(m, "\n");
    ck_assert_str_eq(line, "t,v_1,limit_1,v_2,limit_2");
    int rows = 0;
    while ((line = strtok(NULL, "\n"))) {
        double t, v1, l1, v2, l2;
        ck_assert_int_eq(sscanf(line, "%lf,%lf,%lf,%lf,%lf", &t, &v1, &l1, &v2, &l2), 5);
        ck_assert_double_eq(t, rows * 1e-4);
        ck_assert_double_eq(l1, 0.1 + 0.2);        /* bit for bit */
        ck_assert_double_eq(l2, 5);
        ck_assert_double_eq(v2, rows < 5 ? rows : 0);
        rows++;
    }
    ck_assert_int_eq(rows, 6);
    free(m);
    /* writing again replaces the files and leaves nothing else */
    ck_assert_int_eq(output_write_all(net, dir, err, sizeof err), 0);
    ck_assert_str_eq(listing(dir), "M.csv SM.csv");
    net_free(net);
}
END_TEST

START_TEST(csv_errors)
{
    Net *net = recorded_net();
    char err[512] = "";
    /* the directory is a file */
    char path[256];
    snprintf(path, sizeof path, "%s/file", tmpdir);
    FILE *f = fopen(path, "w");
    fputs("x", f);
    fclose(f);
    ck_assert_int_eq(output_write_all(net, path, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "is not a directory") || strstr(err, "cannot create"), "%s", err);
    /* a component below a file cannot be created */
    snprintf(path, sizeof path, "%s/file/sub", tmpdir);
    ck_assert_int_eq(output_write_all(net, path, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "cannot create directory") != NULL, "%s", err);
    ck_assert_int_eq(output_write_all(net, "", err, sizeof err), -1);
    /* the final name is taken by a directory: the rename fails, and neither
     * a half-written file nor the temporary is left behind */
    snprintf(path, sizeof path, "%s/out", tmpdir);
    mkdir(path, 0777);
    char sub[300];
    snprintf(sub, sizeof sub, "%s/M.csv", path);
    mkdir(sub, 0777);
    ck_assert_int_eq(output_write_all(net, path, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "cannot write") && strstr(err, "M.csv"), "%s", err);
    /* all or nothing: SM.csv was not put in place either; M is still the directory */
    ck_assert_str_eq(listing(path), "M.csv");
    struct stat st;
    ck_assert_int_eq(stat(sub, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    net_free(net);
}
END_TEST

START_TEST(summary_text)
{
    Net *net = recorded_net();
    char *s = output_summary(net);
    ck_assert_ptr_nonnull(s);
    ck_assert_msg(strstr(s, "SM: 9 spikes from G (per neuron: 2 6 1)\n") != NULL, "%s", s);
    ck_assert_msg(strstr(s, "M: 6 steps of 2 variable(s) x 2 neuron(s) from G\n") != NULL, "%s", s);
    free(s);
    net_free(net);
    /* large groups give a mean rate instead of counts */
    net = net_new(1e-3, 0);
    RtGroup *g = net_add_group(net, "Big", RG_NEURONS, 20, 1, names1, NULL);
    g->thresh = blk_thresh_sched;           /* every neuron with v == step */
    net_add_monitor(net, "S", RM_SPIKE, g);
    net_run(net, 10);                       /* all 20 spike at step 0 */
    s = output_summary(net);
    ck_assert_msg(strstr(s, "S: 20 spikes from Big (mean rate 100 Hz)") != NULL, "%s", s);
    free(s);
    net_free(net);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Random numbers and time steps                                            */
/* ------------------------------------------------------------------------ */

/* runtime/rng.c's own Philox4x32-10 gives Random123's bits, for keys and
 * counters across the whole range of each word (the uniform and normal
 * numbers, which Brian2 comparisons depend on, stay the same). */
void snn_philox_block(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site, uint32_t out[4]);
START_TEST(rng_philox_matches_random123)
{
    uint64_t x = 88172645463325252ULL;       /* xorshift64: the test's own inputs */
    for (int n = 0; n < 200000; n++) {
        uint64_t w[5];
        for (int q = 0; q < 5; q++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            w[q] = x;
        }
        snn_u64 seed = w[0], stream = w[1] >> (n % 33);
        snn_i64 step = (snn_i64)(w[2] >> (n % 40));
        snn_i32 idx = (snn_i32)w[3], site = (snn_i32)(w[4] >> 32);
        uint32_t got[4];
        snn_philox_block(seed, stream, step, idx, site, got);
        philox4x32_ctr_t c = { { (uint32_t)step, (uint32_t)((uint64_t)step >> 32), (uint32_t)idx, (uint32_t)site } };
        philox4x32_key_t k = { { (uint32_t)(seed ^ (seed >> 32) * 0x9E3779B9u), (uint32_t)stream } };
        philox4x32_ctr_t r = philox4x32(c, k);
        for (int q = 0; q < 4; q++) ck_assert_uint_eq(got[q], r.v[q]);
    }
    /* Random123's known-answer vector (kat_vectors: philox4x32 10 with the
     * all-ones counter and key; seed 2^32-1 makes the key word all ones) */
    uint32_t got[4];
    snn_philox_block(0xffffffffu, 0xffffffffu, -1, -1, -1, got);
    const uint32_t kat[4] = { 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu };
    for (int q = 0; q < 4; q++) ck_assert_uint_eq(got[q], kat[q]);
}
END_TEST

START_TEST(rng_deterministic)
{
    double u = snn_rand_uniform(42, 1, 7, 3, 0);
    ck_assert_double_eq(u, snn_rand_uniform(42, 1, 7, 3, 0));
    ck_assert_double_eq(snn_rand_normal(42, 1, 7, 3, 0), snn_rand_normal(42, 1, 7, 3, 0));
    /* every part of the key and counter changes the number */
    ck_assert_double_ne(u, snn_rand_uniform(43, 1, 7, 3, 0));
    ck_assert_double_ne(u, snn_rand_uniform(42, 2, 7, 3, 0));
    ck_assert_double_ne(u, snn_rand_uniform(42, 1, 8, 3, 0));
    ck_assert_double_ne(u, snn_rand_uniform(42, 1, 7, 4, 0));
    ck_assert_double_ne(u, snn_rand_uniform(42, 1, 7, 3, 1));
    /* the high half of the seed and of the step count as well */
    ck_assert_double_ne(u, snn_rand_uniform(42 + (1ULL << 40), 1, 7, 3, 0));
    ck_assert_double_ne(u, snn_rand_uniform(42, 1, 7 + (1LL << 33), 3, 0));
    /* uniform and normal at the same place are independent streams */
    ck_assert_double_ne(snn_rand_normal(42, 1, 7, 3, 0), snn_rand_normal(42, 1, 7, 3, 1));
}
END_TEST

START_TEST(rng_distributions)
{
    const int n = 100000;
    double s = 0, s2 = 0, ns = 0, ns2 = 0, mn = 1, mx = 0;
    int bins[10] = { 0 };
    for (int k = 0; k < n; k++) {
        double u = snn_rand_uniform(1, 2, k / 100, k % 100, 3);
        ck_assert(u >= 0 && u < 1);
        s += u;
        s2 += u * u;
        if (u < mn) mn = u;
        if (u > mx) mx = u;
        bins[(int)(u * 10)]++;
        double z = snn_rand_normal(1, 2, k / 100, k % 100, 3);
        ck_assert(isfinite(z));
        ns += z;
        ns2 += z * z;
    }
    double mean = s / n, var = s2 / n - mean * mean;
    ck_assert_double_eq_tol(mean, 0.5, 0.005);
    ck_assert_double_eq_tol(var, 1.0 / 12, 0.002);
    ck_assert_double_lt(mn, 1e-3);
    ck_assert_double_gt(mx, 1 - 1e-3);
    for (int b = 0; b < 10; b++) ck_assert_int_gt(bins[b], n / 10 - 600);
    double nmean = ns / n, nvar = ns2 / n - nmean * nmean;
    ck_assert_double_eq_tol(nmean, 0, 0.015);
    ck_assert_double_eq_tol(nvar, 1, 0.02);
}
END_TEST

/* A binomial draw from the table made once for n and p (hoisted out of a
 * Poisson input's loop) is the draw without it, bit for bit, on both
 * branches (inversion for small n*p, the normal approximation above), past
 * the table's end, for an n that is not whole, and at the edges. */
START_TEST(rng_binomial_table_same)
{
    const double ns[] = { 0, 1, 2.5, 7, 30, 100, 1600, 2900, 1e6 };
    const double ps[] = { 0, 1e-9, 8e-4, 0.01, 0.1, 0.3, 0.999, 1, 1.5 };
    long events = 0;
    for (size_t a = 0; a < sizeof ns / sizeof *ns; a++)
        for (size_t b = 0; b < sizeof ps / sizeof *ps; b++) {
            snn_binomial tb = snn_binomial_table(ns[a], ps[b]);
            for (int k = 0; k < 4000; k++) {
                double x = snn_rand_binomial(5, 1, k / 50, k % 50, 2, ns[a], ps[b]);
                double y = snn_rand_binomial_tab(5, 1, k / 50, k % 50, 2, &tb);
                ck_assert_msg(memcmp(&x, &y, sizeof x) == 0, "n %g p %g draw %d: %.17g != %.17g", ns[a], ps[b], k, x, y);
                events += (long)x;
            }
        }
    ck_assert_int_gt(events, 0);
    /* the mean of binomial(1600, 8e-4) is 1.28 */
    /* past the table (16 entries): binomial(100, 0.05) is 16 or more about
     * once in 7000 draws, so some 14 times in 100,000 */
    snn_binomial past = snn_binomial_table(100, 0.05);
    int beyond = 0;
    for (int k = 0; k < 100000; k++) {
        double x = snn_rand_binomial(3, 2, k, 7, 4, 100, 0.05), y = snn_rand_binomial_tab(3, 2, k, 7, 4, &past);
        ck_assert_msg(memcmp(&x, &y, sizeof x) == 0, "past the table, draw %d: %.17g != %.17g", k, x, y);
        beyond += x >= SNN_BINOMIAL_TABLE;
    }
    ck_assert_int_gt(beyond, 2);
    double s = 0;
    snn_binomial t = snn_binomial_table(1600, 8e-4);
    for (int k = 0; k < 100000; k++) s += snn_rand_binomial_tab(9, 0, k, 3, 1, &t);
    ck_assert_double_eq_tol(s / 100000, 1.28, 0.02);
}
END_TEST

/* Brian2: timestep(t, dt) = int((t + 1e-3*dt)/dt). */
START_TEST(timestep_rounding)
{
    ck_assert_int_eq(snn_timestep(0, 1e-4), 0);
    ck_assert_int_eq(snn_timestep(0.3, 0.1), 3);            /* 0.3/0.1 = 2.9999999999999996 */
    ck_assert_int_eq(snn_timestep(0.7, 0.1), 7);
    ck_assert_int_eq(snn_timestep(2e-3, 1e-4), 20);
    ck_assert_int_eq(snn_timestep(0.1, 1e-4), 1000);
    ck_assert_int_eq(snn_timestep(1.5e-4, 1e-4), 1);         /* truncates, no rounding */
    ck_assert_int_eq(snn_timestep(1.999e-4, 1e-4), 2);      /* within 1e-3 dt */
    ck_assert_int_eq(snn_timestep(1.998e-4, 1e-4), 1);
    /* every step time k*dt maps back to k */
    for (int k = 0; k < 200000; k++) ck_assert_int_eq(snn_timestep(k * 1e-4, 1e-4), k);
    for (int k = 0; k < 20000; k++) ck_assert_int_eq(snn_timestep(k * 0.05e-3, 0.05e-3), k);
    ck_assert_int_eq(snn_timestep(1e4, 1e-4), 100000000);
}
END_TEST

/* The snapshot checksum and the native-code cache key are FNV-1a: pin it to
 * the published test values, so stored images and caches stay valid. */
START_TEST(fnv1a_values)
{
    ck_assert_uint_eq(snn_fnv1a(SNN_FNV1A_BASIS, "", 0), 0xcbf29ce484222325ull);
    ck_assert_uint_eq(snn_fnv1a(SNN_FNV1A_BASIS, "a", 1), 0xaf63dc4c8601ec8cull);
    ck_assert_uint_eq(snn_fnv1a(SNN_FNV1A_BASIS, "foobar", 6), 0x85944171f73967e8ull);
    ck_assert_uint_eq(snn_fnv1a_str(SNN_FNV1A_BASIS, "foobar"), 0x85944171f73967e8ull);
    /* hashing in parts continues the hash */
    ck_assert_uint_eq(snn_fnv1a_str(snn_fnv1a_str(SNN_FNV1A_BASIS, "foo"), "bar"), 0x85944171f73967e8ull);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("runtime");
    TCase *tc = tcase_create("net");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, groups_and_monitors);
    tcase_add_test(tc, spike_counts_follow_the_indices);
    tcase_add_test(tc, init_values);
    tcase_add_test(tc, csr_indices);
    tcase_add_test(tc, csr_empty);
    tcase_add_test(tc, csr_in_source_order);
    tcase_add_test(tc, delay_delivery);
    tcase_add_test(tc, on_post_pathway);
    tcase_add_test(tc, user_operations);
    tcase_add_test(tc, heterogeneous_delays);
    tcase_add_test(tc, heterogeneous_delays_refused);
    suite_add_tcase(s, tc);
    tc = tcase_create("oom");
    tcase_add_checked_fixture(tc, oom_setup, oom_teardown);
    tcase_add_test(tc, oom_spike_monitor);
    tcase_add_test(tc, oom_state_monitor);
    tcase_add_test(tc, oom_delivery);
    tcase_add_test(tc, oom_every_allocation);
    suite_add_tcase(s, tc);
    tc = tcase_create("output");
    tcase_add_checked_fixture(tc, out_setup, out_teardown);
    tcase_add_test(tc, csv_format);
    tcase_add_test(tc, csv_errors);
    tcase_add_test(tc, summary_text);
    suite_add_tcase(s, tc);
    tc = tcase_create("rng");
    tcase_add_test(tc, rng_deterministic);
    tcase_add_test(tc, rng_philox_matches_random123);
    tcase_add_test(tc, rng_distributions);
    tcase_add_test(tc, rng_binomial_table_same);
    tcase_add_test(tc, timestep_rounding);
    tcase_add_test(tc, fnv1a_values);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
