/* SPDX-License-Identifier: MIT */
/* This file contains a network split over MPI ranks (mpi_net.h): the
 * split, the spike exchange and the gathering of outputs.
 * The split: every rank holds the whole network, built from the same seed
 * (connect rules and initial values draw counter-based random numbers, so
 * the network does not depend on the ranks); a rank updates its
 * contiguous range of every neuron group, its delivery indices hold only
 * the synapses onto its neurons, and after each threshold the ranks'
 * spikes are gathered with MPI_Allgatherv in rank order, so that every
 * rank sees the one-process spike list.  Outputs: spike and rate monitors
 * are complete on every rank; state monitors and group state are gathered
 * on rank 0 from the rank that owns each index, and only rank 0 writes.
 * The snn.h entries are in mpi_api.c. */
#include "mpi_net.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include <time.h>

#ifdef SNN_HAVE_MPI
#include <mpi.h>
#endif

void mpi_own_range(const Net *net, const RtGroup *g, int32_t *lo, int32_t *hi)
{
    if (net->mpi && g->kind == RG_NEURONS) par_range(g->n, net->nranks, net->rank, lo, hi);
    else *lo = 0, *hi = (int32_t)g->n;
}

/* The part of the ascending list ids[0..*n) in [lo, hi). */
const int32_t *mpi_own_spikes(const Net *net, const RtGroup *g, const int32_t *ids, int32_t *n)
{
    int32_t lo, hi, first = 0, end = *n;
    mpi_own_range(net, g, &lo, &hi);
    while (first < end && ids[first] < lo) first++;
    while (end > first && ids[end - 1] >= hi) end--;
    *n = end - first;
    return ids + first;
}

#ifdef SNN_HAVE_MPI

struct NetMpi {
    MPI_Comm comm;
    int     *counts, *displs;   /* per rank, for the collectives */
    double   seconds;           /* in the spike exchange (MPI_Wtime) */
    double   cpu_seconds;       /* the process's CPU time in it (MPI polls while it waits) */
    uint64_t bytes;             /* received by this rank in it */
    int64_t  exchanges;
};

/* CPU seconds of the process so far. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

size_t mpi_comm_size_bytes(void)
{
    return sizeof(MPI_Comm);
}

/* Whether this library started MPI (snn_mpi_world), so snn_mpi_finalize
 * ends it. */
static bool mpi_started_here;

bool mpi_world(void *comm_out)
{
    int init = 0;
    MPI_Initialized(&init);
    if (!init) {
        int provided;
        /* only the thread that runs the step calls MPI */
        if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) return false;
        mpi_started_here = true;
    }
    MPI_Comm w = MPI_COMM_WORLD;
    memcpy(comm_out, &w, sizeof w);
    return true;
}

/* Which rank owns each of the n indices [0, n) of group g (a synapse: the
 * owner of its target neuron). */
static int owner_of(const Net *net, const RtGroup *g, int64_t k)
{
    const RtGroup *t = g;
    if (g->kind == RG_SYNAPSES) {
        t = g->tgt;
        k = g->tgt_off + g->post.v[k];
    }
    /* par_range(n, R, r) = [n r / R, n (r+1) / R): the r with lo <= k < hi */
    int r = (int)((k * net->nranks + net->nranks - 1) / (t->n > 0 ? t->n : 1));
    if (r >= net->nranks) r = net->nranks - 1;
    int32_t lo, hi;
    for (;;) {
        par_range(t->n, net->nranks, r, &lo, &hi);
        if (k < lo && r > 0) r--;
        else if (k >= hi && r < net->nranks - 1) r++;
        else return r;
    }
}

int64_t mpi_count_nonfinite(const Net *net, const RtGroup *g, int v, int64_t *first, int64_t *owned)
{
    int64_t count = 0;
    *first = -1, *owned = 0;
    for (int64_t k = 0; k < g->n; k++) {
        if (owner_of(net, g, k) != net->rank) continue;
        ++*owned;
        if (!isfinite(g->arr[v][k]) && !count++) *first = k;
    }
    return count;
}

/* Keep in the CSR index by source (pre_start, pre_syn) only the synapses
 * this rank owns, in their order.  A list in synapse order (pre_syn NULL:
 * the ids are start[i] .. start[i+1]) becomes an explicit one.  False on
 * out of memory. */
