/* SPDX-License-Identifier: MIT */
/* This file contains the geometry of morphologies, computed as Brian2 2.5's
 * Soma, Cylinder and Section classes compute it (the same formulas in the
 * same operation order, so areas and axial terms agree to the last bit), and
 * the flattening of a tree of sections into the cable of a spatialneurons
 * group (Brian2's FlatMorphology). */
#include "morphology.h"

#include <math.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

const char *morph_check_args(const MorphArgs *a)
{
    if (a->n < 1) return "the number of compartments n must be at least 1";
    for (int k = 0; k < a->ndiam; k++)
        if (!(a->diam[k] > 0) || !isfinite(a->diam[k])) return "every diameter must be positive";
    for (int k = 0; k < a->nlength; k++)
        if (!(a->length[k] > 0) || !isfinite(a->length[k])) return "every length must be positive";
    switch (a->kind) {
    case MS_SOMA:
        if (a->ndiam != 1) return "a Soma takes one diameter";
        if (a->nlength) return "a Soma takes no length (its length is its diameter)";
        if ((a->x || a->y || a->z) && a->ncoord != 1) return "a Soma's x, y and z are single values";
        return NULL;
    case MS_CYLINDER:
        if (a->ndiam != 1) return "a Cylinder takes one diameter (a Section takes n+1)";
        if (a->nlength > 1) return "a Cylinder's length is its total length, one value";
        if (a->nlength && (a->x || a->y || a->z)) return "give either the length or the coordinates x, y, z, not both";
        if (!a->nlength && !(a->x || a->y || a->z)) return "a Cylinder needs its length, or coordinates x, y or z";
        if ((a->x || a->y || a->z) && a->ncoord != 2) return "a Cylinder's x, y and z are two values each, start and end";
        return NULL;
    default:
        if (a->ndiam != a->n + 1) return "a Section takes n+1 diameters (the start of the first compartment and the end of each)";
        if (a->nlength && a->nlength != a->n) return "a Section takes n lengths, one per compartment";
        if (a->nlength && (a->x || a->y || a->z)) return "give either the lengths or the coordinates x, y, z, not both";
        if (!a->nlength && !(a->x || a->y || a->z)) return "a Section needs its lengths, or coordinates x, y or z";
        if ((a->x || a->y || a->z) && a->ncoord != a->n + 1) return "a Section's x, y and z have n+1 values each";
        return NULL;
    }
}

int morph_find(const Morph *m, const char *path)
{
    for (int k = 0; k < m->nsecs; k++)
        if (!strcmp(m->secs[k].path, path)) return k;
    return -1;
}

static double *vec(Arena *A, int n)
{
    double *v = arena_alloc(A, sizeof *v * (size_t)(n + 1));
    memset(v, 0, sizeof *v * (size_t)(n + 1));
    return v;
}

/* numpy's linspace(a, b, n+1): i*step + a, the last value b exactly. */
static void linspace(double *out, double a, double b, int n)
{
    double step = (b - a) / n;
    for (int i = 0; i <= n; i++) out[i] = i * step + a;
    out[n] = b;
}

/* The relative points (n+1) of one coordinate of a Cylinder or Section:
 * given, or zeros. */
static double *points(Arena *A, const MorphArgs *a, const double *c)
{
    double *p = vec(A, a->n + 1);
    if (!c) return p;
    if (a->kind == MS_CYLINDER) linspace(p, c[0], c[1], a->n);
    else memcpy(p, c, sizeof *p * (size_t)(a->n + 1));
    return p;
}

/* A Soma: area pi d^2, length d, r_length 1 m (a very small axial
 * resistance), at its parent's distance. */
