/* `dynalake ship` command line; the work is sync/ship.c's. Exits 0 when
 * done, 1 on an error or data loss, 2 on usage errors. */
#include "cli/ship.h"

#include "base/buf.h"
#include "base/mem.h"
#include "cli/sync_cli.h"
#include "sync/ship.h"
#include "sync/sync.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A Lambda event is at most 6 MB (the synchronous invocation payload). */
#define SHIP_MAX_EVENT_BYTES ((size_t)6 << 20)

static const char usage_text[] =
    "usage: dynalake ship --table T --to s3://BUCKET/PREFIX [options]\n"
    "       dynalake ship --handler --to s3://BUCKET/PREFIX [options] "
    "< event.json\n"
    "\n"
    "Ships DynamoDB stream records to JSON-lines objects in S3, one line per\n"
    "change (INSERT, MODIFY, REMOVE), under\n"
    "  PREFIX/table=T/dt=YYYY-MM-DD/<shard>-<first seq>-<last seq>.jsonl\n"
    "\n"
    "Poller (--table): follows every shard of the table's latest stream,\n"
    "parents before children, and checkpoints each shard after its object\n"
    "is written; a restart resumes exactly.\n"
    "Handler (--handler): reads one Lambda DynamoDB stream event on stdin\n"
    "and answers {\"batchItemFailures\":[...]} on stdout.\n"
    "\n"
    "options:\n"
    "  --table T             table whose stream to follow\n"
    "  --stream-arn ARN      the stream to follow (instead of ListStreams)\n"
    "  --to s3://B/P         where to write (required)\n"
    "  --once                ship what is there now, then exit\n"
    "  --checkpoint PATH     checkpoint file (poller; without it, no resume)\n"
    "  --format F            ddb-json (default: AttributeValue JSON, exact)\n"
    "                        or json (plain values, every digit kept)\n"
    "  --layout L            change (default) or seed ({event_id,\n"
    "                        event_name, event_time, data} records)\n"
    "  --start POS           trim-horizon (default) or latest, for shards\n"
    "                        without a checkpoint\n"
    "  --batch-size N        GetRecords limit, 1-1000 (default 1000)\n"
    "  --poll-interval-ms N  pause when caught up (default 1000)\n"
    "  --max-attempts N      attempts per AWS call (default: AWS_MAX_ATTEMPTS"
    "\n                        or 3)\n"
    "  --endpoint-url URL    AWS endpoint (default: AWS_ENDPOINT_URL or AWS)\n"
    "  --json                print a JSON summary (stdout; stderr with\n"
    "                        --handler)\n"
    "  --quiet               no progress lines on stderr\n"
    "  --help                this text\n"
    "Credentials and region come from the standard AWS environment\n"
    "variables or ~/.aws/credentials (AWS_PROFILE).\n";

enum {
    OPT_TABLE = 256, OPT_STREAM, OPT_TO, OPT_ONCE, OPT_CHECKPOINT,
    OPT_FORMAT, OPT_LAYOUT, OPT_START, OPT_BATCH, OPT_POLL, OPT_ATTEMPTS,
    OPT_ENDPOINT, OPT_JSON, OPT_QUIET, OPT_HANDLER, OPT_HELP,
};

static const struct option long_options[] = {
    { "table", required_argument, NULL, OPT_TABLE },
    { "stream-arn", required_argument, NULL, OPT_STREAM },
    { "to", required_argument, NULL, OPT_TO },
    { "once", no_argument, NULL, OPT_ONCE },
    { "checkpoint", required_argument, NULL, OPT_CHECKPOINT },
    { "format", required_argument, NULL, OPT_FORMAT },
    { "layout", required_argument, NULL, OPT_LAYOUT },
    { "start", required_argument, NULL, OPT_START },
    { "batch-size", required_argument, NULL, OPT_BATCH },
    { "poll-interval-ms", required_argument, NULL, OPT_POLL },
    { "max-attempts", required_argument, NULL, OPT_ATTEMPTS },
    { "endpoint-url", required_argument, NULL, OPT_ENDPOINT },
    { "json", no_argument, NULL, OPT_JSON },
    { "quiet", no_argument, NULL, OPT_QUIET },
    { "handler", no_argument, NULL, OPT_HANDLER },
    { "help", no_argument, NULL, OPT_HELP },
    { NULL, 0, NULL, 0 },
};

struct ship_cli {
    struct ship_options o;
    bool is_handler;
    bool is_json;
    bool is_help;
};

