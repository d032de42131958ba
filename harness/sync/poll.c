/* The polling loader; see poll.h. State is one checkpoint document:
 *   {"version":1,"table":T,"watermark":ATTR,"type":"N"|"S","from":WM,
 *    "high":WM,"last_run_ms":MS,"boundary":[{"k":KEY,"w":WM}]}
 * written only after a whole scan's objects are in S3, so a crash repeats
 * the scan (at least once) and never skips one. Sequence numbers of the
 * lines are the run's start in epoch ms (13 digits, strictly increasing
 * from run to run) followed by an 8-digit counter: later scans win in the
 * loader, as they saw newer versions. */
#include "sync/poll.h"

#include "aws/aws.h"
#include "aws/aws_ddb.h"
#include "aws/aws_s3.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/mem.h"
#include "sync/checkpoint.h"
#include "sync/sync.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POLL "poll"
#define POLL_BUCKET_MAX 64
#define POLL_PREFIX_MAX 1024
#define POLL_BOUNDARY_BUCKETS 1024

void poll_options_init(struct poll_options *o)
{
    memset(o, 0, sizeof *o);
    o->format = JSONL_FORMAT_DDB_JSON;
    o->overlap_s = POLL_DEFAULT_OVERLAP_S;
    o->interval_ms = POLL_DEFAULT_INTERVAL_MS;
}

/* ---- Watermark arithmetic ---------------------------------------------- */

/* Parses the integer part of a DynamoDB N ("-12.5e0" is refused: the
 * exponent form is rare for timestamps and not worth the code). */
static int parse_integer_part(const char *s, long long *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (end == s || (*end != '\0' && *end != '.'))
        return -1;
    for (const char *p = *end == '.' ? end + 1 : end; *p; p++) {
        if (!isdigit((unsigned char)*p))
            return -1;
    }
    /* A negative fraction floors one lower: -5.5 -> -6. */
    if (*end == '.' && s[0] == '-' && strspn(end + 1, "0") != strlen(end + 1))
        v--;
    *out = v;
    return 0;
}

/* "YYYY-MM-DDTHH:MM:SS" at the start of s, as epoch seconds. */
static int parse_iso_seconds(const char *s, time_t *out)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    int n = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
               &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
        n != 19)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *out = timegm(&tm);
    return 0;
}

int poll_watermark_back(const char *type, const char *high, long overlap_s,
                        char *out, size_t len)
{
    if (strcmp(type, "N") == 0) {
        long long v;
        if (parse_integer_part(high, &v) < 0)
            return -1;
        long long unit = (v >= POLL_MS_THRESHOLD ||
                          v <= -POLL_MS_THRESHOLD) ? 1000 : 1;
        snprintf(out, len, "%lld", v - (long long)overlap_s * unit);
        return 0;
    }
    time_t t;
    if (parse_iso_seconds(high, &t) < 0) {
        snprintf(out, len, "%s", high);
        return 1;
    }
    t -= overlap_s;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, len, "%Y-%m-%dT%H:%M:%S", &tm);
    return 0;
}

int poll_watermark_compare(const char *type, const char *a, const char *b)
{
    if (strcmp(type, "N") == 0)
        return jsonl_number_compare(a, b);
    return strcmp(a, b);
}

/* ---- The overlap memory ------------------------------------------------- */

struct boundary_entry {
    char *key;  /* owned: canonical key text */
    char *wm;   /* owned */
    struct boundary_entry *next;
};

struct poll_boundary {
    struct boundary_entry *buckets[POLL_BOUNDARY_BUCKETS];
    size_t n;
};

