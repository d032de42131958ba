/* The load generator's workloads, one table row each: what to set up once,
 * which row prefills data, and how to make the next request. Adding Query,
 * Scan, BatchWriteItem, GetRecords or an S3 workload is one more row (plus
 * its request maker) in workload.c; the engine in loadgen.c stays as is. */
#ifndef DYNALAKE_BENCH_WORKLOAD_H
#define DYNALAKE_BENCH_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

/* One request to send; strings are static or live in the workload state,
 * the body is written into a buffer the engine owns. */
struct wl_request {
    const char *method;       /* "POST", "GET", "PUT" */
    const char *path;         /* "/" or "/bucket/key" */
    const char *query;        /* canonical query string, "" for none */
    const char *content_type; /* NULL for none */
    const char *target;       /* X-Amz-Target, NULL for none */
    char *body;               /* borrowed from the engine */
    size_t body_len;
    size_t body_cap;
};

/* State shared by all requests of one run. */
struct wl_state {
    const char *table;  /* borrowed: DynamoDB table or S3 bucket name */
    uint32_t keys;      /* size of the prefilled key space */
    uint64_t next_key;  /* next fresh or sequential key number */
    uint64_t rng;       /* xorshift64 state, never 0 */
};

/* A blocking call the setup hooks use; fills the status and up to cap-1
 * bytes of the response body (NUL-terminated). Returns 0 or -1 on a
 * transport error. */
struct wl_client {
    int (*call)(void *ctx, struct wl_request *req, long *status, char *resp,
                size_t cap);
    void *ctx;
    char *body; /* a buffer of body_cap bytes for setup requests */
    size_t body_cap;
};

struct workload {
    const char *name;
    const char *service;  /* SigV4 service name */
    const char *summary;  /* one line for --help and BENCHMARKS.md */
    int is_hidden;        /* helper rows (prefill), not benchmarks */
    /* Once per run before anything else; NULL for none. Returns 0 or -1. */
    int (*setup)(struct wl_state *st, struct wl_client *cl);
    /* Row run for st->keys requests before the measurement, or NULL. */
    const char *prefill;
    void (*next)(struct wl_state *st, struct wl_request *out);
};

/* The row called name, or NULL. */
const struct workload *workload_find(const char *name);
/* Row i of the visible rows, or NULL past the end (for --help). */
const struct workload *workload_at(size_t i);

#endif
