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
struct crypto_digest;

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
 * x-amz-sdk-checksum-algorithm alone, the one it asked for, computed), and
 * etag (35 bytes, unless NULL) the quoted MD5 of the body. The body is
 * data, or the call's file when it has one (c->body_fd). */
int s3_check_body(struct call *c, const void *data, size_t len,
                  enum s3_checksum *algo, char *value, char *etag);

/* Objects are at most 5 GiB when written in one PutObject or UploadPart
 * (S3 User Guide, "Uploading objects"). */
#define S3_MAX_PUT_BYTES ((int64_t)5 << 30)
/* GetObject bodies past this size go to the client in pieces, read from
 * the store as it takes them; smaller ones are read in one transaction. */
#define S3_STREAM_MIN_BYTES ((int64_t)1 << 20)

/* The size of the request body (data or file) into *size; -1 with
 * EntityTooLarge past S3_MAX_PUT_BYTES. */
int s3_body_size(struct call *c, int64_t *size);

/* Running digests of a body that arrives in pieces: MD5 always, and the
 * checksum algo unless NONE. _final writes the MD5 and the checksum as
 * base64 (48 bytes; "" for NONE) and frees; init and final pair up. */
struct s3_sums {
    struct crypto_digest *md5;
    struct crypto_digest *sha; /* SHA1 and SHA256 checksums */
    enum s3_checksum algo;
    uint64_t crc;              /* the CRC checksums, so far */
};
void s3_sums_init(struct s3_sums *s, enum s3_checksum algo);
void s3_sums_update(struct s3_sums *s, const void *data, size_t len);
void s3_sums_final(struct s3_sums *s, uint8_t md5[16], char *checksum);

/* The MD5 and (algo not NONE) checksum of the request body: data, or the
 * call's file. -1 when the file cannot be read. */
int s3_body_sums(struct call *c, const void *data, size_t len,
                 enum s3_checksum algo, uint8_t md5[16], char *checksum);

/* Appends the request body (data, or the call's file) to w inside the
 * caller's transaction and finishes it, computing the checksum algo over
 * it into checksum (48 bytes) unless algo is NONE. */
struct store_s3_writer;
enum store_result s3_body_store(struct store_tx *tx, struct call *c,
                                const void *data, size_t len,
                                struct store_s3_writer *w,
                                enum s3_checksum algo, char *checksum);

/* Makes the response body bytes [first, first + len) of the stored body,
 * read as the client takes them (call.h, struct call_source). */
void s3_body_source(struct call *c, int64_t body, int64_t first,
                    int64_t len);
/* Adds x-amz-checksum-<algo> (and x-amz-checksum-type) to the response. */
void s3_checksum_to_response(struct call *c, const char *algo,
                             const char *value);

#endif
