/* The front door over real HTTP: routing, authentication presence, request
 * decoding, the standard response headers and the admin API. */
#include "helper/client.h"

#include "base/crypto.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reset(void **state)
{
    (void)state;
    client_reset();
    return 0;
}

static void health_should_report_version_and_services(void **state)
{
    (void)state;
    struct response r = client_raw("GET", "/_dynalake/health", NULL, NULL, 0,
                                   0);
    assert_int_equal(r.status, 200);
    assert_non_null(r.json);
    assert_string_equal(cJSON_GetObjectItem(r.json, "status")->valuestring,
                        "ok");
    assert_non_null(cJSON_GetObjectItem(r.json, "version"));
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(r.json, "services")));
    response_free(&r);
}

static void unknown_target_should_be_unknown_operation(void **state)
{
    (void)state;
    struct response r = client_ddb("FrobnicateTable", "{}");
    assert_int_equal(r.status, 400);
    assert_string_equal(response_error(&r), "UnknownOperationException");
    assert_string_equal(
        cJSON_GetObjectItem(r.json, "__type")->valuestring,
        "com.amazon.coral.service#UnknownOperationException");
    response_free(&r);
}

static void unemulated_operation_should_be_named(void **state)
{
    (void)state;
    struct response r = client_ddb("ExportTableToPointInTime", "{}");
    assert_int_equal(r.status, 400);
    assert_string_equal(response_error(&r), "UnknownOperationException");
    assert_string_equal(response_message(&r), "dynalake does not emulate "
                        "DynamoDB's ExportTableToPointInTime");
    response_free(&r);
    /* Names are exact: another case is no operation at all. */
    r = client_ddb("exporttabletopointintime", "{}");
    assert_string_equal(response_error(&r), "UnknownOperationException");
    assert_string_equal(response_message(&r), "");
    response_free(&r);
}

static void unknown_service_prefix_should_be_unknown_operation(void **state)
{
    (void)state;
    const char *headers[] = { "X-Amz-Target: Kinesis_20131202.ListStreams",
                              NULL };
    struct response r = client_raw("POST", "/", headers, "{}", 2, 1);
    assert_int_equal(r.status, 400);
    assert_string_equal(response_error(&r), "UnknownOperationException");
    response_free(&r);
}

static void unsigned_request_should_be_missing_token(void **state)
{
    (void)state;
    const char *headers[] = { "X-Amz-Target: DynamoDB_20120810.ListTables",
                              NULL };
    struct response r = client_raw("POST", "/", headers, "{}", 2, 0);
    assert_int_equal(r.status, 400);
    assert_string_equal(response_error(&r),
                        "MissingAuthenticationTokenException");
    assert_string_equal(response_message(&r),
                        "Request is missing Authentication Token");
    response_free(&r);
}

static void malformed_json_should_be_serialization_error(void **state)
{
    (void)state;
    static const char *const bodies[] = {
        "{", "not json", "[]", "\"TableName\"", "{\"a\":1} trailing", "",
        "{\"TableName\": \"t\",}",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        struct response r = client_ddb("ListTables", bodies[i]);
        assert_int_equal(r.status, 400);
        assert_string_equal(response_error(&r), "SerializationException");
        response_free(&r);
    }
}

static void nul_and_bad_utf8_should_be_serialization_errors(void **state)
{
    (void)state;
    static const char *const bodies[] = {
        "{\"TableName\":\"abc\\u0000zzz\"}",
        "{\"TableName\":\"ab\xff\"}",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        struct response r = client_ddb("DescribeTable", bodies[i]);
        assert_int_equal(r.status, 400);
        assert_string_equal(response_error(&r), "SerializationException");
        response_free(&r);
    }
}

static void responses_should_carry_request_id_and_crc32(void **state)
{
    (void)state;
    struct response r = client_ddb("ListTables", "{}");
    assert_int_equal(r.status, 200);
    char id[128], crc[32], type[128];
    response_header(&r, "x-amzn-RequestId", id, sizeof id);
    response_header(&r, "x-amz-crc32", crc, sizeof crc);
    response_header(&r, "Content-Type", type, sizeof type);
    assert_int_equal(strlen(id), 52);
    assert_string_equal(type, "application/x-amz-json-1.0");
    char want[32];
    snprintf(want, sizeof want, "%u", crypto_crc32(r.body, r.len));
    assert_string_equal(crc, want);
    response_free(&r);

    /* Errors carry them too. */
    r = client_ddb("ListTables", "{");
    response_header(&r, "x-amz-crc32", crc, sizeof crc);
    snprintf(want, sizeof want, "%u", crypto_crc32(r.body, r.len));
    assert_string_equal(crc, want);
    response_free(&r);
}

