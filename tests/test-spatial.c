/* SPDX-License-Identifier: MIT */
/* This file contains the checks of multicompartment neurons (morphology,
 * spatialneurons) against their three kinds of reference:
 *
 *  - Brian2 2.5.1 runs of the same models (tests/brian2/gen_spatial.py,
 *    cython target, data in tests/data/spatial/): every recorded value at
 *    every step, and the spikes.  Measured maxima of |snnc - brian2| over the
 *    column's largest |value|: passive_cable 1.8e-14, hh_axon 8.8e-14
 *    (spikes identical), ball_and_stick 1.2e-9; and the spike times of all
 *    500 compartments of examples/compartmental/hh_axon.snn, identical; a
 *    neuron read from an SWC file (swc_cell: 1.4e-9, its soma again, and the
 *    geometry of every compartment identical to Brian2's); the
 *    ball-and-stick example with synapses on its dendrite (6e-9, spikes
 *    identical).  The last is a soma (whose
 *    axial resistance is tiny, r_length 1 m) at a branch point: the coupling
 *    system is ill-conditioned there, and Brian2's own numpy target differs
 *    from its cython target by the same 1.2e-9.  Bounds: 1e-12 for the two
 *    cables, 1e-8 for the soma model -- all well inside the 1e-6.
 *  - Cable theory, with the tolerances of Brian2's test_spatialneuron.py:
 *    the infinite cable's Green function (6.32 uV), the finite cable's steady
 *    state (1 uV) and Rall's equivalent cylinder (2 uV).
 *  - The Rallpacks (reference solutions in tests/data/spatial/rallpack/,
 *    Brian2's rallpack_data), with Brian2's criteria: relative RMS error
 *    below 0.1 % (Rallpack 2: 0.25 %) and maximum error below 0.5 % of the
 *    trace's range.  Rallpack 3 (250,000 steps of 1000 HH compartments) runs
 *    only with SNN_TEST_RALLPACK3=1 (the slow suite's test-rallpack3).
 *
 * And the morphology's geometry as Brian2's test_construction checks it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snn.h"
#include "test-common.h"

static snn_ctx *load_run(const char *path)
{
    snn_ctx *ctx = snn_new();
    int rc = snn_load_file(ctx, path);
    ck_assert_msg(rc == SNN_OK, "%s: %s", path, snn_errmsg(ctx));
    rc = snn_run_script(ctx);
    ck_assert_msg(rc == SNN_OK, "%s: %s", path, snn_errmsg(ctx));
    return ctx;
}

/* Recorded variable 0 of monitor mon, for recorded index r, at every row. */
static double *trace_of(snn_ctx *ctx, const char *mon, int32_t index, size_t *nrows)
{
    const int64_t *steps;
    const double *vals;
    const int32_t *idx;
    int nidx, nvars;
    ck_assert_int_eq(snn_trace(ctx, mon, &steps, nrows, &vals, &idx, &nidx, &nvars), SNN_OK);
    int r = -1;
    for (int k = 0; k < nidx; k++)
        if (idx[k] == index) r = k;
    ck_assert_msg(r >= 0, "%s does not record %d", mon, index);
    double *out = malloc(sizeof *out * (*nrows + 1));
    for (size_t s = 0; s < *nrows; s++) out[s] = vals[(s * (size_t)nidx + (size_t)r) * (size_t)nvars];
    return out;
}

/* ---- Brian2 runs ---- */

/* Model tests/spatial/NAME.snn against tests/data/spatial/NAME.csv (columns
 * step, v_<index>...): same steps, every value within bound times the
 * column's largest |value|. */
static void check_brian2_of(const char *model, const char *mon, const char *name, double bound)
{
    char ref[256];
    snprintf(ref, sizeof ref, "data/spatial/%s.csv", name);
    snn_ctx *ctx = load_run(test_path(model));
    TestTable want;
    test_read_csv(&want, test_path(ref));
    const int64_t *steps;
    const double *vals;
    const int32_t *idx;
    size_t nrows;
    int nidx, nvars;
    ck_assert_int_eq(snn_trace(ctx, mon, &steps, &nrows, &vals, &idx, &nidx, &nvars), SNN_OK);
    ck_assert_uint_eq(nrows, want.nrows);
    ck_assert_int_eq(nidx, want.ncols - 1);
    for (int c = 1; c < want.ncols; c++) {
        ck_assert_int_eq(idx[c - 1], atoi(want.names[c] + 2));
        double scale = 0, worst = 0;
        for (size_t s = 0; s < nrows; s++) scale = fmax(scale, fabs(test_cell(&want, s, c)));
        for (size_t s = 0; s < nrows; s++) {
            ck_assert_int_eq(steps[s], (int64_t)test_cell(&want, s, 0));
            worst = fmax(worst, fabs(vals[(s * (size_t)nidx + (size_t)(c - 1)) * (size_t)nvars] - test_cell(&want, s, c)));
        }
        ck_assert_msg(worst <= bound * scale, "%s %s: |snnc - brian2| = %.3g, %.3g of the largest value (bound %g)",
                      name, want.names[c], worst, worst / scale, bound);
    }
    test_table_free(&want);
    snn_free(ctx);
}

