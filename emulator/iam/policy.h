/* IAM policy documents: parse and validate JSON text into a compiled
 * policy that iam.c evaluates on every request. Validation follows IAM's
 * MalformedPolicyDocument rules for the policy's kind; each message starts
 * with IAM's own text and then names the statement and field, e.g.
 *   Policy statement must contain resources. (Statement[1] Sid "Read",
 * Resource) Pure: no HTTP, no storage; callers hand in the text. */
#ifndef DYNALAKE_POLICY_H
#define DYNALAKE_POLICY_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct policy;

/* What the document is attached to, which decides the required fields:
 * identity policies (users, roles, groups) must not name a Principal and
 * need Resource; resource policies (S3 bucket policies) need both; role
 * trust policies need Principal and must not have Resource. */
enum policy_kind {
    POLICY_IDENTITY,
    POLICY_RESOURCE,
    POLICY_TRUST,
};

/* IAM's cap on a managed policy document (IAM quotas: 6,144 characters);
 * bucket policies may be 20 KB. The parser refuses anything larger than
 * this ceiling before parsing. */
#define POLICY_MAX_BYTES (20 * 1024)

/* Parses and compiles text[0..len). Returns the policy (free with
 * policy_free) or NULL with the reason appended to err. */
struct policy *policy_parse(const char *text, size_t len, enum policy_kind kind,
                            struct buf *err);
/* One more holder of p (NULL accepted), which releases it with
 * policy_free; the last release frees it. A compiled policy is immutable,
 * so holders on several threads may share one (the bucket policy cache). */
struct policy *policy_retain(struct policy *p);
void policy_free(struct policy *p);

enum policy_kind policy_kind(const struct policy *p);
size_t policy_statement_count(const struct policy *p);
/* The statement's Sid, or NULL when it has none. Borrowed from p. */
const char *policy_statement_sid(const struct policy *p, size_t i);
bool policy_statement_is_allow(const struct policy *p, size_t i);
/* True when evaluating p can read the request's condition-key context: a
 * statement has a Condition or a Resource with a policy variable. A policy
 * without either decides the same with an empty context. */
bool policy_reads_context(const struct policy *p);

#endif
