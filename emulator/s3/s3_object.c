/* S3 object operations: PutObject (Content-MD5, checksums, If-None-Match:
 * *), GetObject and HeadObject (Range, conditional headers, response-*
 * overrides, ChecksumMode), DeleteObject, DeleteObjects and CopyObject
 * (metadata directive, copy-source conditions). Each write runs in one
 * store transaction, so an object is seen whole or not at all; bodies move
 * in pieces (s3_body.c), so their size is not bounded by memory. */
#include "s3/s3.h"
#include "s3/s3_internal.h"

#include "base/buf.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/mem.h"
#include "base/xml.h"
#include "http/authz.h"
#include "http/call.h"
#include "s3/s3_xml.h"
#include "state.h"
#include "store/store_s3.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_CONTENT_TYPE "binary/octet-stream"


/* Whether an If-Match/If-None-Match list ("*", or quoted ETags separated
 * by commas, optionally weak) names etag. */
static bool etag_matches(const char *list, const char *etag)
{
    const char *bare = etag[0] == '"' ? etag + 1 : etag;
    size_t bare_len = strlen(bare) - (bare != etag);
    const char *p = list;
    while (*p) {
        p += strspn(p, " \t,");
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        if (*p == '*')
            return true;
        bool is_quoted = *p == '"';
        p += is_quoted;
        size_t n = strcspn(p, is_quoted ? "\"" : " \t,");
        if (n == bare_len && strncmp(p, bare, n) == 0)
            return true;
        p += n;
        p += *p == '"';
    }
    return false;
}

static int fail_precondition(struct call *c, const char *condition)
{
    call_fail(c, AWS_ERR_S3_PRECONDITION_FAILED, "At least one of the "
              "pre-conditions you specified did not hold");
    s3_detail(c, "Condition", condition);
    return -1;
}

static bool is_before(const char *date, int64_t modified_ms, bool *is_valid)
{
    int64_t ms;
    *is_valid = date && s3_parse_http_date(date, &ms) == 0;
    return *is_valid && modified_ms / 1000 > ms / 1000;
}

/* The four conditional headers, as sent to GetObject and HeadObject and
 * as sent to CopyObject about its source. */
struct condition_names {
    const char *if_match;
    const char *if_unmodified_since;
    const char *if_none_match;
    const char *if_modified_since;
};

static const struct condition_names read_conditions = {
    "If-Match", "If-Unmodified-Since", "If-None-Match", "If-Modified-Since",
};

static const struct condition_names copy_conditions = {
    "x-amz-copy-source-If-Match", "x-amz-copy-source-If-Unmodified-Since",
    "x-amz-copy-source-If-None-Match", "x-amz-copy-source-If-Modified-Since",
};

/* RFC 7232 section 6 as S3 applies it: If-Match, else If-Unmodified-Since
 * (412); then If-None-Match, else If-Modified-Since (304). For a copy's
 * source every failure is a 412. */
static int check_conditions(struct call *c, const struct condition_names *h,
                            const struct store_s3_object *o)
{
    bool is_copy = h == &copy_conditions;
    bool is_valid;
    const char *if_match = call_header(c, h->if_match);
    if (if_match && !etag_matches(if_match, o->etag))
        return fail_precondition(c, "If-Match");
    if (if_match == NULL && is_before(call_header(c, h->if_unmodified_since),
                                      o->modified_ms, &is_valid))
        return fail_precondition(c, "If-Unmodified-Since");
    const char *if_none = call_header(c, h->if_none_match);
    bool is_unmodified = false;
    if (if_none) {
        is_unmodified = etag_matches(if_none, o->etag);
    } else {
        const char *since = call_header(c, h->if_modified_since);
        is_unmodified = !is_before(since, o->modified_ms, &is_valid) &&
                        is_valid;
    }
    if (!is_unmodified)
        return 0;
    if (is_copy)
        return fail_precondition(c, if_none ? "If-None-Match"
                                            : "If-Modified-Since");
    return call_fail(c, AWS_ERR_S3_NOT_MODIFIED, "Not Modified");
}

/* --- PutObject ---------------------------------------------------------- */

