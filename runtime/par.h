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

/* Indices per part below which a loop is not split (splitting costs a few
 * microseconds per call). */
#define PAR_MIN_DEFAULT 1000

/* How many parts n indices split into with nthreads threads and at least
 * min_part indices per part (1 .. nthreads). */
int  par_parts(int64_t n, int nthreads, int min_part);
/* Part k of n indices in parts parts: [lo, hi), contiguous, in order. */
void par_range(int64_t n, int parts, int k, int32_t *lo, int32_t *hi);

/* fn over [0, a->n) in parts pieces (update, run_regularly). */
void par_each(Pool *pool, int parts, snn_block_fn fn, const snn_args *a);
/* A threshold over [0, a->n) in parts pieces; the spikes go to out (room
 * for a->n) in index order, as one call gives.  Returns their number. */
int32_t par_thresh(Pool *pool, int parts, snn_block_fn fn, const snn_args *a, int32_t *out);
/* fn (a reset) for the n indices idx (ascending) of a group of ngroup,
 * split at the boundaries of parts index ranges. */
void par_indexed(Pool *pool, int parts, int64_t ngroup, snn_block_fn fn, const snn_args *a, const int32_t *idx,
                 int32_t n);

/* One Synapses pathway's synapses split by the target range they reach:
 * lane k holds, for every source neuron, its synapses onto targets of part
 * k, in the order of the whole CSR index, and a scratch list. */
typedef struct ParLanes ParLanes;
/* Lanes for parts target ranges of ntgt neurons, from the CSR index by
 * source (start[nsrc + 1], syn; syn NULL: the synapses are stored source
 * by source, the ids start[i] ..) and each synapse's target syn_post.
 * NULL on out of memory. */
ParLanes *par_lanes_new(int parts, int64_t nsrc, int64_t ntgt, const int32_t *start, const int32_t *syn,
                        const int32_t *syn_post);
int       par_lanes_parts(const ParLanes *l);
void      par_lanes_free(ParLanes *l);
/* Synapses of the nn source neurons (homogeneous delay: neuron ids), lane
 * by lane in parallel, each lane's in the whole list's order.  False on out
 * of memory, with nothing delivered. */
bool par_deliver_neurons(Pool *pool, ParLanes *l, snn_block_fn fn, const snn_args *a, const int32_t *neurons,
                         size_t nn);
/* The n synapse ids (heterogeneous delays), each lane taking those whose
 * target is in its range, in order.  False on out of memory, with nothing
 * delivered. */
bool par_deliver_synapses(Pool *pool, ParLanes *l, snn_block_fn fn, const snn_args *a, const int32_t *ids, size_t n,
                          const int32_t *syn_post);

#endif
