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

unsigned aws_error_sts_status(enum aws_err err)
{
    int i = sts_override(err);
    if (i >= 0)
        return sts_overrides[i].status;
    return rows[err].sts_status ? rows[err].sts_status : rows[err].status;
}
