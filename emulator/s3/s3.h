/* The S3 handlers (one per operation, named after it) and what the
 * pipeline asks of S3 besides: its XML error shape, its request-id
 * headers, and the ARNs an operation is authorized on. Requests arrive
 * routed by route_s3: c->input holds Bucket, Key and Query. */
#ifndef DYNALAKE_S3_H
#define DYNALAKE_S3_H

#include <stddef.h>

struct call;
struct op_resources;

/* s3_bucket.c */
int s3_list_buckets(struct call *c);
int s3_create_bucket(struct call *c);
int s3_head_bucket(struct call *c);
int s3_delete_bucket(struct call *c);
int s3_get_bucket_location(struct call *c);
int s3_get_bucket_versioning(struct call *c);
int s3_put_bucket_policy(struct call *c);
int s3_get_bucket_policy(struct call *c);
int s3_delete_bucket_policy(struct call *c);

/* s3_list.c */
int s3_list_objects(struct call *c);
int s3_list_objects_v2(struct call *c);
int s3_list_object_versions(struct call *c);

/* s3_object.c */
int s3_put_object(struct call *c);
int s3_get_object(struct call *c);
int s3_head_object(struct call *c);
int s3_delete_object(struct call *c);
int s3_delete_objects(struct call *c);
int s3_copy_object(struct call *c);

/* s3_multipart.c */
int s3_create_multipart_upload(struct call *c);
int s3_upload_part(struct call *c);
int s3_upload_part_copy(struct call *c);
int s3_complete_multipart_upload(struct call *c);
int s3_abort_multipart_upload(struct call *c);
int s3_list_multipart_uploads(struct call *c);
int s3_list_parts(struct call *c);

/* Renders c's recorded error as S3's <Error> document with the code and
 * status of aws_error_s3_*, plus c->err_detail's members as elements;
 * HEAD responses and 304 carry no body. */
void s3_write_error(struct call *c);
/* Adds x-amz-request-id and x-amz-id-2. */
void s3_add_request_headers(struct call *c);

/* "arn:aws:s3:::bucket" or, with key, "arn:aws:s3:::bucket/key"; the
 * caller frees. */
char *s3_arn(const char *bucket, const char *key);
/* The ARN of the object x-amz-copy-source names, or NULL with
 * InvalidArgument recorded when the header is malformed. */
char *s3_copy_source_arn(struct call *c);
/* Adds to out the ARN of every key a DeleteObjects body names, as the
 * op's own action. A malformed body adds none. */
void s3_delete_objects_arns(struct call *c, struct op_resources *out);

#endif
