/* esm: the event-source-mapping engine with a fake function -- batches of
 * the configured size, retries until MaximumRetryAttempts then the
 * on-failure destination, bisection isolating one poison record, partial
 * batch responses acknowledging the records before the first failure,
 * malformed responses failing the whole batch, record age, lanes by
 * partition key -- and Lambda's filter patterns. */
#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"
#include "sync/esm.h"
#include "sync/esm_filter.h"
#include "sync/sync.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_RECORDS 10

/* The fake function: fails any batch holding the poison sequence number
 * (as an error, or as a partial response naming it), remembers each
 * invocation's first sequence number and size. */
struct fake {
    const char *poison;       /* sequence number, or NULL */
    bool is_partial;          /* answer batchItemFailures instead */
    const char *response;     /* fixed answer instead, or NULL */
    int calls;
    int sizes[64];
    char firsts[64][32];
};

static enum esm_invoke_result fake_invoke(void *ctx, const char *event,
                                          size_t len, struct buf *response,
                                          char *err, size_t errlen)
{
    struct fake *f = ctx;
    cJSON *doc = json_parse(event, len);
    const cJSON *records = json_get(doc, "Records");
    int n = cJSON_GetArraySize(records);
    const char *first = json_get_string(json_get(cJSON_GetArrayItem(
        records, 0), "dynamodb"), "SequenceNumber");
    if (f->calls < 64) {
        f->sizes[f->calls] = n;
        snprintf(f->firsts[f->calls], sizeof f->firsts[0], "%s", first);
    }
    f->calls++;
    bool is_poisoned = false;
    const cJSON *r;
    cJSON_ArrayForEach(r, records) {
        const char *seq = json_get_string(json_get(r, "dynamodb"),
                                          "SequenceNumber");
        is_poisoned |= f->poison && strcmp(seq, f->poison) == 0;
    }
    cJSON_Delete(doc);
    if (f->response) {
        buf_puts(response, f->response);
        return ESM_INVOKE_OK;
    }
    if (is_poisoned && f->is_partial) {
        buf_printf(response, "{\"batchItemFailures\":[{\"itemIdentifier\":"
                   "\"%s\"}]}", f->poison);
        return ESM_INVOKE_OK;
    }
    if (is_poisoned) {
        snprintf(err, errlen, "poison");
        return ESM_INVOKE_ERROR;
    }
    buf_puts(response, "{}");
    return ESM_INVOKE_OK;
}

struct failures {
    int n;
    size_t sizes[16];
    char firsts[16][32];
    enum esm_condition conditions[16];
};

static int record_failure(void *ctx, const struct esm_failure *f)
{
    struct failures *fs = ctx;
    if (fs->n < 16) {
        fs->sizes[fs->n] = f->n;
        fs->conditions[fs->n] = f->condition;
        snprintf(fs->firsts[fs->n], sizeof fs->firsts[0], "%s",
                 json_get_string(json_get(f->records[0], "dynamodb"),
                                 "SequenceNumber"));
    }
    fs->n++;
    return 0;
}

static int64_t fixed_now(void)
{
    return 1700000100000LL; /* 100 s after the records were made */
}

static void no_sleep(long ms)
{
    (void)ms;
}

/* Ten records, sequence numbers 101..110, keys k0..k4 twice. */
static cJSON *make_records(cJSON **out)
{
    cJSON *all = cJSON_CreateArray();
    for (int i = 0; i < N_RECORDS; i++) {
        char text[400];
        snprintf(text, sizeof text,
                 "{\"eventID\":\"e%d\",\"eventName\":\"%s\",\"dynamodb\":{"
                 "\"ApproximateCreationDateTime\":1700000000,\"Keys\":{"
                 "\"pk\":{\"S\":\"k%d\"}},\"SequenceNumber\":\"%d\"}}",
                 i, i % 3 ? "MODIFY" : "INSERT", i % 5, 101 + i);
        cJSON *r = json_parse(text, strlen(text));
        cJSON_AddItemToArray(all, r);
        out[i] = r;
    }
    return all;
}

struct run {
    struct esm_config cfg;
    struct fake fake;
    struct failures failures;
    struct esm_counts counts;
    struct sync_stats stats;
    int rc;
};

static void run_engine(struct run *r)
{
    cJSON *records[N_RECORDS];
    cJSON *all = make_records(records);
    struct esm_engine e = {
        .cfg = &r->cfg, .handler = { fake_invoke, &r->fake },
        .on_failure = record_failure, .failure_ctx = &r->failures,
        .now_ms = fixed_now, .sleep_ms = no_sleep, .shard = "shard-1",
        .stream_arn = "arn:aws:dynamodb:us-east-1:1:table/t/stream/x",
    };
    r->rc = esm_deliver(&e, records, N_RECORDS, &r->counts, &r->stats);
    cJSON_Delete(all);
}

