/* Unit tests for ddb_value: normalization with AWS's messages, item size,
 * equality, scalar comparison, key bytes and copies. Values are written as
 * wire JSON, one table row each. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/mem.h"
#include "dynamodb/ddb_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INVALID "One or more parameter values were invalid: "
#define EMPTY                                                          \
    "Supplied AttributeValue is empty, must contain exactly one of the " \
    "supported datatypes"
#define MANY                                                               \
    "Supplied AttributeValue has more than one datatypes set, must contain " \
    "exactly one of the supported datatypes"
#define NOT_NUMERIC "The parameter cannot be converted to a numeric value"
#define NESTING                                                           \
    "Nesting Levels have exceeded supported limits: Attributes in the item " \
    "have nested levels beyond supported limit"

static cJSON *parse(const char *text)
{
    cJSON *v = json_parse(text, strlen(text));
    if (v == NULL)
        fail_msg("bad JSON in test table: %s", text);
    return v;
}

/* Unformatted JSON of v, for comparing against expected text. */
static char *print(const cJSON *v)
{
    char *s = cJSON_PrintUnformatted(v);
    assert_non_null(s);
    return s;
}

static bool same_json(const cJSON *v, const char *expected)
{
    cJSON *e = parse(expected);
    char *a = print(v);
    char *b = print(e);
    bool same = strcmp(a, b) == 0;
    free(a);
    free(b);
    cJSON_Delete(e);
    return same;
}

struct normalize_row {
    const char *name;
    const char *input;
    const char *expected;
};

static const struct normalize_row normalize_rows[] = {
    { "normalize_should_keep_a_string", "{\"S\":\"x\"}", "{\"S\":\"x\"}" },
    { "normalize_should_allow_an_empty_string", "{\"S\":\"\"}",
      "{\"S\":\"\"}" },
    { "normalize_should_keep_utf8", "{\"S\":\"caf\\u00e9\"}",
      "{\"S\":\"caf\\u00e9\"}" },
    { "normalize_should_canonicalize_a_number", "{\"N\":\"1.50\"}",
      "{\"N\":\"1.5\"}" },
    { "normalize_should_expand_an_exponent", "{\"N\":\"1e3\"}",
      "{\"N\":\"1000\"}" },
    { "normalize_should_turn_negative_zero_into_zero", "{\"N\":\"-0\"}",
      "{\"N\":\"0\"}" },
    { "normalize_should_strip_leading_zeros", "{\"N\":\"0001\"}",
      "{\"N\":\"1\"}" },
    { "normalize_should_grow_a_short_number_text", "{\"N\":\"1e9\"}",
      "{\"N\":\"1000000000\"}" },
    { "normalize_should_keep_binary", "{\"B\":\"YWJj\"}", "{\"B\":\"YWJj\"}" },
    { "normalize_should_allow_empty_binary", "{\"B\":\"\"}", "{\"B\":\"\"}" },
    { "normalize_should_keep_padded_binary", "{\"B\":\"Yg==\"}",
      "{\"B\":\"Yg==\"}" },
    { "normalize_should_keep_a_string_set", "{\"SS\":[\"a\",\"b\"]}",
      "{\"SS\":[\"a\",\"b\"]}" },
    { "normalize_should_allow_an_empty_string_in_a_set",
      "{\"SS\":[\"\",\"a\"]}", "{\"SS\":[\"\",\"a\"]}" },
    { "normalize_should_canonicalize_set_numbers",
      "{\"NS\":[\"1.0\",\"2e2\",\"-0.50\"]}",
      "{\"NS\":[\"1\",\"200\",\"-0.5\"]}" },
    { "normalize_should_keep_a_binary_set", "{\"BS\":[\"YQ==\",\"Yg==\"]}",
      "{\"BS\":[\"YQ==\",\"Yg==\"]}" },
    { "normalize_should_allow_one_empty_binary_in_a_set",
      "{\"BS\":[\"\",\"Yg==\"]}", "{\"BS\":[\"\",\"Yg==\"]}" },
    { "normalize_should_keep_true_null", "{\"NULL\":true}",
      "{\"NULL\":true}" },
    { "normalize_should_keep_true", "{\"BOOL\":true}", "{\"BOOL\":true}" },
    { "normalize_should_keep_false", "{\"BOOL\":false}", "{\"BOOL\":false}" },
    { "normalize_should_allow_an_empty_map", "{\"M\":{}}", "{\"M\":{}}" },
    { "normalize_should_allow_an_empty_list", "{\"L\":[]}", "{\"L\":[]}" },
    { "normalize_should_recurse_into_maps",
      "{\"M\":{\"a\":{\"N\":\"01\"},\"b\":{\"M\":{\"c\":{\"N\":\"2.0\"}}}}}",
      "{\"M\":{\"a\":{\"N\":\"1\"},\"b\":{\"M\":{\"c\":{\"N\":\"2\"}}}}}" },
    { "normalize_should_recurse_into_lists",
      "{\"L\":[{\"N\":\"1e1\"},{\"L\":[{\"NS\":[\"3.0\"]}]},{\"S\":\"x\"}]}",
      "{\"L\":[{\"N\":\"10\"},{\"L\":[{\"NS\":[\"3\"]}]},{\"S\":\"x\"}]}" },
    { "normalize_should_allow_an_empty_map_key_inside_a_map",
      "{\"M\":{\"\":{\"S\":\"x\"}}}", "{\"M\":{\"\":{\"S\":\"x\"}}}" },
    { "normalize_should_drop_unknown_members", "{\"S\":\"x\",\"Q\":1}",
      "{\"S\":\"x\"}" },
    { "normalize_should_drop_null_members", "{\"S\":null,\"N\":\"5\"}",
      "{\"N\":\"5\"}" },
    { "normalize_should_treat_lower_case_names_as_unknown",
      "{\"s\":\"x\",\"BOOL\":true}", "{\"BOOL\":true}" },
};

