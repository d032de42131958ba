/* Unit tests for stream records in the store: each stream's records come
 * back in sequence order and only its own, whatever range is asked; a
 * stream reads past its newest record; and a database written with the
 * older stream_records table has its records moved into stream_log when
 * it is opened. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "store/store.h"
#include "store/store_streams.h"
#include "store_files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SEEN 16

struct seen {
    int64_t seq[MAX_SEEN];
    int64_t created_ms[MAX_SEEN];
    char text[MAX_SEEN][32];
    size_t n;
};

static bool collect(int64_t seq, int64_t created_ms, const char *text,
                    size_t len, void *arg)
{
    struct seen *s = arg;
    assert_true(s->n < MAX_SEEN);
    s->seq[s->n] = seq;
    s->created_ms[s->n] = created_ms;
    snprintf(s->text[s->n], sizeof s->text[0], "%.*s", (int)len, text);
    s->n++;
    return true;
}

struct range {
    int64_t stream, first, last;
    struct seen seen;
};

static enum store_result read_range(struct store_tx *tx, void *arg)
{
    struct range *r = arg;
    r->seen.n = 0;
    return store_streams_records(tx, r->stream, r->first, r->last, collect,
                                 &r->seen);
}

static struct seen records_of(struct store *s, int64_t stream, int64_t first,
                              int64_t last)
{
    struct range r = { .stream = stream, .first = first, .last = last };
    assert_int_equal(store_read(s, read_range, &r), STORE_OK);
    return r.seen;
}

/* Stream 1 gets seq 1..4 (created at 10 * seq), stream 2 seq 1..2, and
 * stream 3 a record at the highest sequence number a stream holds. */
static enum store_result insert_some(struct store_tx *tx, void *arg)
{
    (void)arg;
    static const struct { int64_t stream, seq; const char *text; } rows[] = {
        { 2, 1, "b1" }, { 1, 1, "a1" }, { 1, 2, "a2" }, { 2, 2, "b2" },
        { 1, 3, "a3" }, { 1, 4, "a4" }, { 3, (INT64_C(1) << 40) - 1, "c" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        enum store_result res = store_streams_record_insert(
            tx, rows[i].stream, rows[i].seq, 1, rows[i].seq * 10,
            rows[i].text, strlen(rows[i].text));
        if (res != STORE_OK)
            return res;
    }
    return STORE_OK;
}

static enum store_result insert_past_the_end(struct store_tx *tx, void *arg)
{
    (void)arg;
    return store_streams_record_insert(tx, 3, INT64_C(1) << 40, 1, 0, "x", 1);
}

static void records_should_stay_in_their_stream_in_order(void **state)
{
    (void)state;
    struct store *s = store_open(NULL);
    assert_non_null(s);
    assert_int_equal(store_write(s, insert_some, NULL), STORE_OK);
    struct seen a = records_of(s, 1, -5, INT64_MAX);
    assert_int_equal(a.n, 4);
    for (size_t i = 0; i < a.n; i++) {
        char want[24];
        snprintf(want, sizeof want, "a%zu", i + 1);
        assert_int_equal(a.seq[i], (int64_t)i + 1);
        assert_int_equal(a.created_ms[i], 10 * ((int64_t)i + 1));
        assert_string_equal(a.text[i], want);
    }
    struct seen mid = records_of(s, 1, 2, 3);
    assert_int_equal(mid.n, 2);
    assert_int_equal(mid.seq[0], 2);
    assert_int_equal(mid.seq[1], 3);
    assert_int_equal(records_of(s, 2, 0, INT64_MAX).n, 2);
    assert_int_equal(records_of(s, 1, 3, 2).n, 0);
    assert_int_equal(records_of(s, 4, 0, INT64_MAX).n, 0);
    struct seen c = records_of(s, 3, 0, INT64_MAX);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.seq[0], (INT64_C(1) << 40) - 1);
    assert_int_equal(store_write(s, insert_past_the_end, NULL), STORE_ERROR);
    store_close(s);
}

