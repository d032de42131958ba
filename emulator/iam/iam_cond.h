/* IAM Condition blocks: the request context they read, compiling an
 * operator block from a policy, and evaluating it. Operators follow the IAM
 * "Condition operators" reference: String*, Numeric*, Date*, Bool,
 * BinaryEquals, IpAddress/NotIpAddress, Arn*, Null, the IfExists suffix and
 * the ForAllValues:/ForAnyValue: set prefixes. */
#ifndef DYNALAKE_IAM_COND_H
#define DYNALAKE_IAM_COND_H

#include "base/str.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

/* One condition key of a request and its values (several for multivalued
 * keys such as aws:TagKeys; none counts as absent). Borrowed: the caller
 * owns the strings and arrays for the length of the evaluation. */
struct iam_context_entry {
    const char *key; /* "aws:SourceIp"; matched ignoring case */
    const char *const *values;
    size_t n_values;
};

struct iam_context {
    const struct iam_context_entry *entries; /* borrowed */
    size_t n;
};

/* The entry for key (ASCII case ignored, as AWS does for key names), or
 * NULL. ctx may be NULL. Linear: request contexts hold a dozen keys. */
const struct iam_context_entry *
iam_cond_context_find(const struct iam_context *ctx, struct str key);

struct iam_cond; /* one (operator, key) test with its values */

/* A statement's Condition element: every test must hold (keys AND). */
struct iam_cond_list {
    struct iam_cond *items; /* owned */
    size_t n;
};

/* Why compiling failed: an IAM MalformedPolicyDocument message and what in
 * the block caused it. */
struct iam_cond_error {
    const char *message; /* static text, e.g. "Syntax errors in policy." */
    char detail[256];    /* "unknown condition operator StringEqualz" */
};

/* Compiles a Condition element (a JSON object of operator blocks) into
 * list. with_vars: substitute policy variables (Version 2012-10-17).
 * Returns -1 with err filled when the block is malformed; list is then
 * empty. Clear with iam_cond_list_clear either way. */
int iam_cond_compile(const cJSON *condition, bool with_vars,
                     struct iam_cond_list *list, struct iam_cond_error *err);
void iam_cond_list_clear(struct iam_cond_list *list);

/* True when every test holds for ctx (an empty list always holds). */
bool iam_cond_eval(const struct iam_cond_list *list,
                   const struct iam_context *ctx);

#endif
