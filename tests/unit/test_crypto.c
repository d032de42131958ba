/* crypto: known-answer tests for each primitive, and strict base64. */
#include "base/buf.h"
#include "base/crypto.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

static void sha256_should_match_known_answers(void **state)
{
    (void)state;
    uint8_t d[32];
    char hex[65];
    crypto_sha256("", 0, d);
    crypto_hex(d, 32, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb924"
                             "27ae41e4649b934ca495991b7852b855");
    crypto_sha256("abc", 3, d);
    crypto_hex(d, 32, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
                             "b00361a396177a9cb410ff61f20015ad");
}

static void hmac_should_match_rfc4231_case_2(void **state)
{
    (void)state;
    uint8_t d[32];
    char hex[65];
    const char *msg = "what do ya want for nothing?";
    crypto_hmac_sha256("Jefe", 4, msg, strlen(msg), d);
    crypto_hex(d, 32, hex);
    assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c7"
                             "5a003f089d2739839dec58b964ec3843");
}

static void md5_and_crc32_should_match_known_answers(void **state)
{
    (void)state;
    uint8_t d[16];
    char hex[33];
    crypto_md5("", 0, d);
    crypto_hex(d, 16, hex);
    assert_string_equal(hex, "d41d8cd98f00b204e9800998ecf8427e");
    assert_int_equal(crypto_crc32("123456789", 9), 0xCBF43926u);
    assert_int_equal(crypto_crc32("", 0), 0);
}

static void equal_should_compare_all_bytes(void **state)
{
    (void)state;
    assert_true(crypto_equal("abcd", "abcd", 4));
    assert_false(crypto_equal("abcd", "abce", 4));
    assert_false(crypto_equal("xbcd", "abcd", 4));
    assert_true(crypto_equal("", "", 0));
    /* Word-sized strides and the bytes after them: a difference in any
     * position of a 64-byte hex signature, or of an odd-length secret. */
    char a[67], b[67];
    memset(a, 'f', sizeof a);
    for (size_t len = 1; len <= sizeof a; len++) {
        for (size_t at = 0; at < len; at++) {
            memcpy(b, a, sizeof b);
            b[at] = 'F';
            assert_false(crypto_equal(a, b, len));
        }
        memcpy(b, a, sizeof b);
        assert_true(crypto_equal(a, b, len));
    }
}

struct b64_case {
    const char *plain;
    const char *encoded;
};

static const struct b64_case b64_cases[] = {
    { "", "" },         { "f", "Zg==" },         { "fo", "Zm8=" },
    { "foo", "Zm9v" },  { "foob", "Zm9vYg==" },  { "fooba", "Zm9vYmE=" },
    { "foobar", "Zm9vYmFy" },
};

static void base64_should_round_trip_rfc4648_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof b64_cases / sizeof b64_cases[0]; i++) {
        struct buf b;
        buf_init(&b, 0);
        crypto_base64_encode(b64_cases[i].plain, strlen(b64_cases[i].plain),
                             &b);
        assert_string_equal(buf_cstr(&b), b64_cases[i].encoded);
        buf_reset(&b);
        assert_int_equal(crypto_base64_decode(b64_cases[i].encoded,
                                              strlen(b64_cases[i].encoded),
                                              &b), 0);
        assert_string_equal(buf_cstr(&b), b64_cases[i].plain);
        buf_clear(&b);
    }
}

static void base64_decode_should_refuse_malformed_text(void **state)
{
    (void)state;
    static const char *const bad[] = { "Zg=", "Z===", "Zg==Zg==", "Zm9v!",
                                       "=Zm9", "Zm=v", "Zm9vY" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct buf b;
        buf_init(&b, 0);
        if (crypto_base64_decode(bad[i], strlen(bad[i]), &b) != -1)
            fail_msg("accepted '%s'", bad[i]);
        buf_clear(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sha256_should_match_known_answers),
        cmocka_unit_test(hmac_should_match_rfc4231_case_2),
        cmocka_unit_test(md5_and_crc32_should_match_known_answers),
        cmocka_unit_test(equal_should_compare_all_bytes),
        cmocka_unit_test(base64_should_round_trip_rfc4648_vectors),
        cmocka_unit_test(base64_decode_should_refuse_malformed_text),
    };
    return cmocka_run_group_tests_name("crypto", tests, NULL, NULL);
}
