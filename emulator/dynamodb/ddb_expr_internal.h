/* Private to the ddb_expr_* family: tokens, the AST and the compiled
 * expression, shared by the lexer, parser, checker and evaluator. Nothing
 * outside emulator/dynamodb/ddb_expr_*.c includes this. Ownership: a
 * struct ddb_expr owns its tokens, nodes, paths and resolved names; the
 * AttributeValues that VALUE nodes point at are borrowed from the request's
 * ExpressionAttributeValues (struct ddb_expr_env). */
#ifndef DYNALAKE_DDB_EXPR_INTERNAL_H
#define DYNALAKE_DDB_EXPR_INTERNAL_H

#include "dynamodb/ddb_expr.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Limits from the DynamoDB developer guide ("Service quotas", expression
 * parameters): 4 KB per expression string, 300 operators or functions, 100
 * operands for IN, and document paths 32 levels deep. */
#define DDB_EXPR_MAX_BYTES 4096
#define DDB_EXPR_MAX_OPERATORS 300
#define DDB_EXPR_MAX_IN_OPERANDS 100
#define DDB_EXPR_MAX_PATH_DEPTH 32
/* Parenthesis and NOT nesting. Every level of a valid expression adds an
 * operator or is a redundant pair of parentheses, both already errors past
 * this depth, so the bound only keeps the recursive parser off the end of
 * the stack. */
#define DDB_EXPR_MAX_NESTING (DDB_EXPR_MAX_OPERATORS + 2)
/* List indexes are read into an unsigned; larger ones cannot exist, since an
 * item holds at most 400 KB. */
#define DDB_EXPR_MAX_LIST_INDEX 1000000000u

#define DDB_EXPR_NO_TOKEN ((size_t)-1)

/* ---- tokens (ddb_expr_lex.c) ---- */

enum ddb_tok_kind {
    DDB_TOK_EOF,
    DDB_TOK_NAME,      /* identifier: attribute, keyword or function name */
    DDB_TOK_NAME_REF,  /* #placeholder */
    DDB_TOK_VALUE_REF, /* :placeholder */
    DDB_TOK_INT,       /* digits, for list indexes */
    DDB_TOK_LPAREN,
    DDB_TOK_RPAREN,
    DDB_TOK_LBRACKET,
    DDB_TOK_RBRACKET,
    DDB_TOK_COMMA,
    DDB_TOK_DOT,
    DDB_TOK_EQ,
    DDB_TOK_NE,
    DDB_TOK_LT,
    DDB_TOK_LE,
    DDB_TOK_GT,
    DDB_TOK_GE,
    DDB_TOK_PLUS,
    DDB_TOK_MINUS,
    DDB_TOK_BAD /* one character (UTF-8 sequence) no token starts with */
};

struct ddb_tok {
    enum ddb_tok_kind kind;
    size_t pos; /* byte offset into the expression text */
    size_t len; /* bytes; 0 for EOF */
};

struct ddb_lex {
    const char *text;      /* borrowed expression text */
    struct ddb_tok *toks;  /* owned; the last one is always EOF */
    size_t ntoks;
};

/* Splits text into tokens, ending with EOF. Never fails: characters no
 * token starts with become BAD tokens and the parser reports them. */
void ddb_expr_lex(struct ddb_lex *lx, const char *text);
void ddb_expr_lex_clear(struct ddb_lex *lx);
/* Does token i spell word, ignoring ASCII case (keywords AND, SET, ...)? */
bool ddb_expr_lex_is_word(const struct ddb_lex *lx, size_t i, const char *word);
/* Is name (length len) one of DynamoDB's reserved words, in any case? */
bool ddb_expr_lex_is_reserved(const char *name, size_t len);

