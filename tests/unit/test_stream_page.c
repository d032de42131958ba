/* stream_page: a GetRecords answer read as text gives the records and the
 * next iterator that the parsed answer gives, scanned when it is compact
 * and through cJSON when it is not; an answer that is not JSON fails. */
#include "base/buf.h"
#include "base/mem.h"
#include "sync/stream_page.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REC(seq)                                                             \
    "{\"eventID\":\"e" seq "\",\"eventName\":\"INSERT\",\"dynamodb\":{"     \
    "\"Keys\":{\"pk\":{\"S\":\"a\"}},\"NewImage\":{\"pk\":{\"S\":\"a\"}},"  \
    "\"SequenceNumber\":\"" seq "\"}}"

static const struct {
    const char *name;
    const char *answer;
    int rc;
    size_t n;
    size_t n_scanned;
    const char *next;
    const char *first; /* the first record's text */
} cases[] = {
    { "compact", "{\"Records\":[" REC("1") "," REC("2") "],"
      "\"NextShardIterator\":\"arn|1|AQ==\"}", 0, 2, 2, "arn|1|AQ==",
      REC("1") },
    { "with whitespace: parsed, printed, then scanned",
      "{ \"Records\": [ " REC("1") " ], \"NextShardIterator\": \"i\" }", 0,
      1, 1, "i", REC("1") },
    { "a closed shard's end", "{\"Records\":[]}", 0, 0, 0, NULL, NULL },
    { "an iterator that is not a string counts as none",
      "{\"Records\":[],\"NextShardIterator\":5}", 0, 0, 0, NULL, NULL },
    { "no Records", "{\"NextShardIterator\":\"i\"}", 0, 0, 0, "i", NULL },
    { "a record that is not an object is kept for the tree reader",
      "{\"Records\":[7," REC("3") "]}", 0, 2, 1, NULL, "7" },
    { "the first of repeated members",
      "{\"Records\":[" REC("4") "],\"Records\":[],\"NextShardIterator\":"
      "\"a\",\"NextShardIterator\":\"b\"}", 0, 1, 1, "a", REC("4") },
    { "not JSON", "{\"Records\":[", -1, 0, 0, NULL, NULL },
};

static void pages_should_read_as_the_parsed_answer(void **state)
{
    (void)state;
    struct stream_page p;
    stream_page_init(&p);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        buf_reset(&p.text);
        buf_puts(&p.text, cases[i].answer);
        int rc = stream_page_index(&p);
        if (rc != cases[i].rc)
            fail_msg("%s: rc %d", cases[i].name, rc);
        if (rc < 0)
            continue;
        size_t scanned = 0;
        for (size_t r = 0; r < p.n; r++)
            scanned += p.records[r].is_scanned;
        if (p.n != cases[i].n || scanned != cases[i].n_scanned)
            fail_msg("%s: %zu records, %zu scanned", cases[i].name, p.n,
                     scanned);
        if (cases[i].next)
            assert_string_equal(p.next_iterator, cases[i].next);
        else
            assert_null(p.next_iterator);
        if (cases[i].first) {
            assert_int_equal(p.records[0].text.len, strlen(cases[i].first));
            assert_memory_equal(p.records[0].text.p, cases[i].first,
                                p.records[0].text.len);
        }
    }
    stream_page_clear(&p);
}

int main(void)
{
    mem_install_cjson_hooks();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pages_should_read_as_the_parsed_answer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
