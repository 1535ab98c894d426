/* SPDX-License-Identifier: MIT */
/* This file contains the smoothing of population rates with Brian2's
 * windows (see smooth.h), computed in the same order of operations as
 * Brian2's ratemonitor.py so the numbers agree to rounding. */
#include "smooth.h"

#include <math.h>
#include <stdlib.h>

#define SMOOTH_MAX_WINDOW 100000000.0

size_t smooth_window(int kind, double width, double dt, double **out)
{
    *out = NULL;
    if (!(width > 0) || !(dt > 0) || !isfinite(width) || !isfinite(dt)) return 0;
    double half;                                 /* the window is -half..half */
    if (kind == SMOOTH_GAUSSIAN) half = nearbyint(2 * width / dt);   /* np.round: half to even */
    else if (kind == SMOOTH_FLAT) half = floor(width / 2 / dt);      /* int() of a positive number */
    else return 0;
    if (!(2 * half + 1 <= SMOOTH_MAX_WINDOW)) return 0;
    size_t k = 2 * (size_t)half + 1;
    double *w = malloc(sizeof *w * k);
    if (!w) return 0;
    double sigma = width / dt, denom = 2 * (sigma * sigma), sum = 0;
    for (size_t q = 0; q < k; q++) {
        double x = (double)q - half;
        w[q] = kind == SMOOTH_GAUSSIAN ? exp(-(x * x) * 1. / denom) : 1.0;
    }
    for (size_t q = 0; q < k; q++) sum += w[q];  /* Python's sum(): left to right */
    for (size_t q = 0; q < k; q++) w[q] = w[q] * 1. / sum;
    *out = w;
    return k;
}

void smooth_convolve(const double *rate, size_t n, const double *w, size_t k, double *out)
{
    size_t h = (k - 1) / 2;
    for (size_t i = 0; i < n; i++) {
        /* rate index m = i + h - j must lie in 0..n-1 */
        size_t jlo = i + h >= n ? i + h - (n - 1) : 0, jhi = i + h < k - 1 ? i + h : k - 1;
        double s = 0;
        for (size_t j = jlo; j <= jhi; j++) s += rate[i + h - j] * w[j];
        out[i] = s;
    }
}

int smooth_rate(const double *rate, size_t n, double dt, int kind, double width, double *out)
{
    double *w;
    size_t k = smooth_window(kind, width, dt, &w);
    if (!k) return -1;
    smooth_convolve(rate, n, w, k, out);
    free(w);
    return 0;
}

const char *smooth_name(int kind)
{
    return kind == SMOOTH_GAUSSIAN ? "gaussian" : kind == SMOOTH_FLAT ? "flat" : NULL;
}
