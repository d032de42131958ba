/* Unit tests for policy: documents IAM accepts for each policy kind, and
 * malformed ones rejected with IAM's MalformedPolicyDocument text followed
 * by the statement and field at fault. One table, one loop. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/mem.h"
#include "iam/policy.h"

#include <stdbool.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ID POLICY_IDENTITY
#define RES POLICY_RESOURCE
#define TRUST POLICY_TRUST

/* A 2012-10-17 document holding the statement(s) s. */
#define DOC(s) "{\"Version\":\"2012-10-17\",\"Statement\":" s "}"
#define ALLOW_ALL "\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\""

struct row {
    const char *name;
    enum policy_kind kind;
    const char *json;
    const char *error; /* NULL: the document is valid */
};

static const struct row rows[] = {
    /* --- accepted ------------------------------------------------------ */
    { "identity policy with one statement object is accepted", ID,
      DOC("{" ALLOW_ALL "}"), NULL },
    { "identity policy with a statement list is accepted", ID,
      DOC("[{" ALLOW_ALL "},{\"Effect\":\"Deny\",\"Action\":[\"s3:Get*\","
          "\"s3:List*\"],\"Resource\":[\"arn:aws:s3:::b\",\"arn:aws:s3:::b/"
          "*\"]}]"),
      NULL },
    { "version 2008-10-17 is accepted", ID,
      "{\"Version\":\"2008-10-17\",\"Statement\":{" ALLOW_ALL "}}", NULL },
    { "a document without a version is accepted", ID,
      "{\"Statement\":{" ALLOW_ALL "}}", NULL },
    { "an Id element is accepted", ID,
      "{\"Version\":\"2012-10-17\",\"Id\":\"x\",\"Statement\":{" ALLOW_ALL "}}",
      NULL },
    { "NotAction and NotResource are accepted", ID,
      DOC("{\"Effect\":\"Deny\",\"NotAction\":\"iam:*\",\"NotResource\":"
          "\"arn:aws:iam::123456789012:user/*\"}"),
      NULL },
    { "an alphanumeric Sid is accepted", ID,
      DOC("{\"Sid\":\"Read1\"," ALLOW_ALL "}"), NULL },
    { "an empty Sid is accepted and not checked for uniqueness", ID,
      DOC("[{\"Sid\":\"\"," ALLOW_ALL "},{\"Sid\":\"\"," ALLOW_ALL "}]"),
      NULL },
    { "a bucket policy Sid may contain spaces", RES,
      DOC("{\"Sid\":\"Public read\",\"Effect\":\"Allow\",\"Principal\":\"*\","
          "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}"),
      NULL },
    { "a bucket policy may repeat a Sid", RES,
      DOC("[{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Principal\":\"*\","
          "\"Action\":\"s3:*\",\"Resource\":\"*\"},{\"Sid\":\"A\",\"Effect\":"
          "\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}"
          "]"),
      NULL },
    { "a trust policy with a service principal is accepted", TRUST,
      DOC("{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
          "\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}"),
      NULL },
    { "a trust policy with account, root, role and session principals is "
      "accepted",
      TRUST,
      DOC("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"123456789012\","
          "\"arn:aws:iam::210987654321:root\",\"arn:aws:iam::123456789012:"
          "role/path/app\",\"arn:aws:sts::123456789012:assumed-role/app/s1\","
          "\"arn:aws:iam::123456789012:user/bob\"]},\"Action\":"
          "\"sts:AssumeRole\"}"),
      NULL },
    { "a trust policy with a federated principal is accepted", TRUST,
      DOC("{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":"
          "\"accounts.google.com\"},\"Action\":\"sts:"
          "AssumeRoleWithWebIdentity\"}"),
      NULL },
    { "a resource policy with AWS star principal is accepted", RES,
      DOC("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":"
          "\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}"),
      NULL },
    { "a resource policy with NotPrincipal is accepted", RES,
      DOC("{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"123456789012\"},"
          "\"Action\":\"s3:*\",\"Resource\":\"*\"}"),
      NULL },
    { "every condition operator is accepted", ID,
      DOC("{" ALLOW_ALL ",\"Condition\":{"
          "\"StringEquals\":{\"aws:a\":\"x\"},\"StringNotEquals\":{\"aws:a\":"
          "\"x\"},"
          "\"StringEqualsIgnoreCase\":{\"aws:a\":\"x\"},"
          "\"StringNotEqualsIgnoreCase\":{\"aws:a\":\"x\"},"
          "\"StringLike\":{\"aws:a\":\"x*\"},\"StringNotLike\":{\"aws:a\":\"x*"
          "\"},"
          "\"NumericEquals\":{\"aws:n\":\"1\"},\"NumericNotEquals\":{\"aws:n\":"
          "\"1\"},"
          "\"NumericLessThan\":{\"aws:n\":\"1\"},"
          "\"NumericLessThanEquals\":{\"aws:n\":\"1\"},"
          "\"NumericGreaterThan\":{\"aws:n\":\"1\"},"
          "\"NumericGreaterThanEquals\":{\"aws:n\":\"1\"},"
          "\"DateEquals\":{\"aws:d\":\"2024-01-01\"},"
          "\"DateNotEquals\":{\"aws:d\":\"2024-01-01T00:00:00Z\"},"
          "\"DateLessThan\":{\"aws:d\":\"1704067200\"},"
          "\"DateLessThanEquals\":{\"aws:d\":\"2024-01-01T00:00Z\"},"
          "\"DateGreaterThan\":{\"aws:d\":\"2024-01-01T00:00:00.5+01:00\"},"
          "\"DateGreaterThanEquals\":{\"aws:d\":\"2024-01-01\"},"
          "\"Bool\":{\"aws:b\":\"true\"},\"BinaryEquals\":{\"aws:x\":\"QQ==\"},"
          "\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"},"
          "\"NotIpAddress\":{\"aws:SourceIp\":\"2001:db8::/32\"},"
          "\"ArnEquals\":{\"aws:SourceArn\":\"arn:aws:s3:::b\"},"
          "\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:s3:::*\"},"
          "\"ArnNotEquals\":{\"aws:SourceArn\":\"arn:aws:s3:::b\"},"
          "\"ArnNotLike\":{\"aws:SourceArn\":\"arn:aws:s3:::*\"},"
          "\"Null\":{\"aws:a\":\"true\"}}}"),
      NULL },
    { "set prefixes and IfExists are accepted", ID,
      DOC("{" ALLOW_ALL ",\"Condition\":{"
          "\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"a\",\"b\"]},"
          "\"ForAnyValue:StringLike\":{\"aws:TagKeys\":\"a*\"},"
          "\"StringEqualsIfExists\":{\"aws:a\":\"x\"},"
          "\"ForAnyValue:NumericLessThanIfExists\":{\"aws:n\":\"3\"}}}"),
      NULL },
    { "boolean and number condition values are accepted", ID,
      DOC("{" ALLOW_ALL
          ",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":true},"
          "\"NumericEquals\":{\"s3:max-keys\":10}}}"),
      NULL },
    { "a wildcard action and partial service wildcard are accepted", ID,
      DOC("{\"Effect\":\"Allow\",\"Action\":[\"*\",\"s3:*Object*\",\"dynamodb:?"
          "etItem\"],"
          "\"Resource\":\"*\"}"),
      NULL },
    { "resources with wildcards in segments are accepted", ID,
      DOC("{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\",\"Resource\":"
          "[\"arn:aws:dynamodb:*:*:table/*\",\"arn:aws:dynamodb:*\","
          "\"arn:aws-cn:dynamodb:cn-north-1:123456789012:table/T\"]}"),
      NULL },
    { "policy variables in the resource part are accepted", ID,
      DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":"
          "\"arn:aws:s3:::b/${aws:username}/*\"}"),
      NULL },

    /* --- document level ----------------------------------------------- */
    { "text that is not JSON is a syntax error", ID,
      "This is not a json document",
      "Syntax errors in policy. (document: not valid JSON)" },
    { "a JSON array document is a syntax error", ID, "[]",
      "Syntax errors in policy. (Statement: the document must be a JSON "
      "object)" },
    { "an unknown version is a syntax error", ID,
      "{\"Version\":\"2013-10-17\",\"Statement\":{" ALLOW_ALL "}}",
      "Syntax errors in policy. (Version: must be \"2012-10-17\" or "
      "\"2008-10-17\")" },
    { "a numeric version is a syntax error", ID,
      "{\"Version\":2012,\"Statement\":{" ALLOW_ALL "}}",
      "Syntax errors in policy. (Version: must be \"2012-10-17\" or "
      "\"2008-10-17\")" },
    { "a missing Statement is a syntax error", ID,
      "{\"Version\":\"2012-10-17\"}",
      "Syntax errors in policy. (Statement: must be a statement or a non-empty "
      "list of statements)" },
    { "an empty Statement list is a syntax error", ID, DOC("[]"),
      "Syntax errors in policy. (Statement: must be a statement or a non-empty "
      "list of statements)" },
    { "a string Statement is a syntax error", ID, DOC("\"afd\""),
      "Syntax errors in policy. (Statement: must be a statement or a non-empty "
      "list of statements)" },
    { "a string inside the Statement list is a syntax error", ID,
      DOC("[\"afd\"]"),
      "Syntax errors in policy. (Statement[0], Statement: a statement must be "
      "an "
      "object)" },
    { "an unknown top-level field is a syntax error", ID,
      "{\"Version\":\"2012-10-17\",\"Statement\":{" ALLOW_ALL
      "},\"Extra field\":1}",
      "Syntax errors in policy. (Extra field: unknown field)" },
    { "a list Id is a syntax error", ID,
      "{\"Version\":\"2012-10-17\",\"Id\":[\"x\"],\"Statement\":{" ALLOW_ALL
      "}}",
      "Syntax errors in policy. (Id: must be a string)" },

    /* --- statement shape ----------------------------------------------- */
    { "an unknown statement field is a syntax error naming it", ID,
      DOC("{" ALLOW_ALL ",\"Extra field\":\"value\"}"),
      "Syntax errors in policy. (Statement[0], Extra field: unknown field)" },
    { "the failing statement is named by index and Sid", ID,
      DOC("[{" ALLOW_ALL
          "},{\"Sid\":\"Second\",\"Effect\":\"Allow\",\"Action\":"
          "\"s3:ListBucket\"}]"),
      "Policy statement must contain resources. (Statement[1] Sid \"Second\", "
      "Resource)" },
    { "a missing Effect is a syntax error", ID,
      DOC("{\"Action\":\"s3:ListBucket\",\"Resource\":\"*\"}"),
      "Syntax errors in policy. (Statement[0], Effect: missing, or not a "
      "string)" },
    { "an invalid Effect is a syntax error", ID,
      DOC("{\"Effect\":\"Permit\",\"Action\":\"s3:ListBucket\",\"Resource\":\"*"
          "\"}"),
      "Syntax errors in policy. (Statement[0], Effect: must be \"Allow\" or "
      "\"Deny\", not \"Permit\")" },
    { "a lower-case Effect fails legacy parsing", ID,
      DOC("{\"Effect\":\"allow\",\"Action\":\"s3:ListBucket\",\"Resource\":\"*"
          "\"}"),
      "The policy failed legacy parsing (Statement[0], Effect: \"allow\" must "
      "be "
      "spelt \"Allow\" or \"Deny\")" },
    { "a missing Action is reported", ID,
      DOC("{\"Effect\":\"Allow\",\"Resource\":\"*\"}"),
      "Policy statement must contain actions. (Statement[0], Action)" },
    { "an empty Action list is reported", ID,
      DOC("{\"Effect\":\"Allow\",\"Action\":[],\"Resource\":\"*\"}"),
      "Policy statement must contain actions. (Statement[0], Action)" },
    { "an empty NotAction list is reported against NotAction", ID,
      DOC("{\"Effect\":\"Allow\",\"NotAction\":[],\"Resource\":\"*\"}"),
      "Policy statement must contain actions. (Statement[0], NotAction)" },
    { "Action and NotAction together are a syntax error", ID,
      DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:A\",\"NotAction\":\"s3:B\","
          "\"Resource\":\"*\"}"),
      "Syntax errors in policy. (Statement[0], Action: Action and NotAction "
      "cannot both be present)" },
    { "an object Action is a syntax error", ID,
      DOC("{\"Effect\":\"Allow\",\"Action\":{},\"Resource\":\"*\"}"),
      "Syntax errors in policy. (Statement[0], Action: must be a string or a "
      "list of strings)" },
    { "a nested list Action is a syntax error", ID,
      DOC("{\"Effect\":\"Allow\",\"Action\":[[]],\"Resource\":\"*\"}"),
      "Syntax errors in policy. (Statement[0], Action: must be a string or a "
      "list of strings)" },
    { "an action without a vendor is rejected", ID,
      DOC("{\"Effect\":\"Allow\",\"Action\":\"invalid\",\"Resource\":\"*\"}"),
      "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, "
      "etc. "
      "(Statement[0], Action: \"invalid\")" },
    { "an empty NotAction string is rejected for lacking a vendor", ID,
      DOC("{\"Effect\":\"Allow\",\"NotAction\":\"\",\"Resource\":\"*\"}"),
      "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, "
      "etc. "
      "(Statement[0], NotAction: \"\")" },
    { "an action with two colons is rejected", ID,
      DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:List:Bucket\",\"Resource\":\"*"
          "\"}"),
      "Actions/Condition can contain only one colon. (Statement[0], Action: "
      "\"s3:List:Bucket\")" },
    { "a vendor with a space is rejected", ID,
      DOC("{\"Effect\":\"Allow\",\"Action\":\"a "
          "a:ListBucket\",\"Resource\":\"*\"}"),
      "Vendor a a is not valid (Statement[0], Action)" },
    { "a vendor with a wildcard is rejected", ID,
      DOC("{\"Effect\":\"Allow\",\"Action\":\"s*:GetObject\",\"Resource\":\"*"
          "\"}"),
      "Vendor s* is not valid (Statement[0], Action)" },

    /* --- resources ----------------------------------------------------- */
    { "a missing Resource in an identity policy is reported", ID,
      DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\"}"),
      "Policy statement must contain resources. (Statement[0], Resource)" },
    { "an empty Resource list is reported", ID,
      DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\",\"Resource\":[]"
          "}"),
      "Policy statement must contain resources. (Statement[0], Resource)" },
    { "Resource and NotResource together are a syntax error", ID,
      DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:A\",\"Resource\":\"*\","
          "\"NotResource\":[]}"),
      "Syntax errors in policy. (Statement[0], Resource: Resource and "
      "NotResource "
      "cannot both be present)" },
    { "an object Resource is a syntax error", ID,
      DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:A\",\"Resource\":{\"a\":\"b\"}"
          "}"),
      "Syntax errors in policy. (Statement[0], Resource: must be a string or a "
      "list of strings)" },
    { "a resource that is not an ARN is rejected", ID,
      DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:A\",\"Resource\":\"invalid "
          "resource\"}"),
      "Resource invalid resource must be in ARN format or \"*\". "
      "(Statement[0], "
      "Resource)" },
    { "an empty resource is rejected", ID,
      DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:A\",\"Resource\":\"\"}"),
      "Resource  must be in ARN format or \"*\". (Statement[0], Resource)" },
    { "a NotResource that is not an ARN is rejected against NotResource", ID,
      DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:A\",\"NotResource\":[\"adf\"]"
          "}"),
      "Resource adf must be in ARN format or \"*\". (Statement[0], "
      "NotResource)" },
    { "an unknown partition is rejected", ID,
      DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:A\",\"Resource\":"
          "\"arn:error:s3:::example_bucket\"}"),
      "Partition \"error\" is not valid for resource "
      "\"arn:error:s3:::example_bucket\". (Statement[0], Resource)" },
    { "an ARN without a service is rejected", ID,
      DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:A\",\"Resource\":\"arn:"
          "aws\"}"),
      "Resource vendor must be fully qualified and cannot contain regexes. "
      "(Statement[0], Resource: \"arn:aws\")" },
    { "a wildcard service is rejected", ID,
      DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:A\",\"Resource\":\"arn:aws:*::"
          ":b\"}"),
      "Resource vendor must be fully qualified and cannot contain regexes. "
      "(Statement[0], Resource: \"arn:aws:*:::b\")" },
    { "an ARN with too few segments fails legacy parsing", ID,
      DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:A\",\"Resource\":"
          "\"arn:aws:s3::example_bucket\"}"),
      "The policy failed legacy parsing (Statement[0], Resource: "
      "\"arn:aws:s3::example_bucket\" has too few ARN segments)" },
    { "an IAM resource with a region is rejected", ID,
      DOC("{\"Effect\":\"Allow\",\"Action\":\"iam:A\",\"Resource\":"
          "\"arn:aws:iam:us-east-1:123456789012:user/x\"}"),
      "IAM resource arn:aws:iam:us-east-1:123456789012:user/x cannot contain "
      "region information. (Statement[0], Resource)" },
    { "an S3 resource with a region is rejected", ID,
      DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:A\",\"Resource\":"
          "\"arn:aws:s3:us-east-1::b\"}"),
      "Resource arn:aws:s3:us-east-1::b can not contain region information. "
      "(Statement[0], Resource)" },

    /* --- Sid ----------------------------------------------------------- */
    { "a Sid with a space is rejected in identity policies", ID,
      DOC("{\"Sid\":\"Read all\"," ALLOW_ALL "}"),
      "Statement IDs (SID) must be alpha-numeric. Check that your input "
      "satisfies the regular expression [0-9A-Za-z]* (Statement[0] Sid \"Read "
      "all\", Sid)" },
    { "a Sid with a dash is rejected in trust policies", TRUST,
      DOC("{\"Sid\":\"a-b\",\"Effect\":\"Allow\",\"Principal\":\"*\","
          "\"Action\":"
          "\"sts:AssumeRole\"}"),
      "Statement IDs (SID) must be alpha-numeric. Check that your input "
      "satisfies the regular expression [0-9A-Za-z]* (Statement[0] Sid "
      "\"a-b\", "
      "Sid)" },
    { "a duplicate Sid is rejected naming the second statement", ID,
      DOC("[{\"Sid\":\"A\"," ALLOW_ALL "},{\"Sid\":\"B\"," ALLOW_ALL
          "},{\"Sid\":"
          "\"A\"," ALLOW_ALL "}]"),
      "Statement IDs (SID) in a single policy must be unique. (Statement[2] "
      "Sid "
      "\"A\", Sid)" },
    { "a numeric Sid is a syntax error", ID, DOC("{\"Sid\":1," ALLOW_ALL "}"),
      "Syntax errors in policy. (Statement[0], Sid: must be a string)" },

    /* --- principals ---------------------------------------------------- */
    { "an identity policy must not specify a principal", ID,
      DOC("{" ALLOW_ALL ",\"Principal\":\"*\"}"),
      "Policy document should not specify a principal. (Statement[0], "
      "Principal)" },
    { "an identity policy must not specify NotPrincipal", ID,
      DOC("{" ALLOW_ALL ",\"NotPrincipal\":{\"AWS\":\"123456789012\"}}"),
      "Policy document should not specify a principal. (Statement[0], "
      "NotPrincipal)" },
    { "a trust policy needs a principal", TRUST,
      DOC("{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\"}"),
      "Missing required field Principal (Statement[0], Principal)" },
    { "a bucket policy needs a principal", RES, DOC("{" ALLOW_ALL "}"),
      "Missing required field Principal (Statement[0], Principal)" },
    { "a trust policy must not have a Resource", TRUST,
      DOC("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sts:"
          "AssumeRole\","
          "\"Resource\":\"*\"}"),
      "Has prohibited field Resource (Statement[0], Resource)" },
    { "a trust policy must not have a NotResource", TRUST,
      DOC("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sts:"
          "AssumeRole\","
          "\"NotResource\":\"*\"}"),
      "Has prohibited field NotResource (Statement[0], NotResource)" },
    { "a trust policy must not use NotPrincipal", TRUST,
      DOC("{\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":\"123456789012\"},"
          "\"Action\":\"sts:AssumeRole\"}"),
      "Has prohibited field NotPrincipal (Statement[0], NotPrincipal)" },
    { "a bucket policy needs a resource", RES,
      DOC("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:"
          "GetObject\"}"),
      "Policy statement must contain resources. (Statement[0], Resource)" },
    { "Principal and NotPrincipal together are a syntax error", RES,
      DOC("{" ALLOW_ALL ",\"Principal\":\"*\",\"NotPrincipal\":\"*\"}"),
      "Syntax errors in policy. (Statement[0], Principal: Principal and "
      "NotPrincipal cannot both be present)" },
    { "a string principal other than star is a syntax error", RES,
      DOC("{" ALLOW_ALL ",\"Principal\":\"123456789012\"}"),
      "Syntax errors in policy. (Statement[0], Principal: a string principal "
      "must be \"*\")" },
    { "an unknown principal type is a syntax error", RES,
      DOC("{" ALLOW_ALL ",\"Principal\":{\"User\":\"bob\"}}"),
      "Syntax errors in policy. (Statement[0], Principal: unknown principal "
      "type)" },
    { "an empty principal object is a syntax error", RES,
      DOC("{" ALLOW_ALL ",\"Principal\":{}}"),
      "Syntax errors in policy. (Statement[0], Principal: no principal "
      "given)" },
    { "an empty AWS principal list is a syntax error", RES,
      DOC("{" ALLOW_ALL ",\"Principal\":{\"AWS\":[]}}"),
      "Syntax errors in policy. (Statement[0], Principal: empty principal "
      "list)" },
    { "a short account id is an invalid principal", TRUST,
      DOC("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"12345\"},\"Action\":"
          "\"sts:AssumeRole\"}"),
      "Invalid principal in policy (Statement[0], Principal: "
      "\"AWS\":\"12345\")" },
    { "a partial wildcard in a principal ARN is invalid", TRUST,
      DOC("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
          "\"arn:aws:iam::123456789012:role/"
          "*\"},\"Action\":\"sts:AssumeRole\"}"),
      "Invalid principal in policy (Statement[0], Principal: "
      "\"AWS\":\"arn:aws:iam::123456789012:role/*\")" },
    { "a group ARN is an invalid principal", RES,
      DOC("{" ALLOW_ALL ",\"Principal\":{\"AWS\":"
          "\"arn:aws:iam::123456789012:group/admins\"}}"),
      "Invalid principal in policy (Statement[0], Principal: "
      "\"AWS\":\"arn:aws:iam::123456789012:group/admins\")" },
    { "a wildcard service principal is invalid", TRUST,
      DOC("{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"*.amazonaws."
          "com\"},"
          "\"Action\":\"sts:AssumeRole\"}"),
      "Invalid principal in policy (Statement[0], Principal: "
      "\"Service\":\"*.amazonaws.com\")" },
    { "a numeric principal value is a syntax error", RES,
      DOC("{" ALLOW_ALL ",\"Principal\":{\"AWS\":123456789012}}"),
      "Syntax errors in policy. (Statement[0], Principal: principal values "
      "must "
      "be strings)" },

    /* --- conditions ---------------------------------------------------- */
    { "an unknown condition operator is rejected", ID,
      DOC("{" ALLOW_ALL ",\"Condition\":{\"StringEqualz\":{\"aws:a\":\"b\"}}}"),
      "Syntax errors in policy. (Statement[0], Condition: Invalid Condition "
      "type "
      ": StringEqualz)" },
    { "an unknown set prefix is rejected", ID,
      DOC("{" ALLOW_ALL ",\"Condition\":{\"ForSomeValues:StringEquals\":"
          "{\"aws:a\":\"b\"}}}"),
      "Syntax errors in policy. (Statement[0], Condition: Invalid Condition "
      "type "
      ": ForSomeValues:StringEquals)" },
    { "Null with IfExists is rejected", ID,
      DOC("{" ALLOW_ALL
          ",\"Condition\":{\"NullIfExists\":{\"aws:a\":\"true\"}}}"),
      "Syntax errors in policy. (Statement[0], Condition: Invalid Condition "
      "type "
      ": NullIfExists)" },
    { "operator names are case-sensitive", ID,
      DOC("{" ALLOW_ALL ",\"Condition\":{\"stringequals\":{\"aws:a\":\"b\"}}}"),
      "Syntax errors in policy. (Statement[0], Condition: Invalid Condition "
      "type "
      ": stringequals)" },
    { "a list Condition is a syntax error", ID,
      DOC("{" ALLOW_ALL ",\"Condition\":[]}"),
      "Syntax errors in policy. (Statement[0], Condition: Condition must be an "
      "object)" },
    { "a string operator block is a syntax error", ID,
      DOC("{" ALLOW_ALL ",\"Condition\":{\"DateGreaterThan\":\"b\"}}"),
      "Syntax errors in policy. (Statement[0], Condition: DateGreaterThan must "
      "map condition keys to values)" },
    { "an object condition value is a syntax error", ID,
      DOC("{" ALLOW_ALL ",\"Condition\":{\"StringEquals\":{\"aws:a\":{}}}}"),
      "Syntax errors in policy. (Statement[0], Condition: values of condition "
      "key "
      "aws:a must be strings)" },
    { "a condition key without a vendor is rejected", ID,
      DOC("{" ALLOW_ALL
          ",\"Condition\":{\"StringEquals\":{\"username\":\"b\"}}}"),
      "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, "
      "etc. "
      "(Statement[0], Condition: condition key username has no vendor "
      "prefix)" },
    { "an unreadable date fails legacy parsing", ID,
      DOC("{" ALLOW_ALL
          ",\"Condition\":{\"DateGreaterThan\":{\"aws:CurrentTime\":"
          "\"yesterday\"}}}"),
      "The policy failed legacy parsing (Statement[0], Condition: yesterday is "
      "not "
      "a valid date)" },
    { "an impossible date fails legacy parsing", ID,
      DOC("{" ALLOW_ALL ",\"Condition\":{\"DateLessThan\":{\"aws:CurrentTime\":"
          "\"2023-02-29T00:00:00Z\"}}}"),
      "The policy failed legacy parsing (Statement[0], Condition: "
      "2023-02-29T00:00:00Z is not a valid date)" },
    { "a document over the size ceiling is rejected", ID, NULL,
      "Cannot exceed quota for PolicySize: 20480 (document)" },
};

