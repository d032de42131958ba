/* Query and Scan over real HTTP: sort key order for S, N and B keys, each
 * key condition operator in both directions, filters, projections, Select
 * COUNT, Limit and 1 MB pages resumed with ExclusiveStartKey until every
 * item came back exactly once, parallel scan segments that split the table
 * exactly, and every validation rule with AWS's exact type and message. */
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

/* Creates table name with hash key pk (S) and, when range_type is given, a
 * sort key sk of that type. */
static void create_table(const char *name, const char *range_type)
{
    char body[1024];
    if (range_type)
        snprintf(body, sizeof body,
                 "{\"TableName\":\"%s\",\"BillingMode\":\"PAY_PER_REQUEST\","
                 "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
                 "\"AttributeType\":\"S\"},{\"AttributeName\":\"sk\","
                 "\"AttributeType\":\"%s\"}],\"KeySchema\":[{"
                 "\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{"
                 "\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}]}",
                 name, range_type);
    else
        snprintf(body, sizeof body,
                 "{\"TableName\":\"%s\",\"BillingMode\":\"PAY_PER_REQUEST\","
                 "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
                 "\"AttributeType\":\"S\"}],\"KeySchema\":[{"
                 "\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}]}",
                 name);
    ok_free("CreateTable", body);
}

static void put(const char *table, const char *item)
{
    size_t n = strlen(item) + 256;
    char *body = malloc(n);
    snprintf(body, n, "{\"TableName\":\"%s\",\"Item\":%s}", table, item);
    ok_free("PutItem", body);
    free(body);
}

/* "a,b,c": the payloads of attribute name's values in the response's
 * Items, in order ("-" for an item without it). */
static void item_values(const cJSON *items, const char *name, char *out,
                        size_t outlen)
{
    size_t used = 0;
    const cJSON *item;
    out[0] = '\0';
    cJSON_ArrayForEach(item, items) {
        const cJSON *av = cJSON_GetObjectItemCaseSensitive(item, name);
        const char *v = av && av->child && cJSON_IsString(av->child)
                            ? av->child->valuestring : "-";
        used += (size_t)snprintf(out + used, outlen - used, "%s%s",
                                 used ? "," : "", v);
        assert_true(used < outlen);
    }
}

static long count_of(const struct response *r, const char *member)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->json, member);
    assert_true(cJSON_IsNumber(v));
    return (long)v->valuedouble;
}

/* Runs a read and checks the sk values it returns, in order. */
static void expect_sks(const char *op, const char *body, const char *want)
{
    char got[4096];
    struct response r = ok(op, body);
    item_values(cJSON_GetObjectItemCaseSensitive(r.json, "Items"), "sk", got,
                sizeof got);
    if (strcmp(got, want) != 0)
        print_error("%s\n  got  %s\n  want %s\n", body, got, want);
    assert_string_equal(got, want);
    response_free(&r);
}

/* A query of partition p on table t with the range condition cond (":v"
 * and ":w" bound to the values v and w, each may be NULL) and
 * ScanIndexForward. */
static void query_body(char *out, size_t n, const char *t, const char *cond,
                       const char *v, const char *w, int is_forward)
{
    snprintf(out, n,
             "{\"TableName\":\"%s\",\"KeyConditionExpression\":\"pk = :p%s%s\","
             "\"ExpressionAttributeValues\":{\":p\":{\"S\":\"p\"}%s%s%s%s},"
             "\"ScanIndexForward\":%s}",
             t, cond ? " AND " : "", cond ? cond : "", v ? ",\":v\":" : "",
             v ? v : "", w ? ",\":w\":" : "", w ? w : "",
             is_forward ? "true" : "false");
}

struct order_row {
    const char *name;
    const char *type;
    const char *const *puts; /* sk values, in put order */
    const char *sorted;      /* the sk payloads in DynamoDB order */
    const char *reversed;
};

