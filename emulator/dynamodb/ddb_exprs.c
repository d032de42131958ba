/* One request's expressions; see ddb_exprs.h. */
#include "dynamodb/ddb_exprs.h"

#include "base/json.h"
#include "dynamodb/ddb_input.h"
#include "http/call.h"

#include <string.h>

struct expr_member {
    enum ddb_exprs_allowed flag;
    const char *member;
    enum ddb_expr_kind kind;
};

static const struct expr_member members[] = {
    { DDB_EXPRS_KEY_CONDITION, "KeyConditionExpression",
      DDB_EXPR_KEY_CONDITION },
    { DDB_EXPRS_CONDITION, "ConditionExpression", DDB_EXPR_CONDITION },
    { DDB_EXPRS_UPDATE, "UpdateExpression", DDB_EXPR_UPDATE },
    { DDB_EXPRS_FILTER, "FilterExpression", DDB_EXPR_FILTER },
    { DDB_EXPRS_PROJECTION, "ProjectionExpression", DDB_EXPR_PROJECTION },
};

static struct ddb_expr **slot_of(struct ddb_exprs *x, enum ddb_exprs_allowed f)
{
    switch (f) {
    case DDB_EXPRS_CONDITION:
        return &x->condition;
    case DDB_EXPRS_UPDATE:
        return &x->update;
    case DDB_EXPRS_PROJECTION:
        return &x->projection;
    case DDB_EXPRS_FILTER:
        return &x->filter;
    case DDB_EXPRS_KEY_CONDITION:
        return &x->key_condition;
    }
    return NULL;
}

/* Whether obj holds any expression member the operation allows. */
static bool has_expression(const cJSON *obj, unsigned allowed)
{
    for (size_t i = 0; i < sizeof members / sizeof members[0]; i++) {
        const cJSON *v = json_get(obj, members[i].member);
        if ((allowed & members[i].flag) && v && !cJSON_IsNull(v))
            return true;
    }
    return false;
}

/* The expressions AWS names when it refuses value placeholders without
 * any: PutItem and DeleteItem say "ConditionExpression is null", UpdateItem
 * "UpdateExpression and ConditionExpression are null". */
static const char *missing_expressions(unsigned allowed)
{
    if (allowed & DDB_EXPRS_UPDATE)
        return ": UpdateExpression and ConditionExpression are null";
    if (allowed & DDB_EXPRS_CONDITION)
        return ": ConditionExpression is null";
    return "";
}

/* AWS refuses placeholder maps on a request that has no expression, before
 * it looks inside them (an empty map gets this message, not "must not be
 * empty"); names are checked first. */
static int check_maps_need_expressions(struct call *c, const cJSON *obj,
                                       unsigned allowed, const cJSON *names,
                                       const cJSON *values)
{
    if (has_expression(obj, allowed))
        return 0;
    if (names)
        return call_fail(c, AWS_ERR_VALIDATION, "ExpressionAttributeNames "
                         "can only be specified when using expressions");
    if (values)
        return call_fail(c, AWS_ERR_VALIDATION, "ExpressionAttributeValues "
                         "can only be specified when using expressions%s",
                         missing_expressions(allowed));
    return 0;
}

static int compile_members(struct call *c, const cJSON *obj,
                           unsigned allowed, struct ddb_exprs *x)
{
    char err[1024];
    for (size_t i = 0; i < sizeof members / sizeof members[0]; i++) {
        const char *text;
        if (!(allowed & members[i].flag))
            continue;
        if (ddb_input_string(c, obj, members[i].member, &text) < 0)
            return -1;
        if (text == NULL)
            continue;
        if (ddb_expr_compile(members[i].kind, text, &x->env,
                             slot_of(x, members[i].flag), err,
                             sizeof err) < 0)
            return call_fail(c, AWS_ERR_VALIDATION, "%s", err);
    }
    return 0;
}

int ddb_exprs_compile(struct call *c, unsigned allowed, struct ddb_exprs *x)
{
    return ddb_exprs_compile_in(c, c->input, allowed, x);
}

int ddb_exprs_compile_in(struct call *c, const cJSON *obj, unsigned allowed,
                         struct ddb_exprs *x)
{
    memset(x, 0, sizeof *x);
    const cJSON *names;
    const cJSON *values;
    char err[1024];
    if (ddb_input_object(c, obj, "ExpressionAttributeNames", &names) < 0 ||
        ddb_input_object(c, obj, "ExpressionAttributeValues", &values) < 0)
        return -1;
    if (check_maps_need_expressions(c, obj, allowed, names, values) < 0)
        return -1;
    /* Values are normalized in place; the request body is the call's. */
    cJSON *mutable_values = (cJSON *)values;
    if (ddb_expr_env_init(&x->env, names, mutable_values, err, sizeof err) <
        0)
        return call_fail(c, AWS_ERR_VALIDATION, "%s", err);
    if (compile_members(c, obj, allowed, x) < 0)
        return -1;
    if (ddb_expr_env_check_unused(&x->env, err, sizeof err) < 0)
        return call_fail(c, AWS_ERR_VALIDATION, "%s", err);
    return 0;
}

void ddb_exprs_clear(struct ddb_exprs *x)
{
    ddb_expr_free(x->condition);
    ddb_expr_free(x->update);
    ddb_expr_free(x->projection);
    ddb_expr_free(x->filter);
    ddb_expr_free(x->key_condition);
    ddb_expr_env_clear(&x->env);
    memset(x, 0, sizeof *x);
}
