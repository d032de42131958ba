/* The operation table (after Redis's commands.def and Taler's handlers[]):
 * generic checks run in dispatch, so each row is all an operation needs.
 * Actions and resources follow the AWS Service Authorization Reference:
 * ListTables is authorized on "*", table operations on the table ARN. */
#include "http/ops.h"

#include "base/json.h"
#include "base/mem.h"
#include "dynamodb/ddb_backups.h"
#include "dynamodb/ddb_batch.h"
#include "dynamodb/ddb_item.h"
#include "dynamodb/ddb_query.h"
#include "dynamodb/ddb_table.h"
#include "dynamodb/ddb_tags.h"
#include "dynamodb/ddb_ttl.h"
#include "dynamodb/ddb_txn.h"
#include "http/admin.h"
#include "http/bucket_policy.h"
#include "s3/s3.h"
#include "state.h"
#include "streams/streams_api.h"
#include "sts/sts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void op_resources_add(struct op_resources *out, const char *action, char *arn)
{
    if (out->n == OPS_MAX_RESOURCES) {
        free(arn);
        return;
    }
    out->actions[out->n] = action;
    out->arns[out->n++] = arn;
}

static void add_arn(struct op_resources *out, char *arn)
{
    op_resources_add(out, NULL, arn);
}

/* S3 resources (Service Authorization Reference, Amazon S3): buckets are
 * arn:aws:s3:::bucket, objects arn:aws:s3:::bucket/key, no region or
 * account. */
static int resource_s3_bucket(struct call *c, struct op_resources *out)
{
    add_arn(out, s3_arn(json_get_string(c->input, "Bucket"), NULL));
    return 0;
}

static int resource_s3_object(struct call *c, struct op_resources *out)
{
    add_arn(out, s3_arn(json_get_string(c->input, "Bucket"),
                        json_get_string(c->input, "Key")));
    return 0;
}

/* CopyObject and UploadPartCopy write the target and read the source. */
static int resource_s3_copy(struct call *c, struct op_resources *out)
{
    resource_s3_object(c, out);
    char *source = s3_copy_source_arn(c);
    if (source == NULL)
        return -1;
    op_resources_add(out, "s3:GetObject", source);
    return 0;
}

/* DeleteObjects is authorized as s3:DeleteObject on every key it names; a
 * malformed body names none and is refused by the handler. */
static int resource_s3_delete_objects(struct call *c, struct op_resources *out)
{
    s3_delete_objects_arns(c, out);
    return 0;
}

static int resource_any(struct call *c, struct op_resources *out)
{
    (void)c;
    add_arn(out, xstrdup("*"));
    return 0;
}

/* "arn:aws:dynamodb:REGION:ACCOUNT:table/NAME", with "/index/INDEX" when
 * index is not NULL. */
static char *dynamodb_arn(const struct call *c, const char *table,
                          const char *index)
{
    const char *const parts[] = { "arn:aws:dynamodb:", c->emu->region, ":",
                                  c->emu->account, ":table/", table,
                                  index ? "/index/" : NULL, index };
    return xstrjoin(parts, sizeof parts / sizeof parts[0]);
}

static char *table_arn(struct call *c, const char *name)
{
    return dynamodb_arn(c, name, NULL);
}

/* The table named by TableName; a missing name is left for the handler to
 * report, and authorizes against the table ARN with an empty name. */
static int resource_table(struct call *c, struct op_resources *out)
{
    add_arn(out, table_arn(c, json_get_string(c->input, "TableName")));
    return 0;
}

/* Query and Scan with an IndexName act on the index, whose ARN is the
 * table's with "/index/<name>" (Service Authorization Reference, Amazon
 * DynamoDB resource type "index"); without one, on the table. */
static int resource_table_or_index(struct call *c, struct op_resources *out)
{
    add_arn(out, dynamodb_arn(c, json_get_string(c->input, "TableName"),
                              json_get_string(c->input, "IndexName")));
    return 0;
}

/* BatchGetItem and BatchWriteItem act on every table RequestItems names,
 * each authorized as the batch's own action. */
static int resource_request_items(struct call *c, struct op_resources *out)
{
    const cJSON *table;
    cJSON_ArrayForEach(table, json_get(c->input, "RequestItems")) {
        if (table->string)
            add_arn(out, table_arn(c, table->string));
    }
    return 0;
}

/* Adds (action, table) once: a transaction of many items on one table
 * asks once per action. */
static void add_action_once(struct call *c, struct op_resources *out,
                            const char *action, const char *table)
{
    char *arn = table_arn(c, table);
    for (size_t i = 0; i < out->n; i++) {
        if (strcmp(out->actions[i], action) == 0 &&
            strcmp(out->arns[i], arn) == 0) {
            free(arn);
            return;
        }
    }
    op_resources_add(out, action, arn);
}

