/* SPDX-License-Identifier: MIT */
/* This file contains the tests of the C emitter.  Golden fixtures: every
 * tests/emit/X.snn (and the examples listed in `examples`) must generate
 * exactly the C text in tests/emit/X.c.expected, as 'snnc emit' prints it
 * from the checkout's top directory; set SNN_GOLDEN_UPDATE=1 to rewrite the
 * .expected files after reviewing a change of the generated code.  Then the
 * compiled blocks are called directly with hand-made snn_args and their
 * effect compared with the same arithmetic done here. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "emit.h"
#include "jit.h"
#include "snn.h"
#include "test-common.h"

static snn_ctx *ctx;
static const char *code;

static void teardown(void)
{
    snn_free(ctx);
    ctx = NULL;
    code = NULL;
}

/* Load model text under the name file and return its generated C. */
static const char *emit(const char *text, const char *file)
{
    snn_free(ctx);
    ctx = snn_new();
    ck_assert_ptr_nonnull(ctx);
    int rc = snn_load_string(ctx, text, strlen(text), file);
    ck_assert_msg(rc == SNN_OK, "load failed (%d): %s", rc, snn_errmsg(ctx));
    code = snn_generated_code(ctx);
    ck_assert_ptr_nonnull(code);
    return code;
}

static const char *tutorial(void)
{
    char *text = test_read_file(test_path("../examples/tutorial.snn"), NULL);
    ck_assert_ptr_nonnull(text);
    emit(text, "tutorial.snn");
    free(text);
    return code;
}

/* ---- golden fixtures ---- */

/* A fixture: the model (relative to the checkout's top directory, as the
 * generated code names it) and its expected C (relative to tests/). */
typedef struct Fixture {
    char *model, *expected;
} Fixture;

static Fixture *cases;
static int ncases;

/* Models of examples/ with a fixture tests/emit/example-NAME.c.expected. */
static const char *const examples[] = { "cuba", "tutorial" };

static int cmp(const void *a, const void *b)
{
    return strcmp(((const Fixture *)a)->model, ((const Fixture *)b)->model);
}

static void add_case(const char *model, const char *expected)
{
    cases = realloc(cases, sizeof *cases * (size_t)(ncases + 1));
    cases[ncases].model = strdup(model);
    cases[ncases++].expected = strdup(expected);
}

static void find_cases(void)
{
    char model[512], expected[512];
    DIR *d = opendir(test_path("emit"));
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n > 4 && !strcmp(e->d_name + n - 4, ".snn")) {
            snprintf(model, sizeof model, "tests/emit/%s", e->d_name);
            snprintf(expected, sizeof expected, "emit/%.*s.c.expected", (int)(n - 4), e->d_name);
            add_case(model, expected);
        }
    }
    if (d) closedir(d);
    qsort(cases, (size_t)ncases, sizeof *cases, cmp);
    for (size_t k = 0; k < sizeof examples / sizeof *examples; k++) {
        snprintf(model, sizeof model, "examples/%s.snn", examples[k]);
        snprintf(expected, sizeof expected, "emit/example-%s.c.expected", examples[k]);
        add_case(model, expected);
    }
}

/* The line number where a and b first differ, and that line of each. */
static void first_difference(const char *a, const char *b, int *line, char *la, char *lb, size_t size)
{
    *line = 1;
    const char *sa = a, *sb = b;
    while (*a && *a == *b) {
        if (*a == '\n') {
            (*line)++;
            sa = a + 1;
            sb = b + 1;
        }
        a++;
        b++;
    }
    snprintf(la, size, "%.*s", (int)strcspn(sa, "\n"), sa);
    snprintf(lb, size, "%.*s", (int)strcspn(sb, "\n"), sb);
}

