/* S3 rows: buckets (with their policy), objects, multipart uploads and
 * their parts, and the bodies of objects and parts, stored in chunks and
 * written and read a piece at a time. A body and the row naming it are
 * written in one transaction, so an object appears whole or not at all. Object keys are bytes with a length and compare as bytes,
 * the order S3 lists them in. Functions run inside the caller's
 * transaction (store_read/store_write) and return store_result codes. */
#ifndef DYNALAKE_STORE_S3_H
#define DYNALAKE_STORE_S3_H

#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store_s3_bucket {
    const char *name;   /* borrowed */
    const char *region; /* borrowed; "us-east-1" */
    int64_t created_ms;
};

/* An object's row. In results from store_s3_object_get the strings are
 * owned (free with store_s3_object_clear); in scan callbacks and in
 * store_s3_object_put's argument they are borrowed. */
struct store_s3_object {
    int64_t id;                /* rowid */
    int64_t body;              /* body id, for store_s3_body_read; 0: empty */
    const char *key;
    size_t key_len;
    int64_t size;              /* bytes */
    const char *etag;          /* quoted, as S3 returns it */
    int64_t modified_ms;
    const char *content_type;  /* NULL: none stored */
    const char *meta;          /* JSON object of stored headers, or NULL */
    const char *checksum_algo; /* "CRC32", "CRC32C", "SHA1", "SHA256", NULL */
    const char *checksum;      /* base64; "...-N" for multipart composites */
    int64_t parts;             /* parts of a multipart object, else 0 */
};

void store_s3_object_clear(struct store_s3_object *o);

enum store_result store_s3_bucket_insert(struct store_tx *tx,
                                         const struct store_s3_bucket *b);
/* STORE_NOT_FOUND without the bucket; out's strings are copied into the
 * caller's region[] (32 bytes). */
enum store_result store_s3_bucket_get(struct store_tx *tx, const char *name,
                                      char region[32], int64_t *created_ms);
/* STORE_CONDITION_FAILED when the bucket still holds objects; its
 * multipart uploads go with it. */
enum store_result store_s3_bucket_delete(struct store_tx *tx,
                                         const char *name);
typedef void (*store_s3_bucket_fn)(const struct store_s3_bucket *b,
                                   void *arg);
enum store_result store_s3_bucket_each(struct store_tx *tx,
                                       store_s3_bucket_fn fn, void *arg);
/* policy NULL deletes it. STORE_NOT_FOUND without the bucket. */
enum store_result store_s3_policy_set(struct store_tx *tx, const char *bucket,
                                      const char *policy);
/* *out (caller frees) is NULL when the bucket has no policy;
 * STORE_NOT_FOUND without the bucket. */
enum store_result store_s3_policy_get(struct store_tx *tx, const char *bucket,
                                      char **out);

/* Bodies. A writer appends bytes in pieces of any size, stored in chunks
 * of STORE_S3_CHUNK_BYTES; the body exists only in the transaction that
 * wrote it, and is referenced by putting an object or part that names it.
 * Deleting or replacing an object or part deletes its body. */
#define STORE_S3_CHUNK_BYTES ((size_t)1 << 20)

struct store_s3_writer {
    int64_t body;    /* the body id once the first chunk is stored; 0 */
    int64_t size;    /* bytes appended so far */
    char *pending;   /* owned; up to a chunk not yet stored */
    size_t n_pending;
};

void store_s3_writer_init(struct store_s3_writer *w);
/* Frees the pending bytes (the stored chunks belong to the transaction). */
void store_s3_writer_clear(struct store_s3_writer *w);
enum store_result store_s3_writer_append(struct store_tx *tx,
                                         struct store_s3_writer *w,
                                         const void *data, size_t len);
/* Stores what is pending; w->body and w->size then name the body. */
enum store_result store_s3_writer_finish(struct store_tx *tx,
                                         struct store_s3_writer *w);
/* Appends data as the body's last bytes and finishes it; with nothing
 * pending, the chunks are stored straight from data, with no copy and no
 * chunk-sized buffer (what a small object would otherwise allocate). */
enum store_result store_s3_writer_finish_with(struct store_tx *tx,
                                              struct store_s3_writer *w,
                                              const void *data, size_t len);
/* Copies len bytes of body from offset into dest; STORE_NOT_FOUND when the
 * body no longer holds them (deleted since its row was read). */
enum store_result store_s3_body_read(struct store_tx *tx, int64_t body,
                                     int64_t offset, size_t len, void *dest);
/* Appends len bytes of body src from offset to w, a chunk at a time,
 * handing each piece to fn (for digests) when fn is not NULL. */
