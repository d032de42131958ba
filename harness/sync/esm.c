/* The event-source-mapping batch engine; see esm.h. One batch at a time
 * per lane: a work stack of record ranges, each with the invocations it
 * has had. A function error retries the range (or its two halves, with
 * bisection); a partial batch response acknowledges the records before the
 * first failure and retries from it; a range whose retries or record age
 * ran out goes to the on-failure destination. Nothing here does I/O
 * except through the handler and on_failure hooks. */
#include "sync/esm.h"

#include "base/buf.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/mem.h"
#include "sync/sync.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ESM_ERR_MAX 512

void esm_options_init(struct esm_options *o)
{
    memset(o, 0, sizeof *o);
    o->cfg.batch_size = ESM_DEFAULT_BATCH;
    o->cfg.max_retries = -1;
    o->cfg.max_record_age_s = -1;
    o->cfg.retry_base_ms = 100;
    o->cfg.retry_max_ms = 5000;
    o->format = JSONL_FORMAT_DDB_JSON;
    o->parallelization = 1;
    o->timeout_s = ESM_DEFAULT_TIMEOUT_S;
    o->poll_interval_ms = 1000;
}

/* ---- Events and responses ------------------------------------------------ */

void esm_event_write(struct buf *out, cJSON *const *records, size_t n)
{
    buf_puts(out, "{\"Records\":[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(out, ',');
        json_write(out, records[i]);
    }
    buf_puts(out, "]}");
}

static const char *seq_of(const cJSON *record)
{
    return json_get_string(json_get(record, "dynamodb"), "SequenceNumber");
}

bool esm_response_is_error(const char *response, size_t len)
{
    cJSON *doc = json_parse(response, len);
    bool is_error = json_get_string(doc, "errorMessage") != NULL;
    cJSON_Delete(doc);
    return is_error;
}

/* Lambda takes an empty or null response, or a null or empty
 * batchItemFailures, as complete success; invalid JSON, an empty, null or
 * unknown itemIdentifier as complete failure ("Implementing partial batch
 * responses", Lambda developer guide). */
int esm_response_failures(const char *response, size_t len,
                          cJSON *const *records, size_t n, size_t *first)
{
    *first = n;
    size_t skip = strspn(response, " \t\r\n");
    if (skip == len)
        return 0;
    cJSON *doc = json_parse(response, len);
    if (doc == NULL)
        return -1;
    const cJSON *failures = json_get(doc, "batchItemFailures");
    int rc = 0;
    if (failures && !cJSON_IsNull(failures) && !cJSON_IsArray(failures))
        rc = -1;
    const cJSON *list = cJSON_IsArray(failures) ? failures : NULL;
    const cJSON *f;
    cJSON_ArrayForEach(f, list) {
        const char *id = json_get_string(f, "itemIdentifier");
        size_t i = 0;
        while (id && *id && i < n && (seq_of(records[i]) == NULL ||
                                      strcmp(seq_of(records[i]), id) != 0))
            i++;
        if (id == NULL || *id == '\0' || i == n) {
            rc = -1;
            break;
        }
        if (i < *first)
            *first = i;
    }
    if (rc < 0)
        *first = n;
    cJSON_Delete(doc);
    return rc;
}

int esm_lane(const cJSON *record, const char *hash_key, int lanes)
{
    if (lanes <= 1)
        return 0;
    const cJSON *keys = json_get(json_get(record, "dynamodb"), "Keys");
    const cJSON *k = hash_key ? json_get(keys, hash_key) : NULL;
    struct buf text;
    buf_init(&text, 0);
    if (k)
        json_write(&text, k);
    else
        jsonl_key_write(&text, keys);
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < text.len; i++)
        h = (h ^ (unsigned char)text.data[i]) * 16777619u;
    buf_clear(&text);
    return (int)(h % (uint32_t)lanes);
}

/* ---- On-failure documents ------------------------------------------------ */

static void iso_time(char *out, size_t len, int64_t ms)
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    char day[32];
    gmtime_r(&secs, &tm);
    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, len, "%s.%03dZ", day, (int)(ms % 1000));
}

static int64_t created_ms(const cJSON *record)
{
    const cJSON *t = json_get(json_get(record, "dynamodb"),
                              "ApproximateCreationDateTime");
    return cJSON_IsNumber(t) ? (int64_t)llround(t->valuedouble * 1000.0)
                             : 0;
}

static void write_str(struct buf *out, const char *name, const char *v)
{
    buf_printf(out, "\"%s\":", name);
    if (v)
        json_write_string(out, v, strlen(v));
    else
        buf_puts(out, "null");
}

