/* SPDX-License-Identifier: MIT */
/* This file declares the checked model that sema builds from the syntax tree:
 * symbols (constants, units, variables, built-ins, functions), groups of
 * neurons and synapses, monitors and runs.  The integrator turns each group's
 * equations into IR statement lists held here, and the emitter turns those into
 * C. */
#ifndef SNN_MODEL_H
#define SNN_MODEL_H

#include "abi.h"
#include "ast.h"

enum SymKind {
    SYM_CONST,     /* named constant; value in SI, index into the constant table */
    SYM_UNIT,      /* unit name (mV): a constant with a scale */
    SYM_VAR,       /* stored per-neuron / per-synapse variable */
    SYM_SUBEXPR,   /* subexpression of an equations block (not stored) */
    SYM_BUILTIN,   /* t, dt, i, j, N, ... */
    SYM_FUNC,      /* built-in function (exp, rand, ...) */
    SYM_USERFUNC,  /* function defined in the model file */
    SYM_TEMP,      /* ':=' temporary or integrator temporary (_v, __k_1_v) */
    SYM_PARAM,     /* parameter of a user function */
    SYM_TIMEDARRAY,/* timedarray: values over time (and neurons), called as f(t) or f(t, i) */
};

/* Built-in functions.  ORDER: fn_defs in functions.c. */
enum Fn {
    FN_EXP, FN_LOG, FN_LOG10, FN_SQRT, FN_SIN, FN_COS, FN_TAN, FN_SINH, FN_COSH,
    FN_TANH, FN_ARCSIN, FN_ARCCOS, FN_ARCTAN, FN_ABS, FN_SIGN, FN_FLOOR, FN_CEIL,
    FN_CLIP, FN_INT, FN_RAND, FN_RANDN, FN_EXPREL, FN_BINOMIAL, FN_POISSON, FN_COUNT
};

/* Built-in variables. */
enum Builtin { B_T, B_DT, B_I, B_J, B_N, B_N_PRE, B_N_POST, B_XI,
               /* synapses on synapses: i and j of the source synapse (i_pre,
                * j_pre) and of the target synapse (i_post, j_post) */
               B_I_PRE, B_J_PRE, B_I_POST, B_J_POST, B_COUNT };

/* Variable flags (from Brian2's equation flags). */
enum {
    VF_UNLESS_REFRACTORY = 1 << 0,
    VF_CONSTANT          = 1 << 1,
    VF_SHARED            = 1 << 2,
    VF_CONSTANT_OVER_DT  = 1 << 3,
    VF_EVENT_DRIVEN      = 1 << 4,
    VF_CLOCK_DRIVEN      = 1 << 5,
    VF_SUMMED            = 1 << 6,
    VF_LINKED            = 1 << 7,
};

/* What kind of stored variable. */
enum { VR_STATE, VR_PARAM, VR_LASTSPIKE, VR_NOTREF, VR_LASTUPDATE, VR_DELAY,
       VR_MULTISYN /* synapses: Brian2's multisynaptic_index, set by connect() */,
       VR_N_INCOMING, VR_N_OUTGOING /* synapses: Brian2's counts, filled once connected */ };

typedef struct Group Group;

struct Sym {
    int         kind;           /* SymKind */
    const char *name;
    Span        span;           /* where it was defined (0,0 for built-ins) */
    Dim         dim;
    uint8_t     type;           /* TY_* */
    double      value;          /* SYM_CONST, SYM_UNIT: SI value */
    int         const_index;    /* SYM_CONST: slot in the constant table */
    Group      *owner;          /* SYM_VAR, SYM_SUBEXPR */
    int         var_index;      /* SYM_VAR: column of the owner's arrays */
    int         role;           /* SYM_VAR: VR_* */
    int         flags;          /* VF_* */
    Node       *expr;           /* SYM_SUBEXPR definition, ODE right-hand side,
                                   SYM_USERFUNC body */
    int         builtin;        /* SYM_BUILTIN: Builtin; SYM_FUNC: function id */
    int         side;           /* access from synapse code: 0 own, 1 _pre, 2 _post */
    Sym        *base;           /* v_post -> v of the target group */
    Sym       **params;         /* SYM_USERFUNC */
    int         nparams;
    Node       *unit_expr;      /* declared unit, for messages */
    double     *data;           /* SYM_TIMEDARRAY: rows x cols values (SI) */
    int         rows, cols;     /*   cols == 0: one value per time step */
};

/* IR: a list of statements to run per index, split by Brian2's rules into a
 * scalar part (once per call) and a vector part (per neuron / synapse). */
typedef struct Block {
    Stmt **v;
    int    n, cap;
} Block;

enum { G_NEURONS, G_SYNAPSES };


