/* S3 payload hashing and aws-chunked decoding for authentication; see
 * authn_s3.h. */
#include "http/authn_s3.h"

#include "auth/sigv4.h"
#include "auth/sigv4_chunked.h"
#include "base/crypto.h"
#include "base/file.h"
#include "base/json.h"
#include "base/mem.h"
#include "http/call.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"
/* Bodies in files are hashed a piece of this size at a time. */
#define AUTHN_S3_PIECE_BYTES ((size_t)1 << 20)

const char *authn_s3_payload_hash(struct call *c, const struct sigv4_auth *auth)
{
    const char *v = call_header(c, "x-amz-content-sha256");
    if (v)
        return v;
    if (auth->form == SIGV4_FORM_QUERY)
        return UNSIGNED_PAYLOAD;
    call_fail(c, AWS_ERR_S3_INVALID_REQUEST, "Missing required header for "
              "this request: x-amz-content-sha256");
    return NULL;
}

static bool is_hex_digest(const char *v)
{
    if (strlen(v) != 2 * CRYPTO_SHA256_LEN)
        return false;
    for (size_t i = 0; v[i]; i++) {
        char ch = v[i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
              (ch >= 'A' && ch <= 'F')))
            return false;
    }
    return true;
}

/* Reads a body file from *arg's offset on, for the streaming decoder. */
struct file_reader {
    int fd;
    unsigned long long pos;
};

static long read_file(void *arg, char *dst, size_t max)
{
    struct file_reader *r = arg;
    ssize_t n;
    do {
        n = pread(r->fd, dst, max, (off_t)r->pos);
    } while (n < 0 && errno == EINTR);
    if (n > 0)
        r->pos += (unsigned long long)n;
    return (long)n;
}

/* SHA-256 of the body, in memory or in its file; -1 on a read error. */
/* SHA-256 of no bytes: what every GET, HEAD and DELETE signs. */
static const uint8_t empty_sha256[CRYPTO_SHA256_LEN] = {
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4,
    0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b,
    0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55 };

static int body_sha256(struct call *c, uint8_t digest[CRYPTO_SHA256_LEN])
{
    if (c->body_fd < 0 && c->body_len == 0) {
        memcpy(digest, empty_sha256, sizeof empty_sha256);
        return 0;
    }
    if (c->body_fd < 0) {
        crypto_sha256(c->body, c->body_len, digest);
        return 0;
    }
    struct crypto_digest *d = crypto_digest_new(CRYPTO_DIGEST_SHA256);
    struct file_reader r = { c->body_fd, 0 };
    char *piece = xmalloc(AUTHN_S3_PIECE_BYTES);
    long n;
    while ((n = read_file(&r, piece, AUTHN_S3_PIECE_BYTES)) > 0)
        crypto_digest_update(d, piece, (size_t)n);
    free(piece);
    crypto_digest_final(d, digest);
    return n < 0 || r.pos != c->body_fd_len ? -1 : 0;
}

static int check_digest(struct call *c, const char *claimed)
{
    uint8_t digest[CRYPTO_SHA256_LEN];
    char hex[2 * CRYPTO_SHA256_LEN + 1];
    if (body_sha256(c, digest) < 0)
        return call_fail(c, AWS_ERR_INTERNAL, "We encountered an internal "
                         "error. Please try again.");
    crypto_hex(digest, sizeof digest, hex);
    if (strcasecmp(hex, claimed) == 0)
        return 0;
    call_fail(c, AWS_ERR_S3_CONTENT_SHA256_MISMATCH, "The provided "
              "'x-amz-content-sha256' header does not match what was "
              "computed.");
    c->err_detail = cJSON_CreateObject();
    cJSON_AddStringToObject(c->err_detail, "ClientComputedContentSHA256",
                            claimed);
    cJSON_AddStringToObject(c->err_detail, "S3ComputedContentSHA256", hex);
    return -1;
}