static void write_record_meta(struct buf *out, const cJSON *r)
{
    buf_putc(out, '{');
    write_str(out, "eventID", json_get_string(r, "eventID"));
    buf_putc(out, ',');
    write_str(out, "eventName", json_get_string(r, "eventName"));
    buf_putc(out, ',');
    write_str(out, "sequenceNumber", seq_of(r));
    buf_puts(out, ",\"keys\":");
    const cJSON *keys = json_get(json_get(r, "dynamodb"), "Keys");
    if (keys)
        json_write(out, keys);
    else
        buf_puts(out, "null");
    buf_putc(out, '}');
}

void esm_failure_write(struct buf *out, const struct esm_failure *f,
                       int64_t now_ms)
{
    char now[40], first[40], last[40];
    iso_time(now, sizeof now, now_ms);
    iso_time(first, sizeof first, f->n ? created_ms(f->records[0]) : 0);
    iso_time(last, sizeof last, f->n ? created_ms(f->records[f->n - 1]) : 0);
    buf_puts(out, "{\"requestContext\":{");
    write_str(out, "condition", f->condition == ESM_RECORD_TOO_OLD
                                    ? "RecordAgeExceeded"
                                    : "RetryAttemptsExhausted");
    buf_printf(out, ",\"approximateInvokeCount\":%d},"
               "\"responseContext\":{\"statusCode\":200,\"executedVersion\":"
               "\"$LATEST\",\"functionError\":\"Unhandled\",", f->attempts);
    write_str(out, "errorMessage", f->error);
    buf_puts(out, "},\"version\":\"1.0\",");
    write_str(out, "timestamp", now);
    buf_puts(out, ",\"DDBStreamBatchInfo\":{");
    write_str(out, "shardId", f->shard);
    buf_putc(out, ',');
    write_str(out, "startSequenceNumber", f->n ? seq_of(f->records[0])
                                               : NULL);
    buf_putc(out, ',');
    write_str(out, "endSequenceNumber", f->n ? seq_of(f->records[f->n - 1])
                                             : NULL);
    buf_putc(out, ',');
    write_str(out, "approximateArrivalOfFirstRecord", first);
    buf_putc(out, ',');
    write_str(out, "approximateArrivalOfLastRecord", last);
    buf_printf(out, ",\"batchSize\":%zu,", f->n);
    write_str(out, "streamArn", f->stream_arn);
    buf_puts(out, "},\"records\":[");
    for (size_t i = 0; i < f->n; i++) {
        if (i)
            buf_putc(out, ',');
        write_record_meta(out, f->records[i]);
    }
    buf_puts(out, "]}");
}

/* ---- Delivery ------------------------------------------------------------ */

struct range {
    size_t from, to;  /* records[from, to) */
    int attempts;     /* invocations so far */
};

enum outcome { OUTCOME_OK, OUTCOME_PARTIAL, OUTCOME_ERROR };

static int64_t now_ms(const struct esm_engine *e)
{
    return e->now_ms ? e->now_ms() : clock_real_ms();
}

