/* The DynamoDB table API over real HTTP: CreateTable, DescribeTable,
 * ListTables, DeleteTable and UpdateTable, their response shapes, and every
 * validation rule of ddb_table_spec.c and ddb_input.c with AWS's exact
 * error type and message. */
#include "helper/client.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reset(void **state)
{
    (void)state;
    client_reset();
    return 0;
}

/* An error case: the request, then what AWS answers. */
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

/* A call that must succeed; the caller frees the response. */
static struct response ok(const char *op, const char *body)
{
    struct response r = client_ddb(op, body);
    if (r.status != 200)
        print_error("%s %s: %ld %s\n", op, body, r.status, r.body);
    assert_int_equal(r.status, 200);
    assert_non_null(r.json);
    return r;
}

static void ok_free(const char *op, const char *body)
{
    struct response r = ok(op, body);
    response_free(&r);
}

static void create_hash_table(const char *name)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"TableName\":\"%s\",\"BillingMode\":\"PAY_PER_REQUEST\","
             "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
             "\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":"
             "\"pk\",\"KeyType\":\"HASH\"}]}", name);
    ok_free("CreateTable", body);
}

static const cJSON *at(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (v == NULL)
        print_error("member %s missing\n", name);
    assert_non_null(v);
    return v;
}

static const char *str_at(const cJSON *obj, const char *name)
{
    const cJSON *v = at(obj, name);
    assert_true(cJSON_IsString(v));
    return v->valuestring;
}

static double num_at(const cJSON *obj, const char *name)
{
    const cJSON *v = at(obj, name);
    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

/* Whether JSON text a and the cJSON value b are equal. */
static void assert_json_equal(const char *a, const cJSON *b)
{
    cJSON *want = cJSON_Parse(a);
    assert_non_null(want);
    if (!cJSON_Compare(want, b, 1)) {
        char *got = cJSON_PrintUnformatted(b);
        print_error("want %s\n got %s\n", a, got);
        free(got);
    }
    assert_true(cJSON_Compare(want, b, 1));
    cJSON_Delete(want);
}

static void create_table_should_describe_a_creating_on_demand_table(
    void **state)
{
    (void)state;
    struct response r = ok(
        "CreateTable",
        "{\"TableName\":\"users\",\"BillingMode\":\"PAY_PER_REQUEST\","
        "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
        "\"AttributeType\":\"S\"}],"
        "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}]}");
    const cJSON *d = at(r.json, "TableDescription");
    assert_string_equal(str_at(d, "TableName"), "users");
    assert_string_equal(str_at(d, "TableStatus"), "CREATING");
    assert_string_equal(str_at(d, "TableArn"),
                        "arn:aws:dynamodb:us-east-1:000000000000:table/users");
    assert_int_equal(strlen(str_at(d, "TableId")), 36);
    assert_json_equal("[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}]",
                      at(d, "KeySchema"));
    assert_json_equal("[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"}]",
                      at(d, "AttributeDefinitions"));
    assert_string_equal(str_at(at(d, "BillingModeSummary"), "BillingMode"),
                        "PAY_PER_REQUEST");
    assert_json_equal("{\"NumberOfDecreasesToday\":0,\"ReadCapacityUnits\":0,"
                      "\"WriteCapacityUnits\":0}",
                      at(d, "ProvisionedThroughput"));
    /* Epoch seconds: after 2020, before 2100. */
    double created = num_at(d, "CreationDateTime");
    assert_true(created > 1.58e9 && created < 4.1e9);
    assert_true(num_at(d, "ItemCount") == 0);
    assert_true(num_at(d, "TableSizeBytes") == 0);
    assert_null(cJSON_GetObjectItem(d, "StreamSpecification"));
    response_free(&r);
}