static void query_should_return_sort_keys_in_dynamodb_order(void **state)
{
    (void)state;
    static const char *const strings[] = {
        "{\"S\":\"z\"}", "{\"S\":\"\\u00e9\"}", "{\"S\":\"a\"}",
        "{\"S\":\"B\"}", "{\"S\":\"\\u65e5\\u672c\"}", "{\"S\":\"aa\"}",
        "{\"S\":\"~\"}", "{\"S\":\"\\u00e4\"}", NULL };
    static const char *const numbers[] = {
        "{\"N\":\"10\"}", "{\"N\":\"-2.5\"}", "{\"N\":\"0\"}",
        "{\"N\":\"-100\"}", "{\"N\":\"9\"}", "{\"N\":\"0.001\"}",
        "{\"N\":\"1e3\"}", "{\"N\":\"-1\"}", "{\"N\":\"1\"}",
        "{\"N\":\"0.00001\"}", "{\"N\":\"-0.5\"}", NULL };
    /* 00, 0001, 01, 7f, 80, ff, ff00 */
    static const char *const blobs[] = {
        "{\"B\":\"/wA=\"}", "{\"B\":\"AA==\"}", "{\"B\":\"gA==\"}",
        "{\"B\":\"AQ==\"}", "{\"B\":\"/w==\"}", "{\"B\":\"AAE=\"}",
        "{\"B\":\"fw==\"}", NULL };
    static const struct order_row rows[] = {
        { "strings by UTF-8 bytes", "S", strings,
          "B,a,aa,z,~,\xc3\xa4,\xc3\xa9,\xe6\x97\xa5\xe6\x9c\xac",
          "\xe6\x97\xa5\xe6\x9c\xac,\xc3\xa9,\xc3\xa4,~,z,aa,a,B" },
        { "numbers by value, negatives first", "N", numbers,
          "-100,-2.5,-1,-0.5,0,0.00001,0.001,1,9,10,1000",
          "1000,10,9,1,0.001,0.00001,0,-0.5,-1,-2.5,-100" },
        { "binary by unsigned bytes", "B", blobs,
          "AA==,AAE=,AQ==,fw==,gA==,/w==,/wA=",
          "/wA=,/w==,gA==,fw==,AQ==,AAE=,AA==" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char table[64], item[256], body[1024];
        snprintf(table, sizeof table, "order%zu", i);
        create_table(table, rows[i].type);
        for (size_t j = 0; rows[i].puts[j]; j++) {
            snprintf(item, sizeof item, "{\"pk\":{\"S\":\"p\"},\"sk\":%s}",
                     rows[i].puts[j]);
            put(table, item);
            snprintf(item, sizeof item, "{\"pk\":{\"S\":\"q\"},\"sk\":%s}",
                     rows[i].puts[j]);
            put(table, item);
        }
        query_body(body, sizeof body, table, NULL, NULL, NULL, 1);
        expect_sks("Query", body, rows[i].sorted);
        query_body(body, sizeof body, table, NULL, NULL, NULL, 0);
        expect_sks("Query", body, rows[i].reversed);
    }
}

struct op_row {
    const char *table; /* "num", "str" or "bin" */
    const char *cond;
    const char *v;
    const char *w;
    const char *forward;
};

static void query_should_apply_each_key_operator(void **state)
{
    (void)state;
    static const struct op_row rows[] = {
        { "num", NULL, NULL, NULL, "1,2,3,4,5,6,7,8,9,10" },
        { "num", "sk = :v", "{\"N\":\"5\"}", NULL, "5" },
        { "num", "sk = :v", "{\"N\":\"5.5\"}", NULL, "" },
        { "num", "sk < :v", "{\"N\":\"3\"}", NULL, "1,2" },
        { "num", "sk <= :v", "{\"N\":\"3\"}", NULL, "1,2,3" },
        { "num", "sk > :v", "{\"N\":\"8\"}", NULL, "9,10" },
        { "num", "sk >= :v", "{\"N\":\"8\"}", NULL, "8,9,10" },
        { "num", ":v < sk", "{\"N\":\"8\"}", NULL, "9,10" },
        { "num", ":v >= sk", "{\"N\":\"2\"}", NULL, "1,2" },
        { "num", "sk BETWEEN :v AND :w", "{\"N\":\"3\"}", "{\"N\":\"5\"}",
          "3,4,5" },
        { "num", "sk BETWEEN :v AND :w", "{\"N\":\"3.5\"}",
          "{\"N\":\"3.6\"}", "" },
        { "str", "begins_with(sk, :v)", "{\"S\":\"ab\"}", NULL,
          "ab,abc,abd" },
        { "str", "begins_with(sk, :v)", "{\"S\":\"b\"}", NULL, "b" },
        { "str", "begins_with(sk, :v)", "{\"S\":\"x\"}", NULL, "" },
        { "str", "sk > :v", "{\"S\":\"ab\"}", NULL, "abc,abd,ac,b" },
        { "bin", "begins_with(sk, :v)", "{\"B\":\"/w==\"}", NULL,
          "/w==,/wA=,//8=" },
        { "bin", "begins_with(sk, :v)", "{\"B\":\"AA==\"}", NULL,
          "AA==" },
    };
    static const char *const strs[] = { "b", "abd", "a", "ac", "abc", "ab",
                                        NULL };
    static const char *const bins[] = { "AA==", "/w==", "/wA=", "//8=",
                                        "fw==", NULL };
    char item[256], body[1024];
    create_table("num", "N");
    create_table("str", "S");
    create_table("bin", "B");
    for (int i = 10; i >= 1; i--) {
        snprintf(item, sizeof item,
                 "{\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"%d\"}}", i);
        put("num", item);
        snprintf(item, sizeof item,
                 "{\"pk\":{\"S\":\"other\"},\"sk\":{\"N\":\"%d\"}}", i);
        put("num", item);
    }
    for (size_t i = 0; strs[i]; i++) {
        snprintf(item, sizeof item,
                 "{\"pk\":{\"S\":\"p\"},\"sk\":{\"S\":\"%s\"}}", strs[i]);
        put("str", item);
    }
    for (size_t i = 0; bins[i]; i++) {
        snprintf(item, sizeof item,
                 "{\"pk\":{\"S\":\"p\"},\"sk\":{\"B\":\"%s\"}}", bins[i]);
        put("bin", item);
    }
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char reversed[256] = "";
        const char *p = rows[i].forward + strlen(rows[i].forward);
        /* The backward order is the forward one reversed. */
        while (p > rows[i].forward) {
            const char *end = p;
            while (p > rows[i].forward && p[-1] != ',')
                p--;
            size_t used = strlen(reversed);
            snprintf(reversed + used, sizeof reversed - used, "%s%.*s",
                     used ? "," : "", (int)(end - p), p);
            if (p > rows[i].forward)
                p--;
        }
        query_body(body, sizeof body, rows[i].table, rows[i].cond, rows[i].v,
                   rows[i].w, 1);
        expect_sks("Query", body, rows[i].forward);
        query_body(body, sizeof body, rows[i].table, rows[i].cond, rows[i].v,
                   rows[i].w, 0);
        expect_sks("Query", body, reversed);
    }
}

