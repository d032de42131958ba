/* The offline policy simulator behind `dynalake policy simulate`: one case
 * in, one decision out, both JSON, without a server. A case names the
 * principal, action, resource, context keys, the identity policies and an
 * optional resource policy; the answer is the decision and the statement
 * that decided, exactly as the emulator would decide the same request. */
#ifndef DYNALAKE_IAM_SIMULATE_H
#define DYNALAKE_IAM_SIMULATE_H

#include <stddef.h>

struct buf;

/* Decides the case in text (one JSON object) and appends the answer (one
 * JSON object, no newline) to out. Returns 0, or -1 when the case is
 * malformed, with {"error": "..."} appended instead. */
int iam_simulate(const char *text, size_t len, struct buf *out);

#endif
