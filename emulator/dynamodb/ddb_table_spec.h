/* Validation of CreateTable and UpdateTable requests, and the table
 * descriptions they produce. Kept apart from ddb_table so the rules (AWS's
 * many ValidationException cases) read as one list. */
#ifndef DYNALAKE_DDB_TABLE_SPEC_H
#define DYNALAKE_DDB_TABLE_SPEC_H

#include <cjson/cJSON.h>

struct call;
struct ddb_table_def;

/* Validates a CreateTable request and returns the new table's description
 * (caller frees), or NULL with the error recorded. */
cJSON *ddb_table_spec_create(struct call *c);

/* Validates an UpdateTable request against the current definition and
 * returns the updated description (caller frees), or NULL with the error
 * recorded. */
cJSON *ddb_table_spec_update(struct call *c, const struct ddb_table_def *def);

#endif