static void normalize_should_produce_canonical_values(void **state)
{
    (void)state;
    char err[512];
    for (size_t i = 0; i < sizeof normalize_rows / sizeof *normalize_rows;
         i++) {
        const struct normalize_row *r = &normalize_rows[i];
        cJSON *v = parse(r->input);
        int rc = ddb_value_normalize(v, 0, err, sizeof err);
        if (rc != 0)
            fail_msg("%s: rejected: %s", r->name, err);
        if (!same_json(v, r->expected)) {
            char *got = print(v);
            fail_msg("%s: got %s", r->name, got);
        }
        cJSON_Delete(v);
    }
}

struct error_row {
    const char *name;
    const char *input;
    const char *message;
    bool is_serialization; /* AWS answers SerializationException */
};

static const struct error_row error_rows[] = {
    { "normalize_should_reject_an_empty_object", "{}", EMPTY, false },
    { "normalize_should_reject_only_unknown_members", "{\"a\":\"\"}", EMPTY,
      false },
    { "normalize_should_reject_a_null_payload", "{\"S\":null}", EMPTY,
      false },
    { "normalize_should_reject_json_null", "null", EMPTY, false },
    { "normalize_should_reject_an_empty_value_inside_a_map",
      "{\"M\":{\"a\":{}}}", EMPTY, false },
    { "normalize_should_reject_an_empty_value_inside_a_list",
      "{\"L\":[{}]}", EMPTY, false },
    { "normalize_should_reject_an_unknown_value_inside_a_list",
      "{\"L\":[{\"a\":{}}]}", EMPTY, false },
    { "normalize_should_reject_two_types", "{\"S\":\"a\",\"N\":\"1\"}", MANY,
      false },
    { "normalize_should_reject_three_types",
      "{\"S\":\"a\",\"BOOL\":true,\"NULL\":true}", MANY, false },
    { "normalize_should_report_a_bad_number_before_two_types",
      "{\"S\":\"a\",\"N\":\"b\"}", NOT_NUMERIC ": b", false },
    { "normalize_should_report_an_empty_number_before_two_types",
      "{\"S\":\"\",\"N\":\"\"}", NOT_NUMERIC, false },
    { "normalize_should_reject_an_empty_number", "{\"N\":\"\"}", NOT_NUMERIC,
      false },
    { "normalize_should_reject_a_word_as_number", "{\"N\":\"abc\"}",
      NOT_NUMERIC ": abc", false },
    { "normalize_should_reject_a_spaced_number", "{\"N\":\" 1\"}",
      NOT_NUMERIC ":  1", false },
    { "normalize_should_reject_39_digits",
      "{\"N\":\"123456789012345678901234567890123456789\"}",
      "Attempting to store more than 38 significant digits in a Number",
      false },
    { "normalize_should_reject_overflow", "{\"N\":\"1e126\"}",
      "Number overflow. Attempting to store a number with magnitude larger "
      "than supported range", false },
    { "normalize_should_reject_underflow", "{\"N\":\"-1e-131\"}",
      "Number underflow. Attempting to store a number with magnitude smaller "
      "than supported range", false },
    { "normalize_should_reject_false_null", "{\"NULL\":false}",
      INVALID "Null attribute value types must have the value of true",
      false },
    { "normalize_should_reject_an_empty_string_set", "{\"SS\":[]}",
      INVALID "An string set  may not be empty", false },
    { "normalize_should_reject_an_empty_number_set", "{\"NS\":[]}",
      INVALID "An number set  may not be empty", false },
    { "normalize_should_reject_an_empty_binary_set", "{\"BS\":[]}",
      INVALID "Binary sets should not be empty", false },
    { "normalize_should_reject_an_empty_set_deep_inside",
      "{\"M\":{\"a\":{\"L\":[{\"SS\":[]}]}}}",
      INVALID "An string set  may not be empty", false },
    { "normalize_should_reject_duplicate_strings", "{\"SS\":[\"a\",\"a\"]}",
      INVALID "Input collection [a, a] contains duplicates.", false },
    { "normalize_should_list_every_member_of_a_duplicate_set",
      "{\"SS\":[\"x\",\"a\",\"b\",\"a\"]}",
      INVALID "Input collection [x, a, b, a] contains duplicates.", false },
    { "normalize_should_reject_duplicate_empty_strings",
      "{\"SS\":[\"\",\"\"]}", INVALID "Input collection [, ] contains "
      "duplicates.", false },
    { "normalize_should_reject_duplicate_numbers", "{\"NS\":[\"1\",\"1\"]}",
      "Input collection contains duplicates", false },
    { "normalize_should_reject_numbers_equal_by_value",
      "{\"NS\":[\"1\",\"1.0\",\"2\"]}", "Input collection contains duplicates",
      false },
    { "normalize_should_reject_an_empty_number_in_a_set",
      "{\"NS\":[\"1\",\"\"]}", NOT_NUMERIC, false },
    { "normalize_should_reject_a_word_in_a_number_set",
      "{\"NS\":[\"1\",\"b\"]}", NOT_NUMERIC ": b", false },
    { "normalize_should_reject_duplicate_binaries",
      "{\"BS\":[\"Yg==\",\"Yg==\"]}",
      INVALID "Input collection [Yg==, Yg==]of type BS contains duplicates.",
      false },
    { "normalize_should_reject_duplicate_empty_binaries",
      "{\"BS\":[\"\",\"\"]}",
      INVALID "Input collection [, ]of type BS contains duplicates.", false },
    { "normalize_should_reject_false_null_inside_a_list",
      "{\"L\":[{\"NULL\":false}]}",
      INVALID "Null attribute value types must have the value of true",
      false },
    { "normalize_should_reject_a_number_as_string_payload", "{\"S\":23}",
      "NUMBER_VALUE cannot be converted to String", true },
    { "normalize_should_reject_a_decimal_as_string_payload", "{\"S\":34.56}",
      "DECIMAL_VALUE cannot be converted to String", true },
    { "normalize_should_reject_true_as_string_payload", "{\"S\":true}",
      "TRUE_VALUE cannot be converted to String", true },
    { "normalize_should_reject_false_as_string_payload", "{\"S\":false}",
      "FALSE_VALUE cannot be converted to String", true },
    { "normalize_should_reject_a_list_as_string_payload", "{\"S\":[]}",
      "Unrecognized collection type class java.lang.String", true },
    { "normalize_should_reject_a_map_as_string_payload", "{\"S\":{}}",
      "Start of structure or map found where not expected", true },
    { "normalize_should_reject_a_json_number_for_n", "{\"N\":123}",
      "NUMBER_VALUE cannot be converted to String", true },
    { "normalize_should_reject_a_large_json_number_for_n",
      "{\"N\":2147483648}", "NUMBER_VALUE cannot be converted to String",
      true },
    { "normalize_should_reject_a_string_for_bool", "{\"BOOL\":\"true\"}",
      "Unexpected token received from parser", true },
    { "normalize_should_reject_a_number_for_bool", "{\"BOOL\":23}",
      "NUMBER_VALUE cannot be converted to Boolean", true },
    { "normalize_should_reject_a_decimal_for_null", "{\"NULL\":34.56}",
      "DECIMAL_VALUE cannot be converted to Boolean", true },
    { "normalize_should_reject_a_list_for_null", "{\"NULL\":[]}",
      "Unrecognized collection type class java.lang.Boolean", true },
    { "normalize_should_reject_a_map_for_bool", "{\"BOOL\":{}}",
      "Start of structure or map found where not expected", true },
    { "normalize_should_reject_a_number_for_binary", "{\"B\":23}",
      "only base-64-encoded strings are convertible to bytes", true },
    { "normalize_should_reject_true_for_binary", "{\"B\":true}",
      "only base-64-encoded strings are convertible to bytes", true },
    { "normalize_should_reject_a_list_for_binary", "{\"B\":[]}",
      "Unrecognized collection type class java.nio.ByteBuffer", true },
    { "normalize_should_reject_a_map_for_binary", "{\"B\":{}}",
      "Start of structure or map found where not expected", true },
    { "normalize_should_reject_base64_of_bad_length", "{\"B\":\"23456\"}",
      "Base64 encoded length is expected a multiple of 4 bytes but found: 5",
      true },
    { "normalize_should_reject_a_leading_pad", "{\"B\":\"=+/=\"}",
      "Invalid last non-pad Base64 character dectected", true },
    { "normalize_should_reject_base64_with_stray_bits", "{\"B\":\"+/+=\"}",
      "Invalid last non-pad Base64 character dectected", true },
    { "normalize_should_reject_base64_with_stray_bits_before_two_pads",
      "{\"B\":\"Yh==\"}", "Invalid last non-pad Base64 character dectected",
      true },
    { "normalize_should_reject_a_bad_base64_character", "{\"B\":\"ab!d\"}",
      "Invalid last non-pad Base64 character dectected", true },
    { "normalize_should_reject_bad_base64_in_a_set",
      "{\"BS\":[\"Yg==\",\"abc\"]}",
      "Base64 encoded length is expected a multiple of 4 bytes but found: 3",
      true },
    { "normalize_should_reject_a_number_in_a_binary_set", "{\"BS\":[1]}",
      "only base-64-encoded strings are convertible to bytes", true },
    { "normalize_should_reject_a_string_for_a_set", "{\"SS\":\"23\"}",
      "Unexpected field type", true },
    { "normalize_should_reject_a_map_for_a_set", "{\"NS\":{}}",
      "Start of structure or map found where not expected", true },
    { "normalize_should_reject_a_number_in_a_string_set", "{\"SS\":[23]}",
      "NUMBER_VALUE cannot be converted to String", true },
    { "normalize_should_reject_a_number_in_a_number_set", "{\"NS\":[23]}",
      "NUMBER_VALUE cannot be converted to String", true },
    { "normalize_should_reject_a_string_for_a_list", "{\"L\":\"23\"}",
      "Unexpected field type", true },
    { "normalize_should_reject_a_map_for_a_list", "{\"L\":{}}",
      "Start of structure or map found where not expected", true },
    { "normalize_should_reject_a_number_for_a_map", "{\"M\":23}",
      "Unexpected field type", true },
    { "normalize_should_reject_a_list_for_a_map", "{\"M\":[]}",
      "Unrecognized collection type java.util.Map<java.lang.String, "
      "com.amazonaws.dynamodb.v20120810.AttributeValue>", true },
    { "normalize_should_reject_a_string_as_list_element", "{\"L\":[\"23\"]}",
      "Unexpected value type in payload", true },
    { "normalize_should_reject_a_list_as_map_value", "{\"M\":{\"a\":[]}}",
      "Unrecognized collection type class "
      "com.amazonaws.dynamodb.v20120810.AttributeValue", true },
    { "normalize_should_reject_a_bare_string", "\"x\"",
      "Unexpected value type in payload", true },
};

