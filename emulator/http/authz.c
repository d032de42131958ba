/* The authorize stage; see authz.h. Policies are compiled once, at start;
 * per request only the condition-key context is built (on the stack) and
 * each (action, resource) pair evaluated. */
#include "http/authz.h"

#include "auth/identity.h"
#include "auth/session.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/mem.h"
#include "base/str.h"
#include "http/audit.h"
#include "http/authz_memo.h"
#include "http/call.h"
#include "http/condkeys.h"
#include "http/ops.h"
#include "iam/iam.h"
#include "iam/policy.h"
#include "state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Room for the context keys one request carries: the global aws:* keys,
 * the identities file's overrides and the operation's own keys. */
#define AUTHZ_MAX_CONTEXT 48
/* The names the audit and denials give a session's own policy, an
 * identity's permissions boundary and a bucket policy. */
#define AUTHZ_SESSION_POLICY "session policy"
#define AUTHZ_BOUNDARY "permissions boundary"
#define AUTHZ_RESOURCE_POLICY "resource policy"

struct compiled {
    struct iam_policy_ref *refs; /* owned array; refs[i].policy owned */
    size_t n;
    struct policy *trust;        /* owned; roles only */
    struct policy *boundary;     /* owned; NULL without one */
    bool reads_context;          /* refs or the boundary read condition
                                    keys */
};

struct authz {
    const struct identities *ids; /* borrowed; may be NULL */
    struct compiled *by_identity; /* parallel to ids->items */
    uint64_t memo_owner;          /* names this authorizer's memo entries */
};

static struct policy *compile(const struct identity *id,
                              const struct identity_policy *p,
                              enum policy_kind kind, struct buf *err)
{
    struct buf why;
    buf_init(&why, 0);
    struct policy *pol = policy_parse(p->document, strlen(p->document), kind,
                                      &why);
    if (pol == NULL)
        buf_printf(err, "%s %s, policy %s: %s",
                   id->kind == IDENTITY_USER ? "user" : "role", id->name,
                   p->name, buf_cstr(&why));
    buf_clear(&why);
    return pol;
}

static int compile_identity(const struct identity *id, struct compiled *out,
                            struct buf *err)
{
    out->refs = xcalloc(id->n_policies ? id->n_policies : 1,
                        sizeof *out->refs);
    for (size_t i = 0; i < id->n_policies; i++) {
        struct policy *p = compile(id, &id->policies[i], POLICY_IDENTITY,
                                   err);
        if (p == NULL)
            return -1;
        out->refs[out->n++] = (struct iam_policy_ref){
            .name = id->policies[i].name, .policy = p };
        out->reads_context |= policy_reads_context(p);
    }
    if (id->boundary.document) {
        out->boundary = compile(id, &id->boundary, POLICY_IDENTITY, err);
        if (out->boundary == NULL)
            return -1;
        out->reads_context |= policy_reads_context(out->boundary);
    }
    if (id->kind == IDENTITY_ROLE) {
        out->trust = compile(id, &id->trust, POLICY_TRUST, err);
        if (out->trust == NULL)
            return -1;
    }
    return 0;
}

struct authz *authz_new(const struct identities *ids, struct buf *err)
{
    struct authz *z = xcalloc(1, sizeof *z);
    z->ids = ids;
    z->memo_owner = authz_memo_new_owner();
    if (ids == NULL)
        return z;
    z->by_identity = xcalloc(ids->n ? ids->n : 1, sizeof *z->by_identity);
    for (size_t i = 0; i < ids->n; i++) {
        if (compile_identity(&ids->items[i], &z->by_identity[i], err) < 0) {
            authz_free(z);
            return NULL;
        }
    }
    return z;
}

void authz_free(struct authz *z)
{
    if (z == NULL)
        return;
    for (size_t i = 0; z->ids && i < z->ids->n; i++) {
        struct compiled *c = &z->by_identity[i];
        for (size_t j = 0; j < c->n; j++)
            policy_free((struct policy *)c->refs[j].policy);
        free(c->refs);
        policy_free(c->trust);
        policy_free(c->boundary);
    }
    free(z->by_identity);
    free(z);
}

static const struct compiled *compiled_of(const struct authz *z,
                                          const struct identity *id)
{
    if (z->ids == NULL || id == NULL)
        return NULL;
    return &z->by_identity[id - z->ids->items];
}

const struct policy *authz_trust_policy(const struct authz *z,
                                        const struct identity *role)
{
    const struct compiled *c = compiled_of(z, role);
    return c ? c->trust : NULL;
}

