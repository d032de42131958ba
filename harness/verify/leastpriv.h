/* Least privilege: from the emulator's decision audit, per principal, what
 * its policies grant, what the workload used, and what was denied. Findings
 * (under the access, least_privilege and trust checks): denials, unused
 * actions, wildcard actions, resources broader than what was used, dead
 * grants that can never match (ListStreams needs Resource "*"; an object
 * action on a bucket ARN), grants for services the scenario cannot
 * exercise (unverified, never counted as used), trust policies that name
 * the wrong principal or any principal. Also the minimal policy that would
 * have sufficed, as deployable IAM JSON, and a readable diff against the
 * given policies. Pure: no server, no files. */
#ifndef DYNALAKE_LEASTPRIV_H
#define DYNALAKE_LEASTPRIV_H

#include "verify/finding.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

struct buf;

struct leastpriv_policy {
    const char *name;       /* for messages: the file as the scenario has it */
    const char *text;       /* the document */
};

struct leastpriv_principal {
    const char *name;       /* "role/shipper" or "user/app" */
    const char *arn;        /* arn:aws:iam::ACCOUNT:role/shipper */
    bool is_role;
    const struct leastpriv_policy *policies;
    size_t n_policies;
    const char *trust;      /* roles: the trust policy document */
    const char *trust_name;
    const char *const *services; /* roles: the service principals the
                                    scenario assumes it as */
    size_t n_services;
    bool is_used;           /* the scenario runs something as it */
};

struct leastpriv_input {
    const char *account;
    const char *region;
    const struct leastpriv_principal *principals;
    size_t n;
    const cJSON *records;   /* the audit's "records" array */
};

/* Analyses every principal; findings go to out with the principal's name
 * as their subject. */
void leastpriv_analyze(const struct leastpriv_input *in,
                       struct findings *out);

/* The minimal policy for principal p from the audit: every action it used
 * or was denied, on the narrowest resources that cover what it touched.
 * Caller frees with cJSON_Delete; NULL when it did nothing. */
cJSON *leastpriv_minimal(const struct leastpriv_input *in,
                         const struct leastpriv_principal *p);

/* Appends a readable diff of p's given policies against minimal:
 * "+ action on resource" (missing), "- action on resource" (unneeded),
 * "~ action: given -> minimal" (narrower), one per line. */
void leastpriv_diff(const struct leastpriv_input *in,
                    const struct leastpriv_principal *p,
                    const cJSON *minimal, struct buf *out);

#endif