static void soma_geometry(Arena *A, MorphSection *s, const MorphSection *par, const MorphArgs *a)
{
    double d = a->diam[0];
    s->area[0] = M_PI * (d * d);
    s->volume[0] = (M_PI * (d * d * d)) / 6;
    s->length[0] = d;
    s->diameter[0] = d;
    s->r_length_1[0] = s->r_length_2[0] = 1.0;
    s->distance[0] = par ? par->distance[par->n - 1] : 0.0;
    s->end_distance = par ? par->end_distance : 0.0;
    if (a->x || a->y || a->z) {
        s->x = vec(A, 1), s->y = vec(A, 1), s->z = vec(A, 1);
        s->x[0] = a->x ? a->x[0] : 0, s->y[0] = a->y ? a->y[0] : 0, s->z[0] = a->z ? a->z[0] : 0;
        s->has_end = true;
        s->end_x = s->x[0], s->end_y = s->y[0], s->end_z = s->z[0];
    }
}

int morph_add(Arena *A, Morph *m, const char *path, Span span, int parent, const MorphArgs *a)
{
    m->secs = arena_append(A, m->secs, m->nsecs, sizeof *m->secs);
    MorphSection *s = &m->secs[m->nsecs];
    const MorphSection *par = parent >= 0 ? &m->secs[parent] : NULL;
    memset(s, 0, sizeof *s);
    s->path = path;
    s->span = span;
    s->parent = parent;
    s->soma = a->kind == MS_SOMA;
    int n = s->n = s->soma ? 1 : a->n;
    s->length = vec(A, n), s->distance = vec(A, n), s->area = vec(A, n), s->volume = vec(A, n);
    s->diameter = vec(A, n), s->r_length_1 = vec(A, n), s->r_length_2 = vec(A, n);
    if (s->soma) {
        soma_geometry(A, s, par, a);
        return m->nsecs++;
    }
    bool coords = a->x || a->y || a->z;
    double *px = NULL, *py = NULL, *pz = NULL;
    if (coords) {
        px = points(A, a, a->x), py = points(A, a, a->y), pz = points(A, a, a->z);
        for (int i = 0; i < n; i++) {
            double dx = px[i + 1] - px[i], dy = py[i + 1] - py[i], dz = pz[i + 1] - pz[i];
            s->length[i] = sqrt(dx * dx + dy * dy + dz * dz);
        }
    } else {
        for (int i = 0; i < n; i++) s->length[i] = a->kind == MS_CYLINDER ? 1.0 * (a->length[0] / n) : a->length[i];
    }
    double sum = 0, pd = par ? par->end_distance : 0.0;
    for (int i = 0; i < n; i++) {
        double l = s->length[i];
        if (a->kind == MS_CYLINDER) {
            double d = a->diam[0];
            s->diameter[i] = d;
            s->area[i] = M_PI * d * l;
            s->volume[i] = M_PI * ((d / 2) * (d / 2)) * l;
            s->r_length_1[i] = s->r_length_2[i] = M_PI / 2 * (d * d) / l;
        } else {
            double d1 = a->diam[i], d2 = a->diam[i + 1], dm = (d1 + d2) * 0.5;
            s->diameter[i] = 0.5 * (d1 + d2);
            s->area[i] = M_PI / 2 * (d1 + d2) * sqrt(((d1 - d2) * (d1 - d2)) / 4 + l * l);
            s->volume[i] = M_PI * l * (d1 * d1 + d1 * d2 + d2 * d2) / 12;
            s->r_length_1[i] = M_PI / 2 * (d1 * dm) / l;
            s->r_length_2[i] = M_PI / 2 * (dm * d2) / l;
        }
        sum += l;
        s->distance[i] = pd + sum - 0.5 * l;
    }
    s->end_distance = s->distance[n - 1] + 0.5 * s->length[n - 1];
    if (coords) {
        /* relative to the parent's end point, where the parent has one */
        bool off = par && par->has_end;
        double ox = off ? par->end_x : 0, oy = off ? par->end_y : 0, oz = off ? par->end_z : 0;
        s->x = vec(A, n), s->y = vec(A, n), s->z = vec(A, n);
        for (int i = 0; i < n; i++) {
            double sx = off ? ox + px[i] : px[i], ex = off ? ox + px[i + 1] : px[i + 1];
            double sy = off ? oy + py[i] : py[i], ey = off ? oy + py[i + 1] : py[i + 1];
            double sz = off ? oz + pz[i] : pz[i], ez = off ? oz + pz[i + 1] : pz[i + 1];
            s->x[i] = sx + 0.5 * (ex - sx);
            s->y[i] = sy + 0.5 * (ey - sy);
            s->z[i] = sz + 0.5 * (ez - sz);
        }
        s->has_end = true;
        s->end_x = off ? ox + px[n] : px[n];
        s->end_y = off ? oy + py[n] : py[n];
        s->end_z = off ? oz + pz[n] : pz[n];
    }
    return m->nsecs++;
}

