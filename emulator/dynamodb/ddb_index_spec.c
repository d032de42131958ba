/* Secondary index validation and descriptions; see ddb_index_spec.h. The
 * messages and their order are AWS's, as dynalite's tests (run against
 * AWS) and users' reports record them: constraint violations are collected
 * with the table's own, semantic rules fail one at a time, LSIs first. */
#include "dynamodb/ddb_index_spec.h"

#include "base/buf.h"
#include "base/json.h"
#include "dynamodb/ddb_input.h"
#include "http/call.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define INVALID "One or more parameter values were invalid: "

static const char *const projection_types[] = { "ALL", "INCLUDE",
                                                "KEYS_ONLY", NULL };

__attribute__((format(printf, 2, 3)))
static int fail_invalid(struct call *c, const char *fmt, ...)
{
    char detail[1536];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    return call_fail(c, AWS_ERR_VALIDATION, INVALID "%s", detail);
}

static void check_index_key_schema(struct ddb_errors *e, const char *base,
                                   const cJSON *schema)
{
    char path[160];
    snprintf(path, sizeof path, "%s.keySchema", base);
    if (schema == NULL) {
        ddb_errors_add(e, NULL, path, "Member must not be null");
        return;
    }
    int n = cJSON_GetArraySize(schema);
    if (n < 1)
        ddb_errors_add(e, "[]", path, "Member must have length greater "
                       "than or equal to 1");
    if (n > 2)
        ddb_errors_add(e, "[...]", path, "Member must have length less "
                       "than or equal to 2");
    const cJSON *el;
    int i = 0;
    cJSON_ArrayForEach(el, schema) {
        i++;
        snprintf(path, sizeof path, "%s.keySchema.%d.member.keyType", base,
                 i);
        if (json_get_string(el, "KeyType") == NULL)
            ddb_errors_add(e, NULL, path, "Member must not be null");
        snprintf(path, sizeof path, "%s.keySchema.%d.member.attributeName",
                 base, i);
        if (json_get_string(el, "AttributeName") == NULL)
            ddb_errors_add(e, NULL, path, "Member must not be null");
    }
}

static void check_projection(struct ddb_errors *e, const char *base,
                             const cJSON *projection)
{
    char path[160];
    snprintf(path, sizeof path, "%s.projection", base);
    if (projection == NULL) {
        ddb_errors_add(e, NULL, path, "Member must not be null");
        return;
    }
    snprintf(path, sizeof path, "%s.projection.projectionType", base);
    ddb_input_check_enum(e, json_get_string(projection, "ProjectionType"),
                         path, projection_types);
    const cJSON *non_key = json_get(projection, "NonKeyAttributes");
    snprintf(path, sizeof path, "%s.projection.nonKeyAttributes", base);
    if (cJSON_IsArray(non_key) && cJSON_GetArraySize(non_key) < 1)
        ddb_errors_add(e, "[]", path, "Member must have length greater "
                       "than or equal to 1");
}

static void check_index_throughput(struct ddb_errors *e, const char *base,
                                   const cJSON *pt)
{
    static const char *const members[2] = { "ReadCapacityUnits",
                                            "WriteCapacityUnits" };
    static const char *const names[2] = { "readCapacityUnits",
                                          "writeCapacityUnits" };
    if (pt == NULL)
        return;
    for (int i = 0; i < 2; i++) {
        char path[192];
        char shown[32];
        const cJSON *v = json_get(pt, members[i]);
        snprintf(path, sizeof path, "%s.provisionedThroughput.%s", base,
                 names[i]);
        if (!cJSON_IsNumber(v)) {
            ddb_errors_add(e, NULL, path, "Member must not be null");
            continue;
        }
        snprintf(shown, sizeof shown, "%.0f", v->valuedouble);
        if (v->valuedouble < 1)
            ddb_errors_add(e, shown, path, "Member must have value greater "
                           "than or equal to 1");
    }
}

/* The members of one index, by its path ("globalSecondaryIndexes.1.member"
 * or UpdateTable's "...create"). */
