/* `dynalake esm` command line; the work is sync/esm*.c's. Exits 0 when
 * every record was delivered, 1 when records were given up (or on an
 * error), 2 on usage errors. */
#include "cli/esm.h"

#include "base/buf.h"
#include "base/mem.h"
#include "cli/sync_cli.h"
#include "sync/esm.h"
#include "sync/sync.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: dynalake esm --table T [options] [-- COMMAND [ARGS...]]\n"
    "\n"
    "Emulates Lambda's event source mapping between the table's stream and\n"
    "a function: follows every shard (parents first), drops records no\n"
    "--filter matches, batches the rest, and invokes the function with the\n"
    "Lambda event {\"Records\":[...]} (records as Lambda delivers them, with\n"
    "eventSourceARN). COMMAND gets the event on stdin and answers on stdout;\n"
    "a non-zero exit, an {\"errorMessage\":...} answer or the timeout is a\n"
    "function error. Without COMMAND the built-in shipper ('ship --handler')\n"
    "runs in process, writing to --to (ReportBatchItemFailures is then on,\n"
    "as the shipper answers with batchItemFailures).\n"
    "With --role, the stream is read, COMMAND runs and the on-failure\n"
    "destination is written with the role's credentials, assumed as\n"
    "lambda.amazonaws.com (dynalake: POST /_dynalake/assume-role, refused\n"
    "when the trust policy names another service; AWS: sts:AssumeRole).\n"
    "COMMAND gets them in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and\n"
    "AWS_SESSION_TOKEN, with AWS_ENDPOINT_URL and AWS_REGION. For a Python\n"
    "handler use scripts/lambda-run: -- scripts/lambda-run DIR module.func\n"
    "\n"
    "options (Lambda's names in brackets):\n"
    "  --table T                  table whose stream to read\n"
    "  --stream-arn ARN           the stream (instead of ListStreams)\n"
    "  --batch-size N             [BatchSize] 1-10000 (default 100)\n"
    "  --window S                 [MaximumBatchingWindowInSeconds] 0-300\n"
    "  --starting-position P      [StartingPosition] TRIM_HORIZON (default)\n"
    "                             or LATEST\n"
    "  --max-retries N            [MaximumRetryAttempts] -1 (default:\n"
    "                             until the records expire) to 10000\n"
    "  --max-record-age S         [MaximumRecordAgeInSeconds] -1 (default)\n"
    "                             or 60-604800\n"
    "  --bisect                   [BisectBatchOnFunctionError]\n"
    "  --report-batch-item-failures  [FunctionResponseTypes]\n"
    "  --on-failure s3://B/P      [DestinationConfig.OnFailure] one JSON\n"
    "                             document per given-up batch (metadata)\n"
    "  --filter JSON              [FilterCriteria] a pattern; up to 5, any\n"
    "                             may match (exact, prefix, suffix, exists,\n"
    "                             numeric, anything-but, equals-ignore-case)\n"
    "  --parallelization N        [ParallelizationFactor] 1-10 lanes per\n"
    "                             shard by partition key\n"
    "  --role R                   the function's execution role (name/ARN)\n"
    "  --timeout S                function timeout (default 60)\n"
    "  --to s3://B/P              the built-in shipper's target\n"
    "  --format F                 built-in shipper: ddb-json or json\n"
    "  --checkpoint PATH          keep shard positions (resume)\n"
    "  --once                     deliver what is there now, then exit\n"
    "  --retry-delay-ms N         first retry's pause (default 100, doubling"
    "\n                             to 5000)\n"
    "  --poll-interval-ms N       pause when caught up (default 1000)\n"
    "  --max-attempts N           attempts per AWS call\n"
    "  --endpoint-url URL         AWS endpoint (default: AWS_ENDPOINT_URL)\n"
    "  --json                     print a JSON summary on stdout\n"
    "  --quiet                    no progress lines on stderr\n"
    "  --help                     this text\n";

enum {
    OPT_TABLE = 256, OPT_STREAM, OPT_BATCH, OPT_WINDOW, OPT_START,
    OPT_RETRIES, OPT_AGE, OPT_BISECT, OPT_REPORT, OPT_ON_FAILURE, OPT_FILTER,
    OPT_PARALLEL, OPT_ROLE, OPT_TIMEOUT, OPT_TO, OPT_FORMAT, OPT_CHECKPOINT,
    OPT_ONCE, OPT_RETRY_DELAY, OPT_POLL, OPT_ATTEMPTS, OPT_ENDPOINT,
    OPT_JSON, OPT_QUIET, OPT_HELP,
};

