/* CreateTable/UpdateTable validation and descriptions; see ddb_table_spec.h.
 * Messages are AWS's, from the DynamoDB API reference and observed
 * responses: member constraints are collected ("N validation errors
 * detected: ..."), semantic rules fail one at a time. */
#include "dynamodb/ddb_table_spec.h"

#include "base/buf.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/mem.h"
#include "dynamodb/ddb_catalog.h"
#include "dynamodb/ddb_index_spec.h"
#include "dynamodb/ddb_input.h"
#include "http/call.h"
#include "state.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const key_types[] = { "HASH", "RANGE", NULL };
static const char *const attribute_types[] = { "B", "N", "S", NULL };
static const char *const billing_modes[] = { "PROVISIONED", "PAY_PER_REQUEST",
                                             NULL };
static const char *const view_types[] = { "NEW_IMAGE", "OLD_IMAGE",
                                          "NEW_AND_OLD_IMAGES", "KEYS_ONLY",
                                          NULL };

/* "One or more parameter values were invalid: <detail>". */
__attribute__((format(printf, 2, 3)))
static int fail_invalid(struct call *c, const char *fmt, ...)
{
    char detail[1536];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    return call_fail(c, AWS_ERR_VALIDATION, "One or more parameter values "
                     "were invalid: %s", detail);
}

/* A key schema as AWS shows it in constraint messages, in the service's
 * own toString form: "[KeySchemaElement(attributeName=a, keyType=HASH)]". */
static void write_key_schema(struct buf *b, const cJSON *schema)
{
    const cJSON *el;
    buf_putc(b, '[');
    cJSON_ArrayForEach(el, schema) {
        const char *name = json_get_string(el, "AttributeName");
        const char *type = json_get_string(el, "KeyType");
        buf_printf(b, "%sKeySchemaElement(attributeName=%s, keyType=%s)",
                   el == schema->child ? "" : ", ", name ? name : "null",
                   type ? type : "null");
    }
    buf_putc(b, ']');
}

static void check_key_schema(struct ddb_errors *e, const cJSON *schema)
{
    if (schema == NULL) {
        ddb_errors_add(e, NULL, "keySchema", "Member must not be null");
        return;
    }
    int n = cJSON_GetArraySize(schema);
    if (n < 1)
        ddb_errors_add(e, "[]", "keySchema", "Member must have length "
                       "greater than or equal to 1");
    if (n > 2) {
        struct buf shown;
        buf_init(&shown, 0);
        write_key_schema(&shown, schema);
        ddb_errors_add(e, buf_cstr(&shown), "keySchema", "Member must have "
                       "length less than or equal to 2");
        buf_clear(&shown);
    }
    const cJSON *el;
    int i = 0;
    cJSON_ArrayForEach(el, schema) {
        char path[64];
        snprintf(path, sizeof path, "keySchema.%d.member.keyType", ++i);
        const char *type = json_get_string(el, "KeyType");
        if (type == NULL)
            ddb_errors_add(e, NULL, path, "Member must not be null");
        ddb_input_check_enum(e, type, path, key_types);
        snprintf(path, sizeof path, "keySchema.%d.member.attributeName", i);
        if (json_get_string(el, "AttributeName") == NULL)
            ddb_errors_add(e, NULL, path, "Member must not be null");
    }
}

static void check_attribute_definitions(struct ddb_errors *e,
                                        const cJSON *attrs)
{
    if (attrs == NULL) {
        ddb_errors_add(e, NULL, "attributeDefinitions",
                       "Member must not be null");
        return;
    }
    const cJSON *el;
    int i = 0;
    cJSON_ArrayForEach(el, attrs) {
        char path[80];
        snprintf(path, sizeof path,
                 "attributeDefinitions.%d.member.attributeType", ++i);
        const char *type = json_get_string(el, "AttributeType");
        if (type == NULL)
            ddb_errors_add(e, NULL, path, "Member must not be null");
        ddb_input_check_enum(e, type, path, attribute_types);
        snprintf(path, sizeof path,
                 "attributeDefinitions.%d.member.attributeName", i);
        if (json_get_string(el, "AttributeName") == NULL)
            ddb_errors_add(e, NULL, path, "Member must not be null");
    }
}

