/* TransactWriteItems and TransactGetItems; see ddb_txn.h. The request is
 * decoded in full first (constraint violations together, then tables,
 * keys, expressions and duplicates), then every action runs inside one
 * store_write through ddb_write_apply, so the writes and their stream
 * records commit together or not at all. A failed action does not stop the
 * others from being evaluated: AWS reports a reason for each. */
#include "dynamodb/ddb_txn.h"

#include "base/clock.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/mem.h"
#include "dynamodb/ddb_capacity.h"
#include "dynamodb/ddb_catalog.h"
#include "dynamodb/ddb_expr.h"
#include "dynamodb/ddb_exprs.h"
#include "dynamodb/ddb_input.h"
#include "dynamodb/ddb_key.h"
#include "dynamodb/ddb_value.h"
#include "dynamodb/ddb_write.h"
#include "http/call.h"
#include "state.h"
#include "store/store_ddb.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Limits from the API Reference: up to 100 actions per transaction (25
 * before September 2022), tokens of 1 to 36 characters honoured for ten
 * minutes. */
#define DDB_TXN_MAX_ITEMS 100
#define DDB_TXN_MAX_TOKEN 36
#define DDB_TXN_TOKEN_MS (10 * 60 * 1000)

enum txn_kind { TXN_PUT, TXN_UPDATE, TXN_DELETE, TXN_CHECK, TXN_GET };

/* The member naming each kind, and its lower-case path segment in
 * constraint messages ("transactItems.1.member.put.item"). */
static const struct {
    const char *member;
    const char *path;
} kinds[] = {
    [TXN_PUT] = { "Put", "put" },
    [TXN_UPDATE] = { "Update", "update" },
    [TXN_DELETE] = { "Delete", "delete" },
    [TXN_CHECK] = { "ConditionCheck", "conditionCheck" },
    [TXN_GET] = { "Get", "get" },
};

static const char *const on_failure_values[] = { "ALL_OLD", "NONE", NULL };

struct txn_item {
    enum txn_kind kind;
    const cJSON *spec;          /* borrowed: the Put, Update, ... object */
    cJSON *value;               /* borrowed: the Put's Item or the Key */
    struct ddb_table_def *def;  /* reference */
    struct ddb_key key;
    struct ddb_exprs exprs;
    bool want_old_on_failure;
    struct ddb_write w;
    const char *code;           /* the cancellation reason; NULL: None */
    char message[1024];         /* for code */
    cJSON *item;                /* Get: the item read (owned) */
};

/* The arrays come last and are sized for the largest request: txn_new
 * zeroes only what precedes them, and each slot is zeroed as it is taken
 * (read_members, ddb_capacity_entry). Zeroing all 244 KB cost a small
 * transaction more than writing its items. */
struct txn {
    bool is_write;
    size_t n;
    enum ddb_capacity_mode capacity;
    bool want_metrics;
    const char *token;          /* borrowed ClientRequestToken, or NULL */
    uint8_t digest[CRYPTO_SHA256_LEN]; /* of the parameters the token
                                          guards */
    bool is_replay;             /* the token's transaction already ran */
    bool is_mismatch;           /* the token ran with other parameters */
    size_t n_used;
    struct txn_item items[DDB_TXN_MAX_ITEMS];
    struct ddb_consumed used[DDB_TXN_MAX_ITEMS];
};

static struct txn *txn_new(bool is_write)
{
    struct txn *x = xmalloc(sizeof *x);
    memset(x, 0, offsetof(struct txn, items));
    x->is_write = is_write;
    return x;
}

struct token_entry {
    char token[DDB_TXN_MAX_TOKEN + 1];
    uint8_t digest[CRYPTO_SHA256_LEN];
    int64_t at_ms;              /* when its transaction committed */
};

struct ddb_txn_tokens {
    pthread_mutex_t lock;
    struct token_entry *entries;
    size_t n;
    size_t cap;
};

