/* SPDX-License-Identifier: MIT */
/* This file contains the tables the plots read monitors from: a CSV file
 * streamed line by line (compiler/csv.c's reader), or a monitor's .npy
 * arrays (npy.c) read side by side as if they were the CSV's columns, so
 * every figure reads both the same way. */
#define _POSIX_C_SOURCE 200809L
#include "plot_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = 0;
    return s;
}

/* An empty file gives ncols == 0. */
int table_open_csv(Ctx *ctx, Table *c, const char *path)
{
    memset(c, 0, sizeof *c);
    c->path = path;
    if (csv_reader_open(&c->rd, path) < 0) return plot_fail(ctx, "cannot open '%s': %s", path, strerror(errno));
    int got = csv_reader_line(&c->rd);
    if (got < 0) return plot_fail(ctx, "cannot read '%s': %s", path, strerror(errno));
    if (got == 0) return 0;
    c->lineno = 1;
    char *h = c->rd.line;
    if ((unsigned char)h[0] == 0xEF && (unsigned char)h[1] == 0xBB && (unsigned char)h[2] == 0xBF)
        h += 3;                                  /* UTF-8 byte order mark */
    c->hdr = strdup(h);
    c->raw = strdup(trim(h));
    if (!c->hdr || !c->raw) return plot_fail(ctx, "out of memory");
    int k = 1;
    for (const char *p = c->hdr; *p; p++) k += *p == ',';
    c->names = malloc(sizeof *c->names * (size_t)k);
    if (!c->names) return plot_fail(ctx, "out of memory");
    char *p = c->hdr;
    for (int i = 0; i < k; i++) {
        char *e = strchr(p, ',');
        if (e) *e = 0;
        c->names[i] = trim(p);
        p = e ? e + 1 : p + strlen(p);
    }
    c->ncols = k;
    if (k == 1 && !c->names[0][0]) c->ncols = 0;
    return 0;
}

/* Goes back to the first data line. */
static int csv_rewind(Ctx *ctx, Table *c)
{
    csv_reader_rewind(&c->rd);
    c->lineno = 0;
    if (csv_reader_line(&c->rd) <= 0) return plot_fail(ctx, "cannot re-read '%s'", c->path);
    c->lineno = 1;
    return 0;
}

/* Reads the next data row into row[0..ncols-1], skipping blank lines.
 * Returns 1 for a row, 0 at end of file, -1 (ctx->err = "file:line: ...")
 * for a read error or a malformed line. */
static int csv_next(Ctx *ctx, Table *c, double *row)
{
    for (;;) {
        int got = csv_reader_line(&c->rd);
        if (got < 0)
            return plot_fail(ctx, "%s:%ld: read error: %s", c->path, c->lineno + 1, strerror(errno));
        if (got == 0) return 0;
        c->lineno++;
        char *p = trim(c->rd.line);
        if (!*p) continue;
        int nf = csv_reader_split(&c->rd, p, ",", false);
        if (nf < 0) return plot_fail(ctx, "out of memory");
        int k = 0;
        for (; k < nf; k++) {
            char *fs = c->rd.fields[k], *end;
            while (*fs == ' ' || *fs == '\t') fs++;
            double v = strtod(fs, &end);
            char *q = end;
            while (*q == ' ' || *q == '\t') q++;
            if (end == fs || *q) {
                int fl = (int)strlen(fs);
                if (fl == 0)
                    return plot_fail(ctx, "%s:%ld: field %d is empty", c->path, c->lineno, k + 1);
                return plot_fail(ctx, "%s:%ld: field %d ('%.*s') is not a number", c->path,
                            c->lineno, k + 1, fl > 40 ? 40 : fl, fs);
            }
            if (k < c->ncols) row[k] = v;
        }
        if (k != c->ncols)
            return plot_fail(ctx, "%s:%ld: expected %d fields (as in the header), found %d",
                        c->path, c->lineno, c->ncols, k);
        return 1;
    }
}

/* The kind from the column names alone (the same for CSV and npy). */
enum Kind table_kind(const Table *c)
{
    if (c->ncols == 2 && !strcmp(c->names[0], "i") && !strcmp(c->names[1], "t")) return K_SPIKES;
    if (c->ncols == 2 && !strcmp(c->names[0], "t") && !strcmp(c->names[1], "rate")) return K_RATE;
    if (c->ncols >= 2 && !strcmp(c->names[0], "t")) {
        for (int i = 1; i < c->ncols; i++)
            if (!c->names[i][0]) return K_UNKNOWN;
        return K_STATE;
    }
    return K_UNKNOWN;
}


/* ---- npy arrays ---------------------------------------------------- */

