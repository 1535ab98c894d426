/* SPDX-License-Identifier: MIT */
/* This file contains the CSV line reader (see csv.h): it reads a file chunk
 * by chunk, so neither the length of a line nor its number of fields is
 * limited, while a file that is not text (a NUL byte), not a regular file
 * or a pipe, or larger than its reader allows is refused with bounded
 * memory. */
#define _POSIX_C_SOURCE 200809L
#include "csv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Fail with errno e and message why; returns -1. */
static int fail(CsvReader *r, int e, const char *why)
{
    r->why = why;
    errno = e;
    return -1;
}

/* "it is larger than ..." for r's limit (kept in r). */
static const char *too_large(CsvReader *r)
{
    if (r->max == CSV_MAX_BYTES) return "it is larger than 1 GiB";
    snprintf(r->why_buf, sizeof r->why_buf, "it is larger than %llu bytes", r->max);
    return r->why_buf;
}

int csv_reader_open(CsvReader *r, const char *path)
{
    return csv_reader_open_max(r, path, 0);
}

int csv_reader_open_max(CsvReader *r, const char *path, unsigned long long max)
{
    memset(r, 0, sizeof *r);
    r->why = "";
    r->max = max;
    r->f = fopen(path, "r");
    if (!r->f) return fail(r, errno, strerror(errno));
    struct stat st;
    int e = 0;
    const char *why = NULL;
    if (fstat(fileno(r->f), &st)) e = errno, why = strerror(errno);
    else if (S_ISDIR(st.st_mode)) e = EISDIR, why = "it is a directory";
    else if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) e = EINVAL, why = "it is not a regular file";
    else if (max && (unsigned long long)st.st_size > max) e = EFBIG, why = too_large(r);
    else if (!(r->buf = malloc(CSV_CHUNK))) e = ENOMEM, why = "out of memory";
    if (!why) return 0;
    fclose(r->f);
    r->f = NULL;
    return fail(r, e, why);
}

/* Read the next chunk into r->buf; false at end of file or on failure
 * (r->why set then). */
static bool next_chunk(CsvReader *r)
{
    r->bpos = 0;
    r->blen = r->eof ? 0 : fread(r->buf, 1, CSV_CHUNK, r->f);
    if (r->blen == 0) {
        r->eof = true;
        if (ferror(r->f)) fail(r, EIO, "read error");
        return false;
    }
    r->total += r->blen;
    if (memchr(r->buf, 0, r->blen)) fail(r, EINVAL, "it is not a text file (it contains NUL bytes)");
    else if (r->max && r->total > r->max) fail(r, EFBIG, too_large(r));
    return !*r->why;
}

int csv_reader_line(CsvReader *r)
{
    size_t n = 0;
    r->why = "";
    for (;;) {
        if (r->bpos == r->blen && !next_chunk(r)) {
            if (*r->why) return -1;
            if (!n) return 0;
            break;
        }
        char *p = r->buf + r->bpos, *nl = memchr(p, '\n', r->blen - r->bpos);
        size_t take = nl ? (size_t)(nl - p) + 1 : r->blen - r->bpos;
        if (n + take + 1 > r->cap) {
            size_t cap = r->cap ? r->cap : 256;
            while (cap < n + take + 1) cap *= 2;
            char *line = realloc(r->line, cap);
            if (!line) return fail(r, ENOMEM, "out of memory");
            r->line = line;
            r->cap = cap;
        }
        memcpy(r->line + n, p, take);
        n += take;
        r->bpos += take;
        if (nl) break;
    }
    while (n > 0 && (r->line[n - 1] == '\n' || r->line[n - 1] == '\r')) n--;
    r->line[n] = 0;
    r->len = n;
    r->lineno++;
    r->nfields = 0;
    return 1;
}

void csv_reader_rewind(CsvReader *r)
{
    rewind(r->f);
    r->bpos = r->blen = 0;
    r->eof = false;
    r->total = 0;
    r->lineno = 0;
    r->nfields = 0;
}

/* Appends a field, growing the array; false when out of memory. */
static bool add_field(CsvReader *r, char *z)
{
    if (r->nfields == r->fcap) {
        int cap = r->fcap ? r->fcap * 2 : 16;
        char **v = realloc(r->fields, sizeof *v * (size_t)cap);
        if (!v) return false;
        r->fields = v;
        r->fcap = cap;
    }
    r->fields[r->nfields++] = z;
    return true;
}

int csv_reader_split(CsvReader *r, char *s, const char *seps, bool skip_empty)
{
    r->nfields = 0;
    if (!s) return 0;
    char *p = s;
    for (;;) {
        if (skip_empty) p += strspn(p, seps);
        if (skip_empty && !*p) break;
        char *e = p + strcspn(p, seps);
        bool last = !*e;
        *e = 0;
        if (!add_field(r, p)) return -1;
        if (last) break;
        p = e + 1;
    }
    return r->nfields;
}

void csv_reader_close(CsvReader *r)
{
    if (r->f) fclose(r->f);
    free(r->buf);
    free(r->line);
    free(r->fields);
    memset(r, 0, sizeof *r);
}
