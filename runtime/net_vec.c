/* SPDX-License-Identifier: MIT */
/* This file contains the growable arrays of the network (net.h): int32,
 * int64 and double vectors whose capacities double, with every growth
 * through net_vec_realloc (tests replace it to fail allocations). */
#include "net.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *(*net_vec_realloc)(void *p, size_t size) = realloc;

/* Grow an array of elem-byte elements, n used and *cap allocated, to room
 * for more further ones: capacities double, starting from first.  Returns
 * the moved array with *cap updated, or NULL on out of memory (then the old
 * array and *cap are unchanged). */
static void *vec_grow(void *v, size_t *cap, size_t n, size_t more, size_t elem, size_t first)
{
    if (more > SIZE_MAX / elem - n) return NULL;
    size_t need = n + more, c = *cap ? *cap : first;
    while (c < need) c = c <= SIZE_MAX / elem / 2 ? c * 2 : need;
    void *p = net_vec_realloc(v, c * elem);
    if (p) *cap = c;
    return p;
}

bool i32vec_reserve(I32Vec *a, size_t more)
{
    if (more <= a->cap - a->n) return true;
    int32_t *v = vec_grow(a->v, &a->cap, a->n, more, sizeof *v, 64);
    return v ? (a->v = v, true) : false;
}

bool i64vec_reserve(I64Vec *a, size_t more)
{
    if (more <= a->cap - a->n) return true;
    int64_t *v = vec_grow(a->v, &a->cap, a->n, more, sizeof *v, 64);
    return v ? (a->v = v, true) : false;
}

bool f64vec_reserve(F64Vec *a, size_t more)
{
    if (more <= a->cap - a->n) return true;
    double *v = vec_grow(a->v, &a->cap, a->n, more, sizeof *v, 256);
    return v ? (a->v = v, true) : false;
}

bool i32vec_push(I32Vec *a, int32_t x)
{
    if (!i32vec_reserve(a, 1)) return false;
    a->v[a->n++] = x;
    return true;
}

bool i64vec_push(I64Vec *a, int64_t x)
{
    if (!i64vec_reserve(a, 1)) return false;
    a->v[a->n++] = x;
    return true;
}

/* Append n ids; on out of memory nothing is appended. */
bool i32vec_append(I32Vec *a, const int32_t *x, size_t n)
{
    if (!i32vec_reserve(a, n)) return false;
    if (n) memcpy(a->v + a->n, x, n * sizeof *x);
    a->n += n;
    return true;
}

/* Give an array's growth slack back: a built network keeps exactly n. */
void i32vec_shrink(I32Vec *a)
{
    if (a->cap <= a->n || !a->n) return;
    int32_t *v = net_vec_realloc(a->v, sizeof *v * a->n);
    if (!v) return;     /* keeps the larger block, which is still correct */
    a->v = v;
    a->cap = a->n;
}
