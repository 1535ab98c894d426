/* SPDX-License-Identifier: MIT */
/* This file contains the unit tests of the .snn front end: the flex scanner
 * (token kinds, byte-offset spans, line:col through source_linecol, newline
 * continuation, comments, KEY / BLOCKKEY / FNAME classification) and the
 * bison grammar (declarations, equations and their flags, statements, list
 * initial values, several items on one line, error recovery and the
 * positions of syntax errors). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "diag.h"
#include "lexer.h"
#include "parse.h"
#include "parser.h"
#include "test-common.h"

/* ------------------------------------------------------------------------ */
/* Fixture: one arena per test                                              */
/* ------------------------------------------------------------------------ */

static Arena A;
static Diag D;
static Source *SRC;

static void setup(void) { arena_init(&A); }
static void teardown(void) { arena_free(&A); }

typedef struct Tok {
    int  kind;
    Span span;
} Tok;

#define MAXTOK 256
static Tok toks[MAXTOK];
static int ntoks;

/* Scan text to the end; the tokens land in toks[] (EOF not included). */
static void lex(const char *text)
{
    SRC = source_new(&A, "lex.snn", text, (int)strlen(text));
    diag_init(&D, &A, SRC);
    SnnParse P = { 0 };
    P.A = &A;
    P.D = &D;
    P.src = SRC;
    P.end = SRC->len;
    yyscan_t sc;
    ck_assert_int_eq(snn_yylex_init_extra(&P, &sc), 0);
    YY_BUFFER_STATE b = snn_yy_scan_bytes(SRC->text, SRC->len, sc);
    ntoks = 0;
    for (;;) {
        SNN_YYSTYPE lval;
        Span loc;
        int t = snn_yylex(&lval, &loc, sc);
        if (t == 0) break;
        ck_assert_int_lt(ntoks, MAXTOK);
        toks[ntoks].kind = t;
        toks[ntoks].span = loc;
        /* the semantic value is the token's text */
        ck_assert_ptr_eq(lval.id.z, SRC->text + loc.start);
        ck_assert_uint_eq(lval.id.n, (unsigned)(loc.end - loc.start));
        ntoks++;
    }
    snn_yy_delete_buffer(b, sc);
    snn_yylex_destroy(sc);
}

static const char *tok_text(int k)
{
    return arena_strndup(&A, SRC->text + toks[k].span.start, (size_t)(toks[k].span.end - toks[k].span.start));
}

/* The token kinds as a string of short names, for compact assertions. */
static const char *kinds(void)
{
    Buf b;
    buf_init(&b, &A);
    buf_puts(&b, "");
    for (int k = 0; k < ntoks; k++) {
        const char *n;
        char one[4];
        switch (toks[k].kind) {
        case IDENT: n = "ID"; break;
        case KEY: n = "KEY"; break;
        case BLOCKKEY: n = "BKEY"; break;
        case FNAME: n = "FN"; break;
        case NUMBER: n = "NUM"; break;
        case STRING: n = "STR"; break;
        case NEWLINE: n = "NL"; break;
        case BADCHAR: n = "BAD"; break;
        case POW: n = "**"; break;
        case FLOORDIV: n = "//"; break;
        case LE: n = "<="; break;
        case GE: n = ">="; break;
        case EQ: n = "=="; break;
        case NE: n = "!="; break;
        case PLUSEQ: n = "+="; break;
        case MINUSEQ: n = "-="; break;
        case TIMESEQ: n = "*="; break;
        case DIVEQ: n = "/="; break;
        case DEFEQ: n = ":="; break;
        case ARROW: n = "->"; break;
        case AND: n = "and"; break;
        case OR: n = "or"; break;
        case NOT: n = "not"; break;
        case RUN: n = "run"; break;
        default:
            one[0] = (char)toks[k].kind;
            one[1] = 0;
            n = one;
        }
        buf_printf(&b, "%s%s", k ? " " : "", n);
    }
    return b.p;
}

/* Parse text; returns the program or NULL, diagnostics in D. */
static Program *parse(const char *text)
{
    SRC = source_new(&A, "t.snn", text, (int)strlen(text));
    diag_init(&D, &A, SRC);
    return parse_program(&A, &D, SRC);
}

static Program *parse_ok(const char *text)
{
    Program *p = parse(text);
    ck_assert_msg(p != NULL && D.nerr == 0, "parse failed: %s", D.n ? D.v[0].rendered : "(no message)");
    return p;
}

static bool ideq(Ident id, const char *z) { return ident_eq(id, z); }

static const char *span_text(Span s)
{
    return arena_strndup(&A, SRC->text + s.start, (size_t)(s.end - s.start));
}

/* ------------------------------------------------------------------------ */
/* Scanner                                                                  */
/* ------------------------------------------------------------------------ */

