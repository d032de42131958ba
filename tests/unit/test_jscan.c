/* jscan: what it takes and refuses, and the two promises callers build
 * on: whatever it takes cJSON reads too, and an exact value is what
 * json_write prints from cJSON's tree, byte for byte (also over thousands
 * of mutated documents). */
#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"
#include "sync/jscan.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum verdict { REFUSED, TAKEN, EXACT };

static const struct {
    const char *name;
    const char *text;
    enum verdict verdict;
} cases[] = {
    { "empty object", "{}", EXACT },
    { "empty array", "[]", EXACT },
    { "attribute value map", "{\"pk\":{\"S\":\"a\"},\"n\":{\"N\":\"1.5\"}}",
      EXACT },
    { "literals", "[true,false,null]", EXACT },
    { "short escapes", "\"q\\\" b\\\\ \\b\\f\\n\\r\\t\"", EXACT },
    { "control character escape", "\"\\u0001\\u001f\"", EXACT },
    { "raw UTF-8 and DEL", "\"caf\xc3\xa9\x7f\"", EXACT },
    { "escaped slash", "\"a\\/b\"", TAKEN },
    { "small integers", "[0,-1,123456789,-123456789]", EXACT },
    { "ten digits", "1234567890", TAKEN },
    { "fraction", "1.5", TAKEN },
    { "exponent", "[1e5,2E-3,3e+2]", TAKEN },
    { "minus zero", "-0", TAKEN },
    { "NUL escape", "\"a\\u0000b\"", REFUSED },
    { "escape of a printable", "\"\\u00e9\"", REFUSED },
    { "escape with a short form", "\"\\u000a\"", REFUSED },
    { "upper-case hex", "\"\\u001F\"", REFUSED },
    { "surrogate", "\"\\ud83d\\ude00\"", REFUSED },
    { "unknown escape", "\"\\x\"", REFUSED },
    { "raw control character", "\"a\tb\"", REFUSED },
    { "whitespace", "{\"a\": 1}", REFUSED },
    { "leading zero", "01", REFUSED },
    { "bare point", "1.", REFUSED },
    { "bare minus", "-", REFUSED },
    { "long number", "123456789012345678901234567890123", REFUSED },
    { "unterminated string", "\"abc", REFUSED },
    { "unterminated object", "{\"a\":1", REFUSED },
    { "trailing comma", "[1,]", REFUSED },
    { "missing colon", "{\"a\"1}", REFUSED },
    { "bad literal", "tru", REFUSED },
    { "unquoted name", "{a:1}", REFUSED },
};

static enum verdict judge(const char *text, size_t len)
{
    bool is_exact = true;
    const char *end = jscan_value(text, text + len, &is_exact);
    if (end != text + len)
        return REFUSED;
    return is_exact ? EXACT : TAKEN;
}

/* The promises: taken text parses, exact text prints back the same. */
static void check_promises(const char *text, size_t len, enum verdict v)
{
    if (v == REFUSED)
        return;
    cJSON *doc = json_parse(text, len);
    if (doc == NULL)
        fail_msg("taken but cJSON refuses: %.*s", (int)len, text);
    struct buf b;
    buf_init(&b, 0);
    json_write(&b, doc);
    if (v == EXACT && (b.len != len || memcmp(b.data, text, len) != 0))
        fail_msg("exact but printed differently: %.*s -> %s", (int)len, text,
                 buf_cstr(&b));
    buf_clear(&b);
    cJSON_Delete(doc);
}

static void value_should_take_compact_json_and_refuse_the_rest(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *t = cases[i].text;
        enum verdict v = judge(t, strlen(t));
        if (v != cases[i].verdict)
            fail_msg("%s: verdict %d, expected %d", cases[i].name, v,
                     cases[i].verdict);
        check_promises(t, strlen(t), v);
    }
}

static void depth_should_stop_at_the_limit(void **state)
{
    (void)state;
    char text[2 * (JSCAN_MAX_DEPTH + 1) + 1];
    for (int depth = JSCAN_MAX_DEPTH; depth <= JSCAN_MAX_DEPTH + 1; depth++) {
        memset(text, '[', (size_t)depth);
        memset(text + depth, ']', (size_t)depth);
        text[2 * depth] = '\0';
        enum verdict v = judge(text, strlen(text));
        assert_int_equal(v, depth <= JSCAN_MAX_DEPTH ? EXACT : REFUSED);
    }
}

