/* Unit tests for item rows in the store: a put replaces the item of its
 * key and leaves the others, and so does a replace of the row a read in
 * the same transaction found; and a database written with the older
 * WITHOUT ROWID item tables has their rows moved into the rowid tables
 * when it is opened, index entries included, the old tables gone. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/buf.h"
#include "store/store.h"
#include "store/store_ddb.h"
#include "store_files.h"

#include <string.h>

struct item_op {
    const char *pk, *json; /* json NULL: read into got */
    struct buf got;
    enum store_result res;
};

static enum store_result run_item_op(struct store_tx *tx, void *arg)
{
    struct item_op *op = arg;
    struct store_ddb_key key = { .hash = 7, .pk = op->pk,
                                 .pk_len = strlen(op->pk) };
    if (op->json)
        return store_ddb_item_put(tx, 1, &key, op->json, strlen(op->json),
                                  strlen(op->json));
    buf_reset(&op->got);
    op->res = store_ddb_item_get(tx, 1, &key, &op->got);
    return STORE_OK;
}

static void put(struct store *s, const char *pk, const char *json)
{
    struct item_op op = { .pk = pk, .json = json };
    assert_int_equal(store_write(s, run_item_op, &op), STORE_OK);
}

/* The item stored under pk, or "" when there is none. */
static void expect_item(struct store *s, const char *pk, const char *json)
{
    struct item_op op = { .pk = pk };
    buf_init(&op.got, 0);
    assert_int_equal(store_read(s, run_item_op, &op), STORE_OK);
    if (json[0] == '\0')
        assert_int_equal(op.res, STORE_NOT_FOUND);
    else
        assert_string_equal(buf_cstr(&op.got), json);
    buf_clear(&op.got);
}

/* Reads pk's row and rewrites it in place, in one transaction. */
static enum store_result replace_in_row(struct store_tx *tx, void *arg)
{
    const char *json = arg;
    struct store_ddb_key key = { .hash = 7, .pk = "a", .pk_len = 1 };
    struct buf old;
    size_t size = 0;
    int64_t row = 0;
    buf_init(&old, 0);
    enum store_result res = store_ddb_item_get_row(tx, 1, &key, &old, &size,
                                                   &row);
    buf_clear(&old);
    if (res != STORE_OK)
        return res;
    assert_int_equal(size, strlen("{\"v\":1}"));
    return store_ddb_item_replace(tx, row, json, strlen(json), strlen(json));
}

static void replace_should_rewrite_the_row_it_read(void **state)
{
    (void)state;
    struct store *s = store_open(NULL);
    assert_non_null(s);
    put(s, "a", "{\"v\":1}");
    put(s, "b", "{\"v\":2}");
    char json[] = "{\"v\":10}";
    assert_int_equal(store_write(s, replace_in_row, json), STORE_OK);
    expect_item(s, "a", "{\"v\":10}");
    expect_item(s, "b", "{\"v\":2}");
    put(s, "a", "{\"v\":11}");
    expect_item(s, "a", "{\"v\":11}");
    store_close(s);
}

static void put_should_replace_the_item_of_its_key_only(void **state)
{
    (void)state;
    struct store *s = store_open(NULL);
    assert_non_null(s);
    put(s, "a", "{\"v\":1}");
    put(s, "b", "{\"v\":2}");
    put(s, "a", "{\"v\":3}");
    expect_item(s, "a", "{\"v\":3}");
    expect_item(s, "b", "{\"v\":2}");
    expect_item(s, "c", "");
    store_close(s);
}

static void open_should_move_items_of_the_older_layout(void **state)
{
    (void)state;
    struct store_file f;
    store_file_create(&f,
        "CREATE TABLE ddb_items(tbl INTEGER NOT NULL, hash INTEGER NOT NULL,"
        " pk BLOB NOT NULL, sk BLOB NOT NULL, item TEXT NOT NULL,"
        " size INTEGER NOT NULL, PRIMARY KEY(tbl, hash, pk, sk))"
        " WITHOUT ROWID;"
        "CREATE TABLE ddb_index_items(tbl INTEGER NOT NULL,"
        " idx TEXT NOT NULL, hash INTEGER NOT NULL, ipk BLOB NOT NULL,"
        " isk BLOB NOT NULL, bhash INTEGER NOT NULL, bpk BLOB NOT NULL,"
        " bsk BLOB NOT NULL, item TEXT NOT NULL, size INTEGER NOT NULL,"
        " PRIMARY KEY(tbl, idx, hash, ipk, isk, bpk, bsk)) WITHOUT ROWID;"
        "INSERT INTO ddb_items VALUES(1, 7, CAST('a' AS BLOB), X'',"
        " '{\"v\":1}', 7), (1, 7, CAST('b' AS BLOB), X'', '{\"v\":2}', 7);"
        "INSERT INTO ddb_index_items VALUES(1, 'byv', 3, X'01', X'',"
        " 7, CAST('a' AS BLOB), X'', '{\"v\":1}', 7);");

    struct store *s = store_open(f.dir);
    assert_non_null(s);
    expect_item(s, "a", "{\"v\":1}");
    expect_item(s, "b", "{\"v\":2}");
    put(s, "a", "{\"v\":3}");
    expect_item(s, "a", "{\"v\":3}");
    store_close(s);

    assert_int_equal(store_file_count(&f, "SELECT count(*) FROM sqlite_master"
                                      " WHERE sql LIKE '%WITHOUT ROWID'"
                                      " AND name LIKE 'ddb_%items%'"), 0);
    assert_int_equal(store_file_count(&f, "SELECT count(*) FROM sqlite_master"
                                      " WHERE name LIKE '%_old'"), 0);
    assert_int_equal(store_file_count(&f, "SELECT count(*) FROM ddb_items"),
                     2);
    assert_int_equal(store_file_count(&f, "SELECT count(*) FROM"
                                      " ddb_index_items WHERE idx = 'byv'"
                                      " AND bpk = CAST('a' AS BLOB)"), 1);
    store_file_remove(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(put_should_replace_the_item_of_its_key_only),
        cmocka_unit_test(replace_should_rewrite_the_row_it_read),
        cmocka_unit_test(open_should_move_items_of_the_older_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