static void query_should_filter_project_and_count(void **state)
{
    (void)state;
    char item[256];
    create_table("tbl", "N");
    for (int i = 1; i <= 6; i++) {
        snprintf(item, sizeof item,
                 "{\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"%d\"},"
                 "\"n\":{\"N\":\"%d\"},\"odd\":{\"BOOL\":%s},"
                 "\"tag\":{\"S\":\"t%d\"}}",
                 i, i * 10, i % 2 ? "true" : "false", i);
        put("tbl", item);
    }
    struct response r = ok("Query",
        "{\"TableName\":\"tbl\",\"KeyConditionExpression\":\"pk = :p\","
        "\"FilterExpression\":\"n > :min AND odd = :t\","
        "\"ProjectionExpression\":\"#t, sk\","
        "\"ExpressionAttributeNames\":{\"#t\":\"tag\"},"
        "\"ExpressionAttributeValues\":{\":p\":{\"S\":\"p\"},"
        "\":min\":{\"N\":\"20\"},\":t\":{\"BOOL\":true}}}");
    cJSON *want = cJSON_Parse(
        "{\"Count\":2,\"Items\":[{\"tag\":{\"S\":\"t3\"},\"sk\":{\"N\":\"3\"}},"
        "{\"tag\":{\"S\":\"t5\"},\"sk\":{\"N\":\"5\"}}],\"ScannedCount\":6}");
    if (!cJSON_Compare(want, r.json, 1))
        print_error("got %s\n", r.body);
    assert_true(cJSON_Compare(want, r.json, 1));
    cJSON_Delete(want);
    response_free(&r);

    r = ok("Query",
           "{\"TableName\":\"tbl\",\"KeyConditionExpression\":\"pk = :p\","
           "\"FilterExpression\":\"odd = :t\",\"Select\":\"COUNT\","
           "\"ExpressionAttributeValues\":{\":p\":{\"S\":\"p\"},"
           "\":t\":{\"BOOL\":false}}}");
    assert_string_equal(r.body, "{\"Count\":3,\"ScannedCount\":6}");
    response_free(&r);

    r = ok("Scan", "{\"TableName\":\"tbl\",\"Select\":\"SPECIFIC_ATTRIBUTES\","
                   "\"ProjectionExpression\":\"n\",\"Limit\":2}");
    assert_string_equal(r.body,
                        "{\"Count\":2,\"Items\":[{\"n\":{\"N\":\"10\"}},"
                        "{\"n\":{\"N\":\"20\"}}],\"LastEvaluatedKey\":{"
                        "\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"2\"}},"
                        "\"ScannedCount\":2}");
    response_free(&r);

    /* An empty table answers an empty page. */
    create_table("empty", NULL);
    r = ok("Scan", "{\"TableName\":\"empty\"}");
    assert_string_equal(r.body,
                        "{\"Count\":0,\"Items\":[],\"ScannedCount\":0}");
    response_free(&r);
}

