/* Small helpers the sync subcommands share: stop flags set by SIGINT and
 * SIGTERM, and numeric option parsing. */
#ifndef DYNALAKE_SYNC_CLI_H
#define DYNALAKE_SYNC_CLI_H

#include <signal.h>

/* Installs handlers that set *flag on SIGINT and SIGTERM (without
 * SA_RESTART, so sleeps end early). */
void sync_cli_catch_signals(volatile sig_atomic_t *flag);

/* Parses a decimal in [min, max] into *out; -1 with a message on stderr. */
int sync_cli_number(const char *cmd, const char *opt, const char *text,
                    long min, long max, long *out);

#endif
