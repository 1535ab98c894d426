/* SPDX-License-Identifier: MIT */
/* This file declares the smoothing of population rates as Brian2's
 * PopulationRateMonitor.smooth_rate(window, width) does it: a Gaussian or
 * flat window sampled at the monitor's dt, normalised to sum 1, convolved
 * with the rate (numpy's mode 'same').  It needs nothing but libm, so the
 * plotter and the outputs can both use it. */
#ifndef SNN_SMOOTH_H
#define SNN_SMOOTH_H

#include <stddef.h>

enum { SMOOTH_NONE, SMOOTH_GAUSSIAN, SMOOTH_FLAT, SMOOTH_LIST };   /* SMOOTH_LIST: a window of given values */

/* The window of kind SMOOTH_GAUSSIAN or SMOOTH_FLAT for width seconds at
 * sampling step dt, as Brian2 2.5 builds it:
 *   gaussian: W = round(2*width/dt) (half to even), w[k] = exp(-k^2 /
 *             (2*(width/dt)^2)) for k = -W..W (width is the standard
 *             deviation; the window spans 4*width + dt);
 *   flat:     int(width/2/dt)*2 + 1 ones (width rounded down to an odd
 *             number of steps);
 * each divided by the sum of the window.  Returns the number of values
 * (odd, >= 1) in a new array *out, or 0 when width or dt is not a positive
 * finite number, kind is unknown, the window would have more than 10^8
 * values, or memory runs out. */
size_t smooth_window(int kind, double width, double dt, double **out);

/* rate[0..n-1] convolved with the window w[0..k-1] (k odd), centred:
 * out[i] = sum_j rate[i + (k-1)/2 - j] * w[j] over the j that fall inside
 * the rate (the zero padding of numpy's mode 'same').  For n >= k this is
 * np.convolve(rate, w, mode='same'); for n < k numpy returns k values and
 * this the n centred on the rate's own samples.  out must not alias rate. */
void smooth_convolve(const double *rate, size_t n, const double *w, size_t k, double *out);

/* smooth_window then smooth_convolve: Brian2's smooth_rate.  Returns 0, or
 * -1 (out untouched) when smooth_window fails. */
int smooth_rate(const double *rate, size_t n, double dt, int kind, double width, double *out);

/* The name of a kind: "gaussian", "flat" (NULL for others). */
const char *smooth_name(int kind);

#endif
