/* Consumed capacity and item collection metrics; see ddb_capacity.h. */
#include "dynamodb/ddb_capacity.h"

#include "base/json.h"
#include "dynamodb/ddb_catalog.h"
#include "dynamodb/ddb_input.h"

#include <string.h>

/* Capacity unit sizes (developer guide, "Read/write capacity mode"). */
#define DDB_READ_UNIT_BYTES 4096
#define DDB_WRITE_UNIT_BYTES 1024

static const char *const capacity_values[] = { "INDEXES", "TOTAL", "NONE",
                                               NULL };
static const char *const metrics_values[] = { "SIZE", "NONE", NULL };

int ddb_capacity_read(struct call *c, const cJSON *obj, struct ddb_errors *e,
                      enum ddb_capacity_mode *out)
{
    const char *v;
    *out = DDB_CAPACITY_NONE;
    if (ddb_input_string(c, obj, "ReturnConsumedCapacity", &v) < 0)
        return -1;
    ddb_input_check_enum(e, v, "returnConsumedCapacity", capacity_values);
    if (v && strcmp(v, "TOTAL") == 0)
        *out = DDB_CAPACITY_TOTAL;
    else if (v && strcmp(v, "INDEXES") == 0)
        *out = DDB_CAPACITY_INDEXES;
    return 0;
}

int ddb_capacity_read_metrics(struct call *c, const cJSON *obj,
                              struct ddb_errors *e, bool *want_size)
{
    const char *v;
    *want_size = false;
    if (ddb_input_string(c, obj, "ReturnItemCollectionMetrics", &v) < 0)
        return -1;
    ddb_input_check_enum(e, v, "returnItemCollectionMetrics", metrics_values);
    *want_size = v && strcmp(v, "SIZE") == 0;
    return 0;
}

static double units_of(size_t bytes, size_t unit)
{
    size_t n = (bytes + unit - 1) / unit;
    return (double)(n ? n : 1);
}

double ddb_capacity_read_units(size_t bytes, bool is_consistent)
{
    double units = units_of(bytes, DDB_READ_UNIT_BYTES);
    return is_consistent ? units : units / 2;
}

double ddb_capacity_write_units(size_t bytes)
{
    return units_of(bytes, DDB_WRITE_UNIT_BYTES);
}

/* A Capacity object: {"CapacityUnits": x} plus the split when asked. */
static cJSON *capacity_of(const struct ddb_consumed *u, double read,
                          double write)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "CapacityUnits", read + write);
    if (u->is_split && read > 0)
        cJSON_AddNumberToObject(o, "ReadCapacityUnits", read);
    if (u->is_split && write > 0)
        cJSON_AddNumberToObject(o, "WriteCapacityUnits", write);
    return o;
}

cJSON *ddb_capacity_json(enum ddb_capacity_mode mode,
                         const struct ddb_consumed *u)
{
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "TableName", u->table);
    double total = u->read_units + u->write_units;
    cJSON_AddNumberToObject(out, "CapacityUnits", total);
    if (u->is_split && u->read_units > 0)
        cJSON_AddNumberToObject(out, "ReadCapacityUnits", u->read_units);
    if (u->is_split && u->write_units > 0)
        cJSON_AddNumberToObject(out, "WriteCapacityUnits", u->write_units);
    if (mode != DDB_CAPACITY_INDEXES)
        return out;
    if (u->index == NULL) {
        cJSON_AddItemToObject(out, "Table",
                              capacity_of(u, u->read_units, u->write_units));
        return out;
    }
    /* A read of an index consumes the index's capacity, not the table's. */
    cJSON_AddItemToObject(out, "Table", capacity_of(u, 0, 0));
    cJSON *indexes = cJSON_AddObjectToObject(
        out, u->is_local_index ? "LocalSecondaryIndexes"
                               : "GlobalSecondaryIndexes");
    cJSON_AddItemToObject(indexes, u->index,
                          capacity_of(u, u->read_units, u->write_units));
    return out;
}

void ddb_capacity_add(cJSON *out, enum ddb_capacity_mode mode,
                      const struct ddb_consumed *u)
{
    if (mode == DDB_CAPACITY_NONE)
        return;
    cJSON_AddItemToObject(out, "ConsumedCapacity", ddb_capacity_json(mode, u));
}

struct ddb_consumed *ddb_capacity_entry(struct ddb_consumed *list, size_t *n,
                                        size_t cap, const char *table)
{
    for (size_t i = 0; i < *n; i++) {
        if (strcmp(list[i].table, table) == 0)
            return &list[i];
    }
    if (*n == cap)
        return NULL;
    list[*n] = (struct ddb_consumed){ .table = table };
    return &list[(*n)++];
}

cJSON *ddb_capacity_collection_metrics(const struct ddb_table_def *def,
                                       const cJSON *item)
{
    const cJSON *lsis = json_get(def->desc, "LocalSecondaryIndexes");
    const cJSON *hash = json_get(item, def->hash_name);
    if (cJSON_GetArraySize(lsis) == 0 || hash == NULL)
        return NULL;
    cJSON *out = cJSON_CreateObject();
    cJSON *key = cJSON_AddObjectToObject(out, "ItemCollectionKey");
    cJSON_AddItemToObject(key, def->hash_name, cJSON_Duplicate(hash, true));
    /* An estimate, as AWS's is: a collection this emulator holds is far
     * below a gigabyte. */
    cJSON *range = cJSON_AddArrayToObject(out, "SizeEstimateRangeGB");
    cJSON_AddItemToArray(range, cJSON_CreateNumber(0));
    cJSON_AddItemToArray(range, cJSON_CreateNumber(1));
    return out;
}
