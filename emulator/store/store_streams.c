/* DynamoDB Streams rows; see store_streams.h. Statements are cached per
 * connection and reset after use, like store_ddb's. */
#include "store/store_streams.h"

#include "base/log.h"
#include "store/store_internal.h"

#include <string.h>

/* The columns read_stream and read_shard take, of the table aliased t. */
#define STREAM_COLUMNS_OF(t)                                              \
    t "id, " t "tbl, " t "table_name, " t "arn, " t "label, " t "view, "  \
    t "key_schema, " t "created_ms, coalesce(" t "disabled_ms, 0), "      \
    t "next_seq, " t "last_ms"
#define STREAM_N_COLUMNS 11
#define SHARD_COLUMNS_OF(t)                                               \
    t "stream, " t "idx, " t "shard_id, coalesce(" t "parent_id, ''), "   \
    t "start_seq, coalesce(" t "end_seq, -1), " t "created_ms, "          \
    "coalesce(" t "closed_ms, 0), " t "n_records"
#define STREAM_COLUMNS STREAM_COLUMNS_OF("")
#define SHARD_COLUMNS SHARD_COLUMNS_OF("")

static const char sql_stream_insert[] =
    "INSERT INTO streams(id, tbl, table_name, arn, label, view, key_schema,"
    " created_ms, disabled_ms, next_seq, last_ms)"
    " SELECT coalesce(max(id), 0) + 1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL, ?8,"
    " ?9 FROM streams RETURNING id";
static const char sql_stream_update[] =
    "UPDATE streams SET disabled_ms = nullif(?2, 0), next_seq = ?3,"
    " last_ms = ?4 WHERE id = ?1";
static const char sql_stream_find[] =
    "SELECT " STREAM_COLUMNS " FROM streams WHERE id = ?1";
static const char sql_stream_find_arn[] =
    "SELECT " STREAM_COLUMNS " FROM streams WHERE arn = ?1";
static const char sql_stream_find_enabled[] =
    "SELECT " STREAM_COLUMNS " FROM streams WHERE tbl = ?1"
    " AND disabled_ms IS NULL";
/* What every append needs, in one statement: the table's enabled stream
 * and its open shard, which is the newest (found through the primary key,
 * however many shards the stream has had). No shard columns when it has
 * none open. */
static const char sql_stream_find_open[] =
    "SELECT " STREAM_COLUMNS_OF("s.") ", " SHARD_COLUMNS_OF("h.")
    " FROM streams s LEFT JOIN stream_shards h ON h.stream = s.id"
    " AND h.idx = (SELECT max(idx) FROM stream_shards WHERE stream = s.id)"
    " AND h.end_seq IS NULL"
    " WHERE s.tbl = ?1 AND s.disabled_ms IS NULL";
static const char sql_stream_each[] =
    "SELECT " STREAM_COLUMNS " FROM streams"
    " WHERE (?1 IS NULL OR table_name = ?1) AND (?2 IS NULL OR arn > ?2)"
    " AND (disabled_ms IS NULL OR (?4 = 0 AND disabled_ms >= ?3))"
    " ORDER BY arn LIMIT ?5";
static const char sql_shard_insert[] =
    "INSERT INTO stream_shards(stream, idx, shard_id, parent_id, start_seq,"
    " end_seq, created_ms, closed_ms, n_records)"
    " VALUES(?1, ?2, ?3, nullif(?4, ''), ?5, NULL, ?6, NULL, 0)";
static const char sql_shard_update[] =
    "UPDATE stream_shards SET end_seq = nullif(?3, -1),"
    " closed_ms = nullif(?4, 0), n_records = ?5 WHERE stream = ?1"
    " AND idx = ?2";
/* The open shard is the newest: walking back from the highest number finds
 * it at once, however many shards the stream has had. */
static const char sql_shard_open[] =
    "SELECT " SHARD_COLUMNS " FROM stream_shards WHERE stream = ?1"
    " AND end_seq IS NULL ORDER BY idx DESC LIMIT 1";
