/* Sending AWS requests over libcurl: one easy handle per client, set up
 * once and kept (so the connection stays alive and a call only sets what
 * differs), SigV4 by aws_sign (the signing key derived once per scope), and
 * the standard retry policy with full-jitter backoff and a retry quota.
 * The only file that calls libcurl (through curl_lib); see aws.h. Every header sent is
 * signed, Host included (set here, so what is signed is what is sent); S3
 * requests carry x-amz-content-sha256, as the SDKs send it. */
#include "aws/aws.h"

#include "aws/aws_sign.h"
#include "aws/curl_lib.h"
#include "base/buf.h"
#include "base/crypto.h"
#include "base/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* The most a response body may hold: GetRecords pages are at most 1 MB and
 * S3 objects written by the sync components are bounded by their batches;
 * 256 MiB leaves room for objects written by others. */
#define AWS_MAX_RESPONSE_BYTES ((size_t)256 << 20)

struct aws_client {
    struct aws_config cfg;  /* owned copy */
    const struct curl_lib *lib; /* libcurl's calls */
    CURL *curl;             /* kept between calls for keep-alive */
    struct aws_signer signer; /* borrows cfg's credentials */
    struct buf url;         /* the attempt's URL, reused */
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

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
    struct buf *b = arg;
    buf_append(b, p, size * n);
    return buf_failed(b) ? 0 : size * n;
}

/* What every call shares, set once: a call sets only URL, headers, method
 * and body, so the handle is never reset. */
static void setup_handle(struct aws_client *c)
{
    CURL *curl = c->curl;
    c->lib->easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
    c->lib->easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    c->lib->easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    c->lib->easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                        c->cfg.connect_timeout_ms);
    c->lib->easy_setopt(curl, CURLOPT_TIMEOUT_MS, c->cfg.timeout_ms);
    c->lib->easy_setopt(curl, CURLOPT_ERRORBUFFER, c->curl_err);
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
    c->lib = curl_lib();
    c->curl = c->lib->easy_init();
    if (c->curl == NULL)
        abort();
    setup_handle(c);
    buf_init(&c->url, 0);
    aws_signer_init(&c->signer, c->cfg.access_key_id ? c->cfg.access_key_id
                                                     : "",
                    c->cfg.secret_access_key ? c->cfg.secret_access_key : "");
    c->hooks.random = real_random;
    c->hooks.sleep_ms = real_sleep;
    c->quota = AWS_RETRY_QUOTA;
    return c;
}

void aws_client_free(struct aws_client *c)
{
    if (c == NULL)
        return;
    c->lib->easy_cleanup(c->curl);
    aws_signer_clear(&c->signer);
    buf_clear(&c->url);
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

/* The headers of one attempt, as signed and as sent; values borrowed from
 * the request and the client, or held here. */
struct attempt_headers {
    struct aws_sign_header list[AWS_SIGN_MAX_HEADERS];
    size_t n;
    bool is_unsignable;    /* too many headers, or a line without ':' */
    bool has_type;         /* a Content-Type is among them */
    char names[1024];      /* the caller's header names, each with a NUL */
    size_t names_len;
    char host[256];
    char date[AWS_SIGN_DATE_LEN];
    char payload_hash[AWS_SIGN_HASH_LEN];
};

static void add_header(struct attempt_headers *h, const char *name,
                       const char *value)
{
    if (h->n == AWS_SIGN_MAX_HEADERS) {
        h->is_unsignable = true;
        return;
    }
    h->list[h->n++] = (struct aws_sign_header){ name, value };
}

/* One of the caller's "Name: value" lines; the name is copied to end it. */
static void add_line(struct attempt_headers *h, const char *line)
{
    const char *colon = strchr(line, ':');
    size_t len = colon ? (size_t)(colon - line) : 0;
    if (colon == NULL || h->names_len + len + 1 > sizeof h->names) {
        h->is_unsignable = true;
        return;
    }
    char *name = h->names + h->names_len;
    memcpy(name, line, len);
    name[len] = '\0';
    h->names_len += len + 1;
    const char *value = colon + 1;
    value += strspn(value, " ");
    add_header(h, name, value);
}

/* Where the URL's authority (the Host header) starts and its length. */
static const char *authority(const char *url, size_t *len)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    *len = strcspn(p, "/?");
    return p;
}

/* Every header the attempt signs: Host, X-Amz-Date, the session token,
 * S3's payload hash, the caller's, and a Content-Type for a body. */
static void collect_headers(const struct aws_client *c,
                            const struct aws_request *req, const char *url,
                            struct attempt_headers *h)
{
    size_t host_len;
    const char *host = authority(url, &host_len);
    h->n = 0;
    h->is_unsignable = false;
    h->has_type = false;
    h->names_len = 0;
    snprintf(h->host, sizeof h->host, "%.*s", (int)host_len, host);
    aws_sign_date(time(NULL), h->date);
    aws_sign_payload_hash(req->body, req->body_len, h->payload_hash);
    add_header(h, "Host", h->host);
    add_header(h, "X-Amz-Date", h->date);
    if (c->cfg.session_token)
        add_header(h, "X-Amz-Security-Token", c->cfg.session_token);
    if (strcmp(req->service, "s3") == 0)
        add_header(h, "x-amz-content-sha256", h->payload_hash);
    for (size_t i = 0; req->headers && req->headers[i]; i++) {
        add_line(h, req->headers[i]);
        h->has_type |= strncasecmp(req->headers[i], "content-type:", 13) == 0;
    }
    /* Else libcurl would add a form Content-Type to the body, unsigned. */
    if (!h->has_type && req->body)
        add_header(h, "Content-Type", "application/octet-stream");
}

