/* SPDX-License-Identifier: MIT */
/* This file contains the tests of the public API (snn.h): every function's
 * success and error paths (NULL context, calls in the wrong order, bad
 * overrides, unknown names), the error text, structured diagnostics and the
 * error callback, two contexts in one process, output writing that fails
 * without leaving half-written files, stopping a run on request; and the
 * checks before building: initial values seen by connect(), memory refused
 * up front, located build errors, and model or data files that are not text
 * or too large. */
#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <valgrind/valgrind.h>

#include "snn.h"
#include "test-common.h"

static const char *tutorial_path(void) { return test_path("../examples/tutorial.snn"); }

static snn_ctx *loaded(const char *override)
{
    snn_ctx *ctx = snn_new();
    ck_assert_ptr_nonnull(ctx);
    if (override) ck_assert_int_eq(snn_set_override(ctx, override), SNN_OK);
    int rc = snn_load_file(ctx, tutorial_path());
    ck_assert_msg(rc == SNN_OK, "%s", snn_errmsg(ctx));
    return ctx;
}

/* Spike counts per neuron of the tutorial's SM. */
static void counts(snn_ctx *ctx, int out[3])
{
    const int32_t *idx;
    const int64_t *steps;
    size_t n;
    ck_assert_int_eq(snn_spikes(ctx, "SM", &idx, &steps, &n), SNN_OK);
    out[0] = out[1] = out[2] = 0;
    for (size_t k = 0; k < n; k++) {
        ck_assert(idx[k] >= 0 && idx[k] < 3);
        out[idx[k]]++;
    }
}

static char tmpdir[64];

static void setup(void)
{
    strcpy(tmpdir, "/tmp/snn-api-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd)) { }
}

/* ------------------------------------------------------------------------ */
/* NULL contexts and call order                                             */
/* ------------------------------------------------------------------------ */

START_TEST(null_context)
{
    snn_free(NULL);
    ck_assert_str_eq(snn_version(), SNN_VERSION_STRING);
    char v[32];
    snprintf(v, sizeof v, "%d.%d.%d", SNN_VERSION_MAJOR, SNN_VERSION_MINOR, SNN_VERSION_PATCH);
    ck_assert_str_eq(snn_version(), v);
    ck_assert_int_eq(snn_load_file(NULL, "x.snn"), SNN_EMISUSE);
    ck_assert_int_eq(snn_load_string(NULL, "x = 1", 5, "x"), SNN_EMISUSE);
    ck_assert_int_eq(snn_set_override(NULL, "a=1"), SNN_EMISUSE);
    ck_assert_int_eq(snn_set_seed(NULL, 1), SNN_EMISUSE);
    ck_assert_int_eq(snn_build(NULL), SNN_EMISUSE);
    ck_assert_int_eq(snn_run(NULL, 1), SNN_EMISUSE);
    ck_assert_int_eq(snn_run_script(NULL), SNN_EMISUSE);
    ck_assert_double_eq(snn_time(NULL), 0);
    ck_assert_double_eq(snn_dt(NULL), 0);
    ck_assert_int_eq(snn_group_size(NULL, "G"), -1);
    ck_assert_ptr_null(snn_var(NULL, "G", "v", NULL));
    ck_assert_int_eq(snn_spikes(NULL, "SM", NULL, NULL, NULL), SNN_EMISUSE);
    ck_assert_int_eq(snn_monitor_count(NULL), 0);
    ck_assert_ptr_null(snn_monitor_name(NULL, 0));
    ck_assert_int_eq(snn_write_outputs(NULL, tmpdir), SNN_EMISUSE);
    ck_assert_str_eq(snn_summary(NULL), "");
    ck_assert_ptr_null(snn_generated_code(NULL));
    ck_assert_str_eq(snn_methods(NULL), "");
    ck_assert_str_eq(snn_errmsg(NULL), "no context");
    ck_assert_int_eq(snn_diag_count(NULL), 0);
    ck_assert_int_eq(snn_diag_get(NULL, 0, NULL, NULL, NULL, NULL), SNN_EMISUSE);
    snn_set_error_cb(NULL, NULL, NULL);
    double p = 1, e = 1, j = 1, s = 1;
    snn_timings(NULL, &p, &e, &j, &s);
    ck_assert(p == 0 && e == 0 && j == 0 && s == 0);
    snn_timings(NULL, NULL, NULL, NULL, NULL);
}
END_TEST

START_TEST(null_arguments)
{
    snn_ctx *ctx = snn_new();
    ck_assert_int_eq(snn_load_file(ctx, NULL), SNN_EMISUSE);
    ck_assert_int_eq(snn_load_string(ctx, NULL, 0, "x"), SNN_EMISUSE);
    ck_assert_int_eq(snn_set_override(ctx, NULL), SNN_EMISUSE);
    snn_free(ctx);
    ctx = loaded(NULL);
    ck_assert_int_eq(snn_group_size(ctx, NULL), -1);
    ck_assert_ptr_null(snn_var(ctx, NULL, "v", NULL));
    ck_assert_ptr_null(snn_var(ctx, "G", NULL, NULL));
    ck_assert_int_eq(snn_spikes(ctx, NULL, NULL, NULL, NULL), SNN_EMISUSE);
    ck_assert_int_eq(snn_write_outputs(ctx, NULL), SNN_EMISUSE);
    /* NULL outputs are allowed */
    ck_assert_int_eq(snn_spikes(ctx, "SM", NULL, NULL, NULL), SNN_OK);
    snn_free(ctx);
}
END_TEST

START_TEST(before_load)
{
    snn_ctx *ctx = snn_new();
    ck_assert_str_eq(snn_errmsg(ctx), "");
    ck_assert_int_eq(snn_build(ctx), SNN_EMISUSE);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "no model is loaded"));
    ck_assert_int_eq(snn_run(ctx, 0.01), SNN_EMISUSE);
    ck_assert_int_eq(snn_run_script(ctx), SNN_EMISUSE);
    ck_assert_int_eq(snn_spikes(ctx, "SM", NULL, NULL, NULL), SNN_EMISUSE);
    char out[128];
    snprintf(out, sizeof out, "%s/out", tmpdir);
    ck_assert_int_eq(snn_write_outputs(ctx, out), SNN_EMISUSE);
    ck_assert_int_eq(access(out, F_OK), -1);        /* nothing was created */
    ck_assert_int_eq(snn_group_size(ctx, "G"), -1);
    ck_assert_ptr_null(snn_var(ctx, "G", "v", NULL));
    ck_assert_ptr_null(snn_generated_code(ctx));
    ck_assert_int_eq(snn_monitor_count(ctx), 0);
    ck_assert_ptr_null(snn_monitor_name(ctx, 0));
    ck_assert_str_eq(snn_summary(ctx), "");
    ck_assert_str_eq(snn_methods(ctx), "");
    ck_assert_double_eq(snn_time(ctx), 0);
    ck_assert_double_eq(snn_dt(ctx), 0);
    /* messages end with a newline */
    ck_assert_str_eq(snn_errmsg(ctx) + strlen(snn_errmsg(ctx)) - 1, "\n");
    snn_free(ctx);
}
END_TEST

