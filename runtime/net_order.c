/* SPDX-License-Identifier: MIT */
/* This file contains the delivery order of synapses with heterogeneous
 * on_pre delays (net.h, RtGroup.order).  In their own order (the order
 * connect() made them: Brian2's synapse numbers) a spike's synapses may be
 * scattered over the group's arrays, and each is queued in its delay's ring
 * slot one by one.  While a run goes they can instead be stored source by
 * source, each source's by delay, then by target, then in their own order:
 * a spike then queues one (lo, hi) range per distinct delay, and the code
 * reads the arrays straight through.
 *
 * The results stay those of the own order.  A ring slot's ranges come in
 * the order of the spikes that queued them, and within a range a target's
 * synapses keep their own order, so every target neuron receives the same
 * additions in the same order.  That holds for on_pre code that writes
 * nothing but its synapse and its target (RtGroup.par & PAR_PRE), and
 * nothing else may depend on the order: no summed variables, named
 * pathways, C callbacks, synapses on these synapses, links to them or MPI
 * ranks.  Random draws are keyed by the own numbers (order[], through
 * snn_args.syn_gid), state monitors record through rec_at, on_post visits
 * each target's synapses in their own order, and everything outside a run
 * sees the own order (net_order_undo). */
#include "net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The largest delay (steps) a counting sort by delay is made for. */
#define ORDER_MAX_DELAY (1 << 20)

/* Whether s may be stored in delivery order (the file's comment says why
 * these conditions). */
static bool eligible(const Net *net, const RtGroup *s)
{
    if (s->kind != RG_SYNAPSES || !s->on_pre || !s->syn_delay || s->n < 2 || s->split) return false;
    if (!(s->par & PAR_PRE) || s->nsummed || s->npaths || s->delay_steps > ORDER_MAX_DELAY) return false;
    if ((s->update && !(s->par & PAR_UPDATE)) || (s->nextras && !(s->par & PAR_EXTRA))) return false;
    if (s->src->kind != RG_NEURONS || s->tgt->kind != RG_NEURONS || s->viewed) return false;
    for (int k = 0; k < net->ngroups; k++) {
        const RtGroup *g = net->groups[k];
        if (g != s && (g->src == s || g->tgt == s)) return false;
        for (int l = 0; l < g->nlinks; l++)
            if (g->links[l].src == s) return false;
    }
    for (int k = 0; k < net->nops; k++)
        if (net->ops[k].reads_state) return false;
    return true;
}

/* One stable counting sort pass: out[] gets in[0..n) by key[in[q]] (below
 * nkeys); count has nkeys + 1 entries. */
static void sort_pass(const int32_t *in, int32_t *out, int64_t n, const int32_t *key, int64_t nkeys, int32_t *count)
{
    memset(count, 0, sizeof *count * (size_t)(nkeys + 1));
    for (int64_t q = 0; q < n; q++) count[key[in[q]] + 1]++;
    for (int64_t k = 0; k < nkeys; k++) count[k + 1] += count[k];
    for (int64_t q = 0; q < n; q++) out[count[key[in[q]]]++] = in[q];
}

/* The delivery order of s into order[0..n): own ids sorted by source, then
 * delay, then target, then id (three stable passes from the last key);
 * false on out of memory. */
static bool delivery_order(const RtGroup *s, int32_t *order)
{
    int64_t n = s->n, most = s->src_n;
    if (s->tgt_n > most) most = s->tgt_n;
    if ((int64_t)s->delay_steps + 1 > most) most = (int64_t)s->delay_steps + 1;
    int32_t *tmp = malloc(sizeof *tmp * (size_t)n), *count = malloc(sizeof *count * (size_t)(most + 1));
    if (!tmp || !count) {
        free(tmp);
        free(count);
        return false;
    }
    for (int64_t k = 0; k < n; k++) order[k] = (int32_t)k;
    sort_pass(order, tmp, n, s->post.v, s->tgt_n, count);
    sort_pass(tmp, order, n, s->syn_delay, (int64_t)s->delay_steps + 1, count);
    sort_pass(order, tmp, n, s->pre.v, s->src_n, count);
    memcpy(order, tmp, sizeof *order * (size_t)n);
    free(tmp);
    free(count);
    return true;
}

/* The delay runs of s in delivery order (order[], before the arrays are
 * permuted: syn_delay[order[k]] is sorted within each source); false on
 * out of memory. */
