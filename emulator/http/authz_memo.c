/* The decision memo; see authz_memo.h. A small direct-mapped table per
 * thread: no lock, and a miss costs one hash and one evaluation. */
#include "http/authz_memo.h"

#include "base/hash.h"
#include "iam/iam.h"

#include <stdatomic.h>
#include <string.h>

/* Enough for the tables, indexes and streams one workload touches; S3
 * object keys rarely repeat and mostly do not fit the key room anyway. */
#define MEMO_SLOTS 64
/* Action and resource together; longer pairs are evaluated every time. */
#define MEMO_KEY_MAX 200

struct memo_slot {
    uint64_t owner; /* 0: empty */
    const void *scope;
    uint64_t hash;
    unsigned short action_len;
    unsigned short resource_len;
    char key[MEMO_KEY_MAX]; /* the action, then the resource */
    struct iam_result result;
};

static _Thread_local struct memo_slot memo[MEMO_SLOTS];
static atomic_uint_fast64_t last_owner;

uint64_t authz_memo_new_owner(void)
{
    return atomic_fetch_add(&last_owner, 1) + 1;
}

struct memo_key {
    const char *action;
    size_t action_len;
    const char *resource;
    size_t resource_len;
    uint64_t hash;
};

static bool key_of(const void *scope, const char *action,
                   const char *resource, struct memo_key *k)
{
    k->action = action;
    k->action_len = strlen(action);
    k->resource = resource;
    k->resource_len = strlen(resource);
    if (k->action_len + k->resource_len > MEMO_KEY_MAX)
        return false;
    uint64_t h = hash_mix((uint64_t)(uintptr_t)scope, action, k->action_len);
    k->hash = hash_mix(h, resource, k->resource_len);
    return true;
}

static struct memo_slot *slot_of(const struct memo_key *k)
{
    return &memo[k->hash % MEMO_SLOTS];
}

bool authz_memo_find(uint64_t owner, const void *scope, const char *action,
                     const char *resource, struct iam_result *out)
{
    struct memo_key k;
    if (!key_of(scope, action, resource, &k))
        return false;
    const struct memo_slot *s = slot_of(&k);
    if (s->owner != owner || s->scope != scope || s->hash != k.hash ||
        s->action_len != k.action_len || s->resource_len != k.resource_len ||
        memcmp(s->key, action, k.action_len) != 0 ||
        memcmp(s->key + k.action_len, resource, k.resource_len) != 0)
        return false;
    *out = s->result;
    return true;
}

void authz_memo_keep(uint64_t owner, const void *scope, const char *action,
                     const char *resource, const struct iam_result *r)
{
    struct memo_key k;
    if (!key_of(scope, action, resource, &k))
        return;
    struct memo_slot *s = slot_of(&k);
    s->owner = owner;
    s->scope = scope;
    s->hash = k.hash;
    s->action_len = (unsigned short)k.action_len;
    s->resource_len = (unsigned short)k.resource_len;
    memcpy(s->key, action, k.action_len);
    memcpy(s->key + k.action_len, resource, k.resource_len);
    s->result = *r;
}
