/* Unit tests for iam_cond (with iam_var and iam_value underneath): every
 * condition operator matching and not, missing keys, IfExists, the
 * ForAllValues/ForAnyValue set prefixes with empty sets, and policy
 * variables with defaults and escapes. Each row puts one Condition element
 * in an Allow-everything identity policy and evaluates it against a
 * context written as "key=v1|v2;key2=v" ("key=" is a key with no values). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/mem.h"
#include "iam/iam.h"
#include "iam/iam_value.h"
#include "iam/policy.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_KEYS 8
#define MAX_VALUES 8
#define CTX_TEXT_MAX 512

struct row {
    const char *name;
    const char *condition; /* the Condition element's JSON */
    const char *context;   /* "key=v1|v2;key=v" */
    bool expect;           /* the condition holds */
};

/* Rows for 2012-10-17 policies. */
static const struct row rows[] = {
    /* StringEquals and StringNotEquals */
    { "StringEquals matches an equal value",
      "{\"StringEquals\":{\"aws:username\":\"bob\"}}", "aws:username=bob",
      true },
    { "StringEquals is case-sensitive",
      "{\"StringEquals\":{\"aws:username\":\"bob\"}}", "aws:username=Bob",
      false },
    { "condition key names ignore case",
      "{\"StringEquals\":{\"AWS:UserName\":\"bob\"}}", "aws:username=bob",
      true },
    { "StringEquals with several values matches any of them",
      "{\"StringEquals\":{\"aws:username\":[\"alice\",\"bob\"]}}",
      "aws:username=bob", true },
    { "StringEquals with several values fails when none is equal",
      "{\"StringEquals\":{\"aws:username\":[\"alice\",\"carol\"]}}",
      "aws:username=bob", false },
    { "StringEquals with a missing key is false",
      "{\"StringEquals\":{\"aws:username\":\"bob\"}}", "", false },
    { "StringEquals with an empty value list never matches",
      "{\"StringEquals\":{\"aws:username\":[]}}", "aws:username=bob", false },
    { "StringEquals treats a star as a plain character",
      "{\"StringEquals\":{\"aws:username\":\"b*\"}}", "aws:username=bob",
      false },
    { "StringEquals matches a literal star",
      "{\"StringEquals\":{\"aws:username\":\"b*\"}}", "aws:username=b*", true },
    { "StringEqualsIfExists with a missing key is true",
      "{\"StringEqualsIfExists\":{\"aws:username\":\"bob\"}}", "", true },
    { "StringEqualsIfExists with a present unequal key is false",
      "{\"StringEqualsIfExists\":{\"aws:username\":\"bob\"}}",
      "aws:username=eve", false },
    { "StringNotEquals holds for a different value",
      "{\"StringNotEquals\":{\"aws:username\":\"bob\"}}", "aws:username=eve",
      true },
    { "StringNotEquals fails for an equal value",
      "{\"StringNotEquals\":{\"aws:username\":\"bob\"}}", "aws:username=bob",
      false },
    { "StringNotEquals with a missing key is true",
      "{\"StringNotEquals\":{\"aws:username\":\"bob\"}}", "", true },
    { "StringNotEquals fails when the value equals any listed value",
      "{\"StringNotEquals\":{\"aws:username\":[\"a\",\"b\"]}}",
      "aws:username=b", false },
    { "StringNotEquals holds when the value equals no listed value",
      "{\"StringNotEquals\":{\"aws:username\":[\"a\",\"b\"]}}",
      "aws:username=c", true },
    { "StringNotEqualsIfExists with a missing key is true",
      "{\"StringNotEqualsIfExists\":{\"aws:username\":\"bob\"}}", "", true },
    { "StringEqualsIgnoreCase ignores case",
      "{\"StringEqualsIgnoreCase\":{\"aws:username\":\"BOB\"}}",
      "aws:username=bob", true },
    { "StringEqualsIgnoreCase still compares the whole value",
      "{\"StringEqualsIgnoreCase\":{\"aws:username\":\"BOB\"}}",
      "aws:username=bobby", false },
    { "StringNotEqualsIgnoreCase fails for a value differing only in case",
      "{\"StringNotEqualsIgnoreCase\":{\"aws:username\":\"BOB\"}}",
      "aws:username=bob", false },
    { "StringNotEqualsIgnoreCase with a missing key is true",
      "{\"StringNotEqualsIgnoreCase\":{\"aws:username\":\"BOB\"}}", "", true },

    /* StringLike and StringNotLike */
    { "StringLike star matches a run",
      "{\"StringLike\":{\"s3:prefix\":\"home/*\"}}", "s3:prefix=home/a/b",
      true },
    { "StringLike question mark matches one character",
      "{\"StringLike\":{\"s3:prefix\":\"b?b\"}}", "s3:prefix=bob", true },
    { "StringLike question mark needs exactly one character",
      "{\"StringLike\":{\"s3:prefix\":\"b?\"}}", "s3:prefix=bob", false },
    { "StringLike with a key that has no values is false",
      "{\"StringLike\":{\"s3:prefix\":\"*\"}}", "s3:prefix=", false },
    { "StringLike star matches an empty value",
      "{\"StringLike\":{\"s3:prefix\":\"*\"}}", "s3:prefix=''", true },
    { "StringLike is case-sensitive", "{\"StringLike\":{\"s3:prefix\":\"B*\"}}",
      "s3:prefix=bob", false },
    { "StringLike with several patterns matches any",
      "{\"StringLike\":{\"s3:prefix\":[\"x*\",\"*ob\"]}}", "s3:prefix=bob",
      true },
    { "StringLike with a missing key is false",
      "{\"StringLike\":{\"s3:prefix\":\"*\"}}", "", false },
    { "StringLike with two stars backtracks",
      "{\"StringLike\":{\"s3:prefix\":\"*a*b\"}}", "s3:prefix=xaxaxb", true },
    { "StringNotLike fails for a matching value",
      "{\"StringNotLike\":{\"s3:prefix\":\"b*\"}}", "s3:prefix=bob", false },
    { "StringNotLike holds for a value matching no pattern",
      "{\"StringNotLike\":{\"s3:prefix\":[\"x*\",\"y*\"]}}", "s3:prefix=bob",
      true },
    { "StringNotLike with a missing key is true",
      "{\"StringNotLike\":{\"s3:prefix\":\"b*\"}}", "", true },
    { "StringLikeIfExists with a missing key is true",
      "{\"StringLikeIfExists\":{\"s3:prefix\":\"b*\"}}", "", true },

    /* Numeric */
    { "NumericEquals matches an equal number",
      "{\"NumericEquals\":{\"s3:max-keys\":\"10\"}}", "s3:max-keys=10", true },
    { "NumericEquals compares numbers, not text",
      "{\"NumericEquals\":{\"s3:max-keys\":\"10\"}}", "s3:max-keys=10.0",
      true },
    { "NumericEquals fails for another number",
      "{\"NumericEquals\":{\"s3:max-keys\":\"10\"}}", "s3:max-keys=11", false },
    { "NumericEquals takes a JSON number in the policy",
      "{\"NumericEquals\":{\"s3:max-keys\":10}}", "s3:max-keys=10", true },
    { "NumericEquals fails for a request value that is not a number",
      "{\"NumericEquals\":{\"s3:max-keys\":\"10\"}}", "s3:max-keys=ten",
      false },
    { "NumericEquals with a missing key is false",
      "{\"NumericEquals\":{\"s3:max-keys\":\"10\"}}", "", false },
    { "NumericNotEquals holds for another number",
      "{\"NumericNotEquals\":{\"s3:max-keys\":\"10\"}}", "s3:max-keys=11",
      true },
    { "NumericNotEquals fails for an equal number",
      "{\"NumericNotEquals\":{\"s3:max-keys\":\"10\"}}", "s3:max-keys=10",
      false },
    { "NumericNotEquals with a missing key is true",
      "{\"NumericNotEquals\":{\"s3:max-keys\":\"10\"}}", "", true },
    { "NumericLessThan holds below",
      "{\"NumericLessThan\":{\"s3:max-keys\":\"10\"}}", "s3:max-keys=9", true },
    { "NumericLessThan fails at the bound",
      "{\"NumericLessThan\":{\"s3:max-keys\":\"10\"}}", "s3:max-keys=10",
      false },
    { "NumericLessThan handles negative decimals",
      "{\"NumericLessThan\":{\"s3:max-keys\":\"-1.5\"}}", "s3:max-keys=-2",
      true },
    { "NumericLessThanEquals holds at the bound",
      "{\"NumericLessThanEquals\":{\"s3:max-keys\":\"10\"}}", "s3:max-keys=10",
      true },
    { "NumericLessThanEquals fails above",
      "{\"NumericLessThanEquals\":{\"s3:max-keys\":\"10\"}}", "s3:max-keys=11",
      false },
    { "NumericGreaterThan holds above",
      "{\"NumericGreaterThan\":{\"s3:max-keys\":\"10\"}}", "s3:max-keys=11",
      true },
    { "NumericGreaterThan fails at the bound",
      "{\"NumericGreaterThan\":{\"s3:max-keys\":\"10\"}}", "s3:max-keys=10",
      false },
    { "NumericGreaterThanEquals holds at the bound",
      "{\"NumericGreaterThanEquals\":{\"s3:max-keys\":\"10\"}}",
      "s3:max-keys=10", true },
    { "NumericGreaterThanEquals fails below",
      "{\"NumericGreaterThanEquals\":{\"s3:max-keys\":\"10\"}}",
      "s3:max-keys=9", false },
    { "NumericLessThanIfExists with a missing key is true",
      "{\"NumericLessThanIfExists\":{\"s3:max-keys\":\"10\"}}", "", true },
    { "NumericLessThan with a policy value that is not a number never holds",
      "{\"NumericLessThan\":{\"s3:max-keys\":\"ten\"}}", "s3:max-keys=1",
      false },
    { "numeric request values reject hexadecimal text",
      "{\"NumericEquals\":{\"s3:max-keys\":\"16\"}}", "s3:max-keys=0x10",
      false },

    /* Date */
    { "DateGreaterThan holds for a later time",
      "{\"DateGreaterThan\":{\"aws:CurrentTime\":\"2024-01-01T00:00:00Z\"}}",
      "aws:CurrentTime=2024-06-01T00:00:00Z", true },
    { "DateGreaterThan fails for an earlier time",
      "{\"DateGreaterThan\":{\"aws:CurrentTime\":\"2024-01-01T00:00:00Z\"}}",
      "aws:CurrentTime=2023-12-31T23:59:59Z", false },
    { "DateGreaterThan reads epoch seconds in the request",
      "{\"DateGreaterThan\":{\"aws:CurrentTime\":\"2024-01-01T00:00:00Z\"}}",
      "aws:CurrentTime=1717200000", true },
    { "DateGreaterThan reads epoch seconds in the policy",
      "{\"DateGreaterThan\":{\"aws:EpochTime\":\"1704067200\"}}",
      "aws:EpochTime=2024-01-01T00:00:01Z", true },
    { "DateEquals compares instants across time zones",
      "{\"DateEquals\":{\"aws:CurrentTime\":\"2024-01-01T00:00:00Z\"}}",
      "aws:CurrentTime=2024-01-01T01:00:00+01:00", true },
    { "DateEquals reads an offset without a colon",
      "{\"DateEquals\":{\"aws:CurrentTime\":\"2024-01-01T00:00:00Z\"}}",
      "aws:CurrentTime=2023-12-31T19:00:00-0500", true },
    { "DateEquals compares fractional seconds",
      "{\"DateEquals\":{\"aws:CurrentTime\":\"2024-01-01T00:00:00.5Z\"}}",
      "aws:CurrentTime=2024-01-01T00:00:00.500Z", true },
    { "DateEquals fails a millisecond apart",
      "{\"DateEquals\":{\"aws:CurrentTime\":\"2024-01-01T00:00:00.500Z\"}}",
      "aws:CurrentTime=2024-01-01T00:00:00.501Z", false },
    { "DateLessThan reads a date without a time as midnight UTC",
      "{\"DateLessThan\":{\"aws:CurrentTime\":\"2024-01-01\"}}",
      "aws:CurrentTime=2023-12-31T23:59:59Z", true },
    { "DateLessThan fails at the bound",
      "{\"DateLessThan\":{\"aws:CurrentTime\":\"2024-01-01\"}}",
      "aws:CurrentTime=2024-01-01T00:00:00Z", false },
    { "DateLessThanEquals holds at the bound",
      "{\"DateLessThanEquals\":{\"aws:CurrentTime\":\"2024-01-01\"}}",
      "aws:CurrentTime=2024-01-01T00:00:00Z", true },
    { "DateGreaterThanEquals holds at the bound",
      "{\"DateGreaterThanEquals\":{\"aws:CurrentTime\":\"2024-02-29T12:00Z\"}}",
      "aws:CurrentTime=2024-02-29T12:00:00Z", true },
    { "DateNotEquals holds for another instant",
      "{\"DateNotEquals\":{\"aws:CurrentTime\":\"2024-01-01\"}}",
      "aws:CurrentTime=2024-01-02", true },
    { "DateNotEquals with a missing key is true",
      "{\"DateNotEquals\":{\"aws:TokenIssueTime\":\"2024-01-01\"}}", "", true },
    { "DateLessThan with a missing key is false",
      "{\"DateLessThan\":{\"aws:TokenIssueTime\":\"2024-01-01\"}}", "", false },
    { "DateLessThan fails for a request value that is not a date",
      "{\"DateLessThan\":{\"aws:CurrentTime\":\"2024-01-01\"}}",
      "aws:CurrentTime=soon", false },
    { "DateGreaterThanIfExists with a missing key is true",
      "{\"DateGreaterThanIfExists\":{\"aws:TokenIssueTime\":\"2024-01-01\"}}",
      "", true },

    /* Bool and BinaryEquals */
    { "Bool matches true", "{\"Bool\":{\"aws:SecureTransport\":\"true\"}}",
      "aws:SecureTransport=true", true },
    { "Bool fails for false", "{\"Bool\":{\"aws:SecureTransport\":\"true\"}}",
      "aws:SecureTransport=false", false },
    { "Bool ignores case", "{\"Bool\":{\"aws:SecureTransport\":\"true\"}}",
      "aws:SecureTransport=TRUE", true },
    { "Bool takes a JSON boolean in the policy",
      "{\"Bool\":{\"aws:SecureTransport\":false}}", "aws:SecureTransport=false",
      true },
    { "Bool with a missing key is false",
      "{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"false\"}}", "", false },
    { "BoolIfExists with a missing key is true",
      "{\"BoolIfExists\":{\"aws:MultiFactorAuthPresent\":\"false\"}}", "",
      true },
    { "BinaryEquals matches the same base64 text",
      "{\"BinaryEquals\":{\"aws:key\":\"QmluYXJ5VmFsdWU=\"}}",
      "aws:key=QmluYXJ5VmFsdWU=", true },
    { "BinaryEquals is case-sensitive",
      "{\"BinaryEquals\":{\"aws:key\":\"QmluYXJ5VmFsdWU=\"}}",
      "aws:key=qmluyxj5vmfsdwu=", false },

    /* IP addresses */
    { "IpAddress matches an address inside a v4 block",
      "{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}",
      "aws:SourceIp=203.0.113.7", true },
    { "IpAddress fails outside a v4 block",
      "{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}",
      "aws:SourceIp=203.0.114.1", false },
    { "IpAddress without a prefix is a single address",
      "{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.7\"}}",
      "aws:SourceIp=203.0.113.7", true },
    { "IpAddress without a prefix excludes its neighbour",
      "{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.7\"}}",
      "aws:SourceIp=203.0.113.8", false },
    { "IpAddress honours a prefix that is not byte-aligned",
      "{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.128/25\"}}",
      "aws:SourceIp=10.0.0.200", true },
    { "IpAddress excludes below a prefix that is not byte-aligned",
      "{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.128/25\"}}",
      "aws:SourceIp=10.0.0.100", false },
    { "IpAddress slash zero matches every v4 address",
      "{\"IpAddress\":{\"aws:SourceIp\":\"0.0.0.0/0\"}}",
      "aws:SourceIp=8.8.8.8", true },
    { "IpAddress matches inside a v6 block",
      "{\"IpAddress\":{\"aws:SourceIp\":\"2001:DB8:1234:5678::/64\"}}",
      "aws:SourceIp=2001:db8:1234:5678:abcd::1", true },
    { "IpAddress fails outside a v6 block",
      "{\"IpAddress\":{\"aws:SourceIp\":\"2001:DB8:1234:5678::/64\"}}",
      "aws:SourceIp=2001:db8:1234:5679::1", false },
    { "a v4 block never matches a v6 address",
      "{\"IpAddress\":{\"aws:SourceIp\":\"0.0.0.0/0\"}}", "aws:SourceIp=::1",
      false },
    { "IpAddress with several blocks matches any",
      "{\"IpAddress\":{\"aws:SourceIp\":[\"192.0.2.0/24\",\"203.0.113.0/"
      "24\"]}}",
      "aws:SourceIp=203.0.113.9", true },
    { "IpAddress fails for a request value that is not an address",
      "{\"IpAddress\":{\"aws:SourceIp\":\"0.0.0.0/0\"}}",
      "aws:SourceIp=localhost", false },
    { "IpAddress with a missing key is false",
      "{\"IpAddress\":{\"aws:SourceIp\":\"0.0.0.0/0\"}}", "", false },
    { "NotIpAddress fails inside the block",
      "{\"NotIpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}",
      "aws:SourceIp=203.0.113.7", false },
    { "NotIpAddress holds outside the block",
      "{\"NotIpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}",
      "aws:SourceIp=198.51.100.1", true },
    { "NotIpAddress with a missing key is true",
      "{\"NotIpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}", "", true },

    /* ARN */
    { "ArnEquals matches the same ARN",
      "{\"ArnEquals\":{\"aws:SourceArn\":\"arn:aws:sns:us-east-1:123456789012:"
      "t\"}}",
      "aws:SourceArn=arn:aws:sns:us-east-1:123456789012:t", true },
    { "ArnEquals takes wildcards like ArnLike",
      "{\"ArnEquals\":{\"aws:SourceArn\":\"arn:aws:sns:*:123456789012:t\"}}",
      "aws:SourceArn=arn:aws:sns:eu-west-1:123456789012:t", true },
    { "ArnLike matches a wildcard resource part",
      "{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:s3:::bucket/*\"}}",
      "aws:SourceArn=arn:aws:s3:::bucket/a/b", true },
    { "ArnLike matches a wildcard account",
      "{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:sqs:us-east-1:*:q\"}}",
      "aws:SourceArn=arn:aws:sqs:us-east-1:123456789012:q", true },
    { "ArnLike wildcards stay inside their segment",
      "{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:sqs:us-*:q\"}}",
      "aws:SourceArn=arn:aws:sqs:us-east-1:123456789012:q", false },
    { "ArnLike is case-sensitive",
      "{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:s3:::Bucket\"}}",
      "aws:SourceArn=arn:aws:s3:::bucket", false },
    { "ArnLike fails for a request value that is not an ARN",
      "{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:s3:::*\"}}",
      "aws:SourceArn=bucket", false },
    { "ArnLike resource part may hold colons",
      "{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:logs:*:*:log-group:/app:*\"}}",
      "aws:SourceArn=arn:aws:logs:us-east-1:123456789012:log-group:/"
      "app:log-stream:x",
      true },
    { "ArnNotLike fails for a matching ARN",
      "{\"ArnNotLike\":{\"aws:SourceArn\":\"arn:aws:s3:::b*\"}}",
      "aws:SourceArn=arn:aws:s3:::bucket", false },
    { "ArnNotLike holds for an ARN matching no pattern",
      "{\"ArnNotLike\":{\"aws:SourceArn\":\"arn:aws:s3:::x*\"}}",
      "aws:SourceArn=arn:aws:s3:::bucket", true },
    { "ArnNotEquals with a missing key is true",
      "{\"ArnNotEquals\":{\"aws:SourceArn\":\"arn:aws:s3:::x\"}}", "", true },
    { "ArnLike with a missing key is false",
      "{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:s3:::*\"}}", "", false },
    { "ArnLikeIfExists with a missing key is true",
      "{\"ArnLikeIfExists\":{\"aws:SourceArn\":\"arn:aws:s3:::x\"}}", "",
      true },

    /* Null */
    { "Null true holds for a missing key",
      "{\"Null\":{\"aws:TokenIssueTime\":\"true\"}}", "", true },
    { "Null true fails for a present key",
      "{\"Null\":{\"aws:TokenIssueTime\":\"true\"}}", "aws:TokenIssueTime=x",
      false },
    { "Null false holds for a present key",
      "{\"Null\":{\"aws:TokenIssueTime\":\"false\"}}", "aws:TokenIssueTime=x",
      true },
    { "Null false fails for a missing key",
      "{\"Null\":{\"aws:TokenIssueTime\":\"false\"}}", "", false },
    { "Null counts a key with no values as missing",
      "{\"Null\":{\"aws:TagKeys\":\"true\"}}", "aws:TagKeys=", true },
    { "Null takes a JSON boolean", "{\"Null\":{\"aws:TagKeys\":false}}",
      "aws:TagKeys=a", true },

    /* AND across keys and operators */
    { "several keys in one operator must all hold",
      "{\"StringEquals\":{\"aws:a\":\"1\",\"aws:b\":\"2\"}}", "aws:a=1;aws:b=2",
      true },
    { "several keys in one operator fail when one fails",
      "{\"StringEquals\":{\"aws:a\":\"1\",\"aws:b\":\"2\"}}", "aws:a=1;aws:b=3",
      false },
    { "several operators must all hold",
      "{\"StringEquals\":{\"aws:a\":\"1\"},\"Bool\":{\"aws:SecureTransport\":"
      "\"true\"}}",
      "aws:a=1;aws:SecureTransport=false", false },
    { "several operators hold together",
      "{\"StringEquals\":{\"aws:a\":\"1\"},\"Bool\":{\"aws:SecureTransport\":"
      "\"true\"}}",
      "aws:a=1;aws:SecureTransport=true", true },
    { "an empty Condition element always holds", "{}", "", true },

    /* Set operators */
    { "ForAnyValue holds when one request value matches",
      "{\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":[\"a\",\"b\"]}}",
      "aws:TagKeys=c|a", true },
    { "ForAnyValue fails when no request value matches",
      "{\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":[\"a\",\"b\"]}}",
      "aws:TagKeys=c|d", false },
    { "ForAnyValue with a missing key is false",
      "{\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":[\"a\",\"b\"]}}", "",
      false },
    { "ForAnyValue with an empty value set is false",
      "{\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":[\"a\",\"b\"]}}",
      "aws:TagKeys=", false },
    { "ForAnyValue IfExists with a missing key is true",
      "{\"ForAnyValue:StringEqualsIfExists\":{\"aws:TagKeys\":\"a\"}}", "",
      true },
    { "ForAllValues holds when every request value matches",
      "{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"a\",\"b\"]}}",
      "aws:TagKeys=b|a", true },
    { "ForAllValues fails when one request value matches nothing",
      "{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"a\",\"b\"]}}",
      "aws:TagKeys=a|c", false },
    { "ForAllValues with a missing key is true",
      "{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"a\",\"b\"]}}", "",
      true },
    { "ForAllValues with an empty value set is true",
      "{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"a\",\"b\"]}}",
      "aws:TagKeys=", true },
    { "ForAllValues with StringLike matches every value by pattern",
      "{\"ForAllValues:StringLike\":{\"aws:TagKeys\":\"env*\"}}",
      "aws:TagKeys=env1|env2", true },
    { "ForAnyValue with StringNotEquals holds when one value differs",
      "{\"ForAnyValue:StringNotEquals\":{\"aws:TagKeys\":\"a\"}}",
      "aws:TagKeys=a|b", true },
    { "ForAnyValue with StringNotEquals fails when every value is listed",
      "{\"ForAnyValue:StringNotEquals\":{\"aws:TagKeys\":\"a\"}}",
      "aws:TagKeys=a", false },
    { "ForAllValues with StringNotEquals holds when no value is listed",
      "{\"ForAllValues:StringNotEquals\":{\"aws:TagKeys\":\"a\"}}",
      "aws:TagKeys=b|c", true },
    { "ForAllValues with StringNotEquals fails when one value is listed",
      "{\"ForAllValues:StringNotEquals\":{\"aws:TagKeys\":\"a\"}}",
      "aws:TagKeys=a|b", false },
    { "ForAnyValue works with numeric operators",
      "{\"ForAnyValue:NumericLessThan\":{\"aws:n\":\"3\"}}", "aws:n=5|1",
      true },
    { "a multivalued key without a set operator matches on any value",
      "{\"StringEquals\":{\"aws:TagKeys\":\"a\"}}", "aws:TagKeys=a|b", true },
    { "a negated operator on a multivalued key fails when any value is listed",
      "{\"StringNotEquals\":{\"aws:TagKeys\":\"a\"}}", "aws:TagKeys=a|b",
      false },

    /* Policy variables */
    { "a variable takes the request's value",
      "{\"StringEquals\":{\"aws:ResourceTag/owner\":\"${aws:username}\"}}",
      "aws:ResourceTag/owner=bob;aws:username=bob", true },
    { "a variable compares with the value it takes",
      "{\"StringEquals\":{\"aws:ResourceTag/owner\":\"${aws:username}\"}}",
      "aws:ResourceTag/owner=bob;aws:username=alice", false },
    { "a variable without a value makes StringEquals fail",
      "{\"StringEquals\":{\"aws:ResourceTag/owner\":\"${aws:username}\"}}",
      "aws:ResourceTag/owner=bob", false },
    { "a variable without a value makes StringNotEquals hold",
      "{\"StringNotEquals\":{\"s3:ExistingObjectTag/Team\":"
      "\"${aws:PrincipalTag/Team}\"}}",
      "s3:ExistingObjectTag/Team=red", true },
    { "a variable names its key ignoring case",
      "{\"StringEquals\":{\"aws:ResourceTag/owner\":\"${AWS:UserName}\"}}",
      "aws:ResourceTag/owner=bob;aws:username=bob", true },
    { "a principal tag variable is substituted",
      "{\"StringEquals\":{\"aws:ResourceTag/team\":\"${aws:PrincipalTag/"
      "team}\"}}",
      "aws:ResourceTag/team=red;aws:PrincipalTag/team=red", true },
    { "a variable is substituted inside a pattern",
      "{\"StringLike\":{\"s3:prefix\":\"home/${aws:username}/*\"}}",
      "s3:prefix=home/bob/x;aws:username=bob", true },
    { "a substituted value is literal inside a pattern",
      "{\"StringLike\":{\"s3:prefix\":\"home/${aws:username}/*\"}}",
      "s3:prefix=home/bob/x;aws:username=b*", false },
    { "a substituted star matches only a star",
      "{\"StringLike\":{\"s3:prefix\":\"home/${aws:username}/*\"}}",
      "s3:prefix=home/b*/x;aws:username=b*", true },
    { "a default value stands in for a missing key",
      "{\"StringEquals\":{\"aws:ResourceTag/owner\":\"${aws:username, "
      "'nobody'}\"}}",
      "aws:ResourceTag/owner=nobody", true },
    { "a default value is not used when the key is present",
      "{\"StringEquals\":{\"aws:ResourceTag/owner\":\"${aws:username, "
      "'nobody'}\"}}",
      "aws:ResourceTag/owner=nobody;aws:username=bob", false },
    { "a doubled quote in a default value is one quote",
      "{\"StringEquals\":{\"aws:ResourceTag/owner\":\"${aws:username, "
      "'o''brien'}\"}}",
      "aws:ResourceTag/owner=o'brien", true },
    { "a default value is substituted once, not again",
      "{\"StringEquals\":{\"aws:ResourceTag/owner\":\"${aws:username, "
      "'${aws:userid}'}\"}}",
      "aws:ResourceTag/owner=${aws:userid};aws:userid=AIDA", true },
    { "a default value without quotes never resolves",
      "{\"StringEquals\":{\"aws:ResourceTag/owner\":\"${aws:username, "
      "nobody}\"}}",
      "aws:ResourceTag/owner=nobody", false },
    { "an empty variable never resolves",
      "{\"StringEquals\":{\"aws:ResourceTag/owner\":\"x${}\"}}",
      "aws:ResourceTag/owner=x", false },
    { "an unclosed variable is plain text",
      "{\"StringEquals\":{\"aws:ResourceTag/owner\":\"${aws:username\"}}",
      "aws:ResourceTag/owner=${aws:username;aws:username=bob", true },
    { "a multivalued key cannot be a variable",
      "{\"StringEquals\":{\"aws:ResourceTag/k\":\"${aws:TagKeys}\"}}",
      "aws:ResourceTag/k=a;aws:TagKeys=a|b", false },
    { "a single-valued key holding one value can be a variable",
      "{\"StringEquals\":{\"aws:ResourceTag/k\":\"${aws:TagKeys}\"}}",
      "aws:ResourceTag/k=a;aws:TagKeys=a", true },
    { "the star escape is a literal star in StringEquals",
      "{\"StringEquals\":{\"aws:ResourceTag/k\":\"a${*}b\"}}",
      "aws:ResourceTag/k=a*b", true },
    { "the star escape is a literal star in StringLike",
      "{\"StringLike\":{\"aws:ResourceTag/k\":\"a${*}\"}}",
      "aws:ResourceTag/k=ab", false },
    { "the star escape matches a star in StringLike",
      "{\"StringLike\":{\"aws:ResourceTag/k\":\"a${*}\"}}",
      "aws:ResourceTag/k=a*", true },
    { "the question mark escape is literal in StringLike",
      "{\"StringLike\":{\"aws:ResourceTag/k\":\"a${?}\"}}",
      "aws:ResourceTag/k=ab", false },
    { "the dollar escape writes a dollar",
      "{\"StringEquals\":{\"aws:ResourceTag/k\":\"${$}{x}\"}}",
      "aws:ResourceTag/k=${x}", true },
    { "a variable in an ARN condition is substituted",
      "{\"ArnLike\":{\"aws:PrincipalArn\":"
      "\"arn:aws:iam::123456789012:user/${aws:username}\"}}",
      "aws:PrincipalArn=arn:aws:iam::123456789012:user/bob;aws:username=bob",
      true },
    { "a variable in an ARN condition compares with its value",
      "{\"ArnLike\":{\"aws:PrincipalArn\":"
      "\"arn:aws:iam::123456789012:user/${aws:username}\"}}",
      "aws:PrincipalArn=arn:aws:iam::123456789012:user/bob;aws:username=eve",
      false },
    { "numeric operators do not substitute variables",
      "{\"NumericEquals\":{\"s3:max-keys\":\"${aws:n}\"}}",
      "s3:max-keys=1;aws:n=1", false },
    { "the source IP can be a variable",
      "{\"StringEquals\":{\"aws:ResourceTag/ip\":\"${aws:SourceIp}\"}}",
      "aws:ResourceTag/ip=10.0.0.1;aws:SourceIp=10.0.0.1", true },
};

/* Rows for policies without a version (the 2008 grammar). */
static const struct row rows_2008[] = {
    { "version 2008 does not substitute variables",
      "{\"StringEquals\":{\"aws:ResourceTag/owner\":\"${aws:username}\"}}",
      "aws:ResourceTag/owner=bob;aws:username=bob", false },
    { "version 2008 compares variables as plain text",
      "{\"StringEquals\":{\"aws:ResourceTag/owner\":\"${aws:username}\"}}",
      "aws:ResourceTag/owner=${aws:username};aws:username=bob", true },
    { "version 2008 keeps escapes as plain text",
      "{\"StringEquals\":{\"aws:ResourceTag/k\":\"a${*}\"}}",
      "aws:ResourceTag/k=a${*}", true },
};

/* The context of one row, parsed from its text into fixed arrays. */
struct ctx {
    char text[CTX_TEXT_MAX];
    struct iam_context_entry entries[MAX_KEYS];
    const char *values[MAX_KEYS][MAX_VALUES];
    struct iam_context context;
};

/* Splits "k=v1|v2;k2=v" in place; "''" stands for an empty value. */
static void parse_ctx(struct ctx *c, const char *spec)
{
    size_t n = 0;
    snprintf(c->text, sizeof c->text, "%s", spec);
    for (char *item = strtok(c->text, ";"); item && n < MAX_KEYS;
         item = strtok(NULL, ";")) {
        char *eq = strchr(item, '=');
        assert_non_null(eq);
        *eq = '\0';
        struct iam_context_entry *e = &c->entries[n];
        e->key = item;
        e->values = c->values[n];
        e->n_values = 0;
        for (char *v = eq + 1; *v && e->n_values < MAX_VALUES;) {
            char *bar = strchr(v, '|');
            if (bar != NULL)
                *bar = '\0';
            c->values[n][e->n_values++] = strcmp(v, "''") == 0 ? "" : v;
            if (bar == NULL)
                break;
            v = bar + 1;
        }
        n++;
    }
    c->context = (struct iam_context){ c->entries, n };
}

static bool check_row(const struct row *r, const char *version)
{
    char doc[4096];
    struct buf err;
    struct ctx c;
    struct iam_result res;
    snprintf(
        doc, sizeof doc,
        "{%s\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
        "\"Resource\":\"*\",\"Condition\":%s}}",
        version, r->condition);
    buf_init(&err, 0);
    struct policy *p = policy_parse(doc, strlen(doc), POLICY_IDENTITY, &err);
    if (p == NULL) {
        print_error("%s: rejected: %s\n", r->name, buf_cstr(&err));
        buf_clear(&err);
        return false;
    }
    parse_ctx(&c, r->context);
    struct iam_policy_ref ref = { "p", p };
    struct iam_request req = {
        .principal_type = IAM_PRINCIPAL_AWS,
        .principal = "arn:aws:iam::123456789012:user/bob",
        .action = "s3:GetObject",
        .resource = "arn:aws:s3:::b/k",
        .context = &c.context,
        .is_same_account = true,
    };
    iam_evaluate(&req, &ref, 1, NULL, &res);
    bool got = res.decision == IAM_ALLOW;
    if (got != r->expect)
        print_error("%s: condition %s, want %s\n", r->name,
                    got ? "held" : "failed", r->expect ? "held" : "failed");
    policy_free(p);
    buf_clear(&err);
    return got == r->expect;
}

static int setup(void **state)
{
    (void)state;
    mem_install_cjson_hooks();
    return 0;
}

static void condition_rows_should_evaluate_as_iam_documents(void **state)
{
    size_t failed = 0;
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        failed += !check_row(&rows[i], "\"Version\":\"2012-10-17\",");
    for (size_t i = 0; i < sizeof rows_2008 / sizeof rows_2008[0]; i++)
        failed += !check_row(&rows_2008[i], "");
    assert_int_equal(failed, 0);
}

struct date_row {
    const char *text;
    int rc;
    int64_t ms;
};

static void dates_should_parse_to_epoch_milliseconds(void **state)
{
    static const struct date_row dates[] = {
        { "1970-01-01", 0, 0 },
        { "1970-01-01T00:00:01Z", 0, 1000 },
        { "2000-02-29T12:34:56.789Z", 0, 951827696789 },
        { "2024-01-01t00:00:00z", 0, 1704067200000 },
        { "2024-01-01T02:00:00+02:00", 0, 1704067200000 },
        { "2024-01-01T02:00+02", 0, 1704067200000 },
        { "1704067200", 0, 1704067200000 },
        { "2023-02-29", -1, 0 },
        { "2024-13-01", -1, 0 },
        { "2024-01-01T24:00:00Z", -1, 0 },
        { "2024-01-01T10:00:00Zjunk", -1, 0 },
        { "2024-1-1", -1, 0 },
        { "", -1, 0 },
    };
    (void)state;
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        int64_t ms = -7;
        int rc = iam_value_date(str_from(dates[i].text), &ms);
        if (rc != dates[i].rc || (rc == 0 && ms != dates[i].ms))
            fail_msg("%s: rc %d ms %lld", dates[i].text, rc, (long long)ms);
    }
}

static void cidrs_should_reject_bad_blocks(void **state)
{
    static const char *const bad[] = {
        "10.0.0.0/33", "::/129", "10.0.0/8",  "10.0.0.0/",
        "10.0.0.0/x",  "",       "1.2.3.4.5",
    };
    struct iam_cidr c;
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (iam_value_cidr(str_from(bad[i]), &c) == 0)
            fail_msg("%s accepted", bad[i]);
    assert_int_equal(iam_value_cidr(str_from("::/0"), &c), 0);
    assert_true(c.is_v6);
    assert_int_equal(c.bits, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(condition_rows_should_evaluate_as_iam_documents),
        cmocka_unit_test(dates_should_parse_to_epoch_milliseconds),
        cmocka_unit_test(cidrs_should_reject_bad_blocks),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
