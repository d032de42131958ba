/* json_parse: accepts exactly what cJSON's parser (and the trailing check)
 * accepts, and builds the same tree, quirks included; checked case by
 * case, at every offset of a word, at the nesting limit, and on a few
 * thousand seeded mutations of valid documents. */
#include "base/json.h"
#include "base/mem.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_compare.h"

/* Parses len bytes from an exact-size heap copy (so that ASan sees any
 * read past them) with both parsers and fails unless the verdicts and
 * trees agree; returns the verdict. */
static bool check_same(const char *text, size_t len)
{
    char *copy = xmalloc(len);
    if (len > 0)
        memcpy(copy, text, len);
    cJSON *mine = json_parse(copy, len);
    cJSON *ref = json_reference_parse(copy, len);
    const char *why = json_compare(mine, ref);
    if (why != NULL)
        fail_msg("%s: '%.*s' (%zu bytes)", why, (int)len, text, len);
    bool is_valid = mine != NULL;
    cJSON_Delete(mine);
    cJSON_Delete(ref);
    free(copy);
    return is_valid;
}

struct parse_case {
    const char *text;
    size_t len; /* bytes of text, NULs included */
    bool is_valid;
};

#define CASE(literal, valid) { literal, sizeof literal - 1, valid }

static const struct parse_case cases[] = {
    /* Values and the trailing check. */
    CASE("{}", true), CASE("[]", true), CASE("\"str\"", true),
    CASE("null", true), CASE("true", true), CASE("false", true),
    CASE(" {\"a\":1} \n", true), CASE("1 \t\r\n", true),
    CASE("1\0\0", true), CASE("[1]\0 ", true), CASE("1\x01", false),
    CASE("1 x", false), CASE("{}{}", false), CASE("[1] ]", false),
    CASE("", false), CASE(" ", false), CASE("\0", false),
    CASE("nul", false), CASE("nulll", false), CASE("tru", false),
    CASE("fals", false), CASE("NULL", false), CASE("True", false),
    CASE("'a'", false), CASE("x", false),
    /* Any byte up to ' ' is space between tokens (not 0x7f), but only
     * the trailing check's five after the value. */
    CASE("\x01\x02[\x03 1\x1f,\x7f]", false),
    CASE("\x01\x02[\x03 1\x1f]", true),
    CASE("[1,\0 2]", true), CASE("{\x0b\"a\"\x0c:\x1e" "1\x1f}", true),
    CASE("[1]\x1f", false),
    /* Numbers: what strtod takes of the run of [0-9+-eE.]. */
    CASE("0", true), CASE("-0", true), CASE("1.", true), CASE("01", true),
    CASE("-.5e+3", true), CASE("1e999", true), CASE("-1e999", true),
    CASE("1E5", true), CASE("1.5", true), CASE("-1.5", true),
    CASE("2147483647", true), CASE("2147483648", true),
    CASE("-2147483648", true), CASE("-2147483649", true),
    CASE("4.9e-324", true), CASE("1e-400", true), CASE("1e", false),
    CASE("1e+", false), CASE("[1e]", false), CASE("[1.e5]", true),
    CASE("+1", false), CASE(".5", false), CASE("-", false),
    CASE("--1", false), CASE("-x", false), CASE("1-2", false),
    CASE("[1-2]", false), CASE("0x10", false), CASE("[1,2,3]", true),
    CASE("[-]", false), CASE("-inf", false), CASE("[1.2.3]", false),
    CASE("1111111111111111111111111111111111111111111111111111111111111111"
         "11111111111111111111111111111111111111111111", true),
    CASE("[11111111111111111111111111111111111111111111111111111111111111"
         "1,1.0000000000000000000000000000000000000000000000000000000000000"
         "000000000000001e-2]", true),
    /* Strings: escapes, \u quirks, raw control and non-UTF-8 bytes. */
    CASE("\"\\b\\f\\n\\r\\t\\\"\\\\\\/\"", true),
    CASE("\"\\u00e9\\u00E9\\u0041\\u20AC\"", true),
    CASE("\"\\ud83d\\ude00\"", true), CASE("\"\\uD83D\\uDE00x\"", true),
    CASE("\"\\udbff\\udfff\"", true), CASE("\"a\\u0000b\"", true),
    CASE("\"\\uZZZZa\"", true), CASE("\"\\u12G4\"", true),
    CASE("\"\\uabc\\\\\"", true), CASE("\"\\u0\\\"ab\"", true),
    CASE("\"\\u00\\\\\"", true), CASE("\"a\x01\x1f\tb\x7f\"", true),
    CASE("\"\xff\xfe\xc0\x80\"", true), CASE("\"\0\"", true),
    CASE("\"\"", true), CASE("\"\\x\"", false), CASE("\"\\U0041\"", false),
    CASE("\"\\ud800\"", false), CASE("\"\\ud800x\"", false),
    CASE("\"\\ud800\\u0041\"", false), CASE("\"\\ud800\\udbff\"", false),
    CASE("\"\\ud800\\n\"", false), CASE("\"\\ud800\\ud\"", false),
    CASE("\"\\udc00\"", false), CASE("\"\\udfff\\udc00\"", false),
    CASE("\"\\u12\"", false), CASE("\"\\u\"", false), CASE("\"abc", false),
    CASE("\"abc\\", false), CASE("\"a\\\"", false), CASE("\"", false),
    CASE("\"\\ud800\\udc00", false),
    /* Arrays and objects. */
    CASE("{\"a\":1,\"a\":2,\"a\":[]}", true), CASE("{\"\":null}", true),
    CASE("{\"k\\u00e9\\n\":\"v\\t\"}", true),
    CASE("{\"a\":{\"b\":[1,{\"c\":true}]},\"d\":[[],{}]}", true),
    CASE("[null,true,false,\"\",0]", true), CASE("[ ]", true),
    CASE("{ }", true), CASE("[1,]", false), CASE("[,1]", false),
    CASE("[1 2]", false), CASE("{\"a\"}", false), CASE("{\"a\":}", false),
    CASE("{\"a\" 1}", false), CASE("{a:1}", false), CASE("{\"a\":1,}", false),
    CASE("{\"a\":1 \"b\":2}", false), CASE("[", false), CASE("{", false),
    CASE("[1", false), CASE("[1,", false), CASE("{\"a\":1,", false),
    CASE("{\"a\":1", false), CASE("{\"a\"", false), CASE("{\"a\":", false),
    CASE("{1:1}", false), CASE("[}", false), CASE("{]", false),
    CASE("[ ", false), CASE("{ ", false),
    /* A byte order mark, skipped only in a text of 5 bytes or more. */
    CASE("\xEF\xBB\xBF" "12", true), CASE("\xEF\xBB\xBF" "1", false),
    CASE("\xEF\xBB\xBF" " {}", true), CASE(" \xEF\xBB\xBF" "{}", false),
    CASE("\xEF\xBB\xBF\xEF\xBB\xBF" "1", false),
};

