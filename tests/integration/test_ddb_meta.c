/* Consumed capacity on the single-item operations, Query and Scan; tags;
 * DescribeLimits and DescribeEndpoints; the point-in-time recovery setting
 * (DescribeContinuousBackups, UpdateContinuousBackups); over real HTTP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "helper/ddb_check.h"

#define ARN "arn:aws:dynamodb:us-east-1:000000000000:table/items"

static int reset_with_table(void **state)
{
    (void)state;
    client_reset();
    ddb_ok_free("CreateTable",
                "{\"TableName\":\"items\",\"BillingMode\":\"PAY_PER_REQUEST\","
                "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
                "\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":"
                "\"pk\",\"KeyType\":\"HASH\"}]}");
    return 0;
}

static void expect_capacity(const char *op, const char *body,
                            const char *want)
{
    struct response r = ddb_ok(op, body);
    assert_json(member(r.json, "ConsumedCapacity"), want);
    response_free(&r);
}

static void item_operations_should_report_capacity(void **state)
{
    (void)state;
    char big[5000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    /* 5 KB: five write units, two read units (4 KB each). */
    expect_capacity("PutItem", fmt("{\"TableName\":\"items\",\"Item\":{"
                    "\"pk\":{\"S\":\"a\"},\"b\":{\"S\":\"%s\"}},"
                    "\"ReturnConsumedCapacity\":\"TOTAL\"}", big),
                    "{\"TableName\":\"items\",\"CapacityUnits\":5}");
    expect_capacity("GetItem", "{\"TableName\":\"items\",\"Key\":{\"pk\":"
                    "{\"S\":\"a\"}},\"ReturnConsumedCapacity\":\"TOTAL\"}",
                    "{\"TableName\":\"items\",\"CapacityUnits\":1}");
    expect_capacity("GetItem", "{\"TableName\":\"items\",\"Key\":{\"pk\":"
                    "{\"S\":\"a\"}},\"ConsistentRead\":true,"
                    "\"ReturnConsumedCapacity\":\"INDEXES\"}",
                    "{\"TableName\":\"items\",\"CapacityUnits\":2,"
                    "\"Table\":{\"CapacityUnits\":2}}");
    expect_capacity("GetItem", "{\"TableName\":\"items\",\"Key\":{\"pk\":"
                    "{\"S\":\"none\"}},\"ReturnConsumedCapacity\":\"TOTAL\"}",
                    "{\"TableName\":\"items\",\"CapacityUnits\":0.5}");
    /* An update costs the larger of the item before and after. */
    expect_capacity("UpdateItem", "{\"TableName\":\"items\",\"Key\":{\"pk\":"
                    "{\"S\":\"a\"}},\"UpdateExpression\":\"REMOVE b\","
                    "\"ReturnConsumedCapacity\":\"TOTAL\"}",
                    "{\"TableName\":\"items\",\"CapacityUnits\":5}");
    expect_capacity("DeleteItem", "{\"TableName\":\"items\",\"Key\":{\"pk\":"
                    "{\"S\":\"a\"}},\"ReturnConsumedCapacity\":\"TOTAL\"}",
                    "{\"TableName\":\"items\",\"CapacityUnits\":1}");
    ddb_err("PutItem", "{\"TableName\":\"items\",\"Item\":{\"pk\":{\"S\":"
            "\"a\"}},\"ReturnConsumedCapacity\":\"ALL\"}",
            "ValidationException", "1 validation error detected: Value "
            "'ALL' at 'returnConsumedCapacity' failed to satisfy "
            "constraint: Member must satisfy enum value set: [INDEXES, "
            "TOTAL, NONE]");
}

static void query_and_scan_should_round_the_total(void **state)
{
    (void)state;
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    for (int i = 0; i < 3; i++)
        ddb_ok_free("PutItem", fmt("{\"TableName\":\"items\",\"Item\":{"
                                   "\"pk\":{\"S\":\"k%d\"},\"b\":{\"S\":"
                                   "\"%s\"}}}", i, big));
    /* About 9 KB in all: three 4 KB units, halved. */
    expect_capacity("Scan", "{\"TableName\":\"items\","
                    "\"ReturnConsumedCapacity\":\"TOTAL\"}",
                    "{\"TableName\":\"items\",\"CapacityUnits\":1.5}");
    expect_capacity("Query", "{\"TableName\":\"items\","
                    "\"KeyConditionExpression\":\"pk = :k\","
                    "\"ExpressionAttributeValues\":{\":k\":{\"S\":\"k1\"}},"
                    "\"ConsistentRead\":true,"
                    "\"ReturnConsumedCapacity\":\"TOTAL\"}",
                    "{\"TableName\":\"items\",\"CapacityUnits\":1}");
}

