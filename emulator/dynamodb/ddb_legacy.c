/* Legacy parameters rewritten into expressions; see ddb_legacy.h. The rules
 * and messages are AWS's as dynalite's tests and ExtendDB's tests against
 * AWS record them ("Legacy conditional parameters" in the DynamoDB
 * Developer Guide describes the semantics). Each condition becomes one
 * parenthesised term: EQ "=", NE "<>" (true for a missing attribute, as
 * legacy NE is), NOT_NULL attribute_exists, NULL attribute_not_exists,
 * CONTAINS contains (a substring, or a member of a set), NOT_CONTAINS
 * NOT contains, BEGINS_WITH begins_with, IN and BETWEEN as themselves. */
#include "dynamodb/ddb_legacy.h"

#include "base/buf.h"
#include "base/json.h"
#include "dynamodb/ddb_input.h"
#include "dynamodb/ddb_value.h"
#include "http/call.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define INVALID "One or more parameter values were invalid: "
#define MSG_TYPE "An operand in the update expression has an incorrect data " \
                 "type"

/* "AttributesToGet ... Length Constraints: Minimum number of 1 item.
 * Maximum number of 255 items." (DynamoDB API Reference, GetItem). */
#define DDB_LEGACY_MAX_ATTRIBUTES_TO_GET 255

/* What one operation accepts, members in the order AWS lists them in the
 * mixing message (ExtendDB's tests against AWS). */
struct op_spec {
    const char *legacy[5];     /* non-expression members */
    const char *exprs[4];      /* expression members */
    const char *conditions;    /* the map ConditionalOperator joins */
    const char *values_suffix; /* after "ExpressionAttributeValues can only
                                  be specified when using expressions" */
};

static const struct op_spec specs[] = {
    [DDB_LEGACY_GET_ITEM] = { { "AttributesToGet" },
                              { "ProjectionExpression" }, NULL, "" },
    [DDB_LEGACY_PUT_ITEM] = { { "Expected", "ConditionalOperator" },
                              { "ConditionExpression" }, "Expected",
                              ": ConditionExpression is null" },
    [DDB_LEGACY_UPDATE_ITEM] = {
        { "AttributeUpdates", "Expected", "ConditionalOperator" },
        { "UpdateExpression", "ConditionExpression" }, "Expected",
        ": UpdateExpression and ConditionExpression are null" },
    [DDB_LEGACY_DELETE_ITEM] = { { "Expected", "ConditionalOperator" },
                                 { "ConditionExpression" }, "Expected",
                                 ": ConditionExpression is null" },
    [DDB_LEGACY_QUERY] = {
        { "AttributesToGet", "QueryFilter", "ConditionalOperator",
          "KeyConditions" },
        { "ProjectionExpression", "FilterExpression",
          "KeyConditionExpression" }, "QueryFilter", "" },
    [DDB_LEGACY_SCAN] = {
        { "AttributesToGet", "ScanFilter", "ConditionalOperator" },
        { "ProjectionExpression", "FilterExpression" }, "ScanFilter", "" },
    [DDB_LEGACY_BATCH_GET] = { { "AttributesToGet" },
                               { "ProjectionExpression" }, NULL, "" },
};

/* The maps of Condition (or ExpectedAttributeValue) structures. */
static const char *const condition_maps[] = { "Expected", "QueryFilter",
                                              "ScanFilter", "KeyConditions",
                                              NULL };

/* Enum lists in the order AWS prints them in constraint messages. */
static const char *const comparison_values[] = {
    "IN", "NULL", "BETWEEN", "LT", "NOT_CONTAINS", "EQ", "GT", "NOT_NULL",
    "NE", "LE", "BEGINS_WITH", "GE", "CONTAINS", NULL };
static const char *const conditional_values[] = { "OR", "AND", NULL };
static const char *const action_values[] = { "ADD", "DELETE", "PUT", NULL };

#define TYPE_BIT(t) (1u << (t))
#define SCALARS (TYPE_BIT(DDB_TYPE_S) | TYPE_BIT(DDB_TYPE_N) | \
                 TYPE_BIT(DDB_TYPE_B))
