/* The pipeline steps that run the other sync components as library calls:
 * `esm` (the event-source-mapping runner with a handler command or the
 * built-in shipper), `poll` (the polling loader) and `export` (the bulk
 * export); see runner_internal.h. runner_steps.c has already put the
 * step's credentials in the environment and sends stderr to its log. */
#include "scenario/runner_internal.h"

#include "base/json.h"
#include "base/mem.h"
#include "sync/esm.h"
#include "sync/export.h"
#include "sync/poll.h"
#include "sync/sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lambda retries a failing batch until its records expire (24 hours on a
 * stream); a scenario must end in seconds, and the records carry the
 * emulator's clock, not the wall clock the mapping measures age with. So
 * unless the step says otherwise a batch is given up after this many
 * retries, the first of them this soon. */
#define RUNNER_ESM_RETRIES 2
#define RUNNER_ESM_RETRY_DELAY_MS 20
#define RUNNER_ESM_RETRY_MAX_MS 1000

/* The environment variables a step's "environment" sets, put back after. */
struct saved_env {
    char *name;   /* owned */
    char *value;  /* owned; the previous value, or NULL: unset */
};

static struct saved_env *env_apply(const cJSON *vars, size_t *n)
{
    *n = 0;
    struct saved_env *saved = xcalloc((size_t)cJSON_GetArraySize(vars) + 1,
                                      sizeof *saved);
    const cJSON *v;
    cJSON_ArrayForEach(v, vars) {
        const char *old = getenv(v->string);
        saved[*n].name = xstrdup(v->string);
        saved[*n].value = old ? xstrdup(old) : NULL;
        (*n)++;
        setenv(v->string, v->valuestring, 1);
    }
    return saved;
}

static void env_restore(struct saved_env *saved, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (saved[i].value)
            setenv(saved[i].name, saved[i].value, 1);
        else
            unsetenv(saved[i].name);
        free(saved[i].name);
        free(saved[i].value);
    }
    free(saved);
}

/* The step's command as an argv (caller frees with free_argv): arguments
 * that start with "./" or "../" are paths relative to the scenario file,
 * like its policy files. NULL when the step has no command. */
static char **command_argv(const struct runner *r,
                           const struct scenario_step *st)
{
    const cJSON *list = json_get(st->options, "command");
    if (list == NULL)
        return NULL;
    char **argv = xcalloc((size_t)cJSON_GetArraySize(list) + 1,
                          sizeof *argv);
    size_t n = 0;
    const cJSON *arg;
    cJSON_ArrayForEach(arg, list) {
        const char *a = arg->valuestring;
        bool is_relative = strncmp(a, "./", 2) == 0 ||
                           strncmp(a, "../", 3) == 0;
        size_t len = strlen(r->s->dir) + strlen(a) + 2;
        argv[n] = xmalloc(len);
        snprintf(argv[n], len, "%s%s%s", is_relative ? r->s->dir : "",
                 is_relative ? "/" : "", a);
        n++;
    }
    return argv;
}

static void free_argv(char **argv)
{
    for (size_t i = 0; argv && argv[i]; i++)
        free(argv[i]);
    free(argv);
}

/* The last "giving up" line of the step's log: the function's error. */
static void last_give_up(const struct runner *r,
                         const struct scenario_step *st, char *out,
                         size_t len)
{
    char path[PATH_MAX + 32], line[1024];
    snprintf(path, sizeof path, "%s/%s.log", r->dir, st->name);
    snprintf(out, len, "(no error message)");
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        const char *why = strstr(line, "invocation(s): ");
        if (strncmp(line, "esm: giving up", 14) == 0 && why)
            snprintf(out, len, "%s", why + strlen("invocation(s): "));
    }
    if (f)
        fclose(f);
}

/* Function errors and records given up become findings of their own: the
 * handler failing is what a scenario expects, not "the step failed". */
static void esm_findings(struct runner *r, const struct scenario_step *st,
                         const struct esm_counts *c, const char *on_failure)
{
    char why[1024];
    if (c->function_errors == 0 && c->discarded == 0)
        return;
    last_give_up(r, st, why, sizeof why);
    if (c->function_errors > 0)
        findings_add(&r->findings, FINDING_CHECK_PIPELINE, "function_error",
                     st->name, "step %s: the function failed %llu of %llu "
                     "invocations; last error: %s", st->name,
                     (unsigned long long)c->function_errors,
                     (unsigned long long)c->invocations, why);
    if (c->discarded > 0)
        findings_add(&r->findings, FINDING_CHECK_PIPELINE, "discarded",
                     st->name, "step %s gave up %llu stream records after "
                     "retries%s%s: %s", st->name,
                     (unsigned long long)c->discarded,
                     on_failure ? "; their metadata went to " : "",
                     on_failure ? on_failure : "", why);
}

