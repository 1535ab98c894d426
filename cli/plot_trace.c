/* SPDX-License-Identifier: MIT */
/* This file contains the line figures of the plotting module: a state
 * monitor's traces (one panel per variable, one line per recorded neuron
 * with a legend of neuron indices) and a rate monitor's population rate,
 * raw or smoothed with Brian2's windows (smooth.c).  Each column is reduced
 * per pixel column to its first, lowest, highest and last samples, so
 * spikes and resets survive and the figure's size does not grow with the
 * run. */
#define _POSIX_C_SOURCE 200809L
#include "plot_impl.h"
#include "smooth.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One drawn column, reduced per pixel column (bucket) to its first, lowest,
 * highest and last samples; points are kept in SI (t, value) pairs. */
typedef struct Series {
    int         col;        /* the table's column; 0: the smoothed rate */
    char        name[64];   /* in the legend: "P[12]" (source and index), "neuron 12" */
    double     *xy;
    size_t      n, cap;
    long        b;          /* bucket of the samples in pt (valid when cnt > 0) */
    int         cnt;
    double      pt[4][2];   /* first, min, max, last samples of the bucket */
    long        seq[4];
} Series;

typedef struct Panel {
    char    var[64];
    Axis    y;
    Series *s;
    int     ns, total;      /* drawn / existing columns of this variable */
    double  vmin, vmax;
} Panel;

typedef struct Lines {
    char   title[160];
    Axis   x;
    Panel  p[PLOT_MAX_PANELS];
    int    np;
    Layout L;
    bool   legend;
    long   nrows;           /* rows with a finite time inside the --window */
    double tmin, tmax;
    double *smooth;         /* the smoothed rate, one value per row */
    long   nsmooth;
} Lines;

/* Appends a point to s->xy, growing it. */
static int push_pt(Series *s, double x, double y)
{
    if (s->n == s->cap) {
        double *p = realloc(s->xy, (s->cap ? s->cap * 2 : 256) * 2 * sizeof *p);
        if (!p) return -1;
        s->xy = p;
        s->cap = s->cap ? s->cap * 2 : 256;
    }
    s->xy[2 * s->n] = x;
    s->xy[2 * s->n + 1] = y;
    s->n++;
    return 0;
}

/* Emits the current bucket's distinct samples in time order. */
static int series_flush(Series *s)
{
    int ord[4] = {0, 1, 2, 3};
    for (int i = 1; i < 4; i++)                  /* sort by sample number */
        for (int j = i; j > 0 && s->seq[ord[j]] < s->seq[ord[j - 1]]; j--) {
            int t = ord[j];
            ord[j] = ord[j - 1];
            ord[j - 1] = t;
        }
    for (int i = 0; s->cnt && i < 4; i++)
        if ((i == 0 || s->seq[ord[i]] != s->seq[ord[i - 1]]) &&
            push_pt(s, s->pt[ord[i]][0], s->pt[ord[i]][1]) < 0)
            return -1;
    s->cnt = 0;
    return 0;
}

/* Adds sample number seq, (x, y), falling in bucket b: a new bucket flushes
 * the previous one, otherwise first/min/max/last are updated. */
static int series_add(Series *s, long b, long seq, double x, double y)
{
    if (s->cnt && b != s->b && series_flush(s) < 0) return -1;
    s->b = b;
    for (int k = 0; k < 4; k++)                  /* first, min, max, last */
        if (!s->cnt || (k == 1 && y < s->pt[1][1]) || (k == 2 && y > s->pt[2][1]) || k == 3) {
            s->pt[k][0] = x;
            s->pt[k][1] = y;
            s->seq[k] = seq;
        }
    s->cnt++;
    return 0;
}

/* Picks the legend corner of r crossed by the fewest line segments (a
 * segment counts when its bounding box meets the legend's). */
