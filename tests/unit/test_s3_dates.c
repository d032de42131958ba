/* S3's two date formats (s3_util.c): ISO 8601 with milliseconds for XML
 * listings, IMF-fixdate for Last-Modified; and IMF-fixdate read back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "s3/s3_internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const struct {
    const char *name;
    int64_t ms;
    const char *iso;
    const char *http;
} rows[] = {
    { "epoch", 0, "1970-01-01T00:00:00.000Z",
      "Thu, 01 Jan 1970 00:00:00 GMT" },
    { "AWS's example", 1255369830000LL, "2009-10-12T17:50:30.000Z",
      "Mon, 12 Oct 2009 17:50:30 GMT" },
    { "milliseconds", 1700000000123LL, "2023-11-14T22:13:20.123Z",
      "Tue, 14 Nov 2023 22:13:20 GMT" },
    { "leap day", 951782400999LL, "2000-02-29T00:00:00.999Z",
      "Tue, 29 Feb 2000 00:00:00 GMT" },
    { "last second of a year", 1798761599500LL, "2026-12-31T23:59:59.500Z",
      "Thu, 31 Dec 2026 23:59:59 GMT" },
    { "year 9999", 253402300799999LL, "9999-12-31T23:59:59.999Z",
      "Fri, 31 Dec 9999 23:59:59 GMT" },
};

static void dates_should_be_written_as_s3_writes_them(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char iso[32], http[40];
        s3_format_iso8601(rows[i].ms, iso);
        s3_format_http_date(rows[i].ms, http);
        if (strcmp(iso, rows[i].iso) != 0 || strcmp(http, rows[i].http) != 0)
            fail_msg("%s: got %s and %s", rows[i].name, iso, http);
    }
}

/* Past year 9999 the fields no longer fit their widths; they are written
 * whole, as snprintf writes them. */
static void dates_past_year_9999_should_be_written_whole(void **state)
{
    (void)state;
    char iso[32], http[40];
    s3_format_iso8601(253402300800000LL, iso);
    s3_format_http_date(253402300800000LL, http);
    assert_string_equal(iso, "10000-01-01T00:00:00.000Z");
    assert_string_equal(http, "Sat, 01 Jan 10000 00:00:00 GMT");
}

static void http_dates_should_read_back(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int64_t ms;
        assert_int_equal(s3_parse_http_date(rows[i].http, &ms), 0);
        assert_int_equal(ms, rows[i].ms / 1000 * 1000);
    }
    int64_t ms;
    assert_int_equal(s3_parse_http_date("yesterday", &ms), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dates_should_be_written_as_s3_writes_them),
        cmocka_unit_test(dates_past_year_9999_should_be_written_whole),
        cmocka_unit_test(http_dates_should_read_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
