/* Unit tests for ddb_number: canonical form and AWS's messages for bad
 * numbers, comparison, exact sums, and the order-preserving key encoding
 * (table rows plus a seeded property test). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/mem.h"
#include "dynamodb/ddb_number.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOT_NUMERIC "The parameter cannot be converted to a numeric value"
#define DIGITS "Attempting to store more than 38 significant digits in a Number"
#define OVERFLOW                                                         \
    "Number overflow. Attempting to store a number with magnitude larger " \
    "than supported range"
#define UNDERFLOW                                                         \
    "Number underflow. Attempting to store a number with magnitude smaller " \
    "than supported range"

/* 38 significant digits, and the largest and smallest magnitudes AWS
 * documents. */
#define D38 "12345678901234567890123456789012345678"
#define MAX_N "9999999999999999999999999999999999999900" \
              "0000000000000000000000000000000000000000" \
              "0000000000000000000000000000000000000000" \
              "000000"
#define MIN_N "0.00000000000000000000000000000000000000" \
              "0000000000000000000000000000000000000000" \
              "0000000000000000000000000000000000000000" \
              "000000000001"

struct text_row {
    const char *name;
    const char *input;
    const char *expected;
};

static const struct text_row canonical_rows[] = {
    { "canonical_should_keep_a_plain_integer", "42", "42" },
    { "canonical_should_keep_zero", "0", "0" },
    { "canonical_should_turn_negative_zero_into_zero", "-0", "0" },
    { "canonical_should_turn_negative_zero_point_zero_into_zero", "-0.0",
      "0" },
    { "canonical_should_turn_zero_with_huge_exponent_into_zero", "0e1000",
      "0" },
    { "canonical_should_turn_zero_with_tiny_exponent_into_zero",
      "0.000e-99999", "0" },
    { "canonical_should_strip_trailing_zeros", "1.50", "1.5" },
    { "canonical_should_strip_all_fraction_zeros", "7.000", "7" },
    { "canonical_should_strip_leading_zeros", "0001", "1" },
    { "canonical_should_strip_leading_zeros_before_a_point", "0001.23",
      "1.23" },
    { "canonical_should_expand_a_positive_exponent", "1e3", "1000" },
    { "canonical_should_accept_an_upper_case_exponent", "1E3", "1000" },
    { "canonical_should_accept_a_plus_signed_exponent", "1e+5", "100000" },
    { "canonical_should_expand_a_negative_exponent", "15e-3", "0.015" },
    { "canonical_should_move_the_point_with_the_exponent", "-17.4E37",
      "-174000000000000000000000000000000000000" },
    { "canonical_should_drop_a_leading_plus", "+3", "3" },
    { "canonical_should_accept_a_leading_point", ".123", "0.123" },
    { "canonical_should_accept_a_negative_leading_point", "-.5", "-0.5" },
    { "canonical_should_accept_a_trailing_point", "5.", "5" },
    { "canonical_should_keep_a_negative_fraction", "-7.1234", "-7.1234" },
    { "canonical_should_expand_a_negative_integer_exponent", "-17e5",
      "-1700000" },
    { "canonical_should_keep_interior_zeros", "100.001", "100.001" },
    { "canonical_should_keep_38_digits", D38, D38 },
    { "canonical_should_keep_38_digits_around_a_point",
      "3.1415926535897932384626433832795028841",
      "3.1415926535897932384626433832795028841" },
    { "canonical_should_not_count_trailing_integer_zeros",
      "1" "000000000000000000000000000000000000000000",
      "1" "000000000000000000000000000000000000000000" },
    { "canonical_should_not_count_leading_fraction_zeros",
      "0.0000000000000000000000000000000000000000001",
      "0.0000000000000000000000000000000000000000001" },
    { "canonical_should_accept_38_digits_with_an_exponent",
      "31415926535897932384626433832795028841e30",
      "31415926535897932384626433832795028841"
      "000000000000000000000000000000" },
    { "canonical_should_accept_the_largest_magnitude",
      "9.9999999999999999999999999999999999999E+125", MAX_N },
    { "canonical_should_accept_the_largest_negative_magnitude",
      "-9.9999999999999999999999999999999999999E+125", "-" MAX_N },
    { "canonical_should_accept_the_smallest_magnitude", "1E-130", MIN_N },
    { "canonical_should_accept_the_smallest_negative_magnitude", "-1e-130",
      "-" MIN_N },
    { "canonical_should_accept_one_e_125", "1e125",
      "1000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000"
      "000000" },
    { "canonical_should_accept_digits_past_e_minus_130_when_led_above_it",
      "1.5e-130",
      "0.00000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000"
      "0000000000015" },
    { "canonical_should_ignore_leading_zeros_in_the_exponent", "2e0003",
      "2000" },
    { "canonical_should_accept_a_zero_exponent", "2.5e0", "2.5" },
    { "canonical_should_accept_many_leading_zeros",
      "000000000000000000000000000000000000000000000000000000000000012",
      "12" },
    { "canonical_should_accept_many_trailing_fraction_zeros",
      "12.000000000000000000000000000000000000000000000000000000000000",
      "12" },
    { "canonical_should_keep_a_long_fraction_within_38_digits",
      "-0.00012345678901234567890123456789012345678",
      "-0.00012345678901234567890123456789012345678" },
};