/* "ConditionExpression", "UpdateExpression", ... */
const char *ddb_expr_kind_name(enum ddb_expr_kind kind);
/* Writes "Invalid <kind>: <message>" to err; returns -1. */
int ddb_expr_fail(enum ddb_expr_kind kind, char *err, size_t errlen,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The syntax error AWS reports for an unexpected token i: the token and the
 * text from the token before it to the token after it. Returns -1. */
int ddb_expr_fail_syntax(enum ddb_expr_kind kind, const struct ddb_lex *lx,
                         size_t i, char *err, size_t errlen);

/* ---- AST (ddb_expr_parse.c) ---- */

struct ddb_path_elem {
    bool is_index;
    unsigned index; /* when is_index */
    size_t tok;     /* the name or #placeholder token; the INT for indexes */
    char *name;     /* owned; the resolved attribute name, NULL for indexes
                       and until ddb_expr_check resolves placeholders */
};

struct ddb_path {
    struct ddb_path_elem *elems; /* owned */
    size_t n;
};

enum ddb_node_kind {
    DDB_NODE_PATH,
    DDB_NODE_VALUE, /* :placeholder */
    DDB_NODE_FUNC,  /* name(args...) */
    DDB_NODE_CMP,   /* kids[0] op kids[1] */
    DDB_NODE_BETWEEN,
    DDB_NODE_IN,    /* kids[0] IN (kids[1..]) */
    DDB_NODE_AND,
    DDB_NODE_OR,
    DDB_NODE_NOT,
    DDB_NODE_PLUS,  /* update SET operands */
    DDB_NODE_MINUS
};

enum ddb_cmp { DDB_CMP_EQ, DDB_CMP_NE, DDB_CMP_LT, DDB_CMP_LE, DDB_CMP_GT,
               DDB_CMP_GE };

enum ddb_func {
    DDB_FUNC_UNKNOWN,
    DDB_FUNC_ATTRIBUTE_EXISTS,
    DDB_FUNC_ATTRIBUTE_NOT_EXISTS,
    DDB_FUNC_ATTRIBUTE_TYPE,
    DDB_FUNC_BEGINS_WITH,
    DDB_FUNC_CONTAINS,
    DDB_FUNC_SIZE,
    DDB_FUNC_IF_NOT_EXISTS,
    DDB_FUNC_LIST_APPEND
};

struct ddb_node {
    enum ddb_node_kind kind;
    int op;              /* enum ddb_cmp for CMP, enum ddb_func for FUNC */
    size_t tok;          /* the operator, function name or placeholder token */
    size_t lparen;       /* enclosing '(' token, or DDB_EXPR_NO_TOKEN */
    size_t rparen;       /* its ')' */
    struct ddb_path path;     /* PATH */
    const cJSON *value;       /* VALUE: borrowed from env, set by check */
    struct ddb_node **kids;   /* owned */
    size_t nkids;
};

enum ddb_action_kind {
    DDB_ACTION_SET,
    DDB_ACTION_REMOVE,
    DDB_ACTION_ADD,
    DDB_ACTION_DELETE
};

struct ddb_action {
    enum ddb_action_kind kind;
    struct ddb_path path;
    struct ddb_node *value; /* owned; NULL for REMOVE */
};

/* A key condition part found by the checker: one comparison on one key. */
struct ddb_key_part {
    const char *name; /* borrowed from the path */
    enum ddb_key_op op;
    const cJSON *lo;
    const cJSON *hi;
};

struct ddb_expr {
    enum ddb_expr_kind kind;
    char *text;             /* owned copy, for messages */
    struct ddb_lex lex;
    struct ddb_node *root;  /* condition, filter and key condition */
    struct ddb_action *actions; /* update; owned */
    size_t nactions;
    bool section_seen[4];   /* update: indexed by enum ddb_action_kind */
    size_t dup_section_tok; /* update: a repeated section, or NO_TOKEN */
    struct ddb_path *paths; /* projection; owned */
    size_t npaths;
    bool redundant_parens;  /* found by the parser, reported by the checker */
    const char **targets;   /* update: distinct top-level names; borrowed */
    size_t ntargets;
    struct ddb_key_part keys[3]; /* key condition; a third means a
                                    non-key attribute */
    size_t nkeys;
};

/* Parses e->lex as e->kind into e's AST. -1 with AWS's message in err. */
int ddb_expr_parse(struct ddb_expr *e, char *err, size_t errlen);
void ddb_expr_node_free(struct ddb_node *n);
void ddb_expr_path_clear(struct ddb_path *p);

/* ---- placeholders (ddb_expr_env.c) ---- */

/* The index of the member of map named key (length len), or -1. */
int ddb_expr_env_find(const cJSON *map, const char *key, size_t len);

/* ---- checks (ddb_expr_check.c, ddb_expr_key.c) ---- */

/* Resolves placeholders through env and applies AWS's semantic rules in
 * the order AWS reports them. -1 with the message in err. */
int ddb_expr_check(struct ddb_expr *e, struct ddb_expr_env *env, char *err,
                   size_t errlen);
/* A key condition's shape (ANDed comparisons on top-level names), with the
 * parts recorded in e->keys. -1 with AWS's message in err. */
int ddb_expr_key_check(struct ddb_expr *e, char *err, size_t errlen);
/* Writes a path as AWS prints it in messages: "[a, b, [0]]". */
void ddb_expr_path_format(const struct ddb_path *p, char *out, size_t outlen);

/* ---- evaluation (ddb_expr_eval.c, ddb_expr_update.c) ---- */

/* The value at path in item (an item map), or NULL when absent. */
const cJSON *ddb_expr_path_get(const cJSON *item, const struct ddb_path *p);

#endif
