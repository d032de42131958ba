/* The lake loader; see load.h. Which files are loaded is kept in the lake
 * itself (lake_mark_loaded), in the transaction that applies their rows: a
 * kill or crash at any moment leaves a file applied and recorded, or
 * neither, so each is applied exactly once. Files are applied in groups,
 * one transaction per LOAD_GROUP_MS of work and at the end of each pass,
 * so that commits stay few. The checkpoint file names the loader and keeps
 * the files it refused:
 *   {"version":2,"source":"s3://B/P","loader":ID,"rejected":{KEY:REASON}}
 * ID is made up on the first run and keys the loader's files in the lake,
 * so a new checkpoint starts over, as it always has. A version 1 checkpoint
 * listed the loaded files itself ("files":{KEY:ETAG}); the next run moves
 * that list into the lake. Each pass lists the whole prefix in key order
 * and takes the files not yet loaded: a shard's objects can land with keys
 * below ones already loaded, so "after the last key" would skip them. */
#include "sync/load.h"

#include "aws/aws.h"
#include "aws/aws_s3.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/mem.h"
#include "sync/checkpoint.h"
#include "sync/jsonl.h"
#include "sync/jsonl_scan.h"
#include "sync/lake.h"
#include "sync/sync.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOAD "load"
#define LOAD_BUCKET_MAX 64
#define LOAD_PREFIX_MAX 1024
#define LOAD_ID_BYTES 16 /* random bytes in a new loader's name */
#define LOAD_ID_MAX 64    /* longest name taken from a checkpoint */
/* A kill loses at most this much applied work, which is done again. */
#define LOAD_GROUP_MS 2000

void load_options_init(struct load_options *o)
{
    memset(o, 0, sizeof *o);
    o->poll_interval_ms = LOAD_DEFAULT_POLL_MS;
}

/* The open lake transaction and what its files add to the run's counts
 * once it commits. */
struct group {
    bool is_open;
    int64_t started_ns;
    struct sync_stats counts; /* read, written, skipped, objects */
};

struct loader {
    const struct load_options *o;
    struct sync_stats *stats;
    struct aws_client *client; /* ListObjectsV2 */
    struct aws_client *reader; /* GetObject, on the read-ahead thread */
    struct lake *lake;
    cJSON *cp;      /* owned */
    cJSON *rejects; /* borrowed from cp */
    char id[LOAD_ID_MAX + 1]; /* the loader's name, see above */
    char bucket[LOAD_BUCKET_MAX];
    char prefix[LOAD_PREFIX_MAX];
    struct group group;
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

/* One line of a landing file: scanned from the file's text (which it
 * borrows), or, when the scanner cannot vouch for it, parsed as a tree. */
struct line {
    struct jsonl_scanned fast; /* when doc is NULL */
    cJSON *doc;                /* owned; rec borrows it */
    struct jsonl_record rec;
};

/* A parsed landing file. */
struct parsed {
    struct line *lines; /* owned */
    size_t n, cap;
};

static void parsed_clear(struct parsed *p)
{
    for (size_t i = 0; i < p->n; i++)
        cJSON_Delete(p->lines[i].doc);
    free(p->lines);
}

static struct line *add_line(struct parsed *p)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 128;
        p->lines = xrealloc(p->lines, p->cap * sizeof *p->lines);
    }
    struct line *ln = &p->lines[p->n++];
    ln->doc = NULL;
    return ln;
}

/* Reads one line into p; -1 with jsonl_parse's reason. */
static int parse_line(struct parsed *p, const char *s, size_t len, char *err,
                      size_t errlen)
{
    struct line *ln = add_line(p);
    if (jsonl_scan_line(s, len, &ln->fast))
        return 0;
    return jsonl_parse(s, len, &ln->rec, &ln->doc, err, errlen);
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
        char err[JSONL_ERR_MAX];
        if (stop > s &&
            parse_line(p, s, (size_t)(stop - s), err, sizeof err) < 0) {
            snprintf(why, whylen, "line %zu: %s", line_no, err);
            return -1;
        }
        s = stop + 1;
    }
    if (p->n == 0) {
        snprintf(why, whylen, "no records");
        return -1;
    }
    return 0;
}

