/* SPDX-License-Identifier: MIT */
/* This file declares the pending external spikes of snn_add_spikes: per
 * neuron group, a list of (index, step) sorted by step, kept by the API and
 * saved in snapshots. */
#ifndef SNN_INJECT_H
#define SNN_INJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Spikes added from outside (snn_add_spikes) that have not happened yet, for
 * one neuron group, sorted by step. */
typedef struct InjList {
    char    *group;
    int32_t *idx;
    int64_t *step;
    size_t   n, cap;
} InjList;

typedef struct Injections {
    InjList *v;
    int      n;
} Injections;

void injections_free(Injections *inj);
/* Add spike (idx, step) to group's list, keeping it sorted; false on OOM. */
bool injections_add(Injections *inj, const char *group, int32_t idx, int64_t step);

#endif
