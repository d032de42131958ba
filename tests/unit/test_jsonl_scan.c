/* jsonl_scan: records and lines read by scanning give what jsonl.c's tree
 * readers give, byte for byte (lines written, keys, images, sequence
 * numbers, times), for ordinary records and for unusual ones; what the
 * scanner cannot vouch for (escaped slashes, whitespace, refusals) is left
 * to jsonl.c; and over thousands of mutated lines, every line it takes
 * jsonl_parse takes too, with the same values. */
#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"
#include "sync/jsonl.h"
#include "sync/jsonl_scan.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    const char *record;
    bool is_scanned;
} records[] = {
    { "both images, every type",
      "{\"eventID\":\"e1\",\"eventName\":\"MODIFY\",\"eventVersion\":\"1.1\","
      "\"dynamodb\":{\"ApproximateCreationDateTime\":1700000000.123,"
      "\"Keys\":{\"pk\":{\"S\":\"a\"}},\"NewImage\":{\"pk\":{\"S\":\"a\"},"
      "\"n\":{\"N\":\"12345678901234567890123456789012345678\"},"
      "\"ss\":{\"SS\":[\"b\",\"a\"]},\"ns\":{\"NS\":[\"10\",\"-1\"]},"
      "\"bin\":{\"B\":\"AAE=\"},\"m\":{\"M\":{\"l\":{\"L\":[{\"BOOL\":true},"
      "{\"NULL\":true}]}}}},\"OldImage\":{\"pk\":{\"S\":\"a\"}},"
      "\"SequenceNumber\":\"100000000000000000001\",\"SizeBytes\":10}}",
      true },
    { "escapes and UTF-8 in keys and values",
      "{\"eventID\":\"e2\",\"eventName\":\"INSERT\",\"dynamodb\":{"
      "\"Keys\":{\"sk\":{\"N\":\"2\"},\"pk\":{\"S\":\"a\\\"b\\n\\u0001\"}},"
      "\"NewImage\":{\"pk\":{\"S\":\"a\\\"b\\n\\u0001\"},\"sk\":{\"N\":\"2\"},"
      "\"t\\tab\":{\"S\":\"caf\xc3\xa9\"}},"
      "\"SequenceNumber\":\"200\",\"ApproximateCreationDateTime\":1795693885}}",
      true },
    { "a TTL delete",
      "{\"eventID\":\"e3\",\"eventName\":\"REMOVE\",\"userIdentity\":{"
      "\"type\":\"Service\",\"principalId\":\"dynamodb.amazonaws.com\"},"
      "\"dynamodb\":{\"Keys\":{\"pk\":{\"S\":\"x\"}},\"OldImage\":{\"pk\":"
      "{\"S\":\"x\"}},\"SequenceNumber\":\"300\"}}",
      true },
    { "members repeated: the first counts",
      "{\"eventID\":\"e4\",\"eventName\":\"INSERT\",\"eventName\":\"REMOVE\","
      "\"dynamodb\":{\"Keys\":{\"pk\":{\"S\":\"k\"}},\"NewImage\":{\"pk\":"
      "{\"S\":\"k\"}},\"SequenceNumber\":\"400\",\"SequenceNumber\":\"1\"},"
      "\"dynamodb\":{}}",
      true },
    { "an escaped slash is printed back plain",
      "{\"eventID\":\"e5\",\"eventName\":\"INSERT\",\"dynamodb\":{\"Keys\":"
      "{\"pk\":{\"S\":\"a\\/b\"}},\"NewImage\":{\"pk\":{\"S\":\"a\\/b\"}},"
      "\"SequenceNumber\":\"500\"}}",
      false },
    { "whitespace",
      "{\"eventID\": \"e6\",\"eventName\":\"INSERT\",\"dynamodb\":{\"Keys\":"
      "{\"pk\":{\"S\":\"a\"}},\"SequenceNumber\":\"600\"}}",
      false },
    { "a number printed differently",
      "{\"eventID\":\"e7\",\"eventName\":\"INSERT\",\"dynamodb\":{\"Keys\":"
      "{\"pk\":{\"S\":\"a\"}},\"NewImage\":{\"pk\":{\"S\":\"a\"},\"x\":1.50},"
      "\"SequenceNumber\":\"700\"}}",
      false },
    { "no eventID",
      "{\"eventName\":\"INSERT\",\"dynamodb\":{\"Keys\":{\"pk\":{\"S\":\"a\"}},"
      "\"SequenceNumber\":\"800\"}}",
      false },
    { "a sequence number that is not digits",
      "{\"eventID\":\"e9\",\"eventName\":\"INSERT\",\"dynamodb\":{\"Keys\":"
      "{\"pk\":{\"S\":\"a\"}},\"SequenceNumber\":\"9a\"}}",
      false },
};

