/* Policy documents: JSON text to compiled statements; see policy.h. The
 * first problem found wins, statement by statement. Messages start with
 * IAM's MalformedPolicyDocument text (as IAM returns it for CreatePolicy,
 * PutRolePolicy and CreateRole) and end with where the problem is. Principal
 * elements are compiled by policy_principal.c. */
#include "iam/policy.h"

#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"
#include "iam/policy_internal.h"
#include "iam/policy_principal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MSG_SYNTAX "Syntax errors in policy."
#define MSG_LEGACY "The policy failed legacy parsing"
#define MSG_VENDOR                                                             \
    "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, "   \
    "etc."
#define MSG_COLON "Actions/Condition can contain only one colon."
#define MSG_NO_ACTIONS "Policy statement must contain actions."
#define MSG_NO_RESOURCES "Policy statement must contain resources."
#define MSG_SID_UNIQUE "Statement IDs (SID) in a single policy must be unique."
#define MSG_SID_ALNUM                                                          \
    "Statement IDs (SID) must be alpha-numeric. Check that "                   \
    "your input satisfies the regular expression [0-9A-Za-z]*"
#define MSG_PRINCIPAL "Policy document should not specify a principal."
#define MSG_FULLY_QUALIFIED                                                    \
    "Resource vendor must be fully qualified and cannot contain regexes."

/* Longest message text we build before adding the location. */
#define MSG_MAX 512

struct parse {
    struct buf *err;
    enum policy_kind kind;
    bool with_vars;
    size_t index;    /* of the statement being parsed */
    const char *sid; /* its Sid, once read; NULL before or when absent */
    bool in_statement;
};

static const char *const statement_fields[] = {
    "Sid",         "Effect",    "Action",       "NotAction", "Resource",
    "NotResource", "Principal", "NotPrincipal", "Condition",
};

static const char *const partitions[] = {
    "aws",       "aws-cn",    "aws-us-gov", "aws-iso",
    "aws-iso-b", "aws-iso-e", "aws-iso-f",  "aws-eusc",
};

/* Appends "MESSAGE (Statement[i] Sid "x", FIELD: DETAIL)" to the error
 * buffer and returns -1. detail may be NULL. */
static int fail(struct parse *ps, const char *field, const char *message,
                const char *detail, ...) __attribute__((format(printf, 4, 5)));

static int fail(struct parse *ps, const char *field, const char *message,
                const char *detail, ...)
{
    buf_printf(ps->err, "%s (", message);
    if (ps->in_statement) {
        buf_printf(ps->err, "Statement[%zu]", ps->index);
        if (ps->sid != NULL)
            buf_printf(ps->err, " Sid \"%s\"", ps->sid);
        buf_puts(ps->err, ", ");
    }
    buf_puts(ps->err, field);
    if (detail != NULL) {
        va_list ap;
        char text[MSG_MAX];
        va_start(ap, detail);
        vsnprintf(text, sizeof text, detail, ap);
        va_end(ap);
        buf_printf(ps->err, ": %s", text);
    }
    buf_putc(ps->err, ')');
    return -1;
}

/* --- Shapes -------------------------------------------------------------- */

/* True for a string or a list of strings; *n gets the count. */
static bool is_string_list(const cJSON *v, size_t *n)
{
    *n = 0;
    if (cJSON_IsString(v)) {
        *n = 1;
        return true;
    }
    if (!cJSON_IsArray(v))
        return false;
    for (const cJSON *e = v->child; e != NULL; e = e->next) {
        if (!cJSON_IsString(e))
            return false;
        (*n)++;
    }
    return true;
}

/* The i-th string of a string-or-list value. */
static const char *list_at(const cJSON *v, size_t i)
{
    if (cJSON_IsString(v))
        return v->valuestring;
    return cJSON_GetArrayItem(v, (int)i)->valuestring;
}

/* Picks X or NotX: -1 when both are present or either is malformed. */
static int pick(struct parse *ps, const cJSON *st, const char *name,
                const char *not_name, const cJSON **out, bool *is_not)
{
    const cJSON *v = json_get(st, name);
    const cJSON *nv = json_get(st, not_name);
    size_t n;
    if (v != NULL && nv != NULL)
        return fail(ps, name, MSG_SYNTAX, "%s and %s cannot both be present",
                    name, not_name);
    *is_not = nv != NULL;
    *out = v != NULL ? v : nv;
    if (*out != NULL && !is_string_list(*out, &n))
        return fail(ps, *is_not ? not_name : name, MSG_SYNTAX,
                    "must be a string or a list of strings");
    return 0;
}