struct error_row {
    const char *name;
    const char *input;
    size_t len; /* 0: strlen(input) */
    const char *message;
};

static const struct error_row error_rows[] = {
    { "canonical_should_reject_empty_text_without_echoing_it", "", 0,
      NOT_NUMERIC },
    { "canonical_should_reject_a_word", "abc", 0, NOT_NUMERIC ": abc" },
    { "canonical_should_reject_a_single_letter", "b", 0, NOT_NUMERIC ": b" },
    { "canonical_should_reject_nan", "NaN", 0, NOT_NUMERIC ": NaN" },
    { "canonical_should_reject_negative_nan", "-NaN", 0,
      NOT_NUMERIC ": -NaN" },
    { "canonical_should_reject_infinity", "Infinity", 0,
      NOT_NUMERIC ": Infinity" },
    { "canonical_should_reject_negative_infinity", "-Infinity", 0,
      NOT_NUMERIC ": -Infinity" },
    { "canonical_should_reject_a_leading_space", " 1", 0,
      NOT_NUMERIC ":  1" },
    { "canonical_should_reject_a_trailing_space", "1 ", 0,
      NOT_NUMERIC ": 1 " },
    { "canonical_should_reject_an_inner_space", "1 0", 0,
      NOT_NUMERIC ": 1 0" },
    { "canonical_should_reject_a_lone_sign", "-", 0, NOT_NUMERIC ": -" },
    { "canonical_should_reject_a_lone_plus", "+", 0, NOT_NUMERIC ": +" },
    { "canonical_should_reject_a_lone_point", ".", 0, NOT_NUMERIC ": ." },
    { "canonical_should_reject_a_signed_lone_point", "-.", 0,
      NOT_NUMERIC ": -." },
    { "canonical_should_reject_two_points", "1.2.3", 0,
      NOT_NUMERIC ": 1.2.3" },
    { "canonical_should_reject_two_signs", "+-1", 0, NOT_NUMERIC ": +-1" },
    { "canonical_should_reject_a_double_minus", "--1", 0,
      NOT_NUMERIC ": --1" },
    { "canonical_should_reject_an_exponent_without_digits", "1e", 0,
      NOT_NUMERIC ": 1e" },
    { "canonical_should_reject_a_signed_exponent_without_digits", "1e+", 0,
      NOT_NUMERIC ": 1e+" },
    { "canonical_should_reject_an_exponent_without_mantissa", "e5", 0,
      NOT_NUMERIC ": e5" },
    { "canonical_should_reject_a_fractional_exponent", "1e2.5", 0,
      NOT_NUMERIC ": 1e2.5" },
    { "canonical_should_reject_two_exponents", "1e2e3", 0,
      NOT_NUMERIC ": 1e2e3" },
    { "canonical_should_reject_hex", "0x10", 0, NOT_NUMERIC ": 0x10" },
    { "canonical_should_reject_underscores", "1_000", 0,
      NOT_NUMERIC ": 1_000" },
    { "canonical_should_reject_a_comma", "1,5", 0, NOT_NUMERIC ": 1,5" },
    { "canonical_should_reject_a_trailing_letter", "12a", 0,
      NOT_NUMERIC ": 12a" },
    { "canonical_should_reject_an_embedded_nul", "1\0002", 3,
      NOT_NUMERIC ": 1" },
    { "canonical_should_reject_39_digits",
      "123456789012345678901234567890123456789", 0, DIGITS },
    { "canonical_should_reject_39_digits_in_a_fraction",
      "-1.23456789012345678901234567890123456789", 0, DIGITS },
    { "canonical_should_reject_39_digits_with_an_exponent",
      "314159265358979323846264338327950288419e30", 0, DIGITS },
    { "canonical_should_reject_39_digits_spread_by_zeros",
      "1000000000000000000000000000000000000001", 0, DIGITS },
    { "canonical_should_reject_39_digits_after_leading_fraction_zeros",
      "0.000314159265358979323846264338327950288419", 0, DIGITS },
    { "canonical_should_reject_one_e_126", "1e126", 0, OVERFLOW },
    { "canonical_should_reject_negative_one_e_126", "-1e126", 0, OVERFLOW },
    { "canonical_should_reject_eleven_e_125", "11e125", 0, OVERFLOW },
    { "canonical_should_reject_a_127_digit_integer",
      "1000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000"
      "0000000", 0, OVERFLOW },
    { "canonical_should_reject_a_huge_exponent", "1e99999999999999999999", 0,
      OVERFLOW },
    { "canonical_should_report_overflow_before_precision",
      "1234567890123456789012345678901234567890e200", 0, OVERFLOW },
    { "canonical_should_reject_one_e_minus_131", "1e-131", 0, UNDERFLOW },
    { "canonical_should_reject_negative_one_e_minus_131", "-1e-131", 0,
      UNDERFLOW },
    { "canonical_should_reject_point_nine_e_minus_130", "0.9e-130", 0,
      UNDERFLOW },
    { "canonical_should_reject_a_tiny_exponent", "1e-99999999999999999999", 0,
      UNDERFLOW },
    { "canonical_should_report_underflow_before_precision",
      "1234567890123456789012345678901234567890e-200", 0, UNDERFLOW },
};

