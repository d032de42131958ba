/* Range reads over item rows; see store_ddb_range.h. Every statement walks
 * the ddb_items primary key (tbl, hash, pk, sk) in order, so no read sorts
 * and each stops after the rows its caller takes. */
#include "store/store_ddb_range.h"

#include "store/store_ddb.h"
#include "store/store_internal.h"

/* Partition reads: the lower sort key bound is always bound (an empty blob,
 * the smallest key, when the caller gave none); the upper one is optional.
 * Indexed [lo is exclusive][hi: none, exclusive, inclusive][backward]. */
#define PARTITION_SQL(lo, hi, dir)                                          \
    "SELECT hash, pk, sk, item, size FROM ddb_items WHERE tbl = ?1 AND "    \
    "hash = ?2 AND pk = ?3 AND sk " lo " ?4" hi " ORDER BY sk " dir

static const char *const sql_partition[2][3][2] = {
    { { PARTITION_SQL(">=", "", "ASC"), PARTITION_SQL(">=", "", "DESC") },
      { PARTITION_SQL(">=", " AND sk < ?5", "ASC"),
        PARTITION_SQL(">=", " AND sk < ?5", "DESC") },
      { PARTITION_SQL(">=", " AND sk <= ?5", "ASC"),
        PARTITION_SQL(">=", " AND sk <= ?5", "DESC") } },
    { { PARTITION_SQL(">", "", "ASC"), PARTITION_SQL(">", "", "DESC") },
      { PARTITION_SQL(">", " AND sk < ?5", "ASC"),
        PARTITION_SQL(">", " AND sk < ?5", "DESC") },
      { PARTITION_SQL(">", " AND sk <= ?5", "ASC"),
        PARTITION_SQL(">", " AND sk <= ?5", "DESC") } },
};

static const char sql_scan_from[] =
    "SELECT hash, pk, sk, item, size FROM ddb_items WHERE tbl = ?1 AND "
    "hash BETWEEN ?2 AND ?3 ORDER BY hash, pk, sk";
static const char sql_scan_after[] =
    "SELECT hash, pk, sk, item, size FROM ddb_items WHERE tbl = ?1 AND "
    "hash BETWEEN ?2 AND ?3 AND (hash, pk, sk) > (?4, ?5, ?6) "
    "ORDER BY hash, pk, sk";

/* Binds a blob; SQLite binds NULL for a NULL pointer, so an empty key is
 * bound from "" to stay an empty blob. */
static void bind_blob(sqlite3_stmt *st, int i, const void *p, size_t len)
{
    sqlite3_bind_blob(st, i, len ? p : "", (int)len, SQLITE_STATIC);
}

/* Steps st, handing each row to fn until the rows run out or fn stops. */
static enum store_result run_rows(struct store_tx *tx, sqlite3_stmt *st,
                                  store_ddb_row_fn fn, void *arg)
{
    enum store_result res = STORE_OK;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_ddb_row row;
        row.hash = (uint32_t)sqlite3_column_int64(st, 0);
        row.pk = sqlite3_column_blob(st, 1);
        row.pk_len = (size_t)sqlite3_column_bytes(st, 1);
        row.sk = sqlite3_column_blob(st, 2);
        row.sk_len = (size_t)sqlite3_column_bytes(st, 2);
        row.item = (const char *)sqlite3_column_text(st, 3);
        row.item_len = (size_t)sqlite3_column_bytes(st, 3);
        row.size = (size_t)sqlite3_column_int64(st, 4);
        int verdict = fn(&row, arg);
        if (verdict != 0) {
            res = verdict < 0 ? STORE_ABORT : STORE_OK;
            break;
        }
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        res = store_fail(tx, "range read");
    sqlite3_reset(st);
    return res;
}

enum store_result store_ddb_partition_each(struct store_tx *tx,
                                           const struct store_ddb_partition *p,
                                           store_ddb_row_fn fn, void *arg)
{
    int lo_kind = p->lo.key && !p->lo.is_inclusive;
    int hi_kind = p->hi.key == NULL ? 0 : p->hi.is_inclusive ? 2 : 1;
    sqlite3_stmt *st =
        store_stmt(tx, sql_partition[lo_kind][hi_kind][p->is_backward]);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, p->table);
    sqlite3_bind_int64(st, 2, p->hash);
    bind_blob(st, 3, p->pk, p->pk_len);
    bind_blob(st, 4, p->lo.key, p->lo.key ? p->lo.len : 0);
    if (p->hi.key)
        bind_blob(st, 5, p->hi.key, p->hi.len);
    return run_rows(tx, st, fn, arg);
}

enum store_result store_ddb_table_scan(struct store_tx *tx, int64_t table,
                                       uint32_t hash_lo, uint32_t hash_hi,
                                       const struct store_ddb_key *after,
                                       store_ddb_row_fn fn, void *arg)
{
    sqlite3_stmt *st = store_stmt(tx, after ? sql_scan_after : sql_scan_from);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, table);
    sqlite3_bind_int64(st, 2, hash_lo);
    sqlite3_bind_int64(st, 3, hash_hi);
    if (after) {
        sqlite3_bind_int64(st, 4, after->hash);
        bind_blob(st, 5, after->pk, after->pk_len);
        bind_blob(st, 6, after->sk, after->sk_len);
    }
    return run_rows(tx, st, fn, arg);
}