static void check_one(struct ddb_errors *e, const char *base,
                      const cJSON *spec, bool is_global)
{
    char path[160];
    check_index_key_schema(e, base, json_get(spec, "KeySchema"));
    check_projection(e, base, json_get(spec, "Projection"));
    snprintf(path, sizeof path, "%s.indexName", base);
    ddb_input_check_name(e, json_get_string(spec, "IndexName"), path);
    if (is_global)
        check_index_throughput(e, base, json_get(spec,
                                                 "ProvisionedThroughput"));
}

/* Rejects members of the wrong JSON type, as the table's members are. */
static int check_types(struct call *c, const cJSON *spec)
{
    const char *s;
    const cJSON *v;
    const cJSON *projection;
    if (!cJSON_IsObject(spec))
        return call_fail(c, AWS_ERR_SERIALIZATION, "Unexpected value type "
                         "in payload");
    if (ddb_input_string(c, spec, "IndexName", &s) < 0 ||
        ddb_input_array(c, spec, "KeySchema", &v) < 0 ||
        ddb_input_object(c, spec, "Projection", &projection) < 0 ||
        ddb_input_object(c, spec, "ProvisionedThroughput", &v) < 0 ||
        ddb_input_string(c, projection, "ProjectionType", &s) < 0 ||
        ddb_input_array(c, projection, "NonKeyAttributes", &v) < 0)
        return -1;
    const cJSON *el;
    cJSON_ArrayForEach(el, json_get(spec, "KeySchema")) {
        if (!cJSON_IsObject(el) ||
            ddb_input_string(c, el, "AttributeName", &s) < 0 ||
            ddb_input_string(c, el, "KeyType", &s) < 0)
            return el && cJSON_IsObject(el)
                       ? -1
                       : call_fail(c, AWS_ERR_SERIALIZATION, "Unexpected "
                                   "value type in payload");
    }
    cJSON_ArrayForEach(el, json_get(projection, "NonKeyAttributes")) {
        if (!cJSON_IsString(el))
            return call_fail(c, AWS_ERR_SERIALIZATION, "Unexpected value "
                             "type in payload");
    }
    return 0;
}

int ddb_index_spec_check_members(struct call *c, struct ddb_errors *e,
                                 const cJSON *lsis, const cJSON *gsis)
{
    const cJSON *lists[2] = { lsis, gsis };
    static const char *const names[2] = { "localSecondaryIndexes",
                                          "globalSecondaryIndexes" };
    for (int k = 0; k < 2; k++) {
        const cJSON *spec;
        int i = 0;
        cJSON_ArrayForEach(spec, lists[k]) {
            char base[80];
            if (check_types(c, spec) < 0)
                return -1;
            snprintf(base, sizeof base, "%s.%d.member", names[k], ++i);
            check_one(e, base, spec, k == 1);
        }
    }
    return 0;
}

/* "[a, b]" of the strings at member of each element (NULL member: the
 * elements are strings). */
static void write_list(struct buf *b, const cJSON *list, const char *member)
{
    const cJSON *el;
    size_t start = b->len;
    buf_putc(b, '[');
    cJSON_ArrayForEach(el, list) {
        const char *s = member ? json_get_string(el, member)
                               : cJSON_GetStringValue(el);
        buf_printf(b, "%s%s", b->len > start + 1 ? ", " : "", s ? s : "");
    }
    buf_putc(b, ']');
}

static bool is_defined(const cJSON *attrs, const char *name)
{
    const cJSON *el;
    cJSON_ArrayForEach(el, attrs) {
        const char *aname = json_get_string(el, "AttributeName");
        if (name && aname && strcmp(aname, name) == 0)
            return true;
    }
    return false;
}

static int check_keys_defined(struct call *c, const cJSON *schema,
                              const cJSON *attrs)
{
    const cJSON *el;
    cJSON_ArrayForEach(el, schema) {
        if (is_defined(attrs, json_get_string(el, "AttributeName")))
            continue;
        struct buf keys;
        struct buf defs;
        buf_init(&keys, 0);
        buf_init(&defs, 0);
        write_list(&keys, schema, "AttributeName");
        write_list(&defs, attrs, "AttributeName");
        fail_invalid(c, "Some index key attributes are not defined in "
                     "AttributeDefinitions. Keys: %s, AttributeDefinitions: "
                     "%s", buf_cstr(&keys), buf_cstr(&defs));
        buf_clear(&keys);
        buf_clear(&defs);
        return -1;
    }
    return 0;
}

