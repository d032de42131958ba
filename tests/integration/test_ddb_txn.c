/* TransactWriteItems and TransactGetItems over real HTTP: all or nothing,
 * cancellation reasons in order with the failed item when asked, one
 * stream record per changed item, ClientRequestToken idempotency on the
 * virtual clock, capacity, and the validation errors with AWS's messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "helper/ddb_check.h"

static int reset_with_tables(void **state)
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
    ddb_ok_free("CreateTable",
                "{\"TableName\":\"other\",\"BillingMode\":\"PAY_PER_REQUEST\","
                "\"AttributeDefinitions\":[{\"AttributeName\":\"id\","
                "\"AttributeType\":\"N\"}],\"KeySchema\":[{\"AttributeName\":"
                "\"id\",\"KeyType\":\"HASH\"}]}");
    ddb_ok_free("PutItem", "{\"TableName\":\"items\",\"Item\":{\"pk\":{\"S\":"
                "\"acct\"},\"balance\":{\"N\":\"10\"}}}");
    return 0;
}

static void expect_item(const char *key, const char *want)
{
    struct response r = ddb_ok("GetItem", fmt(
        "{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"%s\"}},"
        "\"ConsistentRead\":true}", key));
    if (want)
        assert_json(member(r.json, "Item"), want);
    else
        assert_null(member(r.json, "Item"));
    response_free(&r);
}

/* A transfer: debit acct by amount if it can pay, put a receipt. */
static const char *transfer(int amount, const char *receipt)
{
    return fmt("{\"TransactItems\":["
               "{\"Update\":{\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":"
               "\"acct\"}},\"UpdateExpression\":\"SET balance = balance - :a\","
               "\"ConditionExpression\":\"balance >= :a\","
               "\"ExpressionAttributeValues\":{\":a\":{\"N\":\"%d\"}},"
               "\"ReturnValuesOnConditionCheckFailure\":\"ALL_OLD\"}},"
               "{\"Put\":{\"TableName\":\"items\",\"Item\":{\"pk\":{\"S\":"
               "\"%s\"}}}},"
               "{\"ConditionCheck\":{\"TableName\":\"other\",\"Key\":{\"id\":"
               "{\"N\":\"9\"}},\"ConditionExpression\":"
               "\"attribute_not_exists(id)\"}},"
               "{\"Delete\":{\"TableName\":\"other\",\"Key\":{\"id\":{\"N\":"
               "\"1\"}}}}]}",
               amount, receipt);
}

static void transactions_should_commit_all_or_nothing(void **state)
{
    (void)state;
    struct response r = ddb_ok("TransactWriteItems", transfer(4, "r1"));
    assert_json(r.json, "{}");
    response_free(&r);
    expect_item("acct", "{\"pk\":{\"S\":\"acct\"},\"balance\":{\"N\":\"6\"}}");
    expect_item("r1", "{\"pk\":{\"S\":\"r1\"}}");

    /* Too much: the update's condition fails, so the put is undone. */
    r = client_ddb("TransactWriteItems", transfer(7, "r2"));
    assert_int_equal(r.status, 400);
    assert_string_equal(response_error(&r), "TransactionCanceledException");
    assert_json(member(r.json, "CancellationReasons"),
                "[{\"Code\":\"ConditionalCheckFailed\",\"Item\":{\"pk\":{"
                "\"S\":\"acct\"},\"balance\":{\"N\":\"6\"}},\"Message\":"
                "\"The conditional request failed\"},{\"Code\":\"None\"},"
                "{\"Code\":\"None\"},{\"Code\":\"None\"}]");
    assert_string_equal(member(r.json, "Message")->valuestring,
                        "Transaction cancelled, please refer cancellation "
                        "reasons for specific reasons "
                        "[ConditionalCheckFailed, None, None, None]");
    response_free(&r);
    expect_item("r2", NULL);
    expect_item("acct", "{\"pk\":{\"S\":\"acct\"},\"balance\":{\"N\":\"6\"}}");

    /* One record per changed item: the setup put, then the update and
     * the receipt; the cancelled transaction left none. */
    cJSON *recs = stream_records("items");
    assert_int_equal(cJSON_GetArraySize(recs), 3);
    cJSON_Delete(recs);
}

