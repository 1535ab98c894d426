/* SPDX-License-Identifier: MIT */
/* This file contains the unit tests of the semantic pass (sema.c,
 * sema_net.c): constants folded to SI values, --set overrides, dimension
 * errors, subexpression order and cycles, equation flags, identifier rules,
 * _pre/_post resolution in synapses, connect() index errors, monitor
 * arguments, runs and the model's dt. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "parse.h"
#include "sema.h"
#include "test-common.h"

static Arena A;
static Diag D;
static Source *SRC;
static Override OV[4];
static int NOV;

static void setup(void)
{
    arena_init(&A);
    NOV = 0;
}

static void teardown(void) { arena_free(&A); }

/* Add a --set override NAME=EXPR (parsed as snn_set_override does). */
static void override(const char *text)
{
    Source *src = source_new(&A, "--set", text, (int)strlen(text));
    Diag *od = arena_alloc(&A, sizeof *od);
    diag_init(od, &A, src);
    Program *p = parse_program(&A, od, src);
    ck_assert_msg(p && p->ndecls == 1 && p->decls[0]->kind == D_CONST, "override '%s' does not parse", text);
    OV[NOV].decl = p->decls[0];
    OV[NOV].D = od;
    NOV++;
}

/* Parse and check; NULL on error (messages in D and the overrides' Diags). */
static Model *check(const char *text)
{
    SRC = source_new(&A, "s.snn", text, (int)strlen(text));
    diag_init(&D, &A, SRC);
    Program *p = parse_program(&A, &D, SRC);
    ck_assert_msg(p != NULL, "syntax error: %s", D.n ? D.v[0].rendered : "");
    return sema_program(&A, &D, p, OV, NOV);
}

static Model *check_ok(const char *text)
{
    Model *M = check(text);
    ck_assert_msg(M != NULL && D.nerr == 0, "unexpected error: %s", D.n ? D.v[0].rendered : "(none)");
    return M;
}

/* The model must fail with exactly nerr errors, one of them containing
 * fragment, at line:col when line > 0. */
static void check_fails(const char *text, int nerr, const char *fragment, int line, int col)
{
    Model *M = check(text);
    ck_assert_ptr_null(M);
    Buf all;
    buf_init(&all, &A);
    for (int k = 0; k < D.n; k++) buf_puts(&all, D.v[k].rendered);
    ck_assert_msg(D.nerr == nerr, "%d errors, expected %d:\n%s", D.nerr, nerr, all.p);
    for (int k = 0; k < D.n; k++)
        if (D.v[k].severity == DIAG_ERROR && strstr(D.v[k].msg, fragment)) {
            if (line > 0)
                ck_assert_msg(D.v[k].line == line && D.v[k].col == col, "'%s' at %d:%d, expected %d:%d", fragment,
                              D.v[k].line, D.v[k].col, line, col);
            return;
        }
    ck_abort_msg("no error contains '%s':\n%s", fragment, all.p);
}

static Sym *constant(Model *M, const char *name)
{
    for (int k = 0; k < M->nconsts; k++)
        if (!strcmp(M->consts[k]->name, name)) return M->consts[k];
    ck_abort_msg("no constant %s", name);
    return NULL;
}

static Group *group(Model *M, const char *name)
{
    for (int k = 0; k < M->ngroups; k++)
        if (!strcmp(M->groups[k]->name, name)) return M->groups[k];
    ck_abort_msg("no group %s", name);
    return NULL;
}

static Sym *var(Group *g, const char *name)
{
    for (int k = 0; k < g->nvars; k++)
        if (!strcmp(g->vars[k]->name, name)) return g->vars[k];
    ck_abort_msg("no variable %s in %s", name, g->name);
    return NULL;
}

static const char *dname(Dim d)
{
    static char buf[128];
    return dim_name(d, buf, sizeof buf);
}

/* ------------------------------------------------------------------------ */
/* Constants and overrides                                                  */
/* ------------------------------------------------------------------------ */

START_TEST(constants_folded)
{
    Model *M = check_ok("c = 100*pF\n"
                        "vl = -70*mV\n"
                        "tau = c / (5*nS)\n"
                        "rate = 2*kHz\n"
                        "area = 20000*um2\n"
                        "n = 3\n"
                        "x = 2**3 + 7 // 2 + 7 % 3\n"
                        "r = sqrt(4*metre**2)\n"
                        "flag = True\n"
                        "big = pi * e\n");
    ck_assert_int_eq(M->nconsts, 10);
    for (int k = 0; k < M->nconsts; k++) ck_assert_int_eq(M->consts[k]->const_index, k);
    ck_assert_double_eq(constant(M, "c")->value, 100 * 1e-12);
    ck_assert_str_eq(dname(constant(M, "c")->dim), "farad");
    ck_assert_double_eq(constant(M, "vl")->value, -(70 * 1e-3));
    ck_assert_str_eq(dname(constant(M, "vl")->dim), "volt");
    ck_assert_double_eq(constant(M, "tau")->value, (100 * 1e-12) / (5 * 1e-9));
    ck_assert_str_eq(dname(constant(M, "tau")->dim), "second");
    ck_assert_double_eq(constant(M, "rate")->value, 2000);
    ck_assert_str_eq(dname(constant(M, "rate")->dim), "hertz");
    ck_assert_double_eq(constant(M, "area")->value, 20000 * 1e-12);
    ck_assert_str_eq(dname(constant(M, "area")->dim), "metre ** 2");
    ck_assert_double_eq(constant(M, "n")->value, 3);
    ck_assert(dim_is_none(constant(M, "n")->dim));
    ck_assert_double_eq(constant(M, "x")->value, 8 + 3 + 1);
    ck_assert_double_eq(constant(M, "r")->value, 2);
    ck_assert_str_eq(dname(constant(M, "r")->dim), "metre");
    ck_assert_double_eq(constant(M, "flag")->value, 1);
    ck_assert_int_eq(constant(M, "flag")->type, TY_BOOL);
    ck_assert_double_eq_tol(constant(M, "big")->value, M_PI * M_E, 1e-15);
    /* the default dt is Brian2's 0.1 ms */
    ck_assert_double_eq(M->dt, 1e-4);
}
END_TEST

