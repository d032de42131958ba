/* The runner's landing checks: reads back the source stream and each
 * landing location a step wrote, and checks every change landed once, in
 * order (a polled landing: the state it leaves). They run after the steps,
 * or, when only a load step is left (it reads the landings, never writes
 * them), on a thread of their own while it runs; see runner_internal.h. */
#include "scenario/runner_internal.h"

#include "aws/aws.h"
#include "aws/aws_s3.h"
#include "aws/aws_streams.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"
#include "sync/poll.h"
#include "sync/stream_page.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where a landing check reads and what it tells. */
struct checker {
    struct runner *r;
    struct aws_client *client;     /* reads as the runner */
    struct findings *findings;
    struct verify_stats *vstats;
    bool may_repeat;               /* retries or faults: replays allowed */
    size_t objects;                /* the change landing's objects */
    bool has_objects;
};

/* GetRecords pages read per shard before giving up on an open shard. */
#define RUNNER_MAX_PAGES 100000

static void add_change(struct verify_changes *changes,
                       const struct stream_record *r)
{
    if (r->is_scanned)
        verify_changes_add_scanned(changes, &r->fields);
    else
        verify_changes_add_text(changes, r->text.p, r->text.len);
}

/* Every record of shard, oldest first, into changes. */
static int read_shard(struct aws_client *c, const char *arn,
                      const char *shard, struct verify_changes *changes)
{
    char *it = NULL;
    if (aws_streams_get_iterator(c, arn, shard, "TRIM_HORIZON", NULL, &it) < 0)
        return -1;
    struct stream_page page;
    stream_page_init(&page);
    int rc = 0;
    for (int page_no = 0; it && page_no < RUNNER_MAX_PAGES; page_no++) {
        rc = stream_page_read(c, it, 1000, &page);
        free(it);
        it = NULL;
        if (rc < 0)
            break;
        for (size_t i = 0; i < page.n; i++)
            add_change(changes, &page.records[i]);
        if (page.next_iterator && page.n > 0)
            it = xstrdup(page.next_iterator);
    }
    free(it);
    stream_page_clear(&page);
    return rc;
}

/* The source stream of a table, read on a client of its own so that it
 * overlaps with reading the landing: the changes the landing must hold. */
struct stream_read {
    struct aws_client *client;    /* owned */
    const char *table;
    struct verify_changes changes;
    struct findings findings;     /* a failed read */
    int rc;
    pthread_t thread;
    bool is_threaded;
};

static void *read_changes(void *arg)
{
    struct stream_read *sr = arg;
    struct aws_client *c = sr->client;
    char *arn = NULL;
    cJSON *desc = NULL;
    int rc = aws_streams_latest_arn(c, sr->table, &arn);
    if (rc == 0 && arn)
        rc = aws_streams_describe(c, arn, &desc);
    const cJSON *shard, *shards = json_get(desc, "Shards");
    cJSON_ArrayForEach(shard, shards) {
        if (rc == 0)
            rc = read_shard(c, arn, json_get_string(shard, "ShardId"),
                            &sr->changes);
    }
    if (rc < 0)
        runner_read_failed(c, &sr->findings, "the source stream");
    cJSON_Delete(desc);
    free(arn);
    sr->rc = rc;
    return NULL;
}

/* Starts reading table's stream; on the checker's client, in place, when
 * no second client or thread can be had. */
static void stream_read_start(struct checker *ck, const char *table,
                              struct stream_read *sr)
{
    memset(sr, 0, sizeof *sr);
    sr->table = table;
    verify_changes_init(&sr->changes);
    findings_init(&sr->findings);
    sr->client = runner_admin_client(ck->r);
    sr->is_threaded = sr->client &&
        pthread_create(&sr->thread, NULL, read_changes, sr) == 0;
    if (sr->is_threaded)
        return;
    aws_client_free(sr->client);
    sr->client = ck->client;
    read_changes(sr);
    sr->client = NULL;
}

/* Waits for the read; its findings move to the checker's. */
static int stream_read_finish(struct checker *ck, struct stream_read *sr)
{
    if (sr->is_threaded)
        pthread_join(sr->thread, NULL);
    aws_client_free(sr->client);
    sr->client = NULL;
    findings_move(ck->findings, &sr->findings);
    return sr->rc;
}

