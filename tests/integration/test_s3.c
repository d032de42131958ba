/* S3 over real HTTP: buckets, objects, listings, multipart uploads,
 * checksums, aws-chunked bodies and S3's XML errors, each error asserted
 * by status and <Code>. Signature failures run against a second emulator
 * that knows the fixture identities, so signatures are really checked. */
#include "helper/client.h"

#include "auth/sigv4.h"
#include "auth/sigv4_chunked.h"
#include "base/buf.h"
#include "base/crypto.h"
#include "emulator.h"

#include <curl/curl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MIB (1024 * 1024)

static int reset(void **state)
{
    (void)state;
    client_reset();
    return 0;
}

/* The text of the first <name> element of r's body into out ("" if none). */
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

/* Asserts an S3 error: status, <Code>, and for HEAD an empty body. */
static void expect_error(struct response *r, long status, const char *code)
{
    char got[128];
    if (r->status != status)
        fail_msg("status %ld, want %ld (%s): %s", r->status, status, code,
                 r->body);
    if (code == NULL) {
        assert_int_equal(r->len, 0);
    } else {
        xml_get(r, "Code", got, sizeof got);
        if (strcmp(got, code) != 0)
            fail_msg("code %s, want %s: %s", got, code, r->body);
        char id[64];
        xml_get(r, "RequestId", id, sizeof id);
        assert_true(id[0] != '\0');
    }
    response_free(r);
}

static void expect_status(struct response *r, long status)
{
    if (r->status != status)
        fail_msg("status %ld, want %ld: %s", r->status, status, r->body);
    response_free(r);
}

static struct response put(const char *path, const char *body)
{
    return client_s3("PUT", path, NULL, body, body ? strlen(body) : 0);
}

static struct response get(const char *path)
{
    return client_s3("GET", path, NULL, NULL, 0);
}

static void make_bucket(const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "/%s", name);
    struct response r = put(path, NULL);
    expect_status(&r, 200);
}

/* --- Buckets ------------------------------------------------------------ */

static void buckets_should_be_created_listed_and_deleted(void **state)
{
    (void)state;
    make_bucket("alpha");
    struct response r = client_s3("HEAD", "/alpha", NULL, NULL, 0);
    char region[64];
    response_header(&r, "x-amz-bucket-region", region, sizeof region);
    assert_string_equal(region, "us-east-1");
    expect_status(&r, 200);
    r = get("/");
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<Name>alpha</Name>"));
    assert_non_null(strstr(r.body, "<ListAllMyBucketsResult"));
    response_free(&r);
    r = get("/alpha?location");
    assert_non_null(strstr(r.body, "<LocationConstraint xmlns=\"http://s3."
                                   "amazonaws.com/doc/2006-03-01/\">"
                                   "</LocationConstraint>"));
    response_free(&r);
    /* Re-creating a bucket you own in us-east-1 succeeds, as in AWS. */
    r = put("/alpha", NULL);
    expect_status(&r, 200);
    r = client_s3("DELETE", "/alpha", NULL, NULL, 0);
    expect_status(&r, 204);
    r = client_s3("HEAD", "/alpha", NULL, NULL, 0);
    expect_error(&r, 404, NULL);
}

static void location_constraint_should_be_kept(void **state)
{
    (void)state;
    const char *eu = "<CreateBucketConfiguration><LocationConstraint>"
                     "eu-west-1</LocationConstraint>"
                     "</CreateBucketConfiguration>";
    struct response r = put("/europe", eu);
    expect_status(&r, 200);
    r = get("/europe?location");
    assert_non_null(strstr(r.body, "\">eu-west-1</LocationConstraint>"));
    response_free(&r);
    r = put("/europe", eu);
    expect_error(&r, 409, "BucketAlreadyOwnedByYou");
    r = put("/useast", "<CreateBucketConfiguration><LocationConstraint>"
                       "us-east-1</LocationConstraint>"
                       "</CreateBucketConfiguration>");
    expect_error(&r, 400, "InvalidLocationConstraint");
    r = put("/broken", "<CreateBucketConfiguration><LocationConstraint>");
    expect_error(&r, 400, "MalformedXML");
}

static void bad_bucket_names_should_be_invalid(void **state)
{
    (void)state;
    static const char *const names[] = {
        "/ab", "/Upper", "/under_score", "/-start", "/end-", "/two..dots",
        "/192.168.1.1", "/xn--punycode", "/name-s3alias",
        "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct response r = put(names[i], NULL);
        expect_error(&r, 400, "InvalidBucketName");
    }
}

static void missing_and_non_empty_buckets_should_fail(void **state)
{
    (void)state;
    struct response r = client_s3("DELETE", "/nothere", NULL, NULL, 0);
    char v[64];
    assert_string_equal(xml_get(&r, "BucketName", v, sizeof v), "nothere");
    expect_error(&r, 404, "NoSuchBucket");
    r = get("/nothere?list-type=2");
    expect_error(&r, 404, "NoSuchBucket");
    r = put("/nothere/key", "x");
    expect_error(&r, 404, "NoSuchBucket");
    make_bucket("full");
    r = put("/full/k", "x");
    expect_status(&r, 200);
    r = client_s3("DELETE", "/full", NULL, NULL, 0);
    expect_error(&r, 409, "BucketNotEmpty");
}

static void bucket_policy_should_be_stored(void **state)
{
    (void)state;
    make_bucket("policed");
    struct response r = get("/policed?policy");
    expect_error(&r, 404, "NoSuchBucketPolicy");
    r = put("/policed?policy", "not json");
    expect_error(&r, 400, "MalformedPolicy");
    const char *doc = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
                      "\"Allow\",\"Principal\":\"*\",\"Action\":"
                      "\"s3:GetObject\",\"Resource\":"
                      "\"arn:aws:s3:::policed/*\"}]}";
    r = put("/policed?policy", doc);
    expect_status(&r, 204);
    r = get("/policed?policy");
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, doc);
    response_free(&r);
    r = client_s3("DELETE", "/policed?policy", NULL, NULL, 0);
    expect_status(&r, 204);
    r = get("/policed?policy");
    expect_error(&r, 404, "NoSuchBucketPolicy");
}

