/* S3 rows; see store_s3.h. Keys are always bound as BLOBs: SQLite orders
 * BLOBs by memcmp, which is S3's UTF-8 binary order, while a TEXT binding
 * would compare as a different type altogether. */
#include "store/store_s3.h"

#include "base/mem.h"
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char sql_bucket_insert[] =
    "INSERT INTO s3_buckets(name, region, created_ms) VALUES(?1, ?2, ?3)";
static const char sql_bucket_get[] =
    "SELECT region, created_ms FROM s3_buckets WHERE name = ?1";
static const char sql_bucket_delete[] = "DELETE FROM s3_buckets WHERE name = ?1";
static const char sql_bucket_each[] =
    "SELECT name, region, created_ms FROM s3_buckets ORDER BY name";
static const char sql_bucket_uploads_parts_delete[] =
    "DELETE FROM s3_parts WHERE upload IN "
    "(SELECT id FROM s3_uploads WHERE bucket = ?1)";
static const char sql_bucket_parts_bodies[] =
    "SELECT body FROM s3_parts WHERE body != 0 AND upload IN "
    "(SELECT id FROM s3_uploads WHERE bucket = ?1)";
static const char sql_bucket_uploads_delete[] =
    "DELETE FROM s3_uploads WHERE bucket = ?1";
static const char sql_policy_set[] =
    "UPDATE s3_buckets SET policy = ?2 WHERE name = ?1";
static const char sql_policy_get[] =
    "SELECT policy FROM s3_buckets WHERE name = ?1";
static const char sql_object_put[] =
    "INSERT OR REPLACE INTO s3_objects(bucket, key, size, etag, modified_ms,"
    " content_type, meta, checksum_algo, checksum, parts, body)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
static const char sql_object_insert[] =
    "INSERT OR IGNORE INTO s3_objects(bucket, key, size, etag, modified_ms,"
    " content_type, meta, checksum_algo, checksum, parts, body)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
static const char sql_object_body[] =
    "SELECT body FROM s3_objects WHERE bucket = ?1 AND key = ?2";
#define OBJECT_COLUMNS \
    "id, key, size, etag, modified_ms, content_type, meta, checksum_algo," \
    " checksum, parts, body"
static const char sql_object_get[] =
    "SELECT " OBJECT_COLUMNS " FROM s3_objects WHERE bucket = ?1 AND key = ?2";
static const char sql_object_delete[] =
    "DELETE FROM s3_objects WHERE bucket = ?1 AND key = ?2";
static const char sql_object_any[] =
    "SELECT 1 FROM s3_objects WHERE bucket = ?1 LIMIT 1";
static const char sql_object_scan[] =
    "SELECT " OBJECT_COLUMNS " FROM s3_objects WHERE bucket = ?1"
    " AND key > ?2 AND key >= ?3 ORDER BY key";
static const char sql_object_scan_inclusive[] =
    "SELECT " OBJECT_COLUMNS " FROM s3_objects WHERE bucket = ?1"
    " AND key >= ?2 AND key >= ?3 ORDER BY key";
static const char sql_upload_insert[] =
    "INSERT INTO s3_uploads(id, bucket, key, created_ms, content_type, meta,"
    " checksum_algo) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
#define UPLOAD_COLUMNS \
    "id, key, created_ms, content_type, meta, checksum_algo"
static const char sql_upload_get[] =
    "SELECT " UPLOAD_COLUMNS " FROM s3_uploads WHERE id = ?1 AND bucket = ?2"
    " AND key = ?3";
static const char sql_upload_delete[] = "DELETE FROM s3_uploads WHERE id = ?1";
static const char sql_upload_parts_delete[] =
    "DELETE FROM s3_parts WHERE upload = ?1";
static const char sql_upload_parts_bodies[] =
    "SELECT body FROM s3_parts WHERE upload = ?1 AND body != 0";
static const char sql_upload_scan[] =
    "SELECT " UPLOAD_COLUMNS " FROM s3_uploads WHERE bucket = ?1"
    " AND key > ?2 AND key >= ?3 ORDER BY key, created_ms, id";
static const char sql_part_put[] =
    "INSERT OR REPLACE INTO s3_parts(upload, num, size, etag, modified_ms,"
    " checksum, body) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char sql_part_scan[] =
    "SELECT num, size, etag, modified_ms, checksum FROM s3_parts"
    " WHERE upload = ?1 AND num > ?2 ORDER BY num";
static const char sql_part_body[] =
    "SELECT body, size FROM s3_parts WHERE upload = ?1 AND num = ?2";
static const char sql_part_unlink[] =
    "UPDATE s3_parts SET body = 0 WHERE upload = ?1 AND num = ?2";
