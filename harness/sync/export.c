/* The bulk exporter; see export.h. The main thread describes the table,
 * writes _started, starts one worker per segment and, only when every
 * worker succeeded, writes the manifests (files first, then the summary
 * that points at them), each with its .checksum (hex MD5 of the manifest).
 * Workers share nothing but the result list and counters, under a lock. */
#include "sync/export.h"

#include "aws/aws.h"
#include "aws/aws_ddb.h"
#include "aws/aws_s3.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/mem.h"
#include "sync/sync.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXPORT "export"
#define EXPORT_BUCKET_MAX 64
#define EXPORT_PREFIX_MAX 900
#define EXPORT_BASE_MAX 1000

void export_options_init(struct export_options *o)
{
    memset(o, 0, sizeof *o);
    o->segments = 4;
}

/* ---- Manifests ---------------------------------------------------------- */

void export_file_checksums(struct export_file *f, const void *gz, size_t len)
{
    uint8_t md5[CRYPTO_MD5_LEN];
    struct buf b;
    crypto_md5(gz, len, md5);
    crypto_hex(md5, sizeof md5, f->etag);
    buf_init(&b, 0);
    crypto_base64_encode(md5, sizeof md5, &b);
    snprintf(f->md5_base64, sizeof f->md5_base64, "%s", buf_cstr(&b));
    buf_clear(&b);
}

void export_manifest_line(struct buf *out, const struct export_file *f)
{
    buf_printf(out, "{\"itemCount\":%" PRIu64 ",\"md5\":\"%s\",\"etag\":"
               "\"%s\",\"dataFileS3Key\":", f->items, f->md5_base64, f->etag);
    json_write_string(out, f->key, strlen(f->key));
    buf_puts(out, "}\n");
}

void export_time_format(char *out, size_t len, int64_t ms)
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    char day[32];
    gmtime_r(&secs, &tm);
    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, len, "%s.%03dZ", day, (int)(ms % 1000));
}

void export_id_format(char *out, size_t len, int64_t ms, uint32_t random)
{
    snprintf(out, len, "%014" PRId64 "-%08" PRIx32, ms, random);
}

static void member_string(struct buf *out, const char *name, const char *v)
{
    buf_printf(out, "\"%s\":", name);
    if (v)
        json_write_string(out, v, strlen(v));
    else
        buf_puts(out, "null");
}

void export_summary_write(struct buf *out, const struct export_summary *s)
{
    char start[40], end[40];
    export_time_format(start, sizeof start, s->start_ms);
    export_time_format(end, sizeof end, s->end_ms);
    buf_puts(out, "{\"version\":\"2020-06-30\",");
    member_string(out, "exportArn", s->export_arn);
    buf_putc(out, ',');
    member_string(out, "startTime", start);
    buf_putc(out, ',');
    member_string(out, "endTime", end);
    buf_putc(out, ',');
    member_string(out, "tableArn", s->table_arn);
    buf_putc(out, ',');
    member_string(out, "tableId", s->table_id);
    buf_putc(out, ',');
    member_string(out, "exportTime", start);
    buf_putc(out, ',');
    member_string(out, "s3Bucket", s->bucket);
    buf_putc(out, ',');
    member_string(out, "s3Prefix", s->prefix && *s->prefix ? s->prefix
                                                           : NULL);
    buf_puts(out, ",\"s3SseAlgorithm\":\"AES256\",\"s3SseKmsKeyId\":null,");
    member_string(out, "manifestFilesS3Key", s->manifest_files_key);
    buf_printf(out, ",\"billedSizeBytes\":%" PRIu64 ",\"itemCount\":%" PRIu64
               ",\"outputFormat\":\"DYNAMODB_JSON\",\"exportType\":"
               "\"FULL_EXPORT\"}", s->billed_bytes, s->items);
}

/* ---- The run ------------------------------------------------------------ */