START_TEST(golden_emit)
{
    const Fixture *f = &cases[_i];
    char rel[600];
    snprintf(rel, sizeof rel, "../%s", f->model);
    size_t len;
    char *src = test_read_file(test_path(rel), &len);
    ck_assert_msg(src != NULL, "cannot read %s", f->model);
    snn_ctx *c = snn_new();
    int rc = snn_load_string(c, src, len, f->model);
    ck_assert_msg(rc == SNN_OK, "%s: load failed (%d): %s", f->model, rc, snn_errmsg(c));
    const char *got = snn_generated_code(c);
    ck_assert_ptr_nonnull(got);
    const char *upd = getenv("SNN_GOLDEN_UPDATE");
    if (upd && *upd && strcmp(upd, "0")) {
        FILE *out = fopen(test_path(f->expected), "w");
        ck_assert_msg(out != NULL, "cannot write %s", f->expected);
        fputs(got, out);
        fclose(out);
    }
    char *want = test_read_file(test_path(f->expected), NULL);
    ck_assert_msg(want != NULL, "%s: missing tests/%s (SNN_GOLDEN_UPDATE=1 writes it)", f->model, f->expected);
    if (strcmp(got, want)) {
        int line;
        char lw[400], lg[400];
        first_difference(want, got, &line, lw, lg, sizeof lw);
        ck_abort_msg("%s: generated C differs from tests/%s at line %d\n--- expected\n%s\n--- got\n%s", f->model,
                     f->expected, line, lw, lg);
    }
    /* every '#line N "file"' names the model and a line it has */
    int nlines = 1;
    for (const char *p = src; *p; p++) nlines += *p == '\n';
    char want_line[600];
    snprintf(want_line, sizeof want_line, "\"%s\"\n", f->model);
    for (const char *p = got; (p = strstr(p, "\n#line ")); p++) {
        int n = atoi(p + 7);
        ck_assert_msg(n >= 1 && n <= nlines, "%s: #line %d", f->model, n);
        const char *q = strchr(p + 7, ' ');
        ck_assert_msg(q && !strncmp(q + 1, want_line, strlen(want_line)), "%s: #line names another file", f->model);
    }
    snn_free(c);
    free(want);
    free(src);
}
END_TEST

START_TEST(fixtures_cover)
{
    /* the kinds of block and construct the fixtures are meant to cover */
    static const char *const need[] = { "lif_refractory", "refractory_var", "refractory_cond", "stdp",
                                        "summed", "delay_hetero", "pathways", "run_regularly",
                                        "connect_rule", "timedarray", "userfunc", "subexpr" };
    for (size_t k = 0; k < sizeof need / sizeof *need; k++) {
        char model[128];
        snprintf(model, sizeof model, "tests/emit/%s.snn", need[k]);
        bool found = false;
        for (int c = 0; c < ncases; c++) found |= !strcmp(cases[c].model, model);
        ck_assert_msg(found, "no fixture %s", model);
    }
}
END_TEST

START_TEST(fn_names)
{
    Arena A;
    arena_init(&A);
    Group g = { 0 };
    g.name = "Exc";
    ck_assert_str_eq(emit_fn_name(&A, &g, "update"), "snn_Exc_update");
    ck_assert_str_eq(emit_fn_name(&A, &g, "on_post"), "snn_Exc_on_post");
    /* '_' in a group's or pathway's name is doubled: no two blocks meet */
    g.name = "S_path";
    ck_assert_str_eq(emit_fn_name(&A, &g, "init"), "snn_S__path_init");
    g.name = "S";
    ck_assert_str_eq(emit_fn_name(&A, &g, "path_init"), "snn_S_path_init");
    ck_assert_str_eq(emit_fn_name(&A, &g, "path_a_b"), "snn_S_path_a__b");
    arena_free(&A);
}
END_TEST