static const char sql_chunk_insert[] =
    "INSERT INTO s3_chunks(data) VALUES(?1)";
static const char sql_extent_insert[] =
    "INSERT INTO s3_extents(body, off, len, chunk) VALUES(?1, ?2, ?3, ?4)";
static const char sql_extent_at[] =
    "SELECT off FROM s3_extents WHERE body = ?1 AND off <= ?2"
    " ORDER BY off DESC LIMIT 1";
static const char sql_chunk_data[] = "SELECT data FROM s3_chunks WHERE id = ?1";
static const char sql_extents_from[] =
    "SELECT off, len, chunk FROM s3_extents WHERE body = ?1 AND off >= ?2"
    " AND off < ?3 ORDER BY off";
static const char sql_body_chunks_delete[] =
    "DELETE FROM s3_chunks WHERE id IN"
    " (SELECT chunk FROM s3_extents WHERE body = ?1)";
static const char sql_body_extents_delete[] =
    "DELETE FROM s3_extents WHERE body = ?1";
static const char sql_body_move[] =
    "UPDATE s3_extents SET body = ?2, off = off + ?3 WHERE body = ?1";


static void bind_blob(sqlite3_stmt *st, int i, const void *p, size_t n)
{
    sqlite3_bind_blob64(st, i, n ? p : "", n, SQLITE_STATIC);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/* --- Bodies ------------------------------------------------------------- */

void store_s3_writer_init(struct store_s3_writer *w)
{
    memset(w, 0, sizeof *w);
}

void store_s3_writer_clear(struct store_s3_writer *w)
{
    free(w->pending);
    memset(w, 0, sizeof *w);
}

/* Stores one chunk and its extent at the body's end. */
static enum store_result store_chunk(struct store_tx *tx,
                                     struct store_s3_writer *w,
                                     const void *data, size_t len)
{
    sqlite3_stmt *st = store_stmt(tx, sql_chunk_insert);
    if (st == NULL)
        return STORE_ERROR;
    bind_blob(st, 1, data, len);
    enum store_result res = store_step_done(tx, st, "insert chunk");
    if (res != STORE_OK)
        return res;
    sqlite3_int64 chunk = sqlite3_last_insert_rowid(store_db(tx));
    if (w->body == 0)
        w->body = chunk;
    st = store_stmt(tx, sql_extent_insert);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, w->body);
    sqlite3_bind_int64(st, 2, w->size);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)len);
    sqlite3_bind_int64(st, 4, chunk);
    res = store_step_done(tx, st, "insert extent");
    if (res == STORE_OK)
        w->size += (int64_t)len;
    return res;
}

enum store_result store_s3_writer_append(struct store_tx *tx,
                                         struct store_s3_writer *w,
                                         const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        /* Whole chunks straight from the caller's bytes; the rest waits. */
        if (w->n_pending == 0 && len >= STORE_S3_CHUNK_BYTES) {
            enum store_result res = store_chunk(tx, w, p,
                                                STORE_S3_CHUNK_BYTES);
            if (res != STORE_OK)
                return res;
            p += STORE_S3_CHUNK_BYTES;
            len -= STORE_S3_CHUNK_BYTES;
            continue;
        }
        if (w->pending == NULL)
            w->pending = xmalloc(STORE_S3_CHUNK_BYTES);
        size_t n = STORE_S3_CHUNK_BYTES - w->n_pending;
        if (n > len)
            n = len;
        memcpy(w->pending + w->n_pending, p, n);
        w->n_pending += n;
        p += n;
        len -= n;
        if (w->n_pending == STORE_S3_CHUNK_BYTES) {
            w->n_pending = 0;
            enum store_result res = store_chunk(tx, w, w->pending,
                                                STORE_S3_CHUNK_BYTES);
            if (res != STORE_OK)
                return res;
        }
    }
    return STORE_OK;
}

enum store_result store_s3_writer_finish(struct store_tx *tx,
                                         struct store_s3_writer *w)
{
    if (w->n_pending == 0)
        return STORE_OK;
    size_t n = w->n_pending;
    w->n_pending = 0;
    return store_chunk(tx, w, w->pending, n);
}

enum store_result store_s3_writer_finish_with(struct store_tx *tx,
                                              struct store_s3_writer *w,
                                              const void *data, size_t len)
{
    if (w->n_pending > 0) {
        enum store_result res = store_s3_writer_append(tx, w, data, len);
        return res == STORE_OK ? store_s3_writer_finish(tx, w) : res;
    }
    const char *p = data;
    while (len > 0) {
        size_t n = len < STORE_S3_CHUNK_BYTES ? len : STORE_S3_CHUNK_BYTES;
        enum store_result res = store_chunk(tx, w, p, n);
        if (res != STORE_OK)
            return res;
        p += n;
        len -= n;
    }
    return STORE_OK;
}

