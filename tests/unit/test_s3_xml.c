/* s3_xml: the S3 request bodies (DeleteObjects, CompleteMultipartUpload,
 * CreateBucketConfiguration), well-formed and not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "s3/s3_xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\""

static void delete_bodies_should_parse_or_be_refused(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        const char *body;
        int rc;
        size_t n;
        bool is_quiet;
        const char *first_key;
    } rows[] = {
        { "two keys", "<Delete " NS "><Object><Key>a</Key></Object>"
          "<Object><Key>b/c</Key><VersionId>v1</VersionId></Object></Delete>",
          0, 2, false, "a" },
        { "quiet", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Quiet>"
          "true</Quiet><Object><Key>k</Key></Object></Delete>", 0, 1, true,
          "k" },
        { "escaped key", "<Delete><Object><Key>a&amp;b &lt;c&gt;</Key>"
          "</Object></Delete>", 0, 1, false, "a&b <c>" },
        { "utf-8 key", "<Delete><Object><Key>\xc3\xa9t\xc3\xa9</Key>"
          "</Object></Delete>", 0, 1, false, "\xc3\xa9t\xc3\xa9" },
        { "prefixed names", "<s3:Delete xmlns:s3=\"x\"><s3:Object><s3:Key>p"
          "</s3:Key></s3:Object></s3:Delete>", 0, 1, false, "p" },
        { "no objects", "<Delete><Quiet>true</Quiet></Delete>", -1, 0, false,
          NULL },
        { "object without key", "<Delete><Object><VersionId>v</VersionId>"
          "</Object></Delete>", -1, 0, false, NULL },
        { "wrong root", "<Remove><Object><Key>a</Key></Object></Remove>", -1,
          0, false, NULL },
        { "unclosed", "<Delete><Object><Key>a</Key></Object>", -1, 0, false,
          NULL },
        { "not xml", "hello", -1, 0, false, NULL },
        { "empty", "", -1, 0, false, NULL },
        { "two roots", "<Delete><Object><Key>a</Key></Object></Delete>"
          "<Delete/>", -1, 0, false, NULL },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct s3_delete_list l;
        int rc = s3_xml_parse_delete(rows[i].body, strlen(rows[i].body), &l);
        if (rc != rows[i].rc)
            fail_msg("%s: rc %d, want %d", rows[i].name, rc, rows[i].rc);
        if (rc == 0) {
            assert_int_equal(l.n, rows[i].n);
            assert_int_equal(l.is_quiet, rows[i].is_quiet);
            assert_string_equal(l.keys[0].key, rows[i].first_key);
            assert_int_equal(l.keys[0].key_len, strlen(rows[i].first_key));
        }
        s3_xml_delete_clear(&l);
    }
}

static void delete_should_refuse_more_than_1000_keys(void **state)
{
    (void)state;
    for (int n = 1000; n <= 1001; n++) {
        char *body = malloc((size_t)n * 40 + 64);
        char *p = body + sprintf(body, "<Delete>");
        for (int i = 0; i < n; i++)
            p += sprintf(p, "<Object><Key>k%d</Key></Object>", i);
        sprintf(p, "</Delete>");
        struct s3_delete_list l;
        assert_int_equal(s3_xml_parse_delete(body, strlen(body), &l),
                         n == 1000 ? 0 : -1);
        s3_xml_delete_clear(&l);
        free(body);
    }
}

static void deep_nesting_should_be_refused(void **state)
{
    (void)state;
    char body[4096];
    char *p = body + sprintf(body, "<Delete>");
    for (int i = 0; i < 40; i++)
        p += sprintf(p, "<a>");
    for (int i = 0; i < 40; i++)
        p += sprintf(p, "</a>");
    sprintf(p, "<Object><Key>k</Key></Object></Delete>");
    struct s3_delete_list l;
    assert_int_equal(s3_xml_parse_delete(body, strlen(body), &l), -1);
    s3_xml_delete_clear(&l);
}

static void complete_bodies_should_parse_or_be_refused(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        const char *body;
        int rc;
        size_t n;
        int64_t last_number;
        const char *last_etag;
        const char *last_algo;
    } rows[] = {
        { "two parts", "<CompleteMultipartUpload " NS "><Part><PartNumber>1"
          "</PartNumber><ETag>\"e1\"</ETag></Part><Part><ETag>e2</ETag>"
          "<PartNumber>2</PartNumber></Part></CompleteMultipartUpload>", 0,
          2, 2, "e2", NULL },
        { "with checksum", "<CompleteMultipartUpload><Part><PartNumber>3"
          "</PartNumber><ETag>x</ETag><ChecksumCRC32>AAAAAA==</ChecksumCRC32>"
          "</Part></CompleteMultipartUpload>", 0, 1, 3, "x", "CRC32" },
        { "order kept as sent", "<CompleteMultipartUpload><Part><PartNumber>"
          "2</PartNumber></Part><Part><PartNumber>1</PartNumber></Part>"
          "</CompleteMultipartUpload>", 0, 2, 1, NULL, NULL },
        { "no parts", "<CompleteMultipartUpload></CompleteMultipartUpload>",
          -1, 0, 0, NULL, NULL },
        { "part number not a number", "<CompleteMultipartUpload><Part>"
          "<PartNumber>one</PartNumber></Part></CompleteMultipartUpload>", -1,
          0, 0, NULL, NULL },
        { "part number missing", "<CompleteMultipartUpload><Part><ETag>x"
          "</ETag></Part></CompleteMultipartUpload>", -1, 0, 0, NULL, NULL },
        { "wrong root", "<Complete><Part><PartNumber>1</PartNumber></Part>"
          "</Complete>", -1, 0, 0, NULL, NULL },
        { "mismatched tags", "<CompleteMultipartUpload><Part></Prat>"
          "</CompleteMultipartUpload>", -1, 0, 0, NULL, NULL },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct s3_complete_list l;
        int rc = s3_xml_parse_complete(rows[i].body, strlen(rows[i].body),
                                       &l);
        if (rc != rows[i].rc)
            fail_msg("%s: rc %d, want %d", rows[i].name, rc, rows[i].rc);
        if (rc == 0) {
            const struct s3_complete_part *last = &l.parts[l.n - 1];
            assert_int_equal(l.n, rows[i].n);
            assert_int_equal(last->number, rows[i].last_number);
            if (rows[i].last_etag)
                assert_string_equal(last->etag, rows[i].last_etag);
            else
                assert_null(last->etag);
            if (rows[i].last_algo)
                assert_string_equal(last->checksum_algo, rows[i].last_algo);
        }
        s3_xml_complete_clear(&l);
    }
}

static void location_bodies_should_parse_or_be_refused(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        const char *body;
        int rc;
        const char *location;
    } rows[] = {
        { "empty body", "", 0, "" },
        { "blank body", " \r\n", 0, "" },
        { "constraint", "<CreateBucketConfiguration " NS "><LocationConstraint>"
          "eu-west-1</LocationConstraint></CreateBucketConfiguration>", 0,
          "eu-west-1" },
        { "no constraint", "<CreateBucketConfiguration/>", 0, "" },
        { "wrong root", "<BucketConfiguration><LocationConstraint>x"
          "</LocationConstraint></BucketConfiguration>", -1, "" },
        { "malformed", "<CreateBucketConfiguration>", -1, "" },
        { "too long", "<CreateBucketConfiguration><LocationConstraint>"
          "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz"
          "</LocationConstraint></CreateBucketConfiguration>", -1, "" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char out[32];
        int rc = s3_xml_parse_location(rows[i].body, strlen(rows[i].body),
                                       out, sizeof out);
        if (rc != rows[i].rc)
            fail_msg("%s: rc %d, want %d", rows[i].name, rc, rows[i].rc);
        if (rc == 0)
            assert_string_equal(out, rows[i].location);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(delete_bodies_should_parse_or_be_refused),
        cmocka_unit_test(delete_should_refuse_more_than_1000_keys),
        cmocka_unit_test(deep_nesting_should_be_refused),
        cmocka_unit_test(complete_bodies_should_parse_or_be_refused),
        cmocka_unit_test(location_bodies_should_parse_or_be_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