static void check_brian2(const char *name, double bound)
{
    char model[256];
    snprintf(model, sizeof model, "spatial/%s.snn", name);
    check_brian2_of(model, "M", name, bound);
}

START_TEST(brian2_passive_cable)
{
    check_brian2("passive_cable", 1e-12);
}
END_TEST

START_TEST(brian2_ball_and_stick)
{
    check_brian2("ball_and_stick", 1e-8);
}
END_TEST

START_TEST(brian2_hh_axon)
{
    check_brian2("hh_axon", 1e-12);
    snn_ctx *ctx = load_run(test_path("spatial/hh_axon.snn"));
    const int32_t *idx;
    const int64_t *steps;
    size_t n;
    ck_assert_int_eq(snn_spikes(ctx, "SM", &idx, &steps, &n), SNN_OK);
    ck_assert_uint_gt(n, 0);
    test_check_recorded("hh_axon spikes", idx, steps, n, test_path("data/spatial/hh_axon_spikes.csv"), "i,step");
    snn_free(ctx);
}
END_TEST

/* examples/compartmental/ball_and_stick.snn: an HH soma fired by synapses
 * on the dendrite's tip; the soma's spikes at the same steps, v within
 * 1e-7 of each trace's largest value (measured 6e-9: the soma's
 * conditioning, amplified by the spike). */
START_TEST(brian2_ball_and_stick_synapses)
{
    check_brian2_of("../examples/compartmental/ball_and_stick.snn", "V", "ball_and_stick_synapses", 1e-7);
    snn_ctx *ctx = load_run(test_path("../examples/compartmental/ball_and_stick.snn"));
    const int32_t *idx;
    const int64_t *steps;
    size_t n;
    ck_assert_int_eq(snn_spikes(ctx, "SM", &idx, &steps, &n), SNN_OK);
    ck_assert_uint_eq(n, 2);
    test_check_recorded("ball_and_stick spikes", idx, steps, n,
                        test_path("data/spatial/ball_and_stick_synapses_spikes.csv"), "i,step");
    snn_free(ctx);
}
END_TEST

/* A neuron read from an SWC file (tests/data/spatial/cell.swc): the same
 * compartments with the same geometry as Brian2's from_swc_file (to the last
 * bit, measured), and the same response (the soma bound above). */
START_TEST(brian2_swc_cell)
{
    check_brian2("swc_cell", 1e-8);
    snn_ctx *ctx = load_run(test_path("spatial/swc_cell.snn"));
    TestTable want;
    test_read_csv(&want, test_path("data/spatial/swc_cell_geometry.csv"));
    ck_assert_int_eq(snn_group_size(ctx, "cell"), (int64_t)want.nrows);
    for (int c = 0; c < want.ncols; c++) {
        size_t n;
        const double *got = snn_var(ctx, "cell", want.names[c], &n);
        ck_assert_msg(got != NULL, "no variable %s", want.names[c]);
        for (size_t k = 0; k < n; k++)
            ck_assert_msg(fabs(got[k] - test_cell(&want, k, c)) <= 1e-15 * fabs(test_cell(&want, k, c)),
                          "%s[%zu] = %.17g, Brian2 %.17g", want.names[c], k, got[k], test_cell(&want, k, c));
    }
    test_table_free(&want);
    snn_free(ctx);
}
END_TEST

/* examples/compartmental/hh_axon.snn: the time the spike passes each of
 * 500 compartments, step for step as in Brian2 (so the same velocity). */
START_TEST(brian2_hh_axon_velocity)
{
    snn_ctx *ctx = load_run(test_path("../examples/compartmental/hh_axon.snn"));
    const int32_t *idx;
    const int64_t *steps;
    size_t n;
    ck_assert_int_eq(snn_spikes(ctx, "SM", &idx, &steps, &n), SNN_OK);
    ck_assert_uint_eq(n, 500);
    test_check_recorded("hh_axon example spikes", idx, steps, n, test_path("data/spatial/hh_axon_velocity_spikes.csv"),
                        "i,step");
    snn_free(ctx);
}
END_TEST

/* ---- cable theory ---- */

/* Brian2's test_infinitecable: the response 20 compartments from a short
 * pulse into the middle of a long cable is the Green function of the
 * infinite cable (not exactly: the cable is finite), for t > 0.5 ms. */
