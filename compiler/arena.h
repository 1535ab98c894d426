/* SPDX-License-Identifier: MIT */
/* This file declares the compile arena: a bump allocator that owns everything
 * one compilation makes (source copy, AST, dimensions, IR, emitted text), so a
 * compilation is freed with one call and error paths never leak. */
#ifndef SNN_ARENA_H
#define SNN_ARENA_H

#include <stddef.h>
#include <stdarg.h>

typedef struct ArenaBlock ArenaBlock;
typedef struct Arena {
    ArenaBlock *head;        /* newest block first */
    size_t      total;       /* bytes handed out, for statistics */
} Arena;

void  arena_init(Arena *a);
void  arena_free(Arena *a);
/* Zeroed memory aligned for any type; never returns NULL (aborts only on OOM
 * inside the compiler, which the public API reports as SNN_ENOMEM). */
void *arena_alloc(Arena *a, size_t n);
char *arena_strndup(Arena *a, const char *s, size_t n);
/* A copy of array arr (n elements of elem bytes) with room for one more;
 * the usual way to append to the model's arena arrays:
 *     g->extras = arena_append(A, g->extras, g->nextras, sizeof *g->extras);
 *     g->extras[g->nextras++] = x; */
void *arena_append(Arena *a, const void *arr, int n, size_t elem);
char *arena_strdup(Arena *a, const char *s);
char *arena_printf(Arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *arena_vprintf(Arena *a, const char *fmt, va_list ap);

/* A growable text buffer living in an arena (used by the C emitter). */
typedef struct Buf {
    Arena *arena;
    char  *p;
    size_t len, cap;
} Buf;

void buf_init(Buf *b, Arena *a);
void buf_put(Buf *b, const char *s, size_t n);
void buf_puts(Buf *b, const char *s);
void buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
