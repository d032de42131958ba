/* DynamoDB rows; see store_ddb.h. Every statement is cached per connection
 * and reset after use so no read lock outlives its call. */
#include "store/store_ddb.h"

#include "base/buf.h"
#include "store/store_internal.h"

static const char sql_table_insert[] =
    "INSERT INTO ddb_tables(id, name, def) VALUES(?1, ?2, ?3)";
static const char sql_table_update[] =
    "UPDATE ddb_tables SET def = ?2 WHERE id = ?1";
static const char sql_table_delete[] = "DELETE FROM ddb_tables WHERE id = ?1";
static const char sql_table_items_delete[] =
    "DELETE FROM ddb_items WHERE tbl = ?1";
static const char sql_table_index_items_delete[] =
    "DELETE FROM ddb_index_items WHERE tbl = ?1";
static const char sql_table_max_id[] = "SELECT coalesce(max(id), 0) FROM "
                                       "ddb_tables";
static const char sql_table_each[] = "SELECT id, def FROM ddb_tables "
                                     "ORDER BY id";
static const char sql_table_stats[] =
    "SELECT count(*), coalesce(sum(size), 0) FROM ddb_items WHERE tbl = ?1";
static const char sql_item_get[] =
    "SELECT item, size, rowid FROM ddb_items WHERE tbl = ?1 AND hash = ?2"
    " AND pk = ?3 AND sk = ?4";
static const char sql_item_put[] =
    "INSERT OR REPLACE INTO ddb_items(tbl, hash, pk, sk, item, size) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
static const char sql_item_replace[] =
    "UPDATE ddb_items SET item = ?2, size = ?3 WHERE rowid = ?1";
static const char sql_item_delete[] =
    "DELETE FROM ddb_items WHERE tbl = ?1 AND hash = ?2 AND pk = ?3 "
    "AND sk = ?4";


static void bind_key(sqlite3_stmt *st, int64_t table,
                     const struct store_ddb_key *key)
{
    sqlite3_bind_int64(st, 1, table);
    sqlite3_bind_int64(st, 2, key->hash);
    sqlite3_bind_blob(st, 3, key->pk, (int)key->pk_len, SQLITE_STATIC);
    sqlite3_bind_blob(st, 4, key->sk_len ? key->sk : "", (int)key->sk_len,
                      SQLITE_STATIC);
}

enum store_result store_ddb_table_insert(struct store_tx *tx, int64_t id,
                                         const char *name, const char *def)
{
    /* A table's id can be a deleted table's: forget its stream. */
    store_streams_cache(tx)->is_valid = false;
    sqlite3_stmt *st = store_stmt(tx, sql_table_insert);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, def, -1, SQLITE_STATIC);
    return store_step_done(tx, st, "insert table");
}

enum store_result store_ddb_table_update(struct store_tx *tx, int64_t id,
                                         const char *def)
{
    sqlite3_stmt *st = store_stmt(tx, sql_table_update);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, def, -1, SQLITE_STATIC);
    return store_step_done(tx, st, "update table");
}

enum store_result store_ddb_table_delete(struct store_tx *tx, int64_t id)
{
    store_streams_cache(tx)->is_valid = false;
    sqlite3_stmt *st = store_stmt(tx, sql_table_items_delete);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    enum store_result res = store_step_done(tx, st, "delete items");
    if (res != STORE_OK)
        return res;
    st = store_stmt(tx, sql_table_index_items_delete);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    res = store_step_done(tx, st, "delete index items");
    if (res != STORE_OK)
        return res;
    st = store_stmt(tx, sql_table_delete);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    return store_step_done(tx, st, "delete table");
}

enum store_result store_ddb_table_max_id(struct store_tx *tx, int64_t *out)
{
    sqlite3_stmt *st = store_stmt(tx, sql_table_max_id);
    if (st == NULL)
        return STORE_ERROR;
    if (sqlite3_step(st) != SQLITE_ROW)
        return store_fail(tx, "max table id");
    *out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return STORE_OK;
}

enum store_result store_ddb_table_each(struct store_tx *tx,
                                       store_ddb_table_fn fn, void *arg)
{
    sqlite3_stmt *st = store_stmt(tx, sql_table_each);
    if (st == NULL)
        return STORE_ERROR;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fn(sqlite3_column_int64(st, 0),
           (const char *)sqlite3_column_text(st, 1), arg);
    enum store_result res = rc == SQLITE_DONE ? STORE_OK
                                              : store_fail(tx, "list tables");
    sqlite3_reset(st);
    return res;
}

enum store_result store_ddb_table_stats(struct store_tx *tx, int64_t id,
                                        int64_t *count, int64_t *bytes)
{
    sqlite3_stmt *st = store_stmt(tx, sql_table_stats);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_ROW)
        return store_fail(tx, "table stats");
    *count = sqlite3_column_int64(st, 0);
    *bytes = sqlite3_column_int64(st, 1);
    sqlite3_reset(st);
    return STORE_OK;
}

enum store_result store_ddb_item_get(struct store_tx *tx, int64_t table,
                                     const struct store_ddb_key *key,
                                     struct buf *out)
{
    size_t size;
    int64_t row;
    return store_ddb_item_get_row(tx, table, key, out, &size, &row);
}

enum store_result store_ddb_item_get_row(struct store_tx *tx, int64_t table,
                                         const struct store_ddb_key *key,
                                         struct buf *out, size_t *size,
                                         int64_t *row)
{
    sqlite3_stmt *st = store_stmt(tx, sql_item_get);
    if (st == NULL)
        return STORE_ERROR;
    bind_key(st, table, key);
    int rc = sqlite3_step(st);
    enum store_result res = STORE_NOT_FOUND;
    if (rc == SQLITE_ROW) {
        buf_append(out, sqlite3_column_text(st, 0),
                   (size_t)sqlite3_column_bytes(st, 0));
        *size = (size_t)sqlite3_column_int64(st, 1);
        *row = sqlite3_column_int64(st, 2);
        res = STORE_OK;
    } else if (rc != SQLITE_DONE) {
        res = store_fail(tx, "get item");
    }
    sqlite3_reset(st);
    return res;
}

enum store_result store_ddb_item_put(struct store_tx *tx, int64_t table,
                                     const struct store_ddb_key *key,
                                     const char *json, size_t len,
                                     size_t size)
{
    sqlite3_stmt *st = store_stmt(tx, sql_item_put);
    if (st == NULL)
        return STORE_ERROR;
    bind_key(st, table, key);
    sqlite3_bind_text(st, 5, json, (int)len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, (int64_t)size);
    return store_step_done(tx, st, "put item");
}

enum store_result store_ddb_item_replace(struct store_tx *tx, int64_t row,
                                         const char *json, size_t len,
                                         size_t size)
{
    sqlite3_stmt *st = store_stmt(tx, sql_item_replace);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, row);
    sqlite3_bind_text(st, 2, json, (int)len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (int64_t)size);
    return store_step_done(tx, st, "replace item");
}

enum store_result store_ddb_item_delete(struct store_tx *tx, int64_t table,
                                        const struct store_ddb_key *key)
{
    sqlite3_stmt *st = store_stmt(tx, sql_item_delete);
    if (st == NULL)
        return STORE_ERROR;
    bind_key(st, table, key);
    return store_step_done(tx, st, "delete item");
}
