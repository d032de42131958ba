/* The integration tests' one client: starts the real emulator in-process on
 * a free port, and sends it HTTP requests over libcurl, signed with SigV4
 * exactly as an AWS SDK would sign them (libcurl's CURLOPT_AWS_SIGV4). */
#ifndef DYNALAKE_TEST_CLIENT_H
#define DYNALAKE_TEST_CLIENT_H

#include <cjson/cJSON.h>
#include <stddef.h>

struct response {
    long status;
    char *body;     /* owned, NUL-terminated */
    size_t len;
    char *headers;  /* owned; raw response header block */
    cJSON *json;    /* owned; body parsed, NULL if not JSON */
};

/* Starts the shared emulator once (port 0, in memory) and returns its base
 * URL, e.g. "http://127.0.0.1:40123". The emulator is stopped at exit. */
const char *client_start(void);
/* Wipes all state through the admin API. */
void client_reset(void);

/* A DynamoDB JSON 1.0 call: POST / with X-Amz-Target DynamoDB_20120810.op,
 * signed. body is the JSON request. */
struct response client_ddb(const char *op, const char *body);

/* A DynamoDB Streams call: like client_ddb, with X-Amz-Target
 * DynamoDBStreams_20120810.op. */
struct response client_streams(const char *op, const char *body);

/* A raw request: method, path (with query), extra header lines ("Name:
 * value", NULL-terminated array, may be NULL), body (may be NULL), and
 * whether to SigV4-sign it. */
struct response client_raw(const char *method, const char *path,
                           const char *const *headers, const char *body,
                           size_t body_len, int is_signed);

/* An S3 request: signed for service s3 (SigV4 header form) with the
 * x-amz-content-sha256 of body, unless headers already name one. HEAD
 * requests read no body. */
struct response client_s3(const char *method, const char *path,
                          const char *const *headers, const char *body,
                          size_t body_len);

/* The value of a response header (case-insensitive), copied into out; ""
 * when absent. */
void response_header(const struct response *r, const char *name, char *out,
                     size_t outlen);
/* The error code after '#' in the JSON __type, or "" for none. */
const char *response_error(const struct response *r);
/* The "message" of a JSON error body, or "". */
const char *response_message(const struct response *r);

void response_free(struct response *r);

#endif
