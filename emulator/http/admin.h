/* The admin API under /_dynalake/, answered to loopback clients only:
 * health (GET), reset (POST) and the virtual clock (GET to read, POST
 * {"advance_ms": N} to move it forward), fault rules, and forced stream
 * shard rollover. Not AWS: plain JSON in and out. */
#ifndef DYNALAKE_ADMIN_H
#define DYNALAKE_ADMIN_H

struct call;

int admin_health(struct call *c);
int admin_reset(struct call *c);
int admin_clock(struct call *c);

/* GET /_dynalake/audit?principal=ARN&since_ms=N: the decision records, for
 * the least-privilege analysis. */
int admin_audit(struct call *c);
/* POST /_dynalake/assume-role {"role": NAME, "service": PRINCIPAL,
 * "session_name": S, "duration_seconds": N}: credentials for the role as
 * the service would get them, only if the role's trust policy allows that
 * service (how the harness runs a component "as the Lambda role"). */
int admin_assume_role(struct call *c);
/* Fault rules: GET lists them, DELETE clears them, POST adds one:
 * {"operation": "GetRecords", "table": "T", "error":
 * "LimitExceededException", "count": N, "fraction": F}; every member but
 * error is optional (any operation, any table, count 1 -- or no limit
 * when a fraction is given -- and fraction 1). */
int admin_faults(struct call *c);
/* POST, body {} or {"table": "T"}: closes the open shard of every enabled
 * stream (or of T's) now, opening a child; answers {"rolled": N}. */
int admin_streams_rollover(struct call *c);

/* POST: deletes every expired item now, as the TTL sweeper would on its
 * next round (tests advance the clock, then sweep); answers
 * {"deleted": N}. */
int admin_ttl_sweep(struct call *c);

#endif
