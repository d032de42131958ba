/* Tags, limits and endpoints; see ddb_tags.h. Tags live in the table's
 * stored description under "Tags" (DescribeTable leaves them out) and
 * change through ddb_table_change_desc, like Time to Live. */
#include "dynamodb/ddb_tags.h"

#include "base/json.h"
#include "dynamodb/ddb_catalog.h"
#include "dynamodb/ddb_input.h"
#include "dynamodb/ddb_table.h"
#include "http/call.h"
#include "state.h"

#include <stdio.h>
#include <string.h>

/* Tag limits (developer guide, "Tagging restrictions"): keys of 1 to 128
 * characters, values up to 256, 50 tags per resource. */
#define DDB_TAG_MAX_KEY 128
#define DDB_TAG_MAX_VALUE 256
#define DDB_TAG_MAX_PER_RESOURCE 50

/* The table a table ARN of this emulator's region and account names, or
 * NULL with AWS's error recorded. */
static struct ddb_table_def *table_of_arn(struct call *c, const char *arn)
{
    char prefix[256];
    snprintf(prefix, sizeof prefix, "arn:aws:dynamodb:%s:%s:table/",
             c->emu->region, c->emu->account);
    if (strncmp(arn, "arn:aws:dynamodb:", 17) != 0 ||
        !strstr(arn, ":table/")) {
        call_fail(c, AWS_ERR_VALIDATION, "Invalid TableArn: Invalid "
                  "ResourceArn provided as input %s", arn);
        return NULL;
    }
    const char *name = arn + strlen(prefix);
    struct ddb_table_def *def = NULL;
    if (strncmp(arn, prefix, strlen(prefix)) == 0 && !strchr(name, '/'))
        def = ddb_catalog_find(c->emu->catalog, name);
    if (def == NULL)
        call_fail(c, AWS_ERR_RESOURCE_NOT_FOUND, "Requested resource not "
                  "found: ResourcArn: %s not found", arn);
    return def;
}

/* Reads ResourceArn and the named list member (NULL: none), reporting
 * missing ones as constraint violations. */
static int read_request(struct call *c, const char **arn,
                        const char *list_member, const char *list_path,
                        const cJSON **list)
{
    struct ddb_errors e;
    if (ddb_input_string(c, c->input, "ResourceArn", arn) < 0 ||
        (list_member &&
         ddb_input_array(c, c->input, list_member, list) < 0))
        return -1;
    ddb_errors_init(&e);
    if (*arn == NULL)
        ddb_errors_add(&e, NULL, "resourceArn", "Member must not be null");
    else if (strlen(*arn) < 1 || strlen(*arn) > 1283)
        ddb_errors_add(&e, *arn, "resourceArn", strlen(*arn) < 1
                       ? "Member must have length greater than or equal "
                         "to 1"
                       : "Member must have length less than or equal to "
                         "1283");
    if (list_member && *list == NULL)
        ddb_errors_add(&e, NULL, list_path, "Member must not be null");
    return ddb_errors_report(c, &e);
}

/* Checks each Tag of a TagResource request. */
static int check_tags(struct call *c, const cJSON *tags)
{
    const cJSON *t;
    int i = 0;
    cJSON_ArrayForEach(t, tags) {
        const char *key = json_get_string(t, "Key");
        const char *value = json_get_string(t, "Value");
        i++;
        if (key == NULL || value == NULL)
            return call_fail(c, AWS_ERR_VALIDATION, "1 validation error "
                             "detected: Value null at 'tags.%d.member.%s' "
                             "failed to satisfy constraint: Member must not "
                             "be null", i, key ? "value" : "key");
        size_t klen = strlen(key);
        if (klen < 1 || klen > DDB_TAG_MAX_KEY)
            return call_fail(c, AWS_ERR_VALIDATION, "One or more parameter "
                             "values were invalid: tag key of length %zu is "
                             "out of range [1, %d]", klen, DDB_TAG_MAX_KEY);
        if (strlen(value) > DDB_TAG_MAX_VALUE)
            return call_fail(c, AWS_ERR_VALIDATION, "One or more parameter "
                             "values were invalid: tag value of length %zu "
                             "is out of range [0, %d]", strlen(value),
                             DDB_TAG_MAX_VALUE);
    }
    return 0;
}

/* Removes the tag named key from list, if there. */
static void drop_tag(cJSON *list, const char *key)
{
    int i = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, list) {
        const char *k = json_get_string(t, "Key");
        if (k && strcmp(k, key) == 0) {
            cJSON_DeleteItemFromArray(list, i);
            return;
        }
        i++;
    }
}

