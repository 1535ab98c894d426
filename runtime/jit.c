/* SPDX-License-Identifier: MIT */
/* This file contains the JIT: generated C is compiled in memory by libtcc
 * without the C library's headers or files (-nostdlib -nostdinc); every
 * function it may call is handed over with tcc_add_symbol.  libtcc keeps
 * global state, so compiles are serialised with a mutex.  It also contains
 * the optimising tier's compiles with the system C compiler, cached as
 * shared objects in a private directory under the SHA-256 of everything
 * that makes the object.  Built with SNN_NO_LIBTCC (the shared library:
 * Debian's libtcc.a is not position-independent), jit_compile runs the
 * tcc program (or the system C compiler) through the same code as the
 * optimising tier, into a private temporary directory. */
#include "jit.h"

#include <dlfcn.h>
#include <spawn.h>
#include <errno.h>
#include <fcntl.h>
#ifndef SNN_NO_LIBTCC
#include <libtcc.h>
#endif
#include <math.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "abi.h"
#include "mathlib.h"

/* runtime/rng.c: poisson(l), declared by generated code only where used */
double snn_rand_poisson(snn_u64 seed, snn_u64 stream, snn_i64 step, snn_i32 idx, snn_i32 site, double l);

struct Jit {
#ifndef SNN_NO_LIBTCC
    TCCState *s;        /* libtcc code, or */
#endif
    void     *so;       /* a shared object from a C compiler program */
};

typedef struct ErrBuf {
    char  *p;
    size_t len, cap;
} ErrBuf;

#ifndef SNN_NO_LIBTCC
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
    { "snn_rand_binomial_tab", (const void *)snn_rand_binomial_tab },
    { "snn_binomial_table", (const void *)snn_binomial_table },
    { "snn_rand_binomial_block", (const void *)snn_rand_binomial_block },
    { "snn_rand_poisson", (const void *)snn_rand_poisson },
    { "snn_timestep", (const void *)snn_timestep },
    { "memset", (const void *)memset }, { "memcpy", (const void *)memcpy }, { "memmove", (const void *)memmove },
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
    for (int k = 0; k < SNN_MATH_NSYMBOLS; k++)
        tcc_add_symbol(s, snn_math_symbols[k].name, (const void *)snn_math_symbols[k].fn);
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

#endif

void *jit_symbol(Jit *j, const char *name)
{
    if (!j) return NULL;
#ifndef SNN_NO_LIBTCC
    if (!j->so) return tcc_get_symbol(j->s, name);
#endif
    return dlsym(j->so, name);
}

void jit_free(Jit *j)
{
    if (!j) return;
    if (j->so) {
        dlclose(j->so);
    } else {
#ifndef SNN_NO_LIBTCC
        pthread_mutex_lock(&jit_lock);
        tcc_delete(j->s);
        pthread_mutex_unlock(&jit_lock);
#endif
    }
    free(j);
}

/* {====================================================================
 * The optimising tier's compiler and its cache
 * ===================================================================== */

extern char **environ;
extern const char snn_rng_text[];   /* runtime/rng.c, embedded at build time */

/* A state update reads and writes many arrays that cc cannot prove apart
 * (they come from _a->v): gcc's default of 10 run-time alias tests leaves
 * COBAHH's update loop scalar, 256 lets it vectorise (clang ignores it).
 * -mprefer-vector-width=512: where the processor has AVX-512, loops use
 * all of it (gcc's default for such processors is 256 bits); COBAHH's
 * update and CUBA's (the math and the loads and stores of the state) run
 * 13-20% faster, with the same results, as every lane computes alone.
 * -fno-semantic-interposition: the random numbers (runtime/rng.c, compiled
 * into the same object) are called directly and inlined, not through the
 * PLT, as nothing ever interposes them.
 * -fno-trapping-math: with gcc's default, a state update with a condition
 * (CUBA's `if (not_refractory) v = ...`, threshold `v > Vt && ...`) stays
 * scalar, as making the branch a select would evaluate floating-point
 * operations the branch might skip, and those could raise an exception flag;
 * snnc never reads those flags (nor unmasks their traps), and the values are
 * the same bit for bit (the test of both tiers checks it), so the loop may
 * vectorise. */