START_TEST(constant_errors)
{
    check_fails("a = 1*mV + 2*nA\n", 1, "dimension mismatch in '1*mV + 2*nA': volt vs amp", 1, 5);
    check_fails("a = 1\na = 2\n", 1, "'a' is already defined (at line 1)", 2, 1);
    check_fails("a = b\n", 1, "unknown name 'b'", 1, 5);
    check_fails("tau = 10*mss\n", 1, "unknown name 'mss'; did you mean 'ms'?", 1, 10);
    check_fails("a = exp(1*mV)\n", 1, "needs a dimensionless argument", 1, 9);
    check_fails("a = (1*mV)**(1*mV)\n", 1, "must be dimensionless", 1, 14);
    check_fails("a = (1*metre)**(1/5)\n", 1, "cannot raise unit metre to the power 0.2", 1, 5);
    check_fails("a = 1*mV > 2\n", 1, "dimension mismatch", 1, 5);
    check_fails("a = foo(1)\n", 1, "unknown function 'foo'", 1, 5);
    check_fails("a = exp(1, 2)\n", 1, "takes 1 argument, 2 given", 1, 5);
    check_fails("a = rand()\n", 1, "a constant must be computed from numbers", 1, 5);
}
END_TEST

START_TEST(overrides_good)
{
    override("w_gi=0.5*nS");
    override("tau = 2*tau0");
    Model *M = check_ok("tau0 = 5*ms\nw_gi = 0.0*nS\ntau = 10*ms\n");
    ck_assert_double_eq(constant(M, "w_gi")->value, 0.5 * 1e-9);
    ck_assert_double_eq(constant(M, "tau")->value, 2 * 5e-3);
    ck_assert_double_eq(constant(M, "tau0")->value, 5e-3);
    ck_assert_int_eq(OV[0].D->nerr, 0);
}
END_TEST

START_TEST(override_dt)
{
    override("dt=0.05*ms");
    Model *M = check_ok("x = 1\n");
    ck_assert_double_eq(M->dt, 0.05 * 1e-3);
}
END_TEST

START_TEST(overrides_bad)
{
    /* wrong dimension: the error is in the override's own diagnostics */
    override("w=0.5*mV");
    ck_assert_ptr_null(check("w = 1*nS\n"));
    ck_assert_int_eq(D.nerr, 0);
    ck_assert_int_eq(OV[0].D->nerr, 1);
    ck_assert_str_eq(OV[0].D->v[0].rendered, "--set:1:3: error: 'w' has unit siemens in the model, but the new value "
                                             "'0.5*mV' has unit volt\n    w=0.5*mV\n      ^~~~~~\n");
    /* unknown constant, with a suggestion */
    NOV = 0;
    override("w_gj=1*nS");
    ck_assert_ptr_null(check("w_gi = 1*nS\n"));
    ck_assert_int_eq(OV[0].D->nerr, 1);
    ck_assert_str_eq(OV[0].D->v[0].msg, "the model has no constant 'w_gj'; did you mean 'w_gi'?");
    ck_assert_int_eq(OV[0].D->v[0].col, 1);
    /* not a constant value */
    NOV = 0;
    override("w=rand()*nS");
    ck_assert_ptr_null(check("w = 1*nS\n"));
    ck_assert_int_eq(OV[0].D->nerr, 1);
    ck_assert_ptr_nonnull(strstr(OV[0].D->v[0].msg, "must be computed from numbers"));
    /* unknown unit */
    NOV = 0;
    override("w=1*nSS");
    ck_assert_ptr_null(check("w = 1*nS\n"));
    ck_assert_int_eq(OV[0].D->nerr, 1);
    ck_assert_ptr_nonnull(strstr(OV[0].D->v[0].msg, "unknown name 'nSS'"));
}
END_TEST

START_TEST(model_dt)
{
    Model *M = check_ok("dt = 0.05*ms\nrun 10*ms\nrun 2.5*ms\n");
    ck_assert_double_eq(M->dt, 0.05 * 1e-3);
    ck_assert_int_eq(M->nruns, 2);
    ck_assert_double_eq(M->runs[0], 10 * 1e-3);
    ck_assert_double_eq(M->runs[1], 2.5 * 1e-3);
    /* dt is not a constant of the table */
    ck_assert_int_eq(M->nconsts, 0);
    check_fails("dt = 5*mV\n", 1, "dt must have unit second, but '5*mV' has unit volt", 1, 6);
    check_fails("dt = -1*ms\n", 1, "dt must be a positive constant duration", 1, 6);
    check_fails("run 5*mV\n", 1, "the run duration must have unit second", 1, 5);
    check_fails("run -5*ms\n", 1, "the run duration must be a constant time >= 0", 1, 5);
}
END_TEST

