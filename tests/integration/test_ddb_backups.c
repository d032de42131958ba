/* Continuous backups over real HTTP: DescribeContinuousBackups and
 * UpdateContinuousBackups keep a table's point-in-time recovery setting,
 * with AWS's validation and its TableNotFoundException. */
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
                "\"pk\",\"KeyType\":\"HASH\"}]}");
    return 0;
}

static void recovery_should_be_off_until_enabled(void **state)
{
    (void)state;
    struct response r =
        ddb_ok("DescribeContinuousBackups", "{\"TableName\":\"items\"}");
    assert_json(r.json, "{\"ContinuousBackupsDescription\":{"
                        "\"ContinuousBackupsStatus\":\"ENABLED\","
                        "\"PointInTimeRecoveryDescription\":{"
                        "\"PointInTimeRecoveryStatus\":\"DISABLED\"}}}");
    response_free(&r);
    r = ddb_ok("UpdateContinuousBackups",
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
    /* Nothing was changed by the refusals. */
    struct response r =
        ddb_ok("DescribeContinuousBackups", "{\"TableName\":\"items\"}");
    assert_json(r.json, "{\"ContinuousBackupsDescription\":{"
                        "\"ContinuousBackupsStatus\":\"ENABLED\","
                        "\"PointInTimeRecoveryDescription\":{"
                        "\"PointInTimeRecoveryStatus\":\"DISABLED\"}}}");
    response_free(&r);
}

int main(void)
{
    client_start();
#define TEST(fn) cmocka_unit_test_setup(fn, reset_with_table)
    const struct CMUnitTest tests[] = {
        TEST(recovery_should_be_off_until_enabled),
        TEST(backup_errors_should_use_aws_messages),
    };
#undef TEST
    return cmocka_run_group_tests_name("ddb_backups", tests, NULL, NULL);
}