START_TEST(lex_operators)
{
    lex("a ** b // c <= d >= e == f != g += h -= i *= j /= k := l -> m % n");
    ck_assert_str_eq(kinds(), "ID ** ID // ID <= ID >= ID == ID != ID += ID -= ID *= ID /= ID := ID -> ID % ID");
    lex("a and b or not c");
    ck_assert_str_eq(kinds(), "ID and ID or not ID");
}
END_TEST

START_TEST(lex_numbers)
{
    lex("1 2.5 .5 1e-3 1.5E+2 3. 7e2");
    ck_assert_str_eq(kinds(), "NUM NUM NUM NUM NUM NUM NUM");
    ck_assert_str_eq(tok_text(1), "2.5");
    ck_assert_str_eq(tok_text(2), ".5");
    ck_assert_str_eq(tok_text(3), "1e-3");
    ck_assert_str_eq(tok_text(4), "1.5E+2");
    ck_assert_str_eq(tok_text(5), "3.");
}
END_TEST

/* Spans are byte offsets; source_linecol turns them into line:col. */
START_TEST(lex_spans)
{
    lex("x = 10*mV\n  tau_m = 2.5\n");
    ck_assert_str_eq(kinds(), "ID = NUM * ID NL ID = NUM NL");
    ck_assert_int_eq(toks[0].span.start, 0);
    ck_assert_int_eq(toks[0].span.end, 1);
    ck_assert_int_eq(toks[2].span.start, 4);
    ck_assert_int_eq(toks[2].span.end, 6);
    ck_assert_int_eq(toks[4].span.start, 7);
    ck_assert_int_eq(toks[4].span.end, 9);
    ck_assert_int_eq(toks[5].span.start, 9);        /* the newline itself */
    ck_assert_int_eq(toks[6].span.start, 12);
    ck_assert_int_eq(toks[6].span.end, 17);
    int line, col;
    source_linecol(SRC, toks[6].span.start, &line, &col);
    ck_assert_int_eq(line, 2);
    ck_assert_int_eq(col, 3);
    source_linecol(SRC, toks[8].span.start, &line, &col);
    ck_assert_int_eq(line, 2);
    ck_assert_int_eq(col, 11);
    source_linecol(SRC, toks[9].span.start, &line, &col);     /* the final newline */
    ck_assert_int_eq(line, 2);
    ck_assert_int_eq(col, 14);
    source_linecol(SRC, 0, &line, &col);
    ck_assert_int_eq(line, 1);
    ck_assert_int_eq(col, 1);
    /* the offset just after the last newline is the start of line 3 */
    source_linecol(SRC, SRC->len, &line, &col);
    ck_assert_int_eq(line, 3);
    ck_assert_int_eq(col, 1);
    /* offsets out of range are clamped */
    source_linecol(SRC, -5, &line, &col);
    ck_assert_int_eq(line, 1);
    ck_assert_int_eq(col, 1);
}
END_TEST

START_TEST(lex_comments)
{
    lex("# a comment line\nx = 1 # trailing comment\n# another\ny = 2");
    /* a comment-only line makes no NEWLINE (nothing before it, or a
     * NEWLINE already) */
    ck_assert_str_eq(kinds(), "ID = NUM NL ID = NUM");
    ck_assert_int_eq(toks[3].span.start, 41);         /* the newline after the comment */
    ck_assert_str_eq(tok_text(0), "x");
    ck_assert_str_eq(tok_text(4), "y");
}
END_TEST

/* Newlines inside ( ) and [ ], after an operator, before a line that starts
 * with an operator, and after a backslash continue the line. */
START_TEST(lex_newline_continuation)
{
    lex("x = f(1,\n 2)\n");
    ck_assert_str_eq(kinds(), "ID = FN ( NUM , NUM ) NL");
    lex("x = [1,\n2,\n3]\n");
    ck_assert_str_eq(kinds(), "ID = [ NUM , NUM , NUM ] NL");
    lex("x = (1\n+ 2\n)\n");
    ck_assert_str_eq(kinds(), "ID = ( NUM + NUM ) NL");
    lex("x = 1 +\n 2\n");
    ck_assert_str_eq(kinds(), "ID = NUM + NUM NL");
    lex("x = 1 *\n\n 2\n");          /* blank lines after an operator too */
    ck_assert_str_eq(kinds(), "ID = NUM * NUM NL");
    lex("x = 1\n   - 2\n");
    ck_assert_str_eq(kinds(), "ID = NUM - NUM NL");
    lex("c = a\n  and b\n");
    ck_assert_str_eq(kinds(), "ID = ID and ID NL");
    lex("x = 1 \\\n + 2\n");
    ck_assert_str_eq(kinds(), "ID = NUM + NUM NL");
    /* but not for an ordinary next line */
    lex("x = 1\ny = 2\n");
    ck_assert_str_eq(kinds(), "ID = NUM NL ID = NUM NL");
    /* nor for a line starting with a name that begins with "or" */
    lex("x = 1\norder = 2\n");
    ck_assert_str_eq(kinds(), "ID = NUM NL ID = NUM NL");
    /* after '{' and ',' and ':' a newline is not a separator */
    lex("G {\n a:\n b }");
    ck_assert_str_eq(kinds(), "BKEY { KEY : ID }");
}
END_TEST

