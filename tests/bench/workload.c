/* Workload rows and their request makers; see workload.h. DynamoDB items
 * are ~200 bytes by DynamoDB's size rule (attribute names plus values), so
 * that numbers compare with DESIGN.md's targets. */
#include "workload.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define DDB_JSON "application/x-amz-json-1.0"
#define DDB_TARGET(op) "DynamoDB_20120810." op

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

static void ddb_request(struct wl_request *r, const char *target)
{
    r->method = "POST";
    r->path = "/";
    r->query = "";
    r->content_type = DDB_JSON;
    r->target = target;
}

static void put_item(struct wl_state *st, struct wl_request *r, char prefix,
                     uint64_t key)
{
    ddb_request(r, DDB_TARGET("PutItem"));
    int n = snprintf(r->body, r->body_cap,
                     "{\"TableName\":\"%s\",\"Item\":{"
                     "\"pk\":{\"S\":\"%c%09llu\"},"
                     "\"n\":{\"N\":\"%llu\"},"
                     "\"data\":{\"S\":\"%s\"}}}",
                     st->table, prefix, (unsigned long long)key,
                     (unsigned long long)key, pad);
    r->body_len = n > 0 ? (size_t)n : 0;
}

static void get_item(struct wl_state *st, struct wl_request *r, uint64_t key)
{
    ddb_request(r, DDB_TARGET("GetItem"));
    int n = snprintf(r->body, r->body_cap,
                     "{\"TableName\":\"%s\",\"Key\":{"
                     "\"pk\":{\"S\":\"k%09llu\"}}}",
                     st->table, (unsigned long long)key);
    r->body_len = n > 0 ? (size_t)n : 0;
}

/* Fresh keys ("p…"), so every PutItem inserts and the table grows. */
static void next_put(struct wl_state *st, struct wl_request *r)
{
    put_item(st, r, 'p', st->next_key++);
}

/* The prefilled key space "k0…keys-1", in order. */
static void next_fill(struct wl_state *st, struct wl_request *r)
{
    put_item(st, r, 'k', st->next_key++ % (st->keys ? st->keys : 1));
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

static int call_ddb(struct wl_client *cl, const char *op, const char *body,
                    long *status, char *resp, size_t cap)
{
    struct wl_request r = { .body = cl->body, .body_cap = cl->body_cap };
    ddb_request(&r, op);
    int n = snprintf(r.body, r.body_cap, "%s", body);
    r.body_len = n > 0 ? (size_t)n : 0;
    return cl->call(cl->ctx, &r, status, resp, cap);
}

/* The table must be ACTIVE before the run; dynalite keeps new tables
 * CREATING for --createTableMs. */
static int wait_active(struct wl_state *st, struct wl_client *cl)
{
    char body[256], resp[4096];
    snprintf(body, sizeof body, "{\"TableName\":\"%s\"}", st->table);
    for (int i = 0; i < 200; i++) {
        long status = 0;
        if (call_ddb(cl, DDB_TARGET("DescribeTable"), body, &status, resp,
                     sizeof resp) < 0)
            return -1;
        if (status == 200 && strstr(resp, "\"TableStatus\":\"ACTIVE\""))
            return 0;
        usleep(10000);
    }
    fprintf(stderr, "loadgen: table %s never became ACTIVE\n", st->table);
    return -1;
}

/* A hash-key table; an existing one (ResourceInUseException) is reused. */
static int setup_ddb_table(struct wl_state *st, struct wl_client *cl)
{
    char body[512], resp[4096];
    long status = 0;
    snprintf(body, sizeof body,
             "{\"TableName\":\"%s\",\"BillingMode\":\"PAY_PER_REQUEST\","
             "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
             "\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":"
             "\"pk\",\"KeyType\":\"HASH\"}]}",
             st->table);
    if (call_ddb(cl, DDB_TARGET("CreateTable"), body, &status, resp,
                 sizeof resp) < 0)
        return -1;
    if (status != 200 && !strstr(resp, "ResourceInUseException")) {
        fprintf(stderr, "loadgen: CreateTable: %ld %s\n", status, resp);
        return -1;
    }
    return wait_active(st, cl);
}

static const struct workload rows[] = {
    { .name = "put", .service = "dynamodb",
      .summary = "PutItem of new ~200-byte items",
      .setup = setup_ddb_table, .next = next_put },
    { .name = "get", .service = "dynamodb",
      .summary = "GetItem of random keys among the prefilled ones",
      .setup = setup_ddb_table, .prefill = "fill", .next = next_get },
    { .name = "mixed", .service = "dynamodb",
      .summary = "3 GetItem : 1 PutItem (overwrite) over the prefilled keys",
      .setup = setup_ddb_table, .prefill = "fill", .next = next_mixed },
    { .name = "fill", .service = "dynamodb", .is_hidden = 1,
      .summary = "PutItem of keys 0..keys-1 in order (prefill)",
      .setup = setup_ddb_table, .next = next_fill },
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
