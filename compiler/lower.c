/* SPDX-License-Identifier: MIT */
/* This file contains the lowering pass after sema:
 *  - each group's clock-driven equations are integrated (integrate.c);
 *  - (event-driven) synaptic equations are solved exactly over the time since
 *    the synapse's last update and prepended to on_pre and on_post, followed
 *    by 'lastupdate = t', as Brian2's SynapticPathway does;
 *  - (summed) subexpressions of synapses get their target variable;
 *  - refractoriness becomes statements, as Brian2's _get_refractory_code
 *    and threshold template do: not_refractory is computed at the start of
 *    the state update, the threshold is 'and not_refractory', and a spike
 *    sets 'not_refractory = False; lastspike = t';
 *  - a variable flagged (unless refractory) is read-only while its neuron is
 *    refractory, as Brian2's conditional write makes it: writes to it from
 *    on_pre / on_post, pathways, run_regularly and PoissonInput are guarded
 *    by its group's not_refractory (the state update is guarded by the
 *    integrator; the reset is not guarded, as in Brian2);
 *  - every expression is checked against LOWER_MAX_DEPTH, the deepest
 *    nesting the generated C may have. */
#include "lower.h"
#include "lower_cable.h"

#include <string.h>

#include "integrate.h"
#include "sema.h"
#include "symbolic.h"

/* The deepest nesting an expression may have in the generated C, counted
 * as c_depth does: deeper expressions are refused with a located error.
 * libtcc parses expressions recursively and keeps each operand still
 * pending (the left side of an operator, a function and its earlier
 * arguments) on a value stack of 256 entries; past that it fails, and far
 * deeper parentheses would end the C stack.  200 leaves room for the
 * statement around the expression and is far beyond hand-written models. */
#define LOWER_MAX_DEPTH 200

static Sym *add_group_var(Model *M, Group *g, const char *name, Dim dim, int role)
{
    Sym *s = arena_alloc(M->arena, sizeof *s);
    s->kind = SYM_VAR;
    s->name = name;
    s->span = g->span;
    s->dim = dim;
    s->role = role;
    s->owner = g;
    s->var_index = g->nvars;
    g->vars = arena_append(M->arena, g->vars, g->nvars, sizeof *g->vars);
    g->vars[g->nvars++] = s;
    return s;
}

static Stmt *assign(Model *M, Sym *var, Node *e)
{
    Stmt *st = arena_alloc(M->arena, sizeof *st);
    st->span.start = st->span.end = -1;
    st->var = ident_cstr(var->name);
    st->op = '=';
    st->sym = var;
    st->expr = e;
    return st;
}

/* [event-driven update] + code + [lastupdate = t] */
static StmtList wrap_pathway(Model *M, Block *pre, StmtList code, Stmt *tail)
{
    StmtList out;
    out.n = pre->n + code.n + 1;
    out.v = arena_alloc(M->arena, sizeof *out.v * (size_t)out.n);
    int k = 0;
    for (int m = 0; m < pre->n; m++) out.v[k++] = pre->v[m];
    for (int m = 0; m < code.n; m++) out.v[k++] = code.v[m];
    out.v[k++] = tail;
    out.n = k;
    return out;
}

static bool lower_event_driven(Model *M, Group *g, Diag *D)
{
    Sym **ev = arena_alloc(M->arena, sizeof *ev * (size_t)(g->nodes + 1));
    int nev = 0;
    for (int k = 0; k < g->nodes; k++)
        if (g->odes[k]->flags & VF_EVENT_DRIVEN) ev[nev++] = g->odes[k];
    if (!nev) return true;
    Sym *last = add_group_var(M, g, "lastupdate", DIM_SECOND, VR_LASTUPDATE);
    Node *t = sym_name(M, model_builtin(M, B_T));
    Node *elapsed = sym_sub(M, t, sym_name(M, last));
    Block upd = { 0 };
    if (!integrate_event_driven(M, ev, nev, elapsed, &upd, D)) return false;
    Stmt *tail = assign(M, last, t);
    if (g->on_pre.n) g->on_pre = wrap_pathway(M, &upd, g->on_pre, tail);
    if (g->on_post.n) g->on_post = wrap_pathway(M, &upd, g->on_post, tail);
    for (int k = 0; k < g->npaths; k++) g->paths[k].stmts = wrap_pathway(M, &upd, g->paths[k].stmts, tail);
    return true;
}

