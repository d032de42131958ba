/* verify: landing and lake checks, table-driven; findings are asserted by
 * their exact text. */
#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"
#include "verify/verify.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOC "s3://lake/dynamodb-changes/"

/* A source stream record's text: event, key number, sequence number. */
static void stream_text(char *text, size_t len, const char *event, int key,
                        const char *seq, bool is_ttl)
{
    snprintf(text, len,
             "{\"eventID\":\"e%s\",\"eventName\":\"%s\",\"dynamodb\":{"
             "\"Keys\":{\"pk\":{\"S\":\"u#%d\"}},\"SequenceNumber\":\"%s\"}%s}",
             seq, event, key, seq,
             is_ttl ? ",\"userIdentity\":{\"type\":\"Service\","
                      "\"principalId\":\"dynamodb.amazonaws.com\"}" : "");
}

static cJSON *stream_record(const char *event, int key, const char *seq,
                            bool is_ttl)
{
    char text[512];
    stream_text(text, sizeof text, event, key, seq, is_ttl);
    return json_parse(text, strlen(text));
}

/* Adds a source change as a tree (the record parsed) or as text (the
 * record scanned, as the runner reads GetRecords pages). */
static void add_change(struct verify_changes *changes, bool is_text,
                       const char *event, int key, const char *seq,
                       bool is_ttl)
{
    if (is_text) {
        char text[512];
        stream_text(text, sizeof text, event, key, seq, is_ttl);
        assert_int_equal(verify_changes_add_text(changes, text,
                                                 strlen(text)), 0);
        return;
    }
    cJSON *r = stream_record(event, key, seq, is_ttl);
    assert_int_equal(verify_changes_add(changes, r), 0);
    cJSON_Delete(r);
}

/* A landed line in the change layout. */
static void landed(struct buf *b, const char *event, int key,
                   const char *seq)
{
    buf_printf(b, "{\"event_id\":\"e%s\",\"event_name\":\"%s\","
               "\"event_time_ms\":1,\"sequence_number\":\"%s\",\"table\":"
               "\"users\",\"keys\":{\"pk\":{\"S\":\"u#%d\"}}", seq, event,
               seq, key);
    if (strcmp(event, "REMOVE") != 0)
        buf_printf(b, ",\"new_image\":{\"pk\":{\"S\":\"u#%d\"}}", key);
    buf_puts(b, "}\n");
}

struct change {
    const char *event;
    int key;
    const char *seq;
    bool is_ttl;
};

struct landing_case {
    const char *name;
    struct change source[6];
    const char *objects[3];   /* "E:K:SEQ;E:K:SEQ" lists, one per object */
    bool is_retry_expected;
    const char *findings[4];  /* "check/kind: message" */
    size_t duplicates;
};

static const struct landing_case landing_cases[] = {
    { "everything landed in order",
      { { "INSERT", 1, "100", false }, { "MODIFY", 1, "200", false }, { "REMOVE", 2, "300", false } },
      { "INSERT:1:100;MODIFY:1:200", "REMOVE:2:300" }, false, { NULL }, 0 },
    { "a lost delete is named with its key, sequence and prefix",
      { { "INSERT", 17, "100", false }, { "REMOVE", 17, "300", false } },
      { "INSERT:17:100" }, false,
      { "delivery/lost_change: delete of key {pk: u#17} at sequence 300 "
        "never reached " LOC }, 0 },
    { "a lost TTL delete says so",
      { { "INSERT", 4, "100", false }, { "REMOVE", 4, "900", true } },
      { "INSERT:4:100" }, false,
      { "delivery/lost_change: TTL delete of key {pk: u#4} at sequence 900 "
        "never reached " LOC }, 0 },
    { "a duplicate without retries is a finding",
      { { "INSERT", 1, "100", false } },
      { "INSERT:1:100", "INSERT:1:100" }, false,
      { "delivery/duplicate: INSERT of key {pk: u#1} at sequence 100 landed "
        "twice (again in " LOC "o1 line 1) and no retry explains it" }, 1 },
    { "a duplicate after retries is only counted",
      { { "INSERT", 1, "100", false } },
      { "INSERT:1:100", "INSERT:1:100" }, true, { NULL }, 1 },
    { "a later change landing first is out of order",
      { { "INSERT", 1, "100", false }, { "MODIFY", 1, "200", false } },
      { "MODIFY:1:200", "INSERT:1:100" }, false,
      { "delivery/out_of_order: key {pk: u#1}: sequence 100 (" LOC "o1 line "
        "1) landed after sequence 200" }, 0 },
    { "a record the source never made",
      { { "INSERT", 1, "100", false } },
      { "INSERT:1:100;INSERT:9:555" }, false,
      { "delivery/unknown_change: " LOC "o0 line 2 holds INSERT of key "
        "{pk: u#9} at sequence 555, which the source stream never recorded" },
      0 },
    { "a record landed under the wrong event",
      { { "REMOVE", 1, "100", false } },
      { "MODIFY:1:100" }, false,
      { "landing/wrong_record: sequence 100 landed in " LOC "o0 line 1 as "
        "MODIFY of key {pk: u#1}, but the source recorded REMOVE of key "
        "{pk: u#1}" }, 0 },
    { "a line that is not a record",
      { { "INSERT", 1, "100", false } },
      { "INSERT:1:100;garbage" }, false,
      { "landing/bad_record: object " LOC "o0 line 2 is not a change record: "
        "not a JSON object" }, 0 },
};