#define NOT_COLLECTIONS (~(TYPE_BIT(DDB_TYPE_SS) | TYPE_BIT(DDB_TYPE_NS) | \
                           TYPE_BIT(DDB_TYPE_BS) | TYPE_BIT(DDB_TYPE_M) |  \
                           TYPE_BIT(DDB_TYPE_L)))

enum shape {
    SHAPE_COMPARE, /* path op value */
    SHAPE_CALL,    /* text(path[, value]) */
    SHAPE_IN,      /* path IN (values) */
    SHAPE_BETWEEN  /* path BETWEEN lo AND hi */
};

/* A ComparisonOperator: its argument count (-1 for one or more), the
 * argument types it takes, and the expression it becomes. */
struct comparison {
    const char *name;
    int arity;
    unsigned types;
    enum shape shape;
    const char *text;
    bool is_indexable; /* allowed in KeyConditions */
};

static const struct comparison comparisons[] = {
    { "EQ", 1, ~0u, SHAPE_COMPARE, " = ", true },
    { "NE", 1, ~0u, SHAPE_COMPARE, " <> ", false },
    { "LE", 1, SCALARS, SHAPE_COMPARE, " <= ", true },
    { "LT", 1, SCALARS, SHAPE_COMPARE, " < ", true },
    { "GE", 1, SCALARS, SHAPE_COMPARE, " >= ", true },
    { "GT", 1, SCALARS, SHAPE_COMPARE, " > ", true },
    { "NOT_NULL", 0, ~0u, SHAPE_CALL, "attribute_exists(", false },
    { "NULL", 0, ~0u, SHAPE_CALL, "attribute_not_exists(", false },
    { "CONTAINS", 1, NOT_COLLECTIONS, SHAPE_CALL, "contains(", false },
    { "NOT_CONTAINS", 1, NOT_COLLECTIONS, SHAPE_CALL, "NOT contains(",
      false },
    { "BEGINS_WITH", 1, TYPE_BIT(DDB_TYPE_S) | TYPE_BIT(DDB_TYPE_B),
      SHAPE_CALL, "begins_with(", true },
    { "IN", -1, SCALARS, SHAPE_IN, " IN (", false },
    { "BETWEEN", 2, SCALARS, SHAPE_BETWEEN, " BETWEEN ", true },
};

/* One Condition or ExpectedAttributeValue, borrowed from the request. */
struct cond {
    const char *attr;            /* the attribute it tests */
    const struct comparison *op; /* NULL until known */
    const char *op_name;         /* ComparisonOperator as given, or NULL */
    cJSON *list;                 /* AttributeValueList, or NULL */
    cJSON *value;                /* Value (Expected only), or NULL */
    bool has_exists;             /* Exists given (Expected only) */
    bool exists;
};

/* The expressions under construction and the placeholder maps they use. */
struct builder {
    cJSON *obj;       /* the request object, borrowed */
    cJSON *names;     /* ExpressionAttributeNames: obj's, or new (owned) */
    cJSON *values;    /* ExpressionAttributeValues: likewise */
    bool owns_names;
    bool owns_values;
    unsigned next;    /* the next placeholder number */
    struct buf text;  /* the expression being written */
};

static bool is_given(const cJSON *obj, const char *member)
{
    const cJSON *v = json_get(obj, member);
    return v != NULL && !cJSON_IsNull(v);
}

static bool any_given(const cJSON *obj, const char *const *members)
{
    for (size_t i = 0; members[i]; i++) {
        if (is_given(obj, members[i]))
            return true;
    }
    return false;
}

static const struct comparison *comparison_find(const char *name)
{
    for (size_t i = 0; name && i < sizeof comparisons / sizeof comparisons[0];
         i++) {
        if (strcmp(comparisons[i].name, name) == 0)
            return &comparisons[i];
    }
    return NULL;
}

static int wrong_kind(struct call *c, const char *member, const char *want)
{
    return call_fail(c, AWS_ERR_SERIALIZATION, "Unexpected value type for "
                     "member %s: expected %s", member, want);
}

/* "Expected" becomes "expected", as AWS writes member paths. */
static void lower_first(char *out, size_t len, const char *member)
{
    snprintf(out, len, "%s", member);
    out[0] = (char)tolower((unsigned char)out[0]);
}

