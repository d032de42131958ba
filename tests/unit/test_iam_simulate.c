/* iam_simulate: whole cases in, decisions out, and malformed cases. */
#include "base/buf.h"
#include "base/mem.h"
#include "iam/iam_simulate.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#define READ_POLICY                                                        \
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Read\","      \
    "\"Effect\":\"Allow\",\"Action\":\"dynamodb:GetItem\","              \
    "\"Resource\":\"arn:aws:dynamodb:*:1:table/t\"}]}"
#define DENY_POLICY                                                        \
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","   \
    "\"Action\":\"dynamodb:*\",\"Resource\":\"*\",\"Condition\":"        \
    "{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}}]}"
#define TABLE "\"resource\":\"arn:aws:dynamodb:us-east-1:1:table/t\""
#define ALL_POLICY                                                         \
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\"," \
    "\"Action\":\"*\",\"Resource\":\"*\"}]}"
#define DENY_DELETES                                                       \
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\"," \
    "\"Action\":\"dynamodb:*\",\"Resource\":\"*\"},{\"Effect\":"       \
    "\"Deny\",\"Action\":\"dynamodb:DeleteItem\",\"Resource\":\"*\"}]}"
#define PUBLIC_READ                                                        \
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\"," \
    "\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:user/a\"},"     \
    "\"Action\":"                                                         \
    "\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}]}"

struct sim_case {
    const char *name;
    const char *input;
    int rc;
    const char *expect; /* a substring of the answer */
};