START_TEST(lex_key_classes)
{
    lex("threshold: v > 1");
    ck_assert_str_eq(kinds(), "KEY : ID > NUM");
    lex("model {");
    ck_assert_str_eq(kinds(), "BKEY {");
    lex("init{");
    ck_assert_str_eq(kinds(), "BKEY {");
    lex("connect(i=0)");
    ck_assert_str_eq(kinds(), "FN ( ID = NUM )");
    lex("exp (x)");
    ck_assert_str_eq(kinds(), "FN ( ID )");
    /* ':=' is not a KEY */
    lex("x := 1");
    ck_assert_str_eq(kinds(), "ID := NUM");
    /* 'not' and 'run' stay keywords before '(' */
    lex("not (a) run (5)");
    ck_assert_str_eq(kinds(), "not ( ID ) run ( NUM )");
    lex("neurons G[3] {");
    ck_assert_str_eq(kinds(), "ID ID [ NUM ] {");
    lex("synapses S(G -> H) {");
    ck_assert_str_eq(kinds(), "ID FN ( ID -> ID ) {");
    /* a name before ' : unit' is a KEY (parameters), also in an expression */
    lex("I : amp");
    ck_assert_str_eq(kinds(), "KEY : ID");
    lex("dv/dt = -v/tau : volt");
    ck_assert_str_eq(kinds(), "ID / ID = - ID / KEY : ID");
}
END_TEST

