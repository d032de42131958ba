/* Range reads over item and index rows; see store_ddb_range.h. Every
 * statement walks a primary key in order (ddb_items' (tbl, hash, pk, sk),
 * ddb_index_items' (tbl, idx, hash, ipk, isk, bpk, bsk)), so no read sorts
 * and each stops after the rows its caller takes. */
#include "store/store_ddb_range.h"

#include "base/buf.h"
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

/* Index partition reads, indexed [lo][hi][backward]: lo is inclusive,
 * exclusive, or "after the resume point" (a row value over the sort key
 * and the base key); hi is none, exclusive, inclusive, or "before the
 * resume point". A forward resume replaces the lower bound and a backward
 * one the upper: the start key was checked to lie within both bounds. */
#define INDEX_SQL(lo, hi, dir)                                              \
    "SELECT hash, ipk, isk, item, size, bhash, bpk, bsk FROM "              \
    "ddb_index_items WHERE tbl = ?1 AND idx = ?2 AND hash = ?3 AND "        \
    "ipk = ?4 AND " lo hi " ORDER BY isk " dir ", bpk " dir ", bsk " dir
#define INDEX_LO_GE "isk >= ?5"
#define INDEX_LO_GT "isk > ?5"
#define INDEX_LO_AFTER "(isk, bpk, bsk) > (?5, ?7, ?8)"
#define INDEX_HI_LT " AND isk < ?6"
#define INDEX_HI_LE " AND isk <= ?6"
#define INDEX_HI_BEFORE " AND (isk, bpk, bsk) < (?6, ?7, ?8)"
#define INDEX_ROW(lo)                                                       \
    { { INDEX_SQL(lo, "", "ASC"), INDEX_SQL(lo, "", "DESC") },              \
      { INDEX_SQL(lo, INDEX_HI_LT, "ASC"), INDEX_SQL(lo, INDEX_HI_LT, "DESC") }, \
      { INDEX_SQL(lo, INDEX_HI_LE, "ASC"), INDEX_SQL(lo, INDEX_HI_LE, "DESC") }, \
      { INDEX_SQL(lo, INDEX_HI_BEFORE, "ASC"),                              \
        INDEX_SQL(lo, INDEX_HI_BEFORE, "DESC") } }

static const char *const sql_index_partition[3][4][2] = {
    INDEX_ROW(INDEX_LO_GE),
    INDEX_ROW(INDEX_LO_GT),
    INDEX_ROW(INDEX_LO_AFTER),
};

static const char sql_index_scan_from[] =
    "SELECT hash, ipk, isk, item, size, bhash, bpk, bsk FROM ddb_index_items "
    "WHERE tbl = ?1 AND idx = ?2 AND hash BETWEEN ?3 AND ?4 "
    "ORDER BY hash, ipk, isk, bpk, bsk";
static const char sql_index_scan_after[] =
    "SELECT hash, ipk, isk, item, size, bhash, bpk, bsk FROM ddb_index_items "
    "WHERE tbl = ?1 AND idx = ?2 AND hash BETWEEN ?3 AND ?4 AND "
    "(hash, ipk, isk, bpk, bsk) > (?5, ?6, ?7, ?8, ?9) "
    "ORDER BY hash, ipk, isk, bpk, bsk";

/* Like run_rows, for index rows; with is_fetch each row's item is replaced
 * by its base item, read in the same snapshot (the entry's projected item
 * stays when the base item is missing, which a consistent store never
 * shows). */
static enum store_result run_index_rows(struct store_tx *tx, sqlite3_stmt *st,
                                        int64_t table, bool is_fetch,
                                        store_ddb_row_fn fn, void *arg)
{
    if (!is_fetch)
        return run_rows(tx, st, fn, arg);
    enum store_result res = STORE_OK;
    struct buf item;
    buf_init(&item, 0);
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
        struct store_ddb_key base = {
            .hash = (uint32_t)sqlite3_column_int64(st, 5),
            .pk = sqlite3_column_blob(st, 6),
            .pk_len = (size_t)sqlite3_column_bytes(st, 6),
            .sk = sqlite3_column_blob(st, 7),
            .sk_len = (size_t)sqlite3_column_bytes(st, 7),
        };
        buf_reset(&item);
        res = store_ddb_item_get(tx, table, &base, &item);
        if (res == STORE_ERROR || res == STORE_BUSY)
            break;
        res = STORE_OK;
        if (item.len > 0) {
            row.item = item.data;
            row.item_len = item.len;
        }
        int verdict = fn(&row, arg);
        if (verdict != 0) {
            res = verdict < 0 ? STORE_ABORT : STORE_OK;
            break;
        }
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        res = store_fail(tx, "index range read");
    buf_clear(&item);
    sqlite3_reset(st);
    return res;
}

enum store_result
store_ddb_index_partition_each(struct store_tx *tx,
                               const struct store_ddb_index_partition *ip,
                               store_ddb_row_fn fn, void *arg)
{
    const struct store_ddb_partition *p = &ip->part;
    const struct store_ddb_index_after *a = ip->after;
    int lo_kind = p->lo.key && !p->lo.is_inclusive;
    int hi_kind = p->hi.key == NULL ? 0 : p->hi.is_inclusive ? 2 : 1;
    const void *lo = p->lo.key;
    size_t lo_len = p->lo.key ? p->lo.len : 0;
    const void *hi = p->hi.key;
    size_t hi_len = p->hi.len;
    if (a && !p->is_backward) {
        lo_kind = 2;
        lo = a->sk;
        lo_len = a->sk_len;
    } else if (a) {
        hi_kind = 3;
        hi = a->sk;
        hi_len = a->sk_len;
    }
    sqlite3_stmt *st = store_stmt(
        tx, sql_index_partition[lo_kind][hi_kind][p->is_backward]);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, p->table);
    sqlite3_bind_text(st, 2, ip->index, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, p->hash);
    bind_blob(st, 4, p->pk, p->pk_len);
    bind_blob(st, 5, lo, lo_len);
    if (hi_kind != 0)
        bind_blob(st, 6, hi, hi_len);
    if (a) {
        bind_blob(st, 7, a->base_pk, a->base_pk_len);
        bind_blob(st, 8, a->base_sk, a->base_sk_len);
    }
    return run_index_rows(tx, st, p->table, ip->is_fetch, fn, arg);
}

enum store_result store_ddb_index_scan_each(struct store_tx *tx,
                                            const struct store_ddb_index_scan *s,
                                            store_ddb_row_fn fn, void *arg)
{
    bool is_after = s->after_key != NULL && s->after_base != NULL;
    sqlite3_stmt *st = store_stmt(tx, is_after ? sql_index_scan_after
                                               : sql_index_scan_from);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, s->table);
    sqlite3_bind_text(st, 2, s->index, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, s->hash_lo);
    sqlite3_bind_int64(st, 4, s->hash_hi);
    if (is_after) {
        sqlite3_bind_int64(st, 5, s->after_key->hash);
        bind_blob(st, 6, s->after_key->pk, s->after_key->pk_len);
        bind_blob(st, 7, s->after_key->sk, s->after_key->sk_len);
        bind_blob(st, 8, s->after_base->pk, s->after_base->pk_len);
        bind_blob(st, 9, s->after_base->sk, s->after_base->sk_len);
    }
    return run_index_rows(tx, st, s->table, s->is_fetch, fn, arg);
}
