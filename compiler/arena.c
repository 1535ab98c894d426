/* SPDX-License-Identifier: MIT */
/* This file contains the compile arena and the arena-backed text buffer. */
#include "arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>

struct ArenaBlock {
    ArenaBlock *next;
    size_t      used, cap;
    _Alignas(16) unsigned char data[];
};

/* Out-of-memory jump target, set by compile_model (compile.c) around a
 * compilation, under its lock. */
jmp_buf *snn_arena_oom_jmp;

void arena_init(Arena *a) { a->head = NULL; a->total = 0; }

void arena_free(Arena *a)
{
    ArenaBlock *b = a->head;
    while (b) {
        ArenaBlock *n = b->next;
        free(b);
        b = n;
    }
    a->head = NULL;
    a->total = 0;
}

void *arena_alloc(Arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    ArenaBlock *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        b = malloc(sizeof *b + cap);
        if (!b) {
            if (snn_arena_oom_jmp) longjmp(*snn_arena_oom_jmp, 1);
            fputs("snnc: out of memory\n", stderr);
            abort();
        }
        b->used = 0;
        b->cap = cap;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += n;
    a->total += n;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

void *arena_append(Arena *a, const void *arr, int n, size_t elem)
{
    void *p = arena_alloc(a, elem * (size_t)(n + 1));
    if (n) memcpy(p, arr, elem * (size_t)n);
    return p;
}

char *arena_strdup(Arena *a, const char *s) { return arena_strndup(a, s, strlen(s)); }

char *arena_vprintf(Arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    char *p = arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *arena_printf(Arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

void buf_init(Buf *b, Arena *a)
{
    b->arena = a;
    b->len = 0;
    b->cap = 4096;
    b->p = arena_alloc(a, b->cap);
}

void buf_put(Buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap * 2;
        while (cap < b->len + n + 1) cap *= 2;
        char *p = arena_alloc(b->arena, cap);
        memcpy(p, b->p, b->len);
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

void buf_puts(Buf *b, const char *s) { buf_put(b, s, strlen(s)); }

void buf_printf(Buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = arena_vprintf(b->arena, fmt, ap);
    va_end(ap);
    buf_puts(b, s);
}
