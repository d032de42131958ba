/* Helpers shared by the S3 handlers (see s3_internal.h) and the pieces of
 * S3 the pipeline calls (see s3.h): error documents, request-id headers,
 * ARNs. */
#include "s3/s3.h"
#include "s3/s3_internal.h"

#include "base/buf.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/mem.h"
#include "base/xml.h"
#include "http/call.h"
#include "http/ops.h"
#include "s3/s3_xml.h"
#include "state.h"
#include "store/store_s3.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

const char *s3_bucket_name(const struct call *c)
{
    const char *b = json_get_string(c->input, "Bucket");
    return b ? b : "";
}

const char *s3_key(const struct call *c)
{
    const char *k = json_get_string(c->input, "Key");
    return k ? k : "";
}

const char *s3_param(const struct call *c, const char *name)
{
    return json_get_string(json_get(c->input, "Query"), name);
}

void s3_xml_open(struct call *c, const char *root)
{
    buf_reset(&c->out);
    buf_printf(&c->out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<%s xmlns=\"" S3_XMLNS "\">", root);
    c->content_type = "application/xml";
}

void s3_xml_close(struct call *c, const char *root)
{
    buf_printf(&c->out, "</%s>", root);
}

/* S3's encoding-type=url: every byte but unreserved ones as %XX, and '/'
 * kept, as the SDKs decode it. */
static void put_url_encoded(struct buf *b, const char *s, size_t len)
{
    static const char digits[] = "0123456789ABCDEF";
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~' ||
            ch == '/') {
            buf_putc(b, (char)ch);
        } else {
            char esc[3] = { '%', digits[ch >> 4], digits[ch & 15] };
            buf_append(b, esc, 3);
        }
    }
}

void s3_xml_key(struct buf *b, const char *name, const char *key, size_t len,
                bool is_url)
{
    buf_printf(b, "<%s>", name);
    if (is_url) {
        put_url_encoded(b, key, len);
    } else {
        char *copy = xmalloc(len + 1);
        memcpy(copy, key, len);
        copy[len] = '\0';
        xml_write_text(b, copy);
        free(copy);
    }
    buf_printf(b, "</%s>", name);
}

void s3_xml_int(struct buf *b, const char *name, long long v)
{
    buf_printf(b, "<%s>%lld</%s>", name, v, name);
}

/* The canonical user id S3 shows as Owner/ID: 64 hex digits, here derived
 * from the account so that it is stable. */
static void owner_id(const struct call *c, char out[65])
{
    uint8_t digest[CRYPTO_SHA256_LEN];
    crypto_sha256(c->emu->account, strlen(c->emu->account), digest);
    crypto_hex(digest, sizeof digest, out);
}

void s3_write_owner(const struct call *c, struct buf *b)
{
    char id[65];
    owner_id(c, id);
    buf_puts(b, "<Owner>");
    xml_write_element(b, "ID", id);
    xml_write_element(b, "DisplayName", "dynalake");
    buf_puts(b, "</Owner>");
}

/* Dates are written digit by digit: ListObjectsV2 writes one per key, and
 * strftime and snprintf cost more than the rest of an entry. Years outside
 * 0..9999 (a virtual clock can be set anywhere) take snprintf's way. */
static char *put_digits(char *p, int v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + n;
}

static bool to_tm(int64_t ms, struct tm *tm)
{
    time_t secs = (time_t)(ms / 1000);
    return ms >= 0 && gmtime_r(&secs, tm) && tm->tm_year + 1900 <= 9999;
}

void s3_format_iso8601(int64_t ms, char *out)
{
    struct tm tm;
    if (!to_tm(ms, &tm)) {
        time_t secs = (time_t)(ms / 1000);
        gmtime_r(&secs, &tm);
        size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(out + n, 32 - n, ".%03dZ", (int)(ms % 1000));
        return;
    }
    char *p = put_digits(out, tm.tm_year + 1900, 4);
    *p++ = '-';
    p = put_digits(p, tm.tm_mon + 1, 2);
    *p++ = '-';
    p = put_digits(p, tm.tm_mday, 2);
    *p++ = 'T';
    p = put_digits(p, tm.tm_hour, 2);
    *p++ = ':';
    p = put_digits(p, tm.tm_min, 2);
    *p++ = ':';
    p = put_digits(p, tm.tm_sec, 2);
    *p++ = '.';
    p = put_digits(p, (int)(ms % 1000), 3);
    memcpy(p, "Z", 2);
}