static const char *const native_flags[] = { "-O3", "-march=native", "-ffp-contract=off", "-fno-math-errno",
                                            "-fno-trapping-math",
                                            "--param=vect-max-version-for-alias-checks=256",
#if defined(__x86_64__) || defined(__i386__)
                                            "-mprefer-vector-width=512",
#endif
                                            "-fno-semantic-interposition",
                                            "-fPIC", "-shared", "-w" };
#define NFLAGS (sizeof native_flags / sizeof *native_flags)

/* The system C compiler as an argument vector: $CC split at blanks (e.g.
 * "ccache gcc"), or "cc".  No shell ever sees it. */
typedef struct CcCommand {
    char  text[1024];        /* $CC, or "cc" */
    char  buf[1024];         /* text split in place */
    char *argv[32];
    int   argc;
} CcCommand;

static void cc_command(CcCommand *c)
{
    const char *cc = getenv("CC");
    snprintf(c->text, sizeof c->text, "%s", cc && *cc ? cc : "cc");
    memcpy(c->buf, c->text, sizeof c->buf);
    c->argc = 0;
    char *save = NULL;
    for (char *p = strtok_r(c->buf, " \t", &save); p && c->argc < 31; p = strtok_r(NULL, " \t", &save))
        c->argv[c->argc++] = p;
    if (!c->argc) c->argv[c->argc++] = strcpy(c->buf, "cc");
    c->argv[c->argc] = NULL;
}

/* Start argv (searched in PATH) with its stdout and stderr going to the
 * file out, or to the pipe end fd_out when out is NULL.  Returns its pid,
 * or -1 if it could not be started. */
static pid_t spawn_program(char *const argv[], const char *out, int fd_out)
{
    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init(&fa)) return -1;
    int bad = out ? posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0600)
                  : posix_spawn_file_actions_adddup2(&fa, fd_out, 1);
    bad = bad || posix_spawn_file_actions_adddup2(&fa, 1, 2);
    pid_t pid;
    bad = bad || posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    return bad ? -1 : pid;
}

/* Wait for pid; its exit status, or -1 if it was killed. */
static int wait_program(pid_t pid)
{
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Run argv with its messages going to the file log; its exit status, -1
 * if it was killed, or -2 if it could not be started.  The child's pid is
 * published in *child (when given) so that it can be stopped. */
static int run_program(char *const argv[], const char *log, atomic_int *child)
{
    pid_t pid = spawn_program(argv, log, -1);
    if (pid < 0) return -2;
    if (child) atomic_store(child, (int)pid);
    int st = wait_program(pid);
    if (child) atomic_store(child, 0);
    return st;
}

/* The identity of the compiler c: its path as found in PATH and what
 * 'cc --version' prints, worked out once per process for each $CC. */
static pthread_mutex_t ident_lock = PTHREAD_MUTEX_INITIALIZER;
static char ident_cc[1024];          /* the $CC the identity is of */
static char ident[8192];

static void find_in_path(const char *name, char *out, size_t n)
{
    snprintf(out, n, "%s", name);
    if (strchr(name, '/')) {
        char *r = realpath(name, NULL);
        if (r) snprintf(out, n, "%s", r);
        free(r);
        return;
    }
    const char *path = getenv("PATH");
    for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
        const char *e = strchr(p, ':');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char cand[4096];
        snprintf(cand, sizeof cand, "%.*s/%s", (int)len, p, name);
        if (len && !access(cand, X_OK)) {
            char *r = realpath(cand, NULL);
            snprintf(out, n, "%s", r ? r : cand);
            free(r);
            return;
        }
        p += len + (e != NULL);
    }
}