struct ddb_txn_tokens *ddb_txn_tokens_new(void)
{
    struct ddb_txn_tokens *t = xcalloc(1, sizeof *t);
    pthread_mutex_init(&t->lock, NULL);
    return t;
}

void ddb_txn_tokens_free(struct ddb_txn_tokens *t)
{
    if (t == NULL)
        return;
    pthread_mutex_destroy(&t->lock);
    free(t->entries);
    free(t);
}

void ddb_txn_tokens_clear(struct ddb_txn_tokens *t)
{
    pthread_mutex_lock(&t->lock);
    t->n = 0;
    pthread_mutex_unlock(&t->lock);
}

/* Drops the tokens older than ten minutes; called with the lock held. */
static void expire_tokens(struct ddb_txn_tokens *t, int64_t now_ms)
{
    size_t kept = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (now_ms - t->entries[i].at_ms < DDB_TXN_TOKEN_MS)
            t->entries[kept++] = t->entries[i];
    }
    t->n = kept;
}

/* Looks the transaction's token up, and records it when new (the caller
 * runs under the write lock, so two requests with one token serialize).
 * Sets x->is_replay or x->is_mismatch for a token seen before. */
static void claim_token(struct ddb_txn_tokens *t, struct txn *x,
                        int64_t now_ms)
{
    pthread_mutex_lock(&t->lock);
    expire_tokens(t, now_ms);
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->entries[i].token, x->token) != 0)
            continue;
        bool is_same = memcmp(t->entries[i].digest, x->digest,
                              sizeof x->digest) == 0;
        x->is_replay = is_same;
        x->is_mismatch = !is_same;
        pthread_mutex_unlock(&t->lock);
        return;
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->entries = xrealloc(t->entries, t->cap * sizeof *t->entries);
    }
    struct token_entry *e = &t->entries[t->n++];
    snprintf(e->token, sizeof e->token, "%s", x->token);
    memcpy(e->digest, x->digest, sizeof e->digest);
    e->at_ms = now_ms;
    pthread_mutex_unlock(&t->lock);
}

/* Forgets a token whose transaction did not commit after all. */
static void release_token(struct ddb_txn_tokens *t, const char *token)
{
    pthread_mutex_lock(&t->lock);
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->entries[i].token, token) == 0) {
            t->entries[i] = t->entries[--t->n];
            break;
        }
    }
    pthread_mutex_unlock(&t->lock);
}

static void txn_clear(struct txn *x)
{
    for (size_t i = 0; i < x->n; i++) {
        struct txn_item *it = &x->items[i];
        ddb_table_def_release(it->def);
        ddb_key_clear(&it->key);
        ddb_exprs_clear(&it->exprs);
        ddb_write_clear(&it->w);
        cJSON_Delete(it->item);
    }
}

/* AWS shows an overlong list as Java prints it, with hashes of its own
 * objects; ours are digests of the JSON, so only the shape can match. */
static void java_list(struct buf *out, const cJSON *list, const char *cls)
{
    const cJSON *el;
    buf_putc(out, '[');
    cJSON_ArrayForEach(el, list) {
        char *text = cJSON_PrintUnformatted(el);
        buf_printf(out, "%scom.amazonaws.dynamodb.v20120810.%s@%08x",
                   el == list->child ? "" : ", ", cls,
                   (unsigned)crypto_crc32(text, strlen(text)));
        free(text);
    }
    buf_putc(out, ']');
}

static void check_list(struct ddb_errors *e, const cJSON *list, bool is_write)
{
    int n = cJSON_GetArraySize(list);
    if (list == NULL) {
        ddb_errors_add(e, NULL, "transactItems", "Member must not be null");
    } else if (n < 1) {
        ddb_errors_add(e, "[]", "transactItems", "Member must have length "
                       "greater than or equal to 1");
    } else if (n > DDB_TXN_MAX_ITEMS) {
        struct buf shown;
        buf_init(&shown, 1 << 20);
        java_list(&shown, list, is_write ? "TransactWriteItem"
                                         : "TransactGetItem");
        ddb_errors_add(e, buf_cstr(&shown), "transactItems", "Member must "
                       "have length less than or equal to 100");
        buf_clear(&shown);
    }
}

