/* S3 multipart uploads: create, upload (and copy) parts, complete (part
 * order, ETags, the 5 MiB minimum, the MD5-of-MD5s "-N" ETag and composite
 * checksums), abort, and the two listings. Completion assembles the object
 * from the stored parts inside one transaction, a part at a time. */
#include "s3/s3.h"
#include "s3/s3_internal.h"

#include "base/buf.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/mem.h"
#include "base/xml.h"
#include "http/call.h"
#include "s3/s3_xml.h"
#include "state.h"
#include "store/store_s3.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail_malformed(struct call *c)
{
    return call_fail(c, AWS_ERR_S3_MALFORMED_XML, "The XML you provided was "
                     "not well-formed or did not validate against our "
                     "published schema");
}

/* Maps a store result: NOT_FOUND is NoSuchBucket, ABORT an error the
 * callback already recorded. */
static int finish(struct call *c, enum store_result r)
{
    if (r == STORE_OK)
        return 0;
    if (r == STORE_NOT_FOUND)
        return s3_fail_no_bucket(c, s3_bucket_name(c));
    return r == STORE_ABORT ? -1 : s3_fail_store(c);
}

/* Finds the request's upload (uploadId) inside a transaction; records
 * NoSuchBucket or NoSuchUpload and returns STORE_ABORT when absent. */
static enum store_result find_upload(struct store_tx *tx, struct call *c,
                                     struct store_s3_upload *u)
{
    const char *bucket = s3_bucket_name(c);
    const char *key = s3_key(c);
    enum store_result r = s3_bucket_exists(tx, bucket);
    if (r != STORE_OK)
        return r;
    r = store_s3_upload_get(tx, bucket, key, strlen(key),
                            s3_param(c, "uploadId"), u);
    if (r == STORE_NOT_FOUND) {
        s3_fail_no_upload(c, s3_param(c, "uploadId"));
        return STORE_ABORT;
    }
    return r;
}

/* --- CreateMultipartUpload ---------------------------------------------- */

struct create_arg {
    const char *bucket;
    struct store_s3_upload u;
};

static enum store_result create_upload(struct store_tx *tx, void *p)
{
    struct create_arg *a = p;
    enum store_result r = s3_bucket_exists(tx, a->bucket);
    return r == STORE_OK ? store_s3_upload_insert(tx, a->bucket, &a->u) : r;
}

int s3_create_multipart_upload(struct call *c)
{
    if (s3_check_key(c) < 0)
        return -1;
    const char *algo_name = call_header(c, "x-amz-checksum-algorithm");
    enum s3_checksum algo = s3_checksum_parse(algo_name);
    if (algo_name && algo == S3_CHECKSUM_NONE)
        return call_fail(c, AWS_ERR_S3_INVALID_REQUEST, "Checksum algorithm "
                         "provided is unsupported. Please try again with any "
                         "of the valid types: [CRC32, CRC32C, CRC64NVME, "
                         "SHA1, SHA256]");
    uint8_t raw[24];
    char id[2 * sizeof raw + 1];
    crypto_random(raw, sizeof raw);
    crypto_hex(raw, sizeof raw, id);
    char *meta = s3_meta_from_request(c);
    struct create_arg a = {
        .bucket = s3_bucket_name(c),
        .u = { .id = id, .key = s3_key(c), .key_len = strlen(s3_key(c)),
               .created_ms = clock_now_ms(&c->emu->clock),
               .content_type = call_header(c, "Content-Type"),
               .meta = meta, .checksum_algo = s3_checksum_name(algo) },
    };
    int rc = finish(c, store_write(c->emu->store, create_upload, &a));
    free(meta);
    if (rc < 0)
        return -1;
    s3_xml_open(c, "InitiateMultipartUploadResult");
    xml_write_element(&c->out, "Bucket", a.bucket);
    s3_xml_key(&c->out, "Key", a.u.key, a.u.key_len, false);
    xml_write_element(&c->out, "UploadId", id);
    s3_xml_close(c, "InitiateMultipartUploadResult");
    if (a.u.checksum_algo) {
        call_add_header(c, "x-amz-checksum-algorithm", a.u.checksum_algo);
        call_add_header(c, "x-amz-checksum-type", "COMPOSITE");
    }
    return 0;
}

