/* Least-privilege analysis; see leastpriv.h. Policies are read into flat
 * statements; audit records are matched against them with the IAM
 * engine's own wildcard and ARN matching (iam_match), so "used" means what
 * the emulator decided. Whether a grant can ever match rests on one table:
 * the resource each action is authorized against, as AWS's Service
 * Authorization Reference lists it (ListStreams, ListTables and
 * ListAllMyBuckets take no resource: only "*" grants them). */
#include "verify/leastpriv.h"

#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"
#include "base/str.h"
#include "iam/iam_match.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The resource an action is authorized against (a mask: Query and Scan
 * take tables and indexes). */
enum {
    KIND_ANY = 1,      /* no resource-level permissions: "*" */
    KIND_TABLE = 2,
    KIND_INDEX = 4,
    KIND_STREAM = 8,
    KIND_BUCKET = 16,
    KIND_OBJECT = 32,
    KIND_ROLE = 64,
    KIND_UNKNOWN = 0,
};

static const struct {
    const char *action;
    int kind;
} action_kinds[] = {
    { "dynamodb:listtables", KIND_ANY },
    { "dynamodb:liststreams", KIND_ANY },
    { "dynamodb:describelimits", KIND_ANY },
    { "dynamodb:describeendpoints", KIND_ANY },
    { "dynamodb:describestream", KIND_STREAM },
    { "dynamodb:getrecords", KIND_STREAM },
    { "dynamodb:getsharditerator", KIND_STREAM },
    { "dynamodb:query", KIND_TABLE | KIND_INDEX },
    { "dynamodb:scan", KIND_TABLE | KIND_INDEX },
    { "s3:listallmybuckets", KIND_ANY },
    { "s3:listbucket", KIND_BUCKET },
    { "s3:listbucketversions", KIND_BUCKET },
    { "s3:listbucketmultipartuploads", KIND_BUCKET },
    { "s3:createbucket", KIND_BUCKET },
    { "s3:deletebucket", KIND_BUCKET },
    { "s3:getbucketlocation", KIND_BUCKET },
    { "s3:getbucketpolicy", KIND_BUCKET },
    { "s3:putbucketpolicy", KIND_BUCKET },
    { "s3:deletebucketpolicy", KIND_BUCKET },
    { "s3:getbucketversioning", KIND_BUCKET },
    { "s3:putbucketversioning", KIND_BUCKET },
    { "s3:getbucketacl", KIND_BUCKET },
    { "s3:putbucketacl", KIND_BUCKET },
    { "sts:assumerole", KIND_ROLE },
    { "sts:getcalleridentity", KIND_ANY },
};

/* Services the emulator answers: grants for others cannot be exercised. */
static const char *const emulated[] = { "dynamodb", "s3", "sts", NULL };

struct stmt {
    const char *policy;    /* borrowed: the policy's name */
    char label[80];        /* "policy P statement S" */
    bool is_allow;
    bool is_not_action;
    bool is_not_resource;
    bool has_prefix_condition; /* a Condition on s3:prefix */
    const char **actions;  /* owned array, strings borrowed from doc */
    size_t n_actions;
    const char **resources;
    size_t n_resources;
};

struct rec {
    const char *action;
    const char *resource;
    const char *decision;
    const char *prefix;    /* context s3:prefix, or NULL */
};

struct analysis {
    const struct leastpriv_input *in;
    const struct leastpriv_principal *p;
    cJSON **docs;          /* owned: the parsed policies */
    struct stmt *stmts;    /* owned */
    size_t n_stmts;
    struct rec *recs;      /* owned array, strings borrowed from records */
    size_t n_recs;
    struct findings *out;
};

/* ---- matching ------------------------------------------------------------ */

static void lower(const char *s, char *out, size_t len)
{
    size_t i = 0;
    for (; s[i] && i + 1 < len; i++)
        out[i] = (char)tolower((unsigned char)s[i]);
    out[i] = '\0';
}

static bool has_wildcard(const char *s)
{
    return strpbrk(s, "*?") != NULL;
}

static bool action_match(const char *pattern, const char *action)
{
    char p[256], a[256];
    lower(pattern, p, sizeof p);
    lower(action, a, sizeof a);
    return iam_match_glob(str_from(p), str_from(a));
}