START_TEST(infinite_cable_green_function)
{
    snn_ctx *ctx = load_run(test_path("spatial/infinite_cable.snn"));
    size_t n;
    double *v = trace_of(ctx, "M", 230, &n);
    double dt = snn_dt(ctx), d = 1e-6, Cm = 1e-2, gL = 1, Ri = 1, len = 3e-3 / 500;
    double la = sqrt(d / (4 * Ri * gL)), taum = Cm / gL, x = 20 * len, worst = 0;
    ck_assert_uint_eq(n, 3020);
    for (size_t s = 0; s < n; s++) {
        double t = (double)s * dt;
        if (t <= 0.5e-3) continue;
        double tt = t + dt;
        double theory = 1.0 / (la * Cm * M_PI * d) * sqrt(taum / (4 * M_PI * tt)) *
                        exp(-tt / taum - taum / (4 * tt) * (x / la) * (x / la)) * 1e-9 * 0.02e-3;
        worst = fmax(worst, fabs(v[s] - theory));
    }
    ck_assert_msg(worst < 6.32e-6, "largest difference from the Green function %.3g V", worst);
    free(v);
    snn_free(ctx);
}
END_TEST

/* Brian2's test_finitecable: the steady state of a sealed cable. */
START_TEST(finite_cable_steady_state)
{
    snn_ctx *ctx = load_run(test_path("spatial/finite_cable.snn"));
    size_t n, nd;
    double *v = snn_var(ctx, "cable", "v", &n), *x = snn_var(ctx, "cable", "distance", &nd);
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(n, 200);
    double d = 1e-6, Ri = 1.5, gL = 1, L = 300e-6, EL = -0.07;
    double la = sqrt(d / (4 * Ri * gL)), ra = la * 4 * Ri / (M_PI * d * d), worst = 0;
    for (size_t k = 0; k < n; k++)
        worst = fmax(worst, fabs(v[k] - (EL + ra * 0.02e-9 * cosh((L - x[k]) / la) / sinh(L / la))));
    ck_assert_msg(worst < 1e-6, "largest difference from the steady state %.3g V", worst);
    snn_free(ctx);
}
END_TEST

/* Brian2's test_rall: a cylinder with two branches after Rall's 3/2 rule is
 * one equivalent cylinder of l = L0/la + L1/l1 space constants. */
START_TEST(rall_equivalent_cylinder)
{
    snn_ctx *ctx = load_run(test_path("spatial/rall.snn"));
    size_t n, nd;
    double *v = snn_var(ctx, "tree", "v", &n), *x = snn_var(ctx, "tree", "distance", &nd);
    ck_assert_uint_eq(n, 1500);
    double gL = 1, Ri = 1.5, EL = -0.07, I = 0.02e-9, d0 = 1e-6, L0 = 300e-6, d1 = 0.5e-6, L1 = 200e-6;
    double d2 = pow(pow(d0, 1.5) - pow(d1, 1.5), 1.0 / 1.5);
    double la = sqrt(d0 / (4 * Ri * gL)), l1 = sqrt(d1 / (4 * Ri * gL)), l2 = sqrt(d2 / (4 * Ri * gL));
    double ra = la * 4 * Ri / (M_PI * d0 * d0), l = L0 / la + L1 / l1, xend = x[499], worst = 0;
    for (size_t k = 0; k < n; k++) {
        double theory;
        if (k < 500) theory = EL + ra * I * cosh(l - x[k] / la) / sinh(l);
        else theory = EL + ra * I * cosh(l - xend / la - (x[k] - xend) / (k < 1000 ? l1 : l2)) / sinh(l);
        worst = fmax(worst, fabs(v[k] - theory));
    }
    ck_assert_msg(worst < 2e-6, "largest difference from the equivalent cylinder %.3g V", worst);
    /* the space constants of the three cylinders, as Brian2 computes them */
    /* (recorded at 50 ms: at 0 no step has computed the conductance yet) */
    const int64_t *steps;
    const double *rec;
    const int32_t *ridx;
    size_t rows;
    int nidx, nvars;
    ck_assert_int_eq(snn_trace(ctx, "L", &steps, &rows, &rec, &ridx, &nidx, &nvars), SNN_OK);
    ck_assert_uint_eq(rows, 2);
    ck_assert_int_eq(nvars, 2);
    const double *last = rec + (size_t)nidx * (size_t)nvars;
    double lam[3] = { last[0], last[2], last[4] }, want[3] = { la, l1, l2 };
    for (int k = 0; k < 3; k++) {
        ck_assert_msg(fabs(lam[k] - want[k]) <= 1e-7 * want[k], "space constant %d: %.17g, want %.17g", k, lam[k], want[k]);
        ck_assert_double_eq_tol(last[2 * k + 1], 1e-2 / gL, 1e-15);
    }
    snn_free(ctx);
}
END_TEST

/* ---- Rallpacks ---- */

/* Brian2's criteria for one trace against a reference file (time, value
 * columns, every step-th row). */
