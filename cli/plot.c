/* SPDX-License-Identifier: MIT */
/* This file contains the plotting module: it streams the monitor CSVs a run
 * wrote, picks display units and "nice" ticks, and draws rasters, state
 * traces and population rates with cairo to PNG and SVG.
 *
 * Every file is read twice and never held in memory: the first pass finds
 * the data ranges (hence axes and layout), the second reduces the data to
 * what can be seen.  Traces keep, per pixel column, the first, lowest,
 * highest and last sample (so spikes and resets survive); rasters count the
 * spikes per pixel cell and draw a mark per occupied cell, or a density image
 * when most cells are hit.  Output size is thus bounded by the figure size,
 * not by the data (1e6 spikes make a small SVG). */
#define _POSIX_C_SOURCE 200809L
#include "plot.h"

#include "csv.h"
#include "plot_read.h"

#include <cairo.h>
#include <cairo-svg.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PI 3.14159265358979323846

/* Figure geometry, in pixels. */
#define MARGIN_TOP     44
#define MARGIN_BOTTOM  58
#define MARGIN_RIGHT   24
#define PANEL_GAP      26
#define PANEL_H_MULTI  230
#define TICK_LEN       5

/* Font sizes. */
#define FS_TITLE   15.0
#define FS_LABEL   13.0
#define FS_TICK    11.5
#define FS_LEGEND  11.0
#define FS_NOTE    13.0

#define LEGEND_MAX 10     /* entries listed before "+N more" */

/* ---- messages ------------------------------------------------------ */

/* State of one plot_dir call.  Warnings beyond the buffer are dropped (msg
 * is bounded by the caller anyway). */
typedef struct Ctx {
    const char *dir, *prefix;
    int         formats;
    RunFile     run;            /* what DIR/run.json says, if there is one */
    char        err[1024];
    char        warn[4096];
    size_t      wlen;
} Ctx;

/* Appends a "warning: ..." line to the warnings. */
static void warn(Ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(Ctx *c, const char *fmt, ...)
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

/* Records the error message; returns -1 so callers can `return fail(...)`. */
static int fail(Ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(Ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, sizeof c->err, fmt, ap);
    va_end(ap);
    return -1;
}

/* Concatenates three strings into a new allocation (NULL when out of memory). */
static char *cat3(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s%s%s", a, b, c);
    return p;
}

/* ---- CSV reading --------------------------------------------------- */

typedef struct Csv {
    CsvReader   rd;         /* the file */
    const char *path;
    long        lineno;     /* line last read; the header is line 1 */
    int         ncols;
    char      **names;      /* header fields, trimmed, pointing into hdr */
    char       *hdr;
    char       *raw;        /* the header line as read, for messages */
} Csv;

static void csv_close(Csv *c)
{
    csv_reader_close(&c->rd);
    free(c->names);
    free(c->hdr);
    free(c->raw);
    memset(c, 0, sizeof *c);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = 0;
    return s;
}

/* Opens path and splits its header line into fields (an empty file gives
 * ncols == 0).  Returns -1 with c->err set on failure. */
static int csv_open(Ctx *ctx, Csv *c, const char *path)
{
    memset(c, 0, sizeof *c);
    c->path = path;
    if (csv_reader_open(&c->rd, path) < 0) return fail(ctx, "cannot open '%s': %s", path, strerror(errno));
    int got = csv_reader_line(&c->rd);
    if (got < 0) return fail(ctx, "cannot read '%s': %s", path, strerror(errno));
    if (got == 0) return 0;
    c->lineno = 1;
    char *h = c->rd.line;
    if ((unsigned char)h[0] == 0xEF && (unsigned char)h[1] == 0xBB && (unsigned char)h[2] == 0xBF)
        h += 3;                                  /* UTF-8 byte order mark */
    c->hdr = strdup(h);
    c->raw = strdup(trim(h));
    if (!c->hdr || !c->raw) return fail(ctx, "out of memory");
    int k = 1;
    for (const char *p = c->hdr; *p; p++) k += *p == ',';
    c->names = malloc(sizeof *c->names * (size_t)k);
    if (!c->names) return fail(ctx, "out of memory");
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
static int csv_rewind(Ctx *ctx, Csv *c)
{
    csv_reader_rewind(&c->rd);
    c->lineno = 0;
    if (csv_reader_line(&c->rd) <= 0) return fail(ctx, "cannot re-read '%s'", c->path);
    c->lineno = 1;
    return 0;
}

/* Reads the next data row into row[0..ncols-1], skipping blank lines.
 * Returns 1 for a row, 0 at end of file, -1 (ctx->err = "file:line: ...")
 * for a read error or a malformed line. */
static int csv_next(Ctx *ctx, Csv *c, double *row)
{
    for (;;) {
        int got = csv_reader_line(&c->rd);
        if (got < 0)
            return fail(ctx, "%s:%ld: read error: %s", c->path, c->lineno + 1, strerror(errno));
        if (got == 0) return 0;
        c->lineno++;
        char *p = trim(c->rd.line);
        if (!*p) continue;
        int nf = csv_reader_split(&c->rd, p, ",", false);
        if (nf < 0) return fail(ctx, "out of memory");
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
                    return fail(ctx, "%s:%ld: field %d is empty", c->path, c->lineno, k + 1);
                return fail(ctx, "%s:%ld: field %d ('%.*s') is not a number", c->path,
                            c->lineno, k + 1, fl > 40 ? 40 : fl, fs);
            }
            if (k < c->ncols) row[k] = v;
        }
        if (k != c->ncols)
            return fail(ctx, "%s:%ld: expected %d fields (as in the header), found %d",
                        c->path, c->lineno, c->ncols, k);
        return 1;
    }
}

