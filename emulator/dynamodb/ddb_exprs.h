/* The expressions of one DynamoDB request, compiled together: reads the
 * expression members an operation allows, shares one placeholder
 * environment among them, and applies AWS's request-level rules (unused
 * placeholders, placeholders without any expression). */
#ifndef DYNALAKE_DDB_EXPRS_H
#define DYNALAKE_DDB_EXPRS_H

#include "dynamodb/ddb_expr.h"

struct call;

enum ddb_exprs_allowed {
    DDB_EXPRS_CONDITION = 1 << 0,
    DDB_EXPRS_UPDATE = 1 << 1,
    DDB_EXPRS_PROJECTION = 1 << 2,
    DDB_EXPRS_FILTER = 1 << 3,
    DDB_EXPRS_KEY_CONDITION = 1 << 4
};

struct ddb_exprs {
    struct ddb_expr_env env;
    struct ddb_expr *condition;     /* owned; NULL when not given */
    struct ddb_expr *update;        /* owned; NULL when not given */
    struct ddb_expr *projection;    /* owned; NULL when not given */
    struct ddb_expr *filter;        /* owned; NULL when not given */
    struct ddb_expr *key_condition; /* owned; NULL when not given */
};

/* Compiles the members named by `allowed` (a mask of ddb_exprs_allowed)
 * from c->input. 0, or -1 with the ValidationException recorded; x must be
 * cleared with ddb_exprs_clear either way. */
int ddb_exprs_compile(struct call *c, unsigned allowed, struct ddb_exprs *x);
/* The same from the members of obj (a transaction's Put, Update, Delete
 * or ConditionCheck, or a batch's table entry) rather than the request;
 * placeholder values are normalized in place, so obj must belong to the
 * call. */
int ddb_exprs_compile_in(struct call *c, const cJSON *obj, unsigned allowed,
                         struct ddb_exprs *x);
void ddb_exprs_clear(struct ddb_exprs *x);

#endif
