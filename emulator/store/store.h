/* SQLite storage: opening (a WAL database in a data directory, or a
 * private in-memory database by default), the schema, per-connection
 * statement caches, and the transaction runners. With a data directory,
 * reads run in parallel on a pool of reader connections while writes
 * serialize on one writer in short transactions; in memory, one
 * connection serves both under one lock. Only store*.c include sqlite3.h. */
#ifndef DYNALAKE_STORE_H
#define DYNALAKE_STORE_H

#include <stdbool.h>

enum store_result {
    STORE_OK = 0,
    STORE_NOT_FOUND,
    STORE_CONDITION_FAILED, /* the callback decided not to commit */
    STORE_ABORT,            /* the callback failed; nothing was committed */
    STORE_ERROR,            /* SQLite failed; logged; InternalServerError */
    STORE_BUSY              /* internal: the runner retries, never returns it */
};

struct store;
struct store_tx; /* a connection inside a transaction; borrowed by callbacks */

/* Opens the database: in data_dir/dynalake.db when data_dir is given
 * (created if needed; durable across kill -9), else in memory, gone at
 * close. NULL on failure, logged. */
struct store *store_open(const char *data_dir);
void store_close(struct store *s);

/* Runs fn inside a transaction: a read snapshot, or a write
 * transaction on the writer (a read from inside a write, on the same
 * thread, joins the write's transaction). fn returns a store_result;
 * STORE_OK commits a write, anything else rolls it back. The runner retries
 * SQLITE_BUSY itself and returns fn's result, or STORE_ERROR. */
typedef enum store_result (*store_fn)(struct store_tx *tx, void *arg);
enum store_result store_read(struct store *s, store_fn fn, void *arg);
/* As store_read for a fn that runs exactly one statement, which is its own
 * read transaction: no BEGIN and COMMIT around it. */
enum store_result store_read_one(struct store *s, store_fn fn, void *arg);
enum store_result store_write(struct store *s, store_fn fn, void *arg);

/* Deletes every row of every table, inside the caller's write transaction
 * (for the admin reset, which clears in-memory state in the same breath). */
enum store_result store_wipe_in(struct store_tx *tx);

#endif
