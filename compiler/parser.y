/* SPDX-License-Identifier: MIT */
/* This file contains the .snn grammar: top-level declarations (constants,
 * functions, groups, monitors, run), the items inside a group block, Brian2
 * equation lines, statements and expressions.  Actions only build the tree
 * (ast_* constructors); meaning is checked in sema.c. */
%define api.pure full
%define api.prefix {snn_yy}
%define api.location.type {Span}
%define parse.error custom
%define parse.lac full
%locations
%param {void *scanner}
%parse-param {SnnParse *P}
%expect 0

%code requires {
#include "ast.h"
#include "parse.h"
typedef struct Line Line;
}

%code provides {
#define YYSTYPE SNN_YYSTYPE
#define YYLTYPE SNN_YYLTYPE
int snn_yylex(SNN_YYSTYPE *lval, Span *lloc, void *scanner);
}

%code {
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define YYLLOC_DEFAULT(Cur, Rhs, N)                                        \
    do {                                                                   \
        if (N) { (Cur).start = YYRHSLOC(Rhs, 1).start;                     \
                 (Cur).end = YYRHSLOC(Rhs, N).end; }                       \
        else   { (Cur).start = (Cur).end = YYRHSLOC(Rhs, 0).end; }         \
    } while (0)

static void snn_yyerror(Span *loc, void *scanner, SnnParse *P, const char *msg);
static Node *num_node(SnnParse *P, Ident text, Span s);
static Item *new_item(SnnParse *P, int kind, Ident key, Span s);
static void python_object(SnnParse *P, Decl *d);
static Decl *new_decl(SnnParse *P, int kind, Span s);
/* A flag as the flags rule collects it: the text, then its place (an Ident*
 * to the first member is what flags_array reads). */
typedef struct FlagTok {
    Ident id;
    Span  span;
} FlagTok;
static Ident *flag_text(SnnParse *P, Span s);
static Span *flag_spans(SnnParse *P, PVec *v);
static Ident *flags_array(SnnParse *P, PVec *v);
static void items_finish(SnnParse *P, PVec *v, Item ***out, int *n);
static Item *lines_item(SnnParse *P, Ident key, PVec *lines, Span s);
static Item *seq_item(SnnParse *P, Ident key, PVec *seq, Span s);
static void args_finish(SnnParse *P, PVec *v, Arg **out, int *n);
static Decl *import_decl(SnnParse *P, Ident word, Ident path, Span s);
static Decl *template_decl(SnnParse *P, Ident word, Ident kind, Ident name, PVec *params, PVec *items, Span s);
static Decl *instance_of(SnnParse *P, Decl *d, Ident tmpl, Span ts, PVec *args, PVec *items);
static Node *subgroup_node(SnnParse *P, Ident group, Node *slice, Node *var, Span s);
static Node *section_node(SnnParse *P, Node *dotted, Ident part, Span ps, Node *slice, Node *var, Span s);
static Node *slice_node(SnnParse *P, int op, Node *start, Node *stop, Node *step, Span s);
static void synapse_ends(Decl *d, Node *src, Node *tgt);
#define A (P->A)
}

%union {
    Ident     id;
    Node     *node;
    Stmt     *stmt;
    Equation *eq;
    Item     *item;
    Decl     *decl;
    Arg      *arg;
    PVec      vec;
    int       op;
    Subscript *sub;
}

%token <id> IDENT "identifier" KEY "name followed by ':'" BLOCKKEY "name followed by '{'"
%token <id> FNAME "name followed by '('" NUMBER "number" STRING "string"
%token <id> NEWLINE "end of line" BADCHAR "invalid character"
%token <id> POW "**" FLOORDIV "//" LE "<=" GE ">=" EQ "==" NE "!="
%token <id> PLUSEQ "+=" MINUSEQ "-=" TIMESEQ "*=" DIVEQ "/=" DEFEQ ":=" ARROW "->"
%token <id> AND "and" OR "or" NOT "not" RUN "run" START_EXPR "start of expression"
%token <id> QOPEN "opening quote" QCLOSE "closing quote" PRINT "print"
%token <id> STORE "store or restore"
%token <id> DICTOPEN "'{' of a dict" START_STMTS "start of statements"
%token <id> '(' ')' '[' ']' '{' '}' ',' ';' ':' '=' '+' '-' '*' '/' '%' '<' '>' '.'

%type <node> script_value expr unit uterm signed_num opt_init_value init_scale slice opt_expr gref dotted
%type <vec> exprs opt_exprs items lines seq flags opt_flags args opt_args params entries
%type <decl> decl library_decl script_decl spatial_decl
%type <sub> opt_subscript subscript
%type <vec> opt_body opt_morph_body morph_lines
%type <item> morph_line
%type <id> morph_path
%type <item> item
%type <eq> line
%type <stmt> stmt
%type <arg> arg param entry
%type <op> assignop
%type <id> flag

/* 'store' alone, or 'store NAME': a name after it on its line is its own;
 * 'store NAME to "FILE"': so is a name and a string after 'store NAME' */
%precedence STORE_ALONE
%precedence IDENT
%left OR
%left AND
%precedence NOT
%nonassoc '<' '>' LE GE EQ NE
%left '+' '-'
%left '*' '/' '%' FLOORDIV
%precedence UMINUS
%right POW

%%

/* program -> decl (sep decl)* ; errors resync at the end of a line */
program
    : decls
    | START_EXPR expr           { P->expr_result = $2; }
    | START_STMTS lines         { P->stmts_result = $2; }
    ;

decls
    : %empty
    | decls sep
    | decls decl                { pvec_push(A, &P->decls, $2); }
    | decls error sep           { yyerrok; }
    ;

sep : NEWLINE | ';' ;

/* constants, functions, run, objects: neurons G[N] {...}, synapses S(A -> B) {...}, monitors */
decl
    : IDENT '=' expr            { $$ = new_decl(P, D_CONST, @$); $$->name = $1; $$->name_span = @1; $$->expr = $3;
                                  python_object(P, $$); }
    | FNAME '(' params ')' '=' expr
                                { $$ = new_decl(P, D_FUNC, @$); $$->name = $1; $$->name_span = @1; $$->expr = $6;
                                  args_finish(P, &$3, &$$->args, &$$->nargs);
                                  $$->params = arena_alloc(A, sizeof *$$->params * (size_t)($3.n + 1));
                                  for (int k = 0; k < $3.n; k++) $$->params[k] = $$->args[k].name;
                                  $$->nparams = $3.n; }
    | RUN expr                  { $$ = new_decl(P, D_RUN, @$); $$->keyword = $1; $$->expr = $2; }
    | PRINT expr                { $$ = new_decl(P, D_PRINT, @$); $$->keyword = $1; $$->expr = $2; }
    | IDENT IDENT '[' expr ']' '{' items '}'
                                { $$ = new_decl(P, D_NEURONS, @$); $$->keyword = $1; $$->name = $2; $$->name_span = @2;
                                  $$->expr = $4; items_finish(P, &$7, &$$->items, &$$->nitems); }
    | IDENT FNAME '(' gref ARROW gref ')' '{' items '}'
                                { $$ = new_decl(P, D_SYNAPSES, @$); $$->keyword = $1; $$->name = $2; $$->name_span = @2;
                                  synapse_ends($$, $4, $6);
                                  items_finish(P, &$9, &$$->items, &$$->nitems); }
    | IDENT FNAME '(' opt_args ')'
                                { $$ = new_decl(P, D_MONITOR, @$); $$->keyword = $1; $$->name = $2; $$->name_span = @2;
                                  args_finish(P, &$4, &$$->args, &$$->nargs); }
    | library_decl              { $$ = $1; }
    | script_decl               { $$ = $1; }
    | spatial_decl              { $$ = $1; }
    ;

