/* Condition operators; see iam_cond.h. Each (operator, key) pair compiles
 * into one test holding pre-parsed values; evaluation walks the tests with
 * no allocation, expanding policy variables into a stack buffer. How a test
 * treats a missing key and multiple values follows the IAM docs:
 *  - several values for one key: OR; several keys or operators: AND;
 *  - missing key: false, except negated operators (StringNotEquals, ...)
 *    which are true, "...IfExists" which is true, ForAllValues (true: the
 *    empty set) and Null;
 *  - a negated operator is the negation of its positive form: true when no
 *    policy value matches. */
#include "iam/iam_cond.h"

#include "base/mem.h"
#include "iam/iam_match.h"
#include "iam/iam_value.h"
#include "iam/iam_var.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MSG_SYNTAX "Syntax errors in policy."
#define MSG_VENDOR                                                             \
    "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, "   \
    "etc."
#define MSG_LEGACY "The policy failed legacy parsing"

enum kind {
    KIND_STRING,
    KIND_STRING_NOCASE,
    KIND_STRING_LIKE,
    KIND_NUMERIC,
    KIND_DATE,
    KIND_BOOL,
    KIND_BINARY,
    KIND_IP,
    KIND_ARN,
    KIND_NULL,
};

enum cmp { CMP_EQ, CMP_LT, CMP_LE, CMP_GT, CMP_GE };

enum set { SET_NONE, SET_ANY, SET_ALL };

struct op {
    const char *name;
    enum kind kind;
    enum cmp cmp;
    bool is_negated;
};

static const struct op ops[] = {
    { "StringEquals", KIND_STRING, CMP_EQ, false },
    { "StringNotEquals", KIND_STRING, CMP_EQ, true },
    { "StringEqualsIgnoreCase", KIND_STRING_NOCASE, CMP_EQ, false },
    { "StringNotEqualsIgnoreCase", KIND_STRING_NOCASE, CMP_EQ, true },
    { "StringLike", KIND_STRING_LIKE, CMP_EQ, false },
    { "StringNotLike", KIND_STRING_LIKE, CMP_EQ, true },
    { "NumericEquals", KIND_NUMERIC, CMP_EQ, false },
    { "NumericNotEquals", KIND_NUMERIC, CMP_EQ, true },
    { "NumericLessThan", KIND_NUMERIC, CMP_LT, false },
    { "NumericLessThanEquals", KIND_NUMERIC, CMP_LE, false },
    { "NumericGreaterThan", KIND_NUMERIC, CMP_GT, false },
    { "NumericGreaterThanEquals", KIND_NUMERIC, CMP_GE, false },
    { "DateEquals", KIND_DATE, CMP_EQ, false },
    { "DateNotEquals", KIND_DATE, CMP_EQ, true },
    { "DateLessThan", KIND_DATE, CMP_LT, false },
    { "DateLessThanEquals", KIND_DATE, CMP_LE, false },
    { "DateGreaterThan", KIND_DATE, CMP_GT, false },
    { "DateGreaterThanEquals", KIND_DATE, CMP_GE, false },
    { "Bool", KIND_BOOL, CMP_EQ, false },
    { "BinaryEquals", KIND_BINARY, CMP_EQ, false },
    { "IpAddress", KIND_IP, CMP_EQ, false },
    { "NotIpAddress", KIND_IP, CMP_EQ, true },
    { "ArnEquals", KIND_ARN, CMP_EQ, false },
    { "ArnLike", KIND_ARN, CMP_EQ, false },
    { "ArnNotEquals", KIND_ARN, CMP_EQ, true },
    { "ArnNotLike", KIND_ARN, CMP_EQ, true },
    { "Null", KIND_NULL, CMP_EQ, false },
};

struct value {
    struct iam_pattern pat; /* the text; compiled for string and ARN kinds */
    struct iam_arn arn; /* pat.text split, for ARN kinds without variables */
    union {
        double num;
        long long ms;
        struct iam_cidr ip;
    } v;
    bool is_valid; /* the typed form parsed (numeric, date, IP kinds) */
};

