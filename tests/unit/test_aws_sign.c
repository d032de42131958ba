/* aws_sign: the harness's SigV4 signer against the aws-c-auth vectors
 * (canonical request, string to sign, Authorization header), and its key
 * cache: one derivation per scope, none reused across scopes. The vectors
 * live in ../shared/vectors/sigv4 from the repository root, or wherever
 * DYNALAKE_SIGV4_VECTORS points (the directory that holds aws-c-auth-v4/),
 * as for test_sigv4. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "aws/aws.h"
#include "aws/aws_sign.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"
#include "sigv4_vectors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_PARAMS 8

/* Every header-signed vector but the six "*-normalized" ones whose path
 * holds "." or "//" segments: removing those is for a caller that sends
 * such paths to a non-S3 service, and the harness never does (DynamoDB,
 * Streams and STS paths are "/"; S3 keys are not normalised, which the
 * "*-unnormalized" twins below check). */
static const char *const vector_names[] = {
    "get-header-key-duplicate",
    "get-header-value-multiline",
    "get-header-value-order",
    "get-header-value-trim",
    "get-relative-relative-unnormalized",
    "get-relative-unnormalized",
    "get-slash-dot-slash-unnormalized",
    "get-slash-pointless-dot-unnormalized",
    "get-slash-unnormalized",
    "get-slashes-unnormalized",
    "get-space-normalized",
    "get-space-unnormalized",
    "get-unreserved",
    "get-utf8",
    "get-vanilla",
    "get-vanilla-empty-query-key",
    "get-vanilla-query",
    "get-vanilla-query-order-encoded",
    "get-vanilla-query-order-key-case",
    "get-vanilla-query-unreserved",
    "get-vanilla-utf8-query",
    "get-vanilla-with-session-token",
    "post-header-key-case",
    "post-header-key-sort",
    "post-header-value-case",
    "post-sts-header-after",
    "post-sts-header-before",
    "post-vanilla",
    "post-vanilla-empty-query-value",
    "post-vanilla-query",
    "post-x-www-form-urlencoded",
    "post-x-www-form-urlencoded-parameters",
};

/* --- A vector's request, as a client would hand it to the signer -------- */

struct vector {
    char *context;      /* context.json */
    char *text;         /* request.txt, split in place */
    cJSON *ctx;
    struct buf path;    /* canonical URI */
    struct buf query;   /* canonical query */
    struct aws_sign_header headers[AWS_SIGN_MAX_HEADERS];
    size_t n_headers;
    char date[AWS_SIGN_DATE_LEN];
    char payload_hash[AWS_SIGN_HASH_LEN];
    struct aws_sign_request req;
};

static int hex_digit(char ch)
{
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    return ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : ch - '0';
}

/* Percent-decodes s in place: the vectors give some query parameters
 * already encoded, and aws_query_write encodes what it is given. */
static char *decode(char *s)
{
    char *out = s;
    for (char *p = s; *p; p++) {
        if (*p == '%' && p[1] && p[2]) {
            *out++ = (char)(hex_digit(p[1]) * 16 + hex_digit(p[2]));
            p += 2;
        } else {
            *out++ = *p;
        }
    }
    *out = '\0';
    return s;
}

/* "a=1&b=2" in place into the canonical query, as aws.c writes it. */
static void put_query(struct buf *out, char *raw)
{
    struct aws_param params[MAX_PARAMS];
    size_t n = 0;
    for (char *item = strtok(raw, "&"); item; item = strtok(NULL, "&")) {
        char *eq = strchr(item, '=');
        assert_true(n < MAX_PARAMS);
        if (eq)
            *eq = '\0';
        params[n].name = decode(item);
        params[n].value = eq ? decode(eq + 1) : "";
        n++;
    }
    struct buf q;
    buf_init(&q, 0);
    aws_query_write(&q, params, n);
    if (q.len > 0)
        buf_puts(out, buf_cstr(&q) + 1); /* without the '?' */
    buf_clear(&q);
}

static void add_header(struct vector *v, const char *name, const char *value)
{
    assert_true(v->n_headers < AWS_SIGN_MAX_HEADERS);
    v->headers[v->n_headers++] = (struct aws_sign_header){ name, value };
}

/* The request line's target into path and query. */
static void split_target(struct vector *v, char *line)
{
    char *target = strchr(line, ' ') + 1;
    *strrchr(target, ' ') = '\0';
    char *qmark = strchr(target, '?');
    if (qmark) {
        *qmark = '\0';
        put_query(&v->query, qmark + 1);
    }
    aws_uri_encode(&v->path, target, strlen(target), true);
}