static void legend_place(const Lines *F, const Panel *p, const Rect *r, double w, double h,
                         double *lx, double *ly)
{
    const double pad = 8;
    const double cx[4] = {r->x + r->w - pad - w, r->x + pad, r->x + r->w - pad - w, r->x + pad};
    const double cy[4] = {r->y + pad, r->y + pad, r->y + r->h - pad - h, r->y + r->h - pad - h};
    long best = -1;
    for (int k = 0; k < 4; k++) {
        long cnt = 0;
        for (int i = 0; i < p->ns; i++) {
            double px = 0, py = 0;
            for (size_t j = 0; j < p->s[i].n; j++) {
                double x = map_x(r, &F->x, p->s[i].xy[2 * j] / F->x.scale);
                double y = map_y(r, &p->y, p->s[i].xy[2 * j + 1] / p->y.scale);
                if (j == 0) px = x, py = y;
                cnt += fmax(x, px) >= cx[k] - 3 && fmin(x, px) <= cx[k] + w + 3 &&
                       fmax(y, py) >= cy[k] - 3 && fmin(y, py) <= cy[k] + h + 3;
                px = x;
                py = y;
            }
        }
        if (best < 0 || cnt < best) {
            best = cnt;
            *lx = cx[k];
            *ly = cy[k];
        }
    }
}

/* Draws the legend of panel p: one entry per drawn column (at most
 * LEGEND_MAX, then "+N more"), in the least crowded corner. */
static void draw_legend(cairo_t *cr, const Lines *F, const Panel *p, const Rect *r)
{
    char more[64];
    int shown = p->ns <= LEGEND_MAX ? p->ns : LEGEND_MAX - 1;
    int rows = shown + (p->total > shown);
    snprintf(more, sizeof more, "+%d more", p->total - shown);
    font(cr, FS_LEGEND, false);
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    double lh = fe.ascent + fe.descent + 3, tw = 0;
    for (int i = 0; i < shown; i++) tw = fmax(tw, text_width(cr, p->s[i].name));
    if (rows > shown) tw = fmax(tw, text_width(cr, more));
    double w = 8 + 22 + 6 + tw + 8, h = rows * lh + 8, x = 0, y = 0;
    legend_place(F, p, r, w, h, &x, &y);
    cairo_rectangle(cr, x + 0.5, y + 0.5, w, h);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.88);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.78, 0.78, 0.78);
    cairo_set_line_width(cr, 1);
    cairo_stroke(cr);
    for (int i = 0; i < rows; i++) {
        double cy = y + 4 + (i + 0.5) * lh;
        if (i < shown) {
            const double *col = plot_palette[i % 10];
            cairo_set_source_rgb(cr, col[0], col[1], col[2]);
            cairo_set_line_width(cr, 2);
            cairo_move_to(cr, x + 8, cy);
            cairo_line_to(cr, x + 30, cy);
            cairo_stroke(cr);
        }
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        text_at(cr, x + 36, cy, 0, 0.5, i < shown ? p->s[i].name : more);
    }
}

/* DrawFn of state and rate monitors (fig is a Lines): stacked panels. */
static void draw_lines(cairo_t *cr, const void *fig)
{
    const Lines *F = fig;
    draw_title(cr, &F->L, F->title);
    for (int k = 0; k < F->np; k++) {
        const Panel *p = &F->p[k];
        const Rect *r = &F->L.panel[k];
        draw_axes(cr, r, &F->x, &p->y, k == F->np - 1);
        cairo_save(cr);
        cairo_rectangle(cr, r->x, r->y, r->w, r->h);
        cairo_clip(cr);
        cairo_set_line_width(cr, 1.3);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        for (int i = 0; i < p->ns; i++) {
            const Series *s = &p->s[i];
            const double *col = plot_palette[i % 10];
            cairo_set_source_rgb(cr, col[0], col[1], col[2]);
            for (size_t j = 0; j < s->n; j++) {
                double x = map_x(r, &F->x, s->xy[2 * j] / F->x.scale);
                double y = map_y(r, &p->y, s->xy[2 * j + 1] / p->y.scale);
                if (s->n == 1) cairo_arc(cr, x, y, 3, 0, 2 * PI);
                else if (j == 0) cairo_move_to(cr, x, y);
                else cairo_line_to(cr, x, y);
            }
            if (s->n == 1) cairo_fill(cr);
            else cairo_stroke(cr);
        }
        cairo_restore(cr);
        if (!F->nrows) draw_note(cr, r, "no samples recorded");
        else if (F->legend && p->ns) draw_legend(cr, F, p, r);
    }
}