/* Adds a column name to t (malloc'd copy). */
static int add_name(Ctx *c, Table *t, const char *name)
{
    char **v = realloc(t->names, sizeof *v * (size_t)(t->ncols + 1));
    if (!v) return plot_fail(c, "out of memory");
    t->names = v;
    if (!(v[t->ncols] = strdup(name))) return plot_fail(c, "out of memory");
    t->ncols++;
    return 0;
}

int table_open_npy(Ctx *c, Table *t, const RunMonitor *m)
{
    memset(t, 0, sizeof *t);
    t->npy = true;
    if (m->nfiles != m->nvars || m->nvars < 2)
        return plot_fail(c, "%s/run.json: monitor %s lists %d files for %d variables", c->dir, m->name, m->nfiles,
                         m->nvars);
    t->arr = calloc((size_t)m->nfiles, sizeof *t->arr);
    t->paths = calloc((size_t)m->nfiles, sizeof *t->paths);
    if (!t->arr || !t->paths) return plot_fail(c, "out of memory");
    for (int k = 0; k < m->nfiles; k++) {
        if (strchr(m->files[k], '/'))
            return plot_fail(c, "%s/run.json: monitor %s: file '%s' is not in the run's directory", c->dir,
                             m->name, m->files[k]);
        if (!(t->paths[k] = plot_cat3(c->dir, "/", m->files[k]))) return plot_fail(c, "out of memory");
        t->narr = k + 1;
        if (npy_open(&t->arr[k], t->paths[k], c->err, sizeof c->err)) return -1;
        NpyFile *a = &t->arr[k];
        if (a->rows != t->arr[0].rows)
            return plot_fail(c, "%s: %zu rows, but %s has %zu (the arrays of a monitor have one row per "
                             "spike or step)", t->paths[k], a->rows, m->files[0], t->arr[0].rows);
        bool matrix = m->kind && !strcmp(m->kind, "statemonitor") && k > 0;
        if (!matrix && a->ndim != 1)
            return plot_fail(c, "%s: a %s of monitor %s should be one-dimensional, it has shape (%zu, %zu)",
                             t->paths[k], m->vars[k], m->name, a->rows, a->cols);
        if (matrix && m->nrecord >= 0 && a->cols != (size_t)m->nrecord && a->ndim == 2)
            return plot_fail(c, "%s: %zu columns, but run.json records %d neurons", t->paths[k], a->cols,
                             m->nrecord);
        /* column names as in the CSV: a state variable's v_<neuron> */
        for (size_t q = 0; q < a->cols; q++) {
            char name[96];
            if (matrix && a->ndim == 2)
                snprintf(name, sizeof name, "%s_%d", m->vars[k], m->nrecord > 0 ? m->record[q] : (int)q);
            else snprintf(name, sizeof name, "%s", m->vars[k]);
            if (add_name(c, t, name)) return -1;
        }
    }
    t->path = t->paths[0];
    t->nrows = (long)t->arr[0].rows;
    return 0;
}

static int npy_next(Ctx *c, Table *t, double *row)
{
    int col = 0;
    for (int k = 0; k < t->narr; k++) {
        int rc = npy_read_row(&t->arr[k], row + col, t->paths[k], c->err, sizeof c->err);
        if (rc <= 0) return rc;
        col += (int)t->arr[k].cols;
    }
    t->lineno++;
    return 1;
}

/* ---- either -------------------------------------------------------- */

int table_rewind(Ctx *c, Table *t)
{
    if (!t->npy) return csv_rewind(c, t);
    t->lineno = 0;
    for (int k = 0; k < t->narr; k++)
        if (npy_rewind(&t->arr[k])) return plot_fail(c, "cannot re-read '%s'", t->paths[k]);
    return 0;
}

int table_next(Ctx *c, Table *t, double *row)
{
    return t->npy ? npy_next(c, t, row) : csv_next(c, t, row);
}

const char *table_where(Table *t)
{
    if (t->npy) snprintf(t->where, sizeof t->where, "%.500s, row %ld", t->path, t->lineno - 1);
    else snprintf(t->where, sizeof t->where, "%.500s:%ld", t->path, t->lineno);
    return t->where;
}

void table_close(Table *t)
{
    if (t->npy) {
        for (int k = 0; k < t->ncols; k++) free(t->names[k]);
        for (int k = 0; k < t->narr; k++) npy_close(&t->arr[k]);
        if (t->paths)
            for (int k = 0; t->arr && k < t->narr; k++) free(t->paths[k]);
        free(t->paths);
        free(t->arr);
    } else csv_reader_close(&t->rd);
    free(t->names);
    free(t->hdr);
    free(t->raw);
    memset(t, 0, sizeof *t);
}
