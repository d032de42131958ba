/* Single-item operations; see ddb_item.h. Each handler decodes and
 * validates its request, compiles its expressions, then runs one write
 * through ddb_write (or one read) and shapes the reply. */
#include "dynamodb/ddb_item.h"

#include "base/clock.h"
#include "base/json.h"
#include "dynamodb/ddb_capacity.h"
#include "dynamodb/ddb_catalog.h"
#include "dynamodb/ddb_expr.h"
#include "dynamodb/ddb_exprs.h"
#include "dynamodb/ddb_input.h"
#include "dynamodb/ddb_key.h"
#include "dynamodb/ddb_legacy.h"
#include "dynamodb/ddb_table.h"
#include "dynamodb/ddb_value.h"
#include "dynamodb/ddb_write.h"
#include "http/call.h"
#include "state.h"
#include "store/store_ddb.h"

#include <string.h>

/* Enum lists in the order AWS prints them in constraint messages. */
static const char *const put_return_values[] = { "ALL_OLD", "NONE", NULL };
static const char *const update_return_values[] = {
    "ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW", NULL };
static const char *const on_failure_values[] = { "ALL_OLD", "NONE", NULL };

/* The members every single-item request shares. */
struct item_request {
    struct ddb_table_def *def; /* reference released by item_request_clear */
    struct ddb_key key;
    struct ddb_exprs exprs;
    const char *return_values;    /* NULL means NONE */
    bool want_old_on_failure;     /* ReturnValuesOnConditionCheckFailure */
    enum ddb_capacity_mode capacity; /* ReturnConsumedCapacity */
    bool want_metrics;            /* ReturnItemCollectionMetrics SIZE */
    unsigned legacy;              /* ddb_legacy_used mask */
};

static void item_request_clear(struct item_request *r)
{
    ddb_table_def_release(r->def);
    ddb_key_clear(&r->key);
    ddb_exprs_clear(&r->exprs);
}

/* Reads ReturnValues and ReturnValuesOnConditionCheckFailure. The enum
 * check comes first, then the operation's own narrower rule, as on AWS. */
static int read_return_values(struct call *c, struct item_request *r,
                              const char *const *allowed)
{
    const char *on_failure;
    if (ddb_input_string(c, c->input, "ReturnValues", &r->return_values) < 0 ||
        ddb_input_string(c, c->input, "ReturnValuesOnConditionCheckFailure",
                         &on_failure) < 0)
        return -1;
    struct ddb_errors e;
    ddb_errors_init(&e);
    if (ddb_capacity_read(c, c->input, &e, &r->capacity) < 0 ||
        ddb_capacity_read_metrics(c, c->input, &e, &r->want_metrics) < 0) {
        ddb_errors_clear(&e);
        return -1;
    }
    ddb_input_check_enum(&e, r->return_values, "returnValues",
                         update_return_values);
    ddb_input_check_enum(&e, on_failure,
                         "returnValuesOnConditionCheckFailure",
                         on_failure_values);
    if (ddb_errors_report(c, &e) < 0)
        return -1;
    bool is_allowed = r->return_values == NULL;
    for (size_t i = 0; !is_allowed && allowed[i]; i++)
        is_allowed = strcmp(r->return_values, allowed[i]) == 0;
    if (!is_allowed)
        return call_fail(c, AWS_ERR_VALIDATION, "ReturnValues can only be "
                         "ALL_OLD or NONE");
    r->want_old_on_failure = on_failure && strcmp(on_failure, "ALL_OLD") == 0;
    if (r->return_values && strcmp(r->return_values, "NONE") == 0)
        r->return_values = NULL;
    return 0;
}

/* Maps a write's outcome to the reply's error, if any. */
static int write_outcome(struct call *c, struct item_request *r,
                         struct ddb_write *w, enum store_result res)
{
    switch (res) {
    case STORE_OK:
        return 0;
    case STORE_CONDITION_FAILED:
        if (r->want_old_on_failure && w->old) {
            c->err_detail = cJSON_CreateObject();
            cJSON_AddItemToObject(c->err_detail, "Item", w->old);
            w->old = NULL;
        }
        return call_fail(c, AWS_ERR_CONDITIONAL_CHECK_FAILED,
                         "The conditional request failed");
    case STORE_NOT_FOUND:
        return call_fail(c, AWS_ERR_RESOURCE_NOT_FOUND,
                         "Requested resource not found");
    case STORE_ABORT:
        return call_fail(c, w->err, "%s", w->message);
    default:
        return call_fail(c, AWS_ERR_INTERNAL, "Internal server error");
    }
}

