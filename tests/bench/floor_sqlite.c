/* The SQLite floor for `make bench`: one thread doing one transaction per
 * operation against a WAL database in /dev/shm with synchronous=OFF and the
 * ddb_items schema, as emulator/store/store.c sets them up in its default
 * in-memory mode. "write" is BEGIN IMMEDIATE; INSERT OR REPLACE of a
 * ~200-byte item; COMMIT (PutItem's floor); "read" is a point SELECT in a
 * read transaction (GetItem's floor). Prints ops/s. */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char schema[] =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
    "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16384;"
    "CREATE TABLE IF NOT EXISTS ddb_items("
    " tbl INTEGER NOT NULL, hash INTEGER NOT NULL, pk BLOB NOT NULL,"
    " sk BLOB NOT NULL, item TEXT NOT NULL, size INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX IF NOT EXISTS ddb_items_key"
    " ON ddb_items(tbl, hash, pk, sk);";

static const char item[] =
    "{\"pk\":{\"S\":\"k000000000\"},\"n\":{\"N\":\"1\"},\"data\":{\"S\":\""
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123\"}}";

/* Keys read back by the read floor, as GetItem reads a prefilled table. */
#define FLOOR_KEYS 10000

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

struct floor_db {
    sqlite3 *db;
    sqlite3_stmt *begin_write, *begin_read, *commit, *put, *get;
};

static int op_write(struct floor_db *f, uint64_t i)
{
    char key[16];
    int n = snprintf(key, sizeof key, "p%09llu", (unsigned long long)i);
    sqlite3_bind_int64(f->put, 1, 1);
    sqlite3_bind_int64(f->put, 2, (sqlite3_int64)(i * 0x9e3779b97f4a7c15ull));
    sqlite3_bind_blob(f->put, 3, key, n, SQLITE_STATIC);
    sqlite3_bind_blob(f->put, 4, "", 0, SQLITE_STATIC);
    sqlite3_bind_text(f->put, 5, item, sizeof item - 1, SQLITE_STATIC);
    sqlite3_bind_int64(f->put, 6, 200);
    if (step_done(f->begin_write) < 0 || step_done(f->put) < 0)
        return -1;
    return step_done(f->commit);
}

static int op_read(struct floor_db *f, uint64_t i)
{
    uint64_t k = (i * 7919) % FLOOR_KEYS;
    char key[16];
    int n = snprintf(key, sizeof key, "p%09llu", (unsigned long long)k);
    sqlite3_bind_int64(f->get, 1, 1);
    sqlite3_bind_int64(f->get, 2, (sqlite3_int64)(k * 0x9e3779b97f4a7c15ull));
    sqlite3_bind_blob(f->get, 3, key, n, SQLITE_STATIC);
    sqlite3_bind_blob(f->get, 4, "", 0, SQLITE_STATIC);
    if (step_done(f->begin_read) < 0)
        return -1;
    int rc = sqlite3_step(f->get);
    sqlite3_reset(f->get);
    if (rc != SQLITE_ROW)
        return -1;
    return step_done(f->commit);
}

static int prepare(struct floor_db *f)
{
    const char *sql[] = {
        "BEGIN IMMEDIATE", "BEGIN", "COMMIT",
        "INSERT OR REPLACE INTO ddb_items(tbl, hash, pk, sk, item, size) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
        "SELECT item FROM ddb_items WHERE tbl = ?1 AND hash = ?2 AND "
        "pk = ?3 AND sk = ?4",
    };
    sqlite3_stmt **out[] = { &f->begin_write, &f->begin_read, &f->commit,
                             &f->put, &f->get };
    for (size_t i = 0; i < 5; i++) {
        if (sqlite3_prepare_v2(f->db, sql[i], -1, out[i], NULL) != SQLITE_OK)
            return -1;
    }
    return 0;
}

static void close_db(struct floor_db *f)
{
    sqlite3_finalize(f->begin_write);
    sqlite3_finalize(f->begin_read);
    sqlite3_finalize(f->commit);
    sqlite3_finalize(f->put);
    sqlite3_finalize(f->get);
    sqlite3_close(f->db);
}

/* Runs op for seconds and returns ops/s, or -1. */
static double run(struct floor_db *f, int (*op)(struct floor_db *, uint64_t),
                  double seconds)
{
    double t0 = now_s(), t = t0;
    uint64_t n = 0;
    while (t - t0 < seconds) {
        for (int j = 0; j < 1000; j++) {
            if (op(f, n++) < 0)
                return -1;
        }
        t = now_s();
    }
    return (double)n / (t - t0);
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "write";
    double seconds = argc > 2 ? strtod(argv[2], NULL) : 2.0;
    char dir[] = "/dev/shm/floor-sqlite-XXXXXX", path[64];
    if (mkdtemp(dir) == NULL) {
        perror("floor_sqlite: mkdtemp");
        return 1;
    }
    snprintf(path, sizeof path, "%s/floor.db", dir);
    struct floor_db f = { 0 };
    int rc = 1;
    if (sqlite3_open(path, &f.db) != SQLITE_OK ||
        sqlite3_exec(f.db, schema, NULL, NULL, NULL) != SQLITE_OK ||
        prepare(&f) < 0) {
        fprintf(stderr, "floor_sqlite: %s\n", sqlite3_errmsg(f.db));
        goto out;
    }
    int is_read = strcmp(what, "read") == 0;
    for (uint64_t i = 0; is_read && i < FLOOR_KEYS; i++)
        op_write(&f, i);
    double ops = run(&f, is_read ? op_read : op_write, seconds);
    if (ops < 0) {
        fprintf(stderr, "floor_sqlite: %s\n", sqlite3_errmsg(f.db));
        goto out;
    }
    printf("%.0f\n", ops);
    rc = 0;
out:
    close_db(&f);
    static const char *const suffixes[] = { "", "-wal", "-shm" };
    for (size_t i = 0; i < 3; i++) {
        char p[96];
        snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
        unlink(p);
    }
    rmdir(dir);
    return rc;
}
