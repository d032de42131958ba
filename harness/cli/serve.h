/* `dynalake serve`: run the emulator in the foreground until SIGINT or
 * SIGTERM. */
#ifndef DYNALAKE_SERVE_H
#define DYNALAKE_SERVE_H

int serve_main(int argc, char **argv);

#endif
