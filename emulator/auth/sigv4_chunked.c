/* aws-chunked decoding and chunk-signature verification; see
 * sigv4_chunked.h. Each chunk is "hex-size[;chunk-signature=sig]\r\n",
 * the data, "\r\n"; the last has size 0 and is followed, with a trailer,
 * by "name:value\r\n" lines (the signed form ends them with
 * "x-amz-trailer-signature:sig\r\n") and an empty line. */
#include "auth/sigv4_chunked.h"

#include "auth/sigv4_internal.h"
#include "base/crypto.h"

#include <ctype.h>
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

void sigv4_chunked_sign(const uint8_t key[32], struct str date,
                        struct str scope, struct str previous,
                        struct str data, char out[65])
{
    uint8_t digest[CRYPTO_SHA256_LEN];
    char tail[sizeof EMPTY_SHA256 + 1 + 2 * CRYPTO_SHA256_LEN];
    crypto_sha256(data.ptr, data.len, digest);
    memcpy(tail, EMPTY_SHA256 "\n", sizeof EMPTY_SHA256);
    crypto_hex(digest, sizeof digest, tail + sizeof EMPTY_SHA256);
    sign(key, "AWS4-HMAC-SHA256-PAYLOAD", date, scope, previous, tail, out);
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

/* Cuts one CRLF-terminated line off the front of *rest; false if none. */
static bool take_line(struct str *rest, struct str *line)
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
static enum sigv4_chunked_status read_trailers(const struct sigv4_chunked *p,
                                               struct str rest,
                                               struct str previous,
                                               struct buf *trailers)
{
    struct str line;
    struct str trailer_sig = { "", 0 };
    bool has_sig = false;
    while (take_line(&rest, &line) && line.len > 0) {
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

enum sigv4_chunked_status sigv4_chunked_decode(const struct sigv4_chunked *p,
                                               struct str body,
                                               struct buf *payload,
                                               struct buf *trailers)
{
    char previous[65];
    if (!str_copy(p->seed_signature, previous, sizeof previous))
        return SIGV4_CHUNKED_MALFORMED;
    struct str rest = body;
    for (;;) {
        struct str line, sent;
        uint64_t size;
        if (!take_line(&rest, &line) ||
            !parse_chunk_header(line, &size, &sent) ||
            p->is_signed != (sent.len > 0) || size > rest.len)
            return SIGV4_CHUNKED_MALFORMED;
        struct str data = { rest.ptr, (size_t)size };
        if (p->is_signed && p->key) {
            char want[65];
            sigv4_chunked_sign(p->key, p->date, p->scope, str_from(previous),
                               data, want);
            if (!signature_ok(p, sent, want))
                return SIGV4_CHUNKED_SIGNATURE_MISMATCH;
            memcpy(previous, want, sizeof want);
        }
        buf_append(payload, data.ptr, data.len);
        rest.ptr += size;
        rest.len -= size;
        if (size == 0)
            break;
        if (rest.len < 2 || rest.ptr[0] != '\r' || rest.ptr[1] != '\n')
            return SIGV4_CHUNKED_MALFORMED;
        rest.ptr += 2;
        rest.len -= 2;
    }
    if (p->has_trailer)
        return read_trailers(p, rest, str_from(previous), trailers);
    return SIGV4_CHUNKED_OK;
}
