/* Principal elements; see policy_principal.h. AWS accepts an account as a
 * 12-digit id or as arn:PARTITION:iam::ID:root, both meaning the account
 * (not only its root user); other AWS values must be exact user, role,
 * assumed-role session or federated-user ARNs: "You cannot use a wildcard
 * to match part of a principal name or ARN" (IAM Principal element docs). */
#include "iam/policy_principal.h"

#include "base/mem.h"
#include "iam/policy_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSG_SYNTAX "Syntax errors in policy."
#define MSG_INVALID "Invalid principal in policy"

#define ACCOUNT_ID_LEN 12

static int fail(struct policy_principal_error *err, const char *message,
                const char *type, const char *value)
{
    err->message = message;
    if (value != NULL)
        snprintf(err->detail, sizeof err->detail, "\"%s\":\"%s\"", type, value);
    else
        snprintf(err->detail, sizeof err->detail, "%s", type);
    return -1;
}

static bool is_account_id(struct str s)
{
    if (s.len != ACCOUNT_ID_LEN)
        return false;
    for (size_t i = 0; i < s.len; i++)
        if (s.ptr[i] < '0' || s.ptr[i] > '9')
            return false;
    return true;
}

/* Classifies an AWS principal value; -1 when IAM would reject it. */
static int classify_aws(const char *v, struct policy_principal *out)
{
    struct iam_arn arn;
    if (strcmp(v, "*") == 0) {
        out->type = PRINCIPAL_AWS_ANY;
        return 0;
    }
    if (is_account_id(str_from(v))) {
        out->type = PRINCIPAL_ACCOUNT;
        out->value = xstrdup(v);
        return 0;
    }
    iam_match_arn_split(str_from(v), false, &arn);
    if (arn.n != IAM_ARN_SEGMENTS || !str_eq_cstr(arn.seg[0], "arn") ||
        arn.seg[3].len != 0 || !is_account_id(arn.seg[4]) || strpbrk(v, "*?"))
        return -1;
    struct str res = arn.seg[5];
    bool is_iam = str_eq_cstr(arn.seg[2], "iam");
    bool is_sts = str_eq_cstr(arn.seg[2], "sts");
    if (is_iam && str_eq_cstr(res, "root")) {
        out->type = PRINCIPAL_ACCOUNT;
        out->value = xstrndup(arn.seg[4].ptr, arn.seg[4].len);
        return 0;
    }
    bool ok = (is_iam && (str_starts_with(res, "user/") ||
                          str_starts_with(res, "role/"))) ||
              (is_sts && (str_starts_with(res, "assumed-role/") ||
                          str_starts_with(res, "federated-user/")));
    if (!ok)
        return -1;
    out->type = PRINCIPAL_ARN;
    out->value = xstrdup(v);
    return 0;
}

static int classify(const char *type, const char *v,
                    struct policy_principal *out,
                    struct policy_principal_error *err)
{
    *out = (struct policy_principal){ 0 };
    if (strcmp(type, "AWS") == 0) {
        if (classify_aws(v, out) < 0)
            return fail(err, MSG_INVALID, type, v);
        return 0;
    }
    if (v[0] == '\0' ||
        (strpbrk(v, "*?") && strcmp(type, "CanonicalUser") != 0))
        return fail(err, MSG_INVALID, type, v);
    out->type = strcmp(type, "Service") == 0     ? PRINCIPAL_SERVICE
                : strcmp(type, "Federated") == 0 ? PRINCIPAL_FEDERATED
                                                 : PRINCIPAL_CANONICAL;
    out->value = xstrdup(v);
    return 0;
}

static bool is_type(const char *t)
{
    return strcmp(t, "AWS") == 0 || strcmp(t, "Service") == 0 ||
           strcmp(t, "Federated") == 0 || strcmp(t, "CanonicalUser") == 0;
}

/* Counts the values of an object principal; -1 when one is not a string. */
static int count_values(const cJSON *v, size_t *n,
                        struct policy_principal_error *err)
{
    *n = 0;
    for (const cJSON *t = v->child; t != NULL; t = t->next) {
        if (!is_type(t->string))
            return fail(err, MSG_SYNTAX, "unknown principal type", NULL);
        const cJSON *e = cJSON_IsArray(t) ? t->child : t;
        if (cJSON_IsArray(t) && e == NULL)
            return fail(err, MSG_SYNTAX, "empty principal list", NULL);
        for (; e != NULL; e = cJSON_IsArray(t) ? e->next : NULL) {
            if (!cJSON_IsString(e))
                return fail(err, MSG_SYNTAX, "principal values must be strings",
                            NULL);
            (*n)++;
        }
    }
    if (*n == 0)
        return fail(err, MSG_SYNTAX, "no principal given", NULL);
    return 0;
}

int policy_principal_compile(const cJSON *v, struct policy_principal **out,
                             size_t *n, struct policy_principal_error *err)
{
    size_t total;
    *out = NULL;
    *n = 0;
    if (cJSON_IsString(v)) {
        if (strcmp(v->valuestring, "*") != 0)
            return fail(err, MSG_SYNTAX, "a string principal must be \"*\"",
                        NULL);
        *out = xcalloc(1, sizeof **out);
        (*out)[(*n)++].type = PRINCIPAL_ALL;
        return 0;
    }
    if (!cJSON_IsObject(v))
        return fail(err, MSG_SYNTAX, "must be \"*\" or an object", NULL);
    if (count_values(v, &total, err) < 0)
        return -1;
    *out = xcalloc(total, sizeof **out);
    for (const cJSON *t = v->child; t != NULL; t = t->next) {
        const cJSON *e = cJSON_IsArray(t) ? t->child : t;
        for (; e != NULL; e = cJSON_IsArray(t) ? e->next : NULL) {
            if (classify(t->string, e->valuestring, &(*out)[*n], err) < 0)
                return -1;
            (*n)++;
        }
    }
    return 0;
}

void policy_principal_free(struct policy_principal *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(p[i].value);
    free(p);
}