/* Signs the attempt to url: the Authorization line into out. -1 when the
 * headers cannot be signed. */
static int authorize(struct aws_client *c, const struct aws_request *req,
                     const char *url, const struct attempt_headers *h,
                     struct buf *out)
{
    size_t host_len;
    const char *path = authority(url, &host_len) + host_len;
    const char *query = strchr(path, '?');
    struct buf canonical_uri;
    buf_init(&canonical_uri, 0);
    buf_append(&canonical_uri, path,
               query ? (size_t)(query - path) : strlen(path));
    struct aws_sign_request sr = {
        .method = req->method, .path = buf_cstr(&canonical_uri),
        .query = query ? query + 1 : "", .headers = h->list,
        .n_headers = h->n, .payload_hash = h->payload_hash, .date = h->date,
        .region = c->cfg.region, .service = req->service,
    };
    buf_puts(out, "Authorization: ");
    int rc = h->is_unsignable ? -1 : aws_signer_sign(&c->signer, &sr, out);
    buf_clear(&canonical_uri);
    return rc;
}

/* The attempt's header lines for curl, signed; the caller frees the list.
 * NULL when the request cannot be signed. */
static struct curl_slist *header_lines(struct aws_client *c,
                                       const struct aws_request *req,
                                       const char *url)
{
    struct attempt_headers h;
    struct buf line;
    buf_init(&line, 0);
    collect_headers(c, req, url, &h);
    if (authorize(c, req, url, &h, &line) < 0) {
        buf_clear(&line);
        return NULL;
    }
    struct curl_slist *list = c->lib->slist_append(NULL, buf_cstr(&line));
    for (size_t i = 0; i < h.n; i++) {
        buf_reset(&line);
        buf_printf(&line, "%s: %s", h.list[i].name, h.list[i].value);
        list = c->lib->slist_append(list, buf_cstr(&line));
    }
    /* No Expect: 100-continue before large bodies (a round trip for
     * nothing), and no form Content-Type on an empty PUT or POST. */
    list = c->lib->slist_append(list, "Expect:");
    if (!h.has_type && req->body == NULL)
        list = c->lib->slist_append(list, "Content-Type:");
    buf_clear(&line);
    return list;
}

/* The method and body; every option another method may have set is set
 * again, since the handle is reused without a reset. */
static void set_method(const struct aws_client *c,
                       const struct aws_request *req)
{
    const struct curl_lib *lib = c->lib;
    bool is_head = strcmp(req->method, "HEAD") == 0;
    bool is_get = strcmp(req->method, "GET") == 0;
    /* HTTPGET also clears NOBODY and any earlier body. */
    lib->easy_setopt(c->curl, CURLOPT_HTTPGET, 1L);
    lib->easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST,
                     is_head || is_get ? NULL : req->method);
    if (is_head)
        lib->easy_setopt(c->curl, CURLOPT_NOBODY, 1L);
    if (req->body || strcmp(req->method, "PUT") == 0 ||
        strcmp(req->method, "POST") == 0) {
        lib->easy_setopt(c->curl, CURLOPT_POSTFIELDS,
                         req->body ? req->body : "");
        lib->easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)req->body_len);
    }
}

static void transport_error(struct aws_client *c, const char *url,
                            CURLcode rc, bool *is_timeout)
{
    memset(&c->error, 0, sizeof c->error);
    *is_timeout = rc == CURLE_OPERATION_TIMEDOUT;
    snprintf(c->error.code, sizeof c->error.code, "%s",
             *is_timeout ? "RequestTimeout" : "NetworkError");
    snprintf(c->error.message, sizeof c->error.message, "%s: %s", url,
             c->curl_err[0] ? c->curl_err : c->lib->easy_strerror(rc));
}

/* One attempt, signed afresh (the date moves between retries). Returns the
 * HTTP status, or 0 on a transport failure (with c->error filled). */
static long attempt_once(struct aws_client *c, const struct aws_request *req,
                         struct buf *out, bool *is_timeout)
{
    CURL *curl = c->curl;
    buf_reset(&c->url);
    aws_client_url(c, req, &c->url);
    const char *url = buf_cstr(&c->url);
    struct curl_slist *headers = header_lines(c, req, url);
    if (headers == NULL) {
        memset(&c->error, 0, sizeof c->error);
        snprintf(c->error.code, sizeof c->error.code, "SigningError");
        snprintf(c->error.message, sizeof c->error.message,
                 "%s: more than %d headers, or a line without ':'", url,
                 AWS_SIGN_MAX_HEADERS);
        return 0;
    }
    c->lib->easy_setopt(curl, CURLOPT_URL, url);
    c->lib->easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    c->lib->easy_setopt(curl, CURLOPT_WRITEDATA, out);
    set_method(c, req);
    c->curl_err[0] = '\0';
    buf_reset(out);
    CURLcode rc = c->lib->easy_perform(curl);
    long status = 0;
    if (rc == CURLE_OK)
        c->lib->easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    else
        transport_error(c, url, rc, is_timeout);
    /* The handle keeps the pointer: unset it before the list goes. */
    c->lib->easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
    c->lib->slist_free_all(headers);
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
