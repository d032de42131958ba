/* STS on the shared port: GetCallerIdentity and AssumeRole (the trust
 * policy and the caller's identity policy decided through the IAM engine),
 * answering in STS's XML. */
#ifndef DYNALAKE_STS_H
#define DYNALAKE_STS_H

struct call;

int sts_get_caller_identity(struct call *c);
int sts_assume_role(struct call *c);

/* The IAM pieces of AssumeRole for the operation table: the role ARN it
 * acts on, and that role's trust policy. */
struct op_resources;
struct policy;
int sts_role_resource(struct call *c, struct op_resources *out);
const struct policy *sts_trust_policy(struct call *c, const char *arn,
                                      struct policy **to_free);

/* Appends STS's XML error body for c's recorded error. */
void sts_write_error(struct call *c);

#endif