static struct esm_config config(int batch, int retries)
{
    struct esm_config c = { .batch_size = batch, .max_retries = retries,
                            .max_record_age_s = -1 };
    return c;
}

static void batches_should_follow_batch_size(void **state)
{
    (void)state;
    struct run r = { .cfg = config(4, -1) };
    run_engine(&r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.fake.calls, 3);
    assert_int_equal(r.fake.sizes[0], 4);
    assert_int_equal(r.fake.sizes[1], 4);
    assert_int_equal(r.fake.sizes[2], 2);
    assert_string_equal(r.fake.firsts[1], "105");
    assert_int_equal(r.stats.written, N_RECORDS);
}

static void retries_should_end_in_the_on_failure_destination(void **state)
{
    (void)state;
    struct run r = { .cfg = config(5, 2), .fake = { .poison = "103" } };
    run_engine(&r);
    /* The first batch: one try and two retries, then given up whole. */
    assert_int_equal(r.fake.calls, 3 + 1);
    assert_int_equal(r.failures.n, 1);
    assert_int_equal(r.failures.sizes[0], 5);
    assert_string_equal(r.failures.firsts[0], "101");
    assert_int_equal(r.failures.conditions[0], ESM_RETRIES_EXHAUSTED);
    assert_int_equal(r.counts.discarded, 5);
    assert_int_equal(r.stats.written, 5);
    assert_int_equal(r.stats.retried, 2);
}

static void bisect_should_isolate_the_poison_record(void **state)
{
    (void)state;
    struct run r = { .cfg = config(8, 10), .fake = { .poison = "104" } };
    r.cfg.is_bisect = true;
    run_engine(&r);
    assert_int_equal(r.failures.n, 1);
    assert_int_equal(r.failures.sizes[0], 1);
    assert_string_equal(r.failures.firsts[0], "104");
    assert_int_equal(r.stats.written, N_RECORDS - 1);
    assert_true(r.counts.bisections >= 3);
}

static void partial_response_should_retry_from_the_failed_record(void **state)
{
    (void)state;
    struct run r = { .cfg = config(10, 1),
                     .fake = { .poison = "106", .is_partial = true } };
    r.cfg.is_report_failures = true;
    run_engine(&r);
    /* 101..105 acknowledged by the first answer; the retry starts at 106,
     * fails again and is given up from there. */
    assert_int_equal(r.fake.calls, 2);
    assert_string_equal(r.fake.firsts[1], "106");
    assert_int_equal(r.fake.sizes[1], 5);
    assert_int_equal(r.failures.n, 1);
    assert_string_equal(r.failures.firsts[0], "106");
    assert_int_equal(r.failures.sizes[0], 5);
    assert_int_equal(r.stats.written, 5);
    assert_int_equal(r.counts.partial_failures, 2);
}

static void partial_response_should_be_ignored_when_not_enabled(void **state)
{
    (void)state;
    struct run r = { .cfg = config(10, 1),
                     .fake = { .poison = "106", .is_partial = true } };
    run_engine(&r);
    assert_int_equal(r.fake.calls, 1);
    assert_int_equal(r.stats.written, N_RECORDS);
}

static void unknown_item_identifier_should_fail_the_batch(void **state)
{
    (void)state;
    struct run r = { .cfg = config(10, 0), .fake = {
        .response = "{\"batchItemFailures\":[{\"itemIdentifier\":\"9\"}]}" } };
    r.cfg.is_report_failures = true;
    run_engine(&r);
    assert_int_equal(r.failures.n, 1);
    assert_int_equal(r.failures.sizes[0], N_RECORDS);
}

static void error_message_response_should_be_a_function_error(void **state)
{
    (void)state;
    struct run r = { .cfg = config(10, 0), .fake = {
        .response = "{\"errorMessage\":\"boom\",\"errorType\":\"E\"}" } };
    run_engine(&r);
    assert_int_equal(r.counts.function_errors, 1);
    assert_int_equal(r.counts.discarded, N_RECORDS);
}

static void old_records_should_be_given_up_by_age(void **state)
{
    (void)state;
    struct run r = { .cfg = config(10, -1), .fake = { .poison = "101" } };
    r.cfg.max_record_age_s = 60; /* the records are 100 s old */
    run_engine(&r);
    assert_int_equal(r.fake.calls, 1);
    assert_int_equal(r.failures.n, 1);
    assert_int_equal(r.failures.conditions[0], ESM_RECORD_TOO_OLD);
}

