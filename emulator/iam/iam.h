/* The IAM decision for one request, as AWS makes it: an explicit Deny in
 * any applicable policy wins; otherwise an Allow grants (within one
 * account, from an identity policy or from the resource policy; across
 * accounts, from both); otherwise the request is implicitly denied. Pure:
 * callers hand in compiled policies (policy.h) and a filled request; the
 * result names the deciding policy and statement for the audit log. */
#ifndef DYNALAKE_IAM_H
#define DYNALAKE_IAM_H

#include "iam/iam_cond.h"

#include <stdbool.h>
#include <stddef.h>

struct policy;

enum iam_principal_type {
    IAM_PRINCIPAL_AWS, /* an IAM user, role session, federated user or root */
    IAM_PRINCIPAL_SERVICE,   /* an AWS service, e.g. lambda.amazonaws.com */
    IAM_PRINCIPAL_FEDERATED, /* a web identity or SAML provider */
    IAM_PRINCIPAL_ANONYMOUS, /* an unsigned request (S3) */
};

/* One request, filled by the caller; every pointer is borrowed. */
struct iam_request {
    enum iam_principal_type principal_type;
    const char *principal; /* AWS: the caller's ARN (arn:aws:iam::1:user/a,
                              arn:aws:sts::1:assumed-role/R/s, ...:root);
                              SERVICE or FEDERATED: its name; else NULL */
    const char *role_arn;  /* for a role session, the role's ARN with its
                              path; NULL derives it (without path) from the
                              session ARN */
    const char *action;    /* "dynamodb:GetItem" */
    const char *resource;  /* the resource ARN, or "*" */
    const struct iam_context *context; /* condition keys; may be NULL */
    bool is_same_account; /* the principal's account owns the resource */
};

/* A policy and the name the audit log shows for it. */
struct iam_policy_ref {
    const char *name; /* "role/app inline policy orders-rw" */
    const struct policy *policy;
};

enum iam_decision {
    IAM_IMPLICIT_DENY,
    IAM_ALLOW,
    IAM_EXPLICIT_DENY,
};

/* Where a decision came from; statement -1 when no statement decided. */
struct iam_cause {
    const char *policy; /* the iam_policy_ref name; NULL when none */
    int statement;      /* index in the policy's Statement list */
    const char *sid;    /* borrowed from the policy; NULL when absent */
};

struct iam_result {
    enum iam_decision decision;
    struct iam_cause cause;          /* the Deny, or the Allow that granted */
    struct iam_cause resource_cause; /* the resource policy's Allow, when it
                                        was needed as well (cross-account,
                                        trust policies naming an account) */
    const char *reason;              /* static text: why, in a few words */
    bool is_resource_grant;          /* allowed by the resource policy
                                        alone */
};

/* Decides req against the identity policies (n may be 0) and the optional
 * resource policy (a bucket policy, or a role's trust policy for
 * sts:AssumeRole, which must then allow the principal). Allocates nothing;
 * out's strings are borrowed from the policies and refs. */
void iam_evaluate(const struct iam_request *req,
                  const struct iam_policy_ref *identity, size_t n_identity,
                  const struct iam_policy_ref *resource_policy,
                  struct iam_result *out);

/* Lists the Allow statements of an identity policy that match req's action
 * and resource (and its conditions when check_conditions), writing up to max
 * statement indexes to out. Returns how many match, which may exceed max. */
size_t iam_allowing_statements(const struct policy *p,
                               const struct iam_request *req,
                               bool check_conditions, size_t *out, size_t max);

/* Caps out (a decision over the identity's policies) by the identity's
 * permissions boundary: the boundary's Deny wins, and a grant by identity
 * policies needs its Allow too; a grant by a resource policy alone stands,
 * as AWS evaluates boundaries with resource-based policies. A decision the
 * boundary changes names it as cause. */
void iam_narrow_by_boundary(const struct iam_request *req,
                            const struct iam_policy_ref *boundary,
                            struct iam_result *out);

const char *iam_decision_name(enum iam_decision d); /* "Allow", ... */

#endif
