/* The AttributeValue model. Values stay in their wire form, cJSON objects
 * such as {"S":"x"} or {"M":{...}}; this module validates and normalizes
 * them as AWS does, measures item size the way DynamoDB bills it, compares
 * them, and encodes key attributes into bytes whose memcmp order is
 * DynamoDB's key order (bytes for S and B, numeric for N). */
#ifndef DYNALAKE_DDB_VALUE_H
#define DYNALAKE_DDB_VALUE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

struct buf;

/* Limits from the DynamoDB developer guide ("Service quotas"). */
#define DDB_MAX_ITEM_BYTES (400 * 1024)
#define DDB_MAX_NESTING_DEPTH 32
#define DDB_MAX_PARTITION_KEY_BYTES 2048
#define DDB_MAX_SORT_KEY_BYTES 1024

enum ddb_type {
    DDB_TYPE_S,
    DDB_TYPE_N,
    DDB_TYPE_B,
    DDB_TYPE_SS,
    DDB_TYPE_NS,
    DDB_TYPE_BS,
    DDB_TYPE_M,
    DDB_TYPE_L,
    DDB_TYPE_NULL,
    DDB_TYPE_BOOL,
    DDB_TYPE_INVALID
};

/* The type of an AttributeValue object with exactly one known member;
 * DDB_TYPE_INVALID otherwise. The payload is json_get(av, ddb_type_name(t)). */
enum ddb_type ddb_value_type(const cJSON *av);
/* "S", "N", ... ; NULL for DDB_TYPE_INVALID. */
const char *ddb_type_name(enum ddb_type t);
/* Parses "S", "N", "B" ... ; DDB_TYPE_INVALID if unknown. */
enum ddb_type ddb_type_parse(const char *name);
/* The payload member of av (e.g. the "x" of {"S":"x"}); NULL if av invalid. */
const cJSON *ddb_value_payload(const cJSON *av);

/* Validates av and rewrites it in place into canonical form (numbers
 * canonical, including in NS; members AWS ignores, unknown names and JSON
 * nulls, are dropped). Rejects what AWS rejects, with AWS's messages
 * in err: not exactly one type member, wrong payload JSON type, NULL not
 * true, bad numbers, invalid base64, empty sets, duplicate set members
 * ("Input collection contains duplicates"), nesting deeper than
 * DDB_MAX_NESTING_DEPTH. depth is the nesting depth of av (0 at an item's
 * top-level attribute). Returns 0 or -1. */
int ddb_value_normalize(cJSON *av, int depth, char *err, size_t errlen);

/* Validates and normalizes every attribute of an item map
 * ({"name": AttributeValue, ...}); rejects empty attribute names. */
int ddb_item_normalize(cJSON *item, char *err, size_t errlen);

/* True when err, as filled by the two functions above, is one AWS reports
 * as SerializationException rather than ValidationException: a member of
 * the wrong JSON kind ({"S": 1}, {"L": {}}) or malformed base64. */
bool ddb_value_error_is_serialization(const char *err);

/* Size in bytes as DynamoDB computes it (attribute name UTF-8 bytes plus
 * value size; numbers by significant digits; 3 bytes per M/L plus 1 per
 * element; 1 byte for NULL and BOOL). */
size_t ddb_value_size(const cJSON *av);
size_t ddb_item_size(const cJSON *item);

/* Deep equality with DynamoDB semantics (sets unordered; numbers by value).
 * Values of different types are unequal. */
bool ddb_value_equal(const cJSON *a, const cJSON *b);

/* Orders two scalars of the same type (S by UTF-8 bytes, N numerically, B by
 * bytes): stores <0, 0, >0 in *cmp and returns 0; returns -1 when the types
 * differ or are not S, N or B. */
int ddb_value_compare(const cJSON *a, const cJSON *b, int *cmp);

/* Appends the order-preserving key encoding of a scalar key value (S, N or B)
 * to out. For S and N, and B after base64 decoding, two values encode equally
 * exactly when they are equal. Returns -1 if av is not S, N or B or holds bad
 * base64. */
int ddb_key_encode(const cJSON *av, struct buf *out);

/* A deep copy (cJSON_Duplicate, recursive). Caller frees with cJSON_Delete. */
cJSON *ddb_value_copy(const cJSON *av);

#endif