static enum store_result run_write(struct store_tx *tx, void *arg)
{
    return ddb_write_apply(tx, arg);
}

/* Writes the reply of a write: Attributes (taken), then the consumed
 * capacity (one unit per KB of the larger of the item before and after)
 * and the item collection metrics when asked. */
static int reply_write(struct call *c, const struct item_request *r,
                       const struct ddb_write *w, cJSON *attributes)
{
    cJSON *out = cJSON_CreateObject();
    if (attributes && cJSON_GetArraySize(attributes) > 0)
        cJSON_AddItemToObject(out, "Attributes", attributes);
    else
        cJSON_Delete(attributes);
    const cJSON *after = w->kind == DDB_WRITE_PUT ? w->item : w->new_item;
    size_t old = w->old_json ? w->old_size : 0;
    size_t now = after ? w->new_size : 0;
    struct ddb_consumed u = {
        .table = r->def->name,
        .write_units = ddb_capacity_write_units(old > now ? old : now),
    };
    ddb_capacity_add(out, r->capacity, &u);
    cJSON *m = r->want_metrics
        ? ddb_capacity_collection_metrics(r->def, json_get(c->input,
              w->kind == DDB_WRITE_PUT ? "Item" : "Key"))
        : NULL;
    if (m)
        cJSON_AddItemToObject(out, "ItemCollectionMetrics", m);
    return call_reply_json(c, out);
}

static int check_item_size(struct call *c, const cJSON *item)
{
    if (ddb_item_size(item) > DDB_MAX_ITEM_BYTES)
        return call_fail(c, AWS_ERR_VALIDATION, "Item size has exceeded the "
                         "maximum allowed size");
    return 0;
}

static int decode_put(struct call *c, struct item_request *r, cJSON **item)
{
    char err[1024];
    const cJSON *it;
    r->def = ddb_table_require(c);
    if (r->def == NULL || ddb_input_object(c, c->input, "Item", &it) < 0)
        return -1;
    if (it == NULL) {
        struct ddb_errors e;
        ddb_errors_init(&e);
        ddb_errors_add(&e, NULL, "item", "Member must not be null");
        return ddb_errors_report(c, &e);
    }
    *item = (cJSON *)it;
    if (ddb_item_normalize(*item, err, sizeof err) < 0 ||
        ddb_key_from_item(r->def, *item, &r->key, err, sizeof err) < 0)
        return ddb_input_fail_value(c, err);
    if (check_item_size(c, *item) < 0 ||
        ddb_legacy_rewrite(c, c->input, DDB_LEGACY_PUT_ITEM,
                           &r->legacy) < 0 ||
        read_return_values(c, r, put_return_values) < 0)
        return -1;
    return ddb_exprs_compile(c, DDB_EXPRS_CONDITION, &r->exprs);
}

int ddb_put_item(struct call *c)
{
    struct item_request r = { 0 };
    struct ddb_write w = { .kind = DDB_WRITE_PUT };
    cJSON *item = NULL;
    int rc = decode_put(c, &r, &item);
    if (rc == 0) {
        w.def = r.def;
        w.key = &r.key;
        w.emu = c->emu;
        w.now_ms = clock_now_ms(&c->emu->clock);
        w.item = item;
        w.condition = r.exprs.condition;
        w.want_old = r.return_values || r.want_old_on_failure ||
                     r.capacity != DDB_CAPACITY_NONE;
        ddb_write_render(&w);
        enum store_result res = store_write(c->emu->store, run_write, &w);
        rc = write_outcome(c, &r, &w, res);
    }
    if (rc == 0) {
        rc = reply_write(c, &r, &w,
                         r.return_values ? cJSON_Duplicate(w.old, true)
                                         : NULL);
    }
    ddb_write_clear(&w);
    item_request_clear(&r);
    return rc;
}

