/* mem: joining strings into one allocation. */
#include "base/mem.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

static void join_should_concatenate_in_order(void **state)
{
    (void)state;
    const char *const parts[] = { "arn:aws:s3:::", "lake", "/", "a/b.json" };
    char *s = xstrjoin(parts, 4);
    assert_string_equal(s, "arn:aws:s3:::lake/a/b.json");
    free(s);
}

static void join_should_treat_null_and_empty_parts_as_nothing(void **state)
{
    (void)state;
    const char *const parts[] = { NULL, "x", "", NULL, "y" };
    char *s = xstrjoin(parts, 5);
    assert_string_equal(s, "xy");
    free(s);
    char *none = xstrjoin(parts, 0);
    assert_string_equal(none, "");
    free(none);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(join_should_concatenate_in_order),
        cmocka_unit_test(join_should_treat_null_and_empty_parts_as_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