START_TEST(lex_strings_and_bad)
{
    lex("f('abc', \"d e\")");
    ck_assert_str_eq(kinds(), "FN ( STR , STR )");
    ck_assert_str_eq(tok_text(2), "'abc'");
    lex("x = 1 $ 2");
    ck_assert_str_eq(kinds(), "ID = NUM BAD NUM");
    ck_assert_int_eq(toks[3].span.start, 6);
    lex("a.b");
    ck_assert_str_eq(kinds(), "ID . ID");
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Grammar                                                                  */
/* ------------------------------------------------------------------------ */

START_TEST(parse_constants_and_run)
{
    Program *p = parse_ok("tau = 10*ms\nw = -2.5e-1*nS; k = 3\nrun 100*ms\nf(x, y) = x + y\n");
    ck_assert_int_eq(p->ndecls, 5);
    Decl *d = p->decls[0];
    ck_assert_int_eq(d->kind, D_CONST);
    ck_assert(ideq(d->name, "tau"));
    ck_assert_int_eq(d->expr->kind, N_BIN);
    ck_assert_int_eq(d->expr->op, '*');
    ck_assert_int_eq(d->expr->a->kind, N_NUM);
    ck_assert(d->expr->a->is_int);
    ck_assert_double_eq(d->expr->a->num, 10);
    ck_assert(ideq(d->expr->b->name, "ms"));
    ck_assert_str_eq(span_text(d->span), "tau = 10*ms");
    ck_assert_str_eq(span_text(d->name_span), "tau");
    d = p->decls[1];
    ck_assert(ideq(d->name, "w"));
    /* unary minus binds tighter than '*' */
    ck_assert_int_eq(d->expr->kind, N_BIN);
    ck_assert_int_eq(d->expr->a->kind, N_NEG);
    ck_assert(!d->expr->a->a->is_int);
    ck_assert_double_eq(d->expr->a->a->num, 0.25);
    ck_assert(ideq(p->decls[2]->name, "k"));
    ck_assert_int_eq(p->decls[3]->kind, D_RUN);
    ck_assert_str_eq(span_text(p->decls[3]->expr->span), "100*ms");
    d = p->decls[4];
    ck_assert_int_eq(d->kind, D_FUNC);
    ck_assert_int_eq(d->nparams, 2);
    ck_assert(ideq(d->params[0], "x"));
    ck_assert(ideq(d->params[1], "y"));
}
END_TEST

/* The statements between runs: assignments with subscripts, methods,
 * store / restore with and without a name; 'store' stays a name before
 * '=' and '.'. */
START_TEST(parse_script_statements)
{
    Program *p = parse_ok("G.v = 'rand()*mV'\nG.I[0:10] += 0.5*nA\nS.w['i == j'] = 0\nG.I[[0, 2]] = [1, 2]*nA\n"
                          "G.v[:5] = 0\nM.active = False\ninp.set_spikes(indices=[0], times=[1]*ms)\n"
                          "store\nrestore mid\nstore = 3\n");
    ck_assert_int_eq(p->ndecls, 10);
    Decl *d = p->decls[0];
    ck_assert_int_eq(d->kind, D_ASSIGN);
    ck_assert(ideq(d->name, "G") && ideq(d->var, "v") && d->op == '=' && !d->sub);
    ck_assert_int_eq(d->expr->kind, N_STR);
    d = p->decls[1];
    ck_assert(d->kind == D_ASSIGN && d->op == '+' && d->sub && d->sub->kind == SUB_SLICE);
    ck_assert_double_eq(d->sub->lo->num, 0);
    ck_assert_double_eq(d->sub->hi->num, 10);
    ck_assert_str_eq(span_text(d->sub->span), "[0:10]");
    d = p->decls[2];
    ck_assert(d->sub->kind == SUB_INDEX && d->sub->index->kind == N_STR);
    d = p->decls[3];
    ck_assert(d->sub->kind == SUB_LIST && d->sub->nlist == 2);
    ck_assert_int_eq(d->expr->kind, N_BIN);
    ck_assert_int_eq(d->expr->a->kind, N_LIST);
    d = p->decls[4];
    ck_assert(d->sub->kind == SUB_SLICE && !d->sub->lo && d->sub->hi);
    ck_assert(ideq(p->decls[5]->var, "active"));
    d = p->decls[6];
    ck_assert(d->kind == D_METHOD && ideq(d->var, "set_spikes") && d->nargs == 2);
    ck_assert(p->decls[7]->kind == D_WORD && ideq(p->decls[7]->keyword, "store") && p->decls[7]->name.n == 0);
    ck_assert(p->decls[8]->kind == D_WORD && ideq(p->decls[8]->keyword, "restore") && ideq(p->decls[8]->name, "mid"));
    ck_assert(p->decls[9]->kind == D_CONST && ideq(p->decls[9]->name, "store"));
}
END_TEST

START_TEST(parse_precedence)
{
    Program *p = parse_ok("x = 1 + 2 * 3 ** 2 ** 2\ny = a < b and not c or d\nz = -a ** 2\n");
    Node *e = p->decls[0]->expr;
    ck_assert_int_eq(e->op, '+');
    ck_assert_int_eq(e->b->op, '*');
    ck_assert_int_eq(e->b->b->op, OP_POW);
    ck_assert_int_eq(e->b->b->b->op, OP_POW);       /* right associative */
    ck_assert_int_eq(e->b->b->a->kind, N_NUM);
    e = p->decls[1]->expr;
    ck_assert_int_eq(e->kind, N_OR);
    ck_assert_int_eq(e->a->kind, N_AND);
    ck_assert_int_eq(e->a->a->kind, N_CMP);
    ck_assert_int_eq(e->a->a->op, '<');
    ck_assert_int_eq(e->a->b->kind, N_NOT);
    /* Python: -a ** 2 is -(a ** 2) */
    e = p->decls[2]->expr;
    ck_assert_int_eq(e->kind, N_NEG);
    ck_assert_int_eq(e->a->op, OP_POW);
}
END_TEST

static Decl *only_group(Program *p)
{
    ck_assert_int_eq(p->ndecls, 1);
    ck_assert(p->decls[0]->kind == D_NEURONS || p->decls[0]->kind == D_SYNAPSES);
    return p->decls[0];
}

static Item *item(Decl *d, const char *key)
{
    for (int k = 0; k < d->nitems; k++)
        if (ideq(d->items[k]->key, key)) return d->items[k];
    ck_abort_msg("no item '%s'", key);
    return NULL;
}

START_TEST(parse_equations)
{
    Program *p = parse_ok("neurons G[3] {\n"
                          "    model {\n"
                          "        dv/dt = (I - v)/tau : volt\n"
                          "        I = 2*x : volt\n"
                          "        x : volt\n"
                          "        tau : second\n"
                          "        n : 1\n"
                          "        g : siemens/metre**2\n"
                          "    }\n"
                          "}\n");
    Decl *d = only_group(p);
    ck_assert(ideq(d->keyword, "neurons"));
    ck_assert(ideq(d->name, "G"));
    ck_assert_double_eq(d->expr->num, 3);
    Item *m = item(d, "model");
    ck_assert_int_eq(m->kind, I_MODEL);
    ck_assert_int_eq(m->neqs, 6);
    Equation *e = m->eqs[0];
    ck_assert_int_eq(e->kind, EQ_DIFF);
    ck_assert(ideq(e->var, "v"));                   /* 'dv' without the d */
    ck_assert_str_eq(span_text(e->var_span), "dv");
    ck_assert_str_eq(span_text(e->expr->span), "(I - v)/tau");
    ck_assert_str_eq(span_text(e->unit_span), "volt");
    ck_assert_int_eq(e->nflags, 0);
    int line, col;
    source_linecol(SRC, e->span.start, &line, &col);
    ck_assert_int_eq(line, 3);
    ck_assert_int_eq(col, 9);
    e = m->eqs[1];
    ck_assert_int_eq(e->kind, EQ_SUBEXPR);
    ck_assert(ideq(e->var, "I"));
    e = m->eqs[2];
    ck_assert_int_eq(e->kind, EQ_PARAM);
    ck_assert(ideq(e->var, "x"));
    ck_assert_ptr_null(e->expr);
    ck_assert_int_eq(m->eqs[4]->unit->kind, N_NUM);
    e = m->eqs[5];
    ck_assert_int_eq(e->unit->kind, N_BIN);
    ck_assert_int_eq(e->unit->op, '/');
    ck_assert_int_eq(e->unit->b->op, OP_POW);
    ck_assert_str_eq(span_text(e->unit_span), "siemens/metre**2");
}
END_TEST

/* Flags are stored as normalised text: blanks collapsed, '-' joined. */
START_TEST(parse_flags)
{
    /* flags after a parenthesised unit and after a number */
    Program *p = parse_ok("neurons G[1] {\n"
                          "    model {\n"
                          "        dv/dt = -v/tau : (volt) (unless   refractory)\n"
                          "        c : 1 (constant,\n   shared)\n"
                          "        s = 2*v/volt : 1 (constant over dt)\n"
                          "    }\n"
                          "}\n"
                          "synapses S(G -> G) {\n"
                          "    model {\n"
                          "        dw/dt = -w/tau : 1 (event-driven)\n"
                          "        dq/dt = -q/tau : 1 (clock-driven)\n"
                          "        dr/dt = -r/tau : 1 (event - driven)\n"
                          "    }\n"
                          "}\n");
    ck_assert_int_eq(p->ndecls, 2);
    Item *m = item(p->decls[0], "model");
    ck_assert_int_eq(m->eqs[0]->nflags, 1);
    ck_assert_int_eq(m->eqs[1]->nflags, 2);
    ck_assert_int_eq(m->eqs[2]->nflags, 1);
    ck_assert_str_eq(span_text(m->eqs[0]->unit_span), "(volt)");
    ck_assert_str_eq(m->eqs[0]->flags[0].z, "unless refractory");
    ck_assert_uint_eq(m->eqs[0]->flags[0].n, strlen("unless refractory"));
    ck_assert_str_eq(m->eqs[1]->flags[0].z, "constant");
    ck_assert_str_eq(m->eqs[1]->flags[1].z, "shared");
    ck_assert_str_eq(m->eqs[2]->flags[0].z, "constant over dt");
    m = item(p->decls[1], "model");
    ck_assert_int_eq(m->eqs[0]->nflags, 1);
    ck_assert_str_eq(m->eqs[0]->flags[0].z, "event-driven");
    ck_assert_str_eq(m->eqs[1]->flags[0].z, "clock-driven");
    ck_assert_int_eq(m->eqs[2]->nflags, 1);
    /* blanks around a '-' are dropped: '(event - driven)' */
    ck_assert_str_eq(m->eqs[2]->flags[0].z, "event-driven");
}
END_TEST

/* Brian2's usual spelling: a unit name, a blank, then the flags. */
START_TEST(parse_flags_after_unit_name)
{
    Program *p = parse("neurons G[1] {\n"
                       "    model {\n"
                       "        dv/dt = -v/tau : volt (unless refractory)\n"
                       "        x : amp (constant)\n"
                       "    }\n"
                       "}\n");
    ck_assert_msg(p != NULL, "%s", D.n ? D.v[0].rendered : "");
    Item *m = item(p->decls[0], "model");
    ck_assert_int_eq(m->eqs[0]->nflags, 1);
    ck_assert_int_eq(m->eqs[1]->nflags, 1);
    ck_assert_str_eq(m->eqs[0]->flags[0].z, "unless refractory");
    ck_assert_str_eq(m->eqs[1]->flags[0].z, "constant");
    ck_assert_str_eq(span_text(m->eqs[0]->unit_span), "volt");
    ck_assert_str_eq(span_text(m->eqs[1]->unit_span), "amp");
}
END_TEST

START_TEST(parse_statements)
{
    Program *p = parse_ok("neurons G[2] {\n"
                          "    model {\n"
                          "        dv/dt = -v/tau : volt\n"
                          "        w : volt\n"
                          "    }\n"
                          "    threshold: v > 1*mV\n"
                          "    reset: v = 0*mV; w += b\n"
                          "    init {\n"
                          "        v = 1*mV\n"
                          "        w -= 2*mV\n"
                          "        w *= 3\n"
                          "        w /= 4\n"
                          "        tmp := 5*mV\n"
                          "    }\n"
                          "}\n");
    Decl *d = only_group(p);
    Item *th = item(d, "threshold");
    ck_assert_int_eq(th->kind, I_EXPR);
    ck_assert_int_eq(th->expr->op, '>');
    Item *r = item(d, "reset");
    ck_assert_int_eq(r->kind, I_STMTS);
    ck_assert_int_eq(r->stmts.n, 2);
    ck_assert(ideq(r->stmts.v[0]->var, "v"));
    ck_assert_int_eq(r->stmts.v[0]->op, '=');
    ck_assert(ideq(r->stmts.v[1]->var, "w"));
    ck_assert_int_eq(r->stmts.v[1]->op, '+');
    ck_assert_str_eq(span_text(r->stmts.v[1]->span), "w += b");
    ck_assert_str_eq(span_text(r->stmts.v[1]->var_span), "w");
    Item *in = item(d, "init");
    ck_assert_int_eq(in->kind, I_STMTS);
    ck_assert_int_eq(in->stmts.n, 5);
    static const int ops[] = { '=', '-', '*', '/', ':' };
    for (int k = 0; k < 5; k++) ck_assert_int_eq(in->stmts.v[k]->op, ops[k]);
    ck_assert(ideq(in->stmts.v[4]->var, "tmp"));
}
END_TEST

START_TEST(parse_list_initial_values)
{
    Program *p = parse_ok("neurons G[3] {\n"
                          "    model {\n        I : amp\n        k : 1\n    }\n"
                          "    init {\n        I = [0.7, 0.5, 0]*nA\n        k = [1, 2, 3]\n    }\n"
                          "}\n");
    Item *in = item(only_group(p), "init");
    Node *e = in->stmts.v[0]->expr;
    ck_assert_int_eq(e->kind, N_BIN);
    ck_assert_int_eq(e->op, '*');
    ck_assert_int_eq(e->a->kind, N_LIST);
    ck_assert_int_eq(e->a->nargs, 3);
    ck_assert_double_eq(e->a->args[0]->num, 0.7);
    ck_assert_double_eq(e->a->args[2]->num, 0);
    ck_assert(ideq(e->b->name, "nA"));
    ck_assert_str_eq(span_text(e->a->span), "[0.7, 0.5, 0]");
    ck_assert_str_eq(span_text(e->span), "[0.7, 0.5, 0]*nA");
    e = in->stmts.v[1]->expr;
    ck_assert_int_eq(e->kind, N_LIST);
    ck_assert_int_eq(e->nargs, 3);
}
END_TEST

/* Several items on one line: on_pre and connect. */
START_TEST(parse_items_one_line)
{
    Program *p = parse_ok("neurons G[3] { model { v : volt } }\n"
                          "synapses Se(G -> G) {\n"
                          "    on_pre: ge_post += w connect(i=0, j=2)\n"
                          "    connect(i=[0, 1], j=2)\n"
                          "    delay: 1*ms\n"
                          "}\n");
    ck_assert_int_eq(p->ndecls, 2);
    Decl *s = p->decls[1];
    ck_assert_int_eq(s->kind, D_SYNAPSES);
    ck_assert(ideq(s->name, "Se"));
    ck_assert(ideq(s->src, "G"));
    ck_assert(ideq(s->tgt, "G"));
    ck_assert_int_eq(s->nitems, 4);
    ck_assert(ideq(s->items[0]->key, "on_pre"));
    ck_assert_int_eq(s->items[0]->kind, I_STMTS);
    ck_assert_int_eq(s->items[0]->stmts.n, 1);
    ck_assert(ideq(s->items[0]->stmts.v[0]->var, "ge_post"));
    ck_assert_int_eq(s->items[0]->stmts.v[0]->op, '+');
    ck_assert(ideq(s->items[1]->key, "connect"));
    ck_assert_int_eq(s->items[1]->kind, I_CALL);
    ck_assert_int_eq(s->items[1]->nargs, 2);
    ck_assert(ideq(s->items[1]->args[0].name, "i"));
    ck_assert_double_eq(s->items[1]->args[1].value->num, 2);
    ck_assert_int_eq(s->items[2]->args[0].value->kind, N_LIST);
    ck_assert_int_eq(s->items[3]->kind, I_EXPR);
}
END_TEST

START_TEST(parse_monitors)
{
    Program *p = parse_ok("spikemonitor SM(G)\nstatemonitor M(G.v, G.w, record=[0, 2])\nstatemonitor E(G.v, record=[])\n");
    ck_assert_int_eq(p->ndecls, 3);
    Decl *d = p->decls[1];
    ck_assert_int_eq(d->kind, D_MONITOR);
    ck_assert(ideq(d->keyword, "statemonitor"));
    ck_assert(ideq(d->name, "M"));
    ck_assert_int_eq(d->nargs, 3);
    ck_assert_uint_eq(d->args[0].name.n, 0);
    ck_assert(ideq(d->args[0].value->name, "G"));
    ck_assert(ideq(d->args[0].value->b->name, "v"));     /* G.v */
    ck_assert(ideq(d->args[2].name, "record"));
    ck_assert_int_eq(d->args[2].value->kind, N_LIST);
    ck_assert_int_eq(d->args[2].value->nargs, 2);
    ck_assert_int_eq(p->decls[2]->args[1].value->nargs, 0);
}
END_TEST

/* Subgroups: slices where a group stands, and the subgroup declaration. */
START_TEST(parse_subgroups)
{
    Program *p = parse_ok("subgroup Pe = P[0:3200] { init { v = i } }\n"
                          "synapses S(Pe -> P[3200:]) { connect() }\n"
                          "statemonitor M(P[:10].v, record=all)\nspikemonitor SM(P[5])\nratemonitor R(P[a:b:1])\n");
    ck_assert_int_eq(p->ndecls, 5);
    Decl *d = p->decls[0];
    ck_assert_int_eq(d->kind, D_SUBGROUP);
    ck_assert(ideq(d->name, "Pe") && ideq(d->src, "P") && d->nitems == 1);
    ck_assert(d->src_sub->kind == N_SUBGROUP && d->src_sub->a->num == 0 && d->src_sub->b->num == 3200);
    d = p->decls[1];
    ck_assert(ideq(d->src, "Pe") && !d->src_sub && ideq(d->tgt, "P"));
    ck_assert(d->tgt_sub && d->tgt_sub->a->num == 3200 && !d->tgt_sub->b && !d->tgt_sub->args[0]);
    Node *m = p->decls[2]->args[0].value;
    ck_assert(m->kind == N_SUBGROUP && ideq(m->name, "P") && !m->a && m->b->num == 10);
    ck_assert(m->args[1] && ideq(m->args[1]->name, "v"));
    m = p->decls[3]->args[0].value;
    ck_assert(m->kind == N_SUBGROUP && m->op == 1 && m->a->num == 5);
    m = p->decls[4]->args[0].value;
    ck_assert(m->kind == N_SUBGROUP && ideq(m->a->name, "a") && ideq(m->b->name, "b") && m->args[0]->num == 1);
}
END_TEST

START_TEST(parse_tutorial)
{
    size_t len;
    char *text = test_read_file(test_path("../examples/tutorial.snn"), &len);
    ck_assert_ptr_nonnull(text);
    Program *p = parse_ok(text);
    free(text);
    /* 9 constants, G, Se, Si, SM, M, run */
    ck_assert_int_eq(p->ndecls, 15);
    for (int k = 0; k < 9; k++) ck_assert_int_eq(p->decls[k]->kind, D_CONST);
    ck_assert_int_eq(p->decls[9]->kind, D_NEURONS);
    ck_assert_int_eq(p->decls[10]->kind, D_SYNAPSES);
    ck_assert_int_eq(p->decls[11]->kind, D_SYNAPSES);
    ck_assert_int_eq(p->decls[12]->kind, D_MONITOR);
    ck_assert_int_eq(p->decls[13]->kind, D_MONITOR);
    ck_assert_int_eq(p->decls[14]->kind, D_RUN);
    ck_assert_int_eq(p->decls[9]->nitems, 5);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Syntax errors                                                            */
/* ------------------------------------------------------------------------ */

static void first_error_at(int line, int col, const char *fragment)
{
    ck_assert_int_ge(D.nerr, 1);
    ck_assert_int_eq(D.v[0].severity, DIAG_ERROR);
    ck_assert_msg(D.v[0].line == line && D.v[0].col == col, "error at %d:%d, expected %d:%d: %s", D.v[0].line,
                  D.v[0].col, line, col, D.v[0].msg);
    ck_assert_msg(strstr(D.v[0].msg, fragment), "message '%s' lacks '%s'", D.v[0].msg, fragment);
}

START_TEST(syntax_error_positions)
{
    /* at end of file the error points at the last newline */
    ck_assert_ptr_null(parse("tau = 10*ms\nx = 3 +\n"));
    first_error_at(2, 8, "unexpected end of file, expected an expression");
    ck_assert_ptr_null(parse("x = 1\ny = 3 3\n"));
    first_error_at(2, 7, "unexpected number");
    ck_assert_ptr_null(parse("neurons G[1] {\n    model {\n        dv/dt = -v/(10*ms)\n    }\n}\n"));
    first_error_at(3, 27, "expected ':' and the unit");
    ck_assert_ptr_null(parse("x = 1 $ 2\n"));
    first_error_at(1, 7, "invalid character '$'");
    ck_assert_ptr_null(parse("x = 1\xc3\xa9\n"));
    first_error_at(1, 6, "invalid byte 0xc3");
    ck_assert_ptr_null(parse("neurons G[1] {\n  model {\n    v : volt\n  }\n"));
    first_error_at(4, 4, "missing '}' to close 'neurons G[1] {' at line 1");
    /* the rendered form: file:line:col: error:, the line, a caret */
    ck_assert_ptr_null(parse("x = 1\ny = 3 3\n"));
    ck_assert_str_eq(D.v[0].rendered, "t.snn:2:7: error: unexpected number\n    y = 3 3\n          ^\n");
}
END_TEST

START_TEST(syntax_error_recovery)
{
    Program *p = parse("x = 1 +* 2\n"
                       "y = 3 3\n"
                       "ok = 4\n"
                       "z = )\n"
                       "neurons G[1] {\n"
                       "    model {\n"
                       "        dv/dt = -v/ : volt\n"
                       "        w : volt\n"
                       "    }\n"
                       "    threshold v > 1\n"
                       "}\n");
    ck_assert_ptr_null(p);
    ck_assert_int_eq(D.nerr, 5);
    int want[5][2] = { { 1, 8 }, { 2, 7 }, { 4, 5 }, { 7, 21 }, { 10, 5 } };
    for (int k = 0; k < 5; k++)
        ck_assert_msg(D.v[k].line == want[k][0] && D.v[k].col == want[k][1], "error %d at %d:%d, expected %d:%d", k,
                      D.v[k].line, D.v[k].col, want[k][0], want[k][1]);
}
END_TEST

/* Statements in model { } and equations elsewhere are reported. */
START_TEST(syntax_misplaced_lines)
{
    ck_assert_ptr_null(parse("neurons G[1] {\n    model {\n        v = 1\n    }\n}\n"));
    ck_assert_int_eq(D.nerr, 1);
    first_error_at(3, 9, "found a statement");
    ck_assert_ptr_null(parse("neurons G[1] {\n    init {\n        v : volt\n    }\n}\n"));
    ck_assert_int_eq(D.nerr, 1);
    first_error_at(3, 9, "belongs in a 'model { }' block");
    ck_assert_ptr_null(parse("neurons G[1] {\n    reset: 3; v = 1\n}\n"));
    first_error_at(2, 12, "expected a statement such as 'v = expr' in 'reset:'");
    ck_assert_ptr_null(parse("neurons G[1] {\n    reset: v = 1; 3\n}\n"));
    first_error_at(2, 19, "unexpected number");
    ck_assert_ptr_null(parse("neurons G[1] {\n    model {\n        du/dx = 1 : volt\n    }\n}\n"));
    first_error_at(3, 9, "starts 'dX/dt'");
    ck_assert_ptr_null(parse("neurons G[1] {\n    model {\n        u += 1 : volt\n    }\n}\n"));
    first_error_at(3, 11, "subexpression is written");
}
END_TEST

/* More than DIAG_MAX_ERRORS errors: counting continues, messages stop. */
START_TEST(syntax_error_cap)
{
    Buf b;
    buf_init(&b, &A);
    for (int k = 0; k < DIAG_MAX_ERRORS + 5; k++) buf_puts(&b, "x = )\n");
    ck_assert_ptr_null(parse(b.p));
    ck_assert_int_eq(D.nerr, DIAG_MAX_ERRORS + 5);
    ck_assert_int_eq(D.n, DIAG_MAX_ERRORS);
    ck_assert(D.capped);
}
END_TEST

START_TEST(empty_and_comment_only)
{
    Program *p = parse_ok("");
    ck_assert_int_eq(p->ndecls, 0);
    p = parse_ok("# nothing\n\n   # here\n");
    ck_assert_int_eq(p->ndecls, 0);
    p = parse_ok("x = 1");               /* no final newline */
    ck_assert_int_eq(p->ndecls, 1);
    p = parse_ok("x = 1\r\ny = 2\r\n");    /* CRLF line ends */
    ck_assert_int_eq(p->ndecls, 2);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("parser");
    TCase *tc = tcase_create("lexer");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, lex_operators);
    tcase_add_test(tc, lex_numbers);
    tcase_add_test(tc, lex_spans);
    tcase_add_test(tc, lex_comments);
    tcase_add_test(tc, lex_newline_continuation);
    tcase_add_test(tc, lex_key_classes);
    tcase_add_test(tc, lex_strings_and_bad);
    suite_add_tcase(s, tc);
    tc = tcase_create("grammar");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, parse_constants_and_run);
    tcase_add_test(tc, parse_precedence);
    tcase_add_test(tc, parse_equations);
    tcase_add_test(tc, parse_flags);
    tcase_add_test(tc, parse_flags_after_unit_name);
    tcase_add_test(tc, parse_statements);
    tcase_add_test(tc, parse_list_initial_values);
    tcase_add_test(tc, parse_items_one_line);
    tcase_add_test(tc, parse_monitors);
    tcase_add_test(tc, parse_subgroups);
    tcase_add_test(tc, parse_tutorial);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, syntax_error_positions);
    tcase_add_test(tc, syntax_error_recovery);
    tcase_add_test(tc, syntax_misplaced_lines);
    tcase_add_test(tc, syntax_error_cap);
    tcase_add_test(tc, empty_and_comment_only);
    tcase_add_test(tc, parse_script_statements);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
