/* Unit tests for iam: the decision over identity policies and a resource
 * or trust policy. Rows give the policies, the request and the expected
 * decision with the policy and statement that decided ("id0#1": statement
 * 1 of the first identity policy; "res#0": the resource policy). Covers
 * action and resource matching, NotAction/NotResource, variables in
 * Resource, deny precedence, same- and cross-account combination, the root
 * user, trust policy principals and NotPrincipal. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/mem.h"
#include "iam/iam.h"
#include "iam/policy.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACCT "111122223333"
#define OTHER "444455556666"
#define BOB "arn:aws:iam::" ACCT ":user/bob"
#define EVE "arn:aws:iam::" ACCT ":user/eve"
#define ROOT "arn:aws:iam::" ACCT ":root"
#define SESSION "arn:aws:sts::" ACCT ":assumed-role/app/s1"
#define ROLE "arn:aws:iam::" ACCT ":role/app"
#define OTHER_BOB "arn:aws:iam::" OTHER ":user/bob"
#define TABLE "arn:aws:dynamodb:us-east-1:" ACCT ":table/T"

#define V "{\"Version\":\"2012-10-17\",\"Statement\":"
#define ALLOW(a, r) "{\"Effect\":\"Allow\",\"Action\":" a ",\"Resource\":" r "}"
#define DENY(a, r) "{\"Effect\":\"Deny\",\"Action\":" a ",\"Resource\":" r "}"
#define P1(s) V s "}"
#define P2(s, t) V "[" s "," t "]}"
#define RALLOW(p, a, r)                                                        \
    "{\"Effect\":\"Allow\",\"Principal\":" p ",\"Action\":" a                  \
    ",\"Resource\":" r "}"
#define RDENY(p, a, r)                                                         \
    "{\"Effect\":\"Deny\",\"Principal\":" p ",\"Action\":" a                   \
    ",\"Resource\":" r "}"
#define TALLOW(p)                                                              \
    "{\"Effect\":\"Allow\",\"Principal\":" p ",\"Action\":\"sts:AssumeRole\"}"
#define Q(s) "\"" s "\""

#define MAX_IDENTITY 3
#define MAX_KEYS 4

enum {
    D_IMPLICIT = IAM_IMPLICIT_DENY,
    D_ALLOW = IAM_ALLOW,
    D_DENY = IAM_EXPLICIT_DENY
};

struct row {
    const char *name;
    const char *identity[MAX_IDENTITY]; /* documents; NULL ends */
    const char *resource_policy;        /* NULL: none */
    bool is_trust;                      /* resource_policy is a trust policy */
    enum iam_principal_type ptype;
    const char *principal; /* NULL: BOB */
    const char *role_arn;
    const char *action;           /* NULL: s3:GetObject */
    const char *resource;         /* NULL: arn:aws:s3:::b/k */
    const char *ctx[MAX_KEYS][2]; /* single-valued keys */
    bool is_cross;                /* principal outside the account */
    int expect;
    const char *cause; /* "id0#1", "res#0", "" none; NULL skip */
    const char *res_cause;
};