/* The offset of the extent holding byte pos of body; -1 if none. */
static int64_t extent_at(struct store_tx *tx, int64_t body, int64_t pos,
                         enum store_result *res)
{
    sqlite3_stmt *st = store_stmt(tx, sql_extent_at);
    if (st == NULL) {
        *res = STORE_ERROR;
        return -1;
    }
    sqlite3_bind_int64(st, 1, body);
    sqlite3_bind_int64(st, 2, pos);
    int rc = sqlite3_step(st);
    int64_t off = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    bool is_ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
    *res = is_ok ? STORE_OK : store_fail(tx, "find extent");
    sqlite3_reset(st);
    return off;
}

/* Copies a whole chunk of len bytes into dest. A cached statement costs
 * less than a blob handle, which compiles a statement of its own on every
 * open; but it reads the whole chunk, so it is only for whole chunks. */
static enum store_result read_whole_chunk(struct store_tx *tx, int64_t chunk,
                                          size_t len, char *dest)
{
    sqlite3_stmt *st = store_stmt(tx, sql_chunk_data);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, chunk);
    int rc = sqlite3_step(st);
    enum store_result res = STORE_OK;
    if (rc == SQLITE_ROW && (size_t)sqlite3_column_bytes(st, 0) == len)
        memcpy(dest, sqlite3_column_blob(st, 0), len);
    else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        res = STORE_NOT_FOUND;
    else
        res = store_fail(tx, "read chunk");
    sqlite3_reset(st);
    return res;
}

/* Copies the bytes [from, from + len) of one chunk of chunk_len bytes
 * into dest. */
static enum store_result read_chunk(struct store_tx *tx, int64_t chunk,
                                    int64_t chunk_len, int64_t from,
                                    size_t len, char *dest)
{
    if (from == 0 && (int64_t)len == chunk_len)
        return read_whole_chunk(tx, chunk, len, dest);
    sqlite3_blob *blob = NULL;
    if (sqlite3_blob_open(store_db(tx), store_s3_schema(tx), "s3_chunks",
                          "data", chunk, 0, &blob) != SQLITE_OK) {
        sqlite3_blob_close(blob);
        return store_fail(tx, "open chunk");
    }
    int rc = sqlite3_blob_read(blob, dest, (int)len, (int)from);
    sqlite3_blob_close(blob);
    return rc == SQLITE_OK ? STORE_OK : store_fail(tx, "read chunk");
}

enum store_result store_s3_body_read(struct store_tx *tx, int64_t body,
                                     int64_t offset, size_t len, void *dest)
{
    if (len == 0)
        return STORE_OK;
    /* Every body's first extent starts at 0 (see store_s3_writer_append
     * and move_part), so a read from the start needs no search. */
    enum store_result res = STORE_OK;
    int64_t start = offset == 0 ? 0 : extent_at(tx, body, offset, &res);
    if (res != STORE_OK)
        return res;
    if (start < 0)
        return STORE_NOT_FOUND;
    sqlite3_stmt *st = store_stmt(tx, sql_extents_from);
    if (st == NULL)
        return STORE_ERROR;
    int64_t end = offset + (int64_t)len;
    sqlite3_bind_int64(st, 1, body);
    sqlite3_bind_int64(st, 2, start);
    sqlite3_bind_int64(st, 3, end);
    int64_t pos = offset;
    int rc;
    while (res == STORE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t off = sqlite3_column_int64(st, 0);
        int64_t ext_len = sqlite3_column_int64(st, 1);
        int64_t ext_end = off + ext_len;
        if (off > pos)
            break;
        int64_t n = (ext_end < end ? ext_end : end) - pos;
        if (n > 0)
            res = read_chunk(tx, sqlite3_column_int64(st, 2), ext_len,
                             pos - off, (size_t)n,
                             (char *)dest + (pos - offset));
        pos += n > 0 ? n : 0;
    }
    if (res == STORE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        res = store_fail(tx, "read extents");
    sqlite3_reset(st);
    if (res == STORE_OK && pos != end)
        res = STORE_NOT_FOUND;
    return res;
}

enum store_result store_s3_body_copy(struct store_tx *tx, int64_t src,
                                     int64_t offset, int64_t len,
                                     struct store_s3_writer *w,
                                     store_s3_piece_fn fn, void *arg)
{
    char *piece = xmalloc(STORE_S3_CHUNK_BYTES);
    enum store_result res = STORE_OK;
    while (res == STORE_OK && len > 0) {
        size_t n = len < (int64_t)STORE_S3_CHUNK_BYTES ? (size_t)len
                                                       : STORE_S3_CHUNK_BYTES;
        res = store_s3_body_read(tx, src, offset, n, piece);
        if (res == STORE_OK && fn)
            fn(arg, piece, n);
        if (res == STORE_OK)
            res = store_s3_writer_append(tx, w, piece, n);
        offset += (int64_t)n;
        len -= (int64_t)n;
    }
    free(piece);
    return res;
}

static enum store_result run_body(struct store_tx *tx, const char *sql,
                                  int64_t body, const char *what)
{
    sqlite3_stmt *st = store_stmt(tx, sql);
    if (st == NULL)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, body);
    return store_step_done(tx, st, what);
}