/* The condition-key context of one request, built on first use: most
 * decisions are repeats by policies without conditions, which need none
 * (see context_of). Values live in the strings array; entries point at
 * them. */
struct context {
    const struct call *call;
    const cJSON *overrides;       /* the identities file's context keys */
    bool is_built;
    struct iam_context_entry entries[AUTHZ_MAX_CONTEXT];
    const char *values[AUTHZ_MAX_CONTEXT];
    char time_iso[32];
    char epoch[24];
    size_t n;
    struct condkeys service_keys; /* the operation's own keys */
};

static void put(struct context *ctx, const char *key, const char *value)
{
    if (ctx->n == AUTHZ_MAX_CONTEXT || value == NULL)
        return;
    ctx->values[ctx->n] = value;
    ctx->entries[ctx->n] = (struct iam_context_entry){
        .key = key, .values = &ctx->values[ctx->n], .n_values = 1 };
    ctx->n++;
}

static const char *principal_type(const struct call *c)
{
    if (c->session)
        return "AssumedRole";
    if (c->identity)
        return "User";
    return "Account";
}

/* aws:CurrentTime and aws:EpochTime of the second secs. Each thread keeps
 * the last second it formatted: requests arrive many to a second, and
 * gmtime and strftime showed in profiles of S3 uploads, which build a
 * context for every new object key. */
