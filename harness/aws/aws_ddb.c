/* DynamoDB's JSON 1.0 protocol over the AWS client, and the typed calls the
 * sync components make; see aws_ddb.h. */
#include "aws/aws_ddb.h"

#include "aws/aws.h"
#include "base/buf.h"
#include "base/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DDB_TARGET "DynamoDB_20120810"

int aws_json_call_raw(struct aws_client *c, const char *host_prefix,
                      const char *target_prefix, const char *op,
                      const char *body, size_t len, struct buf *out)
{
    char target[160];
    snprintf(target, sizeof target, "X-Amz-Target: %s.%s", target_prefix,
             op);
    const char *headers[] = {
        target, "Content-Type: application/x-amz-json-1.0", NULL
    };
    struct aws_request req = {
        .service = "dynamodb", .host_prefix = host_prefix, .method = "POST",
        .path = "/", .headers = headers, .body = body, .body_len = len,
    };
    return aws_client_send(c, &req, out);
}

int aws_json_call_text(struct aws_client *c, const char *host_prefix,
                       const char *target_prefix, const char *op,
                       const char *body, size_t len, cJSON **out)
{
    struct buf resp;
    buf_init(&resp, 0);
    int rc = aws_json_call_raw(c, host_prefix, target_prefix, op, body, len,
                               &resp);
    if (rc == 0 && out) {
        *out = json_parse(resp.data ? resp.data : "{}",
                          resp.data ? resp.len : 2);
        if (*out == NULL)
            rc = -1;
    }
    buf_clear(&resp);
    return rc;
}

int aws_json_call(struct aws_client *c, const char *host_prefix,
                  const char *target_prefix, const char *op, const cJSON *in,
                  cJSON **out)
{
    char *body = cJSON_PrintUnformatted(in);
    int rc = aws_json_call_text(c, host_prefix, target_prefix, op, body,
                                strlen(body), out);
    free(body);
    return rc;
}

int aws_ddb_call(struct aws_client *c, const char *op, const cJSON *in,
                 cJSON **out)
{
    return aws_json_call(c, "dynamodb", DDB_TARGET, op, in, out);
}

int aws_ddb_call_text(struct aws_client *c, const char *op, const char *body,
                      size_t len, cJSON **out)
{
    return aws_json_call_text(c, "dynamodb", DDB_TARGET, op, body, len, out);
}

int aws_ddb_describe_table(struct aws_client *c, const char *table,
                           cJSON **out)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "TableName", table);
    int rc = aws_ddb_call(c, "DescribeTable", in, out);
    cJSON_Delete(in);
    return rc;
}

int aws_ddb_scan(struct aws_client *c, const struct aws_ddb_scan *args,
                 cJSON **out)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "TableName", args->table);
    if (args->total_segments > 0) {
        cJSON_AddNumberToObject(in, "Segment", args->segment);
        cJSON_AddNumberToObject(in, "TotalSegments", args->total_segments);
    }
    if (args->start_key)
        cJSON_AddItemToObject(in, "ExclusiveStartKey",
                              cJSON_Duplicate(args->start_key, 1));
    if (args->limit > 0)
        cJSON_AddNumberToObject(in, "Limit", args->limit);
    if (args->is_consistent)
        cJSON_AddBoolToObject(in, "ConsistentRead", 1);
    int rc = aws_ddb_call(c, "Scan", in, out);
    cJSON_Delete(in);
    return rc;
}

int aws_ddb_query(struct aws_client *c, const cJSON *in, cJSON **out)
{
    return aws_ddb_call(c, "Query", in, out);
}

static int item_call(struct aws_client *c, const char *op, const char *table,
                     const char *member, const cJSON *value)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "TableName", table);
    cJSON_AddItemToObject(in, member, cJSON_Duplicate(value, 1));
    int rc = aws_ddb_call(c, op, in, NULL);
    cJSON_Delete(in);
    return rc;
}

int aws_ddb_put_item(struct aws_client *c, const char *table,
                     const cJSON *item)
{
    return item_call(c, "PutItem", table, "Item", item);
}

int aws_ddb_delete_item(struct aws_client *c, const char *table,
                        const cJSON *key)
{
    return item_call(c, "DeleteItem", table, "Key", key);
}

int aws_ddb_batch_write_item(struct aws_client *c,
                             const cJSON *request_items,
                             cJSON **unprocessed)
{
    cJSON *in = cJSON_CreateObject();
    cJSON *out = NULL;
    cJSON_AddItemToObject(in, "RequestItems",
                          cJSON_Duplicate(request_items, 1));
    int rc = aws_ddb_call(c, "BatchWriteItem", in, &out);
    *unprocessed = NULL;
    cJSON *left = rc == 0 ? cJSON_DetachItemFromObjectCaseSensitive(
                                out, "UnprocessedItems") : NULL;
    if (left && cJSON_GetArraySize(left) > 0)
        *unprocessed = left;
    else
        cJSON_Delete(left);
    cJSON_Delete(out);
    cJSON_Delete(in);
    return rc;
}