static void create_table_should_accept_every_key_shape_and_type(void **state)
{
    (void)state;
    static const struct {
        const char *hash_type;
        const char *range_type; /* NULL: hash key only */
    } rows[] = {
        { "S", NULL }, { "N", NULL }, { "B", NULL }, { "S", "S" },
        { "S", "N" },  { "N", "B" },  { "B", "S" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char name[32], body[1024], defs[256], keys[256];
        snprintf(name, sizeof name, "shape-%zu", i);
        if (rows[i].range_type) {
            snprintf(defs, sizeof defs,
                     "[{\"AttributeName\":\"h\",\"AttributeType\":\"%s\"},"
                     "{\"AttributeName\":\"r\",\"AttributeType\":\"%s\"}]",
                     rows[i].hash_type, rows[i].range_type);
            snprintf(keys, sizeof keys,
                     "[{\"AttributeName\":\"h\",\"KeyType\":\"HASH\"},"
                     "{\"AttributeName\":\"r\",\"KeyType\":\"RANGE\"}]");
        } else {
            snprintf(defs, sizeof defs,
                     "[{\"AttributeName\":\"h\",\"AttributeType\":\"%s\"}]",
                     rows[i].hash_type);
            snprintf(keys, sizeof keys,
                     "[{\"AttributeName\":\"h\",\"KeyType\":\"HASH\"}]");
        }
        snprintf(body, sizeof body,
                 "{\"TableName\":\"%s\",\"AttributeDefinitions\":%s,"
                 "\"KeySchema\":%s,\"ProvisionedThroughput\":"
                 "{\"ReadCapacityUnits\":5,\"WriteCapacityUnits\":7}}",
                 name, defs, keys);
        struct response r = ok("CreateTable", body);
        const cJSON *d = at(r.json, "TableDescription");
        assert_json_equal(keys, at(d, "KeySchema"));
        assert_json_equal(defs, at(d, "AttributeDefinitions"));
        const cJSON *pt = at(d, "ProvisionedThroughput");
        assert_true(num_at(pt, "ReadCapacityUnits") == 5);
        assert_true(num_at(pt, "WriteCapacityUnits") == 7);
        assert_true(num_at(pt, "NumberOfDecreasesToday") == 0);
        assert_string_equal(str_at(at(d, "BillingModeSummary"),
                                   "BillingMode"), "PROVISIONED");
        response_free(&r);
    }
    struct response r = ok("ListTables", "{}");
    assert_int_equal(cJSON_GetArraySize(at(r.json, "TableNames")), 7);
    response_free(&r);
}

static void create_table_with_stream_should_report_its_label_and_arn(
    void **state)
{
    (void)state;
    struct response r = ok(
        "CreateTable",
        "{\"TableName\":\"events\",\"BillingMode\":\"PAY_PER_REQUEST\","
        "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
        "\"AttributeType\":\"S\"}],"
        "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],"
        "\"StreamSpecification\":{\"StreamEnabled\":true,"
        "\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"}}");
    const cJSON *d = at(r.json, "TableDescription");
    assert_json_equal("{\"StreamEnabled\":true,"
                      "\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"}",
                      at(d, "StreamSpecification"));
    const char *label = str_at(d, "LatestStreamLabel");
    /* 2015-05-11T21:21:33.291 */
    assert_int_equal(strlen(label), 23);
    assert_int_equal(label[10], 'T');
    assert_int_equal(label[19], '.');
    char want[256];
    snprintf(want, sizeof want, "%s/stream/%s", str_at(d, "TableArn"), label);
    assert_string_equal(str_at(d, "LatestStreamArn"), want);
    response_free(&r);

    /* A disabled stream in the request creates no stream. */
    r = ok("CreateTable",
           "{\"TableName\":\"quiet\",\"BillingMode\":\"PAY_PER_REQUEST\","
           "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
           "\"AttributeType\":\"S\"}],"
           "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],"
           "\"StreamSpecification\":{\"StreamEnabled\":false}}");
    d = at(r.json, "TableDescription");
    assert_null(cJSON_GetObjectItem(d, "LatestStreamArn"));
    assert_null(cJSON_GetObjectItem(d, "StreamSpecification"));
    response_free(&r);
}

static void create_table_twice_should_be_resource_in_use(void **state)
{
    (void)state;
    create_hash_table("dup");
    static const struct error_row rows[] = {
        { "same definition", "CreateTable",
          "{\"TableName\":\"dup\",\"BillingMode\":\"PAY_PER_REQUEST\","
          "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
          "\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":"
          "\"pk\",\"KeyType\":\"HASH\"}]}",
          "ResourceInUseException", "Table already exists: dup" },
        { "other definition", "CreateTable",
          "{\"TableName\":\"dup\",\"BillingMode\":\"PAY_PER_REQUEST\","
          "\"AttributeDefinitions\":[{\"AttributeName\":\"x\","
          "\"AttributeType\":\"N\"}],\"KeySchema\":[{\"AttributeName\":"
          "\"x\",\"KeyType\":\"HASH\"}]}",
          "ResourceInUseException", "Table already exists: dup" },
    };
    check_error_rows(rows, sizeof rows / sizeof rows[0]);
}

static void put(const char *table, const char *item)
{
    char body[1024];
    snprintf(body, sizeof body, "{\"TableName\":\"%s\",\"Item\":%s}", table,
             item);
    ok_free("PutItem", body);
}

static void describe_table_should_be_active_and_count_items(void **state)
{
    (void)state;
    create_hash_table("counted");
    struct response r = ok("DescribeTable", "{\"TableName\":\"counted\"}");
    const cJSON *t = at(r.json, "Table");
    assert_string_equal(str_at(t, "TableStatus"), "ACTIVE");
    assert_true(num_at(t, "ItemCount") == 0);
    response_free(&r);
    /* Each item is 7 bytes: "pk" + 1 character, "v" + 3 characters. */
    put("counted", "{\"pk\":{\"S\":\"a\"},\"v\":{\"S\":\"xyz\"}}");
    put("counted", "{\"pk\":{\"S\":\"b\"},\"v\":{\"S\":\"xyz\"}}");
    put("counted", "{\"pk\":{\"S\":\"c\"},\"v\":{\"S\":\"xyz\"}}");
    put("counted", "{\"pk\":{\"S\":\"c\"},\"v\":{\"S\":\"xyz\"}}");
    r = ok("DescribeTable", "{\"TableName\":\"counted\"}");
    t = at(r.json, "Table");
    assert_true(num_at(t, "ItemCount") == 3);
    assert_true(num_at(t, "TableSizeBytes") == 21);
    assert_string_equal(str_at(t, "TableName"), "counted");
    response_free(&r);
}