/* Reads and checks the Key member into r->key. */
static int decode_key(struct call *c, struct item_request *r)
{
    const cJSON *key;
    char err[1024];
    r->def = ddb_table_require(c);
    if (r->def == NULL || ddb_input_object(c, c->input, "Key", &key) < 0)
        return -1;
    if (key == NULL) {
        struct ddb_errors e;
        ddb_errors_init(&e);
        ddb_errors_add(&e, NULL, "key", "Member must not be null");
        return ddb_errors_report(c, &e);
    }
    if (ddb_key_from_map(r->def, (cJSON *)key, &r->key, err, sizeof err) < 0)
        return ddb_input_fail_value(c, err);
    return 0;
}

struct get_txn {
    const struct ddb_table_def *def;
    const struct ddb_key *key;
    struct buf item; /* the stored item's JSON when found */
    bool is_found;
};

static enum store_result get_in_store(struct store_tx *tx, void *arg)
{
    struct get_txn *t = arg;
    struct store_ddb_key key = ddb_key_store(t->key);
    buf_reset(&t->item);
    enum store_result res = store_ddb_item_get(tx, t->def->id, &key,
                                               &t->item);
    t->is_found = res == STORE_OK;
    return res == STORE_NOT_FOUND ? STORE_OK : res;
}

/* Writes {"Item": ...} for a found item: the stored JSON as it is, or its
 * projection. */
/* Appends the ConsumedCapacity member of a GetItem reply after sep, or
 * nothing when not asked: one unit per 4 KB of the item (a missing item
 * costs one), halved unless consistent. */
static int add_read_capacity(struct call *c, const struct item_request *r,
                             const struct get_txn *t, bool is_consistent,
                             const char *sep)
{
    if (r->capacity == DDB_CAPACITY_NONE)
        return 0;
    size_t size = 0;
    if (t->is_found) {
        cJSON *item = json_parse(t->item.data, t->item.len);
        if (item == NULL)
            return call_fail(c, AWS_ERR_INTERNAL, "Internal server error");
        size = ddb_item_size(item);
        cJSON_Delete(item);
    }
    struct ddb_consumed u = {
        .table = r->def->name,
        .read_units = ddb_capacity_read_units(size, is_consistent),
    };
    cJSON *cc = ddb_capacity_json(r->capacity, &u);
    buf_printf(&c->out, "%s\"ConsumedCapacity\":", sep);
    json_write(&c->out, cc);
    cJSON_Delete(cc);
    return 0;
}

static int reply_item(struct call *c, struct item_request *r,
                      struct get_txn *t, bool is_consistent)
{
    buf_reset(&c->out);
    buf_putc(&c->out, '{');
    if (t->is_found && r->exprs.projection == NULL) {
        buf_puts(&c->out, "\"Item\":");
        buf_append(&c->out, t->item.data, t->item.len);
    } else if (t->is_found) {
        cJSON *item = json_parse(t->item.data, t->item.len);
        if (item == NULL)
            return call_fail(c, AWS_ERR_INTERNAL, "Internal server error");
        cJSON *projected = ddb_expr_project(r->exprs.projection, item);
        cJSON_Delete(item);
        buf_puts(&c->out, "\"Item\":");
        json_write(&c->out, projected);
        cJSON_Delete(projected);
    }
    if (add_read_capacity(c, r, t, is_consistent,
                          t->is_found ? "," : "") < 0)
        return -1;
    buf_putc(&c->out, '}');
    return 0;
}

static int read_get_capacity(struct call *c, struct item_request *r)
{
    struct ddb_errors e;
    ddb_errors_init(&e);
    if (ddb_capacity_read(c, c->input, &e, &r->capacity) < 0) {
        ddb_errors_clear(&e);
        return -1;
    }
    return ddb_errors_report(c, &e);
}

int ddb_get_item(struct call *c)
{
    struct item_request r = { 0 };
    struct get_txn t = { 0 };
    bool is_consistent;
    buf_init(&t.item, 0);
    int rc = decode_key(c, &r);
    if (rc == 0 &&
        (ddb_input_bool(c, c->input, "ConsistentRead", &is_consistent) < 0 ||
         read_get_capacity(c, &r) < 0 ||
         ddb_legacy_rewrite(c, c->input, DDB_LEGACY_GET_ITEM,
                            &r.legacy) < 0 ||
         ddb_exprs_compile(c, DDB_EXPRS_PROJECTION, &r.exprs) < 0))
        rc = -1;
    if (rc == 0) {
        t.def = r.def;
        t.key = &r.key;
        if (store_read_one(c->emu->store, get_in_store, &t) != STORE_OK)
            rc = call_fail(c, AWS_ERR_INTERNAL, "Internal server error");
    }
    if (rc == 0)
        rc = reply_item(c, &r, &t, is_consistent);
    buf_clear(&t.item);
    item_request_clear(&r);
    return rc;
}

