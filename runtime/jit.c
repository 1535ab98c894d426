/* SPDX-License-Identifier: MIT */
/* This file contains the JIT: generated C is compiled in memory by libtcc
 * without the C library's headers or files (-nostdlib -nostdinc); every
 * function it may call is handed over with tcc_add_symbol.  libtcc keeps
 * global state, so compiles are serialised with a mutex. */
#include "jit.h"

#include <dlfcn.h>
#include <spawn.h>
#include <errno.h>
#include <libtcc.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abi.h"
#include "hash.h"

struct Jit {
    TCCState *s;        /* libtcc code, or */
    void     *so;       /* a shared object from the system compiler */
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
    { "expm1", (const void *)expm1 }, { "log1p", (const void *)log1p },
    { "snn_rand_uniform", (const void *)snn_rand_uniform },
    { "snn_rand_normal", (const void *)snn_rand_normal },
    { "snn_rand_binomial", (const void *)snn_rand_binomial },
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
    if (!j) return NULL;
    return j->so ? dlsym(j->so, name) : tcc_get_symbol(j->s, name);
}

void jit_free(Jit *j)
{
    if (!j) return;
    if (j->so) {
        dlclose(j->so);
    } else {
        pthread_mutex_lock(&jit_lock);
        tcc_delete(j->s);
        pthread_mutex_unlock(&jit_lock);
    }
    free(j);
}

extern char **environ;
extern const char snn_rng_text[];   /* runtime/rng.c, embedded at build time */

static const char native_flags[] = "-O3 -march=native -ffp-contract=off -fno-math-errno -fPIC -shared -w";

static int write_file(const char *path, const char *a, const char *b)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fputs(a, f);
    fputs(b, f);
    return fclose(f);
}

/* Run cc on src to make so; its messages go to log.  The child's pid is
 * published in *child (when given) so that it can be stopped. */
static int run_cc(const char *src, const char *so, const char *log, atomic_int *child)
{
    const char *cc = getenv("CC");
    char cmd[16384];
    snprintf(cmd, sizeof cmd, "exec %s %s -o '%s' '%s' -lm > '%s' 2>&1", cc && *cc ? cc : "cc", native_flags, so, src,
             log);
    char *argv[] = { "sh", "-c", cmd, NULL };
    pid_t pid;
    if (posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ)) return -1;
    if (child) atomic_store(child, (int)pid);
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return -1;
    if (child) atomic_store(child, 0);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

Jit *jit_compile_native(const char *code, const char *cache_dir, char *err, size_t errlen, atomic_int *child)
{
    if (errlen) err[0] = 0;
    if (!cache_dir || !*cache_dir) {
        snprintf(err, errlen, "no cache directory for native code");
        return NULL;
    }
    if (mkdir(cache_dir, 0700) && errno != EEXIST) {
        snprintf(err, errlen, "cannot create '%s': %s", cache_dir, strerror(errno));
        return NULL;
    }
    /* -march=native: the processor is part of the key, so a cache shared
     * between machines never hands one the other's instructions */
    char cpu[4096] = "";
    FILE *ci = fopen("/proc/cpuinfo", "r");
    if (ci) {
        char line[4096];
        while (fgets(line, sizeof line, ci))
            if (!strncmp(line, "flags", 5) || !strncmp(line, "model name", 10)) strncat(cpu, line, sizeof cpu - strlen(cpu) - 1);
            else if (line[0] == '\n' && cpu[0]) break;
        fclose(ci);
    }
    unsigned long long h = SNN_FNV1A_BASIS;
    h = snn_fnv1a_str(h, cpu);
    h = snn_fnv1a_str(h, snn_rng_text);
    h = snn_fnv1a_str(h, native_flags);
    h = snn_fnv1a_str(h, code);
    char so[4096], tmp_so[4200], src[4200], log[4200];
    snprintf(so, sizeof so, "%s/snn-%016llx.so", cache_dir, h);
    if (access(so, R_OK)) {
        long pid = (long)getpid();
        snprintf(src, sizeof src, "%s/.snn-%016llx-%ld.c", cache_dir, h, pid);
        snprintf(tmp_so, sizeof tmp_so, "%s/.snn-%016llx-%ld.so", cache_dir, h, pid);
        snprintf(log, sizeof log, "%s/.snn-%016llx-%ld.log", cache_dir, h, pid);
        /* the runtime's random numbers go into the object, so it needs no
         * symbol from the program that loads it */
        size_t n = strlen(snn_rng_text);
        char *rng = malloc(n + 1);
        if (!rng) {
            snprintf(err, errlen, "out of memory");
            return NULL;
        }
        memcpy(rng, snn_rng_text, n + 1);
        char *inc = strstr(rng, "#include \"abi.h\"");
        if (inc) memset(inc, ' ', strlen("#include \"abi.h\""));
        int bad = write_file(src, code, rng);
        free(rng);
        if (bad || run_cc(src, tmp_so, log, child) || rename(tmp_so, so)) {
            snprintf(err, errlen, "the system C compiler failed (see %s)", log);
            remove(tmp_so);
            remove(src);
            return NULL;
        }
        remove(src);
        remove(log);
    }
    Jit *j = calloc(1, sizeof *j);
    if (!j) return NULL;
    j->so = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    if (!j->so) {
        snprintf(err, errlen, "cannot load %s: %s", so, dlerror());
        free(j);
        return NULL;
    }
    return j;
}
