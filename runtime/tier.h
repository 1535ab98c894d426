/* SPDX-License-Identifier: MIT */
/* This file declares the optimising tier: the model's C code compiled by the
 * system C compiler in a background thread while the libtcc code already
 * runs, swapped in between two steps when ready. */
#ifndef SNN_TIER_H
#define SNN_TIER_H

#include <stdbool.h>

#include "compile.h"
#include "jit.h"
#include "net.h"

typedef struct Tier Tier;

/* Where a tier is (tier_status). */
enum { TIER_PENDING, TIER_INSTALLED, TIER_FAILED, TIER_SKIPPED };

/* Start compiling code (copied) into cache_dir in a background thread.
 * With background, code that is not in the cache waits for tier_decide
 * and is then built at a lower priority (nice +10); otherwise it is built
 * at once.  NULL when out of memory. */
Tier *tier_start(const char *code, const char *cache_dir, bool background);
/* Whether the code is not cached and the tier waits for tier_decide. */
bool  tier_needs_decision(const Tier *t);
/* The likely wall time of the build (jit_native_estimate), in seconds. */
double tier_estimate(const Tier *t);
/* Build (true) or give up (false: the tier becomes TIER_SKIPPED). */
void  tier_decide(Tier *t, bool build);
/* Whether the code was built rather than loaded from the cache; then the
 * build's wall time and the nice value it ran at. */
bool  tier_built(const Tier *t, double *seconds, int *nice);
/* Install the optimised code in net (built from M, whose functions B lists)
 * if it is ready: called between steps (net->between).  Returns false while
 * the compiler still runs, true once the tier is installed or has failed.
 * Allocates nothing. */
bool  tier_poll(Tier *t, Net *net, const Model *M, const BlockTable *B);
/* Wait for the compiler and install (for synchronous use); true if the
 * optimised code is installed. */
bool  tier_finish(Tier *t, Net *net, const Model *M, const BlockTable *B);
/* TIER_PENDING, TIER_INSTALLED, TIER_FAILED or TIER_SKIPPED. */
int   tier_status(const Tier *t);
/* A message if the tier failed ("" otherwise). */
const char *tier_error(const Tier *t);
/* Stop the compiler if it still runs, and free everything (after the net
 * that may use the code is freed). */
void  tier_free(Tier *t);

#endif
