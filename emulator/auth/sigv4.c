/* SigV4 verification: rebuild the canonical request and string to sign
 * the way the client did, derive the signing key (cached in the caller's
 * verifier) and compare signatures in constant time. Parsing lives in
 * sigv4_parse.c; identities, region and service checks and AWS error
 * rendering belong to dispatch. See sigv4.h. */
#include "auth/sigv4.h"

#include "auth/sigv4_internal.h"
#include "base/crypto.h"
#include "base/mem.h"

#include <stdlib.h>
#include <string.h>

/* A query parameter, encoded for the canonical query. The offsets locate
 * it in the verifier's scratch buffer while that may still move. */
struct sigv4_param {
    size_t key_off;
    size_t value_off;
    struct str key;
    struct str value;
};

/* --- Canonical request -------------------------------------------------- */

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Byte order, shorter first on a tie: how AWS sorts query parameters. */
static int str_order(struct str a, struct str b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
    if (c != 0)
        return c;
    return (a.len > b.len) - (a.len < b.len);
}

/* Appends ch as SigV4's URI encoding: unreserved characters (and '/' in
 * paths) as they are, anything else as %XX with upper-case hex. */
static void put_encoded(struct buf *b, unsigned char ch, bool keep_slash)
{
    static const char digits[] = "0123456789ABCDEF";
    if (sigv4_is_unreserved(ch) || (keep_slash && ch == '/')) {
        buf_putc(b, (char)ch);
        return;
    }
    char esc[3] = { '%', digits[ch >> 4], digits[ch & 15] };
    buf_append(b, esc, sizeof esc);
}

/* How many bytes from s.ptr[from] on SigV4 encoding keeps as they are. */
static size_t plain_run(struct str s, size_t from, bool keep_slash)
{
    size_t i = from;
    while (i < s.len && (sigv4_is_unreserved((unsigned char)s.ptr[i]) ||
                         (keep_slash && s.ptr[i] == '/')))
        i++;
    return i - from;
}

/* Appends s URI-encoded, first decoding it once when is_decoding. Plain
 * runs go in whole, since this runs over every byte of every request. In
 * a path an escaped '/' stays escaped: "%2F" is a byte of the key, not a
 * separator, and the client signed it as such. */
static void put_uri(struct buf *b, struct str s, bool keep_slash,
                    bool is_decoding)
{
    size_t i = 0;
    while (i < s.len) {
        size_t n = plain_run(s, i, keep_slash);
        buf_append(b, s.ptr + i, n);
        i += n;
        if (i == s.len)
            break;
        bool is_escape = is_decoding && s.ptr[i] == '%';
        unsigned char ch = is_decoding ? sigv4_decode_at(s, &i)
                                       : (unsigned char)s.ptr[i++];
        put_encoded(b, ch, keep_slash && !is_escape);
    }
}

/* Drops the last "/segment" that out holds, for a ".." segment. buf has no
 * truncation, and shrinking len keeps its storage valid. */
static void drop_segment(struct buf *out)
{
    size_t len = out->len;
    while (len > 0 && out->data[len - 1] != '/')
        len--;
    if (len > 0)
        len--;
    out->len = len;
    if (out->data)
        out->data[len] = '\0';
}

/* Removes empty, "." and ".." segments from the wire path, as the AWS SDKs
 * do for every service but S3; a trailing '/' survives. */
static void normalize_path(struct str path, struct buf *out)
{
    bool has_trailing_slash = path.len > 0 && path.ptr[path.len - 1] == '/';
    struct str rest = path;
    buf_reset(out);
    while (rest.len) {
        struct str seg;
        str_cut(&rest, '/', &seg);
        if (seg.len == 0 || str_eq_cstr(seg, "."))
            continue;
        if (str_eq_cstr(seg, "..")) {
            drop_segment(out);
            continue;
        }
        buf_putc(out, '/');
        buf_append(out, seg.ptr, seg.len);
    }
    if (out->len == 0 || has_trailing_slash)
        buf_putc(out, '/');
}

/* S3 signs the object key as the client meant it: decode the wire path
 * once, encode it once, keep "//" and dots (they are part of keys). Other
 * services sign the normalised wire path encoded again, so an escape on
 * the wire appears double-encoded ("%20" signs as "%2520"). */
