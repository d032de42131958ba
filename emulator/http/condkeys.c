/* Service condition keys; see condkeys.h. Values are what IAM's
 * documentation says each key holds: the partition key values a DynamoDB
 * request touches (as strings: S as is, N canonical, B base64), the
 * top-level attribute names it writes, and its Select and ReturnValues. */
#include "http/condkeys.h"

#include "base/json.h"
#include "base/mem.h"
#include "dynamodb/ddb_catalog.h"
#include "dynamodb/ddb_value.h"
#include "http/call.h"
#include "http/form.h"
#include "state.h"

#include <stdlib.h>
#include <string.h>

static void begin(struct condkeys *ck, const char *key)
{
    if (ck->n_keys == CONDKEYS_MAX_KEYS)
        return;
    ck->keys[ck->n_keys].key = key;
    ck->keys[ck->n_keys].first = ck->n_values;
    ck->keys[ck->n_keys].n = 0;
    ck->n_keys++;
}

static void add(struct condkeys *ck, const char *value)
{
    if (ck->n_keys == 0 || ck->n_values == CONDKEYS_MAX_VALUES)
        return;
    ck->values[ck->n_values++] = xstrdup(value);
    ck->keys[ck->n_keys - 1].n++;
}

static void single(struct condkeys *ck, const char *key, const char *value)
{
    if (value == NULL)
        return;
    begin(ck, key);
    add(ck, value);
}

/* The partition key value of a Key or Item map, as a string. */
static void add_leading_key(struct condkeys *ck, const cJSON *map,
                            const char *hash_name)
{
    const cJSON *payload = ddb_value_payload(json_get(map, hash_name));
    if (cJSON_IsString(payload))
        add(ck, payload->valuestring);
}

static void collect_dynamodb(const struct call *c, struct condkeys *ck)
{
    const char *table = json_get_string(c->input, "TableName");
    struct ddb_table_def *def = table ? ddb_catalog_find(c->emu->catalog,
                                                         table) : NULL;
    const cJSON *key = json_get(c->input, "Key");
    const cJSON *item = json_get(c->input, "Item");
    if (def && (key || item)) {
        begin(ck, "dynamodb:LeadingKeys");
        add_leading_key(ck, key ? key : item, def->hash_name);
    }
    if (cJSON_IsObject(item)) {
        begin(ck, "dynamodb:Attributes");
        const cJSON *attr;
        cJSON_ArrayForEach(attr, item)
            add(ck, attr->string);
    }
    single(ck, "dynamodb:Select", json_get_string(c->input, "Select"));
    single(ck, "dynamodb:ReturnValues",
           json_get_string(c->input, "ReturnValues"));
    ddb_table_def_release(def);
}

static void collect_s3(const struct call *c, struct condkeys *ck)
{
    cJSON *q = cJSON_CreateObject();
    if (form_decode(c->query, strlen(c->query), q) == 0) {
        single(ck, "s3:prefix", json_get_string(q, "prefix"));
        single(ck, "s3:delimiter", json_get_string(q, "delimiter"));
        single(ck, "s3:max-keys", json_get_string(q, "max-keys"));
    }
    cJSON_Delete(q);
}

/* AssumeRole's keys, which trust policies test: sts:ExternalId is how a
 * role shared with a third party guards against the confused deputy. */
static void collect_sts(const struct call *c, struct condkeys *ck)
{
    single(ck, "sts:ExternalId", json_get_string(c->input, "ExternalId"));
    single(ck, "sts:RoleSessionName",
           json_get_string(c->input, "RoleSessionName"));
}

void condkeys_collect(const struct call *c, struct condkeys *ck)
{
    if (c->service == SERVICE_DYNAMODB && c->input)
        collect_dynamodb(c, ck);
    else if (c->service == SERVICE_S3)
        collect_s3(c, ck);
    else if (c->service == SERVICE_STS && c->input)
        collect_sts(c, ck);
}

void condkeys_clear(struct condkeys *ck)
{
    for (size_t i = 0; i < ck->n_values; i++)
        free(ck->values[i]);
    ck->n_values = 0;
    ck->n_keys = 0;
}