/* ---- Groups of files, one lake transaction each ----------------------- */

static void group_drop(struct loader *l)
{
    lake_rollback(l->lake);
    memset(&l->group, 0, sizeof l->group);
}

/* Commits the open group, if any, and counts its files into the run. */
static int group_commit(struct loader *l)
{
    struct group *g = &l->group;
    if (!g->is_open)
        return 0;
    if (lake_commit(l->lake) < 0) {
        group_drop(l);
        return -1;
    }
    l->stats->read += g->counts.read;
    l->stats->written += g->counts.written;
    l->stats->skipped += g->counts.skipped;
    l->stats->objects += g->counts.objects;
    memset(g, 0, sizeof *g);
    sync_progress(&l->progress, LOAD, l->stats);
    return 0;
}

static int group_open(struct loader *l)
{
    if (l->group.is_open)
        return 0;
    if (lake_begin(l->lake) < 0)
        return -1;
    l->group.is_open = true;
    l->group.started_ns = clock_monotonic_ns();
    return 0;
}

static bool group_is_due(const struct loader *l)
{
    return clock_monotonic_ns() - l->group.started_ns >=
           (int64_t)LOAD_GROUP_MS * 1000000;
}

/* A line's change, whichever way it was parsed: a whole document (doc) or
 * the fast scan. */
static const char *line_seq(const struct line *ln)
{
    return ln->doc ? ln->rec.sequence_number : ln->fast.sequence_number;
}

static bool line_is_remove(const struct line *ln)
{
    return strcmp(ln->doc ? ln->rec.event_name : ln->fast.event_name,
                  "REMOVE") == 0;
}

/* Appends the line's table and canonical key, each NUL-terminated. */
static void line_names(const struct line *ln, struct buf *names)
{
    if (ln->doc) {
        buf_append(names, ln->rec.table, strlen(ln->rec.table) + 1);
        jsonl_key_write(names, ln->rec.keys);
    } else {
        buf_append(names, ln->fast.table.p, ln->fast.table.len);
        buf_putc(names, '\0');
        jsonl_scanned_key_write(names, &ln->fast);
    }
    buf_putc(names, '\0');
}

/* A line's row: its table and key, borrowed from the file's names. */
struct keyed {
    size_t line;
    size_t names_at;
    const char *table;
    const char *key;
};

static int by_row(const struct keyed *x, const struct keyed *y)
{
    int c = strcmp(x->table, y->table);
    return c ? c : strcmp(x->key, y->key);
}

static int by_row_then_line(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    int c = by_row(x, y);
    return c ? c : x->line < y->line ? -1 : x->line > y->line;
}

/* The file's lines sorted by row, each row's in file order. */
static struct keyed *lines_by_row(const struct parsed *p, struct buf *names)
{
    struct keyed *k = xmalloc(p->n * sizeof *k);
    for (size_t i = 0; i < p->n; i++) {
        k[i].line = i;
        k[i].names_at = names->len;
        line_names(&p->lines[i], names);
    }
    for (size_t i = 0; i < p->n; i++) {
        k[i].table = names->data + k[i].names_at;
        k[i].key = k[i].table + strlen(k[i].table) + 1;
    }
    qsort(k, p->n, sizeof *k, by_row_then_line);
    return k;
}

static enum lake_result apply_line(struct loader *l, const struct line *ln,
                                   const struct keyed *k, struct buf *item)
{
    bool is_remove = line_is_remove(ln);
    buf_reset(item);
    if (!is_remove && ln->doc)
        json_write(item, ln->rec.new_image);
    else if (!is_remove)
        buf_append(item, ln->fast.new_image.p, ln->fast.new_image.len);
    return lake_apply(l->lake, k->table, k->key, line_seq(ln),
                      is_remove ? NULL : buf_cstr(item));
}

/* Applies the n changes a file makes to one row: a row changed several
 * times (a hot key) is written once, with the change left standing, and
 * counted as if each change had been applied in turn. */
