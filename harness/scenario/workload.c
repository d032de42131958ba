/* The seeded workload generator; see workload.h. A splitmix64 stream drives
 * every choice, requests are cJSON documents printed unformatted, and every
 * AttributeValue number is a string: nothing depends on the platform, the
 * wall clock or the allocator. The generator models no table state: a
 * conditional write may fail, and the runner treats that as an outcome. */
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

/* ---- AttributeValues --------------------------------------------------- */

static void av(cJSON *obj, const char *name, const char *type,
               const char *value)
{
    cJSON *v = cJSON_CreateObject();
    cJSON_AddStringToObject(v, type, value);
    cJSON_AddItemToObject(obj, name, v);
}

static cJSON *av_new(const char *type, const char *value)
{
    cJSON *v = cJSON_CreateObject();
    cJSON_AddStringToObject(v, type, value);
    return v;
}

static char *b64(const void *data, size_t len)
{
    struct buf b;
    buf_init(&b, 0);
    crypto_base64_encode(data, len, &b);
    return buf_detach(&b, NULL);
}

static void av_b(cJSON *obj, const char *name, const void *data, size_t len)
{
    char *text = b64(data, len);
    av(obj, name, "B", text);
    free(text);
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

static cJSON *string_set(struct gen *g)
{
    cJSON *v = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(v, "SS");
    size_t n = 1 + below(g, 4), first = below(g, 10);
    for (size_t i = 0; i < n; i++) /* distinct: consecutive indexes */
        cJSON_AddItemToArray(list, cJSON_CreateString(
                                       texts[(first + i) % 10]));
    return v;
}

static cJSON *number_set(struct gen *g)
{
    cJSON *v = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(v, "NS");
    size_t n = 1 + below(g, 4);
    long long base = (long long)below(g, 1000) - 500;
    for (size_t i = 0; i < n; i++) {
        char num[48];
        snprintf(num, sizeof num, "%lld", base + (long long)i * 7);
        cJSON_AddItemToArray(list, cJSON_CreateString(num));
    }
    if (below(g, 2)) {
        char big[48];
        big_number(g, true, big, sizeof big);
        big[0] = '9'; /* above every small member: distinct */
        cJSON_AddItemToArray(list, cJSON_CreateString(big));
    }
    return v;
}

static cJSON *binary_set(struct gen *g)
{
    cJSON *v = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(v, "BS");
    size_t n = 1 + below(g, 3);
    for (size_t i = 0; i < n; i++) {
        uint8_t bytes[9] = { (uint8_t)i };
        for (size_t j = 1; j < sizeof bytes; j++)
            bytes[j] = (uint8_t)below(g, 256);
        char *text = b64(bytes, sizeof bytes);
        cJSON_AddItemToArray(list, cJSON_CreateString(text));
        free(text);
    }
    return v;
}

/* A map nested three deep with a list of every scalar kind. */
static cJSON *profile(struct gen *g)
{
    char num[48];
    cJSON *geo = cJSON_CreateObject();
    cJSON *geo_list = cJSON_AddArrayToObject(geo, "L");
    small_number(g, num, sizeof num);
    cJSON_AddItemToArray(geo_list, av_new("N", num));
    small_number(g, num, sizeof num);
    cJSON_AddItemToArray(geo_list, av_new("N", num));

    cJSON *address = cJSON_CreateObject();
    cJSON *am = cJSON_AddObjectToObject(address, "M");
    av(am, "city", "S", texts[below(g, 10)]);
    av(am, "zip", "S", "04109");
    cJSON_AddItemToObject(am, "geo", geo);

    cJSON *history = cJSON_CreateObject();
    cJSON *hl = cJSON_AddArrayToObject(history, "L");
    cJSON_AddItemToArray(hl, av_new("S", texts[below(g, 10)]));
    big_number(g, false, num, sizeof num);
    cJSON_AddItemToArray(hl, av_new("N", num));
    cJSON *flag = cJSON_CreateObject();
    cJSON_AddBoolToObject(flag, "BOOL", below(g, 2));
    cJSON_AddItemToArray(hl, flag);
    cJSON *null = cJSON_CreateObject();
    cJSON_AddBoolToObject(null, "NULL", true);
    cJSON_AddItemToArray(hl, null);
    cJSON *empty_map = cJSON_CreateObject();
    cJSON_AddObjectToObject(empty_map, "M");
    cJSON_AddItemToArray(hl, empty_map);

    cJSON *v = cJSON_CreateObject();
    cJSON *m = cJSON_AddObjectToObject(v, "M");
    cJSON_AddItemToObject(m, "address", address);
    cJSON_AddItemToObject(m, "history", history);
    cJSON_AddItemToObject(m, "tags", string_set(g));
    return v;
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

static void key_value(cJSON *obj, const struct scenario_key *key,
                      const char *prefix, int64_t n)
{
    char text[64];
    if (key->type == 'N') {
        snprintf(text, sizeof text, "%lld", (long long)n);
        av(obj, key->name, "N", text);
    } else if (key->type == 'S') {
        snprintf(text, sizeof text, "%s#%lld", prefix, (long long)n);
        av(obj, key->name, "S", text);
    } else {
        snprintf(text, sizeof text, "%s%lld", prefix, (long long)n);
        av_b(obj, key->name, text, strlen(text));
    }
}

static cJSON *key_of(const struct gen *g, int64_t k)
{
    cJSON *key = cJSON_CreateObject();
    if (g->t->n_keys == 1) {
        key_value(key, &g->t->keys[0], "u", k);
        return key;
    }
    key_value(key, &g->t->keys[0], "u", k / WORKLOAD_ITEMS_PER_HASH);
    key_value(key, &g->t->keys[1], "s", k % WORKLOAD_ITEMS_PER_HASH);
    return key;
}

/* The write's time on the emulator clock in epoch ms: the watermark a
 * polling loader filters on. No random draw, so a workload with a
 * watermark makes the same other choices as one without. */
static void watermark_text(const struct gen *g, char *out, size_t len)
{
    snprintf(out, len, "%lld", (long long)(WORKLOAD_EPOCH_MS + g->t_ms));
}

/* A whole item for key k; attributes vary in presence and type. ttl_s > 0
 * adds the table's TTL attribute with that epoch-seconds value. */
static cJSON *item_of(struct gen *g, int64_t k, bool is_large, int64_t ttl_s)
{
    char num[64];
    cJSON *item = key_of(g, k);
    av(item, "name", "S", texts[below(g, 10)]);
    snprintf(num, sizeof num, "%llu", (unsigned long long)below(g, 1000));
    av(item, "counter", "N", num);
    if (below(g, 4)) {
        big_number(g, false, num, sizeof num);
        av(item, "balance", "N", num);
    }
    if (below(g, 2)) {
        small_number(g, num, sizeof num);
        av(item, "delta", "N", num);
    }
    if (below(g, 3)) {
        uint8_t bytes[24];
        size_t n = 1 + below(g, sizeof bytes);
        for (size_t i = 0; i < n; i++)
            bytes[i] = (uint8_t)below(g, 256);
        av_b(item, "avatar", bytes, n);
    }
    cJSON *flag = cJSON_CreateObject();
    cJSON_AddBoolToObject(flag, "BOOL", below(g, 2));
    cJSON_AddItemToObject(item, "active", flag);
    if (below(g, 4) == 0) {
        cJSON *null = cJSON_CreateObject();
        cJSON_AddBoolToObject(null, "NULL", true);
        cJSON_AddItemToObject(item, "nothing", null);
    }
    if (below(g, 2))
        cJSON_AddItemToObject(item, "tags", string_set(g));
    if (below(g, 2))
        cJSON_AddItemToObject(item, "scores", number_set(g));
    if (below(g, 3) == 0)
        cJSON_AddItemToObject(item, "keys", binary_set(g));
    if (below(g, 2))
        cJSON_AddItemToObject(item, "profile", profile(g));
    if (is_large) {
        char *payload = xmalloc(WORKLOAD_LARGE_PAYLOAD_BYTES + 1);
        for (size_t i = 0; i < WORKLOAD_LARGE_PAYLOAD_BYTES; i++)
            payload[i] = (char)('a' + (i * 7 + (size_t)k) % 26);
        payload[WORKLOAD_LARGE_PAYLOAD_BYTES] = '\0';
        av(item, "payload", "S", payload);
        free(payload);
    }
    if (ttl_s > 0 && g->t->ttl_attribute) {
        snprintf(num, sizeof num, "%lld", (long long)ttl_s);
        av(item, g->t->ttl_attribute, "N", num);
    }
    if (g->w->watermark) {
        watermark_text(g, num, sizeof num);
        av(item, g->w->watermark, "N", num);
    }
    return item;
}

/* ---- requests ----------------------------------------------------------- */

static cJSON *request(const struct gen *g)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "TableName", g->t->name);
    return r;
}

