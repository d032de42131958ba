/* aws-chunked decoding and chunk-signature verification; see
 * sigv4_chunked.h. Each chunk is "hex-size[;chunk-signature=sig]\r\n",
 * the data, "\r\n"; the last has size 0 and is followed, with a trailer,
 * by "name:value\r\n" lines (the signed form ends them with
 * "x-amz-trailer-signature:sig\r\n") and an empty line. */
#include "auth/sigv4_chunked.h"

#include "auth/sigv4_internal.h"
#include "base/crypto.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define EMPTY_SHA256 \
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/* A chunk size past 2^40 is refused before it can overflow anything. */
#define MAX_HEX_DIGITS 10

static void sign(const uint8_t key[32], const char *algorithm,
                 struct str date, struct str scope, struct str previous,
                 const char *tail, char out[65])
{
    struct buf sts;
    uint8_t mac[CRYPTO_SHA256_LEN];
    buf_init(&sts, 0);
    buf_puts(&sts, algorithm);
    buf_putc(&sts, '\n');
    buf_append(&sts, date.ptr, date.len);
    buf_putc(&sts, '\n');
    buf_append(&sts, scope.ptr, scope.len);
    buf_putc(&sts, '\n');
    buf_append(&sts, previous.ptr, previous.len);
    buf_putc(&sts, '\n');
    buf_puts(&sts, tail);
    crypto_hmac_sha256(key, 32, sts.data, sts.len, mac);
    buf_clear(&sts);
    crypto_hex(mac, sizeof mac, out);
}

/* A chunk's signature from the SHA-256 of its data. */
static void sign_digest(const uint8_t key[32], struct str date,
                        struct str scope, struct str previous,
                        const uint8_t digest[CRYPTO_SHA256_LEN], char out[65])
{
    char tail[sizeof EMPTY_SHA256 + 1 + 2 * CRYPTO_SHA256_LEN];
    memcpy(tail, EMPTY_SHA256 "\n", sizeof EMPTY_SHA256);
    crypto_hex(digest, CRYPTO_SHA256_LEN, tail + sizeof EMPTY_SHA256);
    sign(key, "AWS4-HMAC-SHA256-PAYLOAD", date, scope, previous, tail, out);
}

void sigv4_chunked_sign(const uint8_t key[32], struct str date,
                        struct str scope, struct str previous,
                        struct str data, char out[65])
{
    uint8_t digest[CRYPTO_SHA256_LEN];
    crypto_sha256(data.ptr, data.len, digest);
    sign_digest(key, date, scope, previous, digest, out);
}

void sigv4_chunked_sign_trailer(const uint8_t key[32], struct str date,
                                struct str scope, struct str previous,
                                struct str trailers, char out[65])
{
    uint8_t digest[CRYPTO_SHA256_LEN];
    char hex[2 * CRYPTO_SHA256_LEN + 1];
    crypto_sha256(trailers.ptr, trailers.len, digest);
    crypto_hex(digest, sizeof digest, hex);
    sign(key, "AWS4-HMAC-SHA256-TRAILER", date, scope, previous, hex, out);
}

/* Parses "hex[;chunk-signature=sig]"; the signature slice is empty when
 * absent. */
static bool parse_chunk_header(struct str line, uint64_t *size,
                               struct str *signature)
{
    size_t i = 0;
    *size = 0;
    while (i < line.len && sigv4_hex_value(line.ptr[i]) >= 0) {
        if (i == MAX_HEX_DIGITS)
            return false;
        *size = *size * 16 + (uint64_t)sigv4_hex_value(line.ptr[i]);
        i++;
    }
    if (i == 0)
        return false;
    *signature = (struct str){ "", 0 };
    struct str ext = { line.ptr + i, line.len - i };
    if (ext.len == 0)
        return true;
    if (!str_starts_with(ext, ";chunk-signature="))
        return false;
    size_t skip = strlen(";chunk-signature=");
    *signature = (struct str){ ext.ptr + skip, ext.len - skip };
    return true;
}

static bool signature_ok(const struct sigv4_chunked *p, struct str sent,
                         const char computed[65])
{
    if (p->key == NULL)
        return true;
    return sent.len == 64 && crypto_equal(sent.ptr, computed, 64);
}