static void normalize_should_reject_bad_values_with_aws_messages(
    void **state)
{
    (void)state;
    char err[512];
    for (size_t i = 0; i < sizeof error_rows / sizeof *error_rows; i++) {
        const struct error_row *r = &error_rows[i];
        cJSON *v = parse(r->input);
        strcpy(err, "(unset)");
        int rc = ddb_value_normalize(v, 0, err, sizeof err);
        if (rc != -1 || strcmp(err, r->message) != 0)
            fail_msg("%s: got rc %d, \"%s\"", r->name, rc, err);
        if (ddb_value_error_is_serialization(err) != r->is_serialization)
            fail_msg("%s: wrong error class", r->name);
        cJSON_Delete(v);
    }
}

/* {"M":{"n": ... {"S":"leaf"}}} with `wraps` maps around the leaf. */
static cJSON *deep_map(int wraps)
{
    cJSON *v = cJSON_CreateObject();
    cJSON_AddStringToObject(v, "S", "leaf");
    for (int i = 0; i < wraps; i++) {
        cJSON *outer = cJSON_CreateObject();
        cJSON *m = cJSON_AddObjectToObject(outer, "M");
        cJSON_AddItemToObject(m, "n", v); /* moves v into outer */
        v = outer;
    }
    return v;
}

