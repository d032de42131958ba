/* leastpriv: granted vs used vs denied from audit records, table-driven;
 * the minimal policy and its diff. */
#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"
#include "verify/leastpriv.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARN "arn:aws:iam::123456789012:role/shipper"
#define SESSION "arn:aws:sts::123456789012:assumed-role/shipper/s"
#define STREAM "arn:aws:dynamodb:us-east-1:123456789012:table/users/stream/L1"
#define REC(action, resource, decision)                                    \
    "{\"principal\":\"" SESSION "\",\"action\":\"" action "\","            \
    "\"resource\":\"" resource "\",\"decision\":\"" decision "\"}"
#define POLICY(statements) "{\"Version\":\"2012-10-17\",\"Statement\":[" \
                           statements "]}"
#define ALLOW(actions, resources) "{\"Effect\":\"Allow\",\"Action\":"    \
                                  actions ",\"Resource\":" resources "}"
#define TRUST(service) POLICY("{\"Effect\":\"Allow\",\"Principal\":"      \
    "{\"Service\":\"" service "\"},\"Action\":\"sts:AssumeRole\"}")

struct lp_case {
    const char *name;
    const char *policy;
    const char *trust;
    const char *records;   /* a JSON array */
    const char *findings;  /* "check/kind;check/kind;…" in order, or "" */
    const char *message;   /* a substring of the first finding, or NULL */
};

static const struct lp_case cases[] = {
    { "exact grants, all used",
      POLICY(ALLOW("\"dynamodb:ListStreams\"", "\"*\"") ","
             ALLOW("\"dynamodb:GetRecords\"",
                   "\"arn:aws:dynamodb:us-east-1:123456789012:table/users/"
                   "stream/*\"")),
      TRUST("lambda.amazonaws.com"),
      "[" REC("dynamodb:ListStreams", "*", "allow") ","
          REC("dynamodb:GetRecords", STREAM, "allow") "]", "", NULL },
    { "ListStreams on a stream ARN can never match",
      POLICY(ALLOW("[\"dynamodb:ListStreams\",\"dynamodb:GetRecords\"]",
                   "\"arn:aws:dynamodb:us-east-1:123456789012:table/users/"
                   "stream/*\"")),
      TRUST("lambda.amazonaws.com"),
      "[" REC("dynamodb:ListStreams", "*", "implicit_deny") ","
          REC("dynamodb:GetRecords", STREAM, "allow") "]",
      "access/denied;least_privilege/dead_grant",
      "role/shipper was denied dynamodb:ListStreams on * (implicit deny" },
    { "an unused action",
      POLICY(ALLOW("[\"s3:PutObject\",\"s3:PutObjectAcl\"]",
                   "\"arn:aws:s3:::lake/in/*\"")),
      TRUST("lambda.amazonaws.com"),
      "[" REC("s3:PutObject", "arn:aws:s3:::lake/in/a.json", "allow") "]",
      "least_privilege/unused_action",
      "role/shipper was granted s3:PutObjectAcl (p.json statement 1) and "
      "never used it" },
    { "a service the scenario cannot exercise",
      POLICY(ALLOW("\"logs:PutLogEvents\"", "\"arn:aws:logs:*:*:*\"")),
      TRUST("lambda.amazonaws.com"), "[]", "least_privilege/unverified",
      "is for logs, a service the scenario cannot exercise" },
    { "a wildcard action",
      POLICY(ALLOW("\"s3:*\"", "\"arn:aws:s3:::lake/in/*\"")),
      TRUST("lambda.amazonaws.com"),
      "[" REC("s3:PutObject", "arn:aws:s3:::lake/in/a.json", "allow") "]",
      "least_privilege/wildcard_action", "grants s3:*, a wildcard" },
    { "a whole bucket where one prefix was used",
      POLICY(ALLOW("\"s3:PutObject\"", "\"arn:aws:s3:::lake/*\"")),
      TRUST("lambda.amazonaws.com"),
      "[" REC("s3:PutObject", "arn:aws:s3:::lake/in/a.json", "allow") "]",
      "least_privilege/broad_resource",
      "grants on arn:aws:s3:::lake/*, broader than what was used "
      "(arn:aws:s3:::lake/in/*)" },
    { "any table where one was used",
      POLICY(ALLOW("\"dynamodb:GetRecords\"",
                   "\"arn:aws:dynamodb:*:123456789012:table/*/stream/*\"")),
      TRUST("lambda.amazonaws.com"),
      "[" REC("dynamodb:GetRecords", STREAM, "allow") "]",
      "least_privilege/broad_resource", NULL },
    { "an object action on a bucket ARN is dead",
      POLICY(ALLOW("\"s3:GetObject\"", "\"arn:aws:s3:::lake\"")),
      TRUST("lambda.amazonaws.com"), "[]", "least_privilege/dead_grant",
      "it acts on objects" },
    { "a placeholder left in the account never matches",
      POLICY(ALLOW("\"dynamodb:GetRecords\"",
                   "\"arn:aws:dynamodb:us-east-1:ACCOUNT:table/users/"
                   "stream/*\"")),
      TRUST("lambda.amazonaws.com"), "[]", "least_privilege/dead_grant",
      "in account 123456789012" },
    { "an unused resource beside a used one",
      POLICY(ALLOW("\"s3:PutObject\"", "[\"arn:aws:s3:::lake/in/*\","
                   "\"arn:aws:s3:::lake/schema/*\"]")),
      TRUST("lambda.amazonaws.com"),
      "[" REC("s3:PutObject", "arn:aws:s3:::lake/in/a.json", "allow") "]",
      "least_privilege/unused_resource",
      "grants on arn:aws:s3:::lake/schema/*, which the workload never "
      "touched" },
    { "trust for the wrong service",
      POLICY(ALLOW("\"dynamodb:ListStreams\"", "\"*\"")),
      TRUST("ec2.amazonaws.com"),
      "[" REC("dynamodb:ListStreams", "*", "allow") "]",
      "trust/wrong_principal",
      "trusts ec2.amazonaws.com, but the scenario runs it as "
      "lambda.amazonaws.com" },
    { "trust for anyone",
      POLICY(ALLOW("\"dynamodb:ListStreams\"", "\"*\"")),
      POLICY("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":"
             "\"sts:AssumeRole\"}"),
      "[" REC("dynamodb:ListStreams", "*", "allow") "]",
      "trust/any_principal", "lets any principal assume it" },
    { "an explicit deny",
      POLICY(ALLOW("\"dynamodb:ListStreams\"", "\"*\"")),
      TRUST("lambda.amazonaws.com"),
      "[" REC("dynamodb:ListStreams", "*", "explicit_deny") "]",
      "access/denied;least_privilege/unused_action", "(an explicit Deny)" },
};

