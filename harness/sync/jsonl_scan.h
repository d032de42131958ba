/* Change records read by scanning their text (jscan) instead of parsing
 * them into cJSON trees: stream records as GetRecords returns them and
 * change lines as the shipper writes them. The readers take only records
 * whose every member they can vouch for as jsonl.c would, and whose images
 * and keys are exact (jscan.h), so that copying their text gives the bytes
 * jsonl_write and json_write give; for anything else they answer false and
 * the caller reads the record with jsonl.c as before, which also words
 * every refusal. */
#ifndef DYNALAKE_JSONL_SCAN_H
#define DYNALAKE_JSONL_SCAN_H

#include "sync/jscan.h"
#include "sync/jsonl.h"

#include <stdbool.h>
#include <stdint.h>

struct buf;

/* Longest table name a scanned change line may carry (DynamoDB's limit). */
#define JSONL_TABLE_MAX 255
/* Most key attributes a scanned record may have (DynamoDB keys have one or
 * two). */
#define JSONL_KEYS_MAX 8

/* One scanned change; spans borrow the text it was read from. */
struct jsonl_scanned {
    struct jscan_span event_id;   /* as written between the quotes */
    const char *event_name;       /* static: INSERT, MODIFY or REMOVE */
    char sequence_number[JSONL_SEQ_MAX + 1];
    struct jscan_span table;      /* change lines only; plain */
    int64_t event_time_ms;
    struct jscan_span keys;       /* AttributeValue map text */
    struct jscan_span new_image;  /* len 0 when absent */
    struct jscan_span old_image;  /* len 0 when absent */
    struct jscan_span principal;  /* stream records: userIdentity's
                                     PrincipalId (or principalId), plain;
                                     len 0 when absent */
};

/* Reads a stream record (jsonl_from_stream's members, and userIdentity).
 * True when it is read; false: read it with jsonl_from_stream. */
bool jsonl_scan_stream(const char *text, size_t len,
                       struct jsonl_scanned *out);

/* The same for a record that starts at p, inside text that goes on to end
 * (a GetRecords page) at nesting depth: returns where the record ends, or
 * NULL when it is not scannable; *is_read tells whether out was read (else
 * the record, scannable, is for jsonl_from_stream). */
const char *jsonl_scan_stream_at(const char *p, const char *end, int depth,
                                 struct jsonl_scanned *out, bool *is_read);

/* Reads a change line (jsonl_parse's checks). True when it is read and
 * valid; false: read it with jsonl_parse. */
bool jsonl_scan_line(const char *text, size_t len,
                     struct jsonl_scanned *out);

/* Appends r as jsonl_write appends it in the ddb-json change layout, for
 * table. */
void jsonl_scanned_write(struct buf *out, const struct jsonl_scanned *r,
                         const char *table);

/* Appends r's keys as jsonl_key_write does. */
void jsonl_scanned_key_write(struct buf *out, const struct jsonl_scanned *r);

#endif