struct put_arg {
    struct call *c;
    const char *bucket;
    struct store_s3_object o;
    bool is_if_none_match;   /* If-None-Match: * */
    const char *if_match;    /* If-Match on a write */
};

static enum store_result put_object(struct store_tx *tx, void *p)
{
    struct put_arg *a = p;
    enum store_result r = s3_bucket_exists(tx, a->bucket);
    if (r != STORE_OK)
        return r;
    if (a->is_if_none_match || a->if_match) {
        struct store_s3_object old;
        r = store_s3_object_get(tx, a->bucket, a->o.key, a->o.key_len, &old);
        bool is_present = r == STORE_OK;
        bool is_match = is_present && a->if_match &&
                        etag_matches(a->if_match, old.etag);
        store_s3_object_clear(&old);
        if (r == STORE_ERROR)
            return r;
        if (a->if_match && !is_present) {
            s3_fail_no_key(a->c, a->o.key);
            return STORE_ABORT;
        }
        if ((a->is_if_none_match && is_present) || (a->if_match && !is_match)) {
            fail_precondition(a->c, a->if_match ? "If-Match"
                                                : "If-None-Match");
            return STORE_ABORT;
        }
    }
    struct store_s3_writer w;
    store_s3_writer_init(&w);
    r = s3_body_store(tx, a->c, a->c->body, a->c->body_len, &w,
                      S3_CHECKSUM_NONE, NULL);
    a->o.body = w.body;
    store_s3_writer_clear(&w);
    return r == STORE_OK ? store_s3_object_put_body(tx, a->bucket, &a->o) : r;
}

/* Maps a write's store result to the call's outcome. */
static int finish_write(struct call *c, enum store_result r)
{
    if (r == STORE_OK)
        return 0;
    if (r == STORE_NOT_FOUND)
        return s3_fail_no_bucket(c, s3_bucket_name(c));
    if (r == STORE_ABORT)
        return -1;
    return s3_fail_store(c);
}

static int write_conditions(struct call *c, struct put_arg *a)
{
    const char *if_none = call_header(c, "If-None-Match");
    if (if_none && strcmp(if_none, "*") != 0) {
        call_fail(c, AWS_ERR_S3_NOT_IMPLEMENTED, "A header you provided "
                  "implies functionality that is not implemented");
        s3_detail(c, "Header", "If-None-Match");
        return -1;
    }
    a->is_if_none_match = if_none != NULL;
    a->if_match = call_header(c, "If-Match");
    return 0;
}

/* The size of the request body; EntityTooLarge past S3_MAX_PUT_BYTES. */
int s3_body_size(struct call *c, int64_t *size)
{
    *size = c->body_fd >= 0 ? (int64_t)c->body_fd_len : (int64_t)c->body_len;
    if (*size <= S3_MAX_PUT_BYTES)
        return 0;
    call_fail(c, AWS_ERR_REQUEST_TOO_LARGE, "Your proposed upload exceeds "
              "the maximum allowed size");
    char n[32];
    snprintf(n, sizeof n, "%lld", (long long)*size);
    s3_detail(c, "ProposedSize", n);
    snprintf(n, sizeof n, "%lld", (long long)S3_MAX_PUT_BYTES);
    s3_detail(c, "MaxSizeAllowed", n);
    return -1;
}

int s3_put_object(struct call *c)
{
    enum s3_checksum algo;
    char checksum[48], etag[35];
    int64_t size;
    struct put_arg a = { .c = c, .bucket = s3_bucket_name(c) };
    if (s3_check_key(c) < 0 || s3_body_size(c, &size) < 0 ||
        write_conditions(c, &a) < 0 ||
        s3_check_body(c, c->body, c->body_len, &algo, checksum, etag) < 0)
        return -1;
    char *meta = s3_meta_from_request(c);
    a.o = (struct store_s3_object){
        .key = s3_key(c),
        .key_len = strlen(s3_key(c)),
        .size = size,
        .etag = etag,
        .modified_ms = clock_now_ms(&c->emu->clock),
        .content_type = call_header(c, "Content-Type"),
        .meta = meta,
        .checksum_algo = s3_checksum_name(algo),
        .checksum = algo ? checksum : NULL,
    };
    int rc = finish_write(c, store_write(c->emu->store, put_object, &a));
    free(meta);
    if (rc < 0)
        return -1;
    call_add_header(c, "ETag", etag);
    s3_checksum_to_response(c, a.o.checksum_algo, a.o.checksum);
    c->content_type = NULL;
    return 0;
}

