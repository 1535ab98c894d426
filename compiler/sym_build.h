/* SPDX-License-Identifier: MIT */
/* This file declares the expression basics: the simplifying builders of
 * nodes, structural equality and the numeric evaluator.  Every
 * node they make has its dimension and type set, and numbers are folded only
 * when the result is exact, finite and not -0.0; x*1, x/1, x+0, x-0, --x and
 * x**1 are dropped.  They use the function table (functions.h) and sit
 * below the rest of the symbolic layer (symbolic.h). */
#ifndef SNN_SYM_BUILD_H
#define SNN_SYM_BUILD_H

#include "functions.h"
#include "model.h"

/* A float literal with SI value v and dimension d. */
Node *sym_num(Model *M, double v, Dim d);
/* A reference to a symbol (dim and type from the symbol). */
Node *sym_name(Model *M, Sym *s);
/* a op b for op one of + - * / ** %, OP_FLOORDIV (arithmetic, simplified);
 * comparison operators build an N_CMP. */
Node *sym_bin(Model *M, int op, Node *a, Node *b);
Node *sym_add(Model *M, Node *a, Node *b);
Node *sym_sub(Model *M, Node *a, Node *b);
Node *sym_mul(Model *M, Node *a, Node *b);
Node *sym_div(Model *M, Node *a, Node *b);
Node *sym_pow(Model *M, Node *a, Node *b);
Node *sym_neg(Model *M, Node *a);
/* Is n the number literal v (0, 1, ...)? */
bool sym_is_num(const Node *n, double v);
/* Is n a number literal? */
bool sym_is_number(const Node *n);
/* Is r a number the builders may fold to (finite, not -0.0)? */
bool sym_foldable(double r);
/* A bare node of kind at span s (checked, no dimension yet). */
Node *sym_node(Model *M, int kind, Span s);
/* The span covering both operands, ignoring generated nodes' empty spans. */
Span sym_span2(const Node *a, const Node *b);

/* Is s a library function (a body-less SYM_USERFUNC)? */
bool sym_is_lib(const Sym *s);
/* A call of a built-in function (enum Fn) on nargs arguments. */
Node *sym_call(Model *M, int fn, Node **args, int nargs);
Node *sym_call1(Model *M, int fn, Node *a);
/* Structural equality (same shape, operators, numbers and symbols). */
bool sym_equal(const Node *a, const Node *b);
/* Value lookup for sym_eval: called for names that are not constants or
 * units (and for rand()/randn() calls, with the call node); returns false if
 * the value is unknown. */
typedef bool (*SymLookup)(void *ctx, const Node *n, double *out);
/* Evaluate e in double precision with Brian2's semantics (true division,
 * Python % and //, int() truncates).  Returns false if some name has no
 * value (lookup may be NULL: then only constants evaluate). */
bool sym_eval(const Node *e, SymLookup lookup, void *ctx, double *out);

#endif
