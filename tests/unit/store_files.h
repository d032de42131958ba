/* A store's database file written by hand the way an older dynalake left
 * it, for the tests of what store_open makes of it (test_store_items.c,
 * test_store_streams.c). Include after cmocka.h. */
#ifndef DYNALAKE_TEST_STORE_FILES_H
#define DYNALAKE_TEST_STORE_FILES_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

struct store_file {
    char dir[64];   /* the data directory, for store_open */
    char path[96];  /* its database */
};

/* A new data directory whose database holds what sql creates. */
static inline void store_file_create(struct store_file *f, const char *sql)
{
    snprintf(f->dir, sizeof f->dir, "/tmp/dynalake-test-store-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/dynalake.db", f->dir);
    sqlite3 *db = NULL;
    char *err = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", sql, err);
    sqlite3_close(db);
}

/* The integer the query's first row starts with, read from the file. */
static inline int store_file_count(const struct store_file *f,
                                   const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static inline void store_file_remove(const struct store_file *f)
{
    char cmd[sizeof f->dir + 16];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
}

#endif