static bool is_defined(const cJSON *attrs, const char *name)
{
    const cJSON *el;
    cJSON_ArrayForEach(el, attrs) {
        const char *aname = json_get_string(el, "AttributeName");
        if (aname && strcmp(aname, name) == 0)
            return true;
    }
    return false;
}

/* "[a, b]" of the member names of a list of objects, for messages. */
static void write_names(struct buf *b, const cJSON *list)
{
    const cJSON *el;
    buf_putc(b, '[');
    cJSON_ArrayForEach(el, list) {
        const char *name = json_get_string(el, "AttributeName");
        buf_printf(b, "%s%s", b->len > 1 ? ", " : "", name ? name : "");
    }
    buf_putc(b, ']');
}

static int check_keys_defined(struct call *c, const cJSON *schema,
                              const cJSON *attrs)
{
    const cJSON *el;
    cJSON_ArrayForEach(el, schema) {
        if (is_defined(attrs, json_get_string(el, "AttributeName")))
            continue;
        struct buf keys, defs;
        buf_init(&keys, 0);
        buf_init(&defs, 0);
        write_names(&keys, schema);
        write_names(&defs, attrs);
        fail_invalid(c, "Some index key attributes are not defined in "
                     "AttributeDefinitions. Keys: %s, AttributeDefinitions: %s",
                     buf_cstr(&keys), buf_cstr(&defs));
        buf_clear(&keys);
        buf_clear(&defs);
        return -1;
    }
    return 0;
}

static bool has_indexes(const struct call *c)
{
    return cJSON_IsArray(json_get(c->input, "LocalSecondaryIndexes")) ||
           cJSON_IsArray(json_get(c->input, "GlobalSecondaryIndexes"));
}

static int check_key_semantics(struct call *c, const cJSON *schema,
                               const cJSON *attrs)
{
    const cJSON *first = cJSON_GetArrayItem(schema, 0);
    const cJSON *second = cJSON_GetArrayItem(schema, 1);
    if (strcmp(json_get_string(first, "KeyType"), "HASH") != 0)
        return call_fail(c, AWS_ERR_VALIDATION, "Invalid KeySchema: The "
                         "first KeySchemaElement is not a HASH key type");
    if (second && strcmp(json_get_string(second, "KeyType"), "RANGE") != 0)
        return call_fail(c, AWS_ERR_VALIDATION, "Invalid KeySchema: The "
                         "second KeySchemaElement is not a RANGE key type");
    if (second && strcmp(json_get_string(first, "AttributeName"),
                         json_get_string(second, "AttributeName")) == 0)
        return call_fail(c, AWS_ERR_VALIDATION, "Both the Hash Key and the "
                         "Range Key element in the KeySchema have the same "
                         "name");
    const cJSON *a;
    const cJSON *b;
    cJSON_ArrayForEach(a, attrs) {
        for (b = a->next; b; b = b->next) {
            if (strcmp(json_get_string(a, "AttributeName"),
                       json_get_string(b, "AttributeName")) == 0)
                return fail_invalid(c, "Duplicate AttributeName in "
                                    "AttributeDefinitions");
        }
    }
    if (check_keys_defined(c, schema, attrs) < 0)
        return -1;
    /* With secondary indexes, ddb_index_spec checks the definitions
     * against every key schema instead. */
    if (!has_indexes(c) &&
        cJSON_GetArraySize(attrs) != cJSON_GetArraySize(schema))
        return fail_invalid(c, "Number of attributes in KeySchema does not "
                            "exactly match number of attributes defined in "
                            "AttributeDefinitions");
    return 0;
}

/* Reads ProvisionedThroughput's two units; -1 with the error recorded. */
static int read_throughput(struct call *c, struct ddb_errors *e,
                           const cJSON *pt, long long units[2])
{
    static const char *const members[2] = { "ReadCapacityUnits",
                                            "WriteCapacityUnits" };
    static const char *const paths[2] = {
        "provisionedThroughput.readCapacityUnits",
        "provisionedThroughput.writeCapacityUnits" };
    for (int i = 0; i < 2; i++) {
        bool present;
        if (ddb_input_integer(c, pt, members[i], &units[i], &present) < 0)
            return -1;
        char shown[32];
        snprintf(shown, sizeof shown, "%lld", units[i]);
        if (!present)
            ddb_errors_add(e, NULL, paths[i], "Member must not be null");
        else if (units[i] < 1)
            ddb_errors_add(e, shown, paths[i], "Member must have value "
                           "greater than or equal to 1");
    }
    return 0;
}

