/* Typed DynamoDB Streams calls over the AWS client (JSON 1.0 protocol,
 * signing name "dynamodb", host streams.dynamodb.REGION). */
#ifndef DYNALAKE_AWS_STREAMS_H
#define DYNALAKE_AWS_STREAMS_H

#include <cjson/cJSON.h>

struct aws_client;
struct buf;

/* The ARN of table's newest stream (greatest StreamLabel) found by
 * ListStreams, paging through all; *arn is NULL when the table has none.
 * Caller frees *arn. */
int aws_streams_latest_arn(struct aws_client *c, const char *table,
                           char **arn);

/* DescribeStream of arn, following LastEvaluatedShardId through every
 * page: *out is the first page's StreamDescription with "Shards" holding
 * all shards. Caller frees. */
int aws_streams_describe(struct aws_client *c, const char *arn, cJSON **out);

/* GetShardIterator. type is TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER or
 * AFTER_SEQUENCE_NUMBER (seq NULL for the first two). Caller frees
 * *iterator. */
int aws_streams_get_iterator(struct aws_client *c, const char *arn,
                             const char *shard, const char *type,
                             const char *seq, char **iterator);

/* GetRecords: *out is the response (Records, NextShardIterator). limit 0
 * means the service's default. */
int aws_streams_get_records(struct aws_client *c, const char *iterator,
                            int limit, cJSON **out);

/* GetRecords with the response left as text in out (reset first), for
 * readers that scan it. */
int aws_streams_get_records_text(struct aws_client *c, const char *iterator,
                                 int limit, struct buf *out);

#endif