static void check_token(struct ddb_errors *e, const char *token)
{
    if (token == NULL)
        return;
    size_t len = strlen(token);
    if (len < 1)
        ddb_errors_add(e, token, "clientRequestToken", "Member must have "
                       "length greater than or equal to 1");
    if (len > DDB_TXN_MAX_TOKEN)
        ddb_errors_add(e, token, "clientRequestToken", "Member must have "
                       "length less than or equal to 36");
}

/* Finds which action an element names; -1 with AWS's message when it names
 * none or several. */
static int read_kind(struct call *c, struct txn *x, const cJSON *el,
                     struct txn_item *it)
{
    int found = 0;
    if (!cJSON_IsObject(el))
        return call_fail(c, AWS_ERR_SERIALIZATION, "Unexpected value type "
                         "for member TransactItems: expected an object");
    for (int k = x->is_write ? TXN_PUT : TXN_GET;
         k <= (x->is_write ? TXN_CHECK : TXN_GET); k++) {
        const cJSON *spec;
        if (ddb_input_object(c, el, kinds[k].member, &spec) < 0)
            return -1;
        if (spec) {
            it->kind = (enum txn_kind)k;
            it->spec = spec;
            found++;
        }
    }
    if (found > 1)
        return call_fail(c, AWS_ERR_VALIDATION, "TransactItems can only "
                         "contain one of Check, Put, Update or Delete");
    if (found == 0 && x->is_write)
        return call_fail(c, AWS_ERR_VALIDATION, "The action or operation "
                         "requested is invalid. Verify that the action is "
                         "typed correctly.");
    return 0;
}

/* The members each action must have, as constraint violations. */
static int check_action(struct call *c, struct txn_item *it, size_t index,
                        struct ddb_errors *e)
{
    char path[160];
    const char *table;
    const char *on_failure;
    const cJSON *value;
    const char *k = kinds[it->kind].path;
    const char *value_member = it->kind == TXN_PUT ? "Item" : "Key";
    if (ddb_input_string(c, it->spec, "TableName", &table) < 0 ||
        ddb_input_object(c, it->spec, value_member, &value) < 0 ||
        ddb_input_string(c, it->spec, "ReturnValuesOnConditionCheckFailure",
                         &on_failure) < 0)
        return -1;
    snprintf(path, sizeof path, "transactItems.%zu.member.%s.tableName",
             index + 1, k);
    ddb_input_check_name(e, table, path);
    snprintf(path, sizeof path, "transactItems.%zu.member.%s.%s", index + 1,
             k, it->kind == TXN_PUT ? "item" : "key");
    if (value == NULL)
        ddb_errors_add(e, NULL, path, "Member must not be null");
    const char *required = it->kind == TXN_UPDATE ? "UpdateExpression"
                           : it->kind == TXN_CHECK ? "ConditionExpression"
                                                   : NULL;
    if (required && json_get_string(it->spec, required) == NULL) {
        snprintf(path, sizeof path, "transactItems.%zu.member.%s.%c%s",
                 index + 1, k, required[0] + ('a' - 'A'), required + 1);
        ddb_errors_add(e, NULL, path, "Member must not be null");
    }
    snprintf(path, sizeof path, "transactItems.%zu.member.%s."
             "returnValuesOnConditionCheckFailure", index + 1, k);
    ddb_input_check_enum(e, on_failure, path, on_failure_values);
    it->want_old_on_failure = on_failure && strcmp(on_failure, "ALL_OLD") ==
                                                0;
    it->value = (cJSON *)value; /* the call's body: normalized in place */
    return 0;
}

