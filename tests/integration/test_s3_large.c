/* S3 bodies past the server's memory bound (SERVER_MEMORY_BODY_BYTES):
 * uploads that wait in a temporary file and are hashed, decoded and
 * stored in pieces, GetObject bodies streamed from the store, multipart
 * objects assembled by moving parts, and the limits. Each error asserted
 * by status and <Code>, and a refused upload leaves no object. */
#include "helper/client.h"

#include "base/buf.h"
#include "base/crypto.h"
#include "http/server.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIB (1024 * 1024)
/* Past the memory bound, and not a whole number of store chunks. */
#define LARGE ((int)SERVER_MEMORY_BODY_BYTES + 12345)

static int reset(void **state)
{
    (void)state;
    client_reset();
    return 0;
}

static const char *xml_get(const struct response *r, const char *name,
                           char *out, size_t len)
{
    char open[64], close[64];
    snprintf(open, sizeof open, "<%s>", name);
    snprintf(close, sizeof close, "</%s>", name);
    const char *s = r->body ? strstr(r->body, open) : NULL;
    const char *e = s ? strstr(s, close) : NULL;
    out[0] = '\0';
    if (s && e) {
        s += strlen(open);
        snprintf(out, len, "%.*s", (int)(e - s), s);
    }
    return out;
}

static void expect_status(struct response *r, long status)
{
    if (r->status != status)
        fail_msg("status %ld, want %ld: %.300s", r->status, status, r->body);
    response_free(r);
}

static void expect_error(struct response *r, long status, const char *code)
{
    char got[128];
    if (r->status != status)
        fail_msg("status %ld, want %ld (%s): %.300s", r->status, status,
                 code, r->body);
    xml_get(r, "Code", got, sizeof got);
    if (strcmp(got, code) != 0)
        fail_msg("code %s, want %s: %.300s", got, code, r->body);
    response_free(r);
}

/* len bytes of a repeatable pattern, different for each seed. */
static char *pattern(size_t len, uint32_t seed)
{
    char *p = malloc(len + 1);
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = (char)(x & 0xFF);
    }
    p[len] = '\0';
    return p;
}

static void md5_etag(const void *p, size_t len, char *out)
{
    uint8_t d[16];
    char hex[33];
    crypto_md5(p, len, d);
    crypto_hex(d, 16, hex);
    snprintf(out, 40, "\"%s\"", hex);
}

static void make_bucket(const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "/%s", name);
    struct response r = client_s3("PUT", path, NULL, NULL, 0);
    expect_status(&r, 200);
}

static void expect_body(const char *path, const char *want, size_t len)
{
    struct response r = client_s3("GET", path, NULL, NULL, 0);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, len);
    assert_memory_equal(r.body, want, len);
    response_free(&r);
}

/* PUTs body to path and checks its ETag and that it reads back. */
static void put_and_expect(const char *path, const char *body, size_t len)
{
    char etag[40], got[64];
    md5_etag(body, len, etag);
    struct response r = client_s3("PUT", path, NULL, body, len);
    response_header(&r, "ETag", got, sizeof got);
    assert_string_equal(got, etag);
    expect_status(&r, 200);
    expect_body(path, body, len);
}

/* A GET of bytes [from, to] of path reads them back (206). */
static void expect_range(const char *path, const char *body, size_t from,
                         size_t to)
{
    char range[64];
    snprintf(range, sizeof range, "Range: bytes=%zu-%zu", from, to);
    const char *h[] = { range, NULL };
    struct response r = client_s3("GET", path, h, NULL, 0);
    assert_int_equal(r.status, 206);
    assert_int_equal(r.len, to - from + 1);
    assert_memory_equal(r.body, body + from, r.len);
    response_free(&r);
}

static void large_objects_should_round_trip_in_pieces(void **state)
{
    (void)state;
    make_bucket("large");
    char *body = pattern(LARGE, 1);
    char etag[40], got[64];
    put_and_expect("/large/k", body, LARGE);
    /* A range across store chunk boundaries, streamed. */
    expect_range("/large/k", body, 1048570, 3145735);
    struct response r = client_s3("HEAD", "/large/k", NULL, NULL, 0);
    response_header(&r, "Content-Length", got, sizeof got);
    assert_int_equal(strtoll(got, NULL, 10), LARGE);
    expect_status(&r, 200);
    /* Replacing it frees the old body; the new one reads back. */
    char *other = pattern(LARGE - 1, 2);
    r = client_s3("PUT", "/large/k", NULL, other, LARGE - 1);
    expect_status(&r, 200);
    expect_body("/large/k", other, LARGE - 1);
    /* CopyObject copies a chunk at a time. */
    const char *copy[] = { "x-amz-copy-source: /large/k", NULL };
    r = client_s3("PUT", "/large/copy", copy, NULL, 0);
    md5_etag(other, LARGE - 1, etag);
    etag[33] = '\0';
    assert_non_null(strstr(r.body, etag + 1));
    expect_status(&r, 200);
    expect_body("/large/copy", other, LARGE - 1);
    free(body);
    free(other);
}

