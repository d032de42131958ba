/* S3 rows: buckets (with their policy), objects (metadata and body in one
 * row, so an object appears whole or not at all), multipart uploads and
 * their parts. Object keys are bytes with a length and compare as bytes,
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
    int64_t id;                /* rowid, for store_s3_object_read */
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

/* Inserts or replaces (bucket, o->key) with body. */
enum store_result store_s3_object_put(struct store_tx *tx, const char *bucket,
                                      const struct store_s3_object *o,
                                      const void *body, size_t body_len);
/* STORE_NOT_FOUND when absent; else *out filled and owned. */
enum store_result store_s3_object_get(struct store_tx *tx, const char *bucket,
                                      const char *key, size_t key_len,
                                      struct store_s3_object *out);
/* Copies len bytes of the body of object id from offset into dest. */
enum store_result store_s3_object_read(struct store_tx *tx, int64_t id,
                                       int64_t offset, size_t len,
                                       void *dest);
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
/* Parts in number order after `after`; fn returns non-zero to stop. */
typedef int (*store_s3_part_fn)(const struct store_s3_part *p, void *arg);
enum store_result store_s3_part_scan(struct store_tx *tx, const char *upload,
                                     int64_t after, store_s3_part_fn fn,
                                     void *arg);
/* Writes object o (o->size already the parts' total) whose body is the
 * concatenation of the upload's parts numbered numbers[0..n), a part at a
 * time; the upload itself is left for store_s3_upload_delete. */
enum store_result store_s3_object_put_parts(struct store_tx *tx,
                                            const char *bucket,
                                            const struct store_s3_object *o,
                                            const char *upload,
                                            const int64_t *numbers, size_t n);

#endif