enum Kind { K_UNKNOWN, K_SPIKES, K_STATE, K_RATE };

/* Tells the monitor kind from the header line alone. */
static enum Kind classify(const Csv *c)
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

/* ---- units and ticks ----------------------------------------------- */

typedef struct Axis {
    double lo, hi;          /* shown range, display units */
    double scale;           /* display value = SI value / scale */
    double step;            /* tick spacing */
    long   first, nticks;   /* ticks are (first + k) * step, k < nticks */
    int    decimals;
    bool   integer;         /* ticks must be whole numbers (neuron index) */
    char   label[96];
} Axis;

/* Chooses the display unit for a quantity `name` with SI base unit `base`
 * ("" when unknown) whose values reach absmax: the largest prefix from
 * 10^maxexp down to 10^minexp that keeps absmax >= 1 (so numbers fall in
 * 1..1000); an unknown unit gets a "×10⁻⁶" factor when far from 1.  Sets
 * a->scale and a->label ("v (mV)"). */
static void pick_unit(Axis *a, const char *name, const char *base, double absmax,
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

/* Sets the shown range to [lo, hi] (display units) widened by `pad` of the
 * span on each side, then picks the tick step: 1, 2, 2.5 or 5 times a power
 * of ten, giving 5 to 8 ticks inside the range if at all possible ("nice
 * numbers").  Degenerate ranges are widened first. */
static void axis_range(Axis *a, double lo, double hi, double pad)
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

/* Where display value v falls in the shown range (0 = lo, 1 = hi). */
static double frac(const Axis *a, double v) { return (v - a->lo) / (a->hi - a->lo); }

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

typedef struct Rect { double x, y, w, h; } Rect;

typedef struct Layout { int w, h, np; Rect panel[PLOT_MAX_PANELS]; } Layout;

static const double palette[10][3] = {    /* matplotlib's tab10 */
    {.122, .467, .706}, {1, .498, .055}, {.173, .627, .173}, {.839, .153, .157},
    {.580, .404, .741}, {.549, .337, .294}, {.890, .467, .761}, {.498, .498, .498},
    {.737, .741, .133}, {.090, .745, .812},
};

static void font(cairo_t *cr, double size, bool bold)
{
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

static double text_width(cairo_t *cr, const char *s)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

/* Draws s anchored at (x, y): ha 0/0.5/1 = left/centre/right, va 0/0.5/1 =
 * top/middle/bottom (middle uses the ink extents, the others the font's). */
static void text_at(cairo_t *cr, double x, double y, double ha, double va, const char *s)
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

/* Display value v to pixel coordinates inside panel r. */
static double map_x(const Rect *r, const Axis *x, double v) { return r->x + r->w * frac(x, v); }
static double map_y(const Rect *r, const Axis *y, double v)
{
    return r->y + r->h * (1 - frac(y, v));
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
static void layout(Layout *L, int np, Axis *const *yaxes)
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
static void draw_axes(cairo_t *cr, const Rect *r, const Axis *x, const Axis *y, bool xlabels)
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
    for (long k = 0; xlabels && k < x->nticks; k++) {
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

static void draw_title(cairo_t *cr, const Layout *L, const char *title)
{
    font(cr, FS_TITLE, true);
    cairo_set_source_rgb(cr, 0, 0, 0);
    text_at(cr, L->panel[0].x + L->panel[0].w / 2, MARGIN_TOP - 10, 0.5, 1, title);
}

static void draw_note(cairo_t *cr, const Rect *r, const char *note)
{
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_ITALIC, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, FS_NOTE);
    cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
    text_at(cr, r->x + r->w / 2, r->y + r->h / 2, 0.5, 0.5, note);
}

/* ---- output -------------------------------------------------------- */

typedef void (*DrawFn)(cairo_t *cr, const void *fig);

/* Builds the output path for monitor name with extension ext (malloc'd). */
static char *out_path(const Ctx *c, const char *name, const char *ext)
{
    size_t n = strlen(c->dir);
    char *pre = c->prefix ? cat3(c->prefix, "", name)
                          : cat3(c->dir, n && c->dir[n - 1] == '/' ? "" : "/", name);
    char *p = pre ? cat3(pre, ext, "") : NULL;
    free(pre);
    return p;
}

/* Renders one figure with draw() to every requested format. */
static int write_figure(Ctx *c, const char *name, int w, int h, DrawFn draw, const void *fig)
{
    for (int fmt = PLOT_PNG; fmt <= PLOT_SVG; fmt <<= 1) {
        if (!(c->formats & fmt)) continue;
        char *path = out_path(c, name, fmt == PLOT_PNG ? ".png" : ".svg");
        if (!path) return fail(c, "out of memory");
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
            fail(c, "cannot write '%s': %s", path, cairo_status_to_string(st));
        free(path);
        if (st != CAIRO_STATUS_SUCCESS) return -1;
    }
    return 0;
}

/* ---- spike rasters ------------------------------------------------- */

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
            if (R->ticks) cairo_rectangle(cr, l - 0.9, map_y(r, &R->y, y) - th / 2, len + 1.8, th);
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

/* Plots a spike monitor: pass 1 validates the rows and finds the time and
 * index ranges, pass 2 counts the spikes per cell of the plot's grid. */
static int plot_spikes(Ctx *c, const char *name, Csv *csv)
{
    double row[2], tmin = INFINITY, tmax = -INFINITY, imax = -1;
    long n = 0;
    int rc;
    while ((rc = csv_next(c, csv, row)) == 1) {
        if (!(row[0] >= 0 && row[0] < 4e9 && row[0] == floor(row[0])))
            return fail(c, "%s:%ld: neuron index %g is not a non-negative integer",
                        csv->path, csv->lineno, row[0]);
        if (!isfinite(row[1]))
            return fail(c, "%s:%ld: spike time is not finite", csv->path, csv->lineno);
        n++;
        tmin = fmin(tmin, row[1]);
        tmax = fmax(tmax, row[1]);
        imax = fmax(imax, row[0]);
    }
    if (rc < 0) return -1;

    Raster R = {.nspikes = n, .y = {.integer = true, .scale = 1, .label = "neuron index"}};
    snprintf(R.title, sizeof R.title, "%s \u2014 spike raster (%ld spike%s)", name, n,
             n == 1 ? "" : "s");
    if (!n) tmax = 1;                            /* no spikes: show 0..1 s */
    if (!n || (tmin >= 0 && tmin <= 0.25 * tmax)) tmin = 0;    /* runs start at 0 */
    pick_unit(&R.x, "time", "s", fmax(fabs(tmin), fabs(tmax)), -9, 0);
    axis_range(&R.x, tmin / R.x.scale, tmax / R.x.scale, 0.02);
    double up = ceil(tmax / R.x.scale / R.x.step - 1e-9) * R.x.step;
    if (n && tmin == 0 && up - tmax / R.x.scale < 0.1 * (R.x.hi - R.x.lo))
        axis_range(&R.x, 0, up, 0.02);           /* end on a tick: 0..100 ms */
    double N = imax + 1 > 0 ? imax + 1 : 1;
    axis_range(&R.y, -0.5, N - 0.5, 0);
    Axis *ya = &R.y;
    layout(&R.L, 1, &ya);

    const Rect *r = &R.L.panel[0];
    R.pw = (int)floor(r->w);
    R.ticks = r->h / (R.y.hi - R.y.lo) >= 6;
    R.nrows = R.ticks ? (int)N : (int)floor(r->h);
    R.count = calloc((size_t)R.pw * R.nrows, sizeof *R.count);
    if (!R.count) return fail(c, "out of memory");
    rc = n ? csv_rewind(c, csv) : 0;
    while (n && rc == 0 && (rc = csv_next(c, csv, row)) == 1) {
        rc = 0;
        double fx = frac(&R.x, row[1] / R.x.scale) * R.pw;
        long px = fx < 0 ? 0 : fx >= R.pw ? R.pw - 1 : (long)fx;
        long ry = R.ticks ? (long)row[0] : (long)floor(frac(&R.y, row[0]) * r->h);
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

/* ---- traces and rates ---------------------------------------------- */

/* One drawn column, reduced per pixel column (bucket) to its first, lowest,
 * highest and last samples; points are kept in SI (t, value) pairs. */
typedef struct Series {
    int         col;
    const char *name;
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
    long   nrows;           /* rows with a finite time */
    double tmin, tmax;
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
            const double *col = palette[i % 10];
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
            const double *col = palette[i % 10];
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

static void lines_free(Lines *F)
{
    for (int k = 0; k < F->np; k++) {
        for (int i = 0; i < F->p[k].ns; i++) free(F->p[k].s[i].xy);
        free(F->p[k].s);
    }
}

/* Groups the columns of csv into panels (one per variable) and picks the
 * columns to draw, evenly spread when a variable has too many. */
static int make_panels(Ctx *c, Lines *F, const Csv *csv, const char *name)
{
    int *pan = malloc(sizeof *pan * (size_t)csv->ncols);
    if (!pan) return fail(c, "out of memory");
    char var[64];
    int skipped = 0;
    for (int j = 1; j < csv->ncols; j++) {
        var_of(csv->names[j], var, sizeof var);
        int k = 0;
        while (k < F->np && strcmp(F->p[k].var, var)) k++;
        if (k == F->np) {
            if (F->np == PLOT_MAX_PANELS) {
                pan[j] = -1;
                skipped++;
                continue;
            }
            snprintf(F->p[F->np++].var, sizeof F->p[0].var, "%s", var);
        }
        pan[j] = k;
        F->p[k].total++;
    }
    if (skipped) warn(c, "%s: %d columns beyond %d variables skipped", name, skipped, F->np);
    for (int k = 0; k < F->np; k++) {
        Panel *p = &F->p[k];
        int want = p->total < PLOT_MAX_TRACES ? p->total : PLOT_MAX_TRACES;
        p->s = calloc((size_t)want, sizeof *p->s);
        if (!p->s) break;
        p->vmin = INFINITY;
        p->vmax = -INFINITY;
        int seen = 0;                            /* columns of var so far */
        for (int j = 1; j < csv->ncols && p->ns < want; j++) {
            if (pan[j] != k) continue;
            /* take the column when it is the next of want evenly spaced */
            if (seen++ == (int)((long)p->ns * p->total / want)) {
                p->s[p->ns].col = j;
                p->s[p->ns].name = csv->names[j];
                p->ns++;
            }
        }
        if (p->total > want) warn(c, "%s: drawing %d of the %d traces of %s", name, want, p->total,
                                  p->var);
    }
    free(pan);
    for (int k = 0; k < F->np; k++)
        if (!F->p[k].s) return fail(c, "out of memory");
    return 0;
}

/* Streams the rows of csv once.  Pass 0 finds the time and value ranges and
 * counts the rows; pass 1 feeds the samples, bucketed by pixel column pw
 * wide, into the series. */
static int scan(Ctx *c, Lines *F, Csv *csv, double *row, int pass, double pw)
{
    int rc;
    long seq = 0;
    while ((rc = csv_next(c, csv, row)) == 1) {
        double t = row[0];
        if (!isfinite(t)) continue;
        long b = pass ? (long)floor(frac(&F->x, t / F->x.scale) * pw) : 0;
        F->tmin = fmin(F->tmin, t);
        F->tmax = fmax(F->tmax, t);
        F->nrows += !pass;
        seq++;
        for (int k = 0; k < F->np; k++)
            for (int i = 0; i < F->p[k].ns; i++) {
                Panel *p = &F->p[k];
                double v = row[p->s[i].col];
                if (!isfinite(v)) continue;
                p->vmin = fmin(p->vmin, v);
                p->vmax = fmax(p->vmax, v);
                if (pass && series_add(&p->s[i], b, seq, t, v) < 0) return fail(c, "out of memory");
            }
    }
    for (int k = 0; pass && rc == 0 && k < F->np; k++)
        for (int i = 0; i < F->p[k].ns; i++)
            if (series_flush(&F->p[k].s[i]) < 0) return fail(c, "out of memory");
    return rc;
}

/* Plots a state or population rate monitor: panels and columns from the
 * header, ranges from pass 0, then units, ticks and layout, then the reduced
 * series from pass 1. */
static int plot_lines(Ctx *c, const char *name, Csv *csv, enum Kind kind)
{
    Lines *F = calloc(1, sizeof *F);
    if (!F) return fail(c, "out of memory");
    F->tmin = INFINITY;
    F->tmax = -INFINITY;
    int rc = make_panels(c, F, csv, name);
    double *row = malloc(sizeof *row * (size_t)csv->ncols);
    if (!row && rc == 0) rc = fail(c, "out of memory");
    if (rc == 0) rc = scan(c, F, csv, row, 0, 0);
    if (rc < 0) goto out;

    F->legend = kind == K_STATE;
    snprintf(F->title, sizeof F->title, "%s \u2014 %s", name,
             kind == K_RATE ? "population rate" : "state monitor");
    pick_unit(&F->x, "time", "s", fmax(fabs(F->tmin), fabs(F->tmax)), -9, 0);
    axis_range(&F->x, F->tmin / F->x.scale, F->tmax / F->x.scale, 0.03);
    Axis *yaxes[PLOT_MAX_PANELS];
    for (int k = 0; k < F->np; k++) {
        Panel *p = &F->p[k];
        double am = fmax(fabs(p->vmin), fabs(p->vmax));
        int lo = -15, hi = 3;
        const char *base = "Hz";
        if (kind == K_STATE) {
            /* the unit run.json gives; without run.json, a guess from the name */
            bool prefixable;
            const char *unit = plot_run_unit(&c->run, name, p->var);
            if (unit) {
                base = plot_unit_symbol(unit, &prefixable);
                if (!prefixable) lo = hi = 0;
            } else {
                base = guess_base(p->var, am, &lo, &hi);
                warn(c, "%s: the unit of %s is %s; %s", name, p->var,
                     c->run.found ? "not in run.json" : "unknown without run.json",
                     base[0] ? "guessed from its name and values" : "shown as a pure number");
            }
        }
        if (kind == K_RATE) p->vmin = fmin(p->vmin, 0);      /* rates are shown from 0 */
        pick_unit(&p->y, p->var, base, am, lo, hi);
        axis_range(&p->y, p->vmin / p->y.scale, p->vmax / p->y.scale, 0.05);
        yaxes[k] = &p->y;
    }
    layout(&F->L, F->np, yaxes);
    if (F->nrows && (rc = csv_rewind(c, csv)) == 0)
        rc = scan(c, F, csv, row, 1, floor(F->L.panel[0].w));
    if (rc == 0) rc = write_figure(c, name, F->L.w, F->L.h, draw_lines, F);
out:
    free(row);
    lines_free(F);
    free(F);
    return rc < 0 ? -1 : 0;
}

/* ---- driver -------------------------------------------------------- */

int plot_figure_height(int npanels)
{
    if (npanels <= 1) return PLOT_HEIGHT;
    return MARGIN_TOP + MARGIN_BOTTOM + npanels * PANEL_H_MULTI + (npanels - 1) * PANEL_GAP;
}

/* scandir filter: names ending in ".csv". */
static int is_csv(const struct dirent *e)
{
    size_t len = strlen(e->d_name);
    return len > 4 && !strcmp(e->d_name + len - 4, ".csv");
}

/* Plots the CSV file dir/<fname>; counts it in *plotted when it was a
 * monitor.  Directories and unrecognised files are skipped. */
static int plot_file(Ctx *c, const char *fname, int *plotted)
{
    char *path = cat3(c->dir, "/", fname), *name = strdup(fname);
    struct stat st;
    Csv csv = {0};
    int rc = path && name ? 0 : fail(c, "out of memory");
    if (rc == 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        name[strlen(name) - 4] = 0;
        if ((rc = csv_open(c, &csv, path)) == 0) {
            enum Kind k = classify(&csv);
            if (k == K_UNKNOWN)
                warn(c, "%s: not a monitor output (header '%.60s'), skipped", path,
                     csv.raw ? csv.raw : "");
            else if ((rc = k == K_SPIKES ? plot_spikes(c, name, &csv)
                                         : plot_lines(c, name, &csv, k)) == 0)
                (*plotted)++;
        }
    }
    csv_close(&csv);
    free(path);
    free(name);
    return rc;
}

int plot_dir(const char *dir, const char *out_prefix, int formats, char *msg, size_t msglen)
{
    Ctx c = {.dir = dir, .prefix = out_prefix, .formats = formats};
    struct dirent **names = NULL;
    int n = 0, plotted = 0, rc = 0;

    if (!dir || !dir[0])
        rc = fail(&c, "no output directory given");
    else if (!(formats & (PLOT_PNG | PLOT_SVG)))
        rc = fail(&c, "no output format requested (PLOT_PNG, PLOT_SVG)");
    else if (plot_read_run(dir, &c.run, c.err, sizeof c.err))
        rc = -1;
    else if (!strcmp(c.run.format, "npy"))
        rc = fail(&c, "'%s' holds the monitors as .npy arrays (run.json: \"format\": \"npy\"); snnc plot draws "
                  "CSV outputs (snnc run ... --format csv)", dir);
    else if ((n = scandir(dir, &names, is_csv, alphasort)) < 0)
        rc = fail(&c, "cannot open directory '%s': %s", dir, strerror(errno));
    for (int i = 0; rc == 0 && i < n; i++)
        rc = plot_file(&c, names[i]->d_name, &plotted);
    if (rc == 0 && !plotted)
        rc = n ? fail(&c, "no monitor outputs found in '%s' (%d CSV file%s, none recognised)",
                      dir, n, n == 1 ? "" : "s")
               : fail(&c, "no monitor outputs found in '%s' (no .csv files)", dir);
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    plot_run_free(&c.run);

    if (msg && msglen) {
        if (rc) snprintf(msg, msglen, "%s%s%s", c.err, c.wlen ? "\n" : "", c.warn);
        else snprintf(msg, msglen, "%s", c.warn);
    }
    return rc ? -1 : 0;
}
