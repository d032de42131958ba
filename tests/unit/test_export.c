/* export: the manifests in the shape of DynamoDB's native export to S3
 * (manifest-summary.json fields, manifest-files.json lines with the data
 * file's MD5 in base64 and its ETag), export ids, times, and gzip that
 * round-trips. */
#include "base/buf.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/mem.h"
#include "sync/export.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void manifest_line_should_carry_count_checksums_and_key(void **state)
{
    (void)state;
    struct export_file f = { .items = 3 };
    snprintf(f.key, sizeof f.key, "p/AWSDynamoDB/01-ab/data/x.json.gz");
    /* MD5("") = d41d8cd98f00b204e9800998ecf8427e. */
    export_file_checksums(&f, "", 0);
    assert_string_equal(f.etag, "d41d8cd98f00b204e9800998ecf8427e");
    assert_string_equal(f.md5_base64, "1B2M2Y8AsgTpgAmY7PhCfg==");
    struct buf b;
    buf_init(&b, 0);
    export_manifest_line(&b, &f);
    assert_int_equal(b.data[b.len - 1], '\n');
    cJSON *doc = json_parse(b.data, b.len - 1);
    assert_non_null(doc);
    assert_int_equal(cJSON_GetNumberValue(json_get(doc, "itemCount")), 3);
    assert_string_equal(json_get_string(doc, "md5"),
                        "1B2M2Y8AsgTpgAmY7PhCfg==");
    assert_string_equal(json_get_string(doc, "etag"), f.etag);
    assert_string_equal(json_get_string(doc, "dataFileS3Key"), f.key);
    cJSON_Delete(doc);
    buf_clear(&b);
}

static void summary_should_have_every_native_field(void **state)
{
    (void)state;
    static const char *const fields[] = {
        "version", "exportArn", "startTime", "endTime", "tableArn",
        "tableId", "exportTime", "s3Bucket", "s3Prefix", "s3SseAlgorithm",
        "s3SseKmsKeyId", "manifestFilesS3Key", "billedSizeBytes",
        "itemCount", "outputFormat",
    };
    struct export_summary s = {
        .export_arn = "arn:aws:dynamodb:us-east-1:1:table/t/export/01-ab",
        .table_arn = "arn:aws:dynamodb:us-east-1:1:table/t",
        .table_id = "id", .bucket = "lake", .prefix = "",
        .manifest_files_key = "AWSDynamoDB/01-ab/manifest-files.json",
        .start_ms = 1604474914028, .end_ms = 1604475223897, .items = 8,
    };
    struct buf b;
    buf_init(&b, 0);
    export_summary_write(&b, &s);
    cJSON *doc = json_parse(b.data, b.len);
    assert_non_null(doc);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (json_get(doc, fields[i]) == NULL)
            fail_msg("missing %s", fields[i]);
    }
    assert_string_equal(json_get_string(doc, "version"), "2020-06-30");
    assert_string_equal(json_get_string(doc, "startTime"),
                        "2020-11-04T07:28:34.028Z");
    assert_string_equal(json_get_string(doc, "endTime"),
                        "2020-11-04T07:33:43.897Z");
    assert_string_equal(json_get_string(doc, "outputFormat"),
                        "DYNAMODB_JSON");
    /* No prefix is null, as the native export writes it. */
    assert_true(cJSON_IsNull(json_get(doc, "s3Prefix")));
    assert_true(cJSON_IsNull(json_get(doc, "s3SseKmsKeyId")));
    assert_int_equal(cJSON_GetNumberValue(json_get(doc, "itemCount")), 8);
    cJSON_Delete(doc);
    buf_clear(&b);
}

static void export_id_should_be_14_digits_dash_8_hex(void **state)
{
    (void)state;
    char id[EXPORT_ID_MAX];
    export_id_format(id, sizeof id, 1234567890123, 0xa1b2c3d4u);
    assert_string_equal(id, "01234567890123-a1b2c3d4");
}

static void gzip_should_round_trip(void **state)
{
    (void)state;
    struct buf in, gz, back;
    buf_init(&in, 0);
    buf_init(&gz, 0);
    buf_init(&back, 0);
    for (int i = 0; i < 20000; i++)
        buf_printf(&in, "{\"Item\":{\"pk\":{\"S\":\"k%d\"}}}\n", i);
    assert_int_equal(crypto_gzip(in.data, in.len, &gz), 0);
    assert_true(gz.len < in.len / 4);
    assert_int_equal((unsigned char)gz.data[0], 0x1f);
    assert_int_equal((unsigned char)gz.data[1], 0x8b);
    assert_int_equal(crypto_gunzip(gz.data, gz.len, &back), 0);
    assert_int_equal(back.len, in.len);
    assert_memory_equal(back.data, in.data, in.len);
    /* Truncated input is refused. */
    buf_reset(&back);
    assert_int_equal(crypto_gunzip(gz.data, gz.len / 2, &back), -1);
    buf_clear(&in);
    buf_clear(&gz);
    buf_clear(&back);
}

int main(void)
{
    mem_install_cjson_hooks();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(manifest_line_should_carry_count_checksums_and_key),
        cmocka_unit_test(summary_should_have_every_native_field),
        cmocka_unit_test(export_id_should_be_14_digits_dash_8_hex),
        cmocka_unit_test(gzip_should_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
