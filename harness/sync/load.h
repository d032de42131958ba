/* `dynalake load`: the lake loader (an Auto Loader stand-in). Discovers new
 * landing files under an S3 prefix, ingests each exactly once, applies the
 * changes by sequence number per key (upsert on INSERT/MODIFY, delete on
 * REMOVE; older never overwrites newer, so replays and duplicates are
 * harmless) into a SQLite lake table, and can export the table's rows.
 * Files it cannot parse are rejected with the reason, never dropped
 * silently. */
#ifndef DYNALAKE_LOAD_H
#define DYNALAKE_LOAD_H

#include <signal.h>
#include <stdbool.h>

struct sync_stats;

#define LOAD_DEFAULT_POLL_MS 1000

struct load_options {
    const char *from;        /* "s3://BUCKET/PREFIX" */
    const char *checkpoint;  /* processed files (required) */
    const char *lake;        /* SQLite database path (required) */
    const char *snapshot;    /* JSON-lines export after the run, or NULL */
    const char *endpoint;    /* NULL: AWS_ENDPOINT_URL, else AWS */
    bool is_once;            /* load what is there now, then return */
    bool is_progress;        /* progress lines on stderr */
    int max_attempts;        /* per AWS call; 0: the standard default */
    long poll_interval_ms;   /* following: pause between listings */
    volatile sig_atomic_t *stop; /* following stops when set; may be NULL */
};

void load_options_init(struct load_options *o);

/* Runs the loader. Returns 0; 1 when files were rejected (named on
 * stderr, kept in the checkpoint and the lake's "rejected" table); -1 on
 * an error that stopped the run. */
int load_run(const struct load_options *o, struct sync_stats *stats);

#endif
