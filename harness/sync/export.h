/* `dynalake export`: a parallel Scan (--segments N, one thread and one
 * connection per segment) written to S3 in the layout of DynamoDB's native
 * export to S3 ("DynamoDB table export output format", DynamoDB developer
 * guide), so consumers of the native export read it unchanged:
 *   PREFIX/AWSDynamoDB/<export-id>/_started
 *   PREFIX/AWSDynamoDB/<export-id>/manifest-summary.json (+ .checksum)
 *   PREFIX/AWSDynamoDB/<export-id>/manifest-files.json   (+ .checksum)
 *   PREFIX/AWSDynamoDB/<export-id>/data/<id>.json.gz
 * Data files hold one {"Item": {...}} per line in DynamoDB JSON, gzipped.
 * Unlike the native export (which reads a point-in-time backup), a Scan is
 * not a snapshot: writes made while it runs may or may not be included. */
#ifndef DYNALAKE_EXPORT_H
#define DYNALAKE_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct sync_stats;

/* Scan's TotalSegments may be at most 1,000,000; threads are dearer, so
 * the command line stops at 64. */
#define EXPORT_MAX_SEGMENTS 64
/* A data file is closed past this many uncompressed bytes, bounding each
 * thread's memory. */
#define EXPORT_FILE_MAX_BYTES ((size_t)32 << 20)
#define EXPORT_ID_MAX 32
#define EXPORT_KEY_MAX 1100

struct export_options {
    const char *table;
    const char *to;          /* "s3://BUCKET/PREFIX" */
    const char *endpoint;    /* NULL: AWS_ENDPOINT_URL, else AWS */
    int segments;            /* 1..EXPORT_MAX_SEGMENTS */
    int max_attempts;        /* per AWS call; 0: the standard default */
    bool is_progress;
};

void export_options_init(struct export_options *o);

/* Where the export went. */
struct export_result {
    char export_id[EXPORT_ID_MAX];
    char summary_key[EXPORT_KEY_MAX];   /* manifest-summary.json */
    uint64_t items;
    uint64_t files;
};

/* Runs the export. Counts into stats; result may be NULL. Returns 0, or -1
 * on an error (reported on stderr; no manifest is written then, so a
 * partial export is never mistaken for a whole one). */
int export_run(const struct export_options *o, struct sync_stats *stats,
               struct export_result *result);

/* ---- Manifests (pure; unit-tested) -------------------------------------- */

/* One data file as manifest-files.json lists it. */
struct export_file {
    char key[EXPORT_KEY_MAX];  /* dataFileS3Key: the whole object key */
    uint64_t items;
    char md5_base64[32];       /* of the gzipped object */
    char etag[40];             /* hex MD5: a single-part upload's ETag */
};

/* Fills f's checksums from the gzipped bytes. */
void export_file_checksums(struct export_file *f, const void *gz,
                           size_t len);

/* Appends f's manifest-files.json line ('\n' included). */
void export_manifest_line(struct buf *out, const struct export_file *f);

struct export_summary {
    const char *export_arn;
    const char *table_arn;
    const char *table_id;
    const char *bucket;
    const char *prefix;          /* the export prefix as given, or "" */
    const char *manifest_files_key;
    int64_t start_ms;            /* also the exportTime */
    int64_t end_ms;
    uint64_t items;
    uint64_t billed_bytes;       /* uncompressed bytes of the data files */
};

/* Appends manifest-summary.json. */
void export_summary_write(struct buf *out, const struct export_summary *s);

/* An export id as DynamoDB forms them: 14 digits of epoch milliseconds, a
 * dash and 8 hex digits. */
void export_id_format(char *out, size_t len, int64_t ms, uint32_t random);

/* ISO 8601 UTC with milliseconds, "2020-11-04T07:28:34.028Z". */
void export_time_format(char *out, size_t len, int64_t ms);

#endif
