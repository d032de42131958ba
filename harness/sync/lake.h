/* The lake table: what the loader builds from the landing files, kept as a
 * SQLite database (a stand-in for a Delta table). One row per primary key
 * with the sequence number of the change that set it; a REMOVE leaves a
 * tombstone (item NULL) so that an older INSERT arriving later cannot bring
 * the item back. The lake also records which landing files each loader has
 * applied, in the same transactions as their rows, so the rows and the
 * record of what produced them can never disagree. The harness's own
 * module; the emulator's store is not used here. */
#ifndef DYNALAKE_LAKE_H
#define DYNALAKE_LAKE_H

#include <stddef.h>
#include <stdio.h>

struct lake;

enum lake_result {
    LAKE_APPLIED = 0, /* the change is now the row's version */
    LAKE_STALE = 1,   /* the row already holds this or a newer change */
    LAKE_ERROR = -1,
};

/* Opens (creating) the database at path. Returns NULL with a reason in
 * err. Caller closes with lake_close. */
struct lake *lake_open(const char *path, char *err, size_t errlen);
void lake_close(struct lake *l);

/* Transactions: a commit is atomic, and survives the process being killed
 * as soon as it returns; an operating system crash or power loss may undo
 * the last commits (each whole) until lake_sync. Each returns 0 or -1
 * (reason on stderr). */
int lake_begin(struct lake *l);
int lake_commit(struct lake *l);
void lake_rollback(struct lake *l);

/* Makes every commit so far durable against power loss too. */
int lake_sync(struct lake *l);

/* Applies one change to table's row for key (canonical key text, see
 * jsonl_key_write): item is the new image's DynamoDB JSON, or NULL for a
 * REMOVE. seq orders changes to one key; an older or equal one is
 * LAKE_STALE. */
enum lake_result lake_apply(struct lake *l, const char *table,
                            const char *key, const char *seq,
                            const char *item);

/* Of n changes to key's row in table, in the order they arrive, the one
 * left standing after applying each in turn with lake_apply: its index,
 * LAKE_STANDING_NONE when all of them are stale, or LAKE_STANDING_ERROR
 * (a sequence number too long, or the database). *applied is how many of
 * the n those calls would have applied. Writes nothing: a loader applies
 * the standing change alone, and a row written many times in one file is
 * written once. */
#define LAKE_STANDING_NONE (-1L)
#define LAKE_STANDING_ERROR (-2L)
long lake_standing(struct lake *l, const char *table, const char *key,
                   const char *const *seqs, size_t n, size_t *applied);

/* Records that loader (an identifier the caller keeps) has applied file
 * (with etag); call it inside the transaction that applies the file. */
int lake_mark_loaded(struct lake *l, const char *loader, const char *file,
                     const char *etag);

/* 1 when loader has applied file in a committed (or the current)
 * transaction, 0 when not, -1 on error. */
int lake_is_loaded(struct lake *l, const char *loader, const char *file);

/* Records a landing file the loader refused, with why. */
int lake_reject(struct lake *l, const char *file, const char *reason);

/* Writes every live row, one DynamoDB JSON item per line, ordered by table
 * then canonical key. Returns the number of rows, or -1. */
long lake_snapshot(struct lake *l, FILE *out);

#endif
