/* Expression checks: the third stage of ddb_expr, and the public compile
 * entry. Drives lex and parse, then resolves #names and :values through the
 * request's maps (ddb_expr_env) and applies DynamoDB's semantic rules, one
 * pass per rule in the order AWS reports them, so that a request with two
 * mistakes gets the message AWS would give. Key condition shapes are
 * ddb_expr_key's; evaluation is ddb_expr_eval's. */
#include "dynamodb/ddb_expr_internal.h"

#include "base/json.h"
#include "base/mem.h"
#include "dynamodb/ddb_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct checker;
typedef int (*node_fn)(struct checker *c, struct ddb_node *n,
                       const struct ddb_node *parent);
typedef int (*path_fn)(struct checker *c, struct ddb_path *p);

struct checker {
    struct ddb_expr *e;
    struct ddb_expr_env *env;
    path_fn path_cb; /* for_each_path's visitor */
    char *err;
    size_t errlen;
};
/* ---- walking the AST ---- */

static int walk(struct checker *c, struct ddb_node *n,
                const struct ddb_node *parent, node_fn fn)
{
    if (n == NULL)
        return 0;
    if (fn(c, n, parent) < 0)
        return -1;
    for (size_t i = 0; i < n->nkids; i++)
        if (walk(c, n->kids[i], n, fn) < 0)
            return -1;
    return 0;
}

static int walk_all(struct checker *c, node_fn fn)
{
    struct ddb_expr *e = c->e;

    if (walk(c, e->root, NULL, fn) < 0)
        return -1;
    for (size_t i = 0; i < e->nactions; i++)
        if (walk(c, e->actions[i].value, NULL, fn) < 0)
            return -1;
    return 0;
}

static int node_path(struct checker *c, struct ddb_node *n,
                     const struct ddb_node *parent)
{
    (void)parent;
    if (n->kind != DDB_NODE_PATH)
        return 0;
    return c->path_cb(c, &n->path);
}

/* Visits every path in text order: targets before the operands. */
static int for_each_path(struct checker *c, path_fn fn)
{
    struct ddb_expr *e = c->e;

    c->path_cb = fn;
    if (walk(c, e->root, NULL, node_path) < 0)
        return -1;
    for (size_t i = 0; i < e->nactions; i++) {
        if (fn(c, &e->actions[i].path) < 0)
            return -1;
        if (walk(c, e->actions[i].value, NULL, node_path) < 0)
            return -1;
    }
    for (size_t i = 0; i < e->npaths; i++)
        if (fn(c, &e->paths[i]) < 0)
            return -1;
    return 0;
}