/* --- UploadPart and UploadPartCopy -------------------------------------- */

static int part_number(struct call *c, int64_t *out)
{
    const char *v = s3_param(c, "partNumber");
    char *end;
    errno = 0;
    long n = v ? strtol(v, &end, 10) : 0;
    if (v == NULL || *v == '\0' || *end || errno || n < 1 ||
        n > S3_MAX_PART_NUMBER) {
        call_fail(c, AWS_ERR_S3_INVALID_ARGUMENT, "Part number must be an "
                  "integer between 1 and 10000, inclusive");
        s3_detail(c, "ArgumentName", "partNumber");
        s3_detail(c, "ArgumentValue", v ? v : "");
        return -1;
    }
    *out = n;
    return 0;
}

struct part_arg {
    struct call *c;
    struct store_s3_part part;
    enum s3_checksum algo;  /* what the part sent */
    char checksum[48];
    char etag[35];
    /* UploadPartCopy */
    struct buf src_bucket;
    struct buf src_key;
};

/* The checksum the part must carry: its upload's algorithm, if any. Parts
 * of an upload with an algorithm carry its checksum; one the client left
 * out is computed as the body is stored, so the composite can be built. */
static enum s3_checksum missing_checksum(const struct part_arg *a,
                                         const struct store_s3_upload *u)
{
    enum s3_checksum want = s3_checksum_parse(u->checksum_algo);
    return want != S3_CHECKSUM_NONE && a->algo != want ? want
                                                       : S3_CHECKSUM_NONE;
}

/* Stores the part whose body w holds, with its ETag and checksum set. */
static enum store_result store_part(struct store_tx *tx, struct part_arg *a,
                                    const struct store_s3_upload *u,
                                    const struct store_s3_writer *w)
{
    a->part.body = w->body;
    a->part.size = w->size;
    a->part.etag = a->etag;
    a->part.modified_ms = clock_now_ms(&a->c->emu->clock);
    a->part.checksum = a->algo ? a->checksum : NULL;
    return store_s3_part_put_body(tx, u->id, &a->part);
}

static enum store_result put_part(struct store_tx *tx, void *p)
{
    struct part_arg *a = p;
    struct store_s3_upload u;
    struct store_s3_writer w;
    store_s3_writer_init(&w);
    enum store_result r = find_upload(tx, a->c, &u);
    if (r == STORE_OK) {
        enum s3_checksum want = missing_checksum(a, &u);
        r = s3_body_store(tx, a->c, a->c->body, a->c->body_len, &w, want,
                          a->checksum);
        if (want != S3_CHECKSUM_NONE)
            a->algo = want;
    }
    if (r == STORE_OK)
        r = store_part(tx, a, &u, &w);
    store_s3_writer_clear(&w);
    store_s3_upload_clear(&u);
    return r;
}

int s3_upload_part(struct call *c)
{
    struct part_arg a = { .c = c };
    int64_t size;
    if (part_number(c, &a.part.number) < 0 || s3_body_size(c, &size) < 0 ||
        s3_check_body(c, c->body, c->body_len, &a.algo, a.checksum,
                      a.etag) < 0 ||
        finish(c, store_write(c->emu->store, put_part, &a)) < 0)
        return -1;
    call_add_header(c, "ETag", a.etag);
    if (a.algo)
        s3_checksum_to_response(c, s3_checksum_name(a.algo), a.checksum);
    c->content_type = NULL;
    return 0;
}

/* x-amz-copy-source-range: bytes=first-last, both required, within the
 * source. */
static int copy_range(struct call *c, int64_t size, int64_t *first,
                      int64_t *len)
{
    const char *h = call_header(c, "x-amz-copy-source-range");
    *first = 0;
    *len = size;
    if (h == NULL)
        return 0;
    long long a, b;
    char tail;
    if (sscanf(h, "bytes=%lld-%lld%c", &a, &b, &tail) != 2 || a < 0 ||
        b < a || b >= size) {
        call_fail(c, AWS_ERR_S3_INVALID_ARGUMENT, "The x-amz-copy-source-"
                  "range value must be of the form bytes=first-last where "
                  "first and last are the zero-based offsets of the first "
                  "and last bytes to copy");
        s3_detail(c, "ArgumentName", "x-amz-copy-source-range");
        s3_detail(c, "ArgumentValue", h);
        return -1;
    }
    *first = a;
    *len = b - a + 1;
    return 0;
}

