/* SPDX-License-Identifier: MIT */
/* This file contains the public API of snn.h: a context that loads a model
 * (parse, check, integrate), emits and JIT-compiles its C code, builds the
 * runtime network from the checked model, runs it, and exposes results and
 * diagnostics. */
#include "snn.h"

#include <errno.h>
#include <malloc.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../compiler/diag.h"
#include "../compiler/emit.h"
#include "../compiler/lower.h"
#include "../compiler/parse.h"
#include "../compiler/sema.h"
#include "jit.h"
#include "net.h"
#include "build.h"
#include "output.h"

extern jmp_buf *snn_arena_oom_jmp;

struct snn_ctx {
    Arena        arena;          /* the compilation: source, AST, model, code */
    Model       *model;
    Diag        *diag;           /* diagnostics of the model source */
    char       **overrides;
    int          noverrides;
    uint64_t     seed;
    const char  *code;
    Jit         *jit;
    Net         *net;
    int          script_done;
    char        *errmsg;
    int          ndiags;
    DiagMsg     *diags;          /* copies for snn_diag_get (arena strings) */
    const char **diag_files;
    char        *summary;
    char        *methods;
    snn_error_cb cb;
    void        *cb_ud;
    double       t_parse, t_emit, t_jit, t_sim;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void tune_malloc_once(void)
{
    static int done;
    if (done) return;
    done = 1;
    /* libtcc allocates many small blocks; trimming and mmap thresholds that
     * are too low make it several times slower */
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_TOP_PAD, 16 << 20);
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
}

snn_ctx *snn_new(void)
{
    tune_malloc_once();
    snn_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return NULL;
    arena_init(&ctx->arena);
    ctx->errmsg = calloc(1, 1);
    if (!ctx->errmsg) {
        free(ctx);
        return NULL;
    }
    return ctx;
}

void snn_free(snn_ctx *ctx)
{
    if (!ctx) return;
    net_free(ctx->net);
    jit_free(ctx->jit);
    for (int k = 0; k < ctx->noverrides; k++) free(ctx->overrides[k]);
    free(ctx->overrides);
    free(ctx->errmsg);
    free(ctx->diags);
    free(ctx->diag_files);
    free(ctx->summary);
    free(ctx->methods);
    arena_free(&ctx->arena);
    free(ctx);
}

const char *snn_version(void) { return SNN_VERSION_STRING; }

/* ---- errors ---------------------------------------------------------- */

static void clear_error(snn_ctx *ctx)
{
    ctx->errmsg[0] = 0;
    ctx->ndiags = 0;
}

static void append_error(snn_ctx *ctx, const char *text)
{
    size_t a = strlen(ctx->errmsg), b = strlen(text);
    char *p = realloc(ctx->errmsg, a + b + 1);
    if (!p) return;
    memcpy(p + a, text, b + 1);
    ctx->errmsg = p;
    if (ctx->cb) ctx->cb(ctx->cb_ud, text);
}

static int set_error(snn_ctx *ctx, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int set_error(snn_ctx *ctx, int code, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf - 2, fmt, ap);
    va_end(ap);
    strcat(buf, "\n");
    append_error(ctx, buf);
    return code;
}

/* Copy a Diag's messages into the context's error text and list. */
static void take_diags(snn_ctx *ctx, Diag *D)
{
    if (!D->n) return;
    DiagMsg *v = realloc(ctx->diags, sizeof *v * (size_t)(ctx->ndiags + D->n));
    const char **f = realloc(ctx->diag_files, sizeof *f * (size_t)(ctx->ndiags + D->n));
    if (v) ctx->diags = v;
    if (f) ctx->diag_files = f;
    for (int k = 0; k < D->n; k++) {
        append_error(ctx, D->v[k].rendered);
        if (v && f) {
            ctx->diags[ctx->ndiags] = D->v[k];
            ctx->diag_files[ctx->ndiags] = D->src ? D->src->name : "";
            ctx->ndiags++;
        }
    }
    if (D->capped)
        append_error(ctx, arena_printf(D->arena, "%s: too many errors (%d), stopping\n",
                                       D->src ? D->src->name : "snnc", D->nerr));
}