struct exporter {
    const struct export_options *o;
    struct sync_stats *stats;
    char bucket[EXPORT_BUCKET_MAX];
    char prefix[EXPORT_PREFIX_MAX];   /* as given, without a trailing '/' */
    char base[EXPORT_BASE_MAX];       /* "PREFIX/AWSDynamoDB/<id>/" */
    pthread_mutex_t lock;             /* guards everything below */
    struct export_file *files;        /* owned */
    size_t n_files;
    uint64_t billed_bytes;
    bool is_failed;
    struct sync_progress progress;
};

struct worker {
    struct exporter *e;
    int segment;
    pthread_t thread;
    struct aws_client *client;        /* owned: this segment's connection */
    struct buf lines;                 /* the open data file, uncompressed */
    uint64_t items;                   /* in lines */
};

static int put(struct aws_client *c, struct exporter *e, const char *key,
               const void *body, size_t len, const char *type)
{
    uint64_t before = aws_client_retries(c);
    int rc = aws_s3_put_object(c, e->bucket, key, body, len, type);
    pthread_mutex_lock(&e->lock);
    e->stats->retried += aws_client_retries(c) - before;
    if (rc == 0)
        e->stats->objects++;
    pthread_mutex_unlock(&e->lock);
    if (rc < 0)
        sync_report_error(EXPORT, "PutObject", c);
    return rc;
}

/* A data file name: 26 characters from [a-z0-9], as the native export's
 * are random. */
static void data_key(const struct exporter *e, char *out, size_t len)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    uint8_t r[26];
    char name[27];
    crypto_random(r, sizeof r);
    for (size_t i = 0; i < sizeof r; i++)
        name[i] = alphabet[r[i] % (sizeof alphabet - 1)];
    name[26] = '\0';
    snprintf(out, len, "%sdata/%s.json.gz", e->base, name);
}

/* Gzips and writes the worker's open file, then lists it. */
static int flush_file(struct worker *w)
{
    struct exporter *e = w->e;
    struct export_file f = { .items = w->items };
    struct buf gz;
    buf_init(&gz, 0);
    int rc = crypto_gzip(w->lines.data ? w->lines.data : "", w->lines.len,
                         &gz);
    if (rc < 0)
        fprintf(stderr, EXPORT ": segment %d: gzip failed\n", w->segment);
    if (rc == 0) {
        data_key(e, f.key, sizeof f.key);
        export_file_checksums(&f, gz.data ? gz.data : "", gz.len);
        rc = put(w->client, e, f.key, gz.data ? gz.data : "", gz.len,
                 "application/gzip");
    }
    if (rc == 0) {
        pthread_mutex_lock(&e->lock);
        e->files = xrealloc(e->files, (e->n_files + 1) * sizeof *e->files);
        e->files[e->n_files++] = f;
        e->billed_bytes += w->lines.len;
        e->stats->written += w->items;
        pthread_mutex_unlock(&e->lock);
    }
    buf_clear(&gz);
    buf_reset(&w->lines);
    w->items = 0;
    return rc;
}

static bool is_failed(struct exporter *e)
{
    pthread_mutex_lock(&e->lock);
    bool failed = e->is_failed;
    pthread_mutex_unlock(&e->lock);
    return failed;
}