/* --- Objects ------------------------------------------------------------ */

static void objects_should_round_trip_with_metadata(void **state)
{
    (void)state;
    make_bucket("objs");
    const char *h[] = { "Content-Type: text/plain", "x-amz-meta-Color: blue",
                        "Cache-Control: no-cache", NULL };
    struct response r = client_s3("PUT", "/objs/dir/a%20b.txt", h, "hello",
                                  5);
    char v[256];
    response_header(&r, "ETag", v, sizeof v);
    assert_string_equal(v, "\"5d41402abc4b2a76b9719d911017c592\"");
    expect_status(&r, 200);
    r = get("/objs/dir/a%20b.txt");
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "hello");
    response_header(&r, "Content-Type", v, sizeof v);
    assert_string_equal(v, "text/plain");
    response_header(&r, "x-amz-meta-color", v, sizeof v);
    assert_string_equal(v, "blue");
    response_header(&r, "Cache-Control", v, sizeof v);
    assert_string_equal(v, "no-cache");
    response_header(&r, "Last-Modified", v, sizeof v);
    assert_non_null(strstr(v, " GMT"));
    response_free(&r);
    r = client_s3("HEAD", "/objs/dir/a%20b.txt", NULL, NULL, 0);
    response_header(&r, "Content-Length", v, sizeof v);
    assert_string_equal(v, "5");
    assert_int_equal(r.len, 0);
    expect_status(&r, 200);
    r = get("/objs/dir/a%20b.txt?response-content-type=x/y");
    response_header(&r, "Content-Type", v, sizeof v);
    assert_string_equal(v, "x/y");
    expect_status(&r, 200);
    /* An override replaces its stored header and keeps the others. */
    r = get("/objs/dir/a%20b.txt?response-cache-control=no-store"
            "&response-content-language=fr");
    response_header(&r, "Cache-Control", v, sizeof v);
    assert_string_equal(v, "no-store");
    response_header(&r, "Content-Language", v, sizeof v);
    assert_string_equal(v, "fr");
    response_header(&r, "x-amz-meta-color", v, sizeof v);
    assert_string_equal(v, "blue");
    expect_status(&r, 200);
    r = client_s3("DELETE", "/objs/dir/a%20b.txt", NULL, NULL, 0);
    expect_status(&r, 204);
    r = client_s3("DELETE", "/objs/dir/a%20b.txt", NULL, NULL, 0);
    expect_status(&r, 204);
}

static void missing_objects_should_be_no_such_key(void **state)
{
    (void)state;
    make_bucket("empty");
    struct response r = get("/empty/nope");
    char v[64];
    assert_string_equal(xml_get(&r, "Key", v, sizeof v), "nope");
    expect_error(&r, 404, "NoSuchKey");
    r = client_s3("HEAD", "/empty/nope", NULL, NULL, 0);
    expect_error(&r, 404, NULL);
    char key[1100] = "/empty/";
    memset(key + 7, 'k', 1025);
    key[1032] = '\0';
    r = put(key, "x");
    expect_error(&r, 400, "KeyTooLongError");
}

static void ranges_and_conditions_should_hold(void **state)
{
    (void)state;
    make_bucket("cond");
    struct response r = put("/cond/k", "0123456789");
    char etag[64], v[128];
    response_header(&r, "ETag", etag, sizeof etag);
    expect_status(&r, 200);
    static const struct {
        const char *range;
        long status;
        const char *body;
        const char *content_range;
    } ranges[] = {
        { "Range: bytes=2-4", 206, "234", "bytes 2-4/10" },
        { "Range: bytes=7-", 206, "789", "bytes 7-9/10" },
        { "Range: bytes=-3", 206, "789", "bytes 7-9/10" },
        { "Range: bytes=5-100", 206, "56789", "bytes 5-9/10" },
        { "Range: bytes=4-2", 200, "0123456789", "" },
        { "Range: lines=1-2", 200, "0123456789", "" },
    };
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        const char *h[] = { ranges[i].range, NULL };
        r = client_s3("GET", "/cond/k", h, NULL, 0);
        assert_int_equal(r.status, ranges[i].status);
        assert_string_equal(r.body, ranges[i].body);
        response_header(&r, "Content-Range", v, sizeof v);
        assert_string_equal(v, ranges[i].content_range);
        response_free(&r);
    }
    const char *unsat[] = { "Range: bytes=10-", NULL };
    r = client_s3("GET", "/cond/k", unsat, NULL, 0);
    expect_error(&r, 416, "InvalidRange");
    char if_match[96], if_none[96];
    snprintf(if_match, sizeof if_match, "If-Match: %s", etag);
    snprintf(if_none, sizeof if_none, "If-None-Match: %s", etag);
    const char *h1[] = { if_match, NULL };
    r = client_s3("GET", "/cond/k", h1, NULL, 0);
    expect_status(&r, 200);
    const char *h2[] = { "If-Match: \"other\"", NULL };
    r = client_s3("GET", "/cond/k", h2, NULL, 0);
    expect_error(&r, 412, "PreconditionFailed");
    const char *h3[] = { if_none, NULL };
    r = client_s3("GET", "/cond/k", h3, NULL, 0);
    expect_error(&r, 304, NULL);
    const char *h4[] = { "If-Modified-Since: Sat, 01 Jan 2100 00:00:00 GMT",
                         NULL };
    r = client_s3("GET", "/cond/k", h4, NULL, 0);
    expect_error(&r, 304, NULL);
    const char *h5[] = { "If-Unmodified-Since: Sat, 01 Jan 2000 00:00:00 GMT",
                         NULL };
    r = client_s3("HEAD", "/cond/k", h5, NULL, 0);
    expect_error(&r, 412, NULL);
    const char *h6[] = { "If-None-Match: *", NULL };
    r = client_s3("PUT", "/cond/k", h6, "new", 3);
    expect_error(&r, 412, "PreconditionFailed");
    r = client_s3("PUT", "/cond/fresh", h6, "new", 3);
    expect_status(&r, 200);
}

