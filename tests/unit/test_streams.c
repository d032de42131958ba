/* Unit tests for streams: record shapes per view type and event kind,
 * change detection, sequence numbers, shard ids, the rollover rule, and
 * shard iterators (round trip, expiry, and rejection of anything altered,
 * truncated or made with another key). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"
#include "base/str.h"
#include "streams/streams.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t key[STREAMS_KEY_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t other_key[STREAMS_KEY_LEN] = { 9 };

#define ARN "arn:aws:dynamodb:us-east-1:000000000000:table/t1/stream/" \
            "2024-01-01T00:00:00.000"

static cJSON *parse(const char *text)
{
    if (text == NULL)
        return NULL;
    cJSON *v = json_parse(text, strlen(text));
    if (v == NULL)
        fail_msg("bad JSON in test table: %s", text);
    return v;
}

static char *print(const cJSON *v)
{
    return v ? cJSON_PrintUnformatted(v) : NULL;
}

struct record_row {
    const char *name;
    const char *view;
    const char *old_item; /* NULL: absent */
    const char *new_item; /* NULL: deleted */
    const char *event;
    const char *keys;
    const char *new_image; /* NULL: must be left out */
    const char *old_image; /* NULL: must be left out */
    size_t size;
};

#define OLD "{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"},\"v\":{\"S\":\"old\"}}"
#define NEW "{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"},\"v\":{\"S\":\"new\"}}"
#define KEYS "{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"}}"
/* Keys: pk 2+1, sk 2+2 (one significant digit + 1) = 7; each image adds
 * v: 1 + 3 = 4, so 11. */
#define KEY_BYTES 7
#define ITEM_BYTES 11

static const struct record_row record_rows[] = {
    { "insert keys only", "KEYS_ONLY", NULL, NEW, "INSERT", KEYS, NULL, NULL,
      KEY_BYTES },
    { "insert new image", "NEW_IMAGE", NULL, NEW, "INSERT", KEYS, NEW, NULL,
      KEY_BYTES + ITEM_BYTES },
    { "insert old image has none", "OLD_IMAGE", NULL, NEW, "INSERT", KEYS,
      NULL, NULL, KEY_BYTES },
    { "insert both", "NEW_AND_OLD_IMAGES", NULL, NEW, "INSERT", KEYS, NEW,
      NULL, KEY_BYTES + ITEM_BYTES },
    { "modify keys only", "KEYS_ONLY", OLD, NEW, "MODIFY", KEYS, NULL, NULL,
      KEY_BYTES },
    { "modify new image", "NEW_IMAGE", OLD, NEW, "MODIFY", KEYS, NEW, NULL,
      KEY_BYTES + ITEM_BYTES },
    { "modify old image", "OLD_IMAGE", OLD, NEW, "MODIFY", KEYS, NULL, OLD,
      KEY_BYTES + ITEM_BYTES },
    { "modify both", "NEW_AND_OLD_IMAGES", OLD, NEW, "MODIFY", KEYS, NEW, OLD,
      KEY_BYTES + 2 * ITEM_BYTES },
    { "remove keys only", "KEYS_ONLY", OLD, NULL, "REMOVE", KEYS, NULL, NULL,
      KEY_BYTES },
    { "remove new image has none", "NEW_IMAGE", OLD, NULL, "REMOVE", KEYS,
      NULL, NULL, KEY_BYTES },
    { "remove old image", "OLD_IMAGE", OLD, NULL, "REMOVE", KEYS, NULL, OLD,
      KEY_BYTES + ITEM_BYTES },
    { "remove both", "NEW_AND_OLD_IMAGES", OLD, NULL, "REMOVE", KEYS, NULL,
      OLD, KEY_BYTES + ITEM_BYTES },
};

