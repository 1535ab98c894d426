/* SPDX-License-Identifier: MIT */
/* This file contains the syntax-tree constructors and small identifier
 * helpers used by the parser and every later pass. */
#include "ast.h"

#include <string.h>

static Node *node(Arena *A, int kind, Span s)
{
    Node *n = arena_alloc(A, sizeof *n);
    n->kind = (uint16_t)kind;
    n->span = s;
    return n;
}

Node *ast_num(Arena *A, double v, bool is_int, Span s)
{
    Node *n = node(A, N_NUM, s);
    n->num = v;
    n->is_int = is_int;
    n->type = is_int ? TY_INT : TY_FLOAT;
    return n;
}

Node *ast_name(Arena *A, Ident id, Span s)
{
    Node *n = node(A, N_NAME, s);
    n->name = id;
    return n;
}

Node *ast_bin(Arena *A, int op, Node *a, Node *b, Span s)
{
    int kind = N_BIN;
    if (op == '<' || op == '>' || op == OP_LE || op == OP_GE || op == OP_EQ || op == OP_NE)
        kind = N_CMP;
    Node *n = node(A, kind, s);
    n->op = (int16_t)op;
    n->a = a;
    n->b = b;
    return n;
}

Node *ast_unary(Arena *A, int kind, Node *a, Span s)
{
    Node *n = node(A, kind, s);
    n->a = a;
    return n;
}

Node *ast_call(Arena *A, Ident name, Node **args, int nargs, Span s)
{
    Node *n = node(A, N_CALL, s);
    n->name = name;
    n->args = args;
    n->nargs = nargs;
    return n;
}

Span span_join(Span a, Span b)
{
    Span s = { a.start < b.start ? a.start : b.start, a.end > b.end ? a.end : b.end };
    return s;
}

Ident ident_cstr(const char *z)
{
    Ident id = { z, (uint32_t)strlen(z) };
    return id;
}

bool ident_eq(Ident id, const char *z)
{
    return strlen(z) == id.n && memcmp(id.z, z, id.n) == 0;
}

bool ident_same(Ident a, Ident b)
{
    return a.n == b.n && memcmp(a.z, b.z, a.n) == 0;
}

const char *ident_dup(Arena *A, Ident id) { return arena_strndup(A, id.z, id.n); }

Node *ast_copy(Arena *A, const Node *n)
{
    if (!n) return NULL;
    Node *c = arena_alloc(A, sizeof *c);
    *c = *n;
    c->a = ast_copy(A, n->a);
    c->b = ast_copy(A, n->b);
    if (n->nargs) {
        c->args = arena_alloc(A, sizeof *c->args * (size_t)n->nargs);
        for (int k = 0; k < n->nargs; k++) c->args[k] = ast_copy(A, n->args[k]);
    }
    return c;
}

void pvec_push(Arena *A, PVec *v, void *p)
{
    if (v->n == v->cap) {
        int cap = v->cap ? v->cap * 2 : 4;
        void **nv = arena_alloc(A, sizeof *nv * (size_t)cap);
        if (v->n) memcpy(nv, v->v, sizeof *nv * (size_t)v->n);
        v->v = nv;
        v->cap = cap;
    }
    v->v[v->n++] = p;
}
