/* S3 listings: ListObjectsV2, ListObjects (v1, marker) and
 * ListObjectVersions (as for an unversioned bucket). One engine walks the
 * bucket in key order (UTF-8 binary, as S3 lists), rolls keys up into
 * CommonPrefixes at the delimiter, skipping past each prefix in one seek,
 * and counts keys and prefixes together against max-keys. */
#include "s3/s3.h"
#include "s3/s3_internal.h"

#include "base/buf.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/mem.h"
#include "base/xml.h"
#include "http/call.h"
#include "state.h"
#include "store/store_s3.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum list_kind { LIST_V1, LIST_V2, LIST_VERSIONS };

struct listing {
    struct call *c;
    enum list_kind kind;
    const char *prefix;
    size_t prefix_len;
    const char *delimiter; /* NULL or "" when none */
    long max_keys;
    bool is_url;
    bool has_owner;
    struct buf from;       /* where the next scan starts */
    bool is_inclusive;
    const char *marker;    /* exclusive lower bound the client gave */
    /* Results. */
    long count;
    bool is_truncated;
    struct buf next;       /* the first item not returned (v2 token) */
    struct buf last;       /* the last item returned (v1 NextMarker) */
    struct buf contents;   /* <Contents> or <Version> elements */
    struct buf prefixes;   /* <CommonPrefixes> elements */
    bool must_reseek;      /* the scan stopped at a common prefix */
};

/* Sets out to the smallest byte string above every string starting with
 * p: p with trailing 0xFF bytes dropped and the last byte incremented.
 * False when there is none (p is all 0xFF). */
static bool prefix_end(const char *p, size_t len, struct buf *out)
{
    while (len > 0 && (unsigned char)p[len - 1] == 0xFF)
        len--;
    if (len == 0)
        return false;
    buf_reset(out);
    buf_append(out, p, len);
    out->data[len - 1] = (char)((unsigned char)p[len - 1] + 1);
    return true;
}

/* The first occurrence of needle (n > 0 bytes) in hay, or NULL. */
static const char *find(const char *hay, size_t len, const char *needle,
                        size_t n)
{
    for (size_t i = 0; i + n <= len; i++) {
        if (hay[i] == needle[0] && memcmp(hay + i, needle, n) == 0)
            return hay + i;
    }
    return NULL;
}

static bool is_at_or_before_marker(const struct listing *l, const char *s,
                                   size_t len)
{
    if (l->marker == NULL)
        return false;
    size_t m = strlen(l->marker);
    int cmp = memcmp(s, l->marker, len < m ? len : m);
    return cmp < 0 || (cmp == 0 && len <= m);
}

static void write_entry(struct listing *l, const struct store_s3_object *o)
{
    struct buf *b = &l->contents;
    char date[32];
    s3_format_iso8601(o->modified_ms, date);
    buf_puts(b, l->kind == LIST_VERSIONS ? "<Version>" : "<Contents>");
    s3_xml_key(b, "Key", o->key, o->key_len, l->is_url);
    if (l->kind == LIST_VERSIONS) {
        xml_write_element(b, "VersionId", "null");
        xml_write_element(b, "IsLatest", "true");
    }
    xml_write_element(b, "LastModified", date);
    xml_write_element(b, "ETag", o->etag);
    if (o->checksum_algo)
        xml_write_element(b, "ChecksumAlgorithm", o->checksum_algo);
    s3_xml_int(b, "Size", o->size);
    xml_write_element(b, "StorageClass", "STANDARD");
    if (l->has_owner)
        s3_write_owner(l->c, b);
    buf_puts(b, l->kind == LIST_VERSIONS ? "</Version>" : "</Contents>");
}

/* Stops the page at the item starting at key: it is the first one left. */
static int stop_full(struct listing *l, const struct store_s3_object *o)
{
    l->is_truncated = true;
    buf_reset(&l->next);
    buf_append(&l->next, o->key, o->key_len);
    return 1;
}

