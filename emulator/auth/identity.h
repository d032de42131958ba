/* Who may call the emulator: the identities file (`--identities FILE`)
 * loaded into users with access keys and attached policies, and roles with
 * a trust policy and attached policies. Policies are kept as JSON text with
 * a name; the IAM engine compiles them. Pure: no HTTP, no storage. */
#ifndef DYNALAKE_IDENTITY_H
#define DYNALAKE_IDENTITY_H

#include "base/str.h"

#include <cjson/cJSON.h>
#include <stddef.h>

enum identity_kind { IDENTITY_USER, IDENTITY_ROLE };

struct identity_policy {
    char *name;     /* owned; the file path as written, or "inline-N" */
    char *document; /* owned; the policy JSON text */
};

struct identity {
    enum identity_kind kind;
    char *name;      /* owned; "reader" */
    char *arn;       /* owned; arn:aws:iam::ACCOUNT:user/reader */
    char *unique_id; /* owned; AIDA… or AROA…, stable for the name */
    struct identity_policy *policies; /* owned array */
    size_t n_policies;
    struct identity_policy trust;     /* roles: the trust policy */
    /* The most the identity's policies may grant; document NULL when the
     * identity has none. */
    struct identity_policy boundary;
    cJSON *tags;     /* owned; {"team": "data"}, may be NULL */
};

struct identity_key {
    char *id;                      /* owned; the access key id */
    char *secret;                  /* owned; the secret access key */
    const struct identity *owner;  /* borrowed from the set */
};

struct identities {
    char *account;                 /* owned; 12 digits */
    struct identity *items;        /* owned array */
    size_t n;
    struct identity_key *keys;     /* owned array */
    size_t n_keys;
    cJSON *context;  /* owned; context keys set by the file, e.g.
                        {"aws:SecureTransport": "true"}; may be NULL */
};

/* Loads an identities file. Policy entries are file paths (relative to the
 * file's directory) or inline documents. NULL with a message naming the
 * offending field in err. Free with identities_free. */
struct identities *identities_load(const char *path, char *err,
                                   size_t errlen);
void identities_free(struct identities *ids); /* NULL accepted */

/* The access key with this id, or NULL. */
const struct identity_key *identities_find_key(const struct identities *ids,
                                               struct str id);
/* The role or user with this name, or NULL. */
const struct identity *identities_find(const struct identities *ids,
                                       enum identity_kind kind,
                                       const char *name);

#endif
