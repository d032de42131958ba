/* The shipper: stream records to JSON-lines objects in S3; see ship.h.
 * Poller state is one checkpoint document:
 *   {"version":1,"stream_arn":ARN,
 *    "shards":{ID:{"last":SEQ,"done":true|false}}}
 * "last" is the newest sequence number whose object is in S3; "done" marks
 * a closed shard read to its end. A shard is read only once its parent is
 * done, so per-key order survives shard rollover. Objects are written up
 * to SHIP_UPLOADS_MAX at a time (ship_upload.h); the checkpoint moves past
 * an object only once its PutObject and those of every object before it
 * succeeded, so it never runs ahead of S3 and never skips a failed
 * object. It is replaced without waiting for the disk (a killed shipper
 * resumes exactly after its last object in order, and writes again the
 * few that were in flight) and made durable every SHIP_SYNC_MS while
 * objects are written, when the shipper is caught up and when the run
 * ends (after a power cut it ships at most that much again:
 * at-least-once, into the same keys when the batches are the same). */
#include "sync/ship.h"

#include "aws/aws.h"
#include "aws/aws_s3.h"
#include "aws/aws_streams.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/mem.h"
#include "sync/checkpoint.h"
#include "sync/jsonl_scan.h"
#include "sync/ship_upload.h"
#include "sync/stream_page.h"
#include "sync/sync.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SHIP "ship"
#define SHIP_BUCKET_MAX 64
#define SHIP_PREFIX_MAX 1024
#define SHIP_TABLE_MAX 256
/* Longest stretch of shipped objects that a power cut can make the shipper
 * write again; every fsync costs milliseconds on a disk. */
#define SHIP_SYNC_MS 1000

void ship_options_init(struct ship_options *o)
{
    memset(o, 0, sizeof *o);
    o->format = JSONL_FORMAT_DDB_JSON;
    o->layout = JSONL_LAYOUT_CHANGE;
    o->batch_size = SHIP_MAX_BATCH;
    o->poll_interval_ms = SHIP_DEFAULT_POLL_MS;
}

/* One run's state. */
struct shipper {
    const struct ship_options *o;
    struct sync_stats *stats;
    struct aws_client *client;    /* everything but GetRecords and the
                                     objects' PutObjects */
    struct aws_client *reader;    /* GetRecords, on the read-ahead thread */
    struct ship_uploads uploads;  /* the objects' PutObjects in flight */
    char bucket[SHIP_BUCKET_MAX];
    char prefix[SHIP_PREFIX_MAX]; /* "" or ending in '/' */
    char *arn;                    /* owned */
    cJSON *cp;                    /* owned checkpoint document */
    int64_t synced_ns;            /* when cp was last saved durably */
    bool is_synced;               /* the file on disk is durable */
    struct sync_progress progress;
    struct buf lines;             /* one object's lines, storage kept from
                                     page to page (a fresh buffer per page
                                     was regrown by doubling, and its
                                     pages faulted in, every time);
                                     exchanged with an upload slot's */
};

static bool is_stopped(const struct shipper *s)
{
    return s->o->stop && *s->o->stop;
}

static int parse_target(struct shipper *s)
{
    if (s->o->to == NULL ||
        aws_s3_url_parse(s->o->to, s->bucket, sizeof s->bucket, s->prefix,
                         sizeof s->prefix - 1) < 0) {
        fprintf(stderr, SHIP ": --to must be s3://BUCKET/PREFIX\n");
        return -1;
    }
    size_t n = strlen(s->prefix);
    if (n > 0 && s->prefix[n - 1] != '/')
        strcat(s->prefix, "/");
    return 0;
}

/* What an object's key is made of: its first record's time and sequence
 * number, and its last record's sequence number. */
struct batch_ends {
    int64_t first_time_ms;
    char first_seq[JSONL_SEQ_MAX + 1];
    char last_seq[JSONL_SEQ_MAX + 1];
    size_t n; /* records in the batch */
};

static void note_record(struct batch_ends *e, const char *seq,
                        int64_t time_ms)
{
    if (e->n++ == 0) {
        e->first_time_ms = time_ms;
        snprintf(e->first_seq, sizeof e->first_seq, "%s", seq);
    }
    snprintf(e->last_seq, sizeof e->last_seq, "%s", seq);
}

