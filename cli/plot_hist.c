/* SPDX-License-Identifier: MIT */
/* This file contains the figures of the final states that `snnc run
 * --save-state` writes (DIR/<group>.state.csv): for a synapses object a
 * histogram of each per-synapse variable (the weight distribution a Brian2
 * user draws with plt.hist(S.w)), for a neuron group each variable against
 * the neuron index, or histograms too when it has more than STATE_MAX_DOTS
 * neurons (lastspike and not_refractory, the bookkeeping of refractoriness,
 * are left out).  Both stream the file twice (ranges, then counts or
 * pixel columns), so a hundred million synapses need no more memory than
 * three. */
#define _POSIX_C_SOURCE 200809L
#include "plot_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HIST_MAX_BINS 50
#define HIST_XGAP     44      /* extra room between panels for their own x labels */
#define STATE_MAX_DOTS 200    /* more neurons than this get histograms */

int hist_nbins(long n)
{
    long b = (long)ceil(sqrt((double)n));
    return b < 1 ? 1 : b > HIST_MAX_BINS ? HIST_MAX_BINS : (int)b;
}

void hist_range(double *lo, double *hi)
{
    if (*lo == *hi) {                            /* numpy: a constant gets (v-0.5, v+0.5) */
        *lo -= 0.5;
        *hi += 0.5;
    }
}

int hist_bin(double v, double lo, double hi, int nbins)
{
    if (!(v >= lo && v <= hi)) return -1;
    double norm = nbins / (hi - lo);
    long b = (long)((v - lo) * norm);
    if (b >= nbins) b = nbins - 1;
    /* numpy's correction against the edges linspace(lo, hi, nbins + 1) */
    double step = (hi - lo) / nbins;
    double e0 = b * step + lo, e1 = b + 1 == nbins ? hi : (b + 1) * step + lo;
    if (v < e0 && b > 0) b--;
    else if (v >= e1 && b + 1 < nbins) b++;
    return (int)b;
}

/* One panel: a variable's column, range, axes and counts or columns. */
typedef struct HPanel {
    int     col;
    char    var[64];
    double  vmin, vmax;
    Axis    x, y;
    long   *count;          /* histogram: per bin; values: unused */
    double *lo, *hi;        /* values: per pixel column, min and max (NAN: none) */
} HPanel;

typedef struct StateFig {
    char   title[160];
    bool   syn;             /* a synapses object's file (columns i, j first) */
    bool   hist;            /* histograms (synapses, many neurons), else values vs index */
    int    np, nbins, pw;
    long   nrows, shown;
    HPanel p[PLOT_MAX_PANELS];
    Layout L;
} StateFig;

/* DrawFn of a final-state figure (fig is a StateFig). */
static void draw_state(cairo_t *cr, const void *fig)
{
    const StateFig *F = fig;
    draw_title(cr, &F->L, F->title);
    for (int k = 0; k < F->np; k++) {
        const HPanel *p = &F->p[k];
        const Rect *r = &F->L.panel[k];
        draw_axes(cr, r, &p->x, &p->y, F->hist || k == F->np - 1);
        cairo_save(cr);
        cairo_rectangle(cr, r->x, r->y, r->w, r->h);
        cairo_clip(cr);
        const double *col = plot_palette[F->hist ? 0 : k % 10];
        cairo_set_source_rgb(cr, col[0], col[1], col[2]);
        if (F->hist) {
            double step = (p->vmax - p->vmin) / F->nbins;
            for (int b = 0; b < F->nbins; b++) {
                if (!p->count[b]) continue;
                double x0 = map_x(r, &p->x, (p->vmin + b * step) / p->x.scale);
                double x1 = map_x(r, &p->x, (p->vmin + (b + 1) * step) / p->x.scale);
                double y0 = map_y(r, &p->y, (double)p->count[b]), y1 = map_y(r, &p->y, 0);
                cairo_rectangle(cr, x0 + 0.5, y0, fmax(x1 - x0 - 1, 1), y1 - y0);
            }
            cairo_fill(cr);
        } else {
            bool dots = F->shown <= F->pw / 4;   /* few neurons: a dot each */
            for (int x = 0; x < F->pw; x++) {
                if (isnan(p->lo[x])) continue;
                double ylo = map_y(r, &p->y, p->lo[x] / p->y.scale), yhi = map_y(r, &p->y, p->hi[x] / p->y.scale);
                if (dots) cairo_arc(cr, r->x + x + 0.5, ylo, 3, 0, 2 * PI), cairo_new_sub_path(cr);
                else cairo_rectangle(cr, r->x + x, yhi - 1, 1.2, ylo - yhi + 2);
            }
            cairo_fill(cr);
        }
        cairo_restore(cr);
        if (!F->shown) draw_note(cr, r, F->nrows ? "no neuron in the --neurons range" : "empty group");
    }
}

