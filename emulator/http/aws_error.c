/* Error catalogue; see aws_error.h. The namespaces are those real DynamoDB
 * puts in `__type` (validation and protocol errors come from the Coral
 * framework, table errors from the DynamoDB model); SDKs read the part after
 * '#', but tools that print the raw body show the whole string. */
#include "http/aws_error.h"

#include <assert.h>
#include <stddef.h>

#define CORAL_SERVICE "com.amazon.coral.service#"
#define CORAL_VALIDATE "com.amazon.coral.validate#"
#define CORAL_AVAILABILITY "com.amazon.coral.availability#"
#define DDB "com.amazonaws.dynamodb.v20120810#"
#define STREAMS "com.amazonaws.dynamodb.v20120810#"

struct aws_error_row {
    const char *code;
    const char *json_type;
    unsigned status;
    const char *sts_code; /* NULL: same as code */
    unsigned sts_status;  /* 0: same as status */
};

static const struct aws_error_row rows[AWS_ERR_COUNT] = {
    [AWS_ERR_NONE] = { "", "", 200 },
    [AWS_ERR_VALIDATION] = { "ValidationException",
                             CORAL_VALIDATE "ValidationException", 400 },
    [AWS_ERR_SERIALIZATION] = { "SerializationException",
                                CORAL_SERVICE "SerializationException", 400 },
    [AWS_ERR_UNKNOWN_OPERATION] = { "UnknownOperationException",
                                    CORAL_SERVICE "UnknownOperationException",
                                    400 },
    [AWS_ERR_INTERNAL] = { "InternalServerError", DDB "InternalServerError",
                           500 },
    [AWS_ERR_SERVICE_UNAVAILABLE] = { "ServiceUnavailable",
                                      CORAL_SERVICE "ServiceUnavailableException",
                                      503 },
    [AWS_ERR_THROTTLING] = { "ThrottlingException",
                             CORAL_AVAILABILITY "ThrottlingException", 400 },
    [AWS_ERR_REQUEST_TOO_LARGE] = { "RequestEntityTooLarge",
                                    CORAL_SERVICE "RequestEntityTooLarge", 413 },
    [AWS_ERR_MISSING_AUTH_TOKEN] = {
        "MissingAuthenticationTokenException",
        CORAL_SERVICE "MissingAuthenticationTokenException", 400 },
    [AWS_ERR_INCOMPLETE_SIGNATURE] = {
        "IncompleteSignatureException",
        CORAL_SERVICE "IncompleteSignatureException", 400 },
    [AWS_ERR_INVALID_SIGNATURE] = { "InvalidSignatureException",
                                    CORAL_SERVICE "InvalidSignatureException",
                                    400 },
    [AWS_ERR_UNRECOGNIZED_CLIENT] = {
        "UnrecognizedClientException",
        CORAL_SERVICE "UnrecognizedClientException", 400 },
    [AWS_ERR_ACCESS_DENIED] = { "AccessDeniedException",
                                CORAL_SERVICE "AccessDeniedException", 400 },
    [AWS_ERR_RESOURCE_NOT_FOUND] = { "ResourceNotFoundException",
                                     DDB "ResourceNotFoundException", 400 },
    [AWS_ERR_RESOURCE_IN_USE] = { "ResourceInUseException",
                                  DDB "ResourceInUseException", 400 },
    [AWS_ERR_CONDITIONAL_CHECK_FAILED] = {
        "ConditionalCheckFailedException",
        DDB "ConditionalCheckFailedException", 400 },
    [AWS_ERR_PROVISIONED_THROUGHPUT_EXCEEDED] = {
        "ProvisionedThroughputExceededException",
        DDB "ProvisionedThroughputExceededException", 400 },
    [AWS_ERR_LIMIT_EXCEEDED] = { "LimitExceededException",
                                 DDB "LimitExceededException", 400 },
    [AWS_ERR_ITEM_COLLECTION_SIZE_LIMIT] = {
        "ItemCollectionSizeLimitExceededException",
        DDB "ItemCollectionSizeLimitExceededException", 400 },
    [AWS_ERR_TRANSACTION_CANCELED] = { "TransactionCanceledException",
                                       DDB "TransactionCanceledException",
                                       400 },
    [AWS_ERR_TRANSACTION_CONFLICT] = { "TransactionConflictException",
                                       DDB "TransactionConflictException",
                                       400 },
    [AWS_ERR_IDEMPOTENT_PARAMETER_MISMATCH] = {
        "IdempotentParameterMismatchException",
        DDB "IdempotentParameterMismatchException", 400 },
    [AWS_ERR_TABLE_NOT_FOUND] = { "TableNotFoundException",
                                  DDB "TableNotFoundException", 400 },
    [AWS_ERR_EXPIRED_ITERATOR] = { "ExpiredIteratorException",
                                   STREAMS "ExpiredIteratorException", 400 },
    [AWS_ERR_TRIMMED_DATA_ACCESS] = { "TrimmedDataAccessException",
                                      STREAMS "TrimmedDataAccessException",
                                      400 },
    [AWS_ERR_EXPIRED_TOKEN] = { "ExpiredTokenException",
                                CORAL_SERVICE "ExpiredTokenException", 400,
                                "ExpiredToken", 400 },
    [AWS_ERR_MISSING_ACTION] = { "MissingAction",
                                 CORAL_SERVICE "MissingAction", 400 },
    [AWS_ERR_MALFORMED_POLICY] = { "ValidationException",
                                   CORAL_VALIDATE "ValidationException", 400,
                                   "MalformedPolicyDocument", 400 },
#define S3ROW(code, status) { code, code, status }
    [AWS_ERR_S3_NO_SUCH_BUCKET] = S3ROW("NoSuchBucket", 404),
    [AWS_ERR_S3_NO_SUCH_KEY] = S3ROW("NoSuchKey", 404),
    [AWS_ERR_S3_NO_SUCH_UPLOAD] = S3ROW("NoSuchUpload", 404),
    [AWS_ERR_S3_NO_SUCH_BUCKET_POLICY] = S3ROW("NoSuchBucketPolicy", 404),
    [AWS_ERR_S3_BUCKET_ALREADY_OWNED_BY_YOU] =
        S3ROW("BucketAlreadyOwnedByYou", 409),
    [AWS_ERR_S3_BUCKET_NOT_EMPTY] = S3ROW("BucketNotEmpty", 409),
    [AWS_ERR_S3_INVALID_BUCKET_NAME] = S3ROW("InvalidBucketName", 400),
    [AWS_ERR_S3_INVALID_LOCATION_CONSTRAINT] =
        S3ROW("InvalidLocationConstraint", 400),
    [AWS_ERR_S3_PRECONDITION_FAILED] = S3ROW("PreconditionFailed", 412),
    [AWS_ERR_S3_NOT_MODIFIED] = S3ROW("NotModified", 304),
    [AWS_ERR_S3_INVALID_RANGE] = S3ROW("InvalidRange", 416),
    [AWS_ERR_S3_BAD_DIGEST] = S3ROW("BadDigest", 400),
    [AWS_ERR_S3_INVALID_DIGEST] = S3ROW("InvalidDigest", 400),
    [AWS_ERR_S3_INVALID_PART] = S3ROW("InvalidPart", 400),
    [AWS_ERR_S3_INVALID_PART_ORDER] = S3ROW("InvalidPartOrder", 400),
    [AWS_ERR_S3_ENTITY_TOO_SMALL] = S3ROW("EntityTooSmall", 400),
    [AWS_ERR_S3_MALFORMED_XML] = S3ROW("MalformedXML", 400),
    [AWS_ERR_S3_INVALID_ARGUMENT] = S3ROW("InvalidArgument", 400),
    [AWS_ERR_S3_INVALID_REQUEST] = S3ROW("InvalidRequest", 400),
    [AWS_ERR_S3_KEY_TOO_LONG] = S3ROW("KeyTooLongError", 400),
    [AWS_ERR_S3_NOT_IMPLEMENTED] = S3ROW("NotImplemented", 501),
    [AWS_ERR_S3_METHOD_NOT_ALLOWED] = S3ROW("MethodNotAllowed", 405),
    [AWS_ERR_S3_CONTENT_SHA256_MISMATCH] =
        S3ROW("XAmzContentSHA256Mismatch", 400),
    [AWS_ERR_S3_INCOMPLETE_BODY] = S3ROW("IncompleteBody", 400),
    [AWS_ERR_S3_TIME_TOO_SKEWED] = S3ROW("RequestTimeTooSkewed", 403),
#undef S3ROW
};

