/* SPDX-License-Identifier: MIT */
/* This file reads SWC morphology files (index type x y z radius parent, in
 * micrometers) into a Morph as Brian2 2.5's Morphology.from_swc_file does:
 * a soma of three points (a centre and two points one radius away, without
 * children) becomes one point; unbranched runs of points of one type become
 * one Section (starting at the parent point, with the parent's diameter
 * unless the parent is the soma); a lone soma point becomes a spherical
 * Soma; children are named L and R (or 1, 2, ... beyond two) in the order
 * they were made. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morphology.h"

#define SWC_MAX_POINTS 10000000

typedef struct Pt {
    long   index;
    int    type;            /* 1 soma, 2 axon, 3 dend, 4 apic, 0 other */
    double x, y, z, d;      /* micrometers */
    int    parent;          /* position in the point list, -1 for the root */
    int   *kids;
    int    nkids, capkids;
    int    section;         /* the section that ends here, or -1 */
    bool   dropped;         /* merged into a one-point soma */
} Pt;

typedef struct Swc {
    Arena *A;
    Morph *m;
    Pt    *p;
    int    n;
    Span   span;
    int   *nchild;          /* per section: children named so far */
} Swc;

static bool add_kid(Pt *p, int k)
{
    if (p->nkids == p->capkids) {
        int cap = p->capkids ? 2 * p->capkids : 2;
        int *v = realloc(p->kids, sizeof *v * (size_t)cap);
        if (!v) return false;
        p->kids = v, p->capkids = cap;
    }
    p->kids[p->nkids++] = k;
    return true;
}

/* Brian2's _replace_three_point_soma at point k: a soma point with exactly
 * two soma children that have no children becomes one point. */
static const char *three_point_soma(Swc *w, int k)
{
    Pt *c = &w->p[k];
    int soma_kids[2], ns = 0, leaf = 0;
    for (int q = 0; q < c->nkids; q++)
        if (w->p[c->kids[q]].type == 1) {
            if (ns < 2) soma_kids[ns] = c->kids[q];
            ns++;
            leaf += w->p[c->kids[q]].nkids == 0;
        }
    if (c->type != 1 || ns != 2 || leaf != 2) return NULL;
    Pt *a = &w->p[soma_kids[0]], *b = &w->p[soma_kids[1]];
    if (fabs(a->d - c->d) >= 1e-15 || fabs(b->d - c->d) >= 1e-15)
        return arena_printf(w->A, "a 3-point soma (points %ld, %ld, %ld) needs the same diameter at every point",
                            c->index, a->index, b->index);
    double l1 = sqrt((a->x - c->x) * (a->x - c->x) + (a->y - c->y) * (a->y - c->y) + (a->z - c->z) * (a->z - c->z));
    double l2 = sqrt((b->x - c->x) * (b->x - c->x) + (b->y - c->y) * (b->y - c->y) + (b->z - c->z) * (b->z - c->z));
    if (fabs(l1 - c->d / 2) > 0.01 || fabs(l2 - c->d / 2) > 0.01)
        return arena_printf(w->A, "a 3-point soma (points %ld, %ld, %ld) needs its second and third points one "
                            "radius (%.3f um) from the first, not %.3f and %.3f um", c->index, a->index, b->index,
                            c->d / 2, l1, l2);
    a->dropped = b->dropped = true;
    int m = 0;
    for (int q = 0; q < c->nkids; q++)
        if (!w->p[c->kids[q]].dropped) c->kids[m++] = c->kids[q];
    c->nkids = m;
    return NULL;
}

/* The path of a new child of section parent: L, R, or 1, 2, ... when the
 * parent point has more than two children (Brian2's names). */
static const char *child_path(Swc *w, int parent_sec, int parent_pt)
{
    int nth = ++w->nchild[parent_sec];
    const char *base = w->m->secs[parent_sec].path;
    const char *name = w->p[parent_pt].nkids <= 2 ? (nth == 1 ? "L" : "R") : arena_printf(w->A, "%d", nth);
    return *base ? arena_printf(w->A, "%s.%s", base, name) : name;
}

