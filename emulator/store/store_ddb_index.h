/* DynamoDB secondary index entries in SQLite: one row per (index, item)
 * that the index holds, keyed by table id, index name, the index key
 * (partition hash, encoded partition key, encoded sort key) and then the
 * base item's key, so that items sharing index key values stay apart and in
 * base key order. The row holds the projected item's JSON. Index reads in
 * key order are store_ddb_range's; this module writes and measures. */
#ifndef DYNALAKE_STORE_DDB_INDEX_H
#define DYNALAKE_STORE_DDB_INDEX_H

#include "store/store.h"
#include "store/store_ddb.h"

#include <stddef.h>
#include <stdint.h>

/* Where one entry lives; everything borrowed. */
struct store_ddb_index_entry {
    int64_t table;
    const char *index;         /* the index name */
    struct store_ddb_key key;  /* the index key; sk empty without one */
    struct store_ddb_key base; /* the base item's key */
};

/* Inserts or replaces the entry with the projected item (json of length
 * len, size in DynamoDB bytes). */
enum store_result store_ddb_index_put(struct store_tx *tx,
                                      const struct store_ddb_index_entry *e,
                                      const char *json, size_t len,
                                      size_t size);
/* Deletes the entry; deleting an absent one succeeds. */
enum store_result store_ddb_index_delete(struct store_tx *tx,
                                         const struct store_ddb_index_entry *e);
/* Deletes every entry of one index (UpdateTable deleting a GSI). */
enum store_result store_ddb_index_drop(struct store_tx *tx, int64_t table,
                                       const char *index);
/* Entry count and total projected bytes of one index. */
enum store_result store_ddb_index_stats(struct store_tx *tx, int64_t table,
                                        const char *index, int64_t *count,
                                        int64_t *bytes);
/* The bytes one partition key value holds: of the table's items when index
 * is NULL, else of the index's entries (for the LSI item collection size). */
enum store_result store_ddb_index_partition_bytes(struct store_tx *tx,
                                                  int64_t table,
                                                  const char *index,
                                                  const struct store_ddb_key *k,
                                                  int64_t *bytes);

#endif
