/* The one operation table: for every emulated operation, its handler, the
 * IAM action it is authorized as, and how to build the resource ARN(s) it
 * touches. Adding an operation is one row in ops.c plus its handler. */
#ifndef DYNALAKE_OPS_H
#define DYNALAKE_OPS_H

#include "base/str.h"
#include "http/call.h"

#include <stddef.h>

struct policy;

/* The most resources one request authorizes against: S3's DeleteObjects
 * names up to 1000 keys, each authorized as s3:DeleteObject (BatchWriteItem
 * and TransactWriteItems name up to 100 items). */
#define OPS_MAX_RESOURCES 1000

struct op_resources {
    char *arns[OPS_MAX_RESOURCES]; /* owned */
    /* The action for arns[i] when it is not the op's own (static; NULL
     * otherwise): CopyObject reads its source as s3:GetObject. */
    const char *actions[OPS_MAX_RESOURCES];
    size_t n;
};

struct op {
    enum service service;
    const char *name;   /* the AWS operation name, e.g. "PutItem" */
    int (*handler)(struct call *c);
    const char *action; /* the IAM action, e.g. "dynamodb:PutItem"; NULL for
                           the admin API, which IAM does not govern */
    /* Appends the ARNs the operation acts on, from the parsed request;
     * -1 with a ValidationException recorded when they cannot be named. */
    int (*resources)(struct call *c, struct op_resources *out);
    /* The resource-based policy that takes part in the decision on arn: a
     * role's trust policy for sts:AssumeRole, a bucket policy for S3; NULL
     * when none. A policy compiled for this request is also stored in
     * *to_free, which the caller frees after deciding. */
    const struct policy *(*resource_policy)(struct call *c, const char *arn,
                                            struct policy **to_free);
    /* The request body must be a JSON object (DynamoDB and Streams). */
    unsigned is_json : 1;
    /* The handler consults the fault rules itself, per item (BatchGetItem
     * and BatchWriteItem return throttled items unprocessed). */
    unsigned checks_faults : 1;
    /* The handler reads a body kept in a file (call.h body_fd); for any
     * other operation such a body is refused as too large. */
    unsigned takes_file_body : 1;
};

/* The row for (service, name), or NULL. Names match exactly. */
const struct op *ops_find(enum service service, struct str name);

/* Adds arn (taken) as the resource of action (static), or of the op's
 * own action when action is NULL; past OPS_MAX_RESOURCES, frees it. The
 * only way to add one: authorization reads every slot's action. */
void op_resources_add(struct op_resources *out, const char *action, char *arn);

void op_resources_clear(struct op_resources *r);

#endif
