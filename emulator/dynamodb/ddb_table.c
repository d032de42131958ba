/* Table operations; see ddb_table.h. Each handler validates the request in
 * full before taking the write lock, then changes storage and the catalog
 * together inside one write transaction. */
#include "dynamodb/ddb_table.h"

#include "base/buf.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/mem.h"
#include "dynamodb/ddb_catalog.h"
#include "dynamodb/ddb_index.h"
#include "dynamodb/ddb_input.h"
#include "dynamodb/ddb_table_spec.h"
#include "http/call.h"
#include "state.h"
#include "store/store_ddb.h"
#include "store/store_ddb_index.h"
#include "streams/streams_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ListTables pages hold at most 100 names (its Limit's range is 1..100). */
#define DDB_LIST_TABLES_MAX 100

/* The request's TableName, validated; -1 with the error recorded. */
static int read_table_name(struct call *c, const char **name)
{
    if (ddb_input_string(c, c->input, "TableName", name) < 0)
        return -1;
    struct ddb_errors e;
    ddb_errors_init(&e);
    ddb_input_check_name(&e, *name, "tableName");
    return ddb_errors_report(c, &e);
}

struct ddb_table_def *ddb_table_require(struct call *c)
{
    const char *name;
    if (read_table_name(c, &name) < 0)
        return NULL;
    struct ddb_table_def *def = ddb_catalog_find(c->emu->catalog, name);
    if (def == NULL)
        call_fail(c, AWS_ERR_RESOURCE_NOT_FOUND,
                  "Requested resource not found");
    return def;
}

/* The table operations, unlike the item operations, name the table in
 * their not-found message (DescribeTable, DeleteTable and UpdateTable all
 * answer "Requested resource not found: Table: x not found"). */
static struct ddb_table_def *require_named(struct call *c)
{
    const char *name;
    if (read_table_name(c, &name) < 0)
        return NULL;
    struct ddb_table_def *def = ddb_catalog_find(c->emu->catalog, name);
    if (def == NULL)
        call_fail(c, AWS_ERR_RESOURCE_NOT_FOUND, "Requested resource not "
                  "found: Table: %s not found", name);
    return def;
}

struct table_stats {
    const struct ddb_table_def *def;
    int64_t count;
    int64_t bytes;
    int64_t *index_counts; /* per def->indexes[i] */
    int64_t *index_bytes;
};

static enum store_result read_stats(struct store_tx *tx, void *arg)
{
    struct table_stats *st = arg;
    const struct ddb_table_def *def = st->def;
    enum store_result res = store_ddb_table_stats(tx, def->id, &st->count,
                                                  &st->bytes);
    for (size_t i = 0; res == STORE_OK && i < def->n_indexes; i++)
        res = store_ddb_index_stats(tx, def->id, def->indexes[i].name,
                                    &st->index_counts[i],
                                    &st->index_bytes[i]);
    return res;
}

/* Adds what changes on its own to each index description: the status (as
 * the table's while it is created or deleted), item count and size. */
static void describe_indexes(cJSON *desc, const struct table_stats *st,
                             const char *status)
{
    const char *index_status = strcmp(status, "CREATING") == 0 ||
                                       strcmp(status, "DELETING") == 0
                                   ? status
                                   : "ACTIVE";
    const char *lists[2] = { "GlobalSecondaryIndexes",
                             "LocalSecondaryIndexes" };
    for (int k = 0; k < 2; k++) {
        cJSON *idx;
        cJSON_ArrayForEach(idx, cJSON_GetObjectItemCaseSensitive(desc,
                                                                 lists[k])) {
            const char *name = json_get_string(idx, "IndexName");
            const struct ddb_index_def *def =
                name ? ddb_table_def_index(st->def, name) : NULL;
            size_t i = def ? (size_t)(def - st->def->indexes) : 0;
            if (k == 0)
                cJSON_AddStringToObject(idx, "IndexStatus", index_status);
            cJSON_AddNumberToObject(idx, "IndexSizeBytes",
                                    def ? (double)st->index_bytes[i] : 0);
            cJSON_AddNumberToObject(idx, "ItemCount",
                                    def ? (double)st->index_counts[i] : 0);
        }
    }
}

/* The TableDescription AWS returns: the stored description plus status,
 * item count and size. */