static void put_canonical_uri(struct sigv4_verifier *v,
                              const struct sigv4_request *req)
{
    struct buf *b = &v->canonical_request;
    if (req->path.len == 0) {
        buf_putc(b, '/');
        return;
    }
    if (req->is_s3) {
        put_uri(b, req->path, true, true);
        return;
    }
    normalize_path(req->path, &v->scratch);
    put_uri(b, (struct str){ buf_cstr(&v->scratch), v->scratch.len }, true,
            false);
}

static int param_order(const void *a, const void *b)
{
    const struct sigv4_param *x = a;
    const struct sigv4_param *y = b;
    int c = str_order(x->key, y->key);
    return c != 0 ? c : str_order(x->value, y->value);
}

static struct sigv4_param *next_param(struct sigv4_verifier *v, size_t n)
{
    if (n == v->params_cap) {
        v->params_cap = v->params_cap ? 2 * v->params_cap : 16;
        v->params = xrealloc(v->params, v->params_cap * sizeof *v->params);
    }
    return &v->params[n];
}

/* Encodes each parameter into scratch and sorts them by key, then value;
 * presigned requests leave out X-Amz-Signature, which cannot sign itself.
 * Returns the count, or -1 if scratch overflowed. */
static long sort_params(struct sigv4_verifier *v, const struct sigv4_auth *auth,
                        struct str query)
{
    struct buf *s = &v->scratch;
    struct str rest = query;
    size_t n = 0;
    buf_reset(s);
    while (rest.len) {
        struct str item;
        struct str key;
        str_cut(&rest, '&', &item);
        str_cut(&item, '=', &key);
        if (key.len == 0 && item.len == 0)
            continue;
        if (auth->form == SIGV4_FORM_QUERY &&
            str_eq_cstr(key, "X-Amz-Signature"))
            continue;
        struct sigv4_param *p = next_param(v, n++);
        p->key_off = s->len;
        put_uri(s, key, false, true);
        p->key.len = s->len - p->key_off;
        p->value_off = s->len;
        put_uri(s, item, false, true);
        p->value.len = s->len - p->value_off;
    }
    if (buf_failed(s))
        return -1;
    for (size_t i = 0; i < n; i++) {
        v->params[i].key.ptr = s->data + v->params[i].key_off;
        v->params[i].value.ptr = s->data + v->params[i].value_off;
    }
    if (n > 1)
        qsort(v->params, n, sizeof *v->params, param_order);
    return (long)n;
}

static void put_canonical_query(struct sigv4_verifier *v,
                                const struct sigv4_auth *auth,
                                struct str query)
{
    struct buf *b = &v->canonical_request;
    long n = sort_params(v, auth, query);
    if (n < 0) {
        b->failed = true;
        return;
    }
    for (long i = 0; i < n; i++) {
        if (i > 0)
            buf_putc(b, '&');
        buf_append(b, v->params[i].key.ptr, v->params[i].key.len);
        buf_putc(b, '=');
        buf_append(b, v->params[i].value.ptr, v->params[i].value.len);
    }
}

/* Whether value can go into the canonical request as it is: no byte at
 * or below ' ' (no blank to trim or fold), as nearly every value is. */
static bool is_plain_value(struct str value)
{
    unsigned char any_low = 0;
    for (size_t i = 0; i < value.len; i++)
        any_low |= (unsigned char)value.ptr[i] <= ' ';
    return !any_low;
}

/* Appends a header value trimmed, with each run of blanks (folded line
 * breaks included) turned into one space; words go in whole. */
static void put_header_value(struct buf *b, struct str value)
{
    if (is_plain_value(value)) {
        buf_append(b, value.ptr, value.len);
        return;
    }
    size_t i = 0;
    bool has_word = false;
    while (i < value.len) {
        while (i < value.len && is_space(value.ptr[i]))
            i++;
        size_t start = i;
        while (i < value.len && !is_space(value.ptr[i]))
            i++;
        if (i == start)
            break;
        if (has_word)
            buf_putc(b, ' ');
        buf_append(b, value.ptr + start, i - start);
        has_word = true;
    }
}

/* One "name:value\n" line per signed header, in SignedHeaders' order;
 * repeated headers join with ',' in arrival order. */
