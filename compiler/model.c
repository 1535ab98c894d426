/* SPDX-License-Identifier: MIT */
/* This file contains the shared symbols of a model: built-in functions (whose
 * table is functions.c) and variables, IR temporaries, and IR block helpers. */
#include "model.h"

#include "functions.h"

#include <string.h>

const char *model_func_name(int fn) { return func_def(fn)->name; }

Sym *model_func(Model *M, int fn)
{
    if (!M->funcs[fn]) {
        Sym *s = arena_alloc(M->arena, sizeof *s);
        s->kind = SYM_FUNC;
        s->name = func_def(fn)->name;
        s->builtin = fn;
        M->funcs[fn] = s;
    }
    return M->funcs[fn];
}

Sym *model_builtin(Model *M, int b)
{
    static const char *const names[] = { "t", "dt", "i", "j", "N", "N_pre", "N_post", "xi",
                                         "i_pre", "j_pre", "i_post", "j_post" };
    if (!M->builtins[b]) {
        Sym *s = arena_alloc(M->arena, sizeof *s);
        s->kind = SYM_BUILTIN;
        s->name = names[b];
        s->builtin = b;
        s->type = TY_FLOAT;
        if (b == B_T || b == B_DT) s->dim = DIM_SECOND;
        else if (b == B_XI) { dim_pow(DIM_SECOND, -1, 2, &s->dim); }
        else s->type = TY_INT;
        M->builtins[b] = s;
    }
    return M->builtins[b];
}

Sym *model_temp(Model *M, const char *name, Dim d)
{
    Sym *s = arena_alloc(M->arena, sizeof *s);
    s->kind = SYM_TEMP;
    s->name = arena_strdup(M->arena, name);
    s->dim = d;
    s->type = TY_FLOAT;
    return s;
}

void block_push(Arena *A, Block *b, Stmt *s)
{
    if (b->n == b->cap) {
        int cap = b->cap ? b->cap * 2 : 8;
        Stmt **v = arena_alloc(A, sizeof *v * (size_t)cap);
        if (b->n) memcpy(v, b->v, sizeof *v * (size_t)b->n);
        b->v = v;
        b->cap = cap;
    }
    b->v[b->n++] = s;
}