static bool restrict_pre(const Net *net, RtGroup *s)
{
    int32_t *start = s->pre_start, *syn = s->pre_syn, fill = 0;
    if (!syn) {
        syn = malloc(sizeof *syn * (size_t)(start[s->src_n] ? start[s->src_n] : 1));
        if (!syn) return false;
        for (int32_t q = 0; q < start[s->src_n]; q++) syn[q] = q;
        s->pre_syn = syn;
    }
    for (int64_t i = 0; i < s->src_n; i++) {
        int32_t b = start[i], e = start[i + 1];
        start[i] = fill;
        for (int32_t q = b; q < e; q++)
            if (owner_of(net, s, syn[q]) == net->rank) syn[fill++] = syn[q];
    }
    start[s->src_n] = fill;
    return true;
}

/* The index by target (post_start, post_syn; net.c makes it when on_post
 * first needs it) of this rank's synapses only, by target and then in
 * synapse order, as the whole index has them.  False on out of memory. */
static bool owned_post_index(const Net *net, RtGroup *s)
{
    free(s->post_start);
    free(s->post_syn);
    s->post_syn = NULL;
    int32_t *start = s->post_start = calloc((size_t)s->tgt_n + 1, sizeof *start);
    if (!start) return false;
    int32_t owned = 0;
    for (int64_t k = 0; k < s->n; k++)
        if (owner_of(net, s, k) == net->rank) start[s->post.v[k] + 1]++, owned++;
    for (int64_t j = 0; j < s->tgt_n; j++) start[j + 1] += start[j];
    int32_t *syn = s->post_syn = malloc(sizeof *syn * (size_t)(owned ? owned : 1));
    int32_t *fill = malloc(sizeof *fill * (size_t)(s->tgt_n + 1));
    if (!syn || !fill) {
        free(fill);
        return false;
    }
    memcpy(fill, start, sizeof *fill * (size_t)(s->tgt_n + 1));
    for (int64_t k = 0; k < s->n; k++)
        if (owner_of(net, s, k) == net->rank) syn[fill[s->post.v[k]]++] = (int32_t)k;
    free(fill);
    return true;
}

/* Why g cannot be split over ranks, or NULL. */
static const char *why_not_split(const RtGroup *g)
{
    if (g->par & PAR_RANKS) return NULL;
    if (g->kind == RG_SYNAPSES)
        return "its code reads or writes variables of its source neurons (_pre), shared or linked variables, "
               "which another rank may own";
    return "its code touches shared, linked or other neurons' variables, it has custom events, or it is a "
           "spatialneurons group";
}

int mpi_attach(Net *net, const void *comm, char *err, size_t errlen)
{
    for (int k = 0; k < net->ngroups; k++) {
        const RtGroup *g = net->groups[k];
        if (g->kind == RG_SYNAPSES && (g->src->kind == RG_SYNAPSES || g->tgt->kind == RG_SYNAPSES)) {
            snprintf(err, errlen, "%s cannot be split over MPI ranks: synapses on synapses are not split yet; run it "
                     "in one process", g->name);
            return -1;
        }
        const char *why = why_not_split(net->groups[k]);
        if (why) {
            snprintf(err, errlen, "%s cannot be split over MPI ranks: %s; run it in one process", net->groups[k]->name,
                     why);
            return -1;
        }
    }
    for (int k = 0; k < net->nmonitors; k++) {
        const RtMonitor *m = net->monitors[k];
        if (m->kind == RM_SPIKE && m->nvars) {
            snprintf(err, errlen, "%s records variables at spikes, which MPI ranks do not gather yet; record them "
                     "with a state monitor, or run in one process", m->name);
            return -1;
        }
    }
    struct NetMpi *mp = calloc(1, sizeof *mp);
    if (!mp) return -2;
    memcpy(&mp->comm, comm, sizeof mp->comm);
    MPI_Comm_rank(mp->comm, &net->rank);
    MPI_Comm_size(mp->comm, &net->nranks);
    mp->counts = calloc((size_t)net->nranks, sizeof *mp->counts);
    mp->displs = calloc((size_t)net->nranks, sizeof *mp->displs);
    if (!mp->counts || !mp->displs) {
        free(mp->counts);
        free(mp->displs);
        free(mp);
        return -2;
    }
    net->mpi = mp;
    for (int k = 0; k < net->ngroups; k++) {
        RtGroup *s = net->groups[k];
        if (s->kind != RG_SYNAPSES || !s->pre_start) continue;
        if (!restrict_pre(net, s) || !owned_post_index(net, s)) return -2;
        par_lanes_free(s->lanes);
        s->lanes = NULL;
    }
    return 0;
}

void mpi_detach(Net *net)
{
    struct NetMpi *mp = net->mpi;
    if (!mp) return;
    free(mp->counts);
    free(mp->displs);
    free(mp);
    net->mpi = NULL;
}