static const struct option long_options[] = {
    { "table", required_argument, NULL, OPT_TABLE },
    { "stream-arn", required_argument, NULL, OPT_STREAM },
    { "batch-size", required_argument, NULL, OPT_BATCH },
    { "window", required_argument, NULL, OPT_WINDOW },
    { "starting-position", required_argument, NULL, OPT_START },
    { "max-retries", required_argument, NULL, OPT_RETRIES },
    { "max-record-age", required_argument, NULL, OPT_AGE },
    { "bisect", no_argument, NULL, OPT_BISECT },
    { "report-batch-item-failures", no_argument, NULL, OPT_REPORT },
    { "on-failure", required_argument, NULL, OPT_ON_FAILURE },
    { "filter", required_argument, NULL, OPT_FILTER },
    { "parallelization", required_argument, NULL, OPT_PARALLEL },
    { "role", required_argument, NULL, OPT_ROLE },
    { "timeout", required_argument, NULL, OPT_TIMEOUT },
    { "to", required_argument, NULL, OPT_TO },
    { "format", required_argument, NULL, OPT_FORMAT },
    { "checkpoint", required_argument, NULL, OPT_CHECKPOINT },
    { "once", no_argument, NULL, OPT_ONCE },
    { "retry-delay-ms", required_argument, NULL, OPT_RETRY_DELAY },
    { "poll-interval-ms", required_argument, NULL, OPT_POLL },
    { "max-attempts", required_argument, NULL, OPT_ATTEMPTS },
    { "endpoint-url", required_argument, NULL, OPT_ENDPOINT },
    { "json", no_argument, NULL, OPT_JSON },
    { "quiet", no_argument, NULL, OPT_QUIET },
    { "help", no_argument, NULL, OPT_HELP },
    { NULL, 0, NULL, 0 },
};

struct esm_cli {
    struct esm_options o;
    bool is_json;
    bool is_help;
};

static int number(const char *opt, const char *arg, long min, long max,
                  long *out)
{
    return sync_cli_number("esm", opt, arg, min, max, out);
}

static int parse_numeric(struct esm_cli *cli, int opt, const char *arg)
{
    struct esm_options *o = &cli->o;
    long n = 0;
    int rc = -1;
    switch (opt) {
    case OPT_BATCH:
        rc = number("--batch-size", arg, 1, ESM_MAX_BATCH, &n);
        o->cfg.batch_size = (int)n;
        break;
    case OPT_WINDOW:
        rc = number("--window", arg, 0, ESM_MAX_WINDOW_S, &n);
        o->cfg.window_s = n;
        break;
    case OPT_RETRIES:
        rc = number("--max-retries", arg, -1, ESM_MAX_RETRIES, &n);
        o->cfg.max_retries = (int)n;
        break;
    case OPT_AGE:
        rc = number("--max-record-age", arg, -1, ESM_MAX_RECORD_AGE_S, &n);
        if (rc == 0 && n >= 0 && n < 60)
            rc = number("--max-record-age", arg, 60, ESM_MAX_RECORD_AGE_S,
                        &n);
        o->cfg.max_record_age_s = n;
        break;
    case OPT_PARALLEL:
        rc = number("--parallelization", arg, 1, ESM_MAX_PARALLEL, &n);
        o->parallelization = (int)n;
        break;
    case OPT_TIMEOUT:
        rc = number("--timeout", arg, 1, 900, &n);
        o->timeout_s = n;
        break;
    case OPT_RETRY_DELAY:
        rc = number("--retry-delay-ms", arg, 0, 60000, &n);
        o->cfg.retry_base_ms = n;
        if (o->cfg.retry_max_ms < n)
            o->cfg.retry_max_ms = n;
        break;
    case OPT_POLL:
        rc = number("--poll-interval-ms", arg, 0, 3600000, &n);
        o->poll_interval_ms = n;
        break;
    case OPT_ATTEMPTS:
        rc = number("--max-attempts", arg, 1, 100, &n);
        o->max_attempts = (int)n;
        break;
    default:
        break;
    }
    return rc;
}