static int apply_row(struct loader *l, const struct parsed *p,
                     const struct keyed *k, size_t n, struct buf *item)
{
    struct sync_stats *counts = &l->group.counts;
    if (n == 1) {
        enum lake_result res = apply_line(l, &p->lines[k->line], k, item);
        if (res == LAKE_APPLIED)
            counts->written++;
        else if (res == LAKE_STALE)
            counts->skipped++;
        return res == LAKE_ERROR ? -1 : 0;
    }
    const char **seqs = xmalloc(n * sizeof *seqs);
    for (size_t i = 0; i < n; i++)
        seqs[i] = line_seq(&p->lines[k[i].line]);
    size_t applied = 0;
    long standing = lake_standing(l->lake, k->table, k->key, seqs, n,
                                  &applied);
    free(seqs);
    if (standing == LAKE_STANDING_ERROR)
        return -1;
    counts->written += applied;
    counts->skipped += n - applied;
    if (standing == LAKE_STANDING_NONE)
        return 0;
    const struct keyed *s = &k[standing];
    return apply_line(l, &p->lines[s->line], s, item) == LAKE_ERROR ? -1
                                                                     : 0;
}

/* Applies a parsed file's changes and records it as loaded, in the open
 * group. */
static int apply_file(struct loader *l, const struct aws_s3_object *obj,
                      const struct parsed *p)
{
    struct buf names, item;
    buf_init(&names, 0);
    buf_init(&item, 0);
    struct keyed *k = lines_by_row(p, &names);
    int rc = 0;
    for (size_t i = 0, n; i < p->n && rc == 0; i += n) {
        n = 1;
        while (i + n < p->n && by_row(&k[i], &k[i + n]) == 0)
            n++;
        rc = apply_row(l, p, &k[i], n, &item);
    }
    if (rc == 0)
        rc = lake_mark_loaded(l->lake, l->id, obj->key, obj->etag);
    l->group.counts.read += p->n;
    l->group.counts.objects++;
    free(k);
    buf_clear(&names);
    buf_clear(&item);
    return rc;
}

/* ---- Files -------------------------------------------------------------- */

/* Refuses a file for good: in the lake's "rejected" table and the
 * checkpoint (durably, as the one record the loader reads back). The open
 * group is committed first, so what the checkpoint says never gets ahead
 * of the lake. */
static int reject(struct loader *l, const struct aws_s3_object *obj,
                  const char *why)
{
    fprintf(stderr, LOAD ": rejected s3://%s/%s: %s\n", l->bucket, obj->key,
            why);
    l->stats->rejected++;
    if (group_commit(l) < 0 || lake_reject(l->lake, obj->key, why) < 0)
        return -1;
    cJSON_AddItemToObject(l->rejects, obj->key, cJSON_CreateString(why));
    return save_checkpoint(l);
}

static int apply_in_group(struct loader *l, const struct aws_s3_object *obj,
                          const struct parsed *p)
{
    if (group_open(l) < 0)
        return -1;
    if (apply_file(l, obj, p) < 0) {
        group_drop(l);
        return -1;
    }
    return group_is_due(l) ? group_commit(l) : 0;
}

/* ---- Reading ahead ----------------------------------------------------- */

/* A landing file fetched and parsed. */
struct fetched {
    const struct aws_s3_object *obj; /* borrowed from the listing */
    struct buf body;
    struct parsed parsed;
    int rc;                          /* GetObject's */
    bool is_parsed;                  /* else why says what is wrong */
    char why[JSONL_ERR_MAX + 64];
};

/* Drops what was parsed; the body's storage stays for the next file. */
static void fetched_done(struct fetched *f)
{
    parsed_clear(&f->parsed);
    memset(&f->parsed, 0, sizeof f->parsed);
}

/* The next file is fetched and parsed on a thread of its own with the
 * loader's reader client while the main thread applies this one. Only the
 * main thread touches the lake, so what a crash leaves is unchanged. */
struct read_ahead {
    struct aws_client *client; /* borrowed; the thread's alone while it runs */
    const char *bucket;
    struct fetched file;
    uint64_t retries_before;
    bool is_running;
    pthread_t thread;
};

static void *fetch_file(void *arg)
{
    struct read_ahead *r = arg;
    struct fetched *f = &r->file;
    f->rc = aws_s3_get_object(r->client, r->bucket, f->obj->key, &f->body);
    f->is_parsed = f->rc == 0 && parse_file(&f->body, &f->parsed, f->why,
                                            sizeof f->why) == 0;
    return NULL;
}

