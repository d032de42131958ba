/* json: bounded parsing, exact member lookup, string escaping, writing
 * values byte for byte as cJSON prints them. */
#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

struct parse_case {
    const char *text;
    bool is_valid;
};

static const struct parse_case parse_cases[] = {
    { "{}", true },           { " {\"a\":1} \n", true },
    { "[1,2]", true },        { "{\"a\":1} x", false },
    { "{\"a\":1}{}", false }, { "", false },
    { "{", false },           { "{\"a\":}", false },
    { "nul", false },         { "\"str\"", true },
};

static void parse_should_accept_one_value_and_nothing_more(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
        const char *t = parse_cases[i].text;
        cJSON *v = json_parse(t, strlen(t));
        if ((v != NULL) != parse_cases[i].is_valid)
            fail_msg("'%s'", t);
        cJSON_Delete(v);
    }
}

static void parse_should_stop_at_the_given_length(void **state)
{
    (void)state;
    const char *t = "{\"a\":1}garbage";
    cJSON *v = json_parse(t, 7);
    assert_non_null(v);
    cJSON_Delete(v);
}

static void get_should_match_names_exactly(void **state)
{
    (void)state;
    const char *t = "{\"TableName\":\"x\",\"n\":1}";
    cJSON *v = json_parse(t, strlen(t));
    assert_string_equal(json_get_string(v, "TableName"), "x");
    assert_null(json_get(v, "tablename"));
    assert_null(json_get_string(v, "n"));
    assert_null(json_get(NULL, "n"));
    cJSON_Delete(v);
}

static void write_string_should_escape_for_json(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 0);
    const char raw[] = "a\"b\\c\n\t\x01\xc3\xa9";
    json_write_string(&b, raw, sizeof raw - 1);
    assert_string_equal(buf_cstr(&b), "\"a\\\"b\\\\c\\n\\t\\u0001\xc3\xa9\"");
    cJSON *back = json_parse(b.data, b.len);
    assert_string_equal(back->valuestring, raw);
    cJSON_Delete(back);
    /* Escapes at both ends, around a plain run. */
    buf_reset(&b);
    json_write_string(&b, "\rplain\"", 7);
    assert_string_equal(buf_cstr(&b), "\"\\rplain\\\"\"");
    buf_clear(&b);
}

struct escape_case {
    const char *name;
    const char *raw;
    size_t len;
    const char *expected;
};

/* Escapes at the start, the end, back to back and alone, between runs of
 * plain bytes that are copied whole. */
static const struct escape_case escape_cases[] = {
    { "empty", "", 0, "\"\"" },
    { "plain only", "abc \xc3\xa9", 6, "\"abc \xc3\xa9\"" },
    { "escape first", "\"ab", 3, "\"\\\"ab\"" },
    { "escape last", "ab\\", 3, "\"ab\\\\\"" },
    { "escapes back to back", "\r\n\t", 3, "\"\\r\\n\\t\"" },
    { "escape alone", "\x1f", 1, "\"\\u001f\"" },
    { "a NUL byte inside", "a\0b", 3, "\"a\\u0000b\"" },
};

static void write_string_should_escape_at_every_run_boundary(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof escape_cases / sizeof escape_cases[0];
         i++) {
        const struct escape_case *c = &escape_cases[i];
        struct buf b;
        buf_init(&b, 0);
        json_write_string(&b, c->raw, c->len);
        if (strcmp(buf_cstr(&b), c->expected) != 0)
            fail_msg("%s: got %s", c->name, buf_cstr(&b));
        buf_clear(&b);
    }
}

/* Every byte value at every offset of two 16-byte blocks, a word and a
 * tail: the run ends at a quote, a backslash or a control character and
 * at nothing else, UTF-8 included. */
static void plain_length_should_stop_at_the_first_byte_to_escape(void **state)
{
    (void)state;
    char text[43];
    for (int byte = 0; byte < 256; byte++) {
        bool must_escape = byte < 0x20 || byte == '"' || byte == '\\';
        for (size_t at = 0; at < sizeof text; at++) {
            memset(text, 'a', sizeof text);
            text[at] = (char)byte;
            size_t want = must_escape ? at : sizeof text;
            size_t got = json_plain_length(text, sizeof text);
            if (got != want)
                fail_msg("byte 0x%02x at %zu: run of %zu, want %zu", byte,
                         at, got, want);
        }
    }
}

struct text_case {
    const char *name;
    const char *text;
    size_t len;
    bool is_ok;
};

#define TEXT(s) s, sizeof(s) - 1

