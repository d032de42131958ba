/* The compiled form of a policy, shared by policy.c (which builds it) and
 * iam.c (which evaluates it). Internal to emulator/iam/. Everything is
 * owned by the struct policy and freed by policy_free. */
#ifndef DYNALAKE_POLICY_INTERNAL_H
#define DYNALAKE_POLICY_INTERNAL_H

#include "iam/iam_cond.h"
#include "iam/iam_match.h"
#include "iam/iam_var.h"
#include "iam/policy.h"

enum policy_principal_type {
    PRINCIPAL_ALL,     /* "Principal": "*": everyone, services included */
    PRINCIPAL_AWS_ANY, /* {"AWS": "*"}: any AWS principal or anonymous */
    PRINCIPAL_ACCOUNT, /* {"AWS": "123456789012"} or ...:root */
    PRINCIPAL_ARN, /* {"AWS": user, role, assumed-role, federated-user ARN} */
    PRINCIPAL_SERVICE,   /* {"Service": "lambda.amazonaws.com"} */
    PRINCIPAL_FEDERATED, /* {"Federated": "accounts.google.com" or provider ARN}
                          */
    PRINCIPAL_CANONICAL, /* {"CanonicalUser": id}: S3 only; never matches here
                          */
};

struct policy_principal {
    enum policy_principal_type type;
    char *value; /* owned: account id, ARN or name; NULL for the "*" forms */
};

/* A Resource entry: "*" or an ARN pattern, pre-split when it has no
 * variables. */
struct policy_resource {
    struct iam_pattern
        pat;            /* glob text; variables only after the fifth colon */
    struct iam_arn arn; /* pat.text split; valid when !has_vars */
    bool is_any;        /* "*" */
};

struct policy_statement {
    char *sid;      /* owned; NULL when absent */
    bool is_allow;  /* Effect */
    char **actions; /* owned, lower-cased glob text */
    size_t n_actions;
    bool is_not_action;
    struct policy_resource *resources; /* owned */
    size_t n_resources;
    bool has_resource; /* false in trust policies: any */
    bool is_not_resource;
    struct policy_principal *principals; /* owned */
    size_t n_principals;
    bool has_principal; /* false in identity policies */
    bool is_not_principal;
    struct iam_cond_list conds;
};

struct policy {
    unsigned refs; /* atomic; policy_retain adds one, policy_free drops one */
    enum policy_kind kind;
    bool has_variables;             /* Version 2012-10-17 */
    struct policy_statement *stmts; /* owned */
    size_t n_stmts;
};

#endif