static bool resource_match(const char *pattern, const char *arn)
{
    if (strcmp(pattern, "*") == 0)
        return true;
    if (strcmp(arn, "*") == 0)
        return iam_match_glob(str_from(pattern), str_from(arn));
    struct iam_arn pat, sub;
    iam_match_arn_split(str_from(pattern), true, &pat);
    iam_match_arn_split(str_from(arn), false, &sub);
    return iam_match_arn(&pat, &sub);
}

static int kind_of(const char *action)
{
    char a[256];
    lower(action, a, sizeof a);
    for (size_t i = 0; i < sizeof action_kinds / sizeof *action_kinds; i++)
        if (strcmp(a, action_kinds[i].action) == 0)
            return action_kinds[i].kind;
    if (strncmp(a, "dynamodb:", 9) == 0)
        return KIND_TABLE;
    if (strncmp(a, "s3:", 3) == 0)
        return KIND_OBJECT;
    return KIND_UNKNOWN;
}

/* The service of an action ("logs" of "logs:PutLogEvents"), into out. */
static void service_of(const char *action, char *out, size_t len)
{
    size_t n = strcspn(action, ":");
    snprintf(out, len, "%.*s", (int)n, action);
    lower(out, out, len);
}

static bool is_emulated(const char *action)
{
    char svc[64];
    service_of(action, svc, sizeof svc);
    if (strcmp(svc, "*") == 0)
        return true;
    for (size_t i = 0; emulated[i]; i++)
        if (strcmp(svc, emulated[i]) == 0)
            return true;
    return false;
}

/* Does the ARN resource part r have the shape of kind k? */
static bool shape_fits(int k, const char *service, const char *r)
{
    const char *slash = strchr(r, '/');
    if (k & (KIND_BUCKET | KIND_OBJECT)) {
        if (strcmp(service, "s3") != 0 || r[0] == '\0' || r[0] == '/')
            return false;
        return (k & KIND_BUCKET && slash == NULL) ||
               (k & KIND_OBJECT && slash && slash[1]);
    }
    if (k & KIND_ROLE)
        return strcmp(service, "iam") == 0 && strncmp(r, "role/", 5) == 0 &&
               r[5];
    if (strcmp(service, "dynamodb") != 0 || strncmp(r, "table/", 6) != 0)
        return false;
    const char *name = r + 6, *rest = strchr(name, '/');
    if (name[0] == '/' || name[0] == '\0')
        return false;
    if (rest == NULL)
        return (k & KIND_TABLE) != 0;
    if (k & KIND_INDEX && strncmp(rest, "/index/", 7) == 0 && rest[7] &&
        !strchr(rest + 7, '/'))
        return true;
    return k & KIND_STREAM && strncmp(rest, "/stream/", 8) == 0 &&
           rest[8] && !strchr(rest + 8, '/');
}

static const char *const fills[] = { "", "x", "x/x", "x/stream/x",
                                     "x/index/x" };

/* Tries every way of filling pattern's wildcards (up to three of them
 * from fills, the rest "x") for a resource part of shape k. */
static bool fill_fits(int k, const char *service, const char *pattern,
                      size_t star, char *out, size_t o)
{
    if (o > 900)
        return false;
    if (*pattern == '\0') {
        out[o] = '\0';
        return shape_fits(k, service, out);
    }
    if (*pattern == '?' || (*pattern == '*' && star >= 3)) {
        out[o] = 'x';
        return fill_fits(k, service, pattern + 1, star, out, o + 1);
    }
    if (*pattern != '*') {
        out[o] = *pattern;
        return fill_fits(k, service, pattern + 1, star, out, o + 1);
    }
    for (size_t i = 0; i < sizeof fills / sizeof *fills; i++) {
        size_t n = strlen(fills[i]);
        memcpy(out + o, fills[i], n);
        if (fill_fits(k, service, pattern + 1, star + 1, out, o + n))
            return true;
    }
    return false;
}

static bool seg_glob(struct str pattern, const char *value)
{
    return iam_match_glob(pattern, str_from(value));
}

/* Can pattern ever match a resource an action of kind k is decided on,
 * in this account and region? */