static cJSON *throughput_json(long long read, long long write)
{
    cJSON *pt = cJSON_CreateObject();
    cJSON_AddNumberToObject(pt, "NumberOfDecreasesToday", 0);
    cJSON_AddNumberToObject(pt, "ReadCapacityUnits", (double)read);
    cJSON_AddNumberToObject(pt, "WriteCapacityUnits", (double)write);
    return pt;
}

/* Sets BillingModeSummary and ProvisionedThroughput on desc. */
static int apply_billing(struct call *c, cJSON *desc, const char *mode,
                         const cJSON *pt)
{
    bool is_on_demand = mode && strcmp(mode, "PAY_PER_REQUEST") == 0;
    long long units[2] = { 0, 0 };
    if (is_on_demand && pt)
        return fail_invalid(c, "Neither ReadCapacityUnits nor "
                            "WriteCapacityUnits can be specified when "
                            "BillingMode is PAY_PER_REQUEST");
    if (!is_on_demand) {
        if (pt == NULL)
            return fail_invalid(c, "ReadCapacityUnits and WriteCapacityUnits "
                                "must both be specified when BillingMode is "
                                "PROVISIONED");
        struct ddb_errors e;
        ddb_errors_init(&e);
        if (read_throughput(c, &e, pt, units) < 0) {
            ddb_errors_clear(&e);
            return -1;
        }
        if (ddb_errors_report(c, &e) < 0)
            return -1;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(desc, "BillingModeSummary");
    cJSON_DeleteItemFromObjectCaseSensitive(desc, "ProvisionedThroughput");
    cJSON *summary = cJSON_AddObjectToObject(desc, "BillingModeSummary");
    cJSON_AddStringToObject(summary, "BillingMode",
                            is_on_demand ? "PAY_PER_REQUEST" : "PROVISIONED");
    cJSON_AddItemToObject(desc, "ProvisionedThroughput",
                          throughput_json(units[0], units[1]));
    return 0;
}

/* The stream label: the creation time as AWS formats it,
 * 2015-05-11T21:21:33.291 (UTC, milliseconds). */
static void stream_label(struct call *c, char *out, size_t len)
{
    int64_t ms = clock_now_ms(&c->emu->clock);
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    char day[32];
    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, len, "%s.%03d", day, (int)(ms % 1000));
}

/* Validates a StreamSpecification member shape; NULL spec passes. */
static int check_stream_spec(struct call *c, const cJSON *spec,
                             bool *enabled, const char **view)
{
    if (ddb_input_bool(c, spec, "StreamEnabled", enabled) < 0 ||
        ddb_input_string(c, spec, "StreamViewType", view) < 0)
        return -1;
    struct ddb_errors e;
    ddb_errors_init(&e);
    if (spec && json_get(spec, "StreamEnabled") == NULL)
        ddb_errors_add(&e, NULL, "streamSpecification.streamEnabled",
                       "Member must not be null");
    ddb_input_check_enum(&e, *view, "streamSpecification.streamViewType",
                         view_types);
    if (ddb_errors_report(c, &e) < 0)
        return -1;
    if (*enabled && *view == NULL)
        return fail_invalid(c, "You must specify a StreamViewType when "
                            "enabling a stream");
    if (!*enabled && *view)
        return fail_invalid(c, "You cannot modify StreamViewType when "
                            "disabling a stream");
    return 0;
}

static void enable_stream(struct call *c, cJSON *desc, const char *view)
{
    char label[40];
    stream_label(c, label, sizeof label);
    cJSON *spec = cJSON_AddObjectToObject(desc, "StreamSpecification");
    cJSON_AddBoolToObject(spec, "StreamEnabled", true);
    cJSON_AddStringToObject(spec, "StreamViewType", view);
    cJSON_DeleteItemFromObjectCaseSensitive(desc, "LatestStreamLabel");
    cJSON_DeleteItemFromObjectCaseSensitive(desc, "LatestStreamArn");
    cJSON_AddStringToObject(desc, "LatestStreamLabel", label);
    struct buf arn;
    buf_init(&arn, 0);
    buf_printf(&arn, "%s/stream/%s", json_get_string(desc, "TableArn"),
               label);
    cJSON_AddStringToObject(desc, "LatestStreamArn", buf_cstr(&arn));
    buf_clear(&arn);
}

