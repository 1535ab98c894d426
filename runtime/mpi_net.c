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

/* Split synapses whose arrays rank 0 holds for the whole network while
 * the outputs are written (mpi_gather_outputs), with its own ones kept
 * here for mpi_release_outputs. */
typedef struct Stash {
    RtGroup *g;
    int64_t  n;
    I32Vec   pre, post;
    double **arr;
} Stash;

struct NetMpi {
    MPI_Comm comm;
    Stash   *stash;
    int      nstash;
    int     *counts, *displs;   /* per rank, for the collectives */
    double   seconds;           /* in the spike exchange (MPI_Wtime) */
    double   cpu_seconds;       /* the process's CPU time in it (MPI polls while it waits) */
    uint64_t bytes;             /* received by this rank in it */
    int64_t  exchanges;
};

double mpi_cpu_now(void)
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

/* Which rank owns neuron k of neuron group t (synapses are split: each
 * rank holds its own, RtGroup.gid). */
static int owner_of(const Net *net, const RtGroup *t, int64_t k)
{
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
        if (!g->split && owner_of(net, g, k) != net->rank) continue;
        ++*owned;
        if (!isfinite(g->arr[v][k]) && !count++) *first = k;
    }
    return count;
}

int mpi_join(Net *net, const void *comm)
{
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
    return 0;
}

bool mpi_sum_counts(Net *net, int64_t *count, int64_t n)
{
    struct NetMpi *mp = net->mpi;
    /* in pieces an int can count */
    for (int64_t at = 0; at < n; at += INT32_MAX / 2) {
        int64_t len = n - at < INT32_MAX / 2 ? n - at : INT32_MAX / 2;
        if (MPI_Allreduce(MPI_IN_PLACE, count + at, (int)len, MPI_INT64_T, MPI_SUM, mp->comm) != MPI_SUCCESS)
            return false;
    }
    return true;
}

/* Where each synapse a state monitor of split synapses records is on
 * this rank (its list of numbers gid is ascending), or -1. */
static bool monitor_positions(RtMonitor *m)
{
    const RtGroup *g = m->group;
    m->rec_at = malloc(sizeof *m->rec_at * (size_t)(m->nrec > 0 ? m->nrec : 1));
    if (!m->rec_at) return false;
    for (int r = 0; r < m->nrec; r++) {
        int64_t lo = 0, hi = (int64_t)g->gid.n;
        while (lo < hi) {
            int64_t mid = lo + (hi - lo) / 2;
            if (g->gid.v[mid] < m->rec[r]) lo = mid + 1;
            else hi = mid;
        }
        m->rec_at[r] = lo < (int64_t)g->gid.n && g->gid.v[lo] == m->rec[r] ? (int32_t)lo : -1;
    }
    return true;
}

int mpi_attach(Net *net, char *err, size_t errlen)
{
    for (int k = 0; k < net->ngroups; k++) {
        const RtGroup *g = net->groups[k];
        if (g->no_ranks_why) {
            snprintf(err, errlen, "%s cannot be split over MPI ranks: %s; run it in one process", g->name,
                     g->no_ranks_why);
            return -1;
        }
    }
    for (int k = 0; k < net->nmonitors; k++) {
        RtMonitor *m = net->monitors[k];
        if (m->kind == RM_SPIKE && m->nvars) {
            snprintf(err, errlen, "%s records variables at spikes, which MPI ranks do not gather yet; record them "
                     "with a state monitor, or run in one process", m->name);
            return -1;
        }
        if (m->kind == RM_STATE && m->group->split && !monitor_positions(m)) return -2;
    }
    return 0;
}

void mpi_detach(Net *net)
{
    struct NetMpi *mp = net->mpi;
    if (!mp) return;
    mpi_release_outputs(net);
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
    double t0 = MPI_Wtime(), c0 = mpi_cpu_now();
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
    mp->cpu_seconds += mpi_cpu_now() - c0;
    return true;
}

