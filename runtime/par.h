/* SPDX-License-Identifier: MIT */
/* This file declares the parallel parts of a time step: a block run over
 * contiguous index ranges, one per thread of the network's pool, and spike
 * delivery split by target neuron range, each designed so that every
 * result is bit-identical to one thread's: the same spikes in the same
 * order, and the additions into any one variable in the same order. */
#ifndef SNN_PAR_H
#define SNN_PAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"
#include "pool.h"

/* Indices per part below which a loop is not split (a split costs about
 * a microsecond per call). */
#define PAR_MIN_DEFAULT 1000
/* Parts per thread a loop is split into when it is large enough: the pool
 * gives each part to the first free thread, so that a thread the machine
 * runs late (or a slower range) leaves its parts to the others. */
#define PAR_PARTS_PER_THREAD 4
/* Parts of one split at most. */
#define PAR_MAX_PARTS 64

/* How many parts n indices split into with nthreads threads and at least
 * min_part indices per part (1 .. PAR_PARTS_PER_THREAD * nthreads, at most
 * PAR_MAX_PARTS).  Any split gives the same results. */
int  par_parts(int64_t n, int nthreads, int min_part);
/* Part k of n indices in parts parts: [lo, hi), contiguous, in order. */
void par_range(int64_t n, int parts, int k, int32_t *lo, int32_t *hi);

/* fn over [0, a->n) in parts pieces (update, run_regularly); over
 * [a->lo, a->hi) where a->hi is set (an MPI rank's part). */
void par_each(Pool *pool, int parts, snn_block_fn fn, const snn_args *a);
/* A threshold over [0, a->n) (or [a->lo, a->hi)) in parts pieces; the
 * spikes go to out[0..) (room for the range) in index order, as one call
 * gives.  Returns their number. */
int32_t par_thresh(Pool *pool, int parts, snn_block_fn fn, const snn_args *a, int32_t *out);
/* A group's update and then its threshold over [0, a->n) in one split,
 * each part updating its range and testing it at once; the spikes as
 * par_thresh gives them.  For a group whose update and threshold each
 * touch only their own index's values (RtGroup.par). */
int32_t par_update_thresh(Pool *pool, int parts, snn_block_fn update, snn_block_fn thresh, const snn_args *a,
                          int32_t *out);
/* fn (a reset) for the n indices idx (ascending) of a group of ngroup,
 * split at the boundaries of parts index ranges. */
void par_indexed(Pool *pool, int parts, int64_t ngroup, snn_block_fn fn, const snn_args *a, const int32_t *idx,
                 int32_t n);

/* Several blocks in one split, each part running its range of each in
 * order (the blocks touch their own index only, so the outcome is that of
 * one after the other): fn over the item's indices (a's [lo, hi), all
 * where hi is 0), and, with out set, then the threshold thresh, its
 * spikes gathered at out with their number in *nspikes. */
#define PAR_MANY 64
typedef struct ParItem {
    snn_block_fn    fn, thresh;
    const snn_args *a;
    int32_t        *out, *nspikes;
} ParItem;
void par_each_many(Pool *pool, int parts, const ParItem *items, int n);

/* One Synapses pathway's synapses split by the target range they reach:
 * lane k holds, for every source neuron, its synapses onto targets of part
 * k, in the order of the whole CSR index, and a scratch list. */
typedef struct ParLanes ParLanes;
/* Lanes for parts target ranges of ntgt neurons, from the CSR index by
 * source (start[nsrc + 1], syn; syn NULL: the synapses are stored source
 * by source, the ids start[i] ..) and each synapse's target syn_post; with
 * start NULL only the scratch lists (for par_deliver_synapses); built on
 * pool's threads.  NULL on out of memory. */
ParLanes *par_lanes_new(Pool *pool, int parts, int64_t nsrc, int64_t ntgt, const int32_t *start,
                        const int32_t *syn, const int32_t *syn_post);
int       par_lanes_parts(const ParLanes *l);
void      par_lanes_free(ParLanes *l);
/* Synapses of the nn source neurons (homogeneous delay: neuron ids), lane
 * by lane in parallel, each lane's in the whole list's order. */
void par_deliver_neurons(Pool *pool, ParLanes *l, snn_block_fn fn, const snn_args *a, const int32_t *neurons,
                         size_t nn);
/* The n synapse ids (heterogeneous delays) split by their targets' range,
 * of parts (at most l's) ranges of l's targets, each part taking those
 * whose target is in its range, in order. */
void par_deliver_synapses(Pool *pool, ParLanes *l, int parts, snn_block_fn fn, const snn_args *a, const int32_t *ids,
                          size_t n, const int32_t *syn_post);
/* The due runs of synapses stored in delivery order (net_order.c) of
 * several pathways in one split into parts target ranges: each part
 * delivers its targets' pieces of every run of every pathway, pathway
 * after pathway, so a target neuron gets them in the order of the list, as
 * one after the other would give.  A run is an entry of stride numbers in
 * runs: lo, the places where parts 1 .. parts-1 begin (stride parts + 1),
 * hi; with stride 2 (no places) a part finds its piece in syn_post, each
 * run's targets ascending.  Or (due not NULL, runs NULL) the runs are the
 * CSR ranges of the neurons due[0..nruns) (a homogeneous delay, synapses
 * stored source by source), each split in parts pieces: neuron i's piece
 * k is split[i * parts + k] .. split[i * parts + k + 1]. */
typedef struct ParRuns {
    snn_block_fn    fn;
    const snn_args *a;
    const int32_t  *runs;
    size_t          nruns;
    int             stride;
    const int32_t  *syn_post;
    int64_t         ntgt;
    int             nvars;      /* of the synapses' arrays a->v (prefetched) */
    const int32_t  *due, *split;
} ParRuns;
/* Fetch into the cache ahead what delivering range [lo, hi) of synapses
 * reads: its targets and the values of its synapses, first and last cache
 * lines (a range starts where the last one did not end, so the hardware
 * cannot guess; it fetches the lines between). */
static inline void par_prefetch_range(const int32_t *syn_post, double *const *vars, int nvars, int32_t lo, int32_t hi)
{
    if (lo >= hi) return;
    __builtin_prefetch(syn_post + lo);
    __builtin_prefetch(syn_post + hi - 1);
    for (int v = 0; v < nvars && v < 4; v++) {
        __builtin_prefetch(vars[v] + lo);
        __builtin_prefetch(vars[v] + hi - 1);
    }
}
/* How many ranges ahead delivery fetches, and how many pieces of runs
 * (known places) go to the code in one call. */
#define PAR_PREFETCH_AHEAD 8
#define PAR_RUN_CHUNK 8
void par_deliver_runs_many(Pool *pool, int parts, const ParRuns *r, int n);
/* The same on this thread, run by run (one part). */
void par_deliver_runs_here(const ParRuns *r);

#endif