static void check_rallpack(const double *v, size_t n, const char *ref, int step, double dt, double rms_pct)
{
    FILE *f = fopen(test_path(ref), "r");
    ck_assert_msg(f != NULL, "cannot open %s", ref);
    double *rv = malloc(sizeof *rv * (n + 1));
    size_t rows = 0, line = 0;
    double t, x;
    while (fscanf(f, "%lf %lf", &t, &x) == 2) {
        if (line++ % (size_t)step) continue;
        ck_assert_uint_lt(rows, n + 1);
        ck_assert_msg(fabs(t - (double)rows * dt) < 1e-9, "%s: row %zu is t = %g", ref, rows, t);
        rv[rows++] = x;
    }
    fclose(f);
    ck_assert_uint_eq(rows, n);
    double lo = rv[0], hi = rv[0], sum = 0, mx = 0;
    for (size_t k = 0; k < n; k++) {
        lo = fmin(lo, rv[k]), hi = fmax(hi, rv[k]);
        double sq = (rv[k] - v[k]) * (rv[k] - v[k]);
        sum += sq;
        mx = fmax(mx, sq);
    }
    double scale = hi - lo, rms = 100 * sqrt(sum / (double)n) / scale, maxrel = 100 * sqrt(mx) / scale;
    fprintf(stderr, "%s: relative RMS error %.4f %%, maximum %.4f %%\n", ref, rms, maxrel);
    ck_assert_msg(rms < rms_pct && maxrel < 0.5, "%s: relative RMS error %.4f %% (bound %g), maximum %.4f %% (bound 0.5)",
                  ref, rms, rms_pct, maxrel);
    free(rv);
}

START_TEST(rallpack1_passive_cable)
{
    snn_ctx *ctx = load_run(test_path("spatial/rallpack1.snn"));
    size_t n;
    double *v0 = trace_of(ctx, "M", 0, &n), *vx = trace_of(ctx, "M", 999, &n);
    ck_assert_uint_eq(n, 5001);
    check_rallpack(v0, n, "data/spatial/rallpack/ref_cable.0", 1, 0.05e-3, 0.1);
    check_rallpack(vx, n, "data/spatial/rallpack/ref_cable.x", 1, 0.05e-3, 0.1);
    free(v0), free(vx);
    snn_free(ctx);
}
END_TEST

/* Rallpack 2's binary tree of 10 levels (1023 sections of one compartment,
 * each level's diameter 2^(-1/3) and length 2^(-2/3) of its parent's), as
 * Brian2's test_rallpack2 builds it; written as a model file, depth first. */
static void tree_lines(FILE *f, char *path, int depth, const double *diam, const double *len)
{
    if (depth == 10) return;
    size_t at = strlen(path);
    for (int side = 0; side < 2; side++) {
        sprintf(path + at, "%s%c", at ? "." : "", side ? 'R' : 'L');
        fprintf(f, "    %s = Cylinder(n=1, diameter=%.17g*meter, length=%.17g*meter)\n", path, diam[depth], len[depth]);
        tree_lines(f, path, depth + 1, diam, len);
        path[at] = 0;
    }
}

START_TEST(rallpack2_branched_cable)
{
    char *dir = test_tmpdir(), model[600], path[64] = "";
    snprintf(model, sizeof model, "%s/rallpack2.snn", dir);
    FILE *f = fopen(model, "w");
    ck_assert_ptr_nonnull(f);
    double diam[10], len[10];
    diam[0] = 32e-6, len[0] = 16e-6;
    for (int k = 1; k < 10; k++) {
        diam[k] = diam[k - 1] / pow(2.0, 1.0 / 3.0);
        len[k] = len[k - 1] / pow(2.0, 2.0 / 3.0);
    }
    fprintf(f, "dt = 0.1*ms\ngL = 1.0/(40000*ohm*cm**2)\nEL = -65*mV\n"
               "morphology M = Cylinder(n=1, diameter=32*um, y=[0, 16]*um) {\n");
    tree_lines(f, path, 1, diam, len);
    fprintf(f, "}\nspatialneurons tree(morphology=M) {\n"
               "    model {\n        Im = gL*(EL - v) : amp/meter**2\n        I : amp (point current, constant)\n    }\n"
               "    Cm: 1*uF/cm**2\n    Ri: 100*ohm*cm\n    method: rk4\n"
               "    init {\n        v = EL\n        I = 0.1*nA*(i == 0)\n    }\n}\n"
               "statemonitor M(tree.v, record=[0, 9, 1022], when=start, dt=0.1*ms)\nrun 250.1*ms\n");
    fclose(f);
    snn_ctx *ctx = load_run(model);
    ck_assert_int_eq(snn_group_size(ctx, "tree"), 1023);
    size_t n;
    double *v0 = trace_of(ctx, "M", 0, &n), *va = trace_of(ctx, "M", 9, &n), *vb = trace_of(ctx, "M", 1022, &n);
    ck_assert_uint_eq(n, 2501);
    for (size_t k = 0; k < n; k++)      /* every end of the symmetric tree is the same */
        ck_assert_msg(fabs(va[k] - vb[k]) <= 1e-9 * fabs(va[k]), "row %zu: ends at %.17g and %.17g", k, va[k], vb[k]);
    check_rallpack(v0, n, "data/spatial/rallpack/ref_branch.0", 2, 0.1e-3, 0.25);
    check_rallpack(va, n, "data/spatial/rallpack/ref_branch.x", 2, 0.1e-3, 0.25);
    free(v0), free(va), free(vb);
    snn_free(ctx);
    test_remove_tmpdir(dir);
}
END_TEST