static void format_times(time_t secs, struct context *ctx)
{
    static _Thread_local time_t last_secs = -1;
    static _Thread_local char last_iso[sizeof ctx->time_iso];
    static _Thread_local char last_epoch[sizeof ctx->epoch];
    if (secs != last_secs) {
        struct tm tm;
        gmtime_r(&secs, &tm);
        strftime(last_iso, sizeof last_iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
        snprintf(last_epoch, sizeof last_epoch, "%lld", (long long)secs);
        last_secs = secs;
    }
    memcpy(ctx->time_iso, last_iso, sizeof last_iso);
    memcpy(ctx->epoch, last_epoch, sizeof last_epoch);
}

static void build_context(const struct call *c, const cJSON *overrides,
                          struct context *ctx)
{
    ctx->is_built = true;
    format_times((time_t)(clock_now_ms(&c->emu->clock) / 1000), ctx);
    ctx->n = 0;
    /* The identities file's values come first: they stand for what a
     * local endpoint cannot know truthfully (TLS, source network). */
    const cJSON *o;
    cJSON_ArrayForEach(o, overrides) {
        if (cJSON_IsString(o))
            put(ctx, o->string, o->valuestring);
    }
    put(ctx, "aws:CurrentTime", ctx->time_iso);
    put(ctx, "aws:EpochTime", ctx->epoch);
    put(ctx, "aws:SecureTransport", c->is_tls ? "true" : "false");
    put(ctx, "aws:SourceIp", c->peer_ip);
    put(ctx, "aws:PrincipalArn", c->identity ? c->identity->arn
                                             : c->principal_arn);
    put(ctx, "aws:PrincipalAccount", c->emu->account);
    put(ctx, "aws:PrincipalType", principal_type(c));
    put(ctx, "aws:RequestedRegion", c->signed_region);
    put(ctx, "aws:userid", c->session ? c->session->user_id
                           : c->identity ? c->identity->unique_id
                                         : c->emu->account);
    if (c->identity && !c->session)
        put(ctx, "aws:username", c->identity->name);
    memset(&ctx->service_keys, 0, sizeof ctx->service_keys);
    condkeys_collect(c, &ctx->service_keys);
    const struct condkeys *ck = &ctx->service_keys;
    for (size_t i = 0; i < ck->n_keys && ctx->n < AUTHZ_MAX_CONTEXT; i++)
        ctx->entries[ctx->n++] = (struct iam_context_entry){
            .key = ck->keys[i].key,
            .values = (const char *const *)&ck->values[ck->keys[i].first],
            .n_values = ck->keys[i].n };
}

static struct iam_context context_of(struct context *ctx)
{
    if (!ctx->is_built)
        build_context(ctx->call, ctx->overrides, ctx);
    return (struct iam_context){ .entries = ctx->entries, .n = ctx->n };
}

static const char *decision_text(enum iam_decision d)
{
    switch (d) {
    case IAM_ALLOW:
        return "allow";
    case IAM_EXPLICIT_DENY:
        return "explicit_deny";
    case IAM_IMPLICIT_DENY:
        break;
    }
    return "implicit_deny";
}

static void record(struct audit *audit, const struct call *c,
                   const char *action, const char *resource,
                   const struct iam_result *r, struct context *ctx)
{
    /* The deciding statement: its Sid, else (none, or empty) its index. */
    char index[STR_DECIMAL_MAX];
    const char *statement = r->cause.sid && r->cause.sid[0] ? r->cause.sid
                                                            : NULL;
    if (statement == NULL && r->cause.statement >= 0)
        statement = str_decimal((uint64_t)r->cause.statement, index);
    struct audit_entry e = {
        .time_ms = clock_now_ms(&c->emu->clock),
        .request_id = c->request_id,
        .principal = c->principal_arn,
        .action = action,
        .resource = resource,
        .decision = decision_text(r->decision),
        .policy = r->cause.policy,
        .statement = statement,
        .is_enforced = c->emu->cfg.iam_mode == EMULATOR_IAM_ENFORCE,
    };
    if (audit_count_repeat(audit, &e))
        return;
    struct iam_context ictx = context_of(ctx);
    e.context = &ictx;
    audit_record(audit, &e);
}

static bool is_policy(const struct iam_result *r, const char *name)
{
    return r->cause.policy && strcmp(r->cause.policy, name) == 0;
}

/* The kind of policy that decided, as AWS's denials name it, and the
 * article that goes before it. */
static const char *deciding_kind(const struct iam_result *r,
                                 const char **article)
{
    *article = "a";
    if (is_policy(r, AUTHZ_SESSION_POLICY))
        return "session policy";
    if (is_policy(r, AUTHZ_BOUNDARY))
        return "permissions boundary";
    if (is_policy(r, AUTHZ_RESOURCE_POLICY))
        return "resource-based policy";
    *article = "an";
    return "identity-based policy";
}

/* AWS's AccessDenied wording, which names the reason. */
static int deny(struct call *c, const char *action, const char *resource,
                const struct iam_result *r)
{
    const char *article;
    const char *kind = deciding_kind(r, &article);
    if (r->decision == IAM_EXPLICIT_DENY)
        return call_fail(c, AWS_ERR_ACCESS_DENIED, "User: %s is not "
                         "authorized to perform: %s on resource: %s with an "
                         "explicit deny in %s %s", c->principal_arn, action,
                         resource, article, kind);
    return call_fail(c, AWS_ERR_ACCESS_DENIED, "User: %s is not authorized "
                     "to perform: %s on resource: %s because no %s allows "
                     "the %s action", c->principal_arn, action, resource,
                     kind, action);
}

/* The decision of policy p alone, in the name the audit and denials give
 * it. */
static void decide_alone(const struct iam_request *req, const struct policy *p,
                         const char *name, struct iam_result *out)
{
    struct iam_policy_ref ref = { .name = name, .policy = p };
    iam_evaluate(req, &ref, 1, NULL, out);
    out->cause.policy = name;
}

/* Decides one (action, resource). A resource policy compiled for this
 * request lands in *to_free: out borrows its Sid until the caller frees it. */
static void evaluate(const struct authz *z, const struct call *c,
                     const char *action, const char *resource,
                     struct context *ctx,
                     const struct policy *session_policy,
                     struct iam_result *out, struct policy **to_free)
{
    const struct compiled *comp = compiled_of(z, c->identity);
    const struct policy *rp = c->op->resource_policy
        ? c->op->resource_policy((struct call *)c, resource, to_free) : NULL;
    /* Policies that read no condition keys decide alike without them. */
    bool reads_context = (comp && comp->reads_context) ||
                         policy_reads_context(rp) ||
                         policy_reads_context(session_policy);
    /* Then the identity's policies alone decide, for every principal
     * they are attached to, so the decision can be remembered; S3's are
     * mostly on object keys, which rarely repeat soon enough to pay. */
    bool is_memoizable = comp && !reads_context && rp == NULL &&
                         session_policy == NULL && c->service != SERVICE_S3;
    if (is_memoizable &&
        authz_memo_find(z->memo_owner, comp, action, resource, out))
        return;
    struct iam_context ictx = reads_context ? context_of(ctx)
                                            : (struct iam_context){ 0 };
    struct iam_request req = {
        .principal_type = IAM_PRINCIPAL_AWS,
        .principal = c->principal_arn,
        .role_arn = c->session ? c->identity->arn : NULL,
        .action = action,
        .resource = resource,
        .context = &ictx,
        .is_same_account = true,
    };
    struct iam_policy_ref rref = { .name = AUTHZ_RESOURCE_POLICY,
                                   .policy = rp };
    iam_evaluate(&req, comp ? comp->refs : NULL, comp ? comp->n : 0,
                 rp ? &rref : NULL, out);
    struct iam_policy_ref bref = { .name = AUTHZ_BOUNDARY,
                                   .policy = comp ? comp->boundary : NULL };
    if (bref.policy)
        iam_narrow_by_boundary(&req, &bref, out);
    if (is_memoizable)
        authz_memo_keep(z->memo_owner, comp, action, resource, out);
    if (session_policy == NULL || out->decision == IAM_EXPLICIT_DENY)
        return;
    /* A session policy (AssumeRole's Policy) can only narrow the role's
     * permissions: the request needs its Allow too, and its Deny wins. */
    struct iam_result by_session;
    decide_alone(&req, session_policy, AUTHZ_SESSION_POLICY, &by_session);
    if (by_session.decision != IAM_ALLOW)
        *out = by_session;
}

/* What every decision of one request shares: its condition keys, built on
 * first use, and the session's policy. */
struct decisions {
    struct context ctx; /* ~4 KB, so set field by field, not zeroed */
    struct policy *session_policy;
};

static void decisions_begin(const struct authz *z, struct call *c,
                            struct decisions *d)
{
    d->ctx.call = c;
    d->ctx.overrides = z->ids ? z->ids->context : NULL;
    d->ctx.is_built = false;
    /* A session's own policy was checked when AssumeRole issued it. */
    d->session_policy = NULL;
    if (c->session && c->session->session_policy) {
        struct buf err;
        buf_init(&err, 0);
        d->session_policy = policy_parse(c->session->session_policy,
                                         strlen(c->session->session_policy),
                                         POLICY_IDENTITY, &err);
        buf_clear(&err);
    }
}

static void decisions_end(struct decisions *d)
{
    if (d->ctx.is_built)
        condkeys_clear(&d->ctx.service_keys);
    policy_free(d->session_policy);
}

/* Decides and audits one (action, resource); in enforce mode a denial
 * answers AccessDenied. 0 or -1. */
static int decide(struct authz *z, struct audit *audit, struct call *c,
                  struct decisions *d, const char *action,
                  const char *resource)
{
    struct iam_result r;
    struct policy *to_free = NULL;
    evaluate(z, c, action, resource, &d->ctx, d->session_policy, &r,
             &to_free);
    record(audit, c, action, resource, &r, &d->ctx);
    policy_free(to_free);
    if (r.decision != IAM_ALLOW &&
        c->emu->cfg.iam_mode == EMULATOR_IAM_ENFORCE)
        return deny(c, action, resource, &r);
    return 0;
}

int authz_authorize(struct authz *z, struct audit *audit, struct call *c)
{
    if (c->op->action == NULL)
        return 0;
    /* Only n: zeroing the 16 KB of slots showed in profiles. */
    struct op_resources res;
    res.n = 0;
    if (c->op->resources(c, &res) < 0)
        return -1;
    if (c->emu->cfg.iam_mode == EMULATOR_IAM_OFF) {
        op_resources_clear(&res);
        return 0;
    }
    struct decisions d;
    decisions_begin(z, c, &d);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < res.n; i++)
        rc = decide(z, audit, c, &d,
                    res.actions[i] ? res.actions[i] : c->op->action,
                    res.arns[i]);
    decisions_end(&d);
    op_resources_clear(&res);
    return rc;
}