struct iam_cond {
    char *key; /* owned */
    size_t key_len;
    enum kind kind;
    enum cmp cmp;
    enum set set;
    bool is_negated;
    bool if_exists;
    struct value *values; /* owned */
    size_t n_values;
};

const struct iam_context_entry *
iam_cond_context_find(const struct iam_context *ctx, struct str key)
{
    if (ctx == NULL)
        return NULL;
    for (size_t i = 0; i < ctx->n; i++) {
        const char *k = ctx->entries[i].key;
        if (strncasecmp(k, key.ptr, key.len) == 0 && k[key.len] == '\0')
            return &ctx->entries[i];
    }
    return NULL;
}

/* --- Compiling ----------------------------------------------------------- */

static int fail(struct iam_cond_error *err, const char *message,
                const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(struct iam_cond_error *err, const char *message,
                const char *fmt, ...)
{
    va_list ap;
    err->message = message;
    va_start(ap, fmt);
    vsnprintf(err->detail, sizeof err->detail, fmt, ap);
    va_end(ap);
    return -1;
}

static bool strip(struct str *s, const char *affix, bool at_end)
{
    size_t n = strlen(affix);
    if (s->len < n)
        return false;
    const char *at = at_end ? s->ptr + s->len - n : s->ptr;
    if (memcmp(at, affix, n) != 0)
        return false;
    if (!at_end)
        s->ptr += n;
    s->len -= n;
    return true;
}

/* Parses "ForAnyValue:StringLikeIfExists" into c; -1 if not an operator.
 * AWS allows IfExists on every operator but Null. */
static int parse_operator(const char *name, struct iam_cond *c)
{
    struct str s = str_from(name);
    c->set = strip(&s, "ForAnyValue:", false)    ? SET_ANY
             : strip(&s, "ForAllValues:", false) ? SET_ALL
                                                 : SET_NONE;
    c->if_exists = strip(&s, "IfExists", true);
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (!str_eq_cstr(s, ops[i].name))
            continue;
        if (ops[i].kind == KIND_NULL && c->if_exists)
            return -1;
        c->kind = ops[i].kind;
        c->cmp = ops[i].cmp;
        c->is_negated = ops[i].is_negated;
        return 0;
    }
    return -1;
}

/* The text of a scalar condition value; NULL for arrays, objects, null. */
static const char *scalar_text(const cJSON *v, char *tmp, size_t tmplen)
{
    if (cJSON_IsString(v))
        return v->valuestring;
    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v) ? "true" : "false";
    if (cJSON_IsNumber(v)) {
        snprintf(tmp, tmplen, "%.17g", v->valuedouble);
        return tmp;
    }
    return NULL;
}

static int compile_value(struct iam_cond *c, struct value *val,
                         const char *text, bool with_vars,
                         struct iam_cond_error *err)
{
    bool is_pattern = c->kind == KIND_STRING_LIKE || c->kind == KIND_ARN;
    bool takes_vars = with_vars && (c->kind == KIND_STRING || is_pattern ||
                                    c->kind == KIND_STRING_NOCASE);
    struct str s = str_from(text);
    iam_var_compile(&val->pat, text, s.len,
                    is_pattern ? IAM_VAR_GLOB : IAM_VAR_PLAIN,
                    takes_vars ? 0 : IAM_VAR_NONE);
    if (c->kind == KIND_ARN && !iam_var_has_vars(&val->pat))
        iam_match_arn_split((struct str){ val->pat.text, val->pat.len }, true,
                            &val->arn);
    if (c->kind == KIND_NUMERIC)
        val->is_valid = iam_value_number(s, &val->v.num) == 0;
    if (c->kind == KIND_IP)
        val->is_valid = iam_value_cidr(s, &val->v.ip) == 0;
    if (c->kind == KIND_DATE) {
        int64_t ms = 0;
        val->is_valid = iam_value_date(s, &ms) == 0;
        val->v.ms = ms;
        /* IAM rejects a date it cannot read at upload time. */
        if (!val->is_valid)
            return fail(err, MSG_LEGACY, "%s is not a valid date", text);
    }
    return 0;
}