/* Builds object bodies from "E:K:SEQ;..." ("garbage" stays as is). */
static void build_body(struct buf *b, const char *spec)
{
    char copy[256];
    snprintf(copy, sizeof copy, "%s", spec);
    for (char *save = NULL, *tok = strtok_r(copy, ";", &save); tok;
         tok = strtok_r(NULL, ";", &save)) {
        char event[16], seq[32];
        int key;
        if (sscanf(tok, "%15[A-Z]:%d:%31s", event, &key, seq) == 3)
            landed(b, event, key, seq);
        else
            buf_printf(b, "%s\n", tok);
    }
}

static void landing_checks_should_find_what_went_wrong(void **state)
{
    (void)state;
    for (size_t c = 0; c < 2 * sizeof landing_cases / sizeof *landing_cases;
         c++) {
        bool is_text = c % 2;
        const struct landing_case *tc = &landing_cases[c / 2];
        struct verify_changes changes;
        verify_changes_init(&changes);
        for (size_t i = 0; i < 6 && tc->source[i].event; i++)
            add_change(&changes, is_text, tc->source[i].event,
                       tc->source[i].key, tc->source[i].seq,
                       tc->source[i].is_ttl);
        struct findings f;
        struct verify_stats st = { 0 };
        findings_init(&f);
        /* Each object is parsed and dropped before the next is built, as
         * the runner reads them. */
        struct verify_landed *landed = verify_landed_new();
        for (size_t n = 0; n < 3 && tc->objects[n]; n++) {
            struct buf body;
            char name[8];
            buf_init(&body, 0);
            build_body(&body, tc->objects[n]);
            snprintf(name, sizeof name, "o%zu", n);
            struct verify_object obj = { name, buf_cstr(&body), body.len };
            verify_landed_add(landed, LOC, &obj, &f, &st);
            buf_clear(&body);
        }
        struct verify_landing in = { LOC, &changes, landed,
                                     tc->is_retry_expected };
        verify_landing(&in, &f, &st);
        size_t want = 0;
        while (want < 4 && tc->findings[want])
            want++;
        for (size_t i = 0; i < f.n || i < want; i++) {
            char got[512] = "(none)";
            if (i < f.n)
                snprintf(got, sizeof got, "%s/%s: %s", f.v[i].check,
                         f.v[i].kind, f.v[i].message);
            const char *w = i < want ? tc->findings[i] : "(none)";
            if (strcmp(got, w) != 0)
                fail_msg("%s: finding %zu\n   got  %s\n   want %s", tc->name,
                         i, got, w);
        }
        assert_int_equal(st.duplicates, tc->duplicates);
        findings_clear(&f);
        verify_landed_free(landed);
        verify_changes_clear(&changes);
    }
}

/* Records whose change the scanner reads, and one it leaves to the tree
 * (an escaped slash); either way the change is the same. */