/* Reads every page of op with base (a JSON object missing its closing
 * brace), marking each returned item's "id" number in seen; returns the
 * number of pages. Fails on an item returned twice. */
static int read_all(const char *op, const char *base, int *seen, int n_seen,
                    long *scanned_max)
{
    char *start = NULL;
    int pages = 0;
    *scanned_max = 0;
    for (;;) {
        size_t n = strlen(base) + (start ? strlen(start) : 0) + 64;
        char *body = malloc(n);
        if (start)
            snprintf(body, n, "%s,\"ExclusiveStartKey\":%s}", base, start);
        else
            snprintf(body, n, "%s}", base);
        struct response r = ok(op, body);
        free(body);
        free(start);
        start = NULL;
        pages++;
        long scanned = count_of(&r, "ScannedCount");
        if (scanned > *scanned_max)
            *scanned_max = scanned;
        const cJSON *item;
        cJSON_ArrayForEach(item,
                           cJSON_GetObjectItemCaseSensitive(r.json, "Items")) {
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
            int k = atoi(cJSON_GetObjectItemCaseSensitive(id, "N")
                             ->valuestring);
            assert_true(k >= 0 && k < n_seen);
            if (seen[k]++)
                print_error("item %d returned twice\n", k);
            assert_int_equal(seen[k], 1);
        }
        const cJSON *last =
            cJSON_GetObjectItemCaseSensitive(r.json, "LastEvaluatedKey");
        if (last)
            start = cJSON_PrintUnformatted(last);
        response_free(&r);
        if (start == NULL)
            return pages;
        assert_true(pages < 1000);
    }
}

struct paging_row {
    const char *name;
    const char *op;
    const char *base;
    int want_odd_only; /* the filter keeps odd ids only */
};

static void limit_pages_should_return_every_item_exactly_once(void **state)
{
    (void)state;
    static const struct paging_row rows[] = {
        { "query forward", "Query",
          "{\"TableName\":\"tbl\",\"KeyConditionExpression\":\"pk = :p\","
          "\"ExpressionAttributeValues\":{\":p\":{\"S\":\"p\"}},\"Limit\":4",
          0 },
        { "query backward with a filter", "Query",
          "{\"TableName\":\"tbl\",\"KeyConditionExpression\":\"pk = :p\","
          "\"FilterExpression\":\"odd = :t\",\"ScanIndexForward\":false,"
          "\"ExpressionAttributeValues\":{\":p\":{\"S\":\"p\"},"
          "\":t\":{\"BOOL\":true}},\"Limit\":3", 1 },
        { "query with a range condition", "Query",
          "{\"TableName\":\"tbl\",\"KeyConditionExpression\":\"pk = :p AND "
          "sk >= :z\",\"ExpressionAttributeValues\":{\":p\":{\"S\":\"p\"},"
          "\":z\":{\"N\":\"-1000\"}},\"Limit\":7", 0 },
        { "scan", "Scan", "{\"TableName\":\"tbl\",\"Limit\":5", 0 },
        { "scan with a filter", "Scan",
          "{\"TableName\":\"tbl\",\"FilterExpression\":\"odd = :t\","
          "\"ExpressionAttributeValues\":{\":t\":{\"BOOL\":true}},"
          "\"Limit\":1", 1 },
    };
    enum { N = 25 };
    char item[256];
    create_table("tbl", "N");
    for (int i = 0; i < N; i++) {
        snprintf(item, sizeof item,
                 "{\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"%d\"},"
                 "\"id\":{\"N\":\"%d\"},\"odd\":{\"BOOL\":%s}}",
                 i - 12, i, i % 2 ? "true" : "false");
        put("tbl", item);
    }
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int seen[N] = { 0 };
        long scanned_max;
        read_all(rows[i].op, rows[i].base, seen, N, &scanned_max);
        for (int k = 0; k < N; k++) {
            int want = rows[i].want_odd_only ? k % 2 : 1;
            if (seen[k] != want)
                print_error("%s: item %d seen %d times\n", rows[i].name, k,
                            seen[k]);
            assert_int_equal(seen[k], want);
        }
    }
}

