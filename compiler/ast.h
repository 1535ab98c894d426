/* SPDX-License-Identifier: MIT */
/* This file declares the syntax tree of a .snn model: expression nodes (shared
 * with the later passes, which annotate them with dimensions and resolved
 * symbols and build new ones when integrating), statements, equations and the
 * top-level declarations. */
#ifndef SNN_AST_H
#define SNN_AST_H

#include <stdbool.h>
#include <stdint.h>
#include "arena.h"
#include "units.h"

/* Byte offsets into the source; line and column are computed on printing. */
typedef struct Span {
    int start, end;
} Span;

/* An identifier: a slice of the arena's copy of the source (or any
 * NUL-terminated arena string for generated names). */
typedef struct Ident {
    const char *z;
    uint32_t    n;
} Ident;

/* Expression node kinds. */
enum NodeKind {
    N_NUM,      /* num (SI value once folded); is_int for integer literals */
    N_NAME,     /* name; sema sets sym */
    N_BIN,      /* a op b, op one of + - * / % ** and OP_FLOORDIV */
    N_NEG,      /* -a */
    N_NOT,      /* not a */
    N_CMP,      /* a op b, op one of < > and OP_LE OP_GE OP_EQ OP_NE */
    N_AND,      /* a and b */
    N_OR,       /* a or b */
    N_CALL,     /* name(args...) */
    N_LIST,     /* [args...], only as an initial value */
    N_STR,      /* 'text', only as an argument of connect() etc. */
    N_SUBGROUP, /* G[a:b], G[a:b:c], G[a] (op 1), G[a:b].v: name the group,
                   a and b the start and stop (NULL where left out), args[0]
                   the step (or NULL), args[1] the variable's N_NAME (or NULL);
                   N.dend, N.dend.L[a], N.dend.v: sect is the section's path
                   ("dend.L") and op 2 when no brackets follow */
};

/* Operators that are not single characters. */
enum { OP_POW = 256, OP_FLOORDIV, OP_LE, OP_GE, OP_EQ, OP_NE };

/* Value types, as Brian2 has them. */
enum { TY_FLOAT = 0, TY_INT, TY_BOOL };

typedef struct Sym Sym;
typedef struct Node Node;

struct Node {
    uint16_t kind;          /* NodeKind */
    int16_t  op;            /* operator for N_BIN / N_CMP */
    Span     span;
    Node    *a, *b;         /* operands */
    Node   **args;          /* N_CALL, N_LIST arguments */
    int      nargs;
    Ident    name;          /* N_NAME, N_CALL, N_STR text */
    double   num;           /* N_NUM value */
    bool     is_int;        /* N_NUM written without '.' or exponent */
    Ident    sect;          /* N_SUBGROUP of a spatial group's section, else empty */
    Span     sect_span;
    /* filled by sema */
    Sym     *sym;           /* N_NAME: what the name means; N_CALL: function */
    Dim      dim;
    uint8_t  type;          /* TY_* */
    bool     checked;
};

/* Statement: var op expr, with op '=', '+=', '-=', '*=', '/=' or ':='. */
typedef struct Stmt {
    Span   span;
    Ident  var;
    Span   var_span;
    int    op;              /* '=', ':', '+', '-', '*', '/' ( ':' is ':=' ) */
    Node  *expr;
    Sym   *sym;             /* sema: the assigned variable */
    Sym   *guard;           /* IR: run only where this variable is non-zero
                               (not_refractory for '(unless refractory)') */
} Stmt;

typedef struct StmtList {
    Stmt **v;
    int    n;
} StmtList;

/* One line of a Brian2 equations block. */
enum { EQ_DIFF, EQ_SUBEXPR, EQ_PARAM, EQ_STMT /* a statement line in a { } block */ };

typedef struct Equation {
    int    kind;            /* EQ_* */
    Span   span;
    Ident  var;
    Span   var_span;
    Node  *expr;            /* NULL for parameters */
    Node  *unit;            /* the unit expression after ':' */
    Span   unit_span;
    Ident *flags;           /* normalised flag text: "unless refractory" */
    Span  *flag_spans;
    int    nflags;
    Stmt  *stmt;            /* EQ_STMT */
} Equation;

/* key: value or key { ... } items inside a group, and named arguments. */
typedef struct Arg {
    Ident name;             /* empty for positional */
    Span  span;
    Node *value;
} Arg;

/* Kinds of top-level declarations. */
enum DeclKind {
    D_CONST,       /* name = expr */
    D_FUNC,        /* name(params) = expr */
    D_NEURONS,     /* neurons G[N] { ... } */
    D_SYNAPSES,    /* synapses S(A -> B) { ... } */
    D_MONITOR,     /* spikemonitor / statemonitor / ... name(args) */
    D_RUN,         /* run duration */
    D_IMPORT,      /* import "file.snn" (read by the loader; sema skips it) */
    D_TEMPLATE,    /* template neurons|synapses NAME(param=default, ...) { ... } */
    D_PRINT,       /* print 'text' | print SM | print G.v */
    /* the script between runs (sema_script.c) */
    D_ASSIGN,      /* G.v[index] op expr; M.active = False */
    D_METHOD,      /* inp.set_spikes(args) */
    D_WORD,        /* store [NAME] [to "FILE"] | restore [NAME] [from "FILE"] */
    D_SUBGROUP,    /* subgroup Pe = P[a:b] { items } */
    D_MORPHOLOGY,  /* morphology M = Shape(args) { path = Shape(args) ... }: items I_CALL,
                      the root first (name empty), each with its path in name */
};

