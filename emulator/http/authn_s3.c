/* S3 payload hashing and aws-chunked decoding for authentication; see
 * authn_s3.h. */
#include "http/authn_s3.h"

#include "auth/sigv4.h"
#include "auth/sigv4_chunked.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/mem.h"
#include "http/call.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"

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

static int check_digest(struct call *c, const char *claimed)
{
    uint8_t digest[CRYPTO_SHA256_LEN];
    char hex[2 * CRYPTO_SHA256_LEN + 1];
    crypto_sha256(c->body, c->body_len, digest);
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

static int check_decoded_length(struct call *c, size_t len)
{
    const char *want = call_header(c, "x-amz-decoded-content-length");
    if (want == NULL || strtoull(want, NULL, 10) == len)
        return 0;
    return call_fail(c, AWS_ERR_S3_INCOMPLETE_BODY, "You did not provide the "
                     "number of bytes specified by the Content-Length HTTP "
                     "header.");
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
    enum sigv4_chunked_status st = sigv4_chunked_decode(
        &p, (struct str){ c->body, c->body_len }, &payload, &trailers);
    int rc = 0;
    if (st == SIGV4_CHUNKED_SIGNATURE_MISMATCH)
        rc = call_fail(c, AWS_ERR_INVALID_SIGNATURE, "The request signature "
                       "we calculated does not match the signature you "
                       "provided. Check your key and signing method.");
    else if (st != SIGV4_CHUNKED_OK)
        rc = call_fail(c, AWS_ERR_S3_INCOMPLETE_BODY, "The request body is "
                       "not valid aws-chunked encoding.");
    if (rc == 0)
        rc = check_decoded_length(c, payload.len);
    if (rc == 0) {
        c->decoded_body = buf_detach(&payload, &c->body_len);
        c->body = c->decoded_body;
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
