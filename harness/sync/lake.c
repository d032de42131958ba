/* The lake table over SQLite; see lake.h. Sequence numbers are stored
 * left-padded with zeros to 40 digits, so SQL text comparison orders them
 * numerically. WAL with synchronous=NORMAL: a commit is a write into the
 * WAL without an fsync, atomic whatever happens; the fsyncs come with WAL
 * checkpoints and lake_sync. Losing the newest commits to a power cut is
 * safe for the loader because a file's "loaded" row goes with its rows. */
#include "sync/lake.h"

#include "base/mem.h"
#include "sync/jsonl.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lake {
    sqlite3 *db;
    sqlite3_stmt *apply;
    sqlite3_stmt *seq_of;
    sqlite3_stmt *mark;
    sqlite3_stmt *find;
};

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    /* A loader's transactions touch pages all over the table: with
     * SQLite's 2 MB default cache a 100k-change lake (~20 MB) was read
     * back and spilled page by page, and its WAL checkpointed (two fsyncs)
     * after nearly every commit. 64 MB and 32 MB respectively. */
    "PRAGMA cache_size=-65536;"
    "PRAGMA wal_autocheckpoint=8192;"
    /* A rowid table with its key in an index, not WITHOUT ROWID: there
     * the whole row is the B-tree key, and every comparison on the way to
     * a key read a large item's overflow pages in full (a 400 KB item
     * copied for each lookup that passed it: 43% of the loader's CPU). A
     * lake written with the older layout works as it is. */
    "CREATE TABLE IF NOT EXISTS items("
    "  tbl TEXT NOT NULL, key TEXT NOT NULL, seq TEXT NOT NULL, item TEXT);"
    "CREATE UNIQUE INDEX IF NOT EXISTS items_key ON items(tbl, key);"
    "CREATE TABLE IF NOT EXISTS rejected("
    "  file TEXT PRIMARY KEY, reason TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS loaded("
    "  loader TEXT NOT NULL, file TEXT NOT NULL, etag TEXT NOT NULL,"
    "  PRIMARY KEY (loader, file)) WITHOUT ROWID;";

/* Newer sequence numbers win; equal ones are replays and change nothing. */
static const char apply_sql[] =
    "INSERT INTO items(tbl, key, seq, item) VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT(tbl, key) DO UPDATE SET seq = excluded.seq,"
    " item = excluded.item WHERE excluded.seq > items.seq";

static const char seq_of_sql[] =
    "SELECT seq FROM items WHERE tbl = ?1 AND key = ?2";

static const char mark_sql[] =
    "INSERT OR REPLACE INTO loaded(loader, file, etag) VALUES (?1, ?2, ?3)";

static const char find_sql[] =
    "SELECT 1 FROM loaded WHERE loader = ?1 AND file = ?2";

static int prepare(struct lake *l)
{
    const struct {
        const char *sql;
        sqlite3_stmt **st;
    } stmts[] = {
        { apply_sql, &l->apply },
        { seq_of_sql, &l->seq_of },
        { mark_sql, &l->mark },
        { find_sql, &l->find },
    };
    for (size_t i = 0; i < sizeof stmts / sizeof stmts[0]; i++)
        if (sqlite3_prepare_v2(l->db, stmts[i].sql, -1, stmts[i].st,
                               NULL) != SQLITE_OK)
            return -1;
    return 0;
}

struct lake *lake_open(const char *path, char *err, size_t errlen)
{
    struct lake *l = xcalloc(1, sizeof *l);
    char *msg = NULL;
    if (sqlite3_open(path, &l->db) != SQLITE_OK ||
        sqlite3_busy_timeout(l->db, 5000) != SQLITE_OK ||
        sqlite3_exec(l->db, schema, NULL, NULL, &msg) != SQLITE_OK ||
        prepare(l) < 0) {
        snprintf(err, errlen, "%s: %s", path,
                 msg ? msg : sqlite3_errmsg(l->db));
        sqlite3_free(msg);
        lake_close(l);
        return NULL;
    }
    return l;
}

void lake_close(struct lake *l)
{
    if (l == NULL)
        return;
    sqlite3_finalize(l->apply);
    sqlite3_finalize(l->seq_of);
    sqlite3_finalize(l->mark);
    sqlite3_finalize(l->find);
    sqlite3_close(l->db);
    free(l);
}

static int exec(struct lake *l, const char *sql)
{
    if (sqlite3_exec(l->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "lake: %s: %s\n", sql, sqlite3_errmsg(l->db));
        return -1;
    }
    return 0;
}

int lake_begin(struct lake *l)
{
    return exec(l, "BEGIN IMMEDIATE");
}

int lake_commit(struct lake *l)
{
    return exec(l, "COMMIT");
}

void lake_rollback(struct lake *l)
{
    sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
}