/* The header lines up to the blank line; returns the body. */
static char *split_headers(struct vector *v, char *line)
{
    while (*line != '\n' && *line != '\0') {
        char *end = strchr(line, '\n');
        char *colon = strchr(line, ':');
        assert_true(colon != NULL && (end == NULL || colon < end));
        *colon = '\0';
        add_header(v, line, colon + 1);
        if (end == NULL)
            return colon + strlen(colon + 1) + 1;
        *end = '\0';
        line = end + 1;
    }
    return *line ? line + 1 : line;
}

/* The headers a client adds when it signs: the date, the session token
 * unless the case adds it after signing, the payload hash when the case
 * signs the body. */
static void add_signing_headers(struct vector *v)
{
    const cJSON *cred = json_get(v->ctx, "credentials");
    const char *token = json_get_string(cred, "token");
    add_header(v, "X-Amz-Date", v->date);
    if (token && !cJSON_IsTrue(json_get(v->ctx, "omit_session_token")))
        add_header(v, "X-Amz-Security-Token", token);
    if (cJSON_IsTrue(json_get(v->ctx, "sign_body")))
        add_header(v, "X-Amz-Content-Sha256", v->payload_hash);
}

static void vector_load(struct vector *v, const char *name)
{
    size_t len;
    memset(v, 0, sizeof *v);
    buf_init(&v->path, 0);
    buf_init(&v->query, 0);
    v->context = vector_file(name, "context.json", &len);
    v->ctx = json_parse(v->context, len);
    assert_non_null(v->ctx);
    v->text = vector_file(name, "request.txt", &len);
    unfold(v->text);
    char *line_end = strchr(v->text, '\n');
    assert_non_null(line_end);
    *line_end = '\0';
    char *body = split_headers(v, line_end + 1);
    split_target(v, v->text);
    aws_sign_payload_hash(body, strlen(body), v->payload_hash);
    aws_sign_date(vector_timestamp(json_get_string(v->ctx, "timestamp")),
                  v->date);
    add_signing_headers(v);
    *strchr(v->text, ' ') = '\0';
    v->req = (struct aws_sign_request){
        .method = v->text, .path = buf_cstr(&v->path),
        .query = buf_cstr(&v->query), .headers = v->headers,
        .n_headers = v->n_headers, .payload_hash = v->payload_hash,
        .date = v->date, .region = json_get_string(v->ctx, "region"),
        .service = json_get_string(v->ctx, "service"),
    };
}

static void vector_clear(struct vector *v)
{
    cJSON_Delete(v->ctx);
    free(v->context);
    free(v->text);
    buf_clear(&v->path);
    buf_clear(&v->query);
}

/* The Authorization header of header-signed-request.txt. */
static char *expected_authorization(const char *name)
{
    char *signed_request = expected_text(name, "header-signed-request.txt");
    char *line = strstr(signed_request, "\nAuthorization:");
    assert_non_null(line);
    line += strlen("\nAuthorization:");
    char *auth = xstrdup(line);
    auth[strcspn(auth, "\n")] = '\0';
    free(signed_request);
    return auth;
}

static void signer_for(struct aws_signer *s, const struct vector *v)
{
    const cJSON *cred = json_get(v->ctx, "credentials");
    aws_signer_init(s, json_get_string(cred, "access_key_id"),
                    json_get_string(cred, "secret_access_key"));
}

/* --- Tests -------------------------------------------------------------- */

static void vector_should_sign_as_aws_does(void **state)
{
    const char *name = *state;
    struct vector v;
    struct aws_signer s;
    struct buf auth;
    vector_load(&v, name);
    signer_for(&s, &v);
    buf_init(&auth, 0);
    assert_int_equal(aws_signer_sign(&s, &v.req, &auth), 0);

    char *creq = expected_text(name, "header-canonical-request.txt");
    char *sts = expected_text(name, "header-string-to-sign.txt");
    char *want = expected_authorization(name);
    assert_string_equal(buf_cstr(&s.canonical_request), creq);
    assert_string_equal(buf_cstr(&s.string_to_sign), sts);
    assert_string_equal(buf_cstr(&auth), want);
    free(creq);
    free(sts);
    free(want);
    buf_clear(&auth);
    aws_signer_clear(&s);
    vector_clear(&v);
}

