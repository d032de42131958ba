/* The lake loader; see load.h. Its checkpoint:
 *   {"version":1,"source":"s3://B/P","files":{KEY:ETAG},
 *    "rejected":{KEY:REASON}}
 * A file is applied in one lake transaction and entered in "files" only
 * after that commit: a crash in between re-applies it, which the sequence
 * rule makes harmless. Each pass lists the whole prefix in key order and
 * takes the files not yet entered: a shard's objects can land with keys
 * below ones already loaded, so "after the last key" would skip them. */
#include "sync/load.h"

#include "aws/aws.h"
#include "aws/aws_s3.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"
#include "sync/checkpoint.h"
#include "sync/jsonl.h"
#include "sync/lake.h"
#include "sync/sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOAD "load"
#define LOAD_BUCKET_MAX 64
#define LOAD_PREFIX_MAX 1024

void load_options_init(struct load_options *o)
{
    memset(o, 0, sizeof *o);
    o->poll_interval_ms = LOAD_DEFAULT_POLL_MS;
}

struct loader {
    const struct load_options *o;
    struct sync_stats *stats;
    struct aws_client *client;
    struct lake *lake;
    cJSON *cp;      /* owned */
    cJSON *files;   /* borrowed from cp */
    cJSON *rejects; /* borrowed from cp */
    char bucket[LOAD_BUCKET_MAX];
    char prefix[LOAD_PREFIX_MAX];
    struct sync_progress progress;
};

static bool is_stopped(const struct loader *l)
{
    return l->o->stop && *l->o->stop;
}

static cJSON *member_object(cJSON *doc, const char *name)
{
    cJSON *m = cJSON_GetObjectItemCaseSensitive(doc, name);
    if (!cJSON_IsObject(m)) {
        cJSON_DeleteItemFromObjectCaseSensitive(doc, name);
        m = cJSON_AddObjectToObject(doc, name);
    }
    return m;
}

static int save_checkpoint(struct loader *l)
{
    char err[512];
    if (checkpoint_save(l->o->checkpoint, l->cp, err, sizeof err) < 0) {
        fprintf(stderr, LOAD ": checkpoint: %s\n", err);
        return -1;
    }
    return 0;
}

/* A parsed landing file: its records borrow from docs. */
struct parsed {
    cJSON **docs;
    struct jsonl_record *recs;
    size_t n;
};

static void parsed_clear(struct parsed *p)
{
    for (size_t i = 0; i < p->n; i++)
        cJSON_Delete(p->docs[i]);
    free(p->docs);
    free(p->recs);
}

/* Parses every line of a file; -1 with the first bad line's reason. */
static int parse_file(const struct buf *body, struct parsed *p, char *why,
                      size_t whylen)
{
    const char *s = body->data ? body->data : "";
    const char *end = s + body->len;
    size_t line_no = 0;
    memset(p, 0, sizeof *p);
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *stop = nl ? nl : end;
        line_no++;
        if (stop > s) {
            char err[JSONL_ERR_MAX];
            cJSON *doc = NULL;
            struct jsonl_record r;
            int rc = jsonl_parse(s, (size_t)(stop - s), &r, &doc, err,
                                 sizeof err);
            p->docs = xrealloc(p->docs, (p->n + 1) * sizeof *p->docs);
            p->recs = xrealloc(p->recs, (p->n + 1) * sizeof *p->recs);
            p->docs[p->n] = doc;
            p->recs[p->n++] = r;
            if (rc < 0) {
                snprintf(why, whylen, "line %zu: %s", line_no, err);
                return -1;
            }
        }
        s = stop + 1;
    }
    if (p->n == 0) {
        snprintf(why, whylen, "no records");
        return -1;
    }
    return 0;
}

/* Applies a parsed file in one transaction. */
static int apply_file(struct loader *l, const struct parsed *p)
{
    struct buf key, item;
    buf_init(&key, 0);
    buf_init(&item, 0);
    int rc = lake_begin(l->lake);
    uint64_t applied = 0, stale = 0;
    for (size_t i = 0; i < p->n && rc == 0; i++) {
        const struct jsonl_record *r = &p->recs[i];
        bool is_remove = strcmp(r->event_name, "REMOVE") == 0;
        buf_reset(&key);
        buf_reset(&item);
        jsonl_key_write(&key, r->keys);
        if (!is_remove)
            json_write(&item, r->new_image);
        enum lake_result res = lake_apply(l->lake, r->table, buf_cstr(&key),
                                          r->sequence_number,
                                          is_remove ? NULL : buf_cstr(&item));
        if (res == LAKE_ERROR)
            rc = -1;
        else if (res == LAKE_APPLIED)
            applied++;
        else
            stale++;
    }
    if (rc == 0)
        rc = lake_commit(l->lake);
    if (rc < 0) {
        lake_rollback(l->lake);
    } else {
        l->stats->written += applied;
        l->stats->skipped += stale;
        l->stats->read += p->n;
    }
    buf_clear(&key);
    buf_clear(&item);
    return rc;
}

