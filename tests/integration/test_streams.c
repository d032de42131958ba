/* DynamoDB Streams over real HTTP: a record for every change and none for
 * writes that change nothing, images per view type, the stream lifecycle
 * through UpdateTable, forced shard rollover and lineage, the 15-minute
 * iterator expiry and 24-hour trim on the virtual clock, fault injection,
 * and every validation error with AWS's type and message. */
#include "dynamodb/ddb_value.h"
#include "helper/client.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TABLE "streamed"

static int reset(void **state)
{
    (void)state;
    client_reset();
    return 0;
}

static const char *fmt(char *out, size_t len, const char *f, ...)
    __attribute__((format(printf, 3, 4)));
static const char *fmt(char *out, size_t len, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    vsnprintf(out, len, f, ap);
    va_end(ap);
    return out;
}

static struct response expect_ok(struct response r, const char *what)
{
    if (r.status != 200)
        print_error("%s: %ld %s\n", what, r.status, r.body);
    assert_int_equal(r.status, 200);
    assert_non_null(r.json);
    return r;
}

static void ddb_ok(const char *op, const char *body)
{
    struct response r = expect_ok(client_ddb(op, body), op);
    response_free(&r);
}

static void expect_error(struct response r, const char *type,
                         const char *message)
{
    if (r.status != 400 || strcmp(response_error(&r), type) != 0 ||
        (message && strcmp(response_message(&r), message) != 0))
        print_error("got %ld %s\nwant %s: %s\n", r.status, r.body, type,
                    message ? message : "(any)");
    assert_int_equal(r.status, 400);
    assert_string_equal(response_error(&r), type);
    if (message)
        assert_string_equal(response_message(&r), message);
    response_free(&r);
}

static void admin_ok(const char *path, const char *body)
{
    struct response r = client_raw("POST", path, NULL, body, strlen(body), 0);
    if (r.status != 200)
        print_error("%s: %ld %s\n", path, r.status, r.body);
    assert_int_equal(r.status, 200);
    response_free(&r);
}

static const cJSON *at(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (v == NULL)
        fail_msg("no member %s", name);
    return v;
}

/* Creates TABLE (pk S, sk N) with a stream of the given view type and
 * returns its stream ARN (caller frees). */
static char *create_streamed(const char *view)
{
    char body[1024];
    struct response r = expect_ok(client_ddb("CreateTable", fmt(
        body, sizeof body,
        "{\"TableName\":\"" TABLE "\",\"BillingMode\":\"PAY_PER_REQUEST\","
        "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
        "\"AttributeType\":\"S\"},{\"AttributeName\":\"sk\","
        "\"AttributeType\":\"N\"}],\"KeySchema\":[{\"AttributeName\":\"pk\","
        "\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":"
        "\"RANGE\"}],\"StreamSpecification\":{\"StreamEnabled\":true,"
        "\"StreamViewType\":\"%s\"}}", view)), "CreateTable");
    const cJSON *desc = at(r.json, "TableDescription");
    char *arn = strdup(at(desc, "LatestStreamArn")->valuestring);
    response_free(&r);
    return arn;
}

/* The stream's shards (DescribeStream), as a new JSON array. */
static cJSON *shards_of(const char *arn)
{
    char body[1024];
    struct response r = expect_ok(client_streams("DescribeStream", fmt(
        body, sizeof body, "{\"StreamArn\":\"%s\"}", arn)), "Describe");
    cJSON *shards = cJSON_Duplicate(
        at(at(r.json, "StreamDescription"), "Shards"), 1);
    response_free(&r);
    return shards;
}

static char *iterator(const char *arn, const char *shard, const char *type,
                      const char *seq)
{
    char body[2048];
    char seq_member[128] = "";
    if (seq)
        fmt(seq_member, sizeof seq_member, ",\"SequenceNumber\":\"%s\"", seq);
    struct response r = expect_ok(client_streams("GetShardIterator", fmt(
        body, sizeof body, "{\"StreamArn\":\"%s\",\"ShardId\":\"%s\","
        "\"ShardIteratorType\":\"%s\"%s}", arn, shard, type, seq_member)),
        "GetShardIterator");
    char *it = strdup(at(r.json, "ShardIterator")->valuestring);
    response_free(&r);
    return it;
}