static void expect_member(const struct record_row *row, const cJSON *d,
                          const char *member, const char *want)
{
    char *got = print(json_get(d, member));
    if ((want == NULL) != (got == NULL) ||
        (want && strcmp(want, got) != 0))
        fail_msg("row '%s': %s is %s, want %s", row->name, member,
                 got ? got : "absent", want ? want : "absent");
    free(got);
}

static cJSON *build(const struct record_row *row, cJSON *old_item,
                    cJSON *new_item, bool is_ttl)
{
    struct streams_change ch = {
        .hash_name = "pk", .range_name = "sk",
        .old_item = old_item, .new_item = new_item,
        .view = streams_view_parse(row->view),
        .seq = 42, .now_ms = 1700000000999, .region = "eu-west-1",
        .event_id = "0123456789abcdef0123456789abcdef", .is_ttl = is_ttl,
    };
    struct buf out;
    buf_init(&out, 0);
    streams_record_write(&ch, &out);
    cJSON *rec = parse(buf_cstr(&out));
    buf_clear(&out);
    return rec;
}

static void record_should_match_view_type_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof record_rows / sizeof record_rows[0]; i++) {
        const struct record_row *row = &record_rows[i];
        cJSON *old_item = parse(row->old_item);
        cJSON *new_item = parse(row->new_item);
        cJSON *rec = build(row, old_item, new_item, false);
        const cJSON *d = json_get(rec, "dynamodb");
        assert_string_equal(json_get_string(rec, "eventName"), row->event);
        assert_string_equal(json_get_string(rec, "eventVersion"), "1.1");
        assert_string_equal(json_get_string(rec, "eventSource"),
                            "aws:dynamodb");
        assert_string_equal(json_get_string(rec, "awsRegion"), "eu-west-1");
        assert_string_equal(json_get_string(rec, "eventID"),
                            "0123456789abcdef0123456789abcdef");
        assert_null(json_get(rec, "userIdentity"));
        expect_member(row, d, "Keys", row->keys);
        expect_member(row, d, "NewImage", row->new_image);
        expect_member(row, d, "OldImage", row->old_image);
        expect_member(row, d, "ApproximateCreationDateTime", "1700000000");
        assert_string_equal(json_get_string(d, "SequenceNumber"),
                            "100000000000000000042");
        assert_string_equal(json_get_string(d, "StreamViewType"), row->view);
        if (json_get(d, "SizeBytes")->valuedouble != (double)row->size)
            fail_msg("row '%s': SizeBytes %g, want %zu", row->name,
                     json_get(d, "SizeBytes")->valuedouble, row->size);
        cJSON_Delete(rec);
        cJSON_Delete(old_item);
        cJSON_Delete(new_item);
    }
}

static void ttl_removal_should_name_the_service(void **state)
{
    (void)state;
    cJSON *old_item = parse(OLD);
    cJSON *rec = build(&record_rows[11], old_item, NULL, true);
    char *who = print(json_get(rec, "userIdentity"));
    assert_string_equal(who, "{\"Type\":\"Service\",\"PrincipalId\":"
                        "\"dynamodb.amazonaws.com\"}");
    free(who);
    cJSON_Delete(rec);
    cJSON_Delete(old_item);
}

/* The record's text for row, with the images given as text or not. */
static char *record_text(const struct record_row *row, const cJSON *old_item,
                         const cJSON *new_item, bool is_text_given)
{
    struct streams_change ch = {
        .hash_name = "pk", .range_name = "sk",
        .old_item = old_item, .new_item = new_item,
        .view = streams_view_parse(row->view),
        .seq = 42, .now_ms = 1700000000999, .region = "eu-west-1",
        .event_id = "0123456789abcdef0123456789abcdef",
    };
    if (is_text_given) {
        ch.old_json = str_from(row->old_item);
        ch.new_json = str_from(row->new_item);
    }
    struct buf out;
    buf_init(&out, 0);
    streams_record_write(&ch, &out);
    size_t len;
    return buf_detach(&out, &len);
}

