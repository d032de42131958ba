/* Expression tokens: the first stage of ddb_expr. Splits the text into
 * names, placeholders, integers and punctuation, and knows DynamoDB's
 * reserved words and how AWS words a syntax error. Keywords (AND, SET, ...)
 * stay names here; the parser decides where a word is a keyword. */
#include "dynamodb/ddb_expr_internal.h"

#include "base/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The reserved words of the DynamoDB developer guide ("Reserved words in
 * DynamoDB"), upper case and sorted for bsearch. A bare attribute name that
 * matches one, in any case, is rejected; #placeholders get around it. */
static const char *const reserved_words[] = {
    "ABORT", "ABSOLUTE", "ACTION", "ADD", "AFTER", "AGENT", "AGGREGATE", "ALL",
    "ALLOCATE", "ALTER", "ANALYZE", "AND", "ANY", "ARCHIVE", "ARE", "ARRAY",
    "AS", "ASC", "ASCII", "ASENSITIVE", "ASSERTION", "ASYMMETRIC", "AT",
    "ATOMIC", "ATTACH", "ATTRIBUTE", "AUTH", "AUTHORIZATION", "AUTHORIZE",
    "AUTO", "AVG", "BACK", "BACKUP", "BASE", "BATCH", "BEFORE", "BEGIN",
    "BETWEEN", "BIGINT", "BINARY", "BIT", "BLOB", "BLOCK", "BOOLEAN", "BOTH",
    "BREADTH", "BUCKET", "BULK", "BY", "BYTE", "CALL", "CALLED", "CALLING",
    "CAPACITY", "CASCADE", "CASCADED", "CASE", "CAST", "CATALOG", "CHAR",
    "CHARACTER", "CHECK", "CLASS", "CLOB", "CLOSE", "CLUSTER", "CLUSTERED",
    "CLUSTERING", "CLUSTERS", "COALESCE", "COLLATE", "COLLATION", "COLLECTION",
    "COLUMN", "COLUMNS", "COMBINE", "COMMENT", "COMMIT", "COMPACT", "COMPILE",
    "COMPRESS", "CONDITION", "CONFLICT", "CONNECT", "CONNECTION",
    "CONSISTENCY", "CONSISTENT", "CONSTRAINT", "CONSTRAINTS", "CONSTRUCTOR",
    "CONSUMED", "CONTINUE", "CONVERT", "COPY", "CORRESPONDING", "COUNT",
    "COUNTER", "CREATE", "CROSS", "CUBE", "CURRENT", "CURSOR", "CYCLE", "DATA",
    "DATABASE", "DATE", "DATETIME", "DAY", "DEALLOCATE", "DEC", "DECIMAL",
    "DECLARE", "DEFAULT", "DEFERRABLE", "DEFERRED", "DEFINE", "DEFINED",
    "DEFINITION", "DELETE", "DELIMITED", "DEPTH", "DEREF", "DESC", "DESCRIBE",
    "DESCRIPTOR", "DETACH", "DETERMINISTIC", "DIAGNOSTICS", "DIRECTORIES",
    "DISABLE", "DISCONNECT", "DISTINCT", "DISTRIBUTE", "DO", "DOMAIN",
    "DOUBLE", "DROP", "DUMP", "DURATION", "DYNAMIC", "EACH", "ELEMENT", "ELSE",
    "ELSEIF", "EMPTY", "ENABLE", "END", "EQUAL", "EQUALS", "ERROR", "ESCAPE",
    "ESCAPED", "EVAL", "EVALUATE", "EXCEEDED", "EXCEPT", "EXCEPTION",
    "EXCEPTIONS", "EXCLUSIVE", "EXEC", "EXECUTE", "EXISTS", "EXIT", "EXPLAIN",
    "EXPLODE", "EXPORT", "EXPRESSION", "EXTENDED", "EXTERNAL", "EXTRACT",
    "FAIL", "FALSE", "FAMILY", "FETCH", "FIELDS", "FILE", "FILTER",
    "FILTERING", "FINAL", "FINISH", "FIRST", "FIXED", "FLATTERN", "FLOAT",
    "FOR", "FORCE", "FOREIGN", "FORMAT", "FORWARD", "FOUND", "FREE", "FROM",
    "FULL", "FUNCTION", "FUNCTIONS", "GENERAL", "GENERATE", "GET", "GLOB",
    "GLOBAL", "GO", "GOTO", "GRANT", "GREATER", "GROUP", "GROUPING", "HANDLER",
    "HASH", "HAVE", "HAVING", "HEAP", "HIDDEN", "HOLD", "HOUR", "IDENTIFIED",
    "IDENTITY", "IF", "IGNORE", "IMMEDIATE", "IMPORT", "IN", "INCLUDING",
    "INCLUSIVE", "INCREMENT", "INCREMENTAL", "INDEX", "INDEXED", "INDEXES",
    "INDICATOR", "INFINITE", "INITIALLY", "INLINE", "INNER", "INNTER", "INOUT",
    "INPUT", "INSENSITIVE", "INSERT", "INSTEAD", "INT", "INTEGER", "INTERSECT",
    "INTERVAL", "INTO", "INVALIDATE", "IS", "ISOLATION", "ITEM", "ITEMS",
    "ITERATE", "JOIN", "KEY", "KEYS", "LAG", "LANGUAGE", "LARGE", "LAST",
    "LATERAL", "LEAD", "LEADING", "LEAVE", "LEFT", "LENGTH", "LESS", "LEVEL",
    "LIKE", "LIMIT", "LIMITED", "LINES", "LIST", "LOAD", "LOCAL", "LOCALTIME",
    "LOCALTIMESTAMP", "LOCATION", "LOCATOR", "LOCK", "LOCKS", "LOG", "LOGED",
    "LONG", "LOOP", "LOWER", "MAP", "MATCH", "MATERIALIZED", "MAX", "MAXLEN",
    "MEMBER", "MERGE", "METHOD", "METRICS", "MIN", "MINUS", "MINUTE",
    "MISSING", "MOD", "MODE", "MODIFIES", "MODIFY", "MODULE", "MONTH", "MULTI",
    "MULTISET", "NAME", "NAMES", "NATIONAL", "NATURAL", "NCHAR", "NCLOB",
    "NEW", "NEXT", "NO", "NONE", "NOT", "NULL", "NULLIF", "NUMBER", "NUMERIC",
    "OBJECT", "OF", "OFFLINE", "OFFSET", "OLD", "ON", "ONLINE", "ONLY",
    "OPAQUE", "OPEN", "OPERATOR", "OPTION", "OR", "ORDER", "ORDINALITY",
    "OTHER", "OTHERS", "OUT", "OUTER", "OUTPUT", "OVER", "OVERLAPS",
    "OVERRIDE", "OWNER", "PAD", "PARALLEL", "PARAMETER", "PARAMETERS",
    "PARTIAL", "PARTITION", "PARTITIONED", "PARTITIONS", "PATH", "PERCENT",
    "PERCENTILE", "PERMISSION", "PERMISSIONS", "PIPE", "PIPELINED", "PLAN",
    "POOL", "POSITION", "PRECISION", "PREPARE", "PRESERVE", "PRIMARY", "PRIOR",
    "PRIVATE", "PRIVILEGES", "PROCEDURE", "PROCESSED", "PROJECT", "PROJECTION",
    "PROPERTY", "PROVISIONING", "PUBLIC", "PUT", "QUERY", "QUIT", "QUORUM",
    "RAISE", "RANDOM", "RANGE", "RANK", "RAW", "READ", "READS", "REAL",
    "REBUILD", "RECORD", "RECURSIVE", "REDUCE", "REF", "REFERENCE",
    "REFERENCES", "REFERENCING", "REGEXP", "REGION", "REINDEX", "RELATIVE",
    "RELEASE", "REMAINDER", "RENAME", "REPEAT", "REPLACE", "REQUEST", "RESET",
    "RESIGNAL", "RESOURCE", "RESPONSE", "RESTORE", "RESTRICT", "RESULT",
    "RETURN", "RETURNING", "RETURNS", "REVERSE", "REVOKE", "RIGHT", "ROLE",
    "ROLES", "ROLLBACK", "ROLLUP", "ROUTINE", "ROW", "ROWS", "RULE", "RULES",
    "SAMPLE", "SATISFIES", "SAVE", "SAVEPOINT", "SCAN", "SCHEMA", "SCOPE",
    "SCROLL", "SEARCH", "SECOND", "SECTION", "SEGMENT", "SEGMENTS", "SELECT",
    "SELF", "SEMI", "SENSITIVE", "SEPARATE", "SEQUENCE", "SERIALIZABLE",
    "SESSION", "SET", "SETS", "SHARD", "SHARE", "SHARED", "SHORT", "SHOW",
    "SIGNAL", "SIMILAR", "SIZE", "SKEWED", "SMALLINT", "SNAPSHOT", "SOME",
    "SOURCE", "SPACE", "SPACES", "SPARSE", "SPECIFIC", "SPECIFICTYPE", "SPLIT",
    "SQL", "SQLCODE", "SQLERROR", "SQLEXCEPTION", "SQLSTATE", "SQLWARNING",
    "START", "STATE", "STATIC", "STATUS", "STORAGE", "STORE", "STORED",
    "STREAM", "STRING", "STRUCT", "STYLE", "SUB", "SUBMULTISET",
    "SUBPARTITION", "SUBSTRING", "SUBTYPE", "SUM", "SUPER", "SYMMETRIC",
    "SYNONYM", "SYSTEM", "TABLE", "TABLESAMPLE", "TEMP", "TEMPORARY",
    "TERMINATED", "TEXT", "THAN", "THEN", "THROUGHPUT", "TIME", "TIMESTAMP",
    "TIMEZONE", "TINYINT", "TO", "TOKEN", "TOTAL", "TOUCH", "TRAILING",
    "TRANSACTION", "TRANSFORM", "TRANSLATE", "TRANSLATION", "TREAT", "TRIGGER",
    "TRIM", "TRUE", "TRUNCATE", "TTL", "TUPLE", "TYPE", "UNDER", "UNDO",
    "UNION", "UNIQUE", "UNIT", "UNKNOWN", "UNLOGGED", "UNNEST", "UNPROCESSED",
    "UNSIGNED", "UNTIL", "UPDATE", "UPPER", "URL", "USAGE", "USE", "USER",
    "USERS", "USING", "UUID", "VACUUM", "VALUE", "VALUED", "VALUES", "VARCHAR",
    "VARIABLE", "VARIANCE", "VARINT", "VARYING", "VIEW", "VIEWS", "VIRTUAL",
    "VOID", "WAIT", "WHEN", "WHENEVER", "WHERE", "WHILE", "WINDOW", "WITH",
    "WITHIN", "WITHOUT", "WORK", "WRAPPED", "WRITE", "YEAR", "ZONE",
};

