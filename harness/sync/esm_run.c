/* The event-source-mapping runner's stream side; see esm.h. Like the
 * shipper's poller it follows every shard of the stream, a child only once
 * its parent is read to the end, and keeps each shard's position in a
 * checkpoint ({"version":1,"stream_arn":ARN,"shards":{ID:{"last":SEQ,
 * "done":bool}}}, in memory without --checkpoint). Each round gathers a
 * shard's records (up to the batch size, or the batching window), filters
 * them, delivers them lane by lane (sync/esm.c), and only then moves the
 * shard's position past them. */
#include "sync/esm.h"

#include "aws/aws.h"
#include "aws/aws_s3.h"
#include "aws/aws_streams.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/mem.h"
#include "sync/checkpoint.h"
#include "sync/esm_invoke.h"
#include "sync/ship.h"
#include "sync/sync.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ESM "esm"
#define ESM_TABLE_MAX 256
#define ESM_BUCKET_MAX 64
#define ESM_PREFIX_MAX 1024
/* GetRecords returns at most 1000 records. */
#define ESM_PAGE_MAX 1000

struct runner {
    const struct esm_options *o;
    struct sync_stats *stats;
    struct esm_counts *counts;
    struct aws_config cfg;          /* owned: as whom the runner calls */
    struct aws_client *client;      /* owned: streams */
    char *arn;                      /* owned */
    char table[ESM_TABLE_MAX];
    char *hash_key;                 /* owned, or NULL */
    cJSON *cp;                      /* owned checkpoint */
    cJSON *iterators;               /* owned: shard id -> iterator */
    cJSON *latest;                  /* owned: shards to start at LATEST */
    bool is_started;                /* the first describe has been seen */
    struct esm_handler handler;
    struct ship_options ship;       /* the built-in handler's options */
    struct esm_command *command;    /* owned, or NULL */
    struct aws_client *dest;        /* owned: on-failure destination */
    char dest_bucket[ESM_BUCKET_MAX];
    char dest_prefix[ESM_PREFIX_MAX];
    pthread_mutex_t dest_lock;      /* guards dest and failure_objects */
    uint64_t failure_objects;
    struct sync_progress progress;
};

static bool is_stopped(const struct runner *r)
{
    return r->o->stop && *r->o->stop;
}

static bool error_is(const struct runner *r, const char *code)
{
    return strcmp(aws_client_error(r->client)->code, code) == 0;
}

static void count_retries(struct runner *r, uint64_t before)
{
    r->stats->retried += aws_client_retries(r->client) - before;
}

static void set_member(cJSON *obj, const char *name, cJSON *value)
{
    if (cJSON_GetObjectItemCaseSensitive(obj, name))
        cJSON_ReplaceItemInObjectCaseSensitive(obj, name, value);
    else
        cJSON_AddItemToObject(obj, name, value);
}

/* ---- Checkpoint ------------------------------------------------------------ */

static cJSON *shard_state(struct runner *r, const char *shard)
{
    cJSON *shards = cJSON_GetObjectItemCaseSensitive(r->cp, "shards");
    if (!cJSON_IsObject(shards)) {
        cJSON_DeleteItemFromObjectCaseSensitive(r->cp, "shards");
        shards = cJSON_AddObjectToObject(r->cp, "shards");
    }
    cJSON *st = cJSON_GetObjectItemCaseSensitive(shards, shard);
    if (!cJSON_IsObject(st)) {
        cJSON_DeleteItemFromObjectCaseSensitive(shards, shard);
        st = cJSON_AddObjectToObject(shards, shard);
    }
    return st;
}

static int save_checkpoint(struct runner *r)
{
    char err[512];
    if (r->o->checkpoint == NULL)
        return 0;
    if (checkpoint_save(r->o->checkpoint, r->cp, err, sizeof err) < 0) {
        fprintf(stderr, ESM ": checkpoint: %s\n", err);
        return -1;
    }
    return 0;
}

