/* SPDX-License-Identifier: MIT */
/* This file contains the worker pool (pool.h).  A run is published by
 * bumping a generation counter; workers spin on it for a short while (a
 * time step calls the pool several times within microseconds) and then
 * sleep on a condition variable, so an idle pool costs no CPU.  The caller
 * waits for the count of unfinished workers the same way. */
#include "pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

/* Polls before sleeping: POOL_SPINS with a pause (a microsecond or so),
 * then POOL_YIELDS giving the core away (a loaded machine runs the thread
 * being waited for). */
#define POOL_SPINS 2000
#define POOL_YIELDS 100

struct Pool {
    int             n;              /* threads in all, the caller included */
    pthread_t      *threads;        /* the n - 1 workers */
    int             started;
    pool_fn         fn;             /* the current run */
    void           *ud;
    atomic_uint     gen;            /* bumped for each run */
    atomic_int      pending;        /* workers still in the current run */
    atomic_int      sleepers;       /* workers waiting on wake (or about to) */
    atomic_bool     caller_sleeps;  /* the caller waits on done */
    atomic_bool     quit;
    pthread_mutex_t mu;
    pthread_cond_t  wake, done;
};

struct WorkerArg { Pool *p; int tid; };

/* Poll k of the spinning phase: a pause, later a yield of the core. */
static inline void poll_wait(int k)
{
    if (k >= POOL_SPINS) {
        sched_yield();
        return;
    }
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* Wait until the generation differs from seen; returns the new one. */
static unsigned wait_gen(Pool *p, unsigned seen)
{
    for (int k = 0; k < POOL_SPINS + POOL_YIELDS; k++) {
        unsigned g = atomic_load_explicit(&p->gen, memory_order_acquire);
        if (g != seen) return g;
        poll_wait(k);
    }
    atomic_fetch_add(&p->sleepers, 1);
    pthread_mutex_lock(&p->mu);
    unsigned g;
    while ((g = atomic_load(&p->gen)) == seen) pthread_cond_wait(&p->wake, &p->mu);
    pthread_mutex_unlock(&p->mu);
    atomic_fetch_sub(&p->sleepers, 1);
    return g;
}

static void *worker(void *arg)
{
    struct WorkerArg wa = *(struct WorkerArg *)arg;
    free(arg);
    Pool *p = wa.p;
    unsigned seen = 0;
    for (;;) {
        seen = wait_gen(p, seen);
        if (atomic_load(&p->quit)) return NULL;
        p->fn(p->ud, wa.tid);
        if (atomic_fetch_sub(&p->pending, 1) == 1 && atomic_load(&p->caller_sleeps)) {
            pthread_mutex_lock(&p->mu);
            pthread_cond_signal(&p->done);
            pthread_mutex_unlock(&p->mu);
        }
    }
}

/* Publish a new generation and wake the workers that sleep. */
static void publish(Pool *p)
{
    atomic_fetch_add(&p->gen, 1);
    if (atomic_load(&p->sleepers)) {
        pthread_mutex_lock(&p->mu);
        pthread_cond_broadcast(&p->wake);
        pthread_mutex_unlock(&p->mu);
    }
}

Pool *pool_new(int nthreads)
{
    if (nthreads < 1) return NULL;
    Pool *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->n = nthreads;
    atomic_init(&p->gen, 0);
    atomic_init(&p->pending, 0);
    atomic_init(&p->sleepers, 0);
    atomic_init(&p->caller_sleeps, false);
    atomic_init(&p->quit, false);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->done, NULL);
    p->threads = calloc((size_t)nthreads, sizeof *p->threads);
    if (!p->threads) {
        pool_free(p);
        return NULL;
    }
    for (int t = 1; t < nthreads; t++) {
        struct WorkerArg *wa = malloc(sizeof *wa);
        if (wa) *wa = (struct WorkerArg){ p, t };
        if (!wa || pthread_create(&p->threads[t - 1], NULL, worker, wa)) {
            free(wa);
            pool_free(p);
            return NULL;
        }
        p->started++;
    }
    return p;
}

void pool_run(Pool *p, pool_fn fn, void *ud)
{
    if (p->n == 1) {
        fn(ud, 0);
        return;
    }
    p->fn = fn;
    p->ud = ud;
    atomic_store(&p->pending, p->n - 1);
    publish(p);
    fn(ud, 0);
    for (int k = 0; k < POOL_SPINS + POOL_YIELDS; k++) {
        if (!atomic_load_explicit(&p->pending, memory_order_acquire)) return;
        poll_wait(k);
    }
    atomic_store(&p->caller_sleeps, true);
    pthread_mutex_lock(&p->mu);
    while (atomic_load(&p->pending)) pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
    atomic_store(&p->caller_sleeps, false);
}

int pool_size(const Pool *p)
{
    return p ? p->n : 1;
}

void pool_free(Pool *p)
{
    if (!p) return;
    atomic_store(&p->quit, true);
    publish(p);
    /* workers that slept before quit was set are woken by publish */
    for (int t = 0; t < p->started; t++) pthread_join(p->threads[t], NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->done);
    free(p->threads);
    free(p);
}