/* Signs v's request as of date for service into out (reset first). */
static void sign_at(struct aws_signer *s, struct vector *v, const char *date,
                    const char *service, struct buf *out)
{
    v->req.date = date;
    v->req.service = service;
    for (size_t i = 0; i < v->n_headers; i++)
        if (strcmp(v->headers[i].name, "X-Amz-Date") == 0)
            v->headers[i].value = date;
    buf_reset(out);
    assert_int_equal(aws_signer_sign(s, &v->req, out), 0);
}

/* A long-lived signer keeps a key per scope and evicts the oldest: every
 * signature must still equal a fresh signer's, whichever keys it holds. */
static void cached_keys_should_sign_as_fresh_ones(void **state)
{
    (void)state;
    static const struct { const char *date, *service; } rows[] = {
        { "20150830T123600Z", "service" }, { "20150830T235959Z", "s3" },
        { "20150830T123601Z", "service" }, { "20150831T000000Z", "service" },
        { "20150831T000001Z", "s3" },      { "20150901T000000Z", "sts" },
        { "20150830T123600Z", "service" }, { "20150830T235959Z", "s3" },
    };
    struct vector v;
    struct aws_signer kept;
    struct buf got, want;
    vector_load(&v, "post-vanilla");
    signer_for(&kept, &v);
    buf_init(&got, 0);
    buf_init(&want, 0);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct aws_signer fresh;
        signer_for(&fresh, &v);
        sign_at(&kept, &v, rows[i].date, rows[i].service, &got);
        sign_at(&fresh, &v, rows[i].date, rows[i].service, &want);
        assert_string_equal(buf_cstr(&got), buf_cstr(&want));
        assert_int_equal(fresh.n_keys, 1);
        aws_signer_clear(&fresh);
    }
    assert_int_equal(kept.n_keys, AWS_SIGN_KEYS);
    buf_clear(&got);
    buf_clear(&want);
    aws_signer_clear(&kept);
    vector_clear(&v);
}

/* Signing the same scope again derives nothing new. */
static void same_scope_should_reuse_its_key(void **state)
{
    (void)state;
    struct vector v;
    struct aws_signer s;
    struct buf out;
    vector_load(&v, "get-vanilla");
    signer_for(&s, &v);
    buf_init(&out, 0);
    sign_at(&s, &v, "20150830T123600Z", "dynamodb", &out);
    sign_at(&s, &v, "20150830T123700Z", "dynamodb", &out);
    sign_at(&s, &v, "20150830T235959Z", "dynamodb", &out);
    assert_int_equal(s.n_keys, 1);
    sign_at(&s, &v, "20150830T235959Z", "s3", &out);
    assert_int_equal(s.n_keys, 2);
    buf_clear(&out);
    aws_signer_clear(&s);
    vector_clear(&v);
}

static void too_many_headers_should_be_refused(void **state)
{
    (void)state;
    struct aws_sign_header headers[AWS_SIGN_MAX_HEADERS + 1];
    for (size_t i = 0; i < AWS_SIGN_MAX_HEADERS + 1; i++)
        headers[i] = (struct aws_sign_header){ "x-amz-meta-a", "1" };
    struct aws_sign_request r = {
        .method = "GET", .path = "/", .query = "", .headers = headers,
        .n_headers = AWS_SIGN_MAX_HEADERS + 1, .payload_hash = "",
        .date = "20150830T123600Z", .region = "us-east-1", .service = "s3",
    };
    struct aws_signer s;
    struct buf out;
    aws_signer_init(&s, "AK", "SK");
    buf_init(&out, 0);
    assert_int_equal(aws_signer_sign(&s, &r, &out), -1);
    assert_int_equal(out.len, 0);
    buf_clear(&out);
    aws_signer_clear(&s);
}

int main(void)
{
    enum { N = sizeof vector_names / sizeof vector_names[0] };
    static char names[N][128];
    struct CMUnitTest tests[N + 3];
    mem_install_cjson_hooks();
    for (size_t i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i],
                 "vector %s should be signed as AWS signs it",
                 vector_names[i]);
        tests[i] = (struct CMUnitTest){
            .name = names[i],
            .test_func = vector_should_sign_as_aws_does,
            .initial_state = (void *)(uintptr_t)vector_names[i],
        };
    }
    tests[N] = (struct CMUnitTest)cmocka_unit_test(
        cached_keys_should_sign_as_fresh_ones);
    tests[N + 1] = (struct CMUnitTest)cmocka_unit_test(
        same_scope_should_reuse_its_key);
    tests[N + 2] = (struct CMUnitTest)cmocka_unit_test(
        too_many_headers_should_be_refused);
    return cmocka_run_group_tests_name("aws_sign", tests, NULL, NULL);
}
