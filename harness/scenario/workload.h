/* The workload generator: from a seed, a list of DynamoDB write requests
 * (put, update, delete, conditional writes, batch writes, transactions,
 * items that expire by TTL) on a timeline of the emulator's clock. Same
 * seed and settings, same operations, byte for byte: requests are built as
 * JSON text with numbers kept as strings, and the timeline is relative to a
 * fixed epoch (WORKLOAD_EPOCH_MS), never to the wall clock. */
#ifndef DYNALAKE_WORKLOAD_H
#define DYNALAKE_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct scenario_table;
struct scenario_workload;

/* 2100-01-01T00:00:00Z: the runner moves the emulator's clock here before
 * the first operation, so TTL values in the requests are the same in every
 * run and always in the emulator's future. */
#define WORKLOAD_EPOCH_MS INT64_C(4102444800000)

/* DynamoDB's item size limit is 400 KB (409,600 bytes, names included);
 * large items carry a payload this big, leaving room for the rest. */
#define WORKLOAD_LARGE_PAYLOAD_BYTES 395000

/* BatchWriteItem takes at most 25 requests; TransactWriteItems 100 (we use
 * up to 4, enough to mix kinds). */
#define WORKLOAD_MAX_BATCH 25
#define WORKLOAD_MAX_TXN 4

enum workload_kind {
    WORKLOAD_PUT,
    WORKLOAD_UPDATE,
    WORKLOAD_DELETE,
    WORKLOAD_CONDITIONAL,
    WORKLOAD_BATCH,
    WORKLOAD_TRANSACTION,
    WORKLOAD_TTL,
    WORKLOAD_KINDS
};

struct workload_op {
    int64_t t_ms;            /* offset from WORKLOAD_EPOCH_MS */
    enum workload_kind kind;
    const char *operation;   /* static: "PutItem", "BatchWriteItem", … */
    char *body;              /* owned; the request, JSON text */
    int worker;              /* the writer that runs it (keys are split
                                between writers, so per-key order holds) */
    bool may_fail;           /* a failed condition is an outcome here */
};

struct workload {
    struct workload_op *ops; /* owned */
    size_t n;
    int workers;
    int64_t duration_ms;
    size_t counts[WORKLOAD_KINDS];
};

/* Generates the workload w describes on table t (operations and keys
 * multiplied by scale, at least 1 key), from seed. Caller clears out with
 * workload_clear. */
void workload_generate(const struct scenario_workload *w,
                       const struct scenario_table *t, double scale,
                       uint64_t seed, struct workload *out);

void workload_clear(struct workload *wl);

/* Appends the workload as JSON lines, one operation a line:
 * {"t_ms":…,"worker":…,"kind":"put","operation":"PutItem",
 *  "may_fail":false,"request":{…}}. */
void workload_write(const struct workload *wl, struct buf *out);

/* "put", "update", …: the names the scenario's mix uses. */
const char *workload_kind_name(enum workload_kind kind);

#endif