/* --- GetObject and HeadObject ------------------------------------------ */

struct range {
    bool is_set;
    int64_t first;
    int64_t last; /* inclusive */
};

/* Parses Range: bytes=a-b | a- | -n against size. An unparsable range or
 * a list of ranges is ignored, as S3 does (it serves one range at most);
 * -1 with InvalidRange when the range cannot be satisfied. */
static int parse_range(struct call *c, const char *h, int64_t size,
                       struct range *r)
{
    r->is_set = false;
    if (h == NULL || strncmp(h, "bytes=", 6) != 0 || strchr(h, ','))
        return 0;
    const char *p = h + 6;
    char *end;
    long long first = -1, last = -1;
    errno = 0;
    if (*p != '-') {
        first = strtoll(p, &end, 10);
        if (end == p || *end != '-' || first < 0)
            return 0;
        p = end;
    }
    p++;
    if (*p) {
        last = strtoll(p, &end, 10);
        if (*end || last < 0 || errno)
            return 0;
    }
    if (first < 0 && last < 0)
        return 0;
    if (first >= 0 && last >= 0 && last < first)
        return 0;
    if (first < 0) {
        first = last >= size ? 0 : size - last;
        last = size - 1;
        if (first > last || size == 0)
            goto unsatisfiable;
    } else if (first >= size) {
        goto unsatisfiable;
    } else if (last < 0 || last >= size) {
        last = size - 1;
    }
    *r = (struct range){ true, first, last };
    return 0;
unsatisfiable:
    call_fail(c, AWS_ERR_S3_INVALID_RANGE, "The requested range is not "
              "satisfiable");
    char n[32];
    s3_detail(c, "RangeRequested", h);
    snprintf(n, sizeof n, "%lld", (long long)size);
    s3_detail(c, "ActualObjectSize", n);
    return -1;
}

/* The six headers a presigned GET may override with response-*. */
static const char *const overrides[][2] = {
    { "response-cache-control", "Cache-Control" },
    { "response-content-disposition", "Content-Disposition" },
    { "response-content-encoding", "Content-Encoding" },
    { "response-content-language", "Content-Language" },
    { "response-expires", "Expires" },
};

static bool has_override(const struct call *c)
{
    for (size_t i = 0; i < sizeof overrides / sizeof overrides[0]; i++) {
        if (s3_param(c, overrides[i][0]))
            return true;
    }
    return false;
}

/* The stored headers (meta: JSON text, may be NULL), with the response-*
 * overrides in their place. */
static void meta_headers(struct call *c, const char *stored)
{
    if (!has_override(c)) {
        s3_meta_to_response(c, stored);
        return;
    }
    cJSON *meta = stored ? json_parse(stored, strlen(stored)) : NULL;
    if (meta == NULL)
        meta = cJSON_CreateObject();
    for (size_t i = 0; i < sizeof overrides / sizeof overrides[0]; i++) {
        const char *v = s3_param(c, overrides[i][0]);
        if (v == NULL)
            continue;
        cJSON_DeleteItemFromObjectCaseSensitive(meta, overrides[i][1]);
        cJSON_AddStringToObject(meta, overrides[i][1], v);
    }
    const cJSON *item;
    cJSON_ArrayForEach(item, meta) {
        if (cJSON_IsString(item))
            call_add_header(c, item->string, item->valuestring);
    }
    cJSON_Delete(meta);
}

static void object_headers(struct call *c, const struct store_s3_object *o)
{
    char date[40];
    s3_format_http_date(o->modified_ms, date);
    call_add_header(c, "ETag", o->etag);
    call_add_header(c, "Last-Modified", date);
    call_add_header(c, "Accept-Ranges", "bytes");
    const char *type = s3_param(c, "response-content-type");
    call_add_header(c, "Content-Type", type ? type : o->content_type
                                                  ? o->content_type
                                                  : DEFAULT_CONTENT_TYPE);
    c->content_type = NULL;
    meta_headers(c, o->meta);
    if (o->parts > 0 && s3_param(c, "partNumber")) {
        char n[32];
        snprintf(n, sizeof n, "%lld", (long long)o->parts);
        call_add_header(c, "x-amz-mp-parts-count", n);
    }
}

