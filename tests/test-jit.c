/* SPDX-License-Identifier: MIT */
/* This file contains the unit tests of the libtcc JIT (jit.c): compiling a
 * small snn_args block, looking symbols up, compile and link errors (with the
 * '#line' file and line in the message), the runtime helpers and math
 * functions handed to generated code, several compiled units alive at once,
 * compiles from several threads; and the native-code cache: its directory
 * made private, refused when another user owns it or others may write it,
 * its objects keyed by SHA-256 and loaded again from the cache. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abi.h"
#include "jit.h"
#include "test-common.h"

extern const char snn_abi_text[];   /* runtime/abi.h as text (libsnn) */

/* The ABI header followed by body. */
static char *unit(const char *body)
{
    size_t n = strlen(snn_abi_text) + strlen(body) + 2;
    char *s = malloc(n);
    snprintf(s, n, "%s\n%s", snn_abi_text, body);
    return s;
}

static const char block_src[] =
    "snn_i32 snn_G_update(const snn_args *a)\n"
    "{\n"
    "    double *v = a->v[0];\n"
    "    for (snn_i32 i = 0; i < a->n; i++) v[i] = v[i] * a->k[0] + a->dt;\n"
    "    return a->n;\n"
    "}\n"
    "int plain(int x) { return 3 * x + 1; }\n";

START_TEST(compile_and_call)
{
    char *src = unit(block_src);
    char err[512] = "junk";
    Jit *j = jit_compile(src, err, sizeof err);
    free(src);
    ck_assert_msg(j != NULL, "%s", err);
    ck_assert_str_eq(err, "");                  /* no messages on success */
    snn_block_fn f = (snn_block_fn)jit_symbol(j, "snn_G_update");
    ck_assert_ptr_nonnull(f);
    double v[3] = { 1, 2, 3 };
    double *const arr[1] = { v };
    const double k[1] = { 0.5 };
    snn_args a;
    memset(&a, 0, sizeof a);
    a.v = arr;
    a.k = k;
    a.n = 3;
    a.dt = 0.25;
    ck_assert_int_eq(f(&a), 3);
    ck_assert_double_eq(v[0], 0.75);
    ck_assert_double_eq(v[1], 1.25);
    ck_assert_double_eq(v[2], 1.75);
    int (*plain)(int) = (int (*)(int))jit_symbol(j, "plain");
    ck_assert_ptr_nonnull(plain);
    ck_assert_int_eq(plain(4), 13);
    ck_assert_ptr_null(jit_symbol(j, "no_such_function"));
    ck_assert_ptr_null(jit_symbol(NULL, "plain"));
    jit_free(j);
    jit_free(NULL);
}
END_TEST

/* The compile error names the model file and line of the '#line' before it. */
START_TEST(compile_error_message)
{
    char *src = unit("snn_i32 snn_G_update(const snn_args *a)\n{\n"
                     "#line 17 \"models/lif.snn\"\n"
                     "    return undeclared_thing + a->n;\n}\n");
    char err[1024];
    Jit *j = jit_compile(src, err, sizeof err);
    free(src);
    ck_assert_ptr_null(j);
    ck_assert_msg(strstr(err, "models/lif.snn:17:") != NULL, "message: %s", err);
    ck_assert_msg(strstr(err, "undeclared_thing") != NULL, "message: %s", err);
    /* lines after the directive count on from it */
    j = jit_compile("#line 3 \"m.snn\"\nint f(void) {\n  int a = 1;\n  return a + zz;\n}\n", err, sizeof err);
    ck_assert_ptr_null(j);
    ck_assert_msg(strstr(err, "m.snn:5:") != NULL, "message: %s", err);
}
END_TEST

/* Generated code is compiled without the C library: anything not handed over
 * with tcc_add_symbol fails to link, and #include finds nothing. */
START_TEST(link_errors)
{
    char err[1024];
    Jit *j = jit_compile("int printf(const char *, ...);\nint f(void) { return printf(\"x\"); }\n", err, sizeof err);
    ck_assert_ptr_null(j);
    ck_assert_msg(strstr(err, "printf") != NULL, "message: %s", err);
    j = jit_compile("#include <stdio.h>\nint f(void) { return 0; }\n", err, sizeof err);
    ck_assert_ptr_null(j);
    ck_assert_msg(strstr(err, "stdio.h") != NULL, "message: %s", err);
}
END_TEST