static cJSON *describe(struct call *c, const struct ddb_table_def *def,
                       const char *status)
{
    cJSON *desc = cJSON_Duplicate(def->desc, true);
    /* Kept with the definition, answered by their own operations. */
    cJSON_DeleteItemFromObjectCaseSensitive(desc, "TimeToLiveDescription");
    cJSON_DeleteItemFromObjectCaseSensitive(desc,
                                            "PointInTimeRecoveryDescription");
    cJSON_DeleteItemFromObjectCaseSensitive(desc, "Tags");
    size_t n = def->n_indexes ? def->n_indexes : 1;
    struct table_stats st = { .def = def,
                              .index_counts = xcalloc(n, sizeof(int64_t)),
                              .index_bytes = xcalloc(n, sizeof(int64_t)) };
    if (store_read(c->emu->store, read_stats, &st) != STORE_OK) {
        st.count = st.bytes = 0;
        memset(st.index_counts, 0, n * sizeof(int64_t));
        memset(st.index_bytes, 0, n * sizeof(int64_t));
    }
    cJSON_AddStringToObject(desc, "TableStatus", status);
    cJSON_AddNumberToObject(desc, "ItemCount", (double)st.count);
    cJSON_AddNumberToObject(desc, "TableSizeBytes", (double)st.bytes);
    describe_indexes(desc, &st, status);
    free(st.index_counts);
    free(st.index_bytes);
    return desc;
}

static int reply_description(struct call *c, const struct ddb_table_def *def,
                             const char *member, const char *status)
{
    cJSON *out = cJSON_CreateObject();
    cJSON_AddItemToObject(out, member, describe(c, def, status));
    return call_reply_json(c, out);
}

struct create_txn {
    struct emulator *emu;
    cJSON *desc;                /* taken by the new definition */
    struct ddb_table_def *def;  /* set on success */
};

static enum store_result create_in_store(struct store_tx *tx, void *arg)
{
    struct create_txn *t = arg;
    const char *name = json_get_string(t->desc, "TableName");
    struct ddb_table_def *existing = ddb_catalog_find(t->emu->catalog, name);
    if (existing) {
        ddb_table_def_release(existing);
        return STORE_CONDITION_FAILED;
    }
    int64_t id;
    enum store_result res = store_ddb_table_max_id(tx, &id);
    if (res != STORE_OK)
        return res;
    char *text = cJSON_PrintUnformatted(t->desc);
    res = store_ddb_table_insert(tx, id + 1, name, text);
    free(text);
    if (res == STORE_OK)
        res = streams_log_table_changed(tx, t->emu, id + 1, NULL, t->desc,
                                        clock_now_ms(&t->emu->clock));
    if (res != STORE_OK)
        return res;
    t->def = ddb_table_def_new(id + 1, t->desc);
    t->desc = NULL;
    if (t->def == NULL)
        return STORE_ERROR;
    ddb_table_def_retain(t->def);
    ddb_catalog_add(t->emu->catalog, t->def);
    return STORE_OK;
}

int ddb_create_table(struct call *c)
{
    cJSON *desc = ddb_table_spec_create(c);
    if (desc == NULL)
        return -1;
    struct create_txn t = { .emu = c->emu, .desc = desc };
    enum store_result res = store_write(c->emu->store, create_in_store, &t);
    if (res == STORE_ERROR && t.def) {
        /* The commit failed after the catalog learned of the table. */
        ddb_table_def_release(ddb_catalog_remove(c->emu->catalog,
                                                 t.def->name));
    }
    cJSON_Delete(t.desc);
    int rc;
    if (res == STORE_OK)
        rc = reply_description(c, t.def, "TableDescription", "CREATING");
    else if (res == STORE_CONDITION_FAILED)
        rc = call_fail(c, AWS_ERR_RESOURCE_IN_USE, "Table already exists: %s",
                       json_get_string(c->input, "TableName"));
    else
        rc = call_fail(c, AWS_ERR_INTERNAL, "Internal server error");
    ddb_table_def_release(t.def);
    return rc;
}

int ddb_describe_table(struct call *c)
{
    struct ddb_table_def *def = require_named(c);
    if (def == NULL)
        return -1;
    int rc = reply_description(c, def, "Table", "ACTIVE");
    ddb_table_def_release(def);
    return rc;
}

