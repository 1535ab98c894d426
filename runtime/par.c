/* SPDX-License-Identifier: MIT */
/* This file contains the parallel parts of a time step (par.h).  Every
 * split is by contiguous index ranges in index order, and each piece's
 * results are put together in that order, so the outcome depends neither
 * on the number of parts nor on which thread runs which: a threshold's
 * spikes are concatenated range by range, and spike delivery is split by
 * the target neuron a synapse writes to, each lane keeping the order of the
 * whole list.  Nothing here allocates in a time step except a lane's
 * scratch list growing (and a lane that cannot grow it delivers without). */
#include "par.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

int par_parts(int64_t n, int nthreads, int min_part)
{
    if (nthreads <= 1 || n <= 0) return 1;
    int64_t most = n / (min_part > 0 ? min_part : 1), want = (int64_t)nthreads * PAR_PARTS_PER_THREAD;
    if (want > PAR_MAX_PARTS) want = PAR_MAX_PARTS;
    if (most < 1) return 1;
    return most < want ? (int)most : (int)want;
}

void par_range(int64_t n, int parts, int k, int32_t *lo, int32_t *hi)
{
    *lo = (int32_t)(n * k / parts);
    *hi = (int32_t)(n * (k + 1) / parts);
}

/* A part's spike count, on a cache line of its own (parts run on different
 * threads). */
typedef struct { alignas(64) int32_t n; } PartCount;

/* The work of one pool_run: a block and its arguments, split in parts. */
typedef struct Job {
    snn_block_fn    fn;
    snn_block_fn    fn2;        /* update and threshold: the threshold */
    const snn_args *a;
    int             parts;
    int64_t         n;          /* indices to split */
    int32_t         base;       /* ... from this one on (a->lo: an MPI rank's part) */
    int32_t        *out;        /* threshold: spikes */
    PartCount      *count;      /* threshold: spikes of each part */
    const int32_t  *idx;        /* indexed: the ascending indices */
    int32_t         nidx;
    ParLanes       *lanes;
    const int32_t  *neurons;    /* delivery: spiking neurons or synapse ids */
    size_t          nn;
    const int32_t  *syn_post;
} Job;

static void job_each(void *ud, int part)
{
    Job *j = ud;
    snn_args a = *j->a;
    par_range(j->n, j->parts, part, &a.lo, &a.hi);
    a.lo += j->base, a.hi += j->base;
    if (a.lo < a.hi) j->fn(&a);
}

/* The indices [a->lo, end) a split covers: all of [0, n) when hi is 0. */
static int64_t split_size(const snn_args *a)
{
    return (int64_t)SNN_RANGE_END(a) - a->lo;
}

void par_each(Pool *pool, int parts, snn_block_fn fn, const snn_args *a)
{
    Job j = { .fn = fn, .a = a, .parts = parts, .n = split_size(a), .base = a->lo };
    pool_run(pool, job_each, &j, parts);
}

/* The spikes of parts ranges of n neurons, part k's count[k * stride] of
 * them at out + lo_k, moved together in order; their number. */
static int32_t gather_spikes(int32_t *out, int64_t n, int parts, const int32_t *count, size_t stride)
{
    /* part k wrote at out + lo_k >= the spikes of the parts before it */
    int32_t total = 0;
    for (int k = 0; k < parts; k++) {
        int32_t lo, hi;
        par_range(n, parts, k, &lo, &hi);
        int32_t c = count[(size_t)k * stride];
        if (c && lo != total) memmove(out + total, out + lo, sizeof *out * (size_t)c);
        total += c;
    }
    return total;
}

/* A part of a threshold, after the part's update where there is one
 * (fn; fn2 the threshold). */
static void job_thresh(void *ud, int part)
{
    Job *j = ud;
    snn_args a = *j->a;
    par_range(j->n, j->parts, part, &a.lo, &a.hi);
    a.out = j->out + a.lo;
    a.lo += j->base, a.hi += j->base;
    j->count[part].n = 0;
    if (a.lo >= a.hi) return;
    if (j->fn) j->fn(&a);
    j->count[part].n = j->fn2(&a);
}