START_TEST(load_twice)
{
    snn_ctx *ctx = loaded(NULL);
    ck_assert_int_eq(snn_load_file(ctx, tutorial_path()), SNN_EMISUSE);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "a model is already loaded"));
    ck_assert_int_eq(snn_load_string(ctx, "x = 1\n", 6, "x"), SNN_EMISUSE);
    /* the first model is still there and runs */
    ck_assert_int_eq(snn_run_script(ctx), SNN_OK);
    int c[3];
    counts(ctx, c);
    ck_assert(c[0] == 20 && c[1] == 13 && c[2] == 1);
    snn_free(ctx);
}
END_TEST

START_TEST(override_after_load)
{
    snn_ctx *ctx = loaded(NULL);
    ck_assert_int_eq(snn_set_override(ctx, "w_gi=0.5*nS"), SNN_EMISUSE);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "must be called before loading"));
    ck_assert_int_eq(snn_run_script(ctx), SNN_OK);
    int c[3];
    counts(ctx, c);
    ck_assert_int_eq(c[2], 1);              /* the override was not applied */
    snn_free(ctx);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Loading errors                                                           */
/* ------------------------------------------------------------------------ */

START_TEST(missing_file)
{
    snn_ctx *ctx = snn_new();
    char path[128];
    snprintf(path, sizeof path, "%s/nope.snn", tmpdir);
    ck_assert_int_eq(snn_load_file(ctx, path), SNN_EIO);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), path));
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "cannot open"));
    /* a directory is not a model either */
    ck_assert_int_ne(snn_load_file(ctx, tmpdir), SNN_OK);
    snn_free(ctx);
}
END_TEST

START_TEST(binary_file)
{
    char path[128];
    snprintf(path, sizeof path, "%s/bin.snn", tmpdir);
    FILE *f = fopen(path, "wb");
    fwrite("x = 1\n\0\0\1", 1, 9, f);
    fclose(f);
    snn_ctx *ctx = snn_new();
    ck_assert_int_eq(snn_load_file(ctx, path), SNN_ESYNTAX);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "not a text file"));
    snn_free(ctx);
}
END_TEST

START_TEST(error_codes)
{
    /* a dimension mismatch is SNN_EUNITS even when the message does not
     * say "unit" */
    struct { const char *src; int code; } cases[] = {
        { "x = 1 +\n", SNN_ESYNTAX },
        { "x = 1*mV + 1*nA\n", SNN_EUNITS },
        { "x = y\n", SNN_ESEMA },
        { "neurons G[2] {\n  model {\n    dv/dt = 1*mV/(10*ms) : amp\n  }\n}\n", SNN_EUNITS },
        { "spikemonitor SM(H)\n", SNN_ESEMA },
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        snn_ctx *ctx = snn_new();
        int rc = snn_load_string(ctx, cases[k].src, strlen(cases[k].src), NULL);
        ck_assert_msg(rc == cases[k].code, "case %zu: got %d, want %d: %s", k, rc, cases[k].code, snn_errmsg(ctx));
        ck_assert_str_ne(snn_errmsg(ctx), "");
        /* chunkname NULL names the source "model" */
        ck_assert_msg(!strncmp(snn_errmsg(ctx), "model:", 6), "%s", snn_errmsg(ctx));
        ck_assert_int_ge(snn_diag_count(ctx), 1);
        /* a failed load leaves the context without a model */
        ck_assert_int_eq(snn_run(ctx, 0.001), SNN_EMISUSE);
        snn_free(ctx);
    }
}
END_TEST

/* Only len bytes are read: the buffer need not be NUL-terminated. */
START_TEST(load_string_length)
{
    char buf[64];
    memset(buf, '!', sizeof buf);
    memcpy(buf, "dt = 0.05*ms\nx = 2", 18);
    snn_ctx *ctx = snn_new();
    ck_assert_int_eq(snn_load_string(ctx, buf, 18, "chunk"), SNN_OK);
    ck_assert_double_eq(snn_dt(ctx), 0.05e-3);
    ck_assert_int_eq(snn_monitor_count(ctx), 0);
    ck_assert_int_eq(snn_run_script(ctx), SNN_OK);     /* no run statements */
    ck_assert_double_eq(snn_time(ctx), 0);
    snn_free(ctx);
}
END_TEST

