/* SPDX-License-Identifier: MIT */
/* This file declares neuron morphologies as Brian2 defines them (Soma,
 * Cylinder, Section, trees of named sections, SWC files) and their flat form,
 * the cable: every compartment's geometry in Brian2's order (depth first,
 * children in the order they were attached) and the section tree that the
 * cable solver of a spatialneurons group needs. */
#ifndef SNN_MORPHOLOGY_H
#define SNN_MORPHOLOGY_H

#include <stdbool.h>

#include "arena.h"
#include "ast.h"

typedef struct Sym Sym;

/* One unbranched section: a Soma (one compartment) or a Section/Cylinder of
 * n compartments.  Arrays have n values, in SI units; the coordinates are
 * absolute (NULL when the section has none). */
typedef struct MorphSection {
    const char *path;           /* "" for the root, "dend", "dend.L" */
    Span        span;
    int         parent;         /* index in Morph.secs, -1 for the root */
    int         n;
    bool        soma;
    double     *length, *distance, *area, *volume, *diameter, *r_length_1, *r_length_2;
    double     *x, *y, *z;      /* midpoints, or NULL */
    double      end_distance;
    bool        has_end;        /* end_x/y/z hold the end point of the last compartment */
    double      end_x, end_y, end_z;
} MorphSection;

typedef struct Morph {
    const char   *name;
    Span          span;
    MorphSection *secs;         /* parents before their children */
    int           nsecs;
} Morph;

/* The arguments of one section, in SI units.  diam has ndiam values (1 for
 * Soma and Cylinder, n+1 for Section); length has nlength values (0: given
 * by coordinates; Cylinder: 1, the total length; Section: n); x, y, z have
 * ncoord values each or are NULL (Cylinder: 2, start and end; Section: n+1;
 * Soma: 1), relative to the parent's end except for a Soma. */
typedef struct MorphArgs {
    int     kind;               /* MS_SOMA, MS_CYLINDER, MS_SECTION */
    int     n;
    double *diam;
    int     ndiam;
    double *length;
    int     nlength;
    double *x, *y, *z;
    int     ncoord;
} MorphArgs;
enum { MS_SOMA, MS_CYLINDER, MS_SECTION };

/* Add a section below parent (-1: the root) with Brian2's geometry; returns
 * its index.  The arguments must already be checked (morph_check_args). */
int morph_add(Arena *A, Morph *m, const char *path, Span span, int parent, const MorphArgs *a);
/* What is wrong with the arguments (a static message), or NULL. */
const char *morph_check_args(const MorphArgs *a);
/* The index of the section at path, or -1. */
int morph_find(const Morph *m, const char *path);

/* Read an SWC file into m as Brian2's Morphology.from_swc_file does (see
 * morph_swc.c); sections get the paths L, R (1, 2, ... past two children)
 * from the root.  Returns NULL, or a message (in A) that names the file and
 * line of the problem. */
const char *morph_read_swc(Arena *A, Morph *m, const char *file, Span span);

/* The flat cable of a spatialneurons group: compartments in Brian2's order,
 * the section tree as Brian2's FlatMorphology holds it, and the variables the
 * solver reads and writes (set by sema_spatial.c). */
typedef struct Cable {
    int      n;                 /* compartments */
    int      nsec;              /* sections */
    double  *length, *distance, *area, *volume, *diameter, *r_length_1, *r_length_2;
    double  *x, *y, *z;         /* NULL unless every section has coordinates (Brian2
                                   stores NaN for those without; snnc has no x then) */
    const char **sec_path;      /* per section, flat order */
    int     *starts, *ends;     /* compartments [starts, ends) of each section */
    int     *parent_i;          /* parent section + 1 (0: the virtual root) */
    int     *idxchild;          /* position among its parent's children */
    int     *children_num;      /* nsec + 1: children of the root (0) and of each section (k + 1) */
    int     *children;          /* (nsec + 1) x maxchild: their indices + 1 */
    int      maxchild;
    double   Ri;                /* axial resistivity, ohm*meter */
    Sym     *v, *Cm, *area_var, *r1_var, *r2_var, *gtot, *I0, *Ic, *Im;
} Cable;

Cable *morph_flatten(Arena *A, const Morph *m);

#endif