/* One map of conditions: JSON kinds, then ComparisonOperator's
 * constraints (required except in Expected) added to e. */
static int check_condition_map(struct call *c, const cJSON *obj,
                               const char *member, struct ddb_errors *e)
{
    const cJSON *map;
    const cJSON *entry;
    char path[1200];
    char lower[32];
    if (ddb_input_object(c, obj, member, &map) < 0)
        return -1;
    lower_first(lower, sizeof lower, member);
    cJSON_ArrayForEach(entry, map) {
        const char *op;
        const cJSON *list;
        const cJSON *value;
        bool exists;
        if (!cJSON_IsObject(entry))
            return wrong_kind(c, member, "an object");
        if (ddb_input_string(c, entry, "ComparisonOperator", &op) < 0 ||
            ddb_input_array(c, entry, "AttributeValueList", &list) < 0 ||
            ddb_input_object(c, entry, "Value", &value) < 0 ||
            ddb_input_bool(c, entry, "Exists", &exists) < 0)
            return -1;
        snprintf(path, sizeof path, "%s.%.1000s.member.comparisonOperator",
                 lower, entry->string);
        if (op == NULL && strcmp(member, "Expected") != 0)
            ddb_errors_add(e, NULL, path, "Member must not be null");
        ddb_input_check_enum(e, op, path, comparison_values);
    }
    return 0;
}

static int check_updates_map(struct call *c, const cJSON *obj,
                             struct ddb_errors *e)
{
    const cJSON *map;
    const cJSON *entry;
    char path[1200];
    if (ddb_input_object(c, obj, "AttributeUpdates", &map) < 0)
        return -1;
    cJSON_ArrayForEach(entry, map) {
        const char *action;
        const cJSON *value;
        if (!cJSON_IsObject(entry))
            return wrong_kind(c, "AttributeUpdates", "an object");
        if (ddb_input_string(c, entry, "Action", &action) < 0 ||
            ddb_input_object(c, entry, "Value", &value) < 0)
            return -1;
        snprintf(path, sizeof path, "attributeUpdates.%.1000s.member.action",
                 entry->string);
        ddb_input_check_enum(e, action, path, action_values);
    }
    return 0;
}

static int check_attributes_to_get(struct call *c, const cJSON *obj,
                                   struct ddb_errors *e)
{
    const cJSON *list;
    const cJSON *name;
    if (ddb_input_array(c, obj, "AttributesToGet", &list) < 0)
        return -1;
    cJSON_ArrayForEach(name, list) {
        if (!cJSON_IsString(name))
            return wrong_kind(c, "AttributesToGet", "a string");
    }
    int n = cJSON_GetArraySize(list);
    if (list && n < 1)
        ddb_errors_add(e, "[]", "attributesToGet", "Member must have length "
                       "greater than or equal to 1");
    if (n > DDB_LEGACY_MAX_ATTRIBUTES_TO_GET)
        ddb_errors_add(e, "[...]", "attributesToGet", "Member must have "
                       "length less than or equal to 255");
    return 0;
}

static bool accepts(const struct op_spec *s, const char *member)
{
    for (size_t i = 0; s->legacy[i]; i++) {
        if (strcmp(s->legacy[i], member) == 0)
            return true;
    }
    return false;
}

/* The JSON kinds of every legacy member the operation takes (others are
 * unknown members, which AWS ignores), then the constraint violations,
 * reported together as AWS reports them. */
static int check_constraints(struct call *c, const cJSON *obj,
                             const struct op_spec *s)
{
    struct ddb_errors e;
    const char *op = NULL;
    int rc = 0;
    ddb_errors_init(&e);
    for (size_t i = 0; rc == 0 && condition_maps[i]; i++) {
        if (accepts(s, condition_maps[i]))
            rc = check_condition_map(c, obj, condition_maps[i], &e);
    }
    if (rc == 0 && accepts(s, "AttributeUpdates"))
        rc = check_updates_map(c, obj, &e);
    if (rc == 0 && accepts(s, "AttributesToGet"))
        rc = check_attributes_to_get(c, obj, &e);
    if (rc == 0 && accepts(s, "ConditionalOperator"))
        rc = ddb_input_string(c, obj, "ConditionalOperator", &op);
    if (rc == 0)
        ddb_input_check_enum(&e, op, "conditionalOperator",
                             conditional_values);
    if (rc < 0) {
        ddb_errors_clear(&e);
        return -1;
    }
    return ddb_errors_report(c, &e);
}

