/* Expression grammar: the second stage of ddb_expr. A recursive-descent
 * parser over the tokens of ddb_expr_lex, with AWS's precedence (NOT, then
 * AND, then OR) and a nesting bound. It only builds the AST and reports
 * syntax errors; placeholders, reserved words and every other rule are
 * ddb_expr_check's, which AWS reports after syntax.
 *
 *   condition := or
 *   or        := and (OR and)*
 *   and       := not (AND not)*
 *   not       := NOT not | primary
 *   primary   := '(' or ')' [tail] | operand [tail]
 *   tail      := cmp operand | BETWEEN operand AND operand
 *              | IN '(' operand (',' operand)* ')'
 *   operand   := path | :value | name '(' operand (',' operand)* ')'
 *              | '(' operand ')'
 *   update    := (SET set (',' set)* | REMOVE path (',' path)*
 *              | ADD path :value (',' ...)* | DELETE path :value ...)+
 *   set       := path '=' value;  value := uoperand [('+'|'-') uoperand]
 *   uoperand  := operand, where '(' value ')' replaces '(' operand ')'
 *   projection:= path (',' path)*
 *   path      := (name | #name) ('.' (name | #name) | '[' digits ']')* */
#include "dynamodb/ddb_expr_internal.h"

#include "base/mem.h"

#include <stdlib.h>
#include <string.h>

struct parser {
    struct ddb_expr *e;
    const struct ddb_lex *lx;
    size_t pos;    /* current token */
    int depth;     /* parentheses and NOTs entered, for the nesting bound */
    int parens;    /* parentheses open around the current point */
    int ops;       /* operators and functions, for AWS's limit */
    char *err;
    size_t errlen;
};

static int parse_or(struct parser *p, struct ddb_node **out);
static int parse_operand(struct parser *p, struct ddb_node **out);
static int parse_set_value(struct parser *p, struct ddb_node **out);

static enum ddb_tok_kind cur(const struct parser *p)
{
    return p->lx->toks[p->pos].kind;
}

static enum ddb_tok_kind next_kind(const struct parser *p)
{
    if (p->pos + 1 >= p->lx->ntoks)
        return DDB_TOK_EOF;
    return p->lx->toks[p->pos + 1].kind;
}

static bool is_word(const struct parser *p, const char *word)
{
    return ddb_expr_lex_is_word(p->lx, p->pos, word);
}

static int syntax(struct parser *p)
{
    return ddb_expr_fail_syntax(p->e->kind, p->lx, p->pos, p->err,
                                p->errlen);
}

static int expect(struct parser *p, enum ddb_tok_kind kind)
{
    if (cur(p) != kind)
        return syntax(p);
    p->pos++;
    return 0;
}

/* Keywords cannot be attribute names: AWS reports a syntax error there. */
static bool is_keyword(const struct parser *p)
{
    static const char *const cond[] = { "AND", "OR", "NOT", "BETWEEN", "IN" };
    static const char *const update[] = { "SET", "REMOVE", "ADD", "DELETE" };
    const char *const *words = cond;
    size_t n = sizeof(cond) / sizeof(cond[0]);

    if (p->e->kind == DDB_EXPR_PROJECTION)
        return false;
    if (p->e->kind == DDB_EXPR_UPDATE) {
        words = update;
        n = sizeof(update) / sizeof(update[0]);
    }
    for (size_t i = 0; i < n; i++)
        if (is_word(p, words[i]))
            return true;
    return false;
}

static int count_op(struct parser *p)
{
    p->ops++;
    if (p->ops > DDB_EXPR_MAX_OPERATORS)
        return ddb_expr_fail(p->e->kind, p->err, p->errlen,
                             "The expression contains too many operators; "
                             "operator count: %d", p->ops);
    return 0;
}

/* Each level of a valid expression adds an operator, and count_op stops
 * those; past the bound only redundant parentheses remain to blame. */
static int enter(struct parser *p)
{
    p->depth++;
    if (p->depth > DDB_EXPR_MAX_NESTING)
        return ddb_expr_fail(p->e->kind, p->err, p->errlen,
                             "The expression has redundant parentheses;");
    return 0;
}

static struct ddb_node *node_new(enum ddb_node_kind kind, size_t tok)
{
    struct ddb_node *n = xcalloc(1, sizeof(*n));

