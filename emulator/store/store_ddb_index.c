/* Secondary index entries; see store_ddb_index.h. Statements are cached
 * per connection like store_ddb's, and reset after use. */
#include "store/store_ddb_index.h"

#include "store/store_internal.h"

static const char sql_put[] =
    "INSERT OR REPLACE INTO ddb_index_items(tbl, idx, hash, ipk, isk, bhash,"
    " bpk, bsk, item, size) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
static const char sql_delete[] =
    "DELETE FROM ddb_index_items WHERE tbl = ?1 AND idx = ?2 AND hash = ?3 "
    "AND ipk = ?4 AND isk = ?5 AND bpk = ?7 AND bsk = ?8";
static const char sql_drop[] =
    "DELETE FROM ddb_index_items WHERE tbl = ?1 AND idx = ?2";
static const char sql_stats[] =
    "SELECT count(*), coalesce(sum(size), 0) FROM ddb_index_items "
    "WHERE tbl = ?1 AND idx = ?2";
static const char sql_items_bytes[] =
    "SELECT coalesce(sum(size), 0) FROM ddb_items WHERE tbl = ?1 AND "
    "hash = ?2 AND pk = ?3";
static const char sql_entries_bytes[] =
    "SELECT coalesce(sum(size), 0) FROM ddb_index_items WHERE tbl = ?1 AND "
    "idx = ?4 AND hash = ?2 AND ipk = ?3";

/* Binds a blob; an empty key is bound from "" to stay an empty blob rather
 * than become NULL. */
static void bind_blob(sqlite3_stmt *st, int i, const void *p, size_t len)
{
    sqlite3_bind_blob(st, i, len ? p : "", (int)len, SQLITE_STATIC);
}

/* Binds ?1..?8 of the put and delete statements. */
static void bind_entry(sqlite3_stmt *st, const struct store_ddb_index_entry *e)
{
    sqlite3_bind_int64(st, 1, e->table);
    sqlite3_bind_text(st, 2, e->index, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, e->key.hash);
    bind_blob(st, 4, e->key.pk, e->key.pk_len);
    bind_blob(st, 5, e->key.sk, e->key.sk_len);
    sqlite3_bind_int64(st, 6, e->base.hash);
    bind_blob(st, 7, e->base.pk, e->base.pk_len);
    bind_blob(st, 8, e->base.sk, e->base.sk_len);
}


enum store_result store_ddb_index_put(struct store_tx *tx,
                                      const struct store_ddb_index_entry *e,
                                      const char *json, size_t len,
                                      size_t size)
{
    sqlite3_stmt *st = store_stmt(tx, sql_put);
    if (st == NULL)
        return STORE_ERROR;
    bind_entry(st, e);
    sqlite3_bind_text(st, 9, json, (int)len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 10, (int64_t)size);
    return store_step_done(tx, st, "put index entry");
}

enum store_result store_ddb_index_delete(struct store_tx *tx,
                                         const struct store_ddb_index_entry *e)
{
    sqlite3_stmt *st = store_stmt(tx, sql_delete);
    if (st == NULL)
        return STORE_ERROR;
    bind_entry(st, e);
    return store_step_done(tx, st, "delete index entry");
}

enum store_result store_ddb_index_drop(struct store_tx *tx, int64_t table,
                                       const char *index)
{
    sqlite3_stmt *st = store_stmt(tx, sql_drop);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, table);
    sqlite3_bind_text(st, 2, index, -1, SQLITE_STATIC);
    return store_step_done(tx, st, "drop index");
}

enum store_result store_ddb_index_stats(struct store_tx *tx, int64_t table,
                                        const char *index, int64_t *count,
                                        int64_t *bytes)
{
    sqlite3_stmt *st = store_stmt(tx, sql_stats);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, table);
    sqlite3_bind_text(st, 2, index, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW)
        return store_fail(tx, "index stats");
    *count = sqlite3_column_int64(st, 0);
    *bytes = sqlite3_column_int64(st, 1);
    sqlite3_reset(st);
    return STORE_OK;
}

enum store_result store_ddb_index_partition_bytes(struct store_tx *tx,
                                                  int64_t table,
                                                  const char *index,
                                                  const struct store_ddb_key *k,
                                                  int64_t *bytes)
{
    sqlite3_stmt *st = store_stmt(tx, index ? sql_entries_bytes
                                            : sql_items_bytes);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, table);
    sqlite3_bind_int64(st, 2, k->hash);
    bind_blob(st, 3, k->pk, k->pk_len);
    if (index)
        sqlite3_bind_text(st, 4, index, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW)
        return store_fail(tx, "partition bytes");
    *bytes = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return STORE_OK;
}