static void stream_read_clear(struct stream_read *sr)
{
    verify_changes_clear(&sr->changes);
    findings_clear(&sr->findings);
}

/* Calls visit with each object under prefix (its key after the prefix),
 * in listing order, as soon as it is read; the visitor may keep the body
 * (buf_detach), else the buffer is reused for the next object. */
static int read_landing(struct checker *ck, const char *bucket,
                        const char *prefix,
                        void (*visit)(const char *key, struct buf *body,
                                      void *arg),
                        void *arg)
{
    struct aws_s3_listing listing = { 0 };
    if (aws_s3_list(ck->client, bucket, prefix, NULL, &listing) < 0) {
        runner_read_failed(ck->client, ck->findings, "the landing listing");
        return -1;
    }
    /* One buffer for every body, grown to the largest: a fresh one per
     * object would be regrown by doubling each time, between the small
     * allocations of the records parsed from the last one. */
    struct buf body;
    buf_init(&body, 0);
    int rc = 0;
    for (size_t i = 0; i < listing.n && rc == 0; i++) {
        rc = aws_s3_get_object(ck->client, bucket, listing.objects[i].key,
                               &body);
        if (rc < 0)
            runner_read_failed(ck->client, ck->findings,
                               listing.objects[i].key);
        else
            visit(listing.objects[i].key + strlen(prefix), &body, arg);
    }
    buf_clear(&body);
    aws_s3_listing_clear(&listing);
    return rc;
}

/* A change landing's objects, parsed as they arrive. */
struct landed_visit {
    struct checker *ck;
    const char *location;
    struct verify_landed *landed;
    size_t n_objects;
};

static void visit_landed(const char *key, struct buf *body, void *arg)
{
    struct landed_visit *v = arg;
    struct verify_object obj = { key, body->data ? body->data : "",
                                 body->len };
    verify_landed_add(v->landed, v->location, &obj, v->ck->findings,
                      v->ck->vstats);
    v->n_objects++;
}

/* A polled landing's objects, kept whole: the state check needs them all
 * at once. */
struct landing {
    struct verify_object *objects; /* keys and bodies owned */
    size_t n, cap;
};

static void visit_polled(const char *key, struct buf *body, void *arg)
{
    struct landing *l = arg;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->objects = xrealloc(l->objects, l->cap * sizeof *l->objects);
    }
    size_t len = 0;
    char *text = buf_detach(body, &len);
    l->objects[l->n++] = (struct verify_object){ xstrdup(key), text, len };
}

static void landing_clear(struct landing *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free((char *)(uintptr_t)l->objects[i].key);
        free((char *)(uintptr_t)l->objects[i].body);
    }
    free(l->objects);
}

/* A polling loader's landing: judged by the state it leaves (the newest
 * version of each key against the table), since a Scan's lines are not the
 * stream's changes; its documented limit is quoted with each delete it
 * could not see. */
static void check_polled(struct checker *ck, const char *url,
                         const struct scenario_table *t,
                         const struct verify_changes *changes,
                         const struct landing *l)
{
    cJSON *source = runner_scan_all_on(ck->client, ck->findings, t->name);
    if (source == NULL)
        return;
    const char *names[2] = { t->keys[0].name,
                             t->n_keys > 1 ? t->keys[1].name : NULL };
    struct verify_polled in = {
        .location = url, .limit = "poll's documented limit: " POLL_LIMIT_TEXT,
        .source = source, .key_names = names, .n_keys = (size_t)t->n_keys,
        .changes = changes, .objects = l->objects, .n_objects = l->n };
    verify_polled_landing(&in, ck->findings, ck->vstats);
    cJSON_Delete(source);
}

/* A poll step's landing location; the stream, when the table has one,
 * names each delete the poller missed. */
static void check_polled_at(struct checker *ck, const char *url,
                            const char *bucket, const char *prefix,
                            const struct scenario_table *t)
{
    struct stream_read sr;
    bool has_changes = t->stream_view != NULL;
    if (has_changes)
        stream_read_start(ck, t->name, &sr);
    struct landing l = { 0 };
    int rc = read_landing(ck, bucket, prefix, visit_polled, &l);
    if (has_changes && stream_read_finish(ck, &sr) < 0)
        rc = -1;
    if (rc == 0)
        check_polled(ck, url, t, has_changes ? &sr.changes : NULL, &l);
    landing_clear(&l);
    if (has_changes)
        stream_read_clear(&sr);
}