/* --- Statement fields ---------------------------------------------------- */

static bool is_field(const char *name)
{
    for (size_t i = 0; i < sizeof statement_fields / sizeof statement_fields[0];
         i++)
        if (strcmp(name, statement_fields[i]) == 0)
            return true;
    return false;
}

static int parse_sid(struct parse *ps, const cJSON *st,
                     struct policy_statement *out)
{
    const cJSON *v = json_get(st, "Sid");
    if (v == NULL)
        return 0;
    if (!cJSON_IsString(v))
        return fail(ps, "Sid", MSG_SYNTAX, "must be a string");
    out->sid = xstrdup(v->valuestring);
    ps->sid = out->sid;
    if (ps->kind == POLICY_RESOURCE)
        return 0; /* S3 bucket policies accept any Sid text */
    for (const char *c = out->sid; *c; c++)
        if (!((*c >= '0' && *c <= '9') ||
              ((*c | 0x20) >= 'a' && (*c | 0x20) <= 'z')))
            return fail(ps, "Sid", MSG_SID_ALNUM, NULL);
    return 0;
}

static int parse_effect(struct parse *ps, const cJSON *st,
                        struct policy_statement *out)
{
    const char *e = json_get_string(st, "Effect");
    if (e == NULL)
        return fail(ps, "Effect", MSG_SYNTAX, "missing, or not a string");
    /* IAM's first pass ignores case and fails with a syntax error; its
     * legacy pass is case-sensitive and fails differently. */
    if (strcasecmp(e, "Allow") != 0 && strcasecmp(e, "Deny") != 0)
        return fail(ps, "Effect", MSG_SYNTAX,
                    "must be \"Allow\" or \"Deny\", not \"%s\"", e);
    if (strcmp(e, "Allow") != 0 && strcmp(e, "Deny") != 0)
        return fail(ps, "Effect", MSG_LEGACY,
                    "\"%s\" must be spelt \"Allow\" or \"Deny\"", e);
    out->is_allow = strcmp(e, "Allow") == 0;
    return 0;
}

static bool is_vendor_char(char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
           c == '-' || c == '.';
}

static int check_action(struct parse *ps, const char *field, const char *a)
{
    const char *colon = strchr(a, ':');
    if (strcmp(a, "*") == 0)
        return 0;
    if (colon == NULL)
        return fail(ps, field, MSG_VENDOR, "\"%s\"", a);
    if (strchr(colon + 1, ':') != NULL)
        return fail(ps, field, MSG_COLON, "\"%s\"", a);
    for (const char *c = a; c < colon; c++) {
        if (!is_vendor_char(*c)) {
            char msg[MSG_MAX];
            snprintf(msg, sizeof msg, "Vendor %.*s is not valid",
                     (int)(colon - a), a);
            return fail(ps, field, msg, NULL);
        }
    }
    return 0;
}

/* Actions match ignoring case, so they are stored lower-cased. */
static char *compile_action(const char *a)
{
    struct iam_pattern pat;
    size_t n = strlen(a);
    char *lower = xmalloc(n + 1);
    iam_match_lower((struct str){ a, n }, lower, n + 1);
    iam_var_compile(&pat, lower, n, IAM_VAR_GLOB, IAM_VAR_NONE);
    free(lower);
    return pat.text; /* no variables: text is the whole compiled pattern */
}

static int parse_actions(struct parse *ps, const cJSON *st,
                         struct policy_statement *out)
{
    const cJSON *v;
    size_t n;
    if (pick(ps, st, "Action", "NotAction", &v, &out->is_not_action) < 0)
        return -1;
    const char *field = out->is_not_action ? "NotAction" : "Action";
    if (v == NULL || !is_string_list(v, &n) || n == 0)
        return fail(ps, v ? field : "Action", MSG_NO_ACTIONS, NULL);
    out->actions = xcalloc(n, sizeof *out->actions);
    for (size_t i = 0; i < n; i++) {
        const char *a = list_at(v, i);
        if (check_action(ps, field, a) < 0)
            return -1;
        out->actions[out->n_actions++] = compile_action(a);
    }
    return 0;
}

