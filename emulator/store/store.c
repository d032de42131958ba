/* SQLite connections and transaction runners; see store.h. With a data
 * directory the database is a WAL file: one writer connection, and a pool
 * of readers that run in parallel with it. In memory it is one connection
 * to a private memdb database, shared by reads and writes under one lock:
 * measured here, a write transaction costs a sixth of WAL's on tmpfs (no
 * file I/O, no fcntl locks), which outweighs losing parallel reads. */
#include "store/store_internal.h"

#include "base/buf.h"
#include "base/log.h"
#include "base/mem.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Statements cached per connection; more distinct statements than this
 * still work, the extra ones are prepared and finalized per use. */
#define STORE_STMT_SLOTS 128
/* Attempts of a transaction that keeps meeting SQLITE_BUSY. */
#define STORE_MAX_BUSY_RETRIES 50

struct stmt_slot {
    const char *sql; /* static string; the cache key is its address */
    sqlite3_stmt *stmt;
};

struct store_tx {
    sqlite3 *db;
    const char *s3_schema;      /* static; where S3 bodies live */
    struct stmt_slot slots[STORE_STMT_SLOTS];
    struct store_streams_cache streams_cache; /* appends' stream state */
    struct store_tx *next_free; /* reader pool free list */
    struct store_tx *next_all;  /* every reader, for close */
};