static cJSON *deep_list(int wraps)
{
    cJSON *v = cJSON_CreateObject();
    cJSON_AddTrueToObject(v, "NULL");
    for (int i = 0; i < wraps; i++) {
        cJSON *outer = cJSON_CreateObject();
        cJSON *l = cJSON_AddArrayToObject(outer, "L");
        cJSON_AddItemToArray(l, v); /* moves v into outer */
        v = outer;
    }
    return v;
}

struct depth_row {
    const char *name;
    bool is_list;
    int wraps;
    int depth; /* depth argument to normalize */
    bool is_accepted;
};

/* AWS accepts 31 maps around a leaf (leaf at level 32) and rejects 32. */
static const struct depth_row depth_rows[] = {
    { "normalize_should_accept_31_nested_maps", false, 31, 0, true },
    { "normalize_should_reject_32_nested_maps", false, 32, 0, false },
    { "normalize_should_accept_31_nested_lists", true, 31, 0, true },
    { "normalize_should_reject_32_nested_lists", true, 32, 0, false },
    { "normalize_should_count_the_starting_depth", false, 30, 1, true },
    { "normalize_should_reject_when_the_start_is_deep", false, 31, 1, false },
    { "normalize_should_reject_a_scalar_at_depth_32", false, 0, 32, false },
    { "normalize_should_accept_a_scalar_at_depth_31", false, 0, 31, true },
    { "normalize_should_reject_far_deeper_values", true, 200, 0, false },
};

static void normalize_should_enforce_the_nesting_limit(void **state)
{
    (void)state;
    char err[512];
    for (size_t i = 0; i < sizeof depth_rows / sizeof *depth_rows; i++) {
        const struct depth_row *r = &depth_rows[i];
        cJSON *v = r->is_list ? deep_list(r->wraps) : deep_map(r->wraps);
        int rc = ddb_value_normalize(v, r->depth, err, sizeof err);
        if (r->is_accepted && rc != 0)
            fail_msg("%s: rejected: %s", r->name, err);
        if (!r->is_accepted && (rc != -1 || strcmp(err, NESTING) != 0))
            fail_msg("%s: got rc %d, \"%s\"", r->name, rc, err);
        cJSON_Delete(v);
    }
}

struct item_row {
    const char *name;
    const char *input;
    const char *expected; /* normalized item, or the message */
    bool is_error;
};

static const struct item_row item_rows[] = {
    { "item_normalize_should_normalize_every_attribute",
      "{\"a\":{\"N\":\"1.0\"},\"b\":{\"S\":\"x\"}}",
      "{\"a\":{\"N\":\"1\"},\"b\":{\"S\":\"x\"}}", false },
    { "item_normalize_should_accept_an_empty_item", "{}", "{}", false },
    { "item_normalize_should_reject_an_empty_attribute_name",
      "{\"\":{\"S\":\"x\"}}", INVALID "An attribute name cannot be empty",
      true },
    { "item_normalize_should_reject_a_bad_attribute",
      "{\"a\":{\"S\":\"x\"},\"b\":{\"SS\":[]}}",
      INVALID "An string set  may not be empty", true },
    { "item_normalize_should_reject_an_empty_value", "{\"a\":{}}", EMPTY,
      true },
    { "item_normalize_should_reject_a_list_item", "[]",
      "Unrecognized collection type java.util.Map<java.lang.String, "
      "com.amazonaws.dynamodb.v20120810.AttributeValue>", true },
    { "item_normalize_should_reject_a_string_item", "\"x\"",
      "Unexpected field type", true },
};

static void item_normalize_should_match_table(void **state)
{
    (void)state;
    char err[512];
    for (size_t i = 0; i < sizeof item_rows / sizeof *item_rows; i++) {
        const struct item_row *r = &item_rows[i];
        cJSON *v = parse(r->input);
        int rc = ddb_item_normalize(v, err, sizeof err);
        if (r->is_error && (rc != -1 || strcmp(err, r->expected) != 0))
            fail_msg("%s: got rc %d, \"%s\"", r->name, rc, err);
        if (!r->is_error && (rc != 0 || !same_json(v, r->expected)))
            fail_msg("%s: got rc %d, \"%s\"", r->name, rc,
                     rc ? err : "different JSON");
        cJSON_Delete(v);
    }
}

struct size_row {
    const char *name;
    const char *item;
    size_t expected;
};