static const char sql_shard_find_id[] =
    "SELECT " SHARD_COLUMNS " FROM stream_shards WHERE stream = ?1"
    " AND shard_id = ?2";
static const char sql_shard_find_idx[] =
    "SELECT " SHARD_COLUMNS " FROM stream_shards WHERE stream = ?1"
    " AND idx = ?2";
static const char sql_shards[] =
    "SELECT " SHARD_COLUMNS " FROM stream_shards WHERE stream = ?1"
    " AND (?2 IS NULL OR shard_id > ?2)"
    " AND (closed_ms IS NULL OR closed_ms >= ?3) ORDER BY shard_id";
/* A record's rowid in stream_log: the stream's id above SEQ_BITS bits of
 * sequence number. 2^40 records per stream and 2^23 streams are more than
 * an emulator ever writes; record_insert refuses anything beyond. */
#define SEQ_BITS 40
#define SEQ_LIMIT ((INT64_C(1) << SEQ_BITS) - 1)
#define STREAM_LIMIT ((INT64_C(1) << (62 - SEQ_BITS)) - 1)
#define SQL_TEXT(x) #x
#define SQL_NUMBER(x) SQL_TEXT(x)
/* A stream_log rowid's sequence number, in SQL. */
#define SQL_SEQ "(id & ((1 << " SQL_NUMBER(SEQ_BITS) ") - 1))"

static const char sql_record_insert[] =
    "INSERT INTO stream_log(id, shard, created_ms, record)"
    " VALUES(?1, ?2, ?3, ?4)";
/* The range [?1, ?2] of rowids: one stream's records, in sequence order.
 * The sequence number is the rowid's low SEQ_BITS bits. */
static const char sql_records[] =
    "SELECT " SQL_SEQ ", created_ms, record FROM stream_log"
    " WHERE id >= ?1 AND id <= ?2 ORDER BY id";
static const char sql_first_record[] =
    "SELECT " SQL_SEQ ", created_ms FROM stream_log"
    " WHERE id >= ?1 AND id <= ?2 ORDER BY id LIMIT 1";
static const char sql_first_live[] =
    "SELECT " SQL_SEQ " FROM stream_log WHERE id >= ?1 AND id <= ?2"
    " AND created_ms >= ?3 ORDER BY id LIMIT 1";
static const char sql_last_record[] =
    "SELECT " SQL_SEQ ", created_ms FROM stream_log"
    " WHERE id >= ?1 AND id <= ?2 ORDER BY id DESC LIMIT 1";
static const char sql_old_records_exist[] =
    "SELECT 1 FROM sqlite_master WHERE type = 'table'"
    " AND name = 'stream_records'";
static const char sql_old_records_move[] =
    "INSERT INTO stream_log(id, shard, created_ms, record)"
    " SELECT (stream << " SQL_NUMBER(SEQ_BITS) ") + seq, shard, created_ms,"
    " record"
    " FROM stream_records;"
    "DROP TABLE stream_records;";

static int64_t record_key(int64_t stream, int64_t seq)
{
    return stream << SEQ_BITS | seq;
}

/* Binds a stream's sequence range [first, last] as rowids to parameters
 * 1 and 2, clamped to what a rowid of that stream can hold. */
static void bind_record_range(sqlite3_stmt *st, int64_t stream,
                              int64_t first, int64_t last)
{
    if (first < 0)
        first = 0;
    if (last > SEQ_LIMIT)
        last = SEQ_LIMIT;
    if (stream < 0 || stream > STREAM_LIMIT || first > last) {
        /* An empty range. */
        sqlite3_bind_int64(st, 1, 1);
        sqlite3_bind_int64(st, 2, 0);
        return;
    }
    sqlite3_bind_int64(st, 1, record_key(stream, first));
    sqlite3_bind_int64(st, 2, record_key(stream, last));
}


/* Copies a text column into out (len bytes, truncating); a NULL gives "".
 * Every append reads a stream row, so this stays clear of snprintf. */
