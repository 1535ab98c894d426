/* SPDX-License-Identifier: MIT */
/* This file declares the spike exchange of MPI ranks once per minimum
 * delay (mpi_spikes.c).  A spike that reaches its synapses D steps later
 * at the soonest need not be known to the other ranks before then: each
 * rank keeps its own spikes of up to D steps, and every D steps the ranks
 * exchange them in one collective, after which every object that needed a
 * complete list at one of those steps (an on_pre ring, a spike or rate
 * monitor) gets it, in the order one process had.  With a zero delay, or
 * a network operation that may read spike lists, the ranks exchange at
 * every threshold instead (mpi_exchange_spikes). */
#ifndef SNN_MPI_SPIKES_H
#define SNN_MPI_SPIKES_H

#include <stdbool.h>
#include <stdint.h>

#include "net.h"

/* What waits for a complete list (mpi_defer). */
enum { MPI_DEFER_RING, MPI_DEFER_SPIKEMON, MPI_DEFER_RATEMON };

/* Before a run of nsteps steps (net_run): the ranks agree on the exchange
 * interval (the smallest delay of any pathway that source spikes trigger,
 * in steps, over every rank; 0 for an exchange at every threshold) and on
 * whether to stop before the first step (*stop, *request as in
 * mpi_agree_stop).  Collective.  False if MPI fails or memory runs out. */
bool mpi_spikes_begin(Net *net, int64_t nsteps, bool *stop, bool *request);
/* At the step boundary before step net->step of a run that ends at step
 * end: the exchange when one is due (every interval steps and at the end,
 * and when the ranks agree to stop), with the agreement on stopping;
 * where none is due, *stop and *request become false (a stop waits for
 * the next agreement).  Collective.  False if MPI fails or memory runs
 * out. */
bool mpi_spikes_boundary(Net *net, int64_t end, bool *stop, bool *request);
/* After group g's threshold has put this rank's spikes in g->spikes:
 * exchange them now (interval 0) or buffer them (g->spikes_buffered).
 * False if MPI fails or memory runs out. */
bool mpi_spikes_thresh(Net *net, RtGroup *g);
/* Note that obj (an RtGroup for MPI_DEFER_RING, with its pathway path or
 * -1 for on_pre, and its ring position in arg; an RtMonitor, with the step
 * it records in arg) needs the complete list of g's buffered spikes; the
 * next exchange does for it what it would have done.  False on out of
 * memory. */
bool mpi_defer(Net *net, int kind, void *obj, int path, const RtGroup *g, int64_t arg);
/* Free the buffers (net_free). */
void mpi_spikes_free(Net *net);

#endif
