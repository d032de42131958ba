/* DynamoDB Streams, the pure part: stream records built from one change of
 * one item (old image, new image), sequence numbers, shard ids in AWS's
 * format, the rollover rule, and opaque shard iterators authenticated with
 * an HMAC so that a client cannot forge or alter one. No storage, no HTTP:
 * streams_log writes records, streams_api serves them. */
#ifndef DYNALAKE_STREAMS_H
#define DYNALAKE_STREAMS_H

#include "base/str.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

/* Stream records and shards are kept 24 hours (DynamoDB developer guide,
 * "Data retention limit for DynamoDB Streams"). */
#define STREAMS_RETENTION_MS (24LL * 60 * 60 * 1000)
/* Shard iterators expire 15 minutes after they are issued (GetShardIterator
 * API reference). */
#define STREAMS_ITERATOR_TTL_MS (15LL * 60 * 1000)
/* AWS closes a shard and opens its child about every four hours. */
#define STREAMS_DEFAULT_SHARD_AGE_MS (4LL * 60 * 60 * 1000)
/* The HMAC key of shard iterators. */
#define STREAMS_KEY_LEN 32
/* Sequence numbers are 21 decimal digits: "1" then 20 zero-padded digits of
 * a counter, so numeric and text order agree and boto3's minimum length
 * (21) holds. */
#define STREAMS_SEQ_LEN 21
/* "shardId-" + 20 digits + "-" + 8 hex digits, as AWS spells shard ids. */
#define STREAMS_SHARD_ID_LEN 37

enum streams_view {
    STREAMS_VIEW_KEYS_ONLY,
    STREAMS_VIEW_NEW_IMAGE,
    STREAMS_VIEW_OLD_IMAGE,
    STREAMS_VIEW_NEW_AND_OLD_IMAGES,
    STREAMS_VIEW_INVALID
};

/* "KEYS_ONLY" ... to the enum; STREAMS_VIEW_INVALID when unknown or NULL. */
enum streams_view streams_view_parse(const char *name);
const char *streams_view_name(enum streams_view view);

/* One change of one item, as the write path knows it. */
struct streams_change {
    const char *hash_name;    /* the partition key attribute */
    const char *range_name;   /* the sort key attribute, or NULL */
    const cJSON *old_item;    /* the item before; NULL when it was absent,
                                 or when old_json alone stands for it */
    const cJSON *new_item;    /* the item after; NULL when deleted */
    struct str old_json;      /* old_item as the store holds its JSON, or
                                 empty: printed from old_item */
    struct str new_json;      /* new_item likewise */
    size_t old_size;          /* ddb_item_size(old_item), or 0: computed */
    size_t new_size;          /* ddb_item_size(new_item), or 0: computed */
    enum streams_view view;
    int64_t seq;              /* this record's sequence number */
    int64_t now_ms;           /* when the change committed, Unix ms */
    const char *region;
    const char *event_id;     /* 32 lower-case hex digits */
    bool is_ttl;              /* a deletion by Time to Live */
};

/* Whether a write from old to new (either may be NULL) is a change that
 * gets a stream record: a new item, a deleted item, or a modified one.
 * Rewriting an item with equal attributes, or deleting an absent item,
 * is not a change (DynamoDB developer guide, "Change data capture"). */
bool streams_is_change(const cJSON *old_item, const cJSON *new_item);

/* Appends the stream record of ch, as GetRecords returns it, to out:
 * eventID, eventName (INSERT, MODIFY or REMOVE), eventVersion, eventSource,
 * awsRegion, dynamodb {ApproximateCreationDateTime in whole seconds, Keys,
 * NewImage and OldImage as the view type asks and only when they exist,
 * SequenceNumber, SizeBytes, StreamViewType}, and userIdentity for TTL
 * deletions. An image given as text (old_json, new_json) is copied as it
 * is, and must be what printing the item unformatted gives. */
void streams_record_write(const struct streams_change *ch, struct buf *out);

/* Sequence numbers: format into out (STREAMS_SEQ_LEN + 1 bytes); parse
 * text, which must be exactly that shape, into *seq (0 or -1). */
void streams_seq_format(int64_t seq, char *out);
int streams_seq_parse(const char *text, int64_t *seq);

/* A shard id: "shardId-" + stamp (20 digits) + "-" + suffix (8 hex). Callers
 * keep stamps increasing within a stream so that text order is creation
 * order, which DescribeStream paging relies on. out holds
 * STREAMS_SHARD_ID_LEN + 1 bytes. */
void streams_shard_id(int64_t stamp, uint32_t suffix, char *out);

/* An eventID: 32 hex digits, derived from the key, stream and sequence
 * number so that it is unique and stable. out holds 33 bytes. */
void streams_event_id(const uint8_t *key, int64_t stream_id, int64_t seq,
                      char *out);

/* Whether the open shard is due to close: it holds max_records records
 * (0: no count limit) or is max_age_ms old (0: no age limit). */
bool streams_should_roll(int64_t n_records, int64_t shard_created_ms,
                         int64_t now_ms, int64_t max_records,
                         int64_t max_age_ms);

/* Where a shard iterator points: the next record it returns is the first
 * one of the shard with sequence number >= pos. */
struct streams_iterator {
    int64_t stream_id;
    int64_t shard_idx;  /* the shard's number within its stream, from 1 */
    int64_t pos;
    int64_t issued_ms;  /* virtual clock, for the 15-minute expiry */
};

/* Appends an iterator: "<stream ARN>|1|<base64 of the fields and their
 * HMAC under key>", the shape AWS's iterators have. */
void streams_iterator_write(const uint8_t *key, const char *stream_arn,
                            const struct streams_iterator *it,
                            struct buf *out);

/* Parses and authenticates text. 0 with *it filled, or -1 when it is
 * malformed, was altered, or was made with another key. */
int streams_iterator_parse(const uint8_t *key, const char *text,
                           struct streams_iterator *it);

bool streams_iterator_is_expired(const struct streams_iterator *it,
                                 int64_t now_ms);

#endif
