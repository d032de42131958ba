/* SigV4 signing in the Authorization-header form, for the harness's AWS
 * client (aws.c) and the bench tools: canonical request, string to sign,
 * signature. The signing key of a scope (day, region, service) is derived
 * once and kept, so a request costs two SHA-256s and one HMAC, not the
 * five HMACs of a fresh derivation. Verifying is the emulator's business
 * (emulator/auth/sigv4.c); this side only signs, over base/crypto. */
#ifndef DYNALAKE_AWS_SIGN_H
#define DYNALAKE_AWS_SIGN_H

#include "base/buf.h"
#include "base/crypto.h"

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define AWS_SIGN_DATE_LEN 17 /* "20150830T123600Z" and its NUL */
#define AWS_SIGN_HASH_LEN 65 /* lower-case hex SHA-256 and its NUL */
/* More headers than any request the harness or the bench sends. */
#define AWS_SIGN_MAX_HEADERS 32
/* Scopes a signer keeps keys for: one client signs for dynamodb and s3,
 * and a day boundary adds the next day's. Past this the oldest goes. */
#define AWS_SIGN_KEYS 4

/* One header to sign, name in any case, value as sent: the canonical form
 * lower-cases the name, trims the value and collapses its blank runs, and
 * joins repeated names with ',' in the order given. */
struct aws_sign_header {
    const char *name;
    const char *value;
};

/* What one request signs; everything borrowed. */
struct aws_sign_request {
    const char *method;
    const char *path;         /* canonical URI: percent-encoded as sent */
    const char *query;        /* canonical query (aws_query_write's, no
                               * '?'), or "" */
    const struct aws_sign_header *headers; /* every header to sign: host
                                            * and x-amz-date at least */
    size_t n_headers;
    const char *payload_hash; /* hex SHA-256 of the body */
    const char *date;         /* the X-Amz-Date value signed with */
    const char *region;
    const char *service;      /* signing name: "dynamodb", "s3" */
};

/* kSigning for one scope ("20150830/us-east-1/dynamodb"). */
struct aws_sign_key {
    char scope[128];
    uint8_t key[CRYPTO_SHA256_LEN];
};

/* Credentials, the keys derived from them so far, and scratch buffers
 * reused from request to request. One per thread. The last request's
 * canonical request and string to sign stay readable until the next. */
struct aws_signer {
    const char *access_key_id;     /* borrowed: must outlive the signer */
    const char *secret;            /* borrowed */
    struct aws_sign_key keys[AWS_SIGN_KEYS];
    unsigned n_keys;
    unsigned next_key;             /* the slot a new scope takes when full */
    struct buf canonical_request;
    struct buf string_to_sign;
    struct buf signed_headers;     /* "host;x-amz-date" */
};

void aws_signer_init(struct aws_signer *s, const char *access_key_id,
                     const char *secret);
void aws_signer_clear(struct aws_signer *s);

/* Signs r: appends the Authorization header's value ("AWS4-HMAC-SHA256
 * Credential=..., SignedHeaders=..., Signature=...") to authorization.
 * Returns 0, or -1 when r has more than AWS_SIGN_MAX_HEADERS headers. */
int aws_signer_sign(struct aws_signer *s, const struct aws_sign_request *r,
                    struct buf *authorization);

/* The X-Amz-Date value for now: "YYYYMMDDTHHMMSSZ", UTC. */
void aws_sign_date(time_t now, char out[AWS_SIGN_DATE_LEN]);

/* Lower-case hex SHA-256 of a payload. */
void aws_sign_payload_hash(const void *body, size_t len,
                           char out[AWS_SIGN_HASH_LEN]);

#endif