static void canonical_should_match_table(void **state)
{
    (void)state;
    char out[DDB_NUMBER_MAX_TEXT];
    char err[256];
    for (size_t i = 0; i < sizeof canonical_rows / sizeof *canonical_rows;
         i++) {
        const struct text_row *r = &canonical_rows[i];
        int rc = ddb_number_canonical(r->input, strlen(r->input), out, err,
                                      sizeof err);
        if (rc != 0 || strcmp(out, r->expected) != 0)
            fail_msg("%s: got rc %d, \"%s\" (%s)", r->name, rc,
                     rc == 0 ? out : "", rc == 0 ? "" : err);
    }
}

static void canonical_should_reject_bad_numbers_with_aws_messages(
    void **state)
{
    (void)state;
    char out[DDB_NUMBER_MAX_TEXT];
    char err[256];
    for (size_t i = 0; i < sizeof error_rows / sizeof *error_rows; i++) {
        const struct error_row *r = &error_rows[i];
        size_t len = r->len ? r->len : strlen(r->input);
        int rc = ddb_number_canonical(r->input, len, out, err, sizeof err);
        if (rc != -1 || strcmp(err, r->message) != 0)
            fail_msg("%s: got rc %d, \"%s\"", r->name, rc,
                     rc == -1 ? err : out);
    }
}

static void canonical_should_be_idempotent(void **state)
{
    (void)state;
    char once[DDB_NUMBER_MAX_TEXT];
    char twice[DDB_NUMBER_MAX_TEXT];
    char err[256];
    for (size_t i = 0; i < sizeof canonical_rows / sizeof *canonical_rows;
         i++) {
        const char *in = canonical_rows[i].input;
        assert_int_equal(
            ddb_number_canonical(in, strlen(in), once, err, sizeof err), 0);
        assert_int_equal(ddb_number_canonical(once, strlen(once), twice, err,
                                              sizeof err), 0);
        assert_string_equal(once, twice);
    }
}

