/* Update expressions applied to an item: the evaluation half of ddb_expr
 * that changes items (ddb_expr_eval only reads them). As DynamoDB does,
 * every right-hand side is computed from the item as it was before the
 * update, then the actions apply in order, REMOVEs last and, within a list,
 * from the highest index down, so that indexes mean the original list. */
#include "dynamodb/ddb_expr_internal.h"

#include "base/json.h"
#include "base/mem.h"
#include "dynamodb/ddb_number.h"
#include "dynamodb/ddb_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* AWS's messages for update-time failures; these carry no "Invalid
 * UpdateExpression:" prefix. */
#define MSG_MISSING "The provided expression refers to an attribute that " \
                    "does not exist in the item"
#define MSG_TYPE "An operand in the update expression has an incorrect " \
                 "data type"
#define MSG_PATH "The document path provided in the update expression is " \
                 "invalid for update"

static int fail(char *err, size_t errlen, const char *msg)
{
    snprintf(err, errlen, "%s", msg);
    return -1;
}

static int eval_value(const struct ddb_node *n, const cJSON *item,
                      cJSON **out, char *err, size_t errlen);

static int list_append(const struct ddb_node *n, const cJSON *item,
                       cJSON **out, char *err, size_t errlen)
{
    cJSON *a = NULL;
    cJSON *b = NULL;
    cJSON *el;
    int rc = -1;

    if (eval_value(n->kids[0], item, &a, err, errlen) < 0 ||
        eval_value(n->kids[1], item, &b, err, errlen) < 0)
        goto out;
    if (ddb_value_type(a) != DDB_TYPE_L || ddb_value_type(b) != DDB_TYPE_L) {
        fail(err, errlen, MSG_TYPE);
        goto out;
    }
    cJSON_ArrayForEach(el, ddb_value_payload(b))
        cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(a, "L"),
                             cJSON_Duplicate(el, true));
    *out = a;
    a = NULL;
    rc = 0;
out:
    cJSON_Delete(a);
    cJSON_Delete(b);
    return rc;
}

static int arithmetic(const struct ddb_node *n, const cJSON *item,
                      cJSON **out, char *err, size_t errlen)
{
    cJSON *a = NULL;
    cJSON *b = NULL;
    char sum[DDB_NUMBER_MAX_TEXT];
    int rc = -1;

    if (eval_value(n->kids[0], item, &a, err, errlen) < 0 ||
        eval_value(n->kids[1], item, &b, err, errlen) < 0)
        goto out;
    if (ddb_value_type(a) != DDB_TYPE_N || ddb_value_type(b) != DDB_TYPE_N) {
        fail(err, errlen, MSG_TYPE);
        goto out;
    }
    if (n->kind == DDB_NODE_PLUS)
        rc = ddb_number_add(json_get_string(a, "N"), json_get_string(b, "N"),
                            sum, err, errlen);
    else
        rc = ddb_number_subtract(json_get_string(a, "N"),
                                 json_get_string(b, "N"), sum, err, errlen);
    if (rc == 0) {
        *out = cJSON_CreateObject();
        cJSON_AddStringToObject(*out, "N", sum);
    }
out:
    cJSON_Delete(a);
    cJSON_Delete(b);
    return rc;
}

/* The value of a SET right-hand side, owned by the caller. */
static int eval_value(const struct ddb_node *n, const cJSON *item,
                      cJSON **out, char *err, size_t errlen)
{
    const cJSON *av;

    *out = NULL;
    switch (n->kind) {
    case DDB_NODE_VALUE:
        *out = ddb_value_copy(n->value);
        return 0;
    case DDB_NODE_PATH:
        av = ddb_expr_path_get(item, &n->path);
        if (av == NULL)
            return fail(err, errlen, MSG_MISSING);
        *out = ddb_value_copy(av);
        return 0;
    case DDB_NODE_PLUS:
    case DDB_NODE_MINUS:
        return arithmetic(n, item, out, err, errlen);
    default:
        break;
    }
    if (n->op == DDB_FUNC_LIST_APPEND)
        return list_append(n, item, out, err, errlen);
    /* if_not_exists(path, value) */
    av = ddb_expr_path_get(item, &n->kids[0]->path);
    if (av != NULL) {
        *out = ddb_value_copy(av);
        return 0;
    }
    return eval_value(n->kids[1], item, out, err, errlen);
}