static void record_should_be_the_same_from_stored_text(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof record_rows / sizeof record_rows[0]; i++) {
        const struct record_row *row = &record_rows[i];
        cJSON *old_item = parse(row->old_item);
        cJSON *new_item = parse(row->new_item);
        char *printed = record_text(row, old_item, new_item, false);
        char *copied = record_text(row, old_item, new_item, true);
        if (strcmp(printed, copied) != 0)
            fail_msg("row '%s': %s from text, %s printed", row->name, copied,
                     printed);
        /* Written as cJSON would print it. */
        cJSON *rec = parse(copied);
        char *again = print(rec);
        assert_string_equal(again, copied);
        free(again);
        cJSON_Delete(rec);
        free(printed);
        free(copied);
        cJSON_Delete(old_item);
        cJSON_Delete(new_item);
    }
}

static void record_should_copy_the_given_image_text(void **state)
{
    (void)state;
    const struct record_row *row = &record_rows[7]; /* modify both */
    assert_string_equal(row->view, "NEW_AND_OLD_IMAGES");
    cJSON *old_item = parse(row->old_item);
    cJSON *new_item = parse(row->new_item);
    struct streams_change ch = {
        .hash_name = "pk", .range_name = "sk",
        .old_item = old_item, .new_item = new_item,
        .old_json = STR_LIT("{\"was\":{\"S\":\"text\"}}"),
        .new_json = STR_LIT("{\"is\":{\"S\":\"text\"}}"),
        .view = STREAMS_VIEW_NEW_AND_OLD_IMAGES, .seq = 1, .now_ms = 0,
        .region = "eu-west-1", .event_id = "00",
    };
    struct buf out;
    buf_init(&out, 0);
    streams_record_write(&ch, &out);
    cJSON *rec = parse(buf_cstr(&out));
    const cJSON *d = json_get(rec, "dynamodb");
    expect_member(row, d, "NewImage", "{\"is\":{\"S\":\"text\"}}");
    expect_member(row, d, "OldImage", "{\"was\":{\"S\":\"text\"}}");
    expect_member(row, d, "Keys", KEYS);
    buf_clear(&out);
    cJSON_Delete(rec);
    cJSON_Delete(old_item);
    cJSON_Delete(new_item);
}

static void record_should_escape_key_names_and_values(void **state)
{
    (void)state;
    const char *item_text = "{\"p\\\"k\\n\":{\"S\":\"a\\\\\\u0001\"},"
                            "\"v\":{\"B\":\"AA==\"}}";
    cJSON *item = parse(item_text);
    struct streams_change ch = {
        .hash_name = "p\"k\n", .new_item = item,
        .view = STREAMS_VIEW_KEYS_ONLY, .seq = 1, .now_ms = 0,
        .region = "eu-west-1", .event_id = "00",
    };
    struct buf out;
    buf_init(&out, 0);
    streams_record_write(&ch, &out);
    cJSON *rec = parse(buf_cstr(&out));
    char *keys = print(json_get(json_get(rec, "dynamodb"), "Keys"));
    assert_string_equal(keys, "{\"p\\\"k\\n\":{\"S\":\"a\\\\\\u0001\"}}");
    free(keys);
    buf_clear(&out);
    cJSON_Delete(rec);
    cJSON_Delete(item);
}

static void event_ids_should_be_distinct_stable_and_keyed(void **state)
{
    (void)state;
    enum { STREAMS = 4, SEQS = 500 };
    static char ids[STREAMS * SEQS][33];
    for (int st = 0; st < STREAMS; st++) {
        for (int q = 0; q < SEQS; q++) {
            char *id = ids[st * SEQS + q];
            streams_event_id(key, st + 1, q + 1, id);
            assert_int_equal(strlen(id), 32);
            assert_int_equal(strspn(id, "0123456789abcdef"), 32);
        }
    }
    for (int i = 0; i < STREAMS * SEQS; i++) {
        for (int j = i + 1; j < STREAMS * SEQS; j++) {
            if (strcmp(ids[i], ids[j]) == 0)
                fail_msg("records %d and %d share the id %s", i, j, ids[i]);
        }
    }
    char again[33];
    char other[33];
    streams_event_id(key, 3, 42, again);
    assert_string_equal(again, ids[2 * SEQS + 41]);
    streams_event_id(other_key, 3, 42, other);
    assert_string_not_equal(other, again);
}

