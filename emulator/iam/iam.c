/* The decision; see iam.h. Per request the caller's strings are prepared
 * once (action lower-cased, resource ARN split, the principal's account
 * and role found) into a stack struct, then every statement is tested
 * cheapest part first: action, resource, principal, conditions. Statement
 * matching follows the IAM policy elements reference; how identity and
 * resource policies combine follows "Policy evaluation logic" and
 * "Cross-account policy evaluation logic". */
#include "iam/iam.h"

#include "iam/policy_internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Action names are short ("dynamodb:BatchWriteItem"); longer ones cannot
 * match any IAM action and are treated as no match. */
#define ACTION_MAX 256
/* IAM caps ARNs at 2048 characters. */
#define ARN_MAX 2048

/* How a Principal element matched: through the caller's account (which
 * only delegates to the account's own policies) or naming the caller. */
enum strength { MATCH_NONE, MATCH_ACCOUNT, MATCH_DIRECT };

/* The request, prepared once. */
struct subject {
    const struct iam_request *req;
    char action[ACTION_MAX]; /* lower-cased */
    bool is_action_ok;       /* fitted in action */
    struct iam_arn resource; /* req->resource split */
    struct str account;      /* AWS principals: their account id */
    struct str role;         /* role sessions: the role ARN */
    bool is_root;            /* the account's root user */
    char role_buf[ARN_MAX];
};

/* What the scan over one policy found. */
struct scan {
    int deny;  /* first applicable Deny, -1 when none */
    int allow; /* first applicable Allow, -1 when none */
    enum strength allow_strength;
};

/* --- Preparing the request ----------------------------------------------- */

/* arn:P:sts::A:assumed-role/NAME/SESSION gives arn:P:iam::A:role/NAME. */
static void derive_role(struct subject *s, const struct iam_arn *arn)
{
    struct str res = arn->seg[5];
    struct str name;
    if (!str_eq_cstr(arn->seg[2], "sts") ||
        !str_starts_with(res, "assumed-role/"))
        return;
    res.ptr += strlen("assumed-role/");
    res.len -= strlen("assumed-role/");
    str_cut(&res, '/', &name);
    if (s->req->role_arn != NULL) {
        s->role = str_from(s->req->role_arn);
        return;
    }
    int n = snprintf(s->role_buf, sizeof s->role_buf,
                     "arn:%.*s:iam::%.*s:role/%.*s", (int)arn->seg[1].len,
                     arn->seg[1].ptr, (int)arn->seg[4].len, arn->seg[4].ptr,
                     (int)name.len, name.ptr);
    if (n > 0 && (size_t)n < sizeof s->role_buf)
        s->role = (struct str){ s->role_buf, (size_t)n };
}

/* needs_role: only principal elements (resource and trust policies) look
 * at the session's role, and deriving it costs a formatted print. */
static void prepare(struct subject *s, const struct iam_request *req,
                    bool needs_role)
{
    memset(s, 0, offsetof(struct subject, role_buf));
    s->req = req;
    s->is_action_ok =
        iam_match_lower(str_from(req->action), s->action, sizeof s->action);
    iam_match_arn_split(str_from(req->resource), false, &s->resource);
    if (req->principal_type != IAM_PRINCIPAL_AWS || req->principal == NULL)
        return;
    struct iam_arn arn;
    iam_match_arn_split(str_from(req->principal), false, &arn);
    if (arn.n != IAM_ARN_SEGMENTS)
        return;
    s->account = arn.seg[4];
    s->is_root =
        str_eq_cstr(arn.seg[2], "iam") && str_eq_cstr(arn.seg[5], "root");
    if (needs_role)
        derive_role(s, &arn);
}

/* --- Matching one statement ---------------------------------------------- */

static bool action_matches(const struct policy_statement *st,
                           const struct subject *s)
{
    bool hit = false;
    struct str action = str_from(s->action);
    for (size_t i = 0; s->is_action_ok && i < st->n_actions && !hit; i++)
        hit = iam_match_glob(str_from(st->actions[i]), action);
    return hit != st->is_not_action;
}