static struct response get_records(const char *it, int limit)
{
    char body[4096];
    if (limit)
        return client_streams("GetRecords", fmt(body, sizeof body,
            "{\"ShardIterator\":\"%s\",\"Limit\":%d}", it, limit));
    return client_streams("GetRecords", fmt(body, sizeof body,
        "{\"ShardIterator\":\"%s\"}", it));
}

/* Every record of every shard from TRIM_HORIZON, parents first (shards
 * come in lineage order), as a new JSON array. */
static cJSON *all_records(const char *arn)
{
    cJSON *out = cJSON_CreateArray();
    cJSON *shards = shards_of(arn);
    const cJSON *sh;
    cJSON_ArrayForEach(sh, shards) {
        char *it = iterator(arn, at(sh, "ShardId")->valuestring,
                            "TRIM_HORIZON", NULL);
        for (int page = 0; it && page < 100; page++) {
            struct response r = expect_ok(get_records(it, 0), "GetRecords");
            const cJSON *rec;
            cJSON_ArrayForEach(rec, at(r.json, "Records"))
                cJSON_AddItemToArray(out, cJSON_Duplicate(rec, 1));
            const cJSON *next = cJSON_GetObjectItemCaseSensitive(
                r.json, "NextShardIterator");
            bool is_empty = cJSON_GetArraySize(at(r.json, "Records")) == 0;
            free(it);
            it = next && !is_empty ? strdup(next->valuestring) : NULL;
            response_free(&r);
        }
        free(it);
    }
    cJSON_Delete(shards);
    return out;
}

static void put(const char *pk, int sk, const char *v)
{
    char body[512];
    ddb_ok("PutItem", fmt(body, sizeof body, "{\"TableName\":\"" TABLE "\","
           "\"Item\":{\"pk\":{\"S\":\"%s\"},\"sk\":{\"N\":\"%d\"},"
           "\"v\":{\"S\":\"%s\"}}}", pk, sk, v));
}

static void update(const char *pk, int sk, const char *v)
{
    char body[512];
    ddb_ok("UpdateItem", fmt(body, sizeof body, "{\"TableName\":\"" TABLE
           "\",\"Key\":{\"pk\":{\"S\":\"%s\"},\"sk\":{\"N\":\"%d\"}},"
           "\"UpdateExpression\":\"SET v = :v\",\"ExpressionAttributeValues\":"
           "{\":v\":{\"S\":\"%s\"}}}", pk, sk, v));
}

static void delete(const char *pk, int sk)
{
    char body[512];
    ddb_ok("DeleteItem", fmt(body, sizeof body, "{\"TableName\":\"" TABLE
           "\",\"Key\":{\"pk\":{\"S\":\"%s\"},\"sk\":{\"N\":\"%d\"}}}", pk,
           sk));
}

/* SizeBytes as the DynamoDB Streams API documents it: the keys and the
 * images the record carries, in item bytes. */
static size_t expected_size_bytes(const cJSON *rec)
{
    const cJSON *d = at(rec, "dynamodb");
    size_t size = 0;
    const cJSON *k;
    cJSON_ArrayForEach(k, at(d, "Keys"))
        size += strlen(k->string) + ddb_value_size(k);
    const char *images[] = { "NewImage", "OldImage" };
    for (size_t i = 0; i < 2; i++)
        size += ddb_item_size(cJSON_GetObjectItemCaseSensitive(d, images[i]));
    return size;
}

/* The write path hands the record the sizes it already knows (stored
 * with the item, or measured once); they must be the images' own. */