/* the script between runs: G.v = expr, G.I[0:10] = 0.5*nA, S.w['i == j'] = 0,
 * M.active = False, inp.set_spikes(indices=[...], times=[...]*ms), store NAME,
 * restore NAME, store, restore, and to a file: store [NAME] to "FILE",
 * restore [NAME] from "FILE"; Brian2's calls store('NAME', filename='FILE')
 * and restore('NAME', filename='FILE', restore_random_state=True) */
script_decl
    : IDENT '.' IDENT opt_subscript assignop script_value
                                { $$ = new_decl(P, D_ASSIGN, @$); $$->name = $1; $$->name_span = @1; $$->var = $3;
                                  $$->var_span = @3; $$->sub = $4; $$->op = $5; $$->expr = $6; }
    | IDENT '.' FNAME '(' opt_args ')'
                                { $$ = new_decl(P, D_METHOD, @$); $$->name = $1; $$->name_span = @1; $$->var = $3;
                                  $$->var_span = @3; args_finish(P, &$5, &$$->args, &$$->nargs); }
    | STORE IDENT %prec STORE_ALONE
                                { $$ = new_decl(P, D_WORD, @$); $$->keyword = $1; $$->name = $2; $$->name_span = @2; }
    | STORE IDENT STRING        { $$ = new_decl(P, D_WORD, @$); $$->keyword = $1; $$->var = $2; $$->var_span = @2;
                                  $$->expr = ast_name(A, $3, @3); $$->expr->kind = N_STR;
                                  $$->expr->name.z++; $$->expr->name.n -= 2; }
    | STORE IDENT IDENT STRING  { $$ = new_decl(P, D_WORD, @$); $$->keyword = $1; $$->name = $2; $$->name_span = @2;
                                  $$->var = $3; $$->var_span = @3; $$->expr = ast_name(A, $4, @4); $$->expr->kind = N_STR;
                                  $$->expr->name.z++; $$->expr->name.n -= 2; }
    | STORE %prec STORE_ALONE   { $$ = new_decl(P, D_WORD, @$); $$->keyword = $1; }
    | STORE '(' opt_args ')'    { $$ = new_decl(P, D_WORD, @$); $$->keyword = $1; $$->call = true;
                                  args_finish(P, &$3, &$$->args, &$$->nargs); }
    ;

/* the value of an assignment: an expression, or a list [1, 2]*nA */
script_value
    : expr                      { $$ = $1; }
    | '[' exprs ']' opt_init_value
                                { Node *l = arena_alloc(A, sizeof *l); l->kind = N_LIST; l->span = @$;
                                  l->args = (Node **)$2.v; l->nargs = $2.n; $$ = l;
                                  if ($4) { Node *x = $4;
                                            while (x->a) { x->span.start = @1.start; x = x->a; }
                                            x->span.start = @1.start; x->a = l; l->span = span_join(@1, @3); $$ = $4; } }
    ;

opt_subscript
    : %empty                    { $$ = NULL; }
    | '[' subscript ']'         { $$ = $2; $$->span = @$; }
    ;

/* G.v[3], G.v['v > x'], G.v[0:10], G.v[:5], G.v[[0, 2]], S.w[SG1, SG2], S.w[SG1, :] */
subscript
    : expr                      { $$ = arena_alloc(A, sizeof *$$); $$->kind = SUB_INDEX; $$->index = $1; }
    | expr ':' expr             { $$ = arena_alloc(A, sizeof *$$); $$->kind = SUB_SLICE; $$->lo = $1; $$->hi = $3; }
    | expr ':'                  { $$ = arena_alloc(A, sizeof *$$); $$->kind = SUB_SLICE; $$->lo = $1; }
    | ':' expr                  { $$ = arena_alloc(A, sizeof *$$); $$->kind = SUB_SLICE; $$->hi = $2; }
    | ':'                       { $$ = arena_alloc(A, sizeof *$$); $$->kind = SUB_SLICE; }
    | '[' exprs ']'             { $$ = arena_alloc(A, sizeof *$$); $$->kind = SUB_LIST;
                                  $$->list = (Node **)$2.v; $$->nlist = $2.n; }
    | expr ',' expr             { $$ = arena_alloc(A, sizeof *$$); $$->kind = SUB_PAIR; $$->pre = $1; $$->post = $3; }
    | expr ',' ':'              { $$ = arena_alloc(A, sizeof *$$); $$->kind = SUB_PAIR; $$->pre = $1; }
    | ':' ',' expr              { $$ = arena_alloc(A, sizeof *$$); $$->kind = SUB_PAIR; $$->post = $3; }
    | ':' ',' ':'               { $$ = arena_alloc(A, sizeof *$$); $$->kind = SUB_PAIR; }
    ;

/* multicompartment neurons (Brian2's Morphology and SpatialNeuron):
 * morphology M = Soma(diameter=30*um) { dend = Cylinder(...)  dend.L = Section(...) },
 * morphology M = swc("cell.swc"), spatialneurons N(morphology=M) { items } */
spatial_decl
    : IDENT IDENT '=' FNAME '(' opt_args ')' opt_morph_body
                                { $$ = new_decl(P, D_MORPHOLOGY, @$); $$->keyword = $1; $$->name = $2; $$->name_span = @2;
                                  Item *root = new_item(P, I_CALL, $4, span_join(@4, @7));
                                  root->name_span = @2;
                                  args_finish(P, &$6, &root->args, &root->nargs);
                                  PVec all = { 0 };
                                  pvec_push(A, &all, root);
                                  for (int k = 0; k < $8.n; k++) pvec_push(A, &all, $8.v[k]);
                                  items_finish(P, &all, &$$->items, &$$->nitems); }
    | IDENT FNAME '(' opt_args ')' '{' items '}'
                                { $$ = new_decl(P, D_NEURONS, @$); $$->keyword = $1; $$->name = $2; $$->name_span = @2;
                                  args_finish(P, &$4, &$$->args, &$$->nargs);
                                  items_finish(P, &$7, &$$->items, &$$->nitems); }
    ;

opt_morph_body
    : %empty                    { $$ = (PVec){0}; }
    | '{' morph_lines '}'       { $$ = $2; }
    ;

morph_lines
    : %empty                    { $$ = (PVec){0}; }
    | morph_lines sep           { $$ = $1; }
    | morph_lines morph_line    { $$ = $1; pvec_push(A, &$$, $2); }
    | morph_lines error sep     { $$ = $1; yyerrok; }
    ;

/* path = Shape(args): a section attached below the section the path names
 * without its last part (dend.L is child L of dend) */
morph_line
    : morph_path '=' FNAME '(' opt_args ')'
                                { $$ = new_item(P, I_CALL, $3, @$); $$->name = (Ident){ P->src->text + @1.start, (uint32_t)(@1.end - @1.start) };
                                  $$->name_span = @1; args_finish(P, &$5, &$$->args, &$$->nargs); }
    ;

