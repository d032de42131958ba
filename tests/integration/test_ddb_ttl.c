/* Time to Live over real HTTP: UpdateTimeToLive and DescribeTimeToLive
 * with AWS's validation, and expiry on the virtual clock through the
 * admin sweep, whose deletions carry the service's userIdentity in the
 * stream. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "helper/ddb_check.h"

static int reset_with_table(void **state)
{
    (void)state;
    client_reset();
    ddb_ok_free("CreateTable",
                "{\"TableName\":\"items\",\"BillingMode\":\"PAY_PER_REQUEST\","
                "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
                "\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":"
                "\"pk\",\"KeyType\":\"HASH\"}],\"StreamSpecification\":{"
                "\"StreamEnabled\":true,\"StreamViewType\":"
                "\"NEW_AND_OLD_IMAGES\"}}");
    return 0;
}

static void expect_ttl(const char *want)
{
    struct response r = ddb_ok("DescribeTimeToLive",
                               "{\"TableName\":\"items\"}");
    assert_json(r.json, want);
    response_free(&r);
}

static void ttl_should_be_enabled_and_disabled_once(void **state)
{
    (void)state;
    expect_ttl("{\"TimeToLiveDescription\":{\"TimeToLiveStatus\":"
               "\"DISABLED\"}}");
    struct response r = ddb_ok("UpdateTimeToLive",
        "{\"TableName\":\"items\",\"TimeToLiveSpecification\":{"
        "\"Enabled\":true,\"AttributeName\":\"exp\"}}");
    assert_json(r.json, "{\"TimeToLiveSpecification\":{\"AttributeName\":"
                "\"exp\",\"Enabled\":true}}");
    response_free(&r);
    expect_ttl("{\"TimeToLiveDescription\":{\"TimeToLiveStatus\":"
               "\"ENABLED\",\"AttributeName\":\"exp\"}}");
    ddb_err("UpdateTimeToLive", "{\"TableName\":\"items\","
            "\"TimeToLiveSpecification\":{\"Enabled\":true,"
            "\"AttributeName\":\"other\"}}", "ValidationException",
            "TimeToLive is already enabled");
    /* DescribeTable does not show the setting. */
    r = ddb_ok("DescribeTable", "{\"TableName\":\"items\"}");
    assert_null(member(member(r.json, "Table"), "TimeToLiveDescription"));
    response_free(&r);
    ddb_ok_free("UpdateTimeToLive", "{\"TableName\":\"items\","
                "\"TimeToLiveSpecification\":{\"Enabled\":false,"
                "\"AttributeName\":\"exp\"}}");
    expect_ttl("{\"TimeToLiveDescription\":{\"TimeToLiveStatus\":"
               "\"DISABLED\"}}");
    ddb_err("UpdateTimeToLive", "{\"TableName\":\"items\","
            "\"TimeToLiveSpecification\":{\"Enabled\":false,"
            "\"AttributeName\":\"exp\"}}", "ValidationException",
            "TimeToLive is already disabled");
}

static void ttl_errors_should_use_aws_messages(void **state)
{
    (void)state;
    const char *u = "UpdateTimeToLive";
    const char *v = "ValidationException";
    ddb_err(u, "{\"TableName\":\"items\"}", v, "1 validation error "
            "detected: Value null at 'timeToLiveSpecification' failed to "
            "satisfy constraint: Member must not be null");
    ddb_err(u, "{\"TimeToLiveSpecification\":{}}", v, "3 validation errors "
            "detected: Value null at 'tableName' failed to satisfy "
            "constraint: Member must not be null; Value null at "
            "'timeToLiveSpecification.attributeName' failed to satisfy "
            "constraint: Member must not be null; Value null at "
            "'timeToLiveSpecification.enabled' failed to satisfy "
            "constraint: Member must not be null");
    ddb_err(u, "{\"TableName\":\"items\",\"TimeToLiveSpecification\":{"
            "\"Enabled\":true,\"AttributeName\":\"\"}}", v, "1 validation "
            "error detected: Value '' at "
            "'timeToLiveSpecification.attributeName' failed to satisfy "
            "constraint: Member must have length greater than or equal to "
            "1");
    ddb_err(u, "{\"TableName\":\"nope\",\"TimeToLiveSpecification\":{"
            "\"Enabled\":true,\"AttributeName\":\"exp\"}}",
            "ResourceNotFoundException",
            "Requested resource not found: Table: nope not found");
    ddb_err("DescribeTimeToLive", "{\"TableName\":\"nope\"}",
            "ResourceNotFoundException",
            "Requested resource not found: Table: nope not found");
    ddb_err("DescribeTimeToLive", "{}", v, "1 validation error detected: "
            "Value null at 'tableName' failed to satisfy constraint: Member "
            "must not be null");
}

static long long clock_now_s(void)
{
    struct response r = client_raw("GET", "/_dynalake/clock", NULL, NULL, 0,
                                   0);
    assert_int_equal(r.status, 200);
    long long now = (long long)member(r.json, "now_ms")->valuedouble / 1000;
    response_free(&r);
    return now;
}

static void put_with_exp(const char *pk, const char *exp_attr)
{
    char attr[128]; /* exp_attr may be fmt's buffer, which fmt reuses */
    snprintf(attr, sizeof attr, "%s", exp_attr);
    ddb_ok_free("PutItem", fmt("{\"TableName\":\"items\",\"Item\":{\"pk\":"
                               "{\"S\":\"%s\"}%s}}", pk, attr));
}