static const char *key_name(const cJSON *schema, int i)
{
    return json_get_string(cJSON_GetArrayItem(schema, i), "AttributeName");
}

static const char *key_type(const cJSON *schema, int i)
{
    return json_get_string(cJSON_GetArrayItem(schema, i), "KeyType");
}

/* The key schema rules an index shares with the table. */
static int check_index_keys(struct call *c, const cJSON *schema,
                            const cJSON *attrs)
{
    if (check_keys_defined(c, schema, attrs) < 0)
        return -1;
    const char *second = key_name(schema, 1);
    if (second && strcmp(key_name(schema, 0), second) == 0)
        return call_fail(c, AWS_ERR_VALIDATION, "Both the Hash Key and the "
                         "Range Key element in the KeySchema have the same "
                         "name");
    if (strcmp(key_type(schema, 0), "HASH") != 0)
        return call_fail(c, AWS_ERR_VALIDATION, "Invalid KeySchema: The "
                         "first KeySchemaElement is not a HASH key type");
    if (second && strcmp(key_type(schema, 1), "RANGE") != 0)
        return call_fail(c, AWS_ERR_VALIDATION, "Invalid KeySchema: The "
                         "second KeySchemaElement is not a RANGE key type");
    return 0;
}

static int check_projection_rules(struct call *c, const cJSON *projection)
{
    const char *type = json_get_string(projection, "ProjectionType");
    const cJSON *non_key = json_get(projection, "NonKeyAttributes");
    if (type == NULL)
        return fail_invalid(c, "Unknown ProjectionType: null");
    if (non_key && strcmp(type, "INCLUDE") != 0)
        return fail_invalid(c, "ProjectionType is %s, but NonKeyAttributes "
                            "is specified", type);
    if (non_key == NULL && strcmp(type, "INCLUDE") == 0)
        return fail_invalid(c, "ProjectionType is INCLUDE, but "
                            "NonKeyAttributes is not specified");
    const cJSON *a;
    cJSON_ArrayForEach(a, non_key) {
        for (const cJSON *b = a->next; b; b = b->next) {
            if (strcmp(a->valuestring, b->valuestring) == 0)
                return fail_invalid(c, "Duplicate element in "
                                    "NonKeyAttributes: %s", a->valuestring);
        }
    }
    return 0;
}

/* ProvisionedThroughput of a GSI against the table's billing mode. */
static int check_gsi_throughput(struct call *c, const cJSON *spec,
                                bool is_on_demand, bool is_update)
{
    const char *name = json_get_string(spec, "IndexName");
    const cJSON *pt = json_get(spec, "ProvisionedThroughput");
    if (is_on_demand && pt)
        return fail_invalid(c, "ProvisionedThroughput should not be "
                            "specified for index: %s when BillingMode is "
                            "PAY_PER_REQUEST", name);
    /* CreateTable and UpdateTable word this one differently. */
    if (!is_on_demand && pt == NULL && is_update)
        return fail_invalid(c, "ProvisionedThroughput must be specified for "
                            "index: %s", name);
    if (!is_on_demand && pt == NULL)
        return fail_invalid(c, "ProvisionedThroughput is not specified for "
                            "index: %s", name);
    return 0;
}

/* The description of a new index: the request's members, the index ARN,
 * and for a GSI its throughput (zeros on demand, as AWS shows them). */
static cJSON *describe_index(const cJSON *desc, const cJSON *spec,
                             bool is_global)
{
    const char *name = json_get_string(spec, "IndexName");
    const cJSON *pt = json_get(spec, "ProvisionedThroughput");
    cJSON *out = cJSON_CreateObject();
    struct buf arn;
    buf_init(&arn, 0);
    buf_printf(&arn, "%s/index/%s", json_get_string(desc, "TableArn"), name);
    cJSON_AddStringToObject(out, "IndexName", name);
    cJSON_AddItemToObject(out, "KeySchema",
                          cJSON_Duplicate(json_get(spec, "KeySchema"), true));
    cJSON_AddItemToObject(out, "Projection",
                          cJSON_Duplicate(json_get(spec, "Projection"), true));
    if (is_global) {
        cJSON *t = cJSON_AddObjectToObject(out, "ProvisionedThroughput");
        cJSON_AddNumberToObject(t, "NumberOfDecreasesToday", 0);
        cJSON_AddNumberToObject(t, "ReadCapacityUnits", cJSON_GetNumberValue(
            json_get(pt, "ReadCapacityUnits")) > 0
            ? cJSON_GetNumberValue(json_get(pt, "ReadCapacityUnits")) : 0);
        cJSON_AddNumberToObject(t, "WriteCapacityUnits", cJSON_GetNumberValue(
            json_get(pt, "WriteCapacityUnits")) > 0
            ? cJSON_GetNumberValue(json_get(pt, "WriteCapacityUnits")) : 0);
    }
    cJSON_AddStringToObject(out, "IndexArn", buf_cstr(&arn));
    buf_clear(&arn);
    return out;
}

