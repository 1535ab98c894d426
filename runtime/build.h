/* SPDX-License-Identifier: MIT */
/* This file declares the builder of a runtime network from a checked model
 * and its JIT-compiled code. */
#ifndef SNN_BUILD_H
#define SNN_BUILD_H

#include <stdint.h>

#include "../compiler/model.h"
#include "jit.h"
#include "net.h"

/* Build the network of model M whose code is compiled in jit.  On success
 * *out is the network (owned by the caller) and SNN_OK is returned; on
 * failure an SNN_E* code, and *out may hold a partial network to free. */
int build_network(Model *M, Jit *jit, Arena *A, uint64_t seed, Net **out);
/* Point every block function of net (built from M) at the code in jit;
 * false if jit lacks a function (then some may point at jit, so jit must
 * live as long as net either way). */
bool build_rebind(Net *net, Model *M, Jit *jit, Arena *A);

#endif