/* TransactWriteItems and TransactGetItems are authorized per item as the
 * action the item performs (Service Authorization Reference: a Put needs
 * dynamodb:PutItem on its table, a ConditionCheck
 * dynamodb:ConditionCheckItem, a Get dynamodb:GetItem). */
static int resource_transact_items(struct call *c, struct op_resources *out)
{
    static const struct { const char *member, *action; } kinds[] = {
        { "Put", "dynamodb:PutItem" },
        { "Update", "dynamodb:UpdateItem" },
        { "Delete", "dynamodb:DeleteItem" },
        { "ConditionCheck", "dynamodb:ConditionCheckItem" },
        { "Get", "dynamodb:GetItem" },
    };
    const cJSON *item;
    cJSON_ArrayForEach(item, json_get(c->input, "TransactItems")) {
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
            const cJSON *op = json_get(item, kinds[k].member);
            if (op)
                add_action_once(c, out, kinds[k].action,
                                json_get_string(op, "TableName"));
        }
    }
    return 0;
}

/* Tag operations act on the resource named by ResourceArn, as given. */
static int resource_arn(struct call *c, struct op_resources *out)
{
    const char *arn = json_get_string(c->input, "ResourceArn");
    add_arn(out, xstrdup(arn ? arn : ""));
    return 0;
}

/* The stream named by StreamArn, as given; the handler validates it. */
static int resource_stream(struct call *c, struct op_resources *out)
{
    const char *arn = json_get_string(c->input, "StreamArn");
    add_arn(out, xstrdup(arn ? arn : ""));
    return 0;
}

/* GetRecords acts on the stream whose ARN heads the shard iterator. */
static int resource_iterator(struct call *c, struct op_resources *out)
{
    const char *it = json_get_string(c->input, "ShardIterator");
    const char *bar = it ? strchr(it, '|') : NULL;
    char arn[1100];
    snprintf(arn, sizeof arn, "%.*s", bar ? (int)(bar - it) : 0,
             bar ? it : "");
    add_arn(out, xstrdup(arn));
    return 0;
}