START_TEST(bad_overrides)
{
    struct { const char *ov; int code; const char *frag; } cases[] = {
        { "w_gi=0.5*mV", SNN_EUNITS, "--set:1:6: error: 'w_gi' has unit siemens in the model, but the new value" },
        { "w_gi=", SNN_ESYNTAX, "--set:1:" },
        { "w_gi 0.5", SNN_ESYNTAX, "--set:1:" },
        { "nope=1*nS", SNN_ESEMA, "--set:1:1: error: the model has no constant 'nope'" },
        { "w_gx=1*nS", SNN_ESEMA, "did you mean 'w_g" },
        { "run 5*ms", SNN_ESYNTAX, "expected NAME=VALUE" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        snn_ctx *ctx = snn_new();
        ck_assert_int_eq(snn_set_override(ctx, cases[k].ov), SNN_OK);      /* checked when loading */
        int rc = snn_load_file(ctx, tutorial_path());
        ck_assert_msg(rc == cases[k].code, "'%s': got %d, want %d: %s", cases[k].ov, rc, cases[k].code,
                      snn_errmsg(ctx));
        ck_assert_msg(strstr(snn_errmsg(ctx), cases[k].frag) != NULL, "'%s': %s", cases[k].ov, snn_errmsg(ctx));
        const char *file;
        ck_assert_int_ge(snn_diag_count(ctx), 1);
        ck_assert_int_eq(snn_diag_get(ctx, 0, &file, NULL, NULL, NULL), SNN_OK);
        ck_assert_str_eq(file, "--set");
        ck_assert_int_eq(snn_run_script(ctx), SNN_EMISUSE);
        snn_free(ctx);
    }
}
END_TEST

START_TEST(good_overrides)
{
    snn_ctx *ctx = loaded("w_gi=0.5*nS");
    ck_assert_str_eq(snn_errmsg(ctx), "");
    ck_assert_int_eq(snn_run_script(ctx), SNN_OK);
    int c[3];
    counts(ctx, c);
    ck_assert(c[0] == 20 && c[1] == 13 && c[2] == 0);
    snn_free(ctx);
    /* several overrides, the last one wins; dt too */
    ctx = snn_new();
    ck_assert_int_eq(snn_set_override(ctx, "w_gi=5*nS"), SNN_OK);
    ck_assert_int_eq(snn_set_override(ctx, "w_gi = 0.5 * nS"), SNN_OK);
    ck_assert_int_eq(snn_set_override(ctx, "dt=0.05*ms"), SNN_OK);
    ck_assert_int_eq(snn_load_file(ctx, tutorial_path()), SNN_OK);
    ck_assert_double_eq(snn_dt(ctx), 0.05e-3);
    ck_assert_int_eq(snn_run_script(ctx), SNN_OK);
    ck_assert_double_eq_tol(snn_time(ctx), 0.1, 1e-12);
    size_t n;
    ck_assert_int_eq(snn_spikes(ctx, "SM", NULL, NULL, &n), SNN_OK);
    ck_assert_uint_gt(n, 20);
    snn_free(ctx);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Diagnostics and the error callback                                       */
/* ------------------------------------------------------------------------ */

static const char three_errors[] =
    "a = 1*mV + 1*nA\n"
    "b = c\n"
    "neurons G[2] {\n"
    "    model {\n"
    "        dv/dt = -v/(10*ms) : volt\n"
    "    }\n"
    "    threshold: v > 1*nA\n"
    "}\n";

typedef struct CbLog {
    int  n;
    char text[4096];
} CbLog;

static void on_error(void *ud, const char *rendered)
{
    CbLog *log = ud;
    log->n++;
    strncat(log->text, rendered, sizeof log->text - strlen(log->text) - 1);
}

START_TEST(diagnostics)
{
    snn_ctx *ctx = snn_new();
    CbLog log = { 0 };
    snn_set_error_cb(ctx, on_error, &log);
    ck_assert_int_eq(snn_load_string(ctx, three_errors, strlen(three_errors), "three.snn"), SNN_EUNITS);
    ck_assert_int_eq(snn_diag_count(ctx), 3);
    const char *file, *msg;
    int line, col;
    ck_assert_int_eq(snn_diag_get(ctx, 0, &file, &line, &col, &msg), SNN_OK);
    ck_assert_str_eq(file, "three.snn");
    ck_assert_int_eq(line, 1);
    ck_assert_int_eq(col, 5);
    ck_assert_ptr_nonnull(strstr(msg, "dimension mismatch"));
    ck_assert_int_eq(snn_diag_get(ctx, 1, &file, &line, &col, &msg), SNN_OK);
    ck_assert_int_eq(line, 2);
    ck_assert_int_eq(col, 5);
    ck_assert(!strncmp(msg, "unknown name 'c'", 16));
    ck_assert_int_eq(snn_diag_get(ctx, 2, NULL, &line, &col, NULL), SNN_OK);
    ck_assert_int_eq(line, 7);
    ck_assert_int_eq(col, 16);
    ck_assert_int_eq(snn_diag_get(ctx, 3, &file, &line, &col, &msg), SNN_EMISUSE);
    ck_assert_int_eq(snn_diag_get(ctx, -1, &file, &line, &col, &msg), SNN_EMISUSE);
    /* the text is every rendered diagnostic, GCC style */
    const char *err = snn_errmsg(ctx);
    ck_assert(!strncmp(err, "three.snn:1:5: error: dimension mismatch", 40));
    ck_assert_ptr_nonnull(strstr(err, "three.snn:2:5: error: unknown name 'c'"));
    ck_assert_ptr_nonnull(strstr(err, "three.snn:7:16: error: "));
    /* the callback saw the same text, one call per diagnostic */
    ck_assert_int_eq(log.n, 3);
    ck_assert_str_eq(log.text, err);
    snn_free(ctx);
}
END_TEST

START_TEST(callback_for_api_errors)
{
    snn_ctx *ctx = snn_new();
    CbLog log = { 0 };
    snn_set_error_cb(ctx, on_error, &log);
    ck_assert_int_eq(snn_run(ctx, 1), SNN_EMISUSE);
    ck_assert_int_eq(log.n, 1);
    ck_assert_ptr_nonnull(strstr(log.text, "no model is loaded"));
    /* no callback once it is removed */
    snn_set_error_cb(ctx, NULL, NULL);
    ck_assert_int_eq(snn_run(ctx, 1), SNN_EMISUSE);
    ck_assert_int_eq(log.n, 1);
    snn_free(ctx);
}
END_TEST

START_TEST(errmsg_after_success)
{
    snn_ctx *ctx = snn_new();
    ck_assert_int_eq(snn_load_string(ctx, "x = \n", 5, "bad"), SNN_ESYNTAX);
    ck_assert_str_ne(snn_errmsg(ctx), "");
    snn_free(ctx);
    ctx = loaded(NULL);
    ck_assert_str_eq(snn_errmsg(ctx), "");
    ck_assert_int_eq(snn_diag_count(ctx), 0);
    ck_assert_int_eq(snn_run_script(ctx), SNN_OK);
    ck_assert_str_eq(snn_errmsg(ctx), "");
    /* a failed lookup sets an error... */
    ck_assert_int_eq(snn_spikes(ctx, "nope", NULL, NULL, NULL), SNN_ENOTFOUND);
    ck_assert_str_eq(snn_errmsg(ctx), "no spike monitor named 'nope'\n");
    /* ...which the next successful call clears, and the next failure
     * replaces (snn_errmsg is the last error, not a log) */
    ck_assert_int_eq(snn_spikes(ctx, "SM", NULL, NULL, NULL), SNN_OK);
    ck_assert_str_eq(snn_errmsg(ctx), "");
    ck_assert_int_eq(snn_spikes(ctx, "nope", NULL, NULL, NULL), SNN_ENOTFOUND);
    ck_assert_int_eq(snn_spikes(ctx, "M", NULL, NULL, NULL), SNN_ENOTFOUND);     /* a state monitor */
    ck_assert_str_eq(snn_errmsg(ctx), "no spike monitor named 'M'\n");
    ck_assert_int_eq(snn_run(ctx, 0.001), SNN_OK);
    ck_assert_str_eq(snn_errmsg(ctx), "");
    /* a failed load after a successful one keeps only the new message */
    ck_assert_int_eq(snn_load_file(ctx, tutorial_path()), SNN_EMISUSE);
    ck_assert(!strncmp(snn_errmsg(ctx), "a model is already loaded", 25));
    ck_assert_ptr_null(strstr(snn_errmsg(ctx), "no spike monitor"));
    snn_free(ctx);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Running and reading results                                              */
/* ------------------------------------------------------------------------ */

START_TEST(run_and_read)
{
    snn_ctx *ctx = loaded(NULL);
    ck_assert_double_eq(snn_dt(ctx), 1e-4);
    ck_assert_int_eq(snn_monitor_count(ctx), 2);
    ck_assert_str_eq(snn_monitor_name(ctx, 0), "SM");
    ck_assert_str_eq(snn_monitor_name(ctx, 1), "M");
    ck_assert_ptr_null(snn_monitor_name(ctx, 2));
    ck_assert_ptr_null(snn_monitor_name(ctx, -1));
    ck_assert_str_eq(snn_methods(ctx), "G: euler\n");
    const char *code = snn_generated_code(ctx);
    ck_assert_ptr_nonnull(code);
    ck_assert_ptr_nonnull(strstr(code, "snn_G_update"));
    ck_assert_int_eq(snn_build(ctx), SNN_OK);
    ck_assert_int_eq(snn_build(ctx), SNN_OK);          /* idempotent */
    ck_assert_int_eq(snn_group_size(ctx, "G"), 3);
    ck_assert_int_eq(snn_group_size(ctx, "Se"), 1);
    ck_assert_int_eq(snn_group_size(ctx, "nope"), -1);
    size_t n = 0;
    double *v = snn_var(ctx, "G", "v", &n);
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(n, 3);
    ck_assert_double_eq(v[0], -70 * 1e-3);              /* initial values are set by build */
    double *I = snn_var(ctx, "G", "I", NULL);
    ck_assert_double_eq(I[1], 0.5 * 1e-9);
    ck_assert_ptr_null(snn_var(ctx, "G", "nope", &n));
    ck_assert_ptr_null(snn_var(ctx, "nope", "v", &n));
    ck_assert_int_eq(snn_run(ctx, -1), SNN_EMISUSE);
    ck_assert_int_eq(snn_run(ctx, NAN), SNN_EMISUSE);
    ck_assert_int_eq(snn_run(ctx, 0), SNN_OK);
    ck_assert_double_eq(snn_time(ctx), 0);
    ck_assert_int_eq(snn_run_script(ctx), SNN_OK);
    ck_assert_double_eq_tol(snn_time(ctx), 0.1, 1e-12);
    /* durations round to whole steps */
    ck_assert_int_eq(snn_run(ctx, 0.26e-3), SNN_OK);
    ck_assert_double_eq_tol(snn_time(ctx), 0.1003, 1e-12);
    const int32_t *idx;
    const int64_t *steps;
    ck_assert_int_eq(snn_spikes(ctx, "SM", &idx, &steps, &n), SNN_OK);
    ck_assert_uint_eq(n, 34);
    for (size_t k = 1; k < n; k++) ck_assert_int_ge(steps[k], steps[k - 1]);
    ck_assert_int_eq(snn_spikes(ctx, "M", &idx, &steps, &n), SNN_ENOTFOUND);
    const char *sum = snn_summary(ctx);
    ck_assert_msg(strstr(sum, "SM: 34 spikes from G (per neuron: 20 13 1)") != NULL, "%s", sum);
    ck_assert_msg(strstr(sum, "M: 1003 steps of 1 variable(s) x 3 neuron(s) from G") != NULL, "%s", sum);
    double tp = -1, te = -1, tj = -1, ts = -1;
    snn_timings(ctx, &tp, &te, &tj, &ts);
    ck_assert(tp > 0 && te > 0 && tj > 0 && ts > 0);
    ck_assert(tp < 10 && te < 10 && tj < 10 && ts < 10);
    snn_free(ctx);
}
END_TEST

/* rand() depends on the seed only. */
START_TEST(seeds)
{
    static const char model[] = "neurons G[5] {\n  model {\n    x : 1\n  }\n  init {\n    x = rand()\n  }\n}\n";
    double first[5];
    for (int r = 0; r < 3; r++) {
        snn_ctx *ctx = snn_new();
        ck_assert_int_eq(snn_set_seed(ctx, r == 2 ? 99 : 7), SNN_OK);
        ck_assert_int_eq(snn_load_string(ctx, model, sizeof model - 1, "rand.snn"), SNN_OK);
        double *x = snn_var(ctx, "G", "x", NULL);
        ck_assert_ptr_nonnull(x);
        for (int k = 0; k < 5; k++) ck_assert(x[k] >= 0 && x[k] < 1);
        if (r == 0) memcpy(first, x, sizeof first);
        else if (r == 1) ck_assert(!memcmp(first, x, sizeof first));
        else ck_assert(memcmp(first, x, sizeof first) != 0);
        ck_assert_double_ne(x[0], x[1]);
        snn_free(ctx);
    }
}
END_TEST

/* Two contexts, same model, different overrides, interleaved runs. */
START_TEST(two_contexts)
{
    snn_ctx *a = loaded(NULL), *b = loaded("w_gi=0.5*nS");
    for (int r = 0; r < 4; r++) {
        ck_assert_int_eq(snn_run(a, 0.025), SNN_OK);
        ck_assert_int_eq(snn_run(b, 0.025), SNN_OK);
    }
    ck_assert_double_eq_tol(snn_time(a), 0.1, 1e-12);
    ck_assert_double_eq_tol(snn_time(b), 0.1, 1e-12);
    int ca[3], cb[3];
    counts(a, ca);
    counts(b, cb);
    ck_assert(ca[0] == 20 && ca[1] == 13 && ca[2] == 1);
    ck_assert(cb[0] == 20 && cb[1] == 13 && cb[2] == 0);
    /* and each equals a context run alone */
    snn_ctx *solo = loaded("w_gi=0.5*nS");
    ck_assert_int_eq(snn_run_script(solo), SNN_OK);
    size_t n1, n2;
    double *v1 = snn_var(b, "G", "v", &n1), *v2 = snn_var(solo, "G", "v", &n2);
    ck_assert_uint_eq(n1, n2);
    ck_assert(!memcmp(v1, v2, n1 * sizeof *v1));
    /* freeing one leaves the other intact */
    snn_free(a);
    ck_assert_int_eq(snn_run(b, 0.01), SNN_OK);
    ck_assert_double_eq_tol(snn_time(b), 0.11, 1e-12);
    snn_free(b);
    snn_free(solo);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Writing outputs                                                          */
/* ------------------------------------------------------------------------ */

static int count_entries(const char *dir, int *tmpfiles)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    *tmpfiles = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            n++;
            if (strstr(e->d_name, "tmp")) (*tmpfiles)++;
        }
    closedir(d);
    return n;
}

START_TEST(write_outputs)
{
    snn_ctx *ctx = loaded(NULL);
    ck_assert_int_eq(snn_run_script(ctx), SNN_OK);
    char dir[128];
    snprintf(dir, sizeof dir, "%s/out/nested", tmpdir);
    ck_assert_int_eq(snn_write_outputs(ctx, dir), SNN_OK);
    int tmp;
    ck_assert_int_eq(count_entries(dir, &tmp), 2);
    ck_assert_int_eq(tmp, 0);
    char path[256];
    snprintf(path, sizeof path, "%s/SM.csv", dir);
    char *sm = test_read_file(path, NULL);
    ck_assert_ptr_nonnull(sm);
    ck_assert(!strncmp(sm, "i,t\n", 4));
    int lines = 0;
    for (char *p = sm; *p; p++) lines += *p == '\n';
    ck_assert_int_eq(lines, 35);
    free(sm);
    snn_free(ctx);
}
END_TEST

START_TEST(write_outputs_fails)
{
    snn_ctx *ctx = loaded(NULL);
    ck_assert_int_eq(snn_run_script(ctx), SNN_OK);
    /* below a regular file: the directory cannot be made */
    char file[128], dir[160];
    snprintf(file, sizeof file, "%s/plain", tmpdir);
    FILE *f = fopen(file, "w");
    fclose(f);
    snprintf(dir, sizeof dir, "%s/sub", file);
    ck_assert_int_eq(snn_write_outputs(ctx, dir), SNN_EIO);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "cannot create directory"));
    ck_assert_int_eq(snn_write_outputs(ctx, file), SNN_EIO);
    /* M.csv cannot be replaced (a directory has its name): the error names it
     * and, all or nothing, neither SM.csv nor a temporary is left */
    snprintf(dir, sizeof dir, "%s/out", tmpdir);
    mkdir(dir, 0777);
    char mdir[200];
    snprintf(mdir, sizeof mdir, "%s/M.csv", dir);
    mkdir(mdir, 0777);
    ck_assert_int_eq(snn_write_outputs(ctx, dir), SNN_EIO);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "M.csv"));
    int tmp;
    ck_assert_int_eq(count_entries(dir, &tmp), 1);        /* only the M.csv directory */
    ck_assert_int_eq(tmp, 0);
    ck_assert_int_eq(count_entries(mdir, &tmp), 0);
    /* a read-only directory, when permissions apply (not as root) */
    if (geteuid() != 0) {
        char ro[160];
        snprintf(ro, sizeof ro, "%s/ro", tmpdir);
        mkdir(ro, 0555);
        ck_assert_int_eq(snn_write_outputs(ctx, ro), SNN_EIO);
        ck_assert_int_eq(count_entries(ro, &tmp), 0);
        chmod(ro, 0755);
    }
    snn_free(ctx);
}
END_TEST