struct response_case {
    const char *name;
    const char *response;
    int rc;
    size_t first;
};

static const struct response_case response_cases[] = {
    { "empty", "", 0, 3 },
    { "null failures", "{\"batchItemFailures\":null}", 0, 3 },
    { "no failures", "{\"batchItemFailures\":[]}", 0, 3 },
    { "earliest of two", "{\"batchItemFailures\":[{\"itemIdentifier\":"
      "\"103\"},{\"itemIdentifier\":\"102\"}]}", 0, 1 },
    { "empty identifier", "{\"batchItemFailures\":[{\"itemIdentifier\":"
      "\"\"}]}", -1, 3 },
    { "null identifier", "{\"batchItemFailures\":[{\"itemIdentifier\":"
      "null}]}", -1, 3 },
    { "not json", "ok", -1, 3 },
};

static void responses_should_read_as_lambda_reads_them(void **state)
{
    (void)state;
    cJSON *records[N_RECORDS];
    cJSON *all = make_records(records);
    for (size_t i = 0; i < sizeof response_cases / sizeof response_cases[0];
         i++) {
        const struct response_case *c = &response_cases[i];
        size_t first = 99;
        int rc = esm_response_failures(c->response, strlen(c->response),
                                       records, 3, &first);
        if (rc != c->rc || first != c->first)
            fail_msg("%s: rc %d first %zu", c->name, rc, first);
    }
    cJSON_Delete(all);
}

static void lanes_should_keep_a_key_in_one_lane(void **state)
{
    (void)state;
    cJSON *records[N_RECORDS];
    cJSON *all = make_records(records);
    for (int i = 0; i < 5; i++) {
        int lane = esm_lane(records[i], "pk", 4);
        assert_true(lane >= 0 && lane < 4);
        assert_int_equal(esm_lane(records[i + 5], "pk", 4), lane);
    }
    assert_int_equal(esm_lane(records[0], "pk", 1), 0);
    cJSON_Delete(all);
}

struct filter_case {
    const char *name;
    const char *pattern;
    bool is_match;
};

static const char filter_record[] =
    "{\"eventName\":\"INSERT\",\"dynamodb\":{\"Keys\":{\"pk\":{\"S\":"
    "\"user#7\"}},\"NewImage\":{\"pk\":{\"S\":\"user#7\"},\"age\":{\"N\":"
    "\"42\"},\"tags\":{\"SS\":[\"a\",\"b\"]},\"status\":{\"S\":"
    "\"Active\"}}}}";

static const struct filter_case filter_cases[] = {
    { "event name", "{\"eventName\":[\"INSERT\"]}", true },
    { "other event name", "{\"eventName\":[\"REMOVE\",\"MODIFY\"]}", false },
    { "prefix on a key", "{\"dynamodb\":{\"Keys\":{\"pk\":{\"S\":[{\"prefix"
      "\":\"user#\"}]}}}}", true },
    { "wrong prefix", "{\"dynamodb\":{\"Keys\":{\"pk\":{\"S\":[{\"prefix\":"
      "\"order#\"}]}}}}", false },
    { "numeric range", "{\"dynamodb\":{\"NewImage\":{\"age\":{\"N\":[{"
      "\"numeric\":[\">\",18,\"<=\",42]}]}}}}", true },
    { "numeric outside", "{\"dynamodb\":{\"NewImage\":{\"age\":{\"N\":[{"
      "\"numeric\":[\"<\",18]}]}}}}", false },
    { "number equals N text", "{\"dynamodb\":{\"NewImage\":{\"age\":{\"N\":"
      "[42]}}}}", true },
    { "exists", "{\"dynamodb\":{\"NewImage\":{\"status\":[{\"exists\":true}"
      "]}}}", true },
    { "not exists", "{\"dynamodb\":{\"NewImage\":{\"gone\":[{\"exists\":"
      "false}]}}}", true },
    { "exists but absent", "{\"dynamodb\":{\"OldImage\":{\"pk\":[{\"exists"
      "\":true}]}}}", false },
    { "set element", "{\"dynamodb\":{\"NewImage\":{\"tags\":{\"SS\":[\"b\"]"
      "}}}}", true },
    { "anything but", "{\"eventName\":[{\"anything-but\":[\"REMOVE\"]}]}",
      true },
    { "ignore case", "{\"dynamodb\":{\"NewImage\":{\"status\":{\"S\":[{"
      "\"equals-ignore-case\":\"active\"}]}}}}", true },
    { "all members must match", "{\"eventName\":[\"INSERT\"],\"dynamodb\":{"
      "\"NewImage\":{\"age\":{\"N\":[\"41\"]}}}}", false },
};