/* Points c->out at a fresh len-byte buffer for the body to be read into. */
static char *reserve_body(struct call *c, size_t len)
{
    buf_clear(&c->out);
    buf_init(&c->out, len + 1);
    c->out.data = xmalloc(len + 1);
    c->out.cap = len + 1;
    c->out.len = len;
    c->out.data[len] = '\0';
    return c->out.data;
}

struct get_arg {
    struct call *c;
    bool is_head;
    bool is_missing_key; /* the bucket is there, the key is not */
};

static enum store_result get_in_tx(struct store_tx *tx, struct get_arg *a,
                                   struct store_s3_object *o)
{
    struct call *c = a->c;
    bool is_head = a->is_head;
    a->is_missing_key = false; /* the store may run this more than once */
    const char *bucket = s3_bucket_name(c);
    const char *key = s3_key(c);
    enum store_result r = store_s3_object_get(tx, bucket, key, strlen(key), o);
    if (r == STORE_NOT_FOUND) {
        r = s3_bucket_exists(tx, bucket);
        a->is_missing_key = r == STORE_OK;
        if (r == STORE_NOT_FOUND)
            s3_fail_no_bucket(c, bucket);
        return r == STORE_ERROR ? r : STORE_ABORT;
    }
    if (r != STORE_OK)
        return r;
    object_headers(c, o);
    struct range range;
    if (check_conditions(c, &read_conditions, o) < 0 ||
        parse_range(c, call_header(c, "Range"), o->size, &range) < 0)
        return STORE_ABORT;
    int64_t first = range.is_set ? range.first : 0;
    int64_t len = range.is_set ? range.last - range.first + 1 : o->size;
    if (range.is_set) {
        char cr[96];
        snprintf(cr, sizeof cr, "bytes %lld-%lld/%lld", (long long)first,
                 (long long)range.last, (long long)o->size);
        call_add_header(c, "Content-Range", cr);
        c->status = 206;
    }
    const char *mode = call_header(c, "x-amz-checksum-mode");
    if (!range.is_set && mode && strcasecmp(mode, "ENABLED") == 0)
        s3_checksum_to_response(c, o->checksum_algo, o->checksum);
    if (is_head) {
        c->has_head_length = true;
        c->head_length = (unsigned long long)len;
        buf_reset(&c->out);
        return STORE_OK;
    }
    if (len >= S3_STREAM_MIN_BYTES) {
        buf_reset(&c->out);
        s3_body_source(c, o->body, first, len);
        return STORE_OK;
    }
    return store_s3_body_read(tx, o->body, first, (size_t)len,
                              reserve_body(c, (size_t)len));
}

static enum store_result get_object(struct store_tx *tx, void *p)
{
    struct get_arg *a = p;
    struct store_s3_object o;
    enum store_result r = get_in_tx(tx, a, &o);
    store_s3_object_clear(&o);
    return r;
}

/* S3 tells a caller that a key does not exist only when it may list the
 * bucket (s3:ListBucket); anyone else gets AccessDenied, so that absent
 * and forbidden keys look alike. Pipelines meet it in production: a reader
 * granted s3:GetObject alone sees 403, not NoSuchKey. */
static int fail_missing_key(struct call *c)
{
    char *bucket_arn = s3_arn(s3_bucket_name(c), NULL);
    int rc = authz_authorize_also(c->emu->authz, c->emu->audit, c,
                                  "s3:ListBucket", bucket_arn);
    free(bucket_arn);
    return rc < 0 ? -1 : s3_fail_no_key(c, s3_key(c));
}

static int get_or_head(struct call *c, bool is_head)
{
    struct get_arg a = { c, is_head, false };
    enum store_result r = store_read(c->emu->store, get_object, &a);
    if (r == STORE_ABORT && a.is_missing_key)
        return fail_missing_key(c);
    if (r == STORE_ABORT)
        return -1;
    return r == STORE_OK ? 0 : s3_fail_store(c);
}

