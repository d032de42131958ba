/* Typed S3 calls over the AWS client (REST-XML): objects in, objects out,
 * listings with continuation. Keys are passed unencoded. */
#ifndef DYNALAKE_AWS_S3_H
#define DYNALAKE_AWS_S3_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct aws_client;
struct buf;

/* S3 allows keys of up to 1024 bytes (UTF-8); ETags are quoted hex. */
#define AWS_S3_KEY_MAX 1024
#define AWS_S3_ETAG_MAX 80

/* PutObject of body into bucket/key; content_type may be NULL. */
int aws_s3_put_object(struct aws_client *c, const char *bucket,
                      const char *key, const void *body, size_t len,
                      const char *content_type);

/* GetObject into out (reset first). */
int aws_s3_get_object(struct aws_client *c, const char *bucket,
                      const char *key, struct buf *out);

int aws_s3_delete_object(struct aws_client *c, const char *bucket,
                         const char *key);

struct aws_s3_object {
    char key[AWS_S3_KEY_MAX + 1];
    char etag[AWS_S3_ETAG_MAX];
    int64_t size;
};

/* One listing: the objects of every page, in key order. */
struct aws_s3_listing {
    struct aws_s3_object *objects; /* owned */
    size_t n;
};

/* ListObjectsV2 of bucket under prefix (may be ""), keys after start_after
 * (NULL for all), following continuation tokens to the end. Caller clears
 * out with aws_s3_listing_clear. */
int aws_s3_list(struct aws_client *c, const char *bucket, const char *prefix,
                const char *start_after, struct aws_s3_listing *out);
void aws_s3_listing_clear(struct aws_s3_listing *l);

/* Parses one ListObjectsV2 page, appending its objects to out; *token is
 * the NextContinuationToken (caller frees) or NULL on the last page.
 * Returns -1 when body is not a listing. */
int aws_s3_list_parse(const char *body, size_t len,
                      struct aws_s3_listing *out, char **token);

/* Splits "s3://BUCKET/PREFIX" into bucket and prefix (either may be
 * truncated to its size). Returns -1 when url is not an s3:// URL with a
 * bucket. */
int aws_s3_url_parse(const char *url, char *bucket, size_t bucket_len,
                     char *prefix, size_t prefix_len);

#endif
