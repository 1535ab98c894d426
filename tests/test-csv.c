/* SPDX-License-Identifier: MIT */
/* This file contains the unit tests of the CSV line reader (csv.c): lines
 * longer than 64 KiB, more than 4096 fields, blank lines, quotes kept as
 * text, both splitting rules; and sema reading data files through it: a
 * timedarray wider than 4096 columns with lines over 64 KiB, and column()
 * files with blank lines, quoted names and a short row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "diag.h"
#include "parse.h"
#include "sema.h"
#include "test-common.h"

/* Writes text to a fresh file in a temporary directory; returns its path
 * (malloc'ed). */
static char *write_tmp(const char *name, const char *text)
{
    char *dir = test_tmpdir();
    ck_assert_ptr_nonnull(dir);
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    snprintf(path, n, "%s/%s", dir, name);
    free(dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* "0,1,2,...,n-1\n" (malloc'ed). */
static char *number_line(int n, const char *sep)
{
    size_t cap = (size_t)n * 12 + 2, len = 0;
    char *s = malloc(cap);
    for (int k = 0; k < n; k++) len += (size_t)snprintf(s + len, cap - len, "%s%d", k ? sep : "", k);
    s[len++] = '\n';
    s[len] = 0;
    return s;
}

START_TEST(long_line_and_many_fields)
{
    char *text = number_line(20000, ",");      /* ~109 KiB, 20000 fields */
    ck_assert_uint_gt(strlen(text), 65536);
    char *path = write_tmp("wide.csv", text);
    CsvReader r;
    ck_assert_int_eq(csv_reader_open(&r, path), 0);
    ck_assert_int_eq(csv_reader_line(&r), 1);
    ck_assert_uint_eq(r.len, strlen(text) - 1);
    ck_assert_int_eq(csv_reader_split(&r, r.line, ",", false), 20000);
    ck_assert_str_eq(r.fields[0], "0");
    ck_assert_str_eq(r.fields[4096], "4096");
    ck_assert_str_eq(r.fields[19999], "19999");
    ck_assert_int_eq(csv_reader_line(&r), 0);
    csv_reader_close(&r);
    unlink(path);
    free(path);
    free(text);
}
END_TEST

START_TEST(blank_lines_and_line_ends)
{
    char *path = write_tmp("blank.csv", "a,b\r\n\n  \n1,2\n3,4");
    CsvReader r;
    ck_assert_int_eq(csv_reader_open(&r, path), 0);
    const char *want[] = { "a,b", "", "  ", "1,2", "3,4" };
    for (int k = 0; k < 5; k++) {
        ck_assert_int_eq(csv_reader_line(&r), 1);
        ck_assert_str_eq(r.line, want[k]);
        ck_assert_int_eq(r.lineno, k + 1);
    }
    ck_assert_int_eq(csv_reader_line(&r), 0);
    csv_reader_rewind(&r);
    ck_assert_int_eq(csv_reader_line(&r), 1);
    ck_assert_str_eq(r.line, "a,b");
    ck_assert_int_eq(r.lineno, 1);
    csv_reader_close(&r);
    unlink(path);
    free(path);
}
END_TEST

START_TEST(split_rules)
{
    CsvReader r;
    memset(&r, 0, sizeof r);
    char a[] = "\"x\",,y, z,";
    ck_assert_int_eq(csv_reader_split(&r, a, ",", false), 5);   /* quotes are text */
    ck_assert_str_eq(r.fields[0], "\"x\"");
    ck_assert_str_eq(r.fields[1], "");
    ck_assert_str_eq(r.fields[2], "y");
    ck_assert_str_eq(r.fields[3], " z");
    ck_assert_str_eq(r.fields[4], "");
    char b[] = ";1,, 2\t\t3 ";
    ck_assert_int_eq(csv_reader_split(&r, b, ",;\t ", true), 3);
    ck_assert_str_eq(r.fields[0], "1");
    ck_assert_str_eq(r.fields[1], "2");
    ck_assert_str_eq(r.fields[2], "3");
    char c[] = "";
    ck_assert_int_eq(csv_reader_split(&r, c, ",", false), 1);
    ck_assert_int_eq(csv_reader_split(&r, c, ",", true), 0);
    csv_reader_close(&r);
}
END_TEST

START_TEST(missing_file)
{
    CsvReader r;
    ck_assert_int_eq(csv_reader_open(&r, "/nonexistent/x.csv"), -1);
}
END_TEST

/* Checks a model with sema; the model's diagnostics go to *D. */
static Model *check_model(Arena *A, Diag *D, const char *text)
{
    Source *src = source_new(A, "/s.snn", text, (int)strlen(text));
    diag_init(D, A, src);
    Program *p = parse_program(A, D, src);
    ck_assert_ptr_nonnull(p);
    return sema_program(A, D, p, NULL, 0);
}

START_TEST(sema_wide_timedarray)
{
    /* one row per time step, 12000 neurons: a header and two lines over 64 KiB */
    char *hdr = number_line(12000, ",");
    for (char *p = hdr; *p; p++)
        if (*p >= '0' && *p <= '9') *p = 'c';
    char *row = number_line(12000, ", ");
    size_t n = strlen(hdr) + 2 * strlen(row) + 1;
    char *text = malloc(n);
    snprintf(text, n, "%s%s%s", hdr, row, row);
    char *path = write_tmp("ta.csv", text);
    char model[512];
    snprintf(model, sizeof model,
             "timedarray ta(file='%s', unit=nA, dt=1*ms)\n"
             "neurons G[12000] {\n    model {\n        dv/dt = -v/(10*ms) + ta(t, i)/nF : volt\n    }\n}\n"
             "run 2*ms\n",
             path);
    Arena A;
    Diag D;
    arena_init(&A);
    Model *M = check_model(&A, &D, model);
    ck_assert_msg(M != NULL, "unexpected error: %s", D.n ? D.v[0].rendered : "");
    Sym *ta = NULL;
    for (int k = 0; k < M->nuserfuncs; k++)
        if (!strcmp(M->userfuncs[k]->name, "ta")) ta = M->userfuncs[k];
    ck_assert_ptr_nonnull(ta);
    ck_assert_int_eq(ta->rows, 2);
    ck_assert_int_eq(ta->cols, 12000);
    ck_assert_double_eq_tol(ta->data[11999], 11999e-9, 1e-18);
    ck_assert_double_eq_tol(ta->data[12000 + 4200], 4200e-9, 1e-18);
    arena_free(&A);
    unlink(path);
    free(path);
    free(text);
    free(row);
    free(hdr);
}
END_TEST

/* Checks a group whose init takes v from column(path, 'v'); returns the
 * model (NULL with the first message in *msg). */
static Model *column_model(Arena *A, Diag *D, const char *path, const char **msg)
{
    char model[512];
    snprintf(model, sizeof model,
             "neurons G[3] {\n    model {\n        v : volt\n    }\n"
             "    init { v = column('%s', 'v')*mV }\n}\nrun 1*ms\n", path);
    Model *M = check_model(A, D, model);
    *msg = D->n ? D->v[0].msg : "";
    return M;
}

START_TEST(sema_column_files)
{
    Arena A;
    Diag D;
    const char *msg;
    arena_init(&A);
    /* blank lines are skipped, separators may be , ; tab or space */
    char *path = write_tmp("col.csv", "i;v\n\n0 -70\n1,\t-65\r\n\n2,-60\n");
    Model *M = column_model(&A, &D, path, &msg);
    ck_assert_msg(M != NULL, "unexpected error: %s", msg);
    ck_assert_int_eq(M->groups[0]->ninits, 1);
    ck_assert_int_eq(M->groups[0]->inits[0].nlist, 3);
    ck_assert_double_eq_tol(M->groups[0]->inits[0].list[1], -65e-3, 1e-15);
    unlink(path);
    free(path);
    arena_free(&A);
    /* quotes are part of a name, as they always were */
    arena_init(&A);
    path = write_tmp("col.csv", "\"v\"\n1\n2\n3\n");
    ck_assert_ptr_null(column_model(&A, &D, path, &msg));
    ck_assert_msg(strstr(msg, "has no column 'v'"), "%s", msg);
    unlink(path);
    free(path);
    arena_free(&A);
    /* a short row is reported with its line number */
    arena_init(&A);
    path = write_tmp("col.csv", "i,v\n0,1\n\n1\n");
    ck_assert_ptr_null(column_model(&A, &D, path, &msg));
    ck_assert_msg(strstr(msg, "col.csv:4: expected 2 numbers separated by commas"), "%s", msg);
    unlink(path);
    free(path);
    arena_free(&A);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("csv");
    TCase *tc = tcase_create("reader");
    tcase_add_test(tc, long_line_and_many_fields);
    tcase_add_test(tc, blank_lines_and_line_ends);
    tcase_add_test(tc, split_rules);
    tcase_add_test(tc, missing_file);
    suite_add_tcase(s, tc);
    tc = tcase_create("sema");
    tcase_add_test(tc, sema_wide_timedarray);
    tcase_add_test(tc, sema_column_files);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