static void size_bytes_should_count_keys_and_both_images(void **state)
{
    (void)state;
    char *arn = create_streamed("NEW_AND_OLD_IMAGES");
    put("a", 1, "xy");
    put("a", 1, "a longer value");
    update("a", 1, "z");
    delete("a", 1);
    cJSON *recs = all_records(arn);
    assert_int_equal(cJSON_GetArraySize(recs), 4);
    const cJSON *rec;
    cJSON_ArrayForEach(rec, recs) {
        const cJSON *n = at(at(rec, "dynamodb"), "SizeBytes");
        assert_int_equal((size_t)n->valuedouble, expected_size_bytes(rec));
    }
    cJSON_Delete(recs);
    free(arn);
}

static const char *image_v(const cJSON *rec, const char *image)
{
    const cJSON *img = cJSON_GetObjectItemCaseSensitive(at(rec, "dynamodb"),
                                                        image);
    return img ? at(at(img, "v"), "S")->valuestring : NULL;
}

static void expect_record(const cJSON *rec, const char *event,
                          const char *new_v, const char *old_v)
{
    assert_string_equal(at(rec, "eventName")->valuestring, event);
    const char *n = image_v(rec, "NewImage");
    const char *o = image_v(rec, "OldImage");
    if ((n == NULL) != (new_v == NULL) || (n && strcmp(n, new_v) != 0) ||
        (o == NULL) != (old_v == NULL) || (o && strcmp(o, old_v) != 0))
        fail_msg("%s record has NewImage v=%s OldImage v=%s", event,
                 n ? n : "-", o ? o : "-");
}

static void every_change_should_write_one_record(void **state)
{
    (void)state;
    char *arn = create_streamed("NEW_AND_OLD_IMAGES");
    put("a", 1, "x");
    put("a", 1, "x");      /* unchanged: no record */
    update("a", 1, "y");
    update("a", 1, "y");   /* unchanged: no record */
    delete("a", 1);
    delete("a", 1);        /* absent: no record */
    update("b", 2, "z");   /* creates the item */
    cJSON *recs = all_records(arn);
    assert_int_equal(cJSON_GetArraySize(recs), 4);
    expect_record(cJSON_GetArrayItem(recs, 0), "INSERT", "x", NULL);
    expect_record(cJSON_GetArrayItem(recs, 1), "MODIFY", "y", "x");
    expect_record(cJSON_GetArrayItem(recs, 2), "REMOVE", NULL, "y");
    expect_record(cJSON_GetArrayItem(recs, 3), "INSERT", "z", NULL);
    const char *prev = "";
    const cJSON *rec;
    cJSON_ArrayForEach(rec, recs) {
        const cJSON *d = at(rec, "dynamodb");
        const char *seq = at(d, "SequenceNumber")->valuestring;
        assert_true(strcmp(prev, seq) < 0);
        prev = seq;
        assert_string_equal(at(rec, "eventSource")->valuestring,
                            "aws:dynamodb");
        assert_string_equal(at(rec, "awsRegion")->valuestring, "us-east-1");
        assert_true(cJSON_IsNumber(at(d, "ApproximateCreationDateTime")));
        assert_non_null(at(at(d, "Keys"), "sk"));
    }
    cJSON_Delete(recs);
    free(arn);
}

static void put_raw(const char *item)
{
    char body[512];
    ddb_ok("PutItem", fmt(body, sizeof body, "{\"TableName\":\"" TABLE "\","
           "\"Item\":%s}", item));
}

/* A put only parses the item it replaces when the two texts are as long:
 * reordered attributes and set members are no change, another value of
 * the same length or of another length is one, with its old image. */
