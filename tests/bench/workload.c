/* Workload rows and their request makers; see workload.h. DynamoDB items
 * are ~200 bytes by DynamoDB's size rule (attribute names plus values), so
 * that numbers compare with DESIGN.md's targets. Answers are read with
 * plain string searches: both targets write compact JSON and S3 XML. */
#include "workload.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DDB_JSON "application/x-amz-json-1.0"
#define DDB_TARGET(op) "DynamoDB_20120810." op
#define STREAMS_TARGET(op) "DynamoDBStreams_20120810." op
/* Items per BatchWriteItem: DynamoDB's maximum. */
#define BATCH_ITEMS 25
/* Items per Query partition and per Scan page. */
#define PARTITION_ITEMS 100
#define SCAN_PAGE 1000
/* Row-defined request kinds, so done() knows what it reads. */
enum { KIND_PLAIN, KIND_ITERATOR, KIND_RECORDS };

/* 180 bytes of filler: with "pk", a 10-byte key, "n", a number and "data"
 * the item is about 200 bytes. */
static const char pad[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123";

static uint64_t rng_next(struct wl_state *st)
{
    uint64_t x = st->rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    st->rng = x;
    return x;
}

static uint64_t random_key(struct wl_state *st)
{
    return st->keys ? rng_next(st) % st->keys : 0;
}

/* Appends to the request body; the buffers are sized for these rows. */
static void body_add(struct wl_request *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void body_add(struct wl_request *r, const char *fmt, ...)
{
    if (r->body_len >= r->body_cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(r->body + r->body_len, r->body_cap - r->body_len, fmt,
                      ap);
    va_end(ap);
    if (n > 0)
        r->body_len += (size_t)n < r->body_cap - r->body_len
                           ? (size_t)n
                           : r->body_cap - r->body_len - 1;
}

/* ---- reading answers ----------------------------------------------- */

/* The text after "key": (spaces skipped), or NULL. key is quoted. */
static const char *after_key(const char *resp, const char *key)
{
    const char *p = strstr(resp, key);
    if (p == NULL)
        return NULL;
    p += strlen(key);
    while (*p == ' ')
        p++;
    if (*p != ':')
        return NULL;
    p++;
    while (*p == ' ')
        p++;
    return p;
}

static uint64_t json_uint(const char *resp, const char *key)
{
    const char *p = after_key(resp, key);
    return p ? strtoull(p, NULL, 10) : 0;
}

/* Copies a JSON string value, escapes as they are (they go back into a
 * JSON body), into out. Returns 0, or -1 when absent or too long. */
static int json_string(const char *resp, const char *key, char *out,
                       size_t cap)
{
    const char *p = after_key(resp, key);
    if (p == NULL || *p != '"')
        return -1;
    p++;
    size_t n = 0;
    for (; *p && *p != '"'; p++) {
        if (*p == '\\' && p[1])
            out[n++] = *p++;
        if (n + 2 >= cap)
            return -1;
        out[n++] = *p;
    }
    out[n] = '\0';
    return *p == '"' ? 0 : -1;
}

/* Copies a JSON object value ({...}, strings respected) into out. */
static int json_object(const char *resp, const char *key, char *out,
                       size_t cap)
{
    const char *p = after_key(resp, key);
    if (p == NULL || *p != '{')
        return -1;
    int depth = 0, in_string = 0;
    const char *q = p;
    for (; *q; q++) {
        if (in_string) {
            if (*q == '\\' && q[1])
                q++;
            else if (*q == '"')
                in_string = 0;
        } else if (*q == '"') {
            in_string = 1;
        } else if (*q == '{') {
            depth++;
        } else if (*q == '}' && --depth == 0) {
            break;
        }
    }
    size_t n = (size_t)(q - p) + 1;
    if (*q != '}' || n >= cap)
        return -1;
    memcpy(out, p, n);
    out[n] = '\0';
    return 0;
}

/* The text between <tag> and </tag>, or -1. */
static int xml_text(const char *resp, const char *tag, char *out, size_t cap)
{
    char open[64], close[64];
    snprintf(open, sizeof open, "<%s>", tag);
    snprintf(close, sizeof close, "</%s>", tag);
    const char *p = strstr(resp, open);
    if (p == NULL)
        return -1;
    p += strlen(open);
    const char *e = strstr(p, close);
    if (e == NULL || (size_t)(e - p) >= cap)
        return -1;
    memcpy(out, p, (size_t)(e - p));
    out[e - p] = '\0';
    return 0;
}

static uint64_t count(const char *resp, const char *needle)
{
    uint64_t n = 0;
    size_t len = strlen(needle);
    for (const char *p = strstr(resp, needle); p; p = strstr(p + len, needle))
        n++;
    return n;
}

/* RFC 3986 encoding for a query value; SigV4 signs it this way. */
static void uri_encode(const char *in, char *out, size_t cap)
{
    static const char hexd[] = "0123456789ABCDEF";
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        if (n + 4 >= cap)
            break;
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
            (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
            *p == '.' || *p == '~') {
            out[n++] = (char)*p;
        } else {
            out[n++] = '%';
            out[n++] = hexd[*p >> 4];
            out[n++] = hexd[*p & 15];
        }
    }
    out[n] = '\0';
}

/* ---- DynamoDB requests ---------------------------------------------- */

static void ddb_request(struct wl_request *r, const char *target)
{
    r->method = "POST";
    r->path = "/";
    r->query = "";
    r->content_type = DDB_JSON;
    r->target = target;
    r->body_len = 0;
}

static void item_json(struct wl_request *r, char prefix, uint64_t key)
{
    body_add(r, "{\"pk\":{\"S\":\"%c%09llu\"},\"n\":{\"N\":\"%llu\"},"
             "\"data\":{\"S\":\"%s\"}}", prefix, (unsigned long long)key,
             (unsigned long long)key, pad);
}

static void put_item(struct wl_state *st, struct wl_request *r, char prefix,
                     uint64_t key)
{
    ddb_request(r, DDB_TARGET("PutItem"));
    body_add(r, "{\"TableName\":\"%s\",\"Item\":", st->table);
    item_json(r, prefix, key);
    body_add(r, "}");
}

static void get_item(struct wl_state *st, struct wl_request *r, uint64_t key)
{
    ddb_request(r, DDB_TARGET("GetItem"));
    body_add(r, "{\"TableName\":\"%s\",\"Key\":{\"pk\":{\"S\":\"k%09llu\"}}}",
             st->table, (unsigned long long)key);
}

/* Fresh keys ("p…"), so every PutItem inserts and the table grows. */
static void next_put(struct wl_state *st, struct wl_request *r)
{
    put_item(st, r, 'p', st->next_key++);
}

static void next_get(struct wl_state *st, struct wl_request *r)
{
    get_item(st, r, random_key(st));
}

/* Three reads to one overwrite, over the prefilled keys. */
static void next_mixed(struct wl_state *st, struct wl_request *r)
{
    uint64_t x = rng_next(st);
    uint64_t key = st->keys ? (x >> 2) % st->keys : 0;
    if ((x & 3) == 0)
        put_item(st, r, 'k', key);
    else
        get_item(st, r, key);
}

/* A BatchWriteItem of up to 25 items from key on, below end. */
static void batch_write(struct wl_state *st, struct wl_request *r,
                        char prefix, uint64_t key, uint64_t end, int ranged)
{
    ddb_request(r, DDB_TARGET("BatchWriteItem"));
    body_add(r, "{\"RequestItems\":{\"%s\":[", st->table);
    for (uint64_t i = 0; i < BATCH_ITEMS && key + i < end; i++) {
        uint64_t k = key + i;
        body_add(r, "%s{\"PutRequest\":{\"Item\":", i ? "," : "");
        if (ranged)
            body_add(r, "{\"pk\":{\"S\":\"q%05llu\"},\"sk\":{\"N\":\"%llu\"},"
                     "\"data\":{\"S\":\"%s\"}}",
                     (unsigned long long)(k / PARTITION_ITEMS),
                     (unsigned long long)(k % PARTITION_ITEMS), pad);
        else
            item_json(r, prefix, k);
        body_add(r, "}}");
    }
    body_add(r, "]}}");
}

/* Prefill: keys "k0…keys-1" in order, 25 per BatchWriteItem. */
static void next_fill(struct wl_state *st, struct wl_request *r)
{
    uint64_t end = st->keys ? st->keys : 1;
    batch_write(st, r, 'k', st->next_key % end, end, 0);
    st->next_key += BATCH_ITEMS;
}

/* Prefill of the Query table: partitions of 100 items. */
static void next_qfill(struct wl_state *st, struct wl_request *r)
{
    uint64_t end = st->keys ? st->keys : 1;
    batch_write(st, r, 'k', st->next_key % end, end, 1);
    st->next_key += BATCH_ITEMS;
}

/* 25 new items ("b…") per request. */
static void next_batchwrite(struct wl_state *st, struct wl_request *r)
{
    batch_write(st, r, 'b', st->next_key, UINT64_MAX, 0);
    st->next_key += BATCH_ITEMS;
}

static uint64_t done_batchwrite(struct wl_state *st,
                                const struct wl_request *req, long status,
                                const char *resp, size_t len)
{
    (void)st, (void)req, (void)len;
    /* Unprocessed items would show as a non-empty map. */
    return status == 200 && strstr(resp, "\"UnprocessedItems\":{}")
               ? BATCH_ITEMS
               : 0;
}

/* One whole partition of 100 items in one page. */
static void next_query(struct wl_state *st, struct wl_request *r)
{
    uint64_t parts = st->keys / PARTITION_ITEMS;
    uint64_t p = parts ? rng_next(st) % parts : 0;
    ddb_request(r, DDB_TARGET("Query"));
    body_add(r, "{\"TableName\":\"%s\",\"KeyConditionExpression\":"
             "\"pk = :p\",\"ExpressionAttributeValues\":{\":p\":{\"S\":"
             "\"q%05llu\"}}}", st->table, (unsigned long long)p);
}

static uint64_t done_count(struct wl_state *st, const struct wl_request *req,
                           long status, const char *resp, size_t len)
{
    (void)st, (void)req, (void)len;
    return status == 200 ? json_uint(resp, "\"Count\"") : 0;
}

/* Pages of 1000 items through the prefilled table, each slot on its own
 * pass; a pass starts over when LastEvaluatedKey is absent. */
static void next_scan(struct wl_state *st, struct wl_request *r)
{
    struct wl_cursor *c = &st->cursors[r->slot];
    ddb_request(r, DDB_TARGET("Scan"));
    body_add(r, "{\"TableName\":\"%s\",\"Limit\":%d", st->table, SCAN_PAGE);
    if (c->token[0])
        body_add(r, ",\"ExclusiveStartKey\":%s", c->token);
    body_add(r, "}");
}

static uint64_t done_scan(struct wl_state *st, const struct wl_request *req,
                          long status, const char *resp, size_t len)
{
    struct wl_cursor *c = &st->cursors[req->slot];
    if (status != 200 || json_object(resp, "\"LastEvaluatedKey\"", c->token,
                                     sizeof c->token) < 0)
        c->token[0] = '\0';
    return done_count(st, req, status, resp, len);
}

/* Stream drain: per slot, GetShardIterator (TRIM_HORIZON) on a shard, then
 * GetRecords (up to 1000) until a page comes back empty or the shard ends,
 * then the next shard. */
static void next_getrecords(struct wl_state *st, struct wl_request *r)
{
    struct wl_cursor *c = &st->cursors[r->slot];
    if (c->token[0] == '\0') {
        ddb_request(r, STREAMS_TARGET("GetShardIterator"));
        r->kind = KIND_ITERATOR;
        body_add(r, "{\"StreamArn\":\"%s\",\"ShardId\":\"%s\","
                 "\"ShardIteratorType\":\"TRIM_HORIZON\"}", st->stream_arn,
                 st->n_shards ? st->shards[c->shard % st->n_shards] : "");
        return;
    }
    ddb_request(r, STREAMS_TARGET("GetRecords"));
    r->kind = KIND_RECORDS;
    body_add(r, "{\"ShardIterator\":\"%s\"}", c->token);
}

static uint64_t done_getrecords(struct wl_state *st,
                                const struct wl_request *req, long status,
                                const char *resp, size_t len)
{
    (void)len;
    struct wl_cursor *c = &st->cursors[req->slot];
    if (status != 200) {
        c->token[0] = '\0';
        return 0;
    }
    if (req->kind == KIND_ITERATOR) {
        if (json_string(resp, "\"ShardIterator\"", c->token,
                        sizeof c->token) < 0)
            c->token[0] = '\0';
        return 0;
    }
    uint64_t n = count(resp, "\"eventID\"");
    if (n == 0 || json_string(resp, "\"NextShardIterator\"", c->token,
                              sizeof c->token) < 0) {
        c->token[0] = '\0';
        c->shard++;
    }
    return n;
}

static int call_ddb(struct wl_client *cl, const char *op, const char *body,
                    long *status, char *resp, size_t cap)
{
    struct wl_request r = { .body = cl->body, .body_cap = cl->body_cap };
    ddb_request(&r, op);
    body_add(&r, "%s", body);
    return cl->call(cl->ctx, &r, status, resp, cap);
}

/* The table must be ACTIVE before the run; dynalite keeps new tables
 * CREATING for --createTableMs. resp receives the last DescribeTable. */
static int wait_active(struct wl_state *st, struct wl_client *cl, char *resp,
                       size_t cap)
{
    char body[256];
    snprintf(body, sizeof body, "{\"TableName\":\"%s\"}", st->table);
    for (int i = 0; i < 200; i++) {
        long status = 0;
        if (call_ddb(cl, DDB_TARGET("DescribeTable"), body, &status, resp,
                     cap) < 0)
            return -1;
        if (status == 200 && strstr(resp, "\"TableStatus\":\"ACTIVE\""))
            return 0;
        usleep(10000);
    }
    fprintf(stderr, "loadgen: table %s never became ACTIVE\n", st->table);
    return -1;
}

/* Creates the table (an existing one, ResourceInUseException, is reused):
 * keys and extra are JSON members. */
static int create_table(struct wl_state *st, struct wl_client *cl,
                        const char *attrs, const char *keys,
                        const char *extra)
{
    char body[1024], resp[4096];
    long status = 0;
    snprintf(body, sizeof body,
             "{\"TableName\":\"%s\",\"BillingMode\":\"PAY_PER_REQUEST\","
             "\"AttributeDefinitions\":[%s],\"KeySchema\":[%s]%s}",
             st->table, attrs, keys, extra);
    if (call_ddb(cl, DDB_TARGET("CreateTable"), body, &status, resp,
                 sizeof resp) < 0)
        return -1;
    if (status != 200 && !strstr(resp, "ResourceInUseException")) {
        fprintf(stderr, "loadgen: CreateTable: %ld %s\n", status, resp);
        return -1;
    }
    return wait_active(st, cl, resp, sizeof resp);
}

#define HASH_ATTR "{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"}"
#define HASH_KEY "{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}"

static int setup_ddb_table(struct wl_state *st, struct wl_client *cl)
{
    return create_table(st, cl, HASH_ATTR, HASH_KEY, "");
}

/* pk (S) and sk (N): partitions of 100 items for Query. */
static int setup_query_table(struct wl_state *st, struct wl_client *cl)
{
    return create_table(st, cl,
                        HASH_ATTR ",{\"AttributeName\":\"sk\","
                                  "\"AttributeType\":\"N\"}",
                        HASH_KEY ",{\"AttributeName\":\"sk\","
                                 "\"KeyType\":\"RANGE\"}",
                        "");
}

static int setup_stream_table(struct wl_state *st, struct wl_client *cl)
{
    return create_table(st, cl, HASH_ATTR, HASH_KEY,
                        ",\"StreamSpecification\":{\"StreamEnabled\":true,"
                        "\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"}");
}

/* The table's stream and every shard it has. */
static int attach_stream(struct wl_state *st, struct wl_client *cl)
{
    static char resp[1 << 20];
    char body[768];
    long status = 0;
    if (wait_active(st, cl, resp, sizeof resp) < 0)
        return -1;
    if (json_string(resp, "\"LatestStreamArn\"", st->stream_arn,
                    sizeof st->stream_arn) < 0) {
        fprintf(stderr, "loadgen: table %s has no stream\n", st->table);
        return -1;
    }
    snprintf(body, sizeof body, "{\"StreamArn\":\"%s\"}", st->stream_arn);
    if (call_ddb(cl, STREAMS_TARGET("DescribeStream"), body, &status, resp,
                 sizeof resp) < 0)
        return -1;
    st->n_shards = 0;
    const char *key = "\"ShardId\":\"";
    for (const char *p = strstr(resp, key); p && st->n_shards < WL_MAX_SHARDS;
         p = strstr(p + 1, key)) {
        p += strlen(key);
        size_t n = strcspn(p, "\"");
        if (n >= sizeof st->shards[0])
            continue;
        memcpy(st->shards[st->n_shards], p, n);
        st->shards[st->n_shards++][n] = '\0';
    }
    if (status != 200 || st->n_shards == 0) {
        fprintf(stderr, "loadgen: DescribeStream: %ld %.300s\n", status,
                resp);
        return -1;
    }
    return 0;
}

/* ---- S3 requests ------------------------------------------------------ */

static void s3_request(struct wl_request *r, const char *method)
{
    r->method = method;
    r->path = r->path_buf;
    r->query = "";
    r->content_type = NULL;
    r->target = NULL;
    r->body_len = 0;
}

/* PutObject of the row's constant payload under key "k…" (prefix p). */
static void put_object(struct wl_state *st, struct wl_request *r, char prefix,
                       uint64_t key)
{
    s3_request(r, "PUT");
    snprintf(r->path_buf, sizeof r->path_buf, "/%s/%c%09llu", st->table,
             prefix, (unsigned long long)key);
    r->content_type = "application/octet-stream";
    r->body = st->object;
    r->body_len = st->object_len;
    r->payload_hash = st->object_hash;
}

static void next_s3put(struct wl_state *st, struct wl_request *r)
{
    put_object(st, r, 'p', st->next_key++);
}

static void next_s3fill(struct wl_state *st, struct wl_request *r)
{
    put_object(st, r, 'k', st->next_key++ % (st->keys ? st->keys : 1));
}

static void next_s3get(struct wl_state *st, struct wl_request *r)
{
    s3_request(r, "GET");
    snprintf(r->path_buf, sizeof r->path_buf, "/%s/k%09llu", st->table,
             (unsigned long long)random_key(st));
}

/* ListObjectsV2 pages of 1000 keys (the default), each slot on its own
 * pass over the bucket. */
static void next_s3list(struct wl_state *st, struct wl_request *r)
{
    struct wl_cursor *c = &st->cursors[r->slot];
    s3_request(r, "GET");
    snprintf(r->path_buf, sizeof r->path_buf, "/%s", st->table);
    r->query = r->query_buf;
    if (c->token[0] == '\0') {
        snprintf(r->query_buf, sizeof r->query_buf, "list-type=2");
        return;
    }
    char enc[WL_TOKEN_CAP * 3 + 1];
    uri_encode(c->token, enc, sizeof enc);
    snprintf(r->query_buf, sizeof r->query_buf,
             "continuation-token=%s&list-type=2", enc);
}

static uint64_t done_s3list(struct wl_state *st, const struct wl_request *req,
                            long status, const char *resp, size_t len)
{
    (void)len;
    struct wl_cursor *c = &st->cursors[req->slot];
    if (status != 200 || xml_text(resp, "NextContinuationToken", c->token,
                                  sizeof c->token) < 0)
        c->token[0] = '\0';
    return status == 200 ? count(resp, "<Contents>") : 0;
}

/* The bucket; one we own already (409) is reused. */
static int setup_bucket(struct wl_state *st, struct wl_client *cl)
{
    struct wl_request r = { .body = cl->body, .body_cap = cl->body_cap };
    char resp[4096];
    long status = 0;
    s3_request(&r, "PUT");
    snprintf(r.path_buf, sizeof r.path_buf, "/%s", st->table);
    if (cl->call(cl->ctx, &r, &status, resp, sizeof resp) < 0)
        return -1;
    if (status != 200 && !strstr(resp, "BucketAlreadyOwnedByYou")) {
        fprintf(stderr, "loadgen: CreateBucket: %ld %s\n", status, resp);
        return -1;
    }
    return 0;
}

static const struct workload rows[] = {
    { .name = "put", .service = "dynamodb", .peer = "dynalite",
      .summary = "PutItem of new ~200-byte items",
      .setup = setup_ddb_table, .next = next_put },
    { .name = "get", .service = "dynamodb", .peer = "dynalite",
      .summary = "GetItem of random keys among the prefilled ones",
      .setup = setup_ddb_table, .prefill = "fill", .next = next_get },
    { .name = "mixed", .service = "dynamodb", .peer = "dynalite",
      .summary = "3 GetItem : 1 PutItem (overwrite) over the prefilled keys",
      .setup = setup_ddb_table, .prefill = "fill", .next = next_mixed },
    { .name = "query", .service = "dynamodb", .peer = "dynalite",
      .summary = "Query of a random 100-item partition, one page of 100 "
                 "(items/s = 100 x req/s)",
      .keep_body = 1, .setup = setup_query_table, .prefill = "qfill",
      .next = next_query, .done = done_count },
    { .name = "scan", .service = "dynamodb", .peer = "dynalite",
      .summary = "Scan pages (Limit 1000) through the prefilled 10k items, "
                 "ExclusiveStartKey from the last page",
      .keys = 10000, .keep_body = 1, .setup = setup_ddb_table,
      .prefill = "fill", .next = next_scan, .done = done_scan },
    { .name = "batchwrite", .service = "dynamodb", .peer = "dynalite",
      .summary = "BatchWriteItem of 25 new ~200-byte items",
      .setup = setup_ddb_table, .next = next_batchwrite,
      .done = done_batchwrite },
    { .name = "getrecords", .service = "dynamodb",
      .summary = "drain a stream of the prefilled items: GetShardIterator "
                 "(TRIM_HORIZON), GetRecords until empty, again",
      .keep_body = 1, .setup = setup_stream_table, .attach = attach_stream,
      .prefill = "fill", .next = next_getrecords, .done = done_getrecords },
    { .name = "s3put", .service = "s3", .peer = "s3rver",
      .summary = "PutObject of 4 KiB under new keys",
      .object_size = 4096, .setup = setup_bucket, .next = next_s3put },
    { .name = "s3get", .service = "s3", .peer = "s3rver",
      .summary = "GetObject of 4 KiB, random among 1000 prefilled",
      .keys = 1000, .object_size = 4096, .setup = setup_bucket,
      .prefill = "s3fill", .next = next_s3get },
    { .name = "s3put1m", .service = "s3", .peer = "s3rver",
      .summary = "PutObject of 1 MiB under new keys",
      .object_size = 1 << 20, .setup = setup_bucket, .next = next_s3put },
    { .name = "s3list", .service = "s3", .peer = "s3rver",
      .summary = "ListObjectsV2 pages of 1000 through 10k keys, "
                 "continuation token from the last page",
      .keys = 10000, .object_size = 64, .keep_body = 1,
      .setup = setup_bucket, .prefill = "s3fill", .next = next_s3list,
      .done = done_s3list },
    { .name = "fill", .service = "dynamodb", .is_hidden = 1,
      .summary = "BatchWriteItem of keys 0..keys-1 in order (prefill)",
      .per_request = BATCH_ITEMS, .next = next_fill },
    { .name = "qfill", .service = "dynamodb", .is_hidden = 1,
      .summary = "BatchWriteItem of 100-item partitions (Query prefill)",
      .per_request = BATCH_ITEMS, .next = next_qfill },
    { .name = "s3fill", .service = "s3", .is_hidden = 1,
      .summary = "PutObject of keys 0..keys-1 in order (prefill)",
      .next = next_s3fill },
};

const struct workload *workload_find(const char *name)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        if (strcmp(rows[i].name, name) == 0)
            return &rows[i];
    }
    return NULL;
}

const struct workload *workload_at(size_t i)
{
    size_t seen = 0;
    for (size_t j = 0; j < sizeof rows / sizeof rows[0]; j++) {
        if (rows[j].is_hidden)
            continue;
        if (seen++ == i)
            return &rows[j];
    }
    return NULL;
}
