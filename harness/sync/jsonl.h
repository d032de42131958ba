/* Change records as JSON lines: one line per DynamoDB change, deletes
 * included, values lossless. The shipper writes them, the loader reads
 * them back. Three shapes:
 *   change layout, ddb-json  {"event_id","event_name","event_time_ms",
 *                             "sequence_number","table","keys",
 *                             "new_image","old_image"} with AttributeValue
 *                             JSON kept exactly (numbers stay strings);
 *   change layout, json      the same fields, values as plain JSON: numbers
 *                             with all their digits, sets as
 *                             {"$set":"SS|NS|BS","values":[sorted]},
 *                             binary as base64 strings;
 *   seed layout              {"event_id","event_name","event_time" (epoch
 *                             seconds),"data"} for consumers written
 *                             against ../shared/seed/'s handler, with
 *                             REMOVE carried (data = old image or keys). */
#ifndef DYNALAKE_JSONL_H
#define DYNALAKE_JSONL_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

enum jsonl_format { JSONL_FORMAT_DDB_JSON, JSONL_FORMAT_JSON };
enum jsonl_layout { JSONL_LAYOUT_CHANGE, JSONL_LAYOUT_SEED };

/* DynamoDB sequence numbers are decimal strings of 21 to 40 digits. */
#define JSONL_SEQ_MAX 40
#define JSONL_ERR_MAX 256

/* One change. Every member is borrowed from the document it was read
 * from; new_image and old_image are NULL when the view type omits them. */
struct jsonl_record {
    const char *event_id;
    const char *event_name;      /* "INSERT", "MODIFY" or "REMOVE" */
    int64_t event_time_ms;       /* epoch milliseconds */
    const char *sequence_number;
    const char *table;
    const cJSON *keys;           /* AttributeValue map */
    const cJSON *new_image;
    const cJSON *old_image;
};

/* Reads a stream record as GetRecords returns it or as Lambda delivers it
 * (eventID, eventName, eventSourceARN, dynamodb{Keys, NewImage, OldImage,
 * SequenceNumber, ApproximateCreationDateTime}). table, when NULL, comes
 * from eventSourceARN. Returns -1 with a reason in err when a required
 * member is missing. */
int jsonl_from_stream(const cJSON *rec, const char *table,
                      struct jsonl_record *out, char *err, size_t errlen);

/* Copies the table name out of a stream ARN
 * (arn:aws:dynamodb:R:A:table/T/stream/L). -1 when it has none. */
int jsonl_table_from_arn(const char *arn, char *out, size_t len);

/* Appends r as one line, '\n' included. Returns -1 (appending nothing
 * useful) when a value is not valid AttributeValue JSON. */
int jsonl_write(struct buf *out, const struct jsonl_record *r,
                enum jsonl_format format, enum jsonl_layout layout);

/* Appends an AttributeValue as plain JSON (see above). -1 on a malformed
 * AttributeValue. */
int jsonl_value_write_plain(struct buf *out, const cJSON *av);

/* Parses one change-layout ddb-json line. *doc owns what out borrows
 * (caller frees with cJSON_Delete, also on failure). Returns -1 with a
 * reason in err for anything else: bad JSON, the json format, the seed
 * layout, a missing member, an unknown event name. */
int jsonl_parse(const char *line, size_t len, struct jsonl_record *out,
                cJSON **doc, char *err, size_t errlen);

/* Appends keys (an AttributeValue map) with members sorted by name: the
 * canonical text of a primary key. */
void jsonl_key_write(struct buf *out, const cJSON *keys);

/* Orders two sequence numbers numerically (<0, 0, >0). */
int jsonl_seq_compare(const char *a, const char *b);

/* Orders two DynamoDB numbers numerically (<0, 0, >0); malformed text
 * sorts by bytes. */
int jsonl_number_compare(const char *a, const char *b);

/* Parses "ddb-json" / "json" and "change" / "seed"; -1 when unknown. */
int jsonl_format_parse(const char *name, enum jsonl_format *out);
int jsonl_layout_parse(const char *name, enum jsonl_layout *out);

#endif