morph_path
    : IDENT                     { $$ = $1; }
    | morph_path '.' IDENT      { $$ = $1; }
    ;

/* the model library: import "file.snn"; template neurons|synapses NAME(p=default, ...) { items };
 * groups made from a template: neurons E[N] = NAME(p=value) and synapses S(A -> B) = NAME(...),
 * each optionally with { items } of its own */
library_decl
    : IDENT STRING              { $$ = import_decl(P, $1, $2, @$); }
    | IDENT IDENT FNAME '(' opt_args ')' '{' items '}'
                                { $$ = template_decl(P, $1, $2, $3, &$5, &$8, @$); $$->name_span = @3; }
    | IDENT IDENT '[' expr ']' '=' FNAME '(' opt_args ')' opt_body
                                { $$ = new_decl(P, D_NEURONS, @$); $$->keyword = $1; $$->name = $2; $$->name_span = @2;
                                  $$->expr = $4; instance_of(P, $$, $7, @7, &$9, &$11); }
    | IDENT FNAME '(' gref ARROW gref ')' '=' FNAME '(' opt_args ')' opt_body
                                { $$ = new_decl(P, D_SYNAPSES, @$); $$->keyword = $1; $$->name = $2; $$->name_span = @2;
                                  synapse_ends($$, $4, $6);
                                  instance_of(P, $$, $9, @9, &$11, &$13); }
    | IDENT IDENT '=' IDENT '[' slice ']' opt_body
                                { $$ = new_decl(P, D_SUBGROUP, @$); $$->keyword = $1; $$->name = $2; $$->name_span = @2;
                                  $$->src_sub = subgroup_node(P, $4, $6, NULL, span_join(@4, @7));
                                  $$->src = $4; $$->src_span = @4;
                                  items_finish(P, &$8, &$$->items, &$$->nitems); }
    ;

/* a group where synapses name their source and target: G, or a subgroup G[a:b] */
gref
    : IDENT                     { $$ = ast_name(A, $1, @$); }
    | IDENT '[' slice ']'       { $$ = subgroup_node(P, $1, $3, NULL, @$); }
    | dotted                    { $$ = $1; }
    | dotted '[' slice ']'      { $$ = section_node(P, $1, (Ident){0}, @1, $3, NULL, @$); }
    ;

/* a section of a spatial group, N.dend or N.dend.L (Brian2's neuron.dend):
 * an N_SUBGROUP node with op 2 until brackets follow */
dotted
    : IDENT '.' IDENT           { Node *g = ast_name(A, $1, @1);
                                  $$ = section_node(P, g, $3, @3, NULL, NULL, @$); }
    | dotted '.' IDENT          { $$ = section_node(P, $1, $3, @3, NULL, NULL, @$); }
    ;

/* the brackets of a subgroup: a:b, :b, a:, a:b:c, or a single index a */
slice
    : expr                      { $$ = slice_node(P, 1, $1, NULL, NULL, @$); }
    | opt_expr ':' opt_expr     { $$ = slice_node(P, 0, $1, $3, NULL, @$); }
    | opt_expr ':' opt_expr ':' opt_expr
                                { $$ = slice_node(P, 0, $1, $3, $5, @$); }
    ;

opt_expr
    : %empty                    { $$ = NULL; }
    | expr                      { $$ = $1; }
    ;

opt_body
    : %empty                    { $$ = (PVec){0}; }
    | '{' items '}'             { $$ = $2; }
    ;

/* parameters of a function: x (dimensionless) or v : volt (Arg: name, unit) */
params
    : param                     { $$ = (PVec){0}; pvec_push(A, &$$, $1); }
    | params ',' param          { $$ = $1; pvec_push(A, &$$, $3); }
    ;

param
    : IDENT                     { $$ = arena_alloc(A, sizeof *$$); $$->name = $1; $$->span = @$; }
    | KEY ':' unit              { $$ = arena_alloc(A, sizeof *$$); $$->name = $1; $$->span = @$; $$->value = $3; }
    ;

/* items of a group: key: value, key { lines }, connect(args) */
items
    : %empty                    { $$ = (PVec){0}; }
    | items NEWLINE             { $$ = $1; }
    | items item                { $$ = $1; pvec_push(A, &$$, $2); }
    | items error NEWLINE       { $$ = $1; yyerrok; }
    ;

item
    : KEY ':' seq               { $$ = seq_item(P, $1, &$3, @$); }
    | BLOCKKEY '{' lines '}'    { $$ = lines_item(P, $1, &$3, @$); }
    | KEY ':' QOPEN lines QCLOSE
                                { $$ = lines_item(P, $1, &$4, @$); }   /* reset: 'v = 0' */
    | FNAME '(' opt_args ')'    { $$ = new_item(P, I_CALL, $1, @$); args_finish(P, &$3, &$$->args, &$$->nargs); }
    | FNAME '(' opt_args ')' '{' lines '}'
                                { Item *b = lines_item(P, $1, &$6, @$); $$ = b; b->kind = I_CALL;
                                  args_finish(P, &$3, &$$->args, &$$->nargs); }
    | KEY ':' DICTOPEN entries '}'
                                { $$ = new_item(P, I_DICT, $1, @$); args_finish(P, &$4, &$$->args, &$$->nargs); }
    | BLOCKKEY DICTOPEN entries '}'
                                { $$ = new_item(P, I_DICT, $1, @$); args_finish(P, &$3, &$$->args, &$$->nargs); }
    ;

/* entries of a dict: name: value or 'name': value, separated by ',' or lines */
entries
    : %empty                    { $$ = (PVec){0}; }
    | entries NEWLINE           { $$ = $1; }
    | entries ','               { $$ = $1; }
    | entries ';'               { $$ = $1; }
    | entries entry             { $$ = $1; pvec_push(A, &$$, $2); }
    | entries error NEWLINE     { $$ = $1; yyerrok; }
    ;

entry
    : KEY ':' expr              { $$ = arena_alloc(A, sizeof *$$); $$->span = @$; $$->name = $1; $$->value = $3; }
    | STRING ':' expr           { $$ = arena_alloc(A, sizeof *$$); $$->span = @$; $$->name = $1;
                                  $$->name.z++; $$->name.n -= 2; $$->value = $3; }
    ;

/* key: a; b; c -- each element an expression or a statement */
seq
    : expr                      { $$ = (PVec){0}; Stmt *s = arena_alloc(A, sizeof *s); s->expr = $1; s->span = @1; pvec_push(A, &$$, s); }
    | stmt                      { $$ = (PVec){0}; pvec_push(A, &$$, $1); }
    | seq ';' stmt              { $$ = $1; pvec_push(A, &$$, $3); }
    | seq ';'                   { $$ = $1; }
    ;

/* lines of a { } block: equations or statements */
lines
    : %empty                    { $$ = (PVec){0}; }
    | lines sep                 { $$ = $1; }
    | lines line                { $$ = $1; pvec_push(A, &$$, $2); }
    | lines error sep           { $$ = $1; yyerrok; }
    ;

