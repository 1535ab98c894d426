/* SPDX-License-Identifier: MIT */
/* This file declares what the plotting module's files share: the state of
 * one plot_run call (options, messages), the tables the monitors are read
 * from (CSV or npy, streamed row by row), axes and their units and ticks,
 * the drawing helpers, and the figure kinds (raster, traces, final states). */
#ifndef SNN_PLOT_IMPL_H
#define SNN_PLOT_IMPL_H

#include "csv.h"
#include "npy.h"
#include "plot.h"
#include "plot_read.h"

#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>

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

/* ---- plot_axes.c: messages ------------------------------------------ */

/* State of one plot_run call.  Warnings beyond the buffer are dropped (msg
 * is bounded by the caller anyway). */
typedef struct Ctx {
    const char        *dir;
    char              *prefix;      /* where pictures go: prefix + NAME + ".png" */
    const PlotOptions *o;
    RunFile            run;         /* what DIR/run.json says, if there is one */
    char               err[1024];
    char               warn[4096];
    size_t             wlen;
} Ctx;

/* Appends a "warning: ..." line to the warnings. */
void plot_warn(Ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Records the error message; returns -1 so callers can `return plot_fail(...)`. */
int plot_fail(Ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Concatenates three strings into a new allocation (NULL when out of memory). */
char *plot_cat3(const char *a, const char *b, const char *c);

/* ---- plot_table.c: monitor data, row by row ------------------------- */

enum Kind { K_UNKNOWN, K_SPIKES, K_STATE, K_RATE };

/* A monitor's data as rows of numbers: a CSV file (header line first) or
 * the monitor's .npy arrays side by side (t, v_0, v_1, ...), read twice
 * and never held in memory. */
typedef struct Table {
    const char *path;       /* for messages: the CSV, or the first .npy */
    long        lineno;     /* CSV: line last read (header = 1); npy: rows read */
    int         ncols;
    char      **names;      /* column names ("t", "v_3", "i") */
    char       *raw;        /* CSV: the header line as read, for messages */
    /* CSV */
    CsvReader   rd;
    char       *hdr;
    /* npy */
    bool        npy;
    NpyFile    *arr;
    char      **paths;      /* of each array */
    int         narr;
    long        nrows;
    char        where[600]; /* table_where's text */
} Table;

/* Opens a CSV file and splits its header.  Returns -1 with c->err set. */
int table_open_csv(Ctx *c, Table *t, const char *path);
/* Opens the .npy files run.json lists for monitor m, checks their headers,
 * dtypes and shapes against each other, and names the columns as the CSV
 * would ("v_<recorded index>"). */
int table_open_npy(Ctx *c, Table *t, const RunMonitor *m);
/* Goes back to the first data row. */
int table_rewind(Ctx *c, Table *t);
/* Reads the next row into row[0..ncols-1]; 1 for a row, 0 at the end, -1
 * (c->err = "file:line: ...") for a malformed line or a read error. */
int table_next(Ctx *c, Table *t, double *row);
void table_close(Table *t);
/* Where the row last read is, for messages: "file.csv:12" (its line), or
 * "SM.t.npy, row 11" (counted from 0, as numpy does; the first array's). */
const char *table_where(Table *t);
/* Tells the monitor kind from the column names alone. */
enum Kind table_kind(const Table *t);

/* ---- plot_axes.c: units and ticks ----------------------------------- */

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
void pick_unit(Axis *a, const char *name, const char *base, double absmax, int minexp, int maxexp);
/* The axis unit of variable var of a table: from run.json (unit, "1" ->
 * no unit), else guessed from its name and magnitude with a warning that
 * says so.  Sets the prefix range through minexp, maxexp. */
const char *plot_var_base(Ctx *c, const char *what, const char *unit, const char *var, double absmax,
                          int *minexp, int *maxexp);
/* Sets the shown range to [lo, hi] (display units) widened by `pad` of the
 * span on each side, and picks "nice" ticks (5 to 8 if possible). */
void axis_range(Axis *a, double lo, double hi, double pad);
/* The time axis of a figure over [tmin, tmax] seconds (or the --window). */
void time_axis(Ctx *c, Axis *x, double tmin, double tmax, double pad);
/* Where display value v falls in the shown range (0 = lo, 1 = hi). */
static inline double frac(const Axis *a, double v) { return (v - a->lo) / (a->hi - a->lo); }

/* ---- plot_axes.c: drawing ------------------------------------------- */

typedef struct Rect { double x, y, w, h; } Rect;
typedef struct Layout { int w, h, np; Rect panel[PLOT_MAX_PANELS]; } Layout;

extern const double plot_palette[10][3];    /* matplotlib's tab10 */

void font(cairo_t *cr, double size, bool bold);
double text_width(cairo_t *cr, const char *s);
/* Draws s anchored at (x, y): ha 0/0.5/1 = left/centre/right, va 0/0.5/1 =
 * top/middle/bottom. */
void text_at(cairo_t *cr, double x, double y, double ha, double va, const char *s);
/* Display value v to pixel coordinates inside panel r. */
static inline double map_x(const Rect *r, const Axis *x, double v) { return r->x + r->w * frac(x, v); }
static inline double map_y(const Rect *r, const Axis *y, double v) { return r->y + r->h * (1 - frac(y, v)); }
/* Places np stacked panels; the left margin fits the widest y tick label. */
void layout(Layout *L, int np, Axis *const *yaxes);
/* Grid, frame, ticks, tick labels, axis labels of a panel (x labels only
 * when xlabels). */
void draw_axes(cairo_t *cr, const Rect *r, const Axis *x, const Axis *y, bool xlabels);
void draw_title(cairo_t *cr, const Layout *L, const char *title);
void draw_note(cairo_t *cr, const Rect *r, const char *note);

typedef void (*DrawFn)(cairo_t *cr, const void *fig);
/* Renders one figure with draw() to every requested format, as
 * prefix + name + ".png" / ".svg". */
int write_figure(Ctx *c, const char *name, int w, int h, DrawFn draw, const void *fig);

/* ---- the figures ---------------------------------------------------- */

/* plot_raster.c: a spike monitor's raster. */
int plot_spikes(Ctx *c, const char *name, Table *t);
/* plot_trace.c: a state monitor's traces or a rate monitor's rate. */
int plot_lines(Ctx *c, const char *name, Table *t, enum Kind kind);
/* plot_along.c: --along, a spatial state monitor's variables against the
 * distance along the cable at the --along times (NAME.along.png). */
int plot_along(Ctx *c, const RunMonitor *m, Table *t);
/* plot_hist.c: a group's final state file (group.state.csv). */
int plot_state(Ctx *c, const char *group, const char *path);
/* Histogram bins as numpy's np.histogram(v, bins=n) makes them: n equal
 * bins over [lo, hi] (a constant gets (v - 0.5, v + 0.5), hist_range), the
 * last closed on the right; hist_bin is the bin of v (-1 outside), with
 * numpy's correction against the edges linspace(lo, hi, n + 1).  A state
 * file of n rows gets hist_nbins(n) = ceil(sqrt(n)) bins, 1 to 50. */
int hist_nbins(long n);
void hist_range(double *lo, double *hi);
int hist_bin(double v, double lo, double hi, int nbins);
/* Neuron index of a column name "v_12" (-1 when it has none). */
long column_neuron(const char *col);
/* Whether neuron index i is inside the --neurons range. */
static inline bool neuron_shown(const Ctx *c, long i)
{
    return i >= c->o->neuron_lo && (c->o->neuron_hi < 0 || i < c->o->neuron_hi);
}

#endif