static const struct row rows[] = {
    /* --- actions ------------------------------------------------------- */
    { .name = "an allowed action is allowed",
      .identity = { P1(ALLOW(Q("s3:GetObject"), Q("*"))) },
      .expect = D_ALLOW,
      .cause = "id0#0",
      .res_cause = "" },
    { "action names in policies ignore case",
      { P1(ALLOW(Q("S3:getobject"), Q("*"))) },
      .expect = D_ALLOW },
    { "action names in requests ignore case",
      { P1(ALLOW(Q("s3:GetObject"), Q("*"))) },
      .action = "S3:GETOBJECT",
      .expect = D_ALLOW },
    { "an action star matches a prefix",
      { P1(ALLOW(Q("s3:Get*"), Q("*"))) },
      .expect = D_ALLOW },
    { "an action star does not match another verb",
      { P1(ALLOW(Q("s3:Get*"), Q("*"))) },
      .action = "s3:PutObject",
      .expect = D_IMPLICIT,
      .cause = "" },
    { "an action question mark matches one character",
      { P1(ALLOW(Q("s3:?etObject"), Q("*"))) },
      .expect = D_ALLOW },
    { "a star action matches every service",
      { P1(ALLOW(Q("*"), Q("*"))) },
      .action = "dynamodb:GetItem",
      .expect = D_ALLOW },
    { "a service star does not match another service",
      { P1(ALLOW(Q("s3:*"), Q("*"))) },
      .action = "dynamodb:GetItem",
      .expect = D_IMPLICIT },
    { "a service prefix is not a service",
      { P1(ALLOW(Q("s3:*"), Q("*"))) },
      .action = "s3x:GetObject",
      .expect = D_IMPLICIT },
    { "an action list matches any entry",
      { P1(ALLOW("[\"s3:PutObject\",\"s3:GetObject\"]", Q("*"))) },
      .expect = D_ALLOW },
    { "NotAction allows every other action",
      { P1(
          "{\"Effect\":\"Allow\",\"NotAction\":\"s3:*\",\"Resource\":\"*\"}") },
      .action = "dynamodb:GetItem",
      .expect = D_ALLOW },
    { "NotAction does not allow the listed actions",
      { P1(
          "{\"Effect\":\"Allow\",\"NotAction\":\"s3:*\",\"Resource\":\"*\"}") },
      .expect = D_IMPLICIT },
    { "a Deny with NotAction denies every other action",
      { P2(
          ALLOW(Q("*"), Q("*")),
          "{\"Effect\":\"Deny\",\"NotAction\":\"iam:*\",\"Resource\":\"*\"}") },
      .action = "s3:PutObject",
      .expect = D_DENY,
      .cause = "id0#1" },
    { "a Deny with NotAction leaves the listed actions to the Allow",
      { P2(
          ALLOW(Q("*"), Q("*")),
          "{\"Effect\":\"Deny\",\"NotAction\":\"iam:*\",\"Resource\":\"*\"}") },
      .action = "iam:GetUser",
      .expect = D_ALLOW,
      .cause = "id0#0" },
    { "an overlong request action matches nothing",
      { P1(ALLOW(Q("*"), Q("*"))) },
      .action = "s3:"
                "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                "xxxxxxxx"
                "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                "xxxxxxxxxx"
                "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                "xxxxxxxxxx"
                "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                "xxxxxxxxxx",
      .expect = D_IMPLICIT },

    /* --- resources ----------------------------------------------------- */
    { "an exact resource ARN matches",
      { P1(ALLOW(Q("s3:*"), Q("arn:aws:s3:::b/k"))) },
      .expect = D_ALLOW },
    { "resource ARNs are case-sensitive",
      { P1(ALLOW(Q("s3:*"), Q("arn:aws:s3:::B/*"))) },
      .expect = D_IMPLICIT },
    { "a resource star spans slashes",
      { P1(ALLOW(Q("s3:*"), Q("arn:aws:s3:::b/*"))) },
      .resource = "arn:aws:s3:::b/x/y/z",
      .expect = D_ALLOW },
    { "an object wildcard does not match the bucket",
      { P1(ALLOW(Q("s3:*"), Q("arn:aws:s3:::b/*"))) },
      .resource = "arn:aws:s3:::b",
      .expect = D_IMPLICIT },
    { "wildcard region and account segments match",
      { P1(ALLOW(Q("dynamodb:*"), Q("arn:aws:dynamodb:*:*:table/T"))) },
      .action = "dynamodb:GetItem",
      .resource = TABLE,
      .expect = D_ALLOW },
    { "a table star matches its indexes and streams",
      { P1(ALLOW(Q("dynamodb:*"), Q(TABLE "*"))) },
      .action = "dynamodb:Query",
      .resource = TABLE "/index/gsi1",
      .expect = D_ALLOW },
    { "a table ARN alone does not match its index",
      { P1(ALLOW(Q("dynamodb:*"), Q(TABLE))) },
      .action = "dynamodb:Query",
      .resource = TABLE "/index/gsi1",
      .expect = D_IMPLICIT },
    { "a trailing star in a short ARN matches beyond the colons",
      { P1(ALLOW(Q("dynamodb:*"), Q("arn:aws:dynamodb:*"))) },
      .action = "dynamodb:GetItem",
      .resource = TABLE,
      .expect = D_ALLOW },
    { "a trailing partial star in a short ARN matches beyond the colons",
      { P1(ALLOW(Q("dynamodb:*"), Q("arn:aws:dynamodb:us-*"))) },
      .action = "dynamodb:GetItem",
      .resource = TABLE,
      .expect = D_ALLOW },
    { "a star inside a segment does not span colons",
      { P1(ALLOW(Q("dynamodb:*"), Q("arn:aws:dynamodb:*:table/T"))) },
      .action = "dynamodb:GetItem",
      .resource = TABLE,
      .expect = D_IMPLICIT },
    { "a short ARN of another service does not match",
      { P1(ALLOW(Q("*"), Q("arn:aws:dynamodb:*"))) },
      .expect = D_IMPLICIT },
    { "a resource question mark matches one character",
      { P1(ALLOW(Q("s3:*"), Q("arn:aws:s3:::b/k?"))) },
      .resource = "arn:aws:s3:::b/k1",
      .expect = D_ALLOW },
    { "a resource list matches any entry",
      { P1(ALLOW(Q("s3:*"), "[\"arn:aws:s3:::a/*\",\"arn:aws:s3:::b/*\"]")) },
      .expect = D_ALLOW },
    { "NotResource allows every other resource",
      { P1("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"NotResource\":"
           "\"arn:aws:s3:::secret/*\"}") },
      .expect = D_ALLOW },
    { "NotResource does not allow the listed resources",
      { P1("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"NotResource\":"
           "\"arn:aws:s3:::secret/*\"}") },
      .resource = "arn:aws:s3:::secret/x",
      .expect = D_IMPLICIT },
    { "a Deny with NotResource denies outside the listed resources",
      { P2(ALLOW(Q("*"), Q("*")), "{\"Effect\":\"Deny\",\"Action\":\"*\","
                                  "\"NotResource\":\"arn:aws:s3:::b/*\"}") },
      .resource = "arn:aws:s3:::other/k",
      .expect = D_DENY,
      .cause = "id0#1" },
    { "a Deny with NotResource spares the listed resources",
      { P2(ALLOW(Q("*"), Q("*")), "{\"Effect\":\"Deny\",\"Action\":\"*\","
                                  "\"NotResource\":\"arn:aws:s3:::b/*\"}") },
      .expect = D_ALLOW },
    { "a star request resource matches only a star resource",
      { P1(ALLOW(Q("dynamodb:*"), Q("arn:aws:dynamodb:*:*:table/*"))) },
      .action = "dynamodb:ListTables",
      .resource = "*",
      .expect = D_IMPLICIT },
    { "a star request resource matches a star resource",
      { P1(ALLOW(Q("dynamodb:ListTables"), Q("*"))) },
      .action = "dynamodb:ListTables",
      .resource = "*",
      .expect = D_ALLOW },
    { "a resource variable takes the user name",
      { P1(ALLOW(Q("s3:*"), Q("arn:aws:s3:::b/home/${aws:username}/*"))) },
      .resource = "arn:aws:s3:::b/home/bob/x",
      .ctx = { { "aws:username", "bob" } },
      .expect = D_ALLOW },
    { "a resource variable excludes other users' paths",
      { P1(ALLOW(Q("s3:*"), Q("arn:aws:s3:::b/home/${aws:username}/*"))) },
      .resource = "arn:aws:s3:::b/home/eve/x",
      .ctx = { { "aws:username", "bob" } },
      .expect = D_IMPLICIT },
    { "a resource variable without a value matches no resource",
      { P1(ALLOW(Q("s3:*"), Q("arn:aws:s3:::b/${aws:username}*"))) },
      .resource = "arn:aws:s3:::b/x",
      .expect = D_IMPLICIT },
    { "a substituted star in a resource is literal",
      { P1(ALLOW(Q("s3:*"), Q("arn:aws:s3:::b/home/${aws:username}/k"))) },
      .resource = "arn:aws:s3:::b/home/bob/k",
      .ctx = { { "aws:username", "*" } },
      .expect = D_IMPLICIT },
    { "a resource variable default stands in for a missing key",
      { P1(ALLOW(Q("s3:*"), Q("arn:aws:s3:::b/${aws:username, 'shared'}/*"))) },
      .resource = "arn:aws:s3:::b/shared/x",
      .expect = D_ALLOW },
    { "a resource principal tag variable is substituted",
      { P1(ALLOW(Q("dynamodb:*"),
                 Q("arn:aws:dynamodb:*:*:table/${aws:PrincipalTag/team}-*"))) },
      .action = "dynamodb:GetItem",
      .resource = "arn:aws:dynamodb:us-east-1:" ACCT ":table/red-orders",
      .ctx = { { "aws:PrincipalTag/team", "red" } },
      .expect = D_ALLOW },
    { "variables before the fifth colon are not substituted",
      { P1(ALLOW(
          Q("dynamodb:*"),
          Q("arn:aws:dynamodb:us-east-1:${aws:PrincipalAccount}:table/T"))) },
      .action = "dynamodb:GetItem",
      .resource = TABLE,
      .ctx = { { "aws:PrincipalAccount", ACCT } },
      .expect = D_IMPLICIT },
    { "NotResource with an unresolvable variable excludes nothing",
      { P1("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"NotResource\":"
           "\"arn:aws:s3:::b/${aws:username}/*\"}") },
      .resource = "arn:aws:s3:::b/bob/x",
      .expect = D_ALLOW },
    { "version 2008 keeps resource variables as text",
      { "{\"Version\":\"2008-10-17\",\"Statement\":" ALLOW(
          Q("s3:*"), Q("arn:aws:s3:::b/${aws:username}/*")) "}" },
      .resource = "arn:aws:s3:::b/bob/x",
      .ctx = { { "aws:username", "bob" } },
      .expect = D_IMPLICIT },
    { "version 2008 resource text matches literally",
      { "{\"Statement\":" ALLOW(Q("s3:*"),
                                Q("arn:aws:s3:::b/${aws:username}/*")) "}" },
      .resource = "arn:aws:s3:::b/${aws:username}/x",
      .expect = D_ALLOW },

    /* --- deny precedence ----------------------------------------------- */
    { "no policies is an implicit deny",
      { NULL },
      .expect = D_IMPLICIT,
      .cause = "" },
    { "an allow for another resource is an implicit deny",
      { P1(ALLOW(Q("s3:*"), Q("arn:aws:s3:::other/*"))) },
      .expect = D_IMPLICIT },
    { "a deny in one policy beats an allow in another",
      { P1(ALLOW(Q("s3:*"), Q("*"))), P1(DENY(Q("s3:GetObject"), Q("*"))) },
      .expect = D_DENY,
      .cause = "id1#0" },
    { "a deny after an allow in one policy names the deny statement",
      { P2(ALLOW(Q("s3:*"), Q("*")),
           DENY(Q("s3:Get*"), Q("arn:aws:s3:::b/*"))) },
      .expect = D_DENY,
      .cause = "id0#1" },
    { "a deny whose condition fails leaves the allow",
      { P2(ALLOW(Q("s3:*"), Q("*")),
           "{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\","
           "\"Condition\":"
           "{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}") },
      .ctx = { { "aws:SecureTransport", "true" } },
      .expect = D_ALLOW,
      .cause = "id0#0" },
    { "a deny whose condition holds wins",
      { P2(ALLOW(Q("s3:*"), Q("*")),
           "{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\","
           "\"Condition\":"
           "{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}") },
      .ctx = { { "aws:SecureTransport", "false" } },
      .expect = D_DENY,
      .cause = "id0#1" },
    { "the first allowing policy is named",
      { P1(ALLOW(Q("dynamodb:*"), Q("*"))), P1(ALLOW(Q("s3:*"), Q("*"))),
        P1(ALLOW(Q("*"), Q("*"))) },
      .expect = D_ALLOW,
      .cause = "id1#0" },
    { "a deny in the resource policy beats an identity allow",
      { P1(ALLOW(Q("s3:*"), Q("*"))) },
      .resource_policy =
          P1(RDENY(Q("*"), Q("s3:GetObject"), Q("arn:aws:s3:::b/*"))),
      .expect = D_DENY,
      .cause = "res#0" },
    { "a deny in an identity policy beats a resource policy allow",
      { P1(DENY(Q("s3:*"), Q("*"))) },
      .resource_policy = P1(RALLOW("{\"AWS\":\"" BOB "\"}", Q("s3:*"), Q("*"))),
      .expect = D_DENY,
      .cause = "id0#0" },

    /* --- resource policies, same account ------------------------------- */
    { "a bucket policy naming the user allows without an identity policy",
      { NULL },
      .resource_policy = P1(RALLOW("{\"AWS\":\"" BOB "\"}", Q("s3:*"), Q("*"))),
      .expect = D_ALLOW,
      .cause = "res#0",
      .res_cause = "" },
    { "a bucket policy naming another user does not allow",
      { NULL },
      .resource_policy = P1(RALLOW("{\"AWS\":\"" EVE "\"}", Q("s3:*"), Q("*"))),
      .expect = D_IMPLICIT },
    { "a bucket policy naming the account id only delegates to identity "
      "policies",
      { NULL },
      .resource_policy =
          P1(RALLOW("{\"AWS\":\"" ACCT "\"}", Q("s3:*"), Q("*"))),
      .expect = D_IMPLICIT,
      .cause = "",
      .res_cause = "res#0" },
    { "a bucket policy naming the account root only delegates too",
      { NULL },
      .resource_policy =
          P1(RALLOW("{\"AWS\":\"" ROOT "\"}", Q("s3:*"), Q("*"))),
      .expect = D_IMPLICIT },
    { "an identity allow suffices beside an account-wide bucket policy",
      { P1(ALLOW(Q("s3:GetObject"), Q("*"))) },
      .resource_policy =
          P1(RALLOW("{\"AWS\":\"" ACCT "\"}", Q("s3:*"), Q("*"))),
      .expect = D_ALLOW,
      .cause = "id0#0" },
    { "a bucket policy naming a role allows its sessions",
      { NULL },
      .resource_policy =
          P1(RALLOW("{\"AWS\":\"" ROLE "\"}", Q("s3:*"), Q("*"))),
      .principal = SESSION,
      .expect = D_ALLOW,
      .cause = "res#0" },
    { "a bucket policy naming a session allows that session",
      { NULL },
      .resource_policy =
          P1(RALLOW("{\"AWS\":\"" SESSION "\"}", Q("s3:*"), Q("*"))),
      .principal = SESSION,
      .expect = D_ALLOW },
    { "a bucket policy naming another session does not allow",
      { NULL },
      .resource_policy =
          P1(RALLOW("{\"AWS\":\"arn:aws:sts::" ACCT ":assumed-role/app/s2\"}",
                    Q("s3:*"), Q("*"))),
      .principal = SESSION,
      .expect = D_IMPLICIT },
    { "a role with a path is not matched by the derived role ARN",
      { NULL },
      .resource_policy =
          P1(RALLOW("{\"AWS\":\"arn:aws:iam::" ACCT ":role/svc/app\"}",
                    Q("s3:*"), Q("*"))),
      .principal = SESSION,
      .expect = D_IMPLICIT },
    { "a role with a path matches when the caller gives the role ARN",
      { NULL },
      .resource_policy =
          P1(RALLOW("{\"AWS\":\"arn:aws:iam::" ACCT ":role/svc/app\"}",
                    Q("s3:*"), Q("*"))),
      .principal = SESSION,
      .role_arn = "arn:aws:iam::" ACCT ":role/svc/app",
      .expect = D_ALLOW },
    { "a bucket policy for everyone allows anonymous requests",
      { NULL },
      .resource_policy = P1(RALLOW(Q("*"), Q("s3:GetObject"), Q("*"))),
      .ptype = IAM_PRINCIPAL_ANONYMOUS,
      .is_cross = true,
      .expect = D_ALLOW,
      .cause = "res#0" },
    { "an AWS star principal allows anonymous requests",
      { NULL },
      .resource_policy =
          P1(RALLOW("{\"AWS\":\"*\"}", Q("s3:GetObject"), Q("*"))),
      .ptype = IAM_PRINCIPAL_ANONYMOUS,
      .is_cross = true,
      .expect = D_ALLOW },
    { "an account principal does not allow anonymous requests",
      { NULL },
      .resource_policy =
          P1(RALLOW("{\"AWS\":\"" ACCT "\"}", Q("s3:*"), Q("*"))),
      .ptype = IAM_PRINCIPAL_ANONYMOUS,
      .is_cross = true,
      .expect = D_IMPLICIT },
    { "a bucket policy condition on the source IP is applied",
      { NULL },
      .resource_policy =
          P1("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":"
             "\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":"
             "{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}}"),
      .ctx = { { "aws:SourceIp", "192.168.1.1" } },
      .expect = D_IMPLICIT },

    /* --- cross-account -------------------------------------------------- */
    { "cross-account needs a resource policy",
      { P1(ALLOW(Q("s3:*"), Q("*"))) },
      .principal = OTHER_BOB,
      .is_cross = true,
      .expect = D_IMPLICIT },
    { "cross-account with both policies allowing is allowed",
      { P1(ALLOW(Q("s3:*"), Q("*"))) },
      .resource_policy =
          P1(RALLOW("{\"AWS\":\"" OTHER "\"}", Q("s3:*"), Q("*"))),
      .principal = OTHER_BOB,
      .is_cross = true,
      .expect = D_ALLOW,
      .cause = "id0#0",
      .res_cause = "res#0" },
    { "cross-account with only the resource policy is denied",
      { NULL },
      .resource_policy =
          P1(RALLOW("{\"AWS\":\"" OTHER_BOB "\"}", Q("s3:*"), Q("*"))),
      .principal = OTHER_BOB,
      .is_cross = true,
      .expect = D_IMPLICIT },
    { "cross-account with a resource policy for another account is denied",
      { P1(ALLOW(Q("s3:*"), Q("*"))) },
      .resource_policy =
          P1(RALLOW("{\"AWS\":\"" ACCT "\"}", Q("s3:*"), Q("*"))),
      .principal = OTHER_BOB,
      .is_cross = true,
      .expect = D_IMPLICIT },
    { "cross-account explicit deny in the resource policy wins",
      { P1(ALLOW(Q("s3:*"), Q("*"))) },
      .resource_policy =
          P2(RALLOW("{\"AWS\":\"" OTHER "\"}", Q("s3:*"), Q("*")),
             RDENY("{\"AWS\":\"" OTHER "\"}", Q("s3:GetObject"), Q("*"))),
      .principal = OTHER_BOB,
      .is_cross = true,
      .expect = D_DENY,
      .cause = "res#1" },

    /* --- root ---------------------------------------------------------- */
    { "the root user is allowed without policies",
      { NULL },
      .principal = ROOT,
      .expect = D_ALLOW,
      .cause = "" },
    { "the root user is still bound by a resource policy deny",
      { NULL },
      .resource_policy = P1(RDENY(Q("*"), Q("s3:*"), Q("*"))),
      .principal = ROOT,
      .expect = D_DENY,
      .cause = "res#0" },
    { "another account's root user needs a resource policy",
      { NULL },
      .principal = "arn:aws:iam::" OTHER ":root",
      .is_cross = true,
      .expect = D_IMPLICIT },
    { "another account's root user named by account and allowed by it is "
      "allowed",
      { NULL },
      .resource_policy =
          P1(RALLOW("{\"AWS\":\"" OTHER "\"}", Q("s3:*"), Q("*"))),
      .principal = "arn:aws:iam::" OTHER ":root",
      .is_cross = true,
      .expect = D_ALLOW,
      .cause = "res#0",
      .res_cause = "" },

    /* --- trust policies ------------------------------------------------ */
    { "a trust policy lets its service assume the role",
      { NULL },
      .resource_policy = P1(TALLOW("{\"Service\":\"lambda.amazonaws.com\"}")),
      .is_trust = true,
      .ptype = IAM_PRINCIPAL_SERVICE,
      .principal = "lambda.amazonaws.com",
      .action = "sts:AssumeRole",
      .resource = ROLE,
      .is_cross = true,
      .expect = D_ALLOW,
      .cause = "res#0" },
    { "a trust policy refuses another service",
      { NULL },
      .resource_policy = P1(TALLOW("{\"Service\":\"lambda.amazonaws.com\"}")),
      .is_trust = true,
      .ptype = IAM_PRINCIPAL_SERVICE,
      .principal = "ec2.amazonaws.com",
      .action = "sts:AssumeRole",
      .resource = ROLE,
      .expect = D_IMPLICIT },
    { "a service list in a trust policy matches any entry",
      { NULL },
      .resource_policy = P1(TALLOW("{\"Service\":[\"ec2.amazonaws.com\","
                                   "\"lambda.amazonaws.com\"]}")),
      .is_trust = true,
      .ptype = IAM_PRINCIPAL_SERVICE,
      .principal = "lambda.amazonaws.com",
      .action = "sts:AssumeRole",
      .resource = ROLE,
      .expect = D_ALLOW },
    { "a trust policy naming the account needs an identity allow",
      { NULL },
      .resource_policy = P1(TALLOW("{\"AWS\":\"" ACCT "\"}")),
      .is_trust = true,
      .action = "sts:AssumeRole",
      .resource = ROLE,
      .expect = D_IMPLICIT },
    { "a trust policy naming the account with an identity allow is allowed",
      { P1(ALLOW(Q("sts:AssumeRole"), Q(ROLE))) },
      .resource_policy = P1(TALLOW("{\"AWS\":\"" ROOT "\"}")),
      .is_trust = true,
      .action = "sts:AssumeRole",
      .resource = ROLE,
      .expect = D_ALLOW,
      .cause = "id0#0",
      .res_cause = "res#0" },
    { "a trust policy naming the user allows without an identity policy",
      { NULL },
      .resource_policy = P1(TALLOW("{\"AWS\":\"" BOB "\"}")),
      .is_trust = true,
      .action = "sts:AssumeRole",
      .resource = ROLE,
      .expect = D_ALLOW,
      .cause = "res#0" },
    { "an identity allow cannot replace the trust policy",
      { P1(ALLOW(Q("sts:AssumeRole"), Q("*"))) },
      .resource_policy = P1(TALLOW("{\"AWS\":\"" EVE "\"}")),
      .is_trust = true,
      .action = "sts:AssumeRole",
      .resource = ROLE,
      .expect = D_IMPLICIT },
    { "a trust policy naming a role lets its sessions assume",
      { NULL },
      .resource_policy =
          P1(TALLOW("{\"AWS\":\"arn:aws:iam::" ACCT ":role/ci\"}")),
      .is_trust = true,
      .principal = "arn:aws:sts::" ACCT ":assumed-role/ci/run7",
      .action = "sts:AssumeRole",
      .resource = ROLE,
      .expect = D_ALLOW },
    { "a trust policy naming a role refuses another role's sessions",
      { NULL },
      .resource_policy =
          P1(TALLOW("{\"AWS\":\"arn:aws:iam::" ACCT ":role/ci\"}")),
      .is_trust = true,
      .principal = "arn:aws:sts::" ACCT ":assumed-role/cid/run7",
      .action = "sts:AssumeRole",
      .resource = ROLE,
      .expect = D_IMPLICIT },
    { "a cross-account trust with an identity allow is allowed",
      { P1(ALLOW(Q("sts:AssumeRole"), Q(ROLE))) },
      .resource_policy =
          P1(TALLOW("{\"AWS\":\"arn:aws:iam::" OTHER ":root\"}")),
      .is_trust = true,
      .principal = OTHER_BOB,
      .is_cross = true,
      .action = "sts:AssumeRole",
      .resource = ROLE,
      .expect = D_ALLOW },
    { "a cross-account trust without an identity allow is denied",
      { NULL },
      .resource_policy = P1(TALLOW("{\"AWS\":\"" OTHER_BOB "\"}")),
      .is_trust = true,
      .principal = OTHER_BOB,
      .is_cross = true,
      .action = "sts:AssumeRole",
      .resource = ROLE,
      .expect = D_IMPLICIT },
    { "a trust policy lets a federated provider assume",
      { NULL },
      .resource_policy =
          P1("{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":"
             "\"accounts.google.com\"},\"Action\":"
             "\"sts:AssumeRoleWithWebIdentity\"}"),
      .is_trust = true,
      .ptype = IAM_PRINCIPAL_FEDERATED,
      .principal = "accounts.google.com",
      .action = "sts:AssumeRoleWithWebIdentity",
      .resource = ROLE,
      .expect = D_ALLOW },
    { "a trust policy external id condition holds with the right id",
      { NULL },
      .resource_policy =
          P1("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" BOB "\"},"
             "\"Action\":\"sts:AssumeRole\",\"Condition\":{\"StringEquals\":"
             "{\"sts:ExternalId\":\"x-42\"}}}"),
      .is_trust = true,
      .action = "sts:AssumeRole",
      .resource = ROLE,
      .ctx = { { "sts:ExternalId", "x-42" } },
      .expect = D_ALLOW },
    { "a trust policy external id condition fails with a missing id",
      { NULL },
      .resource_policy =
          P1("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" BOB "\"},"
             "\"Action\":\"sts:AssumeRole\",\"Condition\":{\"StringEquals\":"
             "{\"sts:ExternalId\":\"x-42\"}}}"),
      .is_trust = true,
      .action = "sts:AssumeRole",
      .resource = ROLE,
      .expect = D_IMPLICIT },
    { "a trust policy AWS star admits any principal of the account",
      { NULL },
      .resource_policy = P1(TALLOW("{\"AWS\":\"*\"}")),
      .is_trust = true,
      .action = "sts:AssumeRole",
      .resource = ROLE,
      .expect = D_ALLOW },
    { "a trust policy AWS star does not admit services",
      { NULL },
      .resource_policy = P1(TALLOW("{\"AWS\":\"*\"}")),
      .is_trust = true,
      .ptype = IAM_PRINCIPAL_SERVICE,
      .principal = "lambda.amazonaws.com",
      .action = "sts:AssumeRole",
      .resource = ROLE,
      .expect = D_IMPLICIT },
    { "a trust policy star admits services",
      { NULL },
      .resource_policy = P1(TALLOW(Q("*"))),
      .is_trust = true,
      .ptype = IAM_PRINCIPAL_SERVICE,
      .principal = "lambda.amazonaws.com",
      .action = "sts:AssumeRole",
      .resource = ROLE,
      .expect = D_ALLOW },
    { "the root user cannot bypass a trust policy",
      { NULL },
      .resource_policy = P1(TALLOW("{\"AWS\":\"" BOB "\"}")),
      .is_trust = true,
      .principal = ROOT,
      .action = "sts:AssumeRole",
      .resource = ROLE,
      .expect = D_IMPLICIT },
    { "a trust policy deny wins over its allow",
      { NULL },
      .resource_policy =
          P2(TALLOW(Q("*")),
             "{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"" BOB "\"},"
             "\"Action\":\"sts:AssumeRole\"}"),
      .is_trust = true,
      .action = "sts:AssumeRole",
      .resource = ROLE,
      .expect = D_DENY,
      .cause = "res#1" },

    /* --- NotPrincipal --------------------------------------------------- */
    { "NotPrincipal listing the user and account spares the user",
      { NULL },
      .resource_policy =
          P2(RALLOW(Q("*"), Q("s3:*"), Q("*")),
             "{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":[\"" BOB
             "\",\"" ACCT "\"]},\"Action\":\"s3:*\",\"Resource\":\"*\"}"),
      .expect = D_ALLOW,
      .cause = "res#0" },
    { "NotPrincipal denies principals it does not list",
      { NULL },
      .resource_policy =
          P2(RALLOW(Q("*"), Q("s3:*"), Q("*")),
             "{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":[\"" BOB
             "\",\"" ACCT "\"]},\"Action\":\"s3:*\",\"Resource\":\"*\"}"),
      .principal = EVE,
      .expect = D_DENY,
      .cause = "res#1" },
    { "NotPrincipal listing the user without the account still denies",
      { NULL },
      .resource_policy =
          P2(RALLOW(Q("*"), Q("s3:*"), Q("*")),
             "{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"" BOB
             "\"},\"Action\":\"s3:*\",\"Resource\":\"*\"}"),
      .expect = D_DENY },
    { "NotPrincipal must list session, role and account to spare a session",
      { NULL },
      .resource_policy =
          P2(RALLOW(Q("*"), Q("s3:*"), Q("*")),
             "{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":[\"" SESSION
             "\",\"" ROLE "\",\"" ACCT "\"]},\"Action\":\"s3:*\","
             "\"Resource\":\"*\"}"),
      .principal = SESSION,
      .expect = D_ALLOW },
    { "NotPrincipal listing the role and account without the session denies",
      { NULL },
      .resource_policy =
          P2(RALLOW(Q("*"), Q("s3:*"), Q("*")),
             "{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":[\"" ROLE
             "\",\"" ACCT "\"]},\"Action\":\"s3:*\",\"Resource\":\"*\"}"),
      .principal = SESSION,
      .expect = D_DENY },
    { "NotPrincipal with a listed service spares it",
      { NULL },
      .resource_policy =
          P2(RALLOW(Q("*"), Q("s3:*"), Q("*")),
             "{\"Effect\":\"Deny\",\"NotPrincipal\":{\"Service\":"
             "\"logging.s3.amazonaws.com\"},\"Action\":\"s3:*\","
             "\"Resource\":\"*\"}"),
      .ptype = IAM_PRINCIPAL_SERVICE,
      .principal = "logging.s3.amazonaws.com",
      .is_cross = true,
      .expect = D_ALLOW },
};

static int setup(void **state)
{
    (void)state;
    mem_install_cjson_hooks();
    return 0;
}

static void describe(const struct iam_cause *c, char *out, size_t n)
{
    if (c->statement < 0)
        snprintf(out, n, "%s", "");
    else
        snprintf(out, n, "%s#%d", c->policy ? c->policy : "?", c->statement);
}

static bool check_cause(const struct row *r, const char *what, const char *want,
                        const struct iam_cause *got)
{
    char text[64];
    describe(got, text, sizeof text);
    if (want == NULL || strcmp(text, want) == 0)
        return true;
    print_error("%s: %s is \"%s\", want \"%s\"\n", r->name, what, text, want);
    return false;
}

static struct policy *parse(const char *doc, enum policy_kind kind,
                            const char *name)
{
    struct buf err;
    buf_init(&err, 0);
    struct policy *p = policy_parse(doc, strlen(doc), kind, &err);
    if (p == NULL)
        print_error("%s: policy rejected: %s\n", name, buf_cstr(&err));
    buf_clear(&err);
    return p;
}

static bool run_row(const struct row *r, struct iam_policy_ref *ids, size_t n,
                    const struct iam_policy_ref *res)
{
    struct iam_context_entry entries[MAX_KEYS];
    const char *const *values[MAX_KEYS];
    size_t n_keys = 0;
    for (; n_keys < MAX_KEYS && r->ctx[n_keys][0] != NULL; n_keys++) {
        values[n_keys] = &r->ctx[n_keys][1];
        entries[n_keys] =
            (struct iam_context_entry){ r->ctx[n_keys][0], values[n_keys], 1 };
    }
    struct iam_context ctx = { entries, n_keys };
    struct iam_request req = {
        .principal_type = r->ptype,
        .principal = r->principal                          ? r->principal
                     : r->ptype == IAM_PRINCIPAL_ANONYMOUS ? NULL
                                                           : BOB,
        .role_arn = r->role_arn,
        .action = r->action ? r->action : "s3:GetObject",
        .resource = r->resource ? r->resource : "arn:aws:s3:::b/k",
        .context = &ctx,
        .is_same_account = !r->is_cross,
    };
    struct iam_result out;
    iam_evaluate(&req, ids, n, res, &out);
    bool ok = (int)out.decision == r->expect;
    if (!ok)
        print_error("%s: %s (%s), want %s\n", r->name,
                    iam_decision_name(out.decision), out.reason,
                    iam_decision_name((enum iam_decision)r->expect));
    ok = check_cause(r, "cause", r->cause, &out.cause) && ok;
    return check_cause(r, "resource cause", r->res_cause,
                       &out.resource_cause) &&
           ok;
}

static bool check_row(const struct row *r)
{
    static const char *const names[MAX_IDENTITY] = { "id0", "id1", "id2" };
    struct iam_policy_ref ids[MAX_IDENTITY];
    struct iam_policy_ref res = { "res", NULL };
    size_t n = 0;
    bool ok = true;
    for (; n < MAX_IDENTITY && r->identity[n] != NULL; n++) {
        ids[n] = (struct iam_policy_ref){
            names[n], parse(r->identity[n], POLICY_IDENTITY, r->name)
        };
        ok = ok && ids[n].policy != NULL;
    }
    if (r->resource_policy != NULL) {
        res.policy =
            parse(r->resource_policy,
                  r->is_trust ? POLICY_TRUST : POLICY_RESOURCE, r->name);
        ok = ok && res.policy != NULL;
    }
    if (ok)
        ok = run_row(r, ids, n, r->resource_policy ? &res : NULL);
    for (size_t i = 0; i < n; i++)
        policy_free((struct policy *)ids[i].policy);
    policy_free((struct policy *)res.policy);
    return ok;
}

static void decision_rows_should_match_aws_evaluation_logic(void **state)
{
    size_t failed = 0;
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        failed += !check_row(&rows[i]);
    assert_int_equal(failed, 0);
}

static void explicit_deny_should_name_the_sid(void **state)
{
    static const char doc[] =
        V "[{\"Sid\":\"ReadAll\",\"Effect\":\"Allow\",\"Action\":"
          "\"s3:*\",\"Resource\":\"*\"},{\"Sid\":\"NoSecrets\","
          "\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":"
          "\"arn:aws:s3:::secret/*\"}]}";
    (void)state;
    struct policy *p = parse(doc, POLICY_IDENTITY, "sid");
    struct iam_policy_ref ref = { "role/app inline", p };
    struct iam_request req = { .principal = BOB,
                               .action = "s3:GetObject",
                               .resource = "arn:aws:s3:::secret/k",
                               .is_same_account = true };
    struct iam_result out;
    iam_evaluate(&req, &ref, 1, NULL, &out);
    assert_int_equal(out.decision, IAM_EXPLICIT_DENY);
    assert_string_equal(out.cause.policy, "role/app inline");
    assert_int_equal(out.cause.statement, 1);
    assert_string_equal(out.cause.sid, "NoSecrets");
    assert_string_equal(out.reason, "explicit deny in an identity policy");
    req.resource = "arn:aws:s3:::public/k";
    iam_evaluate(&req, &ref, 1, NULL, &out);
    assert_int_equal(out.decision, IAM_ALLOW);
    assert_string_equal(out.cause.sid, "ReadAll");
    policy_free(p);
}

static void allowing_statements_should_list_each_grant(void **state)
{
    static const char doc[] =
        V "[" ALLOW(Q("s3:GetObject"), Q("arn:aws:s3:::b/*")) "," ALLOW(
            Q("dynamodb:*"),
            Q("*")) ","
                    "{\"Effect\":\"Allow\",\"Action\":\"s3:Get*\",\"Resource\":"
                    "\"*\",\"Condition\":"
                    "{\"Bool\":{\"aws:SecureTransport\":\"true\"}}}," DENY(
                        Q("s3:*"), Q("*")) "," ALLOW(Q("*"), Q("*")) "]}";
    size_t idx[8];
    (void)state;
    struct policy *p = parse(doc, POLICY_IDENTITY, "allowing");
    struct iam_request req = { .principal = BOB,
                               .action = "s3:GetObject",
                               .resource = "arn:aws:s3:::b/k",
                               .is_same_account = true };
    assert_int_equal(iam_allowing_statements(p, &req, false, idx, 8), 3);
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[1], 2);
    assert_int_equal(idx[2], 4);
    assert_int_equal(iam_allowing_statements(p, &req, true, idx, 8), 2);
    assert_int_equal(idx[1], 4);
    assert_int_equal(iam_allowing_statements(p, &req, false, idx, 1), 3);
    assert_int_equal(idx[0], 0);
    req.action = "dynamodb:PutItem";
    assert_int_equal(iam_allowing_statements(p, &req, true, idx, 8), 2);
    assert_int_equal(idx[0], 1);
    policy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decision_rows_should_match_aws_evaluation_logic),
        cmocka_unit_test(explicit_deny_should_name_the_sid),
        cmocka_unit_test(allowing_statements_should_list_each_grant),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
