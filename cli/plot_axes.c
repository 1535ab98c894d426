/* SPDX-License-Identifier: MIT */
/* This file contains what every figure of the plotting module uses: the
 * warnings and errors of a plot_run call, display units and "nice" ticks,
 * text, axes and panel layout with cairo, and writing a figure to PNG and
 * SVG. */
#define _POSIX_C_SOURCE 200809L
#include "plot_impl.h"

#include <cairo-svg.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- messages ------------------------------------------------------ */

/* Appends a "warning: ..." line to the warnings. */
void plot_warn(Ctx *c, const char *fmt, ...)
{
    if (c->wlen + 16 >= sizeof c->warn) return;
    if (c->wlen) c->warn[c->wlen++] = '\n';
    memcpy(c->warn + c->wlen, "warning: ", 10);
    c->wlen += 9;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->warn + c->wlen, sizeof c->warn - c->wlen, fmt, ap);
    va_end(ap);
    c->wlen += strlen(c->warn + c->wlen);
}

/* Records the error message; returns -1 so callers can `return plot_fail(...)`. */
int plot_fail(Ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, sizeof c->err, fmt, ap);
    va_end(ap);
    return -1;
}

/* Concatenates three strings into a new allocation (NULL when out of memory). */
char *plot_cat3(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s%s%s", a, b, c);
    return p;
}


/* ---- units and ticks ----------------------------------------------- */


/* Chooses the display unit for a quantity `name` with SI base unit `base`
 * ("" when unknown) whose values reach absmax: the largest prefix from
 * 10^maxexp down to 10^minexp that keeps absmax >= 1 (so numbers fall in
 * 1..1000); an unknown unit gets a "×10⁻⁶" factor when far from 1.  Sets
 * a->scale and a->label ("v (mV)"). */
void pick_unit(Axis *a, const char *name, const char *base, double absmax,
                      int minexp, int maxexp)
{
    static const char *const pre[] = {"f", "p", "n", "\u00b5", "m", "", "k"};  /* 10^-15.. */
    static const char *const sup[] = {"\u207b\u00b9\u2075", "\u207b\u00b9\u00b2",
                                      "\u207b\u2079", "\u207b\u2076", "\u207b\u00b3", "",
                                      "\u00b3", "\u2076", "\u2079"};
    bool some = isfinite(absmax) && absmax > 0;
    int e;
    if (!base[0]) {
        e = some && (absmax < 0.1 || absmax >= 1000) ? 3 * (int)floor(log10(absmax) / 3) : 0;
        e = e < -15 ? -15 : e > 9 ? 9 : e;
        a->scale = pow(10, e);
        snprintf(a->label, sizeof a->label, e ? "%s (\u00d710%s)" : "%s", name, sup[e / 3 + 5]);
        return;
    }
    e = maxexp > 0 && !some ? 0 : maxexp;        /* no data: the plain unit */
    while (some && e > minexp && absmax < pow(10, e) * 0.9999999) e -= 3;
    a->scale = pow(10, e);
    snprintf(a->label, sizeof a->label, "%s (%s%s)", name, pre[e / 3 + 5], base);
}

/* Guesses the SI unit of a state variable from its name and magnitude and
 * returns the prefix range allowed through minexp and maxexp. */
static const char *guess_base(const char *var, double absmax, int *minexp, int *maxexp)
{
    static const char *const volts[] = {"v", "V", "vm", "Vm", "v_m", "V_m", "u"};
    *minexp = -15;
    *maxexp = 3;
    if (!(absmax < 1) && isfinite(absmax)) return "";
    for (size_t k = 0; k < sizeof volts / sizeof volts[0]; k++)
        if (!strcmp(var, volts[k])) {
            *minexp = *maxexp = -3;              /* membrane potentials: mV */
            return "V";
        }
    if (absmax < 1e-3 && var[0] == 'g') return "S";
    if (absmax < 1e-3 && var[0] == 'I') return "A";
    return "";
}