line
    : IDENT '/' IDENT '=' expr ':' unit opt_flags
                                { $$ = arena_alloc(A, sizeof *$$); $$->kind = EQ_DIFF; $$->span = @$;
                                  $$->var.z = $1.z + 1; $$->var.n = $1.n - 1; $$->var_span = @1;
                                  $$->expr = $5; $$->unit = $7; $$->unit_span = @7;
                                  $$->flags = flags_array(P, &$8); $$->nflags = $8.n; $$->flag_spans = flag_spans(P, &$8);
                                  if ($1.n < 2 || $1.z[0] != 'd' || !ident_eq($3, "dt"))
                                      diag_error(P->D, span_join(@1, @3), "a differential equation starts 'dX/dt', not '%.*s/%.*s'",
                                                 (int)$1.n, $1.z, (int)$3.n, $3.z); }
    | IDENT assignop expr ':' unit opt_flags
                                { $$ = arena_alloc(A, sizeof *$$); $$->kind = EQ_SUBEXPR; $$->span = @$;
                                  if ($2 != '=') diag_error(P->D, @2, "a subexpression is written 'name = expr : unit', not with '%s' "
                                                              "(write '%.*s = ... : unit')", $2 == ':' ? ":=" :
                                                              $2 == '+' ? "+=" : $2 == '-' ? "-=" : $2 == '*' ? "*=" : "/=",
                                                              (int)$1.n, $1.z);
                                  $$->var = $1; $$->var_span = @1; $$->expr = $3; $$->unit = $5; $$->unit_span = @5;
                                  $$->flags = flags_array(P, &$6); $$->nflags = $6.n; $$->flag_spans = flag_spans(P, &$6); }
    | KEY ':' unit opt_flags    { $$ = arena_alloc(A, sizeof *$$); $$->kind = EQ_PARAM; $$->span = @$;
                                  $$->var = $1; $$->var_span = @1; $$->unit = $3; $$->unit_span = @3;
                                  $$->flags = flags_array(P, &$4); $$->nflags = $4.n; $$->flag_spans = flag_spans(P, &$4); }
    | stmt                      { $$ = arena_alloc(A, sizeof *$$); $$->kind = EQ_STMT; $$->span = @$; $$->stmt = $1; }
    ;

stmt
    : IDENT assignop expr       { $$ = arena_alloc(A, sizeof *$$); $$->span = @$; $$->var = $1; $$->var_span = @1;
                                  $$->op = $2; $$->expr = $3; }
    | IDENT assignop '[' exprs ']' opt_init_value
                                { $$ = arena_alloc(A, sizeof *$$); $$->span = @$; $$->var = $1; $$->var_span = @1; $$->op = $2;
                                  Node *l = arena_alloc(A, sizeof *l); l->kind = N_LIST; l->span = span_join(@3, @5);
                                  l->args = (Node **)$4.v; l->nargs = $4.n;
                                  $$->expr = l;
                                  if ($6) {
                                      Node *x = $6;
                                      while (x->a) { x->span.start = @3.start; x = x->a; }
                                      x->span.start = @3.start;
                                      x->a = l;
                                      $$->expr = $6;
                                  } }
    ;

/* the unit after a list of initial values: [1, 2]*mV, [0.1, 0.2]/ms, [8, 4]*mV/ms */
opt_init_value
    : %empty                    { $$ = NULL; }
    | init_scale                { $$ = $1; }
    ;

/* built with an empty leftmost operand, filled with the list by the stmt
 * rule, so that [a, b]*mV/ms is ([a, b]*mV)/ms as in Python */
init_scale
    : '*' uterm                 { $$ = ast_bin(A, '*', NULL, $2, @$); }
    | '/' uterm                 { $$ = ast_bin(A, '/', NULL, $2, @$); }
    | init_scale '*' uterm      { $$ = ast_bin(A, '*', $1, $3, @$); }
    | init_scale '/' uterm      { $$ = ast_bin(A, '/', $1, $3, @$); }
    ;

assignop
    : '='                       { $$ = '='; }
    | PLUSEQ                    { $$ = '+'; }
    | MINUSEQ                   { $$ = '-'; }
    | TIMESEQ                   { $$ = '*'; }
    | DIVEQ                     { $$ = '/'; }
    | DEFEQ                     { $$ = ':'; }
    ;

/* units after ':' in equations: products and quotients of names and powers */
unit
    : uterm                     { $$ = $1; }
    | unit '*' uterm            { $$ = ast_bin(A, '*', $1, $3, @$); }
    | unit '/' uterm            { $$ = ast_bin(A, '/', $1, $3, @$); }
    ;

uterm
    : IDENT                     { $$ = ast_name(A, $1, @$); }
    | FNAME                     { $$ = ast_name(A, $1, @$); }  /* volt (unless refractory) */
    | NUMBER                    { $$ = num_node(P, $1, @$); }
    | uterm POW signed_num      { $$ = ast_bin(A, OP_POW, $1, $3, @$); }
    | '(' unit ')'              { $$ = $2; $$->span = @$; }
    ;

signed_num
    : NUMBER                    { $$ = num_node(P, $1, @$); }
    | '-' NUMBER                { $$ = num_node(P, $2, @$); $$->num = -$$->num; }
    | '(' signed_num ')'        { $$ = $2; }
    | '(' signed_num '/' signed_num ')'
                                { $$ = ast_bin(A, '/', $2, $4, @$); }
    ;

opt_flags
    : %empty                    { $$ = (PVec){0}; }
    | '(' flags ')'             { $$ = $2; }
    ;

flags
    : flag                      { $$ = (PVec){0}; pvec_push(A, &$$, flag_text(P, @1)); }
    | flags ',' flag            { $$ = $1; pvec_push(A, &$$, flag_text(P, @3)); }
    ;

flag
    : IDENT                     { $$ = $1; }
    | flag IDENT                { $$ = $1; }
    | flag '-' IDENT            { $$ = $1; }
    ;

/* named and positional arguments of objects and connect() */
opt_args
    : %empty                    { $$ = (PVec){0}; }
    | args                      { $$ = $1; }
    ;

args
    : arg                       { $$ = (PVec){0}; pvec_push(A, &$$, $1); }
    | args ',' arg              { $$ = $1; pvec_push(A, &$$, $3); }
    ;

arg
    : expr                      { $$ = arena_alloc(A, sizeof *$$); $$->span = @$; $$->value = $1; }
    | IDENT '=' expr            { $$ = arena_alloc(A, sizeof *$$); $$->span = @$; $$->name = $1; $$->value = $3; }
    | IDENT '=' '[' opt_exprs ']' opt_init_value
                                { $$ = arena_alloc(A, sizeof *$$); $$->span = @$; $$->name = $1;
                                  Node *l = arena_alloc(A, sizeof *l); l->kind = N_LIST; l->span = span_join(@3, @5);
                                  l->args = (Node **)$4.v; l->nargs = $4.n;
                                  $$->value = l;
                                  if ($6) {
                                      Node *x = $6;
                                      while (x->a) { x->span.start = @3.start; x = x->a; }
                                      x->span.start = @3.start;
                                      x->a = l;
                                      $$->value = $6;
                                  } }
    ;

opt_exprs
    : %empty                    { $$ = (PVec){0}; }
    | exprs                     { $$ = $1; }
    ;

exprs
    : expr                      { $$ = (PVec){0}; pvec_push(A, &$$, $1); }
    | exprs ',' expr            { $$ = $1; pvec_push(A, &$$, $3); }
    ;

