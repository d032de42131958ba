/* The AWS client's pure parts, testable without a server: SigV4 canonical
 * URI encoding and query strings, error bodies (JSON 1.0 and XML) to AWS
 * code and message, and the standard retry policy's decisions. aws.c does
 * the sending. */
#include "aws/aws.h"

#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void aws_uri_encode(struct buf *out, const char *s, size_t len,
                    bool keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        bool is_unreserved = (ch >= 'A' && ch <= 'Z') ||
                             (ch >= 'a' && ch <= 'z') ||
                             (ch >= '0' && ch <= '9') || ch == '-' ||
                             ch == '.' || ch == '_' || ch == '~';
        if (is_unreserved || (keep_slash && ch == '/')) {
            buf_putc(out, (char)ch);
            continue;
        }
        buf_putc(out, '%');
        buf_putc(out, hex[ch >> 4]);
        buf_putc(out, hex[ch & 15]);
    }
}

struct encoded_param {
    char *name;
    char *value;
};

static int compare_params(const void *a, const void *b)
{
    const struct encoded_param *x = a, *y = b;
    int rc = strcmp(x->name, y->name);
    return rc ? rc : strcmp(x->value, y->value);
}

static char *encode(const char *s)
{
    struct buf b;
    buf_init(&b, 0);
    aws_uri_encode(&b, s, strlen(s), false);
    return buf_detach(&b, NULL);
}

void aws_query_write(struct buf *out, const struct aws_param *params,
                     size_t n)
{
    if (n == 0)
        return;
    struct encoded_param *e = xcalloc(n, sizeof *e);
    for (size_t i = 0; i < n; i++) {
        e[i].name = encode(params[i].name);
        e[i].value = encode(params[i].value);
    }
    /* SigV4 sorts the canonical query by encoded name, then value. */
    qsort(e, n, sizeof *e, compare_params);
    for (size_t i = 0; i < n; i++) {
        buf_putc(out, i == 0 ? '?' : '&');
        buf_printf(out, "%s=%s", e[i].name, e[i].value);
        free(e[i].name);
        free(e[i].value);
    }
    free(e);
}

/* ---- Errors ------------------------------------------------------------ */

bool aws_xml_text(const char *body, size_t len, const char *tag,
                     char *out, size_t outlen)
{
    char open[64], close[64];
    snprintf(open, sizeof open, "<%s>", tag);
    snprintf(close, sizeof close, "</%s>", tag);
    const char *end = body + len;
    const char *p = NULL;
    for (const char *q = body; q + strlen(open) <= end; q++) {
        if (memcmp(q, open, strlen(open)) == 0) {
            p = q + strlen(open);
            break;
        }
    }
    if (p == NULL)
        return false;
    static const struct { const char *ent; char ch; } ents[] = {
        { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
        { "&quot;", '"' }, { "&apos;", '\'' },
    };
    size_t o = 0;
    while (p < end && o + 1 < outlen &&
           (size_t)(end - p) >= strlen(close) &&
           memcmp(p, close, strlen(close)) != 0) {
        char ch = *p++;
        for (size_t i = 0; ch == '&' && i < sizeof ents / sizeof ents[0];
             i++) {
            size_t n = strlen(ents[i].ent) - 1;
            if ((size_t)(end - p) >= n &&
                memcmp(p, ents[i].ent + 1, n) == 0) {
                ch = ents[i].ch;
                p += n;
                break;
            }
        }
        out[o++] = ch;
    }
    out[o] = '\0';
    return true;
}

static void status_code_name(long status, char *out, size_t len)
{
    const char *name = status == 400 ? "BadRequest"
                     : status == 403 ? "Forbidden"
                     : status == 404 ? "NotFound"
                     : status == 301 ? "PermanentRedirect"
                     : status == 503 ? "ServiceUnavailable"
                     : status >= 500 ? "InternalError" : NULL;
    if (name)
        snprintf(out, len, "%s", name);
    else
        snprintf(out, len, "Http%ld", status);
}

static bool json_error(const char *body, size_t len, struct aws_error *err)
{
    cJSON *doc = json_parse(body, len);
    const char *type = json_get_string(doc, "__type");
    if (type == NULL) {
        cJSON_Delete(doc);
        return false;
    }
    const char *hash = strrchr(type, '#');
    snprintf(err->code, sizeof err->code, "%s", hash ? hash + 1 : type);
    const char *msg = json_get_string(doc, "message");
    if (msg == NULL)
        msg = json_get_string(doc, "Message");
    snprintf(err->message, sizeof err->message, "%s", msg ? msg : "");
    cJSON_Delete(doc);
    return true;
}

void aws_error_parse(long status, const char *body, size_t len,
                     struct aws_error *err)
{
    memset(err, 0, sizeof *err);
    err->status = status;
    if (body && len > 0 && json_error(body, len, err))
        return;
    if (body && len > 0 &&
        aws_xml_text(body, len, "Code", err->code, sizeof err->code)) {
        aws_xml_text(body, len, "Message", err->message, sizeof err->message);
        return;
    }
    status_code_name(status, err->code, sizeof err->code);
    snprintf(err->message, sizeof err->message, "HTTP status %ld", status);
}

/* The standard retry mode's lists (AWS SDKs and Tools reference, "Retry
 * behavior"; botocore's retries/standard.py has the same). */
static const char *const throttling_codes[] = {
    "Throttling", "ThrottlingException", "ThrottledException",
    "RequestThrottledException", "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException", "RequestLimitExceeded",
    "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
    "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
};
static const char *const transient_codes[] = {
    "RequestTimeout", "RequestTimeoutException", "InternalError",
    "InternalServerError", "ServiceUnavailable",
};

static bool is_listed(const char *code, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(code, list[i]) == 0)
            return true;
    }
    return false;
}

bool aws_error_is_throttling(const char *code)
{
    return is_listed(code, throttling_codes,
                     sizeof throttling_codes / sizeof throttling_codes[0]);
}

bool aws_error_is_retryable(const struct aws_error *err)
{
    if (err->status == 0 || err->status >= 500)
        return true;
    return aws_error_is_throttling(err->code) ||
           is_listed(err->code, transient_codes,
                     sizeof transient_codes / sizeof transient_codes[0]);
}

long aws_retry_delay_ms(long base_ms, long max_ms, int attempt, double u)
{
    long ceiling = base_ms;
    for (int i = 1; i < attempt && ceiling < max_ms; i++)
        ceiling *= 2;
    if (ceiling > max_ms)
        ceiling = max_ms;
    if (u < 0)
        u = 0;
    if (u >= 1)
        u = 0.999999;
    return (long)(u * (double)ceiling);
}
