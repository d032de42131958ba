/* The DynamoDB single-item API: PutItem, GetItem, UpdateItem, DeleteItem. */
#ifndef DYNALAKE_DDB_ITEM_H
#define DYNALAKE_DDB_ITEM_H

struct call;

int ddb_put_item(struct call *c);
int ddb_get_item(struct call *c);
int ddb_update_item(struct call *c);
int ddb_delete_item(struct call *c);

#endif