/* The container holding the last element of p: the item map itself, or the
 * "M" or "L" payload of the parent value. NULL when it does not exist or has
 * the wrong type for the last element. */
static cJSON *parent_of(cJSON *item, const struct ddb_path *p)
{
    struct ddb_path prefix = { p->elems, p->n - 1 };
    const struct ddb_path_elem *last = &p->elems[p->n - 1];
    cJSON *parent;

    if (p->n == 1)
        return item;
    /* The item is ours to change; path_get only hands it back as const. */
    parent = (cJSON *)ddb_expr_path_get(item, &prefix);
    if (parent == NULL)
        return NULL;
    return cJSON_GetObjectItemCaseSensitive(parent, last->is_index ? "L"
                                                                   : "M");
}

/* Takes ownership of v. A list index past the end appends, as AWS does. */
static int set_path(cJSON *item, const struct ddb_path *p, cJSON *v,
                    char *err, size_t errlen)
{
    const struct ddb_path_elem *last = &p->elems[p->n - 1];
    cJSON *parent = parent_of(item, p);

    if (parent == NULL) {
        cJSON_Delete(v);
        return fail(err, errlen, MSG_PATH);
    }
    if (!last->is_index) {
        if (json_get(parent, last->name) != NULL)
            cJSON_ReplaceItemInObjectCaseSensitive(parent, last->name, v);
        else
            cJSON_AddItemToObject(parent, last->name, v);
        return 0;
    }
    if (last->index < (unsigned)cJSON_GetArraySize(parent))
        cJSON_ReplaceItemInArray(parent, (int)last->index, v);
    else
        cJSON_AddItemToArray(parent, v);
    return 0;
}

static int remove_path(cJSON *item, const struct ddb_path *p, char *err,
                       size_t errlen)
{
    const struct ddb_path_elem *last = &p->elems[p->n - 1];
    cJSON *parent = parent_of(item, p);

    if (parent == NULL)
        return fail(err, errlen, MSG_PATH);
    if (!last->is_index)
        cJSON_DeleteItemFromObjectCaseSensitive(parent, last->name);
    else if (last->index < (unsigned)cJSON_GetArraySize(parent))
        cJSON_DeleteItemFromArray(parent, (int)last->index);
    return 0;
}

static bool is_set(enum ddb_type t)
{
    return t == DDB_TYPE_SS || t == DDB_TYPE_NS || t == DDB_TYPE_BS;
}

static bool set_member(const cJSON *set, const cJSON *el, bool numeric)
{
    const cJSON *m;

    cJSON_ArrayForEach(m, set) {
        bool eq = numeric ? ddb_number_compare(m->valuestring,
                                               el->valuestring) == 0
                          : strcmp(m->valuestring, el->valuestring) == 0;
        if (eq)
            return true;
    }
    return false;
}

static void set_union(cJSON *payload, const cJSON *add, bool numeric)
{
    const cJSON *el;

    cJSON_ArrayForEach(el, add)
        if (!set_member(payload, el, numeric))
            cJSON_AddItemToArray(payload, cJSON_Duplicate(el, true));
}

static void set_difference(cJSON *payload, const cJSON *drop, bool numeric)
{
    cJSON *m = payload->child;

    while (m != NULL) {
        cJSON *next = m->next;
        if (set_member(drop, m, numeric))
            cJSON_Delete(cJSON_DetachItemViaPointer(payload, m));
        m = next;
    }
}

static cJSON *payload_of(cJSON *av)
{
    return cJSON_GetObjectItemCaseSensitive(av,
                                            ddb_type_name(ddb_value_type(av)));
}

/* ADD: creates the attribute, adds to a number, or joins a set. */
static int apply_add(cJSON *item, const struct ddb_path *p, cJSON *v,
                     char *err, size_t errlen)
{
    cJSON *cur = (cJSON *)ddb_expr_path_get(item, p);
    enum ddb_type tc = ddb_value_type(cur);
    enum ddb_type tv = ddb_value_type(v);
    char sum[DDB_NUMBER_MAX_TEXT];
    int rc = 0;

    if (cur == NULL)
        return set_path(item, p, v, err, errlen);
    if (tc == DDB_TYPE_N && tv == DDB_TYPE_N) {
        rc = ddb_number_add(json_get_string(cur, "N"),
                            json_get_string(v, "N"), sum, err, errlen);
        if (rc == 0)
            cJSON_SetValuestring(payload_of(cur), sum);
    } else if (is_set(tc) && tc == tv) {
        set_union(payload_of(cur), ddb_value_payload(v), tc == DDB_TYPE_NS);
    } else {
        rc = fail(err, errlen, MSG_TYPE);
    }
    cJSON_Delete(v);
    return rc;
}

