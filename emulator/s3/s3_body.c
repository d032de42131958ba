/* Object bodies in pieces: digests over bytes that arrive a piece at a
 * time, request bodies (in memory or in the server's temporary file)
 * written to the store a piece at a time, and GetObject bodies read from
 * the store as the client takes them. So an upload or download of any
 * size needs a few MiB of memory; see s3_internal.h. */
#include "s3/s3_internal.h"

#include "base/crypto.h"
#include "base/mem.h"
#include "http/call.h"
#include "state.h"
#include "store/store_s3.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Files are read a store chunk at a time. */
#define PIECE_BYTES STORE_S3_CHUNK_BYTES

/* --- Digests ------------------------------------------------------------ */

void s3_sums_init(struct s3_sums *s, enum s3_checksum algo)
{
    memset(s, 0, sizeof *s);
    s->md5 = crypto_digest_new(CRYPTO_DIGEST_MD5);
    s->algo = algo;
    if (algo == S3_CHECKSUM_SHA1)
        s->sha = crypto_digest_new(CRYPTO_DIGEST_SHA1);
    else if (algo == S3_CHECKSUM_SHA256)
        s->sha = crypto_digest_new(CRYPTO_DIGEST_SHA256);
}

void s3_sums_update(struct s3_sums *s, const void *data, size_t len)
{
    crypto_digest_update(s->md5, data, len);
    switch (s->algo) {
    case S3_CHECKSUM_CRC32:
        s->crc = crypto_crc32_update((uint32_t)s->crc, data, len);
        break;
    case S3_CHECKSUM_CRC32C:
        s->crc = crypto_crc32c_update((uint32_t)s->crc, data, len);
        break;
    case S3_CHECKSUM_CRC64NVME:
        s->crc = crypto_crc64nvme_update(s->crc, data, len);
        break;
    case S3_CHECKSUM_SHA1:
    case S3_CHECKSUM_SHA256:
        crypto_digest_update(s->sha, data, len);
        break;
    case S3_CHECKSUM_NONE:
        break;
    }
}

/* Big-endian bytes of a CRC. */
static size_t put_be(uint64_t v, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    return n;
}

void s3_sums_final(struct s3_sums *s, uint8_t md5[CRYPTO_MD5_LEN],
                   char *checksum)
{
    uint8_t raw[CRYPTO_SHA256_LEN];
    size_t n = 0;
    crypto_digest_final(s->md5, md5);
    if (s->sha)
        n = crypto_digest_final(s->sha, raw);
    else if (s->algo == S3_CHECKSUM_CRC64NVME)
        n = put_be(s->crc, 8, raw);
    else if (s->algo != S3_CHECKSUM_NONE)
        n = put_be(s->crc, 4, raw);
    checksum[0] = '\0';
    if (s->algo != S3_CHECKSUM_NONE) {
        struct buf b;
        buf_init(&b, 0);
        crypto_base64_encode(raw, n, &b);
        snprintf(checksum, 48, "%s", buf_cstr(&b));
        buf_clear(&b);
    }
    memset(s, 0, sizeof *s);
}

/* --- Request bodies ----------------------------------------------------- */

/* Reads the call's file body in pieces into fn; -1 on a read error. */
static int each_piece(struct call *c, int (*fn)(void *, const char *, size_t),
                      void *arg)
{
    char *piece = xmalloc(PIECE_BYTES);
    unsigned long long pos = 0;
    int rc = 0;
    while (rc == 0 && pos < c->body_fd_len) {
        ssize_t n = pread(c->body_fd, piece, PIECE_BYTES, (off_t)pos);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            rc = -1;
        else
            rc = fn(arg, piece, (size_t)n);
        pos += n > 0 ? (unsigned long long)n : 0;
    }
    free(piece);
    return rc;
}

static int sum_piece(void *arg, const char *data, size_t len)
{
    s3_sums_update(arg, data, len);
    return 0;
}