static int compile_values(struct iam_cond *c, const cJSON *values,
                          bool with_vars, struct iam_cond_error *err)
{
    size_t n = cJSON_IsArray(values) ? (size_t)cJSON_GetArraySize(values) : 1;
    const cJSON *v = cJSON_IsArray(values) ? values->child : values;
    c->values = xcalloc(n ? n : 1, sizeof *c->values);
    for (; v != NULL && c->n_values < n; v = v->next) {
        char tmp[32];
        const char *text = scalar_text(v, tmp, sizeof tmp);
        if (text == NULL)
            return fail(err, MSG_SYNTAX,
                        "values of condition key %s must be strings", c->key);
        if (compile_value(c, &c->values[c->n_values++], text, with_vars, err) <
            0)
            return -1;
    }
    return 0;
}

static void add(struct iam_cond_list *list, size_t *cap,
                const struct iam_cond *c)
{
    if (list->n == *cap) {
        *cap = *cap ? *cap * 2 : 4;
        list->items = xrealloc(list->items, *cap * sizeof *list->items);
    }
    list->items[list->n++] = *c;
}

static int compile_block(const cJSON *block, bool with_vars,
                         struct iam_cond_list *list, size_t *cap,
                         struct iam_cond_error *err)
{
    struct iam_cond proto = { 0 };
    if (parse_operator(block->string, &proto) < 0)
        return fail(err, MSG_SYNTAX, "Invalid Condition type : %s",
                    block->string);
    if (!cJSON_IsObject(block))
        return fail(err, MSG_SYNTAX, "%s must map condition keys to values",
                    block->string);
    for (const cJSON *k = block->child; k != NULL; k = k->next) {
        if (strchr(k->string, ':') == NULL)
            return fail(err, MSG_VENDOR,
                        "condition key %s has no vendor prefix", k->string);
        struct iam_cond c = proto;
        c.key = xstrdup(k->string);
        c.key_len = strlen(c.key);
        add(list, cap,
            &c); /* added first so that clearing frees it on failure */
        if (compile_values(&list->items[list->n - 1], k, with_vars, err) < 0)
            return -1;
    }
    return 0;
}

int iam_cond_compile(const cJSON *condition, bool with_vars,
                     struct iam_cond_list *list, struct iam_cond_error *err)
{
    size_t cap = 0;
    *list = (struct iam_cond_list){ 0 };
    if (!cJSON_IsObject(condition))
        return fail(err, MSG_SYNTAX, "%s", "Condition must be an object");
    for (const cJSON *b = condition->child; b != NULL; b = b->next) {
        if (compile_block(b, with_vars, list, &cap, err) < 0) {
            iam_cond_list_clear(list);
            return -1;
        }
    }
    return 0;
}

void iam_cond_list_clear(struct iam_cond_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        struct iam_cond *c = &list->items[i];
        for (size_t k = 0; k < c->n_values; k++)
            iam_var_clear(&c->values[k].pat);
        free(c->values);
        free(c->key);
    }
    free(list->items);
    *list = (struct iam_cond_list){ 0 };
}

/* --- Evaluating ---------------------------------------------------------- */

static bool compare(enum cmp cmp, double a, double b)
{
    switch (cmp) {
    case CMP_EQ:
        return a == b;
    case CMP_LT:
        return a < b;
    case CMP_LE:
        return a <= b;
    case CMP_GT:
        return a > b;
    case CMP_GE:
        return a >= b;
    }
    return false;
}

/* Dates compare as integers: a double loses milliseconds past 2^53. */
static bool compare_ms(enum cmp cmp, long long a, long long b)
{
    switch (cmp) {
    case CMP_EQ:
        return a == b;
    case CMP_LT:
        return a < b;
    case CMP_LE:
        return a <= b;
    case CMP_GT:
        return a > b;
    case CMP_GE:
        return a >= b;
    }
    return false;
}

static bool match_arn(const struct value *val, struct str pat, struct str s)
{
    struct iam_arn p, subject;
    if (iam_var_has_vars(&val->pat))
        iam_match_arn_split(pat, true, &p);
    else
        p = val->arn;
    iam_match_arn_split(s, false, &subject);
    return iam_match_arn(&p, &subject);
}

