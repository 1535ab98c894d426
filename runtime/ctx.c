/* SPDX-License-Identifier: MIT */
/* This file contains the context of the public API (snn.h): its creation and
 * release, the small string helpers the API's files share, and errors: the
 * message of the last call, the error callback, and diagnostics copied from
 * the compiler (placed in the chunk they are about). */
#include "api_int.h"

#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

_Static_assert(SNN_SLOT_START == SLOT_START && SNN_SLOT_GROUPS == SLOT_GROUPS &&
               SNN_SLOT_THRESHOLDS == SLOT_THRESHOLDS && SNN_SLOT_SYNAPSES == SLOT_SYNAPSES &&
               SNN_SLOT_RESETS == SLOT_RESETS && SNN_SLOT_END == SLOT_END && SLOT_COUNT == 6,
               "snn.h slots must match abi.h");

/* {====================================================================
 * The context
 * ===================================================================== */

double api_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double api_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* libtcc allocates many small blocks; trimming and mmap thresholds that
 * are too low make it several times slower */
static void tune_malloc(void)
{
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_TOP_PAD, 16 << 20);
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
}

static void tune_malloc_once(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, tune_malloc);
}

char *api_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *api_strdup(const char *s) { return s ? api_strndup(s, strlen(s)) : NULL; }

void api_str_put(Str *s, const char *x, size_t n)
{
    if (s->oom) return;
    if (s->n + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 256;
        while (cap < s->n + n + 1) cap *= 2;
        char *p = realloc(s->p, cap);
        if (!p) {
            s->oom = true;
            return;
        }
        s->p = p;
        s->cap = cap;
    }
    memcpy(s->p + s->n, x, n);
    s->n += n;
    s->p[s->n] = 0;
}

void api_str_puts(Str *s, const char *x) { api_str_put(s, x, strlen(x)); }

void api_str_printf(Str *s, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof buf) {
        api_str_put(s, buf, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        s->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    api_str_put(s, big, (size_t)n);
    free(big);
}

snn_ctx *snn_new(void)
{
    tune_malloc_once();
    snn_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return NULL;
    ctx->errmsg = calloc(1, 1);
    if (!ctx->errmsg) {
        free(ctx);
        return NULL;
    }
    return ctx;
}

void api_chunk_free(Chunk *c)
{
    free(c->name);
    free(c->text);
    free(c->obj);
    free(c->header);
    for (int k = 0; k < c->nitems; k++) {
        free(c->items[k].key);
        free(c->items[k].text);
    }
    free(c->items);
}

static void clear_diags(snn_ctx *ctx)
{
    for (int k = 0; k < ctx->ndiags; k++) {
        free(ctx->diags[k].file);
        free(ctx->diags[k].msg);
    }
    free(ctx->diags);
    ctx->diags = NULL;
    ctx->ndiags = 0;
}

void api_stored_free(StoredState *s)
{
    for (int k = 0; s->gen && k < s->ngroups; k++) {
        free(s->gen[k].step);
        free(s->gen[k].idx);
    }
    free(s->gen);
    free(s->snap);
    free(s->name);
}

void snn_free(snn_ctx *ctx)
{
    if (!ctx) return;
    net_free(ctx->net);
    tier_free(ctx->tier);
    jit_free(ctx->jit);
    for (int k = 0; k < ctx->nchunks; k++) api_chunk_free(&ctx->chunks[k]);
    free(ctx->chunks);
    for (int k = 0; k < ctx->noverrides; k++) free(ctx->overrides[k]);
    free(ctx->overrides);
    for (int k = 0; k < ctx->nsets; k++) free(ctx->sets[k].name);
    free(ctx->sets);
    for (int k = 0; k < ctx->ncbs; k++) free(ctx->cbs[k]);
    free(ctx->cbs);
    injections_free(&ctx->inj);
    for (int k = 0; k < ctx->nstored; k++) api_stored_free(&ctx->stored[k]);
    free(ctx->stored);
    compile_free(&ctx->cur);
    clear_diags(ctx);
    free(ctx->errmsg);
    free(ctx->summary);
    free(ctx->mpi_comm);
    free(ctx);
}

const char *snn_version(void) { return SNN_VERSION_STRING; }

/* {====================================================================
 * Errors
 * ===================================================================== */

void api_clear_error(snn_ctx *ctx)
{
    ctx->errmsg[0] = 0;
    clear_diags(ctx);
}

void api_append_error(snn_ctx *ctx, const char *text)
{
    size_t a = strlen(ctx->errmsg), b = strlen(text);
    char *p = realloc(ctx->errmsg, a + b + 1);
    if (!p) return;
    memcpy(p + a, text, b + 1);
    ctx->errmsg = p;
    if (ctx->cb) ctx->cb(ctx->cb_ud, text);
}

int api_set_error(snn_ctx *ctx, int code, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf - 2, fmt, ap);
    va_end(ap);
    strcat(buf, "\n");
    api_append_error(ctx, buf);
    return code;
}