static enum store_result body_delete(struct store_tx *tx, int64_t body)
{
    if (body == 0)
        return STORE_OK;
    enum store_result res = run_body(tx, sql_body_chunks_delete, body,
                                     "delete chunks");
    return res == STORE_OK ? run_body(tx, sql_body_extents_delete, body,
                                      "delete extents")
                           : res;
}

/* Deletes the bodies a query with one text parameter selects. */
static enum store_result delete_bodies(struct store_tx *tx, const char *sql,
                                       const char *param)
{
    sqlite3_stmt *st = store_stmt(tx, sql);
    if (st == NULL)
        return STORE_ERROR;
    bind_text(st, 1, param);
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            ids = xrealloc(ids, cap * sizeof *ids);
        }
        ids[n++] = sqlite3_column_int64(st, 0);
    }
    enum store_result res = rc == SQLITE_DONE ? STORE_OK
                                              : store_fail(tx, "find bodies");
    sqlite3_reset(st);
    for (size_t i = 0; res == STORE_OK && i < n; i++)
        res = body_delete(tx, ids[i]);
    free(ids);
    return res;
}

/* The body id of the row a (text, blob-or-int) keyed query finds, or 0. */
static enum store_result find_body(struct store_tx *tx, sqlite3_stmt *st,
                                   int64_t *body, int64_t *size)
{
    int rc = sqlite3_step(st);
    *body = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    if (size)
        *size = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
    enum store_result res = rc == SQLITE_ROW || rc == SQLITE_DONE
                                ? STORE_OK : store_fail(tx, "find body");
    sqlite3_reset(st);
    return res;
}

/* Writes data as a new body. */
static enum store_result write_body(struct store_tx *tx, const void *data,
                                    size_t len, int64_t *body)
{
    struct store_s3_writer w;
    store_s3_writer_init(&w);
    enum store_result res = store_s3_writer_finish_with(tx, &w, data, len);
    *body = w.body;
    store_s3_writer_clear(&w);
    return res;
}

/* --- Buckets ------------------------------------------------------------ */

enum store_result store_s3_bucket_insert(struct store_tx *tx,
                                         const struct store_s3_bucket *b)
{
    sqlite3_stmt *st = store_stmt(tx, sql_bucket_insert);
    if (st == NULL)
        return STORE_ERROR;
    bind_text(st, 1, b->name);
    bind_text(st, 2, b->region);
    sqlite3_bind_int64(st, 3, b->created_ms);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_CONSTRAINT)
        return STORE_CONDITION_FAILED;
    return rc == SQLITE_DONE ? STORE_OK : store_fail(tx, "insert bucket");
}

enum store_result store_s3_bucket_get(struct store_tx *tx, const char *name,
                                      char region[32], int64_t *created_ms)
{
    sqlite3_stmt *st = store_stmt(tx, sql_bucket_get);
    if (st == NULL)
        return STORE_ERROR;
    bind_text(st, 1, name);
    int rc = sqlite3_step(st);
    enum store_result res = STORE_NOT_FOUND;
    if (rc == SQLITE_ROW) {
        if (region)
            snprintf(region, 32, "%s", col_text(st, 0));
        if (created_ms)
            *created_ms = sqlite3_column_int64(st, 1);
        res = STORE_OK;
    } else if (rc != SQLITE_DONE) {
        res = store_fail(tx, "get bucket");
    }
    sqlite3_reset(st);
    return res;
}

static enum store_result run_bucket(struct store_tx *tx, const char *sql,
                                    const char *name, const char *what)
{
    sqlite3_stmt *st = store_stmt(tx, sql);
    if (st == NULL)
        return STORE_ERROR;
    bind_text(st, 1, name);
    return store_step_done(tx, st, what);
}

