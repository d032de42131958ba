/* DynamoDB rows in SQLite: the table catalog (one row per table holding its
 * definition as JSON) and the items (keyed by table id, a 32-bit hash of the
 * partition key that fixes scan order and parallel-scan segments, the
 * order-preserving encodings of the partition and sort keys, then the item's
 * wire JSON). Returns result codes only; callers own the meaning. */
#ifndef DYNALAKE_STORE_DDB_H
#define DYNALAKE_STORE_DDB_H

#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

struct buf;

struct store_ddb_key {
    uint32_t hash;  /* of the encoded partition key */
    const void *pk; /* borrowed: encoded partition key */
    size_t pk_len;
    const void *sk; /* borrowed: encoded sort key; empty without one */
    size_t sk_len;
};

enum store_result store_ddb_table_insert(struct store_tx *tx, int64_t id,
                                         const char *name, const char *def);
enum store_result store_ddb_table_update(struct store_tx *tx, int64_t id,
                                         const char *def);
/* Deletes the table's row, all its items and their index entries. */
enum store_result store_ddb_table_delete(struct store_tx *tx, int64_t id);
/* The largest table id ever stored (0 if none), so ids are never reused. */
enum store_result store_ddb_table_max_id(struct store_tx *tx, int64_t *out);

/* Calls fn for every stored table, in id order. */
typedef void (*store_ddb_table_fn)(int64_t id, const char *def, void *arg);
enum store_result store_ddb_table_each(struct store_tx *tx,
                                       store_ddb_table_fn fn, void *arg);

/* Item count and total item bytes of a table. */
enum store_result store_ddb_table_stats(struct store_tx *tx, int64_t id,
                                        int64_t *count, int64_t *bytes);

/* Appends the item's JSON to out; STORE_NOT_FOUND when absent. */
enum store_result store_ddb_item_get(struct store_tx *tx, int64_t table,
                                     const struct store_ddb_key *key,
                                     struct buf *out);
/* As store_ddb_item_get, and when found sets *size to the size stored
 * with it (in DynamoDB bytes) and *row to its row, for
 * store_ddb_item_replace in the same transaction. */
enum store_result store_ddb_item_get_row(struct store_tx *tx, int64_t table,
                                         const struct store_ddb_key *key,
                                         struct buf *out, size_t *size,
                                         int64_t *row);
/* Inserts or replaces the item (json of length len, size in DynamoDB
 * bytes). */
enum store_result store_ddb_item_put(struct store_tx *tx, int64_t table,
                                     const struct store_ddb_key *key,
                                     const char *json, size_t len,
                                     size_t size);
/* Replaces the item in the row store_ddb_item_get_row found in this
 * transaction: the row is rewritten in place, its key and the key's
 * index entry untouched, where a put deletes and inserts both. */
enum store_result store_ddb_item_replace(struct store_tx *tx, int64_t row,
                                         const char *json, size_t len,
                                         size_t size);
enum store_result store_ddb_item_delete(struct store_tx *tx, int64_t table,
                                        const struct store_ddb_key *key);

#endif