/* A further, named pathway of a Synapses object (on_pre(NAME) { ... }). */
typedef struct Pathway {
    const char *name;
    bool        post;           /* triggered by target spikes */
    int         event;          /* triggered by its source's (target's) spikes
                                   (0) or its event k (events[k-1]) */
    double      delay;          /* seconds, the same for every synapse */
    Sym        *delay_var;      /* or a delay per synapse (delay_NAME) */
    int         order;          /* in the synapses slot (default -1 / +1) */
    StmtList    stmts;
    Span        span;
} Pathway;

/* A block of statements run for every index of a group in a slot every
 * `every` seconds: run_regularly, or a Poisson input onto one variable. */
typedef struct Extra {
    const char *name;           /* a Poisson input's name (NULL: run_regularly) */
    int         slot;           /* SLOT_POS(SLOT_X, sub), abi.h */
    int         order;
    double      every;          /* seconds; 0 = every step */
    StmtList    stmts;
    Span        span;
    int64_t     sub_start, sub_n;   /* a subgroup's block: only neurons
                                   [sub_start, sub_start + sub_n), where i
                                   and N are the subgroup's; sub_n 0: all */
} Extra;
enum { REF_NONE, REF_TIME, REF_COND };

/* A custom event of a neuron group (Brian2's events={'name': 'cond'}):
 * checked after the thresholds, as Brian2's NAME_thresholder. */
typedef struct Event {
    const char *name;
    Node       *cond;
    int         slot, order;    /* when the condition is checked */
    Span        span;
} Event;

/* Statements run for the neurons where an event happened (Brian2's
 * run_on_event; the reset is the spike event's). */
typedef struct EventCode {
    int         event;          /* 0: spikes; k: Group.events[k-1] */
    StmtList    stmts;
    int         slot, order;    /* default after_resets */
    Span        span;
} EventCode;

typedef struct InitVal {
    Sym  *var;
    Node *expr;             /* scalar / expression (evaluated per index) */
    double *list;           /* per-index list values (SI), or NULL */
    int    nlist;
    Span   span;
    int64_t sub_start, sub_n;   /* a subgroup's initial value, as Extra */
} InitVal;

/* A linked variable (Brian2's linked_var): var of the owning group reads
 * src_var of neuron group src, at index[k] for its neuron k (index NULL:
 * neuron k itself). */
typedef struct Link {
    Sym        *var;
    Group      *src;
    Sym        *src_var;
    int32_t    *index;          /* owner's N source indices, or NULL */
    Sym        *index_var;      /* index=NAME: an integer variable of the owner
                                   holding each neuron's source index (relative
                                   to index_off, below index_n), read whenever
                                   the link is refreshed; NULL: index */
    int64_t     index_off, index_n;
    Span        span;
    bool        scalar;         /* the source is one neuron, read by all */
    bool        written;        /* some block assigns var: the runtime
                                   writes it back to the source */
} Link;

/* One connect(...) of a Synapses object. */
enum { CONN_LIST, CONN_ALL, CONN_JEXPR, CONN_TOTAL };
typedef struct Connect {
    Span    span;
    int     kind;           /* CONN_* */
    int    *i, *j;          /* CONN_LIST: explicit index pairs */
    int     n;
    Node   *cond;           /* condition on i, j (and _pre/_post variables) */
    Node   *p;              /* probability (expression), NULL = 1 */
    double  pconst;         /* a constant p without condition (checked in 0..1) */
    Node   *nsyn;           /* synapses per pair (n=), NULL = 1 */
    Node   *jexpr;          /* CONN_JEXPR: j as an expression of i (and k) */
    Sym    *k;              /* generator variable ('k for k in range(...)') */
    Node   *range[3];       /* generator range(start, stop, step) */
    Node   *gen_if;         /* generator condition */
    Node   *gen_p;          /* sample(..., p=...) */
    Node   *gen_size;       /* sample(..., size=...): that many, distinct */
    bool    over_pre;       /* connect(i='...'): the expression or generator
                               gives the source i for each target j */
    bool    skip_if_invalid;
    int64_t total;          /* CONN_TOTAL: this many (i, j) pairs drawn
                               uniformly, with multapses and autapses */
    int     index;          /* position, for the function name */
} Connect;