static void sum_piece(void *arg, const void *data, size_t len)
{
    s3_sums_update(arg, data, len);
}

/* Copies the source range to a new body in w, with its ETag and, for an
 * upload with an algorithm, its checksum. */
static enum store_result copy_source(struct store_tx *tx, struct part_arg *a,
                                     const struct store_s3_upload *u,
                                     struct store_s3_writer *w)
{
    struct store_s3_object src;
    enum store_result r = store_s3_object_get(tx, buf_cstr(&a->src_bucket),
                                              buf_cstr(&a->src_key),
                                              a->src_key.len, &src);
    if (r == STORE_NOT_FOUND) {
        if (s3_bucket_exists(tx, buf_cstr(&a->src_bucket)) == STORE_OK)
            s3_fail_no_key(a->c, buf_cstr(&a->src_key));
        else
            s3_fail_no_bucket(a->c, buf_cstr(&a->src_bucket));
        return STORE_ABORT;
    }
    int64_t first, len;
    if (r == STORE_OK && copy_range(a->c, src.size, &first, &len) < 0)
        r = STORE_ABORT;
    if (r == STORE_OK) {
        struct s3_sums sums;
        uint8_t md5[CRYPTO_MD5_LEN];
        char hex[2 * CRYPTO_MD5_LEN + 1];
        a->algo = s3_checksum_parse(u->checksum_algo);
        s3_sums_init(&sums, a->algo);
        r = store_s3_body_copy(tx, src.body, first, len, w, sum_piece, &sums);
        if (r == STORE_OK)
            r = store_s3_writer_finish(tx, w);
        s3_sums_final(&sums, md5, a->checksum);
        crypto_hex(md5, sizeof md5, hex);
        snprintf(a->etag, sizeof a->etag, "\"%s\"", hex);
    }
    store_s3_object_clear(&src);
    return r;
}

static enum store_result copy_part(struct store_tx *tx, void *p)
{
    struct part_arg *a = p;
    struct store_s3_upload u;
    struct store_s3_writer w;
    store_s3_writer_init(&w);
    enum store_result r = find_upload(tx, a->c, &u);
    if (r == STORE_OK)
        r = copy_source(tx, a, &u, &w);
    if (r == STORE_OK)
        r = store_part(tx, a, &u, &w);
    store_s3_writer_clear(&w);
    store_s3_upload_clear(&u);
    return r;
}

int s3_upload_part_copy(struct call *c)
{
    struct part_arg a = { .c = c };
    buf_init(&a.src_bucket, 0);
    buf_init(&a.src_key, 0);
    int rc = -1;
    if (part_number(c, &a.part.number) == 0 &&
        s3_copy_source(c, &a.src_bucket, &a.src_key) == 0)
        rc = finish(c, store_write(c->emu->store, copy_part, &a));
    if (rc == 0) {
        char date[32];
        s3_format_iso8601(a.part.modified_ms, date);
        s3_xml_open(c, "CopyPartResult");
        xml_write_element(&c->out, "ETag", a.etag);
        xml_write_element(&c->out, "LastModified", date);
        s3_xml_close(c, "CopyPartResult");
    }
    buf_clear(&a.src_bucket);
    buf_clear(&a.src_key);
    return rc;
}

/* --- CompleteMultipartUpload -------------------------------------------- */

struct stored_part {
    int64_t number;
    int64_t size;
    char etag[35];
    char checksum[48];
};

struct complete_arg {
    struct call *c;
    const struct s3_complete_list *list;
    struct stored_part *parts; /* owned; what the upload holds */
    size_t n_parts;
    size_t cap;
    char etag[48];             /* the object's "md5-N" ETag */
    char checksum[64];         /* the composite checksum, "b64-N" */
    char *checksum_algo;       /* owned */
};

