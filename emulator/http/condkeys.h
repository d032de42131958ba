/* The service-specific condition keys of a request, for the IAM decision:
 * dynamodb:LeadingKeys, dynamodb:Attributes, dynamodb:Select and
 * dynamodb:ReturnValues for DynamoDB; s3:prefix, s3:delimiter and
 * s3:max-keys for S3 listings; sts:ExternalId and sts:RoleSessionName for
 * AssumeRole. The global aws:* keys are authz's. */
#ifndef DYNALAKE_CONDKEYS_H
#define DYNALAKE_CONDKEYS_H

#include <stddef.h>

struct call;

/* Keys and values a request can carry; more are dropped. */
#define CONDKEYS_MAX_KEYS 8
#define CONDKEYS_MAX_VALUES 128

struct condkeys {
    struct {
        const char *key;  /* static */
        size_t first;     /* index of its first value */
        size_t n;
    } keys[CONDKEYS_MAX_KEYS];
    size_t n_keys;
    char *values[CONDKEYS_MAX_VALUES]; /* owned */
    size_t n_values;
};

/* Fills ck (zeroed by the caller) from c's parsed request. */
void condkeys_collect(const struct call *c, struct condkeys *ck);
void condkeys_clear(struct condkeys *ck);

#endif