static const struct text_case text_cases[] = {
    { "plain ASCII", TEXT("{\"a\":\"b\"}"), true },
    { "two-, three- and four-byte UTF-8", TEXT("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\""), true },
    { "an escaped backslash before u0000", TEXT("\"\\\\u0000\""), true },
    { "other escapes", TEXT("\"\\u0041\\n\""), true },
    { "a NUL escape", TEXT("{\"a\":\"x\\u0000y\"}"), false },
    { "a raw NUL byte", "\"a\0b\"", 5, false },
    { "a lone continuation byte", TEXT("\"\x80\""), false },
    { "an overlong slash", TEXT("\"\xc0\xaf\""), false },
    { "a truncated sequence", TEXT("\"\xe2\x82\""), false },
    { "a UTF-16 surrogate", TEXT("\"\xed\xa0\x80\""), false },
    { "past U+10FFFF", TEXT("\"\xf4\x90\x80\x80\""), false },
};

/* json_write writes the bytes cJSON_PrintUnformatted would, for every
 * kind of value and every character a string can need escaped, small and
 * large; past the cap b fails. */
static const char *const write_cases[] = {
    "null", "true", "false", "0", "-0.5", "12.5", "1e+300", "123456789012",
    "\"\"", "\"plain\"", "\"q\\\" b\\\\ s/ \\b\\f\\n\\r\\t \\u0001\\u001f\"",
    "\"\u00e9\u4e2d\"", "[]", "{}", "[1,\"a\",[null,{}],{\"k\":[true]}]",
    "{\"S\":\"x\",\"N\":\"1\",\"M\":{\"a\\nb\":{\"BOOL\":false}},"
    "\"L\":[{\"NULL\":true}]}",
};

static void check_write(const cJSON *v)
{
    char *expected = cJSON_PrintUnformatted(v);
    struct buf b;
    buf_init(&b, 0);
    buf_puts(&b, "[");
    json_write(&b, v);
    assert_false(buf_failed(&b));
    assert_string_equal(buf_cstr(&b) + 1, expected);
    assert_int_equal(b.len, strlen(expected) + 1);
    buf_clear(&b);
    buf_init(&b, 16);
    buf_puts(&b, "[");
    json_write(&b, v);
    assert_int_equal(buf_failed(&b), strlen(expected) > 14);
    buf_clear(&b);
    free(expected);
}

static void write_should_print_what_cjson_prints(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof write_cases / sizeof write_cases[0]; i++) {
        cJSON *v = json_parse(write_cases[i], strlen(write_cases[i]));
        assert_non_null(v);
        check_write(v);
        cJSON_Delete(v);
    }
    static const size_t sizes[] = { 10, 63, 64, 4096, 20000 };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char *text = malloc(sizes[i] + 1);
        memset(text, 'x', sizes[i]);
        text[sizes[i]] = '\0';
        cJSON *v = cJSON_CreateObject();
        cJSON_AddStringToObject(v, "s", text);
        cJSON_AddItemToObject(v, "raw", cJSON_CreateRaw(text));
        check_write(v);
        cJSON_Delete(v);
        free(text);
    }
}

static void text_problem_should_refuse_nul_and_bad_utf8(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof text_cases / sizeof text_cases[0]; i++) {
        const char *why = json_text_problem(text_cases[i].text,
                                            text_cases[i].len);
        if ((why == NULL) != text_cases[i].is_ok)
            fail_msg("case '%s': %s", text_cases[i].name,
                     why ? why : "accepted");
    }
}

/* The same verdicts with the case at every offset of a word inside longer
 * plain text, which is checked eight bytes at a time. */
static void text_problem_should_not_depend_on_where_the_bytes_sit(void **state)
{
    (void)state;
    char text[64];
    for (size_t i = 0; i < sizeof text_cases / sizeof text_cases[0]; i++) {
        for (size_t before = 0; before < 16; before++) {
            size_t len = text_cases[i].len;
            memset(text, 'x', before);
            memcpy(text + before, text_cases[i].text, len);
            memset(text + before + len, 'y', 17);
            const char *why = json_text_problem(text, before + len + 17);
            if ((why == NULL) != text_cases[i].is_ok)
                fail_msg("case '%s' after %zu bytes: %s", text_cases[i].name,
                         before, why ? why : "accepted");
        }
    }
}

int main(void)
{
    mem_install_cjson_hooks();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_should_accept_one_value_and_nothing_more),
        cmocka_unit_test(parse_should_stop_at_the_given_length),
        cmocka_unit_test(get_should_match_names_exactly),
        cmocka_unit_test(write_string_should_escape_for_json),
        cmocka_unit_test(write_string_should_escape_at_every_run_boundary),
        cmocka_unit_test(plain_length_should_stop_at_the_first_byte_to_escape),
        cmocka_unit_test(write_should_print_what_cjson_prints),
        cmocka_unit_test(text_problem_should_refuse_nul_and_bad_utf8),
        cmocka_unit_test(text_problem_should_not_depend_on_where_the_bytes_sit),
    };
    return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