/* The emitted code compiles and its blocks compute what the model says. */
START_TEST(compiles_and_runs)
{
    tutorial();
    char err[2048];
    Jit *j = jit_compile(code, err, sizeof err);
    ck_assert_msg(j != NULL, "%s", err);
    snn_block_fn update = (snn_block_fn)jit_symbol(j, "snn_G_update");
    snn_block_fn thresh = (snn_block_fn)jit_symbol(j, "snn_G_thresh");
    snn_block_fn reset = (snn_block_fn)jit_symbol(j, "snn_G_reset");
    snn_block_fn init = (snn_block_fn)jit_symbol(j, "snn_G_init");
    snn_block_fn on_pre = (snn_block_fn)jit_symbol(j, "snn_Se_on_pre");
    ck_assert(update && thresh && reset && init && on_pre);
    ck_assert_ptr_null(jit_symbol(j, "snn_G_on_post"));

    /* constants: c, vl, gl, ge_tau, ve, gi_tau, vi, w_ge, w_gi */
    const double k[9] = { 100e-12, -70e-3, 5e-9, 20e-3, 0, 100e-3, -80e-3, 1e-9, 0.5e-9 };
    double v[3] = { 0 }, ge[3] = { 1e-9, 2e-9, 0 }, gi[3] = { 0, 1e-9, 3e-9 }, I[3] = { 0 };
    double *const arr[4] = { v, ge, gi, I };
    snn_args a;
    memset(&a, 0, sizeof a);
    a.v = arr;
    a.k = k;
    a.n = 3;
    a.dt = 1e-4;
    ck_assert_int_eq(init(&a), 0);
    ck_assert_double_eq(I[0], 0.7 * 1e-9);
    ck_assert_double_eq(I[1], 0.5 * 1e-9);
    ck_assert_double_eq(v[2], -70 * 1e-3);

    double want_v[3], want_ge[3];
    for (int q = 0; q < 3; q++) {
        want_v[q] = v[q] - a.dt * (k[2] * (v[q] - k[1]) + ge[q] * (v[q] - k[4]) + gi[q] * (v[q] - k[6]) - I[q]) / k[0];
        want_ge[q] = ge[q] - a.dt * ge[q] / k[3];
    }
    ck_assert_int_eq(update(&a), 0);
    for (int q = 0; q < 3; q++) {
        ck_assert_double_eq_tol(v[q], want_v[q], 1e-15);
        ck_assert_double_eq_tol(ge[q], want_ge[q], 1e-22);
    }

    /* threshold: v > -40 mV, indices in order */
    v[0] = -30e-3;
    v[1] = -50e-3;
    v[2] = -39.9e-3;
    int32_t out[3] = { -1, -1, -1 };
    a.out = out;
    ck_assert_int_eq(thresh(&a), 2);
    ck_assert_int_eq(out[0], 0);
    ck_assert_int_eq(out[1], 2);

    /* reset only the listed neurons */
    a.idx = out;
    a.nidx = 1;
    ck_assert_int_eq(reset(&a), 0);
    ck_assert_double_eq(v[0], k[1]);
    ck_assert_double_eq(v[2], -39.9e-3);

    /* on_pre adds w_ge to ge of the target of each listed synapse */
    const int32_t syn_pre[2] = { 0, 1 }, syn_post[2] = { 2, 0 }, ids[2] = { 1, 0 };
    snn_args p;
    memset(&p, 0, sizeof p);
    p.k = k;
    p.pre = arr;
    p.post = arr;
    p.syn_pre = syn_pre;
    p.syn_post = syn_post;
    p.idx = ids;
    p.nidx = 2;
    p.n = 2;
    double ge0 = ge[0], ge2 = ge[2], ge1 = ge[1];
    ck_assert_int_eq(on_pre(&p), 0);
    ck_assert_double_eq(ge[0], ge0 + k[7]);
    ck_assert_double_eq(ge[2], ge2 + k[7]);
    ck_assert_double_eq(ge[1], ge1);

    /* with no list, the synapses of the range [lo, hi): synapse 1 only */
    p.idx = NULL;
    p.nidx = 0;
    p.lo = 1;
    p.hi = 2;
    ge0 = ge[0], ge2 = ge[2], ge1 = ge[1];
    ck_assert_int_eq(on_pre(&p), 0);
    ck_assert_double_eq(ge[0], ge0 + k[7]);
    ck_assert_double_eq(ge[2], ge2);
    ck_assert_double_eq(ge[1], ge1);
    jit_free(j);
}
END_TEST