static void list_tables_should_page_in_name_order(void **state)
{
    (void)state;
    static const char *const created[] = { "t-c", "t-a", "t-e", "t-b",
                                           "t-d" };
    for (size_t i = 0; i < 5; i++)
        create_hash_table(created[i]);
    static const struct {
        const char *name;
        const char *request;
        const char *names;
        const char *last; /* NULL: no LastEvaluatedTableName */
    } rows[] = {
        { "all", "{}", "[\"t-a\",\"t-b\",\"t-c\",\"t-d\",\"t-e\"]", NULL },
        { "first page", "{\"Limit\":2}", "[\"t-a\",\"t-b\"]", "t-b" },
        { "second page", "{\"Limit\":2,\"ExclusiveStartTableName\":\"t-b\"}",
          "[\"t-c\",\"t-d\"]", "t-d" },
        { "last page", "{\"Limit\":2,\"ExclusiveStartTableName\":\"t-d\"}",
          "[\"t-e\"]", NULL },
        { "start between names",
          "{\"ExclusiveStartTableName\":\"t-bb\"}",
          "[\"t-c\",\"t-d\",\"t-e\"]", NULL },
        { "start after all", "{\"ExclusiveStartTableName\":\"zzz\"}", "[]",
          NULL },
        { "limit of 100", "{\"Limit\":100}",
          "[\"t-a\",\"t-b\",\"t-c\",\"t-d\",\"t-e\"]", NULL },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct response r = ok("ListTables", rows[i].request);
        print_message("row %s\n", rows[i].name);
        assert_json_equal(rows[i].names, at(r.json, "TableNames"));
        const char *last = cJSON_GetStringValue(
            cJSON_GetObjectItem(r.json, "LastEvaluatedTableName"));
        if (rows[i].last)
            assert_string_equal(last, rows[i].last);
        else
            assert_null(last);
        response_free(&r);
    }
}

static void list_tables_should_refuse_bad_paging(void **state)
{
    (void)state;
    static const struct error_row rows[] = {
        { "limit zero", "ListTables", "{\"Limit\":0}", "ValidationException",
          "1 validation error detected: Value '0' at 'limit' failed to "
          "satisfy constraint: Member must have value greater than or "
          "equal to 1" },
        { "limit too high", "ListTables", "{\"Limit\":101}",
          "ValidationException",
          "1 validation error detected: Value '101' at 'limit' failed to "
          "satisfy constraint: Member must have value less than or equal "
          "to 100" },
        { "short start name", "ListTables",
          "{\"ExclusiveStartTableName\":\"ab\"}", "ValidationException",
          "1 validation error detected: Value 'ab' at "
          "'exclusiveStartTableName' failed to satisfy constraint: Member "
          "must have length greater than or equal to 3" },
        { "both wrong", "ListTables",
          "{\"ExclusiveStartTableName\":\"a;b\",\"Limit\":-5}",
          "ValidationException",
          "2 validation errors detected: Value 'a;b' at "
          "'exclusiveStartTableName' failed to satisfy constraint: Member "
          "must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value "
          "'-5' at 'limit' failed to satisfy constraint: Member must have "
          "value greater than or equal to 1" },
        { "limit as string", "ListTables", "{\"Limit\":\"5\"}",
          "SerializationException",
          "Unexpected value type for member Limit: expected an integer" },
        { "limit fractional", "ListTables", "{\"Limit\":1.5}",
          "SerializationException",
          "Unexpected value type for member Limit: expected an integer" },
        { "start name as number", "ListTables",
          "{\"ExclusiveStartTableName\":5}", "SerializationException",
          "Unexpected value type for member ExclusiveStartTableName: "
          "expected a string" },
    };
    check_error_rows(rows, sizeof rows / sizeof rows[0]);
}

static void delete_table_should_report_deleting_then_be_gone(void **state)
{
    (void)state;
    create_hash_table("doomed");
    put("doomed", "{\"pk\":{\"S\":\"a\"},\"v\":{\"S\":\"xyz\"}}");
    put("doomed", "{\"pk\":{\"S\":\"b\"},\"v\":{\"S\":\"xyz\"}}");
    struct response r = ok("DeleteTable", "{\"TableName\":\"doomed\"}");
    const cJSON *d = at(r.json, "TableDescription");
    assert_string_equal(str_at(d, "TableStatus"), "DELETING");
    assert_string_equal(str_at(d, "TableName"), "doomed");
    assert_true(num_at(d, "ItemCount") == 2);
    response_free(&r);

    static const struct error_row gone[] = {
        { "describe", "DescribeTable", "{\"TableName\":\"doomed\"}",
          "ResourceNotFoundException",
          "Requested resource not found: Table: doomed not found" },
        { "delete again", "DeleteTable", "{\"TableName\":\"doomed\"}",
          "ResourceNotFoundException",
          "Requested resource not found: Table: doomed not found" },
        { "get item", "GetItem",
          "{\"TableName\":\"doomed\",\"Key\":{\"pk\":{\"S\":\"a\"}}}",
          "ResourceNotFoundException", "Requested resource not found" },
        { "put item", "PutItem",
          "{\"TableName\":\"doomed\",\"Item\":{\"pk\":{\"S\":\"a\"}}}",
          "ResourceNotFoundException", "Requested resource not found" },
    };
    check_error_rows(gone, sizeof gone / sizeof gone[0]);
    r = ok("ListTables", "{}");
    assert_json_equal("[]", at(r.json, "TableNames"));
    response_free(&r);

    /* The same name again is a new, empty table. */
    create_hash_table("doomed");
    r = ok("GetItem",
           "{\"TableName\":\"doomed\",\"Key\":{\"pk\":{\"S\":\"a\"}}}");
    assert_null(cJSON_GetObjectItem(r.json, "Item"));
    response_free(&r);
    r = ok("DescribeTable", "{\"TableName\":\"doomed\"}");
    assert_true(num_at(at(r.json, "Table"), "ItemCount") == 0);
    assert_true(num_at(at(r.json, "Table"), "TableSizeBytes") == 0);
    response_free(&r);
}