/* Igap_post = w*(v_pre - v_post) : amp (summed) sets the parameter Igap
 * of the target group (or of the source with _pre) to the sum over its
 * synapses, before the state updates of every step.  Sema has checked that
 * the parameter exists with the right unit. */
static bool lower_summed(Model *M, Group *g, Diag *D)
{
    (void)D;
    for (int k = 0; k < g->nsubexprs; k++) {
        Sym *s = g->subexprs[k];
        if (!(s->flags & VF_SUMMED)) continue;
        size_t n = strlen(s->name);
        Group *tg = g->tgt;
        int side = 2;
        if (sema_ends_with(s->name, n, "_post")) n -= 5;
        else if (sema_ends_with(s->name, n, "_pre")) { n -= 4; tg = g->src; side = 1; }
        Sym *target = NULL;
        for (int v = 0; v < tg->nvars; v++)
            if (strlen(tg->vars[v]->name) == n && !strncmp(tg->vars[v]->name, s->name, n)) target = tg->vars[v];
        if (!target) return false;
        Sym *view = arena_alloc(M->arena, sizeof *view);
        *view = *target;
        view->side = side;
        view->base = target;
        Sym **a = arena_alloc(M->arena, sizeof *a * (size_t)(g->nsummed + 1));
        Sym **b = arena_alloc(M->arena, sizeof *b * (size_t)(g->nsummed + 1));
        if (g->nsummed) {
            memcpy(a, g->summed, sizeof *a * (size_t)g->nsummed);
            memcpy(b, g->summed_target, sizeof *b * (size_t)g->nsummed);
        }
        a[g->nsummed] = s;
        b[g->nsummed++] = view;
        g->summed = a;
        g->summed_target = b;
    }
    return true;
}

/* Is n the same for every index of a loop (constants, units, t, dt, N and
 * pure functions of them)? */
bool lower_invariant(const Node *n)
{
    if (!n) return true;
    if (n->kind == N_NAME) {
        const Sym *s = n->sym;
        if (!s) return false;
        if (s->kind == SYM_CONST || s->kind == SYM_UNIT) return true;
        return s->kind == SYM_BUILTIN && (s->builtin == B_T || s->builtin == B_DT || s->builtin == B_N ||
                                          s->builtin == B_N_PRE || s->builtin == B_N_POST);
    }
    if (n->kind == N_CALL && (!n->sym || n->sym->kind != SYM_FUNC || FN_IS_RANDOM(n->sym->builtin)))
        return false;
    if (n->kind == N_LIST || n->kind == N_STR) return false;
    if (!lower_invariant(n->a) || !lower_invariant(n->b)) return false;
    for (int k = 0; k < n->nargs; k++)
        if (!lower_invariant(n->args[k])) return false;
    return true;
}

/* An operator node exactly as given (the symbolic builders would simplify,
 * and the refractory arithmetic must stay operation for operation). */
static Node *raw(Model *M, int kind, int op, Node *a, Node *b, int type)
{
    Node *n = arena_alloc(M->arena, sizeof *n);
    n->kind = (uint16_t)kind;
    n->op = (int16_t)op;
    n->span.start = n->span.end = -1;
    n->a = a;
    n->b = b;
    n->dim = type == TY_BOOL ? DIM_NONE
             : op == '*'     ? dim_mul(a->dim, b->dim)
             : op == '/'     ? dim_div(a->dim, b->dim)
                             : a->dim;
    n->type = (uint8_t)type;
    n->checked = true;
    return n;
}

/* Brian2's timestep(x, dt) as a double: int((x + SNN_TIMESTEP_EPS*dt) / dt). */
static Node *timestep_of(Model *M, Node *x)
{
    Node *dt = sym_name(M, model_builtin(M, B_DT));
    Node *eps = raw(M, N_BIN, '*', sym_num(M, SNN_TIMESTEP_EPS, DIM_NONE), dt, TY_FLOAT);
    Node *q = raw(M, N_BIN, '/', raw(M, N_BIN, '+', x, eps, TY_FLOAT), dt, TY_FLOAT);
    return sym_call1(M, FN_INT, q);
}

