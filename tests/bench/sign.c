/* SigV4 signing for the bench tools; see sign.h. Header names are signed in
 * sorted order: content-type, host, x-amz-content-sha256, x-amz-date,
 * x-amz-target, which is also the order the canonical request lists them. */
#include "sign.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>

static void hex(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static void sha256_hex(const void *data, size_t n, char out[SIGN_HASH_LEN])
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(data, n, md);
    hex(md, sizeof md, out);
}

static void hmac(const unsigned char *key, size_t key_len, const char *msg,
                 size_t msg_len, unsigned char out[32])
{
    unsigned int len = 32;
    HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)msg,
         msg_len, out, &len);
}

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
}

void sign_payload_hash(const void *body, size_t len, char out[SIGN_HASH_LEN])
{
    sha256_hex(body, len, out);
}

int sign_wants_payload_header(const struct sign_key *k)
{
    return strcmp(k->service, "s3") == 0;
}

/* kSigning = HMAC chain over day, region, service, "aws4_request"; it only
 * changes at midnight UTC, so it is derived once per day. */
static void derive(struct sign_key *k, const char *day)
{
    char secret[sizeof k->secret + 4];
    unsigned char a[32], b[32];
    int n = snprintf(secret, sizeof secret, "AWS4%s", k->secret);
    hmac((const unsigned char *)secret, (size_t)n, day, 8, a);
    hmac(a, 32, k->region, strlen(k->region), b);
    hmac(b, 32, k->service, strlen(k->service), a);
    hmac(a, 32, "aws4_request", 12, k->signing);
    memcpy(k->day, day, 9);
}

static int canonical(const struct sign_key *k, const struct sign_request *r,
                     const struct sign_headers *h, char *out, size_t cap,
                     const char **signed_names)
{
    int s3 = sign_wants_payload_header(k);
    char ct[160] = "", tgt[160] = "", sha[100] = "";
    if (r->content_type)
        snprintf(ct, sizeof ct, "content-type:%s\n", r->content_type);
    if (s3)
        snprintf(sha, sizeof sha, "x-amz-content-sha256:%s\n",
                 h->payload_hash);
    if (r->target)
        snprintf(tgt, sizeof tgt, "x-amz-target:%s\n", r->target);
    static const char *const names[2][2][2] = {
        { { "host;x-amz-date", "host;x-amz-date;x-amz-target" },
          { "content-type;host;x-amz-date",
            "content-type;host;x-amz-date;x-amz-target" } },
        { { "host;x-amz-content-sha256;x-amz-date",
            "host;x-amz-content-sha256;x-amz-date;x-amz-target" },
          { "content-type;host;x-amz-content-sha256;x-amz-date",
            "content-type;host;x-amz-content-sha256;x-amz-date;"
            "x-amz-target" } },
    };
    *signed_names = names[s3][r->content_type != NULL][r->target != NULL];
    int n = snprintf(out, cap, "%s\n%s\n%s\n%shost:%s\n%sx-amz-date:%s\n%s\n"
                     "%s\n%s", r->method, r->path, r->query, ct, r->host, sha,
                     h->date, tgt, *signed_names, h->payload_hash);
    return n < 0 || (size_t)n >= cap ? -1 : n;
}

int sign_request(struct sign_key *k, const struct sign_request *r,
                 time_t now, struct sign_headers *out)
{
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out->date, sizeof out->date, "%Y%m%dT%H%M%SZ", &tm);
    if (strncmp(k->day, out->date, 8) != 0) {
        char day[9];
        memcpy(day, out->date, 8);
        day[8] = '\0';
        derive(k, day);
    }
    if (r->payload_hash)
        memcpy(out->payload_hash, r->payload_hash, SIGN_HASH_LEN);
    else
        sha256_hex(r->body ? r->body : "", r->body_len, out->payload_hash);

    char creq[2048], creq_hash[SIGN_HASH_LEN], sts[512];
    const char *signed_names;
    int n = canonical(k, r, out, creq, sizeof creq, &signed_names);
    if (n < 0)
        return -1;
    sha256_hex(creq, (size_t)n, creq_hash);
    n = snprintf(sts, sizeof sts, "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/"
                 "aws4_request\n%s", out->date, k->day, k->region, k->service,
                 creq_hash);
    if (n < 0 || (size_t)n >= sizeof sts)
        return -1;
    unsigned char sig[32];
    char sig_hex[SIGN_HASH_LEN];
    hmac(k->signing, 32, sts, (size_t)n, sig);
    hex(sig, 32, sig_hex);
    n = snprintf(out->authorization, sizeof out->authorization,
                 "AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request, "
                 "SignedHeaders=%s, Signature=%s", k->access_key, k->day,
                 k->region, k->service, signed_names, sig_hex);
    return n < 0 || (size_t)n >= sizeof out->authorization ? -1 : 0;
}
