/* Secondary index maintenance: which items an index holds (sparse: only
 * those with every index key attribute), the index keys AWS refuses on
 * write, projections, and the entries kept in step with each item write
 * (ddb_write calls ddb_index_apply inside the item's own transaction) or
 * built for a GSI that UpdateTable adds. Reads of index entries are
 * ddb_query/ddb_scan's through store_ddb_range. */
#ifndef DYNALAKE_DDB_INDEX_H
#define DYNALAKE_DDB_INDEX_H

#include "dynamodb/ddb_key.h"
#include "http/aws_error.h"
#include "store/store.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ddb_index_def;
struct ddb_table_def;

/* "An item collection ... The maximum size of any item collection is 10
 * GB" (DynamoDB developer guide, "Item collections in Local Secondary
 * Indexes"): the default of emulator_config.item_collection_max_bytes. */
#define DDB_MAX_ITEM_COLLECTION_BYTES ((int64_t)10 * 1024 * 1024 * 1024)

/* The index key of item: 1 with out filled (cleared by the caller with
 * ddb_key_clear) when the item has every index key attribute with its
 * declared type, 0 when the index does not hold it (out left empty). */
int ddb_index_key(const struct ddb_index_def *idx, const cJSON *item,
                  struct ddb_key *out);

/* Checks the item's index key attributes as AWS does on write: typed as
 * declared ("Type mismatch for Index Key ..."), then non-empty. is_update
 * picks UpdateItem's wording for an empty value. 0, or -1 with the message
 * in err. */
int ddb_index_check_item(const struct ddb_table_def *def, const cJSON *item,
                         bool is_update, char *err, size_t errlen);

/* The attributes of item that idx holds (a new object the caller frees). */
cJSON *ddb_index_project(const struct ddb_table_def *def,
                         const struct ddb_index_def *idx, const cJSON *item);

/* One item change as the indexes see it; all borrowed. */
struct ddb_index_change {
    const struct ddb_table_def *def; /* the table's current definition */
    const cJSON *old_item;           /* NULL when the item was absent */
    const cJSON *new_item;           /* NULL when it is gone */
    int64_t collection_max_bytes;    /* LSI item collection limit */
    enum aws_err err;                /* out: set with STORE_ABORT */
    char message[256];               /* out: for err */
};

/* Replaces the old item's index entries with the new item's, inside tx.
 * STORE_ABORT (with ch->err) when the change would grow an item collection
 * of a table with LSIs past its limit; STORE_ERROR from storage. */
enum store_result ddb_index_apply(struct store_tx *tx,
                                  struct ddb_index_change *ch);

/* Adds an entry for every stored item that idx holds (a GSI created by
 * UpdateTable). Items whose index key attributes have other types than the
 * index declares are left out, as AWS leaves out such violations. */
enum store_result ddb_index_backfill(struct store_tx *tx,
                                     const struct ddb_table_def *def,
                                     const struct ddb_index_def *idx);

#endif
