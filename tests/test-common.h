/* SPDX-License-Identifier: MIT */
/* This file declares helpers shared by the Check test programs: reading
 * files, running a model through snn.h, and the main() every test program
 * uses (TAP output, so meson lists every case). */
#ifndef SNN_TEST_COMMON_H
#define SNN_TEST_COMMON_H

#include <check.h>
#include <stddef.h>

/* Whole file as a NUL-terminated malloc'ed string, or NULL. */
char *test_read_file(const char *path, size_t *len);
/* Path under the tests source directory (static buffer rotation of 4). */
const char *test_path(const char *rel);
/* A fresh temporary directory (removed by the caller if wanted). */
char *test_tmpdir(void);
/* Run a shell command, capturing stdout+stderr (malloc'ed) and the exit code. */
char *test_run(const char *cmd, int *status);

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
