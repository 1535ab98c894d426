/* SPDX-License-Identifier: MIT */
/* This file declares the plotting module behind `snnc plot DIR`: it reads the
 * monitor outputs a run wrote into DIR and draws one figure per monitor with
 * cairo, as PNG and/or SVG.
 *
 * Recognised files (CSV, header line first, SI units), told apart by header:
 *   spike monitor      NAME.csv  "i,t"                  -> raster (t, i)
 *   state monitor      NAME.csv  "t,v_0,v_1,ge_0,..."   -> traces, one panel
 *                                                          per variable
 *   population rate    NAME.csv  "t,rate"               -> rate line (Hz)
 * Any other CSV is skipped with a warning.  Sidecar files (.meta, .units) are
 * not needed and are ignored.
 *
 * Display units are chosen from the data: time gets s/ms/us; a variable named
 * v, V, vm, Vm, v_m or u with |values| < 1 is taken as volts and shown in mV;
 * names starting with g (resp. I) with |values| < 1e-3 are taken as siemens
 * (resp. amps); everything gets an SI prefix that puts the numbers between 1
 * and 1000 (unknown quantities get a "x10^k" factor instead). */
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

/* Height in pixels of a figure with npanels stacked panels (1 -> PLOT_HEIGHT). */
int plot_figure_height(int npanels);

/* Plots every monitor output found in dir.  For a monitor NAME it writes
 * NAME.png and/or NAME.svg: into dir when out_prefix is NULL, otherwise to
 * out_prefix followed by NAME (so "figs/" writes figs/NAME.png and "figs/run1_"
 * figs/run1_NAME.png; the directory must exist).
 *
 * Returns 0 on success; msg (if non-NULL, msglen > 0; always NUL-terminated)
 * then holds the warnings, one per line ("" when none).  Returns -1 on
 * failure with msg holding the error first (missing directory, unreadable
 * file, "file:line: ..." for malformed CSV, no monitor found, cannot write)
 * followed by any warnings.  Output already written for earlier monitors is
 * kept.  Thread-safe: there is no global state. */
int plot_dir(const char *dir, const char *out_prefix, int formats,
             char *msg, size_t msglen);

#endif
