/* SPDX-License-Identifier: MIT */
/* This file declares the builder of a runtime network from a checked model
 * and its JIT-compiled code. */
#ifndef SNN_BUILD_H
#define SNN_BUILD_H

#include <stdbool.h>
#include <stdint.h>

#include "compile.h"
#include "jit.h"
#include "net.h"

/* Why a model could not be built: a message about the object at span. */
typedef struct BuildError {
    bool set;
    Span span;               /* of the group or monitor at fault */
    char msg[512];
} BuildError;

/* Build the network of model M whose code (with the functions listed in B)
 * is compiled in jit.  On success *out is the network (owned by the
 * caller) and SNN_OK is returned; on failure an SNN_E* code (SNN_ESEMA with
 * *err set when the model cannot be built as written), and *out may hold a
 * partial network to free.  M is only read.  With mpi_comm (an MPI_Comm)
 * the network is this rank's part of one split over its ranks
 * (mpi_net.h): each synapse is made on the rank of its target neuron. */
int build_network(const Model *M, const BlockTable *B, Jit *jit, uint64_t seed, const void *mpi_comm, Net **out,
                  BuildError *err);
/* Point every block function of net (built from M) at the code in jit, by
 * the names in B; false if jit lacks a function (then some may point at
 * jit, so jit must live as long as net either way).  Allocates nothing. */
bool build_rebind(Net *net, const Model *M, const BlockTable *B, Jit *jit);

/* Give spike generator r the spikes idx[k] at times t[k] (seconds), with
 * the period (0: none), as Brian2's set_spikes: times to steps with
 * Brian2's timestep(), sorted by step and index; spikes before the current
 * step are passed over when the generator runs; offset is the step
 * whose clock index is 0 (-clock_base).  SNN_OK or SNN_ENOMEM (then r is
 * unchanged). */
int build_set_spikes(RtGroup *r, const int *idx, const double *t, int n, double period, double dt, int64_t offset);

#endif