/* Splits a column name "v_12" into its variable "v" (names without a
 * "_<digits>" suffix are their own variable). */
static void var_of(const char *col, char *var, size_t n)
{
    size_t len = strlen(col), d = len;
    while (d > 0 && col[d - 1] >= '0' && col[d - 1] <= '9') d--;
    if (d < len && d >= 2 && col[d - 1] == '_') len = d - 1;
    snprintf(var, n, "%.*s", (int)len, col);
}

long column_neuron(const char *col)
{
    size_t len = strlen(col), d = len;
    while (d > 0 && col[d - 1] >= '0' && col[d - 1] <= '9') d--;
    if (d == len || d < 2 || col[d - 1] != '_' || len - d > 9) return -1;
    return strtol(col + d, NULL, 10);
}

static void lines_free(Lines *F)
{
    for (int k = 0; k < F->np; k++) {
        for (int i = 0; i < F->p[k].ns; i++) free(F->p[k].s[i].xy);
        free(F->p[k].s);
    }
    free(F->smooth);
}

/* Groups the columns of t into panels (one per variable) and picks the
 * columns to draw: those of the neurons --neurons shows, evenly spread when
 * a variable has too many. */
static int make_panels(Ctx *c, Lines *F, const Table *t, const char *name)
{
    const RunMonitor *m = plot_run_monitor(&c->run, name);     /* legend: "P[3]", as Brian2's M.v[3] */
    int *pan = malloc(sizeof *pan * (size_t)t->ncols);
    if (!pan) return plot_fail(c, "out of memory");
    char var[64];
    int skipped = 0, hidden = 0;
    for (int j = 1; j < t->ncols; j++) {
        pan[j] = -1;
        long nrn = column_neuron(t->names[j]);
        if (nrn >= 0 && !neuron_shown(c, nrn)) {
            hidden++;
            continue;
        }
        var_of(t->names[j], var, sizeof var);
        int k = 0;
        while (k < F->np && strcmp(F->p[k].var, var)) k++;
        if (k == F->np) {
            if (F->np == PLOT_MAX_PANELS) {
                skipped++;
                continue;
            }
            snprintf(F->p[F->np++].var, sizeof F->p[0].var, "%s", var);
        }
        pan[j] = k;
        F->p[k].total++;
    }
    if (skipped) plot_warn(c, "%s: %d columns beyond %d variables skipped", name, skipped, F->np);
    if (hidden && !F->np)
        plot_warn(c, "%s: none of its %d recorded traces is of a neuron in the --neurons range", name, hidden);
    for (int k = 0; k < F->np; k++) {
        Panel *p = &F->p[k];
        int want = p->total < PLOT_MAX_TRACES ? p->total : PLOT_MAX_TRACES;
        p->s = calloc((size_t)want, sizeof *p->s);
        if (!p->s) break;
        p->vmin = INFINITY;
        p->vmax = -INFINITY;
        int seen = 0;                            /* columns of var so far */
        for (int j = 1; j < t->ncols && p->ns < want; j++) {
            if (pan[j] != k) continue;
            /* take the column when it is the next of want evenly spaced */
            if (seen++ == (int)((long)p->ns * p->total / want)) {
                Series *s = &p->s[p->ns++];
                s->col = j;
                long nrn = column_neuron(t->names[j]);
                if (nrn >= 0 && m && m->source) snprintf(s->name, sizeof s->name, "%.24s[%ld]", m->source, nrn);
                else if (nrn >= 0) snprintf(s->name, sizeof s->name, "neuron %ld", nrn);
                else snprintf(s->name, sizeof s->name, "%s", t->names[j]);
            }
        }
        if (p->total > want) plot_warn(c, "%s: drawing %d of the %d traces of %s", name, want, p->total,
                                       p->var);
    }
    free(pan);
    for (int k = 0; k < F->np; k++)
        if (!F->p[k].s) return plot_fail(c, "out of memory");
    return 0;
}

