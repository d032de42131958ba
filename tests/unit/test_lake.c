/* lake: changes apply by sequence number per key (older and equal ones are
 * stale, a REMOVE leaves a tombstone), and a file's "loaded" record lives
 * and dies with the transaction that applied its rows: after a rollback
 * neither is there, after a commit both are, also once the database is
 * opened again; each loader sees only its own files; a lake of the older
 * WITHOUT ROWID layout works as it is. */
#include "base/buf.h"
#include "base/mem.h"
#include "sync/lake.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/test_lakeXXXXXX";
static char path[256];

static struct lake *open_lake(void)
{
    char err[256] = "";
    struct lake *l = lake_open(path, err, sizeof err);
    assert_non_null(l);
    return l;
}

/* The lake's live rows as the snapshot writes them. */
static char *snapshot_of(struct lake *l, long *rows)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    *rows = lake_snapshot(l, f);
    fclose(f);
    return text;
}

static void remove_lake(void)
{
    char side[300];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

/* Applies changes of two keys, out of order and replayed, and checks
 * that only the newest change of each counts. */
static void apply_and_check_newest(struct lake *l)
{
    static const struct {
        const char *key, *seq, *item;
        enum lake_result expected;
    } rows[] = {
        { "k1", "200", "{\"v\":{\"N\":\"2\"}}", LAKE_APPLIED },
        { "k1", "100", "{\"v\":{\"N\":\"1\"}}", LAKE_STALE },
        { "k1", "200", "{\"v\":{\"N\":\"9\"}}", LAKE_STALE },
        /* 1000 > 300 although "1000" < "300" as text. */
        { "k2", "300", "{\"v\":{\"N\":\"3\"}}", LAKE_APPLIED },
        { "k2", "1000", NULL, LAKE_APPLIED },
        { "k2", "900", "{\"v\":{\"N\":\"4\"}}", LAKE_STALE },
    };
    assert_int_equal(lake_begin(l), 0);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        assert_int_equal(lake_apply(l, "t", rows[i].key, rows[i].seq,
                                    rows[i].item), rows[i].expected);
    assert_int_equal(lake_commit(l), 0);
    long n = 0;
    char *text = snapshot_of(l, &n);
    assert_int_equal(n, 1);
    assert_string_equal(text, "{\"v\":{\"N\":\"2\"}}\n");
    free(text);
}

static void apply_should_keep_the_newest_change_per_key(void **state)
{
    (void)state;
    struct lake *l = open_lake();
    apply_and_check_newest(l);
    lake_close(l);
    remove_lake();
}

/* lake_standing against lake_apply itself: for random runs of changes to
 * a row (with or without a row before, sequence numbers of every length,
 * equal ones included), the count and the change left standing are those
 * of applying each in turn. Each trial applies its changes one by one
 * after asking, then its row must hold the standing change's item. */
#define STANDING_TRIALS 300
#define STANDING_MAX_CHANGES 6

static void random_seq(unsigned *seed, char *out, size_t len)
{
    static const char *const seqs[] = { "7", "100", "101", "300", "1000",
                                        "99999999999999999999", "100" };
    snprintf(out, len, "%s", seqs[rand_r(seed) % 7]);
}

static void standing_trial(struct lake *l, unsigned *seed, int trial,
                           struct buf *expected)
{
    char key[32], old[64], seqs[STANDING_MAX_CHANGES][32],
        items[STANDING_MAX_CHANGES][64];
    const char *seq_of[STANDING_MAX_CHANGES];
    snprintf(key, sizeof key, "k%04d", trial);
    bool has_old = rand_r(seed) % 2;
    if (has_old) {
        char first[32];
        random_seq(seed, first, sizeof first);
        snprintf(old, sizeof old, "{\"i\":{\"S\":\"%d-old\"}}", trial);
        assert_int_equal(lake_apply(l, "t", key, first, old), LAKE_APPLIED);
    }
    size_t n = 1 + (size_t)rand_r(seed) % STANDING_MAX_CHANGES;
    for (size_t i = 0; i < n; i++) {
        random_seq(seed, seqs[i], sizeof seqs[i]);
        seq_of[i] = seqs[i];
        snprintf(items[i], sizeof items[i], "{\"i\":{\"S\":\"%d-%zu\"}}",
                 trial, i);
    }
    size_t applied = 0;
    long standing = lake_standing(l, "t", key, seq_of, n, &applied);
    size_t applied_in_turn = 0;
    for (size_t i = 0; i < n; i++)
        applied_in_turn += lake_apply(l, "t", key, seqs[i], items[i]) ==
                           LAKE_APPLIED;
    assert_int_equal(applied, applied_in_turn);
    assert_true(standing == LAKE_STANDING_NONE ? applied == 0
                                               : standing >= 0);
    if (standing >= 0)
        buf_printf(expected, "%s\n", items[standing]);
    else if (has_old)
        buf_printf(expected, "%s\n", old);
}

static void standing_should_be_what_applying_each_in_turn_leaves(
    void **state)
{
    (void)state;
    struct lake *l = open_lake();
    unsigned seed = 42;
    struct buf expected;
    buf_init(&expected, 0);
    assert_int_equal(lake_begin(l), 0);
    for (int trial = 0; trial < STANDING_TRIALS; trial++)
        standing_trial(l, &seed, trial, &expected);
    assert_int_equal(lake_commit(l), 0);
    long n = 0;
    char *text = snapshot_of(l, &n);
    assert_string_equal(text, buf_cstr(&expected));
    free(text);
    buf_clear(&expected);
    lake_close(l);
    remove_lake();
}

static void standing_should_refuse_a_sequence_number_too_long(void **state)
{
    (void)state;
    struct lake *l = open_lake();
    const char *seqs[] = { "1", "12345678901234567890123456789012345678901" };
    size_t applied = 0;
    assert_int_equal(lake_standing(l, "t", "k", seqs, 2, &applied),
                     LAKE_STANDING_ERROR);
    lake_close(l);
    remove_lake();
}

/* Lakes written before items became a rowid table keep working. */
static void apply_should_work_in_a_lake_of_the_older_layout(void **state)
{
    (void)state;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE items(tbl TEXT NOT NULL,"
                                  " key TEXT NOT NULL, seq TEXT NOT NULL,"
                                  " item TEXT, PRIMARY KEY (tbl, key))"
                                  " WITHOUT ROWID;", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    struct lake *l = open_lake();
    apply_and_check_newest(l);
    lake_close(l);
    remove_lake();
}

static void rollback_should_drop_rows_and_loaded_record_together(void **state)
{
    (void)state;
    struct lake *l = open_lake();
    assert_int_equal(lake_begin(l), 0);
    assert_int_equal(lake_apply(l, "t", "k", "1", "{}"), LAKE_APPLIED);
    assert_int_equal(lake_mark_loaded(l, "A", "f1.jsonl", "\"e1\""), 0);
    assert_int_equal(lake_is_loaded(l, "A", "f1.jsonl"), 1);
    lake_rollback(l);
    assert_int_equal(lake_is_loaded(l, "A", "f1.jsonl"), 0);
    long n = -1;
    free(snapshot_of(l, &n));
    assert_int_equal(n, 0);
    lake_close(l);
    remove_lake();
}

static void commit_should_keep_rows_and_loaded_record_after_reopen(
    void **state)
{
    (void)state;
    struct lake *l = open_lake();
    assert_int_equal(lake_begin(l), 0);
    assert_int_equal(lake_apply(l, "t", "k", "1", "{}"), LAKE_APPLIED);
    assert_int_equal(lake_mark_loaded(l, "A", "f1.jsonl", "\"e1\""), 0);
    assert_int_equal(lake_commit(l), 0);
    assert_int_equal(lake_sync(l), 0);
    lake_close(l);
    l = open_lake();
    assert_int_equal(lake_is_loaded(l, "A", "f1.jsonl"), 1);
    assert_int_equal(lake_is_loaded(l, "A", "f2.jsonl"), 0);
    /* Another loader (another checkpoint) has loaded nothing. */
    assert_int_equal(lake_is_loaded(l, "B", "f1.jsonl"), 0);
    long n = 0;
    free(snapshot_of(l, &n));
    assert_int_equal(n, 1);
    lake_close(l);
    remove_lake();
}

static void open_should_fail_with_reason_for_a_foreign_file(void **state)
{
    (void)state;
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("not a database, not at all; sixteen bytes and more", f);
    fclose(f);
    char err[256] = "";
    assert_null(lake_open(path, err, sizeof err));
    assert_non_null(strstr(err, path));
    remove_lake();
}

int main(void)
{
    mem_install_cjson_hooks();
    if (mkdtemp(dir) == NULL)
        return 1;
    snprintf(path, sizeof path, "%s/lake.db", dir);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(apply_should_keep_the_newest_change_per_key),
        cmocka_unit_test(standing_should_be_what_applying_each_in_turn_leaves),
        cmocka_unit_test(standing_should_refuse_a_sequence_number_too_long),
        cmocka_unit_test(apply_should_work_in_a_lake_of_the_older_layout),
        cmocka_unit_test(rollback_should_drop_rows_and_loaded_record_together),
        cmocka_unit_test(
            commit_should_keep_rows_and_loaded_record_after_reopen),
        cmocka_unit_test(open_should_fail_with_reason_for_a_foreign_file),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rmdir(dir);
    return rc;
}
