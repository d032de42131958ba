/* Hashes, MACs, checksums and encodings, over OpenSSL's libcrypto and zlib;
 * the only module that includes them. All functions are thread-safe. */
#ifndef DYNALAKE_CRYPTO_H
#define DYNALAKE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CRYPTO_SHA256_LEN 32
#define CRYPTO_MD5_LEN 16
#define CRYPTO_SHA1_LEN 20

struct buf;

void crypto_sha256(const void *data, size_t len, uint8_t out[CRYPTO_SHA256_LEN]);
void crypto_hmac_sha256(const void *key, size_t key_len, const void *msg,
                        size_t msg_len, uint8_t out[CRYPTO_SHA256_LEN]);
/* HMAC-SHA256 keyed once for many messages (a SigV4 signing key serves a
 * day): the padded key blocks are hashed at setup, so each message costs
 * two SHA-256 blocks fewer. Opaque: SHA-256 states, sized in crypto.c. */
struct crypto_hmac_key {
    _Alignas(8) unsigned char inner[128];
    _Alignas(8) unsigned char outer[128];
};
void crypto_hmac_key_init(struct crypto_hmac_key *k, const void *key,
                          size_t key_len);
void crypto_hmac_keyed(const struct crypto_hmac_key *k, const void *msg,
                       size_t msg_len, uint8_t out[CRYPTO_SHA256_LEN]);
/* HMAC-SHA1, for S3's legacy SigV2 presigned URLs. */
void crypto_hmac_sha1(const void *key, size_t key_len, const void *msg,
                      size_t msg_len, uint8_t out[CRYPTO_SHA1_LEN]);
void crypto_md5(const void *data, size_t len, uint8_t out[CRYPTO_MD5_LEN]);
void crypto_sha1(const void *data, size_t len, uint8_t out[CRYPTO_SHA1_LEN]);
uint32_t crypto_crc32(const void *data, size_t len);
/* CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as S3's
 * x-amz-checksum-crc32c computes it. */
uint32_t crypto_crc32c(const void *data, size_t len);
/* CRC-64/NVME (reflected polynomial 0x9A6C9329AC4BC9B5), S3's default
 * full-object checksum since 2025. */
uint64_t crypto_crc64nvme(const void *data, size_t len);

/* The same CRCs over data that arrives in pieces: pass 0 first, then each
 * call's result; the last result equals the one-shot CRC of the whole. */
uint32_t crypto_crc32_update(uint32_t crc, const void *data, size_t len);
uint32_t crypto_crc32c_update(uint32_t crc, const void *data, size_t len);
uint64_t crypto_crc64nvme_update(uint64_t crc, const void *data, size_t len);

/* A digest over data that arrives in pieces (S3 bodies streamed from disk):
 * crypto_digest_new, any number of _update calls, then _final, which
 * writes the digest (its length returned) and frees the context. */
enum crypto_digest_kind { CRYPTO_DIGEST_MD5, CRYPTO_DIGEST_SHA1,
                          CRYPTO_DIGEST_SHA256 };
struct crypto_digest;
struct crypto_digest *crypto_digest_new(enum crypto_digest_kind kind);
void crypto_digest_update(struct crypto_digest *d, const void *data,
                          size_t len);
size_t crypto_digest_final(struct crypto_digest *d, uint8_t *out);
/* Frees a context without finishing it; NULL accepted. */
void crypto_digest_free(struct crypto_digest *d);

/* Lower-case hex of len bytes into out, which must hold 2 * len + 1. */
void crypto_hex(const uint8_t *bytes, size_t len, char *out);

/* Compares in time that depends only on len, for secrets and signatures. */
bool crypto_equal(const void *a, const void *b, size_t len);

/* Standard base64 (RFC 4648, with padding) appended to out. */
void crypto_base64_encode(const void *data, size_t len, struct buf *out);
/* Strict decoding of standard padded base64; -1 on any bad character or
 * length, 0 on success with the bytes appended to out. */
int crypto_base64_decode(const char *text, size_t len, struct buf *out);

/* A new self-signed certificate for localhost and 127.0.0.1 (EC P-256,
 * valid for a year) and its private key, both PEM, appended to cert and key;
 * clients trust it by naming the certificate file as their CA bundle.
 * 0, or -1 if OpenSSL failed. */
int crypto_self_signed_cert(struct buf *cert, struct buf *key);

/* gzip (RFC 1952) of data appended to out, at zlib's default level; -1 if
 * zlib failed. gunzip appends the inflated bytes of one gzip member to out,
 * stopping (-1) past out's cap or on corrupt input. */
int crypto_gzip(const void *data, size_t len, struct buf *out);
int crypto_gunzip(const void *data, size_t len, struct buf *out);

/* Random bytes from the OS generator. */
void crypto_random(void *out, size_t len);

#endif
