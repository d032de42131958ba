/* The DynamoDB table API: CreateTable, DescribeTable, ListTables,
 * DeleteTable and UpdateTable, plus loading the catalog from storage at
 * start. Table descriptions are kept as the JSON AWS returns, less the
 * fields that change on their own (status, item count and size). */
#ifndef DYNALAKE_DDB_TABLE_H
#define DYNALAKE_DDB_TABLE_H

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

#endif
