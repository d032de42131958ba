/* `dynalake poll` command line; the work is sync/poll.c's. Exits 0 when
 * done, 1 on an error, 2 on usage errors. */
#include "cli/poll.h"

#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"
#include "cli/sync_cli.h"
#include "sync/poll.h"
#include "sync/sync.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: dynalake poll --table T --watermark ATTR --to s3://BUCKET/PREFIX"
    "\n                     --checkpoint PATH [options]\n"
    "\n"
    "Incremental polling loader: a paginated Scan for items whose watermark\n"
    "attribute ATTR is at or past the checkpoint, written as JSON-lines\n"
    "change records (the format of 'dynalake ship'; INSERT on the first run,\n"
    "MODIFY afterwards) under\n"
    "  PREFIX/table=T/dt=YYYY-MM-DD/poll-<run>-<page>.jsonl\n"
    "The next scan starts at the highest watermark SEEN in the items minus\n"
    "--overlap (never at the wall clock when the scan ended, which skips\n"
    "writes landing during the scan); items inside the overlap that were\n"
    "already written are remembered in the checkpoint and not written again.\n"
    "ATTR is a Number (epoch seconds, or milliseconds from 10^11 up) or an\n"
    "ISO 8601 String (YYYY-MM-DDTHH:MM:SS...).\n"
    "\n"
    "LIMIT: " POLL_LIMIT_TEXT ".\n"
    "\n"
    "options:\n"
    "  --table T             table to scan (required)\n"
    "  --watermark ATTR      last-modified attribute (required)\n"
    "  --to s3://B/P         where to write (required)\n"
    "  --checkpoint PATH     checkpoint file (required)\n"
    "  --once                one scan, then exit\n"
    "  --overlap SECONDS     rescanned window, at least the longest scan plus\n"
    "                        the writers' clock skew (default 60)\n"
    "  --format F            ddb-json (default) or json\n"
    "  --page-limit N        Scan Limit per page (default: 1 MB pages)\n"
    "  --interval-ms N       pause between scans when following (default "
    "60000)\n"
    "  --max-attempts N      attempts per AWS call (default: AWS_MAX_ATTEMPTS"
    " or 3)\n"
    "  --endpoint-url URL    AWS endpoint (default: AWS_ENDPOINT_URL or AWS)\n"
    "  --json                print a JSON summary on stdout\n"
    "  --quiet               no progress lines on stderr\n"
    "  --help                this text\n";

enum {
    OPT_TABLE = 256, OPT_WATERMARK, OPT_TO, OPT_CHECKPOINT, OPT_ONCE,
    OPT_OVERLAP, OPT_FORMAT, OPT_PAGE, OPT_INTERVAL, OPT_ATTEMPTS,
    OPT_ENDPOINT, OPT_JSON, OPT_QUIET, OPT_HELP,
};

static const struct option long_options[] = {
    { "table", required_argument, NULL, OPT_TABLE },
    { "watermark", required_argument, NULL, OPT_WATERMARK },
    { "to", required_argument, NULL, OPT_TO },
    { "checkpoint", required_argument, NULL, OPT_CHECKPOINT },
    { "once", no_argument, NULL, OPT_ONCE },
    { "overlap", required_argument, NULL, OPT_OVERLAP },
    { "format", required_argument, NULL, OPT_FORMAT },
    { "page-limit", required_argument, NULL, OPT_PAGE },
    { "interval-ms", required_argument, NULL, OPT_INTERVAL },
    { "max-attempts", required_argument, NULL, OPT_ATTEMPTS },
    { "endpoint-url", required_argument, NULL, OPT_ENDPOINT },
    { "json", no_argument, NULL, OPT_JSON },
    { "quiet", no_argument, NULL, OPT_QUIET },
    { "help", no_argument, NULL, OPT_HELP },
    { NULL, 0, NULL, 0 },
};

struct poll_cli {
    struct poll_options o;
    bool is_json;
    bool is_help;
};