bool mpi_exchange_spikes(Net *net, int32_t *spikes, int32_t *n)
{
    struct NetMpi *mp = net->mpi;
    /* the ranks finish building at different times: wait for all before
     * the first exchange, so that its time is the exchange's own */
    if (!mp->exchanges && MPI_Barrier(mp->comm) != MPI_SUCCESS) return false;
    double t0 = MPI_Wtime(), c0 = cpu_now();
    int mine = *n;
    if (MPI_Allgather(&mine, 1, MPI_INT, mp->counts, 1, MPI_INT, mp->comm) != MPI_SUCCESS) return false;
    int total = 0;
    for (int r = 0; r < net->nranks; r++) {
        mp->displs[r] = total;
        total += mp->counts[r];
    }
    /* in place: this rank's spikes go where rank order puts them */
    if (mine && mp->displs[net->rank]) memmove(spikes + mp->displs[net->rank], spikes, sizeof *spikes * (size_t)mine);
    /* total is the same on every rank, so all call it or none */
    if (total &&
        MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, spikes, mp->counts, mp->displs, MPI_INT32_T, mp->comm) !=
            MPI_SUCCESS)
        return false;
    *n = total;
    mp->bytes += (uint64_t)(net->nranks - 1) * sizeof(int) + (uint64_t)(total - mine) * sizeof *spikes;
    mp->exchanges++;
    mp->seconds += MPI_Wtime() - t0;
    mp->cpu_seconds += cpu_now() - c0;
    return true;
}

bool mpi_agree_stop(Net *net, bool *stop, bool *request)
{
    struct NetMpi *mp = net->mpi;
    double t0 = MPI_Wtime(), c0 = cpu_now();
    int v[2] = { *stop, *request };
    if (MPI_Allreduce(MPI_IN_PLACE, v, 2, MPI_INT, MPI_MAX, mp->comm) != MPI_SUCCESS) return false;
    mp->seconds += MPI_Wtime() - t0;
    mp->cpu_seconds += cpu_now() - c0;
    *stop = v[0], *request = v[1];
    net->stop = *stop;
    if (*request && net->stop_request) *net->stop_request = 1;
    return true;
}

int mpi_agree_result(Net *net, int rc)
{
    int worst = rc;
    MPI_Allreduce(MPI_IN_PLACE, &worst, 1, MPI_INT, MPI_MAX, net->mpi->comm);
    return rc ? rc : worst;
}

/* Give rank 0 the values of data (nrows rows of nitems items of w doubles
 * each) that the ranks own: owner[k] is item k's rank.  Each rank packs
 * its items row by row; rank 0 unpacks them in place. */
static bool gather_items(Net *net, double *data, size_t nrows, int64_t nitems, int w, const int *owner)
{
    struct NetMpi *mp = net->mpi;
    if (net->nranks == 1 || !nrows || nitems <= 0) return true;
    int64_t *per = calloc((size_t)net->nranks, sizeof *per);
    if (!per) return false;
    for (int64_t k = 0; k < nitems; k++) per[owner[k]]++;
    size_t mine = (size_t)per[net->rank] * nrows * (size_t)w, all = (size_t)nitems * nrows * (size_t)w;
    bool ok = all <= INT32_MAX;
    double *send = ok ? malloc(sizeof *send * (mine ? mine : 1)) : NULL, *recv = NULL;
    if (send && net->rank == 0) recv = malloc(sizeof *recv * (all ? all : 1));
    ok = send && (net->rank != 0 || recv);
    /* every rank takes part, or none: a rank short of memory says so */
    int ok_all = ok;
    MPI_Allreduce(MPI_IN_PLACE, &ok_all, 1, MPI_INT, MPI_LAND, mp->comm);
    if (ok_all) {
        size_t f = 0;
        for (size_t row = 0; row < nrows; row++)
            for (int64_t k = 0; k < nitems; k++)
                if (owner[k] == net->rank)
                    for (int v = 0; v < w; v++) send[f++] = data[(row * (size_t)nitems + (size_t)k) * (size_t)w + (size_t)v];
        int total = 0;
        for (int r = 0; r < net->nranks; r++) {
            mp->counts[r] = (int)((size_t)per[r] * nrows * (size_t)w);
            mp->displs[r] = total;
            total += mp->counts[r];
        }
        ok_all = MPI_Gatherv(send, (int)mine, MPI_DOUBLE, recv, mp->counts, mp->displs, MPI_DOUBLE, 0, mp->comm) ==
                 MPI_SUCCESS;
        if (ok_all && net->rank == 0)
            for (int r = 1; r < net->nranks; r++) {
                const double *p = recv + mp->displs[r];
                for (size_t row = 0; row < nrows; row++)
                    for (int64_t k = 0; k < nitems; k++)
                        if (owner[k] == r)
                            for (int v = 0; v < w; v++)
                                data[(row * (size_t)nitems + (size_t)k) * (size_t)w + (size_t)v] = *p++;
            }
    }
    free(send);
    free(recv);
    free(per);
    return ok_all;
}

