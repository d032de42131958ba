/* Typed DynamoDB calls over the AWS client (JSON 1.0 protocol). Requests
 * and responses stay cJSON documents: AttributeValues keep numbers as
 * strings, so nothing passes through a double. */
#ifndef DYNALAKE_AWS_DDB_H
#define DYNALAKE_AWS_DDB_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

struct aws_client;
struct buf;

/* POSTs in as operation op (X-Amz-Target "<prefix>.<op>") to the service
 * named by host_prefix ("dynamodb" or "streams.dynamodb"). On success
 * returns 0 and *out (caller frees with cJSON_Delete; may be NULL when out
 * is NULL); -1 with the AWS error in aws_client_error. */
int aws_json_call(struct aws_client *c, const char *host_prefix,
                  const char *target_prefix, const char *op, const cJSON *in,
                  cJSON **out);

/* As aws_json_call, with the request already JSON text (body[0..len),
 * borrowed): callers that hold requests as text send them as they are,
 * not parsed and printed again. */
int aws_json_call_text(struct aws_client *c, const char *host_prefix,
                       const char *target_prefix, const char *op,
                       const char *body, size_t len, cJSON **out);

/* As aws_json_call_text, with the answer left as text in out (reset
 * first): for callers that scan large answers rather than parse them. */
int aws_json_call_raw(struct aws_client *c, const char *host_prefix,
                      const char *target_prefix, const char *op,
                      const char *body, size_t len, struct buf *out);

/* Any DynamoDB operation, the request as a document or as text. */
int aws_ddb_call(struct aws_client *c, const char *op, const cJSON *in,
                 cJSON **out);
int aws_ddb_call_text(struct aws_client *c, const char *op, const char *body,
                      size_t len, cJSON **out);

/* DescribeTable: *out is the whole response ({"Table": ...}). */
int aws_ddb_describe_table(struct aws_client *c, const char *table,
                           cJSON **out);

/* One Scan page. segment/total_segments are ignored when total_segments is
 * 0; start_key (borrowed) is the ExclusiveStartKey or NULL; limit 0 means
 * none. *out is the response (Items, LastEvaluatedKey). */
struct aws_ddb_scan {
    const char *table;
    int segment;
    int total_segments;
    const cJSON *start_key;
    int limit;
    bool is_consistent;
};
int aws_ddb_scan(struct aws_client *c, const struct aws_ddb_scan *args,
                 cJSON **out);

/* One Query page; in is the whole request (borrowed). */
int aws_ddb_query(struct aws_client *c, const cJSON *in, cJSON **out);

/* PutItem of item (borrowed AttributeValue map) into table. */
int aws_ddb_put_item(struct aws_client *c, const char *table,
                     const cJSON *item);

/* DeleteItem of key (borrowed) from table. */
int aws_ddb_delete_item(struct aws_client *c, const char *table,
                        const cJSON *key);

/* BatchWriteItem of request_items (borrowed {"T": [{"PutRequest":...}]}).
 * *unprocessed gets UnprocessedItems when not empty, else NULL (caller
 * frees). */
int aws_ddb_batch_write_item(struct aws_client *c,
                             const cJSON *request_items,
                             cJSON **unprocessed);

#endif