static int read_members(struct call *c, struct txn *x)
{
    const cJSON *list = NULL;
    struct ddb_errors e;
    ddb_errors_init(&e);
    int rc = ddb_capacity_read(c, c->input, &e, &x->capacity);
    if (rc == 0 && x->is_write)
        rc = ddb_capacity_read_metrics(c, c->input, &e, &x->want_metrics);
    if (rc == 0 && x->is_write)
        rc = ddb_input_string(c, c->input, "ClientRequestToken", &x->token);
    if (rc == 0)
        rc = ddb_input_array(c, c->input, "TransactItems", &list);
    if (rc == 0) {
        check_token(&e, x->token);
        check_list(&e, list, x->is_write);
    }
    const cJSON *walk = NULL;
    if (rc == 0 && cJSON_GetArraySize(list) <= DDB_TXN_MAX_ITEMS)
        walk = list;
    const cJSON *el;
    cJSON_ArrayForEach(el, walk) {
        struct txn_item *it = &x->items[x->n++];
        memset(it, 0, sizeof *it);
        buf_init(&it->key.enc, 0);
        rc = read_kind(c, x, el, it);
        if (rc == 0 && it->spec)
            rc = check_action(c, it, x->n - 1, &e);
        if (rc < 0)
            break;
        if (it->spec == NULL) {
            char path[64];
            snprintf(path, sizeof path, "transactItems.%zu.member.get", x->n);
            ddb_errors_add(&e, NULL, path, "Member must not be null");
        }
    }
    if (rc < 0) {
        ddb_errors_clear(&e);
        return -1;
    }
    return ddb_errors_report(c, &e);
}

/* The parameters a token guards: the actions and the metrics choice (not
 * ReturnConsumedCapacity, whose answer AWS lets differ on a replay). */
static void digest_request(struct call *c, struct txn *x)
{
    char *text = cJSON_PrintUnformatted(json_get(c->input, "TransactItems"));
    const char *metrics = json_get_string(c->input,
                                          "ReturnItemCollectionMetrics");
    struct buf all;
    buf_init(&all, 0);
    buf_puts(&all, text ? text : "");
    buf_printf(&all, "|%s", metrics ? metrics : "");
    crypto_sha256(all.data, all.len, x->digest);
    buf_clear(&all);
    free(text);
}

static unsigned exprs_of(enum txn_kind kind)
{
    switch (kind) {
    case TXN_UPDATE:
        return DDB_EXPRS_CONDITION | DDB_EXPRS_UPDATE;
    case TXN_GET:
        return DDB_EXPRS_PROJECTION;
    default:
        return DDB_EXPRS_CONDITION;
    }
}

/* Table, values, key and expressions of one action. */
static int resolve_item(struct call *c, struct txn_item *it)
{
    char err[1024];
    it->def = ddb_catalog_find(c->emu->catalog,
                               json_get_string(it->spec, "TableName"));
    if (it->def == NULL)
        return call_fail(c, AWS_ERR_RESOURCE_NOT_FOUND,
                         "Requested resource not found");
    int rc;
    if (it->kind == TXN_PUT) {
        rc = ddb_item_normalize(it->value, err, sizeof err);
        if (rc == 0 && ddb_item_size(it->value) > DDB_MAX_ITEM_BYTES)
            return call_fail(c, AWS_ERR_VALIDATION, "Item size has exceeded "
                             "the maximum allowed size");
        if (rc == 0)
            rc = ddb_key_from_item(it->def, it->value, &it->key, err,
                                   sizeof err);
    } else {
        rc = ddb_key_from_map(it->def, it->value, &it->key, err, sizeof err);
    }
    if (rc < 0)
        return ddb_input_fail_value(c, err);
    if (ddb_exprs_compile_in(c, it->spec, exprs_of(it->kind), &it->exprs) <
        0)
        return -1;
    if (it->kind != TXN_UPDATE || it->exprs.update == NULL)
        return 0;
    size_t n = 0;
    const char *const *targets = ddb_expr_update_targets(it->exprs.update,
                                                         &n);
    for (size_t i = 0; i < n; i++) {
        if (ddb_key_is_key_attribute(it->def, targets[i]))
            return call_fail(c, AWS_ERR_VALIDATION, "One or more parameter "
                             "values were invalid: Cannot update attribute "
                             "%s. This attribute is part of the key",
                             targets[i]);
    }
    return 0;
}

