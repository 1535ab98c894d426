/* SPDX-License-Identifier: MIT */
/* This file contains the spike exchange of MPI ranks once per minimum
 * delay (mpi_spikes.h).  With D the smallest delay, in steps, of every
 * pathway that source spikes trigger (on_pre and named pathways, over all
 * ranks), a spike of step s acts on a synapse at step s + D at the
 * soonest, so the ranks need each other's spikes only every D steps: each
 * rank buffers its own spikes of each threshold (g->spikes keeps them for
 * reset and on_post, which act on its own neurons), and at the step
 * boundary after D steps (and at the end of every run) the ranks exchange
 * the buffered lists of all groups in two collectives: MPI_Allgather of
 * each list's count (with the flags of the agreement on stopping) and
 * MPI_Allgatherv of the indices.  Then every object that met an
 * incomplete list in those steps gets the complete one, in the order it
 * met them: an on_pre ring queues it where it would have (its slots for
 * those spikes are still ahead, since every delay is at least D), a spike
 * or rate monitor records it for its step.  So every ring slot receives
 * the same ids in the same order as in one process, and the monitors the
 * same records.  A zero delay, or a network operation that may read spike
 * lists (added spikes, callbacks), makes D 0: the ranks exchange after
 * every threshold, as mpi_exchange_spikes does. */
#include "mpi_spikes.h"
#include "mpi_net.h"

#include <stdlib.h>
#include <string.h>

#ifdef SNN_HAVE_MPI
#include <mpi.h>

/* The most steps between two exchanges (the buffers hold that many). */
#define MAX_INTERVAL 1000

/* A neuron group's lists since the last exchange. */
typedef struct SpkGroup {
    RtGroup *g;
    I32Vec   own;       /* this rank's spikes of each list, one list after another */
    I32Vec   counts;    /* how many each list has */
} SpkGroup;

/* An object waiting for a complete list (mpi_defer). */
typedef struct Deferred {
    int      kind;      /* MPI_DEFER_* */
    void    *obj;
    int      path;
    int      group;     /* index into MpiSpikes.grp */
    int32_t  list;      /* which of its buffered lists */
    int64_t  arg;       /* ring position, or the step recorded */
} Deferred;

struct MpiSpikes {
    int64_t   interval;     /* steps between exchanges; 0: at every threshold */
    int64_t   next;         /* the step boundary of the next exchange */
    bool      agree_each;   /* an operation may stop the run: agree at every boundary */
    SpkGroup *grp;          /* every neuron group */
    int       ngrp;
    Deferred *log;
    size_t    nlog, caplog;
    int      *counts, *displs;          /* per rank, for MPI_Allgatherv */
    I32Vec    sendc, recvc, send, recv, all;
    int64_t  *start;                    /* where each list begins in all (one more: the end) */
    size_t    capstart;
};

static MPI_Comm comm_of(const Net *net)
{
    MPI_Comm c;
    memcpy(&c, mpi_comm_of(net), sizeof c);
    return c;
}

/* The smallest delay of a ring, in its clock's steps: homogeneous (delay),
 * or the least of n synapses' (syn_delay); INT64_MAX for none. */
static int64_t ring_min(int delay, const int32_t *syn_delay, int64_t n)
{
    if (!syn_delay) return delay;
    int64_t m = INT64_MAX;
    for (int64_t k = 0; k < n; k++)
        if (syn_delay[k] < m) m = syn_delay[k];
    return m;
}

/* This rank's D (see the top): the smallest delay in network steps of the
 * rings source spikes trigger; 0 when some operation may read spike lists;
 * INT64_MAX when no ring reads them. */
