/* `dynalake poll`: the incremental polling loader. A paginated Scan keeps
 * the items whose watermark attribute is at or past the checkpoint's "from"
 * and writes them as change records (sync/jsonl.h) to S3. The next "from"
 * is the highest watermark seen in the items minus an overlap -- never the
 * wall clock at the end of the scan, which skips every write that lands in
 * an already-scanned part of the table while the scan runs -- and the
 * (key, watermark) pairs inside the overlap are kept in the checkpoint so
 * that the next run does not emit them again.
 *
 * Its limit, reported in --help and in the --json summary: a Scan sees only
 * items that exist, so deletes never reach the lake (use the stream:
 * `dynalake ship` or `dynalake esm`). It also cannot tell an insert from an
 * update: lines are INSERT on the first run and MODIFY afterwards. */
#ifndef DYNALAKE_POLL_H
#define DYNALAKE_POLL_H

#include "sync/jsonl.h"

#include <cjson/cJSON.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

struct sync_stats;

#define POLL_DEFAULT_OVERLAP_S 60
#define POLL_DEFAULT_INTERVAL_MS 60000
/* A DynamoDB N of up to 38 digits, or an ISO 8601 timestamp, with room. */
#define POLL_WATERMARK_MAX 128
/* Numeric watermarks at or above this are epoch milliseconds, below it
 * epoch seconds (10^11 s is the year 5138; 10^11 ms is 1973). */
#define POLL_MS_THRESHOLD 100000000000LL

/* The documented limit, printed by --help and in the --json summary. */
#define POLL_LIMIT_TEXT \
    "a Scan cannot see deletes: removed items never reach the lake; " \
    "carry deletes with the stream (ship or esm)"

struct poll_options {
    const char *table;
    const char *watermark;    /* attribute name */
    const char *to;           /* "s3://BUCKET/PREFIX" */
    const char *checkpoint;   /* required: where "from" and the overlap
                               * keys live */
    const char *endpoint;     /* NULL: AWS_ENDPOINT_URL, else AWS */
    enum jsonl_format format;
    long overlap_s;           /* seconds subtracted from the high watermark */
    int page_limit;           /* Scan Limit; 0: none (1 MB pages) */
    bool is_once;             /* one scan, then return */
    bool is_progress;
    int max_attempts;         /* per AWS call; 0: the standard default */
    long interval_ms;         /* following: pause between scans */
    volatile sig_atomic_t *stop;
};

void poll_options_init(struct poll_options *o);

/* What the last scan did, beyond sync_stats (the --json summary). */
struct poll_report {
    char from[POLL_WATERMARK_MAX];  /* the filter's lower bound ("" first) */
    char high[POLL_WATERMARK_MAX];  /* highest watermark seen so far */
    char next[POLL_WATERMARK_MAX];  /* the next scan's "from" */
    uint64_t duplicates;            /* overlap items not emitted again */
    uint64_t boundary;              /* overlap keys kept in the checkpoint */
    int64_t scan_ms;                /* the last scan's duration */
};

/* Runs scans until stopped (one with is_once). Counts into stats; report
 * may be NULL. Returns 0, or -1 on an error that stopped the run (reported
 * on stderr; the checkpoint is left as the last completed scan wrote it). */
int poll_run(const struct poll_options *o, struct sync_stats *stats,
             struct poll_report *report);

/* ---- The watermark arithmetic (pure; unit-tested) ---------------------- */

/* The lower bound of the next scan: high minus overlap_s, in the
 * watermark's own unit and form. type is "N" (epoch seconds, or
 * milliseconds at or above POLL_MS_THRESHOLD; the fraction is dropped, which
 * only widens the window) or "S" (ISO 8601 "YYYY-MM-DDTHH:MM:SS[.f][Z]",
 * answered as "YYYY-MM-DDTHH:MM:SS", which sorts at or before every
 * timestamp of that second). Other strings cannot be moved back: out gets
 * high and the function returns 1. Returns 0, or -1 on a malformed N. */
int poll_watermark_back(const char *type, const char *high, long overlap_s,
                        char *out, size_t len);

/* Orders two watermarks of one type: numerically for "N", by bytes for
 * "S". */
int poll_watermark_compare(const char *type, const char *a, const char *b);

/* The overlap memory: the (key, watermark) pairs already emitted whose
 * watermark is at or past the next scan's "from". */
struct poll_boundary;

struct poll_boundary *poll_boundary_new(void);
void poll_boundary_free(struct poll_boundary *b);
/* Reads the checkpoint's "boundary" array ([{"k": KEYTEXT, "w": WM}]). */
void poll_boundary_load(struct poll_boundary *b, const cJSON *array);
/* True when (key text, watermark) was emitted before. */
bool poll_boundary_has(const struct poll_boundary *b, const char *key,
                       const char *wm);
void poll_boundary_add(struct poll_boundary *b, const char *key,
                       const char *wm);
size_t poll_boundary_count(const struct poll_boundary *b);
/* The pairs whose watermark is at or past from, as a checkpoint array
 * (caller frees). */
cJSON *poll_boundary_save(const struct poll_boundary *b, const char *type,
                          const char *from);

#endif