static cJSON *put_request(struct gen *g, int64_t k, bool is_large,
                          int64_t ttl_s)
{
    cJSON *r = request(g);
    cJSON_AddItemToObject(r, "Item", item_of(g, k, is_large, ttl_s));
    return r;
}

/* An update that works on missing and present items alike: a counter
 * bumped from zero, a string set grown, an attribute removed. */
static cJSON *update_request(struct gen *g, int64_t k)
{
    char num[48];
    cJSON *r = request(g);
    cJSON_AddItemToObject(r, "Key", key_of(g, k));
    cJSON_AddStringToObject(r, "UpdateExpression", g->w->watermark
        ? "SET #c = if_not_exists(#c, :zero) + :one, #n = :n, #d = :d, "
          "#w = :w ADD #t :t REMOVE #x"
        : "SET #c = if_not_exists(#c, :zero) + :one, #n = :n, #d = :d "
          "ADD #t :t REMOVE #x");
    cJSON *names = cJSON_AddObjectToObject(r, "ExpressionAttributeNames");
    cJSON_AddStringToObject(names, "#c", "counter");
    cJSON_AddStringToObject(names, "#n", "name");
    cJSON_AddStringToObject(names, "#d", "delta");
    cJSON_AddStringToObject(names, "#t", "tags");
    cJSON_AddStringToObject(names, "#x", "nothing");
    cJSON *values = cJSON_AddObjectToObject(r, "ExpressionAttributeValues");
    av(values, ":zero", "N", "0");
    av(values, ":one", "N", "1");
    av(values, ":n", "S", texts[below(g, 10)]);
    small_number(g, num, sizeof num);
    av(values, ":d", "N", num);
    cJSON_AddItemToObject(values, ":t", string_set(g));
    if (g->w->watermark) {
        cJSON_AddStringToObject(names, "#w", g->w->watermark);
        watermark_text(g, num, sizeof num);
        av(values, ":w", "N", num);
    }
    return r;
}