const char *snn_errmsg(const snn_ctx *ctx) { return ctx ? ctx->errmsg : "no context"; }
int snn_diag_count(const snn_ctx *ctx) { return ctx ? ctx->ndiags : 0; }

int snn_diag_get(const snn_ctx *ctx, int k, const char **file, int *line, int *col, const char **msg)
{
    if (!ctx || k < 0 || k >= ctx->ndiags) return SNN_EMISUSE;
    if (file) *file = ctx->diag_files[k];
    if (line) *line = ctx->diags[k].line;
    if (col) *col = ctx->diags[k].col;
    if (msg) *msg = ctx->diags[k].msg;
    return SNN_OK;
}

void snn_set_error_cb(snn_ctx *ctx, snn_error_cb cb, void *ud)
{
    if (!ctx) return;
    ctx->cb = cb;
    ctx->cb_ud = ud;
}

/* ---- loading --------------------------------------------------------- */

int snn_set_override(snn_ctx *ctx, const char *assignment)
{
    if (!ctx || !assignment) return SNN_EMISUSE;
    if (ctx->model) return set_error(ctx, SNN_EMISUSE, "snn_set_override: must be called before loading");
    char **v = realloc(ctx->overrides, sizeof *v * (size_t)(ctx->noverrides + 1));
    if (!v) return SNN_ENOMEM;
    ctx->overrides = v;
    size_t n = strlen(assignment) + 1;
    v[ctx->noverrides] = malloc(n);
    if (!v[ctx->noverrides]) return SNN_ENOMEM;
    memcpy(v[ctx->noverrides++], assignment, n);
    return SNN_OK;
}

int snn_set_seed(snn_ctx *ctx, uint64_t seed)
{
    if (!ctx) return SNN_EMISUSE;
    ctx->seed = seed;
    return SNN_OK;
}

/* Which error code a failed check gets: units if any message is about them. */
static int sema_code(Diag *D)
{
    for (int k = 0; k < D->n; k++)
        if (D->v[k].severity == DIAG_ERROR && strstr(D->v[k].msg, "unit")) return SNN_EUNITS;
    return SNN_ESEMA;
}

/* Parse the overrides, each as a one-line source of its own. */
static int parse_overrides(snn_ctx *ctx, Override **out)
{
    Arena *A = &ctx->arena;
    Override *ov = arena_alloc(A, sizeof *ov * (size_t)(ctx->noverrides + 1));
    int bad = 0;
    for (int k = 0; k < ctx->noverrides; k++) {
        const char *text = ctx->overrides[k];
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
            take_diags(ctx, D);
            bad = 1;
            continue;
        }
        ov[k].decl = p->decls[0];
        ov[k].D = D;
    }
    *out = ov;
    return bad;
}

static int load(snn_ctx *ctx, const char *src_text, size_t len, const char *name)
{
    if (ctx->model) return set_error(ctx, SNN_EMISUSE, "a model is already loaded in this context");
    clear_error(ctx);
    double t0 = now();
    jmp_buf oom;
    snn_arena_oom_jmp = &oom;
    if (setjmp(oom)) {
        snn_arena_oom_jmp = NULL;
        return set_error(ctx, SNN_ENOMEM, "%s: out of memory while compiling", name);
    }
    Arena *A = &ctx->arena;
    Source *src = source_new(A, name, src_text, (int)len);
    Diag *D = arena_alloc(A, sizeof *D);
    diag_init(D, A, src);
    ctx->diag = D;
    int rc = SNN_OK;
    Override *ov = NULL;
    Program *prog = parse_program(A, D, src);
    if (!prog) {
        take_diags(ctx, D);
        rc = SNN_ESYNTAX;
    } else if (parse_overrides(ctx, &ov)) {
        rc = SNN_ESYNTAX;
    } else {
        Model *M = sema_program(A, D, prog, ov, ctx->noverrides);
        for (int k = 0; k < ctx->noverrides; k++) take_diags(ctx, ov[k].D);
        if (M) lower_model(M, D);
        if (!M || D->nerr) {
            take_diags(ctx, D);
            rc = sema_code(D);
            for (int k = 0; k < ctx->noverrides && rc == SNN_ESEMA; k++)
                if (ov[k].D && ov[k].D->nerr) rc = sema_code(ov[k].D);
        } else {
            ctx->model = M;
        }
    }
    snn_arena_oom_jmp = NULL;
    ctx->t_parse = now() - t0;
    return rc;
}