START_TEST(random_call_sites)
{
    emit("neurons G[4] {\n"
         "    model {\n"
         "        x : 1\n"
         "        y : 1\n"
         "    }\n"
         "    init {\n"
         "        x = rand()\n"
         "        y = randn() + rand()\n"
         "    }\n"
         "}\n",
         "rand.snn");
    char err[1024];
    Jit *j = jit_compile(code, err, sizeof err);
    ck_assert_msg(j != NULL, "%s", err);
    snn_block_fn init = (snn_block_fn)jit_symbol(j, "snn_G_init");
    ck_assert_ptr_nonnull(init);
    double x[4], y[4];
    double *const arr[2] = { x, y };
    snn_args a;
    memset(&a, 0, sizeof a);
    a.v = arr;
    a.n = 4;
    a.seed = 7;
    a.stream = 3;
    init(&a);
    for (int q = 0; q < 4; q++) {
        ck_assert_double_eq(x[q], snn_rand_uniform(7, 3, 0, q, 0));
        ck_assert_double_eq(y[q], snn_rand_normal(7, 3, 0, q, 1) + snn_rand_uniform(7, 3, 0, q, 2));
    }
    jit_free(j);
}
END_TEST

START_TEST(user_functions_and_math)
{
    emit("sq(x) = x*x\n"
         "neurons G[3] {\n"
         "    model {\n"
         "        y : 1\n"
         "        z : 1\n"
         "    }\n"
         "    init {\n"
         "        y = sq(i + 1) + abs(-2) + clip(i, 0, 1)\n"
         "        z = (i % 2) + int(2.7) + (7 // 2)\n"
         "    }\n"
         "}\n",
         "uf.snn");
    char err[1024];
    Jit *j = jit_compile(code, err, sizeof err);
    ck_assert_msg(j != NULL, "%s", err);
    snn_block_fn init = (snn_block_fn)jit_symbol(j, "snn_G_init");
    double y[3], z[3];
    double *const arr[2] = { y, z };
    snn_args a;
    memset(&a, 0, sizeof a);
    a.v = arr;
    a.n = 3;
    init(&a);
    for (int q = 0; q < 3; q++) {
        ck_assert_double_eq(y[q], (q + 1) * (q + 1) + 2 + (q > 1 ? 1 : q));
        ck_assert_double_eq(z[q], (q % 2) + 2 + 3);
    }
    jit_free(j);
}
END_TEST

/* A model file name that needs escaping inside the '#line' string. */
START_TEST(line_directive_escaping)
{
    emit("neurons G[1] {\n    model {\n        dv/dt = -v/(10*ms) : volt\n    }\n}\n", "dir/we\"ird\\name.snn");
    char err[2048];
    Jit *j = jit_compile(code, err, sizeof err);
    /* the file name is escaped in '#line N "..."' */
    ck_assert_msg(j != NULL, "%s", err);
    jit_free(j);
}
END_TEST

/* Text from outside reaches C only escaped: a file name that would end the
 * header comment, the '#line' string or a line is written with octal
 * escapes, and the code still compiles. */
START_TEST(file_name_escaped_everywhere)
{
    emit("neurons G[1] {\n    model {\n        dv/dt = -v/(10*ms) : volt\n    }\n}\n",
         "a*/int x;/*\"q\"\n?\?=.snn");
    ck_assert_ptr_nonnull(strstr(code, "/* Generated by snnc from a\\052/int x\\073/\\052\\042q\\042\\012\\077\\077=.snn. */\n"));
    ck_assert_ptr_nonnull(strstr(code, "#line 3 \"a\\052/int"));
    ck_assert_ptr_null(strstr(code, "int x;"));
    char err[2048];
    Jit *j = jit_compile(code, err, sizeof err);
    ck_assert_msg(j != NULL, "%s", err);
    jit_free(j);
}
END_TEST