/* The trailing headers after the last chunk, up to the empty line. */
/* Cuts one CRLF-terminated line off the front of *rest; false if none. */
static bool cut_line(struct str *rest, struct str *line)
{
    for (size_t i = 0; i + 1 < rest->len; i++) {
        if (rest->ptr[i] == '\r' && rest->ptr[i + 1] == '\n') {
            *line = (struct str){ rest->ptr, i };
            rest->ptr += i + 2;
            rest->len -= i + 2;
            return true;
        }
    }
    return false;
}

static enum sigv4_chunked_status read_trailers(const struct sigv4_chunked *p,
                                               struct str rest,
                                               struct str previous,
                                               struct buf *trailers)
{
    struct str line;
    struct str trailer_sig = { "", 0 };
    bool has_sig = false;
    while (cut_line(&rest, &line) && line.len > 0) {
        struct str name;
        struct str value = line;
        if (!str_cut(&value, ':', &name) || name.len == 0)
            return SIGV4_CHUNKED_MALFORMED;
        if (str_eq_nocase(name, STR_LIT("x-amz-trailer-signature"))) {
            trailer_sig = str_trim(value);
            has_sig = true;
            continue;
        }
        for (size_t i = 0; i < name.len; i++)
            buf_putc(trailers, (char)tolower((unsigned char)name.ptr[i]));
        buf_putc(trailers, ':');
        struct str v = str_trim(value);
        buf_append(trailers, v.ptr, v.len);
        buf_putc(trailers, '\n');
        if (trailers->len > SIGV4_CHUNKED_MAX_TRAILER_BYTES)
            return SIGV4_CHUNKED_MALFORMED;
    }
    if (!p->is_signed)
        return SIGV4_CHUNKED_OK;
    if (!has_sig)
        return SIGV4_CHUNKED_MALFORMED;
    char want[65];
    if (p->key)
        sigv4_chunked_sign_trailer(p->key, p->date, p->scope, previous,
                                   (struct str){ buf_cstr(trailers),
                                                 trailers->len }, want);
    return signature_ok(p, trailer_sig, want) ? SIGV4_CHUNKED_OK
                                              : SIGV4_CHUNKED_SIGNATURE_MISMATCH;
}

/* Raw bytes pulled through the caller's read function into a window. */
struct source {
    sigv4_chunked_read_fn read;
    void *arg;
    char window[64 * 1024];
    size_t start;  /* first unconsumed byte */
    size_t end;    /* one past the last byte read */
    bool is_eof;
    bool has_failed;
};

/* Reads more into the window (moving what is left to its front); false
 * at the end of the body or on a read failure. */
static bool fill(struct source *s)
{
    if (s->is_eof || s->has_failed)
        return false;
    memmove(s->window, s->window + s->start, s->end - s->start);
    s->end -= s->start;
    s->start = 0;
    if (s->end == sizeof s->window)
        return false;
    long n = s->read(s->arg, s->window + s->end, sizeof s->window - s->end);
    if (n < 0)
        s->has_failed = true;
    else if (n == 0)
        s->is_eof = true;
    else
        s->end += (size_t)n;
    return n > 0;
}

/* Copies one CRLF-terminated line (without the CRLF) into line, which
 * holds cap bytes; false when there is none within cap. */
static bool take_line(struct source *s, char *line, size_t cap, size_t *len)
{
    size_t scanned = 0;
    for (;;) {
        size_t avail = s->end - s->start;
        const char *p = s->window + s->start;
        for (size_t i = scanned; i + 1 < avail && i < cap; i++) {
            if (p[i] == '\r' && p[i + 1] == '\n') {
                memcpy(line, p, i);
                *len = i;
                s->start += i + 2;
                return true;
            }
        }
        scanned = avail ? avail - 1 : 0;
        if (scanned >= cap || !fill(s))
            return false;
    }
}

/* Passes size bytes of chunk data to the sink, hashing them when the
 * chunk is signed. */
static enum sigv4_chunked_status pass_data(struct source *s, uint64_t size,
                                           struct crypto_digest *hash,
                                           sigv4_chunked_sink_fn sink,
                                           void *sink_arg)
{
    while (size > 0) {
        if (s->start == s->end && !fill(s))
            return s->has_failed ? SIGV4_CHUNKED_STOPPED
                                 : SIGV4_CHUNKED_MALFORMED;
        size_t n = s->end - s->start;
        if (n > size)
            n = (size_t)size;
        const char *p = s->window + s->start;
        if (hash)
            crypto_digest_update(hash, p, n);
        if (sink(sink_arg, p, n) < 0)
            return SIGV4_CHUNKED_STOPPED;
        s->start += n;
        size -= n;
    }
    return SIGV4_CHUNKED_OK;
}