int snn_load_string(snn_ctx *ctx, const char *src, size_t len, const char *chunkname)
{
    if (!ctx || !src) return SNN_EMISUSE;
    return load(ctx, src, len, chunkname ? chunkname : "model");
}

int snn_load_file(snn_ctx *ctx, const char *path)
{
    if (!ctx || !path) return SNN_EMISUSE;
    clear_error(ctx);
    FILE *f = fopen(path, "rb");
    if (!f) return set_error(ctx, SNN_EIO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap) break;
        char *nb = realloc(buf, cap * 2);
        if (!nb) { free(buf); buf = NULL; break; }
        buf = nb;
        cap *= 2;
    }
    int err = ferror(f);
    fclose(f);
    if (!buf) return set_error(ctx, SNN_ENOMEM, "%s: out of memory", path);
    if (err) {
        free(buf);
        return set_error(ctx, SNN_EIO, "%s: read error", path);
    }
    if (memchr(buf, 0, n)) {
        free(buf);
        return set_error(ctx, SNN_ESYNTAX, "%s: this is not a text file (it contains NUL bytes)", path);
    }
    int rc = load(ctx, buf, n, path);
    free(buf);
    return rc;
}

/* ---- building the network -------------------------------------------- */

int snn_build(snn_ctx *ctx)
{
    if (!ctx) return SNN_EMISUSE;
    if (ctx->net) return SNN_OK;
    if (!ctx->model) return set_error(ctx, SNN_EMISUSE, "no model is loaded");
    clear_error(ctx);
    double t0 = now();
    ctx->code = emit_model(ctx->model, ctx->diag);
    double t1 = now();
    char err[4096];
    ctx->jit = jit_compile(ctx->code, err, sizeof err);
    double t2 = now();
    ctx->t_emit = t1 - t0;
    ctx->t_jit = t2 - t1;
    if (!ctx->jit)
        return set_error(ctx, SNN_EJIT, "%serror: the generated code did not compile (a bug in snnc; "
                         "please report it with the model)", err);
    int rc = build_network(ctx->model, ctx->jit, &ctx->arena, ctx->seed, &ctx->net);
    if (rc) {
        net_free(ctx->net);
        ctx->net = NULL;
        return set_error(ctx, rc, "out of memory while building the network");
    }
    return SNN_OK;
}

/* ---- running --------------------------------------------------------- */

int snn_run(snn_ctx *ctx, double duration)
{
    if (!ctx) return SNN_EMISUSE;
    if (!(duration >= 0)) return set_error(ctx, SNN_EMISUSE, "snn_run: the duration must be >= 0 seconds");
    int rc = snn_build(ctx);
    if (rc) return rc;
    double t0 = now();
    /* Brian2: the number of steps of a run is round(duration/dt) */
    int64_t steps = (int64_t)(duration / ctx->net->dt + 0.5);
    rc = net_run(ctx->net, steps);
    ctx->t_sim += now() - t0;
    return rc;
}

int snn_run_script(snn_ctx *ctx)
{
    if (!ctx || !ctx->model) return SNN_EMISUSE;
    for (int k = 0; k < ctx->model->nruns; k++) {
        int rc = snn_run(ctx, ctx->model->runs[k]);
        if (rc) return rc;
    }
    return SNN_OK;
}