static bool one_resource_matches(const struct policy_resource *r,
                                 const struct subject *s)
{
    char buf[IAM_VAR_MAX_EXPANDED];
    struct str text;
    struct iam_arn pat;
    if (r->is_any)
        return true;
    if (!iam_var_has_vars(&r->pat))
        return iam_match_arn(&r->arn, &s->resource);
    /* "the resource that includes a policy variable with no value will not
     * match any resource" (IAM variables docs) */
    if (iam_var_expand(&r->pat, s->req->context, buf, sizeof buf, &text) < 0)
        return false;
    iam_match_arn_split(text, true, &pat);
    return iam_match_arn(&pat, &s->resource);
}

static bool resource_matches(const struct policy_statement *st,
                             const struct subject *s)
{
    bool hit = false;
    if (!st->has_resource)
        return true; /* trust policies: the role itself */
    for (size_t i = 0; i < st->n_resources && !hit; i++)
        hit = one_resource_matches(&st->resources[i], s);
    return hit != st->is_not_resource;
}

static enum strength principal_strength(const struct policy_principal *p,
                                        const struct subject *s)
{
    enum iam_principal_type t = s->req->principal_type;
    const char *name = s->req->principal ? s->req->principal : "";
    switch (p->type) {
    case PRINCIPAL_ALL:
        return MATCH_DIRECT;
    case PRINCIPAL_AWS_ANY:
        return t == IAM_PRINCIPAL_AWS || t == IAM_PRINCIPAL_ANONYMOUS
                   ? MATCH_DIRECT
                   : MATCH_NONE;
    case PRINCIPAL_ACCOUNT:
        if (t != IAM_PRINCIPAL_AWS || !str_eq_cstr(s->account, p->value))
            return MATCH_NONE;
        return s->is_root ? MATCH_DIRECT : MATCH_ACCOUNT;
    case PRINCIPAL_ARN:
        /* A role ARN also names every session of the role. */
        return t == IAM_PRINCIPAL_AWS && (strcmp(name, p->value) == 0 ||
                                          str_eq_cstr(s->role, p->value))
                   ? MATCH_DIRECT
                   : MATCH_NONE;
    case PRINCIPAL_SERVICE:
        return t == IAM_PRINCIPAL_SERVICE && strcasecmp(name, p->value) == 0
                   ? MATCH_DIRECT
                   : MATCH_NONE;
    case PRINCIPAL_FEDERATED:
        return t == IAM_PRINCIPAL_FEDERATED && strcmp(name, p->value) == 0
                   ? MATCH_DIRECT
                   : MATCH_NONE;
    case PRINCIPAL_CANONICAL:
        return MATCH_NONE;
    }
    return MATCH_NONE;
}

/* NotPrincipal: AWS treats a caller as several principals at once (the
 * session, its role, its account) and the statement applies unless every
 * one of them is listed; the NotPrincipal docs show Deny statements that
 * must list the session, the role and the account to exempt a session. */
static bool is_listed(const struct policy_statement *st,
                      enum policy_principal_type type, struct str value)
{
    for (size_t i = 0; i < st->n_principals; i++) {
        const struct policy_principal *p = &st->principals[i];
        if (p->type == PRINCIPAL_ALL || p->type == PRINCIPAL_AWS_ANY)
            return true;
        if (p->type == type && value.len > 0 && str_eq_cstr(value, p->value))
            return true;
    }
    return false;
}

static bool not_principal_applies(const struct policy_statement *st,
                                  const struct subject *s)
{
    struct str name = str_from(s->req->principal);
    switch (s->req->principal_type) {
    case IAM_PRINCIPAL_AWS:
        if (!is_listed(st, PRINCIPAL_ACCOUNT, s->account))
            return true;
        if (s->is_root)
            return false;
        return !is_listed(st, PRINCIPAL_ARN, name) ||
               (s->role.len > 0 && !is_listed(st, PRINCIPAL_ARN, s->role));
    case IAM_PRINCIPAL_SERVICE:
        return !is_listed(st, PRINCIPAL_SERVICE, name);
    case IAM_PRINCIPAL_FEDERATED:
        return !is_listed(st, PRINCIPAL_FEDERATED, name);
    case IAM_PRINCIPAL_ANONYMOUS:
        return !is_listed(st, PRINCIPAL_ALL, STR_LIT(""));
    }
    return true;
}

