/* S3 bucket policies for the IAM decision: the operation table's resource
 * policy hook for S3 finds the bucket's stored policy, compiled. Compiled
 * policies are cached per bucket until any bucket policy changes, so a
 * steady stream of S3 requests neither reads storage nor parses JSON for
 * them. */
#ifndef DYNALAKE_BUCKET_POLICY_H
#define DYNALAKE_BUCKET_POLICY_H

struct bucket_policies;
struct call;
struct policy;

struct bucket_policies *bucket_policies_new(void);
void bucket_policies_free(struct bucket_policies *bp); /* NULL accepted */

/* Forgets every cached policy. Call after a change to any bucket's policy
 * (put, delete, the bucket deleted, a reset) has committed. */
void bucket_policies_changed(struct bucket_policies *bp);

/* The policy of the bucket named by arn (arn:aws:s3:::bucket[/key]), or
 * NULL when none. The caller holds a reference, also stored in *to_free,
 * and releases it with policy_free after deciding. */
const struct policy *bucket_policy_for(struct call *c, const char *arn,
                                       struct policy **to_free);

#endif
