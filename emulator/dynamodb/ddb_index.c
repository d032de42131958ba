/* Secondary index entries and the rules on their keys; see ddb_index.h.
 * Messages are AWS's, as reported by its users and emulators tested
 * against it. */
#include "dynamodb/ddb_index.h"

#include "base/json.h"
#include "dynamodb/ddb_catalog.h"
#include "dynamodb/ddb_value.h"
#include "store/store_ddb_index.h"
#include "store/store_ddb_range.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INVALID "One or more parameter values were invalid: "
#define NOT_VALID "One or more parameter values are not valid. "

int ddb_index_key(const struct ddb_index_def *idx, const cJSON *item,
                  struct ddb_key *out)
{
    const cJSON *hash = json_get(item, idx->hash_name);
    const cJSON *range = idx->range_name ? json_get(item, idx->range_name)
                                         : NULL;
    buf_init(&out->enc, 0);
    out->pk_len = 0;
    out->hash = 0;
    if (hash == NULL || ddb_value_type(hash) != idx->hash_type ||
        (idx->range_name &&
         (range == NULL || ddb_value_type(range) != idx->range_type)))
        return 0;
    if (ddb_key_encode(hash, &out->enc) < 0)
        return 0;
    out->pk_len = out->enc.len;
    out->hash = ddb_key_hash(out->enc.data, out->pk_len);
    if (range && ddb_key_encode(range, &out->enc) < 0) {
        buf_reset(&out->enc);
        return 0;
    }
    return 1;
}

/* The key attributes of idx, NULL-padded. */
static void key_names(const struct ddb_index_def *idx, const char *names[2],
                      enum ddb_type types[2])
{
    names[0] = idx->hash_name;
    types[0] = idx->hash_type;
    names[1] = idx->range_name;
    types[1] = idx->range_type;
}

static int check_types(const struct ddb_table_def *def, const cJSON *item,
                       char *err, size_t errlen)
{
    for (size_t i = 0; i < def->n_indexes; i++) {
        const struct ddb_index_def *idx = &def->indexes[i];
        const char *names[2];
        enum ddb_type types[2];
        key_names(idx, names, types);
        for (size_t k = 0; k < 2 && names[k]; k++) {
            const cJSON *av = json_get(item, names[k]);
            enum ddb_type got = av ? ddb_value_type(av) : types[k];
            if (got == types[k])
                continue;
            snprintf(err, errlen, INVALID "Type mismatch for Index Key %s "
                     "Expected: %s Actual: %s IndexName: %s", names[k],
                     ddb_type_name(types[k]),
                     got == DDB_TYPE_INVALID ? "NULL" : ddb_type_name(got),
                     idx->name);
            return -1;
        }
    }
    return 0;
}

static bool is_empty_key(const cJSON *av)
{
    const cJSON *payload = ddb_value_payload(av);
    return cJSON_IsString(payload) && payload->valuestring[0] == '\0';
}

static int check_empty(const struct ddb_table_def *def, const cJSON *item,
                       bool is_update, char *err, size_t errlen)
{
    for (size_t i = 0; i < def->n_indexes; i++) {
        const struct ddb_index_def *idx = &def->indexes[i];
        const char *names[2];
        enum ddb_type types[2];
        key_names(idx, names, types);
        for (size_t k = 0; k < 2 && names[k]; k++) {
            const cJSON *av = json_get(item, names[k]);
            if (av == NULL || !is_empty_key(av))
                continue;
            const char *what = types[k] == DDB_TYPE_B ? "binary" : "string";
            if (is_update)
                snprintf(err, errlen, NOT_VALID "The update expression "
                         "attempted to update a secondary index key to a "
                         "value that is not supported. The AttributeValue "
                         "for a key attribute cannot contain an empty %s "
                         "value.", what);
            else
                snprintf(err, errlen, NOT_VALID "A value specified for a "
                         "secondary index key is not supported. The "
                         "AttributeValue for a key attribute cannot contain "
                         "an empty %s value. IndexName: %s, IndexKey: %s",
                         what, idx->name, names[k]);
            return -1;
        }
    }
    return 0;
}

int ddb_index_check_item(const struct ddb_table_def *def, const cJSON *item,
                         bool is_update, char *err, size_t errlen)
{
    if (check_types(def, item, err, errlen) < 0)
        return -1;
    return check_empty(def, item, is_update, err, errlen);
}

cJSON *ddb_index_project(const struct ddb_table_def *def,
                         const struct ddb_index_def *idx, const cJSON *item)
{
    if (idx->projection == DDB_PROJECTION_ALL)
        return cJSON_Duplicate(item, true);
    cJSON *out = cJSON_CreateObject();
    const cJSON *av;
    cJSON_ArrayForEach(av, item) {
        if (ddb_index_def_projects(def, idx, av->string))
            cJSON_AddItemToObject(out, av->string,
                                  cJSON_Duplicate(av, true));
    }
    return out;
}

/* The entry of item in idx: 1 with *e (pointing into ikey and bkey) set, 0
 * when idx does not hold item, -1 when the item has no valid base key. */
