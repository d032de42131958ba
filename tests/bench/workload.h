/* The load generator's workloads, one table row each: what to set up once,
 * which row prefills data, how to make the next request and what to take
 * from its answer. Rows that page (Scan, ListObjectsV2) or follow a stream
 * (GetRecords) keep a cursor per connection slot; the engine in loadgen.c
 * knows nothing about any of them. */
#ifndef DYNALAKE_BENCH_WORKLOAD_H
#define DYNALAKE_BENCH_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

/* Cursor bytes: an ExclusiveStartKey, a continuation token or an opaque
 * shard iterator. */
#define WL_TOKEN_CAP 2048
/* Stream shards followed at most by the getrecords row. */
#define WL_MAX_SHARDS 64

/* One request to send. Strings are static, live in the workload state or in
 * the request's own buffers; the body is written into a buffer the engine
 * owns, or points at the workload's constant object payload. */
struct wl_request {
    const char *method;       /* "POST", "GET", "PUT" */
    const char *path;         /* "/" or "/bucket/key" */
    const char *query;        /* canonical query string, "" for none */
    const char *content_type; /* NULL for none */
    const char *target;       /* X-Amz-Target, NULL for none */
    char *body;               /* borrowed */
    size_t body_len;
    size_t body_cap;
    const char *payload_hash; /* hex SHA-256 of body when known, or NULL */
    unsigned slot;            /* the connection slot; indexes the cursors */
    int kind;                 /* row-defined: what the answer will be */
    char path_buf[256];
    char query_buf[WL_TOKEN_CAP * 3 + 64];
};

/* A slot's position in a paged listing or a stream. */
struct wl_cursor {
    char token[WL_TOKEN_CAP]; /* "" to start over */
    unsigned shard;           /* getrecords: index into wl_state.shards */
};

/* State shared by all requests of one run. */
struct wl_state {
    const char *table;  /* borrowed: DynamoDB table or S3 bucket name */
    uint32_t keys;      /* size of the prefilled key space */
    uint64_t next_key;  /* next fresh or sequential key number */
    uint64_t rng;       /* xorshift64 state, never 0 */
    struct wl_cursor *cursors; /* one per slot, engine-owned */
    /* S3 rows: the object every PutObject sends (engine-owned). */
    char *object;
    size_t object_len;
    char object_hash[65];
    /* getrecords: the stream and its shards, found by the attach hook. */
    char stream_arn[512];
    char shards[WL_MAX_SHARDS][80];
    unsigned n_shards;
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
    const char *peer;     /* the peer emulator to compare with, or NULL */
    const char *summary;  /* one line for --help and BENCHMARKS.md */
    int is_hidden;        /* helper rows (prefill), not benchmarks */
    uint32_t keys;        /* key space of this row; 0: --keys */
    unsigned per_request; /* keys one request of this row covers; 0: 1 */
    size_t object_size;   /* S3 rows: bytes of the object payload */
    int keep_body;        /* done() needs the whole response body */
    /* Once per run before anything else; NULL for none. Returns 0 or -1. */
    int (*setup)(struct wl_state *st, struct wl_client *cl);
    /* Every run, also when the data was set up by an earlier invocation
     * (--skip-setup): finds what next() needs. NULL for none. */
    int (*attach)(struct wl_state *st, struct wl_client *cl);
    /* Row run over st->keys keys before the measurement, or NULL. */
    const char *prefill;
    void (*next)(struct wl_state *st, struct wl_request *out);
    /* After each answer (NULL: nothing to learn from it): moves the slot's
     * cursor and returns how many items the request read or wrote. resp is
     * the whole body with keep_body, else its first KiB. */
    uint64_t (*done)(struct wl_state *st, const struct wl_request *req,
                     long status, const char *resp, size_t len);
};

/* The row called name, or NULL. */
const struct workload *workload_find(const char *name);
/* Row i of the visible rows, or NULL past the end (for --help). */
const struct workload *workload_at(size_t i);

#endif
