/* SPDX-License-Identifier: MIT */
/* This file contains the tests of the embedding API of snn.h: building a
 * network in code from equation strings (and mixing with a loaded file),
 * diagnostics that name the call, repeated runs, reading and writing state
 * and constants, callbacks in schedule slots, added spikes, rebuilding after
 * a change of the model (state and time kept), results, and two networks in
 * one process (interleaved and in two threads).  Each function is tested on
 * its success and its error paths.  Snapshots are in test-snapshot.c. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snn.h"
#include "test-common.h"

#define TUTORIAL "../examples/tutorial.snn"

static const char *const tut_consts[][2] = {
    { "c", "100*pF" }, { "vl", "-70*mV" }, { "gl", "5*nS" }, { "ge_tau", "20*ms" }, { "ve", "0*mV" },
    { "gi_tau", "100*ms" }, { "vi", "-80*mV" }, { "w_ge", "1.0*nS" }, { "w_gi", "0.0*nS" },
};

static const char tut_eqs[] =
    "dv/dt = -(gl * (v - vl) + ge * (v - ve) + gi * (v - vi) - I)/c : volt\n"
    "dge/dt = -ge / ge_tau : siemens\n"
    "dgi/dt = -gi / gi_tau : siemens\n"
    "I : amp\n";

#define OK(call) ck_assert_msg((call) == SNN_OK, "%s: %s", #call, snn_errmsg(ctx))

/* The tutorial network built in code (no state monitor). */
static snn_ctx *tutorial_in_code(void)
{
    snn_ctx *ctx = snn_new();
    ck_assert_ptr_nonnull(ctx);
    for (size_t k = 0; k < sizeof tut_consts / sizeof *tut_consts; k++)
        OK(snn_add_const(ctx, tut_consts[k][0], tut_consts[k][1]));
    OK(snn_add_neurons(ctx, "G", 3, tut_eqs, "v > -40*mV", "v = vl", NULL, "euler"));
    OK(snn_add_item(ctx, "G", "init", "I = [0.7, 0.5, 0]*nA"));
    OK(snn_add_item(ctx, "G", "init", "v = -70*mV"));
    OK(snn_add_synapses(ctx, "Se", "G", "G", NULL, "ge_post += w_ge", NULL, "i=0, j=2"));
    OK(snn_add_synapses(ctx, "Si", "G", "G", NULL, "gi_post += w_gi", NULL, "i=1, j=2"));
    OK(snn_add_monitor(ctx, "spikemonitor", "SM", "G"));
    return ctx;
}

static snn_ctx *tutorial_file(void)
{
    snn_ctx *ctx = snn_new();
    OK(snn_load_file(ctx, test_path(TUTORIAL)));
    return ctx;
}

/* Spikes of monitor SM of a and b are the same (and there are some). */
static void same_spikes(snn_ctx *a, snn_ctx *b, const char *ma, const char *mb)
{
    const int32_t *i1, *i2;
    const int64_t *s1, *s2;
    size_t n1, n2;
    ck_assert_int_eq(snn_spikes(a, ma, &i1, &s1, &n1), SNN_OK);
    ck_assert_int_eq(snn_spikes(b, mb, &i2, &s2, &n2), SNN_OK);
    ck_assert_uint_gt(n1, 0);
    ck_assert_uint_eq(n1, n2);
    ck_assert(!memcmp(i1, i2, n1 * sizeof *i1));
    ck_assert(!memcmp(s1, s2, n1 * sizeof *s1));
}

static void same_var(snn_ctx *a, snn_ctx *b, const char *g, const char *v)
{
    size_t n1, n2;
    double *x = snn_var(a, g, v, &n1), *y = snn_var(b, g, v, &n2);
    ck_assert_ptr_nonnull(x);
    ck_assert_ptr_nonnull(y);
    ck_assert_uint_eq(n1, n2);
    ck_assert(!memcmp(x, y, n1 * sizeof *x));
}

/* {====================================================================
 * Building in code
 * ===================================================================== */

/* The tutorial from equation strings gives the file's spikes, bit for bit. */
START_TEST(code_equals_file)
{
    snn_ctx *code = tutorial_in_code(), *file = tutorial_file();
    snn_ctx *ctx = code;
    OK(snn_run(code, 0.1));
    ctx = file;
    OK(snn_run_script(file));
    same_spikes(code, file, "SM", "SM");
    same_var(code, file, "G", "v");
    same_var(code, file, "G", "ge");
    const int32_t *idx;
    size_t n;
    ck_assert_int_eq(snn_spikes(code, "SM", &idx, NULL, &n), SNN_OK);
    ck_assert_uint_eq(n, 34);
    snn_free(code);
    snn_free(file);
}
END_TEST

/* snn_model_source is a .snn model that snnc-style loading accepts and that
 * runs the same. */
START_TEST(model_source_roundtrip)
{
    snn_ctx *ctx = tutorial_in_code();
    const char *src = snn_model_source(ctx);
    ck_assert_ptr_nonnull(strstr(src, "neurons G[3] {"));
    ck_assert_ptr_nonnull(strstr(src, "synapses Se(G -> G) {"));
    ck_assert_ptr_nonnull(strstr(src, "connect(i=0, j=2)"));
    snn_ctx *again = snn_new();
    ck_assert_int_eq(snn_load_string(again, src, strlen(src), "generated.snn"), SNN_OK);
    OK(snn_run(ctx, 0.1));
    ck_assert_int_eq(snn_run(again, 0.1), SNN_OK);
    same_spikes(ctx, again, "SM", "SM");
    snn_free(again);
    snn_free(ctx);
    ck_assert_str_eq(snn_model_source(NULL), "");
    ctx = snn_new();
    ck_assert_str_eq(snn_model_source(ctx), "");
    snn_free(ctx);
}
END_TEST

/* A mistake in a string of snn_add_* is reported like one in a file, at the
 * call's chunk, and leaves the model as it was. */