static enum strength principal_matches(const struct policy_statement *st,
                                       const struct subject *s)
{
    enum strength best = MATCH_NONE;
    if (!st->has_principal)
        return MATCH_DIRECT; /* identity policies: the caller itself */
    if (st->is_not_principal)
        return not_principal_applies(st, s) ? MATCH_DIRECT : MATCH_NONE;
    for (size_t i = 0; i < st->n_principals && best != MATCH_DIRECT; i++) {
        enum strength m = principal_strength(&st->principals[i], s);
        best = m > best ? m : best;
    }
    return best;
}

static enum strength statement_applies(const struct policy_statement *st,
                                       const struct subject *s,
                                       bool check_conditions)
{
    if (!action_matches(st, s) || !resource_matches(st, s))
        return MATCH_NONE;
    enum strength m = principal_matches(st, s);
    if (m == MATCH_NONE)
        return MATCH_NONE;
    if (check_conditions && !iam_cond_eval(&st->conds, s->req->context))
        return MATCH_NONE;
    return m;
}

/* --- Combining ----------------------------------------------------------- */

static void scan_policy(const struct policy *p, const struct subject *s,
                        struct scan *out)
{
    *out = (struct scan){ .deny = -1, .allow = -1 };
    for (size_t i = 0; i < p->n_stmts; i++) {
        const struct policy_statement *st = &p->stmts[i];
        enum strength m = statement_applies(st, s, true);
        if (m == MATCH_NONE)
            continue;
        if (!st->is_allow) {
            out->deny = (int)i;
            return; /* nothing overrides an explicit deny */
        }
        if (m > out->allow_strength) {
            out->allow = (int)i;
            out->allow_strength = m;
        }
    }
}

static struct iam_cause cause_of(const struct iam_policy_ref *ref, int stmt)
{
    return (struct iam_cause){
        .policy = ref->name,
        .statement = stmt,
        .sid = policy_statement_sid(ref->policy, (size_t)stmt),
    };
}

static const char *allow(struct iam_result *out, const char *reason)
{
    out->decision = IAM_ALLOW;
    return reason;
}

static void deny(struct iam_result *out, const struct iam_policy_ref *ref,
                 int stmt, const char *reason)
{
    out->decision = IAM_EXPLICIT_DENY;
    out->cause = cause_of(ref, stmt);
    out->reason = reason;
}

/* With no Deny found: does an Allow grant, and which one? Returns the
 * reason; out->decision stays implicit deny unless an Allow grants. */
static const char *combine(const struct subject *s,
                           const struct iam_policy_ref *id_ref, int id_allow,
                           const struct iam_policy_ref *res_ref,
                           const struct scan *res, struct iam_result *out)
{
    bool is_trust = res_ref != NULL && res_ref->policy->kind == POLICY_TRUST;
    bool is_aws = s->req->principal_type == IAM_PRINCIPAL_AWS;
    bool is_direct = res->allow_strength == MATCH_DIRECT;
    if (res->allow >= 0)
        out->resource_cause = cause_of(res_ref, res->allow);
    if (s->is_root && s->req->is_same_account && !is_trust)
        return allow(
            out, "the account root user is not limited by identity policies");
    if (is_trust && res->allow < 0)
        return "the role's trust policy does not allow the principal";
    /* The root user is bound by no identity policy, in any account. */
    if (s->is_root && !is_trust && res->allow >= 0) {
        out->cause = out->resource_cause;
        out->resource_cause = (struct iam_cause){ .statement = -1 };
        out->is_resource_grant = true;
        return allow(out, "allowed by the resource policy");
    }
    /* Within one account, and for principals without identity policies,
     * either kind of policy can grant alone. */
    bool is_alone = !is_aws || s->req->is_same_account;
    if (id_allow >= 0 && (is_alone || res->allow >= 0)) {
        out->cause = cause_of(id_ref, id_allow);
        if (is_alone && !is_trust)
            out->resource_cause = (struct iam_cause){ .statement = -1 };
        return allow(out, is_alone
                              ? "allowed by an identity policy"
                              : "allowed by identity and resource policies");
    }
    if (is_direct && is_alone) {
        out->cause = out->resource_cause;
        out->resource_cause = (struct iam_cause){ .statement = -1 };
        out->is_resource_grant = true;
        return allow(out, "allowed by the resource policy");
    }
    if (res->allow >= 0 && is_alone)
        return "the resource policy names the account, "
               "so an identity policy must also allow";
    if (!is_alone && res->allow < 0)
        return "cross-account: the resource policy does "
               "not allow the principal";
    if (!is_alone)
        return "cross-account: no identity policy allows "
               "the action";
    return "no policy allows the action";
}