static void copy_text(sqlite3_stmt *st, int col, char *out, size_t len)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;
    if (n >= len)
        n = len - 1;
    if (n > 0)
        memcpy(out, t, n);
    out[n] = '\0';
}

/* Reads STREAM_COLUMNS from column c on. */
static void read_stream(sqlite3_stmt *st, int c, struct store_stream *s)
{
    s->id = sqlite3_column_int64(st, c);
    s->tbl = sqlite3_column_int64(st, c + 1);
    copy_text(st, c + 2, s->table_name, sizeof s->table_name);
    copy_text(st, c + 3, s->arn, sizeof s->arn);
    copy_text(st, c + 4, s->label, sizeof s->label);
    copy_text(st, c + 5, s->view, sizeof s->view);
    copy_text(st, c + 6, s->key_schema, sizeof s->key_schema);
    s->created_ms = sqlite3_column_int64(st, c + 7);
    s->disabled_ms = sqlite3_column_int64(st, c + 8);
    s->next_seq = sqlite3_column_int64(st, c + 9);
    s->last_ms = sqlite3_column_int64(st, c + 10);
}

/* Reads SHARD_COLUMNS from column c on. */
static void read_shard(sqlite3_stmt *st, int c, struct store_shard *sh)
{
    sh->stream = sqlite3_column_int64(st, c);
    sh->idx = sqlite3_column_int64(st, c + 1);
    copy_text(st, c + 2, sh->shard_id, sizeof sh->shard_id);
    copy_text(st, c + 3, sh->parent_id, sizeof sh->parent_id);
    sh->start_seq = sqlite3_column_int64(st, c + 4);
    sh->end_seq = sqlite3_column_int64(st, c + 5);
    sh->created_ms = sqlite3_column_int64(st, c + 6);
    sh->closed_ms = sqlite3_column_int64(st, c + 7);
    sh->n_records = sqlite3_column_int64(st, c + 8);
}

/* Brings s->next_seq and s->last_ms past the stream's newest record,
 * which appends write without touching the stream's row. */
static enum store_result settle(struct store_tx *tx, struct store_stream *s)
{
    sqlite3_stmt *st = store_stmt(tx, sql_last_record);
    if (st == NULL)
        return STORE_ERROR;
    bind_record_range(st, s->id, 0, SEQ_LIMIT);
    int rc = sqlite3_step(st);
    enum store_result res = STORE_OK;
    if (rc == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(st, 0);
        int64_t created_ms = sqlite3_column_int64(st, 1);
        if (seq >= s->next_seq)
            s->next_seq = seq + 1;
        if (created_ms > s->last_ms)
            s->last_ms = created_ms;
    } else if (rc != SQLITE_DONE) {
        res = store_fail(tx, "last record");
    }
    sqlite3_reset(st);
    return res;
}

/* Steps a bound statement that yields at most one stream row. */
static enum store_result one_stream(struct store_tx *tx, sqlite3_stmt *st,
                                    struct store_stream *out)
{
    int rc = sqlite3_step(st);
    enum store_result res = STORE_NOT_FOUND;
    if (rc == SQLITE_ROW) {
        read_stream(st, 0, out);
        res = STORE_OK;
    } else if (rc != SQLITE_DONE) {
        res = store_fail(tx, "find stream");
    }
    sqlite3_reset(st);
    return res == STORE_OK ? settle(tx, out) : res;
}

static enum store_result one_shard(struct store_tx *tx, sqlite3_stmt *st,
                                   struct store_shard *out)
{
    int rc = sqlite3_step(st);
    enum store_result res = STORE_NOT_FOUND;
    if (rc == SQLITE_ROW) {
        read_shard(st, 0, out);
        res = STORE_OK;
    } else if (rc != SQLITE_DONE) {
        res = store_fail(tx, "find shard");
    }
    sqlite3_reset(st);
    return res;
}