static void compiler_identity(const CcCommand *c, char *out, size_t n)
{
    pthread_mutex_lock(&ident_lock);
    if (strcmp(ident_cc, c->text) || !ident[0]) {
        size_t len = 0;
        for (int k = 0; k < c->argc; k++) {
            char where[4096];
            find_in_path(c->argv[k], where, sizeof where);
            len += (size_t)snprintf(ident + len, sizeof ident - len, "%s\n", where);
            if (len >= sizeof ident) len = sizeof ident - 1;
        }
        char *argv[34];
        int argc = 0;
        for (; argc < c->argc; argc++) argv[argc] = c->argv[argc];
        argv[argc++] = "--version";
        argv[argc] = NULL;
        int fd[2];
        if (!pipe2(fd, O_CLOEXEC)) {
            pid_t pid = spawn_program(argv, NULL, fd[1]);
            close(fd[1]);
            /* read it all (keeping what fits) before waiting, so that the
             * compiler never blocks on a full pipe */
            char chunk[4096];
            ssize_t got;
            while (pid > 0 && ((got = read(fd[0], chunk, sizeof chunk)) > 0 || (got < 0 && errno == EINTR))) {
                size_t take = got > 0 ? (size_t)got : 0;
                if (take > sizeof ident - 1 - len) take = sizeof ident - 1 - len;
                memcpy(ident + len, chunk, take);
                len += take;
            }
            close(fd[0]);
            int st = pid > 0 ? wait_program(pid) : -1;
            len += (size_t)snprintf(ident + len, sizeof ident - len, "exit %d\n", st);
            if (len >= sizeof ident) len = sizeof ident - 1;
        }
        ident[len] = 0;
        snprintf(ident_cc, sizeof ident_cc, "%s", c->text);
    }
    snprintf(out, n, "%s", ident);
    pthread_mutex_unlock(&ident_lock);
}

/* The processor (-march=native makes it part of the code): the flags and
 * model name of the first CPU in /proc/cpuinfo. */
static void cpu_identity(char *cpu, size_t n)
{
    cpu[0] = 0;
    FILE *ci = fopen("/proc/cpuinfo", "r");
    if (!ci) return;
    char line[4096];
    while (fgets(line, sizeof line, ci))
        if (!strncmp(line, "flags", 5) || !strncmp(line, "model name", 10)) strncat(cpu, line, n - strlen(cpu) - 1);
        else if (line[0] == '\n' && cpu[0]) break;
    fclose(ci);
}

/* Add one part of the key: its length, then its bytes, so that no two
 * different lists of parts hash alike. */
static void key_part(struct sha256_ctx *h, const char *s)
{
    uint64_t n = strlen(s);
    unsigned char len[8];
    for (int k = 0; k < 8; k++) len[k] = (unsigned char)(n >> (8 * k));
    sha256_update(h, sizeof len, len);
    sha256_update(h, (size_t)n, (const uint8_t *)s);
}

/* The cache key of code: SHA-256 of the code, the runtime's random-number
 * code compiled with it, the compiler's identity, the flags and the
 * processor, as 64 hex digits. */
static void cache_key(const char *code, const CcCommand *c, char hex[2 * SHA256_DIGEST_SIZE + 1])
{
    char id[8192], cpu[4096];
    struct sha256_ctx h;
    sha256_init(&h);
    key_part(&h, code);
    key_part(&h, snn_rng_text);
    compiler_identity(c, id, sizeof id);
    key_part(&h, id);
    for (size_t k = 0; k < NFLAGS; k++) key_part(&h, native_flags[k]);
    cpu_identity(cpu, sizeof cpu);
    key_part(&h, cpu);
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(&h, sizeof d, d);
    for (int k = 0; k < SHA256_DIGEST_SIZE; k++) snprintf(hex + 2 * k, 3, "%02x", d[k]);
}

