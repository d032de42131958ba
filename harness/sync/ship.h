/* `dynalake ship`: DynamoDB stream records to JSON-lines objects in S3.
 * Two ways to run: as a poller that follows every shard of a table's latest
 * stream (parents before children) and checkpoints each shard's position
 * after its object is written, or as a Lambda-style handler for one stream
 * event. Object keys are deterministic:
 *   PREFIX/table=T/dt=YYYY-MM-DD/<shard>-<first seq>-<last seq>.jsonl
 * so a retried batch rewrites its object instead of adding another. */
#ifndef DYNALAKE_SHIP_H
#define DYNALAKE_SHIP_H

#include "sync/jsonl.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

struct buf;
struct sync_stats;

/* DynamoDB Streams returns at most 1000 records per GetRecords. */
#define SHIP_MAX_BATCH 1000
#define SHIP_DEFAULT_POLL_MS 1000

struct ship_options {
    const char *table;        /* poller: the table whose stream to follow */
    const char *stream_arn;   /* poller: the stream, instead of ListStreams */
    const char *to;           /* "s3://BUCKET/PREFIX" */
    const char *checkpoint;   /* poller: checkpoint file, or NULL */
    const char *endpoint;     /* NULL: AWS_ENDPOINT_URL, else AWS */
    enum jsonl_format format;
    enum jsonl_layout layout;
    bool is_once;             /* drain what is there now, then return */
    bool is_latest;           /* shards without a checkpoint start at
                               * LATEST instead of TRIM_HORIZON */
    bool is_progress;         /* progress lines on stderr */
    int batch_size;           /* GetRecords Limit, 1..SHIP_MAX_BATCH */
    int max_attempts;         /* per AWS call; 0: the standard default */
    long poll_interval_ms;    /* following: pause when caught up */
    volatile sig_atomic_t *stop; /* following stops when set; may be NULL */
};

/* Sets the defaults: ddb-json, change layout, batch 1000, poll 1 s. */
void ship_options_init(struct ship_options *o);

/* Runs the poller until caught up (is_once) or *stop. Counts into stats.
 * Returns 0; 1 when records were lost to trimming (reported on stderr);
 * -1 on an error that stopped the run (reported on stderr). */
int ship_run(const struct ship_options *o, struct sync_stats *stats);

/* Handles one Lambda DynamoDB stream event ({"Records":[...]}): writes its
 * records (grouped by table) and appends the Lambda response
 * {"batchItemFailures":[...]} to response. A record that cannot be
 * converted, or an object that cannot be written, is reported as the
 * first failure, so Lambda retries from there. Returns -1 only for an
 * event that is not one (response then holds {"errorMessage":...}). */
int ship_handle_event(const struct ship_options *o, const char *event,
                      size_t len, struct buf *response,
                      struct sync_stats *stats);

#endif
