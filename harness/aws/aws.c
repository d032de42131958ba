/* Sending AWS requests over libcurl: one easy handle per client (so the
 * connection is kept alive between calls), SigV4 by CURLOPT_AWS_SIGV4, and
 * the standard retry policy with full-jitter backoff and a retry quota.
 * The only file that includes curl.h; see aws.h. libcurl 7.88 (Debian 12)
 * signs the query string as given and sends no x-amz-content-sha256, so the
 * query arrives canonical from aws_query_write and the S3 payload hash is
 * added here. */
#include "aws/aws.h"

#include "base/buf.h"
#include "base/crypto.h"
#include "base/mem.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* The most a response body may hold: GetRecords pages are at most 1 MB and
 * S3 objects written by the sync components are bounded by their batches;
 * 256 MiB leaves room for objects written by others. */
#define AWS_MAX_RESPONSE_BYTES ((size_t)256 << 20)
#define AWS_MAX_HEADERS 32

struct aws_client {
    struct aws_config cfg;  /* owned copy */
    CURL *curl;             /* kept between calls for keep-alive */
    struct aws_retry_hooks hooks;
    struct aws_error error;
    int quota;              /* the standard mode's retry tokens */
    uint64_t retries;
    char curl_err[CURL_ERROR_SIZE];
};

static double real_random(void *ctx)
{
    (void)ctx;
    uint64_t r;
    crypto_random(&r, sizeof r);
    return (double)(r >> 11) / (double)(UINT64_C(1) << 53);
}

static void real_sleep(void *ctx, long ms)
{
    (void)ctx;
    struct timespec ts = { .tv_sec = ms / 1000,
                           .tv_nsec = (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0) {
    }
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

struct aws_client *aws_client_new(const struct aws_config *cfg)
{
    struct aws_client *c = xcalloc(1, sizeof *c);
    c->cfg = *cfg;
    c->cfg.endpoint = dup_or_null(cfg->endpoint);
    c->cfg.region = xstrdup(cfg->region ? cfg->region : "us-east-1");
    c->cfg.access_key_id = dup_or_null(cfg->access_key_id);
    c->cfg.secret_access_key = dup_or_null(cfg->secret_access_key);
    c->cfg.session_token = dup_or_null(cfg->session_token);
    if (c->cfg.max_attempts < 1)
        c->cfg.max_attempts = 1;
    c->curl = curl_easy_init();
    if (c->curl == NULL)
        abort();
    c->hooks.random = real_random;
    c->hooks.sleep_ms = real_sleep;
    c->quota = AWS_RETRY_QUOTA;
    return c;
}

void aws_client_free(struct aws_client *c)
{
    if (c == NULL)
        return;
    curl_easy_cleanup(c->curl);
    aws_config_clear(&c->cfg);
    free(c);
}

void aws_client_set_retry_hooks(struct aws_client *c,
                                const struct aws_retry_hooks *hooks)
{
    c->hooks.random = hooks->random ? hooks->random : real_random;
    c->hooks.sleep_ms = hooks->sleep_ms ? hooks->sleep_ms : real_sleep;
    c->hooks.ctx = hooks->ctx;
}

const struct aws_error *aws_client_error(const struct aws_client *c)
{
    return &c->error;
}

uint64_t aws_client_retries(const struct aws_client *c)
{
    return c->retries;
}

/* With an endpoint: path style (ENDPOINT/BUCKET/KEY), as MinIO and dynalake
 * expect. Without: AWS's regional endpoint, virtual-hosted for S3 buckets
 * (path style is not served for buckets created since 2020). */
void aws_client_url(const struct aws_client *c, const struct aws_request *req,
                    struct buf *out)
{
    if (c->cfg.endpoint) {
        buf_puts(out, c->cfg.endpoint);
        if (req->bucket) {
            buf_putc(out, '/');
            aws_uri_encode(out, req->bucket, strlen(req->bucket), false);
        }
    } else if (req->bucket) {
        buf_printf(out, "https://%s.%s.%s.amazonaws.com", req->bucket,
                   req->host_prefix, c->cfg.region);
    } else {
        buf_printf(out, "https://%s.%s.amazonaws.com", req->host_prefix,
                   c->cfg.region);
    }
    const char *path = req->path ? req->path : "/";
    if (req->bucket && strcmp(path, "/") == 0 && c->cfg.endpoint)
        path = "";
    aws_uri_encode(out, path, strlen(path), true);
    if (*path == '\0' && !c->cfg.endpoint)
        buf_putc(out, '/');
    aws_query_write(out, req->params, req->n_params);
}

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
    struct buf *b = arg;
    buf_append(b, p, size * n);
    return buf_failed(b) ? 0 : size * n;
}

/* Header lines for one attempt; the caller frees the list. */
static struct curl_slist *build_headers(const struct aws_client *c,
                                        const struct aws_request *req)
{
    struct curl_slist *list = NULL;
    bool has_type = false;
    for (size_t i = 0; req->headers && req->headers[i]; i++) {
        list = curl_slist_append(list, req->headers[i]);
        has_type |= strncasecmp(req->headers[i], "content-type:", 13) == 0;
    }
    /* libcurl would add a form Content-Type to every body, and Expect:
     * 100-continue to large ones (a round trip for nothing). */
    if (!has_type && req->body)
        list = curl_slist_append(list, "Content-Type: "
                                       "application/octet-stream");
    list = curl_slist_append(list, "Expect:");
    if (strcmp(req->service, "s3") == 0) {
        uint8_t digest[CRYPTO_SHA256_LEN];
        char hex[2 * CRYPTO_SHA256_LEN + 1];
        char line[128];
        crypto_sha256(req->body ? req->body : "", req->body_len, digest);
        crypto_hex(digest, sizeof digest, hex);
        snprintf(line, sizeof line, "x-amz-content-sha256: %s", hex);
        list = curl_slist_append(list, line);
    }
    if (c->cfg.session_token) {
        struct buf line;
        buf_init(&line, 0);
        buf_printf(&line, "X-Amz-Security-Token: %s", c->cfg.session_token);
        list = curl_slist_append(list, buf_cstr(&line));
        buf_clear(&line);
    }
    return list;
}

static void set_method(CURL *curl, const struct aws_request *req)
{
    if (strcmp(req->method, "HEAD") == 0) {
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (strcmp(req->method, "GET") == 0) {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, req->method);
    }
    if (req->body || strcmp(req->method, "PUT") == 0 ||
        strcmp(req->method, "POST") == 0) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req->body ? req->body : "");
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)req->body_len);
    }
}

