/* One item write inside a storage transaction: read the current item when
 * needed, test the condition, compute the new item (put, update or delete),
 * enforce the item size limit, and store the outcome. PutItem, UpdateItem,
 * DeleteItem, and (later) batches and transactions all write through here,
 * which makes it the one place where a change of an item is known in full,
 * old image and new. */
#ifndef DYNALAKE_DDB_WRITE_H
#define DYNALAKE_DDB_WRITE_H

#include "dynamodb/ddb_key.h"
#include "http/aws_error.h"
#include "store/store.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

struct ddb_expr;
struct ddb_table_def;
struct emulator;

enum ddb_write_kind { DDB_WRITE_PUT, DDB_WRITE_UPDATE, DDB_WRITE_DELETE };

struct ddb_write {
    /* What to do; all borrowed. */
    enum ddb_write_kind kind;
    const struct ddb_table_def *def;
    const struct ddb_key *key;
    const cJSON *item;                /* PUT: the new item */
    const cJSON *key_map;             /* UPDATE: the Key, seeds a new item */
    const struct ddb_expr *condition; /* may be NULL */
    const struct ddb_expr *update;    /* UPDATE: may be NULL */
    bool want_old;                    /* keep the old item for the reply */
    struct emulator *emu;             /* for the table's stream; NULL: none */
    int64_t now_ms;                   /* when the write happens (clock) */
    bool is_ttl;                      /* a deletion by Time to Live */

    /* What happened; owned, freed by ddb_write_clear. */
    cJSON *old;          /* the item before, when read, present and
                            needed as a tree: for a condition, an update,
                            want_old, indexes or a deletion; a streamed put
                            may leave it unparsed (old_json tells whether
                            there was one) */
    cJSON *new_item;     /* UPDATE: the item after; NULL when the update
                            left no item (REMOVE on a missing item) */
    char *old_json;      /* old as stored, when read and present */
    size_t old_json_len;
    char *new_json;      /* the item stored by a put or update, as stored;
                            a put's is printed once (ddb_write_render) and
                            kept across the transaction's retries */
    size_t new_json_len;
    size_t old_size;     /* ddb_item_size of old, when read and present */
    int64_t old_row;     /* old's row, when read and present */
    size_t new_size;     /* ddb_item_size of the item stored, when stored */
    enum aws_err err;    /* set when the result is STORE_ABORT */
    char message[1024];  /* for err, or for a failed condition */
};

/* Runs the write in tx. STORE_OK when stored; STORE_CONDITION_FAILED when
 * the condition was false (w->old holds the item, if any); STORE_NOT_FOUND
 * when the table was deleted meanwhile; STORE_ABORT with w->err and
 * w->message for a bad update; STORE_ERROR from storage. */
enum store_result ddb_write_apply(struct store_tx *tx, struct ddb_write *w);

/* Prints a put's item (and measures it) before the write lock is taken,
 * so that ddb_write_apply holds the lock for the read-modify-write only;
 * ddb_write_apply does it itself when this was not called. */
void ddb_write_render(struct ddb_write *w);

void ddb_write_clear(struct ddb_write *w);

#endif
