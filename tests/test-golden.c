/* SPDX-License-Identifier: MIT */
/* This file contains the golden diagnostics tests: every tests/errors/X.snn
 * must fail to load with exactly the message in tests/errors/X.expected
 * (location, text, source line and caret).  A first line "#! set: NAME=VALUE"
 * passes an override, as snnc's --set does.  Set SNN_GOLDEN_UPDATE=1 to
 * rewrite the .expected files after reviewing a change of wording. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snn.h"
#include "test-common.h"

static char **cases;
static int ncases;

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void find_cases(void)
{
    DIR *d = opendir(test_path("errors"));
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n > 4 && !strcmp(e->d_name + n - 4, ".snn")) {
            cases = realloc(cases, sizeof *cases * (size_t)(ncases + 1));
            cases[ncases++] = strndup(e->d_name, n - 4);
        }
    }
    closedir(d);
    qsort(cases, (size_t)ncases, sizeof *cases, cmp);
}

/* Load one case and return the rendered diagnostics (malloc'ed). */
static char *diagnose(const char *name, int *rc)
{
    char rel[512];
    snprintf(rel, sizeof rel, "errors/%s.snn", name);
    size_t len;
    char *src = test_read_file(test_path(rel), &len);
    ck_assert_msg(src != NULL, "cannot read %s", rel);
    snn_ctx *ctx = snn_new();
    if (!strncmp(src, "#! set: ", 8)) {
        char *nl = strchr(src, '\n');
        char *val = strndup(src + 8, (size_t)(nl - src - 8));
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
    char rel[512];
    snprintf(rel, sizeof rel, "errors/%s.expected", name);
    if (getenv("SNN_GOLDEN_UPDATE")) {
        FILE *f = fopen(test_path(rel), "w");
        fputs(got, f);
        fclose(f);
    }
    char *want = test_read_file(test_path(rel), NULL);
    ck_assert_msg(want != NULL, "%s: missing %s", name, rel);
    ck_assert_msg(rc != SNN_OK, "%s: the model loaded without error", name);
    ck_assert_msg(!strcmp(got, want), "%s: diagnostics differ\n--- expected\n%s--- got\n%s", name, want, got);
    free(got);
    free(want);
}
END_TEST

START_TEST(catalogue_is_large)
{
    ck_assert_msg(ncases >= 45, "only %d golden cases", ncases);
}
END_TEST

static Suite *make_suite(void)
{
    find_cases();
    Suite *s = suite_create("golden");
    TCase *tc = tcase_create("errors");
    tcase_add_test(tc, catalogue_is_large);
    tcase_add_loop_test(tc, golden_case, 0, ncases);
    suite_add_tcase(s, tc);
    return s;
}

SNN_TEST_MAIN(make_suite)
