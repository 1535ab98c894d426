/* SPDX-License-Identifier: MIT */
/* This file declares what the semantic-pass files share: the pass state, the
 * scope of a name lookup, and the functions of each file.  The files call
 * downwards only: sema.c (program, constants, groups) calls sema_stmt.c
 * (statement lists) and sema_net.c (connections, inputs, monitors, runs);
 * those and sema.c call sema_sub.c (subgroups, linked variables); all call
 * sema_expr.c (expressions), which calls sema_util.c (symbols, lookups,
 * names). */
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
    PVec   funcs;               /* Sym*, SYM_USERFUNC and SYM_TIMEDARRAY */
    PVec   failed;              /* const char*: top-level names whose
                                   declaration failed with an error */
    PVec   actions;             /* Action*: the script between runs */
    int    nscript;             /* statements of the script so far (prints
                                   and actions), for their order */
    PVec   subgroups;           /* SubDef*: named subgroups */
    struct GroupRange *sub;     /* the subgroup whose init or run_regularly
                                   is being checked, or NULL */
    PVec   morphs;              /* Morph* (sema_spatial.c) */
    PVec   pending_spatial;     /* spatialneurons prepared, to finish */
} Sema;

/* A neuron group, or a contiguous range of it (a subgroup, Brian2's
 * Subgroup): neurons [start, start + n) of g. */
typedef struct GroupRange {
    Group      *g;
    int64_t     start, n;
    bool        sub;            /* a subgroup, not all of g */
    const char *label;          /* "P", "Pe" or "P[0:3200]", for messages */
} GroupRange;

/* subgroup NAME = G[a:b]. */
typedef struct SubDef {
    const char *name;
    Span        span;
    GroupRange  r;
} SubDef;

/* Where an expression is being checked, and what its names may mean. */
typedef struct Scope {
    Sema       *S;
    Group      *g;              /* owner group, or NULL at top level */
    bool        ode;            /* xi allowed (right-hand side of an ODE) */
    PVec        temps;          /* ':=' temporaries of a statement block */
    Sym       **params;         /* user function parameters */
    int         nparams;
    bool        connect;        /* a connect() rule: the synapse counts are not known yet */
} Scope;

/* ---- sema_util.c: symbols, message text, lookups, names ---- */

/* A new symbol of the given SYM_* kind; the name is copied to the arena. */
Sym *sema_new_sym(Sema *S, int kind, Ident name, Span span);
/* A dimension as Brian2 writes it ("volt", "metre ** 2"), in the arena. */
const char *sema_dimstr(Sema *S, Dim d);
/* "volt", or "dimensionless" for numbers. */
const char *sema_dimword(Sema *S, Dim d);
/* "has unit volt", or "is dimensionless". */
const char *sema_hasunit(Sema *S, Dim d);
/* The source text of a span for messages, cut to 60 characters ("?" for a
 * span outside the source). */
const char *sema_spantext(Sema *S, Span sp);
/* Does s stand for an expression: a subexpression, or a (constant over dt)
 * variable computed once per step? */
bool sema_is_subexpr(const Sym *s);
/* Is id a reserved name (t, dt, i, lastspike, and, ...)? */
bool sema_is_reserved(Ident id);
/* The variable or subexpression name[0..n) of group g (NULL-safe), or NULL. */
Sym *sema_group_lookup(Group *g, const char *name, size_t n);
/* The constant name[0..n) (the latest definition), or NULL. */
Sym *sema_const_lookup(Sema *S, const char *name, size_t n);
/* The user function or timedarray id, or NULL. */
Sym *sema_userfunc_lookup(Sema *S, Ident id);
/* The group named id, of any kind, or NULL. */
Group *sema_find_group(Sema *S, Ident id);
/* The group named id that must be of the given G_* kind; NULL with an error
 * (and a suggestion) otherwise. */
Group *sema_group_ref(Sema *S, Ident id, Span sp, int kind);
/* Did the declaration of the top-level name id fail with an error?  Its
 * uses are then not reported again as unknown names. */
