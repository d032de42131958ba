/* The condition-key context of an audited decision, as the JSON member
 * ,"context":{...}. Written for every new distinct decision (one per
 * object key on S3 uploads) and every decision an audit log file gets. */
#ifndef DYNALAKE_AUDIT_CONTEXT_H
#define DYNALAKE_AUDIT_CONTEXT_H

struct buf;
struct iam_context;

/* Appends ,"context":{...}: one string per single-valued aws:* key, a list
 * for the others; the first entry of a repeated key wins, as in IAM. ctx
 * may be NULL (an empty object). */
void audit_context_write(struct buf *b, const struct iam_context *ctx);

#endif
