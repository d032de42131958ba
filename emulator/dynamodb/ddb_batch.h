/* The DynamoDB batch API: BatchGetItem (up to 100 keys across tables, one
 * read snapshot, 16 MB of items per reply) and BatchWriteItem (up to 25
 * puts and deletes across tables in one storage transaction). Items a
 * throttling fault rule fires on come back unprocessed (see fault.h). */
#ifndef DYNALAKE_DDB_BATCH_H
#define DYNALAKE_DDB_BATCH_H

struct call;

int ddb_batch_get_item(struct call *c);
int ddb_batch_write_item(struct call *c);

#endif
