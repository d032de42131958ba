/* libFuzzer target for IAM policies: policy_parse (policy.h) on fuzzed
 * documents of each kind, then iam_evaluate (iam.h) and
 * iam_allowing_statements on whatever compiles, for a handful of requests
 * that reach wildcards, policy variables, NotAction/NotResource,
 * principals and the condition operators. The first byte picks the kind;
 * the rest is the document. */
#include "base/buf.h"
#include "base/mem.h"
#include "iam/iam.h"
#include "iam/policy.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    mem_install_cjson_hooks();
    return 0;
}

static const char *const ip[] = { "127.0.0.1" };
static const char *const user[] = { "alice" };
static const char *const now[] = { "2024-05-01T12:00:00Z" };
static const char *const epoch[] = { "1714564800" };
static const char *const keys[] = { "alice", "alice#2", "bob" };
static const char *const is_false[] = { "false" };
static const char *const prefix[] = { "home/alice/" };
static const char *const team[] = { "data" };
static const char *const attrs[] = { "pk", "sk", "email" };
static const char *const arn[] = { "arn:aws:iam::000000000000:user/alice" };
static const struct iam_context_entry entries[] = {
    { "aws:SourceIp", ip, 1 },
    { "aws:username", user, 1 },
    { "aws:CurrentTime", now, 1 },
    { "aws:EpochTime", epoch, 1 },
    { "dynamodb:LeadingKeys", keys, 3 },
    { "dynamodb:Attributes", attrs, 3 },
    { "aws:SecureTransport", is_false, 1 },
    { "s3:prefix", prefix, 1 },
    { "aws:PrincipalTag/team", team, 1 },
    { "aws:PrincipalArn", arn, 1 },
    { "aws:TagKeys", NULL, 0 },
};
static const struct iam_context context = {
    entries, sizeof entries / sizeof entries[0]
};

static const struct iam_request requests[] = {
    { IAM_PRINCIPAL_AWS, "arn:aws:iam::000000000000:user/alice", NULL,
      "dynamodb:GetItem",
      "arn:aws:dynamodb:us-east-1:000000000000:table/orders", &context,
      true },
    { IAM_PRINCIPAL_AWS,
      "arn:aws:sts::000000000000:assumed-role/app/session-1", NULL,
      "s3:PutObject", "arn:aws:s3:::lake/home/alice/x.json", &context,
      true },
    { IAM_PRINCIPAL_AWS, "arn:aws:iam::111111111111:root", NULL,
      "sts:AssumeRole", "arn:aws:iam::000000000000:role/path/app", NULL,
      false },
    { IAM_PRINCIPAL_SERVICE, "lambda.amazonaws.com", NULL, "sts:AssumeRole",
      "arn:aws:iam::000000000000:role/app", &context, true },
    { IAM_PRINCIPAL_ANONYMOUS, NULL, NULL, "s3:GetObject",
      "arn:aws:s3:::lake/public/a", NULL, false },
    { IAM_PRINCIPAL_FEDERATED, "cognito-identity.amazonaws.com", NULL,
      "dynamodb:Query", "*", &context, true },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    enum policy_kind kind = (enum policy_kind)(data[0] % 3);
    /* An exact-size copy: the parser takes a length, not a C string. */
    size_t len = size - 1;
    char *text = malloc(len ? len : 1);
    memcpy(text, data + 1, len);

    struct buf err;
    buf_init(&err, 0);
    struct policy *p = policy_parse(text, len, kind, &err);
    if (p) {
        for (size_t i = 0; i < policy_statement_count(p); i++) {
            policy_statement_sid(p, i);
            policy_statement_is_allow(p, i);
        }
        struct iam_policy_ref ref = { "fuzzed", p };
        for (size_t r = 0; r < sizeof requests / sizeof requests[0]; r++) {
            struct iam_result out;
            if (kind == POLICY_IDENTITY) {
                iam_evaluate(&requests[r], &ref, 1, NULL, &out);
                size_t idx[8];
                iam_allowing_statements(p, &requests[r], true, idx, 8);
                iam_allowing_statements(p, &requests[r], false, idx, 8);
            } else {
                iam_evaluate(&requests[r], NULL, 0, &ref, &out);
            }
            iam_decision_name(out.decision);
        }
        policy_free(p);
    }
    buf_clear(&err);
    free(text);
    return 0;
}
