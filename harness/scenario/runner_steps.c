/* The runner's actions: tables and buckets, the workload on the emulator's
 * clock, and the pipeline steps, each as the identity the scenario names;
 * see runner_internal.h. Sync components read credentials from the
 * standard environment variables, so a step sets them for its role before
 * it starts (steps run one at a time) and its stderr goes to a log in the
 * work directory, quoted in findings when it fails. */
#include "scenario/runner_internal.h"

#include "aws/aws.h"
#include "aws/aws_ddb.h"
#include "aws/aws_streams.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"
#include "report/report.h"
#include "sync/load.h"
#include "sync/ship.h"
#include "sync/sync.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* BatchWriteItem may leave items unprocessed; resubmit this many times. */
#define RUNNER_BATCH_RESUBMITS 8
/* Errors quoted individually per phase; the rest are counted. */
#define RUNNER_ERRORS_SHOWN 5
/* The timeline is cut into this many slices when writers run in parallel:
 * the clock moves between slices. */
#define RUNNER_SLICES 20

static bool is_code(const struct aws_client *c, const char *code)
{
    return strcmp(aws_client_error(c)->code, code) == 0;
}

static bool is_unsupported(const struct aws_client *c)
{
    return is_code(c, "UnknownOperationException") ||
           is_code(c, "NotImplemented") || is_code(c, "InvalidAction");
}

/* ---- tables and buckets ------------------------------------------------- */

static cJSON *create_table_request(const struct scenario_table *t)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "TableName", t->name);
    cJSON *defs = cJSON_AddArrayToObject(in, "AttributeDefinitions");
    cJSON *schema = cJSON_AddArrayToObject(in, "KeySchema");
    for (int i = 0; i < t->n_keys; i++) {
        char type[2] = { t->keys[i].type, 0 };
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "AttributeName", t->keys[i].name);
        cJSON_AddStringToObject(d, "AttributeType", type);
        cJSON_AddItemToArray(defs, d);
        cJSON *k = cJSON_CreateObject();
        cJSON_AddStringToObject(k, "AttributeName", t->keys[i].name);
        cJSON_AddStringToObject(k, "KeyType", i == 0 ? "HASH" : "RANGE");
        cJSON_AddItemToArray(schema, k);
    }
    cJSON_AddStringToObject(in, "BillingMode", "PAY_PER_REQUEST");
    if (t->stream_view) {
        cJSON *spec = cJSON_AddObjectToObject(in, "StreamSpecification");
        cJSON_AddBoolToObject(spec, "StreamEnabled", true);
        cJSON_AddStringToObject(spec, "StreamViewType", t->stream_view);
    }
    return in;
}

static int enable_ttl(struct runner *r, const struct scenario_table *t)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "TableName", t->name);
    cJSON *spec = cJSON_AddObjectToObject(in, "TimeToLiveSpecification");
    cJSON_AddBoolToObject(spec, "Enabled", true);
    cJSON_AddStringToObject(spec, "AttributeName", t->ttl_attribute);
    int rc = aws_ddb_call(r->admin, "UpdateTimeToLive", in, NULL);
    cJSON_Delete(in);
    if (rc < 0 && is_unsupported(r->admin)) {
        report_add_note(r->out, "table %s: the endpoint has no "
                        "UpdateTimeToLive; TTL expiry is not exercised",
                        t->name);
        return 0;
    }
    return rc;
}

static int create_bucket(struct runner *r, const char *bucket)
{
    struct aws_request req = { .service = "s3", .host_prefix = "s3",
                               .bucket = bucket, .method = "PUT",
                               .path = "/" };
    struct buf b;
    buf_init(&b, 0);
    int rc = aws_client_send(r->admin, &req, &b);
    buf_clear(&b);
    if (rc < 0 && is_code(r->admin, "BucketAlreadyOwnedByYou"))
        rc = 0;
    return rc;
}

static int add_faults(struct runner *r)
{
    const cJSON *rule;
    cJSON_ArrayForEach(rule, r->s->faults) {
        char *body = cJSON_PrintUnformatted(rule);
        int rc = runner_admin(r, "POST", "faults", body, NULL);
        free(body);
        if (rc < 0) {
            report_set_error(r->out, "fault rule refused: %s",
                             aws_client_error(r->admin)->message);
            return -1;
        }
    }
    return 0;
}

