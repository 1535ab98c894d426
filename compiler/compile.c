/* SPDX-License-Identifier: MIT */
/* This file contains the compiler's one protected entry point: it runs the
 * parser, the overrides, sema, lowering and the emitter over one source text
 * in an arena of its own, under the process-wide compile lock and with the
 * arena's out-of-memory unwind target set, so that an allocation failure
 * anywhere in the compiler frees everything and becomes SNN_ENOMEM. */
#include "compile.h"

#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lower.h"
#include "parse.h"
#include "sema.h"
#include "snn.h"

extern jmp_buf *snn_arena_oom_jmp;

/* The arena's out-of-memory jump target is a global, so one compile runs at
 * a time. */
static pthread_mutex_t compile_lock = PTHREAD_MUTEX_INITIALIZER;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int compile_code_status(int code)
{
    switch (code) {
    case DC_SYNTAX: return SNN_ESYNTAX;
    case DC_UNITS: return SNN_EUNITS;
    case DC_NOMEM: return SNN_ENOMEM;
    default: return SNN_ESEMA;    /* DC_SEMA, DC_BUILD */
    }
}

int compile_status(const Diag *D)
{
    for (int k = 0; k < D->n; k++)
        if (D->v[k].severity == DIAG_ERROR && D->v[k].code == DC_UNITS) return compile_code_status(DC_UNITS);
    return compile_code_status(DC_SEMA);
}

/* Queue D's messages for the caller to report, in order. */
static void report(Compiled *C, Diag *D)
{
    C->reports = arena_append(C->arena, C->reports, C->nreports, sizeof *C->reports);
    C->reports[C->nreports++] = D;
}

/* Parse the overrides, each as a one-line source of its own; false if one
 * does not parse (its messages are queued). */
static bool parse_overrides(Compiled *C, const CompileInput *in, Override **out)
{
    Arena *A = C->arena;
    Override *ov = arena_alloc(A, sizeof *ov * (size_t)(in->noverrides + 1));
    bool ok = true;
    for (int k = 0; k < in->noverrides; k++) {
        const char *text = in->overrides[k];
        Source *src = source_new(A, "--set", text, (int)strlen(text));
        Diag *D = arena_alloc(A, sizeof *D);
        diag_init(D, A, src);
        Program *p = parse_program(A, D, src);
        if (p && (p->ndecls != 1 || p->decls[0]->kind != D_CONST)) {
            Span all = { 0, src->len };
            diag_error(D, all, "expected NAME=VALUE, e.g. --set w_gi=0.5*nS");
            p = NULL;
        }
        if (!p) {
            report(C, D);
            ok = false;
            continue;
        }
        ov[k].decl = p->decls[0];
        ov[k].D = D;
    }
    *out = ov;
    return ok;
}

void compile_fold_delays(Model *M)
{
    for (int k = 0; k < M->ngroups; k++) {
        Group *g = M->groups[k];
        g->delay_s = 0;
        if (g->delay) sema_const_value(g->delay, &g->delay_s);
    }
}

/* Every homogeneous delay (folded) must be a finite time >= 0; errors in D.
 * The network builder checks again, after constants set in code. */
static void check_delays(Model *M, Diag *D)
{
    for (int k = 0; k < M->ngroups; k++) {
        Group *g = M->groups[k];
        if (g->delay && isnan(g->delay_s))
            diag_error(D, g->delay->span, "the delay of %s is NaN: a delay must be a finite time >= 0", g->name);
        else if (g->delay && !(g->delay_s >= 0 && g->delay_s < INFINITY))
            diag_error(D, g->delay->span, "the delay of %s is %g s: a delay must be a finite time >= 0", g->name,
                       g->delay_s);
        for (int q = 0; q < g->npaths; q++) {
            double d = g->paths[q].delay;
            if (isnan(d))
                diag_error(D, g->paths[q].span, "the delay of %s.%s is NaN: a delay must be a finite time >= 0",
                           g->name, g->paths[q].name);
            else if (!(d >= 0 && d < INFINITY))
                diag_error(D, g->paths[q].span, "the delay of %s.%s is %g s: a delay must be a finite time >= 0",
                           g->name, g->paths[q].name, d);
        }
    }
}

/* The integration method of every group with equations, one line each. */
static const char *methods_text(Model *M)
{
    Buf b;
    buf_init(&b, M->arena);
    buf_puts(&b, "");
    for (int k = 0; k < M->ngroups; k++) {
        Group *g = M->groups[k];
        if (g->nodes) buf_printf(&b, "%s: %s\n", g->name, g->method_used ? g->method_used : "?");
    }
    return b.p;
}