START_TEST(add_diagnostics)
{
    snn_ctx *ctx = tutorial_file();
    int rc = snn_add_neurons(ctx, "H", 2, "dv/dt = (vl - v)/tau_h : volt", "v > -50*mV", "v = vl", NULL, NULL);
    ck_assert_int_eq(rc, SNN_ESEMA);
    ck_assert_int_eq(snn_diag_count(ctx), 1);
    const char *file, *msg;
    int line, col;
    ck_assert_int_eq(snn_diag_get(ctx, 0, &file, &line, &col, &msg), SNN_OK);
    ck_assert_str_eq(file, "snn_add_neurons(H)");
    ck_assert_int_eq(line, 3);              /* header, 'model {', then the equation */
    ck_assert_ptr_nonnull(strstr(msg, "unknown name 'tau_h'"));
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "snn_add_neurons(H):3:"));
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "dv/dt = (vl - v)/tau_h : volt\n"));
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "^~~~~"));
    /* the model is unchanged: H does not exist, the rest runs */
    ck_assert_int_eq(snn_group_size(ctx, "H"), -1);
    ck_assert_int_eq(snn_run(ctx, 0.01), SNN_OK);
    /* units, syntax */
    ck_assert_int_eq(snn_add_const(ctx, "x", "1*mV + 1*nA"), SNN_EUNITS);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "snn_add_const(x):1:"));
    ck_assert_int_eq(snn_add_const(ctx, "x", "1 +"), SNN_ESYNTAX);
    ck_assert_int_eq(snn_add_neurons(ctx, "H", 2, "dv/dt = -v/(10*ms) volt", NULL, NULL, NULL, NULL), SNN_ESYNTAX);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "snn_add_neurons(H):3:"));
    /* duplicate names are found as in a file */
    ck_assert_int_ne(snn_add_neurons(ctx, "G", 2, "dv/dt = -v/(10*ms) : volt", NULL, NULL, NULL, NULL), SNN_OK);
    ck_assert_int_eq(snn_add_synapses(ctx, "S", "G", "Nope", NULL, "v_post += 1*mV", NULL, "i=0, j=0"), SNN_ESEMA);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "snn_add_synapses(S):1:"));
    ck_assert_int_eq(snn_add_monitor(ctx, "spikemonitor", "SM2", "Nope"), SNN_ESEMA);
    ck_assert_int_ne(snn_add_monitor(ctx, "nomonitor", "SM2", "G"), SNN_OK);
    ck_assert_int_ne(snn_add_input(ctx, "poissongroup", "P", "3, rates=5*mV"), SNN_OK);
    /* a later success clears the error */
    OK(snn_add_const(ctx, "x", "3*mV"));
    ck_assert_str_eq(snn_errmsg(ctx), "");
    ck_assert_int_eq(snn_diag_count(ctx), 0);
    snn_free(ctx);
}
END_TEST

/* Bad arguments of the snn_add_* calls. */
START_TEST(add_misuse)
{
    ck_assert_int_eq(snn_add_const(NULL, "x", "1"), SNN_EMISUSE);
    ck_assert_int_eq(snn_add_neurons(NULL, "G", 1, "v : volt", NULL, NULL, NULL, NULL), SNN_EMISUSE);
    ck_assert_int_eq(snn_add_synapses(NULL, "S", "G", "G", NULL, NULL, NULL, NULL), SNN_EMISUSE);
    ck_assert_int_eq(snn_add_monitor(NULL, "spikemonitor", "M", "G"), SNN_EMISUSE);
    ck_assert_int_eq(snn_add_input(NULL, "poissongroup", "P", "1, rates=1*Hz"), SNN_EMISUSE);
    ck_assert_int_eq(snn_set_item(NULL, "G", "init", "v = 0*mV"), SNN_EMISUSE);
    ck_assert_int_eq(snn_add_item(NULL, "G", "init", "v = 0*mV"), SNN_EMISUSE);
    snn_ctx *ctx = snn_new();
    ck_assert_int_eq(snn_add_const(ctx, "1x", "1"), SNN_EMISUSE);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "not a valid name"));
    ck_assert_int_eq(snn_add_const(ctx, NULL, "1"), SNN_EMISUSE);
    ck_assert_int_eq(snn_add_const(ctx, "x", NULL), SNN_EMISUSE);
    ck_assert_int_eq(snn_add_const(ctx, "x", "  "), SNN_EMISUSE);
    ck_assert_int_eq(snn_add_neurons(ctx, "G H", 1, "v : volt", NULL, NULL, NULL, NULL), SNN_EMISUSE);
    ck_assert_int_eq(snn_add_synapses(ctx, "S", "G;", "G", NULL, NULL, NULL, NULL), SNN_EMISUSE);
    ck_assert_int_eq(snn_add_monitor(ctx, "spike monitor", "M", "G"), SNN_EMISUSE);
    ck_assert_int_eq(snn_add_monitor(ctx, NULL, "M", "G"), SNN_EMISUSE);
    ck_assert_int_eq(snn_add_input(ctx, "poissongroup", "", "1, rates=1*Hz"), SNN_EMISUSE);
    /* nothing was added */
    ck_assert_int_eq(snn_build(ctx), SNN_EMISUSE);
    snn_free(ctx);
}
END_TEST

/* Inputs and monitors from code: a Poisson group drives G. */
START_TEST(add_input_and_monitors)
{
    snn_ctx *ctx = snn_new();
    OK(snn_add_input(ctx, "poissongroup", "P", "20, rates=50*Hz"));
    OK(snn_add_neurons(ctx, "G", 2, "dv/dt = -v/(10*ms) : volt", "v > 10*mV", "v = 0*mV", NULL, NULL));
    OK(snn_add_synapses(ctx, "S", "P", "G", "w : volt", "v_post += w", NULL, "p=1"));
    OK(snn_add_item(ctx, "S", "init", "w = 3*mV"));
    OK(snn_add_monitor(ctx, "spikemonitor", "SP", "P"));
    OK(snn_add_monitor(ctx, "spikemonitor", "SG", "G"));
    OK(snn_add_monitor(ctx, "statemonitor", "MV", "G.v, record=[1]"));
    ck_assert_int_eq(snn_monitor_count(ctx), 3);
    ck_assert_str_eq(snn_monitor_name(ctx, 2), "MV");
    ck_assert_ptr_null(snn_monitor_name(ctx, 3));
    ck_assert_ptr_null(snn_monitor_name(ctx, -1));
    OK(snn_run(ctx, 0.2));
    size_t np, ng;
    OK(snn_spikes(ctx, "SP", NULL, NULL, &np));
    OK(snn_spikes(ctx, "SG", NULL, NULL, &ng));
    ck_assert_uint_gt(np, 100);            /* ~200 expected */
    ck_assert_uint_gt(ng, 0);
    const int32_t *pre, *post;
    size_t ns;
    OK(snn_synapses(ctx, "S", &pre, &post, &ns));
    ck_assert_uint_eq(ns, 40);
    ck_assert_int_eq(pre[39], 19);
    ck_assert_int_eq(post[39], 1);
    ck_assert_int_eq(snn_group_size(ctx, "S"), 40);
    ck_assert_int_eq(snn_synapses(ctx, "G", &pre, &post, &ns), SNN_EMISUSE);
    ck_assert_int_eq(snn_synapses(ctx, "Nope", &pre, &post, &ns), SNN_ENOTFOUND);
    ck_assert_int_eq(snn_synapses(ctx, NULL, &pre, &post, &ns), SNN_EMISUSE);
    ck_assert_int_eq(snn_synapses(NULL, "S", &pre, &post, &ns), SNN_EMISUSE);
    snn_free(ctx);
}
END_TEST

