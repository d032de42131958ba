/* `dynalake esm`: the event-source-mapping runner -- what Lambda does
 * between a DynamoDB stream and a function, run locally against dynalake
 * or AWS. It follows every shard of the table's latest stream (parents
 * before children), drops records that no FilterCriteria pattern matches,
 * gathers the rest into batches (BatchSize, MaximumBatchingWindowInSeconds),
 * splits each shard's records into ParallelizationFactor lanes by partition
 * key (order kept per key), and invokes the handler with the Lambda event
 * {"Records": [...]}. On a function error it retries (bisecting the batch
 * with BisectBatchOnFunctionError) until MaximumRetryAttempts or
 * MaximumRecordAgeInSeconds runs out, then writes the batch's metadata to
 * the on-failure destination and moves on; with ReportBatchItemFailures a
 * {"batchItemFailures": [{"itemIdentifier": SEQ}]} response checkpoints
 * before the first failed record and retries from it.
 *
 * The handler is the built-in shipper (ship_handle_event) or a command
 * (sync/esm_invoke.h); the batching logic below takes any handler, so it
 * is tested with fakes. */
#ifndef DYNALAKE_ESM_H
#define DYNALAKE_ESM_H

#include "sync/esm_filter.h"
#include "sync/jsonl.h"

#include <cjson/cJSON.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct sync_stats;

/* Lambda's limits for DynamoDB stream sources: BatchSize 1-10000 (default
 * 100), MaximumBatchingWindowInSeconds 0-300, MaximumRetryAttempts -1
 * (forever) to 10000, MaximumRecordAgeInSeconds -1 (forever) or 60-604800,
 * ParallelizationFactor 1-10. */
#define ESM_MAX_BATCH 10000
#define ESM_DEFAULT_BATCH 100
#define ESM_MAX_WINDOW_S 300
#define ESM_MAX_RETRIES 10000
#define ESM_MAX_RECORD_AGE_S 604800
#define ESM_MAX_PARALLEL 10
/* Lambda's default function timeout is 3 s; commands start interpreters,
 * so the runner's default is longer. */
#define ESM_DEFAULT_TIMEOUT_S 60
/* A synchronous invocation's payload and response: 6 MB each. */
#define ESM_MAX_PAYLOAD ((size_t)6 << 20)

/* What an invocation came to, as the handler reports it. */
enum esm_invoke_result {
    ESM_INVOKE_OK,     /* the function returned; response holds its answer */
    ESM_INVOKE_ERROR,  /* function error: non-zero exit, timeout, crash */
};

/* The function. invoke gets the event and appends the response; err gets
 * a one-line reason for a function error. It may run on several lanes at
 * once (ParallelizationFactor > 1), so it must be thread-safe. */
struct esm_handler {
    enum esm_invoke_result (*invoke)(void *ctx, const char *event,
                                     size_t len, struct buf *response,
                                     char *err, size_t errlen);
    void *ctx;
};

/* Why a batch was given up. */
enum esm_condition {
    ESM_RETRIES_EXHAUSTED, /* "RetryAttemptsExhausted" */
    ESM_RECORD_TOO_OLD,    /* "RecordAgeExceeded" */
};

/* A batch given up, for the on-failure destination. records borrowed. */
struct esm_failure {
    const char *shard;
    const char *stream_arn;
    const cJSON *const *records;
    size_t n;
    enum esm_condition condition;
    int attempts;                /* invocations of the batch */
    const char *error;           /* the last function error */
};

struct esm_config {
    int batch_size;
    long window_s;
    int max_retries;             /* -1: until the records expire */
    long max_record_age_s;       /* -1: forever */
    bool is_bisect;
    bool is_report_failures;
    long retry_base_ms;          /* backoff between retries, doubled up to
                                  * retry_max_ms */
    long retry_max_ms;
};

/* Counters beyond sync_stats. */
struct esm_counts {
    uint64_t invocations;
    uint64_t function_errors;
    uint64_t partial_failures;   /* responses naming failed items */
    uint64_t bisections;
    uint64_t discarded;          /* records given up after retries */
    uint64_t filtered;           /* records no filter matched */
    uint64_t failure_objects;    /* on-failure documents written */
};

