/* Shared helpers of the sync subcommands; see sync_cli.h. */
#include "cli/sync_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t *stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    if (stop_flag)
        *stop_flag = 1;
}

void sync_cli_catch_signals(volatile sig_atomic_t *flag)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    stop_flag = flag;
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int sync_cli_number(const char *cmd, const char *opt, const char *text,
                    long min, long max, long *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || v < min || v > max) {
        fprintf(stderr, "%s: %s wants a number from %ld to %ld, not '%s'\n",
                cmd, opt, min, max, text);
        return -1;
    }
    *out = v;
    return 0;
}
