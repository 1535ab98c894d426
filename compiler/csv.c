/* SPDX-License-Identifier: MIT */
/* This file contains the CSV line reader (see csv.h): getline-based, so
 * neither the length of a line nor its number of fields is limited. */
#define _POSIX_C_SOURCE 200809L
#include "csv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

int csv_reader_open(CsvReader *r, const char *path)
{
    memset(r, 0, sizeof *r);
    r->f = fopen(path, "r");
    return r->f ? 0 : -1;
}

int csv_reader_line(CsvReader *r)
{
    errno = 0;
    ssize_t n = getline(&r->line, &r->cap, r->f);
    if (n < 0) return ferror(r->f) || errno == ENOMEM ? -1 : 0;
    while (n > 0 && (r->line[n - 1] == '\n' || r->line[n - 1] == '\r')) r->line[--n] = 0;
    r->len = (size_t)n;
    r->lineno++;
    r->nfields = 0;
    return 1;
}

void csv_reader_rewind(CsvReader *r)
{
    rewind(r->f);
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
    free(r->line);
    free(r->fields);
    memset(r, 0, sizeof *r);
}
