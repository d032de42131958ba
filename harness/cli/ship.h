/* `dynalake ship`: stream records to S3, as a poller (--table) or as a
 * Lambda-style handler (--handler, one event on stdin). See sync/ship.h. */
#ifndef DYNALAKE_SHIP_CLI_H
#define DYNALAKE_SHIP_CLI_H

int ship_main(int argc, char **argv);

#endif
