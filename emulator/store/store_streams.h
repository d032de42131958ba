/* DynamoDB Streams rows in SQLite: streams (one per enabling of a table's
 * stream, kept after disabling until its records age out), their shards (a
 * chain: each closed shard's child continues its sequence numbers), and the
 * records (keyed by stream and sequence number, with their shard and
 * creation time). Returns result codes only; streams_log and streams_api
 * own the meaning. */
#ifndef DYNALAKE_STORE_STREAMS_H
#define DYNALAKE_STORE_STREAMS_H

#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bounds of the text columns, from their sources: an ARN names a table of
 * up to 255 characters; KeySchema holds at most two names. */
#define STORE_STREAMS_ARN_MAX 512
#define STORE_STREAMS_NAME_MAX 256
#define STORE_STREAMS_SCHEMA_MAX 1024
#define STORE_STREAMS_SHARD_ID_MAX 48

struct store_stream {
    int64_t id;           /* assigned by store_streams_insert; never reused
                             within a database's life */
    int64_t tbl;          /* the DynamoDB table's id */
    char table_name[STORE_STREAMS_NAME_MAX];
    char arn[STORE_STREAMS_ARN_MAX];
    char label[40];
    char view[24];        /* StreamViewType */
    char key_schema[STORE_STREAMS_SCHEMA_MAX]; /* KeySchema JSON */
    int64_t created_ms;
    int64_t disabled_ms;  /* 0 while enabled */
    int64_t next_seq;     /* the next record's sequence number */
    int64_t last_ms;      /* creation time of the newest record */
    /* An append leaves the stream's row alone: the finders read next_seq
     * and last_ms from the row and from the newest record, whichever is
     * later, and an update writes them back. */
};

struct store_shard {
    int64_t stream;
    int64_t idx;          /* 1 for the first shard, then 2, 3 ... */
    char shard_id[STORE_STREAMS_SHARD_ID_MAX];
    char parent_id[STORE_STREAMS_SHARD_ID_MAX]; /* "" for the first */
    int64_t start_seq;
    int64_t end_seq;      /* -1 while open */
    int64_t created_ms;
    int64_t closed_ms;    /* 0 while open */
    int64_t n_records;    /* counted when the shard closes; an open one
                             holds the stream's next_seq - start_seq */
};

/* Streams. Insert sets s->id. Update writes disabled_ms, next_seq and
 * last_ms. The finders return STORE_NOT_FOUND when there is no such
 * stream; find_enabled looks for the table's enabled stream. */
enum store_result store_streams_insert(struct store_tx *tx,
                                       struct store_stream *s);
enum store_result store_streams_update(struct store_tx *tx,
                                       const struct store_stream *s);
enum store_result store_streams_find(struct store_tx *tx, int64_t id,
                                     struct store_stream *out);
enum store_result store_streams_find_by_arn(struct store_tx *tx,
                                            const char *arn,
                                            struct store_stream *out);
enum store_result store_streams_find_enabled(struct store_tx *tx,
                                             int64_t tbl,
                                             struct store_stream *out);
/* The table's enabled stream and its open shard, in one statement (every
 * record appended asks for both): STORE_NOT_FOUND when the table has no
 * enabled stream, STORE_ERROR (logged) when that stream has no open shard. */
enum store_result store_streams_find_open(struct store_tx *tx, int64_t tbl,
                                          struct store_stream *s,
                                          struct store_shard *sh);

/* Calls fn for streams in ARN order: those of table_name (NULL: all),
 * after after_arn (NULL: from the start), enabled or disabled at or after
 * min_disabled_ms, at most limit of them. fn returns false to stop. */
typedef bool (*store_stream_fn)(const struct store_stream *s, void *arg);
struct store_streams_query {
    const char *table_name;
    const char *after_arn;
    int64_t min_disabled_ms;
    bool is_enabled_only;
    size_t limit;
};
enum store_result store_streams_each(struct store_tx *tx,
                                     const struct store_streams_query *q,
                                     store_stream_fn fn, void *arg);

/* Shards. Update writes end_seq, closed_ms and n_records. open finds the
 * stream's open shard; find_id and find_idx look one up by id or number. */
enum store_result store_streams_shard_insert(struct store_tx *tx,
                                             const struct store_shard *sh);
enum store_result store_streams_shard_update(struct store_tx *tx,
                                             const struct store_shard *sh);
enum store_result store_streams_shard_open(struct store_tx *tx,
                                           int64_t stream,
                                           struct store_shard *out);
enum store_result store_streams_shard_find_id(struct store_tx *tx,
                                              int64_t stream,
                                              const char *shard_id,
                                              struct store_shard *out);
enum store_result store_streams_shard_find_idx(struct store_tx *tx,
                                               int64_t stream, int64_t idx,
                                               struct store_shard *out);
/* Calls fn for the stream's shards in shard id order, after after_id (NULL:
 * from the start), skipping shards closed before min_closed_ms. */
typedef bool (*store_shard_fn)(const struct store_shard *sh, void *arg);
enum store_result store_streams_shards(struct store_tx *tx, int64_t stream,
                                       const char *after_id,
                                       int64_t min_closed_ms,
                                       store_shard_fn fn, void *arg);

/* Records. */
enum store_result store_streams_record_insert(struct store_tx *tx,
                                              int64_t stream, int64_t seq,
                                              int64_t shard,
                                              int64_t created_ms,
                                              const char *text, size_t len);
/* Calls fn for the records with first <= seq <= last, in order; fn gets
 * the record's JSON (borrowed for the call) and returns false to stop. */
typedef bool (*store_record_fn)(int64_t seq, int64_t created_ms,
                                const char *text, size_t len, void *arg);
enum store_result store_streams_records(struct store_tx *tx, int64_t stream,
                                        int64_t first, int64_t last,
                                        store_record_fn fn, void *arg);
/* The first record with first <= seq <= last: its sequence number and
 * creation time; STORE_NOT_FOUND if there is none. */
enum store_result store_streams_first_record(struct store_tx *tx,
                                             int64_t stream, int64_t first,
                                             int64_t last, int64_t *seq,
                                             int64_t *created_ms);
/* The first record with first <= seq <= last created at or after
 * min_created_ms; STORE_NOT_FOUND if there is none. */
enum store_result store_streams_first_live(struct store_tx *tx,
                                           int64_t stream, int64_t first,
                                           int64_t last,
                                           int64_t min_created_ms,
                                           int64_t *seq);

#endif