/* A change landing at url: every change of table's stream, once, in
 * order. The stream is read while the landing's objects are. */
static void check_changes_at(struct checker *ck, const char *url,
                             const char *bucket, const char *prefix,
                             const char *table)
{
    struct stream_read sr;
    stream_read_start(ck, table, &sr);
    struct landed_visit v = { ck, url, verify_landed_new(), 0 };
    int rc = read_landing(ck, bucket, prefix, visit_landed, &v);
    if (stream_read_finish(ck, &sr) < 0)
        rc = -1;
    if (rc == 0) {
        struct verify_landing in = { url, &sr.changes, v.landed,
                                     ck->may_repeat };
        verify_landing(&in, ck->findings, ck->vstats);
        ck->objects = v.n_objects;
        ck->has_objects = true;
    }
    verify_landed_free(v.landed);
    stream_read_clear(&sr);
}

/* Verifies each distinct landing location a ship, handler, esm or poll
 * step wrote. */
static void check_landings(struct checker *ck)
{
    struct runner *r = ck->r;
    char seen[SCENARIO_MAX_STEPS][512];
    size_t n_seen = 0;
    for (size_t i = 0; i < r->s->n_steps; i++) {
        const struct scenario_step *st = &r->s->steps[i];
        if (strcmp(st->kind, "load") == 0 || strcmp(st->kind, "export") == 0)
            continue;
        char url[512], bucket[256], prefix[512];
        runner_step_location(r, st, url, sizeof url);
        bool is_seen = false;
        for (size_t j = 0; j < n_seen && !is_seen; j++)
            is_seen = strcmp(seen[j], url) == 0;
        if (is_seen || aws_s3_url_parse(url, bucket, sizeof bucket, prefix,
                                        sizeof prefix) < 0)
            continue;
        snprintf(seen[n_seen++], sizeof seen[0], "%s", url);
        const char *table = st->table ? st->table : r->s->tables[0].name;
        if (strcmp(st->kind, "poll") == 0)
            check_polled_at(ck, url, bucket, prefix,
                            scenario_table_find(r->s, table));
        else
            check_changes_at(ck, url, bucket, prefix, table);
    }
}

static void checker_init(struct checker *ck, struct runner *r,
                         struct aws_client *client, struct findings *findings,
                         struct verify_stats *vstats)
{
    *ck = (struct checker){
        .r = r, .client = client, .findings = findings, .vstats = vstats,
        .may_repeat = r->counts.retries > 0 || r->s->faults != NULL };
}

void runner_check_landings(struct runner *r)
{
    struct checker ck;
    checker_init(&ck, r, r->admin, &r->findings, &r->vstats);
    check_landings(&ck);
    if (ck.has_objects)
        r->counts.objects = ck.objects;
}

/* A landing check on a thread of its own, with what it finds kept apart
 * until it is joined. */
struct landing_check {
    struct checker ck;
    struct findings findings;
    struct verify_stats vstats;
    pthread_t thread;
    bool is_threaded;
};

static void *landing_check_main(void *arg)
{
    struct landing_check *lc = arg;
    check_landings(&lc->ck);
    return NULL;
}

struct landing_check *runner_landing_check_start(struct runner *r)
{
    struct aws_client *client = runner_admin_client(r);
    if (client == NULL)
        return NULL; /* checked after the steps, as usual */
    struct landing_check *lc = xcalloc(1, sizeof *lc);
    findings_init(&lc->findings);
    checker_init(&lc->ck, r, client, &lc->findings, &lc->vstats);
    lc->is_threaded = pthread_create(&lc->thread, NULL, landing_check_main,
                                     lc) == 0;
    if (!lc->is_threaded)
        check_landings(&lc->ck);
    return lc;
}

void runner_landing_check_finish(struct runner *r, struct landing_check *lc)
{
    if (lc == NULL)
        return;
    if (lc->is_threaded)
        pthread_join(lc->thread, NULL);
    aws_client_free(lc->ck.client);
    findings_move(&r->findings, &lc->findings);
    findings_clear(&lc->findings);
    verify_stats_add(&r->vstats, &lc->vstats);
    if (lc->ck.has_objects)
        r->counts.objects = lc->ck.objects;
    r->are_landings_checked = true;
    free(lc);
}