static int64_t min_delay(const Net *net)
{
    for (int k = 0; k < net->nops; k++)
        if (!net->ops[k].no_spikes) return 0;
    int64_t d = INT64_MAX;
    for (int k = 0; k < net->ngroups; k++) {
        const RtGroup *s = net->groups[k];
        if (s->kind != RG_SYNAPSES || s->n <= 0) continue;
        int64_t every = s->src->every > 1 ? s->src->every : 1, m;
        if (s->on_pre && (m = ring_min(s->delay_steps, s->syn_delay, s->n)) < INT64_MAX && m * every < d)
            d = m * every;
        for (int q = 0; q < s->npaths; q++) {
            const struct RtPath *p = &s->paths[q];
            /* a pathway the target triggers needs only this rank's spikes */
            if (!p->post && (m = ring_min(p->delay_steps, p->syn_delay, s->n)) < INT64_MAX && m * every < d)
                d = m * every;
        }
    }
    return d;
}

/* Empty the buffers: every list is complete again. */
static void clear(struct MpiSpikes *st)
{
    for (int k = 0; k < st->ngrp; k++) {
        st->grp[k].own.n = st->grp[k].counts.n = 0;
        st->grp[k].g->spikes_buffered = 0;
    }
    st->nlog = 0;
}

/* The state of net's exchange, made at its first run; NULL on out of
 * memory. */
static struct MpiSpikes *state_of(Net *net)
{
    if (net->mpi_spk) return net->mpi_spk;
    struct MpiSpikes *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    net->mpi_spk = st;
    st->counts = calloc((size_t)net->nranks, sizeof *st->counts);
    st->displs = calloc((size_t)net->nranks, sizeof *st->displs);
    st->grp = calloc((size_t)net->ngroups + 1, sizeof *st->grp);
    if (!st->counts || !st->displs || !st->grp) {
        mpi_spikes_free(net);
        return NULL;
    }
    for (int k = 0; k < net->ngroups; k++)
        if (net->groups[k]->kind == RG_NEURONS) st->grp[st->ngrp++].g = net->groups[k];
    return st;
}

bool mpi_spikes_begin(Net *net, int64_t nsteps, bool *stop, bool *request)
{
    struct MpiSpikes *st = state_of(net);
    /* every rank takes part in the agreement: one short of memory says so
     * with a D of -1 */
    int64_t v[3] = { st ? min_delay(net) : -1, -(int64_t)*stop, -(int64_t)*request };
    if (MPI_Allreduce(MPI_IN_PLACE, v, 3, MPI_INT64_T, MPI_MIN, comm_of(net)) != MPI_SUCCESS || v[0] < 0)
        return false;
    clear(st);
    int64_t d = v[0];
    if (d > MAX_INTERVAL) d = MAX_INTERVAL;
    if (d > nsteps) d = nsteps > 1 ? nsteps : 1;
    st->interval = d;
    st->next = net->step + d;
    st->agree_each = net->nops > 0;
    *stop = v[1] < 0, *request = v[2] < 0;
    net->stop = *stop;
    if (*request && net->stop_request) *net->stop_request = 1;
    return true;
}

/* The buffered list of group g, as an index into st->grp. */
static int group_index(const struct MpiSpikes *st, const RtGroup *g)
{
    for (int k = 0; k < st->ngrp; k++)
        if (st->grp[k].g == g) return k;
    return -1;
}

bool mpi_spikes_thresh(Net *net, RtGroup *g)
{
    struct MpiSpikes *st = net->mpi_spk;
    if (!st->interval) return mpi_exchange_spikes(net, g->spikes, &g->nspikes);
    SpkGroup *sg = &st->grp[group_index(st, g)];
    if (!i32vec_push(&sg->counts, g->nspikes)) return false;
    if (!i32vec_append(&sg->own, g->spikes, (size_t)g->nspikes)) {
        sg->counts.n--;
        return false;
    }
    g->spikes_buffered = (int32_t)sg->counts.n;
    return true;
}

bool mpi_defer(Net *net, int kind, void *obj, int path, const RtGroup *g, int64_t arg)
{
    struct MpiSpikes *st = net->mpi_spk;
    if (st->nlog == st->caplog) {
        size_t cap = st->caplog ? 2 * st->caplog : 64;
        Deferred *v = realloc(st->log, sizeof *v * cap);
        if (!v) return false;
        st->log = v;
        st->caplog = cap;
    }
    st->log[st->nlog++] = (Deferred){ kind, obj, path, group_index(st, g), g->spikes_buffered - 1, arg };
    return true;
}