/* One Scan page of the worker's segment into its open file. */
static int scan_page(struct worker *w, const cJSON *start, cJSON **next)
{
    struct exporter *e = w->e;
    struct aws_ddb_scan args = {
        .table = e->o->table, .segment = w->segment,
        .total_segments = e->o->segments, .start_key = start,
    };
    cJSON *out = NULL;
    uint64_t before = aws_client_retries(w->client);
    int rc = aws_ddb_scan(w->client, &args, &out);
    *next = NULL;
    pthread_mutex_lock(&e->lock);
    e->stats->retried += aws_client_retries(w->client) - before;
    pthread_mutex_unlock(&e->lock);
    if (rc < 0) {
        sync_report_error(EXPORT, "Scan", w->client);
        return -1;
    }
    const cJSON *item;
    uint64_t n = 0;
    cJSON_ArrayForEach(item, json_get(out, "Items")) {
        buf_puts(&w->lines, "{\"Item\":");
        json_write(&w->lines, item);
        buf_puts(&w->lines, "}\n");
        w->items++;
        n++;
    }
    const cJSON *last = json_get(out, "LastEvaluatedKey");
    if (last)
        *next = cJSON_Duplicate(last, true);
    cJSON_Delete(out);
    pthread_mutex_lock(&e->lock);
    e->stats->read += n;
    sync_progress(&e->progress, EXPORT, e->stats);
    pthread_mutex_unlock(&e->lock);
    if (buf_failed(&w->lines)) {
        fprintf(stderr, EXPORT ": segment %d: data file too large\n",
                w->segment);
        return -1;
    }
    return w->lines.len >= EXPORT_FILE_MAX_BYTES ? flush_file(w) : 0;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    cJSON *start = NULL;
    int rc = 0;
    bool is_first = true;
    while (rc == 0 && (is_first || start) && !is_failed(w->e)) {
        cJSON *next = NULL;
        rc = scan_page(w, start, &next);
        cJSON_Delete(start);
        start = next;
        is_first = false;
    }
    cJSON_Delete(start);
    /* Every segment leaves at least one file, empty or not, as every
     * partition does in the native export. */
    if (rc == 0 && !is_failed(w->e))
        rc = flush_file(w);
    if (rc < 0) {
        pthread_mutex_lock(&w->e->lock);
        w->e->is_failed = true;
        pthread_mutex_unlock(&w->e->lock);
    }
    return NULL;
}

static int run_workers(struct exporter *e)
{
    int n = e->o->segments;
    struct worker *ws = xcalloc((size_t)n, sizeof *ws);
    int started = 0;
    for (int i = 0; i < n; i++) {
        ws[i].e = e;
        ws[i].segment = i;
        ws[i].client = sync_client_new(e->o->endpoint, e->o->max_attempts);
        buf_init(&ws[i].lines, EXPORT_FILE_MAX_BYTES + ((size_t)16 << 20));
        if (ws[i].client == NULL ||
            pthread_create(&ws[i].thread, NULL, worker_main, &ws[i]) != 0) {
            e->is_failed = true;
            break;
        }
        started++;
    }
    for (int i = 0; i < started; i++)
        pthread_join(ws[i].thread, NULL);
    for (int i = 0; i < n; i++) {
        aws_client_free(ws[i].client);
        buf_clear(&ws[i].lines);
    }
    free(ws);
    return e->is_failed ? -1 : 0;
}

/* TableArn and TableId from DescribeTable (caller frees both). */
static int describe(struct exporter *e, struct aws_client *c, char **arn,
                    char **id)
{
    cJSON *desc = NULL;
    uint64_t before = aws_client_retries(c);
    int rc = aws_ddb_describe_table(c, e->o->table, &desc);
    e->stats->retried += aws_client_retries(c) - before;
    if (rc < 0) {
        sync_report_error(EXPORT, "DescribeTable", c);
        return -1;
    }
    const cJSON *t = json_get(desc, "Table");
    const char *a = json_get_string(t, "TableArn");
    const char *i = json_get_string(t, "TableId");
    *arn = xstrdup(a ? a : "");
    *id = xstrdup(i ? i : "");
    cJSON_Delete(desc);
    return 0;
}

/* Writes body at base + name, and its .checksum (hex MD5 of body). */
static int put_manifest(struct exporter *e, struct aws_client *c,
                        const char *name, const struct buf *body)
{
    char key[EXPORT_KEY_MAX + 32], sum_key[EXPORT_KEY_MAX + 48];
    uint8_t md5[CRYPTO_MD5_LEN];
    char hex[2 * CRYPTO_MD5_LEN + 1];
    snprintf(key, sizeof key, "%s%s.json", e->base, name);
    snprintf(sum_key, sizeof sum_key, "%s%s.checksum", e->base, name);
    crypto_md5(body->data ? body->data : "", body->len, md5);
    crypto_hex(md5, sizeof md5, hex);
    if (put(c, e, key, body->data ? body->data : "", body->len,
            "application/json") < 0)
        return -1;
    return put(c, e, sum_key, hex, strlen(hex), "text/plain");
}

