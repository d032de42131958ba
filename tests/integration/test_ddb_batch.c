/* BatchGetItem and BatchWriteItem over real HTTP: puts and deletes across
 * tables in one transaction with a stream record per changed item, reads
 * with projections, unprocessed items under an injected throttling fault,
 * consumed capacity, and the validation errors with AWS's messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "helper/ddb_check.h"

/* "items" (pk S) with a NEW_AND_OLD_IMAGES stream; "pairs" (h S, r N). */
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
                "{\"TableName\":\"pairs\",\"BillingMode\":\"PAY_PER_REQUEST\","
                "\"AttributeDefinitions\":[{\"AttributeName\":\"h\","
                "\"AttributeType\":\"S\"},{\"AttributeName\":\"r\","
                "\"AttributeType\":\"N\"}],\"KeySchema\":[{\"AttributeName\":"
                "\"h\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"r\","
                "\"KeyType\":\"RANGE\"}]}");
    struct response r = client_raw("DELETE", "/_dynalake/faults", NULL, NULL,
                                   0, 0);
    response_free(&r);
    return 0;
}

static void expect_item(const char *table, const char *key, const char *want)
{
    struct response r = ddb_ok("GetItem", fmt(
        "{\"TableName\":\"%s\",\"Key\":%s,\"ConsistentRead\":true}", table,
        key));
    if (want)
        assert_json(member(r.json, "Item"), want);
    else
        assert_null(member(r.json, "Item"));
    response_free(&r);
}

static void batch_write_should_put_and_delete_across_tables(void **state)
{
    (void)state;
    ddb_ok_free("PutItem", "{\"TableName\":\"items\",\"Item\":{\"pk\":{\"S\":"
                "\"old\"}}}");
    struct response r = ddb_ok("BatchWriteItem",
        "{\"RequestItems\":{\"items\":["
        "{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"a\"},\"n\":{\"N\":\"1\"}}}},"
        "{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"b\"}}}},"
        "{\"DeleteRequest\":{\"Key\":{\"pk\":{\"S\":\"old\"}}}},"
        "{\"DeleteRequest\":{\"Key\":{\"pk\":{\"S\":\"never\"}}}}],"
        "\"pairs\":[{\"PutRequest\":{\"Item\":{\"h\":{\"S\":\"x\"},"
        "\"r\":{\"N\":\"2\"}}}}]}}");
    assert_json(r.json, "{\"UnprocessedItems\":{}}");
    response_free(&r);
    expect_item("items", "{\"pk\":{\"S\":\"a\"}}",
                "{\"pk\":{\"S\":\"a\"},\"n\":{\"N\":\"1\"}}");
    expect_item("items", "{\"pk\":{\"S\":\"b\"}}", "{\"pk\":{\"S\":\"b\"}}");
    expect_item("items", "{\"pk\":{\"S\":\"old\"}}", NULL);
    expect_item("pairs", "{\"h\":{\"S\":\"x\"},\"r\":{\"N\":\"2\"}}",
                "{\"h\":{\"S\":\"x\"},\"r\":{\"N\":\"2\"}}");
    /* One record per changed item: the first put, then the batch's two
     * puts and one delete; deleting a missing item changes nothing. */
    cJSON *recs = stream_records("items");
    assert_int_equal(cJSON_GetArraySize(recs), 4);
    assert_string_equal(member(cJSON_GetArrayItem(recs, 3), "eventName")
                            ->valuestring, "REMOVE");
    cJSON_Delete(recs);
}

static void batch_get_should_read_across_tables(void **state)
{
    (void)state;
    ddb_ok_free("BatchWriteItem", "{\"RequestItems\":{\"items\":["
                "{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"a\"},"
                "\"x\":{\"S\":\"1\"},\"y\":{\"S\":\"2\"}}}}],"
                "\"pairs\":[{\"PutRequest\":{\"Item\":{\"h\":{\"S\":\"h\"},"
                "\"r\":{\"N\":\"1\"}}}}]}}");
    struct response r = ddb_ok("BatchGetItem",
        "{\"RequestItems\":{\"items\":{\"Keys\":[{\"pk\":{\"S\":\"a\"}},"
        "{\"pk\":{\"S\":\"missing\"}}],\"ProjectionExpression\":\"#x\","
        "\"ExpressionAttributeNames\":{\"#x\":\"x\"}},"
        "\"pairs\":{\"Keys\":[{\"h\":{\"S\":\"h\"},\"r\":{\"N\":\"1\"}}],"
        "\"ConsistentRead\":true}},\"ReturnConsumedCapacity\":\"TOTAL\"}");
    assert_json(member(r.json, "Responses"),
                "{\"items\":[{\"x\":{\"S\":\"1\"}}],\"pairs\":[{\"h\":{\"S\":"
                "\"h\"},\"r\":{\"N\":\"1\"}}]}");
    assert_json(member(r.json, "UnprocessedKeys"), "{}");
    /* Each item rounds up on its own: two eventually consistent reads of
     * the first table, one consistent read of the second. */
    assert_json(member(r.json, "ConsumedCapacity"),
                "[{\"TableName\":\"items\",\"CapacityUnits\":1},"
                "{\"TableName\":\"pairs\",\"CapacityUnits\":1}]");
    response_free(&r);
}

