/* SPDX-License-Identifier: MIT */
/* This file contains the profile figure of the plotting module (`snnc plot
 * DIR --along 10ms,20ms`): for a state monitor of a spatialneurons group,
 * each recorded variable against the distance along the cable (run.json's
 * "distance" of each recorded compartment) at the chosen times, one line per
 * time.  A line joins the compartments of one section in their order, so
 * branches that share distances stay apart; each compartment is a dot. */
#define _POSIX_C_SOURCE 200809L
#include "plot_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct AlongPanel {
    char   var[64];
    Axis   y;
    int   *cols;            /* the table's columns of var, in recorded order */
    int   *pos;             /* each column's position in run.json's record list */
    int    n;
    double vmin, vmax;
} AlongPanel;

typedef struct Along {
    char        title[200];
    Axis        x;
    AlongPanel  p[PLOT_MAX_PANELS];
    int         np;
    Layout      L;
    int         nt;                 /* the --along times */
    double      t_at[PLOT_MAX_ALONG];   /* the time of the row drawn for each */
    double     *vals;               /* nt x ncols: that row's values */
    int         ncols;
    const RunMonitor *m;
} Along;

/* The variable of a column "v_12" ("v"), and its neuron index (-1: none). */
static long split_column(const char *col, char *var, size_t n)
{
    long nrn = column_neuron(col);
    size_t len = strlen(col);
    if (nrn >= 0) len = (size_t)(strrchr(col, '_') - col);
    snprintf(var, n, "%.*s", (int)len, col);
    return nrn;
}

/* "10 ms": a time for the legend and title. */
static void time_text(char *buf, size_t n, double t)
{
    double a = fabs(t);
    int e = a >= 1 || a == 0 ? 0 : a >= 1e-3 ? 1 : a >= 1e-6 ? 2 : 3;
    snprintf(buf, n, "%.4g %ss", t * pow(1e3, e), (const char *[]){ "", "m", "\u00b5", "n" }[e]);
}

/* The legend (one entry per time) in the top right corner of r. */
static void draw_times(cairo_t *cr, const Along *F, const Rect *r)
{
    char label[32];
    font(cr, FS_LEGEND, false);
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    double lh = fe.ascent + fe.descent + 3, tw = 0;
    for (int k = 0; k < F->nt; k++) {
        time_text(label, sizeof label, F->t_at[k]);
        tw = fmax(tw, text_width(cr, label));
    }
    double w = 8 + 22 + 6 + tw + 8, h = F->nt * lh + 8, x = r->x + r->w - 8 - w, y = r->y + 8;
    cairo_rectangle(cr, x + 0.5, y + 0.5, w, h);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.88);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.78, 0.78, 0.78);
    cairo_set_line_width(cr, 1);
    cairo_stroke(cr);
    for (int k = 0; k < F->nt; k++) {
        double cy = y + 4 + (k + 0.5) * lh;
        const double *col = plot_palette[k % 10];
        cairo_set_source_rgb(cr, col[0], col[1], col[2]);
        cairo_set_line_width(cr, 2);
        cairo_move_to(cr, x + 8, cy);
        cairo_line_to(cr, x + 30, cy);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        time_text(label, sizeof label, F->t_at[k]);
        text_at(cr, x + 36, cy, 0, 0.5, label);
    }
}

/* DrawFn (fig is an Along): a panel per variable, a line per time. */
static void draw_along(cairo_t *cr, const void *fig)
{
    const Along *F = fig;
    draw_title(cr, &F->L, F->title);
    for (int k = 0; k < F->np; k++) {
        const AlongPanel *p = &F->p[k];
        const Rect *r = &F->L.panel[k];
        draw_axes(cr, r, &F->x, &p->y, k == F->np - 1);
        cairo_save(cr);
        cairo_rectangle(cr, r->x, r->y, r->w, r->h);
        cairo_clip(cr);
        cairo_set_line_width(cr, 1.5);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        for (int q = 0; q < F->nt; q++) {
            const double *col = plot_palette[q % 10];
            const double *row = F->vals + (size_t)q * (size_t)F->ncols;
            cairo_set_source_rgb(cr, col[0], col[1], col[2]);
            for (int i = 0; i < p->n; i++) {
                double x = map_x(r, &F->x, F->m->distance[p->pos[i]] / F->x.scale);
                double y = map_y(r, &p->y, row[p->cols[i]] / p->y.scale);
                bool joined = i > 0 && F->m->section && !strcmp(F->m->section[p->pos[i]], F->m->section[p->pos[i - 1]]);
                if (joined) cairo_line_to(cr, x, y);
                else {
                    cairo_stroke(cr);
                    cairo_move_to(cr, x, y);
                }
            }
            cairo_stroke(cr);
            for (int i = 0; i < p->n; i++) {
                double x = map_x(r, &F->x, F->m->distance[p->pos[i]] / F->x.scale);
                double y = map_y(r, &p->y, row[p->cols[i]] / p->y.scale);
                cairo_arc(cr, x, y, 2.2, 0, 2 * PI);
                cairo_fill(cr);
            }
        }
        cairo_restore(cr);
        draw_times(cr, F, r);
    }
}

static void along_free(Along *F)
{
    for (int k = 0; k < F->np; k++) {
        free(F->p[k].cols);
        free(F->p[k].pos);
    }
    free(F->vals);
}

/* The panels: the columns of each variable whose neuron run.json records
 * (with its distance), at most PLOT_MAX_PANELS variables. */
