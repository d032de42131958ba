/* The policy simulator; see iam_simulate.h. A case:
 *   {"principal": "arn:aws:iam::1:user/a",  (or {"service": "lambda..."})
 *    "action": "dynamodb:GetItem", "resource": "arn:...",
 *    "context": {"aws:SourceIp": "10.0.0.1", "aws:TagKeys": ["a", "b"]},
 *    "policies": [{"Version": ...} | {"name": "n", "document": {...}}],
 *    "resource_policy": {...}, "resource_policy_kind": "resource"|"trust",
 *    "permissions_boundary": {...}, "same_account": true}
 * The answer: {"decision": "allow"|"explicit_deny"|"implicit_deny",
 *   "policy": name|null, "statement": index|null, "sid": sid|null,
 *   "reason": "..."} */
#include "iam/iam_simulate.h"

#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"
#include "iam/iam.h"
#include "iam/policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Policies and context keys one case may carry. */
#define SIM_MAX_POLICIES 64
#define SIM_MAX_KEYS 64
#define SIM_MAX_VALUES 256

struct sim {
    struct iam_policy_ref refs[SIM_MAX_POLICIES];
    /* The identity policies, the resource policy and the boundary. */
    struct policy *owned[SIM_MAX_POLICIES + 2];
    char *names[SIM_MAX_POLICIES + 2];
    size_t n_refs;
    size_t n_owned;
    struct iam_policy_ref resource;
    struct iam_policy_ref boundary;
    struct iam_context_entry entries[SIM_MAX_KEYS];
    const char *values[SIM_MAX_VALUES];
    size_t n_entries;
    size_t n_values;
    struct buf err;
};

static void sim_clear(struct sim *s)
{
    for (size_t i = 0; i < s->n_owned; i++) {
        policy_free(s->owned[i]);
        free(s->names[i]);
    }
    buf_clear(&s->err);
}

/* Compiles one policy entry: a document, or {"name", "document"}. */
static struct policy *compile(struct sim *s, const cJSON *entry,
                              enum policy_kind kind, const char *fallback)
{
    const cJSON *doc = json_get(entry, "document");
    const char *name = json_get_string(entry, "name");
    if (doc == NULL)
        doc = entry;
    char *text = cJSON_PrintUnformatted(doc);
    struct buf why;
    buf_init(&why, 0);
    struct policy *p = cJSON_IsObject(doc)
        ? policy_parse(text, strlen(text), kind, &why) : NULL;
    if (p == NULL)
        buf_printf(&s->err, "policy %s: %s", name ? name : fallback,
                   why.len ? buf_cstr(&why) : "not a JSON object");
    else {
        s->owned[s->n_owned] = p;
        s->names[s->n_owned++] = xstrdup(name ? name : fallback);
    }
    buf_clear(&why);
    free(text);
    return p;
}

static int read_policies(struct sim *s, const cJSON *in)
{
    const cJSON *list = json_get(in, "policies");
    const cJSON *entry;
    if (list && !cJSON_IsArray(list)) {
        buf_puts(&s->err, "policies: expected a list");
        return -1;
    }
    cJSON_ArrayForEach(entry, list) {
        if (s->n_refs == SIM_MAX_POLICIES) {
            buf_puts(&s->err, "policies: too many");
            return -1;
        }
        char fallback[32];
        snprintf(fallback, sizeof fallback, "policies[%zu]", s->n_refs);
        struct policy *p = compile(s, entry, POLICY_IDENTITY, fallback);
        if (p == NULL)
            return -1;
        s->refs[s->n_refs++] = (struct iam_policy_ref){
            .name = s->names[s->n_owned - 1], .policy = p };
    }
    return 0;
}

/* An optional single policy under name, compiled into *ref. */
static int read_optional(struct sim *s, const cJSON *in, const char *name,
                         enum policy_kind kind, struct iam_policy_ref *ref)
{
    const cJSON *entry = json_get(in, name);
    if (entry == NULL)
        return 0;
    struct policy *p = compile(s, entry, kind, name);
    if (p == NULL)
        return -1;
    *ref = (struct iam_policy_ref){ .name = s->names[s->n_owned - 1],
                                    .policy = p };
    return 0;
}