/* Whether name was already seen among the indexes before spec. */
static bool is_duplicate(const cJSON *lsis, const cJSON *gsis,
                         const cJSON *spec)
{
    const char *name = json_get_string(spec, "IndexName");
    const cJSON *lists[2] = { lsis, gsis };
    for (int k = 0; k < 2; k++) {
        const cJSON *el;
        cJSON_ArrayForEach(el, lists[k]) {
            if (el == spec)
                return false;
            const char *other = json_get_string(el, "IndexName");
            if (other && strcmp(other, name) == 0)
                return true;
        }
    }
    return false;
}

static int check_lsis(struct call *c, const cJSON *desc, const cJSON *lsis,
                      const cJSON *gsis)
{
    const cJSON *table_schema = json_get(desc, "KeySchema");
    const cJSON *attrs = json_get(desc, "AttributeDefinitions");
    const char *table_hash = key_name(table_schema, 0);
    if (cJSON_GetArraySize(lsis) == 0)
        return fail_invalid(c, "List of LocalSecondaryIndexes is empty");
    if (cJSON_GetArraySize(table_schema) != 2)
        return fail_invalid(c, "Table KeySchema does not have a range key, "
                            "which is required when specifying a "
                            "LocalSecondaryIndex");
    const cJSON *spec;
    cJSON_ArrayForEach(spec, lsis) {
        const char *name = json_get_string(spec, "IndexName");
        const cJSON *schema = json_get(spec, "KeySchema");
        if (check_index_keys(c, schema, attrs) < 0)
            return -1;
        if (cJSON_GetArraySize(schema) != 2)
            return fail_invalid(c, "Index KeySchema does not have a range "
                                "key for index: %s", name);
        if (strcmp(key_name(schema, 0), table_hash) != 0)
            return fail_invalid(c, "Index KeySchema does not have the same "
                                "leading hash key as table KeySchema for "
                                "index: %s. index hash key: %s, table hash "
                                "key: %s", name, key_name(schema, 0),
                                table_hash);
        if (check_projection_rules(c, json_get(spec, "Projection")) < 0)
            return -1;
        if (is_duplicate(lsis, gsis, spec))
            return fail_invalid(c, "Duplicate index name: %s", name);
    }
    if (cJSON_GetArraySize(lsis) > DDB_MAX_LOCAL_INDEXES)
        return fail_invalid(c, "Number of LocalSecondaryIndexes exceeds "
                            "per-table limit of %d", DDB_MAX_LOCAL_INDEXES);
    return 0;
}

static int check_gsis(struct call *c, const cJSON *desc, const cJSON *lsis,
                      const cJSON *gsis, bool is_on_demand)
{
    const cJSON *attrs = json_get(desc, "AttributeDefinitions");
    if (cJSON_GetArraySize(gsis) == 0)
        return fail_invalid(c, "List of GlobalSecondaryIndexes is empty");
    const cJSON *spec;
    cJSON_ArrayForEach(spec, gsis) {
        if (check_index_keys(c, json_get(spec, "KeySchema"), attrs) < 0 ||
            check_projection_rules(c, json_get(spec, "Projection")) < 0)
            return -1;
        if (is_duplicate(lsis, gsis, spec))
            return fail_invalid(c, "Duplicate index name: %s",
                                json_get_string(spec, "IndexName"));
        if (check_gsi_throughput(c, spec, is_on_demand, false) < 0)
            return -1;
    }
    if (cJSON_GetArraySize(gsis) > DDB_MAX_GLOBAL_INDEXES)
        return fail_invalid(c, "GlobalSecondaryIndex count exceeds the "
                            "per-table limit of %d", DDB_MAX_GLOBAL_INDEXES);
    return 0;
}