void s3_format_http_date(int64_t ms, char *out)
{
    static const char days[][4] = { "Sun", "Mon", "Tue", "Wed", "Thu",
                                    "Fri", "Sat" };
    static const char months[][4] = { "Jan", "Feb", "Mar", "Apr", "May",
                                      "Jun", "Jul", "Aug", "Sep", "Oct",
                                      "Nov", "Dec" };
    struct tm tm;
    if (!to_tm(ms, &tm)) {
        time_t secs = (time_t)(ms / 1000);
        gmtime_r(&secs, &tm);
        snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d GMT",
                 days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
                 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
        return;
    }
    memcpy(out, days[tm.tm_wday], 3);
    char *p = out + 3;
    *p++ = ',';
    *p++ = ' ';
    p = put_digits(p, tm.tm_mday, 2);
    *p++ = ' ';
    memcpy(p, months[tm.tm_mon], 3);
    p += 3;
    *p++ = ' ';
    p = put_digits(p, tm.tm_year + 1900, 4);
    *p++ = ' ';
    p = put_digits(p, tm.tm_hour, 2);
    *p++ = ':';
    p = put_digits(p, tm.tm_min, 2);
    *p++ = ':';
    p = put_digits(p, tm.tm_sec, 2);
    memcpy(p, " GMT", 5);
}

int s3_parse_http_date(const char *s, int64_t *ms)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    char wday[4], mon[4];
    int day, year, h, m, sec;
    if (sscanf(s, "%3s, %d %3s %d %d:%d:%d GMT", wday, &day, mon, &year, &h,
               &m, &sec) != 7)
        return -1;
    const char *p = strstr(months, mon);
    if (p == NULL || (p - months) % 3 != 0)
        return -1;
    struct tm tm = { .tm_sec = sec, .tm_min = m, .tm_hour = h,
                     .tm_mday = day, .tm_mon = (int)((p - months) / 3),
                     .tm_year = year - 1900 };
    *ms = (int64_t)timegm(&tm) * 1000;
    return 0;
}

void s3_detail(struct call *c, const char *name, const char *value)
{
    if (c->err_detail == NULL)
        c->err_detail = cJSON_CreateObject();
    cJSON_AddStringToObject(c->err_detail, name, value);
}

int s3_fail_no_bucket(struct call *c, const char *bucket)
{
    call_fail(c, AWS_ERR_S3_NO_SUCH_BUCKET, "The specified bucket does not "
              "exist");
    s3_detail(c, "BucketName", bucket);
    return -1;
}

int s3_fail_no_key(struct call *c, const char *key)
{
    call_fail(c, AWS_ERR_S3_NO_SUCH_KEY, "The specified key does not "
              "exist.");
    s3_detail(c, "Key", key);
    return -1;
}

int s3_fail_no_upload(struct call *c, const char *upload_id)
{
    call_fail(c, AWS_ERR_S3_NO_SUCH_UPLOAD, "The specified upload does not "
              "exist. The upload ID may be invalid, or the upload may have "
              "been aborted or completed.");
    s3_detail(c, "UploadId", upload_id ? upload_id : "");
    return -1;
}

int s3_fail_store(struct call *c)
{
    return call_fail(c, AWS_ERR_INTERNAL, "We encountered an internal error. "
                     "Please try again.");
}

int s3_check_key(struct call *c)
{
    size_t len = strlen(s3_key(c));
    if (len <= S3_MAX_KEY_BYTES)
        return 0;
    call_fail(c, AWS_ERR_S3_KEY_TOO_LONG, "Your key is too long");
    char n[32];
    snprintf(n, sizeof n, "%zu", len);
    s3_detail(c, "Size", n);
    s3_detail(c, "MaxSizeAllowed", "1024");
    return -1;
}

enum store_result s3_bucket_exists(struct store_tx *tx, const char *bucket)
{
    return store_s3_bucket_get(tx, bucket, NULL, NULL);
}

static int url_decode(const char *s, size_t len, struct buf *out)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '%') {
            buf_putc(out, s[i]);
            continue;
        }
        char hex[3] = { 0 };
        if (i + 2 >= len)
            return -1;
        hex[0] = s[i + 1];
        hex[1] = s[i + 2];
        if (!isxdigit((unsigned char)hex[0]) ||
            !isxdigit((unsigned char)hex[1]))
            return -1;
        buf_putc(out, (char)strtol(hex, NULL, 16));
        i += 2;
    }
    return 0;
}

int s3_copy_source(struct call *c, struct buf *bucket, struct buf *key)
{
    const char *src = call_header(c, "x-amz-copy-source");
    if (src && src[0] == '/')
        src++;
    const char *slash = src ? strchr(src, '/') : NULL;
    if (slash == NULL || slash == src || slash[1] == '\0')
        return call_fail(c, AWS_ERR_S3_INVALID_ARGUMENT, "Invalid copy "
                         "source object key");
    size_t key_len = strcspn(slash + 1, "?");
    if (url_decode(src, (size_t)(slash - src), bucket) < 0 ||
        url_decode(slash + 1, key_len, key) < 0 || key->len == 0)
        return call_fail(c, AWS_ERR_S3_INVALID_ARGUMENT, "Invalid copy "
                         "source object key");
    return 0;
}

