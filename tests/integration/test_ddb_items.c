/* The DynamoDB item API over real HTTP: PutItem, GetItem, UpdateItem and
 * DeleteItem round trips over every AttributeValue type, expressions,
 * ReturnValues, limits, key and placeholder errors with AWS's exact
 * messages, and concurrent conditional updates that must not lose any. */
#include "helper/client.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Concurrency test shape: small enough for a 2-core sanitizer build. */
#define INCREMENT_THREADS 4
#define INCREMENTS_PER_THREAD 25

/* "items" has a string hash key pk; "pairs" a string hash key h and a
 * number range key r. */
static int reset_with_tables(void **state)
{
    (void)state;
    client_reset();
    static const char *const tables[] = {
        "{\"TableName\":\"items\",\"BillingMode\":\"PAY_PER_REQUEST\","
        "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
        "\"AttributeType\":\"S\"}],"
        "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}]}",
        "{\"TableName\":\"pairs\",\"BillingMode\":\"PAY_PER_REQUEST\","
        "\"AttributeDefinitions\":[{\"AttributeName\":\"h\","
        "\"AttributeType\":\"S\"},{\"AttributeName\":\"r\","
        "\"AttributeType\":\"N\"}],"
        "\"KeySchema\":[{\"AttributeName\":\"h\",\"KeyType\":\"HASH\"},"
        "{\"AttributeName\":\"r\",\"KeyType\":\"RANGE\"}]}",
    };
    for (size_t i = 0; i < 2; i++) {
        struct response r = client_ddb("CreateTable", tables[i]);
        if (r.status != 200) {
            fprintf(stderr, "create failed: %s\n", r.body);
            response_free(&r);
            return -1;
        }
        response_free(&r);
    }
    return 0;
}

struct error_row {
    const char *name;
    const char *op;
    const char *body;
    const char *type;    /* the __type after '#' */
    const char *message; /* exact */
};

static void check_error_rows(const struct error_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct response r = client_ddb(rows[i].op, rows[i].body);
        if (r.status != 400 ||
            strcmp(response_error(&r), rows[i].type) != 0 ||
            strcmp(response_message(&r), rows[i].message) != 0)
            print_error("row '%s' failed:\n  got %ld %s\n  want %s: %s\n",
                        rows[i].name, r.status, r.body, rows[i].type,
                        rows[i].message);
        assert_int_equal(r.status, 400);
        assert_string_equal(response_error(&r), rows[i].type);
        assert_string_equal(response_message(&r), rows[i].message);
        response_free(&r);
    }
}

static struct response ok(const char *op, const char *body)
{
    struct response r = client_ddb(op, body);
    if (r.status != 200)
        print_error("%s %s:\n  %ld %s\n", op, body, r.status, r.body);
    assert_int_equal(r.status, 200);
    assert_non_null(r.json);
    return r;
}

static void ok_free(const char *op, const char *body)
{
    struct response r = ok(op, body);
    response_free(&r);
}

/* Asserts that member of the response equals the JSON text want; a NULL
 * want means the member must be absent. */
static void assert_member(const struct response *r, const char *member,
                          const char *want)
{
    const cJSON *got = cJSON_GetObjectItemCaseSensitive(r->json, member);
    if (want == NULL) {
        if (got)
            print_error("%s should be absent: %s\n", member, r->body);
        assert_null(got);
        return;
    }
    cJSON *expected = cJSON_Parse(want);
    assert_non_null(expected);
    bool is_equal = got && cJSON_Compare(expected, got, 1);
    if (!is_equal)
        print_error("%s:\n  want %s\n  body %s\n", member, want, r->body);
    cJSON_Delete(expected);
    assert_true(is_equal);
}

/* GetItem of pk in "items", with its Item compared to want (NULL: none). */
static void expect_item(const char *pk, const char *want)
{
    char body[256];
    snprintf(body, sizeof body,
             "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"%s\"}},"
             "\"ConsistentRead\":true}", pk);
    struct response r = ok("GetItem", body);
    assert_member(&r, "Item", want);
    response_free(&r);
}

static void put_items(const char *item)
{
    char body[2048];
    snprintf(body, sizeof body, "{\"TableName\":\"items\",\"Item\":%s}",
             item);
    ok_free("PutItem", body);
}