enum store_result store_streams_insert(struct store_tx *tx,
                                       struct store_stream *s)
{
    store_streams_cache(tx)->is_valid = false;
    sqlite3_stmt *st = store_stmt(tx, sql_stream_insert);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, s->tbl);
    sqlite3_bind_text(st, 2, s->table_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, s->arn, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, s->label, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, s->view, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, s->key_schema, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, s->created_ms);
    sqlite3_bind_int64(st, 8, s->next_seq);
    sqlite3_bind_int64(st, 9, s->last_ms);
    if (sqlite3_step(st) != SQLITE_ROW)
        return store_fail(tx, "insert stream");
    s->id = sqlite3_column_int64(st, 0);
    return store_step_done(tx, st, "insert stream");
}

enum store_result store_streams_update(struct store_tx *tx,
                                       const struct store_stream *s)
{
    store_streams_cache(tx)->is_valid = false;
    sqlite3_stmt *st = store_stmt(tx, sql_stream_update);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, s->id);
    sqlite3_bind_int64(st, 2, s->disabled_ms);
    sqlite3_bind_int64(st, 3, s->next_seq);
    sqlite3_bind_int64(st, 4, s->last_ms);
    return store_step_done(tx, st, "update stream");
}

enum store_result store_streams_find(struct store_tx *tx, int64_t id,
                                     struct store_stream *out)
{
    sqlite3_stmt *st = store_stmt(tx, sql_stream_find);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    return one_stream(tx, st, out);
}

enum store_result store_streams_find_by_arn(struct store_tx *tx,
                                            const char *arn,
                                            struct store_stream *out)
{
    sqlite3_stmt *st = store_stmt(tx, sql_stream_find_arn);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, arn, -1, SQLITE_STATIC);
    return one_stream(tx, st, out);
}

enum store_result store_streams_find_enabled(struct store_tx *tx,
                                             int64_t tbl,
                                             struct store_stream *out)
{
    sqlite3_stmt *st = store_stmt(tx, sql_stream_find_enabled);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, tbl);
    return one_stream(tx, st, out);
}

/* Reads the table's enabled stream and its open shard (the uncached
 * store_streams_find_open). */
static enum store_result find_open(struct store_tx *tx, int64_t tbl,
                                   struct store_stream *s,
                                   struct store_shard *sh)
{
    sqlite3_stmt *st = store_stmt(tx, sql_stream_find_open);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, tbl);
    int rc = sqlite3_step(st);
    enum store_result res = STORE_NOT_FOUND;
    if (rc == SQLITE_ROW) {
        read_stream(st, 0, s);
        read_shard(st, STREAM_N_COLUMNS, sh);
        res = STORE_OK;
        if (sqlite3_column_type(st, STREAM_N_COLUMNS) == SQLITE_NULL) {
            log_error("stream %lld has no open shard", (long long)s->id);
            res = STORE_ERROR;
        }
    } else if (rc != SQLITE_DONE) {
        res = store_fail(tx, "find open stream");
    }
    sqlite3_reset(st);
    return res == STORE_OK ? settle(tx, s) : res;
}

enum store_result store_streams_find_open(struct store_tx *tx, int64_t tbl,
                                          struct store_stream *s,
                                          struct store_shard *sh)
{
    struct store_streams_cache *c = store_streams_cache(tx);
    if (c->is_valid && c->tbl == tbl) {
        *s = c->s;
        *sh = c->sh;
        return STORE_OK;
    }
    c->is_valid = false;
    enum store_result res = find_open(tx, tbl, s, sh);
    if (res == STORE_OK) {
        c->tbl = tbl;
        c->s = *s;
        c->sh = *sh;
        c->is_valid = true;
    }
    return res;
}

