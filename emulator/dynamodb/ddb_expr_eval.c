/* Expression evaluation: the last stage of ddb_expr. Tests conditions and
 * filters on an item and projects items.
 * Comparisons follow DynamoDB: values of different types, or a missing
 * attribute, make a comparison false rather than an error. Applying update
 * expressions is ddb_expr_update's, key conditions ddb_expr_key's. */
#include "dynamodb/ddb_expr_internal.h"

#include "base/buf.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/mem.h"
#include "dynamodb/ddb_number.h"
#include "dynamodb/ddb_value.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An operand's value: borrowed from the item or the placeholders, or owned
 * when computed (size()). */
struct operand {
    const cJSON *av; /* NULL when the attribute does not exist */
    cJSON *owned;
};

static bool eval_cond(const struct ddb_node *n, const cJSON *item);

const cJSON *ddb_expr_path_get(const cJSON *item, const struct ddb_path *p)
{
    const cJSON *av = item ? json_get(item, p->elems[0].name) : NULL;

    for (size_t i = 1; i < p->n && av != NULL; i++) {
        const struct ddb_path_elem *el = &p->elems[i];
        if (el->is_index) {
            const cJSON *list = json_get(av, "L");
            av = list ? cJSON_GetArrayItem(list, (int)el->index) : NULL;
        } else {
            av = json_get(json_get(av, "M"), el->name);
        }
    }
    return av;
}

/* Decodes a B value's base64 into out; false when av is not a valid B. */
static bool binary_bytes(const cJSON *av, struct buf *out)
{
    const char *b64 = json_get_string(av, "B");

    return b64 != NULL && crypto_base64_decode(b64, strlen(b64), out) == 0;
}

/* size(): string bytes, binary bytes, or the element count of a set, list
 * or map; undefined (NULL) for numbers, booleans and NULL. */
static cJSON *size_of(const cJSON *av)
{
    enum ddb_type t = ddb_value_type(av);
    const cJSON *payload = ddb_value_payload(av);
    char text[32];
    size_t n;
    struct buf b;
    cJSON *out;

    if (t == DDB_TYPE_S) {
        n = strlen(payload->valuestring);
    } else if (t == DDB_TYPE_B) {
        buf_init(&b, 0);
        binary_bytes(av, &b);
        n = b.len;
        buf_clear(&b);
    } else if (t == DDB_TYPE_SS || t == DDB_TYPE_NS || t == DDB_TYPE_BS ||
               t == DDB_TYPE_L || t == DDB_TYPE_M) {
        n = (size_t)cJSON_GetArraySize(payload);
    } else {
        return NULL;
    }
    snprintf(text, sizeof(text), "%zu", n);
    out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "N", text);
    return out;
}

static struct operand eval_operand(const struct ddb_node *n,
                                   const cJSON *item)
{
    struct operand o = { NULL, NULL };
    struct operand arg;

    switch (n->kind) {
    case DDB_NODE_VALUE:
        o.av = n->value;
        break;
    case DDB_NODE_PATH:
        o.av = ddb_expr_path_get(item, &n->path);
        break;
    case DDB_NODE_FUNC: /* size(), the only function that is an operand */
        arg = eval_operand(n->kids[0], item);
        o.owned = arg.av ? size_of(arg.av) : NULL;
        o.av = o.owned;
        cJSON_Delete(arg.owned);
        break;
    default:
        break;
    }
    return o;
}

static bool compare(const cJSON *a, const cJSON *b, int op)
{
    int cmp;

    if (op == DDB_CMP_EQ)
        return a && b && ddb_value_equal(a, b);
    if (op == DDB_CMP_NE)
        return !(a && b && ddb_value_equal(a, b));
    if (a == NULL || b == NULL || ddb_value_compare(a, b, &cmp) < 0)
        return false;
    switch (op) {
    case DDB_CMP_LT:
        return cmp < 0;
    case DDB_CMP_LE:
        return cmp <= 0;
    case DDB_CMP_GT:
        return cmp > 0;
    default:
        return cmp >= 0;
    }
}

static bool between(const cJSON *x, const cJSON *lo, const cJSON *hi)
{
    return compare(x, lo, DDB_CMP_GE) && compare(x, hi, DDB_CMP_LE);
}

/* memmem is a GNU extension; expressions are short, so a plain scan. */
static bool bytes_contain(const char *hay, size_t hlen, const char *needle,
                          size_t nlen)
{
    for (size_t i = 0; nlen <= hlen && i <= hlen - nlen; i++)
        if (memcmp(hay + i, needle, nlen) == 0)
            return true;
    return false;
}