static void pause_ms(const struct esm_engine *e, long ms)
{
    if (e->sleep_ms) {
        e->sleep_ms(ms);
        return;
    }
    struct timespec ts = { .tv_sec = ms / 1000,
                           .tv_nsec = (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* One invocation of records[r->from, r->to). *partial gets the index of
 * the first failed record for OUTCOME_PARTIAL. */
static enum outcome invoke(const struct esm_engine *e, cJSON *const *records,
                           const struct range *r, size_t *partial,
                           char *err, size_t errlen,
                           struct esm_counts *counts)
{
    struct buf event, response;
    size_t n = r->to - r->from;
    buf_init(&event, 0);
    buf_init(&response, ESM_MAX_PAYLOAD);
    esm_event_write(&event, records + r->from, n);
    counts->invocations++;
    enum outcome out = OUTCOME_OK;
    err[0] = '\0';
    bool is_failed = e->handler.invoke(e->handler.ctx, event.data,
                                       event.len, &response, err,
                                       errlen) != ESM_INVOKE_OK;
    if (esm_response_is_error(buf_cstr(&response), response.len)) {
        /* The function's own account beats an exit status. */
        cJSON *doc = json_parse(response.data, response.len);
        const char *type = json_get_string(doc, "errorType");
        snprintf(err, errlen, "%s%s%s", type ? type : "", type ? ": " : "",
                 json_get_string(doc, "errorMessage"));
        cJSON_Delete(doc);
        out = OUTCOME_ERROR;
    } else if (is_failed) {
        out = OUTCOME_ERROR;
    } else if (e->cfg->is_report_failures) {
        size_t first;
        if (esm_response_failures(buf_cstr(&response), response.len,
                                  records + r->from, n, &first) < 0) {
            snprintf(err, errlen, "invalid batchItemFailures response");
            out = OUTCOME_ERROR;
        } else if (first < n) {
            *partial = r->from + first;
            out = OUTCOME_PARTIAL;
        }
    }
    buf_clear(&event);
    buf_clear(&response);
    return out;
}

/* True when the range may not be retried again; *cond says why. */
static bool is_exhausted(const struct esm_engine *e, cJSON *const *records,
                         const struct range *r, enum esm_condition *cond)
{
    long age = e->cfg->max_record_age_s;
    if (age >= 0 && now_ms(e) - created_ms(records[r->from]) > age * 1000) {
        *cond = ESM_RECORD_TOO_OLD;
        return true;
    }
    *cond = ESM_RETRIES_EXHAUSTED;
    return e->cfg->max_retries >= 0 && r->attempts > e->cfg->max_retries;
}

static int give_up(const struct esm_engine *e, cJSON *const *records,
                   const struct range *r, enum esm_condition cond,
                   const char *err, struct esm_counts *counts,
                   struct sync_stats *stats)
{
    struct esm_failure f = {
        .shard = e->shard, .stream_arn = e->stream_arn,
        .records = (const cJSON *const *)(records + r->from),
        .n = r->to - r->from, .condition = cond, .attempts = r->attempts,
        .error = err,
    };
    counts->discarded += f.n;
    stats->rejected += f.n;
    fprintf(stderr, "esm: giving up %zu record(s) from %s after %d "
            "invocation(s): %s\n", f.n, seq_of(records[r->from]),
            r->attempts, err);
    if (e->on_failure == NULL)
        return 0;
    return e->on_failure(e->failure_ctx, &f);
}

static long backoff_ms(const struct esm_engine *e, int attempts)
{
    long ms = e->cfg->retry_base_ms;
    for (int i = 1; i < attempts && ms < e->cfg->retry_max_ms; i++)
        ms *= 2;
    return ms < e->cfg->retry_max_ms ? ms : e->cfg->retry_max_ms;
}

/* Delivers one batch, records[from, to). The stack holds at most one
 * entry per bisection level plus one, so 2 * log2(batch) + 2 bounds it. */
static int deliver_batch(const struct esm_engine *e, cJSON *const *records,
                         size_t from, size_t to, struct esm_counts *counts,
                         struct sync_stats *stats)
{
    struct range stack[2 * 16 + 2];
    size_t top = 0;
    stack[top++] = (struct range){ from, to, 0 };
    char err[ESM_ERR_MAX];
    while (top > 0) {
        struct range r = stack[--top];
        size_t partial = r.from;
        enum outcome out = invoke(e, records, &r, &partial, err, sizeof err,
                                  counts);
        r.attempts++;
        if (out == OUTCOME_OK) {
            stats->written += r.to - r.from;
            continue;
        }
        if (out == OUTCOME_PARTIAL) {
            counts->partial_failures++;
            stats->written += partial - r.from;
            r.from = partial;
            snprintf(err, sizeof err, "batchItemFailures from %s",
                     seq_of(records[partial]));
        } else {
            counts->function_errors++;
        }
        enum esm_condition cond;
        if (is_exhausted(e, records, &r, &cond)) {
            if (give_up(e, records, &r, cond, err, counts, stats) < 0)
                return -1;
            continue;
        }
        stats->retried++;
        pause_ms(e, backoff_ms(e, r.attempts));
        if (out == OUTCOME_ERROR && e->cfg->is_bisect &&
            r.to - r.from > 1) {
            size_t mid = r.from + (r.to - r.from) / 2;
            counts->bisections++;
            stack[top++] = (struct range){ mid, r.to, r.attempts };
            stack[top++] = (struct range){ r.from, mid, r.attempts };
        } else {
            stack[top++] = r;
        }
    }
    return 0;
}

int esm_deliver(const struct esm_engine *e, cJSON *const *records, size_t n,
                struct esm_counts *counts, struct sync_stats *stats)
{
    size_t size = e->cfg->batch_size > 0 ? (size_t)e->cfg->batch_size : 1;
    for (size_t from = 0; from < n; from += size) {
        size_t to = from + size < n ? from + size : n;
        if (deliver_batch(e, records, from, to, counts, stats) < 0)
            return -1;
    }
    return 0;
}