static void digests_and_checksums_should_be_checked(void **state)
{
    (void)state;
    make_bucket("sums");
    static const struct {
        const char *header;
        long status;
        const char *code;
    } rows[] = {
        { "Content-MD5: XUFAKrxLKna5cZ2REBfFkg==", 200, NULL },
        { "Content-MD5: AAAAAAAAAAAAAAAAAAAAAA==", 400, "BadDigest" },
        { "Content-MD5: bm90LW1kNQ==", 400, "InvalidDigest" },
        { "x-amz-checksum-crc32: NhCmhg==", 200, NULL },
        { "x-amz-checksum-crc32: AAAAAA==", 400, "BadDigest" },
        { "x-amz-checksum-crc32: !!", 400, "InvalidRequest" },
        { "x-amz-checksum-crc32c: mnG7TA==", 200, NULL },
        { "x-amz-checksum-sha1: qvTGHdzF6KLavt4PO0gs2a6pQ00=", 200, NULL },
        { "x-amz-checksum-sha256: LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOL"
          "mCQ=", 200, NULL },
        { "x-amz-content-sha256: 0000000000000000000000000000000000000000"
          "000000000000000000000000", 400, "XAmzContentSHA256Mismatch" },
        { "x-amz-content-sha256: nonsense", 400, "InvalidArgument" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *h[] = { rows[i].header, NULL };
        struct response r = client_s3("PUT", "/sums/k", h, "hello", 5);
        if (rows[i].code)
            expect_error(&r, rows[i].status, rows[i].code);
        else
            expect_status(&r, rows[i].status);
    }
    const char *both[] = { "x-amz-checksum-crc32: NhCmhg==",
                           "x-amz-checksum-crc32c: mnG7TA==", NULL };
    struct response r = client_s3("PUT", "/sums/k", both, "hello", 5);
    expect_error(&r, 400, "InvalidRequest");
    const char *put_sum[] = { "x-amz-checksum-crc32: NhCmhg==", NULL };
    r = client_s3("PUT", "/sums/c", put_sum, "hello", 5);
    char v[64];
    response_header(&r, "x-amz-checksum-crc32", v, sizeof v);
    assert_string_equal(v, "NhCmhg==");
    expect_status(&r, 200);
    const char *mode[] = { "x-amz-checksum-mode: ENABLED", NULL };
    r = client_s3("GET", "/sums/c", mode, NULL, 0);
    response_header(&r, "x-amz-checksum-crc32", v, sizeof v);
    assert_string_equal(v, "NhCmhg==");
    expect_status(&r, 200);
}

static void copies_should_follow_the_metadata_directive(void **state)
{
    (void)state;
    make_bucket("copies");
    const char *h[] = { "Content-Type: text/a", "x-amz-meta-a: 1", NULL };
    struct response r = client_s3("PUT", "/copies/src", h, "data", 4);
    expect_status(&r, 200);
    const char *copy[] = { "x-amz-copy-source: /copies/src", NULL };
    r = client_s3("PUT", "/copies/dst", copy, NULL, 0);
    char v[128];
    assert_non_null(strstr(r.body, "<CopyObjectResult"));
    assert_string_equal(xml_get(&r, "ETag", v, sizeof v),
                        "&quot;8d777f385d3dfec8815d20f7496026dc&quot;");
    expect_status(&r, 200);
    r = get("/copies/dst");
    assert_string_equal(r.body, "data");
    response_header(&r, "x-amz-meta-a", v, sizeof v);
    assert_string_equal(v, "1");
    expect_status(&r, 200);
    const char *replace[] = { "x-amz-copy-source: copies/src",
                              "x-amz-metadata-directive: REPLACE",
                              "Content-Type: text/b", "x-amz-meta-b: 2",
                              NULL };
    r = client_s3("PUT", "/copies/dst2", replace, NULL, 0);
    expect_status(&r, 200);
    r = get("/copies/dst2");
    response_header(&r, "x-amz-meta-a", v, sizeof v);
    assert_string_equal(v, "");
    response_header(&r, "Content-Type", v, sizeof v);
    assert_string_equal(v, "text/b");
    expect_status(&r, 200);
    const char *self[] = { "x-amz-copy-source: /copies/src", NULL };
    r = client_s3("PUT", "/copies/src", self, NULL, 0);
    expect_error(&r, 400, "InvalidRequest");
    const char *missing[] = { "x-amz-copy-source: /copies/none", NULL };
    r = client_s3("PUT", "/copies/x", missing, NULL, 0);
    expect_error(&r, 404, "NoSuchKey");
    const char *bad[] = { "x-amz-copy-source: /copies/src",
                          "x-amz-metadata-directive: MERGE", NULL };
    r = client_s3("PUT", "/copies/x", bad, NULL, 0);
    expect_error(&r, 400, "InvalidArgument");
    const char *cond[] = { "x-amz-copy-source: /copies/src",
                           "x-amz-copy-source-if-match: \"nope\"", NULL };
    r = client_s3("PUT", "/copies/x", cond, NULL, 0);
    expect_error(&r, 412, "PreconditionFailed");
}

static void delete_objects_should_answer_per_key(void **state)
{
    (void)state;
    make_bucket("bulk");
    struct response r = put("/bulk/a", "1");
    expect_status(&r, 200);
    const char *body = "<Delete><Object><Key>a</Key></Object><Object><Key>"
                       "never</Key></Object></Delete>";
    r = client_s3("POST", "/bulk?delete", NULL, body, strlen(body));
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<Deleted><Key>a</Key></Deleted>"));
    assert_non_null(strstr(r.body, "<Deleted><Key>never</Key></Deleted>"));
    response_free(&r);
    const char *quiet = "<Delete><Quiet>true</Quiet><Object><Key>a</Key>"
                        "</Object></Delete>";
    r = client_s3("POST", "/bulk?delete", NULL, quiet, strlen(quiet));
    assert_null(strstr(r.body, "<Deleted>"));
    expect_status(&r, 200);
    r = client_s3("POST", "/bulk?delete", NULL, "<Delete>", 8);
    expect_error(&r, 400, "MalformedXML");
}

static void oversized_uploads_should_be_entity_too_large(void **state)
{
    (void)state;
    make_bucket("huge");
    /* Past S3's 5 GiB single upload, refused before the body is read. */
    const char *h[] = { "Content-Length: 6000000000", NULL };
    struct response r = client_s3("PUT", "/huge/k", h, "", 0);
    assert_non_null(strstr(r.body, "<MaxSizeAllowed>5368709120<"));
    expect_error(&r, 400, "EntityTooLarge");
    /* Other requests stay in memory, up to 64 MiB. */
    const char *h2[] = { "Content-Length: 99999999", NULL };
    r = client_s3("POST", "/huge?delete", h2, "", 0);
    expect_error(&r, 400, "EntityTooLarge");
}

static void unknown_routes_should_be_refused(void **state)
{
    (void)state;
    make_bucket("routes");
    struct response r = get("/routes?acl");
    expect_error(&r, 501, "NotImplemented");
    r = client_s3("POST", "/routes/key", NULL, "", 0);
    expect_error(&r, 405, "MethodNotAllowed");
    r = client_s3("DELETE", "/", NULL, NULL, 0);
    expect_error(&r, 405, "MethodNotAllowed");
}

static void virtual_hosted_style_should_name_the_bucket(void **state)
{
    (void)state;
    make_bucket("vhost");
    const char *h[] = { "Host: vhost.localhost", NULL };
    struct response r = client_s3("PUT", "/obj", h, "v", 1);
    expect_status(&r, 200);
    r = get("/vhost/obj");
    assert_string_equal(r.body, "v");
    expect_status(&r, 200);
    const char *h2[] = { "Host: vhost.s3.localhost.localstack.cloud:4566",
                         NULL };
    r = client_s3("GET", "/?list-type=2", h2, NULL, 0);
    assert_non_null(strstr(r.body, "<Key>obj</Key>"));
    expect_status(&r, 200);
}

/* --- Listings ----------------------------------------------------------- */

static void put_keys(const char *bucket, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char path[256];
        snprintf(path, sizeof path, "/%s/%s", bucket, keys[i]);
        struct response r = put(path, "x");
        expect_status(&r, 200);
    }
}

