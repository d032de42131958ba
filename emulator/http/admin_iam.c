/* The admin API's IAM endpoints (audit records, assuming a role as a
 * service principal); see admin.h. */
#include "http/admin.h"

#include "auth/identity.h"
#include "auth/session.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/json.h"
#include "http/audit.h"
#include "http/authz.h"
#include "http/call.h"
#include "state.h"

#include <stdlib.h>
#include <string.h>

/* The value of a query parameter, copied into out ("" when absent). Admin
 * parameters are plain ARNs and numbers; %3A and %2F are decoded. */
static void query_param(const char *query, const char *name, char *out,
                        size_t len)
{
    size_t n = strlen(name);
    out[0] = '\0';
    for (const char *p = query; p && *p; p = strchr(p, '&') ? strchr(p, '&') + 1
                                                          : NULL) {
        if (strncmp(p, name, n) != 0 || p[n] != '=')
            continue;
        size_t o = 0;
        for (const char *v = p + n + 1; *v && *v != '&' && o + 1 < len; v++) {
            if (v[0] == '%' && v[1] && v[2]) {
                char hex[3] = { v[1], v[2], 0 };
                out[o++] = (char)strtol(hex, NULL, 16);
                v += 2;
            } else {
                out[o++] = *v;
            }
        }
        out[o] = '\0';
        return;
    }
}

int admin_audit(struct call *c)
{
    if (strcmp(c->method, "GET") != 0)
        return call_fail(c, AWS_ERR_VALIDATION, "use GET %s", c->path);
    char principal[512], since[32];
    query_param(c->query, "principal", principal, sizeof principal);
    query_param(c->query, "since_ms", since, sizeof since);
    buf_reset(&c->out);
    audit_write(c->emu->audit, principal[0] ? principal : NULL,
                since[0] ? strtoll(since, NULL, 10) : 0, &c->out);
    c->content_type = "application/json";
    return 0;
}

static cJSON *credentials_json(const struct session *s)
{
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "AccessKeyId", s->access_key_id);
    cJSON_AddStringToObject(out, "SecretAccessKey", s->secret);
    cJSON_AddStringToObject(out, "SessionToken", s->token);
    cJSON_AddNumberToObject(out, "ExpirationMs", (double)s->expires_ms);
    cJSON_AddStringToObject(out, "AssumedRoleArn", s->arn);
    return out;
}

int admin_assume_role(struct call *c)
{
    if (strcmp(c->method, "POST") != 0)
        return call_fail(c, AWS_ERR_VALIDATION, "use POST %s", c->path);
    cJSON *in = json_parse(c->body, c->body_len);
    const char *role_name = json_get_string(in, "role");
    const char *service = json_get_string(in, "service");
    const char *session = json_get_string(in, "session_name");
    double seconds = cJSON_GetNumberValue(json_get(in, "duration_seconds"));
    const struct identity *role = role_name && c->emu->identities
        ? identities_find(c->emu->identities, IDENTITY_ROLE, role_name)
        : NULL;
    int rc = 0;
    if (role_name == NULL || service == NULL)
        rc = call_fail(c, AWS_ERR_VALIDATION, "Expected {\"role\": NAME, "
                       "\"service\": PRINCIPAL}");
    else if (role == NULL)
        rc = call_fail(c, AWS_ERR_RESOURCE_NOT_FOUND, "No role %s in the "
                       "identities file", role_name);
    else if (!authz_service_may_assume(c->emu->authz, role, service))
        rc = call_fail(c, AWS_ERR_ACCESS_DENIED, "The trust policy of role "
                       "%s does not allow %s to assume it", role_name,
                       service);
    if (rc == 0) {
        int64_t ttl = seconds >= 900 && seconds <= 43200
            ? (int64_t)seconds * 1000 : 3600 * 1000;
        const struct session *s = sessions_issue(
            c->emu->sessions, role, c->emu->account,
            session ? session : service, NULL,
            clock_now_ms(&c->emu->clock) + ttl);
        c->content_type = "application/json";
        rc = call_reply_json(c, credentials_json(s));
    }
    cJSON_Delete(in);
    return rc;
}