static int along_panels(Ctx *c, Along *F, const Table *t, const char *name)
{
    char var[64];
    for (int j = 1; j < t->ncols; j++) {
        long nrn = split_column(t->names[j], var, sizeof var);
        int pos = -1;
        for (int q = 0; nrn >= 0 && q < F->m->nrecord; q++)
            if (F->m->record[q] == nrn) pos = q;
        if (pos < 0 || !neuron_shown(c, nrn)) continue;
        int k = 0;
        while (k < F->np && strcmp(F->p[k].var, var)) k++;
        if (k == PLOT_MAX_PANELS) continue;
        AlongPanel *p = &F->p[k];
        if (k == F->np) {
            F->np++;
            snprintf(p->var, sizeof p->var, "%s", var);
            p->cols = malloc(sizeof *p->cols * (size_t)t->ncols);
            p->pos = malloc(sizeof *p->pos * (size_t)t->ncols);
            if (!p->cols || !p->pos) return plot_fail(c, "out of memory");
            p->vmin = INFINITY;
            p->vmax = -INFINITY;
        }
        p->cols[p->n] = j;
        p->pos[p->n++] = pos;
    }
    if (!F->np) return plot_fail(c, "--along: %s records no compartment%s", name,
                                 c->o->neuron_hi >= 0 ? " in the --neurons range" : "");
    return 0;
}

int plot_along(Ctx *c, const RunMonitor *m, Table *t)
{
    Along *F = calloc(1, sizeof *F);
    double *row = malloc(sizeof *row * (size_t)t->ncols);
    double best[PLOT_MAX_ALONG], tmin = INFINITY, tmax = -INFINITY, step = 0, prev = NAN;
    int rc = F && row ? 0 : plot_fail(c, "out of memory");
    if (rc == 0) {
        F->m = m;
        F->nt = c->o->nalong;
        F->ncols = t->ncols;
        F->vals = calloc((size_t)F->nt * (size_t)t->ncols, sizeof *F->vals);
        rc = F->vals ? along_panels(c, F, t, m->name) : plot_fail(c, "out of memory");
    }
    for (int q = 0; q < PLOT_MAX_ALONG; q++) best[q] = INFINITY;
    /* the row nearest each time */
    while (rc == 0 && (rc = table_next(c, t, row)) == 1) {
        if (!isfinite(row[0])) continue;
        if (isfinite(prev) && !(step > 0)) step = row[0] - prev;
        prev = row[0];
        tmin = fmin(tmin, row[0]);
        tmax = fmax(tmax, row[0]);
        for (int q = 0; q < F->nt; q++)
            if (fabs(row[0] - c->o->along[q]) < best[q]) {
                best[q] = fabs(row[0] - c->o->along[q]);
                F->t_at[q] = row[0];
                memcpy(F->vals + (size_t)q * (size_t)t->ncols, row, sizeof *row * (size_t)t->ncols);
            }
        rc = 0;
    }
    double tol = 0.5 * (step > 0 ? step : c->run.dt > 0 ? c->run.dt : 0) * (1 + 1e-9);
    for (int q = 0; rc == 0 && q < F->nt; q++)
        if (!(best[q] <= tol)) {
            char a[32], lo[32], hi[32];
            time_text(a, sizeof a, c->o->along[q]);
            time_text(lo, sizeof lo, tmin);
            time_text(hi, sizeof hi, tmax);
            rc = isfinite(tmin) ? plot_fail(c, "--along %s: %s recorded from %s to %s", a, m->name, lo, hi)
                                : plot_fail(c, "--along %s: %s recorded nothing", a, m->name);
        }
    if (rc == 0) {
        double dmax = 0;
        for (int k = 0; k < F->np; k++) {
            AlongPanel *p = &F->p[k];
            for (int q = 0; q < F->nt; q++)
                for (int i = 0; i < p->n; i++) {
                    double v = F->vals[(size_t)q * (size_t)t->ncols + (size_t)p->cols[i]];
                    p->vmin = fmin(p->vmin, v);
                    p->vmax = fmax(p->vmax, v);
                }
            for (int i = 0; i < p->n; i++) dmax = fmax(dmax, m->distance[p->pos[i]]);
        }
        pick_unit(&F->x, "distance", "m", dmax, -9, 0);
        axis_range(&F->x, 0, dmax / F->x.scale, 0.03);
        Axis *yaxes[PLOT_MAX_PANELS];
        for (int k = 0; k < F->np; k++) {
            AlongPanel *p = &F->p[k];
            double am = fmax(fabs(p->vmin), fabs(p->vmax));
            int lo, hi;
            const char *base = plot_var_base(c, m->name, plot_run_unit(&c->run, m->name, p->var), p->var, am,
                                             &lo, &hi);
            pick_unit(&p->y, p->var, base, am, lo, hi);
            axis_range(&p->y, p->vmin / p->y.scale, p->vmax / p->y.scale, 0.05);
            yaxes[k] = &p->y;
        }
        layout(&F->L, F->np, yaxes);
        snprintf(F->title, sizeof F->title, "%s \u2014 along the cable%s%.60s", m->name, m->source ? " of " : "",
                 m->source ? m->source : "");
        char fname[600];
        snprintf(fname, sizeof fname, "%s.along", m->name);
        rc = write_figure(c, fname, F->L.w, F->L.h, draw_along, F);
    }
    if (F) along_free(F);
    free(F);
    free(row);
    return rc < 0 ? -1 : 0;
}