/* The <Key> and <Prefix> values of a listing, in order, joined by ' '. */
static void listed(const struct response *r, char *out, size_t len)
{
    out[0] = '\0';
    for (const char *p = r->body; (p = strstr(p, "<Key>")) != NULL;) {
        p += 5;
        const char *e = strstr(p, "</Key>");
        snprintf(out + strlen(out), len - strlen(out), "%s%.*s",
                 out[0] ? " " : "", (int)(e - p), p);
    }
    for (const char *p = r->body; (p = strstr(p, "<CommonPrefixes><Prefix>"));) {
        p += 24;
        const char *e = strstr(p, "</Prefix>");
        snprintf(out + strlen(out), len - strlen(out), "%sP:%.*s",
                 out[0] ? " " : "", (int)(e - p), p);
    }
}

static void listings_should_follow_prefix_and_delimiter(void **state)
{
    (void)state;
    make_bucket("lists");
    static const char *const keys[] = {
        "a/1", "a/2", "a/b/3", "b", "c/4", "z", "%C3%A9", "a%2Bplus",
    };
    put_keys("lists", keys, sizeof keys / sizeof keys[0]);
    static const struct {
        const char *query;
        const char *want;
        const char *truncated;
    } rows[] = {
        { "?list-type=2", "a+plus a/1 a/2 a/b/3 b c/4 z \xc3\xa9", "false" },
        { "?list-type=2&delimiter=/", "a+plus b z \xc3\xa9 P:a/ P:c/",
          "false" },
        { "?list-type=2&prefix=a/&delimiter=/", "a/1 a/2 P:a/b/", "false" },
        { "?list-type=2&prefix=a/", "a/1 a/2 a/b/3", "false" },
        { "?list-type=2&start-after=b", "c/4 z \xc3\xa9", "false" },
        { "?list-type=2&max-keys=2", "a+plus a/1", "true" },
        { "?list-type=2&max-keys=0", "", "false" },
        { "?list-type=2&delimiter=/&max-keys=2", "a+plus P:a/", "true" },
        { "?list-type=2&encoding-type=url&prefix=%C3", "%C3%A9", "false" },
        { "?marker=c/4", "z \xc3\xa9", "false" },
        { "?delimiter=/&marker=a/", "b z \xc3\xa9 P:c/", "false" },
        { "?versions&prefix=c", "c/4", "false" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char path[256], got[512], v[16];
        snprintf(path, sizeof path, "/lists%s", rows[i].query);
        struct response r = get(path);
        assert_int_equal(r.status, 200);
        listed(&r, got, sizeof got);
        if (strcmp(got, rows[i].want) != 0)
            fail_msg("%s: got [%s], want [%s]", rows[i].query, got,
                     rows[i].want);
        assert_string_equal(xml_get(&r, "IsTruncated", v, sizeof v),
                            rows[i].truncated);
        response_free(&r);
    }
    struct response r = get("/lists?list-type=2&max-keys=-1");
    expect_error(&r, 400, "InvalidArgument");
    r = get("/lists?list-type=2&continuation-token=%21%21");
    expect_error(&r, 400, "InvalidArgument");
    r = get("/lists?list-type=2&encoding-type=xml");
    expect_error(&r, 400, "InvalidArgument");
}

static void continuation_tokens_should_page_through_everything(void **state)
{
    (void)state;
    make_bucket("pages");
    char keys[25][24];
    const char *ptrs[25];
    for (int i = 0; i < 25; i++) {
        snprintf(keys[i], sizeof keys[i], "d%d/k%02d", i % 3, i);
        ptrs[i] = keys[i];
    }
    put_keys("pages", ptrs, 25);
    char token[256] = "";
    int seen = 0, pages = 0;
    for (;;) {
        char path[512], v[256];
        snprintf(path, sizeof path, "/pages?list-type=2&max-keys=4%s%s",
                 token[0] ? "&continuation-token=" : "", token);
        struct response r = get(path);
        assert_int_equal(r.status, 200);
        for (const char *p = r.body; (p = strstr(p, "<Key>")); p++)
            seen++;
        pages++;
        xml_get(&r, "NextContinuationToken", v, sizeof v);
        response_free(&r);
        if (v[0] == '\0')
            break;
        /* The token is base64; escape the characters a query cannot hold. */
        token[0] = '\0';
        for (const char *c = v; *c; c++) {
            if (*c == '+' || *c == '/' || *c == '=')
                snprintf(token + strlen(token), 4, "%%%02X", *c);
            else
                snprintf(token + strlen(token), 2, "%c", *c);
        }
    }
    assert_int_equal(seen, 25);
    assert_int_equal(pages, 7);
}

/* --- Multipart ---------------------------------------------------------- */

static void upload_id(const struct response *r, char *out, size_t len)
{
    xml_get(r, "UploadId", out, len);
    assert_true(out[0] != '\0');
}

static void upload_part(const char *id, int n, const char *data, size_t len,
                        char *etag)
{
    char path[256];
    snprintf(path, sizeof path, "/mpu/big?partNumber=%d&uploadId=%s", n, id);
    struct response r = client_s3("PUT", path, NULL, data, len);
    response_header(&r, "ETag", etag, 64);
    expect_status(&r, 200);
}

static struct response complete(const char *id, const char *body)
{
    char path[256];
    snprintf(path, sizeof path, "/mpu/big?uploadId=%s", id);
    return client_s3("POST", path, NULL, body, strlen(body));
}

static void multipart_upload_should_assemble_the_object(void **state)
{
    (void)state;
    make_bucket("mpu");
    struct response r = client_s3("POST", "/mpu/big?uploads", NULL, "", 0);
    char id[128], e1[64], e2[64], body[512], v[128];
    upload_id(&r, id, sizeof id);
    response_free(&r);
    char *part1 = malloc(5 * MIB);
    memset(part1, 'p', 5 * MIB);
    upload_part(id, 1, part1, 5 * MIB, e1);
    upload_part(id, 2, "tail", 4, e2);
    r = get("/mpu?uploads");
    assert_non_null(strstr(r.body, id));
    expect_status(&r, 200);
    snprintf(body, sizeof body, "/mpu/big?uploadId=%s", id);
    r = get(body);
    assert_non_null(strstr(r.body, "<PartNumber>2</PartNumber>"));
    assert_non_null(strstr(r.body, "<Size>5242880</Size>"));
    expect_status(&r, 200);
    snprintf(body, sizeof body, "<CompleteMultipartUpload><Part><PartNumber>2"
             "</PartNumber><ETag>%s</ETag></Part><Part><PartNumber>1"
             "</PartNumber><ETag>%s</ETag></Part></CompleteMultipartUpload>",
             e2, e1);
    r = complete(id, body);
    expect_error(&r, 400, "InvalidPartOrder");
    snprintf(body, sizeof body, "<CompleteMultipartUpload><Part><PartNumber>1"
             "</PartNumber><ETag>\"feed\"</ETag></Part></CompleteMultipartUpload>");
    r = complete(id, body);
    expect_error(&r, 400, "InvalidPart");
    r = complete(id, "<CompleteMultipartUpload>");
    expect_error(&r, 400, "MalformedXML");
    snprintf(body, sizeof body, "<CompleteMultipartUpload><Part><PartNumber>1"
             "</PartNumber><ETag>%s</ETag></Part><Part><PartNumber>2"
             "</PartNumber><ETag>%s</ETag></Part></CompleteMultipartUpload>",
             e1, e2);
    r = complete(id, body);
    assert_int_equal(r.status, 200);
    xml_get(&r, "ETag", v, sizeof v);
    assert_non_null(strstr(v, "-2&quot;"));
    response_free(&r);
    r = client_s3("HEAD", "/mpu/big", NULL, NULL, 0);
    response_header(&r, "Content-Length", v, sizeof v);
    assert_string_equal(v, "5242884");
    expect_status(&r, 200);
    const char *range[] = { "Range: bytes=5242878-", NULL };
    r = client_s3("GET", "/mpu/big", range, NULL, 0);
    assert_string_equal(r.body, "pptail");
    expect_status(&r, 206);
    r = complete(id, body);
    expect_error(&r, 404, "NoSuchUpload");
    free(part1);
}

static void small_parts_and_bad_uploads_should_fail(void **state)
{
    (void)state;
    make_bucket("mpu");
    struct response r = client_s3("POST", "/mpu/big?uploads", NULL, "", 0);
    char id[128], e1[64], e2[64], body[512], path[256];
    upload_id(&r, id, sizeof id);
    response_free(&r);
    upload_part(id, 1, "small", 5, e1);
    upload_part(id, 2, "tail", 4, e2);
    snprintf(body, sizeof body, "<CompleteMultipartUpload><Part><PartNumber>1"
             "</PartNumber><ETag>%s</ETag></Part><Part><PartNumber>2"
             "</PartNumber><ETag>%s</ETag></Part></CompleteMultipartUpload>",
             e1, e2);
    r = complete(id, body);
    expect_error(&r, 400, "EntityTooSmall");
    snprintf(path, sizeof path, "/mpu/big?partNumber=0&uploadId=%s", id);
    r = client_s3("PUT", path, NULL, "x", 1);
    expect_error(&r, 400, "InvalidArgument");
    r = client_s3("PUT", "/mpu/big?partNumber=1&uploadId=nope", NULL, "x", 1);
    expect_error(&r, 404, "NoSuchUpload");
    snprintf(path, sizeof path, "/mpu/big?uploadId=%s", id);
    r = client_s3("DELETE", path, NULL, NULL, 0);
    expect_status(&r, 204);
    r = client_s3("DELETE", path, NULL, NULL, 0);
    expect_error(&r, 404, "NoSuchUpload");
}

static void upload_part_copy_should_copy_a_range(void **state)
{
    (void)state;
    make_bucket("mpu");
    struct response r = put("/mpu/src", "0123456789");
    expect_status(&r, 200);
    r = client_s3("POST", "/mpu/big?uploads", NULL, "", 0);
    char id[128], path[256], body[512], v[64];
    upload_id(&r, id, sizeof id);
    response_free(&r);
    snprintf(path, sizeof path, "/mpu/big?partNumber=1&uploadId=%s", id);
    const char *h[] = { "x-amz-copy-source: /mpu/src",
                        "x-amz-copy-source-range: bytes=2-5", NULL };
    r = client_s3("PUT", path, h, NULL, 0);
    assert_non_null(strstr(r.body, "<CopyPartResult"));
    xml_get(&r, "ETag", v, sizeof v);
    expect_status(&r, 200);
    snprintf(body, sizeof body, "<CompleteMultipartUpload><Part><PartNumber>1"
             "</PartNumber><ETag>%s</ETag></Part></CompleteMultipartUpload>",
             v);
    for (char *q; (q = strstr(body, "&quot;"));)
        memmove(q + 1, q + 6, strlen(q + 6) + 1), *q = '"';
    r = complete(id, body);
    expect_status(&r, 200);
    r = get("/mpu/big");
    assert_string_equal(r.body, "2345");
    expect_status(&r, 200);
}

/* --- aws-chunked -------------------------------------------------------- */

static void unsigned_trailer_bodies_should_be_decoded(void **state)
{
    (void)state;
    make_bucket("chunks");
    const char *h[] = {
        "x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "x-amz-trailer: x-amz-checksum-crc32",
        "x-amz-decoded-content-length: 11", NULL };
    const char *good = "5\r\nhello\r\n6\r\n world\r\n0\r\n"
                       "x-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
    struct response r = client_s3("PUT", "/chunks/k", h, good, strlen(good));
    char v[64];
    response_header(&r, "x-amz-checksum-crc32", v, sizeof v);
    assert_string_equal(v, "DUoRhQ==");
    expect_status(&r, 200);
    r = get("/chunks/k");
    assert_string_equal(r.body, "hello world");
    expect_status(&r, 200);
    const char *bad = "5\r\nhello\r\n6\r\n world\r\n0\r\n"
                      "x-amz-checksum-crc32:AAAAAA==\r\n\r\n";
    r = client_s3("PUT", "/chunks/bad", h, bad, strlen(bad));
    expect_error(&r, 400, "BadDigest");
    r = get("/chunks/bad");
    expect_error(&r, 404, "NoSuchKey");
    r = client_s3("PUT", "/chunks/bad", h, "garbage", 7);
    expect_error(&r, 400, "IncompleteBody");
}

/* A second emulator that knows the fixture identities, so that seed and
 * chunk signatures are checked; requests to it are signed here by hand. */
static struct emulator *checked;
#define ADMIN_KEY "AKIAADMIN0000EXAMPLE"
#define ADMIN_SECRET "admin-secret-key-example"

static int start_checked(void **state)
{
    (void)state;
    client_start();
    struct emulator_config cfg;
    emulator_config_init(&cfg);
    cfg.port = 0;
    cfg.threads = 2;
    cfg.identities_path = "fixtures/identities.json";
    cfg.iam_mode = EMULATOR_IAM_ENFORCE;
    checked = emulator_start(&cfg);
    return checked ? 0 : -1;
}

static int stop_checked(void **state)
{
    (void)state;
    emulator_stop(checked);
    return 0;
}

static size_t sink(char *p, size_t size, size_t n, void *arg)
{
    buf_append(arg, p, size * n);
    return size * n;
}

/* Sends a request to the checked emulator with an Authorization header
 * computed here: signed headers host, x-amz-content-sha256, x-amz-date
 * (and x-amz-decoded-content-length for chunked bodies). */
struct signed_req {
    const char *method;
    const char *path;
    const char *payload_hash;
    const char *key;
    const char *secret;
    long decoded_len;     /* -1: no x-amz-decoded-content-length */
    const char *body;
    size_t body_len;
    char seed[65];        /* out: the signature sent */
    char date[17];        /* out: X-Amz-Date */
};

static void sign_request(struct signed_req *s, char *host, char *auth)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(s->date, sizeof s->date, "%Y%m%dT%H%M%SZ", &tm);
    struct buf cr;
    buf_init(&cr, 0);
    buf_printf(&cr, "%s\n%s\n\nhost:%s\nx-amz-content-sha256:%s\n"
               "x-amz-date:%s\n", s->method, s->path, host, s->payload_hash,
               s->date);
    const char *signed_headers = "host;x-amz-content-sha256;x-amz-date";
    if (s->decoded_len >= 0) {
        buf_printf(&cr, "x-amz-decoded-content-length:%ld\n", s->decoded_len);
        signed_headers = "host;x-amz-content-sha256;x-amz-date;"
                         "x-amz-decoded-content-length";
    }
    buf_printf(&cr, "\n%s\n%s", signed_headers, s->payload_hash);
    uint8_t digest[32], key[32], mac[32];
    char hex[65], day[9], sts[512];
    crypto_sha256(cr.data, cr.len, digest);
    crypto_hex(digest, 32, hex);
    memcpy(day, s->date, 8);
    day[8] = '\0';
    snprintf(sts, sizeof sts, "AWS4-HMAC-SHA256\n%s\n%s/us-east-1/s3/"
             "aws4_request\n%s", s->date, day, hex);
    sigv4_signing_key(str_from(s->secret), str_from(day),
                      STR_LIT("us-east-1"), STR_LIT("s3"), key);
    crypto_hmac_sha256(key, 32, sts, strlen(sts), mac);
    crypto_hex(mac, 32, s->seed);
    sprintf(auth, "Authorization: AWS4-HMAC-SHA256 Credential=%s/%s/"
            "us-east-1/s3/aws4_request, SignedHeaders=%s, Signature=%s",
            s->key, day, signed_headers, s->seed);
    buf_clear(&cr);
}