bool mpi_agree_stop(Net *net, bool *stop, bool *request)
{
    struct NetMpi *mp = net->mpi;
    double t0 = MPI_Wtime(), c0 = mpi_cpu_now();
    int v[2] = { *stop, *request };
    if (MPI_Allreduce(MPI_IN_PLACE, v, 2, MPI_INT, MPI_MAX, mp->comm) != MPI_SUCCESS) return false;
    mp->seconds += MPI_Wtime() - t0;
    mp->cpu_seconds += mpi_cpu_now() - c0;
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

/* The owners of a state monitor's recorded indices, or of all n of g.  A
 * monitor of split synapses: the rank that holds each (its rec_at). */
static int *owners(Net *net, const RtGroup *g, const RtMonitor *m, int64_t n)
{
    int *o = malloc(sizeof *o * (size_t)(n > 0 ? n : 1));
    if (o && m && m->rec_at) {
        for (int64_t k = 0; k < n; k++) o[k] = m->rec_at[k] >= 0 ? net->rank : -1;
        if (MPI_Allreduce(MPI_IN_PLACE, o, (int)n, MPI_INT, MPI_MAX, net->mpi->comm) != MPI_SUCCESS) {
            free(o);
            return NULL;
        }
        return o;
    }
    for (int64_t k = 0; o && k < n; k++) o[k] = owner_of(net, g, m ? m->sub_off + m->rec[k] : k);
    return o;
}


/* Gather on rank 0 the ranks' part of an array of split synapses (items
 * of type t, size bytes each) into all[gid] for the whole network. */
static bool gather_by_number(Net *net, RtGroup *g, const void *mine, MPI_Datatype t, size_t size, void *all,
                             const int32_t *gids)
{
    struct NetMpi *mp = net->mpi;
    void *recv = NULL;
    if (net->rank == 0 && !(recv = malloc(size * (size_t)(g->n_all ? g->n_all : 1)))) return false;
    bool ok = MPI_Gatherv(mine, (int)g->n, t, recv, mp->counts, mp->displs, t, 0, mp->comm) == MPI_SUCCESS;
    if (ok && net->rank == 0)
        for (int64_t k = 0; k < g->n_all; k++)
            memcpy((char *)all + size * (size_t)gids[k], (char *)recv + size * (size_t)k, size);
    free(recv);
    return ok;
}

/* Rank 0 takes the whole network's synapses of split g (their i, j and
 * variables, in the one-process order) in place of its own, until
 * mpi_release_outputs.  Collective. */
static bool gather_synapses(Net *net, RtGroup *g)
{
    struct NetMpi *mp = net->mpi;
    int mine = (int)g->n;
    if (MPI_Gather(&mine, 1, MPI_INT, mp->counts, 1, MPI_INT, 0, mp->comm) != MPI_SUCCESS) return false;
    int total = 0;
    for (int r = 0; net->rank == 0 && r < net->nranks; r++) {
        mp->displs[r] = total;
        total += mp->counts[r];
    }
    /* every rank takes part, or none: rank 0 says whether it has the memory */
    size_t n = (size_t)(g->n_all ? g->n_all : 1);
    int32_t *gids = NULL, *pre = NULL, *post = NULL;
    double **arr = NULL;
    int ok = 1;
    if (net->rank == 0) {
        Stash *st = realloc(mp->stash, sizeof *st * (size_t)(mp->nstash + 1));
        if (st) mp->stash = st;
        gids = malloc(sizeof *gids * n);
        pre = malloc(sizeof *pre * n);
        post = malloc(sizeof *post * n);
        arr = calloc((size_t)g->nvars + 1, sizeof *arr);
        ok = st && gids && pre && post && arr && total == g->n_all;
        for (int v = 0; ok && v < g->nvars; v++) ok = (arr[v] = malloc(sizeof **arr * n)) != NULL;
    }
    if (MPI_Bcast(&ok, 1, MPI_INT, 0, mp->comm) != MPI_SUCCESS) ok = 0;
    if (ok) {
        /* the numbers first, gathered in rank order: then each rank's items */
        ok = MPI_Gatherv(g->gid.v, mine, MPI_INT32_T, gids, mp->counts, mp->displs, MPI_INT32_T, 0, mp->comm) ==
             MPI_SUCCESS;
        ok = ok && gather_by_number(net, g, g->pre.v, MPI_INT32_T, sizeof *pre, pre, gids);
        ok = ok && gather_by_number(net, g, g->post.v, MPI_INT32_T, sizeof *post, post, gids);
        for (int v = 0; ok && v < g->nvars; v++)
            ok = gather_by_number(net, g, g->arr[v], MPI_DOUBLE, sizeof **arr, net->rank == 0 ? arr[v] : NULL, gids);
    }
    free(gids);
    if (!ok || net->rank) {
        free(pre);
        free(post);
        for (int v = 0; arr && v < g->nvars; v++) free(arr[v]);
        free(arr);
        return ok;
    }
    mp->stash[mp->nstash++] = (Stash){ g, g->n, g->pre, g->post, g->arr };
    g->n = g->n_all;
    g->pre = (I32Vec){ pre, n, n };
    g->post = (I32Vec){ post, n, n };
    g->arr = arr;
    return true;
}

void mpi_release_outputs(Net *net)
{
    struct NetMpi *mp = net->mpi;
    for (int k = 0; k < mp->nstash; k++) {
        const Stash *st = &mp->stash[k];
        RtGroup *g = st->g;
        free(g->pre.v);
        free(g->post.v);
        for (int v = 0; v < g->nvars; v++) free(g->arr[v]);
        free(g->arr);
        g->n = st->n, g->pre = st->pre, g->post = st->post, g->arr = st->arr;
    }
    free(mp->stash);
    mp->stash = NULL;
    mp->nstash = 0;
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
        if (g->split) {
            ok = gather_synapses(net, g);
            continue;
        }
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

int mpi_join(Net *net, const void *comm)
{
    (void)net, (void)comm;
    return -1;
}

int mpi_attach(Net *net, char *err, size_t errlen)
{
    (void)net;
    snprintf(err, errlen, "snnc was built without MPI");
    return -1;
}

bool mpi_sum_counts(Net *net, int64_t *count, int64_t n) { (void)net, (void)count, (void)n; return false; }
void mpi_release_outputs(Net *net) { (void)net; }

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