double snn_time(const snn_ctx *ctx)
{
    return ctx && ctx->net ? (double)ctx->net->step * ctx->net->dt : 0.0;
}

double snn_dt(const snn_ctx *ctx)
{
    return ctx && ctx->model ? ctx->model->dt : 0.0;
}

/* ---- results --------------------------------------------------------- */

int64_t snn_group_size(snn_ctx *ctx, const char *group)
{
    if (!ctx || !group || snn_build(ctx)) return -1;
    RtGroup *g = net_find_group(ctx->net, group);
    return g ? g->n : -1;
}

double *snn_var(snn_ctx *ctx, const char *group, const char *var, size_t *count)
{
    if (!ctx || !group || !var || snn_build(ctx)) return NULL;
    RtGroup *g = net_find_group(ctx->net, group);
    if (!g) return NULL;
    for (int k = 0; k < g->nvars; k++)
        if (!strcmp(g->varnames[k], var)) {
            if (count) *count = (size_t)g->n;
            return g->arr[k];
        }
    return NULL;
}

int snn_spikes(snn_ctx *ctx, const char *monitor, const int32_t **idx, const int64_t **steps, size_t *count)
{
    if (!ctx || !monitor) return SNN_EMISUSE;
    int rc = snn_build(ctx);
    if (rc) return rc;
    RtMonitor *m = net_find_monitor(ctx->net, monitor);
    if (!m || m->kind != RM_SPIKE) return set_error(ctx, SNN_ENOTFOUND, "no spike monitor named '%s'", monitor);
    if (idx) *idx = m->idx.v;
    if (steps) *steps = m->steps.v;
    if (count) *count = m->idx.n;
    return SNN_OK;
}

int snn_monitor_count(const snn_ctx *ctx)
{
    return ctx && ctx->model ? ctx->model->nmonitors : 0;
}

const char *snn_monitor_name(const snn_ctx *ctx, int k)
{
    if (!ctx || !ctx->model || k < 0 || k >= ctx->model->nmonitors) return NULL;
    return ctx->model->monitors[k]->name;
}

int snn_write_outputs(snn_ctx *ctx, const char *dir)
{
    if (!ctx || !dir) return SNN_EMISUSE;
    int rc = snn_build(ctx);
    if (rc) return rc;
    char err[1024];
    if (output_write_all(ctx->net, dir, err, sizeof err)) return set_error(ctx, SNN_EIO, "%s", err);
    return SNN_OK;
}

const char *snn_summary(snn_ctx *ctx)
{
    if (!ctx || snn_build(ctx)) return "";
    free(ctx->summary);
    ctx->summary = output_summary(ctx->net);
    return ctx->summary ? ctx->summary : "";
}

const char *snn_generated_code(snn_ctx *ctx)
{
    if (!ctx || !ctx->model) return NULL;
    if (!ctx->code) ctx->code = emit_model(ctx->model, ctx->diag);
    return ctx->code;
}

const char *snn_methods(snn_ctx *ctx)
{
    if (!ctx || !ctx->model) return "";
    Buf b;
    buf_init(&b, &ctx->arena);
    for (int k = 0; k < ctx->model->ngroups; k++) {
        Group *g = ctx->model->groups[k];
        if (g->nodes) buf_printf(&b, "%s: %s\n", g->name, g->method_used ? g->method_used : "?");
    }
    return b.p;
}

void snn_timings(const snn_ctx *ctx, double *parse, double *emit, double *jit, double *sim)
{
    if (parse) *parse = ctx ? ctx->t_parse : 0;
    if (emit) *emit = ctx ? ctx->t_emit : 0;
    if (jit) *jit = ctx ? ctx->t_jit : 0;
    if (sim) *sim = ctx ? ctx->t_sim : 0;
}