/* One chunk: header line, data, CRLF (none after the last, empty one).
 * previous holds the last signature and is advanced. */
static enum sigv4_chunked_status next_chunk(const struct sigv4_chunked *p,
                                            struct source *s,
                                            char previous[65],
                                            sigv4_chunked_sink_fn sink,
                                            void *sink_arg, uint64_t *size)
{
    char line[256];
    size_t len;
    struct str sent;
    if (!take_line(s, line, sizeof line, &len))
        return s->has_failed ? SIGV4_CHUNKED_STOPPED : SIGV4_CHUNKED_MALFORMED;
    if (!parse_chunk_header((struct str){ line, len }, size, &sent) ||
        p->is_signed != (sent.len > 0))
        return SIGV4_CHUNKED_MALFORMED;
    bool is_checked = p->is_signed && p->key;
    struct crypto_digest *hash =
        is_checked ? crypto_digest_new(CRYPTO_DIGEST_SHA256) : NULL;
    enum sigv4_chunked_status st = pass_data(s, *size, hash, sink, sink_arg);
    if (st != SIGV4_CHUNKED_OK) {
        crypto_digest_free(hash);
        return st;
    }
    if (is_checked) {
        uint8_t digest[CRYPTO_SHA256_LEN];
        char want[65];
        crypto_digest_final(hash, digest);
        sign_digest(p->key, p->date, p->scope, str_from(previous), digest,
                    want);
        if (!signature_ok(p, sent, want))
            return SIGV4_CHUNKED_SIGNATURE_MISMATCH;
        memcpy(previous, want, 65);
    }
    if (*size == 0)
        return SIGV4_CHUNKED_OK;
    while (s->end - s->start < 2 && fill(s))
        ;
    if (s->end - s->start < 2 || s->window[s->start] != '\r' ||
        s->window[s->start + 1] != '\n')
        return s->has_failed ? SIGV4_CHUNKED_STOPPED : SIGV4_CHUNKED_MALFORMED;
    s->start += 2;
    return SIGV4_CHUNKED_OK;
}

enum sigv4_chunked_status
sigv4_chunked_decode_stream(const struct sigv4_chunked *p,
                            sigv4_chunked_read_fn read, void *read_arg,
                            sigv4_chunked_sink_fn sink, void *sink_arg,
                            struct buf *trailers)
{
    char previous[65];
    if (!str_copy(p->seed_signature, previous, sizeof previous))
        return SIGV4_CHUNKED_MALFORMED;
    struct source *s = calloc(1, sizeof *s);
    if (s == NULL)
        abort();
    s->read = read;
    s->arg = read_arg;
    enum sigv4_chunked_status st;
    uint64_t size;
    do {
        st = next_chunk(p, s, previous, sink, sink_arg, &size);
    } while (st == SIGV4_CHUNKED_OK && size > 0);
    if (st == SIGV4_CHUNKED_OK && p->has_trailer) {
        /* The trailers end the body and are short: read them whole. */
        while (fill(s))
            ;
        if (s->has_failed)
            st = SIGV4_CHUNKED_STOPPED;
        else if (!s->is_eof)
            st = SIGV4_CHUNKED_MALFORMED;
        else
            st = read_trailers(p, (struct str){ s->window + s->start,
                                                s->end - s->start },
                               str_from(previous), trailers);
    }
    free(s);
    return st;
}

/* The in-memory form reads from a slice and appends to a buf. */
static long read_slice(void *arg, char *dst, size_t max)
{
    struct str *rest = arg;
    size_t n = rest->len < max ? rest->len : max;
    memcpy(dst, rest->ptr, n);
    rest->ptr += n;
    rest->len -= n;
    return (long)n;
}

static int append_payload(void *arg, const char *data, size_t len)
{
    struct buf *payload = arg;
    buf_append(payload, data, len);
    return buf_failed(payload) ? -1 : 0;
}

enum sigv4_chunked_status sigv4_chunked_decode(const struct sigv4_chunked *p,
                                               struct str body,
                                               struct buf *payload,
                                               struct buf *trailers)
{
    struct str rest = body;
    enum sigv4_chunked_status st = sigv4_chunked_decode_stream(
        p, read_slice, &rest, append_payload, payload, trailers);
    return st == SIGV4_CHUNKED_STOPPED ? SIGV4_CHUNKED_MALFORMED : st;
}