static int fail(struct checker *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(struct checker *c, const char *fmt, ...)
{
    char msg[768];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return ddb_expr_fail(c->e->kind, c->err, c->errlen, "%s", msg);
}

static const struct ddb_tok *tok(const struct checker *c, size_t i)
{
    return &c->e->lex.toks[i];
}

static const char *tok_text(const struct checker *c, size_t i)
{
    return c->e->lex.text + tok(c, i)->pos;
}

static int tok_len(const struct checker *c, size_t i)
{
    return (int)tok(c, i)->len;
}

static bool is_condition_kind(enum ddb_expr_kind kind)
{
    return kind == DDB_EXPR_CONDITION || kind == DDB_EXPR_FILTER ||
           kind == DDB_EXPR_KEY_CONDITION;
}

static bool is_update_func(int func)
{
    return func == DDB_FUNC_IF_NOT_EXISTS || func == DDB_FUNC_LIST_APPEND;
}

static bool is_func(const struct ddb_node *n, enum ddb_func f)
{
    return n != NULL && n->kind == DDB_NODE_FUNC && n->op == (int)f;
}

/* ---- the passes, in AWS's order ---- */

static int check_parens(struct checker *c)
{
    if (c->e->redundant_parens)
        return fail(c, "The expression has redundant parentheses;");
    return 0;
}

static int unknown_function(struct checker *c, struct ddb_node *n,
                            const struct ddb_node *parent)
{
    (void)parent;
    if (n->kind != DDB_NODE_FUNC)
        return 0;
    if (n->op == DDB_FUNC_UNKNOWN)
        return fail(c, "Invalid function name; function: %.*s",
                    tok_len(c, n->tok), tok_text(c, n->tok));
    if (is_condition_kind(c->e->kind) && is_update_func(n->op))
        return fail(c, "The function is not allowed in a condition "
                    "expression; function: %.*s",
                    tok_len(c, n->tok), tok_text(c, n->tok));
    if (c->e->kind == DDB_EXPR_UPDATE && !is_update_func(n->op))
        return fail(c, "The function is not allowed in an update "
                    "expression; function: %.*s",
                    tok_len(c, n->tok), tok_text(c, n->tok));
    return 0;
}

/* In a condition, size() is an operand and the other functions are
 * conditions; each used as the other is AWS's "used this way". */
static int misused_function(struct checker *c, struct ddb_node *n,
                            const struct ddb_node *parent)
{
    bool as_operand = parent != NULL && parent->kind != DDB_NODE_AND &&
                      parent->kind != DDB_NODE_OR &&
                      parent->kind != DDB_NODE_NOT;

    if (n->kind != DDB_NODE_FUNC || !is_condition_kind(c->e->kind))
        return 0;
    if (as_operand == (n->op == DDB_FUNC_SIZE))
        return 0;
    return fail(c, "The function is not allowed to be used this way in an "
                "expression; function: %.*s",
                tok_len(c, n->tok), tok_text(c, n->tok));
}

static int reserved_path(struct checker *c, struct ddb_path *p)
{
    for (size_t i = 0; i < p->n; i++) {
        const struct ddb_tok *t = tok(c, p->elems[i].tok);
        if (t->kind != DDB_TOK_NAME)
            continue;
        if (ddb_expr_lex_is_reserved(c->e->lex.text + t->pos, t->len))
            return fail(c, "Attribute name is a reserved keyword; reserved "
                        "keyword: %.*s", (int)t->len,
                        c->e->lex.text + t->pos);
    }
    return 0;
}

static int check_sections(struct checker *c)
{
    static const char *const names[] = { "SET", "REMOVE", "ADD", "DELETE" };
    size_t t = c->e->dup_section_tok;

    if (t == DDB_EXPR_NO_TOKEN)
        return 0;
    for (int i = 0; i < 4; i++)
        if (ddb_expr_lex_is_word(&c->e->lex, t, names[i]))
            return fail(c, "The \"%s\" section can only be used once in an "
                        "update expression;", names[i]);
    return 0;
}

static int resolve_path(struct checker *c, struct ddb_path *p)
{
    const cJSON *names = c->env->names;

    for (size_t i = 0; i < p->n; i++) {
        struct ddb_path_elem *el = &p->elems[i];
        const struct ddb_tok *t = tok(c, el->tok);
        int ix;
        if (el->is_index || el->name != NULL)
            continue;
        if (t->kind == DDB_TOK_NAME) {
            el->name = xstrndup(c->e->lex.text + t->pos, t->len);
            continue;
        }
        ix = names ? ddb_expr_env_find(names, tok_text(c, el->tok), t->len)
                   : -1;
        if (ix < 0)
            return fail(c, "An expression attribute name used in the "
                        "document path is not defined; attribute name: %.*s",
                        (int)t->len, tok_text(c, el->tok));
        c->env->names_used[ix] = 1;
        el->name = xstrdup(cJSON_GetArrayItem(names, ix)->valuestring);
    }
    return 0;
}

static int resolve_node(struct checker *c, struct ddb_node *n,
                        const struct ddb_node *parent)
{
    const cJSON *values = c->env->values;
    int ix;

    (void)parent;
    if (n->kind == DDB_NODE_PATH)
        return resolve_path(c, &n->path);
    if (n->kind != DDB_NODE_VALUE)
        return 0;
    ix = values ? ddb_expr_env_find(values, tok_text(c, n->tok),
                               (size_t)tok_len(c, n->tok)) : -1;
    if (ix < 0)
        return fail(c, "An expression attribute value used in expression is "
                    "not defined; attribute value: %.*s",
                    tok_len(c, n->tok), tok_text(c, n->tok));
    c->env->values_used[ix] = 1;
    n->value = cJSON_GetArrayItem(values, ix);
    return 0;
}

/* Names and values in text order, so the first undefined one is named. */
static int resolve_all(struct checker *c)
{
    struct ddb_expr *e = c->e;

    if (walk(c, e->root, NULL, resolve_node) < 0)
        return -1;
    for (size_t i = 0; i < e->nactions; i++) {
        if (resolve_path(c, &e->actions[i].path) < 0)
            return -1;
        if (walk(c, e->actions[i].value, NULL, resolve_node) < 0)
            return -1;
    }
    for (size_t i = 0; i < e->npaths; i++)
        if (resolve_path(c, &e->paths[i]) < 0)
            return -1;
    return 0;
}

static int path_depth(struct checker *c, struct ddb_path *p)
{
    if (p->n > DDB_EXPR_MAX_PATH_DEPTH)
        return fail(c, "The document path has too many nesting levels; "
                    "nesting levels: %zu", p->n);
    return 0;
}

static size_t func_arity(int func)
{
    switch (func) {
    case DDB_FUNC_ATTRIBUTE_EXISTS:
    case DDB_FUNC_ATTRIBUTE_NOT_EXISTS:
    case DDB_FUNC_SIZE:
        return 1;
    default:
        return 2;
    }
}

static int operand_count(struct checker *c, struct ddb_node *n,
                         const struct ddb_node *parent)
{
    (void)parent;
    if (n->kind == DDB_NODE_FUNC && n->nkids != func_arity(n->op))
        return fail(c, "Incorrect number of operands for operator or "
                    "function; operator or function: %.*s, number of "
                    "operands: %zu", tok_len(c, n->tok),
                    tok_text(c, n->tok), n->nkids);
    if (n->kind == DDB_NODE_IN && n->nkids - 1 > DDB_EXPR_MAX_IN_OPERANDS)
        return fail(c, "The IN operator is provided with too many operands; "
                    "number of operands: %zu", n->nkids - 1);
    return 0;
}

static int needs_path(struct checker *c, struct ddb_node *n,
                      const struct ddb_node *parent)
{
    bool wants_path = is_func(n, DDB_FUNC_ATTRIBUTE_EXISTS) ||
                      is_func(n, DDB_FUNC_ATTRIBUTE_NOT_EXISTS) ||
                      is_func(n, DDB_FUNC_IF_NOT_EXISTS);

    (void)parent;
    if (!wants_path || n->kids[0]->kind == DDB_NODE_PATH)
        return 0;
    return fail(c, "Operator or function requires a document path; operator "
                "or function: %.*s", tok_len(c, n->tok), tok_text(c, n->tok));
}

static bool elem_equal(const struct ddb_path_elem *a,
                       const struct ddb_path_elem *b)
{
    if (a->is_index != b->is_index)
        return false;
    if (a->is_index)
        return a->index == b->index;
    return strcmp(a->name, b->name) == 0;
}

static bool path_equal(const struct ddb_path *a, const struct ddb_path *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (!elem_equal(&a->elems[i], &b->elems[i]))
            return false;
    return true;
}

void ddb_expr_path_format(const struct ddb_path *p, char *out, size_t outlen)
{
    size_t len = 0;
    int n;

    n = snprintf(out, outlen, "[");
    for (size_t i = 0; i < p->n && n >= 0 && len + (size_t)n < outlen; i++) {
        const struct ddb_path_elem *el = &p->elems[i];
        len += (size_t)n;
        if (el->is_index)
            n = snprintf(out + len, outlen - len, "%s[%u]", i ? ", " : "",
                         el->index);
        else
            n = snprintf(out + len, outlen - len, "%s%s", i ? ", " : "",
                         el->name);
    }
    if (n >= 0 && len + (size_t)n < outlen)
        snprintf(out + len + (size_t)n, outlen - len - (size_t)n, "]");
}

/* How AWS names an operator in messages. */
static void op_name(const struct checker *c, const struct ddb_node *n,
                    char *out, size_t outlen)
{
    static const char *const cmp[] = { "=", "<>", "<", "<=", ">", ">=" };

    if (n->kind == DDB_NODE_CMP)
        snprintf(out, outlen, "%s", cmp[n->op]);
    else if (n->kind == DDB_NODE_BETWEEN)
        snprintf(out, outlen, "BETWEEN");
    else if (n->kind == DDB_NODE_IN)
        snprintf(out, outlen, "IN");
    else
        snprintf(out, outlen, "%.*s", tok_len(c, n->tok), tok_text(c, n->tok));
}

static int distinct(struct checker *c, struct ddb_node *n,
                    const struct ddb_node *parent)
{
    char name[64];
    char path[512];
    const struct ddb_node *first = n->nkids ? n->kids[0] : NULL;

    (void)parent;
    if (!is_condition_kind(c->e->kind) ||
        n->kind == DDB_NODE_AND || n->kind == DDB_NODE_OR ||
        n->kind == DDB_NODE_NOT || first == NULL ||
        first->kind != DDB_NODE_PATH)
        return 0;
    for (size_t i = 1; i < n->nkids; i++) {
        if (n->kids[i]->kind != DDB_NODE_PATH ||
            !path_equal(&first->path, &n->kids[i]->path))
            continue;
        op_name(c, n, name, sizeof(name));
        ddb_expr_path_format(&first->path, path, sizeof(path));
        return fail(c, "The first operand must be distinct from the "
                    "remaining operands for this operator or function; "
                    "operator: %s, first operand: %s", name, path);
    }
    return 0;
}

/* The type of an operand known before evaluation: a value's, or N for
 * size(); NULL for paths and the like. */
static const char *static_type(const struct ddb_node *n)
{
    if (n->kind == DDB_NODE_VALUE)
        return ddb_type_name(ddb_value_type(n->value));
    if (is_func(n, DDB_FUNC_SIZE))
        return "N";
    return NULL;
}

static bool type_in(const char *type, const char *const *list)
{
    for (; *list != NULL; list++)
        if (strcmp(type, *list) == 0)
            return true;
    return false;
}

static int type_error(struct checker *c, const struct ddb_node *n,
                      const char *type)
{
    char name[64];

    op_name(c, n, name, sizeof(name));
    return fail(c, "Incorrect operand type for operator or function; "
                "operator or function: %s, operand type: %s", name, type);
}

/* Fails when an operand of n from kid first on has a known type outside
 * allowed. */
static int kids_typed(struct checker *c, const struct ddb_node *n,
                      size_t first, const char *const *allowed,
                      const char *shown)
{
    for (size_t i = first; i < n->nkids; i++) {
        const char *t = static_type(n->kids[i]);
        if (t != NULL && !type_in(t, allowed)) {
            if (shown != NULL)
                return fail(c, "Incorrect operand type for operator or "
                            "function; operator or function: %s, operand "
                            "type: %s", shown, t);
            return type_error(c, n, t);
        }
    }
    return 0;
}

static int attribute_type_arg(struct checker *c, const struct ddb_node *n)
{
    const struct ddb_node *arg = n->kids[1];
    const char *t = static_type(arg);
    const char *name;

    if (t == NULL || strcmp(t, "S") != 0)
        return type_error(c, n, t ? t : "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}");
    name = json_get_string(arg->value, "S");
    if (ddb_type_parse(name) == DDB_TYPE_INVALID)
        return fail(c, "Invalid attribute type name found; type: %s, valid "
                    "types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}", name);
    return 0;
}

static int operand_types(struct checker *c, struct ddb_node *n,
                         const struct ddb_node *parent)
{
    static const char *const scalar[] = { "S", "N", "B", NULL };
    static const char *const text[] = { "S", "B", NULL };
    static const char *const sized[] = { "S", "B", "SS", "NS", "BS", "L",
                                         "M", NULL };
    static const char *const number[] = { "N", NULL };
    static const char *const list[] = { "L", NULL };

    (void)parent;
    if (n->kind == DDB_NODE_CMP && n->op >= DDB_CMP_LT)
        return kids_typed(c, n, 0, scalar, NULL);
    if (n->kind == DDB_NODE_PLUS || n->kind == DDB_NODE_MINUS)
        return kids_typed(c, n, 0, number,
                          n->kind == DDB_NODE_PLUS ? "+" : "-");
    if (n->kind != DDB_NODE_FUNC)
        return 0;
    switch (n->op) {
    case DDB_FUNC_BEGINS_WITH:
        return kids_typed(c, n, 0, text, NULL);
    case DDB_FUNC_SIZE:
        return kids_typed(c, n, 0, sized, NULL);
    case DDB_FUNC_ATTRIBUTE_TYPE:
        return attribute_type_arg(c, n);
    case DDB_FUNC_LIST_APPEND:
        return kids_typed(c, n, 0, list, NULL);
    default:
        return 0;
    }
}

/* ADD takes a number or a set, DELETE a set; AWS names the wrong type in
 * words here ("operand type: STRING"), unlike elsewhere. */
static int action_types(struct checker *c)
{
    static const char *const words[][2] = {
        { "S", "STRING" }, { "N", "NUMBER" }, { "B", "BINARY" },
        { "NULL", "NULL" }, { "BOOL", "BOOLEAN" }, { "L", "LIST" },
        { "M", "MAP" },
    };

    for (size_t i = 0; i < c->e->nactions; i++) {
        const struct ddb_action *a = &c->e->actions[i];
        const char *t;
        if (a->kind != DDB_ACTION_ADD && a->kind != DDB_ACTION_DELETE)
            continue;
        t = static_type(a->value);
        if (a->kind == DDB_ACTION_ADD && strcmp(t, "N") == 0)
            continue;
        for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++)
            if (strcmp(t, words[w][0]) == 0)
                return fail(c, "Incorrect operand type for operator or "
                            "function; operator: %s, operand type: %s",
                            a->kind == DDB_ACTION_ADD ? "ADD" : "DELETE",
                            words[w][1]);
    }
    return 0;
}

