/* Primary key extraction and encoding; see ddb_key.h. */
#include "dynamodb/ddb_key.h"

#include "base/json.h"
#include "dynamodb/ddb_catalog.h"
#include "dynamodb/ddb_value.h"

#include <stdio.h>
#include <string.h>

#define INVALID "One or more parameter values were invalid: "

uint32_t ddb_key_hash(const void *pk, size_t len)
{
    /* FNV-1a: cheap and well spread over short keys; any change reorders
     * scans of stored data, so it is fixed for good. */
    const unsigned char *p = pk;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

int ddb_key_is_key_attribute(const struct ddb_table_def *def,
                             const char *name)
{
    return strcmp(name, def->hash_name) == 0 ||
           (def->range_name && strcmp(name, def->range_name) == 0);
}

/* Checks one key attribute value and appends its encoding. */
static int add_part(struct ddb_key *out, const char *name, enum ddb_type want,
                    const cJSON *av, size_t max_bytes, char *err,
                    size_t errlen)
{
    enum ddb_type got = ddb_value_type(av);
    if (got != want) {
        snprintf(err, errlen, INVALID "Type mismatch for key %s expected: %s "
                 "actual: %s", name, ddb_type_name(want),
                 got == DDB_TYPE_INVALID ? "NULL" : ddb_type_name(got));
        return -1;
    }
    size_t before = out->enc.len;
    if (ddb_key_encode(av, &out->enc) < 0) {
        snprintf(err, errlen, INVALID "Invalid key value for %s", name);
        return -1;
    }
    size_t n = out->enc.len - before;
    if (n == 0 && want != DDB_TYPE_N) {
        snprintf(err, errlen, "One or more parameter values are not valid. "
                 "The AttributeValue for a key attribute cannot contain an "
                 "empty %s value. Key: %s",
                 want == DDB_TYPE_S ? "string" : "binary", name);
        return -1;
    }
    if (want != DDB_TYPE_N && ddb_value_size(av) > max_bytes) {
        /* AWS's wording, missing space included. */
        snprintf(err, errlen, max_bytes == DDB_MAX_PARTITION_KEY_BYTES
                 ? INVALID "Size of hashkey has exceeded the maximum size "
                   "limit of2048 bytes"
                 : INVALID "Aggregated size of all range keys has exceeded "
                   "the size limit of 1024 bytes");
        return -1;
    }
    return 0;
}

static int build(const struct ddb_table_def *def, const cJSON *hash,
                 const cJSON *range, struct ddb_key *out, char *err,
                 size_t errlen)
{
    buf_init(&out->enc, 8192);
    out->pk_len = 0;
    out->hash = 0;
    if (add_part(out, def->hash_name, def->hash_type, hash,
                 DDB_MAX_PARTITION_KEY_BYTES, err, errlen) < 0)
        return -1;
    out->pk_len = out->enc.len;
    out->hash = ddb_key_hash(out->enc.data, out->pk_len);
    if (def->range_name &&
        add_part(out, def->range_name, def->range_type, range,
                 DDB_MAX_SORT_KEY_BYTES, err, errlen) < 0)
        return -1;
    return 0;
}

int ddb_key_from_item(const struct ddb_table_def *def, const cJSON *item,
                      struct ddb_key *out, char *err, size_t errlen)
{
    const cJSON *hash = json_get(item, def->hash_name);
    const cJSON *range = def->range_name ? json_get(item, def->range_name)
                                         : NULL;
    buf_init(&out->enc, 0);
    const char *missing = hash == NULL ? def->hash_name
                          : def->range_name && range == NULL ? def->range_name
                                                             : NULL;
    if (missing) {
        snprintf(err, errlen, INVALID "Missing the key %s in the item",
                 missing);
        return -1;
    }
    return build(def, hash, range, out, err, errlen);
}

int ddb_key_from_map(const struct ddb_table_def *def, cJSON *key,
                     struct ddb_key *out, char *err, size_t errlen)
{
    buf_init(&out->enc, 0);
    const cJSON *hash = json_get(key, def->hash_name);
    const cJSON *range = def->range_name ? json_get(key, def->range_name)
                                         : NULL;
    int expected = def->range_name ? 2 : 1;
    if (hash == NULL || (def->range_name && range == NULL) ||
        cJSON_GetArraySize(key) != expected ||
        ddb_value_type(hash) != def->hash_type ||
        (range && ddb_value_type(range) != def->range_type)) {
        snprintf(err, errlen, "The provided key element does not match the "
                 "schema");
        return -1;
    }
    cJSON *av;
    cJSON_ArrayForEach(av, key) {
        if (ddb_value_normalize(av, 0, err, errlen) < 0)
            return -1;
    }
    return build(def, hash, range, out, err, errlen);
}

void ddb_key_clear(struct ddb_key *k)
{
    buf_clear(&k->enc);
}

struct store_ddb_key ddb_key_store(const struct ddb_key *k)
{
    return (struct store_ddb_key){
        .hash = k->hash,
        .pk = k->enc.data,
        .pk_len = k->pk_len,
        .sk = k->enc.data ? k->enc.data + k->pk_len : NULL,
        .sk_len = k->enc.len - k->pk_len,
    };
}