enum store_result store_s3_bucket_delete(struct store_tx *tx, const char *name)
{
    enum store_result res = store_s3_object_any(tx, name);
    if (res == STORE_OK)
        return STORE_CONDITION_FAILED;
    if (res != STORE_NOT_FOUND)
        return res;
    res = delete_bodies(tx, sql_bucket_parts_bodies, name);
    if (res == STORE_OK)
        res = run_bucket(tx, sql_bucket_uploads_parts_delete, name,
                         "delete parts");
    if (res == STORE_OK)
        res = run_bucket(tx, sql_bucket_uploads_delete, name,
                         "delete uploads");
    if (res == STORE_OK)
        res = run_bucket(tx, sql_bucket_delete, name, "delete bucket");
    return res;
}

enum store_result store_s3_bucket_each(struct store_tx *tx,
                                       store_s3_bucket_fn fn, void *arg)
{
    sqlite3_stmt *st = store_stmt(tx, sql_bucket_each);
    if (st == NULL)
        return STORE_ERROR;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_s3_bucket b = { col_text(st, 0), col_text(st, 1),
                                     sqlite3_column_int64(st, 2) };
        fn(&b, arg);
    }
    enum store_result res = rc == SQLITE_DONE ? STORE_OK
                                              : store_fail(tx, "list buckets");
    sqlite3_reset(st);
    return res;
}

enum store_result store_s3_policy_set(struct store_tx *tx, const char *bucket,
                                      const char *policy)
{
    sqlite3_stmt *st = store_stmt(tx, sql_policy_set);
    if (st == NULL)
        return STORE_ERROR;
    bind_text(st, 1, bucket);
    bind_text(st, 2, policy);
    enum store_result res = store_step_done(tx, st, "set policy");
    if (res == STORE_OK && sqlite3_changes(store_db(tx)) == 0)
        return STORE_NOT_FOUND;
    return res;
}

enum store_result store_s3_policy_get(struct store_tx *tx, const char *bucket,
                                      char **out)
{
    *out = NULL;
    sqlite3_stmt *st = store_stmt(tx, sql_policy_get);
    if (st == NULL)
        return STORE_ERROR;
    bind_text(st, 1, bucket);
    int rc = sqlite3_step(st);
    enum store_result res = STORE_NOT_FOUND;
    if (rc == SQLITE_ROW) {
        *out = dup_or_null(col_text(st, 0));
        res = STORE_OK;
    } else if (rc != SQLITE_DONE) {
        res = store_fail(tx, "get policy");
    }
    sqlite3_reset(st);
    return res;
}

/* --- Objects ------------------------------------------------------------ */

/* An object row from store_s3_object_get keeps its strings in one
 * allocation, which key heads (see own_strings). */
void store_s3_object_clear(struct store_s3_object *o)
{
    free((char *)o->key);
    memset(o, 0, sizeof *o);
}

/* Copies the key and the strings of a row borrowed from its statement into
 * one allocation that o->key heads, instead of one allocation each. */
static void own_strings(struct store_s3_object *o)
{
    const char **fields[] = { &o->etag, &o->content_type, &o->meta,
                              &o->checksum_algo, &o->checksum };
    size_t n_fields = sizeof fields / sizeof fields[0];
    size_t lens[sizeof fields / sizeof fields[0]];
    size_t total = o->key_len + 1;
    for (size_t i = 0; i < n_fields; i++) {
        lens[i] = *fields[i] ? strlen(*fields[i]) + 1 : 0;
        total += lens[i];
    }
    char *block = xmalloc(total);
    memcpy(block, o->key ? o->key : "", o->key_len);
    block[o->key_len] = '\0';
    o->key = block;
    char *p = block + o->key_len + 1;
    for (size_t i = 0; i < n_fields; i++) {
        if (*fields[i] == NULL)
            continue;
        memcpy(p, *fields[i], lens[i]);
        *fields[i] = p;
        p += lens[i];
    }
}

static void bind_object(sqlite3_stmt *st, const char *bucket,
                        const struct store_s3_object *o)
{
    bind_text(st, 1, bucket);
    bind_blob(st, 2, o->key, o->key_len);
    sqlite3_bind_int64(st, 3, o->size);
    bind_text(st, 4, o->etag);
    sqlite3_bind_int64(st, 5, o->modified_ms);
    bind_text(st, 6, o->content_type);
    bind_text(st, 7, o->meta);
    bind_text(st, 8, o->checksum_algo);
    bind_text(st, 9, o->checksum);
    sqlite3_bind_int64(st, 10, o->parts);
}

/* Deletes the body of the object (bucket, key) if there is one. */
static enum store_result drop_object_body(struct store_tx *tx,
                                          const char *bucket, const char *key,
                                          size_t key_len)
{
    sqlite3_stmt *st = store_stmt(tx, sql_object_body);
    if (st == NULL)
        return STORE_ERROR;
    bind_text(st, 1, bucket);
    bind_blob(st, 2, key, key_len);
    int64_t body;
    enum store_result res = find_body(tx, st, &body, NULL);
    return res == STORE_OK ? body_delete(tx, body) : res;
}