/* Starts fetching obj; without a thread to spare, fetches it now. */
static void read_start(struct read_ahead *r, const struct aws_s3_object *obj)
{
    struct buf body = r->file.body; /* a file's storage, used again */
    memset(&r->file, 0, sizeof r->file);
    r->file.obj = obj;
    r->file.body = body;
    buf_reset(&r->file.body);
    r->retries_before = aws_client_retries(r->client);
    r->is_running = pthread_create(&r->thread, NULL, fetch_file, r) == 0;
    if (!r->is_running)
        fetch_file(r);
}

/* Waits for the file started last and hands it over in exchange for
 * out, whose body's storage the next fetch fills (a fresh buffer per file
 * was regrown by doubling, a copy of each body and more). */
static void read_finish(struct loader *l, struct read_ahead *r,
                        struct fetched *out)
{
    if (r->is_running)
        pthread_join(r->thread, NULL);
    r->is_running = false;
    l->stats->retried += aws_client_retries(r->client) - r->retries_before;
    struct fetched done = *out;
    *out = r->file;
    r->file = done;
}

/* ---- Passes ------------------------------------------------------------- */

/* 1 when the file is to be skipped: a folder placeholder, or loaded or
 * rejected before; 0 when it is new; -1 on a lake error. */
static int is_taken(struct loader *l, const char *key)
{
    size_t n = strlen(key);
    if (n > 0 && key[n - 1] == '/')
        return 1; /* a "folder" placeholder */
    if (json_get(l->rejects, key))
        return 1;
    return lake_is_loaded(l->lake, l->id, key);
}

/* Starts fetching the first file from listing index i on that is not
 * taken. Returns 1 when one is on its way, 0 when none is left, -1 on a
 * lake error. */
static int read_next(struct loader *l, const struct aws_s3_listing *ls,
                     size_t i, struct read_ahead *ahead)
{
    for (; i < ls->n && !is_stopped(l); i++) {
        int taken = is_taken(l, ls->objects[i].key);
        if (taken < 0)
            return -1;
        if (taken == 0) {
            read_start(ahead, &ls->objects[i]);
            return 1;
        }
    }
    return 0;
}

/* Applies a fetched file, or rejects it. */
static int take_file(struct loader *l, struct fetched *f)
{
    if (!f->is_parsed)
        return reject(l, f->obj, f->why);
    return apply_in_group(l, f->obj, &f->parsed);
}

/* One listing; *n_new counts the files taken. Whatever was applied is
 * committed before it returns, even when a file could not be fetched. */
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
    struct read_ahead ahead = { .client = l->reader, .bucket = l->bucket };
    struct fetched f = { 0 };
    buf_init(&ahead.file.body, 0);
    buf_init(&f.body, 0);
    int is_reading = read_next(l, &listing, 0, &ahead);
    rc = is_reading < 0 ? -1 : 0;
    while (is_reading > 0) {
        read_finish(l, &ahead, &f);
        (*n_new)++;
        if (f.rc < 0) {
            sync_report_error(LOAD, "GetObject", l->reader);
            fetched_done(&f);
            rc = -1;
            break;
        }
        size_t i = (size_t)(f.obj - listing.objects);
        is_reading = read_next(l, &listing, i + 1, &ahead);
        rc = is_reading < 0 ? -1 : take_file(l, &f);
        fetched_done(&f);
        if (rc < 0 && is_reading > 0) {
            read_finish(l, &ahead, &f); /* not taken: dropped */
            fetched_done(&f);
        }
        if (rc < 0)
            break;
    }
    buf_clear(&f.body);
    buf_clear(&ahead.file.body);
    if (group_commit(l) < 0)
        rc = -1;
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

/* ---- The checkpoint ----------------------------------------------------- */

/* Moves a version 1 checkpoint's list of loaded files into the lake. The
 * lake is synced before the checkpoint drops the list: otherwise a power
 * cut could keep the new checkpoint and lose the lake's copy. */