static int check_list_input(struct call *c, const char **start,
                            long long *limit)
{
    bool has_limit;
    if (ddb_input_string(c, c->input, "ExclusiveStartTableName", start) < 0 ||
        ddb_input_integer(c, c->input, "Limit", limit, &has_limit) < 0)
        return -1;
    struct ddb_errors e;
    ddb_errors_init(&e);
    if (*start)
        ddb_input_check_name(&e, *start, "exclusiveStartTableName");
    char shown[32];
    snprintf(shown, sizeof shown, "%lld", *limit);
    if (has_limit && *limit < 1)
        ddb_errors_add(&e, shown, "limit", "Member must have value greater "
                       "than or equal to 1");
    if (has_limit && *limit > DDB_LIST_TABLES_MAX)
        ddb_errors_add(&e, shown, "limit", "Member must have value less "
                       "than or equal to 100");
    if (!has_limit)
        *limit = DDB_LIST_TABLES_MAX;
    return ddb_errors_report(c, &e);
}

int ddb_list_tables(struct call *c)
{
    const char *start;
    long long limit;
    if (check_list_input(c, &start, &limit) < 0)
        return -1;
    char **names;
    bool more;
    size_t n = ddb_catalog_list(c->emu->catalog, start, (size_t)limit,
                                &names, &more);
    cJSON *out = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(out, "TableNames");
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(list, cJSON_CreateString(names[i]));
    if (more && n > 0)
        cJSON_AddStringToObject(out, "LastEvaluatedTableName", names[n - 1]);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return call_reply_json(c, out);
}

struct delete_txn {
    struct emulator *emu;
    const char *name;
    struct ddb_table_def *def; /* the catalog's reference, once removed */
};

static enum store_result delete_in_store(struct store_tx *tx, void *arg)
{
    struct delete_txn *t = arg;
    struct ddb_table_def *def = ddb_catalog_find(t->emu->catalog, t->name);
    if (def == NULL)
        return STORE_NOT_FOUND;
    enum store_result res = store_ddb_table_delete(tx, def->id);
    if (res == STORE_OK)
        res = streams_log_table_changed(tx, t->emu, def->id, def->desc, NULL,
                                        clock_now_ms(&t->emu->clock));
    if (res == STORE_OK) {
        /* Writers check this under the write lock, so no item lands in a
         * table once its deletion committed. */
        def->is_deleted = true;
        t->def = ddb_catalog_remove(t->emu->catalog, t->name);
    }
    ddb_table_def_release(def);
    return res;
}

int ddb_delete_table(struct call *c)
{
    struct ddb_table_def *def = require_named(c);
    if (def == NULL)
        return -1;
    /* Describe first: afterwards the items, and so the counts, are gone. */
    cJSON *desc = describe(c, def, "DELETING");
    struct delete_txn t = { .emu = c->emu, .name = def->name };
    enum store_result res = store_write(c->emu->store, delete_in_store, &t);
    ddb_table_def_release(t.def);
    ddb_table_def_release(def);
    if (res != STORE_OK) {
        cJSON_Delete(desc);
        if (res == STORE_NOT_FOUND)
            return call_fail(c, AWS_ERR_RESOURCE_NOT_FOUND,
                             "Requested resource not found: Table: %s not "
                             "found", json_get_string(c->input, "TableName"));
        return call_fail(c, AWS_ERR_INTERNAL, "Internal server error");
    }
    cJSON *out = cJSON_CreateObject();
    cJSON_AddItemToObject(out, "TableDescription", desc);
    return call_reply_json(c, out);
}

struct update_txn {
    struct emulator *emu;
    const struct ddb_table_def *old;
    cJSON *desc;                /* taken by the new definition */
    struct ddb_table_def *def;  /* set on success */
};

/* Builds the entries of a GSI the update added and drops those of one it
 * deleted, in the update's transaction: readers see the index complete or
 * not at all. */
static enum store_result update_indexes(struct store_tx *tx,
                                        const struct ddb_table_def *old,
                                        const struct ddb_table_def *cur)
{
    enum store_result res = STORE_OK;
    for (size_t i = 0; res == STORE_OK && i < old->n_indexes; i++) {
        if (ddb_table_def_index(cur, old->indexes[i].name) == NULL)
            res = store_ddb_index_drop(tx, old->id, old->indexes[i].name);
    }
    for (size_t i = 0; res == STORE_OK && i < cur->n_indexes; i++) {
        if (ddb_table_def_index(old, cur->indexes[i].name) == NULL)
            res = ddb_index_backfill(tx, cur, &cur->indexes[i]);
    }
    return res;
}