/* Append section k and its subtree in Brian2's order (depth first, children
 * in the order they were added): compartments, and the section tree. */
static void flatten_section(const Morph *m, Cable *c, int k, int parent_flat, int *offset, int *counter, int *flat_of)
{
    const MorphSection *s = &m->secs[k];
    int start = *offset, idx = (*counter)++;
    flat_of[k] = idx;
    for (int i = 0; i < s->n; i++) {
        int j = start + i;
        c->length[j] = s->length[i], c->distance[j] = s->distance[i], c->area[j] = s->area[i];
        c->volume[j] = s->volume[i], c->diameter[j] = s->diameter[i];
        c->r_length_1[j] = s->r_length_1[i], c->r_length_2[j] = s->r_length_2[i];
        if (c->x) c->x[j] = s->x[i], c->y[j] = s->y[i], c->z[j] = s->z[i];
    }
    c->sec_path[idx] = s->path;
    c->starts[idx] = start;
    c->ends[idx] = start + s->n;
    c->parent_i[idx] = parent_flat + 1;
    int p = parent_flat + 1;
    c->idxchild[idx] = c->children_num[p];
    c->children[p * c->maxchild + c->children_num[p]++] = idx + 1;
    *offset += s->n;
    for (int q = k + 1; q < m->nsecs; q++)
        if (m->secs[q].parent == k) flatten_section(m, c, q, idx, offset, counter, flat_of);
}

Cable *morph_flatten(Arena *A, const Morph *m)
{
    Cable *c = arena_alloc(A, sizeof *c);
    memset(c, 0, sizeof *c);
    int n = 0, maxchild = 1;
    bool coords = m->nsecs > 0;
    for (int k = 0; k < m->nsecs; k++) {
        n += m->secs[k].n;
        coords &= m->secs[k].x != NULL;
        int nc = 0;
        for (int q = 0; q < m->nsecs; q++) nc += m->secs[q].parent == k;
        if (nc > maxchild) maxchild = nc;
    }
    c->n = n;
    c->nsec = m->nsecs;
    c->maxchild = maxchild;
    c->length = vec(A, n), c->distance = vec(A, n), c->area = vec(A, n), c->volume = vec(A, n);
    c->diameter = vec(A, n), c->r_length_1 = vec(A, n), c->r_length_2 = vec(A, n);
    if (coords) c->x = vec(A, n), c->y = vec(A, n), c->z = vec(A, n);
    int S = m->nsecs;
    c->sec_path = arena_alloc(A, sizeof *c->sec_path * (size_t)(S + 1));
    c->starts = arena_alloc(A, sizeof(int) * (size_t)(S + 1));
    c->ends = arena_alloc(A, sizeof(int) * (size_t)(S + 1));
    c->parent_i = arena_alloc(A, sizeof(int) * (size_t)(S + 1));
    c->idxchild = arena_alloc(A, sizeof(int) * (size_t)(S + 1));
    c->children_num = arena_alloc(A, sizeof(int) * (size_t)(S + 2));
    c->children = arena_alloc(A, sizeof(int) * (size_t)(S + 1) * (size_t)maxchild);
    memset(c->children_num, 0, sizeof(int) * (size_t)(S + 2));
    memset(c->children, 0, sizeof(int) * (size_t)(S + 1) * (size_t)maxchild);
    int *flat_of = arena_alloc(A, sizeof(int) * (size_t)(S + 1));
    int offset = 0, counter = 0;
    if (S) flatten_section(m, c, 0, -1, &offset, &counter, flat_of);
    return c;
}
