/* SPDX-License-Identifier: MIT */
/* This file contains the helpers shared by the Check test programs (see
 * test-common.h). */
#include "test-common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#ifndef SNN_TEST_DIR
#error "SNN_TEST_DIR must name the tests source directory"
#endif

char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (n < cap - 1) break;
        cap *= 2;
        buf = realloc(buf, cap);
    }
    fclose(f);
    buf[n] = 0;
    if (len) *len = n;
    return buf;
}

const char *test_path(const char *rel)
{
    static char bufs[4][4096];
    static int k;
    k = (k + 1) % 4;
    snprintf(bufs[k], sizeof bufs[k], "%s/%s", SNN_TEST_DIR, rel);
    return bufs[k];
}

char *test_tmpdir(void)
{
    char tmpl[] = "/tmp/snn-test-XXXXXX";
    char *d = mkdtemp(tmpl);
    return d ? strdup(d) : NULL;
}

char *test_run(const char *cmd, int *status)
{
    char *full = malloc(strlen(cmd) + 16);
    sprintf(full, "%s 2>&1", cmd);
    FILE *p = popen(full, "r");
    free(full);
    if (!p) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (cap - n < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    buf[n] = 0;
    int st = pclose(p);
    if (status) *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return buf;
}

void test_remove_tmpdir(char *dir)
{
    char *cmd = malloc(strlen(dir) + 16);
    ck_assert_ptr_nonnull(cmd);
    sprintf(cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
    free(cmd);
    free(dir);
}

/* The next line of *text (NUL-terminated in place, without "\r\n"), or NULL
 * at the end; a last line without a newline counts. */
static char *next_line(char **text)
{
    char *line = *text;
    if (!*line) return NULL;
    char *nl = strchr(line, '\n');
    *text = nl ? nl + 1 : line + strlen(line);
    if (nl) *nl = 0;
    line[strcspn(line, "\r")] = 0;
    return line;
}

void test_read_csv(TestTable *t, const char *path)
{
    memset(t, 0, sizeof *t);
    char *text = test_read_file(path, NULL);
    ck_assert_msg(text != NULL, "cannot read %s", path);
    char *rest = text, *line = next_line(&rest);
    ck_assert_msg(line != NULL, "%s is empty", path);
    for (char *save, *c = strtok_r(line, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
        t->names = realloc(t->names, sizeof *t->names * (size_t)(t->ncols + 1));
        ck_assert_ptr_nonnull(t->names);
        t->names[t->ncols++] = strdup(c);
    }
    ck_assert_msg(t->ncols > 0, "%s has no header", path);
    size_t cap = 0;
    while ((line = next_line(&rest))) {
        if ((t->nrows + 1) * (size_t)t->ncols > cap) {
            cap = cap ? cap * 2 : 4096 * (size_t)t->ncols;
            t->v = realloc(t->v, sizeof *t->v * cap);
            ck_assert_ptr_nonnull(t->v);
        }
        double *row = t->v + t->nrows * (size_t)t->ncols;
        int c = 0;
        for (char *p = line;; p++) {
            char *end;
            double x = strtod(p, &end);
            ck_assert_msg(end != p && (*end == ',' || *end == 0) && c < t->ncols,
                          "%s:%zu: not %d numbers: %s", path, t->nrows + 2, t->ncols, line);
            row[c++] = x;
            p = end;
            if (!*p) break;
        }
        ck_assert_msg(c == t->ncols, "%s:%zu: %d values, the header has %d", path, t->nrows + 2, c, t->ncols);
        t->nrows++;
    }
    free(text);
}

void test_table_free(TestTable *t)
{
    for (int k = 0; k < t->ncols; k++) free(t->names[k]);
    free(t->names);
    free(t->v);
    memset(t, 0, sizeof *t);
}

int test_column(const TestTable *t, const char *name)
{
    for (int k = 0; k < t->ncols; k++)
        if (!strcmp(t->names[k], name)) return k;
    return -1;
}

void test_spikes_add(TestSpikes *s, long neuron, long step)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 256;
        s->v = realloc(s->v, sizeof *s->v * s->cap);
        ck_assert_ptr_nonnull(s->v);
    }
    s->v[s->n++] = (TestSpike){ neuron, step };
}

void test_spikes_free(TestSpikes *s)
{
    free(s->v);
    memset(s, 0, sizeof *s);
}

static int cmp_spike(const void *a, const void *b)
{
    const TestSpike *x = a, *y = b;
    if (x->step != y->step) return x->step < y->step ? -1 : 1;
    return (x->neuron > y->neuron) - (x->neuron < y->neuron);
}

void test_spikes_sort(TestSpikes *s)
{
    if (s->n) qsort(s->v, s->n, sizeof *s->v, cmp_spike);
}

/* x as a whole number; fails the test if it is not one. */
static long whole(double x, const char *path, size_t row)
{
    ck_assert_msg(x == (double)(long)x, "%s:%zu: %.17g is not a whole number", path, row + 2, x);
    return (long)x;
}

TestSpikes test_read_spikes(const char *path, const char *header, double dt)
{
    char *text = test_read_file(path, NULL);
    ck_assert_msg(text != NULL, "cannot read %s", path);
    size_t n = strcspn(text, "\r\n");
    ck_assert_msg(strlen(header) == n && !strncmp(text, header, n), "%s: the header is '%.*s', not '%s'", path,
                  (int)n, text, header);
    free(text);
    TestTable t;
    test_read_csv(&t, path);
    ck_assert_int_ge(t.ncols, 2);
    TestSpikes s = { 0 };
    for (size_t r = 0; r < t.nrows; r++) {
        double at = test_cell(&t, r, 1);
        test_spikes_add(&s, whole(test_cell(&t, r, 0), path, r), dt > 0 ? lround(at / dt) : whole(at, path, r));
    }
    test_table_free(&t);
    return s;
}

TestSpikes test_recorded_spikes(const int32_t *idx, const int64_t *steps, size_t n)
{
    TestSpikes s = { 0 };
    for (size_t q = 0; q < n; q++) {
        ck_assert_msg(q == 0 || steps[q] >= steps[q - 1], "spikes are not in time order");
        test_spikes_add(&s, idx[q], (long)steps[q]);
    }
    return s;
}

void test_check_spikes(const char *what, TestSpikes *got, TestSpikes *want)
{
    test_spikes_sort(got);
    test_spikes_sort(want);
    ck_assert_msg(got->n == want->n, "%s: the reference has %zu spikes, snnc %zu", what, want->n, got->n);
    for (size_t k = 0; k < got->n; k++)
        ck_assert_msg(got->v[k].step == want->v[k].step && got->v[k].neuron == want->v[k].neuron,
                      "%s, spike %zu: the reference has (neuron %ld, step %ld), snnc (neuron %ld, step %ld)", what,
                      k, want->v[k].neuron, want->v[k].step, got->v[k].neuron, got->v[k].step);
}

void test_check_recorded(const char *what, const int32_t *idx, const int64_t *steps, size_t n,
                         const char *ref_path, const char *header)
{
    TestSpikes got = test_recorded_spikes(idx, steps, n), want = test_read_spikes(ref_path, header, 0);
    test_check_spikes(what, &got, &want);
    test_spikes_free(&got);
    test_spikes_free(&want);
}
