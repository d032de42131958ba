/* Hashing, checksums and base64 behind one header; see crypto.h. */
/* SHA-256 for SigV4 uses OpenSSL's low-level SHA256_* calls, deprecated
 * in OpenSSL 3 in favour of EVP but kept through 3.x: they hash on the
 * stack, where every EVP init allocates and frees a provider context, a
 * third of SigV4's cost per request. */
#define OPENSSL_SUPPRESS_DEPRECATED

#include "base/crypto.h"

#include "base/buf.h"

#include <openssl/evp.h>
#include <openssl/md5.h>
#include <openssl/sha.h>
#include <openssl/hmac.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <errno.h>
#include <pthread.h>
#include <sys/random.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* OpenSSL 3 looks an algorithm up by name on every implicit use, which
 * costs more than hashing a short message; fetch the streaming digests once
 * per process. These handles are immutable and shared by all threads. */
static EVP_MD *sha256_md;
static EVP_MD *md5_md;
static EVP_MD *sha1_md;
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

static void fetch_digests(void)
{
    sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
    md5_md = EVP_MD_fetch(NULL, "MD5", NULL);
    sha1_md = EVP_MD_fetch(NULL, "SHA1", NULL);
    if (sha256_md == NULL || md5_md == NULL || sha1_md == NULL)
        abort();
}

void crypto_sha256(const void *data, size_t len, uint8_t out[CRYPTO_SHA256_LEN])
{
    SHA256_CTX ctx;
    SHA256_Init(&ctx);
    SHA256_Update(&ctx, data, len);
    SHA256_Final(out, &ctx);
}

_Static_assert(sizeof(SHA256_CTX) <= sizeof((struct crypto_hmac_key *)0)->inner,
               "crypto_hmac_key too small for OpenSSL's SHA-256 state");

/* A SHA-256 state with one block absorbed: the key padded with pad. */
static void absorb_padded_key(SHA256_CTX *ctx, const uint8_t block[64],
                              uint8_t pad)
{
    uint8_t padded[64];
    for (int i = 0; i < 64; i++)
        padded[i] = block[i] ^ pad;
    SHA256_Init(ctx);
    SHA256_Update(ctx, padded, sizeof padded);
}

void crypto_hmac_key_init(struct crypto_hmac_key *k, const void *key,
                          size_t key_len)
{
    uint8_t block[64] = { 0 };
    if (key_len > sizeof block)
        crypto_sha256(key, key_len, block);
    else if (key_len)
        memcpy(block, key, key_len);
    SHA256_CTX ctx;
    absorb_padded_key(&ctx, block, 0x36);
    memcpy(k->inner, &ctx, sizeof ctx);
    absorb_padded_key(&ctx, block, 0x5c);
    memcpy(k->outer, &ctx, sizeof ctx);
}

/* HMAC (RFC 2104) over SHA-256. SigV4 runs one or more per request, and
 * OpenSSL 3's HMAC() and EVP one-shots allocate and free a context each
 * time, which costs more than the hashing itself. */
void crypto_hmac_keyed(const struct crypto_hmac_key *k, const void *msg,
                       size_t msg_len, uint8_t out[CRYPTO_SHA256_LEN])
{
    uint8_t inner[CRYPTO_SHA256_LEN];
    SHA256_CTX ctx;
    memcpy(&ctx, k->inner, sizeof ctx);
    SHA256_Update(&ctx, msg, msg_len);
    SHA256_Final(inner, &ctx);
    memcpy(&ctx, k->outer, sizeof ctx);
    SHA256_Update(&ctx, inner, sizeof inner);
    SHA256_Final(out, &ctx);
}

void crypto_hmac_sha256(const void *key, size_t key_len, const void *msg,
                        size_t msg_len, uint8_t out[CRYPTO_SHA256_LEN])
{
    struct crypto_hmac_key k;
    crypto_hmac_key_init(&k, key, key_len);
    crypto_hmac_keyed(&k, msg, msg_len, out);
}

void crypto_hmac_sha1(const void *key, size_t key_len, const void *msg,
                      size_t msg_len, uint8_t out[CRYPTO_SHA1_LEN])
{
    unsigned int n = CRYPTO_SHA1_LEN;
    pthread_once(&fetch_once, fetch_digests);
    if (HMAC(sha1_md, key, (int)key_len, msg, msg_len, out, &n) == NULL)
        abort();
}

/* On the stack, as SHA-256 above: S3 takes one per object for its ETag. */
void crypto_md5(const void *data, size_t len, uint8_t out[CRYPTO_MD5_LEN])
{
    MD5_CTX ctx;
    MD5_Init(&ctx);
    MD5_Update(&ctx, data, len);
    MD5_Final(out, &ctx);
}

void crypto_sha1(const void *data, size_t len, uint8_t out[CRYPTO_SHA1_LEN])
{
    unsigned int n = CRYPTO_SHA1_LEN;
    pthread_once(&fetch_once, fetch_digests);
    EVP_Digest(data, len, out, &n, sha1_md, NULL);
}

