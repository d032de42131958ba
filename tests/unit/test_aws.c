/* aws: canonical query strings and URLs, error bodies to AWS code and
 * message, the standard retry policy (delays, which outcomes retry, bounded
 * attempts) with an injected random source and sleep, credentials files,
 * s3:// URLs and ListObjectsV2 pages. No server is needed. */
#include "aws/aws.h"
#include "aws/aws_s3.h"
#include "base/buf.h"
#include "base/mem.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct query_case {
    const char *name;
    struct aws_param params[4];
    size_t n;
    const char *expected;
};

static const struct query_case query_cases[] = {
    { "sorted by name", { { "prefix", "a" }, { "list-type", "2" } }, 2,
      "?list-type=2&prefix=a" },
    { "reserved characters encoded",
      { { "prefix", "dynamodb-changes/table=t/" } }, 1,
      "?prefix=dynamodb-changes%2Ftable%3Dt%2F" },
    { "space and plus", { { "start-after", "a b+c" } }, 1,
      "?start-after=a%20b%2Bc" },
    { "utf-8 bytes", { { "k", "\xc3\xa9" } }, 1, "?k=%C3%A9" },
    { "same name sorted by value", { { "a", "2" }, { "a", "1" } }, 2,
      "?a=1&a=2" },
    { "none", { { NULL, NULL } }, 0, "" },
};

static void query_should_be_canonical(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof query_cases / sizeof query_cases[0]; i++) {
        struct buf b;
        buf_init(&b, 0);
        aws_query_write(&b, query_cases[i].params, query_cases[i].n);
        if (strcmp(buf_cstr(&b), query_cases[i].expected) != 0)
            fail_msg("%s: got '%s'", query_cases[i].name, buf_cstr(&b));
        buf_clear(&b);
    }
}

static struct aws_client *client_for(const char *endpoint)
{
    struct aws_config cfg = {
        .endpoint = endpoint ? xstrdup(endpoint) : NULL,
        .region = xstrdup("eu-west-1"), .access_key_id = xstrdup("AK"),
        .secret_access_key = xstrdup("SK"), .connect_timeout_ms = 500,
        .timeout_ms = 1000, .max_attempts = 3, .retry_base_ms = 100,
        .retry_max_backoff_ms = 20000,
    };
    struct aws_client *c = aws_client_new(&cfg);
    aws_config_clear(&cfg);
    return c;
}

struct url_case {
    const char *endpoint;
    const char *bucket;
    const char *path;
    const char *expected;
};

static const struct url_case url_cases[] = {
    { "http://127.0.0.1:4566", NULL, "/", "http://127.0.0.1:4566/" },
    { "http://127.0.0.1:4566", "lake", "/a b/c=d.jsonl",
      "http://127.0.0.1:4566/lake/a%20b/c%3Dd.jsonl" },
    { "http://127.0.0.1:4566", "lake", "/", "http://127.0.0.1:4566/lake" },
    { NULL, NULL, "/", "https://dynamodb.eu-west-1.amazonaws.com/" },
    { NULL, "lake", "/k", "https://lake.s3.eu-west-1.amazonaws.com/k" },
};

static void url_should_be_path_style_with_endpoint_virtual_without(
    void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof url_cases / sizeof url_cases[0]; i++) {
        struct aws_client *c = client_for(url_cases[i].endpoint);
        struct aws_request req = {
            .service = url_cases[i].bucket ? "s3" : "dynamodb",
            .host_prefix = url_cases[i].bucket ? "s3" : "dynamodb",
            .bucket = url_cases[i].bucket, .method = "GET",
            .path = url_cases[i].path,
        };
        struct buf b;
        buf_init(&b, 0);
        aws_client_url(c, &req, &b);
        if (strcmp(buf_cstr(&b), url_cases[i].expected) != 0)
            fail_msg("case %zu: got '%s'", i, buf_cstr(&b));
        buf_clear(&b);
        aws_client_free(c);
    }
}

struct error_case {
    long status;
    const char *body;
    const char *code;
    const char *message;
};

