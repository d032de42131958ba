/* jsonl: stream records to change lines in both formats and the seed
 * layout, numbers kept digit for digit, sets sorted, lines parsed back,
 * and the loader's refusals. */
#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"
#include "sync/jsonl.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char lambda_record[] =
    "{\"eventID\":\"e1\",\"eventName\":\"MODIFY\",\"eventVersion\":\"1.1\","
    "\"eventSource\":\"aws:dynamodb\",\"awsRegion\":\"us-east-1\","
    "\"eventSourceARN\":\"arn:aws:dynamodb:us-east-1:123456789012:table/"
    "orders/stream/2024-01-01T00:00:00.000\","
    "\"dynamodb\":{\"ApproximateCreationDateTime\":1700000000.123,"
    "\"Keys\":{\"pk\":{\"S\":\"a\"}},"
    "\"NewImage\":{\"pk\":{\"S\":\"a\"},"
    "\"n\":{\"N\":\"12345678901234567890123456789012345678\"},"
    "\"ss\":{\"SS\":[\"b\",\"a\"]},\"ns\":{\"NS\":[\"10\",\"-1\",\"2.5\"]},"
    "\"bin\":{\"B\":\"AAE=\"},\"m\":{\"M\":{\"l\":{\"L\":[{\"BOOL\":true},"
    "{\"NULL\":true}]}}}},"
    "\"OldImage\":{\"pk\":{\"S\":\"a\"}},"
    "\"SequenceNumber\":\"100000000000000000001\",\"SizeBytes\":10,"
    "\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"}}";

static struct jsonl_record read_record(cJSON **doc)
{
    struct jsonl_record r;
    char err[JSONL_ERR_MAX], table[256];
    *doc = json_parse(lambda_record, strlen(lambda_record));
    assert_non_null(*doc);
    assert_int_equal(jsonl_table_from_arn(
                         json_get_string(*doc, "eventSourceARN"), table,
                         sizeof table), 0);
    assert_string_equal(table, "orders");
    assert_int_equal(jsonl_from_stream(*doc, "orders", &r, err, sizeof err),
                     0);
    return r;
}

static void ddb_json_should_keep_attribute_values_exactly(void **state)
{
    (void)state;
    cJSON *doc;
    struct jsonl_record r = read_record(&doc);
    struct buf b;
    buf_init(&b, 0);
    assert_int_equal(jsonl_write(&b, &r, JSONL_FORMAT_DDB_JSON,
                                 JSONL_LAYOUT_CHANGE), 0);
    assert_non_null(strstr(buf_cstr(&b),
                           "{\"event_id\":\"e1\",\"event_name\":\"MODIFY\","
                           "\"event_time_ms\":1700000000123,"
                           "\"sequence_number\":\"100000000000000000001\","
                           "\"table\":\"orders\",\"keys\":{\"pk\":{\"S\":"
                           "\"a\"}},\"new_image\":"));
    assert_non_null(strstr(buf_cstr(&b), "{\"N\":\"1234567890123456789012"
                                         "3456789012345678\"}"));
    assert_non_null(strstr(buf_cstr(&b), "\"SS\":[\"b\",\"a\"]"));
    assert_int_equal(b.data[b.len - 1], '\n');
    /* And back. */
    struct jsonl_record back;
    cJSON *doc2;
    char err[JSONL_ERR_MAX];
    assert_int_equal(jsonl_parse(b.data, b.len - 1, &back, &doc2, err,
                                 sizeof err), 0);
    assert_string_equal(back.sequence_number, "100000000000000000001");
    assert_string_equal(back.event_name, "MODIFY");
    assert_int_equal(back.event_time_ms, 1700000000123);
    assert_true(cJSON_Compare(back.new_image, r.new_image, 1));
    cJSON_Delete(doc2);
    buf_clear(&b);
    cJSON_Delete(doc);
}

