/* SPDX-License-Identifier: MIT */
/* This file declares a small symbolic layer over the annotated expression
 * trees of ast.h: builders that simplify as they go and keep every node's
 * dimension and type right, substitution, differentiation, linearity and
 * "constant over dt" tests, a numeric evaluator and a printer.  It is what the
 * integrator uses to turn differential equations into update statements.
 *
 * Conventions: every function builds new nodes in M->arena and never changes
 * the nodes it is given; results may share unchanged subtrees with their
 * inputs (take an ast_copy before handing a tree to a pass that mutates).
 * Simplifications are exact in IEEE arithmetic or purely structural: numbers
 * are folded only when the result is finite and not -0.0, x*1, x/1, x+0, x-0,
 * --x and x**1 are dropped, 0*x is folded only when x is a finite number. */
#ifndef SNN_SYMBOLIC_H
#define SNN_SYMBOLIC_H

#include "functions.h"
#include "model.h"
#include "sym_build.h"

/* ---- library functions ----
 * expm1, log1p and timestep (LIB_* in functions.h, whose table describes
 * them): the symbolic layer evaluates and differentiates them, and the
 * emitter writes their C code (sym_lib_c_code). */

/* The LIB_* id of a library function name, or LIB_NONE. */
int sym_lib_lookup(const char *name, size_t n);
/* Its name ("?" for LIB_NONE). */
const char *sym_lib_name(int lib);
/* Number of arguments. */
int sym_lib_arity(int lib);
/* The C definition of uf_NAME for generated code. */
const char *sym_lib_c_code(int lib);


/* ---- builders, equality and evaluation: sym_build.h ---- */

/* ---- queries ---- */

/* Does e refer to s, directly or through the definitions of subexpressions
 * (except "constant over dt" ones, which are values fixed during a step) and
 * the bodies of user functions? */
bool sym_depends_on(const Node *e, const Sym *s);
/* Does e depend on any of syms[0..n)? */
bool sym_depends_on_any(const Node *e, Sym *const *syms, int n);
/* Is e constant over one time step of dt seconds: no t, no rand()/randn(),
 * no xi, and none of the state variables states[0..n) (looking through
 * subexpressions as sym_depends_on does)?  A timedarray of t counts as
 * constant when its dt is a whole multiple of the step's (Brian2's
 * TimedArray.is_locally_constant; dt 0: the step is not known, so it is
 * not).  If not and why is given, *why gets a short reason ("it depends on
 * t"). */
bool sym_constant_over_dt(Model *M, const Node *e, Sym *const *states, int n, double dt,
                          const char **why);

/* ---- rewriting ---- */

/* Replace every reference to from[k] by to[k] (k < n), rebuilding with the
 * simplifying builders. */
Node *sym_subst(Model *M, const Node *e, Sym *const *from, Node *const *to, int n);
/* Replace references to subexpressions (recursively) by their definitions,
 * except "constant over dt" ones, and inline calls of user functions. */
Node *sym_expand(Model *M, const Node *e);
/* Rebuild e with the simplifying builders; with fold_consts, named
 * constants and unit names are replaced by their values first. */
Node *sym_simplify(Model *M, const Node *e, bool fold_consts);
/* Derivative of e with respect to x, or NULL if e is not differentiable
 * symbolically (comparisons, floor, % ... of something depending on x). */
Node *sym_diff(Model *M, const Node *e, Sym *x);

/* Split e as sum_k coef[k]*vars[k] + rest, with every coefficient and the
 * rest free of all vars.  Zero parts come back as literal 0 of the right
 * dimension (test with sym_is_num(n, 0)).  Returns false if e is not linear
 * in the vars; then *bad (if given) is the smallest subterm that breaks the
 * linearity (v*ge, v**2, exp(v)). */
bool sym_linear(Model *M, const Node *e, Sym *const *vars, int n, Node **coef,
                Node **rest, const Node **bad);

/* Split e as a*x + b the way Brian2's exponential_euler does: after
 * expanding, every term is x-free as a factor or x times such a factor;
 * a and b may still depend on x inside function arguments (tanh(v)) and
 * denominators that are not multiples of x.  false, with *bad the term that
 * breaks it (v**2, v*v, 1/v, sqrt(v)), otherwise or when no term is x times a
 * factor. */
bool sym_cond_linear(Model *M, const Node *e, Sym *x, Node **a, Node **b, const Node **bad);

/* ---- numbers and text ---- */

/* Python-style text of e with minimal parentheses, for messages and tests. */
const char *sym_str(Arena *A, const Node *e);

#endif