struct Group {
    int         kind;           /* G_NEURONS / G_SYNAPSES */
    const char *name;
    Span        span;
    int64_t     N;              /* neurons; synapses: set at run time */
    int         index;          /* position in Model.groups */
    Sym       **vars;           /* stored variables, var_index order */
    int         nvars;
    Sym       **subexprs;       /* in dependency order */
    int         nsubexprs;
    Sym       **odes;           /* state variables with a differential equation */
    int         nodes;
    Equation  **eqs;
    int         neqs;
    const char *method;         /* as written, or NULL for Brian2's default */
    Span        method_span;
    const char *method_used;    /* what the integrator chose */
    Node       *threshold;
    Node       *refractory;
    int         refractory_kind;/* REF_* */
    Sym        *lastspike, *not_refractory;
    StmtList    reset;
    InitVal    *inits;
    int         ninits;
    /* synapses */
    Group      *src, *tgt;
    int64_t     src_start, src_n;   /* the neurons of src (and tgt) they
                                       connect: all, or a subgroup's range */
    int64_t     tgt_start, tgt_n;
    const char *src_label, *tgt_label;  /* as the model names them: P, Pe, P[0:10] */
    bool        tgt_sub;        /* the target is a subgroup (Brian2 orders
                                   a subgroup one after its group) */
    StmtList    on_pre, on_post;
    Node       *delay;          /* homogeneous pathway delay */
    double      delay_s;        /* ... folded to seconds (compile_fold_delays) */
    Sym        *delay_var;      /* heterogeneous: per-synapse 'delay' variable */
    Connect    *connects;
    int         nconnects;
    /* spike generator: spikes given as (index, time) lists */
    bool        generator;
    int        *gen_idx;
    double     *gen_t;          /* seconds */
    int         ngen;
    double      gen_period;     /* 0 = no repetition */
    int         order;          /* order: of all the group's objects */
    double      clock_dt;       /* dt: its own clock's step in seconds (0: the model's dt) */
    bool        dt_folded;      /* its code holds numbers computed from its dt (clock.c) */
    Span        clock_span;
    bool        has_pre_order, has_post_order;
    int         pre_order, post_order;   /* synapses: pathway orders (-1, +1) */
    int         summed_slot;    /* synapses: when the summed variables run, or -1 */
    Pathway    *paths;          /* synapses: further named pathways */
    int         npaths;
    Event      *events;         /* neurons: custom events */
    int         nevents;
    EventCode  *evcodes;        /* neurons: run_on_event blocks */
    int         nevcodes;
    int         pre_event;      /* synapses: what triggers on_pre: the source's
                                   spikes (0) or its event k (events[k-1]) */
    int         post_event;     /*   ... and on_post, of the target */
    struct Extra *extras;       /* run_regularly blocks and Poisson inputs */
    int         nextras;
    Sym       **summed;         /* synapses: (summed) subexpressions ... */
    Sym       **summed_target;  /*   ... and the variables they set (views) */
    int         nsummed;
    /* lowered blocks (IR) */
    Block       update;         /* state update (refractoriness first) */
    Node       *spike_cond;     /* threshold, 'and not_refractory' with a
                                   refractory period (NULL: the threshold) */
    StmtList    on_spike;       /* run for each index that spikes */
    Link       *links;          /* neurons: linked variables */
    int         nlinks;
    struct Cable *cable;        /* spatialneurons: compartments and the cable
                                   solver's variables (morphology.h), else NULL */
};

enum { MON_SPIKE, MON_STATE, MON_RATE };

/* What a 'print' statement prints. */
enum { PRINT_TEXT, PRINT_SPIKES, PRINT_VAR };

/* A 'print' statement: run after the first 'after_run' runs of the model. */
typedef struct Print {
    int         kind;           /* PRINT_* */
    int         after_run;      /* how many runs come before it */
    int         order;          /* position among the script's statements
                                   (prints and actions) */
    const char *text;           /* PRINT_TEXT: the string; else the object's name */
    const char *var;            /* PRINT_VAR: the variable */
    Span        span;
} Print;

/* What a statement of the script between runs does (sema_script.c). */
enum {
    ACT_ASSIGN,     /* G.v[sel] = expr: block BK_ASSIGN `index` of group */
    ACT_CONST,      /* tau = 5*ms: constant const_index gets value */
    ACT_ACTIVE,     /* M.active = False: object name, value 0 or 1 */
    ACT_STORE,      /* store NAME */
    ACT_RESTORE,    /* restore NAME */
    ACT_SPIKES,     /* inp.set_spikes(...): the generator's new spikes */
    ACT_DT,         /* dt = 0.5*ms (defaultclock.dt): the network's new dt (value) */
    ACT_T,          /* t = 10*second (Brian2's net.t_): the network's new time (value) */
    ACT_GROUP_DT,   /* G.dt = 1*ms: group's own clock (value) */
};

/* A statement of the script, run after the first after_run runs, in order
 * with the prints. */