static const struct size_row size_rows[] = {
    { "item_size_should_count_name_and_string_bytes",
      "{\"id\":{\"S\":\"abc\"}}", 5 },
    { "item_size_should_count_utf8_bytes_of_strings",
      "{\"a\":{\"S\":\"\\u00e9\\u20ac\"}}", 1 + 5 },
    { "item_size_should_count_utf8_bytes_of_names",
      "{\"\\u00e9\":{\"S\":\"\"}}", 2 },
    { "item_size_should_count_an_empty_string_as_zero",
      "{\"ab\":{\"S\":\"\"}}", 2 },
    { "item_size_should_size_a_five_digit_number", "{\"n\":{\"N\":\"12345\"}}",
      1 + 4 },
    { "item_size_should_size_a_one_digit_number", "{\"n\":{\"N\":\"7\"}}",
      1 + 2 },
    { "item_size_should_size_zero", "{\"n\":{\"N\":\"0\"}}", 1 + 1 },
    { "item_size_should_trim_trailing_integer_zeros",
      "{\"n\":{\"N\":\"1000000\"}}", 1 + 2 },
    { "item_size_should_trim_leading_fraction_zeros",
      "{\"n\":{\"N\":\"-0.00012\"}}", 1 + 2 },
    { "item_size_should_count_digits_across_the_point",
      "{\"n\":{\"N\":\"10.01\"}}", 1 + 3 },
    { "item_size_should_size_38_digits",
      "{\"n\":{\"N\":\"12345678901234567890123456789012345678\"}}",
      1 + 20 },
    { "item_size_should_count_raw_binary_bytes", "{\"b\":{\"B\":\"YWJj\"}}",
      1 + 3 },
    { "item_size_should_count_binary_after_padding",
      "{\"b\":{\"B\":\"YWI=\"}}", 1 + 2 },
    { "item_size_should_count_binary_after_two_pads",
      "{\"b\":{\"B\":\"YQ==\"}}", 1 + 1 },
    { "item_size_should_count_empty_binary_as_zero", "{\"b\":{\"B\":\"\"}}",
      1 },
    { "item_size_should_count_null_as_one", "{\"x\":{\"NULL\":true}}", 2 },
    { "item_size_should_count_bool_as_one", "{\"flag\":{\"BOOL\":false}}",
      5 },
    { "item_size_should_sum_string_set_members",
      "{\"s\":{\"SS\":[\"ab\",\"cde\"]}}", 1 + 5 },
    { "item_size_should_sum_number_set_members",
      "{\"s\":{\"NS\":[\"1\",\"123\"]}}", 1 + 2 + 3 },
    { "item_size_should_sum_binary_set_members",
      "{\"s\":{\"BS\":[\"YQ==\",\"YWJj\"]}}", 1 + 4 },
    { "item_size_should_give_an_empty_map_three_bytes", "{\"m\":{\"M\":{}}}",
      1 + 3 },
    { "item_size_should_give_an_empty_list_three_bytes", "{\"l\":{\"L\":[]}}",
      1 + 3 },
    { "item_size_should_add_one_byte_per_list_element",
      "{\"l\":{\"L\":[{\"S\":\"ab\"},{\"NULL\":true}]}}",
      1 + 3 + (1 + 2) + (1 + 1) },
    { "item_size_should_add_key_names_and_one_byte_per_map_element",
      "{\"m\":{\"M\":{\"key\":{\"S\":\"ab\"},\"k\":{\"BOOL\":true}}}}",
      1 + 3 + (1 + 3 + 2) + (1 + 1 + 1) },
    { "item_size_should_recurse_into_nested_documents",
      "{\"d\":{\"M\":{\"l\":{\"L\":[{\"M\":{}}]}}}}",
      1 + 3 + (1 + 1 + 3 + (1 + 3)) },
    { "item_size_should_sum_attributes",
      "{\"id\":{\"S\":\"abc\"},\"n\":{\"N\":\"12345\"},"
      "\"flag\":{\"BOOL\":true}}", 5 + 5 + 5 },
    { "item_size_should_be_zero_for_an_empty_item", "{}", 0 },
};

static void item_size_should_match_table(void **state)
{
    (void)state;
    char err[512];
    for (size_t i = 0; i < sizeof size_rows / sizeof *size_rows; i++) {
        const struct size_row *r = &size_rows[i];
        cJSON *v = parse(r->item);
        if (ddb_item_normalize(v, err, sizeof err) != 0)
            fail_msg("%s: rejected: %s", r->name, err);
        size_t got = ddb_item_size(v);
        if (got != r->expected)
            fail_msg("%s: got %zu, want %zu", r->name, got, r->expected);
        cJSON_Delete(v);
    }
}

static void value_size_should_exclude_the_attribute_name(void **state)
{
    (void)state;
    cJSON *v = parse("{\"S\":\"abcd\"}");
    assert_int_equal(ddb_value_size(v), 4);
    cJSON_Delete(v);
    v = parse("{\"bogus\":1}");
    assert_int_equal(ddb_value_size(v), 0);
    cJSON_Delete(v);
}

struct pair_row {
    const char *name;
    const char *a;
    const char *b;
    int expected; /* equal: 1/0; compare: -1, 0, 1, or 2 for an error */
};