static const char *const change_records[] = {
    "{\"eventID\":\"e\",\"eventName\":\"MODIFY\",\"dynamodb\":{\"Keys\":{"
    "\"sk\":{\"N\":\"7\"},\"pk\":{\"S\":\"a\\\"b\\n\\u0001\"}},"
    "\"SequenceNumber\":\"100\"}}",
    "{\"eventID\":\"e\",\"eventName\":\"REMOVE\",\"userIdentity\":{"
    "\"PrincipalId\":\"dynamodb.amazonaws.com\"},\"dynamodb\":{\"Keys\":{"
    "\"pk\":{\"S\":\"x\"}},\"SequenceNumber\":\"200\"}}",
    "{\"eventID\":\"e\",\"eventName\":\"REMOVE\",\"userIdentity\":{"
    "\"PrincipalId\":7,\"principalId\":\"dynamodb.amazonaws.com\"},"
    "\"dynamodb\":{\"Keys\":{\"pk\":{\"N\":\"3\"}},\"SequenceNumber\":"
    "\"300\"}}",
    "{\"eventID\":\"e\",\"eventName\":\"INSERT\",\"dynamodb\":{\"Keys\":{"
    "\"pk\":{\"S\":\"a\\/b\"}},\"SequenceNumber\":\"400\"}}",
};

static void scanned_changes_should_equal_parsed_ones(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof change_records / sizeof *change_records;
         i++) {
        const char *text = change_records[i];
        struct verify_changes a, b;
        verify_changes_init(&a);
        verify_changes_init(&b);
        cJSON *doc = json_parse(text, strlen(text));
        assert_int_equal(verify_changes_add(&a, doc), 0);
        assert_int_equal(verify_changes_add_text(&b, text, strlen(text)), 0);
        assert_string_equal(a.v[0].key, b.v[0].key);
        assert_string_equal(a.v[0].label, b.v[0].label);
        assert_string_equal(a.v[0].event_name, b.v[0].event_name);
        assert_string_equal(a.v[0].sequence_number, b.v[0].sequence_number);
        assert_int_equal(a.v[0].is_ttl, b.v[0].is_ttl);
        assert_int_equal(a.v[0].is_ttl, i == 1 || i == 2);
        cJSON_Delete(doc);
        verify_changes_clear(&a);
        verify_changes_clear(&b);
    }
}

struct lake_case {
    const char *name;
    const char *source;
    const char *lake;
    const char *findings[3];
};

#define ROW(k, rest) "{\"pk\":{\"S\":\"u#" #k "\"}" rest "}"

static const struct lake_case lake_cases[] = {
    { "equal tables", "[" ROW(1, ",\"n\":{\"N\":\"1.50\"}") "]",
      "[" ROW(1, ",\"n\":{\"N\":\"1.5\"}") "]", { NULL } },
    { "sets equal in any order",
      "[" ROW(1, ",\"s\":{\"SS\":[\"a\",\"b\"]},\"ns\":{\"NS\":[\"1\","
                 "\"20\"]}") "]",
      "[" ROW(1, ",\"s\":{\"SS\":[\"b\",\"a\"]},\"ns\":{\"NS\":[\"20\","
                 "\"1.0\"]}") "]", { NULL } },
    { "a missing row", "[" ROW(1, "") "," ROW(2, "") "]", "[" ROW(1, "") "]",
      { "lake/missing_row: key {pk: u#2} is in the source table but not in "
        "the lake" } },
    { "an extra row", "[" ROW(1, "") "]", "[" ROW(1, "") "," ROW(3, "") "]",
      { "lake/extra_row: key {pk: u#3} is in the lake but not in the source "
        "table" } },
    { "a value that differs inside a map",
      "[" ROW(1, ",\"m\":{\"M\":{\"a\":{\"L\":[{\"N\":\"1\"}]}}}") "]",
      "[" ROW(1, ",\"m\":{\"M\":{\"a\":{\"L\":[{\"S\":\"1\"}]}}}") "]",
      { "lake/attribute_differs: key {pk: u#1} attribute m: the source "
        "table has {\"M\":{\"a\":{\"L\":[{\"N\":\"1\"}]}}}, the lake has "
        "{\"M\":{\"a\":{\"L\":[{\"S\":\"1\"}]}}}" } },
    { "an attribute only the lake has", "[" ROW(1, "") "]",
      "[" ROW(1, ",\"x\":{\"BOOL\":true}") "]",
      { "lake/attribute_differs: key {pk: u#1} attribute x: the source "
        "table has nothing, the lake has {\"BOOL\":true}" } },
};

