/* The DynamoDB table API: CreateTable, DescribeTable, ListTables,
 * DeleteTable and UpdateTable, plus loading the catalog from storage at
 * start. Table descriptions are kept as the JSON AWS returns, less the
 * fields that change on their own (status, item count and size). */
#ifndef DYNALAKE_DDB_TABLE_H
#define DYNALAKE_DDB_TABLE_H

#include "store/store.h"

#include <cjson/cJSON.h>

struct call;
struct emulator;
struct ddb_table_def;

int ddb_create_table(struct call *c);
int ddb_describe_table(struct call *c);
int ddb_list_tables(struct call *c);
int ddb_delete_table(struct call *c);
int ddb_update_table(struct call *c);

/* Fills the emulator's catalog from storage. Returns 0 or -1 (logged). */
int ddb_table_load(struct emulator *emu);

/* Looks the request's TableName up: the definition with a reference the
 * caller releases, or NULL with the error recorded (ValidationException for
 * a missing or malformed name, ResourceNotFoundException otherwise). */
struct ddb_table_def *ddb_table_require(struct call *c);

/* A change to a setting kept with the table that DescribeTable does not
 * show (Time to Live, tags, point-in-time recovery): find looks the table
 * up, apply makes its new stored description from the current one; each
 * returns NULL with the error recorded. */
struct ddb_desc_change {
    struct ddb_table_def *(*find)(struct call *c);
    cJSON *(*apply)(struct call *c, const struct ddb_table_def *def,
                    const void *arg);
    const void *arg;
};

/* Stores the changed description and swaps the catalog's definition in one
 * write transaction, starting again from the new definition whenever
 * another change to the table got in first. 0, or -1 with the error
 * recorded. */
int ddb_table_change_desc(struct call *c, const struct ddb_desc_change *ch);

#endif