int runner_setup_resources(struct runner *r)
{
    for (size_t i = 0; i < r->s->n_tables; i++) {
        const struct scenario_table *t = &r->s->tables[i];
        cJSON *in = create_table_request(t);
        int rc = aws_ddb_call(r->admin, "CreateTable", in, NULL);
        cJSON_Delete(in);
        if (rc == 0 && t->ttl_attribute)
            rc = enable_ttl(r, t);
        if (rc < 0) {
            report_set_error(r->out, "creating table %s: %s: %s", t->name,
                             aws_client_error(r->admin)->code,
                             aws_client_error(r->admin)->message);
            return -1;
        }
    }
    for (size_t i = 0; i < r->s->n_buckets; i++) {
        if (create_bucket(r, r->s->buckets[i]) < 0) {
            report_set_error(r->out, "creating bucket %s: %s: %s",
                             r->s->buckets[i],
                             aws_client_error(r->admin)->code,
                             aws_client_error(r->admin)->message);
            return -1;
        }
    }
    return 0;
}

/* ---- the workload ------------------------------------------------------- */

static int run_step(struct runner *r, size_t i);

/* Runs the steps whose "at" the workload has reached: done of n operations
 * (every remaining one when is_end). */
static void run_due_steps(struct runner *r, size_t done, size_t n,
                          bool is_end)
{
    for (size_t k = 0; k < r->s->n_steps; k++) {
        const struct scenario_step *st = &r->s->steps[k];
        if (st->at < 0 || r->is_step_done[k] ||
            (!is_end && (double)done < st->at * (double)n))
            continue;
        r->is_step_done[k] = true;
        r->is_step_failed[k] = run_step(r, k) < 0;
    }
}

/* One writer's tally; merged into the runner's after the writers join. */
struct writer {
    struct runner *r;
    struct aws_client *c;
    int worker;
    size_t from, to;          /* ops[from, to) of this slice */
    struct runner_counts counts;
    char errors[RUNNER_ERRORS_SHOWN][1400];
    size_t n_errors;
    char unsupported[64];
};

static void note_error(struct writer *w, const struct workload_op *op)
{
    const struct aws_error *e = aws_client_error(w->c);
    if (strcmp(e->code, "AccessDeniedException") == 0 ||
        strcmp(e->code, "AccessDenied") == 0) {
        w->counts.denied++;
        return;
    }
    if (is_unsupported(w->c)) {
        w->counts.unsupported++;
        snprintf(w->unsupported, sizeof w->unsupported, "%s", op->operation);
        return;
    }
    w->counts.errors++;
    if (w->n_errors < RUNNER_ERRORS_SHOWN)
        snprintf(w->errors[w->n_errors++], sizeof w->errors[0],
                 "workload %s at t=%lld ms failed: %s: %s", op->operation,
                 (long long)op->t_ms, e->code, e->message);
}

/* The first BatchWriteItem goes as generated; what it leaves unprocessed
 * is sent again. */
static int batch_write(struct writer *w, const struct workload_op *op,
                       cJSON **out)
{
    int rc = aws_ddb_call_text(w->c, "BatchWriteItem", op->body,
                               strlen(op->body), out);
    for (int i = 0; rc == 0 && i < RUNNER_BATCH_RESUBMITS; i++) {
        const cJSON *left = json_get(*out, "UnprocessedItems");
        if (cJSON_GetArraySize(left) == 0)
            return 0;
        cJSON *again = cJSON_CreateObject();
        cJSON_AddItemToObject(again, "RequestItems",
                              cJSON_Duplicate(left, true));
        cJSON_Delete(*out);
        *out = NULL;
        rc = aws_ddb_call(w->c, "BatchWriteItem", again, out);
        cJSON_Delete(again);
    }
    return rc;
}

/* Sends the operation's text as generated; only BatchWriteItem's answer is
 * read (its unprocessed items), the others' outcome is the status. */
static void run_op(struct writer *w, const struct workload_op *op)
{
    cJSON *out = NULL;
    uint64_t before = aws_client_retries(w->c);
    int rc = strcmp(op->operation, "BatchWriteItem") == 0
        ? batch_write(w, op, &out)
        : aws_ddb_call_text(w->c, op->operation, op->body, strlen(op->body),
                            NULL);
    w->counts.retries += aws_client_retries(w->c) - before;
    w->counts.operations++;
    if (rc < 0 && op->may_fail &&
        (is_code(w->c, "ConditionalCheckFailedException") ||
         is_code(w->c, "TransactionCanceledException")))
        w->counts.failed_conditions++;
    else if (rc < 0)
        note_error(w, op);
    cJSON_Delete(out);
}

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    const struct workload *wl = &w->r->wl;
    for (size_t i = w->from; i < w->to; i++)
        if (wl->ops[i].worker == w->worker)
            run_op(w, &wl->ops[i]);
    return NULL;
}