static void puts_should_be_changes_exactly_when_the_item_changed(
    void **state)
{
    (void)state;
    char *arn = create_streamed("NEW_AND_OLD_IMAGES");
    put_raw("{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"},\"v\":{\"S\":\"x\"},"
            "\"s\":{\"SS\":[\"p\",\"q\"]}}");
    put_raw("{\"s\":{\"SS\":[\"q\",\"p\"]},\"v\":{\"S\":\"x\"},"
            "\"sk\":{\"N\":\"1.0\"},\"pk\":{\"S\":\"a\"}}");
    put_raw("{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"},\"v\":{\"S\":\"y\"},"
            "\"s\":{\"SS\":[\"p\",\"q\"]}}");
    put_raw("{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"},"
            "\"v\":{\"S\":\"longer\"}}");
    cJSON *recs = all_records(arn);
    assert_int_equal(cJSON_GetArraySize(recs), 3);
    expect_record(cJSON_GetArrayItem(recs, 0), "INSERT", "x", NULL);
    expect_record(cJSON_GetArrayItem(recs, 1), "MODIFY", "y", "x");
    expect_record(cJSON_GetArrayItem(recs, 2), "MODIFY", "longer", "y");
    cJSON_Delete(recs);
    free(arn);
}

static void keys_only_should_carry_no_images(void **state)
{
    (void)state;
    char *arn = create_streamed("KEYS_ONLY");
    put("a", 1, "x");
    update("a", 1, "y");
    delete("a", 1);
    cJSON *recs = all_records(arn);
    assert_int_equal(cJSON_GetArraySize(recs), 3);
    expect_record(cJSON_GetArrayItem(recs, 0), "INSERT", NULL, NULL);
    expect_record(cJSON_GetArrayItem(recs, 1), "MODIFY", NULL, NULL);
    expect_record(cJSON_GetArrayItem(recs, 2), "REMOVE", NULL, NULL);
    cJSON_Delete(recs);
    free(arn);
}

static void rollover_should_open_a_child_shard(void **state)
{
    (void)state;
    char *arn = create_streamed("NEW_IMAGE");
    put("a", 1, "x");
    admin_ok("/_dynalake/streams/rollover", "{\"table\":\"" TABLE "\"}");
    put("a", 1, "y");
    cJSON *shards = shards_of(arn);
    assert_int_equal(cJSON_GetArraySize(shards), 2);
    const cJSON *parent = cJSON_GetArrayItem(shards, 0);
    const cJSON *child = cJSON_GetArrayItem(shards, 1);
    assert_string_equal(at(child, "ParentShardId")->valuestring,
                        at(parent, "ShardId")->valuestring);
    assert_non_null(at(at(parent, "SequenceNumberRange"),
                       "EndingSequenceNumber"));
    /* A drained closed shard gives no NextShardIterator. */
    char *it = iterator(arn, at(parent, "ShardId")->valuestring,
                        "TRIM_HORIZON", NULL);
    struct response r = expect_ok(get_records(it, 0), "GetRecords");
    assert_int_equal(cJSON_GetArraySize(at(r.json, "Records")), 1);
    assert_null(cJSON_GetObjectItemCaseSensitive(r.json,
                                                 "NextShardIterator"));
    response_free(&r);
    free(it);
    cJSON *recs = all_records(arn);
    assert_int_equal(cJSON_GetArraySize(recs), 2);
    expect_record(cJSON_GetArrayItem(recs, 1), "MODIFY", "y", NULL);
    cJSON_Delete(recs);
    cJSON_Delete(shards);
    free(arn);
}