/* Runs one of the object-writing statements with o bound; *is_written
 * tells whether it wrote a row. */
static enum store_result write_object(struct store_tx *tx, const char *sql,
                                      const char *bucket,
                                      const struct store_s3_object *o,
                                      bool *is_written)
{
    sqlite3_stmt *st = store_stmt(tx, sql);
    if (st == NULL)
        return STORE_ERROR;
    bind_object(st, bucket, o);
    sqlite3_bind_int64(st, 11, o->body);
    enum store_result res = store_step_done(tx, st, "put object");
    *is_written = res == STORE_OK && sqlite3_changes(store_db(tx)) > 0;
    return res;
}

/* A new key is inserted at once; only when the key is taken is the old
 * row's body looked up and deleted, and the row replaced. Most writes
 * (landing files, parts of a lake) are of new keys. */
enum store_result store_s3_object_put_body(struct store_tx *tx,
                                           const char *bucket,
                                           const struct store_s3_object *o)
{
    bool is_written;
    enum store_result res = write_object(tx, sql_object_insert, bucket, o,
                                         &is_written);
    if (res != STORE_OK || is_written)
        return res;
    res = drop_object_body(tx, bucket, o->key, o->key_len);
    if (res != STORE_OK)
        return res;
    return write_object(tx, sql_object_put, bucket, o, &is_written);
}

enum store_result store_s3_object_put(struct store_tx *tx, const char *bucket,
                                      const struct store_s3_object *o,
                                      const void *body, size_t body_len)
{
    struct store_s3_object with_body = *o;
    enum store_result res = write_body(tx, body, body_len, &with_body.body);
    return res == STORE_OK ? store_s3_object_put_body(tx, bucket, &with_body)
                           : res;
}

/* The row's columns, borrowed from the statement (OBJECT_COLUMNS order). */
static void read_object(sqlite3_stmt *st, struct store_s3_object *o)
{
    o->id = sqlite3_column_int64(st, 0);
    o->key = sqlite3_column_blob(st, 1);
    o->key_len = (size_t)sqlite3_column_bytes(st, 1);
    o->size = sqlite3_column_int64(st, 2);
    o->etag = col_text(st, 3);
    o->modified_ms = sqlite3_column_int64(st, 4);
    o->content_type = col_text(st, 5);
    o->meta = col_text(st, 6);
    o->checksum_algo = col_text(st, 7);
    o->checksum = col_text(st, 8);
    o->parts = sqlite3_column_int64(st, 9);
    o->body = sqlite3_column_int64(st, 10);
}

enum store_result store_s3_object_get(struct store_tx *tx, const char *bucket,
                                      const char *key, size_t key_len,
                                      struct store_s3_object *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = store_stmt(tx, sql_object_get);
    if (st == NULL)
        return STORE_ERROR;
    bind_text(st, 1, bucket);
    bind_blob(st, 2, key, key_len);
    int rc = sqlite3_step(st);
    enum store_result res = STORE_NOT_FOUND;
    if (rc == SQLITE_ROW) {
        read_object(st, out);
        own_strings(out);
        res = STORE_OK;
    } else if (rc != SQLITE_DONE) {
        res = store_fail(tx, "get object");
    }
    sqlite3_reset(st);
    return res;
}

enum store_result store_s3_object_delete(struct store_tx *tx,
                                         const char *bucket, const char *key,
                                         size_t key_len)
{
    enum store_result res = drop_object_body(tx, bucket, key, key_len);
    if (res != STORE_OK)
        return res;
    sqlite3_stmt *st = store_stmt(tx, sql_object_delete);
    if (st == NULL)
        return STORE_ERROR;
    bind_text(st, 1, bucket);
    bind_blob(st, 2, key, key_len);
    res = store_step_done(tx, st, "delete object");
    if (res == STORE_OK && sqlite3_changes(store_db(tx)) == 0)
        return STORE_NOT_FOUND;
    return res;
}

enum store_result store_s3_object_any(struct store_tx *tx, const char *bucket)
{
    sqlite3_stmt *st = store_stmt(tx, sql_object_any);
    if (st == NULL)
        return STORE_ERROR;
    bind_text(st, 1, bucket);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return STORE_OK;
    return rc == SQLITE_DONE ? STORE_NOT_FOUND : store_fail(tx, "any object");
}