int32_t par_update_thresh(Pool *pool, int parts, snn_block_fn update, snn_block_fn thresh, const snn_args *a,
                          int32_t *out)
{
    PartCount count[PAR_MAX_PARTS];
    Job j = { .fn = update, .fn2 = thresh, .a = a, .parts = parts > PAR_MAX_PARTS ? PAR_MAX_PARTS : parts,
              .n = split_size(a), .base = a->lo, .out = out, .count = count };
    pool_run(pool, job_thresh, &j, j.parts);
    return gather_spikes(out, j.n, j.parts, &count[0].n, sizeof *count / sizeof count[0].n);
}

int32_t par_thresh(Pool *pool, int parts, snn_block_fn fn, const snn_args *a, int32_t *out)
{
    return par_update_thresh(pool, parts, NULL, fn, a, out);
}

/* {====================================================================
 * Several blocks in one split
 * ===================================================================== */

/* The work of par_each_many: each part runs its range of every item;
 * count[part] (a cache line or more of its own) the spikes of each item's
 * part. */
typedef int32_t ManyCount[PAR_MANY] __attribute__((aligned(64)));
typedef struct ManyJob { const ParItem *items; int n, parts; ManyCount *count; } ManyJob;

static void job_many(void *ud, int part)
{
    const ManyJob *j = ud;
    for (int q = 0; q < j->n; q++) {
        const ParItem *it = &j->items[q];
        snn_args a = *it->a;
        par_range(split_size(it->a), j->parts, part, &a.lo, &a.hi);
        if (it->out) a.out = it->out + a.lo;
        a.lo += it->a->lo, a.hi += it->a->lo;
        if (it->out) j->count[part][q] = 0;
        if (a.lo >= a.hi) continue;
        if (it->fn) it->fn(&a);
        if (it->out) j->count[part][q] = it->thresh(&a);
    }
}

void par_each_many(Pool *pool, int parts, const ParItem *items, int n)
{
    ManyCount count[PAR_MAX_PARTS];
    if (parts > PAR_MAX_PARTS) parts = PAR_MAX_PARTS;
    ManyJob j = { items, n < PAR_MANY ? n : PAR_MANY, parts, count };
    pool_run(pool, job_many, &j, parts);
    for (int q = 0; q < j.n; q++)
        if (items[q].out)
            *items[q].nspikes = gather_spikes(items[q].out, split_size(items[q].a), parts, &count[0][q], PAR_MANY);
}