static void put_then_get_should_round_trip_every_attribute_type(
    void **state)
{
    (void)state;
    static const struct {
        const char *name;
        const char *item; /* sent, and expected back unchanged */
    } rows[] = {
        { "string", "{\"pk\":{\"S\":\"s\"},\"a\":{\"S\":\"héllo \\\"x\\\"\"}}" },
        { "number", "{\"pk\":{\"S\":\"n\"},\"a\":{\"N\":\"-12.5\"}}" },
        { "binary", "{\"pk\":{\"S\":\"b\"},\"a\":{\"B\":\"AAEC/w==\"}}" },
        { "string set", "{\"pk\":{\"S\":\"ss\"},\"a\":{\"SS\":[\"x\",\"y\"]}}" },
        { "number set", "{\"pk\":{\"S\":\"ns\"},\"a\":{\"NS\":[\"1\",\"2.5\"]}}" },
        { "binary set", "{\"pk\":{\"S\":\"bs\"},\"a\":{\"BS\":[\"AQ==\",\"Ag==\"]}}" },
        { "map", "{\"pk\":{\"S\":\"m\"},\"a\":{\"M\":{\"x\":{\"S\":\"1\"},"
          "\"y\":{\"M\":{\"z\":{\"BOOL\":false}}}}}}" },
        { "list", "{\"pk\":{\"S\":\"l\"},\"a\":{\"L\":[{\"N\":\"1\"},"
          "{\"S\":\"two\"},{\"L\":[]},{\"M\":{}}]}}" },
        { "null", "{\"pk\":{\"S\":\"null\"},\"a\":{\"NULL\":true}}" },
        { "booleans", "{\"pk\":{\"S\":\"bool\"},\"t\":{\"BOOL\":true},"
          "\"f\":{\"BOOL\":false}}" },
        { "empty string and binary outside keys",
          "{\"pk\":{\"S\":\"empty\"},\"s\":{\"S\":\"\"},\"b\":{\"B\":\"\"}}" },
        { "everything", "{\"pk\":{\"S\":\"all\"},\"s\":{\"S\":\"x\"},"
          "\"n\":{\"N\":\"1\"},\"b\":{\"B\":\"eA==\"},"
          "\"ss\":{\"SS\":[\"a\"]},\"ns\":{\"NS\":[\"3\"]},"
          "\"bs\":{\"BS\":[\"eQ==\"]},\"m\":{\"M\":{\"k\":{\"NULL\":true}}},"
          "\"l\":{\"L\":[{\"BOOL\":true}]},\"z\":{\"NULL\":true}}" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        print_message("row %s\n", rows[i].name);
        put_items(rows[i].item);
        cJSON *item = cJSON_Parse(rows[i].item);
        assert_non_null(item);
        const char *pk = cJSON_GetObjectItem(cJSON_GetObjectItem(item, "pk"),
                                             "S")->valuestring;
        expect_item(pk, rows[i].item);
        cJSON_Delete(item);
    }
}

static void numbers_should_be_stored_canonically(void **state)
{
    (void)state;
    static const struct {
        const char *sent;
        const char *stored;
    } rows[] = {
        { "1.50", "1.5" },     { "-0", "0" },          { "1e3", "1000" },
        { "0001", "1" },       { "15e-3", "0.015" },   { "7.000", "7" },
        { "-.5", "-0.5" },     { "1E+2", "100" },
        { "12345678901234567890123456789012345678",
          "12345678901234567890123456789012345678" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char item[256], want[256];
        snprintf(item, sizeof item,
                 "{\"pk\":{\"S\":\"n%zu\"},\"n\":{\"N\":\"%s\"},"
                 "\"ns\":{\"NS\":[\"%s\"]}}", i, rows[i].sent, rows[i].sent);
        snprintf(want, sizeof want,
                 "{\"pk\":{\"S\":\"n%zu\"},\"n\":{\"N\":\"%s\"},"
                 "\"ns\":{\"NS\":[\"%s\"]}}", i, rows[i].stored,
                 rows[i].stored);
        print_message("row %s\n", rows[i].sent);
        put_items(item);
        char pk[16];
        snprintf(pk, sizeof pk, "n%zu", i);
        expect_item(pk, want);
    }
    /* A number key is found by any spelling of its value. */
    ok_free("PutItem", "{\"TableName\":\"pairs\",\"Item\":{\"h\":{\"S\":"
                       "\"x\"},\"r\":{\"N\":\"007.50\"}}}");
    struct response r = ok("GetItem", "{\"TableName\":\"pairs\",\"Key\":"
                                      "{\"h\":{\"S\":\"x\"},\"r\":{\"N\":"
                                      "\"75e-1\"}}}");
    assert_member(&r, "Item", "{\"h\":{\"S\":\"x\"},\"r\":{\"N\":\"7.5\"}}");
    response_free(&r);
}

static void get_item_should_honour_consistent_read_and_projection(
    void **state)
{
    (void)state;
    put_items("{\"pk\":{\"S\":\"p\"},\"a\":{\"S\":\"1\"},\"b\":{\"N\":\"2\"},"
              "\"m\":{\"M\":{\"x\":{\"S\":\"in\"},\"y\":{\"S\":\"out\"}}},"
              "\"l\":{\"L\":[{\"S\":\"zero\"},{\"S\":\"one\"}]}}");
    static const struct {
        const char *name;
        const char *extra;
        const char *item; /* NULL: no Item */
    } rows[] = {
        { "eventually consistent", ",\"ConsistentRead\":false",
          "{\"pk\":{\"S\":\"p\"},\"a\":{\"S\":\"1\"},\"b\":{\"N\":\"2\"},"
          "\"m\":{\"M\":{\"x\":{\"S\":\"in\"},\"y\":{\"S\":\"out\"}}},"
          "\"l\":{\"L\":[{\"S\":\"zero\"},{\"S\":\"one\"}]}}" },
        { "top-level projection", ",\"ProjectionExpression\":\"a, b\"",
          "{\"a\":{\"S\":\"1\"},\"b\":{\"N\":\"2\"}}" },
        { "nested projection with names",
          ",\"ProjectionExpression\":\"#m.x, l[1]\","
          "\"ExpressionAttributeNames\":{\"#m\":\"m\"}",
          "{\"m\":{\"M\":{\"x\":{\"S\":\"in\"}}},"
          "\"l\":{\"L\":[{\"S\":\"one\"}]}}" },
        { "projection of nothing present",
          ",\"ProjectionExpression\":\"nope\"", "{}" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char body[512];
        snprintf(body, sizeof body,
                 "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"p\"}}%s}",
                 rows[i].extra);
        print_message("row %s\n", rows[i].name);
        struct response r = ok("GetItem", body);
        assert_member(&r, "Item", rows[i].item);
        response_free(&r);
    }
    expect_item("absent", NULL);
    static const struct error_row bad[] = {
        { "consistent read as string", "GetItem",
          "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"p\"}},"
          "\"ConsistentRead\":\"yes\"}",
          "SerializationException",
          "Unexpected value type for member ConsistentRead: expected a "
          "boolean" },
    };
    check_error_rows(bad, sizeof bad / sizeof bad[0]);
}

static void condition_expressions_should_gate_writes(void **state)
{
    (void)state;
    static const char put_new[] =
        "{\"TableName\":\"items\",\"Item\":{\"pk\":{\"S\":\"c\"},"
        "\"v\":{\"N\":\"1\"}},\"ConditionExpression\":"
        "\"attribute_not_exists(pk)\"}";
    ok_free("PutItem", put_new);
    static const struct error_row failing[] = {
        { "put when it exists", "PutItem", put_new,
          "ConditionalCheckFailedException",
          "The conditional request failed" },
        { "update when v differs", "UpdateItem",
          "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"c\"}},"
          "\"UpdateExpression\":\"SET w = :w\",\"ConditionExpression\":"
          "\"v = :two\",\"ExpressionAttributeValues\":{\":w\":{\"S\":\"x\"},"
          "\":two\":{\"N\":\"2\"}}}",
          "ConditionalCheckFailedException",
          "The conditional request failed" },
        { "delete when v differs", "DeleteItem",
          "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"c\"}},"
          "\"ConditionExpression\":\"v > :v\",\"ExpressionAttributeValues\":"
          "{\":v\":{\"N\":\"1\"}}}",
          "ConditionalCheckFailedException",
          "The conditional request failed" },
        { "delete a missing item that must exist", "DeleteItem",
          "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"none\"}},"
          "\"ConditionExpression\":\"attribute_exists(pk)\"}",
          "ConditionalCheckFailedException",
          "The conditional request failed" },
    };
    check_error_rows(failing, sizeof failing / sizeof failing[0]);
    expect_item("c", "{\"pk\":{\"S\":\"c\"},\"v\":{\"N\":\"1\"}}");

    ok_free("UpdateItem",
            "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"c\"}},"
            "\"UpdateExpression\":\"SET w = :w\",\"ConditionExpression\":"
            "\"v = :one\",\"ExpressionAttributeValues\":{\":w\":{\"S\":"
            "\"x\"},\":one\":{\"N\":\"1\"}}}");
    expect_item("c", "{\"pk\":{\"S\":\"c\"},\"v\":{\"N\":\"1\"},"
                     "\"w\":{\"S\":\"x\"}}");
    ok_free("DeleteItem",
            "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"c\"}},"
            "\"ConditionExpression\":\"attribute_exists(w)\"}");
    expect_item("c", NULL);
}

static void failed_condition_should_return_the_old_item_when_asked(
    void **state)
{
    (void)state;
    put_items("{\"pk\":{\"S\":\"o\"},\"v\":{\"S\":\"old\"}}");
    static const char *const requests[][2] = {
        { "PutItem", "{\"TableName\":\"items\",\"Item\":{\"pk\":{\"S\":"
                     "\"o\"}},\"ConditionExpression\":"
                     "\"attribute_not_exists(pk)\","
                     "\"ReturnValuesOnConditionCheckFailure\":\"ALL_OLD\"}" },
        { "UpdateItem", "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":"
                        "\"o\"}},\"UpdateExpression\":\"REMOVE v\","
                        "\"ConditionExpression\":\"v = :n\","
                        "\"ExpressionAttributeValues\":{\":n\":{\"S\":"
                        "\"new\"}},"
                        "\"ReturnValuesOnConditionCheckFailure\":"
                        "\"ALL_OLD\"}" },
        { "DeleteItem", "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":"
                        "\"o\"}},\"ConditionExpression\":"
                        "\"attribute_not_exists(v)\","
                        "\"ReturnValuesOnConditionCheckFailure\":"
                        "\"ALL_OLD\"}" },
    };
    for (size_t i = 0; i < 3; i++) {
        struct response r = client_ddb(requests[i][0], requests[i][1]);
        assert_int_equal(r.status, 400);
        assert_string_equal(response_error(&r),
                            "ConditionalCheckFailedException");
        assert_string_equal(response_message(&r),
                            "The conditional request failed");
        assert_member(&r, "Item", "{\"pk\":{\"S\":\"o\"},\"v\":{\"S\":"
                                  "\"old\"}}");
        response_free(&r);
    }
    /* NONE, and a missing item, carry no Item. */
    struct response r = client_ddb(
        "PutItem", "{\"TableName\":\"items\",\"Item\":{\"pk\":{\"S\":\"o\"}},"
                   "\"ConditionExpression\":\"attribute_not_exists(pk)\","
                   "\"ReturnValuesOnConditionCheckFailure\":\"NONE\"}");
    assert_string_equal(response_error(&r), "ConditionalCheckFailedException");
    assert_member(&r, "Item", NULL);
    response_free(&r);
    r = client_ddb(
        "DeleteItem", "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":"
                      "\"none\"}},\"ConditionExpression\":"
                      "\"attribute_exists(pk)\","
                      "\"ReturnValuesOnConditionCheckFailure\":\"ALL_OLD\"}");
    assert_string_equal(response_error(&r), "ConditionalCheckFailedException");
    assert_member(&r, "Item", NULL);
    response_free(&r);
}

static void return_values_should_follow_each_operation(void **state)
{
    (void)state;
    struct response r = ok("PutItem",
                           "{\"TableName\":\"items\",\"Item\":{\"pk\":{\"S\":"
                           "\"r\"},\"a\":{\"N\":\"1\"}},\"ReturnValues\":"
                           "\"ALL_OLD\"}");
    assert_member(&r, "Attributes", NULL);
    response_free(&r);
    r = ok("PutItem", "{\"TableName\":\"items\",\"Item\":{\"pk\":{\"S\":"
                      "\"r\"},\"a\":{\"N\":\"2\"},\"b\":{\"S\":\"x\"}},"
                      "\"ReturnValues\":\"ALL_OLD\"}");
    assert_member(&r, "Attributes", "{\"pk\":{\"S\":\"r\"},\"a\":{\"N\":"
                                    "\"1\"}}");
    response_free(&r);
    r = ok("PutItem", "{\"TableName\":\"items\",\"Item\":{\"pk\":{\"S\":"
                      "\"r\"},\"a\":{\"N\":\"2\"},\"b\":{\"S\":\"x\"}},"
                      "\"ReturnValues\":\"NONE\"}");
    assert_member(&r, "Attributes", NULL);
    response_free(&r);

    static const struct {
        const char *return_values;
        const char *attributes; /* NULL: none */
    } updates[] = {
        { "NONE", NULL },
        { "ALL_OLD", "{\"pk\":{\"S\":\"r\"},\"a\":{\"N\":\"3\"},"
                     "\"b\":{\"S\":\"x\"},\"c\":{\"S\":\"new\"}}" },
        { "UPDATED_OLD", "{\"a\":{\"N\":\"4\"},\"c\":{\"S\":\"new\"}}" },
        { "UPDATED_NEW", "{\"a\":{\"N\":\"6\"},\"c\":{\"S\":\"new\"}}" },
        { "ALL_NEW", "{\"pk\":{\"S\":\"r\"},\"a\":{\"N\":\"7\"},"
                     "\"c\":{\"S\":\"new\"}}" },
    };
    for (size_t i = 0; i < sizeof updates / sizeof updates[0]; i++) {
        char body[512];
        /* The first update also removes b; later ones re-set c. */
        snprintf(body, sizeof body,
                 "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"r\"}},"
                 "\"UpdateExpression\":\"SET a = a + :one, c = :c%s\","
                 "\"ExpressionAttributeValues\":{\":one\":{\"N\":\"1\"},"
                 "\":c\":{\"S\":\"new\"}},\"ReturnValues\":\"%s\"}",
                 i == 1 ? " REMOVE b" : "", updates[i].return_values);
        print_message("row %s\n", updates[i].return_values);
        r = ok("UpdateItem", body);
        assert_member(&r, "Attributes", updates[i].attributes);
        response_free(&r);
    }
    r = ok("DeleteItem", "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":"
                         "\"r\"}},\"ReturnValues\":\"ALL_OLD\"}");
    assert_member(&r, "Attributes", "{\"pk\":{\"S\":\"r\"},\"a\":{\"N\":"
                                    "\"7\"},\"c\":{\"S\":\"new\"}}");
    response_free(&r);
    r = ok("DeleteItem", "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":"
                         "\"r\"}},\"ReturnValues\":\"ALL_OLD\"}");
    assert_member(&r, "Attributes", NULL);
    response_free(&r);

#define RV_ENUM "Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, " \
                "ALL_OLD, NONE, UPDATED_NEW]"
    static const struct error_row bad[] = {
        { "put ALL_NEW", "PutItem",
          "{\"TableName\":\"items\",\"Item\":{\"pk\":{\"S\":\"r\"}},"
          "\"ReturnValues\":\"ALL_NEW\"}",
          "ValidationException", "ReturnValues can only be ALL_OLD or NONE" },
        { "put UPDATED_OLD", "PutItem",
          "{\"TableName\":\"items\",\"Item\":{\"pk\":{\"S\":\"r\"}},"
          "\"ReturnValues\":\"UPDATED_OLD\"}",
          "ValidationException", "ReturnValues can only be ALL_OLD or NONE" },
        { "delete ALL_NEW", "DeleteItem",
          "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"r\"}},"
          "\"ReturnValues\":\"ALL_NEW\"}",
          "ValidationException", "ReturnValues can only be ALL_OLD or NONE" },
        { "delete UPDATED_NEW", "DeleteItem",
          "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"r\"}},"
          "\"ReturnValues\":\"UPDATED_NEW\"}",
          "ValidationException", "ReturnValues can only be ALL_OLD or NONE" },
        { "unknown value", "UpdateItem",
          "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"r\"}},"
          "\"ReturnValues\":\"SOME\"}",
          "ValidationException",
          "1 validation error detected: Value 'SOME' at 'returnValues' "
          "failed to satisfy constraint: " RV_ENUM },
        { "unknown on-failure value", "PutItem",
          "{\"TableName\":\"items\",\"Item\":{\"pk\":{\"S\":\"r\"}},"
          "\"ReturnValuesOnConditionCheckFailure\":\"ALL_NEW\"}",
          "ValidationException",
          "1 validation error detected: Value 'ALL_NEW' at "
          "'returnValuesOnConditionCheckFailure' failed to satisfy "
          "constraint: Member must satisfy enum value set: [ALL_OLD, NONE]" },
        { "return values as number", "PutItem",
          "{\"TableName\":\"items\",\"Item\":{\"pk\":{\"S\":\"r\"}},"
          "\"ReturnValues\":1}",
          "SerializationException",
          "Unexpected value type for member ReturnValues: expected a "
          "string" },
    };
    check_error_rows(bad, sizeof bad / sizeof bad[0]);
}

static void update_item_should_create_the_item_from_its_key(void **state)
{
    (void)state;
    struct response r = ok(
        "UpdateItem",
        "{\"TableName\":\"pairs\",\"Key\":{\"h\":{\"S\":\"new\"},"
        "\"r\":{\"N\":\"01\"}},\"UpdateExpression\":\"SET a = :a\","
        "\"ExpressionAttributeValues\":{\":a\":{\"SS\":[\"x\"]}},"
        "\"ReturnValues\":\"ALL_NEW\"}");
    assert_member(&r, "Attributes", "{\"h\":{\"S\":\"new\"},\"r\":{\"N\":"
                                    "\"1\"},\"a\":{\"SS\":[\"x\"]}}");
    response_free(&r);
    r = ok("GetItem", "{\"TableName\":\"pairs\",\"Key\":{\"h\":{\"S\":"
                      "\"new\"},\"r\":{\"N\":\"1\"}}}");
    assert_member(&r, "Item", "{\"h\":{\"S\":\"new\"},\"r\":{\"N\":\"1\"},"
                              "\"a\":{\"SS\":[\"x\"]}}");
    response_free(&r);

    /* Without an update expression the key alone is stored. */
    ok_free("UpdateItem", "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":"
                          "\"bare\"}}}");
    expect_item("bare", "{\"pk\":{\"S\":\"bare\"}}");
}

static void update_expressions_should_change_the_item(void **state)
{
    (void)state;
    put_items("{\"pk\":{\"S\":\"u\"},\"n\":{\"N\":\"10\"},"
              "\"l\":{\"L\":[{\"N\":\"1\"}]},\"s\":{\"SS\":[\"a\",\"b\"]},"
              "\"gone\":{\"S\":\"x\"},\"m\":{\"M\":{\"k\":{\"S\":\"v\"}}}}");
    static const struct {
        const char *name;
        const char *expression;
        const char *values;
        const char *item;
    } rows[] = {
        { "arithmetic", "SET n = n - :one", "{\":one\":{\"N\":\"1\"}}",
          "{\"pk\":{\"S\":\"u\"},\"n\":{\"N\":\"9\"},"
          "\"l\":{\"L\":[{\"N\":\"1\"}]},\"s\":{\"SS\":[\"a\",\"b\"]},"
          "\"gone\":{\"S\":\"x\"},\"m\":{\"M\":{\"k\":{\"S\":\"v\"}}}}" },
        { "list_append and REMOVE",
          "SET l = list_append(l, :more) REMOVE gone",
          "{\":more\":{\"L\":[{\"N\":\"2\"}]}}",
          "{\"pk\":{\"S\":\"u\"},\"n\":{\"N\":\"9\"},"
          "\"l\":{\"L\":[{\"N\":\"1\"},{\"N\":\"2\"}]},"
          "\"s\":{\"SS\":[\"a\",\"b\"]},\"m\":{\"M\":{\"k\":{\"S\":\"v\"}}}}" },
        { "ADD to a set and a number", "ADD s :c, n :five",
          "{\":c\":{\"SS\":[\"c\"]},\":five\":{\"N\":\"5\"}}",
          "{\"pk\":{\"S\":\"u\"},\"n\":{\"N\":\"14\"},"
          "\"l\":{\"L\":[{\"N\":\"1\"},{\"N\":\"2\"}]},"
          "\"s\":{\"SS\":[\"a\",\"b\",\"c\"]},"
          "\"m\":{\"M\":{\"k\":{\"S\":\"v\"}}}}" },
        { "DELETE from a set", "DELETE s :ab",
          "{\":ab\":{\"SS\":[\"a\",\"b\"]}}",
          "{\"pk\":{\"S\":\"u\"},\"n\":{\"N\":\"14\"},"
          "\"l\":{\"L\":[{\"N\":\"1\"},{\"N\":\"2\"}]},"
          "\"s\":{\"SS\":[\"c\"]},\"m\":{\"M\":{\"k\":{\"S\":\"v\"}}}}" },
        { "nested SET and if_not_exists",
          "SET m.k2 = :v, fresh = if_not_exists(fresh, :v), "
          "n = if_not_exists(n, :v)",
          "{\":v\":{\"S\":\"w\"}}",
          "{\"pk\":{\"S\":\"u\"},\"n\":{\"N\":\"14\"},"
          "\"l\":{\"L\":[{\"N\":\"1\"},{\"N\":\"2\"}]},"
          "\"s\":{\"SS\":[\"c\"]},"
          "\"m\":{\"M\":{\"k\":{\"S\":\"v\"},\"k2\":{\"S\":\"w\"}}},"
          "\"fresh\":{\"S\":\"w\"}}" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char body[1024];
        snprintf(body, sizeof body,
                 "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"u\"}},"
                 "\"UpdateExpression\":\"%s\",\"ExpressionAttributeValues\":"
                 "%s}", rows[i].expression, rows[i].values);
        print_message("row %s\n", rows[i].name);
        ok_free("UpdateItem", body);
        /* Compare ignoring member order: AWS items are maps. */
        char get[256];
        snprintf(get, sizeof get, "{\"TableName\":\"items\",\"Key\":"
                                  "{\"pk\":{\"S\":\"u\"}}}");
        struct response r = ok("GetItem", get);
        cJSON *want = cJSON_Parse(rows[i].item);
        const cJSON *got = cJSON_GetObjectItem(r.json, "Item");
        bool is_equal = cJSON_GetArraySize(want) == cJSON_GetArraySize(got);
        const cJSON *member;
        cJSON_ArrayForEach(member, want) {
            const cJSON *g = cJSON_GetObjectItemCaseSensitive(got,
                                                              member->string);
            is_equal = is_equal && g && cJSON_Compare(member, g, 1);
        }
        if (!is_equal)
            print_error("want %s\n got %s\n", rows[i].item, r.body);
        cJSON_Delete(want);
        response_free(&r);
        assert_true(is_equal);
    }
}

static void updates_of_key_attributes_should_be_refused(void **state)
{
    (void)state;
    static const struct error_row rows[] = {
        { "set the hash key", "UpdateItem",
          "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"k\"}},"
          "\"UpdateExpression\":\"SET pk = :v\","
          "\"ExpressionAttributeValues\":{\":v\":{\"S\":\"other\"}}}",
          "ValidationException",
          "One or more parameter values were invalid: Cannot update "
          "attribute pk. This attribute is part of the key" },
        { "remove the range key by name", "UpdateItem",
          "{\"TableName\":\"pairs\",\"Key\":{\"h\":{\"S\":\"k\"},"
          "\"r\":{\"N\":\"1\"}},\"UpdateExpression\":\"REMOVE #r\","
          "\"ExpressionAttributeNames\":{\"#r\":\"r\"}}",
          "ValidationException",
          "One or more parameter values were invalid: Cannot update "
          "attribute r. This attribute is part of the key" },
    };
    check_error_rows(rows, sizeof rows / sizeof rows[0]);
    expect_item("k", NULL);
}

/* A PutItem body for "items" whose item is exactly `bytes` DynamoDB bytes:
 * "pk" + "k" is 3, attribute name "b" is 1, the rest is the string. */
static char *item_of_size(size_t bytes)
{
    size_t fill = bytes - 4;
    char *body = malloc(fill + 128);
    assert_non_null(body);
    int n = sprintf(body, "{\"TableName\":\"items\",\"Item\":{\"pk\":{\"S\":"
                          "\"k\"},\"b\":{\"S\":\"");
    memset(body + n, 'x', fill);
    strcpy(body + n + fill, "\"}}}");
    return body;
}

static void items_should_be_limited_to_400_kb(void **state)
{
    (void)state;
    char *body = item_of_size(400 * 1024);
    ok_free("PutItem", body);
    free(body);
    struct response r = ok("DescribeTable", "{\"TableName\":\"items\"}");
    const cJSON *size = cJSON_GetObjectItem(cJSON_GetObjectItem(r.json,
                                                                "Table"),
                                            "TableSizeBytes");
    assert_true(size->valuedouble == 400 * 1024);
    response_free(&r);

    body = item_of_size(400 * 1024 + 1);
    r = client_ddb("PutItem", body);
    free(body);
    assert_int_equal(r.status, 400);
    assert_string_equal(response_error(&r), "ValidationException");
    assert_string_equal(response_message(&r),
                        "Item size has exceeded the maximum allowed size");
    response_free(&r);

    /* An update that would grow the item past the limit. */
    static const struct error_row grow[] = {
        { "update past the limit", "UpdateItem",
          "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"k\"}},"
          "\"UpdateExpression\":\"SET c = :c\","
          "\"ExpressionAttributeValues\":{\":c\":{\"S\":\"x\"}}}",
          "ValidationException",
          "Item size to update has exceeded the maximum allowed size" },
    };
    check_error_rows(grow, 1);
}

static void key_errors_should_name_the_problem(void **state)
{
    (void)state;
    static const struct error_row rows[] = {
        { "item without its key", "PutItem",
          "{\"TableName\":\"items\",\"Item\":{\"x\":{\"S\":\"a\"}}}",
          "ValidationException",
          "One or more parameter values were invalid: Missing the key pk "
          "in the item" },
        { "item without its range key", "PutItem",
          "{\"TableName\":\"pairs\",\"Item\":{\"h\":{\"S\":\"a\"}}}",
          "ValidationException",
          "One or more parameter values were invalid: Missing the key r "
          "in the item" },
        { "item key of the wrong type", "PutItem",
          "{\"TableName\":\"items\",\"Item\":{\"pk\":{\"N\":\"1\"}}}",
          "ValidationException",
          "One or more parameter values were invalid: Type mismatch for key "
          "pk expected: S actual: N" },
        { "item with an empty string key", "PutItem",
          "{\"TableName\":\"items\",\"Item\":{\"pk\":{\"S\":\"\"}}}",
          "ValidationException",
          "One or more parameter values are not valid. The AttributeValue "
          "for a key attribute cannot contain an empty string value. Key: "
          "pk" },
        { "key with an extra attribute", "GetItem",
          "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"a\"},"
          "\"x\":{\"S\":\"b\"}}}",
          "ValidationException",
          "The provided key element does not match the schema" },
        { "key of the wrong type", "DeleteItem",
          "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"B\":\"AQ==\"}}}",
          "ValidationException",
          "The provided key element does not match the schema" },
        { "key without the range key", "UpdateItem",
          "{\"TableName\":\"pairs\",\"Key\":{\"h\":{\"S\":\"a\"}}}",
          "ValidationException",
          "The provided key element does not match the schema" },
        { "key naming another attribute", "GetItem",
          "{\"TableName\":\"items\",\"Key\":{\"id\":{\"S\":\"a\"}}}",
          "ValidationException",
          "The provided key element does not match the schema" },
        { "key with an empty string", "GetItem",
          "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"\"}}}",
          "ValidationException",
          "One or more parameter values are not valid. The AttributeValue "
          "for a key attribute cannot contain an empty string value. Key: "
          "pk" },
        { "no key", "GetItem", "{\"TableName\":\"items\"}",
          "ValidationException",
          "1 validation error detected: Value null at 'key' failed to "
          "satisfy constraint: Member must not be null" },
        { "no item", "PutItem", "{\"TableName\":\"items\"}",
          "ValidationException",
          "1 validation error detected: Value null at 'item' failed to "
          "satisfy constraint: Member must not be null" },
        { "key as a list", "GetItem",
          "{\"TableName\":\"items\",\"Key\":[]}",
          "SerializationException",
          "Unexpected value type for member Key: expected an object" },
    };
    check_error_rows(rows, sizeof rows / sizeof rows[0]);
}

static void placeholders_should_be_defined_and_used(void **state)
{
    (void)state;
    static const struct error_row rows[] = {
        { "unused value", "PutItem",
          "{\"TableName\":\"items\",\"Item\":{\"pk\":{\"S\":\"a\"}},"
          "\"ConditionExpression\":\"attribute_not_exists(pk)\","
          "\"ExpressionAttributeValues\":{\":unused\":{\"S\":\"x\"}}}",
          "ValidationException",
          "Value provided in ExpressionAttributeValues unused in "
          "expressions: keys: {:unused}" },
        { "unused name", "UpdateItem",
          "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"a\"}},"
          "\"UpdateExpression\":\"SET a = :v\","
          "\"ExpressionAttributeNames\":{\"#n\":\"n\"},"
          "\"ExpressionAttributeValues\":{\":v\":{\"S\":\"x\"}}}",
          "ValidationException",
          "Value provided in ExpressionAttributeNames unused in "
          "expressions: keys: {#n}" },
        { "undefined value", "DeleteItem",
          "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"a\"}},"
          "\"ConditionExpression\":\"a = :v\"}",
          "ValidationException",
          "Invalid ConditionExpression: An expression attribute value used "
          "in expression is not defined; attribute value: :v" },
        { "undefined name", "UpdateItem",
          "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"a\"}},"
          "\"UpdateExpression\":\"REMOVE #n\"}",
          "ValidationException",
          "Invalid UpdateExpression: An expression attribute name used in "
          "the document path is not defined; attribute name: #n" },
        { "values without an expression on PutItem", "PutItem",
          "{\"TableName\":\"items\",\"Item\":{\"pk\":{\"S\":\"a\"}},"
          "\"ExpressionAttributeValues\":{\":v\":{\"S\":\"x\"}}}",
          "ValidationException",
          "ExpressionAttributeValues can only be specified when using "
          "expressions: ConditionExpression is null" },
        { "empty values without an expression", "DeleteItem",
          "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"a\"}},"
          "\"ExpressionAttributeValues\":{}}",
          "ValidationException",
          "ExpressionAttributeValues can only be specified when using "
          "expressions: ConditionExpression is null" },
        { "values without an expression on UpdateItem", "UpdateItem",
          "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"a\"}},"
          "\"ExpressionAttributeValues\":{\":v\":{\"S\":\"x\"}}}",
          "ValidationException",
          "ExpressionAttributeValues can only be specified when using "
          "expressions: UpdateExpression and ConditionExpression are null" },
        { "names without an expression", "GetItem",
          "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"a\"}},"
          "\"ExpressionAttributeNames\":{\"#n\":\"n\"}}",
          "ValidationException",
          "ExpressionAttributeNames can only be specified when using "
          "expressions" },
        { "names and values without an expression", "PutItem",
          "{\"TableName\":\"items\",\"Item\":{\"pk\":{\"S\":\"a\"}},"
          "\"ExpressionAttributeNames\":{\"#n\":\"n\"},"
          "\"ExpressionAttributeValues\":{\":v\":{\"S\":\"x\"}}}",
          "ValidationException",
          "ExpressionAttributeNames can only be specified when using "
          "expressions" },
        { "empty value map with an expression", "PutItem",
          "{\"TableName\":\"items\",\"Item\":{\"pk\":{\"S\":\"a\"}},"
          "\"ConditionExpression\":\"attribute_not_exists(pk)\","
          "\"ExpressionAttributeValues\":{}}",
          "ValidationException",
          "ExpressionAttributeValues must not be empty" },
        { "syntax error", "PutItem",
          "{\"TableName\":\"items\",\"Item\":{\"pk\":{\"S\":\"a\"}},"
          "\"ConditionExpression\":\"a = = b\"}",
          "ValidationException",
          "Invalid ConditionExpression: Syntax error; token: \"=\", near: "
          "\"= = b\"" },
    };
    check_error_rows(rows, sizeof rows / sizeof rows[0]);
    expect_item("a", NULL);
}

static void operations_on_a_missing_table_should_be_not_found(void **state)
{
    (void)state;
    static const struct error_row rows[] = {
        { "put", "PutItem",
          "{\"TableName\":\"nope\",\"Item\":{\"pk\":{\"S\":\"a\"}}}",
          "ResourceNotFoundException", "Requested resource not found" },
        { "get", "GetItem",
          "{\"TableName\":\"nope\",\"Key\":{\"pk\":{\"S\":\"a\"}}}",
          "ResourceNotFoundException", "Requested resource not found" },
        { "update", "UpdateItem",
          "{\"TableName\":\"nope\",\"Key\":{\"pk\":{\"S\":\"a\"}}}",
          "ResourceNotFoundException", "Requested resource not found" },
        { "delete", "DeleteItem",
          "{\"TableName\":\"nope\",\"Key\":{\"pk\":{\"S\":\"a\"}}}",
          "ResourceNotFoundException", "Requested resource not found" },
        { "bad table name", "GetItem",
          "{\"TableName\":\"n\",\"Key\":{\"pk\":{\"S\":\"a\"}}}",
          "ValidationException",
          "1 validation error detected: Value 'n' at 'tableName' failed to "
          "satisfy constraint: Member must have length greater than or "
          "equal to 3" },
    };
    check_error_rows(rows, sizeof rows / sizeof rows[0]);
}

struct incrementer {
    pthread_t thread;
    int failures; /* requests that were not 200 */
};

static void *increment(void *arg)
{
    struct incrementer *inc = arg;
    for (int i = 0; i < INCREMENTS_PER_THREAD; i++) {
        struct response r = client_ddb(
            "UpdateItem",
            "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"counter\"}},"
            "\"UpdateExpression\":\"SET n = n + :one\","
            "\"ConditionExpression\":\"attribute_exists(n)\","
            "\"ExpressionAttributeValues\":{\":one\":{\"N\":\"1\"}}}");
        if (r.status != 200) {
            fprintf(stderr, "increment: %ld %s\n", r.status, r.body);
            inc->failures++;
        }
        response_free(&r);
    }
    return NULL;
}

static void concurrent_increments_should_lose_no_update(void **state)
{
    (void)state;
    put_items("{\"pk\":{\"S\":\"counter\"},\"n\":{\"N\":\"0\"}}");
    struct incrementer incs[INCREMENT_THREADS] = { 0 };
    for (int i = 0; i < INCREMENT_THREADS; i++)
        assert_int_equal(pthread_create(&incs[i].thread, NULL, increment,
                                        &incs[i]), 0);
    int failures = 0;
    for (int i = 0; i < INCREMENT_THREADS; i++) {
        pthread_join(incs[i].thread, NULL);
        failures += incs[i].failures;
    }
    assert_int_equal(failures, 0);
    char want[128];
    snprintf(want, sizeof want,
             "{\"pk\":{\"S\":\"counter\"},\"n\":{\"N\":\"%d\"}}",
             INCREMENT_THREADS * INCREMENTS_PER_THREAD);
    expect_item("counter", want);
}

int main(void)
{
    client_start();
#define TEST(fn) cmocka_unit_test_setup(fn, reset_with_tables)
    const struct CMUnitTest tests[] = {
        TEST(put_then_get_should_round_trip_every_attribute_type),
        TEST(numbers_should_be_stored_canonically),
        TEST(get_item_should_honour_consistent_read_and_projection),
        TEST(condition_expressions_should_gate_writes),
        TEST(failed_condition_should_return_the_old_item_when_asked),
        TEST(return_values_should_follow_each_operation),
        TEST(update_item_should_create_the_item_from_its_key),
        TEST(update_expressions_should_change_the_item),
        TEST(updates_of_key_attributes_should_be_refused),
        TEST(items_should_be_limited_to_400_kb),
        TEST(key_errors_should_name_the_problem),
        TEST(placeholders_should_be_defined_and_used),
        TEST(operations_on_a_missing_table_should_be_not_found),
        TEST(concurrent_increments_should_lose_no_update),
    };
    return cmocka_run_group_tests_name("ddb_items", tests, NULL, NULL);
}