static void failed_updates_should_cancel_with_validation_error(void **state)
{
    (void)state;
    struct response r = client_ddb("TransactWriteItems",
        "{\"TransactItems\":[{\"Put\":{\"TableName\":\"items\",\"Item\":{"
        "\"pk\":{\"S\":\"x\"}}}},{\"Update\":{\"TableName\":\"items\","
        "\"Key\":{\"pk\":{\"S\":\"nobalance\"}},\"UpdateExpression\":"
        "\"SET balance = balance + :one\",\"ExpressionAttributeValues\":"
        "{\":one\":{\"N\":\"1\"}}}}]}");
    assert_int_equal(r.status, 400);
    assert_string_equal(response_error(&r), "TransactionCanceledException");
    assert_string_equal(member(r.json, "Message")->valuestring,
                        "Transaction cancelled, please refer cancellation "
                        "reasons for specific reasons [None, "
                        "ValidationError]");
    const cJSON *second = cJSON_GetArrayItem(
        member(r.json, "CancellationReasons"), 1);
    assert_string_equal(member(second, "Code")->valuestring,
                        "ValidationError");
    response_free(&r);
    expect_item("x", NULL);
}

static void client_request_tokens_should_make_retries_idempotent(void **state)
{
    (void)state;
    const char *body = "{\"ClientRequestToken\":\"tok-1\",\"TransactItems\":["
                       "{\"Update\":{\"TableName\":\"items\",\"Key\":{\"pk\":"
                       "{\"S\":\"acct\"}},\"UpdateExpression\":"
                       "\"ADD balance :one\",\"ExpressionAttributeValues\":"
                       "{\":one\":{\"N\":\"1\"}}}}]}";
    ddb_ok_free("TransactWriteItems", body);
    ddb_ok_free("TransactWriteItems", body);
    expect_item("acct", "{\"pk\":{\"S\":\"acct\"},\"balance\":{\"N\":\"11\"}}");
    ddb_err("TransactWriteItems",
            "{\"ClientRequestToken\":\"tok-1\",\"TransactItems\":[{\"Put\":{"
            "\"TableName\":\"items\",\"Item\":{\"pk\":{\"S\":\"z\"}}}}]}",
            "IdempotentParameterMismatchException",
            "Request token was reused with different parameters");
    /* Ten minutes later the token is forgotten and the update runs again. */
    struct response a = admin_ok("/_dynalake/clock",
                                 "{\"advance_ms\":600001}");
    response_free(&a);
    ddb_ok_free("TransactWriteItems", body);
    expect_item("acct", "{\"pk\":{\"S\":\"acct\"},\"balance\":{\"N\":\"12\"}}");
}

static void transact_get_should_read_each_item(void **state)
{
    (void)state;
    struct response r = ddb_ok("TransactGetItems",
        "{\"TransactItems\":[{\"Get\":{\"TableName\":\"items\",\"Key\":{"
        "\"pk\":{\"S\":\"acct\"}},\"ProjectionExpression\":\"balance\"}},"
        "{\"Get\":{\"TableName\":\"other\",\"Key\":{\"id\":{\"N\":\"5\"}}}}],"
        "\"ReturnConsumedCapacity\":\"TOTAL\"}");
    assert_json(member(r.json, "Responses"),
                "[{\"Item\":{\"balance\":{\"N\":\"10\"}}},{}]");
    assert_json(member(r.json, "ConsumedCapacity"),
                "[{\"TableName\":\"items\",\"CapacityUnits\":2,"
                "\"ReadCapacityUnits\":2},{\"TableName\":\"other\","
                "\"CapacityUnits\":2,\"ReadCapacityUnits\":2}]");
    response_free(&r);
}

static void transaction_capacity_should_be_doubled(void **state)
{
    (void)state;
    struct response r = ddb_ok("TransactWriteItems",
        "{\"ReturnConsumedCapacity\":\"INDEXES\",\"TransactItems\":["
        "{\"Put\":{\"TableName\":\"items\",\"Item\":{\"pk\":{\"S\":\"a\"}}}},"
        "{\"Put\":{\"TableName\":\"items\",\"Item\":{\"pk\":{\"S\":\"b\"}}}}"
        "]}");
    assert_json(member(r.json, "ConsumedCapacity"),
                "[{\"TableName\":\"items\",\"CapacityUnits\":4,"
                "\"WriteCapacityUnits\":4,\"Table\":{\"CapacityUnits\":4,"
                "\"WriteCapacityUnits\":4}}]");
    response_free(&r);
}

