/* SPDX-License-Identifier: MIT */
/* This file contains the optimising tier.  libtcc compiles a model in a
 * millisecond but its code is several times slower than an optimising
 * compiler's; so, when asked, the same C source is also built by the system
 * compiler (jit_compile_native: cc -O3 -march=native -ffp-contract=off,
 * which keeps every result identical) in a background thread, and the block
 * functions are switched to it between two steps.  The shared object is
 * cached by the hash of the code, so a second run of the same model loads it
 * at once.  In the background a cold build waits for the caller's decision
 * (tier_decide: worth it for the time the run has left?) and then runs at a
 * lower priority (nice +10), so that it does not take a core from the run. */
#include "tier.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "build.h"

enum { T_CHECKING, T_WAITING, T_RUNNING, T_DONE, T_INSTALLED, T_FAILED, T_SKIPPED };

struct Tier {
    pthread_t       thread;
    bool            started;
    bool            background;
    char           *code;
    char           *cache_dir;
    atomic_int      state;
    atomic_int      child;        /* pid of the compiler, for tier_free */
    atomic_int      decision;     /* 0 none yet, 1 build, -1 do not (or quit) */
    pthread_mutex_t mu;
    pthread_cond_t  decided;
    bool            cached;       /* the object came from the cache */
    int             nice;         /* the build's nice value */
    double          seconds;      /* how long the build took */
    Jit            *jit;
    char            err[1024];
};

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Lower this thread's priority by 10 (Linux keeps a nice value per thread,
 * and the compiler it starts inherits it); returns the new nice value. */
static int lower_priority(void)
{
    id_t tid = (id_t)syscall(SYS_gettid);
    int cur = getpriority(PRIO_PROCESS, tid), want = cur + 10 > 19 ? 19 : cur + 10;
    return setpriority(PRIO_PROCESS, tid, want) ? cur : want;
}

static void *compile_thread(void *arg)
{
    Tier *t = arg;
    t->cached = jit_native_cached(t->code, t->cache_dir);
    if (!t->cached && t->background) {
        atomic_store(&t->state, T_WAITING);
        pthread_mutex_lock(&t->mu);
        while (!atomic_load(&t->decision)) pthread_cond_wait(&t->decided, &t->mu);
        pthread_mutex_unlock(&t->mu);
        if (atomic_load(&t->decision) < 0) {
            atomic_store(&t->state, T_SKIPPED);
            return NULL;
        }
        t->nice = lower_priority();
    } else {
        t->nice = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
    }
    atomic_store(&t->state, T_RUNNING);
    double t0 = mono_now();
    t->jit = jit_compile_native(t->code, t->cache_dir, t->err, sizeof t->err, &t->child);
    t->seconds = mono_now() - t0;
    atomic_store(&t->state, t->jit ? T_DONE : T_FAILED);
    return NULL;
}

Tier *tier_start(const char *code, const char *cache_dir, bool background)
{
    Tier *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->code = strdup(code);
    t->cache_dir = strdup(cache_dir);
    t->background = background;
    atomic_init(&t->state, T_CHECKING);
    atomic_init(&t->child, 0);
    atomic_init(&t->decision, 0);
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->decided, NULL);
    if (!t->code || !t->cache_dir || pthread_create(&t->thread, NULL, compile_thread, t)) {
        free(t->code);
        free(t->cache_dir);
        pthread_mutex_destroy(&t->mu);
        pthread_cond_destroy(&t->decided);
        free(t);
        return NULL;
    }
    t->started = true;
    return t;
}

bool tier_needs_decision(const Tier *t)
{
    return atomic_load(&((Tier *)t)->state) == T_WAITING;
}

double tier_estimate(const Tier *t)
{
    return jit_native_estimate(t->code, t->cache_dir);
}

void tier_decide(Tier *t, bool build)
{
    pthread_mutex_lock(&t->mu);
    if (!atomic_load(&t->decision)) atomic_store(&t->decision, build ? 1 : -1);
    pthread_cond_signal(&t->decided);
    pthread_mutex_unlock(&t->mu);
}

/* Switch net's block functions to the optimised code; on failure net keeps
 * running the code it had (build_rebind leaves it consistent). */
static bool install(Tier *t, Net *net, const Model *M, const BlockTable *B)
{
    if (!build_rebind(net, M, B, t->jit)) {
        snprintf(t->err, sizeof t->err, "the optimised code lacks a block function");
        atomic_store(&t->state, T_FAILED);
        return false;
    }
    atomic_store(&t->state, T_INSTALLED);
    return true;
}

bool tier_poll(Tier *t, Net *net, const Model *M, const BlockTable *B)
{
    int st = atomic_load(&t->state);
    if (st == T_DONE) return install(t, net, M, B);
    return st >= T_DONE;
}

bool tier_finish(Tier *t, Net *net, const Model *M, const BlockTable *B)
{
    if (t->started) {
        pthread_join(t->thread, NULL);
        t->started = false;
    }
    int st = atomic_load(&t->state);
    if (st == T_DONE) return install(t, net, M, B);
    return st == T_INSTALLED;
}

int tier_status(const Tier *t)
{
    int st = atomic_load(&((Tier *)t)->state);
    return st == T_INSTALLED ? TIER_INSTALLED : st == T_FAILED ? TIER_FAILED : st == T_SKIPPED ? TIER_SKIPPED
                                                                                               : TIER_PENDING;
}

const char *tier_error(const Tier *t)
{
    return tier_status(t) == TIER_FAILED ? t->err : "";
}

bool tier_built(const Tier *t, double *seconds, int *nice)
{
    *seconds = t->seconds;
    *nice = t->nice;
    return !t->cached;
}

void tier_free(Tier *t)
{
    if (!t) return;
    if (t->started) {
        tier_decide(t, false);
        int pid = atomic_load(&t->child);
        if (pid > 0 && atomic_load(&t->state) == T_RUNNING) kill(pid, SIGKILL);
        pthread_join(t->thread, NULL);
    }
    jit_free(t->jit);
    free(t->code);
    free(t->cache_dir);
    pthread_mutex_destroy(&t->mu);
    pthread_cond_destroy(&t->decided);
    free(t);
}