START_TEST(error_buffer_limits)
{
    /* no buffer at all */
    ck_assert_ptr_null(jit_compile("int f(void) { return x; }\n", NULL, 0));
    /* a tiny buffer is still NUL-terminated */
    char err[8];
    memset(err, 'z', sizeof err);
    ck_assert_ptr_null(jit_compile("int f(void) { return x; }\n", err, sizeof err));
    ck_assert_uint_lt(strlen(err), sizeof err);
    ck_assert_uint_gt(strlen(err), 0);
}
END_TEST

/* The math functions and runtime helpers generated code may call. */
START_TEST(provided_symbols)
{
    char *src = unit("double exp(double); double pow(double, double); double fmod(double, double);\n"
                     "double sqrt(double); double floor(double); double fabs(double); double log(double);\n"
                     "double sin(double); double cos(double); double tanh(double);\n"
                     "double f(double x) { return exp(x) + pow(x, 3) + fmod(7.5, 2) + sqrt(16) + floor(-x)"
                     " + fabs(-x) + log(x) + sin(0) + cos(0) + tanh(0); }\n"
                     "snn_i64 ts(double t, double dt) { return snn_timestep(t, dt); }\n"
                     "double ru(void) { return snn_rand_uniform(1, 2, 3, 4, 5); }\n"
                     "double rn(void) { return snn_rand_normal(1, 2, 3, 4, 5); }\n"
                     "void *memset(void *, int, unsigned long);\n"
                     "void clear(double *p, int n) { memset(p, 0, n * sizeof *p); }\n");
    char err[1024];
    Jit *j = jit_compile(src, err, sizeof err);
    free(src);
    ck_assert_msg(j != NULL, "%s", err);
    double (*f)(double) = (double (*)(double))jit_symbol(j, "f");
    snn_i64 (*ts)(double, double) = (snn_i64(*)(double, double))jit_symbol(j, "ts");
    double (*ru)(void) = (double (*)(void))jit_symbol(j, "ru");
    double (*rn)(void) = (double (*)(void))jit_symbol(j, "rn");
    ck_assert(f && ts && ru && rn);
    double x = 2;
    ck_assert_double_eq_tol(f(x), exp(x) + 8 + 1.5 + 4 - 2 + 2 + log(x) + 1, 1e-12);
    ck_assert_int_eq(ts(0.3, 0.1), 3);
    ck_assert_double_eq(ru(), snn_rand_uniform(1, 2, 3, 4, 5));
    ck_assert_double_eq(rn(), snn_rand_normal(1, 2, 3, 4, 5));
    void (*clear)(double *, int) = (void (*)(double *, int))jit_symbol(j, "clear");
    double buf[3] = { 1, 2, 3 };
    clear(buf, 2);
    ck_assert(buf[0] == 0 && buf[1] == 0 && buf[2] == 3);
    jit_free(j);
}
END_TEST

/* Two compiled units with the same symbol names live side by side. */
START_TEST(two_units_alive)
{
    char err[512];
    Jit *a = jit_compile("int f(void) { return 1; }\nstatic int n; int bump(void) { return ++n; }\n", err, sizeof err);
    ck_assert_msg(a != NULL, "%s", err);
    Jit *b = jit_compile("int f(void) { return 2; }\nstatic int n = 100; int bump(void) { return ++n; }\n", err,
                         sizeof err);
    ck_assert_msg(b != NULL, "%s", err);
    int (*fa)(void) = (int (*)(void))jit_symbol(a, "f");
    int (*fb)(void) = (int (*)(void))jit_symbol(b, "f");
    int (*ba)(void) = (int (*)(void))jit_symbol(a, "bump");
    int (*bb)(void) = (int (*)(void))jit_symbol(b, "bump");
    ck_assert_ptr_ne(fa, fb);
    ck_assert_int_eq(fa(), 1);
    ck_assert_int_eq(fb(), 2);
    ck_assert_int_eq(ba(), 1);
    ck_assert_int_eq(bb(), 101);
    ck_assert_int_eq(ba(), 2);
    jit_free(a);
    /* b still works after a is gone */
    ck_assert_int_eq(fb(), 2);
    ck_assert_int_eq(bb(), 102);
    jit_free(b);
}
END_TEST