/* The line and key jsonl.c writes for a record, or "" when it refuses. */
static void tree_line(const char *record, struct buf *line, struct buf *key)
{
    struct jsonl_record r;
    char err[JSONL_ERR_MAX];
    cJSON *doc = json_parse(record, strlen(record));
    if (jsonl_from_stream(doc, "orders", &r, err, sizeof err) == 0) {
        assert_int_equal(jsonl_write(line, &r, JSONL_FORMAT_DDB_JSON,
                                     JSONL_LAYOUT_CHANGE), 0);
        jsonl_key_write(key, r.keys);
    }
    cJSON_Delete(doc);
}

static void stream_records_should_write_what_the_tree_writes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof records / sizeof records[0]; i++) {
        const char *rec = records[i].record;
        struct jsonl_scanned s;
        bool is_scanned = jsonl_scan_stream(rec, strlen(rec), &s);
        if (is_scanned != records[i].is_scanned)
            fail_msg("%s: scanned %d", records[i].name, is_scanned);
        if (!is_scanned)
            continue;
        struct buf want, want_key, got, got_key;
        buf_init(&want, 0);
        buf_init(&want_key, 0);
        buf_init(&got, 0);
        buf_init(&got_key, 0);
        tree_line(rec, &want, &want_key);
        jsonl_scanned_write(&got, &s, "orders");
        jsonl_scanned_key_write(&got_key, &s);
        if (strcmp(buf_cstr(&want), buf_cstr(&got)) != 0)
            fail_msg("%s:\n%s\n%s", records[i].name, buf_cstr(&want),
                     buf_cstr(&got));
        assert_string_equal(buf_cstr(&want_key), buf_cstr(&got_key));
        buf_clear(&want);
        buf_clear(&want_key);
        buf_clear(&got);
        buf_clear(&got_key);
    }
}

static void stream_records_should_name_the_service_principal(void **state)
{
    (void)state;
    struct jsonl_scanned s;
    assert_true(jsonl_scan_stream(records[2].record,
                                  strlen(records[2].record), &s));
    assert_true(jscan_equals(s.principal, "dynamodb.amazonaws.com"));
    assert_true(jsonl_scan_stream(records[0].record,
                                  strlen(records[0].record), &s));
    assert_int_equal(s.principal.len, 0);
    assert_int_equal(s.event_time_ms, 1700000000123);
}

/* The lake's inputs from a line: what jsonl_parse gives, or, scanned,
 * what jsonl_scan_line gives; the two must agree whenever the scanner
 * takes a line. */
static void check_line(const char *line, size_t len, bool is_taken_expected)
{
    struct jsonl_scanned s;
    bool is_taken = jsonl_scan_line(line, len, &s);
    if (is_taken_expected && !is_taken)
        fail_msg("not taken: %.*s", (int)len, line);
    if (!is_taken)
        return;
    struct jsonl_record r;
    cJSON *doc = NULL;
    char err[JSONL_ERR_MAX];
    if (jsonl_parse(line, len, &r, &doc, err, sizeof err) < 0)
        fail_msg("taken, but jsonl_parse says %s: %.*s", err, (int)len,
                 line);
    struct buf k1, k2, item;
    buf_init(&k1, 0);
    buf_init(&k2, 0);
    buf_init(&item, 0);
    jsonl_key_write(&k1, r.keys);
    jsonl_scanned_key_write(&k2, &s);
    assert_string_equal(buf_cstr(&k1), buf_cstr(&k2));
    assert_string_equal(r.sequence_number, s.sequence_number);
    assert_string_equal(r.event_name, s.event_name);
    assert_true(jscan_equals(s.table, r.table));
    assert_int_equal(r.event_time_ms, s.event_time_ms);
    assert_int_equal(r.new_image != NULL, s.new_image.len > 0);
    if (r.new_image) {
        json_write(&item, r.new_image);
        assert_int_equal(item.len, s.new_image.len);
        assert_memory_equal(item.data, s.new_image.p, item.len);
    }
    buf_clear(&k1);
    buf_clear(&k2);
    buf_clear(&item);
    cJSON_Delete(doc);
}