static int read_other_policies(struct sim *s, const cJSON *in)
{
    const char *kind = json_get_string(in, "resource_policy_kind");
    enum policy_kind rk = kind && strcmp(kind, "trust") == 0 ? POLICY_TRUST
                                                             : POLICY_RESOURCE;
    if (read_optional(s, in, "resource_policy", rk, &s->resource) < 0)
        return -1;
    return read_optional(s, in, "permissions_boundary", POLICY_IDENTITY,
                         &s->boundary);
}

static int add_values(struct sim *s, const cJSON *v)
{
    const cJSON *item;
    if (cJSON_IsString(v)) {
        s->values[s->n_values++] = v->valuestring;
        return 0;
    }
    cJSON_ArrayForEach(item, v) {
        if (!cJSON_IsString(item) || s->n_values == SIM_MAX_VALUES)
            return -1;
        s->values[s->n_values++] = item->valuestring;
    }
    return cJSON_IsArray(v) ? 0 : -1;
}

static int read_context(struct sim *s, const cJSON *in)
{
    const cJSON *ctx = json_get(in, "context");
    const cJSON *key;
    cJSON_ArrayForEach(key, ctx) {
        size_t first = s->n_values;
        if (s->n_entries == SIM_MAX_KEYS || s->n_values == SIM_MAX_VALUES ||
            add_values(s, key) < 0) {
            buf_printf(&s->err, "context.%s: expected a string or a list of "
                       "strings", key->string);
            return -1;
        }
        s->entries[s->n_entries++] = (struct iam_context_entry){
            .key = key->string, .values = &s->values[first],
            .n_values = s->n_values - first };
    }
    return 0;
}

static void write_answer(const struct iam_result *r, struct buf *out)
{
    static const char *const names[] = { "implicit_deny", "allow",
                                          "explicit_deny" };
    buf_printf(out, "{\"decision\":\"%s\",\"policy\":", names[r->decision]);
    if (r->cause.policy)
        json_write_string(out, r->cause.policy, strlen(r->cause.policy));
    else
        buf_puts(out, "null");
    if (r->cause.statement >= 0)
        buf_printf(out, ",\"statement\":%d", r->cause.statement);
    else
        buf_puts(out, ",\"statement\":null");
    buf_puts(out, ",\"sid\":");
    if (r->cause.sid)
        json_write_string(out, r->cause.sid, strlen(r->cause.sid));
    else
        buf_puts(out, "null");
    buf_puts(out, ",\"reason\":");
    json_write_string(out, r->reason ? r->reason : "",
                      r->reason ? strlen(r->reason) : 0);
    buf_putc(out, '}');
}

static int decide(struct sim *s, const cJSON *in, struct buf *out)
{
    const char *service = json_get_string(in, "service");
    const char *principal = service ? service
                                    : json_get_string(in, "principal");
    const char *action = json_get_string(in, "action");
    const char *resource = json_get_string(in, "resource");
    if (principal == NULL || action == NULL || resource == NULL) {
        buf_puts(&s->err, "a case needs \"principal\" (or \"service\"), "
                 "\"action\" and \"resource\" strings");
        return -1;
    }
    if (read_policies(s, in) < 0 || read_other_policies(s, in) < 0 ||
        read_context(s, in) < 0)
        return -1;
    const cJSON *same = json_get(in, "same_account");
    struct iam_context ctx = { .entries = s->entries, .n = s->n_entries };
    struct iam_request req = {
        .principal_type = service ? IAM_PRINCIPAL_SERVICE : IAM_PRINCIPAL_AWS,
        .principal = principal,
        .action = action,
        .resource = resource,
        .context = &ctx,
        .is_same_account = same == NULL || cJSON_IsTrue(same),
    };
    struct iam_result r;
    iam_evaluate(&req, s->refs, s->n_refs,
                 s->resource.policy ? &s->resource : NULL, &r);
    if (s->boundary.policy)
        iam_narrow_by_boundary(&req, &s->boundary, &r);
    write_answer(&r, out);
    return 0;
}

int iam_simulate(const char *text, size_t len, struct buf *out)
{
    struct sim s;
    memset(&s, 0, sizeof s);
    buf_init(&s.err, 0);
    cJSON *in = json_parse(text, len);
    int rc = -1;
    if (!cJSON_IsObject(in))
        buf_puts(&s.err, "a case must be one JSON object");
    else
        rc = decide(&s, in, out);
    if (rc < 0) {
        buf_puts(out, "{\"error\":");
        json_write_string(out, buf_cstr(&s.err), s.err.len);
        buf_putc(out, '}');
    }
    cJSON_Delete(in);
    sim_clear(&s);
    return rc;
}