enum store_result store_streams_each(struct store_tx *tx,
                                     const struct store_streams_query *q,
                                     store_stream_fn fn, void *arg)
{
    sqlite3_stmt *st = store_stmt(tx, sql_stream_each);
    if (st == NULL)
        return STORE_ERROR;
    if (q->table_name)
        sqlite3_bind_text(st, 1, q->table_name, -1, SQLITE_STATIC);
    if (q->after_arn)
        sqlite3_bind_text(st, 2, q->after_arn, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, q->min_disabled_ms);
    sqlite3_bind_int(st, 4, q->is_enabled_only);
    sqlite3_bind_int64(st, 5, (int64_t)q->limit);
    int rc;
    struct store_stream s;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_stream(st, 0, &s);
        if (settle(tx, &s) != STORE_OK) {
            sqlite3_reset(st);
            return STORE_ERROR;
        }
        if (!fn(&s, arg)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    enum store_result res = rc == SQLITE_DONE ? STORE_OK
                                              : store_fail(tx, "list streams");
    sqlite3_reset(st);
    return res;
}

enum store_result store_streams_shard_insert(struct store_tx *tx,
                                             const struct store_shard *sh)
{
    store_streams_cache(tx)->is_valid = false;
    sqlite3_stmt *st = store_stmt(tx, sql_shard_insert);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sh->stream);
    sqlite3_bind_int64(st, 2, sh->idx);
    sqlite3_bind_text(st, 3, sh->shard_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, sh->parent_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, sh->start_seq);
    sqlite3_bind_int64(st, 6, sh->created_ms);
    return store_step_done(tx, st, "insert shard");
}

enum store_result store_streams_shard_update(struct store_tx *tx,
                                             const struct store_shard *sh)
{
    store_streams_cache(tx)->is_valid = false;
    sqlite3_stmt *st = store_stmt(tx, sql_shard_update);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sh->stream);
    sqlite3_bind_int64(st, 2, sh->idx);
    sqlite3_bind_int64(st, 3, sh->end_seq);
    sqlite3_bind_int64(st, 4, sh->closed_ms);
    sqlite3_bind_int64(st, 5, sh->n_records);
    return store_step_done(tx, st, "update shard");
}

enum store_result store_streams_shard_open(struct store_tx *tx,
                                           int64_t stream,
                                           struct store_shard *out)
{
    sqlite3_stmt *st = store_stmt(tx, sql_shard_open);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, stream);
    return one_shard(tx, st, out);
}

enum store_result store_streams_shard_find_id(struct store_tx *tx,
                                              int64_t stream,
                                              const char *shard_id,
                                              struct store_shard *out)
{
    sqlite3_stmt *st = store_stmt(tx, sql_shard_find_id);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, stream);
    sqlite3_bind_text(st, 2, shard_id, -1, SQLITE_STATIC);
    return one_shard(tx, st, out);
}

enum store_result store_streams_shard_find_idx(struct store_tx *tx,
                                               int64_t stream, int64_t idx,
                                               struct store_shard *out)
{
    sqlite3_stmt *st = store_stmt(tx, sql_shard_find_idx);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, stream);
    sqlite3_bind_int64(st, 2, idx);
    return one_shard(tx, st, out);
}

enum store_result store_streams_shards(struct store_tx *tx, int64_t stream,
                                       const char *after_id,
                                       int64_t min_closed_ms,
                                       store_shard_fn fn, void *arg)
{
    sqlite3_stmt *st = store_stmt(tx, sql_shards);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, stream);
    if (after_id)
        sqlite3_bind_text(st, 2, after_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, min_closed_ms);
    int rc;
    struct store_shard sh;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_shard(st, 0, &sh);
        if (!fn(&sh, arg)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    enum store_result res = rc == SQLITE_DONE ? STORE_OK
                                              : store_fail(tx, "list shards");
    sqlite3_reset(st);
    return res;
}