bool jit_cache_dir_ok(const char *dir, char *err, size_t errlen)
{
    if (!dir || !*dir) {
        snprintf(err, errlen, "no cache directory for native code");
        return false;
    }
    /* the folders above it too ($XDG_CACHE_HOME may not exist yet) */
    char parent[4096];
    snprintf(parent, sizeof parent, "%s", dir);
    for (char *p = parent + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(parent, 0700) && errno != EEXIST) break;
            *p = '/';
        }
    if (mkdir(dir, 0700) && errno != EEXIST) {
        snprintf(err, errlen, "cannot create the cache directory '%s': %s", dir, strerror(errno));
        return false;
    }
    struct stat st;
    if (lstat(dir, &st)) {
        snprintf(err, errlen, "cannot use the cache directory '%s': %s", dir, strerror(errno));
        return false;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "the cache directory '%s' is not a directory%s", dir,
                 S_ISLNK(st.st_mode) ? " (it is a symbolic link)" : "");
        return false;
    }
    if (st.st_uid != geteuid()) {
        snprintf(err, errlen, "the cache directory '%s' belongs to another user (uid %ld): its code is not loaded",
                 dir, (long)st.st_uid);
        return false;
    }
    if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        snprintf(err, errlen, "the cache directory '%s' is writable by %s (mode %04o): its code is not loaded; "
                 "make it private with chmod 700", dir, st.st_mode & S_IWOTH ? "others" : "its group",
                 (unsigned)(st.st_mode & 07777));
        return false;
    }
    return true;
}

/* A cached object fit to load: a regular file of this user that nobody
 * else may write.  false (with err) if it exists but is not. */
static bool cached_ok(const char *so, char *err, size_t errlen)
{
    struct stat st;
    if (lstat(so, &st)) return true;
    if (S_ISREG(st.st_mode) && st.st_uid == geteuid() && !(st.st_mode & (S_IWGRP | S_IWOTH))) return true;
    snprintf(err, errlen, "the cached object '%s' is not a private file of this user: it is not loaded", so);
    return false;
}

/* Write code and then text to a new file path (never an existing one). */
static int write_file(const char *path, const char *code, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0) close(fd);
        return -1;
    }
    fputs(code, f);
    fputs(text, f);
    return fclose(f);
}

/* The compiler's messages in the file log, as much as fits in err; the
 * file is removed. */
static void read_log(const char *log, char *err, size_t errlen)
{
    FILE *f = fopen(log, "r");
    size_t n = f && errlen ? fread(err, 1, errlen - 1, f) : 0;
    if (errlen) err[n] = 0;
    if (f) fclose(f);
    remove(log);
    if (errlen && !n) snprintf(err, errlen, "the C compiler failed\n");
}

/* Compile code and then tail (NULL: the rng text) into a shared object at
 * so, with the compiler c and its flags: through private temporary files in dir,
 * renamed into place only when complete, so that another process never
 * loads a half-written object.  On failure err names the log file, or
 * holds the compiler's messages (log_to_err, the log then removed). */