static void canonical_should_truncate_the_message_to_errlen(void **state)
{
    (void)state;
    char out[DDB_NUMBER_MAX_TEXT];
    char err[8];
    assert_int_equal(ddb_number_canonical("x", 1, out, err, sizeof err), -1);
    assert_string_equal(err, "The par");
}

struct compare_row {
    const char *name;
    const char *a;
    const char *b;
    int expected; /* -1, 0 or 1 */
};

static const struct compare_row compare_rows[] = {
    { "compare_should_find_equal_integers_equal", "5", "5", 0 },
    { "compare_should_order_small_before_large", "5", "50", -1 },
    { "compare_should_order_large_after_small", "50", "5", 1 },
    { "compare_should_order_by_magnitude_not_text", "9", "10", -1 },
    { "compare_should_order_fractions", "0.5", "0.25", 1 },
    { "compare_should_order_a_prefix_first", "1.2", "1.23", -1 },
    { "compare_should_order_negatives_before_zero", "-1", "0", -1 },
    { "compare_should_order_zero_before_positives", "0", "0.001", -1 },
    { "compare_should_order_negatives_before_positives", "-100", "1", -1 },
    { "compare_should_order_more_negative_first", "-50", "-5", -1 },
    { "compare_should_order_negative_prefixes_last", "-1.23", "-1.2", -1 },
    { "compare_should_find_zero_equal_to_itself", "0", "0", 0 },
    { "compare_should_find_negative_equal", "-3.5", "-3.5", 0 },
    { "compare_should_order_extremes", "-" MAX_N, MAX_N, -1 },
    { "compare_should_order_tiny_above_zero", MIN_N, "0", 1 },
    { "compare_should_order_negative_tiny_below_zero", "-" MIN_N, "0", -1 },
    { "compare_should_order_negative_fractions", "-0.5", "-0.25", -1 },
    { "compare_should_accept_non_canonical_spellings", "1e3", "1000", 0 },
    { "compare_should_find_negative_zero_equal_to_zero", "-0", "0", 0 },
};

static void compare_should_match_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof compare_rows / sizeof *compare_rows; i++) {
        const struct compare_row *r = &compare_rows[i];
        int c = ddb_number_compare(r->a, r->b);
        int sign = (c > 0) - (c < 0);
        int back = ddb_number_compare(r->b, r->a);
        int back_sign = (back > 0) - (back < 0);
        if (sign != r->expected || back_sign != -r->expected)
            fail_msg("%s: got %d and %d", r->name, sign, back_sign);
    }
}

struct sum_row {
    const char *name;
    const char *a;
    const char *b;
    bool is_sub;
    const char *expected; /* result, or the message when is_error */
    bool is_error;
};