/* Make the section of the run of points run[0..n) (Brian2's _create_section). */
static const char *make_section(Swc *w, const int *run, int n)
{
    int parent = w->p[run[0]].parent;
    MorphArgs a = { 0 };
    const Pt *first = &w->p[run[0]];
    if (n == 1 && first->type == 1) {
        a.kind = MS_SOMA, a.n = 1, a.ndiam = 1, a.ncoord = 1;
        a.diam = arena_alloc(w->A, sizeof(double) * 4);
        a.x = a.diam + 1, a.y = a.diam + 2, a.z = a.diam + 3;
        a.diam[0] = first->d * 1e-6, a.x[0] = first->x * 1e-6, a.y[0] = first->y * 1e-6, a.z[0] = first->z * 1e-6;
    } else {
        int np = parent >= 0 ? n : n - 1;      /* compartments */
        if (np < 1) return arena_printf(w->A, "point %ld alone cannot make a section (it needs a parent or a "
                                        "second point)", first->index);
        a.kind = MS_SECTION, a.n = np, a.ndiam = np + 1, a.ncoord = np + 1;
        double *v = arena_alloc(w->A, sizeof(double) * 4 * (size_t)(np + 1));
        a.diam = v, a.x = v + np + 1, a.y = v + 2 * (np + 1), a.z = v + 3 * (np + 1);
        if (parent >= 0) {
            const Pt *pp = &w->p[parent];
            a.diam[0] = (pp->type == 1 ? first->d : pp->d) * 1e-6;
            a.x[0] = a.y[0] = a.z[0] = 0;
            for (int k = 0; k < n; k++) {
                const Pt *q = &w->p[run[k]];
                a.diam[k + 1] = q->d * 1e-6;
                a.x[k + 1] = (q->x - pp->x) * 1e-6, a.y[k + 1] = (q->y - pp->y) * 1e-6, a.z[k + 1] = (q->z - pp->z) * 1e-6;
            }
        } else {
            for (int k = 0; k < n; k++) {
                const Pt *q = &w->p[run[k]];
                a.diam[k] = q->d * 1e-6;
                a.x[k] = q->x * 1e-6, a.y[k] = q->y * 1e-6, a.z[k] = q->z * 1e-6;
            }
        }
    }
    const char *bad = morph_check_args(&a);
    if (bad) return arena_printf(w->A, "the section ending at point %ld: %s", w->p[run[n - 1]].index, bad);
    int psec = parent >= 0 ? w->p[parent].section : -1;
    const char *path = psec >= 0 ? child_path(w, psec, parent) : "";
    int s = morph_add(w->A, w->m, path, w->span, psec, &a);
    w->nchild = arena_append(w->A, w->nchild, s, sizeof *w->nchild);
    w->nchild[s] = 0;
    w->p[run[n - 1]].section = s;
    return NULL;
}

/* Brian2's _compartments_to_sections, iteratively along runs and
 * recursively at branch points. */
static const char *sections_from(Swc *w, int k, int depth)
{
    if (depth > 100000) return "the morphology is nested too deeply";
    int cap = 16, n = 0;
    int *run = malloc(sizeof *run * (size_t)cap);
    if (!run) return "out of memory";
    for (;;) {
        if (n == cap) {
            int *r = realloc(run, sizeof *r * (size_t)(cap *= 2));
            if (!r) {
                free(run);
                return "out of memory";
            }
            run = r;
        }
        run[n++] = k;
        const Pt *c = &w->p[k];
        if (c->nkids != 1 || w->p[c->kids[0]].type != c->type) break;
        k = c->kids[0];
    }
    const char *e = make_section(w, run, n);
    free(run);
    for (int q = 0; !e && q < w->p[k].nkids; q++) e = sections_from(w, w->p[k].kids[q], depth + 1);
    return e;
}