static void parse_should_match_cjson_case_by_case(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct parse_case *c = &cases[i];
        if (check_same(c->text, c->len) != c->is_valid)
            fail_msg("case %zu '%.*s': expected %s", i, (int)c->len, c->text,
                     c->is_valid ? "accepted" : "refused");
    }
}

static void parse_should_refuse_null_and_empty_text(void **state)
{
    (void)state;
    assert_null(json_parse(NULL, 0));
    assert_null(json_parse("1", 0));
}

static void parse_should_stop_at_the_given_length(void **state)
{
    (void)state;
    const char *t = "{\"a\":1,\"b\":\"x\"}";
    for (size_t len = 0; len <= strlen(t); len++)
        check_same(t, len);
    assert_false(check_same(t, 7));
    assert_true(check_same(t, strlen(t)));
}

/* A check_same of "s" with s = body, after pad spaces. */
static void check_string(const char *body, size_t pad)
{
    char text[512];
    size_t len = strlen(body);
    assert_true(pad + len + 2 <= sizeof text);
    memset(text, ' ', pad);
    text[pad] = '"';
    memcpy(text + pad + 1, body, len);
    text[pad + 1 + len] = '"';
    check_same(text, pad + len + 2);
}

/* Each escape, and an unescaped quote or a lone backslash, at every offset
 * of strings up to five words long, the string itself at every alignment:
 * the plain run is found a word at a time and must end exactly there. */
static void parse_should_find_escapes_at_every_offset(void **state)
{
    (void)state;
    static const char *const escapes[] = {
        "\\n", "\\\"", "\\\\", "\\/", "\\u00e9", "\\u20ac", "\\ud83d\\ude00",
        "\"", "\\", "\\q", "\x01", "\xff", "\\u0000", "\\ud800",
    };
    char body[128];
    for (size_t e = 0; e < sizeof escapes / sizeof escapes[0]; e++) {
        size_t elen = strlen(escapes[e]);
        for (size_t len = 0; len <= 40; len++) {
            for (size_t at = 0; at <= len; at++) {
                memset(body, 'a', len);
                memcpy(body + at, escapes[e], elen);
                memset(body + at + elen, 'b', len - at);
                body[len + elen] = '\0';
                for (size_t pad = 0; pad < 8; pad++)
                    check_string(body, pad);
            }
        }
    }
}

/* A large string, most of it plain, with escapes spread through it. */
static void parse_should_copy_large_strings_exactly(void **state)
{
    (void)state;
    size_t len = 300000;
    char *text = xmalloc(len);
    text[0] = '"';
    for (size_t i = 1; i < len - 1; i++)
        text[i] = (char)('a' + i % 26);
    for (size_t i = 1000; i + 2010 < len - 1; i += 4999) {
        memcpy(text + i, "\\u00e9", 6);
        memcpy(text + i + 2000 + i % 8, "\\n", 2);
    }
    text[len - 1] = '"';
    assert_true(check_same(text, len));
    assert_false(check_same(text, len - 1));
    free(text);
}