/* expressions: Python's precedence, as Brian2 parses them */
expr
    : NUMBER                    { $$ = num_node(P, $1, @$); }
    | IDENT                     { $$ = ast_name(A, $1, @$); }
    | KEY                       { $$ = ast_name(A, $1, @$); }
    | STRING                    { $$ = ast_name(A, $1, @$); $$->kind = N_STR;
                                  $$->name.z++; $$->name.n -= 2; }
    | IDENT '.' IDENT           { $$ = ast_name(A, $1, @$); $$->b = ast_name(A, $3, @3); }
    | IDENT '[' slice ']'       { $$ = subgroup_node(P, $1, $3, NULL, @$); }
    | IDENT '[' slice ']' '.' IDENT
                                { $$ = subgroup_node(P, $1, $3, ast_name(A, $6, @6), @$); }
    | dotted '.' IDENT          { $$ = section_node(P, $1, (Ident){0}, @1, NULL, ast_name(A, $3, @3), @$); }
    | dotted '[' slice ']'      { $$ = section_node(P, $1, (Ident){0}, @1, $3, NULL, @$); }
    | dotted '[' slice ']' '.' IDENT
                                { $$ = section_node(P, $1, (Ident){0}, @1, $3, ast_name(A, $6, @6), @$); }
    | FNAME '(' opt_exprs ')'   { $$ = ast_call(A, $1, (Node **)$3.v, $3.n, @$); }
    | '(' expr ')'              { $$ = $2; }
    | expr '+' expr             { $$ = ast_bin(A, '+', $1, $3, @$); }
    | expr '-' expr             { $$ = ast_bin(A, '-', $1, $3, @$); }
    | expr '*' expr             { $$ = ast_bin(A, '*', $1, $3, @$); }
    | expr '/' expr             { $$ = ast_bin(A, '/', $1, $3, @$); }
    | expr '%' expr             { $$ = ast_bin(A, '%', $1, $3, @$); }
    | expr FLOORDIV expr        { $$ = ast_bin(A, OP_FLOORDIV, $1, $3, @$); }
    | expr POW expr             { $$ = ast_bin(A, OP_POW, $1, $3, @$); }
    | '-' expr %prec UMINUS     { $$ = ast_unary(A, N_NEG, $2, @$); }
    | '+' expr %prec UMINUS     { $$ = $2; }
    | expr '<' expr             { $$ = ast_bin(A, '<', $1, $3, @$); }
    | expr '>' expr             { $$ = ast_bin(A, '>', $1, $3, @$); }
    | expr LE expr              { $$ = ast_bin(A, OP_LE, $1, $3, @$); }
    | expr GE expr              { $$ = ast_bin(A, OP_GE, $1, $3, @$); }
    | expr EQ expr              { $$ = ast_bin(A, OP_EQ, $1, $3, @$); }
    | expr NE expr              { $$ = ast_bin(A, OP_NE, $1, $3, @$); }
    | expr AND expr             { $$ = ast_bin(A, 0, $1, $3, @$); $$->kind = N_AND; }
    | expr OR expr              { $$ = ast_bin(A, 0, $1, $3, @$); $$->kind = N_OR; }
    | NOT expr                  { $$ = ast_unary(A, N_NOT, $2, @$); }
    ;

%%

#include "lexer.h"

/* Syntax errors: say what was found and, in words, what was expected:
 * "an expression", "':' and the unit of the equation (e.g. ': volt')", or
 * up to four tokens; an unclosed '{' at end of file names where it opened. */
/* The identifier just before offset off on the same line, or an empty
 * Ident; *first tells whether it starts the line. */
static Ident word_before(SnnParse *P, int off, bool *first)
{
    const char *t = P->src->text;
    int e = off;
    while (e > 0 && (t[e - 1] == ' ' || t[e - 1] == '\t')) e--;
    int b = e;
    while (b > 0 && (isalnum((unsigned char)t[b - 1]) || t[b - 1] == '_')) b--;
    Ident id = { t + b, (uint32_t)(e - b) };
    int k = b;
    while (k > 0 && (t[k - 1] == ' ' || t[k - 1] == '\t')) k--;
    *first = k == 0 || t[k - 1] == '\n';
    return id;
}

/* The '(' or '[' left open before offset off (scanning back over balanced
 * brackets and comments are ignored), or -1. */
static int open_bracket(SnnParse *P, int off)
{
    const char *t = P->src->text;
    int depth = 0;
    for (int k = off - 1; k >= 0; k--) {
        if (t[k] == ')' || t[k] == ']') depth++;
        else if (t[k] == '(' || t[k] == '[') {
            if (depth == 0) return k;
            depth--;
        } else if (t[k] == '{' || t[k] == '}') return -1;
    }
    return -1;
}

/* Brian2's classes, and how a .snn file says the same. */
static const struct { const char *cls, *snn; } python_forms[] = {
    { "NeuronGroup", "neurons G[N] { model { dv/dt = ... : volt }  threshold: ...  reset: ... }" },
    { "Synapses", "synapses S(P -> Q) { model { w : 1 }  on_pre: v_post += w  connect(p=0.1) }" },
    { "SpikeMonitor", "spikemonitor SM(G)" },
    { "StateMonitor", "statemonitor M(G.v, record=[0, 1])" },
    { "PopulationRateMonitor", "ratemonitor R(G)" },
    { "PoissonGroup", "poissongroup P(100, rates=10*Hz)" },
    { "SpikeGeneratorGroup", "spikegenerator inp(3, indices=[0, 2, 1], times=[1, 2, 5]*ms)" },
    { "PoissonInput", "poissoninput PI(G.ge, N=1000, rate=1*Hz, weight=0.1*nS)" },
    { "TimedArray", "timedarray I_ext(values=[0, 1, 0]*nA, dt=10*ms)" },
    { "Network", "nothing: every object of the file is part of the network; 'run 100*ms' runs it" },
};

/* The .snn form of Brian2's class cls (an Ident), or NULL. */
static const char *python_form(Ident cls)
{
    for (size_t k = 0; k < sizeof python_forms / sizeof *python_forms; k++)
        if (ident_eq(cls, python_forms[k].cls)) return python_forms[k].snn;
    return NULL;
}

static void python_message(SnnParse *P, Span at, Ident cls, const char *form)
{
    diag_error(P->D, at, "this is Python (Brian2's %.*s), not .snn; write it as '%s'", (int)cls.n, cls.z, form);
}

/* 'G = NeuronGroup(10)' pasted from a Brian2 script: say so in one message,
 * with the .snn form, instead of an unknown function. */
static void python_object(SnnParse *P, Decl *d)
{
    Node *e = d->expr;
    const char *form = e && e->kind == N_CALL ? python_form(e->name) : NULL;
    if (form) python_message(P, d->span, e->name, form);
}

/* A syntax error inside the arguments of 'X = Class(...)' (keyword
 * arguments make a Brian2 call a syntax error): the span of the class name
 * if Class is one of Brian2's, else an empty span. */
