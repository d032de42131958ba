/* Primary keys: taking a table's key attributes out of an item or a Key
 * map, checking them as AWS does (present, typed as declared, non-empty,
 * within the size limits), and encoding them for storage: the encoded
 * partition key, the encoded sort key, and the partition hash that orders
 * scans and splits parallel-scan segments. */
#ifndef DYNALAKE_DDB_KEY_H
#define DYNALAKE_DDB_KEY_H

#include "base/buf.h"
#include "store/store_ddb.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

struct ddb_table_def;

struct ddb_key {
    struct buf enc; /* the partition key's encoding, then the sort key's */
    size_t pk_len;  /* bytes of enc that belong to the partition key */
    uint32_t hash;  /* of the partition key's encoding */
};

/* From a (normalized) item that must hold the key attributes. 0, or -1
 * with AWS's message in err ("Missing the key pk in the item", "Type
 * mismatch for key ..."). out must be cleared with ddb_key_clear. */
int ddb_key_from_item(const struct ddb_table_def *def, const cJSON *item,
                      struct ddb_key *out, char *err, size_t errlen);

/* From a Key map that must hold exactly the key attributes ("The provided
 * key element does not match the schema" otherwise). Normalizes the values
 * in place. */
int ddb_key_from_map(const struct ddb_table_def *def, cJSON *key,
                     struct ddb_key *out, char *err, size_t errlen);

void ddb_key_clear(struct ddb_key *k);

/* The storage view of k; borrows k's bytes. */
struct store_ddb_key ddb_key_store(const struct ddb_key *k);

/* The partition hash of an encoded partition key. */
uint32_t ddb_key_hash(const void *pk, size_t len);

/* Whether name is one of the table's key attributes. */
int ddb_key_is_key_attribute(const struct ddb_table_def *def,
                             const char *name);

#endif