static void put_canonical_headers(struct buf *b, const struct sigv4_auth *auth,
                                  const struct sigv4_request *req)
{
    struct str rest = auth->signed_headers;
    while (rest.len) {
        struct str name;
        bool is_first = true;
        str_cut(&rest, ';', &name);
        buf_append(b, name.ptr, name.len);
        buf_putc(b, ':');
        for (size_t i = 0; i < req->header_count; i++) {
            /* The length first, without a call: most names differ in it. */
            if (req->headers[i].name.len != name.len ||
                !str_eq_nocase(req->headers[i].name, name))
                continue;
            if (!is_first)
                buf_putc(b, ',');
            put_header_value(b, req->headers[i].value);
            is_first = false;
        }
        buf_putc(b, '\n');
    }
}

static void build_canonical_request(struct sigv4_verifier *v,
                                    const struct sigv4_auth *auth,
                                    const struct sigv4_request *req)
{
    struct buf *b = &v->canonical_request;
    buf_reset(b);
    buf_append(b, req->method.ptr, req->method.len);
    buf_putc(b, '\n');
    put_canonical_uri(v, req);
    buf_putc(b, '\n');
    put_canonical_query(v, auth, req->query);
    buf_putc(b, '\n');
    put_canonical_headers(b, auth, req);
    buf_putc(b, '\n');
    buf_append(b, auth->signed_headers.ptr, auth->signed_headers.len);
    buf_putc(b, '\n');
    buf_append(b, req->payload_hash.ptr, req->payload_hash.len);
}

static void build_string_to_sign(struct sigv4_verifier *v,
                                 const struct sigv4_auth *auth)
{
    uint8_t digest[CRYPTO_SHA256_LEN];
    char hex[2 * CRYPTO_SHA256_LEN + 1];
    struct buf *b = &v->string_to_sign;
    crypto_sha256(v->canonical_request.data, v->canonical_request.len, digest);
    crypto_hex(digest, sizeof digest, hex);
    buf_reset(b);
    buf_puts(b, SIGV4_ALGORITHM "\n");
    buf_append(b, auth->date.ptr, auth->date.len);
    buf_putc(b, '\n');
    buf_append(b, auth->scope.ptr, auth->scope.len);
    buf_putc(b, '\n');
    buf_append(b, hex, 2 * CRYPTO_SHA256_LEN);
}

/* --- Keys, time and the verdict ----------------------------------------- */

void sigv4_signing_key(struct str secret, struct str date, struct str region,
                       struct str service, uint8_t out[32])
{
    char local[4 + SIGV4_KEY_CACHE_SECRET_MAX];
    size_t n = 4 + secret.len;
    char *seed = n <= sizeof local ? local : xmalloc(n);
    uint8_t k1[CRYPTO_SHA256_LEN];
    uint8_t k2[CRYPTO_SHA256_LEN];
    memcpy(seed, "AWS4", 4);
    if (secret.len)
        memcpy(seed + 4, secret.ptr, secret.len);
    crypto_hmac_sha256(seed, n, date.ptr, date.len, k1);
    if (seed != local)
        free(seed);
    crypto_hmac_sha256(k1, sizeof k1, region.ptr, region.len, k2);
    crypto_hmac_sha256(k2, sizeof k2, service.ptr, service.len, k1);
    crypto_hmac_sha256(k1, sizeof k1, SIGV4_TERMINATOR,
                       strlen(SIGV4_TERMINATOR), out);
}

static bool slot_matches(const struct sigv4_key_slot *slot, struct str scope,
                         struct str secret)
{
    return slot->scope_len == scope.len && slot->secret_len == secret.len &&
           memcmp(slot->scope, scope.ptr, scope.len) == 0 &&
           crypto_equal(slot->secret, secret.ptr, secret.len);
}

/* The signing key for auth's scope and secret, set up for HMAC, from the
 * verifier's cache when it is there; the key is a function of the scope
 * and secret alone, so it is valid for a whole day. */