static bool is_partition(struct str p)
{
    for (size_t i = 0; i < sizeof partitions / sizeof partitions[0]; i++)
        if (str_eq_cstr(p, partitions[i]))
            return true;
    return false;
}

static size_t count_colons(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == ':';
    return n;
}

/* IAM's checks on a Resource ARN, in the order IAM applies them. */
static int check_resource(struct parse *ps, const char *field, const char *r)
{
    char msg[MSG_MAX];
    struct iam_arn arn;
    iam_match_arn_split(str_from(r), false, &arn);
    if (arn.n < 2 || !str_eq_cstr(arn.seg[0], "arn")) {
        snprintf(msg, sizeof msg, "Resource %s must be in ARN format or \"*\".",
                 r);
        return fail(ps, field, msg, NULL);
    }
    if (arn.n < 3 || arn.seg[2].len == 0 ||
        memchr(arn.seg[2].ptr, '*', arn.seg[2].len) ||
        memchr(arn.seg[2].ptr, '?', arn.seg[2].len))
        return fail(ps, field, MSG_FULLY_QUALIFIED, "\"%s\"", r);
    if (!is_partition(arn.seg[1])) {
        snprintf(msg, sizeof msg,
                 "Partition \"%.*s\" is not valid for resource \"%s\".",
                 (int)arn.seg[1].len, arn.seg[1].ptr, r);
        return fail(ps, field, msg, NULL);
    }
    if (count_colons(r) < 5 && strstr(r, "::") != NULL)
        return fail(ps, field, MSG_LEGACY, "\"%s\" has too few ARN segments",
                    r);
    bool has_region = arn.n > 3 && arn.seg[3].len > 0;
    if (has_region && str_eq_cstr(arn.seg[2], "iam")) {
        snprintf(msg, sizeof msg,
                 "IAM resource %s cannot contain region information.", r);
        return fail(ps, field, msg, NULL);
    }
    if (has_region && str_eq_cstr(arn.seg[2], "s3")) {
        snprintf(msg, sizeof msg,
                 "Resource %s can not contain region information.", r);
        return fail(ps, field, msg, NULL);
    }
    return 0;
}

/* Byte offset just past the fifth colon: variables may appear only in the
 * resource part of the ARN (IAM variables docs, "Resource element"). */
static size_t resource_part(const char *r)
{
    size_t colons = 0;
    for (size_t i = 0; r[i]; i++)
        if (r[i] == ':' && ++colons == IAM_ARN_SEGMENTS - 1)
            return i + 1;
    return strlen(r);
}

static void compile_resource(struct parse *ps, const char *r,
                             struct policy_resource *out)
{
    out->is_any = strcmp(r, "*") == 0;
    iam_var_compile(&out->pat, r, strlen(r), IAM_VAR_GLOB,
                    ps->with_vars ? resource_part(r) : IAM_VAR_NONE);
    if (!iam_var_has_vars(&out->pat))
        iam_match_arn_split((struct str){ out->pat.text, out->pat.len }, true,
                            &out->arn);
}

static int parse_resources(struct parse *ps, const cJSON *st,
                           struct policy_statement *out)
{
    const cJSON *v;
    size_t n;
    if (ps->kind == POLICY_TRUST) {
        const char *f = json_get(st, "Resource") ? "Resource" : "NotResource";
        if (json_get(st, f) != NULL) {
            char msg[MSG_MAX];
            snprintf(msg, sizeof msg, "Has prohibited field %s", f);
            return fail(ps, f, msg, NULL);
        }
        return 0;
    }
    if (pick(ps, st, "Resource", "NotResource", &v, &out->is_not_resource) < 0)
        return -1;
    const char *field = out->is_not_resource ? "NotResource" : "Resource";
    if (v == NULL || !is_string_list(v, &n) || n == 0)
        return fail(ps, v ? field : "Resource", MSG_NO_RESOURCES, NULL);
    out->has_resource = true;
    out->resources = xcalloc(n, sizeof *out->resources);
    for (size_t i = 0; i < n; i++) {
        const char *r = list_at(v, i);
        if (strcmp(r, "*") != 0 && check_resource(ps, field, r) < 0)
            return -1;
        compile_resource(ps, r, &out->resources[out->n_resources++]);
    }
    return 0;
}