static const struct sim_case cases[] = {
    { "an allowed read names its statement",
      "{\"principal\":\"arn:aws:iam::1:user/a\",\"action\":"
      "\"dynamodb:GetItem\"," TABLE ",\"policies\":[" READ_POLICY "]}", 0,
      "\"decision\":\"allow\",\"policy\":\"policies[0]\",\"statement\":0,"
      "\"sid\":\"Read\"" },
    { "a write is implicitly denied",
      "{\"principal\":\"arn:aws:iam::1:user/a\",\"action\":"
      "\"dynamodb:PutItem\"," TABLE ",\"policies\":[" READ_POLICY "]}", 0,
      "\"decision\":\"implicit_deny\"" },
    { "a named policy keeps its name",
      "{\"principal\":\"arn:aws:iam::1:user/a\",\"action\":"
      "\"dynamodb:GetItem\"," TABLE ",\"policies\":[{\"name\":\"ro\","
      "\"document\":" READ_POLICY "}]}", 0, "\"policy\":\"ro\"" },
    { "a deny conditioned on the source address applies inside it",
      "{\"principal\":\"arn:aws:iam::1:user/a\",\"action\":"
      "\"dynamodb:GetItem\"," TABLE ",\"context\":{\"aws:SourceIp\":"
      "\"10.1.2.3\"},\"policies\":[" READ_POLICY "," DENY_POLICY "]}", 0,
      "\"decision\":\"explicit_deny\",\"policy\":\"policies[1]\"" },
    { "a deny conditioned on the source address spares others",
      "{\"principal\":\"arn:aws:iam::1:user/a\",\"action\":"
      "\"dynamodb:GetItem\"," TABLE ",\"context\":{\"aws:SourceIp\":"
      "\"192.168.1.1\"},\"policies\":[" READ_POLICY "," DENY_POLICY "]}", 0,
      "\"decision\":\"allow\"" },
    { "a trust policy lets its service assume the role",
      "{\"service\":\"lambda.amazonaws.com\",\"action\":\"sts:AssumeRole\","
      "\"resource\":\"arn:aws:iam::1:role/r\",\"same_account\":false,"
      "\"resource_policy_kind\":\"trust\",\"resource_policy\":{\"Version\":"
      "\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
      "{\"Service\":\"lambda.amazonaws.com\"},\"Action\":"
      "\"sts:AssumeRole\"}]}}", 0, "\"decision\":\"allow\"" },
    { "a trust policy refuses another service",
      "{\"service\":\"ec2.amazonaws.com\",\"action\":\"sts:AssumeRole\","
      "\"resource\":\"arn:aws:iam::1:role/r\",\"same_account\":false,"
      "\"resource_policy_kind\":\"trust\",\"resource_policy\":{\"Version\":"
      "\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
      "{\"Service\":\"lambda.amazonaws.com\"},\"Action\":"
      "\"sts:AssumeRole\"}]}}", 0, "\"decision\":\"implicit_deny\"" },
    { "a boundary allowing the action keeps an identity grant",
      "{\"principal\":\"arn:aws:iam::1:user/a\",\"action\":"
      "\"dynamodb:GetItem\"," TABLE ",\"policies\":[" ALL_POLICY "],"
      "\"permissions_boundary\":" READ_POLICY "}", 0,
      "\"decision\":\"allow\",\"policy\":\"policies[0]\"" },
    { "a boundary not allowing the action caps an identity grant",
      "{\"principal\":\"arn:aws:iam::1:user/a\",\"action\":"
      "\"dynamodb:PutItem\"," TABLE ",\"policies\":[" ALL_POLICY "],"
      "\"permissions_boundary\":" READ_POLICY "}", 0,
      "\"decision\":\"implicit_deny\",\"policy\":\"permissions_boundary\","
      "\"statement\":null" },
    { "a boundary's deny wins",
      "{\"principal\":\"arn:aws:iam::1:user/a\",\"action\":"
      "\"dynamodb:DeleteItem\"," TABLE ",\"policies\":[" ALL_POLICY "],"
      "\"permissions_boundary\":" DENY_DELETES "}", 0,
      "\"decision\":\"explicit_deny\",\"policy\":\"permissions_boundary\","
      "\"statement\":1" },
    { "a boundary grants nothing by itself",
      "{\"principal\":\"arn:aws:iam::1:user/a\",\"action\":"
      "\"dynamodb:GetItem\"," TABLE ",\"policies\":[],"
      "\"permissions_boundary\":" READ_POLICY "}", 0,
      "\"decision\":\"implicit_deny\",\"policy\":null" },
    { "a resource policy's own grant is not capped by the boundary",
      "{\"principal\":\"arn:aws:iam::111122223333:user/a\",\"action\":"
      "\"s3:GetObject\",\"resource\":\"arn:aws:s3:::b/k\","
      "\"resource_policy\":" PUBLIC_READ ","
      "\"permissions_boundary\":" READ_POLICY "}", 0,
      "\"decision\":\"allow\",\"policy\":\"resource_policy\"" },
    { "a malformed boundary is named",
      "{\"principal\":\"p\",\"action\":\"a:b\",\"resource\":\"*\","
      "\"permissions_boundary\":{\"Statement\":[{\"Effect\":\"Allow\"}]}}",
      -1, "\"error\":\"policy permissions_boundary:" },
    { "not JSON", "{", -1, "\"error\":\"a case must be one JSON object\"" },
    { "missing action",
      "{\"principal\":\"arn:aws:iam::1:user/a\"," TABLE "}", -1,
      "needs \\\"principal\\\"" },
    { "a malformed policy is named",
      "{\"principal\":\"p\",\"action\":\"a:b\",\"resource\":\"*\","
      "\"policies\":[{\"name\":\"bad\",\"document\":{\"Statement\":"
      "[{\"Effect\":\"Maybe\",\"Action\":\"*\",\"Resource\":\"*\"}]}}]}", -1,
      "\"error\":\"policy bad:" },
    { "a context value must be a string",
      "{\"principal\":\"p\",\"action\":\"a:b\",\"resource\":\"*\","
      "\"context\":{\"k\":5}}", -1, "context.k: expected a string" },
};

static void cases_should_be_decided_as_expected(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct buf out;
        buf_init(&out, 0);
        int rc = iam_simulate(cases[i].input, strlen(cases[i].input), &out);
        if (rc != cases[i].rc || strstr(buf_cstr(&out), cases[i].expect) ==
                                     NULL)
            fail_msg("case '%s': rc %d, answer %s", cases[i].name, rc,
                     buf_cstr(&out));
        buf_clear(&out);
    }
}

int main(void)
{
    mem_install_cjson_hooks();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cases_should_be_decided_as_expected),
    };
    return cmocka_run_group_tests_name("iam_simulate", tests, NULL, NULL);
}
