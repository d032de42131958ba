/* What the sync components share: the counters every run reports (the
 * --json summary), a client built from the standard AWS configuration, and
 * progress lines on stderr for long runs. */
#ifndef DYNALAKE_SYNC_H
#define DYNALAKE_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct aws_client;
struct buf;

/* Counters of one run. */
struct sync_stats {
    uint64_t read;     /* change records (ship) or lines (load) read */
    uint64_t written;  /* records written to S3 (ship) or applied (load) */
    uint64_t objects;  /* S3 objects written (ship) or files loaded (load) */
    uint64_t retried;  /* AWS requests retried by the client */
    uint64_t rejected; /* records (handler) or files (load) refused */
    uint64_t skipped;  /* load: changes older than the lake's version */
    uint64_t lost;     /* ship: shards whose unread records were trimmed */
};

/* Appends {"component":..., "read":..., ...} (no newline). */
void sync_stats_write_json(const struct sync_stats *s, const char *component,
                           struct buf *out);

/* A client for endpoint (NULL: AWS_ENDPOINT_URL, else AWS) with the
 * standard configuration; max_attempts > 0 overrides AWS_MAX_ATTEMPTS.
 * NULL with a reason on stderr when there are no credentials. */
struct aws_client *sync_client_new(const char *endpoint, int max_attempts);

/* Rate-limited progress on stderr: at most one line a second, and only
 * when enabled. */
struct sync_progress {
    bool is_enabled;
    int64_t last_ns;
};
void sync_progress(struct sync_progress *p, const char *component,
                   const struct sync_stats *s);

/* Prints "component: AWS error CODE: message" for the client's last
 * error, after what (the call that failed). */
void sync_report_error(const char *component, const char *what,
                       const struct aws_client *c);

#endif