static int parse_principals(struct parse *ps, const cJSON *st,
                            struct policy_statement *out)
{
    const cJSON *p = json_get(st, "Principal");
    const cJSON *np = json_get(st, "NotPrincipal");
    struct policy_principal_error perr;
    if (ps->kind == POLICY_IDENTITY) {
        if (p != NULL || np != NULL)
            return fail(ps, p ? "Principal" : "NotPrincipal", MSG_PRINCIPAL,
                        NULL);
        return 0;
    }
    if (p != NULL && np != NULL)
        return fail(ps, "Principal", MSG_SYNTAX,
                    "Principal and NotPrincipal cannot both be present");
    /* IAM docs: NotPrincipal is not supported in role trust policies. */
    if (np != NULL && ps->kind == POLICY_TRUST)
        return fail(ps, "NotPrincipal", "Has prohibited field NotPrincipal",
                    NULL);
    if (p == NULL && np == NULL)
        return fail(ps, "Principal", "Missing required field Principal", NULL);
    out->has_principal = true;
    out->is_not_principal = np != NULL;
    if (policy_principal_compile(p ? p : np, &out->principals,
                                 &out->n_principals, &perr) < 0)
        return fail(ps, p ? "Principal" : "NotPrincipal", perr.message, "%s",
                    perr.detail);
    return 0;
}

static int parse_condition(struct parse *ps, const cJSON *st,
                           struct policy_statement *out)
{
    const cJSON *c = json_get(st, "Condition");
    struct iam_cond_error cerr;
    if (c == NULL)
        return 0;
    if (iam_cond_compile(c, ps->with_vars, &out->conds, &cerr) < 0)
        return fail(ps, "Condition", cerr.message, "%s", cerr.detail);
    return 0;
}

static int parse_statement(struct parse *ps, const cJSON *st,
                           struct policy_statement *out)
{
    if (!cJSON_IsObject(st))
        return fail(ps, "Statement", MSG_SYNTAX,
                    "a statement must be an object");
    for (const cJSON *f = st->child; f != NULL; f = f->next)
        if (!is_field(f->string))
            return fail(ps, f->string, MSG_SYNTAX, "unknown field");
    if (parse_sid(ps, st, out) < 0 || parse_effect(ps, st, out) < 0 ||
        parse_principals(ps, st, out) < 0 || parse_actions(ps, st, out) < 0 ||
        parse_resources(ps, st, out) < 0 || parse_condition(ps, st, out) < 0)
        return -1;
    return 0;
}

/* --- Document ------------------------------------------------------------ */

static int check_unique_sids(struct parse *ps, const struct policy *p)
{
    if (ps->kind == POLICY_RESOURCE)
        return 0;
    for (size_t i = 0; i < p->n_stmts; i++) {
        const char *sid = p->stmts[i].sid;
        for (size_t k = 0; sid != NULL && sid[0] && k < i; k++) {
            if (p->stmts[k].sid != NULL && strcmp(p->stmts[k].sid, sid) == 0) {
                ps->in_statement = true;
                ps->index = i;
                ps->sid = sid;
                return fail(ps, "Sid", MSG_SID_UNIQUE, NULL);
            }
        }
    }
    return 0;
}

static int parse_header(struct parse *ps, const cJSON *doc)
{
    static const char *const top[] = { "Version", "Id", "Statement" };
    for (const cJSON *f = doc->child; f != NULL; f = f->next) {
        bool known = false;
        for (size_t i = 0; i < sizeof top / sizeof top[0]; i++)
            known = known || strcmp(f->string, top[i]) == 0;
        if (!known)
            return fail(ps, f->string, MSG_SYNTAX, "unknown field");
    }
    const cJSON *version = json_get(doc, "Version");
    const cJSON *id = json_get(doc, "Id");
    if (version != NULL && (!cJSON_IsString(version) ||
                            (strcmp(version->valuestring, "2012-10-17") != 0 &&
                             strcmp(version->valuestring, "2008-10-17") != 0)))
        return fail(ps, "Version", MSG_SYNTAX,
                    "must be \"2012-10-17\" or \"2008-10-17\"");
    if (id != NULL && !cJSON_IsString(id))
        return fail(ps, "Id", MSG_SYNTAX, "must be a string");
    /* Without Version IAM reads the 2008 grammar, where "${" is plain text. */
    ps->with_vars =
        version != NULL && strcmp(version->valuestring, "2012-10-17") == 0;
    return 0;
}