/* snn_set_item / snn_add_item: replace, append, remove; errors roll back. */
START_TEST(items)
{
    snn_ctx *ctx = tutorial_file();
    OK(snn_add_neurons(ctx, "H", 2, "dv/dt = -v/(10*ms) : volt", NULL, NULL, NULL, NULL));
    OK(snn_set_item(ctx, "H", "threshold", "v > 1*mV"));
    OK(snn_set_item(ctx, "H", "reset", "v = 0*mV"));
    OK(snn_add_item(ctx, "H", "model", "I : volt/second"));
    OK(snn_set_item(ctx, "H", "model", "dv/dt = -v/(10*ms) + I : volt\nI : volt/second"));
    OK(snn_add_item(ctx, "H", "init", "I = 200*mV/second"));
    OK(snn_add_monitor(ctx, "spikemonitor", "SH", "H"));
    const char *src = snn_model_source(ctx);
    ck_assert_ptr_nonnull(strstr(src, "threshold: v > 1*mV"));
    ck_assert_ptr_eq(strstr(src, "dv/dt = -v/(10*ms) : volt"), NULL);
    /* a change that does not check is rolled back */
    ck_assert_int_eq(snn_set_item(ctx, "H", "threshold", "v > 1*nA"), SNN_EUNITS);
    ck_assert_ptr_nonnull(strstr(snn_model_source(ctx), "threshold: v > 1*mV"));
    ck_assert_int_ne(snn_add_item(ctx, "H", "model", "dv/dt = 1 : volt"), SNN_OK);
    ck_assert_int_ne(snn_set_item(ctx, "H", "colour", "red"), SNN_OK);
    OK(snn_run(ctx, 0.05));
    size_t n;
    OK(snn_spikes(ctx, "SH", NULL, NULL, &n));
    ck_assert_uint_gt(n, 0);
    /* remove the threshold (and so the spikes) */
    ck_assert_int_eq(snn_set_item(ctx, "H", "threshold", NULL), SNN_ESEMA);   /* reset without threshold */
    OK(snn_set_item(ctx, "H", "reset", NULL));
    /* ... not while a spike monitor records H (Brian2 refuses that monitor) */
    ck_assert_int_eq(snn_set_item(ctx, "H", "threshold", NULL), SNN_ESEMA);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "H has no threshold, so no spikes to record"));
    OK(snn_set_item(ctx, "H", "threshold", "v > 1*volt"));
    ck_assert_ptr_eq(strstr(snn_model_source(ctx), "threshold: v > 1*mV"), NULL);
    size_t before = n;
    OK(snn_run(ctx, 0.05));
    OK(snn_spikes(ctx, "SH", NULL, NULL, &n));
    ck_assert_uint_eq(n, before);
    /* objects from loaded text cannot be changed, unknown ones are not found */
    ck_assert_int_eq(snn_set_item(ctx, "G", "threshold", "v > 0*mV"), SNN_EMISUSE);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "comes from loaded text"));
    ck_assert_int_eq(snn_set_item(ctx, "Nope", "threshold", "v > 0*mV"), SNN_ENOTFOUND);
    ck_assert_int_eq(snn_set_item(ctx, "H", "not a key", "x"), SNN_EMISUSE);
    ck_assert_int_eq(snn_set_item(ctx, "H", NULL, "x"), SNN_EMISUSE);
    /* several connect() of synapses added in code */
    OK(snn_add_synapses(ctx, "S", "G", "H", NULL, "v_post += 1*mV", NULL, "i=0, j=0"));
    OK(snn_add_item(ctx, "S", "connect", "i=1, j=1"));
    ck_assert_int_eq(snn_group_size(ctx, "S"), 2);
    OK(snn_set_item(ctx, "S", "connect", "i=[0, 1, 2], j=0"));
    ck_assert_int_eq(snn_group_size(ctx, "S"), 3);
    snn_free(ctx);
}
END_TEST

/* Load a file, then add a group in code that listens to it. */
START_TEST(mix_file_and_code)
{
    snn_ctx *ctx = tutorial_file();
    OK(snn_add_const(ctx, "tau_h", "5*ms"));
    OK(snn_add_neurons(ctx, "H", 1, "dv/dt = -v/tau_h : volt", "v > 1.5*mV", "v = 0*mV", "1*ms", "exact"));
    OK(snn_add_synapses(ctx, "GH", "G", "H", NULL, "v_post += 1*mV", NULL, "i=[0, 1], j=0"));
    OK(snn_add_monitor(ctx, "spikemonitor", "SH", "H"));
    OK(snn_run_script(ctx));
    /* G is untouched by H: its spikes are the tutorial's */
    snn_ctx *ref = tutorial_file();
    ck_assert_int_eq(snn_run_script(ref), SNN_OK);
    same_spikes(ctx, ref, "SM", "SM");
    size_t n;
    OK(snn_spikes(ctx, "SH", NULL, NULL, &n));
    ck_assert_uint_gt(n, 0);
    ck_assert_str_eq(snn_methods(ctx), "G: euler\nH: exact\n");
    snn_free(ref);
    snn_free(ctx);
}
END_TEST

/* {====================================================================
 * Loading, building, running
 * ===================================================================== */