static unsigned hash_pair(const char *key, const char *wm)
{
    unsigned h = 2166136261u;
    for (const char *p = key; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    for (const char *p = wm; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return h % POLL_BOUNDARY_BUCKETS;
}

struct poll_boundary *poll_boundary_new(void)
{
    return xcalloc(1, sizeof(struct poll_boundary));
}

void poll_boundary_free(struct poll_boundary *b)
{
    if (b == NULL)
        return;
    for (size_t i = 0; i < POLL_BOUNDARY_BUCKETS; i++) {
        struct boundary_entry *e = b->buckets[i];
        while (e) {
            struct boundary_entry *next = e->next;
            free(e->key);
            free(e->wm);
            free(e);
            e = next;
        }
    }
    free(b);
}

bool poll_boundary_has(const struct poll_boundary *b, const char *key,
                       const char *wm)
{
    const struct boundary_entry *e = b->buckets[hash_pair(key, wm)];
    for (; e; e = e->next) {
        if (strcmp(e->key, key) == 0 && strcmp(e->wm, wm) == 0)
            return true;
    }
    return false;
}

void poll_boundary_add(struct poll_boundary *b, const char *key,
                       const char *wm)
{
    if (poll_boundary_has(b, key, wm))
        return;
    unsigned h = hash_pair(key, wm);
    struct boundary_entry *e = xmalloc(sizeof *e);
    e->key = xstrdup(key);
    e->wm = xstrdup(wm);
    e->next = b->buckets[h];
    b->buckets[h] = e;
    b->n++;
}

size_t poll_boundary_count(const struct poll_boundary *b)
{
    return b->n;
}

void poll_boundary_load(struct poll_boundary *b, const cJSON *array)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, array) {
        const char *k = json_get_string(e, "k");
        const char *w = json_get_string(e, "w");
        if (k && w)
            poll_boundary_add(b, k, w);
    }
}

cJSON *poll_boundary_save(const struct poll_boundary *b, const char *type,
                          const char *from)
{
    cJSON *out = cJSON_CreateArray();
    for (size_t i = 0; i < POLL_BOUNDARY_BUCKETS; i++) {
        for (const struct boundary_entry *e = b->buckets[i]; e; e = e->next) {
            if (poll_watermark_compare(type, e->wm, from) < 0)
                continue;
            cJSON *pair = cJSON_CreateObject();
            cJSON_AddStringToObject(pair, "k", e->key);
            cJSON_AddStringToObject(pair, "w", e->wm);
            cJSON_AddItemToArray(out, pair);
        }
    }
    return out;
}

/* ---- One run ------------------------------------------------------------ */

struct poller {
    const struct poll_options *o;
    struct sync_stats *stats;
    struct poll_report *report;
    struct aws_client *client;
    char bucket[POLL_BUCKET_MAX];
    char prefix[POLL_PREFIX_MAX];  /* "" or ending in '/' */
    cJSON *key_names;              /* owned: the table's key attributes */
    cJSON *cp;                     /* owned checkpoint */
    struct sync_progress progress;
    /* Per scan. */
    char type[2];                  /* "N", "S" or "" before the first item */
    char high[POLL_WATERMARK_MAX];
    int64_t run_ms;
    uint64_t counter;
    int page;
    bool is_first_run;
    struct poll_boundary *seen;    /* this scan's pairs */
    struct poll_boundary *emitted; /* the checkpoint's pairs */
};

static bool is_stopped(const struct poller *p)
{
    return p->o->stop && *p->o->stop;
}

static void count_retries(struct poller *p, uint64_t before)
{
    p->stats->retried += aws_client_retries(p->client) - before;
}

static int parse_target(struct poller *p)
{
    if (p->o->to == NULL ||
        aws_s3_url_parse(p->o->to, p->bucket, sizeof p->bucket, p->prefix,
                         sizeof p->prefix - 1) < 0) {
        fprintf(stderr, POLL ": --to must be s3://BUCKET/PREFIX\n");
        return -1;
    }
    size_t n = strlen(p->prefix);
    if (n > 0 && p->prefix[n - 1] != '/')
        strcat(p->prefix, "/");
    return 0;
}

/* The key attribute names from DescribeTable. */
static int load_key_schema(struct poller *p)
{
    cJSON *desc = NULL;
    uint64_t before = aws_client_retries(p->client);
    int rc = aws_ddb_describe_table(p->client, p->o->table, &desc);
    count_retries(p, before);
    if (rc < 0) {
        sync_report_error(POLL, "DescribeTable", p->client);
        return -1;
    }
    p->key_names = cJSON_CreateArray();
    const cJSON *k;
    cJSON_ArrayForEach(k, json_get(json_get(desc, "Table"), "KeySchema")) {
        const char *name = json_get_string(k, "AttributeName");
        if (name)
            cJSON_AddItemToArray(p->key_names, cJSON_CreateString(name));
    }
    cJSON_Delete(desc);
    return cJSON_GetArraySize(p->key_names) > 0 ? 0 : -1;
}