/* A FULL checkpoint syncs the WAL, copies it into the database file and
 * syncs that: every commit so far is then on disk. */
int lake_sync(struct lake *l)
{
    int rc = sqlite3_wal_checkpoint_v2(l->db, NULL, SQLITE_CHECKPOINT_FULL,
                                       NULL, NULL);
    if (rc != SQLITE_OK) {
        fprintf(stderr, "lake: sync: %s\n", sqlite3_errmsg(l->db));
        return -1;
    }
    return 0;
}

/* seq as stored, left-padded with zeros; -1 when it is too long. */
static int pad_seq(const char *seq, char padded[JSONL_SEQ_MAX + 1])
{
    size_t n = strlen(seq);
    if (n > JSONL_SEQ_MAX)
        return -1;
    memset(padded, '0', JSONL_SEQ_MAX - n);
    memcpy(padded + JSONL_SEQ_MAX - n, seq, n + 1);
    return 0;
}

enum lake_result lake_apply(struct lake *l, const char *table,
                            const char *key, const char *seq,
                            const char *item)
{
    char padded[JSONL_SEQ_MAX + 1];
    if (pad_seq(seq, padded) < 0)
        return LAKE_ERROR;
    sqlite3_stmt *st = l->apply;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, padded, -1, SQLITE_TRANSIENT);
    if (item)
        sqlite3_bind_text(st, 4, item, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 4);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "lake: apply: %s\n", sqlite3_errmsg(l->db));
        return LAKE_ERROR;
    }
    return sqlite3_changes(l->db) > 0 ? LAKE_APPLIED : LAKE_STALE;
}

/* The padded sequence number of key's row into seq; 0 when there is a
 * row, 1 when there is none, -1 on error. */
static int row_seq(struct lake *l, const char *table, const char *key,
                   char seq[JSONL_SEQ_MAX + 1])
{
    sqlite3_stmt *st = l->seq_of;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(seq, JSONL_SEQ_MAX + 1, "%s",
                 (const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        fprintf(stderr, "lake: apply: %s\n", sqlite3_errmsg(l->db));
        return -1;
    }
    return rc == SQLITE_ROW ? 0 : 1;
}

long lake_standing(struct lake *l, const char *table, const char *key,
                   const char *const *seqs, size_t n, size_t *applied)
{
    char row[JSONL_SEQ_MAX + 1];
    int has_row = row_seq(l, table, key, row);
    if (has_row < 0)
        return LAKE_STANDING_ERROR;
    long standing = LAKE_STANDING_NONE;
    *applied = 0;
    for (size_t i = 0; i < n; i++) {
        char seq[JSONL_SEQ_MAX + 1];
        if (pad_seq(seqs[i], seq) < 0)
            return LAKE_STANDING_ERROR;
        if (has_row == 0 && strcmp(seq, row) <= 0)
            continue; /* lake_apply would find it stale */
        memcpy(row, seq, sizeof row);
        has_row = 0;
        standing = (long)i;
        (*applied)++;
    }
    return standing;
}

int lake_mark_loaded(struct lake *l, const char *loader, const char *file,
                     const char *etag)
{
    sqlite3_stmt *st = l->mark;
    sqlite3_bind_text(st, 1, loader, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, file, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, etag, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "lake: mark: %s\n", sqlite3_errmsg(l->db));
        return -1;
    }
    return 0;
}

int lake_is_loaded(struct lake *l, const char *loader, const char *file)
{
    sqlite3_stmt *st = l->find;
    sqlite3_bind_text(st, 1, loader, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, file, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        fprintf(stderr, "lake: find: %s\n", sqlite3_errmsg(l->db));
        return -1;
    }
    return rc == SQLITE_ROW;
}

int lake_reject(struct lake *l, const char *file, const char *reason)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(l->db, "INSERT OR REPLACE INTO "
                                "rejected(file, reason) VALUES (?1, ?2)",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, file, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, reason, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
    if (rc != SQLITE_OK)
        fprintf(stderr, "lake: reject: %s\n", sqlite3_errmsg(l->db));
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : -1;
}

long lake_snapshot(struct lake *l, FILE *out)
{
    sqlite3_stmt *st = NULL;
    long n = 0;
    if (sqlite3_prepare_v2(l->db, "SELECT item FROM items WHERE item IS NOT "
                           "NULL ORDER BY tbl, key", -1, &st,
                           NULL) != SQLITE_OK) {
        fprintf(stderr, "lake: snapshot: %s\n", sqlite3_errmsg(l->db));
        return -1;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fprintf(out, "%s\n", (const char *)sqlite3_column_text(st, 0));
        n++;
    }
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "lake: snapshot: %s\n", sqlite3_errmsg(l->db));
        n = -1;
    }
    sqlite3_finalize(st);
    return n;
}