static int write_manifests(struct exporter *e, struct aws_client *c,
                           const char *table_arn, const char *table_id,
                           const char *export_id, int64_t start_ms,
                           struct export_result *result)
{
    struct buf files, summary, arn;
    char files_key[EXPORT_KEY_MAX + 32];
    uint64_t items = 0;
    buf_init(&files, 0);
    buf_init(&summary, 0);
    buf_init(&arn, 0);
    for (size_t i = 0; i < e->n_files; i++) {
        export_manifest_line(&files, &e->files[i]);
        items += e->files[i].items;
    }
    snprintf(files_key, sizeof files_key, "%smanifest-files.json", e->base);
    buf_printf(&arn, "%s/export/%s", table_arn, export_id);
    struct export_summary s = {
        .export_arn = buf_cstr(&arn), .table_arn = table_arn,
        .table_id = table_id, .bucket = e->bucket, .prefix = e->prefix,
        .manifest_files_key = files_key, .start_ms = start_ms,
        .end_ms = clock_real_ms(), .items = items,
        .billed_bytes = e->billed_bytes,
    };
    export_summary_write(&summary, &s);
    int rc = put_manifest(e, c, "manifest-files", &files);
    if (rc == 0)
        rc = put_manifest(e, c, "manifest-summary", &summary);
    if (rc == 0 && result) {
        result->items = items;
        result->files = e->n_files;
        snprintf(result->summary_key, sizeof result->summary_key,
                 "%smanifest-summary.json", e->base);
    }
    buf_clear(&files);
    buf_clear(&summary);
    buf_clear(&arn);
    return rc;
}

static int parse_target(struct exporter *e)
{
    if (e->o->to == NULL ||
        aws_s3_url_parse(e->o->to, e->bucket, sizeof e->bucket, e->prefix,
                         sizeof e->prefix) < 0) {
        fprintf(stderr, EXPORT ": --to must be s3://BUCKET/PREFIX\n");
        return -1;
    }
    size_t n = strlen(e->prefix);
    while (n > 0 && e->prefix[n - 1] == '/')
        e->prefix[--n] = '\0';
    return 0;
}

int export_run(const struct export_options *o, struct sync_stats *stats,
               struct export_result *result)
{
    struct exporter e = { .o = o, .stats = stats };
    char *table_arn = NULL, *table_id = NULL, export_id[EXPORT_ID_MAX];
    int64_t start_ms = clock_real_ms();
    uint32_t r;
    if (o->table == NULL || o->segments < 1 ||
        o->segments > EXPORT_MAX_SEGMENTS) {
        fprintf(stderr, EXPORT ": --table and 1 to %d segments are "
                "required\n", EXPORT_MAX_SEGMENTS);
        return -1;
    }
    if (parse_target(&e) < 0)
        return -1;
    struct aws_client *c = sync_client_new(o->endpoint, o->max_attempts);
    if (c == NULL)
        return -1;
    pthread_mutex_init(&e.lock, NULL);
    e.progress.is_enabled = o->is_progress;
    crypto_random(&r, sizeof r);
    export_id_format(export_id, sizeof export_id, start_ms, r);
    snprintf(e.base, sizeof e.base, "%s%sAWSDynamoDB/%s/", e.prefix,
             *e.prefix ? "/" : "", export_id);
    if (result) {
        memset(result, 0, sizeof *result);
        snprintf(result->export_id, sizeof result->export_id, "%s",
                 export_id);
    }
    char started[EXPORT_KEY_MAX + 16];
    snprintf(started, sizeof started, "%s_started", e.base);
    int rc = describe(&e, c, &table_arn, &table_id);
    if (rc == 0)
        rc = put(c, &e, started, "", 0, NULL);
    if (rc == 0)
        rc = run_workers(&e);
    if (rc == 0)
        rc = write_manifests(&e, c, table_arn, table_id, export_id, start_ms,
                             result);
    aws_client_free(c);
    pthread_mutex_destroy(&e.lock);
    free(e.files);
    free(table_arn);
    free(table_id);
    return rc;
}
