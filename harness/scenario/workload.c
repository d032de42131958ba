/* The seeded workload generator; see workload.h. A splitmix64 stream drives
 * every choice, requests are written as compact JSON text straight into a
 * buffer (no document is built: 100k operations are generated in well
 * under a second), and every AttributeValue number is a string: nothing
 * depends on the platform, the wall clock or the allocator. The generator
 * models no table state: a conditional write may fail, and the runner
 * treats that as an outcome. */
#include "scenario/workload.h"

#include "base/buf.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/mem.h"
#include "scenario/scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* With a range key, each hash key value holds this many items. */
#define WORKLOAD_ITEMS_PER_HASH 4

struct gen {
    uint64_t state;                      /* splitmix64 */
    const struct scenario_workload *w;
    const struct scenario_table *t;
    int64_t keys;
    int64_t hot_keys;
    int workers;
    int64_t t_ms;                        /* the current operation's time */
};

static uint64_t next(struct gen *g)
{
    uint64_t z = (g->state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static uint64_t below(struct gen *g, uint64_t n)
{
    return n ? next(g) % n : 0;
}

static double unit(struct gen *g)
{
    return (double)(next(g) >> 11) / (double)(UINT64_C(1) << 53);
}

/* ---- JSON text ---------------------------------------------------------
 *
 * Requests are written straight into one buffer as compact JSON, members in
 * the order cJSON_PrintUnformatted printed them when they were built as
 * documents (the bytes of a seed are pinned by test_workload). A value is
 * preceded by a comma unless it opens its object or array. */

static void sep(struct buf *b)
{
    char last = b->len ? b->data[b->len - 1] : '{';
    if (last != '{' && last != '[' && last != ':')
        buf_putc(b, ',');
}

static void put_string(struct buf *b, const char *s)
{
    json_write_string(b, s, strlen(s));
}

/* "name": (with its comma). */
static void key(struct buf *b, const char *name)
{
    sep(b);
    put_string(b, name);
    buf_putc(b, ':');
}

static void open_object(struct buf *b, const char *name)
{
    key(b, name);
    buf_putc(b, '{');
}

static void open_array(struct buf *b, const char *name)
{
    key(b, name);
    buf_putc(b, '[');
}

static void member_string(struct buf *b, const char *name, const char *value)
{
    key(b, name);
    put_string(b, value);
}

/* ---- AttributeValues --------------------------------------------------- */

/* {"type":"value"} as a member, or as an element when name is NULL. */
static void av(struct buf *b, const char *name, const char *type,
               const char *value)
{
    if (name)
        key(b, name);
    else
        sep(b);
    buf_putc(b, '{');
    member_string(b, type, value);
    buf_putc(b, '}');
}

static void av_bool(struct buf *b, const char *name, const char *type,
                    bool value)
{
    if (name)
        key(b, name);
    else
        sep(b);
    buf_putc(b, '{');
    key(b, type);
    buf_puts(b, value ? "true" : "false");
    buf_putc(b, '}');
}

static void put_base64(struct buf *b, const void *data, size_t len)
{
    sep(b);
    buf_putc(b, '"');
    crypto_base64_encode(data, len, b); /* no character needs escaping */
    buf_putc(b, '"');
}

static void av_b(struct buf *b, const char *name, const void *data,
                 size_t len)
{
    key(b, name);
    buf_puts(b, "{\"B\":");
    put_base64(b, data, len);
    buf_putc(b, '}');
}

/* Strings a lake must carry intact: accents, CJK, emoji, RTL, quotes. */
static const char *const texts[] = {
    "plain ascii", "Zoë Łódź", "東京都", "🚀 launch 🌍", "naïve café",
    "Ñandú", "שלום", "quote \" backslash \\ tab\t", "line\nbreak", "Ωμέγα",
};

/* A 38-digit number (DynamoDB's precision); negative half the time unless
 * is_positive. */
static void big_number(struct gen *g, bool is_positive, char *out,
                       size_t len)
{
    size_t o = 0;
    if (below(g, 2) && !is_positive)
        out[o++] = '-';
    out[o++] = (char)('1' + below(g, 9));
    for (int i = 1; i < 38 && o + 2 < len; i++)
        out[o++] = (char)('0' + below(g, 10));
    out[o] = '\0';
}

static void small_number(struct gen *g, char *out, size_t len)
{
    const char *sign = below(g, 3) == 0 ? "-" : "";
    unsigned long long a = below(g, 100000), b = below(g, 100);
    switch (below(g, 3)) {
    case 0: snprintf(out, len, "%s%llu", sign, a); break;
    case 1: snprintf(out, len, "%s%llu.%02llu", sign, a, b); break;
    default: snprintf(out, len, "%s0.000%llu", sign, a + 1); break;
    }
}

static void string_set(struct gen *g, struct buf *b, const char *name)
{
    open_object(b, name);
    open_array(b, "SS");
    size_t n = 1 + below(g, 4), first = below(g, 10);
    for (size_t i = 0; i < n; i++) { /* distinct: consecutive indexes */
        sep(b);
        put_string(b, texts[(first + i) % 10]);
    }
    buf_puts(b, "]}");
}

static void number_set(struct gen *g, struct buf *b, const char *name)
{
    open_object(b, name);
    open_array(b, "NS");
    size_t n = 1 + below(g, 4);
    long long base = (long long)below(g, 1000) - 500;
    for (size_t i = 0; i < n; i++) {
        sep(b);
        buf_printf(b, "\"%lld\"", base + (long long)i * 7);
    }
    if (below(g, 2)) {
        char big[48];
        big_number(g, true, big, sizeof big);
        big[0] = '9'; /* above every small member: distinct */
        sep(b);
        put_string(b, big);
    }
    buf_puts(b, "]}");
}

static void binary_set(struct gen *g, struct buf *b, const char *name)
{
    open_object(b, name);
    open_array(b, "BS");
    size_t n = 1 + below(g, 3);
    for (size_t i = 0; i < n; i++) {
        uint8_t bytes[9] = { (uint8_t)i };
        for (size_t j = 1; j < sizeof bytes; j++)
            bytes[j] = (uint8_t)below(g, 256);
        put_base64(b, bytes, sizeof bytes);
    }
    buf_puts(b, "]}");
}

/* A map nested three deep with a list of every scalar kind. The geo
 * numbers are drawn first, as when the map was built inside out. */
static void profile(struct gen *g, struct buf *b)
{
    char lat[48], lon[48], num[48];
    small_number(g, lat, sizeof lat);
    small_number(g, lon, sizeof lon);
    open_object(b, "profile");
    open_object(b, "M");
    open_object(b, "address");
    open_object(b, "M");
    av(b, "city", "S", texts[below(g, 10)]);
    av(b, "zip", "S", "04109");
    open_object(b, "geo");
    open_array(b, "L");
    av(b, NULL, "N", lat);
    av(b, NULL, "N", lon);
    buf_puts(b, "]}}}");
    open_object(b, "history");
    open_array(b, "L");
    av(b, NULL, "S", texts[below(g, 10)]);
    big_number(g, false, num, sizeof num);
    av(b, NULL, "N", num);
    av_bool(b, NULL, "BOOL", below(g, 2));
    av_bool(b, NULL, "NULL", true);
    sep(b);
    buf_puts(b, "{\"M\":{}}]}");
    string_set(g, b, "tags");
    buf_puts(b, "}}");
}

/* ---- keys and items --------------------------------------------------- */

static int64_t pick_key(struct gen *g, int worker)
{
    int64_t k;
    if (g->w->is_hot && unit(g) < g->w->hot_fraction)
        k = (int64_t)below(g, (uint64_t)g->hot_keys);
    else
        k = (int64_t)below(g, (uint64_t)g->keys);
    if (worker >= 0) {
        k = k - k % g->workers + worker;
        if (k >= g->keys)
            k -= g->workers;
    }
    return k;
}

static void key_value(struct buf *b, const struct scenario_key *key,
                      const char *prefix, int64_t n)
{
    char text[64];
    if (key->type == 'N') {
        snprintf(text, sizeof text, "%lld", (long long)n);
        av(b, key->name, "N", text);
    } else if (key->type == 'S') {
        snprintf(text, sizeof text, "%s#%lld", prefix, (long long)n);
        av(b, key->name, "S", text);
    } else {
        snprintf(text, sizeof text, "%s%lld", prefix, (long long)n);
        av_b(b, key->name, text, strlen(text));
    }
}

/* The key attributes of item k, as members of the open object. */
static void key_members(const struct gen *g, struct buf *b, int64_t k)
{
    if (g->t->n_keys == 1) {
        key_value(b, &g->t->keys[0], "u", k);
        return;
    }
    key_value(b, &g->t->keys[0], "u", k / WORKLOAD_ITEMS_PER_HASH);
    key_value(b, &g->t->keys[1], "s", k % WORKLOAD_ITEMS_PER_HASH);
}

static void key_of(const struct gen *g, struct buf *b, const char *name,
                   int64_t k)
{
    open_object(b, name);
    key_members(g, b, k);
    buf_putc(b, '}');
}

/* The write's time on the emulator clock in epoch ms: the watermark a
 * polling loader filters on. No random draw, so a workload with a
 * watermark makes the same other choices as one without. */
static void watermark_text(const struct gen *g, char *out, size_t len)
{
    snprintf(out, len, "%lld", (long long)(WORKLOAD_EPOCH_MS + g->t_ms));
}

static void random_bytes(struct gen *g, struct buf *b)
{
    uint8_t bytes[24];
    size_t n = 1 + below(g, sizeof bytes);
    for (size_t i = 0; i < n; i++)
        bytes[i] = (uint8_t)below(g, 256);
    av_b(b, "avatar", bytes, n);
}

/* The large item's payload: letters only, so written as they are. Letter
 * i is 'a' + (7i + k) mod 26, which repeats every 26 letters: a block of
 * whole periods is built once and appended until the payload is full. */
static void large_payload(struct buf *b, int64_t k)
{
    char block[26 * 157];
    for (size_t i = 0; i < sizeof block; i++)
        block[i] = (char)('a' + (i * 7 + (size_t)k) % 26);
    key(b, "payload");
    buf_puts(b, "{\"S\":\"");
    for (size_t left = WORKLOAD_LARGE_PAYLOAD_BYTES; left > 0;) {
        size_t n = left < sizeof block ? left : sizeof block;
        buf_append(b, block, n);
        left -= n;
    }
    buf_puts(b, "\"}");
}

/* The item attributes after the key; they vary in presence and type. */
static void item_attributes(struct gen *g, struct buf *b)
{
    char num[64];
    av(b, "name", "S", texts[below(g, 10)]);
    snprintf(num, sizeof num, "%llu", (unsigned long long)below(g, 1000));
    av(b, "counter", "N", num);
    if (below(g, 4)) {
        big_number(g, false, num, sizeof num);
        av(b, "balance", "N", num);
    }
    if (below(g, 2)) {
        small_number(g, num, sizeof num);
        av(b, "delta", "N", num);
    }
    if (below(g, 3))
        random_bytes(g, b);
    av_bool(b, "active", "BOOL", below(g, 2));
    if (below(g, 4) == 0)
        av_bool(b, "nothing", "NULL", true);
    if (below(g, 2))
        string_set(g, b, "tags");
    if (below(g, 2))
        number_set(g, b, "scores");
    if (below(g, 3) == 0)
        binary_set(g, b, "keys");
    if (below(g, 2))
        profile(g, b);
}

/* "Item": a whole item for key k. ttl_s > 0 adds the table's TTL
 * attribute with that epoch-seconds value. */
static void item_of(struct gen *g, struct buf *b, int64_t k, bool is_large,
                    int64_t ttl_s)
{
    char num[64];
    open_object(b, "Item");
    key_members(g, b, k);
    item_attributes(g, b);
    if (is_large)
        large_payload(b, k);
    if (ttl_s > 0 && g->t->ttl_attribute) {
        snprintf(num, sizeof num, "%lld", (long long)ttl_s);
        av(b, g->t->ttl_attribute, "N", num);
    }
    if (g->w->watermark) {
        watermark_text(g, num, sizeof num);
        av(b, g->w->watermark, "N", num);
    }
    buf_putc(b, '}');
}

/* ---- requests ----------------------------------------------------------- */

/* A condition on the item's existence, as a conditional write or a
 * transaction's ConditionCheck carries it. */
static void condition(const struct gen *g, struct buf *b, const char *expr)
{
    member_string(b, "ConditionExpression", expr);
    open_object(b, "ExpressionAttributeNames");
    member_string(b, "#pk", g->t->keys[0].name);
    buf_putc(b, '}');
}

/* {"TableName":…,"Item":…[,condition]} */
static void put_request(struct gen *g, struct buf *b, int64_t k,
                        bool is_large, int64_t ttl_s, const char *cond)
{
    buf_putc(b, '{');
    member_string(b, "TableName", g->t->name);
    item_of(g, b, k, is_large, ttl_s);
    if (cond)
        condition(g, b, cond);
    buf_putc(b, '}');
}

static void delete_request(const struct gen *g, struct buf *b, int64_t k,
                           const char *cond)
{
    buf_putc(b, '{');
    member_string(b, "TableName", g->t->name);
    key_of(g, b, "Key", k);
    if (cond)
        condition(g, b, cond);
    buf_putc(b, '}');
}

/* An update that works on missing and present items alike: a counter
 * bumped from zero, a string set grown, an attribute removed. A condition
 * names its key among the other names and follows the values. */
static void update_request(struct gen *g, struct buf *b, int64_t k,
                           const char *cond)
{
    char num[48];
    buf_putc(b, '{');
    member_string(b, "TableName", g->t->name);
    key_of(g, b, "Key", k);
    member_string(b, "UpdateExpression", g->w->watermark
        ? "SET #c = if_not_exists(#c, :zero) + :one, #n = :n, #d = :d, "
          "#w = :w ADD #t :t REMOVE #x"
        : "SET #c = if_not_exists(#c, :zero) + :one, #n = :n, #d = :d "
          "ADD #t :t REMOVE #x");
    open_object(b, "ExpressionAttributeNames");
    member_string(b, "#c", "counter");
    member_string(b, "#n", "name");
    member_string(b, "#d", "delta");
    member_string(b, "#t", "tags");
    member_string(b, "#x", "nothing");
    if (g->w->watermark)
        member_string(b, "#w", g->w->watermark);
    if (cond)
        member_string(b, "#pk", g->t->keys[0].name);
    buf_putc(b, '}');
    open_object(b, "ExpressionAttributeValues");
    av(b, ":zero", "N", "0");
    av(b, ":one", "N", "1");
    av(b, ":n", "S", texts[below(g, 10)]);
    small_number(g, num, sizeof num);
    av(b, ":d", "N", num);
    string_set(g, b, ":t");
    if (g->w->watermark) {
        watermark_text(g, num, sizeof num);
        av(b, ":w", "N", num);
    }
    buf_putc(b, '}');
    if (cond)
        member_string(b, "ConditionExpression", cond);
    buf_putc(b, '}');
}

static void conditional(struct gen *g, struct buf *b, int64_t k,
                        struct workload_op *op)
{
    switch (below(g, 3)) {
    case 0:
        put_request(g, b, k, false, 0, "attribute_not_exists(#pk)");
        op->operation = "PutItem";
        break;
    case 1:
        update_request(g, b, k, "attribute_exists(#pk)");
        op->operation = "UpdateItem";
        break;
    default:
        delete_request(g, b, k, "attribute_exists(#pk)");
        op->operation = "DeleteItem";
        break;
    }
    op->may_fail = true;
}

/* Up to n distinct keys of worker's share into keys; returns how many. */
static size_t distinct_keys(struct gen *g, int worker, size_t n,
                            int64_t *keys)
{
    size_t got = 0;
    for (size_t tries = 0; got < n && tries < n * 4; tries++) {
        int64_t k = pick_key(g, worker);
        bool is_dup = false;
        for (size_t i = 0; i < got && !is_dup; i++)
            is_dup = keys[i] == k;
        if (!is_dup)
            keys[got++] = k;
    }
    return got;
}

static void batch(struct gen *g, struct buf *b, int worker,
                  struct workload_op *op)
{
    int64_t keys[WORKLOAD_MAX_BATCH];
    size_t n = distinct_keys(g, worker, 2 + below(g, WORKLOAD_MAX_BATCH - 1),
                             keys);
    buf_putc(b, '{');
    open_object(b, "RequestItems");
    open_array(b, g->t->name);
    for (size_t i = 0; i < n; i++) {
        sep(b);
        buf_putc(b, '{');
        if (below(g, 10) < 7) {
            open_object(b, "PutRequest");
            item_of(g, b, keys[i], false, 0);
        } else {
            open_object(b, "DeleteRequest");
            key_of(g, b, "Key", keys[i]);
        }
        buf_puts(b, "}}");
    }
    buf_puts(b, "]}}");
    op->operation = "BatchWriteItem";
}

/* One TransactItems entry, {kind: request}. */
static void txn_entry(struct gen *g, struct buf *b, int64_t k,
                      struct workload_op *op)
{
    sep(b);
    buf_putc(b, '{');
    switch (below(g, 4)) {
    case 0:
        key(b, "Put");
        put_request(g, b, k, false, 0, NULL);
        break;
    case 1:
        key(b, "Update");
        update_request(g, b, k, NULL);
        break;
    case 2:
        key(b, "Delete");
        delete_request(g, b, k, NULL);
        break;
    default:
        key(b, "ConditionCheck");
        delete_request(g, b, k, "attribute_exists(#pk)");
        op->may_fail = true;
        break;
    }
    buf_putc(b, '}');
}

static void transaction(struct gen *g, struct buf *b, int worker,
                        struct workload_op *op)
{
    int64_t keys[WORKLOAD_MAX_TXN];
    size_t n = distinct_keys(g, worker, 2 + below(g, WORKLOAD_MAX_TXN - 1),
                             keys);
    buf_putc(b, '{');
    open_array(b, "TransactItems");
    for (size_t i = 0; i < n; i++)
        txn_entry(g, b, keys[i], op);
    buf_puts(b, "]}");
    op->operation = "TransactWriteItems";
}

static enum workload_kind pick_kind(struct gen *g)
{
    const struct scenario_mix *m = &g->w->mix;
    double weights[WORKLOAD_KINDS] = { m->put, m->update, m->delete,
                                       m->conditional, m->batch,
                                       m->transaction, m->ttl };
    if (g->t->ttl_attribute == NULL)
        weights[WORKLOAD_TTL] = 0;
    double total = 0;
    for (int i = 0; i < WORKLOAD_KINDS; i++)
        total += weights[i];
    double x = unit(g) * total;
    for (int i = 0; i < WORKLOAD_KINDS; i++) {
        if (x < weights[i])
            return (enum workload_kind)i;
        x -= weights[i];
    }
    return WORKLOAD_PUT;
}

/* The next operation into op, its request written to b (reset first). */
static void one_op(struct gen *g, struct buf *b, struct workload_op *op)
{
    op->kind = pick_kind(g);
    op->t_ms = g->t_ms;
    int64_t k = pick_key(g, -1);
    op->worker = (int)(k % g->workers);
    buf_reset(b);
    switch (op->kind) {
    case WORKLOAD_PUT: {
        bool is_large = unit(g) < g->w->large_fraction;
        put_request(g, b, k, is_large, 0, NULL);
        op->operation = "PutItem";
        break;
    }
    case WORKLOAD_TTL: {
        /* Expires 1 to 30 s after it is written, inside the timeline or
         * soon after; the runner sweeps TTL once the clock has passed. */
        int64_t expires = (WORKLOAD_EPOCH_MS + g->t_ms) / 1000 + 1 +
                          (int64_t)below(g, 30);
        put_request(g, b, k, false, expires, NULL);
        op->operation = "PutItem";
        break;
    }
    case WORKLOAD_UPDATE:
        update_request(g, b, k, NULL);
        op->operation = "UpdateItem";
        break;
    case WORKLOAD_DELETE:
        delete_request(g, b, k, NULL);
        op->operation = "DeleteItem";
        break;
    case WORKLOAD_CONDITIONAL:
        conditional(g, b, k, op);
        break;
    case WORKLOAD_BATCH:
        batch(g, b, op->worker, op);
        break;
    default:
        transaction(g, b, op->worker, op);
        break;
    }
    op->body = xmalloc(b->len + 1);
    memcpy(op->body, buf_cstr(b), b->len + 1);
}

void workload_generate(const struct scenario_workload *w,
                       const struct scenario_table *t, double scale,
                       uint64_t seed, struct workload *out)
{
    memset(out, 0, sizeof *out);
    if (scale <= 0)
        scale = 1;
    struct gen g = { .state = seed, .w = w, .t = t };
    g.keys = (int64_t)((double)w->keys * scale);
    if (g.keys < 1)
        g.keys = 1;
    g.hot_keys = w->hot_keys < g.keys ? w->hot_keys : g.keys;
    g.workers = w->concurrency < g.keys ? w->concurrency : (int)g.keys;
    if (g.workers < 1)
        g.workers = 1;
    size_t n = (size_t)((double)w->operations * scale);
    out->ops = xcalloc(n ? n : 1, sizeof *out->ops);
    out->workers = g.workers;
    out->duration_ms = w->duration_ms;
    struct buf request;
    buf_init(&request, 0);
    for (size_t i = 0; i < n; i++) {
        g.t_ms = (int64_t)((double)w->duration_ms * (double)i / (double)n);
        one_op(&g, &request, &out->ops[i]);
        out->counts[out->ops[i].kind]++;
        out->n++;
    }
    buf_clear(&request);
}

void workload_clear(struct workload *wl)
{
    for (size_t i = 0; i < wl->n; i++)
        free(wl->ops[i].body);
    free(wl->ops);
    memset(wl, 0, sizeof *wl);
}

const char *workload_kind_name(enum workload_kind kind)
{
    static const char *const names[WORKLOAD_KINDS] = {
        "put", "update", "delete", "conditional", "batch", "transaction",
        "ttl" };
    return kind < WORKLOAD_KINDS ? names[kind] : "?";
}

void workload_write(const struct workload *wl, struct buf *out)
{
    for (size_t i = 0; i < wl->n; i++) {
        const struct workload_op *op = &wl->ops[i];
        buf_printf(out, "{\"t_ms\":%lld,\"worker\":%d,\"kind\":\"%s\","
                   "\"operation\":\"%s\",\"may_fail\":%s,\"request\":",
                   (long long)op->t_ms, op->worker,
                   workload_kind_name(op->kind), op->operation,
                   op->may_fail ? "true" : "false");
        buf_puts(out, op->body);
        buf_puts(out, "}\n");
    }
}