/* The first position of idx[0..n) whose value is >= x. */
static int32_t lower_bound(const int32_t *idx, int32_t n, int32_t x)
{
    int32_t lo = 0, hi = n;
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (idx[mid] < x) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static void job_indexed(void *ud, int part)
{
    Job *j = ud;
    int32_t lo, hi;
    par_range(j->n, j->parts, part, &lo, &hi);
    int32_t first = lower_bound(j->idx, j->nidx, lo), end = lower_bound(j->idx, j->nidx, hi);
    if (first == end) return;
    snn_args a = *j->a;
    a.idx = j->idx + first;
    a.nidx = end - first;
    j->fn(&a);
}

void par_indexed(Pool *pool, int parts, int64_t ngroup, snn_block_fn fn, const snn_args *a, const int32_t *idx,
                 int32_t n)
{
    Job j = { .fn = fn, .a = a, .parts = parts, .n = ngroup, .idx = idx, .nidx = n };
    pool_run(pool, job_indexed, &j, parts);
}

/* {====================================================================
 * Lanes: delivery by target range
 * ===================================================================== */

/* A lane's scratch list, on cache lines of its own. */
struct Scratch { alignas(64) int32_t *v; size_t cap; };

struct ParLanes {
    int      parts;
    int64_t  nsrc, ntgt;
    int32_t *start;      /* parts * (nsrc + 1): lane k's CSR by source (NULL: scratch only) */
    int32_t *syn;        /* all lanes' synapse ids, lane after lane */
    struct Scratch *scratch;
};

/* The building of lanes, shared out on the pool: the source neurons in
 * parts ranges, each range's counts and places written by its own part. */
typedef struct LaneBuild {
    ParLanes      *l;
    const int32_t *start, *syn, *syn_post;
    const uint8_t *lane;        /* each target's lane */
    int            pass;        /* 0: count, 1: fill, 2: shift back */
} LaneBuild;

static void job_lanes(void *ud, int part)
{
    LaneBuild *b = ud;
    ParLanes *l = b->l;
    size_t row = (size_t)(l->nsrc + 1);
    if (b->pass == 2) {
        /* part = lane: st[i] is where source i + 1's begin, shift back by one */
        int32_t *st = l->start + (size_t)part * row, lane_start = part ? st[-1] : 0;
        for (int64_t i = l->nsrc - 1; i > 0; i--) st[i] = st[i - 1];
        if (l->nsrc > 0) st[0] = lane_start;
        return;
    }
    int32_t lo, hi;
    par_range(l->nsrc, l->parts, part, &lo, &hi);
    for (int32_t i = lo; i < hi; i++)
        for (int32_t q = b->start[i]; q < b->start[i + 1]; q++) {
            int32_t id = b->syn ? b->syn[q] : q;
            int32_t *at = &l->start[(size_t)b->lane[b->syn_post[id]] * row + (size_t)i];
            if (b->pass == 0) (*at)++;
            else l->syn[(*at)++] = id;
        }
}

ParLanes *par_lanes_new(Pool *pool, int parts, int64_t nsrc, int64_t ntgt, const int32_t *start,
                        const int32_t *syn, const int32_t *syn_post)
{
    ParLanes *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    l->parts = parts;
    l->nsrc = nsrc;
    l->ntgt = ntgt;
    l->scratch = aligned_alloc(64, sizeof *l->scratch * (size_t)parts);
    if (l->scratch) memset(l->scratch, 0, sizeof *l->scratch * (size_t)parts);
    if (!start) {
        if (l->scratch) return l;
        par_lanes_free(l);
        return NULL;
    }
    size_t nsyn = (size_t)start[nsrc], row = (size_t)(nsrc + 1);
    l->start = calloc((size_t)parts * row, sizeof *l->start);
    l->syn = malloc(sizeof *l->syn * (nsyn ? nsyn : 1));
    uint8_t *lane = malloc((size_t)(ntgt > 0 ? ntgt : 1));
    if (!l->start || !l->syn || !l->scratch || !lane || parts > 256) {
        free(lane);
        par_lanes_free(l);
        return NULL;
    }
    for (int k = 0; k < parts; k++) {
        int32_t lo, hi;
        par_range(ntgt, parts, k, &lo, &hi);
        memset(lane + lo, k, (size_t)(hi - lo));
    }
    /* lane k: the synapses onto [lo_k, hi_k), source by source in CSR
     * order; its start[] offsets point into the one syn array.  Two passes
     * over the synapses, whatever the number of lanes: counts per lane and
     * source, then each synapse put at its place. */
    LaneBuild b = { l, start, syn, syn_post, lane, 0 };
    pool_run(pool, job_lanes, &b, parts);
    int32_t fill = 0;
    for (int k = 0; k < parts; k++) {
        int32_t *st = l->start + (size_t)k * row;
        for (int64_t i = 0; i < nsrc; i++) {
            int32_t c = st[i];
            st[i] = fill;
            fill += c;
        }
        st[nsrc] = fill;
    }
    /* st[i] is lane k's place for the next synapse of source i */
    b.pass = 1;
    pool_run(pool, job_lanes, &b, parts);
    b.pass = 2;
    pool_run(pool, job_lanes, &b, parts);
    free(lane);
    return l;
}

int par_lanes_parts(const ParLanes *l)
{
    return l ? l->parts : 0;
}

void par_lanes_free(ParLanes *l)
{
    if (!l) return;
    for (int k = 0; l->scratch && k < l->parts; k++) free(l->scratch[k].v);
    free(l->scratch);
    free(l->start);
    free(l->syn);
    free(l);
}

/* Room for n ids in a scratch list; false if it cannot grow (on the
 * thread of its part, which rarely happens once a run has gone a while). */
static bool scratch_room(struct Scratch *s, size_t n)
{
    if (n <= s->cap) return true;
    size_t cap = s->cap ? s->cap : 256;
    while (cap < n) cap *= 2;
    int32_t *v = realloc(s->v, sizeof *v * cap);
    if (!v) return false;
    s->v = v;
    s->cap = cap;
    return true;
}

/* Deliver one lane's synapses of the spiking neurons: gathered into the
 * scratch list and one call, or one call per neuron if the list cannot
 * grow (the same additions in the same order).  (Passing each neuron's
 * range of the lane's list as a run, snn_args.runs, with no copy, was 12%
 * slower on CUBA 64000 with 2 threads: the runs are short.) */
static void job_neurons(void *ud, int part)
{
    Job *j = ud;
    ParLanes *l = j->lanes;
    const int32_t *st = l->start + (size_t)part * (size_t)(l->nsrc + 1);
    struct Scratch *s = &l->scratch[part];
    size_t total = 0;
    for (size_t k = 0; k < j->nn; k++) total += (size_t)(st[j->neurons[k] + 1] - st[j->neurons[k]]);
    if (!total) return;
    snn_args a = *j->a;
    if (!scratch_room(s, total)) {
        for (size_t k = 0; k < j->nn; k++) {
            int32_t i = j->neurons[k];
            a.idx = l->syn + st[i];
            a.nidx = st[i + 1] - st[i];
            if (a.nidx) j->fn(&a);
        }
        return;
    }
    size_t n = 0;
    for (size_t k = 0; k < j->nn; k++) {
        int32_t i = j->neurons[k], len = st[i + 1] - st[i];
        memcpy(s->v + n, l->syn + st[i], sizeof *s->v * (size_t)len);
        n += (size_t)len;
    }
    a.idx = s->v;
    a.nidx = (snn_i32)n;
    j->fn(&a);
}

void par_deliver_neurons(Pool *pool, ParLanes *l, snn_block_fn fn, const snn_args *a, const int32_t *neurons,
                         size_t nn)
{
    Job j = { .fn = fn, .a = a, .lanes = l, .neurons = neurons, .nn = nn };
    pool_run(pool, job_neurons, &j, l->parts);
}

/* Deliver the due synapses whose target is in this part's range: gathered
 * into the scratch list, or one call per synapse if it cannot grow. */
static void job_synapses(void *ud, int part)
{
    Job *j = ud;
    ParLanes *l = j->lanes;
    int32_t lo, hi;
    par_range(l->ntgt, j->parts, part, &lo, &hi);
    struct Scratch *s = &l->scratch[part];
    snn_args a = *j->a;
    if (!scratch_room(s, j->nn)) {
        for (size_t k = 0; k < j->nn; k++) {
            int32_t t = j->syn_post[j->neurons[k]];
            if (t < lo || t >= hi) continue;
            a.idx = &j->neurons[k];
            a.nidx = 1;
            j->fn(&a);
        }
        return;
    }
    size_t n = 0;
    for (size_t k = 0; k < j->nn; k++) {
        int32_t t = j->syn_post[j->neurons[k]];
        if (t >= lo && t < hi) s->v[n++] = j->neurons[k];
    }
    if (!n) return;
    a.idx = s->v;
    a.nidx = (snn_i32)n;
    j->fn(&a);
}

void par_deliver_synapses(Pool *pool, ParLanes *l, int parts, snn_block_fn fn, const snn_args *a, const int32_t *ids,
                          size_t n, const int32_t *syn_post)
{
    if (parts > l->parts) parts = l->parts;
    Job j = { .fn = fn, .a = a, .parts = parts, .lanes = l, .neurons = ids, .nn = n, .syn_post = syn_post };
    pool_run(pool, job_synapses, &j, parts);
}

/* The first position in [lo, hi) of syn_post (ascending there) whose
 * target is >= t, without branches on the values: a short range counts
 * the targets below t (the code reads them next anyway), a long one
 * halves with conditional moves. */
static int32_t first_target(const int32_t *syn_post, int32_t lo, int32_t hi, int32_t t)
{
    const int32_t *b = syn_post + lo;
    int32_t n = hi - lo;
    if (n <= 32) {
        int32_t below = 0;
        for (int32_t k = 0; k < n; k++) below += b[k] < t;
        return lo + below;
    }
    while (n > 1) {
        int32_t half = n / 2;
        b = b[half - 1] < t ? b + half : b;
        n -= half;
    }
    return (int32_t)(b - syn_post) + (*b < t);
}

/* Part part (of parts) of the due runs of r: its piece of each, from the
 * run's entry (PAR_RUN_CHUNK pieces a call, those of the next chunk
 * fetched ahead) or, without places there, found in syn_post (its targets
 * [t0, t1) are a range of positions within each run; a call each); or of
 * each due neuron's CSR range, from its places (r->due). */
static void deliver_pieces(const ParRuns *r, int parts, int part)
{
    snn_args a = *r->a;
    if (r->due) {
        /* each due neuron's piece from its places, PAR_RUN_CHUNK pieces a
         * call; the places (one line per neuron, rarely in the cache) are
         * fetched for all first, and each chunk's targets ahead */
        int32_t piece[2 * PAR_RUN_CHUNK], m = 0;
        for (size_t k = 0; k < r->nruns; k++) __builtin_prefetch(r->split + (size_t)r->due[k] * (size_t)parts + part);
        a.runs = piece;
        a.run_stride = 2;
        for (size_t k = 0; k < r->nruns; k++) {
            const int32_t *at = r->split + (size_t)r->due[k] * (size_t)parts + part;
            piece[2 * m] = at[0];
            piece[2 * m + 1] = at[1];
            if (at[0] < at[1]) __builtin_prefetch(r->syn_post + at[0]);
            m += at[0] < at[1];
            if (m == PAR_RUN_CHUNK) {
                a.nruns = m;
                r->fn(&a);
                m = 0;
            }
        }
        if (m) {
            a.nruns = m;
            r->fn(&a);
        }
        return;
    }
    int32_t t0, t1;
    par_range(r->ntgt, parts, part, &t0, &t1);
    const int32_t *post = r->syn_post;
    size_t st = (size_t)r->stride, n = r->nruns * st;
    if (st == (size_t)parts + 1) {
        size_t chunk = st * PAR_RUN_CHUNK;
        a.run_stride = (snn_i32)st;
        for (size_t q = 0; q < n; q += chunk) {
            for (size_t f = q + chunk; f < q + 2 * chunk && f < n; f += st)
                par_prefetch_range(post, a.v, r->nvars, r->runs[f + (size_t)part], r->runs[f + (size_t)part + 1]);
            a.runs = r->runs + q + part;
            a.nruns = (snn_i32)((n - q < chunk ? n - q : chunk) / st);
            r->fn(&a);
        }
        return;
    }
    size_t ahead = st * PAR_PREFETCH_AHEAD;
    for (size_t q = 0; q < n; q += st) {
        const int32_t *e = r->runs + q;
        if (q + ahead < n) par_prefetch_range(post, a.v, r->nvars, e[ahead], e[ahead + st - 1]);
        int32_t lo = e[0], hi = e[st - 1];
        a.lo = post[lo] >= t0 ? lo : first_target(post, lo, hi, t0);
        a.hi = post[hi - 1] < t1 ? hi : first_target(post, a.lo, hi, t1);
        if (a.lo < a.hi) r->fn(&a);
    }
}

/* The work of par_deliver_runs_many. */
typedef struct RunsJob { const ParRuns *r; int n, parts; } RunsJob;

static void job_runs(void *ud, int part)
{
    const RunsJob *j = ud;
    for (int q = 0; q < j->n; q++) deliver_pieces(&j->r[q], j->parts, part);
}

void par_deliver_runs_here(const ParRuns *r)
{
    deliver_pieces(r, 1, 0);
}

void par_deliver_runs_many(Pool *pool, int parts, const ParRuns *r, int n)
{
    RunsJob j = { r, n, parts };
    pool_run(pool, job_runs, &j, parts);
}