/* snn_request_stop from a signal handler: the context it stops. */
static snn_ctx *volatile stop_ctx;

static void stop_on_signal(int sig)
{
    (void)sig;
    snn_request_stop(stop_ctx);
}

/* A callback that raises SIGUSR1 at step 250. */
static int raise_at_250(snn_ctx *ctx, void *ud)
{
    (void)ud;
    if (snn_time(ctx) / snn_dt(ctx) > 249.5 && snn_time(ctx) / snn_dt(ctx) < 250.5) raise(SIGUSR1);
    return 0;
}

START_TEST(request_stop)
{
    snn_request_stop(NULL);
    ck_assert_int_eq(snn_stopped(NULL), 0);
    ck_assert_int_eq(snn_script_steps(NULL), 0);
    snn_ctx *ctx = loaded(NULL);
    ck_assert_int_eq(snn_script_steps(ctx), 1000);
    /* a request before the run stops it before its first step; the request
     * is used up, the next run goes the whole way */
    snn_request_stop(ctx);
    ck_assert_int_eq(snn_run(ctx, 0.01), SNN_ESTOPPED);
    ck_assert_int_eq(snn_stopped(ctx), 1);
    ck_assert_double_eq(snn_time(ctx), 0);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "stopped on request at t = 0 s (step 0)"));
    ck_assert_int_eq(snn_run_steps(ctx, 100), SNN_OK);
    ck_assert_int_eq(snn_stopped(ctx), 0);
    ck_assert_int_eq((int)llround(snn_time(ctx) / snn_dt(ctx)), 100);
    snn_free(ctx);

    /* from a signal handler in the middle of snn_run_script: the run ends
     * at the next step boundary, after step 250, and no later statement runs */
    ctx = loaded(NULL);
    stop_ctx = ctx;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = stop_on_signal;
    sigemptyset(&sa.sa_mask);
    ck_assert_int_eq(sigaction(SIGUSR1, &sa, &old), 0);
    ck_assert_int_eq(snn_add_callback(ctx, SNN_SLOT_END, 1, raise_at_250, NULL), SNN_OK);
    ck_assert_int_eq(snn_run_script(ctx), SNN_ESTOPPED);
    sigaction(SIGUSR1, &old, NULL);
    ck_assert_int_eq(snn_stopped(ctx), 1);
    ck_assert_int_eq((int)llround(snn_time(ctx) / snn_dt(ctx)), 251);
    /* what the monitors hold is that of 251 whole steps */
    const int64_t *steps;
    const double *vals;
    const int32_t *idx;
    size_t nsteps;
    int nidx, nvars;
    ck_assert_int_eq(snn_trace(ctx, "M", &steps, &nsteps, &vals, &idx, &nidx, &nvars), SNN_OK);
    ck_assert_uint_eq(nsteps, 251);
    /* run.json says the outputs are partial */
    char dir[160], path[200];
    snprintf(dir, sizeof dir, "%s/stopped", tmpdir);
    ck_assert_int_eq(snn_write_run(ctx, dir, "tutorial.snn", 1), SNN_OK);
    snprintf(path, sizeof path, "%s/run.json", dir);
    char *json = test_read_file(path, NULL);
    ck_assert_ptr_nonnull(json);
    ck_assert_ptr_nonnull(strstr(json, "\"complete\": false"));
    ck_assert_ptr_nonnull(strstr(json, "\"steps\": 251,"));
    ck_assert_ptr_nonnull(strstr(json, "\"steps_planned\": 1000,"));
    ck_assert_ptr_nonnull(strstr(json, "\"model\": \"tutorial.snn\""));
    ck_assert_ptr_nonnull(strstr(json, "{\"source\": \"G\", \"file\": \"G.state.csv\"}"));
    free(json);
    int tmp;
    ck_assert_int_eq(count_entries(dir, &tmp), 6);        /* SM, M, G, Se, Si and run.json */
    ck_assert_int_eq(tmp, 0);
    /* the rest of the run goes on from there */
    ck_assert_int_eq(snn_clear_callbacks(ctx), SNN_OK);
    ck_assert_int_eq(snn_run_steps(ctx, 749), SNN_OK);
    ck_assert_int_eq(snn_write_run(ctx, dir, NULL, 0), SNN_OK);
    json = test_read_file(path, NULL);
    ck_assert_ptr_nonnull(strstr(json, "\"complete\": true"));
    ck_assert_ptr_nonnull(strstr(json, "\"model\": null"));
    free(json);
    snn_free(ctx);
}
END_TEST

