/* `dynalake export` command line; the work is sync/export.c's. Exits 0
 * when the export is whole, 1 on an error, 2 on usage errors. */
#include "cli/export.h"

#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"
#include "cli/sync_cli.h"
#include "sync/export.h"
#include "sync/sync.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char usage_text[] =
    "usage: dynalake export --table T --to s3://BUCKET/PREFIX [options]\n"
    "\n"
    "Bulk export: a parallel Scan (one thread and connection per segment)\n"
    "written in the layout of DynamoDB's native export to S3:\n"
    "  PREFIX/AWSDynamoDB/<export-id>/manifest-summary.json (+ .checksum)\n"
    "  PREFIX/AWSDynamoDB/<export-id>/manifest-files.json   (+ .checksum)\n"
    "  PREFIX/AWSDynamoDB/<export-id>/data/<id>.json.gz  one {\"Item\":...}\n"
    "                                                    per line\n"
    "The manifests are written last, and only when every segment succeeded.\n"
    "A Scan is not a point-in-time snapshot: writes made during the export\n"
    "may or may not be in it.\n"
    "\n"
    "options:\n"
    "  --table T             table to export (required)\n"
    "  --to s3://B/P         export prefix (required)\n"
    "  --segments N          parallel Scan segments, 1-64 (default 4)\n"
    "  --max-attempts N      attempts per AWS call (default: AWS_MAX_ATTEMPTS"
    " or 3)\n"
    "  --endpoint-url URL    AWS endpoint (default: AWS_ENDPOINT_URL or AWS)\n"
    "  --json                print a JSON summary on stdout\n"
    "  --quiet               no progress lines on stderr\n"
    "  --help                this text\n";

enum {
    OPT_TABLE = 256, OPT_TO, OPT_SEGMENTS, OPT_ATTEMPTS, OPT_ENDPOINT,
    OPT_JSON, OPT_QUIET, OPT_HELP,
};

static const struct option long_options[] = {
    { "table", required_argument, NULL, OPT_TABLE },
    { "to", required_argument, NULL, OPT_TO },
    { "segments", required_argument, NULL, OPT_SEGMENTS },
    { "max-attempts", required_argument, NULL, OPT_ATTEMPTS },
    { "endpoint-url", required_argument, NULL, OPT_ENDPOINT },
    { "json", no_argument, NULL, OPT_JSON },
    { "quiet", no_argument, NULL, OPT_QUIET },
    { "help", no_argument, NULL, OPT_HELP },
    { NULL, 0, NULL, 0 },
};

struct export_cli {
    struct export_options o;
    bool is_json;
    bool is_help;
};

static int parse_option(struct export_cli *cli, int opt, const char *arg)
{
    struct export_options *o = &cli->o;
    long n = 0;
    switch (opt) {
    case OPT_TABLE: o->table = arg; return 0;
    case OPT_TO: o->to = arg; return 0;
    case OPT_ENDPOINT: o->endpoint = arg; return 0;
    case OPT_JSON: cli->is_json = true; return 0;
    case OPT_QUIET: o->is_progress = false; return 0;
    case OPT_HELP: cli->is_help = true; return 0;
    case OPT_SEGMENTS:
        if (sync_cli_number("export", "--segments", arg, 1,
                            EXPORT_MAX_SEGMENTS, &n) < 0)
            return -1;
        o->segments = (int)n;
        return 0;
    case OPT_ATTEMPTS:
        if (sync_cli_number("export", "--max-attempts", arg, 1, 100, &n) < 0)
            return -1;
        o->max_attempts = (int)n;
        return 0;
    default:
        return -1;
    }
}

static int parse_args(struct export_cli *cli, int argc, char **argv)
{
    export_options_init(&cli->o);
    cli->o.is_progress = true;
    optind = 1;
    opterr = 1;
    int opt;
    while ((opt = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        if (opt == '?' || parse_option(cli, opt, optarg) < 0) {
            if (opt != '?')
                fprintf(stderr, "export: bad value '%s'\n", optarg);
            return -1;
        }
    }
    if (cli->is_help)
        return 0;
    if (optind < argc) {
        fprintf(stderr, "export: unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    if (cli->o.table == NULL || cli->o.to == NULL) {
        fprintf(stderr, "export: --table and --to are required\n");
        return -1;
    }
    return 0;
}

int export_main(int argc, char **argv)
{
    struct export_cli cli = { 0 };
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
    struct export_result result = { 0 };
    int rc = export_run(&cli.o, &stats, &result);
    if (rc == 0 && cli.o.is_progress)
        fprintf(stderr, "export: %" PRIu64 " items in %" PRIu64 " files; "
                "summary at %s\n", result.items, result.files,
                result.summary_key);
    if (cli.is_json) {
        struct buf b, base;
        buf_init(&b, 0);
        buf_init(&base, 0);
        sync_stats_write_json(&stats, "export", &base);
        buf_append(&b, base.data, base.len - 1);
        buf_puts(&b, ",\"export_id\":");
        json_write_string(&b, result.export_id, strlen(result.export_id));
        buf_puts(&b, ",\"manifest_summary\":");
        json_write_string(&b, result.summary_key,
                          strlen(result.summary_key));
        buf_printf(&b, ",\"files\":%" PRIu64 ",\"segments\":%d}",
                   result.files, cli.o.segments);
        printf("%s\n", buf_cstr(&b));
        buf_clear(&b);
        buf_clear(&base);
    }
    return rc == 0 ? 0 : 1;
}
