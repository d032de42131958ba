/* `dynalake load` command line; the work is sync/load.c's. Exits 0 when
 * done, 1 on an error or when files were rejected, 2 on usage errors. */
#include "cli/load.h"

#include "base/buf.h"
#include "base/mem.h"
#include "cli/sync_cli.h"
#include "sync/load.h"
#include "sync/sync.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage_text[] =
    "usage: dynalake load --from s3://BUCKET/PREFIX --checkpoint PATH "
    "--lake PATH.db\n"
    "                     [--snapshot PATH.jsonl] [--once] [options]\n"
    "\n"
    "Loads the JSON-lines change files under PREFIX (written by 'dynalake\n"
    "ship --format ddb-json') into a SQLite lake table: each file exactly\n"
    "once, changes applied by sequence number per key (upsert on INSERT and\n"
    "MODIFY, delete on REMOVE; an older change never overwrites a newer\n"
    "one). Files that cannot be parsed are rejected with the reason.\n"
    "\n"
    "options:\n"
    "  --from s3://B/P        landing prefix (required)\n"
    "  --checkpoint PATH      the loader's name and rejected files\n"
    "                         (required); the files it loaded are kept\n"
    "                         in the lake, with their changes\n"
    "  --lake PATH.db         the lake table, SQLite (required)\n"
    "  --snapshot PATH.jsonl  after the run, write the lake's items, one\n"
    "                         DynamoDB JSON item per line, sorted by key\n"
    "  --once                 load what is there now, then exit\n"
    "  --poll-interval-ms N   pause between listings (default 1000)\n"
    "  --max-attempts N       attempts per AWS call (default: "
    "AWS_MAX_ATTEMPTS or 3)\n"
    "  --endpoint-url URL     AWS endpoint (default: AWS_ENDPOINT_URL or "
    "AWS)\n"
    "  --json                 print a JSON summary on stdout\n"
    "  --quiet                no progress lines on stderr\n"
    "  --help                 this text\n";

enum {
    OPT_FROM = 256, OPT_CHECKPOINT, OPT_LAKE, OPT_SNAPSHOT, OPT_ONCE,
    OPT_POLL, OPT_ATTEMPTS, OPT_ENDPOINT, OPT_JSON, OPT_QUIET, OPT_HELP,
};

static const struct option long_options[] = {
    { "from", required_argument, NULL, OPT_FROM },
    { "checkpoint", required_argument, NULL, OPT_CHECKPOINT },
    { "lake", required_argument, NULL, OPT_LAKE },
    { "snapshot", required_argument, NULL, OPT_SNAPSHOT },
    { "once", no_argument, NULL, OPT_ONCE },
    { "poll-interval-ms", required_argument, NULL, OPT_POLL },
    { "max-attempts", required_argument, NULL, OPT_ATTEMPTS },
    { "endpoint-url", required_argument, NULL, OPT_ENDPOINT },
    { "json", no_argument, NULL, OPT_JSON },
    { "quiet", no_argument, NULL, OPT_QUIET },
    { "help", no_argument, NULL, OPT_HELP },
    { NULL, 0, NULL, 0 },
};

struct load_cli {
    struct load_options o;
    bool is_json;
    bool is_help;
};

static int parse_option(struct load_cli *cli, int opt, const char *arg)
{
    struct load_options *o = &cli->o;
    long n = 0;
    switch (opt) {
    case OPT_FROM: o->from = arg; return 0;
    case OPT_CHECKPOINT: o->checkpoint = arg; return 0;
    case OPT_LAKE: o->lake = arg; return 0;
    case OPT_SNAPSHOT: o->snapshot = arg; return 0;
    case OPT_ONCE: o->is_once = true; return 0;
    case OPT_ENDPOINT: o->endpoint = arg; return 0;
    case OPT_JSON: cli->is_json = true; return 0;
    case OPT_QUIET: o->is_progress = false; return 0;
    case OPT_HELP: cli->is_help = true; return 0;
    case OPT_POLL:
        if (sync_cli_number("load", "--poll-interval-ms", arg, 0, 3600000,
                            &n) < 0)
            return -1;
        o->poll_interval_ms = n;
        return 0;
    case OPT_ATTEMPTS:
        if (sync_cli_number("load", "--max-attempts", arg, 1, 100, &n) < 0)
            return -1;
        o->max_attempts = (int)n;
        return 0;
    default:
        return -1;
    }
}

static int parse_args(struct load_cli *cli, int argc, char **argv)
{
    load_options_init(&cli->o);
    cli->o.is_progress = true;
    optind = 1;
    int opt;
    while ((opt = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        if (opt == '?' || parse_option(cli, opt, optarg) < 0)
            return -1;
    }
    if (cli->is_help)
        return 0;
    if (optind < argc) {
        fprintf(stderr, "load: unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    if (!cli->o.from || !cli->o.checkpoint || !cli->o.lake) {
        fprintf(stderr, "load: --from, --checkpoint and --lake are "
                "required\n");
        return -1;
    }
    return 0;
}

int load_main(int argc, char **argv)
{
    struct load_cli cli = { 0 };
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
    int rc = load_run(&cli.o, &stats);
    if (cli.is_json) {
        struct buf b;
        buf_init(&b, 0);
        sync_stats_write_json(&stats, "load", &b);
        printf("%s\n", buf_cstr(&b));
        buf_clear(&b);
    }
    return rc == 0 ? 0 : 1;
}