static const struct error_case error_cases[] = {
    { 400,
      "{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
      "ResourceNotFoundException\",\"message\":\"Requested resource not "
      "found\"}",
      "ResourceNotFoundException", "Requested resource not found" },
    { 400, "{\"__type\":\"ThrottlingException\",\"Message\":\"slow\"}",
      "ThrottlingException", "slow" },
    { 403,
      "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>"
      "User &amp; role &lt;x&gt;</Message></Error>",
      "AccessDenied", "User & role <x>" },
    { 400,
      "<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code>"
      "<Message>bad</Message></Error></ErrorResponse>",
      "ValidationError", "bad" },
    { 404, "", "NotFound", "HTTP status 404" },
    { 503, "garbage", "ServiceUnavailable", "HTTP status 503" },
};

static void error_should_carry_aws_code_and_message(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++) {
        const struct error_case *t = &error_cases[i];
        struct aws_error err;
        aws_error_parse(t->status, t->body, strlen(t->body), &err);
        if (strcmp(err.code, t->code) != 0 ||
            strcmp(err.message, t->message) != 0)
            fail_msg("case %zu: got '%s' '%s'", i, err.code, err.message);
        assert_int_equal(err.status, t->status);
    }
}

struct retry_case {
    long status;
    const char *code;
    bool is_retryable;
};

static const struct retry_case retry_cases[] = {
    { 400, "ThrottlingException", true },
    { 400, "ProvisionedThroughputExceededException", true },
    { 503, "SlowDown", true },
    { 500, "InternalServerError", true },
    { 502, "BadGateway", true },
    { 0, "NetworkError", true },
    { 400, "RequestTimeout", true },
    { 400, "ValidationException", false },
    { 400, "ConditionalCheckFailedException", false },
    { 403, "AccessDenied", false },
    { 404, "NoSuchKey", false },
    { 400, "ExpiredIteratorException", false },
};

static void retryable_should_follow_the_standard_policy(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof retry_cases / sizeof retry_cases[0]; i++) {
        struct aws_error err = { .status = retry_cases[i].status };
        snprintf(err.code, sizeof err.code, "%s", retry_cases[i].code);
        if (aws_error_is_retryable(&err) != retry_cases[i].is_retryable)
            fail_msg("%s", retry_cases[i].code);
    }
}

static void delay_should_grow_exponentially_with_full_jitter_and_cap(
    void **state)
{
    (void)state;
    assert_int_equal(aws_retry_delay_ms(100, 20000, 1, 0.5), 50);
    assert_int_equal(aws_retry_delay_ms(100, 20000, 2, 0.5), 100);
    assert_int_equal(aws_retry_delay_ms(100, 20000, 4, 0.5), 400);
    assert_int_equal(aws_retry_delay_ms(100, 20000, 30, 0.5), 10000);
    assert_int_equal(aws_retry_delay_ms(100, 20000, 3, 0.0), 0);
    assert_true(aws_retry_delay_ms(100, 20000, 3, 1.0) < 400);
}

struct fake {
    long slept[16];
    int n;
};

static double fake_random(void *ctx)
{
    (void)ctx;
    return 0.5;
}

static void fake_sleep(void *ctx, long ms)
{
    struct fake *f = ctx;
    if (f->n < 16)
        f->slept[f->n++] = ms;
}

/* Port 1 on loopback refuses connections: a transport error, retried. */
static void send_should_retry_connection_errors_up_to_max_attempts(
    void **state)
{
    (void)state;
    struct aws_client *c = client_for("http://127.0.0.1:1");
    struct fake f = { 0 };
    struct aws_retry_hooks hooks = { fake_random, fake_sleep, &f };
    aws_client_set_retry_hooks(c, &hooks);
    struct aws_request req = {
        .service = "dynamodb", .host_prefix = "dynamodb", .method = "POST",
        .path = "/", .body = "{}", .body_len = 2,
    };
    struct buf out;
    buf_init(&out, 0);
    assert_int_equal(aws_client_send(c, &req, &out), -1);
    assert_string_equal(aws_client_error(c)->code, "NetworkError");
    assert_int_equal(aws_client_error(c)->status, 0);
    assert_int_equal(f.n, 2);
    assert_int_equal(f.slept[0], 50);
    assert_int_equal(f.slept[1], 100);
    assert_int_equal(aws_client_retries(c), 2);
    buf_clear(&out);
    aws_client_free(c);
}

