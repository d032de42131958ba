/* `dynalake policy simulate [FILE]`; see policy.h. Exits 0 when every case
 * was decided, 1 when any was malformed, 2 on usage errors. */
#include "cli/policy.h"

#include "cli/policy_audit.h"

#include "base/buf.h"
#include "emulator.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: dynalake policy simulate [FILE]\n"
    "       dynalake policy generate --audit-log FILE --principal ARN\n"
    "       dynalake policy check --audit-log FILE --principal ARN "
    "--policy FILE...\n"
    "  simulate reads one case per line (JSON) from FILE or standard input\n"
    "  and writes one decision per line; see README.md for the format.\n";

static int simulate(FILE *in)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int status = 0;
    struct buf out;
    buf_init(&out, 0);
    while ((n = getline(&line, &cap, in)) > 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        if (n == 0)
            continue;
        buf_reset(&out);
        if (emulator_policy_simulate(line, (size_t)n, &out) < 0)
            status = 1;
        puts(buf_cstr(&out));
    }
    free(line);
    buf_clear(&out);
    return status;
}

int policy_main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "generate") == 0 ||
                      strcmp(argv[1], "check") == 0))
        return policy_audit_main(argc - 1, argv + 1);
    if (argc < 2 || strcmp(argv[1], "simulate") != 0 || argc > 3) {
        fputs(usage_text, stderr);
        return 2;
    }
    FILE *in = argc == 3 ? fopen(argv[2], "r") : stdin;
    if (in == NULL) {
        perror(argv[2]);
        return 2;
    }
    int status = simulate(in);
    if (in != stdin)
        fclose(in);
    return status;
}