static void disabling_should_keep_the_old_stream_readable(void **state)
{
    (void)state;
    char body[1024];
    char *arn = create_streamed("NEW_IMAGE");
    put("a", 1, "x");
    expect_error(client_ddb("UpdateTable", "{\"TableName\":\"" TABLE "\","
                            "\"StreamSpecification\":{\"StreamEnabled\":true,"
                            "\"StreamViewType\":\"KEYS_ONLY\"}}"),
                 "ValidationException",
                 "Table already has an enabled stream: TableName: " TABLE);
    ddb_ok("UpdateTable", "{\"TableName\":\"" TABLE "\",\"StreamSpecification"
           "\":{\"StreamEnabled\":false}}");
    put("a", 1, "not streamed");
    admin_ok("/_dynalake/clock", "{\"advance_ms\": 2}");
    ddb_ok("UpdateTable", "{\"TableName\":\"" TABLE "\",\"StreamSpecification"
           "\":{\"StreamEnabled\":true,\"StreamViewType\":\"KEYS_ONLY\"}}");
    put("a", 1, "z");
    struct response r = expect_ok(client_streams("DescribeStream", fmt(
        body, sizeof body, "{\"StreamArn\":\"%s\"}", arn)), "Describe");
    assert_string_equal(at(at(r.json, "StreamDescription"), "StreamStatus")
                            ->valuestring, "DISABLED");
    response_free(&r);
    cJSON *recs = all_records(arn);
    assert_int_equal(cJSON_GetArraySize(recs), 1);
    cJSON_Delete(recs);
    r = expect_ok(client_streams("ListStreams", "{\"TableName\":\"" TABLE
                                 "\"}"), "ListStreams");
    assert_int_equal(cJSON_GetArraySize(at(r.json, "Streams")), 2);
    response_free(&r);
    r = expect_ok(client_streams("ListStreams", "{\"Limit\":1}"), "List");
    assert_int_equal(cJSON_GetArraySize(at(r.json, "Streams")), 1);
    assert_non_null(at(r.json, "LastEvaluatedStreamArn"));
    response_free(&r);
    free(arn);
}

static void iterators_should_expire_and_records_age_out(void **state)
{
    (void)state;
    char *arn = create_streamed("NEW_IMAGE");
    put("a", 1, "x");
    cJSON *shards = shards_of(arn);
    const char *shard = at(cJSON_GetArrayItem(shards, 0), "ShardId")
                            ->valuestring;
    char *it = iterator(arn, shard, "TRIM_HORIZON", NULL);
    struct response r = expect_ok(get_records(it, 0), "GetRecords");
    char seq[64];
    snprintf(seq, sizeof seq, "%s", at(at(cJSON_GetArrayItem(
        at(r.json, "Records"), 0), "dynamodb"), "SequenceNumber")
        ->valuestring);
    response_free(&r);
    admin_ok("/_dynalake/clock", "{\"advance_ms\": 900001}");
    expect_error(get_records(it, 0), "ExpiredIteratorException",
                 "Shard iterator has expired");
    free(it);
    admin_ok("/_dynalake/clock", "{\"advance_ms\": 86400000}");
    char body[2048];
    expect_error(client_streams("GetShardIterator", fmt(body, sizeof body,
        "{\"StreamArn\":\"%s\",\"ShardId\":\"%s\",\"ShardIteratorType\":"
        "\"AT_SEQUENCE_NUMBER\",\"SequenceNumber\":\"%s\"}", arn, shard,
        seq)), "TrimmedDataAccessException",
        "The data you are trying to access has been trimmed");
    /* TRIM_HORIZON starts after what was trimmed. */
    it = iterator(arn, shard, "TRIM_HORIZON", NULL);
    r = expect_ok(get_records(it, 0), "GetRecords");
    assert_int_equal(cJSON_GetArraySize(at(r.json, "Records")), 0);
    response_free(&r);
    free(it);
    cJSON_Delete(shards);
    free(arn);
}

static void faults_should_throttle_get_records(void **state)
{
    (void)state;
    char *arn = create_streamed("NEW_IMAGE");
    cJSON *shards = shards_of(arn);
    char *it = iterator(arn, at(cJSON_GetArrayItem(shards, 0), "ShardId")
                                 ->valuestring, "LATEST", NULL);
    admin_ok("/_dynalake/faults", "{\"operation\":\"GetRecords\",\"table\":"
             "\"" TABLE "\",\"error\":\"LimitExceededException\","
             "\"count\":1}");
    expect_error(get_records(it, 0), "LimitExceededException", NULL);
    struct response r = expect_ok(get_records(it, 0), "GetRecords");
    response_free(&r);
    admin_ok("/_dynalake/faults", "{\"operation\":\"GetRecords\",\"error\":"
             "\"ExpiredIteratorException\"}");
    expect_error(get_records(it, 0), "ExpiredIteratorException", NULL);
    r = expect_ok(get_records(it, 0), "GetRecords");
    response_free(&r);
    free(it);
    cJSON_Delete(shards);
    free(arn);
}