int authz_authorize_also(struct authz *z, struct audit *audit,
                         struct call *c, const char *action,
                         const char *resource)
{
    if (c->emu->cfg.iam_mode == EMULATOR_IAM_OFF)
        return 0;
    struct decisions d;
    decisions_begin(z, c, &d);
    int rc = decide(z, audit, c, &d, action, resource);
    decisions_end(&d);
    return rc;
}

const struct identity *authz_role_by_arn(const struct authz *z,
                                         const char *arn)
{
    if (z->ids == NULL)
        return NULL;
    for (size_t i = 0; i < z->ids->n; i++) {
        const struct identity *id = &z->ids->items[i];
        if (id->kind == IDENTITY_ROLE && strcmp(id->arn, arn) == 0)
            return id;
    }
    return NULL;
}

bool authz_service_may_assume(const struct authz *z,
                              const struct identity *role,
                              const char *service)
{
    const struct policy *trust = authz_trust_policy(z, role);
    if (trust == NULL)
        return false;
    struct iam_policy_ref ref = { .name = "trust", .policy = trust };
    struct iam_request req = {
        .principal_type = IAM_PRINCIPAL_SERVICE,
        .principal = service,
        .action = "sts:AssumeRole",
        .resource = role->arn,
        .is_same_account = false,
    };
    struct iam_result r;
    iam_evaluate(&req, NULL, 0, &ref, &r);
    return r.decision == IAM_ALLOW;
}
