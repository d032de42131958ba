/* str: slices, comparison and cutting. */
#include "base/str.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

struct cut_case {
    const char *name;
    const char *input;
    char sep;
    bool found;
    const char *head;
    const char *rest;
};

static const struct cut_case cut_cases[] = {
    { "separator in the middle", "a.b", '.', true, "a", "b" },
    { "separator first", ".b", '.', true, "", "b" },
    { "separator last", "a.", '.', true, "a", "" },
    { "no separator", "abc", '.', false, "abc", "" },
    { "empty input", "", '.', false, "", "" },
    { "only the first separator", "a.b.c", '.', true, "a", "b.c" },
};

static void cut_should_split_at_the_first_separator(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cut_cases / sizeof cut_cases[0]; i++) {
        const struct cut_case *tc = &cut_cases[i];
        struct str s = str_from(tc->input);
        struct str head;
        bool found = str_cut(&s, tc->sep, &head);
        if (found != tc->found || !str_eq_cstr(head, tc->head) ||
            !str_eq_cstr(s, tc->rest))
            fail_msg("case '%s'", tc->name);
    }
}

static void comparisons_should_respect_length_and_case(void **state)
{
    (void)state;
    assert_true(str_eq(STR_LIT("abc"), str_from("abc")));
    assert_false(str_eq(STR_LIT("abc"), str_from("abcd")));
    assert_true(str_eq(str_from(NULL), STR_LIT("")));
    assert_true(str_eq_nocase(STR_LIT("X-Amz-Date"), STR_LIT("x-amz-date")));
    assert_false(str_eq_nocase(STR_LIT("X-Amz-Date"), STR_LIT("x-amz-dat")));
    assert_true(str_starts_with(STR_LIT("AWS4-HMAC"), "AWS4"));
    assert_false(str_starts_with(STR_LIT("AW"), "AWS4"));
}

static void trim_should_strip_blanks_at_both_ends(void **state)
{
    (void)state;
    assert_true(str_eq_cstr(str_trim(STR_LIT("  a b \t")), "a b"));
    assert_true(str_eq_cstr(str_trim(STR_LIT(" \t ")), ""));
}

static void copy_should_refuse_what_does_not_fit(void **state)
{
    (void)state;
    char out[4];
    assert_true(str_copy(STR_LIT("abc"), out, sizeof out));
    assert_string_equal(out, "abc");
    assert_false(str_copy(STR_LIT("abcd"), out, sizeof out));
}

static void decimal_should_write_every_digit(void **state)
{
    (void)state;
    char out[STR_DECIMAL_MAX];
    assert_string_equal(str_decimal(0, out), "0");
    assert_string_equal(str_decimal(7, out), "7");
    assert_string_equal(str_decimal(1795694071341ull, out), "1795694071341");
    assert_string_equal(str_decimal(UINT64_MAX, out), "18446744073709551615");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cut_should_split_at_the_first_separator),
        cmocka_unit_test(comparisons_should_respect_length_and_case),
        cmocka_unit_test(trim_should_strip_blanks_at_both_ends),
        cmocka_unit_test(copy_should_refuse_what_does_not_fit),
        cmocka_unit_test(decimal_should_write_every_digit),
    };
    return cmocka_run_group_tests_name("str", tests, NULL, NULL);
}
