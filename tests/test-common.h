/* SPDX-License-Identifier: MIT */
/* This file declares helpers shared by the Check test programs: files and
 * temporary directories, shell commands, CSV tables, spike lists and their
 * comparison, and the main() every test program uses (TAP output, so meson
 * lists every case).  They use no part of snnc, so every test program can
 * link them. */
#ifndef SNN_TEST_COMMON_H
#define SNN_TEST_COMMON_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

/* Whole file as a NUL-terminated malloc'ed string, or NULL. */
char *test_read_file(const char *path, size_t *len);
/* Path under the tests source directory (static buffer rotation of 4). */
const char *test_path(const char *rel);
/* A fresh temporary directory (removed by the caller if wanted). */
char *test_tmpdir(void);
/* Run a shell command, capturing stdout+stderr (malloc'ed) and the exit code. */
char *test_run(const char *cmd, int *status);
/* Remove the directory dir and everything in it, then free(dir). */
void  test_remove_tmpdir(char *dir);

/* A CSV file of numbers under a header line of column names. */
typedef struct TestTable {
    int     ncols;
    size_t  nrows;
    char  **names;               /* ncols names, from the header */
    double *v;                   /* nrows * ncols values, row by row */
} TestTable;

/* Read the CSV file at path into t.  Fails the test unless the file can be
 * read and every line after the header holds exactly ncols numbers. */
void  test_read_csv(TestTable *t, const char *path);
void  test_table_free(TestTable *t);
/* The index of the column called name, or -1. */
int   test_column(const TestTable *t, const char *name);
static inline double test_cell(const TestTable *t, size_t row, int col)
{
    return t->v[row * (size_t)t->ncols + (size_t)col];
}

/* Spikes as (neuron, step) pairs. */
typedef struct TestSpike {
    long neuron, step;
} TestSpike;
typedef struct TestSpikes {
    TestSpike *v;
    size_t     n, cap;
} TestSpikes;

void  test_spikes_add(TestSpikes *s, long neuron, long step);
void  test_spikes_free(TestSpikes *s);
/* Sort by (step, neuron). */
void  test_spikes_sort(TestSpikes *s);
/* The spikes of a CSV file whose header line must be exactly header: the
 * first column is the neuron, the second the step, or with dt > 0 the time
 * in seconds (rounded to a step of dt). */
TestSpikes test_read_spikes(const char *path, const char *header, double dt);
/* The spikes a spike monitor recorded (snn_spikes' arrays), which must be in
 * time order. */
TestSpikes test_recorded_spikes(const int32_t *idx, const int64_t *steps, size_t n);
/* got and want must hold the same spikes (the same neurons at the same
 * steps); both are sorted by (step, neuron) first.  Messages begin with
 * what. */
void  test_check_spikes(const char *what, TestSpikes *got, TestSpikes *want);
/* test_check_spikes of a spike monitor's record (in time order) against the
 * spikes of the CSV file ref_path with the given header (neuron, step). */
void  test_check_recorded(const char *what, const int32_t *idx, const int64_t *steps, size_t n,
                          const char *ref_path, const char *header);

/* Each test program defines make_suite() and uses this main. */
#define SNN_TEST_MAIN(make_suite)                                       \
    int main(void)                                                      \
    {                                                                   \
        SRunner *sr = srunner_create(make_suite());                     \
        srunner_run_all(sr, CK_ENV);                                    \
        int failed = srunner_ntests_failed(sr);                         \
        srunner_free(sr);                                               \
        return failed ? 1 : 0;                                          \
    }

#endif
