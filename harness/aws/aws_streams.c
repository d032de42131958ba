/* DynamoDB Streams calls; see aws_streams.h. */
#include "aws/aws_streams.h"

#include "aws/aws_ddb.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"

#include <stdlib.h>
#include <string.h>

#define STREAMS_HOST "streams.dynamodb"
#define STREAMS_TARGET "DynamoDBStreams_20120810"

static int call(struct aws_client *c, const char *op, const cJSON *in,
                cJSON **out)
{
    return aws_json_call(c, STREAMS_HOST, STREAMS_TARGET, op, in, out);
}

/* Keeps in best/best_label the stream of page with the greatest label. */
static void pick_latest(const cJSON *page, char **best, char **best_label)
{
    const cJSON *s;
    cJSON_ArrayForEach(s, json_get(page, "Streams")) {
        const char *arn = json_get_string(s, "StreamArn");
        const char *label = json_get_string(s, "StreamLabel");
        if (arn == NULL || label == NULL)
            continue;
        if (*best_label && strcmp(label, *best_label) <= 0)
            continue;
        free(*best);
        free(*best_label);
        *best = xstrdup(arn);
        *best_label = xstrdup(label);
    }
}

int aws_streams_latest_arn(struct aws_client *c, const char *table,
                           char **arn)
{
    char *label = NULL;
    char *start = NULL;
    int rc = 0;
    *arn = NULL;
    do {
        cJSON *in = cJSON_CreateObject();
        cJSON *out = NULL;
        cJSON_AddStringToObject(in, "TableName", table);
        if (start)
            cJSON_AddStringToObject(in, "ExclusiveStartStreamArn", start);
        rc = call(c, "ListStreams", in, &out);
        cJSON_Delete(in);
        free(start);
        start = NULL;
        if (rc == 0) {
            pick_latest(out, arn, &label);
            const char *next = json_get_string(out, "LastEvaluatedStreamArn");
            start = next ? xstrdup(next) : NULL;
        }
        cJSON_Delete(out);
    } while (rc == 0 && start);
    free(label);
    return rc;
}

int aws_streams_describe(struct aws_client *c, const char *arn, cJSON **out)
{
    cJSON *all = NULL;
    char *start = NULL;
    *out = NULL;
    for (;;) {
        cJSON *in = cJSON_CreateObject();
        cJSON *page = NULL;
        cJSON_AddStringToObject(in, "StreamArn", arn);
        if (start)
            cJSON_AddStringToObject(in, "ExclusiveStartShardId", start);
        int rc = call(c, "DescribeStream", in, &page);
        cJSON_Delete(in);
        free(start);
        start = NULL;
        if (rc < 0) {
            cJSON_Delete(all);
            return -1;
        }
        cJSON *desc = cJSON_DetachItemFromObjectCaseSensitive(
            page, "StreamDescription");
        cJSON_Delete(page);
        if (desc == NULL) {
            cJSON_Delete(all);
            return -1;
        }
        const char *next = json_get_string(desc, "LastEvaluatedShardId");
        start = next ? xstrdup(next) : NULL;
        if (all == NULL) {
            all = desc;
            if (json_get(all, "Shards") == NULL)
                cJSON_AddItemToObject(all, "Shards", cJSON_CreateArray());
        } else {
            cJSON *shards = cJSON_DetachItemFromObjectCaseSensitive(desc,
                                                                    "Shards");
            cJSON *dst = cJSON_GetObjectItemCaseSensitive(all, "Shards");
            cJSON *s;
            while (shards && (s = cJSON_DetachItemFromArray(shards, 0)))
                cJSON_AddItemToArray(dst, s);
            cJSON_Delete(shards);
            cJSON_Delete(desc);
        }
        if (start == NULL)
            break;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(all, "LastEvaluatedShardId");
    *out = all;
    return 0;
}

int aws_streams_get_iterator(struct aws_client *c, const char *arn,
                             const char *shard, const char *type,
                             const char *seq, char **iterator)
{
    cJSON *in = cJSON_CreateObject();
    cJSON *out = NULL;
    cJSON_AddStringToObject(in, "StreamArn", arn);
    cJSON_AddStringToObject(in, "ShardId", shard);
    cJSON_AddStringToObject(in, "ShardIteratorType", type);
    if (seq)
        cJSON_AddStringToObject(in, "SequenceNumber", seq);
    int rc = call(c, "GetShardIterator", in, &out);
    const char *it = json_get_string(out, "ShardIterator");
    *iterator = rc == 0 && it ? xstrdup(it) : NULL;
    if (rc == 0 && it == NULL)
        rc = -1;
    cJSON_Delete(in);
    cJSON_Delete(out);
    return rc;
}

int aws_streams_get_records(struct aws_client *c, const char *iterator,
                            int limit, cJSON **out)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "ShardIterator", iterator);
    if (limit > 0)
        cJSON_AddNumberToObject(in, "Limit", limit);
    int rc = call(c, "GetRecords", in, out);
    cJSON_Delete(in);
    return rc;
}

int aws_streams_get_records_text(struct aws_client *c, const char *iterator,
                                 int limit, struct buf *out)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "ShardIterator", iterator);
    if (limit > 0)
        cJSON_AddNumberToObject(in, "Limit", limit);
    struct buf body;
    buf_init(&body, 0);
    json_write(&body, in);
    int rc = aws_json_call_raw(c, STREAMS_HOST, STREAMS_TARGET, "GetRecords",
                               buf_cstr(&body), body.len, out);
    buf_clear(&body);
    cJSON_Delete(in);
    return rc;
}
