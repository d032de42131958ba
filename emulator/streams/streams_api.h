/* The DynamoDB Streams API (X-Amz-Target DynamoDBStreams_20120810.*):
 * ListStreams, DescribeStream, GetShardIterator and GetRecords, with AWS's
 * validation, paging, limits and errors. Reads what streams_log wrote;
 * retention (24 h) and iterator expiry (15 min) follow the virtual clock. */
#ifndef DYNALAKE_STREAMS_API_H
#define DYNALAKE_STREAMS_API_H

struct call;

int streams_list_streams(struct call *c);
int streams_describe_stream(struct call *c);
int streams_get_shard_iterator(struct call *c);
int streams_get_records(struct call *c);

#endif