/* Legacy and expression members together. KeyConditions is exempt unless
 * KeyConditionExpression is given: AWS accepts KeyConditions with a
 * FilterExpression or ProjectionExpression (ExtendDB's tests). */
static int check_mixing(struct call *c, const cJSON *obj,
                        const struct op_spec *s)
{
    struct buf legacy;
    struct buf exprs;
    bool is_key_exempt = !is_given(obj, "KeyConditionExpression");
    int rc = 0;
    buf_init(&legacy, 0);
    buf_init(&exprs, 0);
    for (size_t i = 0; s->exprs[i]; i++) {
        if (is_given(obj, s->exprs[i]))
            buf_printf(&exprs, "%s%s", exprs.len ? ", " : "", s->exprs[i]);
    }
    for (size_t i = 0; exprs.len && s->legacy[i]; i++) {
        bool is_exempt = is_key_exempt &&
                         strcmp(s->legacy[i], "KeyConditions") == 0;
        if (is_given(obj, s->legacy[i]) && !is_exempt)
            buf_printf(&legacy, "%s%s", legacy.len ? ", " : "",
                       s->legacy[i]);
    }
    if (legacy.len)
        rc = call_fail(c, AWS_ERR_VALIDATION, "Can not use both expression "
                       "and non-expression parameters in the same request: "
                       "Non-expression parameters: {%s} Expression "
                       "parameters: {%s}", buf_cstr(&legacy),
                       buf_cstr(&exprs));
    buf_clear(&legacy);
    buf_clear(&exprs);
    return rc;
}

/* Placeholder maps need an expression of the request's own, checked before
 * the legacy members are looked at (dynalite's validateExpressionParams). */
static int check_maps(struct call *c, const cJSON *obj,
                      const struct op_spec *s)
{
    if (any_given(obj, s->exprs))
        return 0;
    if (is_given(obj, "ExpressionAttributeNames"))
        return call_fail(c, AWS_ERR_VALIDATION, "ExpressionAttributeNames "
                         "can only be specified when using expressions");
    if (is_given(obj, "ExpressionAttributeValues"))
        return call_fail(c, AWS_ERR_VALIDATION, "ExpressionAttributeValues "
                         "can only be specified when using expressions%s",
                         s->values_suffix);
    return 0;
}

/* ConditionalOperator joins two or more conditions, or is refused; this
 * comes before a Query's missing key condition (ExtendDB's tests). */
static int check_conditional_operator(struct call *c, const cJSON *obj,
                                      const struct op_spec *s)
{
    if (s->conditions == NULL || !is_given(obj, "ConditionalOperator"))
        return 0;
    int n = cJSON_GetArraySize(json_get(obj, s->conditions));
    if (n == 0)
        return call_fail(c, AWS_ERR_VALIDATION, "ConditionalOperator cannot "
                         "be used without Filter or Expected");
    if (n == 1)
        return call_fail(c, AWS_ERR_VALIDATION, "ConditionalOperator can "
                         "only be used when Filter or Expected has two or "
                         "more elements");
    return 0;
}

static void builder_init(struct builder *b, cJSON *obj)
{
    memset(b, 0, sizeof *b);
    b->obj = obj;
    b->names = (cJSON *)json_get(obj, "ExpressionAttributeNames");
    b->values = (cJSON *)json_get(obj, "ExpressionAttributeValues");
    b->owns_names = !cJSON_IsObject(b->names);
    b->owns_values = !cJSON_IsObject(b->values);
    if (b->owns_names)
        b->names = cJSON_CreateObject();
    if (b->owns_values)
        b->values = cJSON_CreateObject();
    buf_init(&b->text, 0);
}

