/* aws-chunked payloads (S3 API Reference, "Signature calculations for the
 * Authorization header: transferring payload in multiple chunks"): decodes
 * the chunk framing, verifies the chain of chunk signatures that starts at
 * the request's seed signature, and collects trailing headers (checksums)
 * and their trailer signature. Pure: the caller hands in the signing key
 * derived with sigv4_signing_key() for the request's scope. */
#ifndef DYNALAKE_SIGV4_CHUNKED_H
#define DYNALAKE_SIGV4_CHUNKED_H

#include "base/buf.h"
#include "base/str.h"

#include <stdbool.h>
#include <stdint.h>

/* x-amz-content-sha256 values that announce an aws-chunked body. */
#define SIGV4_STREAMING_SIGNED "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
#define SIGV4_STREAMING_SIGNED_TRAILER "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
#define SIGV4_STREAMING_UNSIGNED_TRAILER "STREAMING-UNSIGNED-PAYLOAD-TRAILER"

/* Trailing headers beyond this many bytes are refused as malformed. */
#define SIGV4_CHUNKED_MAX_TRAILER_BYTES 4096

struct sigv4_chunked {
    bool is_signed;      /* chunks carry ";chunk-signature=" */
    bool has_trailer;    /* trailing headers follow the last chunk */
    /* Verification; with key NULL, signatures are read but not checked
     * (an unknown access key with IAM off). Borrowed. */
    const uint8_t *key;  /* 32-byte signing key */
    struct str date;     /* X-Amz-Date, "20130524T000000Z" */
    struct str scope;    /* "20130524/us-east-1/s3/aws4_request" */
    struct str seed_signature; /* the request's own signature, hex */
};

enum sigv4_chunked_status {
    SIGV4_CHUNKED_OK,
    SIGV4_CHUNKED_MALFORMED,         /* framing broken or truncated */
    SIGV4_CHUNKED_SIGNATURE_MISMATCH, /* a chunk or trailer signature */
    SIGV4_CHUNKED_STOPPED            /* the sink or the source failed */
};

/* Decodes body into payload (appended) and the trailing headers into
 * trailers as "name:value\n" lines, names lower-cased, the trailer
 * signature left out. Returns SIGV4_CHUNKED_OK, or a failure with nothing
 * promised about what was appended. */
enum sigv4_chunked_status sigv4_chunked_decode(const struct sigv4_chunked *p,
                                               struct str body,
                                               struct buf *payload,
                                               struct buf *trailers);

/* The streaming form, for bodies too large to hold (S3 objects spilled to
 * disk): pulls the encoded body through read, which fills dst with up to
 * max bytes and returns how many, 0 at the end, -1 on failure; hands each
 * piece of decoded payload to sink, which returns 0, or -1 to stop. Chunk
 * data never has to fit in memory. Trailers as above. Returns
 * SIGV4_CHUNKED_STOPPED when read or sink failed. */
typedef long (*sigv4_chunked_read_fn)(void *arg, char *dst, size_t max);
typedef int (*sigv4_chunked_sink_fn)(void *arg, const char *data, size_t len);
enum sigv4_chunked_status
sigv4_chunked_decode_stream(const struct sigv4_chunked *p,
                            sigv4_chunked_read_fn read, void *read_arg,
                            sigv4_chunked_sink_fn sink, void *sink_arg,
                            struct buf *trailers);

/* The signature of one chunk: HMAC of "AWS4-HMAC-SHA256-PAYLOAD", date,
 * scope, the previous signature, SHA-256 of "" and of data; hex into out
 * (65 bytes). */
void sigv4_chunked_sign(const uint8_t key[32], struct str date,
                        struct str scope, struct str previous,
                        struct str data, char out[65]);

/* The trailer signature over canonical trailing headers ("name:value\n"
 * lines); hex into out (65 bytes). */
void sigv4_chunked_sign_trailer(const uint8_t key[32], struct str date,
                                struct str scope, struct str previous,
                                struct str trailers, char out[65]);

#endif