START_TEST(load_and_run)
{
    ck_assert_ptr_nonnull(snn_version());
    ck_assert_str_eq(snn_version(), SNN_VERSION_STRING);
    ck_assert_int_eq(SNN_VERSION_NUMBER, SNN_VERSION_MAJOR * 10000 + SNN_VERSION_MINOR * 100 + SNN_VERSION_PATCH);
    snn_free(NULL);
    snn_ctx *ctx = snn_new();
    ck_assert_int_eq(snn_load_file(ctx, "/nonexistent/x.snn"), SNN_EIO);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "cannot open"));
    ck_assert_int_eq(snn_run(ctx, 0.1), SNN_EMISUSE);
    ck_assert_int_eq(snn_run_steps(ctx, 10), SNN_EMISUSE);
    ck_assert_int_eq(snn_run_script(ctx), SNN_EMISUSE);
    ck_assert_int_eq(snn_build(ctx), SNN_EMISUSE);
    ck_assert(snn_time(ctx) == 0 && snn_dt(ctx) == 0);
    OK(snn_set_seed(ctx, 7));
    OK(snn_load_file(ctx, test_path(TUTORIAL)));
    ck_assert_int_eq(snn_load_file(ctx, test_path(TUTORIAL)), SNN_EMISUSE);
    ck_assert_int_eq(snn_set_override(ctx, "w_gi=1*nS"), SNN_EMISUSE);
    ck_assert(snn_dt(ctx) == 1e-4);
    OK(snn_build(ctx));
    OK(snn_build(ctx));                    /* nothing to do */
    ck_assert_int_eq(snn_run(ctx, -1), SNN_EMISUSE);
    ck_assert_int_eq(snn_run(ctx, 0.0 / 0.0), SNN_EMISUSE);
    ck_assert_int_eq(snn_run_steps(ctx, -1), SNN_EMISUSE);
    OK(snn_run(ctx, 0));
    ck_assert(snn_time(ctx) == 0);
    OK(snn_run_steps(ctx, 250));
    ck_assert_double_eq_tol(snn_time(ctx), 0.025, 1e-12);
    OK(snn_run(ctx, 0.025));
    OK(snn_run(ctx, 0.05));
    ck_assert_double_eq_tol(snn_time(ctx), 0.1, 1e-12);
    /* 4 runs equal one of 100 ms */
    snn_ctx *one = tutorial_file();
    ck_assert_int_eq(snn_run(one, 0.1), SNN_OK);
    same_spikes(ctx, one, "SM", "SM");
    same_var(ctx, one, "G", "v");
    double p, e, j, s;
    snn_timings(ctx, &p, &e, &j, &s);
    ck_assert(p > 0 && e > 0 && j > 0 && s > 0);
    snn_free(one);
    snn_free(ctx);
    ck_assert_int_eq(snn_run(NULL, 1), SNN_EMISUSE);
    ck_assert_int_eq(snn_run_steps(NULL, 1), SNN_EMISUSE);
    ck_assert_int_eq(snn_build(NULL), SNN_EMISUSE);
    ck_assert_int_eq(snn_set_seed(NULL, 1), SNN_EMISUSE);
    ck_assert(snn_time(NULL) == 0 && snn_dt(NULL) == 0);
}
END_TEST

/* Overrides before loading set a constant; the dimension must match. */
START_TEST(overrides)
{
    snn_ctx *ctx = snn_new();
    OK(snn_set_override(ctx, "a=2*ms"));
    const char *src = "a = 1*ms\nb = 3*a\n";
    OK(snn_load_string(ctx, src, strlen(src), "ab.snn"));
    double a;
    OK(snn_get_const(ctx, "a", &a));
    ck_assert_double_eq_tol(a, 2e-3, 1e-15);
    snn_free(ctx);
    ctx = snn_new();
    OK(snn_set_override(ctx, "a=2*mV"));
    ck_assert_int_eq(snn_load_string(ctx, src, strlen(src), "ab.snn"), SNN_EUNITS);
    snn_free(ctx);
}
END_TEST

/* {====================================================================
 * State and constants
 * ===================================================================== */

START_TEST(variables)
{
    snn_ctx *ctx = tutorial_file();
    size_t n;
    double *v = snn_var(ctx, "G", "v", &n);
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(n, 3);
    ck_assert_double_eq_tol(v[0], -0.07, 1e-15);
    ck_assert_int_eq(snn_group_size(ctx, "G"), 3);
    ck_assert_int_eq(snn_group_size(ctx, "Se"), 1);
    ck_assert_int_eq(snn_group_size(ctx, "Nope"), -1);
    ck_assert_int_eq(snn_group_size(ctx, NULL), -1);
    ck_assert_int_eq(snn_group_size(NULL, "G"), -1);
    /* names */
    ck_assert_str_eq(snn_var_name(ctx, "G", 0), "v");
    int nv = 0;
    while (snn_var_name(ctx, "G", nv)) nv++;
    ck_assert_int_ge(nv, 4);
    ck_assert_ptr_null(snn_var_name(ctx, "G", -1));
    ck_assert_ptr_null(snn_var_name(ctx, "Nope", 0));
    ck_assert_ptr_null(snn_var_name(NULL, "G", 0));
    /* get / set */
    double buf[3], one = -0.05, three[3] = { -0.05, -0.06, -0.065 };
    OK(snn_get_var(ctx, "G", "I", buf, 3));
    ck_assert_double_eq_tol(buf[0], 0.7e-9, 1e-20);
    ck_assert_int_eq(snn_get_var(ctx, "G", "I", buf, 2), SNN_EMISUSE);
    ck_assert_int_eq(snn_get_var(ctx, "G", "I", NULL, 3), SNN_EMISUSE);
    ck_assert_int_eq(snn_get_var(ctx, "G", "nope", buf, 3), SNN_ENOTFOUND);
    ck_assert_int_eq(snn_get_var(ctx, "Nope", "v", buf, 3), SNN_ENOTFOUND);
    ck_assert_int_eq(snn_get_var(ctx, "G", NULL, buf, 3), SNN_EMISUSE);
    ck_assert_int_eq(snn_get_var(NULL, "G", "v", buf, 3), SNN_EMISUSE);
    OK(snn_set_var(ctx, "G", "v", &one, 1));
    ck_assert(v[0] == -0.05 && v[1] == -0.05 && v[2] == -0.05);
    OK(snn_set_var(ctx, "G", "v", three, 3));
    ck_assert(v[2] == -0.065);
    ck_assert_int_eq(snn_set_var(ctx, "G", "v", three, 2), SNN_EMISUSE);
    ck_assert_int_eq(snn_set_var(ctx, "G", "v", NULL, 1), SNN_EMISUSE);
    ck_assert_int_eq(snn_set_var(ctx, "G", "nope", three, 3), SNN_ENOTFOUND);
    ck_assert_int_eq(snn_set_var(NULL, "G", "v", three, 3), SNN_EMISUSE);
    ck_assert_ptr_null(snn_var(ctx, "G", "nope", &n));
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "no variable 'nope'"));
    ck_assert_ptr_null(snn_var(NULL, "G", "v", &n));
    /* per-synapse variables of synapses with a model */
    snn_ctx *s = snn_new();
    const char *m = "neurons A[2] { model { dv/dt = -v/(10*ms) : volt } threshold: v > 1*mV reset: v = 0*mV }\n"
                    "synapses S(A -> A) { model { w : volt } on_pre: v_post += w  connect(p=1) }\n";
    ck_assert_int_eq(snn_load_string(s, m, strlen(m), "syn.snn"), SNN_OK);
    double w[4] = { 1e-3, 2e-3, 3e-3, 4e-3 };
    ck_assert_int_eq(snn_set_var(s, "S", "w", w, 4), SNN_OK);
    size_t nw;
    double *pw = snn_var(s, "S", "w", &nw);
    ck_assert_uint_eq(nw, 4);
    ck_assert(pw[3] == 4e-3);
    snn_free(s);
    snn_free(ctx);
}
END_TEST