static void bad_requests_should_get_aws_errors(void **state)
{
    (void)state;
    char body[4096];
    char *arn = create_streamed("NEW_IMAGE");
    cJSON *shards = shards_of(arn);
    const char *shard = at(cJSON_GetArrayItem(shards, 0), "ShardId")
                            ->valuestring;
    char *it = iterator(arn, shard, "LATEST", NULL);
    expect_error(get_records(it, 1001), "ValidationException",
                 "1 validation error detected: Value '1001' at 'limit' "
                 "failed to satisfy constraint: Member must have value less "
                 "than or equal to 1000");
    expect_error(get_records("not-an-iterator", 0), "ValidationException",
                 "Invalid ShardIterator");
    it[strlen(it) - 3] = it[strlen(it) - 3] == 'A' ? 'B' : 'A';
    expect_error(get_records(it, 0), "ValidationException",
                 "Invalid ShardIterator");
    expect_error(client_streams("DescribeStream", fmt(body, sizeof body,
        "{\"StreamArn\":\"%s9\"}", arn)), "ResourceNotFoundException", NULL);
    expect_error(client_streams("DescribeStream", "{\"StreamArn\":"
        "\"sdfadfsdfnlfkajakfgjalksfgklasjklasdjfklasdfasdfgasf\"}"),
        "ValidationException", "Invalid StreamArn");
    expect_error(client_streams("GetShardIterator", fmt(body, sizeof body,
        "{\"StreamArn\":\"%s\",\"ShardId\":\"shardId-00000000000000000000-"
        "00000000\",\"ShardIteratorType\":\"LATEST\"}", arn)),
        "ResourceNotFoundException", NULL);
    expect_error(client_streams("GetShardIterator", fmt(body, sizeof body,
        "{\"StreamArn\":\"%s\",\"ShardId\":\"%s\",\"ShardIteratorType\":"
        "\"bulle\"}", arn, shard)), "ValidationException",
        "1 validation error detected: Value 'bulle' at 'shardIteratorType' "
        "failed to satisfy constraint: Member must satisfy enum value set: "
        "[TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER]");
    expect_error(client_streams("GetShardIterator", fmt(body, sizeof body,
        "{\"StreamArn\":\"%s\",\"ShardId\":\"%s\",\"ShardIteratorType\":"
        "\"AT_SEQUENCE_NUMBER\"}", arn, shard)), "ValidationException", NULL);
    expect_error(client_streams("GetShardIterator", fmt(body, sizeof body,
        "{\"StreamArn\":\"%s\",\"ShardId\":\"%s\",\"ShardIteratorType\":"
        "\"LATEST\",\"SequenceNumber\":\"100000000000000000001\"}", arn,
        shard)), "ValidationException", NULL);
    expect_error(client_streams("ListStreams", "{\"Limit\":0}"),
                 "ValidationException", NULL);
    free(it);
    cJSON_Delete(shards);
    free(arn);
}

int main(void)
{
    client_start();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(every_change_should_write_one_record, reset),
        cmocka_unit_test_setup(keys_only_should_carry_no_images, reset),
        cmocka_unit_test_setup(
            puts_should_be_changes_exactly_when_the_item_changed, reset),
        cmocka_unit_test_setup(size_bytes_should_count_keys_and_both_images,
                               reset),
        cmocka_unit_test_setup(rollover_should_open_a_child_shard, reset),
        cmocka_unit_test_setup(disabling_should_keep_the_old_stream_readable,
                               reset),
        cmocka_unit_test_setup(iterators_should_expire_and_records_age_out,
                               reset),
        cmocka_unit_test_setup(faults_should_throttle_get_records, reset),
        cmocka_unit_test_setup(bad_requests_should_get_aws_errors, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
