/* S3 checksums: Content-MD5 and the x-amz-checksum-* family, sent as
 * headers or as aws-chunked trailers, checked against the body; see
 * s3_internal.h. Values are base64 of the big-endian digest. */
#include "s3/s3_internal.h"

#include "base/buf.h"
#include "base/crypto.h"
#include "base/json.h"
#include "http/call.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
    enum s3_checksum algo;
    const char *name;
    const char *header;
} algos[] = {
    { S3_CHECKSUM_CRC32, "CRC32", "x-amz-checksum-crc32" },
    { S3_CHECKSUM_CRC32C, "CRC32C", "x-amz-checksum-crc32c" },
    { S3_CHECKSUM_SHA1, "SHA1", "x-amz-checksum-sha1" },
    { S3_CHECKSUM_SHA256, "SHA256", "x-amz-checksum-sha256" },
    { S3_CHECKSUM_CRC64NVME, "CRC64NVME", "x-amz-checksum-crc64nvme" },
};
#define N_ALGOS (sizeof algos / sizeof algos[0])

const char *s3_checksum_name(enum s3_checksum a)
{
    for (size_t i = 0; i < N_ALGOS; i++) {
        if (algos[i].algo == a)
            return algos[i].name;
    }
    return NULL;
}

enum s3_checksum s3_checksum_parse(const char *name)
{
    for (size_t i = 0; name && i < N_ALGOS; i++) {
        if (strcasecmp(algos[i].name, name) == 0)
            return algos[i].algo;
    }
    return S3_CHECKSUM_NONE;
}

static size_t put_be(uint64_t v, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    return n;
}

size_t s3_checksum_raw(enum s3_checksum a, const void *data, size_t len,
                       uint8_t *out)
{
    switch (a) {
    case S3_CHECKSUM_CRC32:
        return put_be(crypto_crc32(data, len), 4, out);
    case S3_CHECKSUM_CRC32C:
        return put_be(crypto_crc32c(data, len), 4, out);
    case S3_CHECKSUM_CRC64NVME:
        return put_be(crypto_crc64nvme(data, len), 8, out);
    case S3_CHECKSUM_SHA1:
        crypto_sha1(data, len, out);
        return CRYPTO_SHA1_LEN;
    case S3_CHECKSUM_SHA256:
        crypto_sha256(data, len, out);
        return CRYPTO_SHA256_LEN;
    case S3_CHECKSUM_NONE:
        break;
    }
    return 0;
}

void s3_checksum_base64(enum s3_checksum a, const void *data, size_t len,
                        char *out)
{
    uint8_t raw[CRYPTO_SHA256_LEN];
    size_t n = s3_checksum_raw(a, data, len, raw);
    struct buf b;
    buf_init(&b, 0);
    crypto_base64_encode(raw, n, &b);
    snprintf(out, 48, "%s", buf_cstr(&b));
    buf_clear(&b);
}

static int check_md5(struct call *c, const uint8_t got[CRYPTO_MD5_LEN])
{
    const char *md5 = call_header(c, "Content-MD5");
    if (md5 == NULL)
        return 0;
    struct buf want;
    buf_init(&want, 64);
    int bad = crypto_base64_decode(md5, strlen(md5), &want) < 0 ||
              want.len != CRYPTO_MD5_LEN;
    bool is_same = !bad && memcmp(got, want.data, CRYPTO_MD5_LEN) == 0;
    buf_clear(&want);
    if (bad)
        return call_fail(c, AWS_ERR_S3_INVALID_DIGEST, "The Content-MD5 you "
                         "specified was invalid.");
    if (!is_same)
        return call_fail(c, AWS_ERR_S3_BAD_DIGEST, "The Content-MD5 you "
                         "specified did not match what we received.");
    return 0;
}

/* The one x-amz-checksum-* the request carries, in a header or trailer;
 * -1 with InvalidRequest when it carries several. */
static int find_sent(struct call *c, size_t *which, const char **value)
{
    *value = NULL;
    for (size_t i = 0; i < N_ALGOS; i++) {
        const char *v = call_header(c, algos[i].header);
        if (v == NULL)
            v = json_get_string(c->trailers, algos[i].header);
        if (v == NULL)
            continue;
        if (*value)
            return call_fail(c, AWS_ERR_S3_INVALID_REQUEST, "Expecting a "
                             "single x-amz-checksum- header. Multiple "
                             "checksum Types are not allowed.");
        *which = i;
        *value = v;
    }
    return 0;
}

/* Whether sent is base64 of a digest as long as got's. */
static bool is_valid_value(const char *sent, const char *got)
{
    struct buf raw;
    buf_init(&raw, 64);
    bool is_valid = crypto_base64_decode(sent, strlen(sent), &raw) == 0 &&
                    raw.len == strlen(got) / 4 * 3 -
                                   (got[strlen(got) - 1] == '=') -
                                   (got[strlen(got) - 2] == '=');
    buf_clear(&raw);
    return is_valid;
}

int s3_check_body(struct call *c, const void *data, size_t len,
                  enum s3_checksum *algo, char *value, char *etag)
{
    *algo = S3_CHECKSUM_NONE;
    value[0] = '\0';
    size_t i = 0;
    const char *sent;
    if (find_sent(c, &i, &sent) < 0)
        return -1;
    /* Asked for by name alone, S3 computes and keeps it. */
    enum s3_checksum want = sent ? algos[i].algo
                                 : s3_checksum_parse(call_header(
                                       c, "x-amz-sdk-checksum-algorithm"));
    uint8_t md5[CRYPTO_MD5_LEN];
    char got[48];
    if (s3_body_sums(c, data, len, want, md5, got) < 0)
        return s3_fail_store(c);
    if (etag) {
        char hex[2 * CRYPTO_MD5_LEN + 1];
        crypto_hex(md5, sizeof md5, hex);
        snprintf(etag, 35, "\"%s\"", hex);
    }
    if (check_md5(c, md5) < 0)
        return -1;
    if (sent == NULL) {
        *algo = want;
        snprintf(value, 48, "%s", got);
        return 0;
    }
    if (!is_valid_value(sent, got))
        return call_fail(c, AWS_ERR_S3_INVALID_REQUEST, "Value for %s "
                         "header is invalid.", algos[i].header);
    if (strcmp(got, sent) != 0)
        return call_fail(c, AWS_ERR_S3_BAD_DIGEST, "The %s you specified did "
                         "not match the calculated checksum.",
                         algos[i].name);
    *algo = algos[i].algo;
    snprintf(value, 48, "%s", got);
    return 0;
}

void s3_checksum_to_response(struct call *c, const char *algo,
                             const char *value)
{
    enum s3_checksum a = s3_checksum_parse(algo);
    if (a == S3_CHECKSUM_NONE || value == NULL)
        return;
    for (size_t i = 0; i < N_ALGOS; i++) {
        if (algos[i].algo == a)
            call_add_header(c, algos[i].header, value);
    }
    call_add_header(c, "x-amz-checksum-type",
                    strchr(value, '-') ? "COMPOSITE" : "FULL_OBJECT");
}