/* A constant changed between runs takes effect without recompiling, and
 * gives what an override would have given. */
START_TEST(constants)
{
    snn_ctx *ctx = tutorial_file();
    double x;
    OK(snn_get_const(ctx, "w_gi", &x));
    ck_assert(x == 0);
    OK(snn_run(ctx, 0.05));
    double p0, e0, j0, s0;
    snn_timings(ctx, &p0, &e0, &j0, &s0);
    const char *code = snn_generated_code(ctx);
    OK(snn_set_const(ctx, "w_gi", 0.5e-9));
    OK(snn_get_const(ctx, "w_gi", &x));
    ck_assert(x == 0.5e-9);
    OK(snn_run(ctx, 0.05));
    ck_assert_ptr_eq(snn_generated_code(ctx), code);     /* not recompiled */
    /* the same as setting it at t = 50 ms in a callback-free reference */
    snn_ctx *ref = tutorial_file();
    ck_assert_int_eq(snn_run(ref, 0.05), SNN_OK);
    ck_assert_int_eq(snn_set_const(ref, "w_gi", 0.5e-9), SNN_OK);
    ck_assert_int_eq(snn_run(ref, 0.05), SNN_OK);
    same_spikes(ctx, ref, "SM", "SM");
    snn_free(ref);
    /* before the build it acts as an override (init, everything) */
    ref = snn_new();
    ck_assert_int_eq(snn_set_override(ref, "w_gi=0.5*nS"), SNN_OK);
    ck_assert_int_eq(snn_load_file(ref, test_path(TUTORIAL)), SNN_OK);
    ck_assert_int_eq(snn_run(ref, 0.1), SNN_OK);
    snn_ctx *set = tutorial_file();
    ck_assert_int_eq(snn_set_const(set, "w_gi", 0.5e-9), SNN_OK);
    ck_assert_int_eq(snn_run(set, 0.1), SNN_OK);
    same_spikes(set, ref, "SM", "SM");
    size_t n;
    ck_assert_int_eq(snn_spikes(set, "SM", NULL, NULL, &n), SNN_OK);
    ck_assert_uint_eq(n, 33);                    /* Brian2's count for w_gi = 0.5 nS */
    snn_free(set);
    snn_free(ref);
    /* errors */
    ck_assert_int_eq(snn_get_const(ctx, "nope", &x), SNN_ENOTFOUND);
    ck_assert_int_eq(snn_set_const(ctx, "nope", 1), SNN_ENOTFOUND);
    ck_assert_int_eq(snn_get_const(ctx, NULL, &x), SNN_EMISUSE);
    ck_assert_int_eq(snn_get_const(ctx, "w_gi", NULL), SNN_EMISUSE);
    ck_assert_int_eq(snn_set_const(ctx, NULL, 1), SNN_EMISUSE);
    ck_assert_int_eq(snn_get_const(NULL, "w_gi", &x), SNN_EMISUSE);
    ck_assert_int_eq(snn_set_const(NULL, "w_gi", 1), SNN_EMISUSE);
    snn_free(ctx);
    ctx = snn_new();
    ck_assert_int_eq(snn_get_const(ctx, "w_gi", &x), SNN_EMISUSE);
    ck_assert_int_eq(snn_set_const(ctx, "w_gi", 1), SNN_EMISUSE);
    snn_free(ctx);
}
END_TEST

/* {====================================================================
 * Rebuilding after a change of the model
 * ===================================================================== */

/* Adding a group after 50 ms recompiles; time, the state of G, its spike
 * queues and the monitors carry over, so G continues as if nothing happened;
 * the new group starts from its initial values. */
START_TEST(rebuild_keeps_state)
{
    snn_ctx *ctx = tutorial_file();
    OK(snn_run(ctx, 0.05));
    const char *code = snn_generated_code(ctx);
    ck_assert_ptr_nonnull(code);
    OK(snn_add_neurons(ctx, "H", 2, "dv/dt = (1*mV - v)/(10*ms) : volt", NULL, NULL, NULL, "exact"));
    OK(snn_add_monitor(ctx, "statemonitor", "MH", "H.v, record=all"));
    OK(snn_run(ctx, 0.05));
    ck_assert_double_eq_tol(snn_time(ctx), 0.1, 1e-12);
    double p, e, j, s;
    snn_timings(ctx, &p, &e, &j, &s);
    ck_assert_msg(p + e + j < 0.2, "recompiling took %g s", p + e + j);
    snn_ctx *ref = tutorial_file();
    ck_assert_int_eq(snn_run(ref, 0.1), SNN_OK);
    same_spikes(ctx, ref, "SM", "SM");
    same_var(ctx, ref, "G", "v");
    same_var(ctx, ref, "G", "ge");
    /* the state monitor of G kept its first 500 rows */
    const int64_t *st;
    size_t ns;
    const double *vals;
    int nidx, nvars;
    OK(snn_trace(ctx, "M", &st, &ns, &vals, NULL, &nidx, &nvars));
    ck_assert_uint_eq(ns, 1000);
    ck_assert_int_eq(st[999], 999);
    /* H ran only 50 ms from 0 mV toward 1 mV: 1 - exp(-5) */
    OK(snn_trace(ctx, "MH", &st, &ns, &vals, NULL, &nidx, &nvars));
    ck_assert_uint_eq(ns, 500);
    ck_assert_int_eq(st[0], 500);
    double *vh = snn_var(ctx, "H", "v", NULL);
    ck_assert_double_eq_tol(vh[0], 1e-3 * (1 - exp(-5.0)), 1e-9);
    snn_free(ref);
    snn_free(ctx);
}
END_TEST

/* {====================================================================
 * Callbacks
 * ===================================================================== */

typedef struct Log {
    int     calls[6];
    int64_t last_step[6];
    char    order[64];
    int     norder;
    int     stop_at;
    int     misuse;
} Log;

static int log_slot(snn_ctx *ctx, void *ud, int slot)
{
    Log *l = ud;
    l->calls[slot]++;
    l->last_step[slot] = (int64_t)(snn_time(ctx) / snn_dt(ctx) + 0.5);
    if (l->norder < 63 && l->last_step[slot] == 0) l->order[l->norder++] = (char)('0' + slot);
    return l->stop_at && l->calls[slot] == l->stop_at;
}

static int cb0(snn_ctx *c, void *u) { return log_slot(c, u, 0); }
static int cb1(snn_ctx *c, void *u) { return log_slot(c, u, 1); }
static int cb2(snn_ctx *c, void *u) { return log_slot(c, u, 2); }
static int cb3(snn_ctx *c, void *u) { return log_slot(c, u, 3); }
static int cb4(snn_ctx *c, void *u) { return log_slot(c, u, 4); }
static int cb5(snn_ctx *c, void *u) { return log_slot(c, u, 5); }