static void update_table_should_switch_billing_and_throughput(void **state)
{
    (void)state;
    create_hash_table("billed");
    struct response r = ok(
        "UpdateTable",
        "{\"TableName\":\"billed\",\"BillingMode\":\"PROVISIONED\","
        "\"ProvisionedThroughput\":{\"ReadCapacityUnits\":3,"
        "\"WriteCapacityUnits\":4}}");
    const cJSON *d = at(r.json, "TableDescription");
    assert_string_equal(str_at(d, "TableStatus"), "UPDATING");
    assert_string_equal(str_at(at(d, "BillingModeSummary"), "BillingMode"),
                        "PROVISIONED");
    assert_true(num_at(at(d, "ProvisionedThroughput"), "ReadCapacityUnits")
                == 3);
    response_free(&r);

    /* Throughput alone keeps the billing mode. */
    r = ok("UpdateTable",
           "{\"TableName\":\"billed\",\"ProvisionedThroughput\":"
           "{\"ReadCapacityUnits\":10,\"WriteCapacityUnits\":20}}");
    response_free(&r);
    r = ok("DescribeTable", "{\"TableName\":\"billed\"}");
    d = at(r.json, "Table");
    assert_string_equal(str_at(d, "TableStatus"), "ACTIVE");
    assert_json_equal("{\"NumberOfDecreasesToday\":0,\"ReadCapacityUnits\":10,"
                      "\"WriteCapacityUnits\":20}",
                      at(d, "ProvisionedThroughput"));
    response_free(&r);

    static const struct error_row unchanged[] = {
        { "same throughput", "UpdateTable",
          "{\"TableName\":\"billed\",\"ProvisionedThroughput\":"
          "{\"ReadCapacityUnits\":10,\"WriteCapacityUnits\":20}}",
          "ValidationException",
          "The provisioned throughput for the table will not change. The "
          "requested value equals the current value. Current "
          "ReadCapacityUnits provisioned for the table: 10. Requested "
          "ReadCapacityUnits: 10. Current WriteCapacityUnits provisioned "
          "for the table: 20. Requested WriteCapacityUnits: 20. Refer to "
          "the Amazon DynamoDB Developer Guide for current limits and how "
          "to request higher limits." },
    };
    check_error_rows(unchanged, 1);

    r = ok("UpdateTable",
           "{\"TableName\":\"billed\",\"BillingMode\":\"PAY_PER_REQUEST\"}");
    response_free(&r);
    r = ok("DescribeTable", "{\"TableName\":\"billed\"}");
    d = at(r.json, "Table");
    assert_string_equal(str_at(at(d, "BillingModeSummary"), "BillingMode"),
                        "PAY_PER_REQUEST");
    assert_true(num_at(at(d, "ProvisionedThroughput"), "ReadCapacityUnits")
                == 0);
    response_free(&r);
}

static void update_table_should_enable_and_disable_the_stream(void **state)
{
    (void)state;
    create_hash_table("streamy");
    struct response r = ok(
        "UpdateTable",
        "{\"TableName\":\"streamy\",\"StreamSpecification\":"
        "{\"StreamEnabled\":true,\"StreamViewType\":\"KEYS_ONLY\"}}");
    const cJSON *d = at(r.json, "TableDescription");
    assert_json_equal("{\"StreamEnabled\":true,"
                      "\"StreamViewType\":\"KEYS_ONLY\"}",
                      at(d, "StreamSpecification"));
    char arn[256];
    snprintf(arn, sizeof arn, "%s", str_at(d, "LatestStreamArn"));
    response_free(&r);

    static const struct error_row enabled[] = {
        { "enable twice", "UpdateTable",
          "{\"TableName\":\"streamy\",\"StreamSpecification\":"
          "{\"StreamEnabled\":true,\"StreamViewType\":\"KEYS_ONLY\"}}",
          "ValidationException",
          "Table already has an enabled stream: TableName: streamy" },
    };
    check_error_rows(enabled, 1);

    r = ok("UpdateTable",
           "{\"TableName\":\"streamy\",\"StreamSpecification\":"
           "{\"StreamEnabled\":false}}");
    d = at(r.json, "TableDescription");
    assert_null(cJSON_GetObjectItem(d, "StreamSpecification"));
    /* The last stream stays described after it is disabled. */
    assert_string_equal(str_at(d, "LatestStreamArn"), arn);
    response_free(&r);

    static const struct error_row disabled[] = {
        { "disable twice", "UpdateTable",
          "{\"TableName\":\"streamy\",\"StreamSpecification\":"
          "{\"StreamEnabled\":false}}",
          "ValidationException",
          "Table does not have an enabled stream: TableName: streamy" },
    };
    check_error_rows(disabled, 1);
}

#define KEYS_PK "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}]"
#define DEFS_PK                                                             \
    "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","                  \
    "\"AttributeType\":\"S\"}]"
#define ON_DEMAND "\"BillingMode\":\"PAY_PER_REQUEST\""
#define PT_1 "\"ProvisionedThroughput\":{\"ReadCapacityUnits\":1,"          \
             "\"WriteCapacityUnits\":1}"
#define INVALID "One or more parameter values were invalid: "
#define ONE "1 validation error detected: "