bool sema_failed_name(Sema *S, Ident id);
/* Appends s to the arena array *arr of *n symbols. */
void sema_add_to(Sema *S, Sym ***arr, int *n, Sym *s);
/* May id name a new what ("constant", "variable", ...)?  Not reserved, not
 * starting with '_' or "xi_", not a unit or built-in function; false with
 * an error. */
bool sema_check_identifier(Sema *S, Ident id, Span sp, const char *what);
/* The event (sema_util.c) of neuron group g called id: 0 for 'spike', k for
 * g->events[k-1]; -1 with an error at sp (what: who asks). */
int sema_event_index(Sema *S, Group *g, Ident id, Span sp, const char *what);
/* Is id not yet defined at top level (constant, group, monitor, function)?
 * false with an error naming the earlier line. */
bool sema_top_unique(Sema *S, Ident id, Span sp);

/* ---- sema_expr.c: expressions ---- */

/* The symbol id means in scope sc (group variable, _pre/_post view,
 * temporary, parameter, built-in, constant, unit); NULL with an error and a
 * suggestion. */
Sym *sema_resolve(Scope *sc, Ident id, Span sp);
/* Resolves the names of n and sets the dimension and type of every node;
 * false after reporting the errors. */
bool sema_check_expr(Scope *sc, Node *n);
/* sema_check_expr, and the result must have dimension want (what names the
 * expression in the message). */
bool sema_check_dim(Scope *sc, Node *n, Dim want, const char *what);
/* sema_check_expr, and the result must be a dimensionless condition. */
bool sema_check_cond(Scope *sc, Node *n, const char *what);

/* ---- sema_net.c: network objects ---- */

/* timedarray NAME(values=[...]*unit, dt=...) or NAME(file=..., unit=, dt=). */
void sema_decl_timedarray(Sema *S, Decl *d);
/* Replaces column('file.csv', 'name') in an initial value by the column's
 * numbers; false, with the error reported, when it cannot be read. */
bool sema_expand_column(Sema *S, Stmt *st);
/* when=: a schedule position SLOT_POS(slot, sub); false with an error. */
bool sema_parse_when(Sema *S, Node *v, int *slot);
/* order=: a whole number; false with an error. */
bool sema_parse_order(Sema *S, Node *v, int *order);
/* The connect item it of synapses g (condition, p=, n=, i=/j= lists or
 * generator strings). */
void sema_synapse_connect(Sema *S, Group *g, Item *it);
/* N_incoming / N_outgoing of synapses g (role VR_N_INCOMING/OUTGOING): made
 * as a read-only integer variable the first time it is used. */
Sym *sema_synapse_count(Sema *S, Group *g, int role);
/* A new integer variable of g (name at sp) whose values the runtime fills
 * (its role: N_incoming, multisynaptic_index, ...), with the flags given. */
Sym *sema_runtime_int(Sema *S, Group *g, Ident name, Span sp, int role, int flags);
/* A constant whole number (an index, a count) into *out, or false with an
 * error naming what it is. */
bool sema_const_int(Sema *S, Node *e, const char *what, double *out);
/* The (summed) subexpressions of synapses g: each needs a parameter of the
 * same unit in the target (or, for NAME_pre, the source) group. */
void sema_check_summed(Sema *S, Group *g);
/* sema_const.c: a unit expression (after ':') as a dimension, *type set
 * for boolean and integer; false with an error. */
bool sema_eval_unit(Sema *S, Node *n, Dim *out, uint8_t *type);
/* The time step: in the model and as 'dt' in constant expressions. */
void sema_set_dt(Sema *S, double v);
/* A constant declaration, a --set override of one, a user function. */
void sema_decl_const(Sema *S, Decl *d);
void sema_apply_override(Sema *S, const Override *ov);
void sema_decl_func(Sema *S, Decl *d);
/* Every group-like declaration sema_net.c handles: spikegenerator,
 * poissongroup, poissoninput, and the spike, state and rate monitors. */
