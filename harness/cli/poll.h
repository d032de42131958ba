/* `dynalake poll`: the incremental polling loader (sync/poll.c). */
#ifndef DYNALAKE_CLI_POLL_H
#define DYNALAKE_CLI_POLL_H

int poll_main(int argc, char **argv);

#endif