static void pages_should_stop_at_one_megabyte_of_items(void **state)
{
    (void)state;
    static const char *const bases[] = {
        "{\"TableName\":\"big\",\"KeyConditionExpression\":\"pk = :p\","
        "\"ExpressionAttributeValues\":{\":p\":{\"S\":\"p\"}}",
        "{\"TableName\":\"big\",\"KeyConditionExpression\":\"pk = :p\","
        "\"ProjectionExpression\":\"id\",\"FilterExpression\":\"id < :z\","
        "\"ExpressionAttributeValues\":{\":p\":{\"S\":\"p\"},"
        "\":z\":{\"N\":\"0\"}}",
        "{\"TableName\":\"big\"",
    };
    enum { N = 25, PAD = 100 * 1024 };
    char *pad = malloc(PAD + 1);
    memset(pad, 'x', PAD);
    pad[PAD] = '\0';
    create_table("big", "N");
    for (int i = 0; i < N; i++) {
        size_t n = PAD + 256;
        char *item = malloc(n);
        snprintf(item, n,
                 "{\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"%d\"},"
                 "\"id\":{\"N\":\"%d\"},\"pad\":{\"S\":\"%s\"}}",
                 i, i, pad);
        put("big", item);
        free(item);
    }
    free(pad);
    for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) {
        int seen[N] = { 0 };
        long scanned_max;
        int pages = read_all(strstr(bases[i], "KeyCondition") ? "Query"
                                                              : "Scan",
                             bases[i], seen, N, &scanned_max);
        /* 100 KB items: the eleventh reaches 1 MB and ends the page, so
         * the 25 items take three pages whatever the filter keeps. */
        assert_int_equal(pages, 3);
        assert_int_equal(scanned_max, 11);
        for (int k = 0; k < N; k++)
            assert_int_equal(seen[k], i == 1 ? 0 : 1);
    }
}