struct change_row {
    const char *old_item;
    const char *new_item;
    bool is_change;
};

static void is_change_should_match_table(void **state)
{
    (void)state;
    static const struct change_row rows[] = {
        { NULL, "{\"a\":{\"S\":\"x\"}}", true },
        { "{\"a\":{\"S\":\"x\"}}", NULL, true },
        { NULL, NULL, false },
        { "{\"a\":{\"S\":\"x\"}}", "{\"a\":{\"S\":\"x\"}}", false },
        { "{\"a\":{\"S\":\"x\"}}", "{\"a\":{\"S\":\"y\"}}", true },
        { "{\"a\":{\"S\":\"x\"}}", "{\"a\":{\"S\":\"x\"},\"b\":{\"N\":\"1\"}}",
          true },
        /* Sets compare unordered, numbers by value. */
        { "{\"s\":{\"SS\":[\"a\",\"b\"]},\"n\":{\"N\":\"1.0\"}}",
          "{\"n\":{\"N\":\"1\"},\"s\":{\"SS\":[\"b\",\"a\"]}}", false },
        { "{\"a\":{\"N\":\"1\"}}", "{\"a\":{\"S\":\"1\"}}", true },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        cJSON *a = parse(rows[i].old_item);
        cJSON *b = parse(rows[i].new_item);
        if (streams_is_change(a, b) != rows[i].is_change)
            fail_msg("row %zu: is_change should be %d", i, rows[i].is_change);
        cJSON_Delete(a);
        cJSON_Delete(b);
    }
}

static void sequence_numbers_should_round_trip_and_order(void **state)
{
    (void)state;
    static const int64_t seqs[] = { 0, 1, 9, 10, 12345678901234LL,
                                    922337203685477580LL };
    char prev[STREAMS_SEQ_LEN + 1] = "";
    for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
        char text[STREAMS_SEQ_LEN + 1];
        int64_t back = -1;
        streams_seq_format(seqs[i], text);
        assert_int_equal(strlen(text), STREAMS_SEQ_LEN);
        assert_int_equal(streams_seq_parse(text, &back), 0);
        assert_true(back == seqs[i]);
        assert_true(strcmp(prev, text) < 0);
        memcpy(prev, text, sizeof text);
    }
    static const char *const bad[] = {
        "", "1", "10000000000000000000", "1000000000000000000000",
        "20000000000000000000a", "1000000000000000000x1",
        "199999999999999999999", NULL,
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t v;
        if (streams_seq_parse(bad[i], &v) != -1)
            fail_msg("'%s' should not parse", bad[i] ? bad[i] : "(null)");
    }
}

static void shard_ids_should_have_aws_shape_and_order(void **state)
{
    (void)state;
    char a[STREAMS_SHARD_ID_LEN + 1];
    char b[STREAMS_SHARD_ID_LEN + 1];
    streams_shard_id(1700000000000LL, 0xdeadbeef, a);
    streams_shard_id(1700000000001LL, 0x00000001, b);
    assert_string_equal(a, "shardId-00000001700000000000-deadbeef");
    assert_int_equal(strlen(a), STREAMS_SHARD_ID_LEN);
    assert_true(strcmp(a, b) < 0);
}

static void rollover_should_follow_count_and_age(void **state)
{
    (void)state;
    assert_false(streams_should_roll(0, 0, 1000, 0, 0));
    assert_false(streams_should_roll(2, 0, 1000, 3, 0));
    assert_true(streams_should_roll(3, 0, 1000, 3, 0));
    assert_false(streams_should_roll(100, 0, 999, 0, 1000));
    assert_true(streams_should_roll(0, 0, 1000, 0, 1000));
}