static bool make_runs(const RtGroup *s, const int32_t *order, int32_t **run_start_out, struct DelayRun **runs_out)
{
    const int32_t *d = s->syn_delay;
    int64_t nruns = 0;
    for (int64_t i = 0; i < s->src_n; i++)
        for (int32_t k = s->pre_start[i]; k < s->pre_start[i + 1]; k++)
            nruns += k == s->pre_start[i] || d[order[k]] != d[order[k - 1]];
    int32_t *run_start = malloc(sizeof *run_start * (size_t)(s->src_n + 1));
    struct DelayRun *runs = malloc(sizeof *runs * (size_t)(nruns ? nruns : 1));
    if (!run_start || !runs) {
        free(run_start);
        free(runs);
        return false;
    }
    int32_t r = 0;
    for (int64_t i = 0; i < s->src_n; i++) {
        run_start[i] = r;
        for (int32_t k = s->pre_start[i]; k < s->pre_start[i + 1]; k++) {
            if (k > s->pre_start[i] && d[order[k]] != d[order[k - 1]]) r++;
            runs[r].end = k + 1;
            runs[r].delay = d[order[k]];
        }
        if (s->pre_start[i] < s->pre_start[i + 1]) r++;
    }
    run_start[s->src_n] = r;
    *run_start_out = run_start;
    *runs_out = runs;
    return true;
}

/* Every per-synapse array of s permuted: a[k] = a[perm[k]] (gather) or
 * a[perm[k]] = a[k] (scatter), through tmp (n doubles). */
static void permute_arrays(RtGroup *s, const int32_t *perm, bool gather, void *tmp)
{
    int64_t n = s->n;
    double *d = tmp;
    int32_t *w = tmp;
    for (int v = 0; v < s->nvars; v++) {
        double *a = s->arr[v];
        if (gather) for (int64_t k = 0; k < n; k++) d[k] = a[perm[k]];
        else for (int64_t k = 0; k < n; k++) d[perm[k]] = a[k];
        memcpy(a, d, sizeof *a * (size_t)n);
    }
    int32_t *ints[] = { s->pre.v, s->post.v, s->syn_delay };
    for (size_t q = 0; q < sizeof ints / sizeof *ints; q++) {
        int32_t *a = ints[q];
        if (gather) for (int64_t k = 0; k < n; k++) w[k] = a[perm[k]];
        else for (int64_t k = 0; k < n; k++) w[perm[k]] = a[k];
        memcpy(a, w, sizeof *a * (size_t)n);
    }
}

/* The state monitors of group s. */
static bool monitors_of(const Net *net, const RtGroup *s, int k)
{
    return net->monitors[k]->group == s && net->monitors[k]->kind == RM_STATE;
}

/* The ring slots of s in delivery order: each own id q of a slot as the
 * pair (inv[q], inv[q] + 1), in new[]; false on out of memory (new[] then
 * freed). */
static bool ring_to_pairs(const RtGroup *s, const int32_t *inv, I32Vec *fresh)
{
    for (int k = 0; k <= s->delay_steps; k++) {
        const I32Vec *v = &s->queue[k];
        if (!v->n) continue;
        if (!i32vec_reserve(&fresh[k], 2 * v->n)) return false;
        for (size_t q = 0; q < v->n; q++) {
            fresh[k].v[2 * q] = inv[v->v[q]];
            fresh[k].v[2 * q + 1] = inv[v->v[q]] + 1;
        }
        fresh[k].n = 2 * v->n;
    }
    return true;
}

/* The ring slots of s back in own ids: each pair's synapses order[lo..hi)
 * in new[]; false on out of memory. */
static bool ring_to_ids(const RtGroup *s, I32Vec *fresh)
{
    for (int k = 0; k <= s->delay_steps; k++) {
        const I32Vec *v = &s->queue[k];
        size_t total = 0;
        for (size_t q = 0; q + 1 < v->n; q += 2) total += (size_t)(v->v[q + 1] - v->v[q]);
        if (!total) continue;
        if (!i32vec_reserve(&fresh[k], total)) return false;
        for (size_t q = 0; q + 1 < v->n; q += 2)
            for (int32_t j = v->v[q]; j < v->v[q + 1]; j++) fresh[k].v[fresh[k].n++] = s->order[j];
    }
    return true;
}

/* Swap each non-empty ring slot of s for fresh[k] (an empty one keeps its
 * own array), and free the old arrays and fresh. */
static void swap_ring(RtGroup *s, I32Vec *fresh)
{
    for (int k = 0; k <= s->delay_steps; k++) {
        if (fresh[k].v) {
            free(s->queue[k].v);
            s->queue[k] = fresh[k];
        } else s->queue[k].n = 0;
    }
    free(fresh);
}

static void free_ring_copy(const RtGroup *s, I32Vec *fresh)
{
    for (int k = 0; fresh && k <= s->delay_steps; k++) free(fresh[k].v);
    free(fresh);
}

