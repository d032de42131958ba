/* `dynalake policy generate` and `dynalake policy check`: least privilege
 * from any audit log of `dynalake serve --audit-log FILE` (typically with
 * `--iam audit`), so teams can derive and check policies from their own
 * test suites. */
#ifndef DYNALAKE_POLICY_AUDIT_H
#define DYNALAKE_POLICY_AUDIT_H

/* argv[0] is "generate" or "check". Exit status: 0 clean, 1 findings or
 * errors, 2 usage. */
int policy_audit_main(int argc, char **argv);

#endif