/* The subscript of an assignment between runs, G.v[...]: an index or a
 * condition (index), a slice lo:hi (either may be NULL), or a list of
 * indices. */
enum { SUB_NONE, SUB_INDEX, SUB_SLICE, SUB_LIST, SUB_PAIR };
typedef struct Subscript {
    int    kind;            /* SUB_* */
    Span   span;
    Node  *index;           /* SUB_INDEX: a number or a condition */
    Node  *lo, *hi;         /* SUB_SLICE */
    Node **list;            /* SUB_LIST */
    int    nlist;
    Node  *pre, *post;      /* SUB_PAIR, S.w[SG1, SG2]: the source's and the
                               target's (sub)group, NULL for ':' (all) */
} Subscript;

/* Items inside a neurons / synapses block. */
enum ItemKind {
    I_MODEL,        /* model { equations } */
    I_EXPR,         /* threshold: expr, refractory: expr, delay: expr */
    I_STMTS,        /* reset / on_pre / on_post: statements */
    I_NAME,         /* method: name */
    I_INIT,         /* init { var = expr ... } */
    I_CALL,         /* connect(args), run_regularly(dt=...) { statements } */
    I_DICT,         /* key: {'a': value, ...} or events { a: value ... }: args named by key */
};

typedef struct Item {
    int        kind;
    Ident      key;         /* "threshold", "reset", "connect", ... */
    Span       span;
    Node      *expr;        /* I_EXPR */
    StmtList   stmts;       /* I_STMTS, I_INIT */
    Equation **eqs;         /* I_MODEL */
    int        neqs;
    Ident      name;        /* I_NAME */
    Span       name_span;
    Arg       *args;        /* I_CALL; I_DICT (each named by its key) */
    int        nargs;
} Item;

typedef struct Decl {
    int     kind;           /* DeclKind */
    Span    span;
    Ident   keyword;        /* "neurons", "spikemonitor", ... */
    Ident   name;
    Span    name_span;
    Node   *expr;           /* D_CONST value, D_FUNC body, D_RUN duration, D_NEURONS size */
    Ident  *params;         /* D_FUNC parameter names */
    int     nparams;
    Ident   src, tgt;       /* D_SYNAPSES groups */
    Span    src_span, tgt_span;
    Node   *src_sub, *tgt_sub;  /* D_SYNAPSES: N_SUBGROUP for P[a:b] -> ..., else NULL;
                                   D_SUBGROUP: src_sub is the slice */
    Item  **items;          /* D_NEURONS, D_SYNAPSES */
    int     nitems;
    Arg    *args;           /* D_MONITOR; D_TEMPLATE parameters; an instance's arguments */
    int     nargs;
    /* templates: D_TEMPLATE has kind_word "neurons" or "synapses"; a
     * D_NEURONS or D_SYNAPSES made from one names it in tmpl (its own items,
     * if any, come after the template's) */
    Ident   kind_word;
    Ident   tmpl;
    Span    tmpl_span;
    Node   *param_default;  /* a D_CONST made for a template parameter: the
                               template's default, whose unit the value must have */
    Ident   param_of;       /*   ... the parameter's own name and its template */
    Ident   param_tmpl;
    /* the script between runs: D_ASSIGN sets var (var_span) of object
     * name with op ('=', '+', ...) to expr where sub selects; D_METHOD
     * calls method var with args; D_WORD is keyword [name], or keyword
     * [name] var expr for a file (var "to"/"from", expr the N_STR path),
     * or with call, Brian2's keyword(args) */
    bool       call;
    Ident      var;
    Span       var_span;
    int        op;
    Subscript *sub;
    bool       in_script;   /* a D_CONST after the first run: a new value */
} Decl;

typedef struct Program {
    Decl **decls;
    int    ndecls;
} Program;

/* Constructors: all nodes live in the arena. */
Node *ast_num(Arena *A, double v, bool is_int, Span s);
Node *ast_name(Arena *A, Ident id, Span s);
Node *ast_bin(Arena *A, int op, Node *a, Node *b, Span s);
Node *ast_unary(Arena *A, int kind, Node *a, Span s);
Node *ast_call(Arena *A, Ident name, Node **args, int nargs, Span s);
Span  span_join(Span a, Span b);
Ident ident_cstr(const char *z);
bool  ident_eq(Ident id, const char *z);
bool  ident_same(Ident a, Ident b);
const char *ident_dup(Arena *A, Ident id);
/* Deep copy of an expression tree (annotations included). */
Node *ast_copy(Arena *A, const Node *n);

/* Growable pointer vector in the arena, for the parser's lists. */
typedef struct PVec {
    void **v;
    int    n, cap;
} PVec;
void pvec_push(Arena *A, PVec *v, void *p);

#endif