static void merge(struct runner *r, struct writer *w)
{
    r->counts.operations += w->counts.operations;
    r->counts.failed_conditions += w->counts.failed_conditions;
    r->counts.denied += w->counts.denied;
    r->counts.errors += w->counts.errors;
    r->counts.unsupported += w->counts.unsupported;
    r->counts.retries += w->counts.retries;
    for (size_t i = 0; i < w->n_errors; i++)
        findings_add(&r->findings, FINDING_CHECK_PIPELINE, "workload_error",
                     NULL, "%s", w->errors[i]);
    if (w->unsupported[0])
        report_add_note(r->out, "the endpoint does not support %s: those "
                        "workload operations were skipped", w->unsupported);
    memset(&w->counts, 0, sizeof w->counts);
    w->n_errors = 0;
    w->unsupported[0] = '\0';
}

/* One writer, the clock moved before every operation that is due later. */
static void run_serial(struct runner *r, struct writer *w)
{
    const struct workload *wl = &r->wl;
    for (size_t i = 0; i < wl->n; i++) {
        if (r->o->progress && i % 64 == 0)
            report_text_progress(r->o->progress, r->s->name, "workload", i,
                                 wl->n);
        runner_clock_to(r, wl->ops[i].t_ms);
        run_due_steps(r, i, wl->n, false);
        run_op(w, &wl->ops[i]);
    }
}

/* Parallel writers, each on its own keys, slice by slice of the timeline. */
static void run_parallel(struct runner *r, struct writer *ws, int n)
{
    const struct workload *wl = &r->wl;
    size_t from = 0;
    for (int slice = 1; slice <= RUNNER_SLICES && from < wl->n; slice++) {
        size_t to = wl->n * (size_t)slice / RUNNER_SLICES;
        runner_clock_to(r, wl->ops[from].t_ms);
        run_due_steps(r, from, wl->n, false);
        if (r->o->progress)
            report_text_progress(r->o->progress, r->s->name, "workload",
                                 from, wl->n);
        pthread_t threads[64];
        for (int i = 0; i < n; i++) {
            ws[i].from = from;
            ws[i].to = to;
            pthread_create(&threads[i], NULL, writer_main, &ws[i]);
        }
        for (int i = 0; i < n; i++)
            pthread_join(threads[i], NULL);
        from = to;
    }
}

int runner_workload(struct runner *r)
{
    const struct scenario *s = r->s;
    if (!s->has_workload)
        return 0;
    workload_generate(&s->workload, scenario_table_find(s, s->workload.table),
                      r->o->scale, r->seed, &r->wl);
    struct runner_creds creds;
    char why[512];
    if (runner_creds_for(r, s->workload.as, "ec2.amazonaws.com", &creds, why,
                         sizeof why) < 0) {
        findings_add(&r->findings, FINDING_CHECK_PIPELINE, "step_failed",
                     s->workload.as, "the workload could not run as %s: %s",
                     s->workload.as, why);
        return -1;
    }
    int n = r->wl.workers;
    struct writer *ws = xcalloc((size_t)n, sizeof *ws);
    for (int i = 0; i < n; i++)
        ws[i] = (struct writer){ .r = r, .c = runner_client(r, &creds),
                                 .worker = i, .to = r->wl.n };
    if (n == 1)
        run_serial(r, &ws[0]);
    else
        run_parallel(r, ws, n);
    run_due_steps(r, r->wl.n, r->wl.n, true);
    for (int i = 0; i < n; i++) {
        merge(r, &ws[i]);
        aws_client_free(ws[i].c);
    }
    free(ws);
    /* Let the timeline end, then let TTL expire what it should. */
    runner_clock_to(r, r->wl.duration_ms + 60000);
    if (runner_admin(r, "POST", "ttl/sweep", "{}", NULL) < 0 &&
        r->wl.counts[WORKLOAD_TTL] > 0)
        report_add_note(r->out, "the endpoint has no TTL sweep: items "
                        "written to expire stay in the table");
    return 0;
}

/* ---- pipeline steps ----------------------------------------------------- */

