/* SPDX-License-Identifier: MIT */
/* This file contains the spike rasters of the plotting module: the spikes
 * of a spike monitor (CSV or npy) counted per pixel cell in two streaming
 * passes and drawn as a tick per spike for few neurons, a dot per occupied
 * cell, or a density image when most cells are hit, so the picture's size
 * does not grow with the number of spikes. */
#define _POSIX_C_SOURCE 200809L
#include "plot_impl.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Raster {
    char      title[160];
    Axis      x, y;
    Layout    L;
    long      nspikes;
    bool      ticks;        /* few neurons: a vertical tick per spike */
    bool      dense;        /* most cells hit: draw a density image */
    int       pw, nrows;    /* cell grid: pixel columns x (neurons|pixel rows) */
    uint16_t *count;        /* spikes per cell, row * pw + column, saturating */
    double    qref;         /* count drawn fully opaque when dense */
    long      ilo;          /* the first neuron shown */
} Raster;

/* Draws a dense raster as an image, one pixel per cell, its opacity growing
 * with the number of spikes in the cell (so bands of activity stay visible). */
static void draw_density(cairo_t *cr, const Raster *R, const Rect *r, const double *col)
{
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, R->pw, R->nrows);
    unsigned char *data = cairo_image_surface_get_data(img);
    if (data) {
        int stride = cairo_image_surface_get_stride(img);
        cairo_surface_flush(img);
        for (int y = 0; y < R->nrows; y++) {
            uint32_t *px = (uint32_t *)(void *)(data + (size_t)(R->nrows - 1 - y) * stride);
            for (int x = 0; x < R->pw; x++) {
                uint16_t c = R->count[(size_t)y * R->pw + x];
                double a = c ? fmin(1, 0.25 + 0.75 * (c - 1) / fmax(R->qref - 1, 1)) : 0;
                px[x] = (uint32_t)(a * 255 + 0.5) << 24;          /* premultiplied ARGB */
                for (int k = 0; k < 3; k++)
                    px[x] |= (uint32_t)(col[k] * a * 255 + 0.5) << (16 - 8 * k);
            }
        }
        cairo_surface_mark_dirty(img);
        cairo_set_source_surface(cr, img, r->x, r->y + r->h - R->nrows);
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
        cairo_paint(cr);
    }
    cairo_surface_destroy(img);
}

/* DrawFn of a spike raster (fig is a Raster). */
static void draw_raster(cairo_t *cr, const void *fig)
{
    static const double col[3] = {0.10, 0.23, 0.50};
    const Raster *R = fig;
    const Rect *r = &R->L.panel[0];
    draw_title(cr, &R->L, R->title);
    draw_axes(cr, r, &R->x, &R->y, true);
    if (!R->nspikes) {
        draw_note(cr, r, "no spikes recorded");
        return;
    }
    cairo_save(cr);
    cairo_rectangle(cr, r->x, r->y, r->w, r->h);
    cairo_clip(cr);
    if (R->dense) draw_density(cr, R, r, col);
    /* Sparse: a tick or dot per occupied cell, horizontal runs merged. */
    double sp = r->h / (R->y.hi - R->y.lo);      /* pixels per neuron */
    double th = fmin(sp * 0.6, 18), d = fmin(fmax(sp * 0.9, 1.6), 3.0);
    for (int y = 0; !R->dense && y < R->nrows; y++) {
        const uint16_t *row = R->count + (size_t)y * R->pw;
        for (int x = 0; x < R->pw; x++) {
            if (!row[x]) continue;
            int x0 = x;
            while (x + 1 < R->pw && row[x + 1]) x++;
            double l = r->x + x0 + 0.5, len = x - x0;
            if (R->ticks) cairo_rectangle(cr, l - 0.9, map_y(r, &R->y, (double)(y + R->ilo)) - th / 2, len + 1.8, th);
            else cairo_rectangle(cr, l - d / 2, r->y + r->h - y - 0.5 - d / 2, len + d, d);
        }
    }
    cairo_set_source_rgb(cr, col[0], col[1], col[2]);
    cairo_fill(cr);
    cairo_restore(cr);
}

/* Decides between marks and a density image and, for the latter, the count
 * shown fully opaque (the 98th percentile of the occupied cells). */
static void raster_density(Raster *R)
{
    size_t ncell = (size_t)R->pw * R->nrows, occ = 0, hist[65] = {0};
    for (size_t k = 0; k < ncell; k++)
        if (R->count[k]) {
            occ++;
            hist[R->count[k] < 64 ? R->count[k] : 64]++;
        }
    R->dense = !R->ticks && occ > ncell / 5;
    size_t acc = 0;
    for (R->qref = 1; R->qref < 64 && (acc += hist[(int)R->qref]) < occ * 0.98; R->qref++) {}
}