static const struct pair_row equal_rows[] = {
    { "equal_should_match_equal_strings", "{\"S\":\"a\"}", "{\"S\":\"a\"}",
      1 },
    { "equal_should_tell_strings_apart", "{\"S\":\"a\"}", "{\"S\":\"b\"}",
      0 },
    { "equal_should_compare_numbers_by_value", "{\"N\":\"1.0\"}",
      "{\"N\":\"1\"}", 1 },
    { "equal_should_tell_numbers_apart", "{\"N\":\"1\"}", "{\"N\":\"-1\"}",
      0 },
    { "equal_should_not_match_a_string_to_a_number", "{\"S\":\"1\"}",
      "{\"N\":\"1\"}", 0 },
    { "equal_should_compare_binary_bytes", "{\"B\":\"YWJj\"}",
      "{\"B\":\"YWJj\"}", 1 },
    { "equal_should_tell_binaries_apart", "{\"B\":\"YWJj\"}",
      "{\"B\":\"YWJk\"}", 0 },
    { "equal_should_ignore_string_set_order", "{\"SS\":[\"a\",\"b\"]}",
      "{\"SS\":[\"b\",\"a\"]}", 1 },
    { "equal_should_tell_string_sets_apart", "{\"SS\":[\"a\",\"b\"]}",
      "{\"SS\":[\"a\",\"c\"]}", 0 },
    { "equal_should_tell_set_sizes_apart", "{\"SS\":[\"a\"]}",
      "{\"SS\":[\"a\",\"b\"]}", 0 },
    { "equal_should_compare_number_sets_by_value",
      "{\"NS\":[\"1\",\"2.50\"]}", "{\"NS\":[\"2.5\",\"1.0\"]}", 1 },
    { "equal_should_ignore_binary_set_order", "{\"BS\":[\"YQ==\",\"Yg==\"]}",
      "{\"BS\":[\"Yg==\",\"YQ==\"]}", 1 },
    { "equal_should_not_match_a_string_set_to_a_number_set",
      "{\"SS\":[\"1\"]}", "{\"NS\":[\"1\"]}", 0 },
    { "equal_should_match_null", "{\"NULL\":true}", "{\"NULL\":true}", 1 },
    { "equal_should_match_equal_bools", "{\"BOOL\":false}",
      "{\"BOOL\":false}", 1 },
    { "equal_should_tell_bools_apart", "{\"BOOL\":true}", "{\"BOOL\":false}",
      0 },
    { "equal_should_not_match_null_to_false", "{\"NULL\":true}",
      "{\"BOOL\":false}", 0 },
    { "equal_should_ignore_map_member_order",
      "{\"M\":{\"a\":{\"S\":\"x\"},\"b\":{\"N\":\"1\"}}}",
      "{\"M\":{\"b\":{\"N\":\"1.0\"},\"a\":{\"S\":\"x\"}}}", 1 },
    { "equal_should_tell_map_values_apart", "{\"M\":{\"a\":{\"S\":\"x\"}}}",
      "{\"M\":{\"a\":{\"S\":\"y\"}}}", 0 },
    { "equal_should_tell_map_keys_apart", "{\"M\":{\"a\":{\"S\":\"x\"}}}",
      "{\"M\":{\"b\":{\"S\":\"x\"}}}", 0 },
    { "equal_should_tell_map_sizes_apart", "{\"M\":{}}",
      "{\"M\":{\"a\":{\"S\":\"x\"}}}", 0 },
    { "equal_should_keep_list_order", "{\"L\":[{\"S\":\"a\"},{\"S\":\"b\"}]}",
      "{\"L\":[{\"S\":\"b\"},{\"S\":\"a\"}]}", 0 },
    { "equal_should_match_equal_lists",
      "{\"L\":[{\"S\":\"a\"},{\"L\":[{\"N\":\"5\"}]}]}",
      "{\"L\":[{\"S\":\"a\"},{\"L\":[{\"N\":\"5\"}]}]}", 1 },
    { "equal_should_tell_list_lengths_apart", "{\"L\":[{\"S\":\"a\"}]}",
      "{\"L\":[{\"S\":\"a\"},{\"S\":\"a\"}]}", 0 },
    { "equal_should_match_empty_lists", "{\"L\":[]}", "{\"L\":[]}", 1 },
    { "equal_should_not_match_a_list_to_a_map", "{\"L\":[]}", "{\"M\":{}}",
      0 },
    { "equal_should_reject_invalid_values", "{}", "{}", 0 },
    { "equal_should_compare_case_sensitive_keys",
      "{\"M\":{\"a\":{\"S\":\"x\"}}}", "{\"M\":{\"A\":{\"S\":\"x\"}}}", 0 },
};

static void equal_should_match_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof equal_rows / sizeof *equal_rows; i++) {
        const struct pair_row *r = &equal_rows[i];
        cJSON *a = parse(r->a);
        cJSON *b = parse(r->b);
        bool ab = ddb_value_equal(a, b);
        bool ba = ddb_value_equal(b, a);
        if ((int)ab != r->expected || (int)ba != r->expected)
            fail_msg("%s: got %d and %d", r->name, ab, ba);
        cJSON_Delete(a);
        cJSON_Delete(b);
    }
}

static const struct pair_row compare_rows[] = {
    { "compare_should_order_strings_by_bytes", "{\"S\":\"a\"}",
      "{\"S\":\"b\"}", -1 },
    { "compare_should_order_upper_case_first", "{\"S\":\"Z\"}",
      "{\"S\":\"a\"}", -1 },
    { "compare_should_order_a_prefix_first", "{\"S\":\"ab\"}",
      "{\"S\":\"abc\"}", -1 },
    { "compare_should_order_utf8_as_unsigned_bytes", "{\"S\":\"z\"}",
      "{\"S\":\"\\u00e9\"}", -1 },
    { "compare_should_find_equal_strings", "{\"S\":\"x\"}", "{\"S\":\"x\"}",
      0 },
    { "compare_should_order_the_empty_string_first", "{\"S\":\"\"}",
      "{\"S\":\"a\"}", -1 },
    { "compare_should_order_numbers_numerically", "{\"N\":\"9\"}",
      "{\"N\":\"10\"}", -1 },
    { "compare_should_order_negative_numbers", "{\"N\":\"-10\"}",
      "{\"N\":\"-9\"}", -1 },
    { "compare_should_find_equal_numbers", "{\"N\":\"2.5\"}",
      "{\"N\":\"2.50\"}", 0 },
    { "compare_should_order_binary_as_unsigned_bytes", "{\"B\":\"fw==\"}",
      "{\"B\":\"gA==\"}", -1 },
    { "compare_should_order_a_binary_prefix_first", "{\"B\":\"YQ==\"}",
      "{\"B\":\"YWI=\"}", -1 },
    { "compare_should_find_equal_binaries", "{\"B\":\"YWJj\"}",
      "{\"B\":\"YWJj\"}", 0 },
    { "compare_should_refuse_mixed_types", "{\"S\":\"1\"}", "{\"N\":\"1\"}",
      2 },
    { "compare_should_refuse_sets", "{\"SS\":[\"a\"]}", "{\"SS\":[\"a\"]}",
      2 },
    { "compare_should_refuse_bools", "{\"BOOL\":true}", "{\"BOOL\":true}",
      2 },
    { "compare_should_refuse_maps", "{\"M\":{}}", "{\"M\":{}}", 2 },
    { "compare_should_refuse_invalid_values", "{}", "{}", 2 },
};