int s3_body_sums(struct call *c, const void *data, size_t len,
                 enum s3_checksum algo, uint8_t md5[CRYPTO_MD5_LEN],
                 char *checksum)
{
    /* A body in memory is hashed in one call each: the one-shot digests
     * hash on the stack, where a streaming digest allocates a context. */
    if (c->body_fd < 0) {
        crypto_md5(data, len, md5);
        checksum[0] = '\0';
        if (algo != S3_CHECKSUM_NONE)
            s3_checksum_base64(algo, data, len, checksum);
        return 0;
    }
    struct s3_sums s;
    s3_sums_init(&s, algo);
    int rc = each_piece(c, sum_piece, &s);
    s3_sums_final(&s, md5, checksum);
    return rc;
}

struct store_piece {
    struct store_tx *tx;
    struct store_s3_writer *w;
    struct s3_sums *sums;     /* NULL: no checksum wanted */
    enum store_result res;
};

static int store_piece(void *arg, const char *data, size_t len)
{
    struct store_piece *p = arg;
    if (p->sums)
        s3_sums_update(p->sums, data, len);
    p->res = store_s3_writer_append(p->tx, p->w, data, len);
    return p->res == STORE_OK ? 0 : -1;
}

enum store_result s3_body_store(struct store_tx *tx, struct call *c,
                                const void *data, size_t len,
                                struct store_s3_writer *w,
                                enum s3_checksum algo, char *checksum)
{
    struct s3_sums sums;
    struct store_piece p = { tx, w, NULL, STORE_OK };
    if (algo != S3_CHECKSUM_NONE) {
        s3_sums_init(&sums, algo);
        p.sums = &sums;
    }
    int rc = 0;
    if (c->body_fd >= 0) {
        rc = each_piece(c, store_piece, &p);
    } else {
        if (p.sums)
            s3_sums_update(p.sums, data, len);
        p.res = store_s3_writer_finish_with(tx, w, data, len);
    }
    if (rc < 0 && p.res == STORE_OK) {
        s3_fail_store(c);
        p.res = STORE_ABORT;
    }
    if (p.res == STORE_OK)
        p.res = store_s3_writer_finish(tx, w);
    if (p.sums) {
        uint8_t md5[CRYPTO_MD5_LEN];
        s3_sums_final(&sums, md5, checksum);
    }
    return p.res;
}

/* --- GetObject bodies --------------------------------------------------- */

struct source {
    struct store *store; /* borrowed; outlives the server's responses */
    int64_t body;
    int64_t first;       /* the object's offset of the response's byte 0 */
    int64_t len;         /* the response's length */
};

struct read_arg {
    const struct source *src;
    int64_t offset;
    size_t len;
    char *dst;
};

static enum store_result read_in_tx(struct store_tx *tx, void *p)
{
    struct read_arg *a = p;
    return store_s3_body_read(tx, a->src->body, a->offset, a->len, a->dst);
}

/* Each piece is its own short read, so no lock is held while the client
 * reads slowly. A body deleted meanwhile (the object was replaced) ends
 * the response early; the client sees a short body and retries. */
static long read_source(void *arg, unsigned long long pos, char *dst,
                        size_t max)
{
    const struct source *src = arg;
    if ((int64_t)pos >= src->len)
        return -1;
    if ((int64_t)max > src->len - (int64_t)pos)
        max = (size_t)(src->len - (int64_t)pos);
    struct read_arg a = { src, src->first + (int64_t)pos, max, dst };
    if (store_read(src->store, read_in_tx, &a) != STORE_OK)
        return -1;
    return (long)max;
}

void s3_body_source(struct call *c, int64_t body, int64_t first, int64_t len)
{
    struct source *src = xmalloc(sizeof *src);
    *src = (struct source){ c->emu->store, body, first, len };
    c->source = (struct call_source){
        .length = (unsigned long long)len,
        .read = read_source,
        .free = free,
        .arg = src,
    };
}