/* Whether spike (i, t) is inside the --neurons range and --window. */
static bool spike_shown(const Ctx *c, double i, double t)
{
    return neuron_shown(c, (long)i) && t >= c->o->t_lo && t <= c->o->t_hi;
}

/* Plots a spike monitor: pass 1 validates the rows and finds the time and
 * index ranges of the spikes shown, pass 2 counts them per cell of the
 * plot's grid. */
int plot_spikes(Ctx *c, const char *name, Table *t)
{
    double row[2], tmin = INFINITY, tmax = -INFINITY, imax = -1;
    long n = 0, all = 0;
    int rc;
    while ((rc = table_next(c, t, row)) == 1) {
        if (!(row[0] >= 0 && row[0] < 4e9 && row[0] == floor(row[0])))
            return plot_fail(c, "%s: neuron index %g is not a non-negative integer", table_where(t), row[0]);
        if (!isfinite(row[1]))
            return plot_fail(c, "%s: spike time is not finite", table_where(t));
        all++;
        if (!spike_shown(c, row[0], row[1])) continue;
        n++;
        tmin = fmin(tmin, row[1]);
        tmax = fmax(tmax, row[1]);
        imax = fmax(imax, row[0]);
    }
    if (rc < 0) return -1;

    Raster R = {.nspikes = n, .y = {.integer = true, .scale = 1, .label = "neuron index"}};
    const RunMonitor *m = plot_run_monitor(&c->run, name);
    char of[80] = "";
    if (m && m->source) snprintf(of, sizeof of, " of %.60s", m->source);
    if (n == all)
        snprintf(R.title, sizeof R.title, "%s \u2014 spike raster%s (%ld spike%s)", name, of, n, n == 1 ? "" : "s");
    else
        snprintf(R.title, sizeof R.title, "%s \u2014 spike raster%s (%ld of %ld spikes shown)", name, of, n, all);
    if (!n) tmax = 1;                            /* no spikes: show 0..1 s */
    if (!n || (tmin >= 0 && tmin <= 0.25 * tmax)) tmin = 0;    /* runs start at 0 */
    time_axis(c, &R.x, tmin, tmax, 0.02);
    double up = ceil(tmax / R.x.scale / R.x.step - 1e-9) * R.x.step;
    if (n && tmin == 0 && !isfinite(c->o->t_hi) && up - tmax / R.x.scale < 0.1 * (R.x.hi - R.x.lo))
        axis_range(&R.x, 0, up, 0.02);           /* end on a tick: 0..100 ms */
    /* neurons lo..hi-1: the --neurons range, else 0 (or lo) to the last that spiked */
    long lo = c->o->neuron_lo, hi = c->o->neuron_hi >= 0 ? c->o->neuron_hi : imax >= lo ? (long)imax + 1 : lo + 1;
    if (hi <= lo) hi = lo + 1;
    R.ilo = lo;
    axis_range(&R.y, lo - 0.5, hi - 0.5, 0);
    Axis *ya = &R.y;
    layout(&R.L, 1, &ya);

    const Rect *r = &R.L.panel[0];
    R.pw = (int)floor(r->w);
    R.ticks = r->h / (R.y.hi - R.y.lo) >= 6;
    R.nrows = R.ticks ? (int)(hi - lo) : (int)floor(r->h);
    R.count = calloc((size_t)R.pw * R.nrows, sizeof *R.count);
    if (!R.count) return plot_fail(c, "out of memory");
    rc = n ? table_rewind(c, t) : 0;
    while (n && rc == 0 && (rc = table_next(c, t, row)) == 1) {
        rc = 0;
        if (!spike_shown(c, row[0], row[1])) continue;
        double fx = frac(&R.x, row[1] / R.x.scale) * R.pw;
        long px = fx < 0 ? 0 : fx >= R.pw ? R.pw - 1 : (long)fx;
        long ry = R.ticks ? (long)row[0] - lo : (long)floor(frac(&R.y, row[0]) * r->h);
        if (ry >= 0 && ry < R.nrows && R.count[ry * R.pw + px] < UINT16_MAX)
            R.count[ry * R.pw + px]++;
    }
    if (rc == 0) {
        raster_density(&R);
        rc = write_figure(c, name, R.L.w, R.L.h, draw_raster, &R);
    }
    free(R.count);
    return rc < 0 ? -1 : 0;
}
