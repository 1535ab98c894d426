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
#include "par.h"

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

/* The number of bits that hold the values 0 .. n-1. */
static int bits_for(int64_t n)
{
    int b = 0;
    while (b < 63 && ((int64_t)1 << b) < n) b++;
    return b;
}

/* LSD radix sort of rec[0..n) by its bits [lo, hi), stable, 8 bits a
 * pass through tmp (few buckets: each pass writes to few pages at once); returns where the sorted records are (rec or tmp). */
static uint64_t *radix_sort(uint64_t *rec, uint64_t *tmp, int64_t n, int lo, int hi)
{
    enum { DIGIT = 8, BUCKETS = 1 << DIGIT };
    int64_t count[BUCKETS + 1];
    for (int shift = lo; shift < hi; shift += DIGIT) {
        memset(count, 0, sizeof count);
        for (int64_t q = 0; q < n; q++) count[((rec[q] >> shift) & (BUCKETS - 1)) + 1]++;
        if (count[((rec[0] >> shift) & (BUCKETS - 1)) + 1] == n) continue;   /* one digit value: in order */
        for (int k = 0; k < BUCKETS; k++) count[k + 1] += count[k];
        for (int64_t q = 0; q < n; q++) tmp[count[(rec[q] >> shift) & (BUCKETS - 1)]++] = rec[q];
        uint64_t *t = rec;
        rec = tmp;
        tmp = t;
    }
    return rec;
}

/* A group's delivery order being made: order[k] the own id of synapse k,
 * and where the fields fit in 64 bits the sorted records rec[k] (source,
 * delay, target, id from the high bits down), from which the sorted
 * sources, delays and targets are read; else those come from the arrays
 * through order. */
typedef struct Sorted {
    int32_t  *order;
    uint64_t *rec;
    int       sp, sd, ss;        /* where target, delay and source start */
    uint64_t  mpost, mdel;
} Sorted;

static int32_t sorted_pre(const RtGroup *s, const Sorted *o, int64_t k)
{
    return o->rec ? (int32_t)(o->rec[k] >> o->ss) : s->pre.v[o->order[k]];
}

static int32_t sorted_post(const RtGroup *s, const Sorted *o, int64_t k)
{
    return o->rec ? (int32_t)((o->rec[k] >> o->sp) & o->mpost) : s->post.v[o->order[k]];
}

static int32_t sorted_delay(const RtGroup *s, const Sorted *o, int64_t k)
{
    return o->rec ? (int32_t)((o->rec[k] >> o->sd) & o->mdel) : s->syn_delay[o->order[k]];
}

/* The delivery order of s in *o: the own ids sorted by source, then
 * delay, then target, then id -- one radix sort of 64-bit records, or,
 * where they do not fit, three stable counting sorts of the ids.  False on
 * out of memory (o then holds nothing). */
static bool delivery_order(const RtGroup *s, Sorted *o)
{
    int64_t n = s->n, nd = (int64_t)s->delay_steps + 1;
    int bid = bits_for(n), bpost = bits_for(s->tgt_n), bdel = bits_for(nd), bpre = bits_for(s->src_n);
    *o = (Sorted){ malloc(sizeof *o->order * (size_t)n), NULL, bid, bid + bpost, bid + bpost + bdel,
                   ((uint64_t)1 << bpost) - 1, ((uint64_t)1 << bdel) - 1 };
    if (!o->order) return false;
    if (bid + bpost + bdel + bpre <= 64) {
        uint64_t *rec = malloc(sizeof *rec * (size_t)n), *tmp = malloc(sizeof *tmp * (size_t)n);
        if (!rec || !tmp) {
            free(rec), free(tmp), free(o->order);
            o->order = NULL;
            return false;
        }
        for (int64_t k = 0; k < n; k++)
            rec[k] = (uint64_t)k | (uint64_t)s->post.v[k] << o->sp | (uint64_t)s->syn_delay[k] << o->sd |
                     (uint64_t)s->pre.v[k] << o->ss;
        /* the records come in id order: sorting by the other fields keeps it */
        o->rec = radix_sort(rec, tmp, n, bid, o->ss + bpre);
        free(o->rec == rec ? tmp : rec);
        uint64_t idm = ((uint64_t)1 << bid) - 1;
        for (int64_t k = 0; k < n; k++) o->order[k] = (int32_t)(o->rec[k] & idm);
        return true;
    }
    int64_t most = s->src_n > s->tgt_n ? s->src_n : s->tgt_n;
    if (nd > most) most = nd;
    int32_t *tmp = malloc(sizeof *tmp * (size_t)n), *count = malloc(sizeof *count * (size_t)(most + 1));
    if (!tmp || !count) {
        free(tmp), free(count), free(o->order);
        o->order = NULL;
        return false;
    }
    int32_t *order = o->order;
    for (int64_t k = 0; k < n; k++) order[k] = (int32_t)k;
    sort_pass(order, tmp, n, s->post.v, s->tgt_n, count);
    sort_pass(tmp, order, n, s->syn_delay, nd, count);
    sort_pass(order, tmp, n, s->pre.v, s->src_n, count);
    memcpy(order, tmp, sizeof *order * (size_t)n);
    free(tmp);
    free(count);
    return true;
}