enum store_result store_streams_record_insert(struct store_tx *tx,
                                              int64_t stream, int64_t seq,
                                              int64_t shard,
                                              int64_t created_ms,
                                              const char *text, size_t len)
{
    if (stream < 0 || stream > STREAM_LIMIT || seq < 0 || seq > SEQ_LIMIT) {
        log_error("stream %lld: no room for record %lld",
                  (long long)stream, (long long)seq);
        return STORE_ERROR;
    }
    sqlite3_stmt *st = store_stmt(tx, sql_record_insert);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, record_key(stream, seq));
    sqlite3_bind_int64(st, 2, shard);
    sqlite3_bind_int64(st, 3, created_ms);
    sqlite3_bind_text(st, 4, text, (int)len, SQLITE_STATIC);
    enum store_result res = store_step_done(tx, st, "insert record");
    struct store_streams_cache *c = store_streams_cache(tx);
    if (res == STORE_OK && c->is_valid && c->s.id == stream &&
        c->sh.idx == shard) {
        /* What settle would read back from this record. */
        if (seq >= c->s.next_seq)
            c->s.next_seq = seq + 1;
        if (created_ms > c->s.last_ms)
            c->s.last_ms = created_ms;
    } else {
        c->is_valid = false;
    }
    return res;
}

enum store_result store_streams_records(struct store_tx *tx, int64_t stream,
                                        int64_t first, int64_t last,
                                        store_record_fn fn, void *arg)
{
    sqlite3_stmt *st = store_stmt(tx, sql_records);
    if (st == NULL)
        return STORE_ERROR;
    bind_record_range(st, stream, first, last);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!fn(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                (const char *)sqlite3_column_text(st, 2),
                (size_t)sqlite3_column_bytes(st, 2), arg)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    enum store_result res = rc == SQLITE_DONE ? STORE_OK
                                              : store_fail(tx, "records");
    sqlite3_reset(st);
    return res;
}

enum store_result store_streams_first_record(struct store_tx *tx,
                                             int64_t stream, int64_t first,
                                             int64_t last, int64_t *seq,
                                             int64_t *created_ms)
{
    sqlite3_stmt *st = store_stmt(tx, sql_first_record);
    if (st == NULL)
        return STORE_ERROR;
    bind_record_range(st, stream, first, last);
    int rc = sqlite3_step(st);
    enum store_result res = STORE_NOT_FOUND;
    if (rc == SQLITE_ROW) {
        *seq = sqlite3_column_int64(st, 0);
        *created_ms = sqlite3_column_int64(st, 1);
        res = STORE_OK;
    } else if (rc != SQLITE_DONE) {
        res = store_fail(tx, "first record");
    }
    sqlite3_reset(st);
    return res;
}

enum store_result store_streams_first_live(struct store_tx *tx,
                                           int64_t stream, int64_t first,
                                           int64_t last,
                                           int64_t min_created_ms,
                                           int64_t *seq)
{
    sqlite3_stmt *st = store_stmt(tx, sql_first_live);
    if (st == NULL)
        return STORE_ERROR;
    bind_record_range(st, stream, first, last);
    sqlite3_bind_int64(st, 3, min_created_ms);
    int rc = sqlite3_step(st);
    enum store_result res = STORE_NOT_FOUND;
    if (rc == SQLITE_ROW) {
        *seq = sqlite3_column_int64(st, 0);
        res = STORE_OK;
    } else if (rc != SQLITE_DONE) {
        res = store_fail(tx, "first live record");
    }
    sqlite3_reset(st);
    return res;
}

enum store_result store_streams_upgrade(struct store_tx *tx)
{
    store_streams_cache(tx)->is_valid = false;
    sqlite3_stmt *st = store_stmt(tx, sql_old_records_exist);
    if (st == NULL)
        return STORE_ERROR;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return STORE_OK;
    if (rc != SQLITE_ROW)
        return store_fail(tx, "look for old records");
    log_info("moving stream records into stream_log");
    char *err = NULL;
    if (sqlite3_exec(store_db(tx), "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(store_db(tx), sql_old_records_move, NULL, NULL,
                     &err) != SQLITE_OK ||
        sqlite3_exec(store_db(tx), "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        log_error("sqlite: cannot move stream records: %s",
                  err ? err : sqlite3_errmsg(store_db(tx)));
        sqlite3_free(err);
        sqlite3_exec(store_db(tx), "ROLLBACK", NULL, NULL, NULL);
        return STORE_ERROR;
    }
    return STORE_OK;
}