    n->kind = kind;
    n->tok = tok;
    n->lparen = DDB_EXPR_NO_TOKEN;
    n->rparen = DDB_EXPR_NO_TOKEN;
    return n;
}

static void add_kid(struct ddb_node *n, struct ddb_node *kid)
{
    n->kids = xrealloc(n->kids, (n->nkids + 1) * sizeof(*n->kids));
    n->kids[n->nkids++] = kid;
}

void ddb_expr_path_clear(struct ddb_path *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->elems[i].name);
    free(p->elems);
    p->elems = NULL;
    p->n = 0;
}

void ddb_expr_node_free(struct ddb_node *n)
{
    if (n == NULL)
        return;
    for (size_t i = 0; i < n->nkids; i++)
        ddb_expr_node_free(n->kids[i]);
    free(n->kids);
    ddb_expr_path_clear(&n->path);
    free(n);
}

/* Records the parentheses around n; "((x))" is AWS's redundant case. */
static void wrap_parens(struct parser *p, struct ddb_node *n, size_t lp,
                        size_t rp)
{
    if (n->lparen == lp + 1 && n->rparen + 1 == rp)
        p->e->redundant_parens = true;
    n->lparen = lp;
    n->rparen = rp;
}

static void path_push(struct ddb_path *path, struct ddb_path_elem el)
{
    path->elems = xrealloc(path->elems, (path->n + 1) * sizeof(*path->elems));
    path->elems[path->n++] = el;
}

static int parse_path_name(struct parser *p, struct ddb_path *path)
{
    struct ddb_path_elem el = { false, 0, p->pos, NULL };

    if (cur(p) == DDB_TOK_NAME_REF || (cur(p) == DDB_TOK_NAME &&
                                       !is_keyword(p))) {
        path_push(path, el);
        p->pos++;
        return 0;
    }
    return syntax(p);
}

static int parse_index(struct parser *p, struct ddb_path *path)
{
    const struct ddb_tok *t = &p->lx->toks[p->pos];
    struct ddb_path_elem el = { true, 0, p->pos, NULL };
    unsigned long v = 0;

    if (t->kind != DDB_TOK_INT)
        return syntax(p);
    for (size_t i = 0; i < t->len; i++) {
        v = v * 10 + (unsigned long)(p->lx->text[t->pos + i] - '0');
        if (v > DDB_EXPR_MAX_LIST_INDEX)
            return ddb_expr_fail(p->e->kind, p->err, p->errlen,
                                 "List index is not within the allowable "
                                 "range");
    }
    el.index = (unsigned)v;
    p->pos++;
    if (expect(p, DDB_TOK_RBRACKET) < 0)
        return -1;
    path_push(path, el);
    return 0;
}

static int parse_path(struct parser *p, struct ddb_path *path)
{
    if (parse_path_name(p, path) < 0)
        return -1;
    for (;;) {
        int rc = 0;
        if (cur(p) == DDB_TOK_DOT) {
            p->pos++;
            rc = parse_path_name(p, path);
        } else if (cur(p) == DDB_TOK_LBRACKET) {
            p->pos++;
            rc = parse_index(p, path);
        } else {
            return 0;
        }
        if (rc < 0)
            return -1;
    }
}

static enum ddb_func func_lookup(const char *name, size_t len)
{
    static const struct {
        const char *name;
        enum ddb_func func;
    } funcs[] = {
        { "attribute_exists", DDB_FUNC_ATTRIBUTE_EXISTS },
        { "attribute_not_exists", DDB_FUNC_ATTRIBUTE_NOT_EXISTS },
        { "attribute_type", DDB_FUNC_ATTRIBUTE_TYPE },
        { "begins_with", DDB_FUNC_BEGINS_WITH },
        { "contains", DDB_FUNC_CONTAINS },
        { "size", DDB_FUNC_SIZE },
        { "if_not_exists", DDB_FUNC_IF_NOT_EXISTS },
        { "list_append", DDB_FUNC_LIST_APPEND },
    };

    /* Function names are case-sensitive, unlike keywords. */
    for (size_t i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++)
        if (strlen(funcs[i].name) == len &&
            memcmp(funcs[i].name, name, len) == 0)
            return funcs[i].func;
    return DDB_FUNC_UNKNOWN;
}