static bool build_object(const char *code, const CcCommand *c, const char *const *flags, size_t nflags,
                         const char *tail, const char *dir, const char *key, const char *so, bool log_to_err,
                         char *err, size_t errlen, atomic_int *child)
{
    static atomic_uint serial;
    char src[4400], tmp_so[4400], log[4400];
    unsigned u = atomic_fetch_add(&serial, 1);
    long pid = (long)getpid();
    snprintf(src, sizeof src, "%s/.snn-%s-%ld-%u.c", dir, key, pid, u);
    snprintf(tmp_so, sizeof tmp_so, "%s/.snn-%s-%ld-%u.so", dir, key, pid, u);
    snprintf(log, sizeof log, "%s/.snn-%s-%ld-%u.log", dir, key, pid, u);
    /* the runtime's random numbers go into the object, so it needs no
     * symbol from the program that loads it */
    const char *text = tail ? tail : snn_rng_text;
    size_t n = strlen(text);
    char *rng = malloc(n + 1);
    if (!rng) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    memcpy(rng, text, n + 1);
    char *inc = strstr(rng, "#include \"abi.h\"");
    if (inc) memset(inc, ' ', strlen("#include \"abi.h\""));
    int bad = write_file(src, code, rng);
    free(rng);
    char *argv[32 + 16 + 6];
    int argc = 0;
    for (int k = 0; k < c->argc; k++) argv[argc++] = c->argv[k];
    for (size_t k = 0; k < nflags && k < 16; k++) argv[argc++] = (char *)flags[k];
    argv[argc++] = "-o";
    argv[argc++] = tmp_so;
    argv[argc++] = src;
    argv[argc++] = "-lm";
    argv[argc] = NULL;
    int st = bad ? -1 : run_program(argv, log, child);
    if (st == -2) {
        snprintf(err, errlen, "cannot run the system C compiler '%s' (set CC to one)", c->text);
        remove(log);
        remove(src);
        return false;
    }
    if (st != 0 || rename(tmp_so, so)) {
        if (log_to_err) read_log(log, err, errlen);
        else snprintf(err, errlen, "the system C compiler failed (see %s)", log);
        remove(tmp_so);
        remove(src);
        return false;
    }
    remove(src);
    remove(log);
    return true;
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Where the cached object of code would be. */
static void cached_path(const char *code, const char *cache_dir, char *so, size_t n, char key[2 * SHA256_DIGEST_SIZE + 1],
                        CcCommand *c)
{
    cc_command(c);
    cache_key(code, c, key);
    snprintf(so, n, "%s/snn-%s.so", cache_dir, key);
}

bool jit_native_cached(const char *code, const char *cache_dir)
{
    CcCommand c;
    char key[2 * SHA256_DIGEST_SIZE + 1], so[4400];
    cached_path(code, cache_dir, so, sizeof so, key, &c);
    return !access(so, R_OK);
}

/* The file in the cache directory that keeps the last cold build's wall
 * time and code size ("seconds bytes"). */
static void build_time_path(const char *cache_dir, char *out, size_t n)
{
    snprintf(out, n, "%s/build-time", cache_dir);
}

/* Remember that code of bytes took seconds to build (tmp file, renamed). */
static void note_build_time(const char *cache_dir, double seconds, size_t bytes)
{
    char path[4400], tmp[4450];
    build_time_path(cache_dir, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0) close(fd);
        return;
    }
    fprintf(f, "%.6f %zu\n", seconds, bytes);
    if (fclose(f) || rename(tmp, path)) remove(tmp);
}

double jit_native_estimate(const char *code, const char *cache_dir)
{
    char path[4400];
    build_time_path(cache_dir, path, sizeof path);
    FILE *f = fopen(path, "r");
    double secs = 0;
    size_t bytes = 0;
    bool known = f && fscanf(f, "%lf %zu", &secs, &bytes) == 2 && secs > 0 && secs < 1e4 && bytes > 0;
    if (f) fclose(f);
    if (!known) return JIT_NATIVE_BUILD_GUESS;
    /* the compiler's start-up plus a part in proportion to the code */
    double per_byte = secs / (double)bytes, est = 0.5 * secs + 0.5 * per_byte * (double)strlen(code);
    return est > 0.02 ? est : 0.02;
}

Jit *jit_compile_native(const char *code, const char *cache_dir, char *err, size_t errlen, atomic_int *child)
{
    if (errlen) err[0] = 0;
    if (!jit_cache_dir_ok(cache_dir, err, errlen)) return NULL;
    CcCommand c;
    char key[2 * SHA256_DIGEST_SIZE + 1], so[4400];
    cached_path(code, cache_dir, so, sizeof so, key, &c);
    if (!cached_ok(so, err, errlen)) return NULL;
    if (access(so, R_OK)) {
        double t0 = wall_now();
        if (!build_object(code, &c, native_flags, NFLAGS, NULL, cache_dir, key, so, false, err, errlen, child))
            return NULL;
        note_build_time(cache_dir, wall_now() - t0, strlen(code));
    }
    Jit *j = calloc(1, sizeof *j);
    if (!j) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    j->so = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    if (!j->so) {
        snprintf(err, errlen, "cannot load %s: %s", so, dlerror());
        free(j);
        return NULL;
    }
    return j;
}