static void compare_should_match_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof compare_rows / sizeof *compare_rows; i++) {
        const struct pair_row *r = &compare_rows[i];
        cJSON *a = parse(r->a);
        cJSON *b = parse(r->b);
        int ab = 99;
        int ba = 99;
        int rc = ddb_value_compare(a, b, &ab);
        int rc2 = ddb_value_compare(b, a, &ba);
        if (r->expected == 2) {
            if (rc != -1 || rc2 != -1)
                fail_msg("%s: compared", r->name);
        } else if (rc != 0 || rc2 != 0 ||
                   (ab > 0) - (ab < 0) != r->expected ||
                   (ba > 0) - (ba < 0) != -r->expected) {
            fail_msg("%s: got %d (%d) and %d (%d)", r->name, ab, rc, ba, rc2);
        }
        cJSON_Delete(a);
        cJSON_Delete(b);
    }
}

struct key_row {
    const char *name;
    const char *input;
    const char *hex; /* NULL: encoding must fail */
};

static const struct key_row key_rows[] = {
    { "key_encode_should_use_raw_string_bytes", "{\"S\":\"ab\"}", "6162" },
    { "key_encode_should_use_raw_utf8_bytes", "{\"S\":\"\\u00e9\"}", "c3a9" },
    { "key_encode_should_decode_binary", "{\"B\":\"AP8=\"}", "00ff" },
    { "key_encode_should_encode_zero_as_one_byte", "{\"N\":\"0\"}", "02" },
    { "key_encode_should_encode_a_positive_number", "{\"N\":\"1\"}",
      "03820b00" },
    { "key_encode_should_encode_a_negative_number", "{\"N\":\"-1\"}",
      "017df4ff" },
    { "key_encode_should_pair_digits", "{\"N\":\"12.5\"}", "03830d3300" },
    { "key_encode_should_canonicalize_unnormalized_numbers",
      "{\"N\":\"1.0\"}", "03820b00" },
    { "key_encode_should_refuse_bad_numbers", "{\"N\":\"x\"}", NULL },
    { "key_encode_should_refuse_bad_base64", "{\"B\":\"abc\"}", NULL },
    { "key_encode_should_refuse_bools", "{\"BOOL\":true}", NULL },
    { "key_encode_should_refuse_sets", "{\"NS\":[\"1\"]}", NULL },
    { "key_encode_should_refuse_documents", "{\"M\":{}}", NULL },
    { "key_encode_should_refuse_invalid_values", "{\"S\":1}", NULL },
};

static void key_encode_should_match_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof key_rows / sizeof *key_rows; i++) {
        const struct key_row *r = &key_rows[i];
        cJSON *v = parse(r->input);
        struct buf out;
        char hex[64];
        buf_init(&out, 0);
        int rc = ddb_key_encode(v, &out);
        if (r->hex == NULL) {
            if (rc != -1)
                fail_msg("%s: encoded", r->name);
        } else {
            if (rc != 0 || out.len * 2 + 1 > sizeof hex)
                fail_msg("%s: rc %d", r->name, rc);
            crypto_hex((const uint8_t *)out.data, out.len, hex);
            if (strcmp(hex, r->hex) != 0)
                fail_msg("%s: got %s", r->name, hex);
        }
        buf_clear(&out);
        cJSON_Delete(v);
    }
}

static void key_encode_should_agree_with_compare(void **state)
{
    (void)state;
    static const char *const values[] = {
        "{\"N\":\"-100\"}", "{\"N\":\"-1.5\"}", "{\"N\":\"0\"}",
        "{\"N\":\"0.001\"}", "{\"N\":\"2\"}", "{\"N\":\"10\"}",
    };
    size_t n = sizeof values / sizeof *values;
    for (size_t i = 0; i + 1 < n; i++) {
        cJSON *a = parse(values[i]);
        cJSON *b = parse(values[i + 1]);
        struct buf x;
        struct buf y;
        int cmp = 0;
        buf_init(&x, 0);
        buf_init(&y, 0);
        assert_int_equal(ddb_key_encode(a, &x), 0);
        assert_int_equal(ddb_key_encode(b, &y), 0);
        size_t len = x.len < y.len ? x.len : y.len;
        assert_true(memcmp(x.data, y.data, len) < 0);
        assert_int_equal(ddb_value_compare(a, b, &cmp), 0);
        assert_true(cmp < 0);
        buf_clear(&x);
        buf_clear(&y);
        cJSON_Delete(a);
        cJSON_Delete(b);
    }
}

struct type_row {
    const char *name;
    const char *input;
    enum ddb_type expected;
};