/* The stages, inside the protection of compile_model. */
static void run(const CompileInput *in, Compiled *C, double t0)
{
    Arena *A = C->arena;
    C->src = source_new(A, in->names[0], C->text, (int)C->len);
    C->starts = arena_alloc(A, sizeof *C->starts * (size_t)in->nchunks);
    C->names = arena_alloc(A, sizeof *C->names * (size_t)in->nchunks);
    for (int k = 0; k < in->nchunks; k++) {
        C->starts[k] = in->starts[k];
        C->names[k] = arena_strdup(A, in->names[k]);
    }
    C->nchunks = in->nchunks;
    Diag *D = arena_alloc(A, sizeof *D);
    diag_init(D, A, C->src);
    C->diag = D;
    Program *prog = parse_program(A, D, C->src);
    if (!prog) {
        report(C, D);
        C->status = SNN_ESYNTAX;
        return;
    }
    Override *ov = NULL;
    if (!parse_overrides(C, in, &ov)) {
        C->status = SNN_ESYNTAX;
        return;
    }
    Model *M = sema_program(A, D, prog, ov, in->noverrides);
    for (int k = 0; k < in->noverrides; k++) report(C, ov[k].D);
    if (M) lower_model(M, D);
    if (!M || D->nerr) {
        report(C, D);
        C->status = compile_status(D);
        for (int k = 0; k < in->noverrides && C->status == SNN_ESEMA; k++)
            if (ov[k].D && ov[k].D->nerr) C->status = compile_status(ov[k].D);
        return;
    }
    for (int k = 0; k < in->nconsts; k++)
        for (int q = 0; q < M->nconsts; q++)
            if (!strcmp(M->consts[q]->name, in->consts[k].name)) M->consts[q]->value = in->consts[k].value;
    compile_fold_delays(M);
    check_delays(M, D);
    if (D->nerr) {
        report(C, D);
        C->status = compile_status(D);
        return;
    }
    C->methods = methods_text(M);
    double t1 = now();
    C->t_parse = t1 - t0;
    C->code = emit_model(M, D, &C->blocks);
    C->t_emit = now() - t1;
    C->model = M;
    C->status = SNN_OK;
}

int compile_model(const CompileInput *in, Compiled *C)
{
    double t0 = now();
    memset(C, 0, sizeof *C);
    C->arena = malloc(sizeof *C->arena);
    C->text = malloc(in->len + 1);
    if (!C->arena || !C->text) {
        free(C->arena);
        free(C->text);
        memset(C, 0, sizeof *C);
        return C->status = SNN_ENOMEM;
    }
    memcpy(C->text, in->text, in->len);
    C->text[in->len] = 0;
    C->len = in->len;
    arena_init(C->arena);
    pthread_mutex_lock(&compile_lock);
    jmp_buf oom;
    snn_arena_oom_jmp = &oom;
    if (setjmp(oom)) {
        /* nothing made in the arena survives: forget it all */
        snn_arena_oom_jmp = NULL;
        pthread_mutex_unlock(&compile_lock);
        arena_free(C->arena);
        C->src = NULL;
        C->starts = NULL;
        C->names = NULL;
        C->diag = NULL;
        C->model = NULL;
        C->code = C->methods = NULL;
        C->blocks = (BlockTable){ 0 };
        C->reports = NULL;
        C->nreports = 0;
        return C->status = SNN_ENOMEM;
    }
    run(in, C, t0);
    snn_arena_oom_jmp = NULL;
    pthread_mutex_unlock(&compile_lock);
    return C->status;
}

void compile_free(Compiled *c)
{
    if (c->arena) {
        arena_free(c->arena);
        free(c->arena);
    }
    free(c->text);
    memset(c, 0, sizeof *c);
}

Diag *compile_add_error(Compiled *c, int code, Span span, const char *msg)
{
    if (!c->arena || !c->src) return NULL;
    Diag *volatile D = NULL;
    pthread_mutex_lock(&compile_lock);
    jmp_buf oom;
    snn_arena_oom_jmp = &oom;
    if (!setjmp(oom)) {
        Diag *d = arena_alloc(c->arena, sizeof *d);
        diag_init(d, c->arena, c->src);
        diag_error_code(d, code, span, "%s", msg);
        D = d;
    } else {
        D = NULL;
    }
    snn_arena_oom_jmp = NULL;
    pthread_mutex_unlock(&compile_lock);
    return D;
}