static void update_table_should_refuse_bad_requests(void **state)
{
    (void)state;
    create_hash_table("fixed");
    static const struct error_row rows[] = {
        { "nothing to change", "UpdateTable", "{\"TableName\":\"fixed\"}",
          "ValidationException",
          "At least one of ProvisionedThroughput, BillingMode, "
          "UpdateStreamEnabled, GlobalSecondaryIndexUpdates or "
          "SSESpecification or ReplicaUpdates is required" },
        { "bad billing mode", "UpdateTable",
          "{\"TableName\":\"fixed\",\"BillingMode\":\"FREE\"}",
          "ValidationException",
          ONE "Value 'FREE' at 'billingMode' failed to satisfy constraint: "
          "Member must satisfy enum value set: [PROVISIONED, "
          "PAY_PER_REQUEST]" },
        { "throughput on an on-demand table", "UpdateTable",
          "{\"TableName\":\"fixed\"," PT_1 "}", "ValidationException",
          INVALID "Neither ReadCapacityUnits nor WriteCapacityUnits can be "
          "specified when BillingMode is PAY_PER_REQUEST" },
        { "provisioned without throughput", "UpdateTable",
          "{\"TableName\":\"fixed\",\"BillingMode\":\"PROVISIONED\"}",
          "ValidationException",
          INVALID "ReadCapacityUnits and WriteCapacityUnits must both be "
          "specified when BillingMode is PROVISIONED" },
        { "units below one", "UpdateTable",
          "{\"TableName\":\"fixed\",\"BillingMode\":\"PROVISIONED\","
          "\"ProvisionedThroughput\":{\"ReadCapacityUnits\":0,"
          "\"WriteCapacityUnits\":1}}",
          "ValidationException",
          ONE "Value '0' at 'provisionedThroughput.readCapacityUnits' failed "
          "to satisfy constraint: Member must have value greater than or "
          "equal to 1" },
        { "enable without view type", "UpdateTable",
          "{\"TableName\":\"fixed\",\"StreamSpecification\":"
          "{\"StreamEnabled\":true}}",
          "ValidationException",
          INVALID "You must specify a StreamViewType when enabling a "
          "stream" },
        { "disable with view type", "UpdateTable",
          "{\"TableName\":\"fixed\",\"StreamSpecification\":"
          "{\"StreamEnabled\":false,\"StreamViewType\":\"KEYS_ONLY\"}}",
          "ValidationException",
          INVALID "You cannot modify StreamViewType when disabling a "
          "stream" },
        { "stream without enabled", "UpdateTable",
          "{\"TableName\":\"fixed\",\"StreamSpecification\":"
          "{\"StreamViewType\":\"KEYS_ONLY\"}}",
          "ValidationException",
          ONE "Value null at 'streamSpecification.streamEnabled' failed to "
          "satisfy constraint: Member must not be null" },
        { "bad view type", "UpdateTable",
          "{\"TableName\":\"fixed\",\"StreamSpecification\":"
          "{\"StreamEnabled\":true,\"StreamViewType\":\"ALL\"}}",
          "ValidationException",
          ONE "Value 'ALL' at 'streamSpecification.streamViewType' failed "
          "to satisfy constraint: Member must satisfy enum value set: "
          "[NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, KEYS_ONLY]" },
        { "stream enabled as string", "UpdateTable",
          "{\"TableName\":\"fixed\",\"StreamSpecification\":"
          "{\"StreamEnabled\":\"true\"}}",
          "SerializationException",
          "Unexpected value type for member StreamEnabled: expected a "
          "boolean" },
        { "missing table", "UpdateTable",
          "{\"TableName\":\"absent\"," ON_DEMAND "}",
          "ResourceNotFoundException",
          "Requested resource not found: Table: absent not found" },
        { "no table name", "UpdateTable", "{" ON_DEMAND "}",
          "ValidationException",
          ONE "Value null at 'tableName' failed to satisfy constraint: "
          "Member must not be null" },
    };
    check_error_rows(rows, sizeof rows / sizeof rows[0]);
    /* None of them changed the table. */
    struct response r = ok("DescribeTable", "{\"TableName\":\"fixed\"}");
    const cJSON *t = at(r.json, "Table");
    assert_string_equal(str_at(at(t, "BillingModeSummary"), "BillingMode"),
                        "PAY_PER_REQUEST");
    assert_null(cJSON_GetObjectItem(t, "StreamSpecification"));
    response_free(&r);
}

static void create_table_should_refuse_bad_names(void **state)
{
    (void)state;
    char long_name[300];
    memset(long_name, 'a', 256);
    long_name[256] = '\0';
    char long_body[512], long_message[600];
    snprintf(long_body, sizeof long_body,
             "{\"TableName\":\"%s\"," ON_DEMAND "," DEFS_PK "," KEYS_PK "}",
             long_name);
    snprintf(long_message, sizeof long_message,
             ONE "Value '%s' at 'tableName' failed to satisfy constraint: "
             "Member must have length less than or equal to 255", long_name);
    const struct error_row rows[] = {
        { "null name", "CreateTable",
          "{" ON_DEMAND "," DEFS_PK "," KEYS_PK "}", "ValidationException",
          ONE "Value null at 'tableName' failed to satisfy constraint: "
          "Member must not be null" },
        { "JSON null name", "CreateTable",
          "{\"TableName\":null," ON_DEMAND "," DEFS_PK "," KEYS_PK "}",
          "ValidationException",
          ONE "Value null at 'tableName' failed to satisfy constraint: "
          "Member must not be null" },
        { "short name", "CreateTable",
          "{\"TableName\":\"ab\"," ON_DEMAND "," DEFS_PK "," KEYS_PK "}",
          "ValidationException",
          ONE "Value 'ab' at 'tableName' failed to satisfy constraint: "
          "Member must have length greater than or equal to 3" },
        { "long name", "CreateTable", long_body, "ValidationException",
          long_message },
        { "bad pattern", "CreateTable",
          "{\"TableName\":\"a b c\"," ON_DEMAND "," DEFS_PK "," KEYS_PK "}",
          "ValidationException",
          ONE "Value 'a b c' at 'tableName' failed to satisfy constraint: "
          "Member must satisfy regular expression pattern: "
          "[a-zA-Z0-9_.-]+" },
        { "short and bad pattern", "CreateTable",
          "{\"TableName\":\"a;\"," ON_DEMAND "," DEFS_PK "," KEYS_PK "}",
          "ValidationException",
          "2 validation errors detected: Value 'a;' at 'tableName' failed "
          "to satisfy constraint: Member must have length greater than or "
          "equal to 3; Value 'a;' at 'tableName' failed to satisfy "
          "constraint: Member must satisfy regular expression pattern: "
          "[a-zA-Z0-9_.-]+" },
        { "empty name", "CreateTable",
          "{\"TableName\":\"\"," ON_DEMAND "," DEFS_PK "," KEYS_PK "}",
          "ValidationException",
          ONE "Value '' at 'tableName' failed to satisfy constraint: "
          "Member must have length greater than or equal to 3" },
        { "describe with short name", "DescribeTable",
          "{\"TableName\":\"ab\"}", "ValidationException",
          ONE "Value 'ab' at 'tableName' failed to satisfy constraint: "
          "Member must have length greater than or equal to 3" },
        { "delete without name", "DeleteTable", "{}", "ValidationException",
          ONE "Value null at 'tableName' failed to satisfy constraint: "
          "Member must not be null" },
    };
    check_error_rows(rows, sizeof rows / sizeof rows[0]);
}

