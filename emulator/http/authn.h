/* The authenticate stage: finds the request's SigV4 signature, looks its
 * access key up among the identities, and verifies it, answering each
 * failure with the calling service's own error. Owns a pool of SigV4
 * verifier workspaces so requests on any thread allocate nothing. */
#ifndef DYNALAKE_AUTHN_H
#define DYNALAKE_AUTHN_H

#include <stdbool.h>

struct authn;
struct call;
struct identities;
struct sessions;

/* ids may be NULL (no identities file): then no signature can be checked
 * and every well-formed one is accepted as the root of account. */
struct authn *authn_new(const struct identities *ids,
                        struct sessions *sessions, const char *account,
                        bool is_enforcing);
void authn_free(struct authn *a); /* NULL accepted */

/* Sets c->principal_arn (borrowed from the identity, session or a),
 * c->identity and (for STS credentials) c->session, or records the AWS
 * error and returns -1. */
int authn_authenticate(struct authn *a, struct call *c);

#endif