/* A body held in memory (under the spill threshold) but longer than a
 * store chunk goes to the store straight from the request, a whole chunk
 * at a time and then the rest. */
static void memory_bodies_of_several_chunks_should_round_trip(void **state)
{
    (void)state;
    make_bucket("chunks");
    size_t len = 2 * MIB + 12345;
    char *body = pattern(len, 3);
    put_and_expect("/chunks/k", body, len);
    /* Under the streaming size, read in one transaction: the end of the
     * first chunk, all of the second and the start of the third. */
    expect_range("/chunks/k", body, 1048000, 2097200);
    free(body);
}

static void large_bodies_that_fail_checks_should_leave_nothing(void **state)
{
    (void)state;
    make_bucket("checked");
    char *body = pattern(LARGE, 3);
    const char *wrong_sha[] = {
        "x-amz-content-sha256: 0000000000000000000000000000000000000000"
        "000000000000000000000000", NULL };
    struct response r = client_s3("PUT", "/checked/k", wrong_sha, body, LARGE);
    expect_error(&r, 400, "XAmzContentSHA256Mismatch");
    const char *wrong_md5[] = { "Content-MD5: 1B2M2Y8AsgTpgAmY7PhCfg==",
                                NULL };
    r = client_s3("PUT", "/checked/k", wrong_md5, body, LARGE);
    expect_error(&r, 400, "BadDigest");
    const char *wrong_crc[] = { "x-amz-checksum-crc32: AAAAAA==", NULL };
    r = client_s3("PUT", "/checked/k", wrong_crc, body, LARGE);
    expect_error(&r, 400, "BadDigest");
    r = client_s3("GET", "/checked/k", NULL, NULL, 0);
    expect_error(&r, 404, "NoSuchKey");
    free(body);
}

/* body as aws-chunked, 64 KiB chunks, unsigned, with a CRC32 trailer
 * (wrong when is_bad) or, with is_signed, chunk signatures that the
 * emulator cannot check (it does not know the test key) but must parse. */
static void chunked(const char *body, size_t len, bool is_signed, bool is_bad,
                    struct buf *out)
{
    static const char sig[] = ";chunk-signature=0000000000000000000000000"
                              "000000000000000000000000000000000000000";
    for (size_t off = 0; off < len; off += 65536) {
        size_t n = len - off < 65536 ? len - off : 65536;
        buf_printf(out, "%zx%s\r\n", n, is_signed ? sig : "");
        buf_append(out, body + off, n);
        buf_puts(out, "\r\n");
    }
    buf_printf(out, "0%s\r\n", is_signed ? sig : "");
    if (is_signed) {
        buf_puts(out, "\r\n");
        return;
    }
    uint32_t crc = is_bad ? 0 : crypto_crc32(body, len);
    uint8_t be[4] = { (uint8_t)(crc >> 24), (uint8_t)(crc >> 16),
                      (uint8_t)(crc >> 8), (uint8_t)crc };
    struct buf b64;
    buf_init(&b64, 0);
    crypto_base64_encode(be, 4, &b64);
    buf_printf(out, "x-amz-checksum-crc32:%s\r\n\r\n", buf_cstr(&b64));
    buf_clear(&b64);
}