static bool same_item(const struct txn_item *a, const struct txn_item *b)
{
    return a->def->id == b->def->id && a->key.enc.len == b->key.enc.len &&
           memcmp(a->key.enc.data, b->key.enc.data, a->key.enc.len) == 0;
}

static int decode(struct call *c, struct txn *x)
{
    if (read_members(c, x) < 0)
        return -1;
    if (x->token)
        digest_request(c, x);
    for (size_t i = 0; i < x->n; i++) {
        if (resolve_item(c, &x->items[i]) < 0)
            return -1;
        for (size_t j = 0; j < i; j++) {
            if (same_item(&x->items[i], &x->items[j]))
                return call_fail(c, AWS_ERR_VALIDATION, "Transaction request "
                                 "cannot include multiple operations on one "
                                 "item");
        }
    }
    return 0;
}

static void prepare_writes(struct call *c, struct txn *x)
{
    int64_t now_ms = clock_now_ms(&c->emu->clock);
    static const enum ddb_write_kind write_kinds[] = {
        [TXN_PUT] = DDB_WRITE_PUT, [TXN_UPDATE] = DDB_WRITE_UPDATE,
        [TXN_DELETE] = DDB_WRITE_DELETE };
    for (size_t i = 0; i < x->n; i++) {
        struct txn_item *it = &x->items[i];
        if (it->kind == TXN_CHECK)
            continue;
        it->w = (struct ddb_write){
            .kind = write_kinds[it->kind],
            .def = it->def,
            .key = &it->key,
            .item = it->kind == TXN_PUT ? it->value : NULL,
            .key_map = it->kind == TXN_PUT ? NULL : it->value,
            .condition = it->exprs.condition,
            .update = it->exprs.update,
            .want_old = true,
            .emu = c->emu,
            .now_ms = now_ms,
        };
        ddb_write_render(&it->w);
    }
}

/* A ConditionCheck: reads the item into it->w.old and tests it. */
static enum store_result check_in_store(struct store_tx *tx,
                                        struct txn_item *it)
{
    struct buf text;
    buf_init(&text, 0);
    ddb_write_clear(&it->w);
    struct store_ddb_key key = ddb_key_store(&it->key);
    enum store_result res = store_ddb_item_get(tx, it->def->id, &key, &text);
    if (res == STORE_OK) {
        it->w.old = json_parse(text.data, text.len);
        res = it->w.old ? STORE_OK : STORE_ERROR;
    } else if (res == STORE_NOT_FOUND) {
        res = it->def->is_deleted ? STORE_NOT_FOUND : STORE_OK;
    }
    buf_clear(&text);
    bool ok;
    if (res == STORE_OK &&
        ddb_expr_test(it->exprs.condition, it->w.old, &ok, it->w.message,
                      sizeof it->w.message) < 0) {
        it->w.err = AWS_ERR_VALIDATION;
        return STORE_ABORT;
    }
    if (res == STORE_OK && !ok)
        return STORE_CONDITION_FAILED;
    return res;
}

/* Records an action's failure as its cancellation reason. */
static void set_reason(struct txn_item *it, enum store_result res)
{
    if (res == STORE_CONDITION_FAILED) {
        it->code = "ConditionalCheckFailed";
        snprintf(it->message, sizeof it->message,
                 "The conditional request failed");
    } else {
        it->code = "ValidationError";
        snprintf(it->message, sizeof it->message, "%s", it->w.message);
    }
}

struct write_txn {
    struct emulator *emu;
    struct txn *x;
};