static int collect_part(const struct store_s3_part *p, void *arg)
{
    struct complete_arg *a = arg;
    if (a->n_parts == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 16;
        a->parts = xrealloc(a->parts, a->cap * sizeof *a->parts);
    }
    struct stored_part *s = &a->parts[a->n_parts++];
    s->number = p->number;
    s->size = p->size;
    snprintf(s->etag, sizeof s->etag, "%s", p->etag);
    snprintf(s->checksum, sizeof s->checksum, "%s",
             p->checksum ? p->checksum : "");
    return 0;
}

static const struct stored_part *stored(const struct complete_arg *a,
                                        int64_t number)
{
    for (size_t i = 0; i < a->n_parts; i++) {
        if (a->parts[i].number == number)
            return &a->parts[i];
    }
    return NULL;
}

/* ETags compare without their quotes; clients send either form. */
static bool same_etag(const char *sent, const char *etag)
{
    size_t n = strlen(sent);
    if (n >= 2 && sent[0] == '"' && sent[n - 1] == '"') {
        sent++;
        n -= 2;
    }
    return strlen(etag) == n + 2 && strncmp(etag + 1, sent, n) == 0;
}

static int fail_invalid_part(struct call *c, const struct s3_complete_part *p)
{
    char n[24];
    snprintf(n, sizeof n, "%lld", (long long)p->number);
    call_fail(c, AWS_ERR_S3_INVALID_PART, "One or more of the specified parts "
              "could not be found.  The part may not have been uploaded, or "
              "the specified entity tag may not match the part's entity "
              "tag.");
    s3_detail(c, "UploadId", s3_param(c, "uploadId"));
    s3_detail(c, "PartNumber", n);
    s3_detail(c, "ETag", p->etag ? p->etag : "");
    return -1;
}

static int fail_too_small(struct call *c, const struct stored_part *s)
{
    char n[24], size[24];
    snprintf(n, sizeof n, "%lld", (long long)s->number);
    snprintf(size, sizeof size, "%lld", (long long)s->size);
    call_fail(c, AWS_ERR_S3_ENTITY_TOO_SMALL, "Your proposed upload is "
              "smaller than the minimum allowed size");
    s3_detail(c, "ProposedSize", size);
    s3_detail(c, "MinSizeAllowed", "5242880");
    s3_detail(c, "PartNumber", n);
    s3_detail(c, "ETag", s->etag);
    return -1;
}

/* Checks the requested list against the stored parts: ascending numbers,
 * each part present with its ETag (and checksum, when sent), every part
 * but the last at least S3_MIN_PART_BYTES. */
static int check_parts(struct complete_arg *a)
{
    const struct s3_complete_list *l = a->list;
    for (size_t i = 0; i < l->n; i++) {
        const struct s3_complete_part *p = &l->parts[i];
        if (i > 0 && p->number <= l->parts[i - 1].number) {
            call_fail(a->c, AWS_ERR_S3_INVALID_PART_ORDER, "The list of parts "
                      "was not in ascending order. Parts must be ordered by "
                      "part number.");
            s3_detail(a->c, "UploadId", s3_param(a->c, "uploadId"));
            return -1;
        }
        const struct stored_part *s = stored(a, p->number);
        if (s == NULL || p->etag == NULL || !same_etag(p->etag, s->etag) ||
            (p->checksum && strcmp(p->checksum, s->checksum) != 0))
            return fail_invalid_part(a->c, p);
    }
    for (size_t i = 0; i + 1 < l->n; i++) {
        const struct stored_part *s = stored(a, l->parts[i].number);
        if (s->size < S3_MIN_PART_BYTES)
            return fail_too_small(a->c, s);
    }
    return 0;
}

/* The multipart ETag: MD5 of the parts' binary MD5s, then "-N"; and the
 * composite checksum the same way over the parts' raw checksums. */