/* "name:value\n" lines into a JSON object of strings. */
static cJSON *trailer_object(const struct buf *lines)
{
    cJSON *out = cJSON_CreateObject();
    struct str rest = { buf_cstr(lines), lines->len };
    while (rest.len) {
        struct str line, name;
        str_cut(&rest, '\n', &line);
        if (!str_cut(&line, ':', &name))
            continue;
        char key[128];
        char *value = xmalloc(line.len + 1);
        memcpy(value, line.ptr, line.len);
        value[line.len] = '\0';
        if (str_copy(name, key, sizeof key))
            cJSON_AddStringToObject(out, key, value);
        free(value);
    }
    return out;
}

static int check_decoded_length(struct call *c, unsigned long long len)
{
    const char *want = call_header(c, "x-amz-decoded-content-length");
    if (want == NULL || strtoull(want, NULL, 10) == len)
        return 0;
    return call_fail(c, AWS_ERR_S3_INCOMPLETE_BODY, "You did not provide the "
                     "number of bytes specified by the Content-Length HTTP "
                     "header.");
}

/* Records what a failed decode means. */
static int fail_decode(struct call *c, enum sigv4_chunked_status st)
{
    if (st == SIGV4_CHUNKED_SIGNATURE_MISMATCH)
        return call_fail(c, AWS_ERR_INVALID_SIGNATURE, "The request "
                         "signature we calculated does not match the "
                         "signature you provided. Check your key and "
                         "signing method.");
    if (st == SIGV4_CHUNKED_STOPPED)
        return call_fail(c, AWS_ERR_INTERNAL, "We encountered an internal "
                         "error. Please try again.");
    return call_fail(c, AWS_ERR_S3_INCOMPLETE_BODY, "The request body is "
                     "not valid aws-chunked encoding.");
}

/* Writes decoded payload to the file of *arg, counting it. */
struct file_writer {
    int fd;
    unsigned long long len;
};

static int write_file(void *arg, const char *data, size_t len)
{
    struct file_writer *w = arg;
    if (file_write_all(w->fd, data, len) < 0)
        return -1;
    w->len += len;
    return 0;
}

/* A body in a file decodes into another file, which the call keeps as
 * its body from then on: large uploads never pass through memory. */
static enum sigv4_chunked_status decode_file(struct call *c,
                                             const struct sigv4_chunked *p,
                                             struct buf *trailers)
{
    struct file_reader r = { c->body_fd, 0 };
    struct file_writer w = { file_temp(), 0 };
    if (w.fd < 0)
        return SIGV4_CHUNKED_STOPPED;
    enum sigv4_chunked_status st = sigv4_chunked_decode_stream(
        p, read_file, &r, write_file, &w, trailers);
    if (st != SIGV4_CHUNKED_OK) {
        close(w.fd);
        return st;
    }
    c->decoded_fd = w.fd;
    c->body_fd = w.fd;
    c->body_fd_len = w.len;
    return st;
}

static int decode_chunked(struct call *c, const struct sigv4_auth *auth,
                          const uint8_t *key, const char *mode)
{
    struct sigv4_chunked p = {
        .is_signed = strncmp(mode, SIGV4_STREAMING_SIGNED,
                             strlen(SIGV4_STREAMING_SIGNED)) == 0,
        .has_trailer = strstr(mode, "-TRAILER") != NULL,
        .key = key,
        .date = auth->date,
        .scope = auth->scope,
        .seed_signature = auth->signature,
    };
    struct buf payload, trailers;
    buf_init(&payload, c->body_len + 1);
    buf_init(&trailers, 0);
    enum sigv4_chunked_status st;
    if (c->body_fd >= 0)
        st = decode_file(c, &p, &trailers);
    else
        st = sigv4_chunked_decode(&p, (struct str){ c->body, c->body_len },
                                  &payload, &trailers);
    int rc = st == SIGV4_CHUNKED_OK ? 0 : fail_decode(c, st);
    if (rc == 0)
        rc = check_decoded_length(c, c->body_fd >= 0 ? c->body_fd_len
                                                     : payload.len);
    if (rc == 0) {
        if (c->body_fd < 0) {
            c->decoded_body = buf_detach(&payload, &c->body_len);
            c->body = c->decoded_body;
        }
        if (p.has_trailer)
            c->trailers = trailer_object(&trailers);
    }
    buf_clear(&payload);
    buf_clear(&trailers);
    return rc;
}

