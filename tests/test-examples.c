/* SPDX-License-Identifier: MIT */
/* This file contains the test of the installed library: it installs the
 * build into a temporary directory (meson install --destdir), compiles the
 * embedding examples of examples/embed/ against the installed snn.h and
 * libsnn.a with the flags of the installed pkg-config file only, runs them
 * and checks what they print: the tutorial built in code gives Brian2's
 * spikes, the f-I sweep gives the rates theory predicts, the controller
 * reaches its target.  It also prints the f-I sweep's timing (first run
 * against later runs).  The header must also compile as C++. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test-common.h"

#ifndef SNN_BUILD_DIR
#error "SNN_BUILD_DIR must name the build directory"
#endif

static char *prefix;        /* the temporary install root */
static char *flags;         /* pkg-config --cflags --libs --static snn */

/* Install once per process (each test runs in its own fork, so per test). */
static void install(void)
{
    if (prefix) return;
    prefix = test_tmpdir();
    ck_assert_ptr_nonnull(prefix);
    char cmd[4096];
    int st;
    snprintf(cmd, sizeof cmd, "'%s' install -C '%s' --destdir '%s' --no-rebuild", SNN_MESON, SNN_BUILD_DIR, prefix);
    char *out = test_run(cmd, &st);
    ck_assert_msg(st == 0, "%s\n%s", cmd, out);
    free(out);
    snprintf(cmd, sizeof cmd, "find '%s' -name snn.pc", prefix);
    char *pc = test_run(cmd, &st);
    ck_assert_msg(st == 0 && strstr(pc, "/snn.pc"), "no snn.pc installed: %s", pc);
    *strrchr(pc, '/') = 0;
    snprintf(cmd, sizeof cmd, "PKG_CONFIG_PATH='%s' PKG_CONFIG_SYSROOT_DIR='%s' pkg-config --cflags --libs --static snn",
             pc, prefix);
    flags = test_run(cmd, &st);
    ck_assert_msg(st == 0, "%s\n%s", cmd, flags);
    flags[strcspn(flags, "\n")] = 0;
    /* the pkg-config version is the header's */
    snprintf(cmd, sizeof cmd, "PKG_CONFIG_PATH='%s' pkg-config --modversion snn", pc);
    char *ver = test_run(cmd, &st);
    ck_assert_msg(st == 0 && !strncmp(ver, SNN_PROJECT_VERSION "\n", strlen(SNN_PROJECT_VERSION) + 1), "%s", ver);
    free(ver);
    snprintf(cmd, sizeof cmd, "grep -c '^#define SNN_VERSION_STRING \"%s\"$' \"%s$(PKG_CONFIG_PATH='%s' "
             "pkg-config --variable=includedir snn)/snn.h\"", SNN_PROJECT_VERSION, prefix, pc);
    ver = test_run(cmd, &st);
    ck_assert_msg(st == 0, "snn.h does not define SNN_VERSION_STRING \"%s\" (the project's version)", SNN_PROJECT_VERSION);
    free(ver);
    /* the flags name the installed copy, not the source or build tree */
    ck_assert_msg(strstr(flags, prefix) && !strstr(flags, SNN_BUILD_DIR), "%s", flags);
    free(pc);
}

static void cleanup(void)
{
    if (!prefix) return;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", prefix);
    if (system(cmd)) { /* best effort */ }
    free(prefix);
    free(flags);
    prefix = flags = NULL;
}

/* Compile examples/embed/NAME.c into the install root; returns the program. */
static const char *build_example(const char *name)
{
    install();
    static char exe[1024];
    char cmd[4096];
    snprintf(exe, sizeof exe, "%s/%s", prefix, name);
    snprintf(cmd, sizeof cmd, "cc -std=c11 -Wall -Wextra -Werror '%s/%s.c' -o '%s' %s -lm",
             test_path("../examples/embed"), name, exe, flags);
    int st;
    char *out = test_run(cmd, &st);
    ck_assert_msg(st == 0, "%s\n%s", cmd, out);
    free(out);
    return exe;
}

static int cmp_pair(const void *a, const void *b)
{
    const long *x = a, *y = b;
    return x[1] != y[1] ? (x[1] < y[1] ? -1 : 1) : (x[0] > y[0]) - (x[0] < y[0]);
}

/* The tutorial built from strings gives Brian2's spikes. */
static void check_tutorial(const char *exe, const char *arg, const char *ref, const char *summary)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "'%s' %s", exe, arg);
    int st;
    char *out = test_run(cmd, &st);
    ck_assert_msg(st == 0, "%s", out);
    ck_assert_msg(strstr(out, summary), "%s", out);
    long got[256][2], want[256][2];
    size_t n = 0, m = 0;
    for (char *line = out; *line && n < 256; line = strchr(line, '\n') + 1) {
        int i;
        double t;
        if (sscanf(line, "%d %lf", &i, &t) == 2) {
            got[n][0] = i;
            got[n][1] = lround(t * 10);
            n++;
        }
        if (!strchr(line, '\n')) break;
    }
    FILE *f = fopen(test_path(ref), "r");
    ck_assert_ptr_nonnull(f);
    char line[256];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    int i;
    long step;
    double tms;
    while (m < 256 && fscanf(f, "%d,%ld,%lf", &i, &step, &tms) == 3) {
        want[m][0] = i;
        want[m][1] = step;
        m++;
    }
    fclose(f);
    ck_assert_uint_eq(n, m);
    qsort(got, n, sizeof got[0], cmp_pair);
    qsort(want, m, sizeof want[0], cmp_pair);
    ck_assert(!memcmp(got, want, n * sizeof got[0]));
    free(out);
}

