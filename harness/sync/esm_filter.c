/* Lambda event filtering; see esm_filter.h. Patterns are checked once when
 * added, so matching never meets a malformed one. Numbers compare as
 * doubles here, as Lambda's filters do (they are not exact past 15
 * digits; exact values are better matched as strings). */
#include "sync/esm_filter.h"

#include "base/json.h"
#include "base/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Patterns nest as deep as the records they describe; 32 is plenty. */
#define ESM_FILTER_MAX_DEPTH 32

static int fail(char *err, size_t errlen, const char *what, const char *name)
{
    snprintf(err, errlen, "%s%s%s", what, name ? ": " : "",
             name ? name : "");
    return -1;
}

static bool is_numeric_op(const char *op)
{
    static const char *const ops[] = { "=", "<", "<=", ">", ">=" };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (strcmp(op, ops[i]) == 0)
            return true;
    }
    return false;
}

static int check_numeric(const cJSON *v, char *err, size_t errlen)
{
    int n = cJSON_GetArraySize(v);
    if (!cJSON_IsArray(v) || (n != 2 && n != 4))
        return fail(err, errlen, "numeric wants [op, n] or [op, n, op, n]",
                    NULL);
    for (int i = 0; i < n; i += 2) {
        const cJSON *op = cJSON_GetArrayItem(v, i);
        if (!cJSON_IsString(op) || !is_numeric_op(op->valuestring) ||
            !cJSON_IsNumber(cJSON_GetArrayItem(v, i + 1)))
            return fail(err, errlen, "numeric wants [op, n] or [op, n, op, n]",
                        NULL);
    }
    return 0;
}

/* One condition of a leaf array. */
static int check_condition(const cJSON *c, char *err, size_t errlen)
{
    if (!cJSON_IsObject(c))
        return cJSON_IsArray(c) ? fail(err, errlen, "nested arrays are not "
                                       "conditions", NULL) : 0;
    const cJSON *op = c->child;
    if (op == NULL || op->next != NULL)
        return fail(err, errlen, "a condition object has one operator",
                    NULL);
    const char *name = op->string;
    if (strcmp(name, "prefix") == 0 || strcmp(name, "suffix") == 0 ||
        strcmp(name, "equals-ignore-case") == 0)
        return cJSON_IsString(op) ? 0
            : fail(err, errlen, "wants a string", name);
    if (strcmp(name, "exists") == 0)
        return cJSON_IsBool(op) ? 0 : fail(err, errlen, "wants a boolean",
                                           name);
    if (strcmp(name, "numeric") == 0)
        return check_numeric(op, err, errlen);
    if (strcmp(name, "anything-but") == 0)
        return 0;
    return fail(err, errlen, "unknown filter operator", name);
}

static int check_pattern(const cJSON *p, int depth, char *err, size_t errlen)
{
    if (depth > ESM_FILTER_MAX_DEPTH)
        return fail(err, errlen, "pattern nests too deeply", NULL);
    if (!cJSON_IsObject(p) || p->child == NULL)
        return fail(err, errlen, "a pattern is a non-empty JSON object",
                    NULL);
    const cJSON *m;
    cJSON_ArrayForEach(m, p) {
        if (cJSON_IsObject(m)) {
            if (check_pattern(m, depth + 1, err, errlen) < 0)
                return -1;
            continue;
        }
        if (!cJSON_IsArray(m) || m->child == NULL)
            return fail(err, errlen, "a leaf must be a non-empty array of "
                        "conditions", m->string);
        const cJSON *c;
        cJSON_ArrayForEach(c, m) {
            if (check_condition(c, err, errlen) < 0)
                return -1;
        }
    }
    return 0;
}

int esm_filter_add(struct esm_filter *f, const char *pattern, char *err,
                   size_t errlen)
{
    if (f->n >= ESM_FILTER_MAX)
        return fail(err, errlen, "at most 5 filters", NULL);
    cJSON *p = json_parse(pattern, strlen(pattern));
    if (p == NULL) {
        fail(err, errlen, "filter is not JSON", NULL);
        return -1;
    }
    if (check_pattern(p, 0, err, errlen) < 0) {
        cJSON_Delete(p);
        return -1;
    }
    f->patterns[f->n++] = p;
    return 0;
}

void esm_filter_clear(struct esm_filter *f)
{
    for (size_t i = 0; i < f->n; i++)
        cJSON_Delete(f->patterns[i]);
    f->n = 0;
}

/* ---- Matching ------------------------------------------------------------ */