static void run_case(const struct lp_case *tc, struct findings *f)
{
    static const char *const services[] = { "lambda.amazonaws.com" };
    struct leastpriv_policy policy = { "p.json", tc->policy };
    struct leastpriv_principal p = {
        .name = "role/shipper", .arn = ARN, .is_role = true,
        .policies = &policy, .n_policies = 1, .trust = tc->trust,
        .trust_name = "t.json", .services = services, .n_services = 1,
        .is_used = true };
    cJSON *records = json_parse(tc->records, strlen(tc->records));
    assert_non_null(records);
    struct leastpriv_input in = { "123456789012", "us-east-1", &p, 1,
                                  records };
    leastpriv_analyze(&in, f);
    cJSON_Delete(records);
}

static void findings_should_match_the_table(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        const struct lp_case *tc = &cases[c];
        struct findings f;
        findings_init(&f);
        run_case(tc, &f);
        struct buf got;
        buf_init(&got, 0);
        for (size_t i = 0; i < f.n; i++)
            buf_printf(&got, "%s%s/%s", i ? ";" : "", f.v[i].check,
                       f.v[i].kind);
        if (strcmp(buf_cstr(&got), tc->findings) != 0)
            fail_msg("%s: got \"%s\", want \"%s\"%s%s", tc->name,
                     buf_cstr(&got), tc->findings, f.n ? "; first: " : "",
                     f.n ? f.v[0].message : "");
        if (tc->message && (f.n == 0 || !strstr(f.v[0].message,
                                                tc->message)))
            fail_msg("%s: first finding \"%s\" lacks \"%s\"", tc->name,
                     f.n ? f.v[0].message : "(none)", tc->message);
        buf_clear(&got);
        findings_clear(&f);
    }
}

static void minimal_policy_should_cover_what_was_used(void **state)
{
    (void)state;
    static const char *const services[] = { "lambda.amazonaws.com" };
    const char *records =
        "[" REC("dynamodb:ListStreams", "*", "allow") ","
            REC("dynamodb:GetRecords", STREAM, "allow") ","
            REC("dynamodb:DescribeStream", STREAM, "allow") ","
            REC("s3:PutObject", "arn:aws:s3:::lake/in/x/1.json",
                "implicit_deny") "]";
    struct leastpriv_policy policy = {
        "p.json", POLICY(ALLOW("\"dynamodb:*\"", "\"*\"")) };
    struct leastpriv_principal p = {
        .name = "role/shipper", .arn = ARN, .is_role = true,
        .policies = &policy, .n_policies = 1,
        .trust = TRUST("lambda.amazonaws.com"), .trust_name = "t.json",
        .services = services, .n_services = 1, .is_used = true };
    cJSON *recs = json_parse(records, strlen(records));
    struct leastpriv_input in = { "123456789012", "us-east-1", &p, 1, recs };
    cJSON *min = leastpriv_minimal(&in, &p);
    char *text = cJSON_PrintUnformatted(min);
    assert_string_equal(text,
        "{\"Version\":\"2012-10-17\",\"Statement\":["
        "{\"Sid\":\"Used1\",\"Effect\":\"Allow\",\"Action\":"
        "[\"dynamodb:ListStreams\"],\"Resource\":\"*\"},"
        "{\"Sid\":\"Used2\",\"Effect\":\"Allow\",\"Action\":"
        "[\"dynamodb:DescribeStream\",\"dynamodb:GetRecords\"],\"Resource\":"
        "\"arn:aws:dynamodb:us-east-1:123456789012:table/users/stream/*\"},"
        "{\"Sid\":\"Used3\",\"Effect\":\"Allow\",\"Action\":"
        "[\"s3:PutObject\"],\"Resource\":\"arn:aws:s3:::lake/in/*\"}]}");
    struct buf diff;
    buf_init(&diff, 0);
    leastpriv_diff(&in, &p, min, &diff);
    assert_string_equal(buf_cstr(&diff),
        "~ dynamodb:DescribeStream: * -> arn:aws:dynamodb:us-east-1:"
        "123456789012:table/users/stream/*\n"
        "~ dynamodb:GetRecords: * -> arn:aws:dynamodb:us-east-1:"
        "123456789012:table/users/stream/*\n"
        "+ s3:PutObject on arn:aws:s3:::lake/in/*\n");
    buf_clear(&diff);
    free(text);
    cJSON_Delete(min);
    cJSON_Delete(recs);
}

int main(void)
{
    mem_install_cjson_hooks();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(findings_should_match_the_table),
        cmocka_unit_test(minimal_policy_should_cover_what_was_used),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
