/* Range reads over DynamoDB item rows, for Query and Scan: the rows of one
 * partition between two sort key bounds, forward or backward, and the rows
 * of a table in storage order (hash, partition key, sort key) within a
 * range of partition hashes, optionally resuming after a given key. Rows
 * reach a callback one at a time, in key order, so a page stops reading
 * as soon as it is full. Keys are the order-preserving encodings of
 * ddb_key; bounds compare as SQLite compares blobs (memcmp, then length),
 * which is DynamoDB's key order. */
#ifndef DYNALAKE_STORE_DDB_RANGE_H
#define DYNALAKE_STORE_DDB_RANGE_H

#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store_ddb_key;

/* One row as the callback sees it; every pointer is borrowed and valid only
 * during the call. */
struct store_ddb_row {
    uint32_t hash;
    const void *pk;
    size_t pk_len;
    const void *sk;
    size_t sk_len;
    const char *item; /* the item's wire JSON, not NUL-terminated */
    size_t item_len;
    size_t size; /* the item's DynamoDB size in bytes */
};

/* Returns 0 to go on, 1 to stop reading (the read still succeeds), or -1 to
 * abort it with STORE_ABORT. */
typedef int (*store_ddb_row_fn)(const struct store_ddb_row *row, void *arg);

/* A sort key bound: the encoded key, and whether equal keys are inside. */
struct store_ddb_bound {
    const void *key; /* borrowed; NULL for no bound on this side */
    size_t len;
    bool is_inclusive;
};

/* One partition (Query). */
struct store_ddb_partition {
    int64_t table;
    uint32_t hash;
    const void *pk; /* borrowed encoded partition key */
    size_t pk_len;
    struct store_ddb_bound lo; /* the smallest sort key wanted */
    struct store_ddb_bound hi; /* the largest sort key wanted */
    bool is_backward;          /* descending sort key order */
};

/* Calls fn for the partition's rows whose sort keys lie between lo and hi,
 * ascending (or descending when is_backward). STORE_OK when the rows ran
 * out or fn stopped, STORE_ABORT when fn returned -1, STORE_ERROR on an
 * SQLite failure (logged). */
enum store_result store_ddb_partition_each(struct store_tx *tx,
                                           const struct store_ddb_partition *p,
                                           store_ddb_row_fn fn, void *arg);

/* Calls fn for the table's rows with hash_lo <= hash <= hash_hi in storage
 * order, starting after the key `after` when it is given (NULL to start at
 * hash_lo). Results as for store_ddb_partition_each. */
enum store_result store_ddb_table_scan(struct store_tx *tx, int64_t table,
                                       uint32_t hash_lo, uint32_t hash_hi,
                                       const struct store_ddb_key *after,
                                       store_ddb_row_fn fn, void *arg);

/* Index reads. Rows come in the index's order: partition hash, index
 * partition key, index sort key, then the base item's key; the callback's
 * row carries the index key in hash, pk and sk. */

/* Where an index read resumes: strictly after (sort key, base key) in the
 * read's direction, within the partition read's bounds. Borrowed. */
struct store_ddb_index_after {
    const void *sk; /* the index sort key; empty without one */
    size_t sk_len;
    const void *base_pk;
    size_t base_pk_len;
    const void *base_sk;
    size_t base_sk_len;
};

/* One partition of an index (Query with IndexName). */
struct store_ddb_index_partition {
    struct store_ddb_partition part; /* table, index key, bounds, direction */
    const char *index;               /* borrowed index name */
    const struct store_ddb_index_after *after; /* NULL from the start */
    bool is_fetch; /* hand fn the base item instead of the projected one */
};

enum store_result
store_ddb_index_partition_each(struct store_tx *tx,
                               const struct store_ddb_index_partition *p,
                               store_ddb_row_fn fn, void *arg);

/* A whole index, or the partition hashes [hash_lo, hash_hi] of it (Scan
 * with IndexName). */
struct store_ddb_index_scan {
    int64_t table;
    const char *index; /* borrowed */
    uint32_t hash_lo;
    uint32_t hash_hi;
    /* Resume strictly after this index key and base key; NULL from the
     * start. Borrowed. */
    const struct store_ddb_key *after_key;
    const struct store_ddb_key *after_base;
    bool is_fetch; /* as for store_ddb_index_partition */
};

enum store_result store_ddb_index_scan_each(struct store_tx *tx,
                                            const struct store_ddb_index_scan *s,
                                            store_ddb_row_fn fn, void *arg);

#endif
