/* Integration test client; see client.h. */
#include "client.h"

#include "base/buf.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/mem.h"
#include "emulator.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static struct emulator *shared;
static char base_url[64];

static void stop_shared(void)
{
    emulator_stop(shared);
    shared = NULL;
    curl_global_cleanup();
}

const char *client_start(void)
{
    if (shared)
        return base_url;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    struct emulator_config cfg;
    emulator_config_init(&cfg);
    cfg.port = 0;
    cfg.threads = 2;
    shared = emulator_start(&cfg);
    if (shared == NULL) {
        fprintf(stderr, "cannot start the emulator\n");
        exit(1);
    }
    snprintf(base_url, sizeof base_url, "http://127.0.0.1:%u",
             emulator_port(shared));
    atexit(stop_shared);
    return base_url;
}

void client_reset(void)
{
    struct response r = client_raw("POST", "/_dynalake/reset", NULL, "", 0, 0);
    if (r.status != 200) {
        fprintf(stderr, "reset failed: %ld %s\n", r.status, r.body);
        exit(1);
    }
    response_free(&r);
}

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
    buf_append(arg, p, size * n);
    return size * n;
}

/* One request; sigv4 is libcurl's CURLOPT_AWS_SIGV4 provider string, or
 * NULL for an unsigned request. */
static struct response perform(const char *method, const char *path,
                               const char *const *headers, const char *body,
                               size_t body_len, const char *sigv4)
{
    struct response r = { 0 };
    struct buf data, head;
    buf_init(&data, 0);
    buf_init(&head, 0);
    char url[2048];
    snprintf(url, sizeof url, "%s%s", client_start(), path);
    CURL *curl = curl_easy_init();
    struct curl_slist *list = NULL;
    for (size_t i = 0; headers && headers[i]; i++)
        list = curl_slist_append(list, headers[i]);
    /* libcurl would otherwise add its own Content-Type and Expect. */
    list = curl_slist_append(list, "Expect:");
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &data);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_data);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &head);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    if (body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)body_len);
    }
    if (sigv4) {
        curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, sigv4);
        curl_easy_setopt(curl, CURLOPT_USERPWD, "AKIDTEST:secretkey");
    }
    CURLcode rc = curl_easy_perform(curl);
    if (rc != CURLE_OK) {
        fprintf(stderr, "request failed: %s\n", curl_easy_strerror(rc));
        exit(1);
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
    curl_easy_cleanup(curl);
    curl_slist_free_all(list);
    r.body = buf_detach(&data, &r.len);
    r.headers = buf_detach(&head, NULL);
    r.json = json_parse(r.body, r.len);
    return r;
}

struct response client_raw(const char *method, const char *path,
                           const char *const *headers, const char *body,
                           size_t body_len, int is_signed)
{
    return perform(method, path, headers, body, body_len,
                   is_signed ? "aws:amz:us-east-1:dynamodb" : NULL);
}

struct response client_s3(const char *method, const char *path,
                          const char *const *headers, const char *body,
                          size_t body_len)
{
    uint8_t digest[CRYPTO_SHA256_LEN];
    char hex[2 * CRYPTO_SHA256_LEN + 1];
    char sha[128];
    const char *all[64];
    size_t n = 0;
    bool has_sha = false;
    for (size_t i = 0; headers && headers[i] && n + 2 < 64; i++) {
        has_sha |= strncasecmp(headers[i], "x-amz-content-sha256:", 21) == 0;
        all[n++] = headers[i];
    }
    if (!has_sha) {
        crypto_sha256(body ? body : "", body ? body_len : 0, digest);
        crypto_hex(digest, sizeof digest, hex);
        snprintf(sha, sizeof sha, "x-amz-content-sha256: %s", hex);
        all[n++] = sha;
    }
    all[n] = NULL;
    return perform(method, path, all, body, body_len,
                   "aws:amz:us-east-1:s3");
}

struct response client_ddb(const char *op, const char *body)
{
    char target[128];
    snprintf(target, sizeof target, "X-Amz-Target: DynamoDB_20120810.%s", op);
    const char *headers[] = { target,
                              "Content-Type: application/x-amz-json-1.0",
                              NULL };
    return client_raw("POST", "/", headers, body, strlen(body), 1);
}

struct response client_streams(const char *op, const char *body)
{
    char target[128];
    snprintf(target, sizeof target,
             "X-Amz-Target: DynamoDBStreams_20120810.%s", op);
    const char *headers[] = { target,
                              "Content-Type: application/x-amz-json-1.0",
                              NULL };
    return client_raw("POST", "/", headers, body, strlen(body), 1);
}

void response_header(const struct response *r, const char *name, char *out,
                     size_t outlen)
{
    size_t n = strlen(name);
    out[0] = '\0';
    for (const char *line = r->headers; line && *line;) {
        const char *end = strstr(line, "\r\n");
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len > n && strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;
            while (*v == ' ')
                v++;
            snprintf(out, outlen, "%.*s", (int)(len - (size_t)(v - line)), v);
            return;
        }
        line = end ? end + 2 : line + len;
    }
}

const char *response_error(const struct response *r)
{
    const char *type = json_get_string(r->json, "__type");
    if (type == NULL)
        return "";
    const char *hash = strchr(type, '#');
    return hash ? hash + 1 : type;
}

const char *response_message(const struct response *r)
{
    const char *m = json_get_string(r->json, "message");
    return m ? m : "";
}

void response_free(struct response *r)
{
    free(r->body);
    free(r->headers);
    cJSON_Delete(r->json);
    memset(r, 0, sizeof *r);
}