struct first_query {
    int64_t seq, created_ms, live_seq;
    enum store_result first, live;
};

static enum store_result find_firsts(struct store_tx *tx, void *arg)
{
    struct first_query *q = arg;
    q->first = store_streams_first_record(tx, 1, 2, INT64_MAX, &q->seq,
                                          &q->created_ms);
    q->live = store_streams_first_live(tx, 1, 0, 100, 35, &q->live_seq);
    return STORE_OK;
}

static void first_record_and_first_live_should_respect_the_range(
    void **state)
{
    (void)state;
    struct store *s = store_open(NULL);
    assert_non_null(s);
    assert_int_equal(store_write(s, insert_some, NULL), STORE_OK);
    struct first_query q = { 0 };
    assert_int_equal(store_read(s, find_firsts, &q), STORE_OK);
    assert_int_equal(q.first, STORE_OK);
    assert_int_equal(q.seq, 2);
    assert_int_equal(q.created_ms, 20);
    assert_int_equal(q.live, STORE_OK);
    assert_int_equal(q.live_seq, 4);
    store_close(s);
}

struct appended {
    struct store_stream s;
    struct store_stream listed;
    size_t n_listed;
};

static enum store_result create_and_append(struct store_tx *tx, void *arg)
{
    struct appended *a = arg;
    struct store_stream s = { .tbl = 7, .next_seq = 1, .last_ms = 5 };
    strcpy(s.table_name, "t");
    strcpy(s.arn, "arn:t");
    enum store_result res = store_streams_insert(tx, &s);
    for (int64_t seq = 1; res == STORE_OK && seq <= 3; seq++)
        res = store_streams_record_insert(tx, s.id, seq, 1, 10 * seq, "r", 1);
    a->s = s;
    return res;
}

static bool keep_listed(const struct store_stream *s, void *arg)
{
    struct appended *a = arg;
    a->listed = *s;
    a->n_listed++;
    return true;
}

static enum store_result find_appended(struct store_tx *tx, void *arg)
{
    struct appended *a = arg;
    struct store_streams_query q = { .limit = 10 };
    enum store_result res = store_streams_find(tx, a->s.id, &a->s);
    return res == STORE_OK ? store_streams_each(tx, &q, keep_listed, a)
                           : res;
}

/* Appends write a record and leave the stream's row alone; whoever reads
 * the stream sees it past its newest record. */
static void streams_should_read_past_their_newest_record(void **state)
{
    (void)state;
    struct store *s = store_open(NULL);
    assert_non_null(s);
    struct appended a = { 0 };
    assert_int_equal(store_write(s, create_and_append, &a), STORE_OK);
    assert_int_equal(store_read(s, find_appended, &a), STORE_OK);
    assert_int_equal(a.s.next_seq, 4);
    assert_int_equal(a.s.last_ms, 30);
    assert_int_equal(a.n_listed, 1);
    assert_int_equal(a.listed.next_seq, 4);
    assert_int_equal(a.listed.last_ms, 30);
    store_close(s);
}

/* A stream for table 7 with its open shard; next_seq 1. */
static enum store_result create_stream(struct store_tx *tx, void *arg)
{
    (void)arg;
    struct store_stream s = { .tbl = 7, .next_seq = 1, .last_ms = 5 };
    strcpy(s.table_name, "t");
    strcpy(s.arn, "arn:t");
    enum store_result res = store_streams_insert(tx, &s);
    struct store_shard sh = { .stream = s.id, .idx = 1, .start_seq = 1,
                              .end_seq = -1, .created_ms = 5 };
    strcpy(sh.shard_id, "shardId-1");
    return res == STORE_OK ? store_streams_shard_insert(tx, &sh) : res;
}

struct append {
    enum store_result outcome; /* what the transaction returns */
    struct store_stream s;     /* as found before appending */
};