const char *plot_var_base(Ctx *c, const char *what, const char *unit, const char *var, double absmax,
                          int *minexp, int *maxexp)
{
    *minexp = -15;
    *maxexp = 3;
    if (unit) {
        bool prefixable;
        const char *base = plot_unit_symbol(unit, &prefixable);
        if (!prefixable) *minexp = *maxexp = 0;
        return base;
    }
    const char *base = guess_base(var, absmax, minexp, maxexp);
    plot_warn(c, "%s: the unit of %s is %s; %s", what, var,
              c->run.found ? "not in run.json" : "unknown without run.json",
              base[0] ? "guessed from its name and values" : "shown as a pure number");
    return base;
}

/* Sets the shown range to [lo, hi] (display units) widened by `pad` of the
 * span on each side, then picks the tick step: 1, 2, 2.5 or 5 times a power
 * of ten, giving 5 to 8 ticks inside the range if at all possible ("nice
 * numbers").  Degenerate ranges are widened first. */
void axis_range(Axis *a, double lo, double hi, double pad)
{
    if (!isfinite(lo) || !isfinite(hi) || lo > hi) {
        lo = 0;
        hi = 1;
    }
    if (hi - lo <= 1e-9 * fmax(fabs(lo), fabs(hi))) {
        double d = lo == 0 ? 1 : fabs(lo) * 0.1;
        if (a->integer && d < 1) d = 1;
        lo -= d;
        hi += d;
        pad = 0;
    }
    double span = hi - lo;
    a->lo = lo - pad * span;
    a->hi = hi + pad * span;
    span = a->hi - a->lo;
    static const double mant[] = {1, 2, 2.5, 5};
    double best = INFINITY;
    int e0 = (int)floor(log10(span / 6));
    for (int e = e0 - 1; e <= e0 + 2; e++) {
        for (int m = 0; m < 4; m++) {
            double step = mant[m] * pow(10, e);
            if (a->integer && (step < 1 || step != floor(step))) continue;
            long f = (long)ceil(a->lo / step - 1e-9), l = (long)floor(a->hi / step + 1e-9);
            long n = l - f + 1;
            double out = n < 5 ? 5 - n : n > 8 ? n - 8 : 0;
            double score = out * 10 + (m == 2 ? 0.6 : 0) + fabs((double)n - 6) * 0.25;
            if (score < best) {
                best = score;
                a->step = step;
                a->first = f;
                a->nticks = n > 0 ? n : 0;
            }
        }
    }
    a->decimals = 0;
    while (a->decimals < 12) {
        double s = a->step * pow(10, a->decimals);
        if (fabs(s - round(s)) < 1e-6 * s) break;
        a->decimals++;
    }
}


void time_axis(Ctx *c, Axis *x, double tmin, double tmax, double pad)
{
    if (isfinite(c->o->t_lo)) tmin = c->o->t_lo, pad = 0;
    if (isfinite(c->o->t_hi)) tmax = c->o->t_hi, pad = 0;
    pick_unit(x, "time", "s", fmax(fabs(tmin), fabs(tmax)), -9, 0);
    axis_range(x, tmin / x->scale, tmax / x->scale, pad);
}

/* The k-th tick, with -0 and rounding noise near zero snapped to 0. */
static double tick_value(const Axis *a, long k)
{
    double v = (double)(a->first + k) * a->step;
    return fabs(v) < a->step * 1e-9 ? 0 : v;
}

/* Formats a tick value with the axis' decimals and a real minus sign. */
static void fmt_tick(const Axis *a, double v, char *buf, size_t n)
{
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%.*f", a->decimals, v);
    bool zero = strspn(tmp, "-0.") == strlen(tmp);
    if (tmp[0] == '-' && !zero) snprintf(buf, n, "\u2212%s", tmp + 1);
    else snprintf(buf, n, "%s", tmp[0] == '-' ? tmp + 1 : tmp);
}

