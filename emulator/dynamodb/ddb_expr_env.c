/* Expression placeholders: a request's ExpressionAttributeNames and
 * ExpressionAttributeValues, validated as AWS does before any expression is
 * read, shared by all the request's expressions, and checked at the end for
 * members no expression used. Part of the ddb_expr family; the checker
 * resolves #names and :values through these maps. */
#include "dynamodb/ddb_expr_internal.h"

#include "base/mem.h"
#include "dynamodb/ddb_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_placeholder(const char *key, char sigil)
{
    if (key[0] != sigil || key[1] == '\0')
        return false;
    for (const char *s = key + 1; *s != '\0'; s++) {
        bool ok = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
                  (*s >= '0' && *s <= '9') || *s == '_';
        if (!ok)
            return false;
    }
    return true;
}

static int env_check_names(struct ddb_expr_env *env, char *err,
                           size_t errlen)
{
    const cJSON *m;
    int n = cJSON_GetArraySize(env->names);

    if (!cJSON_IsObject(env->names) || n == 0) {
        snprintf(err, errlen, "ExpressionAttributeNames must not be empty");
        return -1;
    }
    env->names_used = xcalloc((size_t)n, 1);
    cJSON_ArrayForEach(m, env->names) {
        if (!is_placeholder(m->string, '#')) {
            snprintf(err, errlen, "ExpressionAttributeNames contains "
                     "invalid key: Syntax error; key: \"%s\"", m->string);
            return -1;
        }
        if (!cJSON_IsString(m) || m->valuestring[0] == '\0') {
            snprintf(err, errlen, "ExpressionAttributeNames contains "
                     "invalid value: Empty attribute name for key %s",
                     m->string);
            return -1;
        }
    }
    return 0;
}

static int env_check_values(struct ddb_expr_env *env, cJSON *values,
                            char *err, size_t errlen)
{
    cJSON *m;
    int n = cJSON_GetArraySize(values);
    char msg[512];

    if (!cJSON_IsObject(values) || n == 0) {
        snprintf(err, errlen, "ExpressionAttributeValues must not be empty");
        return -1;
    }
    env->values_used = xcalloc((size_t)n, 1);
    cJSON_ArrayForEach(m, values) {
        if (!is_placeholder(m->string, ':')) {
            snprintf(err, errlen, "ExpressionAttributeValues contains "
                     "invalid key: Syntax error; key: \"%s\"", m->string);
            return -1;
        }
    }
    cJSON_ArrayForEach(m, values) {
        if (ddb_value_normalize(m, 0, msg, sizeof(msg)) < 0) {
            snprintf(err, errlen, "ExpressionAttributeValues contains "
                     "invalid value: %s for key %s", msg, m->string);
            return -1;
        }
    }
    return 0;
}

int ddb_expr_env_init(struct ddb_expr_env *env, const cJSON *names,
                      cJSON *values, char *err, size_t errlen)
{
    memset(env, 0, sizeof(*env));
    env->names = names;
    env->values = values;
    if (names != NULL && env_check_names(env, err, errlen) < 0)
        return -1;
    if (values != NULL && env_check_values(env, values, err, errlen) < 0)
        return -1;
    return 0;
}

void ddb_expr_env_clear(struct ddb_expr_env *env)
{
    free(env->names_used);
    free(env->values_used);
    memset(env, 0, sizeof(*env));
}

int ddb_expr_env_find(const cJSON *map, const char *key, size_t len)
{
    const cJSON *m;
    int i = 0;

    cJSON_ArrayForEach(m, map) {
        if (strlen(m->string) == len && memcmp(m->string, key, len) == 0)
            return i;
        i++;
    }
    return -1;
}

/* Appends "{#a, #b}" of the unused members of map to out; false if none. */
static bool list_unused(const cJSON *map, const unsigned char *used,
                        char *out, size_t outlen)
{
    const cJSON *m;
    size_t len = 0;
    int i = 0;

    out[0] = '\0';
    cJSON_ArrayForEach(m, map) {
        if (!used[i++] && len < outlen) {
            int n = snprintf(out + len, outlen - len, "%s%s",
                             len ? ", " : "", m->string);
            len += n > 0 ? (size_t)n : 0;
        }
    }
    return len > 0;
}

int ddb_expr_env_check_unused(const struct ddb_expr_env *env, char *err,
                              size_t errlen)
{
    char keys[1024];

    if (env->names != NULL &&
        list_unused(env->names, env->names_used, keys, sizeof(keys))) {
        snprintf(err, errlen, "Value provided in ExpressionAttributeNames "
                 "unused in expressions: keys: {%s}", keys);
        return -1;
    }
    if (env->values != NULL &&
        list_unused(env->values, env->values_used, keys, sizeof(keys))) {
        snprintf(err, errlen, "Value provided in ExpressionAttributeValues "
                 "unused in expressions: keys: {%s}", keys);
        return -1;
    }
    return 0;
}