typedef void (*store_s3_piece_fn)(void *arg, const void *data, size_t len);
enum store_result store_s3_body_copy(struct store_tx *tx, int64_t src,
                                     int64_t offset, int64_t len,
                                     struct store_s3_writer *w,
                                     store_s3_piece_fn fn, void *arg);

/* Inserts or replaces (bucket, o->key) with body, written as a new body. */
enum store_result store_s3_object_put(struct store_tx *tx, const char *bucket,
                                      const struct store_s3_object *o,
                                      const void *body, size_t body_len);
/* Inserts or replaces (bucket, o->key) naming the body o->body, which the
 * object then owns. */
enum store_result store_s3_object_put_body(struct store_tx *tx,
                                           const char *bucket,
                                           const struct store_s3_object *o);
/* STORE_NOT_FOUND when absent; else *out filled and owned. */
enum store_result store_s3_object_get(struct store_tx *tx, const char *bucket,
                                      const char *key, size_t key_len,
                                      struct store_s3_object *out);
/* STORE_NOT_FOUND when there was nothing to delete. */
enum store_result store_s3_object_delete(struct store_tx *tx,
                                         const char *bucket, const char *key,
                                         size_t key_len);
/* True (STORE_OK) if the bucket holds any object, else STORE_NOT_FOUND. */
enum store_result store_s3_object_any(struct store_tx *tx, const char *bucket);

/* Calls fn on the bucket's objects in key order, starting after `from`
 * (or at it, with is_inclusive), among keys starting with prefix; stops
 * when fn returns non-zero. Strings are borrowed for the call. */
typedef int (*store_s3_object_fn)(const struct store_s3_object *o, void *arg);
enum store_result store_s3_object_scan(struct store_tx *tx, const char *bucket,
                                       const char *from, size_t from_len,
                                       bool is_inclusive, const char *prefix,
                                       size_t prefix_len,
                                       store_s3_object_fn fn, void *arg);

/* A multipart upload. Strings as in store_s3_object. */
struct store_s3_upload {
    const char *id;
    const char *key;
    size_t key_len;
    int64_t created_ms;
    const char *content_type;
    const char *meta;
    const char *checksum_algo;
};

struct store_s3_part {
    int64_t number;
    int64_t body;         /* store_s3_part_put_body: the part's body id */
    int64_t size;
    const char *etag;     /* quoted */
    int64_t modified_ms;
    const char *checksum; /* base64 of the upload's algorithm, or NULL */
};

void store_s3_upload_clear(struct store_s3_upload *u);

enum store_result store_s3_upload_insert(struct store_tx *tx,
                                         const char *bucket,
                                         const struct store_s3_upload *u);
/* STORE_NOT_FOUND unless upload id belongs to (bucket, key); *out owned. */
enum store_result store_s3_upload_get(struct store_tx *tx, const char *bucket,
                                      const char *key, size_t key_len,
                                      const char *id,
                                      struct store_s3_upload *out);
/* Deletes the upload and its parts. */
enum store_result store_s3_upload_delete(struct store_tx *tx, const char *id);
/* The bucket's uploads by key, then initiation time, among keys with
 * prefix, after (key_marker, id_marker); fn returns non-zero to stop. */
typedef int (*store_s3_upload_fn)(const struct store_s3_upload *u, void *arg);
enum store_result store_s3_upload_scan(struct store_tx *tx, const char *bucket,
                                       const char *prefix, size_t prefix_len,
                                       const char *key_marker,
                                       size_t key_marker_len,
                                       store_s3_upload_fn fn, void *arg);

enum store_result store_s3_part_put(struct store_tx *tx, const char *upload,
                                    const struct store_s3_part *p,
                                    const void *body, size_t body_len);
/* As store_s3_part_put for a body already written (p->body). */
enum store_result store_s3_part_put_body(struct store_tx *tx,
                                         const char *upload,
                                         const struct store_s3_part *p);
/* Parts in number order after `after`; fn returns non-zero to stop. */
typedef int (*store_s3_part_fn)(const struct store_s3_part *p, void *arg);
enum store_result store_s3_part_scan(struct store_tx *tx, const char *upload,
                                     int64_t after, store_s3_part_fn fn,
                                     void *arg);
/* Writes object o (o->size already the parts' total) whose body is the
 * concatenation of the upload's parts numbered numbers[0..n): their
 * chunks move to the object, no byte is copied; the upload itself (and
 * any part not named) is left for store_s3_upload_delete. */
enum store_result store_s3_object_put_parts(struct store_tx *tx,
                                            const char *bucket,
                                            const struct store_s3_object *o,
                                            const char *upload,
                                            const int64_t *numbers, size_t n);

#endif