static void lake_checks_should_list_differences_by_key(void **state)
{
    (void)state;
    static const char *const keys[] = { "pk" };
    for (size_t c = 0; c < sizeof lake_cases / sizeof *lake_cases; c++) {
        const struct lake_case *tc = &lake_cases[c];
        cJSON *s = json_parse(tc->source, strlen(tc->source));
        cJSON *l = json_parse(tc->lake, strlen(tc->lake));
        assert_non_null(s);
        assert_non_null(l);
        struct findings f;
        struct verify_stats st = { 0 };
        findings_init(&f);
        verify_lake(s, l, keys, 1, "the lake", &f, &st);
        size_t want = 0;
        while (want < 3 && tc->findings[want])
            want++;
        for (size_t i = 0; i < f.n || i < want; i++) {
            char got[512] = "(none)";
            if (i < f.n)
                snprintf(got, sizeof got, "%s/%s: %s", f.v[i].check,
                         f.v[i].kind, f.v[i].message);
            const char *w = i < want ? tc->findings[i] : "(none)";
            if (strcmp(got, w) != 0)
                fail_msg("%s: finding %zu\n   got  %s\n   want %s", tc->name,
                         i, got, w);
        }
        findings_clear(&f);
        cJSON_Delete(s);
        cJSON_Delete(l);
    }
}

/* ---- polled landings and exports ---------------------------------------- */

#define POLLED "s3://lake/polled/"

struct polled_case {
    const char *name;
    const char *lines;       /* one object: "KEY:SEQ:N;..." (N: attribute n,
                                "-" for a REMOVE) */
    const char *table;       /* the table's items */
    const char *findings[3]; /* "check/kind: message" */
    struct change source[6]; /* the stream, when the table has one */
};

static void polled_body(struct buf *b, const char *spec)
{
    int key, n;
    char seq[32];
    for (const char *p = spec; p && *p; p = strchr(p, ';') ? strchr(p, ';')
                                                          + 1 : NULL) {
        bool is_remove = sscanf(p, "%d:%31[0-9]:%d", &key, seq, &n) != 3;
        if (is_remove)
            sscanf(p, "%d:%31[0-9]", &key, seq);
        buf_printf(b, "{\"event_id\":\"p%s\",\"event_name\":\"%s\","
                   "\"sequence_number\":\"%s\",\"table\":\"users\","
                   "\"keys\":{\"pk\":{\"S\":\"u#%d\"}}", seq,
                   is_remove ? "REMOVE" : "MODIFY", seq, key);
        if (!is_remove)
            buf_printf(b, ",\"new_image\":{\"pk\":{\"S\":\"u#%d\"},"
                       "\"n\":{\"N\":\"%d\"}}", key, n);
        buf_puts(b, "}\n");
    }
}

static const struct polled_case polled_cases[] = {
    { "the newest version of each key is the table's",
      "1:100:1;1:101:2;2:100:7",
      "[" ROW(1, ",\"n\":{\"N\":\"2\"}") "," ROW(2, ",\"n\":{\"N\":\"7\"}")
      "]", { NULL }, { { NULL } } },
    { "a key deleted after the scan saw it", "1:100:1;2:100:7",
      "[" ROW(1, ",\"n\":{\"N\":\"1\"}") "]",
      { "delivery/unseen_delete: delete of key {pk: u#2} never reached "
        POLLED " (the key last landed in o line 2): a Scan cannot see "
        "deletes" }, { { NULL } } },
    { "an item the poller never saw", "1:100:1",
      "[" ROW(1, ",\"n\":{\"N\":\"1\"}") "," ROW(3, "") "]",
      { "delivery/lost_item: item {pk: u#3} is in the table but never "
        "reached " POLLED }, { { NULL } } },
    { "an update the poller missed", "1:100:1",
      "[" ROW(1, ",\"n\":{\"N\":\"2\"}") "]",
      { "delivery/stale_item: item {pk: u#1}: the newest version in "
        POLLED " (" POLLED "o line 1, sequence 100) is not the table's" },
      { { NULL } } },
    { "a delete that did land", "1:100:1;1:101", "[]", { NULL },
      { { NULL } } },
    { "an unseen delete names the key's last delete in the stream",
      "1:100:1;2:110:7;4:120:3", "[" ROW(1, ",\"n\":{\"N\":\"1\"}") "]",
      { "delivery/unseen_delete: delete of key {pk: u#2} (TTL) at sequence "
        "170 never reached " POLLED " (the key last landed in o line 2): a "
        "Scan cannot see deletes",
        "delivery/unseen_delete: delete of key {pk: u#4} never reached "
        POLLED " (the key last landed in o line 3): a Scan cannot see "
        "deletes" },
      { { "REMOVE", 1, "90", false }, { "REMOVE", 2, "150", false },
        { "INSERT", 2, "160", false }, { "REMOVE", 2, "170", true },
        { "REMOVE", 3, "180", false }, { "INSERT", 4, "120", false } } },
};