/* Record one diagnostic: the structured copy and the rendered text. */
static void add_diag(snn_ctx *ctx, const char *file, int line, int col, const char *msg, const char *rendered)
{
    DiagCopy *v = realloc(ctx->diags, sizeof *v * (size_t)(ctx->ndiags + 1));
    if (v) {
        ctx->diags = v;
        DiagCopy *d = &v[ctx->ndiags];
        d->file = api_strdup(file);
        d->msg = api_strdup(msg);
        d->line = line;
        d->col = col;
        if (d->file && d->msg) ctx->ndiags++;
        else {
            free(d->file);
            free(d->msg);
        }
    }
    api_append_error(ctx, rendered);
}

/* Which chunk of C holds byte offset off. */
static int layout_chunk(const Compiled *C, int off)
{
    int k = 0;
    while (k + 1 < C->nchunks && (size_t)off >= C->starts[k + 1]) k++;
    return k;
}

/* Render a message of the whole source against its chunk: the chunk's name,
 * line and column within the chunk, the line and a caret (as diag.c). */
static void add_chunk_diag(snn_ctx *ctx, const Compiled *C, const DiagMsg *m)
{
    const Source *s = C->src;
    Str r = { 0 };
    if (m->span.start < 0) {
        api_str_printf(&r, "%s: %s: %s\n", C->names[0], diag_severity_name(m->severity), m->msg);
        add_diag(ctx, C->names[0], 0, 0, m->msg, r.p ? r.p : "");
        free(r.p);
        return;
    }
    int k = layout_chunk(C, m->span.start);
    int line, col, line0, col0;
    source_linecol(s, m->span.start, &line, &col);
    source_linecol(s, (int)C->starts[k], &line0, &col0);
    api_str_printf(&r, "%s:%d:%d: %s: %s\n", C->names[k], line - line0 + 1, col, diag_severity_name(m->severity), m->msg);
    int ls = s->line_starts[line - 1], le = ls;
    while (le < s->len && s->text[le] != '\n' && s->text[le] != '\r') le++;
    api_str_printf(&r, "    %.*s\n    ", le - ls, s->text + ls);
    int from = m->span.start < ls ? ls : m->span.start;
    int to = m->span.end > le ? le : m->span.end;
    for (int q = ls; q < from; q++) api_str_puts(&r, s->text[q] == '\t' ? "\t" : " ");
    api_str_puts(&r, "^");
    for (int q = from + 1; q < to; q++) api_str_puts(&r, "~");
    api_str_puts(&r, "\n");
    add_diag(ctx, C->names[k], line - line0 + 1, col, m->msg, r.p ? r.p : "");
    free(r.p);
}

void api_take_diags(snn_ctx *ctx, const Diag *D, const Compiled *C)
{
    const Compiled *L = C && C->src && D->src == C->src ? C : NULL;
    for (int k = 0; k < D->n; k++) {
        if (L && L->nchunks > 1) add_chunk_diag(ctx, L, &D->v[k]);
        else add_diag(ctx, D->src ? D->src->name : "", D->v[k].line, D->v[k].col, D->v[k].msg, D->v[k].rendered);
    }
    if (D->capped) {
        char buf[600];
        snprintf(buf, sizeof buf, "%s: too many errors (%d), stopping\n",
                 L && L->nchunks > 1 ? L->names[0] : D->src ? D->src->name : "snnc", D->nerr);
        api_append_error(ctx, buf);
    }
}

void api_note(snn_ctx *ctx, const char *fmt, ...)
{
    if (!ctx->cb) return;
    char buf[1400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf - 2, fmt, ap);
    va_end(ap);
    strcat(buf, "\n");
    ctx->cb(ctx->cb_ud, buf);
}

const char *snn_errmsg(const snn_ctx *ctx) { return ctx ? ctx->errmsg : "no context"; }
int snn_diag_count(const snn_ctx *ctx) { return ctx ? ctx->ndiags : 0; }

int snn_diag_get(const snn_ctx *ctx, int k, const char **file, int *line, int *col, const char **msg)
{
    if (!ctx || k < 0 || k >= ctx->ndiags) return SNN_EMISUSE;
    if (file) *file = ctx->diags[k].file;
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

/* Calls that change the model or the network's shape may not run inside a
 * callback. */
int api_not_running(snn_ctx *ctx, const char *fn)
{
    if (ctx->running) return api_set_error(ctx, SNN_EMISUSE, "%s: not allowed during a run (from a callback)", fn);
    return SNN_OK;
}

