/* SPDX-License-Identifier: MIT */
/* This file declares the MPI side of a network (mpi_net.c): a network
 * split over the ranks of a communicator gives the same spikes and values
 * as one process.  Every rank builds every neuron group and, of each
 * synapse object, the synapses onto its own neurons (numbered as in the
 * whole network, RtGroup.gid); rank r updates neurons par_range(N, ranks,
 * r) of every group and delivers to its own synapses, and the spikes of
 * all ranks are gathered in rank order, which is index order, after each
 * threshold or once per minimum delay (mpi_spikes.c).  Before outputs are
 * written rank 0 gathers what the other
 * ranks own.  Built without MPI (no SNN_HAVE_MPI) the entries refuse. */
#ifndef SNN_MPI_NET_H
#define SNN_MPI_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net.h"

/* Make net, before it is built, a part of a network split over the
 * communicator *comm (an MPI_Comm, copied): net->mpi, rank and nranks.
 * Returns 0; -2 on out of memory (-1 without MPI). */
int  mpi_join(Net *net, const void *comm);
/* Once net is built: checks that every group may be split (no_ranks_why, no
 * spike monitor recording variables) and finds where this rank holds the
 * synapses its state monitors record.  Returns 0; -1 for a network that
 * cannot be split, with a sentence in err; -2 on out of memory. */
int  mpi_attach(Net *net, char *err, size_t errlen);
/* count[0..n) summed over the ranks, on every rank (N_outgoing of split
 * synapses).  Collective; false if MPI fails. */
bool mpi_sum_counts(Net *net, int64_t *count, int64_t n);
/* Free what mpi_attach made (net_free calls it). */
void mpi_detach(Net *net);
/* Replace this rank's spikes spikes[0..*n) (ascending, in its range) by the
 * spikes of all ranks, in rank order; spikes has room for the group.  False
 * if MPI fails. */
bool mpi_exchange_spikes(Net *net, int32_t *spikes, int32_t *n);
/* Whether any rank stops the run after this step (*stop: a network
 * operation asked; *request: a stop request, e.g. a signal): both become
 * the ranks' logical or, and so net->stop and *net->stop_request.  False if
 * MPI fails. */
bool mpi_agree_stop(Net *net, bool *stop, bool *request);
/* The run's result on every rank: rc, or the largest error code of the
 * other ranks if rc is 0 (SNN_OK).  Collective. */
int  mpi_agree_result(Net *net, int rc);
/* net_count_nonfinite over the indices of g this rank owns (*owned of
 * them); *first is the lowest such index that is not finite, or -1. */
int64_t mpi_count_nonfinite(const Net *net, const RtGroup *g, int v, int64_t *first, int64_t *owned);
/* The part of the ascending list ids[0..*n) in this rank's range of g. */
const int32_t *mpi_own_spikes(const Net *net, const RtGroup *g, const int32_t *ids, int32_t *n);
/* Give rank 0 the values the other ranks own: the state monitors' records,
 * and with state every group's variables.  Collective: every rank calls it.
 * False if MPI fails or memory runs out. */
bool mpi_gather_outputs(Net *net, bool state);
/* After the outputs are written: rank 0 gives back the whole network's
 * synapses that mpi_gather_outputs gave it and takes its own again. */
void mpi_release_outputs(Net *net);

/* The neurons [lo, hi) of group g this process updates: all of them
 * without MPI, else its rank's contiguous part (par_range over the ranks). */
void mpi_own_range(const Net *net, const RtGroup *g, int32_t *lo, int32_t *hi);
/* This rank's exchanges so far: seconds in them (with the agreements on
 * stopping), the process's CPU seconds in them, bytes received (spike
 * exchanges), their count; false (zeros) for a network not split over
 * ranks. */
bool mpi_stats(const Net *net, double *seconds, double *cpu_seconds, uint64_t *bytes, int64_t *exchanges);

/* For the buffered exchange (mpi_spikes.c): the network's MPI_Comm, the
 * process's CPU seconds so far (the clock of mpi_stats), and one exchange
 * more in the figures of mpi_stats (seconds, CPU seconds, bytes
 * received). */
const void *mpi_comm_of(const Net *net);
double mpi_cpu_now(void);
void mpi_add_exchange(Net *net, double seconds, double cpu_seconds, uint64_t bytes);

/* For the snn.h entries (mpi_api.c): the size of an MPI_Comm (0 without
 * MPI); MPI_COMM_WORLD in *comm_out, initialising MPI if it is not; the
 * end of MPI if mpi_world began it; a communicator's rank and size. */
size_t mpi_comm_size_bytes(void);
bool   mpi_world(void *comm_out);
void   mpi_finalize(void);
void   mpi_comm_rank(const void *comm, int *rank, int *size);

#endif