enum store_result store_s3_object_scan(struct store_tx *tx, const char *bucket,
                                       const char *from, size_t from_len,
                                       bool is_inclusive, const char *prefix,
                                       size_t prefix_len,
                                       store_s3_object_fn fn, void *arg)
{
    sqlite3_stmt *st = store_stmt(tx, is_inclusive ? sql_object_scan_inclusive
                                                   : sql_object_scan);
    if (st == NULL)
        return STORE_ERROR;
    bind_text(st, 1, bucket);
    bind_blob(st, 2, from, from_len);
    bind_blob(st, 3, prefix, prefix_len);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_s3_object o;
        read_object(st, &o);
        if (o.key_len < prefix_len ||
            (prefix_len && memcmp(o.key, prefix, prefix_len) != 0))
            break;
        if (fn(&o, arg) != 0)
            break;
    }
    enum store_result res = rc == SQLITE_ROW || rc == SQLITE_DONE
                                ? STORE_OK : store_fail(tx, "scan objects");
    sqlite3_reset(st);
    return res;
}

/* --- Multipart uploads -------------------------------------------------- */

void store_s3_upload_clear(struct store_s3_upload *u)
{
    free((char *)u->id);
    free((char *)u->key);
    free((char *)u->content_type);
    free((char *)u->meta);
    free((char *)u->checksum_algo);
    memset(u, 0, sizeof *u);
}

enum store_result store_s3_upload_insert(struct store_tx *tx,
                                         const char *bucket,
                                         const struct store_s3_upload *u)
{
    sqlite3_stmt *st = store_stmt(tx, sql_upload_insert);
    if (st == NULL)
        return STORE_ERROR;
    bind_text(st, 1, u->id);
    bind_text(st, 2, bucket);
    bind_blob(st, 3, u->key, u->key_len);
    sqlite3_bind_int64(st, 4, u->created_ms);
    bind_text(st, 5, u->content_type);
    bind_text(st, 6, u->meta);
    bind_text(st, 7, u->checksum_algo);
    return store_step_done(tx, st, "insert upload");
}

static void read_upload(sqlite3_stmt *st, struct store_s3_upload *u)
{
    u->id = col_text(st, 0);
    u->key = sqlite3_column_blob(st, 1);
    u->key_len = (size_t)sqlite3_column_bytes(st, 1);
    u->created_ms = sqlite3_column_int64(st, 2);
    u->content_type = col_text(st, 3);
    u->meta = col_text(st, 4);
    u->checksum_algo = col_text(st, 5);
}

enum store_result store_s3_upload_get(struct store_tx *tx, const char *bucket,
                                      const char *key, size_t key_len,
                                      const char *id,
                                      struct store_s3_upload *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = store_stmt(tx, sql_upload_get);
    if (st == NULL)
        return STORE_ERROR;
    bind_text(st, 1, id);
    bind_text(st, 2, bucket);
    bind_blob(st, 3, key, key_len);
    int rc = sqlite3_step(st);
    enum store_result res = STORE_NOT_FOUND;
    if (rc == SQLITE_ROW) {
        struct store_s3_upload u;
        read_upload(st, &u);
        char *k = xmalloc(u.key_len + 1);
        memcpy(k, u.key ? u.key : "", u.key_len);
        k[u.key_len] = '\0';
        *out = u;
        out->id = xstrdup(u.id);
        out->key = k;
        out->content_type = dup_or_null(u.content_type);
        out->meta = dup_or_null(u.meta);
        out->checksum_algo = dup_or_null(u.checksum_algo);
        res = STORE_OK;
    } else if (rc != SQLITE_DONE) {
        res = store_fail(tx, "get upload");
    }
    sqlite3_reset(st);
    return res;
}

enum store_result store_s3_upload_delete(struct store_tx *tx, const char *id)
{
    enum store_result res = delete_bodies(tx, sql_upload_parts_bodies, id);
    if (res == STORE_OK)
        res = run_bucket(tx, sql_upload_parts_delete, id, "delete parts");
    if (res == STORE_OK)
        res = run_bucket(tx, sql_upload_delete, id, "delete upload");
    return res;
}

enum store_result store_s3_upload_scan(struct store_tx *tx, const char *bucket,
                                       const char *prefix, size_t prefix_len,
                                       const char *key_marker,
                                       size_t key_marker_len,
                                       store_s3_upload_fn fn, void *arg)
{
    sqlite3_stmt *st = store_stmt(tx, sql_upload_scan);
    if (st == NULL)
        return STORE_ERROR;
    bind_text(st, 1, bucket);
    bind_blob(st, 2, key_marker, key_marker_len);
    bind_blob(st, 3, prefix, prefix_len);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_s3_upload u;
        read_upload(st, &u);
        if (u.key_len < prefix_len ||
            (prefix_len && memcmp(u.key, prefix, prefix_len) != 0))
            break;
        if (fn(&u, arg) != 0)
            break;
    }
    enum store_result res = rc == SQLITE_ROW || rc == SQLITE_DONE
                                ? STORE_OK : store_fail(tx, "scan uploads");
    sqlite3_reset(st);
    return res;
}