static void compute_tags(struct complete_arg *a, int64_t *size)
{
    const struct s3_complete_list *l = a->list;
    struct buf md5s, sums;
    buf_init(&md5s, 0);
    buf_init(&sums, 0);
    *size = 0;
    for (size_t i = 0; i < l->n; i++) {
        const struct stored_part *s = stored(a, l->parts[i].number);
        *size += s->size;
        for (size_t j = 1; j + 2 < strlen(s->etag); j += 2) {
            char hex[3] = { s->etag[j], s->etag[j + 1], 0 };
            buf_putc(&md5s, (char)strtol(hex, NULL, 16));
        }
        crypto_base64_decode(s->checksum, strlen(s->checksum), &sums);
    }
    uint8_t digest[CRYPTO_MD5_LEN];
    char hex[2 * CRYPTO_MD5_LEN + 1];
    crypto_md5(md5s.data ? md5s.data : "", md5s.len, digest);
    crypto_hex(digest, sizeof digest, hex);
    snprintf(a->etag, sizeof a->etag, "\"%s-%zu\"", hex, l->n);
    enum s3_checksum algo = s3_checksum_parse(a->checksum_algo);
    if (algo != S3_CHECKSUM_NONE) {
        char b64[48];
        s3_checksum_base64(algo, sums.data ? sums.data : "", sums.len, b64);
        snprintf(a->checksum, sizeof a->checksum, "%s-%zu", b64, l->n);
    }
    buf_clear(&md5s);
    buf_clear(&sums);
}

static enum store_result complete_in_tx(struct store_tx *tx,
                                        struct complete_arg *a,
                                        const struct store_s3_upload *u)
{
    a->n_parts = 0;
    enum store_result r = store_s3_part_scan(tx, u->id, 0, collect_part, a);
    if (r != STORE_OK)
        return r;
    free(a->checksum_algo);
    a->checksum_algo = u->checksum_algo ? xstrdup(u->checksum_algo) : NULL;
    if (check_parts(a) < 0)
        return STORE_ABORT;
    int64_t size;
    compute_tags(a, &size);
    int64_t *numbers = xcalloc(a->list->n, sizeof *numbers);
    for (size_t i = 0; i < a->list->n; i++)
        numbers[i] = a->list->parts[i].number;
    struct store_s3_object o = {
        .key = u->key, .key_len = u->key_len, .size = size, .etag = a->etag,
        .modified_ms = clock_now_ms(&a->c->emu->clock),
        .content_type = u->content_type, .meta = u->meta,
        .checksum_algo = u->checksum_algo,
        .checksum = u->checksum_algo ? a->checksum : NULL,
        .parts = (int64_t)a->list->n,
    };
    r = store_s3_object_put_parts(tx, s3_bucket_name(a->c), &o, u->id,
                                  numbers, a->list->n);
    free(numbers);
    return r == STORE_OK ? store_s3_upload_delete(tx, u->id) : r;
}

static enum store_result complete_upload(struct store_tx *tx, void *p)
{
    struct complete_arg *a = p;
    struct store_s3_upload u;
    enum store_result r = find_upload(tx, a->c, &u);
    if (r == STORE_OK)
        r = complete_in_tx(tx, a, &u);
    store_s3_upload_clear(&u);
    return r;
}

static void write_complete(struct call *c, const struct complete_arg *a)
{
    const char *host = call_header(c, "Host");
    char *location = xmalloc(strlen(host ? host : "") +
                             strlen(s3_bucket_name(c)) + strlen(s3_key(c)) +
                             16);
    sprintf(location, "http://%s/%s/%s", host ? host : "", s3_bucket_name(c),
            s3_key(c));
    s3_xml_open(c, "CompleteMultipartUploadResult");
    xml_write_element(&c->out, "Location", location);
    xml_write_element(&c->out, "Bucket", s3_bucket_name(c));
    s3_xml_key(&c->out, "Key", s3_key(c), strlen(s3_key(c)), false);
    xml_write_element(&c->out, "ETag", a->etag);
    if (a->checksum_algo) {
        char name[32];
        snprintf(name, sizeof name, "Checksum%s", a->checksum_algo);
        xml_write_element(&c->out, name, a->checksum);
        xml_write_element(&c->out, "ChecksumType", "COMPOSITE");
    }
    s3_xml_close(c, "CompleteMultipartUploadResult");
    free(location);
}