static void create_table_should_refuse_bad_key_schemas(void **state)
{
    (void)state;
    static const struct error_row rows[] = {
        { "no key schema", "CreateTable",
          "{\"TableName\":\"abc\"," ON_DEMAND "," DEFS_PK "}",
          "ValidationException",
          ONE "Value null at 'keySchema' failed to satisfy constraint: "
          "Member must not be null" },
        { "no attribute definitions", "CreateTable",
          "{\"TableName\":\"abc\"," ON_DEMAND "," KEYS_PK "}",
          "ValidationException",
          ONE "Value null at 'attributeDefinitions' failed to satisfy "
          "constraint: Member must not be null" },
        { "empty key schema", "CreateTable",
          "{\"TableName\":\"abc\"," ON_DEMAND "," DEFS_PK
          ",\"KeySchema\":[]}",
          "ValidationException",
          ONE "Value '[]' at 'keySchema' failed to satisfy constraint: "
          "Member must have length greater than or equal to 1" },
        { "three key elements", "CreateTable",
          "{\"TableName\":\"abc\"," ON_DEMAND ","
          "\"AttributeDefinitions\":[{\"AttributeName\":\"a\","
          "\"AttributeType\":\"S\"},{\"AttributeName\":\"b\","
          "\"AttributeType\":\"S\"},{\"AttributeName\":\"c\","
          "\"AttributeType\":\"S\"}],"
          "\"KeySchema\":[{\"AttributeName\":\"a\",\"KeyType\":\"HASH\"},"
          "{\"AttributeName\":\"b\",\"KeyType\":\"RANGE\"},"
          "{\"AttributeName\":\"c\",\"KeyType\":\"RANGE\"}]}",
          "ValidationException",
          ONE "Value '[KeySchemaElement(attributeName=a, keyType=HASH), "
          "KeySchemaElement(attributeName=b, keyType=RANGE), "
          "KeySchemaElement(attributeName=c, keyType=RANGE)]' at "
          "'keySchema' failed to satisfy constraint: Member must have "
          "length less than or equal to 2" },
        { "key element without members", "CreateTable",
          "{\"TableName\":\"abc\"," ON_DEMAND "," DEFS_PK
          ",\"KeySchema\":[{}]}",
          "ValidationException",
          "2 validation errors detected: Value null at "
          "'keySchema.1.member.keyType' failed to satisfy constraint: "
          "Member must not be null; Value null at "
          "'keySchema.1.member.attributeName' failed to satisfy "
          "constraint: Member must not be null" },
        { "bad key type", "CreateTable",
          "{\"TableName\":\"abc\"," ON_DEMAND "," DEFS_PK
          ",\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":"
          "\"PRIMARY\"}]}",
          "ValidationException",
          ONE "Value 'PRIMARY' at 'keySchema.1.member.keyType' failed to "
          "satisfy constraint: Member must satisfy enum value set: "
          "[HASH, RANGE]" },
        { "range first", "CreateTable",
          "{\"TableName\":\"abc\"," ON_DEMAND ","
          "\"AttributeDefinitions\":[{\"AttributeName\":\"a\","
          "\"AttributeType\":\"S\"},{\"AttributeName\":\"b\","
          "\"AttributeType\":\"S\"}],"
          "\"KeySchema\":[{\"AttributeName\":\"a\",\"KeyType\":\"RANGE\"},"
          "{\"AttributeName\":\"b\",\"KeyType\":\"HASH\"}]}",
          "ValidationException",
          "Invalid KeySchema: The first KeySchemaElement is not a HASH key "
          "type" },
        { "range alone", "CreateTable",
          "{\"TableName\":\"abc\"," ON_DEMAND "," DEFS_PK
          ",\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":"
          "\"RANGE\"}]}",
          "ValidationException",
          "Invalid KeySchema: The first KeySchemaElement is not a HASH key "
          "type" },
        { "two hash keys", "CreateTable",
          "{\"TableName\":\"abc\"," ON_DEMAND ","
          "\"AttributeDefinitions\":[{\"AttributeName\":\"a\","
          "\"AttributeType\":\"S\"},{\"AttributeName\":\"b\","
          "\"AttributeType\":\"S\"}],"
          "\"KeySchema\":[{\"AttributeName\":\"a\",\"KeyType\":\"HASH\"},"
          "{\"AttributeName\":\"b\",\"KeyType\":\"HASH\"}]}",
          "ValidationException",
          "Invalid KeySchema: The second KeySchemaElement is not a RANGE "
          "key type" },
        { "same names", "CreateTable",
          "{\"TableName\":\"abc\"," ON_DEMAND "," DEFS_PK
          ",\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},"
          "{\"AttributeName\":\"pk\",\"KeyType\":\"RANGE\"}]}",
          "ValidationException",
          "Both the Hash Key and the Range Key element in the KeySchema "
          "have the same name" },
        { "undefined key attribute", "CreateTable",
          "{\"TableName\":\"abc\"," ON_DEMAND ","
          "\"AttributeDefinitions\":[{\"AttributeName\":\"b\","
          "\"AttributeType\":\"S\"}],"
          "\"KeySchema\":[{\"AttributeName\":\"a\",\"KeyType\":\"HASH\"}]}",
          "ValidationException",
          INVALID "Some index key attributes are not defined in "
          "AttributeDefinitions. Keys: [a], AttributeDefinitions: [b]" },
        { "extra attribute definition", "CreateTable",
          "{\"TableName\":\"abc\"," ON_DEMAND ","
          "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
          "\"AttributeType\":\"S\"},{\"AttributeName\":\"x\","
          "\"AttributeType\":\"N\"}]," KEYS_PK "}",
          "ValidationException",
          INVALID "Number of attributes in KeySchema does not exactly match "
          "number of attributes defined in AttributeDefinitions" },
        { "duplicate attribute definition", "CreateTable",
          "{\"TableName\":\"abc\"," ON_DEMAND ","
          "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
          "\"AttributeType\":\"S\"},{\"AttributeName\":\"pk\","
          "\"AttributeType\":\"N\"}]," KEYS_PK "}",
          "ValidationException",
          INVALID "Duplicate AttributeName in AttributeDefinitions" },
        { "bad attribute type", "CreateTable",
          "{\"TableName\":\"abc\"," ON_DEMAND ","
          "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
          "\"AttributeType\":\"SS\"}]," KEYS_PK "}",
          "ValidationException",
          ONE "Value 'SS' at 'attributeDefinitions.1.member.attributeType' "
          "failed to satisfy constraint: Member must satisfy enum value "
          "set: [B, N, S]" },
        { "attribute definition without members", "CreateTable",
          "{\"TableName\":\"abc\"," ON_DEMAND ","
          "\"AttributeDefinitions\":[{}]," KEYS_PK "}",
          "ValidationException",
          "2 validation errors detected: Value null at "
          "'attributeDefinitions.1.member.attributeType' failed to satisfy "
          "constraint: Member must not be null; Value null at "
          "'attributeDefinitions.1.member.attributeName' failed to satisfy "
          "constraint: Member must not be null" },
    };
    check_error_rows(rows, sizeof rows / sizeof rows[0]);
}