/* Constants fold every deterministic built-in and dt; a failed constant is
 * reported once, not again at each use. */
START_TEST(constants_brian2_names)
{
    Model *M = check_ok("gamma = 0.25\nN_E = 2000\nN_I = int(gamma * N_E)\nf = floor(2.7) + ceil(0.2)"
                        " + clip(5, 0, 3)\nneurons G[N_E + N_I] { model { v : 1 } }\n");
    ck_assert_double_eq(constant(M, "N_I")->value, 500);
    ck_assert_double_eq(constant(M, "f")->value, 2 + 1 + 3);
    ck_assert_int_eq(group(M, "G")->N, 2500);
    M = check_ok("N = 2000\nneurons neurons[N] { model { dv/dt = -v/(10*ms) : 1 } }\n");
    ck_assert_double_eq(constant(M, "N")->value, 2000);
    ck_assert_int_eq(group(M, "neurons")->N, 2000);
    M = check_ok("dt = 0.2*ms\nT = 10*ms + dt\nrun T\nrun 5*dt\n");
    ck_assert_double_eq(constant(M, "T")->value, 10e-3 + 0.2e-3);
    ck_assert_double_eq(M->runs[1], 5 * 0.2e-3);
    check_fails("a = 1 + rand()\nb = 2*a\nneurons G[a] { model { v : 1 } }\nspikemonitor S(G)\n", 1,
                "a constant must be computed", 1, 5);
    /* a neuron variable may be called delay */
    M = check_ok("neurons G[2] { model { delay = i*ms : second\n d2 = delay/ms : 1 } }\n");
}
END_TEST

/* --set dt is checked as dt in the model; without dt in the model it
 * replaces the default before the constants are computed. */
START_TEST(override_dt_checked)
{
    const char *bad[] = { "dt=0*ms", "dt=-1*ms", "dt=inf*ms" };
    for (int k = 0; k < 3; k++) {
        NOV = 0;
        override(bad[k]);
        ck_assert_ptr_null(check("dt = 0.1*ms\n"));
        ck_assert_int_eq(OV[0].D->nerr, 1);
        ck_assert_ptr_nonnull(strstr(OV[0].D->v[0].msg, "dt must be a positive, finite constant duration"));
        ck_assert_int_eq(OV[0].D->v[0].col, 4);
    }
    NOV = 0;
    override("dt=0.05*ms");
    Model *M = check_ok("T = 100*dt\n");
    ck_assert_double_eq(M->dt, 0.05e-3);
    ck_assert_double_eq(constant(M, "T")->value, 100 * 0.05e-3);
}
END_TEST