/* The owners of a state monitor's recorded indices, or of all n of g. */
static int *owners(const Net *net, const RtGroup *g, const RtMonitor *m, int64_t n)
{
    int *o = malloc(sizeof *o * (size_t)(n > 0 ? n : 1));
    for (int64_t k = 0; o && k < n; k++) o[k] = owner_of(net, g, m ? m->sub_off + m->rec[k] : k);
    return o;
}

bool mpi_gather_outputs(Net *net, bool state)
{
    bool ok = true;
    for (int k = 0; k < net->nmonitors && ok; k++) {
        RtMonitor *m = net->monitors[k];
        if (m->kind != RM_STATE || !m->nvars || !m->nrec) continue;
        int *o = owners(net, m->group, m, m->nrec);
        ok = o && gather_items(net, m->data.v, m->rec_steps.n, m->nrec, m->nvars, o);
        free(o);
    }
    for (int k = 0; k < net->ngroups && ok && state; k++) {
        RtGroup *g = net->groups[k];
        int *o = owners(net, g, NULL, g->n);
        for (int v = 0; v < g->nvars && ok; v++) ok = o && gather_items(net, g->arr[v], 1, g->n, 1, o);
        free(o);
    }
    return ok;
}

void mpi_finalize(void)
{
    int done = 0;
    MPI_Finalized(&done);
    if (mpi_started_here && !done) MPI_Finalize();
}

void mpi_comm_rank(const void *comm, int *rank, int *size)
{
    MPI_Comm c;
    memcpy(&c, comm, sizeof c);
    MPI_Comm_rank(c, rank);
    MPI_Comm_size(c, size);
}

bool mpi_stats(const Net *net, double *seconds, double *cpu_seconds, uint64_t *bytes, int64_t *exchanges)
{
    const struct NetMpi *mp = net ? net->mpi : NULL;
    *seconds = mp ? mp->seconds : 0;
    *cpu_seconds = mp ? mp->cpu_seconds : 0;
    *bytes = mp ? mp->bytes : 0;
    *exchanges = mp ? mp->exchanges : 0;
    return mp != NULL;
}

const void *mpi_comm_of(const Net *net)
{
    return &net->mpi->comm;
}

void mpi_add_exchange(Net *net, double seconds, double cpu_seconds, uint64_t bytes)
{
    struct NetMpi *mp = net->mpi;
    mp->seconds += seconds;
    mp->cpu_seconds += cpu_seconds;
    mp->bytes += bytes;
    mp->exchanges++;
}

#else /* no MPI */

size_t mpi_comm_size_bytes(void) { return 0; }
bool   mpi_world(void *comm_out) { (void)comm_out; return false; }
void   mpi_finalize(void) {}
void   mpi_comm_rank(const void *comm, int *rank, int *size) { (void)comm, *rank = 0, *size = 1; }

int mpi_attach(Net *net, const void *comm, char *err, size_t errlen)
{
    (void)net, (void)comm;
    snprintf(err, errlen, "snnc was built without MPI");
    return -1;
}

void mpi_detach(Net *net) { (void)net; }
int64_t mpi_count_nonfinite(const Net *net, const RtGroup *g, int v, int64_t *first, int64_t *owned)
{
    (void)net, (void)g, (void)v;
    *first = -1, *owned = 0;
    return 0;
}
bool mpi_agree_stop(Net *net, bool *stop, bool *request) { (void)net, (void)stop, (void)request; return false; }
int  mpi_agree_result(Net *net, int rc) { (void)net; return rc; }
bool mpi_exchange_spikes(Net *net, int32_t *spikes, int32_t *n) { (void)net, (void)spikes, (void)n; return false; }
bool mpi_gather_outputs(Net *net, bool state) { (void)net, (void)state; return false; }

bool mpi_stats(const Net *net, double *seconds, double *cpu_seconds, uint64_t *bytes, int64_t *exchanges)
{
    (void)net;
    *seconds = 0, *cpu_seconds = 0, *bytes = 0, *exchanges = 0;
    return false;
}

#endif
