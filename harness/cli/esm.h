/* `dynalake esm`: the event-source-mapping runner (sync/esm.c). */
#ifndef DYNALAKE_CLI_ESM_H
#define DYNALAKE_CLI_ESM_H

int esm_main(int argc, char **argv);

#endif