/* User names are mangled by kind: a variable called switch, a constant
 * k_tau beside tau, a parameter pow; none reaches C as written. */
START_TEST(names_mangled_by_kind)
{
    emit("tau = 10*ms\nk_tau = 2\nf(pow) = pow*2\nneurons G[1] {\n    model {\n"
         "        dswitch/dt = (f(k_tau) - switch)/tau : 1\n    }\n}\n", "m.snn");
    ck_assert_ptr_nonnull(strstr(code, "const double c_tau = _a->k[0];"));
    ck_assert_ptr_nonnull(strstr(code, "const double c_k_tau = _a->k[1];"));
    ck_assert_ptr_nonnull(strstr(code, "static double f_f(const snn_args *_a, double p_pow)"));
    ck_assert_ptr_nonnull(strstr(code, "double v_switch = _p_v_switch[_idx];"));
    ck_assert_ptr_null(strstr(code, " switch "));
    ck_assert_ptr_null(strstr(code, " k_tau"));
    char err[2048];
    Jit *j = jit_compile(code, err, sizeof err);
    ck_assert_msg(j != NULL, "%s", err);
    jit_free(j);
}
END_TEST

/* A chain of one operator class prints flat, in C's own left-to-right
 * grouping; other operators keep their parentheses. */
START_TEST(operator_chains_flat)
{
    emit("neurons G[1] {\n    model {\n        x : 1\n        y : 1\n    }\n"
         "    run_regularly(dt=1*ms) { x = x + y - x + y*y/x*y }\n}\n", "c.snn");
    ck_assert_ptr_nonnull(strstr(code, "v_x = (v_x + v_y - v_x + (v_y * v_y / v_x * v_y));"));
}
END_TEST

/* A clock-driven synapse equation reads the source's and the target's
 * variables through the synapse's indices (v decays exactly before the
 * synapses update: ds = dt*(v_post/1ms + v_pre/2ms) per step). */
START_TEST(synapse_reads_pre_and_post)
{
    emit("neurons G[2] {\n    model { dv/dt = -v/(10*ms) : 1 }\n    init { v = i + 1 }\n}\n"
         "synapses S(G -> G) {\n    model { ds/dt = v_post/(1*ms) + v_pre/(2*ms) : 1 (clock-driven) }\n"
         "    connect(i=0, j=1)\n}\n", "syn.snn");
    ck_assert_int_eq(snn_run(ctx, 0.2e-3), SNN_OK);
    double s = 0;
    ck_assert_int_eq(snn_get_var(ctx, "S", "s", &s, 1), SNN_OK);
    double d1 = exp(-0.01), d2 = d1 * d1, ds1 = 1e-4 * (2 * d1 / 1e-3 + d1 / 2e-3);
    ck_assert_double_eq_tol(s, ds1 + 1e-4 * (2 * d2 / 1e-3 + d2 / 2e-3), 1e-12);
}
END_TEST

/* User functions read t and the model's constants (f(2) = 2*10 + 2 + t/s). */
START_TEST(user_function_reads_t_and_constants)
{
    emit("f(x) = x + t/second\ntau = 10*ms\ng(x) = x*tau/ms + f(x)\n"
         "neurons G[1] {\n    model { dv/dt = g(2)/second : 1 }\n    method: euler\n}\n", "uf.snn");
    ck_assert_int_eq(snn_run(ctx, 0.2e-3), SNN_OK);
    double v = 0;
    ck_assert_int_eq(snn_get_var(ctx, "G", "v", &v, 1), SNN_OK);
    ck_assert_double_eq_tol(v, 1e-4 * 22 + 1e-4 * 22.0001, 1e-12);
}
END_TEST