START_TEST(rallpack3_hh_axon)
{
    snn_ctx *ctx = load_run(test_path("spatial/rallpack3.snn"));
    size_t n;
    double *v0 = trace_of(ctx, "M", 0, &n), *vx = trace_of(ctx, "M", 999, &n);
    ck_assert_uint_eq(n, 5001);
    check_rallpack(v0, n, "data/spatial/rallpack/ref_axon.0.neuron", 1, 0.05e-3, 0.1);
    check_rallpack(vx, n, "data/spatial/rallpack/ref_axon.x.neuron", 1, 0.05e-3, 0.1);
    free(v0), free(vx);
    snn_free(ctx);
}
END_TEST

/* ---- geometry ---- */

/* Brian2's test_construction: compartment distances along a small tree
 * (soma, L with L.L and L.R, right with right.nextone), in Brian2's order. */
START_TEST(morphology_distances)
{
    char *dir = test_tmpdir(), model[600];
    snprintf(model, sizeof model, "%s/tree.snn", dir);
    FILE *f = fopen(model, "w");
    fputs("morphology M = Soma(diameter=30*um) {\n"
          "    L = Cylinder(length=10*um, diameter=1*um, n=10)\n"
          "    L.L = Cylinder(length=5*um, diameter=2*um, n=5)\n"
          "    L.R = Cylinder(length=5*um, diameter=2*um, n=10)\n"
          "    right = Cylinder(length=3*um, diameter=1*um, n=7)\n"
          "    right.nextone = Cylinder(length=2*um, diameter=1*um, n=3)\n"
          "}\n"
          "spatialneurons G(morphology=M) { model { Im = 0*amp/meter**2 : amp/meter**2 } }\n"
          "run 0.1*ms\n", f);
    fclose(f);
    snn_ctx *ctx = load_run(model);
    size_t n;
    const double *x = snn_var(ctx, "G", "distance", &n), *len = snn_var(ctx, "G", "length", &n);
    const double *area = snn_var(ctx, "G", "area", &n);
    ck_assert_uint_eq(n, 36);
    double want[36] = { 0 };
    for (int k = 0; k < 10; k++) want[1 + k] = (0.5 + k) * 1e-6;
    for (int k = 0; k < 5; k++) want[11 + k] = (10 + 0.5 + k) * 1e-6;
    for (int k = 0; k < 10; k++) want[16 + k] = (10 + 0.25 + k * 0.5) * 1e-6;
    for (int k = 0; k < 7; k++) want[26 + k] = (0.5 + k) * 3.0 / 7.0 * 1e-6;
    for (int k = 0; k < 3; k++) want[33 + k] = 3e-6 + (0.5 + k) * 2.0 / 3.0 * 1e-6;
    for (int k = 0; k < 36; k++)
        ck_assert_msg(fabs(x[k] - want[k]) <= 1e-7 * fmax(want[k], 1e-6), "distance[%d] = %.17g, want %.17g", k, x[k], want[k]);
    ck_assert_double_eq_tol(area[0], M_PI * 30e-6 * 30e-6, 1e-24);
    ck_assert_double_eq_tol(len[0], 30e-6, 1e-18);
    ck_assert_double_eq_tol(area[1], M_PI * 1e-6 * 1e-6, 1e-24);
    snn_free(ctx);
    test_remove_tmpdir(dir);
}
END_TEST

/* Coordinates: a section's points are relative to its parent's end (a
 * Soma's own point), x, y, z are the compartments' midpoints and the
 * length follows from them, as in Brian2. */
START_TEST(morphology_coordinates)
{
    char *dir = test_tmpdir(), model[600];
    snprintf(model, sizeof model, "%s/coords.snn", dir);
    FILE *f = fopen(model, "w");
    fputs("morphology M = Soma(diameter=10*um, x=5*um) {\n"
          "    a = Cylinder(n=2, diameter=1*um, x=[0, 20]*um, y=[0, 10]*um)\n"
          "    a.b = Section(n=1, diameter=[1, 0.5]*um, z=[0, 3]*um)\n"
          "}\n"
          "spatialneurons G(morphology=M) { model { Im = 0*amp/meter**2 : amp/meter**2 } }\n"
          "run 0.1*ms\n", f);
    fclose(f);
    snn_ctx *ctx = load_run(model);
    size_t n;
    const double *x = snn_var(ctx, "G", "x", &n), *y = snn_var(ctx, "G", "y", &n), *z = snn_var(ctx, "G", "z", &n);
    const double *len = snn_var(ctx, "G", "length", &n), *area = snn_var(ctx, "G", "area", &n);
    const double *d = snn_var(ctx, "G", "diameter", &n);
    ck_assert_uint_eq(n, 4);
    double wx[4] = { 5e-6, 10e-6, 20e-6, 25e-6 }, wy[4] = { 0, 2.5e-6, 7.5e-6, 10e-6 }, wz[4] = { 0, 0, 0, 1.5e-6 };
    for (int k = 0; k < 4; k++) {
        ck_assert_double_eq_tol(x[k], wx[k], 1e-18);
        ck_assert_double_eq_tol(y[k], wy[k], 1e-18);
        ck_assert_double_eq_tol(z[k], wz[k], 1e-18);
    }
    ck_assert_double_eq_tol(len[1], sqrt(125.0) * 1e-6, 1e-18);
    ck_assert_double_eq_tol(len[3], 3e-6, 1e-18);
    ck_assert_double_eq_tol(d[3], 0.75e-6, 1e-18);
    /* a truncated cone: pi/2 (d1 + d2) sqrt((d1 - d2)^2/4 + l^2) */
    ck_assert_double_eq_tol(area[3], M_PI / 2 * 1.5e-6 * sqrt(0.0625e-12 + 9e-12), 1e-24);
    snn_free(ctx);
    test_remove_tmpdir(dir);
}
END_TEST

