/* A lean SigV4 signer for the load generator and the cold-start probe: the
 * signing key is derived once per day, so a request costs two SHA-256s and
 * one HMAC. It signs what an AWS SDK signs for DynamoDB JSON and S3 REST
 * calls; verification is the server's business (emulator/auth/sigv4.c). */
#ifndef DYNALAKE_BENCH_SIGN_H
#define DYNALAKE_BENCH_SIGN_H

#include <stddef.h>
#include <time.h>

/* Lengths of the header values sign_request writes, with their NULs. */
#define SIGN_DATE_LEN 17    /* 20240102T030405Z */
#define SIGN_HASH_LEN 65    /* lower-case hex SHA-256 */
#define SIGN_AUTH_LEN 512

struct sign_key {
    char access_key[128];
    char secret[128];
    char region[32];
    char service[32];
    char day[9];                /* YYYYMMDD the signing key is for */
    unsigned char signing[32];  /* kSigning for day */
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

/* Signs r at time now into out. Returns 0, or -1 when a value does not fit
 * (a caller bug: the buffers are sized for the bench's requests). */
int sign_request(struct sign_key *k, const struct sign_request *r,
                 time_t now, struct sign_headers *out);

/* Hex SHA-256 of a payload, for rows that send the same body every time. */
void sign_payload_hash(const void *body, size_t len, char out[SIGN_HASH_LEN]);

/* Whether requests for this key carry X-Amz-Content-Sha256 (S3 wants it). */
int sign_wants_payload_header(const struct sign_key *k);

#endif
