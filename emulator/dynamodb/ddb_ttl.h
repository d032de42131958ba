/* Time to Live: UpdateTimeToLive and DescribeTimeToLive, and the sweeper
 * that deletes expired items as DynamoDB's background process does. An
 * item expires when its TTL attribute is a Number of epoch seconds below
 * the emulator's clock; items whose expiry lies more than five years in
 * the past are left alone, as AWS leaves them (developer guide, "Time to
 * Live"). Deletions go through ddb_write_apply marked as TTL deletions, so
 * their stream records name the service as the one who deleted. */
#ifndef DYNALAKE_DDB_TTL_H
#define DYNALAKE_DDB_TTL_H

#include <stdint.h>

struct call;
struct emulator;

int ddb_update_time_to_live(struct call *c);
int ddb_describe_time_to_live(struct call *c);

/* Deletes every expired item of every table with TTL enabled, now.
 * Returns how many were deleted, or -1 when storage failed (logged). Safe
 * to run concurrently with itself and with requests. */
long ddb_ttl_sweep(struct emulator *emu);

/* The background sweeper: a thread that sweeps every interval_ms of real
 * time (the clock's offset moves expiry, not the cadence). */
struct ddb_ttl;

/* Starts the thread; NULL (logged) when it cannot be created. */
struct ddb_ttl *ddb_ttl_start(struct emulator *emu, int64_t interval_ms);
/* Stops the thread, waiting for a sweep in progress. NULL accepted. */
void ddb_ttl_stop(struct ddb_ttl *t);

#endif