/* Standard headers S3 stores with an object and returns on GET/HEAD. */
static const char *const stored_headers[] = {
    "Cache-Control", "Content-Disposition", "Content-Encoding",
    "Content-Language", "Expires", "x-amz-website-redirect-location",
    "x-amz-storage-class",
};

char *s3_meta_from_request(const struct call *c)
{
    cJSON *meta = cJSON_CreateObject();
    for (size_t i = 0; i < c->n_headers; i++) {
        const char *name = c->headers[i].name;
        if (strncasecmp(name, "x-amz-meta-", 11) != 0)
            continue;
        char lower[256];
        size_t n = strlen(name);
        if (n >= sizeof lower)
            continue;
        for (size_t j = 0; j <= n; j++)
            lower[j] = (char)tolower((unsigned char)name[j]);
        if (json_get(meta, lower) == NULL)
            cJSON_AddStringToObject(meta, lower, c->headers[i].value);
    }
    for (size_t i = 0; i < sizeof stored_headers / sizeof stored_headers[0];
         i++) {
        const char *v = call_header(c, stored_headers[i]);
        /* aws-chunked is transfer framing, not the object's encoding. */
        if (v && strcasecmp(stored_headers[i], "Content-Encoding") == 0 &&
            strncasecmp(v, "aws-chunked", 11) == 0)
            v = v[11] == ',' ? v + 12 : NULL;
        if (v && *v)
            cJSON_AddStringToObject(meta, stored_headers[i], v);
    }
    char *out = cJSON_GetArraySize(meta) ? cJSON_PrintUnformatted(meta) : NULL;
    cJSON_Delete(meta);
    return out;
}

void s3_meta_to_response(struct call *c, const char *meta)
{
    if (meta == NULL)
        return;
    cJSON *m = json_parse(meta, strlen(meta));
    const cJSON *item;
    cJSON_ArrayForEach(item, m) {
        if (cJSON_IsString(item))
            call_add_header(c, item->string, item->valuestring);
    }
    cJSON_Delete(m);
}

/* --- What the pipeline calls -------------------------------------------- */

static bool has_no_body(const struct call *c, unsigned status)
{
    return strcmp(c->method, "HEAD") == 0 || status == 304;
}

void s3_write_error(struct call *c)
{
    unsigned status = aws_error_s3_status(c->err);
    c->status = status;
    c->has_head_length = false;
    buf_reset(&c->out);
    if (has_no_body(c, status)) {
        c->content_type = NULL;
        return;
    }
    c->content_type = "application/xml";
    buf_puts(&c->out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>");
    xml_write_element(&c->out, "Code", aws_error_s3_code(c->err));
    xml_write_element(&c->out, "Message", c->err_message ? c->err_message
                                                         : "");
    const cJSON *item;
    cJSON_ArrayForEach(item, c->err_detail) {
        if (cJSON_IsString(item)) {
            xml_write_element(&c->out, item->string, item->valuestring);
        } else if (cJSON_IsNumber(item)) {
            char n[32];
            snprintf(n, sizeof n, "%.0f", item->valuedouble);
            xml_write_element(&c->out, item->string, n);
        }
    }
    xml_write_element(&c->out, "RequestId", c->request_id);
    xml_write_element(&c->out, "HostId", c->request_id);
    buf_puts(&c->out, "</Error>");
}

void s3_add_request_headers(struct call *c)
{
    /* S3 request ids are 16 upper-case characters. */
    char id[17];
    snprintf(id, sizeof id, "%.16s", c->request_id);
    call_add_header(c, "x-amz-request-id", id);
    call_add_header(c, "x-amz-id-2", c->request_id);
}

char *s3_arn(const char *bucket, const char *key)
{
    const char *const parts[] = { "arn:aws:s3:::", bucket, key ? "/" : NULL,
                                  key };
    return xstrjoin(parts, sizeof parts / sizeof parts[0]);
}

char *s3_copy_source_arn(struct call *c)
{
    struct buf bucket, key;
    buf_init(&bucket, 0);
    buf_init(&key, 0);
    char *arn = NULL;
    if (s3_copy_source(c, &bucket, &key) == 0)
        arn = s3_arn(buf_cstr(&bucket), buf_cstr(&key));
    buf_clear(&bucket);
    buf_clear(&key);
    return arn;
}

void s3_delete_objects_arns(struct call *c, struct op_resources *out)
{
    struct s3_delete_list list;
    if (s3_xml_parse_delete(c->body, c->body_len, &list) == 0) {
        for (size_t i = 0; i < list.n; i++)
            op_resources_add(out, NULL,
                             s3_arn(s3_bucket_name(c), list.keys[i].key));
    }
    s3_xml_delete_clear(&list);
}
