/* The catalogue of AWS errors dynalake answers with: for each, the HTTP
 * status and the namespace AWS puts before '#' in a JSON `__type`. The same
 * code names serve the XML services (S3, STS), whose renderers use the code
 * alone. Messages are written where an error is raised (call_fail). */
#ifndef DYNALAKE_AWS_ERROR_H
#define DYNALAKE_AWS_ERROR_H

enum aws_err {
    AWS_ERR_NONE,
    /* Generic protocol errors. */
    AWS_ERR_VALIDATION,
    AWS_ERR_SERIALIZATION,
    AWS_ERR_UNKNOWN_OPERATION,
    AWS_ERR_INTERNAL,
    AWS_ERR_SERVICE_UNAVAILABLE,
    AWS_ERR_THROTTLING,
    AWS_ERR_REQUEST_TOO_LARGE,
    /* Authentication and authorization (DynamoDB/Streams names). */
    AWS_ERR_MISSING_AUTH_TOKEN,
    AWS_ERR_INCOMPLETE_SIGNATURE,
    AWS_ERR_INVALID_SIGNATURE,
    AWS_ERR_UNRECOGNIZED_CLIENT,
    AWS_ERR_ACCESS_DENIED,
    /* DynamoDB. */
    AWS_ERR_RESOURCE_NOT_FOUND,
    AWS_ERR_RESOURCE_IN_USE,
    AWS_ERR_CONDITIONAL_CHECK_FAILED,
    AWS_ERR_PROVISIONED_THROUGHPUT_EXCEEDED,
    AWS_ERR_LIMIT_EXCEEDED,
    AWS_ERR_ITEM_COLLECTION_SIZE_LIMIT,
    AWS_ERR_TRANSACTION_CANCELED,
    AWS_ERR_TRANSACTION_CONFLICT,
    AWS_ERR_IDEMPOTENT_PARAMETER_MISMATCH,
    /* DynamoDB Streams. */
    AWS_ERR_EXPIRED_ITERATOR,
    AWS_ERR_TRIMMED_DATA_ACCESS,
    /* STS. */
    AWS_ERR_EXPIRED_TOKEN,
    AWS_ERR_MALFORMED_POLICY,
    AWS_ERR_MISSING_ACTION,
    AWS_ERR_COUNT
};

/* The code as AWS spells it, e.g. "ValidationException". */
const char *aws_error_code(enum aws_err err);
/* The code the XML services use for the same condition: STS says
 * InvalidClientTokenId where DynamoDB says UnrecognizedClientException. */
const char *aws_error_sts_code(enum aws_err err);
/* The HTTP status STS answers with (403 for authentication failures). */
unsigned aws_error_sts_status(enum aws_err err);
/* The HTTP status AWS answers with. */
unsigned aws_error_status(enum aws_err err);
/* The JSON __type, e.g. "com.amazon.coral.validate#ValidationException". */
const char *aws_error_json_type(enum aws_err err);

#endif