static uint64_t next_random(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33;
}

static void mutations_should_keep_both_promises(void **state)
{
    (void)state;
    static const char seed[] =
        "{\"Records\":[{\"eventID\":\"e1\",\"dynamodb\":{\"Keys\":{\"pk\":"
        "{\"S\":\"a\\\"b\\n\"}},\"NewImage\":{\"l\":{\"L\":[{\"BOOL\":true},"
        "{\"NULL\":true},{\"N\":\"-1.5e3\"}]}},\"SizeBytes\":12}}],"
        "\"NextShardIterator\":\"x|1|AQ==\"}";
    static const char alphabet[] = "{}[]\",:\\/u0019aeE.-+ tfn\x01\x7f";
    uint64_t rnd = 42;
    char text[sizeof seed];
    size_t taken = 0;
    for (int round = 0; round < 20000; round++) {
        memcpy(text, seed, sizeof seed);
        int edits = 1 + (int)(next_random(&rnd) % 3);
        for (int e = 0; e < edits; e++)
            text[next_random(&rnd) % (sizeof seed - 1)] =
                alphabet[next_random(&rnd) % (sizeof alphabet - 1)];
        enum verdict v = judge(text, sizeof seed - 1);
        taken += v != REFUSED;
        check_promises(text, sizeof seed - 1, v);
    }
    assert_true(taken > 1000); /* the property was exercised */
}

static void iterators_should_walk_members_and_elements(void **state)
{
    (void)state;
    const char *text = "{\"a\":[1,\"x\",{}],\"b\\n\":\"y\",\"a\":null}";
    struct jscan_iter it, arr;
    struct jscan_span name, value, v;
    const char *names[] = { "a", "b\\n", "a" };
    size_t n = 0;
    jscan_object_open(&it, text, text + strlen(text), 0);
    while (jscan_object_key(&it, &name)) {
        assert_true(jscan_equals(name, names[n]));
        if (n == 0) {
            size_t elements = 0;
            assert_true(jscan_array_open(&arr, it.p, it.end, 1));
            while (jscan_array_next(&arr, &v, NULL))
                elements++;
            assert_false(arr.is_failed);
            assert_int_equal(elements, 3);
            it.p = arr.p;
        } else {
            assert_true(jscan_next_value(&it, &value, NULL));
        }
        n++;
    }
    assert_int_equal(n, 3);
    assert_true(jscan_is_whole(&it, (struct jscan_span){ text,
                                                         strlen(text) }));
    /* Trailing bytes after the close are not the object's. */
    const char *extra = "{\"a\":1}}";
    jscan_object_open(&it, extra, extra + strlen(extra), 0);
    while (jscan_object_next(&it, &name, &value, NULL))
        ;
    assert_false(jscan_is_whole(&it, (struct jscan_span){ extra,
                                                          strlen(extra) }));
}

static void unescape_should_decode_what_jscan_takes(void **state)
{
    (void)state;
    const char *content = "a\\\"b\\\\c\\/d\\n\\u0001e";
    struct buf b;
    buf_init(&b, 0);
    jscan_unescape(&b, (struct jscan_span){ content, strlen(content) });
    assert_int_equal(b.len, 10);
    assert_memory_equal(b.data, "a\"b\\c/d\n\x01" "e", 10);
    buf_clear(&b);
    assert_true(jscan_compare((struct jscan_span){ "ab", 2 },
                              (struct jscan_span){ "abc", 3 }) < 0);
    assert_true(jscan_compare((struct jscan_span){ "b", 1 },
                              (struct jscan_span){ "abc", 3 }) > 0);
}

int main(void)
{
    mem_install_cjson_hooks();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(value_should_take_compact_json_and_refuse_the_rest),
        cmocka_unit_test(depth_should_stop_at_the_limit),
        cmocka_unit_test(mutations_should_keep_both_promises),
        cmocka_unit_test(iterators_should_walk_members_and_elements),
        cmocka_unit_test(unescape_should_decode_what_jscan_takes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