#define RESERVED_COUNT (sizeof(reserved_words) / sizeof(reserved_words[0]))

/* Longest reserved word is "LOCALTIMESTAMP"; longer names cannot match. */
#define RESERVED_MAX_LEN 16

static int reserved_cmp(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

bool ddb_expr_lex_is_reserved(const char *name, size_t len)
{
    char upper[RESERVED_MAX_LEN + 1];

    if (len == 0 || len > RESERVED_MAX_LEN)
        return false;
    for (size_t i = 0; i < len; i++) {
        char ch = name[i];
        upper[i] = (ch >= 'a' && ch <= 'z') ? (char)(ch - 'a' + 'A') : ch;
    }
    upper[len] = '\0';
    return bsearch(upper, reserved_words, RESERVED_COUNT,
                   sizeof(reserved_words[0]), reserved_cmp) != NULL;
}

static bool is_ident_start(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}

static bool is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

static bool is_ident_part(char ch)
{
    return is_ident_start(ch) || is_digit(ch);
}

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Punctuation of one or two characters; 0 when s does not start with any. */
static size_t scan_punct(const char *s, enum ddb_tok_kind *kind)
{
    static const struct {
        const char *text;
        enum ddb_tok_kind kind;
    } punct[] = {
        { "<>", DDB_TOK_NE },      { "<=", DDB_TOK_LE },
        { ">=", DDB_TOK_GE },      { "<", DDB_TOK_LT },
        { ">", DDB_TOK_GT },       { "=", DDB_TOK_EQ },
        { "(", DDB_TOK_LPAREN },   { ")", DDB_TOK_RPAREN },
        { "[", DDB_TOK_LBRACKET }, { "]", DDB_TOK_RBRACKET },
        { ",", DDB_TOK_COMMA },    { ".", DDB_TOK_DOT },
        { "+", DDB_TOK_PLUS },     { "-", DDB_TOK_MINUS },
    };

    for (size_t i = 0; i < sizeof(punct) / sizeof(punct[0]); i++) {
        size_t n = strlen(punct[i].text);
        if (strncmp(s, punct[i].text, n) == 0) {
            *kind = punct[i].kind;
            return n;
        }
    }
    return 0;
}

/* The token starting at s (not a space, not the end). */
static struct ddb_tok scan_one(const char *s, size_t pos)
{
    struct ddb_tok t = { DDB_TOK_BAD, pos, 1 };
    const char *p = s;
    size_t n = scan_punct(s, &t.kind);

    if (n != 0) {
        t.len = n;
        return t;
    }
    if (is_ident_start(*p)) {
        while (is_ident_part(*p))
            p++;
        t.kind = DDB_TOK_NAME;
    } else if (is_digit(*p)) {
        while (is_digit(*p))
            p++;
        t.kind = DDB_TOK_INT;
    } else if ((*p == '#' || *p == ':') && is_ident_part(p[1])) {
        t.kind = *p == '#' ? DDB_TOK_NAME_REF : DDB_TOK_VALUE_REF;
        p++;
        while (is_ident_part(*p))
            p++;
    } else {
        /* A whole UTF-8 sequence, so that the message stays valid UTF-8. */
        p++;
        while ((*p & 0xC0) == 0x80)
            p++;
        t.kind = DDB_TOK_BAD;
    }
    t.len = (size_t)(p - s);
    return t;
}

void ddb_expr_lex(struct ddb_lex *lx, const char *text)
{
    size_t cap = 16;
    size_t pos = 0;

    lx->text = text;
    lx->ntoks = 0;
    lx->toks = xmalloc(cap * sizeof(*lx->toks));
    for (;;) {
        while (is_space(text[pos]))
            pos++;
        if (lx->ntoks == cap) {
            cap *= 2;
            lx->toks = xrealloc(lx->toks, cap * sizeof(*lx->toks));
        }
        if (text[pos] == '\0') {
            lx->toks[lx->ntoks++] = (struct ddb_tok){ DDB_TOK_EOF, pos, 0 };
            return;
        }
        lx->toks[lx->ntoks] = scan_one(text + pos, pos);
        pos += lx->toks[lx->ntoks].len;
        lx->ntoks++;
    }
}

void ddb_expr_lex_clear(struct ddb_lex *lx)
{
    free(lx->toks);
    lx->toks = NULL;
    lx->ntoks = 0;
}

bool ddb_expr_lex_is_word(const struct ddb_lex *lx, size_t i, const char *word)
{
    const struct ddb_tok *t = &lx->toks[i];

    return t->kind == DDB_TOK_NAME && t->len == strlen(word) &&
           strncasecmp(lx->text + t->pos, word, t->len) == 0;
}

const char *ddb_expr_kind_name(enum ddb_expr_kind kind)
{
    switch (kind) {
    case DDB_EXPR_CONDITION:
        return "ConditionExpression";
    case DDB_EXPR_FILTER:
        return "FilterExpression";
    case DDB_EXPR_KEY_CONDITION:
        return "KeyConditionExpression";
    case DDB_EXPR_UPDATE:
        return "UpdateExpression";
    case DDB_EXPR_PROJECTION:
        return "ProjectionExpression";
    }
    return "Expression";
}

int ddb_expr_fail(enum ddb_expr_kind kind, char *err, size_t errlen,
                  const char *fmt, ...)
{
    va_list ap;
    int n;

    n = snprintf(err, errlen, "Invalid %s: ", ddb_expr_kind_name(kind));
    if (n < 0 || (size_t)n >= errlen)
        return -1;
    va_start(ap, fmt);
    vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

/* AWS quotes the offending token and the text around it: from the token
 * before it to the token after it ("myNum Mystr2 myNum2"), or just the
 * token before it when the expression ended too early ("<EOF>", "foo"). */
int ddb_expr_fail_syntax(enum ddb_expr_kind kind, const struct ddb_lex *lx,
                         size_t i, char *err, size_t errlen)
{
    const struct ddb_tok *bad = &lx->toks[i];
    size_t start = i > 0 ? lx->toks[i - 1].pos : bad->pos;
    size_t end = bad->pos + bad->len;

    if (bad->kind == DDB_TOK_EOF)
        end = i > 0 ? lx->toks[i - 1].pos + lx->toks[i - 1].len : bad->pos;
    else if (i + 1 < lx->ntoks && lx->toks[i + 1].kind != DDB_TOK_EOF)
        end = lx->toks[i + 1].pos + lx->toks[i + 1].len;
    if (bad->kind == DDB_TOK_EOF)
        return ddb_expr_fail(kind, err, errlen,
                             "Syntax error; token: \"<EOF>\", near: \"%.*s\"",
                             (int)(end - start), lx->text + start);
    return ddb_expr_fail(kind, err, errlen,
                         "Syntax error; token: \"%.*s\", near: \"%.*s\"",
                         (int)bad->len, lx->text + bad->pos,
                         (int)(end - start), lx->text + start);
}