static void polled_landings_should_be_judged_by_their_state(void **state)
{
    (void)state;
    static const char *const keys[] = { "pk" };
    for (size_t c = 0; c < sizeof polled_cases / sizeof *polled_cases; c++) {
        const struct polled_case *tc = &polled_cases[c];
        struct buf body;
        buf_init(&body, 0);
        polled_body(&body, tc->lines);
        cJSON *table = json_parse(tc->table, strlen(tc->table));
        assert_non_null(table);
        struct verify_changes changes;
        verify_changes_init(&changes);
        for (size_t i = 0; i < 6 && tc->source[i].event; i++) {
            cJSON *r = stream_record(tc->source[i].event, tc->source[i].key,
                                     tc->source[i].seq, tc->source[i].is_ttl);
            assert_int_equal(verify_changes_add(&changes, r), 0);
            cJSON_Delete(r);
        }
        struct verify_object obj = { "o", body.data, body.len };
        struct verify_polled in = {
            .location = POLLED, .limit = "a Scan cannot see deletes",
            .source = table, .key_names = keys, .n_keys = 1,
            .changes = changes.n ? &changes : NULL,
            .objects = &obj, .n_objects = 1 };
        struct findings f;
        struct verify_stats st = { 0 };
        findings_init(&f);
        verify_polled_landing(&in, &f, &st);
        size_t want = 0;
        while (want < 3 && tc->findings[want])
            want++;
        for (size_t i = 0; i < f.n || i < want; i++) {
            char got[512] = "(none)";
            if (i < f.n)
                snprintf(got, sizeof got, "%s/%s: %s", f.v[i].check,
                         f.v[i].kind, f.v[i].message);
            const char *w = i < want ? tc->findings[i] : "(none)";
            if (strcmp(got, w) != 0)
                fail_msg("%s: finding %zu\n   got  %s\n   want %s", tc->name,
                         i, got, w);
        }
        findings_clear(&f);
        verify_changes_clear(&changes);
        cJSON_Delete(table);
        buf_clear(&body);
    }
}

static void export_items_should_come_from_item_lines(void **state)
{
    (void)state;
    static const char good[] = "{\"Item\":" ROW(1, "") "}\n\n"
                               "{\"Item\":" ROW(2, "") "}";
    static const char bad[] = "{\"Item\":" ROW(1, "") "}\n" ROW(2, "") "\n";
    char err[128] = "";
    cJSON *items = cJSON_CreateArray();
    assert_int_equal(verify_export_items(good, strlen(good), items, err,
                                         sizeof err), 2);
    assert_int_equal(cJSON_GetArraySize(items), 2);
    assert_int_equal(verify_export_items(bad, strlen(bad), items, err,
                                         sizeof err), -1);
    assert_string_equal(err, "line 2: not an {\"Item\": {...}} object");
    cJSON_Delete(items);
}

int main(void)
{
    mem_install_cjson_hooks();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(landing_checks_should_find_what_went_wrong),
        cmocka_unit_test(scanned_changes_should_equal_parsed_ones),
        cmocka_unit_test(lake_checks_should_list_differences_by_key),
        cmocka_unit_test(polled_landings_should_be_judged_by_their_state),
        cmocka_unit_test(export_items_should_come_from_item_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
