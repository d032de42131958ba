/* A per-thread memo of IAM decisions that depend only on an identity's own
 * compiled policies, the action and the resource: no condition keys, no
 * policy variables, no resource or session policy (authz decides when
 * that holds). Most requests repeat a decision made a moment before on
 * the same thread, and the memo answers them without evaluating again.
 * Entries name the authorizer that made them, so one built later (a new
 * identities file) never sees another's. */
#ifndef DYNALAKE_AUTHZ_MEMO_H
#define DYNALAKE_AUTHZ_MEMO_H

#include <stdbool.h>
#include <stdint.h>

struct iam_result;

/* A fresh id for an authorizer's entries; never 0, never reused. */
uint64_t authz_memo_new_owner(void);

/* True, with *out set, when this thread has decided (action, resource)
 * for owner and scope (the identity's compiled policies) before. */
bool authz_memo_find(uint64_t owner, const void *scope, const char *action,
                     const char *resource, struct iam_result *out);

/* Remembers r for (action, resource); long keys are not kept. r's strings
 * must live as long as the owner does. */
void authz_memo_keep(uint64_t owner, const void *scope, const char *action,
                     const char *resource, const struct iam_result *r);

#endif