static bool can_match(const struct analysis *a, int k, const char *pattern)
{
    if (k == KIND_UNKNOWN || strcmp(pattern, "*") == 0)
        return true;
    if (k & KIND_ANY)
        return iam_match_glob(str_from(pattern), STR_LIT("*")) ||
               ((k & ~KIND_ANY) != 0 && can_match(a, k & ~KIND_ANY, pattern));
    struct iam_arn p;
    iam_match_arn_split(str_from(pattern), true, &p);
    if (p.n < 6)
        return p.seg[p.n - 1].len > 0 &&
               p.seg[p.n - 1].ptr[p.seg[p.n - 1].len - 1] == '*';
    const char *service = k & (KIND_BUCKET | KIND_OBJECT) ? "s3"
                        : k & KIND_ROLE ? "iam" : "dynamodb";
    bool is_regional = strcmp(service, "dynamodb") == 0;
    if (!seg_glob(p.seg[2], service) ||
        !seg_glob(p.seg[3], is_regional ? a->in->region : "") ||
        !seg_glob(p.seg[4], strcmp(service, "s3") ? a->in->account : ""))
        return false;
    char res[1024], filled[1024];
    if (!str_copy(p.seg[5], res, sizeof res))
        return true;
    for (int bit = 1; bit <= KIND_ROLE; bit <<= 1)
        if (k & bit && fill_fits(bit, service, res, 0, filled, 0))
            return true;
    return false;
}

/* The narrowest pattern that grants action on arn, into out. */
static void minimal_resource(const char *action, const char *arn, char *out,
                             size_t len)
{
    int k = kind_of(action);
    const char *stream = strstr(arn, "/stream/");
    if (k & KIND_ANY || strcmp(arn, "*") == 0) {
        snprintf(out, len, "*");
    } else if (k & KIND_STREAM && stream) {
        snprintf(out, len, "%.*s/stream/*", (int)(stream - arn), arn);
    } else if (k & KIND_OBJECT && strncmp(arn, "arn:aws:s3:::", 13) == 0) {
        const char *key = strchr(arn + 13, '/');
        const char *dir = key ? strchr(key + 1, '/') : NULL;
        if (dir)
            snprintf(out, len, "%.*s/*", (int)(dir - arn), arn);
        else
            snprintf(out, len, "%s", arn);
    } else {
        snprintf(out, len, "%s", arn);
    }
}

/* ---- reading policies and records --------------------------------------- */

static const char **strings_of(const cJSON *v, size_t *n)
{
    *n = 0;
    const char **out = xcalloc((size_t)cJSON_GetArraySize(v) + 2,
                               sizeof *out);
    if (cJSON_IsString(v)) {
        out[(*n)++] = v->valuestring;
        return out;
    }
    const cJSON *e;
    cJSON_ArrayForEach(e, v)
        if (cJSON_IsString(e))
            out[(*n)++] = e->valuestring;
    return out;
}

static bool mentions_prefix(const cJSON *condition)
{
    const cJSON *op, *key;
    cJSON_ArrayForEach(op, condition)
        cJSON_ArrayForEach(key, op)
            if (key->string && strcmp(key->string, "s3:prefix") == 0)
                return true;
    return false;
}

static void read_statement(struct analysis *a, const char *policy,
                           const cJSON *st, size_t index)
{
    struct stmt *s = &a->stmts[a->n_stmts++];
    memset(s, 0, sizeof *s);
    s->policy = policy;
    const char *sid = json_get_string(st, "Sid");
    if (sid)
        snprintf(s->label, sizeof s->label, "%s statement %s", policy, sid);
    else
        snprintf(s->label, sizeof s->label, "%s statement %zu", policy,
                 index + 1);
    const char *effect = json_get_string(st, "Effect");
    s->is_allow = effect && strcmp(effect, "Allow") == 0;
    const cJSON *act = json_get(st, "Action");
    if (act == NULL) {
        act = json_get(st, "NotAction");
        s->is_not_action = act != NULL;
    }
    const cJSON *res = json_get(st, "Resource");
    if (res == NULL) {
        res = json_get(st, "NotResource");
        s->is_not_resource = res != NULL;
    }
    s->actions = strings_of(act, &s->n_actions);
    s->resources = strings_of(res, &s->n_resources);
    s->has_prefix_condition = mentions_prefix(json_get(st, "Condition"));
}