static void request_ids_should_differ(void **state)
{
    (void)state;
    char a[128], b[128];
    struct response r1 = client_ddb("ListTables", "{}");
    struct response r2 = client_ddb("ListTables", "{}");
    response_header(&r1, "x-amzn-RequestId", a, sizeof a);
    response_header(&r2, "x-amzn-RequestId", b, sizeof b);
    assert_string_not_equal(a, b);
    response_free(&r1);
    response_free(&r2);
}

static void admin_should_refuse_wrong_method_and_unknown_path(void **state)
{
    (void)state;
    struct response r = client_raw("GET", "/_dynalake/reset", NULL, NULL, 0, 0);
    assert_int_equal(r.status, 400);
    response_free(&r);
    r = client_raw("GET", "/_dynalake/nothing-here", NULL, NULL, 0, 0);
    assert_int_equal(r.status, 400);
    assert_string_equal(response_error(&r), "ResourceNotFoundException");
    response_free(&r);
}

static void clock_should_advance_and_refuse_bad_input(void **state)
{
    (void)state;
    struct response r = client_raw("GET", "/_dynalake/clock", NULL, NULL, 0, 0);
    double before = cJSON_GetObjectItem(r.json, "offset_ms")->valuedouble;
    response_free(&r);
    const char *body = "{\"advance_ms\": 3600000}";
    r = client_raw("POST", "/_dynalake/clock", NULL, body, strlen(body), 0);
    assert_int_equal(r.status, 200);
    double after = cJSON_GetObjectItem(r.json, "offset_ms")->valuedouble;
    assert_true(after - before == 3600000.0);
    response_free(&r);
    static const char *const bad[] = { "{\"advance_ms\": -1}", "{}", "x",
                                       "{\"advance_ms\": \"5\"}" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = client_raw("POST", "/_dynalake/clock", NULL, bad[i],
                       strlen(bad[i]), 0);
        assert_int_equal(r.status, 400);
        assert_string_equal(response_error(&r), "ValidationException");
        response_free(&r);
    }
}

/* Sends raw bytes on a fresh connection and returns what came back. */
static void raw_exchange(const char *request, char *reply, size_t len)
{
    const char *url = client_start();
    int port = atoi(strrchr(url, ':') + 1);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = { .sin_family = AF_INET,
                                .sin_port = htons((uint16_t)port) };
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof addr), 0);
    struct timeval tv = { .tv_sec = 10 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    assert_true(write(fd, request, strlen(request)) > 0);
    size_t got = 0;
    ssize_t n;
    while (got + 1 < len && (n = read(fd, reply + got, len - got - 1)) > 0)
        got += (size_t)n;
    reply[got] = '\0';
    close(fd);
}

static void oversized_body_should_be_refused_before_it_is_read(void **state)
{
    (void)state;
    char reply[4096];
    raw_exchange("POST / HTTP/1.1\r\nHost: localhost\r\n"
                 "X-Amz-Target: DynamoDB_20120810.ListTables\r\n"
                 "Content-Length: 999999999\r\nConnection: close\r\n\r\n"
                 "{}", reply, sizeof reply);
    assert_non_null(strstr(reply, "HTTP/1.1 413"));
    assert_non_null(strstr(reply, "RequestEntityTooLarge"));
}

static void garbage_should_not_stop_the_server(void **state)
{
    (void)state;
    char reply[4096];
    raw_exchange("\x01\x02 nonsense\r\n\r\n", reply, sizeof reply);
    raw_exchange("GET /_dynalake/health HTTP/1.1\r\nHost: x\r\n"
                 "Connection: close\r\n\r\n", reply, sizeof reply);
    assert_non_null(strstr(reply, "HTTP/1.1 200"));
}

int main(void)
{
    client_start();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(health_should_report_version_and_services,
                               reset),
        cmocka_unit_test_setup(unknown_target_should_be_unknown_operation,
                               reset),
        cmocka_unit_test_setup(unemulated_operation_should_be_named, reset),
        cmocka_unit_test_setup(
            unknown_service_prefix_should_be_unknown_operation, reset),
        cmocka_unit_test_setup(unsigned_request_should_be_missing_token,
                               reset),
        cmocka_unit_test_setup(malformed_json_should_be_serialization_error,
                               reset),
        cmocka_unit_test_setup(responses_should_carry_request_id_and_crc32,
                               reset),
        cmocka_unit_test_setup(nul_and_bad_utf8_should_be_serialization_errors,
                               reset),
        cmocka_unit_test_setup(request_ids_should_differ, reset),
        cmocka_unit_test_setup(
            admin_should_refuse_wrong_method_and_unknown_path, reset),
        cmocka_unit_test_setup(clock_should_advance_and_refuse_bad_input,
                               reset),
        cmocka_unit_test_setup(
            oversized_body_should_be_refused_before_it_is_read, reset),
        cmocka_unit_test_setup(garbage_should_not_stop_the_server, reset),
    };
    return cmocka_run_group_tests_name("server", tests, NULL, NULL);
}