/* The object key of a batch; see ship.h. */
static void object_key(const struct shipper *s, const char *table,
                       const char *shard, const struct batch_ends *e,
                       struct buf *out)
{
    time_t secs = (time_t)(e->first_time_ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    buf_printf(out, "%stable=%s/dt=%04d-%02d-%02d/%s-%s-%s.jsonl", s->prefix,
               table, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, shard,
               e->first_seq, e->last_seq);
}

static int put_lines(struct shipper *s, const char *key,
                     const struct buf *lines)
{
    uint64_t before = aws_client_retries(s->client);
    int rc = aws_s3_put_object(s->client, s->bucket, key, lines->data,
                               lines->len, "application/x-ndjson");
    s->stats->retried += aws_client_retries(s->client) - before;
    if (rc < 0)
        sync_report_error(SHIP, "PutObject", s->client);
    return rc;
}

/* ---- Checkpoint --------------------------------------------------------- */

static cJSON *shard_state(struct shipper *s, const char *shard)
{
    cJSON *shards = cJSON_GetObjectItemCaseSensitive(s->cp, "shards");
    if (!cJSON_IsObject(shards)) {
        cJSON_DeleteItemFromObjectCaseSensitive(s->cp, "shards");
        shards = cJSON_AddObjectToObject(s->cp, "shards");
    }
    cJSON *st = cJSON_GetObjectItemCaseSensitive(shards, shard);
    if (!cJSON_IsObject(st)) {
        cJSON_DeleteItemFromObjectCaseSensitive(shards, shard);
        st = cJSON_AddObjectToObject(shards, shard);
    }
    return st;
}

static void set_member(cJSON *obj, const char *name, cJSON *value)
{
    if (cJSON_GetObjectItemCaseSensitive(obj, name))
        cJSON_ReplaceItemInObjectCaseSensitive(obj, name, value);
    else
        cJSON_AddItemToObject(obj, name, value);
}

/* Moves the checkpoint file to s->cp: durably when is_final or when the
 * last durable save is SHIP_SYNC_MS old (see the top of the file). */
static int save_checkpoint(struct shipper *s, bool is_final)
{
    char err[512];
    if (s->o->checkpoint == NULL)
        return 0;
    int64_t now = clock_monotonic_ns();
    bool is_durable = is_final ||
                      now - s->synced_ns >= (int64_t)SHIP_SYNC_MS * 1000000;
    int rc = is_durable
                 ? checkpoint_save(s->o->checkpoint, s->cp, err, sizeof err)
                 : checkpoint_replace(s->o->checkpoint, s->cp, err,
                                      sizeof err);
    if (rc < 0) {
        fprintf(stderr, SHIP ": checkpoint: %s\n", err);
        return -1;
    }
    if (is_durable)
        s->synced_ns = now;
    s->is_synced = is_durable;
    return 0;
}

static int load_checkpoint(struct shipper *s)
{
    char err[512];
    if (s->o->checkpoint == NULL) {
        s->cp = cJSON_CreateObject();
    } else if (checkpoint_load(s->o->checkpoint, &s->cp, err,
                               sizeof err) < 0) {
        fprintf(stderr, SHIP ": %s\n", err);
        return -1;
    }
    const char *arn = json_get_string(s->cp, "stream_arn");
    if (arn && strcmp(arn, s->arn) != 0) {
        /* The table's stream was replaced (disabled and enabled again):
         * the old positions mean nothing in the new stream. */
        fprintf(stderr, SHIP ": checkpoint was for %s; starting %s from "
                "the beginning\n", arn, s->arn);
        cJSON_DeleteItemFromObjectCaseSensitive(s->cp, "shards");
    }
    set_member(s->cp, "version", cJSON_CreateNumber(1));
    set_member(s->cp, "stream_arn", cJSON_CreateString(s->arn));
    return 0;
}

/* ---- Writing objects in order ------------------------------------------ */

/* Takes the oldest upload out of the window. Once it, and every object
 * started before it, is in S3, its records count as written and the
 * shard's checkpoint moves past it. *rc carries the first failure: an
 * upload that finishes behind one is dropped, counted as if never made
 * but for its retries (they were made), and the checkpoint stays put, so
 * the next run reads its records again. */
static void finish_upload(struct shipper *s, const char *shard, int *rc)
{
    struct ship_upload *u = ship_uploads_finish(&s->uploads);
    s->stats->retried += u->retries;
    if (*rc < 0)
        return;
    s->stats->read += u->n;
    if (u->rc < 0) {
        sync_report_error(SHIP, "PutObject", u->client);
        *rc = -1;
        return;
    }
    s->stats->written += u->n;
    s->stats->objects++;
    set_member(shard_state(s, shard), "last",
               cJSON_CreateString(u->last_seq));
    *rc = save_checkpoint(s, false);
}

/* Finishes every upload in flight, in order; returns rc, or the first
 * failure when rc was 0. */
static int drain(struct shipper *s, const char *shard, int rc)
{
    while (!ship_uploads_is_empty(&s->uploads))
        finish_upload(s, shard, &rc);
    return rc;
}

/* Starts writing the object held in s->lines, once the window has room;
 * s->lines gets the slot's old storage in exchange. -1 when an upload
 * finished to make room failed. */
static int start_upload(struct shipper *s, const char *table,
                        const char *shard, const struct batch_ends *ends)
{
    int rc = 0;
    if (ship_uploads_is_full(&s->uploads))
        finish_upload(s, shard, &rc);
    if (rc < 0)
        return drain(s, shard, rc);
    struct ship_upload *u = ship_uploads_next(&s->uploads);
    struct buf spare = u->lines;
    u->lines = s->lines;
    s->lines = spare;
    buf_reset(&u->key);
    object_key(s, table, shard, ends, &u->key);
    snprintf(u->last_seq, sizeof u->last_seq, "%s", ends->last_seq);
    u->n = ends->n;
    ship_uploads_start(&s->uploads);
    return 0;
}

/* ---- Reading ahead ----------------------------------------------------- */

/* One GetRecords call on a thread of its own with the shipper's reader
 * client, so that the service reads the next page, and the page is
 * indexed, while the main thread converts and writes this one. Only the
 * main thread moves the checkpoint, after each page's object is in S3, so
 * reading ahead changes nothing in what a crash leaves. */
struct read_ahead {
    struct aws_client *client; /* borrowed; used by the thread alone */
    char *iterator;            /* owned */
    int limit;
    struct stream_page page;   /* handed over by read_finish */
    int rc;
    uint64_t retries_before;
    bool is_running;           /* a thread is reading */
    pthread_t thread;
};

static void *read_page(void *arg)
{
    struct read_ahead *r = arg;
    r->rc = stream_page_read(r->client, r->iterator, r->limit, &r->page);
    return NULL;
}

/* Starts reading the page at iterator (owned from here on); without a
 * thread to spare, reads it now. */
static void read_start(struct read_ahead *r, char *iterator)
{
    r->iterator = iterator;
    r->retries_before = aws_client_retries(r->client);
    r->is_running = pthread_create(&r->thread, NULL, read_page, r) == 0;
    if (!r->is_running)
        read_page(r);
}

/* Waits for the page started last; returns GetRecords' result, the page
 * in *page, whose buffers go to the next read in exchange. */
static int read_finish(struct shipper *s, struct read_ahead *r,
                       struct stream_page *page)
{
    if (r->is_running)
        pthread_join(r->thread, NULL);
    r->is_running = false;
    s->stats->retried += aws_client_retries(r->client) - r->retries_before;
    free(r->iterator);
    r->iterator = NULL;
    struct stream_page spare = *page;
    *page = r->page;
    r->page = spare;
    return r->rc;
}

/* ---- Reading one shard ------------------------------------------------- */

/* The ddb-json change layout is written straight from a record's text;
 * other output reads the record as a tree. */
static bool is_written_from_text(const struct ship_options *o)
{
    return o->format == JSONL_FORMAT_DDB_JSON &&
           o->layout == JSONL_LAYOUT_CHANGE;
}

/* Appends one record's line; -1 with a message naming the record. */
static int add_line(struct shipper *s, const char *table, const char *shard,
                    const struct stream_record *rec, struct buf *lines,
                    struct batch_ends *ends)
{
    const struct jsonl_scanned *f = &rec->fields;
    if (is_written_from_text(s->o) && rec->is_scanned) {
        jsonl_scanned_write(lines, f, table);
        note_record(ends, f->sequence_number, f->event_time_ms);
        return 0;
    }
    struct jsonl_record r;
    char err[JSONL_ERR_MAX];
    cJSON *doc = json_parse(rec->text.p, rec->text.len);
    int rc = 0;
    if (jsonl_from_stream(doc, table, &r, err, sizeof err) < 0 ||
        jsonl_write(lines, &r, s->o->format, s->o->layout) < 0) {
        fprintf(stderr, SHIP ": %s: record %s: %s\n", shard,
                r.sequence_number ? r.sequence_number : "?", err);
        rc = -1;
    } else {
        note_record(ends, r.sequence_number, r.event_time_ms);
    }
    cJSON_Delete(doc);
    return rc;
}

/* Converts one GetRecords page and starts writing it; the shard's
 * checkpoint moves past it when it is finished in order (finish_upload).
 * A record that cannot be converted stops the shard once the objects
 * before it are settled: its page's records read so far count only when
 * those all made it, as they did when each object was written before the
 * next page was converted. */
static int ship_page(struct shipper *s, const char *table, const char *shard,
                     const struct stream_page *page)
{
    struct batch_ends ends = { 0 };
    int rc = 0;
    buf_reset(&s->lines);
    for (size_t i = 0; i < page->n && rc == 0; i++)
        rc = add_line(s, table, shard, &page->records[i], &s->lines, &ends);
    if (rc < 0) {
        if (drain(s, shard, 0) == 0)
            s->stats->read += ends.n;
        return -1;
    }
    return ends.n > 0 ? start_upload(s, table, shard, &ends) : 0;
}

static bool error_is(const struct aws_client *c, const char *code)
{
    return strcmp(aws_client_error(c)->code, code) == 0;
}

/* An iterator at the shard's checkpoint; *it is NULL when the shard no
 * longer exists. Trimmed positions are reported as loss and restart at
 * the oldest record kept. */
static int open_iterator(struct shipper *s, const char *shard, char **it)
{
    const char *last = json_get_string(shard_state(s, shard), "last");
    const char *type = last ? "AFTER_SEQUENCE_NUMBER"
                     : s->o->is_latest ? "LATEST" : "TRIM_HORIZON";
    uint64_t before = aws_client_retries(s->client);
    int rc = aws_streams_get_iterator(s->client, s->arn, shard, type, last,
                                      it);
    if (rc < 0 && error_is(s->client, "TrimmedDataAccessException")) {
        fprintf(stderr, SHIP ": DATA LOSS: %s: records after %s were "
                "trimmed before they were shipped\n", shard, last);
        s->stats->lost++;
        rc = aws_streams_get_iterator(s->client, s->arn, shard,
                                      "TRIM_HORIZON", NULL, it);
    }
    if (rc < 0 && error_is(s->client, "ResourceNotFoundException")) {
        fprintf(stderr, SHIP ": %s: shard no longer exists (%s)\n", shard,
                aws_client_error(s->client)->message);
        *it = NULL;
        rc = 0;
    }
    s->stats->retried += aws_client_retries(s->client) - before;
    if (rc < 0)
        sync_report_error(SHIP, "GetShardIterator", s->client);
    return rc;
}

/* Whether to read on after a page: an open shard is caught up at its first
 * empty page and read again in the next pass; a closed one is read until
 * it has no next iterator. */
static bool is_more(const struct shipper *s, const cJSON *shard,
                    const struct stream_page *page)
{
    bool is_closed = json_get(json_get(shard, "SequenceNumberRange"),
                              "EndingSequenceNumber") != NULL;
    return page->next_iterator != NULL && (page->n > 0 || is_closed) &&
           !is_stopped(s);
}

/* Ships one page; a page without a next iterator ends the shard, which is
 * done once every object of it is in S3. */
static int take_page(struct shipper *s, const char *table, const char *id,
                     const struct stream_page *page)
{
    int rc = 0;
    if (page->n > 0)
        rc = ship_page(s, table, id, page);
    if (rc == 0 && page->next_iterator == NULL)
        rc = drain(s, id, 0);
    if (rc == 0 && page->next_iterator == NULL) {
        set_member(shard_state(s, id), "done", cJSON_CreateTrue());
        rc = save_checkpoint(s, false);
    }
    sync_progress(&s->progress, SHIP, s->stats);
    return rc;
}

/* Reads a shard from its checkpoint until it ends (closed: marked done) or
 * is caught up (open), the next page always on its way while this one is
 * converted and the objects before it are written; returns with every
 * object settled. *n_read counts the records shipped. */
static int ship_shard(struct shipper *s, const char *table,
                      const cJSON *shard, uint64_t *n_read)
{
    const char *id = json_get_string(shard, "ShardId");
    struct read_ahead ahead = { .client = s->reader,
                                .limit = s->o->batch_size };
    struct stream_page page;
    char *it = NULL;
    stream_page_init(&page);
    stream_page_init(&ahead.page);
    if (open_iterator(s, id, &it) < 0) {
        stream_page_clear(&page);
        stream_page_clear(&ahead.page);
        return -1;
    }
    if (it)
        read_start(&ahead, it);
    bool is_reading = it != NULL;
    int rc = 0;
    while (is_reading) {
        rc = read_finish(s, &ahead, &page);
        is_reading = false;
        if (rc < 0 && (error_is(s->reader, "ExpiredIteratorException") ||
                       error_is(s->reader, "TrimmedDataAccessException"))) {
            /* Iterators live 15 minutes; a fresh one after the checkpoint
             * continues exactly where this one stopped, once the objects
             * in flight have brought the checkpoint up to it. */
            rc = drain(s, id, 0);
            if (rc == 0)
                rc = open_iterator(s, id, &it);
            if (rc == 0 && it)
                read_start(&ahead, it);
            is_reading = rc == 0 && it;
            continue;
        }
        if (rc < 0) {
            /* An object that failed before this read stops the shard
             * first, as it did when it was written before the read. */
            if (drain(s, id, 0) == 0)
                sync_report_error(SHIP, "GetRecords", s->reader);
            break;
        }
        if (is_more(s, shard, &page)) {
            read_start(&ahead, xstrdup(page.next_iterator));
            is_reading = true;
        }
        *n_read += page.n;
        rc = take_page(s, table, id, &page);
        if (rc < 0 && is_reading) {
            read_finish(s, &ahead, &page); /* not shipped: dropped */
            is_reading = false;
        }
    }
    rc = drain(s, id, rc);
    stream_page_clear(&page);
    stream_page_clear(&ahead.page);
    return rc;
}

/* ---- Following the stream ---------------------------------------------- */

static bool is_done(struct shipper *s, const char *shard)
{
    return cJSON_IsTrue(json_get(shard_state(s, shard), "done"));
}

static const cJSON *find_shard(const cJSON *shards, const char *id)
{
    const cJSON *sh;
    cJSON_ArrayForEach(sh, shards) {
        const char *sid = json_get_string(sh, "ShardId");
        if (sid && strcmp(sid, id) == 0)
            return sh;
    }
    return NULL;
}

/* One pass over the stream's shards. A shard waits for its parent when the
 * parent is still listed and not done; a parent no longer listed was
 * trimmed and does not block. *n_read counts what the pass shipped. */
static int ship_pass(struct shipper *s, const char *table, uint64_t *n_read)
{
    cJSON *desc = NULL;
    uint64_t before = aws_client_retries(s->client);
    int rc = aws_streams_describe(s->client, s->arn, &desc);
    s->stats->retried += aws_client_retries(s->client) - before;
    if (rc < 0) {
        sync_report_error(SHIP, "DescribeStream", s->client);
        return -1;
    }
    const cJSON *shards = json_get(desc, "Shards");
    /* Passes repeat until nothing is left, so children whose parents were
     * finished earlier in this pass are reached in the same call. */
    bool is_progressing = true;
    while (rc == 0 && is_progressing && !is_stopped(s)) {
        is_progressing = false;
        const cJSON *sh;
        cJSON_ArrayForEach(sh, shards) {
            const char *id = json_get_string(sh, "ShardId");
            const char *parent = json_get_string(sh, "ParentShardId");
            if (id == NULL || is_done(s, id))
                continue;
            if (parent && find_shard(shards, parent) && !is_done(s, parent))
                continue;
            rc = ship_shard(s, table, sh, n_read);
            if (rc < 0 || is_stopped(s))
                break;
            is_progressing |= is_done(s, id);
        }
    }
    cJSON_Delete(desc);
    return rc;
}

static void pause_ms(long ms)
{
    struct timespec ts = { .tv_sec = ms / 1000,
                           .tv_nsec = (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static int resolve_stream(struct shipper *s)
{
    if (s->o->stream_arn) {
        s->arn = xstrdup(s->o->stream_arn);
        return 0;
    }
    if (s->o->table == NULL) {
        fprintf(stderr, SHIP ": --table or --stream-arn is required\n");
        return -1;
    }
    uint64_t before = aws_client_retries(s->client);
    int rc = aws_streams_latest_arn(s->client, s->o->table, &s->arn);
    s->stats->retried += aws_client_retries(s->client) - before;
    if (rc < 0) {
        sync_report_error(SHIP, "ListStreams", s->client);
        return -1;
    }
    if (s->arn == NULL) {
        fprintf(stderr, SHIP ": table %s has no stream (enable one with "
                "UpdateTable StreamSpecification)\n", s->o->table);
        return -1;
    }
    return 0;
}

int ship_run(const struct ship_options *o, struct sync_stats *stats)
{
    struct shipper s = { .o = o, .stats = stats };
    char table[SHIP_TABLE_MAX];
    s.progress.is_enabled = o->is_progress;
    buf_init(&s.lines, 0);
    int rc = parse_target(&s);
    if (rc == 0) {
        s.client = sync_client_new(o->endpoint, o->max_attempts);
        s.reader = s.client ? sync_client_new(o->endpoint, o->max_attempts)
                            : NULL;
        rc = s.reader ? ship_uploads_init(&s.uploads, s.bucket, o->endpoint,
                                          o->max_attempts)
                      : -1;
    }
    if (rc == 0)
        rc = resolve_stream(&s);
    if (rc == 0 && jsonl_table_from_arn(s.arn, table, sizeof table) < 0) {
        fprintf(stderr, SHIP ": %s is not a stream ARN\n", s.arn);
        rc = -1;
    }
    if (rc == 0)
        rc = load_checkpoint(&s);
    bool has_checkpoint = rc == 0;
    s.synced_ns = clock_monotonic_ns();
    s.is_synced = true;
    while (rc == 0 && !is_stopped(&s)) {
        uint64_t n_read = 0;
        rc = ship_pass(&s, table, &n_read);
        if (rc < 0 || (o->is_once && n_read == 0))
            break;
        /* Caught up: what was shipped becomes durable before the wait,
         * however long the stream stays quiet. */
        if (n_read == 0 && !s.is_synced)
            rc = save_checkpoint(&s, true);
        if (n_read == 0)
            pause_ms(o->poll_interval_ms);
    }
    /* Whatever stopped the run, the positions held are all in S3. */
    if (has_checkpoint && save_checkpoint(&s, true) < 0)
        rc = -1;
    if (rc == 0 && stats->lost > 0)
        rc = 1;
    aws_client_free(s.client);
    aws_client_free(s.reader);
    ship_uploads_clear(&s.uploads);
    cJSON_Delete(s.cp);
    free(s.arn);
    buf_clear(&s.lines);
    return rc;
}

/* ---- Handler mode ------------------------------------------------------- */

static void add_failure(cJSON *failures, const char *seq)
{
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "itemIdentifier", seq ? seq : "");
    cJSON_AddItemToArray(failures, f);
}

/* Writes records[from, to) of one table as one object. */
static int handler_put(struct shipper *s, const char *table,
                       const struct buf *lines,
                       const struct jsonl_record *first, const char *last)
{
    struct buf key;
    struct batch_ends ends = { .first_time_ms = first->event_time_ms, .n = 1 };
    snprintf(ends.first_seq, sizeof ends.first_seq, "%s",
             first->sequence_number);
    snprintf(ends.last_seq, sizeof ends.last_seq, "%s", last);
    buf_init(&key, 0);
    object_key(s, table, "batch", &ends, &key);
    int rc = put_lines(s, buf_cstr(&key), lines);
    buf_clear(&key);
    return rc;
}

/* Converts the event's records in order, writing one object per run of
 * records from the same table; stops at the first failure. */
static void handle_records(struct shipper *s, const cJSON *records,
                           cJSON *failures)
{
    struct buf lines;
    struct jsonl_record r, first = { 0 };
    char table[SHIP_TABLE_MAX] = "", next_table[SHIP_TABLE_MAX];
    char err[JSONL_ERR_MAX] = "", last[JSONL_SEQ_MAX + 1] = "";
    const char *failed = NULL;
    bool is_failed = false;
    uint64_t n = 0;
    buf_init(&lines, 0);
    const cJSON *rec;
    cJSON_ArrayForEach(rec, records) {
        const char *arn = json_get_string(rec, "eventSourceARN");
        bool is_ok = jsonl_table_from_arn(arn, next_table,
                                          sizeof next_table) == 0;
        if (!is_ok)
            snprintf(err, sizeof err, "no table in eventSourceARN");
        if (is_ok && n > 0 && strcmp(next_table, table) != 0) {
            if (handler_put(s, table, &lines, &first, last) < 0) {
                failed = first.sequence_number;
                is_failed = true;
                n = 0;
                break;
            }
            s->stats->written += n;
            s->stats->objects++;
            buf_reset(&lines);
            n = 0;
        }
        if (is_ok)
            is_ok = jsonl_from_stream(rec, next_table, &r, err,
                                      sizeof err) == 0 &&
                    jsonl_write(&lines, &r, s->o->format, s->o->layout) == 0;
        s->stats->read++;
        if (!is_ok) {
            fprintf(stderr, SHIP ": record %d refused: %s\n",
                    (int)s->stats->read, err);
            s->stats->rejected++;
            failed = json_get_string(json_get(rec, "dynamodb"),
                                     "SequenceNumber");
            is_failed = true;
            break;
        }
        if (n++ == 0)
            first = r;
        snprintf(table, sizeof table, "%s", next_table);
        snprintf(last, sizeof last, "%s", r.sequence_number);
    }
    if (n > 0 && handler_put(s, table, &lines, &first, last) == 0) {
        s->stats->written += n;
        s->stats->objects++;
    } else if (n > 0) {
        /* Earlier than any refused record: retry from here. */
        failed = first.sequence_number;
        is_failed = true;
    }
    if (is_failed)
        add_failure(failures, failed);
    buf_clear(&lines);
}

int ship_handle_event(const struct ship_options *o, const char *event,
                      size_t len, struct buf *response,
                      struct sync_stats *stats)
{
    struct shipper s = { .o = o, .stats = stats };
    cJSON *doc = json_parse(event, len);
    const cJSON *records = json_get(doc, "Records");
    int rc = 0;
    if (!cJSON_IsArray(records)) {
        buf_puts(response, "{\"errorMessage\":\"event has no Records "
                           "array\",\"errorType\":\"InvalidEvent\"}");
        rc = -1;
    } else if (parse_target(&s) < 0 ||
               (s.client = sync_client_new(o->endpoint,
                                           o->max_attempts)) == NULL) {
        buf_puts(response, "{\"errorMessage\":\"shipper is not configured "
                           "(see stderr)\",\"errorType\":\"Config\"}");
        rc = -1;
    } else {
        cJSON *out = cJSON_CreateObject();
        cJSON *failures = cJSON_AddArrayToObject(out, "batchItemFailures");
        handle_records(&s, records, failures);
        json_write(response, out);
        cJSON_Delete(out);
    }
    aws_client_free(s.client);
    cJSON_Delete(doc);
    return rc;
}