static void parallel_scan_segments_should_split_the_table_exactly(
    void **state)
{
    (void)state;
    static const int totals[] = { 1, 2, 3, 7, 16, 1000000 };
    enum { N = 150 };
    char item[256];
    create_table("seg", NULL);
    for (int i = 0; i < N; i++) {
        snprintf(item, sizeof item,
                 "{\"pk\":{\"S\":\"key-%d\"},\"id\":{\"N\":\"%d\"}}", i, i);
        put("seg", item);
    }
    for (size_t i = 0; i < sizeof totals / sizeof totals[0]; i++) {
        int seen[N] = { 0 };
        int segments = totals[i] > 16 ? 3 : totals[i];
        for (int s = 0; s < segments; s++) {
            char base[256];
            long scanned_max;
            /* For the million-segment case, the first, a middle and the
             * last segment: each holds nothing or next to nothing. */
            int seg = totals[i] > 16 ? (s == 0 ? 0 : s == 1 ? 500000
                                                           : 999999)
                                     : s;
            snprintf(base, sizeof base,
                     "{\"TableName\":\"seg\",\"Segment\":%d,"
                     "\"TotalSegments\":%d,\"Limit\":10", seg, totals[i]);
            read_all("Scan", base, seen, N, &scanned_max);
        }
        if (totals[i] > 16)
            continue;
        for (int k = 0; k < N; k++)
            assert_int_equal(seen[k], 1);
    }
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

#define KC "\"KeyConditionExpression\":\"pk = :p\""
#define PV "\"ExpressionAttributeValues\":{\":p\":{\"S\":\"p\"}}"
#define V "ValidationException"

static void query_should_refuse_invalid_requests_as_aws_does(void **state)
{
    (void)state;
    static const struct error_row rows[] = {
        { "missing table", "Query",
          "{\"TableName\":\"nope\"," KC "," PV "}",
          "ResourceNotFoundException", "Requested resource not found" },
        { "limit zero", "Query",
          "{\"TableName\":\"tbl\"," KC "," PV ",\"Limit\":0}", V,
          "1 validation error detected: Value '0' at 'limit' failed to "
          "satisfy constraint: Member must have value greater than or equal "
          "to 1" },
        { "select in lower case", "Query",
          "{\"TableName\":\"tbl\"," KC "," PV ",\"Select\":\"count\"}", V,
          "1 validation error detected: Value 'count' at 'select' failed to "
          "satisfy constraint: Member must satisfy enum value set: "
          "[SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, "
          "ALL_PROJECTED_ATTRIBUTES]" },
        { "all attributes with a projection", "Query",
          "{\"TableName\":\"tbl\"," KC "," PV ",\"Select\":\"ALL_ATTRIBUTES\","
          "\"ProjectionExpression\":\"a\"}", V,
          "1 validation error detected: Cannot specify the "
          "ProjectionExpression when choosing to get ALL_ATTRIBUTES" },
        { "count with a projection", "Query",
          "{\"TableName\":\"tbl\"," KC "," PV ",\"Select\":\"COUNT\","
          "\"ProjectionExpression\":\"a\"}", V,
          "1 validation error detected: Cannot specify the "
          "ProjectionExpression when choosing to get only the Count" },
        { "specific attributes without a projection", "Query",
          "{\"TableName\":\"tbl\"," KC "," PV ","
          "\"Select\":\"SPECIFIC_ATTRIBUTES\"}", V,
          "1 validation error detected: Must specify the AttributesToGet or "
          "ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES" },
        { "all projected attributes without an index", "Query",
          "{\"TableName\":\"tbl\"," KC "," PV ","
          "\"Select\":\"ALL_PROJECTED_ATTRIBUTES\"}", V,
          "1 validation error detected: ALL_PROJECTED_ATTRIBUTES can be used "
          "only when Querying using an IndexName" },
        { "limit and select together", "Query",
          "{\"TableName\":\"tbl\"," KC "," PV ",\"Limit\":-3,"
          "\"Select\":\"SPECIFIC_ATTRIBUTES\"}", V,
          "2 validation errors detected: Value '-3' at 'limit' failed to "
          "satisfy constraint: Member must have value greater than or equal "
          "to 1; Must specify the AttributesToGet or ProjectionExpression "
          "when choosing to get SPECIFIC_ATTRIBUTES" },
        { "unknown index", "Query",
          "{\"TableName\":\"tbl\",\"IndexName\":\"by-x\"," KC "," PV "}", V,
          "The table does not have the specified index: by-x" },
        { "no key condition", "Query", "{\"TableName\":\"tbl\"}", V,
          "Either the KeyConditions or KeyConditionExpression parameter "
          "must be specified in the request." },
        { "empty legacy key conditions", "Query",
          "{\"TableName\":\"tbl\",\"KeyConditions\":{}}", V,
          "Conditions can be of length 1 or 2 only" },
        { "no hash key", "Query",
          "{\"TableName\":\"tbl\",\"KeyConditionExpression\":\"sk = :p\","
          "\"ExpressionAttributeValues\":{\":p\":{\"N\":\"1\"}}}", V,
          "Query condition missed key schema element: pk" },
        { "hash key by range", "Query",
          "{\"TableName\":\"tbl\",\"KeyConditionExpression\":\"pk > :p\"," PV
          "}", V, "Query key condition not supported" },
        { "hash value of another type", "Query",
          "{\"TableName\":\"tbl\"," KC ","
          "\"ExpressionAttributeValues\":{\":p\":{\"N\":\"1\"}}}", V,
          "One or more parameter values were invalid: Condition parameter "
          "type does not match schema type" },
        { "range value of another type", "Query",
          "{\"TableName\":\"tbl\",\"KeyConditionExpression\":\"pk = :p AND "
          "sk < :v\",\"ExpressionAttributeValues\":{\":p\":{\"S\":\"p\"},"
          "\":v\":{\"S\":\"1\"}}}", V,
          "One or more parameter values were invalid: Condition parameter "
          "type does not match schema type" },
        { "begins_with a string on a number key", "Query",
          "{\"TableName\":\"tbl\",\"KeyConditionExpression\":\"pk = :p AND "
          "begins_with(sk, :v)\",\"ExpressionAttributeValues\":{"
          "\":p\":{\"S\":\"p\"},\":v\":{\"S\":\"1\"}}}", V,
          "One or more parameter values were invalid: Condition parameter "
          "type does not match schema type" },
        { "filter on the hash key", "Query",
          "{\"TableName\":\"tbl\"," KC ",\"FilterExpression\":\"pk = :p\"," PV
          "}", V,
          "Filter Expression can only contain non-primary key attributes: "
          "Primary key attribute: pk" },
        { "filter on a nested path of the range key", "Query",
          "{\"TableName\":\"tbl\"," KC ",\"FilterExpression\":"
          "\"attribute_exists(#s.x)\",\"ExpressionAttributeNames\":{"
          "\"#s\":\"sk\"}," PV "}", V,
          "Filter Expression can only contain non-primary key attributes: "
          "Primary key attribute: sk" },
        { "start key naming other attributes", "Query",
          "{\"TableName\":\"tbl\"," KC "," PV ",\"ExclusiveStartKey\":{"
          "\"pk\":{\"S\":\"p\"},\"x\":{\"N\":\"1\"}}}", V,
          "The provided starting key is invalid" },
        { "start key missing the range key", "Query",
          "{\"TableName\":\"tbl\"," KC "," PV ",\"ExclusiveStartKey\":{"
          "\"pk\":{\"S\":\"p\"}}}", V,
          "The provided starting key is invalid" },
        { "start key of other types", "Query",
          "{\"TableName\":\"tbl\"," KC "," PV ",\"ExclusiveStartKey\":{"
          "\"pk\":{\"S\":\"p\"},\"sk\":{\"S\":\"1\"}}}", V,
          "The provided key element does not match the schema" },
        { "start key in another partition", "Query",
          "{\"TableName\":\"tbl\"," KC "," PV ",\"ExclusiveStartKey\":{"
          "\"pk\":{\"S\":\"q\"},\"sk\":{\"N\":\"1\"}}}", V,
          "The provided starting key is outside query boundaries based on "
          "provided conditions" },
        { "start key outside the range condition", "Query",
          "{\"TableName\":\"tbl\",\"KeyConditionExpression\":\"pk = :p AND "
          "sk > :v\",\"ExpressionAttributeValues\":{\":p\":{\"S\":\"p\"},"
          "\":v\":{\"N\":\"5\"}},\"ExclusiveStartKey\":{"
          "\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"5\"}}}", V,
          "The provided starting key does not match the range key "
          "predicate" },
        { "start key in range but another partition", "Query",
          "{\"TableName\":\"tbl\",\"KeyConditionExpression\":\"pk = :p AND "
          "sk > :v\",\"ExpressionAttributeValues\":{\":p\":{\"S\":\"p\"},"
          "\":v\":{\"N\":\"5\"}},\"ExclusiveStartKey\":{"
          "\"pk\":{\"S\":\"q\"},\"sk\":{\"N\":\"6\"}}}", V,
          "The query can return at most one row and cannot be restarted" },
        { "limit of the wrong JSON type", "Query",
          "{\"TableName\":\"tbl\"," KC "," PV ",\"Limit\":\"5\"}",
          "SerializationException",
          "Unexpected value type for member Limit: expected an integer" },
    };
    create_table("tbl", "N");
    check_error_rows(rows, sizeof rows / sizeof rows[0]);
}

static void scan_should_refuse_invalid_requests_as_aws_does(void **state)
{
    (void)state;
    static const struct error_row rows[] = {
        { "missing table", "Scan", "{\"TableName\":\"nope\"}",
          "ResourceNotFoundException", "Requested resource not found" },
        { "limit zero", "Scan", "{\"TableName\":\"tbl\",\"Limit\":0}", V,
          "1 validation error detected: Value '0' at 'limit' failed to "
          "satisfy constraint: Member must have value greater than or equal "
          "to 1" },
        { "segment without total", "Scan",
          "{\"TableName\":\"tbl\",\"Segment\":0}", V,
          "The TotalSegments parameter is required but was not present in "
          "the request when Segment parameter is present" },
        { "total without segment", "Scan",
          "{\"TableName\":\"tbl\",\"TotalSegments\":4}", V,
          "The Segment parameter is required but was not present in the "
          "request when parameter TotalSegments is present" },
        { "segment not below total", "Scan",
          "{\"TableName\":\"tbl\",\"Segment\":5,\"TotalSegments\":5}", V,
          "The Segment parameter is zero-based and must be less than "
          "parameter TotalSegments: Segment: 5 is not less than "
          "TotalSegments: 5" },
        { "total zero", "Scan",
          "{\"TableName\":\"tbl\",\"Segment\":0,\"TotalSegments\":0}", V,
          "1 validation error detected: Value '0' at 'totalSegments' failed "
          "to satisfy constraint: Member must have value greater than or "
          "equal to 1" },
        { "total above a million", "Scan",
          "{\"TableName\":\"tbl\",\"Segment\":0,\"TotalSegments\":1000001}", V,
          "1 validation error detected: Value '1000001' at 'totalSegments' "
          "failed to satisfy constraint: Member must have value less than or "
          "equal to 1000000" },
        { "negative segment", "Scan",
          "{\"TableName\":\"tbl\",\"Segment\":-1,\"TotalSegments\":2}", V,
          "1 validation error detected: Value '-1' at 'segment' failed to "
          "satisfy constraint: Member must have value greater than or equal "
          "to 0" },
        { "count with a projection", "Scan",
          "{\"TableName\":\"tbl\",\"Select\":\"COUNT\","
          "\"ProjectionExpression\":\"a\"}", V,
          "Cannot specify the ProjectionExpression when choosing to get "
          "only the Count" },
        { "specific attributes without a projection", "Scan",
          "{\"TableName\":\"tbl\",\"Select\":\"SPECIFIC_ATTRIBUTES\"}", V,
          "Must specify the AttributesToGet or ProjectionExpression when "
          "choosing to get SPECIFIC_ATTRIBUTES" },
        { "all projected attributes without an index", "Scan",
          "{\"TableName\":\"tbl\",\"Select\":\"ALL_PROJECTED_ATTRIBUTES\"}", V,
          "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an "
          "IndexName" },
        { "unknown index", "Scan",
          "{\"TableName\":\"tbl\",\"IndexName\":\"by-x\"}", V,
          "The table does not have the specified index: by-x" },
        { "legacy conditional operator without a filter", "Scan",
          "{\"TableName\":\"tbl\",\"ScanFilter\":{},"
          "\"ConditionalOperator\":\"AND\"}", V,
          "ConditionalOperator cannot be used without Filter or Expected" },
        { "start key naming other attributes", "Scan",
          "{\"TableName\":\"tbl\",\"ExclusiveStartKey\":{"
          "\"pk\":{\"S\":\"p\"}}}", V,
          "The provided starting key is invalid: The provided key element "
          "does not match the schema" },
        { "start key of other types", "Scan",
          "{\"TableName\":\"tbl\",\"ExclusiveStartKey\":{"
          "\"pk\":{\"N\":\"1\"},\"sk\":{\"N\":\"1\"}}}", V,
          "The provided starting key is invalid: The provided key element "
          "does not match the schema" },
        { "filter syntax", "Scan",
          "{\"TableName\":\"tbl\",\"FilterExpression\":\"a = = b\"}", V,
          "Invalid FilterExpression: Syntax error; token: \"=\", near: "
          "\"= = b\"" },
        { "values without expressions", "Scan",
          "{\"TableName\":\"tbl\",\"ExpressionAttributeValues\":{"
          "\":v\":{\"S\":\"x\"}}}", V,
          "ExpressionAttributeValues can only be specified when using "
          "expressions" },
    };
    create_table("tbl", "N");
    check_error_rows(rows, sizeof rows / sizeof rows[0]);
}

int main(void)
{
    client_start();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(
            query_should_return_sort_keys_in_dynamodb_order, reset),
        cmocka_unit_test_setup(query_should_apply_each_key_operator, reset),
        cmocka_unit_test_setup(query_should_filter_project_and_count, reset),
        cmocka_unit_test_setup(
            limit_pages_should_return_every_item_exactly_once, reset),
        cmocka_unit_test_setup(pages_should_stop_at_one_megabyte_of_items,
                               reset),
        cmocka_unit_test_setup(
            parallel_scan_segments_should_split_the_table_exactly, reset),
        cmocka_unit_test_setup(
            query_should_refuse_invalid_requests_as_aws_does, reset),
        cmocka_unit_test_setup(
            scan_should_refuse_invalid_requests_as_aws_does, reset),
    };
    return cmocka_run_group_tests_name("ddb_query", tests, NULL, NULL);
}