static const struct sum_row sum_rows[] = {
    { "add_should_sum_integers", "1", "2", false, "3", false },
    { "add_should_carry", "999", "1", false, "1000", false },
    { "add_should_sum_fractions_exactly", "0.1", "0.2", false, "0.3", false },
    { "add_should_cancel_to_zero", "1.5", "-1.5", false, "0", false },
    { "add_should_handle_a_negative_left_side", "-5", "3", false, "-2",
      false },
    { "add_should_handle_two_negatives", "-5", "-3", false, "-8", false },
    { "add_should_handle_zero_left", "0", "-7.25", false, "-7.25", false },
    { "add_should_handle_zero_right", "-7.25", "0", false, "-7.25", false },
    { "add_should_handle_two_zeros", "0", "0", false, "0", false },
    { "add_should_keep_a_negative_fraction_with_zero", "-0.5", "0", false,
      "-0.5", false },
    { "add_should_strip_trailing_zeros_of_the_result", "1.25", "1.75", false,
      "3", false },
    { "add_should_keep_22_digit_precision", "1", "10000000000000000000000",
      false, "10000000000000000000001", false },
    { "add_should_keep_38_digits",
      "9999999999999999999999999999999999999", "1", false,
      "10000000000000000000000000000000000000", false },
    { "add_should_reach_38_digits", D38, "0", false, D38, false },
    { "add_should_add_tiny_to_tiny", MIN_N, MIN_N, false,
      "0.00000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000"
      "000000000002", false },
    { "add_should_report_overflow_past_the_range", "9e125", "9e125", false,
      OVERFLOW, true },
    { "add_should_report_precision_loss_as_overflow", "1e50", "1", false,
      OVERFLOW, true },
    { "add_should_carry_into_a_39th_integer_digit",
      "99999999999999999999999999999999999999", "1", false,
      "100000000000000000000000000000000000000", false },
    { "add_should_reject_a_39_digit_sum",
      "99999999999999999999999999999999999999", "0.1", false, OVERFLOW,
      true },
    { "add_should_reject_a_bad_operand", "abc", "1", false,
      NOT_NUMERIC ": abc", true },
    { "add_should_reject_an_out_of_range_operand", "1", "1e200", false,
      OVERFLOW, true },
    { "subtract_should_subtract", "10", "3", true, "7", false },
    { "subtract_should_go_negative", "3", "10", true, "-7", false },
    { "subtract_should_borrow", "1000", "1", true, "999", false },
    { "subtract_should_borrow_across_the_point", "1", "0.001", true, "0.999",
      false },
    { "subtract_should_handle_negative_right", "5", "-5", true, "10",
      false },
    { "subtract_should_reach_zero", "-2.5", "-2.5", true, "0", false },
    { "subtract_should_subtract_from_zero", "0", "4", true, "-4", false },
    { "subtract_should_subtract_zero", "-4", "0", true, "-4", false },
    { "subtract_should_keep_22_digit_precision", "10000000000000000000000",
      "1", true, "9999999999999999999999", false },
    { "subtract_should_report_overflow_past_the_range", "9e125", "-9e125",
      true, OVERFLOW, true },
    { "subtract_should_report_precision_loss_as_overflow", "1e50", "1", true,
      OVERFLOW, true },
    { "subtract_should_cross_zero_with_fractions", "0.25", "0.5", true,
      "-0.25", false },
};

static void sums_should_match_table(void **state)
{
    (void)state;
    char out[DDB_NUMBER_MAX_TEXT];
    char err[256];
    for (size_t i = 0; i < sizeof sum_rows / sizeof *sum_rows; i++) {
        const struct sum_row *r = &sum_rows[i];
        int rc = r->is_sub
                     ? ddb_number_subtract(r->a, r->b, out, err, sizeof err)
                     : ddb_number_add(r->a, r->b, out, err, sizeof err);
        const char *got = rc == 0 ? out : err;
        if (rc != (r->is_error ? -1 : 0) || strcmp(got, r->expected) != 0)
            fail_msg("%s: got rc %d, \"%s\"", r->name, rc, got);
    }
}

/* memcmp sign of two encodings. */
static int key_order(const char *a, const char *b)
{
    struct buf x;
    struct buf y;
    buf_init(&x, 0);
    buf_init(&y, 0);
    ddb_number_encode_key(a, &x);
    ddb_number_encode_key(b, &y);
    size_t n = x.len < y.len ? x.len : y.len;
    int c = memcmp(x.data, y.data, n);
    if (c == 0)
        c = (x.len > y.len) - (x.len < y.len);
    buf_clear(&x);
    buf_clear(&y);
    return (c > 0) - (c < 0);
}

static void encode_key_should_follow_the_compare_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof compare_rows / sizeof *compare_rows; i++) {
        const struct compare_row *r = &compare_rows[i];
        char a[DDB_NUMBER_MAX_TEXT];
        char b[DDB_NUMBER_MAX_TEXT];
        char err[256];
        assert_int_equal(
            ddb_number_canonical(r->a, strlen(r->a), a, err, sizeof err), 0);
        assert_int_equal(
            ddb_number_canonical(r->b, strlen(r->b), b, err, sizeof err), 0);
        if (key_order(a, b) != r->expected)
            fail_msg("%s: key order %d", r->name, key_order(a, b));
    }
}