static enum store_result update_in_store(struct store_tx *tx, void *arg)
{
    struct update_txn *t = arg;
    struct ddb_table_def *cur = ddb_catalog_find(t->emu->catalog,
                                                 t->old->name);
    /* Another UpdateTable or a DeleteTable got in first. */
    bool is_stale = cur != t->old;
    ddb_table_def_release(cur);
    if (is_stale)
        return STORE_CONDITION_FAILED;
    char *text = cJSON_PrintUnformatted(t->desc);
    enum store_result res = store_ddb_table_update(tx, t->old->id, text);
    free(text);
    if (res == STORE_OK)
        res = streams_log_table_changed(tx, t->emu, t->old->id, t->old->desc,
                                        t->desc,
                                        clock_now_ms(&t->emu->clock));
    if (res != STORE_OK)
        return res;
    t->def = ddb_table_def_new(t->old->id, t->desc);
    t->desc = NULL;
    if (t->def == NULL)
        return STORE_ERROR;
    res = update_indexes(tx, t->old, t->def);
    if (res != STORE_OK) {
        /* The runner may retry: the description is rebuilt from the def. */
        t->desc = cJSON_Duplicate(t->def->desc, true);
        ddb_table_def_release(t->def);
        t->def = NULL;
        return res;
    }
    ddb_table_def_retain(t->def);
    ddb_catalog_replace(t->emu->catalog, t->def);
    return STORE_OK;
}

int ddb_update_table(struct call *c)
{
    struct ddb_table_def *def = require_named(c);
    if (def == NULL)
        return -1;
    struct update_txn t = { .emu = c->emu, .old = def };
    t.desc = ddb_table_spec_update(c, def);
    enum store_result res = STORE_ABORT;
    if (t.desc)
        res = store_write(c->emu->store, update_in_store, &t);
    cJSON_Delete(t.desc);
    int rc = -1;
    if (res == STORE_OK)
        rc = reply_description(c, t.def, "TableDescription", "UPDATING");
    else if (res == STORE_CONDITION_FAILED)
        rc = call_fail(c, AWS_ERR_RESOURCE_IN_USE, "Attempt to change a "
                       "resource which is still in use: Table is being "
                       "updated: %s", def->name);
    else if (res != STORE_ABORT)
        rc = call_fail(c, AWS_ERR_INTERNAL, "Internal server error");
    ddb_table_def_release(t.def);
    ddb_table_def_release(def);
    return rc;
}

/* Stores desc (taken) in place of old's description. STORE_CONDITION_FAILED
 * when another change to the table got in first. */
static enum store_result replace_desc(struct emulator *emu,
                                      const struct ddb_table_def *old,
                                      cJSON *desc)
{
    struct update_txn t = { .emu = emu, .old = old, .desc = desc };
    enum store_result res = store_write(emu->store, update_in_store, &t);
    cJSON_Delete(t.desc);
    ddb_table_def_release(t.def);
    return res;
}

int ddb_table_change_desc(struct call *c, const struct ddb_desc_change *ch)
{
    enum store_result res = STORE_CONDITION_FAILED;
    for (int tries = 0; res == STORE_CONDITION_FAILED && tries < 8; tries++) {
        struct ddb_table_def *def = ch->find(c);
        if (def == NULL)
            return -1;
        cJSON *desc = ch->apply(c, def, ch->arg);
        res = desc ? replace_desc(c->emu, def, desc) : STORE_ABORT;
        ddb_table_def_release(def);
    }
    if (res == STORE_ABORT)
        return -1;
    if (res != STORE_OK)
        return call_fail(c, AWS_ERR_INTERNAL, "Internal server error");
    return 0;
}

static void load_one(int64_t id, const char *text, void *arg)
{
    struct emulator *emu = arg;
    cJSON *desc = json_parse(text, strlen(text));
    struct ddb_table_def *def = desc ? ddb_table_def_new(id, desc) : NULL;
    if (def == NULL) {
        cJSON_Delete(desc);
        return;
    }
    ddb_catalog_add(emu->catalog, def);
}

static enum store_result load_all(struct store_tx *tx, void *arg)
{
    return store_ddb_table_each(tx, load_one, arg);
}

int ddb_table_load(struct emulator *emu)
{
    return store_read(emu->store, load_all, emu) == STORE_OK ? 0 : -1;
}
