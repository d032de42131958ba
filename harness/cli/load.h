/* `dynalake load`: landing files in S3 to a SQLite lake table; see
 * sync/load.h. */
#ifndef DYNALAKE_LOAD_CLI_H
#define DYNALAKE_LOAD_CLI_H

int load_main(int argc, char **argv);

#endif