/* AWS shows a bound as "AttributeValue: {N:10}". */
static void bound_text(const cJSON *av, char *out, size_t outlen)
{
    const char *type = ddb_type_name(ddb_value_type(av));
    const cJSON *payload = ddb_value_payload(av);
    char *printed;

    if (cJSON_IsString(payload)) {
        snprintf(out, outlen, "AttributeValue: {%s:%s}", type,
                 payload->valuestring);
        return;
    }
    printed = cJSON_PrintUnformatted(payload);
    snprintf(out, outlen, "AttributeValue: {%s:%s}", type,
             printed ? printed : "");
    free(printed);
}

static int between_bounds(struct checker *c, struct ddb_node *n,
                          const struct ddb_node *parent)
{
    const cJSON *lo;
    const cJSON *hi;
    char lo_text[256];
    char hi_text[256];
    int cmp;

    (void)parent;
    if (n->kind != DDB_NODE_BETWEEN || n->kids[1]->kind != DDB_NODE_VALUE ||
        n->kids[2]->kind != DDB_NODE_VALUE)
        return 0;
    lo = n->kids[1]->value;
    hi = n->kids[2]->value;
    bound_text(lo, lo_text, sizeof(lo_text));
    bound_text(hi, hi_text, sizeof(hi_text));
    if (ddb_value_type(lo) != ddb_value_type(hi))
        return fail(c, "The BETWEEN operator requires same data type for "
                    "lower and upper bounds; lower bound operand: %s, upper "
                    "bound operand: %s", lo_text, hi_text);
    if (ddb_value_compare(lo, hi, &cmp) == 0 && cmp > 0)
        return fail(c, "The BETWEEN operator requires upper bound to be "
                    "greater than or equal to lower bound; lower bound "
                    "operand: %s, upper bound operand: %s", lo_text, hi_text);
    return 0;
}