static void lines_should_read_as_jsonl_parse_reads_them(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof records / sizeof records[0]; i++) {
        struct buf line, key;
        buf_init(&line, 0);
        buf_init(&key, 0);
        tree_line(records[i].record, &line, &key);
        if (line.len > 0)
            check_line(line.data, line.len - 1, records[i].is_scanned);
        buf_clear(&line);
        buf_clear(&key);
    }
}

static const char *const refused_lines[] = {
    "{\"event_id\":\"e\",\"event_name\":\"INSERT\",\"event_time\":1,"
    "\"data\":{\"pk\":\"a\"}}",
    "{\"event_id\":\"e\",\"event_name\":\"UPSERT\",\"sequence_number\":\"5\","
    "\"table\":\"t\",\"keys\":{\"pk\":{\"S\":\"a\"}},\"new_image\":{}}",
    "{\"event_id\":\"e\",\"event_name\":\"INSERT\",\"sequence_number\":\"5\","
    "\"table\":\"t\",\"keys\":{\"pk\":\"a\"},\"new_image\":{\"pk\":\"a\"}}",
    "{\"event_id\":\"e\",\"event_name\":\"INSERT\",\"sequence_number\":\"5\","
    "\"table\":\"t\",\"keys\":{\"pk\":{\"S\":\"a\"}}}",
    "{\"event_id\":\"e\",\"event_name\":\"REMOVE\",\"sequence_number\":\"5\","
    "\"table\":\"t\",\"keys\":{}}",
    "{\"event_id\":\"e\",\"event_name\":\"INSERT\",\"sequence_number\":\"5\","
    "\"table\":\"t\",\"keys\":{\"pk\":{\"S\":\"a\",\"N\":\"1\"}},"
    "\"new_image\":{\"pk\":{\"S\":\"a\"}}}",
    "{\"event_id\":\"e\",\"event_name\":\"INSERT\",\"sequence_number\":\"5\","
    "\"table\":\"t\",\"keys\":{\"pk\":{\"X\":\"a\"}},"
    "\"new_image\":{\"pk\":{\"S\":\"a\"}}}",
    "{\"event_id\":\"e\",\"event_name\":\"INSERT\",\"sequence_number\":\"5\","
    "\"table\":\"t\",\"keys\":{\"pk\":{\"S\":\"a\"}},\"new_image\":null}",
    "{\"event_id\":\"e\",\"event_name\":\"REMOVE\",\"sequence_number\":\"5\","
    "\"table\":\"t\",\"keys\":{\"pk\":{\"S\":\"a\"}}}x",
};

static void refused_lines_should_be_left_to_jsonl_parse(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof refused_lines / sizeof *refused_lines;
         i++) {
        struct jsonl_scanned s;
        const char *line = refused_lines[i];
        if (jsonl_scan_line(line, strlen(line), &s))
            fail_msg("line %zu taken", i);
    }
}

static uint64_t next_random(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33;
}

static void mutated_lines_should_never_be_taken_wrongly(void **state)
{
    (void)state;
    struct buf line, key;
    buf_init(&line, 0);
    buf_init(&key, 0);
    tree_line(records[1].record, &line, &key);
    size_t len = line.len - 1;
    char *text = xmalloc(len);
    static const char alphabet[] = "{}[]\",:\\/SNBLMu01aeE.- ";
    uint64_t rnd = 7;
    size_t taken = 0;
    for (int round = 0; round < 20000; round++) {
        memcpy(text, line.data, len);
        int edits = 1 + (int)(next_random(&rnd) % 2);
        for (int e = 0; e < edits; e++)
            text[next_random(&rnd) % len] =
                alphabet[next_random(&rnd) % (sizeof alphabet - 1)];
        struct jsonl_scanned s;
        taken += jsonl_scan_line(text, len, &s);
        check_line(text, len, false);
    }
    assert_true(taken > 500);
    free(text);
    buf_clear(&line);
    buf_clear(&key);
}

int main(void)
{
    mem_install_cjson_hooks();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stream_records_should_write_what_the_tree_writes),
        cmocka_unit_test(stream_records_should_name_the_service_principal),
        cmocka_unit_test(lines_should_read_as_jsonl_parse_reads_them),
        cmocka_unit_test(refused_lines_should_be_left_to_jsonl_parse),
        cmocka_unit_test(mutated_lines_should_never_be_taken_wrongly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