/* Cm changed between runs: the solver's matrix follows (it is cached while
 * Cm and the geometry stay the same).  One step with Cm = 1 uF/cm^2, then
 * Cm = 2 uF/cm^2 and v back to rest: the next 200 steps must be those of a
 * model that had 2 uF/cm^2 from the start (the passive cable does not
 * depend on t). */
START_TEST(cm_change_between_runs)
{
    char *text = test_read_file(test_path("spatial/finite_cable.snn"), NULL);
    snn_ctx *a = snn_new(), *b = snn_new();
    ck_assert_int_eq(snn_load_string(a, text, strlen(text), "a.snn"), SNN_OK);
    char *t2 = malloc(strlen(text) + 1);
    strcpy(t2, text);
    char *cm = strstr(t2, "Cm: 1*uF");
    ck_assert_ptr_nonnull(cm);
    cm[4] = '2';
    ck_assert_int_eq(snn_load_string(b, t2, strlen(t2), "b.snn"), SNN_OK);
    ck_assert_int_eq(snn_build(a), SNN_OK);
    ck_assert_int_eq(snn_build(b), SNN_OK);
    ck_assert_int_eq(snn_run_steps(a, 1), SNN_OK);
    double el = -0.07;
    size_t nb;
    const double *cm2 = snn_var(b, "cable", "Cm", &nb);    /* 2*uF/cm**2 as b computed it */
    ck_assert_int_eq(snn_set_var(a, "cable", "Cm", cm2, nb), SNN_OK);
    ck_assert_int_eq(snn_set_var(a, "cable", "v", &el, 1), SNN_OK);
    ck_assert_int_eq(snn_run_steps(a, 200), SNN_OK);
    ck_assert_int_eq(snn_run_steps(b, 200), SNN_OK);
    size_t n;
    const double *va = snn_var(a, "cable", "v", &n), *vb = snn_var(b, "cable", "v", &n);
    for (size_t k = 0; k < n; k++) ck_assert_msg(va[k] == vb[k], "v[%zu]: %.17g against %.17g", k, va[k], vb[k]);
    ck_assert_double_ne(va[0], el);
    free(t2);
    free(text);
    snn_free(a);
    snn_free(b);
}
END_TEST

/* Bad SWC files: the error names the file and line and what is wrong. */
static void swc_error(const char *swc, const char *want)
{
    char *dir = test_tmpdir(), file[600], model[700];
    snprintf(file, sizeof file, "%s/cell.swc", dir);
    FILE *f = fopen(file, "w");
    fputs(swc, f);
    fclose(f);
    snprintf(model, sizeof model, "morphology M = swc(\"%s\")\n", file);
    snn_ctx *ctx = snn_new();
    ck_assert_int_ne(snn_load_string(ctx, model, strlen(model), "swc.snn"), SNN_OK);
    ck_assert_msg(strstr(snn_errmsg(ctx), want) != NULL, "got '%s', want '%s'", snn_errmsg(ctx), want);
    snn_free(ctx);
    test_remove_tmpdir(dir);
}

START_TEST(swc_errors)
{
    swc_error("1 1 0 0 0 5 -1\n2 3 0 5 0 1 7\n", "cell.swc:2: there is no point 7 (the parent of point 2) before this line");
    swc_error("# header\n1 1 0 0 0 5 -1\n2 3 0 5 0 1\n", "cell.swc:3: a line of an SWC file has 7 entries");
    swc_error("1 1 0 0 0 5 -1\n1 3 0 5 0 1 1\n", "cell.swc:2: two points with index 1");
    swc_error("1 1 0 0 0 5 -1\n2 3 0 x 0 1 1\n", "cell.swc:2: 'x' is not a number");
    swc_error("1 1 0 0 0 5 -1\n2 1 0 -5 0 5 1\n3 1 0 4 0 5 1\n", "a 3-point soma (points 1, 2, 3) needs its second and third points one radius");
    swc_error("# nothing\n", "has no points");
}
END_TEST