static void tags_should_be_added_listed_and_removed(void **state)
{
    (void)state;
    ddb_ok_free("TagResource", "{\"ResourceArn\":\"" ARN "\",\"Tags\":["
                "{\"Key\":\"team\",\"Value\":\"data\"},"
                "{\"Key\":\"env\",\"Value\":\"ci\"}]}");
    ddb_ok_free("TagResource", "{\"ResourceArn\":\"" ARN "\",\"Tags\":["
                "{\"Key\":\"env\",\"Value\":\"prod\"}]}");
    struct response r = ddb_ok("ListTagsOfResource",
                               "{\"ResourceArn\":\"" ARN "\"}");
    assert_json(r.json, "{\"Tags\":[{\"Key\":\"team\",\"Value\":\"data\"},"
                "{\"Key\":\"env\",\"Value\":\"prod\"}]}");
    response_free(&r);
    ddb_ok_free("UntagResource", "{\"ResourceArn\":\"" ARN "\","
                "\"TagKeys\":[\"team\"]}");
    r = ddb_ok("ListTagsOfResource", "{\"ResourceArn\":\"" ARN "\"}");
    assert_json(r.json, "{\"Tags\":[{\"Key\":\"env\",\"Value\":\"prod\"}]}");
    response_free(&r);
    r = ddb_ok("DescribeTable", "{\"TableName\":\"items\"}");
    assert_null(member(member(r.json, "Table"), "Tags"));
    response_free(&r);
    ddb_err("ListTagsOfResource", "{\"ResourceArn\":\"arn:aws:dynamodb:"
            "us-east-1:000000000000:table/nope\"}",
            "ResourceNotFoundException", "Requested resource not found: "
            "ResourcArn: arn:aws:dynamodb:us-east-1:000000000000:table/nope "
            "not found");
    ddb_err("ListTagsOfResource", "{\"ResourceArn\":\"nope\"}",
            "ValidationException", "Invalid TableArn: Invalid ResourceArn "
            "provided as input nope");
    ddb_err("TagResource", "{\"ResourceArn\":\"" ARN "\"}",
            "ValidationException", "1 validation error detected: Value null "
            "at 'tags' failed to satisfy constraint: Member must not be "
            "null");
}

static void tags_past_the_limit_should_be_refused_whole(void **state)
{
    (void)state;
    char body[4096];
    int n = snprintf(body, sizeof body,
                     "{\"ResourceArn\":\"" ARN "\",\"Tags\":[");
    for (int i = 0; i < 51; i++)
        n += snprintf(body + n, sizeof body - (size_t)n,
                      "%s{\"Key\":\"k%d\",\"Value\":\"v\"}",
                      i ? "," : "", i);
    snprintf(body + n, sizeof body - (size_t)n, "]}");
    ddb_err("TagResource", body, "LimitExceededException",
            "The number of tags exceeds the limit of 50 per resource");
    struct response r = ddb_ok("ListTagsOfResource",
                               "{\"ResourceArn\":\"" ARN "\"}");
    assert_json(r.json, "{\"Tags\":[]}");
    response_free(&r);
}

static void limits_and_endpoints_should_answer(void **state)
{
    (void)state;
    struct response r = ddb_ok("DescribeLimits", "{}");
    assert_json(r.json, "{\"AccountMaxReadCapacityUnits\":80000,"
                "\"AccountMaxWriteCapacityUnits\":80000,"
                "\"TableMaxReadCapacityUnits\":40000,"
                "\"TableMaxWriteCapacityUnits\":40000}");
    response_free(&r);
    r = ddb_ok("DescribeEndpoints", "{}");
    const cJSON *e = cJSON_GetArrayItem(member(r.json, "Endpoints"), 0);
    assert_true(strncmp(member(e, "Address")->valuestring, "127.0.0.1:",
                        10) == 0);
    assert_int_equal(member(e, "CachePeriodInMinutes")->valueint, 1440);
    response_free(&r);
}