/* ---- drawing helpers ----------------------------------------------- */

const double plot_palette[10][3] = {    /* matplotlib's tab10 */
    {.122, .467, .706}, {1, .498, .055}, {.173, .627, .173}, {.839, .153, .157},
    {.580, .404, .741}, {.549, .337, .294}, {.890, .467, .761}, {.498, .498, .498},
    {.737, .741, .133}, {.090, .745, .812},
};

void font(cairo_t *cr, double size, bool bold)
{
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

double text_width(cairo_t *cr, const char *s)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

/* Draws s anchored at (x, y): ha 0/0.5/1 = left/centre/right, va 0/0.5/1 =
 * top/middle/bottom (middle uses the ink extents, the others the font's). */
void text_at(cairo_t *cr, double x, double y, double ha, double va, const char *s)
{
    cairo_text_extents_t te;
    cairo_font_extents_t fe;
    cairo_text_extents(cr, s, &te);
    cairo_font_extents(cr, &fe);
    double base = va == 0.5 ? y - (te.y_bearing + te.height / 2)
                            : y + fe.ascent - va * (fe.ascent + fe.descent);
    cairo_move_to(cr, x - ha * te.x_advance, base);
    cairo_show_text(cr, s);
}

/* Widest tick label of a, in the tick font. */
static double tick_label_width(cairo_t *cr, const Axis *a)
{
    char buf[64];
    double w = 0;
    for (long k = 0; k < a->nticks; k++) {
        fmt_tick(a, tick_value(a, k), buf, sizeof buf);
        w = fmax(w, text_width(cr, buf));
    }
    return w;
}

/* Places np stacked panels; the left margin fits the widest y tick label. */
void layout(Layout *L, int np, Axis *const *yaxes)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
    cairo_t *cr = cairo_create(s);
    font(cr, FS_TICK, false);
    double tw = 0;
    for (int i = 0; i < np; i++) tw = fmax(tw, tick_label_width(cr, yaxes[i]));
    font(cr, FS_LABEL, false);
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    cairo_destroy(cr);
    cairo_surface_destroy(s);

    double left = ceil(12 + fe.ascent + fe.descent + 10 + tw + TICK_LEN + 5);
    L->w = PLOT_WIDTH;
    L->h = plot_figure_height(np);
    L->np = np;
    double ph = np == 1 ? PLOT_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM : PANEL_H_MULTI;
    for (int i = 0; i < np; i++)
        L->panel[i] = (Rect){left, MARGIN_TOP + i * (ph + PANEL_GAP),
                             PLOT_WIDTH - MARGIN_RIGHT - left, ph};
}

/* Draws the grid, frame, ticks, tick labels and axis labels of one panel;
 * x tick labels and the x label only when xlabels. */