/* The delay runs of s in delivery order o; false on out of memory. */
static bool make_runs(const RtGroup *s, const Sorted *o, int32_t **run_start_out, struct DelayRun **runs_out)
{
    int64_t nruns = 0;
    for (int64_t i = 0; i < s->src_n; i++)
        for (int32_t k = s->pre_start[i]; k < s->pre_start[i + 1]; k++)
            nruns += k == s->pre_start[i] || sorted_delay(s, o, k) != sorted_delay(s, o, k - 1);
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
            int32_t d = sorted_delay(s, o, k);
            if (k > s->pre_start[i] && d != runs[r].delay) r++;
            runs[r].end = k + 1;
            runs[r].delay = d;
        }
        if (s->pre_start[i] < s->pre_start[i + 1]) r++;
    }
    run_start[s->src_n] = r;
    *run_start_out = run_start;
    *runs_out = runs;
    return true;
}

/* The double arrays of s permuted: a[k] = a[perm[k]] (gather) or
 * a[perm[k]] = a[k] (scatter), through tmp (n doubles). */
static void permute_doubles(RtGroup *s, const int32_t *perm, bool gather, double *tmp)
{
    int64_t n = s->n;
    for (int v = 0; v < s->nvars; v++) {
        double *a = s->arr[v];
        if (gather) for (int64_t k = 0; k < n; k++) tmp[k] = a[perm[k]];
        else for (int64_t k = 0; k < n; k++) tmp[perm[k]] = a[k];
        memcpy(a, tmp, sizeof *a * (size_t)n);
    }
}

/* The int arrays of s (source, target, delay) permuted likewise, through
 * tmp (n int32). */
static void permute_ints(RtGroup *s, const int32_t *perm, bool gather, int32_t *tmp)
{
    int64_t n = s->n;
    int32_t *ints[] = { s->pre.v, s->post.v, s->syn_delay };
    for (size_t q = 0; q < sizeof ints / sizeof *ints; q++) {
        int32_t *a = ints[q];
        if (gather) for (int64_t k = 0; k < n; k++) tmp[k] = a[perm[k]];
        else for (int64_t k = 0; k < n; k++) tmp[perm[k]] = a[k];
        memcpy(a, tmp, sizeof *a * (size_t)n);
    }
}

/* The state monitors of group s. */
static bool monitors_of(const Net *net, const RtGroup *s, int k)
{
    return net->monitors[k]->group == s && net->monitors[k]->kind == RM_STATE;
}

/* The targets' part boundaries of s for P parts: where part j (1 .. P-1)
 * begins (par_range). */
static int32_t part_start(const RtGroup *s, int P, int j)
{
    int32_t lo, hi;
    par_range(s->tgt_n, P, j, &lo, &hi);
    return lo;
}

