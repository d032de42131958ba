/* `dynalake run [options] SCENARIO_OR_DIR...`: runs scenarios end to end
 * and reports (text on stdout, optionally JSON and JUnit XML). Exit status
 * 0 when every expectation of every scenario held, 1 otherwise, 2 on
 * usage errors. */
#ifndef DYNALAKE_CLI_RUN_H
#define DYNALAKE_CLI_RUN_H

int run_main(int argc, char **argv);

#endif