static void set_env_creds(struct runner *r, const struct runner_creds *c)
{
    setenv("AWS_ACCESS_KEY_ID", c->access_key_id, 1);
    setenv("AWS_SECRET_ACCESS_KEY", c->secret, 1);
    if (c->token[0])
        setenv("AWS_SESSION_TOKEN", c->token, 1);
    else
        unsetenv("AWS_SESSION_TOKEN");
    setenv("AWS_REGION", r->s->region, 1);
    unsetenv("AWS_PROFILE");
}

/* Sends stderr to path until capture_end; returns the saved descriptor. */
static int capture_begin(const char *path)
{
    fflush(stderr);
    int saved = dup(2);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
        dup2(fd, 2);
        close(fd);
    }
    return saved;
}

static void capture_end(int saved)
{
    fflush(stderr);
    if (saved >= 0) {
        dup2(saved, 2);
        close(saved);
    }
}

/* The last non-empty line of the log at path, into out. */
static void last_line(const char *path, char *out, size_t len)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    snprintf(out, len, "(no message)");
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0])
            snprintf(out, len, "%s", line);
    }
    if (f)
        fclose(f);
}

int runner_option_int(const struct scenario_step *st, const char *name,
                      int fallback)
{
    const cJSON *v = json_get(st->options, name);
    return cJSON_IsNumber(v) ? v->valueint : fallback;
}

bool runner_option_bool(const struct scenario_step *st, const char *name)
{
    return cJSON_IsTrue(json_get(st->options, name));
}

void runner_step_location(const struct runner *r,
                          const struct scenario_step *st, char *out,
                          size_t len)
{
    snprintf(out, len, "s3://%s/%s", st->bucket ? st->bucket
                                     : r->s->n_buckets ? r->s->buckets[0]
                                                       : "lake",
             st->prefix ? st->prefix : "dynamodb-changes/");
}

const char *runner_step_table(const struct runner *r,
                              const struct scenario_step *st)
{
    if (st->table)
        return st->table;
    return r->s->n_tables ? r->s->tables[0].name : "";
}

/* Applies the step's "format" and "layout" options to o; -1 when one is
 * unknown (reported on stderr, which the step log keeps). */
static int output_options(const struct scenario_step *st,
                          struct ship_options *o)
{
    const char *format = json_get_string(st->options, "format");
    const char *layout = json_get_string(st->options, "layout");
    if ((format && jsonl_format_parse(format, &o->format) < 0) ||
        (layout && jsonl_layout_parse(layout, &o->layout) < 0)) {
        fprintf(stderr, "%s: unknown format or layout option\n", st->name);
        return -1;
    }
    return 0;
}

static int run_ship(struct runner *r, const struct scenario_step *st,
                    struct sync_stats *stats)
{
    char to[512], ckpt[PATH_MAX + 32];
    runner_step_location(r, st, to, sizeof to);
    snprintf(ckpt, sizeof ckpt, "%s/%s.checkpoint", r->dir, st->name);
    struct ship_options o;
    ship_options_init(&o);
    o.table = runner_step_table(r, st);
    o.to = to;
    o.checkpoint = ckpt;
    o.endpoint = r->endpoint;
    o.is_once = true;
    o.batch_size = runner_option_int(st, "batch_size", SHIP_MAX_BATCH);
    o.max_attempts = runner_option_int(st, "max_attempts", 0);
    r->has_landing = true;
    if (output_options(st, &o) < 0)
        return -1;
    int rc = ship_run(&o, stats);
    if (rc == 1)
        findings_add(&r->findings, FINDING_CHECK_DELIVERY, "trimmed",
                     st->name, "step %s lost stream records to the 24-hour "
                     "trim before it read them", st->name);
    return rc < 0 ? -1 : 0;
}

/* Appends the records of one GetRecords page to event's Records, each
 * with its eventSourceARN as Lambda delivers it; REMOVEs are left out
 * when drop_removes (the seed's handler kept only INSERT and MODIFY). */
static size_t add_records(cJSON *records, const cJSON *page, const char *arn,
                          bool drop_removes)
{
    size_t n = 0;
    const cJSON *rec;
    cJSON_ArrayForEach(rec, json_get(page, "Records")) {
        const char *name = json_get_string(rec, "eventName");
        if (drop_removes && name && strcmp(name, "REMOVE") == 0)
            continue;
        cJSON *copy = cJSON_Duplicate(rec, true);
        cJSON_AddStringToObject(copy, "eventSourceARN", arn);
        cJSON_AddItemToArray(records, copy);
        n++;
    }
    return n;
}

