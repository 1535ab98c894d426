/* SPDX-License-Identifier: MIT */
/* This file declares the worker pool of a network: threads started once,
 * which run one function for every thread index and return together, so
 * that a time step can split a loop into contiguous index ranges without
 * starting a thread per step. */
#ifndef SNN_POOL_H
#define SNN_POOL_H

typedef struct Pool Pool;
/* The work of thread tid (0 .. pool_size - 1) of one pool_run. */
typedef void (*pool_fn)(void *ud, int tid);

/* A pool of nthreads threads in all: the caller of pool_run is thread 0
 * and nthreads - 1 workers are started.  NULL if a thread cannot be made or
 * memory runs out (nothing is left running then). */
Pool *pool_new(int nthreads);
/* Run fn(ud, tid) for every tid, the caller doing tid 0; returns once all
 * have returned.  Not reentrant: fn must not call pool_run. */
void  pool_run(Pool *p, pool_fn fn, void *ud);
int   pool_size(const Pool *p);
/* Stop and join the workers and free the pool (NULL is fine). */
void  pool_free(Pool *p);

#endif
