/* BatchGetItem and BatchWriteItem; see ddb_batch.h. Both decode the whole
 * request first, with AWS's order of complaints (constraint violations
 * listed together, then the values, then the tables, then the keys and
 * duplicates), consult the fault rules once per item, and only then touch
 * storage: a batch write is one store_write whose ddb_write_apply calls
 * commit together, a batch get one store_read. */
#include "dynamodb/ddb_batch.h"

#include "base/clock.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/mem.h"
#include "dynamodb/ddb_capacity.h"
#include "dynamodb/ddb_catalog.h"
#include "dynamodb/ddb_expr.h"
#include "dynamodb/ddb_exprs.h"
#include "dynamodb/ddb_legacy.h"
#include "dynamodb/ddb_input.h"
#include "dynamodb/ddb_key.h"
#include "dynamodb/ddb_value.h"
#include "dynamodb/ddb_write.h"
#include "http/call.h"
#include "http/fault.h"
#include "state.h"
#include "store/store_ddb.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Limits from the API Reference: BatchWriteItem takes "up to 25 put or
 * delete requests", BatchGetItem "up to 100 items" and returns at most
 * 16 MB of them. */
#define DDB_BATCH_MAX_WRITES 25
#define DDB_BATCH_MAX_GETS 100
#define DDB_BATCH_MAX_GET_BYTES ((size_t)16 << 20)

/* AWS's wording for a WriteRequest naming neither or both requests. */
#define MULTIPLE_TYPES                                                      \
    "Supplied AttributeValue has more than one datatypes set, must "        \
    "contain exactly one of the supported datatypes"
#define SCHEMA_MISMATCH "The provided key element does not match the schema"

struct batch_table {
    const char *name;           /* borrowed from the request */
    const cJSON *spec;          /* borrowed: the write list, or the get's
                                   KeysAndAttributes */
    struct ddb_table_def *def;  /* reference, released by batch_clear */
    struct ddb_exprs exprs;     /* get: ProjectionExpression */
    cJSON *rewritten;           /* get: spec with AttributesToGet rewritten
                                   (owned; exprs borrow from it), or NULL */
    bool is_consistent;         /* get: ConsistentRead */
    cJSON *found;               /* get: the items read (owned) */
    cJSON *metrics;             /* write: ItemCollectionMetrics (owned) */
};

struct batch_entry {
    struct batch_table *t;  /* borrowed from the batch */
    const cJSON *request;   /* borrowed: a WriteRequest, or a get's key */
    cJSON *value;           /* borrowed: the put's Item or the key map */
    bool is_put;
    struct ddb_key key;
    struct ddb_write w;
    bool is_unprocessed;    /* throttled by a fault rule, or past 16 MB */
};

/* The arrays come last and are sized for the largest request: batch_new
 * zeroes only what precedes them, and each slot is zeroed as it is taken
 * (add_table, add_entry, ddb_capacity_entry). Zeroing all 146 KB cost a
 * small batch more than writing its items. */
struct batch {
    bool is_write;
    const char *op;     /* "BatchGetItem" or "BatchWriteItem" */
    size_t n_tables;
    size_t n_entries;
    enum ddb_capacity_mode capacity;
    bool want_metrics;
    size_t n_used;
    struct batch_table tables[DDB_BATCH_MAX_GETS];
    struct batch_entry entries[DDB_BATCH_MAX_GETS];
    struct ddb_consumed used[DDB_BATCH_MAX_GETS];
};

static struct batch *batch_new(bool is_write, const char *op)
{
    struct batch *b = xmalloc(sizeof *b);
    memset(b, 0, offsetof(struct batch, tables));
    b->is_write = is_write;
    b->op = op;
    return b;
}

