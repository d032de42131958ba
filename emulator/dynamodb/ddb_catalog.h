/* The in-memory catalog of DynamoDB table definitions, loaded from storage
 * at start and kept in step with it: definitions change only inside write
 * transactions, so the catalog never disagrees with committed state.
 * Definitions are immutable and reference-counted; an UpdateTable swaps in a
 * new one, and requests holding the old one finish with it. */
#ifndef DYNALAKE_DDB_CATALOG_H
#define DYNALAKE_DDB_CATALOG_H

#include "dynamodb/ddb_value.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a secondary index holds besides its own and the table's keys. */
enum ddb_projection {
    DDB_PROJECTION_ALL,
    DDB_PROJECTION_KEYS_ONLY,
    DDB_PROJECTION_INCLUDE
};

/* A secondary index, parsed from its description; part of the table
 * definition and as immutable. */
struct ddb_index_def {
    char *name;          /* owned */
    bool is_local;       /* an LSI: same partition key, read-your-writes */
    char *hash_name;     /* owned */
    enum ddb_type hash_type;
    char *range_name;    /* owned; NULL without a sort key */
    enum ddb_type range_type;
    enum ddb_projection projection;
    char **non_key;      /* owned; INCLUDE's NonKeyAttributes */
    size_t n_non_key;
};

struct ddb_table_def {
    int refs;            /* atomic */
    int64_t id;          /* never reused, so stale rows are unreachable */
    char *name;          /* owned */
    char *hash_name;     /* owned; the partition key attribute */
    enum ddb_type hash_type;
    char *range_name;    /* owned; NULL without a sort key */
    enum ddb_type range_type;
    cJSON *desc;         /* owned; the persisted TableDescription fields */
    bool is_deleted;     /* set, under the write lock, by DeleteTable */
    struct ddb_index_def *indexes; /* owned; GSIs and LSIs by name */
    size_t n_indexes;
    bool has_local;      /* some index is an LSI */
};

struct ddb_catalog;

struct ddb_catalog *ddb_catalog_new(void);
void ddb_catalog_free(struct ddb_catalog *cat); /* NULL accepted */

/* Builds a definition from its persisted description (as written by
 * ddb_table). The description is taken. NULL if it lacks a key schema. */
struct ddb_table_def *ddb_table_def_new(int64_t id, cJSON *desc);
/* The named secondary index of def, or NULL. */
const struct ddb_index_def *ddb_table_def_index(const struct ddb_table_def *def,
                                                const char *name);

/* Whether the index holds the attribute name: the table's and the index's
 * keys always, other attributes as the projection says. */
bool ddb_index_def_projects(const struct ddb_table_def *def,
                            const struct ddb_index_def *idx, const char *name);

void ddb_table_def_retain(struct ddb_table_def *def);
void ddb_table_def_release(struct ddb_table_def *def); /* NULL accepted */

/* The table's definition with a reference the caller releases, or NULL. */
struct ddb_table_def *ddb_catalog_find(struct ddb_catalog *cat,
                                       const char *name);

/* Adds def (the catalog takes the caller's reference); -1 if the name is
 * taken. Replace swaps a same-named definition for def. Remove drops the
 * name and returns the catalog's reference, or NULL. */
int ddb_catalog_add(struct ddb_catalog *cat, struct ddb_table_def *def);
void ddb_catalog_replace(struct ddb_catalog *cat, struct ddb_table_def *def);
struct ddb_table_def *ddb_catalog_remove(struct ddb_catalog *cat,
                                         const char *name);

/* Table names in UTF-8 byte order after `after` (NULL from the start), at
 * most limit; *names is a new array of new strings (free each and the
 * array). *more tells whether names remain beyond them. */
size_t ddb_catalog_list(struct ddb_catalog *cat, const char *after,
                        size_t limit, char ***names, bool *more);

/* Drops every definition, marking each deleted (for reset, which runs it
 * under the write lock so no writer holding one stores into it after). */
void ddb_catalog_clear(struct ddb_catalog *cat);

#endif