/* ---- Sections: Brian2's neuron.dend, morpho.dend[150*um] ---- */

/* tests/spatial/sections.snn: synapses onto cell.dend[150*um] and monitors
 * of sections, against Brian2: measured 1.5e-9 of the largest value, the
 * soma's conditioning as in ball_and_stick, so its bound 1e-8. */
START_TEST(brian2_sections)
{
    check_brian2_of("spatial/sections.snn", "M", "sections", 1e-8);
    check_brian2_of("spatial/sections.snn", "MS", "sections_synapse", 1e-8);
    /* the monitor of a section records its compartments relative to it */
    snn_ctx *ctx = load_run(test_path("spatial/sections.snn"));
    size_t n;
    double *a = trace_of(ctx, "L", 2, &n), *b = trace_of(ctx, "M", 33, &n);
    for (size_t s = 0; s < n; s++) ck_assert_double_eq(a[s], b[s]);
    free(a);
    free(b);
    snn_free(ctx);
}
END_TEST

/* The model of sections.snn up to its synapses, and one more line. */
static snn_ctx *load_sections(const char *line, int *rc)
{
    size_t len;
    char *src = test_read_file(test_path("spatial/sections.snn"), &len);
    char *cut = strstr(src, "spikegenerator");
    ck_assert_ptr_nonnull(cut);
    *cut = 0;
    char *model = malloc(strlen(src) + strlen(line) + 2);
    sprintf(model, "%s%s\n", src, line);
    snn_ctx *ctx = snn_new();
    *rc = snn_load_string(ctx, model, strlen(model), "sections.snn");
    free(model);
    free(src);
    return ctx;
}

/* Every address of tests/data/spatial/sections_index.csv names the
 * compartments Brian2 gives it (record= of a monitor of the whole cell). */
START_TEST(section_indices_as_brian2)
{
    size_t len;
    char *csv = test_read_file(test_path("data/spatial/sections_index.csv"), &len);
    int rows = 0;
    for (char *line = strtok(csv, "\n"); line; line = strtok(NULL, "\n")) {
        char addr[128];
        int start, stop;
        char *comma = strchr(line, ',');
        if (!comma || sscanf(comma + 1, "%d,%d", &start, &stop) != 2) continue;   /* header */
        snprintf(addr, sizeof addr, "%.*s", (int)(comma - line), line);
        char mon[256];
        snprintf(mon, sizeof mon, "statemonitor X(cell.v, record=%s)\nrun 0.02*ms", addr);
        int rc;
        snn_ctx *ctx = load_sections(mon, &rc);
        ck_assert_msg(rc == SNN_OK, "%s: %s", addr, snn_errmsg(ctx));
        ck_assert_int_eq(snn_run_script(ctx), SNN_OK);
        const int64_t *steps;
        const double *vals;
        const int32_t *idx;
        size_t nrows;
        int nidx, nvars;
        ck_assert_int_eq(snn_trace(ctx, "X", &steps, &nrows, &vals, &idx, &nidx, &nvars), SNN_OK);
        ck_assert_msg(nidx == stop - start, "%s: %d compartments, Brian2 %d", addr, nidx, stop - start);
        for (int k = 0; k < nidx; k++) ck_assert_msg(idx[k] == start + k, "%s: compartment %d, Brian2 %d", addr,
                                                     idx[k], start + k);
        snn_free(ctx);
        rows++;
    }
    ck_assert_int_eq(rows, 16);
    free(csv);
}
END_TEST

/* A Poisson input to cell.dend[150*um] drives compartment 16 alone, as
 * the same input to cell[16] does. */
START_TEST(section_poissoninput)
{
    const char *lines[2] = { "poissoninput P(cell.dend[150*um].gs, N=10, rate=1000*Hz, weight=1*nS)\n"
                             "statemonitor X(cell.gs, record=[15, 16, 17])\nrun 2*ms",
                             "poissoninput P(cell[16].gs, N=10, rate=1000*Hz, weight=1*nS)\n"
                             "statemonitor X(cell.gs, record=[15, 16, 17])\nrun 2*ms" };
    double *gs[2][3];
    size_t n = 0;
    for (int k = 0; k < 2; k++) {
        int rc;
        snn_ctx *ctx = load_sections(lines[k], &rc);
        ck_assert_msg(rc == SNN_OK, "%s", snn_errmsg(ctx));
        ck_assert_int_eq(snn_run_script(ctx), SNN_OK);
        for (int c = 0; c < 3; c++) gs[k][c] = trace_of(ctx, "X", 15 + c, &n);
        snn_free(ctx);
    }
    ck_assert_uint_eq(n, 200);
    ck_assert_double_gt(gs[0][1][n - 1], 0);
    for (size_t s = 0; s < n; s++) {
        ck_assert_double_eq(gs[0][0][s], 0);
        ck_assert_double_eq(gs[0][2][s], 0);
        for (int c = 0; c < 3; c++) ck_assert_double_eq(gs[0][c][s], gs[1][c][s]);
    }
    for (int k = 0; k < 2; k++)
        for (int c = 0; c < 3; c++) free(gs[k][c]);
}
END_TEST