static void throttling_faults_should_leave_items_unprocessed(void **state)
{
    (void)state;
    struct response f = admin_ok("/_dynalake/faults",
        "{\"operation\":\"BatchWriteItem\",\"error\":"
        "\"ProvisionedThroughputExceededException\",\"count\":2}");
    response_free(&f);
    struct response r = ddb_ok("BatchWriteItem",
        "{\"RequestItems\":{\"items\":["
        "{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"1\"}}}},"
        "{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"2\"}}}},"
        "{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"3\"}}}}]}}");
    assert_json(member(r.json, "UnprocessedItems"),
                "{\"items\":[{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"1\"}}}},"
                "{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"2\"}}}}]}");
    response_free(&r);
    expect_item("items", "{\"pk\":{\"S\":\"1\"}}", NULL);
    expect_item("items", "{\"pk\":{\"S\":\"3\"}}", "{\"pk\":{\"S\":\"3\"}}");

    f = admin_ok("/_dynalake/faults", "{\"operation\":\"BatchGetItem\","
                 "\"table\":\"items\",\"error\":\"ThrottlingException\","
                 "\"count\":1}");
    response_free(&f);
    r = ddb_ok("BatchGetItem", "{\"RequestItems\":{\"items\":{\"Keys\":["
               "{\"pk\":{\"S\":\"3\"}},{\"pk\":{\"S\":\"2\"}}],"
               "\"ConsistentRead\":true}}}");
    assert_json(member(r.json, "UnprocessedKeys"),
                "{\"items\":{\"Keys\":[{\"pk\":{\"S\":\"3\"}}],"
                "\"ConsistentRead\":true}}");
    assert_json(member(r.json, "Responses"), "{\"items\":[]}");
    response_free(&r);

    /* Other injected errors fail the whole call. */
    f = admin_ok("/_dynalake/faults", "{\"operation\":\"BatchGetItem\","
                 "\"error\":\"InternalServerError\"}");
    response_free(&f);
    r = client_ddb("BatchGetItem", "{\"RequestItems\":{\"items\":{\"Keys\":["
                   "{\"pk\":{\"S\":\"3\"}}]}}}");
    assert_int_equal(r.status, 500);
    response_free(&r);
}