static void json_format_should_write_all_digits_and_sorted_sets(void **state)
{
    (void)state;
    cJSON *doc;
    struct jsonl_record r = read_record(&doc);
    struct buf b;
    buf_init(&b, 0);
    assert_int_equal(jsonl_write(&b, &r, JSONL_FORMAT_JSON,
                                 JSONL_LAYOUT_CHANGE), 0);
    const char *s = buf_cstr(&b);
    assert_non_null(strstr(s, "\"n\":12345678901234567890123456789012345678"
                              ","));
    assert_non_null(strstr(s, "\"ss\":{\"$set\":\"SS\",\"values\":"
                              "[\"a\",\"b\"]}"));
    assert_non_null(strstr(s, "\"ns\":{\"$set\":\"NS\",\"values\":"
                              "[-1,2.5,10]}"));
    assert_non_null(strstr(s, "\"bin\":\"AAE=\""));
    assert_non_null(strstr(s, "\"m\":{\"l\":[true,null]}"));
    cJSON *parsed = json_parse(s, b.len);
    assert_non_null(parsed);
    cJSON_Delete(parsed);
    /* The loader refuses plain values: they lost their types. */
    struct jsonl_record back;
    cJSON *doc2;
    char err[JSONL_ERR_MAX];
    assert_int_equal(jsonl_parse(b.data, b.len, &back, &doc2, err,
                                 sizeof err), -1);
    assert_non_null(strstr(err, "AttributeValue"));
    cJSON_Delete(doc2);
    buf_clear(&b);
    cJSON_Delete(doc);
}

static void seed_layout_should_carry_removes_with_keys(void **state)
{
    (void)state;
    const char *rec =
        "{\"eventID\":\"e2\",\"eventName\":\"REMOVE\",\"dynamodb\":{"
        "\"ApproximateCreationDateTime\":1700000001,\"Keys\":{\"pk\":{\"S\":"
        "\"a\"}},\"SequenceNumber\":\"200\"}}";
    cJSON *doc = json_parse(rec, strlen(rec));
    struct jsonl_record r;
    char err[JSONL_ERR_MAX];
    assert_int_equal(jsonl_from_stream(doc, "t", &r, err, sizeof err), 0);
    struct buf b;
    buf_init(&b, 0);
    assert_int_equal(jsonl_write(&b, &r, JSONL_FORMAT_JSON,
                                 JSONL_LAYOUT_SEED), 0);
    assert_string_equal(buf_cstr(&b),
                        "{\"event_id\":\"e2\",\"event_name\":\"REMOVE\","
                        "\"event_time\":1700000001,\"data\":{\"pk\":\"a\"}}"
                        "\n");
    cJSON *doc2;
    assert_int_equal(jsonl_parse(b.data, b.len, &r, &doc2, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "seed layout"));
    cJSON_Delete(doc2);
    buf_clear(&b);
    cJSON_Delete(doc);
}

struct number_case {
    const char *n;
    const char *json;
};

static const struct number_case number_cases[] = {
    { "0", "0" },           { "-0.5", "-0.5" },    { ".5", "0.5" },
    { "+7", "7" },          { "007", "7" },        { "5.", "5" },
    { "1E+3", "1E+3" },     { "-.25e-10", "-0.25e-10" },
    { "99999999999999999999999999999999999999",
      "99999999999999999999999999999999999999" },
    { "1E-130", "1E-130" },
};

static void numbers_should_become_valid_json_with_every_digit(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof number_cases / sizeof number_cases[0];
         i++) {
        char av[128];
        snprintf(av, sizeof av, "{\"N\":\"%s\"}", number_cases[i].n);
        cJSON *v = json_parse(av, strlen(av));
        struct buf b;
        buf_init(&b, 0);
        assert_int_equal(jsonl_value_write_plain(&b, v), 0);
        if (strcmp(buf_cstr(&b), number_cases[i].json) != 0)
            fail_msg("%s: got %s", number_cases[i].n, buf_cstr(&b));
        buf_clear(&b);
        cJSON_Delete(v);
    }
}

struct compare_case {
    const char *a;
    const char *b;
    int expected;
};

static const struct compare_case compare_cases[] = {
    { "1", "2", -1 },     { "10", "9", 1 },      { "-1", "1", -1 },
    { "-10", "-9", -1 },  { "1.0", "1", 0 },     { "0.001", "1e-3", 0 },
    { "0", "-0", 0 },     { "1e2", "99", 1 },
    { "12345678901234567890123456789012345678",
      "12345678901234567890123456789012345679", -1 },
};