/* Numbers in ascending order, including pairs that share long prefixes. */
static const char *const ascending[] = {
    "-" MAX_N, "-1e125", "-123456789", "-100", "-99.99", "-10.5", "-10.05",
    "-10", "-9", "-1.23", "-1.2", "-1.05", "-1.0000000000000000000000000001",
    "-1", "-0.5", "-0.05", "-0.0500001", "-" MIN_N, "0", MIN_N, "1.5e-130",
    "0.001", "0.0011", "0.01", "0.1", "0.15", "1", "1.0000000000000000001",
    "1.05", "1.2", "1.23", "9", "10", "10.05", "10.5", "99.99", "100",
    "123456789", "1e125", MAX_N,
};

static void encode_key_should_sort_a_hand_picked_ladder(void **state)
{
    (void)state;
    size_t n = sizeof ascending / sizeof *ascending;
    char canon[sizeof ascending / sizeof *ascending][DDB_NUMBER_MAX_TEXT];
    char err[256];
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ddb_number_canonical(ascending[i],
                                              strlen(ascending[i]), canon[i],
                                              err, sizeof err), 0);
    /* The ladder as written above is not quite sorted: fix the order with
     * compare, then require the keys to agree with it everywhere. */
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            int c = ddb_number_compare(canon[i], canon[j]);
            int sign = (c > 0) - (c < 0);
            if (key_order(canon[i], canon[j]) != sign)
                fail_msg("%s vs %s", canon[i], canon[j]);
        }
    }
}

static void encode_key_should_be_equal_for_equal_numbers(void **state)
{
    (void)state;
    static const char *const same[][2] = {
        { "1.50", "1.5" }, { "1e3", "1000" }, { "-0", "0" },
        { "0001", "1" }, { "+3", "3" }, { ".5", "0.5" },
    };
    for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
        char a[DDB_NUMBER_MAX_TEXT];
        char b[DDB_NUMBER_MAX_TEXT];
        char err[256];
        struct buf x;
        struct buf y;
        assert_int_equal(ddb_number_canonical(same[i][0], strlen(same[i][0]),
                                              a, err, sizeof err), 0);
        assert_int_equal(ddb_number_canonical(same[i][1], strlen(same[i][1]),
                                              b, err, sizeof err), 0);
        buf_init(&x, 0);
        buf_init(&y, 0);
        ddb_number_encode_key(a, &x);
        ddb_number_encode_key(b, &y);
        assert_int_equal(x.len, y.len);
        assert_memory_equal(x.data, y.data, x.len);
        buf_clear(&x);
        buf_clear(&y);
    }
}

static void encode_key_should_be_prefix_free_for_composite_keys(void **state)
{
    (void)state;
    /* "1" followed by more key bytes must still sort below "1.05". */
    struct buf a;
    struct buf b;
    buf_init(&a, 0);
    buf_init(&b, 0);
    ddb_number_encode_key("1", &a);
    buf_append(&a, "\xff\xff", 2);
    ddb_number_encode_key("1.05", &b);
    size_t n = a.len < b.len ? a.len : b.len;
    assert_true(memcmp(a.data, b.data, n) < 0);
    buf_reset(&a);
    buf_reset(&b);
    ddb_number_encode_key("-1", &a);
    ddb_number_encode_key("-1.05", &b);
    buf_append(&b, "\xff\xff", 2);
    n = a.len < b.len ? a.len : b.len;
    assert_true(memcmp(b.data, a.data, n) < 0);
    buf_clear(&a);
    buf_clear(&b);
}

/* Deterministic xorshift generator for the property tests. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int rng_range(int lo, int hi)
{
    return lo + (int)(rng() % (uint64_t)(hi - lo + 1));
}

/* A random number in range, as canonical text. Exponents cluster in a
 * narrow band half the time so that sums and near-equal pairs happen. */