static Span python_call_at(SnnParse *P, int off, Ident *cls)
{
    Span none = { -1, -1 };
    int open = -1;
    for (int o = open_bracket(P, off); o >= 0; o = open_bracket(P, o)) open = o;
    if (open < 0) return none;
    bool first;
    *cls = word_before(P, open, &first);
    if (!cls->n || !python_form(*cls)) return none;
    int b = (int)(cls->z - P->src->text);
    while (b > 0 && (P->src->text[b - 1] == ' ' || P->src->text[b - 1] == '\t')) b--;
    if (b == 0 || P->src->text[b - 1] != '=') return none;
    return (Span){ (int)(cls->z - P->src->text), (int)(cls->z - P->src->text) + (int)cls->n };
}

/* Whether the line of offset off starts with an item word followed by ':',
 * '{' or '(' (blanks between allowed); *at is then the word's span. */
static bool line_starts_with_item(SnnParse *P, int off, const char *word, Span *at)
{
    const char *t = P->src->text;
    int b = off;
    while (b > 0 && t[b - 1] != '\n') b--;
    while (t[b] == ' ' || t[b] == '\t') b++;
    int n = (int)strlen(word), e = b + n;
    *at = (Span){ b, e };
    if (strncmp(t + b, word, (size_t)n)) return false;
    while (t[e] == ' ' || t[e] == '\t') e++;
    return t[e] == ':' || t[e] == '{' || t[e] == '(';
}

/* Whether the line of offset off starts with word and a blank ('from
 * brian2 import *'); *at is then the word's span. */
static bool line_starts_with(SnnParse *P, int off, const char *word, Span *at)
{
    const char *t = P->src->text;
    int b = off;
    while (b > 0 && t[b - 1] != '\n') b--;
    while (t[b] == ' ' || t[b] == '\t') b++;
    int n = (int)strlen(word);
    *at = (Span){ b, b + n };
    return !strncmp(t + b, word, (size_t)n) && (t[b + n] == ' ' || t[b + n] == '\t');
}

/* An error on a line that begins with an object's item ('threshold:',
 * 'reset {') while a code block ('model {') is still open: the block's '}'
 * is missing.  Says so once, naming the block, and the errors that follow
 * from it are not reported. */
static bool unclosed_code_block(SnnParse *P, int off)
{
    static const char *const items[] = { "threshold", "reset", "refractory", "method", "init", "on_pre",
                                         "on_post", "delay", "connect", "run_regularly", "order" };
    int top = (P->nbraces < 64 ? P->nbraces : 64) - 1;
    if (P->unclosed_reported || top < 1 || !P->brace_code[top]) return false;
    Span word;
    size_t k = 0;
    while (k < sizeof items / sizeof *items && !line_starts_with_item(P, off, items[k], &word)) k++;
    if (k == sizeof items / sizeof *items) return false;
    int open = P->braces[top], from = open;
    while (from > 0 && P->src->text[from - 1] != '\n') from--;
    while (P->src->text[from] == ' ' || P->src->text[from] == '\t') from++;
    int line, col;
    source_linecol(P->src, open, &line, &col);
    diag_error(P->D, word, "'%s' stands inside '%.*s{' (line %d): that block's '}' is missing before this line",
               items[k], open - from, P->src->text + from, line);
    P->unclosed_reported = true;
    return true;
}

static int yyreport_syntax_error(const yypcontext_t *ctx, void *scanner, SnnParse *P)
{
    (void)scanner;
    Span at = *yypcontext_location(ctx), word;
    Ident cls;
    if (line_starts_with(P, at.start, "from", &word) || line_starts_with(P, at.start, "import", &word)) {
        diag_error(P->D, word, "this is a line of Python, not .snn: a model file needs no imports (Brian2's units "
                   "and functions are built in); delete the line");
        return 0;
    }
    if ((word = python_call_at(P, at.start, &cls)).start >= 0) {
        python_message(P, word, cls, python_form(cls));
        return 0;
    }
    if (unclosed_code_block(P, at.start)) return 0;
    if (P->unclosed_reported) return 0;   /* what follows is its echo */
    yysymbol_kind_t exp[YYNTOKENS];
    int n = yypcontext_expected_tokens(ctx, exp, YYNTOKENS);
    yysymbol_kind_t got = yypcontext_token(ctx);
    Span loc = *yypcontext_location(ctx);
    bool want_expr = false, want_colon = false;
    for (int k = 0; k < n; k++) {
        want_expr |= exp[k] == YYSYMBOL_NUMBER;
        want_colon |= !strcmp(yysymbol_name(exp[k]), "':'");
    }
    bool want_close = false, want_eq = false;
    for (int k = 0; k < n; k++) {
        want_close |= !strcmp(yysymbol_name(exp[k]), "')'") || !strcmp(yysymbol_name(exp[k]), "']'");
        want_eq |= !strcmp(yysymbol_name(exp[k]), "'='");
    }
    /* a '}' after an earlier error is almost always that error's echo
     * (the declaration it closes was skipped) */
    if (!strcmp(yysymbol_name(got), "'}'") && P->D->nerr > 0) return 0;
    bool first;
    Ident before = word_before(P, loc.start, &first);
    int open = P->depth > 0 && want_close ? open_bracket(P, loc.start) : -1;
    Buf b;
    buf_init(&b, A);
    if (got == YYSYMBOL_BLOCKKEY && (ident_eq(before, "neurons") || ident_eq(before, "synapses"))) {
        buf_printf(&b, "'%.*s %.*s' needs %s before '{': write %s", (int)before.n, before.z, (int)(loc.end - loc.start),
                   P->src->text + loc.start, ident_eq(before, "neurons") ? "the number of neurons" :
                   "the groups it connects", ident_eq(before, "neurons") ?
                   arena_printf(A, "'neurons %.*s[N] { ... }'", (int)(loc.end - loc.start), P->src->text + loc.start) :
                   arena_printf(A, "'synapses %.*s(A -> B) { ... }'", (int)(loc.end - loc.start), P->src->text + loc.start));
    } else if (open >= 0 && got != YYSYMBOL_YYEOF) {
        int line, col;
        source_linecol(P->src, open, &line, &col);
        int eline, ecol;
        source_linecol(P->src, loc.start, &eline, &ecol);
        buf_printf(&b, "unexpected %s: missing '%c' to close the '%c' at ", yysymbol_name(got),
                   P->src->text[open] == '(' ? ')' : ']', P->src->text[open]);
        if (line == eline) buf_printf(&b, "column %d", col);
        else buf_printf(&b, "line %d, column %d", line, col);
    } else if (want_eq && before.n && first && got != YYSYMBOL_YYEOF && strcmp(yysymbol_name(got), "'='") &&
               !ident_eq(before, "run")) {
        buf_printf(&b, "unexpected %s after '%.*s': a constant is written '%.*s = value'", yysymbol_name(got),
                   (int)before.n, before.z, (int)before.n, before.z);
    } else if (got == YYSYMBOL_YYEOF && P->nbraces > 0) {
        int line, col;
        source_linecol(P->src, P->braces[(P->nbraces < 64 ? P->nbraces : 64) - 1], &line, &col);
        int open = P->braces[(P->nbraces < 64 ? P->nbraces : 64) - 1], from = open;
        while (from > 0 && P->src->text[from - 1] != '\n') from--;
        while (P->src->text[from] == ' ' || P->src->text[from] == '\t') from++;
        if (open - from > 40) from = open;
        buf_printf(&b, "unexpected end of file: missing '}' to close '%.*s{' at line %d", open - from,
                   P->src->text + from, line);
    } else if (got == YYSYMBOL_BADCHAR) {
        unsigned char c = (unsigned char)P->src->text[loc.start];
        unsigned char c2 = loc.start + 1 < P->src->len ? (unsigned char)P->src->text[loc.start + 1] : 0;
        if (c >= 32 && c < 127) buf_printf(&b, "invalid character '%c'", c);
        else if ((c == 0xc2 && c2 == 0xb5) || (c == 0xce && c2 == 0xbc))
            buf_puts(&b, "non-ASCII character '\xc2\xb5': write the micro prefix as 'u' (us, uF, umetre)");
        else buf_printf(&b, "invalid byte 0x%02x (snnc models are plain ASCII text)", c);
    } else {
        buf_printf(&b, "unexpected %s", got == YYSYMBOL_YYEMPTY ? "input" : yysymbol_name(got));
        if (want_colon && !want_expr && n > 4)
            buf_puts(&b, ", expected ':' and the unit of the equation (e.g. ': volt')");
        else if (want_expr && n > 4)
            buf_puts(&b, ", expected an expression");
        else if (n > 0 && n <= 4) {
            for (int k = 0; k < n; k++)
                buf_printf(&b, "%s%s", k == 0 ? ", expected " : k == n - 1 ? " or " : ", ", yysymbol_name(exp[k]));
        }
    }
    diag_error(P->D, loc, "%s", b.p);
    return 0;
}

