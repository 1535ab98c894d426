/* SPDX-License-Identifier: MIT */
/* This file contains the optimising tier.  libtcc compiles a model in a
 * millisecond but its code is several times slower than an optimising
 * compiler's; so, when asked, the same C source is also built by the system
 * compiler (jit_compile_native: cc -O3 -march=native -ffp-contract=off,
 * which keeps every result identical) in a background thread, and the block
 * functions are switched to it between two steps.  The shared object is
 * cached by the hash of the code, so a second run of the same model loads it
 * at once. */
#include "tier.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"

enum { T_RUNNING, T_DONE, T_INSTALLED, T_FAILED };

struct Tier {
    pthread_t    thread;
    bool         started;
    char        *code;
    char        *cache_dir;
    atomic_int   state;
    atomic_int   child;        /* pid of the compiler, for tier_free */
    Jit         *jit;
    char         err[1024];
};

static void *compile_thread(void *arg)
{
    Tier *t = arg;
    t->jit = jit_compile_native(t->code, t->cache_dir, t->err, sizeof t->err, &t->child);
    atomic_store(&t->state, t->jit ? T_DONE : T_FAILED);
    return NULL;
}

Tier *tier_start(const char *code, const char *cache_dir)
{
    Tier *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->code = strdup(code);
    t->cache_dir = strdup(cache_dir);
    atomic_init(&t->state, T_RUNNING);
    atomic_init(&t->child, 0);
    if (!t->code || !t->cache_dir || pthread_create(&t->thread, NULL, compile_thread, t)) {
        free(t->code);
        free(t->cache_dir);
        free(t);
        return NULL;
    }
    t->started = true;
    return t;
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
    return st != T_RUNNING;
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
    return st == T_INSTALLED ? TIER_INSTALLED : st == T_FAILED ? TIER_FAILED : TIER_PENDING;
}

const char *tier_error(const Tier *t)
{
    return tier_status(t) == TIER_FAILED ? t->err : "";
}

void tier_free(Tier *t)
{
    if (!t) return;
    if (t->started) {
        int pid = atomic_load(&t->child);
        if (pid > 0 && atomic_load(&t->state) == T_RUNNING) kill(pid, SIGKILL);
        pthread_join(t->thread, NULL);
    }
    jit_free(t->jit);
    free(t->code);
    free(t->cache_dir);
    free(t);
}