/* AWS refuses an update that would change a key attribute before it looks
 * at the item. */
static int check_update_targets(struct call *c, struct item_request *r)
{
    size_t n = 0;
    if (r->exprs.update == NULL)
        return 0;
    const char *const *targets = ddb_expr_update_targets(r->exprs.update, &n);
    for (size_t i = 0; i < n; i++) {
        if (ddb_key_is_key_attribute(r->def, targets[i]))
            return call_fail(c, AWS_ERR_VALIDATION, "One or more parameter "
                             "values were invalid: Cannot update attribute "
                             "%s. This attribute is part of the key",
                             targets[i]);
    }
    return 0;
}

static cJSON *update_attributes(struct item_request *r, struct ddb_write *w)
{
    const char *rv = r->return_values;
    if (rv == NULL)
        return NULL;
    if (strcmp(rv, "ALL_OLD") == 0)
        return w->old ? cJSON_Duplicate(w->old, true) : NULL;
    if (strcmp(rv, "ALL_NEW") == 0)
        return w->new_item ? cJSON_Duplicate(w->new_item, true) : NULL;
    if (r->exprs.update == NULL)
        return NULL;
    return ddb_expr_update_project(r->exprs.update,
                                   strcmp(rv, "UPDATED_OLD") == 0
                                       ? w->old : w->new_item);
}

int ddb_update_item(struct call *c)
{
    struct item_request r = { 0 };
    struct ddb_write w = { .kind = DDB_WRITE_UPDATE };
    int rc = decode_key(c, &r);
    if (rc == 0 &&
        (ddb_legacy_rewrite(c, c->input, DDB_LEGACY_UPDATE_ITEM,
                            &r.legacy) < 0 ||
         read_return_values(c, &r, update_return_values) < 0 ||
         ddb_exprs_compile(c, DDB_EXPRS_CONDITION | DDB_EXPRS_UPDATE,
                           &r.exprs) < 0 ||
         check_update_targets(c, &r) < 0))
        rc = -1;
    if (rc == 0) {
        w.def = r.def;
        w.key = &r.key;
        w.emu = c->emu;
        w.now_ms = clock_now_ms(&c->emu->clock);
        w.key_map = json_get(c->input, "Key");
        w.condition = r.exprs.condition;
        w.update = r.exprs.update;
        w.want_old = true;
        enum store_result res = store_write(c->emu->store, run_write, &w);
        if (res == STORE_ABORT && (r.legacy & DDB_LEGACY_USED_UPDATES))
            ddb_legacy_update_message(w.message, sizeof w.message);
        rc = write_outcome(c, &r, &w, res);
    }
    if (rc == 0)
        rc = reply_write(c, &r, &w, update_attributes(&r, &w));
    ddb_write_clear(&w);
    item_request_clear(&r);
    return rc;
}

int ddb_delete_item(struct call *c)
{
    struct item_request r = { 0 };
    struct ddb_write w = { .kind = DDB_WRITE_DELETE };
    int rc = decode_key(c, &r);
    if (rc == 0 &&
        (ddb_legacy_rewrite(c, c->input, DDB_LEGACY_DELETE_ITEM,
                            &r.legacy) < 0 ||
         read_return_values(c, &r, put_return_values) < 0 ||
         ddb_exprs_compile(c, DDB_EXPRS_CONDITION, &r.exprs) < 0))
        rc = -1;
    if (rc == 0) {
        w.def = r.def;
        w.key = &r.key;
        w.emu = c->emu;
        w.now_ms = clock_now_ms(&c->emu->clock);
        w.condition = r.exprs.condition;
        w.want_old = r.return_values || r.want_old_on_failure ||
                     r.capacity != DDB_CAPACITY_NONE;
        enum store_result res = store_write(c->emu->store, run_write, &w);
        rc = write_outcome(c, &r, &w, res);
    }
    if (rc == 0) {
        rc = reply_write(c, &r, &w,
                         r.return_values ? cJSON_Duplicate(w.old, true)
                                         : NULL);
    }
    ddb_write_clear(&w);
    item_request_clear(&r);
    return rc;
}
