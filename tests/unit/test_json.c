/* json: bounded parsing, exact member lookup, string escaping. */
#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
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
    buf_clear(&b);
}

int main(void)
{
    mem_install_cjson_hooks();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_should_accept_one_value_and_nothing_more),
        cmocka_unit_test(parse_should_stop_at_the_given_length),
        cmocka_unit_test(get_should_match_names_exactly),
        cmocka_unit_test(write_string_should_escape_for_json),
    };
    return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