/* A failed compile leaves the JIT usable. */
START_TEST(error_then_success)
{
    char err[512];
    ck_assert_ptr_null(jit_compile("int f(void) { return }\n", err, sizeof err));
    Jit *j = jit_compile("int f(void) { return 5; }\n", err, sizeof err);
    ck_assert_msg(j != NULL, "%s", err);
    ck_assert_str_eq(err, "");
    ck_assert_int_eq(((int (*)(void))jit_symbol(j, "f"))(), 5);
    jit_free(j);
}
END_TEST

static void *compile_thread(void *arg)
{
    long id = (long)arg;
    long ok = 0;
    for (int r = 0; r < 5; r++) {
        char src[128], err[256];
        snprintf(src, sizeof src, "int f(int x) { return x * %ld + %d; }\n", id, r);
        Jit *j = jit_compile(src, err, sizeof err);
        if (!j) continue;
        int (*f)(int) = (int (*)(int))jit_symbol(j, "f");
        ok += f && f(10) == (int)(10 * id + r);
        jit_free(j);
    }
    return (void *)ok;
}

/* libtcc has global state; jit.c serialises compiles. */
START_TEST(threads)
{
    pthread_t t[4];
    for (long k = 0; k < 4; k++) ck_assert_int_eq(pthread_create(&t[k], NULL, compile_thread, (void *)(k + 1)), 0);
    for (int k = 0; k < 4; k++) {
        void *ok;
        pthread_join(t[k], &ok);
        ck_assert_int_eq((long)ok, 5);
    }
}
END_TEST

/* dir/name (malloc'ed). */
static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* A new cache directory is made with mode 0700, and an existing private
 * one is accepted. */