enum store_result store_s3_part_put_body(struct store_tx *tx,
                                         const char *upload,
                                         const struct store_s3_part *p)
{
    sqlite3_stmt *st = store_stmt(tx, sql_part_body);
    if (st == NULL)
        return STORE_ERROR;
    bind_text(st, 1, upload);
    sqlite3_bind_int64(st, 2, p->number);
    int64_t old, size;
    enum store_result res = find_body(tx, st, &old, &size);
    if (res == STORE_OK)
        res = body_delete(tx, old);
    if (res != STORE_OK)
        return res;
    st = store_stmt(tx, sql_part_put);
    if (st == NULL)
        return STORE_ERROR;
    bind_text(st, 1, upload);
    sqlite3_bind_int64(st, 2, p->number);
    sqlite3_bind_int64(st, 3, p->size);
    bind_text(st, 4, p->etag);
    sqlite3_bind_int64(st, 5, p->modified_ms);
    bind_text(st, 6, p->checksum);
    sqlite3_bind_int64(st, 7, p->body);
    return store_step_done(tx, st, "put part");
}

enum store_result store_s3_part_put(struct store_tx *tx, const char *upload,
                                    const struct store_s3_part *p,
                                    const void *body, size_t body_len)
{
    struct store_s3_part with_body = *p;
    enum store_result res = write_body(tx, body, body_len, &with_body.body);
    return res == STORE_OK ? store_s3_part_put_body(tx, upload, &with_body)
                           : res;
}

enum store_result store_s3_part_scan(struct store_tx *tx, const char *upload,
                                     int64_t after, store_s3_part_fn fn,
                                     void *arg)
{
    sqlite3_stmt *st = store_stmt(tx, sql_part_scan);
    if (st == NULL)
        return STORE_ERROR;
    bind_text(st, 1, upload);
    sqlite3_bind_int64(st, 2, after);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_s3_part p = {
            .number = sqlite3_column_int64(st, 0),
            .size = sqlite3_column_int64(st, 1),
            .etag = col_text(st, 2),
            .modified_ms = sqlite3_column_int64(st, 3),
            .checksum = col_text(st, 4),
        };
        if (fn(&p, arg) != 0)
            break;
    }
    enum store_result res = rc == SQLITE_ROW || rc == SQLITE_DONE
                                ? STORE_OK : store_fail(tx, "scan parts");
    sqlite3_reset(st);
    return res;
}

/* Moves one part's body to the end of the object's: its extents change
 * owner and offset, its chunks stay where they are. */
static enum store_result move_part(struct store_tx *tx, const char *upload,
                                   int64_t number, int64_t *body,
                                   int64_t *offset)
{
    sqlite3_stmt *st = store_stmt(tx, sql_part_body);
    if (st == NULL)
        return STORE_ERROR;
    bind_text(st, 1, upload);
    sqlite3_bind_int64(st, 2, number);
    int64_t part, size;
    enum store_result res = find_body(tx, st, &part, &size);
    if (res != STORE_OK || part == 0)
        return res;
    if (*body == 0) {
        *body = part;
    } else {
        st = store_stmt(tx, sql_body_move);
        if (st == NULL)
            return STORE_ERROR;
        sqlite3_bind_int64(st, 1, part);
        sqlite3_bind_int64(st, 2, *body);
        sqlite3_bind_int64(st, 3, *offset);
        res = store_step_done(tx, st, "move part");
    }
    *offset += size;
    st = res == STORE_OK ? store_stmt(tx, sql_part_unlink) : NULL;
    if (st == NULL)
        return res == STORE_OK ? STORE_ERROR : res;
    bind_text(st, 1, upload);
    sqlite3_bind_int64(st, 2, number);
    return store_step_done(tx, st, "unlink part");
}

enum store_result store_s3_object_put_parts(struct store_tx *tx,
                                            const char *bucket,
                                            const struct store_s3_object *o,
                                            const char *upload,
                                            const int64_t *numbers, size_t n)
{
    struct store_s3_object with_body = *o;
    with_body.body = 0;
    int64_t offset = 0;
    enum store_result res = STORE_OK;
    for (size_t i = 0; res == STORE_OK && i < n; i++)
        res = move_part(tx, upload, numbers[i], &with_body.body, &offset);
    return res == STORE_OK ? store_s3_object_put_body(tx, bucket, &with_body)
                           : res;
}