#ifdef SNN_NO_LIBTCC
/* {====================================================================
 * The JIT without libtcc: the tcc program, or the system C compiler
 * ===================================================================== */

/* tcc compiles as libtcc does; the system compiler (when there is no tcc)
 * without contractions, so that the numbers stay the same. */
static const char *const tcc_flags[] = { "-shared", "-fPIC", "-w" };
static const char *const cc_flags[] = { "-O1", "-ffp-contract=off", "-fPIC", "-shared", "-w" };

/* The runtime's helpers, called through pointers that jit_compile fills
 * in: the object then runs the very code libtcc's would (the random
 * numbers are the library's own), and needs no symbol of the library. */
static const char host_calls[] =
    "\nvoid *snn__host[16];\n"   /* 4 + SNN_MATH_NSYMBOLS + snn_rand_poisson + the three of binomial's table */
    "double snn_rand_uniform(snn_u64 a, snn_u64 b, snn_i64 c, snn_i32 d, snn_i32 e)\n"
    "{ return ((double (*)(snn_u64, snn_u64, snn_i64, snn_i32, snn_i32))snn__host[0])(a, b, c, d, e); }\n"
    "double snn_rand_normal(snn_u64 a, snn_u64 b, snn_i64 c, snn_i32 d, snn_i32 e)\n"
    "{ return ((double (*)(snn_u64, snn_u64, snn_i64, snn_i32, snn_i32))snn__host[1])(a, b, c, d, e); }\n"
    "double snn_rand_binomial(snn_u64 a, snn_u64 b, snn_i64 c, snn_i32 d, snn_i32 e, double n, double p)\n"
    "{ return ((double (*)(snn_u64, snn_u64, snn_i64, snn_i32, snn_i32, double, double))snn__host[2])"
    "(a, b, c, d, e, n, p); }\n"
    "snn_i64 snn_timestep(double t, double dt)\n"
    "{ return ((snn_i64 (*)(double, double))snn__host[3])(t, dt); }\n"
    "double snn_rand_poisson(snn_u64 a, snn_u64 b, snn_i64 c, snn_i32 d, snn_i32 e, double l)\n"
    "{ return ((double (*)(snn_u64, snn_u64, snn_i64, snn_i32, snn_i32, double))snn__host[12])(a, b, c, d, e, l); }\n"
    "double snn_rand_binomial_tab(snn_u64 a, snn_u64 b, snn_i64 c, snn_i32 d, snn_i32 e, snn_binomial *t)\n"
    "{ return ((double (*)(snn_u64, snn_u64, snn_i64, snn_i32, snn_i32, snn_binomial *))snn__host[13])"
    "(a, b, c, d, e, t); }\n"
    "snn_binomial snn_binomial_table(double n, double p)\n"
    "{ return ((snn_binomial (*)(double, double))snn__host[14])(n, p); }\n"
    "void snn_rand_binomial_block(snn_u64 a, snn_u64 b, snn_i64 c, snn_i32 d, snn_i32 e, snn_i32 f,"
    " const snn_binomial *t, double *o)\n"
    "{ ((void (*)(snn_u64, snn_u64, snn_i64, snn_i32, snn_i32, snn_i32, const snn_binomial *, double *))"
    "snn__host[15])(a, b, c, d, e, f, t, o); }\n"
    /* the tcc program calls the runtime's math (runtime/snnmath.h) */
    "#ifdef __TINYC__\n"
    "double _snn_exp(double x) { return ((double (*)(double))snn__host[4])(x); }\n"
    "double _snn_expm1(double x) { return ((double (*)(double))snn__host[5])(x); }\n"
    "double _snn_exprel(double x) { return ((double (*)(double))snn__host[6])(x); }\n"
    "double _snn_tanh(double x) { return ((double (*)(double))snn__host[7])(x); }\n"
    "double _snn_log(double x) { return ((double (*)(double))snn__host[8])(x); }\n"
    "double _snn_log1p(double x) { return ((double (*)(double))snn__host[9])(x); }\n"
    "double _snn_sin(double x) { return ((double (*)(double))snn__host[10])(x); }\n"
    "double _snn_cos(double x) { return ((double (*)(double))snn__host[11])(x); }\n"
    "#endif\n";