static int on_object(const struct store_s3_object *o, void *p)
{
    struct listing *l = p;
    size_t dlen = l->delimiter ? strlen(l->delimiter) : 0;
    const char *cut = NULL;
    if (dlen) {
        const char *rest = o->key + l->prefix_len;
        size_t rest_len = o->key_len - l->prefix_len;
        cut = find(rest, rest_len, l->delimiter, dlen);
    }
    if (cut == NULL) {
        if (l->count == l->max_keys)
            return stop_full(l, o);
        write_entry(l, o);
        l->count++;
        buf_reset(&l->last);
        buf_append(&l->last, o->key, o->key_len);
        return 0;
    }
    size_t cp_len = (size_t)(cut - o->key) + dlen;
    if (!is_at_or_before_marker(l, o->key, cp_len)) {
        if (l->count == l->max_keys)
            return stop_full(l, o);
        buf_puts(&l->prefixes, "<CommonPrefixes>");
        s3_xml_key(&l->prefixes, "Prefix", o->key, cp_len, l->is_url);
        buf_puts(&l->prefixes, "</CommonPrefixes>");
        l->count++;
        buf_reset(&l->last);
        buf_append(&l->last, o->key, cp_len);
    }
    /* Skip every other key under this prefix with one seek. */
    l->must_reseek = prefix_end(o->key, cp_len, &l->from);
    l->is_inclusive = true;
    if (!l->must_reseek)
        l->is_truncated = false;
    return 1;
}

static enum store_result scan(struct store_tx *tx, void *p)
{
    struct listing *l = p;
    const char *bucket = s3_bucket_name(l->c);
    enum store_result r = s3_bucket_exists(tx, bucket);
    if (r != STORE_OK)
        return r;
    if (l->max_keys == 0)
        return STORE_OK;
    do {
        l->must_reseek = false;
        r = store_s3_object_scan(tx, bucket, buf_cstr(&l->from), l->from.len,
                                 l->is_inclusive, l->prefix, l->prefix_len,
                                 on_object, l);
    } while (r == STORE_OK && l->must_reseek && !l->is_truncated);
    return r;
}

static int parse_max_keys(struct call *c, long *out)
{
    const char *v = s3_param(c, "max-keys");
    *out = S3_MAX_KEYS;
    if (v == NULL)
        return 0;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (*v == '\0' || *end || errno || n < 0 || n > INT32_MAX)
        return call_fail(c, AWS_ERR_S3_INVALID_ARGUMENT, "Provided max-keys "
                         "not an integer or within integer range");
    *out = n < S3_MAX_KEYS ? n : S3_MAX_KEYS;
    return 0;
}

static void listing_init(struct listing *l, struct call *c,
                         enum list_kind kind)
{
    memset(l, 0, sizeof *l);
    l->c = c;
    l->kind = kind;
    buf_init(&l->from, 0);
    buf_init(&l->next, 0);
    buf_init(&l->last, 0);
    buf_init(&l->contents, 0);
    buf_init(&l->prefixes, 0);
}

static void listing_clear(struct listing *l)
{
    buf_clear(&l->from);
    buf_clear(&l->next);
    buf_clear(&l->last);
    buf_clear(&l->contents);
    buf_clear(&l->prefixes);
}

/* Reads the common parameters, runs the scan; -1 with the error recorded. */
static int run_listing(struct call *c, struct listing *l, long *max_asked)
{
    const char *enc = s3_param(c, "encoding-type");
    if (enc && strcmp(enc, "url") != 0)
        return call_fail(c, AWS_ERR_S3_INVALID_ARGUMENT, "Invalid Encoding "
                         "Method specified in Request");
    l->is_url = enc != NULL;
    l->prefix = s3_param(c, "prefix");
    l->prefix = l->prefix ? l->prefix : "";
    l->prefix_len = strlen(l->prefix);
    l->delimiter = s3_param(c, "delimiter");
    if (l->delimiter && l->delimiter[0] == '\0')
        l->delimiter = NULL;
    if (parse_max_keys(c, &l->max_keys) < 0)
        return -1;
    const char *asked = s3_param(c, "max-keys");
    *max_asked = asked ? strtol(asked, NULL, 10) : S3_MAX_KEYS;
    if (l->from.len == 0 && l->marker) {
        buf_puts(&l->from, l->marker);
        l->is_inclusive = false;
    }
    enum store_result r = store_read(c->emu->store, scan, l);
    if (r == STORE_NOT_FOUND)
        return s3_fail_no_bucket(c, s3_bucket_name(c));
    return r == STORE_OK ? 0 : s3_fail_store(c);
}

static void put_text(struct listing *l, const char *name, const char *v)
{
    if (v)
        s3_xml_key(&l->c->out, name, v, strlen(v), l->is_url);
}

static void put_results(struct listing *l)
{
    buf_append(&l->c->out, l->contents.data ? l->contents.data : "",
               l->contents.len);
    buf_append(&l->c->out, l->prefixes.data ? l->prefixes.data : "",
               l->prefixes.len);
}

