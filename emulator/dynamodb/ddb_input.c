/* Request member decoding; see ddb_input.h. */
#include "dynamodb/ddb_input.h"

#include "base/json.h"
#include "dynamodb/ddb_value.h"
#include "http/call.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define DDB_MIN_NAME_LENGTH 3
#define DDB_MAX_NAME_LENGTH 255

void ddb_errors_init(struct ddb_errors *e)
{
    e->n = 0;
    buf_init(&e->text, 64 * 1024);
}

void ddb_errors_clear(struct ddb_errors *e)
{
    buf_clear(&e->text);
    e->n = 0;
}

void ddb_errors_add(struct ddb_errors *e, const char *value, const char *path,
                    const char *rule)
{
    if (e->n++)
        buf_puts(&e->text, "; ");
    if (value)
        buf_printf(&e->text, "Value '%s' at '%s' failed to satisfy "
                   "constraint: %s", value, path, rule);
    else
        buf_printf(&e->text, "Value null at '%s' failed to satisfy "
                   "constraint: %s", path, rule);
}

void ddb_errors_add_message(struct ddb_errors *e, const char *message)
{
    if (e->n++)
        buf_puts(&e->text, "; ");
    buf_puts(&e->text, message);
}

int ddb_errors_report(struct call *c, struct ddb_errors *e)
{
    int rc = 0;
    if (e->n)
        rc = call_fail(c, AWS_ERR_VALIDATION, "%d validation error%s "
                       "detected: %s", e->n, e->n == 1 ? "" : "s",
                       buf_cstr(&e->text));
    ddb_errors_clear(e);
    return rc;
}

/* Looks a member up; NULL for absent or JSON null. */
static const cJSON *member_of(const cJSON *obj, const char *member)
{
    const cJSON *v = json_get(obj, member);
    return cJSON_IsNull(v) ? NULL : v;
}

static int wrong_type(struct call *c, const char *member, const char *want)
{
    return call_fail(c, AWS_ERR_SERIALIZATION,
                     "Unexpected value type for member %s: expected %s",
                     member, want);
}

int ddb_input_string(struct call *c, const cJSON *obj, const char *member,
                     const char **out)
{
    const cJSON *v = member_of(obj, member);
    *out = NULL;
    if (v == NULL)
        return 0;
    if (!cJSON_IsString(v))
        return wrong_type(c, member, "a string");
    *out = v->valuestring;
    return 0;
}

int ddb_input_object(struct call *c, const cJSON *obj, const char *member,
                     const cJSON **out)
{
    const cJSON *v = member_of(obj, member);
    *out = NULL;
    if (v == NULL)
        return 0;
    if (!cJSON_IsObject(v))
        return wrong_type(c, member, "an object");
    *out = v;
    return 0;
}

int ddb_input_array(struct call *c, const cJSON *obj, const char *member,
                    const cJSON **out)
{
    const cJSON *v = member_of(obj, member);
    *out = NULL;
    if (v == NULL)
        return 0;
    if (!cJSON_IsArray(v))
        return wrong_type(c, member, "a list");
    *out = v;
    return 0;
}

int ddb_input_bool(struct call *c, const cJSON *obj, const char *member,
                   bool *out)
{
    const cJSON *v = member_of(obj, member);
    *out = false;
    if (v == NULL)
        return 0;
    if (!cJSON_IsBool(v))
        return wrong_type(c, member, "a boolean");
    *out = cJSON_IsTrue(v);
    return 0;
}

int ddb_input_integer(struct call *c, const cJSON *obj, const char *member,
                      long long *out, bool *present)
{
    const cJSON *v = member_of(obj, member);
    *out = 0;
    *present = v != NULL;
    if (v == NULL)
        return 0;
    double d = cJSON_GetNumberValue(v);
    if (!cJSON_IsNumber(v) || d != floor(d) || fabs(d) > 9.2e18)
        return wrong_type(c, member, "an integer");
    *out = (long long)d;
    return 0;
}

static bool is_name_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-';
}

void ddb_input_check_length(struct ddb_errors *e, const char *value,
                            const char *path, size_t min, size_t max)
{
    char rule[80];
    if (value == NULL)
        return;
    size_t len = strlen(value);
    if (len < min) {
        snprintf(rule, sizeof rule,
                 "Member must have length greater than "
                 "or equal to %zu",
                 min);
        ddb_errors_add(e, value, path, rule);
    } else if (len > max) {
        snprintf(rule, sizeof rule,
                 "Member must have length less than or "
                 "equal to %zu",
                 max);
        ddb_errors_add(e, value, path, rule);
    }
}

void ddb_input_check_name(struct ddb_errors *e, const char *name,
                          const char *path)
{
    if (name == NULL) {
        ddb_errors_add(e, NULL, path, "Member must not be null");
        return;
    }
    size_t len = strlen(name);
    if (len < DDB_MIN_NAME_LENGTH)
        ddb_errors_add(e, name, path, "Member must have length greater "
                       "than or equal to 3");
    if (len > DDB_MAX_NAME_LENGTH)
        ddb_errors_add(e, name, path, "Member must have length less than "
                       "or equal to 255");
    for (size_t i = 0; i < len; i++) {
        if (!is_name_char(name[i])) {
            ddb_errors_add(e, name, path, "Member must satisfy regular "
                           "expression pattern: [a-zA-Z0-9_.-]+");
            break;
        }
    }
}

void ddb_input_check_enum(struct ddb_errors *e, const char *value,
                          const char *path, const char *const *allowed)
{
    if (value == NULL)
        return;
    for (size_t i = 0; allowed[i]; i++) {
        if (strcmp(value, allowed[i]) == 0)
            return;
    }
    struct buf rule;
    buf_init(&rule, 1024);
    buf_puts(&rule, "Member must satisfy enum value set: [");
    for (size_t i = 0; allowed[i]; i++)
        buf_printf(&rule, "%s%s", i ? ", " : "", allowed[i]);
    buf_putc(&rule, ']');
    ddb_errors_add(e, value, path, buf_cstr(&rule));
    buf_clear(&rule);
}

int ddb_input_fail_value(struct call *c, const char *message)
{
    return call_fail(c, ddb_value_error_is_serialization(message)
                            ? AWS_ERR_SERIALIZATION : AWS_ERR_VALIDATION,
                     "%s", message);
}