START_TEST(tutorial_in_code)
{
    const char *exe = build_example("tutorial");
    check_tutorial(exe, "", "data/tutorial/seed_spikes_wgi0.csv", "SM: 34 spikes (per neuron: 20 13 1) in 0.1 s");
    check_tutorial(exe, "0.5", "data/tutorial/seed_spikes_wgi0p5.csv", "SM: 33 spikes (per neuron: 20 13 0)");
    cleanup();
}
END_TEST

START_TEST(fi_curve)
{
    const char *exe = build_example("fi_curve");
    char cmd[2048], errf[1100];
    snprintf(errf, sizeof errf, "%s/timing.txt", prefix);
    snprintf(cmd, sizeof cmd, "{ cd '%s' && '%s' -t 2>'%s'; }", test_path("../examples/embed"), exe, errf);
    int st;
    char *out = test_run(cmd, &st);
    ck_assert_msg(st == 0, "%s", out);
    int rows = 0;
    double last = -1;
    for (char *line = out; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        double I, rate, theory;
        if (line[0] == '#' || sscanf(line, "%lf %lf %lf", &I, &rate, &theory) != 3) continue;
        ck_assert_double_eq_tol(I, 0.01 * rows, 1e-9);
        rows++;
        ck_assert_msg(rate >= last, "the rate falls at I = %g nA", I);
        last = rate;
        if (I <= 0.2) ck_assert_msg(rate == 0, "I = %g nA is below the rheobase but fires at %g Hz", I, rate);
        else if (I >= 0.25)
            ck_assert_msg(fabs(rate - theory) <= 3 + 0.03 * theory, "I = %g nA: %g Hz, theory %g Hz", I, rate, theory);
    }
    ck_assert_int_eq(rows, 100);
    ck_assert(last > 200);
    /* point 3 of the issue: what the runs cost (reported, not asserted) */
    char *timing = test_read_file(errf, NULL);
    ck_assert_ptr_nonnull(timing);
    ck_assert_msg(strstr(timing, "first run: ") && strstr(timing, "later runs (99): mean "), "%s", timing);
    for (char *line = timing; *line; ) {
        char *nl = strchr(line, '\n');
        printf("# fi_curve: %.*s\n", nl ? (int)(nl - line) : (int)strlen(line), line);
        if (!nl) break;
        line = nl + 1;
    }
    fflush(stdout);
    free(timing);
    free(out);
    cleanup();
}
END_TEST

START_TEST(controller)
{
    const char *exe = build_example("controller");
    int st;
    char *out = test_run(exe, &st);
    ck_assert_msg(st == 0, "%s", out);
    char *last = strstr(out, "reached x = ");
    ck_assert_msg(last != NULL, "%s", out);
    double x, target, t;
    int ns, nm;
    ck_assert_int_eq(sscanf(last, "reached x = %lf mm (target %lf mm) at t = %lf ms: %d sensory and %d motor spikes",
                            &x, &target, &t, &ns, &nm), 5);
    ck_assert(fabs(x - target) <= 2);
    ck_assert(t > 100 && t < 2000);           /* stopped by the callback, long before the 2 s */
    ck_assert_int_eq(ns, nm);                  /* every sensory spike made a motor spike */
    ck_assert_int_gt(ns, 90);
    free(out);
    cleanup();
}
END_TEST

/* The installed header compiles as C++ (extern "C", no C-only syntax). */
START_TEST(header_cplusplus)
{
    int st;
    char *out = test_run("command -v c++", &st);
    free(out);
    if (st != 0) return;                      /* no C++ compiler here */
    install();
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "printf '#include <snn.h>\\nint main() { snn_ctx *c = snn_new(); snn_free(c); return 0; }\\n' | "
             "c++ -std=c++11 -pedantic -Wall -Wextra -Werror -x c++ - -o '%s/cxx' %s", prefix, flags);
    out = test_run(cmd, &st);
    ck_assert_msg(st == 0, "%s\n%s", cmd, out);
    free(out);
    snprintf(cmd, sizeof cmd, "'%s/cxx'", prefix);
    out = test_run(cmd, &st);
    ck_assert_int_eq(st, 0);
    free(out);
    cleanup();
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("examples");
    TCase *tc = tcase_create("installed");
    tcase_add_test(tc, tutorial_in_code);
    tcase_add_test(tc, fi_curve);
    tcase_add_test(tc, controller);
    tcase_add_test(tc, header_cplusplus);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
