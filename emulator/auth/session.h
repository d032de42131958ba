/* STS session credentials: the temporary access keys AssumeRole issues,
 * each tied to a role, a session name and an expiry on the emulator's
 * clock. Sessions are only ever added (until stop), so a session pointer
 * stays valid for the emulator's lifetime. Thread-safe. */
#ifndef DYNALAKE_SESSION_H
#define DYNALAKE_SESSION_H

#include "base/str.h"

#include <stdint.h>

struct identity;
struct sessions;

/* What AWS starts temporary credentials' access key ids with; long-term
 * keys start with AKIA. */
#define SESSION_KEY_PREFIX "ASIA"

struct session {
    char access_key_id[21]; /* SESSION_KEY_PREFIX + 16 characters */
    char secret[41];
    char *token;            /* owned; the session token */
    char *arn;              /* owned; arn:aws:sts::ACCT:assumed-role/R/S */
    char *user_id;          /* owned; "AROA…:SESSION" (aws:userid) */
    char *session_name;     /* owned */
    const struct identity *role; /* borrowed from the identities */
    char *session_policy;   /* owned; the Policy parameter, or NULL */
    int64_t expires_ms;     /* virtual-clock expiry */
};

struct sessions *sessions_new(void);
void sessions_free(struct sessions *s); /* NULL accepted */

/* Issues new credentials for role, named session_name (and its optional
 * session policy, copied), expiring at expires_ms. account names the
 * account in the ARN. Never fails. */
const struct session *sessions_issue(struct sessions *s,
                                     const struct identity *role,
                                     const char *account,
                                     const char *session_name,
                                     const char *session_policy,
                                     int64_t expires_ms);

/* The session for an access key id, or NULL. */
const struct session *sessions_find(struct sessions *s, struct str key_id);

#endif