/* Adds the schema's attribute names not yet in used (a list of strings). */
static void add_used(cJSON *used, const cJSON *schema)
{
    const cJSON *el;
    cJSON_ArrayForEach(el, schema) {
        const char *name = json_get_string(el, "AttributeName");
        bool is_new = name != NULL;
        const cJSON *u;
        cJSON_ArrayForEach(u, used) {
            if (is_new && strcmp(u->valuestring, name) == 0)
                is_new = false;
        }
        if (is_new)
            cJSON_AddItemToArray(used, cJSON_CreateString(name));
    }
}

static int check_all_used(struct call *c, const cJSON *desc,
                          const cJSON *lsis, const cJSON *gsis)
{
    const cJSON *attrs = json_get(desc, "AttributeDefinitions");
    cJSON *used = cJSON_CreateArray();
    add_used(used, json_get(desc, "KeySchema"));
    const cJSON *lists[2] = { lsis, gsis };
    for (int k = 0; k < 2; k++) {
        const cJSON *spec;
        cJSON_ArrayForEach(spec, lists[k])
            add_used(used, json_get(spec, "KeySchema"));
    }
    int rc = 0;
    if (cJSON_GetArraySize(attrs) > cJSON_GetArraySize(used)) {
        struct buf defs;
        struct buf keys;
        buf_init(&defs, 0);
        buf_init(&keys, 0);
        write_list(&defs, attrs, "AttributeName");
        write_list(&keys, used, NULL);
        rc = fail_invalid(c, "Some AttributeDefinitions are not used. "
                          "AttributeDefinitions: %s, keys used: %s",
                          buf_cstr(&defs), buf_cstr(&keys));
        buf_clear(&defs);
        buf_clear(&keys);
    }
    cJSON_Delete(used);
    return rc;
}

static void add_descriptions(cJSON *desc, const char *member,
                             const cJSON *list, bool is_global)
{
    if (list == NULL)
        return;
    cJSON *out = cJSON_AddArrayToObject(desc, member);
    const cJSON *spec;
    cJSON_ArrayForEach(spec, list)
        cJSON_AddItemToArray(out, describe_index(desc, spec, is_global));
}

int ddb_index_spec_create(struct call *c, cJSON *desc, const cJSON *lsis,
                          const cJSON *gsis, bool is_on_demand)
{
    if ((lsis && check_lsis(c, desc, lsis, gsis) < 0) ||
        (gsis && check_gsis(c, desc, lsis, gsis, is_on_demand) < 0) ||
        check_all_used(c, desc, lsis, gsis) < 0)
        return -1;
    add_descriptions(desc, "LocalSecondaryIndexes", lsis, false);
    add_descriptions(desc, "GlobalSecondaryIndexes", gsis, true);
    return 0;
}

/* ---- UpdateTable ---------------------------------------------------- */

static cJSON *find_index(cJSON *desc, const char *member, const char *name)
{
    cJSON *el;
    cJSON_ArrayForEach(el, json_get(desc, member)) {
        const char *n = json_get_string(el, "IndexName");
        if (n && name && strcmp(n, name) == 0)
            return el;
    }
    return NULL;
}

static bool is_on_demand_table(const cJSON *desc)
{
    const char *mode = json_get_string(json_get(desc, "BillingModeSummary"),
                                       "BillingMode");
    return mode && strcmp(mode, "PAY_PER_REQUEST") == 0;
}

/* Adds the request's definitions of attributes the table does not define
 * yet, so the new index's key types are known. */
static void merge_definitions(cJSON *desc, const cJSON *attrs)
{
    cJSON *have = cJSON_GetObjectItemCaseSensitive(desc,
                                                   "AttributeDefinitions");
    const cJSON *el;
    cJSON_ArrayForEach(el, attrs) {
        if (!is_defined(have, json_get_string(el, "AttributeName")))
            cJSON_AddItemToArray(have, cJSON_Duplicate(el, true));
    }
}