/* Adds operands separated by commas to n, up to and including ')'. */
static int parse_args(struct parser *p, struct ddb_node *n)
{
    for (;;) {
        struct ddb_node *arg = NULL;
        if (parse_operand(p, &arg) < 0)
            return -1;
        add_kid(n, arg);
        if (cur(p) == DDB_TOK_RPAREN) {
            p->pos++;
            return 0;
        }
        if (expect(p, DDB_TOK_COMMA) < 0)
            return -1;
    }
}

static int parse_function(struct parser *p, struct ddb_node **out)
{
    const struct ddb_tok *t = &p->lx->toks[p->pos];
    struct ddb_node *n = node_new(DDB_NODE_FUNC, p->pos);

    n->op = (int)func_lookup(p->lx->text + t->pos, t->len);
    p->pos += 2; /* the name and '(' */
    if (count_op(p) < 0 || parse_args(p, n) < 0) {
        ddb_expr_node_free(n);
        return -1;
    }
    *out = n;
    return 0;
}

/* '(' operand ')' in a condition; '(' value ')' in an update. */
static int parse_paren_operand(struct parser *p, struct ddb_node **out)
{
    size_t lp = p->pos;
    struct ddb_node *n = NULL;
    int rc;

    if (enter(p) < 0)
        return -1;
    p->pos++;
    if (p->e->kind == DDB_EXPR_UPDATE)
        rc = parse_set_value(p, &n);
    else
        rc = parse_operand(p, &n);
    if (rc < 0 || expect(p, DDB_TOK_RPAREN) < 0) {
        ddb_expr_node_free(n);
        return -1;
    }
    p->depth--;
    wrap_parens(p, n, lp, p->pos - 1);
    *out = n;
    return 0;
}

static int parse_operand(struct parser *p, struct ddb_node **out)
{
    struct ddb_node *n;

    if (cur(p) == DDB_TOK_VALUE_REF) {
        *out = node_new(DDB_NODE_VALUE, p->pos++);
        return 0;
    }
    if (cur(p) == DDB_TOK_LPAREN)
        return parse_paren_operand(p, out);
    if (cur(p) == DDB_TOK_NAME && next_kind(p) == DDB_TOK_LPAREN &&
        !is_keyword(p))
        return parse_function(p, out);
    n = node_new(DDB_NODE_PATH, p->pos);
    if (parse_path(p, &n->path) < 0) {
        ddb_expr_node_free(n);
        return -1;
    }
    *out = n;
    return 0;
}

static bool is_operand(const struct ddb_node *n)
{
    return n->kind == DDB_NODE_PATH || n->kind == DDB_NODE_VALUE ||
           n->kind == DDB_NODE_FUNC;
}

static int comparator(enum ddb_tok_kind kind)
{
    switch (kind) {
    case DDB_TOK_EQ:
        return DDB_CMP_EQ;
    case DDB_TOK_NE:
        return DDB_CMP_NE;
    case DDB_TOK_LT:
        return DDB_CMP_LT;
    case DDB_TOK_LE:
        return DDB_CMP_LE;
    case DDB_TOK_GT:
        return DDB_CMP_GT;
    case DDB_TOK_GE:
        return DDB_CMP_GE;
    default:
        return -1;
    }
}

/* IN's list: '(' operand (',' operand)* ')', added to n. */
static int parse_in_list(struct parser *p, struct ddb_node *n)
{
    if (expect(p, DDB_TOK_LPAREN) < 0)
        return -1;
    return parse_args(p, n);
}

static int parse_between(struct parser *p, struct ddb_node *n)
{
    struct ddb_node *lo = NULL;
    struct ddb_node *hi = NULL;

    if (parse_operand(p, &lo) < 0)
        return -1;
    add_kid(n, lo);
    if (!is_word(p, "AND"))
        return syntax(p);
    p->pos++;
    if (parse_operand(p, &hi) < 0)
        return -1;
    add_kid(n, hi);
    return 0;
}

/* After a left operand: a comparison, BETWEEN or IN; or nothing, leaving
 * *out = left for the caller to judge. Takes ownership of left. */
