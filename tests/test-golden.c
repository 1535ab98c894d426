/* SPDX-License-Identifier: MIT */
/* This file contains the golden diagnostics tests: every tests/errors/X.snn
 * must fail to load with exactly the message in tests/errors/X.expected
 * (location, text, source line and caret).  A first line "#! set: NAME=VALUE"
 * passes an override, as snnc's --set does.  Names are
 * <area>-<n>.<m>-<slug>, and <area>-<n>.<m> is the case's stable id.
 *
 * With SNN_GOLDEN_UPDATE=1 the program compares nothing: it rewrites every
 * .expected file from the current output (after a reviewed change of
 * wording) and reports itself as skipped, so an update run never passes as
 * a test run. */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snn.h"
#include "test-common.h"

static char **cases;            /* the X of every X.snn, sorted */
static int ncases;
static char **expected;         /* the X of every X.expected, sorted */
static int nexpected;

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Add name without its suffix to *list if it ends with suffix. */
static void add_if(char ***list, int *n, const char *name, const char *suffix)
{
    size_t len = strlen(name), k = strlen(suffix);
    if (len <= k || strcmp(name + len - k, suffix)) return;
    *list = realloc(*list, sizeof **list * (size_t)(*n + 1));
    (*list)[(*n)++] = strndup(name, len - k);
}

static void find_cases(void)
{
    DIR *d = opendir(test_path("errors"));
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        add_if(&cases, &ncases, e->d_name, ".snn");
        add_if(&expected, &nexpected, e->d_name, ".expected");
    }
    closedir(d);
    qsort(cases, (size_t)ncases, sizeof *cases, cmp);
    qsort(expected, (size_t)nexpected, sizeof *expected, cmp);
}

/* Load one case and return the rendered diagnostics (malloc'ed), or NULL
 * if its file cannot be read. */
static char *diagnose(const char *name, int *rc)
{
    char rel[512];
    snprintf(rel, sizeof rel, "errors/%s.snn", name);
    size_t len;
    char *src = test_read_file(test_path(rel), &len);
    if (!src) return NULL;
    snn_ctx *ctx = snn_new();
    if (!strncmp(src, "#! set: ", 8)) {
        char *nl = strchr(src, '\n');
        char *val = strndup(src + 8, nl ? (size_t)(nl - src - 8) : strlen(src + 8));
        snn_set_override(ctx, val);
        free(val);
    }
    *rc = snn_load_string(ctx, src, len, rel);
    if (*rc == SNN_OK) *rc = snn_build(ctx);
    char *msg = strdup(snn_errmsg(ctx));
    snn_free(ctx);
    free(src);
    return msg;
}

START_TEST(golden_case)
{
    const char *name = cases[_i];
    int rc;
    char *got = diagnose(name, &rc);
    ck_assert_msg(got != NULL, "cannot read errors/%s.snn", name);
    char rel[512];
    snprintf(rel, sizeof rel, "errors/%s.expected", name);
    char *want = test_read_file(test_path(rel), NULL);
    ck_assert_msg(want != NULL, "%s: missing %s", name, rel);
    ck_assert_msg(rc != SNN_OK, "%s: the model loaded without error", name);
    ck_assert_msg(!strcmp(got, want), "%s: diagnostics differ\n--- expected\n%s--- got\n%s", name, want, got);
    free(got);
    free(want);
}
END_TEST

/* The length of the id <area>-<n>.<m> at the start of name, or 0 if name
 * is not <area>-<n>.<m>-<slug> (lower-case letters, digits and '-'). */
static size_t id_length(const char *name)
{
    const char *p = name;
    while (islower((unsigned char)*p)) p++;
    if (p == name || *p++ != '-' || !isdigit((unsigned char)*p)) return 0;
    while (isdigit((unsigned char)*p)) p++;
    if (*p++ != '.' || !isdigit((unsigned char)*p)) return 0;
    while (isdigit((unsigned char)*p)) p++;
    size_t id = (size_t)(p - name);
    if (*p++ != '-' || !*p) return 0;
    for (; *p; p++)
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-') return 0;
    return id;
}

/* The catalogue: every .snn has its .expected and every .expected its
 * .snn, names follow the id scheme, ids are unique, and the catalogue has
 * not shrunk below its size when the scheme was introduced. */
START_TEST(catalogue_is_complete)
{
    ck_assert_msg(ncases >= 45, "only %d golden cases", ncases);
    for (int k = 0; k < ncases; k++)
        ck_assert_msg(bsearch(&cases[k], expected, (size_t)nexpected, sizeof *expected, cmp),
                      "errors/%s.snn has no .expected file", cases[k]);
    for (int k = 0; k < nexpected; k++)
        ck_assert_msg(bsearch(&expected[k], cases, (size_t)ncases, sizeof *cases, cmp),
                      "errors/%s.expected has no .snn file", expected[k]);
    for (int k = 0; k < ncases; k++) {
        size_t id = id_length(cases[k]);
        ck_assert_msg(id > 0, "errors/%s.snn is not named <area>-<n>.<m>-<slug>", cases[k]);
        for (int q = 0; q < k; q++)
            ck_assert_msg(strncmp(cases[q], cases[k], id) || id_length(cases[q]) != id,
                          "errors/%s.snn and errors/%s.snn have the same id", cases[q], cases[k]);
    }
}
END_TEST

/* SNN_GOLDEN_UPDATE: write every .expected file from the current output.
 * A case that loads without error is not written and fails the run.  The
 * TAP plan "1..0 # SKIP" makes meson report the program as skipped. */
static int update_all(void)
{
    int written = 0, bad = 0;
    for (int k = 0; k < ncases; k++) {
        int rc;
        char *got = diagnose(cases[k], &rc);
        char rel[512];
        snprintf(rel, sizeof rel, "errors/%s.expected", cases[k]);
        FILE *f = got && rc != SNN_OK ? fopen(test_path(rel), "w") : NULL;
        if (f && fputs(got, f) >= 0 && fclose(f) == 0) {
            written++;
        } else {
            if (f) fclose(f);
            fprintf(stderr, "errors/%s: %s\n", cases[k],
                    !got ? "cannot read the .snn file" : rc == SNN_OK ? "the model loaded without error" : "cannot write");
            bad++;
        }
        free(got);
    }
    printf("1..0 # SKIP SNN_GOLDEN_UPDATE: wrote %d .expected files, compared none\n", written);
    return bad ? 1 : 0;
}

static Suite *make_suite(void)
{
    Suite *s = suite_create("golden");
    TCase *tc = tcase_create("errors");
    tcase_add_test(tc, catalogue_is_complete);
    tcase_add_loop_test(tc, golden_case, 0, ncases);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    find_cases();
    const char *update = getenv("SNN_GOLDEN_UPDATE");
    if (update && *update && strcmp(update, "0")) return update_all();
    SRunner *sr = srunner_create(make_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
