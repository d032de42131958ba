/* sigv4_chunked: aws-chunked decoding and the chunk-signature chain,
 * checked against the S3 streaming worked example (66560 bytes of 'a' in
 * chunks of 65536, 1024 and 0 bytes, and aws-c-auth's trailer value), read
 * from ../shared/vectors/sigv4/s3-streaming-example.json or wherever
 * DYNALAKE_SIGV4_VECTORS points; then malformed and tampered bodies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth/sigv4.h"
#include "auth/sigv4_chunked.h"
#include "base/buf.h"
#include "base/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct example {
    cJSON *root;
    uint8_t key[32];
    struct str date;
    struct str scope;
    struct str seed;
};

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot read %s (set DYNALAKE_SIGV4_VECTORS)", path);
    struct buf b;
    buf_init(&b, 0);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    return buf_detach(&b, len);
}

static void load(struct example *ex)
{
    const char *env = getenv("DYNALAKE_SIGV4_VECTORS");
    char path[1024];
    snprintf(path, sizeof path, "%s/s3-streaming-example.json",
             env && *env ? env : "../shared/vectors/sigv4");
    size_t len;
    char *text = slurp(path, &len);
    ex->root = json_parse(text, len);
    free(text);
    assert_non_null(ex->root);
    const char *secret = json_get_string(json_get(ex->root, "credentials"),
                                         "secret_access_key");
    ex->date = str_from(json_get_string(ex->root, "amz_date"));
    ex->scope = str_from(json_get_string(ex->root, "scope"));
    ex->seed = str_from(json_get_string(ex->root, "seed_signature"));
    sigv4_signing_key(str_from(secret), STR_LIT("20130524"),
                      STR_LIT("us-east-1"), STR_LIT("s3"), ex->key);
}

/* The example's wire body; with a trailer, the trailing headers and their
 * signature follow the last chunk. */
static void wire_body(const struct example *ex, bool has_trailer,
                      struct buf *out)
{
    const cJSON *chunk;
    cJSON_ArrayForEach(chunk, json_get(ex->root, "chunks"))
    {
        int size = json_get(chunk, "size")->valueint;
        buf_puts(out, json_get_string(chunk, "wire_header"));
        buf_puts(out, "\r\n");
        for (int i = 0; i < size; i++)
            buf_putc(out, 'a');
        if (size > 0 || !has_trailer)
            buf_puts(out, "\r\n");
    }
    if (!has_trailer)
        return;
    const cJSON *t = json_get(ex->root, "trailer_example");
    buf_puts(out, "first:1st\r\nsecond:2nd\r\nthird:3rd\r\n"
                  "x-amz-trailer-signature:");
    buf_puts(out, json_get_string(t, "trailer_signature"));
    buf_puts(out, "\r\n\r\n");
}

static struct sigv4_chunked params(const struct example *ex, bool has_trailer)
{
    return (struct sigv4_chunked){ .is_signed = true,
                                   .has_trailer = has_trailer,
                                   .key = ex->key, .date = ex->date,
                                   .scope = ex->scope,
                                   .seed_signature = ex->seed };
}

static void chunk_signatures_should_match_the_worked_example(void **state)
{
    (void)state;
    struct example ex;
    load(&ex);
    char previous[65];
    str_copy(ex.seed, previous, sizeof previous);
    const cJSON *chunk;
    struct buf data;
    buf_init(&data, 0);
    cJSON_ArrayForEach(chunk, json_get(ex.root, "chunks"))
    {
        buf_reset(&data);
        for (int i = 0; i < json_get(chunk, "size")->valueint; i++)
            buf_putc(&data, 'a');
        char sig[65];
        sigv4_chunked_sign(ex.key, ex.date, ex.scope, str_from(previous),
                           (struct str){ buf_cstr(&data), data.len }, sig);
        assert_string_equal(sig, json_get_string(chunk, "signature"));
        memcpy(previous, sig, sizeof sig);
    }
    const cJSON *t = json_get(ex.root, "trailer_example");
    char sig[65];
    sigv4_chunked_sign_trailer(
        ex.key, ex.date, ex.scope, str_from(previous),
        str_from(json_get_string(t, "trailing_headers_canonical")), sig);
    assert_string_equal(sig, json_get_string(t, "trailer_signature"));
    buf_clear(&data);
    cJSON_Delete(ex.root);
}

static void decode_should_verify_and_reassemble_the_example(void **state)
{
    (void)state;
    struct example ex;
    load(&ex);
    for (int has_trailer = 0; has_trailer <= 1; has_trailer++) {
        struct buf body, payload, trailers;
        buf_init(&body, 0);
        buf_init(&payload, 0);
        buf_init(&trailers, 0);
        wire_body(&ex, has_trailer, &body);
        if (!has_trailer)
            assert_int_equal(body.len, 66824);
        struct sigv4_chunked p = params(&ex, has_trailer);
        assert_int_equal(sigv4_chunked_decode(&p, (struct str){ body.data,
                                                                body.len },
                                              &payload, &trailers),
                         SIGV4_CHUNKED_OK);
        assert_int_equal(payload.len, 66560);
        assert_true(payload.data[0] == 'a' && payload.data[66559] == 'a');
        assert_string_equal(buf_cstr(&trailers),
                            has_trailer ? "first:1st\nsecond:2nd\nthird:3rd\n"
                                        : "");
        buf_clear(&body);
        buf_clear(&payload);
        buf_clear(&trailers);
    }
    cJSON_Delete(ex.root);
}