static void transaction_errors_should_use_aws_messages(void **state)
{
    (void)state;
    const char *tw = "TransactWriteItems";
    const char *v = "ValidationException";
    ddb_err(tw, "{}", v, "1 validation error detected: Value null at "
            "'transactItems' failed to satisfy constraint: Member must not "
            "be null");
    ddb_err(tw, "{\"TransactItems\":[]}", v, "1 validation error detected: "
            "Value '[]' at 'transactItems' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1");
    ddb_err("TransactGetItems", "{\"TransactItems\":[]}", v,
            "1 validation error detected: Value '[]' at 'transactItems' "
            "failed to satisfy constraint: Member must have length greater "
            "than or equal to 1");
    char many[32768] = "{\"TransactItems\":[";
    for (int i = 0; i < 101; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many),
                 "%s{\"Put\":{\"TableName\":\"items\",\"Item\":{\"pk\":{"
                 "\"S\":\"%d\"}}}}", i ? "," : "", i);
    strcat(many, "]}");
    ddb_err_split(tw, many, v, "1 validation error detected: Value '[com."
                  "amazonaws.dynamodb.v20120810.TransactWriteItem@",
                  "]' at 'transactItems' failed to satisfy constraint: "
                  "Member must have length less than or equal to 100");
    ddb_err(tw, "{\"TransactItems\":[{\"Put\":{\"Item\":{\"pk\":{\"S\":"
            "\"a\"}}}},{\"Update\":{\"TableName\":\"items\",\"Key\":{\"pk\":"
            "{\"S\":\"a\"}}}}],\"ReturnConsumedCapacity\":\"ALL\"}", v,
            "3 validation errors detected: Value 'ALL' at "
            "'returnConsumedCapacity' failed to satisfy constraint: Member "
            "must satisfy enum value set: [INDEXES, TOTAL, NONE]; Value null "
            "at 'transactItems.1.member.put.tableName' failed to satisfy "
            "constraint: Member must not be null; Value null at "
            "'transactItems.2.member.update.updateExpression' failed to "
            "satisfy constraint: Member must not be null");
    ddb_err(tw, "{\"TransactItems\":[{}]}", v, "The action or operation "
            "requested is invalid. Verify that the action is typed "
            "correctly.");
    ddb_err(tw, "{\"TransactItems\":[{\"Put\":{\"TableName\":\"items\","
            "\"Item\":{\"pk\":{\"S\":\"a\"}}},\"Delete\":{\"TableName\":"
            "\"items\",\"Key\":{\"pk\":{\"S\":\"a\"}}}}]}", v,
            "TransactItems can only contain one of Check, Put, Update or "
            "Delete");
    ddb_err(tw, "{\"TransactItems\":[{\"Put\":{\"TableName\":\"items\","
            "\"Item\":{\"pk\":{\"S\":\"a\"}}}},{\"ConditionCheck\":{"
            "\"TableName\":\"items\",\"Key\":{\"pk\":{\"S\":\"a\"}},"
            "\"ConditionExpression\":\"attribute_exists(pk)\"}}]}", v,
            "Transaction request cannot include multiple operations on one "
            "item");
    ddb_err(tw, "{\"TransactItems\":[{\"Put\":{\"TableName\":\"nope\","
            "\"Item\":{\"pk\":{\"S\":\"a\"}}}}]}",
            "ResourceNotFoundException", "Requested resource not found");
    ddb_err(tw, "{\"TransactItems\":[{\"Update\":{\"TableName\":\"items\","
            "\"Key\":{\"pk\":{\"S\":\"a\"}},\"UpdateExpression\":"
            "\"SET pk = :v\",\"ExpressionAttributeValues\":{\":v\":{\"S\":"
            "\"b\"}}}}]}", v, "One or more parameter values were invalid: "
            "Cannot update attribute pk. This attribute is part of the key");
    ddb_err(tw, "{\"ClientRequestToken\":\"0123456789012345678901234567890"
            "123456\",\"TransactItems\":[{\"Put\":{\"TableName\":\"items\","
            "\"Item\":{\"pk\":{\"S\":\"a\"}}}}]}", v,
            "1 validation error detected: Value '0123456789012345678901234"
            "567890123456' at 'clientRequestToken' failed to satisfy "
            "constraint: Member must have length less than or equal to 36");
}

int main(void)
{
    client_start();
#define TEST(fn) cmocka_unit_test_setup(fn, reset_with_tables)
    const struct CMUnitTest tests[] = {
        TEST(transactions_should_commit_all_or_nothing),
        TEST(failed_updates_should_cancel_with_validation_error),
        TEST(client_request_tokens_should_make_retries_idempotent),
        TEST(transact_get_should_read_each_item),
        TEST(transaction_capacity_should_be_doubled),
        TEST(transaction_errors_should_use_aws_messages),
    };
    return cmocka_run_group_tests_name("ddb_txn", tests, NULL, NULL);
}