/* Bad addresses: a located error saying what is wrong. */
static void section_error(const char *line, const char *want)
{
    int rc;
    snn_ctx *ctx = load_sections(line, &rc);
    ck_assert_int_ne(rc, SNN_OK);
    ck_assert_msg(strstr(snn_errmsg(ctx), want) != NULL, "got '%s', want '%s'", snn_errmsg(ctx), want);
    snn_free(ctx);
}

START_TEST(section_errors)
{
    section_error("statemonitor X(cell.v, record=cell.dendx)", "sections.snn:25:36: error: cell has no section "
                  "'dendx'; did you mean 'dend'?");
    section_error("statemonitor X(cell.dend.R.v)", "cell has no section 'dend.R'; did you mean 'dend.L'?");
    section_error("statemonitor X(cell.v, record=cell.dend[350*um])", "25:41: error: 350*um is not on section "
                  "'dend', which is 300 um long: a distance must be between 0*um and 300*um");
    section_error("statemonitor X(cell.v, record=cell.axon[-1*um])", "is not on section 'axon'");
    section_error("statemonitor X(cell.v, record=cell.dend[5*ms])", "must have unit metre");
    section_error("statemonitor X(cell.v, record=cell.dend[20*um:10*um])", "holds no compartment of section 'dend'");
    section_error("statemonitor X(cell.v, record=cell.dend[40])", "index 40 is outside");
    section_error("spikegenerator g(1, indices=[0], times=[1]*ms)\nsynapses S(g -> g.dend) { on_pre: v_post += 0*mV }",
                  "only a spatialneurons group has sections, and g is not one");
    section_error("statemonitor X(cell.dend[0:3].v, record=cell.axon)", "names compartments outside cell.dend[0:3]");
}
END_TEST

/* run.json gives each recorded compartment's distance and section (the
 * distances are Brian2's neuron.distance of dend.L, written %.17g). */
START_TEST(run_json_distances)
{
    snn_ctx *ctx = load_run(test_path("spatial/sections.snn"));
    char *dir = test_tmpdir(), file[600];
    ck_assert_int_eq(snn_write_run(ctx, dir, NULL, 0), SNN_OK);
    snprintf(file, sizeof file, "%s/run.json", dir);
    size_t len;
    char *json = test_read_file(file, &len);
    char *l = strstr(json, "\"name\": \"L\"");
    ck_assert_ptr_nonnull(l);
    ck_assert_ptr_nonnull(strstr(l, "\"distance\": [0.0003062500000000001, 0.00031875000000000013, "
                                    "0.00033125000000000011, 0.00034375000000000014, 0.00035625000000000012, "
                                    "0.0003687500000000001, 0.00038125000000000013, 0.00039375000000000017], "
                                    "\"section\": [\"dend.L\", \"dend.L\", \"dend.L\", \"dend.L\", \"dend.L\", "
                                    "\"dend.L\", \"dend.L\", \"dend.L\"]"));
    char *ms = strstr(json, "\"name\": \"MS\"");
    ck_assert_ptr_nonnull(ms);
    ck_assert_ptr_nonnull(strstr(ms, "\"record\": [16], \"distance\": [0.00015499999999999997], "
                                     "\"section\": [\"dend\"]"));
    free(json);
    test_remove_tmpdir(dir);
    snn_free(ctx);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("spatial");
    TCase *tc = tcase_create("spatial");
    tcase_set_timeout(tc, 300);
    if (getenv("SNN_TEST_RALLPACK3")) {
        tcase_add_test(tc, rallpack3_hh_axon);
    } else {
        tcase_add_test(tc, morphology_distances);
        tcase_add_test(tc, morphology_coordinates);
        tcase_add_test(tc, brian2_passive_cable);
        tcase_add_test(tc, brian2_ball_and_stick);
        tcase_add_test(tc, brian2_hh_axon);
        tcase_add_test(tc, brian2_hh_axon_velocity);
        tcase_add_test(tc, brian2_swc_cell);
        tcase_add_test(tc, brian2_ball_and_stick_synapses);
        tcase_add_test(tc, swc_errors);
        tcase_add_test(tc, brian2_sections);
        tcase_add_test(tc, section_indices_as_brian2);
        tcase_add_test(tc, section_errors);
        tcase_add_test(tc, section_poissoninput);
        tcase_add_test(tc, run_json_distances);
        tcase_add_test(tc, cm_change_between_runs);
        tcase_add_test(tc, infinite_cable_green_function);
        tcase_add_test(tc, finite_cable_steady_state);
        tcase_add_test(tc, rall_equivalent_cylinder);
        tcase_add_test(tc, rallpack1_passive_cable);
        tcase_add_test(tc, rallpack2_branched_cable);
    }
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