static void set_member(cJSON *obj, const char *name, cJSON *value)
{
    if (cJSON_GetObjectItemCaseSensitive(obj, name))
        cJSON_ReplaceItemInObjectCaseSensitive(obj, name, value);
    else
        cJSON_AddItemToObject(obj, name, value);
}

static int load_checkpoint(struct poller *p)
{
    char err[512];
    if (checkpoint_load(p->o->checkpoint, &p->cp, err, sizeof err) < 0) {
        fprintf(stderr, POLL ": %s\n", err);
        return -1;
    }
    const char *table = json_get_string(p->cp, "table");
    const char *wm = json_get_string(p->cp, "watermark");
    if ((table && strcmp(table, p->o->table) != 0) ||
        (wm && strcmp(wm, p->o->watermark) != 0)) {
        fprintf(stderr, POLL ": checkpoint %s is for table %s, watermark "
                "%s; use another file\n", p->o->checkpoint, table,
                wm ? wm : "?");
        return -1;
    }
    set_member(p->cp, "version", cJSON_CreateNumber(1));
    set_member(p->cp, "table", cJSON_CreateString(p->o->table));
    set_member(p->cp, "watermark", cJSON_CreateString(p->o->watermark));
    return 0;
}

/* The Scan request: items whose watermark is at or past "from" (all items
 * with the attribute on the first run). ">=" rather than ">": a write
 * stamped exactly at the boundary must not be skipped; the overlap memory
 * drops what was already emitted. */
static cJSON *scan_request(const struct poller *p, const cJSON *start_key)
{
    const char *from = json_get_string(p->cp, "from");
    const char *type = json_get_string(p->cp, "type");
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "TableName", p->o->table);
    cJSON_AddTrueToObject(in, "ConsistentRead");
    cJSON *names = cJSON_AddObjectToObject(in, "ExpressionAttributeNames");
    cJSON_AddStringToObject(names, "#w", p->o->watermark);
    if (from && type) {
        cJSON_AddStringToObject(in, "FilterExpression", "#w >= :from");
        cJSON *values = cJSON_AddObjectToObject(in,
                                                "ExpressionAttributeValues");
        cJSON *v = cJSON_AddObjectToObject(values, ":from");
        cJSON_AddStringToObject(v, type, from);
    } else {
        cJSON_AddStringToObject(in, "FilterExpression",
                                "attribute_exists(#w)");
    }
    if (p->o->page_limit > 0)
        cJSON_AddNumberToObject(in, "Limit", p->o->page_limit);
    if (start_key)
        cJSON_AddItemToObject(in, "ExclusiveStartKey",
                              cJSON_Duplicate(start_key, true));
    return in;
}

/* The item's watermark text, fixing the scan's type on the first item;
 * NULL when the item's watermark is of another type. */
static const char *item_watermark(struct poller *p, const cJSON *item)
{
    const cJSON *av = json_get(item, p->o->watermark);
    if (p->type[0] == '\0') {
        const char *t = json_get_string(p->cp, "type");
        if (t == NULL)
            t = json_get_string(av, "N") ? "N" : "S";
        snprintf(p->type, sizeof p->type, "%s", t);
    }
    return json_get_string(av, p->type);
}

static cJSON *item_keys(const struct poller *p, const cJSON *item)
{
    cJSON *keys = cJSON_CreateObject();
    const cJSON *name;
    cJSON_ArrayForEach(name, p->key_names) {
        const cJSON *v = json_get(item, name->valuestring);
        if (v)
            cJSON_AddItemToObject(keys, name->valuestring,
                                  cJSON_Duplicate(v, true));
    }
    return keys;
}