/* Is needle a prefix (or, with anywhere, a part) of hay? Both S or both
 * B; binary compares decoded bytes. */
static bool text_match(const cJSON *hay, const cJSON *needle, bool anywhere)
{
    struct buf h;
    struct buf nd;
    bool found = false;
    enum ddb_type t = ddb_value_type(hay);

    if (t != ddb_value_type(needle) || (t != DDB_TYPE_S && t != DDB_TYPE_B))
        return false;
    buf_init(&h, 0);
    buf_init(&nd, 0);
    if (t == DDB_TYPE_S) {
        buf_puts(&h, json_get_string(hay, "S"));
        buf_puts(&nd, json_get_string(needle, "S"));
    } else if (!binary_bytes(hay, &h) || !binary_bytes(needle, &nd)) {
        goto out;
    }
    if (anywhere)
        found = bytes_contain(buf_cstr(&h), h.len, buf_cstr(&nd), nd.len);
    else
        found = nd.len <= h.len && memcmp(buf_cstr(&h), buf_cstr(&nd),
                                          nd.len) == 0;
out:
    buf_clear(&h);
    buf_clear(&nd);
    return found;
}

/* contains() on a set: the value must have the set's element type. */
static bool set_has(const cJSON *set, const cJSON *v)
{
    static const struct {
        enum ddb_type set, elem;
    } kinds[] = { { DDB_TYPE_SS, DDB_TYPE_S }, { DDB_TYPE_NS, DDB_TYPE_N },
                  { DDB_TYPE_BS, DDB_TYPE_B } };
    enum ddb_type st = ddb_value_type(set);
    const cJSON *want = ddb_value_payload(v);
    const cJSON *el;

    for (size_t i = 0; i < 3; i++) {
        if (kinds[i].set != st || kinds[i].elem != ddb_value_type(v))
            continue;
        cJSON_ArrayForEach(el, ddb_value_payload(set)) {
            bool eq = st == DDB_TYPE_NS
                          ? ddb_number_compare(el->valuestring,
                                               want->valuestring) == 0
                          : strcmp(el->valuestring, want->valuestring) == 0;
            if (eq)
                return true;
        }
    }
    return false;
}

static bool contains(const cJSON *hay, const cJSON *v)
{
    enum ddb_type t = ddb_value_type(hay);
    const cJSON *el;

    if (t == DDB_TYPE_S || t == DDB_TYPE_B)
        return text_match(hay, v, true);
    if (t == DDB_TYPE_L) {
        cJSON_ArrayForEach(el, ddb_value_payload(hay))
            if (ddb_value_equal(el, v))
                return true;
        return false;
    }
    return set_has(hay, v);
}

static bool eval_func(const struct ddb_node *n, const cJSON *item)
{
    struct operand a = eval_operand(n->kids[0], item);
    struct operand b = { NULL, NULL };
    bool r = false;

    if (n->nkids > 1)
        b = eval_operand(n->kids[1], item);
    switch (n->op) {
    case DDB_FUNC_ATTRIBUTE_EXISTS:
        r = a.av != NULL;
        break;
    case DDB_FUNC_ATTRIBUTE_NOT_EXISTS:
        r = a.av == NULL;
        break;
    case DDB_FUNC_ATTRIBUTE_TYPE:
        r = a.av && strcmp(ddb_type_name(ddb_value_type(a.av)),
                           json_get_string(b.av, "S")) == 0;
        break;
    case DDB_FUNC_BEGINS_WITH:
        r = a.av && b.av && text_match(a.av, b.av, false);
        break;
    case DDB_FUNC_CONTAINS:
        r = a.av && b.av && contains(a.av, b.av);
        break;
    default:
        break;
    }
    cJSON_Delete(a.owned);
    cJSON_Delete(b.owned);
    return r;
}

/* Evaluates the operands of a comparison, BETWEEN or IN, then tests. */
static bool eval_compare(const struct ddb_node *n, const cJSON *item)
{
    struct operand o[DDB_EXPR_MAX_IN_OPERANDS + 1];
    size_t k = n->nkids;
    bool r = false;

    for (size_t i = 0; i < k; i++)
        o[i] = eval_operand(n->kids[i], item);
    if (n->kind == DDB_NODE_CMP)
        r = compare(o[0].av, o[1].av, n->op);
    else if (n->kind == DDB_NODE_BETWEEN)
        r = between(o[0].av, o[1].av, o[2].av);
    for (size_t i = 1; n->kind == DDB_NODE_IN && i < k && !r; i++)
        r = compare(o[0].av, o[i].av, DDB_CMP_EQ);
    for (size_t i = 0; i < k; i++)
        cJSON_Delete(o[i].owned);
    return r;
}

