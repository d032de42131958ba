/* The authorize stage: every operation's IAM action on each resource it
 * touches is decided by the IAM engine against the caller's identity
 * policies (and the role's trust policy for sts:AssumeRole), with the
 * request's condition keys; each decision is audited; in enforce mode a
 * denial answers AccessDenied in the service's shape. Owns the compiled
 * policies of every identity. */
#ifndef DYNALAKE_AUTHZ_H
#define DYNALAKE_AUTHZ_H

#include <stdbool.h>
#include <stddef.h>

struct audit;
struct authz;
struct buf;
struct call;
struct identities;
struct identity;
struct policy;

/* Compiles every policy of ids (which may be NULL). NULL, with the policy
 * and statement named in err, when a document is invalid. */
struct authz *authz_new(const struct identities *ids, struct buf *err);
void authz_free(struct authz *z); /* NULL accepted */

/* Decides c's operation on each of its resources, records each decision
 * in audit, and in enforce mode refuses with the AWS error. 0 or -1. */
int authz_authorize(struct authz *z, struct audit *audit, struct call *c);

/* Decides, audits and enforces one more (action, resource) for c beyond
 * what its operation names: S3 asks for s3:ListBucket before it says a
 * key is missing. 0, or -1 with AccessDenied recorded. */
int authz_authorize_also(struct authz *z, struct audit *audit,
                         struct call *c, const char *action,
                         const char *resource);

/* The compiled trust policy of a role, or NULL. */
const struct policy *authz_trust_policy(const struct authz *z,
                                        const struct identity *role);

/* The role whose ARN is arn, or NULL. */
const struct identity *authz_role_by_arn(const struct authz *z,
                                         const char *arn);

/* Whether the trust policy of role lets the service principal (for
 * example "lambda.amazonaws.com") assume it. */
bool authz_service_may_assume(const struct authz *z,
                              const struct identity *role,
                              const char *service);

#endif