START_TEST(callbacks_slots)
{
    snn_ctx *ctx = tutorial_file();
    Log log = { 0 };
    snn_callback fns[6] = { cb5, cb3, cb1, cb0, cb4, cb2 };
    int slots[6] = { 5, 3, 1, 0, 4, 2 };
    for (int k = 0; k < 6; k++) OK(snn_add_callback(ctx, slots[k], 1, fns[k], &log));
    OK(snn_run_steps(ctx, 100));
    log.order[log.norder] = 0;
    ck_assert_str_eq(log.order, "012345");        /* schedule order within a step */
    for (int k = 0; k < 6; k++) ck_assert_int_eq(log.calls[k], 100);
    ck_assert_int_eq(log.last_step[5], 99);
    /* every N steps: steps 0, 7, 14, ... */
    OK(snn_clear_callbacks(ctx));
    memset(&log, 0, sizeof log);
    OK(snn_add_callback(ctx, SNN_SLOT_END, 7, cb5, &log));
    OK(snn_run_steps(ctx, 100));                  /* steps 100..199: 105, ..., 196 */
    ck_assert_int_eq(log.calls[5], 14);
    ck_assert_int_eq(log.last_step[5], 196);
    /* stop: the run ends after the step of the callback that returned 1 */
    OK(snn_clear_callbacks(ctx));
    memset(&log, 0, sizeof log);
    log.stop_at = 3;
    OK(snn_add_callback(ctx, SNN_SLOT_GROUPS, 10, cb1, &log));
    OK(snn_run(ctx, 1.0));
    ck_assert_int_eq(log.last_step[1], 220);
    ck_assert_double_eq_tol(snn_time(ctx), 0.0221, 1e-12);
    /* misuse */
    ck_assert_int_eq(snn_add_callback(ctx, -1, 1, cb0, NULL), SNN_EMISUSE);
    ck_assert_int_eq(snn_add_callback(ctx, 6, 1, cb0, NULL), SNN_EMISUSE);
    ck_assert_int_eq(snn_add_callback(ctx, 0, 0, cb0, NULL), SNN_EMISUSE);
    ck_assert_int_eq(snn_add_callback(ctx, 0, 1, NULL, NULL), SNN_EMISUSE);
    ck_assert_int_eq(snn_add_callback(NULL, 0, 1, cb0, NULL), SNN_EMISUSE);
    ck_assert_int_eq(snn_clear_callbacks(NULL), SNN_EMISUSE);
    snn_free(ctx);
}
END_TEST

/* What a callback may and may not do. */
static int misuse_cb(snn_ctx *ctx, void *ud)
{
    Log *l = ud;
    snn_snapshot *s = NULL;
    l->misuse += snn_run(ctx, 0.001) == SNN_EMISUSE;
    l->misuse += snn_run_steps(ctx, 1) == SNN_EMISUSE;
    l->misuse += snn_add_const(ctx, "zz", "1") == SNN_EMISUSE;
    l->misuse += snn_add_callback(ctx, 0, 1, misuse_cb, ud) == SNN_EMISUSE;
    l->misuse += snn_clear_callbacks(ctx) == SNN_EMISUSE;
    l->misuse += snn_snapshot_take(ctx, &s) == SNN_EMISUSE;
    l->misuse += snn_load_string(ctx, "x = 1", 5, "x") == SNN_EMISUSE;
    /* allowed: reading and writing state */
    double I = 0.6e-9;
    l->misuse += 10 * (snn_set_var(ctx, "G", "I", &I, 1) == SNN_OK);
    return 1;
}

START_TEST(callbacks_misuse)
{
    snn_ctx *ctx = tutorial_file();
    Log log = { 0 };
    OK(snn_add_callback(ctx, SNN_SLOT_START, 1, misuse_cb, &log));
    OK(snn_run(ctx, 0.1));
    ck_assert_int_eq(log.misuse, 17);
    ck_assert_double_eq_tol(snn_time(ctx), 1e-4, 1e-15);
    snn_free(ctx);
}
END_TEST

/* Current injected from a callback equals the current set beforehand. */
typedef struct Inject { double I; int calls; } Inject;

static int inject_cb(snn_ctx *ctx, void *ud)
{
    Inject *in = ud;
    double *I = snn_var(ctx, "G", "I", NULL);
    if (!I) return 1;
    I[2] = in->I;
    in->calls++;
    return 0;
}

START_TEST(callbacks_inject_current)
{
    snn_ctx *ctx = tutorial_file();
    Inject in = { 0.6e-9, 0 };
    OK(snn_add_callback(ctx, SNN_SLOT_START, 50, inject_cb, &in));
    OK(snn_run(ctx, 0.1));
    ck_assert_int_eq(in.calls, 20);
    snn_ctx *ref = tutorial_file();
    double I[3] = { 0.7e-9, 0.5e-9, 0.6e-9 };
    ck_assert_int_eq(snn_set_var(ref, "G", "I", I, 3), SNN_OK);
    ck_assert_int_eq(snn_run(ref, 0.1), SNN_OK);
    same_spikes(ctx, ref, "SM", "SM");
    /* callbacks survive a rebuild */
    OK(snn_add_const(ctx, "unused", "1*mV"));
    OK(snn_run(ctx, 0.01));
    ck_assert_int_eq(in.calls, 22);
    snn_free(ref);
    snn_free(ctx);
}
END_TEST

/* {====================================================================
 * Added spikes
 * ===================================================================== */