static void profile_should_read_named_section(void **state)
{
    (void)state;
    char path[] = "/tmp/test_aws_credsXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("[default]\naws_access_key_id = D\naws_secret_access_key = DS\n"
          "# comment\n[ci]\naws_access_key_id=CI\n"
          "aws_secret_access_key= CS \naws_session_token = T\n", f);
    fclose(f);
    struct aws_config cfg = { 0 };
    assert_int_equal(aws_config_read_profile(&cfg, path, "ci"), 0);
    assert_string_equal(cfg.access_key_id, "CI");
    assert_string_equal(cfg.secret_access_key, "CS");
    assert_string_equal(cfg.session_token, "T");
    aws_config_clear(&cfg);
    assert_int_equal(aws_config_read_profile(&cfg, path, "none"), -1);
    aws_config_clear(&cfg);
    unlink(path);
}

static void s3_url_should_split_bucket_and_prefix(void **state)
{
    (void)state;
    char bucket[64], prefix[256];
    assert_int_equal(aws_s3_url_parse("s3://lake/dynamodb-changes/", bucket,
                                      sizeof bucket, prefix, sizeof prefix),
                     0);
    assert_string_equal(bucket, "lake");
    assert_string_equal(prefix, "dynamodb-changes/");
    assert_int_equal(aws_s3_url_parse("s3://lake", bucket, sizeof bucket,
                                      prefix, sizeof prefix), 0);
    assert_string_equal(prefix, "");
    assert_int_equal(aws_s3_url_parse("https://lake/x", bucket,
                                      sizeof bucket, prefix, sizeof prefix),
                     -1);
    assert_int_equal(aws_s3_url_parse("s3:///x", bucket, sizeof bucket,
                                      prefix, sizeof prefix), -1);
}

static void list_parse_should_collect_keys_and_token(void **state)
{
    (void)state;
    const char *page =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        "<ListBucketResult><Name>lake</Name><IsTruncated>true</IsTruncated>"
        "<Contents><Key>p/a&amp;b.jsonl</Key><Size>12</Size>"
        "<ETag>&quot;abc&quot;</ETag></Contents>"
        "<Contents><Key>p/c.jsonl</Key><Size>3</Size></Contents>"
        "<NextContinuationToken>tok+/=</NextContinuationToken>"
        "</ListBucketResult>";
    struct aws_s3_listing l = { 0 };
    char *token = NULL;
    assert_int_equal(aws_s3_list_parse(page, strlen(page), &l, &token), 0);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.objects[0].key, "p/a&b.jsonl");
    assert_string_equal(l.objects[0].etag, "\"abc\"");
    assert_int_equal(l.objects[0].size, 12);
    assert_string_equal(token, "tok+/=");
    free(token);
    aws_s3_listing_clear(&l);
    assert_int_equal(aws_s3_list_parse("<Error/>", 8, &l, &token), -1);
}

int main(void)
{
    mem_install_cjson_hooks();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(query_should_be_canonical),
        cmocka_unit_test(url_should_be_path_style_with_endpoint_virtual_without),
        cmocka_unit_test(error_should_carry_aws_code_and_message),
        cmocka_unit_test(retryable_should_follow_the_standard_policy),
        cmocka_unit_test(
            delay_should_grow_exponentially_with_full_jitter_and_cap),
        cmocka_unit_test(
            send_should_retry_connection_errors_up_to_max_attempts),
        cmocka_unit_test(profile_should_read_named_section),
        cmocka_unit_test(s3_url_should_split_bucket_and_prefix),
        cmocka_unit_test(list_parse_should_collect_keys_and_token),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
