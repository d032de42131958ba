/* The DynamoDB read operations over many items: Query (one partition, in
 * sort key order, between the bounds of a KeyConditionExpression) and Scan
 * (the whole table, or one parallel-scan segment of it, in storage order).
 * Both return pages built by ddb_read. */
#ifndef DYNALAKE_DDB_QUERY_H
#define DYNALAKE_DDB_QUERY_H

struct call;

int ddb_query(struct call *c);
int ddb_scan(struct call *c);

#endif
