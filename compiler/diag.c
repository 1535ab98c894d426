/* SPDX-License-Identifier: MIT */
/* This file contains the diagnostics engine: it records errors with their
 * spans and renders them GCC-style ("file:line:col: error: ..."), followed by
 * the source line and a caret with tildes under the span, as jq does. */
#include "diag.h"

#include <stdio.h>
#include <string.h>

Source *source_new(Arena *A, const char *name, const char *text, int len)
{
    Source *s = arena_alloc(A, sizeof *s);
    s->name = arena_strdup(A, name);
    s->text = arena_strndup(A, text, (size_t)len);
    s->len = len;
    int n = 1;
    for (int k = 0; k < len; k++)
        if (text[k] == '\n') n++;
    s->line_starts = arena_alloc(A, sizeof(int) * (size_t)(n + 1));
    s->line_starts[0] = 0;
    int l = 1;
    for (int k = 0; k < len; k++)
        if (text[k] == '\n') s->line_starts[l++] = k + 1;
    s->nlines = n;
    return s;
}

/* Line and column (1-based; columns count bytes, tabs as one) of an offset. */
void source_linecol(const Source *s, int off, int *line, int *col)
{
    int lo = 0, hi = s->nlines - 1;
    if (off > s->len) off = s->len;
    if (off < 0) off = 0;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (s->line_starts[mid] <= off) lo = mid;
        else hi = mid - 1;
    }
    *line = lo + 1;
    *col = off - s->line_starts[lo] + 1;
}

const char *diag_severity_name(int severity) { return severity == DIAG_NOTE ? "note" : "error"; }

void diag_init(Diag *D, Arena *A, Source *src)
{
    memset(D, 0, sizeof *D);
    D->arena = A;
    D->src = src;
}

/* Append the excerpt: the source line, then a caret line under the span. */
static void render_excerpt(Buf *b, const Source *s, Span sp, int line)
{
    int ls = s->line_starts[line - 1];
    int le = ls;
    while (le < s->len && s->text[le] != '\n' && s->text[le] != '\r') le++;
    buf_printf(b, "    %.*s\n    ", le - ls, s->text + ls);
    int from = sp.start < ls ? ls : sp.start;
    int to = sp.end > le ? le : sp.end;
    for (int k = ls; k < from; k++) buf_put(b, s->text[k] == '\t' ? "\t" : " ", 1);
    buf_put(b, "^", 1);
    for (int k = from + 1; k < to; k++) buf_put(b, "~", 1);
    buf_put(b, "\n", 1);
}

void diag_verror(Diag *D, int severity, Span span, const char *fmt, va_list ap)
{
    diag_vmsg(D, severity, D->code, span, fmt, ap);
}

void diag_error_code(Diag *D, int code, Span span, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vmsg(D, DIAG_ERROR, code, span, fmt, ap);
    va_end(ap);
}

void diag_vmsg(Diag *D, int severity, int code, Span span, const char *fmt, va_list ap)
{
    if (severity == DIAG_ERROR) {
        if (D->nerr >= DIAG_MAX_ERRORS) {
            D->capped = true;
            D->nerr++;
            return;
        }
        D->nerr++;
    }
    if (D->n == D->cap) {
        int cap = D->cap ? D->cap * 2 : 8;
        DiagMsg *v = arena_alloc(D->arena, sizeof *v * (size_t)cap);
        if (D->n) memcpy(v, D->v, sizeof *v * (size_t)D->n);
        D->v = v;
        D->cap = cap;
    }
    DiagMsg *m = &D->v[D->n++];
    m->severity = severity;
    m->code = code;
    m->span = span;
    m->msg = arena_vprintf(D->arena, fmt, ap);
    Buf b;
    buf_init(&b, D->arena);
    if (D->src && span.start >= 0) {
        source_linecol(D->src, span.start, &m->line, &m->col);
        buf_printf(&b, "%s:%d:%d: %s: %s\n", D->src->name, m->line, m->col, diag_severity_name(severity), m->msg);
        render_excerpt(&b, D->src, span, m->line);
    } else {
        buf_printf(&b, "%s: %s: %s\n", D->src ? D->src->name : "snnc", diag_severity_name(severity), m->msg);
    }
    m->rendered = b.p;
}

void diag_error(Diag *D, Span span, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_verror(D, DIAG_ERROR, span, fmt, ap);
    va_end(ap);
}

void diag_note(Diag *D, Span span, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (D->nerr <= DIAG_MAX_ERRORS) diag_verror(D, DIAG_NOTE, span, fmt, ap);
    va_end(ap);
}

void diag_error_nospan(Diag *D, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    Span none = { -1, -1 };
    diag_verror(D, DIAG_ERROR, none, fmt, ap);
    va_end(ap);
}

/* Levenshtein distance, capped for speed on long names. */
static int edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 40 || lb > 40) return 99;
    int d[41][41];
    for (size_t i = 0; i <= la; i++) d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++) d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < c) c = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < c) c = d[i][j - 1] + 1;
            d[i][j] = c;
        }
    return d[la][lb];
}

const char *diag_suggest(const char *name, const char *const *cands, int n)
{
    const char *best = NULL;
    int bestd = 99;
    size_t len = strlen(name);
    int limit = len <= 2 ? 1 : len <= 5 ? 2 : 3;
    for (int k = 0; k < n; k++) {
        if (!cands[k] || !strcmp(cands[k], name)) continue;
        int dd = edit_distance(name, cands[k]);
        if (dd < bestd) { bestd = dd; best = cands[k]; }
    }
    return bestd <= limit ? best : NULL;
}