static int apply_create(struct call *c, cJSON *desc, const cJSON *spec)
{
    const char *name = json_get_string(spec, "IndexName");
    const cJSON *attrs = json_get(c->input, "AttributeDefinitions");
    const cJSON *schema = json_get(spec, "KeySchema");
    if (find_index(desc, "GlobalSecondaryIndexes", name) ||
        find_index(desc, "LocalSecondaryIndexes", name))
        return call_fail(c, AWS_ERR_VALIDATION, "Attempting to create an "
                         "index which already exists");
    if (attrs == NULL)
        return fail_invalid(c, "AttributeDefinitions is not specified for "
                            "index: %s", name);
    /* The new keys must be defined in this request's AttributeDefinitions;
     * the table's own definitions do not count. */
    if (check_index_keys(c, schema, attrs) < 0 ||
        check_projection_rules(c, json_get(spec, "Projection")) < 0 ||
        check_gsi_throughput(c, spec, is_on_demand_table(desc), true) < 0)
        return -1;
    if (cJSON_GetArraySize(json_get(desc, "GlobalSecondaryIndexes")) >=
        DDB_MAX_GLOBAL_INDEXES)
        return call_fail(c, AWS_ERR_LIMIT_EXCEEDED, "Subscriber limit "
                         "exceeded: GlobalSecondaryIndex count exceeds the "
                         "per-table limit of %d", DDB_MAX_GLOBAL_INDEXES);
    merge_definitions(desc, attrs);
    cJSON *list = cJSON_GetObjectItemCaseSensitive(desc,
                                                   "GlobalSecondaryIndexes");
    if (list == NULL)
        list = cJSON_AddArrayToObject(desc, "GlobalSecondaryIndexes");
    cJSON_AddItemToArray(list, describe_index(desc, spec, true));
    return 0;
}

static int apply_delete(struct call *c, cJSON *desc, const cJSON *spec)
{
    const char *name = json_get_string(spec, "IndexName");
    cJSON *list = cJSON_GetObjectItemCaseSensitive(desc,
                                                   "GlobalSecondaryIndexes");
    cJSON *idx = find_index(desc, "GlobalSecondaryIndexes", name);
    if (idx == NULL && find_index(desc, "LocalSecondaryIndexes", name))
        return call_fail(c, AWS_ERR_VALIDATION, "Cannot delete an index that "
                         "is not a GlobalSecondaryIndex: %s", name);
    if (idx == NULL)
        return call_fail(c, AWS_ERR_RESOURCE_NOT_FOUND, "Requested resource "
                         "not found: Index: %s not found", name ? name : "");
    cJSON_Delete(cJSON_DetachItemViaPointer(list, idx));
    if (cJSON_GetArraySize(list) == 0)
        cJSON_DeleteItemFromObjectCaseSensitive(desc,
                                                "GlobalSecondaryIndexes");
    return 0;
}

static int apply_throughput(struct call *c, cJSON *desc, const cJSON *spec)
{
    const char *name = json_get_string(spec, "IndexName");
    const cJSON *pt = json_get(spec, "ProvisionedThroughput");
    cJSON *idx = find_index(desc, "GlobalSecondaryIndexes", name);
    if (idx == NULL && find_index(desc, "LocalSecondaryIndexes", name))
        return call_fail(c, AWS_ERR_VALIDATION, "Cannot update an index that "
                         "is not a GlobalSecondaryIndex: %s", name);
    if (idx == NULL)
        return call_fail(c, AWS_ERR_RESOURCE_NOT_FOUND, "Requested resource "
                         "not found: Index: %s not found", name ? name : "");
    if (is_on_demand_table(desc))
        return fail_invalid(c, "The only Updates for index: %s when "
                            "TableThroughputMode is PAY_PER_REQUEST can be to "
                            "OnDemandThroughput, WarmThroughput", name);
    const cJSON *read = json_get(pt, "ReadCapacityUnits");
    const cJSON *write = json_get(pt, "WriteCapacityUnits");
    if (!cJSON_IsNumber(read) || !cJSON_IsNumber(write))
        return fail_invalid(c, "Both ReadCapacityUnits and "
                            "WriteCapacityUnits must be specified for "
                            "index: %s", name);
    cJSON *t = cJSON_GetObjectItemCaseSensitive(idx,
                                                "ProvisionedThroughput");
    cJSON_ReplaceItemInObjectCaseSensitive(t, "ReadCapacityUnits",
                                           cJSON_Duplicate(read, true));
    cJSON_ReplaceItemInObjectCaseSensitive(t, "WriteCapacityUnits",
                                           cJSON_Duplicate(write, true));
    return 0;
}