/* Appends one record the way streams_log_append does, then ends with
 * a->outcome. */
static enum store_result append_one(struct store_tx *tx, void *arg)
{
    struct append *a = arg;
    struct store_shard sh;
    enum store_result res = store_streams_find_open(tx, 7, &a->s, &sh);
    if (res == STORE_OK)
        res = store_streams_record_insert(tx, a->s.id, a->s.next_seq, sh.idx,
                                          a->s.next_seq * 100, "r", 1);
    return res == STORE_OK ? a->outcome : res;
}

static enum store_result close_and_move_on(struct store_tx *tx, void *arg)
{
    struct append *a = arg;
    struct store_shard sh;
    enum store_result res = store_streams_find_open(tx, 7, &a->s, &sh);
    a->s.next_seq += 10;
    return res == STORE_OK ? store_streams_update(tx, &a->s) : res;
}

/* Appends learn the stream's next sequence number from what they wrote;
 * a rolled back append, or any other write of the stream, is forgotten. */
static void appends_should_see_only_what_committed(void **state)
{
    (void)state;
    struct store *s = store_open(NULL);
    assert_non_null(s);
    assert_int_equal(store_write(s, create_stream, NULL), STORE_OK);
    struct append a = { .outcome = STORE_OK };
    assert_int_equal(store_write(s, append_one, &a), STORE_OK);
    assert_int_equal(a.s.next_seq, 1);
    assert_int_equal(store_write(s, append_one, &a), STORE_OK);
    assert_int_equal(a.s.next_seq, 2);
    a.outcome = STORE_ABORT;
    assert_int_equal(store_write(s, append_one, &a), STORE_ABORT);
    assert_int_equal(a.s.next_seq, 3);
    a.outcome = STORE_OK;
    assert_int_equal(store_write(s, append_one, &a), STORE_OK);
    assert_int_equal(a.s.next_seq, 3);
    assert_int_equal(a.s.last_ms, 200);
    assert_int_equal(store_write(s, close_and_move_on, &a), STORE_OK);
    assert_int_equal(store_write(s, append_one, &a), STORE_OK);
    assert_int_equal(a.s.next_seq, 14);
    assert_int_equal(records_of(s, a.s.id, 0, INT64_MAX).n, 4);
    store_close(s);
}

static void open_should_move_records_of_the_older_layout(void **state)
{
    (void)state;
    struct store_file f;
    store_file_create(&f,
        "CREATE TABLE stream_records(stream INTEGER NOT NULL,"
        " seq INTEGER NOT NULL, shard INTEGER NOT NULL,"
        " created_ms INTEGER NOT NULL, record TEXT NOT NULL,"
        " PRIMARY KEY(stream, seq)) WITHOUT ROWID;"
        "INSERT INTO stream_records VALUES(1, 1, 1, 10, 'a1'),"
        " (1, 2, 1, 20, 'a2'), (2, 1, 1, 30, 'b1');");

    struct store *s = store_open(f.dir);
    assert_non_null(s);
    struct seen a = records_of(s, 1, 0, INT64_MAX);
    assert_int_equal(a.n, 2);
    assert_string_equal(a.text[0], "a1");
    assert_string_equal(a.text[1], "a2");
    assert_int_equal(a.created_ms[1], 20);
    struct seen b = records_of(s, 2, 0, INT64_MAX);
    assert_int_equal(b.n, 1);
    assert_string_equal(b.text[0], "b1");
    store_close(s);

    assert_int_equal(store_file_count(&f, "SELECT count(*) FROM sqlite_master"
                                      " WHERE name = 'stream_records'"), 0);
    store_file_remove(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(records_should_stay_in_their_stream_in_order),
        cmocka_unit_test(first_record_and_first_live_should_respect_the_range),
        cmocka_unit_test(open_should_move_records_of_the_older_layout),
        cmocka_unit_test(streams_should_read_past_their_newest_record),
        cmocka_unit_test(appends_should_see_only_what_committed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