static int load_checkpoint(struct runner *r)
{
    char err[512];
    if (r->o->checkpoint == NULL) {
        r->cp = cJSON_CreateObject();
    } else if (checkpoint_load(r->o->checkpoint, &r->cp, err,
                               sizeof err) < 0) {
        fprintf(stderr, ESM ": %s\n", err);
        return -1;
    }
    const char *arn = json_get_string(r->cp, "stream_arn");
    if (arn && strcmp(arn, r->arn) != 0)
        cJSON_DeleteItemFromObjectCaseSensitive(r->cp, "shards");
    set_member(r->cp, "version", cJSON_CreateNumber(1));
    set_member(r->cp, "stream_arn", cJSON_CreateString(r->arn));
    return 0;
}

static bool is_done(struct runner *r, const char *shard)
{
    return cJSON_IsTrue(json_get(shard_state(r, shard), "done"));
}

/* ---- On-failure destination --------------------------------------------- */

static int write_failure(void *ctx, const struct esm_failure *f)
{
    struct runner *r = ctx;
    if (r->dest == NULL)
        return 0;
    struct buf doc, key;
    buf_init(&doc, 0);
    buf_init(&key, 0);
    esm_failure_write(&doc, f, clock_real_ms());
    const char *first = json_get_string(json_get(f->records[0], "dynamodb"),
                                        "SequenceNumber");
    const char *last = json_get_string(json_get(f->records[f->n - 1],
                                                "dynamodb"),
                                       "SequenceNumber");
    buf_printf(&key, "%s%s/%s/%s-%s.json", r->dest_prefix, r->table,
               f->shard, first ? first : "?", last ? last : "?");
    pthread_mutex_lock(&r->dest_lock);
    int rc = aws_s3_put_object(r->dest, r->dest_bucket, buf_cstr(&key),
                               doc.data, doc.len, "application/json");
    if (rc < 0)
        sync_report_error(ESM, "PutObject (on-failure destination)",
                          r->dest);
    else
        r->failure_objects++;
    pthread_mutex_unlock(&r->dest_lock);
    buf_clear(&doc);
    buf_clear(&key);
    return rc;
}

/* ---- Lanes --------------------------------------------------------------- */

struct lane {
    const struct esm_engine *engine;
    cJSON **records;               /* owned array, borrowed records */
    size_t n;
    struct esm_counts counts;
    struct sync_stats stats;
    int rc;
    pthread_t thread;
};

static void *lane_main(void *arg)
{
    struct lane *l = arg;
    l->rc = esm_deliver(l->engine, l->records, l->n, &l->counts, &l->stats);
    return NULL;
}

static void merge(struct runner *r, const struct lane *l)
{
    struct esm_counts *c = r->counts;
    c->invocations += l->counts.invocations;
    c->function_errors += l->counts.function_errors;
    c->partial_failures += l->counts.partial_failures;
    c->bisections += l->counts.bisections;
    c->discarded += l->counts.discarded;
    r->stats->written += l->stats.written;
    r->stats->rejected += l->stats.rejected;
    r->stats->retried += l->stats.retried;
}

/* Delivers the matching records of one gathered round, split into lanes by
 * partition key and run side by side. */
static int deliver_round(struct runner *r, const char *shard,
                         const cJSON *records)
{
    int lanes = r->o->parallelization > 1 ? r->o->parallelization : 1;
    size_t total = (size_t)cJSON_GetArraySize(records);
    struct esm_engine engine = {
        .cfg = &r->o->cfg, .handler = r->handler,
        .on_failure = write_failure, .failure_ctx = r, .shard = shard,
        .stream_arn = r->arn,
    };
    struct lane *ls = xcalloc((size_t)lanes, sizeof *ls);
    for (int i = 0; i < lanes; i++) {
        ls[i].engine = &engine;
        ls[i].records = xcalloc(total + 1, sizeof *ls[i].records);
    }
    const cJSON *rec;
    cJSON_ArrayForEach(rec, records) {
        if (!esm_filter_matches(&r->o->filter, rec)) {
            r->counts->filtered++;
            r->stats->skipped++;
            continue;
        }
        struct lane *l = &ls[esm_lane(rec, r->hash_key, lanes)];
        l->records[l->n++] = (cJSON *)(uintptr_t)rec;
    }
    int rc = 0;
    if (lanes == 1) {
        lane_main(&ls[0]);
    } else {
        for (int i = 0; i < lanes; i++)
            pthread_create(&ls[i].thread, NULL, lane_main, &ls[i]);
        for (int i = 0; i < lanes; i++)
            pthread_join(ls[i].thread, NULL);
    }
    for (int i = 0; i < lanes; i++) {
        merge(r, &ls[i]);
        rc |= ls[i].rc;
        free(ls[i].records);
    }
    free(ls);
    return rc < 0 ? -1 : 0;
}