static void batch_clear(struct batch *b)
{
    for (size_t i = 0; i < b->n_tables; i++) {
        ddb_table_def_release(b->tables[i].def);
        ddb_exprs_clear(&b->tables[i].exprs);
        cJSON_Delete(b->tables[i].rewritten);
        cJSON_Delete(b->tables[i].found);
        cJSON_Delete(b->tables[i].metrics);
    }
    for (size_t i = 0; i < b->n_entries; i++) {
        ddb_key_clear(&b->entries[i].key);
        ddb_write_clear(&b->entries[i].w);
    }
}

/* AWS prints an offending request map as Java prints it ({t=[Class@hash,
 * ...]}) with hashes of its own objects; ours are digests of the JSON, so
 * only the shape can match. */
static void java_object(struct buf *out, const char *cls, const cJSON *v)
{
    char *text = cJSON_PrintUnformatted(v);
    buf_printf(out, "com.amazonaws.dynamodb.v20120810.%s@%08x", cls,
               (unsigned)crypto_crc32(text, strlen(text)));
    free(text);
}

static void java_map(struct buf *out, const cJSON *map, bool is_write)
{
    const cJSON *member;
    buf_putc(out, '{');
    cJSON_ArrayForEach(member, map) {
        if (member != map->child)
            buf_puts(out, ", ");
        buf_printf(out, "%s=", member->string);
        if (!is_write) {
            java_object(out, "KeysAndAttributes", member);
            continue;
        }
        const cJSON *req;
        buf_putc(out, '[');
        cJSON_ArrayForEach(req, member) {
            if (req != member->child)
                buf_puts(out, ", ");
            java_object(out, "WriteRequest", req);
        }
        buf_putc(out, ']');
    }
    buf_putc(out, '}');
}

static bool is_valid_name(const char *name)
{
    struct ddb_errors e;
    ddb_errors_init(&e);
    ddb_input_check_name(&e, name, "tableName");
    bool ok = e.n == 0;
    ddb_errors_clear(&e);
    return ok;
}

/* The constraints on RequestItems' keys and, for writes, on the length of
 * each table's list: AWS states each rule once for the whole map. */
static void check_map(struct ddb_errors *e, const cJSON *items, bool is_write)
{
    bool bad_name = false;
    bool bad_length = false;
    const cJSON *member;
    cJSON_ArrayForEach(member, items) {
        int n = cJSON_GetArraySize(member);
        bad_name |= !is_valid_name(member->string);
        bad_length |= is_write && cJSON_IsArray(member) &&
                      (n < 1 || n > DDB_BATCH_MAX_WRITES);
    }
    if (!bad_name && !bad_length)
        return;
    struct buf value;
    buf_init(&value, 1 << 20);
    java_map(&value, items, is_write);
    if (bad_name)
        ddb_errors_add(e, buf_cstr(&value), "requestItems", "Map keys must "
                       "satisfy constraint: [Member must have length less "
                       "than or equal to 255, Member must have length "
                       "greater than or equal to 3, Member must satisfy "
                       "regular expression pattern: [a-zA-Z0-9_.-]+]");
    if (bad_length)
        ddb_errors_add(e, buf_cstr(&value), "requestItems", "Map value must "
                       "satisfy constraint: [Member must have length less "
                       "than or equal to 25, Member must have length "
                       "greater than or equal to 1]");
    buf_clear(&value);
}

/* Reads RequestItems and the members every batch shares; the constraint
 * violations are left in e for the caller to add its own to. */
static int read_common(struct call *c, struct batch *b, struct ddb_errors *e,
                       const cJSON **items)
{
    if (ddb_capacity_read(c, c->input, e, &b->capacity) < 0 ||
        (b->is_write &&
         ddb_capacity_read_metrics(c, c->input, e, &b->want_metrics) < 0) ||
        ddb_input_object(c, c->input, "RequestItems", items) < 0)
        return -1;
    if (*items == NULL)
        ddb_errors_add(e, NULL, "requestItems", "Member must not be null");
    else
        check_map(e, *items, b->is_write);
    return 0;
}

