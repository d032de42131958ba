/* The bench's requests signed by the harness's signer; see sign.h. Signed
 * headers: host, x-amz-date, and content-type, x-amz-target and
 * x-amz-content-sha256 when the request has them. */
#include "sign.h"

#include <stdio.h>
#include <string.h>

/* host, x-amz-date, content-type, x-amz-target, x-amz-content-sha256 */
#define SIGN_MAX_HEADERS 5

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
}

void sign_key_init(struct sign_key *k, const char *access_key,
                   const char *secret, const char *region, const char *service)
{
    memset(k, 0, sizeof *k);
    copy(k->access_key, sizeof k->access_key, access_key);
    copy(k->secret, sizeof k->secret, secret);
    copy(k->region, sizeof k->region, region);
    copy(k->service, sizeof k->service, service);
    aws_signer_init(&k->signer, k->access_key, k->secret);
    buf_init(&k->authorization, 0);
}

void sign_key_clear(struct sign_key *k)
{
    aws_signer_clear(&k->signer);
    buf_clear(&k->authorization);
}

void sign_payload_hash(const void *body, size_t len, char out[SIGN_HASH_LEN])
{
    aws_sign_payload_hash(body, len, out);
}

int sign_wants_payload_header(const struct sign_key *k)
{
    return strcmp(k->service, "s3") == 0;
}

int sign_request(struct sign_key *k, const struct sign_request *r,
                 time_t now, struct sign_headers *out)
{
    struct aws_sign_header headers[SIGN_MAX_HEADERS];
    size_t n = 0;
    aws_sign_date(now, out->date);
    if (r->payload_hash)
        copy(out->payload_hash, sizeof out->payload_hash, r->payload_hash);
    else
        aws_sign_payload_hash(r->body, r->body_len, out->payload_hash);
    headers[n++] = (struct aws_sign_header){ "host", r->host };
    headers[n++] = (struct aws_sign_header){ "x-amz-date", out->date };
    if (r->content_type)
        headers[n++] = (struct aws_sign_header){ "content-type",
                                                 r->content_type };
    if (r->target)
        headers[n++] = (struct aws_sign_header){ "x-amz-target", r->target };
    if (sign_wants_payload_header(k))
        headers[n++] = (struct aws_sign_header){ "x-amz-content-sha256",
                                                 out->payload_hash };
    struct aws_sign_request sr = {
        .method = r->method, .path = r->path, .query = r->query,
        .headers = headers, .n_headers = n,
        .payload_hash = out->payload_hash, .date = out->date,
        .region = k->region, .service = k->service,
    };
    buf_reset(&k->authorization);
    if (aws_signer_sign(&k->signer, &sr, &k->authorization) < 0 ||
        k->authorization.len >= sizeof out->authorization)
        return -1;
    memcpy(out->authorization, k->authorization.data,
           k->authorization.len + 1);
    return 0;
}