static int parse_option(struct esm_cli *cli, int opt, const char *arg)
{
    struct esm_options *o = &cli->o;
    char err[256];
    switch (opt) {
    case OPT_TABLE: o->table = arg; return 0;
    case OPT_STREAM: o->stream_arn = arg; return 0;
    case OPT_BISECT: o->cfg.is_bisect = true; return 0;
    case OPT_REPORT: o->cfg.is_report_failures = true; return 0;
    case OPT_ON_FAILURE: o->on_failure = arg; return 0;
    case OPT_ROLE: o->role = arg; return 0;
    case OPT_TO: o->to = arg; return 0;
    case OPT_CHECKPOINT: o->checkpoint = arg; return 0;
    case OPT_ONCE: o->is_once = true; return 0;
    case OPT_ENDPOINT: o->endpoint = arg; return 0;
    case OPT_JSON: cli->is_json = true; return 0;
    case OPT_QUIET: o->is_progress = false; return 0;
    case OPT_HELP: cli->is_help = true; return 0;
    case OPT_FORMAT: return jsonl_format_parse(arg, &o->format);
    case OPT_START:
        o->is_latest = strcmp(arg, "LATEST") == 0;
        return o->is_latest || strcmp(arg, "TRIM_HORIZON") == 0 ? 0 : -1;
    case OPT_FILTER:
        if (esm_filter_add(&o->filter, arg, err, sizeof err) < 0) {
            fprintf(stderr, "esm: --filter: %s\n", err);
            return -1;
        }
        return 0;
    default:
        return parse_numeric(cli, opt, arg);
    }
}

static int parse_args(struct esm_cli *cli, int argc, char **argv)
{
    esm_options_init(&cli->o);
    cli->o.is_progress = true;
    optind = 1;
    opterr = 1;
    int opt;
    /* "+": stop at the first non-option, so COMMAND's own options stay
     * its own even without "--". */
    while ((opt = getopt_long(argc, argv, "+", long_options, NULL)) != -1) {
        if (opt == '?' || parse_option(cli, opt, optarg) < 0) {
            if (opt != '?')
                fprintf(stderr, "esm: bad value '%s'\n", optarg);
            return -1;
        }
    }
    if (cli->is_help)
        return 0;
    if (optind < argc)
        cli->o.command = argv + optind;
    if (cli->o.table == NULL && cli->o.stream_arn == NULL) {
        fprintf(stderr, "esm: --table or --stream-arn is required\n");
        return -1;
    }
    if (cli->o.command == NULL && cli->o.to == NULL) {
        fprintf(stderr, "esm: give a COMMAND, or --to for the built-in "
                "shipper\n");
        return -1;
    }
    if (cli->o.command == NULL && !cli->o.cfg.is_report_failures) {
        cli->o.cfg.is_report_failures = true;
        if (cli->o.is_progress)
            fprintf(stderr, "esm: built-in shipper: ReportBatchItemFailures"
                    " on\n");
    }
    return 0;
}

static void write_summary(const struct sync_stats *s,
                          const struct esm_counts *c, struct buf *out)
{
    struct buf base;
    buf_init(&base, 0);
    sync_stats_write_json(s, "esm", &base);
    buf_append(out, base.data, base.len - 1);
    buf_printf(out, ",\"invocations\":%" PRIu64 ",\"function_errors\":%"
               PRIu64 ",\"partial_failures\":%" PRIu64 ",\"bisections\":%"
               PRIu64 ",\"discarded\":%" PRIu64 ",\"filtered\":%" PRIu64
               ",\"failure_objects\":%" PRIu64 "}", c->invocations,
               c->function_errors, c->partial_failures, c->bisections,
               c->discarded, c->filtered, c->failure_objects);
    buf_clear(&base);
}

int esm_main(int argc, char **argv)
{
    struct esm_cli cli = { 0 };
    static volatile sig_atomic_t stop;
    mem_install_cjson_hooks();
    if (parse_args(&cli, argc, argv) < 0) {
        esm_filter_clear(&cli.o.filter);
        fputs(usage_text, stderr);
        return 2;
    }
    if (cli.is_help) {
        esm_filter_clear(&cli.o.filter);
        fputs(usage_text, stdout);
        return 0;
    }
    sync_cli_catch_signals(&stop);
    cli.o.stop = &stop;
    struct sync_stats stats = { 0 };
    struct esm_counts counts = { 0 };
    int rc = esm_run(&cli.o, &stats, &counts);
    if (cli.o.is_progress)
        fprintf(stderr, "esm: %" PRIu64 " read, %" PRIu64 " delivered, %"
                PRIu64 " filtered out, %" PRIu64 " given up, %" PRIu64
                " invocations (%" PRIu64 " function errors)\n", stats.read,
                stats.written, counts.filtered, counts.discarded,
                counts.invocations, counts.function_errors);
    if (cli.is_json) {
        struct buf b;
        buf_init(&b, 0);
        write_summary(&stats, &counts, &b);
        printf("%s\n", buf_cstr(&b));
        buf_clear(&b);
    }
    esm_filter_clear(&cli.o.filter);
    return rc == 0 ? 0 : 1;
}