static bool eval_cond(const struct ddb_node *n, const cJSON *item)
{
    switch (n->kind) {
    case DDB_NODE_AND:
        return eval_cond(n->kids[0], item) && eval_cond(n->kids[1], item);
    case DDB_NODE_OR:
        return eval_cond(n->kids[0], item) || eval_cond(n->kids[1], item);
    case DDB_NODE_NOT:
        return !eval_cond(n->kids[0], item);
    case DDB_NODE_FUNC:
        return eval_func(n, item);
    default:
        return eval_compare(n, item);
    }
}

int ddb_expr_test(const struct ddb_expr *e, const cJSON *item, bool *result,
                  char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    assert(e->root != NULL); /* a condition, filter or key condition */
    *result = eval_cond(e->root, item);
    return 0;
}

/* ---- projection ---- */

/* The values a projection keeps: whole ones, and the maps and lists on the
 * way to them, which keep only their marked members. */
struct marks {
    const cJSON **av;
    bool *whole;
    size_t n;
};

static void mark(struct marks *m, const cJSON *av, bool whole)
{
    for (size_t i = 0; i < m->n; i++) {
        if (m->av[i] == av) {
            m->whole[i] = m->whole[i] || whole;
            return;
        }
    }
    m->av = xrealloc(m->av, (m->n + 1) * sizeof(*m->av));
    m->whole = xrealloc(m->whole, (m->n + 1) * sizeof(*m->whole));
    m->av[m->n] = av;
    m->whole[m->n++] = whole;
}

/* -1 unmarked, 0 partly kept, 1 kept whole. */
static int marked(const struct marks *m, const cJSON *av)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->av[i] == av)
            return m->whole[i];
    return -1;
}

static void mark_path(struct marks *m, const cJSON *item,
                      const struct ddb_path *p)
{
    struct ddb_path prefix = { p->elems, 0 };
    const cJSON *chain[DDB_EXPR_MAX_PATH_DEPTH];

    for (size_t i = 0; i < p->n; i++) {
        prefix.n = i + 1;
        chain[i] = ddb_expr_path_get(item, &prefix);
        if (chain[i] == NULL)
            return;
    }
    for (size_t i = 0; i < p->n; i++)
        mark(m, chain[i], i + 1 == p->n);
}

static cJSON *copy_marked(const struct marks *m, const cJSON *av)
{
    enum ddb_type t = ddb_value_type(av);
    const cJSON *el;
    cJSON *out;
    cJSON *inner;

    if (marked(m, av) == 1 || (t != DDB_TYPE_M && t != DDB_TYPE_L))
        return cJSON_Duplicate(av, true);
    out = cJSON_CreateObject();
    inner = t == DDB_TYPE_M ? cJSON_AddObjectToObject(out, "M")
                            : cJSON_AddArrayToObject(out, "L");
    cJSON_ArrayForEach(el, ddb_value_payload(av)) {
        if (marked(m, el) < 0)
            continue;
        if (t == DDB_TYPE_M)
            cJSON_AddItemToObject(inner, el->string, copy_marked(m, el));
        else
            cJSON_AddItemToArray(inner, copy_marked(m, el));
    }
    return out;
}

/* The marked parts of item, as a new map; frees the marks. */
static cJSON *copy_marked_item(struct marks *m, const cJSON *item)
{
    cJSON *out = cJSON_CreateObject();
    const cJSON *attr;

    cJSON_ArrayForEach(attr, item) {
        if (marked(m, attr) >= 0)
            cJSON_AddItemToObject(out, attr->string, copy_marked(m, attr));
    }
    free(m->av);
    free(m->whole);
    return out;
}

cJSON *ddb_expr_project(const struct ddb_expr *e, const cJSON *item)
{
    struct marks m = { NULL, NULL, 0 };

    for (size_t i = 0; i < e->npaths; i++)
        mark_path(&m, item, &e->paths[i]);
    return copy_marked_item(&m, item);
}

cJSON *ddb_expr_update_project(const struct ddb_expr *e, const cJSON *item)
{
    struct marks m = { NULL, NULL, 0 };

    for (size_t i = 0; item && i < e->nactions; i++)
        mark_path(&m, item, &e->actions[i].path);
    return copy_marked_item(&m, item);
}