static int find_point(const Swc *w, long index)
{
    for (int k = w->n - 1; k >= 0; k--)     /* parents are usually just before */
        if (w->p[k].index == index) return k;
    return -1;
}

static const char *read_points(Swc *w, FILE *f, const char *file)
{
    char line[4096];
    long lineno = 0;
    int cap = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) return arena_printf(w->A, "%s:%ld: the line is too long", file, lineno);
        char *s = line;
        while (*s == ' ' || *s == '\t') s++;
        if (*s == '#' || *s == '\n' || *s == '\r' || !*s) continue;
        char *tok[8];
        int nt = 0;
        for (char *t = strtok(s, " \t\r\n"); t; t = strtok(NULL, " \t\r\n"))
            if (nt < 8) tok[nt++] = t;
            else nt++;
        if (nt != 7)
            return arena_printf(w->A, "%s:%ld: a line of an SWC file has 7 entries (index type x y z radius parent), "
                                "not %d", file, lineno, nt);
        double v[7];
        for (int q = 0; q < 7; q++) {
            char *end;
            errno = 0;
            v[q] = strtod(tok[q], &end);
            if (*end || errno || !isfinite(v[q]) || ((q == 0 || q == 1 || q == 6) && v[q] != floor(v[q])))
                return arena_printf(w->A, "%s:%ld: '%s' is not a %s", file, lineno, tok[q],
                                    q == 0 || q == 1 || q == 6 ? "whole number" : "number");
        }
        if (w->n >= SWC_MAX_POINTS) return arena_printf(w->A, "%s: more than %d points", file, SWC_MAX_POINTS);
        if (w->n == cap) {
            cap = cap ? 2 * cap : 256;
            Pt *p = realloc(w->p, sizeof *p * (size_t)cap);
            if (!p) return "out of memory";
            w->p = p;
        }
        Pt *p = &w->p[w->n];
        memset(p, 0, sizeof *p);
        p->index = (long)v[0];
        p->type = v[1] >= 1 && v[1] <= 4 ? (int)v[1] : 0;
        p->x = v[2], p->y = v[3], p->z = v[4], p->d = 2 * v[5];
        p->section = -1;
        if (find_point(w, p->index) >= 0) return arena_printf(w->A, "%s:%ld: two points with index %ld", file, lineno, p->index);
        long par = (long)v[6];
        if (par == p->index) return arena_printf(w->A, "%s:%ld: point %ld is its own parent", file, lineno, p->index);
        if (w->n == 0 && par == -1) {
            p->parent = -1;
        } else {
            p->parent = find_point(w, par);
            if (p->parent < 0)
                return arena_printf(w->A, "%s:%ld: there is no point %ld (the parent of point %ld) before this line; "
                                    "an SWC file lists parents before their children", file, lineno, par, p->index);
        }
        w->n++;
        if (p->parent >= 0 && !add_kid(&w->p[p->parent], w->n - 1)) return "out of memory";
    }
    if (ferror(f)) return arena_printf(w->A, "%s: %s", file, strerror(errno));
    if (!w->n) return arena_printf(w->A, "%s has no points", file);
    return NULL;
}

const char *morph_read_swc(Arena *A, Morph *m, const char *file, Span span)
{
    FILE *f = fopen(file, "r");
    if (!f) return arena_printf(A, "cannot open the SWC file '%s': %s", file, strerror(errno));
    Swc w = { .A = A, .m = m, .span = span };
    const char *e = read_points(&w, f, file);
    fclose(f);
    for (int k = 0; !e && k < w.n; k++)    /* parents first, as Brian2's walk from the root */
        if (!w.p[k].dropped) e = three_point_soma(&w, k);
    if (!e) e = sections_from(&w, 0, 0);
    for (int k = 0; k < w.n; k++) free(w.p[k].kids);
    free(w.p);
    return e;
}