static void esm_config(const struct scenario_step *st, struct esm_options *o)
{
    o->cfg.batch_size = runner_option_int(st, "batch_size",
                                          ESM_DEFAULT_BATCH);
    o->cfg.window_s = runner_option_int(st, "window_s", 0);
    o->cfg.max_retries = runner_option_int(st, "max_retries",
                                           RUNNER_ESM_RETRIES);
    o->cfg.retry_base_ms = runner_option_int(st, "retry_delay_ms",
                                             RUNNER_ESM_RETRY_DELAY_MS);
    o->cfg.retry_max_ms = o->cfg.retry_base_ms > RUNNER_ESM_RETRY_MAX_MS
                              ? o->cfg.retry_base_ms
                              : RUNNER_ESM_RETRY_MAX_MS;
    o->cfg.is_bisect = runner_option_bool(st, "bisect");
    o->cfg.is_report_failures =
        runner_option_bool(st, "report_batch_item_failures");
    o->parallelization = runner_option_int(st, "parallelization", 1);
    o->timeout_s = runner_option_int(st, "timeout_s", ESM_DEFAULT_TIMEOUT_S);
    o->max_attempts = runner_option_int(st, "max_attempts", 0);
    o->poll_interval_ms = 0;
}

int runner_esm(struct runner *r, const struct scenario_step *st,
               struct sync_stats *stats)
{
    char to[512], ckpt[PATH_MAX + 32], on_failure[512];
    const char *table = runner_step_table(r, st);
    const char *failure_prefix = json_get_string(st->options, "on_failure");
    const char *format = json_get_string(st->options, "format");
    runner_step_location(r, st, to, sizeof to);
    snprintf(ckpt, sizeof ckpt, "%s/%s.checkpoint", r->dir, st->name);
    snprintf(on_failure, sizeof on_failure, "s3://%s/%s", st->bucket
             ? st->bucket : r->s->n_buckets ? r->s->buckets[0] : "lake",
             failure_prefix ? failure_prefix : "");
    struct esm_options o;
    esm_options_init(&o);
    o.table = table;
    o.endpoint = r->endpoint;
    o.checkpoint = ckpt;
    o.is_once = true;
    o.on_failure = failure_prefix ? on_failure : NULL;
    char **argv = command_argv(r, st);
    o.command = argv;
    esm_config(st, &o);
    if (o.command == NULL) {
        /* The built-in shipper answers with batchItemFailures, so the
         * mapping is configured for them (as `dynalake esm` does). */
        o.to = to;
        o.cfg.is_report_failures = true;
        if (format)
            jsonl_format_parse(format, &o.format);
    }
    char *arn = NULL;
    int rc = 0;
    if (runner_option_bool(st, "given_stream_arn")) {
        rc = runner_given_arn(r, table, &arn);
        o.stream_arn = arn;
    }
    size_t n_env = 0;
    struct saved_env *env = env_apply(json_get(st->options, "environment"),
                                      &n_env);
    struct esm_counts counts = { 0 };
    r->has_landing = true;
    if (rc == 0)
        rc = esm_run(&o, stats, &counts);
    env_restore(env, n_env);
    esm_findings(r, st, &counts, o.on_failure);
    esm_filter_clear(&o.filter);
    free_argv(argv);
    free(arn);
    if (rc == 1 && stats->lost > 0)
        findings_add(&r->findings, FINDING_CHECK_DELIVERY, "trimmed",
                     st->name, "step %s lost stream records to the 24-hour "
                     "trim before it read them", st->name);
    return rc < 0 ? -1 : 0;
}

int runner_poll(struct runner *r, const struct scenario_step *st,
                struct sync_stats *stats)
{
    char to[512], ckpt[PATH_MAX + 32];
    runner_step_location(r, st, to, sizeof to);
    /* Steps of one name share a checkpoint: one poller, run again. */
    snprintf(ckpt, sizeof ckpt, "%s/%s.checkpoint", r->dir, st->name);
    struct poll_options o;
    poll_options_init(&o);
    o.table = runner_step_table(r, st);
    o.watermark = json_get_string(st->options, "watermark");
    if (o.watermark == NULL)
        o.watermark = r->s->workload.watermark;
    o.to = to;
    o.checkpoint = ckpt;
    o.endpoint = r->endpoint;
    o.is_once = true;
    o.overlap_s = runner_option_int(st, "overlap_s", POLL_DEFAULT_OVERLAP_S);
    o.page_limit = runner_option_int(st, "page_limit", 0);
    o.max_attempts = runner_option_int(st, "max_attempts", 0);
    r->has_landing = true;
    if (o.watermark == NULL) {
        fprintf(stderr, "%s: no watermark attribute: set options.watermark "
                "or workload.watermark\n", st->name);
        return -1;
    }
    return poll_run(&o, stats, NULL) < 0 ? -1 : 0;
}

int runner_export(struct runner *r, size_t step, struct sync_stats *stats)
{
    const struct scenario_step *st = &r->s->steps[step];
    char to[512];
    runner_step_location(r, st, to, sizeof to);
    struct export_options o;
    export_options_init(&o);
    o.table = runner_step_table(r, st);
    o.to = to;
    o.endpoint = r->endpoint;
    o.segments = runner_option_int(st, "segments", 1);
    o.max_attempts = runner_option_int(st, "max_attempts", 0);
    struct export_result result = { 0 };
    if (export_run(&o, stats, &result) < 0)
        return -1;
    /* Steps and the workload take turns, so the table as it is now is the
     * table the export read. */
    struct runner_export *e = &r->exports[step];
    free(e->summary_key);
    cJSON_Delete(e->table);
    e->summary_key = xstrdup(result.summary_key);
    e->table = runner_scan_all(r, o.table);
    r->has_export = true;
    return 0;
}