static void read_policies(struct analysis *a)
{
    const struct leastpriv_principal *p = a->p;
    a->docs = xcalloc(p->n_policies + 1, sizeof *a->docs);
    size_t total = 0;
    for (size_t i = 0; i < p->n_policies; i++) {
        a->docs[i] = json_parse(p->policies[i].text,
                                strlen(p->policies[i].text));
        const cJSON *st = json_get(a->docs[i], "Statement");
        total += cJSON_IsObject(st) ? 1 : (size_t)cJSON_GetArraySize(st);
    }
    a->stmts = xcalloc(total + 1, sizeof *a->stmts);
    for (size_t i = 0; i < p->n_policies; i++) {
        const cJSON *st = json_get(a->docs[i], "Statement");
        if (cJSON_IsObject(st)) {
            read_statement(a, p->policies[i].name, st, 0);
            continue;
        }
        size_t index = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, st)
            read_statement(a, p->policies[i].name, e, index++);
    }
}

static bool is_mine(const struct leastpriv_principal *p, const char *arn)
{
    if (arn == NULL)
        return false;
    if (strcmp(arn, p->arn) == 0)
        return true;
    const char *role = strstr(p->arn, ":role/");
    if (!p->is_role || role == NULL)
        return false;
    char prefix[512];
    snprintf(prefix, sizeof prefix, "arn:aws:sts::%.*s:assumed-role/%s/",
             (int)strcspn(p->arn + strlen("arn:aws:iam::"), ":"),
             p->arn + strlen("arn:aws:iam::"), role + 6);
    return strncmp(arn, prefix, strlen(prefix)) == 0;
}

static void read_records(struct analysis *a)
{
    a->recs = xcalloc((size_t)cJSON_GetArraySize(a->in->records) + 1,
                      sizeof *a->recs);
    const cJSON *r;
    cJSON_ArrayForEach(r, a->in->records) {
        if (!is_mine(a->p, json_get_string(r, "principal")))
            continue;
        struct rec *x = &a->recs[a->n_recs];
        x->action = json_get_string(r, "action");
        x->resource = json_get_string(r, "resource");
        x->decision = json_get_string(r, "decision");
        const cJSON *prefix = json_get(json_get(r, "context"), "s3:prefix");
        if (cJSON_IsArray(prefix)) /* the audit lists multi-valued keys */
            prefix = cJSON_GetArrayItem(prefix, 0);
        x->prefix = cJSON_GetStringValue(prefix);
        if (x->action && x->resource && x->decision)
            a->n_recs++;
    }
}

static void analysis_init(struct analysis *a, const struct leastpriv_input *in,
                          const struct leastpriv_principal *p,
                          struct findings *out)
{
    memset(a, 0, sizeof *a);
    a->in = in;
    a->p = p;
    a->out = out;
    read_policies(a);
    read_records(a);
}

static void analysis_clear(struct analysis *a)
{
    for (size_t i = 0; i < a->n_stmts; i++) {
        free(a->stmts[i].actions);
        free(a->stmts[i].resources);
    }
    for (size_t i = 0; i < a->p->n_policies; i++)
        cJSON_Delete(a->docs[i]);
    free(a->docs);
    free(a->stmts);
    free(a->recs);
}

static bool is_allowed(const struct rec *r)
{
    return strcmp(r->decision, "allow") == 0;
}

/* ---- findings ----------------------------------------------------------- */

static void check_denials(struct analysis *a)
{
    for (size_t i = 0; i < a->n_recs; i++) {
        const struct rec *r = &a->recs[i];
        if (is_allowed(r))
            continue;
        bool is_explicit = strcmp(r->decision, "explicit_deny") == 0;
        findings_add(a->out, FINDING_CHECK_ACCESS, "denied", a->p->name,
                     "%s was denied %s on %s (%s)", a->p->name, r->action,
                     r->resource, is_explicit
                         ? "an explicit Deny"
                         : "implicit deny: no statement allows it");
    }
}

/* Does statement s allow record r (its action and one of its resources)? */
static bool stmt_covers(const struct stmt *s, const struct rec *r,
                        const char *only_action, const char *only_resource)
{
    if (!s->is_allow || s->is_not_action || s->is_not_resource ||
        !is_allowed(r))
        return false;
    bool is_action = false;
    for (size_t i = 0; i < s->n_actions && !is_action; i++)
        if (only_action == NULL || s->actions[i] == only_action)
            is_action = action_match(s->actions[i], r->action);
    if (!is_action)
        return false;
    for (size_t i = 0; i < s->n_resources; i++)
        if ((only_resource == NULL || s->resources[i] == only_resource) &&
            resource_match(s->resources[i], r->resource))
            return true;
    return false;
}

