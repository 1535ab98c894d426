/* SPDX-License-Identifier: MIT */
/* This file declares the optimising tier: the model's C code compiled by the
 * system C compiler in a background thread while the libtcc code already
 * runs, swapped in between two steps when ready. */
#ifndef SNN_TIER_H
#define SNN_TIER_H

#include <stdbool.h>

#include "../compiler/model.h"
#include "jit.h"
#include "net.h"

typedef struct Tier Tier;

/* Start compiling code (copied) into cache_dir.  With wait, compile now and
 * install before returning.  NULL when out of memory. */
Tier *tier_start(const char *code, const char *cache_dir);
/* Install the optimised code in net if it is ready: called between steps
 * (net->between).  Returns false while the compiler still runs. */
bool  tier_poll(Tier *t, Net *net, Model *M, Arena *A);
/* Wait for the compiler and install (for synchronous use). */
bool  tier_finish(Tier *t, Net *net, Model *M, Arena *A);
/* A message if the tier failed ("" otherwise). */
const char *tier_error(const Tier *t);
/* Stop the compiler if it still runs, and free everything (after the net
 * that may use the code is freed). */
void  tier_free(Tier *t);

#endif
