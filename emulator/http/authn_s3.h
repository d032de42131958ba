/* S3's payload rules for the authenticate stage: the canonical request's
 * payload hash is the x-amz-content-sha256 header; a hex digest is checked
 * against the body, and an aws-chunked body (announced by that header, not
 * by Content-Encoding, which several SDKs leave out) is decoded, its chunk
 * signatures verified, and its trailing headers kept for the handler. */
#ifndef DYNALAKE_AUTHN_S3_H
#define DYNALAKE_AUTHN_S3_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct call;
struct sigv4_auth;
struct sigv4_verifier;

/* The payload hash to sign with: the x-amz-content-sha256 header, or
 * UNSIGNED-PAYLOAD for a presigned URL without one. NULL, with
 * InvalidRequest recorded, when a header-signed request lacks it. */
const char *authn_s3_payload_hash(struct call *c, const struct sigv4_auth *auth);

/* After the seed signature verified: checks or decodes the body as the
 * payload hash says. key is the request's signing key, or NULL when the
 * access key is unknown (IAM off) and chunk signatures cannot be checked.
 * Returns 0, or -1 with the S3 error recorded. */
int authn_s3_payload(struct call *c, const struct sigv4_auth *auth,
                     const uint8_t *key);

/* Adds S3's SignatureDoesNotMatch details (string to sign and canonical
 * request, as text and as hex bytes) from a verifier that just failed. */
void authn_s3_mismatch_detail(struct call *c, const struct sigv4_auth *auth,
                              const struct sigv4_verifier *v);

/* The legacy SigV2 query form of presigned URLs (AWSAccessKeyId, Expires,
 * Signature), which boto3's default presigner and AWS CLI v1 still
 * produce: whether c carries it, and its access key. */
bool authn_s3_is_sigv2(const struct call *c);
const char *authn_s3_sigv2_key(const struct call *c);
/* Checks expiry (AccessDenied "Request has expired") and the HMAC-SHA1
 * signature over S3's SigV2 string to sign (SignatureDoesNotMatch, with
 * the StringToSign). 0 or -1 with the error recorded. */
int authn_s3_sigv2_verify(struct call *c, const char *secret, int64_t now_ms);

#endif