int s3_list_objects(struct call *c)
{
    struct listing l;
    listing_init(&l, c, LIST_V1);
    l.has_owner = true;
    l.marker = s3_param(c, "marker");
    long asked;
    int rc = run_listing(c, &l, &asked);
    if (rc == 0) {
        struct buf *b = &c->out;
        s3_xml_open(c, "ListBucketResult");
        xml_write_element(b, "Name", s3_bucket_name(c));
        put_text(&l, "Prefix", l.prefix);
        put_text(&l, "Marker", l.marker ? l.marker : "");
        /* S3 returns NextMarker only when a delimiter was given. */
        if (l.is_truncated && l.delimiter)
            s3_xml_key(b, "NextMarker", buf_cstr(&l.last), l.last.len,
                       l.is_url);
        s3_xml_int(b, "MaxKeys", asked);
        put_text(&l, "Delimiter", l.delimiter);
        if (l.is_url)
            xml_write_element(b, "EncodingType", "url");
        xml_write_element(b, "IsTruncated", l.is_truncated ? "true"
                                                           : "false");
        put_results(&l);
        s3_xml_close(c, "ListBucketResult");
    }
    listing_clear(&l);
    return rc;
}

/* Continuation tokens are opaque to clients: base64 of where the next page
 * starts. */
static int decode_token(struct call *c, const char *token, struct buf *out)
{
    if (crypto_base64_decode(token, strlen(token), out) < 0 || out->len == 0)
        return call_fail(c, AWS_ERR_S3_INVALID_ARGUMENT, "The continuation "
                         "token provided is incorrect");
    return 0;
}

int s3_list_objects_v2(struct call *c)
{
    struct listing l;
    listing_init(&l, c, LIST_V2);
    const char *fetch = s3_param(c, "fetch-owner");
    l.has_owner = fetch && strcmp(fetch, "true") == 0;
    const char *token = s3_param(c, "continuation-token");
    const char *start_after = s3_param(c, "start-after");
    long asked;
    int rc = 0;
    if (token) {
        rc = decode_token(c, token, &l.from);
        l.is_inclusive = true;
    } else {
        l.marker = start_after;
    }
    if (rc == 0)
        rc = run_listing(c, &l, &asked);
    if (rc == 0) {
        struct buf *b = &c->out;
        s3_xml_open(c, "ListBucketResult");
        xml_write_element(b, "Name", s3_bucket_name(c));
        put_text(&l, "Prefix", l.prefix);
        put_text(&l, "Delimiter", l.delimiter);
        s3_xml_int(b, "MaxKeys", asked);
        if (l.is_url)
            xml_write_element(b, "EncodingType", "url");
        s3_xml_int(b, "KeyCount", l.count);
        xml_write_element(b, "IsTruncated", l.is_truncated ? "true"
                                                           : "false");
        if (token)
            xml_write_element(b, "ContinuationToken", token);
        if (l.is_truncated) {
            struct buf t;
            buf_init(&t, 0);
            crypto_base64_encode(l.next.data, l.next.len, &t);
            xml_write_element(b, "NextContinuationToken", buf_cstr(&t));
            buf_clear(&t);
        }
        put_text(&l, "StartAfter", start_after);
        put_results(&l);
        s3_xml_close(c, "ListBucketResult");
    }
    listing_clear(&l);
    return rc;
}

int s3_list_object_versions(struct call *c)
{
    struct listing l;
    listing_init(&l, c, LIST_VERSIONS);
    l.has_owner = true;
    l.marker = s3_param(c, "key-marker");
    long asked;
    int rc = run_listing(c, &l, &asked);
    if (rc == 0) {
        struct buf *b = &c->out;
        s3_xml_open(c, "ListVersionsResult");
        xml_write_element(b, "Name", s3_bucket_name(c));
        put_text(&l, "Prefix", l.prefix);
        put_text(&l, "KeyMarker", l.marker ? l.marker : "");
        xml_write_element(b, "VersionIdMarker", "");
        if (l.is_truncated) {
            s3_xml_key(b, "NextKeyMarker", buf_cstr(&l.last), l.last.len,
                       l.is_url);
            xml_write_element(b, "NextVersionIdMarker", "null");
        }
        s3_xml_int(b, "MaxKeys", asked);
        put_text(&l, "Delimiter", l.delimiter);
        if (l.is_url)
            xml_write_element(b, "EncodingType", "url");
        xml_write_element(b, "IsTruncated", l.is_truncated ? "true"
                                                           : "false");
        put_results(&l);
        s3_xml_close(c, "ListVersionsResult");
    }
    listing_clear(&l);
    return rc;
}
