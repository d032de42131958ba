/* libFuzzer target for the DynamoDB expression family (ddb_expr.h): lexer,
 * parser, placeholder checks and evaluation. The input is up to four
 * newline-separated parts: the expression text, ExpressionAttributeNames,
 * ExpressionAttributeValues and an item (JSON). The first byte of the text
 * picks the expression kind. Every compiled expression is then used the
 * way the handlers use it: tested, applied to a copy of the item,
 * projected and split as a key condition. */
#include "base/json.h"
#include "base/mem.h"
#include "dynamodb/ddb_expr.h"
#include "dynamodb/ddb_value.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    mem_install_cjson_hooks();
    return 0;
}

/* Splits off the next newline-terminated part of [*p, end). */
static void next_part(const char **p, const char *end, const char **part,
                      size_t *len)
{
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    *part = *p;
    *len = (size_t)((nl ? nl : end) - *p);
    *p = nl ? nl + 1 : end;
}

static cJSON *parse_part(const char *text, size_t len)
{
    if (len == 0)
        return NULL;
    return json_parse(text, len);
}

static void use(enum ddb_expr_kind kind, const struct ddb_expr *e,
                const cJSON *item)
{
    char err[1024];
    bool result;
    cJSON *copy;
    switch (kind) {
    case DDB_EXPR_CONDITION:
    case DDB_EXPR_FILTER:
        ddb_expr_test(e, item, &result, err, sizeof err);
        ddb_expr_test(e, NULL, &result, err, sizeof err);
        ddb_expr_uses_attribute(e, "pk");
        break;
    case DDB_EXPR_UPDATE: {
        size_t n;
        ddb_expr_update_targets(e, &n);
        cJSON_Delete(ddb_expr_update_project(e, item));
        cJSON_Delete(ddb_expr_update_project(e, NULL));
        copy = item ? ddb_value_copy(item) : cJSON_CreateObject();
        if (ddb_expr_update(e, copy, err, sizeof err) == 0)
            cJSON_Delete(ddb_expr_update_project(e, copy));
        cJSON_Delete(copy);
        break;
    }
    case DDB_EXPR_PROJECTION:
        if (item)
            cJSON_Delete(ddb_expr_project(e, item));
        break;
    case DDB_EXPR_KEY_CONDITION: {
        struct ddb_key_condition kc;
        ddb_expr_key_condition(e, "pk", "sk", &kc, err, sizeof err);
        ddb_expr_key_condition(e, "pk", NULL, &kc, err, sizeof err);
        ddb_expr_test(e, item, &result, err, sizeof err);
        break;
    }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 64 * 1024)
        return 0;
    enum ddb_expr_kind kind = (enum ddb_expr_kind)(data[0] % 5);
    const char *p = (const char *)data + 1;
    const char *end = (const char *)data + size;
    const char *part[4];
    size_t len[4];
    for (int i = 0; i < 4; i++)
        next_part(&p, end, &part[i], &len[i]);

    char *text = strndup(part[0], len[0]);
    cJSON *names = parse_part(part[1], len[1]);
    cJSON *values = parse_part(part[2], len[2]);
    cJSON *item = parse_part(part[3], len[3]);
    char err[1024];
    /* The handlers only evaluate normalized items. */
    if (item && (!cJSON_IsObject(item) ||
                 ddb_item_normalize(item, err, sizeof err) < 0)) {
        cJSON_Delete(item);
        item = NULL;
    }
    /* Handlers pass objects only (ddb_input_object checks the type). */
    const cJSON *names_in = cJSON_IsObject(names) ? names : NULL;
    cJSON *values_in = cJSON_IsObject(values) ? values : NULL;

    struct ddb_expr_env env;
    if (ddb_expr_env_init(&env, names_in, values_in, err, sizeof err) == 0) {
        struct ddb_expr *e = NULL;
        if (ddb_expr_compile(kind, text, &env, &e, err, sizeof err) == 0) {
            ddb_expr_env_check_unused(&env, err, sizeof err);
            use(kind, e, item);
        }
        ddb_expr_free(e);
    }
    ddb_expr_env_clear(&env);
    cJSON_Delete(item);
    cJSON_Delete(values);
    cJSON_Delete(names);
    free(text);
    return 0;
}
