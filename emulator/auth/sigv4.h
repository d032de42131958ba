/* AWS Signature Version 4 verification, by Authorization header and by
 * presigned query string. Pure: it sees a view of the request and the secret
 * the caller looked up for the parsed access key id; finding identities,
 * checking the region and service, and rendering AWS errors are dispatch's.
 * aws-chunked payload signatures belong to sigv4_chunked (not yet written). */
#ifndef DYNALAKE_SIGV4_H
#define DYNALAKE_SIGV4_H

#include "base/buf.h"
#include "base/crypto.h"
#include "base/str.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Allowed distance between X-Amz-Date and the server clock for the header
 * form; AWS's "Signature expired" / RequestTimeTooSkewed threshold. */
#define SIGV4_MAX_SKEW_MS (15 * 60 * 1000)
/* X-Amz-Expires ceiling: seven days, the S3 presigned URL limit. */
#define SIGV4_MAX_EXPIRES_S 604800
/* Room for percent-decoded presigned values (credential, signed headers,
 * signature, session token); STS session tokens run to about 2 KiB. */
#define SIGV4_MAX_DECODED 8192
#define SIGV4_MAX_MESSAGE 256
/* A canonical request past this is refused (as a mismatch) rather than
 * hashed; the server's header and URL limits keep real ones far below. */
#define SIGV4_MAX_CANONICAL_BYTES ((size_t)1 << 20)
#define SIGV4_KEY_CACHE_SLOTS 8
#define SIGV4_KEY_CACHE_SCOPE_MAX 128 /* "20150830/us-east-1/s3/aws4_request" */
#define SIGV4_KEY_CACHE_SECRET_MAX 128

/* One request header as received; names compare case-insensitively, and a
 * header sent several times appears several times, in arrival order. */
struct sigv4_header {
    struct str name;
    struct str value;
};

/* What sigv4 needs of a request. Everything is borrowed from the caller. */
struct sigv4_request {
    struct str method;       /* "GET", as sent */
    struct str path;         /* as on the wire: percent-encoded, no query */
    struct str query;        /* raw text after '?', without it; may be empty */
    const struct sigv4_header *headers;
    size_t header_count;
    /* The canonical request's last line, computed by the caller: the hex
     * SHA-256 of the body, or the x-amz-content-sha256 literal such as
     * UNSIGNED-PAYLOAD or STREAMING-AWS4-HMAC-SHA256-PAYLOAD (S3). */
    struct str payload_hash;
    /* S3 rules for the canonical URI: the path decoded once and encoded
     * once, dot segments and "//" kept. Other services normalise the wire
     * path (RFC 3986 dot segments, "//" collapsed) and encode it again. */
    bool is_s3;
};

enum sigv4_form {
    SIGV4_FORM_HEADER, /* Authorization: AWS4-HMAC-SHA256 ... */
    SIGV4_FORM_QUERY   /* presigned: X-Amz-Algorithm=... in the query */
};

enum sigv4_parse_result {
    SIGV4_PARSE_OK,
    SIGV4_PARSE_MISSING,  /* no auth at all: anonymous, or S3's AccessDenied */
    SIGV4_PARSE_MALFORMED /* auth present but unusable; see message */
};

/* A parsed signature. Slices point into the request and into decoded[], so
 * the struct must stay where sigv4_parse filled it (pass it by pointer). */
struct sigv4_auth {
    enum sigv4_form form;         /* set once the form is known */
    struct str access_key_id;     /* "AKIDEXAMPLE" */
    struct str date;              /* X-Amz-Date, "20150830T123600Z" */
    struct str scope;             /* "20150830/us-east-1/s3/aws4_request" */
    struct str scope_date;        /* "20150830" */
    struct str region;            /* "us-east-1"; dispatch checks it */
    struct str service;           /* "service"; dispatch checks it */
    struct str signed_headers;    /* "host;x-amz-date", as sent */
    struct str signature;         /* as sent; hex, normally 64 characters */
    struct str security_token;    /* X-Amz-Security-Token; empty if none */
    int64_t date_ms;              /* X-Amz-Date as Unix epoch milliseconds */
    int64_t expires_s;            /* query form: X-Amz-Expires; else 0 */
    char message[SIGV4_MAX_MESSAGE]; /* why, when MALFORMED; AWS wording */
    char decoded[SIGV4_MAX_DECODED]; /* storage for decoded query values */
};