/* Streams the rows once: pass 0 finds each variable's range; pass 1 bins
 * the values (histograms) or keeps each pixel column's extremes. */
static int state_scan(Ctx *c, StateFig *F, Table *t, double *row, int pass)
{
    int rc;
    long idx = -1;
    while ((rc = table_next(c, t, row)) == 1) {
        idx++;
        if (!F->syn && !neuron_shown(c, idx)) continue;
        if (!pass) F->shown++;
        for (int k = 0; k < F->np; k++) {
            HPanel *p = &F->p[k];
            double v = row[p->col];
            if (!isfinite(v)) continue;
            if (!pass) {
                p->vmin = fmin(p->vmin, v);
                p->vmax = fmax(p->vmax, v);
            } else if (F->hist) {
                int b = hist_bin(v, p->vmin, p->vmax, F->nbins);
                if (b >= 0) p->count[b]++;
            } else {
                long x = (long)floor(frac(&p->x, (double)idx) * F->pw);
                if (x < 0 || x >= F->pw) continue;
                p->lo[x] = isnan(p->lo[x]) ? v : fmin(p->lo[x], v);
                p->hi[x] = isnan(p->hi[x]) ? v : fmax(p->hi[x], v);
            }
        }
    }
    if (!pass) F->nrows = idx + 1;
    return rc;
}

static void state_free(StateFig *F)
{
    for (int k = 0; k < F->np; k++) {
        free(F->p[k].count);
        free(F->p[k].lo);
        free(F->p[k].hi);
    }
}

/* Sets up the axes of every panel once the ranges are known, and the
 * layout (histograms get room for an x axis each). */
static int state_axes(Ctx *c, StateFig *F, const char *group)
{
    Axis *yaxes[PLOT_MAX_PANELS];
    for (int k = 0; k < F->np; k++) {
        HPanel *p = &F->p[k];
        int lo, hi;
        double am = fmax(fabs(p->vmin), fabs(p->vmax));
        const char *base = plot_var_base(c, group, plot_state_unit(&c->run, group, p->var), p->var,
                                         isfinite(am) ? am : 0, &lo, &hi);
        if (!isfinite(p->vmin)) p->vmin = p->vmax = 0;
        if (F->hist) {
            hist_range(&p->vmin, &p->vmax);
            pick_unit(&p->x, p->var, base, fmax(fabs(p->vmin), fabs(p->vmax)), lo, hi);
            axis_range(&p->x, p->vmin / p->x.scale, p->vmax / p->x.scale, 0.03);
            p->count = calloc((size_t)F->nbins, sizeof *p->count);
            if (!p->count) return plot_fail(c, "out of memory");
        } else {
            pick_unit(&p->y, p->var, base, am, lo, hi);
            axis_range(&p->y, p->vmin / p->y.scale, p->vmax / p->y.scale, 0.05);
            p->x = (Axis){.integer = true, .scale = 1};
            snprintf(p->x.label, sizeof p->x.label, "neuron index");
            long first = c->o->neuron_lo, last = c->o->neuron_hi >= 0 ? c->o->neuron_hi - 1 : F->nrows - 1;
            if (last > F->nrows - 1) last = F->nrows - 1;
            if (last < first) last = first;
            axis_range(&p->x, first - 0.5, last + 0.5, 0.01);
        }
        yaxes[k] = &p->y;
    }
    /* histograms' count axes need the counts: one more pass sets them */
    if (!F->hist) {
        layout(&F->L, F->np, yaxes);
        F->pw = (int)floor(F->L.panel[0].w);
        for (int k = 0; k < F->np; k++) {
            HPanel *p = &F->p[k];
            p->lo = malloc(sizeof *p->lo * (size_t)F->pw);
            p->hi = malloc(sizeof *p->hi * (size_t)F->pw);
            if (!p->lo || !p->hi) return plot_fail(c, "out of memory");
            for (int x = 0; x < F->pw; x++) p->lo[x] = p->hi[x] = NAN;
        }
    }
    return 0;
}

