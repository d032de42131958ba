/* Bucket policies for authorization; see bucket_policy.h. */
#include "http/bucket_policy.h"

#include "base/buf.h"
#include "base/log.h"
#include "http/call.h"
#include "iam/policy.h"
#include "state.h"
#include "store/store_s3.h"

#include <stdlib.h>
#include <string.h>

#define S3_ARN_PREFIX "arn:aws:s3:::"
/* S3 bucket names are 3 to 63 characters. */
#define BUCKET_NAME_MAX 64

struct policy_read {
    const char *bucket;
    char *text; /* owned; NULL without a policy */
};

static enum store_result read_policy(struct store_tx *tx, void *arg)
{
    struct policy_read *r = arg;
    enum store_result res = store_s3_policy_get(tx, r->bucket, &r->text);
    return res == STORE_NOT_FOUND ? STORE_OK : res;
}

const struct policy *bucket_policy_for(struct call *c, const char *arn,
                                       struct policy **to_free)
{
    size_t n = strlen(S3_ARN_PREFIX);
    if (strncmp(arn, S3_ARN_PREFIX, n) != 0)
        return NULL;
    char bucket[BUCKET_NAME_MAX + 1];
    size_t len = strcspn(arn + n, "/");
    if (len == 0 || len > BUCKET_NAME_MAX)
        return NULL;
    memcpy(bucket, arn + n, len);
    bucket[len] = '\0';
    struct policy_read r = { .bucket = bucket };
    if (store_read(c->emu->store, read_policy, &r) != STORE_OK ||
        r.text == NULL) {
        free(r.text);
        return NULL;
    }
    struct buf err;
    buf_init(&err, 0);
    *to_free = policy_parse(r.text, strlen(r.text), POLICY_RESOURCE, &err);
    if (*to_free == NULL)
        log_warn("bucket %s: stored policy no longer parses: %s", bucket,
                 buf_cstr(&err));
    buf_clear(&err);
    free(r.text);
    return *to_free;
}
