/* SPDX-License-Identifier: MIT */
/* This file declares the CSV line reader shared by sema (timedarray,
 * spikegenerator and column() files) and the plotter (monitor files): it
 * reads lines of any length and splits them into any number of fields.  What
 * a field means (number, header name) is left to the caller. */
#ifndef SNN_CSV_H
#define SNN_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The largest data file a model may read (1 GiB), and the size of one
 * read. */
#define CSV_MAX_BYTES ((unsigned long long)1 << 30)
#define CSV_CHUNK 65536

typedef struct CsvReader {
    FILE   *f;
    char   *buf;                /* CSV_CHUNK bytes read ahead ... */
    size_t  bpos, blen;         /* ... of which buf[bpos..blen) are unused */
    bool    eof;
    unsigned long long total;   /* bytes read so far */
    unsigned long long max;     /* ... and the most that may be read */
    const char *why;            /* the last failure, for messages ("" if none) */
    char    why_buf[64];
    char   *line;               /* current line without its trailing \r\n;
                                   owned, valid until the next read */
    size_t  cap;                /* allocated size of line */
    size_t  len;                /* strlen(line) */
    long    lineno;             /* number of the current line, from 1 */
    char  **fields;             /* fields of the last split, into line */
    int     nfields;
    int     fcap;               /* allocated size of fields */
} CsvReader;

/* Opens path for reading: a regular file of at most max bytes (0: any
 * size), or a pipe.  Returns 0, or -1 with errno and r->why set (then r
 * needs no close; r->why is "it is not a regular file" for a device, "it is
 * a directory", "it is larger than N bytes", or errno's text). */
int csv_reader_open_max(CsvReader *r, const char *path, unsigned long long max);
/* csv_reader_open_max with no limit of size (output files of any size). */
int csv_reader_open(CsvReader *r, const char *path);
/* Reads the next line, blank ones included, into r->line.  Returns 1 for a
 * line, 0 at end of file, -1 with errno and r->why set on a read error,
 * when out of memory, on a NUL byte ("not a text file", found in the chunk
 * that holds it) or past the limit of size in all. */
int csv_reader_line(CsvReader *r);
/* Goes back to the start of the file (the next read is line 1). */
void csv_reader_rewind(CsvReader *r);
/* Splits s (r->line or a part of it) in place at any of the characters of
 * seps into r->fields[0..r->nfields).  With skip_empty, runs of separators count as one
 * and leading or trailing separators make no field (strtok's rule);
 * otherwise every separator ends a field, so "a,,b" has three.  Returns the
 * number of fields, or -1 when out of memory. */
int csv_reader_split(CsvReader *r, char *s, const char *seps, bool skip_empty);
/* Closes the file and frees the buffers; r is zeroed. */
void csv_reader_close(CsvReader *r);

#endif