static struct batch_table *add_table(struct batch *b, const cJSON *member)
{
    struct batch_table *t = &b->tables[b->n_tables++];
    memset(t, 0, sizeof *t);
    t->name = member->string;
    t->spec = member;
    return t;
}

/* Adds an entry, or fails with AWS's message past the operation's limit. */
static struct batch_entry *add_entry(struct call *c, struct batch *b,
                                     struct batch_table *t)
{
    size_t max = b->is_write ? DDB_BATCH_MAX_WRITES : DDB_BATCH_MAX_GETS;
    if (b->n_entries == max) {
        call_fail(c, AWS_ERR_VALIDATION, "Too many items requested for the "
                  "%s call", b->op);
        return NULL;
    }
    struct batch_entry *en = &b->entries[b->n_entries++];
    memset(en, 0, sizeof *en);
    buf_init(&en->key.enc, 0);
    en->t = t;
    return en;
}

/* One WriteRequest: which kind, and its Item or Key, normalized. */
static int decode_write_request(struct call *c, struct batch_entry *en,
                                struct ddb_errors *e, size_t index)
{
    const cJSON *put;
    const cJSON *del;
    const cJSON *value = NULL;
    char path[400];
    char err[1024];
    if (!cJSON_IsObject(en->request))
        return call_fail(c, AWS_ERR_SERIALIZATION, "Unexpected value type "
                         "for member WriteRequest: expected an object");
    if (ddb_input_object(c, en->request, "PutRequest", &put) < 0 ||
        ddb_input_object(c, en->request, "DeleteRequest", &del) < 0 ||
        (put && ddb_input_object(c, put, "Item", &value) < 0) ||
        (del && ddb_input_object(c, del, "Key", &value) < 0))
        return -1;
    if ((put == NULL) == (del == NULL))
        return call_fail(c, AWS_ERR_VALIDATION, MULTIPLE_TYPES);
    en->is_put = put != NULL;
    if (value == NULL) {
        snprintf(path, sizeof path, "requestItems.%s.member.%zu.member.%s",
                 en->t->name, index + 1,
                 en->is_put ? "putRequest.item" : "deleteRequest.key");
        ddb_errors_add(e, NULL, path, "Member must not be null");
        return 0;
    }
    /* The request body is the call's: values are normalized in place. */
    en->value = (cJSON *)value;
    if (ddb_item_normalize(en->value, err, sizeof err) < 0)
        return ddb_input_fail_value(c, err);
    if (en->is_put && ddb_item_size(en->value) > DDB_MAX_ITEM_BYTES)
        return call_fail(c, AWS_ERR_VALIDATION, "Item size has exceeded the "
                         "maximum allowed size");
    return 0;
}

static int decode_writes(struct call *c, struct batch *b,
                         const cJSON *items, struct ddb_errors *e)
{
    const cJSON *member;
    cJSON_ArrayForEach(member, items) {
        if (!cJSON_IsArray(member))
            return call_fail(c, AWS_ERR_SERIALIZATION, "Unexpected value "
                             "type for member RequestItems: expected a list");
        struct batch_table *t = add_table(b, member);
        const cJSON *req;
        size_t i = 0;
        cJSON_ArrayForEach(req, member) {
            struct batch_entry *en = add_entry(c, b, t);
            if (en == NULL)
                return -1;
            en->request = req;
            if (decode_write_request(c, en, e, i++) < 0)
                return -1;
        }
    }
    return 0;
}