/* The refractoriness of a neuron group as IR (Brian2's
 * _get_refractory_code):
 *  - refractory: TIME   not_refractory = timestep(t - lastspike, dt) >=
 *    timestep(TIME, dt); for a TIME that is the same for every neuron, as
 *    t - lastspike >= timestep(TIME, dt)*dt - 1e-3*dt (no division per
 *    neuron: t - lastspike is a whole number of steps, to rounding);
 *  - refractory: COND   not_refractory = not_refractory or not COND;
 * prepended to the state update; then the threshold 'and not_refractory'
 * and, on a spike, not_refractory = False and lastspike = t. */
static void lower_refractory(Model *M, Group *g)
{
    if (g->refractory_kind == REF_NONE) return;
    Sym *nr = g->not_refractory, *ls = g->lastspike;
    Node *t = sym_name(M, model_builtin(M, B_T));
    Node *since = raw(M, N_BIN, '-', t, sym_name(M, ls), TY_FLOAT);
    Node *e;
    if (g->refractory_kind == REF_TIME && lower_invariant(g->refractory)) {
        Node *dt = sym_name(M, model_builtin(M, B_DT));
        Node *eps = raw(M, N_BIN, '*', sym_num(M, SNN_TIMESTEP_EPS, DIM_NONE), dt, TY_FLOAT);
        Node *ref_t = raw(M, N_BIN, '-', raw(M, N_BIN, '*', timestep_of(M, g->refractory), dt, TY_FLOAT), eps,
                          TY_FLOAT);
        e = raw(M, N_CMP, OP_GE, since, ref_t, TY_BOOL);
    } else if (g->refractory_kind == REF_TIME) {
        e = raw(M, N_CMP, OP_GE, timestep_of(M, since), timestep_of(M, g->refractory), TY_BOOL);
    } else {
        e = raw(M, N_OR, 0, sym_name(M, nr), raw(M, N_NOT, 0, g->refractory, NULL, TY_BOOL), TY_BOOL);
    }
    Stmt *st = assign(M, nr, e);
    st->span = g->refractory->span;
    Block upd = { 0 };
    block_push(M->arena, &upd, st);
    for (int k = 0; k < g->update.n; k++) block_push(M->arena, &upd, g->update.v[k]);
    g->update = upd;
    if (!g->threshold) return;
    g->spike_cond = raw(M, N_AND, 0, g->threshold, sym_name(M, nr), TY_BOOL);
    g->on_spike.n = 2;
    g->on_spike.v = arena_alloc(M->arena, sizeof *g->on_spike.v * 2);
    Node *f = sym_num(M, 0, DIM_NONE);
    f->type = TY_BOOL;
    g->on_spike.v[0] = assign(M, nr, f);
    g->on_spike.v[1] = assign(M, ls, sym_name(M, model_builtin(M, B_T)));
}

/* Guard each statement of sl that writes an (unless refractory) variable of
 * a group with a refractory period by that group's not_refractory, seen
 * from the same side (Brian2's conditional write: a synapse's v_post += w
 * runs only where not_refractory_post). */
static void guard_unless_refractory(Model *M, StmtList *sl)
{
    for (int k = 0; k < sl->n; k++) {
        Stmt *st = sl->v[k];
        const Sym *var = st->sym;
        if (!var || var->kind != SYM_VAR || st->guard) continue;
        const Sym *base = var->base ? var->base : var;
        if (!(base->flags & VF_UNLESS_REFRACTORY) || !base->owner || !base->owner->not_refractory ||
            base->owner->refractory_kind == REF_NONE)
            continue;
        Sym *nr = base->owner->not_refractory;
        if (var->side) {
            Sym *view = arena_alloc(M->arena, sizeof *view);
            *view = *nr;
            view->side = var->side;
            view->base = nr;
            nr = view;
        }
        /* the IR is shared between blocks: guard a copy */
        Stmt *copy = arena_alloc(M->arena, sizeof *copy);
        *copy = *st;
        copy->guard = nr;
        sl->v[k] = copy;
    }
}

/* The writes of a group's event code that Brian2 makes conditional on the
 * written variable's neuron not being refractory. */
