/* Principal and NotPrincipal elements of resource and trust policies:
 * "*", {"AWS": account id | account root ARN | user/role/session ARN | "*"},
 * {"Service": ...}, {"Federated": ...}, {"CanonicalUser": ...}, each a
 * string or a list. Used by policy.c at parse time; iam.c matches. */
#ifndef DYNALAKE_POLICY_PRINCIPAL_H
#define DYNALAKE_POLICY_PRINCIPAL_H

#include <cjson/cJSON.h>
#include <stddef.h>

struct policy_principal;

struct policy_principal_error {
    const char *message; /* static IAM text */
    char detail[256];
};

/* Compiles the element v into a new array (*out, *n; free with
 * policy_principal_free). -1 with err filled when v is malformed or names
 * a principal IAM rejects, such as a partial wildcard in an ARN. */
int policy_principal_compile(const cJSON *v, struct policy_principal **out,
                             size_t *n, struct policy_principal_error *err);
void policy_principal_free(struct policy_principal *p, size_t n);

#endif
