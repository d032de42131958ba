/* S3 routing: finds the bucket (from a virtual host such as
 * bucket.localhost, or the first path segment), the key, the decoded query
 * and from them and the method the S3 operation, e.g. "PutObject". S3 is
 * what a request is when it is none of the other services. */
#ifndef DYNALAKE_ROUTE_S3_H
#define DYNALAKE_ROUTE_S3_H

#include <stdbool.h>

struct call;

/* Sets c->service to SERVICE_S3, c->input to {"Bucket", "Key", "Query":
 * {name: value}, "VirtualHost": bool} (all decoded; Bucket and Key ""
 * when absent) and c->op.
 * Returns 0, or -1 with the S3 error recorded (NotImplemented for a
 * subresource dynalake does not emulate, MethodNotAllowed). */
int route_s3(struct call *c);

/* The operation name for a method on a bucket (has_bucket), an object
 * (has_key) or the service, given a query-parameter test and whether an
 * x-amz-copy-source header is present; NULL when none applies. */
const char *route_s3_operation(const char *method, bool has_bucket,
                               bool has_key, bool (*has_param)(const void *,
                                                               const char *),
                               const void *query, bool is_copy);

#endif
