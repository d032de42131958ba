/* STS handlers; see sts.h. Responses follow the 2011-06-15 Query API. */
#include "sts/sts.h"

#include "auth/identity.h"
#include "auth/session.h"
#include "base/buf.h"
#include "base/xml.h"
#include "base/json.h"
#include "base/mem.h"
#include "dynamodb/ddb_input.h"
#include "http/authz.h"
#include "http/call.h"
#include "http/ops.h"
#include "iam/policy.h"
#include "state.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STS_NAMESPACE "https://sts.amazonaws.com/doc/2011-06-15/"

static void open_response(struct call *c, const char *action)
{
    buf_reset(&c->out);
    buf_printf(&c->out, "<%sResponse xmlns=\"" STS_NAMESPACE "\">"
               "<%sResult>", action, action);
    c->content_type = "text/xml";
}

static void close_response(struct call *c, const char *action)
{
    buf_printf(&c->out, "</%sResult><ResponseMetadata>", action);
    xml_write_element(&c->out, "RequestId", c->request_id);
    buf_printf(&c->out, "</ResponseMetadata></%sResponse>", action);
}

/* aws:userid as GetCallerIdentity reports it: the user's unique id, the
 * role's unique id and session name, or the account id for root. */
static const char *user_id(const struct call *c)
{
    if (c->session)
        return c->session->user_id;
    if (c->identity)
        return c->identity->unique_id;
    return c->emu->account;
}

int sts_get_caller_identity(struct call *c)
{
    open_response(c, "GetCallerIdentity");
    xml_write_element(&c->out, "Arn", c->principal_arn);
    xml_write_element(&c->out, "UserId", user_id(c));
    xml_write_element(&c->out, "Account", c->emu->account);
    close_response(c, "GetCallerIdentity");
    return 0;
}

/* Session lifetimes, from the AssumeRole API reference: 15 minutes to the
 * role's maximum session duration, which defaults to one hour. */
#define STS_MIN_DURATION_S 900
#define STS_DEFAULT_DURATION_S 3600
#define STS_MAX_DURATION_S 43200

int sts_role_resource(struct call *c, struct op_resources *out)
{
    const char *arn = json_get_string(c->input, "RoleArn");
    op_resources_add(out, NULL, xstrdup(arn ? arn : ""));
    return 0;
}

const struct policy *sts_trust_policy(struct call *c, const char *arn,
                                      struct policy **to_free)
{
    (void)to_free; /* trust policies are compiled once, at start */
    const struct identity *role = authz_role_by_arn(c->emu->authz, arn);
    return role ? authz_trust_policy(c->emu->authz, role) : NULL;
}

/* An identifier AssumeRole takes: its length and its characters, letters,
 * digits and extra (the API reference's [\w...]* patterns). NULL passes:
 * whether it is required is the caller's check. */
struct sts_id_rule {
    const char *field;   /* as the error names it */
    size_t min, max;
    const char *extra;
    const char *pattern; /* as the error quotes it */
};

static const struct sts_id_rule session_name_rule = {
    "roleSessionName", 2, 64, "_+=,.@-", "[\\w+=,.@-]*"
};
static const struct sts_id_rule external_id_rule = {
    "externalId", 2, 1224, "_+=,.@:/-", "[\\w+=,.@:\\/-]*"
};

static void check_id(struct ddb_errors *e, const struct sts_id_rule *rule,
                     const char *value)
{
    if (value == NULL)
        return;
    ddb_input_check_length(e, value, rule->field, rule->min, rule->max);
    for (size_t i = 0; value[i]; i++) {
        if (!isalnum((unsigned char)value[i]) &&
            strchr(rule->extra, value[i]) == NULL) {
            char why[96];
            snprintf(why, sizeof why, "Member must satisfy regular "
                     "expression pattern: %s", rule->pattern);
            ddb_errors_add(e, value, rule->field, why);
            break;
        }
    }
}

