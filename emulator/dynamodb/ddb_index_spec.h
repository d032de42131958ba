/* Validation of the secondary indexes of CreateTable (LocalSecondaryIndexes,
 * GlobalSecondaryIndexes) and of UpdateTable's GlobalSecondaryIndexUpdates,
 * with AWS's rules and messages, and the index descriptions they produce.
 * Called by ddb_table_spec; storage (backfill, drop) is ddb_table's. */
#ifndef DYNALAKE_DDB_INDEX_SPEC_H
#define DYNALAKE_DDB_INDEX_SPEC_H

#include <cjson/cJSON.h>
#include <stdbool.h>

struct call;
struct ddb_errors;

/* Per-table limits (DynamoDB developer guide, "Service quotas": 20 global
 * secondary indexes by default, 5 local secondary indexes). */
#define DDB_MAX_GLOBAL_INDEXES 20
#define DDB_MAX_LOCAL_INDEXES 5

/* Adds CreateTable's member constraint violations of the two index lists
 * (either may be NULL) to e. -1 with a SerializationException recorded
 * when a member has the wrong JSON type. */
int ddb_index_spec_check_members(struct call *c, struct ddb_errors *e,
                                 const cJSON *lsis, const cJSON *gsis);

/* CreateTable's index rules, after the table's own key rules passed, and
 * the index descriptions added to desc (which holds TableArn, KeySchema
 * and AttributeDefinitions). Also AWS's "Some AttributeDefinitions are not
 * used" rule, which with indexes replaces the table-only count rule.
 * is_on_demand: BillingMode PAY_PER_REQUEST. 0, or -1 with the error. */
int ddb_index_spec_create(struct call *c, cJSON *desc, const cJSON *lsis,
                          const cJSON *gsis, bool is_on_demand);

/* Applies UpdateTable's GlobalSecondaryIndexUpdates (c->input's) to desc,
 * a copy of the table's description: one Create or Delete at most, and
 * throughput Updates. 0, or -1 with the error recorded. */
int ddb_index_spec_update(struct call *c, cJSON *desc);

#endif