void sema_decl_monitor(Sema *S, Decl *d);
/* run DURATION. */
void sema_decl_run(Sema *S, Decl *d);
/* A run declaration (sema_decl_run) whose step count, and that of all runs so
 * far (*total), must stay countable in 2^53 steps (sema_stmt.c). */
void sema_decl_run_counted(Sema *S, Decl *d, double *total);
/* print 'text' | print SM | print G.v, appended to prints (sema_stmt.c). */
void sema_decl_print(Sema *S, Decl *d, PVec *prints);

/* The spikes of generator g given as lists at ind and times (and the
 * period, NULL if none), checked as for its declaration: *idx, *t (SI) and
 * *n, *per; false with an error. */
bool sema_generator_spikes(Sema *S, Group *g, Node *ind, Node *times, Node *period, int **idx, double **t, int *n,
                           double *per);

/* ---- sema_script.c: the script between runs ---- */

/* A statement of the script (D_ASSIGN, D_METHOD, D_WORD, or a D_CONST
 * after the first run), appended to S->actions. */
void sema_script_decl(Sema *S, Decl *d);
/* ---- sema_sub.c: subgroups and linked variables ---- */

/* The named subgroup id, or NULL. */
SubDef *sema_find_subgroup(Sema *S, Ident id);
/* What group reference name[slice] means (slice an N_SUBGROUP node or
 * NULL): a neuron group, a named subgroup, or a slice of either; false with
 * a located error (unknown name, not neurons, a slice out of range, empty
 * or with a step). */
bool sema_group_range(Sema *S, Ident name, Span sp, const Node *slice, GroupRange *out);
/* subgroup NAME = G[a:b]: declares it; *out is its range (false on error). */
bool sema_decl_subgroup(Sema *S, Decl *d, GroupRange *out);
/* The link items of neuron group g (link(v, G.v, index=...) or
 * 'link: v = G.v'), and every (linked) parameter must have one. */
void sema_group_links(Sema *S, Group *g, Decl *d);
/* The link of linked variable v (or of the variable a _pre/_post view
 * shows), or NULL. */
Link *sema_link_of(Sym *v);

/* ---- sema_stmt.c: statement lists ---- */

/* Checks the statements sl of group g's block what ("reset", "on_pre",
 * "init", ...): each assignment's target must be a stored, changeable
 * variable of the right unit, ':=' makes a temporary; with init, list and
 * column() values are allowed. */
void sema_check_stmts(Sema *S, Group *g, StmtList *sl, const char *what, bool init);
/* The list of an initial value '[a, b]*unit' (its leftmost operand), or NULL. */
Node *sema_init_list(Node *e);
/* Dimension *d and value *v of one element x (dimension dx) of the list of
 * initial value e, with the units after the list applied in Python's order:
 * ([a, b]*mV)/ms -> (a*mV)/ms. */
void sema_list_element(const Node *e, const Node *list, Dim dx, double x, Dim *d, double *v);

/* A list argument [a, b, c] or [a, b]*unit as SI values, with the
 * elements' dimension (sema_net.c); NULL with an error. */
double *sema_list_values(Sema *S, Node *v, int *n, Dim *dim);

/* A file named in the model: relative to the model's directory. */
const char *sema_model_path(Sema *S, const char *file);

/* ---- sema_spatial.c: morphologies and spatialneurons ---- */

/* morphology M = Shape(...) { path = Shape(...) ... } */
void sema_decl_morphology(Sema *S, Decl *d);
/* Rewrites spatialneurons d into the neuron group decl_neurons checks (one
 * neuron per compartment, the variables SpatialNeuron adds, point currents
 * in Im, threshold_location); false with an error. */
bool sema_spatial_prepare(Sema *S, Decl *d);
/* After decl_neurons: the geometry's initial values and the cable. */
void sema_spatial_finish(Sema *S, Decl *d);
/* ---- sema_events.c: custom events, Brian2's dict arguments of synapses ---- */