/* The program to compile with: $SNNC_JIT_CC (split at blanks), else tcc
 * if it is in PATH, else $CC or cc. */
static bool jit_command(CcCommand *c)
{
    const char *forced = getenv("SNNC_JIT_CC");
    char where[4096];
    find_in_path("tcc", where, sizeof where);
    bool tcc = !(forced && *forced) && strchr(where, '/');
    if (!(forced && *forced) && !tcc) {
        cc_command(c);
        return false;
    }
    snprintf(c->text, sizeof c->text, "%.1000s", tcc ? where : forced);
    memcpy(c->buf, c->text, sizeof c->buf);
    c->argc = 0;
    char *save = NULL;
    for (char *p = strtok_r(c->buf, " \t", &save); p && c->argc < 31; p = strtok_r(NULL, " \t", &save))
        c->argv[c->argc++] = p;
    c->argv[c->argc] = NULL;
    const char *base = strrchr(c->argv[0], '/');
    return !strcmp(base ? base + 1 : c->argv[0], "tcc");
}

Jit *jit_compile(const char *code, char *err, size_t errlen)
{
    if (errlen) err[0] = 0;
    CcCommand c;
    bool tcc = jit_command(&c);
    const char *tmp = getenv("TMPDIR");
    char dir[4096], so[4200];
    snprintf(dir, sizeof dir, "%s/snn-jit-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        snprintf(err, errlen, "cannot create a temporary directory for the generated code: %s", strerror(errno));
        return NULL;
    }
    snprintf(so, sizeof so, "%s/model.so", dir);
    bool ok = build_object(code, &c, tcc ? tcc_flags : cc_flags, tcc ? 3 : 5, host_calls, dir, "model", so, true,
                           err, errlen, NULL);
    Jit *j = ok ? calloc(1, sizeof *j) : NULL;
    if (ok && !j) snprintf(err, errlen, "out of memory");
    if (j) {
        j->so = dlopen(so, RTLD_NOW | RTLD_LOCAL);
        void **host = j->so ? dlsym(j->so, "snn__host") : NULL;
        if (!host) {
            snprintf(err, errlen, "cannot load %s: %s\n", so, dlerror());
            if (j->so) dlclose(j->so);
            free(j);
            j = NULL;
        } else {
            host[0] = (void *)snn_rand_uniform;
            host[1] = (void *)snn_rand_normal;
            host[2] = (void *)snn_rand_binomial;
            host[3] = (void *)snn_timestep;
            for (int k = 0; k < SNN_MATH_NSYMBOLS; k++) host[4 + k] = (void *)snn_math_symbols[k].fn;
            host[4 + SNN_MATH_NSYMBOLS] = (void *)snn_rand_poisson;
            host[5 + SNN_MATH_NSYMBOLS] = (void *)snn_rand_binomial_tab;
            host[6 + SNN_MATH_NSYMBOLS] = (void *)snn_binomial_table;
            host[7 + SNN_MATH_NSYMBOLS] = (void *)snn_rand_binomial_block;
        }
    }
    /* the mapping stays when the file goes */
    remove(so);
    rmdir(dir);
    return j;
}
#endif