/* ---- Reading a shard ----------------------------------------------------- */

/* An iterator for the shard: after its checkpoint, else LATEST for shards
 * open when the mapping started with LATEST, else TRIM_HORIZON. NULL when
 * the shard is gone. */
static int open_iterator(struct runner *r, const char *shard,
                         const char *after, char **it)
{
    const char *last = after ? after
                             : json_get_string(shard_state(r, shard), "last");
    const char *type = last ? "AFTER_SEQUENCE_NUMBER"
                     : json_get(r->latest, shard) ? "LATEST"
                                                  : "TRIM_HORIZON";
    uint64_t before = aws_client_retries(r->client);
    int rc = aws_streams_get_iterator(r->client, r->arn, shard, type, last,
                                      it);
    if (rc < 0 && error_is(r, "TrimmedDataAccessException")) {
        fprintf(stderr, ESM ": DATA LOSS: %s: records after %s were "
                "trimmed before they were delivered\n", shard, last);
        r->stats->lost++;
        rc = aws_streams_get_iterator(r->client, r->arn, shard,
                                      "TRIM_HORIZON", NULL, it);
    }
    if (rc < 0 && error_is(r, "ResourceNotFoundException")) {
        *it = NULL;
        rc = 0;
    }
    count_retries(r, before);
    if (rc < 0)
        sync_report_error(ESM, "GetShardIterator", r->client);
    return rc;
}

/* The stream record as Lambda delivers it: the GetRecords record plus
 * eventSourceARN. */
static void append_records(struct runner *r, cJSON *into, cJSON *page)
{
    cJSON *records = cJSON_DetachItemFromObjectCaseSensitive(page,
                                                             "Records");
    cJSON *rec;
    while (records && (rec = cJSON_DetachItemFromArray(records, 0))) {
        if (!json_get(rec, "eventSourceARN"))
            cJSON_AddStringToObject(rec, "eventSourceARN", r->arn);
        cJSON_AddItemToArray(into, rec);
    }
    cJSON_Delete(records);
}

struct gather {
    cJSON *records;     /* owned array */
    bool is_closed;     /* the shard ended */
    bool is_caught_up;  /* the last page was empty */
};