/* S3's names and statuses for the conditions every service shares. */
static const struct {
    enum aws_err err;
    const char *code;
    unsigned status;
} s3_overrides[] = {
    { AWS_ERR_VALIDATION, "InvalidArgument", 400 },
    { AWS_ERR_SERIALIZATION, "MalformedXML", 400 },
    { AWS_ERR_UNKNOWN_OPERATION, "NotImplemented", 501 },
    { AWS_ERR_INTERNAL, "InternalError", 500 },
    { AWS_ERR_SERVICE_UNAVAILABLE, "ServiceUnavailable", 503 },
    { AWS_ERR_THROTTLING, "SlowDown", 503 },
    { AWS_ERR_REQUEST_TOO_LARGE, "EntityTooLarge", 400 },
    { AWS_ERR_MISSING_AUTH_TOKEN, "AccessDenied", 403 },
    { AWS_ERR_INCOMPLETE_SIGNATURE, "AuthorizationHeaderMalformed", 400 },
    { AWS_ERR_INVALID_SIGNATURE, "SignatureDoesNotMatch", 403 },
    { AWS_ERR_UNRECOGNIZED_CLIENT, "InvalidAccessKeyId", 403 },
    { AWS_ERR_ACCESS_DENIED, "AccessDenied", 403 },
    { AWS_ERR_EXPIRED_TOKEN, "ExpiredToken", 400 },
    { AWS_ERR_MALFORMED_POLICY, "MalformedPolicy", 400 },
};

