/* What the store_* family shares: the transaction handle with its SQLite
 * connection and statement cache. Only store*.c include this. */
#ifndef DYNALAKE_STORE_INTERNAL_H
#define DYNALAKE_STORE_INTERNAL_H

#include "store/store.h"
#include "store/store_streams.h"

#include <sqlite3.h>

/* One table's enabled stream and open shard as the connection last read
 * or appended to them, so that an append reads neither. Only appends keep
 * it; anything else that writes a stream or a shard, a table's row or
 * everything (reset), and every rollback, empties it. */
struct store_streams_cache {
    bool is_valid;
    int64_t tbl;
    struct store_stream s;
    struct store_shard sh;
};

/* The connection's cache of stream state; never NULL. */
struct store_streams_cache *store_streams_cache(struct store_tx *tx);

/* Returns the cached prepared statement for sql (matched by the address of
 * a static string), reset and with bindings cleared; NULL on a prepare
 * failure, which is logged. */
sqlite3_stmt *store_stmt(struct store_tx *tx, const char *sql);

/* Logs the connection's last error with the caller's context and returns
 * STORE_ERROR. */
enum store_result store_fail(struct store_tx *tx, const char *what);

/* Runs a statement that returns no rows and resets it: STORE_OK, or the
 * failure logged with what as context. */
enum store_result store_step_done(struct store_tx *tx, sqlite3_stmt *st,
                                  const char *what);

/* The connection of a transaction. */
sqlite3 *store_db(struct store_tx *tx);

/* The schema ("main", or an attached one) holding S3's body tables, for
 * sqlite3_blob_open. */
const char *store_s3_schema(struct store_tx *tx);

/* Moves the records of a database written before the stream_log table
 * into it, once; STORE_OK when there is nothing to move. On the writer,
 * at open. */
enum store_result store_streams_upgrade(struct store_tx *tx);

#endif
