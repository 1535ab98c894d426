/* SPDX-License-Identifier: MIT */
/* This file contains the JIT: generated C is compiled in memory by libtcc
 * without the C library's headers or files (-nostdlib -nostdinc); every
 * function it may call is handed over with tcc_add_symbol.  libtcc keeps
 * global state, so compiles are serialised with a mutex. */
#include "jit.h"

#include <libtcc.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"

struct Jit {
    TCCState *s;
};

typedef struct ErrBuf {
    char  *p;
    size_t len, cap;
} ErrBuf;

static pthread_mutex_t jit_lock = PTHREAD_MUTEX_INITIALIZER;

static void on_error(void *opaque, const char *msg)
{
    ErrBuf *e = opaque;
    if (!e->cap) return;
    int n = snprintf(e->p + e->len, e->cap - e->len, "%s\n", msg);
    if (n > 0) e->len += (size_t)n < e->cap - e->len ? (size_t)n : e->cap - e->len - 1;
}

static const struct { const char *name; const void *fn; } symbols[] = {
    { "exp", (const void *)exp }, { "log", (const void *)log }, { "log10", (const void *)log10 },
    { "sqrt", (const void *)sqrt }, { "sin", (const void *)sin }, { "cos", (const void *)cos },
    { "tan", (const void *)tan }, { "sinh", (const void *)sinh }, { "cosh", (const void *)cosh },
    { "tanh", (const void *)tanh }, { "asin", (const void *)asin }, { "acos", (const void *)acos },
    { "atan", (const void *)atan }, { "fabs", (const void *)fabs }, { "floor", (const void *)floor },
    { "ceil", (const void *)ceil }, { "pow", (const void *)pow }, { "fmod", (const void *)fmod },
    { "snn_rand_uniform", (const void *)snn_rand_uniform },
    { "snn_rand_normal", (const void *)snn_rand_normal },
    { "snn_timestep", (const void *)snn_timestep },
    { "memset", (const void *)memset }, { "memcpy", (const void *)memcpy },
};

Jit *jit_compile(const char *code, char *err, size_t errlen)
{
    ErrBuf e = { err, 0, errlen };
    if (errlen) err[0] = 0;
    Jit *j = calloc(1, sizeof *j);
    if (!j) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_lock(&jit_lock);
    TCCState *s = tcc_new();
    if (!s) {
        pthread_mutex_unlock(&jit_lock);
        free(j);
        snprintf(err, errlen, "cannot start the C compiler (libtcc)");
        return NULL;
    }
    tcc_set_error_func(s, &e, on_error);
    tcc_set_options(s, "-nostdlib -nostdinc");
    tcc_set_output_type(s, TCC_OUTPUT_MEMORY);
    for (size_t k = 0; k < sizeof symbols / sizeof *symbols; k++) tcc_add_symbol(s, symbols[k].name, symbols[k].fn);
    int ok = tcc_compile_string(s, code) == 0;
#ifdef TCC_RELOCATE_AUTO
    ok = ok && tcc_relocate(s, TCC_RELOCATE_AUTO) >= 0;
#else
    ok = ok && tcc_relocate(s) >= 0;
#endif
    pthread_mutex_unlock(&jit_lock);
    if (!ok) {
        if (errlen && !err[0]) snprintf(err, errlen, "the generated code did not compile");
        tcc_delete(s);
        free(j);
        return NULL;
    }
    j->s = s;
    return j;
}

void *jit_symbol(Jit *j, const char *name)
{
    return j ? tcc_get_symbol(j->s, name) : NULL;
}

void jit_free(Jit *j)
{
    if (!j) return;
    pthread_mutex_lock(&jit_lock);
    tcc_delete(j->s);
    pthread_mutex_unlock(&jit_lock);
    free(j);
}
