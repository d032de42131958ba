/* Request routing; see route.h. */
#include "http/route.h"

#include "base/json.h"
#include "base/str.h"
#include "http/call.h"
#include "http/form.h"
#include "http/ops.h"
#include "http/route_s3.h"

#include <stdbool.h>
#include <string.h>

#define ADMIN_PREFIX "/_dynalake/"
#define DYNAMODB_TARGET "DynamoDB_20120810."
#define STREAMS_TARGET "DynamoDBStreams_20120810."

/* Every operation of DynamoDB's API (2012-08-10), emulated or not: one
 * that AWS has and the ops table lacks is refused by name, so that a user
 * is not left guessing at a bare UnknownOperationException. */
static const char *const dynamodb_operations[] = {
    "BatchExecuteStatement", "BatchGetItem", "BatchWriteItem",
    "CreateBackup", "CreateGlobalTable", "CreateTable", "DeleteBackup",
    "DeleteItem", "DeleteResourcePolicy", "DeleteTable", "DescribeBackup",
    "DescribeContinuousBackups", "DescribeContributorInsights",
    "DescribeEndpoints", "DescribeExport", "DescribeGlobalTable",
    "DescribeGlobalTableSettings", "DescribeImport",
    "DescribeKinesisStreamingDestination", "DescribeLimits",
    "DescribeTable", "DescribeTableReplicaAutoScaling", "DescribeTimeToLive",
    "DisableKinesisStreamingDestination",
    "EnableKinesisStreamingDestination", "ExecuteStatement",
    "ExecuteTransaction", "ExportTableToPointInTime", "GetItem",
    "GetResourcePolicy", "ImportTable", "ListBackups",
    "ListContributorInsights", "ListExports", "ListGlobalTables",
    "ListImports", "ListTables", "ListTagsOfResource", "PutItem",
    "PutResourcePolicy", "Query", "RestoreTableFromBackup",
    "RestoreTableToPointInTime", "Scan", "TagResource", "TransactGetItems",
    "TransactWriteItems", "UntagResource", "UpdateContinuousBackups",
    "UpdateContributorInsights", "UpdateGlobalTable",
    "UpdateGlobalTableSettings", "UpdateItem",
    "UpdateKinesisStreamingDestination", "UpdateTable",
    "UpdateTableReplicaAutoScaling", "UpdateTimeToLive",
};

static bool is_dynamodb_operation(struct str name)
{
    size_t n = sizeof dynamodb_operations / sizeof dynamodb_operations[0];
    for (size_t i = 0; i < n; i++)
        if (str_eq_cstr(name, dynamodb_operations[i]))
            return true;
    return false;
}

static int route_target(struct call *c, const char *target)
{
    struct str t = str_from(target);
    struct str prefix;
    struct str name = t;
    enum service service = SERVICE_NONE;
    if (str_cut(&name, '.', &prefix)) {
        if (str_eq_cstr(prefix, "DynamoDB_20120810"))
            service = SERVICE_DYNAMODB;
        else if (str_eq_cstr(prefix, "DynamoDBStreams_20120810"))
            service = SERVICE_STREAMS;
    }
    /* Without a known service prefix AWS still answers in DynamoDB's JSON
     * shape, so errors render as DynamoDB's. */
    c->service = service == SERVICE_NONE ? SERVICE_DYNAMODB : service;
    c->op = service == SERVICE_NONE ? NULL : ops_find(service, name);
    if (c->op == NULL && service == SERVICE_DYNAMODB &&
        is_dynamodb_operation(name))
        return call_fail(c, AWS_ERR_UNKNOWN_OPERATION, "dynalake does not "
                         "emulate DynamoDB's %.*s", (int)name.len, name.ptr);
    if (c->op == NULL)
        return call_fail(c, AWS_ERR_UNKNOWN_OPERATION, "%s", "");
    return 0;
}

/* STS speaks the Query protocol: its SigV4 scope names "sts", or, for an
 * unsigned call, a form body or query string carries Action=. */
static bool is_sts(const struct call *c)
{
    const char *auth = call_header(c, "Authorization");
    if (auth)
        return strstr(auth, "/sts/aws4_request") != NULL;
    if (strstr(c->query, "sts%2Faws4_request"))
        return true;
    const char *type = call_header(c, "Content-Type");
    return strcmp(c->path, "/") == 0 &&
           ((type && strncmp(type, "application/x-www-form-urlencoded",
                             33) == 0) ||
            strncmp(c->query, "Action=", 7) == 0);
}

/* Decodes the query string and the form body into c->input, and finds the
 * operation named by Action. */
static int route_sts(struct call *c)
{
    c->service = SERVICE_STS;
    c->input = cJSON_CreateObject();
    if (form_decode(c->query, strlen(c->query), c->input) < 0 ||
        form_decode(c->body, c->body_len, c->input) < 0)
        return call_fail(c, AWS_ERR_VALIDATION, "Malformed form-encoded "
                         "request");
    const char *action = json_get_string(c->input, "Action");
    if (action == NULL)
        return call_fail(c, AWS_ERR_MISSING_ACTION, "Missing Action");
    c->op = ops_find(SERVICE_STS, str_from(action));
    if (c->op == NULL)
        return call_fail(c, AWS_ERR_UNKNOWN_OPERATION, "Could not find "
                         "operation %s for version 2011-06-15", action);
    return 0;
}

int route(struct call *c)
{
    if (strncmp(c->path, ADMIN_PREFIX, strlen(ADMIN_PREFIX)) == 0) {
        c->service = SERVICE_ADMIN;
        c->op = ops_find(SERVICE_ADMIN, str_from(c->path +
                                                 strlen(ADMIN_PREFIX)));
        if (c->op == NULL)
            return call_fail(c, AWS_ERR_RESOURCE_NOT_FOUND,
                             "No admin endpoint %s", c->path);
        return 0;
    }
    const char *target = call_header(c, "X-Amz-Target");
    if (target)
        return route_target(c, target);
    if (is_sts(c))
        return route_sts(c);
    /* A request signed for DynamoDB without a target is an unknown
     * DynamoDB operation; anything else that names no target is S3. */
    const char *auth = call_header(c, "Authorization");
    if (auth && strstr(auth, "/dynamodb/aws4_request")) {
        c->service = SERVICE_DYNAMODB;
        return call_fail(c, AWS_ERR_UNKNOWN_OPERATION, "%s", "");
    }
    return route_s3(c);
}