/* Constraint checks of AssumeRole, reported together as STS does. */
static int check_assume_input(struct call *c, const char *arn,
                              const char *name, long *duration)
{
    struct ddb_errors e;
    ddb_errors_init(&e);
    if (arn == NULL)
        ddb_errors_add(&e, NULL, "roleArn", "Member must not be null");
    if (name == NULL)
        ddb_errors_add(&e, NULL, "roleSessionName", "Member must not be "
                       "null");
    check_id(&e, &session_name_rule, name);
    check_id(&e, &external_id_rule, json_get_string(c->input, "ExternalId"));
    const char *d = json_get_string(c->input, "DurationSeconds");
    char *end = NULL;
    *duration = d ? strtol(d, &end, 10) : STS_DEFAULT_DURATION_S;
    if (d && (*end != '\0' || *duration < STS_MIN_DURATION_S))
        ddb_errors_add(&e, d, "durationSeconds", "Member must have value "
                       "greater than or equal to 900");
    else if (*duration > STS_MAX_DURATION_S)
        ddb_errors_add(&e, d, "durationSeconds", "Member must have value "
                       "less than or equal to 43200");
    return ddb_errors_report(c, &e);
}

static void format_time(int64_t ms, char *out, size_t len)
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void write_credentials(struct call *c, const struct session *s)
{
    char expires[32];
    format_time(s->expires_ms, expires, sizeof expires);
    buf_puts(&c->out, "<Credentials>");
    xml_write_element(&c->out, "AccessKeyId", s->access_key_id);
    xml_write_element(&c->out, "SecretAccessKey", s->secret);
    xml_write_element(&c->out, "SessionToken", s->token);
    xml_write_element(&c->out, "Expiration", expires);
    buf_puts(&c->out, "</Credentials><AssumedRoleUser>");
    xml_write_element(&c->out, "AssumedRoleId", s->user_id);
    xml_write_element(&c->out, "Arn", s->arn);
    buf_puts(&c->out, "</AssumedRoleUser>");
}

/* AssumeRole's Policy must be a valid identity policy; it narrows the
 * session's permissions (authz intersects it with the role's). */
static int check_session_policy(struct call *c)
{
    const char *text = json_get_string(c->input, "Policy");
    if (text == NULL)
        return 0;
    struct buf err;
    buf_init(&err, 0);
    struct policy *p = policy_parse(text, strlen(text), POLICY_IDENTITY,
                                    &err);
    int rc = 0;
    if (p == NULL)
        rc = call_fail(c, AWS_ERR_MALFORMED_POLICY, "%s", buf_cstr(&err));
    policy_free(p);
    buf_clear(&err);
    return rc;
}

int sts_assume_role(struct call *c)
{
    const char *arn = json_get_string(c->input, "RoleArn");
    const char *name = json_get_string(c->input, "RoleSessionName");
    long duration;
    if (check_assume_input(c, arn, name, &duration) < 0)
        return -1;
    const struct identity *role = authz_role_by_arn(c->emu->authz, arn);
    /* AWS does not reveal whether a role exists to those who may not
     * assume it: a missing role is refused like any other. */
    if (role == NULL)
        return call_fail(c, AWS_ERR_ACCESS_DENIED, "User: %s is not "
                         "authorized to perform: sts:AssumeRole on "
                         "resource: %s", c->principal_arn, arn);
    if (check_session_policy(c) < 0)
        return -1;
    int64_t expires = clock_now_ms(&c->emu->clock) + duration * 1000;
    const struct session *s = sessions_issue(
        c->emu->sessions, role, c->emu->account, name,
        json_get_string(c->input, "Policy"), expires);
    open_response(c, "AssumeRole");
    write_credentials(c, s);
    close_response(c, "AssumeRole");
    return 0;
}

void sts_write_error(struct call *c)
{
    buf_reset(&c->out);
    buf_puts(&c->out, "<ErrorResponse xmlns=\"" STS_NAMESPACE "\"><Error>");
    xml_write_element(&c->out, "Type", aws_error_sts_status(c->err) >= 500
                                           ? "Receiver" : "Sender");
    xml_write_element(&c->out, "Code", aws_error_sts_code(c->err));
    xml_write_element(&c->out, "Message", c->err_message ? c->err_message
                                                         : "");
    buf_puts(&c->out, "</Error>");
    xml_write_element(&c->out, "RequestId", c->request_id);
    buf_puts(&c->out, "</ErrorResponse>");
    c->status = aws_error_sts_status(c->err);
    c->content_type = "text/xml";
}
