/* SPDX-License-Identifier: MIT */
/* This file declares the reader of a run's run.json for the plots: the
 * format of the monitors' files and the unit of each monitor's variables. */
#ifndef SNN_PLOT_READ_H
#define SNN_PLOT_READ_H

#include <stdbool.h>
#include <stddef.h>

/* What run.json says about one monitor. */
typedef struct RunMonitor {
    char  *name, *kind, *source;   /* kind: "spikemonitor", "statemonitor", "ratemonitor" */
    int    nvars, nunits, nfiles;
    char **vars, **units;          /* units[k] may be NULL (not known) */
    char **files;                  /* npy: one file per variable */
    int   *record, nrecord;        /* recorded neurons (nrecord -1: not said) */
    double *distance;              /* spatialneurons: each recorded compartment's distance (m), */
    char  **section;               /* and its section's path ("" the root); NULL: not said */
    int    ndistance, nsection;
} RunMonitor;

/* What run.json says about one final-state file (--save-state). */
typedef struct RunState {
    char  *source, *file;
    int    ncols, nunits;
    char **cols, **units;          /* from "state_columns" */
} RunState;

/* What run.json says about a run. */
typedef struct RunFile {
    bool        found;             /* DIR/run.json exists */
    char        format[8];         /* "csv" or "npy" ("csv" if not said) */
    double      dt;                /* the run's time step in s (0: not said) */
    RunMonitor *mon;
    int         nmon;
    RunState   *state;
    int         nstate;
} RunFile;

/* Read DIR/run.json into rf.  No run.json is not an error (rf->found is
 * false).  Returns 0, or -1 with "DIR/run.json:LINE: ..." in err when the
 * file cannot be read or is not the JSON snnc writes. */
int plot_read_run(const char *dir, RunFile *rf, char *err, size_t errlen);
/* The unit of variable var of monitor mon ("volt", "siemens", "1"), or
 * NULL if run.json does not say. */
const char *plot_run_unit(const RunFile *rf, const char *mon, const char *var);
/* The unit of column col of the final-state file of group source. */
const char *plot_state_unit(const RunFile *rf, const char *source, const char *col);
/* The monitor named name, or NULL. */
const RunMonitor *plot_run_monitor(const RunFile *rf, const char *name);
/* The axis symbol of a unit in Brian2's words: "volt" -> "V", "siemens" ->
 * "S", "amp" -> "A", "hertz" -> "Hz", "second" -> "s", "1" -> "" (a pure
 * number); other units are their own text, with *prefixable false (no
 * SI prefix is put before them). */
const char *plot_unit_symbol(const char *unit, bool *prefixable);
void plot_run_free(RunFile *rf);

#endif