/* Appends the item's line unless the overlap memory has it. */
static int poll_item(struct poller *p, const cJSON *item, struct buf *lines)
{
    const char *wm = item_watermark(p, item);
    p->stats->read++;
    if (wm == NULL) {
        fprintf(stderr, POLL ": item with a watermark that is not of type %s "
                "skipped\n", p->type);
        p->stats->skipped++;
        return 0;
    }
    if (p->high[0] == '\0' ||
        poll_watermark_compare(p->type, wm, p->high) > 0)
        snprintf(p->high, sizeof p->high, "%s", wm);
    cJSON *keys = item_keys(p, item);
    struct buf key;
    buf_init(&key, 0);
    jsonl_key_write(&key, keys);
    poll_boundary_add(p->seen, buf_cstr(&key), wm);
    int rc = 0;
    if (poll_boundary_has(p->emitted, buf_cstr(&key), wm)) {
        if (p->report)
            p->report->duplicates++;
    } else {
        char seq[32], id[40];
        snprintf(seq, sizeof seq, "%013" PRId64 "%08" PRIu64, p->run_ms,
                 ++p->counter);
        snprintf(id, sizeof id, "poll-%s", seq);
        struct jsonl_record r = {
            .event_id = id,
            .event_name = p->is_first_run ? "INSERT" : "MODIFY",
            .event_time_ms = p->run_ms, .sequence_number = seq,
            .table = p->o->table, .keys = keys, .new_image = item,
        };
        size_t mark = lines->len;
        if (jsonl_write(lines, &r, p->o->format, JSONL_LAYOUT_CHANGE) < 0) {
            /* Drop the partial line; the item is refused, not the page. */
            lines->len = mark;
            if (lines->data)
                lines->data[mark] = '\0';
            fprintf(stderr, POLL ": item %s is not AttributeValue JSON\n",
                    buf_cstr(&key));
            p->stats->rejected++;
        } else {
            p->stats->written++;
        }
    }
    buf_clear(&key);
    cJSON_Delete(keys);
    return rc;
}

