/* ReturnConsumedCapacity and ReturnItemCollectionMetrics with AWS's
 * arithmetic (developer guide, "Read/write capacity mode"): a read costs
 * one unit per 4 KB of item, rounded up, half that when eventually
 * consistent; a write one unit per 1 KB; a missing item still costs the
 * minimum; transactions cost double. Query and Scan round the total of the
 * items they read, batches and transactions each item. This module does
 * the arithmetic and shapes the reply members; handlers say what they read
 * and wrote. */
#ifndef DYNALAKE_DDB_CAPACITY_H
#define DYNALAKE_DDB_CAPACITY_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

struct call;
struct ddb_errors;
struct ddb_table_def;

enum ddb_capacity_mode {
    DDB_CAPACITY_NONE,
    DDB_CAPACITY_TOTAL,
    DDB_CAPACITY_INDEXES
};

/* Reads ReturnConsumedCapacity from obj (the request), adding an enum
 * violation for 'returnConsumedCapacity' to e. -1 only for a member of the
 * wrong JSON type (SerializationException recorded). */
int ddb_capacity_read(struct call *c, const cJSON *obj, struct ddb_errors *e,
                      enum ddb_capacity_mode *out);
/* The same for ReturnItemCollectionMetrics (SIZE or NONE). */
int ddb_capacity_read_metrics(struct call *c, const cJSON *obj,
                              struct ddb_errors *e, bool *want_size);

/* Units for reading `bytes` of items as one read (at least one 4 KB unit),
 * halved when eventually consistent. */
double ddb_capacity_read_units(size_t bytes, bool is_consistent);
/* Units for writing an item of `bytes` (at least one 1 KB unit). */
double ddb_capacity_write_units(size_t bytes);

/* What one table consumed in one request. */
struct ddb_consumed {
    const char *table;   /* borrowed */
    double read_units;
    double write_units;
    bool is_split;       /* report ReadCapacityUnits and WriteCapacityUnits
                            too, as AWS does for transactions */
    const char *index;   /* the index a Query or Scan read, or NULL */
    bool is_local_index; /* index is an LSI */
};

/* The ConsumedCapacity object for u under mode (not NONE). Caller frees. */
cJSON *ddb_capacity_json(enum ddb_capacity_mode mode,
                         const struct ddb_consumed *u);

/* Adds "ConsumedCapacity" for u to out unless mode is NONE. */
void ddb_capacity_add(cJSON *out, enum ddb_capacity_mode mode,
                      const struct ddb_consumed *u);

/* Finds or appends the entry for table in a per-table array of at most
 * cap entries (batches and transactions); NULL when full. */
struct ddb_consumed *ddb_capacity_entry(struct ddb_consumed *list, size_t *n,
                                        size_t cap, const char *table);

/* The ItemCollectionMetrics of a write to the item (or key map) on def:
 * {"ItemCollectionKey": {partition key}, "SizeEstimateRangeGB": [lo, hi]},
 * or NULL when the table has no local secondary index, the only case AWS
 * reports them for. Caller frees. */
cJSON *ddb_capacity_collection_metrics(const struct ddb_table_def *def,
                                       const cJSON *item);

#endif
