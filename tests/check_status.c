/* Tests for status codes, error detail, version and the allocation hook. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"

START_TEST(test_codes_frozen)
{
    /* These values are ABI: bindings compare against the literals. */
    ck_assert_int_eq(GRIDFORM_OK, 0);
    ck_assert_int_eq(GRIDFORM_EINVAL, 1);
    ck_assert_int_eq(GRIDFORM_ENOMEM, 2);
    ck_assert_int_eq(GRIDFORM_ERANGE, 3);
    ck_assert_int_eq(GRIDFORM_EDIVERGED, 4);
    ck_assert_int_eq(GRIDFORM_EUNDEFINED, 5);
    ck_assert_int_eq(GRIDFORM_EIO, 6);
    ck_assert_int_eq(GRIDFORM_EFORMAT, 7);
    ck_assert_int_eq(GRIDFORM_EUNSUPPORTED, 8);
    ck_assert_int_eq(GRIDFORM_ECANCELED, 9);
    ck_assert_int_eq(GRIDFORM_CONTINUE, 10);
}
END_TEST

START_TEST(test_strerror_never_null)
{
    const char *seen[13];
    for (int c = 0; c <= 11; c++) {
        const char *s = gridform_strerror(c);
        ck_assert_ptr_nonnull(s);
        ck_assert_int_gt((int)strlen(s), 0);
        for (int j = 0; j < c; j++)
            ck_assert_str_ne(s, seen[j]);  /* every code has its own text */
        seen[c] = s;
    }
    ck_assert_str_eq(gridform_strerror(-1), "unknown gridform status");
    /* EUNSUPPORTED covers requests no build serves (issue 13). */
    ck_assert_ptr_nonnull(strstr(gridform_strerror(GRIDFORM_EUNSUPPORTED), "not supported for this combination"));
    ck_assert_str_eq(gridform_strerror(12), "unknown gridform status");
    ck_assert_str_eq(gridform_strerror(1 << 30), "unknown gridform status");
}
END_TEST

START_TEST(test_version)
{
    char expect[64];
    snprintf(expect, sizeof expect, "%d.%d.%d", GRIDFORM_VERSION_MAJOR, GRIDFORM_VERSION_MINOR,
             GRIDFORM_VERSION_PATCH);
    ck_assert_str_eq(gridform_version_string(), expect);
    ck_assert_str_eq(gridform_version_string(), GRIDFORM_VERSION_STRING);
    ck_assert_int_eq(GRIDFORM_VERSION_NUMBER,
                     (GRIDFORM_VERSION_MAJOR << 16) | (GRIDFORM_VERSION_MINOR << 8) | GRIDFORM_VERSION_PATCH);
}
END_TEST

START_TEST(test_thread_last_error)
{
    gridform_arena *a = (gridform_arena *)0x1;
    ck_assert_int_eq(gridform_arena_create(&a, -1.0, 1.0, 8, 8, GRIDFORM_PERIODIC), GRIDFORM_EINVAL);
    ck_assert_ptr_null(a);  /* a failed create leaves no handle */
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "gridform_arena_create"));
    ck_assert_ptr_nonnull(strstr(gridform_last_error(), "lx"));
}
END_TEST

START_TEST(test_alloc_hook)
{
    gridform_arena *a = NULL;
    size_t before = gridform_debug_allocation_count();
    ck_assert_int_eq(gridform_debug_fail_allocation(1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_arena_create(&a, 1.0, 1.0, 8, 8, GRIDFORM_PERIODIC), GRIDFORM_ENOMEM);
    ck_assert_ptr_null(a);
    ck_assert_uint_eq(gridform_debug_allocation_count(), before + 1);
    /* The hook fires once: the next create succeeds. */
    ck_assert_int_eq(gridform_arena_create(&a, 1.0, 1.0, 8, 8, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_ptr_nonnull(a);
    gridform_arena_destroy(a);
    ck_assert_int_eq(gridform_debug_fail_allocation(0), GRIDFORM_OK);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("status");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_codes_frozen);
    tcase_add_test(tc, test_strerror_never_null);
    tcase_add_test(tc, test_version);
    tcase_add_test(tc, test_thread_last_error);
    tcase_add_test(tc, test_alloc_hook);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
