/* Fault rules aimed at S3 (POST /_dynalake/faults with bucket, prefix and
 * latency_ms): SlowDown and InternalError for a bucket or a key prefix,
 * for the next N requests or a fraction of them, added latency with or
 * without an error, and the admin API's validation of such rules. */
#include "helper/client.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int reset(void **state)
{
    (void)state;
    client_reset();
    return 0;
}

static void expect_status(struct response *r, long status)
{
    if (r->status != status)
        fail_msg("status %ld, want %ld: %.300s", r->status, status, r->body);
    response_free(r);
}

/* Asserts an S3 error by status and <Code>, then frees. */
static void expect_s3_error(struct response *r, long status, const char *code)
{
    char want[64];
    snprintf(want, sizeof want, "<Code>%s</Code>", code);
    if (r->status != status || r->body == NULL || !strstr(r->body, want))
        fail_msg("status %ld, want %ld %s: %.300s", r->status, status, code,
                 r->body);
    response_free(r);
}

static void add_rule(const char *json)
{
    struct response r = client_raw("POST", "/_dynalake/faults", NULL, json,
                                   strlen(json), 0);
    expect_status(&r, 200);
}

static struct response put(const char *path)
{
    return client_s3("PUT", path, NULL, "x", 1);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000 + (double)ts.tv_nsec / 1e6;
}

static void slow_down_should_hit_one_bucket_for_n_requests(void **state)
{
    (void)state;
    struct response r = client_s3("PUT", "/slow", NULL, NULL, 0);
    expect_status(&r, 200);
    r = client_s3("PUT", "/fast", NULL, NULL, 0);
    expect_status(&r, 200);
    add_rule("{\"error\":\"SlowDown\",\"bucket\":\"slow\",\"count\":2}");
    r = put("/fast/k");
    expect_status(&r, 200);
    r = put("/slow/k");
    expect_s3_error(&r, 503, "SlowDown");
    r = client_s3("GET", "/slow/k", NULL, NULL, 0);
    expect_s3_error(&r, 503, "SlowDown");
    r = put("/slow/k");
    expect_status(&r, 200);
}

static void internal_errors_should_hit_a_fraction_under_a_prefix(void **state)
{
    (void)state;
    struct response r = client_s3("PUT", "/flaky", NULL, NULL, 0);
    expect_status(&r, 200);
    add_rule("{\"error\":\"InternalError\",\"bucket\":\"flaky\","
             "\"prefix\":\"logs/\",\"fraction\":0.5}");
    int failed = 0;
    for (int i = 0; i < 100; i++) {
        char path[64];
        snprintf(path, sizeof path, "/flaky/logs/%d", i);
        r = put(path);
        if (r.status == 500) {
            assert_non_null(strstr(r.body, "<Code>InternalError</Code>"));
            failed++;
        } else {
            assert_int_equal(r.status, 200);
        }
        response_free(&r);
        snprintf(path, sizeof path, "/flaky/data/%d", i);
        r = put(path);
        expect_status(&r, 200);
    }
    assert_in_range(failed, 30, 70);
    /* A listing under the prefix is a request to it too. */
    int listed_failures = 0;
    for (int i = 0; i < 20; i++) {
        r = client_s3("GET", "/flaky?list-type=2&prefix=logs/", NULL, NULL, 0);
        listed_failures += r.status == 500;
        response_free(&r);
        r = client_s3("GET", "/flaky?list-type=2&prefix=data/", NULL, NULL, 0);
        expect_status(&r, 200);
    }
    assert_true(listed_failures > 0);
}

static void latency_should_delay_matching_requests(void **state)
{
    (void)state;
    struct response r = client_s3("PUT", "/laggy", NULL, NULL, 0);
    expect_status(&r, 200);
    add_rule("{\"latency_ms\":300,\"bucket\":\"laggy\",\"count\":1}");
    double t0 = now_ms();
    r = put("/laggy/k");
    double first = now_ms() - t0;
    expect_status(&r, 200);
    t0 = now_ms();
    r = put("/laggy/k");
    double second = now_ms() - t0;
    expect_status(&r, 200);
    assert_true(first >= 300);
    assert_true(second < 300);
    /* Latency and an error together: late, then SlowDown. */
    add_rule("{\"latency_ms\":200,\"error\":\"SlowDown\","
             "\"operation\":\"GetObject\",\"count\":1}");
    t0 = now_ms();
    r = client_s3("GET", "/laggy/k", NULL, NULL, 0);
    assert_true(now_ms() - t0 >= 200);
    expect_s3_error(&r, 503, "SlowDown");
}

static void rules_should_be_validated_and_listed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "{}",
        "{\"latency_ms\":-1}",
        "{\"latency_ms\":600000}",
        "{\"error\":\"SlowDown\",\"bucket\":7}",
        "{\"error\":\"NoSuchError\",\"latency_ms\":10}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct response r = client_raw("POST", "/_dynalake/faults", NULL,
                                       bad[i], strlen(bad[i]), 0);
        if (r.status != 400)
            fail_msg("%s: status %ld", bad[i], r.status);
        response_free(&r);
    }
    add_rule("{\"error\":\"SlowDown\",\"bucket\":\"b\",\"prefix\":\"p/\","
             "\"latency_ms\":5,\"fraction\":0.25}");
    struct response r = client_raw("GET", "/_dynalake/faults", NULL, NULL, 0,
                                   0);
    assert_non_null(strstr(r.body, "\"bucket\":\"b\""));
    assert_non_null(strstr(r.body, "\"prefix\":\"p/\""));
    assert_non_null(strstr(r.body, "\"latency_ms\":5"));
    assert_non_null(strstr(r.body, "\"error\":\"ThrottlingException\""));
    expect_status(&r, 200);
}

int main(void)
{
    client_start();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(slow_down_should_hit_one_bucket_for_n_requests,
                               reset),
        cmocka_unit_test_setup(
            internal_errors_should_hit_a_fraction_under_a_prefix, reset),
        cmocka_unit_test_setup(latency_should_delay_matching_requests, reset),
        cmocka_unit_test_setup(rules_should_be_validated_and_listed, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
