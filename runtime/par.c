/* SPDX-License-Identifier: MIT */
/* This file contains the parallel parts of a time step (par.h).  Every
 * split is by contiguous index ranges in index order, and each piece's
 * results are put together in that order, so the outcome does not depend
 * on the number of threads: a threshold's spikes are concatenated range by
 * range, and spike delivery is split by the target neuron a synapse writes
 * to, each lane keeping the order of the whole list. */
#include "par.h"

#include <stdlib.h>
#include <string.h>

int par_parts(int64_t n, int nthreads, int min_part)
{
    if (nthreads <= 1 || n <= 0) return 1;
    int64_t most = n / (min_part > 0 ? min_part : 1);
    if (most < 1) return 1;
    return most < nthreads ? (int)most : nthreads;
}

void par_range(int64_t n, int parts, int k, int32_t *lo, int32_t *hi)
{
    *lo = (int32_t)(n * k / parts);
    *hi = (int32_t)(n * (k + 1) / parts);
}

/* The work of one pool_run: a block and its arguments, split in parts. */
typedef struct Job {
    snn_block_fn    fn;
    const snn_args *a;
    int             parts;
    int64_t         n;          /* indices to split */
    int32_t        *out;        /* threshold: spikes */
    int32_t         count[64];  /* threshold: spikes of each part (parts <= 64) */
    const int32_t  *idx;        /* indexed: the ascending indices */
    int32_t         nidx;
    ParLanes       *lanes;
    const int32_t  *neurons;    /* delivery: spiking neurons or synapse ids */
    size_t          nn;
    const int32_t  *syn_post;
} Job;

/* The threads of a pool beyond the parts do nothing. */
static void job_each(void *ud, int tid)
{
    Job *j = ud;
    if (tid >= j->parts) return;
    snn_args a = *j->a;
    par_range(j->n, j->parts, tid, &a.lo, &a.hi);
    if (a.lo < a.hi) j->fn(&a);
}

void par_each(Pool *pool, int parts, snn_block_fn fn, const snn_args *a)
{
    Job j = { .fn = fn, .a = a, .parts = parts, .n = a->n };
    pool_run(pool, job_each, &j);
}

static void job_thresh(void *ud, int tid)
{
    Job *j = ud;
    if (tid >= j->parts) return;
    snn_args a = *j->a;
    par_range(j->n, j->parts, tid, &a.lo, &a.hi);
    a.out = j->out + a.lo;
    j->count[tid] = a.lo < a.hi ? j->fn(&a) : 0;
}