static bool action_dead(const struct analysis *a, const struct stmt *s,
                        const char *action)
{
    int k = kind_of(action);
    for (size_t i = 0; i < s->n_resources; i++)
        if (can_match(a, k, s->resources[i]))
            return false;
    return true;
}

static const char *kind_words(int k)
{
    if (k & KIND_ANY)
        return "it takes no resource, so only \"Resource\": \"*\" grants it";
    if (k & KIND_STREAM)
        return "it acts on streams (arn:aws:dynamodb:REGION:ACCOUNT:table/"
               "T/stream/LABEL)";
    if (k & KIND_OBJECT)
        return "it acts on objects (arn:aws:s3:::BUCKET/KEY)";
    if (k & KIND_BUCKET)
        return "it acts on buckets (arn:aws:s3:::BUCKET)";
    if (k & KIND_ROLE)
        return "it acts on roles (arn:aws:iam::ACCOUNT:role/NAME)";
    return "it acts on tables (arn:aws:dynamodb:REGION:ACCOUNT:table/T)";
}

static void resources_text(const struct stmt *s, char *out, size_t len)
{
    out[0] = '\0';
    for (size_t i = 0; i < s->n_resources; i++)
        snprintf(out + strlen(out), len - strlen(out), "%s%s", i ? ", " : "",
                 s->resources[i]);
}

static bool action_used(const struct analysis *a, const struct stmt *s,
                        const char *action)
{
    for (size_t i = 0; i < a->n_recs; i++)
        if (stmt_covers(s, &a->recs[i], action, NULL))
            return true;
    return false;
}

static void check_action(struct analysis *a, const struct stmt *s,
                         const char *action)
{
    char svc[64], res[1024];
    service_of(action, svc, sizeof svc);
    resources_text(s, res, sizeof res);
    const char *who = a->p->name;
    if (!is_emulated(action)) {
        findings_add(a->out, FINDING_CHECK_LEASTPRIV, "unverified", who,
                     "%s: %s (%s) is for %s, a service the scenario cannot "
                     "exercise: unverified, and never used here", who,
                     action, s->label, svc);
        return;
    }
    if (has_wildcard(action)) {
        findings_add(a->out, FINDING_CHECK_LEASTPRIV, "wildcard_action", who,
                     "%s: %s grants %s, a wildcard; grant the actions the "
                     "workload uses instead", who, s->label, action);
        return;
    }
    int k = kind_of(action);
    if (action_dead(a, s, action)) {
        findings_add(a->out, FINDING_CHECK_LEASTPRIV, "dead_grant", who,
                     "%s: %s (%s) can never be allowed: %s, and the "
                     "statement's resources (%s) never match that in "
                     "account %s, region %s", who, action, s->label,
                     kind_words(k), res, a->in->account, a->in->region);
        return;
    }
    if (!action_used(a, s, action))
        findings_add(a->out, FINDING_CHECK_LEASTPRIV, "unused_action", who,
                     "%s was granted %s (%s) and never used it", who, action,
                     s->label);
}

/* The minimal patterns of the non-"*" records s allows through resource
 * g; true when a probe of g falls outside all of them. */
static bool is_broader(const struct analysis *a, const struct stmt *s,
                       const char *g, char *used, size_t usedlen)
{
    char probe[1024];
    size_t o = 0;
    for (const char *p = g; *p && o + 4 < sizeof probe; p++) {
        if (*p == '*') {
            memcpy(probe + o, "zz9", 3);
            o += 3;
        } else {
            probe[o++] = *p == '?' ? 'z' : *p;
        }
    }
    probe[o] = '\0';
    bool is_covered = false, has_any = false;
    used[0] = '\0';
    for (size_t i = 0; i < a->n_recs; i++) {
        const struct rec *r = &a->recs[i];
        if (kind_of(r->action) & KIND_ANY || !stmt_covers(s, r, NULL, g))
            continue;
        char m[1024];
        minimal_resource(r->action, r->resource, m, sizeof m);
        has_any = true;
        is_covered |= resource_match(m, probe);
        size_t at = strlen(used);
        if (!strstr(used, m) && at + strlen(m) + 3 < usedlen) {
            if (at > 0) {
                memcpy(used + at, ", ", 2);
                at += 2;
            }
            memcpy(used + at, m, strlen(m) + 1);
        }
    }
    return has_any && !is_covered;
}