START_TEST(added_spikes)
{
    const char *m = "neurons A[3] { model { dv/dt = -v/(10*ms) : volt } threshold: v > 10*mV reset: v = -1*mV "
                    "refractory: 5*ms }\n"
                    "neurons B[1] { model { dv/dt = -v/(10*ms) : volt } }\n"
                    "synapses S(A -> B) { on_pre: v_post += 1*mV  connect(i=[0, 1, 2], j=0) }\n"
                    "spikemonitor SA(A)\n";
    snn_ctx *ctx = snn_new();
    OK(snn_load_string(ctx, m, strlen(m), "inj.snn"));
    int32_t idx[4] = { 2, 0, 2, 1 };
    double t[4] = { 1e-3, 1e-3, 0.5e-3, 3.05e-3 };
    OK(snn_add_spikes(ctx, "A", idx, t, 4));
    OK(snn_run(ctx, 0.01));
    const int32_t *i;
    const int64_t *s;
    size_t n;
    OK(snn_spikes(ctx, "SA", &i, &s, &n));
    ck_assert_uint_eq(n, 4);
    ck_assert(i[0] == 2 && s[0] == 5);
    ck_assert(i[1] == 0 && s[1] == 10 && i[2] == 2 && s[2] == 10);
    ck_assert(i[3] == 1 && s[3] == 30);        /* Brian2's timestep(): 3.05 ms is step 30 */
    /* the resets ran, and the spikes were delivered (4 x 1 mV, decayed) */
    double *va = snn_var(ctx, "A", "v", NULL), *vb = snn_var(ctx, "B", "v", NULL);
    ck_assert(va[0] < 0 && va[1] < 0 && va[2] < 0);
    /* 1 mV at steps 5, 10, 10, 30, decaying with 10 ms until step 100 */
    double want = 1e-3 * (exp(-0.95) + 2 * exp(-0.9) + exp(-0.7));
    ck_assert_msg(fabs(vb[0] - want) < 0.02e-3, "B.v = %g, want %g", vb[0], want);
    double *ls = snn_var(ctx, "A", "lastspike", NULL);
    ck_assert_double_eq_tol(ls[1], 3.0e-3, 1e-12);
    /* errors: past, bad index, bad group, not neurons */
    double past = 1e-3, fut = 0.02;
    int32_t zero = 0, bad = 3;
    ck_assert_int_eq(snn_add_spikes(ctx, "A", &zero, &past, 1), SNN_EMISUSE);
    ck_assert_int_eq(snn_add_spikes(ctx, "A", &bad, &fut, 1), SNN_EMISUSE);
    ck_assert_int_eq(snn_add_spikes(ctx, "Nope", &zero, &fut, 1), SNN_ENOTFOUND);
    ck_assert_int_eq(snn_add_spikes(ctx, "S", &zero, &fut, 1), SNN_EMISUSE);
    ck_assert_int_eq(snn_add_spikes(ctx, "A", NULL, &fut, 1), SNN_EMISUSE);
    ck_assert_int_eq(snn_add_spikes(ctx, NULL, &zero, &fut, 1), SNN_EMISUSE);
    ck_assert_int_eq(snn_add_spikes(NULL, "A", &zero, &fut, 1), SNN_EMISUSE);
    OK(snn_add_spikes(ctx, "A", &zero, &fut, 0));
    snn_free(ctx);
}
END_TEST

/* {====================================================================
 * Results
 * ===================================================================== */

START_TEST(results)
{
    snn_ctx *ctx = tutorial_file();
    OK(snn_run_script(ctx));
    const int64_t *st;
    size_t ns;
    const double *vals;
    const int32_t *idx;
    int nidx, nvars;
    OK(snn_trace(ctx, "M", &st, &ns, &vals, &idx, &nidx, &nvars));
    ck_assert_uint_eq(ns, 1000);
    ck_assert_int_eq(nidx, 3);
    ck_assert_int_eq(nvars, 1);
    ck_assert_int_eq(idx[2], 2);
    ck_assert_double_eq_tol(vals[0], -0.07, 1e-15);     /* v of neuron 0 at step 0 */
    ck_assert_str_eq(snn_trace_var(ctx, "M", 0), "v");
    ck_assert_ptr_null(snn_trace_var(ctx, "M", 1));
    ck_assert_ptr_null(snn_trace_var(ctx, "SM", 0));
    ck_assert_int_eq(snn_trace(ctx, "SM", &st, &ns, &vals, &idx, &nidx, &nvars), SNN_ENOTFOUND);
    ck_assert_int_eq(snn_trace(ctx, NULL, &st, &ns, &vals, &idx, &nidx, &nvars), SNN_EMISUSE);
    ck_assert_int_eq(snn_trace(NULL, "M", &st, &ns, &vals, &idx, &nidx, &nvars), SNN_EMISUSE);
    OK(snn_trace(ctx, "M", NULL, NULL, NULL, NULL, NULL, NULL));
    ck_assert_int_eq(snn_spikes(ctx, "M", NULL, NULL, NULL), SNN_ENOTFOUND);
    ck_assert_int_eq(snn_spikes(ctx, NULL, NULL, NULL, NULL), SNN_EMISUSE);
    ck_assert_int_eq(snn_spikes(NULL, "SM", NULL, NULL, NULL), SNN_EMISUSE);
    /* the values are the CSV's */
    char *dir = test_tmpdir();
    OK(snn_write_outputs(ctx, dir));
    char path[600];
    snprintf(path, sizeof path, "%s/M.csv", dir);
    char *csv = test_read_file(path, NULL);
    ck_assert_ptr_nonnull(csv);
    char *row = strchr(csv, '\n') + 1;
    row = strchr(row, '\n') + 1;               /* step 1 */
    double t, v0;
    ck_assert_int_eq(sscanf(row, "%lf,%lf", &t, &v0), 2);
    ck_assert(v0 == vals[3]);
    free(csv);
    ck_assert_int_eq(snn_write_outputs(ctx, NULL), SNN_EMISUSE);
    ck_assert_int_eq(snn_write_outputs(ctx, "/proc/nope/x"), SNN_EIO);
    ck_assert_int_eq(snn_write_outputs(NULL, dir), SNN_EMISUSE);
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(path), 0);
    free(dir);
    ck_assert_ptr_nonnull(strstr(snn_summary(ctx), "SM: 34 spikes"));
    ck_assert_str_eq(snn_summary(NULL), "");
    ck_assert_ptr_nonnull(strstr(snn_generated_code(ctx), "snn_G_update"));
    ck_assert_ptr_null(snn_generated_code(NULL));
    ck_assert_str_eq(snn_methods(NULL), "");
    /* clearing the monitors */
    OK(snn_clear_monitors(ctx));
    OK(snn_spikes(ctx, "SM", NULL, NULL, &ns));
    ck_assert_uint_eq(ns, 0);
    OK(snn_run(ctx, 0.01));
    OK(snn_trace(ctx, "M", &st, &ns, NULL, NULL, NULL, NULL));
    ck_assert_uint_eq(ns, 100);
    ck_assert_int_eq(st[0], 1000);
    ck_assert_int_eq(snn_clear_monitors(NULL), SNN_EMISUSE);
    snn_free(ctx);
    ctx = snn_new();
    ck_assert_int_eq(snn_clear_monitors(ctx), SNN_EMISUSE);
    ck_assert_int_eq(snn_monitor_count(ctx), 0);
    ck_assert_int_eq(snn_monitor_count(NULL), 0);
    snn_free(ctx);
}
END_TEST

/* {====================================================================
 * Errors
 * ===================================================================== */

typedef struct CbText { int n; char text[4096]; } CbText;

static void on_error(void *ud, const char *rendered)
{
    CbText *t = ud;
    t->n++;
    strncat(t->text, rendered, sizeof t->text - strlen(t->text) - 1);
}