/* Do for each deferred object what it would have done with the complete
 * lists (all, list q from start[q]; goff[k]: group k's first list). */
static bool replay(Net *net, const struct MpiSpikes *st, const int32_t *all, const int64_t *start, const size_t *goff)
{
    for (size_t e = 0; e < st->nlog; e++) {
        const Deferred *d = &st->log[e];
        size_t q = goff[d->group] + (size_t)d->list;
        const int32_t *ids = all + start[q];
        int32_t n = (int32_t)(start[q + 1] - start[q]);
        bool ok = d->kind == MPI_DEFER_RING      ? net_ring_push(d->obj, d->path, (int)d->arg, ids, n)
                  : d->kind == MPI_DEFER_SPIKEMON ? net_record_spikes(d->obj, ids, (size_t)n, d->arg)
                                                  : net_record_rate_of(net, d->obj, ids, n, d->arg);
        if (!ok) return false;
    }
    return true;
}

/* The exchange of every buffered list, with the agreement on stopping
 * (*stop, *request: this rank's wish in, the ranks' logical or out).  A
 * rank receives 4 (K - 1) (M + 2) bytes of counts (M lists, two flags)
 * and the other ranks' indices, 4 bytes each. */
static bool exchange(Net *net, bool *stop, bool *request)
{
    struct MpiSpikes *st = net->mpi_spk;
    MPI_Comm comm = comm_of(net);
    int nr = net->nranks;
    double t0 = MPI_Wtime(), c0 = mpi_cpu_now();
    size_t nlists = 0, mine = 0;
    size_t *goff = malloc(sizeof *goff * ((size_t)st->ngrp + 1));
    if (!goff) return false;
    for (int k = 0; k < st->ngrp; k++) {
        goff[k] = nlists;
        nlists += st->grp[k].counts.n;
        mine += st->grp[k].own.n;
    }
    size_t w = nlists + 2;
    st->sendc.n = st->send.n = 0;
    if (!i32vec_reserve(&st->sendc, w) || !i32vec_reserve(&st->recvc, w * (size_t)nr) ||
        !i32vec_reserve(&st->send, mine)) {
        free(goff);
        return false;
    }
    int32_t *sc = st->sendc.v;
    sc[0] = *stop, sc[1] = *request;
    for (int k = 0; k < st->ngrp; k++) {
        memcpy(sc + 2 + goff[k], st->grp[k].counts.v, sizeof *sc * st->grp[k].counts.n);
        i32vec_append(&st->send, st->grp[k].own.v, st->grp[k].own.n);
    }
    bool ok = MPI_Allgather(sc, (int)w, MPI_INT32_T, st->recvc.v, (int)w, MPI_INT32_T, comm) == MPI_SUCCESS;
    const int32_t *rc = st->recvc.v;
    bool any_stop = false, any_request = false;
    int64_t total = 0;
    for (int r = 0; ok && r < nr; r++) {
        any_stop |= rc[(size_t)r * w] != 0;
        any_request |= rc[(size_t)r * w + 1] != 0;
        int64_t t = 0;
        for (size_t q = 2; q < w; q++) t += rc[(size_t)r * w + q];
        st->counts[r] = (int)t;
        st->displs[r] = (int)total;
        total += t;
    }
    /* total and the lists' sizes are the same on every rank */
    ok = ok && total <= INT32_MAX;
    if (ok && st->capstart < nlists + 1) {
        int64_t *v = realloc(st->start, sizeof *v * (nlists + 1));
        if (v) st->start = v, st->capstart = nlists + 1;
        ok = v != NULL;
    }
    st->recv.n = st->all.n = 0;
    ok = ok && i32vec_reserve(&st->recv, (size_t)total) && i32vec_reserve(&st->all, (size_t)total);
    if (ok && total)
        ok = MPI_Allgatherv(st->send.v, (int)mine, MPI_INT32_T, st->recv.v, st->counts, st->displs, MPI_INT32_T,
                            comm) == MPI_SUCCESS;
    if (ok) {
        mpi_add_exchange(net, MPI_Wtime() - t0, mpi_cpu_now() - c0,
                         4 * ((uint64_t)(nr - 1) * w + (uint64_t)total - (uint64_t)mine));
        /* recv has the lists rank by rank; all gets them list by list, each
         * in rank order, which is index order */
        int64_t *start = st->start, at = 0;
        for (size_t q = 0; q < nlists; q++) {
            start[q] = at;
            for (int r = 0; r < nr; r++) at += rc[(size_t)r * w + 2 + q];
        }
        start[nlists] = at;
        const int32_t *p = st->recv.v;
        int64_t *fill = malloc(sizeof *fill * (nlists + 1));
        ok = fill != NULL;
        if (fill) memcpy(fill, start, sizeof *fill * (nlists + 1));
        for (int r = 0; ok && r < nr; r++)
            for (size_t q = 0; q < nlists; q++) {
                int32_t c = rc[(size_t)r * w + 2 + q];
                memcpy(st->all.v + fill[q], p, sizeof *p * (size_t)c);
                fill[q] += c;
                p += c;
            }
        free(fill);
        ok = ok && replay(net, st, st->all.v, start, goff);
        /* each group's list of its last threshold is complete now */
        for (int k = 0; ok && k < st->ngrp; k++) {
            SpkGroup *sg = &st->grp[k];
            if (!sg->counts.n) continue;
            size_t q = goff[k] + sg->counts.n - 1;
            sg->g->nspikes = (int32_t)(start[q + 1] - start[q]);
            memcpy(sg->g->spikes, st->all.v + start[q], sizeof *sg->g->spikes * (size_t)sg->g->nspikes);
        }
    }
    free(goff);
    if (!ok) return false;
    clear(st);
    *stop = any_stop, *request = any_request;
    net->stop = *stop;
    if (*request && net->stop_request) *net->stop_request = 1;
    return true;
}

