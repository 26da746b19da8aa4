/* tests/unit_run.h -- the one Check runner the unit_* binaries share, so
 * each main() is just its list of tests. */
#ifndef TK_TEST_UNIT_RUN_H
#define TK_TEST_UNIT_RUN_H

#include <check.h>
#include <stddef.h>
#include <stdlib.h>

#define UR_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Adds a test case of the given tests to s; timeout_s 0 keeps Check's
 * default (CK_DEFAULT_TIMEOUT). Returns it for fixtures. */
static inline TCase *ur_tcase(Suite *s, const char *name, int timeout_s,
                              const TTest *const *tests, size_t n)
{
    TCase *tc = tcase_create(name);
    if (timeout_s > 0)
        tcase_set_timeout(tc, timeout_s);
    for (size_t i = 0; i < n; i++)
        tcase_add_test(tc, tests[i]);
    suite_add_tcase(s, tc);
    return tc;
}

/* Runs s and frees it; the exit status for main. */
static inline int ur_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