static int reject(struct loader *l, const struct aws_s3_object *obj,
                  const char *why)
{
    fprintf(stderr, LOAD ": rejected s3://%s/%s: %s\n", l->bucket, obj->key,
            why);
    l->stats->rejected++;
    cJSON_AddItemToObject(l->rejects, obj->key, cJSON_CreateString(why));
    if (lake_reject(l->lake, obj->key, why) < 0)
        return -1;
    return save_checkpoint(l);
}

/* Fetches, parses, applies and enters one file. */
static int load_file(struct loader *l, const struct aws_s3_object *obj)
{
    struct buf body;
    struct parsed p = { 0 };
    char why[JSONL_ERR_MAX + 64];
    buf_init(&body, 0);
    uint64_t before = aws_client_retries(l->client);
    int rc = aws_s3_get_object(l->client, l->bucket, obj->key, &body);
    l->stats->retried += aws_client_retries(l->client) - before;
    if (rc < 0) {
        sync_report_error(LOAD, "GetObject", l->client);
    } else if (parse_file(&body, &p, why, sizeof why) < 0) {
        rc = reject(l, obj, why);
    } else {
        rc = apply_file(l, &p);
        if (rc == 0) {
            l->stats->objects++;
            cJSON_AddItemToObject(l->files, obj->key,
                                  cJSON_CreateString(obj->etag));
            rc = save_checkpoint(l);
        }
    }
    parsed_clear(&p);
    buf_clear(&body);
    sync_progress(&l->progress, LOAD, l->stats);
    return rc;
}

/* One listing; *n_new counts the files taken. */
static int load_pass(struct loader *l, int *n_new)
{
    struct aws_s3_listing listing;
    uint64_t before = aws_client_retries(l->client);
    int rc = aws_s3_list(l->client, l->bucket, l->prefix, NULL, &listing);
    l->stats->retried += aws_client_retries(l->client) - before;
    if (rc < 0) {
        sync_report_error(LOAD, "ListObjectsV2", l->client);
        return -1;
    }
    for (size_t i = 0; i < listing.n && rc == 0 && !is_stopped(l); i++) {
        const struct aws_s3_object *obj = &listing.objects[i];
        size_t n = strlen(obj->key);
        if (n > 0 && obj->key[n - 1] == '/')
            continue; /* a "folder" placeholder */
        if (json_get(l->files, obj->key) || json_get(l->rejects, obj->key))
            continue;
        rc = load_file(l, obj);
        (*n_new)++;
    }
    aws_s3_listing_clear(&listing);
    return rc;
}

static int write_snapshot(struct loader *l)
{
    size_t n = strlen(l->o->snapshot) + 8;
    char *tmp = xmalloc(n);
    snprintf(tmp, n, "%s.tmp", l->o->snapshot);
    FILE *f = fopen(tmp, "w");
    long rows = f ? lake_snapshot(l->lake, f) : -1;
    int rc = f && fclose(f) == 0 && rows >= 0 ? 0 : -1;
    if (rc == 0)
        rc = rename(tmp, l->o->snapshot);
    if (rc < 0) {
        fprintf(stderr, LOAD ": cannot write snapshot %s\n", l->o->snapshot);
        remove(tmp);
    }
    free(tmp);
    return rc;
}

static int open_state(struct loader *l)
{
    char err[512];
    if (l->o->from == NULL || l->o->checkpoint == NULL || l->o->lake == NULL ||
        aws_s3_url_parse(l->o->from, l->bucket, sizeof l->bucket, l->prefix,
                         sizeof l->prefix) < 0) {
        fprintf(stderr, LOAD ": --from s3://BUCKET/PREFIX, --checkpoint and "
                "--lake are required\n");
        return -1;
    }
    if (checkpoint_load(l->o->checkpoint, &l->cp, err, sizeof err) < 0) {
        fprintf(stderr, LOAD ": %s\n", err);
        return -1;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(l->cp, "version");
    cJSON_AddNumberToObject(l->cp, "version", 1);
    if (json_get(l->cp, "source") == NULL)
        cJSON_AddStringToObject(l->cp, "source", l->o->from);
    l->files = member_object(l->cp, "files");
    l->rejects = member_object(l->cp, "rejected");
    l->lake = lake_open(l->o->lake, err, sizeof err);
    if (l->lake == NULL) {
        fprintf(stderr, LOAD ": %s\n", err);
        return -1;
    }
    l->client = sync_client_new(l->o->endpoint, l->o->max_attempts);
    return l->client ? 0 : -1;
}

int load_run(const struct load_options *o, struct sync_stats *stats)
{
    struct loader l = { .o = o, .stats = stats };
    l.progress.is_enabled = o->is_progress;
    int rc = open_state(&l);
    while (rc == 0 && !is_stopped(&l)) {
        int n_new = 0;
        rc = load_pass(&l, &n_new);
        if (rc < 0 || o->is_once)
            break;
        if (n_new == 0) {
            struct timespec ts = {
                .tv_sec = o->poll_interval_ms / 1000,
                .tv_nsec = (o->poll_interval_ms % 1000) * 1000000L };
            nanosleep(&ts, NULL);
        }
    }
    if (rc == 0 && o->snapshot)
        rc = write_snapshot(&l);
    if (rc == 0 && stats->rejected > 0)
        rc = 1;
    aws_client_free(l.client);
    lake_close(l.lake);
    cJSON_Delete(l.cp);
    return rc;
}