static int entry_of(const struct ddb_table_def *def,
                    const struct ddb_index_def *idx, const cJSON *item,
                    struct ddb_key *ikey, struct ddb_key *bkey,
                    struct store_ddb_index_entry *e)
{
    char err[256];
    buf_init(&bkey->enc, 0);
    if (ddb_index_key(idx, item, ikey) == 0)
        return 0;
    ddb_key_clear(bkey);
    if (ddb_key_from_item(def, item, bkey, err, sizeof err) < 0)
        return -1;
    *e = (struct store_ddb_index_entry){ .table = def->id,
                                         .index = idx->name,
                                         .key = ddb_key_store(ikey),
                                         .base = ddb_key_store(bkey) };
    return 1;
}

static enum store_result put_entry(struct store_tx *tx,
                                   const struct ddb_table_def *def,
                                   const struct ddb_index_def *idx,
                                   const cJSON *item)
{
    struct ddb_key ikey, bkey;
    struct store_ddb_index_entry e;
    int rc = entry_of(def, idx, item, &ikey, &bkey, &e);
    enum store_result res = rc < 0 ? STORE_ERROR : STORE_OK;
    if (rc > 0) {
        cJSON *projected = ddb_index_project(def, idx, item);
        char *text = cJSON_PrintUnformatted(projected);
        res = text ? store_ddb_index_put(tx, &e, text, strlen(text),
                                         ddb_item_size(projected))
                   : STORE_ERROR;
        free(text);
        cJSON_Delete(projected);
    }
    ddb_key_clear(&ikey);
    ddb_key_clear(&bkey);
    return res;
}

static enum store_result delete_entry(struct store_tx *tx,
                                      const struct ddb_table_def *def,
                                      const struct ddb_index_def *idx,
                                      const cJSON *item)
{
    struct ddb_key ikey, bkey;
    struct store_ddb_index_entry e;
    int rc = entry_of(def, idx, item, &ikey, &bkey, &e);
    enum store_result res = rc < 0 ? STORE_ERROR : STORE_OK;
    if (rc > 0)
        res = store_ddb_index_delete(tx, &e);
    ddb_key_clear(&ikey);
    ddb_key_clear(&bkey);
    return res;
}

/* Whether the item's collection (its table items and LSI entries) now
 * exceeds the limit. */
static enum store_result check_collection(struct store_tx *tx,
                                          struct ddb_index_change *ch)
{
    const struct ddb_table_def *def = ch->def;
    struct ddb_key bkey;
    char err[256];
    if (ddb_key_from_item(def, ch->new_item, &bkey, err, sizeof err) < 0) {
        ddb_key_clear(&bkey);
        return STORE_ERROR;
    }
    struct store_ddb_key k = ddb_key_store(&bkey);
    int64_t total = 0;
    int64_t bytes = 0;
    enum store_result res = store_ddb_index_partition_bytes(tx, def->id,
                                                            NULL, &k, &total);
    for (size_t i = 0; res == STORE_OK && i < def->n_indexes; i++) {
        if (!def->indexes[i].is_local)
            continue;
        res = store_ddb_index_partition_bytes(tx, def->id,
                                              def->indexes[i].name, &k,
                                              &bytes);
        total += bytes;
    }
    ddb_key_clear(&bkey);
    if (res == STORE_OK && total > ch->collection_max_bytes) {
        ch->err = AWS_ERR_ITEM_COLLECTION_SIZE_LIMIT;
        snprintf(ch->message, sizeof ch->message,
                 "Item collection size limit exceeded");
        return STORE_ABORT;
    }
    return res;
}

enum store_result ddb_index_apply(struct store_tx *tx,
                                  struct ddb_index_change *ch)
{
    const struct ddb_table_def *def = ch->def;
    enum store_result res = STORE_OK;
    for (size_t i = 0; res == STORE_OK && i < def->n_indexes; i++) {
        if (ch->old_item)
            res = delete_entry(tx, def, &def->indexes[i], ch->old_item);
        if (res == STORE_OK && ch->new_item)
            res = put_entry(tx, def, &def->indexes[i], ch->new_item);
    }
    if (res == STORE_OK && def->has_local && ch->new_item)
        res = check_collection(tx, ch);
    return res;
}

struct backfill {
    struct store_tx *tx;
    const struct ddb_table_def *def;
    const struct ddb_index_def *idx;
    enum store_result res;
};

static int backfill_row(const struct store_ddb_row *row, void *arg)
{
    struct backfill *b = arg;
    cJSON *item = json_parse(row->item, row->item_len);
    b->res = item ? put_entry(b->tx, b->def, b->idx, item) : STORE_ERROR;
    cJSON_Delete(item);
    return b->res == STORE_OK ? 0 : -1;
}

enum store_result ddb_index_backfill(struct store_tx *tx,
                                     const struct ddb_table_def *def,
                                     const struct ddb_index_def *idx)
{
    struct backfill b = { .tx = tx, .def = def, .idx = idx,
                          .res = STORE_OK };
    enum store_result res = store_ddb_table_scan(tx, def->id, 0, UINT32_MAX,
                                                 NULL, backfill_row, &b);
    return res == STORE_ABORT ? b.res : res;
}