/* Member checks of the updates, collected; -1 with the error recorded. */
static int check_update_members(struct call *c, const cJSON *updates)
{
    struct ddb_errors e;
    ddb_errors_init(&e);
    const cJSON *u;
    int i = 0;
    cJSON_ArrayForEach(u, updates) {
        const cJSON *create;
        const cJSON *other;
        char base[96];
        snprintf(base, sizeof base, "globalSecondaryIndexUpdates.%d.member",
                 ++i);
        if (!cJSON_IsObject(u) ||
            ddb_input_object(c, u, "Create", &create) < 0 ||
            ddb_input_object(c, u, "Update", &other) < 0 ||
            ddb_input_object(c, u, "Delete", &other) < 0 ||
            (create && check_types(c, create) < 0)) {
            ddb_errors_clear(&e);
            return cJSON_IsObject(u) ? -1
                                     : call_fail(c, AWS_ERR_SERIALIZATION,
                                                 "Unexpected value type in "
                                                 "payload");
        }
        if (create) {
            char path[128];
            snprintf(path, sizeof path, "%s.create", base);
            check_one(&e, path, create, true);
        }
        const char *kinds[2] = { "Update", "Delete" };
        for (int k = 0; k < 2; k++) {
            const cJSON *spec = json_get(u, kinds[k]);
            char path[128];
            snprintf(path, sizeof path, "%s.%s.indexName", base,
                     k ? "delete" : "update");
            if (spec)
                ddb_input_check_name(&e, json_get_string(spec, "IndexName"),
                                     path);
        }
    }
    return ddb_errors_report(c, &e);
}

/* Whether a member is given and not JSON null. */
static bool is_given(const cJSON *obj, const char *member)
{
    const cJSON *v = json_get(obj, member);
    return v != NULL && !cJSON_IsNull(v);
}

int ddb_index_spec_update(struct call *c, cJSON *desc)
{
    const cJSON *updates;
    if (ddb_input_array(c, c->input, "GlobalSecondaryIndexUpdates",
                        &updates) < 0 ||
        check_update_members(c, updates) < 0)
        return -1;
    if (updates == NULL)
        return 0;
    if (cJSON_GetArraySize(updates) == 0)
        return fail_invalid(c, "List of GlobalSecondaryIndexUpdates is "
                            "empty");
    int online = 0;
    const cJSON *u;
    cJSON_ArrayForEach(u, updates) {
        int actions = is_given(u, "Create") + is_given(u, "Update") +
                      is_given(u, "Delete");
        if (actions == 0)
            return fail_invalid(c, "One of GlobalSecondaryIndexUpdate."
                                "Update, GlobalSecondaryIndexUpdate.Create, "
                                "GlobalSecondaryIndexUpdate.Delete must not "
                                "be null");
        if (actions > 1)
            return fail_invalid(c, "Only one global secondary index action "
                                "is allowed per GlobalSecondaryIndexUpdate "
                                "object");
        online += is_given(u, "Create") || is_given(u, "Delete");
    }
    if (online > 1)
        return call_fail(c, AWS_ERR_LIMIT_EXCEEDED, "Subscriber limit "
                         "exceeded: Only 1 online index can be created or "
                         "deleted simultaneously per table");
    if (online && is_given(c->input, "StreamSpecification"))
        return fail_invalid(c, "You cannot create or delete index while "
                            "changing stream status");
    if (online && is_given(c->input, "ProvisionedThroughput"))
        return fail_invalid(c, "You cannot create or delete index while "
                            "updating table IOPS");
    cJSON_ArrayForEach(u, updates) {
        int rc = is_given(u, "Create")   ? apply_create(c, desc,
                                                        json_get(u, "Create"))
                 : is_given(u, "Delete") ? apply_delete(c, desc,
                                                        json_get(u, "Delete"))
                                         : apply_throughput(
                                               c, desc, json_get(u, "Update"));
        if (rc < 0)
            return -1;
    }
    return 0;
}