/* STS's names and statuses for the conditions every service shares. */
static const struct {
    enum aws_err err;
    const char *code;
    unsigned status;
} sts_overrides[] = {
    { AWS_ERR_VALIDATION, "ValidationError", 400 },
    { AWS_ERR_MISSING_AUTH_TOKEN, "MissingAuthenticationToken", 403 },
    { AWS_ERR_INCOMPLETE_SIGNATURE, "IncompleteSignature", 400 },
    { AWS_ERR_INVALID_SIGNATURE, "SignatureDoesNotMatch", 403 },
    { AWS_ERR_UNRECOGNIZED_CLIENT, "InvalidClientTokenId", 403 },
    { AWS_ERR_ACCESS_DENIED, "AccessDenied", 403 },
    { AWS_ERR_UNKNOWN_OPERATION, "InvalidAction", 400 },
    { AWS_ERR_INTERNAL, "InternalFailure", 500 },
    { AWS_ERR_THROTTLING, "Throttling", 400 },
};

const char *aws_error_code(enum aws_err err)
{
    assert(err >= 0 && err < AWS_ERR_COUNT);
    return rows[err].code;
}

unsigned aws_error_status(enum aws_err err)
{
    assert(err >= 0 && err < AWS_ERR_COUNT);
    return rows[err].status;
}

const char *aws_error_json_type(enum aws_err err)
{
    assert(err >= 0 && err < AWS_ERR_COUNT);
    return rows[err].json_type;
}

static int sts_override(enum aws_err err)
{
    for (size_t i = 0; i < sizeof sts_overrides / sizeof sts_overrides[0];
         i++) {
        if (sts_overrides[i].err == err)
            return (int)i;
    }
    return -1;
}

const char *aws_error_sts_code(enum aws_err err)
{
    int i = sts_override(err);
    if (i >= 0)
        return sts_overrides[i].code;
    return rows[err].sts_code ? rows[err].sts_code : rows[err].code;
}

static int s3_override(enum aws_err err)
{
    for (size_t i = 0; i < sizeof s3_overrides / sizeof s3_overrides[0];
         i++) {
        if (s3_overrides[i].err == err)
            return (int)i;
    }
    return -1;
}

const char *aws_error_s3_code(enum aws_err err)
{
    int i = s3_override(err);
    return i >= 0 ? s3_overrides[i].code : rows[err].code;
}

unsigned aws_error_s3_status(enum aws_err err)
{
    int i = s3_override(err);
    return i >= 0 ? s3_overrides[i].status : rows[err].status;
}

unsigned aws_error_sts_status(enum aws_err err)
{
    int i = sts_override(err);
    if (i >= 0)
        return sts_overrides[i].status;
    return rows[err].sts_status ? rows[err].sts_status : rows[err].status;
}