/* One table's KeysAndAttributes: its keys, ConsistentRead and projection. */
static int decode_get_table(struct call *c, struct batch *b,
                            struct batch_table *t, struct ddb_errors *e)
{
    const cJSON *keys;
    char path[400];
    if (!cJSON_IsObject(t->spec))
        return call_fail(c, AWS_ERR_SERIALIZATION, "Unexpected value type "
                         "for member RequestItems: expected an object");
    if (ddb_input_array(c, t->spec, "Keys", &keys) < 0 ||
        ddb_input_bool(c, t->spec, "ConsistentRead", &t->is_consistent) < 0)
        return -1;
    int n = cJSON_GetArraySize(keys);
    snprintf(path, sizeof path, "requestItems.%s.member.keys", t->name);
    if (keys == NULL)
        ddb_errors_add(e, NULL, path, "Member must not be null");
    else if (n < 1 || n > DDB_BATCH_MAX_GETS)
        ddb_errors_add(e, n < 1 ? "[]" : "[...]", path,
                       n < 1 ? "Member must have length greater than or "
                               "equal to 1"
                             : "Member must have length less than or equal "
                               "to 100");
    if (n < 1 || n > DDB_BATCH_MAX_GETS)
        return 0;
    const cJSON *key;
    cJSON_ArrayForEach(key, keys) {
        struct batch_entry *en = add_entry(c, b, t);
        if (en == NULL)
            return -1;
        if (!cJSON_IsObject(key))
            return call_fail(c, AWS_ERR_SERIALIZATION, "Unexpected value "
                             "type for member Keys: expected a map");
        en->request = key;
        en->value = (cJSON *)key;
    }
    return 0;
}

static int decode_gets(struct call *c, struct batch *b, const cJSON *items,
                       struct ddb_errors *e)
{
    const cJSON *member;
    cJSON_ArrayForEach(member, items) {
        if (decode_get_table(c, b, add_table(b, member), e) < 0)
            return -1;
    }
    return 0;
}

/* A put's key attributes must be present and typed as declared; AWS words
 * both faults as a schema mismatch in a batch. */
static bool has_key_types(const struct ddb_table_def *def, const cJSON *item)
{
    const cJSON *hash = json_get(item, def->hash_name);
    const cJSON *range = def->range_name ? json_get(item, def->range_name)
                                         : NULL;
    return ddb_value_type(hash) == def->hash_type &&
           (def->range_name == NULL ||
            ddb_value_type(range) == def->range_type);
}

static int decode_key(struct call *c, struct batch_entry *en)
{
    char err[1024];
    const struct ddb_table_def *def = en->t->def;
    ddb_key_clear(&en->key);
    int rc;
    if (en->is_put && !has_key_types(def, en->value)) {
        snprintf(err, sizeof err, SCHEMA_MISMATCH);
        rc = -1;
    } else if (en->is_put) {
        rc = ddb_key_from_item(def, en->value, &en->key, err, sizeof err);
    } else {
        rc = ddb_key_from_map(def, en->value, &en->key, err, sizeof err);
    }
    return rc < 0 ? ddb_input_fail_value(c, err) : 0;
}

static bool same_key(const struct batch_entry *a, const struct batch_entry *b)
{
    return a->t == b->t && a->key.enc.len == b->key.enc.len &&
           memcmp(a->key.enc.data, b->key.enc.data, a->key.enc.len) == 0;
}

/* A get's projection: its ProjectionExpression, or the one its
 * AttributesToGet becomes, rewritten in a copy so that UnprocessedKeys
 * echoes the request as it was sent. */
static int compile_projection(struct call *c, struct batch_table *t)
{
    unsigned used;
    const cJSON *spec = t->spec;
    if (json_get(spec, "AttributesToGet")) {
        t->rewritten = cJSON_Duplicate(spec, true);
        if (ddb_legacy_rewrite(c, t->rewritten, DDB_LEGACY_BATCH_GET,
                               &used) < 0)
            return -1;
        spec = t->rewritten;
    }
    return ddb_exprs_compile_in(c, spec, DDB_EXPRS_PROJECTION, &t->exprs);
}

