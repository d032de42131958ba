/* STS on the shared port: GetCallerIdentity and AssumeRole (the trust
 * policy and the caller's identity policy decided through the IAM engine),
 * answering in STS's XML. */
#ifndef DYNALAKE_STS_H
#define DYNALAKE_STS_H

struct call;

int sts_get_caller_identity(struct call *c);
int sts_assume_role(struct call *c);

/* Appends STS's XML error body for c's recorded error. */
void sts_write_error(struct call *c);

#endif