static struct response send_signed(struct signed_req *s,
                                   void (*make_body)(struct signed_req *,
                                                     struct buf *))
{
    char host[64], url[256], auth[512], h1[128], h2[64], h3[64], h4[64];
    snprintf(host, sizeof host, "127.0.0.1:%u", emulator_port(checked));
    snprintf(url, sizeof url, "http://%s%s", host, s->path);
    sign_request(s, host, auth);
    struct buf body, data, head;
    buf_init(&body, 0);
    buf_init(&data, 0);
    buf_init(&head, 0);
    if (make_body)
        make_body(s, &body);
    else
        buf_append(&body, s->body ? s->body : "", s->body ? s->body_len : 0);
    snprintf(h1, sizeof h1, "x-amz-content-sha256: %s", s->payload_hash);
    snprintf(h2, sizeof h2, "x-amz-date: %s", s->date);
    snprintf(h3, sizeof h3, "x-amz-decoded-content-length: %ld",
             s->decoded_len);
    snprintf(h4, sizeof h4, "Expect:");
    struct curl_slist *list = curl_slist_append(NULL, auth);
    list = curl_slist_append(list, h1);
    list = curl_slist_append(list, h2);
    if (s->decoded_len >= 0)
        list = curl_slist_append(list, h3);
    list = curl_slist_append(list, h4);
    list = curl_slist_append(list, "Content-Type:");
    CURL *curl = curl_easy_init();
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, s->method);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &data);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, sink);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &head);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    if (strcmp(s->method, "PUT") == 0) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data ? body.data : "");
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)body.len);
    }
    struct response r = { 0 };
    assert_int_equal(curl_easy_perform(curl), CURLE_OK);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
    curl_easy_cleanup(curl);
    curl_slist_free_all(list);
    r.body = buf_detach(&data, &r.len);
    r.headers = buf_detach(&head, NULL);
    buf_clear(&body);
    return r;
}