/* Finds every table, then checks every key and refuses duplicates. */
static int resolve(struct call *c, struct batch *b)
{
    char err[1024];
    for (size_t i = 0; i < b->n_tables; i++) {
        struct batch_table *t = &b->tables[i];
        t->def = ddb_catalog_find(c->emu->catalog, t->name);
        if (t->def == NULL)
            return call_fail(c, AWS_ERR_RESOURCE_NOT_FOUND,
                             "Requested resource not found");
        if (!b->is_write && compile_projection(c, t) < 0)
            return -1;
    }
    for (size_t i = 0; i < b->n_entries; i++) {
        struct batch_entry *en = &b->entries[i];
        if (!b->is_write) {
            cJSON *av;
            cJSON_ArrayForEach(av, en->value) {
                if (ddb_value_normalize(av, 0, err, sizeof err) < 0)
                    return ddb_input_fail_value(c, err);
            }
        }
        if (decode_key(c, en) < 0)
            return -1;
        for (size_t j = 0; j < i; j++) {
            if (same_key(en, &b->entries[j]))
                return call_fail(c, AWS_ERR_VALIDATION, "Provided list of "
                                 "item keys contains duplicates");
        }
    }
    return 0;
}

/* Marks the items fault rules throttle; fails the call for other faults. */
static int apply_faults(struct call *c, struct batch *b)
{
    for (size_t i = 0; i < b->n_entries; i++) {
        struct batch_entry *en = &b->entries[i];
        enum aws_err err = faults_check(c->emu->faults, b->op,
                                        en->t->name);
        if (err == AWS_ERR_NONE)
            continue;
        if (!fault_is_throttling(err))
            return call_fail(c, err, "%s", fault_message(err));
        en->is_unprocessed = true;
    }
    return 0;
}

static int decode(struct call *c, struct batch *b)
{
    struct ddb_errors e;
    const cJSON *items;
    ddb_errors_init(&e);
    int rc = read_common(c, b, &e, &items);
    if (rc == 0 && items && e.n == 0)
        rc = b->is_write ? decode_writes(c, b, items, &e)
                         : decode_gets(c, b, items, &e);
    if (rc < 0) {
        ddb_errors_clear(&e);
        return -1;
    }
    if (ddb_errors_report(c, &e) < 0)
        return -1;
    /* An empty map passes the constraints (AWS checks its length after
     * them) and gets this message of its own. */
    if (b->n_tables == 0)
        return call_fail(c, AWS_ERR_VALIDATION, "The requestItems parameter "
                         "is required for %s", b->op);
    if (resolve(c, b) < 0)
        return -1;
    return apply_faults(c, b);
}

static struct ddb_consumed *used_of(struct batch *b, const char *table)
{
    return ddb_capacity_entry(b->used, &b->n_used,
                              sizeof b->used / sizeof b->used[0], table);
}

/* The reply's ConsumedCapacity array, one entry per table, when asked. */
static void add_capacity(cJSON *out, struct batch *b)
{
    if (b->capacity == DDB_CAPACITY_NONE)
        return;
    cJSON *list = cJSON_AddArrayToObject(out, "ConsumedCapacity");
    for (size_t i = 0; i < b->n_tables; i++) {
        struct ddb_consumed *u = used_of(b, b->tables[i].name);
        cJSON_AddItemToArray(list, ddb_capacity_json(b->capacity, u));
    }
}

static enum store_result write_in_store(struct store_tx *tx, void *arg)
{
    struct batch *b = arg;
    for (size_t i = 0; i < b->n_entries; i++) {
        struct batch_entry *en = &b->entries[i];
        if (en->is_unprocessed)
            continue;
        enum store_result res = ddb_write_apply(tx, &en->w);
        if (res != STORE_OK)
            return res;
    }
    return STORE_OK;
}