/* One attempt. Returns the HTTP status, or 0 on a transport failure (with
 * c->error filled). */
static long attempt_once(struct aws_client *c, const struct aws_request *req,
                         struct buf *out, bool *is_timeout)
{
    CURL *curl = c->curl;
    struct buf url;
    char sigv4[128];
    buf_init(&url, 0);
    aws_client_url(c, req, &url);
    snprintf(sigv4, sizeof sigv4, "aws:amz:%s:%s", c->cfg.region,
             req->service);
    struct curl_slist *headers = build_headers(c, req);
    /* reset keeps the connection cache: the next call reuses the socket. */
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, buf_cstr(&url));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     c->cfg.connect_timeout_ms);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, c->cfg.timeout_ms);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, c->curl_err);
    curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, sigv4);
    curl_easy_setopt(curl, CURLOPT_USERNAME, c->cfg.access_key_id);
    curl_easy_setopt(curl, CURLOPT_PASSWORD, c->cfg.secret_access_key);
    set_method(curl, req);
    c->curl_err[0] = '\0';
    buf_reset(out);
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    if (rc == CURLE_OK) {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    } else {
        memset(&c->error, 0, sizeof c->error);
        *is_timeout = rc == CURLE_OPERATION_TIMEDOUT;
        snprintf(c->error.code, sizeof c->error.code, "%s",
                 *is_timeout ? "RequestTimeout" : "NetworkError");
        snprintf(c->error.message, sizeof c->error.message, "%s: %s",
                 buf_cstr(&url),
                 c->curl_err[0] ? c->curl_err : curl_easy_strerror(rc));
    }
    curl_slist_free_all(headers);
    buf_clear(&url);
    return status;
}

int aws_client_send(struct aws_client *c, const struct aws_request *req,
                    struct buf *out)
{
    int cost = 0;
    out->max = AWS_MAX_RESPONSE_BYTES;
    for (int attempt = 1;; attempt++) {
        bool is_timeout = false;
        long status = attempt_once(c, req, out, &is_timeout);
        if (status >= 200 && status < 300) {
            /* A success returns the tokens its retries took, or one. */
            c->quota += cost ? cost : 1;
            if (c->quota > AWS_RETRY_QUOTA)
                c->quota = AWS_RETRY_QUOTA;
            memset(&c->error, 0, sizeof c->error);
            return 0;
        }
        if (status != 0)
            aws_error_parse(status, out->data, out->len, &c->error);
        cost = is_timeout ? AWS_RETRY_TIMEOUT_COST : AWS_RETRY_COST;
        if (!aws_error_is_retryable(&c->error) ||
            attempt >= c->cfg.max_attempts || c->quota < cost)
            return -1;
        c->quota -= cost;
        c->retries++;
        double u = c->hooks.random(c->hooks.ctx);
        c->hooks.sleep_ms(c->hooks.ctx,
                          aws_retry_delay_ms(c->cfg.retry_base_ms,
                                             c->cfg.retry_max_backoff_ms,
                                             attempt, u));
    }
}