static void check_resource(struct analysis *a, const struct stmt *s,
                           const char *g, bool is_any_used)
{
    const char *who = a->p->name;
    bool is_used = false;
    for (size_t i = 0; i < a->n_recs && !is_used; i++)
        is_used = stmt_covers(s, &a->recs[i], NULL, g);
    if (!is_used) {
        bool is_live = false;
        for (size_t i = 0; i < s->n_actions && !is_live; i++)
            is_live = can_match(a, kind_of(s->actions[i]), g);
        if (is_any_used && is_live)
            findings_add(a->out, FINDING_CHECK_LEASTPRIV, "unused_resource",
                         who, "%s: %s grants on %s, which the workload never "
                         "touched", who, s->label, g);
        return;
    }
    char used[1024];
    if (has_wildcard(g) && is_broader(a, s, g, used, sizeof used)) {
        findings_add(a->out, FINDING_CHECK_LEASTPRIV, "broad_resource", who,
                     "%s: %s grants on %s, broader than what was used (%s)",
                     who, s->label, g, used);
        return;
    }
    if (s->has_prefix_condition)
        return;
    for (size_t i = 0; i < a->n_recs; i++) {
        const struct rec *r = &a->recs[i];
        if (r->prefix && r->prefix[0] && action_match("s3:ListBucket",
                                                      r->action) &&
            stmt_covers(s, r, NULL, g)) {
            findings_add(a->out, FINDING_CHECK_LEASTPRIV, "broad_resource",
                         who, "%s: %s lets it list all of %s, but it only "
                         "listed under prefix %s (add a Condition on "
                         "s3:prefix)", who, s->label, g, r->prefix);
            return;
        }
    }
}

static void check_statement(struct analysis *a, const struct stmt *s)
{
    const char *who = a->p->name;
    if (!s->is_allow)
        return;
    if (s->is_not_action || s->is_not_resource) {
        findings_add(a->out, FINDING_CHECK_LEASTPRIV, "broad_statement", who,
                     "%s: %s uses %s, which grants everything not listed",
                     who, s->label, s->is_not_action ? "NotAction"
                                                     : "NotResource");
        return;
    }
    bool is_any_used = false;
    for (size_t i = 0; i < s->n_actions; i++) {
        check_action(a, s, s->actions[i]);
        is_any_used |= action_used(a, s, s->actions[i]);
    }
    for (size_t i = 0; i < s->n_resources; i++)
        check_resource(a, s, s->resources[i], is_any_used);
}

/* ---- trust -------------------------------------------------------------- */

static bool service_listed(const struct leastpriv_principal *p,
                           const char *service)
{
    for (size_t i = 0; i < p->n_services; i++)
        if (strcmp(p->services[i], service) == 0)
            return true;
    return false;
}

/* Adds the principals one trust statement allows to assume the role. */
static void trusted_by(const cJSON *st, struct buf *services, bool *is_any,
                       bool *has_any)
{
    const char *effect = json_get_string(st, "Effect");
    size_t n;
    const char **acts = strings_of(json_get(st, "Action"), &n);
    bool is_assume = false;
    for (size_t i = 0; i < n; i++)
        is_assume |= action_match(acts[i], "sts:AssumeRole");
    free(acts);
    if (!effect || strcmp(effect, "Allow") != 0 || !is_assume)
        return;
    const cJSON *pr = json_get(st, "Principal");
    if (cJSON_IsString(pr) && strcmp(pr->valuestring, "*") == 0)
        *is_any = true;
    const char **svcs = strings_of(json_get(pr, "Service"), &n);
    for (size_t i = 0; i < n; i++) {
        buf_printf(services, "%s%s", services->len ? ", " : "", svcs[i]);
        *has_any = true;
    }
    free(svcs);
    const char **aws = strings_of(json_get(pr, "AWS"), &n);
    for (size_t i = 0; i < n; i++) {
        *is_any |= strcmp(aws[i], "*") == 0;
        *has_any = true;
    }
    free(aws);
}

