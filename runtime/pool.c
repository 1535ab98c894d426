/* SPDX-License-Identifier: MIT */
/* This file contains the worker pool (pool.h).  A job is published in one
 * 64-bit word: its generation and the range [lo, hi) of parts not yet
 * taken.  Every thread (the caller too) takes parts by a compare-and-swap
 * on that word, which fails once the generation has moved on, so a late
 * worker can never take a part of a job that is over, and the caller
 * waits only for parts that a worker has actually begun.  The caller takes
 * parts from the bottom and the workers from the top, so that from step to
 * step each thread mostly gets the same index ranges (and finds their
 * values in its cache).
 * Waiting (workers for a job, the caller for the last parts) polls the
 * word with a pause for a while, then gives the core away between polls,
 * then sleeps on a condition variable, so an idle pool costs no CPU while
 * the several jobs of a time step, microseconds apart, never sleep. */
#include "pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How long a waiting thread polls: with a pause only for POOL_SPIN_NS,
 * then yielding the core between polls until POOL_YIELD_NS (on a loaded
 * machine the thread being waited for may need the core), then it sleeps. */
#define POOL_SPIN_NS  50000
#define POOL_YIELD_NS 300000

/* The job word: generation (bits 40-63), the parts not yet taken [lo, hi)
 * (lo: bits 20-39, hi: bits 0-19). */
#define W_GEN(w)    ((uint32_t)((w) >> 40))
#define W_LO(w)     ((int)(((w) >> 20) & 0xFFFFF))
#define W_HI(w)     ((int)((w) & 0xFFFFF))
#define W_LO_ONE    ((uint64_t)1 << 20)
#define W_GEN_MASK  0xFFFFFFu

struct Pool {
    /* the words every thread polls, each on a cache line of its own */
    alignas(64) _Atomic uint64_t work;     /* the current job (see W_*) */
    alignas(64) atomic_int done;           /* parts of the current job finished */
    alignas(64) pool_fn  fn;               /* the current job, set before it is published */
    void           *ud;
    int             nparts;
    uint32_t        gen;                   /* the caller's last generation */
    uint64_t        dispatches;
    int             n;                     /* threads in all, the caller included */
    pthread_t      *threads;               /* the n - 1 workers */
    int             started;
    atomic_int      sleepers;              /* workers waiting on wake (or about to) */
    atomic_bool     caller_sleeps;         /* the caller waits on finished */
    atomic_bool     quit;
    pthread_mutex_t mu;
    pthread_cond_t  wake, finished;
};

struct WorkerArg { Pool *p; int tid; };

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline void cpu_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* Poll k of a wait that began at *t0 (0: not read yet): a pause, later a
 * yield of the core.  False once the polling time is over (sleep then). */
static bool poll_more(int k, int64_t *t0)
{
    if (k & 31) {
        cpu_pause();
        return true;
    }
    int64_t t = now_ns();
    if (!*t0) *t0 = t;
    if (t - *t0 < POOL_SPIN_NS) cpu_pause();
    else if (t - *t0 < POOL_YIELD_NS) sched_yield();
    else return false;
    return true;
}

/* Wait until the job word's generation differs from seen; returns it. */
static uint64_t wait_job(Pool *p, uint32_t seen)
{
    int64_t t0 = 0;
    uint64_t w;
    for (int k = 0;; k++) {
        w = atomic_load_explicit(&p->work, memory_order_acquire);
        if (W_GEN(w) != seen || atomic_load_explicit(&p->quit, memory_order_relaxed)) return w;
        if (!poll_more(k, &t0)) break;
    }
    atomic_fetch_add(&p->sleepers, 1);
    pthread_mutex_lock(&p->mu);
    while (W_GEN(w = atomic_load(&p->work)) == seen && !atomic_load(&p->quit)) pthread_cond_wait(&p->wake, &p->mu);
    pthread_mutex_unlock(&p->mu);
    atomic_fetch_sub(&p->sleepers, 1);
    return w;
}

/* Take a part of job gen, the lowest (the caller) or the highest (the
 * workers) not yet taken: its index, or -1 when the job has no part left
 * or is over. */
