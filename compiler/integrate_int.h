/* SPDX-License-Identifier: MIT */
/* This file declares what the integrator's files share: the equations of a
 * group as the methods see them (Sys) and the helpers that build their IR.
 * integrate_sys.c holds those helpers, integrate.c the methods and their
 * choice, integrate_exact.c the exact solution of linear systems. */
#ifndef SNN_INTEGRATE_INT_H
#define SNN_INTEGRATE_INT_H

#include "integrate.h"
#include "symbolic.h"

#define MAX_EXPM 16

/* The equations of one group as the methods see them. */
typedef struct Sys {
    Model      *M;
    Group      *g;              /* NULL for event-driven updates */
    int         n;
    Sym       **x;              /* state variables */
    Node      **rhs;            /* right-hand sides, subexpressions expanded */
    Node      **f;              /* deterministic parts */
    int         nxi;
    Sym       **xi;             /* distinct noise symbols */
    Node      **gn;             /* gn[i*nxi + k]: factor of xi[k] in dx_i/dt, NULL if none */
    bool        multiplicative;
    int         mult_var;       /* an equation with multiplicative noise */
    Node       *dtn;            /* the time step (dt, or t - lastupdate) */
    const char *method;
    Block       out;
    Sym        *fail_var;       /* the reason the current method refused */
    const char *fail_msg;
} Sys;

/* Record why the current method cannot integrate equation var; false. */
bool  sys_fail(Sys *S, Sym *var, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Nodes for a symbol, a dimensionless number and the time step. */
Node *sys_name(Sys *S, Sym *s);
Node *sys_num(Sys *S, double v);
Node *sys_dt(Sys *S);
/* The step in seconds: the group's clock (0 for event-driven updates,
 * whose step t - lastupdate varies). */
double sys_step(Sys *S);
/* A temporary tname := e (owned by owner, for messages), as a statement. */
Sym  *sys_emit_temp(Sys *S, const char *tname, Node *e, Sym *owner);
/* The statement var = e. */
void  sys_emit_assign(Sys *S, Sym *var, Node *e);
/* Assign res[i] to every state variable x[i] (through temporaries). */
void  sys_emit_results(Sys *S, Node **res);
/* a + b where either may be NULL (zero). */
Node *sys_zadd(Model *M, Node *a, Node *b);
/* Is n NULL or the number 0? */
bool  sys_zero(const Node *n);
/* The state variables e depends on, as text for messages. */
const char *sys_var_list(Sys *S, const Node *e);
/* Does variable i's equation see refractoriness (unless refractory)? */
bool  sys_refractory_observed(Sys *S, int i);
/* The exact method (linear systems: symbolic for triangular ones, a
 * numeric matrix exponential for coupled ones with constant coefficients). */
bool  integrate_exact(Sys *S);

#endif
