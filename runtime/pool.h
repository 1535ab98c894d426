/* SPDX-License-Identifier: MIT */
/* This file declares the worker pool of a network: threads started once,
 * which share out the parts of one job (part 0 .. nparts - 1) and return
 * together, so that a time step can split a loop into contiguous index
 * ranges without starting a thread per step.  Which thread runs a part is
 * decided at run time (the first free one takes the next part), so a
 * worker that the machine has not scheduled yet delays nothing: the caller
 * takes its parts.  A part's work must therefore not depend on the thread
 * that runs it. */
#ifndef SNN_POOL_H
#define SNN_POOL_H

#include <stdint.h>

typedef struct Pool Pool;
/* The work of part `part` (0 .. nparts - 1) of one pool_run. */
typedef void (*pool_fn)(void *ud, int part);

/* Parts one pool_run can have at most. */
#define POOL_MAX_PARTS 1024

/* A pool of nthreads threads in all: the caller of pool_run is one of them
 * and nthreads - 1 workers are started.  NULL if a thread cannot be made or
 * memory runs out (nothing is left running then). */
Pool *pool_new(int nthreads);
/* Run fn(ud, part) for every part of 0 .. nparts - 1, the caller taking
 * parts too (all of them, in order, for more than POOL_MAX_PARTS); returns
 * once all have returned.  Not reentrant: fn must not call pool_run. */
void  pool_run(Pool *p, pool_fn fn, void *ud, int nparts);
int   pool_size(const Pool *p);
/* How many times pool_run shared a job with the workers (jobs of one part
 * run on the caller alone and are not counted). */
uint64_t pool_dispatches(const Pool *p);
/* Stop and join the workers and free the pool (NULL is fine). */
void  pool_free(Pool *p);

#endif
