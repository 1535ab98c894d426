/* SPDX-License-Identifier: MIT */
/* This file declares what the semantic-pass files share: the pass state, the
 * scope of a name lookup, and the checking helpers of sema.c used by
 * sema_net.c (connections, monitors, inputs). */
#ifndef SNN_SEMA_INT_H
#define SNN_SEMA_INT_H

#include "sema.h"

typedef struct Sema {
    Arena *A;
    Diag  *D;
    Model *M;
    PVec   consts;              /* Sym*, SYM_CONST */
    PVec   groups;              /* Group* */
    PVec   monitors;            /* Monitor* */
    PVec   runs;                /* double* */
    PVec   funcs;               /* Sym*, SYM_USERFUNC */
} Sema;

/* Where an expression is being checked, and what its names may mean. */
typedef struct Scope {
    Sema       *S;
    Group      *g;              /* owner group, or NULL at top level */
    bool        ode;            /* xi allowed (right-hand side of an ODE) */
    PVec        temps;          /* ':=' temporaries of a statement block */
    Sym       **params;         /* user function parameters */
    int         nparams;
} Scope;

Sym *sema_new_sym(Sema *S, int kind, Ident name, Span span);
const char *sema_dimstr(Sema *S, Dim d);
const char *sema_spantext(Sema *S, Span sp);
Sym *sema_group_lookup(Group *g, const char *name, size_t n);
Sym *sema_resolve(Scope *sc, Ident id, Span sp);
bool sema_check_expr(Scope *sc, Node *n);
bool sema_check_dim(Scope *sc, Node *n, Dim want, const char *what);
bool sema_check_cond(Scope *sc, Node *n, const char *what);
bool sema_check_identifier(Sema *S, Ident id, Span sp, const char *what);
bool sema_top_unique(Sema *S, Ident id, Span sp);
Group *sema_find_group(Sema *S, Ident id);
Group *sema_group_ref(Sema *S, Ident id, Span sp, int kind);
void sema_add_to(Sema *S, Sym ***arr, int *n, Sym *s);

const char *sema_dimword(Sema *S, Dim d);
const char *sema_hasunit(Sema *S, Dim d);

/* sema_expr.c */
Sym *sema_const_lookup(Sema *S, const char *name, size_t n);
Sym *sema_userfunc_lookup(Sema *S, Ident id);
bool sema_ends_with(const char *z, size_t n, const char *suf);

/* sema_net.c */
bool sema_check_timedarray_call(Scope *sc, Node *n, Sym *ta);
void sema_decl_timedarray(Sema *S, Decl *d);
void sema_expand_column(Sema *S, Stmt *st);
bool sema_parse_when(Sema *S, Node *v, int *slot);
bool sema_parse_order(Sema *S, Node *v, int *order);
double *sema_read_csv_column(Sema *S, const char *file, Span sp, const char *column, int *n);
void sema_synapse_connect(Sema *S, Group *g, Item *it);
void sema_decl_monitor(Sema *S, Decl *d);
void sema_decl_run(Sema *S, Decl *d);

#endif