static int parse_tail(struct parser *p, struct ddb_node *left,
                      struct ddb_node **out)
{
    struct ddb_node *n;
    struct ddb_node *right = NULL;
    int cmp = comparator(cur(p));
    int rc;

    *out = left;
    if (cmp >= 0)
        n = node_new(DDB_NODE_CMP, p->pos);
    else if (is_word(p, "BETWEEN"))
        n = node_new(DDB_NODE_BETWEEN, p->pos);
    else if (is_word(p, "IN"))
        n = node_new(DDB_NODE_IN, p->pos);
    else
        return 0;
    n->op = cmp;
    add_kid(n, left);
    *out = n;
    p->pos++;
    if (count_op(p) < 0)
        return -1;
    if (n->kind == DDB_NODE_IN)
        return parse_in_list(p, n);
    if (n->kind == DDB_NODE_BETWEEN)
        return parse_between(p, n);
    rc = parse_operand(p, &right);
    if (rc == 0)
        add_kid(n, right);
    return rc;
}

static bool is_bare(const struct ddb_node *n)
{
    return n->kind == DDB_NODE_PATH || n->kind == DDB_NODE_VALUE;
}

/* A bare path or value is no condition; inside parentheses it may still be
 * the left operand of "(a) = :v", which the enclosing primary completes. */
static int check_bare(struct parser *p, struct ddb_node *n)
{
    if (!is_bare(n))
        return 0;
    if (p->parens > 0 && cur(p) == DDB_TOK_RPAREN)
        return 0;
    return syntax(p);
}

static int parse_group(struct parser *p, struct ddb_node **out)
{
    size_t lp = p->pos;
    struct ddb_node *inner = NULL;

    if (enter(p) < 0)
        return -1;
    p->pos++;
    p->parens++;
    if (parse_or(p, &inner) < 0 || expect(p, DDB_TOK_RPAREN) < 0) {
        ddb_expr_node_free(inner);
        return -1;
    }
    p->parens--;
    p->depth--;
    wrap_parens(p, inner, lp, p->pos - 1);
    if (!is_operand(inner)) {
        *out = inner;
        return 0;
    }
    if (parse_tail(p, inner, out) < 0)
        return -1;
    return check_bare(p, *out);
}

static int parse_primary(struct parser *p, struct ddb_node **out)
{
    struct ddb_node *left = NULL;

    *out = NULL;
    if (cur(p) == DDB_TOK_LPAREN)
        return parse_group(p, out);
    if (parse_operand(p, &left) < 0)
        return -1;
    if (parse_tail(p, left, out) < 0)
        return -1;
    return check_bare(p, *out);
}

static int parse_not(struct parser *p, struct ddb_node **out)
{
    struct ddb_node *n;
    struct ddb_node *kid = NULL;
    int rc;

    *out = NULL;
    if (!is_word(p, "NOT"))
        return parse_primary(p, out);
    n = node_new(DDB_NODE_NOT, p->pos);
    *out = n;
    p->pos++;
    if (count_op(p) < 0 || enter(p) < 0)
        return -1;
    rc = parse_not(p, &kid);
    if (kid != NULL)
        add_kid(n, kid);
    if (rc < 0)
        return -1;
    p->depth--;
    if (is_bare(kid))
        return syntax(p);
    return 0;
}

/* One left-associative level: sub (word sub)*. */
static int parse_binary(struct parser *p, const char *word,
                        enum ddb_node_kind kind,
                        int (*sub)(struct parser *, struct ddb_node **),
                        struct ddb_node **out)
{
    struct ddb_node *left = NULL;

    if (sub(p, &left) < 0) {
        ddb_expr_node_free(left);
        return -1;
    }
    while (is_word(p, word)) {
        struct ddb_node *n = node_new(kind, p->pos);
        struct ddb_node *right = NULL;
        int rc;
        add_kid(n, left);
        left = n;
        p->pos++;
        rc = count_op(p);
        if (rc == 0)
            rc = sub(p, &right);
        if (right != NULL)
            add_kid(n, right);
        if (rc < 0) {
            ddb_expr_node_free(left);
            return -1;
        }
        if (is_bare(left->kids[0]) || is_bare(right)) {
            ddb_expr_node_free(left);
            return syntax(p);
        }
    }
    *out = left;
    return 0;
}