void iam_evaluate(const struct iam_request *req,
                  const struct iam_policy_ref *identity, size_t n_identity,
                  const struct iam_policy_ref *resource_policy,
                  struct iam_result *out)
{
    struct subject s;
    struct scan scan, res = { .deny = -1, .allow = -1 };
    const struct iam_policy_ref *id_ref = NULL;
    int id_allow = -1;
    *out = (struct iam_result){ .cause.statement = -1,
                                .resource_cause.statement = -1 };
    prepare(&s, req, resource_policy != NULL);
    for (size_t i = 0; i < n_identity; i++) {
        scan_policy(identity[i].policy, &s, &scan);
        if (scan.deny >= 0) {
            deny(out, &identity[i], scan.deny,
                 "explicit deny in an identity policy");
            return;
        }
        if (id_allow < 0 && scan.allow >= 0) {
            id_ref = &identity[i];
            id_allow = scan.allow;
        }
    }
    if (resource_policy != NULL)
        scan_policy(resource_policy->policy, &s, &res);
    if (res.deny >= 0) {
        deny(out, resource_policy, res.deny,
             "explicit deny in the resource policy");
        return;
    }
    out->reason = combine(&s, id_ref, id_allow, resource_policy, &res, out);
}

size_t iam_allowing_statements(const struct policy *p,
                               const struct iam_request *req,
                               bool check_conditions, size_t *out, size_t max)
{
    struct subject s;
    size_t n = 0;
    prepare(&s, req, p->kind != POLICY_IDENTITY);
    for (size_t i = 0; i < p->n_stmts; i++) {
        const struct policy_statement *st = &p->stmts[i];
        if (!st->is_allow ||
            statement_applies(st, &s, check_conditions) == MATCH_NONE)
            continue;
        if (n < max)
            out[n] = i;
        n++;
    }
    return n;
}

void iam_narrow_by_boundary(const struct iam_request *req,
                            const struct iam_policy_ref *boundary,
                            struct iam_result *out)
{
    if (out->decision == IAM_EXPLICIT_DENY)
        return;
    struct iam_result by;
    iam_evaluate(req, boundary, 1, NULL, &by);
    bool is_identity_grant = out->decision == IAM_ALLOW &&
                             !out->is_resource_grant;
    if (by.decision == IAM_EXPLICIT_DENY) {
        *out = by;
        out->reason = "explicit deny in the permissions boundary";
    } else if (is_identity_grant && by.decision != IAM_ALLOW) {
        *out = by;
        out->cause.policy = boundary->name;
        out->reason = "the permissions boundary does not allow the action";
    }
}

const char *iam_decision_name(enum iam_decision d)
{
    switch (d) {
    case IAM_ALLOW:
        return "Allow";
    case IAM_EXPLICIT_DENY:
        return "ExplicitDeny";
    case IAM_IMPLICIT_DENY:
        return "ImplicitDeny";
    }
    return "ImplicitDeny";
}