static int parse_document(struct parse *ps, const cJSON *doc, struct policy *p)
{
    if (!cJSON_IsObject(doc))
        return fail(ps, "Statement", MSG_SYNTAX,
                    "the document must be a JSON object");
    if (parse_header(ps, doc) < 0)
        return -1;
    p->has_variables = ps->with_vars;
    const cJSON *list = json_get(doc, "Statement");
    size_t n = cJSON_IsArray(list) ? (size_t)cJSON_GetArraySize(list) : 1;
    if (list == NULL || (!cJSON_IsObject(list) && !cJSON_IsArray(list)) ||
        n == 0)
        return fail(ps, "Statement", MSG_SYNTAX,
                    "must be a statement or a non-empty list of statements");
    p->stmts = xcalloc(n, sizeof *p->stmts);
    const cJSON *st = cJSON_IsArray(list) ? list->child : list;
    ps->in_statement = true;
    for (; st != NULL && p->n_stmts < n; st = st->next) {
        ps->index = p->n_stmts;
        ps->sid = NULL;
        if (parse_statement(ps, st, &p->stmts[p->n_stmts++]) < 0)
            return -1;
    }
    ps->in_statement = false;
    return check_unique_sids(ps, p);
}

struct policy *policy_parse(const char *text, size_t len, enum policy_kind kind,
                            struct buf *err)
{
    struct parse ps = { .err = err, .kind = kind };
    struct policy *p = NULL;
    cJSON *doc = NULL;
    if (len > POLICY_MAX_BYTES) {
        fail(&ps, "document", "Cannot exceed quota for PolicySize: 20480",
             NULL);
        goto fail;
    }
    doc = json_parse(text, len);
    if (doc == NULL) {
        fail(&ps, "document", MSG_SYNTAX, "not valid JSON");
        goto fail;
    }
    p = xcalloc(1, sizeof *p);
    p->refs = 1;
    p->kind = kind;
    if (parse_document(&ps, doc, p) < 0)
        goto fail;
    cJSON_Delete(doc);
    return p;
fail:
    cJSON_Delete(doc);
    policy_free(p);
    return NULL;
}

static void statement_clear(struct policy_statement *s)
{
    for (size_t i = 0; i < s->n_actions; i++)
        free(s->actions[i]);
    for (size_t i = 0; i < s->n_resources; i++)
        iam_var_clear(&s->resources[i].pat);
    policy_principal_free(s->principals, s->n_principals);
    iam_cond_list_clear(&s->conds);
    free(s->actions);
    free(s->resources);
    free(s->sid);
}

struct policy *policy_retain(struct policy *p)
{
    if (p)
        __atomic_add_fetch(&p->refs, 1, __ATOMIC_RELAXED);
    return p;
}

void policy_free(struct policy *p)
{
    if (p == NULL || __atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    for (size_t i = 0; i < p->n_stmts; i++)
        statement_clear(&p->stmts[i]);
    free(p->stmts);
    free(p);
}

enum policy_kind policy_kind(const struct policy *p)
{
    return p->kind;
}

static bool statement_reads_context(const struct policy_statement *st)
{
    if (st->conds.n > 0)
        return true;
    for (size_t i = 0; i < st->n_resources; i++) {
        if (iam_var_has_vars(&st->resources[i].pat))
            return true;
    }
    return false;
}

bool policy_reads_context(const struct policy *p)
{
    for (size_t i = 0; p && i < p->n_stmts; i++) {
        if (statement_reads_context(&p->stmts[i]))
            return true;
    }
    return false;
}

size_t policy_statement_count(const struct policy *p)
{
    return p->n_stmts;
}

const char *policy_statement_sid(const struct policy *p, size_t i)
{
    return i < p->n_stmts ? p->stmts[i].sid : NULL;
}

bool policy_statement_is_allow(const struct policy *p, size_t i)
{
    return i < p->n_stmts && p->stmts[i].is_allow;
}