/* The first place in [lo, hi) of delivery order o whose target is >= t. */
static int32_t first_at_least(const RtGroup *s, const Sorted *o, int32_t lo, int32_t hi, int32_t t)
{
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (sorted_post(s, o, mid) < t) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* Where each of the nruns runs (ending at runs[r].end, from the previous
 * end or the source's start) splits into P target parts; false on out of
 * memory. */
static bool make_splits(const RtGroup *s, const Sorted *o, int P, const int32_t *run_start,
                        const struct DelayRun *runs, int32_t **out)
{
    int64_t nruns = run_start[s->src_n];
    int32_t *sp = malloc(sizeof *sp * (size_t)(nruns * (P - 1) + 1));
    if (!sp) return false;
    for (int64_t i = 0; i < s->src_n; i++) {
        int32_t lo = s->pre_start[i];
        for (int32_t r = run_start[i]; r < run_start[i + 1]; r++) {
            int32_t at = lo;
            for (int j = 1; j < P; j++)
                sp[(int64_t)r * (P - 1) + j - 1] = at = first_at_least(s, o, at, runs[r].end, part_start(s, P, j));
            lo = runs[r].end;
        }
    }
    *out = sp;
    return true;
}

/* The ring slots of s in delivery order o with stride numbers an entry:
 * each own id q of a slot as the one-synapse run from k = inv[q] to k + 1,
 * split where its target's part begins; in fresh[]; false on out of
 * memory. */
static bool ring_to_runs(const RtGroup *s, const Sorted *o, const int32_t *inv, int stride, I32Vec *fresh)
{
    for (int k = 0; k <= s->delay_steps; k++) {
        const I32Vec *v = &s->queue[k];
        if (!v->n) continue;
        if (!i32vec_reserve(&fresh[k], (size_t)stride * v->n)) return false;
        for (size_t q = 0; q < v->n; q++) {
            int32_t at = inv[v->v[q]], *e = fresh[k].v + (size_t)stride * q, post = sorted_post(s, o, at);
            e[0] = at;
            for (int j = 1; j < stride - 1; j++) e[j] = post >= part_start(s, stride - 1, j) ? at : at + 1;
            e[stride - 1] = at + 1;
        }
        fresh[k].n = (size_t)stride * v->n;
    }
    return true;
}

/* The ring slots of s back in own ids: each entry's synapses order[lo..hi)
 * in fresh[]; false on out of memory. */
static bool ring_to_ids(const RtGroup *s, I32Vec *fresh)
{
    size_t st = (size_t)s->ring_stride;
    for (int k = 0; k <= s->delay_steps; k++) {
        const I32Vec *v = &s->queue[k];
        size_t total = 0;
        for (size_t q = 0; q + st <= v->n; q += st) total += (size_t)(v->v[q + st - 1] - v->v[q]);
        if (!total) continue;
        if (!i32vec_reserve(&fresh[k], total)) return false;
        for (size_t q = 0; q + st <= v->n; q += st)
            for (int32_t j = v->v[q]; j < v->v[q + st - 1]; j++) fresh[k].v[fresh[k].n++] = s->order[j];
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

/* Whether s has a state monitor, a spike queued or on_post code: what
 * needs each synapse's place in delivery order by own id. */
static bool needs_places(const Net *net, const RtGroup *s)
{
    for (int k = 0; k < net->nmonitors; k++)
        if (monitors_of(net, s, k)) return true;
    for (int k = 0; k <= s->delay_steps; k++)
        if (s->queue[k].n) return true;
    return s->on_post != NULL;
}

/* Put s in delivery order, or leave it as it is on out of memory: every
 * allocation first, then the changes, which cannot fail. */
static void apply_group(Net *net, RtGroup *s)
{
    int64_t n = s->n;
    Sorted o;
    if (!delivery_order(s, &o)) return;
    bool places = needs_places(net, s);
    int32_t *inv = places ? malloc(sizeof *inv * (size_t)n) : NULL;
    /* the doubles go through the records' memory once they are read */
    double *tmp = o.rec ? (double *)o.rec : malloc(sizeof *tmp * (size_t)n);
    I32Vec *fresh = calloc((size_t)s->delay_steps + 1, sizeof *fresh);
    int32_t **rec_at = calloc((size_t)net->nmonitors + 1, sizeof *rec_at);
    int32_t *post_start = NULL, *post_syn = NULL, *run_start = NULL, *split = NULL;
    struct DelayRun *runs = NULL;
    /* on threads each queued run says where its parts begin */
    int P = net->pool && net->nthreads <= NET_SPLIT_THREADS ? net->nthreads : 1;
    bool ok = (inv || !places) && tmp && fresh && rec_at && make_runs(s, &o, &run_start, &runs) &&
              (P < 2 || make_splits(s, &o, P, run_start, runs, &split));
    if (ok && inv)
        for (int64_t k = 0; k < n; k++) inv[o.order[k]] = (int32_t)k;
    ok = ok && (!inv || ring_to_runs(s, &o, inv, P + 1, fresh));
    for (int k = 0; ok && k < net->nmonitors; k++) {
        RtMonitor *m = net->monitors[k];
        if (!monitors_of(net, s, k)) continue;
        if (!(rec_at[k] = malloc(sizeof **rec_at * (size_t)(m->nrec > 0 ? m->nrec : 1)))) ok = false;
        for (int r = 0; ok && r < m->nrec; r++) rec_at[k][r] = inv[m->rec[r]];
    }
    /* on_post visits each target's synapses in their own order */
    if (ok && s->on_post) {
        I32Vec post = { malloc(sizeof *post.v * (size_t)n), (size_t)n, (size_t)n };
        for (int64_t k = 0; post.v && k < n; k++) post.v[k] = sorted_post(s, &o, k);
        ok = post.v && net_csr_build(&post, s->tgt_n, inv, &post_start, &post_syn);
        free(post.v);
    }
    if (!ok) {
        free(o.order), free(inv), free(tmp), free(post_start), free(post_syn), free(run_start), free(runs), free(split);
        free_ring_copy(s, fresh);
        for (int k = 0; rec_at && k < net->nmonitors; k++) free(rec_at[k]);
        free(rec_at);
        return;
    }
    if (o.rec)
        for (int64_t k = 0; k < n; k++) {
            s->pre.v[k] = sorted_pre(s, &o, k);
            s->post.v[k] = sorted_post(s, &o, k);
            s->syn_delay[k] = sorted_delay(s, &o, k);
        }
    else permute_ints(s, o.order, true, (int32_t *)tmp);
    permute_doubles(s, o.order, true, tmp);
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
    s->order = o.order;
    s->run_start = run_start;
    s->runs = runs;
    s->run_split = split;
    s->ring_stride = P + 1;
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
    permute_ints(s, s->order, false, tmp);
    permute_doubles(s, s->order, false, tmp);
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
    free(s->run_split);
    s->run_start = NULL;
    s->runs = NULL;
    s->run_split = NULL;
    return true;
}

bool net_order_undo(Net *net)
{
    for (int k = 0; k < net->ngroups; k++)
        if (net->groups[k]->order && !undo_group(net, net->groups[k])) return false;
    return true;
}


bool net_order_own(Net *net, RtGroup *g)
{
    return !g->order || undo_group(net, g);
}