/* The count axes and the layout of histograms, once counted. */
static void hist_layout(StateFig *F)
{
    Axis *yaxes[PLOT_MAX_PANELS];
    for (int k = 0; k < F->np; k++) {
        HPanel *p = &F->p[k];
        long top = 0;
        for (int b = 0; b < F->nbins; b++) top = p->count[b] > top ? p->count[b] : top;
        p->y = (Axis){.integer = true, .scale = 1};
        snprintf(p->y.label, sizeof p->y.label, F->syn ? "synapses" : "neurons");
        axis_range(&p->y, 0, top > 0 ? (double)top : 1, 0);
        axis_range(&p->y, 0, fmax(p->y.hi * 1.05, 1), 0);
        yaxes[k] = &p->y;
    }
    layout(&F->L, F->np, yaxes);
    for (int k = 1; k < F->np; k++) F->L.panel[k].y += k * HIST_XGAP;
    F->L.h += (F->np - 1) * HIST_XGAP;
}

int plot_state(Ctx *c, const char *group, const char *path)
{
    Table t;
    StateFig *F = calloc(1, sizeof *F);
    double *row = NULL;
    if (!F) return plot_fail(c, "out of memory");
    int rc = table_open_csv(c, &t, path);
    if (rc) goto out;
    F->syn = t.ncols >= 2 && !strcmp(t.names[0], "i") && !strcmp(t.names[1], "j");
    int skipped = 0;
    for (int j = F->syn ? 2 : 0; j < t.ncols; j++) {
        if (!strcmp(t.names[j], "lastspike") || !strcmp(t.names[j], "not_refractory"))
            continue;                            /* the bookkeeping of refractoriness */
        if (F->np == PLOT_MAX_PANELS) {
            skipped++;
            continue;
        }
        HPanel *p = &F->p[F->np++];
        p->col = j;
        p->vmin = INFINITY;
        p->vmax = -INFINITY;
        snprintf(p->var, sizeof p->var, "%s", t.names[j]);
    }
    if (skipped) plot_warn(c, "%s: %d variables beyond %d skipped", path, skipped, PLOT_MAX_PANELS);
    if (!F->np) {
        plot_warn(c, "%s: %s has no %s variables to draw", path, group, F->syn ? "per-synapse" : "neuron");
        goto out;
    }
    row = malloc(sizeof *row * (size_t)t.ncols);
    if (!row) rc = plot_fail(c, "out of memory");
    if (rc == 0) rc = state_scan(c, F, &t, row, 0);
    if (rc == 0) {
        F->hist = F->syn || F->shown > STATE_MAX_DOTS;
        F->nbins = hist_nbins(F->shown);
        if (F->hist)
            snprintf(F->title, sizeof F->title, "%s \u2014 final values of %ld %s%s (%d bins)", group,
                     F->shown, F->syn ? "synapse" : "neuron", F->shown == 1 ? "" : "s", F->nbins);
        else
            snprintf(F->title, sizeof F->title, "%s \u2014 final state of %ld neuron%s", group, F->nrows,
                     F->nrows == 1 ? "" : "s");
        rc = state_axes(c, F, group);
    }
    if (rc == 0 && F->nrows && (rc = table_rewind(c, &t)) == 0) rc = state_scan(c, F, &t, row, 1);
    if (rc == 0) {
        if (F->hist) hist_layout(F);
        char name[300];
        snprintf(name, sizeof name, "%s.state", group);
        rc = write_figure(c, name, F->L.w, F->L.h, draw_state, F);
    }
out:
    free(row);
    state_free(F);
    free(F);
    table_close(&t);
    return rc < 0 ? -1 : 0;
}
