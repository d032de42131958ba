/* What Query and Scan share: decoding the members both take (TableName,
 * IndexName, Limit, Select, ConsistentRead, ExclusiveStartKey and the
 * expressions) with AWS's rules and messages, and building one page of
 * results from rows in key order: Limit counts items evaluated, the 1 MB
 * page limit counts their stored sizes, both before the filter; Count,
 * ScannedCount and LastEvaluatedKey as AWS returns them. The operations
 * themselves (which rows, in which order) are ddb_query.c and ddb_scan.c. */
#ifndef DYNALAKE_DDB_READ_H
#define DYNALAKE_DDB_READ_H

#include "base/buf.h"
#include "dynamodb/ddb_capacity.h"
#include "dynamodb/ddb_exprs.h"
#include "dynamodb/ddb_key.h"
#include "dynamodb/ddb_legacy.h"
#include "store/store.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

struct call;
struct ddb_errors;
struct store_ddb_row;

/* "A single Query [or Scan] operation can retrieve a maximum of 1 MB of
 * data. This limit applies before any FilterExpression or
 * ProjectionExpression is applied." (DynamoDB API Reference, Query). */
#define DDB_READ_MAX_PAGE_BYTES ((size_t)1 << 20)

struct ddb_read {
    bool is_query;               /* Query's wording, else Scan's */
    struct ddb_table_def *def;   /* reference released by ddb_read_clear */
    const char *index_name;      /* borrowed; NULL for the base table */
    const struct ddb_index_def *index; /* borrowed from def once prepared;
                                          NULL for the base table */
    const char *select;          /* borrowed; NULL when not given */
    long long limit;             /* 0 when not given */
    bool is_count;               /* Select COUNT */
    bool is_consistent;          /* ConsistentRead */
    enum ddb_capacity_mode capacity; /* ReturnConsumedCapacity */
    struct ddb_exprs exprs;
    const cJSON *start;          /* borrowed ExclusiveStartKey, or NULL */
    struct ddb_key start_key;    /* its encoding when start is given */
    struct ddb_key start_index_key; /* index reads: the start's index key */
    unsigned legacy;             /* ddb_legacy_used mask */
};

void ddb_read_init(struct ddb_read *r, bool is_query);
void ddb_read_clear(struct ddb_read *r);

/* Checks the members both operations constrain (tableName, indexName,
 * limit, select), adding violations to e for the caller to report with its
 * own ones. Query adds the Select and projection rules to e too, as AWS
 * lists them; for Scan they are checked by ddb_read_check_select. */
int ddb_read_check_members(struct call *c, struct ddb_read *r,
                           struct ddb_errors *e);
/* Scan's Select and projection rules, reported bare. */
int ddb_read_check_select(struct call *c, struct ddb_read *r);
/* Finds the table (ResourceNotFoundException when absent), rewrites the
 * legacy members of op (DDB_LEGACY_QUERY or DDB_LEGACY_SCAN) into
 * expressions, and answers an unknown IndexName. */
int ddb_read_prepare(struct call *c, struct ddb_read *r,
                     enum ddb_legacy_op op);
/* Whether an index read hands the page base items rather than index
 * entries: an LSI with a partial projection fetches them for Select
 * ALL_ATTRIBUTES, a ProjectionExpression or a filter, as AWS does. */
bool ddb_read_is_fetch(const struct ddb_read *r);

/* Decodes ExclusiveStartKey into r->start_key (and, reading an index,
 * r->start_index_key). 0 when absent or valid, -1
 * with the operation's ValidationException otherwise. */
int ddb_read_start_key(struct call *c, struct ddb_read *r);

/* One page under construction. */
struct ddb_page {
    const struct ddb_read *r; /* borrowed */
    struct buf items;         /* the returned items, ","-joined */
    struct buf last;          /* the last evaluated item's JSON */
    long long count;          /* items that passed the filter */
    long long scanned;        /* items evaluated */
    size_t bytes;             /* stored size of the items evaluated */
    bool is_truncated;        /* stopped by Limit or the page size */
    bool is_corrupt;          /* a stored item did not parse */
    char err[1024];           /* a filter's evaluation error, for STORE_ABORT */
};

void ddb_page_init(struct ddb_page *p, const struct ddb_read *r);
/* Empties the page for a (re)started read transaction. */
void ddb_page_reset(struct ddb_page *p);
void ddb_page_clear(struct ddb_page *p);

/* The store_ddb_row_fn that adds one row to the page (arg is the page):
 * evaluates the filter, projects, and stops at Limit or the page size. */
int ddb_page_row(const struct store_ddb_row *row, void *arg);

/* Given the read's outcome, writes {"Count", "Items", "LastEvaluatedKey",
 * "ScannedCount"} into the call's response, or records the error (a
 * filter's evaluation error for STORE_ABORT). 0 or -1. */
int ddb_page_reply(struct call *c, struct ddb_page *p, enum store_result res);

#endif