/* Streams the rows of t once.  Pass 0 finds the time and value ranges and
 * counts the rows inside the --window; pass 1 feeds those samples, bucketed
 * by pixel column pw wide, into the series.  A series of column 0 takes the
 * smoothed rate of the row instead. */
static int scan(Ctx *c, Lines *F, Table *t, double *row, int pass, double pw)
{
    int rc;
    long seq = 0, rowno = -1;
    while ((rc = table_next(c, t, row)) == 1) {
        rowno++;
        double tm = row[0];
        if (!isfinite(tm) || tm < c->o->t_lo || tm > c->o->t_hi) continue;
        long b = pass ? (long)floor(frac(&F->x, tm / F->x.scale) * pw) : 0;
        F->tmin = fmin(F->tmin, tm);
        F->tmax = fmax(F->tmax, tm);
        F->nrows += !pass;
        seq++;
        for (int k = 0; k < F->np; k++)
            for (int i = 0; i < F->p[k].ns; i++) {
                Panel *p = &F->p[k];
                double v = p->s[i].col ? row[p->s[i].col] : rowno < F->nsmooth ? F->smooth[rowno] : NAN;
                if (!isfinite(v)) continue;
                p->vmin = fmin(p->vmin, v);
                p->vmax = fmax(p->vmax, v);
                if (pass && series_add(&p->s[i], b, seq, tm, v) < 0) return plot_fail(c, "out of memory");
            }
    }
    for (int k = 0; pass && rc == 0 && k < F->np; k++)
        for (int i = 0; i < F->p[k].ns; i++)
            if (series_flush(&F->p[k].s[i]) < 0) return plot_fail(c, "out of memory");
    return rc;
}

/* Reads the whole rate (t, rate) of t and smooths it as --smooth says into
 * F->smooth, with the time step of the samples (run.json's dt when they
 * are at it, as Brian2 uses its clock's dt).  The rate's one series is
 * then drawn from F->smooth. */
static int smooth_lines(Ctx *c, Lines *F, Table *t, double *row)
{
    size_t n = 0, cap = 0;
    double *r = NULL, t0 = 0, t1 = 0, step = 0;
    int rc;
    while ((rc = table_next(c, t, row)) == 1) {
        if (n == cap) {
            double *nr = realloc(r, sizeof *r * (cap = cap ? 2 * cap : 4096));
            if (!nr) {
                free(r);
                return plot_fail(c, "out of memory");
            }
            r = nr;
        }
        if (n == 0) t0 = row[0];
        else if (n == 1) step = row[0] - t0;
        else if (!(fabs(row[0] - t1 - step) <= 1e-6 * step)) {
            free(r);
            return plot_fail(c, "%s: the rate is not sampled at a regular step (t = %g s after %g s); "
                             "--smooth needs one", table_where(t), row[0], t1);
        }
        t1 = row[0];
        r[n++] = row[1];
    }
    if (rc < 0 || (rc = table_rewind(c, t)) < 0) {
        free(r);
        return -1;
    }
    double dt = c->run.dt > 0 && (n < 2 || fabs(step - c->run.dt) <= 1e-6 * c->run.dt) ? c->run.dt : step;
    if (n && !(dt > 0)) dt = c->run.dt;
    F->smooth = malloc(sizeof *F->smooth * (n ? n : 1));
    if (!F->smooth) {
        free(r);
        return plot_fail(c, "out of memory");
    }
    F->nsmooth = (long)n;
    if (n && smooth_rate(r, n, dt, c->o->smooth, c->o->smooth_width, F->smooth)) {
        free(r);
        return plot_fail(c, "%s: cannot smooth with a %s window of %g s at dt = %g s", t->path,
                         smooth_name(c->o->smooth), c->o->smooth_width, dt);
    }
    free(r);
    F->p[0].s[0].col = 0;
    return 0;
}