static void create_table_should_refuse_bad_billing(void **state)
{
    (void)state;
    static const struct error_row rows[] = {
        { "bad billing mode", "CreateTable",
          "{\"TableName\":\"abc\",\"BillingMode\":\"FREE\"," DEFS_PK ","
          KEYS_PK "}",
          "ValidationException",
          ONE "Value 'FREE' at 'billingMode' failed to satisfy constraint: "
          "Member must satisfy enum value set: [PROVISIONED, "
          "PAY_PER_REQUEST]" },
        { "provisioned by default without throughput", "CreateTable",
          "{\"TableName\":\"abc\"," DEFS_PK "," KEYS_PK "}",
          "ValidationException",
          INVALID "ReadCapacityUnits and WriteCapacityUnits must both be "
          "specified when BillingMode is PROVISIONED" },
        { "provisioned without throughput", "CreateTable",
          "{\"TableName\":\"abc\",\"BillingMode\":\"PROVISIONED\"," DEFS_PK
          "," KEYS_PK "}",
          "ValidationException",
          INVALID "ReadCapacityUnits and WriteCapacityUnits must both be "
          "specified when BillingMode is PROVISIONED" },
        { "on demand with throughput", "CreateTable",
          "{\"TableName\":\"abc\"," ON_DEMAND "," PT_1 "," DEFS_PK ","
          KEYS_PK "}",
          "ValidationException",
          INVALID "Neither ReadCapacityUnits nor WriteCapacityUnits can be "
          "specified when BillingMode is PAY_PER_REQUEST" },
        { "units below one", "CreateTable",
          "{\"TableName\":\"abc\",\"ProvisionedThroughput\":"
          "{\"ReadCapacityUnits\":0,\"WriteCapacityUnits\":-1}," DEFS_PK ","
          KEYS_PK "}",
          "ValidationException",
          "2 validation errors detected: Value '0' at "
          "'provisionedThroughput.readCapacityUnits' failed to satisfy "
          "constraint: Member must have value greater than or equal to 1; "
          "Value '-1' at 'provisionedThroughput.writeCapacityUnits' failed "
          "to satisfy constraint: Member must have value greater than or "
          "equal to 1" },
        { "empty throughput", "CreateTable",
          "{\"TableName\":\"abc\",\"ProvisionedThroughput\":{}," DEFS_PK ","
          KEYS_PK "}",
          "ValidationException",
          "2 validation errors detected: Value null at "
          "'provisionedThroughput.readCapacityUnits' failed to satisfy "
          "constraint: Member must not be null; Value null at "
          "'provisionedThroughput.writeCapacityUnits' failed to satisfy "
          "constraint: Member must not be null" },
        { "stream enabled without view", "CreateTable",
          "{\"TableName\":\"abc\"," ON_DEMAND "," DEFS_PK "," KEYS_PK ","
          "\"StreamSpecification\":{\"StreamEnabled\":true}}",
          "ValidationException",
          INVALID "You must specify a StreamViewType when enabling a "
          "stream" },
    };
    check_error_rows(rows, sizeof rows / sizeof rows[0]);
}

