/* `dynalake policy`: offline IAM tools. `simulate` reads policy cases as
 * JSON lines and writes one decision per line. */
#ifndef DYNALAKE_POLICY_CLI_H
#define DYNALAKE_POLICY_CLI_H

int policy_main(int argc, char **argv);

#endif