static void prepare_writes(struct call *c, struct batch *b)
{
    int64_t now_ms = clock_now_ms(&c->emu->clock);
    for (size_t i = 0; i < b->n_entries; i++) {
        struct batch_entry *en = &b->entries[i];
        en->w = (struct ddb_write){
            .kind = en->is_put ? DDB_WRITE_PUT : DDB_WRITE_DELETE,
            .def = en->t->def,
            .key = &en->key,
            .item = en->is_put ? en->value : NULL,
            .want_old = b->capacity != DDB_CAPACITY_NONE,
            .emu = c->emu,
            .now_ms = now_ms,
        };
        ddb_write_render(&en->w);
    }
}

/* Capacity and item collection metrics of the writes that ran. */
static void account_writes(struct batch *b)
{
    for (size_t i = 0; i < b->n_tables; i++)
        used_of(b, b->tables[i].name);
    for (size_t i = 0; i < b->n_entries; i++) {
        struct batch_entry *en = &b->entries[i];
        if (en->is_unprocessed)
            continue;
        size_t old = en->w.old_json ? en->w.old_size : 0;
        size_t now = en->is_put ? en->w.new_size : 0;
        used_of(b, en->t->name)->write_units +=
            ddb_capacity_write_units(old > now ? old : now);
        cJSON *m = b->want_metrics
            ? ddb_capacity_collection_metrics(en->t->def, en->value)
            : NULL;
        if (m && en->t->metrics == NULL)
            en->t->metrics = cJSON_CreateArray();
        if (m)
            cJSON_AddItemToArray(en->t->metrics, m);
    }
}

/* {"table": [the requests as given]} for the items left unprocessed. */
static cJSON *unprocessed_writes(const struct batch *b)
{
    cJSON *out = cJSON_CreateObject();
    for (size_t i = 0; i < b->n_entries; i++) {
        const struct batch_entry *en = &b->entries[i];
        if (!en->is_unprocessed)
            continue;
        cJSON *list = (cJSON *)json_get(out, en->t->name);
        if (list == NULL)
            list = cJSON_AddArrayToObject(out, en->t->name);
        cJSON_AddItemToArray(list, cJSON_Duplicate(en->request, true));
    }
    return out;
}

static int reply_writes(struct call *c, struct batch *b)
{
    cJSON *out = cJSON_CreateObject();
    account_writes(b);
    add_capacity(out, b);
    cJSON *metrics = NULL;
    for (size_t i = 0; i < b->n_tables; i++) {
        struct batch_table *t = &b->tables[i];
        if (t->metrics == NULL)
            continue;
        if (metrics == NULL)
            metrics = cJSON_AddObjectToObject(out, "ItemCollectionMetrics");
        cJSON_AddItemToObject(metrics, t->name, t->metrics);
        t->metrics = NULL; /* now out's */
    }
    cJSON_AddItemToObject(out, "UnprocessedItems", unprocessed_writes(b));
    return call_reply_json(c, out);
}

int ddb_batch_write_item(struct call *c)
{
    struct batch *b = batch_new(true, "BatchWriteItem");
    int rc = decode(c, b);
    if (rc == 0) {
        prepare_writes(c, b);
        enum store_result res = store_write(c->emu->store, write_in_store, b);
        if (res == STORE_NOT_FOUND)
            rc = call_fail(c, AWS_ERR_RESOURCE_NOT_FOUND,
                           "Requested resource not found");
        else if (res != STORE_OK)
            rc = call_fail(c, AWS_ERR_INTERNAL, "Internal server error");
    }
    if (rc == 0)
        rc = reply_writes(c, b);
    batch_clear(b);
    free(b);
    return rc;
}

struct get_txn {
    struct batch *b;
    struct buf text;
    size_t bytes;   /* item bytes in the reply so far */
};

/* Reads one key: adds the (projected) item to its table's list, or marks
 * the key unprocessed once the reply holds 16 MB. */