static void write_table_id(char *out)
{
    uint8_t r[16];
    crypto_random(r, sizeof r);
    r[6] = (uint8_t)((r[6] & 0x0f) | 0x40);
    r[8] = (uint8_t)((r[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4], r[5],
             r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14],
             r[15]);
}

static cJSON *new_description(struct call *c, const char *name,
                              const cJSON *schema, const cJSON *attrs)
{
    cJSON *desc = cJSON_CreateObject();
    char arn[400];
    char id[37];
    snprintf(arn, sizeof arn, "arn:aws:dynamodb:%s:%s:table/%s",
             c->emu->region, c->emu->account, name);
    write_table_id(id);
    cJSON_AddStringToObject(desc, "TableName", name);
    cJSON_AddStringToObject(desc, "TableArn", arn);
    cJSON_AddStringToObject(desc, "TableId", id);
    cJSON_AddNumberToObject(desc, "CreationDateTime",
                            (double)clock_now_ms(&c->emu->clock) / 1000.0);
    cJSON_AddItemToObject(desc, "AttributeDefinitions",
                          cJSON_Duplicate(attrs, true));
    cJSON_AddItemToObject(desc, "KeySchema", cJSON_Duplicate(schema, true));
    cJSON_AddBoolToObject(desc, "DeletionProtectionEnabled", false);
    return desc;
}

/* Member-level checks of CreateTable, all reported together. */
static int check_create_members(struct call *c, const char *name,
                                const cJSON *schema, const cJSON *attrs,
                                const char *mode)
{
    struct ddb_errors e;
    ddb_errors_init(&e);
    ddb_input_check_name(&e, name, "tableName");
    check_key_schema(&e, schema);
    check_attribute_definitions(&e, attrs);
    ddb_input_check_enum(&e, mode, "billingMode", billing_modes);
    if (ddb_index_spec_check_members(
            c, &e, json_get(c->input, "LocalSecondaryIndexes"),
            json_get(c->input, "GlobalSecondaryIndexes")) < 0) {
        ddb_errors_clear(&e);
        return -1;
    }
    return ddb_errors_report(c, &e);
}

cJSON *ddb_table_spec_create(struct call *c)
{
    const char *name, *mode;
    const cJSON *schema, *attrs, *pt, *stream, *lsis, *gsis;
    if (ddb_input_string(c, c->input, "TableName", &name) < 0 ||
        ddb_input_array(c, c->input, "KeySchema", &schema) < 0 ||
        ddb_input_array(c, c->input, "AttributeDefinitions", &attrs) < 0 ||
        ddb_input_string(c, c->input, "BillingMode", &mode) < 0 ||
        ddb_input_object(c, c->input, "ProvisionedThroughput", &pt) < 0 ||
        ddb_input_object(c, c->input, "StreamSpecification", &stream) < 0 ||
        ddb_input_array(c, c->input, "LocalSecondaryIndexes", &lsis) < 0 ||
        ddb_input_array(c, c->input, "GlobalSecondaryIndexes", &gsis) < 0)
        return NULL;
    if (check_create_members(c, name, schema, attrs, mode) < 0 ||
        check_key_semantics(c, schema, attrs) < 0)
        return NULL;
    bool is_stream_enabled = false;
    const char *view = NULL;
    if (check_stream_spec(c, stream, &is_stream_enabled, &view) < 0)
        return NULL;
    cJSON *desc = new_description(c, name, schema, attrs);
    bool is_on_demand = mode && strcmp(mode, "PAY_PER_REQUEST") == 0;
    if (apply_billing(c, desc, mode, pt) < 0 ||
        ddb_index_spec_create(c, desc, lsis, gsis, is_on_demand) < 0) {
        cJSON_Delete(desc);
        return NULL;
    }
    if (is_stream_enabled)
        enable_stream(c, desc, view);
    return desc;
}

static bool has_enabled_stream(const cJSON *desc)
{
    return cJSON_IsTrue(json_get(json_get(desc, "StreamSpecification"),
                                 "StreamEnabled"));
}