static void lower_conditional_writes(Model *M, Group *g)
{
    if (g->kind == G_SYNAPSES) {
        guard_unless_refractory(M, &g->on_pre);
        guard_unless_refractory(M, &g->on_post);
        for (int k = 0; k < g->npaths; k++) guard_unless_refractory(M, &g->paths[k].stmts);
    }
    for (int k = 0; k < g->nextras; k++) guard_unless_refractory(M, &g->extras[k].stmts);
}

/* The class of a left-associative operator chain the emitter prints without
 * inner parentheses: '+' and '-' (1), '*' and '/' (2), else 0. */
static int chain_class(const Node *n)
{
    if (n->kind != N_BIN) return 0;
    return n->op == '+' || n->op == '-' ? 1 : n->op == '*' || n->op == '/' ? 2 : 0;
}

/* The depth of n in the generated C, depth being that of its parent: each
 * operand is one level deeper, the k-th argument of a call 1 + k deeper
 * (the function and the earlier arguments wait), and a chain of one class
 * of operators (a + b - c, a * b / c) is one level, as the emitter prints
 * it.  Counting stops past LOWER_MAX_DEPTH.  The emitter's folding and
 * hoisting only make the C shallower. */
static int c_depth(const Node *n, int depth)
{
    if (!n || depth > LOWER_MAX_DEPTH) return depth;
    int deepest = depth, cls = chain_class(n), d;
    const Node *m = n;
    if (cls) {
        /* the chain's left spine, iteratively: it may be very long */
        for (; chain_class(m) == cls && deepest <= LOWER_MAX_DEPTH; m = m->a)
            if ((d = c_depth(m->b, depth + 1)) > deepest) deepest = d;
        if ((d = c_depth(m, depth + 1)) > deepest) deepest = d;
        return deepest;
    }
    if ((d = c_depth(n->a, depth + 1)) > deepest) deepest = d;
    if ((d = c_depth(n->b, depth + 1)) > deepest) deepest = d;
    for (int k = 0; k < n->nargs && deepest <= LOWER_MAX_DEPTH; k++)
        if ((d = c_depth(n->args[k], depth + 1 + k)) > deepest) deepest = d;
    return deepest;
}

/* A check of one expression the emitter will print: e, the group whose
 * code it is (NULL for a user function) and the span of its statement. */
typedef void (*ExprCheck)(Model *M, Diag *D, const Group *g, const Node *e, Span span);

static void check_list(Model *M, Diag *D, ExprCheck fn, const Group *g, Stmt *const *v, int n)
{
    for (int k = 0; k < n; k++) fn(M, D, g, v[k]->expr, v[k]->span);
}

/* Apply fn to every expression the emitter will print. */
static void check_exprs(Model *M, Diag *D, ExprCheck fn)
{
    for (int k = 0; k < M->nuserfuncs; k++) fn(M, D, NULL, M->userfuncs[k]->expr, M->userfuncs[k]->span);
    for (int k = 0; k < M->ngroups; k++) {
        Group *g = M->groups[k];
        check_list(M, D, fn, g, g->update.v, g->update.n);
        check_list(M, D, fn, g, g->reset.v, g->reset.n);
        check_list(M, D, fn, g, g->on_pre.v, g->on_pre.n);
        check_list(M, D, fn, g, g->on_post.v, g->on_post.n);
        check_list(M, D, fn, g, g->on_spike.v, g->on_spike.n);
        for (int q = 0; q < g->npaths; q++) check_list(M, D, fn, g, g->paths[q].stmts.v, g->paths[q].stmts.n);
        for (int q = 0; q < g->nextras; q++) check_list(M, D, fn, g, g->extras[q].stmts.v, g->extras[q].stmts.n);
        for (int q = 0; q < g->nevcodes; q++) check_list(M, D, fn, g, g->evcodes[q].stmts.v, g->evcodes[q].stmts.n);
        for (int q = 0; q < g->nevents; q++) fn(M, D, g, g->events[q].cond, g->events[q].span);
        fn(M, D, g, g->spike_cond ? g->spike_cond : g->threshold, g->threshold ? g->threshold->span : g->span);
        for (int q = 0; q < g->nsubexprs; q++) fn(M, D, g, g->subexprs[q]->expr, g->subexprs[q]->span);
        for (int q = 0; q < g->ninits; q++) fn(M, D, g, g->inits[q].expr, g->inits[q].span);
        for (int q = 0; q < g->nconnects; q++) {
            const Connect *c = &g->connects[q];
            const Node *parts[] = { c->cond, c->p, c->nsyn, c->jexpr, c->gen_if, c->gen_p, c->gen_size, c->range[0], c->range[1],
                                    c->range[2] };
            for (int r = 0; r < (int)(sizeof parts / sizeof *parts); r++) fn(M, D, g, parts[r], c->span);
        }
    }
}