bool mpi_spikes_boundary(Net *net, int64_t end, bool *stop, bool *request)
{
    struct MpiSpikes *st = net->mpi_spk;
    if (!st->interval) return mpi_agree_stop(net, stop, request);
    if (net->step >= st->next || net->step >= end) {
        st->next = net->step + st->interval;
        return exchange(net, stop, request);
    }
    if (st->agree_each) {
        /* an operation may stop the run (--check-finite): agree now, and
         * exchange what is buffered if the ranks stop */
        if (!mpi_agree_stop(net, stop, request)) return false;
        return !(*stop || *request) || exchange(net, stop, request);
    }
    /* a stop request waits for the next exchange */
    *stop = *request = false;
    return true;
}

void mpi_spikes_free(Net *net)
{
    struct MpiSpikes *st = net->mpi_spk;
    if (!st) return;
    for (int k = 0; st->grp && k < st->ngrp; k++) {
        free(st->grp[k].own.v);
        free(st->grp[k].counts.v);
    }
    free(st->grp);
    free(st->log);
    free(st->counts);
    free(st->displs);
    free(st->sendc.v);
    free(st->recvc.v);
    free(st->send.v);
    free(st->recv.v);
    free(st->all.v);
    free(st->start);
    free(st);
    net->mpi_spk = NULL;
}

#else /* no MPI: net->mpi is NULL, so none of these is called */

bool mpi_spikes_begin(Net *net, int64_t nsteps, bool *stop, bool *request)
{
    (void)net, (void)nsteps, (void)stop, (void)request;
    return false;
}
bool mpi_spikes_boundary(Net *net, int64_t end, bool *stop, bool *request)
{
    (void)net, (void)end, (void)stop, (void)request;
    return false;
}
bool mpi_spikes_thresh(Net *net, RtGroup *g) { (void)net, (void)g; return false; }
bool mpi_defer(Net *net, int kind, void *obj, int path, const RtGroup *g, int64_t arg)
{
    (void)net, (void)kind, (void)obj, (void)path, (void)g, (void)arg;
    return false;
}
void mpi_spikes_free(Net *net) { (void)net; }

#endif
