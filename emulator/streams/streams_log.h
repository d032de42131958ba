/* The write side of DynamoDB Streams, run inside the caller's SQLite write
 * transaction so that a change and its stream record commit together:
 * streams start and stop with the table's StreamSpecification, every
 * changed item appends one record to the open shard, and shards roll over
 * by record count or age (`dynalake serve --shard-rollover`) or on demand
 * (the admin API). streams_api reads what this writes. */
#ifndef DYNALAKE_STREAMS_LOG_H
#define DYNALAKE_STREAMS_LOG_H

#include "base/str.h"
#include "store/store.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

struct emulator;
struct ddb_table_def;

/* Whether a table description has an enabled stream. */
bool streams_log_is_enabled(const cJSON *desc);

/* Follows a table's stream through a CreateTable (old_desc NULL), an
 * UpdateTable, or a DeleteTable (new_desc NULL): enabling starts a new
 * stream, named by the new description's LatestStreamArn, with its first
 * shard; disabling (or deleting the table) closes the open shard and marks
 * the stream disabled, still readable until its records age out. */
enum store_result streams_log_table_changed(struct store_tx *tx,
                                            struct emulator *emu,
                                            int64_t tbl,
                                            const cJSON *old_desc,
                                            const cJSON *new_desc,
                                            int64_t now_ms);

struct streams_log_change {
    const struct ddb_table_def *def; /* the table written to */
    const cJSON *old_item;           /* NULL when absent before; may be
                                        NULL beside old_json only when the
                                        write is known to be a change */
    const cJSON *new_item;           /* NULL when deleted */
    struct str old_json;             /* the items' stored JSON, when the */
    struct str new_json;             /* caller has it; empty: printed */
    size_t old_size;                 /* the items' ddb_item_size when the */
    size_t new_size;                 /* caller has it; 0: computed */
    bool is_ttl;                     /* a deletion by Time to Live */
    int64_t now_ms;
};

/* Appends the record of one item write to the table's enabled stream:
 * nothing when the table has none, or when the write changed nothing. */
enum store_result streams_log_append(struct store_tx *tx,
                                     struct emulator *emu,
                                     const struct streams_log_change *ch);

/* Closes the open shard of every enabled stream (only table's when not
 * NULL), opening a child for each; *n_rolled counts them. */
enum store_result streams_log_rollover(struct store_tx *tx,
                                       struct emulator *emu,
                                       const char *table, int64_t now_ms,
                                       int *n_rolled);

#endif