static void random_number(char *out, const char *near)
{
    char text[DDB_NUMBER_MAX_TEXT + 8];
    char err[256];
    int ndig = rng_range(1, DDB_NUMBER_MAX_DIGITS);
    int exp = rng() % 2 ? rng_range(-130, 125) : rng_range(-4, 4);
    if (near != NULL && rng() % 2) {
        /* Copy a prefix of another number and change its tail. */
        size_t keep = (size_t)rng_range(0, (int)strlen(near));
        memcpy(text, near, keep);
        snprintf(text + keep, sizeof text - keep, "%d", rng_range(0, 99));
        if (ddb_number_canonical(text, strlen(text), out, err, sizeof err)
            == 0)
            return;
    }
    size_t n = 0;
    if (rng() % 2)
        text[n++] = '-';
    text[n++] = (char)('1' + rng() % 9);
    text[n++] = '.';
    for (int k = 1; k < ndig; k++)
        text[n++] = (char)('0' + rng() % 10);
    snprintf(text + n, sizeof text - n, "e%d", exp);
    if (rng() % 16 == 0)
        strcpy(text, "0");
    int rc = ddb_number_canonical(text, strlen(text), out, err, sizeof err);
    assert_int_equal(rc, 0);
}

#define PROPERTY_ROUNDS 20000

static void encode_key_should_order_like_compare_for_random_numbers(
    void **state)
{
    (void)state;
    char a[DDB_NUMBER_MAX_TEXT];
    char b[DDB_NUMBER_MAX_TEXT];
    rng_state = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < PROPERTY_ROUNDS; i++) {
        random_number(a, NULL);
        random_number(b, rng() % 2 ? a : NULL);
        int c = ddb_number_compare(a, b);
        int sign = (c > 0) - (c < 0);
        if (key_order(a, b) != sign)
            fail_msg("round %d: %s vs %s: compare %d", i, a, b, sign);
        if (strcmp(a, b) == 0 && sign != 0)
            fail_msg("round %d: equal text compares %d", i, sign);
        if (sign == 0 && strcmp(a, b) != 0)
            fail_msg("round %d: %s == %s but texts differ", i, a, b);
    }
}

/* a - b has the sign of compare(a, b), and a + b - b gives back a. */
static void compare_should_agree_with_subtract_for_random_numbers(
    void **state)
{
    (void)state;
    char a[DDB_NUMBER_MAX_TEXT];
    char b[DDB_NUMBER_MAX_TEXT];
    char d[DDB_NUMBER_MAX_TEXT];
    char s[DDB_NUMBER_MAX_TEXT];
    char err[256];
    int checked = 0;
    rng_state = 0x0123456789ABCDEFull;
    for (int i = 0; i < PROPERTY_ROUNDS; i++) {
        random_number(a, NULL);
        random_number(b, rng() % 2 ? a : NULL);
        int c = ddb_number_compare(a, b);
        if (ddb_number_subtract(a, b, d, err, sizeof err) == 0) {
            int sign = strcmp(d, "0") == 0 ? 0 : d[0] == '-' ? -1 : 1;
            if (sign != (c > 0) - (c < 0))
                fail_msg("%s - %s = %s but compare %d", a, b, d, c);
            checked++;
        }
        if (ddb_number_add(a, b, s, err, sizeof err) == 0 &&
            ddb_number_subtract(s, b, d, err, sizeof err) == 0 &&
            strcmp(d, a) != 0)
            fail_msg("%s + %s - %s = %s", a, b, b, d);
    }
    assert_true(checked > PROPERTY_ROUNDS / 4);
}

static int setup(void **state)
{
    (void)state;
    mem_install_cjson_hooks();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(canonical_should_match_table),
        cmocka_unit_test(canonical_should_reject_bad_numbers_with_aws_messages),
        cmocka_unit_test(canonical_should_be_idempotent),
        cmocka_unit_test(canonical_should_truncate_the_message_to_errlen),
        cmocka_unit_test(compare_should_match_table),
        cmocka_unit_test(sums_should_match_table),
        cmocka_unit_test(encode_key_should_follow_the_compare_table),
        cmocka_unit_test(encode_key_should_sort_a_hand_picked_ladder),
        cmocka_unit_test(encode_key_should_be_equal_for_equal_numbers),
        cmocka_unit_test(encode_key_should_be_prefix_free_for_composite_keys),
        cmocka_unit_test(
            encode_key_should_order_like_compare_for_random_numbers),
        cmocka_unit_test(
            compare_should_agree_with_subtract_for_random_numbers),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