int s3_complete_multipart_upload(struct call *c)
{
    struct s3_complete_list list;
    struct complete_arg a = { .c = c, .list = &list };
    int rc = s3_xml_parse_complete(c->body, c->body_len, &list) < 0
                 ? fail_malformed(c)
                 : finish(c, store_write(c->emu->store, complete_upload, &a));
    if (rc == 0)
        write_complete(c, &a);
    s3_xml_complete_clear(&list);
    free(a.parts);
    free(a.checksum_algo);
    return rc;
}

/* --- AbortMultipartUpload ----------------------------------------------- */

static enum store_result abort_upload(struct store_tx *tx, void *p)
{
    struct call *c = p;
    struct store_s3_upload u;
    enum store_result r = find_upload(tx, c, &u);
    if (r == STORE_OK)
        r = store_s3_upload_delete(tx, u.id);
    store_s3_upload_clear(&u);
    return r;
}

int s3_abort_multipart_upload(struct call *c)
{
    if (finish(c, store_write(c->emu->store, abort_upload, c)) < 0)
        return -1;
    c->status = 204;
    c->content_type = NULL;
    return 0;
}

/* --- ListMultipartUploads and ListParts --------------------------------- */

struct page {
    struct call *c;
    long max;
    long count;
    bool is_truncated;
    struct buf items;
    struct buf next_key;   /* uploads: the last key listed */
    char next_id[64];      /* uploads: the last upload id listed */
    int64_t next_part;     /* parts: the last part number listed */
};

static long param_max(struct call *c, const char *name)
{
    const char *v = s3_param(c, name);
    long n = v ? strtol(v, NULL, 10) : S3_MAX_KEYS;
    return n < 0 ? 0 : n > S3_MAX_KEYS ? S3_MAX_KEYS : n;
}

static void write_initiator(const struct call *c, struct buf *b)
{
    buf_puts(b, "<Initiator>");
    xml_write_element(b, "ID", c->principal_arn ? c->principal_arn : "");
    xml_write_element(b, "DisplayName", "dynalake");
    buf_puts(b, "</Initiator>");
    s3_write_owner(c, b);
}

static int on_upload(const struct store_s3_upload *u, void *p)
{
    struct page *pg = p;
    if (pg->count == pg->max) {
        pg->is_truncated = true;
        return 1;
    }
    char date[32];
    s3_format_iso8601(u->created_ms, date);
    buf_puts(&pg->items, "<Upload>");
    s3_xml_key(&pg->items, "Key", u->key, u->key_len, false);
    xml_write_element(&pg->items, "UploadId", u->id);
    write_initiator(pg->c, &pg->items);
    xml_write_element(&pg->items, "StorageClass", "STANDARD");
    xml_write_element(&pg->items, "Initiated", date);
    if (u->checksum_algo)
        xml_write_element(&pg->items, "ChecksumAlgorithm", u->checksum_algo);
    buf_puts(&pg->items, "</Upload>");
    pg->count++;
    buf_reset(&pg->next_key);
    buf_append(&pg->next_key, u->key, u->key_len);
    snprintf(pg->next_id, sizeof pg->next_id, "%s", u->id);
    return 0;
}

static enum store_result scan_uploads(struct store_tx *tx, void *p)
{
    struct page *pg = p;
    const char *bucket = s3_bucket_name(pg->c);
    enum store_result r = s3_bucket_exists(tx, bucket);
    if (r != STORE_OK)
        return r;
    const char *prefix = s3_param(pg->c, "prefix");
    const char *marker = s3_param(pg->c, "key-marker");
    prefix = prefix ? prefix : "";
    marker = marker ? marker : "";
    return store_s3_upload_scan(tx, bucket, prefix, strlen(prefix), marker,
                                strlen(marker), on_upload, pg);
}

static void page_init(struct page *pg, struct call *c, long max)
{
    memset(pg, 0, sizeof *pg);
    pg->c = c;
    pg->max = max;
    buf_init(&pg->items, 0);
    buf_init(&pg->next_key, 0);
}

static void page_clear(struct page *pg)
{
    buf_clear(&pg->items);
    buf_clear(&pg->next_key);
}

