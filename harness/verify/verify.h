/* Verification: did every change of the source table reach the landing
 * prefix, once, in order per key, as well-formed records; and does the lake
 * rebuilt from those records equal the source table? Inputs are plain data
 * (the source stream's records, the landing objects, two item lists), so
 * the checks run without a server; findings name the key, the sequence
 * number and the object. */
#ifndef DYNALAKE_VERIFY_H
#define DYNALAKE_VERIFY_H

#include "verify/finding.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

struct buf;
struct jsonl_scanned;
struct verify_stats;

/* One change of the source stream: the ground truth the landing is
 * measured against. */
struct verify_change {
    char *key;             /* owned; canonical key text (jsonl_key_write) */
    char *label;           /* owned; "{pk: u#17}" for messages */
    char *event_name;      /* owned; INSERT, MODIFY or REMOVE */
    char *sequence_number; /* owned */
    bool is_ttl;           /* a delete made by TTL expiry */
};

struct verify_changes {
    struct verify_change *v; /* owned */
    size_t n;
    size_t cap;
};

void verify_changes_init(struct verify_changes *c);
void verify_changes_clear(struct verify_changes *c);

/* Adds a record as GetRecords returns it; -1 when it lacks the members. */
int verify_changes_add(struct verify_changes *c, const cJSON *record);

/* The same for the record's text (text[0..len)): scanned when the scanner
 * can vouch for it (sync/jsonl_scan.h), else parsed. */
int verify_changes_add_text(struct verify_changes *c, const char *text,
                            size_t len);

/* The same for a record jsonl_scan_stream has read. */
void verify_changes_add_scanned(struct verify_changes *c,
                                const struct jsonl_scanned *r);

/* A landing object: its key and body (borrowed). */
struct verify_object {
    const char *key;
    const char *body;
    size_t len;
};

/* The records of one landing, parsed object by object as the objects are
 * read, so that a landing is never held in memory whole. */
struct verify_landed;

struct verify_landed *verify_landed_new(void);
void verify_landed_free(struct verify_landed *l);

/* Parses each line of obj into l; objects come in listing (key) order.
 * A line that is not a change record is a landing finding naming
 * location, the object and the line. obj->key is copied, obj->body only
 * borrowed for the call. */
void verify_landed_add(struct verify_landed *l, const char *location,
                       const struct verify_object *obj, struct findings *out,
                       struct verify_stats *stats);

struct verify_landing {
    const char *location;  /* "s3://lake/dynamodb-changes/", for messages */
    const struct verify_changes *changes;
    struct verify_landed *landed; /* every object added; the checks sort
                                     its records in place */
    bool is_retry_expected; /* retries happened: duplicates are allowed */
};

struct verify_stats {
    size_t changes;        /* source changes */
    size_t records;        /* well-formed landed records */
    size_t delivered;      /* source changes found in the landing */
    size_t lost;
    size_t duplicates;     /* records landed more than once */
    size_t out_of_order;
    size_t bad_lines;
    size_t source_items;
    size_t lake_items;
    size_t lake_differences;
};

/* Adds from's counts to to's. */
void verify_stats_add(struct verify_stats *to,
                      const struct verify_stats *from);

/* Checks the landed records against the changes; findings go to out
 * under the landing and delivery checks. */
void verify_landing(const struct verify_landing *in, struct findings *out,
                    struct verify_stats *stats);

/* Compares two item lists (arrays of AttributeValue maps) keyed by
 * key_names (n_keys of them): rows missing from the lake, extra rows, and
 * attribute-level differences, under the lake check. location names the
 * lake in messages. */
void verify_lake(const cJSON *source, const cJSON *lake,
                 const char *const *key_names, size_t n_keys,
                 const char *location, struct findings *out,
                 struct verify_stats *stats);

/* True when two AttributeValues are equal as DynamoDB compares them:
 * numbers by value, sets in any order, maps by member. */
bool verify_value_equal(const cJSON *a, const cJSON *b);

/* The same for two items (AttributeValue maps). */
bool verify_item_equal(const cJSON *a, const cJSON *b);

/* ---- Landings of the table's state (verify_state.c) --------------------- */

/* A landing written from what a Scan saw rather than from the stream
 * (`dynalake poll`): per key, the newest landed image must equal the
 * table's item at the end; a key that landed but is no longer in the table
 * was deleted, and the delete never reached the landing. */
struct verify_polled {
    const char *location;     /* "s3://lake/poll/", for messages */
    const char *limit;        /* the component's documented limit, quoted
                                 in each unseen delete, or NULL */
    const cJSON *source;      /* the table's items at the end */
    const char *const *key_names;
    size_t n_keys;
    const struct verify_changes *changes; /* the source stream (names the
                                             delete's sequence), or NULL */
    const struct verify_object *objects;
    size_t n_objects;
};

/* Findings go to out under the landing check (lines that are not change
 * records) and the delivery check: lost_item (in the table, never landed),
 * stale_item (landed, but not as the table holds it), unseen_delete. */
void verify_polled_landing(const struct verify_polled *in,
                           struct findings *out, struct verify_stats *stats);

/* Appends the items of one export data file (DynamoDB's export layout:
 * one {"Item": {...}} per line, already gunzipped) to items. Returns the
 * number of lines, or -1 with "line N: reason" in err. */
long verify_export_items(const char *text, size_t len, cJSON *items,
                         char *err, size_t errlen);

/* Appends "{pk: u#17, sk: 3}" for an AttributeValue key map. */
void verify_key_label(struct buf *out, const cJSON *keys);

#endif