/* events { ... } and run_on_event blocks of neuron group g (declared by d). */
void sema_group_events(Sema *S, Group *g, const Decl *d);
/* Whether item it may be (or must be) a dict: events, on_pre, on_post,
 * delay, on_event (Brian2's dict arguments); false with an error. */
bool sema_dict_item_ok(Sema *S, const Item *it);
/* on_pre: {'NAME': 'statements', ...} (on_post with post): named pathways. */
void sema_pathway_dict(Sema *S, Group *g, Item *it, bool post);
/* delay: {'NAME': duration or expression, ...}: the named pathways' (and
 * on_post's, 'post') delays; returns the entry 'pre' (the main pathway's
 * delay), or NULL. */
Node *sema_delay_dict(Sema *S, Group *g, Item *it);
/* A per-synapse delay variable NAME of g set to e after connect(). */
Sym *sema_delay_var(Sema *S, Group *g, const char *name, Node *e);
/* on_event: EVENT or {'pre': 'EVENT', 'NAME': ...} of synapses g. */
void sema_synapse_on_event(Sema *S, Group *g, Item *it);
void sema_check_spiking_ends(Sema *S, Group *g);

/* dt: DURATION of group g, its own clock (Brian2's dt=): a whole multiple
 * of the model's dt. */
void sema_group_clock(Sema *S, Group *g, Node *e);

/* ---- sema_record.c: what monitors record ---- */

/* record= of monitor m: all/True, False (spike monitors: counts only), an
 * index, a list, range(...), arange(...) or slice(...); false with an error. */
bool sema_monitor_record(Sema *S, Monitor *m, Node *v, bool spike);
/* The further arguments of spike and event monitors (variables=, the
 * event's name); false if a is none of them. */
bool sema_spike_monitor_arg(Sema *S, Monitor *m, Arg *a, int pos, bool *failed);
/* Checks once the arguments are read: the event exists (and is given, with
 * need_event), the variables are the group's. */
bool sema_spike_monitor_finish(Sema *S, Monitor *m, bool need_event);

/* ---- sema_smooth.c: smoothed rates of rate monitors ---- */

/* window= or width= of a rate monitor (Brian2's smooth_rate); false with
 * an error. */
bool sema_smooth_arg(Sema *S, Monitor *m, Arg *a);
/* Checks once the arguments are read: a gaussian or flat window has a
 * width, a list has none; width alone means gaussian, as in Brian2. */
bool sema_smooth_finish(Sema *S, Monitor *m);

/* ---- sema_template.c: templates ---- */

/* Replaces each group made from a template by the constants of its
 * parameters and the group with the template's items, and drops the
 * templates and imports from prog; errors in S->D. */
void sema_expand_templates(Sema *S, Program *prog);
/* The value of template parameter constant d (checked) must have the unit
 * of the template's default; false with an error at the value. */
bool sema_template_param_unit(Sema *S, Decl *d);

/* ---- sema_synsyn.c: synapses on synapses ---- */

/* A synapse group named as the source or target of synapses: 1 (out is
 * all of its synapses), -1 (an error: it was sliced), 0 (not one). */
int sema_synapse_endpoint(Sema *S, Ident name, Span sp, const Node *slice, GroupRange *out);
/* on_pre (post: on_post) item it of g: false, with an error, when its
 * source (target) is a synapse group, which has no spikes. */
bool sema_synsyn_pathway_ok(Sema *S, Group *g, const Item *it, bool post);
/* Names of synapses on synapses in synapse code: i_post, j_post, i_pre,
 * j_pre, and an error for a name two links away (v_post_post); false if id
 * is none of them. */
bool sema_synsyn_resolve(Scope *sc, Ident id, Span sp, Sym **out);
/* Built-in s (i, j, N) of a synapse group's subexpression seen from side 1
 * or 2 of synapses on synapses. */
Sym *sema_synsyn_view_builtin(Sema *S, Sym *s, int side);
/* multisynaptic_index: NAME of synapses g: a variable NAME numbering the
 * synapses of each (i, j) pair from 0, in the order connect() made them. */
void sema_multisynaptic_index(Sema *S, Group *g, const Item *it);

#endif