/* Two chunks and the final one, each signed in the chain from the seed;
 * with tamper set, the second chunk's data changes after signing. */
static bool tamper;

static void chunked_body(struct signed_req *s, struct buf *out)
{
    static const char *const chunks[] = { "hello ", "chunks", "" };
    char day[9], scope[64], prev[65], sig[65];
    uint8_t key[32];
    memcpy(day, s->date, 8);
    day[8] = '\0';
    snprintf(scope, sizeof scope, "%s/us-east-1/s3/aws4_request", day);
    sigv4_signing_key(str_from(s->secret), str_from(day),
                      STR_LIT("us-east-1"), STR_LIT("s3"), key);
    memcpy(prev, s->seed, sizeof prev);
    for (size_t i = 0; i < 3; i++) {
        sigv4_chunked_sign(key, str_from(s->date), str_from(scope),
                           str_from(prev), str_from(chunks[i]), sig);
        buf_printf(out, "%zx;chunk-signature=%s\r\n%s\r\n",
                   strlen(chunks[i]), sig,
                   tamper && i == 1 ? "chunkz" : chunks[i]);
        memcpy(prev, sig, sizeof prev);
    }
}

static void signed_chunks_should_verify_in_a_chain(void **state)
{
    (void)state;
    struct signed_req mb = { .method = "PUT", .path = "/signed",
                             .payload_hash = "e3b0c44298fc1c149afbf4c8996fb9"
                             "2427ae41e4649b934ca495991b7852b855",
                             .key = ADMIN_KEY, .secret = ADMIN_SECRET,
                             .decoded_len = -1 };
    struct response r = send_signed(&mb, NULL);
    assert_true(r.status == 200);
    response_free(&r);
    struct signed_req s = { .method = "PUT", .path = "/signed/obj",
                            .payload_hash = SIGV4_STREAMING_SIGNED,
                            .key = ADMIN_KEY, .secret = ADMIN_SECRET,
                            .decoded_len = 12 };
    tamper = false;
    r = send_signed(&s, chunked_body);
    expect_status(&r, 200);
    tamper = true;
    s.path = "/signed/tampered";
    r = send_signed(&s, chunked_body);
    expect_error(&r, 403, "SignatureDoesNotMatch");
    tamper = false;
    s.decoded_len = 13;
    r = send_signed(&s, chunked_body);
    expect_error(&r, 400, "IncompleteBody");
}