static bool exists(const char *pk)
{
    struct response r = ddb_ok("GetItem", fmt(
        "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"%s\"}},"
        "\"ConsistentRead\":true}", pk));
    bool found = member(r.json, "Item") != NULL;
    response_free(&r);
    return found;
}

static void sweep(void)
{
    struct response r = admin_ok("/_dynalake/ttl/sweep", "");
    response_free(&r);
}

static void expired_items_should_be_deleted_by_the_service(void **state)
{
    (void)state;
    ddb_ok_free("UpdateTimeToLive", "{\"TableName\":\"items\","
                "\"TimeToLiveSpecification\":{\"Enabled\":true,"
                "\"AttributeName\":\"exp\"}}");
    long long now = clock_now_s();
    put_with_exp("past", fmt(",\"exp\":{\"N\":\"%lld\"}", now - 10));
    put_with_exp("hour", fmt(",\"exp\":{\"N\":\"%lld\"}", now + 3600));
    put_with_exp("string", ",\"exp\":{\"S\":\"1\"}");
    put_with_exp("ancient", fmt(",\"exp\":{\"N\":\"%lld\"}",
                                now - 6LL * 365 * 86400));
    put_with_exp("none", "");
    sweep();
    assert_false(exists("past"));
    assert_true(exists("hour"));
    struct response a = admin_ok("/_dynalake/clock",
                                 "{\"advance_ms\":3602000}");
    response_free(&a);
    sweep();
    assert_false(exists("hour"));
    assert_true(exists("string"));
    assert_true(exists("ancient"));
    assert_true(exists("none"));

    /* Five puts, then two deletions by the service. */
    cJSON *recs = stream_records("items");
    assert_int_equal(cJSON_GetArraySize(recs), 7);
    for (int i = 5; i < 7; i++) {
        const cJSON *rec = cJSON_GetArrayItem(recs, i);
        assert_string_equal(member(rec, "eventName")->valuestring, "REMOVE");
        assert_json(member(rec, "userIdentity"),
                    "{\"Type\":\"Service\",\"PrincipalId\":"
                    "\"dynamodb.amazonaws.com\"}");
    }
    assert_null(member(cJSON_GetArrayItem(recs, 0), "userIdentity"));
    cJSON_Delete(recs);
}

static void enable_ttl_on(const char *attribute)
{
    ddb_ok_free("UpdateTimeToLive", fmt("{\"TableName\":\"items\","
                "\"TimeToLiveSpecification\":{\"Enabled\":true,"
                "\"AttributeName\":\"%s\"}}", attribute));
}

/* The sweep skips items whose stored text cannot hold the attribute; these
 * are the texts it must not skip, and the near misses it must keep. */
static void expired_items_should_be_found_whatever_their_text(void **state)
{
    (void)state;
    enable_ttl_on("exp");
    long long past = clock_now_s() - 10;
    ddb_ok_free("PutItem", fmt("{\"TableName\":\"items\",\"Item\":{"
                "\"exp\":{\"N\":\"%lld\"},\"pk\":{\"S\":\"first\"}}}",
                past));
    put_with_exp("after-map", fmt(",\"m\":{\"M\":{\"a\":{\"S\":\"exp\"}}},"
                                  "\"exp\":{\"N\":\"%lld\"}", past));
    ddb_ok_free("UpdateItem", fmt("{\"TableName\":\"items\",\"Key\":{"
                "\"pk\":{\"S\":\"updated\"}},\"UpdateExpression\":"
                "\"SET exp = :e\",\"ExpressionAttributeValues\":{\":e\":"
                "{\"N\":\"%lld\"}}}", past));
    put_with_exp("suffix", fmt(",\"xexp\":{\"N\":\"%lld\"}", past));
    put_with_exp("nested", fmt(",\"m\":{\"M\":{\"exp\":{\"N\":\"%lld\"}}}",
                               past));
    sweep();
    assert_false(exists("first"));
    assert_false(exists("after-map"));
    assert_false(exists("updated"));
    assert_true(exists("suffix"));
    assert_true(exists("nested"));
}

/* A name the JSON printer escapes is looked for the slow way. */
static void expired_items_should_be_found_under_an_escaped_name(
    void **state)
{
    (void)state;
    enable_ttl_on("e\\\"x");
    long long past = clock_now_s() - 10;
    put_with_exp("quoted", fmt(",\"e\\\"x\":{\"N\":\"%lld\"}", past));
    put_with_exp("plain", fmt(",\"ex\":{\"N\":\"%lld\"}", past));
    sweep();
    assert_false(exists("quoted"));
    assert_true(exists("plain"));
}

int main(void)
{
    client_start();
#define TEST(fn) cmocka_unit_test_setup(fn, reset_with_table)
    const struct CMUnitTest tests[] = {
        TEST(ttl_should_be_enabled_and_disabled_once),
        TEST(ttl_errors_should_use_aws_messages),
        TEST(expired_items_should_be_deleted_by_the_service),
        TEST(expired_items_should_be_found_whatever_their_text),
        TEST(expired_items_should_be_found_under_an_escaped_name),
    };
    return cmocka_run_group_tests_name("ddb_ttl", tests, NULL, NULL);
}