static void snn_yyerror(Span *loc, void *scanner, SnnParse *P, const char *msg)
{
    (void)scanner;
    const char *m = msg;
    if (!strncmp(m, "syntax error, ", 14)) m += 14;
    diag_error(P->D, *loc, "%s", m);
}

static Node *num_node(SnnParse *P, Ident text, Span s)
{
    char buf[64];
    size_t n = text.n < sizeof buf - 1 ? text.n : sizeof buf - 1;
    memcpy(buf, text.z, n);
    buf[n] = 0;
    bool is_int = strcspn(buf, ".eE") == n;
    return ast_num(A, strtod(buf, NULL), is_int, s);
}

static Item *new_item(SnnParse *P, int kind, Ident key, Span s)
{
    Item *it = arena_alloc(A, sizeof *it);
    it->kind = kind;
    it->key = key;
    it->span = s;
    return it;
}

static Decl *new_decl(SnnParse *P, int kind, Span s)
{
    Decl *d = arena_alloc(A, sizeof *d);
    d->kind = kind;
    d->span = s;
    return d;
}

/* The flag's source text with runs of blanks collapsed ("unless refractory",
 * "event-driven"). */
static Ident *flag_text(SnnParse *P, Span s)
{
    const char *z = P->src->text + s.start;
    int n = s.end - s.start;
    char *out = arena_alloc(A, (size_t)n + 1);
    int k = 0;
    for (int m = 0; m < n; m++) {
        char c = z[m];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (k && out[k - 1] != ' ' && out[k - 1] != '-') out[k++] = ' ';
        } else if (c == '-' && k && out[k - 1] == ' ') {
            out[k - 1] = '-';
        } else {
            out[k++] = c;
        }
    }
    while (k && out[k - 1] == ' ') k--;
    out[k] = 0;
    FlagTok *ft = arena_alloc(A, sizeof *ft);
    ft->id.z = out;
    ft->id.n = (uint32_t)k;
    ft->span = s;
    return &ft->id;
}

/* Where each flag of flags_array() was written, for messages. */
static Span *flag_spans(SnnParse *P, PVec *v)
{
    Span *out = arena_alloc(A, sizeof *out * (size_t)(v->n + 1));
    for (int k = 0; k < v->n; k++) out[k] = ((FlagTok *)v->v[k])->span;
    return out;
}

static Ident *flags_array(SnnParse *P, PVec *v)
{
    Ident *out = arena_alloc(A, sizeof *out * (size_t)(v->n + 1));
    for (int k = 0; k < v->n; k++) out[k] = *(Ident *)v->v[k];
    return out;
}

static void items_finish(SnnParse *P, PVec *v, Item ***out, int *n)
{
    (void)P;
    *out = (Item **)v->v;
    *n = v->n;
}

static void args_finish(SnnParse *P, PVec *v, Arg **out, int *n)
{
    Arg *a = arena_alloc(A, sizeof *a * (size_t)(v->n ? v->n : 1));
    for (int k = 0; k < v->n; k++) a[k] = *(Arg *)v->v[k];
    *out = a;
    *n = v->n;
}

/* key { lines }: equations for 'model', statements otherwise (sema checks). */
static Item *lines_item(SnnParse *P, Ident key, PVec *lines, Span s)
{
    Item *it = new_item(P, ident_eq(key, "model") ? I_MODEL : I_STMTS, key, s);
    if (it->kind == I_MODEL) {
        it->eqs = (Equation **)lines->v;
        it->neqs = lines->n;
        for (int k = 0; k < lines->n; k++) {
            Equation *e = lines->v[k];
            if (e->kind == EQ_STMT)
                diag_error(P->D, e->span, "expected an equation ('dv/dt = ... : unit', 'x = ... : unit' or "
                           "'x : unit') in 'model { }', found a statement");
        }
        return it;
    }
    PVec st = {0};
    for (int k = 0; k < lines->n; k++) {
        Equation *e = lines->v[k];
        if (e->kind == EQ_STMT) pvec_push(A, &st, e->stmt);
        else diag_error(P->D, e->span, "an equation ('%s') belongs in a 'model { }' block, not in '%.*s { }'",
                        e->kind == EQ_PARAM ? "name : unit" : "... : unit", (int)key.n, key.z);
    }
    it->stmts.v = (Stmt **)st.v;
    it->stmts.n = st.n;
    return it;
}

/* key: a; b -- a single expression is an I_EXPR item, otherwise statements. */
static Item *seq_item(SnnParse *P, Ident key, PVec *seq, Span s)
{
    Stmt *first = seq->v[0];
    if (seq->n == 1 && first->var.n == 0) {
        Item *it = new_item(P, I_EXPR, key, s);
        it->expr = first->expr;
        return it;
    }
    Item *it = new_item(P, I_STMTS, key, s);
    for (int k = 0; k < seq->n; k++) {
        Stmt *st = seq->v[k];
        if (st->var.n == 0)
            diag_error(P->D, st->span, "expected a statement such as 'v = expr' in '%.*s:'", (int)key.n, key.z);
    }
    it->stmts.v = (Stmt **)seq->v;
    it->stmts.n = seq->n;
    return it;
}

#undef A
Program *parse_program(Arena *Ar, Diag *D, Source *src)
{
    SnnParse P0 = {0}, *Pp = &P0;
    Pp->A = Ar;
    Pp->D = D;
    Pp->src = src;
    Pp->prog = arena_alloc(Ar, sizeof *Pp->prog);
    Pp->end = src->len;
    int code = D->code;
    D->code = DC_SYNTAX;
    yyscan_t sc;
    if (snn_yylex_init_extra(Pp, &sc)) {
        diag_error_nospan(D, "cannot start the scanner");
        D->code = code;
        return NULL;
    }
    YY_BUFFER_STATE b = snn_yy_scan_bytes(src->text, src->len, sc);
    int rc = snn_yyparse(sc, Pp);
    snn_yy_delete_buffer(b, sc);
    snn_yylex_destroy(sc);
    D->code = code;
    Pp->prog->decls = (Decl **)Pp->decls.v;
    Pp->prog->ndecls = Pp->decls.n;
    if (rc || D->nerr) return NULL;
    return Pp->prog;
}