static void number_compare_should_order_by_value(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof compare_cases / sizeof compare_cases[0];
         i++) {
        int rc = jsonl_number_compare(compare_cases[i].a, compare_cases[i].b);
        rc = rc < 0 ? -1 : rc > 0;
        if (rc != compare_cases[i].expected)
            fail_msg("%s vs %s: %d", compare_cases[i].a, compare_cases[i].b,
                     rc);
    }
    assert_true(jsonl_seq_compare("9", "10") < 0);
    assert_true(jsonl_seq_compare("100000000000000000002",
                                  "100000000000000000001") > 0);
    assert_int_equal(jsonl_seq_compare("0042", "42"), 0);
}

struct parse_case {
    const char *line;
    const char *reason; /* substring of the error, or NULL for success */
};

static const struct parse_case parse_cases[] = {
    { "{\"event_id\":\"e\",\"event_name\":\"REMOVE\",\"sequence_number\":"
      "\"5\",\"table\":\"t\",\"keys\":{\"pk\":{\"S\":\"a\"}}}", NULL },
    { "not json", "not a JSON object" },
    { "{\"event_id\":\"e\",\"event_name\":\"DELETE\",\"sequence_number\":"
      "\"5\",\"table\":\"t\",\"keys\":{\"pk\":{\"S\":\"a\"}}}",
      "event_name" },
    { "{\"event_id\":\"e\",\"event_name\":\"REMOVE\",\"sequence_number\":5,"
      "\"table\":\"t\",\"keys\":{\"pk\":{\"S\":\"a\"}}}", "sequence_number" },
    { "{\"event_id\":\"e\",\"event_name\":\"INSERT\",\"sequence_number\":"
      "\"5\",\"table\":\"t\",\"keys\":{\"pk\":{\"S\":\"a\"}}}",
      "without new_image" },
    { "{\"event_id\":\"e\",\"table\":\"t\"}", "event_name" },
};

static void parse_should_accept_changes_and_explain_refusals(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
        struct jsonl_record r;
        cJSON *doc;
        char err[JSONL_ERR_MAX] = "";
        const char *line = parse_cases[i].line;
        int rc = jsonl_parse(line, strlen(line), &r, &doc, err, sizeof err);
        if (parse_cases[i].reason == NULL && rc != 0)
            fail_msg("case %zu refused: %s", i, err);
        if (parse_cases[i].reason && (rc == 0 ||
                                      !strstr(err, parse_cases[i].reason)))
            fail_msg("case %zu: rc %d, '%s'", i, rc, err);
        cJSON_Delete(doc);
    }
}

static void key_should_be_canonical_whatever_the_member_order(void **state)
{
    (void)state;
    const char *a = "{\"sk\":{\"N\":\"1\"},\"pk\":{\"S\":\"x\"}}";
    const char *b = "{\"pk\":{\"S\":\"x\"},\"sk\":{\"N\":\"1\"}}";
    cJSON *x = json_parse(a, strlen(a)), *y = json_parse(b, strlen(b));
    struct buf k1, k2;
    buf_init(&k1, 0);
    buf_init(&k2, 0);
    jsonl_key_write(&k1, x);
    jsonl_key_write(&k2, y);
    assert_string_equal(buf_cstr(&k1), b);
    assert_string_equal(buf_cstr(&k2), b);
    buf_clear(&k1);
    buf_clear(&k2);
    cJSON_Delete(x);
    cJSON_Delete(y);
}

int main(void)
{
    mem_install_cjson_hooks();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ddb_json_should_keep_attribute_values_exactly),
        cmocka_unit_test(json_format_should_write_all_digits_and_sorted_sets),
        cmocka_unit_test(seed_layout_should_carry_removes_with_keys),
        cmocka_unit_test(
            numbers_should_become_valid_json_with_every_digit),
        cmocka_unit_test(number_compare_should_order_by_value),
        cmocka_unit_test(
            parse_should_accept_changes_and_explain_refusals),
        cmocka_unit_test(
            key_should_be_canonical_whatever_the_member_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