/* Each row damages the example's wire body at one spot. */
static void damaged_bodies_should_be_refused(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        size_t at;        /* offset to overwrite; SIZE_MAX: truncate */
        char byte;
        size_t truncate;  /* bytes to drop from the end */
        bool has_trailer;
        enum sigv4_chunked_status want;
    } rows[] = {
        { "chunk data changed", 100, 'b', 0, false,
          SIGV4_CHUNKED_SIGNATURE_MISMATCH },
        { "first chunk signature changed", 30, '0', 0, false,
          SIGV4_CHUNKED_SIGNATURE_MISMATCH },
        { "size not hex", 0, 'x', 0, false, SIGV4_CHUNKED_MALFORMED },
        { "truncated in the data", SIZE_MAX, 0, 40000, false,
          SIGV4_CHUNKED_MALFORMED },
        { "final chunk missing", SIZE_MAX, 0, 90, false,
          SIGV4_CHUNKED_MALFORMED },
        { "trailer value changed", SIZE_MAX - 1, '2', 0, true,
          SIGV4_CHUNKED_SIGNATURE_MISMATCH },
    };
    struct example ex;
    load(&ex);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct buf body, payload, trailers;
        buf_init(&body, 0);
        buf_init(&payload, 0);
        buf_init(&trailers, 0);
        wire_body(&ex, rows[i].has_trailer, &body);
        if (rows[i].at == SIZE_MAX - 1) {
            char *v = strstr(body.data, "first:1st");
            v[6] = rows[i].byte;
        } else if (rows[i].at != SIZE_MAX) {
            body.data[rows[i].at] = rows[i].byte;
        }
        size_t len = body.len - rows[i].truncate;
        struct sigv4_chunked p = params(&ex, rows[i].has_trailer);
        enum sigv4_chunked_status got = sigv4_chunked_decode(
            &p, (struct str){ body.data, len }, &payload, &trailers);
        if (got != rows[i].want)
            fail_msg("%s: got %d, want %d", rows[i].name, got, rows[i].want);
        buf_clear(&body);
        buf_clear(&payload);
        buf_clear(&trailers);
    }
    cJSON_Delete(ex.root);
}

/* STREAMING-UNSIGNED-PAYLOAD-TRAILER, as the SDKs send CRC32 trailers. */
static void unsigned_trailer_body_should_decode(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        const char *wire;
        enum sigv4_chunked_status want;
        const char *payload;
        const char *trailers;
    } rows[] = {
        { "two chunks and a checksum",
          "5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n"
          "\r\n",
          SIGV4_CHUNKED_OK, "hello world", "x-amz-checksum-crc32:DUoRhQ==\n" },
        { "empty body", "0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n",
          SIGV4_CHUNKED_OK, "", "x-amz-checksum-crc32:AAAAAA==\n" },
        { "names lower-cased",
          "1\r\na\r\n0\r\nX-Amz-Checksum-CRC32: 6Le+Qw==\r\n\r\n",
          SIGV4_CHUNKED_OK, "a", "x-amz-checksum-crc32:6Le+Qw==\n" },
        { "chunk longer than the body", "10\r\nabc\r\n0\r\n\r\n",
          SIGV4_CHUNKED_MALFORMED, NULL, NULL },
        { "chunk without its CRLF", "3\r\nabcX0\r\n\r\n",
          SIGV4_CHUNKED_MALFORMED, NULL, NULL },
        { "signature on an unsigned chunk",
          "1;chunk-signature=00\r\na\r\n0\r\n\r\n", SIGV4_CHUNKED_MALFORMED,
          NULL, NULL },
        { "trailer without a colon", "0\r\nbogus\r\n\r\n",
          SIGV4_CHUNKED_MALFORMED, NULL, NULL },
        { "no framing at all", "hello", SIGV4_CHUNKED_MALFORMED, NULL, NULL },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct sigv4_chunked p = { .is_signed = false, .has_trailer = true,
                                   .seed_signature = STR_LIT("x") };
        struct buf payload, trailers;
        buf_init(&payload, 0);
        buf_init(&trailers, 0);
        enum sigv4_chunked_status got = sigv4_chunked_decode(
            &p, str_from(rows[i].wire), &payload, &trailers);
        if (got != rows[i].want)
            fail_msg("%s: got %d, want %d", rows[i].name, got, rows[i].want);
        if (got == SIGV4_CHUNKED_OK) {
            assert_string_equal(buf_cstr(&payload), rows[i].payload);
            assert_string_equal(buf_cstr(&trailers), rows[i].trailers);
        }
        buf_clear(&payload);
        buf_clear(&trailers);
    }
}

/* An unknown access key with IAM off: signatures are read, not checked. */
static void decode_without_key_should_skip_signatures(void **state)
{
    (void)state;
    struct example ex;
    load(&ex);
    struct buf body, payload, trailers;
    buf_init(&body, 0);
    buf_init(&payload, 0);
    buf_init(&trailers, 0);
    wire_body(&ex, false, &body);
    body.data[30] = '0';
    struct sigv4_chunked p = params(&ex, false);
    p.key = NULL;
    assert_int_equal(sigv4_chunked_decode(&p, (struct str){ body.data,
                                                            body.len },
                                          &payload, &trailers),
                     SIGV4_CHUNKED_OK);
    assert_int_equal(payload.len, 66560);
    buf_clear(&body);
    buf_clear(&payload);
    buf_clear(&trailers);
    cJSON_Delete(ex.root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chunk_signatures_should_match_the_worked_example),
        cmocka_unit_test(decode_should_verify_and_reassemble_the_example),
        cmocka_unit_test(damaged_bodies_should_be_refused),
        cmocka_unit_test(unsigned_trailer_body_should_decode),
        cmocka_unit_test(decode_without_key_should_skip_signatures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