static void signing_key(struct sigv4_verifier *v, const struct sigv4_auth *auth,
                        struct str secret, struct crypto_hmac_key *out)
{
    bool is_cacheable = auth->scope.len <= SIGV4_KEY_CACHE_SCOPE_MAX &&
                        secret.len <= SIGV4_KEY_CACHE_SECRET_MAX;
    if (is_cacheable) {
        for (size_t i = 0; i < SIGV4_KEY_CACHE_SLOTS; i++) {
            if (slot_matches(&v->keys[i], auth->scope, secret)) {
                *out = v->keys[i].key;
                return;
            }
        }
    }
    uint8_t key[CRYPTO_SHA256_LEN];
    sigv4_signing_key(secret, auth->scope_date, auth->region, auth->service,
                      key);
    crypto_hmac_key_init(out, key, sizeof key);
    if (!is_cacheable)
        return;
    struct sigv4_key_slot *slot = &v->keys[v->next_slot];
    v->next_slot = (v->next_slot + 1) % SIGV4_KEY_CACHE_SLOTS;
    memcpy(slot->scope, auth->scope.ptr, auth->scope.len);
    slot->scope_len = auth->scope.len;
    if (secret.len)
        memcpy(slot->secret, secret.ptr, secret.len);
    slot->secret_len = secret.len;
    slot->key = *out;
}

/* Header form: within SIGV4_MAX_SKEW_MS either way. Presigned: not from
 * the future beyond the same skew, and not past its expiry. */
static enum sigv4_status check_time(const struct sigv4_auth *auth,
                                    int64_t now_ms)
{
    int64_t ahead = auth->date_ms - now_ms;
    if (ahead > SIGV4_MAX_SKEW_MS)
        return SIGV4_SKEWED;
    if (auth->form == SIGV4_FORM_QUERY)
        return now_ms - auth->date_ms > auth->expires_s * 1000
                   ? SIGV4_EXPIRED
                   : SIGV4_OK;
    return -ahead > SIGV4_MAX_SKEW_MS ? SIGV4_SKEWED : SIGV4_OK;
}

/* Compares the sent hex signature with mac's hex. Upper-case digits are
 * folded to lower case without branching on them: a branch per digit of a
 * random signature mispredicts half the time, and the comparison stays
 * constant time. Anything else simply does not match. */
static bool signature_matches(struct str sent, const uint8_t mac[32])
{
    char expected[2 * CRYPTO_SHA256_LEN + 1];
    char folded[2 * CRYPTO_SHA256_LEN];
    if (sent.len != sizeof folded)
        return false;
    crypto_hex(mac, CRYPTO_SHA256_LEN, expected);
    for (size_t i = 0; i < sizeof folded; i++) {
        unsigned char ch = (unsigned char)sent.ptr[i];
        folded[i] = (char)(ch + 32 * ((unsigned)(ch - 'A') < 6u));
    }
    return crypto_equal(folded, expected, sizeof folded);
}

enum sigv4_status sigv4_verify(struct sigv4_verifier *v,
                               const struct sigv4_auth *auth,
                               const struct sigv4_request *req,
                               struct str secret, int64_t now_ms)
{
    struct crypto_hmac_key key;
    uint8_t mac[CRYPTO_SHA256_LEN];
    enum sigv4_status st = check_time(auth, now_ms);
    if (st != SIGV4_OK)
        return st;
    build_canonical_request(v, auth, req);
    build_string_to_sign(v, auth);
    if (buf_failed(&v->canonical_request) || buf_failed(&v->string_to_sign))
        return SIGV4_SIGNATURE_MISMATCH;
    signing_key(v, auth, secret, &key);
    crypto_hmac_keyed(&key, v->string_to_sign.data, v->string_to_sign.len,
                      mac);
    return signature_matches(auth->signature, mac) ? SIGV4_OK
                                                   : SIGV4_SIGNATURE_MISMATCH;
}

void sigv4_verifier_init(struct sigv4_verifier *v)
{
    buf_init(&v->canonical_request, SIGV4_MAX_CANONICAL_BYTES);
    buf_init(&v->string_to_sign, SIGV4_MAX_CANONICAL_BYTES);
    buf_init(&v->scratch, SIGV4_MAX_CANONICAL_BYTES);
    v->params = NULL;
    v->params_cap = 0;
    memset(v->keys, 0, sizeof v->keys);
    v->next_slot = 0;
}

void sigv4_verifier_clear(struct sigv4_verifier *v)
{
    buf_clear(&v->canonical_request);
    buf_clear(&v->string_to_sign);
    buf_clear(&v->scratch);
    free(v->params);
    v->params = NULL;
    v->params_cap = 0;
    /* volatile so the wipe of secrets is not optimised away. */
    volatile unsigned char *p = (volatile unsigned char *)v->keys;
    for (size_t i = 0; i < sizeof v->keys; i++)
        p[i] = 0;
    v->next_slot = 0;
}
