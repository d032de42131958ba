/* Finds which service and operation a request is for: the admin API by its
 * /_dynalake/ path, DynamoDB and DynamoDB Streams by X-Amz-Target, STS by
 * its form-encoded Action, and S3 by elimination. */
#ifndef DYNALAKE_ROUTE_H
#define DYNALAKE_ROUTE_H

struct call;

/* Sets c->service and c->op. Returns 0, or -1 with the AWS error recorded
 * (UnknownOperationException for an unknown target). */
int route(struct call *c);

#endif