/* Hands one event to the built-in handler; -1 when it reports failures. */
static int invoke(struct runner *r, const struct scenario_step *st,
                  cJSON *event, struct sync_stats *stats)
{
    char to[512];
    runner_step_location(r, st, to, sizeof to);
    struct ship_options o;
    ship_options_init(&o);
    o.to = to;
    o.endpoint = r->endpoint;
    if (output_options(st, &o) < 0)
        return -1;
    char *text = cJSON_PrintUnformatted(event);
    struct buf response;
    buf_init(&response, 0);
    int rc = ship_handle_event(&o, text, strlen(text), &response, stats);
    cJSON *answer = json_parse(response.data ? response.data : "",
                               response.len);
    if (rc == 0 && cJSON_GetArraySize(json_get(answer, "batchItemFailures")))
        rc = -1;
    cJSON_Delete(answer);
    buf_clear(&response);
    free(text);
    return rc;
}

/* The stream ARN an event source mapping is configured with (as
 * `aws lambda create-event-source-mapping --event-source-arn` is): looked
 * up by the runner, so the role itself needs no ListStreams. */
int runner_given_arn(struct runner *r, const char *table, char **arn)
{
    cJSON *desc = NULL;
    int rc = aws_ddb_describe_table(r->admin, table, &desc);
    const char *v = json_get_string(json_get(desc, "Table"), "LatestStreamArn");
    *arn = rc == 0 && v ? xstrdup(v) : NULL;
    cJSON_Delete(desc);
    return rc;
}

/* The event-source mapping in small: reads every shard of the table's
 * stream with the role's credentials (Lambda polls with the function's
 * execution role) and invokes the handler once per page. */
static int run_handler(struct runner *r, const struct scenario_step *st,
                       const struct runner_creds *creds,
                       struct sync_stats *stats)
{
    struct aws_client *c = runner_client(r, creds);
    char *arn = NULL;
    cJSON *desc = NULL;
    int rc = runner_option_bool(st, "given_stream_arn")
        ? runner_given_arn(r, runner_step_table(r, st), &arn)
        : aws_streams_latest_arn(c, runner_step_table(r, st), &arn);
    if (rc == 0 && arn == NULL)
        rc = -1;
    if (rc == 0)
        rc = aws_streams_describe(c, arn, &desc);
    if (rc < 0)
        fprintf(stderr, "handler: %s: %s\n", aws_client_error(c)->code,
                aws_client_error(c)->message);
    r->has_landing = true;
    bool drop = runner_option_bool(st, "drop_removes");
    int limit = runner_option_int(st, "batch_size", 100);
    const cJSON *shard, *shards = rc == 0 ? json_get(desc, "Shards") : NULL;
    cJSON_ArrayForEach(shard, shards) {
        char *it = NULL;
        if (aws_streams_get_iterator(c, arn, json_get_string(shard, "ShardId"),
                                     "TRIM_HORIZON", NULL, &it) < 0) {
            rc = -1;
            break;
        }
        while (it && rc == 0) {
            cJSON *page = NULL;
            if (aws_streams_get_records(c, it, limit, &page) < 0) {
                rc = -1;
                break;
            }
            cJSON *event = cJSON_CreateObject();
            cJSON *records = cJSON_AddArrayToObject(event, "Records");
            size_t n = add_records(records, page, arn, drop);
            size_t got = (size_t)cJSON_GetArraySize(json_get(page, "Records"));
            if (n > 0)
                rc = invoke(r, st, event, stats);
            cJSON_Delete(event);
            free(it);
            const char *next = json_get_string(page, "NextShardIterator");
            it = next && got > 0 ? xstrdup(next) : NULL;
            cJSON_Delete(page);
        }
        free(it);
    }
    cJSON_Delete(desc);
    free(arn);
    aws_client_free(c);
    return rc;
}