/* The generated C without its #line directives (which name the columns of
 * the source), malloc'ed. */
static char *without_line_directives(const char *c)
{
    char *out = malloc(strlen(c) + 1), *o = out;
    ck_assert_ptr_nonnull(out);
    while (*c) {
        const char *nl = strchr(c, '\n');
        size_t n = nl ? (size_t)(nl - c) + 1 : strlen(c);
        if (strncmp(c, "#line ", 6)) {
            memcpy(o, c, n);
            o += n;
        }
        c += n;
    }
    *o = 0;
    return out;
}

/* Brian2's code strings paste in quoted or not, single, double or triple
 * quoted, spanning lines, wherever a statement or expression goes: the
 * quoted model compiles to exactly the C of the plain one. */
START_TEST(quoted_code_is_code)
{
    static const char plain[] =
        "neurons G[4] {\n"
        "    model {\n"
        "        dv/dt = (I - v)/(10*ms) : 1 (unless refractory)\n"
        "        I : 1\n"
        "    }\n"
        "    threshold: v > 0.8\n"
        "    reset: v = 0; I += 0.01\n"
        "    refractory: 2*ms\n"
        "    method: exact\n"
        "    init { I = 1.5 + 0.1*i }\n"
        "    run_regularly(dt=1*ms) { I *= 0.999 }\n"
        "}\n"
        "synapses S(G -> G) {\n"
        "    model { w : 1 }\n"
        "    on_pre: v_post += w\n"
        "    delay: 1*ms\n"
        "    connect(condition='i != j', p=0.5)\n"
        "    init { w = 0.1 }\n"
        "}\n"
        "run 10*ms\n";
    static const char quoted[] =
        "neurons G[4] {\n"
        "    model: '''\n"
        "        dv/dt = (I - v)/(10*ms) : 1 (unless refractory)\n"
        "        I : 1\n"
        "    '''\n"
        "    threshold: 'v > 0.8'\n"
        "    reset: \"v = 0; I += 0.01\"\n"
        "    refractory: '2*ms'\n"
        "    method: 'exact'\n"
        "    init: 'I = 1.5 + 0.1*i'\n"
        "    run_regularly(dt=1*ms) { 'I *= 0.999' }\n"
        "}\n"
        "synapses S(G -> G) {\n"
        "    model: \"\"\"w : 1\"\"\"\n"
        "    on_pre: '''v_post += w'''\n"
        "    delay: '1*ms'\n"
        "    connect(condition='i != j', p='0.5')\n"
        "    init { 'w = 0.1' }\n"
        "}\n"
        "run 10*ms\n";
    char *a = without_line_directives(emit(plain, "m.snn"));
    char *b = without_line_directives(emit(quoted, "m.snn"));
    ck_assert_str_eq(b, a);
    free(a);
    free(b);
}
END_TEST

static Suite *make_suite(void)
{
    find_cases();
    Suite *s = suite_create("emit");
    TCase *tc = tcase_create("golden");
    tcase_add_test(tc, fixtures_cover);
    tcase_add_loop_test(tc, golden_emit, 0, ncases);
    tcase_add_test(tc, fn_names);
    suite_add_tcase(s, tc);
    tc = tcase_create("compiled");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, compiles_and_runs);
    tcase_add_test(tc, random_call_sites);
    tcase_add_test(tc, user_functions_and_math);
    tcase_add_test(tc, line_directive_escaping);
    tcase_add_test(tc, file_name_escaped_everywhere);
    tcase_add_test(tc, names_mangled_by_kind);
    tcase_add_test(tc, operator_chains_flat);
    tcase_add_test(tc, synapse_reads_pre_and_post);
    tcase_add_test(tc, user_function_reads_t_and_constants);
    tcase_add_test(tc, quoted_code_is_code);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