static int parse_option(struct poll_cli *cli, int opt, const char *arg)
{
    struct poll_options *o = &cli->o;
    long n = 0;
    switch (opt) {
    case OPT_TABLE: o->table = arg; return 0;
    case OPT_WATERMARK: o->watermark = arg; return 0;
    case OPT_TO: o->to = arg; return 0;
    case OPT_CHECKPOINT: o->checkpoint = arg; return 0;
    case OPT_ONCE: o->is_once = true; return 0;
    case OPT_ENDPOINT: o->endpoint = arg; return 0;
    case OPT_JSON: cli->is_json = true; return 0;
    case OPT_QUIET: o->is_progress = false; return 0;
    case OPT_HELP: cli->is_help = true; return 0;
    case OPT_FORMAT: return jsonl_format_parse(arg, &o->format);
    case OPT_OVERLAP:
        if (sync_cli_number("poll", "--overlap", arg, 0, 86400 * 365, &n) < 0)
            return -1;
        o->overlap_s = n;
        return 0;
    case OPT_PAGE:
        if (sync_cli_number("poll", "--page-limit", arg, 1, 1000000, &n) < 0)
            return -1;
        o->page_limit = (int)n;
        return 0;
    case OPT_INTERVAL:
        if (sync_cli_number("poll", "--interval-ms", arg, 0, 86400000,
                            &n) < 0)
            return -1;
        o->interval_ms = n;
        return 0;
    case OPT_ATTEMPTS:
        if (sync_cli_number("poll", "--max-attempts", arg, 1, 100, &n) < 0)
            return -1;
        o->max_attempts = (int)n;
        return 0;
    default:
        return -1;
    }
}

static int parse_args(struct poll_cli *cli, int argc, char **argv)
{
    poll_options_init(&cli->o);
    cli->o.is_progress = true;
    optind = 1;
    opterr = 1;
    int opt;
    while ((opt = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        if (opt == '?' || parse_option(cli, opt, optarg) < 0) {
            if (opt != '?')
                fprintf(stderr, "poll: bad value '%s'\n", optarg);
            return -1;
        }
    }
    if (cli->is_help)
        return 0;
    if (optind < argc) {
        fprintf(stderr, "poll: unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    if (!cli->o.table || !cli->o.watermark || !cli->o.to ||
        !cli->o.checkpoint) {
        fprintf(stderr, "poll: --table, --watermark, --to and --checkpoint "
                "are required\n");
        return -1;
    }
    return 0;
}

/* The sync summary with the poller's own fields and its limit. */
static void write_summary(const struct sync_stats *stats,
                          const struct poll_report *r, struct buf *out)
{
    struct buf base;
    buf_init(&base, 0);
    sync_stats_write_json(stats, "poll", &base);
    buf_append(out, base.data, base.len - 1); /* without its '}' */
    buf_puts(out, ",\"from\":");
    json_write_string(out, r->from, strlen(r->from));
    buf_puts(out, ",\"high_watermark\":");
    json_write_string(out, r->high, strlen(r->high));
    buf_puts(out, ",\"next_from\":");
    json_write_string(out, r->next, strlen(r->next));
    buf_printf(out, ",\"duplicates_skipped\":%" PRIu64
               ",\"overlap_keys\":%" PRIu64 ",\"scan_ms\":%" PRId64
               ",\"sees_deletes\":false,\"limit\":", r->duplicates,
               r->boundary, r->scan_ms);
    json_write_string(out, POLL_LIMIT_TEXT, strlen(POLL_LIMIT_TEXT));
    buf_putc(out, '}');
    buf_clear(&base);
}

int poll_main(int argc, char **argv)
{
    struct poll_cli cli = { 0 };
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
    sync_cli_catch_signals(&stop);
    cli.o.stop = &stop;
    struct sync_stats stats = { 0 };
    struct poll_report report = { 0 };
    int rc = poll_run(&cli.o, &stats, &report);
    if (cli.o.is_progress)
        fprintf(stderr, "poll: %" PRIu64 " read, %" PRIu64 " written, %"
                PRIu64 " already written in the overlap; next scan from "
                "'%s' (%s)\n", stats.read, stats.written, report.duplicates,
                report.next, POLL_LIMIT_TEXT);
    if (cli.is_json) {
        struct buf b;
        buf_init(&b, 0);
        write_summary(&stats, &report, &b);
        printf("%s\n", buf_cstr(&b));
        buf_clear(&b);
    }
    return rc == 0 ? 0 : 1;
}
