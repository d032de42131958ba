/* Bucket policies for authorization; see bucket_policy.h. */
#include "http/bucket_policy.h"

#include "base/buf.h"
#include "base/log.h"
#include "base/mem.h"
#include "http/call.h"
#include "iam/policy.h"
#include "state.h"
#include "store/store_s3.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
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

/* Pipelines touch a handful of buckets; past this many, the oldest slot
 * is reused. */
#define BUCKET_POLICY_SLOTS 32

/* A bucket's compiled policy (NULL: it has none) as of a generation. */
struct policy_slot {
    char bucket[BUCKET_NAME_MAX + 1]; /* "": slot unused */
    uint64_t generation;
    struct policy *policy; /* one reference held by the slot */
};

struct bucket_policies {
    pthread_mutex_t lock;
    /* Bumped after every committed change to any bucket policy; a slot
     * from an older generation is stale. */
    uint64_t generation;
    struct policy_slot slots[BUCKET_POLICY_SLOTS];
    size_t next_slot;
};

struct bucket_policies *bucket_policies_new(void)
{
    struct bucket_policies *bp = xcalloc(1, sizeof *bp);
    pthread_mutex_init(&bp->lock, NULL);
    return bp;
}

void bucket_policies_free(struct bucket_policies *bp)
{
    if (bp == NULL)
        return;
    for (size_t i = 0; i < BUCKET_POLICY_SLOTS; i++)
        policy_free(bp->slots[i].policy);
    pthread_mutex_destroy(&bp->lock);
    free(bp);
}

void bucket_policies_changed(struct bucket_policies *bp)
{
    pthread_mutex_lock(&bp->lock);
    bp->generation++;
    pthread_mutex_unlock(&bp->lock);
}

static struct policy_slot *slot_of(struct bucket_policies *bp,
                                   const char *bucket)
{
    for (size_t i = 0; i < BUCKET_POLICY_SLOTS; i++) {
        if (strcmp(bp->slots[i].bucket, bucket) == 0)
            return &bp->slots[i];
    }
    return NULL;
}

/* The cached policy, with a reference for the caller, if the slot is
 * current; else false, and *generation is the one a fresh read belongs
 * to. */
static bool cached(struct bucket_policies *bp, const char *bucket,
                   struct policy **out, uint64_t *generation)
{
    pthread_mutex_lock(&bp->lock);
    struct policy_slot *slot = slot_of(bp, bucket);
    bool is_hit = slot && slot->generation == bp->generation;
    if (is_hit)
        *out = policy_retain(slot->policy);
    *generation = bp->generation;
    pthread_mutex_unlock(&bp->lock);
    return is_hit;
}

/* Keeps p (NULL: no policy) for bucket, unless a change committed since
 * the read began (its generation): then the read may predate it. */
static void remember(struct bucket_policies *bp, const char *bucket,
                     struct policy *p, uint64_t generation)
{
    pthread_mutex_lock(&bp->lock);
    if (generation == bp->generation) {
        struct policy_slot *slot = slot_of(bp, bucket);
        if (slot == NULL) {
            slot = &bp->slots[bp->next_slot];
            bp->next_slot = (bp->next_slot + 1) % BUCKET_POLICY_SLOTS;
            snprintf(slot->bucket, sizeof slot->bucket, "%s", bucket);
        }
        policy_free(slot->policy);
        slot->policy = policy_retain(p);
        slot->generation = generation;
    }
    pthread_mutex_unlock(&bp->lock);
}

/* Reads and compiles the stored policy; NULL when there is none (or it no
 * longer parses, which is logged). */
static struct policy *load(struct call *c, const char *bucket)
{
    struct policy_read r = { .bucket = bucket };
    if (store_read(c->emu->store, read_policy, &r) != STORE_OK ||
        r.text == NULL) {
        free(r.text);
        return NULL;
    }
    struct buf err;
    buf_init(&err, 0);
    struct policy *p = policy_parse(r.text, strlen(r.text), POLICY_RESOURCE,
                                    &err);
    if (p == NULL)
        log_warn("bucket %s: stored policy no longer parses: %s", bucket,
                 buf_cstr(&err));
    buf_clear(&err);
    free(r.text);
    return p;
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
    struct bucket_policies *bp = c->emu->bucket_policies;
    struct policy *p = NULL;
    uint64_t generation;
    if (!cached(bp, bucket, &p, &generation)) {
        p = load(c, bucket);
        remember(bp, bucket, p, generation);
    }
    *to_free = p;
    return p;
}
