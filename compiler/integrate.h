/* SPDX-License-Identifier: MIT */
/* This file declares the integrator: it turns a group's differential
 * equations into the statements of one time step (Brian2's state updaters:
 * exact, euler, rk2, rk4, heun, milstein, exponential_euler). */
#ifndef SNN_INTEGRATE_H
#define SNN_INTEGRATE_H

#include "diag.h"
#include "model.h"

/* Fill g->update with the state update of the group's ODEs g->odes, using
 * g->method (NULL: Brian2's default, the first of exact, euler, heun that
 * can integrate the equations) and set g->method_used.  The statements have
 * Brian2's shape: temporaries declared with ':' (noise values xi, stage
 * values __k_v, _v ...), then 'v = _v' for every variable, guarded by
 * g->not_refractory for '(unless refractory)' variables.  Returns false
 * after reporting an error at the offending equation. */
bool integrate_group(Model *M, Group *g, Diag *D);

/* The event-driven update of the ODEs vars[0..n) of a synapse group, as
 * Brian2 does it: exact integration over the time since the last update,
 * dt replaced by elapsed (e.g. t - lastupdate).  Appends the statements to
 * out; the caller adds the pathway code and 'lastupdate = t'. */
bool integrate_event_driven(Model *M, Sym *const *vars, int n, Node *elapsed, Block *out,
                            Diag *D);

/* The method integrate_group runs for the name after 'method:' (linear and
 * independent are exact), or NULL for a name it does not know. */
const char *integrate_method_name(const char *name);
/* Reports name as an unknown method at sp, with a suggestion or the list of
 * the known methods. */
void integrate_unknown_method(Diag *D, Span sp, const char *name);

/* exp(A) of an n x n row-major matrix (n <= 16) by scaling and squaring
 * with a Taylor series; exported for the tests. */
bool integrate_expm(int n, const double *A, double *out);

#endif
