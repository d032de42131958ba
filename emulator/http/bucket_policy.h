/* S3 bucket policies for the IAM decision: the operation table's resource
 * policy hook for S3 loads the bucket's stored policy and compiles it for
 * the request (buckets without one cost one storage read). */
#ifndef DYNALAKE_BUCKET_POLICY_H
#define DYNALAKE_BUCKET_POLICY_H

struct call;
struct policy;

/* The policy of the bucket named by arn (arn:aws:s3:::bucket[/key]),
 * compiled into *to_free for the caller to free; NULL when none. */
const struct policy *bucket_policy_for(struct call *c, const char *arn,
                                       struct policy **to_free);

#endif