/* Matches one policy value against one request value, text kinds. An
 * unresolvable variable matches nothing (so negated operators hold). */
static bool match_text(const struct iam_cond *c, const struct value *val,
                       const char *req, const struct iam_context *ctx)
{
    char buf[IAM_VAR_MAX_EXPANDED];
    struct str pat;
    struct str s = str_from(req);
    if (iam_var_expand(&val->pat, ctx, buf, sizeof buf, &pat) < 0)
        return false;
    switch (c->kind) {
    case KIND_STRING:
        return str_eq(pat, s);
    case KIND_STRING_NOCASE:
        return str_eq_nocase(pat, s);
    case KIND_STRING_LIKE:
        return iam_match_glob(pat, s);
    case KIND_ARN:
        return match_arn(val, pat, s);
    default:
        return false;
    }
}

/* The positive operator: does req match any of the test's values? */
static bool match_any(const struct iam_cond *c, const char *req,
                      const struct iam_context *ctx)
{
    struct str s = str_from(req);
    double num = 0;
    int64_t ms = 0;
    struct iam_cidr ip;
    if ((c->kind == KIND_NUMERIC && iam_value_number(s, &num) < 0) ||
        (c->kind == KIND_DATE && iam_value_date(s, &ms) < 0) ||
        (c->kind == KIND_IP && iam_value_cidr(s, &ip) < 0))
        return false;
    for (size_t i = 0; i < c->n_values; i++) {
        const struct value *val = &c->values[i];
        bool hit;
        switch (c->kind) {
        case KIND_NUMERIC:
            hit = val->is_valid && compare(c->cmp, num, val->v.num);
            break;
        case KIND_DATE:
            hit = val->is_valid && compare_ms(c->cmp, ms, val->v.ms);
            break;
        case KIND_IP:
            hit = val->is_valid && iam_value_in_cidr(&val->v.ip, &ip);
            break;
        case KIND_BOOL:
            hit = strcasecmp(val->pat.text, req) == 0;
            break;
        case KIND_BINARY:
            hit = strcmp(val->pat.text, req) == 0;
            break;
        default:
            hit = match_text(c, val, req, ctx);
        }
        if (hit)
            return true;
    }
    return false;
}

/* Null: "true" holds when the key is absent, "false" when present. */
static bool eval_null(const struct iam_cond *c, bool is_present)
{
    for (size_t i = 0; i < c->n_values; i++) {
        const char *v = c->values[i].pat.text;
        if ((strcasecmp(v, "true") == 0 && !is_present) ||
            (strcasecmp(v, "false") == 0 && is_present))
            return true;
    }
    return false;
}

static bool eval_absent(const struct iam_cond *c)
{
    if (c->if_exists || c->set == SET_ALL)
        return true;
    if (c->set == SET_ANY)
        return false;
    return c->is_negated;
}

static bool eval_one(const struct iam_cond *c, const struct iam_context *ctx)
{
    const struct iam_context_entry *e =
        iam_cond_context_find(ctx, (struct str){ c->key, c->key_len });
    size_t n = e ? e->n_values : 0;
    if (c->kind == KIND_NULL)
        return eval_null(c, n > 0);
    if (n == 0)
        return eval_absent(c);
    if (c->set == SET_NONE) {
        bool any = false;
        for (size_t i = 0; i < n && !any; i++)
            any = match_any(c, e->values[i], ctx);
        return any != c->is_negated;
    }
    for (size_t i = 0; i < n; i++) {
        bool one = match_any(c, e->values[i], ctx) != c->is_negated;
        if (c->set == SET_ANY && one)
            return true;
        if (c->set == SET_ALL && !one)
            return false;
    }
    return c->set == SET_ALL;
}

bool iam_cond_eval(const struct iam_cond_list *list,
                   const struct iam_context *ctx)
{
    for (size_t i = 0; i < list->n; i++)
        if (!eval_one(&list->items[i], ctx))
            return false;
    return true;
}