static int run_load(struct runner *r, const struct scenario_step *st,
                    struct sync_stats *stats)
{
    char from[512], ckpt[PATH_MAX + 32], lake[PATH_MAX + 32],
        snap[PATH_MAX + 32];
    runner_step_location(r, st, from, sizeof from);
    snprintf(ckpt, sizeof ckpt, "%s/%s.checkpoint", r->dir, st->name);
    snprintf(lake, sizeof lake, "%s/%s.lake.db", r->dir, st->name);
    snprintf(snap, sizeof snap, "%s/%s.snapshot.jsonl", r->dir, st->name);
    struct load_options o;
    load_options_init(&o);
    o.from = from;
    o.checkpoint = ckpt;
    o.lake = lake;
    o.snapshot = snap;
    o.endpoint = r->endpoint;
    o.is_once = true;
    o.max_attempts = runner_option_int(st, "max_attempts", 0);
    int rc = load_run(&o, stats);
    if (rc >= 0) {
        free(r->lake_snapshot);
        r->lake_snapshot = xstrdup(snap);
        r->lake_table = runner_step_table(r, st);
        snprintf(r->lake_location, sizeof r->lake_location,
                 "the lake rebuilt by %s from %s", st->name, from);
    }
    if (rc == 1)
        findings_add(&r->findings, FINDING_CHECK_LANDING, "rejected_file",
                     st->name, "step %s rejected landing files under %s "
                     "(see its log in the work directory)", st->name, from);
    return rc < 0 ? -1 : 0;
}

/* Whether the landings are final once step i starts: it is the last step
 * left and a load, which reads them and writes none, and no fault rule can
 * touch the runner's own reads of them. Its credentials are in the
 * environment by then, and nothing changes the environment until it ends. */
static bool are_landings_final_at(const struct runner *r, size_t i)
{
    const struct scenario *s = r->s;
    if (!r->has_landing || s->faults != NULL ||
        strcmp(s->steps[i].kind, "load") != 0)
        return false;
    for (size_t k = i + 1; k < s->n_steps; k++) {
        if (!r->is_step_done[k])
            return false;
    }
    return true;
}

/* A load step, with the landing checks alongside when they are final. */
static int run_load_checking(struct runner *r, size_t i,
                             struct sync_stats *stats)
{
    struct landing_check *lc = are_landings_final_at(r, i)
                                   ? runner_landing_check_start(r)
                                   : NULL;
    int rc = run_load(r, &r->s->steps[i], stats);
    runner_landing_check_finish(r, lc);
    return rc;
}

static int run_step(struct runner *r, size_t i)
{
    const struct scenario_step *st = &r->s->steps[i];
    const char *service = st->service ? st->service
                                      : runner_default_service(st->kind);
    struct runner_creds creds;
    char why[512], log[PATH_MAX + 32];
    if (runner_creds_for(r, st->as, service, &creds, why, sizeof why) < 0) {
        findings_add(&r->findings, FINDING_CHECK_PIPELINE, "step_failed",
                     st->name, "step %s could not start as %s: %s", st->name,
                     st->as, why);
        return -1;
    }
    set_env_creds(r, &creds);
    snprintf(log, sizeof log, "%s/%s.log", r->dir, st->name);
    struct sync_stats stats = { 0 };
    int saved = capture_begin(log);
    int rc;
    if (strcmp(st->kind, "ship") == 0)
        rc = run_ship(r, st, &stats);
    else if (strcmp(st->kind, "handler") == 0)
        rc = run_handler(r, st, &creds, &stats);
    else if (strcmp(st->kind, "esm") == 0)
        rc = runner_esm(r, st, &stats);
    else if (strcmp(st->kind, "poll") == 0)
        rc = runner_poll(r, st, &stats);
    else if (strcmp(st->kind, "export") == 0)
        rc = runner_export(r, i, &stats);
    else
        rc = run_load_checking(r, i, &stats);
    capture_end(saved);
    r->counts.retries += stats.retried;
    if (strcmp(st->kind, "load") == 0) {
        r->counts.loaded += stats.written;
    } else {
        r->counts.shipped += stats.written;
        r->counts.objects += stats.objects;
    }
    if (rc < 0) {
        char line[1024];
        last_line(log, line, sizeof line);
        findings_add(&r->findings, FINDING_CHECK_PIPELINE, "step_failed",
                     st->name, "step %s (as %s) failed: %s", st->name,
                     st->as ? st->as : RUNNER_USER, line);
    }
    return rc;
}

int runner_steps(struct runner *r)
{
    if (add_faults(r) < 0)
        return -1;
    for (size_t i = 0; i < r->s->n_steps; i++) {
        if (r->is_step_done[i])
            continue; /* ran during the workload ("at") */
        if (r->o->progress)
            report_text_progress(r->o->progress, r->s->name,
                                 r->s->steps[i].name, i, r->s->n_steps);
        r->is_step_failed[i] = run_step(r, i) < 0;
        r->is_step_done[i] = true;
    }
    runner_admin(r, "DELETE", "faults", NULL, NULL);
    return 0;
}