static int parse_option(struct ship_cli *cli, int opt, const char *arg)
{
    struct ship_options *o = &cli->o;
    long n = 0;
    switch (opt) {
    case OPT_TABLE: o->table = arg; return 0;
    case OPT_STREAM: o->stream_arn = arg; return 0;
    case OPT_TO: o->to = arg; return 0;
    case OPT_ONCE: o->is_once = true; return 0;
    case OPT_CHECKPOINT: o->checkpoint = arg; return 0;
    case OPT_ENDPOINT: o->endpoint = arg; return 0;
    case OPT_JSON: cli->is_json = true; return 0;
    case OPT_QUIET: o->is_progress = false; return 0;
    case OPT_HANDLER: cli->is_handler = true; return 0;
    case OPT_HELP: cli->is_help = true; return 0;
    case OPT_FORMAT: return jsonl_format_parse(arg, &o->format);
    case OPT_LAYOUT: return jsonl_layout_parse(arg, &o->layout);
    case OPT_START:
        o->is_latest = strcmp(arg, "latest") == 0;
        return o->is_latest || strcmp(arg, "trim-horizon") == 0 ? 0 : -1;
    case OPT_BATCH:
        if (sync_cli_number("ship", "--batch-size", arg, 1, SHIP_MAX_BATCH,
                            &n) < 0)
            return -1;
        o->batch_size = (int)n;
        return 0;
    case OPT_POLL:
        if (sync_cli_number("ship", "--poll-interval-ms", arg, 0, 3600000,
                            &n) < 0)
            return -1;
        o->poll_interval_ms = n;
        return 0;
    case OPT_ATTEMPTS:
        if (sync_cli_number("ship", "--max-attempts", arg, 1, 100, &n) < 0)
            return -1;
        o->max_attempts = (int)n;
        return 0;
    default:
        return -1;
    }
}

static int parse_args(struct ship_cli *cli, int argc, char **argv)
{
    ship_options_init(&cli->o);
    cli->o.is_progress = true;
    optind = 1;
    opterr = 1;
    int opt;
    while ((opt = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        if (opt == '?' || parse_option(cli, opt, optarg) < 0) {
            if (opt != '?')
                fprintf(stderr, "ship: bad value '%s'\n", optarg);
            return -1;
        }
    }
    if (cli->is_help)
        return 0;
    if (optind < argc) {
        fprintf(stderr, "ship: unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    if (cli->o.to == NULL || (!cli->is_handler && cli->o.table == NULL &&
                              cli->o.stream_arn == NULL)) {
        fprintf(stderr, "ship: --to and one of --table, --stream-arn or "
                "--handler are required\n");
        return -1;
    }
    return 0;
}

static char *read_stdin(size_t *len)
{
    struct buf b;
    char chunk[65536];
    size_t n;
    buf_init(&b, SHIP_MAX_EVENT_BYTES);
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
        buf_append(&b, chunk, n);
    if (buf_failed(&b)) {
        buf_clear(&b);
        return NULL;
    }
    return buf_detach(&b, len);
}

static int run_handler(const struct ship_cli *cli, struct sync_stats *stats)
{
    size_t len = 0;
    char *event = read_stdin(&len);
    if (event == NULL) {
        fprintf(stderr, "ship: event larger than %zu bytes\n",
                SHIP_MAX_EVENT_BYTES);
        return 1;
    }
    struct buf out;
    buf_init(&out, 0);
    int rc = ship_handle_event(&cli->o, event, len, &out, stats);
    puts(buf_cstr(&out));
    fflush(stdout);
    buf_clear(&out);
    free(event);
    return rc < 0 ? 1 : 0;
}

int ship_main(int argc, char **argv)
{
    struct ship_cli cli = { 0 };
    static volatile sig_atomic_t stop;
    if (parse_args(&cli, argc, argv) < 0) {
        fputs(usage_text, stderr);
        return 2;
    }
    if (cli.is_help) {
        fputs(usage_text, stdout);
        return 0;
    }
    mem_install_cjson_hooks();
    struct sync_stats stats = { 0 };
    int status;
    if (cli.is_handler) {
        status = run_handler(&cli, &stats);
    } else {
        sync_cli_catch_signals(&stop);
        cli.o.stop = &stop;
        int rc = ship_run(&cli.o, &stats);
        status = rc == 0 ? 0 : 1;
    }
    if (cli.is_json) {
        struct buf b;
        buf_init(&b, 0);
        sync_stats_write_json(&stats, "ship", &b);
        fprintf(cli.is_handler ? stderr : stdout, "%s\n", buf_cstr(&b));
        buf_clear(&b);
    }
    return status;
}