/* Refuse e (at span, or at its own span) if it nests deeper than
 * LOWER_MAX_DEPTH in C. */
static void check_depth(Model *M, Diag *D, const Group *g, const Node *e, Span span)
{
    (void)M, (void)g;
    if (!e || D->nerr || c_depth(e, 0) <= LOWER_MAX_DEPTH) return;   /* one report: equations are copied */
    if (span.start < 0) span = e->span;
    diag_error(D, span, "expression nested too deeply for the generated C (deeper than %d levels of operands); "
                        "split it into subexpressions or shorter equations", LOWER_MAX_DEPTH);
}

/* Values of i and N for sym_eval over the neurons of a group. */
typedef struct IndexEnv {
    double i, N;
} IndexEnv;

static bool index_lookup(void *ctx, const Node *n, double *out)
{
    const IndexEnv *env = ctx;
    if (n->kind != N_NAME || !n->sym || n->sym->kind != SYM_BUILTIN) return false;
    if (n->sym->builtin == B_I) *out = env->i;
    else if (n->sym->builtin == B_N) *out = env->N;
    else return false;
    return true;
}

/* Refuse a column index of a 2-D timedarray, in the code of a neuron group,
 * that depends only on i, N and constants and falls outside the columns for
 * some neuron (I_ext(t, i) on a group wider than the file): the generated
 * lookup would read other memory. */
static void check_ta_index(Model *M, Diag *D, const Group *g, const Node *e, Span span)
{
    if (!e || !g || g->kind != G_NEURONS || g->N <= 0 || D->nerr) return;   /* one report, as check_depth */
    if (e->kind == N_CALL && e->sym && e->sym->kind == SYM_TIMEDARRAY && e->sym->cols > 0 && e->nargs == 2) {
        const Sym *f = e->sym;
        IndexEnv env = { 0, (double)g->N };
        double x;
        /* every neuron for groups of up to a million, else the ends */
        int64_t step = g->N <= 1000000 ? 1 : g->N - 1;
        for (int64_t i = 0; i < g->N; i += step) {
            env.i = (double)i;
            if (!sym_eval(e->args[1], index_lookup, &env, &x)) break;
            if (x >= 0 && x < f->cols) continue;
            Span at = e->args[1]->span.start >= 0 ? e->args[1]->span : e->span.start >= 0 ? e->span : span;
            diag_error(D, at, "index %.17g of timedarray '%s' (for neuron %lld of %s) is outside its %d columns; "
                              "use an index in 0..%d", x, f->name, (long long)i, g->name, f->cols, f->cols - 1);
            return;
        }
    }
    check_ta_index(M, D, g, e->a, span);
    check_ta_index(M, D, g, e->b, span);
    for (int k = 0; k < e->nargs; k++) check_ta_index(M, D, g, e->args[k], span);
}

bool lower_model(Model *M, Diag *D)
{
    bool ok = true;
    for (int k = 0; k < M->ngroups; k++) {
        Group *g = M->groups[k];
        /* a group with a clock of its own integrates with its dt */
        double model_dt = M->dt;
        if (g->clock_dt > 0) M->dt = g->clock_dt;
        if (g->nodes) ok &= integrate_group(M, g, D);
        M->dt = model_dt;
        if (g->kind == G_NEURONS) lower_refractory(M, g);
        if (g->cable) ok &= lower_cable(M, g, D);
        if (g->kind == G_SYNAPSES) ok &= lower_event_driven(M, g, D) && lower_summed(M, g, D);
    }
    for (int k = 0; k < M->ngroups; k++) lower_conditional_writes(M, M->groups[k]);
    if (ok && !D->nerr) check_exprs(M, D, check_depth);
    if (ok && !D->nerr) check_exprs(M, D, check_ta_index);
    return ok && !D->nerr;
}