/* Finds and parses the request's SigV4 authentication: the Authorization
 * header, or the presigned X-Amz-* query parameters. Checks the shape only:
 * algorithm, credential "AKID/YYYYMMDD/region/service/aws4_request", the
 * scope date against X-Amz-Date's day, host among the signed headers,
 * X-Amz-Expires in 1..SIGV4_MAX_EXPIRES_S, no unknown or repeated fields,
 * and not both forms at once. Returns SIGV4_PARSE_OK with auth filled,
 * SIGV4_PARSE_MISSING when the request carries no SigV4 auth, or
 * SIGV4_PARSE_MALFORMED with auth->message (and auth->form) set. */
enum sigv4_parse_result sigv4_parse(const struct sigv4_request *req,
                                    struct sigv4_auth *auth);

enum sigv4_status {
    SIGV4_OK,
    SIGV4_SIGNATURE_MISMATCH, /* canonical request and string to sign kept */
    SIGV4_EXPIRED,            /* presigned, past X-Amz-Date + X-Amz-Expires */
    SIGV4_SKEWED /* X-Amz-Date over SIGV4_MAX_SKEW_MS from now (presigned:
                    only if in the future) */
};

struct sigv4_param;

/* One derived signing key, remembered for its secret and scope. */
struct sigv4_key_slot {
    char scope[SIGV4_KEY_CACHE_SCOPE_MAX]; /* "date/region/service/..." */
    size_t scope_len;                      /* 0: slot empty */
    char secret[SIGV4_KEY_CACHE_SECRET_MAX];
    size_t secret_len;
    struct crypto_hmac_key key; /* the signing key, set up for HMAC */
};

/* Caller-owned verification workspace, one per thread: reusable buffers, so
 * that a steady stream of requests allocates nothing, and a signing-key
 * cache, which spares four of the five HMACs per request. After
 * sigv4_verify reaches the signature comparison, canonical_request and
 * string_to_sign hold what it signed; S3 returns both in its
 * SignatureDoesNotMatch error. */
struct sigv4_verifier {
    struct buf canonical_request;
    struct buf string_to_sign;
    struct buf scratch;         /* encoded query pairs, normalised path */
    struct sigv4_param *params; /* owned; grows to the longest query seen */
    size_t params_cap;
    struct sigv4_key_slot keys[SIGV4_KEY_CACHE_SLOTS];
    unsigned next_slot;         /* round-robin replacement */
};

void sigv4_verifier_init(struct sigv4_verifier *v);
/* Frees the buffers and wipes the cached keys and secrets. */
void sigv4_verifier_clear(struct sigv4_verifier *v);

/* Checks a parsed signature against req with the secret access key the
 * caller found for auth->access_key_id (and auth->security_token), at
 * now_ms (Unix epoch milliseconds, from clock_now_ms). Time is checked
 * before the signature, as AWS does. The signature compares in constant
 * time. A canonical request too large to build counts as a mismatch. */
enum sigv4_status sigv4_verify(struct sigv4_verifier *v,
                               const struct sigv4_auth *auth,
                               const struct sigv4_request *req,
                               struct str secret, int64_t now_ms);

/* Derives the SigV4 signing key: HMAC chain "AWS4" + secret, then the
 * scope's date, region, service and "aws4_request". The chunked-payload
 * verifier uses it too. */
void sigv4_signing_key(struct str secret, struct str date, struct str region,
                       struct str service, uint8_t out[32]);

#endif