int32_t par_thresh(Pool *pool, int parts, snn_block_fn fn, const snn_args *a, int32_t *out)
{
    Job j = { .fn = fn, .a = a, .parts = parts > 64 ? 64 : parts, .n = a->n, .out = out };
    pool_run(pool, job_thresh, &j);
    /* part k wrote at out + lo_k >= the spikes of the parts before it */
    int32_t total = 0;
    for (int k = 0; k < j.parts; k++) {
        int32_t lo, hi;
        par_range(j.n, j.parts, k, &lo, &hi);
        if (j.count[k] && lo != total) memmove(out + total, out + lo, sizeof *out * (size_t)j.count[k]);
        total += j.count[k];
    }
    return total;
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

static void job_indexed(void *ud, int tid)
{
    Job *j = ud;
    if (tid >= j->parts) return;
    int32_t lo, hi;
    par_range(j->n, j->parts, tid, &lo, &hi);
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
    pool_run(pool, job_indexed, &j);
}

/* {====================================================================
 * Lanes: delivery by target range
 * ===================================================================== */

struct ParLanes {
    int      parts;
    int64_t  nsrc, ntgt;
    int32_t *start;      /* parts * (nsrc + 1): lane k's CSR by source */
    int32_t *syn;        /* all lanes' synapse ids, lane after lane */
    struct Scratch { int32_t *v; size_t n, cap; } *scratch;
};

ParLanes *par_lanes_new(int parts, int64_t nsrc, int64_t ntgt, const int32_t *start, const int32_t *syn,
                        const int32_t *syn_post)
{
    ParLanes *l = calloc(1, sizeof *l);
    size_t nsyn = (size_t)start[nsrc];
    if (!l) return NULL;
    l->parts = parts;
    l->nsrc = nsrc;
    l->ntgt = ntgt;
    l->start = malloc(sizeof *l->start * (size_t)parts * (size_t)(nsrc + 1));
    l->syn = malloc(sizeof *l->syn * (nsyn ? nsyn : 1));
    l->scratch = calloc((size_t)parts, sizeof *l->scratch);
    if (!l->start || !l->syn || !l->scratch) {
        par_lanes_free(l);
        return NULL;
    }
    /* lane k: the synapses onto [lo, hi), source by source in CSR order;
     * its start[] offsets point into the one syn array */
    size_t fill = 0;
    for (int k = 0; k < parts; k++) {
        int32_t lo, hi, *st = l->start + (size_t)k * (size_t)(nsrc + 1);
        par_range(ntgt, parts, k, &lo, &hi);
        for (int64_t i = 0; i < nsrc; i++) {
            st[i] = (int32_t)fill;
            for (int32_t q = start[i]; q < start[i + 1]; q++) {
                int32_t id = syn ? syn[q] : q;
                if (syn_post[id] >= lo && syn_post[id] < hi) l->syn[fill++] = id;
            }
        }
        st[nsrc] = (int32_t)fill;
    }
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

/* Room for more ids in a scratch list (emptied first). */
static bool scratch_room(struct Scratch *s, size_t more)
{
    s->n = 0;
    if (more <= s->cap) return true;
    size_t cap = s->cap ? s->cap : 64;
    while (cap < more) cap *= 2;
    int32_t *v = realloc(s->v, sizeof *v * cap);
    if (!v) return false;
    s->v = v;
    s->cap = cap;
    return true;
}

static void job_neurons(void *ud, int tid)
{
    Job *j = ud;
    ParLanes *l = j->lanes;
    if (tid >= l->parts) return;
    const int32_t *st = l->start + (size_t)tid * (size_t)(l->nsrc + 1);
    struct Scratch *s = &l->scratch[tid];
    for (size_t k = 0; k < j->nn; k++) {
        int32_t i = j->neurons[k], len = st[i + 1] - st[i];
        memcpy(s->v + s->n, l->syn + st[i], sizeof *s->v * (size_t)len);
        s->n += (size_t)len;
    }
    if (!s->n) return;
    snn_args a = *j->a;
    a.idx = s->v;
    a.nidx = (snn_i32)s->n;
    j->fn(&a);
}

bool par_deliver_neurons(Pool *pool, ParLanes *l, snn_block_fn fn, const snn_args *a, const int32_t *neurons,
                         size_t nn)
{
    /* room first, so that out of memory delivers nothing */
    for (int k = 0; k < l->parts; k++) {
        const int32_t *st = l->start + (size_t)k * (size_t)(l->nsrc + 1);
        size_t total = 0;
        for (size_t q = 0; q < nn; q++) total += (size_t)(st[neurons[q] + 1] - st[neurons[q]]);
        if (!scratch_room(&l->scratch[k], total)) return false;
    }
    Job j = { .fn = fn, .a = a, .lanes = l, .neurons = neurons, .nn = nn };
    pool_run(pool, job_neurons, &j);
    return true;
}

static void job_synapses(void *ud, int tid)
{
    Job *j = ud;
    ParLanes *l = j->lanes;
    if (tid >= l->parts) return;
    int32_t lo, hi;
    par_range(l->ntgt, l->parts, tid, &lo, &hi);
    struct Scratch *s = &l->scratch[tid];
    for (size_t k = 0; k < j->nn; k++) {
        int32_t t = j->syn_post[j->neurons[k]];
        if (t >= lo && t < hi) s->v[s->n++] = j->neurons[k];
    }
    if (!s->n) return;
    snn_args a = *j->a;
    a.idx = s->v;
    a.nidx = (snn_i32)s->n;
    j->fn(&a);
}

bool par_deliver_synapses(Pool *pool, ParLanes *l, snn_block_fn fn, const snn_args *a, const int32_t *ids, size_t n,
                          const int32_t *syn_post)
{
    for (int k = 0; k < l->parts; k++)
        if (!scratch_room(&l->scratch[k], n)) return false;
    Job j = { .fn = fn, .a = a, .lanes = l, .neurons = ids, .nn = n, .syn_post = syn_post };
    pool_run(pool, job_synapses, &j);
    return true;
}