/* A value as a number: JSON numbers, and strings that are whole numbers
 * (DynamoDB's N travels as a string). */
static bool number_of(const cJSON *v, double *out)
{
    if (cJSON_IsNumber(v)) {
        *out = v->valuedouble;
        return true;
    }
    if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
        return false;
    char *end;
    *out = strtod(v->valuestring, &end);
    return *end == '\0';
}

static bool compare(const char *op, double a, double b)
{
    if (strcmp(op, "=") == 0)
        return a == b;
    if (strcmp(op, "<") == 0)
        return a < b;
    if (strcmp(op, "<=") == 0)
        return a <= b;
    if (strcmp(op, ">") == 0)
        return a > b;
    return a >= b;
}

static bool match_scalar(const cJSON *want, const cJSON *v)
{
    double a, b;
    if (cJSON_IsString(want))
        return cJSON_IsString(v) &&
               strcmp(want->valuestring, v->valuestring) == 0;
    if (cJSON_IsNumber(want))
        return number_of(v, &b) && (a = want->valuedouble, a == b);
    if (cJSON_IsNull(want))
        return cJSON_IsNull(v);
    if (cJSON_IsBool(want))
        return cJSON_IsBool(v) && cJSON_IsTrue(want) == cJSON_IsTrue(v);
    return false;
}

static bool match_numeric(const cJSON *spec, const cJSON *v)
{
    double x;
    if (!number_of(v, &x))
        return false;
    for (int i = 0; i + 1 < cJSON_GetArraySize(spec); i += 2) {
        const char *op = cJSON_GetArrayItem(spec, i)->valuestring;
        if (!compare(op, x, cJSON_GetArrayItem(spec, i + 1)->valuedouble))
            return false;
    }
    return true;
}

static bool match_anything_but(const cJSON *spec, const cJSON *v)
{
    if (v == NULL)
        return false;
    if (!cJSON_IsArray(spec))
        return !match_scalar(spec, v);
    const cJSON *x;
    cJSON_ArrayForEach(x, spec) {
        if (match_scalar(x, v))
            return false;
    }
    return true;
}

static bool has_affix(const char *s, const char *affix, bool is_prefix)
{
    size_t n = strlen(s), k = strlen(affix);
    if (k > n)
        return false;
    return memcmp(is_prefix ? s : s + n - k, affix, k) == 0;
}

/* One condition against one present value (v never an array here), or
 * against an absent one (v NULL: only exists:false matches). */
static bool match_condition(const cJSON *c, const cJSON *v)
{
    if (!cJSON_IsObject(c))
        return v && match_scalar(c, v);
    const cJSON *op = c->child;
    const char *name = op->string;
    if (strcmp(name, "exists") == 0)
        return cJSON_IsTrue(op) == (v != NULL);
    if (v == NULL)
        return false;
    if (strcmp(name, "numeric") == 0)
        return match_numeric(op, v);
    if (strcmp(name, "anything-but") == 0)
        return match_anything_but(op, v);
    if (!cJSON_IsString(v))
        return false;
    if (strcmp(name, "prefix") == 0)
        return has_affix(v->valuestring, op->valuestring, true);
    if (strcmp(name, "suffix") == 0)
        return has_affix(v->valuestring, op->valuestring, false);
    return strcasecmp(v->valuestring, op->valuestring) == 0;
}

/* A leaf: any condition against the value, or against any element when
 * the value is an array (sets, lists). */
static bool match_leaf(const cJSON *conditions, const cJSON *v)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, conditions) {
        if (!cJSON_IsArray(v)) {
            if (match_condition(c, v))
                return true;
            continue;
        }
        if (cJSON_IsObject(c) && c->child &&
            strcmp(c->child->string, "exists") == 0) {
            if (match_condition(c, v))
                return true;
            continue;
        }
        const cJSON *e;
        cJSON_ArrayForEach(e, v) {
            if (match_condition(c, e))
                return true;
        }
    }
    return false;
}

static bool match_pattern(const cJSON *p, const cJSON *value)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, p) {
        const cJSON *v = cJSON_IsObject(value) ? json_get(value, m->string)
                                               : NULL;
        bool is_match = cJSON_IsObject(m) ? match_pattern(m, v)
                                          : match_leaf(m, v);
        if (!is_match)
            return false;
    }
    return true;
}

bool esm_filter_matches(const struct esm_filter *f, const cJSON *record)
{
    if (f->n == 0)
        return true;
    for (size_t i = 0; i < f->n; i++) {
        if (match_pattern(f->patterns[i], record))
            return true;
    }
    return false;
}