static void create_table_should_report_wrong_json_types(void **state)
{
    (void)state;
    static const struct error_row rows[] = {
        { "name as number", "CreateTable",
          "{\"TableName\":5," ON_DEMAND "," DEFS_PK "," KEYS_PK "}",
          "SerializationException",
          "Unexpected value type for member TableName: expected a string" },
        { "key schema as object", "CreateTable",
          "{\"TableName\":\"abc\"," ON_DEMAND "," DEFS_PK
          ",\"KeySchema\":{}}",
          "SerializationException",
          "Unexpected value type for member KeySchema: expected a list" },
        { "definitions as string", "CreateTable",
          "{\"TableName\":\"abc\"," ON_DEMAND ",\"AttributeDefinitions\":"
          "\"pk\"," KEYS_PK "}",
          "SerializationException",
          "Unexpected value type for member AttributeDefinitions: expected "
          "a list" },
        { "billing mode as bool", "CreateTable",
          "{\"TableName\":\"abc\",\"BillingMode\":true," DEFS_PK ","
          KEYS_PK "}",
          "SerializationException",
          "Unexpected value type for member BillingMode: expected a "
          "string" },
        { "throughput as list", "CreateTable",
          "{\"TableName\":\"abc\",\"ProvisionedThroughput\":[]," DEFS_PK
          "," KEYS_PK "}",
          "SerializationException",
          "Unexpected value type for member ProvisionedThroughput: "
          "expected an object" },
        { "units as string", "CreateTable",
          "{\"TableName\":\"abc\",\"ProvisionedThroughput\":"
          "{\"ReadCapacityUnits\":\"1\",\"WriteCapacityUnits\":1}," DEFS_PK
          "," KEYS_PK "}",
          "SerializationException",
          "Unexpected value type for member ReadCapacityUnits: expected an "
          "integer" },
        { "stream spec as string", "CreateTable",
          "{\"TableName\":\"abc\"," ON_DEMAND "," DEFS_PK "," KEYS_PK
          ",\"StreamSpecification\":\"on\"}",
          "SerializationException",
          "Unexpected value type for member StreamSpecification: expected "
          "an object" },
    };
    check_error_rows(rows, sizeof rows / sizeof rows[0]);
}

static void create_table_should_report_several_errors_at_once(void **state)
{
    (void)state;
    static const struct error_row rows[] = {
        { "empty request", "CreateTable", "{}", "ValidationException",
          "3 validation errors detected: Value null at 'tableName' failed "
          "to satisfy constraint: Member must not be null; Value null at "
          "'keySchema' failed to satisfy constraint: Member must not be "
          "null; Value null at 'attributeDefinitions' failed to satisfy "
          "constraint: Member must not be null" },
        { "bad name and billing", "CreateTable",
          "{\"TableName\":\"a/b\",\"BillingMode\":\"X\"," DEFS_PK ","
          KEYS_PK "}",
          "ValidationException",
          "2 validation errors detected: Value 'a/b' at 'tableName' failed "
          "to satisfy constraint: Member must satisfy regular expression "
          "pattern: [a-zA-Z0-9_.-]+; Value 'X' at 'billingMode' failed to "
          "satisfy constraint: Member must satisfy enum value set: "
          "[PROVISIONED, PAY_PER_REQUEST]" },
    };
    check_error_rows(rows, sizeof rows / sizeof rows[0]);
    struct response r = ok("ListTables", "{}");
    assert_json_equal("[]", at(r.json, "TableNames"));
    response_free(&r);
}

int main(void)
{
    client_start();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(
            create_table_should_describe_a_creating_on_demand_table, reset),
        cmocka_unit_test_setup(
            create_table_should_accept_every_key_shape_and_type, reset),
        cmocka_unit_test_setup(
            create_table_with_stream_should_report_its_label_and_arn, reset),
        cmocka_unit_test_setup(create_table_twice_should_be_resource_in_use,
                               reset),
        cmocka_unit_test_setup(describe_table_should_be_active_and_count_items,
                               reset),
        cmocka_unit_test_setup(list_tables_should_page_in_name_order, reset),
        cmocka_unit_test_setup(list_tables_should_refuse_bad_paging, reset),
        cmocka_unit_test_setup(
            delete_table_should_report_deleting_then_be_gone, reset),
        cmocka_unit_test_setup(
            update_table_should_switch_billing_and_throughput, reset),
        cmocka_unit_test_setup(
            update_table_should_enable_and_disable_the_stream, reset),
        cmocka_unit_test_setup(update_table_should_refuse_bad_requests,
                               reset),
        cmocka_unit_test_setup(create_table_should_refuse_bad_names, reset),
        cmocka_unit_test_setup(create_table_should_refuse_bad_key_schemas,
                               reset),
        cmocka_unit_test_setup(create_table_should_refuse_bad_billing, reset),
        cmocka_unit_test_setup(create_table_should_report_wrong_json_types,
                               reset),
        cmocka_unit_test_setup(
            create_table_should_report_several_errors_at_once, reset),
    };
    return cmocka_run_group_tests_name("ddb_tables", tests, NULL, NULL);
}