static void large_chunked_bodies_should_decode_from_disk(void **state)
{
    (void)state;
    make_bucket("chunky");
    char *body = pattern(LARGE, 4);
    char decoded[64];
    snprintf(decoded, sizeof decoded, "x-amz-decoded-content-length: %d",
             LARGE);
    const char *h[] = {
        "x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "x-amz-trailer: x-amz-checksum-crc32", decoded, NULL };
    struct buf wire;
    buf_init(&wire, 0);
    chunked(body, LARGE, false, false, &wire);
    struct response r = client_s3("PUT", "/chunky/k", h, wire.data, wire.len);
    char got[64];
    response_header(&r, "x-amz-checksum-crc32", got, sizeof got);
    assert_true(got[0] != '\0');
    expect_status(&r, 200);
    expect_body("/chunky/k", body, LARGE);
    buf_reset(&wire);
    chunked(body, LARGE, false, true, &wire);
    r = client_s3("PUT", "/chunky/bad", h, wire.data, wire.len);
    expect_error(&r, 400, "BadDigest");
    r = client_s3("PUT", "/chunky/cut", h, wire.data, wire.len / 2);
    expect_error(&r, 400, "IncompleteBody");
    const char *hs[] = {
        "x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        decoded, NULL };
    buf_reset(&wire);
    chunked(body, LARGE, true, false, &wire);
    r = client_s3("PUT", "/chunky/signed", hs, wire.data, wire.len);
    expect_status(&r, 200);
    expect_body("/chunky/signed", body, LARGE);
    r = client_s3("GET", "/chunky/bad", NULL, NULL, 0);
    expect_error(&r, 404, "NoSuchKey");
    buf_clear(&wire);
    free(body);
}

static void large_parts_should_assemble_into_one_object(void **state)
{
    (void)state;
    make_bucket("parts");
    struct response r = client_s3("POST", "/parts/big?uploads", NULL, "", 0);
    char id[128], path[256], etag1[64], etag2[64];
    xml_get(&r, "UploadId", id, sizeof id);
    expect_status(&r, 200);
    char *whole = pattern(2 * (size_t)LARGE, 5);
    snprintf(path, sizeof path, "/parts/big?partNumber=1&uploadId=%s", id);
    r = client_s3("PUT", path, NULL, whole, LARGE);
    response_header(&r, "ETag", etag1, sizeof etag1);
    expect_status(&r, 200);
    snprintf(path, sizeof path, "/parts/big?partNumber=2&uploadId=%s", id);
    r = client_s3("PUT", path, NULL, whole + LARGE, LARGE);
    response_header(&r, "ETag", etag2, sizeof etag2);
    expect_status(&r, 200);
    char xml[512];
    snprintf(xml, sizeof xml, "<CompleteMultipartUpload><Part><PartNumber>1"
             "</PartNumber><ETag>%s</ETag></Part><Part><PartNumber>2"
             "</PartNumber><ETag>%s</ETag></Part></CompleteMultipartUpload>",
             etag1, etag2);
    snprintf(path, sizeof path, "/parts/big?uploadId=%s", id);
    r = client_s3("POST", path, NULL, xml, strlen(xml));
    char etag[64];
    xml_get(&r, "ETag", etag, sizeof etag);
    assert_non_null(strstr(etag, "-2"));
    expect_status(&r, 200);
    expect_body("/parts/big", whole, 2 * (size_t)LARGE);
    /* UploadPartCopy of a range that spans both parts. */
    r = client_s3("POST", "/parts/copy?uploads", NULL, "", 0);
    xml_get(&r, "UploadId", id, sizeof id);
    expect_status(&r, 200);
    char range[96];
    snprintf(range, sizeof range, "x-amz-copy-source-range: bytes=%d-%d",
             LARGE - 1000, LARGE + 2 * MIB);
    const char *h[] = { "x-amz-copy-source: /parts/big", range, NULL };
    snprintf(path, sizeof path, "/parts/copy?partNumber=1&uploadId=%s", id);
    r = client_s3("PUT", path, h, NULL, 0);
    xml_get(&r, "ETag", etag1, sizeof etag1);
    expect_status(&r, 200);
    snprintf(xml, sizeof xml, "<CompleteMultipartUpload><Part><PartNumber>1"
             "</PartNumber><ETag>%s</ETag></Part></CompleteMultipartUpload>",
             etag1);
    snprintf(path, sizeof path, "/parts/copy?uploadId=%s", id);
    r = client_s3("POST", path, NULL, xml, strlen(xml));
    expect_status(&r, 200);
    expect_body("/parts/copy", whole + LARGE - 1000, 2 * MIB + 1001);
    free(whole);
}

static void large_bodies_of_other_operations_should_be_refused(void **state)
{
    (void)state;
    make_bucket("policy");
    char *body = pattern(LARGE, 6);
    struct response r = client_s3("PUT", "/policy?policy", NULL, body, LARGE);
    expect_error(&r, 400, "EntityTooLarge");
    free(body);
}

int main(void)
{
    client_start();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(large_objects_should_round_trip_in_pieces,
                               reset),
        cmocka_unit_test_setup(
            memory_bodies_of_several_chunks_should_round_trip, reset),
        cmocka_unit_test_setup(
            large_bodies_that_fail_checks_should_leave_nothing, reset),
        cmocka_unit_test_setup(large_chunked_bodies_should_decode_from_disk,
                               reset),
        cmocka_unit_test_setup(large_parts_should_assemble_into_one_object,
                               reset),
        cmocka_unit_test_setup(
            large_bodies_of_other_operations_should_be_refused, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
