/* SigV4 signing; see aws_sign.h. The steps follow AWS's "Create a signed
 * AWS API request" (IAM user guide): canonical request, its SHA-256 in the
 * string to sign, HMAC of that under kSigning. Everything is written into
 * buffers the signer keeps, so a request allocates nothing once warm. */
#include "aws/aws_sign.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SIGN_ALGORITHM "AWS4-HMAC-SHA256"
#define SIGN_TERMINATOR "aws4_request"

void aws_signer_init(struct aws_signer *s, const char *access_key_id,
                     const char *secret)
{
    memset(s, 0, sizeof *s);
    s->access_key_id = access_key_id;
    s->secret = secret;
    buf_init(&s->canonical_request, 0);
    buf_init(&s->string_to_sign, 0);
    buf_init(&s->signed_headers, 0);
}

void aws_signer_clear(struct aws_signer *s)
{
    buf_clear(&s->canonical_request);
    buf_clear(&s->string_to_sign);
    buf_clear(&s->signed_headers);
    /* The derived keys are as secret as the secret itself. */
    memset(s->keys, 0, sizeof s->keys);
}

void aws_sign_date(time_t now, char out[AWS_SIGN_DATE_LEN])
{
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, AWS_SIGN_DATE_LEN, "%Y%m%dT%H%M%SZ", &tm);
}

void aws_sign_payload_hash(const void *body, size_t len,
                           char out[AWS_SIGN_HASH_LEN])
{
    uint8_t digest[CRYPTO_SHA256_LEN];
    crypto_sha256(body ? body : "", len, digest);
    crypto_hex(digest, sizeof digest, out);
}

/* ---- canonical headers ------------------------------------------------- */

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

/* The value trimmed, each inner run of blanks written as one space. */
static void put_value(struct buf *b, const char *v)
{
    while (is_blank(*v))
        v++;
    while (*v) {
        size_t word = strcspn(v, " \t");
        buf_append(b, v, word);
        v += word;
        while (is_blank(*v))
            v++;
        if (*v)
            buf_putc(b, ' ');
    }
}

static void put_lower(struct buf *b, const char *s)
{
    for (; *s; s++)
        buf_putc(b, (char)tolower((unsigned char)*s));
}

/* Sorts by lower-cased name; repeated names keep the order given. */
static int compare_headers(const void *a, const void *b)
{
    const struct aws_sign_header *const *x = a, *const *y = b;
    int rc = strcasecmp((*x)->name, (*y)->name);
    if (rc)
        return rc;
    return *x < *y ? -1 : *x > *y;
}

/* "name:value\n" per distinct name into the canonical request, and
 * "name;name" into signed_headers. */
static void put_headers(struct aws_signer *s,
                        const struct aws_sign_header *const *sorted, size_t n)
{
    struct buf *creq = &s->canonical_request;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcasecmp(sorted[i - 1]->name, sorted[i]->name) == 0) {
            buf_putc(creq, ',');
        } else {
            if (i > 0) {
                buf_putc(creq, '\n');
                buf_putc(&s->signed_headers, ';');
            }
            put_lower(&s->signed_headers, sorted[i]->name);
            put_lower(creq, sorted[i]->name);
            buf_putc(creq, ':');
        }
        put_value(creq, sorted[i]->value);
    }
    if (n > 0)
        buf_putc(creq, '\n');
}

static int canonical_request(struct aws_signer *s,
                             const struct aws_sign_request *r)
{
    const struct aws_sign_header *sorted[AWS_SIGN_MAX_HEADERS];
    if (r->n_headers > AWS_SIGN_MAX_HEADERS)
        return -1;
    for (size_t i = 0; i < r->n_headers; i++)
        sorted[i] = &r->headers[i];
    qsort(sorted, r->n_headers, sizeof sorted[0], compare_headers);
    struct buf *creq = &s->canonical_request;
    buf_reset(creq);
    buf_reset(&s->signed_headers);
    buf_printf(creq, "%s\n%s\n%s\n", r->method,
               r->path[0] ? r->path : "/", r->query ? r->query : "");
    put_headers(s, sorted, r->n_headers);
    buf_putc(creq, '\n');
    buf_append(creq, s->signed_headers.data, s->signed_headers.len);
    buf_putc(creq, '\n');
    buf_puts(creq, r->payload_hash);
    return 0;
}

/* ---- signing keys ------------------------------------------------------ */

static void hmac(const uint8_t *key, size_t key_len, const char *msg,
                 uint8_t out[CRYPTO_SHA256_LEN])
{
    crypto_hmac_sha256(key, key_len, msg, strlen(msg), out);
}

/* kSigning = HMAC chain from "AWS4" + secret over the day, the region, the
 * service and "aws4_request". */
static void derive(const char *secret, const char *day, const char *region,
                   const char *service, uint8_t out[CRYPTO_SHA256_LEN])
{
    struct buf k_secret;
    uint8_t a[CRYPTO_SHA256_LEN], b[CRYPTO_SHA256_LEN];
    buf_init(&k_secret, 0);
    buf_printf(&k_secret, "AWS4%s", secret);
    hmac((const uint8_t *)k_secret.data, k_secret.len, day, a);
    hmac(a, sizeof a, region, b);
    hmac(b, sizeof b, service, a);
    hmac(a, sizeof a, SIGN_TERMINATOR, out);
    memset(k_secret.data, 0, k_secret.len);
    buf_clear(&k_secret);
}

/* The key for scope ("day/region/service"), derived on first use. */
static const uint8_t *signing_key(struct aws_signer *s, const char *scope,
                                  const char *day,
                                  const struct aws_sign_request *r)
{
    for (unsigned i = 0; i < s->n_keys; i++)
        if (strcmp(s->keys[i].scope, scope) == 0)
            return s->keys[i].key;
    struct aws_sign_key *k = &s->keys[s->next_key];
    s->next_key = (s->next_key + 1) % AWS_SIGN_KEYS;
    if (s->n_keys < AWS_SIGN_KEYS)
        s->n_keys++;
    snprintf(k->scope, sizeof k->scope, "%s", scope);
    derive(s->secret, day, r->region, r->service, k->key);
    return k->key;
}

int aws_signer_sign(struct aws_signer *s, const struct aws_sign_request *r,
                    struct buf *authorization)
{
    if (canonical_request(s, r) < 0)
        return -1;
    char day[9], scope[sizeof s->keys[0].scope];
    char creq_hash[AWS_SIGN_HASH_LEN], signature[AWS_SIGN_HASH_LEN];
    snprintf(day, sizeof day, "%.8s", r->date);
    snprintf(scope, sizeof scope, "%s/%s/%s", day, r->region, r->service);
    aws_sign_payload_hash(s->canonical_request.data,
                          s->canonical_request.len, creq_hash);
    struct buf *sts = &s->string_to_sign;
    buf_reset(sts);
    buf_printf(sts, SIGN_ALGORITHM "\n%s\n%s/" SIGN_TERMINATOR "\n%s",
               r->date, scope, creq_hash);
    uint8_t mac[CRYPTO_SHA256_LEN];
    crypto_hmac_sha256(signing_key(s, scope, day, r), CRYPTO_SHA256_LEN,
                       sts->data, sts->len, mac);
    crypto_hex(mac, sizeof mac, signature);
    buf_printf(authorization, SIGN_ALGORITHM " Credential=%s/%s/"
               SIGN_TERMINATOR ", SignedHeaders=%s, Signature=%s",
               s->access_key_id, scope, buf_cstr(&s->signed_headers),
               signature);
    return 0;
}