static void put_optional(struct buf *b, const char *name, const char *v)
{
    xml_write_element(b, name, v ? v : "");
}

int s3_list_multipart_uploads(struct call *c)
{
    struct page pg;
    page_init(&pg, c, param_max(c, "max-uploads"));
    int rc = finish(c, store_read(c->emu->store, scan_uploads, &pg));
    if (rc == 0) {
        struct buf *b = &c->out;
        s3_xml_open(c, "ListMultipartUploadsResult");
        xml_write_element(b, "Bucket", s3_bucket_name(c));
        put_optional(b, "KeyMarker", s3_param(c, "key-marker"));
        put_optional(b, "UploadIdMarker", s3_param(c, "upload-id-marker"));
        if (pg.is_truncated) {
            xml_write_element(b, "NextKeyMarker", buf_cstr(&pg.next_key));
            xml_write_element(b, "NextUploadIdMarker", pg.next_id);
        }
        if (s3_param(c, "prefix"))
            xml_write_element(b, "Prefix", s3_param(c, "prefix"));
        s3_xml_int(b, "MaxUploads", pg.max);
        xml_write_element(b, "IsTruncated", pg.is_truncated ? "true"
                                                            : "false");
        buf_append(b, pg.items.data ? pg.items.data : "", pg.items.len);
        s3_xml_close(c, "ListMultipartUploadsResult");
    }
    page_clear(&pg);
    return rc;
}

static int on_part(const struct store_s3_part *p, void *arg)
{
    struct page *pg = arg;
    if (pg->count == pg->max) {
        pg->is_truncated = true;
        return 1;
    }
    char date[32];
    s3_format_iso8601(p->modified_ms, date);
    buf_puts(&pg->items, "<Part>");
    s3_xml_int(&pg->items, "PartNumber", p->number);
    xml_write_element(&pg->items, "LastModified", date);
    xml_write_element(&pg->items, "ETag", p->etag);
    s3_xml_int(&pg->items, "Size", p->size);
    buf_puts(&pg->items, "</Part>");
    pg->count++;
    pg->next_part = p->number;
    return 0;
}

struct parts_arg {
    struct page *pg;
    int64_t marker;
    char algo[16];
};

static enum store_result scan_parts(struct store_tx *tx, void *p)
{
    struct parts_arg *a = p;
    struct store_s3_upload u;
    enum store_result r = find_upload(tx, a->pg->c, &u);
    if (r == STORE_OK) {
        snprintf(a->algo, sizeof a->algo, "%s",
                 u.checksum_algo ? u.checksum_algo : "");
        r = store_s3_part_scan(tx, u.id, a->marker, on_part, a->pg);
    }
    store_s3_upload_clear(&u);
    return r;
}

int s3_list_parts(struct call *c)
{
    struct page pg;
    page_init(&pg, c, param_max(c, "max-parts"));
    const char *marker = s3_param(c, "part-number-marker");
    struct parts_arg a = { .pg = &pg,
                           .marker = marker ? strtoll(marker, NULL, 10) : 0 };
    int rc = finish(c, store_read(c->emu->store, scan_parts, &a));
    if (rc == 0) {
        struct buf *b = &c->out;
        s3_xml_open(c, "ListPartsResult");
        xml_write_element(b, "Bucket", s3_bucket_name(c));
        s3_xml_key(b, "Key", s3_key(c), strlen(s3_key(c)), false);
        xml_write_element(b, "UploadId", s3_param(c, "uploadId"));
        s3_xml_int(b, "PartNumberMarker", a.marker);
        if (pg.count)
            s3_xml_int(b, "NextPartNumberMarker", pg.next_part);
        s3_xml_int(b, "MaxParts", pg.max);
        xml_write_element(b, "IsTruncated", pg.is_truncated ? "true"
                                                            : "false");
        buf_append(b, pg.items.data ? pg.items.data : "", pg.items.len);
        write_initiator(c, b);
        xml_write_element(b, "StorageClass", "STANDARD");
        if (a.algo[0])
            xml_write_element(b, "ChecksumAlgorithm", a.algo);
        s3_xml_close(c, "ListPartsResult");
    }
    page_clear(&pg);
    return rc;
}