static int setup(void **state)
{
    (void)state;
    mem_install_cjson_hooks();
    return 0;
}

/* A valid document padded with spaces past POLICY_MAX_BYTES. */
static char *oversized(size_t *len)
{
    static const char head[] = DOC("{" ALLOW_ALL "}");
    *len = POLICY_MAX_BYTES + 1;
    char *text = xmalloc(*len + 1);
    memset(text, ' ', *len);
    memcpy(text, head, sizeof head - 1);
    text[*len] = '\0';
    return text;
}

/* Reports a mismatch and returns false, so that one run shows them all. */
static bool check_row(const struct row *r)
{
    bool ok = false;
    struct buf err;
    size_t len = r->json ? strlen(r->json) : 0;
    char *big = r->json ? NULL : oversized(&len);
    buf_init(&err, 0);
    struct policy *p =
        policy_parse(r->json ? r->json : big, len, r->kind, &err);
    if (r->error == NULL && p == NULL)
        print_error("%s: rejected: %s\n", r->name, buf_cstr(&err));
    else if (r->error != NULL && p != NULL)
        print_error("%s: accepted\n", r->name);
    else if (r->error != NULL && strcmp(buf_cstr(&err), r->error) != 0)
        print_error("%s:\n  got  %s\n  want %s\n", r->name, buf_cstr(&err),
                    r->error);
    else
        ok = true;
    policy_free(p);
    buf_clear(&err);
    free(big);
    return ok;
}

static void policy_rows_should_parse_or_fail_as_iam_does(void **state)
{
    size_t failed = 0;
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        failed += !check_row(&rows[i]);
    assert_int_equal(failed, 0);
}

static void statement_accessors_should_report_sid_and_effect(void **state)
{
    (void)state;
    static const char doc[] =
        DOC("[{\"Sid\":\"A\"," ALLOW_ALL "},{\"Effect\":"
            "\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]");
    struct buf err;
    buf_init(&err, 0);
    struct policy *p = policy_parse(doc, strlen(doc), ID, &err);
    assert_non_null(p);
    assert_int_equal(policy_statement_count(p), 2);
    assert_string_equal(policy_statement_sid(p, 0), "A");
    assert_null(policy_statement_sid(p, 1));
    assert_true(policy_statement_is_allow(p, 0));
    assert_false(policy_statement_is_allow(p, 1));
    assert_int_equal(policy_kind(p), ID);
    policy_free(p);
    buf_clear(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(policy_rows_should_parse_or_fail_as_iam_does),
        cmocka_unit_test(statement_accessors_should_report_sid_and_effect),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