static void expect_recovery_off(void)
{
    struct response r =
        ddb_ok("DescribeContinuousBackups", "{\"TableName\":\"items\"}");
    assert_json(r.json, "{\"ContinuousBackupsDescription\":{"
                        "\"ContinuousBackupsStatus\":\"ENABLED\","
                        "\"PointInTimeRecoveryDescription\":{"
                        "\"PointInTimeRecoveryStatus\":\"DISABLED\"}}}");
    response_free(&r);
}

static void recovery_should_be_off_until_enabled(void **state)
{
    (void)state;
    expect_recovery_off();
    struct response r = ddb_ok("UpdateContinuousBackups",
               "{\"TableName\":\"items\","
               "\"PointInTimeRecoverySpecification\":{"
               "\"PointInTimeRecoveryEnabled\":true,"
               "\"RecoveryPeriodInDays\":3}}");
    const cJSON *pitr = member(member(r.json, "ContinuousBackupsDescription"),
                               "PointInTimeRecoveryDescription");
    assert_string_equal(member(pitr, "PointInTimeRecoveryStatus")->valuestring,
                        "ENABLED");
    assert_int_equal(member(pitr, "RecoveryPeriodInDays")->valueint, 3);
    assert_true(member(pitr, "EarliestRestorableDateTime")->valuedouble <=
                member(pitr, "LatestRestorableDateTime")->valuedouble);
    response_free(&r);
}

static void backup_errors_should_use_aws_messages(void **state)
{
    (void)state;
    const char *u = "UpdateContinuousBackups";
    const char *v = "ValidationException";
    ddb_err(u, "{}", v,
            "2 validation errors detected: Value null at "
            "'tableName' failed to satisfy constraint: Member must not be "
            "null; Value null at 'pointInTimeRecoverySpecification' failed "
            "to satisfy constraint: Member must not be null");
    ddb_err(u,
            "{\"TableName\":\"items\",\"PointInTimeRecoverySpecification\""
            ":{}}",
            v,
            "1 validation error detected: Value null at "
            "'pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled' "
            "failed to satisfy constraint: Member must not be null");
    ddb_err(u,
            "{\"TableName\":\"items\",\"PointInTimeRecoverySpecification\""
            ":{\"PointInTimeRecoveryEnabled\":true,\"RecoveryPeriodInDays\":"
            "36}}",
            v,
            "1 validation error detected: Value '36' at "
            "'pointInTimeRecoverySpecification.recoveryPeriodInDays' failed "
            "to satisfy constraint: Member must have value less than or "
            "equal to 35");
    ddb_err_split(u,
                  "{\"TableName\":\"items\","
                  "\"PointInTimeRecoverySpecification\":{"
                  "\"PointInTimeRecoveryEnabled\":\"yes\"}}",
                  "SerializationException", "", "");
    ddb_err(u,
            "{\"TableName\":\"nope\",\"PointInTimeRecoverySpecification\""
            ":{\"PointInTimeRecoveryEnabled\":true}}",
            "TableNotFoundException", "Table not found: nope");
    ddb_err("DescribeContinuousBackups", "{\"TableName\":\"nope\"}",
            "TableNotFoundException", "Table not found: nope");
    ddb_err("DescribeContinuousBackups", "{\"TableName\":\"n\"}", v,
            "1 validation error detected: Value 'n' at 'tableName' failed "
            "to satisfy constraint: Member must have length greater than "
            "or equal to 3");
    expect_recovery_off(); /* the refusals changed nothing */
}

int main(void)
{
    client_start();
#define TEST(fn) cmocka_unit_test_setup(fn, reset_with_table)
    const struct CMUnitTest tests[] = {
        TEST(item_operations_should_report_capacity),
        TEST(query_and_scan_should_round_the_total),
        TEST(tags_should_be_added_listed_and_removed),
        TEST(tags_past_the_limit_should_be_refused_whole),
        TEST(limits_and_endpoints_should_answer),
        TEST(recovery_should_be_off_until_enabled),
        TEST(backup_errors_should_use_aws_messages),
    };
    return cmocka_run_group_tests_name("ddb_meta", tests, NULL, NULL);
}