/* Applies an UpdateTable StreamSpecification: enabling an enabled stream
 * (with any view type) and disabling a disabled one are both refused, as
 * AWS refuses them. A disabled stream keeps its label and ARN. */
static int apply_stream_update(struct call *c, cJSON *desc,
                               const cJSON *stream)
{
    bool is_enabled;
    const char *view;
    if (check_stream_spec(c, stream, &is_enabled, &view) < 0)
        return -1;
    const char *name = json_get_string(desc, "TableName");
    if (is_enabled == has_enabled_stream(desc))
        return call_fail(c, AWS_ERR_VALIDATION, is_enabled
                         ? "Table already has an enabled stream: TableName: %s"
                         : "Table does not have an enabled stream: "
                           "TableName: %s", name);
    cJSON_DeleteItemFromObjectCaseSensitive(desc, "StreamSpecification");
    if (is_enabled)
        enable_stream(c, desc, view);
    return 0;
}

static bool is_provisioned(const cJSON *desc)
{
    const char *mode = json_get_string(json_get(desc, "BillingModeSummary"),
                                       "BillingMode");
    return mode == NULL || strcmp(mode, "PROVISIONED") == 0;
}

/* AWS refuses an UpdateTable that asks a provisioned table for the
 * throughput it already has (callers that scale tables rely on this). */
static int check_throughput_changes(struct call *c, const cJSON *old,
                                    const cJSON *updated)
{
    const cJSON *was = json_get(old, "ProvisionedThroughput");
    const cJSON *now = json_get(updated, "ProvisionedThroughput");
    double read = cJSON_GetNumberValue(json_get(was, "ReadCapacityUnits"));
    double write = cJSON_GetNumberValue(json_get(was, "WriteCapacityUnits"));
    if (!is_provisioned(old) || !is_provisioned(updated) ||
        read != cJSON_GetNumberValue(json_get(now, "ReadCapacityUnits")) ||
        write != cJSON_GetNumberValue(json_get(now, "WriteCapacityUnits")))
        return 0;
    return call_fail(c, AWS_ERR_VALIDATION, "The provisioned throughput for "
                     "the table will not change. The requested value equals "
                     "the current value. Current ReadCapacityUnits "
                     "provisioned for the table: %.0f. Requested "
                     "ReadCapacityUnits: %.0f. Current WriteCapacityUnits "
                     "provisioned for the table: %.0f. Requested "
                     "WriteCapacityUnits: %.0f. Refer to the Amazon DynamoDB "
                     "Developer Guide for current limits and how to request "
                     "higher limits.", read, read, write, write);
}

cJSON *ddb_table_spec_update(struct call *c, const struct ddb_table_def *def)
{
    const char *mode;
    const cJSON *pt, *stream;
    if (ddb_input_string(c, c->input, "BillingMode", &mode) < 0 ||
        ddb_input_object(c, c->input, "ProvisionedThroughput", &pt) < 0 ||
        ddb_input_object(c, c->input, "StreamSpecification", &stream) < 0)
        return NULL;
    struct ddb_errors e;
    ddb_errors_init(&e);
    ddb_input_check_enum(&e, mode, "billingMode", billing_modes);
    if (ddb_errors_report(c, &e) < 0)
        return NULL;
    if (mode == NULL && pt == NULL && stream == NULL &&
        json_get(c->input, "GlobalSecondaryIndexUpdates") == NULL) {
        call_fail(c, AWS_ERR_VALIDATION, "At least one of "
                  "ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
                  "GlobalSecondaryIndexUpdates or SSESpecification or "
                  "ReplicaUpdates is required");
        return NULL;
    }
    cJSON *desc = cJSON_Duplicate(def->desc, true);
    if (mode == NULL && pt)
        mode = json_get_string(json_get(desc, "BillingModeSummary"),
                               "BillingMode");
    if (((mode || pt) && apply_billing(c, desc, mode, pt) < 0) ||
        (pt && check_throughput_changes(c, def->desc, desc) < 0) ||
        (stream && apply_stream_update(c, desc, stream) < 0) ||
        ddb_index_spec_update(c, desc) < 0) {
        cJSON_Delete(desc);
        return NULL;
    }
    return desc;
}