/* Plots a state or population rate monitor: panels and columns from the
 * header, ranges from pass 0, then units, ticks and layout, then the reduced
 * series from pass 1. */
int plot_lines(Ctx *c, const char *name, Table *t, enum Kind kind)
{
    Lines *F = calloc(1, sizeof *F);
    if (!F) return plot_fail(c, "out of memory");
    F->tmin = INFINITY;
    F->tmax = -INFINITY;
    int rc = make_panels(c, F, t, name);
    double *row = malloc(sizeof *row * (size_t)t->ncols);
    if (!row && rc == 0) rc = plot_fail(c, "out of memory");
    bool smoothed = kind == K_RATE && c->o->smooth != SMOOTH_NONE && rc == 0 && F->np == 1 && F->p[0].ns == 1;
    if (rc == 0 && !F->np) goto out;                 /* nothing to draw: said by make_panels */
    if (smoothed) rc = smooth_lines(c, F, t, row);
    if (rc == 0) rc = scan(c, F, t, row, 0, 0);
    if (rc < 0) goto out;

    F->legend = kind == K_STATE;
    const RunMonitor *m = plot_run_monitor(&c->run, name);
    char of[80] = "";
    if (m && m->source) snprintf(of, sizeof of, " of %s", m->source);
    if (smoothed) {
        char w[32];
        double v = c->o->smooth_width;
        int e = v >= 1 ? 0 : v >= 1e-3 ? 1 : v >= 1e-6 ? 2 : 3;
        snprintf(w, sizeof w, "%.4g %ss", v * pow(1e3, e), (const char *[]){"", "m", "\u00b5", "n"}[e]);
        snprintf(F->title, sizeof F->title, "%s \u2014 population rate%s, %s window %s", name, of,
                 smooth_name(c->o->smooth), w);
    } else
        snprintf(F->title, sizeof F->title, "%s \u2014 %s%s", name,
                 kind == K_RATE ? "population rate" : "state monitor", of);
    if (!F->nrows && (isfinite(c->o->t_lo) || isfinite(c->o->t_hi)))
        plot_warn(c, "%s: no samples in the --window", name);
    time_axis(c, &F->x, F->tmin, F->tmax, 0.03);
    Axis *yaxes[PLOT_MAX_PANELS];
    for (int k = 0; k < F->np; k++) {
        Panel *p = &F->p[k];
        double am = fmax(fabs(p->vmin), fabs(p->vmax));
        int lo = -15, hi = 3;
        const char *base = "Hz";
        if (kind == K_STATE) base = plot_var_base(c, name, plot_run_unit(&c->run, name, p->var), p->var, am, &lo, &hi);
        if (kind == K_RATE) p->vmin = fmin(p->vmin, 0);      /* rates are shown from 0 */
        pick_unit(&p->y, p->var, base, am, lo, hi);
        axis_range(&p->y, p->vmin / p->y.scale, p->vmax / p->y.scale, 0.05);
        yaxes[k] = &p->y;
    }
    layout(&F->L, F->np, yaxes);
    if (F->nrows && (rc = table_rewind(c, t)) == 0)
        rc = scan(c, F, t, row, 1, floor(F->L.panel[0].w));
    if (rc == 0) rc = write_figure(c, name, F->L.w, F->L.h, draw_lines, F);
out:
    free(row);
    lines_free(F);
    free(F);
    return rc < 0 ? -1 : 0;
}