static enum store_result write_in_store(struct store_tx *tx, void *arg)
{
    struct write_txn *t = arg;
    struct txn *x = t->x;
    bool is_cancelled = false;
    x->is_replay = x->is_mismatch = false;
    if (x->token) {
        claim_token(t->emu->txn_tokens, x, clock_now_ms(&t->emu->clock));
        if (x->is_replay || x->is_mismatch)
            return x->is_replay ? STORE_OK : STORE_ABORT;
    }
    for (size_t i = 0; i < x->n; i++) {
        struct txn_item *it = &x->items[i];
        it->code = NULL;
        enum store_result res = it->kind == TXN_CHECK
                                    ? check_in_store(tx, it)
                                    : ddb_write_apply(tx, &it->w);
        if (res == STORE_CONDITION_FAILED || res == STORE_ABORT) {
            set_reason(it, res);
            is_cancelled = true;
        } else if (res != STORE_OK) {
            return res;
        }
    }
    return is_cancelled ? STORE_CONDITION_FAILED : STORE_OK;
}

/* TransactionCanceledException: AWS capitalizes this error's Message and
 * gives every action a reason, "None" for those that did not fail. */
static int fail_cancelled(struct call *c, struct txn *x)
{
    struct buf summary;
    buf_init(&summary, 0);
    buf_puts(&summary, "Transaction cancelled, please refer cancellation "
             "reasons for specific reasons [");
    cJSON *detail = cJSON_CreateObject();
    cJSON *reasons = cJSON_AddArrayToObject(detail, "CancellationReasons");
    for (size_t i = 0; i < x->n; i++) {
        struct txn_item *it = &x->items[i];
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "Code", it->code ? it->code : "None");
        if (it->code && it->want_old_on_failure && it->w.old &&
            strcmp(it->code, "ConditionalCheckFailed") == 0) {
            cJSON_AddItemToObject(r, "Item", it->w.old);
            it->w.old = NULL; /* now the reason's */
        }
        if (it->code)
            cJSON_AddStringToObject(r, "Message", it->message);
        cJSON_AddItemToArray(reasons, r);
        buf_printf(&summary, "%s%s", i ? ", " : "",
                   it->code ? it->code : "None");
    }
    buf_putc(&summary, ']');
    cJSON_AddStringToObject(detail, "Message", buf_cstr(&summary));
    buf_clear(&summary);
    call_fail(c, AWS_ERR_TRANSACTION_CANCELED, "%s", "");
    cJSON_Delete(c->err_detail);
    c->err_detail = detail;
    return -1;
}

static struct ddb_consumed *used_of(struct txn *x, const char *table)
{
    struct ddb_consumed *u = ddb_capacity_entry(
        x->used, &x->n_used, sizeof x->used / sizeof x->used[0], table);
    u->is_split = true;
    return u;
}

/* Transactions cost double: each write two units per KB of the larger of
 * the item before and after, each read two units per 4 KB, consistent.
 * A replay reads what the transaction wrote. */
static void account(struct txn *x)
{
    for (size_t i = 0; i < x->n; i++) {
        struct txn_item *it = &x->items[i];
        struct ddb_consumed *u = used_of(x, it->def->name);
        size_t old = it->w.old_json ? it->w.old_size
                     : it->w.old    ? ddb_item_size(it->w.old)
                                    : 0;
        size_t now = it->kind == TXN_PUT ? ddb_item_size(it->value)
                     : it->w.new_item   ? ddb_item_size(it->w.new_item)
                                        : 0;
        if (it->kind == TXN_GET)
            old = it->item ? ddb_item_size(it->item) : 0;
        if (it->kind == TXN_CHECK || it->kind == TXN_GET || x->is_replay)
            u->read_units += 2 * ddb_capacity_read_units(old, true);
        else
            u->write_units +=
                2 * ddb_capacity_write_units(old > now ? old : now);
    }
}

static void add_capacity(cJSON *out, struct txn *x)
{
    if (x->capacity == DDB_CAPACITY_NONE)
        return;
    account(x);
    cJSON *list = cJSON_AddArrayToObject(out, "ConsumedCapacity");
    for (size_t i = 0; i < x->n_used; i++)
        cJSON_AddItemToArray(list, ddb_capacity_json(x->capacity,
                                                     &x->used[i]));
}

