/* Item writes inside a transaction; see ddb_write.h. Everything slow that
 * does not need the current item (parsing, validation, expression
 * compilation) happened before the write lock was taken; what is left here
 * is the read-modify-write that must be atomic. */
#include "dynamodb/ddb_write.h"

#include "base/buf.h"
#include "base/json.h"
#include "dynamodb/ddb_catalog.h"
#include "dynamodb/ddb_expr.h"
#include "dynamodb/ddb_index.h"
#include "dynamodb/ddb_value.h"
#include "state.h"
#include "store/store_ddb.h"
#include "streams/streams_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum store_result abort_with(struct ddb_write *w, enum aws_err err,
                                    const char *message)
{
    w->err = err;
    snprintf(w->message, sizeof w->message, "%s", message);
    return STORE_ABORT;
}

/* Parses the old item's text into w->old, if there is one and it is not
 * parsed yet. */
static enum store_result parse_old(struct ddb_write *w)
{
    if (w->old_json == NULL || w->old != NULL)
        return STORE_OK;
    w->old = json_parse(w->old_json, w->old_json_len);
    return w->old ? STORE_OK : STORE_ERROR;
}

/* Reads the current item's text and size (nothing when absent), and
 * parses it when is_parsed. */
static enum store_result read_old(struct store_tx *tx, struct ddb_write *w,
                                  bool is_parsed)
{
    struct buf text;
    buf_init(&text, 0);
    struct store_ddb_key key = ddb_key_store(w->key);
    enum store_result res = store_ddb_item_get_row(tx, w->def->id, &key,
                                                   &text, &w->old_size,
                                                   &w->old_row);
    if (res == STORE_OK)
        w->old_json = buf_detach(&text, &w->old_json_len);
    else if (res == STORE_NOT_FOUND)
        res = STORE_OK;
    buf_clear(&text);
    return res == STORE_OK && is_parsed ? parse_old(w) : res;
}

/* Whether the write looks into the old item itself, beyond its text:
 * conditions, updates and replies do, and so do index maintenance and a
 * deletion's stream record (its keys come from the old image). */
static bool needs_old(const struct ddb_write *w, bool is_indexed,
                      bool is_streamed)
{
    return w->condition || w->want_old || w->kind == DDB_WRITE_UPDATE ||
           is_indexed || (is_streamed && w->kind == DDB_WRITE_DELETE);
}

/* A put's stream record needs the old item only to tell whether the put
 * changed anything: two equal items print to the same number of bytes
 * (numbers are canonical, attributes and set members merely reordered),
 * so old text of another length is a change without comparing trees. */
static enum store_result parse_old_if_equal_length(struct ddb_write *w)
{
    if (w->old_json == NULL || w->old_json_len != w->new_json_len)
        return STORE_OK;
    return parse_old(w);
}

static enum store_result test_condition(struct ddb_write *w)
{
    bool ok;
    if (w->condition == NULL)
        return STORE_OK;
    if (ddb_expr_test(w->condition, w->old, &ok, w->message,
                      sizeof w->message) < 0) {
        w->err = AWS_ERR_VALIDATION;
        return STORE_ABORT;
    }
    return ok ? STORE_OK : STORE_CONDITION_FAILED;
}

/* Computes w->new_item from the old item (or the key) and the update. */
static enum store_result compute_update(struct ddb_write *w)
{
    w->new_item = w->old ? cJSON_Duplicate(w->old, true)
                         : cJSON_Duplicate(w->key_map, true);
    if (w->update &&
        ddb_expr_update(w->update, w->new_item, w->message,
                        sizeof w->message) < 0) {
        w->err = AWS_ERR_VALIDATION;
        return STORE_ABORT;
    }
    if (ddb_item_size(w->new_item) > DDB_MAX_ITEM_BYTES)
        return abort_with(w, AWS_ERR_VALIDATION, "Item size to update has "
                          "exceeded the maximum allowed size");
    /* An update of a missing item that only removes or deletes leaves no
     * item behind: AWS creates items for SET and ADD, and for an update
     * with no expression at all, but not for these. */
    if (w->old == NULL && w->update &&
        cJSON_GetArraySize(w->new_item) == cJSON_GetArraySize(w->key_map)) {
        cJSON_Delete(w->new_item);
        w->new_item = NULL;
    }
    return STORE_OK;
}

static void print_new_item(struct ddb_write *w, const cJSON *item)
{
    struct buf text;
    buf_init(&text, 0);
    json_write(&text, item);
    w->new_json = buf_detach(&text, &w->new_json_len);
    w->new_size = ddb_item_size(item);
}

void ddb_write_render(struct ddb_write *w)
{
    if (w->kind == DDB_WRITE_PUT && w->new_json == NULL)
        print_new_item(w, w->item);
}

/* The text and size are kept for the stream record and the reply, which
 * would otherwise print and measure the item again. An item read in this
 * transaction is replaced in its row. */
static enum store_result store_item(struct store_tx *tx, struct ddb_write *w,
                                    const cJSON *item)
{
    if (w->new_json == NULL)
        print_new_item(w, item);
    if (w->old_json)
        return store_ddb_item_replace(tx, w->old_row, w->new_json,
                                      w->new_json_len, w->new_size);
    struct store_ddb_key key = ddb_key_store(w->key);
    return store_ddb_item_put(tx, w->def->id, &key, w->new_json,
                              w->new_json_len, w->new_size);
}