/* (linked) is never ignored: a linked variable needs its link. */
START_TEST(linked_refused)
{
    check_fails("neurons G[1] { model { I : 1 (linked) } }\n", 1, "'I' is (linked) but not linked to anything", 1, 24);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Identifiers                                                              */
/* ------------------------------------------------------------------------ */

START_TEST(identifier_rules)
{
    check_fails("t = 1\n", 1, "'t' is a reserved name and cannot be used as a constant name", 1, 1);
    check_fails("lastspike = 1\n", 1, "reserved name", 1, 1);
    check_fails("mV = 3\n", 1, "'mV' is a unit name and cannot be used as a constant name", 1, 1);
    check_fails("_x = 1\n", 1, "constant name '_x' may not start with an underscore", 1, 1);
    check_fails("exp = 1\n", 1, "'exp' is a built-in function", 1, 1);
    check_fails("xi_1 = 1\n", 1, "'xi_1' is reserved for noise terms", 1, 1);
    check_fails("neurons ms[3] { model { v : volt } }\n", 1, "'ms' is a unit name and cannot be used as a group name",
                1, 9);
    check_fails("neurons G[3] {\n  model {\n    dN/dt = 1/second : 1\n  }\n}\n", 1,
                "'N' is a reserved name and cannot be used as a variable name", 3, 5);
    check_fails("neurons G[3] {\n  model {\n    _v : volt\n  }\n}\n", 1, "may not start with an underscore", 3, 5);
    check_fails("neurons G[3] {\n  model {\n    v_post : volt\n  }\n}\n", 1, "may not end in _pre or _post", 3, 5);
    check_fails("neurons G[3] {\n  model {\n    v : volt\n    v : amp\n  }\n}\n", 1,
                "'v' is already defined in G (at line 3)", 4, 5);
    check_fails("x = 1\nneurons x[3] { model { v : volt } }\n", 1, "'x' is already defined (at line 1)", 2, 9);
    /* a user function works and its parameters are names of its own */
    Model *M = check_ok("f(x, y) = x * y + 1\nz = 2\n");
    ck_assert_int_eq(M->nuserfuncs, 1);
    ck_assert_str_eq(M->userfuncs[0]->name, "f");
    ck_assert_int_eq(M->userfuncs[0]->nparams, 2);
    ck_assert_str_eq(M->userfuncs[0]->params[0]->name, "x");
    ck_assert_str_eq(M->userfuncs[0]->params[1]->name, "y");
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Groups: equations, flags, statements                                     */
/* ------------------------------------------------------------------------ */

START_TEST(tutorial_model)
{
    char *text = test_read_file(test_path("../examples/tutorial.snn"), NULL);
    ck_assert_ptr_nonnull(text);
    Model *M = check_ok(text);
    free(text);
    ck_assert_int_eq(M->nconsts, 9);
    ck_assert_int_eq(M->ngroups, 3);
    Group *g = group(M, "G");
    ck_assert_int_eq(g->kind, G_NEURONS);
    ck_assert_int_eq(g->N, 3);
    ck_assert_int_eq(g->nvars, 4);
    ck_assert_int_eq(g->nodes, 3);
    ck_assert_str_eq(dname(var(g, "v")->dim), "volt");
    ck_assert_str_eq(dname(var(g, "ge")->dim), "siemens");
    ck_assert_str_eq(dname(var(g, "I")->dim), "amp");
    ck_assert_int_eq(var(g, "I")->role, VR_PARAM);
    ck_assert_int_eq(var(g, "v")->role, VR_STATE);
    ck_assert_str_eq(g->method, "euler");
    ck_assert_ptr_nonnull(g->threshold);
    ck_assert_int_eq(g->reset.n, 1);
    ck_assert_int_eq(g->ninits, 2);
    ck_assert_int_eq(g->inits[0].nlist, 3);
    ck_assert_double_eq(g->inits[0].list[0], 0.7 * 1e-9);
    ck_assert_double_eq(g->inits[0].list[2], 0);
    ck_assert_double_eq(g->inits[1].list[1], -70 * 1e-3);
    Group *se = group(M, "Se");
    ck_assert_int_eq(se->kind, G_SYNAPSES);
    ck_assert_ptr_eq(se->src, g);
    ck_assert_ptr_eq(se->tgt, g);
    ck_assert_int_eq(se->nconnects, 1);
    ck_assert_int_eq(se->connects[0].n, 1);
    ck_assert_int_eq(se->connects[0].i[0], 0);
    ck_assert_int_eq(se->connects[0].j[0], 2);
    ck_assert_int_eq(M->nmonitors, 2);
    ck_assert_int_eq(M->monitors[0]->kind, MON_SPIKE);
    ck_assert_int_eq(M->monitors[1]->kind, MON_STATE);
    ck_assert(M->monitors[1]->record_all);
    ck_assert_int_eq(M->nruns, 1);
    ck_assert_double_eq(M->runs[0], 0.1);
}
END_TEST

START_TEST(dimension_errors_counted)
{
    check_fails("neurons G[2] {\n"
                "    model {\n"
                "        dv/dt = (v + I)/(10*ms) : volt\n"          /* volt + amp */
                "        dw/dt = w : volt\n"                        /* volt, not volt/second */
                "        I : amp\n"
                "        s = v : amp\n"                             /* subexpression unit */
                "    }\n"
                "    threshold: v > 10*nA\n"                        /* compare volt with amp */
                "    reset: v = 1*nA\n"                             /* assign amp to volt */
                "}\n",
                5, "dimension mismatch in 'v + I': volt vs amp ('v' is volt, 'I' is amp)", 3, 18);
    ck_assert_ptr_nonnull(strstr(D.v[1].msg, "the right-hand side of 'dw/dt' must have unit volt/second"));
    ck_assert_int_eq(D.v[1].line, 4);
    ck_assert_ptr_nonnull(strstr(D.v[2].msg, "subexpression 's' is declared as amp, but 'v' has unit volt"));
    ck_assert_int_eq(D.v[3].line, 8);
    ck_assert_int_eq(D.v[4].line, 9);
    ck_assert_ptr_nonnull(strstr(D.v[4].msg, "'v' has unit volt, but '1*nA' has unit amp"));
    check_fails("neurons G[1] {\n  model {\n    v : volt\n  }\n  threshold: v\n}\n", 1,
                "the threshold must be a condition", 5, 14);
    check_fails("neurons G[1] {\n  model {\n    v : volt\n  }\n  reset: v *= 2*mV\n}\n", 1,
                "needs a dimensionless factor", 5, 15);
    check_fails("neurons G[1] {\n  model {\n    v : voltt\n  }\n}\n", 1, "unknown unit 'voltt'; did you mean 'volt'?", 3,
                9);
    check_fails("neurons G[1] {\n  model {\n    v : 2\n  }\n}\n", 1, "a unit must be a unit name or 1", 3, 9);
}
END_TEST

/* Subexpressions are ordered so each comes after what it uses. */
START_TEST(subexpression_order)
{
    Model *M = check_ok("neurons G[1] {\n"
                        "    model {\n"
                        "        dv/dt = a/(10*ms) : volt\n"
                        "        a = b + c : volt\n"
                        "        b = 2*c : volt\n"
                        "        c = v + x : volt\n"
                        "        x : volt\n"
                        "    }\n"
                        "}\n");
    Group *g = group(M, "G");
    ck_assert_int_eq(g->nsubexprs, 3);
    ck_assert_str_eq(g->subexprs[0]->name, "c");
    ck_assert_str_eq(g->subexprs[1]->name, "b");
    ck_assert_str_eq(g->subexprs[2]->name, "a");
    /* subexpressions are not stored */
    ck_assert_int_eq(g->nvars, 2);
    check_fails("neurons G[1] {\n"
                "    model {\n"
                "        dv/dt = a/(10*ms) : volt\n"
                "        a = b : volt\n"
                "        b = a : volt\n"
                "    }\n"
                "}\n",
                1, "subexpression 'a' depends on itself", 4, 9);
    check_fails("neurons G[1] {\n  model {\n    dv/dt = a/(10*ms) : volt\n    a = a + v : volt\n  }\n}\n", 1,
                "subexpression 'a' depends on itself", 4, 5);
    check_fails("neurons G[1] {\n  model {\n    v : volt\n    s = v : volt\n  }\n  reset: s = v\n}\n", 1,
                "cannot assign to subexpression 's'", 6, 10);
}
END_TEST

START_TEST(flags_validated)
{
    Model *M = check_ok("neurons G[2] {\n"
                        "    model {\n"
                        "        dv/dt = -v/(10*ms) : volt (unless refractory)\n"
                        "        c : volt (constant)\n"
                        "        s : 1 (shared, constant)\n"
                        "        x = 2*v : volt (constant over dt)\n"
                        "        y : 1\n"
                        "    }\n"
                        "    threshold: v > 1*mV\n"
                        "    refractory: 2*ms\n"
                        "}\n"
                        "synapses S(G -> G) {\n"
                        "    model {\n"
                        "        dw/dt = -w/(5*ms) : 1 (event-driven)\n"
                        "        y_post = 2 : 1 (summed)\n"
                        "    }\n"
                        "}\n");
    Group *g = group(M, "G");
    ck_assert_int_eq(var(g, "v")->flags, VF_UNLESS_REFRACTORY);
    ck_assert_int_eq(var(g, "c")->flags, VF_CONSTANT);
    ck_assert_int_eq(var(g, "s")->flags, VF_SHARED | VF_CONSTANT);
    ck_assert_int_eq(g->subexprs[0]->flags, VF_CONSTANT_OVER_DT);
    /* refractory adds lastspike and not_refractory */
    ck_assert_int_eq(var(g, "lastspike")->role, VR_LASTSPIKE);
    ck_assert_int_eq(var(g, "not_refractory")->role, VR_NOTREF);
    ck_assert_int_eq(g->refractory_kind, REF_TIME);
    ck_assert_int_eq(var(group(M, "S"), "w")->flags, VF_EVENT_DRIVEN);

    check_fails("neurons G[1] {\n  model {\n    dv/dt = -v/(10*ms) : volt (event-driven)\n  }\n}\n", 1,
                "flag 'event-driven' is not allowed on a differential equation of a neuron group", 3, 32);
    check_fails("neurons G[1] {\n  model {\n    dv/dt = -v/(10*ms) : volt (sticky)\n  }\n}\n", 1,
                "unknown flag 'sticky'", 3, 32);
    check_fails("neurons G[1] {\n  model {\n    dv/dt = -v/(10*ms) : volt (unless refractory)\n  }\n}\n", 1,
                "'v' is flagged (unless refractory), but G has no 'refractory:'", 3, 5);
    check_fails("neurons G[1] {\n  model {\n    c : volt (constant over dt)\n  }\n}\n", 1,
                "flag 'constant over dt' is not allowed on a parameter", 3, 15);
    check_fails("neurons G[1] {\n  model {\n    c : volt (constant)\n  }\n  threshold: c > 0*mV\n"
                "  reset: c = 0*mV\n}\n",
                1, "'c' is flagged (constant) and cannot be changed in reset", 6, 10);
}
END_TEST

START_TEST(group_items)
{
    check_fails("neurons G[1] {\n  model {\n    v : volt\n  }\n  treshold: v > 1*mV\n}\n", 1,
                "unknown item 'treshold' in neurons; did you mean 'threshold'?", 5, 3);
    check_fails("neurons G[1] {\n  model {\n    v : volt\n  }\n  threshold: v > 1*mV\n  threshold: v > 2*mV\n}\n", 1,
                "'threshold' is given twice", 6, 3);
    check_fails("neurons G[0] {\n  model {\n    v : volt\n  }\n}\n", 1, "the size of a group must be a positive whole",
                1, 11);
    check_fails("neurons G[2.5] {\n  model {\n    v : volt\n  }\n}\n", 1, "positive whole number", 1, 11);
    check_fails("neurons G[2] {\n  model {\n    v : volt\n  }\n  method: eulr\n}\n", 1,
                "unknown integration method 'eulr'; did you mean 'euler'?", 5, 11);
    check_fails("neurons G[2] {\n  model {\n    v : volt\n  }\n  refractory: 2*mV\n  threshold: v > 0*mV\n}\n", 1,
                "refractory must be a duration", 5, 15);
    check_fails("neurons G[2] {\n  model {\n    v : volt\n  }\n  reset: v = 0*mV\n}\n", 1,
                "G has a reset but no threshold", 5, 3);
    check_fails("neurons G[3] {\n  model {\n    v : volt\n  }\n  init {\n    v = [1, 2]*mV\n  }\n}\n", 1,
                "G has 3 neurons, but the list has 2 values", 6, 9);
    check_fails("neurons G[2] {\n  model {\n    v : volt\n  }\n  init {\n    v = [1, 2]*nA\n  }\n}\n", 1,
                "'v' has unit volt, but this value has unit amp", 6, 10);
    check_fails("neurons G[2] {\n  model {\n    v : volt\n  }\n  init {\n    v += 1*mV\n  }\n}\n", 1,
                "initial values are given with '='", 6, 5);
    check_fails("nerons G[2] {\n  model {\n    v : volt\n  }\n}\n", 1, "a neuron group is written", 1, 1);
    /* ':=' temporaries are visible to later statements */
    Model *M = check_ok("neurons G[2] {\n  model {\n    v : volt\n  }\n  threshold: v > 1*mV\n"
                        "  reset: x := 2*mV; v = x\n}\n");
    ck_assert_int_eq(group(M, "G")->reset.n, 2);
    ck_assert_int_eq(group(M, "G")->reset.v[0]->sym->kind, SYM_TEMP);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Synapses                                                                 */
/* ------------------------------------------------------------------------ */

static const char pre_post_model[] =
    "neurons A[2] { threshold: x > 1\n"
    "    model {\n"
    "        v : volt\n"
    "        x : 1\n"
    "    }\n"
    "}\n"
    "neurons B[3] {\n"
    "    model {\n"
    "        v : volt\n"
    "        ge : siemens\n"
    "    }\n"
    "}\n"
    "synapses S(A -> B) {\n"
    "    model {\n"
    "        w : siemens\n"
    "    }\n"
    "    on_pre: ge_post += w * x_pre; ge += w; v_post = v_pre\n"
    "    connect(i=[0, 1, 1], j=[2, 0, 1])\n"
    "    delay: 2*ms\n"
    "}\n";

START_TEST(pre_post_resolution)
{
    Model *M = check_ok(pre_post_model);
    Group *a = group(M, "A"), *b = group(M, "B"), *s = group(M, "S");
    ck_assert_ptr_eq(s->src, a);
    ck_assert_ptr_eq(s->tgt, b);
    ck_assert_int_eq(s->nvars, 1);
    ck_assert_int_eq(s->on_pre.n, 3);
    Stmt *st = s->on_pre.v[0];
    ck_assert_int_eq(st->sym->side, 2);
    ck_assert_ptr_eq(st->sym->base, var(b, "ge"));
    ck_assert_int_eq(st->expr->b->sym->side, 1);
    ck_assert_ptr_eq(st->expr->b->sym->base, var(a, "x"));
    ck_assert_ptr_eq(st->expr->a->sym, var(s, "w"));      /* own variable: no view */
    /* a bare name that is not the synapse's own means the target's */
    st = s->on_pre.v[1];
    ck_assert_int_eq(st->sym->side, 2);
    ck_assert_ptr_eq(st->sym->base, var(b, "ge"));
    st = s->on_pre.v[2];
    ck_assert_ptr_eq(st->sym->base, var(b, "v"));
    ck_assert_ptr_eq(st->expr->sym->base, var(a, "v"));
    ck_assert_int_eq(st->expr->sym->side, 1);
    double d;
    ck_assert(sema_const_value(s->delay, &d));
    ck_assert_double_eq(d, 2e-3);
    ck_assert_int_eq(s->nconnects, 1);
    ck_assert_int_eq(s->connects[0].n, 3);
    ck_assert_int_eq(s->connects[0].i[2], 1);
    ck_assert_int_eq(s->connects[0].j[2], 1);
}
END_TEST

START_TEST(pre_post_errors)
{
    /* A has no ge: ge_pre is unknown */
    check_fails("neurons A[2] { model { v : volt } }\nneurons B[2] { model { ge : siemens } }\n"
                "synapses S(A -> B) {\n  on_pre: ge_pre += 1*nS\n  connect(i=0, j=1)\n}\n",
                1, "unknown name 'ge_pre'", 4, 11);
    check_fails("neurons A[2] { model { v : volt } }\nneurons B[2] { model { ge : siemens } }\n"
                "synapses S(A -> B) {\n  on_pre: ge_post += 1*mV\n  connect(i=0, j=1)\n}\n",
                1, "dimension mismatch in 'ge_post += 1*mV'", 4, 11);
    check_fails("neurons A[2] { model { v : volt } }\nsynapses S(A -> C) {\n  on_pre: v_post += 1*mV\n}\n", 1,
                "unknown group 'C'", 2, 17);
    check_fails("neurons A[2] { model { v : volt } }\nsynapses S(A -> A) {\n  delay: 2*mV\n}\n", 1,
                "the delay must have unit second", 3, 10);
    check_fails("neurons A[2] { model { v : volt } }\nsynapses S(A -> A) {\n  on_pre: t = 1*ms\n}\n", 1,
                "cannot assign to 't'", 3, 11);
}
END_TEST

START_TEST(connect_errors)
{
    const char *head = "neurons A[2] { model { v : volt } }\nneurons B[3] { model { v : volt } }\n";
    char buf[1024];
    snprintf(buf, sizeof buf, "%ssynapses S(A -> B) {\n  connect(i=2, j=0)\n}\n", head);
    check_fails(buf, 1, "index 2 is out of range for A, which has 2 neurons (0 to 1)", 4, 13);
    snprintf(buf, sizeof buf, "%ssynapses S(A -> B) {\n  connect(i=0, j=[0, 1, 3])\n}\n", head);
    check_fails(buf, 1, "index 3 is out of range for B, which has 3 neurons (0 to 2)", 4, 25);
    snprintf(buf, sizeof buf, "%ssynapses S(A -> B) {\n  connect(i=-1, j=0)\n}\n", head);
    check_fails(buf, 1, "index -1 is out of range for A", 4, 13);
    snprintf(buf, sizeof buf, "%ssynapses S(A -> B) {\n  connect(i=[0, 1], j=[0, 1, 2])\n}\n", head);
    check_fails(buf, 1, "i has 2 values but j has 3", 4, 3);
    snprintf(buf, sizeof buf, "%ssynapses S(A -> B) {\n  connect(i=0.5, j=0)\n}\n", head);
    check_fails(buf, 1, "must be a whole number", 4, 13);
    snprintf(buf, sizeof buf, "%ssynapses S(A -> B) {\n  connect(q=0)\n}\n", head);
    check_fails(buf, 1, "connect() has no argument 'q'", 4, 11);
    /* a scalar broadcasts against a list */
    snprintf(buf, sizeof buf, "%ssynapses S(A -> B) {\n  connect(i=1, j=[0, 1, 2])\n  connect(i=0, j=2)\n}\n", head);
    Model *M = check_ok(buf);
    Group *s = group(M, "S");
    ck_assert_int_eq(s->nconnects, 2);
    ck_assert_int_eq(s->connects[0].n, 3);
    for (int k = 0; k < 3; k++) {
        ck_assert_int_eq(s->connects[0].i[k], 1);
        ck_assert_int_eq(s->connects[0].j[k], k);
    }
}
END_TEST

/* The connect() forms of Brian2's generators: over the sources, sample()
 * with size=, 'EXPR if COND', p= with lists, and N_incoming as a variable
 * made on use (refused inside a rule). */
START_TEST(connect_generator_forms)
{
    const char *head = "neurons A[4] { model { v : 1 } }\nneurons B[7] { model { v : 1 } }\n";
    char buf[1024];
    snprintf(buf, sizeof buf, "%ssynapses S(A -> B) {\n  model { n : 1 }\n  init { n = N_incoming }\n"
             "  connect(i='k for k in sample(N_pre, size=2) if k != j')\n"
             "  connect(j='int(i/2) if i %% 2 == 0')\n  connect(i=[0, 1], j=[2, 3], p=0.25)\n}\n", head);
    Model *M = check_ok(buf);
    Group *s = group(M, "S");
    ck_assert_int_eq(s->nconnects, 3);
    Connect *c = &s->connects[0];
    ck_assert(c->over_pre);
    ck_assert_int_eq(c->kind, CONN_JEXPR);
    ck_assert_ptr_nonnull(c->gen_size);
    ck_assert_ptr_null(c->gen_p);
    ck_assert_ptr_nonnull(c->gen_if);
    c = &s->connects[1];
    ck_assert(!c->over_pre && !c->k);
    ck_assert_ptr_nonnull(c->jexpr);
    ck_assert_ptr_nonnull(c->gen_if);
    c = &s->connects[2];
    ck_assert_int_eq(c->kind, CONN_LIST);
    ck_assert_double_eq(c->pconst, 0.25);
    Sym *n_in = var(s, "N_incoming");
    ck_assert_int_eq(n_in->role, VR_N_INCOMING);
    ck_assert_int_eq(n_in->type, TY_INT);
    snprintf(buf, sizeof buf, "%ssynapses S(A -> B) {\n  connect('N_outgoing > 1')\n}\n", head);
    check_fails(buf, 1, "'N_outgoing' counts the synapses that connect() is making", 4, 12);
    snprintf(buf, sizeof buf, "%ssynapses S(A -> B) {\n  connect(j='k for k in sample(N_post, size=2, p=0.5)')\n}\n",
             head);
    check_fails(buf, 1, "sample() takes p= or size=, not both", 4, 13);
    snprintf(buf, sizeof buf, "%ssynapses S(A -> B) {\n  connect(j='j + 1')\n}\n", head);
    check_fails(buf, 1, "'j' is what connect(j=...) makes", 4, 14);
    snprintf(buf, sizeof buf, "%ssynapses S(A -> B) {\n  connect(i=[0], j=[1], p='rand()')\n}\n", head);
    check_fails(buf, 1, "with i= and j= lists, p must be a constant probability", 4, 28);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Monitors                                                                 */
/* ------------------------------------------------------------------------ */

START_TEST(monitors)
{
    Model *M = check_ok("neurons G[4] {\n  model {\n    v : volt\n    w : 1\n  }\n  threshold: v > 1*mV\n}\n"
                        "spikemonitor SM(G)\nstatemonitor M(G.v, G.w, record=[1, 3])\nstatemonitor P(G.w, record=2)\n");
    ck_assert_int_eq(M->nmonitors, 3);
    Monitor *m = M->monitors[1];
    ck_assert_str_eq(m->name, "M");
    ck_assert_int_eq(m->kind, MON_STATE);
    ck_assert_int_eq(m->nvars, 2);
    ck_assert_str_eq(m->vars[1]->name, "w");
    ck_assert(!m->record_all);
    ck_assert_int_eq(m->nrecord, 2);
    ck_assert_int_eq(m->record[1], 3);
    ck_assert_int_eq(M->monitors[2]->nrecord, 1);
    ck_assert_int_eq(M->monitors[2]->record[0], 2);
    ck_assert_ptr_eq(M->monitors[0]->group, group(M, "G"));
}
END_TEST

START_TEST(monitor_errors)
{
    const char *g = "neurons G[3] {\n  model {\n    v : volt\n  }\n  threshold: v > 1*mV\n}\n";
    char buf[1024];
#define MON(text) (snprintf(buf, sizeof buf, "%s%s", g, text), buf)
    check_fails(MON("statemonitor M(G)\n"), 1, "name the variable to record, e.g. G.v", 7, 16);
    check_fails(MON("statemonitor M(G.u)\n"), 1, "unknown name 'u'", 7, 18);
    check_fails(MON("statemonitor M(H.v)\n"), 1, "unknown group 'H'", 7, 16);
    check_fails(MON("spikemonitor SM(G.v)\n"), 1, "a spike monitor takes a group, not a variable", 7, 17);
    check_fails(MON("statemonitor M(G.v, record=[0, 3])\n"), 1, "index 3 is out of range for G (3 neurons)", 7, 32);
    check_fails(MON("statemonitor M(G.v, record=[-1])\n"), 1, "record= takes all or a list of neuron indices", 7, 29);
    check_fails(MON("statemonitor M(G.v, colour=1)\n"), 1, "unknown argument 'colour' for statemonitor", 7, 21);
    check_fails(MON("spikemonitor SM()\n"), 1, "SM needs a group to record", 7, 1);
    check_fails(MON("statemonitor M(record=all)\n"), 1, "M needs a group to record", 7, 1);
    check_fails(MON("spikemoniter SM(G)\n"), 1, "unknown declaration 'spikemoniter'; did you mean 'spikemonitor'?", 7,
                1);
    check_fails(MON("spikemonitor G(G)\n"), 1, "'G' is already defined", 7, 14);
    check_fails(MON("statemonitor M(3)\n"), 1, "expected a group variable such as G.v here", 7, 16);
#undef MON
}
END_TEST

/* Several independent errors in one model are all reported. */
START_TEST(errors_accumulate)
{
    check_fails("a = 1*mV + 1*nA\n"
                "b = c\n"
                "neurons G[2] {\n"
                "  model {\n"
                "    dv/dt = -v/(10*ms) : volt\n"
                "  }\n"
                "  threshold: v > 1*nA\n"
                "}\n"
                "spikemonitor SM(H)\n"
                "run 10*mV\n",
                5, "unknown group 'H'", 9, 17);
}
END_TEST

/* A (summed) subexpression needs a parameter of its unit in the target
 * group (the source with _pre); sema reports it, with DC_UNITS for units. */
START_TEST(summed_targets)
{
    static const char head[] = "neurons G[2] {\n  model {\n    dv/dt = -v/(10*ms) : volt\n    I : amp\n  }\n}\n";
    char text[512];
    snprintf(text, sizeof text, "%ssynapses S(G -> G) {\n  model {\n    J_post = 1*nA : amp (summed)\n  }\n}\n", head);
    check_fails(text, 1, "the summed variable 'J_post' needs a parameter 'J' in G (e.g. 'J : amp')", 9, 5);
    snprintf(text, sizeof text, "%ssynapses S(G -> G) {\n  model {\n    v_pre = 1*mV : volt (summed)\n  }\n}\n", head);
    check_fails(text, 1, "'v' of G is set by a (summed) variable, so it must be a parameter", 9, 5);
    snprintf(text, sizeof text, "%ssynapses S(G -> G) {\n  model {\n    I_post = 1*mV : volt (summed)\n  }\n}\n", head);
    check_fails(text, 1, "'I_post' has unit volt but G.I has unit amp", 9, 5);
    ck_assert_int_eq(D.v[0].code, DC_UNITS);
    snprintf(text, sizeof text, "%ssynapses S(G -> G) {\n  model {\n    I_post = 1*nA : amp (summed)\n  }\n}\n", head);
    check_ok(text);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("sema");
    TCase *tc = tcase_create("constants");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, constants_folded);
    tcase_add_test(tc, constant_errors);
    tcase_add_test(tc, overrides_good);
    tcase_add_test(tc, override_dt);
    tcase_add_test(tc, override_dt_checked);
    tcase_add_test(tc, constants_brian2_names);
    tcase_add_test(tc, linked_refused);
    tcase_add_test(tc, overrides_bad);
    tcase_add_test(tc, model_dt);
    tcase_add_test(tc, identifier_rules);
    suite_add_tcase(s, tc);
    tc = tcase_create("groups");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, tutorial_model);
    tcase_add_test(tc, dimension_errors_counted);
    tcase_add_test(tc, subexpression_order);
    tcase_add_test(tc, flags_validated);
    tcase_add_test(tc, summed_targets);
    tcase_add_test(tc, group_items);
    suite_add_tcase(s, tc);
    tc = tcase_create("synapses");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, pre_post_resolution);
    tcase_add_test(tc, pre_post_errors);
    tcase_add_test(tc, connect_generator_forms);
    tcase_add_test(tc, connect_errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("monitors");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, monitors);
    tcase_add_test(tc, monitor_errors);
    tcase_add_test(tc, errors_accumulate);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
