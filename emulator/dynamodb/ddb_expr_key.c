/* Key conditions for Query: the shape rules AWS checks when it compiles a
 * KeyConditionExpression (ANDed comparisons, each naming one top-level
 * attribute) and, once the table's or index's key is known, the split into
 * a hash key equality and one optional range key condition. Part of the
 * ddb_expr family. Comparing value types with AttributeDefinitions is the
 * Query handler's. */
#include "dynamodb/ddb_expr_internal.h"

#include <stdio.h>
#include <string.h>

struct checker {
    struct ddb_expr *e;
    char *err;
    size_t errlen;
};

static bool is_func(const struct ddb_node *n, enum ddb_func f)
{
    return n->kind == DDB_NODE_FUNC && n->op == (int)f;
}

/* AWS words key condition shape errors without the "Invalid
 * KeyConditionExpression:" prefix. */
static int fail_key(struct checker *c, const char *msg, const char *what)
{
    snprintf(c->err, c->errlen, "%s%s", msg, what ? what : "");
    return -1;
}

static int key_operator(struct checker *c, const struct ddb_node *n)
{
    static const char *const bad = "Invalid operator used in "
                                   "KeyConditionExpression: ";
    char name[64];
    const struct ddb_tok *t = &c->e->lex.toks[n->tok];

    if (n->kind == DDB_NODE_OR)
        return fail_key(c, bad, "OR");
    if (n->kind == DDB_NODE_NOT)
        return fail_key(c, bad, "NOT");
    if (n->kind == DDB_NODE_IN)
        return fail_key(c, bad, "IN");
    if (n->kind == DDB_NODE_CMP && n->op == DDB_CMP_NE)
        return fail_key(c, bad, "<>");
    if (is_func(n, DDB_FUNC_SIZE))
        return fail_key(c, "KeyConditionExpressions cannot contain nested "
                        "operations", NULL);
    if (n->kind == DDB_NODE_FUNC && !is_func(n, DDB_FUNC_BEGINS_WITH)) {
        snprintf(name, sizeof(name), "%.*s", (int)t->len,
                 c->e->lex.text + t->pos);
        return fail_key(c, bad, name);
    }
    if ((n->kind == DDB_NODE_BETWEEN || n->kind == DDB_NODE_FUNC) &&
        n->kids[0]->kind != DDB_NODE_PATH)
        return fail_key(c, "Invalid condition in KeyConditionExpression: ",
                        n->kind == DDB_NODE_BETWEEN
                            ? "BETWEEN operator must have the key attribute "
                              "as its first operand"
                            : "begins_with operator must have the key "
                              "attribute as its first operand");
    return 0;
}

/* The one path among n's operands, in *at; size() is a nested operation. */
static int key_attribute(struct checker *c, const struct ddb_node *n,
                         size_t *at)
{
    size_t found = 0;

    for (size_t i = 0; i < n->nkids; i++) {
        const struct ddb_node *k = n->kids[i];
        if (k->kind == DDB_NODE_FUNC)
            return fail_key(c, "KeyConditionExpressions cannot contain "
                            "nested operations", NULL);
        if (k->kind != DDB_NODE_PATH)
            continue;
        if (found++ > 0)
            return fail_key(c, "Invalid condition in KeyConditionExpression:"
                            " Multiple attribute names used in one "
                            "condition", NULL);
        if (k->path.n > 1)
            return fail_key(c, "KeyConditionExpressions cannot have "
                            "conditions on nested attributes", NULL);
        *at = i;
    }
    if (found == 0)
        return fail_key(c, "Invalid condition in KeyConditionExpression: No "
                        "key attribute specified", NULL);
    return 0;
}

static enum ddb_key_op key_op(const struct ddb_node *n, bool flipped)
{
    static const enum ddb_key_op ops[] = { DDB_KEY_EQ, DDB_KEY_NONE,
                                           DDB_KEY_LT, DDB_KEY_LE,
                                           DDB_KEY_GT, DDB_KEY_GE };
    static const enum ddb_key_op flip[] = { DDB_KEY_EQ, DDB_KEY_NONE,
                                            DDB_KEY_GT, DDB_KEY_GE,
                                            DDB_KEY_LT, DDB_KEY_LE };

    if (n->kind == DDB_NODE_BETWEEN)
        return DDB_KEY_BETWEEN;
    if (n->kind == DDB_NODE_FUNC)
        return DDB_KEY_BEGINS_WITH;
    return flipped ? flip[n->op] : ops[n->op];
}

static int key_part(struct checker *c, const struct ddb_node *n)
{
    struct ddb_expr *e = c->e;
    struct ddb_key_part *part;
    size_t at = 0;

    if (n->kind == DDB_NODE_AND)
        return key_part(c, n->kids[0]) < 0 ? -1 : key_part(c, n->kids[1]);
    if (key_operator(c, n) < 0 || key_attribute(c, n, &at) < 0)
        return -1;
    for (size_t i = 0; i < e->nkeys; i++)
        if (strcmp(e->keys[i].name, n->kids[at]->path.elems[0].name) == 0)
            return fail_key(c, "KeyConditionExpressions must only contain "
                            "one condition per key", NULL);
    if (e->nkeys == sizeof(e->keys) / sizeof(e->keys[0]))
        return 0; /* more names than a key has: split reports it */
    part = &e->keys[e->nkeys++];
    part->name = n->kids[at]->path.elems[0].name;
    part->op = key_op(n, at == 1);
    part->lo = n->kids[at == 0 ? 1 : 0]->value;
    part->hi = n->nkids > 2 ? n->kids[2]->value : NULL;
    return 0;
}

int ddb_expr_key_check(struct ddb_expr *e, char *err, size_t errlen)
{
    struct checker c = { e, err, errlen };

    return key_part(&c, e->root);
}

static const struct ddb_key_part *key_find(const struct ddb_expr *e,
                                           const char *name)
{
    for (size_t i = 0; i < e->nkeys; i++)
        if (strcmp(e->keys[i].name, name) == 0)
            return &e->keys[i];
    return NULL;
}

/* As AWS checks: the hash key first, which only takes equality; then any
 * other attribute must be the range key. */
int ddb_expr_key_condition(const struct ddb_expr *e, const char *hash_key,
                           const char *range_key, struct ddb_key_condition *out,
                           char *err, size_t errlen)
{
    const struct ddb_key_part *hash = key_find(e, hash_key);

    memset(out, 0, sizeof(*out));
    if (hash == NULL) {
        snprintf(err, errlen, "Query condition missed key schema element: %s",
                 hash_key);
        return -1;
    }
    if (hash->op != DDB_KEY_EQ || (range_key == NULL && e->nkeys > 1)) {
        snprintf(err, errlen, "Query key condition not supported");
        return -1;
    }
    out->hash_name = hash->name;
    out->hash_value = hash->lo;
    for (size_t i = 0; i < e->nkeys; i++) {
        const struct ddb_key_part *k = &e->keys[i];
        if (k == hash)
            continue;
        if (strcmp(k->name, range_key) != 0) {
            snprintf(err, errlen, "Query condition missed key schema "
                     "element: %s", range_key);
            return -1;
        }
        out->range_name = k->name;
        out->op = k->op;
        out->range_lo = k->lo;
        out->range_hi = k->hi;
    }
    return 0;
}