static const struct type_row type_rows[] = {
    { "type_should_find_s", "{\"S\":\"x\"}", DDB_TYPE_S },
    { "type_should_find_n", "{\"N\":\"1\"}", DDB_TYPE_N },
    { "type_should_find_b", "{\"B\":\"\"}", DDB_TYPE_B },
    { "type_should_find_ss", "{\"SS\":[\"a\"]}", DDB_TYPE_SS },
    { "type_should_find_ns", "{\"NS\":[\"1\"]}", DDB_TYPE_NS },
    { "type_should_find_bs", "{\"BS\":[\"\"]}", DDB_TYPE_BS },
    { "type_should_find_m", "{\"M\":{}}", DDB_TYPE_M },
    { "type_should_find_l", "{\"L\":[]}", DDB_TYPE_L },
    { "type_should_find_null", "{\"NULL\":true}", DDB_TYPE_NULL },
    { "type_should_find_bool", "{\"BOOL\":false}", DDB_TYPE_BOOL },
    { "type_should_ignore_unknown_members", "{\"x\":1,\"S\":\"a\"}",
      DDB_TYPE_S },
    { "type_should_reject_two_types", "{\"S\":\"a\",\"N\":\"1\"}",
      DDB_TYPE_INVALID },
    { "type_should_reject_an_empty_object", "{}", DDB_TYPE_INVALID },
    { "type_should_reject_a_null_payload", "{\"S\":null}", DDB_TYPE_INVALID },
    { "type_should_reject_a_non_object", "[1]", DDB_TYPE_INVALID },
};

static void type_should_match_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof type_rows / sizeof *type_rows; i++) {
        const struct type_row *r = &type_rows[i];
        cJSON *v = parse(r->input);
        if (ddb_value_type(v) != r->expected)
            fail_msg("%s: got %d", r->name, (int)ddb_value_type(v));
        const cJSON *p = ddb_value_payload(v);
        if ((p == NULL) != (r->expected == DDB_TYPE_INVALID))
            fail_msg("%s: payload", r->name);
        cJSON_Delete(v);
    }
}

static void type_names_should_round_trip(void **state)
{
    (void)state;
    for (int t = 0; t < DDB_TYPE_INVALID; t++) {
        const char *name = ddb_type_name((enum ddb_type)t);
        assert_non_null(name);
        assert_int_equal(ddb_type_parse(name), t);
    }
    assert_null(ddb_type_name(DDB_TYPE_INVALID));
    static const char *const near_misses[] = {
        "s", "Null", "", "SSS", "MS", "LS", "NS ", "Ss", "BOOLS", "BOO",
        "NUL", "X", "XS", "NULLS",
    };
    for (size_t i = 0; i < sizeof near_misses / sizeof *near_misses; i++)
        if (ddb_type_parse(near_misses[i]) != DDB_TYPE_INVALID)
            fail_msg("\"%s\" parsed as a type", near_misses[i]);
    assert_int_equal(ddb_type_parse("s"), DDB_TYPE_INVALID);
    assert_int_equal(ddb_type_parse("Null"), DDB_TYPE_INVALID);
    assert_int_equal(ddb_type_parse(""), DDB_TYPE_INVALID);
    assert_int_equal(ddb_type_parse(NULL), DDB_TYPE_INVALID);
    assert_string_equal(ddb_type_name(DDB_TYPE_BOOL), "BOOL");
}

static void copy_should_be_deep_and_equal(void **state)
{
    (void)state;
    cJSON *v = parse("{\"M\":{\"a\":{\"L\":[{\"N\":\"1\"},"
                     "{\"SS\":[\"x\"]}]}}}");
    cJSON *c = ddb_value_copy(v);
    assert_non_null(c);
    assert_true(c != v);
    assert_true(ddb_value_equal(v, c));
    cJSON_Delete(v); /* the copy must not share storage */
    assert_true(same_json(c, "{\"M\":{\"a\":{\"L\":[{\"N\":\"1\"},"
                             "{\"SS\":[\"x\"]}]}}}"));
    cJSON_Delete(c);
}

static void normalize_should_tolerate_a_small_error_buffer(void **state)
{
    (void)state;
    char err[6];
    cJSON *v = parse("{\"SS\":[\"a\",\"a\"]}");
    assert_int_equal(ddb_value_normalize(v, 0, err, sizeof err), -1);
    assert_string_equal(err, "One o");
    cJSON_Delete(v);
    v = parse("{}");
    assert_int_equal(ddb_value_normalize(v, 0, NULL, 0), -1);
    cJSON_Delete(v);
}

static void normalize_should_handle_a_large_set(void **state)
{
    (void)state;
    char err[512];
    cJSON *v = parse("{\"NS\":[]}");
    cJSON *set = cJSON_GetObjectItemCaseSensitive(v, "NS");
    char text[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(text, sizeof text, "%d.0", i);
        cJSON_AddItemToArray(set, cJSON_CreateString(text));
    }
    assert_int_equal(ddb_value_normalize(v, 0, err, sizeof err), 0);
    assert_string_equal(cJSON_GetArrayItem(set, 4999)->valuestring, "4999");
    cJSON_AddItemToArray(set, cJSON_CreateString("4999e0"));
    assert_int_equal(ddb_value_normalize(v, 0, err, sizeof err), -1);
    assert_string_equal(err, "Input collection contains duplicates");
    cJSON_Delete(v);
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
        cmocka_unit_test(normalize_should_produce_canonical_values),
        cmocka_unit_test(normalize_should_reject_bad_values_with_aws_messages),
        cmocka_unit_test(normalize_should_enforce_the_nesting_limit),
        cmocka_unit_test(normalize_should_tolerate_a_small_error_buffer),
        cmocka_unit_test(normalize_should_handle_a_large_set),
        cmocka_unit_test(item_normalize_should_match_table),
        cmocka_unit_test(item_size_should_match_table),
        cmocka_unit_test(value_size_should_exclude_the_attribute_name),
        cmocka_unit_test(equal_should_match_table),
        cmocka_unit_test(compare_should_match_table),
        cmocka_unit_test(key_encode_should_match_table),
        cmocka_unit_test(key_encode_should_agree_with_compare),
        cmocka_unit_test(type_should_match_table),
        cmocka_unit_test(type_names_should_round_trip),
        cmocka_unit_test(copy_should_be_deep_and_equal),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
