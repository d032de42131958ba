/* What the S3 handlers share and nobody else needs: request accessors,
 * the XML response frame, dates as S3 writes them, error helpers that add
 * S3's extra <Error> elements, stored metadata headers, and checksums.
 * Included only by emulator/s3/s3_*.c. */
#ifndef DYNALAKE_S3_INTERNAL_H
#define DYNALAKE_S3_INTERNAL_H

#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct call;

#define S3_XMLNS "http://s3.amazonaws.com/doc/2006-03-01/"
/* Object keys are at most 1024 bytes of UTF-8 (S3 User Guide). */
#define S3_MAX_KEY_BYTES 1024
/* Every part but the last is at least 5 MiB (S3 API Reference,
 * CompleteMultipartUpload). */
#define S3_MIN_PART_BYTES ((int64_t)5 << 20)
#define S3_MAX_PART_NUMBER 10000
/* The most keys a listing returns per page, whatever max-keys asks. */
#define S3_MAX_KEYS 1000

/* The routed request's decoded bucket, key and query parameters. */
const char *s3_bucket_name(const struct call *c);
const char *s3_key(const struct call *c);
const char *s3_param(const struct call *c, const char *name); /* NULL: absent */

/* Starts the response body: the XML declaration and <root xmlns=...>. */
void s3_xml_open(struct call *c, const char *root);
void s3_xml_close(struct call *c, const char *root);
/* Appends <name>text</name>; for keys of a given length, URL-encoded when
 * encoding-type=url was asked for. */
void s3_xml_key(struct buf *b, const char *name, const char *key, size_t len,
                bool is_url);
void s3_xml_int(struct buf *b, const char *name, long long v);
/* Appends <Owner><ID/><DisplayName/></Owner> for the account. */
void s3_write_owner(const struct call *c, struct buf *b);

/* "2009-10-12T17:50:30.000Z" (out: 32 bytes). */
void s3_format_iso8601(int64_t ms, char *out);
/* "Mon, 12 Oct 2009 17:50:30 GMT" (out: 40 bytes). */
void s3_format_http_date(int64_t ms, char *out);
/* Parses an RFC 7231 date (IMF-fixdate); -1 if it is not one. */
int s3_parse_http_date(const char *s, int64_t *ms);

/* Adds an element to the error document under construction. */
void s3_detail(struct call *c, const char *name, const char *value);
int s3_fail_no_bucket(struct call *c, const char *bucket);
int s3_fail_no_key(struct call *c, const char *key);
int s3_fail_no_upload(struct call *c, const char *upload_id);
/* Records InternalError for a failed store call; returns -1. */
int s3_fail_store(struct call *c);
/* KeyTooLongError past S3_MAX_KEY_BYTES. */
int s3_check_key(struct call *c);
/* Whether the bucket exists, inside a transaction: STORE_OK,
 * STORE_NOT_FOUND or STORE_ERROR. */
enum store_result s3_bucket_exists(struct store_tx *tx, const char *bucket);

/* The source of a copy: x-amz-copy-source "[/]bucket/key[?versionId=]",
 * URL-decoded into bucket and key. -1 with InvalidArgument recorded. */
int s3_copy_source(struct call *c, struct buf *bucket, struct buf *key);

/* The stored headers of a PutObject or CreateMultipartUpload as a JSON
 * object text (x-amz-meta-*, lower-cased, and Cache-Control,
 * Content-Disposition, Content-Encoding without aws-chunked,
 * Content-Language, Expires); NULL when there are none. Caller frees. */
char *s3_meta_from_request(const struct call *c);
/* Adds the stored headers of meta (JSON text, may be NULL) to the
 * response. */
void s3_meta_to_response(struct call *c, const char *meta);

enum s3_checksum {
    S3_CHECKSUM_NONE,
    S3_CHECKSUM_CRC32,
    S3_CHECKSUM_CRC32C,
    S3_CHECKSUM_SHA1,
    S3_CHECKSUM_SHA256,
    S3_CHECKSUM_CRC64NVME,
};

/* "CRC32", ... ; NULL for NONE. */
const char *s3_checksum_name(enum s3_checksum a);
/* The algorithm named (any case), or NONE. */
enum s3_checksum s3_checksum_parse(const char *name);
/* The raw digest of data (up to 32 bytes); returns its length. */
size_t s3_checksum_raw(enum s3_checksum a, const void *data, size_t len,
                       uint8_t *out);
/* Base64 of the digest into out (at least 48 bytes). */
void s3_checksum_base64(enum s3_checksum a, const void *data, size_t len,
                        char *out);

/* Validates what a write sent about its body: Content-MD5 (InvalidDigest,
 * BadDigest) and any x-amz-checksum-* header or aws-chunked trailer
 * (InvalidRequest, BadDigest). On success *algo and value (48 bytes) hold
 * the checksum the client sent, or NONE and "" (or, with
 * x-amz-sdk-checksum-algorithm alone, the one it asked for, computed). */
int s3_check_body(struct call *c, const void *data, size_t len,
                  enum s3_checksum *algo, char *value);
/* Adds x-amz-checksum-<algo> (and x-amz-checksum-type) to the response. */
void s3_checksum_to_response(struct call *c, const char *algo,
                             const char *value);

#endif