/* Collects the principals the trust policy allows to assume the role. */
static void trusted(const cJSON *doc, struct buf *services, bool *is_any,
                    bool *has_any)
{
    const cJSON *st, *list = json_get(doc, "Statement");
    if (cJSON_IsObject(list)) {
        trusted_by(list, services, is_any, has_any);
        return;
    }
    cJSON_ArrayForEach(st, list)
        trusted_by(st, services, is_any, has_any);
}

static void check_trust(struct analysis *a)
{
    const struct leastpriv_principal *p = a->p;
    if (!p->is_role || p->trust == NULL)
        return;
    cJSON *doc = json_parse(p->trust, strlen(p->trust));
    struct buf services;
    buf_init(&services, 0);
    bool is_any = false, has_any = false;
    trusted(doc, &services, &is_any, &has_any);
    const char *listed = buf_cstr(&services);
    if (is_any)
        findings_add(a->out, FINDING_CHECK_TRUST, "any_principal", p->name,
                     "%s: its trust policy (%s) lets any principal assume "
                     "it", p->name, p->trust_name);
    else if (!has_any)
        findings_add(a->out, FINDING_CHECK_TRUST, "no_principal", p->name,
                     "%s: its trust policy (%s) lets no one assume it",
                     p->name, p->trust_name);
    for (size_t i = 0; i < p->n_services; i++) {
        char quoted[256];
        snprintf(quoted, sizeof quoted, "%s", p->services[i]);
        bool is_trusted = is_any;
        const char *s = listed;
        while (!is_trusted && (s = strstr(s, quoted)) != NULL) {
            size_t len = strlen(quoted);
            is_trusted = (s == listed || s[-1] == ' ') &&
                         (s[len] == '\0' || s[len] == ',');
            s += len;
        }
        if (!is_trusted)
            findings_add(a->out, FINDING_CHECK_TRUST, "wrong_principal",
                         p->name, "%s: its trust policy (%s) trusts %s, but "
                         "the scenario runs it as %s", p->name, p->trust_name,
                         listed[0] ? listed : "no service", p->services[i]);
    }
    /* Services trusted that nothing in the scenario is (once every service
     * it needs is trusted: otherwise they are the wrong ones, said above). */
    for (size_t i = 0; i < p->n_services && !is_any; i++)
        if (!strstr(listed, p->services[i])) {
            buf_clear(&services);
            cJSON_Delete(doc);
            return;
        }
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", listed);
    for (char *save = NULL, *t = strtok_r(copy, ", ", &save); t;
         t = strtok_r(NULL, ", ", &save))
        if (p->n_services > 0 && !service_listed(p, t))
            findings_add(a->out, FINDING_CHECK_TRUST, "extra_principal",
                         p->name, "%s: its trust policy (%s) also lets %s "
                         "assume it, which the scenario never does", p->name,
                         p->trust_name, t);
    buf_clear(&services);
    cJSON_Delete(doc);
}

void leastpriv_analyze(const struct leastpriv_input *in, struct findings *out)
{
    for (size_t i = 0; i < in->n; i++) {
        const struct leastpriv_principal *p = &in->principals[i];
        struct analysis a;
        analysis_init(&a, in, p, out);
        check_denials(&a);
        if (!p->is_used && a.n_recs == 0) {
            findings_add(out, FINDING_CHECK_LEASTPRIV, "unused_identity",
                         p->name, "%s: nothing in the scenario runs as it, "
                         "so none of its grants is verified", p->name);
        } else {
            for (size_t j = 0; j < a.n_stmts; j++)
                check_statement(&a, &a.stmts[j]);
        }
        check_trust(&a);
        analysis_clear(&a);
    }
}

/* ---- the minimal policy ------------------------------------------------- */

/* One grant of the minimal policy: an action on a resource pattern, with
 * the s3:prefix it was limited to (ListBucket), if any. */
struct grant {
    char action[128];
    char resource[1024];
    char prefix[512];
};

static int grant_order(const void *x, const void *y)
{
    const struct grant *a = x, *b = y;
    int c = strcmp(a->resource, b->resource);
    if (c == 0)
        c = strcmp(a->prefix, b->prefix);
    return c ? c : strcmp(a->action, b->action);
}