Node *parse_expression(Arena *Ar, Diag *D, Source *src, int offset, int len)
{
    SnnParse P0 = {0}, *Pp = &P0;
    P0.A = Ar;
    P0.D = D;
    P0.src = src;
    P0.pos = offset;
    P0.end = offset + len;
    P0.start_token = START_EXPR;
    P0.prog = arena_alloc(Ar, sizeof *P0.prog);
    yyscan_t sc;
    if (snn_yylex_init_extra(Pp, &sc)) return NULL;
    int nerr = D->nerr;
    YY_BUFFER_STATE b = snn_yy_scan_bytes(src->text + offset, len, sc);
    int rc = snn_yyparse(sc, Pp);
    snn_yy_delete_buffer(b, sc);
    snn_yylex_destroy(sc);
    if (rc || D->nerr > nerr) return NULL;
    return P0.expr_result;
}

bool parse_code_string(Arena *Ar, Diag *D, Source *src, int offset, int len, StmtList *out)
{
    SnnParse P0 = {0}, *Pp = &P0;
    P0.A = Ar;
    P0.D = D;
    P0.src = src;
    P0.pos = offset;
    P0.end = offset + len;
    P0.start_token = START_STMTS;
    P0.prog = arena_alloc(Ar, sizeof *P0.prog);
    yyscan_t sc;
    if (snn_yylex_init_extra(Pp, &sc)) return false;
    int nerr = D->nerr;
    YY_BUFFER_STATE b = snn_yy_scan_bytes(src->text + offset, len, sc);
    int rc = snn_yyparse(sc, Pp);
    snn_yy_delete_buffer(b, sc);
    snn_yylex_destroy(sc);
    if (rc || D->nerr > nerr) return false;
    PVec st = {0};
    for (int k = 0; k < P0.stmts_result.n; k++) {
        Equation *e = P0.stmts_result.v[k];
        if (e->kind == EQ_STMT) pvec_push(Ar, &st, e->stmt);
        else {
            diag_error(D, e->span, "expected a statement such as 'v += 1*mV', not an equation");
            return false;
        }
    }
    if (!st.n) {
        diag_error(D, (Span){ offset, offset + len }, "expected statements such as 'v += 1*mV'");
        return false;
    }
    out->v = (Stmt **)st.v;
    out->n = st.n;
    return true;
}

/* {====================================================================
 * The model library: imports and templates
 * ===================================================================== */

/* import "path": the loader has read the file already; the word must be
 * 'import'. */
static Decl *import_decl(SnnParse *P, Ident word, Ident path, Span s)
{
    if (!ident_eq(word, "import"))
        diag_error(P->D, s, "'%.*s' followed by a string is not a declaration (to read a model file, write "
                   "'import \"file.snn\"')", (int)word.n, word.z);
    Decl *d = new_decl(P, D_IMPORT, s);
    d->keyword = word;
    d->src = path;
    d->src_span = s;
    return d;
}

/* template neurons|synapses NAME(params) { items }. */
static Decl *template_decl(SnnParse *P, Ident word, Ident kind, Ident name, PVec *params, PVec *items, Span s)
{
    Decl *d = new_decl(P, D_TEMPLATE, s);
    d->keyword = word;
    d->kind_word = kind;
    d->name = name;
    if (!ident_eq(word, "template"))
        diag_error(P->D, s, "unknown declaration '%.*s %.*s %.*s(...) { }' (a template is declared "
                   "'template neurons NAME(...) { ... }')", (int)word.n, word.z, (int)kind.n, kind.z,
                   (int)name.n, name.z);
    else if (!ident_eq(kind, "neurons") && !ident_eq(kind, "synapses"))
        diag_error(P->D, s, "a template is of neurons or synapses, not '%.*s'", (int)kind.n, kind.z);
    args_finish(P, params, &d->args, &d->nargs);
    items_finish(P, items, &d->items, &d->nitems);
    return d;
}

/* A group made from template tmpl with the given arguments, and items of
 * its own. */
static Decl *instance_of(SnnParse *P, Decl *d, Ident tmpl, Span ts, PVec *args, PVec *items)
{
    d->tmpl = tmpl;
    d->tmpl_span = ts;
    args_finish(P, args, &d->args, &d->nargs);
    items_finish(P, items, &d->items, &d->nitems);
    return d;
}

/* {====================================================================
 * Subgroups
 * ===================================================================== */

/* The brackets of G[...]: a node holding start, stop and step until
 * subgroup_node moves them into the N_SUBGROUP node. */
static Node *slice_node(SnnParse *P, int op, Node *start, Node *stop, Node *step, Span s)
{
    Node *n = arena_alloc(P->A, sizeof *n);
    n->kind = N_SUBGROUP;
    n->op = (int16_t)op;
    n->span = s;
    n->a = start;
    n->b = stop;
    n->args = arena_alloc(P->A, sizeof *n->args * 2);
    n->args[0] = step;
    n->args[1] = NULL;
    n->nargs = 2;
    return n;
}

/* group[slice] (and .var): the slice node becomes the subgroup's node. */
static Node *subgroup_node(SnnParse *P, Ident group, Node *slice, Node *var, Span s)
{
    (void)P;
    slice->name = group;
    slice->span = s;
    slice->args[1] = var;
    return slice;
}

/* A section of a spatial group: dotted is the group's N_NAME (a new
 * section node is made) or a section node, whose path gets part appended
 * (when part is not empty); slice (or NULL) and var (or NULL) follow it. */
static Node *section_node(SnnParse *P, Node *dotted, Ident part, Span ps, Node *slice, Node *var, Span s)
{
    Node *n = dotted;
    if (dotted->kind == N_NAME) {
        n = slice_node(P, 2, NULL, NULL, NULL, s);
        n->name = dotted->name;
    }
    if (part.n) {
        size_t len = n->sect.n ? n->sect.n + 1 + part.n : part.n;
        char *path = arena_alloc(P->A, len + 1);
        if (n->sect.n) {
            memcpy(path, n->sect.z, n->sect.n);
            path[n->sect.n] = '.';
        }
        memcpy(path + len - part.n, part.z, part.n);
        path[len] = 0;
        n->sect = (Ident){ path, (uint32_t)len };
        n->sect_span = n->sect.n == part.n ? ps : span_join(n->sect_span, ps);
    }
    if (slice) {
        n->op = slice->op;
        n->a = slice->a;
        n->b = slice->b;
        n->args[0] = slice->args[0];
    }
    n->args[1] = var;
    n->span = s;
    return n;
}

/* The source and target of synapses: a group's name, with its subgroup
 * node when a slice follows it. */
static void synapse_ends(Decl *d, Node *src, Node *tgt)
{
    d->src = src->name;
    d->src_span = src->span;
    d->src_sub = src->kind == N_SUBGROUP ? src : NULL;
    d->tgt = tgt->name;
    d->tgt_span = tgt->span;
    d->tgt_sub = tgt->kind == N_SUBGROUP ? tgt : NULL;
}