START_TEST(cache_dir_created_private)
{
    char *tmp = test_tmpdir(), *dir = join(tmp, "cache");
    char err[512] = "";
    ck_assert_msg(jit_cache_dir_ok(dir, err, sizeof err), "%s", err);
    struct stat st;
    ck_assert_int_eq(stat(dir, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert_int_eq(st.st_mode & 0777, 0700);
    ck_assert(jit_cache_dir_ok(dir, err, sizeof err));
    ck_assert(!jit_cache_dir_ok("", err, sizeof err));
    free(dir);
    test_remove_tmpdir(tmp);
}
END_TEST

/* A cache directory that group or others may write is refused, and then
 * no compiler runs and nothing is loaded from it. */
START_TEST(cache_dir_writable_refused)
{
    char *tmp = test_tmpdir(), *dir = join(tmp, "cache");
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    char err[512] = "";
    ck_assert_int_eq(chmod(dir, 0770), 0);
    ck_assert(!jit_cache_dir_ok(dir, err, sizeof err));
    ck_assert_msg(strstr(err, "writable by its group") && strstr(err, dir), "%s", err);
    ck_assert_int_eq(chmod(dir, 0703), 0);
    ck_assert(!jit_cache_dir_ok(dir, err, sizeof err));
    ck_assert_msg(strstr(err, "writable by others") && strstr(err, "0703"), "%s", err);
    char *src = unit(block_src);
    err[0] = 0;
    Jit *j = jit_compile_native(src, dir, err, sizeof err, NULL);
    ck_assert_ptr_null(j);
    ck_assert_msg(strstr(err, "writable by others"), "%s", err);
    free(src);
    chmod(dir, 0700);
    free(dir);
    test_remove_tmpdir(tmp);
}
END_TEST

/* A cache directory of another user is refused (as root: one given away
 * with chown; otherwise '/', which root owns). */
START_TEST(cache_dir_other_owner_refused)
{
    char *tmp = test_tmpdir(), *dir = join(tmp, "cache");
    const char *check = "/";
    if (geteuid() == 0) {
        ck_assert_int_eq(mkdir(dir, 0700), 0);
        ck_assert_int_eq(chown(dir, 65534, 65534), 0);
        check = dir;
    }
    char err[512] = "";
    ck_assert(!jit_cache_dir_ok(check, err, sizeof err));
    ck_assert_msg(strstr(err, "belongs to another user"), "%s", err);
    free(dir);
    test_remove_tmpdir(tmp);
}
END_TEST

/* A symbolic link in place of the cache directory is refused, even to a
 * private directory. */
START_TEST(cache_dir_symlink_refused)
{
    char *tmp = test_tmpdir(), *real = join(tmp, "real"), *dir = join(tmp, "cache");
    ck_assert_int_eq(mkdir(real, 0700), 0);
    ck_assert_int_eq(symlink(real, dir), 0);
    char err[512] = "";
    ck_assert(!jit_cache_dir_ok(dir, err, sizeof err));
    ck_assert_msg(strstr(err, "symbolic link"), "%s", err);
    free(real);
    free(dir);
    test_remove_tmpdir(tmp);
}
END_TEST

/* The system compiler's object lands in the cache under a 64-digit
 * SHA-256 name, with no temporary file left, and a second compile loads
 * it from there.  Skipped without a system compiler. */
START_TEST(cache_object_keyed_and_reused)
{
    if (getenv("SNN_TEST_NO_NATIVE")) return;
    char *tmp = test_tmpdir(), *dir = join(tmp, "cache");
    char *src = unit(block_src);
    char err[1024] = "";
    Jit *j = jit_compile_native(src, dir, err, sizeof err, NULL);
    if (!j && strstr(err, "compiler failed")) {
        free(src);
        free(dir);
        test_remove_tmpdir(tmp);
        return;
    }
    ck_assert_msg(j != NULL, "%s", err);
    int (*plain)(int) = (int (*)(int))jit_symbol(j, "plain");
    ck_assert_ptr_nonnull(plain);
    ck_assert_int_eq(plain(4), 13);
    jit_free(j);
    size_t n = strlen(dir) + 64;
    char *ls = malloc(n);
    snprintf(ls, n, "ls -a '%s'", dir);
    int st;
    char *out = test_run(ls, &st);
    ck_assert_int_eq(st, 0);
    int files = 0, times = 0;
    for (char *p = strtok(out, "\n"); p; p = strtok(NULL, "\n")) {
        if (!strcmp(p, ".") || !strcmp(p, "..")) continue;
        /* the cold build's time, for the estimate of the next one */
        if (!strcmp(p, "build-time")) {
            times++;
            continue;
        }
        files++;
        ck_assert_msg(strlen(p) == strlen("snn-.so") + 64 && !strncmp(p, "snn-", 4), "unexpected file %s", p);
        ck_assert_uint_eq(strspn(p + 4, "0123456789abcdef"), 64);
    }
    ck_assert_int_eq(files, 1);
    ck_assert_int_eq(times, 1);
    /* estimated from that build: its time, for code of the same size */
    double est = jit_native_estimate(src, dir);
    ck_assert_msg(est > 0 && est < 60 && est != JIT_NATIVE_BUILD_GUESS, "estimate %g s", est);
    ck_assert(jit_native_cached(src, dir));
    j = jit_compile_native(src, dir, err, sizeof err, NULL);
    ck_assert_msg(j != NULL, "%s", err);
    jit_free(j);
    free(out);
    free(ls);
    free(src);
    free(dir);
    test_remove_tmpdir(tmp);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("jit");
    TCase *tc = tcase_create("jit");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, compile_and_call);
    tcase_add_test(tc, compile_error_message);
    tcase_add_test(tc, link_errors);
    tcase_add_test(tc, error_buffer_limits);
    tcase_add_test(tc, provided_symbols);
    tcase_add_test(tc, two_units_alive);
    tcase_add_test(tc, error_then_success);
    tcase_add_test(tc, threads);
    tcase_add_test(tc, cache_dir_created_private);
    tcase_add_test(tc, cache_dir_writable_refused);
    tcase_add_test(tc, cache_dir_other_owner_refused);
    tcase_add_test(tc, cache_dir_symlink_refused);
    tcase_add_test(tc, cache_object_keyed_and_reused);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
