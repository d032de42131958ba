/* S3's REST-XML calls; see aws_s3.h. Listings are parsed by scanning for
 * the few elements used (Contents, Key, ETag, Size, IsTruncated,
 * NextContinuationToken): the response shape is fixed by S3. */
#include "aws/aws_s3.h"

#include "aws/aws.h"
#include "base/buf.h"
#include "base/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* S3 limits one ListObjectsV2 page to 1000 keys. */
#define AWS_S3_LIST_PAGE 1000

static struct aws_request object_request(const char *method,
                                         const char *bucket,
                                         struct buf *path)
{
    struct aws_request req = {
        .service = "s3", .host_prefix = "s3", .bucket = bucket,
        .method = method, .path = buf_cstr(path),
    };
    return req;
}

static void key_path(struct buf *path, const char *key)
{
    buf_putc(path, '/');
    buf_puts(path, key);
}

int aws_s3_put_object(struct aws_client *c, const char *bucket,
                      const char *key, const void *body, size_t len,
                      const char *content_type)
{
    struct buf path, out, type;
    buf_init(&path, 0);
    buf_init(&out, 0);
    buf_init(&type, 0);
    key_path(&path, key);
    buf_printf(&type, "Content-Type: %s",
               content_type ? content_type : "application/octet-stream");
    const char *headers[] = { buf_cstr(&type), NULL };
    struct aws_request req = object_request("PUT", bucket, &path);
    req.headers = headers;
    req.body = body ? body : "";
    req.body_len = len;
    int rc = aws_client_send(c, &req, &out);
    buf_clear(&path);
    buf_clear(&out);
    buf_clear(&type);
    return rc;
}

int aws_s3_get_object(struct aws_client *c, const char *bucket,
                      const char *key, struct buf *out)
{
    struct buf path;
    buf_init(&path, 0);
    key_path(&path, key);
    struct aws_request req = object_request("GET", bucket, &path);
    int rc = aws_client_send(c, &req, out);
    buf_clear(&path);
    return rc;
}

int aws_s3_delete_object(struct aws_client *c, const char *bucket,
                         const char *key)
{
    struct buf path, out;
    buf_init(&path, 0);
    buf_init(&out, 0);
    key_path(&path, key);
    struct aws_request req = object_request("DELETE", bucket, &path);
    int rc = aws_client_send(c, &req, &out);
    buf_clear(&path);
    buf_clear(&out);
    return rc;
}

/* The end of the element starting at p ("</tag>"), or NULL. */
static const char *find(const char *p, const char *end, const char *s)
{
    size_t n = strlen(s);
    for (; p + n <= end; p++) {
        if (memcmp(p, s, n) == 0)
            return p;
    }
    return NULL;
}

static void add_object(struct aws_s3_listing *out, const char *p,
                       const char *end)
{
    struct aws_s3_object o = { 0 };
    char size[32] = "0";
    aws_xml_text(p, (size_t)(end - p), "Key", o.key, sizeof o.key);
    aws_xml_text(p, (size_t)(end - p), "ETag", o.etag, sizeof o.etag);
    aws_xml_text(p, (size_t)(end - p), "Size", size, sizeof size);
    o.size = strtoll(size, NULL, 10);
    out->objects = xrealloc(out->objects, (out->n + 1) * sizeof o);
    out->objects[out->n++] = o;
}

int aws_s3_list_parse(const char *body, size_t len,
                      struct aws_s3_listing *out, char **token)
{
    const char *end = body + len;
    *token = NULL;
    if (body == NULL || find(body, end, "<ListBucketResult") == NULL)
        return -1;
    const char *p = body;
    while ((p = find(p, end, "<Contents>")) != NULL) {
        const char *close = find(p, end, "</Contents>");
        if (close == NULL)
            return -1;
        add_object(out, p, close);
        p = close;
    }
    char truncated[8] = "", next[2048] = "";
    aws_xml_text(body, len, "IsTruncated", truncated, sizeof truncated);
    if (strcmp(truncated, "true") == 0) {
        if (!aws_xml_text(body, len, "NextContinuationToken", next,
                          sizeof next))
            return -1;
        *token = xstrdup(next);
    }
    return 0;
}

int aws_s3_list(struct aws_client *c, const char *bucket, const char *prefix,
                const char *start_after, struct aws_s3_listing *out)
{
    char *token = NULL;
    struct buf body;
    buf_init(&body, 0);
    memset(out, 0, sizeof *out);
    int rc;
    do {
        char max_keys[16];
        snprintf(max_keys, sizeof max_keys, "%d", AWS_S3_LIST_PAGE);
        struct aws_param params[5] = {
            { "list-type", "2" }, { "prefix", prefix ? prefix : "" },
            { "max-keys", max_keys },
        };
        size_t n = 3;
        if (token)
            params[n++] = (struct aws_param){ "continuation-token", token };
        else if (start_after && *start_after)
            params[n++] = (struct aws_param){ "start-after", start_after };
        struct aws_request req = {
            .service = "s3", .host_prefix = "s3", .bucket = bucket,
            .method = "GET", .path = "/", .params = params, .n_params = n,
        };
        rc = aws_client_send(c, &req, &body);
        free(token);
        token = NULL;
        if (rc == 0)
            rc = aws_s3_list_parse(body.data, body.len, out, &token);
    } while (rc == 0 && token);
    free(token);
    buf_clear(&body);
    return rc;
}

void aws_s3_listing_clear(struct aws_s3_listing *l)
{
    free(l->objects);
    l->objects = NULL;
    l->n = 0;
}

int aws_s3_url_parse(const char *url, char *bucket, size_t bucket_len,
                     char *prefix, size_t prefix_len)
{
    if (strncmp(url, "s3://", 5) != 0)
        return -1;
    const char *b = url + 5;
    const char *slash = strchr(b, '/');
    size_t n = slash ? (size_t)(slash - b) : strlen(b);
    if (n == 0 || n >= bucket_len)
        return -1;
    snprintf(bucket, bucket_len, "%.*s", (int)n, b);
    snprintf(prefix, prefix_len, "%s", slash ? slash + 1 : "");
    return 0;
}