#define DDB(op_name, fn, res)                                               \
    { .service = SERVICE_DYNAMODB, .name = #op_name, .handler = fn,        \
      .action = "dynamodb:" #op_name, .resources = res, .is_json = 1 }
/* Streams operations are authorized as dynamodb: actions (Service
 * Authorization Reference, "Amazon DynamoDB"). */
#define STREAMS(op_name, fn, res)                                           \
    { .service = SERVICE_STREAMS, .name = #op_name, .handler = fn,         \
      .action = "dynamodb:" #op_name, .resources = res, .is_json = 1 }
/* S3 operations name their IAM action apart: ListObjectsV2 is
 * s3:ListBucket, HeadObject is s3:GetObject. */
#define S3(op_name, fn, iam_action, res)                                    \
    { .service = SERVICE_S3, .name = #op_name, .handler = fn,              \
      .action = "s3:" #iam_action, .resources = res,                       \
      .resource_policy = bucket_policy_for }
/* Uploads whose body may wait in a file (server.h). */
#define S3_UPLOAD(op_name, fn)                                              \
    { .service = SERVICE_S3, .name = #op_name, .handler = fn,              \
      .action = "s3:PutObject", .resources = resource_s3_object,           \
      .resource_policy = bucket_policy_for, .takes_file_body = 1 }
#define ADMIN(path, fn)                                                    \
    { .service = SERVICE_ADMIN, .name = path, .handler = fn }

/* The batches check fault rules per item themselves. */
#define DDB_BATCH(op_name, fn)                                              \
    { .service = SERVICE_DYNAMODB, .name = #op_name, .handler = fn,        \
      .action = "dynamodb:" #op_name, .resources = resource_request_items, \
      .is_json = 1, .checks_faults = 1 }

static const struct op table[] = {
    DDB(CreateTable, ddb_create_table, resource_table),
    DDB(DescribeTable, ddb_describe_table, resource_table),
    DDB(ListTables, ddb_list_tables, resource_any),
    DDB(DeleteTable, ddb_delete_table, resource_table),
    DDB(UpdateTable, ddb_update_table, resource_table),
    DDB(PutItem, ddb_put_item, resource_table),
    DDB(GetItem, ddb_get_item, resource_table),
    DDB(UpdateItem, ddb_update_item, resource_table),
    DDB(DeleteItem, ddb_delete_item, resource_table),
    DDB(Query, ddb_query, resource_table_or_index),
    DDB(Scan, ddb_scan, resource_table_or_index),
    DDB_BATCH(BatchGetItem, ddb_batch_get_item),
    DDB_BATCH(BatchWriteItem, ddb_batch_write_item),
    DDB(TransactWriteItems, ddb_transact_write_items,
        resource_transact_items),
    DDB(TransactGetItems, ddb_transact_get_items, resource_transact_items),
    DDB(UpdateTimeToLive, ddb_update_time_to_live, resource_table),
    DDB(DescribeTimeToLive, ddb_describe_time_to_live, resource_table),
    DDB(DescribeContinuousBackups, ddb_describe_continuous_backups,
        resource_table),
    DDB(UpdateContinuousBackups, ddb_update_continuous_backups,
        resource_table),
    DDB(TagResource, ddb_tag_resource, resource_arn),
    DDB(UntagResource, ddb_untag_resource, resource_arn),
    DDB(ListTagsOfResource, ddb_list_tags_of_resource, resource_arn),
    DDB(DescribeLimits, ddb_describe_limits, resource_any),
    DDB(DescribeEndpoints, ddb_describe_endpoints, resource_any),
    STREAMS(ListStreams, streams_list_streams, resource_any),
    STREAMS(DescribeStream, streams_describe_stream, resource_stream),
    STREAMS(GetShardIterator, streams_get_shard_iterator, resource_stream),
    STREAMS(GetRecords, streams_get_records, resource_iterator),
    /* GetCallerIdentity needs no permission: AWS answers it even under an
     * explicit deny. */
    { .service = SERVICE_STS, .name = "GetCallerIdentity",
      .handler = sts_get_caller_identity },
    { .service = SERVICE_STS, .name = "AssumeRole",
      .handler = sts_assume_role, .action = "sts:AssumeRole",
      .resources = sts_role_resource, .resource_policy = sts_trust_policy },
    S3(ListBuckets, s3_list_buckets, ListAllMyBuckets, resource_any),
    S3(CreateBucket, s3_create_bucket, CreateBucket, resource_s3_bucket),
    S3(HeadBucket, s3_head_bucket, ListBucket, resource_s3_bucket),
    S3(DeleteBucket, s3_delete_bucket, DeleteBucket, resource_s3_bucket),
    S3(GetBucketLocation, s3_get_bucket_location, GetBucketLocation,
       resource_s3_bucket),
    S3(GetBucketVersioning, s3_get_bucket_versioning, GetBucketVersioning,
       resource_s3_bucket),
    S3(PutBucketPolicy, s3_put_bucket_policy, PutBucketPolicy,
       resource_s3_bucket),
    S3(GetBucketPolicy, s3_get_bucket_policy, GetBucketPolicy,
       resource_s3_bucket),
    S3(DeleteBucketPolicy, s3_delete_bucket_policy, DeleteBucketPolicy,
       resource_s3_bucket),
    S3(ListObjects, s3_list_objects, ListBucket, resource_s3_bucket),
    S3(ListObjectsV2, s3_list_objects_v2, ListBucket, resource_s3_bucket),
    S3(ListObjectVersions, s3_list_object_versions, ListBucketVersions,
       resource_s3_bucket),
    S3_UPLOAD(PutObject, s3_put_object),
    S3(GetObject, s3_get_object, GetObject, resource_s3_object),
    S3(HeadObject, s3_head_object, GetObject, resource_s3_object),
    S3(DeleteObject, s3_delete_object, DeleteObject, resource_s3_object),
    S3(DeleteObjects, s3_delete_objects, DeleteObject,
       resource_s3_delete_objects),
    S3(CopyObject, s3_copy_object, PutObject, resource_s3_copy),
    S3(CreateMultipartUpload, s3_create_multipart_upload, PutObject,
       resource_s3_object),
    S3_UPLOAD(UploadPart, s3_upload_part),
    S3(UploadPartCopy, s3_upload_part_copy, PutObject, resource_s3_copy),
    S3(CompleteMultipartUpload, s3_complete_multipart_upload, PutObject,
       resource_s3_object),
    S3(AbortMultipartUpload, s3_abort_multipart_upload, AbortMultipartUpload,
       resource_s3_object),
    S3(ListMultipartUploads, s3_list_multipart_uploads,
       ListBucketMultipartUploads, resource_s3_bucket),
    S3(ListParts, s3_list_parts, ListMultipartUploadParts,
       resource_s3_object),
    ADMIN("health", admin_health),
    ADMIN("reset", admin_reset),
    ADMIN("clock", admin_clock),
    ADMIN("audit", admin_audit),
    ADMIN("assume-role", admin_assume_role),
    ADMIN("faults", admin_faults),
    ADMIN("streams/rollover", admin_streams_rollover),
    ADMIN("ttl/sweep", admin_ttl_sweep),
};

const struct op *ops_find(enum service service, struct str name)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (table[i].service == service && str_eq_cstr(name, table[i].name))
            return &table[i];
    }
    return NULL;
}

void op_resources_clear(struct op_resources *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->arns[i]);
    r->n = 0;
}