/* Writes one page's lines as one object. */
static int put_page(struct poller *p, const struct buf *lines)
{
    struct buf key;
    time_t secs = (time_t)(p->run_ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    buf_init(&key, 0);
    buf_printf(&key, "%stable=%s/dt=%04d-%02d-%02d/poll-%013" PRId64
               "-%06d.jsonl", p->prefix, p->o->table, tm.tm_year + 1900,
               tm.tm_mon + 1, tm.tm_mday, p->run_ms, ++p->page);
    uint64_t before = aws_client_retries(p->client);
    int rc = aws_s3_put_object(p->client, p->bucket, buf_cstr(&key),
                               lines->data, lines->len,
                               "application/x-ndjson");
    count_retries(p, before);
    if (rc < 0)
        sync_report_error(POLL, "PutObject", p->client);
    else
        p->stats->objects++;
    buf_clear(&key);
    return rc;
}

/* One Scan page: converts its items and writes their object. *next gets
 * the LastEvaluatedKey (caller frees) or NULL at the end. */
static int scan_page(struct poller *p, const cJSON *start, cJSON **next)
{
    cJSON *in = scan_request(p, start), *out = NULL;
    uint64_t before = aws_client_retries(p->client);
    int rc = aws_ddb_call(p->client, "Scan", in, &out);
    count_retries(p, before);
    cJSON_Delete(in);
    *next = NULL;
    if (rc < 0) {
        sync_report_error(POLL, "Scan", p->client);
        return -1;
    }
    struct buf lines;
    buf_init(&lines, 0);
    const cJSON *item;
    cJSON_ArrayForEach(item, json_get(out, "Items")) {
        if (poll_item(p, item, &lines) < 0) {
            rc = -1;
            break;
        }
    }
    if (rc == 0 && lines.len > 0)
        rc = put_page(p, &lines);
    const cJSON *last = json_get(out, "LastEvaluatedKey");
    if (rc == 0 && last)
        *next = cJSON_Duplicate(last, true);
    buf_clear(&lines);
    cJSON_Delete(out);
    return rc;
}

/* After a whole scan: the next "from" and the overlap memory. */
static int commit_scan(struct poller *p)
{
    char next[POLL_WATERMARK_MAX], err[512];
    if (p->high[0] == '\0') {
        /* Nothing matched: the bounds stay where they were. */
        set_member(p->cp, "last_run_ms", cJSON_CreateNumber(
                       (double)p->run_ms));
    } else {
        const char *old_high = json_get_string(p->cp, "high");
        if (old_high && poll_watermark_compare(p->type, old_high,
                                               p->high) > 0)
            snprintf(p->high, sizeof p->high, "%s", old_high);
        if (poll_watermark_back(p->type, p->high, p->o->overlap_s, next,
                                sizeof next) == 1 && p->o->overlap_s > 0)
            fprintf(stderr, POLL ": watermark '%s' is neither a number nor "
                    "an ISO 8601 time: no overlap applied\n", p->high);
        set_member(p->cp, "type", cJSON_CreateString(p->type));
        set_member(p->cp, "high", cJSON_CreateString(p->high));
        set_member(p->cp, "from", cJSON_CreateString(next));
        set_member(p->cp, "last_run_ms", cJSON_CreateNumber(
                       (double)p->run_ms));
        set_member(p->cp, "boundary",
                   poll_boundary_save(p->seen, p->type, next));
    }
    if (checkpoint_save(p->o->checkpoint, p->cp, err, sizeof err) < 0) {
        fprintf(stderr, POLL ": checkpoint: %s\n", err);
        return -1;
    }
    return 0;
}

static void report_scan(struct poller *p, const char *from, int64_t ms)
{
    struct poll_report *r = p->report;
    if (r == NULL)
        return;
    snprintf(r->from, sizeof r->from, "%s", from ? from : "");
    snprintf(r->high, sizeof r->high, "%s",
             json_get_string(p->cp, "high") ? json_get_string(p->cp, "high")
                                            : "");
    snprintf(r->next, sizeof r->next, "%s",
             json_get_string(p->cp, "from") ? json_get_string(p->cp, "from")
                                            : "");
    r->boundary = (uint64_t)cJSON_GetArraySize(json_get(p->cp, "boundary"));
    r->scan_ms = ms;
}

/* One whole scan from the checkpoint, then the checkpoint moved. */
static int poll_scan(struct poller *p)
{
    const cJSON *last_run = json_get(p->cp, "last_run_ms");
    int64_t now = clock_real_ms();
    int64_t prev = cJSON_IsNumber(last_run) ? (int64_t)last_run->valuedouble
                                            : 0;
    p->run_ms = now > prev ? now : prev + 1;
    p->counter = 0;
    p->page = 0;
    p->type[0] = '\0';
    p->high[0] = '\0';
    char *from = json_get_string(p->cp, "from")
                     ? xstrdup(json_get_string(p->cp, "from")) : NULL;
    p->is_first_run = from == NULL;
    p->seen = poll_boundary_new();
    p->emitted = poll_boundary_new();
    poll_boundary_load(p->emitted, json_get(p->cp, "boundary"));
    int64_t t0 = clock_monotonic_ns();
    cJSON *start = NULL;
    int rc = 0;
    do {
        cJSON *next = NULL;
        rc = scan_page(p, start, &next);
        cJSON_Delete(start);
        start = next;
        sync_progress(&p->progress, POLL, p->stats);
    } while (rc == 0 && start && !is_stopped(p));
    cJSON_Delete(start);
    int64_t ms = (clock_monotonic_ns() - t0) / 1000000;
    if (rc == 0 && !is_stopped(p))
        rc = commit_scan(p);
    if (rc == 0 && ms > p->o->overlap_s * 1000 && p->type[0] == 'N')
        fprintf(stderr, POLL ": the scan took %" PRId64 " ms, longer than "
                "--overlap %ld s: raise --overlap so that writes landing "
                "during a scan are caught by the next\n", ms,
                p->o->overlap_s);
    report_scan(p, from, ms);
    poll_boundary_free(p->seen);
    poll_boundary_free(p->emitted);
    p->seen = p->emitted = NULL;
    free(from);
    return rc;
}

static void pause_ms(long ms)
{
    struct timespec ts = { .tv_sec = ms / 1000,
                           .tv_nsec = (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

int poll_run(const struct poll_options *o, struct sync_stats *stats,
             struct poll_report *report)
{
    struct poller p = { .o = o, .stats = stats, .report = report };
    p.progress.is_enabled = o->is_progress;
    if (o->table == NULL || o->watermark == NULL || o->checkpoint == NULL) {
        fprintf(stderr, POLL ": --table, --watermark and --checkpoint are "
                "required\n");
        return -1;
    }
    int rc = parse_target(&p);
    if (rc == 0) {
        p.client = sync_client_new(o->endpoint, o->max_attempts);
        rc = p.client ? load_checkpoint(&p) : -1;
    }
    if (rc == 0)
        rc = load_key_schema(&p);
    while (rc == 0 && !is_stopped(&p)) {
        rc = poll_scan(&p);
        if (rc < 0 || o->is_once)
            break;
        pause_ms(o->interval_ms);
    }
    aws_client_free(p.client);
    cJSON_Delete(p.key_names);
    cJSON_Delete(p.cp);
    return rc;
}