/* Diagnostics from several chunks name their chunk; the callback sees what
 * snn_errmsg gives; the library prints nothing. */
START_TEST(error_reporting)
{
    snn_ctx *ctx = snn_new();
    CbText t = { 0, "" };
    snn_set_error_cb(ctx, on_error, &t);
    OK(snn_add_const(ctx, "tau", "10*ms"));
    const char *src = "x = 1*mV\ny = x + tau\nz = q\n";
    ck_assert_int_eq(snn_load_string(ctx, src, strlen(src), "two.snn"), SNN_EUNITS);
    ck_assert_int_eq(snn_diag_count(ctx), 2);
    const char *file, *msg;
    int line, col;
    OK(snn_diag_get(ctx, 0, &file, &line, &col, &msg));
    ck_assert_str_eq(file, "two.snn");
    ck_assert_int_eq(line, 2);
    ck_assert_int_eq(col, 5);
    OK(snn_diag_get(ctx, 1, &file, &line, &col, NULL));
    ck_assert_int_eq(line, 3);
    ck_assert_int_eq(snn_diag_get(ctx, 2, &file, &line, &col, &msg), SNN_EMISUSE);
    ck_assert_int_eq(snn_diag_get(NULL, 0, &file, &line, &col, &msg), SNN_EMISUSE);
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "two.snn:2:5: error: "));
    ck_assert_ptr_nonnull(strstr(snn_errmsg(ctx), "    y = x + tau\n        ^~~~~~~\n"));
    ck_assert_int_eq(t.n, 2);
    ck_assert_str_eq(t.text, snn_errmsg(ctx));
    /* a failed load loads nothing: loading again works */
    OK(snn_load_string(ctx, "x = 1*ms\n", 9, "ok.snn"));
    ck_assert_str_eq(snn_errmsg(ctx), "");
    snn_set_error_cb(ctx, NULL, NULL);
    snn_set_error_cb(NULL, NULL, NULL);
    ck_assert_str_eq(snn_errmsg(NULL), "no context");
    ck_assert_int_eq(snn_diag_count(NULL), 0);
    snn_free(ctx);
}
END_TEST

/* {====================================================================
 * Two networks in one process
 * ===================================================================== */

START_TEST(two_networks_interleaved)
{
    snn_ctx *a = tutorial_file(), *b = tutorial_in_code();
    snn_ctx *ctx = b;
    OK(snn_set_const(b, "w_gi", 0.5e-9));
    OK(snn_set_seed(b, 99));
    for (int k = 0; k < 10; k++) {
        ck_assert_int_eq(snn_run(a, 0.01), SNN_OK);
        ck_assert_int_eq(snn_run(b, 0.01), SNN_OK);
        if (k == 4) OK(snn_add_const(b, "extra", "1*ms"));      /* rebuild b only */
    }
    snn_ctx *ra = tutorial_file(), *rb = tutorial_in_code();
    ck_assert_int_eq(snn_run(ra, 0.1), SNN_OK);
    ck_assert_int_eq(snn_set_const(rb, "w_gi", 0.5e-9), SNN_OK);
    ck_assert_int_eq(snn_run(rb, 0.1), SNN_OK);
    same_spikes(a, ra, "SM", "SM");
    same_spikes(b, rb, "SM", "SM");
    size_t n;
    ck_assert_int_eq(snn_spikes(b, "SM", NULL, NULL, &n), SNN_OK);
    ck_assert_uint_eq(n, 33);
    snn_free(a);
    snn_free(b);
    snn_free(ra);
    snn_free(rb);
}
END_TEST

/* Two contexts built and run at the same time in two threads, a random
 * network each, give what they give alone. */
static const char noisy[] =
    "neurons P[50] { model { dv/dt = (-v + 12*mV)/(10*ms) + 3*mV*xi/sqrt(10*ms) : volt } "
    "threshold: v > 10*mV  reset: v = 0*mV  method: euler }\n"
    "synapses S(P -> P) { on_pre: v_post += 0.2*mV  connect(p=0.1) }\n"
    "spikemonitor SM(P)\n";

static void *run_noisy(void *arg)
{
    snn_ctx *ctx = arg;
    if (snn_load_string(ctx, noisy, strlen(noisy), "noisy.snn") || snn_run(ctx, 0.2)) return arg;
    return NULL;
}

START_TEST(two_networks_threads)
{
    snn_ctx *c[2] = { snn_new(), snn_new() };
    snn_set_seed(c[0], 1);
    snn_set_seed(c[1], 2);
    pthread_t th[2];
    for (int k = 0; k < 2; k++) ck_assert_int_eq(pthread_create(&th[k], NULL, run_noisy, c[k]), 0);
    for (int k = 0; k < 2; k++) {
        void *r;
        pthread_join(th[k], &r);
        ck_assert_ptr_null(r);
    }
    for (int k = 0; k < 2; k++) {
        snn_ctx *alone = snn_new();
        snn_set_seed(alone, (uint64_t)k + 1);
        ck_assert_ptr_null(run_noisy(alone));
        same_spikes(c[k], alone, "SM", "SM");
        snn_free(alone);
    }
    size_t n0, n1;
    snn_spikes(c[0], "SM", NULL, NULL, &n0);
    snn_spikes(c[1], "SM", NULL, NULL, &n1);
    ck_assert_uint_ne(n0, n1);                  /* different seeds, different networks */
    snn_free(c[0]);
    snn_free(c[1]);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("embed");
    TCase *tc = tcase_create("code");
    tcase_add_test(tc, code_equals_file);
    tcase_add_test(tc, model_source_roundtrip);
    tcase_add_test(tc, add_diagnostics);
    tcase_add_test(tc, add_misuse);
    tcase_add_test(tc, add_input_and_monitors);
    tcase_add_test(tc, items);
    tcase_add_test(tc, mix_file_and_code);
    suite_add_tcase(s, tc);
    tc = tcase_create("run");
    tcase_add_test(tc, load_and_run);
    tcase_add_test(tc, overrides);
    tcase_add_test(tc, variables);
    tcase_add_test(tc, constants);
    tcase_add_test(tc, rebuild_keeps_state);
    suite_add_tcase(s, tc);
    tc = tcase_create("callbacks");
    tcase_add_test(tc, callbacks_slots);
    tcase_add_test(tc, callbacks_misuse);
    tcase_add_test(tc, callbacks_inject_current);
    tcase_add_test(tc, added_spikes);
    suite_add_tcase(s, tc);
    tc = tcase_create("results");
    tcase_add_test(tc, results);
    tcase_add_test(tc, error_reporting);
    suite_add_tcase(s, tc);
    tc = tcase_create("two");
    tcase_add_test(tc, two_networks_interleaved);
    tcase_add_test(tc, two_networks_threads);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