void draw_axes(cairo_t *cr, const Rect *r, const Axis *x, const Axis *y, bool xlabels)
{
    char buf[64];
    double bot = r->y + r->h;
    cairo_set_line_width(cr, 1);
    for (int pass = 0; pass < 2; pass++) {       /* grid lines, then ticks */
        double gx = pass ? TICK_LEN : -r->h, gy = pass ? -TICK_LEN : r->w;
        for (long k = 0; k < x->nticks; k++) {
            double px = floor(map_x(r, x, tick_value(x, k))) + 0.5;
            cairo_move_to(cr, px, bot);
            cairo_rel_line_to(cr, 0, gx);
        }
        for (long k = 0; k < y->nticks; k++) {
            cairo_move_to(cr, r->x, floor(map_y(r, y, tick_value(y, k))) + 0.5);
            cairo_rel_line_to(cr, gy, 0);
        }
        if (pass) {
            cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
            cairo_rectangle(cr, r->x + 0.5, r->y + 0.5, r->w - 1, r->h - 1);
        } else {
            cairo_set_source_rgb(cr, 0.91, 0.91, 0.91);
        }
        cairo_stroke(cr);
    }

    font(cr, FS_TICK, false);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    for (long k = 0; k < y->nticks; k++) {
        fmt_tick(y, tick_value(y, k), buf, sizeof buf);
        text_at(cr, r->x - TICK_LEN - 4, floor(map_y(r, y, tick_value(y, k))) + 0.5, 1, 0.5, buf);
    }
    /* x labels wider than the tick spacing: label every stride-th tick
     * (those on multiples of stride steps, so 0 keeps its label) */
    double spacing = r->w * x->step / (x->hi - x->lo);
    long stride = (long)ceil((tick_label_width(cr, x) + 8) / fmax(spacing, 1));
    for (long k = 0; xlabels && k < x->nticks; k++) {
        if ((x->first + k) % stride) continue;
        fmt_tick(x, tick_value(x, k), buf, sizeof buf);
        text_at(cr, map_x(r, x, tick_value(x, k)), bot + TICK_LEN + 3, 0.5, 0, buf);
    }

    font(cr, FS_LABEL, false);
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    cairo_save(cr);
    cairo_translate(cr, 12 + (fe.ascent + fe.descent) / 2, r->y + r->h / 2);
    cairo_rotate(cr, -PI / 2);
    text_at(cr, 0, 0, 0.5, 0.5, y->label);
    cairo_restore(cr);
    if (xlabels) text_at(cr, r->x + r->w / 2, bot + TICK_LEN + 3 + FS_TICK + 9, 0.5, 0, x->label);
}

void draw_title(cairo_t *cr, const Layout *L, const char *title)
{
    font(cr, FS_TITLE, true);
    cairo_set_source_rgb(cr, 0, 0, 0);
    text_at(cr, L->panel[0].x + L->panel[0].w / 2, MARGIN_TOP - 10, 0.5, 1, title);
}

void draw_note(cairo_t *cr, const Rect *r, const char *note)
{
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_ITALIC, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, FS_NOTE);
    cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
    text_at(cr, r->x + r->w / 2, r->y + r->h / 2, 0.5, 0.5, note);
}

/* ---- output -------------------------------------------------------- */

/* The output path of figure name with extension ext (malloc'd). */
static char *out_path(const Ctx *c, const char *name, const char *ext)
{
    return plot_cat3(c->prefix, name, ext);
}

/* Renders one figure with draw() to every requested format. */
int write_figure(Ctx *c, const char *name, int w, int h, DrawFn draw, const void *fig)
{
    for (int fmt = PLOT_PNG; fmt <= PLOT_SVG; fmt <<= 1) {
        if (!(c->o->formats & fmt)) continue;
        char *path = out_path(c, name, fmt == PLOT_PNG ? ".png" : ".svg");
        if (!path) return plot_fail(c, "out of memory");
        cairo_surface_t *s = fmt == PLOT_PNG ? cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h)
                                             : cairo_svg_surface_create(path, w, h);
#if CAIRO_VERSION >= CAIRO_VERSION_ENCODE(1, 16, 0)
        if (fmt == PLOT_SVG) cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PX);
#endif
        cairo_t *cr = cairo_create(s);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        draw(cr, fig);
        cairo_status_t st = cairo_status(cr);
        cairo_destroy(cr);
        if (st == CAIRO_STATUS_SUCCESS && fmt == PLOT_PNG) st = cairo_surface_write_to_png(s, path);
        cairo_surface_finish(s);
        if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(s);
        cairo_surface_destroy(s);
        if (st != CAIRO_STATUS_SUCCESS)
            plot_fail(c, "cannot write '%s': %s", path, cairo_status_to_string(st));
        free(path);
        if (st != CAIRO_STATUS_SUCCESS) return -1;
    }
    return 0;
}


int plot_figure_height(int npanels)
{
    if (npanels <= 1) return PLOT_HEIGHT;
    return MARGIN_TOP + MARGIN_BOTTOM + npanels * PANEL_H_MULTI + (npanels - 1) * PANEL_GAP;
}