/* Put s in delivery order, or leave it as it is on out of memory. */
static void apply_group(Net *net, RtGroup *s)
{
    int64_t n = s->n;
    int32_t *order = malloc(sizeof *order * (size_t)n), *inv = malloc(sizeof *inv * (size_t)n);
    void *tmp = malloc(sizeof(double) * (size_t)n);
    I32Vec *fresh = calloc((size_t)s->delay_steps + 1, sizeof *fresh);
    int32_t **rec_at = calloc((size_t)net->nmonitors + 1, sizeof *rec_at);
    int32_t *post_start = NULL, *post_syn = NULL, *run_start = NULL;
    struct DelayRun *runs = NULL;
    bool ok = order && inv && tmp && fresh && rec_at && delivery_order(s, order);
    if (ok)
        for (int64_t k = 0; k < n; k++) inv[order[k]] = (int32_t)k;
    ok = ok && ring_to_pairs(s, inv, fresh) && make_runs(s, order, &run_start, &runs);
    for (int k = 0; ok && k < net->nmonitors; k++) {
        RtMonitor *m = net->monitors[k];
        if (!monitors_of(net, s, k)) continue;
        if (!(rec_at[k] = malloc(sizeof **rec_at * (size_t)(m->nrec > 0 ? m->nrec : 1)))) ok = false;
        for (int r = 0; ok && r < m->nrec; r++) rec_at[k][r] = inv[m->rec[r]];
    }
    /* on_post visits each target's synapses in their own order */
    if (ok && s->on_post) {
        /* the targets in delivery order are post[order[k]]: made below */
        I32Vec post = { tmp, (size_t)n, (size_t)n };
        for (int64_t k = 0; k < n; k++) post.v[k] = s->post.v[order[k]];
        ok = net_csr_build(&post, s->tgt_n, inv, &post_start, &post_syn);
    }
    if (!ok) {
        free(order), free(inv), free(tmp), free(post_start), free(post_syn), free(run_start), free(runs);
        free_ring_copy(s, fresh);
        for (int k = 0; rec_at && k < net->nmonitors; k++) free(rec_at[k]);
        free(rec_at);
        return;
    }
    permute_arrays(s, order, true, tmp);
    free(tmp);
    free(inv);
    swap_ring(s, fresh);
    for (int k = 0; k < net->nmonitors; k++)
        if (rec_at[k]) net->monitors[k]->rec_at = rec_at[k];
    free(rec_at);
    free(s->post_start);
    free(s->post_syn);
    s->post_start = post_start;
    s->post_syn = post_syn;
    free(s->pre_syn);
    s->pre_syn = NULL;       /* stored source by source now */
    s->order = order;
    s->run_start = run_start;
    s->runs = runs;
    if (getenv("SNN_ORDER_DEBUG")) fprintf(stderr, "ordered %s: %lld synapses, %d runs\n", s->name, (long long)n, run_start[s->src_n]);
}

void net_order_apply(Net *net)
{
    if (getenv("SNN_NO_DELIVERY_ORDER")) return;
    for (int k = 0; k < net->ngroups; k++) {
        RtGroup *s = net->groups[k];
        if (!s->order && eligible(net, s)) apply_group(net, s);
    }
}

/* Put s back in its own order; false on out of memory, with nothing
 * changed. */
static bool undo_group(Net *net, RtGroup *s)
{
    int64_t n = s->n;
    void *tmp = malloc(sizeof(double) * (size_t)n);
    int32_t *fill = malloc(sizeof *fill * (size_t)(s->src_n + 1));
    I32Vec *fresh = calloc((size_t)s->delay_steps + 1, sizeof *fresh);
    if (!tmp || !fill || !fresh || !ring_to_ids(s, fresh)) {
        free(tmp), free(fill);
        free_ring_copy(s, fresh);
        return false;
    }
    swap_ring(s, fresh);
    permute_arrays(s, s->order, false, tmp);
    free(tmp);
    for (int k = 0; k < net->nmonitors; k++)
        if (monitors_of(net, s, k)) {
            free(net->monitors[k]->rec_at);
            net->monitors[k]->rec_at = NULL;
        }
    free(s->post_start);
    free(s->post_syn);
    s->post_start = s->post_syn = NULL;      /* made again when needed */
    /* the CSR by source in the own order, in order's memory */
    int32_t *syn = s->order;
    bool identity = true;
    memcpy(fill, s->pre_start, sizeof *fill * (size_t)(s->src_n + 1));
    for (int64_t q = 0; q < n; q++) {
        int32_t at = fill[s->pre.v[q]]++;
        syn[at] = (int32_t)q;
        identity = identity && at == q;
    }
    free(fill);
    if (identity) free(syn);
    s->pre_syn = identity ? NULL : syn;
    s->order = NULL;
    free(s->run_start);
    free(s->runs);
    s->run_start = NULL;
    s->runs = NULL;
    return true;
}

bool net_order_undo(Net *net)
{
    for (int k = 0; k < net->ngroups; k++)
        if (net->groups[k]->order && !undo_group(net, net->groups[k])) return false;
    return true;
}

