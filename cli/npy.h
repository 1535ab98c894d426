/* SPDX-License-Identifier: MIT */
/* This file declares a reader of numpy .npy files (format versions 1.0,
 * 2.0, 3.0) as snnc's outputs write them: C-order arrays of one or two
 * dimensions of little-endian float64 ('<f8'), int32 ('<i4') or int64
 * ('<i8').  The header is checked (magic, version, dict, dtype, order,
 * shape, file size) and every problem is reported with the file's name. */
#ifndef SNN_NPY_H
#define SNN_NPY_H

#include <stdio.h>
#include <stddef.h>

typedef struct NpyFile {
    FILE  *f;
    char   descr[8];        /* "<f8", "<i4", "<i8" */
    int    itemsize;
    int    ndim;            /* 1 or 2 */
    size_t rows, cols;      /* cols is 1 for a one-dimensional array */
    long   data_off;        /* where the data start */
    size_t row;             /* next row read_row returns */
} NpyFile;

/* Opens path and checks it.  Returns 0, or -1 with err = "PATH: what is
 * wrong (what would be right)". */
int npy_open(NpyFile *a, const char *path, char *err, size_t errlen);
/* Reads the next row (cols values) as doubles.  Returns 1, 0 after the last
 * row, or -1 with err set (a read error). */
int npy_read_row(NpyFile *a, double *out, const char *path, char *err, size_t errlen);
/* Back to the first row; -1 when the file cannot seek. */
int npy_rewind(NpyFile *a);
void npy_close(NpyFile *a);

#endif