static void add_metrics(cJSON *out, struct txn *x)
{
    cJSON *all = NULL;
    for (size_t i = 0; x->want_metrics && !x->is_replay && i < x->n; i++) {
        struct txn_item *it = &x->items[i];
        cJSON *m = it->kind == TXN_CHECK
            ? NULL : ddb_capacity_collection_metrics(it->def, it->value);
        if (m == NULL)
            continue;
        if (all == NULL)
            all = cJSON_AddObjectToObject(out, "ItemCollectionMetrics");
        cJSON *list = (cJSON *)json_get(all, it->def->name);
        if (list == NULL)
            list = cJSON_AddArrayToObject(all, it->def->name);
        cJSON_AddItemToArray(list, m);
    }
}

int ddb_transact_write_items(struct call *c)
{
    struct txn *x = txn_new(true);
    int rc = decode(c, x);
    enum store_result res = STORE_OK;
    if (rc == 0) {
        prepare_writes(c, x);
        struct write_txn t = { .emu = c->emu, .x = x };
        res = store_write(c->emu->store, write_in_store, &t);
        bool was_claimed = x->token && !x->is_replay && !x->is_mismatch;
        if (res != STORE_OK && was_claimed)
            release_token(c->emu->txn_tokens, x->token);
    }
    if (rc == 0 && x->is_mismatch)
        rc = call_fail(c, AWS_ERR_IDEMPOTENT_PARAMETER_MISMATCH,
                       "Request token was reused with different "
                       "parameters");
    else if (rc == 0 && res == STORE_CONDITION_FAILED)
        rc = fail_cancelled(c, x);
    else if (rc == 0 && res == STORE_NOT_FOUND)
        rc = call_fail(c, AWS_ERR_RESOURCE_NOT_FOUND,
                       "Requested resource not found");
    else if (rc == 0 && res != STORE_OK)
        rc = call_fail(c, AWS_ERR_INTERNAL, "Internal server error");
    if (rc == 0) {
        cJSON *out = cJSON_CreateObject();
        add_capacity(out, x);
        add_metrics(out, x);
        rc = call_reply_json(c, out);
    }
    txn_clear(x);
    free(x);
    return rc;
}

static enum store_result get_in_store(struct store_tx *tx, void *arg)
{
    struct txn *x = arg;
    struct buf text;
    buf_init(&text, 0);
    enum store_result res = STORE_OK;
    for (size_t i = 0; i < x->n && res == STORE_OK; i++) {
        struct txn_item *it = &x->items[i];
        struct store_ddb_key key = ddb_key_store(&it->key);
        cJSON_Delete(it->item);
        it->item = NULL;
        buf_reset(&text);
        res = store_ddb_item_get(tx, it->def->id, &key, &text);
        if (res == STORE_OK) {
            it->item = json_parse(text.data, text.len);
            res = it->item ? STORE_OK : STORE_ERROR;
        } else if (res == STORE_NOT_FOUND) {
            res = STORE_OK;
        }
    }
    buf_clear(&text);
    return res;
}

static int reply_gets(struct call *c, struct txn *x)
{
    cJSON *out = cJSON_CreateObject();
    add_capacity(out, x);
    cJSON *responses = cJSON_AddArrayToObject(out, "Responses");
    for (size_t i = 0; i < x->n; i++) {
        struct txn_item *it = &x->items[i];
        cJSON *r = cJSON_CreateObject();
        if (it->item && it->exprs.projection)
            cJSON_AddItemToObject(r, "Item",
                                  ddb_expr_project(it->exprs.projection,
                                                   it->item));
        else if (it->item)
            cJSON_AddItemToObject(r, "Item", cJSON_Duplicate(it->item, true));
        cJSON_AddItemToArray(responses, r);
    }
    return call_reply_json(c, out);
}

int ddb_transact_get_items(struct call *c)
{
    struct txn *x = txn_new(false);
    int rc = decode(c, x);
    if (rc == 0 && store_read(c->emu->store, get_in_store, x) != STORE_OK)
        rc = call_fail(c, AWS_ERR_INTERNAL, "Internal server error");
    if (rc == 0)
        rc = reply_gets(c, x);
    txn_clear(x);
    free(x);
    return rc;
}