/* Units of variables in Brian2's words. */
START_TEST(var_units)
{
    ck_assert_ptr_null(snn_var_unit(NULL, "G", "v"));
    snn_ctx *ctx = snn_new();
    ck_assert_ptr_null(snn_var_unit(ctx, "G", "v"));
    const char *src = "neurons G[2] { model { dv/dt = (ge - v)/(10*ms) : volt\n dge/dt = -ge/(5*ms) : volt\n"
                      " g : siemens\n x : 1\n r : volt/second } }\n";
    ck_assert_int_eq(snn_load_string(ctx, src, strlen(src), "units"), SNN_OK);
    ck_assert_str_eq(snn_var_unit(ctx, "G", "v"), "volt");
    ck_assert_str_eq(snn_var_unit(ctx, "G", "g"), "siemens");
    ck_assert_str_eq(snn_var_unit(ctx, "G", "x"), "1");
    ck_assert_str_eq(snn_var_unit(ctx, "G", "r"), "volt/second");
    ck_assert_ptr_null(snn_var_unit(ctx, "G", "nope"));
    ck_assert_ptr_null(snn_var_unit(ctx, "H", "v"));
    ck_assert_ptr_null(snn_var_unit(ctx, NULL, "v"));
    snn_free(ctx);
}
END_TEST

