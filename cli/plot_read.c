/* SPDX-License-Identifier: MIT */
/* This file contains the reader of run.json for the plots: a small JSON
 * parser (objects, arrays, strings, numbers, true, false, null; \uXXXX
 * escapes below U+0080 only, as snnc writes them) that keeps, of the shape
 * snnc writes, the format, dt, each monitor's name, kind, source, variables,
 * units, files and recorded neurons, and the final-state files with their
 * columns and units. */
#define _POSIX_C_SOURCE 200809L
#include "plot_read.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A position in the text, for messages. */
typedef struct Json {
    const char *s, *p, *path;
    char       *err;
    size_t      errlen;
    int         depth;
} Json;

static int jfail(Json *j, const char *what)
{
    int line = 1;
    for (const char *q = j->s; q < j->p; q++) line += *q == '\n';
    snprintf(j->err, j->errlen, "%s:%d: %s", j->path, line, what);
    return -1;
}

static void skip_ws(Json *j)
{
    while (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r') j->p++;
}

/* A string at j->p into a malloc'ed copy (*out, NULL to skip it). */
static int jstring(Json *j, char **out)
{
    skip_ws(j);
    if (*j->p != '"') return jfail(j, "a string was expected");
    j->p++;
    size_t cap = 16, n = 0;
    char *b = out ? malloc(cap) : NULL;
    if (out && !b) return jfail(j, "out of memory");
    for (;;) {
        char c = *j->p++;
        if (!c) {
            free(b);
            return jfail(j, "unterminated string");
        }
        if (c == '"') break;
        if (c == '\\') {
            char e = *j->p++;
            if (e == 'u') {
                unsigned v = 0;
                for (int k = 0; k < 4; k++) {
                    char h = *j->p++;
                    v = v * 16 + (unsigned)(h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                            : h >= 'A' && h <= 'F' ? h - 'A' + 10 : 99);
                    if (v > 0xffff) {
                        free(b);
                        return jfail(j, "bad \\u escape");
                    }
                }
                c = v < 0x80 ? (char)v : '?';
            } else if (e == 'n') c = '\n';
            else if (e == 't') c = '\t';
            else if (e == '"' || e == '\\' || e == '/') c = e;
            else {
                free(b);
                return jfail(j, "bad escape in a string");
            }
        }
        if (b) {
            if (n + 2 > cap) {
                char *nb = realloc(b, cap *= 2);
                if (!nb) {
                    free(b);
                    return jfail(j, "out of memory");
                }
                b = nb;
            }
            b[n++] = c;
        }
    }
    if (b) {
        b[n] = 0;
        *out = b;
    }
    return 0;
}

/* Skip one value of any kind. */
static int jskip(Json *j)
{
    skip_ws(j);
    char c = *j->p;
    if (c == '"') return jstring(j, NULL);
    if (c == '{' || c == '[') {
        if (++j->depth > 64) return jfail(j, "nested too deeply");
        char close = c == '{' ? '}' : ']';
        j->p++;
        skip_ws(j);
        if (*j->p == close) {
            j->p++;
            j->depth--;
            return 0;
        }
        for (;;) {
            if (c == '{') {
                if (jstring(j, NULL)) return -1;
                skip_ws(j);
                if (*j->p++ != ':') return jfail(j, "':' was expected");
            }
            if (jskip(j)) return -1;
            skip_ws(j);
            if (*j->p == ',') {
                j->p++;
                continue;
            }
            if (*j->p++ != close) return jfail(j, c == '{' ? "',' or '}' was expected" : "',' or ']' was expected");
            j->depth--;
            return 0;
        }
    }
    const char *start = j->p;
    while (*j->p && strchr("+-.0123456789eEtruefalsn", *j->p)) j->p++;
    return j->p > start ? 0 : jfail(j, "a value was expected");
}

/* The elements of an array, each read by elem(j, ud): 0, or -1 with the
 * error set ("<what> was expected" where there is no array). */
static int jarray_of(Json *j, const char *what, int (*elem)(Json *, void *), void *ud)
{
    skip_ws(j);
    if (*j->p++ != '[') return jfail(j, what);
    skip_ws(j);
    if (*j->p == ']') {
        j->p++;
        return 0;
    }
    for (;;) {
        if (elem(j, ud)) return -1;
        skip_ws(j);
        if (*j->p == ',') {
            j->p++;
            continue;
        }
        if (*j->p++ != ']') return jfail(j, "',' or ']' was expected");
        return 0;
    }
}

static int jarray(Json *j, int (*elem)(Json *, void *), void *ud)
{
    return jarray_of(j, "a list was expected", elem, ud);
}

typedef struct { char ***out; int *n; } StrList;
typedef struct { int **out; int *n; } IntList;

/* A string or null (a NULL entry) appended to a StrList. */
static int jstring_elem(Json *j, void *ud)
{
    StrList *l = ud;
    char **v = realloc(*l->out, sizeof *v * (size_t)(*l->n + 1));
    if (!v) return jfail(j, "out of memory");
    *l->out = v;
    v[*l->n] = NULL;
    skip_ws(j);
    if (!strncmp(j->p, "null", 4)) j->p += 4;
    else if (jstring(j, &v[*l->n])) return -1;
    (*l->n)++;
    return 0;
}

/* An array of strings or nulls (NULL entries) into *out, *n. */
static int jstrings(Json *j, char ***out, int *n)
{
    return jarray(j, jstring_elem, &(StrList){ out, n });
}

/* A number into *out. */
static int jnumber(Json *j, double *out)
{
    skip_ws(j);
    char *end;
    *out = strtod(j->p, &end);
    if (end == j->p) return jfail(j, "a number was expected");
    j->p = end;
    return 0;
}

/* A neuron index appended to an IntList. */
static int jint_elem(Json *j, void *ud)
{
    IntList *l = ud;
    double v;
    if (jnumber(j, &v)) return -1;
    if (v != floor(v) || v < 0 || v > 2e9) return jfail(j, "a neuron index was expected");
    int *nv = realloc(*l->out, sizeof *nv * (size_t)(*l->n + 1));
    if (!nv) return jfail(j, "out of memory");
    *l->out = nv;
    nv[(*l->n)++] = (int)v;
    return 0;
}

typedef struct { double **out; int *n; } DblList;

/* A number appended to a DblList. */
static int jdouble_elem(Json *j, void *ud)
{
    DblList *l = ud;
    double v;
    if (jnumber(j, &v)) return -1;
    double *nv = realloc(*l->out, sizeof *nv * (size_t)(*l->n + 1));
    if (!nv) return jfail(j, "out of memory");
    *l->out = nv;
    nv[(*l->n)++] = v;
    return 0;
}

/* An array of whole numbers into *out, *n. */
static int jints(Json *j, int **out, int *n)
{
    *n = 0;
    return jarray(j, jint_elem, &(IntList){ out, n });
}

/* A final-state object of "state" or "state_columns": its source, file,
 * columns and units (other keys skipped), merged into rf's entry for the
 * source. */
static int jstate(Json *j, RunFile *rf)
{
    skip_ws(j);
    if (*j->p++ != '{') return jfail(j, "a state object was expected");
    RunState st = {0};
    int rc = 0;
    for (;;) {
        char *key = NULL;
        if (jstring(j, &key)) {
            rc = -1;
            break;
        }
        skip_ws(j);
        rc = *j->p++ != ':' ? jfail(j, "':' was expected") : 0;
        if (!rc && !strcmp(key, "source") && !st.source) rc = jstring(j, &st.source);
        else if (!rc && !strcmp(key, "file") && !st.file) rc = jstring(j, &st.file);
        else if (!rc && !strcmp(key, "columns") && !st.cols) rc = jstrings(j, &st.cols, &st.ncols);
        else if (!rc && !strcmp(key, "units") && !st.units) rc = jstrings(j, &st.units, &st.nunits);
        else if (!rc) rc = jskip(j);
        free(key);
        if (rc) break;
        skip_ws(j);
        if (*j->p == ',') {
            j->p++;
            continue;
        }
        if (*j->p++ != '}') rc = jfail(j, "',' or '}' was expected");
        break;
    }
    if (!rc && !st.source) rc = jfail(j, "a state object without a source");
    if (!rc && st.nunits != st.ncols) rc = jfail(j, "a state's units do not match its columns");
    RunState *e = NULL;
    for (int k = 0; !rc && k < rf->nstate; k++)
        if (!strcmp(rf->state[k].source, st.source)) e = &rf->state[k];
    if (!rc && !e) {
        RunState *v = realloc(rf->state, sizeof *v * (size_t)(rf->nstate + 1));
        if (!v) rc = jfail(j, "out of memory");
        else {
            rf->state = v;
            e = &v[rf->nstate++];
            memset(e, 0, sizeof *e);
            e->source = st.source;
            st.source = NULL;
        }
    }
    if (!rc) {                                   /* move what st has into e */
        if (st.file && !e->file) e->file = st.file, st.file = NULL;
        if (st.cols && !e->cols) {
            e->cols = st.cols, e->ncols = st.ncols, e->units = st.units, e->nunits = st.nunits;
            st.cols = st.units = NULL;
            st.ncols = st.nunits = 0;
        }
    }
    free(st.source);
    free(st.file);
    for (int k = 0; k < st.ncols; k++) free(st.cols[k]);
    for (int k = 0; k < st.nunits; k++) free(st.units[k]);
    free(st.cols);
    free(st.units);
    return rc ? -1 : 0;
}

/* A monitor object appended to rf's (ud is the RunFile). */
static int jmonitor(Json *j, RunMonitor *m);
static int jmonitor_elem(Json *j, void *ud)
{
    RunFile *rf = ud;
    RunMonitor *v = realloc(rf->mon, sizeof *v * (size_t)(rf->nmon + 1));
    if (!v) return jfail(j, "out of memory");
    rf->mon = v;
    memset(&v[rf->nmon], 0, sizeof *v);
    return jmonitor(j, &v[rf->nmon++]);
}

/* A state object, for jarray_of (ud is the RunFile). */
static int jstate_elem(Json *j, void *ud)
{
    return jstate(j, ud);
}

/* A list of state objects. */
static int jstates(Json *j, RunFile *rf)
{
    return jarray_of(j, "a list of states was expected", jstate_elem, rf);
}

/* One monitor object: its name, variables and units; other keys skipped. */
static int jmonitor(Json *j, RunMonitor *m)
{
    m->nrecord = -1;
    skip_ws(j);
    if (*j->p++ != '{') return jfail(j, "a monitor object was expected");
    for (;;) {
        char *key = NULL;
        if (jstring(j, &key)) return -1;
        skip_ws(j);
        int rc = *j->p++ != ':' ? jfail(j, "':' was expected") : 0;
        if (!rc && !strcmp(key, "name")) rc = m->name ? jfail(j, "two names") : jstring(j, &m->name);
        else if (!rc && !strcmp(key, "variables")) rc = m->vars ? jfail(j, "two lists of variables")
                                                                : jstrings(j, &m->vars, &m->nvars);
        else if (!rc && !strcmp(key, "units")) rc = m->units ? jfail(j, "two lists of units")
                                                             : jstrings(j, &m->units, &m->nunits);
        else if (!rc && !strcmp(key, "kind")) rc = m->kind ? jfail(j, "two kinds") : jstring(j, &m->kind);
        else if (!rc && !strcmp(key, "source")) rc = m->source ? jfail(j, "two sources") : jstring(j, &m->source);
        else if (!rc && !strcmp(key, "files")) rc = m->files ? jfail(j, "two lists of files")
                                                             : jstrings(j, &m->files, &m->nfiles);
        else if (!rc && !strcmp(key, "record")) rc = m->record ? jfail(j, "two record lists")
                                                               : jints(j, &m->record, &m->nrecord);
        else if (!rc && !strcmp(key, "distance"))
            rc = m->distance ? jfail(j, "two distance lists")
                             : jarray(j, jdouble_elem, &(DblList){ &m->distance, &m->ndistance });
        else if (!rc && !strcmp(key, "section")) rc = m->section ? jfail(j, "two section lists")
                                                                 : jstrings(j, &m->section, &m->nsection);
        else if (!rc) rc = jskip(j);
        free(key);
        if (rc) return -1;
        skip_ws(j);
        if (*j->p == ',') {
            j->p++;
            continue;
        }
        if (*j->p++ != '}') return jfail(j, "',' or '}' was expected");
        break;
    }
    if (!m->name) return jfail(j, "a monitor without a name");
    if (m->nunits != m->nvars) return jfail(j, "a monitor's units do not match its variables");
    if ((m->distance && m->ndistance != m->nrecord) || (m->section && m->nsection != m->nrecord))
        return jfail(j, "a monitor's distances or sections do not match its recorded compartments");
    for (int k = 0; k < m->nsection; k++)
        if (!m->section[k]) return jfail(j, "a monitor's section is null");
    for (int k = 0; k < m->nfiles; k++)
        if (!m->files[k]) return jfail(j, "a monitor's file is null");
    return 0;
}

static int jrun(Json *j, RunFile *rf)
{
    skip_ws(j);
    if (*j->p++ != '{') return jfail(j, "an object was expected");
    for (;;) {
        char *key = NULL;
        if (jstring(j, &key)) return -1;
        skip_ws(j);
        int rc = *j->p++ != ':' ? jfail(j, "':' was expected") : 0;
        if (!rc && !strcmp(key, "format")) {
            char *f = NULL;
            rc = jstring(j, &f);
            if (!rc) snprintf(rf->format, sizeof rf->format, "%s", f);
            free(f);
        } else if (!rc && !strcmp(key, "dt")) {
            rc = jnumber(j, &rf->dt);
        } else if (!rc && (!strcmp(key, "state") || !strcmp(key, "state_columns"))) {
            rc = jstates(j, rf);
        } else if (!rc && !strcmp(key, "monitors")) {
            rc = jarray_of(j, "a list of monitors was expected", jmonitor_elem, rf);
        } else if (!rc) rc = jskip(j);
        free(key);
        if (rc) return -1;
        skip_ws(j);
        if (*j->p == ',') {
            j->p++;
            continue;
        }
        if (*j->p++ != '}') return jfail(j, "',' or '}' was expected");
        skip_ws(j);
        return *j->p ? jfail(j, "text after the end of the object") : 0;
    }
}

int plot_read_run(const char *dir, RunFile *rf, char *err, size_t errlen)
{
    memset(rf, 0, sizeof *rf);
    snprintf(rf->format, sizeof rf->format, "csv");
    char path[4200];
    snprintf(path, sizeof path, "%s/run.json", dir);
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT) return 0;
        snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 1 << 16, n = 0;
    char *text = malloc(cap);
    size_t got;
    while (text && (got = fread(text + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            if (cap >= (size_t)64 << 20) break;           /* far more than snnc writes */
            char *t = realloc(text, cap *= 2);
            if (!t) {
                free(text);
                text = NULL;
            } else text = t;
        }
    }
    fclose(f);
    if (!text) {
        snprintf(err, errlen, "out of memory reading '%s'", path);
        return -1;
    }
    text[n] = 0;
    Json j = { text, text, path, err, errlen, 0 };
    int rc = strlen(text) != n ? jfail(&j, "a NUL byte in the file") : jrun(&j, rf);
    free(text);
    rf->found = true;
    if (rc) plot_run_free(rf);
    return rc;
}

const char *plot_run_unit(const RunFile *rf, const char *mon, const char *var)
{
    for (int k = 0; k < rf->nmon; k++)
        if (!strcmp(rf->mon[k].name, mon))
            for (int v = 0; v < rf->mon[k].nvars; v++)
                if (rf->mon[k].vars[v] && !strcmp(rf->mon[k].vars[v], var)) return rf->mon[k].units[v];
    return NULL;
}

const char *plot_state_unit(const RunFile *rf, const char *source, const char *col)
{
    for (int k = 0; k < rf->nstate; k++)
        if (!strcmp(rf->state[k].source, source))
            for (int v = 0; v < rf->state[k].ncols; v++)
                if (rf->state[k].cols[v] && !strcmp(rf->state[k].cols[v], col)) return rf->state[k].units[v];
    return NULL;
}

const RunMonitor *plot_run_monitor(const RunFile *rf, const char *name)
{
    for (int k = 0; k < rf->nmon; k++)
        if (!strcmp(rf->mon[k].name, name)) return &rf->mon[k];
    return NULL;
}

const char *plot_unit_symbol(const char *unit, bool *prefixable)
{
    static const char *const map[][2] = {
        { "volt", "V" }, { "siemens", "S" }, { "amp", "A" }, { "hertz", "Hz" }, { "second", "s" },
        { "farad", "F" }, { "ohm", "\u03a9" }, { "metre", "m" }, { "gram", "g" }, { "mole", "mol" },
        { "molar", "M" }, { "coulomb", "C" }, { "watt", "W" }, { "joule", "J" }, { "kelvin", "K" },
    };
    *prefixable = true;
    if (!unit || !strcmp(unit, "1")) return "";
    for (size_t k = 0; k < sizeof map / sizeof map[0]; k++)
        if (!strcmp(unit, map[k][0])) return map[k][1];
    *prefixable = false;
    return unit;
}

void plot_run_free(RunFile *rf)
{
    for (int k = 0; k < rf->nmon; k++) {
        RunMonitor *m = &rf->mon[k];
        for (int v = 0; v < m->nvars; v++) free(m->vars[v]);
        for (int v = 0; v < m->nunits; v++) free(m->units[v]);
        for (int v = 0; v < m->nfiles; v++) free(m->files[v]);
        free(m->vars);
        free(m->units);
        free(m->files);
        free(m->record);
        free(m->distance);
        for (int v = 0; v < m->nsection; v++) free(m->section[v]);
        free(m->section);
        free(m->name);
        free(m->kind);
        free(m->source);
    }
    free(rf->mon);
    rf->mon = NULL;
    rf->nmon = 0;
    for (int k = 0; k < rf->nstate; k++) {
        RunState *st = &rf->state[k];
        for (int v = 0; v < st->ncols; v++) free(st->cols[v]);
        for (int v = 0; v < st->nunits; v++) free(st->units[v]);
        free(st->cols);
        free(st->units);
        free(st->source);
        free(st->file);
    }
    free(rf->state);
    rf->state = NULL;
    rf->nstate = 0;
}
