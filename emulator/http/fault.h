/* Fault injection: rules that make matching requests fail with a chosen AWS
 * error, or answer late, so that clients' retry, backoff, timeout and
 * recovery paths can be tested (throttled GetRecords, expired iterators,
 * throttled writes, S3's SlowDown, 5xx, slow responses). A rule names an
 * operation and a table, or an S3 bucket and key prefix (any may be left
 * open), how often it fires (the next N matching calls, or a fraction of
 * them), and the error and/or the latency it adds. dispatch consults the
 * rules after authorization, before the handler; the admin API adds, lists
 * and clears them. */
#ifndef DYNALAKE_FAULT_H
#define DYNALAKE_FAULT_H

#include "http/aws_error.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

/* Rules held at once; more is a test's mistake, refused by the admin API. */
#define FAULT_MAX_RULES 64

/* Added latency is capped so that a mistyped rule cannot park a server
 * thread for long (libmicrohttpd's workers serve many connections each). */
#define FAULT_MAX_LATENCY_MS 60000

struct fault_rule {
    char operation[64]; /* e.g. "GetRecords"; "" matches any */
    char table[256];    /* "" matches any table, and calls naming none */
    char bucket[64];    /* S3: "" matches any bucket, and calls naming none */
    char prefix[1024];  /* S3: keys (or a listing's prefix) starting with
                           this; "" matches any, and calls naming none */
    enum aws_err err;   /* AWS_ERR_NONE: latency only */
    unsigned latency_ms; /* added before answering, error or not */
    int64_t count;      /* calls left to fail; -1: no limit */
    double fraction;    /* chance that a matching call fails, in (0, 1] */
};

/* What a call is, for matching: NULL fields name nothing. */
struct fault_target {
    const char *operation;
    const char *table;
    const char *bucket;
    const char *key;    /* an object key, or a listing's prefix */
};

struct faults;

struct faults *faults_new(void);
void faults_free(struct faults *f); /* NULL accepted */
void faults_clear(struct faults *f);

/* Adds a copy of r; -1 when FAULT_MAX_RULES are held. */
int faults_add(struct faults *f, const struct fault_rule *r);

/* The error to inject into a call of operation on table (NULL when the
 * call names none), using up one count of the first matching rule that
 * fires; AWS_ERR_NONE when none does. Rules whose count reaches 0 go.
 * Latency-only rules are left to faults_match. */
enum aws_err faults_check(struct faults *f, const char *operation,
                          const char *table);

/* As faults_check for any target: every matching rule that fires adds its
 * latency to *latency_ms (capped at FAULT_MAX_LATENCY_MS), up to and
 * including the first one with an error, whose error is returned. */
enum aws_err faults_match(struct faults *f, const struct fault_target *t,
                          unsigned *latency_ms);

/* Whether err is a throttling error (ProvisionedThroughputExceeded,
 * Throttling). BatchGetItem and BatchWriteItem check
 * the rules themselves, once per item: an item a throttling rule fires on
 * is returned unprocessed (UnprocessedKeys, UnprocessedItems), as AWS
 * returns items it could not fit in the table's throughput, and any other
 * injected error fails the whole call. So "count": N leaves the next N
 * items of matching batches unprocessed, and "fraction": F about that
 * share of them. */
bool fault_is_throttling(enum aws_err err);

/* The rules as a JSON array, for the admin API. Caller frees. */
cJSON *faults_list(struct faults *f);

/* The error whose code is code (e.g. "LimitExceededException", or S3's
 * "SlowDown" and "InternalError"), or AWS_ERR_NONE when none is. */
enum aws_err fault_error_parse(const char *code);

/* The message AWS sends with an error of this kind; S3's own wording for
 * SlowDown and InternalError. */
const char *fault_message(enum aws_err err);
const char *fault_s3_message(enum aws_err err);

#endif