int s3_get_object(struct call *c)
{
    return get_or_head(c, false);
}

int s3_head_object(struct call *c)
{
    return get_or_head(c, true);
}

/* --- DeleteObject and DeleteObjects ------------------------------------- */

struct delete_arg {
    struct call *c;
    const char *bucket;
    const struct s3_delete_list *list; /* NULL: the request's own key */
};

static enum store_result delete_objects(struct store_tx *tx, void *p)
{
    struct delete_arg *a = p;
    enum store_result r = s3_bucket_exists(tx, a->bucket);
    if (r != STORE_OK)
        return r;
    if (a->list == NULL) {
        const char *key = s3_key(a->c);
        r = store_s3_object_delete(tx, a->bucket, key, strlen(key));
        return r == STORE_NOT_FOUND ? STORE_OK : r;
    }
    for (size_t i = 0; i < a->list->n; i++) {
        const struct s3_delete_key *k = &a->list->keys[i];
        r = store_s3_object_delete(tx, a->bucket, k->key, k->key_len);
        if (r != STORE_OK && r != STORE_NOT_FOUND)
            return r;
    }
    return STORE_OK;
}

int s3_delete_object(struct call *c)
{
    struct delete_arg a = { c, s3_bucket_name(c), NULL };
    if (finish_write(c, store_write(c->emu->store, delete_objects, &a)) < 0)
        return -1;
    c->status = 204;
    c->content_type = NULL;
    return 0;
}

int s3_delete_objects(struct call *c)
{
    struct s3_delete_list list;
    if (s3_xml_parse_delete(c->body, c->body_len, &list) < 0) {
        s3_xml_delete_clear(&list);
        return call_fail(c, AWS_ERR_S3_MALFORMED_XML, "The XML you provided "
                         "was not well-formed or did not validate against "
                         "our published schema");
    }
    enum s3_checksum algo;
    char checksum[48];
    struct delete_arg a = { c, s3_bucket_name(c), &list };
    int rc = s3_check_body(c, c->body, c->body_len, &algo, checksum, NULL);
    if (rc == 0)
        rc = finish_write(c, store_write(c->emu->store, delete_objects, &a));
    if (rc == 0) {
        s3_xml_open(c, "DeleteResult");
        for (size_t i = 0; !list.is_quiet && i < list.n; i++) {
            buf_puts(&c->out, "<Deleted>");
            s3_xml_key(&c->out, "Key", list.keys[i].key, list.keys[i].key_len,
                       false);
            buf_puts(&c->out, "</Deleted>");
        }
        s3_xml_close(c, "DeleteResult");
    }
    s3_xml_delete_clear(&list);
    return rc;
}

/* --- CopyObject --------------------------------------------------------- */

struct copy_arg {
    struct call *c;
    struct buf src_bucket;
    struct buf src_key;
    bool is_replace;  /* x-amz-metadata-directive: REPLACE */
    char *meta;       /* owned; the request's, for REPLACE */
    struct store_s3_object o; /* the written object; strings borrowed */
    char etag[35];
};

static bool is_same_object(struct copy_arg *a)
{
    return strcmp(buf_cstr(&a->src_bucket), s3_bucket_name(a->c)) == 0 &&
           strcmp(buf_cstr(&a->src_key), s3_key(a->c)) == 0;
}

static void md5_piece(void *arg, const void *data, size_t len)
{
    crypto_digest_update(arg, data, len);
}

/* Copies the source's body to a new one, with its MD5 as the ETag. */
static enum store_result copy_body(struct store_tx *tx, struct copy_arg *a,
                                   const struct store_s3_object *src)
{
    struct store_s3_writer w;
    struct crypto_digest *md5 = crypto_digest_new(CRYPTO_DIGEST_MD5);
    store_s3_writer_init(&w);
    enum store_result r = store_s3_body_copy(tx, src->body, 0, src->size, &w,
                                             md5_piece, md5);
    if (r == STORE_OK)
        r = store_s3_writer_finish(tx, &w);
    a->o.body = w.body;
    store_s3_writer_clear(&w);
    uint8_t digest[CRYPTO_MD5_LEN];
    char hex[2 * CRYPTO_MD5_LEN + 1];
    crypto_digest_final(md5, digest);
    crypto_hex(digest, sizeof digest, hex);
    snprintf(a->etag, sizeof a->etag, "\"%s\"", hex);
    return r;
}

