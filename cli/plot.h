/* SPDX-License-Identifier: MIT */
/* This file declares the plotting module behind `snnc plot DIR`: it reads the
 * monitor outputs a run wrote into DIR and draws one figure per monitor with
 * cairo, as PNG and/or SVG.
 *
 * Recognised files (SI units), told apart by their header or by run.json:
 *   spike monitor      NAME.csv  "i,t"                  -> raster (t, i)
 *   state monitor      NAME.csv  "t,v_0,v_1,ge_0,..."   -> traces, one panel
 *                                                          per variable
 *   population rate    NAME.csv  "t,rate"               -> rate line (Hz),
 *                                                          optionally smoothed
 *   npy outputs        NAME.<var>.npy, as run.json lists them
 *   final states       GROUP.state.csv (--save-state)   -> histograms / values
 * Any other CSV is skipped with a warning.
 *
 * Units come from run.json.  Without it they are guessed (and the guess is
 * said in a warning): a variable named v, V, vm, Vm, v_m or u with |values|
 * < 1 is taken as volts; names starting with g (resp. I) with |values| < 1e-3
 * as siemens (resp. amps).  Every axis gets an SI prefix that puts the
 * numbers between 1 and 1000 (unknown quantities get a "x10^k" factor). */
#ifndef SNN_PLOT_H
#define SNN_PLOT_H

#include <stddef.h>

/* Output formats, or-ed together in plot_dir's `formats`. */
enum { PLOT_PNG = 1, PLOT_SVG = 2 };

/* Figure size in pixels (SVG: in px user units).  Every figure is
 * PLOT_WIDTH wide; a one-panel figure (raster, rate, state monitor with one
 * variable) is PLOT_HEIGHT high, a state monitor with k variables draws k
 * stacked panels sharing the time axis and is plot_figure_height(k) high. */
#define PLOT_WIDTH       800
#define PLOT_HEIGHT      500
#define PLOT_MAX_PANELS  8     /* further variables are skipped, with a warning */
#define PLOT_MAX_TRACES  32    /* per variable; more columns are subsampled */

/* What to plot and how: filled by plot_options_init and plot_option. */
#define PLOT_MAX_SELECT 64
#define PLOT_MAX_ALONG  10
typedef struct PlotOptions {
    int         formats;            /* PLOT_PNG | PLOT_SVG */
    const char *out_dir;            /* where the pictures go; NULL: the run's DIR */
    const char *out_prefix;         /* or a prefix before each NAME (see plot_dir) */
    const char *monitors[PLOT_MAX_SELECT];   /* only these (none: all) */
    int         nmonitors;
    long        neuron_lo, neuron_hi;        /* neurons [lo, hi) shown; hi < 0: all */
    double      t_lo, t_hi;                  /* time window in seconds (-inf, inf: all) */
    int         smooth;                      /* a SMOOTH_* of smooth.h; SMOOTH_NONE: raw */
    double      smooth_width;                /* its width in seconds */
    double      along[PLOT_MAX_ALONG];       /* --along: times (s) of the profiles along the cable */
    int         nalong;
} PlotOptions;

/* Height in pixels of a figure with npanels stacked panels (1 -> PLOT_HEIGHT). */
int plot_figure_height(int npanels);

/* Defaults: PNG and SVG into DIR, every monitor, every neuron, all the time,
 * rates unsmoothed. */
void plot_options_init(PlotOptions *o);

/* Sets one command-line option of `snnc plot`: "--monitor" NAME (repeatable),
 * "--neurons" A:B (Python's slice: from A to B-1, either may be left out, or a
 * single index), "--window" T0:T1 (times with units, "100ms:300ms", "0.1s:",
 * ":50*ms"), "--smooth" gaussian:WIDTH | flat:WIDTH (Brian2's smooth_rate),
 * "--format" png|svg|both, "-o" DIR, "--along" T1,T2,... (times with units:
 * a state monitor of a spatialneurons group is also drawn as NAME.along.png,
 * each variable against the distance along the cable at those times).  Returns 1 when opt is one of these and
 * value was good, 0 when opt is not a plot option, and -1 with err set ("--window:
 * '5ms:1ms' ends before it starts") when the value is bad. */
int plot_option(PlotOptions *o, const char *opt, const char *value, char *err, size_t errlen);

/* Plots the outputs of the run in dir as o says.  The monitors are those of
 * DIR/run.json (CSV or npy files, as its "format" says) or, without run.json,
 * every monitor CSV in dir; the final states of --save-state
 * (DIR/<group>.state.csv) are drawn as <group>.state.png: a histogram of each
 * per-synapse variable, each neuron variable against the neuron index.
 * Messages as plot_dir's. */
int plot_run(const char *dir, const PlotOptions *o, char *msg, size_t msglen);

/* Plots every monitor output found in dir.  For a monitor NAME it writes
 * NAME.png and/or NAME.svg: into dir when out_prefix is NULL, otherwise to
 * out_prefix followed by NAME (so "figs/" writes figs/NAME.png and "figs/run1_"
 * figs/run1_NAME.png; the directory must exist).
 *
 * Returns 0 on success; msg (if non-NULL, msglen > 0; always NUL-terminated)
 * then holds the warnings, one per line ("" when none).  Returns -1 on
 * failure with msg holding the error first (missing directory, unreadable
 * file, "file:line: ..." for malformed CSV, a bad .npy file, an unknown
 * monitor, no monitor found, cannot write) followed by any warnings.  Output
 * already written for earlier monitors is kept.  Thread-safe: there is no
 * global state. */
int plot_dir(const char *dir, const char *out_prefix, int formats,
             char *msg, size_t msglen);

#endif
