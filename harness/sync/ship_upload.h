/* The shipper's upload window: up to SHIP_UPLOADS_MAX PutObjects in
 * flight, each on a thread of its own with a client of its own, finished
 * strictly in the order they were started. Writing an object is mostly
 * the service's work (S3 checksums the body for its ETag, verifies the
 * signed payload's SHA-256 and stores the body); with one object in
 * flight that work runs on one server thread, with two it runs on two.
 * The window only moves bytes: what an object stands for (its records,
 * the checkpoint it allows) is the shipper's, applied as each upload is
 * finished in order. */
#ifndef DYNALAKE_SHIP_UPLOAD_H
#define DYNALAKE_SHIP_UPLOAD_H

#include "base/buf.h"
#include "sync/jsonl.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct aws_client;

/* Two: a second object in flight lets the service work on two at once,
 * which is what a 2-core host has; more would only queue behind them and
 * widen what a killed shipper writes again (each object in flight may
 * land without its checkpoint). */
#define SHIP_UPLOADS_MAX 2

/* One object on its way to S3. The caller fills the first four fields
 * between ship_uploads_next and ship_uploads_start; after
 * ship_uploads_finish they hold the outcome. */
struct ship_upload {
    struct buf lines;            /* the object's body; storage kept from
                                    object to object */
    struct buf key;              /* the object's key */
    char last_seq[JSONL_SEQ_MAX + 1]; /* the newest record in the object */
    uint64_t n;                  /* records in the object */
    int rc;                      /* PutObject's result, once finished */
    uint64_t retries;            /* requests the client retried for it */
    struct aws_client *client;   /* owned; its error explains rc < 0 */
    const char *bucket;          /* borrowed from ship_uploads_init */
    bool is_running;             /* a thread is uploading */
    pthread_t thread;
};

struct ship_uploads {
    struct ship_upload slots[SHIP_UPLOADS_MAX];
    size_t oldest;               /* slot of the oldest upload in flight */
    size_t n;                    /* uploads in flight */
};

/* Makes a window writing into bucket (borrowed: it must outlive w), each
 * slot with a client from sync_client_new(endpoint, max_attempts).
 * -1 when a client cannot be made (the reason is on stderr); w must be
 * cleared either way. A window of zeroes may be cleared too. */
int ship_uploads_init(struct ship_uploads *w, const char *bucket,
                      const char *endpoint, int max_attempts);

/* Waits for whatever is still in flight and frees the clients and
 * buffers. */
void ship_uploads_clear(struct ship_uploads *w);

bool ship_uploads_is_full(const struct ship_uploads *w);
bool ship_uploads_is_empty(const struct ship_uploads *w);

/* The slot for the next object; the window must not be full. Borrowed:
 * fill it, then ship_uploads_start. */
struct ship_upload *ship_uploads_next(struct ship_uploads *w);

/* Starts the PutObject of the slot ship_uploads_next gave, on a thread of
 * its own; without a thread to spare, uploads it now. */
void ship_uploads_start(struct ship_uploads *w);

/* Waits for the oldest upload in flight (the window must not be empty)
 * and takes it out of the window. Borrowed: valid until its slot is
 * handed out again by ship_uploads_next. */
struct ship_upload *ship_uploads_finish(struct ship_uploads *w);

#endif