/* The batch engine: handler, configuration, and hooks the tests replace.
 * on_failure may be NULL (records are then only counted). now_ms and
 * sleep_ms NULL use the wall clock and nanosleep. */
struct esm_engine {
    const struct esm_config *cfg;
    struct esm_handler handler;
    int (*on_failure)(void *ctx, const struct esm_failure *f);
    void *failure_ctx;
    int64_t (*now_ms)(void);
    void (*sleep_ms)(long ms);
    const char *shard;           /* for failures; borrowed */
    const char *stream_arn;
};

/* Delivers records[0..n) (one lane's, in order, already filtered) in
 * batches of cfg->batch_size with retries, bisection, partial batch
 * responses and on-failure; returns when every record was delivered or
 * given up. Adds to counts and stats (written: acknowledged records;
 * rejected: given up; retried: re-invocations). Returns 0, or -1 when the
 * on-failure destination could not be written (the records must then not
 * be checkpointed past). Thread-safe for distinct counts/stats. */
int esm_deliver(const struct esm_engine *e, cJSON *const *records, size_t n,
                struct esm_counts *counts, struct sync_stats *stats);

/* Appends the Lambda event {"Records":[...]} for records[0..n). */
void esm_event_write(struct buf *out, cJSON *const *records, size_t n);

/* Reads a function response for ReportBatchItemFailures: *first gets the
 * index in records[0..n) of the earliest failed item, n when none failed.
 * Returns -1 when the response names an item that is not in the batch, or
 * is malformed, which Lambda takes as the whole batch failing. */
int esm_response_failures(const char *response, size_t len,
                          cJSON *const *records, size_t n, size_t *first);

/* True when response is a function error document ({"errorMessage":..}). */
bool esm_response_is_error(const char *response, size_t len);

/* The lane of a record: a hash of its partition key attribute's value
 * (dynamodb.Keys[hash_key]) modulo lanes. */
int esm_lane(const cJSON *record, const char *hash_key, int lanes);

/* Appends the on-failure document for f: Lambda's stream invocation
 * record (requestContext, responseContext, version, timestamp,
 * DDBStreamBatchInfo) with the records' metadata, not their images. */
void esm_failure_write(struct buf *out, const struct esm_failure *f,
                       int64_t now_ms);

/* ---- The runner --------------------------------------------------------- */

struct esm_options {
    const char *table;
    const char *stream_arn;      /* instead of ListStreams */
    const char *endpoint;        /* NULL: AWS_ENDPOINT_URL, else AWS */
    const char *role;            /* run as this role (name or ARN), or NULL */
    const char *on_failure;      /* "s3://BUCKET/PREFIX" or NULL */
    const char *checkpoint;      /* shard positions, or NULL */
    const char *to;              /* built-in shipper's target */
    char *const *command;        /* argv, NULL-terminated; NULL: built-in */
    struct esm_config cfg;
    struct esm_filter filter;    /* owned by the caller */
    enum jsonl_format format;    /* built-in shipper */
    int parallelization;
    bool is_latest;              /* StartingPosition LATEST */
    bool is_once;                /* drain what is there now, then return */
    bool is_progress;
    long timeout_s;              /* command's timeout */
    int max_attempts;            /* per AWS call; 0: the standard default */
    long poll_interval_ms;
    volatile sig_atomic_t *stop;
};

void esm_options_init(struct esm_options *o);

/* Runs the mapping. With role, the stream is read, the handler runs and
 * the on-failure destination is written as that role, as Lambda uses the
 * function's execution role; for the built-in shipper that means the
 * role's credentials are put in this process's environment. Returns 0; 1
 * when records were given up (discarded) or lost to trimming; -1 on an
 * error that stopped the run (reported on stderr). */
int esm_run(const struct esm_options *o, struct sync_stats *stats,
            struct esm_counts *counts);

#endif