static cJSON *delete_request(struct gen *g, int64_t k)
{
    cJSON *r = request(g);
    cJSON_AddItemToObject(r, "Key", key_of(g, k));
    return r;
}

static void add_condition(const struct gen *g, cJSON *r, const char *expr)
{
    cJSON_AddStringToObject(r, "ConditionExpression", expr);
    cJSON *names = cJSON_GetObjectItemCaseSensitive(
        r, "ExpressionAttributeNames");
    if (names == NULL)
        names = cJSON_AddObjectToObject(r, "ExpressionAttributeNames");
    cJSON_AddStringToObject(names, "#pk", g->t->keys[0].name);
}

static void conditional(struct gen *g, int64_t k, struct workload_op *op)
{
    cJSON *r;
    switch (below(g, 3)) {
    case 0:
        r = put_request(g, k, false, 0);
        add_condition(g, r, "attribute_not_exists(#pk)");
        op->operation = "PutItem";
        break;
    case 1:
        r = update_request(g, k);
        add_condition(g, r, "attribute_exists(#pk)");
        op->operation = "UpdateItem";
        break;
    default:
        r = delete_request(g, k);
        add_condition(g, r, "attribute_exists(#pk)");
        op->operation = "DeleteItem";
        break;
    }
    op->may_fail = true;
    op->body = cJSON_PrintUnformatted(r);
    cJSON_Delete(r);
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

static void batch(struct gen *g, int worker, struct workload_op *op)
{
    int64_t keys[WORKLOAD_MAX_BATCH];
    size_t n = distinct_keys(g, worker, 2 + below(g, WORKLOAD_MAX_BATCH - 1),
                             keys);
    cJSON *r = cJSON_CreateObject();
    cJSON *items = cJSON_AddObjectToObject(r, "RequestItems");
    cJSON *list = cJSON_AddArrayToObject(items, g->t->name);
    for (size_t i = 0; i < n; i++) {
        cJSON *entry = cJSON_CreateObject();
        if (below(g, 10) < 7) {
            cJSON *put = cJSON_AddObjectToObject(entry, "PutRequest");
            cJSON_AddItemToObject(put, "Item", item_of(g, keys[i], false, 0));
        } else {
            cJSON *del = cJSON_AddObjectToObject(entry, "DeleteRequest");
            cJSON_AddItemToObject(del, "Key", key_of(g, keys[i]));
        }
        cJSON_AddItemToArray(list, entry);
    }
    op->operation = "BatchWriteItem";
    op->body = cJSON_PrintUnformatted(r);
    cJSON_Delete(r);
}

/* {kind: req}: one TransactItems entry; takes ownership of req. */
static cJSON *txn_entry(cJSON *req, const char *kind)
{
    cJSON *entry = cJSON_CreateObject();
    cJSON_AddItemToObject(entry, kind, req);
    return entry;
}

static void transaction(struct gen *g, int worker, struct workload_op *op)
{
    int64_t keys[WORKLOAD_MAX_TXN];
    size_t n = distinct_keys(g, worker, 2 + below(g, WORKLOAD_MAX_TXN - 1),
                             keys);
    cJSON *r = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(r, "TransactItems");
    for (size_t i = 0; i < n; i++) {
        cJSON *req;
        switch (below(g, 4)) {
        case 0:
            req = put_request(g, keys[i], false, 0);
            cJSON_AddItemToArray(list, txn_entry(req, "Put"));
            break;
        case 1:
            req = update_request(g, keys[i]);
            cJSON_AddItemToArray(list, txn_entry(req, "Update"));
            break;
        case 2:
            req = delete_request(g, keys[i]);
            cJSON_AddItemToArray(list, txn_entry(req, "Delete"));
            break;
        default:
            req = delete_request(g, keys[i]);
            add_condition(g, req, "attribute_exists(#pk)");
            cJSON_AddItemToArray(list, txn_entry(req, "ConditionCheck"));
            op->may_fail = true;
            break;
        }
    }
    op->operation = "TransactWriteItems";
    op->body = cJSON_PrintUnformatted(r);
    cJSON_Delete(r);
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

static void one_op(struct gen *g, struct workload_op *op)
{
    op->kind = pick_kind(g);
    op->t_ms = g->t_ms;
    int64_t k = pick_key(g, -1);
    op->worker = (int)(k % g->workers);
    cJSON *r = NULL;
    switch (op->kind) {
    case WORKLOAD_PUT:
        r = put_request(g, k, unit(g) < g->w->large_fraction, 0);
        op->operation = "PutItem";
        break;
    case WORKLOAD_TTL:
        /* Expires 1 to 30 s after it is written, inside the timeline or
         * soon after; the runner sweeps TTL once the clock has passed. */
        r = put_request(g, k, false, (WORKLOAD_EPOCH_MS + g->t_ms) / 1000 +
                                         1 + (int64_t)below(g, 30));
        op->operation = "PutItem";
        break;
    case WORKLOAD_UPDATE:
        r = update_request(g, k);
        op->operation = "UpdateItem";
        break;
    case WORKLOAD_DELETE:
        r = delete_request(g, k);
        op->operation = "DeleteItem";
        break;
    case WORKLOAD_CONDITIONAL:
        conditional(g, k, op);
        return;
    case WORKLOAD_BATCH:
        batch(g, op->worker, op);
        return;
    default:
        transaction(g, op->worker, op);
        return;
    }
    op->body = cJSON_PrintUnformatted(r);
    cJSON_Delete(r);
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
    for (size_t i = 0; i < n; i++) {
        g.t_ms = (int64_t)((double)w->duration_ms * (double)i / (double)n);
        one_op(&g, &out->ops[i]);
        out->counts[out->ops[i].kind]++;
        out->n++;
    }
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