static void bad_signatures_should_get_s3_errors(void **state)
{
    (void)state;
    struct signed_req s = { .method = "GET", .path = "/",
                            .payload_hash = "UNSIGNED-PAYLOAD",
                            .key = ADMIN_KEY, .secret = "wrong-secret",
                            .decoded_len = -1 };
    struct response r = send_signed(&s, NULL);
    char v[512];
    assert_non_null(strstr(xml_get(&r, "CanonicalRequest", v, sizeof v),
                           "GET\n/\n"));
    assert_non_null(strstr(xml_get(&r, "StringToSign", v, sizeof v),
                           "AWS4-HMAC-SHA256\n"));
    expect_error(&r, 403, "SignatureDoesNotMatch");
    s.key = "AKIAUNKNOWN000000000";
    r = send_signed(&s, NULL);
    expect_error(&r, 403, "InvalidAccessKeyId");
    struct response anon = client_raw("GET", "/", NULL, NULL, 0, 0);
    expect_error(&anon, 403, "AccessDenied");
    s.key = ADMIN_KEY;
    s.secret = ADMIN_SECRET;
    s.payload_hash = "0000000000000000000000000000000000000000000000000000"
                     "000000000000";
    r = send_signed(&s, NULL);
    expect_error(&r, 400, "XAmzContentSHA256Mismatch");
}