static int take_part(Pool *p, uint32_t gen, bool top)
{
    uint64_t w = atomic_load_explicit(&p->work, memory_order_acquire);
    for (;;) {
        if (W_GEN(w) != gen || W_LO(w) >= W_HI(w)) return -1;
        uint64_t next = top ? w - 1 : w + W_LO_ONE;
        if (atomic_compare_exchange_weak_explicit(&p->work, &w, next, memory_order_acq_rel, memory_order_acquire))
            return top ? W_HI(w) - 1 : W_LO(w);
    }
}

static void *worker(void *arg)
{
    struct WorkerArg wa = *(struct WorkerArg *)arg;
    free(arg);
    Pool *p = wa.p;
    uint32_t seen = 0;
    for (;;) {
        uint64_t w = wait_job(p, seen);
        if (atomic_load(&p->quit)) return NULL;
        seen = W_GEN(w);
        /* a part taken belongs to a job not over, so fn, ud and nparts are its own */
        for (int part; (part = take_part(p, seen, true)) >= 0;) {
            int nparts = p->nparts;
            p->fn(p->ud, part);
            if (atomic_fetch_add(&p->done, 1) + 1 == nparts && atomic_load(&p->caller_sleeps)) {
                pthread_mutex_lock(&p->mu);
                pthread_cond_signal(&p->finished);
                pthread_mutex_unlock(&p->mu);
            }
        }
    }
}

/* Wake the workers that sleep (after a new job word or quit). */
static void wake_sleepers(Pool *p)
{
    if (atomic_load(&p->sleepers)) {
        pthread_mutex_lock(&p->mu);
        pthread_cond_broadcast(&p->wake);
        pthread_mutex_unlock(&p->mu);
    }
}

Pool *pool_new(int nthreads)
{
    if (nthreads < 1) return NULL;
    Pool *p = aligned_alloc(64, (sizeof *p + 63) / 64 * 64);
    if (!p) return NULL;
    memset(p, 0, sizeof *p);
    p->n = nthreads;
    atomic_init(&p->work, 0);
    atomic_init(&p->done, 0);
    atomic_init(&p->sleepers, 0);
    atomic_init(&p->caller_sleeps, false);
    atomic_init(&p->quit, false);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->finished, NULL);
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

void pool_run(Pool *p, pool_fn fn, void *ud, int nparts)
{
    if (p->n == 1 || nparts <= 1 || nparts > POOL_MAX_PARTS) {
        for (int k = 0; k < nparts; k++) fn(ud, k);
        return;
    }
    p->fn = fn;
    p->ud = ud;
    p->nparts = nparts;
    p->dispatches++;
    atomic_store_explicit(&p->done, 0, memory_order_relaxed);
    p->gen = (p->gen + 1) & W_GEN_MASK;
    uint32_t gen = p->gen;
    atomic_store(&p->work, (uint64_t)gen << 40 | (uint64_t)nparts);
    wake_sleepers(p);
    for (int part; (part = take_part(p, gen, false)) >= 0;) {
        fn(ud, part);
        atomic_fetch_add_explicit(&p->done, 1, memory_order_acq_rel);
    }
    /* only parts a worker has begun are left */
    int64_t t0 = 0;
    for (int k = 0;; k++) {
        if (atomic_load_explicit(&p->done, memory_order_acquire) == nparts) return;
        if (!poll_more(k, &t0)) break;
    }
    atomic_store(&p->caller_sleeps, true);
    pthread_mutex_lock(&p->mu);
    while (atomic_load(&p->done) != nparts) pthread_cond_wait(&p->finished, &p->mu);
    pthread_mutex_unlock(&p->mu);
    atomic_store(&p->caller_sleeps, false);
}

int pool_size(const Pool *p)
{
    return p ? p->n : 1;
}

uint64_t pool_dispatches(const Pool *p)
{
    return p ? p->dispatches : 0;
}

void pool_free(Pool *p)
{
    if (!p) return;
    atomic_store(&p->quit, true);
    wake_sleepers(p);
    /* a worker about to sleep rechecks quit under the mutex */
    for (int t = 0; t < p->started; t++) pthread_join(p->threads[t], NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->finished);
    free(p->threads);
    free(p);
}
