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
    AWS_ERR_TABLE_NOT_FOUND, /* the backup operations' name for it */
    /* DynamoDB Streams. */
    AWS_ERR_EXPIRED_ITERATOR,
    AWS_ERR_TRIMMED_DATA_ACCESS,
    /* STS. */
    AWS_ERR_EXPIRED_TOKEN,
    AWS_ERR_MALFORMED_POLICY,
    AWS_ERR_MISSING_ACTION,
    /* S3 (codes and statuses from the S3 API Reference, "Error codes"). */
    AWS_ERR_S3_NO_SUCH_BUCKET,
    AWS_ERR_S3_NO_SUCH_KEY,
    AWS_ERR_S3_NO_SUCH_UPLOAD,
    AWS_ERR_S3_NO_SUCH_BUCKET_POLICY,
    AWS_ERR_S3_BUCKET_ALREADY_OWNED_BY_YOU,
    AWS_ERR_S3_BUCKET_NOT_EMPTY,
    AWS_ERR_S3_INVALID_BUCKET_NAME,
    AWS_ERR_S3_INVALID_LOCATION_CONSTRAINT,
    AWS_ERR_S3_PRECONDITION_FAILED,
    AWS_ERR_S3_NOT_MODIFIED,
    AWS_ERR_S3_INVALID_RANGE,
    AWS_ERR_S3_BAD_DIGEST,
    AWS_ERR_S3_INVALID_DIGEST,
    AWS_ERR_S3_INVALID_PART,
    AWS_ERR_S3_INVALID_PART_ORDER,
    AWS_ERR_S3_ENTITY_TOO_SMALL,
    AWS_ERR_S3_MALFORMED_XML,
    AWS_ERR_S3_INVALID_ARGUMENT,
    AWS_ERR_S3_INVALID_REQUEST,
    AWS_ERR_S3_KEY_TOO_LONG,
    AWS_ERR_S3_NOT_IMPLEMENTED,
    AWS_ERR_S3_METHOD_NOT_ALLOWED,
    AWS_ERR_S3_CONTENT_SHA256_MISMATCH,
    AWS_ERR_S3_INCOMPLETE_BODY,
    AWS_ERR_S3_TIME_TOO_SKEWED,
    AWS_ERR_COUNT
};

/* The code as AWS spells it, e.g. "ValidationException". */
const char *aws_error_code(enum aws_err err);
/* The code the XML services use for the same condition: STS says
 * InvalidClientTokenId where DynamoDB says UnrecognizedClientException. */
const char *aws_error_sts_code(enum aws_err err);
/* The HTTP status STS answers with (403 for authentication failures). */
unsigned aws_error_sts_status(enum aws_err err);
/* S3's code and status for err: AccessDenied where DynamoDB says
 * MissingAuthenticationTokenException, SignatureDoesNotMatch (403), ... */
const char *aws_error_s3_code(enum aws_err err);
unsigned aws_error_s3_status(enum aws_err err);
/* The HTTP status AWS answers with. */
unsigned aws_error_status(enum aws_err err);
/* The JSON __type, e.g. "com.amazon.coral.validate#ValidationException". */
const char *aws_error_json_type(enum aws_err err);

#endif