/* The distinct grants the records call for, sorted by resource. */
static struct grant *grants_of(const struct analysis *a, size_t *n)
{
    struct grant *g = xcalloc(a->n_recs + 1, sizeof *g);
    *n = 0;
    for (size_t i = 0; i < a->n_recs; i++) {
        const struct rec *r = &a->recs[i];
        struct grant x = { 0 };
        snprintf(x.action, sizeof x.action, "%s", r->action);
        minimal_resource(r->action, r->resource, x.resource,
                         sizeof x.resource);
        if (r->prefix && r->prefix[0] &&
            action_match("s3:ListBucket", r->action))
            snprintf(x.prefix, sizeof x.prefix, "%s*", r->prefix);
        bool is_dup = false;
        for (size_t j = 0; j < *n && !is_dup; j++)
            is_dup = grant_order(&g[j], &x) == 0;
        if (!is_dup)
            g[(*n)++] = x;
    }
    qsort(g, *n, sizeof *g, grant_order);
    return g;
}

/* Statements group the actions that share one resource set; grants are
 * sorted by resource, so one pass builds an action -> resources map. */
cJSON *leastpriv_minimal(const struct leastpriv_input *in,
                         const struct leastpriv_principal *p)
{
    struct analysis a;
    analysis_init(&a, in, p, NULL);
    size_t n;
    struct grant *g = grants_of(&a, &n);
    cJSON *doc = NULL;
    if (n > 0) {
        doc = cJSON_CreateObject();
        cJSON_AddStringToObject(doc, "Version", "2012-10-17");
        cJSON *list = cJSON_AddArrayToObject(doc, "Statement");
        for (size_t i = 0; i < n;) {
            size_t j = i;
            cJSON *st = cJSON_CreateObject();
            char sid[32];
            snprintf(sid, sizeof sid, "Used%d", cJSON_GetArraySize(list) + 1);
            cJSON_AddStringToObject(st, "Sid", sid);
            cJSON_AddStringToObject(st, "Effect", "Allow");
            cJSON *acts = cJSON_AddArrayToObject(st, "Action");
            for (; j < n && strcmp(g[j].resource, g[i].resource) == 0 &&
                   strcmp(g[j].prefix, g[i].prefix) == 0; j++)
                cJSON_AddItemToArray(acts, cJSON_CreateString(g[j].action));
            cJSON_AddStringToObject(st, "Resource", g[i].resource);
            if (g[i].prefix[0]) {
                cJSON *cond = cJSON_AddObjectToObject(st, "Condition");
                cJSON *like = cJSON_AddObjectToObject(cond, "StringLike");
                cJSON_AddStringToObject(like, "s3:prefix", g[i].prefix);
            }
            cJSON_AddItemToArray(list, st);
            i = j;
        }
    }
    free(g);
    analysis_clear(&a);
    return doc;
}

void leastpriv_diff(const struct leastpriv_input *in,
                    const struct leastpriv_principal *p,
                    const cJSON *minimal, struct buf *out)
{
    (void)minimal;
    struct analysis a;
    analysis_init(&a, in, p, NULL);
    size_t n;
    struct grant *g = grants_of(&a, &n);
    /* What the minimal policy needs: kept, narrowed, or missing. */
    for (size_t i = 0; i < n; i++) {
        const char *given = NULL;
        for (size_t s = 0; s < a.n_stmts && !given; s++) {
            const struct stmt *st = &a.stmts[s];
            for (size_t k = 0; st->is_allow && !st->is_not_action &&
                               k < st->n_actions && !given; k++) {
                if (!action_match(st->actions[k], g[i].action))
                    continue;
                for (size_t r = 0; r < st->n_resources && !given; r++)
                    if (resource_match(st->resources[r], g[i].resource))
                        given = st->resources[r];
            }
        }
        if (given == NULL)
            buf_printf(out, "+ %s on %s\n", g[i].action, g[i].resource);
        else if (strcmp(given, g[i].resource) != 0)
            buf_printf(out, "~ %s: %s -> %s\n", g[i].action, given,
                       g[i].resource);
    }
    /* What the given policies grant that nothing used. */
    for (size_t s = 0; s < a.n_stmts; s++) {
        const struct stmt *st = &a.stmts[s];
        for (size_t k = 0; st->is_allow && k < st->n_actions; k++) {
            bool is_needed = false;
            for (size_t i = 0; i < n && !is_needed; i++)
                is_needed = action_match(st->actions[k], g[i].action);
            if (!is_needed)
                buf_printf(out, "- %s (%s)\n", st->actions[k], st->label);
        }
    }
    free(g);
    analysis_clear(&a);
}
