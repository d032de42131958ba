/* DynamoDB expressions: ConditionExpression, FilterExpression,
 * KeyConditionExpression, UpdateExpression and ProjectionExpression. The
 * family is ddb_expr_lex (tokens), ddb_expr_parse (AST, grammar and
 * precedence), ddb_expr_check (placeholders and names resolved, semantic
 * rules) and ddb_expr_eval (evaluation on items); this header is the whole
 * public face. Pure: items are AttributeValue maps as cJSON, nothing here
 * knows HTTP or storage. Every error is a message as AWS words it for its
 * ValidationException, e.g. "Invalid ConditionExpression: Syntax error;
 * token: \"=\", near: \"a = = b\"". */
#ifndef DYNALAKE_DDB_EXPR_H
#define DYNALAKE_DDB_EXPR_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

enum ddb_expr_kind {
    DDB_EXPR_CONDITION,     /* ConditionExpression */
    DDB_EXPR_FILTER,        /* FilterExpression */
    DDB_EXPR_KEY_CONDITION, /* KeyConditionExpression */
    DDB_EXPR_UPDATE,        /* UpdateExpression */
    DDB_EXPR_PROJECTION     /* ProjectionExpression */
};

/* The placeholders of one request, shared by all its expressions so that
 * unused ones can be rejected once all are compiled, as AWS does. */
struct ddb_expr_env {
    const cJSON *names;  /* ExpressionAttributeNames, borrowed, may be NULL */
    const cJSON *values; /* ExpressionAttributeValues, borrowed, may be NULL */
    unsigned char *names_used;  /* owned; one flag per member of names */
    unsigned char *values_used; /* owned; one flag per member of values */
};

struct ddb_expr; /* compiled expression, opaque */

/* Prepares env over the request's placeholder maps. Validates them as AWS
 * does ("ExpressionAttributeNames must not be empty", values normalized
 * with ddb_value_normalize). Returns 0, or -1 with the message in err; env
 * must be cleared with ddb_expr_env_clear in both cases. */
int ddb_expr_env_init(struct ddb_expr_env *env, const cJSON *names,
                      cJSON *values, char *err, size_t errlen);
void ddb_expr_env_clear(struct ddb_expr_env *env);

/* Compiles text as an expression of the given kind, resolving #name and
 * :value placeholders through env and marking them used. *out is the
 * compiled expression (free with ddb_expr_free). Returns 0 or -1 with the
 * message in err. */
int ddb_expr_compile(enum ddb_expr_kind kind, const char *text,
                     struct ddb_expr_env *env, struct ddb_expr **out,
                     char *err, size_t errlen);
void ddb_expr_free(struct ddb_expr *e);

/* After all of a request's expressions compiled: -1 with AWS's message when
 * a name or value placeholder was never used ("Value provided in
 * ExpressionAttributeValues unused in expressions: keys: {:v}"). */
int ddb_expr_env_check_unused(const struct ddb_expr_env *env, char *err,
                              size_t errlen);

/* Evaluates a condition or filter against item (NULL means the item does not
 * exist). Returns 0 with *result set, or -1 with a message for errors AWS
 * reports at evaluation time. */
int ddb_expr_test(const struct ddb_expr *e, const cJSON *item, bool *result,
                  char *err, size_t errlen);

/* Applies an update expression to item in place (item is an AttributeValue
 * map, possibly empty for a new item). Returns 0, or -1 with AWS's message
 * (e.g. "The document path provided in the update expression is invalid for
 * update", "An operand in the update expression has an incorrect data type").
 * On -1 item may be partly changed: callers apply to a copy. */
int ddb_expr_update(const struct ddb_expr *e, cJSON *item, char *err,
                    size_t errlen);

/* The names of the top-level attributes an update expression changes or
 * removes, for ReturnValues UPDATED_OLD/UPDATED_NEW and key-change checks.
 * Borrowed array of n borrowed strings, valid while e lives. */
const char *const *ddb_expr_update_targets(const struct ddb_expr *e, size_t *n);

/* A new map holding only the projected paths of item (nested paths keep
 * their enclosing maps and lists, as AWS returns them). Caller frees. */
cJSON *ddb_expr_project(const struct ddb_expr *e, const cJSON *item);

/* The parts of item at the document paths an update expression sets,
 * removes, adds to or deletes from, nested as ddb_expr_project nests them
 * (what ReturnValues UPDATED_OLD and UPDATED_NEW return). item may be NULL.
 * Caller frees. */
cJSON *ddb_expr_update_project(const struct ddb_expr *e, const cJSON *item);

/* A key condition broken into its parts, for Query. */
enum ddb_key_op {
    DDB_KEY_NONE, /* no range key condition */
    DDB_KEY_EQ,
    DDB_KEY_LT,
    DDB_KEY_LE,
    DDB_KEY_GT,
    DDB_KEY_GE,
    DDB_KEY_BETWEEN,
    DDB_KEY_BEGINS_WITH
};
struct ddb_key_condition {
    const char *hash_name;   /* borrowed from e */
    const cJSON *hash_value; /* borrowed from env values */
    const char *range_name;  /* NULL when op is DDB_KEY_NONE */
    enum ddb_key_op op;
    const cJSON *range_lo; /* the operand, or BETWEEN's lower bound */
    const cJSON *range_hi; /* BETWEEN's upper bound, else NULL */
};
/* Splits a compiled key condition given the table's (or index's) key names;
 * range_key may be NULL. -1 with AWS's message when the expression is not
 * one equality on the hash key optionally ANDed with one range condition
 * ("Query condition missed key schema element: pk", ...). */
int ddb_expr_key_condition(const struct ddb_expr *e, const char *hash_key,
                           const char *range_key, struct ddb_key_condition *out,
                           char *err, size_t errlen);

/* Whether any document path of a condition or filter starts at the
 * top-level attribute name (for Query's rule that a FilterExpression names
 * no key attribute). */
bool ddb_expr_uses_attribute(const struct ddb_expr *e, const char *name);

#endif
