/* One request and the response under construction. The server fills the
 * request view; the route, auth and handler stages read it; handlers write
 * the response body and status, or record an error once with call_fail and
 * return -1, and dispatch renders it in the service's own shape.
 * Ownership: everything a call points to is owned by the call or borrowed
 * from the server for the request's lifetime; handlers only borrow. */
#ifndef DYNALAKE_CALL_H
#define DYNALAKE_CALL_H

#include "base/buf.h"
#include "http/aws_error.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

struct emulator;
struct identity;
struct session;
struct op;

enum service {
    SERVICE_NONE,
    SERVICE_DYNAMODB,
    SERVICE_STREAMS,
    SERVICE_S3,
    SERVICE_STS,
    SERVICE_ADMIN
};

/* Lengths as received, so that matching and signing need no strlen. */
struct call_header {
    const char *name;  /* borrowed from the server */
    const char *value; /* borrowed from the server */
    size_t name_len;
    size_t value_len;
};

/* A response body read in pieces as the client takes it (GetObject of a
 * large object), so that it never has to fit in memory. read copies up to
 * max bytes from offset pos into dst and returns how many, or -1 to cut
 * the response short (the client sees a truncated body and retries);
 * free releases arg. The server takes the source with the response and
 * frees it when the response is done; call_clear frees one never taken. */
struct call_source {
    unsigned long long length;
    long (*read)(void *arg, unsigned long long pos, char *dst, size_t max);
    void (*free)(void *arg);
    void *arg;
};

/* S3's GetObject carries a dozen standard headers plus user metadata. */
#define CALL_MAX_RESPONSE_HEADERS 64

struct call {
    struct emulator *emu; /* borrowed */

    /* The request, as received. */
    const char *method;            /* borrowed */
    const char *path;              /* borrowed; raw, still percent-encoded */
    const char *query;             /* owned; raw query string, "" if none */
    const struct call_header *headers; /* borrowed array */
    size_t n_headers;
    const char *body;              /* borrowed; NUL-terminated; after an
                                      aws-chunked body is decoded, points
                                      into decoded_body */
    size_t body_len;
    char *decoded_body;            /* owned; the aws-chunked payload */
    /* A body too large to hold in memory (an S3 upload past
     * SERVER_MEMORY_BODY_BYTES) waits in a file instead: body is then ""
     * and body_len 0. After an aws-chunked body is decoded, body_fd is the
     * decoded payload's file, decoded_fd. */
    int body_fd;                   /* borrowed from the server; -1: none */
    unsigned long long body_fd_len; /* bytes in body_fd */
    int decoded_fd;                /* owned; -1: none */
    cJSON *trailers;               /* owned; aws-chunked trailing headers,
                                      lower-case name to value, or NULL */
    bool is_loopback;              /* the peer is 127.0.0.0/8 or ::1 */
    char peer_ip[48];              /* the peer's address, for aws:SourceIp */
    bool is_tls;                   /* arrived over HTTPS */
    char request_id[53];       /* 52 characters, as DynamoDB issues */

    /* Filled by the pipeline stages. */
    enum service service;
    const struct op *op;   /* NULL until routed */
    cJSON *input;          /* owned; the parsed JSON body (JSON services) */
    const char *principal_arn; /* borrowed (see authn.h); who signed */
    const struct identity *identity; /* borrowed; NULL for unknown keys */
    const struct session *session;   /* borrowed; STS credentials, or NULL */
    char signed_region[32];  /* the SigV4 scope's region (RequestedRegion) */

    /* The response under construction. */
    unsigned status;
    const char *content_type;  /* static string */
    struct buf out;            /* response body */
    bool has_head_length;      /* HEAD: announce head_length as the
                                  Content-Length of the absent body */
    unsigned long long head_length;
    struct call_source source; /* when read is set, the body instead of
                                  out, produced as the client takes it */
    struct call_header response_headers[CALL_MAX_RESPONSE_HEADERS];
    size_t n_response_headers; /* names and values owned */
    enum aws_err err;          /* AWS_ERR_NONE unless call_fail ran */
    char *err_message;         /* owned */
    cJSON *err_detail;         /* owned; extra members of a JSON error body,
                                  e.g. the Item of a failed condition */
};

/* Prepares a call for one request; fields borrowed from the server are set
 * by the server afterwards. */
void call_init(struct call *c, struct emulator *emu);
/* Frees what the call owns. */
void call_clear(struct call *c);

/* The first value of a request header (case-insensitive name), or NULL. */
const char *call_header(const struct call *c, const char *name);

/* Records an error with a printf-style message; returns -1 so handlers can
 * `return call_fail(...)`. A second call_fail keeps the first error. */
int call_fail(struct call *c, enum aws_err err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Sets a JSON response body from v, which the call takes and frees. */
int call_reply_json(struct call *c, cJSON *v);

/* Adds a response header; name and value are copied (S3 returns user
 * metadata under names the client chose). */
void call_add_header(struct call *c, const char *name, const char *value);

#endif