/* The CRC-32C and CRC-64/NVME tables, built once per process; immutable
 * afterwards. */
static uint32_t crc32c_table[256];
static pthread_once_t crc32c_once = PTHREAD_ONCE_INIT;

static uint64_t crc64nvme_table[256];

static void build_crc32c_table(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t v = i;
        uint64_t w = i;
        for (int k = 0; k < 8; k++) {
            v = v & 1 ? (v >> 1) ^ 0x82F63B78u : v >> 1;
            w = w & 1 ? (w >> 1) ^ 0x9A6C9329AC4BC9B5ull : w >> 1;
        }
        crc32c_table[i] = v;
        crc64nvme_table[i] = w;
    }
}

uint64_t crypto_crc64nvme_update(uint64_t crc, const void *data, size_t len)
{
    pthread_once(&crc32c_once, build_crc32c_table);
    const unsigned char *p = data;
    crc = ~crc;
    for (size_t i = 0; i < len; i++)
        crc = crc64nvme_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

uint64_t crypto_crc64nvme(const void *data, size_t len)
{
    return crypto_crc64nvme_update(0, data, len);
}

uint32_t crypto_crc32c_update(uint32_t crc, const void *data, size_t len)
{
    pthread_once(&crc32c_once, build_crc32c_table);
    const unsigned char *p = data;
    crc ^= 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++)
        crc = crc32c_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

uint32_t crypto_crc32c(const void *data, size_t len)
{
    return crypto_crc32c_update(0, data, len);
}

uint32_t crypto_crc32_update(uint32_t crc32_so_far, const void *data,
                             size_t len)
{
    uLong crc = crc32_so_far;
    const Bytef *p = data;
    /* zlib takes uInt lengths; feed large inputs in slices. */
    while (len > 0) {
        uInt n = len > 0x40000000u ? 0x40000000u : (uInt)len;
        crc = crc32(crc, p, n);
        p += n;
        len -= n;
    }
    return (uint32_t)crc;
}

uint32_t crypto_crc32(const void *data, size_t len)
{
    return crypto_crc32_update(0, data, len);
}

struct crypto_digest {
    EVP_MD_CTX *ctx;
};

struct crypto_digest *crypto_digest_new(enum crypto_digest_kind kind)
{
    pthread_once(&fetch_once, fetch_digests);
    struct crypto_digest *d = malloc(sizeof *d);
    if (d == NULL)
        abort();
    d->ctx = EVP_MD_CTX_new();
    const EVP_MD *md = kind == CRYPTO_DIGEST_MD5    ? md5_md
                       : kind == CRYPTO_DIGEST_SHA1 ? sha1_md
                                                    : sha256_md;
    if (d->ctx == NULL || EVP_DigestInit_ex(d->ctx, md, NULL) != 1)
        abort();
    return d;
}

void crypto_digest_update(struct crypto_digest *d, const void *data,
                          size_t len)
{
    EVP_DigestUpdate(d->ctx, data, len);
}

size_t crypto_digest_final(struct crypto_digest *d, uint8_t *out)
{
    unsigned int n = 0;
    EVP_DigestFinal_ex(d->ctx, out, &n);
    crypto_digest_free(d);
    return n;
}

void crypto_digest_free(struct crypto_digest *d)
{
    if (d == NULL)
        return;
    EVP_MD_CTX_free(d->ctx);
    free(d);
}

/* One deflate or inflate stream over data, appending output to out in
 * 64 KiB steps. windowBits 15 + 16 selects the gzip wrapper. */
static int z_run(z_stream *z, bool is_deflate, const void *data, size_t len,
                 struct buf *out)
{
    unsigned char chunk[65536];
    int rc = Z_OK;
    z->next_in = (Bytef *)(uintptr_t)data;
    z->avail_in = (uInt)len;
    while (rc == Z_OK) {
        z->next_out = chunk;
        z->avail_out = sizeof chunk;
        rc = is_deflate ? deflate(z, Z_FINISH) : inflate(z, Z_NO_FLUSH);
        buf_append(out, chunk, sizeof chunk - z->avail_out);
        if (buf_failed(out) || (rc == Z_BUF_ERROR && z->avail_in == 0))
            return -1;
        if (rc == Z_BUF_ERROR)
            rc = Z_OK;
    }
    return rc == Z_STREAM_END ? 0 : -1;
}

int crypto_gzip(const void *data, size_t len, struct buf *out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (len > 0x40000000u ||
        deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    int rc = z_run(&z, true, data, len, out);
    deflateEnd(&z);
    return rc;
}

int crypto_gunzip(const void *data, size_t len, struct buf *out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (len > 0x40000000u || inflateInit2(&z, 15 + 16) != Z_OK)
        return -1;
    int rc = z_run(&z, false, data, len, out);
    inflateEnd(&z);
    return rc;
}

void crypto_hex(const uint8_t *bytes, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * len] = '\0';
}

/* Eight bytes at a time, every byte looked at whatever the earlier ones
 * held: the time taken depends on len alone. The accumulator is read
 * through a volatile at the end so the loop cannot be cut short. */
bool crypto_equal(const void *a, const void *b, size_t len)
{
    const unsigned char *x = a;
    const unsigned char *y = b;
    uint64_t diff = 0;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t u, v;
        memcpy(&u, x + i, 8);
        memcpy(&v, y + i, 8);
        diff |= u ^ v;
    }
    for (; i < len; i++)
        diff |= (uint64_t)(x[i] ^ y[i]);
    volatile uint64_t result = diff;
    return result == 0;
}

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void crypto_base64_encode(const void *data, size_t len, struct buf *out)
{
    const unsigned char *p = data;
    char quad[4];
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < len)
            v |= p[i + 2];
        quad[0] = b64_alphabet[(v >> 18) & 63];
        quad[1] = b64_alphabet[(v >> 12) & 63];
        quad[2] = i + 1 < len ? b64_alphabet[(v >> 6) & 63] : '=';
        quad[3] = i + 2 < len ? b64_alphabet[v & 63] : '=';
        buf_append(out, quad, 4);
    }
}