static char *make_iterator(const struct streams_iterator *it)
{
    struct buf out;
    buf_init(&out, 0);
    streams_iterator_write(key, ARN, it, &out);
    return buf_detach(&out, NULL);
}

static void iterator_should_round_trip(void **state)
{
    (void)state;
    struct streams_iterator it = { .stream_id = 7, .shard_idx = 3,
                                   .pos = 123456789, .issued_ms = 1700000000123 };
    char *text = make_iterator(&it);
    assert_true(strncmp(text, ARN "|1|", strlen(ARN "|1|")) == 0);
    assert_true(strlen(text) <= 2048);
    struct streams_iterator back = { 0 };
    assert_int_equal(streams_iterator_parse(key, text, &back), 0);
    assert_true(back.stream_id == 7 && back.shard_idx == 3 &&
                back.pos == 123456789 && back.issued_ms == 1700000000123);
    assert_false(streams_iterator_is_expired(&back, 1700000000123 +
                                             STREAMS_ITERATOR_TTL_MS));
    assert_true(streams_iterator_is_expired(&back, 1700000000124 +
                                            STREAMS_ITERATOR_TTL_MS));
    free(text);
}

static void iterator_should_reject_tampering(void **state)
{
    (void)state;
    struct streams_iterator it = { .stream_id = 1, .shard_idx = 1, .pos = 5,
                                   .issued_ms = 1000 };
    char *text = make_iterator(&it);
    struct streams_iterator back;
    size_t len = strlen(text);
    /* Every single-character change anywhere is caught. */
    for (size_t i = 0; i < len; i++) {
        char saved = text[i];
        text[i] = saved == 'A' ? 'B' : 'A';
        if (streams_iterator_parse(key, text, &back) == 0)
            fail_msg("a change at %zu of %s went unnoticed", i, text);
        text[i] = saved;
    }
    /* The spare low bits of the last base64 character are covered too. */
    char *pad = strstr(text, "==");
    assert_non_null(pad);
    char saved = pad[-1];
    pad[-1] = (char)((saved - 'A' + 1) % 26 + 'A');
    if (saved >= 'A' && saved <= 'Z')
        assert_int_equal(streams_iterator_parse(key, text, &back), -1);
    pad[-1] = saved;
    assert_int_equal(streams_iterator_parse(other_key, text, &back), -1);
    text[len - 4] = '\0';
    assert_int_equal(streams_iterator_parse(key, text, &back), -1);
    static const char *const bad[] = {
        "", "garbage", "|1|", ARN "|1|", ARN "|1|!!!!", ARN "|2|AAAA",
        ARN "|1|AQAAAAAAAAABAAAAAAAAAAIAAAAAAAAABAAAAaIWc2MO0obqkXDu/VonsSo",
        NULL,
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(streams_iterator_parse(key, bad[i], &back), -1);
    free(text);
}

int main(void)
{
    mem_install_cjson_hooks();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(record_should_match_view_type_table),
        cmocka_unit_test(ttl_removal_should_name_the_service),
        cmocka_unit_test(record_should_be_the_same_from_stored_text),
        cmocka_unit_test(record_should_copy_the_given_image_text),
        cmocka_unit_test(record_should_escape_key_names_and_values),
        cmocka_unit_test(event_ids_should_be_distinct_stable_and_keyed),
        cmocka_unit_test(is_change_should_match_table),
        cmocka_unit_test(sequence_numbers_should_round_trip_and_order),
        cmocka_unit_test(shard_ids_should_have_aws_shape_and_order),
        cmocka_unit_test(rollover_should_follow_count_and_age),
        cmocka_unit_test(iterator_should_round_trip),
        cmocka_unit_test(iterator_should_reject_tampering),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