static enum store_result get_one(struct store_tx *tx, struct get_txn *t,
                                 struct batch_entry *en)
{
    struct store_ddb_key key = ddb_key_store(&en->key);
    struct batch_table *bt = en->t;
    buf_reset(&t->text);
    enum store_result res = store_ddb_item_get(tx, bt->def->id, &key,
                                               &t->text);
    size_t size = 0;
    cJSON *item = NULL;
    if (res == STORE_OK) {
        item = json_parse(t->text.data, t->text.len);
        if (item == NULL)
            return STORE_ERROR;
        size = ddb_item_size(item);
    } else if (res != STORE_NOT_FOUND) {
        return res;
    }
    if (t->bytes + size > DDB_BATCH_MAX_GET_BYTES) {
        en->is_unprocessed = true;
        cJSON_Delete(item);
        return STORE_OK;
    }
    t->bytes += size;
    used_of(t->b, bt->name)->read_units +=
        ddb_capacity_read_units(size, bt->is_consistent);
    if (item && bt->exprs.projection) {
        cJSON *projected = ddb_expr_project(bt->exprs.projection, item);
        cJSON_Delete(item);
        item = projected;
    }
    if (item)
        cJSON_AddItemToArray(bt->found, item);
    return STORE_OK;
}

static enum store_result get_in_store(struct store_tx *tx, void *arg)
{
    struct get_txn *t = arg;
    struct batch *b = t->b;
    /* The runner may retry: start over. */
    t->bytes = 0;
    b->n_used = 0;
    for (size_t i = 0; i < b->n_tables; i++) {
        cJSON_Delete(b->tables[i].found);
        b->tables[i].found = cJSON_CreateArray();
        used_of(b, b->tables[i].name);
    }
    for (size_t i = 0; i < b->n_entries; i++) {
        struct batch_entry *en = &b->entries[i];
        if (en->is_unprocessed)
            continue;
        enum store_result res = get_one(tx, t, en);
        if (res != STORE_OK)
            return res;
    }
    return STORE_OK;
}

/* {"table": {KeysAndAttributes with only the keys left}}. */
static cJSON *unprocessed_keys(const struct batch *b)
{
    cJSON *out = cJSON_CreateObject();
    for (size_t i = 0; i < b->n_entries; i++) {
        const struct batch_entry *en = &b->entries[i];
        if (!en->is_unprocessed)
            continue;
        cJSON *spec = (cJSON *)json_get(out, en->t->name);
        if (spec == NULL) {
            spec = cJSON_Duplicate(en->t->spec, true);
            cJSON_ReplaceItemInObjectCaseSensitive(spec, "Keys",
                                                   cJSON_CreateArray());
            cJSON_AddItemToObject(out, en->t->name, spec);
        }
        cJSON_AddItemToArray((cJSON *)json_get(spec, "Keys"),
                             cJSON_Duplicate(en->request, true));
    }
    return out;
}

static int reply_gets(struct call *c, struct batch *b)
{
    cJSON *out = cJSON_CreateObject();
    add_capacity(out, b);
    cJSON *responses = cJSON_AddObjectToObject(out, "Responses");
    for (size_t i = 0; i < b->n_tables; i++) {
        struct batch_table *t = &b->tables[i];
        cJSON_AddItemToObject(responses, t->name, t->found);
        t->found = NULL; /* now out's */
    }
    cJSON_AddItemToObject(out, "UnprocessedKeys", unprocessed_keys(b));
    return call_reply_json(c, out);
}

int ddb_batch_get_item(struct call *c)
{
    struct batch *b = batch_new(false, "BatchGetItem");
    struct get_txn t = { .b = b };
    buf_init(&t.text, 0);
    int rc = decode(c, b);
    if (rc == 0 && store_read(c->emu->store, get_in_store, &t) != STORE_OK)
        rc = call_fail(c, AWS_ERR_INTERNAL, "Internal server error");
    if (rc == 0)
        rc = reply_gets(c, b);
    buf_clear(&t.text);
    batch_clear(b);
    free(b);
    return rc;
}