static int b64_value(char ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '+')
        return 62;
    if (ch == '/')
        return 63;
    return -1;
}

/* Decodes one 4-character group; pad counts trailing '=' (0..2). */
static int decode_quad(const char *q, bool is_last, struct buf *out)
{
    int pad = 0;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int d;
        if (q[i] == '=' && is_last && i >= 2) {
            pad++;
            d = 0;
        } else {
            d = pad ? -1 : b64_value(q[i]);
        }
        if (d < 0)
            return -1;
        v = (v << 6) | (uint32_t)d;
    }
    unsigned char bytes[3] = { (unsigned char)(v >> 16),
                               (unsigned char)(v >> 8), (unsigned char)v };
    buf_append(out, bytes, (size_t)(3 - pad));
    return 0;
}

int crypto_base64_decode(const char *text, size_t len, struct buf *out)
{
    if (len % 4 != 0)
        return -1;
    for (size_t i = 0; i < len; i += 4) {
        if (decode_quad(text + i, i + 4 == len, out) < 0)
            return -1;
    }
    return 0;
}

/* Adds one X.509v3 extension given in OpenSSL's config syntax. */
static int add_extension(X509 *x, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (ext == NULL)
        return -1;
    int ok = X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    return ok ? 0 : -1;
}

static int fill_certificate(X509 *x, EVP_PKEY *pkey)
{
    uint8_t serial[8];
    crypto_random(serial, sizeof serial);
    serial[0] &= 0x7f;
    BIGNUM *bn = BN_bin2bn(serial, sizeof serial, NULL);
    X509_NAME *name = X509_get_subject_name(x);
    int ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) &&
             X509_set_version(x, 2) &&
             X509_gmtime_adj(X509_getm_notBefore(x), -3600) &&
             X509_gmtime_adj(X509_getm_notAfter(x), 365L * 24 * 3600) &&
             X509_set_pubkey(x, pkey) &&
             X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                        (const unsigned char *)"localhost",
                                        -1, -1, 0) &&
             X509_set_issuer_name(x, name);
    BN_free(bn);
    if (!ok ||
        add_extension(x, NID_basic_constraints, "critical,CA:TRUE") < 0 ||
        add_extension(x, NID_key_usage,
                      "critical,digitalSignature,keyCertSign") < 0 ||
        add_extension(x, NID_subject_key_identifier, "hash") < 0 ||
        add_extension(x, NID_subject_alt_name,
                      "DNS:localhost,IP:127.0.0.1,IP:::1") < 0)
        return -1;
    return X509_sign(x, pkey, EVP_sha256()) > 0 ? 0 : -1;
}

static void append_bio(BIO *bio, struct buf *out)
{
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);
    if (n > 0)
        buf_append(out, data, (size_t)n);
}

int crypto_self_signed_cert(struct buf *cert, struct buf *key)
{
    EVP_PKEY *pkey = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    BIO *cert_bio = BIO_new(BIO_s_mem());
    BIO *key_bio = BIO_new(BIO_s_mem());
    int rc = -1;
    if (pkey == NULL || x == NULL || cert_bio == NULL || key_bio == NULL ||
        fill_certificate(x, pkey) < 0 ||
        !PEM_write_bio_X509(cert_bio, x) ||
        !PEM_write_bio_PrivateKey(key_bio, pkey, NULL, NULL, 0, NULL, NULL))
        goto out;
    append_bio(cert_bio, cert);
    append_bio(key_bio, key);
    rc = 0;
out:
    BIO_free(cert_bio);
    BIO_free(key_bio);
    X509_free(x);
    EVP_PKEY_free(pkey);
    return rc;
}

/* From the kernel directly: OpenSSL's generator would be set up (and its
 * providers loaded, about 2 MB) at start just for a few ids and keys. */
void crypto_random(void *out, size_t len)
{
    unsigned char *p = out;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            abort();
        p += n;
        len -= (size_t)n;
    }
}