/* Two paths of one update or projection may neither be equal, nor one
 * inside the other (overlap), nor use a name where the other indexes
 * (conflict). */
static int paths_clash(struct checker *c, const struct ddb_path *a,
                       const struct ddb_path *b)
{
    size_t n = a->n < b->n ? a->n : b->n;
    char one[512];
    char two[512];
    const char *what = "overlap";

    for (size_t i = 0; i < n; i++) {
        if (a->elems[i].is_index != b->elems[i].is_index) {
            what = "conflict";
            break;
        }
        if (!elem_equal(&a->elems[i], &b->elems[i]))
            return 0;
    }
    ddb_expr_path_format(a, one, sizeof(one));
    ddb_expr_path_format(b, two, sizeof(two));
    return fail(c, "Two document paths %s with each other; must remove or "
                "rewrite one of these paths; path one: %s, path two: %s",
                what, one, two);
}

static const struct ddb_path *target_path(const struct ddb_expr *e, size_t i)
{
    return e->nactions ? &e->actions[i].path : &e->paths[i];
}

static int check_overlap(struct checker *c)
{
    size_t n = c->e->nactions ? c->e->nactions : c->e->npaths;

    for (size_t i = 1; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (paths_clash(c, target_path(c->e, j),
                            target_path(c->e, i)) < 0)
                return -1;
    return 0;
}

static void collect_targets(struct ddb_expr *e)
{
    e->targets = xcalloc(e->nactions + 1, sizeof(*e->targets));
    for (size_t i = 0; i < e->nactions; i++) {
        const char *name = e->actions[i].path.elems[0].name;
        bool seen = false;
        for (size_t j = 0; j < e->ntargets && !seen; j++)
            seen = strcmp(e->targets[j], name) == 0;
        if (!seen)
            e->targets[e->ntargets++] = name;
    }
}

/* ---- the driver ---- */

static int check_front(struct checker *c)
{
    enum ddb_expr_kind kind = c->e->kind;

    if (kind == DDB_EXPR_UPDATE) {
        if (for_each_path(c, reserved_path) < 0 ||
            walk_all(c, unknown_function) < 0)
            return -1;
        return check_sections(c);
    }
    if (is_condition_kind(kind) &&
        (check_parens(c) < 0 || walk_all(c, unknown_function) < 0 ||
         walk_all(c, misused_function) < 0))
        return -1;
    return for_each_path(c, reserved_path);
}

int ddb_expr_check(struct ddb_expr *e, struct ddb_expr_env *env, char *err,
                   size_t errlen)
{
    struct checker c = { .e = e, .env = env, .err = err, .errlen = errlen };

    if (check_front(&c) < 0 || resolve_all(&c) < 0 ||
        for_each_path(&c, path_depth) < 0 ||
        walk_all(&c, operand_count) < 0 || walk_all(&c, needs_path) < 0 ||
        walk_all(&c, distinct) < 0 || check_overlap(&c) < 0 ||
        walk_all(&c, operand_types) < 0 || action_types(&c) < 0 ||
        walk_all(&c, between_bounds) < 0)
        return -1;
    if (e->kind == DDB_EXPR_KEY_CONDITION &&
        ddb_expr_key_check(e, err, errlen) < 0)
        return -1;
    if (e->kind == DDB_EXPR_UPDATE)
        collect_targets(e);
    return 0;
}

int ddb_expr_compile(enum ddb_expr_kind kind, const char *text,
                     struct ddb_expr_env *env, struct ddb_expr **out,
                     char *err, size_t errlen)
{
    struct ddb_expr *e;
    size_t len = strlen(text);

    *out = NULL;
    if (len == 0)
        return ddb_expr_fail(kind, err, errlen,
                             "The expression can not be empty;");
    if (len > DDB_EXPR_MAX_BYTES)
        return ddb_expr_fail(kind, err, errlen, "Expression size has "
                             "exceeded the maximum allowed size; expression "
                             "size: %zu", len);
    e = xcalloc(1, sizeof(*e));
    e->kind = kind;
    e->text = xstrdup(text);
    ddb_expr_lex(&e->lex, e->text);
    if (ddb_expr_parse(e, err, errlen) < 0 ||
        ddb_expr_check(e, env, err, errlen) < 0) {
        ddb_expr_free(e);
        return -1;
    }
    *out = e;
    return 0;
}

void ddb_expr_free(struct ddb_expr *e)
{
    if (e == NULL)
        return;
    ddb_expr_node_free(e->root);
    for (size_t i = 0; i < e->nactions; i++) {
        ddb_expr_path_clear(&e->actions[i].path);
        ddb_expr_node_free(e->actions[i].value);
    }
    free(e->actions);
    for (size_t i = 0; i < e->npaths; i++)
        ddb_expr_path_clear(&e->paths[i]);
    free(e->paths);
    free(e->targets);
    ddb_expr_lex_clear(&e->lex);
    free(e->text);
    free(e);
}

const char *const *ddb_expr_update_targets(const struct ddb_expr *e, size_t *n)
{
    *n = e->ntargets;
    return e->targets;
}