static void batch_write_capacity_should_count_each_item(void **state)
{
    (void)state;
    char big[1600];
    memset(big, 'b', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    struct response r = ddb_ok("BatchWriteItem", fmt(
        "{\"RequestItems\":{\"items\":["
        "{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"a\"},\"b\":{\"S\":\"%s\"}}}},"
        "{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"c\"}}}}]},"
        "\"ReturnConsumedCapacity\":\"INDEXES\"}", big));
    assert_json(member(r.json, "ConsumedCapacity"),
                "[{\"TableName\":\"items\",\"CapacityUnits\":3,"
                "\"Table\":{\"CapacityUnits\":3}}]");
    response_free(&r);
    /* Deleting costs the size of the item deleted. */
    r = ddb_ok("BatchWriteItem", "{\"RequestItems\":{\"items\":["
               "{\"DeleteRequest\":{\"Key\":{\"pk\":{\"S\":\"a\"}}}}]},"
               "\"ReturnConsumedCapacity\":\"TOTAL\"}");
    assert_json(member(r.json, "ConsumedCapacity"),
                "[{\"TableName\":\"items\",\"CapacityUnits\":2}]");
    response_free(&r);
}

static void batch_errors_should_use_aws_messages(void **state)
{
    (void)state;
    const char *bw = "BatchWriteItem";
    const char *bg = "BatchGetItem";
    const char *v = "ValidationException";
    ddb_err(bw, "{}", v, "1 validation error detected: Value null at "
            "'requestItems' failed to satisfy constraint: Member must not "
            "be null");
    ddb_err(bw, "{\"ReturnConsumedCapacity\":\"hi\","
            "\"ReturnItemCollectionMetrics\":\"hi\"}", v,
            "3 validation errors detected: Value 'hi' at "
            "'returnConsumedCapacity' failed to satisfy constraint: Member "
            "must satisfy enum value set: [INDEXES, TOTAL, NONE]; Value 'hi' "
            "at 'returnItemCollectionMetrics' failed to satisfy constraint: "
            "Member must satisfy enum value set: [SIZE, NONE]; Value null at "
            "'requestItems' failed to satisfy constraint: Member must not be "
            "null");
    ddb_err(bw, "{\"RequestItems\":{}}", v,
            "The requestItems parameter is required for BatchWriteItem");
    ddb_err(bg, "{\"RequestItems\":{}}", v,
            "The requestItems parameter is required for BatchGetItem");
    ddb_err_split(bw, "{\"RequestItems\":{\"a\":[{\"PutRequest\":{\"Item\":"
                  "{\"a\":{\"S\":\"a\"}}}}]}}", v,
                  "1 validation error detected: Value '{a=[com.amazonaws."
                  "dynamodb.v20120810.WriteRequest@",
                  "]}' at 'requestItems' failed to satisfy constraint: Map "
                  "keys must satisfy constraint: [Member must have length "
                  "less than or equal to 255, Member must have length "
                  "greater than or equal to 3, Member must satisfy regular "
                  "expression pattern: [a-zA-Z0-9_.-]+]");
    char many[8192] = "{\"RequestItems\":{\"items\":[";
    for (int i = 0; i < 26; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many),
                 "%s{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"%d\"}}}}",
                 i ? "," : "", i);
    strcat(many, "]}}");
    ddb_err_split(bw, many, v, "1 validation error detected: Value '{items=[",
                  "]}' at 'requestItems' failed to satisfy constraint: Map "
                  "value must satisfy constraint: [Member must have length "
                  "less than or equal to 25, Member must have length greater "
                  "than or equal to 1]");
    ddb_err(bw, "{\"RequestItems\":{\"items\":[{}]}}", v,
            "Supplied AttributeValue has more than one datatypes set, must "
            "contain exactly one of the supported datatypes");
    ddb_err(bw, "{\"RequestItems\":{\"items\":[{\"PutRequest\":{}}]}}", v,
            "1 validation error detected: Value null at "
            "'requestItems.items.member.1.member.putRequest.item' failed to "
            "satisfy constraint: Member must not be null");
    ddb_err(bw, "{\"RequestItems\":{\"items\":[{\"PutRequest\":{\"Item\":"
            "{\"pk\":{\"S\":\"a\"}}}},{\"DeleteRequest\":{\"Key\":{\"pk\":"
            "{\"S\":\"a\"}}}}]}}", v,
            "Provided list of item keys contains duplicates");
    ddb_err(bw, "{\"RequestItems\":{\"items\":[{\"PutRequest\":{\"Item\":"
            "{\"pk\":{\"N\":\"1\"}}}}]}}", v,
            "The provided key element does not match the schema");
    ddb_err(bw, "{\"RequestItems\":{\"items\":[{\"PutRequest\":{\"Item\":"
            "{\"pk\":{\"S\":\"a\"},\"n\":{\"N\":\"b\"}}}}]}}", v,
            "The parameter cannot be converted to a numeric value: b");
    ddb_err(bw, "{\"RequestItems\":{\"nope\":[{\"PutRequest\":{\"Item\":"
            "{\"pk\":{\"S\":\"a\"}}}}]}}", "ResourceNotFoundException",
            "Requested resource not found");
    ddb_err(bg, "{\"RequestItems\":{\"items\":{\"Keys\":[{\"pk\":{\"S\":"
            "\"a\"}},{\"pk\":{\"S\":\"a\"}}]}}}", v,
            "Provided list of item keys contains duplicates");
    ddb_err(bg, "{\"RequestItems\":{\"items\":{}}}", v,
            "1 validation error detected: Value null at "
            "'requestItems.items.member.keys' failed to satisfy constraint: "
            "Member must not be null");
    ddb_err(bg, "{\"RequestItems\":{\"items\":{\"Keys\":[{\"nope\":{\"S\":"
            "\"a\"}}]}}}", v,
            "The provided key element does not match the schema");
    char keys[16384] = "{\"RequestItems\":{\"items\":{\"Keys\":[";
    for (int i = 0; i < 60; i++)
        snprintf(keys + strlen(keys), sizeof keys - strlen(keys),
                 "%s{\"pk\":{\"S\":\"%d\"}}", i ? "," : "", i);
    strcat(keys, "]},\"pairs\":{\"Keys\":[");
    for (int i = 0; i < 60; i++)
        snprintf(keys + strlen(keys), sizeof keys - strlen(keys),
                 "%s{\"h\":{\"S\":\"%d\"},\"r\":{\"N\":\"1\"}}", i ? "," : "",
                 i);
    strcat(keys, "]}}}");
    ddb_err(bg, keys, v, "Too many items requested for the BatchGetItem "
            "call");
}

int main(void)
{
    client_start();
#define TEST(fn) cmocka_unit_test_setup(fn, reset_with_tables)
    const struct CMUnitTest tests[] = {
        TEST(batch_write_should_put_and_delete_across_tables),
        TEST(batch_get_should_read_across_tables),
        TEST(throttling_faults_should_leave_items_unprocessed),
        TEST(batch_write_capacity_should_count_each_item),
        TEST(batch_errors_should_use_aws_messages),
    };
    return cmocka_run_group_tests_name("ddb_batch", tests, NULL, NULL);
}