static int parse_and(struct parser *p, struct ddb_node **out)
{
    return parse_binary(p, "AND", DDB_NODE_AND, parse_not, out);
}

static int parse_or(struct parser *p, struct ddb_node **out)
{
    return parse_binary(p, "OR", DDB_NODE_OR, parse_and, out);
}

static int parse_condition(struct parser *p)
{
    if (parse_or(p, &p->e->root) < 0)
        return -1;
    return expect(p, DDB_TOK_EOF);
}

/* value := operand [('+' | '-') operand] */
static int parse_set_value(struct parser *p, struct ddb_node **out)
{
    struct ddb_node *left = NULL;
    struct ddb_node *right = NULL;
    struct ddb_node *n;

    if (parse_operand(p, &left) < 0) {
        ddb_expr_node_free(left);
        return -1;
    }
    *out = left;
    if (cur(p) != DDB_TOK_PLUS && cur(p) != DDB_TOK_MINUS)
        return 0;
    n = node_new(cur(p) == DDB_TOK_PLUS ? DDB_NODE_PLUS : DDB_NODE_MINUS,
                 p->pos);
    add_kid(n, left);
    *out = n;
    p->pos++;
    if (count_op(p) < 0 || parse_operand(p, &right) < 0) {
        ddb_expr_node_free(right);
        return -1;
    }
    add_kid(n, right);
    return 0;
}

static int parse_action(struct parser *p, enum ddb_action_kind kind)
{
    struct ddb_expr *e = p->e;
    struct ddb_action *a;

    e->actions = xrealloc(e->actions, (e->nactions + 1) * sizeof(*a));
    a = &e->actions[e->nactions++];
    memset(a, 0, sizeof(*a));
    a->kind = kind;
    if (parse_path(p, &a->path) < 0)
        return -1;
    if (kind == DDB_ACTION_REMOVE)
        return 0;
    if (kind == DDB_ACTION_SET) {
        if (expect(p, DDB_TOK_EQ) < 0)
            return -1;
        return parse_set_value(p, &a->value);
    }
    if (cur(p) != DDB_TOK_VALUE_REF)
        return syntax(p);
    a->value = node_new(DDB_NODE_VALUE, p->pos++);
    return 0;
}

static int section_kind(const struct parser *p)
{
    static const char *const words[] = { "SET", "REMOVE", "ADD", "DELETE" };

    for (int i = 0; i < 4; i++)
        if (is_word(p, words[i]))
            return i;
    return -1;
}

static int parse_update(struct parser *p)
{
    struct ddb_expr *e = p->e;

    do {
        int kind = section_kind(p);
        if (kind < 0)
            return syntax(p);
        if (e->section_seen[kind] && e->dup_section_tok == DDB_EXPR_NO_TOKEN)
            e->dup_section_tok = p->pos;
        e->section_seen[kind] = true;
        p->pos++;
        for (;;) {
            if (parse_action(p, (enum ddb_action_kind)kind) < 0)
                return -1;
            if (cur(p) != DDB_TOK_COMMA)
                break;
            p->pos++;
        }
    } while (cur(p) != DDB_TOK_EOF);
    return 0;
}

static int parse_projection(struct parser *p)
{
    struct ddb_expr *e = p->e;

    for (;;) {
        e->paths = xrealloc(e->paths, (e->npaths + 1) * sizeof(*e->paths));
        memset(&e->paths[e->npaths], 0, sizeof(*e->paths));
        e->npaths++;
        if (parse_path(p, &e->paths[e->npaths - 1]) < 0)
            return -1;
        if (cur(p) != DDB_TOK_COMMA)
            return expect(p, DDB_TOK_EOF);
        p->pos++;
    }
}

int ddb_expr_parse(struct ddb_expr *e, char *err, size_t errlen)
{
    struct parser p = { .e = e, .lx = &e->lex, .err = err, .errlen = errlen };

    e->dup_section_tok = DDB_EXPR_NO_TOKEN;
    switch (e->kind) {
    case DDB_EXPR_UPDATE:
        return parse_update(&p);
    case DDB_EXPR_PROJECTION:
        return parse_projection(&p);
    default:
        return parse_condition(&p);
    }
}