/* The table the request's ResourceArn (already read) names. */
static struct ddb_table_def *tagged_table(struct call *c)
{
    return table_of_arn(c, json_get_string(c->input, "ResourceArn"));
}

struct tag_change {
    const cJSON *add;    /* a Tags list, or NULL */
    const cJSON *remove; /* a TagKeys list, or NULL */
};

/* The table's description with the change applied to its tags. */
static cJSON *retagged_desc(struct call *c, const struct ddb_table_def *def,
                            const void *change)
{
    const struct tag_change *tc = change;
    cJSON *desc = cJSON_Duplicate(def->desc, true);
    cJSON *list = (cJSON *)json_get(desc, "Tags");
    if (list == NULL)
        list = cJSON_AddArrayToObject(desc, "Tags");
    const cJSON *t;
    cJSON_ArrayForEach(t, tc->remove) {
        if (cJSON_IsString(t))
            drop_tag(list, t->valuestring);
    }
    cJSON_ArrayForEach(t, tc->add) {
        drop_tag(list, json_get_string(t, "Key"));
        cJSON_AddItemToArray(list, cJSON_Duplicate(t, true));
    }
    if (cJSON_GetArraySize(list) > DDB_TAG_MAX_PER_RESOURCE) {
        cJSON_Delete(desc);
        call_fail(c, AWS_ERR_LIMIT_EXCEEDED, "The number of tags exceeds the "
                  "limit of %d per resource", DDB_TAG_MAX_PER_RESOURCE);
        return NULL;
    }
    return desc;
}

static int change_tags(struct call *c, const cJSON *add, const cJSON *remove)
{
    struct tag_change tc = { add, remove };
    struct ddb_desc_change ch = { tagged_table, retagged_desc, &tc };
    if (ddb_table_change_desc(c, &ch) < 0)
        return -1;
    return call_reply_json(c, cJSON_CreateObject());
}

int ddb_tag_resource(struct call *c)
{
    const char *arn;
    const cJSON *tags;
    if (read_request(c, &arn, "Tags", "tags", &tags) < 0 ||
        check_tags(c, tags) < 0)
        return -1;
    return change_tags(c, tags, NULL);
}

int ddb_untag_resource(struct call *c)
{
    const char *arn;
    const cJSON *keys;
    if (read_request(c, &arn, "TagKeys", "tagKeys", &keys) < 0)
        return -1;
    return change_tags(c, NULL, keys);
}

int ddb_list_tags_of_resource(struct call *c)
{
    const char *arn;
    if (read_request(c, &arn, NULL, NULL, NULL) < 0)
        return -1;
    struct ddb_table_def *def = table_of_arn(c, arn);
    if (def == NULL)
        return -1;
    const cJSON *tags = json_get(def->desc, "Tags");
    cJSON *out = cJSON_CreateObject();
    cJSON_AddItemToObject(out, "Tags", tags ? cJSON_Duplicate(tags, true)
                                            : cJSON_CreateArray());
    ddb_table_def_release(def);
    return call_reply_json(c, out);
}

/* AWS's default quotas for an account and region (developer guide,
 * "Service quotas": 80,000 units per account, 40,000 per table). */
int ddb_describe_limits(struct call *c)
{
    cJSON *out = cJSON_CreateObject();
    cJSON_AddNumberToObject(out, "AccountMaxReadCapacityUnits", 80000);
    cJSON_AddNumberToObject(out, "AccountMaxWriteCapacityUnits", 80000);
    cJSON_AddNumberToObject(out, "TableMaxReadCapacityUnits", 40000);
    cJSON_AddNumberToObject(out, "TableMaxWriteCapacityUnits", 40000);
    return call_reply_json(c, out);
}

/* The endpoint to use is this one: the Host the client reached us by, so
 * a client doing endpoint discovery stays on the emulator (AWS answers
 * dynamodb.REGION.amazonaws.com and a cache period of a day). */
int ddb_describe_endpoints(struct call *c)
{
    const char *host = call_header(c, "Host");
    char fallback[128];
    snprintf(fallback, sizeof fallback, "dynamodb.%s.amazonaws.com",
             c->emu->region);
    cJSON *out = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(out, "Endpoints");
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "Address", host ? host : fallback);
    cJSON_AddNumberToObject(e, "CachePeriodInMinutes", 1440);
    cJSON_AddItemToArray(list, e);
    return call_reply_json(c, out);
}