/* open (a prefix like "[" or "{\"a\":") repeated depth times, a value,
 * and the matching closes. */
static bool check_nested(const char *open, char close, size_t depth)
{
    size_t olen = strlen(open);
    size_t len = depth * (olen + 1) + 1;
    char *text = xmalloc(len);
    for (size_t i = 0; i < depth; i++)
        memcpy(text + i * olen, open, olen);
    text[depth * olen] = '1';
    memset(text + depth * olen + 1, close, depth);
    bool is_valid = check_same(text, len);
    free(text);
    return is_valid;
}

static void parse_should_nest_1000_deep_and_no_deeper(void **state)
{
    (void)state;
    assert_true(check_nested("[", ']', CJSON_NESTING_LIMIT));
    assert_false(check_nested("[", ']', CJSON_NESTING_LIMIT + 1));
    assert_true(check_nested("{\"a\":", '}', CJSON_NESTING_LIMIT));
    assert_false(check_nested("{\"a\":", '}', CJSON_NESTING_LIMIT + 1));
}

/* xorshift64: the mutations repeat from one run to the next. */
static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static const char *const documents[] = {
    "{\"TableName\":\"tab\",\"Item\":{\"pk\":{\"S\":\"a\\u00e9\\\"b\"},"
    "\"sk\":{\"N\":\"12.5\"},\"l\":{\"L\":[{\"BOOL\":true},{\"NULL\":true},"
    "{\"SS\":[\"x\",\"y\"]}]}},\"ReturnValues\":\"ALL_OLD\"}",
    "[1, -2.5e+3, 0.001, 1e999, \"\\ud83d\\ude00\", null, false, {}]",
    "{\"a\":{\"b\":{\"c\":[[[\"deep\\n\\t\\/\"]]]}},\"a\":\"dup\"}",
    " \t{ \"Limit\" : 25 , \"ExclusiveStartKey\" : { \"id\" : { \"S\" : "
    "\"0123456789abcdef0123456789abcdef\" } } }\n",
    "\"plain string long enough to span several words of text\"",
    "{\"k\\\\\":\"\\\\\\\"\\\\\",\"\\u0041\":[\"\\u00\\\\\"]}",
};

/* One random change: a byte replaced, inserted or removed, or the text
 * cut, drawing bytes from the ones the parser looks at. */
static size_t mutate(char *text, size_t len, size_t cap, uint64_t *s)
{
    static const char alphabet[] = "\"\\u{}[],:0123456789eE+-.ntrfalsbd "
                                   "\x00\x01\x1f\xff\xef\xbb\xbfxDC";
    char c = alphabet[next_random(s) % (sizeof alphabet - 1)];
    size_t at = len ? next_random(s) % len : 0;
    switch (next_random(s) % 4) {
    case 0:
        if (len > 0)
            text[at] = c;
        return len;
    case 1:
        if (len >= cap)
            return len;
        memmove(text + at + 1, text + at, len - at);
        text[at] = c;
        return len + 1;
    case 2:
        if (len == 0)
            return len;
        memmove(text + at, text + at + 1, len - at - 1);
        return len - 1;
    default:
        return at;
    }
}

static void parse_should_agree_with_cjson_on_mutated_documents(void **state)
{
    (void)state;
    uint64_t s = 0x9E3779B97F4A7C15u;
    size_t n_docs = sizeof documents / sizeof documents[0];
    size_t accepted = 0;
    char text[512];
    for (int i = 0; i < 20000; i++) {
        const char *doc = documents[i % n_docs];
        size_t len = strlen(doc);
        memcpy(text, doc, len);
        int changes = 1 + (int)(next_random(&s) % 3);
        for (int k = 0; k < changes; k++)
            len = mutate(text, len, sizeof text, &s);
        accepted += check_same(text, len);
    }
    /* Enough of both verdicts for the loop to mean something. */
    if (accepted < 1000 || accepted > 19000)
        fail_msg("%zu of 20000 accepted", accepted);
}

int main(void)
{
    mem_install_cjson_hooks();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_should_match_cjson_case_by_case),
        cmocka_unit_test(parse_should_refuse_null_and_empty_text),
        cmocka_unit_test(parse_should_stop_at_the_given_length),
        cmocka_unit_test(parse_should_find_escapes_at_every_offset),
        cmocka_unit_test(parse_should_copy_large_strings_exactly),
        cmocka_unit_test(parse_should_nest_1000_deep_and_no_deeper),
        cmocka_unit_test(parse_should_agree_with_cjson_on_mutated_documents),
    };
    return cmocka_run_group_tests_name("json_parse", tests, NULL, NULL);
}