typedef struct Action {
    int         kind;           /* ACT_* */
    int         after_run;
    int         order;          /* as Print.order */
    Span        span;
    Group      *group;          /* ASSIGN, SPIKES, GROUP_DT */
    const char *name;           /* ACTIVE: the object; STORE, RESTORE: the
                                   snapshot ("default"); CONST: the constant */
    const char *file;           /* STORE, RESTORE: the file (a path as
                                   written, from the working directory), or
                                   NULL for the process's memory */
    bool        random_state;   /* RESTORE: restore_random_state=True (the
                                   draws repeat); else they are fresh */
    int         index;          /* ASSIGN: the block's index; CONST: const_index */
    double      value;          /* CONST, DT, T, GROUP_DT: SI value; ACTIVE: 0 or 1 */
    /* ASSIGN: var op= expr (or list[k]) for the selected indices: those in
     * [lo, hi) (hi -1: to the end), or sel[0..nsel) if sel, and where cond */
    Sym        *var;
    int         op;
    Node       *expr;
    double     *list;
    int         nlist;
    int64_t     lo, hi;
    bool        single;         /* one index, [k]: it must exist */
    int32_t    *sel;
    int         nsel;
    Node       *cond;
    int64_t     sub_start, sub_n;   /* an assignment to a subgroup (SG.v = ...):
                                   indices above are the group's, but i and N
                                   in expr and cond are the subgroup's; sub_n 0:
                                   not a subgroup */
    /* SPIKES: indices and times (seconds) sorted by time, and period */
    int        *gen_idx;
    double     *gen_t;
    int         ngen;
    double      gen_period;
} Action;

typedef struct Monitor {
    int         kind;
    const char *name;
    Span        span;
    Group      *group;
    int         event;          /* MON_SPIKE: its spikes (0), or event k (events[k-1]) */
    bool        record_none;    /* MON_SPIKE: record=False, the counts (and the
                                   variables at each spike, without i and t) */
    Sym       **vars;           /* MON_STATE, MON_SPIKE: recorded variables */
    const char **names;         /* their names in the output */
    int         nvars;
    int        *record;         /* indices, or NULL for all (ascending, distinct for MON_SPIKE) */
    int         nrecord;
    bool        record_all;
    double      rec_dt;         /* MON_STATE: recording period (0 = every step) */
    int         when_slot;      /* -1: the default slot of the kind of monitor */
    int         order;
    bool        has_order;
    const char *label;          /* the group or subgroup, as named in the model */
    bool        sub;            /* records a subgroup of group: neurons */
    int64_t     sub_start, sub_n;   /* [sub_start, sub_start + sub_n), with
                                   indices relative to sub_start */
    /* MON_RATE with window= / width=: Brian2's smooth_rate(window, width),
     * written beside the rate (sema_smooth.c); smooth_kind 0: none, else
     * smooth.h's SMOOTH_GAUSSIAN or SMOOTH_FLAT of smooth_width seconds, or
     * SMOOTH_LIST: the values smooth_list[0..smooth_nlist) */
    int         smooth_kind;
    double      smooth_width;
    double     *smooth_list;
    int         smooth_nlist;
    Span        smooth_span;    /* the window= argument (length 0: none) */
    Span        smooth_width_span;  /* the width= argument (length 0: none) */
} Monitor;

typedef struct Model {
    Arena      *arena;
    double      dt;             /* seconds */
    uint64_t    seed;           /* 'seed = N' in the model (used without --seed) */
    bool        has_seed;
    Span        dt_span;
    const Group *dt_folded;     /* a group whose code holds numbers computed
                                   from dt (exact coupled linear systems), or NULL */
    Sym       **consts;         /* constant table, const_index order */
    int         nconsts;
    Group     **groups;
    int         ngroups;
    Monitor   **monitors;
    int         nmonitors;
    double     *runs;           /* durations in seconds */
    int         nruns;
    Print      *prints;         /* 'print' statements, in file order */
    int         nprints;
    Action     *actions;        /* the script's other statements, in file order */
    int         nactions;
    Sym       **userfuncs;
    int         nuserfuncs;
    Sym        *funcs[FN_COUNT];    /* lazily made by model_func */
    Sym        *builtins[B_COUNT]; /* lazily made by model_builtin */
} Model;

/* rand(), randn(), poisson(l) and the binomial of Poisson inputs: a fresh
 * number per call, never folded or hoisted. */
#define FN_IS_RANDOM(f) ((f) == FN_RAND || (f) == FN_RANDN || (f) == FN_BINOMIAL || (f) == FN_POISSON)

/* The shared symbol of a built-in function / variable (never NULL). */
Sym *model_func(Model *M, int fn);
const char *model_func_name(int fn);
Sym *model_builtin(Model *M, int b);
/* A fresh temporary (SYM_TEMP) for IR code, float-typed with dimension d. */
Sym *model_temp(Model *M, const char *name, Dim d);

void block_push(Arena *A, Block *b, Stmt *s);

#endif