static void filters_should_match_lambda_patterns(void **state)
{
    (void)state;
    cJSON *record = json_parse(filter_record, strlen(filter_record));
    for (size_t i = 0; i < sizeof filter_cases / sizeof filter_cases[0];
         i++) {
        const struct filter_case *c = &filter_cases[i];
        struct esm_filter f = { 0 };
        char err[256] = "";
        if (esm_filter_add(&f, c->pattern, err, sizeof err) < 0)
            fail_msg("%s: refused: %s", c->name, err);
        if (esm_filter_matches(&f, record) != c->is_match)
            fail_msg("%s: match is %d", c->name, !c->is_match);
        esm_filter_clear(&f);
    }
    cJSON_Delete(record);
}

static void bad_filters_should_be_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "{", "[]", "{}", "{\"eventName\":\"INSERT\"}",
        "{\"eventName\":[{\"regex\":\"x\"}]}",
        "{\"a\":[{\"numeric\":[\"~\",1]}]}",
        "{\"a\":[{\"exists\":\"yes\"}]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct esm_filter f = { 0 };
        char err[256];
        if (esm_filter_add(&f, bad[i], err, sizeof err) == 0)
            fail_msg("accepted %s", bad[i]);
        esm_filter_clear(&f);
    }
    struct esm_filter f = { 0 };
    char err[256];
    for (int i = 0; i < ESM_FILTER_MAX; i++)
        assert_int_equal(esm_filter_add(&f, "{\"a\":[1]}", err, sizeof err),
                         0);
    assert_int_equal(esm_filter_add(&f, "{\"a\":[1]}", err, sizeof err), -1);
    esm_filter_clear(&f);
}

static void no_filter_should_match_everything(void **state)
{
    (void)state;
    struct esm_filter f = { 0 };
    cJSON *record = json_parse(filter_record, strlen(filter_record));
    assert_true(esm_filter_matches(&f, record));
    cJSON_Delete(record);
}

static void failure_document_should_carry_batch_info(void **state)
{
    (void)state;
    cJSON *records[N_RECORDS];
    cJSON *all = make_records(records);
    struct esm_failure f = {
        .shard = "shard-1", .stream_arn = "arn:s", .n = 3,
        .records = (const cJSON *const *)records, .attempts = 4,
        .condition = ESM_RETRIES_EXHAUSTED, .error = "poison",
    };
    struct buf b;
    buf_init(&b, 0);
    esm_failure_write(&b, &f, 1700000000000LL);
    cJSON *doc = json_parse(b.data, b.len);
    assert_non_null(doc);
    const cJSON *info = json_get(doc, "DDBStreamBatchInfo");
    assert_string_equal(json_get_string(info, "shardId"), "shard-1");
    assert_string_equal(json_get_string(info, "startSequenceNumber"), "101");
    assert_string_equal(json_get_string(info, "endSequenceNumber"), "103");
    assert_int_equal(cJSON_GetNumberValue(json_get(info, "batchSize")), 3);
    assert_string_equal(json_get_string(json_get(doc, "requestContext"),
                                        "condition"),
                        "RetryAttemptsExhausted");
    assert_int_equal(cJSON_GetArraySize(json_get(doc, "records")), 3);
    cJSON_Delete(doc);
    buf_clear(&b);
    cJSON_Delete(all);
}

int main(void)
{
    mem_install_cjson_hooks();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(batches_should_follow_batch_size),
        cmocka_unit_test(retries_should_end_in_the_on_failure_destination),
        cmocka_unit_test(bisect_should_isolate_the_poison_record),
        cmocka_unit_test(partial_response_should_retry_from_the_failed_record),
        cmocka_unit_test(partial_response_should_be_ignored_when_not_enabled),
        cmocka_unit_test(unknown_item_identifier_should_fail_the_batch),
        cmocka_unit_test(error_message_response_should_be_a_function_error),
        cmocka_unit_test(old_records_should_be_given_up_by_age),
        cmocka_unit_test(responses_should_read_as_lambda_reads_them),
        cmocka_unit_test(lanes_should_keep_a_key_in_one_lane),
        cmocka_unit_test(filters_should_match_lambda_patterns),
        cmocka_unit_test(bad_filters_should_be_refused),
        cmocka_unit_test(no_filter_should_match_everything),
        cmocka_unit_test(failure_document_should_carry_batch_info),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
