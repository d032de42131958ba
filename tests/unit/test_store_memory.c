/* Unit tests for the in-memory store's size: SQLite would stop a memdb
 * database at 1 GiB (every commit then fails with SQLITE_FULL, which a
 * stream of large items reached in about a thousand writes); the store
 * lets it grow as far as the machine's memory. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "store/store.h"
#include "store/store_internal.h" /* store_db */

#include <sqlite3.h>
#include <unistd.h>

#define SQLITE_MEMDB_DEFAULT_LIMIT ((sqlite3_int64)1 << 30)

static enum store_result read_limit(struct store_tx *tx, void *arg)
{
    sqlite3_int64 *limit = arg;
    *limit = -1; /* asks for the limit without changing it */
    return sqlite3_file_control(store_db(tx), "main", SQLITE_FCNTL_SIZE_LIMIT,
                                limit) == SQLITE_OK
               ? STORE_OK
               : STORE_ERROR;
}

static void memory_store_should_grow_as_far_as_the_memory(void **state)
{
    (void)state;
    struct store *s = store_open(NULL);
    assert_non_null(s);
    sqlite3_int64 limit = 0;
    assert_int_equal(store_read(s, read_limit, &limit), STORE_OK);
    sqlite3_int64 memory = (sqlite3_int64)sysconf(_SC_PHYS_PAGES) *
                           sysconf(_SC_PAGESIZE);
    assert_true(limit > SQLITE_MEMDB_DEFAULT_LIMIT);
    assert_true(limit >= memory);
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(memory_store_should_grow_as_far_as_the_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