/* Run lengths a simulation cannot count are refused, with the step count. */
START_TEST(run_too_long)
{
    snn_ctx *ctx = loaded(NULL);
    ck_assert_int_eq(snn_run(ctx, 1e30), SNN_EMISUSE);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "1e+34 steps"));
    ck_assert_int_eq(snn_run(ctx, NAN), SNN_EMISUSE);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "must be >= 0"));
    ck_assert_int_eq(snn_run(ctx, -1), SNN_EMISUSE);
    ck_assert_double_eq(snn_time(ctx), 0);
    snn_free(ctx);
    /* in the model: a located error */
    ctx = snn_new();
    const char *src = "neurons G[1] { model { dv/dt = -v/(10*ms) : 1 } }\nrun 1e30*second\n";
    ck_assert_int_eq(snn_load_string(ctx, src, strlen(src), "huge"), SNN_ESEMA);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "huge:2:5: error: a run of 1e+30 s is 1e+34 steps"));
    snn_free(ctx);
}
END_TEST

/* A model file name that must be escaped in the generated '#line'. */
START_TEST(odd_chunk_name)
{
    snn_ctx *ctx = snn_new();
    static const char model[] = "neurons G[1] {\n  model {\n    dv/dt = -v/(10*ms) : volt\n  }\n}\nrun 1*ms\n";
    ck_assert_int_eq(snn_load_string(ctx, model, sizeof model - 1, "my \"model\".snn"), SNN_OK);
    int rc = snn_run_script(ctx);
    /* the name is escaped in the generated '#line N "..."' */
    ck_assert_msg(rc == SNN_OK, "%s", snn_errmsg(ctx));
    snn_free(ctx);
}
END_TEST

/* The optimising tier's fate is reported: off unless asked for, and a
 * failure (here: no cache directory can be made) is a note through the error
 * callback and SNN_NATIVE_FAILED, while the run goes on with libtcc's code. */
static void collect_note(void *ud, const char *text)
{
    char *buf = ud;
    strncat(buf, text, 4095 - strlen(buf));
}

START_TEST(native_status)
{
    const char *why = NULL;
    ck_assert_int_eq(snn_native_status(NULL, &why), SNN_NATIVE_OFF);
    snn_ctx *ctx = loaded(NULL);
    ck_assert_int_eq(snn_native_status(ctx, &why), SNN_NATIVE_OFF);
    ck_assert_ptr_nonnull(why);
    snn_free(ctx);

    const char *old = getenv("XDG_CACHE_HOME");
    char *saved = old ? strdup(old) : NULL;
    setenv("XDG_CACHE_HOME", "/proc/snnc-no-such-dir", 1);
    static char notes[4096];
    notes[0] = 0;
    ctx = snn_new();
    snn_set_error_cb(ctx, collect_note, notes);
    ck_assert_int_eq(snn_set_native(ctx, SNN_NATIVE_WAIT), SNN_OK);
    ck_assert_int_eq(snn_load_file(ctx, tutorial_path()), SNN_OK);
    ck_assert_int_eq(snn_build(ctx), SNN_OK);
    ck_assert_int_eq(snn_native_status(ctx, &why), SNN_NATIVE_FAILED);
    ck_assert_msg(strstr(why, "/proc/snnc-no-such-dir") != NULL, "%s", why);
    ck_assert_msg(!strncmp(notes, "note: the optimised code is not used", 36), "%s", notes);
    ck_assert_int_eq(snn_run(ctx, 0.01), SNN_OK);
    snn_free(ctx);
    if (saved) setenv("XDG_CACHE_HOME", saved, 1);
    else unsetenv("XDG_CACHE_HOME");
    free(saved);
}
END_TEST

/* A callback that makes every step take about a millisecond, so that the
 * time a run has left on libtcc's code is known. */
static int slow_step(snn_ctx *ctx, void *ud)
{
    (void)ctx;
    (void)ud;
    struct timespec ts = { 0, 1000000 };
    nanosleep(&ts, NULL);
    return 0;
}

/* In the background, a cold build is decided on after some steps: not
 * made for a run that has little time left, started (at low priority) for
 * one that has much, and either way snn_native_status says why. */
START_TEST(native_build_decided_by_time_left)
{
    /* the optimised code is built for this CPU (-march=native), whose
     * instructions valgrind does not all know */
    if (getenv("SNN_TEST_NO_NATIVE")) {
        printf("# skipped: the optimising tier's schedule (SNN_TEST_NO_NATIVE is set)\n");
        return;
    }
    char *tmp = test_tmpdir();
    const char *old = getenv("XDG_CACHE_HOME");
    char *saved = old ? strdup(old) : NULL;
    char cache[600];
    snprintf(cache, sizeof cache, "%s/no/such/dir/yet", tmp);   /* made, parents too */
    setenv("XDG_CACHE_HOME", cache, 1);
    const char *why;
    for (int big = 0; big < 2; big++) {
        snn_ctx *ctx = snn_new();
        ck_assert_int_eq(snn_set_native(ctx, SNN_NATIVE_BACKGROUND), SNN_OK);
        ck_assert_int_eq(snn_load_file(ctx, tutorial_path()), SNN_OK);
        ck_assert_int_eq(snn_add_callback(ctx, SNN_SLOT_START, 1, slow_step, NULL), SNN_OK);
        /* 60 steps: at most 40 left after the 20 ms of measuring */
        ck_assert_int_eq(snn_run_steps(ctx, big ? 3000 : 60), SNN_OK);
        int st = snn_native_status(ctx, &why);
        if (!big) {
            ck_assert_msg(st == SNN_NATIVE_FAILED && strstr(why, "not built, because the") &&
                          strstr(why, "build's estimate (0.3 s)"), "%d: %s", st, why);
        } else {
            ck_assert_msg((st == SNN_NATIVE_INSTALLED && strstr(why, "built in") && strstr(why, "at nice")) ||
                          (st == SNN_NATIVE_PENDING && strstr(why, "started at step")), "%d: %s", st, why);
        }
        snn_free(ctx);
    }
    if (saved) setenv("XDG_CACHE_HOME", saved, 1);
    else unsetenv("XDG_CACHE_HOME");
    free(saved);
    test_remove_tmpdir(tmp);
}
END_TEST