/* Hands new non-empty placeholder maps to obj (replacing JSON nulls). */
static void attach(cJSON *obj, const char *member, cJSON *map, bool is_owned)
{
    if (!is_owned)
        return;
    if (cJSON_GetArraySize(map) == 0) {
        cJSON_Delete(map);
        return;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(obj, member);
    cJSON_AddItemToObject(obj, member, map); /* obj owns map now */
}

static void builder_finish(struct builder *b)
{
    attach(b->obj, "ExpressionAttributeNames", b->names, b->owns_names);
    attach(b->obj, "ExpressionAttributeValues", b->values, b->owns_values);
    buf_clear(&b->text);
}

/* A fresh placeholder ("#l3" or ":l3") that the request does not use. */
static void placeholder(struct builder *b, char sigil, const cJSON *map,
                        char *out, size_t len)
{
    do
        snprintf(out, len, "%cl%u", sigil, b->next++);
    while (json_get(map, out));
}

static void put_name(struct builder *b, const char *attr, char *ph,
                     size_t len)
{
    placeholder(b, '#', b->names, ph, len);
    cJSON_AddStringToObject(b->names, ph, attr);
    buf_puts(&b->text, ph);
}

static void put_value(struct builder *b, const cJSON *av)
{
    char ph[24];
    placeholder(b, ':', b->values, ph, sizeof ph);
    cJSON_AddItemToObject(b->values, ph, cJSON_Duplicate(av, true));
    buf_puts(&b->text, ph);
}

/* Sets obj's member to the expression written, when there is one. */
static void set_expression(struct builder *b, const char *member)
{
    if (b->text.len == 0)
        return;
    cJSON_DeleteItemFromObjectCaseSensitive(b->obj, member);
    cJSON_AddStringToObject(b->obj, member, buf_cstr(&b->text));
    buf_reset(&b->text);
}

static int nargs(const struct cond *k)
{
    if (k->list)
        return cJSON_GetArraySize(k->list);
    return k->value ? 1 : 0;
}

static cJSON *arg(const struct cond *k, int i)
{
    return k->list ? cJSON_GetArrayItem(k->list, i) : k->value;
}

/* Reads one map entry; its JSON kinds were checked by check_constraints.
 * The request belongs to the call, so its values are normalized in place. */
static void read_cond(const cJSON *entry, struct cond *k)
{
    memset(k, 0, sizeof *k);
    k->attr = entry->string;
    k->op_name = json_get_string(entry, "ComparisonOperator");
    k->op = comparison_find(k->op_name);
    k->list = (cJSON *)json_get(entry, "AttributeValueList");
    k->value = (cJSON *)json_get(entry, "Value");
    if (cJSON_IsNull(k->list))
        k->list = NULL;
    if (cJSON_IsNull(k->value))
        k->value = NULL;
    const cJSON *exists = json_get(entry, "Exists");
    k->has_exists = cJSON_IsBool(exists);
    k->exists = cJSON_IsTrue(exists);
}

/* dynalite's validateConditions: the values, their number, one type for
 * all, a type the operator takes, and BETWEEN's bounds in order. */
static int check_args(struct call *c, const struct cond *k)
{
    char err[1024];
    int n = nargs(k);
    for (int i = 0; i < n; i++) {
        if (ddb_value_normalize(arg(k, i), 0, err, sizeof err) < 0)
            return ddb_input_fail_value(c, err);
    }
    if (k->op->arity >= 0 ? n != k->op->arity : n < 1)
        return call_fail(c, AWS_ERR_VALIDATION, INVALID "Invalid number of "
                         "argument(s) for the %s ComparisonOperator",
                         k->op->name);
    if (n == 0)
        return 0;
    enum ddb_type t = ddb_value_type(arg(k, 0));
    for (int i = 1; i < n; i++) {
        if (ddb_value_type(arg(k, i)) != t)
            return call_fail(c, AWS_ERR_VALIDATION, INVALID "AttributeValues "
                             "inside AttributeValueList must be of same "
                             "type");
    }
    if (!(k->op->types & TYPE_BIT(t)))
        return call_fail(c, AWS_ERR_VALIDATION, INVALID "ComparisonOperator "
                         "%s is not valid for %s AttributeValue type",
                         k->op->name, ddb_type_name(t));
    int cmp = 0;
    if (k->op->shape == SHAPE_BETWEEN &&
        ddb_value_compare(arg(k, 0), arg(k, 1), &cmp) == 0 &&
        cmp > 0)
        return call_fail(c, AWS_ERR_VALIDATION, "The BETWEEN condition was "
                         "provided a range where the lower bound is greater "
                         "than the upper bound");
    return 0;
}

/* Expected's own rules (dynalite's validateAttributeConditions); the
 * Exists form becomes EQ (Value given) or NULL (Exists false). */
static int check_expected(struct call *c, struct cond *k)
{
    char err[1024];
    if (k->list && k->value)
        return call_fail(c, AWS_ERR_VALIDATION, INVALID "Value and "
                         "AttributeValueList cannot be used together for "
                         "Attribute: %s", k->attr);
    if (k->op) {
        bool is_nullary = k->op->arity == 0;
        if (k->has_exists)
            return call_fail(c, AWS_ERR_VALIDATION, INVALID "Exists and "
                             "ComparisonOperator cannot be used together "
                             "for Attribute: %s", k->attr);
        if (!is_nullary && k->list == NULL && k->value == NULL)
            return call_fail(c, AWS_ERR_VALIDATION, INVALID "Value or "
                             "AttributeValueList must be used with "
                             "ComparisonOperator: %s for Attribute: %s",
                             k->op->name, k->attr);
        return check_args(c, k);
    }
    if (k->list)
        return call_fail(c, AWS_ERR_VALIDATION, INVALID "AttributeValueList "
                         "can only be used with a ComparisonOperator for "
                         "Attribute: %s", k->attr);
    bool exists = !k->has_exists || k->exists;
    if (exists && k->value == NULL)
        return call_fail(c, AWS_ERR_VALIDATION, INVALID "Value must be "
                         "provided when Exists is %s for Attribute: %s",
                         k->has_exists ? "true" : "null", k->attr);
    if (!exists && k->value)
        return call_fail(c, AWS_ERR_VALIDATION, INVALID "Value cannot be "
                         "used when Exists is false for Attribute: %s",
                         k->attr);
    if (k->value && ddb_value_normalize(k->value, 0, err, sizeof err) < 0)
        return ddb_input_fail_value(c, err);
    k->op = comparison_find(exists ? "EQ" : "NULL");
    return 0;
}

static void write_cond(struct builder *b, const struct cond *k)
{
    char ph[24];
    int n = nargs(k);
    buf_putc(&b->text, '(');
    if (k->op->shape == SHAPE_CALL)
        buf_puts(&b->text, k->op->text);
    put_name(b, k->attr, ph, sizeof ph);
    if (k->op->shape != SHAPE_CALL)
        buf_puts(&b->text, k->op->text);
    for (int i = 0; i < n; i++) {
        if (k->op->shape == SHAPE_CALL || (i > 0 && k->op->shape == SHAPE_IN))
            buf_puts(&b->text, ", ");
        else if (i > 0)
            buf_puts(&b->text, " AND ");
        put_value(b, arg(k, i));
    }
    if (k->op->shape == SHAPE_CALL || k->op->shape == SHAPE_IN)
        buf_putc(&b->text, ')');
    buf_putc(&b->text, ')');
}

/* Expected, QueryFilter or ScanFilter into target, joined by the request's
 * ConditionalOperator (AND when absent). */
static int rewrite_conditions(struct call *c, struct builder *b,
                              const char *member, const char *target)
{
    const cJSON *map = json_get(b->obj, member);
    const char *op = json_get_string(b->obj, "ConditionalOperator");
    const char *joiner = op && strcmp(op, "OR") == 0 ? " OR " : " AND ";
    bool is_expected = strcmp(member, "Expected") == 0;
    const cJSON *entry;
    cJSON_ArrayForEach(entry, map) {
        struct cond k;
        read_cond(entry, &k);
        if ((is_expected ? check_expected(c, &k) : check_args(c, &k)) < 0)
            return -1;
        if (b->text.len)
            buf_puts(&b->text, joiner);
        write_cond(b, &k);
    }
    set_expression(b, target);
    return 0;
}

/* KeyConditions: conditions as any, then one or two of them, each on an
 * operator a key can be read by (dynalite's query validation and action). */
static int rewrite_key_conditions(struct call *c, struct builder *b)
{
    const cJSON *map = json_get(b->obj, "KeyConditions");
    const cJSON *entry;
    struct cond k;
    if (map == NULL || cJSON_IsNull(map))
        return 0;
    cJSON_ArrayForEach(entry, map) {
        read_cond(entry, &k);
        if (check_args(c, &k) < 0)
            return -1;
    }
    int n = cJSON_GetArraySize(map);
    if (n != 1 && n != 2)
        return call_fail(c, AWS_ERR_VALIDATION, "Conditions can be of length "
                         "1 or 2 only");
    cJSON_ArrayForEach(entry, map) {
        read_cond(entry, &k);
        if (!k.op->is_indexable)
            return call_fail(c, AWS_ERR_VALIDATION, "Attempted conditional "
                             "constraint is not an indexable operation");
        if (b->text.len)
            buf_puts(&b->text, " AND ");
        write_cond(b, &k);
    }
    set_expression(b, "KeyConditionExpression");
    return 0;
}

static int rewrite_attributes_to_get(struct call *c, struct builder *b)
{
    const cJSON *list = json_get(b->obj, "AttributesToGet");
    const cJSON *name;
    char ph[24];
    cJSON_ArrayForEach(name, list) {
        for (const cJSON *p = list->child; p != name; p = p->next) {
            if (strcmp(p->valuestring, name->valuestring) == 0)
                return call_fail(c, AWS_ERR_VALIDATION, INVALID "Duplicate "
                                 "value in attribute name: %s",
                                 name->valuestring);
        }
    }
    cJSON_ArrayForEach(name, list) {
        if (b->text.len)
            buf_puts(&b->text, ", ");
        put_name(b, name->valuestring, ph, sizeof ph);
    }
    set_expression(b, "ProjectionExpression");
    return 0;
}

/* The clause an AttributeUpdates entry becomes. */
enum clause { CLAUSE_SET, CLAUSE_REMOVE, CLAUSE_ADD, CLAUSE_DELETE };

static bool is_set_type(enum ddb_type t)
{
    return t == DDB_TYPE_SS || t == DDB_TYPE_NS || t == DDB_TYPE_BS;
}

/* PUT (the default) sets; DELETE removes the attribute, or with a set
 * takes those members out; ADD adds to a number or a set, and appends to
 * a list, which the ADD clause of an expression cannot do. */
static enum clause clause_of(const char *action, const cJSON *value)
{
    if (strcmp(action, "DELETE") == 0)
        return value ? CLAUSE_DELETE : CLAUSE_REMOVE;
    if (strcmp(action, "ADD") == 0 &&
        ddb_value_type(value) != DDB_TYPE_L)
        return CLAUSE_ADD;
    return CLAUSE_SET;
}

/* dynalite's UpdateItem validation, in its order. */
static int check_update(struct call *c, const char *action, cJSON *value)
{
    char err[1024];
    if (value && ddb_value_normalize(value, 0, err, sizeof err) < 0)
        return ddb_input_fail_value(c, err);
    if (value == NULL && strcmp(action, "DELETE") != 0)
        return call_fail(c, AWS_ERR_VALIDATION, INVALID "Only DELETE action "
                         "is allowed when no attribute value is specified");
    enum ddb_type t = ddb_value_type(value);
    if (value && strcmp(action, "DELETE") == 0 && !is_set_type(t))
        return call_fail(c, AWS_ERR_VALIDATION, INVALID "DELETE action with "
                         "value is not supported for the type %s",
                         ddb_type_name(t));
    if (value && strcmp(action, "ADD") == 0 && !is_set_type(t) &&
        t != DDB_TYPE_N && t != DDB_TYPE_L)
        return call_fail(c, AWS_ERR_VALIDATION, INVALID "ADD action is not "
                         "supported for the type %s", ddb_type_name(t));
    return 0;
}

static const char *action_of(const cJSON *entry)
{
    const char *action = json_get_string(entry, "Action");
    return action ? action : "PUT";
}

static cJSON *value_of(const cJSON *entry)
{
    cJSON *value = (cJSON *)json_get(entry, "Value");
    return cJSON_IsNull(value) ? NULL : value;
}

static void write_update(struct builder *b, enum clause clause,
                         const cJSON *entry)
{
    char ph[24];
    const cJSON *value = value_of(entry);
    put_name(b, entry->string, ph, sizeof ph);
    if (clause == CLAUSE_REMOVE)
        return;
    if (clause != CLAUSE_SET) {
        buf_putc(&b->text, ' ');
        put_value(b, value);
        return;
    }
    buf_puts(&b->text, " = ");
    if (strcmp(action_of(entry), "ADD") != 0) {
        put_value(b, value);
        return;
    }
    cJSON *empty = cJSON_CreateObject();
    cJSON_AddItemToObject(empty, "L", cJSON_CreateArray());
    buf_printf(&b->text, "list_append(if_not_exists(%s, ", ph);
    put_value(b, empty);
    buf_puts(&b->text, "), ");
    put_value(b, value);
    buf_putc(&b->text, ')');
    cJSON_Delete(empty);
}

static int rewrite_updates(struct call *c, struct builder *b)
{
    static const char *const keywords[] = { "SET ", "REMOVE ", "ADD ",
                                            "DELETE " };
    const cJSON *map = json_get(b->obj, "AttributeUpdates");
    const cJSON *entry;
    cJSON_ArrayForEach(entry, map) {
        if (check_update(c, action_of(entry), value_of(entry)) < 0)
            return -1;
    }
    for (int clause = CLAUSE_SET; clause <= CLAUSE_DELETE; clause++) {
        bool is_first = true;
        cJSON_ArrayForEach(entry, map) {
            if (clause_of(action_of(entry), value_of(entry)) !=
                (enum clause)clause)
                continue;
            if (is_first && b->text.len)
                buf_putc(&b->text, ' ');
            buf_puts(&b->text, is_first ? keywords[clause] : ", ");
            write_update(b, (enum clause)clause, entry);
            is_first = false;
        }
    }
    set_expression(b, "UpdateExpression");
    return 0;
}

/* Each operation's members in the order AWS validates them. */
static int rewrite_members(struct call *c, struct builder *b,
                           enum ddb_legacy_op op)
{
    switch (op) {
    case DDB_LEGACY_GET_ITEM:
    case DDB_LEGACY_BATCH_GET:
        return rewrite_attributes_to_get(c, b);
    case DDB_LEGACY_PUT_ITEM:
    case DDB_LEGACY_DELETE_ITEM:
        return rewrite_conditions(c, b, "Expected", "ConditionExpression");
    case DDB_LEGACY_UPDATE_ITEM:
        if (rewrite_updates(c, b) < 0)
            return -1;
        return rewrite_conditions(c, b, "Expected", "ConditionExpression");
    case DDB_LEGACY_QUERY:
        if (rewrite_conditions(c, b, "QueryFilter", "FilterExpression") < 0 ||
            rewrite_attributes_to_get(c, b) < 0)
            return -1;
        return rewrite_key_conditions(c, b);
    case DDB_LEGACY_SCAN:
        if (rewrite_attributes_to_get(c, b) < 0)
            return -1;
        return rewrite_conditions(c, b, "ScanFilter", "FilterExpression");
    }
    return 0;
}

int ddb_legacy_rewrite(struct call *c, cJSON *obj, enum ddb_legacy_op op,
                       unsigned *used)
{
    const struct op_spec *s = &specs[op];
    struct builder b;
    *used = 0;
    if (!any_given(obj, s->legacy))
        return 0;
    if (check_constraints(c, obj, s) < 0 || check_mixing(c, obj, s) < 0 ||
        check_maps(c, obj, s) < 0 ||
        check_conditional_operator(c, obj, s) < 0)
        return -1;
    builder_init(&b, obj);
    int rc = rewrite_members(c, &b, op);
    builder_finish(&b);
    *used = DDB_LEGACY_USED_ANY;
    if (is_given(obj, "QueryFilter") || is_given(obj, "ScanFilter"))
        *used |= DDB_LEGACY_USED_FILTER;
    if (is_given(obj, "AttributeUpdates"))
        *used |= DDB_LEGACY_USED_UPDATES;
    return rc;
}

void ddb_legacy_update_message(char *message, size_t len)
{
    if (strcmp(message, MSG_TYPE) == 0)
        snprintf(message, len, "Type mismatch for attribute to update");
}
