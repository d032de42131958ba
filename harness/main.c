/* dynalake: one binary, one subcommand table. Each subcommand lives in its
 * own file and takes the arguments after its name. */
#include "cli/esm.h"
#include "cli/export.h"
#include "cli/load.h"
#include "cli/poll.h"
#include "cli/policy.h"
#include "cli/run.h"
#include "cli/serve.h"
#include "cli/ship.h"
#include "version.h"

#include <stdio.h>
#include <string.h>

struct subcommand {
    const char *name;
    int (*main)(int argc, char **argv);
    const char *summary;
};

static const struct subcommand subcommands[] = {
    { "serve", serve_main,
      "run the AWS endpoint (DynamoDB, Streams, S3, STS) on one port" },
    { "ship", ship_main,
      "ship DynamoDB stream records to JSON lines in S3 (poller or handler)" },
    { "poll", poll_main,
      "incremental polling loader: Scan by watermark to JSON lines in S3" },
    { "export", export_main,
      "bulk export: parallel Scan to S3 in DynamoDB's native export layout" },
    { "esm", esm_main,
      "Lambda event source mapping: stream batches to a handler command" },
    { "load", load_main,
      "load JSON-lines change files from S3 into a SQLite lake table" },
    { "run", run_main,
      "run scenarios end to end: workload, pipeline, verification, IAM" },
    { "policy", policy_main,
      "offline IAM tools: 'policy simulate' decides cases without a server" },
};

static void usage(FILE *out)
{
    fprintf(out, "usage: dynalake <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
        fprintf(out, "  %-8s %s\n", subcommands[i].name,
                subcommands[i].summary);
    fprintf(out, "\n'dynalake <command> --help' describes a command.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("dynalake %s\n", DYNALAKE_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++) {
        if (strcmp(argv[1], subcommands[i].name) == 0)
            return subcommands[i].main(argc - 1, argv + 1);
    }
    fprintf(stderr, "dynalake: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
