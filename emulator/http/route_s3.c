/* S3 request routing; see route_s3.h. Addressing follows the S3 User Guide
 * ("Virtual hosting of buckets"): the bucket is the host's first labels
 * when the host ends in one of the emulator's S3 domains, else the first
 * path segment. */
#include "http/route_s3.h"

#include "base/buf.h"
#include "base/json.h"
#include "base/str.h"
#include "http/call.h"
#include "http/form.h"
#include "http/ops.h"

#include <string.h>
#include <strings.h>

/* Host suffixes under which "<bucket>.<suffix>" names a bucket, longest
 * first so that "b.s3.localhost.localstack.cloud" finds bucket "b". */
static const char *const virtual_host_suffixes[] = {
    "s3.localhost.localstack.cloud",
    "localhost.localstack.cloud",
    "s3.amazonaws.com",
    "localhost",
};

static int hex_value(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Percent-decodes a path piece into out ('+' stays '+' in a path); -1 on
 * a malformed escape or an escaped NUL, which no key may hold here. */
static int decode_path(struct str s, struct buf *out)
{
    for (size_t i = 0; i < s.len; i++) {
        if (s.ptr[i] != '%') {
            buf_putc(out, s.ptr[i]);
            continue;
        }
        int hi = i + 2 < s.len ? hex_value(s.ptr[i + 1]) : -1;
        int lo = i + 2 < s.len ? hex_value(s.ptr[i + 2]) : -1;
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
            return -1;
        buf_putc(out, (char)(hi * 16 + lo));
        i += 2;
    }
    return 0;
}

/* The bucket named by the Host header's labels, into out; false when the
 * host is not a virtual-hosted S3 name. */
static bool host_bucket(const struct call *c, struct buf *out)
{
    const char *host = call_header(c, "Host");
    if (host == NULL)
        return false;
    size_t len = strcspn(host, ":");
    if (host[0] == '[')
        return false;
    for (size_t i = 0; i < sizeof virtual_host_suffixes /
                               sizeof virtual_host_suffixes[0]; i++) {
        const char *suffix = virtual_host_suffixes[i];
        size_t n = strlen(suffix);
        if (len > n + 1 && host[len - n - 1] == '.' &&
            strncasecmp(host + len - n, suffix, n) == 0) {
            buf_append(out, host, len - n - 1);
            return true;
        }
    }
    /* Regional AWS names: bucket.s3.us-east-1.amazonaws.com. */
    const char *s3 = strstr(host, ".s3.");
    if (s3 && s3 > host && len > 14 &&
        strncasecmp(host + len - 14, ".amazonaws.com", 14) == 0) {
        buf_append(out, host, (size_t)(s3 - host));
        return true;
    }
    return false;
}

static bool has_param(const void *query, const char *name)
{
    return json_get(query, name) != NULL;
}

static const char *bucket_operation(const char *m,
                                    bool (*has)(const void *, const char *),
                                    const void *q)
{
    if (strcmp(m, "GET") == 0) {
        if (has(q, "location"))
            return "GetBucketLocation";
        if (has(q, "policy"))
            return "GetBucketPolicy";
        if (has(q, "uploads"))
            return "ListMultipartUploads";
        if (has(q, "versions"))
            return "ListObjectVersions";
        if (has(q, "versioning"))
            return "GetBucketVersioning";
        if (has(q, "list-type"))
            return "ListObjectsV2";
        return "ListObjects";
    }
    if (strcmp(m, "PUT") == 0)
        return has(q, "policy") ? "PutBucketPolicy" : "CreateBucket";
    if (strcmp(m, "HEAD") == 0)
        return "HeadBucket";
    if (strcmp(m, "DELETE") == 0)
        return has(q, "policy") ? "DeleteBucketPolicy" : "DeleteBucket";
    if (strcmp(m, "POST") == 0 && has(q, "delete"))
        return "DeleteObjects";
    return NULL;
}

static const char *object_operation(const char *m,
                                    bool (*has)(const void *, const char *),
                                    const void *q, bool is_copy)
{
    bool is_upload = has(q, "uploadId");
    if (strcmp(m, "PUT") == 0) {
        if (is_upload && has(q, "partNumber"))
            return is_copy ? "UploadPartCopy" : "UploadPart";
        return is_copy ? "CopyObject" : "PutObject";
    }
    if (strcmp(m, "GET") == 0)
        return is_upload ? "ListParts" : "GetObject";
    if (strcmp(m, "HEAD") == 0)
        return "HeadObject";
    if (strcmp(m, "DELETE") == 0)
        return is_upload ? "AbortMultipartUpload" : "DeleteObject";
    if (strcmp(m, "POST") == 0) {
        if (has(q, "uploads"))
            return "CreateMultipartUpload";
        if (is_upload)
            return "CompleteMultipartUpload";
    }
    return NULL;
}

/* Subresources of buckets and objects that dynalake does not emulate;
 * a request naming one gets NotImplemented rather than a wrong answer. */
static const char *const unsupported_subresources[] = {
    "acl", "tagging", "cors", "lifecycle", "website", "logging",
    "notification", "replication", "encryption", "ownershipControls",
    "publicAccessBlock", "accelerate", "requestPayment", "object-lock",
    "retention", "legal-hold", "torrent", "restore", "select", "analytics",
    "metrics", "inventory", "intelligent-tiering", "attributes",
    "policyStatus", "versionId",
};

const char *route_s3_operation(const char *method, bool has_bucket,
                               bool has_key,
                               bool (*has)(const void *, const char *),
                               const void *query, bool is_copy)
{
    for (size_t i = 0; i < sizeof unsupported_subresources /
                               sizeof unsupported_subresources[0]; i++) {
        if (has(query, unsupported_subresources[i]))
            return "Unsupported";
    }
    if (!has_bucket)
        return strcmp(method, "GET") == 0 ? "ListBuckets" : NULL;
    if (!has_key)
        return bucket_operation(method, has, query);
    return object_operation(method, has, query, is_copy);
}

/* Splits the wire path into bucket and key, both decoded, into input. */
static int split_path(struct call *c, cJSON *input)
{
    struct buf bucket, key;
    buf_init(&bucket, 0);
    buf_init(&key, 0);
    struct str path = str_from(c->path);
    if (path.len && path.ptr[0] == '/') {
        path.ptr++;
        path.len--;
    }
    int rc = 0;
    bool is_virtual = host_bucket(c, &bucket);
    cJSON_AddBoolToObject(input, "VirtualHost", is_virtual);
    if (is_virtual) {
        rc = decode_path(path, &key);
    } else {
        struct str head;
        str_cut(&path, '/', &head);
        rc = decode_path(head, &bucket) < 0 || decode_path(path, &key) < 0
                 ? -1 : 0;
    }
    cJSON_AddStringToObject(input, "Bucket", buf_cstr(&bucket));
    cJSON_AddStringToObject(input, "Key", buf_cstr(&key));
    buf_clear(&bucket);
    buf_clear(&key);
    return rc;
}

int route_s3(struct call *c)
{
    c->service = SERVICE_S3;
    c->content_type = "application/xml";
    c->input = cJSON_CreateObject();
    cJSON *query = cJSON_AddObjectToObject(c->input, "Query");
    if (split_path(c, c->input) < 0 ||
        form_decode(c->query, strlen(c->query), query) < 0)
        return call_fail(c, AWS_ERR_S3_INVALID_ARGUMENT, "Invalid URI: "
                         "malformed percent-encoding");
    const char *bucket = json_get_string(c->input, "Bucket");
    const char *key = json_get_string(c->input, "Key");
    const char *name = route_s3_operation(
        c->method, bucket[0] != '\0', key[0] != '\0', has_param, query,
        call_header(c, "x-amz-copy-source") != NULL);
    if (name == NULL)
        return call_fail(c, AWS_ERR_S3_METHOD_NOT_ALLOWED, "The specified "
                         "method is not allowed against this resource.");
    c->op = ops_find(SERVICE_S3, str_from(name));
    if (c->op == NULL)
        return call_fail(c, AWS_ERR_S3_NOT_IMPLEMENTED, "A header you "
                         "provided implies functionality that is not "
                         "implemented");
    return 0;
}
