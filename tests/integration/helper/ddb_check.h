/* Small assertions shared by the DynamoDB integration tests of batches,
 * transactions and TTL: a call that must succeed, a call that must fail
 * with an exact AWS error, JSON comparisons, and reading back every
 * record of a table's stream. Header-only (static functions), so each test
 * binary takes what it uses; include after <cmocka.h>. */
#ifndef DYNALAKE_TEST_DDB_CHECK_H
#define DYNALAKE_TEST_DDB_CHECK_H

#include "client.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* printf into a static buffer, for request bodies (one at a time). */
static inline const char *fmt(const char *f, ...)
    __attribute__((format(printf, 1, 2)));
static inline const char *fmt(const char *f, ...)
{
    static char out[256 * 1024];
    va_list ap;
    va_start(ap, f);
    vsnprintf(out, sizeof out, f, ap);
    va_end(ap);
    return out;
}

/* The call must answer 200 with a JSON body; the caller frees. */
static inline struct response ddb_ok(const char *op, const char *body)
{
    struct response r = client_ddb(op, body);
    if (r.status != 200)
        print_error("%s %.300s:\n  %ld %s\n", op, body, r.status, r.body);
    assert_int_equal(r.status, 200);
    assert_non_null(r.json);
    return r;
}

static inline void ddb_ok_free(const char *op, const char *body)
{
    struct response r = ddb_ok(op, body);
    response_free(&r);
}

/* The error message, "message" or "Message" as the error has it. */
static inline const char *any_message(const struct response *r)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(r->json, "message");
    if (m == NULL)
        m = cJSON_GetObjectItemCaseSensitive(r->json, "Message");
    return cJSON_IsString(m) ? m->valuestring : "";
}

/* The call must fail with 400, the __type's code and the message: exact,
 * or only its start and end when `middle` says AWS prints a value there
 * that cannot be matched byte for byte. */
static inline void ddb_err_split(const char *op, const char *body,
                                 const char *type, const char *start,
                                 const char *end)
{
    struct response r = client_ddb(op, body);
    const char *m = any_message(&r);
    size_t ml = strlen(m);
    bool ok = r.status == 400 && strcmp(response_error(&r), type) == 0 &&
              strncmp(m, start, strlen(start)) == 0 &&
              (end == NULL ? strcmp(m, start) == 0
                           : ml >= strlen(end) &&
                                 strcmp(m + ml - strlen(end), end) == 0);
    if (!ok)
        print_error("%s %.300s:\n  got %ld %s: %.300s...%s\n  want %s: "
                    "%s...%s\n", op, body, r.status, response_error(&r), m,
                    ml > 300 ? m + ml - 300 : "", type, start,
                    end ? end : "");
    response_free(&r);
    assert_true(ok);
}

static inline void ddb_err(const char *op, const char *body,
                           const char *type, const char *message)
{
    ddb_err_split(op, body, type, message, NULL);
}

/* Asserts that v equals the JSON text want. */
static inline void assert_json(const cJSON *v, const char *want)
{
    cJSON *expected = cJSON_Parse(want);
    assert_non_null(expected);
    bool is_equal = v && cJSON_Compare(expected, v, 1);
    if (!is_equal) {
        char *got = v ? cJSON_PrintUnformatted(v) : NULL;
        print_error("want %s\n got %s\n", want, got ? got : "(null)");
        free(got);
    }
    cJSON_Delete(expected);
    assert_true(is_equal);
}

static inline const cJSON *member(const cJSON *v, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(v, name);
}

/* An admin call that must answer 200; the caller frees. */
static inline struct response admin_ok(const char *path, const char *body)
{
    struct response r = client_raw("POST", path, NULL, body, strlen(body),
                                   0);
    if (r.status != 200)
        print_error("POST %s: %ld %s\n", path, r.status, r.body);
    assert_int_equal(r.status, 200);
    return r;
}

/* Every record of the table's current stream, oldest first, as a new
 * array (caller frees). */
static inline cJSON *stream_records(const char *table)
{
    struct response d = ddb_ok("DescribeTable",
                               fmt("{\"TableName\":\"%s\"}", table));
    const cJSON *arn = member(member(d.json, "Table"), "LatestStreamArn");
    assert_true(cJSON_IsString(arn));
    char *stream = strdup(arn->valuestring);
    response_free(&d);
    struct response s = client_streams(
        "DescribeStream", fmt("{\"StreamArn\":\"%s\"}", stream));
    assert_int_equal(s.status, 200);
    cJSON *all = cJSON_CreateArray();
    const cJSON *shard;
    cJSON_ArrayForEach(shard, member(member(s.json, "StreamDescription"),
                                     "Shards")) {
        struct response it = client_streams("GetShardIterator", fmt(
            "{\"StreamArn\":\"%s\",\"ShardId\":\"%s\",\"ShardIteratorType\":"
            "\"TRIM_HORIZON\"}", stream,
            member(shard, "ShardId")->valuestring));
        assert_int_equal(it.status, 200);
        struct response g = client_streams("GetRecords", fmt(
            "{\"ShardIterator\":\"%s\"}",
            member(it.json, "ShardIterator")->valuestring));
        assert_int_equal(g.status, 200);
        const cJSON *rec;
        cJSON_ArrayForEach(rec, member(g.json, "Records"))
            cJSON_AddItemToArray(all, cJSON_Duplicate(rec, 1));
        response_free(&g);
        response_free(&it);
    }
    response_free(&s);
    free(stream);
    return all;
}

#endif