/* An error found while building the network points at the object, as a
 * compile error does, and is a structured diagnostic. */
START_TEST(build_error_located)
{
    static const char model[] =
        "neurons G[2] { threshold: v > 1\n"
        "    model {\n"
        "        dv/dt = -v/(10*ms) : 1\n"
        "    }\n"
        "}\n"
        "synapses S(G -> G) {\n"
        "    model {\n"
        "        w : 1\n"
        "    }\n"
        "    on_pre: v_post += w\n"
        "    connect(i=[0], j=[1])\n"
        "}\n"
        "statemonitor M(S.w, record=[3])\n";
    snn_ctx *ctx = snn_new();
    ck_assert_int_eq(snn_load_string(ctx, model, strlen(model), "b.snn"), SNN_OK);
    ck_assert_int_eq(snn_build(ctx), SNN_ESEMA);
    ck_assert_str_eq(snn_errmsg(ctx), "b.snn:13:14: error: M records index 3, but S has only 1\n"
                                      "    statemonitor M(S.w, record=[3])\n"
                                      "                 ^\n");
    ck_assert_int_eq(snn_diag_count(ctx), 1);
    const char *file, *msg;
    int line, col;
    ck_assert_int_eq(snn_diag_get(ctx, 0, &file, &line, &col, &msg), SNN_OK);
    ck_assert_str_eq(file, "b.snn");
    ck_assert_int_eq(line, 13);
    ck_assert_int_eq(col, 14);
    snn_free(ctx);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Before building: initial values, memory, located errors, odd files       */
/* ------------------------------------------------------------------------ */

/* Load src as "r.snn" and build; returns the status. */
static int build_src(snn_ctx *ctx, const char *src)
{
    int rc = snn_load_string(ctx, src, strlen(src), "r.snn");
    return rc ? rc : snn_build(ctx);
}

/* connect() conditions and p see the values the neurons' init gave, and a
 * synapse's own init still sees them too. */
START_TEST(connect_sees_initial_values)
{
    snn_ctx *ctx = snn_new();
    int rc = build_src(ctx, "neurons G[4] { model { x : 1 }  init { x = i } }\n"
                            "synapses S(G -> G) { model { w : 1 }  connect('abs(x_pre - x_post) < 1.5 and i != j')\n"
                            "    init { w = x_pre + 10*x_post } }\n"
                            "neurons H[3] { model { y : 1 }  init { y = 1 } }\n"
                            "synapses P(H -> H) { connect(p='y_pre*y_post') }\n");
    ck_assert_msg(rc == SNN_OK, "%s", snn_errmsg(ctx));
    ck_assert_int_eq(snn_group_size(ctx, "S"), 6);
    ck_assert_int_eq(snn_group_size(ctx, "P"), 9);
    const int32_t *pre, *post;
    size_t n;
    ck_assert_int_eq(snn_synapses(ctx, "S", &pre, &post, &n), SNN_OK);
    double w[6];
    ck_assert_int_eq(snn_get_var(ctx, "S", "w", w, 6), SNN_OK);
    for (size_t k = 0; k < n; k++) {
        ck_assert_int_eq(abs(pre[k] - post[k]), 1);
        ck_assert_double_eq(w[k], pre[k] + 10.0 * post[k]);
    }
    snn_free(ctx);
}
END_TEST

/* Refused before anything is allocated, with the bytes and the place. */
static void refused(const char *src, const char *where, const char *what)
{
    snn_ctx *ctx = snn_new();
    ck_assert_int_eq(build_src(ctx, src), SNN_ESEMA);
    const char *m = snn_errmsg(ctx);
    ck_assert_msg(!strncmp(m, where, strlen(where)), "%s", m);
    ck_assert_msg(strstr(m, what) && strstr(m, " bytes") && strstr(m, "run out of memory"), "%s", m);
    ck_assert_int_eq(snn_diag_count(ctx), 1);
    snn_free(ctx);
}

START_TEST(memory_refused_up_front)
{
    /* 2e9 neurons x 100 variables: 1.6 TB */
    char src[4096] = "x = 1\nneurons G[2000000000] { model {\n";
    for (int k = 0; k < 100; k++) snprintf(src + strlen(src), sizeof src - strlen(src), "v%d : 1\n", k);
    strcat(src, "} }\n");
    refused(src, "r.snn:2:9: error: neurons G needs 1608000000000 bytes (2000000000 neurons x 804 bytes)", "");
    /* 10^12 synapses, all to all */
    refused("neurons G[1000000] { model { v : 1 } threshold: False }\n"
            "synapses S(G -> G) { model { w : 1 } on_pre: v_post += w   connect() }\n",
            "r.snn:2:60: error: connect() of S needs 24000000000000 bytes", "1000000000000 synapses x 24 bytes");
    /* the expected count of a constant p: 0.5 x 10^12 */
    refused("neurons G[1000000] { model { v : 1 } threshold: False }\n"
            "synapses S(G -> G) { on_pre: v_post += 1   connect(p=0.5) }\n",
            "r.snn:2:44: error: connect() of S needs 8000000000000 bytes", "500000000000 synapses x 16 bytes");
    /* a state monitor over all the runs: 1000 values x 10^10 steps */
    refused("neurons G[1000] { model { v : 1 } threshold: False }\n"
            "statemonitor M(G.v, record=all)\nrun 5e5*second\nrun 5e5*second\n",
            "r.snn:2:14: error: statemonitor M needs 80080000000000 bytes", "10000000000 recorded steps");
}
END_TEST

/* The address-space limit, when lower than the machine's memory, is the
 * budget (in a child process, which the limit may not outlive).  Not with
 * AddressSanitizer, whose shadow memory needs a vast address space. */
START_TEST(memory_refused_by_rlimit)
{
    /* an address-space limit and the shadow memory of AddressSanitizer or
     * valgrind do not mix */
#if defined(__SANITIZE_ADDRESS__)
    return;
#endif
    if (RUNNING_ON_VALGRIND) {
        printf("# skipped under valgrind: an address-space limit and valgrind do not mix\n");
        return;
    }
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct rlimit rl = { (rlim_t)3 << 30, (rlim_t)3 << 30 };
        if (setrlimit(RLIMIT_AS, &rl)) _exit(2);
        snn_ctx *ctx = snn_new();
        int rc = build_src(ctx, "neurons G[300000000] { model { v : 1 } }\n");
        const char *m = snn_errmsg(ctx);
        _exit(rc == SNN_ESEMA && strstr(m, "r.snn:1:9:") && strstr(m, "3600000000 bytes") &&
              strstr(m, "3221225472 bytes of the address-space limit") ? 0 : 1);
    }
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert(WIFEXITED(st));
    ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

/* connect(j=...) outside the target for i = 0 is that, not out of memory;
 * bad delays are located errors, also when a constant changes later. */
START_TEST(build_errors_not_oom)
{
    snn_ctx *ctx = snn_new();
    ck_assert_int_eq(build_src(ctx, "neurons G[3] { model { v : 1 } threshold: False }\n"
                                    "synapses S(G -> G) { on_pre: v_post += 1\n  connect(j='i + 10') }\n"), SNN_ESEMA);
    ck_assert_msg(!strncmp(snn_errmsg(ctx), "r.snn:3:3: error: S: connect(j=...) gives a target index outside 0..2 "
                           "for i = 0", 73), "%s", snn_errmsg(ctx));
    snn_free(ctx);
    static const char delayed[] = "d = 1*ms\nneurons G[3] { model { v : 1 } threshold: False }\n"
                                  "synapses S(G -> G) { on_pre: v_post += 1\n  delay: d\n  connect() }\n";
    ctx = snn_new();
    ck_assert_int_eq(snn_load_string(ctx, delayed, strlen(delayed), "r.snn"), SNN_OK);
    ck_assert_int_eq(snn_set_const(ctx, "d", NAN), SNN_OK);
    ck_assert_int_eq(snn_build(ctx), SNN_ESEMA);
    ck_assert_msg(!strncmp(snn_errmsg(ctx), "r.snn:4:10: error: the delay of S is NaN", 40), "%s", snn_errmsg(ctx));
    ck_assert_int_eq(snn_set_const(ctx, "d", 1e9), SNN_OK);
    ck_assert_int_eq(snn_build(ctx), SNN_ESEMA);
    ck_assert_msg(strstr(snn_errmsg(ctx), "steps a delay may have"), "%s", snn_errmsg(ctx));
    ck_assert_int_eq(snn_set_const(ctx, "d", 2e-3), SNN_OK);
    ck_assert_msg(snn_build(ctx) == SNN_OK, "%s", snn_errmsg(ctx));
    snn_free(ctx);
}
END_TEST

/* A sparse file of size bytes at tmpdir/name; returns its path (static). */
static const char *sparse_file(const char *name, off_t size)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(ftruncate(fileno(f), size), 0);
    fclose(f);
    return path;
}

