/* SigV4 for the load generator and the cold-start probe, in the shape of
 * their requests: what an AWS SDK signs for DynamoDB JSON and S3 REST
 * calls. The signing itself is the harness's (harness/aws/aws_sign.c), so
 * the bench measures the signer the sync components use: the signing key
 * is derived once per day, and a request costs two SHA-256s and one HMAC.
 * Verification is the server's business (emulator/auth/sigv4.c). */
#ifndef DYNALAKE_BENCH_SIGN_H
#define DYNALAKE_BENCH_SIGN_H

#include "aws/aws_sign.h"

#include <stddef.h>
#include <time.h>

/* Lengths of the header values sign_request writes, with their NULs. */
#define SIGN_DATE_LEN AWS_SIGN_DATE_LEN /* 20240102T030405Z */
#define SIGN_HASH_LEN AWS_SIGN_HASH_LEN /* lower-case hex SHA-256 */
#define SIGN_AUTH_LEN 512

/* Credentials and scope; initialised in place (the signer points into it)
 * with sign_key_init, released with sign_key_clear. */
struct sign_key {
    char access_key[128];
    char secret[128];
    char region[32];
    char service[32];
    struct aws_signer signer;  /* borrows access_key and secret */
    struct buf authorization;  /* reused from request to request */
};

/* What one request signs; all borrowed. query is already canonical (sorted,
 * encoded) or "". target and content_type may be NULL. */
struct sign_request {
    const char *method;
    const char *host;          /* "127.0.0.1:4566" as sent in Host */
    const char *path;
    const char *query;
    const char *content_type;
    const char *target;        /* X-Amz-Target */
    const char *body;
    size_t body_len;
    const char *payload_hash;  /* hex SHA-256 of body when known, or NULL */
};

/* The header values to send with the request. */
struct sign_headers {
    char date[SIGN_DATE_LEN];          /* X-Amz-Date */
    char payload_hash[SIGN_HASH_LEN];  /* X-Amz-Content-Sha256 (S3) */
    char authorization[SIGN_AUTH_LEN];
};

void sign_key_init(struct sign_key *k, const char *access_key,
                   const char *secret, const char *region,
                   const char *service);
void sign_key_clear(struct sign_key *k);

/* Signs r at time now into out. Returns 0, or -1 when a value does not fit
 * (a caller bug: the buffers are sized for the bench's requests). */
int sign_request(struct sign_key *k, const struct sign_request *r,
                 time_t now, struct sign_headers *out);

/* Hex SHA-256 of a payload, for rows that send the same body every time. */
void sign_payload_hash(const void *body, size_t len, char out[SIGN_HASH_LEN]);

/* Whether requests for this key carry X-Amz-Content-Sha256 (S3 wants it). */
int sign_wants_payload_header(const struct sign_key *k);

#endif
