/* The DynamoDB transaction API: TransactWriteItems (up to 100 Put, Update,
 * Delete and ConditionCheck actions on distinct items, all or nothing in
 * one storage transaction, TransactionCanceledException with a reason per
 * action, ClientRequestToken idempotency for ten minutes of the emulator's
 * clock) and TransactGetItems (up to 100 Gets from one read snapshot). */
#ifndef DYNALAKE_DDB_TXN_H
#define DYNALAKE_DDB_TXN_H

struct call;

int ddb_transact_write_items(struct call *c);
int ddb_transact_get_items(struct call *c);

/* The client request tokens seen in the last ten minutes, owned by struct
 * emulator (reset clears them with the data they guarded). */
struct ddb_txn_tokens;

struct ddb_txn_tokens *ddb_txn_tokens_new(void);
void ddb_txn_tokens_free(struct ddb_txn_tokens *t); /* NULL accepted */
void ddb_txn_tokens_clear(struct ddb_txn_tokens *t);

#endif