/* GET url (a path and query) on the checked emulator, unsigned. */
static struct response get_checked(const char *url_path)
{
    char url[1024];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s",
             emulator_port(checked), url_path);
    struct buf data, head;
    buf_init(&data, 0);
    buf_init(&head, 0);
    CURL *curl = curl_easy_init();
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &data);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, sink);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &head);
    struct response r = { 0 };
    assert_int_equal(curl_easy_perform(curl), CURLE_OK);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
    curl_easy_cleanup(curl);
    r.body = buf_detach(&data, &r.len);
    r.headers = buf_detach(&head, NULL);
    return r;
}

/* A SigV2 presigned GET for path, as boto3's default presigner and AWS CLI
 * v1 build it: HMAC-SHA1 over "GET\n\n\n<expires>\n<path>". */
static void presign_v2(const char *path, long long expires,
                       const char *secret, char *out, size_t len)
{
    char sts[512];
    uint8_t mac[20];
    snprintf(sts, sizeof sts, "GET\n\n\n%lld\n%s", expires, path);
    crypto_hmac_sha1(secret, strlen(secret), sts, strlen(sts), mac);
    struct buf b64;
    buf_init(&b64, 0);
    crypto_base64_encode(mac, sizeof mac, &b64);
    char sig[128] = "";
    for (const char *c = buf_cstr(&b64); *c; c++) {
        if (*c == '+' || *c == '/' || *c == '=')
            snprintf(sig + strlen(sig), 4, "%%%02X", *c);
        else
            snprintf(sig + strlen(sig), 2, "%c", *c);
    }
    buf_clear(&b64);
    snprintf(out, len, "%s?AWSAccessKeyId=" ADMIN_KEY "&Expires=%lld"
             "&Signature=%s", path, expires, sig);
}

static void sigv2_presigned_urls_should_be_verified(void **state)
{
    (void)state;
    struct signed_req mb = { .method = "PUT", .path = "/presigned",
                             .payload_hash = "UNSIGNED-PAYLOAD",
                             .key = ADMIN_KEY, .secret = ADMIN_SECRET,
                             .decoded_len = -1 };
    struct response r = send_signed(&mb, NULL);
    response_free(&r);
    struct signed_req obj = { .method = "PUT", .path = "/presigned/k",
                              .payload_hash = "UNSIGNED-PAYLOAD",
                              .key = ADMIN_KEY, .secret = ADMIN_SECRET,
                              .decoded_len = -1, .body = "secret",
                              .body_len = 6 };
    r = send_signed(&obj, NULL);
    expect_status(&r, 200);
    char url[512];
    long long later = (long long)time(NULL) + 600;
    presign_v2("/presigned/k", later, ADMIN_SECRET, url, sizeof url);
    r = get_checked(url);
    assert_string_equal(r.body, "secret");
    expect_status(&r, 200);
    presign_v2("/presigned/k", later, "wrong", url, sizeof url);
    r = get_checked(url);
    char v[256];
    xml_get(&r, "StringToSign", v, sizeof v);
    assert_non_null(strstr(v, "\n/presigned/k"));
    expect_error(&r, 403, "SignatureDoesNotMatch");
    presign_v2("/presigned/k", (long long)time(NULL) - 10, ADMIN_SECRET, url,
               sizeof url);
    r = get_checked(url);
    expect_error(&r, 403, "AccessDenied");
}

int main(void)
{
    client_start();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(buckets_should_be_created_listed_and_deleted,
                               reset),
        cmocka_unit_test_setup(location_constraint_should_be_kept, reset),
        cmocka_unit_test_setup(bad_bucket_names_should_be_invalid, reset),
        cmocka_unit_test_setup(missing_and_non_empty_buckets_should_fail,
                               reset),
        cmocka_unit_test_setup(bucket_policy_should_be_stored, reset),
        cmocka_unit_test_setup(objects_should_round_trip_with_metadata, reset),
        cmocka_unit_test_setup(missing_objects_should_be_no_such_key, reset),
        cmocka_unit_test_setup(ranges_and_conditions_should_hold, reset),
        cmocka_unit_test_setup(digests_and_checksums_should_be_checked, reset),
        cmocka_unit_test_setup(copies_should_follow_the_metadata_directive,
                               reset),
        cmocka_unit_test_setup(delete_objects_should_answer_per_key, reset),
        cmocka_unit_test_setup(unknown_routes_should_be_refused, reset),
        cmocka_unit_test_setup(oversized_uploads_should_be_entity_too_large,
                               reset),
        cmocka_unit_test_setup(virtual_hosted_style_should_name_the_bucket,
                               reset),
        cmocka_unit_test_setup(listings_should_follow_prefix_and_delimiter,
                               reset),
        cmocka_unit_test_setup(
            continuation_tokens_should_page_through_everything, reset),
        cmocka_unit_test_setup(multipart_upload_should_assemble_the_object,
                               reset),
        cmocka_unit_test_setup(small_parts_and_bad_uploads_should_fail, reset),
        cmocka_unit_test_setup(upload_part_copy_should_copy_a_range, reset),
        cmocka_unit_test_setup(unsigned_trailer_bodies_should_be_decoded,
                               reset),
        cmocka_unit_test(signed_chunks_should_verify_in_a_chain),
        cmocka_unit_test(bad_signatures_should_get_s3_errors),
        cmocka_unit_test(sigv2_presigned_urls_should_be_verified),
    };
    return cmocka_run_group_tests(tests, start_checked, stop_checked);
}