static void pause_ms(long ms)
{
    struct timespec ts = { .tv_sec = ms / 1000,
                           .tv_nsec = (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* One GetRecords into g; replaces *it (freed) with the next iterator. */
static int read_page(struct runner *r, const char *shard, char **it,
                     struct gather *g)
{
    cJSON *page = NULL;
    uint64_t before = aws_client_retries(r->client);
    int rc = aws_streams_get_records(r->client, *it, ESM_PAGE_MAX, &page);
    count_retries(r, before);
    free(*it);
    *it = NULL;
    if (rc < 0 && error_is(r, "ExpiredIteratorException")) {
        int n = cJSON_GetArraySize(g->records);
        const char *after = n ? json_get_string(json_get(cJSON_GetArrayItem(
                                    g->records, n - 1), "dynamodb"),
                                                "SequenceNumber")
                              : NULL;
        return open_iterator(r, shard, after, it);
    }
    if (rc < 0) {
        sync_report_error(ESM, "GetRecords", r->client);
        return -1;
    }
    int n = cJSON_GetArraySize(json_get(page, "Records"));
    append_records(r, g->records, page);
    const char *next = json_get_string(page, "NextShardIterator");
    g->is_closed = next == NULL;
    g->is_caught_up = n == 0;
    if (next)
        *it = xstrdup(next);
    cJSON_Delete(page);
    return 0;
}

/* Gathers a round: until the batch is full, the window closes, the shard
 * ends or (without a window) the first records arrive. */
static int gather(struct runner *r, const char *shard, char **it,
                  struct gather *g)
{
    int64_t deadline = clock_real_ms() + r->o->cfg.window_s * 1000;
    g->records = cJSON_CreateArray();
    for (;;) {
        if (*it == NULL)
            return open_iterator(r, shard, NULL, it);
        if (read_page(r, shard, it, g) < 0)
            return -1;
        int n = cJSON_GetArraySize(g->records);
        if (g->is_closed || *it == NULL || n >= r->o->cfg.batch_size ||
            is_stopped(r))
            return 0;
        if (!g->is_caught_up)
            continue;
        int64_t left = deadline - clock_real_ms();
        if (n == 0 || r->o->is_once || left <= 0)
            return 0;
        pause_ms(left < r->o->poll_interval_ms ? (long)left
                                               : r->o->poll_interval_ms);
    }
}

/* Reads and delivers a shard until it is caught up or ends. *n_read counts
 * the records read. */
static int run_shard(struct runner *r, const char *shard, uint64_t *n_read)
{
    const char *kept = json_get_string(r->iterators, shard);
    char *it = kept ? xstrdup(kept) : NULL;
    int rc = 0;
    if (it == NULL)
        rc = open_iterator(r, shard, NULL, &it);
    if (rc == 0 && it == NULL) {
        set_member(shard_state(r, shard), "done", cJSON_CreateTrue());
        return save_checkpoint(r);
    }
    bool is_more = true;
    while (rc == 0 && is_more && !is_stopped(r)) {
        struct gather g = { 0 };
        rc = gather(r, shard, &it, &g);
        int n = cJSON_GetArraySize(g.records);
        if (rc == 0 && n > 0)
            rc = deliver_round(r, shard, g.records);
        if (rc == 0 && n > 0) {
            const char *last = json_get_string(json_get(
                cJSON_GetArrayItem(g.records, n - 1), "dynamodb"),
                "SequenceNumber");
            set_member(shard_state(r, shard), "last",
                       cJSON_CreateString(last ? last : ""));
            r->stats->read += (uint64_t)n;
            *n_read += (uint64_t)n;
        }
        if (rc == 0 && g.is_closed)
            set_member(shard_state(r, shard), "done", cJSON_CreateTrue());
        if (rc == 0 && (n > 0 || g.is_closed))
            rc = save_checkpoint(r);
        is_more = !g.is_closed && !g.is_caught_up && it != NULL;
        cJSON_Delete(g.records);
        sync_progress(&r->progress, ESM, r->stats);
    }
    cJSON_DeleteItemFromObjectCaseSensitive(r->iterators, shard);
    if (it)
        cJSON_AddStringToObject(r->iterators, shard, it);
    free(it);
    return rc;
}

/* ---- Following the stream ------------------------------------------------ */

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

/* On the first describe with LATEST and no checkpoint: closed shards are
 * history (skipped), open ones start at their tip. Shards that appear
 * later start at their beginning. */
static void start_latest(struct runner *r, const cJSON *shards)
{
    bool has_positions = json_get(r->cp, "shards") &&
                         json_get(r->cp, "shards")->child;
    if (r->is_started || !r->o->is_latest || has_positions)
        return;
    const cJSON *sh;
    cJSON_ArrayForEach(sh, shards) {
        const char *id = json_get_string(sh, "ShardId");
        bool is_closed = json_get(json_get(sh, "SequenceNumberRange"),
                                  "EndingSequenceNumber") != NULL;
        if (id && is_closed)
            set_member(shard_state(r, id), "done", cJSON_CreateTrue());
        else if (id)
            cJSON_AddTrueToObject(r->latest, id);
    }
}

static int run_pass(struct runner *r, uint64_t *n_read)
{
    cJSON *desc = NULL;
    uint64_t before = aws_client_retries(r->client);
    int rc = aws_streams_describe(r->client, r->arn, &desc);
    count_retries(r, before);
    if (rc < 0) {
        sync_report_error(ESM, "DescribeStream", r->client);
        return -1;
    }
    if (r->hash_key == NULL) {
        const cJSON *k;
        cJSON_ArrayForEach(k, json_get(desc, "KeySchema")) {
            const char *type = json_get_string(k, "KeyType");
            if (type && strcmp(type, "HASH") == 0 &&
                json_get_string(k, "AttributeName"))
                r->hash_key = xstrdup(json_get_string(k, "AttributeName"));
        }
    }
    const cJSON *shards = json_get(desc, "Shards");
    start_latest(r, shards);
    r->is_started = true;
    bool is_progressing = true;
    while (rc == 0 && is_progressing && !is_stopped(r)) {
        is_progressing = false;
        const cJSON *sh;
        cJSON_ArrayForEach(sh, shards) {
            const char *id = json_get_string(sh, "ShardId");
            const char *parent = json_get_string(sh, "ParentShardId");
            if (id == NULL || is_done(r, id))
                continue;
            if (parent && find_shard(shards, parent) && !is_done(r, parent))
                continue;
            rc = run_shard(r, id, n_read);
            if (rc < 0 || is_stopped(r))
                break;
            is_progressing |= is_done(r, id);
        }
    }
    cJSON_Delete(desc);
    return rc;
}

/* ---- Setting up ----------------------------------------------------------- */

/* Replaces the runner's credentials with the role's when there is one. */
static int become_role(struct runner *r, struct esm_credentials *creds)
{
    char err[1024];
    if (r->o->role == NULL)
        return 0;
    if (esm_invoke_assume_role(&r->cfg, r->o->role, creds, err,
                               sizeof err) < 0) {
        fprintf(stderr, ESM ": %s\n", err);
        return -1;
    }
    free(r->cfg.access_key_id);
    free(r->cfg.secret_access_key);
    free(r->cfg.session_token);
    r->cfg.access_key_id = xstrdup(creds->access_key_id);
    r->cfg.secret_access_key = xstrdup(creds->secret_access_key);
    r->cfg.session_token = xstrdup(creds->session_token);
    if (r->o->is_progress)
        fprintf(stderr, ESM ": running as role %s (assumed as "
                "lambda.amazonaws.com)\n", r->o->role);
    return 0;
}

/* The command's environment: the role's credentials (or the caller's),
 * the endpoint and region, and Lambda's function variables. */
static void command_env(struct runner *r, char lines[][4200], size_t *n)
{
    const struct aws_config *c = &r->cfg;
    size_t k = 0;
    if (c->access_key_id && c->secret_access_key) {
        snprintf(lines[k++], 4200, "AWS_ACCESS_KEY_ID=%s", c->access_key_id);
        snprintf(lines[k++], 4200, "AWS_SECRET_ACCESS_KEY=%s",
                 c->secret_access_key);
        if (c->session_token)
            snprintf(lines[k++], 4200, "AWS_SESSION_TOKEN=%s",
                     c->session_token);
        else
            snprintf(lines[k++], 4200, "AWS_SESSION_TOKEN");
        snprintf(lines[k++], 4200, "AWS_PROFILE");
    }
    if (c->endpoint)
        snprintf(lines[k++], 4200, "AWS_ENDPOINT_URL=%s", c->endpoint);
    snprintf(lines[k++], 4200, "AWS_REGION=%s", c->region);
    snprintf(lines[k++], 4200, "AWS_DEFAULT_REGION=%s", c->region);
    snprintf(lines[k++], 4200, "AWS_LAMBDA_FUNCTION_NAME=dynalake-esm-%s",
             r->table);
    snprintf(lines[k++], 4200, "AWS_LAMBDA_FUNCTION_TIMEOUT=%ld",
             r->o->timeout_s);
    snprintf(lines[k++], 4200, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128");
    *n = k;
}

/* The built-in shipper reads its credentials from the environment. */
static void export_role_env(const struct runner *r)
{
    if (r->o->role == NULL)
        return;
    setenv("AWS_ACCESS_KEY_ID", r->cfg.access_key_id, 1);
    setenv("AWS_SECRET_ACCESS_KEY", r->cfg.secret_access_key, 1);
    setenv("AWS_SESSION_TOKEN", r->cfg.session_token, 1);
    unsetenv("AWS_PROFILE");
}

static int setup_handler(struct runner *r)
{
    if (r->o->command) {
        char lines[12][4200];
        const char *env[13];
        size_t n = 0;
        command_env(r, lines, &n);
        for (size_t i = 0; i < n; i++)
            env[i] = lines[i];
        env[n] = NULL;
        r->command = esm_command_new(r->o->command, env,
                                     r->o->timeout_s * 1000);
        r->handler.invoke = esm_command_invoke;
        r->handler.ctx = r->command;
        return 0;
    }
    if (r->o->to == NULL) {
        fprintf(stderr, ESM ": the built-in shipper needs --to "
                "s3://BUCKET/PREFIX (or give a COMMAND)\n");
        return -1;
    }
    ship_options_init(&r->ship);
    r->ship.to = r->o->to;
    r->ship.endpoint = r->cfg.endpoint;
    r->ship.format = r->o->format;
    r->ship.max_attempts = r->o->max_attempts;
    export_role_env(r);
    r->handler.invoke = esm_builtin_invoke;
    r->handler.ctx = &r->ship;
    return 0;
}

static int setup_destination(struct runner *r)
{
    if (r->o->on_failure == NULL)
        return 0;
    if (aws_s3_url_parse(r->o->on_failure, r->dest_bucket,
                         sizeof r->dest_bucket, r->dest_prefix,
                         sizeof r->dest_prefix - 1) < 0) {
        fprintf(stderr, ESM ": --on-failure must be s3://BUCKET/PREFIX\n");
        return -1;
    }
    size_t n = strlen(r->dest_prefix);
    if (n > 0 && r->dest_prefix[n - 1] != '/')
        strcat(r->dest_prefix, "/");
    r->dest = aws_client_new(&r->cfg);
    return 0;
}

static int resolve_stream(struct runner *r)
{
    if (r->o->stream_arn) {
        r->arn = xstrdup(r->o->stream_arn);
    } else {
        uint64_t before = aws_client_retries(r->client);
        int rc = aws_streams_latest_arn(r->client, r->o->table, &r->arn);
        count_retries(r, before);
        if (rc < 0) {
            sync_report_error(ESM, "ListStreams", r->client);
            return -1;
        }
        if (r->arn == NULL) {
            fprintf(stderr, ESM ": table %s has no stream\n", r->o->table);
            return -1;
        }
    }
    if (jsonl_table_from_arn(r->arn, r->table, sizeof r->table) < 0) {
        fprintf(stderr, ESM ": %s is not a stream ARN\n", r->arn);
        return -1;
    }
    return 0;
}

static int setup(struct runner *r)
{
    char err[512];
    struct esm_credentials creds;
    if (aws_config_load(&r->cfg, r->o->endpoint, err, sizeof err) < 0 &&
        r->o->role == NULL) {
        fprintf(stderr, ESM ": %s\n", err);
        return -1;
    }
    if (r->o->max_attempts > 0)
        r->cfg.max_attempts = r->o->max_attempts;
    if (become_role(r, &creds) < 0)
        return -1;
    r->client = aws_client_new(&r->cfg);
    if (resolve_stream(r) < 0 || load_checkpoint(r) < 0 ||
        setup_destination(r) < 0)
        return -1;
    return setup_handler(r);
}

int esm_run(const struct esm_options *o, struct sync_stats *stats,
            struct esm_counts *counts)
{
    struct runner r = { .o = o, .stats = stats, .counts = counts };
    r.progress.is_enabled = o->is_progress;
    r.iterators = cJSON_CreateObject();
    r.latest = cJSON_CreateObject();
    pthread_mutex_init(&r.dest_lock, NULL);
    if (o->table == NULL && o->stream_arn == NULL) {
        fprintf(stderr, ESM ": --table or --stream-arn is required\n");
        return -1;
    }
    /* A command that exits without reading its event must not kill us. */
    signal(SIGPIPE, SIG_IGN);
    int rc = setup(&r);
    while (rc == 0 && !is_stopped(&r)) {
        uint64_t n_read = 0;
        rc = run_pass(&r, &n_read);
        if (rc < 0 || (o->is_once && n_read == 0))
            break;
        if (n_read == 0)
            pause_ms(o->poll_interval_ms);
    }
    counts->failure_objects += r.failure_objects;
    if (rc == 0 && (counts->discarded > 0 || stats->lost > 0))
        rc = 1;
    aws_client_free(r.client);
    aws_client_free(r.dest);
    esm_command_free(r.command);
    aws_config_clear(&r.cfg);
    cJSON_Delete(r.cp);
    cJSON_Delete(r.iterators);
    cJSON_Delete(r.latest);
    free(r.arn);
    free(r.hash_key);
    pthread_mutex_destroy(&r.dest_lock);
    return rc;
}