static int adopt_listed_files(struct loader *l)
{
    const cJSON *files = json_get(l->cp, "files");
    if (files == NULL)
        return 0;
    int rc = lake_begin(l->lake);
    const cJSON *f;
    cJSON_ArrayForEach(f, files) {
        const char *etag = cJSON_IsString(f) ? f->valuestring : "";
        if (rc == 0)
            rc = lake_mark_loaded(l->lake, l->id, f->string, etag);
    }
    if (rc == 0)
        rc = lake_commit(l->lake);
    if (rc < 0) {
        lake_rollback(l->lake);
        return -1;
    }
    if (lake_sync(l->lake) < 0)
        return -1;
    cJSON_DeleteItemFromObjectCaseSensitive(l->cp, "files");
    return 1;
}

static void set_member(cJSON *obj, const char *name, cJSON *value)
{
    if (cJSON_GetObjectItemCaseSensitive(obj, name))
        cJSON_ReplaceItemInObjectCaseSensitive(obj, name, value);
    else
        cJSON_AddItemToObject(obj, name, value);
}

/* Loads the checkpoint, naming the loader on its first run. A new name is
 * saved before any file is recorded under it in the lake. */
static int open_checkpoint(struct loader *l)
{
    char err[512];
    if (checkpoint_load(l->o->checkpoint, &l->cp, err, sizeof err) < 0) {
        fprintf(stderr, LOAD ": %s\n", err);
        return -1;
    }
    const cJSON *id = json_get(l->cp, "loader");
    bool is_named = id != NULL;
    if (is_named && (!cJSON_IsString(id) || id->valuestring[0] == '\0' ||
                     strlen(id->valuestring) > LOAD_ID_MAX)) {
        fprintf(stderr, LOAD ": %s: \"loader\" is not a loader's name\n",
                l->o->checkpoint);
        return -1;
    }
    if (is_named) {
        snprintf(l->id, sizeof l->id, "%s", id->valuestring);
    } else {
        uint8_t bytes[LOAD_ID_BYTES];
        crypto_random(bytes, sizeof bytes);
        crypto_hex(bytes, sizeof bytes, l->id);
    }
    int adopted = adopt_listed_files(l);
    if (adopted < 0)
        return -1;
    set_member(l->cp, "version", cJSON_CreateNumber(2));
    set_member(l->cp, "loader", cJSON_CreateString(l->id));
    if (json_get(l->cp, "source") == NULL)
        cJSON_AddStringToObject(l->cp, "source", l->o->from);
    l->rejects = member_object(l->cp, "rejected");
    return is_named && !adopted ? 0 : save_checkpoint(l);
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
    l->client = sync_client_new(l->o->endpoint, l->o->max_attempts);
    l->reader = l->client ? sync_client_new(l->o->endpoint,
                                            l->o->max_attempts)
                          : NULL;
    if (l->reader == NULL)
        return -1;
    l->lake = lake_open(l->o->lake, err, sizeof err);
    if (l->lake == NULL) {
        fprintf(stderr, LOAD ": %s\n", err);
        return -1;
    }
    return open_checkpoint(l);
}

static void pause_ms(long ms)
{
    struct timespec ts = { .tv_sec = ms / 1000,
                           .tv_nsec = (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

int load_run(const struct load_options *o, struct sync_stats *stats)
{
    struct loader l = { .o = o, .stats = stats };
    l.progress.is_enabled = o->is_progress;
    int rc = open_state(&l);
    bool is_open = rc == 0;
    while (rc == 0 && !is_stopped(&l)) {
        int n_new = 0;
        rc = load_pass(&l, &n_new);
        if (rc < 0 || o->is_once)
            break;
        if (n_new == 0)
            pause_ms(o->poll_interval_ms);
    }
    /* What this run reports as loaded is on disk before it returns. */
    if (is_open && lake_sync(l.lake) < 0)
        rc = -1;
    if (rc == 0 && o->snapshot)
        rc = write_snapshot(&l);
    if (rc == 0 && stats->rejected > 0)
        rc = 1;
    aws_client_free(l.client);
    aws_client_free(l.reader);
    lake_close(l.lake);
    cJSON_Delete(l.cp);
    return rc;
}
