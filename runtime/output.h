/* SPDX-License-Identifier: MIT */
/* This file declares the writers of monitor data: CSV files that numpy,
 * pandas and spreadsheets read without help, and the run summary. */
#ifndef SNN_OUTPUT_H
#define SNN_OUTPUT_H

#include <stddef.h>
#include "net.h"

/* Write every monitor to DIR/<name>.csv, creating DIR if needed.  Each file
 * is written under a temporary name and renamed when complete.  Returns 0, or
 * -1 with a message in err. */
int   output_write_all(Net *net, const char *dir, char *err, size_t errlen);
/* Write the current values of every variable of every group and synapses
 * object to DIR/<name>.state.csv (one column per variable, one row per
 * neuron or synapse; synapses also get their i and j). */
int   output_write_state(Net *net, const char *dir, char *err, size_t errlen);
/* "SM: 34 spikes (G: 20, 13, 1)" lines, malloc'ed. */
char *output_summary(Net *net);

#endif