int authn_s3_payload(struct call *c, const struct sigv4_auth *auth,
                     const uint8_t *key)
{
    const char *mode = authn_s3_payload_hash(c, auth);
    if (mode == NULL)
        return -1;
    if (strcmp(mode, UNSIGNED_PAYLOAD) == 0)
        return 0;
    if (is_hex_digest(mode))
        return check_digest(c, mode);
    if (strcmp(mode, SIGV4_STREAMING_SIGNED) == 0 ||
        strcmp(mode, SIGV4_STREAMING_SIGNED_TRAILER) == 0 ||
        strcmp(mode, SIGV4_STREAMING_UNSIGNED_TRAILER) == 0)
        return decode_chunked(c, auth, key, mode);
    return call_fail(c, AWS_ERR_S3_INVALID_ARGUMENT, "x-amz-content-sha256 "
                     "must be UNSIGNED-PAYLOAD, "
                     "STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
                     "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, "
                     "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, "
                     "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, "
                     "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a "
                     "valid sha256 value.");
}

static void add_hex_bytes(cJSON *obj, const char *name, const struct buf *b)
{
    struct buf hex;
    buf_init(&hex, 0);
    for (size_t i = 0; i < b->len; i++)
        buf_printf(&hex, i ? " %02x" : "%02x", (unsigned char)b->data[i]);
    cJSON_AddStringToObject(obj, name, buf_cstr(&hex));
    buf_clear(&hex);
}

void authn_s3_mismatch_detail(struct call *c, const struct sigv4_auth *auth,
                              const struct sigv4_verifier *v)
{
    char field[SIGV4_MAX_DECODED];
    cJSON *d = cJSON_CreateObject();
    str_copy(auth->access_key_id, field, sizeof field);
    cJSON_AddStringToObject(d, "AWSAccessKeyId", field);
    cJSON_AddStringToObject(d, "StringToSign", buf_cstr(&v->string_to_sign));
    str_copy(auth->signature, field, sizeof field);
    cJSON_AddStringToObject(d, "SignatureProvided", field);
    add_hex_bytes(d, "StringToSignBytes", &v->string_to_sign);
    cJSON_AddStringToObject(d, "CanonicalRequest",
                            buf_cstr(&v->canonical_request));
    add_hex_bytes(d, "CanonicalRequestBytes", &v->canonical_request);
    cJSON_Delete(c->err_detail);
    c->err_detail = d;
}

/* --- SigV2 presigned URLs ----------------------------------------------- */

/* Subresources that SigV2 signs (S3 Developer Guide, "Signing and
 * authenticating REST requests"), in the order they sort. */
static const char *const sigv2_subresources[] = {
    "acl", "cors", "delete", "lifecycle", "location", "logging",
    "notification", "partNumber", "policy", "requestPayment",
    "response-cache-control", "response-content-disposition",
    "response-content-encoding", "response-content-language",
    "response-content-type", "response-expires", "restore", "tagging",
    "torrent", "uploadId", "uploads", "versionId", "versioning", "versions",
    "website",
};

static const char *query_param(const struct call *c, const char *name)
{
    return json_get_string(json_get(c->input, "Query"), name);
}

bool authn_s3_is_sigv2(const struct call *c)
{
    return query_param(c, "AWSAccessKeyId") && query_param(c, "Signature") &&
           query_param(c, "Expires");
}

const char *authn_s3_sigv2_key(const struct call *c)
{
    return query_param(c, "AWSAccessKeyId");
}