/* The table's definition now, retained, or NULL when there is no catalog
 * to ask or the table went away. Asked under the write lock: the
 * request's definition may predate an UpdateTable that enabled or disabled
 * the stream, or added or deleted an index. */
static struct ddb_table_def *current_def(const struct ddb_write *w)
{
    if (w->emu == NULL)
        return NULL;
    struct ddb_table_def *cur = ddb_catalog_find(w->emu->catalog,
                                                 w->def->name);
    if (cur && cur->id != w->def->id) {
        ddb_table_def_release(cur);
        cur = NULL;
    }
    return cur;
}

/* Stores the outcome; *after is the item as it now is (NULL: deleted). */
static enum store_result apply_kind(struct store_tx *tx, struct ddb_write *w,
                                    const cJSON **after)
{
    enum store_result res;
    switch (w->kind) {
    case DDB_WRITE_PUT:
        *after = w->item;
        return store_item(tx, w, w->item);
    case DDB_WRITE_UPDATE:
        res = compute_update(w);
        *after = w->new_item;
        if (res != STORE_OK || w->new_item == NULL)
            return res;
        return store_item(tx, w, w->new_item);
    case DDB_WRITE_DELETE: {
        struct store_ddb_key key = ddb_key_store(w->key);
        *after = NULL;
        return store_ddb_item_delete(tx, w->def->id, &key);
    }
    }
    return STORE_ERROR;
}

/* Replaces the item's index entries, in the same transaction as the item:
 * an update's result is checked here, a put's item before anything. */
static enum store_result update_indexes(struct store_tx *tx,
                                        struct ddb_write *w,
                                        const struct ddb_table_def *def,
                                        const cJSON *after)
{
    if (w->kind == DDB_WRITE_UPDATE && after &&
        ddb_index_check_item(def, after, true, w->message,
                             sizeof w->message) < 0) {
        w->err = AWS_ERR_VALIDATION;
        return STORE_ABORT;
    }
    int64_t limit = w->emu ? w->emu->cfg.item_collection_max_bytes : 0;
    struct ddb_index_change ch = {
        .def = def, .old_item = w->old, .new_item = after,
        .collection_max_bytes = limit > 0 ? limit
                                          : DDB_MAX_ITEM_COLLECTION_BYTES };
    enum store_result res = ddb_index_apply(tx, &ch);
    if (res == STORE_ABORT)
        abort_with(w, ch.err, ch.message);
    return res;
}

/* Forgets what an earlier attempt of the transaction found and made; a
 * put's printed item depends on the request alone and stays. */
static void forget_attempt(struct ddb_write *w)
{
    cJSON_Delete(w->old);
    cJSON_Delete(w->new_item);
    free(w->old_json);
    w->old = NULL;
    w->new_item = NULL;
    w->old_json = NULL;
    w->old_json_len = 0;
    w->old_size = 0;
    w->old_row = 0;
    if (w->kind != DDB_WRITE_PUT) {
        free(w->new_json);
        w->new_json = NULL;
        w->new_json_len = 0;
        w->new_size = 0;
    }
}

enum store_result ddb_write_apply(struct store_tx *tx, struct ddb_write *w)
{
    /* The runner may retry a transaction: start from a clean slate. */
    forget_attempt(w);
    if (w->def->is_deleted)
        return STORE_NOT_FOUND;
    struct ddb_table_def *cur = current_def(w);
    const struct ddb_table_def *def = cur ? cur : w->def;
    bool is_streamed = cur && streams_log_is_enabled(cur->desc);
    bool is_indexed = def->n_indexes > 0;
    enum store_result res = STORE_OK;
    if (is_indexed && w->kind == DDB_WRITE_PUT &&
        ddb_index_check_item(def, w->item, false, w->message,
                             sizeof w->message) < 0) {
        w->err = AWS_ERR_VALIDATION;
        res = STORE_ABORT;
    }
    bool is_parsed = needs_old(w, is_indexed, is_streamed);
    if (res == STORE_OK && (is_parsed || is_streamed))
        res = read_old(tx, w, is_parsed);
    if (res == STORE_OK)
        res = test_condition(w);
    const cJSON *after = NULL;
    if (res == STORE_OK)
        res = apply_kind(tx, w, &after);
    if (res == STORE_OK && is_indexed)
        res = update_indexes(tx, w, def, after);
    if (res == STORE_OK && is_streamed && !is_parsed)
        res = parse_old_if_equal_length(w);
    if (res == STORE_OK && is_streamed) {
        /* The stream record commits with the change, or neither does. */
        struct streams_log_change ch = {
            .def = w->def, .old_item = w->old, .new_item = after,
            .old_json = { w->old_json, w->old_json_len },
            .new_json = { w->new_json, w->new_json_len },
            .old_size = w->old_size, .new_size = w->new_size,
            .is_ttl = w->is_ttl, .now_ms = w->now_ms };
        res = streams_log_append(tx, w->emu, &ch);
    }
    ddb_table_def_release(cur);
    return res;
}

void ddb_write_clear(struct ddb_write *w)
{
    forget_attempt(w);
    free(w->new_json);
    w->new_json = NULL;
    w->new_json_len = 0;
    w->new_size = 0;
}
