/* SPDX-License-Identifier: MIT */
/* This file contains the .npy reader (see npy.h): it parses the header's
 * Python dict literal strictly enough to refuse anything that is not a
 * plain C-order array of a supported dtype, and checks that the file holds
 * exactly the data the shape promises before any value is read. */
#define _POSIX_C_SOURCE 200809L
#include "npy.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int npy_err(char *err, size_t errlen, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int npy_err(char *err, size_t errlen, const char *path, const char *fmt, ...)
{
    int n = snprintf(err, errlen, "%s: ", path);
    if (n < 0 || (size_t)n >= errlen) return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

/* The value after key 'name': in the dict text, or NULL. */
static const char *dict_value(const char *dict, const char *name)
{
    char key[32];
    snprintf(key, sizeof key, "'%s'", name);
    const char *p = strstr(dict, key);
    if (!p) return NULL;
    p += strlen(key);
    while (*p == ' ') p++;
    if (*p++ != ':') return NULL;
    while (*p == ' ') p++;
    return p;
}

/* Parses "(12, 3)", "(12,)" into a->ndim, rows, cols; -1 if malformed. */
static int parse_shape(NpyFile *a, const char *p)
{
    if (*p++ != '(') return -1;
    size_t dims[3];
    int nd = 0;
    for (;;) {
        while (*p == ' ') p++;
        if (*p == ')') break;
        if (!isdigit((unsigned char)*p) || nd == 3) return -1;
        errno = 0;
        char *end;
        unsigned long long v = strtoull(p, &end, 10);
        if (errno || v > (unsigned long long)SIZE_MAX / 16) return -1;
        dims[nd++] = (size_t)v;
        p = end;
        while (*p == ' ') p++;
        if (*p == ',') p++;
        else if (*p != ')') return -1;
    }
    a->ndim = nd;
    a->rows = nd > 0 ? dims[0] : 0;
    a->cols = nd > 1 ? dims[1] : 1;
    return nd >= 1 && nd <= 2 ? 0 : -2 - nd;
}

int npy_open(NpyFile *a, const char *path, char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    a->f = fopen(path, "rb");
    if (!a->f) return npy_err(err, errlen, path, "cannot open: %s", strerror(errno));
    unsigned char pre[12];
    size_t got = fread(pre, 1, 10, a->f);
    int rc = -1;
    char *dict = NULL;
    if (got < 10 || memcmp(pre, "\x93NUMPY", 6)) {
        npy_err(err, errlen, path, "not a .npy file (it does not start with \\x93NUMPY)");
        goto out;
    }
    if (pre[6] < 1 || pre[6] > 3) {
        npy_err(err, errlen, path, "npy format version %d.%d is not one snnc reads (1.0, 2.0, 3.0)", pre[6], pre[7]);
        goto out;
    }
    size_t hlen = pre[8] | (size_t)pre[9] << 8, start = 10;
    if (pre[6] >= 2) {
        if (fread(pre + 10, 1, 2, a->f) != 2) {
            npy_err(err, errlen, path, "the header is cut short");
            goto out;
        }
        hlen |= (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
        start = 12;
    }
    if (hlen > 1 << 20 || !(dict = malloc(hlen + 1)) || fread(dict, 1, hlen, a->f) != hlen) {
        npy_err(err, errlen, path, "the header (%zu bytes) is cut short or too long", hlen);
        goto out;
    }
    dict[hlen] = 0;
    if (strlen(dict) != hlen || dict[0] != '{' || !strchr(dict, '}')) {
        npy_err(err, errlen, path, "the header is not a Python dict ({'descr': ..., 'fortran_order': ..., "
                "'shape': ...})");
        goto out;
    }
    const char *d = dict_value(dict, "descr"), *fo = dict_value(dict, "fortran_order"),
               *sh = dict_value(dict, "shape");
    if (!d || !fo || !sh) {
        npy_err(err, errlen, path, "the header lacks '%s'", !d ? "descr" : !fo ? "fortran_order" : "shape");
        goto out;
    }
    size_t dl = 0;
    if (*d == '\'') while (d[1 + dl] && d[1 + dl] != '\'') dl++;
    if (*d != '\'' || d[1 + dl] != '\'' || dl >= sizeof a->descr) {
        npy_err(err, errlen, path, "the header's 'descr' is not a simple dtype string");
        goto out;
    }
    memcpy(a->descr, d + 1, dl);
    a->descr[dl] = 0;
    if (!strcmp(a->descr, "<f8") || !strcmp(a->descr, "<i8")) a->itemsize = 8;
    else if (!strcmp(a->descr, "<i4")) a->itemsize = 4;
    else {
        npy_err(err, errlen, path, "dtype '%s' is not one snnc reads ('<f8', '<i4', '<i8')", a->descr);
        goto out;
    }
    if (!strncmp(fo, "True", 4)) {
        npy_err(err, errlen, path, "the array is in Fortran order; snnc reads C order (fortran_order False)");
        goto out;
    }
    if (strncmp(fo, "False", 5)) {
        npy_err(err, errlen, path, "the header's 'fortran_order' is neither True nor False");
        goto out;
    }
    int src = parse_shape(a, sh);
    if (src == -1) {
        npy_err(err, errlen, path, "the header's 'shape' is not a tuple of whole numbers");
        goto out;
    }
    if (src < -1) {
        npy_err(err, errlen, path, "the array has %d dimensions; snnc reads 1 (t, i, rate) or 2 (steps x neurons)",
                -2 - src);
        goto out;
    }
    a->data_off = (long)(start + hlen);
    struct stat st;
    if (fstat(fileno(a->f), &st) != 0) {
        npy_err(err, errlen, path, "cannot stat: %s", strerror(errno));
        goto out;
    }
    char shape[64];
    if (a->ndim == 2) snprintf(shape, sizeof shape, "(%zu, %zu)", a->rows, a->cols);
    else snprintf(shape, sizeof shape, "(%zu,)", a->rows);
    if (a->cols && a->rows > SIZE_MAX / 16 / a->cols) {
        npy_err(err, errlen, path, "the shape %s is too large", shape);
        goto out;
    }
    size_t want = a->rows * a->cols * (size_t)a->itemsize;
    size_t have = (size_t)st.st_size < (size_t)a->data_off ? 0 : (size_t)st.st_size - (size_t)a->data_off;
    if (have != want) {
        npy_err(err, errlen, path, "the shape %s of '%s' needs %zu bytes of data, the file has %zu%s", shape,
                a->descr, want, have, have < want ? " (truncated)" : " (too many)");
        goto out;
    }
    rc = npy_rewind(a);
    if (rc) npy_err(err, errlen, path, "cannot seek: %s", strerror(errno));
out:
    free(dict);
    if (rc) npy_close(a);
    return rc;
}

int npy_read_row(NpyFile *a, double *out, const char *path, char *err, size_t errlen)
{
    if (a->row >= a->rows) return 0;
    unsigned char b[8];
    for (size_t k = 0; k < a->cols; k++) {
        if (fread(b, 1, (size_t)a->itemsize, a->f) != (size_t)a->itemsize)
            return npy_err(err, errlen, path, "read error at row %zu: %s", a->row,
                           ferror(a->f) ? strerror(errno) : "end of file");
        uint64_t u = 0;
        for (int q = a->itemsize; q-- > 0;) u = u << 8 | b[q];     /* little-endian */
        if (a->descr[1] == 'f') {
            double v;
            memcpy(&v, &u, sizeof v);
            out[k] = v;
        } else if (a->itemsize == 4) out[k] = (double)(int32_t)(uint32_t)u;
        else out[k] = (double)(int64_t)u;
    }
    a->row++;
    return 1;
}

int npy_rewind(NpyFile *a)
{
    a->row = 0;
    return fseek(a->f, a->data_off, SEEK_SET) == 0 ? 0 : -1;
}

void npy_close(NpyFile *a)
{
    if (a->f) fclose(a->f);
    a->f = NULL;
}