static int header_order(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* x-amz-* headers as "name:value\n", names lower-cased, sorted. */
static void put_amz_headers(const struct call *c, struct buf *b)
{
    char **lines = xcalloc(c->n_headers + 1, sizeof *lines);
    size_t n = 0;
    for (size_t i = 0; i < c->n_headers; i++) {
        const char *name = c->headers[i].name;
        if (strncasecmp(name, "x-amz-", 6) != 0)
            continue;
        size_t len = strlen(name) + strlen(c->headers[i].value) + 2;
        char *line = xmalloc(len);
        snprintf(line, len, "%s:%s", name, c->headers[i].value);
        for (char *p = line; *p != ':'; p++)
            *p = (char)tolower((unsigned char)*p);
        lines[n++] = line;
    }
    qsort(lines, n, sizeof *lines, header_order);
    for (size_t i = 0; i < n; i++) {
        buf_puts(b, lines[i]);
        buf_putc(b, '\n');
        free(lines[i]);
    }
    free(lines);
}

static void put_resource(const struct call *c, struct buf *b)
{
    const cJSON *vh = json_get(c->input, "VirtualHost");
    if (cJSON_IsTrue(vh)) {
        buf_putc(b, '/');
        buf_puts(b, json_get_string(c->input, "Bucket"));
    }
    buf_puts(b, c->path);
    char sep = '?';
    for (size_t i = 0; i < sizeof sigv2_subresources /
                               sizeof sigv2_subresources[0]; i++) {
        const char *v = query_param(c, sigv2_subresources[i]);
        if (v == NULL)
            continue;
        buf_putc(b, sep);
        buf_puts(b, sigv2_subresources[i]);
        if (v[0]) {
            buf_putc(b, '=');
            buf_puts(b, v);
        }
        sep = '&';
    }
}

static void string_to_sign_v2(const struct call *c, struct buf *b)
{
    const char *md5 = call_header(c, "Content-MD5");
    const char *type = call_header(c, "Content-Type");
    buf_printf(b, "%s\n%s\n%s\n%s\n", c->method, md5 ? md5 : "",
               type ? type : "", query_param(c, "Expires"));
    put_amz_headers(c, b);
    put_resource(c, b);
}

int authn_s3_sigv2_verify(struct call *c, const char *secret, int64_t now_ms)
{
    const char *expires = query_param(c, "Expires");
    char *end;
    long long at = strtoll(expires, &end, 10);
    if (*expires == '\0' || *end || at < 0)
        return call_fail(c, AWS_ERR_ACCESS_DENIED, "Invalid date (should be "
                         "seconds since epoch): %s", expires);
    if (now_ms / 1000 > at) {
        call_fail(c, AWS_ERR_ACCESS_DENIED, "Request has expired");
        c->err_detail = cJSON_CreateObject();
        cJSON_AddStringToObject(c->err_detail, "Expires", expires);
        return -1;
    }
    struct buf sts, want;
    buf_init(&sts, 0);
    buf_init(&want, 0);
    string_to_sign_v2(c, &sts);
    uint8_t mac[CRYPTO_SHA1_LEN];
    crypto_hmac_sha1(secret, strlen(secret), sts.data, sts.len, mac);
    crypto_base64_encode(mac, sizeof mac, &want);
    const char *sent = query_param(c, "Signature");
    bool is_ok = strlen(sent) == want.len &&
                 crypto_equal(sent, want.data, want.len);
    int rc = 0;
    if (!is_ok) {
        rc = call_fail(c, AWS_ERR_INVALID_SIGNATURE, "The request signature "
                       "we calculated does not match the signature you "
                       "provided. Check your key and signing method.");
        c->err_detail = cJSON_CreateObject();
        cJSON_AddStringToObject(c->err_detail, "AWSAccessKeyId",
                                authn_s3_sigv2_key(c));
        cJSON_AddStringToObject(c->err_detail, "StringToSign",
                                buf_cstr(&sts));
        cJSON_AddStringToObject(c->err_detail, "SignatureProvided", sent);
    }
    buf_clear(&sts);
    buf_clear(&want);
    return rc;
}