/* Devices, directories and files that are too large or hold a NUL byte are
 * refused at once with their name; a pipe is read. */
START_TEST(odd_files_refused)
{
    snn_ctx *ctx = snn_new();
    ck_assert_int_eq(snn_load_file(ctx, "/dev/zero"), SNN_EIO);
    ck_assert_str_eq(snn_errmsg(ctx), "/dev/zero: it is not a regular file\n");
    ck_assert_int_eq(snn_load_file(ctx, tmpdir), SNN_EIO);
    ck_assert_msg(strstr(snn_errmsg(ctx), "it is a directory"), "%s", snn_errmsg(ctx));
    const char *big = sparse_file("big.snn", ((off_t)64 << 20) + 1);
    ck_assert_int_eq(snn_load_file(ctx, big), SNN_EIO);
    ck_assert_msg(strstr(snn_errmsg(ctx), "larger than 64 MiB"), "%s", snn_errmsg(ctx));
    /* a NUL byte far into the file is found in its chunk */
    char path[256];
    snprintf(path, sizeof path, "%s/late-nul.snn", tmpdir);
    FILE *f = fopen(path, "wb");
    for (int k = 0; k < 20000; k++) fputs("# comment\n", f);
    fputc(0, f);
    fclose(f);
    ck_assert_int_eq(snn_load_file(ctx, path), SNN_ESYNTAX);
    ck_assert_msg(strstr(snn_errmsg(ctx), "not a text file"), "%s", snn_errmsg(ctx));
    /* data files */
    snprintf(path, sizeof path, "%s/nul.csv", tmpdir);
    f = fopen(path, "wb");
    fwrite("x\n1\n\0" "2\n", 1, 7, f);
    fclose(f);
    char src[1024];
    snprintf(src, sizeof src, "neurons G[2] { model { v : 1 }  init { v = column('%s', 'x') } }\n", path);
    ck_assert_int_eq(snn_load_string(ctx, src, strlen(src), "r.snn"), SNN_ESEMA);
    ck_assert_msg(strstr(snn_errmsg(ctx), "it is not a text file (it contains NUL bytes)") &&
                  strstr(snn_errmsg(ctx), path), "%s", snn_errmsg(ctx));
    const char *huge = sparse_file("huge.csv", ((off_t)1 << 30) + 1);
    snprintf(src, sizeof src, "timedarray ta(file='%s', unit=1, dt=1*ms)\n", huge);
    ck_assert_int_eq(snn_load_string(ctx, src, strlen(src), "r.snn"), SNN_ESEMA);
    ck_assert_msg(strstr(snn_errmsg(ctx), "larger than 1 GiB"), "%s", snn_errmsg(ctx));
    snn_free(ctx);
    /* a pipe is a model too */
    snprintf(path, sizeof path, "%s/fifo", tmpdir);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        FILE *w = fopen(path, "w");
        fputs("neurons G[2] { model { v : 1 } }\n", w);
        _exit(fclose(w) ? 1 : 0);
    }
    ctx = snn_new();
    int rc = snn_load_file(ctx, path);
    ck_assert_msg(rc == SNN_OK, "%s", snn_errmsg(ctx));
    int st;
    waitpid(pid, &st, 0);
    ck_assert_int_eq(snn_group_size(ctx, "G"), 2);
    snn_free(ctx);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("misuse");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, null_context);
    tcase_add_test(tc, null_arguments);
    tcase_add_test(tc, before_load);
    tcase_add_test(tc, load_twice);
    tcase_add_test(tc, override_after_load);
    suite_add_tcase(s, tc);
    tc = tcase_create("load");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, missing_file);
    tcase_add_test(tc, binary_file);
    tcase_add_test(tc, error_codes);
    tcase_add_test(tc, load_string_length);
    tcase_add_test(tc, bad_overrides);
    tcase_add_test(tc, good_overrides);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, diagnostics);
    tcase_add_test(tc, callback_for_api_errors);
    tcase_add_test(tc, errmsg_after_success);
    suite_add_tcase(s, tc);
    tc = tcase_create("run");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, run_and_read);
    tcase_add_test(tc, seeds);
    tcase_add_test(tc, two_contexts);
    tcase_add_test(tc, write_outputs);
    tcase_add_test(tc, write_outputs_fails);
    tcase_add_test(tc, odd_chunk_name);
    tcase_add_test(tc, request_stop);
    tcase_add_test(tc, run_too_long);
    tcase_add_test(tc, var_units);
    tcase_add_test(tc, native_status);
    tcase_add_test(tc, native_build_decided_by_time_left);
    tcase_add_test(tc, build_error_located);
    suite_add_tcase(s, tc);
    tc = tcase_create("resources");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, connect_sees_initial_values);
    tcase_add_test(tc, memory_refused_up_front);
    tcase_add_test(tc, memory_refused_by_rlimit);
    tcase_add_test(tc, build_errors_not_oom);
    tcase_add_test(tc, odd_files_refused);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