struct store {
    char *path;     /* owned; the database file, or the memdb URI */
    bool is_durable;
    pthread_mutex_t write_lock; /* in memory: guards reads too */
    pthread_t owner;            /* in memory: the thread holding write_lock */
    bool is_owned;
    struct store_tx *writer;
    pthread_mutex_t pool_lock;
    struct store_tx *free_readers;
    struct store_tx *all_readers;
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS ddb_tables("
    " id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, def TEXT NOT NULL);"
    /* Items are rowid tables with their key in a unique index, not
     * WITHOUT ROWID tables: there the whole row is the B-tree key, and
     * each comparison on the way to a key read a large item's overflow
     * pages in full (up to 400 KB copied for every lookup passing it). */
    "CREATE TABLE IF NOT EXISTS ddb_items("
    " tbl INTEGER NOT NULL, hash INTEGER NOT NULL, pk BLOB NOT NULL,"
    " sk BLOB NOT NULL, item TEXT NOT NULL, size INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX IF NOT EXISTS ddb_items_key"
    " ON ddb_items(tbl, hash, pk, sk);"
    /* Secondary index entries: one row per indexed item and index, in the
     * index's key order (index partition hash, partition key, sort key),
     * then the base item's key, which tells items with equal index keys
     * apart; bhash finds the base item's row. */
    "CREATE TABLE IF NOT EXISTS ddb_index_items("
    " tbl INTEGER NOT NULL, idx TEXT NOT NULL, hash INTEGER NOT NULL,"
    " ipk BLOB NOT NULL, isk BLOB NOT NULL, bhash INTEGER NOT NULL,"
    " bpk BLOB NOT NULL, bsk BLOB NOT NULL, item TEXT NOT NULL,"
    " size INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX IF NOT EXISTS ddb_index_items_key"
    " ON ddb_index_items(tbl, idx, hash, ipk, isk, bpk, bsk);"
    "CREATE TABLE IF NOT EXISTS streams("
    " id INTEGER PRIMARY KEY, tbl INTEGER NOT NULL, table_name TEXT NOT NULL,"
    " arn TEXT NOT NULL UNIQUE, label TEXT NOT NULL, view TEXT NOT NULL,"
    " key_schema TEXT NOT NULL, created_ms INTEGER NOT NULL,"
    " disabled_ms INTEGER, next_seq INTEGER NOT NULL,"
    " last_ms INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS streams_tbl ON streams(tbl);"
    "CREATE TABLE IF NOT EXISTS stream_shards("
    " stream INTEGER NOT NULL, idx INTEGER NOT NULL, shard_id TEXT NOT NULL,"
    " parent_id TEXT, start_seq INTEGER NOT NULL, end_seq INTEGER,"
    " created_ms INTEGER NOT NULL, closed_ms INTEGER,"
    " n_records INTEGER NOT NULL, PRIMARY KEY(stream, idx)) WITHOUT ROWID;"
    /* Records are a few KB (both images), too large for a WITHOUT ROWID
     * table: there the whole row is the B-tree key, and each comparison
     * on the way to an insert read a record's overflow pages in full. A
     * rowid table compares integers only; the rowid is the stream's id
     * and the sequence number in one (store_streams.c, record_key), so a
     * stream's records are one contiguous range in sequence order. */
    "CREATE TABLE IF NOT EXISTS stream_log("
    " id INTEGER PRIMARY KEY, shard INTEGER NOT NULL,"
    " created_ms INTEGER NOT NULL, record TEXT NOT NULL);";


/* S3: object keys are BLOBs so that they order as S3 lists them, by UTF-8
 * bytes. Object and part rows name their bytes by a body id (0: empty);
 * a body is a run of extents (offset, length) in s3_extents, each pointing
 * at one chunk of at most STORE_S3_CHUNK_BYTES in s3_chunks, so that no
 * body has to fit SQLite's blob limit or the memory of a request, and
 * completing a multipart upload moves the parts' extents instead of
 * copying bytes. A body id is its first chunk's id, never reused. */
static const char schema_s3[] =
    "CREATE TABLE IF NOT EXISTS s3_buckets("
    " name TEXT PRIMARY KEY, region TEXT NOT NULL,"
    " created_ms INTEGER NOT NULL, policy TEXT) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS s3_objects("
    " id INTEGER PRIMARY KEY, bucket TEXT NOT NULL, key BLOB NOT NULL,"
    " size INTEGER NOT NULL, etag TEXT NOT NULL, modified_ms INTEGER NOT NULL,"
    " content_type TEXT, meta TEXT, checksum_algo TEXT, checksum TEXT,"
    " parts INTEGER NOT NULL, body INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX IF NOT EXISTS s3_objects_key ON s3_objects(bucket, key);"
    "CREATE TABLE IF NOT EXISTS s3_uploads("
    " id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key BLOB NOT NULL,"
    " created_ms INTEGER NOT NULL, content_type TEXT, meta TEXT,"
    " checksum_algo TEXT) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS s3_uploads_key ON s3_uploads(bucket, key, "
    "created_ms);"
    "CREATE TABLE IF NOT EXISTS s3_parts("
    " upload TEXT NOT NULL, num INTEGER NOT NULL, size INTEGER NOT NULL,"
    " etag TEXT NOT NULL, modified_ms INTEGER NOT NULL, checksum TEXT,"
    " body INTEGER NOT NULL, PRIMARY KEY(upload, num));";

/* The bodies' tables, in the schema that store_s3_schema names. */
static const char schema_s3_data[] =
    "CREATE TABLE IF NOT EXISTS %s.s3_chunks("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, data BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS %s.s3_extents("
    " body INTEGER NOT NULL, off INTEGER NOT NULL, len INTEGER NOT NULL,"
    " chunk INTEGER NOT NULL, PRIMARY KEY(body, off)) WITHOUT ROWID;";

/* The item tables a database may hold in their older WITHOUT ROWID
 * layout, and the columns their rows move over with. */
static const struct {
    const char *name, *columns;
} item_tables[] = {
    { "ddb_items", "tbl, hash, pk, sk, item, size" },
    { "ddb_index_items",
      "tbl, idx, hash, ipk, isk, bhash, bpk, bsk, item, size" },
};

static bool is_without_rowid(sqlite3 *db, const char *table)
{
    sqlite3_stmt *st = NULL;
    bool is_old = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master"
                                     " WHERE type = 'table' AND name = ?1"
                                     " AND sql LIKE '%WITHOUT ROWID'", -1,
                                     &st, NULL) == SQLITE_OK &&
                  sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC) ==
                      SQLITE_OK &&
                  sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return is_old;
}

/* Creates what the database lacks of the schema. Item tables of the older
 * layout are set aside, created anew and refilled, in one transaction. */
static int create_schema(sqlite3 *db, char **err)
{
    struct buf sql, moves;
    buf_init(&sql, 0);
    buf_init(&moves, 0);
    for (size_t i = 0; i < sizeof item_tables / sizeof item_tables[0]; i++) {
        const char *name = item_tables[i].name, *cols = item_tables[i].columns;
        if (!is_without_rowid(db, name))
            continue;
        buf_printf(&sql, "ALTER TABLE %s RENAME TO %s_old;", name, name);
        buf_printf(&moves, "INSERT INTO %s(%s) SELECT %s FROM %s_old;"
                   "DROP TABLE %s_old;", name, cols, cols, name, name);
    }
    int rc;
    if (sql.len == 0) {
        rc = sqlite3_exec(db, schema, NULL, NULL, err);
    } else {
        log_info("moving items into rowid tables");
        rc = sqlite3_exec(db, "BEGIN", NULL, NULL, err);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(db, buf_cstr(&sql), NULL, NULL, err);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(db, schema, NULL, NULL, err);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(db, buf_cstr(&moves), NULL, NULL, err);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(db, "COMMIT", NULL, NULL, err);
        if (rc != SQLITE_OK)
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    buf_clear(&sql);
    buf_clear(&moves);
    return rc;
}

sqlite3 *store_db(struct store_tx *tx)
{
    return tx->db;
}

struct store_streams_cache *store_streams_cache(struct store_tx *tx)
{
    return &tx->streams_cache;
}

const char *store_s3_schema(struct store_tx *tx)
{
    return tx->s3_schema;
}

enum store_result store_fail(struct store_tx *tx, const char *what)
{
    int code = sqlite3_errcode(tx->db);
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        return STORE_BUSY;
    log_error("sqlite: %s: %s", what, sqlite3_errmsg(tx->db));
    return STORE_ERROR;
}

enum store_result store_step_done(struct store_tx *tx, sqlite3_stmt *st,
                                  const char *what)
{
    int rc = sqlite3_step(st);
    enum store_result res = rc == SQLITE_DONE ? STORE_OK
                                              : store_fail(tx, what);
    sqlite3_reset(st);
    return res;
}

sqlite3_stmt *store_stmt(struct store_tx *tx, const char *sql)
{
    size_t h = ((uintptr_t)sql >> 3) % STORE_STMT_SLOTS;
    for (size_t i = 0; i < STORE_STMT_SLOTS; i++) {
        struct stmt_slot *slot = &tx->slots[(h + i) % STORE_STMT_SLOTS];
        if (slot->sql == sql) {
            sqlite3_reset(slot->stmt);
            sqlite3_clear_bindings(slot->stmt);
            return slot->stmt;
        }
        if (slot->sql == NULL) {
            if (sqlite3_prepare_v3(tx->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                   &slot->stmt, NULL) != SQLITE_OK) {
                store_fail(tx, "prepare");
                slot->stmt = NULL;
                return NULL;
            }
            slot->sql = sql;
            return slot->stmt;
        }
    }
    log_error("sqlite: statement cache full");
    return NULL;
}

static int exec(struct store_tx *tx, const char *sql)
{
    sqlite3_stmt *st = store_stmt(tx, sql);
    if (st == NULL)
        return SQLITE_ERROR;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static void conn_close(struct store_tx *tx)
{
    if (tx == NULL)
        return;
    for (size_t i = 0; i < STORE_STMT_SLOTS; i++)
        sqlite3_finalize(tx->slots[i].stmt);
    sqlite3_close(tx->db);
    free(tx);
}

/* S3 bodies: with a data directory, in the main database, so that they
 * commit with their rows; in memory, in a scratch database file attached
 * to the one connection (unlinked at once, gone with the process), so that
 * stored objects cost disk, not the memory the memdb database lives in. */
static int open_s3_data(const struct store *s, struct store_tx *tx)
{
    char *err = NULL;
    char sql[640];
    if (!s->is_durable) {
        const char *dir = getenv("TMPDIR");
        char path[512];
        /* Characters a URI would take for its own are not worth escaping
         * in a temporary directory's name: use /tmp instead. */
        if (dir == NULL || dir[0] == '\0' || strpbrk(dir, "%?#'") != NULL)
            dir = "/tmp";
        snprintf(path, sizeof path, "%s/dynalake-s3-XXXXXX", dir);
        int fd = mkstemp(path);
        if (fd < 0) {
            log_error("cannot create %s: %s", path, strerror(errno));
            return -1;
        }
        close(fd);
        /* A URI naming the file system's VFS: a plain name would open in
         * the connection's own VFS, memdb, in memory after all. */
        char uri[1024];
        sqlite3_snprintf((int)sizeof uri, uri, "file:%s?vfs=unix", path);
        /* Exclusive locking: nobody else ever opens the file, so the
         * first transaction to touch it keeps its lock, and later ones
         * skip the fcntl locks, the fstat and the header re-read that
         * SQLite spends on every transaction to notice other writers. */
        sqlite3_snprintf((int)sizeof sql, sql, "ATTACH %Q AS s3data;"
                         "PRAGMA s3data.journal_mode=MEMORY;"
                         "PRAGMA s3data.synchronous=OFF;"
                         "PRAGMA s3data.locking_mode=EXCLUSIVE;", uri);
        int rc = sqlite3_exec(tx->db, sql, NULL, NULL, &err);
        unlink(path);
        if (rc != SQLITE_OK) {
            log_error("sqlite: cannot attach %s: %s", path, err);
            sqlite3_free(err);
            return -1;
        }
        tx->s3_schema = "s3data";
    }
    snprintf(sql, sizeof sql, schema_s3_data, tx->s3_schema, tx->s3_schema);
    if (sqlite3_exec(tx->db, sql, NULL, NULL, &err) != SQLITE_OK) {
        log_error("sqlite: cannot prepare %s: %s", s->path, err);
        sqlite3_free(err);
        return -1;
    }
    return 0;
}

/* SQLite caps a memdb database at 1 GiB by default, after which every
 * commit fails with SQLITE_FULL: a stream of large items reaches that in
 * a thousand writes. In memory the machine's memory is the only limit. */
static int lift_memory_limit(sqlite3 *db)
{
    long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
    sqlite3_int64 limit = pages > 0 && page_size > 0
        ? (sqlite3_int64)pages * page_size
        : (sqlite3_int64)1 << 40;
    return sqlite3_file_control(db, "main", SQLITE_FCNTL_SIZE_LIMIT, &limit);
}

static struct store_tx *conn_open(const struct store *s, bool is_writer)
{
    struct store_tx *tx = xcalloc(1, sizeof *tx);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
    if (sqlite3_open_v2(s->path, &tx->db, flags, NULL) != SQLITE_OK) {
        log_error("sqlite: cannot open %s: %s", s->path,
                  tx->db ? sqlite3_errmsg(tx->db) : "out of memory");
        conn_close(tx);
        return NULL;
    }
    sqlite3_busy_timeout(tx->db, 5000);
    if (!s->is_durable && lift_memory_limit(tx->db) != SQLITE_OK) {
        log_error("sqlite: cannot lift the memory database's size limit: %s",
                  sqlite3_errmsg(tx->db));
        conn_close(tx);
        return NULL;
    }
    char pragmas[256];
    snprintf(pragmas, sizeof pragmas, "%s PRAGMA temp_store=MEMORY;%s",
             s->is_durable
                 ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                   "PRAGMA cache_size=-16384;"
                 : "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF;"
                   "PRAGMA locking_mode=EXCLUSIVE;",
             is_writer ? "" : "PRAGMA query_only=1;");
    char *err = NULL;
    if (sqlite3_exec(tx->db, pragmas, NULL, NULL, &err) != SQLITE_OK ||
        (is_writer && create_schema(tx->db, &err) != SQLITE_OK) ||
        (is_writer && sqlite3_exec(tx->db, schema_s3, NULL, NULL, &err) !=
                          SQLITE_OK)) {
        log_error("sqlite: cannot prepare %s: %s", s->path, err);
        sqlite3_free(err);
        conn_close(tx);
        return NULL;
    }
    tx->s3_schema = "main";
    if (is_writer && (store_streams_upgrade(tx) != STORE_OK ||
                      open_s3_data(s, tx) < 0)) {
        conn_close(tx);
        return NULL;
    }
    return tx;
}

static char *join_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

struct store *store_open(const char *data_dir)
{
    struct store *s = xcalloc(1, sizeof *s);
    pthread_mutex_init(&s->write_lock, NULL);
    pthread_mutex_init(&s->pool_lock, NULL);
    if (data_dir) {
        if (mkdir(data_dir, 0700) != 0 && errno != EEXIST) {
            log_error("cannot create %s: %s", data_dir, strerror(errno));
            store_close(s);
            return NULL;
        }
        s->is_durable = true;
        s->path = join_path(data_dir, "dynalake.db");
    } else {
        /* Private to its one connection: a memdb name without a leading
         * slash is never shared, so SQLite takes no mutex around each
         * page it copies, and in exclusive locking mode (above) keeps its
         * lock between transactions instead of taking it and re-reading
         * the header each time. */
        char uri[64];
        snprintf(uri, sizeof uri, "file:dynalake-%p?vfs=memdb", (void *)s);
        s->path = xstrdup(uri);
    }
    s->writer = conn_open(s, true);
    if (s->writer == NULL) {
        store_close(s);
        return NULL;
    }
    return s;
}

void store_close(struct store *s)
{
    if (s == NULL)
        return;
    while (s->all_readers) {
        struct store_tx *next = s->all_readers->next_all;
        conn_close(s->all_readers);
        s->all_readers = next;
    }
    conn_close(s->writer);
    pthread_mutex_destroy(&s->write_lock);
    pthread_mutex_destroy(&s->pool_lock);
    free(s->path);
    free(s);
}

/* In memory, the one connection under the lock. A read from the thread
 * that already holds it (inside its own write) runs in that transaction:
 * *is_nested tells the caller not to begin another. */
static struct store_tx *memory_acquire(struct store *s, bool *is_nested)
{
    if (s->is_owned && pthread_equal(s->owner, pthread_self())) {
        *is_nested = true;
        return s->writer;
    }
    pthread_mutex_lock(&s->write_lock);
    s->owner = pthread_self();
    s->is_owned = true;
    return s->writer;
}

static void memory_release(struct store *s, bool is_nested)
{
    if (is_nested)
        return;
    s->is_owned = false;
    pthread_mutex_unlock(&s->write_lock);
}

static struct store_tx *reader_acquire(struct store *s, bool *is_nested)
{
    *is_nested = false;
    if (!s->is_durable)
        return memory_acquire(s, is_nested);
    pthread_mutex_lock(&s->pool_lock);
    struct store_tx *tx = s->free_readers;
    if (tx)
        s->free_readers = tx->next_free;
    pthread_mutex_unlock(&s->pool_lock);
    if (tx)
        return tx;
    tx = conn_open(s, false);
    if (tx == NULL)
        return NULL;
    pthread_mutex_lock(&s->pool_lock);
    tx->next_all = s->all_readers;
    s->all_readers = tx;
    pthread_mutex_unlock(&s->pool_lock);
    return tx;
}

static void reader_release(struct store *s, struct store_tx *tx,
                           bool is_nested)
{
    if (!s->is_durable) {
        memory_release(s, is_nested);
        return;
    }
    pthread_mutex_lock(&s->pool_lock);
    tx->next_free = s->free_readers;
    s->free_readers = tx;
    pthread_mutex_unlock(&s->pool_lock);
}

/* One attempt: begin, run fn, commit on STORE_OK, roll back otherwise. */
static enum store_result attempt(struct store_tx *tx, const char *begin,
                                 store_fn fn, void *arg)
{
    int rc = exec(tx, begin);
    if (rc != SQLITE_OK)
        return store_fail(tx, "begin");
    enum store_result res = fn(tx, arg);
    if (res == STORE_OK) {
        rc = exec(tx, "COMMIT");
        if (rc == SQLITE_OK)
            return STORE_OK;
        res = store_fail(tx, "commit");
    }
    if (!sqlite3_get_autocommit(tx->db))
        exec(tx, "ROLLBACK");
    /* What the cache learned in this transaction is undone with it. */
    tx->streams_cache.is_valid = false;
    return res;
}

static enum store_result run(struct store_tx *tx, const char *begin,
                             store_fn fn, void *arg)
{
    for (int i = 0; i < STORE_MAX_BUSY_RETRIES; i++) {
        enum store_result res = attempt(tx, begin, fn, arg);
        if (res != STORE_BUSY)
            return res;
        usleep(1000u * (unsigned)(i + 1));
    }
    log_error("sqlite: database stayed busy");
    return STORE_ERROR;
}

enum store_result store_read(struct store *s, store_fn fn, void *arg)
{
    bool is_nested;
    struct store_tx *tx = reader_acquire(s, &is_nested);
    if (tx == NULL)
        return STORE_ERROR;
    enum store_result res = is_nested ? fn(tx, arg)
                                      : run(tx, "BEGIN", fn, arg);
    reader_release(s, tx, is_nested);
    return res;
}

enum store_result store_read_one(struct store *s, store_fn fn, void *arg)
{
    bool is_nested;
    struct store_tx *tx = reader_acquire(s, &is_nested);
    if (tx == NULL)
        return STORE_ERROR;
    enum store_result res = STORE_BUSY;
    for (int i = 0; i < STORE_MAX_BUSY_RETRIES && res == STORE_BUSY; i++)
        res = fn(tx, arg);
    reader_release(s, tx, is_nested);
    return res == STORE_BUSY ? STORE_ERROR : res;
}

enum store_result store_write(struct store *s, store_fn fn, void *arg)
{
    pthread_mutex_lock(&s->write_lock);
    s->owner = pthread_self();
    s->is_owned = true;
    /* Deferred, not IMMEDIATE: write_lock already makes this the only
     * writer, and an IMMEDIATE transaction would lock every attached
     * database (the S3 scratch file too) even when it writes to none. */
    enum store_result res = run(s->writer, "BEGIN", fn, arg);
    s->is_owned = false;
    pthread_mutex_unlock(&s->write_lock);
    return res;
}

enum store_result store_wipe_in(struct store_tx *tx)
{
    tx->streams_cache.is_valid = false;
    char *err = NULL;
    if (sqlite3_exec(tx->db, "DELETE FROM ddb_items; DELETE FROM ddb_index_items;"
                     "DELETE FROM ddb_tables;"
                     "DELETE FROM stream_log; DELETE FROM stream_shards;"
                     "DELETE FROM streams;"
                     "DELETE FROM s3_parts; DELETE FROM s3_uploads;"
                     "DELETE FROM s3_objects; DELETE FROM s3_buckets;"
                     "DELETE FROM s3_extents; DELETE FROM s3_chunks;",
                     NULL, NULL, &err) != SQLITE_OK) {
        log_error("sqlite: wipe: %s", err);
        sqlite3_free(err);
        return STORE_ERROR;
    }
    return STORE_OK;
}