static enum store_result copy_in_tx(struct store_tx *tx, struct copy_arg *a,
                                    struct store_s3_object *src)
{
    struct call *c = a->c;
    enum store_result r = s3_bucket_exists(tx, s3_bucket_name(c));
    if (r != STORE_OK)
        return r;
    r = store_s3_object_get(tx, buf_cstr(&a->src_bucket),
                            buf_cstr(&a->src_key), a->src_key.len, src);
    if (r == STORE_NOT_FOUND) {
        if (s3_bucket_exists(tx, buf_cstr(&a->src_bucket)) == STORE_OK)
            s3_fail_no_key(c, buf_cstr(&a->src_key));
        else
            s3_fail_no_bucket(c, buf_cstr(&a->src_bucket));
        return STORE_ABORT;
    }
    if (r != STORE_OK)
        return r;
    if (check_conditions(c, &copy_conditions, src) < 0)
        return STORE_ABORT;
    if (is_same_object(a) && !a->is_replace) {
        call_fail(c, AWS_ERR_S3_INVALID_REQUEST, "This copy request is "
                  "illegal because it is trying to copy an object to itself "
                  "without changing the object's metadata, storage class, "
                  "website redirect location or encryption attributes.");
        return STORE_ABORT;
    }
    r = copy_body(tx, a, src);
    if (r != STORE_OK)
        return r;
    int64_t body = a->o.body;
    a->o = (struct store_s3_object){
        .body = body,
        .key = s3_key(c),
        .key_len = strlen(s3_key(c)),
        .size = src->size,
        .etag = a->etag,
        .modified_ms = clock_now_ms(&c->emu->clock),
        .content_type = a->is_replace ? call_header(c, "Content-Type")
                                      : src->content_type,
        .meta = a->is_replace ? a->meta : src->meta,
        .checksum_algo = src->checksum_algo,
        .checksum = src->checksum,
    };
    return store_s3_object_put_body(tx, s3_bucket_name(c), &a->o);
}

static enum store_result copy_object(struct store_tx *tx, void *p)
{
    struct copy_arg *a = p;
    struct store_s3_object src = { 0 };
    enum store_result r = copy_in_tx(tx, a, &src);
    if (r == STORE_OK) {
        char date[32];
        s3_format_iso8601(a->o.modified_ms, date);
        s3_xml_open(a->c, "CopyObjectResult");
        xml_write_element(&a->c->out, "ETag", a->etag);
        xml_write_element(&a->c->out, "LastModified", date);
        if (a->o.checksum_algo && a->o.checksum) {
            char name[32];
            snprintf(name, sizeof name, "Checksum%s", a->o.checksum_algo);
            xml_write_element(&a->c->out, name, a->o.checksum);
        }
        s3_xml_close(a->c, "CopyObjectResult");
    }
    store_s3_object_clear(&src);
    return r;
}

static int metadata_directive(struct call *c, bool *is_replace)
{
    const char *d = call_header(c, "x-amz-metadata-directive");
    *is_replace = d && strcmp(d, "REPLACE") == 0;
    if (d && !*is_replace && strcmp(d, "COPY") != 0)
        return call_fail(c, AWS_ERR_S3_INVALID_ARGUMENT, "Unknown metadata "
                         "directive.");
    return 0;
}

int s3_copy_object(struct call *c)
{
    struct copy_arg a = { .c = c };
    buf_init(&a.src_bucket, 0);
    buf_init(&a.src_key, 0);
    int rc = -1;
    if (s3_check_key(c) == 0 && metadata_directive(c, &a.is_replace) == 0 &&
        s3_copy_source(c, &a.src_bucket, &a.src_key) == 0) {
        a.meta = a.is_replace ? s3_meta_from_request(c) : NULL;
        rc = finish_write(c, store_write(c->emu->store, copy_object, &a));
    }
    free(a.meta);
    buf_clear(&a.src_bucket);
    buf_clear(&a.src_key);
    return rc;
}