/* DELETE: takes elements out of a set; an emptied set goes away, since
 * DynamoDB has no empty sets. */
static int apply_delete(cJSON *item, const struct ddb_path *p, cJSON *v,
                        char *err, size_t errlen)
{
    cJSON *cur = (cJSON *)ddb_expr_path_get(item, p);
    enum ddb_type tc = ddb_value_type(cur);
    int rc = 0;

    if (cur != NULL && (!is_set(tc) || tc != ddb_value_type(v))) {
        rc = fail(err, errlen, MSG_TYPE);
    } else if (cur != NULL) {
        set_difference(payload_of(cur), ddb_value_payload(v),
                       tc == DDB_TYPE_NS);
        if (cJSON_GetArraySize(payload_of(cur)) == 0)
            rc = remove_path(item, p, err, errlen);
    }
    cJSON_Delete(v);
    return rc;
}

/* REMOVE order: list elements by descending index first, so that earlier
 * removals do not shift later ones; then the rest as written. */
struct removal {
    size_t action;
    bool is_index;
    unsigned index;
};

static int removal_cmp(const void *pa, const void *pb)
{
    const struct removal *a = pa;
    const struct removal *b = pb;

    if (a->is_index != b->is_index)
        return a->is_index ? -1 : 1;
    if (a->is_index && a->index != b->index)
        return a->index > b->index ? -1 : 1;
    return a->action < b->action ? -1 : a->action > b->action;
}

static int apply_removes(const struct ddb_expr *e, cJSON *item, char *err,
                         size_t errlen)
{
    struct removal *r = xcalloc(e->nactions + 1, sizeof(*r));
    size_t n = 0;
    int rc = 0;

    for (size_t i = 0; i < e->nactions; i++) {
        const struct ddb_path *p = &e->actions[i].path;
        if (e->actions[i].kind != DDB_ACTION_REMOVE)
            continue;
        r[n].action = i;
        r[n].is_index = p->elems[p->n - 1].is_index;
        r[n++].index = p->elems[p->n - 1].index;
    }
    qsort(r, n, sizeof(*r), removal_cmp);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = remove_path(item, &e->actions[r[i].action].path, err, errlen);
    free(r);
    return rc;
}

/* Computes every right-hand side from the unchanged item. */
static int eval_all(const struct ddb_expr *e, const cJSON *item,
                    cJSON **vals, char *err, size_t errlen)
{
    for (size_t i = 0; i < e->nactions; i++) {
        const struct ddb_action *a = &e->actions[i];
        if (a->kind == DDB_ACTION_SET) {
            if (eval_value(a->value, item, &vals[i], err, errlen) < 0)
                return -1;
        } else if (a->kind != DDB_ACTION_REMOVE) {
            vals[i] = ddb_value_copy(a->value->value);
        }
    }
    return 0;
}

static int apply_one(const struct ddb_action *a, cJSON *item, cJSON *v,
                     char *err, size_t errlen)
{
    switch (a->kind) {
    case DDB_ACTION_SET:
        return set_path(item, &a->path, v, err, errlen);
    case DDB_ACTION_ADD:
        return apply_add(item, &a->path, v, err, errlen);
    case DDB_ACTION_DELETE:
        return apply_delete(item, &a->path, v, err, errlen);
    default:
        return 0;
    }
}

int ddb_expr_update(const struct ddb_expr *e, cJSON *item, char *err,
                    size_t errlen)
{
    cJSON **vals = xcalloc(e->nactions + 1, sizeof(*vals));
    int rc = eval_all(e, item, vals, err, errlen);

    for (size_t i = 0; i < e->nactions && rc == 0; i++) {
        rc = apply_one(&e->actions[i], item, vals[i], err, errlen);
        vals[i] = NULL; /* apply_one took it */
    }
    if (rc == 0)
        rc = apply_removes(e, item, err, errlen);
    for (size_t i = 0; i < e->nactions; i++)
        cJSON_Delete(vals[i]);
    free(vals);
    return rc;
}
