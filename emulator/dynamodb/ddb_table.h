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

/* Stores desc (taken) as the table's description in place of old's, and
 * swaps the catalog's definition, in one write transaction: for settings
 * kept with the table that DescribeTable does not show (Time to Live,
 * tags). STORE_CONDITION_FAILED when another change to the table got in
 * first (the caller reads the new definition and tries again). */
enum store_result ddb_table_replace_desc(struct emulator *emu,
                                         const struct ddb_table_def *old,
                                         cJSON *desc);

#endif
