/* DynamoDB's legacy parameters (AttributesToGet, Expected, AttributeUpdates,
 * KeyConditions, QueryFilter, ScanFilter, ConditionalOperator), still sent
 * by older SDKs and connectors. Each is checked with AWS's legacy rules and
 * messages, then rewritten into the equivalent expression with generated
 * placeholders, so that ddb_exprs compiles and ddb_expr evaluates one form
 * only. Runs in a handler before ddb_exprs_compile. */
#ifndef DYNALAKE_DDB_LEGACY_H
#define DYNALAKE_DDB_LEGACY_H

#include <cjson/cJSON.h>
#include <stddef.h>

struct call;

/* The operations that take legacy parameters (TransactWriteItems,
 * TransactGetItems and BatchWriteItem take none). */
enum ddb_legacy_op {
    DDB_LEGACY_GET_ITEM,
    DDB_LEGACY_PUT_ITEM,
    DDB_LEGACY_UPDATE_ITEM,
    DDB_LEGACY_DELETE_ITEM,
    DDB_LEGACY_QUERY,
    DDB_LEGACY_SCAN,
    DDB_LEGACY_BATCH_GET /* one table's KeysAndAttributes */
};

/* Which legacy members a request used, for the few messages AWS words
 * after the legacy member rather than the expression. */
enum ddb_legacy_used {
    DDB_LEGACY_USED_FILTER = 1 << 0,  /* QueryFilter or ScanFilter */
    DDB_LEGACY_USED_UPDATES = 1 << 1, /* AttributeUpdates */
    DDB_LEGACY_USED_ANY = 1 << 2      /* any legacy member at all */
};

/* Checks the legacy members op accepts in obj and rewrites them into
 * expression members of obj (ProjectionExpression, ConditionExpression,
 * UpdateExpression, KeyConditionExpression, FilterExpression) with
 * ExpressionAttributeNames and ExpressionAttributeValues entries named
 * "#lN" and ":lN", skipping any name the request already uses. The legacy
 * members stay in obj. Refuses legacy and expression members together as
 * AWS does ("Can not use both expression and non-expression parameters in
 * the same request: ..."). obj must belong to the call (c->input, or a copy
 * the caller owns). Returns 0 with *used a mask of ddb_legacy_used (0 when
 * obj has no legacy member), or -1 with the ValidationException or
 * SerializationException recorded. */
int ddb_legacy_rewrite(struct call *c, cJSON *obj, enum ddb_legacy_op op,
                       unsigned *used);

/* AWS words a type clash in AttributeUpdates "Type mismatch for attribute to
 * update" where the update expression it became says "An operand in the
 * update expression has an incorrect data type": rewrites message (of
 * capacity len) in place when it is the latter. */
void ddb_legacy_update_message(char *message, size_t len);

#endif
